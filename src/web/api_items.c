/*
 * api_items.c - the JSON API of connections and captured items (issue 4):
 * a channel's connection (status, credentials, poll now), the items
 * captured from the platforms with their versions, full-text search, and
 * the Meta webhook endpoint.  Documented in assets/openapi.json.
 */
#include "web.h"
#include "../archive/capture.h"
#include "../archive/cred.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../jobs/connection.h"
#include "../jobs/sync.h"

#include <string.h>

int
web_cred_key(struct req *r, struct cred_key *k)
{
	char err[512];
	if (r->app->key_path == NULL ||
	    cred_key_load(r->app->key_path, 1, k, err, sizeof(err)) != 0) {
		log_err("credential key: %s",
		        r->app->key_path ? err : "no key file configured");
		return -1;
	}
	return 0;
}
