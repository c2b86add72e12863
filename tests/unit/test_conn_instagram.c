/*
 * test_conn_instagram.c - the Instagram connector (src/connect/
 * instagram.c) through real HTTP against tests/lib/replay.py serving the
 * recorded python-facebook Instagram bodies: auth, media across two pages
 * with comments, photo tags and webhook-announced mentions, throttle code
 * 80002, an expired token, malformed bodies, a cut-off page followed by a
 * run that recovers everything, reply, hide/unhide/delete, the container
 * publish flow with alt text, and insights.
 */
#include "t.h"
#include "replay.h"
#include "conn_collect.h"

#include "../../src/base/util.h"
#include "../../src/connect/connect.h"
#include "../../src/connect/graph.h"

#include <sodium.h>
#include <stdarg.h>

#define ACC "17841406338772941"
#define FX  "instagram/python-facebook/apidata/"
#define REWRITE                                                                \
	"\"rewrite\":[\"https://graph.facebook.com/v6.0\","                    \
	"\"https://graph.facebook.com/v11.0\"]"

static void
setup(struct conn_ctx *ctx, struct coll *c, const struct replay *rp)
{
	json_t *cfg = json_object(), *cred = json_object();
	json_object_set_new(cfg, "account", json_string(ACC));
	json_object_set_new(cfg, "base_url", json_string(rp->base));
	json_object_set_new(cred, "access_token", json_string("IG-TOKEN"));
	conn_ctx_init(ctx, &conn_instagram, cfg, cred, json_object());
	ctx->backoff_base_ms = 5;
	coll_reset(c);
	coll_attach(c, ctx);
	c->json_raw = 1; /* raw must be the JSON */
}

/* Media over two pages, comments over two pages on the one media with
 * comments, tagged media and two announced mentions. */
static void
media_routes(char *s, size_t n, int mid)
{
	scn_add(
	    s, n,
	    "{\"path\":\"/" ACC "/media\",\"query_absent\":[\"after\"],"
	    "\"query\":{\"fields\":\"*\"},"
	    "\"body_file\":\"" FX "users/medias_p1.json\"},"
	    "{\"path\":\"/" ACC "/media\",\"query\":{\"after\":\"after\"},"
	    "%s\"body_file\":\"" FX "users/medias_p2.json\"},"
	    "{\"path\":\"/17896622936197745/comments\",\"body_file\":\"" FX
	    "medias/comments_p1.json\"},"
	    "{\"path\":\"/17846368219941692/comments\",\"query\":{\"after\":"
	    "\"after\"},\"body_file\":\"" FX "medias/comments_p2.json\"},"
	    "{\"path\":\"/" ACC "/tags\",\"body_file\":\"" FX
	    "users/tagged_medias.json\"},"
	    "{\"path\":\"/" ACC "\",\"body_file\":\"" FX
	    "users/mentioned_comment.json\"},"
	    "{\"path\":\"/" ACC "\",\"body_file\":\"" FX
	    "users/mentioned_media.json\"}",
	    mid ? "\"times\":0,\"fault\":\"close_mid_body\"," : "");
}

T_TEST(auth)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c = {0};
	if (!replay_start(&rp,
	                  "{\"routes\":[{\"path\":\"/" ACC "\",\"query\":"
	                  "{\"fields\":\"id,username\"},\"body_file\":\"" FX
	                  "users/user_fields.json\"},"
	                  "{\"path\":\"/" ACC "\",\"status\":400,"
	                  "\"body\":{\"error\":{\"message\":\"Error "
	                  "validating access token: Session has expired\","
	                  "\"type\":\"OAuthException\",\"code\":190,"
	                  "\"error_subcode\":463}}}]}"))
		return;
	setup(&ctx, &c, &rp);
	T_EQ_INT(conn_instagram.check_auth(&ctx), CONN_OK);
	T_EQ_STR(conn_state(&ctx, "username"), "facebookfordevelopers");
	T_EQ_INT(conn_instagram.check_auth(&ctx), CONN_E_AUTH);
	T_EQ_STR(ctx.err.code, "190/463");
	T_ASSERT(strstr(ctx.err.message, "expired") != NULL);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c);
}

