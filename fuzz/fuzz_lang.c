/*
 * fuzz_lang.c - libFuzzer target for language identification
 * (src/text/lang.c).  Checked: the guess is -1 or a language, the
 * confidence is in (0, 1], the winner's score is 0 and no other is above
 * it, `why` is NUL-terminated within its buffer, and a guess of -1 comes
 * with an empty `why`.
 */
#include "fuzz.h"

#include "../src/text/lang.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lang_guess g;
	int l = lang_detect((const char *)data, size, &g);
	FUZZ_CHECK(l == g.lang);
	FUZZ_CHECK(memchr(g.why, 0, sizeof(g.why)) != NULL);
	if (l < 0) {
		FUZZ_CHECK(l == -1 && g.why[0] == 0);
		return 0;
	}
	FUZZ_CHECK(l < LANG__COUNT);
	FUZZ_CHECK(g.confidence > 0 && g.confidence <= 1.0);
	FUZZ_CHECK(g.score[l] == 0);
	for (int k = 0; k < LANG__COUNT; k++)
		FUZZ_CHECK(g.score[k] <= 0);
	FUZZ_CHECK(g.why[0] != 0);
	return 0;
}
