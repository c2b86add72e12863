/*
 * test_conn_vimeo.c - the Vimeo connector (src/connect/vimeo.c) through
 * real HTTP against tests/lib/replay.py serving the synthetic fixtures in
 * tests/fixtures/vimeo/ (no recorded Vimeo corpus exists; see the README
 * there): own videos across two pages (paging.next), comments and
 * replies, listings, the Accept header, a 429 with X-RateLimit headers
 * (reset an ISO date), an invalid token (error code 8003), malformed
 * bodies, a failure mid-listing recovered by the next run with nothing
 * lost or duplicated, reply, delete and the missing hide, publishing a
 * video with the tus protocol (chunks, a broken chunk resumed from the
 * server's offset) and the text-only refusal, and metrics.
 */
#include "t.h"
#include "replay.h"
#include "conn_collect.h"

#include "../../src/base/util.h"
#include "../../src/connect/vimeo.h"

#include <sodium.h>

#define FX  "tests/fixtures/vimeo/"
#define TUS "/files/vimeo-prod-src-tus-eu/synth1100"

/* The routes of one full, successful sync. */
static void
full_sync_routes(json_t *routes)
{
	json_t *r = scn_route("GET", "/me/videos", 200, FX "videos_p1.json");
	json_object_set_new(
	    r, "query",
	    json_pack("{s:s, s:s}", "per_page", "*", "fields", "*"));
	json_object_set_new(r, "query_absent", json_pack("[s]", "page"));
	json_array_append_new(routes, r);
	r = scn_route("GET", "/me/videos", 200, FX "videos_p2.json");
	json_object_set_new(r, "query", json_pack("{s:s}", "page", "2"));
	json_array_append_new(routes, r);
	json_array_append_new(routes, scn_route("GET", "/videos/1001/comments",
	                                        200, FX "comments_1001.json"));
	json_array_append_new(routes, scn_route("GET", "/videos/1003/comments",
	                                        200, FX "comments_1003.json"));
	json_array_append_new(
	    routes, scn_route("GET", "/videos/1001/comments/501/replies", 200,
	                      FX "replies_501.json"));
}

/* The channel: config, cred and state owned by the test. */
struct chan {
	json_t *config, *cred, *state;
};

static void
chan_init(struct chan *ch, const struct replay *rp, const char *token)
{
	ch->config =
	    json_pack("{s:s, s:s}", "account", "me", "base_url", rp->base);
	ch->cred = json_pack("{s:s}", "access_token", token);
	ch->state = json_object();
}

static void
chan_free(struct chan *ch)
{
	json_decref(ch->config);
	json_decref(ch->cred);
	json_decref(ch->state);
}

static void
ctx_init(struct conn_ctx *ctx, struct chan *ch, struct coll *c)
{
	conn_ctx_init(ctx, &conn_vimeo, ch->config, ch->cred, ch->state);
	ctx->backoff_base_ms = 5;
	coll_attach(c, ctx);
}

#define TOKEN "synthvimeotoken0123"

