/*
 * test_conn_facebook.c - the Facebook Page connector (src/connect/
 * facebook.c) through real HTTP against tests/lib/replay.py serving the
 * recorded python-facebook and restfb bodies: auth and appsecret_proof,
 * the feed across two pages with comments and replies and Messenger,
 * throttle codes with usage headers, an expired token (190/460), malformed
 * bodies, a cut-off page followed by a run that recovers everything,
 * reply, hide/unhide/delete, publishing with photos, and insights.
 */
#include "t.h"
#include "replay.h"
#include "conn_collect.h"

#include "../../src/base/util.h"
#include "../../src/connect/connect.h"
#include "../../src/connect/graph.h"

#include <sodium.h>
#include <stdarg.h>

#define PAGE "19292868552"
#define FX   "facebook/python-facebook/apidata/"
#define REWRITE                                                                \
	"\"rewrite\":[\"https://graph.facebook.com/v10.0\","                   \
	"\"https://graph.facebook.com/v11.0\"]"

static const char *const feed_posts[] = {
    PAGE "_10158349356748553", PAGE "_10158347294088553",
    PAGE "_10158345715593553", PAGE "_10158343840773553",
    PAGE "_10158333323653553", PAGE "_10158331020098553",
    PAGE "_10158329301388553", PAGE "_10158319774218553",
    PAGE "_10158317908683553", PAGE "_10158316421783553"};

/* The routes of a whole feed: two pages, comments (two pages) on the
 * first post, none on the others, and Messenger.  mid: the second feed
 * page is cut off mid-body every time. */
static void
feed_routes(char *s, size_t n, int mid)
{
	scn_add(s, n,
	        "{\"path\":\"/" PAGE "/feed\",\"query_absent\":[\"after\"],"
	        "\"query\":{\"fields\":\"*\",\"limit\":\"25\"},"
	        "\"body_file\":\"" FX "posts/feeds_default_fields_p1.json\"},");
	if (mid)
		scn_add(s, n,
		        "{\"path\":\"/" PAGE "/feed\",\"query\":{\"after\":"
		        "\"after\"},\"times\":0,\"fault\":\"close_mid_body\","
		        "\"body_file\":\"" FX
		        "posts/feeds_default_fields_p2.json\"},");
	else
		scn_add(s, n,
		        "{\"path\":\"/" PAGE "/feed\",\"query\":{\"after\":"
		        "\"after\"},"
		        "\"body_file\":\"" FX
		        "posts/feeds_default_fields_p2.json\"},");
	scn_add(s, n,
	        "{\"path\":\"/%s/comments\",\"query_absent\":[\"after\"],"
	        "\"query\":{\"filter\":\"stream\",\"order\":\"chronological\","
	        "\"summary\":\"1\"},"
	        "\"body_file\":\"" FX "comments/comments_p1.json\"},"
	        "{\"path\":\"/" PAGE "_10158407654328553/comments\","
	        "\"query\":{\"after\":\"after\"},"
	        "\"body_file\":\"" FX "comments/comments_p2.json\"},",
	        feed_posts[0]);
	for (int i = 1; i < 10; i++)
		scn_add(s, n,
		        "{\"path\":\"/%s/comments\",\"body\":{\"data\":[]}},",
		        feed_posts[i]);
	scn_add(s, n,
	        "{\"path\":\"/" PAGE "/conversations\","
	        "\"body_file\":\"tests/fixtures/facebook/"
	        "conversations.json\"}");
}

static void
setup(struct conn_ctx *ctx, struct coll *c, const struct replay *rp,
      const char *page)
{
	json_t *cfg = json_object(), *cred = json_object();
	if (page)
		json_object_set_new(cfg, "account", json_string(page));
	json_object_set_new(cfg, "base_url", json_string(rp->base));
	json_object_set_new(cred, "page_token", json_string("PAGE-TOKEN-1"));
	json_object_set_new(cred, "app_secret", json_string("app-secret-x"));
	conn_ctx_init(ctx, &conn_facebook_page, cfg, cred, json_object());
	ctx->backoff_base_ms = 5;
	coll_reset(c);
	coll_attach(c, ctx);
	c->json_raw = 1; /* raw must be the JSON */
}

