/*
 * test_conn_bluesky.c - the Bluesky connector (src/connect/bluesky.c)
 * through real HTTP against tests/lib/replay.py serving recorded
 * bsky.social bodies (../shared/fixtures/bluesky) and a few synthetic ones
 * (tests/fixtures/bluesky): sign-in, own feed over two pages, threads,
 * notifications, raw payloads byte for byte, cursors, an expired token
 * refreshed (and a refresh that fails, then a new session), a failure
 * mid-listing and the run that recovers, rate limits, a malformed body,
 * reply, hide through the thread gate, delete, publish with an image and
 * alt text, the 300-grapheme limit, metrics.
 */
#include "t.h"
#include "replay.h"
#include "conn_collect.h"

#include "../../src/base/buf.h"
#include "../../src/base/util.h"
#include "../../src/connect/bluesky.h"
#include "../../src/connect/connect.h"

#include <sodium.h>

#define ME     "did:plc:iijrtk7ocored6zuziwmqq3c"
#define AT     "at://" ME "/app.bsky.feed.post/"
#define DART   "bluesky/atproto.dart/"
#define APP    DART "bluesky/app/bsky/"
#define REPO   DART "atproto/com/atproto/repo/"
#define SESS   DART "atproto_core/sessions/"
#define XRPC   "/xrpc/"
#define FEED   XRPC "app.bsky.feed.getAuthorFeed"
#define NOTIF  XRPC "app.bsky.notification.listNotifications"
#define THREAD XRPC "app.bsky.feed.getPostThread"

/* 1 when s is, byte for byte, part of the fixture file rel. */
static int
in_file(const char *rel, const char *s)
{
	char path[512], *data;
	long n;
	int found;
	FILE *f;
	snprintf(path, sizeof(path), "../shared/fixtures/%s", rel);
	f = fopen(path, "rb");
	if (f == NULL || s == NULL || *s != '{')
		return f ? fclose(f), 0 : 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = calloc(1, (size_t)n + 1);
	found = data && fread(data, 1, (size_t)n, f) == (size_t)n &&
	        strstr(data, s) != NULL;
	free(data);
	fclose(f);
	return found;
}

/* A ctx pointed at the replay server; session (1) or only the password. */
static void
ctx_setup(struct conn_ctx *ctx, struct coll *s, const struct replay *rp,
          int session)
{
	json_t *cfg = json_object(), *cred = json_object();
	json_object_set_new(cfg, "base_url", json_string(rp->base));
	json_object_set_new(cred, "identifier", json_string("shinyakato.dev"));
	json_object_set_new(cred, "app_password",
	                    json_string("abcd-efgh-ijkl-mnop"));
	if (session) {
		json_object_set_new(cred, "access_jwt",
		                    json_string("old-access"));
		json_object_set_new(cred, "refresh_jwt",
		                    json_string("old-refresh"));
		json_object_set_new(cred, "did", json_string(ME));
	}
	conn_ctx_init(ctx, connector_find("bluesky"), cfg, cred, json_object());
	ctx->backoff_base_ms = 5;
	coll_init(s);
	coll_attach(s, ctx);
}

static void
ctx_done(struct conn_ctx *ctx, struct coll *s)
{
	ctx_release(ctx);
	coll_free(s);
}