T_TEST(sync_all)
{
	struct replay rp;
	struct chan ch;
	struct conn_ctx ctx;
	struct coll c;
	json_t *routes = json_array(), *o, *reqs;
	full_sync_routes(routes);
	if (!scn_start(&rp, routes, NULL))
		return;
	chan_init(&ch, &rp, TOKEN);
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_OK);
	T_EQ_INT(json_array_size(c.items), 7);
	T_EQ_INT(c.dups, 0);
	T_EQ_INT(ctx.requests, 5); /* no comments call for 1002 (none) */
	T_EQ_STR(conn_state(&ctx, "user_uri"), "/users/42");

	o = coll_find(&c, "/videos/1001");
	T_EQ_STR(js(o, "type"), "post");
	T_EQ_INT(ji(o, "inbound"), 0);
	T_EQ_STR(js(o, "text"),
	         "Budsjettet forklart\n\nKommunedirektøren går gjennom "
	         "budsjettet for 2027.");
	T_EQ_INT(ji(o, "created"), 1785592429);
	T_EQ_INT(ji(o, "edited"), 1785657600);
	T_EQ_INT(ji(o, "likes"), 17);
	T_EQ_INT(ji(o, "replies"), 2);
	T_EQ_STR(js(o, "url"), "https://vimeo.com/1001");
	T_EQ_INT(ji(o, "hasraw"), 1);
	o = coll_find(&c, "/videos/1003");
	T_EQ_STR(js(o, "text"), "Åpen dag på skolen");
	T_ASSERT(coll_find(&c, "/videos/1002") != NULL);

	o = coll_find(&c, "/videos/1001/comments/501");
	T_EQ_STR(js(o, "type"), "comment");
	T_EQ_STR(js(o, "parent"), "/videos/1001");
	T_EQ_STR(js(o, "author"), "/users/77");
	T_EQ_INT(ji(o, "inbound"), 1);
	T_EQ_INT(ji(o, "replies"), 1);
	T_EQ_INT(ji(o, "created"), 1785596400);
	o = coll_find(&c, "/videos/1001/comments/502");
	T_EQ_INT(ji(o, "inbound"), 0); /* our own account */
	o = coll_find(&c, "/videos/1001/comments/601");
	T_EQ_STR(js(o, "type"), "reply");
	T_EQ_STR(js(o, "parent"), "/videos/1001/comments/501");
	T_EQ_STR(js(o, "thread"), "/videos/1001");
	T_EQ_INT(ji(o, "inbound"), 0);
	T_ASSERT(coll_find(&c, "/videos/1003/comments/503") != NULL);

	T_EQ_INT(json_array_size(json_object_get(c.listings, "")), 3);
	T_EQ_INT(json_array_size(json_object_get(c.listings, "/videos/1001")),
	         2);
	T_EQ_INT(json_array_size(
	             json_object_get(c.listings, "/videos/1001/comments/501")),
	         1);
	T_ASSERT(conn_state(&ctx, "synced_at") != NULL);

	reqs = replay_requests(&rp);
	for (size_t i = 0; i < json_array_size(reqs); i++) {
		T_EQ_STR(req_hdr(json_array_get(reqs, i), "Authorization"),
		         "bearer " TOKEN);
		T_EQ_STR(req_hdr(json_array_get(reqs, i), "Accept"),
		         "application/vnd.vimeo.*+json;version=3.4");
	}
	json_decref(reqs);
	T_EQ_INT(replay_unmatched(&rp), 0);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
	chan_free(&ch);
	replay_stop(&rp);
}

T_TEST(rate_limited)
{
	struct replay rp;
	struct chan ch;
	struct conn_ctx ctx;
	struct coll c;
	json_t *routes = json_array(), *r;
	char reset[32];
	int64_t at = time_now() + 600;

	time_fmt_iso(at, reset);
	r = scn_route("GET", "/me/videos", 429, FX "error_429.json");
	json_object_set_new(r, "headers",
	                    json_pack("{s:s, s:s, s:s}", "X-RateLimit-Limit",
	                              "250", "X-RateLimit-Remaining", "0",
	                              "X-RateLimit-Reset", reset));
	json_array_append_new(routes, r);
	if (!scn_start(&rp, routes, NULL))
		return;
	chan_init(&ch, &rp, TOKEN);
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_E_RATELIMIT);
	T_EQ_STR(ctx.err.code, "9000");
	/* the window's reset, as the header said */
	T_ASSERT(ctx.err.retry_at >= at - 2 && ctx.err.retry_at <= at + 2);
	T_EQ_INT(replay_count(&rp, "GET", "/me/videos"), 1);
	T_EQ_INT(json_array_size(c.items), 0);
	T_ASSERT(conn_state(&ctx, "synced_at") == NULL);
	T_EQ_INT(replay_unmatched(&rp), 0);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
	chan_free(&ch);
	replay_stop(&rp);
}

T_TEST(invalid_token)
{
	struct replay rp;
	struct chan ch;
	struct conn_ctx ctx;
	struct coll c;
	json_t *routes = json_array();
	json_array_append_new(
	    routes, scn_route("GET", "/me/videos", 401, FX "error_401.json"));
	json_array_append_new(
	    routes, scn_route("GET", "/me", 401, FX "error_401.json"));
	if (!scn_start(&rp, routes, NULL))
		return;
	chan_init(&ch, &rp, TOKEN);
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_E_AUTH);
	T_EQ_STR(ctx.err.code, "8003");
	T_ASSERT(strstr(ctx.err.message, "invalid, revoked") != NULL);
	T_EQ_INT(conn_vimeo.check_auth(&ctx), CONN_E_AUTH);
	T_EQ_INT(ctx.cred_changed, 0); /* Vimeo cannot refresh */
	T_EQ_INT(replay_count(&rp, NULL, NULL), 2);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);

	/* no token at all: nothing sent */
	json_object_del(ch.cred, "access_token");
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_E_AUTH);
	T_EQ_INT(ctx.requests, 0);
	T_EQ_INT(replay_unmatched(&rp), 0);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
	chan_free(&ch);
	replay_stop(&rp);
}

