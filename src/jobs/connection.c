/*
 * connection.c - a channel's connection as the web side sees it: status
 * without secrets, "poll now", channels needing a reconnect, and the
 * channel a webhook is about (connection.h).
 */
#include "connection.h"
#include "../base/util.h"
#include "../connect/connect.h"

#include <string.h>

#define STATUS_COLS                                                            \
	"cc.config_json, cc.last_status, cc.last_error, "                      \
	"COALESCE(cc.last_sync_at, 0), cc.next_poll_at, cc.backoff_until, "    \
	"COALESCE(cc.token_expires_at, 0), cc.updated_at, cc.failures, "       \
	"cc.poll_interval"

static void
fill(struct arena *ar, struct db_stmt *st, int col, struct conn_status *s)
{
	s->connected = 1;
	s->config_json = arena_strdup(ar, db_col_text(st, col + 0));
	s->last_status = arena_strdup(ar, db_col_text(st, col + 1));
	s->last_error = arena_strdup(ar, db_col_text(st, col + 2));
	s->last_sync_at = db_col_i64(st, col + 3);
	s->next_poll_at = db_col_i64(st, col + 4);
	s->backoff_until = db_col_i64(st, col + 5);
	s->token_expires_at = db_col_i64(st, col + 6);
	s->updated_at = db_col_i64(st, col + 7);
	s->failures = (int)db_col_i64(st, col + 8);
	s->poll_interval = (int)db_col_i64(st, col + 9);
}

static void
describe(const char *platform, struct conn_status *s)
{
	const struct connector *c = connector_find(platform);
	s->has_connector = c != NULL;
	s->label = c ? c->label : "";
	s->caps = c ? c->caps : 0;
	s->note = c ? c->note : "";
}

enum kv_rc
connection_get(struct db *db, struct arena *ar, const struct actor *a,
               int64_t channel_id, struct conn_status *out)
{
	struct channel ch;
	struct db_stmt *st;
	enum kv_rc rc = channel_get(db, ar, a, channel_id, &ch);
	int step;
	if (rc != KV_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	out->channel_id = channel_id;
	out->platform = ch.platform;
	out->config_json = "{}";
	out->last_status = "";
	out->last_error = "";
	describe(ch.platform, out);
	st = db_query(db,
	              "SELECT " STATUS_COLS " FROM channel_connections cc "
	              "WHERE cc.channel_id = ?",
	              "i", channel_id);
	if (st == NULL)
		return KV_DBERR;
	step = db_step(st);
	if (step == DB_ROW)
		fill(ar, st, 0, out);
	db_finalize(st);
	if (step < 0)
		return KV_DBERR;
	if (db_get_i64(db, &out->items,
	               "SELECT COUNT(*) FROM items WHERE channel_id = ?", "i",
	               channel_id) < 0)
		return KV_DBERR;
	return KV_OK;
}

enum kv_rc
connection_poll_now(struct db *db, const struct actor *a, int64_t channel_id,
                    int64_t now, struct verrs *v)
{
	struct arena ar;
	struct channel ch;
	enum kv_rc rc;
	int64_t one = 0;
	int got;

	if (!actor_is_admin(a) && !actor_has_org_role(a, ROLE_COMMS))
		return KV_FORBIDDEN;
	arena_init(&ar);
	rc = channel_get(db, &ar, a, channel_id, &ch);
	if (rc != KV_OK)
		goto out;
	got = db_get_i64(
	    db, &one, "SELECT 1 FROM channel_connections WHERE channel_id = ?",
	    "i", channel_id);
	if (got < 0) {
		rc = KV_DBERR;
		goto out;
	}
	if (got == 0) {
		verr_add(v, "channel_id", "The channel is not connected");
		rc = KV_CONFLICT;
		goto out;
	}
	if (strcmp(ch.status, "active") != 0) {
		verr_add(v, "channel_id", "Only active channels are polled");
		rc = KV_CONFLICT;
		goto out;
	}
	if (db_begin(db) != 0) {
		rc = KV_DBERR;
		goto out;
	}
	if (db_run(db,
	           "UPDATE channel_connections SET next_poll_at = ?, "
	           "backoff_until = 0, updated_at = ? WHERE channel_id = ?",
	           "iii", now, now, channel_id) != 0) {
		db_rollback(db);
		rc = KV_DBERR;
		goto out;
	}
	rc = audit_commit(db, a, "poll_now", "channel", channel_id, NULL, NULL);
out:
	arena_free(&ar);
	return rc;
}

enum kv_rc
connection_attention(struct db *db, struct arena *ar, const struct actor *a,
                     int64_t now, int64_t within, struct conn_status **out,
                     int *n, int max)
{
	struct db_stmt *st;
	int step;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)(max > 0 ? max : 1));
	*n = 0;
	st = db_query(db,
	              "SELECT c.id, c.platform, " STATUS_COLS " FROM "
	              "channel_connections cc JOIN channels c ON c.id = "
	              "cc.channel_id WHERE c.org_id = ? AND c.status = "
	              "'active' AND (cc.last_status = 'auth' OR "
	              "(cc.token_expires_at IS NOT NULL AND "
	              "cc.token_expires_at > 0 AND cc.token_expires_at <= ?)) "
	              "ORDER BY c.id LIMIT 200",
	              "ii", a->org_id, now + within);
	if (st == NULL)
		return KV_DBERR;
	while (*n < max && (step = db_step(st)) == DB_ROW) {
		struct channel ch;
		struct conn_status *s = &(*out)[*n];
		int64_t id = db_col_i64(st, 0);
		/* only what the actor may see (a unit editor: their unit's) */
		if (channel_get(db, ar, a, id, &ch) != KV_OK)
			continue;
		memset(s, 0, sizeof(*s));
		s->channel_id = id;
		s->platform = ch.platform;
		describe(ch.platform, s);
		fill(ar, st, 2, s);
		(*n)++;
	}
	db_finalize(st);
	return KV_OK;
}

