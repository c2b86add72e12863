/*
 * bluesky.c - the Bluesky connector (conn_bluesky): one account through
 * XRPC on its PDS (https://bsky.social unless config base_url says
 * otherwise), signed in with an app password.
 *
 * Session: createSession with the identifier and app password gives an
 * access JWT and a refresh JWT, kept in cred (cred_changed = 1).  When the
 * PDS says ExpiredToken (400 or 401), refreshSession runs once with the
 * refresh JWT; when that fails too, createSession again.
 *
 * sync reads, in this order, so an item found twice in one run is emitted
 * once:
 *   1. our feed (app.bsky.feed.getAuthorFeed, cursor paging back to the
 *      newest indexedAt of the last complete run); reposts are skipped;
 *   2. the thread of each recent own post (app.bsky.feed.getPostThread):
 *      direct replies are comments, deeper ones replies; a complete
 *      listing of each post's direct replies;
 *   3. notifications with reasons mention, reply, quote
 *      (app.bsky.notification.listNotifications, cursor paging likewise).
 *
 * Hiding a reply is the thread gate's hiddenReplies (the only hide in the
 * protocol); deleting is possible for our own records only.  Items carry
 * the post's JSON exactly as received (jspan.h).
 */
#include "bluesky.h"
#include "jutil.h"
#include "jspan.h"
#include "../base/buf.h"
#include "../base/util.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <unistr.h>

#define B_PAGE_LIMIT "50"
#define B_WATCH      20   /* own posts whose threads we read */
#define B_MAX_TEXT   300  /* graphemes per post */
#define B_MAX_BYTES  3000 /* bytes per post text */
#define B_MAX_IMAGES 4
#define B_IMAGE_MAX  1000000u /* app.bsky.embed.images maxSize */
#define B_DEPTH      10       /* reply depth asked of getPostThread */
#define B_POST       "app.bsky.feed.post"
#define B_GATE       "app.bsky.feed.threadgate"

/* --- small helpers ----------------------------------------------------- */

/* The parts of at://did/collection/rkey; 0, or -1 when uri is not one. */
static int
at_uri(const char *uri, char *did, size_t dn, char *coll, size_t cn, char *rkey,
       size_t rn)
{
	const char *a, *b;
	if (uri == NULL || strncmp(uri, "at://", 5) != 0)
		return -1;
	a = strchr(uri + 5, '/');
	if (a == NULL)
		return -1;
	b = strchr(a + 1, '/');
	if (b == NULL || strchr(b + 1, '/') || b[1] == 0 ||
	    (size_t)(a - uri - 5) >= dn || (size_t)(b - a - 1) >= cn ||
	    strlen(b + 1) >= rn)
		return -1;
	memcpy(did, uri + 5, (size_t)(a - uri - 5));
	did[a - uri - 5] = 0;
	memcpy(coll, a + 1, (size_t)(b - a - 1));
	coll[b - a - 1] = 0;
	memcpy(rkey, b + 1, strlen(b + 1) + 1);
	return 0;
}

long
bluesky_graphemes(const char *s)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + strlen(s);
	long n = 0;
	if (u8_check(p, (size_t)(end - p)) != NULL)
		return -1;
	while (p < end) {
		p = u8_grapheme_next(p, end);
		if (p == NULL)
			return -1;
		n++;
	}
	return n;
}

