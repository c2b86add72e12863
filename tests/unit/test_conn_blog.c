/*
 * test_conn_blog.c - conn_blog through real HTTP (tests/lib/replay.py):
 * the feed kind (conditional GET and 304, ETag kept, 301 remembered,
 * rel="next" paging, 429 with Retry-After, a malformed feed, a failure
 * mid-page and the recovery with nothing lost or duplicated, the comments
 * feed, read-only operations) and the WordPress kind (posts and comments
 * paging with the cursors, the 400 past the last page, reply, hold /
 * approve / trash, publishing with media and alt text, counts, auth
 * errors).  Feeds come from ../shared/fixtures/feeds/feed-rs and
 * tests/fixtures/blog; WordPress bodies from tests/fixtures/wordpress
 * (synthetic, see its README).
 */
#include "t.h"
#include "replay.h"
#include "conn_collect.h"

#include "../../src/base/util.h"
#include "../../src/connect/blog.h"

#include <sodium.h>
#include <strings.h>
#include <unistd.h>

static void
ctx_setup(struct conn_ctx *ctx, struct coll *s, json_t *config, json_t *cred,
          json_t *state)
{
	conn_ctx_init(ctx, &conn_blog, config, cred, state);
	ctx->backoff_base_ms = 5;
	coll_reset(s);
	coll_attach(s, ctx);
}

/* header name of the idx-th logged request to path (-1: last), or NULL */
static char *
req_header(const struct replay *rp, const char *path, int idx, const char *name)
{
	json_t *a = replay_requests(rp), *r, *hit = NULL;
	size_t i;
	int n = 0;
	char *out = NULL;
	json_array_foreach(a, i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "path")),
		           path) == 0) {
			if (idx < 0 || n == idx)
				hit = r;
			n++;
		}
	}
	if (hit) {
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(hit, "headers"), k, v)
		{
			if (strcasecmp(k, name) == 0)
				out = strdup(json_string_value(v));
		}
		if (strcmp(name, "body") == 0)
			out = strdup(
			    json_string_value(json_object_get(hit, "body")));
	}
	json_decref(a);
	return out;
}

static json_t *
cfg_feed(const struct replay *rp, const char *path, const char *comments)
{
	char u[256], c[256];
	snprintf(u, sizeof(u), "%s%s", rp->base, path);
	if (comments)
		snprintf(c, sizeof(c), "%s%s", rp->base, comments);
	return comments ? json_pack("{ssssss}", "kind", "feed", "feed_url", u,
	                            "comments_feed_url", c)
	                : json_pack("{ssss}", "kind", "feed", "feed_url", u);
}

