/*
 * test_conn_mastodon.c - the Mastodon connector (src/connect/mastodon.c)
 * through real HTTP against tests/lib/replay.py serving the recorded
 * Mastodon.py cassettes (../shared/fixtures/mastodon/cassettes) and one
 * synthetic context (tests/fixtures/mastodon): own statuses over two
 * pages, replies, mentions and DMs, raw payloads byte for byte, cursors,
 * a failure mid-listing and the run that recovers, rate limits, a bad
 * token, a malformed body, localised errors, reply, moderate, publish
 * with media and alt text, metrics.
 */
#include "t.h"
#include "replay.h"
#include "conn_collect.h"

#include "../../src/base/buf.h"
#include "../../src/base/util.h"
#include "../../src/connect/connect.h"
#include "../../src/connect/mastodon.h"

#include <sodium.h>

#define ME    "117020565966271181"
#define POST9 "117020580518794573"
#define CAS   "mastodon/cassettes/"
#define MFX   "tests/fixtures/mastodon/"

/* The ten statuses of test_fetch_next_previous.yaml, newest first. */
static const char *const own_ids[] = {
    "117020580518794573", "117020580511453871", "117020580503743669",
    "117020580496489811", "117020580489281910", "117020580481736214",
    "117020580474454464", "117020580467310235", "117020580459855703",
    "117020580452511285"};

