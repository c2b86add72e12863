/*
 * fuzz_stem.c - libFuzzer target for src/text/stem.c, which reads text
 * from outside: platform posts and comments (stem_text, stem_guess_lang,
 * stem_snippet) and users' search queries (stem_query_parse).
 *
 * Invariants: stems are runs of letters and digits (no byte of FTS5 or
 * tsquery syntax, no space) so the queries built from them carry nothing
 * of the user's syntax; the FTS5 and tsquery strings use only the
 * characters the builder writes around the stems; a guessed language is
 * one of the four; a snippet of valid text is valid text of bounded size.
 */
#include "fuzz.h"

#include "../src/base/util.h"
#include "../src/text/stem.h"

/* 1 when no byte of s is search syntax or white space. */
static int
plain_stem(const char *s)
{
	if (*s == '\0')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x80 &&
		    !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z')))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena ar;
	struct stem_query q;
	const char *g;
	char *s, *st;

	if (size > 8 * 1024)
		return 0;
	arena_init(&ar);
	s = fuzz_str(&ar, data, size);
	if (stem_query_parse(s, &q)) {
		FUZZ_CHECK(q.nstems > 0 && q.nstems <= 4 * STEM_MAX_TERMS);
		for (int i = 0; i < q.nstems; i++)
			FUZZ_CHECK(plain_stem(q.stems[i]));
		/* outside the stems only ( ) " ' | & space and the words
		 * OR and AND appear */
		for (const char *p = q.fts5; *p; p++)
			FUZZ_CHECK(*p != '*' && *p != ':' && *p != '^' &&
			           *p != '{' && *p != '+' && *p != '-');
		for (const char *p = q.tsquery; *p; p++)
			FUZZ_CHECK(*p != '!' && *p != ':' && *p != '<' &&
			           *p != '\\' && *p != '*');
		{
			char *snip = stem_snippet(s, &q, 60);
			FUZZ_CHECK(strlen(snip) <= 60 + 6);
			if (utf8_valid_text(s, strlen(s), 1))
				FUZZ_CHECK(
				    utf8_valid_text(snip, strlen(snip), 1));
			free(snip);
		}
		stem_query_free(&q);
	} else {
		FUZZ_CHECK(q.fts5 == NULL && q.tsquery == NULL &&
		           q.nstems == 0);
	}
	st = stem_text(s, size > 0 && data[0] & 1 ? "sv" : NULL);
	if (*st) {
		char *copy = arena_strdup(&ar, st), *save = NULL;
		FUZZ_CHECK(st[0] != ' ' && st[strlen(st) - 1] != ' ' &&
		           strstr(st, "  ") == NULL);
		for (char *w = strtok_r(copy, " ", &save); w;
		     w = strtok_r(NULL, " ", &save))
			FUZZ_CHECK(plain_stem(w));
	}
	free(st);
	g = stem_guess_lang(s);
	FUZZ_CHECK(g == NULL || strcmp(g, "nb") == 0 || strcmp(g, "sv") == 0 ||
	           strcmp(g, "da") == 0 || strcmp(g, "en") == 0);
	arena_free(&ar);
	return 0;
}
