/*
 * fuzz_utf8.c - libFuzzer target for the text, number and date parsers of
 * src/base/util.c (utf8_valid_text, date_parse, time_parse_iso, parse_i64)
 * and the search-key folding of src/text/fold.c.
 *
 * utf8_valid_text is compared with an independent reference written here
 * from the rules (RFC 3629 plus kanalvakt's refusal of C0/C1 controls and
 * DEL).  The others are checked by round trips: an accepted date or time
 * prints back to the same text (for the canonical spelling), and an
 * accepted number prints back to the same value.  Folding valid text gives
 * valid text, and a LIKE pattern has every %, _ and \ escaped.
 */
#include "fuzz.h"

#include "../src/base/util.h"
#include "../src/text/fold.h"

#include <inttypes.h>

/* Reference: 1 when s[0..n) is UTF-8 text as util.h defines it. */
static int
ref_valid(const unsigned char *s, size_t n, int nl)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len;
		unsigned char c = s[i];
		if (c < 0x80) {
			cp = c;
			len = 1;
		} else if ((c & 0xe0) == 0xc0) {
			cp = c & 0x1f;
			len = 2;
		} else if ((c & 0xf0) == 0xe0) {
			cp = c & 0x0f;
			len = 3;
		} else if ((c & 0xf8) == 0xf0) {
			cp = c & 0x07;
			len = 4;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* shortest form only */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000))
			return 0;
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		if (cp < 0x20 &&
		    !(nl && (cp == '\n' || cp == '\r' || cp == '\t')))
			return 0;
		if (cp >= 0x7f && cp < 0xa0)
			return 0;
		i += len;
	}
	return 1;
}

static void
check_date(const char *s)
{
	int y, m, d;
	char back[32];
	if (date_parse(s, &y, &m, &d) != 0)
		return;
	FUZZ_CHECK(y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	           d <= 31);
	snprintf(back, sizeof(back), "%04d-%02d-%02d", y, m, d);
	FUZZ_CHECK(strcmp(back, s) == 0);
	/* the calendar agrees: the day count prints back as the same date */
	time_fmt_date(days_from_civil(y, (unsigned)m, (unsigned)d) * 86400,
	              back);
	FUZZ_CHECK(strcmp(back, s) == 0);
}

static void
check_time(const char *s)
{
	int64_t t;
	char back[32];
	if (time_parse_iso(s, &t) != 0)
		return;
	time_fmt_iso(t, back);
	/* "YYYY-MM-DDTHH:MM:SSZ" with seconds below 60 is the canonical form */
	if (strlen(s) == 20 && s[10] == 'T' && s[19] == 'Z' && s[17] < '6')
		FUZZ_CHECK(strcmp(back, s) == 0);
	/* every accepted spelling means the instant the canonical one does */
	{
		int64_t t2;
		FUZZ_CHECK(time_parse_iso(back, &t2) == 0 && t2 == t);
	}
}

static void
check_fold(struct arena *ar, const char *s)
{
	const char *f = text_fold(ar, s), *p = text_like_pattern(ar, s);
	size_t n = strlen(p);
	FUZZ_CHECK(f != NULL && p != NULL);
	if (utf8_valid_text(s, strlen(s), 1))
		FUZZ_CHECK(utf8_valid_text(f, strlen(f), 1));
	if (*s == '\0') {
		FUZZ_CHECK(n == 0);
		return;
	}
	FUZZ_CHECK(n >= 2 && p[0] == '%' && p[n - 1] == '%');
	for (size_t i = 1; i + 1 < n; i++) {
		if (p[i] == '\\') {
			FUZZ_CHECK(p[i + 1] == '%' || p[i + 1] == '_' ||
			           p[i + 1] == '\\');
			i++;
		} else {
			FUZZ_CHECK(p[i] != '%' && p[i] != '_');
		}
	}
}

static void
check_i64(const char *s)
{
	int64_t v, v2;
	char back[32];
	size_t n = strlen(s), digits;
	const char *p = s;
	int ok = parse_i64(s, &v) == 0;

	if (*p == '-') /* a leading '+' is refused: one spelling per number */
		p++;
	digits = strspn(p, "0123456789");
	/* a plain decimal of up to 18 digits always fits and must parse */
	if (digits > 0 && digits <= 18 && p + digits == s + n)
		FUZZ_CHECK(ok);
	if (!ok)
		return;
	FUZZ_CHECK(digits > 0 && p + digits == s + n);
	snprintf(back, sizeof(back), "%" PRId64, v);
	FUZZ_CHECK(parse_i64(back, &v2) == 0 && v2 == v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena ar;
	char *s;

	if (size > 16 * 1024)
		return 0;
	for (int nl = 0; nl <= 1; nl++)
		FUZZ_CHECK(utf8_valid_text((const char *)data, size, nl) ==
		           ref_valid(data, size, nl));
	arena_init(&ar);
	s = fuzz_str(&ar, data, size);
	check_date(s);
	check_time(s);
	check_i64(s);
	check_fold(&ar, s);
	if (utf8_valid_text(s, strlen(s), 1))
		FUZZ_CHECK(utf8_len(s) <= strlen(s));
	arena_free(&ar);
	return 0;
}
