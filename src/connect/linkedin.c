/*
 * linkedin.c - the LinkedIn connector (Community Management API, the
 * versioned "rest" endpoints) for an organisation page.
 *
 * Every call carries "Authorization: Bearer", "LinkedIn-Version: YYYYMM"
 * (config "version", default LI_VERSION) and "X-Restli-Protocol-Version:
 * 2.0.0"; URNs are percent-encoded wherever they go into a path or a query.
 *
 *   sync     GET /posts?author={org}&q=author&count&start  (all pages, then)
 *            GET /socialActions/{post}/comments            (each post)
 *            GET /socialActions/{comment $URN}/comments    (replies)
 *   reply    POST /socialActions/{post|comment}/comments
 *   moderate DELETE /socialActions/{target}/comments/{id}?actor={org}
 *            (LinkedIn has no hide); DELETE /posts/{urn} for own posts
 *   publish  [POST /images?action=initializeUpload, PUT bytes] POST /posts
 *   metrics  GET /organizationalEntityShareStatistics, GET /networkSizes
 *
 * Posts are listed by offset (start/count); the whole listing is read each
 * cycle (LinkedIn has no "since" for this finder), so a run that fails
 * part-way loses nothing: the next run reads it all again.  Within a run
 * an id is emitted once even when offsets shift between pages.  Listings
 * (conn_emit_listing) go out only for collections read to the end.
 *
 * Item ids: posts keep their URN (urn:li:share:…, urn:li:ugcPost:…);
 * comments and replies get "urn:li:comment:(<object>,<id>)" built from the
 * comment's "object" (the post) and "id", which is the URN form LinkedIn
 * documents and which names both the thread and the comment, as reply and
 * moderate need.
 *
 * Tokens: an expired access token (known from cred expires_at, or a 401)
 * is refreshed once with the refresh token when there is one (POST
 * token_url, grant_type=refresh_token); cred is updated and cred_changed
 * set.  Throttling: LinkedIn answers 429 without any rate-limit header and
 * its daily quotas reset at midnight UTC, so retry_at is set to the earlier
 * of one hour and the next midnight UTC.
 */
#include "linkedin.h"
#include "jutil.h"
#include "../base/buf.h"
#include "../base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LI_VERSION   "202601"
#define LI_TOKEN_URL "https://www.linkedin.com/oauth/v2/accessToken"
#define LI_PAGE      50 /* posts/comments per page (LinkedIn max 100) */
#define LI_THREADS   50 /* posts whose comments one cycle reads */
#define LI_URL       4096
#define LI_TOK       4096
#define LI_IMG_MAX   (36u << 20) /* bytes of one image we upload */
#define LI_BACKOFF   3600        /* seconds after a 429 (headers say nothing) */

/* One operation's view of the channel: headers and the org, built once. */
struct li {
	struct conn_ctx *ctx;
	const char *org;   /* "urn:li:organization:123" (config) */
	char org_enc[256]; /* the same, percent-encoded */
	char tok[LI_TOK];  /* current access token (copied: cred changes) */
	char auth[LI_TOK + 32];
	char ver[64];
	int refreshed; /* the token was refreshed in this operation */
	int complete;  /* the last li_list read its collection to the end */
};

/* --- small JSON helpers ------------------------------------------------ */