/* The exp claim of a JWT (UTC seconds), or 0 when it cannot be read. */
static int64_t
jwt_exp(const char *jwt)
{
	const char *a = jwt ? strchr(jwt, '.') : NULL, *b;
	unsigned char raw[2048];
	size_t n = 0;
	json_t *j;
	int64_t exp = 0;
	if (a == NULL || (b = strchr(a + 1, '.')) == NULL)
		return 0;
	if (sodium_base642bin(raw, sizeof(raw) - 1, a + 1, (size_t)(b - a - 1),
	                      NULL, &n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return 0;
	j = json_loadb((const char *)raw, n, 0, NULL);
	if (json_is_integer(json_object_get(j, "exp")))
		exp = (int64_t)json_integer_value(json_object_get(j, "exp"));
	json_decref(j);
	return exp;
}

/* --- requests ---------------------------------------------------------- */

enum b_auth { B_NONE = 0, B_ACCESS, B_REFRESH };

/*
 * One XRPC call: nsid with an optional query (already escaped), an
 * optional body (JSON when ctype is NULL).  rs is the caller's
 * (fetch_resp_free it whatever the rc).
 */
static enum conn_rc
b_call(struct conn_ctx *ctx, const char *method, const char *nsid,
       const char *query, const char *ctype, const void *body, size_t blen,
       enum b_auth auth, struct fetch_resp *rs)
{
	struct fetch_req rq = {0};
	const char *tok = auth == B_ACCESS    ? conn_cred(ctx, "access_jwt")
	                  : auth == B_REFRESH ? conn_cred(ctx, "refresh_jwt")
	                                      : NULL;
	struct buf url, hauth, ct;
	enum conn_rc rc;
	size_t bl;
	int h = 0;

	memset(rs, 0, sizeof(*rs));
	if (ctx->base_url == NULL || *ctx->base_url == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "base_url",
		                 "the channel has no PDS URL");
	buf_init(&url, 8192);
	buf_init(&hauth, 8192);
	buf_init(&ct, 512);
	bl = strlen(ctx->base_url);
	while (bl > 0 && ctx->base_url[bl - 1] == '/')
		bl--;
	buf_add(&url, ctx->base_url, bl);
	buf_printf(&url, "/xrpc/%s", nsid);
	if (query && *query)
		buf_printf(&url, "?%s", query);
	rq.method = method;
	rq.url = buf_str(&url);
	rq.headers[h++] = "Accept: application/json";
	if (tok) {
		buf_printf(&hauth, "Authorization: Bearer %s", tok);
		rq.headers[h++] = buf_str(&hauth);
		rq.secrets[0] = tok;
	}
	if (body) {
		buf_printf(&ct, "Content-Type: %s",
		           ctype ? ctype : "application/json");
		rq.headers[h++] = buf_str(&ct);
	}
	rq.body = body;
	rq.body_len = blen;
	if (conn_cred(ctx, "app_password"))
		rq.secrets[1] = conn_cred(ctx, "app_password");
	if (url.overflow || hauth.overflow)
		rc = conn_fail(ctx, CONN_E_CONFIG, "too_long",
		               "request line or header too long");
	else
		rc = conn_request(ctx, &rq, rs);
	buf_cleanup(&url);
	buf_cleanup(&hauth);
	buf_cleanup(&ct);
	return rc;
}

/* Reads an XRPC error ({"error": Name, "message"}) into ctx->err. */
static int
b_classify(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	json_t *j;
	const char *e = NULL, *m = NULL;
	long st = rs->status;
	enum conn_rc rc;

	if (st < 400)
		return 0;
	j = json_loadb(rs->body, rs->len, 0, NULL);
	if (json_is_object(j)) {
		e = conn_jstr(j, "error");
		m = conn_jstr(j, "message");
	}
	if (st == 401 || (e && (strcmp(e, "ExpiredToken") == 0 ||
	                        strcmp(e, "InvalidToken") == 0 ||
	                        strcmp(e, "AuthenticationRequired") == 0 ||
	                        strcmp(e, "AccountTakedown") == 0 ||
	                        strcmp(e, "AuthFactorTokenRequired") == 0)))
		rc = CONN_E_AUTH;
	else if (st == 429 || (e && strcmp(e, "RateLimitExceeded") == 0))
		rc = CONN_E_RATELIMIT;
	else if (st == 404 || (e && (strcmp(e, "NotFound") == 0 ||
	                             strcmp(e, "RecordNotFound") == 0)))
		rc = CONN_E_NOTFOUND;
	else if (st >= 500)
		rc = CONN_E_NETWORK;
	else
		rc = CONN_E_PLATFORM;
	conn_fail(ctx, rc, e ? e : "", "%s",
	          m   ? m
	          : e ? e
	              : "the PDS answered with an error");
	if (m == NULL && e == NULL)
		conn_fail(ctx, rc, "", "HTTP %ld from the PDS", st);
	json_decref(j);
	return 1;
}

/* Keeps a session answer (createSession/refreshSession) in cred. */
static enum conn_rc
keep_session(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	json_t *j = conn_json(ctx, rs);
	if (j == NULL)
		return CONN_E_MALFORMED;
	if (!conn_jstr(j, "accessJwt") || !conn_jstr(j, "refreshJwt") ||
	    !conn_jstr(j, "did")) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "a session without its tokens");
	}
	json_object_set_new(ctx->cred, "access_jwt",
	                    json_string(conn_jstr(j, "accessJwt")));
	json_object_set_new(ctx->cred, "refresh_jwt",
	                    json_string(conn_jstr(j, "refreshJwt")));
	json_object_set_new(ctx->cred, "did", json_string(conn_jstr(j, "did")));
	ctx->cred_changed = 1;
	ctx->token_expires_at = jwt_exp(conn_jstr(j, "accessJwt"));
	conn_state_set(ctx, "did", conn_jstr(j, "did"));
	if (conn_jstr(j, "handle"))
		conn_state_set(ctx, "handle", conn_jstr(j, "handle"));
	json_decref(j);
	return CONN_OK;
}

/* createSession with the app password. */
static enum conn_rc
login(struct conn_ctx *ctx)
{
	const char *id = conn_cred(ctx, "identifier");
	const char *pw = conn_cred(ctx, "app_password");
	struct fetch_resp rs;
	json_t *b;
	char *body;
	enum conn_rc rc;
	if (id == NULL || pw == NULL)
		return conn_fail(ctx, CONN_E_AUTH, "no_password",
		                 "the channel has no identifier and app "
		                 "password to sign in with");
	b = json_pack("{s:s, s:s}", "identifier", id, "password", pw);
	body = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	rc = b_call(ctx, "POST", "com.atproto.server.createSession", NULL, NULL,
	            body, body ? strlen(body) : 0, B_NONE, &rs);
	if (rc == CONN_OK)
		rc = keep_session(ctx, &rs);
	fetch_resp_free(&rs);
	free(body);
	return rc;
}

/* refreshSession with the refresh JWT; on failure, createSession. */
static enum conn_rc
refresh(struct conn_ctx *ctx)
{
	struct fetch_resp rs;
	enum conn_rc rc = CONN_E_AUTH;
	if (conn_cred(ctx, "refresh_jwt")) {
		rc = b_call(ctx, "POST", "com.atproto.server.refreshSession",
		            NULL, NULL, NULL, 0, B_REFRESH, &rs);
		if (rc == CONN_OK)
			rc = keep_session(ctx, &rs);
		fetch_resp_free(&rs);
	}
	if (rc == CONN_E_AUTH || rc == CONN_E_PLATFORM)
		rc = login(ctx);
	return rc;
}

/* A call with the access JWT: signs in first when there is no session,
 * and refreshes once when the PDS says the token has expired. */
static enum conn_rc
b_authed(struct conn_ctx *ctx, const char *method, const char *nsid,
         const char *query, const char *ctype, const void *body, size_t blen,
         struct fetch_resp *rs)
{
	enum conn_rc rc;
	memset(rs, 0, sizeof(*rs));
	if (conn_cred(ctx, "access_jwt") == NULL &&
	    (rc = login(ctx)) != CONN_OK)
		return rc;
	rc = b_call(ctx, method, nsid, query, ctype, body, blen, B_ACCESS, rs);
	if (rc != CONN_E_AUTH || strcmp(ctx->err.code, "AccountTakedown") == 0)
		return rc;
	fetch_resp_free(rs);
	if ((rc = refresh(ctx)) != CONN_OK)
		return rc;
	return b_call(ctx, method, nsid, query, ctype, body, blen, B_ACCESS,
	              rs);
}

