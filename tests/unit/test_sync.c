/*
 * test_sync.c - the sync driver (src/jobs/sync.c) end to end: a small
 * connector written here ("tnet", a real struct connector speaking JSON
 * over HTTP) polls tests/lib/replay.py, and everything goes through
 * sync_connect, sync_channel and sync_pass into the capture store.
 *
 * Covered: an expired token refreshed once and the new credentials
 * re-sealed (and no token anywhere in the database in clear: columns,
 * blobs, and the SQLite file itself); a network failure mid-way through
 * the second page, then a second run — nothing lost, nothing duplicated;
 * the state persisted; a rate limit → backoff_until from Retry-After; the
 * scheduler's pass skipping a channel in back-off and polling it after;
 * a disappearance seen through a listing; the token-expiry and
 * disconnected alerts.  SQLite, and PostgreSQL when KV_TEST_PG_URL is set.
 */
#define T_DB
#include "t.h"
#include "replay.h"

#include "../../src/base/util.h"
#include "../../src/domain/alerts.h"
#include "../../src/jobs/sync.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define T0 1785000000

/* --- tnet: the test connector --------------------------------------------- */

static int
tnet_classify(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	if (rs->status == 401) {
		conn_fail(ctx, CONN_E_AUTH, "invalid_token",
		          "The access token expired");
		return 1;
	}
	if (rs->status == 429) {
		conn_fail(ctx, CONN_E_RATELIMIT, "throttled", "Slow down");
		return 1;
	}
	return 0;
}

/* GET (or POST with form) base+path with the bearer token. */
static enum conn_rc
tnet_call(struct conn_ctx *ctx, const char *method, const char *path,
          const char *form, json_t **out)
{
	struct fetch_req rq;
	struct fetch_resp rs;
	char url[512], auth[512];
	const char *tok = conn_cred(ctx, "access_token");
	enum conn_rc rc;

	memset(&rq, 0, sizeof(rq));
	snprintf(url, sizeof(url), "%s%s", ctx->base_url, path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
	         tok ? tok : "");
	rq.method = method;
	rq.url = url;
	rq.headers[0] = auth;
	rq.secrets[0] = tok;
	if (form != NULL) {
		rq.body = form;
		rq.body_len = strlen(form);
		rq.headers[1] =
		    "Content-Type: application/x-www-form-urlencoded";
	}
	*out = NULL;
	rc = conn_request(ctx, &rq, &rs);
	if (rc == CONN_OK) {
		*out = conn_json(ctx, &rs);
		if (*out == NULL)
			rc = CONN_E_MALFORMED;
	}
	fetch_resp_free(&rs);
	return rc;
}

static enum conn_rc
tnet_check_auth(struct conn_ctx *ctx)
{
	json_t *j = NULL;
	enum conn_rc rc = tnet_call(ctx, "GET", "/auth/check", NULL, &j);
	if (rc == CONN_E_AUTH && conn_cred(ctx, "refresh_token") != NULL) {
		char form[256];
		json_t *t;
		snprintf(form, sizeof(form), "refresh_token=%s",
		         conn_cred(ctx, "refresh_token"));
		rc = tnet_call(ctx, "POST", "/auth/refresh", form, &t);
		if (rc != CONN_OK)
			return rc;
		json_object_set(ctx->cred, "access_token",
		                json_object_get(t, "access_token"));
		json_object_set(ctx->cred, "refresh_token",
		                json_object_get(t, "refresh_token"));
		ctx->token_expires_at =
		    ctx->now +
		    json_integer_value(json_object_get(t, "expires_in"));
		ctx->cred_changed = 1;
		json_decref(t);
		rc = tnet_call(ctx, "GET", "/auth/check", NULL, &j);
	}
	if (rc == CONN_OK)
		conn_state_set(ctx, "account",
		               json_string_value(json_object_get(j, "id")));
	json_decref(j);
	return rc;
}

#define TNET_MAX 64

/* Pages through /posts; top-level ids and p1's children make listings
 * when every page came. */