T_TEST(sync_media_comments_mentions)
{
	struct replay rp;
	struct conn_ctx ctx;
	static struct coll c;
	static char scn[8192];
	const json_t *x;
	scn[0] = 0;
	scn_add(scn, sizeof(scn), "{" REWRITE ",\"routes\":[");
	media_routes(scn, sizeof(scn), 0);
	scn_add(scn, sizeof(scn), "]}");
	if (!replay_start(&rp, scn))
		return;
	setup(&ctx, &c, &rp);
	conn_state_set(&ctx, "username", "ikroskun");
	conn_state_set(&ctx, "ig_mentions",
	               "c:17967008497439572 m:17889114512354744");
	T_EQ_INT(conn_instagram.sync(&ctx), CONN_OK);
	T_EQ_STR(ctx.err.message, "");
	T_EQ_INT(coll_count_kind(&c, ITEM_POST), 4);
	T_EQ_INT(coll_count_kind(&c, ITEM_COMMENT), 4);
	/* five tagged media and the two announced mentions */
	T_EQ_INT(coll_count_kind(&c, ITEM_MENTION), 5 + 2);
	T_EQ_INT(c.dups, 0);
	x = coll_find(&c, "17896622936197745");
	T_ASSERT(x && ji(x, "inbound") == 0 && ji(x, "replies") == 6 &&
	         ji(x, "likes") == 2);
	x = coll_find(&c, "17892250648466172");
	T_ASSERT(x && ji(x, "kind") == ITEM_COMMENT);
	T_ASSERT(x && coll_eq(js(x, "parent"), "17896622936197745"));
	x = coll_find(&c, "17967008497439572"); /* the mentioned comment */
	T_ASSERT(x && ji(x, "kind") == ITEM_MENTION &&
	         coll_eq(js(x, "text"), "@ikroskun good"));
	x = coll_find(&c, "17889114512354744"); /* the mentioned media */
	T_ASSERT(x && ji(x, "kind") == ITEM_MENTION && ji(x, "inbound") == 1);
	T_ASSERT(conn_state(&ctx, "ig_mentions") == NULL);
	/* listings: own media, and every media's comments (empty ones
	 * without a request) */
	T_EQ_INT(coll_listed(&c, ""), 4);
	T_EQ_INT(coll_listed(&c, "17896622936197745"), 4);
	T_EQ_INT(coll_listed(&c, "17895731045244887"), 0);
	T_EQ_INT(replay_count(&rp, "GET", "/17895731045244887/comments"), 0);
	T_EQ_STR(conn_state(&ctx, "cc:17896622936197745"), "6");
	T_ASSERT(conn_state(&ctx, "watermark") != NULL);
	T_EQ_INT(replay_unmatched(&rp), 0);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c);
}

T_TEST(replies_and_hidden)
{
	struct conn_ctx ctx;
	static struct coll c;
	struct graph_ids seen = {0};
	char *next = (char *)"x";
	const char *b =
	    "{\"data\":[{\"id\":\"C1\",\"text\":\"Kva tid?\",\"timestamp\":"
	    "\"2026-05-01T10:00:00+0000\",\"username\":\"ola\",\"like_count\":"
	    "2,\"hidden\":true,\"replies\":{\"data\":[{\"id\":\"R1\","
	    "\"text\":\"@ola klokka 10\",\"timestamp\":\"2026-05-01T10:05:00"
	    "+0000\",\"username\":\"biblioteket\"}]}},{\"id\":\"C1\"}]}";
	conn_ctx_init(&ctx, &conn_instagram, NULL, NULL, NULL);
	coll_reset(&c);
	coll_attach(&c, &ctx);
	c.json_raw = 1; /* raw must be the JSON */
	T_EQ_INT(instagram_parse_comments(&ctx, b, strlen(b), "biblioteket",
	                                  "M1", &seen, &next),
	         CONN_OK);
	T_ASSERT(next == NULL);
	T_EQ_INT((int)json_array_size(c.items), 2); /* C1 once */
	T_EQ_INT(ji(coll_nth(&c, 0), "hidden"), 1);
	T_EQ_INT(ji(coll_nth(&c, 0), "inbound"), 1);
	T_EQ_INT(ji(coll_nth(&c, 1), "kind"), ITEM_REPLY);
	T_EQ_STR(js(coll_nth(&c, 1), "parent"), "C1");
	T_EQ_STR(js(coll_nth(&c, 1), "thread"), "M1");
	T_EQ_INT(ji(coll_nth(&c, 1), "inbound"), 0);
	T_EQ_INT(instagram_parse_comments(&ctx, "{\"data\":{}}", 11, NULL, "M1",
	                                  &seen, &next),
	         CONN_E_MALFORMED);
	graph_ids_free(&seen);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
}