T_TEST(registered)
{
	const struct connector *c = connector_find("facebook_page");
	T_ASSERT(c == &conn_facebook_page);
	T_EQ_STR(c->default_base, "https://graph.facebook.com/v23.0");
	T_ASSERT(c->caps & CAP_HIDE);
	T_ASSERT(strstr(c->note, "alt text") != NULL);
}

T_TEST(auth_and_proof)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c = {0};
	json_t *rq;
	char proof[65];
	if (!replay_start(&rp,
	                  "{\"routes\":[{\"path\":\"/" PAGE "\",\"query\":{"
	                  "\"fields\":\"id,name\"},\"body_file\":\"" FX
	                  "pages/single_fields_page.json\"}]}"))
		return;
	setup(&ctx, &c, &rp, NULL);
	T_EQ_INT(conn_facebook_page.check_auth(&ctx), CONN_E_CONFIG);
	ctx_release(&ctx);

	setup(&ctx, &c, &rp, PAGE);
	json_object_set_new(ctx.cred, "expires_at", json_string("1900000000"));
	T_EQ_INT(conn_facebook_page.check_auth(&ctx), CONN_OK);
	T_EQ_STR(conn_state(&ctx, "account_id"), "20531316728");
	T_EQ_STR(conn_state(&ctx, "account_name"), "Facebook");
	T_EQ_INT(ctx.token_expires_at, 1900000000);
	rq = req_nth(&rp, "GET", "/" PAGE, 0);
	graph_appsecret_proof("app-secret-x", "PAGE-TOKEN-1", proof);
	T_EQ_STR(json_string_value(json_object_get(json_object_get(rq, "query"),
	                                           "appsecret_proof")),
	         proof);
	T_EQ_STR(json_string_value(json_object_get(
	             json_object_get(rq, "headers"), "Authorization")),
	         "Bearer PAGE-TOKEN-1");
	/* the token is not in the URL */
	T_ASSERT(json_object_get(json_object_get(rq, "query"),
	                         "access_token") == NULL);
	json_decref(rq);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c);
}

