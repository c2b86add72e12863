/*
 * x.c - the X (API v2) connector: own posts, mentions and the replies in
 * the conversations of our recent posts, reply, hide/unhide replies,
 * publish with media (chunked media upload + alt text), metrics, and X's
 * own error shapes (problem JSON, errors[] next to data, 429 rate-limit
 * and usage-cap problems).  docs/connectors/x.md describes it.
 *
 * Items: an X post that was edited gets a new id for every version; the
 * item id stays the first id of edit_history_tweet_ids, so an edit is a
 * new version of the same item (edited_at set).  created_at of an edited
 * post comes from the first id (X ids are snowflakes carrying their time).
 *
 * State (ctx->state, strings): "user_id"; per listing L in {posts,
 * mentions}: "L_since" (newest id of the last complete walk), "L_page" and
 * "L_pending" (a walk in progress: the next page's token and the newest id
 * it started from); "recent" (our own top-level posts of the last 7 days,
 * "id:epoch,…", whose conversations are searched for replies);
 * "partial_errors" (the last partial-error note).
 */
#include "bearer.h"
#include "connect.h"
#include "../base/buf.h"
#include "../base/util.h"

#include "x.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define X_FIELDS                                                               \
	"tweet.fields=created_at,public_metrics,conversation_id,"              \
	"in_reply_to_user_id,referenced_tweets,lang,author_id,"                \
	"edit_history_tweet_ids"                                               \
	"&expansions=author_id,attachments.media_keys"                         \
	"&user.fields=username,name&media.fields=url,alt_text,type"
#define X_MAX_CHARS     280
#define X_URL_WEIGHT    23
#define X_RECENT_SECS   (7 * 86400)
#define X_MAX_CONVS     25  /* conversations searched per cycle */
#define X_RECENT_MAX    100 /* recent posts kept in state */
#define X_CHUNK         (4u << 20)
#define X_MAX_MEDIA_LEN (512u << 20)
#define X_TWEPOCH_MS    1288834974657LL
#define X_STATE_MAX     8192

/* what a page is: decides the item type of others' posts */
enum x_kind {
	X_OWN = X_PAGE_OWN,
	X_MENTIONS = X_PAGE_MENTIONS,
	X_CONV = X_PAGE_CONV
};

/* --- errors ------------------------------------------------------------- */

/* Copies "title: detail" (or the first errors[] message) into err. */
static void
x_problem_text(const json_t *j, char *code, size_t ncode, char *msg,
               size_t nmsg)
{
	const char *title = json_string_value(json_object_get(j, "title"));
	const char *detail = json_string_value(json_object_get(j, "detail"));
	const char *type = json_string_value(json_object_get(j, "type"));
	const json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
	const char *slash;
	if (type && (slash = strrchr(type, '/')) != NULL && slash[1])
		snprintf(code, ncode, "%s", slash + 1);
	else if (title)
		snprintf(code, ncode, "%s", title);
	if (e0 && !detail) {
		detail = json_string_value(json_object_get(e0, "detail"));
		if (!detail)
			detail =
			    json_string_value(json_object_get(e0, "message"));
		if (!title)
			title = json_string_value(json_object_get(e0, "title"));
		if (!type && json_string_value(json_object_get(e0, "type"))) {
			type = json_string_value(json_object_get(e0, "type"));
			slash = strrchr(type, '/');
			snprintf(code, ncode, "%s", slash ? slash + 1 : type);
		}
	}
	if (title && detail)
		snprintf(msg, nmsg, "%s: %s", title, detail);
	else if (title || detail)
		snprintf(msg, nmsg, "%s", title ? title : detail);
	/* the token endpoint: {"error":"invalid_request",
	 * "error_description":…} */
	if (json_is_string(json_object_get(j, "error"))) {
		const char *d =
		    json_string_value(json_object_get(j, "error_description"));
		snprintf(code, ncode, "%s",
		         json_string_value(json_object_get(j, "error")));
		snprintf(msg, nmsg, "%s", d ? d : code);
	}
}

static int
x_classify(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	json_t *j;
	json_error_t e;
	char code[64] = "", msg[512] = "";
	enum conn_rc rc;

	if (rs->status >= 200 && rs->status < 300) {
		/* 200 with only errors[] (a user or post that is not there)
		 * is an error; errors[] next to data is a partial answer */
		if (rs->len == 0 || rs->body[0] != '{' ||
		    strstr(rs->body, "\"errors\"") == NULL)
			return 0;
		j = json_loadb(rs->body, rs->len, 0, &e);
		if (j == NULL || json_object_get(j, "data") ||
		    json_object_get(j, "meta") ||
		    !json_is_array(json_object_get(j, "errors"))) {
			json_decref(j);
			return 0;
		}
		x_problem_text(j, code, sizeof(code), msg, sizeof(msg));
		json_decref(j);
		conn_fail(ctx,
		          strstr(code, "not-found") ? CONN_E_NOTFOUND
		                                    : CONN_E_PLATFORM,
		          code, "%s", msg[0] ? msg : "the platform said no");
		return 1;
	}
	if (rs->status < 400)
		return 0;
	j = json_loadb(rs->body, rs->len, 0, &e);
	if (j)
		x_problem_text(j, code, sizeof(code), msg, sizeof(msg));
	json_decref(j);
	if (rs->status == 429)
		rc = CONN_E_RATELIMIT;
	else if (rs->status == 401)
		rc = CONN_E_AUTH;
	else if (rs->status == 404 || strstr(code, "not-found"))
		rc = CONN_E_NOTFOUND;
	else if (rs->status >= 500)
		rc = CONN_E_NETWORK;
	else if (strcmp(code, "invalid_grant") == 0 ||
	         strcmp(code, "invalid_client") == 0)
		rc = CONN_E_AUTH;
	else
		rc = CONN_E_PLATFORM;
	if (rc == CONN_E_RATELIMIT)
		snprintf(code, sizeof(code), "%s",
		         strstr(code, "usage-capped") ? "usage-capped"
		                                      : "rate-limit-exceeded");
	conn_fail(ctx, rc, code, "%s",
	          msg[0] ? msg : "the platform answered with an error");
	return 1;
}

