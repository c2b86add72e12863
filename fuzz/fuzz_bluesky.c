/*
 * fuzz_bluesky.c - libFuzzer target for the Bluesky connector's body
 * parser (bluesky_parse in src/connect/bluesky.c): an author feed, a post
 * thread, notifications, the raw-span scanner (jspan.c) under them, and
 * the grapheme count of the post text limit.
 *
 * The first byte picks the kind of body; the rest is the body.  Checked:
 * every emitted item has an id and a raw payload that is itself JSON
 * jansson can read, no id is emitted twice, and nothing leaks.
 */
#include "fuzz.h"

#include "../src/connect/bluesky.h"

static int
on_item(void *ud, const struct item *it)
{
	json_t *seen = ud, *raw;
	FUZZ_CHECK(it->id != NULL && it->raw != NULL);
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
	struct bluesky_page pg = {0};
	struct arena ar;
	json_t *seen, *mine;
	char *s;
	if (size < 1)
		return 0;
	conn_ctx_init(&ctx, connector_find("bluesky"), NULL, NULL, NULL);
	conn_state_set(&ctx, "did", "did:plc:me");
	seen = json_object();
	mine = json_object();
	pg.posts = json_array();
	pg.since = data[0] & 0x80 ? 1690000000 : 0;
	ctx.ud = mine;
	ctx.on_item = on_item;
	ctx.on_listing = on_listing;
	bluesky_parse(&ctx, (enum bluesky_body)(data[0] % 3),
	              (const char *)data + 1, size - 1, seen, &pg);
	FUZZ_CHECK(pg.n >= 0 && strlen(pg.cursor) < sizeof(pg.cursor));
	arena_init(&ar);
	s = fuzz_str(&ar, data + 1, size - 1);
	FUZZ_CHECK(bluesky_graphemes(s) <= (long)strlen(s));
	arena_free(&ar);
	json_decref(pg.posts);
	json_decref(seen);
	json_decref(mine);
	conn_ctx_cleanup(&ctx);
	return 0;
}
