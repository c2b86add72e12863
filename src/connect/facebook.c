/*
 * facebook.c - the Facebook Pages connector (platform "facebook_page") on
 * the Graph API: the page's feed (its own posts and visitors' posts),
 * comments and replies per post, Messenger conversations when the token
 * allows, replies, hiding and deleting comments, publishing text, links
 * and photos, and Page/post insights.
 *
 * cred: "page_token" (a Page access token), optional "app_secret" (sends
 * appsecret_proof; also verifies webhooks), optional "expires_at" (epoch).
 * config: "account" (the page id, required), optional "lookback_days"
 * (default 7: posts active within this many days of the newest activity
 * seen are re-read for comments each cycle), "dms" ("0" turns Messenger
 * off), "metric_posts" (posts whose insights metrics() reads, default 10).
 *
 * State: "watermark" (epoch of the newest activity seen, advanced only
 * after a cycle that read everything it set out to read), "dms" ("off"
 * once the token was refused Messenger access), "pub:<key>" (the id a
 * publish with that idempotency key produced).
 */
#include "graph.h"
#include "jutil.h"
#include "../base/buf.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FB_PAGE_LIMIT   "25"
#define FB_MAX_PHOTO    (10u << 20) /* Graph's limit for a page photo */
#define FB_LOOKBACK_DEF 7

#define FB_POST_FIELDS                                                         \
	"id,message,created_time,updated_time,permalink_url,from,is_hidden,"   \
	"attachments{media,media_type,type,url,subattachments},shares,"        \
	"reactions.summary(total_count).limit(0),"                             \
	"comments.summary(true).limit(0)"
#define FB_COMMENT_FIELDS                                                      \
	"id,message,created_time,from,parent{id},like_count,comment_count,"    \
	"is_hidden,permalink_url,attachment"
#define FB_DM_FIELDS                                                           \
	"id,updated_time,messages.limit(25){id,message,created_time,from}"

/* The digits after key ("comment_id=", "/posts/") in url into out; 0 when
 * found.  A query key must start the query or follow '&'. */
static int
url_num(const char *url, const char *key, char *out, size_t n)
{
	const char *p = url;
	size_t i = 0;
	while ((p = strstr(p, key)) != NULL) {
		if (key[0] == '/' || p == url || p[-1] == '?' || p[-1] == '&')
			break;
		p++;
	}
	if (p == NULL)
		return -1;
	p += strlen(key);
	while (p[i] >= '0' && p[i] <= '9' && i + 1 < n) {
		out[i] = p[i];
		i++;
	}
	out[i] = 0;
	return i > 0 && (p[i] < '0' || p[i] > '9') ? 0 : -1;
}

/* Media of a Graph attachment (and its subattachments) into it. */
static void
add_attachment(struct item *it, json_t *a, int depth)
{
	json_t *img = json_object_get(json_object_get(a, "media"), "image");
	const char *src = conn_jstr(img, "src");
	json_t *subs = json_object_get(json_object_get(a, "subattachments"),
	                               "data"),
	       *s;
	size_t i;
	if (src && it->nmedia < ITEM_MAX_MEDIA) {
		it->media[it->nmedia].url = src;
		it->nmedia++;
	}
	if (depth > 0)
		return;
	json_array_foreach(subs, i, s)
	{
		add_attachment(it, s, depth + 1);
	}
}

enum conn_rc
facebook_parse_posts(struct conn_ctx *ctx, const char *body, size_t len,
                     const char *page_id, struct graph_ids *seen,
                     struct graph_ids *posts, char **next)
{
	json_t *j = graph_load(ctx, body, len), *data, *p;
	size_t i;
	enum conn_rc rc = CONN_OK;