/* --- calls ------------------------------------------------------------- */

static const struct bearer_opts *
x_opts(const struct conn_ctx *ctx, struct bearer_opts *o, char *buf, size_t n)
{
	const char *t = conn_cfg(ctx, "token_url");
	if (t == NULL) {
		snprintf(buf, n, "%s/2/oauth2/token", ctx->base_url);
		t = buf;
	}
	o->token_url = t;
	o->basic_auth = 1;
	return o;
}

/* A usage cap (monthly or daily) without a reset header is not worth
 * trying again within the hour. */
static enum conn_rc
x_after(struct conn_ctx *ctx, enum conn_rc rc)
{
	if (rc == CONN_E_RATELIMIT &&
	    strcmp(ctx->err.code, "usage-capped") == 0 &&
	    ctx->err.retry_at < time_now() + 3600)
		ctx->err.retry_at = time_now() + 3600;
	return rc;
}

/* One call to X: method, url, JSON body or NULL.  rs as conn_request. */
static enum conn_rc
x_call(struct conn_ctx *ctx, const char *method, const char *url,
       const char *json, struct fetch_resp *rs)
{
	struct fetch_req rq = {0};
	struct bearer_opts o;
	char tok[1024];
	rq.method = method;
	rq.url = url;
	rq.headers[0] = "Accept: application/json";
	if (json) {
		rq.headers[1] = "Content-Type: application/json";
		rq.body = json;
		rq.body_len = strlen(json);
	}
	return x_after(
	    ctx, bearer_call(ctx, x_opts(ctx, &o, tok, sizeof(tok)), &rq, rs));
}

/* GET url and parse: the JSON (caller decrefs), or NULL with err set. */
static json_t *
x_get_json(struct conn_ctx *ctx, const char *url, enum conn_rc *rc)
{
	struct fetch_resp rs;
	json_t *j = NULL;
	*rc = x_call(ctx, "GET", url, NULL, &rs);
	if (*rc == CONN_OK) {
		j = conn_json(ctx, &rs);
		if (j == NULL || !json_is_object(j)) {
			json_decref(j);
			j = NULL;
			*rc = conn_fail(ctx, CONN_E_MALFORMED, "json",
			                "the platform sent no JSON object");
		}
	}
	fetch_resp_free(&rs);
	return j;
}

/* Our user id: config "account", else state "user_id", else learned from
 * GET /2/users/me.  NULL with err set. */
static const char *
x_user(struct conn_ctx *ctx, enum conn_rc *rc)
{
	char url[1024];
	json_t *j;
	const char *id = conn_cfg(ctx, "account");
	*rc = CONN_OK;
	if (id)
		return id;
	if ((id = conn_state(ctx, "user_id")) != NULL)
		return id;
	snprintf(url, sizeof(url), "%s/2/users/me?user.fields=username",
	         ctx->base_url);
	if ((j = x_get_json(ctx, url, rc)) == NULL)
		return NULL;
	id = json_string_value(
	    json_object_get(json_object_get(j, "data"), "id"));
	if (id == NULL || *id == 0) {
		json_decref(j);
		*rc = conn_fail(ctx, CONN_E_MALFORMED, "me",
		                "/2/users/me sent no user id");
		return NULL;
	}
	conn_state_set(ctx, "user_id", id);
	id = json_string_value(
	    json_object_get(json_object_get(j, "data"), "username"));
	if (id)
		conn_state_set(ctx, "username", id);
	json_decref(j);
	return conn_state(ctx, "user_id");
}

static enum conn_rc
x_check_auth(struct conn_ctx *ctx)
{
	char url[1024];
	enum conn_rc rc;
	json_t *j;
	const json_t *d;
	snprintf(url, sizeof(url), "%s/2/users/me?user.fields=username",
	         ctx->base_url);
	if ((j = x_get_json(ctx, url, &rc)) == NULL)
		return rc;
	d = json_object_get(j, "data");
	if (json_string_value(json_object_get(d, "id")) == NULL) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "me",
		                 "/2/users/me sent no user id");
	}
	conn_state_set(ctx, "user_id",
	               json_string_value(json_object_get(d, "id")));
	if (json_string_value(json_object_get(d, "username")))
		conn_state_set(
		    ctx, "username",
		    json_string_value(json_object_get(d, "username")));
	json_decref(j);
	ctx->token_expires_at =
	    json_count(json_object_get(ctx->cred, "expires_at")) > 0
	        ? json_count(json_object_get(ctx->cred, "expires_at"))
	        : 0;
	return CONN_OK;
}

/* --- parsing ------------------------------------------------------------ */

/* UTC seconds from an X id (a snowflake), or 0. */
static int64_t
x_snowflake_time(const char *id)
{
	char *end;
	unsigned long long v;
	if (id == NULL || *id < '0' || *id > '9')
		return 0;
	errno = 0;
	v = strtoull(id, &end, 10);
	if (errno || *end || v < (1ull << 32))
		return 0;
	return ((int64_t)(v >> 22) + X_TWEPOCH_MS) / 1000;
}

