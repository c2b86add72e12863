/*
 * vimeo.c - the Vimeo connector (API 3.4) for one user's videos.
 *
 * Every call carries "Authorization: bearer <token>" and "Accept:
 * application/vnd.vimeo.*+json;version=3.4".  The account is config
 * "account": "me" (default) or a numeric user id.
 *
 *   sync     GET {user}/videos?per_page&page      (all pages, paging.next)
 *            GET /videos/{id}/comments             (videos with comments)
 *            GET /videos/{id}/comments/{c}/replies (comments with replies)
 *   reply    POST /videos/{id}/comments, or …/comments/{c}/replies
 *   moderate DELETE /videos/{id}/comments/{c} (the owner may delete the
 *            comments on their videos; Vimeo has no hide)
 *   publish  POST {user}/videos {upload:{approach:"tus",size}} then PATCH
 *            the bytes to upload.upload_link (tus 1.0.0), resuming from
 *            the server's Upload-Offset (HEAD) after a failure
 *   metrics  GET {user} (followers, videos) and the videos' stats.plays,
 *            comments and likes
 *
 * Ids are Vimeo's own URIs ("/videos/123", "/videos/123/comments/456"):
 * they name the video a comment belongs to, which reply and moderate need.
 * A listing is read to its end through paging.next (a path, only ever
 * joined to base_url) and reported through conn_emit_listing only then;
 * every run reads the listings again, so nothing a failed run missed is
 * lost, and an id is emitted once per run.
 *
 * Rate limits come as X-RateLimit-Limit/Remaining/Reset (Reset an ISO
 * date), read by conn_request; errors as {"error","developer_message",
 * "error_code"}.  Vimeo tokens do not expire and cannot be refreshed: an
 * invalid token (HTTP 401, error codes 8000/8001/8003) is CONN_E_AUTH.
 */
#include "vimeo.h"
#include "jutil.h"
#include "../base/buf.h"
#include "../base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VM_ACCEPT  "Accept: application/vnd.vimeo.*+json;version=3.4"
#define VM_PAGE    50 /* per_page (Vimeo max 100) */
#define VM_THREADS 50 /* videos whose comments one cycle reads */
#define VM_URL     4096
#define VM_TOK     1024
#define VM_CHUNK   (16 << 20) /* bytes per tus PATCH */
#define VM_VIDEO_FIELDS                                                        \
	"uri,name,description,link,created_time,modified_time,"                \
	"release_time,status,user.uri,user.name,user.link,stats.plays,"        \
	"metadata.connections.comments.total,"                                 \
	"metadata.connections.likes.total"

/* One operation's view of the channel. */
struct vm {
	struct conn_ctx *ctx;
	char user[128]; /* "/me" or "/users/123" */
	char tok[VM_TOK];
	char auth[VM_TOK + 32];
	int complete; /* the last vm_list read its collection to the end */
};

/* --- JSON helpers ------------------------------------------------------ */

static const char *
js(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t
ji(const json_t *o, const char *k, int64_t dflt)
{
	const json_t *v = json_object_get(o, k);
	int64_t n;
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_string(v) && parse_i64(json_string_value(v), &n) == 0)
		return n;
	return dflt;
}

/* metadata.connections.<name>.total, or -1. */
static int64_t
vm_conn_total(const json_t *e, const char *name)
{
	const json_t *c =
	    json_object_get(json_object_get(e, "metadata"), "connections");
	return ji(json_object_get(c, name), "total", -1);
}

static int64_t
vm_time(const char *s)
{
	int64_t t;
	return s && time_parse_web(s, &t) == 0 ? t : 0;
}

/* --- errors ------------------------------------------------------------ */