static enum conn_rc
tnet_sync(struct conn_ctx *ctx)
{
	char path[64] = "/posts";
	const char *top[TNET_MAX], *kids[TNET_MAX];
	char *keep[TNET_MAX];
	int ntop = 0, nkids = 0, nkeep = 0, pages = 0;
	enum conn_rc rc = CONN_OK;

	for (;;) {
		json_t *j, *arr, *e;
		size_t i;
		const char *next;
		rc = tnet_call(ctx, "GET", path, NULL, &j);
		if (rc != CONN_OK)
			break;
		arr = json_object_get(j, "items");
		json_array_foreach(arr, i, e)
		{
			struct item it;
			const char *id =
			    json_string_value(json_object_get(e, "id"));
			const char *parent =
			    json_string_value(json_object_get(e, "parent"));
			char *raw =
			    json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
			item_init(&it);
			it.id = id;
			it.type = parent ? ITEM_COMMENT : ITEM_POST;
			it.parent_id = parent;
			it.inbound = parent != NULL;
			it.text = json_string_value(json_object_get(e, "text"));
			it.lang = json_string_value(json_object_get(e, "lang"));
			it.author_handle =
			    json_string_value(json_object_get(e, "author"));
			it.created_at = T0;
			it.raw = raw;
			/* "media": URLs; a path is on the API's own host */
			{
				json_t *ma = json_object_get(e, "media"), *mu;
				size_t k;
				static char murl[ITEM_MAX_MEDIA][256];
				json_array_foreach(ma, k, mu)
				{
					const char *u = json_string_value(mu);
					if (u == NULL ||
					    it.nmedia >= ITEM_MAX_MEDIA)
						continue;
					snprintf(murl[it.nmedia], 256, "%s%s",
					         u[0] == '/' ? ctx->base_url
					                     : "",
					         u);
					it.media[it.nmedia].url =
					    murl[it.nmedia];
					it.media[it.nmedia].alt = "Bilde";
					it.nmedia++;
				}
			}
			if (nkeep < TNET_MAX) {
				keep[nkeep++] = strdup(id);
				if (parent == NULL)
					top[ntop++] = keep[nkeep - 1];
				else if (strcmp(parent, "p1") == 0)
					kids[nkids++] = keep[nkeep - 1];
			}
			if (conn_emit(ctx, &it) != 0)
				rc = conn_fail(ctx, CONN_E_PLATFORM, "store",
				               "the caller stopped the cycle");
			free(raw);
			if (rc != CONN_OK)
				break;
		}
		next = json_string_value(json_object_get(j, "next"));
		if (rc == CONN_OK && next != NULL && ++pages < ctx->max_pages)
			snprintf(path, sizeof(path), "/posts?page=%s", next);
		else
			next = NULL;
		json_decref(j);
		if (rc != CONN_OK || next == NULL)
			break;
	}
	if (rc == CONN_OK) {
		if (conn_emit_listing(ctx, NULL, top, ntop) != 0 ||
		    conn_emit_listing(ctx, "p1", kids, nkids) != 0)
			rc = CONN_E_PLATFORM;
		else
			conn_state_set(ctx, "complete", "yes");
	}
	for (int i = 0; i < nkeep; i++)
		free(keep[i]);
	return rc;
}

static enum conn_rc
tnet_metrics(struct conn_ctx *ctx)
{
	conn_emit_metric(ctx, NULL, METRIC_FOLLOWERS, 1234, ctx->now);
	conn_emit_metric(ctx, "p1", METRIC_REACTIONS, 5, ctx->now);
	return CONN_OK;
}

static const struct connector tnet = {
    .platform = "other",
    .label = "Test net",
    .default_base = "http://127.0.0.1:1",
    .poll_interval = 600,
    .caps = CAP_OWN_POSTS | CAP_COMMENTS | CAP_METRICS | CAP_REFRESH,
    .note = "A test connector.",
    .check_auth = tnet_check_auth,
    .sync = tnet_sync,
    .metrics = tnet_metrics,
    .classify = tnet_classify,
};

/* --- fixtures --------------------------------------------------------------
 */