	*next = NULL;
	if (j == NULL)
		return ctx->err.rc;
	data = json_object_get(j, "data");
	if (!json_is_array(data)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "feed",
		                 "the feed body has no data list");
	}
	json_array_foreach(data, i, p)
	{
		struct item it;
		json_t *from = json_object_get(p, "from"), *a, *atts;
		const char *id = conn_jstr(p, "id"), *fid;
		char fbuf[32], line[320];
		size_t k;
		int64_t upd;
		if (id == NULL || strlen(id) > 256)
			continue;
		item_init(&it);
		it.type = ITEM_POST;
		it.id = id;
		it.text = conn_jstr(p, "message");
		it.created_at = graph_time(json_object_get(p, "created_time"));
		upd = graph_time(json_object_get(p, "updated_time"));
		it.url = conn_jstr(p, "permalink_url");
		fid = graph_idstr(json_object_get(from, "id"), fbuf,
		                  sizeof(fbuf));
		it.author_id = fid;
		it.author_name = conn_jstr(from, "name");
		/* the feed leaves "from" out only for the page's own posts */
		it.inbound = fid && page_id && strcmp(fid, page_id) != 0;
		if (json_is_boolean(json_object_get(p, "is_hidden")))
			it.hidden =
			    json_is_true(json_object_get(p, "is_hidden"));
		atts =
		    json_object_get(json_object_get(p, "attachments"), "data");
		json_array_foreach(atts, k, a)
		{
			add_attachment(&it, a, 0);
		}
		it.shares = conn_jint(json_object_get(p, "shares"), "count");
		it.likes = conn_jint(
		    json_object_get(json_object_get(p, "reactions"), "summary"),
		    "total_count");
		it.replies = conn_jint(
		    json_object_get(json_object_get(p, "comments"), "summary"),
		    "total_count");
		if (posts) {
			snprintf(line, sizeof(line), "%s\t%lld", id,
			         (long long)(upd > it.created_at
			                         ? upd
			                         : it.created_at));
			graph_ids_add(posts, line);
		}
		if (!graph_ids_add(seen, id))
			continue; /* emitted already in this run */
		if (conn_emit_json(ctx, &it, p) != 0) {
			rc = conn_stopped(ctx);
			break;
		}
	}
	if (rc == CONN_OK && graph_next(j))
		*next = xstrdup(graph_next(j));
	json_decref(j);
	return rc;
}

enum conn_rc
facebook_parse_comments(struct conn_ctx *ctx, const char *body, size_t len,
                        const char *page_id, const char *post_id,
                        struct graph_ids *seen, char **next)
{
	json_t *j = graph_load(ctx, body, len), *data, *c;
	size_t i;
	enum conn_rc rc = CONN_OK;

	*next = NULL;
	if (j == NULL)
		return ctx->err.rc;
	data = json_object_get(j, "data");
	if (!json_is_array(data)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "comments",
		                 "the comments body has no data list");
	}
	json_array_foreach(data, i, c)
	{
		struct item it;
		json_t *from = json_object_get(c, "from");
		const char *id = conn_jstr(c, "id"), *fid;
		const char *perm = conn_jstr(c, "permalink_url");
		const char *parent =
		    conn_jstr(json_object_get(c, "parent"), "id");
		char fbuf[32], idbuf[96], pbuf[96], pnum[32], cnum[32],
		    rnum[32];

		/* bodies recorded without "id": the permalink names the post,
		 * the comment and (for replies) the reply */
		if (perm && url_num(perm, "/posts/", pnum, sizeof(pnum)) == 0 &&
		    url_num(perm, "comment_id=", cnum, sizeof(cnum)) == 0) {
			if (url_num(perm, "reply_comment_id=", rnum,
			            sizeof(rnum)) == 0) {
				if (id == NULL) {
					snprintf(idbuf, sizeof(idbuf), "%s_%s",
					         pnum, rnum);
					id = idbuf;
				}
				if (parent == NULL) {
					snprintf(pbuf, sizeof(pbuf), "%s_%s",
					         pnum, cnum);
					parent = pbuf;
				}
			} else if (id == NULL) {
				snprintf(idbuf, sizeof(idbuf), "%s_%s", pnum,
				         cnum);
				id = idbuf;
			}
		}
		if (id == NULL || strlen(id) > 256)
			continue;
		if (!graph_ids_add(seen, id))
			continue;
		item_init(&it);
		it.id = id;
		it.type = parent ? ITEM_REPLY : ITEM_COMMENT;
		it.parent_id = parent ? parent : post_id;
		it.thread_id = post_id;
		it.text = conn_jstr(c, "message");
		it.created_at = graph_time(json_object_get(c, "created_time"));
		it.url = perm;
		fid = graph_idstr(json_object_get(from, "id"), fbuf,
		                  sizeof(fbuf));
		it.author_id = fid;
		it.author_name = conn_jstr(from, "name");
		it.inbound = !(fid && page_id && strcmp(fid, page_id) == 0);
		if (json_is_boolean(json_object_get(c, "is_hidden")))
			it.hidden =
			    json_is_true(json_object_get(c, "is_hidden"));
		it.likes = conn_jint(c, "like_count");
		it.replies = conn_jint(c, "comment_count");
		add_attachment(&it, json_object_get(c, "attachment"), 1);
		if (conn_emit_json(ctx, &it, c) != 0) {
			rc = conn_stopped(ctx);
			break;
		}
	}
	if (rc == CONN_OK && graph_next(j))
		*next = xstrdup(graph_next(j));
	json_decref(j);
	return rc;
}