/* The feed (page 2 with `fault` first `times`), threads, notifications. */
static void
sync_routes(struct buf *b, const char *fault, int times)
{
	buf_adds(b, "{\"routes\":[");
	buf_adds(b,
	         "{\"method\":\"POST\",\"path\":\"" XRPC
	         "com.atproto.server.createSession\",\"times\":0,"
	         "\"body_file\":\"" SESS "create_session.json\"},"
	         "{\"path\":\"" FEED "\",\"times\":0,\"query\":{\"actor\":\"" ME
	         "\"},\"query_absent\":[\"cursor\"],"
	         "\"body_file\":\"" APP "feed/getAuthorFeed.json\"}");
	if (*fault)
		buf_printf(b,
		           ",{\"path\":\"" FEED "\",\"times\":%d,\"query\":{"
		           "\"cursor\":\"*\"},\"fault\":\"%s\",\"body_file\":"
		           "\"tests/fixtures/bluesky/author_feed_p2.json\"}",
		           times, fault);
	buf_adds(b,
	         ",{\"path\":\"" FEED "\",\"times\":0,\"query\":{"
	         "\"cursor\":\"1682809172466::bafyreihdpdn7uiqmshzb2y4o67gzy2"
	         "aeairq6phuk476k2oidhy2p5dbwu\"},\"body_file\":"
	         "\"tests/fixtures/bluesky/author_feed_p2.json\"},"
	         "{\"path\":\"" THREAD "\",\"times\":0,\"query\":{\"uri\":\"" AT
	         "3jukoxegkhw2s\"},\"body_file\":\"" APP
	         "feed/getPostThread.json\"},"
	         "{\"path\":\"" THREAD "\",\"times\":0,\"query\":{\"uri\":\"" AT
	         "3jukamqbf2c2q\"},\"body_file\":\"bluesky/marshalx-atproto/"
	         "thread_view_post_with_embed_media.json\"},"
	         "{\"path\":\"" NOTIF "\",\"times\":0,\"query\":{\"reasons\":"
	         "\"quote\"},\"query_absent\":[\"cursor\"],\"body_file\":\"" APP
	         "notification/listNotifications.json\"},"
	         "{\"path\":\"" NOTIF "\",\"times\":0,\"query\":{\"cursor\":"
	         "\"*\"},\"body\":{\"notifications\":[]}}]}");
}

T_TEST(sync_full)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	struct buf scn;
	json_t *it, *rq;
	buf_init(&scn, 1 << 16);
	sync_routes(&scn, "", 0);
	if (!replay_start(&rp, buf_str(&scn)))
		return;
	ctx_setup(&ctx, &s, &rp, 0);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_STR(ctx.err.message, "");
	/* signed in with the app password, session kept in cred */
	T_EQ_INT(ctx.cred_changed, 1);
	T_EQ_STR(conn_cred(&ctx, "access_jwt"), "eeeeeeeeeeeee");
	T_EQ_STR(conn_cred(&ctx, "refresh_jwt"), "uuuuuuuuuuuuuuuu");
	T_EQ_STR(conn_state(&ctx, "did"), ME);
	rq = req_last(&rp, "POST", XRPC "com.atproto.server.createSession");
	if (T_ASSERT(rq != NULL))
		T_EQ_STR(js(rq, "body"),
		         "{\"identifier\":\"shinyakato.dev\","
		         "\"password\":\"abcd-efgh-ijkl-mnop\"}");
	json_decref(rq);

	T_EQ_INT(s.dups, 0);
	/* 23 own + 2 older own, 5 + 1 from threads, 24 notifications */
	T_EQ_INT(json_array_size(s.items), 55);
	it = coll_find(&s, AT "3jukoxegkhw2s");
	if (T_ASSERT(it != NULL)) {
		T_EQ_STR(js(it, "type"), "post");
		T_EQ_INT(json_integer_value(json_object_get(it, "inbound")), 0);
		T_EQ_STR(js(it, "handle"), "shinyakato.dev");
		T_EQ_STR(js(it, "url"), "https://bsky.app/profile/"
		                        "shinyakato.dev/post/3jukoxegkhw2s");
		T_EQ_INT(json_integer_value(json_object_get(it, "replies")), 3);
		T_ASSERT(in_file(APP "feed/getAuthorFeed.json", js(it, "raw")));
		T_ASSERT(strstr(js(it, "raw"),
		                "\"uri\": \"" AT "3jukoxegkhw2s\"") != NULL);
	}
	/* a reply of ours in our feed */
	it = coll_find(&s, AT "3jukterj4bp2j");
	if (T_ASSERT(it != NULL)) {
		T_EQ_STR(js(it, "type"), "reply");
		T_EQ_STR(js(it, "parent"),
		         "at://did:plc:gojiv3xdlwobtke4csnksyy"
		         "b/app.bsky.feed.post/3jukqq23rvy2w");
	}
	/* reposts are not ours */
	T_ASSERT(
	    coll_find(&s, "at://did:plc:gggcwmwoyak6op4pkqm76ckz/app.bsky.feed."
	                  "post/3jukz62npim26") == NULL);
	/* page 2 (synthetic): an image with alt text, a CDN URL */
	it = coll_find(&s, AT "3juk5aaaaaa2a");
	if (T_ASSERT(it != NULL)) {
		T_EQ_INT(json_integer_value(json_object_get(it, "nmedia")), 1);
		T_EQ_STR(js(it, "alt"), "Rådhuset i snø");
		T_EQ_STR(js(it, "media_mime"), "image/jpeg");
		T_EQ_STR(js(it, "media_url"),
		         "https://cdn.bsky.app/img/feed_fullsize/plain/" ME
		         "/bafkreisyntheticimage@jpeg");
		T_EQ_STR(js(it, "lang"), "nb");
	}
	/* a direct reply in a thread */
	it = coll_find(
	    &s, "at://did:plc:yxobbkztpigv6u4jnwymnwvp/app.bsky.feed.post/"
	        "3jve4frgrzy2f");
	if (T_ASSERT(it != NULL)) {
		T_EQ_STR(js(it, "type"), "comment");
		T_EQ_STR(js(it, "thread"),
		         "at://did:plc:iuk433sj23ncu2oo2pfnw7fw/"
		         "app.bsky.feed.post/3jujgsslyxt2h");
		T_EQ_INT(json_integer_value(json_object_get(it, "inbound")), 1);
	}
	T_EQ_INT(json_array_size(json_object_get(
	             s.listings, "at://did:plc:iuk433sj23ncu2oo2pfnw7fw/"
	                         "app.bsky.feed.post/3jujgsslyxt2h")),
	         4);
	T_ASSERT(
	    json_is_array(json_object_get(s.listings, AT "3jukdwsblqu2l")));
	T_EQ_INT(json_object_size(s.listings), 5);
	/* notifications: a reply to us and its raw bytes */
	it = coll_find(
	    &s, "at://did:plc:wpmuup4caccl3a726wdni6wj/app.bsky.feed.post/"
	        "3k6k4as23yu2g");
	if (T_ASSERT(it != NULL)) {
		T_EQ_STR(js(it, "lang"), "ja");
		T_EQ_STR(js(it, "handle"), "maccalennon.bsky.social");
		T_ASSERT(in_file(APP "notification/listNotifications.json",
		                 js(it, "raw")));
		T_ASSERT(strstr(js(it, "raw"), "\"reason\": \"reply\"") !=
		         NULL);
	}
	T_ASSERT(conn_state(&ctx, "feed_since") != NULL);
	T_ASSERT(conn_state(&ctx, "notif_since") != NULL);
	T_EQ_INT(replay_count(&rp, "GET", THREAD), 2);
	T_EQ_INT(replay_count(&rp, "GET", FEED), 2);
	rq = req_last(&rp, "GET", FEED);
	if (T_ASSERT(rq != NULL))
		T_EQ_STR(js(json_object_get(rq, "headers"), "Authorization"),
		         "Bearer eeeeeeeeeeeee");
	json_decref(rq);

	/* the next run stops at what it knows */
	coll_reset(&s);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_INT(s.dups, 0);
	T_EQ_INT(replay_count(&rp, "GET", FEED), 3);
	T_EQ_INT(replay_count(&rp, "GET", NOTIF), 3);
	T_EQ_INT(replay_count(&rp, "POST", NULL), 1);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
	buf_cleanup(&scn);
}