T_TEST(failure_mid_page_then_recovery)
{
	struct replay rp;
	struct conn_ctx ctx;
	static struct coll c1, c2;
	static char scn[8192];
	json_t *state;
	scn[0] = 0;
	scn_add(scn, sizeof(scn), "{" REWRITE ",\"routes\":[");
	media_routes(scn, sizeof(scn), 1);
	scn_add(scn, sizeof(scn), "]}");
	if (!replay_start(&rp, scn))
		return;
	setup(&ctx, &c1, &rp);
	ctx.max_retries = 1;
	T_EQ_INT(conn_instagram.sync(&ctx), CONN_E_NETWORK);
	T_EQ_INT(coll_count_kind(&c1, ITEM_POST), 2);
	T_EQ_INT(c1.nlistings, 0);
	T_ASSERT(conn_state(&ctx, "watermark") == NULL);
	state = json_incref(ctx.state);
	ctx_release(&ctx);
	replay_stop(&rp);

	scn[0] = 0;
	scn_add(scn, sizeof(scn), "{" REWRITE ",\"routes\":[");
	media_routes(scn, sizeof(scn), 0);
	scn_add(scn, sizeof(scn), "]}");
	if (!replay_start(&rp, scn)) {
		json_decref(state);
		return;
	}
	setup(&ctx, &c2, &rp);
	json_decref(ctx.state);
	ctx.state = state;
	T_EQ_INT(conn_instagram.sync(&ctx), CONN_OK);
	T_EQ_INT(coll_count_kind(&c2, ITEM_POST), 4);
	T_EQ_INT(coll_count_kind(&c2, ITEM_COMMENT), 4);
	T_EQ_INT(c2.dups, 0);
	for (int i = 0; i < (int)json_array_size(c1.items); i++)
		T_ASSERT(coll_find(&c2, js(coll_nth(&c1, i), "id")) != NULL);
	T_EQ_INT(coll_listed(&c2, ""), 4);
	ctx_release(&ctx);
	replay_stop(&rp);
	coll_free(&c1);
	coll_free(&c2);
}