enum conn_rc
facebook_parse_conversations(struct conn_ctx *ctx, const char *body, size_t len,
                             const char *page_id, struct graph_ids *seen,
                             char **next)
{
	json_t *j = graph_load(ctx, body, len), *data, *cv, *m;
	size_t i, k;
	enum conn_rc rc = CONN_OK;

	*next = NULL;
	if (j == NULL)
		return ctx->err.rc;
	data = json_object_get(j, "data");
	if (!json_is_array(data)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "conversations",
		                 "the conversations body has no data list");
	}
	json_array_foreach(data, i, cv)
	{
		const char *cid = conn_jstr(cv, "id");
		json_t *msgs =
		    json_object_get(json_object_get(cv, "messages"), "data");
		if (cid == NULL)
			continue;
		json_array_foreach(msgs, k, m)
		{
			struct item it;
			json_t *from = json_object_get(m, "from");
			const char *id = conn_jstr(m, "id"), *fid;
			char fbuf[32];
			if (id == NULL || strlen(id) > 256 ||
			    !graph_ids_add(seen, id))
				continue;
			item_init(&it);
			it.type = ITEM_DM;
			it.id = id;
			it.thread_id = cid;
			it.text = conn_jstr(m, "message");
			it.created_at =
			    graph_time(json_object_get(m, "created_time"));
			fid = graph_idstr(json_object_get(from, "id"), fbuf,
			                  sizeof(fbuf));
			it.author_id = fid;
			it.author_name = conn_jstr(from, "name");
			it.inbound =
			    !(fid && page_id && strcmp(fid, page_id) == 0);
			if (conn_emit_json(ctx, &it, m) != 0) {
				rc = conn_stopped(ctx);
				goto out;
			}
		}
	}
	if (graph_next(j))
		*next = xstrdup(graph_next(j));
out:
	json_decref(j);
	return rc;
}

/* --- operations -------------------------------------------------------- */

static const char *
page_of(struct conn_ctx *ctx)
{
	const char *p = conn_cfg(ctx, "account");
	if (p == NULL)
		conn_fail(ctx, CONN_E_CONFIG, "account",
		          "the channel has no page id (config \"account\")");
	return p;
}

/* A number in config or state (string or integer); def when absent. */
static int64_t
num_of(json_t *obj, const char *key, int64_t def)
{
	json_t *v = json_object_get(obj, key);
	int64_t n;
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v) && parse_i64(json_string_value(v), &n) == 0)
		return n;
	return def;
}

static enum conn_rc
fb_check_auth(struct conn_ctx *ctx)
{
	const char *page = page_of(ctx), *id;
	struct graph_param pr[] = {{"fields", "id,name"}, {NULL, NULL}};
	json_t *j;
	enum conn_rc rc;
	char path[512];

	if (page == NULL)
		return CONN_E_CONFIG;
	ctx->token_expires_at = num_of(ctx->cred, "expires_at", 0);
	snprintf(path, sizeof(path), "%s", page);
	rc = graph_call(ctx, "GET", path, pr, &j, NULL);
	if (rc != CONN_OK)
		return rc;
	id = conn_jstr(j, "id");
	if (id == NULL) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "page",
		                 "the page answer has no id");
	}
	conn_state_set(ctx, "account_id", id);
	if (conn_jstr(j, "name"))
		conn_state_set(ctx, "account_name", conn_jstr(j, "name"));
	json_decref(j);
	return CONN_OK;
}

