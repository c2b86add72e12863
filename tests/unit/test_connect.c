/*
 * test_connect.c - the shared connector plumbing through a real local HTTP
 * server (tests/lib/replay.py): fetch (headers, caps, redaction, a body cut
 * off mid-way), rate-limit headers of every platform, back-off, and
 * conn_request's retries and error reading.
 */
#include "t.h"
#include "replay.h"

#include "../../src/base/util.h"
#include "../../src/connect/connect.h"
#include "../../src/domain/domain.h"

#include <sodium.h>

static void
get(const char *base, const char *path, struct fetch_resp *rs)
{
	struct fetch_req rq = {0};
	char url[256];
	snprintf(url, sizeof(url), "%s%s", base, path);
	rq.url = url;
	rq.headers[0] = "Authorization: Bearer s3cr3t-token";
	rq.secrets[0] = "s3cr3t-token";
	fetch_do(&rq, rs);
}

T_TEST(fetch_basics)
{
	struct replay rp;
	struct fetch_resp rs;
	if (!replay_start(
	        &rp, "{\"routes\":[{\"path\":\"/a\",\"headers\":{\"X-RateLimit-"
	             "Limit\":\"300\",\"X-RateLimit-Remaining\":\"235\","
	             "\"X-RateLimit-Reset\":\"2026-08-01T15:00:00.754511Z\"},"
	             "\"body_text\":\"hello\"},"
	             "{\"path\":\"/cut\",\"body_text\":\"0123456789abcdef\","
	             "\"fault\":\"close_mid_body\"},"
	             "{\"path\":\"/big\",\"body_text\":\"0123456789\"}]}"))
		return;
	get(rp.base, "/a", &rs);
	T_EQ_INT(rs.err, FETCH_OK);
	T_EQ_INT(rs.status, 200);
	T_EQ_STR(rs.body, "hello");
	T_EQ_STR(fetch_header(&rs, "x-ratelimit-remaining"), "235");
	T_ASSERT(strstr(rs.req_headers, "s3cr3t") == NULL);
	T_ASSERT(strstr(rs.req_headers, "Bearer [secret]") != NULL);
	{
		struct ratelimit rl;
		int64_t reset;
		time_parse_iso("2026-08-01T15:00:00Z", &reset);
		ratelimit_parse(&rs, reset - 100, &rl);
		T_EQ_INT(rl.limit, 300);
		T_EQ_INT(rl.remaining, 235);
		T_EQ_INT(rl.reset_at, reset);
		T_EQ_INT(ratelimit_wait(&rl, reset - 100, 60), 100);
	}
	fetch_resp_free(&rs);

	get(rp.base, "/cut", &rs);
	T_EQ_INT(rs.err, FETCH_E_PARTIAL);
	T_EQ_INT(rs.status, 200);
	fetch_resp_free(&rs);

	{
		struct fetch_req rq = {0};
		char url[128];
		snprintf(url, sizeof(url), "%s/big", rp.base);
		rq.url = url;
		rq.max_body = 4;
		T_EQ_INT(fetch_do(&rq, &rs), -1);
		T_EQ_INT(rs.err, FETCH_E_TOOBIG);
		fetch_resp_free(&rs);
		/* URLs from platform content reach only public addresses */
		rq.max_body = 0;
		rq.public_only = 1;
		T_EQ_INT(fetch_do(&rq, &rs), -1);
		T_EQ_INT(rs.err, FETCH_E_URL);
		T_ASSERT(strstr(rs.errmsg, "not a public address") != NULL);
		fetch_resp_free(&rs);
		rq.url = "http://localhost:9/x";
		T_EQ_INT(fetch_do(&rq, &rs), -1);
		T_EQ_INT(rs.err, FETCH_E_URL);
		fetch_resp_free(&rs);
		rq.url = "http://[::1]:9/x";
		T_EQ_INT(fetch_do(&rq, &rs), -1);
		T_EQ_INT(rs.err, FETCH_E_URL);
		fetch_resp_free(&rs);
		rq.url = "http://10.1.2.3:9/x";
		rq.timeout_ms = 2000;
		T_EQ_INT(fetch_do(&rq, &rs), -1);
		T_EQ_INT(rs.err, FETCH_E_URL);
		fetch_resp_free(&rs);
		rq.public_only = 0;
		T_EQ_INT(replay_count(&rp, "GET", "/big"), 1);
		rq.url = "file:///etc/passwd";
		T_EQ_INT(fetch_do(&rq, &rs), -1);
		T_EQ_INT(rs.err, FETCH_E_URL);
		fetch_resp_free(&rs);
	}
	T_EQ_INT(replay_unmatched(&rp), 0);
	replay_stop(&rp);
}

