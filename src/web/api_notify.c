/*
 * api_notify.c - the JSON API of notifications (docs/openapi/notify.json):
 *
 *   GET  /api/v1/notifications        listNotifications: the caller's own,
 *                                     newest first; ?unread=true for the
 *                                     unread ones only; limit/offset
 *   POST /api/v1/notifications/read   markNotificationsRead: {"ids": [..]}
 *                                     or {"all": true}
 *
 * Every call acts on the caller's own notifications only; an id that is
 * not one of them answers 404 and changes nothing.
 */
#include "web.h"
#include "../base/util.h"
#include "../domain/notify.h"

#include <string.h>

#define MAX_READ_IDS 500

void
api_notifications_list(struct req *r)
{
	struct notification *ns;
	int n, limit, offset, unread_only = 0, mail_on = 1;
	int64_t total, unread = 0;
	const char *u = req_query(r, "unread");
	json_t *items;
	enum kv_rc rc;

	if (api_paging(r, &limit, &offset) != 0)
		return;
	if (u != NULL) {
		if (strcmp(u, "true") == 0 || strcmp(u, "1") == 0) {
			unread_only = 1;
		} else if (strcmp(u, "false") != 0 && strcmp(u, "0") != 0) {
			api_problem(r, 400, "bad-query", "Bad query parameter",
			            "unread must be true or false.");
			return;
		}
	}
	rc = notify_list(r->db, &r->ar, &r->actor, unread_only, limit, offset,
	                 &ns, &n, &total);
	if (rc == KV_OK)
		rc = notify_unread(r->db, &r->actor, &unread);
	if (rc == KV_OK)
		rc = notify_mail_get(r->db, &r->actor, &mail_on);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, notification_json(&ns[i]));
	api_json(r, 200,
	         json_pack("{s:o,s:I,s:I,s:i,s:i,s:b}", "items", items, "total",
	                   (json_int_t)total, "unread", (json_int_t)unread,
	                   "limit", limit, "offset", offset, "mail", mail_on));
}

static const char *const read_fields[] = {"ids", "all", NULL};

void
api_notifications_read(struct req *r)
{
	struct verrs v = {0};
	json_t *b = api_body(r, read_fields), *ids, *all;
	int64_t *idv = NULL, marked = 0, unread = 0;
	int nids = 0, want_all = 0;
	enum kv_rc rc;

	if (b == NULL)
		return;
	ids = json_object_get(b, "ids");
	all = json_object_get(b, "all");
	if (all != NULL) {
		if (!json_is_boolean(all))
			verr_add(&v, "all", "must be true or false");
		else
			want_all = json_is_true(all);
	}
	if (ids != NULL) {
		size_t i;
		json_t *x;
		if (!json_is_array(ids)) {
			verr_add(&v, "ids", "must be an array of ids");
		} else if (json_array_size(ids) == 0) {
			verr_add(&v, "ids", "must not be empty");
		} else if (json_array_size(ids) > MAX_READ_IDS) {
			verr_add(&v, "ids", "has too many items");
		} else {
			idv = arena_alloc(&r->ar,
			                  sizeof(*idv) * json_array_size(ids));
			json_array_foreach(ids, i, x)
			{
				if (!json_is_integer(x) ||
				    json_integer_value(x) <= 0) {
					verr_add(&v, "ids",
					         "must be an array of ids");
					break;
				}
				idv[nids++] = (int64_t)json_integer_value(x);
			}
		}
		if (want_all)
			verr_add(&v, "all", "cannot be combined with ids");
	} else if (!want_all && v.n == 0) {
		verr_add(&v, "ids", "is required unless all is true");
	}
	if (v.n > 0) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = notify_mark_read(r->db, &r->actor, idv, want_all ? 0 : nids,
	                      &marked);
	if (rc == KV_OK)
		rc = notify_unread(r->db, &r->actor, &unread);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200,
	         json_pack("{s:I,s:I}", "marked", (json_int_t)marked, "unread",
	                   (json_int_t)unread));
}