static int
vm_classify(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	json_t *j;
	const char *msg = NULL;
	char code[32] = "";
	int64_t ec = -1;
	enum conn_rc rc;

	if (rs->status < 400)
		return 0;
	j = json_loadb(rs->body, rs->len, 0, NULL);
	if (json_is_object(j)) {
		msg = js(j, "developer_message");
		if (msg == NULL)
			msg = js(j, "error");
		ec = ji(j, "error_code", -1);
		if (ec >= 0)
			snprintf(code, sizeof(code), "%lld", (long long)ec);
	}
	if (rs->status == 401 || ec == 8000 || ec == 8001 || ec == 8003)
		rc = CONN_E_AUTH;
	else if (rs->status == 429 || ec == 9000)
		rc = CONN_E_RATELIMIT;
	else if (rs->status == 404)
		rc = CONN_E_NOTFOUND;
	else if (rs->status >= 500)
		rc = CONN_E_NETWORK;
	else
		rc = CONN_E_PLATFORM;
	conn_fail(ctx, rc, code, "Vimeo: %s (HTTP %ld)",
	          msg ? msg : "error without a message", rs->status);
	json_decref(j);
	return 1;
}

/* --- requests ---------------------------------------------------------- */

static enum conn_rc
vm_open(struct conn_ctx *ctx, struct vm *V)
{
	const char *tok = conn_cred(ctx, "access_token");
	const char *acct = conn_cfg(ctx, "account");
	int64_t id;

	memset(V, 0, sizeof(*V));
	V->ctx = ctx;
	if (tok == NULL || strlen(tok) >= sizeof(V->tok))
		return conn_fail(ctx, CONN_E_AUTH, "no_token",
		                 "no Vimeo access token: connect the channel");
	if (acct == NULL || strcmp(acct, "me") == 0)
		snprintf(V->user, sizeof(V->user), "/me");
	else if (parse_i64(acct, &id) == 0 && id > 0)
		snprintf(V->user, sizeof(V->user), "/users/%lld",
		         (long long)id);
	else
		return conn_fail(
		    ctx, CONN_E_CONFIG, "account",
		    "config \"account\" must be \"me\" or a numeric "
		    "Vimeo user id");
	snprintf(V->tok, sizeof(V->tok), "%s", tok);
	snprintf(V->auth, sizeof(V->auth), "Authorization: bearer %s", tok);
	return CONN_OK;
}

/* One API call to base_url + path (path starts with "/").  rs is the
 * caller's to free in every case. */
static enum conn_rc
vm_call(struct vm *V, const char *method, const char *path, const char *json,
        struct fetch_resp *rs)
{
	struct fetch_req rq = {0};
	char url[VM_URL];
	if ((size_t)snprintf(url, sizeof(url), "%s%s", V->ctx->base_url,
	                     path) >= sizeof(url)) {
		memset(rs, 0, sizeof(*rs));
		return conn_fail(V->ctx, CONN_E_MALFORMED, "url",
		                 "a Vimeo path is too long");
	}
	rq.method = method;
	rq.url = url;
	rq.headers[0] = V->auth;
	rq.headers[1] = VM_ACCEPT;
	if (json) {
		rq.headers[2] = "Content-Type: application/json";
		rq.body = json;
		rq.body_len = strlen(json);
	}
	rq.secrets[0] = V->tok;
	return conn_request(V->ctx, &rq, rs);
}

/* --- parsing ----------------------------------------------------------- */

static int
vm_seen(struct vm_page *pg, const char *id)
{
	if (json_object_get(pg->seen, id))
		return 1;
	json_object_set_new(pg->seen, id, json_true());
	json_array_append_new(pg->ids, json_string(id));
	return 0;
}

