/*
 * blog.c - conn_blog, the connector of platform "blog": our own blog read
 * through its feed (RSS / Atom / JSON Feed, read-only) or through the
 * WordPress REST API (wp/v2: posts, comments, reply, moderation,
 * publishing with media).  config "kind" picks which; see
 * docs/connectors/blog.md.
 *
 * Feed kind: a conditional GET (If-None-Match / If-Modified-Since from
 * state "etag" / "last_modified"), permanent redirects remembered in state
 * "feed_url_moved", RFC 5005 rel="next" / JSON Feed next_url pages up to
 * max_pages, and an optional comments feed.  The validators are stored
 * only once every page was read, so a cycle that failed half-way fetches
 * everything again next time (nothing lost); ids already emitted in a
 * cycle are skipped (nothing duplicated).
 *
 * WordPress kind: HTTP Basic with an application password; posts by
 * modified_after (state "posts_modified_after"), their comments per post
 * (complete listings), and recent comments on older posts by after=
 * (state "comments_after").  Cursors advance only after a complete
 * listing.
 */
#include "blog.h"
#include "../base/buf.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOG_URL_MAX   2048
#define BLOG_PER_PAGE  100
#define BLOG_REDIRECTS 5
#define BLOG_MEDIA_MAX (64u << 20) /* bytes of one file to upload */

static int
is_wordpress(const struct conn_ctx *ctx)
{
	const char *k = conn_cfg(ctx, "kind");
	return k && strcmp(k, "wordpress") == 0;
}

/* --- emitting ----------------------------------------------------------- */

/* 1 when id was already emitted in this cycle; else records it. */
static int
seen_before(json_t *seen, const char *id)
{
	if (seen == NULL)
		return 0;
	if (json_object_get(seen, id))
		return 1;
	json_object_set_new(seen, id, json_true());
	return 0;
}

