/*
 * fuzz_cls_load.c - libFuzzer target for cls_load() (src/text/classify.c),
 * the parser of saved triage models (they come back from the database and
 * from files an administrator may hand over).
 *
 * Each input is tried twice: as it is, and with its last 8 bytes replaced
 * by the right checksum, so the fuzzer gets past the checksum to the
 * fields.  Invariants: a model that loads has 1…CLS_MAX_OUT outputs and
 * thresholds in [0, 1], predicts probabilities in [0, 1] and explains
 * with readable names, and saving it gives back exactly the bytes it was
 * loaded from (the form is canonical).
 */
#include "fuzz.h"

#include "../src/base/buf.h"
#include "../src/base/util.h"
#include "../src/text/classify.h"

#include <math.h>

static void
check(const uint8_t *data, size_t size)
{
	static const char text[] = "Jeg vet hvor du bor!! 😡 ring 98765432";
	struct cls_model *m = cls_load(data, size);
	struct cls_reason r[8];
	double p[CLS_MAX_OUT];
	struct buf b;
	int nout, n;

	if (m == NULL)
		return;
	nout = cls_nout(m);
	FUZZ_CHECK(nout >= 1 && nout <= CLS_MAX_OUT);
	cls_predict(m, text, sizeof(text) - 1, NULL, p);
	for (int k = 0; k < nout; k++) {
		FUZZ_CHECK(p[k] >= 0 && p[k] <= 1);
		FUZZ_CHECK(cls_threshold(m, k) >= 0 &&
		           cls_threshold(m, k) <= 1);
	}
	n = cls_explain(m, text, sizeof(text) - 1, "nb", nout - 1, r, 8);
	FUZZ_CHECK(n >= 0 && n <= 8);
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(isfinite(r[i].weight));
		FUZZ_CHECK(
		    utf8_valid_text(r[i].feature, strlen(r[i].feature), 0));
	}
	buf_init(&b, size + 1);
	FUZZ_CHECK(cls_save(m, &b) == 0);
	FUZZ_CHECK(b.len == size && memcmp(b.p, data, size) == 0);
	buf_cleanup(&b);
	cls_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *sealed;
	uint64_t h = 14695981039346656037u;

	check(data, size);
	if (size < 8)
		return 0;
	/* the same bytes with a correct FNV-1a 64 checksum at the end */
	sealed = malloc(size);
	memcpy(sealed, data, size);
	for (size_t i = 0; i < size - 8; i++)
		h = (h ^ sealed[i]) * 1099511628211u;
	for (int i = 0; i < 8; i++)
		sealed[size - 8 + (size_t)i] = (uint8_t)(h >> (8 * i));
	check(sealed, size);
	free(sealed);
	return 0;
}
