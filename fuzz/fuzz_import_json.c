/*
 * fuzz_import_json.c - libFuzzer target for the four JSON export readers
 * (src/connect/import_{mastodon,x,instagram,facebook}.c) on one member's
 * text, without an archive: the first input byte picks the reader
 * (mastodon outbox, X tweets.js, X deleted-tweets.js, Instagram,
 * Facebook), the rest is the body.
 *
 * Checked: no crash, leak or sanitizer report; the reader answers
 * CONN_OK or CONN_E_MALFORMED with a message; every item has an id and
 * a text; progress never goes backwards within a phase.
 */
#include "fuzz.h"

#include "../src/connect/import.h"

struct seen {
	const char *phase;
	int64_t last;
};

static int
on_item(void *ud, const struct item *it)
{
	(void)ud;
	FUZZ_CHECK(it->id != NULL && it->id[0] != '\0');
	FUZZ_CHECK(it->text != NULL);
	FUZZ_CHECK(it->nmedia >= 0 && it->nmedia <= ITEM_MAX_MEDIA);
	return 0;
}

static void
on_progress(void *ud, const struct import_progress *p)
{
	struct seen *s = ud;
	if (s->phase == NULL || strcmp(s->phase, p->phase) != 0) {
		s->phase = p->phase;
		s->last = -1;
	}
	FUZZ_CHECK(p->done >= s->last);
	s->last = p->done;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn_ctx ctx;
	struct imp im;
	struct seen seen = {NULL, 0};
	enum conn_rc rc = CONN_OK;
	const char *body;
	size_t len;

	if (size < 1)
		return 0;
	body = (const char *)data + 1;
	len = size - 1;
	conn_ctx_init(&ctx, NULL, NULL, NULL, NULL);
	ctx.on_item = on_item;
	memset(&im, 0, sizeof(im));
	im.ctx = &ctx;
	im.progress = on_progress;
	im.pud = &seen;
	switch (data[0] % 5) {
	case 0: rc = import_mastodon_outbox(&im, body, len); break;
	case 1: rc = import_x_js(&im, body, len, 0); break;
	case 2: rc = import_x_js(&im, body, len, 1); break;
	case 3: rc = import_instagram_json(&im, body, len); break;
	default: rc = import_facebook_json(&im, body, len); break;
	}
	FUZZ_CHECK(rc == CONN_OK || rc == CONN_E_MALFORMED);
	FUZZ_CHECK(rc == CONN_OK || ctx.err.message[0] != '\0');
	conn_ctx_cleanup(&ctx);
	return 0;
}