static const json_t *
x_find(const json_t *arr, const char *key, const char *val)
{
	size_t i;
	const json_t *o;
	if (val == NULL)
		return NULL;
	json_array_foreach(arr, i, o)
	{
		const char *v = json_string_value(json_object_get(o, key));
		if (v && strcmp(v, val) == 0)
			return o;
	}
	return NULL;
}

/* 1 when id is in the "id:epoch,…" list. */
static int
x_in_recent(const char *recent, const char *id)
{
	size_t n = id ? strlen(id) : 0;
	const char *p = recent;
	if (!p || n == 0)
		return 0;
	while ((p = strstr(p, id)) != NULL) {
		if ((p == recent || p[-1] == ',') && p[n] == ':')
			return 1;
		p += n;
	}
	return 0;
}

/* Emits one post; 0, or -1 when on_item asked to stop. */
static int
x_emit_tweet(struct conn_ctx *ctx, const json_t *t, const json_t *inc,
             enum x_kind kind, const char *me, const char *recent,
             struct idset *seen, struct x_page *pg)
{
	struct item it;
	const char *id = json_string_value(json_object_get(t, "id"));
	const json_t *hist = json_object_get(t, "edit_history_tweet_ids");
	const char *first = json_string_value(json_array_get(hist, 0));
	const char *author = json_string_value(json_object_get(t, "author_id"));
	const char *conv =
	    json_string_value(json_object_get(t, "conversation_id"));
	const char *irt =
	    json_string_value(json_object_get(t, "in_reply_to_user_id"));
	const char *parent = NULL, *ts;
	const json_t *user, *pm, *keys;
	char url[512], handle[128];
	char *raw;
	size_t i;
	int64_t when = 0, c;
	int rcode;

	if (id == NULL || *id == 0 ||
	    !json_is_string(json_object_get(t, "text")))
		return 0; /* not a post: skip, as X adds fields over time */
	if (first == NULL || *first == 0)
		first = id;
	if (!idset_add(seen, first))
		return 0;
	item_init(&it);
	it.id = first;
	json_array_foreach(json_object_get(t, "referenced_tweets"), i, pm)
	{
		const char *ty = json_string_value(json_object_get(pm, "type"));
		if (ty && strcmp(ty, "replied_to") == 0)
			parent = json_string_value(json_object_get(pm, "id"));
	}
	if (author == NULL && kind == X_OWN)
		author = me; /* our timeline without the author_id field */
	it.author_id = author;
	it.inbound = !(author && me && strcmp(author, me) == 0);
	if (!it.inbound)
		it.type =
		    parent ? (conv && strcmp(parent, conv) == 0 ? ITEM_COMMENT
		                                                : ITEM_REPLY)
		           : ITEM_POST;
	else if (parent && (kind == X_CONV || (irt && me && !strcmp(irt, me)) ||
	                    x_in_recent(recent, conv)))
		it.type = conv && strcmp(parent, conv) == 0 ? ITEM_COMMENT
		                                            : ITEM_REPLY;
	else
		it.type = kind == X_OWN && !parent ? ITEM_POST : ITEM_MENTION;
	if (it.type == ITEM_COMMENT || it.type == ITEM_REPLY) {
		it.parent_id = parent;
		it.thread_id = conv;
	} else if (it.type == ITEM_MENTION) {
		it.parent_id = NULL;
		it.thread_id = conv;
	}
	it.text = json_string_value(json_object_get(t, "text"));
	it.lang = json_string_value(json_object_get(t, "lang"));
	ts = json_string_value(json_object_get(t, "created_at"));
	if (ts)
		time_parse_web(ts, &when);
	if (json_array_size(hist) > 1 && strcmp(first, id) != 0) {
		it.edited_at = when;
		it.created_at = x_snowflake_time(first);
		if (it.created_at == 0)
			it.created_at = when;
	} else {
		it.created_at = when ? when : x_snowflake_time(id);
	}
	user = x_find(json_object_get(inc, "users"), "id", author);
	handle[0] = 0;
	if (json_string_value(json_object_get(user, "username"))) {
		snprintf(handle, sizeof(handle), "@%s",
		         json_string_value(json_object_get(user, "username")));
		it.author_handle = handle;
		snprintf(url, sizeof(url), "https://x.com/%s/status/%s",
		         handle + 1, id);
	} else {
		snprintf(url, sizeof(url), "https://x.com/i/web/status/%s", id);
	}
	it.url = url;
	it.author_name = json_string_value(json_object_get(user, "name"));
	pm = json_object_get(t, "public_metrics");
	it.likes = json_count(json_object_get(pm, "like_count"));
	it.replies = json_count(json_object_get(pm, "reply_count"));
	it.views = json_count(json_object_get(pm, "impression_count"));
	c = json_count(json_object_get(pm, "retweet_count"));
	if (c >= 0)
		it.shares =
		    c + (json_count(json_object_get(pm, "quote_count")) > 0
		             ? json_count(json_object_get(pm, "quote_count"))
		             : 0);
	keys = json_object_get(json_object_get(t, "attachments"), "media_keys");
	json_array_foreach(keys, i, pm)
	{
		const json_t *m = x_find(json_object_get(inc, "media"),
		                         "media_key", json_string_value(pm));
		if (it.nmedia >= ITEM_MAX_MEDIA || m == NULL)
			continue;
		it.media[it.nmedia].url =
		    json_string_value(json_object_get(m, "url"));
		if (it.media[it.nmedia].url == NULL)
			it.media[it.nmedia].url = json_string_value(
			    json_object_get(m, "preview_image_url"));
		it.media[it.nmedia].alt =
		    json_string_value(json_object_get(m, "alt_text"));
		it.nmedia++;
	}
	raw = json_dumps(t, JSON_COMPACT);
	it.raw = raw;
	if (pg->own && it.type == ITEM_POST && !it.inbound &&
	    it.created_at >= ctx->now - X_RECENT_SECS)
		buf_printf(pg->own, "%s:%lld,", first,
		           (long long)it.created_at);
	rcode = conn_emit(ctx, &it);
	free(raw);
	return rcode;
}

