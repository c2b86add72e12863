/*
 * idnum.c - Nordic personal identity numbers: validation and finding them
 * in text (idnum.h).
 */
#include "idnum.h"

#include <ctype.h>
#include <string.h>

const char *
idnum_kind_name(enum idnum_kind k)
{
	switch (k) {
	case IDNUM_NO_FNR:
		return "no_fnr";
	case IDNUM_NO_DNR:
		return "no_dnr";
	case IDNUM_NO_HNR:
		return "no_hnr";
	case IDNUM_NO_FHNR:
		return "no_fhnr";
	case IDNUM_NO_SYNTHETIC:
		return "no_synthetic";
	case IDNUM_SE_PNR:
		return "se_pnr";
	case IDNUM_SE_SAMORDNING:
		return "se_samordning";
	case IDNUM_DK_CPR:
		return "dk_cpr";
	case IDNUM_NONE:
		break;
	}
	return "none";
}

static int
num2(const char *d)
{
	return (d[0] - '0') * 10 + (d[1] - '0');
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* 1 when day d of month m exists in year y (y < 0: any year, 29 Feb ok). */
static int
date_ok(int y, int m, int d)
{
	static const int days[] = {31, 29, 31, 30, 31, 30,
	                           31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	if (m == 2 && d == 29 && y >= 0 && !leap(y))
		return 0;
	return 1;
}

static int
all_digits(const char *d, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)d[i]))
			return 0;
	return 1;
}

enum idnum_kind
idnum_no(const char *d)
{
	static const int w1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
	static const int w2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
	int s1 = 0, s2 = 0, day, mon, yy, ind, year;
	enum idnum_kind k = IDNUM_NO_FNR;
	if (!all_digits(d, 11))
		return IDNUM_NONE;
	for (int i = 0; i < 9; i++)
		s1 += w1[i] * (d[i] - '0');
	s1 += d[9] - '0';
	for (int i = 0; i < 10; i++)
		s2 += w2[i] * (d[i] - '0');
	s2 += d[10] - '0';
	/* 1964 rule: s1 % 11 == 0; 2032 rule: 0…3 */
	if (s1 % 11 > 3 || s2 % 11 != 0)
		return IDNUM_NONE;
	day = num2(d);
	mon = num2(d + 2);
	yy = num2(d + 4);
	ind = (d[6] - '0') * 100 + num2(d + 7);
	if (d[0] == '8' || d[0] == '9')
		return IDNUM_NO_FHNR; /* no date in it */
	if (day > 40) {
		day -= 40;
		k = IDNUM_NO_DNR;
	}
	if (mon > 80) {
		mon -= 80;
		k = IDNUM_NO_SYNTHETIC;
	} else if (mon > 40) {
		mon -= 40;
		if (k == IDNUM_NO_FNR)
			k = IDNUM_NO_HNR;
	}
	/* the century only matters for 29 February */
	if (ind < 500)
		year = 1900 + yy;
	else if (ind < 750 && yy >= 54)
		year = 1800 + yy;
	else if (yy < 40)
		year = 2000 + yy;
	else
		year = 1900 + yy;
	if (!date_ok(s1 % 11 == 0 ? year : -1, mon, day))
		return IDNUM_NONE;
	return k;
}

/* Luhn over n digits: 1 when the sum is 0 mod 10. */
static int
luhn(const char *d, int n)
{
	int s = 0;
	for (int i = 0; i < n; i++) {
		int v = d[i] - '0';
		if ((n - i) % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		s += v;
	}
	return s % 10 == 0;
}

enum idnum_kind
idnum_se(const char *d)
{
	int mon, day;
	enum idnum_kind k = IDNUM_SE_PNR;
	if (!all_digits(d, 10) || !luhn(d, 10))
		return IDNUM_NONE;
	mon = num2(d + 2);
	day = num2(d + 4);
	if (day > 60) {
		day -= 60;
		k = IDNUM_SE_SAMORDNING;
	}
	return date_ok(-1, mon, day) ? k : IDNUM_NONE;
}

enum idnum_kind
idnum_dk(const char *d, int *mod11)
{
	static const int w[] = {4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
	int s = 0, day, mon, yy, c7, year;
	if (mod11)
		*mod11 = 0;
	if (!all_digits(d, 10))
		return IDNUM_NONE;
	for (int i = 0; i < 10; i++)
		s += w[i] * (d[i] - '0');
	day = num2(d);
	mon = num2(d + 2);
	yy = num2(d + 4);
	c7 = d[6] - '0';
	if (c7 <= 3)
		year = 1900 + yy;
	else if (c7 == 4 || c7 == 9)
		year = yy <= 36 ? 2000 + yy : 1900 + yy;
	else
		year = yy <= 57 ? 2000 + yy : 1800 + yy;
	if (!date_ok(year, mon, day))
		return IDNUM_NONE;
	if (mod11)
		*mod11 = s % 11 == 0;
	return IDNUM_DK_CPR;
}

/* --- finding them in text --------------------------------------------- */

/* 1 when a context word ends within 40 bytes before pos; *dk set when
 * the word is Danish ("cpr"). */
static int
context_before(const char *t, size_t pos, int *dk)
{
	static const char *const words[] = {"fnr",
	                                    "f.nr",
	                                    "fødselsnummer",
	                                    "fødselsnr",
	                                    "personnummer",
	                                    "personnr",
	                                    "pnr",
	                                    "cpr",
	                                    "samordningsnummer",
	                                    "d-nummer",
	                                    "personal id",
	                                    "id number",
	                                    "social security"};
	size_t from = pos > 40 ? pos - 40 : 0;
	char low[48];
	size_t n = pos - from;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)t[from + i]);
	low[n] = 0;
	*dk = strstr(low, "cpr") != NULL;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(low, words[i]) != NULL)
			return 1;
	return 0;
}