static const char *
js(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* An integer member, also when sent as a number or a numeric string;
 * dflt otherwise. */
static int64_t
ji(const json_t *o, const char *k, int64_t dflt)
{
	return json_count_or(json_object_get(o, k), dflt);
}

/* --- errors ------------------------------------------------------------ */

/* The earliest sensible retry after a header-less 429: one hour, but never
 * past the next midnight UTC when the daily quotas reset. */
static int64_t
li_retry_at(int64_t now)
{
	int64_t midnight = (now / 86400 + 1) * 86400;
	return now + LI_BACKOFF < midnight ? now + LI_BACKOFF : midnight;
}

/* Reads a LinkedIn error: the Rest.li shape {"status","serviceErrorCode",
 * "code","message"} or the OAuth shape {"error","error_description"}. */
static int
li_classify(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	json_t *j;
	const char *code = NULL, *msg = NULL;
	char cbuf[64] = "";
	enum conn_rc rc;

	if (rs->status < 400)
		return 0;
	j = json_loadb(rs->body, rs->len, 0, NULL);
	if (json_is_object(j)) {
		code = js(j, "code");
		msg = js(j, "message");
		if (code == NULL && js(j, "error")) {
			code = js(j, "error");
			msg = js(j, "error_description");
		}
		if (code == NULL &&
		    json_is_integer(json_object_get(j, "serviceErrorCode"))) {
			snprintf(cbuf, sizeof(cbuf), "%lld",
			         (long long)ji(j, "serviceErrorCode", 0));
			code = cbuf;
		}
	}
	if (rs->status == 401 ||
	    (code && (strcmp(code, "invalid_grant") == 0 ||
	              strcmp(code, "invalid_token") == 0 ||
	              strcmp(code, "EXPIRED_ACCESS_TOKEN") == 0 ||
	              strcmp(code, "REVOKED_ACCESS_TOKEN") == 0 ||
	              strcmp(code, "INVALID_ACCESS_TOKEN") == 0)))
		rc = CONN_E_AUTH;
	else if (rs->status == 429 ||
	         (code && strcmp(code, "TOO_MANY_REQUESTS") == 0))
		rc = CONN_E_RATELIMIT;
	else if (rs->status == 404)
		rc = CONN_E_NOTFOUND;
	else if (rs->status >= 500)
		rc = CONN_E_NETWORK;
	else
		rc = CONN_E_PLATFORM;
	conn_fail(ctx, rc, code ? code : "", "LinkedIn: %s (HTTP %ld)",
	          msg ? msg : "error without a message", rs->status);
	json_decref(j);
	return 1;
}

/* --- requests ---------------------------------------------------------- */

static void
li_headers(struct li *L)
{
	snprintf(L->auth, sizeof(L->auth), "Authorization: Bearer %s", L->tok);
}

/* Stores the token in cred and the headers after a refresh. */
static enum conn_rc
li_refresh(struct li *L)
{
	struct conn_ctx *ctx = L->ctx;
	const char *rt = conn_cred(ctx, "refresh_token");
	const char *cid = conn_cred(ctx, "client_id");
	const char *sec = conn_cred(ctx, "client_secret");
	const char *turl = conn_cfg(ctx, "token_url");
	char e1[LI_TOK * 3], e2[512], e3[512];
	struct buf form;
	struct fetch_req rq = {0};
	struct fetch_resp rs;
	enum conn_rc rc;
	json_t *j;
	const char *at, *nrt;
	int64_t exp;

	L->refreshed = 1;
	if (rt == NULL)
		return conn_fail(ctx, CONN_E_AUTH, "no_refresh_token",
		                 "the LinkedIn token expired and there is no "
		                 "refresh token: reconnect the channel");
	if (cid == NULL || sec == NULL)
		return conn_fail(ctx, CONN_E_AUTH, "no_client",
		                 "cannot refresh the LinkedIn token: client_id "
		                 "or client_secret is missing");
	if (!url_escape(rt, e1, sizeof(e1)) ||
	    !url_escape(cid, e2, sizeof(e2)) ||
	    !url_escape(sec, e3, sizeof(e3)))
		return conn_fail(ctx, CONN_E_CONFIG, "cred",
		                 "LinkedIn credentials are too long");
	buf_init(&form, sizeof(e1) + 2048);
	buf_printf(&form,
	           "grant_type=refresh_token&refresh_token=%s&client_id=%s"
	           "&client_secret=%s",
	           e1, e2, e3);
	rq.method = "POST";
	rq.url = turl ? turl : LI_TOKEN_URL;
	rq.headers[0] = "Content-Type: application/x-www-form-urlencoded";
	rq.headers[1] = "Accept: application/json";
	rq.body = buf_str(&form);
	rq.body_len = form.len;
	rq.secrets[0] = rt;
	rq.secrets[1] = sec;
	rq.secrets[2] = e1;
	rq.secrets[3] = e3;
	rc = conn_request(ctx, &rq, &rs);
	buf_cleanup(&form);
	if (rc != CONN_OK) {
		fetch_resp_free(&rs);
		if (rc == CONN_E_PLATFORM)
			ctx->err.rc = rc = CONN_E_AUTH; /* 400 invalid_grant */
		return rc;
	}
	j = conn_json(ctx, &rs);
	fetch_resp_free(&rs);
	if (j == NULL)
		return ctx->err.rc;
	at = js(j, "access_token");
	if (at == NULL || *at == 0 || strlen(at) >= sizeof(L->tok)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "token",
		                 "LinkedIn's token answer has no access_token");
	}
	snprintf(L->tok, sizeof(L->tok), "%s", at);
	li_headers(L);
	json_object_set_new(ctx->cred, "access_token", json_string(at));
	nrt = js(j, "refresh_token");
	if (nrt && *nrt)
		json_object_set_new(ctx->cred, "refresh_token",
		                    json_string(nrt));
	exp = ji(j, "expires_in", 0);
	if (exp > 0) {
		ctx->token_expires_at = ctx->now + exp;
		json_object_set_new(ctx->cred, "expires_at",
		                    json_integer(ctx->token_expires_at));
	}
	ctx->cred_changed = 1;
	json_decref(j);
	return CONN_OK;
}

/* Prepares L for ctx: config checked, token read, refreshed ahead of time
 * when cred says it has expired. */
static enum conn_rc
li_open(struct conn_ctx *ctx, struct li *L)
{
	const char *tok = conn_cred(ctx, "access_token");
	const char *ver = conn_cfg(ctx, "version");
	int64_t exp = ji(ctx->cred, "expires_at", 0);

	memset(L, 0, sizeof(*L));
	L->ctx = ctx;
	L->org = conn_cfg(ctx, "account");
	if (L->org == NULL || !str_starts(L->org, "urn:li:organization:"))
		return conn_fail(
		    ctx, CONN_E_CONFIG, "account",
		    "config \"account\" must be the organisation's "
		    "URN, e.g. urn:li:organization:123");
	if (!url_escape(L->org, L->org_enc, sizeof(L->org_enc)))
		return conn_fail(ctx, CONN_E_CONFIG, "account",
		                 "the organisation URN is too long");
	snprintf(L->ver, sizeof(L->ver), "LinkedIn-Version: %s",
	         ver ? ver : LI_VERSION);
	ctx->token_expires_at = exp > 0 ? exp : 0;
	if (tok == NULL && conn_cred(ctx, "refresh_token") == NULL)
		return conn_fail(
		    ctx, CONN_E_AUTH, "no_token",
		    "no LinkedIn access token: connect the channel");
	snprintf(L->tok, sizeof(L->tok), "%s", tok ? tok : "");
	li_headers(L);
	if (tok == NULL || (exp > 0 && exp <= ctx->now + 60))
		return li_refresh(L);
	return CONN_OK;
}

