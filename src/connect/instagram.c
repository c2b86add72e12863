/*
 * instagram.c - the Instagram connector (platform "instagram") on the
 * Instagram Graph API with Facebook Login (graph.facebook.com): the
 * account's media, comments with their replies, media it is tagged in and
 * mentions announced by the webhook, replies, hiding and deleting
 * comments, publishing through a media container, and insights.
 *
 * cred: "access_token" (or "page_token"), optional "app_secret"
 * (appsecret_proof; webhooks), optional "expires_at" (epoch).
 * config: "account" (the Instagram professional account's id, required),
 * optional "lookback_days" (default 7), "metric_posts" (default 10).
 *
 * State: "username" (learnt at check_auth or from the media), "watermark"
 * (newest media time seen after a complete cycle), "cc:<media-id>" (the
 * comment count when its comments were last read completely),
 * "ig_mentions" (mentions the webhook announced, "c:<id> m:<id> …", read in
 * full by the next sync), "pub:<key>" (published with that idempotency
 * key).
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
#include <time.h>

#define IG_PAGE_LIMIT   "25"
#define IG_LOOKBACK_DEF 7
#define IG_POLL_MAX     10 /* container status checks before giving up */
#define IG_MAX_CAROUSEL 10 /* Instagram's limit of items in a carousel */

#define IG_MEDIA_FIELDS                                                        \
	"id,caption,media_type,media_url,permalink,timestamp,like_count,"      \
	"comments_count,username"
#define IG_COMMENT_FIELDS                                                      \
	"id,text,timestamp,username,like_count,hidden,from,"                   \
	"replies{id,text,timestamp,username,like_count,hidden,from}"

/* Fills the fields a media object and a mention share. */
static void
media_item(struct item *it, json_t *m, const char *username)
{
	const char *u = conn_jstr(m, "username");
	it->id = conn_jstr(m, "id");
	it->text = conn_jstr(m, "caption");
	it->created_at = graph_time(json_object_get(m, "timestamp"));
	it->url = conn_jstr(m, "permalink");
	it->author_handle = u;
	it->inbound = !(u && username && strcmp(u, username) == 0);
	it->likes = conn_jint(m, "like_count");
	it->replies = conn_jint(m, "comments_count");
	if (conn_jstr(m, "media_url")) {
		it->media[0].url = conn_jstr(m, "media_url");
		it->nmedia = 1;
	}
}

enum conn_rc
instagram_parse_media(struct conn_ctx *ctx, const char *body, size_t len,
                      const char *username, enum item_type type,
                      struct graph_ids *seen, struct graph_ids *media,
                      char **next)
{
	json_t *j = graph_load(ctx, body, len), *data, *m;
	size_t i;
	enum conn_rc rc = CONN_OK;

	*next = NULL;
	if (j == NULL)
		return ctx->err.rc;
	data = json_object_get(j, "data");
	if (!json_is_array(data)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "media",
		                 "the media body has no data list");
	}
	json_array_foreach(data, i, m)
	{
		struct item it;
		char line[320];
		item_init(&it);
		media_item(&it, m, username);
		if (it.id == NULL || strlen(it.id) > 256)
			continue;
		it.type = type;
		if (type == ITEM_POST)
			it.inbound = 0; /* the account's own media */
		if (media) {
			snprintf(line, sizeof(line), "%s\t%lld\t%lld", it.id,
			         (long long)it.replies,
			         (long long)it.created_at);
			graph_ids_add(media, line);
		}
		if (!graph_ids_add(seen, it.id))
			continue;
		if (conn_emit_json(ctx, &it, m) != 0) {
			rc = conn_stopped(ctx);
			break;
		}
	}
	if (rc == CONN_OK && graph_next(j))
		*next = xstrdup(graph_next(j));
	json_decref(j);
	return rc;
}