/* The id before the tab of a "id\tepoch" line into out; returns the epoch. */
static int64_t
split_line(const char *line, char *out, size_t n)
{
	const char *t = strchr(line, '\t');
	size_t l = t ? (size_t)(t - line) : strlen(line);
	if (l >= n)
		l = n - 1;
	memcpy(out, line, l);
	out[l] = 0;
	return t ? strtoll(t + 1, NULL, 10) : 0;
}

/* Reads every page of comments of post; emits its listing when complete. */
static enum conn_rc
sync_comments(struct conn_ctx *ctx, const char *page, const char *post)
{
	struct graph_param pr[] = {{"filter", "stream"},
	                           {"order", "chronological"},
	                           {"summary", "1"},
	                           {"limit", "100"},
	                           {"fields", FB_COMMENT_FIELDS},
	                           {NULL, NULL}};
	struct graph_ids ids = {0};
	char path[512], *next = NULL, *body;
	enum conn_rc rc = CONN_OK;
	int pages = 0, complete = 0;

	snprintf(path, sizeof(path), "%s/comments", post);
	for (;;) {
		char *n2 = NULL;
		rc = graph_call(ctx, "GET", next ? next : path,
		                next ? NULL : pr, NULL, &body);
		if (rc != CONN_OK)
			break;
		rc = facebook_parse_comments(ctx, body, strlen(body), page,
		                             post, &ids, &n2);
		free(body);
		free(next);
		next = n2;
		if (rc != CONN_OK)
			break;
		if (next == NULL) {
			complete = 1;
			break;
		}
		if (++pages >= ctx->max_pages)
			break;
	}
	free(next);
	if (rc == CONN_OK && complete &&
	    conn_emit_listing(ctx, post, (const char *const *)ids.v, ids.n) !=
	        0)
		rc = conn_stopped(ctx);
	graph_ids_free(&ids);
	return rc;
}

/* Messenger conversations; a refusal of the permission turns them off. */
static enum conn_rc
sync_dms(struct conn_ctx *ctx, const char *page, int64_t since)
{
	struct graph_param pr[] = {
	    {"fields", FB_DM_FIELDS}, {"limit", FB_PAGE_LIMIT}, {NULL, NULL}};
	struct graph_ids seen = {0};
	char path[512], *next = NULL, *body;
	enum conn_rc rc = CONN_OK;
	int pages = 0;

	snprintf(path, sizeof(path), "%s/conversations", page);
	for (;;) {
		char *n2 = NULL;
		int old = 0;
		rc = graph_call(ctx, "GET", next ? next : path,
		                next ? NULL : pr, NULL, &body);
		if (rc == CONN_E_PLATFORM) {
			long long code = strtoll(ctx->err.code, NULL, 10);
			if (code == 10 || code == 3 || code == 230 ||
			    (code >= 200 && code <= 299)) {
				/* the token may not read Messenger */
				conn_state_set(ctx, "dms", "off");
				rc = CONN_OK;
				memset(&ctx->err, 0, sizeof(ctx->err));
			}
			break;
		}
		if (rc != CONN_OK)
			break;
		rc = facebook_parse_conversations(ctx, body, strlen(body), page,
		                                  &seen, &n2);
		if (rc == CONN_OK && since > 0) {
			/* stop once a whole page is older than the window */
			json_t *j = json_loads(body, 0, NULL), *cv;
			size_t i;
			old = json_array_size(json_object_get(j, "data")) > 0;
			json_array_foreach(json_object_get(j, "data"), i, cv)
			{
				if (graph_time(json_object_get(
				        cv, "updated_time")) >= since)
					old = 0;
			}
			json_decref(j);
		}
		free(body);
		free(next);
		next = n2;
		if (rc != CONN_OK || next == NULL || old ||
		    ++pages >= ctx->max_pages)
			break;
	}
	free(next);
	graph_ids_free(&seen);
	return rc;
}