/* One LinkedIn call: our headers, the platform's error reading, one
 * refresh and retry after a 401, our own back-off after a 429.  rs is the
 * caller's to free in every case. */
static enum conn_rc
li_call(struct li *L, const char *method, const char *url, const char *json,
        size_t len, struct fetch_resp *rs)
{
	struct conn_ctx *ctx = L->ctx;
	for (;;) {
		struct fetch_req rq = {0};
		enum conn_rc rc;
		int h = 0;
		rq.method = method;
		rq.url = url;
		rq.headers[h++] = L->auth;
		rq.headers[h++] = L->ver;
		rq.headers[h++] = "X-Restli-Protocol-Version: 2.0.0";
		if (json) {
			rq.headers[h++] = "Content-Type: application/json";
			rq.body = json;
			rq.body_len = len;
		}
		rq.secrets[0] = L->tok;
		rc = conn_request(ctx, &rq, rs);
		if (rc == CONN_E_AUTH && !L->refreshed &&
		    conn_cred(ctx, "refresh_token")) {
			struct conn_error first = ctx->err;
			fetch_resp_free(rs);
			rc = li_refresh(L);
			if (rc != CONN_OK) {
				if (rc == CONN_E_AUTH && ctx->err.code[0] == 0)
					ctx->err = first;
				return rc;
			}
			continue;
		}
		if (rc == CONN_E_RATELIMIT && !fetch_header(rs, "Retry-After"))
			ctx->err.retry_at = li_retry_at(time_now());
		return rc;
	}
}

/* --- parsing ----------------------------------------------------------- */

/* Whether the collection has a next page: a "next" link, else the total,
 * else a full page. */
static int
li_more(const json_t *root, int start, int count, int n)
{
	const json_t *paging = json_object_get(root, "paging");
	const json_t *links = json_object_get(paging, "links");
	const json_t *l;
	size_t i;
	int64_t total = ji(paging, "total", -1);
	int64_t pstart = ji(paging, "start", start);
	if (json_is_array(links) && json_array_size(links) > 0) {
		json_array_foreach(links, i, l)
		{
			const char *rel = js(l, "rel");
			if (rel && strcmp(rel, "next") == 0)
				return n > 0;
		}
		return 0;
	}
	if (total >= 0)
		return n > 0 && pstart + n < total;
	return n > 0 && n >= count;
}

/* Adds id to the run's seen set; 0 when it was new. */
static int
li_seen(struct li_page *pg, const char *id)
{
	if (json_object_get(pg->seen, id))
		return 1;
	json_object_set_new(pg->seen, id, json_true());
	json_array_append_new(pg->ids, json_string(id));
	return 0;
}

static int
li_post(struct conn_ctx *ctx, const json_t *e, const char *org,
        struct li_page *pg)
{
	struct item it;
	char url[512];
	const char *id = js(e, "id");
	const json_t *content = json_object_get(e, "content");
	const json_t *media = json_object_get(content, "media");
	const json_t *multi =
	    json_object_get(json_object_get(content, "multiImage"), "images");
	const char *state = js(e, "lifecycleState");
	const char *author = js(e, "author");
	int64_t created, modified;

	if (id == NULL || *id == 0)
		return -2;
	if (li_seen(pg, id))
		return 0;
	item_init(&it);
	it.type = ITEM_POST;
	it.id = id;
	it.thread_id = id;
	it.author_id = author;
	it.inbound = author && org ? strcmp(author, org) != 0 : 0;
	it.text = js(e, "commentary");
	created = ji(e, "publishedAt", ji(e, "createdAt", 0));
	modified = ji(e, "lastModifiedAt", 0);
	it.created_at = created / 1000;
	if (modified > created && created > 0)
		it.edited_at = modified / 1000;
	it.deleted = state && strcmp(state, "DELETED") == 0;
	snprintf(url, sizeof(url), "https://www.linkedin.com/feed/update/%s/",
	         id);
	it.url = url;
	if (json_is_object(media) && js(media, "id")) {
		it.media[0].url = js(media, "id");
		it.media[0].alt = js(media, "altText");
		it.nmedia = 1;
	} else if (json_is_array(multi)) {
		size_t i;
		const json_t *m;
		json_array_foreach(multi, i, m)
		{
			if (it.nmedia >= ITEM_MAX_MEDIA || js(m, "id") == NULL)
				continue;
			it.media[it.nmedia].url = js(m, "id");
			it.media[it.nmedia].alt = js(m, "altText");
			it.nmedia++;
		}
	}
	return conn_emit_json(ctx, &it, e);
}

static int
li_comment(struct conn_ctx *ctx, const json_t *e, enum li_kind kind,
           const char *org, const char *parent, const char *thread,
           struct li_page *pg)
{
	struct item it;
	char id[512];
	const char *cid = js(e, "id");
	const char *object = js(e, "object");
	const char *actor = js(e, "actor");
	const json_t *sum = json_object_get(e, "commentsSummary");
	const json_t *likes = json_object_get(e, "likesSummary");
	int64_t created, modified, nrep;