T_TEST(sync_feed_comments_dms)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c = {0};
	static char scn[16384];
	const json_t *x;
	scn[0] = 0;
	scn_add(scn, sizeof(scn), "{" REWRITE ",\"routes\":[");
	feed_routes(scn, sizeof(scn), 0);
	scn_add(scn, sizeof(scn), "]}");
	if (!replay_start(&rp, scn))
		return;
	setup(&ctx, &c, &rp, PAGE);
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_OK);
	T_EQ_STR(ctx.err.message, "");
	/* 10 posts over two pages, 15 comments and replies over two
	 * pages, 2 DMs; the watermark is the newest updated_time */
	T_EQ_INT(coll_count_kind(&c, ITEM_POST), 10);
	T_EQ_INT(coll_count_kind(&c, ITEM_COMMENT), 10);
	T_EQ_INT(coll_count_kind(&c, ITEM_REPLY), 5);
	T_EQ_INT(coll_count_kind(&c, ITEM_DM), 2);
	T_EQ_INT(c.dups, 0);
	x = coll_find(&c, feed_posts[0]);
	T_ASSERT(x != NULL);
	if (x) {
		T_EQ_INT(ji(x, "inbound"), 0);
		T_EQ_INT(ji(x, "created"),
		         1625857792); /* 2021-07-09T19:09:52Z */
		T_EQ_INT(ji(x, "likes"), 125);
		T_EQ_INT(ji(x, "shares"), 10);
		T_EQ_INT(ji(x, "replies"), 13);
		T_EQ_INT(ji(x, "nmedia"), 1);
		T_ASSERT(js(x, "media_url") &&
		         strncmp(js(x, "media_url"), "https://scontent", 16) ==
		             0);
	}
	/* a reply recorded without id: its ids come from the permalink */
	x = coll_find(&c, "10158407654328553_10158409983033553");
	T_ASSERT(x != NULL);
	if (x) {
		T_EQ_INT(ji(x, "kind"), ITEM_REPLY);
		T_EQ_STR(js(x, "parent"),
		         "10158407654328553_10158407903973553");
		T_EQ_STR(js(x, "thread"), feed_posts[0]);
		T_EQ_INT(ji(x, "inbound"), 1);
	}
	x = coll_find(&c, "10158407654328553_10158407835073553");
	T_ASSERT(x && ji(x, "kind") == ITEM_COMMENT);
	T_ASSERT(x && coll_eq(js(x, "parent"), feed_posts[0]));
	x = coll_find(&c, "m_aaa1");
	T_ASSERT(x && ji(x, "kind") == ITEM_DM && ji(x, "inbound") == 1);
	T_ASSERT(x && coll_eq(js(x, "thread"), "t_587956915396498"));
	x = coll_find(&c, "m_aaa2");
	T_ASSERT(x && ji(x, "inbound") == 0); /* sent by the page */
	/* complete listings: the feed, every post's comments */
	T_EQ_INT(coll_listed(&c, ""), 10);
	T_EQ_INT(coll_listed(&c, feed_posts[0]), 15);
	T_EQ_INT(coll_listed(&c, feed_posts[9]), 0);
	T_EQ_STR(conn_state(&ctx, "watermark"), "1626051803");
	T_EQ_INT(replay_count(&rp, "GET", "/" PAGE "/feed"), 2);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c);
}

T_TEST(failure_mid_page_then_recovery)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c1 = {0};
	static struct coll c2;
	static char scn[16384];
	json_t *state;
	scn[0] = 0;
	scn_add(scn, sizeof(scn), "{" REWRITE ",\"routes\":[");
	feed_routes(scn, sizeof(scn), 1);
	scn_add(scn, sizeof(scn), "]}");
	if (!replay_start(&rp, scn))
		return;
	setup(&ctx, &c1, &rp, PAGE);
	ctx.max_retries = 1;
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_NETWORK);
	T_EQ_INT(coll_count_kind(&c1, ITEM_POST), 5);
	T_EQ_INT(coll_listed(&c1, ""), -1); /* incomplete: no listing */
	T_EQ_INT(c1.nlistings, 0);
	T_ASSERT(conn_state(&ctx, "watermark") == NULL);
	T_EQ_INT(replay_count(&rp, "GET", "/" PAGE "/feed"), 3);
	state = json_incref(ctx.state);
	ctx_release(&ctx);
	replay_stop(&rp);

	/* the next run, with the state the first one left, gets it all */
	scn[0] = 0;
	scn_add(scn, sizeof(scn), "{" REWRITE ",\"routes\":[");
	feed_routes(scn, sizeof(scn), 0);
	scn_add(scn, sizeof(scn), "]}");
	if (!replay_start(&rp, scn)) {
		json_decref(state);
		return;
	}
	setup(&ctx, &c2, &rp, PAGE);
	json_decref(ctx.state);
	ctx.state = state;
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_OK);
	T_EQ_INT(coll_count_kind(&c2, ITEM_POST), 10);
	T_EQ_INT(coll_count_kind(&c2, ITEM_COMMENT) +
	             coll_count_kind(&c2, ITEM_REPLY),
	         15);
	T_EQ_INT(c2.dups, 0);
	for (int i = 0; i < (int)json_array_size(c1.items); i++)
		T_ASSERT(coll_find(&c2, js(coll_nth(&c1, i), "id")) != NULL);
	T_EQ_INT(coll_listed(&c2, ""), 10);
	T_ASSERT(conn_state(&ctx, "watermark") != NULL);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c1);
	coll_free(&c2);
}