/* A JSON answer of an authed call (caller decrefs), or NULL with rc. */
static json_t *
b_json(struct conn_ctx *ctx, const char *method, const char *nsid,
       const char *query, json_t *in, enum conn_rc *rc)
{
	struct fetch_resp rs;
	char *body = in ? json_dumps(in, JSON_COMPACT) : NULL;
	json_t *j = NULL;
	*rc = b_authed(ctx, method, nsid, query, NULL, body,
	               body ? strlen(body) : 0, &rs);
	if (*rc == CONN_OK) {
		j = rs.len ? conn_json(ctx, &rs) : json_object();
		if (j == NULL)
			*rc = CONN_E_MALFORMED;
	}
	fetch_resp_free(&rs);
	free(body);
	return j;
}

/* --- items ------------------------------------------------------------- */

/* The post's images: the view's URLs when there is a view, else CDN URLs
 * built from the record's blobs; alt and MIME from the record. */
static void
post_media(json_t *post, json_t *record, struct item *it, char urls[][512])
{
	json_t *emb = json_object_get(record, "embed"), *view, *imgs, *vimgs;
	json_t *im;
	const char *t = conn_jstr(emb, "$type");
	const char *did = conn_jstr(json_object_get(post, "author"), "did");
	size_t i;
	if (t && strcmp(t, "app.bsky.embed.recordWithMedia") == 0)
		emb = json_object_get(emb, "media");
	imgs = json_object_get(emb, "images");
	view = json_object_get(post, "embed");
	if (conn_jstr(view, "$type") &&
	    strcmp(conn_jstr(view, "$type"),
	           "app.bsky.embed.recordWithMedia#view") == 0)
		view = json_object_get(view, "media");
	vimgs = json_object_get(view, "images");
	json_array_foreach(imgs, i, im)
	{
		struct item_media *m;
		json_t *blob = json_object_get(im, "image");
		const char *cid =
		    conn_jstr(json_object_get(blob, "ref"), "$link");
		if (it->nmedia >= ITEM_MAX_MEDIA)
			break;
		m = &it->media[it->nmedia];
		m->alt = json_string_value(json_object_get(im, "alt"));
		m->mime = conn_jstr(blob, "mimeType");
		m->url = conn_jstr(json_array_get(vimgs, i), "fullsize");
		if (m->url == NULL && did && cid) {
			snprintf(urls[it->nmedia], 512,
			         "https://cdn.bsky.app/img/feed_fullsize/plain/"
			         "%s/%s@jpeg",
			         did, cid);
			m->url = urls[it->nmedia];
		}
		it->nmedia++;
	}
}

/*
 * Emits one post (a postView, or a notification which has the same
 * uri/author/record).  raw is its span in the body (NULL: re-serialised).
 * Returns CONN_OK or CONN_E_PLATFORM when on_item stopped the cycle.
 */
static enum conn_rc
emit_post(struct conn_ctx *ctx, json_t *post, const struct jspan *raw,
          enum item_type type, const char *parent, const char *thread,
          json_t *seen)
{
	struct item it;
	json_t *author = json_object_get(post, "author");
	json_t *record = json_object_get(post, "record");
	json_t *reply = json_object_get(record, "reply");
	const char *me = conn_state(ctx, "did");
	char did[256], coll[128], rkey[128], url[800];
	char urls[ITEM_MAX_MEDIA][512];
	char *rawc;
	int stop;

	item_init(&it);
	it.id = conn_jstr(post, "uri");
	if (it.id == NULL || !json_is_object(record))
		return CONN_OK;
	if (seen && json_object_get(seen, it.id))
		return CONN_OK;
	it.type = type;
	it.parent_id = parent
	                   ? parent
	                   : conn_jstr(json_object_get(reply, "parent"), "uri");
	it.thread_id =
	    thread ? thread : conn_jstr(json_object_get(reply, "root"), "uri");
	it.author_id = conn_jstr(author, "did");
	it.author_handle = conn_jstr(author, "handle");
	it.author_name = conn_jstr(author, "displayName");
	it.inbound = !(me && it.author_id && strcmp(me, it.author_id) == 0);
	it.text = json_string_value(json_object_get(record, "text"));
	it.lang = json_string_value(
	    json_array_get(json_object_get(record, "langs"), 0));
	if (conn_jstr(record, "createdAt"))
		time_parse_web(conn_jstr(record, "createdAt"), &it.created_at);
	if (at_uri(it.id, did, sizeof(did), coll, sizeof(coll), rkey,
	           sizeof(rkey)) == 0) {
		snprintf(url, sizeof(url),
		         "https://bsky.app/profile/%s/post/%s",
		         it.author_handle ? it.author_handle : did, rkey);
		it.url = url;
	}
	post_media(post, record, &it, urls);
	it.likes = conn_jint(post, "likeCount");
	it.replies = conn_jint(post, "replyCount");
	it.shares = conn_jint(post, "repostCount");
	rawc = raw ? jspan_dup(raw)
	           : json_dumps(post, JSON_COMPACT | JSON_PRESERVE_ORDER);
	it.raw = rawc;
	stop = conn_emit(ctx, &it);
	if (seen)
		json_object_set_new(seen, it.id, json_true());
	free(rawc);
	if (stop)
		return conn_fail(ctx, CONN_E_PLATFORM, "stopped",
		                 "the caller stopped the cycle");
	return CONN_OK;
}

/* Seconds of an indexedAt, 0 when absent or unreadable. */
static int64_t
indexed_at(json_t *o)
{
	int64_t t = 0;
	if (conn_jstr(o, "indexedAt") == NULL ||
	    time_parse_web(conn_jstr(o, "indexedAt"), &t) != 0)
		return 0;
	return t;
}

