/*
 * fuzz_facebook.c - libFuzzer target for the Facebook Page connector's
 * body parsers (src/connect/facebook.c, graph.c): the feed, comments
 * (including ids taken from permalinks), Messenger conversations and
 * insights, as the Graph API would send them.
 *
 * The first byte picks the parser; the rest is the body.  Checked: every
 * emitted item has an id and its raw JSON, a comment's parent is set, a
 * paging link is a string, and nothing leaks (LeakSanitizer).
 */
#include "fuzz.h"

#include "../src/connect/graph.h"

static int
on_item(void *ud, const struct item *it)
{
	(void)ud;
	FUZZ_CHECK(it->id != NULL && *it->id != 0);
	FUZZ_CHECK(it->raw != NULL && it->raw[0] == '{');
	if (it->type == ITEM_COMMENT || it->type == ITEM_REPLY)
		FUZZ_CHECK(it->parent_id != NULL);
	FUZZ_CHECK(it->nmedia >= 0 && it->nmedia <= ITEM_MAX_MEDIA);
	return 0;
}

static int
on_metric(void *ud, const char *item, const char *name, double v, int64_t at)
{
	(void)ud;
	(void)item;
	(void)v;
	FUZZ_CHECK(name != NULL && at != 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn_ctx ctx;
	struct graph_ids seen = {0}, posts = {0};
	struct arena ar;
	char *body, *next = NULL;

	if (size < 1)
		return 0;
	arena_init(&ar);
	body = fuzz_str(&ar, data + 1, size - 1);
	conn_ctx_init(&ctx, &conn_facebook_page, NULL, NULL, NULL);
	ctx.on_item = on_item;
	ctx.on_metric = on_metric;
	switch (data[0] % 4) {
	case 0:
		facebook_parse_posts(&ctx, body, strlen(body), "19292868552",
		                     &seen, &posts, &next);
		break;
	case 1:
		facebook_parse_comments(&ctx, body, strlen(body), "19292868552",
		                        "19292868552_1", &seen, &next);
		break;
	case 2:
		facebook_parse_conversations(&ctx, body, strlen(body),
		                             "19292868552", &seen, &next);
		break;
	default:
		graph_parse_insights(&ctx, body, strlen(body), NULL, NULL);
		break;
	}
	FUZZ_CHECK(next == NULL || strlen(next) < size);
	free(next);
	graph_ids_free(&seen);
	graph_ids_free(&posts);
	conn_ctx_cleanup(&ctx);
	arena_free(&ar);
	return 0;
}