T_TEST(throttle_codes)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c = {0};
	int64_t t0 = time_now();
	if (!replay_start(
	        &rp, "{\"routes\":["
	             /* page throttle with a short wait: retried inline */
	             "{\"path\":\"/" PAGE "/feed\",\"status\":400,\"headers\":{"
	             "\"Retry-After\":\"1\","
	             "\"X-Business-Use-Case-Usage\":\"{\\\"" PAGE
	             "\\\":[{\\\"type\\\":\\\"pages\\\",\\\"call_count\\\":100,"
	             "\\\"total_cputime\\\":20,\\\"total_time\\\":30,"
	             "\\\"estimated_time_to_regain_access\\\":0}]}\"},"
	             "\"body\":{\"error\":{\"message\":\"(#32) Page request "
	             "limit reached\",\"type\":\"OAuthException\",\"code\":32,"
	             "\"fbtrace_id\":\"A1\"}}},"
	             "{\"path\":\"/" PAGE "/feed\",\"body\":{\"data\":[]}},"
	             /* app throttle, usage header only: come back later */
	             "{\"path\":\"/" PAGE "/feed\",\"status\":403,\"headers\":{"
	             "\"X-App-Usage\":\"{\\\"call_count\\\":100,"
	             "\\\"total_cputime\\\":10,\\\"total_time\\\":10}\"},"
	             "\"body\":{\"error\":{\"message\":\"(#4) Application "
	             "request limit reached\",\"type\":\"OAuthException\","
	             "\"code\":4,\"fbtrace_id\":\"A2\"}}},"
	             /* pages BUC throttle, 30 minutes */
	             "{\"path\":\"/" PAGE "/feed\",\"status\":400,\"headers\":{"
	             "\"X-Business-Use-Case-Usage\":\"{\\\"" PAGE
	             "\\\":[{\\\"type\\\":\\\"pages\\\",\\\"call_count\\\":100,"
	             "\\\"estimated_time_to_regain_access\\\":30}]}\"},"
	             "\"body\":{\"error\":{\"message\":\"(#80001) There have "
	             "been too many calls to this Page account.\",\"type\":"
	             "\"OAuthException\",\"code\":80001}}},"
	             /* code 17 as HTTP 429 */
	             "{\"path\":\"/" PAGE "/feed\",\"status\":429,\"body\":{"
	             "\"error\":{\"message\":\"(#17) User request limit "
	             "reached\",\"code\":17}}},"
	             "{\"path\":\"/" PAGE "/feed\",\"status\":400,\"body\":{"
	             "\"error\":{\"message\":\"(#613) Calls to this api have "
	             "exceeded the rate limit.\",\"code\":613}}}]}"))
		return;
	setup(&ctx, &c, &rp, PAGE);
	json_object_set_new(ctx.config, "dms", json_string("0"));
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_OK);
	T_EQ_STR(ctx.err.message, "");
	T_EQ_INT(ctx.requests, 2);
	T_EQ_INT(coll_listed(&c, ""), 0);

	ctx.requests = 0;
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_RATELIMIT);
	T_EQ_STR(ctx.err.code, "4");
	T_EQ_INT(ctx.err.http_status, 403);
	T_ASSERT(ctx.err.retry_at >= t0 + 59);
	T_EQ_INT(ctx.requests, 1); /* a long wait is not waited */

	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_RATELIMIT);
	T_EQ_STR(ctx.err.code, "80001");
	T_ASSERT(ctx.err.retry_at >= t0 + 30 * 60 - 5);
	T_ASSERT(strstr(ctx.err.message, "too many calls") != NULL);

	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_RATELIMIT);
	T_EQ_STR(ctx.err.code, "17");
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_RATELIMIT);
	T_EQ_STR(ctx.err.code, "613");
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c);
}

