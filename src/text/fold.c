/*
 * fold.c - Unicode case folding for search keys (see fold.h).
 */
#include "fold.h"
#include "../base/buf.h"
#include "../base/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>

char *
text_fold(struct arena *ar, const char *s)
{
	size_t len = 0;
	uint8_t *out;
	char *res;

	if (s == NULL || *s == '\0')
		return arena_strdup(ar, "");
	if (!utf8_valid_text(s, strlen(s), 1))
		return str_lower_ascii(arena_strdup(ar, s));
	out = u8_casefold((const uint8_t *)s, strlen(s), NULL, UNINORM_NFC,
	                  NULL, &len);
	if (out == NULL)
		return str_lower_ascii(arena_strdup(ar, s));
	res = arena_strndup(ar, (const char *)out, len);
	free(out);
	return res;
}

char *
text_like_pattern(struct arena *ar, const char *q)
{
	struct buf b;
	const char *f;
	char *res;

	if (q == NULL || *q == '\0')
		return arena_strdup(ar, "");
	f = text_fold(ar, q);
	buf_init(&b, strlen(f) * 2 + 3);
	buf_addc(&b, '%');
	for (; *f; f++) {
		if (*f == '%' || *f == '_' || *f == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *f);
	}
	buf_addc(&b, '%');
	res = arena_strdup(ar, buf_str(&b));
	buf_cleanup(&b);
	return res;
}