static int
vm_video(struct conn_ctx *ctx, const json_t *e, struct vm_page *pg)
{
	struct item it;
	const char *uri = js(e, "uri");
	const char *name = js(e, "name");
	const char *desc = js(e, "description");
	const json_t *user = json_object_get(e, "user");
	char *text = NULL;
	int64_t created, modified, ncom;
	int r;

	if (uri == NULL || !str_starts(uri, "/videos/"))
		return -2;
	if (vm_seen(pg, uri))
		return 0;
	if (js(user, "uri") && conn_state(ctx, "user_uri") == NULL)
		conn_state_set(ctx, "user_uri", js(user, "uri"));
	item_init(&it);
	it.type = ITEM_POST;
	it.id = uri;
	it.thread_id = uri;
	it.inbound = 0;
	it.author_id = js(user, "uri");
	it.author_name = js(user, "name");
	if (name && desc && *desc) {
		size_t n = strlen(name) + strlen(desc) + 3;
		text = malloc(n);
		if (text == NULL)
			abort();
		snprintf(text, n, "%s\n\n%s", name, desc);
		it.text = text;
	} else {
		it.text = name ? name : desc;
	}
	it.url = js(e, "link");
	created = vm_time(js(e, "created_time"));
	modified = vm_time(js(e, "modified_time"));
	it.created_at = created;
	if (modified > created && created > 0)
		it.edited_at = modified;
	it.views = ji(json_object_get(e, "stats"), "plays", -1);
	ncom = vm_conn_total(e, "comments");
	it.replies = ncom;
	it.likes = vm_conn_total(e, "likes");
	it.media[0].url = it.url;
	it.media[0].mime = "video/*";
	it.nmedia = it.url ? 1 : 0;
	if (ncom != 0 && pg->threads)
		json_array_append_new(pg->threads, json_string(uri));
	r = conn_emit_json(ctx, &it, e);
	free(text);
	return r;
}

static int
vm_comment(struct conn_ctx *ctx, const json_t *e, enum vm_kind kind,
           const char *me, const char *parent, const char *thread,
           struct vm_page *pg)
{
	struct item it;
	const char *uri = js(e, "uri");
	const json_t *user = json_object_get(e, "user");
	const char *au = js(user, "uri");
	int64_t nrep;

	if (uri == NULL || !str_starts(uri, "/videos/") ||
	    strstr(uri, "/comments/") == NULL)
		return -2;
	if (vm_seen(pg, uri))
		return 0;
	item_init(&it);
	it.type = kind == VM_REPLIES ? ITEM_REPLY : ITEM_COMMENT;
	it.id = uri;
	it.parent_id = parent;
	it.thread_id = thread;
	it.author_id = au;
	it.author_name = js(user, "name");
	it.inbound = me && au ? strcmp(me, au) != 0 : 1;
	it.text = js(e, "text");
	it.url = js(e, "link");
	it.created_at = vm_time(js(e, "created_on"));
	nrep = vm_conn_total(e, "replies");
	it.replies = nrep;
	if (kind == VM_COMMENTS && nrep > 0 && pg->threads)
		json_array_append_new(pg->threads, json_string(uri));
	return conn_emit_json(ctx, &it, e);
}

enum conn_rc
vimeo_parse_page(struct conn_ctx *ctx, const char *body, size_t len,
                 enum vm_kind kind, const char *me, const char *parent,
                 const char *thread, struct vm_page *pg)
{
	struct fetch_resp rs = {0};
	json_t *root, *data, *e;
	const char *next;
	size_t i;
	enum conn_rc rc = CONN_OK;

	pg->n = 0;
	pg->next[0] = 0;
	rs.body = (char *)(uintptr_t)body; /* conn_json only reads it */
	rs.len = len;
	root = conn_json(ctx, &rs);
	if (root == NULL)
		return ctx->err.rc;
	data = json_object_get(root, "data");
	if (!json_is_object(root) || !json_is_array(data)) {
		json_decref(root);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "Vimeo sent no \"data\" array");
	}
	json_array_foreach(data, i, e)
	{
		int r;
		if (!json_is_object(e))
			continue;
		if (kind == VM_VIDEOS)
			r = vm_video(ctx, e, pg);
		else
			r = vm_comment(ctx, e, kind, me, parent, thread, pg);
		if (r == -2)
			continue;
		if (r != 0) {
			rc = ctx->err.rc != CONN_OK ? ctx->err.rc
			                            : CONN_E_PLATFORM;
			if (ctx->err.message[0] == 0)
				conn_fail(ctx, rc, "stopped",
				          "the caller stopped the cycle");
			break;
		}
	}
	pg->n = (int)json_array_size(data);
	next = js(json_object_get(root, "paging"), "next");
	/* only a path on the API host is followed (the token goes along) */
	if (next && next[0] == '/' && next[1] != '/' &&
	    strlen(next) < sizeof(pg->next) && pg->n > 0)
		snprintf(pg->next, sizeof(pg->next), "%s", next);
	json_decref(root);
	return rc;
}