static struct db *
setup(enum db_kind kind)
{
	int applied;
	struct db *db = t_db_fresh(kind);
	if (db == NULL)
		return NULL;
	if (!T_EQ_INT(db_migrate(db, &applied), 0)) {
		t_db_done(db);
		return NULL;
	}
	T_EQ_INT(
	    db_exec(db,
	            "INSERT INTO orgs (id, name, slug, country, timezone, "
	            "default_lang, created_at) VALUES (1, 'Meldal', "
	            "'meldal', 'NO', 'Europe/Oslo', 'en', 0);"
	            "INSERT INTO units (id, org_id, name, kind, created_at, "
	            "updated_at) VALUES (1, 1, 'Kultur', 'unit', 0, 0);"
	            "INSERT INTO people (id, org_id, full_name, first_name, "
	            "unit_id, email, created_at, updated_at) VALUES "
	            "(1, 1, 'Anne A', 'Anne', 1, 'a@x.example', 0, 0);"
	            "INSERT INTO channels (id, org_id, unit_id, platform, "
	            "name, address, responsible_id, status, created_at, "
	            "updated_at) VALUES (1, 1, 1, 'other', 'Kultur', "
	            "'@kultur@social.example', 1, 'active', 0, 0)"),
	    0);
	return db;
}

#define PAGE1                                                                  \
	"{\"items\":[{\"id\":\"p1\",\"text\":\"Kommunen åpner biblioteket\"," \
	"\"lang\":\"nb\",\"author\":\"@kultur\"},{\"id\":\"c1\",\"parent\":"   \
	"\"p1\",\"text\":\"Endelig!\",\"author\":\"@ola\"},{\"id\":\"p2\","    \
	"\"text\":\"Stengt i dag\",\"author\":\"@kultur\"}],\"next\":\"2\"}"
#define PAGE2                                                                  \
	"{\"items\":[{\"id\":\"p3\",\"text\":\"Åpent i morgen\",\"author\":"  \
	"\"@kultur\"},{\"id\":\"c2\",\"parent\":\"p1\",\"text\":\"Takk\","     \
	"\"author\":\"@kari\"}],\"next\":null}"
#define PAGE1B                                                                 \
	"{\"items\":[{\"id\":\"p1\",\"text\":\"Kommunen åpner biblioteket\"," \
	"\"lang\":\"nb\",\"author\":\"@kultur\"},{\"id\":\"p3\",\"text\":"     \
	"\"Åpent i morgen\",\"author\":\"@kultur\"},{\"id\":\"c2\","          \
	"\"parent\":\"p1\",\"text\":\"Takk!\",\"author\":\"@kari\"}],"         \
	"\"next\":null}"

/* clang-format off */
static const char scenario[] =
    "{\"routes\":["
    /* run 1: expired token, refresh, page 1, page 2 cut off (all tries) */
    "{\"path\":\"/auth/check\",\"status\":401,\"body\":{\"error\":\"expired\"}},"
    "{\"method\":\"POST\",\"path\":\"/auth/refresh\",\"body\":{"
    "\"access_token\":\"tok-NEW-abcdef\",\"refresh_token\":\"rt-NEW-fedcba\","
    "\"expires_in\":259200}},"
    "{\"path\":\"/auth/check\",\"body\":{\"id\":\"42\"}},"
    "{\"path\":\"/posts\",\"query_absent\":[\"page\"],\"body_text\":" "\"%s\"},"
    "{\"path\":\"/posts\",\"query\":{\"page\":\"2\"},\"times\":4,"
    "\"body_text\":\"%s\",\"fault\":\"close_mid_body\"},"
    /* run 2: everything */
    "{\"path\":\"/auth/check\",\"body\":{\"id\":\"42\"}},"
    "{\"path\":\"/posts\",\"query_absent\":[\"page\"],\"body_text\":\"%s\"},"
    "{\"path\":\"/posts\",\"query\":{\"page\":\"2\"},\"body_text\":\"%s\"},"
    /* run 3: throttled for two hours */
    "{\"path\":\"/auth/check\",\"status\":429,\"headers\":{"
    "\"Retry-After\":\"7200\"},\"body\":{\"error\":\"slow\"}},"
    /* run 4 (from the scheduler's pass): p2 and c1 are gone, c2 edited */
    "{\"path\":\"/auth/check\",\"body\":{\"id\":\"42\"}},"
    "{\"path\":\"/posts\",\"query_absent\":[\"page\"],\"body_text\":\"%s\"}"
    "]}";
/* clang-format on */