int
blog_emit_feed(struct conn_ctx *ctx, const struct feed *f, int comments,
               json_t *seen)
{
	for (int i = 0; i < f->nentries; i++) {
		const struct feed_entry *e = &f->entries[i];
		struct item it;
		struct buf text;
		const char *body =
		    e->content_text ? e->content_text : e->summary;
		int rc;
		if (seen_before(seen, e->id))
			continue;
		item_init(&it);
		it.type = comments ? ITEM_COMMENT : ITEM_POST;
		it.inbound = comments ? 1 : 0;
		it.id = e->id;
		it.parent_id = comments ? e->in_reply_to : NULL;
		it.thread_id = it.parent_id;
		it.author_name = e->nauthors ? e->authors[0] : NULL;
		/* a post's title leads its text; a comment's title is noise */
		buf_init(&text, 4u * FEED_MAX_FIELD);
		if (!comments && e->title)
			buf_adds(&text, e->title);
		if (body) {
			if (text.len)
				buf_adds(&text, "\n\n");
			buf_adds(&text, body);
		} else if (comments && e->title) {
			buf_adds(&text, e->title);
		}
		it.text = buf_str(&text);
		it.html = e->content_html;
		it.created_at = e->published ? e->published : e->updated;
		it.edited_at =
		    e->updated && e->updated != it.created_at ? e->updated : 0;
		it.url = e->link;
		it.replies = e->comment_count;
		it.raw = e->raw;
		it.raw_type = f->type == FEED_JSON ? "application/feed+json"
		                                   : "application/xml";
		for (int m = 0; m < e->nmedia && m < ITEM_MAX_MEDIA; m++) {
			it.media[m].url = e->media[m].url;
			it.media[m].mime = e->media[m].type;
			it.media[m].alt = e->media[m].title;
			it.nmedia++;
		}
		rc = conn_emit(ctx, &it);
		buf_cleanup(&text);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* --- requests ----------------------------------------------------------- */

/* Prepares rq with the WordPress credentials (userpwd is the caller's
 * buffer, kept alive for the request). */
static void
wp_auth(struct conn_ctx *ctx, struct fetch_req *rq, char *userpwd, size_t len)
{
	const char *u = conn_cred(ctx, "username");
	const char *p = conn_cred(ctx, "app_password");
	if (u && p) {
		snprintf(userpwd, len, "%s:%s", u, p);
		rq->userpwd = userpwd;
		rq->secrets[0] = p;
	}
}

/* One wp/v2 call: method, path under base_url, JSON body (may be NULL). */
static enum conn_rc
wp_call(struct conn_ctx *ctx, const char *method, const char *path,
        json_t *body, struct fetch_resp *rs)
{
	struct fetch_req rq;
	char url[BLOG_URL_MAX], up[512];
	char *b = NULL;
	enum conn_rc rc;
	memset(&rq, 0, sizeof(rq));
	memset(rs, 0, sizeof(*rs));
	if (ctx->base_url == NULL || *ctx->base_url == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "base_url",
		                 "a WordPress channel needs config base_url "
		                 "(the site's API root, e.g. "
		                 "https://example.no/wp-json)");
	snprintf(url, sizeof(url), "%s%s", ctx->base_url, path);
	rq.method = method;
	rq.url = url;
	rq.headers[0] = "Accept: application/json";
	if (body) {
		b = json_dumps(body, JSON_COMPACT);
		rq.body = b;
		rq.body_len = b ? strlen(b) : 0;
		rq.headers[1] = "Content-Type: application/json";
	}
	wp_auth(ctx, &rq, up, sizeof(up));
	rc = conn_request(ctx, &rq, rs);
	free(b);
	return rc;
}

/* --- WordPress bodies --------------------------------------------------- */

static const char *
rendered(json_t *o, const char *k)
{
	return json_string_value(
	    json_object_get(json_object_get(o, k), "rendered"));
}

static int64_t
wp_time(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	int64_t t = 0;
	/* *_gmt carry no zone: they are UTC */
	if (s == NULL || time_parse_web(s, &t) != 0)
		return 0;
	return t;
}

static json_t *
wp_array(struct conn_ctx *ctx, const char *body, size_t len)
{
	struct fetch_resp rs;
	json_t *j;
	memset(&rs, 0, sizeof(rs));
	rs.body = (char *)(uintptr_t)body;
	rs.len = len;
	j = conn_json(ctx, &rs);
	if (j && !json_is_array(j)) {
		json_decref(j);
		conn_fail(ctx, CONN_E_MALFORMED, "shape",
		          "WordPress sent no array where the wp/v2 list was "
		          "expected");
		return NULL;
	}
	return j;
}

static void
later(char out[32], const char *s)
{
	if (s && strlen(s) < 32 && strcmp(s, out) > 0)
		snprintf(out, 32, "%s", s);
}

int
wp_parse_posts(struct conn_ctx *ctx, const char *body, size_t len,
               char max_modified[32], json_t *seen, json_t *ids)
{
	json_t *a = wp_array(ctx, body, len), *p;
	size_t i;
	int n = 0;
	if (a == NULL)
		return -1;
	for (i = 0;
	     i < json_array_size(a) && (p = json_array_get(a, i)) != NULL;
	     i++) {
		struct item it;
		char id[48], *text, *raw;
		json_int_t pid = json_integer_value(json_object_get(p, "id"));
		const char *title = rendered(p, "title");
		const char *html = rendered(p, "content");
		struct buf t;
		int rc;
		if (!json_is_object(p) || pid <= 0)
			continue;
		snprintf(id, sizeof(id), "post/%lld", (long long)pid);
		later(max_modified,
		      json_string_value(json_object_get(p, "modified")));
		n++;
		if (ids)
			json_array_append_new(ids, json_string(id));
		if (seen_before(seen, id))
			continue;
		item_init(&it);
		it.type = ITEM_POST;
		it.inbound = 0;
		it.id = id;
		buf_init(&t, 4u * FEED_MAX_FIELD);
		if (title) {
			char *tt = feed_html_text(title);
			buf_adds(&t, tt);
			free(tt);
		}
		text = feed_html_text(html ? html : rendered(p, "excerpt"));
		if (*text) {
			if (t.len)
				buf_adds(&t, "\n\n");
			buf_adds(&t, text);
		}
		free(text);
		it.text = buf_str(&t);
		it.html = html;
		it.created_at = wp_time(p, "date_gmt");
		it.edited_at = wp_time(p, "modified_gmt");
		if (it.edited_at == it.created_at)
			it.edited_at = 0;
		it.url = json_string_value(json_object_get(p, "link"));
		it.hidden = 0;
		raw = json_dumps(p, JSON_COMPACT);
		it.raw = raw;
		rc = conn_emit(ctx, &it);
		free(raw);
		buf_cleanup(&t);
		if (rc != 0) {
			json_decref(a);
			conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			          "the caller stopped the cycle");
			return -1;
		}
	}
	json_decref(a);
	return n;
}

int
wp_parse_comments(struct conn_ctx *ctx, const char *body, size_t len,
                  char max_date[32], json_t *seen, json_t *ids)
{
	json_t *a = wp_array(ctx, body, len), *c;
	const char *me = conn_state(ctx, "account_id");
	size_t i;
	int n = 0;
	if (a == NULL)
		return -1;
	for (i = 0;
	     i < json_array_size(a) && (c = json_array_get(a, i)) != NULL;
	     i++) {
		struct item it;
		char id[48], parent[48], thread[48], author[32], *text, *raw;
		json_int_t cid = json_integer_value(json_object_get(c, "id"));
		json_int_t post =
		    json_integer_value(json_object_get(c, "post"));
		json_int_t par =
		    json_integer_value(json_object_get(c, "parent"));
		json_int_t au =
		    json_integer_value(json_object_get(c, "author"));
		const char *st =
		    json_string_value(json_object_get(c, "status"));
		int rc;
		if (!json_is_object(c) || cid <= 0)
			continue;
		snprintf(id, sizeof(id), "comment/%lld", (long long)cid);
		snprintf(thread, sizeof(thread), "post/%lld", (long long)post);
		if (par > 0)
			snprintf(parent, sizeof(parent), "comment/%lld",
			         (long long)par);
		else
			snprintf(parent, sizeof(parent), "%s", thread);
		snprintf(author, sizeof(author), "%lld", (long long)au);
		later(max_date,
		      json_string_value(json_object_get(c, "date_gmt")));
		n++;
		if (ids)
			json_array_append_new(ids, json_string(id));
		if (seen_before(seen, id))
			continue;
		item_init(&it);
		it.type = par > 0 ? ITEM_REPLY : ITEM_COMMENT;
		it.id = id;
		it.parent_id = parent;
		it.thread_id = thread;
		it.author_id = au > 0 ? author : NULL;
		it.author_name =
		    json_string_value(json_object_get(c, "author_name"));
		it.inbound = !(au > 0 && me && strcmp(me, author) == 0);
		it.html = rendered(c, "content");
		text = feed_html_text(it.html);
		it.text = text;
		it.created_at = wp_time(c, "date_gmt");
		it.url = json_string_value(json_object_get(c, "link"));
		it.hidden = st ? strcmp(st, "approved") != 0 : -1;
		it.deleted = st && strcmp(st, "trash") == 0;
		raw = json_dumps(c, JSON_COMPACT);
		it.raw = raw;
		rc = conn_emit(ctx, &it);
		free(raw);
		free(text);
		if (rc != 0) {
			json_decref(a);
			conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			          "the caller stopped the cycle");
			return -1;
		}
	}
	json_decref(a);
	return n;
}