/* A ctx pointed at the replay server, with an account and a token. */
static void
ctx_setup(struct conn_ctx *ctx, struct coll *s, const struct replay *rp)
{
	json_t *cfg = json_object(), *cred = json_object();
	json_object_set_new(cfg, "base_url", json_string(rp->base));
	json_object_set_new(cred, "access_token",
	                    json_string("__MASTODON_PY_TEST_ACCESS_TOKEN"));
	conn_ctx_init(ctx, connector_find("mastodon"), cfg, cred,
	              json_object());
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

/* Routes every run of sync needs after the own-status listing: the
 * contexts of the ten posts and the mentions (two pages). */
static void
tail_routes(struct buf *b)
{
	for (size_t i = 0; i < sizeof(own_ids) / sizeof(own_ids[0]); i++) {
		if (i == 0)
			buf_printf(b,
			           ",{\"path\":\"/api/v1/statuses/%s/context\","
			           "\"times\":0,\"body_file\":\"tests/fixtures/"
			           "mastodon/context_replies.json\"}",
			           own_ids[i]);
		else
			buf_printf(
			    b,
			    ",{\"path\":\"/api/v1/statuses/%s/context\","
			    "\"times\":0,\"cassette\":\"" CAS
			    "test_status_context.yaml\",\"interaction\":1}",
			    own_ids[i]);
	}
	buf_adds(b, ",{\"path\":\"/api/v1/notifications\",\"times\":0,"
	            "\"query\":{\"types[]\":\"mention\"},"
	            "\"query_absent\":[\"max_id\",\"since_id\"],"
	            "\"cassette\":\"" CAS
	            "test_notifications_mentions_only.yaml\","
	            "\"interaction\":1},"
	            "{\"path\":\"/api/v1/notifications\",\"times\":0,"
	            "\"query\":{\"max_id\":\"21\"},\"body\":[]},"
	            "{\"path\":\"/api/v1/notifications\",\"times\":0,"
	            "\"query\":{\"since_id\":\"21\"},\"body\":[]}");
}

#define STATUSES "/api/v1/accounts/" ME "/statuses"

/* Page 1 and 2 of our statuses (cassette) and an empty page 3; fault
 * (may be "") on page 2 for `times` answers first. */
static void
status_routes(struct buf *b, const char *fault, int times)
{
	buf_adds(b, "{\"rewrite\":[\"http://localhost:3000\"],\"routes\":[");
	buf_adds(b, "{\"path\":\"" STATUSES "\",\"times\":0,"
	            "\"query_absent\":[\"max_id\",\"since_id\"],"
	            "\"cassette\":\"" CAS "test_fetch_next_previous.yaml\","
	            "\"interaction\":11}");
	if (*fault)
		buf_printf(
		    b,
		    ",{\"path\":\"" STATUSES "\",\"times\":%d,"
		    "\"query\":{\"max_id\":\"117020580489281910\"},"
		    "\"fault\":\"%s\",\"cassette\":\"" CAS
		    "test_fetch_next_previous.yaml\",\"interaction\":12}",
		    times, fault);
	buf_adds(b,
	         ",{\"path\":\"" STATUSES "\",\"times\":0,"
	         "\"query\":{\"max_id\":\"117020580489281910\"},"
	         "\"cassette\":\"" CAS "test_fetch_next_previous.yaml\","
	         "\"interaction\":12},"
	         "{\"path\":\"" STATUSES "\",\"times\":0,"
	         "\"query\":{\"max_id\":\"117020580452511285\"},\"body\":[]},"
	         "{\"path\":\"" STATUSES "\",\"times\":0,"
	         "\"query\":{\"since_id\":\"" POST9 "\"},"
	         "\"query_absent\":[\"max_id\"],\"body\":[]}");
	tail_routes(b);
	buf_adds(b, "]}");
}

T_TEST(sync_full)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	struct buf scn;
	json_t *it, *l;
	buf_init(&scn, 1 << 16);
	status_routes(&scn, "", 0);
	if (!replay_start(&rp, buf_str(&scn)))
		return;
	ctx_setup(&ctx, &s, &rp);
	conn_state_set(&ctx, "account_id", ME);

	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_INT(s.dups, 0);
	/* 10 own posts, 3 in the thread of POST9, 1 mention */
	T_EQ_INT(json_array_size(s.items), 14);
	it = coll_find(&s, POST9);
	if (T_ASSERT(it != NULL)) {
		T_EQ_STR(js(it, "type"), "post");
		T_EQ_INT(json_integer_value(json_object_get(it, "inbound")), 0);
		T_EQ_STR(js(it, "text"), "Toot number 9!");
		T_EQ_STR(js(it, "html"), "<p>Toot number 9!</p>");
		T_ASSERT(str_starts(js(it, "handle"), "@mastodonpy_test@"));
		/* raw: the status's bytes as the instance sent them */
		T_ASSERT(str_starts(js(it, "raw"),
		                    "{\"id\":\"" POST9 "\",\"created_at\":"));
		T_EQ_INT(js(it, "raw")[strlen(js(it, "raw")) - 1], '}');
		{
			json_t *r = json_loads(js(it, "raw"), 0, NULL);
			T_EQ_STR(js(r, "id"), POST9);
			T_EQ_STR(js(json_object_get(r, "account"), "id"), ME);
			json_decref(r);
		}
		T_ASSERT(json_integer_value(json_object_get(it, "created")) >
		         1785000000);
		T_EQ_INT(json_integer_value(json_object_get(it, "replies")), 0);
	}
	T_ASSERT(coll_find(&s, own_ids[9]) != NULL); /* page 2 */
	it = coll_find(&s, "117020590000000001");
	if (T_ASSERT(it != NULL)) {
		T_EQ_STR(js(it, "type"), "comment");
		T_EQ_STR(js(it, "parent"), POST9);
		T_EQ_STR(js(it, "thread"), POST9);
		T_EQ_INT(json_integer_value(json_object_get(it, "inbound")), 1);
		T_EQ_STR(js(it, "text"), "Takk for info & svar! #x");
		T_EQ_STR(js(it, "handle"), "@kari@example.org");
		T_EQ_STR(js(it, "name"), "Kari N.");
		T_EQ_STR(js(it, "lang"), "nb");
		T_EQ_INT(json_integer_value(json_object_get(it, "edited")),
		         1785596400);
		T_EQ_INT(json_integer_value(json_object_get(it, "nmedia")), 1);
		T_EQ_STR(js(it, "media_url"), "https://example.org/m/1.png");
		T_EQ_STR(js(it, "media_mime"), "image/png");
		T_EQ_STR(js(it, "alt"), "Et kart over kommunen");
		T_EQ_INT(json_integer_value(json_object_get(it, "likes")), 3);
		T_EQ_INT(json_integer_value(json_object_get(it, "shares")), 2);
		T_EQ_INT(json_integer_value(json_object_get(it, "replies")), 1);
		T_ASSERT(str_starts(js(it, "raw"),
		                    "{\"id\": \"117020590000000001\""));
	}
	it = coll_find(&s, "117020590000000002");
	if (T_ASSERT(it != NULL)) {
		T_EQ_STR(js(it, "type"), "reply");
		T_EQ_STR(js(it, "parent"), "117020590000000001");
		T_EQ_INT(json_integer_value(json_object_get(it, "inbound")), 0);
		T_EQ_STR(js(it, "text"), "Bare hyggelig\nHilsen kommunen");
	}
	it = coll_find(&s, "117020590000000003");
	if (T_ASSERT(it != NULL)) {
		T_EQ_STR(js(it, "type"), "dm");
		T_EQ_STR(js(it, "parent"), POST9);
	}
	it = coll_find(&s, "117020577157693549");
	if (T_ASSERT(it != NULL)) {
		T_EQ_STR(js(it, "type"), "mention");
		T_EQ_INT(json_integer_value(json_object_get(it, "inbound")), 1);
		T_EQ_STR(js(it, "text"), "@mastodonpy_test hello!");
		/* raw is the status inside the notification */
		T_ASSERT(str_starts(js(it, "raw"),
		                    "{\"id\":\"117020577157693549\""));
	}
	l = json_object_get(s.listings, POST9);
	if (T_ASSERT(json_is_array(l)) && T_EQ_INT(json_array_size(l), 2)) {
		T_EQ_STR(json_string_value(json_array_get(l, 0)),
		         "117020590000000001");
		T_EQ_STR(json_string_value(json_array_get(l, 1)),
		         "117020590000000003");
	}
	T_EQ_INT(json_array_size(json_object_get(s.listings, own_ids[4])), 0);
	T_EQ_INT(json_object_size(s.listings), 10);
	T_EQ_STR(conn_state(&ctx, "statuses_since"), POST9);
	T_EQ_STR(conn_state(&ctx, "mentions_since"), "21");
	T_ASSERT(str_starts(conn_state(&ctx, "watch"), POST9 ","));
	T_EQ_INT(replay_count(&rp, "GET", STATUSES), 3);
	{
		json_t *r = req_last(&rp, "GET", STATUSES);
		const char *auth =
		    js(json_object_get(r, "headers"), "Authorization");
		T_EQ_STR(auth, "Bearer __MASTODON_PY_TEST_ACCESS_TOKEN");
		T_EQ_STR(js(json_object_get(r, "query"), "exclude_replies"),
		         "true");
		json_decref(r);
	}

	/* the next run asks only for what is newer */
	coll_reset(&s);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_INT(s.dups, 0);
	T_EQ_INT(json_array_size(s.items), 3); /* the thread, read again */
	T_EQ_INT(replay_count(&rp, "GET", STATUSES), 4);
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
	json_t *all;
	buf_init(&scn, 1 << 16);
	/* page 2 breaks off mid-body on every try of the first run */
	status_routes(&scn, "close_mid_body", 4);
	if (!replay_start(&rp, buf_str(&scn)))
		return;
	ctx_setup(&ctx, &s, &rp);
	conn_state_set(&ctx, "account_id", ME);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_NETWORK);
	T_EQ_INT(s.dups, 0);
	T_EQ_INT(json_array_size(s.items), 5);
	T_EQ_STR(conn_state(&ctx, "statuses_since"), NULL);
	T_EQ_STR(conn_state(&ctx, "mentions_since"), NULL);
	all = json_deep_copy(s.items);

	coll_reset(&s);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_INT(s.dups, 0);
	T_EQ_INT(json_array_size(s.items), 14);
	for (size_t i = 0; i < sizeof(own_ids) / sizeof(own_ids[0]); i++)
		T_ASSERT(coll_find(&s, own_ids[i]) != NULL);
	T_ASSERT(coll_find(&s, "117020577157693549") != NULL);
	T_EQ_STR(conn_state(&ctx, "statuses_since"), POST9);
	T_EQ_INT(replay_unmatched(&rp), 0);
	json_decref(all);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
	buf_cleanup(&scn);
}

