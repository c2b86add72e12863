/*
 * fuzz_instagram.c - libFuzzer target for the Instagram connector's body
 * parsers (src/connect/instagram.c, graph.c): media lists and tags,
 * comments with nested replies, mention lookups and insights (both the
 * values[] and the total_value shapes).
 *
 * The first byte picks the parser; the rest is the body.  Checked: every
 * emitted item has an id and its raw JSON, a reply names its parent, and
 * nothing leaks (LeakSanitizer).
 */
#include "fuzz.h"

#include "../src/connect/graph.h"

static int
on_item(void *ud, const struct item *it)
{
	(void)ud;
	FUZZ_CHECK(it->id != NULL && *it->id != 0);
	FUZZ_CHECK(it->raw != NULL && it->raw[0] == '{');
	if (it->type == ITEM_REPLY)
		FUZZ_CHECK(it->parent_id != NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn_ctx ctx;
	struct graph_ids seen = {0}, media = {0};
	struct arena ar;
	char *body, *next = NULL;

	if (size < 1)
		return 0;
	arena_init(&ar);
	body = fuzz_str(&ar, data + 1, size - 1);
	conn_ctx_init(&ctx, &conn_instagram, NULL, NULL, NULL);
	ctx.on_item = on_item;
	switch (data[0] % 5) {
	case 0:
		instagram_parse_media(&ctx, body, strlen(body), "me", ITEM_POST,
		                      &seen, &media, &next);
		break;
	case 1:
		instagram_parse_media(&ctx, body, strlen(body), "me",
		                      ITEM_MENTION, &seen, NULL, &next);
		break;
	case 2:
		instagram_parse_comments(&ctx, body, strlen(body), "me", "M1",
		                         &seen, &next);
		break;
	case 3:
		instagram_parse_mention(&ctx, body, strlen(body), &seen);
		break;
	default:
		graph_parse_insights(&ctx, body, strlen(body), "M1", NULL);
		break;
	}
	FUZZ_CHECK(media.n <= seen.n);
	free(next);
	graph_ids_free(&seen);
	graph_ids_free(&media);
	conn_ctx_cleanup(&ctx);
	arena_free(&ar);
	return 0;
}
