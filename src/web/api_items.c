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
#include "../connect/connect.h"
#include "../connect/meta_webhook.h"
#include "../inbox/inbox.h"
#include "../jobs/sync.h"

#include <sodium.h>
#include <stdlib.h>
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

/* --- connections ------------------------------------------------------- */

static void
answer_status(struct req *r, int http_status, int64_t channel_id)
{
	struct conn_status s;
	enum kv_rc rc =
	    connection_get(r->db, &r->ar, &r->actor, channel_id, &s);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, http_status, conn_status_json(&s));
}

void
api_connection_get(struct req *r)
{
	answer_status(r, 200, r->pid);
}

#define MAX_CONFIG_BYTES 4096
#define MAX_CRED_BYTES   16384

/* A flat object of short strings (and numbers/booleans for credentials);
 * records what is wrong under field. */
static void
check_flat(json_t *o, const char *field, int allow_scalars, size_t max,
           struct verrs *v)
{
	const char *k;
	json_t *val;
	char *s;
	if (!json_is_object(o)) {
		verr_add(v, field, "Must be a JSON object");
		return;
	}
	json_object_foreach(o, k, val)
	{
		if (json_is_string(val)) {
			if (!utf8_valid_text(json_string_value(val),
			                     json_string_length(val), 0))
				verr_add(v, field,
				         "Values must be one line of text");
		} else if (!(allow_scalars &&
		             (json_is_integer(val) || json_is_boolean(val)))) {
			verr_add(v, field, "Values must be strings");
		}
		if (strlen(k) > 64)
			verr_add(v, field,
			         "Keys must be at most 64 characters");
	}
	s = json_dumps(o, JSON_COMPACT);
	if (s == NULL || strlen(s) > max)
		verr_add(v, field, "Too long");
	free(s);
}

static void
check_config(json_t *cfg, const char *platform, struct verrs *v)
{
	const char *base = json_string_value(json_object_get(cfg, "base_url"));
	const char *feed = json_string_value(json_object_get(cfg, "feed_url"));
	if (base && *base && !str_starts(base, "https://") &&
	    !str_starts(base, "http://"))
		verr_add(v, "config", "base_url must be an http(s) URL");
	if (feed && *feed && !str_starts(feed, "https://") &&
	    !str_starts(feed, "http://"))
		verr_add(v, "config", "feed_url must be an http(s) URL");
	if (strcmp(platform, "mastodon") == 0 && !(base && *base))
		verr_add(v, "config",
		         "A Mastodon channel needs base_url (its instance)");
	if ((strcmp(platform, "facebook_page") == 0 ||
	     strcmp(platform, "instagram") == 0 ||
	     strcmp(platform, "linkedin") == 0) &&
	    json_string_value(json_object_get(cfg, "account")) == NULL)
		verr_add(v, "config",
		         "This platform needs account (the page, user or "
		         "organisation id)");
}

void
api_connection_put(struct req *r)
{
	static const char *const fields[] = {"config", "credentials",
	                                     "reset_state", NULL};
	struct verrs v = {0};
	struct channel ch;
	struct cred_key key;
	json_t *b, *cfg, *cred, *reset;
	char *cfg_s = NULL, *cred_s = NULL;
	enum kv_rc rc;

	if ((b = api_body(r, fields)) == NULL)
		return;
	rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &ch);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	cfg = json_object_get(b, "config");
	cred = json_object_get(b, "credentials");
	reset = json_object_get(b, "reset_state");
	if (cfg != NULL)
		check_flat(cfg, "config", 0, MAX_CONFIG_BYTES, &v);
	if (cred == NULL)
		verr_add(&v, "credentials",
		         "Required (an empty object for a public feed)");
	else
		check_flat(cred, "credentials", 1, MAX_CRED_BYTES, &v);
	if (reset != NULL && !json_is_boolean(reset))
		verr_add(&v, "reset_state", "Must be true or false");
	if (v.n == 0 && connector_find(ch.platform) == NULL)
		verr_add(&v, "channel_id",
		         "kanalvakt has no connector for this platform");
	if (v.n == 0) {
		json_t *none = json_object();
		check_config(cfg ? cfg : none, ch.platform, &v);
		json_decref(none);
	}
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	if (!actor_is_admin(&r->actor) &&
	    !actor_has_org_role(&r->actor, ROLE_COMMS)) {
		api_fail(r, KV_FORBIDDEN, NULL);
		return;
	}
	if (web_cred_key(r, &key) != 0) {
		api_problem(r, 503, "no-key", "Credentials cannot be stored",
		            "The server's credential key file is not usable; "
		            "see its log.");
		return;
	}
	cfg_s = cfg ? json_dumps(cfg, JSON_COMPACT) : NULL;
	cred_s = json_dumps(cred, JSON_COMPACT);
	rc = sync_connect(r->db, &r->actor, r->pid, &key, cfg_s ? cfg_s : "{}",
	                  cred_s, json_is_true(reset), time_now(), &v);
	cred_key_wipe(&key);
	if (cred_s) {
		sodium_memzero(cred_s, strlen(cred_s));
		free(cred_s);
	}
	free(cfg_s);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_status(r, 200, r->pid);
}

