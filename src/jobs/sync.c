/*
 * sync.c - the sync driver and the scheduler's sync pass (see sync.h).
 *
 * Secrets: the opened credentials live only in this call's json_t and are
 * handed to the connector; their string values are also passed to
 * capture_exchange() so a body echoing one stores "[secret]".  Nothing
 * here logs a credential; errors name the channel and the platform's
 * message only.
 */
#include "sync.h"
#include "../inbox/inbox.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct run {
	struct db *db;
	int64_t channel_id, now, last_exchange;
	struct conn_ctx *ctx;
	struct sync_report *rep;
	const struct sync_options *opt;
	int media_left; /* media downloads this run may still make */
};

/* --- media: the pictures and videos of items, kept as blobs ------------- */

#define SYNC_MEDIA_MAX_BYTES (25u << 20)
#define SYNC_MEDIA_PER_RUN   200

/* 1 when a and b have the same scheme, host and port. */
static int
same_origin(const char *a, const char *b)
{
	const char *ea, *eb;
	size_t la, lb;
	if (a == NULL || b == NULL || (ea = strstr(a, "://")) == NULL ||
	    (eb = strstr(b, "://")) == NULL)
		return 0;
	ea += 3 + strcspn(ea + 3, "/?#");
	eb += 3 + strcspn(eb + 3, "/?#");
	la = (size_t)(ea - a);
	lb = (size_t)(eb - b);
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* The SHA-256 kept for url in the item's current version, into sha. */
static int
media_known(struct db *db, int64_t channel_id, const char *platform_id,
            const char *url, char sha[65])
{
	struct db_stmt *st =
	    db_query(db,
	             "SELECT v.media_json FROM items i JOIN item_versions v ON "
	             "v.item_id = i.id AND v.version = i.current_version WHERE "
	             "i.channel_id = ? AND i.platform_id = ?",
	             "it", channel_id, platform_id);
	int found = 0;
	if (st != NULL && db_step(st) == DB_ROW) {
		json_t *a = json_loads(db_col_text(st, 0), 0, NULL);
		size_t i;
		for (i = 0; i < json_array_size(a); i++) {
			json_t *m = json_array_get(a, i);
			const char *u =
			    json_string_value(json_object_get(m, "url"));
			const char *h =
			    json_string_value(json_object_get(m, "sha256"));
			if (!found && u && h && strcmp(u, url) == 0 &&
			    strlen(h) == 64) {
				memcpy(sha, h, 65);
				found = 1;
			}
		}
		json_decref(a);
	}
	db_finalize(st);
	return found;
}

/* Downloads url and keeps its bytes as a blob; sha set.  A URL from the
 * platform's content may lead only to public addresses, unless it is on
 * the channel's own API host (an on-premises instance, a test server). */
static int
media_fetch(struct run *r, const char *url, const char *mime, char sha[65])
{
	struct fetch_req rq;
	struct fetch_resp rs;
	const char *ct;
	int rc = -1;
	memset(&rq, 0, sizeof(rq));
	rq.url = url;
	rq.follow = 1;
	rq.max_body = SYNC_MEDIA_MAX_BYTES;
	rq.timeout_ms = 60000;
	rq.public_only = !same_origin(url, r->ctx->base_url);
	if (fetch_do(&rq, &rs) == 0 && rs.status == 200 && rs.len > 0) {
		ct = fetch_header(&rs, "Content-Type");
		rc = capture_blob(r->db, rs.body, rs.len,
		                  mime ? mime
		                  : ct ? ct
		                       : "",
		                  r->now, sha);
	}
	fetch_resp_free(&rs);
	return rc;
}

/* Fills in the hashes of it's media: known ones from the stored version,
 * new ones downloaded (at most media_left per run; a failure leaves the
 * hash empty and is counted).  The copy's strings live in shas. */
static void
media_hashes(struct run *r, const struct item *it, struct item *copy,
             char shas[ITEM_MAX_MEDIA][65])
{
	const char *off = conn_cfg(r->ctx, "fetch_media");
	*copy = *it;
	if (off != NULL && strcmp(off, "no") == 0)
		return;
	for (int i = 0; i < it->nmedia && i < ITEM_MAX_MEDIA; i++) {
		const struct item_media *m = &it->media[i];
		if (m->sha256 != NULL || m->url == NULL ||
		    !(str_starts(m->url, "https://") ||
		      str_starts(m->url, "http://")))
			continue;
		if (media_known(r->db, r->channel_id, it->id, m->url,
		                shas[i])) {
			copy->media[i].sha256 = shas[i];
			continue;
		}
		if (r->media_left <= 0)
			continue;
		r->media_left--;
		if (media_fetch(r, m->url, m->mime, shas[i]) == 0) {
			copy->media[i].sha256 = shas[i];
			r->rep->media++;
		} else {
			r->rep->media_failed++;
		}
	}
}

#define MAX_SECRETS 16

/* The string values of the credentials (at most MAX_SECRETS). */
static void
cred_values(const json_t *cred, const char *out[MAX_SECRETS + 1])
{
	const char *k;
	json_t *v;
	int n = 0;
	json_object_foreach((json_t *)(uintptr_t)cred, k, v)
	{
		if (n < MAX_SECRETS && json_is_string(v))
			out[n++] = json_string_value(v);
	}
	out[n] = NULL;
}

static void
on_exchange(void *ud, const struct fetch_resp *rs, const void *req_body,
            size_t req_len)
{
	struct run *r = ud;
	const char *secrets[MAX_SECRETS + 1];
	int64_t id = 0;
	/* request bodies are not kept: they carry refresh tokens and
	 * passwords; the redacted request line and headers are */
	(void)req_body;
	(void)req_len;
	cred_values(r->ctx->cred, secrets);
	if (capture_exchange(r->db, r->channel_id, rs, secrets, r->now, &id) ==
	    0) {
		r->last_exchange = id;
		r->rep->exchanges++;
	} else {
		r->last_exchange = 0;
	}
}

static int
on_item(void *ud, const struct item *it)
{
	struct run *r = ud;
	struct capture_result cr;
	struct item copy;
	char shas[ITEM_MAX_MEDIA][65];
	media_hashes(r, it, &copy, shas);
	if (capture_item(r->db, r->channel_id, &copy, r->last_exchange, r->now,
	                 &cr) != 0) {
		r->rep->store_errors++;
		return -1;
	}
	/* a new inbound item enters the inbox at once (triage, due time,
	 * routing); when that fails the scheduler's intake pass takes it
	 * later, so the sync goes on */
	if (cr.created && it->inbound) {
		int added = 0;
		if (inbox_intake(r->db, cr.item_id, r->now, &added) != KV_OK)
			log_warn("sync: item %" PRId64
			         " is captured but not in the inbox yet",
			         cr.item_id);
	}
	r->rep->seen++;
	r->rep->created += cr.created;
	r->rep->edited += cr.edited;
	r->rep->deleted += cr.deleted;
	r->rep->reappeared += cr.reappeared;
	r->rep->hidden += cr.hidden;
	if (r->opt != NULL && r->opt->on_captured != NULL)
		r->opt->on_captured(r->opt->ud, it, &cr);
	return 0;
}

static int
on_listing(void *ud, const char *parent_id, const char *const *ids, int n)
{
	struct run *r = ud;
	int del = 0, back = 0;
	if (capture_listing(r->db, r->channel_id, parent_id, ids, n, r->now,
	                    &del, &back) != 0) {
		r->rep->store_errors++;
		return -1;
	}
	r->rep->deleted += del;
	r->rep->reappeared += back;
	return 0;
}

static int
on_metric(void *ud, const char *item_id, const char *name, double value,
          int64_t at)
{
	struct run *r = ud;
	if (capture_metric(r->db, r->channel_id, item_id, name, value,
	                   at ? at : r->now, "connector") != 0) {
		r->rep->store_errors++;
		return -1;
	}
	r->rep->metrics++;
	return 0;
}

struct conn_row {
	int64_t org_id, poll_interval, failures, metrics_at;
	char platform[32], status[16], last_status[32];
	char *config, *nonce, *box, *key_id, *state;
};

static void
conn_row_free(struct conn_row *c)
{
	free(c->config);
	free(c->nonce);
	free(c->box);
	free(c->key_id);
	free(c->state);
}

static char *
dup_col(struct db_stmt *st, int col)
{
	const char *s = db_col_text(st, col);
	return strdup(s ? s : "");
}

/* 1 loaded, 0 not connected, -1 database error. */
static int
load(struct db *db, int64_t channel_id, struct conn_row *c)
{
	struct db_stmt *st;
	int rc;
	memset(c, 0, sizeof(*c));
	st = db_query(db,
	              "SELECT c.org_id, c.platform, c.status, cc.config_json, "
	              "cc.cred_nonce, cc.cred_box, cc.cred_key_id, "
	              "cc.state_json, cc.poll_interval, cc.failures, "
	              "cc.last_status, COALESCE(cc.metrics_at, 0) FROM "
	              "channels c JOIN channel_connections cc ON "
	              "cc.channel_id = c.id WHERE c.id = ?",
	              "i", channel_id);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW) {
		c->org_id = db_col_i64(st, 0);
		snprintf(c->platform, sizeof(c->platform), "%s",
		         db_col_text(st, 1));
		snprintf(c->status, sizeof(c->status), "%s",
		         db_col_text(st, 2));
		c->config = dup_col(st, 3);
		c->nonce = dup_col(st, 4);
		c->box = dup_col(st, 5);
		c->key_id = dup_col(st, 6);
		c->state = dup_col(st, 7);
		c->poll_interval = db_col_i64(st, 8);
		c->failures = db_col_i64(st, 9);
		snprintf(c->last_status, sizeof(c->last_status), "%s",
		         db_col_text(st, 10));
		c->metrics_at = db_col_i64(st, 11);
	}
	db_finalize(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* Seconds to wait after the n-th failure in a row (n >= 1): jittered,
 * from one minute up to six hours. */
static int64_t
failure_delay(int64_t n)
{
	int64_t ms =
	    backoff_ms((int)(n > 20 ? 20 : n - 1), 60 * 1000, 6 * 3600 * 1000);
	return ms / 1000 < 60 ? 60 : ms / 1000;
}

/* Writes the outcome; audits a change of status.  0 / -1. */
static int
persist(struct db *db, int64_t channel_id, const struct conn_row *c,
        const struct cred_key *key, struct conn_ctx *ctx, int64_t now,
        int ran_metrics, struct sync_report *rep)
{
	char *state = NULL, *nonce = NULL, *box = NULL;
	const char *use_nonce = c->nonce, *use_box = c->box;
	const char *use_key = c->key_id;
	int64_t failures = 0;
	int rc = -1;

	if (ctx != NULL) {
		state = json_dumps(ctx->state, JSON_COMPACT | JSON_SORT_KEYS);
		if (ctx->cred_changed) {
			char *plain = json_dumps(ctx->cred, JSON_COMPACT);
			int sealed = plain != NULL &&
			             cred_seal(key, plain, &nonce, &box) == 0;
			cred_free(plain);
			if (!sealed) {
				snprintf(
				    rep->error, sizeof(rep->error),
				    "the refreshed credentials could not be "
				    "sealed");
				goto out;
			}
			use_nonce = nonce;
			use_box = box;
			use_key = key->id;
			rep->cred_changed = 1;
		}
		rep->token_expires_at = ctx->token_expires_at;
	}
	if (strcmp(rep->status, "ok") == 0) {
		rep->backoff_until = 0;
	} else {
		failures = c->failures + 1;
		if (rep->rc == CONN_E_RATELIMIT && ctx != NULL &&
		    ctx->err.retry_at > now)
			rep->backoff_until = ctx->err.retry_at;
		else
			rep->backoff_until = now + failure_delay(failures);
	}
	rep->next_poll_at =
	    now + (c->poll_interval > 0 ? c->poll_interval : 900);
	if (db_begin(db) != 0)
		goto out;
	if (db_run(
	        db,
	        "UPDATE channel_connections SET state_json = COALESCE(?, "
	        "state_json), cred_nonce = ?, cred_box = ?, cred_key_id = ?, "
	        "token_expires_at = COALESCE(?, token_expires_at), "
	        "last_sync_at = ?, metrics_at = CASE WHEN ? = 1 THEN ? ELSE "
	        "metrics_at END, last_status = ?, last_error = ?, failures "
	        "= ?, backoff_until = ?, next_poll_at = ?, updated_at = ? "
	        "WHERE channel_id = ?",
	        "ttttjiiittiiiii", state, use_nonce, use_box, use_key,
	        rep->token_expires_at, now, (int64_t)ran_metrics, now,
	        rep->status, rep->error, failures, rep->backoff_until,
	        rep->next_poll_at, now, channel_id) != 0) {
		db_rollback(db);
		goto out;
	}
	if (strcmp(rep->status, c->last_status) != 0) {
		struct actor sys;
		actor_system(&sys, c->org_id, "sync");
		if (audit_commit(db, &sys, "sync_status", "channel", channel_id,
		                 json_pack("{s:s}", "status", c->last_status),
		                 json_pack("{s:s,s:s}", "status", rep->status,
		                           "error", rep->error)) != KV_OK)
			goto out;
	} else if (db_commit(db) != 0) {
		db_rollback(db);
		goto out;
	}
	rc = 0;
out:
	free(state);
	free(nonce);
	free(box);
	return rc;
}

/* Runs the connector's operations; returns the cycle's rc. */
static enum conn_rc
run_cycle(struct conn_ctx *ctx, int metrics)
{
	enum conn_rc rc =
	    ctx->c->check_auth ? ctx->c->check_auth(ctx) : CONN_OK;
	if (rc == CONN_OK && ctx->c->sync != NULL)
		rc = ctx->c->sync(ctx);
	if (rc == CONN_OK && metrics && ctx->c->metrics != NULL) {
		enum conn_rc m = ctx->c->metrics(ctx);
		if (m != CONN_OK && m != CONN_E_UNSUPPORTED)
			rc = m;
	}
	return rc;
}

static void
setup_failed(struct sync_report *rep, const char *status, const char *msg)
{
	rep->rc = CONN_E_CONFIG;
	snprintf(rep->status, sizeof(rep->status), "%s", status);
	snprintf(rep->error, sizeof(rep->error), "%s", msg);
}

int
sync_channel(struct db *db, int64_t channel_id, const struct cred_key *key,
             int64_t now, const struct sync_options *opt,
             struct sync_report *rep)
{
	static const struct sync_options defaults = {-1,   0,    0,
	                                             NULL, NULL, NULL};
	struct conn_row c;
	struct conn_ctx ctx;
	struct run r;
	const struct connector *conn;
	json_t *config = NULL, *cred = NULL, *state = NULL;
	char *plain;
	int lrc, metrics = 0, have_ctx = 0, rc;

	memset(rep, 0, sizeof(*rep));
	if (opt == NULL)
		opt = &defaults;
	lrc = load(db, channel_id, &c);
	if (lrc <= 0) {
		snprintf(rep->error, sizeof(rep->error), "%s",
		         lrc == 0 ? "the channel is not connected (kanalvakt "
		                    "channel connect)"
		                  : "database error");
		snprintf(rep->status, sizeof(rep->status), "%s",
		         lrc == 0 ? "not_connected" : "store");
		return -1;
	}
	conn = opt->connector ? opt->connector : connector_find(c.platform);
	config = json_loads(c.config, 0, NULL);
	state = json_loads(c.state, 0, NULL);
	plain = cred_open(key, c.nonce, c.box);
	if (plain != NULL) {
		cred = json_loads(plain, 0, NULL);
		cred_free(plain);
	}
	if (conn == NULL) {
		char msg[128];
		snprintf(msg, sizeof(msg), "no connector for platform %s",
		         c.platform);
		setup_failed(rep, "config", msg);
	} else if (!json_is_object(config) || !json_is_object(state)) {
		setup_failed(rep, "config",
		             "the stored configuration or state is not a JSON "
		             "object");
	} else if (!json_is_object(cred)) {
		setup_failed(rep, "config",
		             "the credentials cannot be opened with this key "
		             "file (connect the channel again)");
	} else {
		conn_ctx_init(&ctx, conn, config, cred, state);
		have_ctx = 1;
		ctx.channel_id = channel_id;
		ctx.now = now;
		if (opt->backoff_base_ms > 0)
			ctx.backoff_base_ms = opt->backoff_base_ms;
		if (opt->max_pages > 0)
			ctx.max_pages = opt->max_pages;
		memset(&r, 0, sizeof(r));
		r.db = db;
		r.channel_id = channel_id;
		r.now = now;
		r.ctx = &ctx;
		r.rep = rep;
		r.opt = opt;
		r.media_left = SYNC_MEDIA_PER_RUN;
		ctx.ud = &r;
		ctx.on_item = on_item;
		ctx.on_listing = on_listing;
		ctx.on_metric = on_metric;
		ctx.on_exchange = on_exchange;
		metrics = opt->metrics >= 0 ? opt->metrics
		                            : now - c.metrics_at >= 86400;
		rep->rc = run_cycle(&ctx, metrics);
		rep->requests = ctx.requests;
		if (rep->store_errors) {
			snprintf(rep->status, sizeof(rep->status), "store");
			snprintf(rep->error, sizeof(rep->error),
			         "the capture store failed: %s", db_errmsg(db));
			if (rep->rc == CONN_OK)
				rep->rc = CONN_E_PLATFORM;
		} else if (rep->rc == CONN_OK) {
			snprintf(rep->status, sizeof(rep->status), "ok");
		} else {
			snprintf(rep->status, sizeof(rep->status), "%s",
			         conn_rc_name(rep->rc));
			if (ctx.err.code[0])
				snprintf(rep->error, sizeof(rep->error),
				         "%s (%s)", ctx.err.message,
				         ctx.err.code);
			else
				snprintf(rep->error, sizeof(rep->error), "%s",
				         ctx.err.message);
		}
		metrics = metrics && rep->rc == CONN_OK;
	}
	rc = persist(db, channel_id, &c, key, have_ctx ? &ctx : NULL, now,
	             have_ctx ? metrics : 0, rep);
	if (rc != 0)
		log_err("sync: channel %" PRId64 ": the outcome was not stored",
		        channel_id);
	if (have_ctx)
		conn_ctx_cleanup(&ctx);
	json_decref(config);
	json_decref(cred);
	json_decref(state);
	log_info("sync: channel %" PRId64 " (%s): %s; %d new, %d edited, %d "
	         "deleted, %d requests%s%s",
	         channel_id, c.platform, rep->status, rep->created, rep->edited,
	         rep->deleted, rep->requests, rep->error[0] ? ": " : "",
	         rep->error);
	conn_row_free(&c);
	return rc;
}

enum kv_rc
sync_connect(struct db *db, const struct actor *a, int64_t channel_id,
             const struct cred_key *key, const char *config_json,
             const char *cred_json, int reset_state, int64_t now,
             struct verrs *v)
{
	json_t *config, *cred, *after;
	const struct connector *conn;
	char platform[32] = "", status[16] = "";
	char *nonce = NULL, *box = NULL, *plain;
	int64_t poll = 900;
	struct db_stmt *st;
	int rc;

	if (!actor_is_admin(a) && !actor_has_org_role(a, ROLE_COMMS))
		return KV_FORBIDDEN;
	st = db_query(db,
	              "SELECT platform, status FROM channels WHERE id = ? AND "
	              "org_id = ?",
	              "ii", channel_id, a->org_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW) {
		snprintf(platform, sizeof(platform), "%s", db_col_text(st, 0));
		snprintf(status, sizeof(status), "%s", db_col_text(st, 1));
	}
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	config = json_loads(config_json ? config_json : "{}", 0, NULL);
	cred = json_loads(cred_json ? cred_json : "{}", 0, NULL);
	if (!json_is_object(config))
		verr_add(v, "config", "Must be a JSON object");
	if (!json_is_object(cred))
		verr_add(v, "cred", "Must be a JSON object");
	if (strcmp(status, "closed") == 0)
		verr_add(v, "channel_id", "The channel is closed");
	if (v->n) {
		json_decref(config);
		json_decref(cred);
		return KV_INVALID;
	}
	conn = connector_find(platform);
	if (conn != NULL && conn->poll_interval >= 60)
		poll = conn->poll_interval;
	plain = json_dumps(cred, JSON_COMPACT);
	json_decref(cred);
	rc = plain != NULL && cred_seal(key, plain, &nonce, &box) == 0;
	cred_free(plain);
	if (!rc) {
		json_decref(config);
		return KV_DBERR;
	}
	plain = json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS);
	if (db_begin(db) != 0) {
		rc = -1;
		goto out;
	}
	rc = db_run(db,
	            "INSERT INTO channel_connections (channel_id, config_json, "
	            "cred_nonce, cred_box, cred_key_id, poll_interval, "
	            "next_poll_at, created_at, updated_at) VALUES (?, ?, ?, ?, "
	            "?, ?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET "
	            "config_json = excluded.config_json, cred_nonce = "
	            "excluded.cred_nonce, cred_box = excluded.cred_box, "
	            "cred_key_id = excluded.cred_key_id, poll_interval = "
	            "excluded.poll_interval, next_poll_at = "
	            "excluded.next_poll_at, failures = 0, backoff_until = 0, "
	            "last_status = 'new', last_error = '', updated_at = "
	            "excluded.updated_at",
	            "ittttiiii", channel_id, plain, nonce, box, key->id, poll,
	            now, now, now);
	if (rc == 0 && reset_state)
		rc = db_run(db,
		            "UPDATE channel_connections SET state_json = '{}' "
		            "WHERE channel_id = ?",
		            "i", channel_id);
	if (rc != 0) {
		db_rollback(db);
		goto out;
	}
	/* the audit row names the key, never the credentials */
	after = json_pack("{s:O,s:s,s:I,s:b}", "config", config, "key_id",
	                  key->id, "poll_interval", (json_int_t)poll,
	                  "reset_state", reset_state);
	rc = audit_commit(db, a, "connect", "channel", channel_id, NULL,
	                  after) == KV_OK
	         ? 0
	         : -1;
out:
	free(plain);
	free(nonce);
	free(box);
	json_decref(config);
	return rc == 0 ? KV_OK : KV_DBERR;
}

struct sync_session {
	struct conn_row c;
	struct conn_ctx ctx;
	struct run r;
	struct sync_report rep;
	const struct cred_key *key;
	json_t *config, *cred, *state;
};

struct sync_session *
sync_session_open(struct db *db, int64_t channel_id, const struct cred_key *key,
                  int64_t now, char *err, size_t errlen)
{
	struct sync_session *s = xcalloc(1, sizeof(*s));
	const struct connector *conn;
	char *plain;
	int lrc = load(db, channel_id, &s->c);

	if (lrc <= 0) {
		snprintf(err, errlen, "%s",
		         lrc == 0 ? "the channel is not connected"
		                  : "database error");
		goto fail;
	}
	conn = connector_find(s->c.platform);
	s->config = json_loads(s->c.config, 0, NULL);
	s->state = json_loads(s->c.state, 0, NULL);
	plain = cred_open(key, s->c.nonce, s->c.box);
	if (plain != NULL) {
		s->cred = json_loads(plain, 0, NULL);
		cred_free(plain);
	}
	if (conn == NULL) {
		snprintf(err, errlen, "no connector for platform %s",
		         s->c.platform);
		goto fail;
	}
	if (!json_is_object(s->config) || !json_is_object(s->state) ||
	    !json_is_object(s->cred)) {
		snprintf(err, errlen,
		         "the connection's settings or credentials cannot be "
		         "opened (connect the channel again)");
		goto fail;
	}
	conn_ctx_init(&s->ctx, conn, s->config, s->cred, s->state);
	s->ctx.channel_id = channel_id;
	s->ctx.now = now;
	s->key = key;
	s->r.db = db;
	s->r.channel_id = channel_id;
	s->r.now = now;
	s->r.ctx = &s->ctx;
	s->r.rep = &s->rep;
	s->ctx.ud = &s->r;
	s->ctx.on_item = on_item;
	s->ctx.on_listing = on_listing;
	s->ctx.on_metric = on_metric;
	s->ctx.on_exchange = on_exchange;
	return s;
fail:
	json_decref(s->config);
	json_decref(s->cred);
	json_decref(s->state);
	conn_row_free(&s->c);
	free(s);
	return NULL;
}

struct conn_ctx *
sync_session_ctx(struct sync_session *s)
{
	return &s->ctx;
}

int64_t
sync_session_exchange(const struct sync_session *s)
{
	return s->r.last_exchange;
}

int
sync_session_close(struct sync_session *s)
{
	struct db *db = s->r.db;
	char *state = json_dumps(s->ctx.state, JSON_COMPACT | JSON_SORT_KEYS);
	char *nonce = NULL, *box = NULL, *plain = NULL;
	int rc = -1;

	if (state == NULL)
		goto out;
	if (s->ctx.cred_changed) {
		plain = json_dumps(s->ctx.cred, JSON_COMPACT);
		if (plain == NULL ||
		    cred_seal(s->key, plain, &nonce, &box) != 0)
			goto out;
	}
	rc = db_run(db,
	            "UPDATE channel_connections SET state_json = ?, "
	            "cred_nonce = COALESCE(?, cred_nonce), cred_box = "
	            "COALESCE(?, cred_box), cred_key_id = COALESCE(?, "
	            "cred_key_id), token_expires_at = COALESCE(?, "
	            "token_expires_at), updated_at = ? WHERE channel_id = ?",
	            "ttttjii", state, nonce, box, nonce ? s->key->id : NULL,
	            s->ctx.token_expires_at, s->r.now, s->r.channel_id);
out:
	if (rc != 0)
		log_err("sync: channel %" PRId64
		        ": the state after an action was not stored",
		        s->r.channel_id);
	cred_free(plain);
	free(state);
	free(nonce);
	free(box);
	conn_ctx_cleanup(&s->ctx);
	json_decref(s->config);
	json_decref(s->cred);
	json_decref(s->state);
	conn_row_free(&s->c);
	free(s);
	return rc;
}

int
sync_pass(struct db *db, const struct cred_key *key, int64_t now, int max,
          int *polled)
{
	struct db_stmt *st;
	int64_t ids[KV_SYNC_PER_PASS];
	int n = 0, rc;

	*polled = 0;
	if (max < 1 || max > KV_SYNC_PER_PASS)
		max = KV_SYNC_PER_PASS;
	st = db_query(db,
	              "SELECT cc.channel_id FROM channel_connections cc JOIN "
	              "channels c ON c.id = cc.channel_id WHERE c.status = "
	              "'active' AND cc.next_poll_at <= ? AND cc.backoff_until "
	              "<= ? ORDER BY cc.next_poll_at, cc.channel_id LIMIT ?",
	              "iii", now, now, (int64_t)max);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && n < max)
		ids[n++] = db_col_i64(st, 0);
	db_finalize(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct sync_report rep;
		if (sync_channel(db, ids[i], key, now, NULL, &rep) != 0 &&
		    strcmp(rep.status, "store") == 0)
			return -1;
		(*polled)++;
	}
	return 0;
}