/* --- sync -------------------------------------------------------------- */

/* Reads the pages of one collection from path (at most max_pages) and
 * emits the listing of parent when it was read to the end; the listing's
 * ids are appended to collect when not NULL. */
static enum conn_rc
vm_list(struct vm *V, const char *path, enum vm_kind kind, const char *me,
        const char *parent, const char *thread, json_t *seen, json_t *threads,
        json_t *collect)
{
	struct conn_ctx *ctx = V->ctx;
	struct vm_page pg;
	enum conn_rc rc = CONN_OK;
	char cur[1024];
	int pages = 0, complete = 0;

	memset(&pg, 0, sizeof(pg));
	pg.ids = json_array();
	pg.seen = seen;
	pg.threads = threads;
	snprintf(cur, sizeof(cur), "%s", path);
	while (pages < ctx->max_pages) {
		struct fetch_resp rs;
		rc = vm_call(V, "GET", cur, NULL, &rs);
		if (rc == CONN_OK)
			rc = vimeo_parse_page(ctx, rs.body, rs.len, kind, me,
			                      parent, thread, &pg);
		fetch_resp_free(&rs);
		if (rc != CONN_OK)
			break;
		pages++;
		if (pg.next[0] == 0 || strcmp(pg.next, cur) == 0) {
			complete = 1;
			break;
		}
		snprintf(cur, sizeof(cur), "%s", pg.next);
	}
	if (collect)
		json_array_extend(collect, pg.ids);
	V->complete = rc == CONN_OK && complete;
	if (rc == CONN_OK && complete) {
		size_t n = json_array_size(pg.ids);
		const char **ids = calloc(n + 1, sizeof(*ids));
		if (ids == NULL)
			abort();
		for (size_t i = 0; i < n; i++)
			ids[i] = json_string_value(json_array_get(pg.ids, i));
		if (conn_emit_listing(ctx, kind == VM_VIDEOS ? NULL : parent,
		                      ids, (int)n) != 0)
			rc = conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			               "the caller stopped the cycle");
		free(ids);
	}
	json_decref(pg.ids);
	return rc;
}

static enum conn_rc
vm_sync(struct conn_ctx *ctx)
{
	struct vm V;
	enum conn_rc rc;
	char path[VM_URL], at[32];
	json_t *seen, *videos, *threads;
	const char *me;
	size_t i;

	if ((rc = vm_open(ctx, &V)) != CONN_OK)
		return rc;
	seen = json_object();
	videos = json_array();
	threads = json_array();
	snprintf(path, sizeof(path), "%s/videos?per_page=%d&fields=%s", V.user,
	         VM_PAGE, VM_VIDEO_FIELDS);
	rc = vm_list(&V, path, VM_VIDEOS, NULL, NULL, NULL, seen, videos, NULL);
	if (rc == CONN_OK && V.complete)
		conn_state_set(ctx, "videos_synced_at",
		               time_fmt_iso(ctx->now, at));
	me = conn_state(ctx, "user_uri");
	for (i = 0;
	     rc == CONN_OK && i < json_array_size(videos) && i < VM_THREADS;
	     i++) {
		const char *v = json_string_value(json_array_get(videos, i));
		snprintf(path, sizeof(path), "%s/comments?per_page=%d", v,
		         VM_PAGE);
		rc = vm_list(&V, path, VM_COMMENTS, me, v, v, seen, threads,
		             NULL);
		if (rc == CONN_E_NOTFOUND)
			rc = CONN_OK; /* deleted since listed */
	}
	for (i = 0; rc == CONN_OK && i < json_array_size(threads); i++) {
		const char *c = json_string_value(json_array_get(threads, i));
		char video[256];
		const char *k = strstr(c, "/comments/");
		if (k == NULL || (size_t)(k - c) >= sizeof(video))
			continue;
		memcpy(video, c, (size_t)(k - c));
		video[k - c] = 0;
		snprintf(path, sizeof(path), "%s/replies?per_page=%d", c,
		         VM_PAGE);
		rc = vm_list(&V, path, VM_REPLIES, me, c, video, seen, NULL,
		             NULL);
		if (rc == CONN_E_NOTFOUND)
			rc = CONN_OK;
	}
	if (rc == CONN_OK)
		conn_state_set(ctx, "synced_at", time_fmt_iso(ctx->now, at));
	json_decref(seen);
	json_decref(videos);
	json_decref(threads);
	return rc;
}

