/*
 * test_meta_webhook.c - Meta webhooks (src/connect/meta_webhook.c): the
 * X-Hub-Signature-256 check (valid, wrong, missing, malformed), the
 * subscribe handshake, and every delivery in the recorded restfb page and
 * Instagram webhook fixtures turned into items.
 */
#include "t.h"
#include "replay.h"
#include "conn_collect.h"

#include "../../src/connect/graph.h"
#include "../../src/connect/meta_webhook.h"

#include <sodium.h>

/* Reads a fixture under ../shared/fixtures; malloc'd, NULL when absent. */
static char *
fixture(const char *name, size_t *len)
{
	char path[512], *p;
	FILE *f;
	long n;
	snprintf(path, sizeof(path), "../shared/fixtures/%s", name);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	p[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Parses fixture name into c; returns the parse result. */
static int
parse(struct conn_ctx *ctx, struct coll *c, const char *name)
{
	size_t len = 0;
	char *b = fixture(name, &len);
	int r;
	T_ASSERT(b != NULL);
	if (b == NULL)
		return -2;
	coll_reset(c);
	coll_attach(c, ctx);
	c->json_raw = 1; /* raw must be the JSON */
	r = meta_webhook_parse(ctx, b, len);
	free(b);
	return r;
}

T_TEST(signature)
{
	const char *body = "{\"object\":\"page\",\"entry\":[]}";
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[65], sig[80];
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)"s3cret", 6);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body,
	                              strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(sig, sizeof(sig), "sha256=%s", hex);
	T_EQ_INT(meta_webhook_verify("s3cret", body, strlen(body), sig), 0);
	/* upper-case hex is the same signature */
	for (char *p = sig + 7; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	T_EQ_INT(meta_webhook_verify("s3cret", body, strlen(body), sig), 0);
	/* one byte of the body changed */
	T_EQ_INT(meta_webhook_verify("s3cret",
	                             "{\"object\":\"page\",\"entry\":[1]}",
	                             strlen(body) + 1, sig),
	         -1);
	T_EQ_INT(meta_webhook_verify("other", body, strlen(body), sig), -1);
	T_EQ_INT(meta_webhook_verify("s3cret", body, strlen(body), NULL), -1);
	T_EQ_INT(meta_webhook_verify("s3cret", body, strlen(body), ""), -1);
	T_EQ_INT(meta_webhook_verify(NULL, body, strlen(body), sig), -1);
	T_EQ_INT(meta_webhook_verify("", body, strlen(body), sig), -1);
	sig[10] = 0; /* truncated */
	T_EQ_INT(meta_webhook_verify("s3cret", body, strlen(body), sig), -1);
	snprintf(sig, sizeof(sig), "sha1=%s", hex);
	T_EQ_INT(meta_webhook_verify("s3cret", body, strlen(body), sig), -1);
	/* a known vector: HMAC-SHA256("key", "The quick brown fox …") */
	T_EQ_INT(meta_webhook_verify(
	             "key", "The quick brown fox jumps over the lazy dog", 43,
	             "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a149461"
	             "75997479dbc2d1a3cd8"),
	         0);
}

T_TEST(handshake)
{
	T_EQ_STR(
	    meta_webhook_challenge("subscribe", "tok", "tok", "1158201444"),
	    "1158201444");
	T_ASSERT(meta_webhook_challenge("subscribe", "bad", "tok", "1") ==
	         NULL);
	T_ASSERT(meta_webhook_challenge("unsubscribe", "tok", "tok", "1") ==
	         NULL);
	T_ASSERT(meta_webhook_challenge(NULL, "tok", "tok", "1") == NULL);
	T_ASSERT(meta_webhook_challenge("subscribe", "tok", "tok", "") == NULL);
	T_ASSERT(meta_webhook_challenge("subscribe", "tok", "tok",
	                                "<script>x</script> y") == NULL);
	T_ASSERT(meta_webhook_challenge("subscribe", "", "", "1") == NULL);
	T_ASSERT(meta_webhook_challenge("subscribe", NULL, "tok", "1") == NULL);
}

T_TEST(page_feed_verbs)
{
	struct conn_ctx ctx;
	struct coll c = {0};
	const json_t *x;
	conn_ctx_init(&ctx, &conn_facebook_page, NULL, NULL, NULL);

	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-comment-add-211.json"),
	         1);
	x = coll_nth(&c, 0);
	T_EQ_STR(js(x, "id"), "901097836652708_903438993085259");
	T_EQ_INT(ji(x, "kind"), ITEM_COMMENT);
	T_EQ_STR(js(x, "parent"), "1234567890321_901097836652708");
	T_EQ_STR(js(x, "text"), "and the next one");
	T_EQ_INT(ji(x, "created"), 1449135003);
	T_EQ_INT(ji(x, "inbound"), 0); /* from the page itself */
	T_EQ_INT(ji(x, "hidden"), -1);

	/* old payload: sender_id as a number, sender_name */
	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-comment-add-25.json"),
	         1);
	T_EQ_STR(js(coll_nth(&c, 0), "by"), "Tester");
	T_EQ_INT(ji(coll_nth(&c, 0), "inbound"), 0);

	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-comment-edited-25.json"),
	         1);
	T_EQ_INT(ji(coll_nth(&c, 0), "edited"), 1448555737);
	T_EQ_INT(ji(coll_nth(&c, 0), "created"), 0);
	T_EQ_STR(js(coll_nth(&c, 0), "text"),
	         "Let's see the Webhooks in action :D");

	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-comment-hide.json"),
	         1);
	T_EQ_STR(js(coll_nth(&c, 0), "id"), "900728623356296_900744590021366");
	T_EQ_INT(ji(coll_nth(&c, 0), "hidden"), 1);
	T_EQ_STR(js(coll_nth(&c, 0), "by"), "Tester");
	/* its parent is the post */
	T_EQ_INT(ji(coll_nth(&c, 0), "kind"), ITEM_COMMENT);

	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-comment-unhide.json"),
	         1);
	T_EQ_INT(ji(coll_nth(&c, 0), "hidden"), 0);

	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-comment-remove-25.json"),
	         1);
	T_EQ_STR(js(coll_nth(&c, 0), "id"), "905578656204626_905579239537901");
	T_EQ_INT(ji(coll_nth(&c, 0), "deleted"), 1);

	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-post-add-25.json"),
	         1);
	T_EQ_STR(js(coll_nth(&c, 0), "id"), "1234567890321_7293787835232");
	T_EQ_INT(ji(coll_nth(&c, 0), "kind"), ITEM_POST);
	T_EQ_INT(ji(coll_nth(&c, 0), "inbound"), 1); /* a visitor's post */
	T_EQ_INT(ji(coll_nth(&c, 0), "hidden"), 0);
	T_EQ_STR(js(coll_nth(&c, 0), "by"), "John Doe");

	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-post-edit.json"),
	         1);
	T_EQ_INT(ji(coll_nth(&c, 0), "edited"), 1467890409);

	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-post-hide.json"),
	         1);
	T_EQ_INT(ji(coll_nth(&c, 0), "kind"), ITEM_POST);
	T_EQ_INT(ji(coll_nth(&c, 0), "hidden"), 1);

	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-post-remove-25.json"),
	         1);
	T_EQ_INT(ji(coll_nth(&c, 0), "deleted"), 1);
	T_EQ_INT(ji(coll_nth(&c, 0), "inbound"),
	         0); /* numeric from.id == the page */

	/* reactions and other fields are not items */
	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-reaction-add.json"),
	         0);
	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "feed-two-entries-25.json"),
	         0);
	T_EQ_INT((int)json_array_size(c.items), 0);

	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "mention-comment-add.json"),
	         1);
	T_EQ_INT(ji(coll_nth(&c, 0), "kind"), ITEM_MENTION);
	T_EQ_STR(js(coll_nth(&c, 0), "id"), "7363534231324_3754798971271444");
	T_EQ_STR(js(coll_nth(&c, 0), "text"), "Just a test message");
	T_EQ_INT(parse(&ctx, &c,
	               "facebook/restfb/webhooks/"
	               "mention-post-add.json"),
	         1);
	T_EQ_INT(ji(coll_nth(&c, 0), "kind"), ITEM_MENTION);
	T_EQ_STR(js(coll_nth(&c, 0), "id"), "44444444_444444444");
	T_EQ_STR(js(coll_nth(&c, 0), "by"), "Example Name");
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
}