enum conn_rc
x_parse_tweets(struct conn_ctx *ctx, const char *body, size_t len, int kind,
               const char *me, const char *recent, struct idset *seen,
               struct x_page *pg)
{
	struct fetch_resp fake = {0};
	json_t *j, *data, *meta, *errs, *t;
	size_t i;
	enum conn_rc rc = CONN_OK;

	pg->next[0] = pg->newest[0] = 0;
	pg->nerrors = 0;
	fake.body = (char *)(uintptr_t)body;
	fake.len = len;
	if ((j = conn_json(ctx, &fake)) == NULL)
		return CONN_E_MALFORMED;
	data = json_object_get(j, "data");
	meta = json_object_get(j, "meta");
	errs = json_object_get(j, "errors");
	if (!json_is_object(j) || (data && !json_is_array(data)) ||
	    (meta && !json_is_object(meta)) || (!data && !meta)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "the platform's page has no data[] or meta");
	}
	if (json_is_array(errs) && json_array_size(errs) > 0) {
		char code[64] = "", msg[400] = "", note[512];
		x_problem_text(json_array_get(errs, 0), code, sizeof(code), msg,
		               sizeof(msg));
		pg->nerrors = (int)json_array_size(errs);
		snprintf(note, sizeof(note), "%d partial error(s); first: %s",
		         pg->nerrors, msg[0] ? msg : code);
		conn_state_set(ctx, "partial_errors", note);
	}
	json_array_foreach(data, i, t)
	{
		if (!json_is_object(t))
			continue;
		if (x_emit_tweet(ctx, t, json_object_get(j, "includes"),
		                 (enum x_kind)kind, me, recent, seen,
		                 pg) != 0) {
			rc = conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			               "the caller stopped the cycle");
			break;
		}
	}
	if (json_string_value(json_object_get(meta, "next_token")))
		snprintf(
		    pg->next, sizeof(pg->next), "%s",
		    json_string_value(json_object_get(meta, "next_token")));
	if (json_string_value(json_object_get(meta, "newest_id")))
		snprintf(pg->newest, sizeof(pg->newest), "%s",
		         json_string_value(json_object_get(meta, "newest_id")));
	json_decref(j);
	return rc;
}

/* --- sync ---------------------------------------------------------------- */

static void
state_key(char *out, size_t n, const char *list, const char *what)
{
	snprintf(out, n, "%s_%s", list, what);
}

/*
 * Walks a listing (list "posts" or "mentions") newest first from its
 * since-id, page by page.  After each complete page the next page's token
 * is kept in state, so a failure resumes there; when the walk reaches the
 * end, the since-id becomes the newest id the walk started with.
 */
static enum conn_rc
x_walk(struct conn_ctx *ctx, const char *list, const char *path,
       enum x_kind kind, const char *me, struct idset *seen, struct buf *own)
{
	char k_since[32], k_page[32], k_pend[32], url[2048], esc[600];
	char pending[64] = "";
	struct x_page pg;
	struct buf u;
	int pages = 0;
	enum conn_rc rc;

	state_key(k_since, sizeof(k_since), list, "since");
	state_key(k_page, sizeof(k_page), list, "page");
	state_key(k_pend, sizeof(k_pend), list, "pending");
	if (conn_state(ctx, k_pend))
		snprintf(pending, sizeof(pending), "%s",
		         conn_state(ctx, k_pend));
	while (pages++ < ctx->max_pages) {
		struct fetch_resp rs;
		const char *since = conn_state(ctx, k_since);
		const char *page = conn_state(ctx, k_page);
		buf_init(&u, sizeof(url));
		buf_printf(&u, "%s%s?max_results=100&%s", ctx->base_url, path,
		           X_FIELDS);
		if (since && url_escape(since, esc, sizeof(esc)))
			buf_printf(&u, "&since_id=%s", esc);
		if (page && url_escape(page, esc, sizeof(esc)))
			buf_printf(&u, "&pagination_token=%s", esc);
		snprintf(url, sizeof(url), "%s", buf_str(&u));
		buf_cleanup(&u);
		rc = x_call(ctx, "GET", url, NULL, &rs);
		if (rc == CONN_OK) {
			pg.own = own;
			rc = x_parse_tweets(ctx, rs.body, rs.len, kind, me,
			                    conn_state(ctx, "recent"), seen,
			                    &pg);
		}
		fetch_resp_free(&rs);
		if (rc != CONN_OK)
			return rc;
		if (pending[0] == 0 && pg.newest[0])
			snprintf(pending, sizeof(pending), "%s", pg.newest);
		if (pg.next[0] == 0) {
			if (pending[0])
				conn_state_set(ctx, k_since, pending);
			conn_state_set(ctx, k_page, NULL);
			conn_state_set(ctx, k_pend, NULL);
			return CONN_OK;
		}
		conn_state_set(ctx, k_page, pg.next);
		conn_state_set(ctx, k_pend, pending[0] ? pending : NULL);
	}
	return CONN_OK; /* the rest next cycle, from the kept token */
}

