/*
 * holidays.c - Norwegian and Swedish public holidays and local-time
 * arithmetic (see holidays.h for the sources and the rules).
 *
 * Every movable feast hangs on Easter Sunday (computed here by the
 * anonymous Gregorian algorithm); the Swedish Saturdays (midsommardagen,
 * alla helgons dag) and midsommarafton are found by their week day in a
 * fixed window of dates.
 */
#include "holidays.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

void
easter_sunday(int year, int *month, int *day)
{
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	*month = (h + l - 7 * m + 114) / 31;
	*day = (h + l - 7 * m + 114) % 31 + 1;
}

int
weekday_of(int y, int m, int d)
{
	int64_t days = days_from_civil(y, (unsigned)m, (unsigned)d);
	/* 1970-01-01 was a Thursday (3 when Monday is 0) */
	return (int)(((days + 3) % 7 + 7) % 7);
}

/* The civil date `delta` days after y-m-d. */
static void
add_days(int y, int m, int d, int delta, int *oy, int *om, int *od)
{
	int64_t t =
	    (days_from_civil(y, (unsigned)m, (unsigned)d) + delta) * 86400;
	int h, mi;
	time_fields(t, oy, om, od, &h, &mi);
}

/* The first date from y-m-d on (within 7 days) that falls on weekday wd. */
static void
first_weekday_from(int y, int m, int d, int wd, int *oy, int *om, int *od)
{
	int delta = ((wd - weekday_of(y, m, d)) % 7 + 7) % 7;
	add_days(y, m, d, delta, oy, om, od);
}

static void
put(struct holiday *out, int *n, int y, int m, int d, const char *code,
    const char *name, const char *name_en, const char *lang,
    enum holiday_kind kind)
{
	struct holiday *h;
	if (*n >= HOLIDAYS_MAX)
		return;
	h = &out[(*n)++];
	h->year = y;
	h->month = m;
	h->day = d;
	h->code = code;
	h->name = name;
	h->name_en = name_en;
	h->lang = lang;
	h->kind = kind;
}

/* Puts the holiday `off` days after Easter Sunday. */
static void
put_easter(struct holiday *out, int *n, int y, int em, int ed, int off,
           const char *code, const char *name, const char *name_en,
           const char *lang, enum holiday_kind kind)
{
	int yy, mm, dd;
	add_days(y, em, ed, off, &yy, &mm, &dd);
	put(out, n, yy, mm, dd, code, name, name_en, lang, kind);
}

static void
norway(int y, int em, int ed, struct holiday *o, int *n)
{
	const char *L = "nb";
	put(o, n, y, 1, 1, "new_years_day", "1. nyttårsdag",
	    N_("New Year's Day"), L, HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, -3, "maundy_thursday", "Skjærtorsdag",
	           N_("Maundy Thursday"), L, HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, -2, "good_friday", "Langfredag",
	           N_("Good Friday"), L, HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, 0, "easter_sunday", "1. påskedag",
	           N_("Easter Sunday"), L, HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, 1, "easter_monday", "2. påskedag",
	           N_("Easter Monday"), L, HOLIDAY_PUBLIC);
	put(o, n, y, 5, 1, "may_day", "1. mai (offentlig høytidsdag)",
	    N_("May Day"), L, HOLIDAY_PUBLIC);
	put(o, n, y, 5, 17, "constitution_day", "17. mai (grunnlovsdag)",
	    N_("Constitution Day"), L, HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, 39, "ascension_day",
	           "Kristi himmelfartsdag", N_("Ascension Day"), L,
	           HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, 49, "whit_sunday", "1. pinsedag",
	           N_("Whit Sunday"), L, HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, 50, "whit_monday", "2. pinsedag",
	           N_("Whit Monday"), L, HOLIDAY_PUBLIC);
	/* not in the law, but days off in the public sector by agreement */
	put(o, n, y, 12, 24, "christmas_eve", "Julaften", N_("Christmas Eve"),
	    L, HOLIDAY_DEFACTO);
	put(o, n, y, 12, 25, "christmas_day", "1. juledag", N_("Christmas Day"),
	    L, HOLIDAY_PUBLIC);
	put(o, n, y, 12, 26, "st_stephens_day", "2. juledag",
	    N_("St Stephen's Day"), L, HOLIDAY_PUBLIC);
	put(o, n, y, 12, 31, "new_years_eve", "Nyttårsaften",
	    N_("New Year's Eve"), L, HOLIDAY_DEFACTO);
}