T_TEST(feed_conditional)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s = {0};
	json_t *cfg, *st = json_object();
	char *h;
	if (!replay_start(
	        &rp,
	        "{\"routes\":["
	        "{\"path\":\"/feed.xml\",\"headers\":{\"ETag\":\"\\\"v1\\\"\","
	        "\"Last-Modified\":\"Tue, 02 Mar 2021 22:40:00 GMT\","
	        "\"Content-Type\":\"application/rss+xml\"},"
	        "\"body_file\":\"feeds/feed-rs/rss2/rss_2.0_relurl_1.xml\"},"
	        "{\"path\":\"/feed.xml\",\"status\":304}]}"))
		return;
	cfg = cfg_feed(&rp, "/feed.xml", NULL);
	ctx_setup(&ctx, &s, cfg, NULL, st);
	T_EQ_INT(conn_blog.sync(&ctx), CONN_OK);
	T_EQ_INT(json_array_size(s.items), 2);
	T_EQ_STR(coll_s(&s,
	                "https://insanity.industries/post/"
	                "pareto-optimal-compression/",
	                "type"),
	         "post");
	T_EQ_INT(coll_i(&s,
	                "https://insanity.industries/post/"
	                "pareto-optimal-compression/",
	                "inbound"),
	         0);
	T_EQ_STR(conn_state(&ctx, "etag"), "\"v1\"");
	T_EQ_STR(conn_state(&ctx, "last_modified"),
	         "Tue, 02 Mar 2021 22:40:00 GMT");
	conn_ctx_cleanup(&ctx);

	/* the second poll is conditional and gets 304: nothing new */
	ctx_setup(&ctx, &s, cfg, NULL, st);
	T_EQ_INT(conn_blog.sync(&ctx), CONN_OK);
	T_EQ_INT(json_array_size(s.items), 0);
	h = req_header(&rp, "/feed.xml", 1, "If-None-Match");
	T_EQ_STR(h, "\"v1\"");
	free(h);
	h = req_header(&rp, "/feed.xml", 1, "If-Modified-Since");
	T_EQ_STR(h, "Tue, 02 Mar 2021 22:40:00 GMT");
	free(h);
	h = req_header(&rp, "/feed.xml", 0, "If-None-Match");
	T_ASSERT(h == NULL);
	free(h);
	T_EQ_STR(conn_state(&ctx, "etag"), "\"v1\"");
	/* a feed is read-only */
	{
		struct conn_result r;
		T_EQ_INT(conn_blog.reply(&ctx, "x", "hi", &r),
		         CONN_E_UNSUPPORTED);
		T_ASSERT(strstr(ctx.err.message, "read-only") != NULL);
		T_EQ_INT(conn_blog.moderate(&ctx, "x", MOD_HIDE),
		         CONN_E_UNSUPPORTED);
		T_EQ_INT(conn_blog.metrics(&ctx), CONN_E_UNSUPPORTED);
	}
	conn_ctx_cleanup(&ctx);
	T_EQ_INT(replay_unmatched(&rp), 0);
	json_decref(cfg);
	json_decref(st);
	coll_free(&s);
	replay_stop(&rp);
}

T_TEST(feed_moved_and_throttled)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s = {0};
	json_t *cfg, *st = json_object();
	char want[256];
	if (!replay_start(&rp,
	                  "{\"rewrite\":[\"https://blog.example\"],\"routes\":["
	                  "{\"path\":\"/old.xml\",\"status\":301,\"headers\":{"
	                  "\"Location\":\"https://blog.example/new.xml\"}},"
	                  "{\"path\":\"/new.xml\",\"status\":429,\"headers\":{"
	                  "\"Retry-After\":\"1\"}},"
	                  "{\"path\":\"/new.xml\",\"status\":503,\"headers\":{"
	                  "\"Retry-After\":\"1\"}},"
	                  "{\"path\":\"/new.xml\",\"body_file\":"
	                  "\"feeds/feed-rs/atom/atom_example_6.xml\"},"
	                  "{\"path\":\"/new.xml\",\"status\":429,\"times\":0,"
	                  "\"headers\":{\"Retry-After\":\"3600\"}}]}"))
		return;
	cfg = cfg_feed(&rp, "/old.xml", NULL);
	ctx_setup(&ctx, &s, cfg, NULL, st);
	T_EQ_INT(conn_blog.sync(&ctx), CONN_OK);
	T_EQ_INT(json_array_size(s.items), 4);
	snprintf(want, sizeof(want), "%s/new.xml", rp.base);
	T_EQ_STR(conn_state(&ctx, "feed_url_moved"), want);
	T_EQ_INT(replay_count(&rp, "GET", "/new.xml"), 3);
	conn_ctx_cleanup(&ctx);

	/* the next poll goes straight to the new URL; a long Retry-After is
	 * not waited for */
	ctx_setup(&ctx, &s, cfg, NULL, st);
	T_EQ_INT(conn_blog.sync(&ctx), CONN_E_RATELIMIT);
	T_ASSERT(ctx.err.retry_at >= time_now() + 3500);
	T_EQ_INT(replay_count(&rp, "GET", "/old.xml"), 1);
	conn_ctx_cleanup(&ctx);
	T_EQ_INT(replay_unmatched(&rp), 0);
	json_decref(cfg);
	json_decref(st);
	coll_free(&s);
	replay_stop(&rp);
}

