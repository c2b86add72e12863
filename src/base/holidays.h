/*
 * holidays.h - the Norwegian and Swedish calendars: public holidays (Easter
 * by the Gregorian computus and the days that hang on it), the Swedish de
 * facto days off, and the local-time arithmetic the supervision rota needs
 * (local date and time in the organisation's zone to UTC and back, ISO 8601
 * with offsets).  Pure functions: no database, no locale, no TZ variable.
 *
 * Sources: Norway - lov om helligdager og helligdagsfred (1995) § 2 and lov
 * om 1. og 17. mai som høgtidsdager (1947); Sweden - lag (1989:253) om
 * allmänna helgdagar (as amended 2005: nationaldagen replaced annandag
 * pingst).  Sundays are holidays in both laws and are not listed here.
 */
#ifndef KV_HOLIDAYS_H
#define KV_HOLIDAYS_H

#include <stdint.h>

enum holiday_kind {
	HOLIDAY_PUBLIC = 1, /* official public holiday by law */
	HOLIDAY_DEFACTO = 2 /* not in the law, but a day off by agreement and
	                       custom (julafton, midsommarafton, …) */
};

struct holiday {
	int year, month, day;
	const char *code; /* stable id: "easter_sunday", "constitution_day" */
	const char *name; /* the country's own name ("Grunnlovsdag") */
	const char *name_en; /* English name, a msgid for the UI */
	const char *lang;    /* language of name: "nb" or "sv" */
	enum holiday_kind kind;
};

/* The most holidays any year has in either country. */
#define HOLIDAYS_MAX 24

/* Writes the Gregorian Easter Sunday of year (1583…9999) into *month and
 * *day (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
void easter_sunday(int year, int *month, int *day);

/* Fills out (room for HOLIDAYS_MAX) with the holidays of country ("NO" or
 * "SE") in year, sorted by date (two on one date keep a fixed order);
 * returns how many, 0 for an unknown country or a year outside
 * 1900…9999.  Names are static strings. */
int holidays_of_year(const char *country, int year, struct holiday *out);

/* Fills out (room for max) with the holidays of country on the date y-m-d;
 * returns how many (usually 0 or 1; 17 May 2027 is both Grunnlovsdag and
 * 2. pinsedag). */
int holidays_on(const char *country, int y, int m, int d, struct holiday *out,
                int max);

/* 1 when y-m-d is a Saturday, a Sunday, a public holiday or (SE) a de
 * facto day off of country: a day without ordinary office hours. */
int is_day_off(const char *country, int y, int m, int d);

/* Day of the week of y-m-d: 0 = Monday … 6 = Sunday. */
int weekday_of(int y, int m, int d);

/* The UTC instant of local y-m-d h:mi:00 in zone tz (util.h tz_offset).
 * A local time that does not exist (the spring-forward hour) counts as if
 * the clock had not been changed yet; an ambiguous one (the repeated
 * autumn hour) is its first occurrence. */
int64_t local_to_utc(const char *tz, int y, int m, int d, int h, int mi);

/* Breaks instant t into the local date and time of zone tz. */
void utc_to_local(const char *tz, int64_t t, int *y, int *m, int *d, int *h,
                  int *mi);

/* Writes the local date of t in zone tz as "YYYY-MM-DD" into out[16]. */
char *time_fmt_local_date(const char *tz, int64_t t, char out[16]);

/* Writes t as "YYYY-MM-DDTHH:MM:SS+HH:MM" in zone tz into out[32]. */
char *time_fmt_local_iso(const char *tz, int64_t t, char out[32]);

/* Parses an ISO 8601 date or date-time into an instant:
 *   YYYY-MM-DD                       local midnight in tz
 *   YYYY-MM-DDTHH:MM[:SS]            local time in tz
 *   YYYY-MM-DDTHH:MM[:SS]Z           UTC
 *   YYYY-MM-DDTHH:MM[:SS]±HH:MM      that offset
 * (a space may stand for the T).  *date_only is set to 1 for the first
 * form.  0, or -1 when s is not one of these or not a real date. */
int iso_parse_local(const char *s, const char *tz, int64_t *out,
                    int *date_only);

#endif
