/*
 * fuzz_pdata.c - libFuzzer target for personal data in free text
 * (src/text/pdata.c).  The first input byte picks the language tag (none,
 * nb, nn, sv, da, en), the rest is the text.  Checked: every hit lies
 * inside the first 64 KiB of the text, hits are in order and do not
 * overlap, kinds and details are set, and a phone, account or identity
 * number hit holds digits (a merged hit may also cover the words of an
 * overlapping address).
 */
#include "fuzz.h"

#include "../src/text/pdata.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tags[] = {NULL, "nb", "nn", "sv", "da", "en"};
	struct pdata_hit h[32];
	const char *t;
	size_t prev = 0;
	int n;
	if (size == 0)
		return 0;
	t = (const char *)data + 1;
	size--;
	n = pdata_find(t, size, tags[data[0] % 6], h, 32);
	FUZZ_CHECK(n >= 0 && n <= 32);
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(h[i].start < h[i].end && h[i].end <= size);
		FUZZ_CHECK(h[i].end <= 64 * 1024);
		FUZZ_CHECK(h[i].start >= prev);
		FUZZ_CHECK(pdata_kind_name(h[i].kind) != NULL);
		FUZZ_CHECK(h[i].detail != NULL && h[i].detail[0] != 0);
		prev = h[i].end;
		if (h[i].kind == PD_PHONE || h[i].kind == PD_OTHER ||
		    h[i].kind == PD_NATIONAL_ID) {
			int digits = 0;
			for (size_t k = h[i].start; k < h[i].end; k++)
				digits += t[k] >= '0' && t[k] <= '9';
			FUZZ_CHECK(digits >= 7);
		}
	}
	return 0;
}
