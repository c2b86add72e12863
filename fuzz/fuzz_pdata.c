/*
 * fuzz_pdata.c - libFuzzer target for personal data in free text
 * (src/text/pdata.c).  The first input byte picks the language tag (none,
 * nb, nn, sv, da, en), the rest is the text.  Checked: every hit lies
 * inside the first 64 KiB of the text, hits are in order and do not
 * overlap, kinds and details are set, and a phone, account or identity
 * number hit starts with a digit or '+' and ends with a digit.
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
			char a = t[h[i].start], b = t[h[i].end - 1];
			FUZZ_CHECK((a >= '0' && a <= '9') || a == '+');
			FUZZ_CHECK(b >= '0' && b <= '9');
		}
	}
	return 0;
}