T_TEST(failure_mid_listing)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	struct buf scn;
	buf_init(&scn, 1 << 16);
	sync_routes(&scn, "close_mid_body", 4);
	if (!replay_start(&rp, buf_str(&scn)))
		return;
	ctx_setup(&ctx, &s, &rp, 1);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_NETWORK);
	T_EQ_INT(s.dups, 0);
	T_EQ_INT(json_array_size(s.items), 23);
	T_EQ_STR(conn_state(&ctx, "feed_since"), NULL);
	T_EQ_STR(conn_state(&ctx, "notif_since"), NULL);
	coll_reset(&s);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_INT(s.dups, 0);
	T_EQ_INT(json_array_size(s.items), 55);
	T_ASSERT(coll_find(&s, AT "3juk4aaaaaa2a") != NULL);
	T_ASSERT(conn_state(&ctx, "feed_since") != NULL);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
	buf_cleanup(&scn);
}

T_TEST(expired_token)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	json_t *rq;
	if (!replay_start(
	        &rp,
	        "{\"routes\":[{\"path\":\"" XRPC
	        "com.atproto.server.getSession\","
	        "\"status\":400,\"body\":{\"error\":\"ExpiredToken\","
	        "\"message\":\"Token has expired\"}},"
	        "{\"method\":\"POST\",\"path\":\"" XRPC
	        "com.atproto.server.refreshSession\",\"body_file\":\"" SESS
	        "refresh_session.json\"},"
	        "{\"path\":\"" XRPC "com.atproto.server.getSession\","
	        "\"body_file\":\"" DART "atproto/com/atproto/server/"
	        "getSession.json\"},"
	        /* second round: the refresh token has expired too */
	        "{\"path\":\"" XRPC "com.atproto.server.getSession\","
	        "\"status\":401,\"body\":{\"error\":\"ExpiredToken\","
	        "\"message\":\"Token has expired\"}},"
	        "{\"method\":\"POST\",\"path\":\"" XRPC
	        "com.atproto.server.refreshSession\",\"status\":400,"
	        "\"body\":{\"error\":\"ExpiredToken\",\"message\":"
	        "\"Token has expired\"}},"
	        "{\"method\":\"POST\",\"path\":\"" XRPC
	        "com.atproto.server.createSession\",\"body_file\":\"" SESS
	        "create_session.json\"},"
	        "{\"path\":\"" XRPC "com.atproto.server.getSession\","
	        "\"body_file\":\"" DART "atproto/com/atproto/server/"
	        "getSession.json\"},"
	        /* third: a revoked app password */
	        "{\"path\":\"" XRPC "com.atproto.server.getSession\","
	        "\"status\":400,\"body\":{\"error\":\"ExpiredToken\","
	        "\"message\":\"Token has expired\"}},"
	        "{\"method\":\"POST\",\"path\":\"" XRPC
	        "com.atproto.server.refreshSession\",\"status\":400,"
	        "\"body\":{\"error\":\"ExpiredToken\",\"message\":"
	        "\"Token has expired\"}},"
	        "{\"method\":\"POST\",\"path\":\"" XRPC
	        "com.atproto.server.createSession\",\"status\":401,"
	        "\"body\":{\"error\":\"AuthenticationRequired\",\"message\":"
	        "\"Invalid identifier or password\"}}]}"))
		return;
	ctx_setup(&ctx, &s, &rp, 1);
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_OK);
	T_EQ_INT(ctx.cred_changed, 1);
	T_EQ_STR(conn_cred(&ctx, "access_jwt"), "eeeeeeeeeeeee");
	T_EQ_STR(conn_state(&ctx, "handle"), "shinyakato.bsky.social");
	rq = req_last(&rp, "POST", XRPC "com.atproto.server.refreshSession");
	if (T_ASSERT(rq != NULL))
		T_EQ_STR(js(json_object_get(rq, "headers"), "Authorization"),
		         "Bearer old-refresh");
	json_decref(rq);
	T_EQ_INT(
	    replay_count(&rp, "POST", XRPC "com.atproto.server.createSession"),
	    0);

	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_OK);
	T_EQ_INT(
	    replay_count(&rp, "POST", XRPC "com.atproto.server.createSession"),
	    1);

	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_AUTH);
	T_EQ_STR(ctx.err.code, "AuthenticationRequired");
	T_EQ_STR(ctx.err.message, "Invalid identifier or password");
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
}