T_TEST(rate_limit)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	struct buf scn;
	char soon[32], late[32];
	time_fmt_iso(time_now() + 2, soon);
	time_fmt_iso(time_now() + 3600, late);
	buf_init(&scn, 1 << 16);
	/* a short throttle is waited out inline; a long one is returned */
	buf_printf(&scn,
	           "{\"routes\":[{\"path\":\"" STATUSES "\",\"status\":429,"
	           "\"headers\":{\"X-RateLimit-Limit\":\"300\","
	           "\"X-RateLimit-Remaining\":\"0\",\"X-RateLimit-Reset\":"
	           "\"%s\"},\"body\":{\"error\":\"Too many requests\"}},"
	           "{\"path\":\"" STATUSES "\",\"body\":[]},"
	           "{\"path\":\"/api/v1/notifications\",\"status\":429,"
	           "\"times\":0,\"headers\":{\"X-RateLimit-Limit\":\"300\","
	           "\"X-RateLimit-Remaining\":\"0\",\"X-RateLimit-Reset\":"
	           "\"%s\"},\"body\":{\"error\":\"Too many requests\"}}]}",
	           soon, late);
	if (!replay_start(&rp, buf_str(&scn)))
		return;
	ctx_setup(&ctx, &s, &rp);
	conn_state_set(&ctx, "account_id", ME);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_RATELIMIT);
	T_EQ_INT(replay_count(&rp, "GET", STATUSES), 2);
	T_EQ_INT(replay_count(&rp, "GET", "/api/v1/notifications"), 1);
	T_EQ_STR(ctx.err.message, "Too many requests");
	T_EQ_STR(ctx.err.code, "rate_limited");
	T_ASSERT(ctx.err.retry_at >= time_now() + 3500 &&
	         ctx.err.retry_at <= time_now() + 3700);
	T_EQ_STR(conn_state(&ctx, "mentions_since"), NULL);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
	buf_cleanup(&scn);
}