/* Walks the replies of node (a threadViewPost and its span) below root. */
static enum conn_rc
walk_thread(struct conn_ctx *ctx, json_t *node, const struct jspan *sp,
            const char *root, int depth, json_t *seen, json_t *kids)
{
	json_t *reps = json_object_get(node, "replies"), *r;
	struct jspan arr, el, psp;
	int have = sp && jspan_key(sp, "replies", &arr) == 1;
	size_t i, pos = 0;
	if (depth > B_DEPTH + 2)
		return CONN_OK;
	json_array_foreach(reps, i, r)
	{
		json_t *post = json_object_get(r, "post");
		const char *t = conn_jstr(r, "$type");
		const struct jspan *raw = NULL;
		enum conn_rc rc;
		if (have && jspan_next(&arr, &pos, &el) == 1)
			raw = jspan_key(&el, "post", &psp) == 1 ? &psp : NULL;
		else
			have = 0;
		if (!json_is_object(post) ||
		    (t && strcmp(t, "app.bsky.feed.defs#threadViewPost") != 0))
			continue;
		if (depth == 0 && kids && conn_jstr(post, "uri"))
			json_array_append_new(
			    kids, json_string(conn_jstr(post, "uri")));
		rc = emit_post(ctx, post, raw,
		               depth == 0 ? ITEM_COMMENT : ITEM_REPLY, NULL,
		               root, seen);
		if (rc == CONN_OK)
			rc = walk_thread(ctx, r, have ? &el : NULL, root,
			                 depth + 1, seen, NULL);
		if (rc != CONN_OK)
			return rc;
	}
	return CONN_OK;
}

static enum conn_rc
parse_thread(struct conn_ctx *ctx, json_t *j, const struct jspan *root,
             json_t *seen)
{
	json_t *th = json_object_get(j, "thread"), *post, *kids;
	struct jspan tsp, psp;
	int have = root && jspan_key(root, "thread", &tsp) == 1;
	const char *uri;
	const char **ids;
	enum conn_rc rc;
	size_t i, n;
	post = json_object_get(th, "post");
	uri = conn_jstr(post, "uri");
	if (!json_is_object(th) || uri == NULL)
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "a thread without its post");
	rc = emit_post(ctx, post,
	               have && jspan_key(&tsp, "post", &psp) == 1 ? &psp : NULL,
	               json_object_get(json_object_get(post, "record"), "reply")
	                   ? ITEM_REPLY
	                   : ITEM_POST,
	               NULL, NULL, seen);
	if (rc != CONN_OK)
		return rc;
	kids = json_array();
	rc = walk_thread(ctx, th, have ? &tsp : NULL, uri, 0, seen, kids);
	n = json_array_size(kids);
	ids = calloc(n + 1, sizeof(*ids));
	if (rc == CONN_OK && ids) {
		for (i = 0; i < n; i++)
			ids[i] = json_string_value(json_array_get(kids, i));
		if (conn_emit_listing(ctx, uri, ids, (int)n) != 0)
			rc = conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			               "the caller stopped the cycle");
	}
	free(ids);
	json_decref(kids);
	return rc;
}

enum conn_rc
bluesky_parse(struct conn_ctx *ctx, enum bluesky_body kind, const char *body,
              size_t len, json_t *seen, struct bluesky_page *pg)
{
	struct fetch_resp fake = {0};
	struct jspan root, arr, el, sub;
	json_t *j, *list, *e;
	const char *me = conn_state(ctx, "did");
	int have;
	size_t i, pos = 0;
	enum conn_rc rc = CONN_OK;

	pg->n = 0;
	pg->cursor[0] = 0;
	pg->reached = 0;
	fake.body = (char *)(uintptr_t)body;
	fake.len = len;
	j = conn_json(ctx, &fake);
	if (j == NULL)
		return CONN_E_MALFORMED;
	have = jspan_root(body, len, &root) == 0;
	if (!json_is_object(j)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "the PDS sent no object");
	}
	if (kind == BLUESKY_THREAD) {
		rc = parse_thread(ctx, j, have ? &root : NULL, seen);
		json_decref(j);
		return rc;
	}
	list =
	    json_object_get(j, kind == BLUESKY_FEED ? "feed" : "notifications");
	if (!json_is_array(list)) {
		json_decref(j);
		return conn_fail(
		    ctx, CONN_E_MALFORMED, "shape", "the PDS sent no %s list",
		    kind == BLUESKY_FEED ? "feed" : "notification");
	}
	if (conn_jstr(j, "cursor") &&
	    strlen(conn_jstr(j, "cursor")) < sizeof(pg->cursor))
		memcpy(pg->cursor, conn_jstr(j, "cursor"),
		       strlen(conn_jstr(j, "cursor")) + 1);
	have = have &&
	       jspan_key(&root, kind == BLUESKY_FEED ? "feed" : "notifications",
	                 &arr) == 1;
	json_array_foreach(list, i, e)
	{
		const struct jspan *raw = NULL;
		json_t *post = e, *reason;
		enum item_type type;
		int64_t t;
		if (have && jspan_next(&arr, &pos, &el) == 1)
			raw = &el;
		else
			have = 0;
		if (!json_is_object(e))
			continue;
		pg->n++;
		if (kind == BLUESKY_FEED) {
			reason = json_object_get(e, "reason");
			post = json_object_get(e, "post");
			t = indexed_at(json_is_object(reason) ? reason : post);
		} else {
			reason = NULL;
			t = indexed_at(e);
		}
		if (t > pg->newest)
			pg->newest = t;
		if (kind == BLUESKY_FEED) {
			json_t *rec = json_object_get(post, "record");
			const char *who =
			    conn_jstr(json_object_get(post, "author"), "did");
			/* a repost (or pin) is not our post; others' posts in
			 * our feed are reposts too */
			if (json_is_object(reason) || !json_is_object(post) ||
			    me == NULL || who == NULL || strcmp(who, me) != 0) {
				if (pg->since && t && t < pg->since)
					pg->reached = 1;
				continue;
			}
			type = json_object_get(rec, "reply") ? ITEM_REPLY
			                                     : ITEM_POST;
			/* threads are read for recent posts, old or new */
			if (type == ITEM_POST && pg->posts &&
			    conn_jstr(post, "uri"))
				json_array_append_new(
				    pg->posts,
				    json_pack("{s:s, s:I}", "uri",
				              conn_jstr(post, "uri"), "replies",
				              (json_int_t)conn_jint(
				                  post, "replyCount")));
			if (pg->since && t && t < pg->since) {
				pg->reached = 1;
				continue;
			}
			if (raw && jspan_key(raw, "post", &sub) == 1)
				raw = &sub;
			else
				raw = NULL;
		} else {
			const char *why = conn_jstr(e, "reason");
			if (pg->since && t && t < pg->since) {
				pg->reached = 1;
				continue;
			}
			json_t *rep = json_object_get(
			    json_object_get(e, "record"), "reply");
			const char *par =
			    conn_jstr(json_object_get(rep, "parent"), "uri");
			const char *rt =
			    conn_jstr(json_object_get(rep, "root"), "uri");
			if (why == NULL)
				continue;
			if (strcmp(why, "reply") == 0)
				type = par && rt && strcmp(par, rt) == 0
				           ? ITEM_COMMENT
				           : ITEM_REPLY;
			else if (strcmp(why, "mention") == 0 ||
			         strcmp(why, "quote") == 0)
				type = ITEM_MENTION;
			else
				continue;
		}
		rc = emit_post(ctx, post, raw, type, NULL, NULL, seen);
		if (rc != CONN_OK)
			break;
	}
	json_decref(j);
	return rc;
}