/* One comment or reply. */
static int
emit_comment(struct conn_ctx *ctx, json_t *c, const char *username,
             const char *media_id, const char *parent, struct graph_ids *seen)
{
	struct item it;
	json_t *from = json_object_get(c, "from");
	const char *u = conn_jstr(c, "username");
	char fbuf[32];
	item_init(&it);
	it.id = conn_jstr(c, "id");
	if (it.id == NULL || strlen(it.id) > 256 || !graph_ids_add(seen, it.id))
		return 0;
	if (u == NULL)
		u = conn_jstr(from, "username");
	it.type = parent ? ITEM_REPLY : ITEM_COMMENT;
	it.parent_id = parent ? parent : media_id;
	it.thread_id = media_id;
	it.text = conn_jstr(c, "text");
	it.created_at = graph_time(json_object_get(c, "timestamp"));
	it.author_handle = u;
	it.author_id =
	    graph_idstr(json_object_get(from, "id"), fbuf, sizeof(fbuf));
	it.inbound = !(u && username && strcmp(u, username) == 0);
	it.likes = conn_jint(c, "like_count");
	if (json_is_boolean(json_object_get(c, "hidden")))
		it.hidden = json_is_true(json_object_get(c, "hidden"));
	return conn_emit_json(ctx, &it, c);
}