/* --- WordPress sync ----------------------------------------------------- */

typedef int (*wp_page_fn)(struct conn_ctx *ctx, const char *body, size_t len,
                          char max[32], json_t *seen, json_t *ids);

/* Reads every page of a wp/v2 list (query without page/per_page) through
 * fn.  CONN_OK only when the listing is complete. */
static enum conn_rc
wp_list(struct conn_ctx *ctx, const char *path, const char *query,
        wp_page_fn fn, char max[32], json_t *seen, json_t *ids)
{
	for (int page = 1; page <= ctx->max_pages; page++) {
		struct fetch_resp rs;
		char p[BLOG_URL_MAX];
		const char *tp;
		int64_t total = 0;
		enum conn_rc rc;
		int n;
		snprintf(p, sizeof(p), "%s?per_page=%d&page=%d%s%s", path,
		         BLOG_PER_PAGE, page, query && *query ? "&" : "",
		         query ? query : "");
		rc = wp_call(ctx, "GET", p, NULL, &rs);
		if (rc != CONN_OK) {
			/* asking past the last page is how some lists end */
			int end =
			    strcmp(ctx->err.code,
			           "rest_post_invalid_page_number") == 0 ||
			    strcmp(ctx->err.code,
			           "rest_comment_invalid_page_number") == 0;
			fetch_resp_free(&rs);
			if (end && page > 1) {
				memset(&ctx->err, 0, sizeof(ctx->err));
				return CONN_OK;
			}
			return rc;
		}
		n = fn(ctx, rs.body, rs.len, max, seen, ids);
		tp = fetch_header(&rs, "X-WP-TotalPages");
		if (tp == NULL || parse_i64(tp, &total) != 0)
			total = 0;
		{
			const char *link = fetch_header(&rs, "Link");
			int more = link && strstr(link, "rel=\"next\"");
			fetch_resp_free(&rs);
			if (n < 0)
				return ctx->err.rc;
			if (n == 0 || (total > 0 && page >= total) ||
			    (total == 0 && !more && n < BLOG_PER_PAGE))
				return CONN_OK;
		}
	}
	return conn_fail(ctx, CONN_E_PLATFORM, "max_pages",
	                 "more than %d pages; the rest comes next cycle",
	                 ctx->max_pages);
}