	if (cid == NULL || *cid == 0)
		return -2;
	if (object == NULL || *object == 0)
		object = thread;
	if (object == NULL)
		return -2;
	if ((size_t)snprintf(id, sizeof(id), "urn:li:comment:(%s,%s)", object,
	                     cid) >= sizeof(id))
		return -2;
	if (li_seen(pg, id))
		return 0;
	item_init(&it);
	it.type = kind == LI_REPLIES ? ITEM_REPLY : ITEM_COMMENT;
	it.id = id;
	it.parent_id = parent;
	it.thread_id = thread ? thread : object;
	it.author_id = actor;
	it.inbound = actor && org ? strcmp(actor, org) != 0 : 1;
	it.text = js(json_object_get(e, "message"), "text");
	created = ji(json_object_get(e, "created"), "time", 0);
	modified = ji(json_object_get(e, "lastModified"), "time", 0);
	it.created_at = created / 1000;
	if (modified > created && created > 0)
		it.edited_at = modified / 1000;
	nrep = ji(sum, "aggregatedTotalComments",
	          ji(sum, "totalFirstLevelComments", -1));
	it.replies = nrep;
	it.likes = ji(likes, "totalLikes", -1);
	if (kind == LI_COMMENTS && nrep > 0 && pg->threads) {
		/* replies are read from LinkedIn's own URN of the comment
		 * ("$URN", which may name the activity), our id otherwise */
		const char *urn = js(e, "$URN");
		if (urn == NULL || !str_starts(urn, "urn:li:comment:("))
			urn = id;
		json_array_append_new(
		    pg->threads, json_pack("{s:s, s:s}", "id", id, "urn", urn));
	}
	return conn_emit_json(ctx, &it, e);
}

enum conn_rc
linkedin_parse_page(struct conn_ctx *ctx, const char *body, size_t len,
                    enum li_kind kind, const char *org, const char *parent,
                    const char *thread, int start, int count,
                    struct li_page *pg)
{
	struct fetch_resp rs = {0};
	json_t *root, *els, *e;
	size_t i;
	enum conn_rc rc = CONN_OK;

	pg->n = 0;
	pg->more = 0;
	rs.body = (char *)(uintptr_t)body; /* conn_json only reads it */
	rs.len = len;
	root = conn_json(ctx, &rs);
	if (root == NULL)
		return ctx->err.rc;
	els = json_object_get(root, "elements");
	if (!json_is_object(root) || !json_is_array(els)) {
		json_decref(root);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "LinkedIn sent no \"elements\" array");
	}
	json_array_foreach(els, i, e)
	{
		int r;
		if (!json_is_object(e))
			continue;
		if (kind == LI_POSTS)
			r = li_post(ctx, e, org, pg);
		else
			r = li_comment(ctx, e, kind, org, parent, thread, pg);
		if (r == -2)
			continue; /* an element without an id: skipped */
		if (r != 0) {
			rc = ctx->err.rc != CONN_OK ? ctx->err.rc
			                            : CONN_E_PLATFORM;
			if (ctx->err.message[0] == 0)
				conn_fail(ctx, rc, "stopped",
				          "the caller stopped the cycle");
			break;
		}
	}
	pg->n = (int)json_array_size(els);
	pg->more = li_more(root, start, count, pg->n);
	json_decref(root);
	return rc;
}

/* --- sync -------------------------------------------------------------- */

/* Reads the pages of one collection at base_url (a full URL without start/
 * count), at most max_pages; emits the listing of parent when it was read
 * to the end.  The listing's ids are appended to collect when not NULL. */
static enum conn_rc
li_list(struct li *L, const char *base_url, enum li_kind kind,
        const char *parent, const char *thread, json_t *seen, json_t *threads,
        json_t *collect)
{
	struct conn_ctx *ctx = L->ctx;
	struct li_page pg = {0};
	enum conn_rc rc = CONN_OK;
	int start = 0, pages = 0, complete = 0;

	pg.ids = json_array();
	pg.seen = seen;
	pg.threads = threads;
	while (pages < ctx->max_pages) {
		char url[LI_URL];
		struct fetch_resp rs;
		snprintf(url, sizeof(url), "%s%scount=%d&start=%d", base_url,
		         strchr(base_url, '?') ? "&" : "?", LI_PAGE, start);
		rc = li_call(L, "GET", url, NULL, 0, &rs);
		if (rc == CONN_OK)
			rc = linkedin_parse_page(ctx, rs.body, rs.len, kind,
			                         L->org, parent, thread, start,
			                         LI_PAGE, &pg);
		fetch_resp_free(&rs);
		if (rc != CONN_OK)
			break;
		pages++;
		if (!pg.more) {
			complete = 1;
			break;
		}
		start += pg.n;
	}
	if (collect)
		json_array_extend(collect, pg.ids);
	L->complete = rc == CONN_OK && complete;
	if (rc == CONN_OK && complete) {
		size_t n = json_array_size(pg.ids);
		const char **ids = calloc(n + 1, sizeof(*ids));
		if (ids == NULL)
			abort();
		for (size_t i = 0; i < n; i++)
			ids[i] = json_string_value(json_array_get(pg.ids, i));
		if (conn_emit_listing(ctx, kind == LI_POSTS ? NULL : parent,
		                      ids, (int)n) != 0)
			rc = conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			               "the caller stopped the cycle");
		free(ids);
	}
	json_decref(pg.ids);
	return rc;
}