T_TEST(auth_and_errors)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	if (!replay_start(
	        &rp,
	        "{\"routes\":[{\"path\":\"/api/v1/accounts/"
	        "verify_credentials\","
	        "\"cassette\":\"" CAS "test_unauthed_home_tl_throws.yaml\","
	        "\"interaction\":1},"
	        "{\"path\":\"/api/v1/accounts/verify_credentials\","
	        "\"cassette\":\"" CAS "test_verify_credentials.yaml\"},"
	        "{\"path\":\"" STATUSES "\",\"body_text\":\"[{\\\"id\\\":\"},"
	        "{\"path\":\"" STATUSES "\",\"body\":{\"not\":\"a list\"}},"
	        "{\"path\":\"/api/v1/statuses/0\",\"cassette\":\"" CAS
	        "test_status_missing.yaml\"},"
	        "{\"method\":\"POST\",\"path\":\"/api/v1/statuses\","
	        "\"cassette\":\"" CAS "test_lang_for_errors.yaml\"}]}"))
		return;
	/* no instance URL: a configuration error, nothing asked */
	conn_ctx_init(&ctx, connector_find("mastodon"), NULL, NULL, NULL);
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_CONFIG);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_CONFIG);
	conn_ctx_cleanup(&ctx);

	ctx_setup(&ctx, &s, &rp);
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_AUTH);
	T_EQ_STR(ctx.err.message, "The access token is invalid");
	T_EQ_INT(ctx.err.http_status, 401);
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_OK);
	T_EQ_STR(conn_state(&ctx, "account_id"), "117020457910412882");
	conn_state_set(&ctx, "account_id", ME);

	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(json_array_size(s.items), 0);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_MALFORMED);
	T_EQ_STR(conn_state(&ctx, "statuses_since"), NULL);

	T_EQ_INT(ctx.c->moderate(&ctx, "0", MOD_DELETE), CONN_E_NOTFOUND);
	T_EQ_STR(ctx.err.message, "Not Found");
	{
		struct conn_post p = {0};
		struct conn_result r;
		p.text = "look at me";
		T_EQ_INT(ctx.c->publish(&ctx, &p, &r), CONN_E_PLATFORM);
		/* the instance's localised message, verbatim */
		T_EQ_STR(ctx.err.message, "バリデーションに失敗しました: "
		                          "Text上限は500文字です");
		T_EQ_INT(ctx.err.http_status, 422);
	}
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
}