/* --- check_auth -------------------------------------------------------- */

static enum conn_rc
vm_check_auth(struct conn_ctx *ctx)
{
	struct vm V;
	enum conn_rc rc;
	struct fetch_resp rs;
	char path[256];

	if ((rc = vm_open(ctx, &V)) != CONN_OK)
		return rc;
	snprintf(path, sizeof(path), "%s?fields=uri,name,link", V.user);
	rc = vm_call(&V, "GET", path, NULL, &rs);
	if (rc == CONN_OK) {
		json_t *j = conn_json(ctx, &rs);
		const char *uri = js(j, "uri");
		if (j == NULL)
			rc = ctx->err.rc;
		else if (uri == NULL || !str_starts(uri, "/users/"))
			rc = conn_fail(ctx, CONN_E_MALFORMED, "shape",
			               "Vimeo's user has no uri");
		else {
			conn_state_set(ctx, "user_uri", uri);
			if (js(j, "name"))
				conn_state_set(ctx, "account_name",
				               js(j, "name"));
		}
		json_decref(j);
	}
	fetch_resp_free(&rs);
	ctx->token_expires_at = 0; /* Vimeo tokens do not expire */
	return rc;
}

/* --- reply and moderate ------------------------------------------------ */

/* 1 when s is "/videos/<digits>" (video) or ".../comments/<digits>". */
static int
vm_is_uri(const char *s, int comment)
{
	const char *p;
	if (s == NULL || !str_starts(s, "/videos/"))
		return 0;
	p = s + 8;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (!comment)
		return *p == 0;
	if (!str_starts(p, "/comments/"))
		return 0;
	p += 10;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == 0;
}

static enum conn_rc
vm_reply(struct conn_ctx *ctx, const char *parent_id, const char *text,
         struct conn_result *out)
{
	struct vm V;
	enum conn_rc rc;
	struct fetch_resp rs;
	char path[512];
	json_t *body;
	char *s;

	memset(out, 0, sizeof(*out));
	if (text == NULL || *text == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "args",
		                 "a reply needs a text");
	if (vm_is_uri(parent_id, 1))
		snprintf(path, sizeof(path), "%s/replies", parent_id);
	else if (vm_is_uri(parent_id, 0))
		snprintf(path, sizeof(path), "%s/comments", parent_id);
	else
		return conn_fail(ctx, CONN_E_NOTFOUND, "id",
		                 "not a Vimeo video or comment: %s",
		                 parent_id ? parent_id : "(none)");
	if ((rc = vm_open(ctx, &V)) != CONN_OK)
		return rc;
	body = json_pack("{s:s}", "text", text);
	if (body == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "text",
		                 "the reply text is not valid UTF-8");
	s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	rc = vm_call(&V, "POST", path, s, &rs);
	free(s);
	if (rc == CONN_OK) {
		json_t *j = conn_json(ctx, &rs);
		const char *uri = js(j, "uri");
		if (j == NULL)
			rc = ctx->err.rc;
		else if (uri == NULL)
			rc = conn_fail(ctx, CONN_E_MALFORMED, "shape",
			               "Vimeo's new comment has no uri");
		else {
			snprintf(out->id, sizeof(out->id), "%s", uri);
			snprintf(out->url, sizeof(out->url), "%s",
			         js(j, "link") ? js(j, "link") : "");
		}
		json_decref(j);
	}
	fetch_resp_free(&rs);
	return rc;
}