T_TEST(ratelimit_styles)
{
	struct fetch_resp rs = {0};
	struct fetch_hdr h[3];
	struct ratelimit rl;
	char n0[] = "x-rate-limit-limit", v0[] = "200";
	char n1[] = "x-rate-limit-reset", v1[] = "1635976418";
	char n2[] = "Retry-After", v2[] = "Wed, 21 Oct 2015 07:28:00 GMT";
	h[0].name = n0, h[0].value = v0;
	h[1].name = n1, h[1].value = v1;
	h[2].name = n2, h[2].value = v2;
	rs.hdr = h;
	rs.nhdr = 2;
	ratelimit_parse(&rs, 1635976400, &rl);
	T_EQ_INT(rl.limit, 200);
	T_EQ_INT(rl.reset_at, 1635976418);
	T_EQ_INT(rl.retry_after, -1);
	T_EQ_INT(ratelimit_wait(&rl, 1635976400, 60), 18);
	rs.nhdr = 3;
	ratelimit_parse(&rs, 1445412400, &rl); /* 80 s before that date */
	T_EQ_INT(rl.retry_after, 80);
	{
		char n3[] = "X-Business-Use-Case-Usage",
		     v3[] = "{\"123\":[{\"type\":\"pages\",\"call_count\":97,"
		            "\"total_cputime\":10,\"total_time\":12,"
		            "\"estimated_time_to_regain_access\":7}]}";
		h[0].name = n3, h[0].value = v3;
		rs.nhdr = 1;
		ratelimit_parse(&rs, 0, &rl);
		T_EQ_INT(rl.usage_pct, 97);
		T_EQ_INT(rl.retry_after, 7 * 60);
	}
}

T_TEST(backoff_jitter)
{
	int differ = 0;
	int64_t prev = -1;
	for (int i = 0; i < 50; i++) {
		int64_t d = backoff_ms(3, 100, 10000);
		T_ASSERT(d >= 100 && d <= 800);
		if (prev >= 0 && d != prev)
			differ = 1;
		prev = d;
	}
	T_ASSERT(differ);
	T_EQ_INT(backoff_ms(0, 100, 10000), 100);
	T_ASSERT(backoff_ms(30, 100, 5000) <= 5000);
}

T_TEST(request_retries)
{
	struct replay rp;
	struct conn_ctx ctx;
	struct fetch_req rq = {0};
	struct fetch_resp rs;
	char url[128];
	if (!replay_start(&rp, "{\"routes\":[{\"path\":\"/r\",\"status\":503},"
	                       "{\"path\":\"/r\",\"fault\":\"reset\"},"
	                       "{\"path\":\"/r\",\"status\":429,\"headers\":{"
	                       "\"Retry-After\":\"1\"}},"
	                       "{\"path\":\"/r\",\"body_text\":\"ok\"},"
	                       "{\"path\":\"/slow\",\"status\":429,\"times\":0,"
	                       "\"headers\":{\"Retry-After\":\"3600\"}},"
	                       "{\"path\":\"/gone\",\"status\":404},"
	                       "{\"method\":\"POST\",\"path\":\"/post\","
	                       "\"status\":502,\"times\":2},"
	                       "{\"method\":\"POST\",\"path\":\"/post\"}]}"))
		return;
	conn_ctx_init(&ctx, NULL, NULL, NULL, NULL);
	ctx.backoff_base_ms = 10;
	snprintf(url, sizeof(url), "%s/r", rp.base);
	rq.url = url;
	T_EQ_INT(conn_request(&ctx, &rq, &rs), CONN_OK);
	T_EQ_STR(rs.body, "ok");
	T_EQ_INT(ctx.requests, 4);
	fetch_resp_free(&rs);

	/* a long wait is not waited for: the caller comes back later */
	snprintf(url, sizeof(url), "%s/slow", rp.base);
	T_EQ_INT(conn_request(&ctx, &rq, &rs), CONN_E_RATELIMIT);
	T_ASSERT(ctx.err.retry_at >= time_now() + 3500);
	T_EQ_INT(replay_count(&rp, "GET", "/slow"), 1);
	fetch_resp_free(&rs);

	snprintf(url, sizeof(url), "%s/gone", rp.base);
	T_EQ_INT(conn_request(&ctx, &rq, &rs), CONN_E_NOTFOUND);
	fetch_resp_free(&rs);

	/* a POST without an idempotency key is not sent twice after a 5xx */
	snprintf(url, sizeof(url), "%s/post", rp.base);
	rq.method = "POST";
	rq.body = "x=1";
	rq.body_len = 3;
	T_EQ_INT(conn_request(&ctx, &rq, &rs), CONN_E_NETWORK);
	T_EQ_INT(replay_count(&rp, "POST", "/post"), 1);
	fetch_resp_free(&rs);
	/* with one it is */
	rq.headers[0] = "Idempotency-Key: k1";
	T_EQ_INT(conn_request(&ctx, &rq, &rs), CONN_OK);
	T_EQ_INT(replay_count(&rp, "POST", "/post"), 3);
	fetch_resp_free(&rs);
	rq.method = NULL;
	rq.body = NULL;
	rq.body_len = 0;
	rq.headers[0] = NULL;

	/* gives up after max_retries on a dead server */
	ctx.max_retries = 2;
	rq.url = "http://127.0.0.1:1/x";
	T_EQ_INT(conn_request(&ctx, &rq, &rs), CONN_E_NETWORK);
	fetch_resp_free(&rs);
	T_EQ_INT(replay_unmatched(&rp), 0);
	conn_ctx_cleanup(&ctx);
	replay_stop(&rp);
}