/* The post URN inside "urn:li:comment:(<post>,<id>)" into out, and the
 * comment id into cid. 0, or -1 when s is not that form. */
static int
li_split_comment(const char *s, char *out, size_t outlen, char *cid,
                 size_t cidlen)
{
	const char *p, *comma, *end;
	if (!str_starts(s, "urn:li:comment:("))
		return -1;
	p = s + strlen("urn:li:comment:(");
	end = strrchr(p, ')');
	comma = end ? end : NULL;
	while (comma && comma > p && *comma != ',')
		comma--;
	if (end == NULL || end[1] != 0 || comma == NULL || comma <= p ||
	    (size_t)(comma - p) >= outlen ||
	    (size_t)(end - comma - 1) >= cidlen || end - comma - 1 == 0)
		return -1;
	memcpy(out, p, (size_t)(comma - p));
	out[comma - p] = 0;
	memcpy(cid, comma + 1, (size_t)(end - comma - 1));
	cid[end - comma - 1] = 0;
	return 0;
}

static enum conn_rc
li_sync(struct conn_ctx *ctx)
{
	struct li L;
	enum conn_rc rc;
	char url[LI_URL];
	json_t *seen, *posts, *threads;
	size_t i, nthreads;
	char at[32];

	if ((rc = li_open(ctx, &L)) != CONN_OK)
		return rc;
	seen = json_object();
	posts = json_array();
	threads = json_array();
	snprintf(url, sizeof(url), "%s/posts?author=%s&q=author", ctx->base_url,
	         L.org_enc);
	rc = li_list(&L, url, LI_POSTS, NULL, NULL, seen, NULL, posts);
	if (rc == CONN_OK && L.complete)
		conn_state_set(ctx, "posts_synced_at",
		               time_fmt_iso(ctx->now, at));
	while (json_array_size(posts) > LI_THREADS)
		json_array_remove(posts, json_array_size(posts) - 1);
	for (i = 0; rc == CONN_OK && i < json_array_size(posts); i++) {
		const char *post = json_string_value(json_array_get(posts, i));
		char enc[512];
		if (!url_escape(post, enc, sizeof(enc)))
			continue;
		snprintf(url, sizeof(url), "%s/socialActions/%s/comments",
		         ctx->base_url, enc);
		rc = li_list(&L, url, LI_COMMENTS, post, post, seen, threads,
		             NULL);
		if (rc == CONN_E_NOTFOUND) /* gone since it was listed */
			rc = CONN_OK;
	}
	nthreads = json_array_size(threads);
	for (i = 0; rc == CONN_OK && i < nthreads; i++) {
		const json_t *t = json_array_get(threads, i);
		const char *c = js(t, "id");
		char post[512], cid[128], enc[1024];
		if (li_split_comment(c, post, sizeof(post), cid, sizeof(cid)) ||
		    !url_escape(js(t, "urn"), enc, sizeof(enc)))
			continue;
		snprintf(url, sizeof(url), "%s/socialActions/%s/comments",
		         ctx->base_url, enc);
		rc = li_list(&L, url, LI_REPLIES, c, post, seen, NULL, NULL);
		if (rc == CONN_E_NOTFOUND)
			rc = CONN_OK;
	}
	if (rc == CONN_OK)
		conn_state_set(ctx, "synced_at", time_fmt_iso(ctx->now, at));
	json_decref(seen);
	json_decref(posts);
	json_decref(threads);
	return rc;
}

/* --- check_auth -------------------------------------------------------- */

static enum conn_rc
li_check_auth(struct conn_ctx *ctx)
{
	struct li L;
	enum conn_rc rc;
	char url[LI_URL];
	struct fetch_resp rs;
	json_t *j;
	const char *num;

	if ((rc = li_open(ctx, &L)) != CONN_OK)
		return rc;
	num = L.org + strlen("urn:li:organization:");
	snprintf(url, sizeof(url), "%s/organizations/%s", ctx->base_url, num);
	rc = li_call(&L, "GET", url, NULL, 0, &rs);
	if (rc == CONN_OK) {
		j = conn_json(ctx, &rs);
		if (j == NULL) {
			rc = ctx->err.rc;
		} else {
			const char *name = js(j, "localizedName");
			conn_state_set(ctx, "account", L.org);
			if (name)
				conn_state_set(ctx, "account_name", name);
			json_decref(j);
		}
	}
	fetch_resp_free(&rs);
	return rc;
}

/* --- reply and moderate ------------------------------------------------ */

static enum conn_rc
li_reply(struct conn_ctx *ctx, const char *parent_id, const char *text,
         struct conn_result *out)
{
	struct li L;
	enum conn_rc rc;
	char post[192], cid[128], enc[1024], url[LI_URL];
	json_t *body;
	char *s;
	struct fetch_resp rs;
	int is_comment;

