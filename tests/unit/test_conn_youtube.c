/*
 * test_conn_youtube.c - the YouTube connector (src/connect/youtube.c)
 * through real HTTP to tests/lib/replay.py serving the recorded
 * python-youtube bodies (../shared/fixtures/youtube/python-youtube) and the
 * synthetic ones in tests/fixtures/youtube (README there): the uploads
 * playlist over two pages, comment threads over three pages with inline
 * and fetched replies (a page that repeats the previous one), a failure
 * mid-way and the recovery, the quota and rate-limit errors, token refresh
 * (expired, 401, refused), the API key, malformed bodies, reply, hold/
 * publish/reject/delete, publish of a video (and refusal of a text post),
 * metrics with counts sent as strings.
 */
#include "t.h"
#include "replay.h"
#include "conn_collect.h"

#include "../../src/base/util.h"
#include "../../src/connect/connect.h"
#include "../../src/connect/youtube.h"

#include <sodium.h>
#include <stdlib.h>

#define FX  "youtube/python-youtube/apidata/"
#define SFX "tests/fixtures/youtube/"
#define CH  "UC_x5XG1OV2P6uZZ5FSM9Ttw"
#define UP  "UU_x5XG1OV2P6uZZ5FSM9Ttw"
#define TOKEN_T3                                                               \
	"QURTSl9pMzdZOUVzMkI0czlmRmNjSVBPcTBTdzVzajUydDVnbE5SNElWS0l5WU12a"    \
	"mYweVotdzF5c1hTNmxzUmVIcEZXbmVEVFMzNVJmWk82TVVwUlB2LWh5aUpOQlA5TG"    \
	"QzTWZEcHlTeTd2dlNGRUFZaVF0cmtJd01BTHlnOG0="
#define TOKEN_R2                                                               \
	"R0FJeVZnbzBJTl9zNXRxNXlPWUNNaWtRQUJpQ3RNeW4wcFBtQWlBQktBTXdDam9X"     \
	"T1RGNlZETmpXV0kxUWpJNU1YcGhOV1ZLZUhwek1SSWVDQVVTR2xWbmR6VjZXVlUy"     \
	"Ympsd2JVbG5RVnBYZGs0MFFXRkJRa0ZuT2lBSUFSSWNOVHBWWjNjMWVsbFZObTQ1"     \
	"Y0cxSlowRmFWM1pPTkVGaFFVSkJadw=="

#define R_MINE                                                                 \
	"{'path':'/channels','query':{'mine':'true'},'times':0,"               \
	"'body_file':'" SFX "channels_mine.json'}"
#define R_PL_P1                                                                \
	"{'path':'/playlistItems','query':{'playlistId':'" UP "'},"            \
	"'query_absent':['pageToken'],'body_file':'" FX                        \
	"playlist_items/playlist_items_paged_1.json'"
#define R_PL_P2                                                                \
	"{'path':'/playlistItems','query':{'playlistId':'" UP "',"             \
	"'pageToken':'CAoQAA'},'body_file':'" FX                               \
	"playlist_items/playlist_items_paged_2.json'"

static struct conn_ctx ctx;
static struct coll col;
static json_t *cfg;

static void
setup(const struct replay *rp, const char *cred_json)
{
	char tok[128];
	snprintf(tok, sizeof(tok), "%s/token", rp->base);
	cfg = json_pack("{s:s, s:s}", "base_url", rp->base, "token_url", tok);
	conn_ctx_init(
	    &ctx, connector_find("youtube"), cfg,
	    json_loads(cred_json ? cred_json : "{\"access_token\":\"ya29.AT\"}",
	               0, NULL),
	    json_object());
	ctx.backoff_base_ms = 5;
	coll_init(&col);
	coll_attach(&col, &ctx);
}

static void
teardown(void)
{
	ctx_release(&ctx);
	coll_free(&col);
}

