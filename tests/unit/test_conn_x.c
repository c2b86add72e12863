/*
 * test_conn_x.c - the X connector (src/connect/x.c) through real HTTP to
 * tests/lib/replay.py serving the recorded python-twitter bodies
 * (../shared/fixtures/x/python-twitter) and the synthetic ones in
 * tests/fixtures/x (README there): own posts over two pages, mentions over
 * two pages, replies found in our conversations, edits, partial errors,
 * since-ids, a failure mid-way and the recovery, rate limits and usage
 * caps, token refresh (expired, 401, refused), malformed bodies, reply,
 * hide/unhide/delete, publish with media and alt text, metrics.
 */
#include "t.h"
#include "replay.h"
#include "conn_collect.h"

#include "../../src/base/util.h"
#include "../../src/connect/connect.h"

#include <sodium.h>
#include <stdlib.h>

#define FX   "x/python-twitter/apis/"
#define ME   "2244994945"
#define NOW0 1614124800 /* 2021-02-24T00:00:00Z: the fixtures are recent */

/* X's routes every sync needs besides the listings under test */
#define R_ME                                                                   \
	"{'path':'/2/users/me','times':0,'body_file':'" FX "user/"             \
	"me_resp.json'}"
#define R_EMPTY_SEARCH                                                         \
	"{'path':'/2/tweets/search/recent','times':0,"                         \
	"'body':{'meta':{'result_count':0}}}"
#define R_EMPTY_MENTIONS                                                       \
	"{'path':'/2/users/" ME "/mentions','times':0,"                        \
	"'body':{'meta':{'result_count':0}}}"
#define R_POSTS_P1                                                             \
	"{'path':'/2/users/" ME "/tweets','query_absent':['pagination_token'," \
	"'since_id'],'body_file':'" FX "timeline/timeline_tweets.json'}"
#define TOKEN_P2 "7140dibdnow9c7btw3w3itbygz8uu5pbs45oy6erjc2ls"

static struct conn_ctx ctx;
static struct coll col;
static json_t *cfg;

/* A context on the X connector pointed at the replay server. */
static void
setup(const struct replay *rp, const char *cred_json)
{
	cfg = json_pack("{s:s}", "base_url", rp->base);
	conn_ctx_init(
	    &ctx, connector_find("x"), cfg,
	    json_loads(cred_json ? cred_json : "{\"access_token\":\"AT-1\"}", 0,
	               NULL),
	    json_object());
	ctx.backoff_base_ms = 5;
	ctx.now = NOW0;
	coll_init(&col);
	coll_attach(&col, &ctx);
}

static void
teardown(void)
{
	ctx_release(&ctx);
	coll_free(&col);
}

T_TEST(x_registered)
{
	const struct connector *c = connector_find("x");
	T_ASSERT(c != NULL);
	if (c == NULL)
		return;
	T_EQ_STR(c->default_base, "https://api.x.com");
	T_ASSERT(c->caps & CAP_HIDE);
	T_ASSERT(!(c->caps & CAP_DELETE_OTHERS));
	T_ASSERT(strstr(c->note, "delete") != NULL);
}