T_TEST(reply)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	struct conn_result r;
	json_t *rq;
	if (!replay_start(
	        &rp, "{\"rewrite\":[\"http://localhost:3000\"],\"routes\":["
	             "{\"path\":\"/api/v1/statuses/117020583245459824\","
	             "\"cassette\":\"" CAS "test_status_reply.yaml\"},"
	             "{\"method\":\"POST\",\"path\":\"/api/v1/statuses\","
	             "\"cassette\":\"" CAS "test_status_reply.yaml\","
	             "\"interaction\":2}]}"))
		return;
	ctx_setup(&ctx, &s, &rp);
	conn_state_set(&ctx, "account_id", "117020565693913441");
	T_EQ_INT(ctx.c->reply(&ctx, "117020583245459824", "same!", &r),
	         CONN_OK);
	T_EQ_STR(r.id, "117020583258292382");
	T_ASSERT(str_starts(r.url, rp.base));
	rq = req_last(&rp, "POST", "/api/v1/statuses");
	if (T_ASSERT(rq != NULL)) {
		T_EQ_STR(js(rq, "body"), "status=%40mastodonpy_test_2+same%21&"
		                         "in_reply_to_id=117020583245459824");
		T_EQ_INT(strlen(js(json_object_get(rq, "headers"),
		                   "Idempotency-Key")),
		         64);
	}
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
	if (!replay_start(&rp,
	                  "{\"routes\":["
	                  "{\"path\":\"/api/v1/statuses/117020585487094447\","
	                  "\"cassette\":\"" CAS "test_status_context.yaml\"},"
	                  "{\"method\":\"DELETE\",\"path\":\"/api/v1/statuses/"
	                  "117020585487094447\",\"cassette\":\"" CAS
	                  "test_status_context.yaml\",\"interaction\":2},"
	                  "{\"path\":\"/api/v1/statuses/117020583245459824\","
	                  "\"cassette\":\"" CAS "test_status_reply.yaml\"}]}"))
		return;
	ctx_setup(&ctx, &s, &rp);
	conn_state_set(&ctx, "account_id", ME);
	T_EQ_INT(ctx.c->moderate(&ctx, "117020583245459824", MOD_HIDE),
	         CONN_E_UNSUPPORTED);
	T_ASSERT(strstr(ctx.err.message, "cannot hide") != NULL);
	T_EQ_INT(ctx.requests, 0);
	/* someone else's status: refused before any DELETE */
	T_EQ_INT(ctx.c->moderate(&ctx, "117020583245459824", MOD_DELETE),
	         CONN_E_UNSUPPORTED);
	T_ASSERT(strstr(ctx.err.message, "only its own") != NULL);
	/* our own: deleted */
	T_EQ_INT(ctx.c->moderate(&ctx, "117020585487094447", MOD_DELETE),
	         CONN_OK);
	T_EQ_INT(replay_count(&rp, "DELETE", NULL), 1);
	T_ASSERT(strstr(ctx.c->note, "cannot hide") != NULL);
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
	char path[300];
	FILE *f;
	json_t *rq;
	if (!replay_start(
	        &rp, "{\"rewrite\":[\"http://localhost:3000\"],\"routes\":["
	             "{\"method\":\"POST\",\"path\":\"/api/v2/media\","
	             "\"status\":202,\"body_file\":\"" MFX "media_202.json\"},"
	             "{\"path\":\"/api/v1/media/117020575776246986\","
	             "\"body_file\":\"" MFX "media_ready.json\"},"
	             "{\"method\":\"POST\",\"path\":\"/api/v1/statuses\","
	             "\"body_file\":\"" MFX "status_with_media.json\"}]}"))
		return;
	snprintf(path, sizeof(path), "%s/clip.mp4", rp.dir);
	f = fopen(path, "wb");
	if (!T_ASSERT(f != NULL))
		return;
	fputs("not really a video", f);
	fclose(f);
	ctx_setup(&ctx, &s, &rp);
	conn_state_set(&ctx, "account_id", ME);
	p.text = "Se filmen";
	p.lang = "nb";
	p.media[0].path = path;
	p.media[0].mime = "video/mp4";
	p.media[0].alt = "Ordføreren klipper snoren";
	p.nmedia = 1;
	p.idempotency_key = "plan-42-v1";
	T_EQ_INT(ctx.c->publish(&ctx, &p, &r), CONN_OK);
	T_EQ_STR(r.id, "117020576440066974");
	T_EQ_INT(replay_count(&rp, "GET", "/api/v1/media/117020575776246986"),
	         1);
	rq = req_last(&rp, "POST", "/api/v2/media");
	if (T_ASSERT(rq != NULL)) {
		const char *b = js(rq, "body");
		T_ASSERT(strstr(b, "name=\"description\"\r\n\r\nOrdføreren "
		                   "klipper snoren") != NULL);
		T_ASSERT(strstr(b,
		                "filename=\"clip.mp4\"\r\nContent-Type: "
		                "video/mp4\r\n\r\nnot really a video") != NULL);
		T_ASSERT(str_starts(
		    js(json_object_get(rq, "headers"), "Content-Type"),
		    "multipart/form-data; boundary="));
	}
	json_decref(rq);
	rq = req_last(&rp, "POST", "/api/v1/statuses");
	if (T_ASSERT(rq != NULL)) {
		T_EQ_STR(js(rq, "body"), "status=Se+filmen&media_ids%5B%5D="
		                         "117020575776246986&language=nb");
		T_EQ_STR(js(json_object_get(rq, "headers"), "Idempotency-Key"),
		         "plan-42-v1");
	}
	json_decref(rq);
	/* more than four attachments: refused before any upload */
	p.nmedia = 5;
	T_EQ_INT(ctx.c->publish(&ctx, &p, &r), CONN_E_PLATFORM);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
}

