/*
 * fuzz_idnum.c - libFuzzer target for finding Nordic identity numbers in
 * text (src/text/idnum.c).  Checked: every hit lies inside the input,
 * hits are in order and do not overlap, each starts and ends with a digit,
 * and its digits (separators removed) validate again as the kind found.
 */
#include "fuzz.h"

#include "../src/text/idnum.h"

#include <ctype.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idnum_hit h[16];
	const char *t = (const char *)data;
	int n = idnum_find(t, size, h, 16);
	size_t prev = 0;
	FUZZ_CHECK(n >= 0);
	for (int i = 0; i < n && i < 16; i++) {
		char d[16];
		size_t k = 0;
		FUZZ_CHECK(h[i].start < h[i].end && h[i].end <= size);
		FUZZ_CHECK(h[i].start >= prev);
		FUZZ_CHECK(isdigit((unsigned char)t[h[i].start]) &&
		           isdigit((unsigned char)t[h[i].end - 1]));
		prev = h[i].end;
		for (size_t p = h[i].start; p < h[i].end && k < 15; p++)
			if (isdigit((unsigned char)t[p]))
				d[k++] = t[p];
		d[k] = 0;
		switch (h[i].kind) {
		case IDNUM_NO_FNR:
		case IDNUM_NO_DNR:
		case IDNUM_NO_HNR:
		case IDNUM_NO_FHNR:
		case IDNUM_NO_SYNTHETIC:
			FUZZ_CHECK(k == 11 && idnum_no(d) == h[i].kind);
			break;
		case IDNUM_SE_PNR:
		case IDNUM_SE_SAMORDNING:
			FUZZ_CHECK((k == 10 && idnum_se(d) == h[i].kind) ||
			           (k == 12 && idnum_se(d + 2) == h[i].kind));
			break;
		case IDNUM_DK_CPR:
			FUZZ_CHECK(k == 10 && idnum_dk(d, NULL) == h[i].kind);
			break;
		case IDNUM_NONE:
			FUZZ_CHECK(0);
		}
	}
	return 0;
}