/* --- operations -------------------------------------------------------- */

static enum conn_rc
b_check_auth(struct conn_ctx *ctx)
{
	enum conn_rc rc;
	json_t *j = b_json(ctx, "GET", "com.atproto.server.getSession", NULL,
	                   NULL, &rc);
	if (j == NULL)
		return rc;
	if (conn_jstr(j, "did") == NULL) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "getSession without a did");
	}
	conn_state_set(ctx, "did", conn_jstr(j, "did"));
	if (conn_jstr(j, "handle"))
		conn_state_set(ctx, "handle", conn_jstr(j, "handle"));
	if (ctx->token_expires_at == 0)
		ctx->token_expires_at = jwt_exp(conn_cred(ctx, "access_jwt"));
	json_decref(j);
	return CONN_OK;
}

/* Our DID: state, cred, or check_auth.  NULL with ctx->err set. */
static const char *
our_did(struct conn_ctx *ctx)
{
	if (conn_state(ctx, "did") == NULL && conn_cred(ctx, "did"))
		conn_state_set(ctx, "did", conn_cred(ctx, "did"));
	/* no session yet: signing in tells the DID */
	if (conn_state(ctx, "did") == NULL &&
	    conn_cred(ctx, "access_jwt") == NULL && login(ctx) != CONN_OK)
		return NULL;
	if (conn_state(ctx, "did") == NULL && b_check_auth(ctx) != CONN_OK)
		return NULL;
	return conn_state(ctx, "did");
}

/*
 * Reads a newest-first cursor listing back to the time kept in state under
 * key (UTC seconds); moves that time only when the listing was read to
 * its end (or, on the first run, after max_pages).
 */
static enum conn_rc
b_paged(struct conn_ctx *ctx, enum bluesky_body kind, const char *nsid,
        const char *q0, const char *key, json_t *seen, json_t *posts)
{
	struct bluesky_page pg = {0};
	char cursor[512] = "", esc[1600];
	int64_t newest = 0;
	int page, complete = 0;
	if (conn_state(ctx, key))
		parse_i64(conn_state(ctx, key), &pg.since);
	for (page = 0; page < ctx->max_pages; page++) {
		struct fetch_resp rs;
		struct buf q;
		enum conn_rc rc;
		buf_init(&q, 4096);
		buf_printf(&q, "%s&limit=" B_PAGE_LIMIT, q0);
		if (cursor[0] && url_escape(cursor, esc, sizeof(esc)))
			buf_printf(&q, "&cursor=%s", esc);
		rc =
		    b_authed(ctx, "GET", nsid, buf_str(&q), NULL, NULL, 0, &rs);
		buf_cleanup(&q);
		if (rc == CONN_OK) {
			pg.posts = posts;
			rc = bluesky_parse(ctx, kind, rs.body, rs.len, seen,
			                   &pg);
		}
		fetch_resp_free(&rs);
		if (rc != CONN_OK)
			return rc;
		if (pg.newest > newest)
			newest = pg.newest;
		if (pg.reached || pg.n == 0 || pg.cursor[0] == 0 ||
		    strcmp(pg.cursor, cursor) == 0) {
			complete = 1;
			break;
		}
		memcpy(cursor, pg.cursor, sizeof(cursor));
	}
	if ((complete || pg.since == 0) && newest > pg.since) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", (long long)newest);
		conn_state_set(ctx, key, v);
	}
	return CONN_OK;
}

/* The threads of our recent posts; posts without replies get an empty
 * listing without a call. */
static enum conn_rc
threads(struct conn_ctx *ctx, json_t *posts, json_t *seen)
{
	json_t *p;
	size_t i;
	json_array_foreach(posts, i, p)
	{
		const char *uri = conn_jstr(p, "uri");
		char esc[1200], q[1300];
		struct fetch_resp rs;
		struct bluesky_page pg = {0};
		enum conn_rc rc;
		if (i >= B_WATCH)
			break;
		if (conn_jint(p, "replies") == 0) {
			if (conn_emit_listing(ctx, uri, NULL, 0) != 0)
				return conn_fail(
				    ctx, CONN_E_PLATFORM, "stopped",
				    "the caller stopped the cycle");
			continue;
		}
		if (url_escape(uri, esc, sizeof(esc)) == NULL)
			continue;
		snprintf(q, sizeof(q), "uri=%s&depth=%d&parentHeight=0", esc,
		         B_DEPTH);
		rc = b_authed(ctx, "GET", "app.bsky.feed.getPostThread", q,
		              NULL, NULL, 0, &rs);
		if (rc == CONN_OK)
			rc = bluesky_parse(ctx, BLUESKY_THREAD, rs.body, rs.len,
			                   seen, &pg);
		fetch_resp_free(&rs);
		if (rc == CONN_E_NOTFOUND) {
			struct item it;
			item_init(&it);
			it.id = uri;
			it.inbound = 0;
			it.deleted = 1;
			if (conn_emit(ctx, &it) != 0)
				return conn_fail(
				    ctx, CONN_E_PLATFORM, "stopped",
				    "the caller stopped the cycle");
			continue;
		}
		if (rc != CONN_OK)
			return rc;
	}
	return CONN_OK;
}