T_TEST(instagram_changes)
{
	struct conn_ctx ctx;
	struct coll c = {0};
	conn_ctx_init(&ctx, &conn_instagram, NULL, NULL, NULL);
	T_EQ_INT(parse(&ctx, &c, "instagram/restfb/wh-comments.json"), 1);
	T_EQ_STR(js(coll_nth(&c, 0), "id"), "123456789");
	T_EQ_INT(ji(coll_nth(&c, 0), "kind"), ITEM_COMMENT);
	T_EQ_STR(js(coll_nth(&c, 0), "text"), "This is an example.");

	T_EQ_INT(parse(&ctx, &c, "instagram/restfb/wh-comments-2021.json"), 1);
	T_EQ_INT(ji(coll_nth(&c, 0), "kind"), ITEM_REPLY);
	T_EQ_STR(js(coll_nth(&c, 0), "parent"), "987654321");
	T_EQ_STR(js(coll_nth(&c, 0), "thread"), "76543987");
	T_EQ_STR(js(coll_nth(&c, 0), "by"), "testuser");
	T_EQ_INT(ji(coll_nth(&c, 0), "inbound"), 1);

	T_EQ_INT(parse(&ctx, &c, "instagram/restfb/wh-mentions.json"), 1);
	T_EQ_INT(ji(coll_nth(&c, 0), "kind"), ITEM_MENTION);
	T_EQ_STR(js(coll_nth(&c, 0), "id"), "17887498072083520");
	/* queued once for the next sync to read in full */
	T_EQ_STR(conn_state(&ctx, "ig_mentions"), "c:17887498072083520");
	T_EQ_INT(parse(&ctx, &c, "instagram/restfb/wh-mentions.json"), 1);
	T_EQ_STR(conn_state(&ctx, "ig_mentions"), "c:17887498072083520");
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
}