/* s with " and \ escaped for a JSON string (static buffer). */
static const char *
jesc(const char *s, char *out, size_t n)
{
	size_t o = 0;
	for (; *s && o + 3 < n; s++) {
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
	return out;
}

static int64_t
count(struct db *db, const char *sql)
{
	int64_t n = -1;
	db_get_i64(db, &n, sql, NULL);
	return n;
}

/* 1 when needle is anywhere in the database's text columns or blobs. */
static int
db_holds(struct db *db, const char *needle)
{
	struct db_stmt *st;
	int hit = 0;
	int64_t n = 0;
	db_get_i64(db, &n,
	           "SELECT COUNT(*) FROM channel_connections WHERE config_json "
	           "LIKE '%' || ? || '%' OR cred_box LIKE '%' || ? || '%' OR "
	           "state_json LIKE '%' || ? || '%' OR last_error LIKE '%' || "
	           "? || '%'",
	           "tttt", needle, needle, needle, needle);
	hit |= n > 0;
	db_get_i64(db, &n,
	           "SELECT COUNT(*) FROM exchanges WHERE method_url LIKE '%' "
	           "|| ? || '%' OR req_headers LIKE '%' || ? || '%' OR "
	           "resp_headers LIKE '%' || ? || '%'",
	           "ttt", needle, needle, needle);
	hit |= n > 0;
	db_get_i64(db, &n,
	           "SELECT COUNT(*) FROM audit WHERE after_json LIKE '%' || ? "
	           "|| '%'",
	           "t", needle);
	hit |= n > 0;
	st = db_query(db, "SELECT bytes FROM blobs", NULL);
	while (st != NULL && db_step(st) == DB_ROW) {
		size_t len = 0, nl = strlen(needle);
		const char *p = db_col_blob(st, 0, &len);
		for (size_t i = 0; p && i + nl <= len; i++)
			if (memcmp(p + i, needle, nl) == 0)
				hit = 1;
	}
	db_finalize(st);
	return hit;
}

/* 1 when needle is in the SQLite file or its WAL. */
static int
file_holds(const char *url, const char *needle)
{
	char path[600];
	int hit = 0;
	for (int k = 0; k < 2; k++) {
		FILE *f;
		char *buf;
		long len;
		snprintf(path, sizeof(path), "%s%s", url + 7, k ? "-wal" : "");
		f = fopen(path, "rb");
		if (f == NULL)
			continue;
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		fseek(f, 0, SEEK_SET);
		buf = malloc((size_t)len + 1);
		if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len)
			for (long i = 0; i + (long)strlen(needle) <= len; i++)
				if (memcmp(buf + i, needle, strlen(needle)) ==
				    0)
					hit = 1;
		free(buf);
		fclose(f);
	}
	return hit;
}

