/*
 * fuzz_linkedin.c - libFuzzer target for what src/connect/linkedin.c
 * reads from LinkedIn: a page of a Rest.li collection (posts, comments,
 * replies) through linkedin_parse_page(), and an error body through the
 * connector's classify().
 *
 * The first byte picks the kind of page and the HTTP status given to
 * classify; the rest is the body.  Checked: the parser answers CONN_OK or
 * CONN_E_MALFORMED, every item it emits has an id and the right type, ids
 * are never emitted twice in one run (the seen set), the listing holds
 * exactly the emitted ids; classify reads any status >= 400 as an error
 * with a non-OK rc and nothing below; nothing leaks (LeakSanitizer).
 */
#include "fuzz.h"

#include "../src/connect/linkedin.h"

struct seen {
	enum li_kind kind;
	int n;
};

static int
on_item(void *ud, const struct item *it)
{
	struct seen *s = ud;
	FUZZ_CHECK(it->id != NULL && it->id[0] != 0);
	FUZZ_CHECK(it->raw != NULL);
	if (s->kind == LI_POSTS)
		FUZZ_CHECK(it->type == ITEM_POST);
	else if (s->kind == LI_COMMENTS)
		FUZZ_CHECK(it->type == ITEM_COMMENT);
	else
		FUZZ_CHECK(it->type == ITEM_REPLY);
	s->n++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 400, 401, 403, 404, 429, 500};
	struct conn_ctx ctx;
	struct li_page pg;
	struct seen s;
	struct fetch_resp rs;
	enum conn_rc rc;
	const char *body;
	size_t len;

	if (size < 1)
		return 0;
	body = (const char *)data + 1;
	len = size - 1;
	memset(&pg, 0, sizeof(pg));
	s.kind = (enum li_kind)(data[0] % 3);
	s.n = 0;
	conn_ctx_init(&ctx, &conn_linkedin, NULL, NULL, NULL);
	ctx.ud = &s;
	ctx.on_item = on_item;
	pg.ids = json_array();
	pg.seen = json_object();
	pg.threads = json_array();
	rc = linkedin_parse_page(&ctx, body, len, s.kind,
	                         "urn:li:organization:1", "urn:li:share:1",
	                         "urn:li:share:1", 0, 10, &pg);
	FUZZ_CHECK(rc == CONN_OK || rc == CONN_E_MALFORMED);
	FUZZ_CHECK((size_t)s.n == json_array_size(pg.ids));
	FUZZ_CHECK((size_t)s.n == json_object_size(pg.seen));
	/* the same page again in the same run emits nothing new */
	if (rc == CONN_OK) {
		int before = s.n;
		rc = linkedin_parse_page(
		    &ctx, body, len, s.kind, "urn:li:organization:1",
		    "urn:li:share:1", "urn:li:share:1", 0, 10, &pg);
		FUZZ_CHECK(rc == CONN_OK && s.n == before);
	}
	json_decref(pg.ids);
	json_decref(pg.seen);
	json_decref(pg.threads);

	memset(&rs, 0, sizeof(rs));
	rs.status = statuses[(data[0] >> 2) % 7];
	rs.body = (char *)(uintptr_t)body;
	rs.len = len;
	memset(&ctx.err, 0, sizeof(ctx.err));
	if (conn_linkedin.classify(&ctx, &rs)) {
		FUZZ_CHECK(rs.status >= 400);
		FUZZ_CHECK(ctx.err.rc != CONN_OK);
	} else {
		FUZZ_CHECK(rs.status < 400);
	}
	conn_ctx_cleanup(&ctx);
	return 0;
}