T_TEST(malformed)
{
	struct replay rp;
	struct chan ch;
	struct conn_ctx ctx;
	struct coll c;
	json_t *routes = json_array(), *r;
	r = scn_route("GET", "/me/videos", 200, NULL);
	json_object_set_new(r, "body_text",
	                    json_string("{\"data\": [{\"uri\""));
	json_array_append_new(routes, r);
	r = scn_route("GET", "/me/videos", 200, NULL);
	json_object_set_new(r, "body_text", json_string("{\"data\": {}}"));
	json_array_append_new(routes, r);
	r = scn_route("GET", "/users/42/videos", 200, NULL);
	json_object_set_new(r, "body_text",
	                    json_string("{\"total\":0,\"paging\":{\"next\":"
	                                "null},\"data\":[]}"));
	json_array_append_new(routes, r);
	r = scn_route("GET", "/me/videos", 200, FX "videos_p1.json");
	json_array_append_new(routes, r);
	json_array_append_new(routes, scn_route("GET", "/videos/1001/comments",
	                                        200, FX "comments_1001.json"));
	json_array_append_new(
	    routes, scn_route("GET", "/videos/1001/comments/501/replies", 200,
	                      FX "replies_501.json"));
	if (!scn_start(&rp, routes, NULL))
		return;
	chan_init(&ch, &rp, TOKEN);
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_E_MALFORMED);
	T_EQ_STR(ctx.err.code, "json");
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_E_MALFORMED);
	T_EQ_STR(ctx.err.code, "shape");
	T_EQ_INT(json_array_size(c.items), 0);
	T_EQ_INT(json_object_size(c.listings), 0);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);

	/* a numeric account: /users/{id}; an empty listing is complete */
	json_object_set_new(ch.config, "account", json_string("42"));
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_OK);
	T_EQ_INT(replay_count(&rp, "GET", "/users/42/videos"), 1);
	T_ASSERT(json_object_get(c.listings, "") != NULL);
	T_EQ_INT(json_array_size(json_object_get(c.listings, "")), 0);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);

	/* capped at one page: the videos seen, but no listing and no mark */
	json_object_set_new(ch.config, "account", json_string("me"));
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	ctx.max_pages = 1;
	json_object_clear(ch.state);
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_OK);
	T_EQ_INT(json_array_size(c.items), 2 + 3); /* 2 videos, 3 comments */
	T_ASSERT(json_object_get(c.listings, "") == NULL);
	T_ASSERT(conn_state(&ctx, "videos_synced_at") == NULL);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);

	json_object_set_new(ch.config, "account", json_string("../admin"));
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_E_CONFIG);
	T_EQ_INT(ctx.requests, 0);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
	chan_free(&ch);
	T_EQ_INT(replay_unmatched(&rp), 0);
	replay_stop(&rp);
}

T_TEST(failure_mid_listing_recovered)
{
	struct replay rp;
	struct chan ch;
	struct conn_ctx ctx;
	struct coll c1, c2;
	json_t *routes = json_array(), *r, *o;
	size_t i;
	r = scn_route("GET", "/me/videos", 200, FX "videos_p1.json");
	json_object_set_new(r, "query_absent", json_pack("[s]", "page"));
	json_array_append_new(routes, r);
	r = scn_route("GET", "/me/videos", 200, FX "videos_p2.json");
	json_object_set_new(r, "query", json_pack("{s:s}", "page", "2"));
	json_object_set_new(r, "fault", json_string("reset"));
	json_object_set_new(r, "times", json_integer(2));
	json_array_append_new(routes, r);
	full_sync_routes(routes);
	if (!scn_start(&rp, routes, NULL))
		return;
	chan_init(&ch, &rp, TOKEN);

	coll_init(&c1);
	ctx_init(&ctx, &ch, &c1);
	ctx.max_retries = 1;
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_E_NETWORK);
	T_EQ_INT(json_array_size(c1.items), 2);
	T_EQ_INT(json_object_size(c1.listings), 0);
	T_ASSERT(conn_state(&ctx, "synced_at") == NULL);
	T_ASSERT(conn_state(&ctx, "videos_synced_at") == NULL);
	conn_ctx_cleanup(&ctx);

	coll_init(&c2);
	ctx_init(&ctx, &ch, &c2);
	T_EQ_INT(conn_vimeo.sync(&ctx), CONN_OK);
	T_EQ_INT(json_array_size(c2.items), 7);
	T_EQ_INT(c2.dups, 0);
	T_EQ_INT(json_array_size(json_object_get(c2.listings, "")), 3);
	json_array_foreach(c1.items, i, o)
	{
		T_ASSERT(coll_find(&c2, js(o, "id")) != NULL);
	}
	T_ASSERT(conn_state(&ctx, "synced_at") != NULL);
	conn_ctx_cleanup(&ctx);
	coll_free(&c1);
	coll_free(&c2);
	chan_free(&ch);
	T_EQ_INT(replay_unmatched(&rp), 0);
	replay_stop(&rp);
}