void
api_connection_sync(struct req *r)
{
	struct verrs v = {0};
	enum kv_rc rc =
	    connection_poll_now(r->db, &r->actor, r->pid, time_now(), &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_status(r, 202, r->pid);
}

/* --- items ------------------------------------------------------------- */

static const char *const item_types[] = {"post",    "comment", "reply",
                                         "mention", "dm",      NULL};
static const char *const item_states[] = {"live", "deleted", "hidden", "edited",
                                          NULL};

static int
one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* A time bound from the query: an ISO 8601 date or date-time. */
static int
query_time(struct req *r, const char *name, int64_t *out, int end)
{
	const char *s = req_query(r, name);
	int y, m, d;
	*out = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (strlen(s) == 10 && date_parse(s, &y, &m, &d) == 0) {
		*out = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 +
		       (end ? 86400 : 0);
		return 0;
	}
	if (time_parse_iso(s, out) == 0)
		return 0;
	api_problem(r, 400, "bad-query", "Bad query parameter",
	            arena_printf(&r->ar,
	                         "%s must be a date (YYYY-MM-DD) or an ISO "
	                         "8601 UTC time",
	                         name));
	return -1;
}

/* Reads the common filters; -1 after answering 400. */
static int
item_filter(struct req *r, struct capture_filter *f)
{
	const char *type = req_query(r, "type"), *state = req_query(r, "state");
	const char *author = req_query(r, "author");
	memset(f, 0, sizeof(*f));
	if (query_id(r, "channel_id", &f->channel_id) != 0 ||
	    api_paging(r, &f->limit, &f->offset) != 0 ||
	    query_time(r, "from", &f->from, 0) != 0 ||
	    query_time(r, "to", &f->to, 1) != 0)
		return -1;
	if (type && *type) {
		if (!one_of(type, item_types)) {
			api_problem(
			    r, 400, "bad-query", "Bad query parameter",
			    "type must be post, comment, reply, mention "
			    "or dm");
			return -1;
		}
		f->type = type;
	}
	if (state && *state) {
		if (!one_of(state, item_states)) {
			api_problem(r, 400, "bad-query", "Bad query parameter",
			            "state must be live, deleted, hidden or "
			            "edited");
			return -1;
		}
		f->state = state;
	}
	if (author && *author) {
		if (strlen(author) > 300) {
			api_problem(r, 400, "bad-query", "Bad query parameter",
			            "author is too long");
			return -1;
		}
		f->author = author;
	}
	return 0;
}

static void
rows_answer(struct req *r, const struct capture_row *rows, int n, int64_t total,
            const struct capture_filter *f)
{
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, capture_row_json(&rows[i]));
	api_json(r, 200,
	         json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total",
	                   (json_int_t)total, "limit", f->limit, "offset",
	                   f->offset));
}

void
api_items_list(struct req *r)
{
	struct capture_filter f;
	struct capture_row *rows = NULL;
	int n = 0;
	int64_t total = 0;
	enum kv_rc rc;
	if (item_filter(r, &f) != 0)
		return;
	rc = capture_list(r->db, &r->ar, &r->actor, &f, &rows, &n, &total);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	rows_answer(r, rows, n, total, &f);
}