static enum conn_rc
wp_sync(struct conn_ctx *ctx)
{
	json_t *seen = json_object(), *posts = json_array(), *v;
	char maxmod[32] = "", maxc[32] = "", q[256], e1[96], e2[96];
	const char *since = conn_state(ctx, "posts_modified_after");
	const char *csince = conn_state(ctx, "comments_after");
	enum conn_rc rc;
	size_t i;

	snprintf(maxmod, sizeof(maxmod), "%s", since ? since : "");
	snprintf(maxc, sizeof(maxc), "%s", csince ? csince : "");
	snprintf(q, sizeof(q), "orderby=modified&order=asc%s%s",
	         since ? "&modified_after=" : "",
	         since ? url_escape(since, e1, sizeof(e1)) : "");
	rc = wp_list(ctx, "/wp/v2/posts", q, wp_parse_posts, maxmod, seen,
	             posts);
	if (rc != CONN_OK)
		goto out;

	/* the comments of every new or changed post: complete listings */
	for (i = 0; i < json_array_size(posts) &&
	            (v = json_array_get(posts, i)) != NULL;
	     i++) {
		const char *pid = json_string_value(v) + 5; /* "post/" */
		json_t *ids = json_array();
		char cq[64];
		snprintf(cq, sizeof(cq), "post=%s&orderby=date_gmt&order=asc",
		         pid);
		rc = wp_list(ctx, "/wp/v2/comments", cq, wp_parse_comments,
		             maxc, seen, ids);
		if (rc == CONN_OK) {
			const char **arr =
			    xcalloc(json_array_size(ids) + 1, sizeof(*arr));
			size_t k;
			json_t *x;
			for (k = 0; k < json_array_size(ids) &&
			            (x = json_array_get(ids, k)) != NULL;
			     k++)
				arr[k] = json_string_value(x);
			conn_emit_listing(ctx, json_string_value(v),
			                  (const char *const *)arr,
			                  (int)json_array_size(ids));
			free(arr);
		}
		json_decref(ids);
		if (rc != CONN_OK)
			goto out;
	}

	/* new comments on older posts */
	snprintf(q, sizeof(q), "orderby=date_gmt&order=asc%s%s",
	         csince ? "&after=" : "",
	         csince ? url_escape(csince, e2, sizeof(e2)) : "");
	rc = wp_list(ctx, "/wp/v2/comments", q, wp_parse_comments, maxc, seen,
	             NULL);
	if (rc != CONN_OK)
		goto out;

	/* every listing was complete: now the cursors may move */
	if (maxmod[0])
		conn_state_set(ctx, "posts_modified_after", maxmod);
	if (maxc[0])
		conn_state_set(ctx, "comments_after", maxc);
out:
	json_decref(seen);
	json_decref(posts);
	return rc;
}

/* --- feed sync ---------------------------------------------------------- */

/*
 * One feed document at url (conditional when cond), with permanent
 * redirects followed and remembered (when moved_key).  On CONN_OK, *f
 * holds the parsed feed, or is empty with *not_modified = 1 (304).
 */
static enum conn_rc
feed_get(struct conn_ctx *ctx, const char *url0, const char *etag_key,
         const char *lm_key, const char *moved_key, struct feed *f,
         int *not_modified, char *etag, char *lm, size_t vlen)
{
	char url[BLOG_URL_MAX], inm[600], ims[200], err[300];
	const char *ct;
	enum conn_rc rc = CONN_OK;
	memset(f, 0, sizeof(*f));
	*not_modified = 0;
	etag[0] = lm[0] = 0;
	snprintf(url, sizeof(url), "%s", url0);
	for (int hop = 0;; hop++) {
		struct fetch_req rq;
		struct fetch_resp rs;
		const char *loc;
		int h = 0;
		memset(&rq, 0, sizeof(rq));
		rq.url = url;
		rq.headers[h++] = "Accept: application/atom+xml, "
		                  "application/rss+xml, application/feed+json, "
		                  "application/xml;q=0.9, */*;q=0.8";
		if (etag_key && conn_state(ctx, etag_key)) {
			snprintf(inm, sizeof(inm), "If-None-Match: %s",
			         conn_state(ctx, etag_key));
			rq.headers[h++] = inm;
		}
		if (lm_key && conn_state(ctx, lm_key)) {
			snprintf(ims, sizeof(ims), "If-Modified-Since: %s",
			         conn_state(ctx, lm_key));
			rq.headers[h++] = ims;
		}
		rq.max_body = FEED_MAX_BODY;
		rc = conn_request(ctx, &rq, &rs);
		if (rc != CONN_OK) {
			fetch_resp_free(&rs);
			return rc;
		}
		loc = fetch_header(&rs, "Location");
		if (rs.status >= 300 && rs.status < 400 && rs.status != 304) {
			char *to;
			if (loc == NULL || hop >= BLOG_REDIRECTS) {
				fetch_resp_free(&rs);
				return conn_fail(
				    ctx, CONN_E_PLATFORM, "redirect",
				    "HTTP %ld without a usable Location "
				    "(or too many redirects)",
				    ctx->err.http_status);
			}
			to = feed_resolve(loc, url);
			if (!str_starts(to, "http://") &&
			    !str_starts(to, "https://")) {
				free(to);
				fetch_resp_free(&rs);
				return conn_fail(
				    ctx, CONN_E_PLATFORM, "redirect",
				    "a redirect to a non-HTTP URL");
			}
			snprintf(url, sizeof(url), "%s", to);
			free(to);
			if ((rs.status == 301 || rs.status == 308) && moved_key)
				conn_state_set(ctx, moved_key, url);
			fetch_resp_free(&rs);
			continue;
		}
		if (rs.status == 304) {
			*not_modified = 1;
			fetch_resp_free(&rs);
			return CONN_OK;
		}
		if (fetch_header(&rs, "ETag"))
			snprintf(etag, vlen, "%s", fetch_header(&rs, "ETag"));
		if (fetch_header(&rs, "Last-Modified"))
			snprintf(lm, vlen, "%s",
			         fetch_header(&rs, "Last-Modified"));
		ct = fetch_header(&rs, "Content-Type");
		if (feed_parse(rs.body, rs.len, ct, url, f, err, sizeof(err)) !=
		    0)
			rc = conn_fail(ctx, CONN_E_MALFORMED, "feed",
			               "the feed at %s could not be read: %s",
			               url, err);
		fetch_resp_free(&rs);
		return rc;
	}
}