T_TEST(rate_limit_and_malformed)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	struct buf scn;
	buf_init(&scn, 1 << 16);
	buf_printf(&scn,
	           "{\"routes\":[{\"path\":\"" FEED "\",\"status\":429,"
	           "\"headers\":{\"RateLimit-Limit\":\"3000\","
	           "\"RateLimit-Remaining\":\"0\",\"Retry-After\":\"1\"},"
	           "\"body\":{\"error\":\"RateLimitExceeded\",\"message\":"
	           "\"Rate Limit Exceeded\"}},"
	           "{\"path\":\"" FEED "\",\"body\":{\"feed\":[]}},"
	           "{\"path\":\"" NOTIF "\",\"status\":429,\"times\":0,"
	           "\"headers\":{\"RateLimit-Limit\":\"3000\","
	           "\"RateLimit-Remaining\":\"0\",\"RateLimit-Reset\":"
	           "\"%lld\",\"RateLimit-Policy\":\"3000;w=300\"},"
	           "\"body\":{\"error\":\"RateLimitExceeded\",\"message\":"
	           "\"Rate Limit Exceeded\"}}]}",
	           (long long)time_now() + 3600);
	if (!replay_start(&rp, buf_str(&scn)))
		return;
	ctx_setup(&ctx, &s, &rp, 1);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_RATELIMIT);
	T_EQ_INT(replay_count(&rp, "GET", FEED), 2);
	T_EQ_INT(replay_count(&rp, "GET", NOTIF), 1);
	T_EQ_STR(ctx.err.code, "RateLimitExceeded");
	T_ASSERT(ctx.err.retry_at >= time_now() + 3500 &&
	         ctx.err.retry_at <= time_now() + 3700);
	T_EQ_STR(conn_state(&ctx, "notif_since"), NULL);
	replay_stop(&rp);
	ctx_done(&ctx, &s);

	if (!replay_start(&rp,
	                  "{\"routes\":[{\"path\":\"" FEED "\","
	                  "\"body_text\":\"{\\\"feed\\\": [{\\\"post\"},"
	                  "{\"path\":\"" FEED "\",\"body\":{\"cursor\":"
	                  "\"x\"}},"
	                  "{\"path\":\"" FEED "\",\"status\":400,"
	                  "\"body_file\":\"" DART "bluesky/error.json\"}]}"))
		return;
	ctx_setup(&ctx, &s, &rp, 1);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_PLATFORM);
	T_EQ_STR(ctx.err.code, "InvalidRequestError");
	T_EQ_STR(ctx.err.message, "parameter is missing");
	T_EQ_INT(json_array_size(s.items), 0);
	T_EQ_STR(conn_state(&ctx, "feed_since"), NULL);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
	buf_cleanup(&scn);
}