static enum conn_rc
fb_sync(struct conn_ctx *ctx)
{
	const char *page = page_of(ctx);
	struct graph_param pr[] = {
	    {"fields", FB_POST_FIELDS}, {"limit", FB_PAGE_LIMIT}, {NULL, NULL}};
	struct graph_ids seen = {0}, posts = {0};
	char path[512], *next = NULL, *body;
	int64_t wm, since, newest = 0;
	int pages = 0, complete = 0;
	enum conn_rc rc = CONN_OK;

	if (page == NULL)
		return CONN_E_CONFIG;
	wm = num_of(ctx->state, "watermark", 0);
	since = wm > 0 ? wm - num_of(ctx->config, "lookback_days",
	                             FB_LOOKBACK_DEF) *
	                          86400
	               : 0;
	snprintf(path, sizeof(path), "%s/feed", page);
	for (;;) {
		char *n2 = NULL;
		int before = posts.n, old;
		rc = graph_call(ctx, "GET", next ? next : path,
		                next ? NULL : pr, NULL, &body);
		if (rc != CONN_OK)
			break;
		rc = facebook_parse_posts(ctx, body, strlen(body), page, &seen,
		                          &posts, &n2);
		free(body);
		free(next);
		next = n2;
		if (rc != CONN_OK)
			break;
		old = since > 0 && posts.n > before;
		for (int i = before; i < posts.n; i++) {
			char id[300];
			if (split_line(posts.v[i], id, sizeof(id)) >= since)
				old = 0;
		}
		if (next == NULL) {
			complete = 1;
			break;
		}
		if (old || ++pages >= ctx->max_pages)
			break;
	}
	free(next);
	if (rc == CONN_OK && complete &&
	    conn_emit_listing(ctx, NULL, (const char *const *)seen.v, seen.n) !=
	        0)
		rc = conn_stopped(ctx);

	/* comments of the posts active within the window */
	for (int i = 0; rc == CONN_OK && i < posts.n; i++) {
		char id[300];
		int64_t act = split_line(posts.v[i], id, sizeof(id));
		if (act > newest)
			newest = act;
		if (since > 0 && act < since)
			continue;
		rc = sync_comments(ctx, page, id);
		if (rc == CONN_E_NOTFOUND) { /* removed since the feed read */
			rc = CONN_OK;
			memset(&ctx->err, 0, sizeof(ctx->err));
		}
	}
	if (rc == CONN_OK) {
		const char *d = conn_cfg(ctx, "dms");
		const char *s = conn_state(ctx, "dms");
		if (!(d && strcmp(d, "0") == 0) &&
		    !(s && strcmp(s, "off") == 0))
			rc = sync_dms(ctx, page, since);
	}
	if (rc == CONN_OK && newest > wm) {
		char w[32];
		snprintf(w, sizeof(w), "%lld", (long long)newest);
		conn_state_set(ctx, "watermark", w);
	}
	graph_ids_free(&seen);
	graph_ids_free(&posts);
	return rc;
}

/* The "id" of an answer into out->id and a URL (permalink_url or
 * https://www.facebook.com/<id>). */
static enum conn_rc
take_id(struct conn_ctx *ctx, json_t *j, const char *key,
        struct conn_result *out)
{
	const char *id = conn_jstr(j, key),
	           *perm = conn_jstr(j, "permalink_url");
	if (id == NULL)
		id = conn_jstr(j, "id");
	if (id == NULL)
		return conn_fail(ctx, CONN_E_MALFORMED, "id",
		                 "the platform's answer has no id");
	if (out) {
		snprintf(out->id, sizeof(out->id), "%s", id);
		if (perm)
			snprintf(out->url, sizeof(out->url), "%s", perm);
		else
			snprintf(out->url, sizeof(out->url),
			         "https://www.facebook.com/%s", id);
	}
	return CONN_OK;
}

static enum conn_rc
fb_reply(struct conn_ctx *ctx, const char *parent_id, const char *text,
         struct conn_result *out)
{
	struct graph_param pr[] = {
	    {"message", text}, {"fields", "id,permalink_url"}, {NULL, NULL}};
	char path[512];
	json_t *j;
	enum conn_rc rc;