struct x_recent {
	char id[64];
	long long when;
};

static int
x_recent_cmp(const void *a, const void *b)
{
	const struct x_recent *x = a, *y = b;
	return x->when < y->when ? 1 : x->when > y->when ? -1 : 0;
}

/* Keeps in state "recent" our posts of the last 7 days, "id:epoch,…"
 * newest first, at most X_RECENT_MAX: the old list plus add. */
static void
x_recent_update(struct conn_ctx *ctx, const char *add)
{
	struct x_recent *v = calloc(2 * X_RECENT_MAX, sizeof(*v));
	const char *lists[2];
	struct buf b;
	int n = 0;
	if (v == NULL)
		abort();
	lists[0] = add;
	lists[1] = conn_state(ctx, "recent");
	for (int l = 0; l < 2; l++) {
		const char *p = lists[l];
		while (p && *p && n < 2 * X_RECENT_MAX) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			const char *colon = memchr(p, ':', len);
			long long when =
			    colon ? strtoll(colon + 1, NULL, 10) : 0;
			size_t idn = colon ? (size_t)(colon - p) : 0;
			int dup = 0;
			for (int k = 0; k < n && idn; k++)
				dup |= strlen(v[k].id) == idn &&
				       memcmp(v[k].id, p, idn) == 0;
			if (idn > 0 && idn < sizeof(v[n].id) && !dup &&
			    when >= ctx->now - X_RECENT_SECS) {
				memcpy(v[n].id, p, idn);
				v[n].id[idn] = 0;
				v[n++].when = when;
			}
			p = comma ? comma + 1 : NULL;
		}
	}
	qsort(v, (size_t)n, sizeof(*v), x_recent_cmp);
	buf_init(&b, X_STATE_MAX);
	for (int k = 0; k < n && k < X_RECENT_MAX; k++)
		buf_printf(&b, "%s:%lld,", v[k].id, v[k].when);
	if (!b.overflow)
		conn_state_set(ctx, "recent", b.len ? buf_str(&b) : NULL);
	buf_cleanup(&b);
	free(v);
}

/* Searches the conversation of each recent post (newest first). */
static enum conn_rc
x_conversations(struct conn_ctx *ctx, const char *me, struct idset *seen)
{
	const char *recent = conn_state(ctx, "recent");
	char *copy, *save = NULL, *tok;
	const char *ids[X_RECENT_MAX];
	int n = 0, done = 0;
	enum conn_rc rc = CONN_OK;

	if (recent == NULL)
		return CONN_OK;
	copy = strdup(recent);
	if (copy == NULL)
		abort();
	for (tok = strtok_r(copy, ",", &save); tok && n < X_RECENT_MAX;
	     tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		if (colon)
			*colon = 0;
		if (*tok)
			ids[n++] = tok;
	}
	for (int i = 0; i < n && done < X_MAX_CONVS; i++, done++) {
		char path[128], q[160], esc[400], token[256] = "";
		snprintf(q, sizeof(q), "conversation_id:%s", ids[i]);
		if (url_escape(q, esc, sizeof(esc)) == NULL)
			continue;
		for (int pages = 0; pages < ctx->max_pages; pages++) {
			struct fetch_resp rs;
			struct x_page pg;
			char url[2048], tesc[600];
			snprintf(path, sizeof(path), "/2/tweets/search/recent");
			if (token[0] && url_escape(token, tesc, sizeof(tesc)))
				snprintf(url, sizeof(url),
				         "%s%s?query=%s&max_results=100&%s"
				         "&next_token=%s",
				         ctx->base_url, path, esc, X_FIELDS,
				         tesc);
			else
				snprintf(url, sizeof(url),
				         "%s%s?query=%s&max_results=100&%s",
				         ctx->base_url, path, esc, X_FIELDS);
			rc = x_call(ctx, "GET", url, NULL, &rs);
			if (rc == CONN_OK) {
				pg.own = NULL;
				rc =
				    x_parse_tweets(ctx, rs.body, rs.len, X_CONV,
				                   me, recent, seen, &pg);
			}
			fetch_resp_free(&rs);
			if (rc != CONN_OK)
				goto out;
			if (pg.next[0] == 0)
				break;
			snprintf(token, sizeof(token), "%s", pg.next);
		}
	}
out:
	free(copy);
	return rc;
}

static enum conn_rc
x_sync(struct conn_ctx *ctx)
{
	struct idset seen = {0};
	struct buf own;
	char path[256], me[64];
	const char *uid;
	enum conn_rc rc;

	if ((uid = x_user(ctx, &rc)) == NULL)
		return rc;
	snprintf(me, sizeof(me), "%s", uid);
	buf_init(&own, X_STATE_MAX);
	snprintf(path, sizeof(path), "/2/users/%s/tweets", me);
	rc = x_walk(ctx, "posts", path, X_OWN, me, &seen, &own);
	x_recent_update(ctx, buf_str(&own));
	buf_cleanup(&own);
	if (rc == CONN_OK) {
		snprintf(path, sizeof(path), "/2/users/%s/mentions", me);
		rc = x_walk(ctx, "mentions", path, X_MENTIONS, me, &seen, NULL);
	}
	if (rc == CONN_OK)
		rc = x_conversations(ctx, me, &seen);
	idset_free(&seen);
	return rc;
}

/* --- writing ------------------------------------------------------------- */

/* The length X counts for text: code points, each http(s) URL counted as
 * X_URL_WEIGHT (t.co).  Simplified: X also weighs CJK and emoji as 2. */