T_TEST(malformed)
{
	struct conn_ctx ctx;
	struct coll c = {0};
	conn_ctx_init(&ctx, &conn_facebook_page, NULL, NULL, NULL);
	coll_reset(&c);
	coll_attach(&c, &ctx);
	c.json_raw = 1; /* raw must be the JSON */
	T_EQ_INT(meta_webhook_parse(&ctx, "{\"object\":", 10), -1);
	T_EQ_INT(ctx.err.rc, CONN_E_MALFORMED);
	T_EQ_INT(meta_webhook_parse(&ctx, "[]", 2), -1);
	T_EQ_INT(
	    meta_webhook_parse(&ctx, "{\"object\":\"page\",\"entry\":{}}", 29),
	    -1);
	T_EQ_INT(
	    meta_webhook_parse(&ctx, "{\"object\":\"user\",\"entry\":[]}", 28),
	    0);
	/* wrong types inside are skipped, not fatal */
	{
		const char *b = "{\"object\":\"page\",\"entry\":[{\"id\":1,"
		                "\"changes\":[{\"field\":\"feed\",\"value\":"
		                "{\"item\":\"comment\",\"verb\":\"add\","
		                "\"comment_id\":5}},{\"field\":7}]},3]}";
		T_EQ_INT(meta_webhook_parse(&ctx, b, strlen(b)), 0);
	}
	T_EQ_INT((int)json_array_size(c.items), 0);
	conn_ctx_cleanup(&ctx);
	coll_free(&c);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(signature), T_ENTRY(handshake), T_ENTRY(page_feed_verbs),
	    T_ENTRY(instagram_changes), T_ENTRY(malformed)};
	if (sodium_init() < 0)
		return 1;
	return T_RUN(tests, argc, argv);
}