	if (parent_id == NULL || *parent_id == 0 || text == NULL || *text == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "reply",
		                 "a reply needs a parent id and text");
	snprintf(path, sizeof(path), "%s/comments", parent_id);
	rc = graph_call(ctx, "POST", path, pr, &j, NULL);
	if (rc != CONN_OK)
		return rc;
	rc = take_id(ctx, j, "id", out);
	json_decref(j);
	return rc;
}

static enum conn_rc
fb_moderate(struct conn_ctx *ctx, const char *item_id, enum conn_mod what)
{
	return graph_moderate(ctx, item_id, what, "is_hidden");
}

/* Reads a local file (at most max bytes) into *data; 0 or -1 with err. */
static int
read_file(struct conn_ctx *ctx, const char *path, size_t max, char **data,
          size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char tmp[65536];
	size_t n;
	if (f == NULL) {
		conn_fail(ctx, CONN_E_CONFIG, "media", "cannot open %s: %s",
		          path, strerror(errno));
		return -1;
	}
	buf_init(&b, max);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (buf_add(&b, tmp, n) != 0)
			break;
	fclose(f);
	if (b.overflow) {
		buf_cleanup(&b);
		conn_fail(ctx, CONN_E_CONFIG, "media_too_big",
		          "%s is larger than the platform allows", path);
		return -1;
	}
	*data = buf_detach(&b, len);
	if (*data == NULL)
		*data = xstrdup("");
	return 0;
}

/* Uploads one photo to /{page}/photos (by URL or as multipart "source");
 * published=0 only stores it for a multi-photo post.  Sets *j. */
static enum conn_rc
upload_photo(struct conn_ctx *ctx, const char *page, const struct item_media *m,
             const char *caption, int published, json_t **j)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/photos", page);
	if (m->url) {
		struct graph_param pr[] = {
		    {"url", m->url},
		    {"caption", caption},
		    {"published", published ? NULL : "false"},
		    {NULL, NULL}};
		return graph_call(ctx, "POST", path, pr, j, NULL);
	} else {
		struct buf b;
		char bnd[40], ct[96], *data = NULL;
		const char *name = strrchr(m->path, '/');
		size_t len = 0;
		enum conn_rc rc;
		if (read_file(ctx, m->path, FB_MAX_PHOTO, &data, &len) != 0)
			return ctx->err.rc;
		random_hex(bnd, 16);
		buf_init(&b, FB_MAX_PHOTO + 65536);
		if (caption)
			buf_printf(&b,
			           "--%s\r\nContent-Disposition: form-data; "
			           "name=\"caption\"\r\n\r\n%s\r\n",
			           bnd, caption);
		if (!published)
			buf_printf(&b,
			           "--%s\r\nContent-Disposition: form-data; "
			           "name=\"published\"\r\n\r\nfalse\r\n",
			           bnd);
		buf_printf(&b,
		           "--%s\r\nContent-Disposition: form-data; "
		           "name=\"source\"; filename=\"%s\"\r\n"
		           "Content-Type: %s\r\n\r\n",
		           bnd, name ? name + 1 : m->path,
		           m->mime ? m->mime : "application/octet-stream");
		buf_add(&b, data, len);
		buf_printf(&b, "\r\n--%s--\r\n", bnd);
		free(data);
		snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s",
		         bnd);
		rc = graph_send(ctx, "POST", path, ct, b.p, b.len, j);
		buf_cleanup(&b);
		return rc;
	}
}

static enum conn_rc
fb_publish(struct conn_ctx *ctx, const struct conn_post *p,
           struct conn_result *out)
{
	const char *page = page_of(ctx);
	char path[512], key[300], *caption = NULL;
	json_t *j = NULL;
	enum conn_rc rc;

