/*
 * fuzz_x.c - libFuzzer target for the X connector's page parser
 * (x_parse_tweets in src/connect/x.c): a page of posts as the platform
 * sends it (data[], includes, meta, errors[]), read with the project's
 * JSON limits and emitted as items.
 *
 * The first byte picks the kind of page (own posts, mentions, a
 * conversation search); the rest is the body.  Checked: the parser
 * answers CONN_OK or CONN_E_MALFORMED, every emitted item has an id and a
 * text, no id is emitted twice, the paging token is terminated, and
 * nothing leaks (LeakSanitizer).
 */
#include "fuzz.h"

#include "../src/connect/x.h"

static struct idset *seen_now;
static int bad_items;

static int
on_item(void *ud, const struct item *it)
{
	(void)ud;
	if (it->id == NULL || *it->id == 0 || it->text == NULL)
		bad_items++;
	if (it->nmedia < 0 || it->nmedia > ITEM_MAX_MEDIA)
		bad_items++;
	/* the parser's own set already holds it; a second emit would be
	 * a bug in the de-duplication */
	if (!idset_has(seen_now, it->id))
		bad_items++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn_ctx ctx;
	struct idset seen = {0};
	struct x_page pg;
	enum conn_rc rc;
	char *body;
	struct arena ar;

	if (size < 1)
		return 0;
	arena_init(&ar);
	body = fuzz_str(&ar, data + 1, size - 1);
	conn_ctx_init(&ctx, NULL, NULL, NULL, NULL);
	ctx.on_item = on_item;
	seen_now = &seen;
	bad_items = 0;
	memset(&pg, 0, sizeof(pg));
	rc = x_parse_tweets(&ctx, body, strlen(body), data[0] % 3, "2244994945",
	                    "1364275610764201984:1614103627,", &seen, &pg);
	FUZZ_CHECK(rc == CONN_OK || rc == CONN_E_MALFORMED);
	FUZZ_CHECK(bad_items == 0);
	FUZZ_CHECK(memchr(pg.next, 0, sizeof(pg.next)) != NULL);
	FUZZ_CHECK(memchr(pg.newest, 0, sizeof(pg.newest)) != NULL);
	FUZZ_CHECK(rc != CONN_E_MALFORMED || ctx.err.message[0] != 0);
	/* a second read of the same page emits nothing new */
	ctx.items = 0;
	rc = x_parse_tweets(&ctx, body, strlen(body), data[0] % 3, NULL, NULL,
	                    &seen, &pg);
	FUZZ_CHECK(ctx.items == 0);
	idset_free(&seen);
	conn_ctx_cleanup(&ctx);
	arena_free(&ar);
	return 0;
}