T_TEST(reply)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	struct conn_result r;
	json_t *rq, *b;
	const char *parent = "at://did:plc:d3zpokjdspr22chfrc427eis/"
	                     "app.bsky.feed.post/3ju4p6u2i3a2g";
	if (!replay_start(&rp, "{\"routes\":[{\"path\":\"" XRPC
	                       "app.bsky.feed.getPosts\",\"body_file\":\"" APP
	                       "feed/getPosts.json\"},"
	                       "{\"method\":\"POST\",\"path\":\"" XRPC
	                       "com.atproto.repo.createRecord\",\"body_file\":"
	                       "\"" REPO "createRecord.json\"}]}"))
		return;
	ctx_setup(&ctx, &s, &rp, 1);
	conn_state_set(&ctx, "handle", "shinyakato.dev");
	T_EQ_INT(ctx.c->reply(&ctx, parent, "Takk!", &r), CONN_OK);
	T_EQ_STR(r.id, AT "3jqhxhsrye223");
	T_EQ_STR(r.url, "https://bsky.app/profile/shinyakato.dev/post/"
	                "3jqhxhsrye223");
	rq = req_last(&rp, "POST", XRPC "com.atproto.repo.createRecord");
	b = rq ? json_loads(js(rq, "body"), 0, NULL) : NULL;
	if (T_ASSERT(b != NULL)) {
		json_t *rec = json_object_get(b, "record");
		json_t *rep = json_object_get(rec, "reply");
		T_EQ_STR(js(b, "repo"), ME);
		T_EQ_STR(js(b, "collection"), "app.bsky.feed.post");
		T_EQ_STR(js(rec, "text"), "Takk!");
		T_EQ_STR(js(json_object_get(rep, "root"), "uri"), parent);
		T_EQ_STR(
		    js(json_object_get(rep, "parent"), "cid"),
		    "bafyreigsrxui256rn6lxwgzhswg3qc3e3t2vnlej3ddlq4w5ebg7fd2"
		    "voq");
		T_ASSERT(str_starts(js(rec, "createdAt"), "20"));
	}
	json_decref(b);
	json_decref(rq);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
}