T_TEST(feed_paging_recovery)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s = {0};
	json_t *cfg, *st = json_object(), *all = json_object();
	size_t i;
	json_t *x;
	if (!replay_start(
	        &rp, "{\"rewrite\":[\"https://blog.example\"],\"routes\":["
	             "{\"path\":\"/paged.xml\",\"query_absent\":[\"page\"],"
	             "\"headers\":{\"ETag\":\"W/\\\"p1\\\"\"},"
	             "\"body_file\":\"tests/fixtures/blog/"
	             "paged_1.xml\",\"times\":2},"
	             "{\"path\":\"/paged.xml\",\"query\":{\"page\":\"2\"},"
	             "\"fault\":\"close_mid_body\","
	             "\"body_file\":\"tests/fixtures/blog/paged_2.xml\"},"
	             "{\"path\":\"/paged.xml\",\"query\":{\"page\":\"2\"},"
	             "\"body_file\":\"tests/fixtures/blog/paged_2.xml\"},"
	             "{\"path\":\"/comments.xml\","
	             "\"body_file\":\"tests/fixtures/blog/comments.xml\"},"
	             "{\"path\":\"/bad.xml\",\"body_file\":"
	             "\"feeds/feed-rs/rss2/rss_2.0_invalid_1.xml\"}]}"))
		return;
	cfg = cfg_feed(&rp, "/paged.xml", "/comments.xml");
	/* run 1: page 2 breaks off mid-body */
	ctx_setup(&ctx, &s, cfg, NULL, st);
	ctx.max_retries = 0;
	T_EQ_INT(conn_blog.sync(&ctx), CONN_E_NETWORK);
	T_EQ_INT(json_array_size(s.items), 2);
	T_ASSERT(conn_state(&ctx, "etag") == NULL); /* not complete */
	T_EQ_INT(s.dups, 0);
	json_array_foreach(s.items, i, x) json_object_set(
	    all, json_string_value(json_object_get(x, "id")), json_true());
	conn_ctx_cleanup(&ctx);

	/* run 2: everything, once; the overlap between pages is not repeated */
	ctx_setup(&ctx, &s, cfg, NULL, st);
	ctx.max_retries = 0;
	T_EQ_INT(conn_blog.sync(&ctx), CONN_OK);
	T_EQ_INT(s.dups, 0);
	T_EQ_INT(json_array_size(s.items), 5); /* a1 a2 a3 + c1 c2 */
	json_array_foreach(s.items, i, x) json_object_set(
	    all, json_string_value(json_object_get(x, "id")), json_true());
	T_EQ_INT(json_object_size(all), 5);
	T_EQ_STR(conn_state(&ctx, "etag"), "W/\"p1\"");
	{
		char want[256];
		snprintf(want, sizeof(want), "%s/2024/03/01/apningstider/",
		         rp.base);
		T_EQ_STR(coll_s(&s, "urn:post:a1", "url"), want);
	}
	T_EQ_STR(coll_s(&s, "urn:post:a1", "text"),
	         "\xc3\x85pningstider i p\xc3\xa5sken\n\nBiblioteket holder "
	         "\xc3\xa5pent.");
	T_EQ_INT(coll_i(&s, "urn:post:a2", "nmedia"), 1);
	T_EQ_INT(coll_i(&s, "urn:post:a2", "created"), 1709634600);
	T_EQ_STR(coll_s(&s, "urn:comment:c1", "type"), "comment");
	T_EQ_STR(coll_s(&s, "urn:comment:c1", "parent"), "urn:post:a1");
	T_EQ_INT(coll_i(&s, "urn:comment:c1", "inbound"), 1);
	T_EQ_STR(coll_s(&s, "urn:comment:c2", "parent"), "urn:comment:c1");
	T_EQ_STR(coll_s(&s, "urn:comment:c2", "text"), "Nei.");
	conn_ctx_cleanup(&ctx);

	/* a broken feed is a clean CONN_E_MALFORMED */
	json_decref(cfg);
	cfg = cfg_feed(&rp, "/bad.xml", NULL);
	ctx_setup(&ctx, &s, cfg, NULL, NULL);
	T_EQ_INT(conn_blog.sync(&ctx), CONN_E_MALFORMED);
	T_ASSERT(strstr(ctx.err.message, "not well-formed") != NULL);
	T_EQ_INT(json_array_size(s.items), 0);
	conn_ctx_cleanup(&ctx);
	T_EQ_INT(replay_unmatched(&rp), 0);
	json_decref(cfg);
	json_decref(st);
	json_decref(all);
	coll_free(&s);
	replay_stop(&rp);
}