int64_t
connection_by_account(struct db *db, const char *platform, const char *account)
{
	struct db_stmt *st;
	int64_t found = 0;
	int step;
	if (account == NULL || *account == '\0')
		return 0;
	st = db_query(db,
	              "SELECT c.id, cc.config_json FROM channel_connections cc "
	              "JOIN channels c ON c.id = cc.channel_id WHERE "
	              "c.platform = ? AND c.status = 'active' ORDER BY c.id",
	              "t", platform);
	if (st == NULL)
		return -1;
	while (found == 0 && (step = db_step(st)) == DB_ROW) {
		json_t *cfg = json_loads(db_col_text(st, 1), 0, NULL);
		const char *acc =
		    json_string_value(json_object_get(cfg, "account"));
		if (acc && strcmp(acc, account) == 0)
			found = db_col_i64(st, 0);
		json_decref(cfg);
	}
	db_finalize(st);
	return found;
}

static json_t *
time_or_null(int64_t t)
{
	char iso[32];
	return t > 0 ? json_string(time_fmt_iso(t, iso)) : json_null();
}

json_t *
conn_status_json(const struct conn_status *s)
{
	json_t *cfg =
	    json_loads(s->config_json ? s->config_json : "{}", 0, NULL);
	json_t *caps = json_array();
	static const struct {
		unsigned bit;
		const char *name;
	} capn[] = {{CAP_OWN_POSTS, "own_posts"},
	            {CAP_COMMENTS, "comments"},
	            {CAP_MENTIONS, "mentions"},
	            {CAP_DMS, "dms"},
	            {CAP_REPLY, "reply"},
	            {CAP_HIDE, "hide"},
	            {CAP_DELETE_OTHERS, "delete_others"},
	            {CAP_PUBLISH, "publish"},
	            {CAP_PUBLISH_MEDIA, "publish_media"},
	            {CAP_METRICS, "metrics"},
	            {CAP_WEBHOOK, "webhook"},
	            {CAP_REFRESH, "refresh"}};
	for (size_t i = 0; i < sizeof(capn) / sizeof(capn[0]); i++)
		if (s->caps & capn[i].bit)
			json_array_append_new(caps, json_string(capn[i].name));
	return json_pack(
	    "{s:I,s:s,s:s,s:b,s:b,s:o,s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:i,s:i,"
	    "s:I}",
	    "channel_id", (json_int_t)s->channel_id, "platform",
	    s->platform ? s->platform : "", "connector",
	    s->label ? s->label : "", "connected", s->connected, "supported",
	    s->has_connector, "capabilities", caps, "limits",
	    s->note ? s->note : "", "config", cfg ? cfg : json_object(),
	    "status", s->connected ? s->last_status : "not_connected", "error",
	    s->last_error ? s->last_error : "", "last_sync_at",
	    time_or_null(s->last_sync_at), "next_poll_at",
	    time_or_null(s->connected ? s->next_poll_at : 0), "backoff_until",
	    time_or_null(s->backoff_until), "token_expires_at",
	    time_or_null(s->token_expires_at), "failures", s->failures,
	    "poll_interval", s->poll_interval, "items", (json_int_t)s->items);
}