T_TEST(expired_token_and_errors)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c = {0};
	if (!replay_start(
	        &rp,
	        "{\"routes\":["
	        "{\"path\":\"/" PAGE "\",\"status\":400,\"body_file\":"
	        "\"facebook/restfb/exampleErrorNew.json\"},"
	        "{\"path\":\"/" PAGE "/feed\",\"status\":400,\"body\":{"
	        "\"error\":{\"message\":\"Error validating access token: "
	        "Session has expired\",\"type\":\"OAuthException\","
	        "\"code\":190,\"error_subcode\":463}}},"
	        "{\"path\":\"/" PAGE "/feed\",\"status\":403,\"body_file\":"
	        "\"facebook/python-facebook/base/error_data.json\"},"
	        "{\"path\":\"/" PAGE "/feed\",\"body_text\":\"{\\\"data\\\":"
	        "[{\\\"id\\\":\"},"
	        "{\"path\":\"/" PAGE "/feed\",\"body\":{\"data\":5}},"
	        "{\"path\":\"/" PAGE "/feed\",\"status\":500,\"times\":0,"
	        "\"body_text\":\"<html>oops</html>\"}]}"))
		return;
	setup(&ctx, &c, &rp, PAGE);
	T_EQ_INT(conn_facebook_page.check_auth(&ctx), CONN_E_AUTH);
	T_EQ_STR(ctx.err.code, "190/460");
	T_ASSERT(strstr(ctx.err.message, "password was changed") != NULL);
	T_ASSERT(strstr(ctx.err.message, "EJplcsCHuLu") != NULL);
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_AUTH);
	T_EQ_STR(ctx.err.code, "190/463");
	T_ASSERT(strstr(ctx.err.message, "expired") != NULL);
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_PLATFORM);
	T_EQ_STR(ctx.err.code, "100");
	T_ASSERT(strstr(ctx.err.message, "pages_read_engagement") != NULL);
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_MALFORMED);
	ctx.max_retries = 1;
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_NETWORK);
	T_EQ_INT((int)json_array_size(c.items), 0);
	T_ASSERT(conn_state(&ctx, "watermark") == NULL);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c);
}

T_TEST(paging_stays_on_host)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c = {0};
	/* no rewrite: the recorded next link leads to graph.facebook.com */
	if (!replay_start(&rp, "{\"routes\":[{\"path\":\"/" PAGE "/feed\","
	                       "\"body_file\":\"" FX
	                       "posts/feeds_default_fields_p1.json\"}]}"))
		return;
	setup(&ctx, &c, &rp, PAGE);
	T_EQ_INT(conn_facebook_page.sync(&ctx), CONN_E_MALFORMED);
	T_EQ_STR(ctx.err.code, "paging");
	T_EQ_INT(coll_count_kind(&c, ITEM_POST), 5);
	T_EQ_INT(replay_count(&rp, NULL, NULL), 1);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c);
}