T_TEST(yt_registered)
{
	const struct connector *c = connector_find("youtube");
	T_ASSERT(c != NULL);
	if (c == NULL)
		return;
	T_EQ_STR(c->default_base, "https://www.googleapis.com/youtube/v3");
	T_ASSERT(!(c->caps & CAP_PUBLISH)); /* videos only */
	T_ASSERT(c->caps & CAP_PUBLISH_MEDIA);
	T_ASSERT(strstr(c->note, "community") != NULL);
}

T_TEST(yt_sync_full)
{
	struct replay rp;
	json_t *r;
	if (!replay_start(
	        &rp,
	        scn("{'routes':[" R_MINE "," R_PL_P1 "}," R_PL_P2 "},"
	            "{'path':'/commentThreads','query':{"
	            "'allThreadsRelatedToChannelId':'" CH "'},"
	            "'query_absent':['pageToken'],'body_file':'" SFX
	            "comment_threads_p1.json'},"
	            "{'path':'/commentThreads','query':{'pageToken':"
	            "'SYNTHp2'},'body_file':'" FX
	            "comment_threads/comment_threads_by_video_paged_1.json'},"
	            "{'path':'/commentThreads','query':{'pageToken':'" TOKEN_T3
	            "'},'body_file':'" FX
	            "comment_threads/comment_threads_by_video_paged_2.json'},"
	            "{'path':'/comments','query':{'parentId':"
	            "'Ugw5zYU6n9pmIgAZWvN4AaABAg'},'query_absent':["
	            "'pageToken'],'body_file':'" FX
	            "comments/comments_by_parent_paged_1.json'},"
	            "{'path':'/comments','query':{'parentId':"
	            "'Ugw5zYU6n9pmIgAZWvN4AaABAg','pageToken':'" TOKEN_R2
	            "'},'body_file':'" FX
	            "comments/comments_by_parent_paged_2.json'},"
	            "{'path':'/comments','query':{'parentId':"
	            "'UgwI_ylXVnzPS8Q-oAV4AaABAg'},'body_file':'" SFX
	            "comments_UgwI.json'}]}")))
		return;
	setup(&rp, NULL);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_STR(ctx.err.message, "");
	T_EQ_INT(col.dups, 0);
	T_EQ_INT(json_object_size(col.ids), 13 + 15);
	T_EQ_STR(conn_state(&ctx, "channel_id"), CH);
	T_EQ_STR(conn_state(&ctx, "uploads"), UP);
	T_EQ_STR(conn_state(&ctx, "uploads_newest"), "CvTApw9X8aA");
	/* a complete walk of the uploads is a listing */
	T_EQ_INT(col.nlistings, 1);
	T_EQ_INT(col.listed, 13);
	/* videos: our posts */
	T_EQ_STR(coll_s(&col, "CvTApw9X8aA", "type"), "post");
	T_EQ_INT(coll_i(&col, "CvTApw9X8aA", "inbound"), 0);
	T_EQ_STR(coll_s(&col, "CvTApw9X8aA", "url"),
	         "https://www.youtube.com/watch?v=CvTApw9X8aA");
	T_ASSERT(strncmp(coll_s(&col, "CvTApw9X8aA", "text"),
	                 "Welcome from Google Developers", 30) == 0);
	T_ASSERT(json_object_get(col.ids, "Fu2bldybpkA") != NULL); /* p2 */
	/* a thread: top-level comment on the video, edited, HTML kept */
	T_EQ_STR(coll_s(&col, "UgzSynthThreadOne4AaABAg", "type"), "comment");
	T_EQ_STR(coll_s(&col, "UgzSynthThreadOne4AaABAg", "parent"),
	         "CvTApw9X8aA");
	T_EQ_STR(coll_s(&col, "UgzSynthThreadOne4AaABAg", "text"),
	         "Når kjem neste møte? 1:02 & takk!");
	T_ASSERT(strstr(coll_s(&col, "UgzSynthThreadOne4AaABAg", "html"),
	                "<a href=") != NULL);
	T_EQ_STR(coll_s(&col, "UgzSynthThreadOne4AaABAg", "handle"),
	         "@karinordmann");
	T_EQ_INT(coll_i(&col, "UgzSynthThreadOne4AaABAg", "likes"), 4);
	T_EQ_INT(coll_i(&col, "UgzSynthThreadOne4AaABAg", "replies"), 2);
	T_EQ_INT(coll_i(&col, "UgzSynthThreadOne4AaABAg", "edited"),
	         1574762700);
	T_EQ_INT(coll_i(&col, "UgzSynthThreadOne4AaABAg", "inbound"), 1);
	/* inline replies; ours is not inbound; textDisplay when no
	 * textOriginal */
	T_EQ_STR(coll_s(&col, "UgzSynthThreadOne4AaABAg.9synthR1", "type"),
	         "reply");
	T_EQ_STR(coll_s(&col, "UgzSynthThreadOne4AaABAg.9synthR1", "parent"),
	         "UgzSynthThreadOne4AaABAg");
	T_EQ_STR(coll_s(&col, "UgzSynthThreadOne4AaABAg.9synthR1", "thread"),
	         "CvTApw9X8aA");
	T_EQ_INT(coll_i(&col, "UgzSynthThreadOne4AaABAg.9synthR1", "inbound"),
	         0);
	T_EQ_STR(coll_s(&col, "UgzSynthThreadOne4AaABAg.9synthR2", "text"),
	         "Takk!");
	/* replies beyond the inline ones, over two pages */
	T_EQ_STR(coll_s(&col,
	                "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za6voUoRh",
	                "type"),
	         "reply");
	T_EQ_STR(coll_s(&col,
	                "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za6voUoRh",
	                "thread"),
	         "Yh4EKaUY3gg");
	T_ASSERT(
	    json_object_get(
	        col.ids, "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za3E-eR-l") !=
	    NULL);
	/* our own top-level comment */
	T_EQ_INT(coll_i(&col, "UgzSynthOwnComment4AaABAg", "inbound"), 0);
	/* the recorded page 2 and its replies */
	T_EQ_STR(coll_s(&col, "UgwI_ylXVnzPS8Q-oAV4AaABAg", "type"), "comment");
	T_EQ_STR(coll_s(&col, "UgwI_ylXVnzPS8Q-oAV4AaABAg.9synthB", "parent"),
	         "UgwI_ylXVnzPS8Q-oAV4AaABAg");
	T_EQ_INT(coll_i(&col, "UgwI_ylXVnzPS8Q-oAV4AaABAg.9synthB", "inbound"),
	         0);
	T_EQ_INT(coll_i(&col, "UgyZ1jqkHKYvi1-ruOZ4AaABAg", "hidden"), 0);
	/* the repeated page 3 cost one request and emitted nothing */
	T_EQ_INT(replay_count(&rp, "GET", "/commentThreads"), 3);
	T_EQ_INT(replay_count(&rp, "GET", "/comments"), 3);
	r = req_nth(&rp, "GET", "/commentThreads", 0);
	T_EQ_STR(req_hdr(r, "Authorization"), "Bearer ya29.AT");
	T_EQ_STR(req_query(r, "part"), "snippet,replies");
	json_decref(r);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(yt_failure_mid_walk_recovers)
{
	struct replay rp;
	if (!replay_start(
	        &rp,
	        scn("{'routes':[" R_MINE "," R_PL_P1 ",'times':0},"
	            "{'path':'/playlistItems','query':{'pageToken':"
	            "'CAoQAA'},'times':2,'fault':'close_mid_body','body_file'"
	            ":'" FX
	            "playlist_items/playlist_items_paged_2.json'}," R_PL_P2 "},"
	            "{'path':'/commentThreads','times':0,'body':{"
	            "'items':[]}}]}")))
		return;
	setup(&rp, NULL);
	ctx.max_retries = 1;
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_NETWORK);
	T_EQ_INT(json_object_size(col.ids), 10);
	T_EQ_STR(conn_state(&ctx, "uploads_page"), "CAoQAA");
	T_ASSERT(conn_state(&ctx, "uploads_newest") == NULL);

	coll_run(&col);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_INT(col.dups, 0);
	T_EQ_INT(json_object_size(col.ids), 3);
	T_EQ_INT(json_object_size(col.all), 13);
	T_EQ_STR(conn_state(&ctx, "uploads_newest"), "CvTApw9X8aA");
	T_ASSERT(conn_state(&ctx, "uploads_page") == NULL);
	T_EQ_INT(col.nlistings, 0); /* no single run saw the whole playlist */

	/* later: the walk stops at the newest video already seen */
	coll_run(&col);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_OK);
	T_EQ_INT(json_object_size(col.ids), 0);
	T_EQ_INT(replay_count(&rp, "GET", "/playlistItems"), 1 + 2 + 1 + 1);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(yt_quota_and_errors)
{
	struct replay rp;
	int64_t t;
	if (!replay_start(
	        &rp, scn("{'routes':[{'path':'/channels','status':403,"
	                 "'body_file':'" SFX "quota_exceeded.json'},"
	                 "{'path':'/channels','status':403,'body_file':'" SFX
	                 "rate_limit_exceeded.json'},"
	                 "{'path':'/channels','status':403,'body_file':'" FX
	                 "error_permission_resp.json'},"
	                 "{'path':'/channels','status':404,'body':{'error':{"
	                 "'code':404,'message':'Channel not found.','errors':[{"
	                 "'reason':'channelNotFound','domain':'youtube.channel'"
	                 "}]}}}]}")))
		return;
	setup(&rp, NULL);
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_RATELIMIT);
	T_EQ_STR(ctx.err.code, "quotaExceeded");
	T_EQ_INT(ctx.err.http_status, 403);
	T_ASSERT(strstr(ctx.err.message, "exceeded your quota.") != NULL);
	t = yt_quota_reset(time_now());
	T_ASSERT(ctx.err.retry_at >= t - 2 && ctx.err.retry_at <= t + 2);
	T_EQ_INT(replay_count(&rp, "GET", "/channels"), 1); /* not retried */

	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_RATELIMIT);
	T_EQ_STR(ctx.err.code, "rateLimitExceeded");
	T_ASSERT(ctx.err.retry_at <= time_now() + 120);

	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_PLATFORM);
	T_EQ_STR(ctx.err.code, "SERVICE_UNAVAILABLE");
	T_EQ_STR(ctx.err.message, "The caller does not have permission");

	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_NOTFOUND);
	T_EQ_STR(ctx.err.code, "channelNotFound");
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);

	/* midnight in Los Angeles: PDT in July, PST in January */
	time_parse_iso("2026-07-01T12:00:00Z", &t);
	T_EQ_INT(yt_quota_reset(t), t + 12 * 3600 + 7 * 3600);
	time_parse_iso("2026-01-15T12:00:00Z", &t);
	T_EQ_INT(yt_quota_reset(t), t + 12 * 3600 + 8 * 3600);
	time_parse_iso("2026-01-15T07:59:00Z", &t); /* 23:59 PST */
	T_EQ_INT(yt_quota_reset(t), t + 60);
	time_parse_iso("2026-03-08T09:59:00Z", &t); /* 01:59 PST, DST day */
	T_EQ_INT(yt_quota_reset(t), t + 60 + 21 * 3600); /* 00:00 PDT */
}