static enum conn_rc
b_sync(struct conn_ctx *ctx)
{
	const char *me = our_did(ctx);
	json_t *seen, *posts;
	char esc[600], q[700];
	enum conn_rc rc;
	if (me == NULL)
		return ctx->err.rc ? ctx->err.rc : CONN_E_AUTH;
	if (url_escape(me, esc, sizeof(esc)) == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "did", "a DID too long");
	snprintf(q, sizeof(q), "actor=%s&filter=posts_with_replies", esc);
	seen = json_object();
	posts = json_array();
	rc = b_paged(ctx, BLUESKY_FEED, "app.bsky.feed.getAuthorFeed", q,
	             "feed_since", seen, posts);
	if (rc == CONN_OK)
		rc = threads(ctx, posts, seen);
	if (rc == CONN_OK)
		rc = b_paged(ctx, BLUESKY_NOTIFICATIONS,
		             "app.bsky.notification.listNotifications",
		             "reasons=mention&reasons=reply&reasons=quote",
		             "notif_since", seen, NULL);
	json_decref(posts);
	json_decref(seen);
	return rc;
}

/* The post at uri as app.bsky.feed.getPosts shows it (caller decrefs). */
static json_t *
get_post(struct conn_ctx *ctx, const char *uri, enum conn_rc *rc)
{
	char esc[1200], q[1300];
	json_t *j, *p;
	if (url_escape(uri, esc, sizeof(esc)) == NULL) {
		*rc = conn_fail(ctx, CONN_E_NOTFOUND, "bad_uri",
		                "not an at:// URI");
		return NULL;
	}
	snprintf(q, sizeof(q), "uris=%s", esc);
	j = b_json(ctx, "GET", "app.bsky.feed.getPosts", q, NULL, rc);
	if (j == NULL)
		return NULL;
	p = json_array_get(json_object_get(j, "posts"), 0);
	if (!json_is_object(p) || !conn_jstr(p, "uri") ||
	    !conn_jstr(p, "cid")) {
		json_decref(j);
		*rc = conn_fail(ctx, CONN_E_NOTFOUND, "NotFound",
		                "the post %.300s is not there (deleted or "
		                "blocked)",
		                uri);
		return NULL;
	}
	json_incref(p);
	json_decref(j);
	return p;
}

/* Now as an AT Protocol datetime ("2026-08-01T12:00:00.000Z"). */
static void
now_iso(char out[32])
{
	char t[32];
	time_fmt_iso(time_now(), t);
	/* time_fmt_iso gives "…:SSZ"; the lexicon likes milliseconds */
	if (strlen(t) == 20 && t[19] == 'Z')
		snprintf(out, 32, "%.19s.000Z", t);
	else
		snprintf(out, 32, "%s", t);
}

/* createRecord of a post record; the result's id is the at:// URI. */
static enum conn_rc
create_post(struct conn_ctx *ctx, json_t *record, struct conn_result *out)
{
	enum conn_rc rc;
	char did[256], coll[128], rkey[128];
	json_t *in =
	    json_pack("{s:s, s:s, s:O}", "repo", conn_state(ctx, "did"),
	              "collection", B_POST, "record", record);
	json_t *j =
	    b_json(ctx, "POST", "com.atproto.repo.createRecord", NULL, in, &rc);
	json_decref(in);
	if (j == NULL)
		return rc;
	if (conn_jstr(j, "uri") == NULL ||
	    at_uri(conn_jstr(j, "uri"), did, sizeof(did), coll, sizeof(coll),
	           rkey, sizeof(rkey)) != 0) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "createRecord without a record URI");
	}
	if (out) {
		const char *h = conn_state(ctx, "handle");
		snprintf(out->id, sizeof(out->id), "%s", conn_jstr(j, "uri"));
		snprintf(out->url, sizeof(out->url),
		         "https://bsky.app/profile/%s/post/%s", h ? h : did,
		         rkey);
	}
	json_decref(j);
	return CONN_OK;
}

/* Refuses text Bluesky would refuse: more than 300 graphemes. */
static enum conn_rc
check_text(struct conn_ctx *ctx, const char *text)
{
	long g = bluesky_graphemes(text);
	if (g < 0)
		return conn_fail(ctx, CONN_E_PLATFORM, "invalid_text",
		                 "the text is not valid UTF-8");
	if (g > B_MAX_TEXT || strlen(text) > B_MAX_BYTES)
		return conn_fail(
		    ctx, CONN_E_PLATFORM, "too_long",
		    "Bluesky takes at most %d characters per post; "
		    "this text has %ld",
		    B_MAX_TEXT, g);
	return CONN_OK;
}

static enum conn_rc
b_reply(struct conn_ctx *ctx, const char *parent_id, const char *text,
        struct conn_result *out)
{
	enum conn_rc rc;
	json_t *par, *root, *rec;
	char now[32];
	if (our_did(ctx) == NULL)
		return ctx->err.rc ? ctx->err.rc : CONN_E_AUTH;
	if ((rc = check_text(ctx, text)) != CONN_OK)
		return rc;
	par = get_post(ctx, parent_id, &rc);
	if (par == NULL)
		return rc;
	root = json_object_get(
	    json_object_get(json_object_get(par, "record"), "reply"), "root");
	if (!conn_jstr(root, "uri") || !conn_jstr(root, "cid"))
		root = NULL;
	now_iso(now);
	rec = json_pack(
	    "{s:s, s:s, s:s, s:{s:{s:s, s:s}, s:{s:s, s:s}}}", "$type", B_POST,
	    "text", text, "createdAt", now, "reply", "root", "uri",
	    root ? conn_jstr(root, "uri") : conn_jstr(par, "uri"), "cid",
	    root ? conn_jstr(root, "cid") : conn_jstr(par, "cid"), "parent",
	    "uri", conn_jstr(par, "uri"), "cid", conn_jstr(par, "cid"));
	json_decref(par);
	if (rec == NULL)
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "could not build the reply");
	rc = create_post(ctx, rec, out);
	json_decref(rec);
	return rc;
}