static size_t
x_text_len(const char *s)
{
	size_t n = 0;
	while (*s) {
		if (strncmp(s, "http://", 7) == 0 ||
		    strncmp(s, "https://", 8) == 0) {
			while (*s && *s != ' ' && *s != '\n' && *s != '\t')
				s++;
			n += X_URL_WEIGHT;
			continue;
		}
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
		s++;
	}
	return n;
}

static enum conn_rc
x_check_text(struct conn_ctx *ctx, const char *text)
{
	size_t n;
	if (text == NULL || *text == 0)
		return CONN_OK;
	if (!utf8_valid_text(text, strlen(text), 1))
		return conn_fail(ctx, CONN_E_CONFIG, "text",
		                 "the text is not valid UTF-8");
	n = x_text_len(text);
	if (n > X_MAX_CHARS)
		return conn_fail(ctx, CONN_E_CONFIG, "too_long",
		                 "the text counts %zu characters on X; the "
		                 "limit is %d",
		                 n, X_MAX_CHARS);
	return CONN_OK;
}

/* POSTs body to /2/tweets; fills out from {"data":{"id"}}. */
static enum conn_rc
x_post_tweet(struct conn_ctx *ctx, json_t *body, struct conn_result *out)
{
	char url[1024];
	char *s = json_dumps(body, JSON_COMPACT);
	struct fetch_resp rs;
	enum conn_rc rc;
	json_t *j;
	const char *id;
	snprintf(url, sizeof(url), "%s/2/tweets", ctx->base_url);
	rc = x_call(ctx, "POST", url, s, &rs);
	free(s);
	if (rc == CONN_OK) {
		j = conn_json(ctx, &rs);
		id = json_string_value(
		    json_object_get(json_object_get(j, "data"), "id"));
		if (id == NULL || *id == 0) {
			rc = conn_fail(ctx, CONN_E_MALFORMED, "create",
			               "POST /2/tweets answered without an id");
		} else if (out) {
			const char *u = conn_state(ctx, "username");
			snprintf(out->id, sizeof(out->id), "%s", id);
			if (u)
				snprintf(out->url, sizeof(out->url),
				         "https://x.com/%s/status/%s", u, id);
			else
				snprintf(out->url, sizeof(out->url),
				         "https://x.com/i/web/status/%s", id);
		}
		json_decref(j);
	}
	fetch_resp_free(&rs);
	return rc;
}

static enum conn_rc
x_reply(struct conn_ctx *ctx, const char *parent_id, const char *text,
        struct conn_result *out)
{
	json_t *b;
	enum conn_rc rc;
	if (parent_id == NULL || *parent_id == 0 || text == NULL || *text == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "args",
		                 "a reply needs a post to answer and a text");
	if ((rc = x_check_text(ctx, text)) != CONN_OK)
		return rc;
	b = json_pack("{s:s, s:{s:s}}", "text", text, "reply",
	              "in_reply_to_tweet_id", parent_id);
	rc = x_post_tweet(ctx, b, out);
	json_decref(b);
	return rc;
}

static enum conn_rc
x_moderate(struct conn_ctx *ctx, const char *item_id, enum conn_mod what)
{
	char url[1024], esc[256];
	struct fetch_resp rs;
	enum conn_rc rc;
	if (item_id == NULL || url_escape(item_id, esc, sizeof(esc)) == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "id", "no post id");
	if (what == MOD_HIDE || what == MOD_UNHIDE) {
		snprintf(url, sizeof(url), "%s/2/tweets/%s/hidden",
		         ctx->base_url, esc);
		rc = x_call(ctx, "PUT", url,
		            what == MOD_HIDE ? "{\"hidden\":true}"
		                             : "{\"hidden\":false}",
		            &rs);
		fetch_resp_free(&rs);
		return rc;
	}
	/* delete: only our own posts can be deleted on X */
	{
		json_t *j;
		const char *me, *author;
		int own;
		if ((me = x_user(ctx, &rc)) == NULL)
			return rc;
		snprintf(url, sizeof(url),
		         "%s/2/tweets/%s?tweet.fields=author_id", ctx->base_url,
		         esc);
		if ((j = x_get_json(ctx, url, &rc)) == NULL)
			return rc;
		author = json_string_value(
		    json_object_get(json_object_get(j, "data"), "author_id"));
		own = author && strcmp(author, me) == 0;
		json_decref(j);
		if (!own)
			return conn_fail(ctx, CONN_E_UNSUPPORTED, "not_own",
			                 "X does not let an account delete "
			                 "others' posts or replies; hide the "
			                 "reply instead");
	}
	snprintf(url, sizeof(url), "%s/2/tweets/%s", ctx->base_url, esc);
	rc = x_call(ctx, "DELETE", url, NULL, &rs);
	fetch_resp_free(&rs);
	return rc;
}

static const char *
x_media_category(const char *mime)
{
	if (mime && strcmp(mime, "image/gif") == 0)
		return "tweet_gif";
	if (mime && strncmp(mime, "video/", 6) == 0)
		return "tweet_video";
	return "tweet_image";
}