T_TEST(throttle_and_malformed)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct coll c = {0};
	int64_t t0 = time_now();
	if (!replay_start(
	        &rp,
	        "{\"routes\":["
	        "{\"path\":\"/" ACC "/media\",\"status\":400,\"headers\":{"
	        "\"X-Business-Use-Case-Usage\":\"{\\\"" ACC "\\\":[{"
	        "\\\"type\\\":\\\"instagram\\\",\\\"call_count\\\":100,"
	        "\\\"total_cputime\\\":4,\\\"total_time\\\":6,"
	        "\\\"estimated_time_to_regain_access\\\":10}]}\"},"
	        "\"body\":{\"error\":{\"message\":\"(#80002) There have "
	        "been too many calls to this Instagram account.\","
	        "\"type\":\"OAuthException\",\"code\":80002}}},"
	        "{\"path\":\"/" ACC "/media\",\"body_text\":\"<html>\"},"
	        "{\"path\":\"/" ACC "/media\",\"body\":{\"paging\":{}}}]}"))
		return;
	setup(&ctx, &c, &rp);
	T_EQ_INT(conn_instagram.sync(&ctx), CONN_E_RATELIMIT);
	T_EQ_STR(ctx.err.code, "80002");
	T_ASSERT(ctx.err.retry_at >= t0 + 600 - 5);
	T_EQ_INT(ctx.requests, 1);
	T_EQ_INT(conn_instagram.sync(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(conn_instagram.sync(&ctx), CONN_E_MALFORMED);
	T_EQ_INT((int)json_array_size(c.items), 0);
	T_EQ_INT(replay_unmatched(&rp), 0);
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
	if (!replay_start(
	        &rp,
	        "{\"routes\":["
	        "{\"method\":\"POST\",\"path\":\"/17858154961981086/"
	        "replies\",\"body\":{\"id\":\"17847314687296283\"}},"
	        "{\"method\":\"POST\",\"path\":\"/M9/replies\",\"status\":"
	        "400,\"body\":{\"error\":{\"message\":\"(#100) Tried "
	        "accessing nonexisting field (replies)\",\"code\":100}}},"
	        "{\"method\":\"POST\",\"path\":\"/M9/comments\",\"body\":{"
	        "\"id\":\"17900000000000001\"}},"
	        "{\"method\":\"POST\",\"path\":\"/C1\",\"times\":2,\"body\":"
	        "{\"success\":true}},"
	        "{\"method\":\"DELETE\",\"path\":\"/C1\",\"body\":{"
	        "\"success\":true}}]}"))
		return;
	setup(&ctx, &c, &rp);
	T_EQ_INT(conn_instagram.reply(&ctx, "17858154961981086", "Takk!", &res),
	         CONN_OK);
	T_EQ_STR(res.id, "17847314687296283");
	rq = req_nth(&rp, "POST", "/17858154961981086/replies", 0);
	T_EQ_STR(json_string_value(json_object_get(rq, "body")),
	         "message=Takk%21");
	json_decref(rq);
	T_EQ_INT(conn_instagram.reply(&ctx, "M9", "Hei", &res), CONN_OK);
	T_EQ_STR(res.id, "17900000000000001");
	T_EQ_INT(conn_instagram.moderate(&ctx, "C1", MOD_HIDE), CONN_OK);
	T_EQ_INT(conn_instagram.moderate(&ctx, "C1", MOD_UNHIDE), CONN_OK);
	T_EQ_INT(conn_instagram.moderate(&ctx, "C1", MOD_DELETE), CONN_OK);
	rq = req_nth(&rp, "POST", "/C1", 0);
	T_EQ_STR(json_string_value(json_object_get(rq, "body")), "hide=true");
	json_decref(rq);
	rq = req_nth(&rp, "POST", "/C1", 1);
	T_EQ_STR(json_string_value(json_object_get(rq, "body")), "hide=false");
	json_decref(rq);
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
	json_t *rq;
	const char *b;
	if (!replay_start(
	        &rp, "{\"routes\":["
	             "{\"method\":\"POST\",\"path\":\"/" ACC "/media\","
	             "\"body_file\":\"" FX "publish/create_photo.json\"},"
	             "{\"path\":\"/17889455560051444\",\"query\":{\"fields\":"
	             "\"status_code,status\"},\"body_file\":\"tests/fixtures/"
	             "instagram/container_in_progress.json\"},"
	             "{\"path\":\"/17889455560051444\",\"body_file\":\"" FX
	             "publish/container_info.json\"},"
	             "{\"method\":\"POST\",\"path\":\"/" ACC "/media_publish\","
	             "\"query_absent\":[\"x\"],\"body_file\":\"" FX
	             "publish/publish_container.json\"},"
	             "{\"path\":\"/17920238422030506\",\"body\":{\"id\":"
	             "\"17920238422030506\",\"permalink\":"
	             "\"https://www.instagram.com/p/CSwAtwOBwh-/\"}},"
	             /* a container that fails */
	             "{\"method\":\"POST\",\"path\":\"/" ACC "/media\","
	             "\"body\":{\"id\":\"999\"}},"
	             "{\"path\":\"/999\",\"body\":{\"id\":\"999\",\"status\":"
	             "\"Error: unsupported aspect ratio\",\"status_code\":"
	             "\"ERROR\"}}]}"))
		return;
	setup(&ctx, &c, &rp);
	memset(&p, 0, sizeof(p));
	p.text = "Sommar på biblioteket";
	T_EQ_INT(conn_instagram.publish(&ctx, &p, &res), CONN_E_UNSUPPORTED);
	p.nmedia = 1;
	p.media[0].path = "/srv/media/a.jpg";
	p.media[0].mime = "image/jpeg";
	T_EQ_INT(conn_instagram.publish(&ctx, &p, &res), CONN_E_UNSUPPORTED);
	T_ASSERT(strstr(ctx.err.message, "public URL") != NULL);
	T_EQ_INT(replay_count(&rp, NULL, NULL), 0);

	p.media[0].url = "https://example.org/a.jpg";
	p.media[0].alt = "Barn les i solskinet";
	p.idempotency_key = "ig-1";
	T_EQ_INT(conn_instagram.publish(&ctx, &p, &res), CONN_OK);
	T_EQ_STR(res.id, "17920238422030506");
	T_EQ_STR(res.url, "https://www.instagram.com/p/CSwAtwOBwh-/");
	rq = req_nth(&rp, "POST", "/" ACC "/media", 0);
	b = json_string_value(json_object_get(rq, "body"));
	T_ASSERT(b && strstr(b, "image_url=https%3A%2F%2Fexample.org%2Fa.jpg"));
	T_ASSERT(b && strstr(b, "alt_text=Barn%20les%20i%20solskinet"));
	T_ASSERT(b && strstr(b, "caption=Sommar%20p%C3%A5"));
	json_decref(rq);
	T_EQ_INT(replay_count(&rp, "GET", "/17889455560051444"), 2);
	rq = req_nth(&rp, "POST", "/" ACC "/media_publish", 0);
	T_EQ_STR(json_string_value(json_object_get(rq, "body")),
	         "creation_id=17889455560051444");
	json_decref(rq);
	/* the same key again publishes nothing */
	T_EQ_INT(conn_instagram.publish(&ctx, &p, &res), CONN_OK);
	T_EQ_STR(res.id, "17920238422030506");
	T_EQ_INT(replay_count(&rp, "POST", "/" ACC "/media_publish"), 1);

	p.idempotency_key = NULL;
	T_EQ_INT(conn_instagram.publish(&ctx, &p, &res), CONN_E_PLATFORM);
	T_ASSERT(strstr(ctx.err.message, "aspect ratio") != NULL);
	T_EQ_INT(replay_count(&rp, "POST", "/" ACC "/media_publish"), 1);
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
	if (!replay_start(
	        &rp,
	        "{\"routes\":["
	        "{\"path\":\"/" ACC "\",\"query\":{\"fields\":"
	        "\"followers_count,media_count\"},\"body_file\":\"" FX
	        "users/user_fields.json\"},"
	        "{\"path\":\"/" ACC "/insights\",\"query_absent\":["
	        "\"metric_type\"],\"body_file\":\"" FX
	        "users/user_insights.json\"},"
	        "{\"path\":\"/" ACC "/insights\",\"query\":{\"metric_type\":"
	        "\"total_value\"},\"body_file\":\"" FX
	        "users/user_insights_new.json\"},"
	        "{\"path\":\"/" ACC "/media\",\"body\":{\"data\":[{\"id\":"
	        "\"17846368219941692\"},{\"id\":\"17800000000000000\"}]}},"
	        "{\"path\":\"/17846368219941692/insights\",\"body_file\":"
	        "\"" FX "medias/insights.json\"},"
	        "{\"path\":\"/17800000000000000/insights\",\"status\":400,"
	        "\"body\":{\"error\":{\"message\":\"(#10) Not enough "
	        "viewers for the media to show insights\",\"code\":10}}}]}"))
		return;
	setup(&ctx, &c, &rp);
	T_EQ_INT(conn_instagram.metrics(&ctx), CONN_OK);
	T_EQ_INT(coll_metric_of(&c, "", METRIC_FOLLOWERS), 64363);
	T_EQ_INT(coll_metric_of(&c, "", METRIC_POSTS), 427);
	T_EQ_INT(coll_metric_of(&c, "", METRIC_REACH), 14516883);
	T_EQ_INT(coll_metric_of(&c, "17846368219941692", METRIC_REACH), 5);
	T_EQ_INT(coll_metric_of(&c, "17846368219941692", "saved"), 0);
	rq = req_nth(&rp, "GET", "/17846368219941692/insights", 0);
	m = json_string_value(
	    json_object_get(json_object_get(rq, "query"), "metric"));
	T_EQ_STR(m, "reach,saved,likes,comments,shares,total_interactions,"
	            "views");
	json_decref(rq);
	for (int i = 0; i < 2; i++) {
		rq = req_nth(&rp, "GET", "/" ACC "/insights", i);
		m = json_string_value(
		    json_object_get(json_object_get(rq, "query"), "metric"));
		T_ASSERT(m && strstr(m, "impressions") == NULL &&
		         strstr(m, "plays") == NULL);
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
	    T_ENTRY(auth),
	    T_ENTRY(sync_media_comments_mentions),
	    T_ENTRY(replies_and_hidden),
	    T_ENTRY(failure_mid_page_then_recovery),
	    T_ENTRY(throttle_and_malformed),
	    T_ENTRY(reply_and_moderate),
	    T_ENTRY(publish),
	    T_ENTRY(metrics)};
	if (sodium_init() < 0)
		return 1;
	fetch_global_init();
	return T_RUN(tests, argc, argv);
}