/* The whole feed (first page conditional, then rel="next" pages);
 * validators saved in state only when every page came. */
static enum conn_rc
feed_sync_one(struct conn_ctx *ctx, const char *url, int comments, json_t *seen)
{
	const char *ek = comments ? "comments_etag" : "etag";
	const char *lk = comments ? "comments_last_modified" : "last_modified";
	const char *mk =
	    comments ? "comments_feed_url_moved" : "feed_url_moved";
	char etag[512], lm[128], e2[512], l2[128];
	struct feed f;
	int nm;
	enum conn_rc rc;
	json_t *visited = json_object();

	rc = feed_get(ctx, url, ek, lk, mk, &f, &nm, etag, lm, sizeof(etag));
	for (int page = 1; rc == CONN_OK && !nm; page++) {
		char next[BLOG_URL_MAX] = "";
		if (blog_emit_feed(ctx, &f, comments, seen) != 0) {
			feed_free(&f);
			json_decref(visited);
			return conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			                 "the caller stopped the cycle");
		}
		if (f.next_url && !json_object_get(visited, f.next_url))
			snprintf(next, sizeof(next), "%s", f.next_url);
		feed_free(&f);
		if (!next[0])
			break;
		if (page >= ctx->max_pages) {
			rc =
			    conn_fail(ctx, CONN_E_PLATFORM, "max_pages",
			              "more than %d feed pages; the rest comes "
			              "next cycle",
			              ctx->max_pages);
			break;
		}
		json_object_set_new(visited, next, json_true());
		rc = feed_get(ctx, next, NULL, NULL, NULL, &f, &nm, e2, l2,
		              sizeof(e2));
	}
	json_decref(visited);
	if (rc == CONN_OK && !nm) {
		conn_state_set(ctx, ek, etag[0] ? etag : NULL);
		conn_state_set(ctx, lk, lm[0] ? lm : NULL);
	}
	return rc;
}

static enum conn_rc
feed_sync(struct conn_ctx *ctx)
{
	const char *url = conn_state(ctx, "feed_url_moved");
	const char *curl = conn_state(ctx, "comments_feed_url_moved");
	json_t *seen = json_object();
	enum conn_rc rc;
	if (url == NULL)
		url = conn_cfg(ctx, "feed_url");
	if (curl == NULL)
		curl = conn_cfg(ctx, "comments_feed_url");
	if (url == NULL) {
		json_decref(seen);
		return conn_fail(ctx, CONN_E_CONFIG, "feed_url",
		                 "a feed channel needs config feed_url");
	}
	rc = feed_sync_one(ctx, url, 0, seen);
	if (rc == CONN_OK && curl)
		rc = feed_sync_one(ctx, curl, 1, seen);
	json_decref(seen);
	return rc;
}

/* --- operations --------------------------------------------------------- */

static enum conn_rc
blog_sync(struct conn_ctx *ctx)
{
	return is_wordpress(ctx) ? wp_sync(ctx) : feed_sync(ctx);
}

static enum conn_rc
feed_only(struct conn_ctx *ctx, const char *what)
{
	return conn_fail(ctx, CONN_E_UNSUPPORTED, "feed",
	                 "a blog read through its feed is read-only: %s needs "
	                 "the WordPress kind (REST API with an application "
	                 "password)",
	                 what);
}

static enum conn_rc
blog_check_auth(struct conn_ctx *ctx)
{
	struct fetch_resp rs;
	json_t *j;
	enum conn_rc rc;
	if (!is_wordpress(ctx)) {
		/* feeds have no credentials: the feed must be readable */
		struct feed f;
		char e[512], l[128];
		int nm;
		const char *url = conn_state(ctx, "feed_url_moved");
		if (url == NULL)
			url = conn_cfg(ctx, "feed_url");
		if (url == NULL)
			return conn_fail(
			    ctx, CONN_E_CONFIG, "feed_url",
			    "a feed channel needs config feed_url");
		rc = feed_get(ctx, url, NULL, NULL, "feed_url_moved", &f, &nm,
		              e, l, sizeof(e));
		feed_free(&f);
		return rc;
	}
	if (!conn_cred(ctx, "username") || !conn_cred(ctx, "app_password"))
		return conn_fail(
		    ctx, CONN_E_AUTH, "no_credentials",
		    "WordPress needs cred username and app_password "
		    "(an application password)");
	rc = wp_call(ctx, "GET", "/wp/v2/users/me?context=edit", NULL, &rs);
	if (rc == CONN_OK) {
		j = conn_json(ctx, &rs);
		if (j && json_integer_value(json_object_get(j, "id")) > 0) {
			char id[32];
			snprintf(id, sizeof(id), "%lld",
			         (long long)json_integer_value(
			             json_object_get(j, "id")));
			conn_state_set(ctx, "account_id", id);
		} else if (j) {
			rc = conn_fail(ctx, CONN_E_MALFORMED, "shape",
			               "users/me has no id");
		} else {
			rc = ctx->err.rc;
		}
		json_decref(j);
	}
	fetch_resp_free(&rs);
	return rc;
}