/* Puts uri into (hide) or out of (unhide) the thread gate of root. */
static enum conn_rc
gate(struct conn_ctx *ctx, const char *root, const char *uri, int hide)
{
	char did[256], coll[128], rkey[128], q[700], now[32];
	json_t *cur, *rec, *hidden, *v, *in, *res;
	enum conn_rc rc;
	size_t i;
	at_uri(root, did, sizeof(did), coll, sizeof(coll), rkey, sizeof(rkey));
	snprintf(q, sizeof(q), "repo=%s&collection=" B_GATE "&rkey=%s",
	         conn_state(ctx, "did"), rkey);
	cur = b_json(ctx, "GET", "com.atproto.repo.getRecord", q, NULL, &rc);
	if (cur == NULL && rc != CONN_E_NOTFOUND)
		return rc;
	rec = cur && json_is_object(json_object_get(cur, "value"))
	          ? json_deep_copy(json_object_get(cur, "value"))
	          : NULL;
	json_decref(cur);
	if (rec == NULL) {
		if (!hide)
			return CONN_OK; /* no gate: nothing is hidden */
		now_iso(now);
		rec = json_pack("{s:s, s:s, s:s}", "$type", B_GATE, "post",
		                root, "createdAt", now);
	}
	hidden = json_object_get(rec, "hiddenReplies");
	if (!json_is_array(hidden)) {
		hidden = json_array();
		json_object_set_new(rec, "hiddenReplies", hidden);
	}
	for (i = json_array_size(hidden); i-- > 0;) {
		v = json_array_get(hidden, i);
		if (json_string_value(v) &&
		    strcmp(json_string_value(v), uri) == 0)
			json_array_remove(hidden, i);
	}
	if (hide) {
		if (json_array_size(hidden) >= 300) {
			json_decref(rec);
			return conn_fail(
			    ctx, CONN_E_PLATFORM, "too_many_hidden",
			    "Bluesky hides at most 300 replies per "
			    "thread");
		}
		json_array_append_new(hidden, json_string(uri));
	}
	in = json_pack("{s:s, s:s, s:s, s:O}", "repo", conn_state(ctx, "did"),
	               "collection", B_GATE, "rkey", rkey, "record", rec);
	json_decref(rec);
	res = b_json(ctx, "POST", "com.atproto.repo.putRecord", NULL, in, &rc);
	json_decref(in);
	json_decref(res);
	return rc;
}

static enum conn_rc
b_moderate(struct conn_ctx *ctx, const char *item_id, enum conn_mod what)
{
	char did[256], coll[128], rkey[128];
	const char *me = our_did(ctx);
	enum conn_rc rc;
	json_t *post, *in, *res;
	char *root;
	if (me == NULL)
		return ctx->err.rc ? ctx->err.rc : CONN_E_AUTH;
	if (at_uri(item_id, did, sizeof(did), coll, sizeof(coll), rkey,
	           sizeof(rkey)) != 0)
		return conn_fail(ctx, CONN_E_NOTFOUND, "bad_uri",
		                 "not an at:// record URI: %.300s", item_id);
	if (what == MOD_DELETE) {
		if (strcmp(did, me) != 0)
			return conn_fail(
			    ctx, CONN_E_UNSUPPORTED, "not_own",
			    "Bluesky lets an account delete only its "
			    "own records; hide the reply instead (or "
			    "block or report its author)");
		in = json_pack("{s:s, s:s, s:s}", "repo", me, "collection",
		               coll, "rkey", rkey);
		res = b_json(ctx, "POST", "com.atproto.repo.deleteRecord", NULL,
		             in, &rc);
		json_decref(in);
		json_decref(res);
		return rc;
	}
	post = get_post(ctx, item_id, &rc);
	if (post == NULL)
		return rc;
	{
		json_t *rep =
		    json_object_get(json_object_get(post, "record"), "reply");
		const char *r = conn_jstr(json_object_get(rep, "root"), "uri");
		root = r ? strdup(r) : NULL;
	}
	json_decref(post);
	if (root == NULL)
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "not_reply",
		                 "Bluesky can hide replies only, and this is a "
		                 "top-level post");
	if (at_uri(root, did, sizeof(did), coll, sizeof(coll), rkey,
	           sizeof(rkey)) != 0 ||
	    strcmp(did, me) != 0) {
		free(root);
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "not_own_thread",
		                 "Bluesky lets only the author of a thread's "
		                 "first post hide replies in it");
	}
	rc = gate(ctx, root, item_id, what == MOD_HIDE);
	free(root);
	return rc;
}

/* uploadBlob of one image; the blob object (caller decrefs) or NULL. */
static json_t *
upload(struct conn_ctx *ctx, const struct item_media *m, enum conn_rc *rc)
{
	struct buf file;
	struct fetch_resp rs;
	char chunk[65536];
	size_t n;
	FILE *f;
	json_t *j, *blob = NULL;
	if (m->path == NULL || (f = fopen(m->path, "rb")) == NULL) {
		*rc = conn_fail(ctx, CONN_E_CONFIG, "media_file",
		                "cannot read %s: %s",
		                m->path ? m->path : "(none)",
		                m->path ? strerror(errno) : "no file");
		return NULL;
	}
	buf_init(&file, B_IMAGE_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&file, chunk, n);
	fclose(f);
	if (file.overflow) {
		buf_cleanup(&file);
		*rc = conn_fail(ctx, CONN_E_PLATFORM, "media_too_large",
		                "Bluesky takes images up to %u bytes",
		                B_IMAGE_MAX);
		return NULL;
	}
	*rc = b_authed(ctx, "POST", "com.atproto.repo.uploadBlob", NULL,
	               m->mime ? m->mime : "application/octet-stream",
	               file.p ? file.p : "", file.len, &rs);
	buf_cleanup(&file);
	if (*rc == CONN_OK) {
		j = conn_json(ctx, &rs);
		if (j && json_is_object(json_object_get(j, "blob"))) {
			blob = json_object_get(j, "blob");
			json_incref(blob);
		} else {
			*rc = j ? conn_fail(ctx, CONN_E_MALFORMED, "shape",
			                    "uploadBlob without a blob")
			        : CONN_E_MALFORMED;
		}
		json_decref(j);
	}
	fetch_resp_free(&rs);
	return blob;
}