static void
end_to_end(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct replay rp;
	struct cred_key key;
	struct actor sys;
	struct verrs v = {0};
	struct sync_options opt;
	struct sync_report rep;
	char scn[8192], e1[1024], e2[1024], e3[1024], e4[1024], cfg[256];
	char dir[] = "/tmp/kvsync.XXXXXX", kpath[64], err[256];
	int64_t now = time_now(), n;
	int polled;
	static const char *const secrets[] = {
	    "tok-OLD-123456", "rt-REFRESH-654321", "tok-NEW-abcdef",
	    "rt-NEW-fedcba"};

	if (db == NULL)
		return;
	if (!T_ASSERT(mkdtemp(dir) != NULL))
		return;
	snprintf(kpath, sizeof(kpath), "%s/secret.key", dir);
	T_EQ_INT(cred_key_load(kpath, 1, &key, err, sizeof(err)), 0);
	snprintf(scn, sizeof(scn), scenario, jesc(PAGE1, e1, sizeof(e1)),
	         jesc(PAGE2, e2, sizeof(e2)), e1, e2,
	         jesc(PAGE1B, e4, sizeof(e4)));
	(void)e3;
	if (!replay_start(&rp, scn)) {
		t_db_done(db);
		return;
	}
	actor_system(&sys, 1, "test");
	snprintf(cfg, sizeof(cfg), "{\"base_url\":\"%s\",\"account\":\"k\"}",
	         rp.base);
	T_EQ_INT(sync_connect(db, &sys, 1, &key, cfg,
	                      "{\"access_token\":\"tok-OLD-123456\","
	                      "\"refresh_token\":\"rt-REFRESH-654321\"}",
	                      0, now, &v),
	         KV_OK);
	T_EQ_INT(sync_connect(db, &sys, 1, &key, "[1]", "{}", 0, now, &v),
	         KV_INVALID);
	T_EQ_INT(count(db, "SELECT poll_interval FROM channel_connections"),
	         900); /* no connector for "other": the default */

	memset(&opt, 0, sizeof(opt));
	opt.connector = &tnet;
	opt.backoff_base_ms = 5;
	opt.metrics = 0;

	/* run 1: refresh, page 1 stored, page 2 fails */
	T_EQ_INT(sync_channel(db, 1, &key, now, &opt, &rep), 0);
	T_EQ_STR(rep.status, "network");
	T_EQ_INT(rep.created, 3);
	T_EQ_INT(rep.cred_changed, 1);
	T_EQ_INT(rep.token_expires_at, now + 259200);
	T_ASSERT(rep.backoff_until >= now + 60);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM items"), 3);
	T_EQ_INT(count(db, "SELECT failures FROM channel_connections"), 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM item_events WHERE kind = "
	                   "'deleted'"),
	         0);
	{
		struct db_stmt *st = db_query(
		    db,
		    "SELECT cred_nonce, cred_box, cred_key_id, state_json, "
		    "token_expires_at FROM channel_connections",
		    NULL);
		if (T_ASSERT(st != NULL) && T_EQ_INT(db_step(st), DB_ROW)) {
			char *plain = cred_open(&key, db_col_text(st, 0),
			                        db_col_text(st, 1));
			T_ASSERT(plain != NULL &&
			         strstr(plain, "tok-NEW-abcdef") != NULL &&
			         strstr(plain, "rt-NEW-fedcba") != NULL);
			cred_free(plain);
			T_EQ_STR(db_col_text(st, 2), key.id);
			/* the cursor did not advance past the failure */
			T_ASSERT(strstr(db_col_text(st, 3), "complete") ==
			         NULL);
			T_ASSERT(strstr(db_col_text(st, 3), "\"account\":"
			                                    "\"42\"") != NULL);
			T_EQ_INT(db_col_i64(st, 4), now + 259200);
		}
		db_finalize(st);
	}

	/* run 2: everything; nothing twice */
	T_EQ_INT(sync_channel(db, 1, &key, now + 60, &opt, &rep), 0);
	T_EQ_STR(rep.status, "ok");
	T_EQ_STR(rep.error, "");
	T_EQ_INT(rep.seen, 5);
	T_EQ_INT(rep.created, 2);
	T_EQ_INT(rep.edited, 0);
	T_EQ_INT(rep.deleted, 0);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM items"), 5);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM item_versions"), 5);
	T_EQ_INT(count(db, "SELECT failures FROM channel_connections"), 0);
	T_EQ_INT(count(db, "SELECT backoff_until FROM channel_connections"), 0);
	T_EQ_INT(count(db, "SELECT next_poll_at FROM channel_connections"),
	         now + 60 + 900);
	n = 0;
	db_get_i64(db, &n,
	           "SELECT COUNT(*) FROM channel_connections WHERE state_json "
	           "LIKE ?",
	           "t", "%\"complete\":\"yes\"%");
	T_EQ_INT(n, 1);
	/* every request was recorded, the refresh's body without tokens */
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM exchanges"),
	         replay_count(&rp, NULL, NULL));
	{
		json_t *reqs = replay_requests(&rp), *r;
		size_t i;
		int new_used = 0;
		json_array_foreach(reqs, i, r)
		{
			char *s = json_dumps(r, JSON_COMPACT);
			if (s && strstr(s, "Bearer tok-NEW-abcdef"))
				new_used++;
			free(s);
		}
		T_ASSERT(new_used >= 3);
		json_decref(reqs);
	}

	/* run 3: throttled: back off until the platform says */
	T_EQ_INT(sync_channel(db, 1, &key, now + 120, &opt, &rep), 0);
	T_EQ_STR(rep.status, "rate_limit");
	T_ASSERT(rep.backoff_until >= time_now() + 7000);
	T_ASSERT(strstr(rep.error, "throttled") != NULL);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM audit WHERE action = "
	                   "'sync_status'"),
	         3); /* new→network, network→ok, ok→rate_limit */

	/* the scheduler's pass: due but backing off, then due */
	T_EQ_INT(sync_pass(db, &key, now + 2000, 10, &polled), 0);
	T_EQ_INT(polled, 0);
	T_EQ_INT(db_exec(db, "UPDATE channel_connections SET backoff_until = "
	                     "0"),
	         0);
	T_EQ_INT(sync_pass(db, &key, now + 100, 10, &polled), 0);
	T_EQ_INT(polled, 0); /* not due yet */
	/* sync_pass runs without a connector override: the registry has no
	 * test connector, so it reports "config" and stores nothing */
	T_EQ_INT(sync_pass(db, &key, now + 2000, 10, &polled), 0);
	T_EQ_INT(polled, 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM channel_connections WHERE "
	                   "last_status = 'config'"),
	         1);

	/* run 4: p2 and c1 gone, c2 edited; metrics */
	opt.metrics = 1;
	T_EQ_INT(sync_channel(db, 1, &key, now + 3000, &opt, &rep), 0);
	T_EQ_STR(rep.status, "ok");
	T_EQ_INT(rep.deleted, 2);
	T_EQ_INT(rep.edited, 1);
	T_EQ_INT(rep.metrics, 2);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM items WHERE deleted_seen_at "
	                   "IS NOT NULL"),
	         2);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM metric_samples WHERE "
	                   "item_id IS NOT NULL"),
	         1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM channel_connections WHERE "
	                   "metrics_at IS NOT NULL"),
	         1);
	T_EQ_INT(replay_unmatched(&rp), 0);
	{
		int64_t checked, bad;
		const char *why;
		char blob[65];
		T_EQ_INT(capture_verify(db, &checked, &bad, &why, blob), 0);
	}
	for (size_t i = 0; i < ARRAY_LEN(secrets); i++) {
		if (!T_ASSERT(!db_holds(db, secrets[i])))
			fprintf(stderr, "     %s is in the database\n",
			        secrets[i]);
		if (kind == DB_SQLITE &&
		    !T_ASSERT(!file_holds(t_db_url(), secrets[i])))
			fprintf(stderr, "     %s is in the file\n", secrets[i]);
	}
	replay_stop(&rp);

	/* alerts: the token runs out in three days; then disconnected */
	{
		struct arena ar;
		arena_init(&ar);
		T_EQ_INT(alert_token_expiring(db, &ar, 1, now), 1);
		T_EQ_INT(alert_token_expiring(db, &ar, 1, now + 60), 0);
		T_EQ_INT(alert_channel_disconnected(db, &ar, 1, now), 0);
		T_EQ_INT(db_exec(db, "UPDATE channel_connections SET "
		                     "last_status = 'auth'"),
		         0);
		T_EQ_INT(alert_channel_disconnected(db, &ar, 1, now), 1);
		T_EQ_INT(alert_channel_disconnected(db, &ar, 1, now), 0);
		T_EQ_INT(count(db, "SELECT COUNT(*) FROM notifications WHERE "
		                   "person_id = 1"),
		         2);
		T_EQ_INT(count(db, "SELECT COUNT(*) FROM mail_outbox"), 2);
		arena_free(&ar);
	}
	cred_key_wipe(&key);
	unlink(kpath);
	rmdir(dir);
	t_db_done(db);
}