/* The number in "comment/12", "post/4" or "12" when prefix matches; 0. */
static long long
wp_id(const char *id, const char *prefix)
{
	int64_t v;
	size_t n = strlen(prefix);
	if (id == NULL)
		return 0;
	if (strncmp(id, prefix, n) == 0 && id[n] == '/')
		id += n + 1;
	if (parse_i64(id, &v) != 0 || v <= 0)
		return 0;
	return (long long)v;
}

/* Fills out from a created object {id, link|source_url}. */
static enum conn_rc
wp_result(struct conn_ctx *ctx, struct fetch_resp *rs, const char *kind,
          struct conn_result *out, json_t **keep)
{
	json_t *j = conn_json(ctx, rs);
	json_int_t id;
	if (j == NULL)
		return ctx->err.rc;
	id = json_integer_value(json_object_get(j, "id"));
	if (id <= 0) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "WordPress answered without an id");
	}
	if (out) {
		const char *l = json_string_value(json_object_get(j, "link"));
		snprintf(out->id, sizeof(out->id), "%s/%lld", kind,
		         (long long)id);
		snprintf(out->url, sizeof(out->url), "%s", l ? l : "");
	}
	if (keep)
		*keep = j;
	else
		json_decref(j);
	return CONN_OK;
}

static enum conn_rc
blog_reply(struct conn_ctx *ctx, const char *parent_id, const char *text,
           struct conn_result *out)
{
	struct fetch_resp rs;
	json_t *body;
	long long post = wp_id(parent_id, "post"), parent = 0;
	enum conn_rc rc;
	if (!is_wordpress(ctx))
		return feed_only(ctx, "replying");
	if (parent_id && str_starts(parent_id, "comment/")) {
		char p[64];
		json_t *j;
		parent = wp_id(parent_id, "comment");
		post = 0;
		snprintf(p, sizeof(p), "/wp/v2/comments/%lld", parent);
		rc = wp_call(ctx, "GET", p, NULL, &rs);
		if (rc == CONN_OK && (j = conn_json(ctx, &rs)) != NULL) {
			post = json_integer_value(json_object_get(j, "post"));
			json_decref(j);
		}
		fetch_resp_free(&rs);
		if (rc != CONN_OK)
			return rc;
	}
	if (post <= 0)
		return conn_fail(ctx, CONN_E_NOTFOUND, "parent",
		                 "no WordPress post or comment %s",
		                 parent_id ? parent_id : "(none)");
	body = json_pack("{sIsIss}", "post", (json_int_t)post, "parent",
	                 (json_int_t)parent, "content", text ? text : "");
	rc = wp_call(ctx, "POST", "/wp/v2/comments", body, &rs);
	json_decref(body);
	if (rc == CONN_OK)
		rc = wp_result(ctx, &rs, "comment", out, NULL);
	fetch_resp_free(&rs);
	return rc;
}

static enum conn_rc
blog_moderate(struct conn_ctx *ctx, const char *item_id, enum conn_mod what)
{
	struct fetch_resp rs;
	char p[64];
	long long id;
	enum conn_rc rc;
	if (!is_wordpress(ctx))
		return feed_only(ctx, "moderation");
	if (item_id && str_starts(item_id, "post/"))
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "post",
		                 "only comments are moderated here; posts are "
		                 "edited in WordPress");
	id = wp_id(item_id, "comment");
	if (id == 0)
		return conn_fail(ctx, CONN_E_NOTFOUND, "id",
		                 "not a WordPress comment id: %s",
		                 item_id ? item_id : "(none)");
	snprintf(p, sizeof(p), "/wp/v2/comments/%lld", id);
	if (what == MOD_DELETE) {
		/* without force=true WordPress moves it to the trash */
		rc = wp_call(ctx, "DELETE", p, NULL, &rs);
	} else {
		json_t *b = json_pack("{ss}", "status",
		                      what == MOD_HIDE ? "hold" : "approve");
		rc = wp_call(ctx, "POST", p, b, &rs);
		json_decref(b);
	}
	fetch_resp_free(&rs);
	return rc;
}