void
api_items_search(struct req *r)
{
	struct capture_filter f;
	struct capture_row *rows = NULL;
	const char *q = req_query(r, "q");
	int n = 0;
	enum kv_rc rc;
	if (q == NULL || *q == '\0' || strlen(q) > 500 ||
	    !utf8_valid_text(q, strlen(q), 0)) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            "q must be 1–500 characters of text");
		return;
	}
	if (item_filter(r, &f) != 0)
		return;
	rc = capture_search(r->db, &r->ar, &r->actor, q, &f, &rows, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	/* search answers one page; total is what this page holds plus
	 * whether there may be more */
	rows_answer(r, rows, n, f.offset + n + (n == f.limit ? 1 : 0), &f);
}

void
api_item_get(struct req *r)
{
	struct capture_row row;
	struct capture_version *vs = NULL;
	struct capture_event *es = NULL;
	int nv = 0, ne = 0;
	json_t *o, *va, *ea;
	enum kv_rc rc = capture_get(r->db, &r->ar, &r->actor, r->pid, &row, &vs,
	                            &nv, &es, &ne);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	o = capture_row_json(&row);
	va = json_array();
	ea = json_array();
	for (int i = 0; i < nv; i++)
		json_array_append_new(va, capture_version_json(&vs[i]));
	for (int i = 0; i < ne; i++)
		json_array_append_new(ea, capture_event_json(&es[i]));
	json_object_set_new(o, "versions", va);
	json_object_set_new(o, "events", ea);
	api_json(r, 200, o);
}

/* --- Meta webhooks ----------------------------------------------------- */

/* GET /hooks/meta: the subscription handshake; the challenge goes back
 * as the body when the verify token matches. */
void
hook_meta_verify(struct req *r)
{
	const char *ch;
	if (r->app->meta_verify_token == NULL) {
		api_problem(r, 404, "not-found", "Not found",
		            "Meta webhooks are not configured on this server.");
		return;
	}
	ch = meta_webhook_challenge(
	    req_query(r, "hub.mode"), req_query(r, "hub.verify_token"),
	    r->app->meta_verify_token, req_query(r, "hub.challenge"));
	if (ch == NULL) {
		api_problem(r, 403, "forbidden", "Forbidden",
		            "The verify token or the challenge is wrong.");
		return;
	}
	r->ctype = "text/plain; charset=utf-8";
	buf_adds(&r->out, ch);
}

struct hook_ud {
	struct db *db;
	int64_t channel_id, exchange_id, now;
	int stored, failed;
};

static int
hook_item(void *ud, const struct item *it)
{
	struct hook_ud *h = ud;
	struct capture_result cr;
	int added = 0;
	if (capture_item(h->db, h->channel_id, it, h->exchange_id, h->now,
	                 &cr) != 0) {
		h->failed++;
		return -1;
	}
	/* new inbound items enter the inbox now (else the scheduler's
	 * intake pass takes them) */
	if (cr.created && it->inbound &&
	    inbox_intake(h->db, cr.item_id, h->now, &added) != KV_OK)
		log_warn("hooks: item %lld captured, not yet in the inbox",
		         (long long)cr.item_id);
	h->stored++;
	return 0;
}

/* One entry of a delivery for the channel whose account it names: the
 * delivery kept as an exchange, its changes captured, the connector's
 * queue (state) saved.  0, or -1 when the store failed. */