T_TEST(reply_and_moderate)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c = {0};
	struct conn_result res;
	json_t *rq;
	const char *body;
	if (!replay_start(
	        &rp,
	        "{\"routes\":["
	        "{\"method\":\"POST\",\"path\":\"/245778718206154_1/"
	        "comments\",\"body_file\":\"" FX "comments/create_resp.json\"},"
	        "{\"method\":\"POST\",\"path\":\"/C1\",\"times\":2,"
	        "\"body\":{\"success\":true}},"
	        "{\"method\":\"DELETE\",\"path\":\"/C1\",\"body\":{"
	        "\"success\":true}},"
	        "{\"method\":\"DELETE\",\"path\":\"/C2\",\"body\":{"
	        "\"success\":false}},"
	        "{\"method\":\"POST\",\"path\":\"/C3\",\"status\":400,"
	        "\"body\":{\"error\":{\"message\":\"(#100) Unsupported "
	        "post request. Object with ID 'C3' does not exist\","
	        "\"code\":100,\"error_subcode\":33}}}]}"))
		return;
	setup(&ctx, &c, &rp, PAGE);
	T_EQ_INT(conn_facebook_page.reply(&ctx, "245778718206154_1",
	                                  "Takk for spørsmålet & svar!", &res),
	         CONN_OK);
	T_EQ_STR(res.id, "245778718206154_229887283291835");
	T_EQ_STR(res.url, "https://www.facebook.com/245628824887810/posts/"
	                  "245778718206154?comment_id=229887283291835");
	rq = req_nth(&rp, "POST", "/245778718206154_1/comments", 0);
	body = json_string_value(json_object_get(rq, "body"));
	T_ASSERT(body && strstr(body, "message=Takk%20for%20sp%C3%B8rsm%C3%"
	                              "A5let%20%26%20svar%21") != NULL);
	T_ASSERT(body && strstr(body, "appsecret_proof=") != NULL);
	json_decref(rq);

	T_EQ_INT(conn_facebook_page.moderate(&ctx, "C1", MOD_HIDE), CONN_OK);
	T_EQ_INT(conn_facebook_page.moderate(&ctx, "C1", MOD_UNHIDE), CONN_OK);
	T_EQ_INT(conn_facebook_page.moderate(&ctx, "C1", MOD_DELETE), CONN_OK);
	rq = req_nth(&rp, "POST", "/C1", 0);
	T_ASSERT(strstr(json_string_value(json_object_get(rq, "body")),
	                "is_hidden=true") != NULL);
	json_decref(rq);
	rq = req_nth(&rp, "POST", "/C1", 1);
	T_ASSERT(strstr(json_string_value(json_object_get(rq, "body")),
	                "is_hidden=false") != NULL);
	json_decref(rq);
	T_EQ_INT(conn_facebook_page.moderate(&ctx, "C2", MOD_DELETE),
	         CONN_E_PLATFORM);
	T_EQ_INT(conn_facebook_page.moderate(&ctx, "C3", MOD_HIDE),
	         CONN_E_NOTFOUND);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c);
}

