/*
 * fuzz_warc_read.c - libFuzzer target for the WARC reader that checks an
 * export before release (warc_check in src/archive/warc.c): version
 * lines, named fields, Content-Length framing, digests, record order.
 *
 * The input is the file's bytes, handed to the reader in pieces whose
 * sizes come from the first byte (so record and line boundaries fall
 * across reads).  Checked: the reader ends with 0 or -1, an error always
 * has a message, counts never pass the input's size, and nothing leaks.
 */
#include "fuzz.h"

#include "../src/archive/warc.h"

struct src {
	const uint8_t *p;
	size_t n, step;
};

static long
rd(void *ud, void *out, size_t n)
{
	struct src *s = ud;
	size_t k = n < s->step ? n : s->step;
	if (k > s->n)
		k = s->n;
	memcpy(out, s->p, k);
	s->p += k;
	s->n -= k;
	return (long)k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct src s;
	struct warc_stats st;
	char err[256];
	int rc;
	if (size < 1)
		return 0;
	s.step = (size_t)data[0] + 1;
	s.p = data + 1;
	s.n = size - 1;
	err[0] = '\0';
	rc = warc_check(rd, &s, &st, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(rc == 0 || err[0] != '\0');
	FUZZ_CHECK(st.bytes >= 0 && (size_t)st.bytes <= size - 1);
	FUZZ_CHECK(st.records >= 0 && (size_t)st.records <= size);
	return 0;
}