#define WP "tests/fixtures/wordpress/"

static json_t *
cfg_wp(const struct replay *rp)
{
	char u[256];
	snprintf(u, sizeof(u), "%s/wp-json", rp->base);
	return json_pack("{ssss}", "kind", "wordpress", "base_url", u);
}

T_TEST(wordpress_sync)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s = {0};
	json_t *cfg, *cred, *st = json_object();
	json_t *l;
	if (!replay_start(
	        &rp,
	        "{\"rewrite\":[\"https://blog.example\"],\"routes\":["
	        "{\"path\":\"/wp-json/wp/v2/users/me\",\"body_file\":\"" WP
	        "users_me.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/posts\",\"query\":{\"page\":\"1\","
	        "\"per_page\":\"100\",\"orderby\":\"modified\"},"
	        "\"query_absent\":[\"modified_after\"],"
	        "\"headers\":{\"X-WP-Total\":\"3\",\"X-WP-TotalPages\":\"3\"},"
	        "\"body_file\":\"" WP "posts_p1.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/posts\",\"query\":{\"page\":\"2\"},"
	        "\"query_absent\":[\"modified_after\"],"
	        "\"headers\":{\"X-WP-Total\":\"3\",\"X-WP-TotalPages\":\"3\"},"
	        "\"body_file\":\"" WP "posts_p2.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/posts\",\"query\":{\"page\":\"3\"},"
	        "\"status\":400,\"body_file\":\"" WP
	        "error_page_number.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/"
	        "comments\",\"query\":{\"post\":\"4\","
	        "\"page\":\"1\"},\"body_file\":\"" WP "comments_post4.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/"
	        "comments\",\"query\":{\"post\":\"7\","
	        "\"page\":\"1\"},\"body_file\":\"" WP "comments_post7.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/"
	        "comments\",\"query\":{\"post\":\"9\","
	        "\"page\":\"1\"},\"times\":2,\"body_file\":\"" WP
	        "comments_post9.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/"
	        "comments\",\"query\":{\"page\":\"1\"},"
	        "\"query_absent\":[\"post\",\"after\"],"
	        "\"body_file\":\"" WP "comments_recent.json\"},"
	        /* run 2: only what changed since */
	        "{\"path\":\"/wp-json/wp/v2/posts\",\"query\":{\"page\":\"1\","
	        "\"modified_after\":\"2024-03-08T09:00:00\"},"
	        "\"headers\":{\"X-WP-TotalPages\":\"1\"},"
	        "\"body_file\":\"" WP "posts_p2_changed.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/"
	        "comments\",\"query\":{\"page\":\"1\","
	        "\"after\":\"2024-03-09T09:00:00\"},\"body\":[]}"
	        "]}"))
		return;
	cfg = cfg_wp(&rp);
	cred = json_pack("{ssss}", "username", "biblioteket", "app_password",
	                 "abcd EFGH 1234 ijkl");
	ctx_setup(&ctx, &s, cfg, cred, st);
	T_EQ_INT(conn_blog.check_auth(&ctx), CONN_OK);
	T_EQ_STR(conn_state(&ctx, "account_id"), "1");
	{
		char *a = req_header(&rp, "/wp-json/wp/v2/users/me", 0,
		                     "Authorization");
		T_ASSERT(a && str_starts(a, "Basic "));
		free(a);
	}
	T_EQ_INT(conn_blog.sync(&ctx), CONN_OK);
	T_EQ_INT(s.dups, 0);
	/* 3 posts, comments 12 13 15 and 20 (15 again from recent: once) */
	T_EQ_INT(json_array_size(s.items), 7);
	T_EQ_STR(coll_s(&s, "post/4", "text"),
	         "\xc3\x85pningstider i p\xc3\xa5sken\n\nBiblioteket holder "
	         "\xc3\xa5pent & stengt.");
	T_EQ_INT(coll_i(&s, "post/4", "inbound"), 0);
	T_EQ_INT(coll_i(&s, "post/4", "created"), 1709283600);
	T_EQ_STR(coll_s(&s, "comment/12", "type"), "comment");
	T_EQ_STR(coll_s(&s, "comment/12", "parent"), "post/4");
	T_EQ_INT(coll_i(&s, "comment/12", "inbound"), 1);
	T_EQ_STR(coll_s(&s, "comment/13", "type"), "reply");
	T_EQ_STR(coll_s(&s, "comment/13", "parent"), "comment/12");
	T_EQ_INT(coll_i(&s, "comment/13", "hidden"), 1);
	T_EQ_INT(coll_i(&s, "comment/13", "inbound"), 0); /* our user 1 */
	T_EQ_STR(coll_s(&s, "comment/20", "parent"), "post/2");
	l = json_object_get(s.listings, "post/4");
	T_EQ_INT(json_array_size(l), 2);
	T_EQ_INT(json_array_size(json_object_get(s.listings, "post/9")), 0);
	T_ASSERT(json_object_get(s.listings, "post/9") != NULL);
	T_EQ_STR(conn_state(&ctx, "posts_modified_after"),
	         "2024-03-08T09:00:00");
	T_EQ_STR(conn_state(&ctx, "comments_after"), "2024-03-09T09:00:00");
	{ /* the application password never reaches the record */
		char *a =
		    req_header(&rp, "/wp-json/wp/v2/posts", 0, "Authorization");
		T_ASSERT(a && strstr(a, "abcd") == NULL);
		free(a);
	}
	conn_ctx_cleanup(&ctx);

	ctx_setup(&ctx, &s, cfg, cred, st);
	T_EQ_INT(conn_blog.sync(&ctx), CONN_OK);
	T_EQ_INT(json_array_size(s.items), 1);
	T_EQ_STR(coll_s(&s, "post/9", "text"),
	         "Valg (oppdatert)\n\nForh\xc3\xa5ndsstemming til 8. "
	         "september.");
	T_EQ_STR(conn_state(&ctx, "posts_modified_after"),
	         "2024-03-10T09:00:00");
	conn_ctx_cleanup(&ctx);
	T_EQ_INT(replay_unmatched(&rp), 0);
	json_decref(cfg);
	json_decref(cred);
	json_decref(st);
	coll_free(&s);
	replay_stop(&rp);
}

