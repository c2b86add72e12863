/*
 * fuzz_feed.c - libFuzzer target for feed_parse (src/connect/feed.c): RSS
 * 2.0 / 1.0 / 0.9x, Atom and JSON Feed documents from outside.
 *
 * The first byte picks the Content-Type hint and whether a base URL is
 * given; the rest is the document.  Checked: feed_parse returns 0 or -1;
 * on -1 the feed is empty and the message is set; on 0 every entry has an
 * id, counts are within the caps and every string is readable; feed_free
 * releases everything (LeakSanitizer).
 */
#include "fuzz.h"

#include "../src/connect/feed.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {NULL, "application/rss+xml",
	                                    "application/feed+json",
	                                    "text/xml; charset=iso-8859-1"};
	struct feed f;
	char err[256];
	int rc;
	if (size < 1)
		return 0;
	rc = feed_parse((const char *)data + 1, size - 1, types[data[0] & 3],
	                (data[0] & 4) ? "https://ex.no/blog/feed/" : NULL, &f,
	                err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc != 0) {
		FUZZ_CHECK(err[0] != 0);
		FUZZ_CHECK(f.nentries == 0 && f.entries == NULL);
		return 0;
	}
	FUZZ_CHECK(f.nentries >= 0 && f.nentries <= FEED_MAX_ENTRIES);
	FUZZ_CHECK(f.type != FEED_UNKNOWN);
	for (int i = 0; i < f.nentries; i++) {
		const struct feed_entry *e = &f.entries[i];
		FUZZ_CHECK(e->id != NULL && strlen(e->id) > 0);
		FUZZ_CHECK(e->nlinks <= FEED_MAX_LIST && e->nmedia <= FEED_MAX_LIST);
		FUZZ_CHECK(e->nauthors <= FEED_MAX_LIST);
		for (int k = 0; k < e->nlinks; k++)
			FUZZ_CHECK(e->links[k].href != NULL);
		for (int k = 0; k < e->nmedia; k++)
			FUZZ_CHECK(e->media[k].url != NULL);
		if (e->title)
			FUZZ_CHECK(strlen(e->title) <= 4 * (size_t)FEED_MAX_FIELD);
	}
	feed_free(&f);
	return 0;
}