T_TEST(moderate)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	json_t *rq, *b;
	const char *visitor = "at://did:plc:synthetic0000000000000001/"
	                      "app.bsky.feed.post/3jukzzzzzzz2a";
	if (!replay_start(
	        &rp,
	        "{\"routes\":[{\"path\":\"" XRPC "app.bsky.feed.getPosts\","
	        "\"times\":2,\"body_file\":\"tests/fixtures/bluesky/"
	        "getPosts_reply.json\"},"
	        "{\"path\":\"" XRPC "app.bsky.feed.getPosts\","
	        "\"body_file\":\"" APP "feed/getPosts.json\"},"
	        "{\"path\":\"" XRPC "com.atproto.repo.getRecord\","
	        "\"query\":{\"collection\":\"app.bsky.feed.threadgate\","
	        "\"rkey\":\"3jukoxegkhw2s\"},\"status\":400,\"body\":{"
	        "\"error\":\"RecordNotFound\",\"message\":\"Could not locate "
	        "record\"}},"
	        "{\"path\":\"" XRPC "com.atproto.repo.getRecord\","
	        "\"body_file\":\"tests/fixtures/bluesky/"
	        "threadgate_record.json\"},"
	        "{\"method\":\"POST\",\"path\":\"" XRPC
	        "com.atproto.repo.putRecord\",\"times\":2,\"body_file\":\"" REPO
	        "putRecord.json\"},"
	        "{\"method\":\"POST\",\"path\":\"" XRPC
	        "com.atproto.repo.deleteRecord\",\"body_file\":\"" REPO
	        "deleteRecord.json\"}]}"))
		return;
	ctx_setup(&ctx, &s, &rp, 1);
	/* hide: a new thread gate on our post with the reply in it */
	T_EQ_INT(ctx.c->moderate(&ctx, visitor, MOD_HIDE), CONN_OK);
	rq = req_last(&rp, "POST", XRPC "com.atproto.repo.putRecord");
	b = rq ? json_loads(js(rq, "body"), 0, NULL) : NULL;
	if (T_ASSERT(b != NULL)) {
		json_t *rec = json_object_get(b, "record");
		T_EQ_STR(js(b, "collection"), "app.bsky.feed.threadgate");
		T_EQ_STR(js(b, "rkey"), "3jukoxegkhw2s");
		T_EQ_STR(js(rec, "post"), AT "3jukoxegkhw2s");
		T_EQ_INT(json_array_size(json_object_get(rec, "hiddenReplies")),
		         1);
		T_EQ_STR(json_string_value(json_array_get(
		             json_object_get(rec, "hiddenReplies"), 0)),
		         visitor);
	}
	json_decref(b);
	json_decref(rq);
	/* unhide: the existing gate keeps its other hidden reply */
	T_EQ_INT(ctx.c->moderate(&ctx, visitor, MOD_UNHIDE), CONN_OK);
	rq = req_last(&rp, "POST", XRPC "com.atproto.repo.putRecord");
	b = rq ? json_loads(js(rq, "body"), 0, NULL) : NULL;
	if (T_ASSERT(b != NULL)) {
		json_t *h = json_object_get(json_object_get(b, "record"),
		                            "hiddenReplies");
		T_EQ_INT(json_array_size(h), 1);
		T_EQ_STR(json_string_value(json_array_get(h, 0)),
		         "at://did:plc:synthetic0000000000000002/app.bsky.feed."
		         "post/3jukyyyyyyy2a");
	}
	json_decref(b);
	json_decref(rq);
	/* a top-level post cannot be hidden */
	T_EQ_INT(ctx.c->moderate(&ctx,
	                         "at://did:plc:d3zpokjdspr22chfrc427eis/"
	                         "app.bsky.feed.post/3ju4p6u2i3a2g",
	                         MOD_HIDE),
	         CONN_E_UNSUPPORTED);
	/* others' posts cannot be deleted; ours can */
	T_EQ_INT(ctx.c->moderate(&ctx, visitor, MOD_DELETE),
	         CONN_E_UNSUPPORTED);
	T_ASSERT(strstr(ctx.err.message, "only its own") != NULL);
	T_EQ_INT(ctx.c->moderate(&ctx, AT "3jukoxegkhw2s", MOD_DELETE),
	         CONN_OK);
	rq = req_last(&rp, "POST", XRPC "com.atproto.repo.deleteRecord");
	if (T_ASSERT(rq != NULL))
		T_EQ_STR(js(rq, "body"), "{\"repo\":\"" ME "\",\"collection\":"
		                         "\"app.bsky.feed.post\",\"rkey\":"
		                         "\"3jukoxegkhw2s\"}");
	json_decref(rq);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
}