T_TEST(wordpress_write)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s = {0};
	struct conn_result r;
	struct conn_post p;
	json_t *cfg, *cred;
	char *b, img[] = "/tmp/kvblogXXXXXX";
	int fd;
	if (!replay_start(
	        &rp,
	        "{\"routes\":["
	        "{\"path\":\"/wp-json/wp/v2/comments/12\",\"method\":\"GET\","
	        "\"body_file\":\"" WP "comment_12.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/comments\",\"method\":\"POST\","
	        "\"status\":201,\"body_file\":\"" WP "comment_created.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/comments/12\",\"method\":\"POST\","
	        "\"times\":2,\"body_file\":\"" WP "comment_12.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/comments/"
	        "12\",\"method\":\"DELETE\","
	        "\"body_file\":\"" WP "comment_12.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/media\",\"method\":\"POST\","
	        "\"status\":201,\"body_file\":\"" WP "media_created.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/media/55\",\"method\":\"POST\","
	        "\"body_file\":\"" WP "media_alt.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/posts\",\"method\":\"POST\","
	        "\"status\":201,\"body_file\":\"" WP "post_created.json\"},"
	        "{\"path\":\"/wp-json/wp/v2/posts\",\"method\":\"GET\","
	        "\"headers\":{\"X-WP-Total\":\"42\",\"X-WP-TotalPages\":\"42\"}"
	        ","
	        "\"body\":[]},"
	        "{\"path\":\"/wp-json/wp/v2/comments\",\"method\":\"GET\","
	        "\"headers\":{\"X-WP-Total\":\"317\"},\"body\":[]}"
	        "]}"))
		return;
	cfg = cfg_wp(&rp);
	cred = json_pack("{ssss}", "username", "biblioteket", "app_password",
	                 "abcd EFGH 1234 ijkl");
	ctx_setup(&ctx, &s, cfg, cred, NULL);

	T_EQ_INT(conn_blog.reply(&ctx, "comment/12", "Nei, stengt.", &r),
	         CONN_OK);
	T_EQ_STR(r.id, "comment/21");
	T_ASSERT(str_starts(r.url, "https://blog.example/"));
	b = req_header(&rp, "/wp-json/wp/v2/comments", -1, "body");
	T_EQ_STR(b, "{\"post\":4,\"parent\":12,\"content\":\"Nei, stengt.\"}");
	free(b);

	T_EQ_INT(conn_blog.moderate(&ctx, "comment/12", MOD_HIDE), CONN_OK);
	b = req_header(&rp, "/wp-json/wp/v2/comments/12", 1, "body");
	T_EQ_STR(b, "{\"status\":\"hold\"}");
	free(b);
	T_EQ_INT(conn_blog.moderate(&ctx, "comment/12", MOD_UNHIDE), CONN_OK);
	b = req_header(&rp, "/wp-json/wp/v2/comments/12", 2, "body");
	T_EQ_STR(b, "{\"status\":\"approve\"}");
	free(b);
	T_EQ_INT(conn_blog.moderate(&ctx, "comment/12", MOD_DELETE), CONN_OK);
	T_EQ_INT(replay_count(&rp, "DELETE", "/wp-json/wp/v2/comments/12"), 1);
	T_EQ_INT(conn_blog.moderate(&ctx, "post/4", MOD_HIDE),
	         CONN_E_UNSUPPORTED);

	fd = mkstemp(img);
	if (!T_ASSERT(fd >= 0))
		return;
	T_ASSERT(write(fd, "\x89PNG\r\n\x1a\nfake", 12) == 12);
	close(fd);
	memset(&p, 0, sizeof(p));
	p.title = "Brøyteroder";
	p.text = "Slik br\xc3\xb8yter vi <i>i</i> vinter.\n\nMer info.";
	p.media[0].path = img;
	p.media[0].mime = "image/png";
	p.media[0].alt = "Kart over br\xc3\xb8yteroder";
	p.nmedia = 1;
	T_EQ_INT(conn_blog.publish(&ctx, &p, &r), CONN_OK);
	T_EQ_STR(r.id, "post/30");
	b = req_header(&rp, "/wp-json/wp/v2/media", 0, "Content-Disposition");
	T_ASSERT(b && strstr(b, "filename=\"kvblog") != NULL);
	free(b);
	b = req_header(&rp, "/wp-json/wp/v2/media", 0, "Content-Type");
	T_EQ_STR(b, "image/png");
	free(b);
	b = req_header(&rp, "/wp-json/wp/v2/media/55", 0, "body");
	T_EQ_STR(b, "{\"alt_text\":\"Kart over br\xc3\xb8yteroder\"}");
	free(b);
	b = req_header(&rp, "/wp-json/wp/v2/posts", 0, "body");
	{
		json_t *j = json_loads(b ? b : "", 0, NULL);
		T_EQ_STR(json_string_value(json_object_get(j, "status")),
		         "publish");
		T_EQ_INT(
		    json_integer_value(json_object_get(j, "featured_media")),
		    55);
		T_EQ_STR(json_string_value(json_object_get(j, "content")),
		         "<p>Slik br\xc3\xb8yter vi &lt;i&gt;i&lt;/i&gt; "
		         "vinter.</p>\n<p>Mer info.</p>");
		json_decref(j);
	}
	free(b);
	unlink(img);

	T_EQ_INT(conn_blog.metrics(&ctx), CONN_OK);
	T_ASSERT(coll_metric_of(&s, NULL, "posts") == 42.0);
	T_ASSERT(coll_metric_of(&s, NULL, "comments") == 317.0);
	T_EQ_INT(replay_unmatched(&rp), 0);
	conn_ctx_cleanup(&ctx);
	json_decref(cfg);
	json_decref(cred);
	coll_free(&s);
	replay_stop(&rp);
}