static char *
slurp_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char tmp[65536];
	size_t n;
	if (f == NULL)
		return NULL;
	buf_init(&b, BLOG_MEDIA_MAX);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (buf_add(&b, tmp, n) != 0)
			break;
	fclose(f);
	if (b.overflow) {
		buf_cleanup(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

/* Uploads one file (POST /wp/v2/media) and sets its alt text; *id and
 * src (the served URL, srclen bytes) on CONN_OK. */
static enum conn_rc
wp_media(struct conn_ctx *ctx, const struct item_media *m, long long *id,
         char *src, size_t srclen)
{
	struct fetch_req rq;
	struct fetch_resp rs;
	char url[BLOG_URL_MAX], up[512], ctype[160], disp[400], fname[200];
	const char *base;
	char *data;
	size_t len = 0;
	json_t *j = NULL;
	enum conn_rc rc;

	if (m->path == NULL || (data = slurp_file(m->path, &len)) == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "media",
		                 "cannot read the media file %s",
		                 m->path ? m->path : "(none)");
	base = strrchr(m->path, '/');
	base = base ? base + 1 : m->path;
	/* a file name is a quoted-string: keep it plain */
	{
		size_t k = 0;
		for (const char *s = base; *s && k + 1 < sizeof(fname); s++)
			fname[k++] = (*s == '"' || *s == '\\' ||
			              (unsigned char)*s < 0x20)
			                 ? '_'
			                 : *s;
		fname[k] = 0;
	}
	memset(&rq, 0, sizeof(rq));
	snprintf(url, sizeof(url), "%s/wp/v2/media", ctx->base_url);
	snprintf(ctype, sizeof(ctype), "Content-Type: %s",
	         m->mime ? m->mime : "application/octet-stream");
	snprintf(disp, sizeof(disp),
	         "Content-Disposition: attachment; filename=\"%s\"", fname);
	rq.method = "POST";
	rq.url = url;
	rq.headers[0] = "Accept: application/json";
	rq.headers[1] = ctype;
	rq.headers[2] = disp;
	rq.body = data;
	rq.body_len = len;
	rq.timeout_ms = 120000;
	wp_auth(ctx, &rq, up, sizeof(up));
	rc = conn_request(ctx, &rq, &rs);
	free(data);
	if (rc == CONN_OK)
		rc = wp_result(ctx, &rs, "media", NULL, &j);
	fetch_resp_free(&rs);
	if (rc != CONN_OK)
		return rc;
	*id = (long long)json_integer_value(json_object_get(j, "id"));
	snprintf(src, srclen, "%s",
	         json_string_value(json_object_get(j, "source_url"))
	             ? json_string_value(json_object_get(j, "source_url"))
	             : "");
	json_decref(j);
	if (m->alt && *m->alt) {
		char p[64];
		json_t *b = json_pack("{ss}", "alt_text", m->alt);
		snprintf(p, sizeof(p), "/wp/v2/media/%lld", *id);
		rc = wp_call(ctx, "POST", p, b, &rs);
		json_decref(b);
		fetch_resp_free(&rs);
	}
	return rc;
}

/* Escapes s for HTML text or a quoted attribute into b. */
static void
html_esc(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			buf_addc(b, *s);
		}
	}
}

static enum conn_rc
blog_publish(struct conn_ctx *ctx, const struct conn_post *p,
             struct conn_result *out)
{
	struct buf html;
	struct fetch_resp rs;
	long long featured = 0;
	json_t *body;
	enum conn_rc rc = CONN_OK;
	if (!is_wordpress(ctx))
		return feed_only(ctx, "publishing");
	buf_init(&html, 8u << 20);
	/* the text as paragraphs: blank lines split, single newlines <br> */
	buf_adds(&html, "<p>");
	for (const char *s = p->text ? p->text : ""; *s; s++) {
		if (s[0] == '\n' && s[1] == '\n') {
			buf_adds(&html, "</p>\n<p>");
			while (s[1] == '\n')
				s++;
		} else if (*s == '\n') {
			buf_adds(&html, "<br>\n");
		} else {
			char one[2] = {*s, 0};
			html_esc(&html, one);
		}
	}
	buf_adds(&html, "</p>");
	if (p->link) {
		buf_adds(&html, "\n<p><a href=\"");
		html_esc(&html, p->link);
		buf_adds(&html, "\">");
		html_esc(&html, p->link);
		buf_adds(&html, "</a></p>");
	}
	for (int i = 0; i < p->nmedia && rc == CONN_OK; i++) {
		long long mid = 0;
		char src[1024];
		rc = wp_media(ctx, &p->media[i], &mid, src, sizeof(src));
		if (rc != CONN_OK)
			break;
		if (featured == 0) {
			featured = mid;
			continue; /* the first is the featured image */
		}
		buf_adds(&html, "\n<figure><img src=\"");
		html_esc(&html, src);
		buf_adds(&html, "\" alt=\"");
		html_esc(&html, p->media[i].alt);
		buf_adds(&html, "\"></figure>");
	}
	if (rc != CONN_OK) {
		buf_cleanup(&html);
		return rc;
	}
	body = json_pack("{ssssss}", "title", p->title ? p->title : "",
	                 "content", buf_str(&html), "status", "publish");
	if (featured)
		json_object_set_new(body, "featured_media",
		                    json_integer((json_int_t)featured));
	buf_cleanup(&html);
	rc = wp_call(ctx, "POST", "/wp/v2/posts", body, &rs);
	json_decref(body);
	if (rc == CONN_OK)
		rc = wp_result(ctx, &rs, "post", out, NULL);
	fetch_resp_free(&rs);
	return rc;
}