static enum conn_rc
vm_moderate(struct conn_ctx *ctx, const char *item_id, enum conn_mod what)
{
	struct vm V;
	enum conn_rc rc;
	struct fetch_resp rs;

	if (what != MOD_DELETE)
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "no_hide",
		                 "Vimeo has no hide; the owner of a video can "
		                 "delete the comments on it");
	if (!vm_is_uri(item_id, 1) && !vm_is_uri(item_id, 0))
		return conn_fail(ctx, CONN_E_NOTFOUND, "id",
		                 "not a Vimeo video or comment: %s",
		                 item_id ? item_id : "(none)");
	if ((rc = vm_open(ctx, &V)) != CONN_OK)
		return rc;
	rc = vm_call(&V, "DELETE", item_id, NULL, &rs);
	fetch_resp_free(&rs);
	return rc;
}

/* --- publish (tus upload) ---------------------------------------------- */

/* The server's Upload-Offset of upload_link (HEAD), or -1. */
static int64_t
vm_tus_offset(struct conn_ctx *ctx, const char *link)
{
	struct fetch_req rq = {0};
	struct fetch_resp rs;
	int64_t off = -1;
	rq.method = "HEAD";
	rq.url = link;
	rq.headers[0] = "Tus-Resumable: 1.0.0";
	rq.headers[1] = VM_ACCEPT;
	if (conn_request(ctx, &rq, &rs) == CONN_OK) {
		const char *h = fetch_header(&rs, "Upload-Offset");
		if (h == NULL || parse_i64(h, &off) != 0)
			off = -1;
	}
	fetch_resp_free(&rs);
	return off;
}

/* Sends the file's bytes from the server's offset to the end in chunks. */
static enum conn_rc
vm_tus_send(struct conn_ctx *ctx, const char *link, const char *path,
            int64_t size)
{
	int64_t off = 0, chunk = VM_CHUNK;
	int failures = 0;
	enum conn_rc rc = CONN_OK;
	const char *cs = conn_cfg(ctx, "upload_chunk");
	FILE *f = fopen(path, "rb");
	char *data;

	if (cs && (parse_i64(cs, &chunk) != 0 || chunk < 1))
		chunk = VM_CHUNK;
	if (f == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "media", "cannot read %s",
		                 path);
	data = malloc((size_t)chunk);
	if (data == NULL)
		abort();
	while (off < size) {
		struct fetch_req rq = {0};
		struct fetch_resp rs;
		char hoff[64];
		size_t n = (size_t)(size - off < chunk ? size - off : chunk);
		int mr = ctx->max_retries;
		const char *ro;
		int64_t got;

		if (fseeko(f, (off_t)off, SEEK_SET) != 0 ||
		    fread(data, 1, n, f) != n) {
			rc = conn_fail(ctx, CONN_E_CONFIG, "media",
			               "cannot read %s", path);
			break;
		}
		snprintf(hoff, sizeof(hoff), "Upload-Offset: %lld",
		         (long long)off);
		rq.method = "PATCH";
		rq.url = link;
		rq.headers[0] = "Tus-Resumable: 1.0.0";
		rq.headers[1] = hoff;
		rq.headers[2] = "Content-Type: application/offset+octet-stream";
		rq.headers[3] = VM_ACCEPT;
		rq.body = data;
		rq.body_len = n;
		rq.timeout_ms = 600000;
		/* no blind resend at a stale offset: ask the server instead */
		ctx->max_retries = 0;
		rc = conn_request(ctx, &rq, &rs);
		ctx->max_retries = mr;
		ro = fetch_header(&rs, "Upload-Offset");
		got = -1;
		if (rc == CONN_OK && (ro == NULL || parse_i64(ro, &got) != 0 ||
		                      got <= off || got > size))
			rc = conn_fail(ctx, CONN_E_MALFORMED, "tus",
			               "Vimeo's upload answered no new "
			               "Upload-Offset");
		fetch_resp_free(&rs);
		if (rc == CONN_OK) {
			off = got;
			continue;
		}
		if (rc != CONN_E_NETWORK && rc != CONN_E_MALFORMED)
			break;
		if (++failures > ctx->max_retries)
			break;
		got = vm_tus_offset(ctx, link);
		if (got < 0 || got > size)
			break;
		off = got;
		rc = CONN_OK;
	}
	free(data);
	fclose(f);
	return rc;
}