	if (page == NULL)
		return CONN_E_CONFIG;
	if ((p->text == NULL || *p->text == 0) && p->nmedia == 0 &&
	    p->link == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "empty",
		                 "nothing to publish");
	if (p->idempotency_key) {
		snprintf(key, sizeof(key), "pub:%s", p->idempotency_key);
		if (conn_state(ctx, key)) { /* published already */
			snprintf(out->id, sizeof(out->id), "%s",
			         conn_state(ctx, key));
			snprintf(out->url, sizeof(out->url),
			         "https://www.facebook.com/%s", out->id);
			return CONN_OK;
		}
	}
	for (int i = 0; i < p->nmedia; i++) {
		const struct item_media *m = &p->media[i];
		if (m->mime && strncmp(m->mime, "image/", 6) != 0)
			return conn_fail(
			    ctx, CONN_E_UNSUPPORTED, "media_type",
			    "this connector publishes photos only; "
			    "%s is not an image",
			    m->mime);
		if (m->url == NULL && m->path == NULL)
			return conn_fail(ctx, CONN_E_CONFIG, "media",
			                 "a photo needs a URL or a file");
	}
	if (p->nmedia > 0) {
		/* a photo has no link attachment: the link goes in the text */
		struct buf c;
		buf_init(&c, 70000);
		if (p->text)
			buf_adds(&c, p->text);
		if (p->link)
			buf_printf(&c, "%s%s", c.len ? "\n\n" : "", p->link);
		caption = buf_detach(&c, NULL);
	}
	if (p->nmedia == 0) {
		struct graph_param pr[] = {
		    {"message", p->text}, {"link", p->link}, {NULL, NULL}};
		snprintf(path, sizeof(path), "%s/feed", page);
		rc = graph_call(ctx, "POST", path, pr, &j, NULL);
		if (rc == CONN_OK)
			rc = take_id(ctx, j, "id", out);
	} else if (p->nmedia == 1) {
		rc = upload_photo(ctx, page, &p->media[0], caption, 1, &j);
		if (rc == CONN_OK)
			rc = take_id(ctx, j, "post_id", out);
	} else {
		/* unpublished photos, then one post that attaches them */
		struct graph_param pr[ITEM_MAX_MEDIA + 2];
		char att[ITEM_MAX_MEDIA][96], names[ITEM_MAX_MEDIA][32];
		int n = 0;
		rc = CONN_OK;
		for (int i = 0; i < p->nmedia && rc == CONN_OK; i++) {
			json_t *u = NULL;
			rc = upload_photo(ctx, page, &p->media[i], NULL, 0, &u);
			if (rc == CONN_OK && conn_jstr(u, "id") == NULL)
				rc = conn_fail(ctx, CONN_E_MALFORMED, "id",
				               "a photo upload has no id");
			if (rc == CONN_OK) {
				snprintf(names[n], sizeof(names[n]),
				         "attached_media[%d]", n);
				snprintf(att[n], sizeof(att[n]),
				         "{\"media_fbid\":\"%.64s\"}",
				         conn_jstr(u, "id"));
				pr[n + 1].k = names[n];
				pr[n + 1].v = att[n];
				n++;
			}
			json_decref(u);
		}
		pr[0].k = "message";
		pr[0].v = caption;
		pr[n + 1].k = NULL;
		pr[n + 1].v = NULL;
		if (rc == CONN_OK) {
			snprintf(path, sizeof(path), "%s/feed", page);
			rc = graph_call(ctx, "POST", path, pr, &j, NULL);
			if (rc == CONN_OK)
				rc = take_id(ctx, j, "id", out);
		}
	}
	if (rc == CONN_OK && p->idempotency_key)
		conn_state_set(ctx, key, out->id);
	json_decref(j);
	free(caption);
	return rc;
}