T_TEST(reply_and_moderate)
{
	struct replay rp;
	struct chan ch;
	struct conn_ctx ctx;
	struct coll c;
	struct conn_result res;
	json_t *routes = json_array(), *reqs, *b;
	json_array_append_new(
	    routes, scn_route("POST", "/videos/1001/comments/501/replies", 201,
	                      FX "comment_created.json"));
	json_array_append_new(routes,
	                      scn_route("POST", "/videos/1001/comments", 201,
	                                FX "comment_created.json"));
	json_array_append_new(
	    routes,
	    scn_route("DELETE", "/videos/1001/comments/501", 204, NULL));
	json_array_append_new(routes,
	                      scn_route("DELETE", "/videos/1001/comments/999",
	                                404, FX "error_404.json"));
	if (!scn_start(&rp, routes, NULL))
		return;
	chan_init(&ch, &rp, TOKEN);
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	T_EQ_INT(conn_vimeo.reply(&ctx, "/videos/1001/comments/501",
	                          "Takk for spørsmålet!", &res),
	         CONN_OK);
	T_EQ_STR(res.id, "/videos/1001/comments/701");
	T_EQ_STR(res.url, "https://vimeo.com/1001#comment_701");
	reqs = replay_requests(&rp);
	b = json_loads(js(json_array_get(reqs, 0), "body"), 0, NULL);
	T_EQ_STR(js(b, "text"), "Takk for spørsmålet!");
	json_decref(b);
	json_decref(reqs);
	T_EQ_INT(conn_vimeo.reply(&ctx, "/videos/1001", "Hei!", &res), CONN_OK);
	T_EQ_INT(conn_vimeo.reply(&ctx, "/videos/../me", "x", &res),
	         CONN_E_NOTFOUND);

	T_EQ_INT(
	    conn_vimeo.moderate(&ctx, "/videos/1001/comments/501", MOD_DELETE),
	    CONN_OK);
	T_EQ_INT(
	    conn_vimeo.moderate(&ctx, "/videos/1001/comments/999", MOD_DELETE),
	    CONN_E_NOTFOUND);
	T_EQ_STR(ctx.err.code, "5000");
	T_EQ_INT(
	    conn_vimeo.moderate(&ctx, "/videos/1001/comments/501", MOD_HIDE),
	    CONN_E_UNSUPPORTED);
	T_ASSERT(strstr(ctx.err.message, "no hide") != NULL);
	T_EQ_INT(replay_count(&rp, NULL, NULL), 4);
	T_EQ_INT(replay_unmatched(&rp), 0);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
	chan_free(&ch);
	replay_stop(&rp);
}