static enum conn_rc
b_publish(struct conn_ctx *ctx, const struct conn_post *p,
          struct conn_result *out)
{
	enum conn_rc rc;
	json_t *rec, *imgs = NULL;
	struct buf text;
	char now[32];
	if (p->nmedia > B_MAX_IMAGES)
		return conn_fail(ctx, CONN_E_PLATFORM, "too_many_media",
		                 "Bluesky takes at most %d images per post",
		                 B_MAX_IMAGES);
	for (int i = 0; i < p->nmedia; i++) {
		if (p->media[i].alt == NULL || *p->media[i].alt == 0)
			return conn_fail(ctx, CONN_E_PLATFORM, "alt_required",
			                 "every image needs an alt text");
		if (p->media[i].mime && strncmp(p->media[i].mime, "image/", 6))
			return conn_fail(ctx, CONN_E_UNSUPPORTED, "media_type",
			                 "this connector posts images only");
	}
	buf_init(&text, 64 * 1024);
	buf_adds(&text, p->text ? p->text : "");
	if (p->link && *p->link)
		buf_printf(&text, "%s%s", text.len ? "\n\n" : "", p->link);
	if ((rc = check_text(ctx, buf_str(&text))) != CONN_OK ||
	    our_did(ctx) == NULL) {
		buf_cleanup(&text);
		return rc != CONN_OK ? rc : ctx->err.rc;
	}
	if (p->nmedia > 0)
		imgs = json_array();
	for (int i = 0; i < p->nmedia; i++) {
		json_t *blob = upload(ctx, &p->media[i], &rc);
		if (blob == NULL) {
			json_decref(imgs);
			buf_cleanup(&text);
			return rc;
		}
		json_array_append_new(imgs, json_pack("{s:s, s:o}", "alt",
		                                      p->media[i].alt, "image",
		                                      blob));
	}
	now_iso(now);
	rec = json_pack("{s:s, s:s, s:s}", "$type", B_POST, "text",
	                buf_str(&text), "createdAt", now);
	buf_cleanup(&text);
	if (p->lang)
		json_object_set_new(rec, "langs", json_pack("[s]", p->lang));
	if (imgs)
		json_object_set_new(rec, "embed",
		                    json_pack("{s:s, s:o}", "$type",
		                              "app.bsky.embed.images", "images",
		                              imgs));
	if (p->reply_to) {
		json_decref(rec);
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "reply_media",
		                 "publish a reply through reply()");
	}
	rc = create_post(ctx, rec, out);
	json_decref(rec);
	return rc;
}

static enum conn_rc
b_metrics(struct conn_ctx *ctx)
{
	const char *me = our_did(ctx);
	char esc[600], q[700];
	enum conn_rc rc;
	json_t *prof, *feed, *fi;
	size_t i;
	if (me == NULL)
		return ctx->err.rc ? ctx->err.rc : CONN_E_AUTH;
	if (url_escape(me, esc, sizeof(esc)) == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "did", "a DID too long");
	snprintf(q, sizeof(q), "actor=%s", esc);
	prof = b_json(ctx, "GET", "app.bsky.actor.getProfile", q, NULL, &rc);
	if (prof == NULL)
		return rc;
	if ((conn_jint(prof, "followersCount") >= 0 &&
	     conn_emit_metric(ctx, NULL, METRIC_FOLLOWERS,
	                      (double)conn_jint(prof, "followersCount"),
	                      ctx->now)) ||
	    (conn_jint(prof, "postsCount") >= 0 &&
	     conn_emit_metric(ctx, NULL, METRIC_POSTS,
	                      (double)conn_jint(prof, "postsCount"),
	                      ctx->now))) {
		json_decref(prof);
		return conn_fail(ctx, CONN_E_PLATFORM, "stopped",
		                 "the caller stopped the cycle");
	}
	json_decref(prof);
	snprintf(q, sizeof(q),
	         "actor=%s&filter=posts_no_replies&limit=" B_PAGE_LIMIT, esc);
	feed = b_json(ctx, "GET", "app.bsky.feed.getAuthorFeed", q, NULL, &rc);
	if (feed == NULL)
		return rc;
	json_array_foreach(json_object_get(feed, "feed"), i, fi)
	{
		json_t *post = json_object_get(fi, "post");
		const char *uri = conn_jstr(post, "uri");
		const char *who =
		    conn_jstr(json_object_get(post, "author"), "did");
		static const struct {
			const char *key, *metric;
		} m[] = {{"likeCount", METRIC_REACTIONS},
		         {"repostCount", METRIC_SHARES},
		         {"replyCount", METRIC_COMMENTS},
		         {"quoteCount", "quotes"}};
		if (uri == NULL || who == NULL || strcmp(who, me) != 0 ||
		    json_object_get(fi, "reason"))
			continue;
		for (size_t k = 0; k < sizeof(m) / sizeof(m[0]); k++)
			if (conn_jint(post, m[k].key) >= 0 &&
			    conn_emit_metric(ctx, uri, m[k].metric,
			                     (double)conn_jint(post, m[k].key),
			                     ctx->now)) {
				json_decref(feed);
				return conn_fail(
				    ctx, CONN_E_PLATFORM, "stopped",
				    "the caller stopped the cycle");
			}
	}
	json_decref(feed);
	return CONN_OK;
}

const struct connector conn_bluesky = {
    .platform = "bluesky",
    .label = "Bluesky",
    .default_base = "https://bsky.social",
    .poll_interval = 180,
    .caps = CAP_OWN_POSTS | CAP_COMMENTS | CAP_MENTIONS | CAP_REPLY | CAP_HIDE |
            CAP_PUBLISH | CAP_PUBLISH_MEDIA | CAP_METRICS | CAP_REFRESH,
    .note = "Bluesky can hide replies only in threads the account started "
            "(the thread gate), and an account can delete only its own "
            "posts. Direct messages are not read. Posts are at most 300 "
            "characters with up to 4 images, each with alt text. There "
            "are no view counts.",
    .check_auth = b_check_auth,
    .sync = b_sync,
    .reply = b_reply,
    .moderate = b_moderate,
    .publish = b_publish,
    .metrics = b_metrics,
    .classify = b_classify,
};