static void
sweden(int y, int em, int ed, struct holiday *o, int *n)
{
	const char *L = "sv";
	int yy, mm, dd;
	put(o, n, y, 1, 1, "new_years_day", "Nyårsdagen", N_("New Year's Day"),
	    L, HOLIDAY_PUBLIC);
	put(o, n, y, 1, 6, "epiphany", "Trettondedag jul", N_("Epiphany"), L,
	    HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, -2, "good_friday", "Långfredagen",
	           N_("Good Friday"), L, HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, -1, "easter_eve", "Påskafton",
	           N_("Easter Eve"), L, HOLIDAY_DEFACTO);
	put_easter(o, n, y, em, ed, 0, "easter_sunday", "Påskdagen",
	           N_("Easter Sunday"), L, HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, 1, "easter_monday", "Annandag påsk",
	           N_("Easter Monday"), L, HOLIDAY_PUBLIC);
	put(o, n, y, 5, 1, "may_day", "Första maj", N_("May Day"), L,
	    HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, 39, "ascension_day",
	           "Kristi himmelsfärdsdag", N_("Ascension Day"), L,
	           HOLIDAY_PUBLIC);
	put_easter(o, n, y, em, ed, 49, "whit_sunday", "Pingstdagen",
	           N_("Whit Sunday"), L, HOLIDAY_PUBLIC);
	if (y < 2005) /* replaced by the national day in 2005 */
		put_easter(o, n, y, em, ed, 50, "whit_monday",
		           "Annandag pingst", N_("Whit Monday"), L,
		           HOLIDAY_PUBLIC);
	else
		put(o, n, y, 6, 6, "national_day", "Sveriges nationaldag",
		    N_("National Day of Sweden"), L, HOLIDAY_PUBLIC);
	first_weekday_from(y, 6, 19, 4, &yy, &mm, &dd); /* Friday 19–25 June */
	put(o, n, yy, mm, dd, "midsummer_eve", "Midsommarafton",
	    N_("Midsummer Eve"), L, HOLIDAY_DEFACTO);
	first_weekday_from(y, 6, 20, 5, &yy, &mm, &dd); /* Saturday 20–26 */
	put(o, n, yy, mm, dd, "midsummer_day", "Midsommardagen",
	    N_("Midsummer Day"), L, HOLIDAY_PUBLIC);
	first_weekday_from(y, 10, 31, 5, &yy, &mm, &dd); /* 31 Oct – 6 Nov */
	put(o, n, yy, mm, dd, "all_saints_day", "Alla helgons dag",
	    N_("All Saints' Day"), L, HOLIDAY_PUBLIC);
	put(o, n, y, 12, 24, "christmas_eve", "Julafton", N_("Christmas Eve"),
	    L, HOLIDAY_DEFACTO);
	put(o, n, y, 12, 25, "christmas_day", "Juldagen", N_("Christmas Day"),
	    L, HOLIDAY_PUBLIC);
	put(o, n, y, 12, 26, "st_stephens_day", "Annandag jul",
	    N_("St Stephen's Day"), L, HOLIDAY_PUBLIC);
	put(o, n, y, 12, 31, "new_years_eve", "Nyårsafton",
	    N_("New Year's Eve"), L, HOLIDAY_DEFACTO);
}

int
holidays_of_year(const char *country, int year, struct holiday *out)
{
	int n = 0, em, ed;
	if (country == NULL || year < 1900 || year > 9999)
		return 0;
	easter_sunday(year, &em, &ed);
	if (strcmp(country, "NO") == 0)
		norway(year, em, ed, out, &n);
	else if (strcmp(country, "SE") == 0)
		sweden(year, em, ed, out, &n);
	/* insertion sort by date; stable, so one date keeps the law's order */
	for (int i = 1; i < n; i++) {
		struct holiday h = out[i];
		int key = h.month * 100 + h.day, j = i - 1;
		while (j >= 0 && out[j].month * 100 + out[j].day > key) {
			out[j + 1] = out[j];
			j--;
		}
		out[j + 1] = h;
	}
	return n;
}