T_TEST(publish_video_tus)
{
	struct replay rp;
	struct chan ch;
	struct conn_ctx ctx;
	struct coll c;
	struct conn_result res;
	struct conn_post p;
	json_t *routes = json_array(), *r, *reqs, *b;
	char vid[] = "/tmp/kv-vm-vid.XXXXXX";
	int fd = mkstemp(vid);
	const char *bytes = "0123456789abcdefghijKLMNO"; /* 25 bytes */
	const char *offs[] = {"0", "10", "10", "20"};
	int k = 0;

	if (!T_ASSERT(fd >= 0))
		return;
	T_ASSERT(write(fd, bytes, 25) == 25);
	close(fd);
	json_array_append_new(routes, scn_route("POST", "/me/videos", 200,
	                                        FX "video_created.json"));
	r = scn_route("PATCH", TUS, 204, NULL);
	json_object_set_new(r, "headers",
	                    json_pack("{s:s, s:s}", "Tus-Resumable", "1.0.0",
	                              "Upload-Offset", "10"));
	json_array_append_new(routes, r);
	r = scn_route("PATCH", TUS, 204, NULL);
	json_object_set_new(r, "fault", json_string("reset"));
	json_array_append_new(routes, r);
	r = scn_route("HEAD", TUS, 200, NULL);
	json_object_set_new(r, "headers",
	                    json_pack("{s:s, s:s, s:s}", "Tus-Resumable",
	                              "1.0.0", "Upload-Offset", "10",
	                              "Upload-Length", "25"));
	json_array_append_new(routes, r);
	r = scn_route("PATCH", TUS, 204, NULL);
	json_object_set_new(r, "headers",
	                    json_pack("{s:s}", "Upload-Offset", "20"));
	json_array_append_new(routes, r);
	r = scn_route("PATCH", TUS, 204, NULL);
	json_object_set_new(r, "headers",
	                    json_pack("{s:s}", "Upload-Offset", "25"));
	json_array_append_new(routes, r);
	if (!scn_start(&rp, routes,
	               json_pack("[s]", "https://files.tus.vimeo.com")))
		return;
	chan_init(&ch, &rp, TOKEN);
	json_object_set_new(ch.config, "upload_chunk", json_string("10"));
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	memset(&p, 0, sizeof(p));

	/* text only: Vimeo publishes videos, nothing is sent */
	p.text = "Bare tekst";
	T_EQ_INT(conn_vimeo.publish(&ctx, &p, &res), CONN_E_UNSUPPORTED);
	T_ASSERT(strstr(ctx.err.message, "videos only") != NULL);
	T_EQ_INT(replay_count(&rp, NULL, NULL), 0);

	p.title = "Kommunestyret 3. september";
	p.text = "Opptak fra møtet.";
	p.media[0].path = vid;
	p.media[0].mime = "video/mp4";
	p.media[0].alt = "Kommunestyresalen"; /* Vimeo has no alt text */
	p.nmedia = 1;
	p.idempotency_key = "plan-9-video";
	T_EQ_INT(conn_vimeo.publish(&ctx, &p, &res), CONN_OK);
	T_EQ_STR(res.id, "/videos/1100");
	T_EQ_STR(res.url, "https://vimeo.com/1100");

	reqs = replay_requests(&rp);
	T_EQ_INT(json_array_size(reqs), 6);
	b = json_loads(js(json_array_get(reqs, 0), "body"), 0, NULL);
	T_EQ_STR(js(json_object_get(b, "upload"), "approach"), "tus");
	T_EQ_STR(js(json_object_get(b, "upload"), "size"), "25");
	T_EQ_STR(js(b, "name"), "Kommunestyret 3. september");
	T_EQ_STR(js(b, "description"), "Opptak fra møtet.");
	json_decref(b);
	for (size_t i = 1; i < json_array_size(reqs); i++) {
		json_t *q = json_array_get(reqs, i);
		if (strcmp(js(q, "method"), "PATCH") != 0)
			continue;
		T_EQ_STR(req_hdr(q, "Tus-Resumable"), "1.0.0");
		T_EQ_STR(req_hdr(q, "Content-Type"),
		         "application/offset+octet-stream");
		T_EQ_STR(req_hdr(q, "Authorization"),
		         NULL); /* not to the tus host */
		if (k < 4)
			T_EQ_STR(req_hdr(q, "Upload-Offset"), offs[k]);
		k++;
	}
	T_EQ_INT(k, 4);
	/* after the broken chunk, the bytes from the server's offset 10 */
	T_EQ_STR(js(json_array_get(reqs, 4), "body"), "abcdefghij");
	T_EQ_STR(js(json_array_get(reqs, 5), "body"), "KLMNO");
	T_EQ_STR(js(json_array_get(reqs, 3), "method"), "HEAD");
	json_decref(reqs);

	/* the same key: the same video, nothing sent */
	T_EQ_INT(conn_vimeo.publish(&ctx, &p, &res), CONN_OK);
	T_EQ_STR(res.id, "/videos/1100");
	T_EQ_INT(replay_count(&rp, NULL, NULL), 6);

	/* an image is not a Vimeo post */
	p.idempotency_key = NULL;
	p.media[0].mime = "image/png";
	T_EQ_INT(conn_vimeo.publish(&ctx, &p, &res), CONN_E_UNSUPPORTED);
	T_EQ_INT(replay_unmatched(&rp), 0);
	unlink(vid);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
	chan_free(&ch);
	replay_stop(&rp);
}