	memset(out, 0, sizeof(*out));
	if (parent_id == NULL || text == NULL || *text == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "args",
		                 "a reply needs a parent and a text");
	if ((rc = li_open(ctx, &L)) != CONN_OK)
		return rc;
	is_comment = li_split_comment(parent_id, post, sizeof(post), cid,
	                              sizeof(cid)) == 0;
	if (!is_comment) {
		if (!str_starts(parent_id, "urn:li:"))
			return conn_fail(ctx, CONN_E_NOTFOUND, "id",
			                 "not a LinkedIn URN: %s", parent_id);
		snprintf(post, sizeof(post), "%s", parent_id);
	}
	if (!url_escape(parent_id, enc, sizeof(enc)))
		return conn_fail(ctx, CONN_E_CONFIG, "id",
		                 "the id is too long");
	body = json_pack("{s:s, s:s, s:{s:s}}", "actor", L.org, "object", post,
	                 "message", "text", text);
	if (body == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "text",
		                 "the reply text is not valid UTF-8");
	if (is_comment)
		json_object_set_new(body, "parentComment",
		                    json_string(parent_id));
	s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	snprintf(url, sizeof(url), "%s/socialActions/%s/comments",
	         ctx->base_url, enc);
	rc = li_call(&L, "POST", url, s, strlen(s), &rs);
	free(s);
	if (rc == CONN_OK) {
		const char *rid = fetch_header(&rs, "x-restli-id");
		json_t *j =
		    rs.len ? json_loadb(rs.body, rs.len, 0, NULL) : NULL;
		const char *jid = j ? js(j, "id") : NULL;
		if (jid && *jid)
			snprintf(out->id, sizeof(out->id),
			         "urn:li:comment:(%s,%s)", post, jid);
		else if (rid && str_starts(rid, "urn:li:comment:"))
			snprintf(out->id, sizeof(out->id), "%s", rid);
		else if (rid && *rid)
			snprintf(out->id, sizeof(out->id),
			         "urn:li:comment:(%s,%s)", post, rid);
		else
			rc = conn_fail(ctx, CONN_E_MALFORMED, "id",
			               "LinkedIn created the comment but named "
			               "no id");
		snprintf(out->url, sizeof(out->url),
		         "https://www.linkedin.com/feed/update/%s/", post);
		json_decref(j);
	}
	fetch_resp_free(&rs);
	return rc;
}

static enum conn_rc
li_moderate(struct conn_ctx *ctx, const char *item_id, enum conn_mod what)
{
	struct li L;
	enum conn_rc rc;
	char post[512], cid[128], e1[1024], e2[256], url[LI_URL];
	struct fetch_resp rs;

	if (what != MOD_DELETE)
		return conn_fail(
		    ctx, CONN_E_UNSUPPORTED, "no_hide",
		    "LinkedIn has no hide; organisations can delete "
		    "comments on their own posts");
	if ((rc = li_open(ctx, &L)) != CONN_OK)
		return rc;
	if (li_split_comment(item_id, post, sizeof(post), cid, sizeof(cid)) ==
	    0) {
		if (!url_escape(post, e1, sizeof(e1)) ||
		    !url_escape(cid, e2, sizeof(e2)))
			return conn_fail(ctx, CONN_E_CONFIG, "id",
			                 "the id is too long");
		snprintf(url, sizeof(url),
		         "%s/socialActions/%s/comments/%s?actor=%s",
		         ctx->base_url, e1, e2, L.org_enc);
	} else if (str_starts(item_id, "urn:li:share:") ||
	           str_starts(item_id, "urn:li:ugcPost:")) {
		if (!url_escape(item_id, e1, sizeof(e1)))
			return conn_fail(ctx, CONN_E_CONFIG, "id",
			                 "the id is too long");
		snprintf(url, sizeof(url), "%s/posts/%s", ctx->base_url, e1);
	} else {
		return conn_fail(ctx, CONN_E_NOTFOUND, "id",
		                 "not a LinkedIn post or comment URN: %s",
		                 item_id);
	}
	rc = li_call(&L, "DELETE", url, NULL, 0, &rs);
	fetch_resp_free(&rs);
	return rc;
}

/* --- publish ----------------------------------------------------------- */

/* Reads the file at path (at most max bytes) into *out (malloc'd). */
static int
li_slurp(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;
	if (f == NULL)
		return -1;
	buf_init(&b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) != 0)
			break;
	fclose(f);
	if (b.overflow) {
		buf_cleanup(&b);
		return -1;
	}
	*out = buf_detach(&b, len);
	if (*out == NULL) {
		*out = strdup("");
		if (*out == NULL)
			abort();
	}
	return 0;
}

/* Uploads one image: initializeUpload, then PUT to the upload URL.  The
 * image URN goes into urn. */