int
holidays_on(const char *country, int y, int m, int d, struct holiday *out,
            int max)
{
	struct holiday all[HOLIDAYS_MAX];
	int n = holidays_of_year(country, y, all), k = 0;
	for (int i = 0; i < n && k < max; i++)
		if (all[i].month == m && all[i].day == d)
			out[k++] = all[i];
	return k;
}

int
is_day_off(const char *country, int y, int m, int d)
{
	struct holiday h[4];
	return weekday_of(y, m, d) >= 5 || holidays_on(country, y, m, d, h, 4);
}

int64_t
local_to_utc(const char *tz, int y, int m, int d, int h, int mi)
{
	int64_t local = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 +
	                h * 3600 + mi * 60;
	/* the offset a day earlier is the one "before" any change near t */
	int before = tz_offset(tz, local - 86400), after;
	int64_t t = local - before, t2;
	if (tz_offset(tz, t) == before)
		return t; /* also the first of an ambiguous pair */
	after = tz_offset(tz, t);
	t2 = local - after;
	if (tz_offset(tz, t2) == after)
		return t2;
	return t; /* the skipped hour: read with the old offset */
}

void
utc_to_local(const char *tz, int64_t t, int *y, int *m, int *d, int *h, int *mi)
{
	time_fields(t + tz_offset(tz, t), y, m, d, h, mi);
}

char *
time_fmt_local_date(const char *tz, int64_t t, char out[16])
{
	int y, m, d, h, mi;
	utc_to_local(tz, t, &y, &m, &d, &h, &mi);
	snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m, d);
	return out;
}

char *
time_fmt_local_iso(const char *tz, int64_t t, char out[32])
{
	int off = tz_offset(tz, t), y, mo, d, h, mi;
	int64_t lt = t + off;
	int64_t secs = ((lt % 60) + 60) % 60;
	int aoff = off < 0 ? -off : off;
	time_fields(lt, &y, &mo, &d, &h, &mi);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y % 10000,
	         mo, d, h, mi, (int)secs, off < 0 ? '-' : '+', aoff / 3600,
	         aoff / 60 % 60);
	return out;
}

/* Reads n decimal digits at s; -1 when any is not a digit. */
static int
num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
iso_parse_local(const char *s, const char *tz, int64_t *out, int *date_only)
{
	char date[11];
	int y, m, d, hh, mi, ss = 0, sign = 0, oh = 0, om = 0;
	const char *p;
	int64_t local;

	if (s == NULL || strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (date_parse(date, &y, &m, &d) != 0)
		return -1;
	if (s[10] == '\0') {
		*out = local_to_utc(tz, y, m, d, 0, 0);
		if (date_only)
			*date_only = 1;
		return 0;
	}
	if (date_only)
		*date_only = 0;
	if (s[10] != 'T' && s[10] != ' ')
		return -1;
	p = s + 11;
	if ((hh = num(p, 2)) < 0 || p[2] != ':' || (mi = num(p + 3, 2)) < 0)
		return -1;
	p += 5;
	if (*p == ':') {
		if ((ss = num(p + 1, 2)) < 0)
			return -1;
		p += 3;
		if (*p == '.') { /* fractions of a second are dropped */
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (hh > 23 || mi > 59 || ss > 59)
		return -1;
	if (*p == 'Z' && p[1] == '\0') {
		sign = 1;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		sign = *p == '+' ? 1 : -1;
		if ((oh = num(p + 1, 2)) < 0 || (om = num(p + 4, 2)) < 0 ||
		    oh > 14 || om > 59)
			return -1;
	} else if (*p != '\0') {
		return -1;
	}
	if (sign == 0) { /* no zone: local time of tz */
		*out = local_to_utc(tz, y, m, d, hh, mi) + ss;
		return 0;
	}
	local = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 +
	        hh * 3600 + mi * 60 + ss;
	*out = local - sign * (oh * 3600 + om * 60);
	return 0;
}