T_TEST(sync_sqlite)
{
	end_to_end(DB_SQLITE);
}
T_TEST(sync_pg)
{
	end_to_end(DB_PG);
}

/* Not connected, wrong key: reported, nothing run. */
T_TEST(sync_setup_errors)
{
	struct db *db = setup(DB_SQLITE);
	struct cred_key k1, k2;
	struct actor sys;
	struct verrs v = {0};
	struct sync_report rep;
	struct sync_options opt;
	if (db == NULL)
		return;
	memset(&k1, 1, sizeof(k1));
	memset(&k2, 2, sizeof(k2));
	snprintf(k1.id, sizeof(k1.id), "k1");
	memset(&opt, 0, sizeof(opt));
	opt.connector = &tnet;
	T_EQ_INT(sync_channel(db, 1, &k1, T0, &opt, &rep), -1);
	T_EQ_STR(rep.status, "not_connected");
	actor_system(&sys, 1, "test");
	T_EQ_INT(sync_connect(db, &sys, 1, &k1, "{}",
	                      "{\"access_token\":"
	                      "\"x\"}",
	                      0, T0, &v),
	         KV_OK);
	T_EQ_INT(sync_channel(db, 1, &k2, T0, &opt, &rep), 0);
	T_EQ_STR(rep.status, "config");
	T_ASSERT(strstr(rep.error, "key file") != NULL);
	T_EQ_INT(count(db, "SELECT failures FROM channel_connections"), 1);
	T_EQ_INT(sync_connect(db, &sys, 99, &k1, "{}", "{}", 0, T0, &v),
	         KV_NOTFOUND);
	t_db_done(db);
}