T_TEST(metrics)
{
	struct replay rp;
	struct chan ch;
	struct conn_ctx ctx;
	struct coll c;
	json_t *routes = json_array(), *r;
	json_array_append_new(routes,
	                      scn_route("GET", "/me", 200, FX "user.json"));
	r = scn_route("GET", "/me/videos", 200, FX "videos_p1.json");
	json_object_set_new(r, "query_absent", json_pack("[s]", "page"));
	json_array_append_new(routes, r);
	r = scn_route("GET", "/me/videos", 200, FX "videos_p2.json");
	json_object_set_new(r, "query", json_pack("{s:s}", "page", "2"));
	json_array_append_new(routes, r);
	json_array_append_new(routes,
	                      scn_route("GET", "/me", 200, FX "user.json"));
	if (!scn_start(&rp, routes, NULL))
		return;
	chan_init(&ch, &rp, TOKEN);
	coll_init(&c);
	ctx_init(&ctx, &ch, &c);
	T_EQ_INT(conn_vimeo.metrics(&ctx), CONN_OK);
	T_EQ_INT(json_real_value(json_object_get(c.metrics, "|followers")),
	         321);
	T_EQ_INT(json_real_value(json_object_get(c.metrics, "|posts")), 3);
	T_EQ_INT(json_real_value(json_object_get(c.metrics, "|video_views")),
	         1321);
	T_EQ_INT(json_real_value(
	             json_object_get(c.metrics, "/videos/1001|video_views")),
	         1234);
	T_EQ_INT(json_real_value(
	             json_object_get(c.metrics, "/videos/1001|comments")),
	         2);
	T_EQ_INT(json_real_value(
	             json_object_get(c.metrics, "/videos/1001|reactions")),
	         17);
	/* 1003 has no plays figure: not invented */
	T_ASSERT(json_object_get(c.metrics, "/videos/1003|video_views") ==
	         NULL);
	T_EQ_INT(json_real_value(
	             json_object_get(c.metrics, "/videos/1003|comments")),
	         1);
	T_EQ_INT(conn_vimeo.check_auth(&ctx), CONN_OK);
	T_EQ_STR(conn_state(&ctx, "user_uri"), "/users/42");
	T_EQ_STR(conn_state(&ctx, "account_name"), "Synthetic kommune");
	T_EQ_INT(replay_unmatched(&rp), 0);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
	chan_free(&ch);
	replay_stop(&rp);
}

T_TEST(parse_page_direct)
{
	struct conn_ctx ctx;
	struct vm_page pg;
	const char *b = "{\"paging\":{\"next\":\"https://evil.example/x\"},"
	                "\"data\":[{\"uri\":\"/videos/1/comments/2\"},"
	                "{\"uri\":\"/users/3\"},{\"text\":\"no uri\"},1]}";
	memset(&pg, 0, sizeof(pg));
	conn_ctx_init(&ctx, &conn_vimeo, NULL, NULL, NULL);
	pg.ids = json_array();
	pg.seen = json_object();
	T_EQ_INT(vimeo_parse_page(&ctx, b, strlen(b), VM_COMMENTS, "/users/9",
	                          "/videos/1", "/videos/1", &pg),
	         CONN_OK);
	T_EQ_INT(json_array_size(pg.ids), 1);
	T_EQ_STR(pg.next, ""); /* a next link off the API host is ignored */
	T_EQ_INT(
	    vimeo_parse_page(&ctx, "null", 4, VM_VIDEOS, NULL, NULL, NULL, &pg),
	    CONN_E_MALFORMED);
	json_decref(pg.ids);
	json_decref(pg.seen);
	conn_ctx_cleanup(&ctx);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(sync_all),
	    T_ENTRY(rate_limited),
	    T_ENTRY(invalid_token),
	    T_ENTRY(malformed),
	    T_ENTRY(failure_mid_listing_recovered),
	    T_ENTRY(reply_and_moderate),
	    T_ENTRY(publish_video_tus),
	    T_ENTRY(metrics),
	    T_ENTRY(parse_page_direct)};
	if (sodium_init() < 0)
		return 1;
	fetch_global_init();
	return T_RUN(tests, argc, argv);
}
