/*
 * lower.c - ASCII and Latin-1 lower-casing into a fixed buffer (lower.h).
 */
#include "lower.h"

int
text_lower(const char *s, size_t n, char *out, size_t cap)
{
	if (n + 1 > cap)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		else if (i > 0 && (unsigned char)s[i - 1] == 0xc3 &&
		         c >= 0x80 && c <= 0x9e && c != 0x97)
			c |= 0x20; /* U+00C0…U+00DE, not ×, to U+00E0…U+00FE */
		out[i] = (char)c;
	}
	out[n] = 0;
	return 1;
}