T_TEST(publish)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c = {0};
	struct conn_result res;
	struct conn_post p;
	char tmp[] = "/tmp/kvfbXXXXXX";
	int fd;
	json_t *rq;
	const char *b;
	if (!replay_start(
	        &rp,
	        "{\"routes\":["
	        "{\"method\":\"POST\",\"path\":\"/" PAGE "/feed\","
	        "\"query_absent\":[\"x\"],\"body\":{\"id\":\"" PAGE "_111\"}},"
	        "{\"method\":\"POST\",\"path\":\"/" PAGE "/photos\","
	        "\"body\":{\"id\":\"222\",\"post_id\":\"" PAGE "_333\"}},"
	        "{\"method\":\"POST\",\"path\":\"/" PAGE "/photos\","
	        "\"body\":{\"id\":\"444\",\"post_id\":\"" PAGE "_555\"}},"
	        "{\"method\":\"POST\",\"path\":\"/" PAGE "/photos\","
	        "\"body\":{\"id\":\"601\"}},"
	        "{\"method\":\"POST\",\"path\":\"/" PAGE "/photos\","
	        "\"body\":{\"id\":\"602\"}},"
	        "{\"method\":\"POST\",\"path\":\"/" PAGE "/feed\","
	        "\"body\":{\"id\":\"" PAGE "_666\"}}]}"))
		return;
	setup(&ctx, &c, &rp, PAGE);
	memset(&p, 0, sizeof(p));
	p.text = "Opningstider i sommar";
	p.link = "https://example.org/sommar";
	p.idempotency_key = "k1";
	T_EQ_INT(conn_facebook_page.publish(&ctx, &p, &res), CONN_OK);
	T_EQ_STR(res.id, PAGE "_111");
	T_EQ_STR(res.url, "https://www.facebook.com/" PAGE "_111");
	/* the same key again publishes nothing */
	T_EQ_INT(conn_facebook_page.publish(&ctx, &p, &res), CONN_OK);
	T_EQ_STR(res.id, PAGE "_111");
	T_EQ_INT(replay_count(&rp, "POST", "/" PAGE "/feed"), 1);
	rq = req_nth(&rp, "POST", "/" PAGE "/feed", 0);
	b = json_string_value(json_object_get(rq, "body"));
	T_ASSERT(b && strstr(b, "link=https%3A%2F%2Fexample.org%2Fsommar"));
	json_decref(rq);

	/* one photo by URL; alt text has nowhere to go */
	p.idempotency_key = NULL;
	p.link = NULL;
	p.nmedia = 1;
	p.media[0].url = "https://example.org/a.jpg";
	p.media[0].mime = "image/jpeg";
	p.media[0].alt = "Biblioteket om sommaren";
	T_EQ_INT(conn_facebook_page.publish(&ctx, &p, &res), CONN_OK);
	T_EQ_STR(res.id, PAGE "_333");
	rq = req_nth(&rp, "POST", "/" PAGE "/photos", 0);
	b = json_string_value(json_object_get(rq, "body"));
	T_ASSERT(b && strstr(b, "url=https%3A%2F%2Fexample.org%2Fa.jpg"));
	T_ASSERT(b && strstr(b, "caption=Opningstider"));
	T_ASSERT(b && strstr(b, "Biblioteket") == NULL);
	json_decref(rq);

	/* one local photo: multipart "source" */
	fd = mkstemp(tmp);
	T_ASSERT(fd >= 0);
	T_ASSERT(write(fd, "\xff\xd8\xff\xe0JPEGDATA", 12) == 12);
	close(fd);
	p.media[0].url = NULL;
	p.media[0].path = tmp;
	T_EQ_INT(conn_facebook_page.publish(&ctx, &p, &res), CONN_OK);
	T_EQ_STR(res.id, PAGE "_555");
	rq = req_nth(&rp, "POST", "/" PAGE "/photos", 1);
	T_ASSERT(strncmp(json_string_value(json_object_get(
	                     json_object_get(rq, "headers"), "Content-Type")),
	                 "multipart/form-data; boundary=", 30) == 0);
	b = json_string_value(json_object_get(rq, "body"));
	T_ASSERT(b && strstr(b, "name=\"source\"") != NULL);
	T_ASSERT(b && strstr(b, "JPEGDATA") != NULL);
	json_decref(rq);

	/* two photos: unpublished uploads, then one post */
	p.nmedia = 2;
	p.media[0].path = NULL;
	p.media[0].url = "https://example.org/a.jpg";
	p.media[1].url = "https://example.org/b.jpg";
	p.media[1].mime = "image/png";
	T_EQ_INT(conn_facebook_page.publish(&ctx, &p, &res), CONN_OK);
	T_EQ_STR(res.id, PAGE "_666");
	rq = req_nth(&rp, "POST", "/" PAGE "/photos", 2);
	T_ASSERT(strstr(json_string_value(json_object_get(rq, "body")),
	                "published=false") != NULL);
	json_decref(rq);
	rq = req_nth(&rp, "POST", "/" PAGE "/feed", 1);
	b = json_string_value(json_object_get(rq, "body"));
	T_ASSERT(b && strstr(b, "attached_media%5B0%5D=%7B%22media_fbid%22%"
	                        "3A%22601%22%7D") != NULL);
	T_ASSERT(b && strstr(b, "attached_media%5B1%5D=") != NULL);
	json_decref(rq);

	/* video is not published by this connector */
	p.nmedia = 1;
	p.media[0].mime = "video/mp4";
	T_EQ_INT(conn_facebook_page.publish(&ctx, &p, &res),
	         CONN_E_UNSUPPORTED);
	T_ASSERT(ctx.err.message[0] != 0);
	unlink(tmp);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c);
}