/* A multipart/form-data APPEND of one chunk. */
static enum conn_rc
x_append(struct conn_ctx *ctx, const char *media_id, int segment,
         const void *chunk, size_t n)
{
	static const char bnd[] = "kanalvakt-x-7d1f3a9e";
	char url[1024], ctype[96];
	struct fetch_req rq = {0};
	struct fetch_resp rs;
	struct bearer_opts o;
	char tok[1024];
	struct buf b;
	enum conn_rc rc;
	snprintf(url, sizeof(url), "%s/2/media/upload/%s/append", ctx->base_url,
	         media_id);
	snprintf(ctype, sizeof(ctype),
	         "Content-Type: multipart/form-data; boundary=%s", bnd);
	buf_init(&b, X_CHUNK + 4096);
	buf_printf(&b,
	           "--%s\r\nContent-Disposition: form-data; "
	           "name=\"segment_index\"\r\n\r\n%d\r\n"
	           "--%s\r\nContent-Disposition: form-data; name=\"media\"; "
	           "filename=\"chunk\"\r\nContent-Type: "
	           "application/octet-stream\r\n\r\n",
	           bnd, segment, bnd);
	buf_add(&b, chunk, n);
	buf_printf(&b, "\r\n--%s--\r\n", bnd);
	rq.method = "POST";
	rq.url = url;
	rq.headers[0] = ctype;
	rq.headers[1] = "Accept: application/json";
	rq.body = b.p;
	rq.body_len = b.len;
	rc = x_after(
	    ctx, bearer_call(ctx, x_opts(ctx, &o, tok, sizeof(tok)), &rq, &rs));
	fetch_resp_free(&rs);
	buf_cleanup(&b);
	return rc;
}

/* Uploads one file (initialize, append chunks, finalize, wait for
 * processing) and sets its alt text; the media id into id. */
static enum conn_rc
x_upload(struct conn_ctx *ctx, const struct item_media *m, char *id, size_t idn)
{
	char url[1024];
	FILE *f;
	long size;
	json_t *b, *j = NULL;
	char *s;
	struct fetch_resp rs;
	enum conn_rc rc;
	unsigned char *chunk;
	int seg = 0;
	const json_t *pi;

	if (m->path == NULL || m->mime == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "media",
		                 "a medium needs a file and a type");
	if ((f = fopen(m->path, "rb")) == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "media", "cannot open %s",
		                 m->path);
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    (size_t)size > X_MAX_MEDIA_LEN || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return conn_fail(ctx, CONN_E_CONFIG, "media",
		                 "%s cannot be read or is too large", m->path);
	}
	/* initialize */
	snprintf(url, sizeof(url), "%s/2/media/upload/initialize",
	         ctx->base_url);
	b = json_pack("{s:s, s:I, s:s}", "media_type", m->mime, "total_bytes",
	              (json_int_t)size, "media_category",
	              x_media_category(m->mime));
	s = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	rc = x_call(ctx, "POST", url, s, &rs);
	free(s);
	if (rc == CONN_OK && (j = conn_json(ctx, &rs)) == NULL)
		rc = CONN_E_MALFORMED;
	fetch_resp_free(&rs);
	if (rc == CONN_OK) {
		const char *mid = json_string_value(
		    json_object_get(json_object_get(j, "data"), "id"));
		if (mid == NULL || strspn(mid, "0123456789") != strlen(mid) ||
		    strlen(mid) >= idn || *mid == 0)
			rc = conn_fail(ctx, CONN_E_MALFORMED, "media",
			               "the media upload sent no media id");
		else
			snprintf(id, idn, "%s", mid);
	}
	json_decref(j);
	j = NULL;
	if (rc != CONN_OK) {
		fclose(f);
		return rc;
	}
	/* append */
	chunk = malloc(X_CHUNK);
	if (chunk == NULL)
		abort();
	for (;;) {
		size_t n = fread(chunk, 1, X_CHUNK, f);
		if (n == 0)
			break;
		if ((rc = x_append(ctx, id, seg++, chunk, n)) != CONN_OK)
			break;
	}
	free(chunk);
	fclose(f);
	if (rc != CONN_OK)
		return rc;
	/* finalize, then wait while it is processed */
	snprintf(url, sizeof(url), "%s/2/media/upload/%s/finalize",
	         ctx->base_url, id);
	rc = x_call(ctx, "POST", url, NULL, &rs);
	if (rc == CONN_OK && (j = conn_json(ctx, &rs)) == NULL)
		rc = CONN_E_MALFORMED;
	fetch_resp_free(&rs);
	for (int tries = 0; rc == CONN_OK && tries < 60; tries++) {
		const char *st;
		int64_t after;
		pi = json_object_get(json_object_get(j, "data"),
		                     "processing_info");
		st = json_string_value(json_object_get(pi, "state"));
		if (st == NULL || strcmp(st, "succeeded") == 0)
			break;
		if (strcmp(st, "failed") == 0) {
			rc = conn_fail(ctx, CONN_E_PLATFORM, "media_failed",
			               "X could not process %s", m->path);
			break;
		}
		after = json_count(json_object_get(pi, "check_after_secs"));
		if (after > 0 && ctx->backoff_base_ms >= 1000) {
			struct timespec ts = {(time_t)(after > 30 ? 30 : after),
			                      0};
			nanosleep(&ts, NULL);
		}
		json_decref(j);
		j = NULL;
		snprintf(url, sizeof(url),
		         "%s/2/media/upload?command=STATUS&media_id=%s",
		         ctx->base_url, id);
		if ((j = x_get_json(ctx, url, &rc)) == NULL)
			break;
	}
	json_decref(j);
	if (rc != CONN_OK || m->alt == NULL || *m->alt == 0)
		return rc;
	/* alt text */
	snprintf(url, sizeof(url), "%s/2/media/metadata", ctx->base_url);
	b = json_pack("{s:s, s:{s:{s:s}}}", "id", id, "metadata", "alt_text",
	              "text", m->alt);
	s = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	rc = x_call(ctx, "POST", url, s, &rs);
	free(s);
	fetch_resp_free(&rs);
	return rc;
}