T_TEST(registry)
{
	/* every platform of the register has one connector, except those no
	 * platform API serves (flickr, forum, other) */
	int n = 0;
	for (int i = 0; channel_platforms[i]; i++) {
		const char *p = channel_platforms[i];
		const struct connector *c = connector_find(p);
		int none = strcmp(p, "flickr") == 0 ||
		           strcmp(p, "forum") == 0 || strcmp(p, "other") == 0;
		T_ASSERT(none ? c == NULL : c != NULL);
		if (c) {
			T_EQ_STR(c->platform, p);
			T_ASSERT(c->sync && c->check_auth && c->classify);
			T_ASSERT(c->note != NULL && c->label != NULL);
			T_ASSERT(c->poll_interval >= 60);
		}
	}
	for (int i = 0; connectors[i]; i++, n++)
		for (int k = 0; k < i; k++)
			T_ASSERT(strcmp(connectors[i]->platform,
			                connectors[k]->platform) != 0);
	T_EQ_INT(n, 9);
	T_ASSERT(connector_find("nope") == NULL);
	T_ASSERT(connector_find(NULL) == NULL);
}

T_TEST(web_times)
{
	int64_t t;
	T_EQ_INT(time_parse_web("2026-08-01T13:53:49.918Z", &t), 0);
	T_EQ_INT(t, 1785592429);
	T_EQ_INT(time_parse_web("2021-07-04T19:50:58+0000", &t), 0);
	T_EQ_INT(t, 1625428258);
	T_EQ_INT(time_parse_web("2021-07-04T21:50:58+02:00", &t), 0);
	T_EQ_INT(t, 1625428258);
	T_EQ_INT(time_parse_web("Thu, 01 Jan 2004 19:48:21 GMT", &t), 0);
	T_EQ_INT(t, 1072986501);
	T_EQ_INT(time_parse_web("01 Jan 2004 20:48:21 +0100", &t), 0);
	T_EQ_INT(t, 1072986501);
	T_EQ_INT(time_parse_web("Thu, 01 Jan 2004 14:48:21 EST", &t), 0);
	T_EQ_INT(t, 1072986501);
	T_EQ_INT(time_parse_web("Fri Feb 20 09:10:58 +0000 2026", &t), 0);
	T_EQ_INT(t, 1771578658);
	T_EQ_INT(time_parse_web("2026-08-01", &t), 0);
	T_EQ_INT(time_parse_web("yesterday", &t), -1);
	T_EQ_INT(time_parse_web("2026-13-01T00:00:00Z", &t), -1);
	T_EQ_INT(time_parse_web("Thu, 01 Foo 2004 19:48:21 GMT", &t), -1);
}

T_TEST(json_limits)
{
	struct conn_ctx ctx;
	struct fetch_resp rs = {0};
	char body[] = "{\"a\":3\0, \"b\":1}";
	json_t *j;
	conn_ctx_init(&ctx, NULL, NULL, NULL, NULL);
	rs.body = body;
	rs.len = sizeof(body) - 1;
	T_ASSERT(conn_json(&ctx, &rs) == NULL);
	T_EQ_INT(ctx.err.rc, CONN_E_MALFORMED);
	/* duplicate keys: the last wins (real exports have them) */
	rs.body = (char *)"{\"k\":[],\"k\":[1,2]}";
	rs.len = strlen(rs.body);
	j = conn_json(&ctx, &rs);
	T_EQ_INT(json_array_size(json_object_get(j, "k")), 2);
	json_decref(j);
	conn_ctx_cleanup(&ctx);
}

T_TEST(html_text)
{
	char *t = html_to_text("<p>Hei &amp; h&#229;! <a href=\"x\">@a</a></p>"
	                       "<p>Line&#x32;<br>three &bogus; &lt;b&gt;</p>");
	T_EQ_STR(t, "Hei & hå! @a\nLine2\nthree &bogus; <b>");
	free(t);
	t = html_to_text(NULL);
	T_EQ_STR(t, "");
	free(t);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(fetch_basics),   T_ENTRY(ratelimit_styles),
	    T_ENTRY(backoff_jitter), T_ENTRY(request_retries),
	    T_ENTRY(registry),       T_ENTRY(web_times),
	    T_ENTRY(json_limits),    T_ENTRY(html_text)};
	if (sodium_init() < 0)
		return 1;
	fetch_global_init();
	return T_RUN(tests, argc, argv);
}