T_TEST(metrics)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c = {0};
	json_t *rq;
	const char *m;
	const char *post = PAGE "_10158349356748553";
	if (!replay_start(
	        &rp, "{\"routes\":["
	             "{\"path\":\"/" PAGE "/insights\",\"query\":{\"period\":"
	             "\"day\"},\"body_file\":\"tests/fixtures/facebook/"
	             "insights_2025.json\"},"
	             "{\"path\":\"/" PAGE "/published_posts\",\"body_file\":"
	             "\"tests/fixtures/facebook/published_posts.json\"},"
	             "{\"path\":\"/" PAGE "_10158349356748553/insights\","
	             "\"body_file\":\"tests/fixtures/facebook/"
	             "post_insights.json\"},"
	             "{\"path\":\"/" PAGE "/insights\",\"body_file\":"
	             "\"facebook/restfb/v3_3/insight/page-1.json\"},"
	             "{\"path\":\"/" PAGE "/published_posts\",\"body\":{"
	             "\"data\":[]}}]}"))
		return;
	setup(&ctx, &c, &rp, PAGE);
	T_EQ_INT(conn_facebook_page.metrics(&ctx), CONN_OK);
	T_EQ_INT(coll_metric_of(&c, "", METRIC_FOLLOWERS), 1210);
	T_EQ_INT(coll_metric_of(&c, "", METRIC_VIEWS), 5400);
	T_EQ_INT(coll_metric_of(&c, "", METRIC_REACH), 3100);
	T_EQ_INT(coll_metric_of(&c, post, METRIC_REACTIONS), 125);
	T_EQ_INT(coll_metric_of(&c, post, METRIC_COMMENTS), 13);
	T_EQ_INT(coll_metric_of(&c, post, METRIC_SHARES), 10);
	T_EQ_INT(coll_metric_of(&c, post, METRIC_VIEWS), 4321);
	T_EQ_INT(coll_metric_of(&c, post, METRIC_REACH), 2100);
	rq = req_nth(&rp, "GET", "/" PAGE "/insights", 0);
	m = json_string_value(
	    json_object_get(json_object_get(rq, "query"), "metric"));
	T_EQ_STR(m, "page_follows,page_media_view,"
	            "page_total_media_view_unique");
	json_decref(rq);

	/* the recorded legacy shape: breakdowns summed under their name */
	coll_reset(&c);
	coll_attach(&c, &ctx);
	c.json_raw = 1; /* raw must be the JSON */
	T_EQ_INT(conn_facebook_page.metrics(&ctx), CONN_OK);
	T_EQ_INT((int)json_array_size(c.mseq), 2);
	T_EQ_STR(js(json_array_get(c.mseq, 0), "name"), "page_fans_city");
	T_ASSERT(json_real_value(
	             json_object_get(json_array_get(c.mseq, 0), "v")) > 100);
	T_EQ_INT(ji(json_array_get(c.mseq, 0), "at"),
	         1560150000); /* 2019-06-10T07:00:00+0000 */
	/* no retired metric was asked for */
	for (int i = 0; i < 2; i++) {
		rq = req_nth(&rp, "GET", "/" PAGE "/insights", i);
		m = json_string_value(
		    json_object_get(json_object_get(rq, "query"), "metric"));
		T_ASSERT(m && strstr(m, "page_fans") == NULL &&
		         strstr(m, "impressions") == NULL);
		json_decref(rq);
	}
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(registered),
	    T_ENTRY(auth_and_proof),
	    T_ENTRY(sync_feed_comments_dms),
	    T_ENTRY(failure_mid_page_then_recovery),
	    T_ENTRY(throttle_codes),
	    T_ENTRY(expired_token_and_errors),
	    T_ENTRY(paging_stays_on_host),
	    T_ENTRY(reply_and_moderate),
	    T_ENTRY(publish),
	    T_ENTRY(metrics)};
	if (sodium_init() < 0)
		return 1;
	fetch_global_init();
	return T_RUN(tests, argc, argv);
}