T_TEST(x_sync_full)
{
	struct replay rp;
	json_t *r;
	if (!replay_start(
	        &rp,
	        scn("{'routes':[" R_ME "," R_POSTS_P1 ","
	            "{'path':'/2/users/" ME "/tweets','query':{"
	            "'pagination_token':'" TOKEN_P2 "'},"
	            "'body_file':'tests/fixtures/x/posts_p2.json'},"
	            "{'path':'/2/users/" ME "/mentions','query_absent':["
	            "'pagination_token','since_id'],'body_file':'" FX
	            "timeline/timeline_mentions.json'},"
	            "{'path':'/2/users/" ME "/mentions','query':{"
	            "'pagination_token':"
	            "'7140dibdnow9c7btw3w3ixl43r8knib48jsfyzko1h5py'},"
	            "'body_file':'" FX "tweet/tweets_resp.json'},"
	            "{'path':'/2/users/" ME "/tweets','query':{'since_id':"
	            "'1364275610764201984'},'body':{'meta':{"
	            "'result_count':0}}},"
	            "{'path':'/2/users/" ME "/mentions','query':{'since_id':"
	            "'1364398068313903104'},'body':{'meta':{"
	            "'result_count':0}}},"
	            "{'path':'/2/tweets/search/recent','query':{'query':"
	            "'conversation_id:1364275610764201984'},"
	            "'body_file':'tests/fixtures/x/"
	            "search_conversation.json'}," R_EMPTY_SEARCH "]}")))
		return;
	setup(&rp, NULL);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_STR(ctx.err.message, "");
	T_EQ_INT(col.dups, 0);
	T_EQ_INT(json_object_size(col.ids), 16);
	/* learned at the start */
	T_EQ_STR(conn_state(&ctx, "user_id"), ME);
	/* own posts, page 1 (no author_id field: our timeline) */
	T_EQ_STR(coll_s(&col, "1364275610764201984", "type"), "post");
	T_EQ_INT(coll_i(&col, "1364275610764201984", "inbound"), 0);
	T_EQ_INT(coll_i(&col, "1364275610764201984", "likes"), 37);
	T_EQ_INT(coll_i(&col, "1364275610764201984", "shares"), 11);
	T_EQ_INT(coll_i(&col, "1364275610764201984", "created"), 1614103627);
	/* page 2: the edited post keeps its first id */
	T_ASSERT(json_object_get(col.ids, "1364000000000000002") == NULL);
	T_EQ_STR(coll_s(&col, "1363000000000000001", "type"), "post");
	T_EQ_INT(coll_i(&col, "1363000000000000001", "created"), 1613799497);
	T_EQ_INT(coll_i(&col, "1363000000000000001", "edited"), 1614037916);
	T_EQ_INT(coll_i(&col, "1363000000000000001", "views"), 4410);
	T_EQ_STR(coll_s(&col, "1363000000000000001", "alt"),
	         "Skilt på bibliotekdøra med opningstidene");
	T_EQ_STR(coll_s(&col, "1363000000000000001", "handle"), "@TwitterDev");
	T_EQ_STR(coll_s(&col, "1363000000000000001", "url"),
	         "https://x.com/TwitterDev/status/1364000000000000002");
	T_EQ_INT(coll_i(&col, "1364275610764201984", "edited"), 0);
	/* our own answer in someone's thread */
	T_EQ_STR(coll_s(&col, "1363500000000000003", "type"), "comment");
	T_EQ_INT(coll_i(&col, "1363500000000000003", "inbound"), 0);
	/* the partial error is noted, the data kept */
	T_ASSERT(conn_state(&ctx, "partial_errors") &&
	         strstr(conn_state(&ctx, "partial_errors"),
	                "not authorized to see") != NULL);
	/* mentions over two pages */
	T_EQ_STR(coll_s(&col, "1364398068313903104", "type"), "mention");
	T_EQ_INT(coll_i(&col, "1364398068313903104", "inbound"), 1);
	T_EQ_STR(coll_s(&col, "1278347468690915330", "type"), "mention");
	T_EQ_STR(coll_s(&col, "1278347468690915330", "handle"), "@Twitter");
	/* the conversation of our post: a comment and a reply to it */
	T_EQ_STR(coll_s(&col, "1364300000000000010", "type"), "comment");
	T_EQ_STR(coll_s(&col, "1364300000000000010", "parent"),
	         "1364275610764201984");
	T_EQ_STR(coll_s(&col, "1364300000000000010", "handle"), "@snowman");
	T_EQ_STR(coll_s(&col, "1364310000000000011", "type"), "reply");
	T_EQ_STR(coll_s(&col, "1364310000000000011", "parent"),
	         "1364300000000000010");
	T_EQ_STR(coll_s(&col, "1364310000000000011", "thread"),
	         "1364275610764201984");
	/* cursors only after complete walks */
	T_EQ_STR(conn_state(&ctx, "posts_since"), "1364275610764201984");
	T_EQ_STR(conn_state(&ctx, "mentions_since"), "1364398068313903104");
	T_ASSERT(conn_state(&ctx, "posts_page") == NULL);
	T_ASSERT(conn_state(&ctx, "recent") &&
	         strstr(conn_state(&ctx, "recent"),
	                "1363000000000000001:1613799497,") != NULL);
	/* six recent posts: six conversations searched */
	T_EQ_INT(replay_count(&rp, "GET", "/2/tweets/search/recent"), 6);
	r = req_nth(&rp, "GET", "/2/users/" ME "/tweets", 0);
	T_EQ_STR(req_hdr(r, "Authorization"), "Bearer AT-1");
	T_ASSERT(strstr(req_query(r, "tweet.fields"),
	                "edit_history_tweet_ids") != NULL);
	T_EQ_STR(req_query(r, "max_results"), "100");
	json_decref(r);

	/* the next cycle asks only for what is newer */
	coll_run(&col);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_INT(json_object_size(col.ids), 0);
	T_EQ_INT(replay_count(&rp, "GET", "/2/users/me"), 1);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(x_failure_mid_walk_recovers)
{
	struct replay rp;
	json_t *reqs, *r;
	size_t i;
	int first_pages = 0;
	if (!replay_start(&rp,
	                  scn("{'routes':[" R_ME "," R_POSTS_P1 ","
	                      "{'path':'/2/users/" ME "/tweets','query':{"
	                      "'pagination_token':'" TOKEN_P2 "'},'times':2,"
	                      "'body_file':'tests/fixtures/x/posts_p2.json',"
	                      "'fault':'close_mid_body'},"
	                      "{'path':'/2/users/" ME "/tweets','query':{"
	                      "'pagination_token':'" TOKEN_P2 "'},"
	                      "'body_file':'tests/fixtures/x/"
	                      "posts_p2.json'}," R_EMPTY_MENTIONS
	                      "," R_EMPTY_SEARCH "]}")))
		return;
	setup(&rp, NULL);
	ctx.max_retries = 1;
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_NETWORK);
	T_EQ_INT(col.dups, 0);
	T_EQ_INT(json_object_size(col.ids), 5);
	T_ASSERT(conn_state(&ctx, "posts_since") == NULL);
	T_EQ_STR(conn_state(&ctx, "posts_page"), TOKEN_P2);

	/* the next run picks up at page 2: nothing lost, nothing twice */
	coll_run(&col);
	ctx.max_retries = 3;
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_INT(col.dups, 0);
	T_EQ_INT(json_object_size(col.ids), 2);
	T_EQ_INT(json_object_size(col.all), 7);
	T_ASSERT(json_object_get(col.all, "1363000000000000001") != NULL);
	T_EQ_STR(conn_state(&ctx, "posts_since"), "1364275610764201984");
	T_ASSERT(conn_state(&ctx, "posts_page") == NULL);
	reqs = replay_requests(&rp);
	json_array_foreach(reqs, i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "path")),
		           "/2/users/" ME "/tweets") == 0 &&
		    req_query(r, "pagination_token") == NULL)
			first_pages++;
	}
	json_decref(reqs);
	T_EQ_INT(first_pages, 1);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(x_rate_limits)
{
	struct replay rp;
	char s[2048];
	long long reset = (long long)time_now() + 900;
	snprintf(
	    s, sizeof(s),
	    "{'routes':[{'path':'/2/users/me','status':429,"
	    "'headers':{'x-rate-limit-limit':'75','x-rate-limit-remaining':"
	    "'0','x-rate-limit-reset':'%lld'},"
	    "'body_file':'tests/fixtures/x/rate_limit_429.json'},"
	    "{'path':'/2/users/me','status':429,"
	    "'body_file':'tests/fixtures/x/usage_capped_429.json'}]}",
	    reset);
	if (!replay_start(&rp, scn(s)))
		return;
	setup(&rp, NULL);
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_RATELIMIT);
	T_EQ_STR(ctx.err.code, "rate-limit-exceeded");
	T_ASSERT(ctx.err.retry_at >= reset - 2 &&
	         ctx.err.retry_at <= reset + 2);
	T_EQ_INT(replay_count(&rp, "GET", "/2/users/me"), 1); /* no waiting */
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_RATELIMIT);
	T_EQ_STR(ctx.err.code, "usage-capped");
	T_ASSERT(strstr(ctx.err.message, "Monthly product cap") != NULL);
	T_ASSERT(ctx.err.retry_at >= time_now() + 3500);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(x_refresh_expired)
{
	struct replay rp;
	char cred[512];
	json_t *r;
	const char *b;
	if (!replay_start(
	        &rp, scn("{'routes':[{'method':'POST','path':"
	                 "'/2/oauth2/token','body_file':"
	                 "'tests/fixtures/x/token_refresh.json'}," R_ME "]}")))
		return;
	snprintf(cred, sizeof(cred),
	         "{\"access_token\":\"OLD\",\"refresh_token\":\"R1\","
	         "\"client_id\":\"cid\",\"client_secret\":\"csec\","
	         "\"expires_at\":%d}",
	         NOW0 - 10);
	setup(&rp, cred);
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_OK);
	T_EQ_INT(ctx.cred_changed, 1);
	T_EQ_STR(conn_cred(&ctx, "access_token"), "NEW-ACCESS-TOKEN-x");
	T_EQ_STR(conn_cred(&ctx, "refresh_token"), "NEW-REFRESH-TOKEN-x");
	T_EQ_INT(json_integer_value(json_object_get(ctx.cred, "expires_at")),
	         NOW0 + 7200);
	T_EQ_INT(ctx.token_expires_at, NOW0 + 7200);
	T_EQ_STR(conn_state(&ctx, "user_id"), ME);
	r = req_nth(&rp, "POST", "/2/oauth2/token", 0);
	T_EQ_STR(req_hdr(r, "Authorization"), "Basic Y2lkOmNzZWM=");
	b = json_string_value(json_object_get(r, "body"));
	T_ASSERT(b && strstr(b, "grant_type=refresh_token") &&
	         strstr(b, "refresh_token=R1") && strstr(b, "client_id=cid") &&
	         !strstr(b, "csec"));
	json_decref(r);
	r = req_nth(&rp, "GET", "/2/users/me", 0);
	T_EQ_STR(req_hdr(r, "Authorization"), "Bearer NEW-ACCESS-TOKEN-x");
	json_decref(r);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(x_refresh_on_401_and_refused)
{
	struct replay rp;
	json_t *r;
	if (!replay_start(
	        &rp,
	        scn("{'routes':[{'path':'/2/users/me','status':401,"
	            "'body_file':'tests/fixtures/x/unauthorized_401.json'},"
	            "{'method':'POST','path':'/2/oauth2/token','body_file':"
	            "'tests/fixtures/x/token_refresh.json'},"
	            "{'path':'/2/users/me','body_file':'" FX
	            "user/me_resp.json'},"
	            "{'path':'/2/users/me','status':401,'times':0,"
	            "'body_file':'tests/fixtures/x/unauthorized_401.json'},"
	            "{'method':'POST','path':'/2/oauth2/token','status':400,"
	            "'body':{'error':'invalid_request','error_description':"
	            "'Value passed for the token was invalid.'}}]}")))
		return;
	setup(&rp, "{\"access_token\":\"OLD\",\"refresh_token\":\"R1\","
	           "\"client_id\":\"cid\"}");
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_OK);
	T_EQ_INT(ctx.cred_changed, 1);
	T_EQ_INT(replay_count(&rp, "GET", "/2/users/me"), 2);
	r = req_nth(&rp, "POST", "/2/oauth2/token", 0);
	T_ASSERT(req_hdr(r, "Authorization") == NULL); /* public client */
	json_decref(r);

	/* the refresh token is refused: reconnect */
	ctx.cred_changed = 0;
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_AUTH);
	T_EQ_STR(ctx.err.code, "invalid_request");
	T_ASSERT(strstr(ctx.err.message, "token was invalid") != NULL);
	T_EQ_INT(ctx.cred_changed, 0);
	T_EQ_INT(replay_count(&rp, "GET", "/2/users/me"), 3); /* no loop */

	/* no refresh token at all */
	json_object_del(ctx.cred, "refresh_token");
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_AUTH);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(x_malformed)
{
	struct replay rp;
	if (!replay_start(&rp,
	                  scn("{'routes':[{'path':'/2/users/me','body_text':"
	                      "'<html>maintenance</html>'}," R_ME ","
	                      "{'path':'/2/users/" ME "/tweets','body_text':"
	                      "'{\\'data\\': 5}'},"
	                      "{'path':'/2/users/" ME "/tweets','body_text':"
	                      "'{\\'data\\': [{\\'id\\': '}]}")))
		return;
	setup(&rp, NULL);
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(json_object_size(col.ids), 0);
	T_ASSERT(conn_state(&ctx, "posts_since") == NULL);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(x_reply_and_length)
{
	struct replay rp;
	struct conn_result out;
	char text[600];
	json_t *r, *b;
	if (!replay_start(&rp, scn("{'routes':[{'method':'POST','path':"
	                           "'/2/tweets','status':201,'times':3,"
	                           "'body_file':'" FX
	                           "tweet/create_tweet_resp.json'}]}")))
		return;
	setup(&rp, NULL);
	T_EQ_INT(ctx.c->reply(&ctx, "1364300000000000010", "Ja, opptaket kjem.",
	                      &out),
	         CONN_OK);
	T_EQ_STR(out.id, "1445880548472328192");
	T_EQ_STR(out.url, "https://x.com/i/web/status/1445880548472328192");
	r = req_nth(&rp, "POST", "/2/tweets", 0);
	b = req_json(r);
	T_EQ_STR(json_string_value(json_object_get(b, "text")),
	         "Ja, opptaket kjem.");
	T_EQ_STR(json_string_value(json_object_get(json_object_get(b, "reply"),
	                                           "in_reply_to_tweet_id")),
	         "1364300000000000010");
	json_decref(b);
	json_decref(r);

	/* 281 characters: refused before any request */
	memset(text, 'a', 281);
	text[281] = 0;
	T_EQ_INT(ctx.c->reply(&ctx, "1", text, &out), CONN_E_CONFIG);
	/* 280 code points of å (2 bytes each) pass */
	for (int i = 0; i < 280; i++)
		memcpy(text + 2 * i, "\xc3\xa5", 2);
	text[560] = 0;
	T_EQ_INT(ctx.c->reply(&ctx, "1", text, &out), CONN_OK);
	/* a long URL counts 23 */
	memset(text, 'b', 250);
	snprintf(text + 250, sizeof(text) - 250,
	         " https://www.example.org/%0100d", 0);
	T_EQ_INT(ctx.c->reply(&ctx, "1", text, &out), CONN_OK);
	/* … but not when the rest is too long */
	memset(text, 'b', 260);
	snprintf(text + 260, sizeof(text) - 260, " https://x.org/");
	T_EQ_INT(ctx.c->reply(&ctx, "1", text, &out), CONN_E_CONFIG);
	T_EQ_INT(replay_count(&rp, "POST", "/2/tweets"), 3);
	teardown();
	replay_stop(&rp);
}

T_TEST(x_moderate)
{
	struct replay rp;
	json_t *r, *b;
	if (!replay_start(
	        &rp,
	        scn("{'routes':[{'method':'PUT','path':"
	            "'/2/tweets/1364300000000000010/hidden','times':2,"
	            "'body':{'data':{'hidden':true}}},"
	            "{'path':'/2/tweets/1364300000000000010','body':{'data':{"
	            "'id':'1364300000000000010','author_id':'17200003',"
	            "'text':'x','edit_history_tweet_ids':["
	            "'1364300000000000010']}}},"
	            "{'path':'/2/tweets/1445880548472328192','body':{'data':{"
	            "'id':'1445880548472328192','author_id':'" ME "',"
	            "'text':'Hello world!'}}},"
	            "{'method':'DELETE','path':'/2/tweets/1445880548472328192',"
	            "'body':{'data':{'deleted':true}}},"
	            "{'path':'/2/tweets/1460000000000000000','body_file':"
	            "'tests/fixtures/x/tweet_not_found.json'}]}")))
		return;
	setup(&rp, NULL);
	json_object_set_new(cfg, "account", json_string(ME));
	T_EQ_INT(ctx.c->moderate(&ctx, "1364300000000000010", MOD_HIDE),
	         CONN_OK);
	T_EQ_INT(ctx.c->moderate(&ctx, "1364300000000000010", MOD_UNHIDE),
	         CONN_OK);
	r = req_nth(&rp, "PUT", "/2/tweets/1364300000000000010/hidden", 0);
	b = req_json(r);
	T_ASSERT(json_is_true(json_object_get(b, "hidden")));
	json_decref(b);
	json_decref(r);
	r = req_nth(&rp, "PUT", "/2/tweets/1364300000000000010/hidden", 1);
	b = req_json(r);
	T_ASSERT(json_is_false(json_object_get(b, "hidden")));
	json_decref(b);
	json_decref(r);
	/* others' replies cannot be deleted on X */
	T_EQ_INT(ctx.c->moderate(&ctx, "1364300000000000010", MOD_DELETE),
	         CONN_E_UNSUPPORTED);
	T_EQ_INT(replay_count(&rp, "DELETE", NULL), 0);
	/* our own can */
	T_EQ_INT(ctx.c->moderate(&ctx, "1445880548472328192", MOD_DELETE),
	         CONN_OK);
	T_EQ_INT(replay_count(&rp, "DELETE", NULL), 1);
	/* 200 with only errors[]: gone */
	T_EQ_INT(ctx.c->moderate(&ctx, "1460000000000000000", MOD_DELETE),
	         CONN_E_NOTFOUND);
	T_EQ_STR(ctx.err.code, "resource-not-found");
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(x_publish_media_alt)
{
	struct replay rp;
	struct conn_post p;
	struct conn_result out;
	char path[] = "/tmp/kv-x-media-XXXXXX";
	int fd = mkstemp(path);
	json_t *r, *b;
	const char *body;
	T_ASSERT(fd >= 0);
	if (fd < 0)
		return;
	T_ASSERT(write(fd, "\x89PNG\r\n\x1a\nfake-image-bytes", 24) == 24);
	close(fd);
	if (!replay_start(
	        &rp,
	        scn("{'routes':[{'method':'POST','path':"
	            "'/2/media/upload/initialize','body_file':'" FX
	            "media_upload_v2/upload_chunk_init_resp.json'},"
	            "{'method':'POST','path':"
	            "'/2/media/upload/1912103767639719936/append',"
	            "'status':204},"
	            "{'method':'POST','path':"
	            "'/2/media/upload/1912103767639719936/finalize',"
	            "'body':{'data':{'id':'1912103767639719936',"
	            "'processing_info':{'state':'pending',"
	            "'check_after_secs':1}}}},"
	            "{'path':'/2/media/upload','query':{'command':'STATUS',"
	            "'media_id':'1912103767639719936'},'body_file':'" FX
	            "media_upload_v2/upload_chunk_status_resp.json'},"
	            "{'method':'POST','path':'/2/media/metadata','body':{"
	            "'data':{'associated_metadata':true}}},"
	            "{'method':'POST','path':'/2/tweets','status':201,"
	            "'body_file':'" FX "tweet/create_tweet_resp.json'}]}"))) {
		unlink(path);
		return;
	}
	setup(&rp, NULL);
	memset(&p, 0, sizeof(p));
	p.text = "Påskeopningstider: sjå biletet.";
	p.nmedia = 1;
	p.media[0].path = path;
	p.media[0].mime = "image/png";
	p.media[0].alt = "Skilt med opningstidene i påska";
	T_EQ_INT(ctx.c->publish(&ctx, &p, &out), CONN_OK);
	T_EQ_STR(ctx.err.message, "");
	T_EQ_STR(out.id, "1445880548472328192");
	r = req_nth(&rp, "POST", "/2/media/upload/initialize", 0);
	b = req_json(r);
	T_EQ_INT(json_integer_value(json_object_get(b, "total_bytes")), 24);
	T_EQ_STR(json_string_value(json_object_get(b, "media_category")),
	         "tweet_image");
	json_decref(b);
	json_decref(r);
	r = req_nth(&rp, "POST", "/2/media/upload/1912103767639719936/append",
	            0);
	body = json_string_value(json_object_get(r, "body"));
	T_ASSERT(body && strstr(body, "name=\"segment_index\"\r\n\r\n0") &&
	         strstr(body, "fake-image-bytes"));
	T_ASSERT(strstr(req_hdr(r, "Content-Type"), "multipart/form-data") !=
	         NULL);
	json_decref(r);
	r = req_nth(&rp, "POST", "/2/media/metadata", 0);
	b = req_json(r);
	T_EQ_STR(json_string_value(json_object_get(b, "id")),
	         "1912103767639719936");
	T_EQ_STR(
	    json_string_value(json_object_get(
	        json_object_get(json_object_get(b, "metadata"), "alt_text"),
	        "text")),
	    "Skilt med opningstidene i påska");
	json_decref(b);
	json_decref(r);
	r = req_nth(&rp, "POST", "/2/tweets", 0);
	b = req_json(r);
	T_EQ_STR(
	    json_string_value(json_array_get(
	        json_object_get(json_object_get(b, "media"), "media_ids"), 0)),
	    "1912103767639719936");
	json_decref(b);
	json_decref(r);

	/* five media, or a text X would cut: refused before any request */
	p.nmedia = 5;
	T_EQ_INT(ctx.c->publish(&ctx, &p, &out), CONN_E_UNSUPPORTED);
	T_EQ_INT(replay_count(&rp, "POST", "/2/tweets"), 1);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
	unlink(path);
}

T_TEST(x_metrics)
{
	struct replay rp;
	if (!replay_start(&rp, scn("{'routes':[{'path':'/2/users/" ME "',"
	                           "'query':{'user.fields':'public_metrics'},"
	                           "'body_file':'" FX "user/user_resp.json'},"
	                           "{'path':'/2/users/" ME "/tweets',"
	                           "'body_file':'" FX
	                           "timeline/timeline_tweets.json'}]}")))
		return;
	setup(&rp, NULL);
	json_object_set_new(cfg, "account", json_string(ME));
	T_EQ_INT(ctx.c->metrics(&ctx), CONN_OK);
	T_ASSERT(coll_metric_of(&col, NULL, METRIC_FOLLOWERS) == 514020);
	T_ASSERT(coll_metric_of(&col, NULL, METRIC_POSTS) == 3639);
	T_ASSERT(coll_metric_of(&col, "1364275610764201984",
	                        METRIC_REACTIONS) == 37);
	T_ASSERT(coll_metric_of(&col, "1364275610764201984", METRIC_SHARES) ==
	         11);
	T_ASSERT(coll_metric_of(&col, "1364275610764201984", METRIC_COMMENTS) ==
	         2);
	T_ASSERT(coll_metric_of(&col, "1364275610764201984", METRIC_VIEWS) ==
	         -1); /* no impression_count in that recording */
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(x_registered),
	    T_ENTRY(x_sync_full),
	    T_ENTRY(x_failure_mid_walk_recovers),
	    T_ENTRY(x_rate_limits),
	    T_ENTRY(x_refresh_expired),
	    T_ENTRY(x_refresh_on_401_and_refused),
	    T_ENTRY(x_malformed),
	    T_ENTRY(x_reply_and_length),
	    T_ENTRY(x_moderate),
	    T_ENTRY(x_publish_media_alt),
	    T_ENTRY(x_metrics)};
	if (sodium_init() < 0)
		return 1;
	fetch_global_init();
	return T_RUN(tests, argc, argv);
}