T_TEST(wordpress_errors)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s = {0};
	struct conn_post p;
	struct conn_result r;
	json_t *cfg, *cred;
	if (!replay_start(
	        &rp, "{\"routes\":["
	             "{\"path\":\"/wp-json/wp/v2/users/me\",\"status\":401,"
	             "\"body_file\":\"" WP "error_incorrect_password.json\"},"
	             "{\"path\":\"/wp-json/wp/v2/posts\",\"method\":\"POST\","
	             "\"status\":403,\"body_file\":\"" WP
	             "error_cannot_create.json\"},"
	             "{\"path\":\"/wp-json/wp/v2/posts\",\"method\":\"GET\","
	             "\"status\":401,\"body_file\":\"" WP
	             "error_not_logged_in.json\"},"
	             "{\"path\":\"/wp-json/wp/v2/comments\",\"method\":\"GET\","
	             "\"body_text\":\"<html>maintenance</html>\","
	             "\"headers\":{\"Content-Type\":\"text/html\"}}"
	             "]}"))
		return;
	cfg = cfg_wp(&rp);
	cred = json_pack("{ssss}", "username", "biblioteket", "app_password",
	                 "wrong");
	ctx_setup(&ctx, &s, cfg, cred, NULL);
	T_EQ_INT(conn_blog.check_auth(&ctx), CONN_E_AUTH);
	T_EQ_STR(ctx.err.code, "incorrect_password");
	T_EQ_INT(ctx.err.http_status, 401);
	memset(&p, 0, sizeof(p));
	p.title = "t";
	p.text = "x";
	T_EQ_INT(conn_blog.publish(&ctx, &p, &r), CONN_E_PLATFORM);
	T_EQ_STR(ctx.err.code, "rest_cannot_create");
	T_ASSERT(strstr(ctx.err.message, "not allowed") != NULL);
	T_EQ_INT(conn_blog.sync(&ctx), CONN_E_AUTH);
	T_EQ_STR(ctx.err.code, "rest_not_logged_in");
	T_EQ_INT(json_array_size(s.items), 0);
	T_ASSERT(conn_state(&ctx, "posts_modified_after") == NULL);
	conn_ctx_cleanup(&ctx);

	/* a body that is no JSON array is malformed, not a crash */
	ctx_setup(&ctx, &s, cfg, cred, NULL);
	{
		char mx[32] = "";
		T_EQ_INT(wp_parse_comments(&ctx, "<html>", 6, mx, NULL, NULL),
		         -1);
		T_EQ_INT(ctx.err.rc, CONN_E_MALFORMED);
		T_EQ_INT(wp_parse_posts(&ctx, "{\"id\":1}", 8, mx, NULL, NULL),
		         -1);
		T_EQ_INT(wp_parse_posts(&ctx, "[1,{\"id\":\"x\"},null]", 19, mx,
		                        NULL, NULL),
		         0);
	}
	conn_ctx_cleanup(&ctx);
	/* no credentials at all */
	ctx_setup(&ctx, &s, cfg, NULL, NULL);
	T_EQ_INT(conn_blog.check_auth(&ctx), CONN_E_AUTH);
	conn_ctx_cleanup(&ctx);
	T_EQ_INT(replay_unmatched(&rp), 0);
	json_decref(cfg);
	json_decref(cred);
	coll_free(&s);
	replay_stop(&rp);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(feed_conditional),     T_ENTRY(feed_moved_and_throttled),
	    T_ENTRY(feed_paging_recovery), T_ENTRY(wordpress_sync),
	    T_ENTRY(wordpress_write),      T_ENTRY(wordpress_errors)};
	if (sodium_init() < 0)
		return 1;
	fetch_global_init();
	return T_RUN(tests, argc, argv);
}
