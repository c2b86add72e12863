/*
 * fuzz_wordpress.c - libFuzzer target for the WordPress REST (wp/v2)
 * bodies the blog connector reads (src/connect/blog.c): wp_parse_posts
 * and wp_parse_comments.
 *
 * The first byte picks the reader; the rest is the body.  Items go to a
 * callback that checks each one (id set, type in range, text present);
 * the result is -1 with ctx->err set, or the number of objects read.
 * Nothing leaks (LeakSanitizer).
 */
#include "fuzz.h"

#include "../src/connect/blog.h"

static int
on_item(void *ud, const struct item *it)
{
	int *n = ud;
	FUZZ_CHECK(it->id != NULL && (strncmp(it->id, "post/", 5) == 0 ||
	                              strncmp(it->id, "comment/", 8) == 0));
	FUZZ_CHECK(it->type <= ITEM_DM);
	FUZZ_CHECK(it->text != NULL);
	FUZZ_CHECK(it->type == ITEM_POST || it->parent_id != NULL);
	(*n)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn_ctx ctx;
	char max[32] = "";
	json_t *seen, *ids;
	int n = 0, rc;
	if (size < 1)
		return 0;
	conn_ctx_init(&ctx, &conn_blog, NULL, NULL, NULL);
	conn_state_set(&ctx, "account_id", "1");
	ctx.ud = &n;
	ctx.on_item = on_item;
	seen = json_object();
	ids = json_array();
	if (data[0] & 1)
		rc = wp_parse_comments(&ctx, (const char *)data + 1, size - 1,
		                       max, seen, ids);
	else
		rc = wp_parse_posts(&ctx, (const char *)data + 1, size - 1, max,
		                    seen, ids);
	FUZZ_CHECK(rc >= -1);
	if (rc < 0)
		FUZZ_CHECK(ctx.err.rc != CONN_OK);
	else
		FUZZ_CHECK(n <= rc && (size_t)rc == json_array_size(ids));
	FUZZ_CHECK(strlen(max) < 32);
	json_decref(seen);
	json_decref(ids);
	conn_ctx_cleanup(&ctx);
	return 0;
}