T_TEST(yt_refresh)
{
	struct replay rp;
	char cred[512];
	json_t *r;
	const char *b;
	if (!replay_start(
	        &rp,
	        scn("{'routes':[{'method':'POST','path':'/token','times':2,"
	            "'body_file':'" SFX "token_refresh.json'},"
	            "{'path':'/channels','body_file':'" SFX
	            "channels_mine.json'},"
	            "{'path':'/channels','status':401,'body_file':'" SFX
	            "auth_error_401.json'}," R_MINE ","
	            "{'method':'POST','path':'/token','status':400,"
	            "'body_file':'" SFX "token_invalid_grant.json'}]}")))
		return;
	snprintf(cred, sizeof(cred),
	         "{\"access_token\":\"ya29.OLD\",\"refresh_token\":\"1//R\","
	         "\"client_id\":\"cid.apps.googleusercontent.com\","
	         "\"client_secret\":\"GOCSPX-s\",\"expires_at\":%lld}",
	         (long long)time_now() - 5);
	setup(&rp, cred);
	/* expired: refreshed before the call */
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_OK);
	T_EQ_INT(ctx.cred_changed, 1);
	T_EQ_STR(conn_cred(&ctx, "access_token"), "ya29.NEW-ACCESS-TOKEN-yt");
	T_EQ_STR(conn_cred(&ctx, "refresh_token"), "1//R"); /* kept */
	T_EQ_INT(json_integer_value(json_object_get(ctx.cred, "expires_at")),
	         ctx.now + 3599);
	r = req_nth(&rp, "POST", "/token", 0);
	b = json_string_value(json_object_get(r, "body"));
	T_ASSERT(b && strstr(b, "grant_type=refresh_token") &&
	         strstr(b, "refresh_token=1%2F%2FR") &&
	         strstr(b, "client_secret=GOCSPX-s"));
	T_ASSERT(req_hdr(r, "Authorization") == NULL);
	json_decref(r);
	r = req_nth(&rp, "GET", "/channels", 0);
	T_EQ_STR(req_hdr(r, "Authorization"),
	         "Bearer ya29.NEW-ACCESS-TOKEN-yt");
	json_decref(r);

	/* a token the platform no longer takes (401 authError): refreshed
	 * once, and the call made again */
	json_object_set_new(ctx.cred, "access_token",
	                    json_string("ya29.STALE"));
	json_object_del(ctx.cred, "expires_at");
	json_object_clear(ctx.state);
	ctx.cred_changed = 0;
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_OK);
	T_EQ_INT(ctx.cred_changed, 1);
	T_EQ_INT(replay_count(&rp, "POST", "/token"), 2);
	r = req_nth(&rp, "GET", "/channels", 1);
	T_EQ_STR(req_hdr(r, "Authorization"), "Bearer ya29.STALE");
	json_decref(r);
	r = req_nth(&rp, "GET", "/channels", 2);
	T_EQ_STR(req_hdr(r, "Authorization"),
	         "Bearer ya29.NEW-ACCESS-TOKEN-yt");
	json_decref(r);

	/* a revoked grant: reconnect */
	json_object_set_new(ctx.cred, "expires_at", json_integer(1));
	json_object_clear(ctx.state);
	ctx.cred_changed = 0;
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_AUTH);
	T_EQ_STR(ctx.err.code, "invalid_grant");
	T_ASSERT(strstr(ctx.err.message, "expired or revoked") != NULL);
	T_EQ_INT(ctx.cred_changed, 0);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(yt_malformed)
{
	struct replay rp;
	if (!replay_start(&rp, scn("{'routes':[{'path':'/channels','body_text':"
	                           "'[1,2]'}," R_MINE ","
	                           "{'path':'/playlistItems','body_text':"
	                           "'{\\'items\\': {}}'},"
	                           "{'path':'/playlistItems','body_text':"
	                           "'<html>Service Unavailable'}]}")))
		return;
	setup(&rp, NULL);
	T_EQ_INT(ctx.c->check_auth(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(ctx.c->sync(&ctx), CONN_E_MALFORMED);
	T_EQ_INT(json_object_size(col.ids), 0);
	T_ASSERT(conn_state(&ctx, "uploads_newest") == NULL);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(yt_reply)
{
	struct replay rp;
	struct conn_result out;
	json_t *r, *b;
	if (!replay_start(&rp,
	                  scn("{'routes':[{'method':'POST','path':'/comments',"
	                      "'times':2,'body_file':'" FX
	                      "comments/insert_response.json'},"
	                      "{'method':'POST','path':'/commentThreads',"
	                      "'body_file':'" FX
	                      "comment_threads/insert_response.json'}]}")))
		return;
	setup(&rp, NULL);
	T_EQ_INT(ctx.c->reply(&ctx, "Ugy_CAftKrIUCyPr9GR4AaABAg", "wow", &out),
	         CONN_OK);
	T_EQ_STR(out.id, "Ugy_CAftKrIUCyPr9GR4AaABAg.9iPXEClD9lW9iPXLqKy_Pt");
	r = req_nth(&rp, "POST", "/comments", 0);
	T_EQ_STR(req_query(r, "part"), "snippet");
	b = req_json(r);
	T_EQ_STR(json_string_value(json_object_get(
	             json_object_get(b, "snippet"), "parentId")),
	         "Ugy_CAftKrIUCyPr9GR4AaABAg");
	T_EQ_STR(json_string_value(json_object_get(
	             json_object_get(b, "snippet"), "textOriginal")),
	         "wow");
	json_decref(b);
	json_decref(r);
	/* answering a reply answers its thread */
	T_EQ_INT(ctx.c->reply(&ctx, "Ugy_CAftKrIUCyPr9GR4AaABAg.9iPXEClD9lW9",
	                      "wow", &out),
	         CONN_OK);
	r = req_nth(&rp, "POST", "/comments", 1);
	b = req_json(r);
	T_EQ_STR(json_string_value(json_object_get(
	             json_object_get(b, "snippet"), "parentId")),
	         "Ugy_CAftKrIUCyPr9GR4AaABAg");
	json_decref(b);
	json_decref(r);
	/* answering a video starts a thread */
	T_EQ_INT(ctx.c->reply(&ctx, "F1UP7wRCPH8", "Takk for videoen", &out),
	         CONN_OK);
	r = req_nth(&rp, "POST", "/commentThreads", 0);
	b = req_json(r);
	T_EQ_STR(json_string_value(
	             json_object_get(json_object_get(b, "snippet"), "videoId")),
	         "F1UP7wRCPH8");
	json_decref(b);
	json_decref(r);
	T_ASSERT(strstr(out.url, "https://www.youtube.com/watch?v=") ==
	         out.url);
	T_EQ_INT(ctx.c->reply(&ctx, "F1UP7wRCPH8", "", &out), CONN_E_CONFIG);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(yt_moderate)
{
	struct replay rp;
	if (!replay_start(
	        &rp,
	        scn("{'routes':["
	            "{'method':'POST','path':'/comments/setModerationStatus',"
	            "'query':{'id':'UgyUBI0HsgL9emxcZpR4AaABAg',"
	            "'moderationStatus':'heldForReview'},'status':204},"
	            "{'method':'POST','path':'/comments/setModerationStatus',"
	            "'query':{'id':'UgyUBI0HsgL9emxcZpR4AaABAg',"
	            "'moderationStatus':'published'},'status':204},"
	            "{'path':'/comments','query':{'id':"
	            "'UgyUBI0HsgL9emxcZpR4AaABAg'},'body_file':'" FX
	            "comments/comments_single.json'},"
	            "{'method':'POST','path':'/comments/setModerationStatus',"
	            "'query':{'id':'UgyUBI0HsgL9emxcZpR4AaABAg',"
	            "'moderationStatus':'rejected'},'status':204},"
	            "{'path':'/comments','query':{'id':"
	            "'UgzSynthOwnComment4AaABAg'},'body_file':'" SFX
	            "comment_own.json'},"
	            "{'method':'DELETE','path':'/comments','query':{'id':"
	            "'UgzSynthOwnComment4AaABAg'},'status':204},"
	            "{'path':'/comments','query':{'id':'gone'},'body':{"
	            "'items':[]}}]}")))
		return;
	setup(&rp, NULL);
	json_object_set_new(cfg, "account", json_string(CH));
	T_EQ_INT(ctx.c->moderate(&ctx, "UgyUBI0HsgL9emxcZpR4AaABAg", MOD_HIDE),
	         CONN_OK);
	T_EQ_INT(
	    ctx.c->moderate(&ctx, "UgyUBI0HsgL9emxcZpR4AaABAg", MOD_UNHIDE),
	    CONN_OK);
	/* someone else's: rejected (hidden), since it cannot be deleted */
	T_EQ_INT(
	    ctx.c->moderate(&ctx, "UgyUBI0HsgL9emxcZpR4AaABAg", MOD_DELETE),
	    CONN_OK);
	T_EQ_INT(replay_count(&rp, "DELETE", NULL), 0);
	/* our own: deleted */
	T_EQ_INT(ctx.c->moderate(&ctx, "UgzSynthOwnComment4AaABAg", MOD_DELETE),
	         CONN_OK);
	T_EQ_INT(replay_count(&rp, "DELETE", "/comments"), 1);
	T_EQ_INT(ctx.c->moderate(&ctx, "gone", MOD_DELETE), CONN_E_NOTFOUND);
	T_EQ_INT(replay_count(&rp, "POST", "/comments/setModerationStatus"), 3);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

T_TEST(yt_publish)
{
	struct replay rp;
	struct conn_post p;
	struct conn_result out;
	char path[] = "/tmp/kv-yt-video-XXXXXX", ub[128];
	int fd = mkstemp(path);
	json_t *r, *b;
	T_ASSERT(fd >= 0);
	if (fd < 0)
		return;
	T_ASSERT(write(fd, "RIFFftypmp42fake-video-bytes", 28) == 28);
	close(fd);
	if (!replay_start(
	        &rp,
	        scn("{'rewrite':['https://www.googleapis.com'],'routes':["
	            "{'method':'POST','path':'/upload/youtube/v3/videos',"
	            "'query':{'uploadType':'resumable','part':"
	            "'snippet,status'},'headers':{'Location':"
	            "'https://www.googleapis.com/upload/youtube/v3/videos?"
	            "uploadType=resumable&upload_id=UPL-1'},'body_text':''},"
	            "{'method':'PUT','path':'/upload/youtube/v3/videos',"
	            "'query':{'upload_id':'UPL-1'},'body_file':'" FX
	            "videos/insert_response.json'}]}"))) {
		unlink(path);
		return;
	}
	setup(&rp, NULL);
	snprintf(ub, sizeof(ub), "%s/upload/youtube/v3", rp.base);
	json_object_set_new(cfg, "upload_base", json_string(ub));
	memset(&p, 0, sizeof(p));
	p.text = "Kommunestyremøte 12. mars\nOpptak av heile møtet.";
	p.lang = "nn";
	/* a text post: YouTube has none */
	T_EQ_INT(ctx.c->publish(&ctx, &p, &out), CONN_E_UNSUPPORTED);
	T_ASSERT(strstr(ctx.err.message, "community") != NULL);
	p.nmedia = 1;
	p.media[0].path = path;
	p.media[0].mime = "image/png";
	T_EQ_INT(ctx.c->publish(&ctx, &p, &out), CONN_E_UNSUPPORTED);
	T_EQ_INT(replay_count(&rp, NULL, NULL), 0);

	p.media[0].mime = "video/mp4";
	p.media[0].alt = "Opptak frå kommunestyresalen";
	T_EQ_INT(ctx.c->publish(&ctx, &p, &out), CONN_OK);
	T_EQ_STR(ctx.err.message, "");
	T_EQ_STR(out.id, "D-lhorsDlUQ");
	T_EQ_STR(out.url, "https://www.youtube.com/watch?v=D-lhorsDlUQ");
	r = req_nth(&rp, "POST", "/upload/youtube/v3/videos", 0);
	T_EQ_STR(req_hdr(r, "X-Upload-Content-Length"), "28");
	T_EQ_STR(req_hdr(r, "X-Upload-Content-Type"), "video/mp4");
	b = req_json(r);
	T_EQ_STR(json_string_value(
	             json_object_get(json_object_get(b, "snippet"), "title")),
	         "Kommunestyremøte 12. mars");
	T_EQ_STR(json_string_value(json_object_get(
	             json_object_get(b, "snippet"), "defaultLanguage")),
	         "nn");
	T_EQ_STR(json_string_value(json_object_get(json_object_get(b, "status"),
	                                           "privacyStatus")),
	         "public");
	json_decref(b);
	json_decref(r);
	r = req_nth(&rp, "PUT", "/upload/youtube/v3/videos", 0);
	T_EQ_STR(req_hdr(r, "Content-Range"), "bytes 0-27/28");
	T_EQ_STR(req_hdr(r, "Authorization"), "Bearer ya29.AT");
	json_decref(r);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
	unlink(path);
}

T_TEST(yt_metrics_api_key)
{
	struct replay rp;
	json_t *r;
	if (!replay_start(
	        &rp,
	        scn("{'routes':[{'path':'/channels','query':{'id':'" CH "'},"
	            "'body_file':'" SFX "channels_mine.json'},"
	            "{'path':'/channels','query':{'part':'statistics'},"
	            "'body_file':'" FX "channel_info_single.json'},"
	            "{'path':'/playlistItems','query':{'part':"
	            "'contentDetails','maxResults':'50'},'body_file':'" FX
	            "playlist_items/playlist_items_paged_1.json'},"
	            "{'path':'/videos','query':{'part':'statistics'},"
	            "'body_file':'" SFX "videos_statistics.json'}]}")))
		return;
	setup(&rp, "{\"api_key\":\"AIza-test-key\"}");
	json_object_set_new(cfg, "account", json_string(CH));
	T_EQ_INT(ctx.c->metrics(&ctx), CONN_OK);
	T_EQ_STR(ctx.err.message, "");
	T_ASSERT(coll_metric_of(&col, NULL, METRIC_FOLLOWERS) == 1927873);
	T_ASSERT(coll_metric_of(&col, NULL, METRIC_POSTS) == 5026);
	T_ASSERT(coll_metric_of(&col, NULL, METRIC_VIEWS) == 160361638);
	T_ASSERT(coll_metric_of(&col, "CvTApw9X8aA", METRIC_VIEWS) == 1523);
	T_ASSERT(coll_metric_of(&col, "CvTApw9X8aA", METRIC_REACTIONS) == 41);
	T_ASSERT(coll_metric_of(&col, "CvTApw9X8aA", METRIC_COMMENTS) == 7);
	T_ASSERT(coll_metric_of(&col, "Yh4EKaUY3gg", METRIC_REACTIONS) == -1);
	r = req_nth(&rp, "GET", "/videos", 0);
	T_ASSERT(strncmp(req_query(r, "id"), "CvTApw9X8aA,Yh4EKaUY3gg,", 24) ==
	         0);
	T_EQ_STR(req_query(r, "key"), "AIza-test-key");
	T_ASSERT(req_hdr(r, "Authorization") == NULL);
	json_decref(r);
	T_EQ_INT(replay_unmatched(&rp), 0);
	teardown();
	replay_stop(&rp);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(yt_registered),
	    T_ENTRY(yt_sync_full),
	    T_ENTRY(yt_failure_mid_walk_recovers),
	    T_ENTRY(yt_quota_and_errors),
	    T_ENTRY(yt_refresh),
	    T_ENTRY(yt_malformed),
	    T_ENTRY(yt_reply),
	    T_ENTRY(yt_moderate),
	    T_ENTRY(yt_publish),
	    T_ENTRY(yt_metrics_api_key)};
	if (sodium_init() < 0)
		return 1;
	fetch_global_init();
	return T_RUN(tests, argc, argv);
}