T_TEST(metrics)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll s;
	if (!replay_start(
	        &rp, "{\"routes\":[{\"path\":\"/api/v1/accounts/"
	             "verify_credentials\","
	             "\"cassette\":\"" CAS "test_account_pinned.yaml\","
	             "\"interaction\":3},"
	             "{\"path\":\"" STATUSES "\",\"cassette\":\"" CAS
	             "test_fetch_next_previous.yaml\",\"interaction\":11}]}"))
		return;
	ctx_setup(&ctx, &s, &rp);
	T_EQ_INT(ctx.c->metrics(&ctx), CONN_OK);
	T_EQ_INT((int)json_array_size(s.mseq), 2 + 5 * 3);
	T_EQ_STR(conn_state(&ctx, "account_id"), ME);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_done(&ctx, &s);
	replay_stop(&rp);
}

T_TEST(parser_direct)
{
	struct conn_ctx ctx;
	struct coll s;
	struct mastodon_page pg = {0};
	const char *body = "[{\"id\":\"7\",\"visibility\":\"direct\","
	                   "\"content\":\"<p>hei</p>\",\"account\":{\"id\":"
	                   "\"3\",\"acct\":\"a@b.c\"}},  {\"id\":\"6\"}]";
	conn_ctx_init(&ctx, connector_find("mastodon"), NULL, NULL, NULL);
	coll_init(&s);
	coll_attach(&s, &ctx);
	T_EQ_INT(mastodon_parse(&ctx, MASTODON_STATUSES, body, strlen(body),
	                        NULL, NULL, &pg),
	         CONN_OK);
	T_EQ_INT(pg.n, 2);
	T_EQ_STR(pg.first_id, "7");
	T_EQ_STR(pg.last_id, "6");
	T_EQ_STR(js(coll_find(&s, "7"), "type"), "dm");
	T_EQ_STR(js(coll_find(&s, "7"), "handle"), "@a@b.c");
	T_EQ_STR(js(coll_find(&s, "6"), "raw"), "{\"id\":\"6\"}");
	T_EQ_INT(
	    mastodon_parse(&ctx, MASTODON_CONTEXT, "[]", 2, "1", NULL, &pg),
	    CONN_E_MALFORMED);
	T_EQ_INT(
	    mastodon_parse(&ctx, MASTODON_STATUSES, "{", 1, NULL, NULL, &pg),
	    CONN_E_MALFORMED);
	conn_ctx_cleanup(&ctx);
	coll_free(&s);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(sync_full),     T_ENTRY(failure_mid_listing),
	    T_ENTRY(rate_limit),    T_ENTRY(auth_and_errors),
	    T_ENTRY(reply),         T_ENTRY(moderate),
	    T_ENTRY(publish_media), T_ENTRY(metrics),
	    T_ENTRY(parser_direct)};
	if (sodium_init() < 0)
		return 1;
	fetch_global_init();
	return T_RUN(tests, argc, argv);
}