static enum conn_rc
vm_publish(struct conn_ctx *ctx, const struct conn_post *p,
           struct conn_result *out)
{
	struct vm V;
	enum conn_rc rc;
	const struct item_media *m = p->nmedia > 0 ? &p->media[0] : NULL;
	struct stat st;
	json_t *body, *j = NULL, *done;
	char path[256], size[32], *s;
	struct fetch_resp rs;
	const char *link, *uri, *approach;

	memset(out, 0, sizeof(*out));
	if (p->reply_to)
		return vm_reply(ctx, p->reply_to, p->text, out);
	if (m == NULL || m->path == NULL)
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "text_only",
		                 "Vimeo publishes videos only; a post needs a "
		                 "video file");
	if (p->nmedia > 1 || (m->mime && !str_starts(m->mime, "video/")))
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "media",
		                 "Vimeo takes one video per post (no images)");
	done = json_object_get(ctx->state, "published");
	if (p->idempotency_key && js(done, p->idempotency_key)) {
		snprintf(out->id, sizeof(out->id), "%s",
		         js(done, p->idempotency_key));
		return CONN_OK;
	}
	if (stat(m->path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return conn_fail(ctx, CONN_E_CONFIG, "media",
		                 "cannot read the video %s", m->path);
	if ((rc = vm_open(ctx, &V)) != CONN_OK)
		return rc;
	snprintf(size, sizeof(size), "%lld", (long long)st.st_size);
	body = json_pack("{s:{s:s, s:s}}", "upload", "approach", "tus", "size",
	                 size);
	if (p->title || p->text)
		json_object_set_new(body, "name",
		                    json_string(p->title ? p->title : p->text));
	if (p->text && p->title)
		json_object_set_new(body, "description", json_string(p->text));
	if (p->lang)
		json_object_set_new(body, "locale", json_string(p->lang));
	s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	snprintf(path, sizeof(path), "%s/videos", V.user);
	rc = vm_call(&V, "POST", path, s, &rs);
	free(s);
	if (rc == CONN_OK && (j = conn_json(ctx, &rs)) == NULL)
		rc = ctx->err.rc;
	fetch_resp_free(&rs);
	if (rc != CONN_OK)
		return rc;
	uri = js(j, "uri");
	link = js(json_object_get(j, "upload"), "upload_link");
	approach = js(json_object_get(j, "upload"), "approach");
	if (uri == NULL || link == NULL ||
	    (approach && strcmp(approach, "tus") != 0)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "Vimeo's new video has no tus upload_link");
	}
	snprintf(out->id, sizeof(out->id), "%s", uri);
	snprintf(out->url, sizeof(out->url), "%s",
	         js(j, "link") ? js(j, "link") : "");
	rc = vm_tus_send(ctx, link, m->path, (int64_t)st.st_size);
	json_decref(j);
	if (rc == CONN_OK && p->idempotency_key) {
		if (!json_is_object(done)) {
			done = json_object();
			json_object_set_new(ctx->state, "published", done);
		}
		json_object_set_new(done, p->idempotency_key,
		                    json_string(out->id));
	}
	return rc;
}

/* --- metrics ----------------------------------------------------------- */