enum conn_rc
instagram_parse_comments(struct conn_ctx *ctx, const char *body, size_t len,
                         const char *username, const char *media_id,
                         struct graph_ids *seen, char **next)
{
	json_t *j = graph_load(ctx, body, len), *data, *c, *r;
	size_t i, k;
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
		const char *cid = conn_jstr(c, "id");
		if (emit_comment(ctx, c, username, media_id, NULL, seen) != 0) {
			rc = conn_stopped(ctx);
			goto out;
		}
		if (cid == NULL || strlen(cid) > 256)
			continue;
		json_array_foreach(
		    json_object_get(json_object_get(c, "replies"), "data"), k,
		    r)
		{
			if (emit_comment(ctx, r, username, media_id, cid,
			                 seen) != 0) {
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

enum conn_rc
instagram_parse_mention(struct conn_ctx *ctx, const char *body, size_t len,
                        struct graph_ids *seen)
{
	json_t *j = graph_load(ctx, body, len), *m;
	struct item it;
	enum conn_rc rc = CONN_OK;

	if (j == NULL)
		return ctx->err.rc;
	item_init(&it);
	it.type = ITEM_MENTION;
	if (json_is_object(m = json_object_get(j, "mentioned_comment"))) {
		json_t *md = json_object_get(m, "media");
		it.id = conn_jstr(m, "id");
		it.text = conn_jstr(m, "text");
		it.created_at = graph_time(json_object_get(m, "timestamp"));
		it.author_handle = conn_jstr(m, "username");
		it.likes = conn_jint(m, "like_count");
		it.parent_id = conn_jstr(md, "id");
		it.thread_id = it.parent_id;
		it.url = conn_jstr(md, "permalink");
	} else if (json_is_object(m = json_object_get(j, "mentioned_media"))) {
		media_item(&it, m, NULL);
		it.type = ITEM_MENTION;
	} else {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "mention",
		                 "the mention body has no mentioned_comment or "
		                 "mentioned_media");
	}
	it.inbound = 1;
	if (it.id && strlen(it.id) <= 256 && graph_ids_add(seen, it.id) &&
	    conn_emit_json(ctx, &it, m) != 0)
		rc = conn_stopped(ctx);
	json_decref(j);
	return rc;
}

/* --- operations -------------------------------------------------------- */

static const char *
account_of(struct conn_ctx *ctx)
{
	const char *p = conn_cfg(ctx, "account");
	if (p == NULL)
		conn_fail(ctx, CONN_E_CONFIG, "account",
		          "the channel has no Instagram account id (config "
		          "\"account\")");
	return p;
}

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

static void
sleep_ms(int64_t ms)
{
	struct timespec ts;
	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static enum conn_rc
ig_check_auth(struct conn_ctx *ctx)
{
	const char *acc = account_of(ctx);
	struct graph_param pr[] = {{"fields", "id,username"}, {NULL, NULL}};
	json_t *j;
	enum conn_rc rc;

	if (acc == NULL)
		return CONN_E_CONFIG;
	ctx->token_expires_at = num_of(ctx->cred, "expires_at", 0);
	rc = graph_call(ctx, "GET", acc, pr, &j, NULL);
	if (rc != CONN_OK)
		return rc;
	if (conn_jstr(j, "id") == NULL) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "account",
		                 "the account answer has no id");
	}
	conn_state_set(ctx, "account_id", conn_jstr(j, "id"));
	if (conn_jstr(j, "username"))
		conn_state_set(ctx, "username", conn_jstr(j, "username"));
	json_decref(j);
	return CONN_OK;
}

/* Reads every page of comments of a media; emits its listing when done. */
static enum conn_rc
sync_comments(struct conn_ctx *ctx, const char *media_id, int64_t count)
{
	struct graph_param pr[] = {
	    {"fields", IG_COMMENT_FIELDS}, {"limit", "50"}, {NULL, NULL}};
	struct graph_ids ids = {0};
	char path[512], key[320], *next = NULL, *body;
	const char *user = conn_state(ctx, "username");
	enum conn_rc rc = CONN_OK;
	int pages = 0, complete = 0;

	snprintf(path, sizeof(path), "%s/comments", media_id);
	for (;;) {
		char *n2 = NULL;
		rc = graph_call(ctx, "GET", next ? next : path,
		                next ? NULL : pr, NULL, &body);
		if (rc != CONN_OK)
			break;
		rc = instagram_parse_comments(ctx, body, strlen(body), user,
		                              media_id, &ids, &n2);
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
	if (rc == CONN_OK && complete) {
		char c[32];
		if (conn_emit_listing(ctx, media_id, (const char *const *)ids.v,
		                      ids.n) != 0)
			rc = conn_stopped(ctx);
		snprintf(key, sizeof(key), "cc:%s", media_id);
		snprintf(c, sizeof(c), "%lld", (long long)count);
		conn_state_set(ctx, key, c);
	}
	graph_ids_free(&ids);
	return rc;
}

/* Reads the mentions the webhook announced (state "ig_mentions"); those
 * read or gone leave the list. */
static enum conn_rc
sync_mentions(struct conn_ctx *ctx, const char *acc, struct graph_ids *seen)
{
	const char *pend = conn_state(ctx, "ig_mentions");
	char *list, *save = NULL, *tok;
	struct buf left;
	enum conn_rc rc = CONN_OK;

	if (pend == NULL)
		return CONN_OK;
	list = xstrdup(pend);
	buf_init(&left, 1u << 20);
	for (tok = strtok_r(list, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char f[512], *body;
		struct graph_param pr[] = {{"fields", f}, {NULL, NULL}};
		if (rc != CONN_OK || strlen(tok) < 3 || strlen(tok) > 100 ||
		    (tok[0] != 'c' && tok[0] != 'm') || tok[1] != ':') {
			if (rc != CONN_OK)
				buf_printf(&left, "%s%s", left.len ? " " : "",
				           tok);
			continue;
		}
		if (tok[0] == 'c')
			snprintf(f, sizeof(f),
			         "mentioned_comment.comment_id(%s){id,text,"
			         "timestamp,username,like_count,"
			         "media{id,permalink}}",
			         tok + 2);
		else
			snprintf(f, sizeof(f),
			         "mentioned_media.media_id(%s){id,caption,"
			         "media_type,media_url,permalink,timestamp,"
			         "username,like_count,comments_count}",
			         tok + 2);
		rc = graph_call(ctx, "GET", acc, pr, NULL, &body);
		if (rc == CONN_OK) {
			rc = instagram_parse_mention(ctx, body, strlen(body),
			                             seen);
			free(body);
		}
		if (rc == CONN_E_NOTFOUND || rc == CONN_E_PLATFORM ||
		    rc == CONN_E_MALFORMED) {
			/* gone, or no longer readable: drop it */
			rc = CONN_OK;
			memset(&ctx->err, 0, sizeof(ctx->err));
		} else if (rc != CONN_OK) {
			buf_printf(&left, "%s%s", left.len ? " " : "", tok);
		}
	}
	conn_state_set(ctx, "ig_mentions", left.len ? buf_str(&left) : NULL);
	buf_cleanup(&left);
	free(list);
	return rc;
}

static enum conn_rc
ig_sync(struct conn_ctx *ctx)
{
	const char *acc = account_of(ctx);
	struct graph_param pr[] = {{"fields", IG_MEDIA_FIELDS},
	                           {"limit", IG_PAGE_LIMIT},
	                           {NULL, NULL}};
	struct graph_ids seen = {0}, media = {0};
	char path[512], *next = NULL, *body;
	int64_t wm, since, newest = 0;
	int pages = 0, complete = 0;
	enum conn_rc rc = CONN_OK;

	if (acc == NULL)
		return CONN_E_CONFIG;
	wm = num_of(ctx->state, "watermark", 0);
	since = wm > 0 ? wm - num_of(ctx->config, "lookback_days",
	                             IG_LOOKBACK_DEF) *
	                          86400
	               : 0;
	snprintf(path, sizeof(path), "%s/media", acc);
	for (;;) {
		char *n2 = NULL;
		int before = media.n, old;
		rc = graph_call(ctx, "GET", next ? next : path,
		                next ? NULL : pr, NULL, &body);
		if (rc != CONN_OK)
			break;
		if (conn_state(ctx, "username") == NULL) {
			/* the account's own media carry its username */
			json_t *j = json_loads(body, 0, NULL);
			const char *u = conn_jstr(
			    json_array_get(json_object_get(j, "data"), 0),
			    "username");
			if (u)
				conn_state_set(ctx, "username", u);
			json_decref(j);
		}
		rc = instagram_parse_media(ctx, body, strlen(body),
		                           conn_state(ctx, "username"),
		                           ITEM_POST, &seen, &media, &n2);
		free(body);
		free(next);
		next = n2;
		if (rc != CONN_OK)
			break;
		old = since > 0 && media.n > before;
		for (int i = before; i < media.n; i++) {
			const char *t = strrchr(media.v[i], '\t');
			if (t && strtoll(t + 1, NULL, 10) >= since)
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

	for (int i = 0; rc == CONN_OK && i < media.n; i++) {
		char id[300], key[320];
		long long cnt = 0, ts = 0;
		const char *t1 = strchr(media.v[i], '\t'), *was;
		size_t l = t1 ? (size_t)(t1 - media.v[i]) : 0;
		if (t1 == NULL || l >= sizeof(id) ||
		    sscanf(t1 + 1, "%lld\t%lld", &cnt, &ts) != 2)
			continue;
		memcpy(id, media.v[i], l);
		id[l] = 0;
		if (ts > newest)
			newest = ts;
		snprintf(key, sizeof(key), "cc:%s", id);
		was = conn_state(ctx, key);
		if (cnt == 0) {
			/* nothing to read: an empty listing */
			if (conn_emit_listing(ctx, id, NULL, 0) != 0)
				rc = conn_stopped(ctx);
			continue;
		}
		if (since > 0 && ts < since && was &&
		    strtoll(was, NULL, 10) == cnt)
			continue; /* old and unchanged */
		rc = sync_comments(ctx, id, cnt);
		if (rc == CONN_E_NOTFOUND) {
			rc = CONN_OK;
			memset(&ctx->err, 0, sizeof(ctx->err));
		}
	}

	/* media the account is tagged in */
	if (rc == CONN_OK) {
		struct graph_param pt[] = {{"fields", IG_MEDIA_FIELDS},
		                           {"limit", IG_PAGE_LIMIT},
		                           {NULL, NULL}};
		char *n2 = NULL;
		snprintf(path, sizeof(path), "%s/tags", acc);
		rc = graph_call(ctx, "GET", path, pt, NULL, &body);
		if (rc == CONN_OK) {
			rc = instagram_parse_media(ctx, body, strlen(body),
			                           conn_state(ctx, "username"),
			                           ITEM_MENTION, &seen, NULL,
			                           &n2);
			free(body);
			free(n2);
		} else if (rc == CONN_E_PLATFORM) {
			rc = CONN_OK; /* the token may not read tags */
			memset(&ctx->err, 0, sizeof(ctx->err));
		}
	}
	if (rc == CONN_OK)
		rc = sync_mentions(ctx, acc, &seen);
	if (rc == CONN_OK && newest > wm) {
		char w[32];
		snprintf(w, sizeof(w), "%lld", (long long)newest);
		conn_state_set(ctx, "watermark", w);
	}
	graph_ids_free(&seen);
	graph_ids_free(&media);
	return rc;
}

static enum conn_rc
take_id(struct conn_ctx *ctx, json_t *j, struct conn_result *out)
{
	const char *id = conn_jstr(j, "id");
	if (id == NULL)
		return conn_fail(ctx, CONN_E_MALFORMED, "id",
		                 "the platform's answer has no id");
	if (out) {
		snprintf(out->id, sizeof(out->id), "%s", id);
		out->url[0] = 0;
	}
	return CONN_OK;
}

static enum conn_rc
ig_reply(struct conn_ctx *ctx, const char *parent_id, const char *text,
         struct conn_result *out)
{
	struct graph_param pr[] = {{"message", text}, {NULL, NULL}};
	char path[512];
	json_t *j;
	enum conn_rc rc;

	if (parent_id == NULL || *parent_id == 0 || text == NULL || *text == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "reply",
		                 "a reply needs a parent id and text");
	snprintf(path, sizeof(path), "%s/replies", parent_id);
	rc = graph_call(ctx, "POST", path, pr, &j, NULL);
	if (rc == CONN_E_PLATFORM && strncmp(ctx->err.code, "100", 3) == 0) {
		/* not a comment: a top-level comment on the media */
		snprintf(path, sizeof(path), "%s/comments", parent_id);
		rc = graph_call(ctx, "POST", path, pr, &j, NULL);
	}
	if (rc != CONN_OK)
		return rc;
	rc = take_id(ctx, j, out);
	json_decref(j);
	return rc;
}

static enum conn_rc
ig_moderate(struct conn_ctx *ctx, const char *item_id, enum conn_mod what)
{
	return graph_moderate(ctx, item_id, what, "hide");
}

static int
is_video(const struct item_media *m)
{
	return m->mime && strncmp(m->mime, "video/", 6) == 0;
}

/* Creates one container; its id into id[64]. */
static enum conn_rc
container(struct conn_ctx *ctx, const char *acc, const struct item_media *m,
          const char *caption, int child, char id[64])
{
	struct graph_param pr[8];
	char path[512];
	json_t *j;
	enum conn_rc rc;
	int n = 0;

	if (is_video(m)) {
		pr[n++] = (struct graph_param){"video_url", m->url};
		pr[n++] = (struct graph_param){"media_type", "REELS"};
	} else {
		pr[n++] = (struct graph_param){"image_url", m->url};
		if (m->alt && *m->alt)
			pr[n++] = (struct graph_param){"alt_text", m->alt};
	}
	if (child)
		pr[n++] = (struct graph_param){"is_carousel_item", "true"};
	else if (caption)
		pr[n++] = (struct graph_param){"caption", caption};
	pr[n] = (struct graph_param){NULL, NULL};
	snprintf(path, sizeof(path), "%s/media", acc);
	rc = graph_call(ctx, "POST", path, pr, &j, NULL);
	if (rc != CONN_OK)
		return rc;
	if (conn_jstr(j, "id") == NULL || strlen(conn_jstr(j, "id")) >= 64)
		rc = conn_fail(ctx, CONN_E_MALFORMED, "container",
		               "the container answer has no id");
	else
		snprintf(id, 64, "%s", conn_jstr(j, "id"));
	json_decref(j);
	return rc;
}

/* Waits until a container is FINISHED (bounded, with back-off). */
static enum conn_rc
wait_ready(struct conn_ctx *ctx, const char *cid)
{
	struct graph_param pr[] = {{"fields", "status_code,status"},
	                           {NULL, NULL}};
	for (int a = 0; a < IG_POLL_MAX; a++) {
		json_t *j;
		const char *st;
		enum conn_rc rc = graph_call(ctx, "GET", cid, pr, &j, NULL);
		if (rc != CONN_OK)
			return rc;
		st = conn_jstr(j, "status_code");
		if (st && strcmp(st, "FINISHED") == 0) {
			json_decref(j);
			return CONN_OK;
		}
		if (st &&
		    (strcmp(st, "ERROR") == 0 || strcmp(st, "EXPIRED") == 0)) {
			rc = conn_fail(ctx, CONN_E_PLATFORM, st,
			               "Instagram could not prepare the media: "
			               "%s",
			               conn_jstr(j, "status")
			                   ? conn_jstr(j, "status")
			                   : st);
			json_decref(j);
			return rc;
		}
		json_decref(j);
		sleep_ms(backoff_ms(a, ctx->backoff_base_ms,
		                    ctx->backoff_base_ms * 30));
	}
	return conn_fail(ctx, CONN_E_PLATFORM, "not_ready",
	                 "the media container was not ready after %d checks",
	                 IG_POLL_MAX);
}

static enum conn_rc
ig_publish(struct conn_ctx *ctx, const struct conn_post *p,
           struct conn_result *out)
{
	const char *acc = account_of(ctx);
	char key[300], cid[64], path[512], *caption = NULL;
	char kids[IG_MAX_CAROUSEL][64];
	json_t *j = NULL;
	enum conn_rc rc = CONN_OK;

	if (acc == NULL)
		return CONN_E_CONFIG;
	if (p->nmedia == 0)
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "no_media",
		                 "Instagram posts need an image or a video; "
		                 "text alone cannot be published");
	if (p->nmedia > IG_MAX_CAROUSEL)
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "too_many",
		                 "Instagram takes at most %d items in a post",
		                 IG_MAX_CAROUSEL);
	for (int i = 0; i < p->nmedia; i++)
		if (p->media[i].url == NULL)
			return conn_fail(
			    ctx, CONN_E_UNSUPPORTED, "needs_url",
			    "Instagram fetches media itself from a public "
			    "URL (image_url); %s is only a local file. "
			    "Publish it at a public URL first",
			    p->media[i].path ? p->media[i].path : "the media");
	if (p->idempotency_key) {
		snprintf(key, sizeof(key), "pub:%s", p->idempotency_key);
		if (conn_state(ctx, key)) {
			snprintf(out->id, sizeof(out->id), "%s",
			         conn_state(ctx, key));
			out->url[0] = 0;
			return CONN_OK;
		}
	}
	{
		struct buf c;
		buf_init(&c, 70000);
		if (p->text)
			buf_adds(&c, p->text);
		if (p->link) /* Instagram has no link field: in the caption */
			buf_printf(&c, "%s%s", c.len ? "\n\n" : "", p->link);
		caption = buf_detach(&c, NULL);
	}
	if (p->nmedia == 1) {
		rc = container(ctx, acc, &p->media[0], caption, 0, cid);
	} else {
		struct buf ch;
		buf_init(&ch, 4096);
		for (int i = 0; i < p->nmedia && rc == CONN_OK; i++) {
			rc =
			    container(ctx, acc, &p->media[i], NULL, 1, kids[i]);
			if (rc == CONN_OK && is_video(&p->media[i]))
				rc = wait_ready(ctx, kids[i]);
			if (rc == CONN_OK)
				buf_printf(&ch, "%s%s", i ? "," : "", kids[i]);
		}
		if (rc == CONN_OK) {
			struct graph_param pr[] = {{"media_type", "CAROUSEL"},
			                           {"children", buf_str(&ch)},
			                           {"caption", caption},
			                           {NULL, NULL}};
			snprintf(path, sizeof(path), "%s/media", acc);
			rc = graph_call(ctx, "POST", path, pr, &j, NULL);
			if (rc == CONN_OK && (conn_jstr(j, "id") == NULL ||
			                      strlen(conn_jstr(j, "id")) >= 64))
				rc = conn_fail(ctx, CONN_E_MALFORMED,
				               "container",
				               "the carousel answer has no id");
			if (rc == CONN_OK)
				snprintf(cid, sizeof(cid), "%s",
				         conn_jstr(j, "id"));
			json_decref(j);
			j = NULL;
		}
		buf_cleanup(&ch);
	}
	if (rc == CONN_OK)
		rc = wait_ready(ctx, cid);
	if (rc == CONN_OK) {
		struct graph_param pr[] = {{"creation_id", cid}, {NULL, NULL}};
		snprintf(path, sizeof(path), "%s/media_publish", acc);
		rc = graph_call(ctx, "POST", path, pr, &j, NULL);
		if (rc == CONN_OK)
			rc = take_id(ctx, j, out);
		json_decref(j);
		j = NULL;
	}
	if (rc == CONN_OK) {
		/* the public URL; the post stands even when this fails */
		struct graph_param pr[] = {{"fields", "permalink"},
		                           {NULL, NULL}};
		if (p->idempotency_key)
			conn_state_set(ctx, key, out->id);
		if (graph_call(ctx, "GET", out->id, pr, &j, NULL) == CONN_OK &&
		    conn_jstr(j, "permalink"))
			snprintf(out->url, sizeof(out->url), "%s",
			         conn_jstr(j, "permalink"));
		memset(&ctx->err, 0, sizeof(ctx->err));
		json_decref(j);
	}
	free(caption);
	return rc;
}

static enum conn_rc
ig_metrics(struct conn_ctx *ctx)
{
	static const char *const user_map[] = {
	    "reach",          METRIC_REACH,    "views", METRIC_VIEWS,
	    "follower_count", "new_followers", NULL};
	static const char *const media_map[] = {
	    "reach",    METRIC_REACH,    "likes",  METRIC_REACTIONS,
	    "comments", METRIC_COMMENTS, "shares", METRIC_SHARES,
	    "views",    METRIC_VIEWS,    NULL};
	struct graph_param pa[] = {{"fields", "followers_count,media_count"},
	                           {NULL, NULL}};
	struct graph_param pu[] = {{"metric", "reach,follower_count"},
	                           {"period", "day"},
	                           {NULL, NULL}};
	struct graph_param pv[] = {{"metric", "views"},
	                           {"period", "day"},
	                           {"metric_type", "total_value"},
	                           {NULL, NULL}};
	struct graph_param pm[] = {{"fields", "id,like_count,comments_count"},
	                           {"limit", NULL},
	                           {NULL, NULL}};
	struct graph_param pi[] = {{"metric",
	                            "reach,saved,likes,comments,shares,"
	                            "total_interactions,views"},
	                           {NULL, NULL}};
	const char *acc = account_of(ctx);
	char path[512], lim[16], *body;
	json_t *j, *m;
	size_t i;
	enum conn_rc rc;

	if (acc == NULL)
		return CONN_E_CONFIG;
	rc = graph_call(ctx, "GET", acc, pa, &j, NULL);
	if (rc != CONN_OK)
		return rc;
	if ((conn_jint(j, "followers_count") >= 0 &&
	     conn_emit_metric(ctx, NULL, METRIC_FOLLOWERS,
	                      (double)conn_jint(j, "followers_count"),
	                      ctx->now) != 0) ||
	    (conn_jint(j, "media_count") >= 0 &&
	     conn_emit_metric(ctx, NULL, METRIC_POSTS,
	                      (double)conn_jint(j, "media_count"),
	                      ctx->now) != 0)) {
		json_decref(j);
		return conn_stopped(ctx);
	}
	json_decref(j);
	snprintf(path, sizeof(path), "%s/insights", acc);
	for (int k = 0; k < 2; k++) {
		rc = graph_call(ctx, "GET", path, k ? pv : pu, NULL, &body);
		if (rc != CONN_OK)
			return rc;
		rc = graph_parse_insights(ctx, body, strlen(body), NULL,
		                          user_map);
		free(body);
		if (rc != CONN_OK)
			return rc;
	}
	snprintf(lim, sizeof(lim), "%lld",
	         (long long)num_of(ctx->config, "metric_posts", 10));
	pm[1].v = lim;
	snprintf(path, sizeof(path), "%s/media", acc);
	rc = graph_call(ctx, "GET", path, pm, &j, NULL);
	if (rc != CONN_OK)
		return rc;
	json_array_foreach(json_object_get(j, "data"), i, m)
	{
		const char *id = conn_jstr(m, "id");
		if (id == NULL || strlen(id) > 256)
			continue;
		snprintf(path, sizeof(path), "%s/insights", id);
		rc = graph_call(ctx, "GET", path, pi, NULL, &body);
		if (rc == CONN_E_PLATFORM || rc == CONN_E_NOTFOUND) {
			/* e.g. "(#10) Not enough viewers" */
			rc = CONN_OK;
			memset(&ctx->err, 0, sizeof(ctx->err));
			continue;
		}
		if (rc != CONN_OK)
			break;
		rc = graph_parse_insights(ctx, body, strlen(body), id,
		                          media_map);
		free(body);
		if (rc != CONN_OK)
			break;
	}
	json_decref(j);
	return rc;
}

const struct connector conn_instagram = {
    .platform = "instagram",
    .label = "Instagram",
    .default_base = "https://graph.facebook.com/v23.0",
    .poll_interval = 300,
    .caps = CAP_OWN_POSTS | CAP_COMMENTS | CAP_MENTIONS | CAP_REPLY | CAP_HIDE |
            CAP_DELETE_OTHERS | CAP_PUBLISH | CAP_PUBLISH_MEDIA | CAP_METRICS |
            CAP_WEBHOOK,
    .note = "Instagram cannot publish text alone, and fetches media itself "
            "from a public URL: files that exist only locally cannot be "
            "published. Links in captions are not clickable. Direct "
            "messages are not read. Caption mentions arrive only through "
            "the webhook (field \"mentions\"); photo tags are polled. "
            "Only the first page of replies under each comment is read.",
    .check_auth = ig_check_auth,
    .sync = ig_sync,
    .reply = ig_reply,
    .moderate = ig_moderate,
    .publish = ig_publish,
    .metrics = ig_metrics,
    .classify = graph_classify,
};
