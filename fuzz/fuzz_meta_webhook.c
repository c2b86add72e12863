/*
 * fuzz_meta_webhook.c - libFuzzer target for Meta webhook deliveries
 * (src/connect/meta_webhook.c): the body parser with page and Instagram
 * changes, the signature check and the subscribe handshake, all fed from
 * outside by whoever reaches the endpoint.
 *
 * The whole input is the body; it is also signed and checked (a correct
 * signature must verify, a changed one must not), and its first line is
 * offered as a challenge.  Checked: the parser returns -1 or the number of
 * items it emitted, every item has an id, and nothing leaks.
 */
#include "fuzz.h"

#include "../src/connect/graph.h"
#include "../src/connect/meta_webhook.h"

#include <sodium.h>

static int emitted;

static int
on_item(void *ud, const struct item *it)
{
	(void)ud;
	FUZZ_CHECK(it->id != NULL && *it->id != 0);
	FUZZ_CHECK(it->raw != NULL && it->raw[0] == '{');
	emitted++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn_ctx ctx;
	struct arena ar;
	char *body, sig[80], hex[65];
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	const char *ch;
	int r;

	if (sodium_init() < 0)
		return 0;
	arena_init(&ar);
	body = fuzz_str(&ar, data, size);
	conn_ctx_init(&ctx, &conn_facebook_page, NULL, NULL, NULL);
	ctx.on_item = on_item;
	emitted = 0;
	r = meta_webhook_parse(&ctx, body, strlen(body));
	FUZZ_CHECK(r == -1 || r == emitted);

	{
		crypto_auth_hmacsha256_state st;
		crypto_auth_hmacsha256_init(&st, (const unsigned char *)"k1", 2);
		crypto_auth_hmacsha256_update(&st, data, size);
		crypto_auth_hmacsha256_final(&st, mac);
	}
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(sig, sizeof(sig), "sha256=%s", hex);
	FUZZ_CHECK(meta_webhook_verify("k1", data, size, sig) == 0);
	FUZZ_CHECK(meta_webhook_verify("k2", data, size, sig) == -1);
	FUZZ_CHECK(meta_webhook_verify("k1", data, size, body) == -1 ||
	           strcmp(body, sig) == 0);
	ch = meta_webhook_challenge("subscribe", "t", "t", body);
	FUZZ_CHECK(ch == NULL || (ch == body && strlen(ch) <= 256));
	conn_ctx_cleanup(&ctx);
	arena_free(&ar);
	return 0;
}