/* Media of items are downloaded once and kept as blobs: from the API's
 * own host (a test server here), never from a private address that the
 * platform's content names, and not again on the next run. */
T_TEST(sync_media)
{
	struct db *db = setup(DB_SQLITE);
	struct cred_key key;
	struct actor sys;
	struct verrs v = {0};
	struct sync_report rep;
	struct sync_options opt;
	struct replay rp;
	char cfg[128], want[65], sql[256];
	if (db == NULL)
		return;
	if (!replay_start(
	        &rp, "{\"routes\":[{\"path\":\"/auth/check\",\"times\":0,"
	             "\"body\":{\"id\":\"42\"}},"
	             "{\"path\":\"/posts\",\"times\":0,\"body\":{\"items\":"
	             "[{\"id\":\"p9\",\"text\":\"Bilde\",\"media\":["
	             "\"/m/a.png\",\"http://10.0.0.1:9/inside.png\"]}],"
	             "\"next\":null}},"
	             "{\"path\":\"/m/a.png\",\"times\":0,\"headers\":{"
	             "\"Content-Type\":\"image/png\"},\"body_text\":"
	             "\"\\u0089PNG fake picture bytes\"}]}")) {
		t_db_done(db);
		return;
	}
	memset(&key, 7, sizeof(key));
	snprintf(key.id, sizeof(key.id), "k7");
	actor_system(&sys, 1, "test");
	snprintf(cfg, sizeof(cfg), "{\"base_url\":\"%s\"}", rp.base);
	T_EQ_INT(sync_connect(db, &sys, 1, &key, cfg,
	                      "{\"access_token\":\"t\"}", 0, T0, &v),
	         KV_OK);
	memset(&opt, 0, sizeof(opt));
	opt.connector = &tnet;
	opt.backoff_base_ms = 5;
	opt.metrics = 0;
	T_EQ_INT(sync_channel(db, 1, &key, T0, &opt, &rep), 0);
	T_EQ_STR(rep.status, "ok");
	T_EQ_INT(rep.media, 1);
	T_EQ_INT(rep.media_failed, 1);
	/* the bytes as served (replay sends the text as UTF-8) */
	{
		const char *served = "\xc2\x89PNG fake picture bytes";
		sha256_hex(served, strlen(served), want);
	}
	snprintf(sql, sizeof(sql),
	         "SELECT COUNT(*) FROM blobs WHERE sha256 = '%s' AND mime = "
	         "'image/png'",
	         want);
	T_EQ_INT(count(db, sql), 1);
	snprintf(sql, sizeof(sql),
	         "SELECT COUNT(*) FROM item_versions WHERE media_json LIKE "
	         "'%%%s%%'",
	         want);
	T_EQ_INT(count(db, sql), 1);
	T_EQ_INT(replay_count(&rp, "GET", "/m/a.png"), 1);
	/* a second run downloads nothing again and stores no new version */
	T_EQ_INT(sync_channel(db, 1, &key, T0 + 600, &opt, &rep), 0);
	T_EQ_INT(rep.media, 0);
	T_EQ_INT(replay_count(&rp, "GET", "/m/a.png"), 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM item_versions"), 1);
	replay_stop(&rp);
	t_db_done(db);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(sync_sqlite),
	    T_ENTRY(sync_pg),
	    T_ENTRY(sync_setup_errors),
	    T_ENTRY(sync_media),
	};
	int rc;
	crypto_setup();
	fetch_global_init();
	rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