static enum conn_rc
li_upload_image(struct li *L, const struct item_media *m, char *urn,
                size_t urnlen)
{
	struct conn_ctx *ctx = L->ctx;
	char url[LI_URL], body[512], *bytes = NULL;
	size_t nbytes = 0;
	struct fetch_resp rs;
	enum conn_rc rc;
	json_t *j;
	const char *up, *img;

	if (m->path == NULL || (m->mime && !str_starts(m->mime, "image/")))
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "media",
		                 "only images are published to LinkedIn here "
		                 "(video and documents are not supported)");
	if (li_slurp(m->path, LI_IMG_MAX, &bytes, &nbytes) != 0)
		return conn_fail(ctx, CONN_E_CONFIG, "media",
		                 "cannot read %s (or larger than %u bytes)",
		                 m->path, LI_IMG_MAX);
	snprintf(url, sizeof(url), "%s/images?action=initializeUpload",
	         ctx->base_url);
	snprintf(body, sizeof(body),
	         "{\"initializeUploadRequest\":{\"owner\":\"%s\"}}", L->org);
	rc = li_call(L, "POST", url, body, strlen(body), &rs);
	if (rc != CONN_OK) {
		fetch_resp_free(&rs);
		free(bytes);
		return rc;
	}
	j = conn_json(ctx, &rs);
	fetch_resp_free(&rs);
	up = j ? js(json_object_get(j, "value"), "uploadUrl") : NULL;
	img = j ? js(json_object_get(j, "value"), "image") : NULL;
	if (up == NULL || img == NULL || strlen(img) >= urnlen) {
		json_decref(j);
		free(bytes);
		return j ? conn_fail(
		               ctx, CONN_E_MALFORMED, "shape",
		               "LinkedIn's initializeUpload answer has no "
		               "uploadUrl/image")
		         : ctx->err.rc;
	}
	snprintf(urn, urnlen, "%s", img);
	{
		struct fetch_req rq = {0};
		char ctype[128];
		snprintf(ctype, sizeof(ctype), "Content-Type: %s",
		         m->mime ? m->mime : "application/octet-stream");
		rq.method = "PUT";
		rq.url = up;
		rq.headers[0] = L->auth;
		rq.headers[1] = ctype;
		rq.body = bytes;
		rq.body_len = nbytes;
		rq.timeout_ms = 300000;
		rq.secrets[0] = L->tok;
		rc = conn_request(ctx, &rq, &rs);
		fetch_resp_free(&rs);
	}
	json_decref(j);
	free(bytes);
	return rc;
}

/* Escapes the characters LinkedIn's "little text" format reserves, so the
 * commentary shows as written.  Returns malloc'd text. */
static char *
li_little(const char *s)
{
	struct buf b;
	buf_init(&b, strlen(s) * 2 + 16);
	for (; *s; s++) {
		if (strchr("\\|{}@[]()<>#*_~", *s))
			buf_addc(&b, '\\');
		buf_addc(&b, *s);
	}
	{
		char *r = buf_detach(&b, NULL);
		if (r == NULL && (r = strdup("")) == NULL)
			abort();
		return r;
	}
}

static enum conn_rc
li_publish(struct conn_ctx *ctx, const struct conn_post *p,
           struct conn_result *out)
{
	struct li L;
	enum conn_rc rc;
	json_t *body, *content = NULL, *done;
	char url[LI_URL], *s, *text;
	struct fetch_resp rs;
	const char *rid;

	memset(out, 0, sizeof(*out));
	if (p->reply_to)
		return li_reply(ctx, p->reply_to, p->text, out);
	done = json_object_get(ctx->state, "published");
	if (p->idempotency_key && json_is_object(done) &&
	    js(done, p->idempotency_key)) {
		/* published before under this key: never twice */
		snprintf(out->id, sizeof(out->id), "%s",
		         js(done, p->idempotency_key));
		snprintf(out->url, sizeof(out->url),
		         "https://www.linkedin.com/feed/update/%s/", out->id);
		return CONN_OK;
	}
	if ((rc = li_open(ctx, &L)) != CONN_OK)
		return rc;
	if (p->nmedia > 0) {
		json_t *imgs = json_array();
		for (int i = 0; i < p->nmedia && i < ITEM_MAX_MEDIA; i++) {
			char urn[256];
			json_t *m;
			rc =
			    li_upload_image(&L, &p->media[i], urn, sizeof(urn));
			if (rc != CONN_OK) {
				json_decref(imgs);
				return rc;
			}
			m = json_pack("{s:s}", "id", urn);
			if (p->media[i].alt)
				json_object_set_new(
				    m, "altText", json_string(p->media[i].alt));
			json_array_append_new(imgs, m);
		}
		if (json_array_size(imgs) == 1)
			content = json_pack("{s:O}", "media",
			                    json_array_get(imgs, 0));
		else
			content = json_pack("{s:{s:O}}", "multiImage", "images",
			                    imgs);
		json_decref(imgs);
	} else if (p->link) {
		content = json_pack("{s:{s:s}}", "article", "source", p->link);
		if (p->title)
			json_object_set_new(json_object_get(content, "article"),
			                    "title", json_string(p->title));
	}
	text = li_little(p->text ? p->text : "");
	if (p->link && p->nmedia > 0) {
		/* an image post cannot carry an article: the link goes in the
		 * text */
		char *t2;
		size_t n = strlen(text) + strlen(p->link) + 3;
		t2 = malloc(n);
		if (t2 == NULL)
			abort();
		snprintf(t2, n, "%s%s%s", text, *text ? "\n\n" : "", p->link);
		free(text);
		text = t2;
	}
	body = json_pack("{s:s, s:s, s:s, s:{s:s, s:[], s:[]}, s:s, s:b}",
	                 "author", L.org, "commentary", text, "visibility",
	                 "PUBLIC", "distribution", "feedDistribution",
	                 "MAIN_FEED", "targetEntities",
	                 "thirdPartyDistributionChannels", "lifecycleState",
	                 "PUBLISHED", "isReshareDisabledByAuthor", 0);
	free(text);
	if (body == NULL) {
		json_decref(content);
		return conn_fail(ctx, CONN_E_CONFIG, "text",
		                 "the post text is not valid UTF-8");
	}
	if (content)
		json_object_set_new(body, "content", content);
	s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	snprintf(url, sizeof(url), "%s/posts", ctx->base_url);
	rc = li_call(&L, "POST", url, s, strlen(s), &rs);
	free(s);
	if (rc == CONN_OK) {
		rid = fetch_header(&rs, "x-restli-id");
		if (rid == NULL || *rid == 0) {
			rc = conn_fail(ctx, CONN_E_MALFORMED, "x-restli-id",
			               "LinkedIn created the post but sent no "
			               "x-restli-id header");
		} else {
			snprintf(out->id, sizeof(out->id), "%s", rid);
			snprintf(out->url, sizeof(out->url),
			         "https://www.linkedin.com/feed/update/%s/",
			         rid);
			if (p->idempotency_key) {
				if (!json_is_object(done)) {
					done = json_object();
					json_object_set_new(ctx->state,
					                    "published", done);
				}
				json_object_set_new(done, p->idempotency_key,
				                    json_string(rid));
			}
		}
	}
	fetch_resp_free(&rs);
	return rc;
}

