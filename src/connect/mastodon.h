/*
 * mastodon.h - the Mastodon connector's body parser, exposed for its
 * libFuzzer target (fuzz/fuzz_mastodon.c) and unit test.  The connector
 * itself is conn_mastodon in connect.c's table.
 */
#ifndef KV_MASTODON_H
#define KV_MASTODON_H

#include "connect.h"

enum mastodon_body {
	MASTODON_STATUSES = 0, /* GET /api/v1/accounts/:id/statuses */
	MASTODON_CONTEXT,      /* GET /api/v1/statuses/:id/context */
	MASTODON_NOTIFICATIONS /* GET /api/v1/notifications */
};

/* What one page held. */
struct mastodon_page {
	int n;             /* elements in the page (statuses/notifications) */
	char first_id[64]; /* id of the first (newest) element, "" if none */
	char last_id[64];  /* id of the last (oldest) element, "" if none */
	json_t *ids;       /* when set (caller's array): ids of the statuses
	                      emitted from a MASTODON_STATUSES page */
};

/*
 * Reads one body of the given kind and emits its items through ctx
 * (conn_emit; for MASTODON_CONTEXT also the listing of post_id's direct
 * replies).  Items whose id is a key of seen (a JSON object, may be NULL)
 * are skipped; emitted ids are added to it.  Returns CONN_OK,
 * CONN_E_MALFORMED (ctx->err set) or the rc an on_item callback stopped
 * with (CONN_E_PLATFORM).  Nothing it makes outlives the call.
 */
enum conn_rc mastodon_parse(struct conn_ctx *ctx, enum mastodon_body kind,
                            const char *body, size_t len, const char *post_id,
                            json_t *seen, struct mastodon_page *pg);

#endif