static enum conn_rc
vm_metrics(struct conn_ctx *ctx)
{
	struct vm V;
	enum conn_rc rc;
	struct fetch_resp rs;
	char path[VM_URL];
	int64_t plays = 0;
	int pages = 0, complete = 0;

	if ((rc = vm_open(ctx, &V)) != CONN_OK)
		return rc;
	snprintf(path, sizeof(path),
	         "%s?fields=uri,metadata.connections.followers.total,"
	         "metadata.connections.videos.total",
	         V.user);
	rc = vm_call(&V, "GET", path, NULL, &rs);
	if (rc == CONN_OK) {
		json_t *j = conn_json(ctx, &rs);
		int64_t fol = vm_conn_total(j, "followers");
		int64_t vids = vm_conn_total(j, "videos");
		if (j == NULL)
			rc = ctx->err.rc;
		else if (fol < 0)
			rc = conn_fail(ctx, CONN_E_MALFORMED, "shape",
			               "Vimeo's user has no followers total");
		else {
			conn_emit_metric(ctx, NULL, METRIC_FOLLOWERS,
			                 (double)fol, ctx->now);
			if (vids >= 0)
				conn_emit_metric(ctx, NULL, METRIC_POSTS,
				                 (double)vids, ctx->now);
		}
		json_decref(j);
	}
	fetch_resp_free(&rs);
	if (rc != CONN_OK)
		return rc;

	snprintf(path, sizeof(path),
	         "%s/videos?per_page=100&fields=uri,stats.plays,"
	         "metadata.connections.comments.total,"
	         "metadata.connections.likes.total",
	         V.user);
	while (rc == CONN_OK && pages < ctx->max_pages) {
		json_t *j, *data, *e;
		const char *next;
		size_t i;
		rc = vm_call(&V, "GET", path, NULL, &rs);
		j = rc == CONN_OK ? conn_json(ctx, &rs) : NULL;
		fetch_resp_free(&rs);
		if (rc != CONN_OK)
			break;
		data = json_object_get(j, "data");
		if (j == NULL || !json_is_array(data)) {
			rc = j ? conn_fail(ctx, CONN_E_MALFORMED, "shape",
			                   "Vimeo sent no \"data\" array")
			       : ctx->err.rc;
			json_decref(j);
			break;
		}
		json_array_foreach(data, i, e)
		{
			const char *uri = js(e, "uri");
			int64_t v =
			    ji(json_object_get(e, "stats"), "plays", -1);
			int64_t c = vm_conn_total(e, "comments");
			int64_t l = vm_conn_total(e, "likes");
			if (uri == NULL)
				continue;
			if (v >= 0) {
				plays += v;
				conn_emit_metric(ctx, uri, METRIC_VIDEO_VIEWS,
				                 (double)v, ctx->now);
			}
			if (c >= 0)
				conn_emit_metric(ctx, uri, METRIC_COMMENTS,
				                 (double)c, ctx->now);
			if (l >= 0)
				conn_emit_metric(ctx, uri, METRIC_REACTIONS,
				                 (double)l, ctx->now);
		}
		pages++;
		next = js(json_object_get(j, "paging"), "next");
		if (next == NULL || next[0] != '/' || next[1] == '/' ||
		    strlen(next) >= sizeof(path) ||
		    json_array_size(data) == 0) {
			complete = 1;
			json_decref(j);
			break;
		}
		snprintf(path, sizeof(path), "%s", next);
		json_decref(j);
	}
	/* the channel's total only when every video was counted */
	if (rc == CONN_OK && complete)
		conn_emit_metric(ctx, NULL, METRIC_VIDEO_VIEWS, (double)plays,
		                 ctx->now);
	return rc;
}

const struct connector conn_vimeo = {
    .platform = "vimeo",
    .label = "Vimeo",
    .default_base = "https://api.vimeo.com",
    .poll_interval = 900,
    .caps = CAP_OWN_POSTS | CAP_COMMENTS | CAP_REPLY | CAP_DELETE_OTHERS |
            CAP_PUBLISH | CAP_PUBLISH_MEDIA | CAP_METRICS,
    .note = "Vimeo: own videos, their comments and replies.  No direct "
            "messages and no mentions.  Comments cannot be hidden, only "
            "deleted by the video's owner.  Publishing uploads one video "
            "(no text-only posts, no images); Vimeo has no alt text for "
            "videos.  Tokens do not expire and cannot be refreshed.",
    .check_auth = vm_check_auth,
    .sync = vm_sync,
    .reply = vm_reply,
    .moderate = vm_moderate,
    .publish = vm_publish,
    .metrics = vm_metrics,
    .classify = vm_classify,
};