static enum conn_rc
fb_metrics(struct conn_ctx *ctx)
{
	static const char *const page_map[] = {"page_follows",
	                                       METRIC_FOLLOWERS,
	                                       "page_media_view",
	                                       METRIC_VIEWS,
	                                       "page_total_media_view_unique",
	                                       METRIC_REACH,
	                                       NULL};
	static const char *const post_map[] = {"post_media_view", METRIC_VIEWS,
	                                       "post_total_media_view_unique",
	                                       METRIC_REACH, NULL};
	struct graph_param pi[] = {{"metric", "page_follows,page_media_view,"
	                                      "page_total_media_view_unique"},
	                           {"period", "day"},
	                           {NULL, NULL}};
	struct graph_param pp[] = {
	    {"fields", "id,shares,reactions.summary(total_count).limit(0),"
	               "comments.summary(true).limit(0)"},
	    {"limit", NULL},
	    {NULL, NULL}};
	struct graph_param pm[] = {
	    {"metric", "post_media_view,post_total_media_view_unique"},
	    {NULL, NULL}};
	const char *page = page_of(ctx);
	char path[512], lim[16], *body;
	json_t *j, *p;
	size_t i;
	enum conn_rc rc;

	if (page == NULL)
		return CONN_E_CONFIG;
	snprintf(path, sizeof(path), "%s/insights", page);
	rc = graph_call(ctx, "GET", path, pi, NULL, &body);
	if (rc != CONN_OK)
		return rc;
	rc = graph_parse_insights(ctx, body, strlen(body), NULL, page_map);
	free(body);
	if (rc != CONN_OK)
		return rc;

	snprintf(lim, sizeof(lim), "%lld",
	         (long long)num_of(ctx->config, "metric_posts", 10));
	pp[1].v = lim;
	snprintf(path, sizeof(path), "%s/published_posts", page);
	rc = graph_call(ctx, "GET", path, pp, &j, NULL);
	if (rc != CONN_OK)
		return rc;
	json_array_foreach(json_object_get(j, "data"), i, p)
	{
		const char *id = conn_jstr(p, "id");
		int64_t r = conn_jint(
		    json_object_get(json_object_get(p, "reactions"), "summary"),
		    "total_count");
		int64_t c = conn_jint(
		    json_object_get(json_object_get(p, "comments"), "summary"),
		    "total_count");
		int64_t s = conn_jint(json_object_get(p, "shares"), "count");
		if (id == NULL || strlen(id) > 256)
			continue;
		if ((r >= 0 && conn_emit_metric(ctx, id, METRIC_REACTIONS,
		                                (double)r, ctx->now) != 0) ||
		    (c >= 0 && conn_emit_metric(ctx, id, METRIC_COMMENTS,
		                                (double)c, ctx->now) != 0) ||
		    (s >= 0 && conn_emit_metric(ctx, id, METRIC_SHARES,
		                                (double)s, ctx->now) != 0)) {
			rc = conn_stopped(ctx);
			break;
		}
		snprintf(path, sizeof(path), "%s/insights", id);
		rc = graph_call(ctx, "GET", path, pm, NULL, &body);
		if (rc == CONN_E_PLATFORM || rc == CONN_E_NOTFOUND) {
			/* a post type without these insights */
			rc = CONN_OK;
			memset(&ctx->err, 0, sizeof(ctx->err));
			continue;
		}
		if (rc != CONN_OK)
			break;
		rc =
		    graph_parse_insights(ctx, body, strlen(body), id, post_map);
		free(body);
		if (rc != CONN_OK)
			break;
	}
	json_decref(j);
	return rc;
}

const struct connector conn_facebook_page = {
    .platform = "facebook_page",
    .label = "Facebook Page",
    .default_base = "https://graph.facebook.com/v23.0",
    .poll_interval = 300,
    .caps = CAP_OWN_POSTS | CAP_COMMENTS | CAP_MENTIONS | CAP_DMS | CAP_REPLY |
            CAP_HIDE | CAP_DELETE_OTHERS | CAP_PUBLISH | CAP_PUBLISH_MEDIA |
            CAP_METRICS | CAP_WEBHOOK,
    .note = "Mentions of the page arrive only through the webhook "
            "(field \"mention\"). Photos are published without alt text: "
            "the Graph API has no alt-text field for page photos. Only "
            "photos are published (no video); a link given with photos "
            "is added to the text. Messenger conversations are read only "
            "when the token has the pages_messaging permission. Graph has "
            "no idempotency key; kanalvakt remembers what it published.",
    .check_auth = fb_check_auth,
    .sync = fb_sync,
    .reply = fb_reply,
    .moderate = fb_moderate,
    .publish = fb_publish,
    .metrics = fb_metrics,
    .classify = graph_classify,
};