/* X-WP-Total of a one-item list. */
static enum conn_rc
wp_total(struct conn_ctx *ctx, const char *path, int64_t *n)
{
	struct fetch_resp rs;
	const char *t;
	enum conn_rc rc = wp_call(ctx, "GET", path, NULL, &rs);
	if (rc == CONN_OK) {
		t = fetch_header(&rs, "X-WP-Total");
		if (t == NULL || parse_i64(t, n) != 0)
			rc = conn_fail(ctx, CONN_E_MALFORMED, "X-WP-Total",
			               "WordPress sent no X-WP-Total header");
	}
	fetch_resp_free(&rs);
	return rc;
}

static enum conn_rc
blog_metrics(struct conn_ctx *ctx)
{
	int64_t posts, comments;
	enum conn_rc rc;
	if (!is_wordpress(ctx))
		return feed_only(ctx, "metrics");
	/* WordPress core keeps no views or reach: counts are all there is */
	rc = wp_total(ctx, "/wp/v2/posts?per_page=1", &posts);
	if (rc == CONN_OK)
		rc = wp_total(ctx, "/wp/v2/comments?per_page=1", &comments);
	if (rc != CONN_OK)
		return rc;
	conn_emit_metric(ctx, NULL, METRIC_POSTS, (double)posts, ctx->now);
	conn_emit_metric(ctx, NULL, METRIC_COMMENTS, (double)comments,
	                 ctx->now);
	return CONN_OK;
}

/*
 * WordPress errors are {"code","message","data":{"status"}}.  401 (not
 * logged in, wrong application password) is CONN_E_AUTH, and so is a 403
 * whose code is about credentials; a 403 rest_cannot_* for a logged-in
 * user is a missing capability (CONN_E_PLATFORM).  Feeds have no error
 * body: the HTTP status decides (conn_request's default).
 */
static int
blog_classify(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	json_t *j;
	const char *code, *msg;
	enum conn_rc rc;
	if (rs->status < 400 || !is_wordpress(ctx) || rs->len == 0 ||
	    rs->body[0] != '{')
		return 0;
	j = json_loadb(rs->body, rs->len, 0, NULL);
	code = json_string_value(json_object_get(j, "code"));
	msg = json_string_value(json_object_get(j, "message"));
	if (code == NULL) {
		json_decref(j);
		return 0;
	}
	if (rs->status == 401 || strcmp(code, "incorrect_password") == 0 ||
	    strcmp(code, "invalid_username") == 0 ||
	    strcmp(code, "invalid_email") == 0 ||
	    strcmp(code, "rest_not_logged_in") == 0 ||
	    strcmp(code, "application_passwords_disabled") == 0)
		rc = CONN_E_AUTH;
	else if (rs->status == 429)
		rc = CONN_E_RATELIMIT;
	else if (rs->status == 404 || strstr(code, "_invalid_id"))
		rc = CONN_E_NOTFOUND;
	else if (rs->status >= 500)
		rc = CONN_E_NETWORK;
	else
		rc = CONN_E_PLATFORM;
	conn_fail(ctx, rc, code, "%s", msg ? msg : code);
	json_decref(j);
	return 1;
}

const struct connector conn_blog = {
    .platform = "blog",
    .label = "Blog (feed or WordPress)",
    .default_base = "",
    .poll_interval = 900,
    .caps = CAP_OWN_POSTS | CAP_COMMENTS | CAP_REPLY | CAP_HIDE |
            CAP_DELETE_OTHERS | CAP_PUBLISH | CAP_PUBLISH_MEDIA | CAP_METRICS,
    .note = "A blog read through its feed (RSS, Atom, JSON Feed) is "
            "read-only: no replies, moderation, publishing or metrics. "
            "WordPress (REST API with an application password) adds "
            "replies, holding/approving/trashing comments and publishing "
            "with a featured image; WordPress core keeps no views or "
            "reach, so its only metrics are the post and comment counts.",
    .check_auth = blog_check_auth,
    .sync = blog_sync,
    .reply = blog_reply,
    .moderate = blog_moderate,
    .publish = blog_publish,
    .metrics = blog_metrics,
    .classify = blog_classify,
};
