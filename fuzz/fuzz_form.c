/*
 * fuzz_form.c - libFuzzer target for the urlencoded form decoder
 * (src/web/form.c: form_parse and url_decode).
 *
 * Besides the sanitizers it checks the decoder's promises: on success
 * every key is non-empty, every key and value is valid UTF-8 text without
 * NUL, there are at most `max` fields, and decoding never makes a string
 * longer than its input; encoding a decoded value byte by byte as %XX and
 * decoding it again gives it back unchanged.
 */
#include "fuzz.h"

#include "../src/base/util.h"
#include "../src/web/web.h"

static void
check_text(const char *s)
{
	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(utf8_valid_text(s, strlen(s), 1));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct arena ar;
	struct kv *kv = NULL;
	int n = -1, max;
	char *d;

	if (size > 64 * 1024)
		return 0;
	arena_init(&ar);
	/* the field limit varies with the input: small limits get hit */
	max = size > 0 ? data[0] % 8 : 0;
	if (form_parse(&ar, s, size, &kv, &n, max) == 0) {
		FUZZ_CHECK(n >= 0 && n <= max);
		for (int i = 0; i < n; i++) {
			check_text(kv[i].k);
			check_text(kv[i].v);
			FUZZ_CHECK(kv[i].k[0] != '\0');
			FUZZ_CHECK(strlen(kv[i].k) + strlen(kv[i].v) <= size);
		}
	}
	if (form_parse(&ar, s, size, &kv, &n, MAX_FORM_FIELDS) == 0) {
		FUZZ_CHECK(n >= 0 && n <= MAX_FORM_FIELDS);
		for (int i = 0; i < n; i++) {
			check_text(kv[i].k);
			check_text(kv[i].v);
		}
	}

	d = url_decode(&ar, s, size);
	if (d != NULL) {
		size_t len = strlen(d), k = 0;
		char *enc, *back;
		static const char hex[] = "0123456789abcdef";
		check_text(d);
		FUZZ_CHECK(len <= size);
		enc = arena_alloc(&ar, len * 3 + 1);
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)d[i];
			enc[k++] = '%';
			enc[k++] = hex[c >> 4];
			enc[k++] = hex[c & 15];
		}
		back = url_decode(&ar, enc, k);
		FUZZ_CHECK(back != NULL && strcmp(back, d) == 0);
	}
	arena_free(&ar);
	return 0;
}