T_TEST(publish_media)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	struct conn_post p = {0};
	struct conn_result r;
	struct buf big;
	char path[300];
	FILE *f;
	json_t *rq, *b;
	if (!replay_start(&rp,
	                  "{\"routes\":[{\"method\":\"POST\",\"path\":\"" XRPC
	                  "com.atproto.repo.uploadBlob\",\"body_file\":\"" REPO
	                  "uploadBlob.json\"},"
	                  "{\"method\":\"POST\",\"path\":\"" XRPC
	                  "com.atproto.repo.createRecord\",\"body_file\":"
	                  "\"" REPO "createRecord.json\"}]}"))
		return;
	snprintf(path, sizeof(path), "%s/kart.png", rp.dir);
	f = fopen(path, "wb");
	if (!T_ASSERT(f != NULL))
		return;
	fputs("\x89PNG not really", f);
	fclose(f);
	ctx_setup(&ctx, &s, &rp, 1);
	p.text = "Nytt kart over kommunen";
	p.lang = "nb";
	p.media[0].path = path;
	p.media[0].mime = "image/png";
	p.nmedia = 1;
	/* alt text is required */
	T_EQ_INT(ctx.c->publish(&ctx, &p, &r), CONN_E_PLATFORM);
	T_EQ_STR(ctx.err.code, "alt_required");
	T_EQ_INT(ctx.requests, 0);
	p.media[0].alt = "Kart over kommunen med de nye bydelene";
	T_EQ_INT(ctx.c->publish(&ctx, &p, &r), CONN_OK);
	T_EQ_STR(r.id, AT "3jqhxhsrye223");
	rq = req_last(&rp, "POST", XRPC "com.atproto.repo.uploadBlob");
	if (T_ASSERT(rq != NULL)) {
		T_EQ_STR(js(json_object_get(rq, "headers"), "Content-Type"),
		         "image/png");
		T_EQ_STR(js(rq, "body"), "\xef\xbf\xbdPNG not really");
	}
	json_decref(rq);
	rq = req_last(&rp, "POST", XRPC "com.atproto.repo.createRecord");
	b = rq ? json_loads(js(rq, "body"), 0, NULL) : NULL;
	if (T_ASSERT(b != NULL)) {
		json_t *rec = json_object_get(b, "record");
		json_t *emb = json_object_get(rec, "embed");
		json_t *im = json_array_get(json_object_get(emb, "images"), 0);
		T_EQ_STR(js(rec, "text"), "Nytt kart over kommunen");
		T_EQ_STR(json_string_value(
		             json_array_get(json_object_get(rec, "langs"), 0)),
		         "nb");
		T_EQ_STR(js(emb, "$type"), "app.bsky.embed.images");
		T_EQ_STR(js(im, "alt"), "Kart over kommunen med de nye "
		                        "bydelene");
		T_EQ_STR(
		    js(json_object_get(json_object_get(im, "image"), "ref"),
		       "$link"),
		    "bafkreiflipfku74fw2rmagyxnznibpb2ks5wtyuawa6q5vyrttdtlz"
		    "loba");
	}
	json_decref(b);
	json_decref(rq);

	/* 300 graphemes pass, 301 do not (é written as e + combining) */
	buf_init(&big, 1 << 16);
	for (int i = 0; i < 300; i++)
		buf_adds(&big, "e\xcc\x81");
	T_EQ_INT(bluesky_graphemes(buf_str(&big)), 300);
	T_EQ_INT(bluesky_graphemes("\xff"), -1);
	buf_adds(&big, "!");
	p.text = buf_str(&big);
	p.nmedia = 0;
	T_EQ_INT(ctx.c->publish(&ctx, &p, &r), CONN_E_PLATFORM);
	T_EQ_STR(ctx.err.code, "too_long");
	T_EQ_INT(replay_count(&rp, "POST", NULL), 2);
	buf_cleanup(&big);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
}

T_TEST(metrics)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	if (!replay_start(&rp,
	                  "{\"routes\":[{\"path\":\"" XRPC
	                  "app.bsky.actor.getProfile\",\"query\":{\"actor\":"
	                  "\"" ME "\"},\"body_file\":\"" APP
	                  "actor/getProfile.json\"},"
	                  "{\"path\":\"" FEED "\",\"body_file\":\"" APP
	                  "feed/getAuthorFeed.json\"}]}"))
		return;
	ctx_setup(&ctx, &s, &rp, 1);
	T_EQ_INT(ctx.c->metrics(&ctx), CONN_OK);
	/* followers + posts, then likes/reposts/replies of 23 own posts */
	T_EQ_INT((int)json_array_size(s.mseq), 2 + 23 * 3);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(sync_full),     T_ENTRY(failure_mid_listing),
	    T_ENTRY(expired_token), T_ENTRY(rate_limit_and_malformed),
	    T_ENTRY(reply),         T_ENTRY(moderate),
	    T_ENTRY(publish_media), T_ENTRY(metrics)};
	if (sodium_init() < 0)
		return 1;
	fetch_global_init();
	return T_RUN(tests, argc, argv);
}