/* --- metrics ----------------------------------------------------------- */

static enum conn_rc
li_metrics(struct conn_ctx *ctx)
{
	static const struct {
		const char *field;
		const char *metric;
	} share[] = {{"impressionCount", METRIC_VIEWS},
	             {"uniqueImpressionsCount", METRIC_REACH},
	             {"clickCount", METRIC_LINK_CLICKS},
	             {"likeCount", METRIC_REACTIONS},
	             {"commentCount", METRIC_COMMENTS},
	             {"shareCount", METRIC_SHARES}};
	struct li L;
	enum conn_rc rc;
	char url[LI_URL];
	struct fetch_resp rs;
	json_t *j;

	if ((rc = li_open(ctx, &L)) != CONN_OK)
		return rc;
	snprintf(url, sizeof(url),
	         "%s/organizationalEntityShareStatistics?q=organizationalEntity"
	         "&organizationalEntity=%s",
	         ctx->base_url, L.org_enc);
	rc = li_call(&L, "GET", url, NULL, 0, &rs);
	if (rc == CONN_OK) {
		const json_t *els, *tot;
		j = conn_json(ctx, &rs);
		els = json_object_get(j, "elements");
		tot = json_object_get(json_array_get(els, 0),
		                      "totalShareStatistics");
		if (j && !json_is_object(tot)) {
			rc = conn_fail(ctx, CONN_E_MALFORMED, "shape",
			               "LinkedIn's share statistics have no "
			               "totalShareStatistics");
		} else if (j == NULL) {
			rc = ctx->err.rc;
		} else {
			for (size_t i = 0; i < sizeof(share) / sizeof(share[0]);
			     i++) {
				int64_t v = ji(tot, share[i].field, -1);
				if (v >= 0)
					conn_emit_metric(ctx, NULL,
					                 share[i].metric,
					                 (double)v, ctx->now);
			}
		}
		json_decref(j);
	}
	fetch_resp_free(&rs);
	if (rc != CONN_OK)
		return rc;

	snprintf(url, sizeof(url),
	         "%s/networkSizes/%s?edgeType=COMPANY_FOLLOWED_BY_MEMBER",
	         ctx->base_url, L.org_enc);
	rc = li_call(&L, "GET", url, NULL, 0, &rs);
	if (rc == CONN_OK) {
		j = conn_json(ctx, &rs);
		if (j == NULL)
			rc = ctx->err.rc;
		else if (ji(j, "firstDegreeSize", -1) < 0)
			rc = conn_fail(ctx, CONN_E_MALFORMED, "shape",
			               "LinkedIn's network size has no "
			               "firstDegreeSize");
		else
			conn_emit_metric(ctx, NULL, METRIC_FOLLOWERS,
			                 (double)ji(j, "firstDegreeSize", 0),
			                 ctx->now);
		json_decref(j);
	}
	fetch_resp_free(&rs);
	return rc;
}

const struct connector conn_linkedin = {
    .platform = "linkedin",
    .label = "LinkedIn",
    .default_base = "https://api.linkedin.com/rest",
    .poll_interval = 900,
    .caps = CAP_OWN_POSTS | CAP_COMMENTS | CAP_REPLY | CAP_DELETE_OTHERS |
            CAP_PUBLISH | CAP_PUBLISH_MEDIA | CAP_METRICS | CAP_REFRESH,
    .note = "LinkedIn organisation pages: own posts, their comments and "
            "replies.  No direct messages and no mentions are read (the "
            "Community Management API offers neither to this connector). "
            "Comments cannot be hidden, only deleted by the organisation "
            "on its own posts.  Images only (no video or documents).  "
            "Daily quotas are not published; a 429 pauses the channel for "
            "an hour or until midnight UTC.",
    .check_auth = li_check_auth,
    .sync = li_sync,
    .reply = li_reply,
    .moderate = li_moderate,
    .publish = li_publish,
    .metrics = li_metrics,
    .classify = li_classify,
};