static int
hook_entry(struct req *r, const char *object, json_t *entry,
           const char *platform, int64_t channel_id, int *stored)
{
	const struct connector *c = connector_find(platform);
	struct hook_ud h = {r->db, channel_id, 0, time_now(), 0, 0};
	struct fetch_resp fr;
	struct conn_ctx ctx;
	json_t *one, *state = NULL, *cfg = NULL;
	struct db_stmt *st;
	char *body, *hdrs;
	const char *sig = req_header(r, "X-Hub-Signature-256");
	int rc = 0;

	one = json_pack("{s:s,s:[O]}", "object", object, "entry", entry);
	body = json_dumps(one, JSON_COMPACT);
	json_decref(one);
	if (body == NULL)
		return -1;
	/* the delivery as received is the record: keep it like a response */
	memset(&fr, 0, sizeof(fr));
	fr.status = 200;
	fr.body = (char *)r->body.p;
	fr.len = r->body.len;
	fr.req_line = (char *)"WEBHOOK POST /hooks/meta";
	hdrs =
	    arena_printf(&r->ar, "X-Hub-Signature-256: %s\r\n", sig ? sig : "");
	fr.req_headers = hdrs;
	fr.resp_headers = (char *)"";
	fr.started_at = h.now;
	if (capture_exchange(r->db, channel_id, &fr, NULL, h.now,
	                     &h.exchange_id) != 0) {
		free(body);
		return -1;
	}
	st = db_query(r->db,
	              "SELECT config_json, state_json FROM channel_connections "
	              "WHERE channel_id = ?",
	              "i", channel_id);
	if (st != NULL && db_step(st) == DB_ROW) {
		cfg = json_loads(db_col_text(st, 0), 0, NULL);
		state = json_loads(db_col_text(st, 1), 0, NULL);
	}
	db_finalize(st);
	if (!json_is_object(state)) {
		json_decref(state);
		state = json_object();
	}
	if (!json_is_object(cfg)) {
		json_decref(cfg);
		cfg = json_object();
	}
	conn_ctx_init(&ctx, c, cfg, NULL, state);
	ctx.ud = &h;
	ctx.on_item = hook_item;
	if (meta_webhook_parse(&ctx, body, strlen(body)) < 0 && h.failed)
		rc = -1;
	if (rc == 0) {
		char *s = json_dumps(state, JSON_COMPACT);
		if (s == NULL ||
		    db_run(r->db,
		           "UPDATE channel_connections SET state_json = ?, "
		           "updated_at = ? WHERE channel_id = ?",
		           "tii", s, h.now, channel_id) != 0)
			rc = -1;
		free(s);
	}
	conn_ctx_cleanup(&ctx);
	json_decref(cfg);
	json_decref(state);
	free(body);
	*stored += h.stored;
	return rc;
}

/* POST /hooks/meta: a delivery, signed with the app secret; each entry
 * goes to the active channel whose connection names its page or
 * Instagram account.  Unknown accounts are acknowledged and skipped (Meta
 * retries deliveries that fail, so only our own failures answer 5xx). */
void
hook_meta_deliver(struct req *r)
{
	const char *object, *platform;
	json_t *j, *entries, *e;
	size_t i;
	int stored = 0, skipped = 0, failed = 0;

	if (r->app->meta_app_secret == NULL) {
		api_problem(r, 404, "not-found", "Not found",
		            "Meta webhooks are not configured on this server.");
		return;
	}
	if (meta_webhook_verify(r->app->meta_app_secret, r->body.p, r->body.len,
	                        req_header(r, "X-Hub-Signature-256")) != 0) {
		log_warn("webhook: a delivery with a wrong or missing "
		         "signature was refused");
		api_problem(r, 401, "bad-signature", "Bad signature",
		            "X-Hub-Signature-256 does not match the body.");
		return;
	}
	j = json_loadb(r->body.p ? r->body.p : "", r->body.len, 0, NULL);
	object = json_string_value(json_object_get(j, "object"));
	entries = json_object_get(j, "entry");
	if (object == NULL || !json_is_array(entries)) {
		json_decref(j);
		api_problem(r, 400, "bad-body", "Not a delivery",
		            "Expected {\"object\": …, \"entry\": […]}.");
		return;
	}
	platform = strcmp(object, "page") == 0        ? "facebook_page"
	           : strcmp(object, "instagram") == 0 ? "instagram"
	                                              : NULL;
	for (i = 0; platform && i < json_array_size(entries) && i < 100; i++) {
		const char *id;
		char idbuf[32];
		int64_t ch;
		e = json_array_get(entries, i);
		id = json_string_value(json_object_get(e, "id"));
		if (id == NULL && json_is_integer(json_object_get(e, "id"))) {
			snprintf(idbuf, sizeof(idbuf), "%lld",
			         (long long)json_integer_value(
			             json_object_get(e, "id")));
			id = idbuf;
		}
		ch = connection_by_account(r->db, platform, id);
		if (ch <= 0) {
			skipped++;
			continue;
		}
		if (hook_entry(r, object, e, platform, ch, &stored) != 0)
			failed++;
	}
	json_decref(j);
	if (failed) {
		api_problem(
		    r, 503, "store-failed", "Not stored",
		    "The delivery could not be stored; Meta will retry.");
		return;
	}
	api_json(r, 200,
	         json_pack("{s:i,s:i}", "stored", stored, "skipped", skipped));
}
