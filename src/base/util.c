/*
 * util.c - time, number, text and crypto helpers (see util.h).
 *
 * The calendar arithmetic uses Howard Hinnant's days-from-civil algorithm
 * (public domain description), written here from the description, so that
 * no locale or TZ environment can change a stored time.
 */
#include "util.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t
time_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t
days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	unsigned yoe = (unsigned)(yy - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

char *
time_fmt_iso(int64_t t, char out[32])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(out, 32, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
	         (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	return out;
}

char *
time_fmt_date(int64_t t, char out[16])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(out, 16, "%04d-%02u-%02u", y % 10000, m, d);
	return out;
}

void
time_fields(int64_t t, int *y, int *mo, int *d, int *h, int *mi)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	unsigned m, dd;
	civil_from_days(days, y, &m, &dd);
	*mo = (int)m;
	*d = (int)dd;
	*h = (int)(secs / 3600);
	*mi = (int)(secs / 60 % 60);
}

/* UTC instant of 01:00 on the last Sunday of month m in year y. */
static int64_t
last_sunday_0100(int y, unsigned m)
{
	int64_t first_next =
	    days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
	int64_t last = first_next - 1;
	/* 1970-01-01 was a Thursday: weekday 0 = Monday */
	int64_t wd = ((last + 3) % 7 + 7) % 7;
	return (last - (wd + 1) % 7) * 86400 + 3600;
}

int
tz_offset(const char *tz, int64_t t)
{
	int base, y, mo, d, h, mi;
	if (tz == NULL)
		return 0;
	if (strcmp(tz, "Europe/Oslo") == 0 ||
	    strcmp(tz, "Europe/Stockholm") == 0 ||
	    strcmp(tz, "Europe/Copenhagen") == 0 ||
	    strcmp(tz, "Europe/Berlin") == 0)
		base = 3600;
	else if (strcmp(tz, "Europe/Helsinki") == 0)
		base = 7200;
	else
		return 0;
	time_fields(t, &y, &mo, &d, &h, &mi);
	if (t >= last_sunday_0100(y, 3) && t < last_sunday_0100(y, 10))
		return base + 3600;
	return base;
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
date_parse(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	int yy, mm, dd;
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (digits(s, 4, &yy) || digits(s + 5, 2, &mm) || digits(s + 8, 2, &dd))
		return -1;
	if (yy < 1900 || mm < 1 || mm > 12 || dd < 1 || dd > mdays[mm - 1])
		return -1;
	if (mm == 2 && dd == 29 &&
	    !((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0))
		return -1;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}

int
time_parse_iso(const char *s, int64_t *out)
{
	int y, m, d, hh, mi, ss;
	char date[11];
	size_t n;
	if (s == NULL || (n = strlen(s)) < 20)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (date_parse(date, &y, &m, &d) || (s[10] != 'T' && s[10] != ' '))
		return -1;
	if (digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &ss))
		return -1;
	if (hh > 23 || mi > 59 || ss > 60)
		return -1;
	if (!(strcmp(s + 19, "Z") == 0 || strcmp(s + 19, "+00:00") == 0))
		return -1;
	*out = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 +
	       hh * 3600 + mi * 60 + ss;
	return 0;
}

int
parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) || *s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = (int64_t)v;
	return 0;
}

int
str_eq_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int
str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
utf8_valid_text(const char *s, size_t len, int allow_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *e = p + len;
	while (p < e) {
		unsigned c = *p;
		int n;
		uint32_t cp;
		if (c < 0x80) {
			if (c < 0x20 &&
			    !(allow_newlines &&
			      (c == '\n' || c == '\r' || c == '\t')))
				return 0;
			if (c == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (e - p <= n)
			return 0;
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		if (cp >= 0x80 && cp < 0xa0) /* C1 controls */
			return 0;
		p += n + 1;
	}
	return 1;
}

size_t
utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

char *
str_lower_ascii(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

char *
str_trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	                 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

void
crypto_setup(void)
{
	if (sodium_init() < 0)
		fatal("libsodium could not be initialised");
}

void
random_hex(char *out, size_t n)
{
	unsigned char raw[64];
	while (n > 0) {
		size_t k = n < sizeof(raw) ? n : sizeof(raw);
		randombytes_buf(raw, k);
		sodium_bin2hex(out, k * 2 + 1, raw, k);
		out += k * 2;
		n -= k;
	}
	*out = '\0';
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int
str_eq_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}
