/*
 * fuzz_mastodon.c - libFuzzer target for the Mastodon connector's body
 * parser (mastodon_parse in src/connect/mastodon.c): statuses, a context,
 * notifications, and the raw-span scanner (jspan.c) under them.
 *
 * The first byte picks the kind of body; the rest is the body.  Checked:
 * every emitted item has an id and a raw payload that is itself JSON
 * jansson can read, no id is emitted twice, and nothing leaks.
 */
#include "fuzz.h"

#include "../src/connect/mastodon.h"

static int
on_item(void *ud, const struct item *it)
{
	json_t *seen = ud, *raw;
	FUZZ_CHECK(it->id != NULL && it->raw != NULL && it->text != NULL);
	FUZZ_CHECK(json_object_get(seen, it->id) == NULL);
	json_object_set_new(seen, it->id, json_true());
	raw = json_loads(it->raw, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	FUZZ_CHECK(raw != NULL);
	json_decref(raw);
	return 0;
}

static int
on_listing(void *ud, const char *parent, const char *const *ids, int n)
{
	(void)ud;
	FUZZ_CHECK(parent != NULL && n >= 0);
	for (int i = 0; i < n; i++)
		FUZZ_CHECK(ids[i] != NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn_ctx ctx;
	struct mastodon_page pg = {0};
	json_t *seen, *mine;
	if (size < 1)
		return 0;
	conn_ctx_init(&ctx, connector_find("mastodon"), NULL, NULL, NULL);
	conn_state_set(&ctx, "account_id", "1");
	seen = json_object();
	mine = json_object();
	pg.ids = json_array();
	ctx.ud = mine;
	ctx.on_item = on_item;
	ctx.on_listing = on_listing;
	mastodon_parse(&ctx, (enum mastodon_body)(data[0] % 3),
	               (const char *)data + 1, size - 1, "1", seen, &pg);
	FUZZ_CHECK(pg.n >= 0);
	json_decref(pg.ids);
	json_decref(seen);
	json_decref(mine);
	conn_ctx_cleanup(&ctx);
	return 0;
}