static enum conn_rc
x_publish(struct conn_ctx *ctx, const struct conn_post *p,
          struct conn_result *out)
{
	json_t *b, *ids;
	enum conn_rc rc;
	char text[4096];

	if (p->nmedia > 4)
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "media",
		                 "X takes at most 4 media per post");
	if ((p->text == NULL || *p->text == 0) && p->nmedia == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "text",
		                 "a post needs a text or media");
	if (p->link && *p->link)
		snprintf(text, sizeof(text), "%s%s%s", p->text ? p->text : "",
		         p->text && *p->text ? "\n" : "", p->link);
	else
		snprintf(text, sizeof(text), "%s", p->text ? p->text : "");
	if ((rc = x_check_text(ctx, text)) != CONN_OK)
		return rc;
	b = json_object();
	if (text[0])
		json_object_set_new(b, "text", json_string(text));
	if (p->reply_to && *p->reply_to)
		json_object_set_new(
		    b, "reply",
		    json_pack("{s:s}", "in_reply_to_tweet_id", p->reply_to));
	ids = json_array();
	for (int i = 0; i < p->nmedia; i++) {
		char mid[64];
		if ((rc = x_upload(ctx, &p->media[i], mid, sizeof(mid))) !=
		    CONN_OK) {
			json_decref(ids);
			json_decref(b);
			return rc;
		}
		json_array_append_new(ids, json_string(mid));
	}
	if (json_array_size(ids) > 0)
		json_object_set_new(b, "media",
		                    json_pack("{s:o}", "media_ids", ids));
	else
		json_decref(ids);
	rc = x_post_tweet(ctx, b, out);
	json_decref(b);
	return rc;
}

/* --- metrics ------------------------------------------------------------- */

static enum conn_rc
x_metrics(struct conn_ctx *ctx)
{
	char url[2048], me[64];
	const char *uid;
	enum conn_rc rc;
	json_t *j;
	const json_t *pm, *t;
	size_t i;
	int64_t v, now = ctx->now;

	if ((uid = x_user(ctx, &rc)) == NULL)
		return rc;
	snprintf(me, sizeof(me), "%s", uid);
	snprintf(url, sizeof(url), "%s/2/users/%s?user.fields=public_metrics",
	         ctx->base_url, me);
	if ((j = x_get_json(ctx, url, &rc)) == NULL)
		return rc;
	pm = json_object_get(json_object_get(j, "data"), "public_metrics");
	if (!json_is_object(pm)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "metrics",
		                 "the user has no public_metrics");
	}
	if ((v = json_count(json_object_get(pm, "followers_count"))) >= 0)
		conn_emit_metric(ctx, NULL, METRIC_FOLLOWERS, (double)v, now);
	if ((v = json_count(json_object_get(pm, "tweet_count"))) >= 0)
		conn_emit_metric(ctx, NULL, METRIC_POSTS, (double)v, now);
	json_decref(j);

	/* the public counters of our latest 100 posts */
	snprintf(url, sizeof(url),
	         "%s/2/users/%s/tweets?max_results=100&tweet.fields="
	         "public_metrics,edit_history_tweet_ids",
	         ctx->base_url, me);
	if ((j = x_get_json(ctx, url, &rc)) == NULL)
		return rc;
	json_array_foreach(json_object_get(j, "data"), i, t)
	{
		const char *id = json_string_value(json_object_get(t, "id"));
		const char *first = json_string_value(json_array_get(
		    json_object_get(t, "edit_history_tweet_ids"), 0));
		int64_t sh;
		if (first)
			id = first;
		pm = json_object_get(t, "public_metrics");
		if (id == NULL || !json_is_object(pm))
			continue;
		if ((v = json_count(json_object_get(pm, "like_count"))) >= 0)
			conn_emit_metric(ctx, id, METRIC_REACTIONS, (double)v,
			                 now);
		if ((v = json_count(json_object_get(pm, "reply_count"))) >= 0)
			conn_emit_metric(ctx, id, METRIC_COMMENTS, (double)v,
			                 now);
		sh = json_count(json_object_get(pm, "retweet_count"));
		v = json_count(json_object_get(pm, "quote_count"));
		if (sh >= 0)
			conn_emit_metric(ctx, id, METRIC_SHARES,
			                 (double)(sh + (v > 0 ? v : 0)), now);
		if ((v = json_count(json_object_get(pm, "impression_count"))) >=
		    0)
			conn_emit_metric(ctx, id, METRIC_VIEWS, (double)v, now);
	}
	json_decref(j);
	return CONN_OK;
}

const struct connector conn_x = {
    .platform = "x",
    .label = "X",
    .default_base = "https://api.x.com",
    .poll_interval = 900,
    .caps = CAP_OWN_POSTS | CAP_COMMENTS | CAP_MENTIONS | CAP_REPLY | CAP_HIDE |
            CAP_PUBLISH | CAP_PUBLISH_MEDIA | CAP_METRICS | CAP_REFRESH,
    .note = "X lets an account hide replies to its posts but not delete "
            "others' posts or replies. Replies are found by searching the "
            "conversations of our posts from the last 7 days; older "
            "conversations are not followed. Direct messages are not read.",
    .check_auth = x_check_auth,
    .sync = x_sync,
    .reply = x_reply,
    .moderate = x_moderate,
    .publish = x_publish,
    .metrics = x_metrics,
    .classify = x_classify,
};