static int
digit_at(const char *t, size_t len, size_t i)
{
	return i < len && isdigit((unsigned char)t[i]);
}

/* Copies n digits from t at i into out, skipping one separator sep at
 * position skip (relative to the digits; -1 none).  Returns the bytes
 * consumed, or 0 when the shape does not hold. */
static size_t
take(const char *t, size_t len, size_t i, int n, int skip, const char *seps,
     char *out)
{
	size_t p = i;
	for (int k = 0; k < n; k++) {
		if (k == skip) {
			if (p >= len || strchr(seps, t[p]) == NULL || t[p] == 0)
				return 0;
			p++;
		}
		if (!digit_at(t, len, p))
			return 0;
		out[k] = t[p++];
	}
	out[n] = 0;
	/* not part of a longer number or a grouped one */
	if (digit_at(t, len, p) ||
	    (p + 1 < len && (t[p] == '-' || t[p] == '.' || t[p] == '/') &&
	     digit_at(t, len, p + 1)))
		return 0;
	return p - i;
}

static void
add(struct idnum_hit *hits, int max, int *n, enum idnum_kind k, size_t s,
    size_t e, int confident)
{
	if (*n < max) {
		hits[*n].kind = k;
		hits[*n].start = s;
		hits[*n].end = e;
		hits[*n].confident = confident;
	}
	(*n)++;
}

int
idnum_find(const char *text, size_t len, struct idnum_hit *hits, int max)
{
	int n = 0;
	size_t i = 0;
	while (i < len) {
		char d[13];
		size_t used;
		enum idnum_kind k;
		int m11;
		/* a number starts at a digit not preceded by a digit, a
		 * separator-joined digit or a plus/minus sign of a phone */
		if (!digit_at(text, len, i) ||
		    (i > 0 && (isdigit((unsigned char)text[i - 1]) ||
		               text[i - 1] == '+' ||
		               ((text[i - 1] == '.' || text[i - 1] == '-' ||
		                 text[i - 1] == '/') &&
		                i > 1 && digit_at(text, len, i - 2))))) {
			i++;
			continue;
		}
		/* Norwegian: 11 digits, or 6 + space + 5 */
		if ((used = take(text, len, i, 11, -1, "", d)) ||
		    (used = take(text, len, i, 11, 6, " ", d))) {
			if ((k = idnum_no(d)) != IDNUM_NONE) {
				add(hits, max, &n, k, i, i + used, 1);
				i += used;
				continue;
			}
		}
		/* Swedish 12-digit form YYYYMMDD(-)NNNC */
		if ((used = take(text, len, i, 12, -1, "", d)) ||
		    (used = take(text, len, i, 12, 8, "-+", d))) {
			if ((d[0] == '1' && (d[1] == '8' || d[1] == '9')) ||
			    (d[0] == '2' && d[1] == '0')) {
				if ((k = idnum_se(d + 2)) != IDNUM_NONE) {
					add(hits, max, &n, k, i, i + used, 1);
					i += used;
					continue;
				}
			}
		}
		/* 6 + hyphen/plus + 4: Swedish (Luhn) or Danish (date) */
		if ((used = take(text, len, i, 10, 6, "-+", d)) ||
		    (used = take(text, len, i, 10, -1, "", d))) {
			int dk = 0, ctx = context_before(text, i, &dk);
			/* a number valid in both: the context word decides */
			if (!dk && (k = idnum_se(d)) != IDNUM_NONE) {
				add(hits, max, &n, k, i, i + used, 1);
				i += used;
				continue;
			}
			if (idnum_dk(d, &m11) != IDNUM_NONE && (m11 || ctx)) {
				add(hits, max, &n, IDNUM_DK_CPR, i, i + used,
				    m11 || ctx);
				i += used;
				continue;
			}
		}
		while (digit_at(text, len, i))
			i++;
	}
	return n;
}
