/*
 * test_rota.c - unit tests of the supervision rota, upkeep and review
 * (src/base/holidays.c, src/domain/rota.c, upkeep.c, review.c).
 *
 * Covered: the Norwegian and Swedish holiday calendars (Easter 2024–2027
 * and 2038, 17 May, 6 June, midsummer 2026/2027, All Saints, the 2005
 * change in Sweden, official vs de facto days off); local time around the
 * clock changes and ISO 8601 parsing; on a migrated database with the demo
 * loaded (SQLite, and PostgreSQL when KV_TEST_PG_URL is set): the demo's
 * coverage gaps on 17 May 2027 named as holidays, an absence making a gap,
 * business-day and 24-hour policies, DST weeks, the alert list; shifts and
 * absences with every refusal (and that a refusal wrote nothing); the
 * update log, staleness and the stalest list; reviews, due reviews, and
 * closing with its analysis, capture and refusals.
 *
 * Expected values follow the law (holidays), the calendar, and the rules
 * in rota.h, upkeep.h and review.h — not the code paths.
 */
#define T_DB
#include "t.h"

#include "../../src/base/holidays.h"
#include "../../src/base/util.h"
#include "../../src/domain/domain.h"
#include "../../src/domain/review.h"
#include "../../src/domain/rota.h"
#include "../../src/domain/upkeep.h"

#include <stdint.h>
#include <string.h>

#define DEMO "@meldal-kommune.example"
#define TZ   "Europe/Oslo"

/* --- holidays ---------------------------------------------------------------
 */

/* "YYYY-MM-DD" of the holiday with code in country's year, or "". */
static const char *
date_of(const char *country, int year, const char *code)
{
	static char out[16];
	struct holiday h[HOLIDAYS_MAX];
	int n = holidays_of_year(country, year, h);
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		if (strcmp(h[i].code, code) == 0)
			snprintf(out, sizeof(out), "%04d-%02d-%02d", h[i].year,
			         h[i].month, h[i].day);
	return out;
}

static const char *
easter(int y)
{
	static char out[16];
	int m, d;
	easter_sunday(y, &m, &d);
	snprintf(out, sizeof(out), "%04d-%02d-%02d", y, m, d);
	return out;
}

T_TEST(easter_dates)
{
	T_EQ_STR(easter(2024), "2024-03-31");
	T_EQ_STR(easter(2025), "2025-04-20");
	T_EQ_STR(easter(2026), "2026-04-05");
	T_EQ_STR(easter(2027), "2027-03-28");
	T_EQ_STR(easter(2038), "2038-04-25"); /* the latest possible date */
	T_EQ_STR(easter(2285), "2285-03-22"); /* the earliest possible date */
	T_EQ_STR(easter(2000), "2000-04-23");
	T_EQ_STR(easter(1900), "1900-04-15");
}

T_TEST(norway_2027)
{
	struct holiday h[HOLIDAYS_MAX];
	static const char *const want[][3] = {
	    {"2027-01-01", "new_years_day", "1"},
	    {"2027-03-25", "maundy_thursday", "1"},
	    {"2027-03-26", "good_friday", "1"},
	    {"2027-03-28", "easter_sunday", "1"},
	    {"2027-03-29", "easter_monday", "1"},
	    {"2027-05-01", "may_day", "1"},
	    {"2027-05-06", "ascension_day", "1"},
	    {"2027-05-16", "whit_sunday", "1"},
	    {"2027-05-17", "constitution_day", "1"},
	    {"2027-05-17", "whit_monday", "1"},
	    {"2027-12-24", "christmas_eve", "0"},
	    {"2027-12-25", "christmas_day", "1"},
	    {"2027-12-26", "st_stephens_day", "1"},
	    {"2027-12-31", "new_years_eve", "0"},
	};
	int n = holidays_of_year("NO", 2027, h), official = 0;
	T_EQ_INT(n, (int)ARRAY_LEN(want));
	for (int i = 0; i < n && i < (int)ARRAY_LEN(want); i++) {
		char d[16];
		snprintf(d, sizeof(d), "%04d-%02d-%02d", h[i].year, h[i].month,
		         h[i].day);
		T_EQ_STR(d, want[i][0]);
		T_EQ_STR(h[i].code, want[i][1]);
		T_EQ_INT(h[i].kind == HOLIDAY_PUBLIC, want[i][2][0] == '1');
		T_EQ_STR(h[i].lang, "nb");
		official += h[i].kind == HOLIDAY_PUBLIC;
	}
	/* the law's twelve: helligdagsloven § 2 and 1. og 17. mai */
	T_EQ_INT(official, 12);
	/* 17 May 2027 is both Grunnlovsdag and 2. pinsedag */
	T_EQ_INT(holidays_on("NO", 2027, 5, 17, h, 4), 2);
	T_EQ_STR(h[0].name, "17. mai (grunnlovsdag)");
	T_EQ_STR(h[1].name, "2. pinsedag");
	T_EQ_STR(date_of("NO", 2024, "constitution_day"), "2024-05-17");
	T_EQ_STR(date_of("NO", 2027, "ascension_day"), "2027-05-06");
	T_EQ_STR(date_of("NO", 2038, "ascension_day"), "2038-06-03");
	T_EQ_STR(date_of("NO", 2038, "whit_monday"), "2038-06-14");
	T_EQ_STR(date_of("NO", 2025, "maundy_thursday"), "2025-04-17");
	T_EQ_STR(date_of("NO", 2026, "good_friday"), "2026-04-03");
	/* Norway has no 6 June, midsummer or All Saints holiday */
	T_EQ_STR(date_of("NO", 2027, "national_day"), "");
	T_EQ_STR(date_of("NO", 2027, "midsummer_eve"), "");
	T_EQ_STR(date_of("NO", 2027, "all_saints_day"), "");
	T_EQ_INT(holidays_on("NO", 2027, 6, 6, h, 4), 0);
}

T_TEST(sweden)
{
	struct holiday h[HOLIDAYS_MAX];
	int n, official = 0, defacto = 0;

	n = holidays_of_year("SE", 2027, h);
	for (int i = 0; i < n; i++) {
		official += h[i].kind == HOLIDAY_PUBLIC;
		defacto += h[i].kind == HOLIDAY_DEFACTO;
		T_EQ_STR(h[i].lang, "sv");
		if (i > 0) /* sorted by date */
			T_ASSERT(h[i - 1].month * 100 + h[i - 1].day <=
			         h[i].month * 100 + h[i].day);
	}
	/* lag (1989:253): 13 allmänna helgdagar besides Sundays; de facto:
	 * påskafton, midsommarafton, julafton, nyårsafton */
	T_EQ_INT(official, 13);
	T_EQ_INT(defacto, 4);
	T_EQ_STR(date_of("SE", 2027, "epiphany"), "2027-01-06");
	T_EQ_STR(date_of("SE", 2027, "good_friday"), "2027-03-26");
	T_EQ_STR(date_of("SE", 2027, "easter_monday"), "2027-03-29");
	T_EQ_STR(date_of("SE", 2027, "national_day"), "2027-06-06");
	T_EQ_STR(date_of("SE", 2024, "national_day"), "2024-06-06");
	/* skärtorsdagen is a working day in Sweden */
	T_EQ_STR(date_of("SE", 2027, "maundy_thursday"), "");
	/* midsummer: Friday 19–25 June, Saturday 20–26 June (both edges) */
	T_EQ_STR(date_of("SE", 2026, "midsummer_eve"), "2026-06-19");
	T_EQ_STR(date_of("SE", 2026, "midsummer_day"), "2026-06-20");
	T_EQ_STR(date_of("SE", 2027, "midsummer_eve"), "2027-06-25");
	T_EQ_STR(date_of("SE", 2027, "midsummer_day"), "2027-06-26");
	T_EQ_STR(date_of("SE", 2024, "midsummer_eve"), "2024-06-21");
	T_EQ_STR(date_of("SE", 2025, "midsummer_day"), "2025-06-21");
	/* All Saints: Saturday 31 October – 6 November (both edges) */
	T_EQ_STR(date_of("SE", 2026, "all_saints_day"), "2026-10-31");
	T_EQ_STR(date_of("SE", 2027, "all_saints_day"), "2027-11-06");
	T_EQ_STR(date_of("SE", 2025, "all_saints_day"), "2025-11-01");
	T_EQ_INT(holidays_on("SE", 2027, 6, 25, h, 4), 1);
	T_EQ_STR(h[0].name, "Midsommarafton");
	T_EQ_INT(h[0].kind, HOLIDAY_DEFACTO);
	T_EQ_INT(holidays_on("SE", 2027, 6, 26, h, 4), 1);
	T_EQ_STR(h[0].name, "Midsommardagen");
	T_EQ_INT(h[0].kind, HOLIDAY_PUBLIC);
	T_EQ_INT(holidays_on("SE", 2027, 12, 24, h, 4), 1);
	T_EQ_STR(h[0].name, "Julafton");
	T_EQ_INT(h[0].kind, HOLIDAY_DEFACTO);
	T_EQ_INT(holidays_on("SE", 2027, 12, 31, h, 4), 1);
	T_EQ_INT(h[0].kind, HOLIDAY_DEFACTO);
	T_EQ_INT(holidays_on("SE", 2027, 5, 17, h, 4), 0);
	/* before 2005: annandag pingst, and 6 June was no holiday */
	T_EQ_STR(date_of("SE", 2004, "whit_monday"), "2004-05-31");
	T_EQ_STR(date_of("SE", 2004, "national_day"), "");
	T_EQ_STR(date_of("SE", 2005, "whit_monday"), "");
	/* unknown country or year */
	T_EQ_INT(holidays_of_year("DK", 2027, h), 0);
	T_EQ_INT(holidays_of_year(NULL, 2027, h), 0);
	T_EQ_INT(holidays_of_year("NO", 1899, h), 0);
}

T_TEST(days_off)
{
	T_EQ_INT(weekday_of(2027, 5, 17), 0); /* Monday */
	T_EQ_INT(weekday_of(2027, 3, 28), 6); /* Sunday */
	T_EQ_INT(weekday_of(1970, 1, 1), 3);  /* Thursday */
	T_EQ_INT(is_day_off("NO", 2027, 5, 17), 1);
	T_EQ_INT(is_day_off("NO", 2027, 5, 18), 0);
	T_EQ_INT(is_day_off("NO", 2027, 5, 15), 1); /* Saturday */
	T_EQ_INT(is_day_off("SE", 2027, 6, 25), 1); /* midsommarafton */
	T_EQ_INT(is_day_off("NO", 2027, 6, 25), 0);
	T_EQ_INT(is_day_off("SE", 2027, 6, 7), 0);
	T_EQ_INT(is_day_off("NO", 2027, 3, 25), 1); /* skjærtorsdag */
	T_EQ_INT(is_day_off("SE", 2027, 3, 25), 0);
}

/* --- local time
 * --------------------------------------------------------------- */

static int64_t
utc(const char *iso)
{
	int64_t t = 0;
	if (!T_EQ_INT(time_parse_iso(iso, &t), 0))
		fprintf(stderr, "     bad test time %s\n", iso);
	return t;
}

static const char *
local_iso(int64_t t)
{
	static char b[32];
	return time_fmt_local_iso(TZ, t, b);
}

T_TEST(local_time)
{
	int64_t t;
	int d = -1;

	T_EQ_INT(local_to_utc(TZ, 2027, 1, 15, 8, 0),
	         utc("2027-01-15T07:00:00Z"));
	T_EQ_INT(local_to_utc(TZ, 2027, 5, 17, 8, 0),
	         utc("2027-05-17T06:00:00Z"));
	/* spring forward 2027-03-28: 02:00 → 03:00 */
	T_EQ_INT(local_to_utc(TZ, 2027, 3, 28, 1, 30),
	         utc("2027-03-28T00:30:00Z"));
	T_EQ_INT(local_to_utc(TZ, 2027, 3, 28, 2, 30), /* does not exist */
	         utc("2027-03-28T01:30:00Z"));
	T_EQ_INT(local_to_utc(TZ, 2027, 3, 28, 3, 0),
	         utc("2027-03-28T01:00:00Z"));
	T_EQ_INT(local_to_utc(TZ, 2027, 3, 29, 0, 0),
	         utc("2027-03-28T22:00:00Z"));
	/* fall back 2027-10-31: 03:00 → 02:00; 02:30 is its first time */
	T_EQ_INT(local_to_utc(TZ, 2027, 10, 31, 2, 30),
	         utc("2027-10-31T00:30:00Z"));
	T_EQ_INT(local_to_utc(TZ, 2027, 10, 31, 3, 30),
	         utc("2027-10-31T02:30:00Z"));
	T_EQ_INT(local_to_utc(TZ, 2027, 11, 1, 0, 0),
	         utc("2027-10-31T23:00:00Z"));
	T_EQ_INT(local_to_utc("Europe/Stockholm", 2027, 6, 25, 0, 0),
	         utc("2027-06-24T22:00:00Z"));
	T_EQ_INT(local_to_utc("UTC", 2027, 6, 25, 0, 0),
	         utc("2027-06-25T00:00:00Z"));

	T_EQ_STR(local_iso(utc("2027-05-17T06:00:00Z")),
	         "2027-05-17T08:00:00+02:00");
	T_EQ_STR(local_iso(utc("2027-12-24T23:30:00Z")),
	         "2027-12-25T00:30:00+01:00");

	T_EQ_INT(iso_parse_local("2027-05-17", TZ, &t, &d), 0);
	T_EQ_INT(t, utc("2027-05-16T22:00:00Z"));
	T_EQ_INT(d, 1);
	T_EQ_INT(iso_parse_local("2027-05-17T08:00", TZ, &t, &d), 0);
	T_EQ_INT(t, utc("2027-05-17T06:00:00Z"));
	T_EQ_INT(d, 0);
	T_EQ_INT(iso_parse_local("2027-05-17 08:00:30", TZ, &t, NULL), 0);
	T_EQ_INT(t, utc("2027-05-17T06:00:30Z"));
	T_EQ_INT(iso_parse_local("2027-05-17T08:00:00Z", TZ, &t, NULL), 0);
	T_EQ_INT(t, utc("2027-05-17T08:00:00Z"));
	T_EQ_INT(iso_parse_local("2027-05-17T08:00:00.123Z", TZ, &t, NULL), 0);
	T_EQ_INT(t, utc("2027-05-17T08:00:00Z"));
	T_EQ_INT(iso_parse_local("2027-05-17T08:00:00+02:00", TZ, &t, NULL), 0);
	T_EQ_INT(t, utc("2027-05-17T06:00:00Z"));
	T_EQ_INT(iso_parse_local("2027-05-17T08:00-05:30", TZ, &t, NULL), 0);
	T_EQ_INT(t, utc("2027-05-17T13:30:00Z"));
	/* refusals */
	T_EQ_INT(iso_parse_local("2027-02-29", TZ, &t, NULL), -1);
	T_EQ_INT(iso_parse_local("2027-05-17T24:00", TZ, &t, NULL), -1);
	T_EQ_INT(iso_parse_local("2027-05-17T08", TZ, &t, NULL), -1);
	T_EQ_INT(iso_parse_local("2027-05-17T08:00+2", TZ, &t, NULL), -1);
	T_EQ_INT(iso_parse_local("2027-05-17T08:00+15:00", TZ, &t, NULL), -1);
	T_EQ_INT(iso_parse_local("2027-05-17T08:00Zx", TZ, &t, NULL), -1);
	T_EQ_INT(iso_parse_local("2027-05-17T08:00:00.Z", TZ, &t, NULL), -1);
	T_EQ_INT(iso_parse_local("17.05.2027", TZ, &t, NULL), -1);
	T_EQ_INT(iso_parse_local("", TZ, &t, NULL), -1);
	T_EQ_INT(iso_parse_local(NULL, TZ, &t, NULL), -1);
	{
		char b[16];
		T_EQ_STR(
		    time_fmt_local_date(TZ, utc("2027-05-16T22:30:00Z"), b),
		    "2027-05-17");
	}
}

/* --- the database fixture
 * ------------------------------------------------------ */

struct fx {
	struct db *db;
	struct arena ar;
	char email[KV_MAX_EMAIL + 1];
	char pw[64];
	struct actor admin, sys, comms, web, kultur_mgr, ung_editor, opp_editor,
	    librarian, decider, auditor;
};

static int64_t
person_id(struct db *db, const char *local)
{
	char email[128];
	snprintf(email, sizeof(email), "%s" DEMO, local);
	return person_find_by_email(db, email);
}

static int
load(struct fx *f, const char *local, struct actor *a)
{
	int64_t id = person_id(f->db, local);
	if (!T_ASSERT(id > 0))
		return 0;
	return T_EQ_INT(actor_load(f->db, &f->ar, id, a), KV_OK);
}

static int64_t
count(struct db *db, const char *sql)
{
	int64_t n = -1;
	if (db_get_i64(db, &n, sql, NULL) != 1)
		return -1;
	return n;
}

static int64_t
channel_id(struct db *db, const char *name)
{
	int64_t id = 0;
	db_get_i64(db, &id, "SELECT id FROM channels WHERE name = ?", "t",
	           name);
	return id;
}

static const char *
channel_status(struct fx *f, int64_t id)
{
	struct channel c;
	if (channel_get(f->db, &f->ar, &f->admin, id, &c) != KV_OK)
		return "?";
	return c.status;
}

/* A fingerprint of everything this area writes (and the audit log). */
static const char *
snapshot(struct fx *f)
{
	return arena_printf(
	    &f->ar, "%lld/%lld/%lld/%lld/%lld/%lld/%lld/%lld",
	    (long long)count(f->db, "SELECT COUNT(*) FROM shifts"),
	    (long long)count(f->db, "SELECT COUNT(*) FROM absences"),
	    (long long)count(f->db, "SELECT COUNT(*) FROM channel_updates"),
	    (long long)count(f->db, "SELECT COUNT(*) FROM reviews"),
	    (long long)count(f->db, "SELECT COUNT(*) FROM closures"),
	    (long long)count(f->db, "SELECT COUNT(*) FROM org_policies"),
	    (long long)count(f->db, "SELECT COUNT(*) FROM audit"),
	    (long long)count(f->db,
	                     "SELECT COUNT(*) FROM channels WHERE status = "
	                     "'active'"));
}

static int
fx_setup(struct fx *f, enum db_kind kind)
{
	int applied = 0;
	memset(f, 0, sizeof(*f));
	arena_init(&f->ar);
	f->db = t_db_fresh(kind);
	if (f->db == NULL)
		return 0;
	fprintf(stderr, "     backend %s\n", kind == DB_PG ? "pg" : "sqlite");
	if (!T_EQ_INT(db_migrate(f->db, &applied), 0))
		return 0;
	if (!T_EQ_INT(demo_load(f->db, f->email, f->pw), KV_OK))
		return 0;
	actor_system(&f->sys, org_first_id(f->db), "test");
	return load(f, "admin", &f->admin) &&
	       load(f, "anne.lise.fossum", &f->comms) &&
	       load(f, "ingrid.lokken", &f->web) &&
	       load(f, "per.arne.hoff", &f->kultur_mgr) &&
	       load(f, "siri.bakken", &f->ung_editor) &&
	       load(f, "marit.grindal", &f->opp_editor) &&
	       load(f, "tor.einar.moe", &f->librarian) &&
	       load(f, "kari.ronning", &f->decider) &&
	       load(f, "berit.vold", &f->auditor);
}

static void
fx_done(struct fx *f)
{
	if (f->db != NULL)
		t_db_done(f->db);
	arena_free(&f->ar);
}

/* Coverage of a channel between two local dates (to exclusive). */
static enum kv_rc
cover(struct fx *f, const struct actor *a, const char *channel,
      const char *from, const char *to, struct coverage *c)
{
	struct verrs v = {0};
	int64_t s = 0, e = 0;
	iso_parse_local(from, TZ, &s, NULL);
	iso_parse_local(to, TZ, &e, NULL);
	return rota_coverage(f->db, &f->ar, a, channel_id(f->db, channel), s, e,
	                     c, &v);
}

/* --- coverage ----------------------------------------------------------------
 */

static void
check_demo_coverage(struct fx *f)
{
	struct coverage c;
	struct policy p;

	T_EQ_INT(policy_get(f->db, &f->ar, &f->auditor, &p), KV_OK);
	T_EQ_INT(p.watch_from_hour, 8);
	T_EQ_INT(p.watch_to_hour, 22);
	T_EQ_STR(p.watch_days, "all");
	T_EQ_INT(p.review_months, 12);

	/* the main page: covered 11–16 May, nobody on 17 May (a holiday) */
	T_EQ_INT(cover(f, &f->admin, "Meldal kommune", "2027-05-11",
	               "2027-05-18", &c),
	         KV_OK);
	T_EQ_INT(c.required_secs, 7 * 14 * 3600);
	T_EQ_INT(c.uncovered_secs, 14 * 3600);
	if (T_EQ_INT(c.ngaps, 1)) {
		T_EQ_STR(local_iso(c.gaps[0].from),
		         "2027-05-17T08:00:00+02:00");
		T_EQ_STR(local_iso(c.gaps[0].to), "2027-05-17T22:00:00+02:00");
		if (T_EQ_INT(c.gaps[0].nholidays, 2)) {
			T_EQ_STR(c.gaps[0].holidays[0].name,
			         "17. mai (grunnlovsdag)");
			T_EQ_STR(c.gaps[0].holidays[0].date, "2027-05-17");
			T_EQ_INT(c.gaps[0].holidays[0].official, 1);
			T_EQ_STR(c.gaps[0].holidays[1].name, "2. pinsedag");
		}
		T_EQ_INT(c.gaps[0].nabsent, 0);
	}
	T_EQ_INT(coverage_at(&c, utc("2027-05-17T10:00:00Z")), COVER_GAP);
	T_EQ_INT(coverage_at(&c, utc("2027-05-16T10:00:00Z")), COVER_OK);
	T_EQ_INT(coverage_at(&c, utc("2027-05-16T21:00:00Z")), COVER_OFF);
	{
		json_t *j = coverage_json(&c);
		json_t *g = json_array_get(json_object_get(j, "gaps"), 0);
		T_EQ_STR(json_string_value(json_object_get(g, "from")),
		         "2027-05-17T06:00:00Z");
		T_EQ_STR(json_string_value(json_object_get(g, "to")),
		         "2027-05-17T20:00:00Z");
		T_ASSERT(json_is_true(json_object_get(g, "holiday")));
		T_EQ_STR(json_string_value(json_object_get(
		             json_array_get(json_object_get(g, "holidays"), 1),
		             "name")),
		         "2. pinsedag");
		json_decref(j);
	}

	/* the library blog is watched on 16 and 17 May too */
	T_EQ_INT(cover(f, &f->admin, "Bibliotekbloggen", "2027-05-11",
	               "2027-05-18", &c),
	         KV_OK);
	T_EQ_INT(c.ngaps, 0);
	T_EQ_INT(c.uncovered_secs, 0);

	/* the youth page: its only watcher is on holiday 13–14 May; two
	 * gaps, because 22–08 needs nobody */
	T_EQ_INT(cover(f, &f->admin, "Ungdomsleder i Meldal", "2027-05-11",
	               "2027-05-18", &c),
	         KV_OK);
	if (T_EQ_INT(c.ngaps, 2)) {
		T_EQ_STR(local_iso(c.gaps[0].from),
		         "2027-05-13T08:00:00+02:00");
		T_EQ_STR(local_iso(c.gaps[1].to), "2027-05-14T22:00:00+02:00");
		T_EQ_INT(c.gaps[0].nholidays, 0);
		if (T_EQ_INT(c.gaps[0].nabsent, 1))
			T_EQ_STR(c.gaps[0].absent_names[0], "Siri Bakken");
	}
	/* someone who may see the channel but not its rota is not told who */
	T_EQ_INT(cover(f, &f->opp_editor, "Ungdomsleder i Meldal", "2027-05-11",
	               "2027-05-18", &c),
	         KV_OK);
	if (T_EQ_INT(c.ngaps, 2)) {
		T_EQ_INT(c.gaps[0].nabsent, 0);
		T_EQ_INT(c.gaps[0].absent_hidden, 1);
	}
	/* Kristi himmelfartsdag 2027 (6 May): no shifts at all yet */
	T_EQ_INT(cover(f, &f->admin, "Jobb i Meldal", "2027-05-06",
	               "2027-05-07", &c),
	         KV_OK);
	if (T_EQ_INT(c.ngaps, 1)) {
		T_EQ_INT(c.gaps[0].to - c.gaps[0].from, 14 * 3600);
		if (T_EQ_INT(c.gaps[0].nholidays, 1))
			T_EQ_STR(c.gaps[0].holidays[0].name,
			         "Kristi himmelfartsdag");
	}
	/* a requested channel needs no watch yet */
	T_EQ_INT(cover(f, &f->admin, "Ungdom i Meldal", "2027-05-11",
	               "2027-05-18", &c),
	         KV_OK);
	T_EQ_INT(c.ngaps, 0);
	T_EQ_INT(c.required_secs, 0);
	/* ...and one the actor may not see is not there */
	T_EQ_INT(cover(f, &f->opp_editor, "Ungdom i Meldal", "2027-05-11",
	               "2027-05-18", &c),
	         KV_NOTFOUND);
	/* bad periods */
	{
		struct verrs v = {0};
		int64_t s = utc("2027-05-11T00:00:00Z");
		T_EQ_INT(rota_coverage(f->db, &f->ar, &f->admin,
		                       channel_id(f->db, "Jobb i Meldal"), s, s,
		                       &c, &v),
		         KV_INVALID);
		T_EQ_STR(verr_for(&v, "to"), "must be after from");
		memset(&v, 0, sizeof(v));
		T_EQ_INT(rota_coverage(f->db, &f->ar, &f->admin,
		                       channel_id(f->db, "Jobb i Meldal"), s,
		                       s + 93 * 86400 + 7201, &c, &v),
		         KV_INVALID);
		T_EQ_STR(verr_for(&v, "to"),
		         "makes the period longer than 92 days");
	}
}

static void
check_alerts(struct fx *f)
{
	struct channel_gaps *cg;
	int n = 0;
	int64_t now = local_to_utc(TZ, 2027, 5, 11, 0, 0);

	/* the week 11–17 May: the youth page (two days) first, then the
	 * three main profiles missing 17 May */
	T_EQ_INT(rota_upcoming_gaps(f->db, &f->ar, &f->sys, now, 7, &cg, &n),
	         KV_OK);
	if (T_EQ_INT(n, 4)) {
		T_EQ_STR(cg[0].channel.name, "Ungdomsleder i Meldal");
		T_EQ_INT(cg[0].cov.uncovered_secs, 28 * 3600);
		for (int i = 1; i < 4; i++) {
			T_EQ_INT(cg[i].cov.uncovered_secs, 14 * 3600);
			T_ASSERT(cg[i].cov.gaps[0].nholidays == 2);
		}
		T_EQ_INT(
		    cg[1].channel.unit_id,
		    unit_find_by_name(f->db, f->sys.org_id, "Stab og service"));
	}
	/* fourteen days from the same start: every open channel has gaps */
	T_EQ_INT(rota_upcoming_gaps(f->db, &f->ar, &f->sys, now,
	                            ROTA_ALERT_DAYS, &cg, &n),
	         KV_OK);
	T_EQ_INT(n, 7);
}

/* Easter 2027 in Meldal (NO), and a Swedish organisation's 6 June and
 * midsummer: gaps are named by the calendar of the organisation's country. */
static void
check_national_calendars(struct fx *f)
{
	struct coverage c;
	struct org o = {0,    "Region Uppsala",   "region-uppsala",
	                "SE", "Europe/Stockholm", "sv"};
	struct actor se;
	struct unit u;
	struct person p;
	struct channel ch;
	struct shift s;
	struct verrs v = {0};
	int64_t org = 0;
	static const char *const easter_names[] = {
	    "Skjærtorsdag", "Langfredag", NULL, "1. påskedag", "2. påskedag"};

	/* Easter 2027, Norway: nobody on the main page; one gap a day
	 * (08–22), named; 28 March is also the day the clocks go forward */
	T_EQ_INT(cover(f, &f->admin, "Meldal kommune", "2027-03-25",
	               "2027-03-30", &c),
	         KV_OK);
	if (T_EQ_INT(c.ngaps, 5)) {
		for (int i = 0; i < 5; i++) {
			T_EQ_INT(c.gaps[i].to - c.gaps[i].from, 14 * 3600);
			if (easter_names[i] == NULL) {
				T_EQ_INT(c.gaps[i].nholidays, 0);
			} else if (T_EQ_INT(c.gaps[i].nholidays, 1)) {
				T_EQ_STR(c.gaps[i].holidays[0].name,
				         easter_names[i]);
				T_EQ_INT(c.gaps[i].holidays[0].official, 1);
			}
		}
		T_EQ_STR(local_iso(c.gaps[3].from),
		         "2027-03-28T08:00:00+02:00");
	}

	/* a Swedish organisation, watching around the clock (the default) */
	T_EQ_INT(org_create(f->db, &o, &org, &v), KV_OK);
	actor_system(&se, org, "test (SE)");
	memset(&u, 0, sizeof(u));
	u.name = "Kultur och bildning";
	u.kind = "organisation";
	T_EQ_INT(unit_create(f->db, &f->ar, &se, &u, &v), KV_OK);
	memset(&p, 0, sizeof(p));
	p.full_name = "Eva Ek";
	p.unit_id = u.id;
	p.email = "eva.ek@uppsala.example";
	T_EQ_INT(person_create(f->db, &f->ar, &se, &p, &v), KV_OK);
	memset(&ch, 0, sizeof(ch));
	ch.platform = "facebook_page";
	ch.name = "Upplandsmuseet";
	ch.address = "https://www.facebook.com/upplandsmuseet";
	ch.unit_id = u.id;
	ch.status = "active";
	ch.update_count = 1;
	ch.update_period = "week";
	T_EQ_INT(channel_create(f->db, &f->ar, &se, &ch, &v), KV_OK);
	/* Meldal cannot see it */
	T_EQ_INT(
	    rota_coverage(f->db, &f->ar, &f->admin, ch.id, 0, 86400, &c, &v),
	    KV_NOTFOUND);
	/* 5–7 June 2027: one gap around the clock, touching the national day */
	T_EQ_INT(
	    rota_coverage(f->db, &f->ar, &se, ch.id,
	                  local_to_utc("Europe/Stockholm", 2027, 6, 5, 0, 0),
	                  local_to_utc("Europe/Stockholm", 2027, 6, 8, 0, 0),
	                  &c, &v),
	    KV_OK);
	T_EQ_STR(c.country, "SE");
	if (T_EQ_INT(c.ngaps, 1)) {
		T_EQ_INT(c.gaps[0].to - c.gaps[0].from, 72 * 3600);
		if (T_EQ_INT(c.gaps[0].nholidays, 1)) {
			T_EQ_STR(c.gaps[0].holidays[0].name,
			         "Sveriges nationaldag");
			T_EQ_STR(c.gaps[0].holidays[0].date, "2027-06-06");
			T_EQ_STR(c.gaps[0].holidays[0].lang, "sv");
		}
	}
	/* midsummer 2027: Eva watches the 24th and the 26th–27th; the gap is
	 * exactly midsommarafton, a day off by custom (not by law) */
	T_EQ_INT(shift_create(f->db, &f->ar, &se, ch.id, p.id, "2027-06-24",
	                      "2027-06-25", NULL, &s, &v),
	         KV_OK);
	T_EQ_INT(shift_create(f->db, &f->ar, &se, ch.id, p.id, "2027-06-26",
	                      "2027-06-28", NULL, &s, &v),
	         KV_OK);
	T_EQ_INT(
	    rota_coverage(f->db, &f->ar, &se, ch.id,
	                  local_to_utc("Europe/Stockholm", 2027, 6, 24, 0, 0),
	                  local_to_utc("Europe/Stockholm", 2027, 6, 28, 0, 0),
	                  &c, &v),
	    KV_OK);
	if (T_EQ_INT(c.ngaps, 1)) {
		char b[32];
		T_EQ_STR(
		    time_fmt_local_iso("Europe/Stockholm", c.gaps[0].from, b),
		    "2027-06-25T00:00:00+02:00");
		T_EQ_INT(c.gaps[0].to - c.gaps[0].from, 24 * 3600);
		if (T_EQ_INT(c.gaps[0].nholidays, 1)) {
			T_EQ_STR(c.gaps[0].holidays[0].name, "Midsommarafton");
			T_EQ_INT(c.gaps[0].holidays[0].official, 0);
		}
	}
	/* without the 26th–27th shift, midsommardagen shows too */
	T_EQ_INT(shift_delete(f->db, &f->ar, &se, s.id), KV_OK);
	T_EQ_INT(
	    rota_coverage(f->db, &f->ar, &se, ch.id,
	                  local_to_utc("Europe/Stockholm", 2027, 6, 24, 0, 0),
	                  local_to_utc("Europe/Stockholm", 2027, 6, 28, 0, 0),
	                  &c, &v),
	    KV_OK);
	if (T_EQ_INT(c.ngaps, 1) && T_EQ_INT(c.gaps[0].nholidays, 2)) {
		T_EQ_STR(c.gaps[0].holidays[0].name, "Midsommarafton");
		T_EQ_STR(c.gaps[0].holidays[1].name, "Midsommardagen");
		T_EQ_INT(c.gaps[0].holidays[1].official, 1);
	}
}

static void
check_policies(struct fx *f)
{
	struct policy p;
	struct coverage c;
	struct verrs v = {0};
	const char *before = snapshot(f);

	/* refusals first: nothing changes */
	memset(&p, 0, sizeof(p));
	p.review_months = 12;
	p.watch_days = "business";
	p.watch_from_hour = 8;
	p.watch_to_hour = 16;
	T_EQ_INT(policy_set(f->db, &f->ar, &f->comms, &p, &v), KV_FORBIDDEN);
	p.review_months = 0;
	p.watch_days = "weekends";
	p.watch_from_hour = 16;
	p.watch_to_hour = 8;
	T_EQ_INT(policy_set(f->db, &f->ar, &f->admin, &p, &v), KV_INVALID);
	T_EQ_STR(verr_for(&v, "review_months"), "must be between 1 and 60");
	T_EQ_STR(verr_for(&v, "watch_days"), "must be all or business");
	T_EQ_STR(verr_for(&v, "watch_to_hour"),
	         "must be after watch_from_hour");
	memset(&v, 0, sizeof(v));
	p.review_months = 61;
	p.watch_days = "all";
	p.watch_from_hour = 24;
	p.watch_to_hour = 25;
	T_EQ_INT(policy_set(f->db, &f->ar, &f->admin, &p, &v), KV_INVALID);
	T_EQ_STR(verr_for(&v, "watch_from_hour"), "must be between 0 and 23");
	T_EQ_STR(verr_for(&v, "watch_to_hour"), "must be between 1 and 24");
	T_EQ_STR(snapshot(f), before);

	/* business days 08–16: 17 May (a holiday) and the weekend need no
	 * watch; Tuesday 18 and Wednesday 19 May have none */
	memset(&v, 0, sizeof(v));
	p.review_months = 12;
	p.watch_days = "business";
	p.watch_from_hour = 8;
	p.watch_to_hour = 16;
	T_EQ_INT(policy_set(f->db, &f->ar, &f->admin, &p, &v), KV_OK);
	T_EQ_INT(cover(f, &f->admin, "Bibliotekbloggen", "2027-05-14",
	               "2027-05-20", &c),
	         KV_OK);
	T_EQ_INT(c.required_secs, 3 * 8 * 3600); /* Fri 14, Tue 18, Wed 19 */
	if (T_EQ_INT(c.ngaps, 2)) {
		T_EQ_STR(local_iso(c.gaps[0].from),
		         "2027-05-18T08:00:00+02:00");
		T_EQ_STR(local_iso(c.gaps[1].to), "2027-05-19T16:00:00+02:00");
	}

	/* around the clock: the spring-forward week of Easter 2027 */
	memset(&v, 0, sizeof(v));
	p.watch_days = "all";
	p.watch_from_hour = 0;
	p.watch_to_hour = 24;
	T_EQ_INT(policy_set(f->db, &f->ar, &f->admin, &p, &v), KV_OK);
	{
		int64_t vimeo = channel_id(f->db, "Meldal kommune på Vimeo");
		int64_t ingrid = person_id(f->db, "ingrid.lokken");
		static const char *const days[] = {"2027-03-26", "2027-03-27",
		                                   "2027-03-28", "2027-03-29",
		                                   "2027-03-30"};
		struct shift s;
		for (size_t i = 0; i + 1 < ARRAY_LEN(days); i++) {
			memset(&v, 0, sizeof(v));
			T_EQ_INT(shift_create(f->db, &f->ar, &f->web, vimeo,
			                      ingrid, days[i], days[i + 1],
			                      NULL, &s, &v),
			         KV_OK);
		}
		T_EQ_INT(cover(f, &f->admin, "Meldal kommune på Vimeo",
		               "2027-03-26", "2027-03-30", &c),
		         KV_OK);
		/* 24 + 24 + 23 (the clocks go forward) + 24 hours */
		T_EQ_INT(c.required_secs, 95 * 3600);
		T_EQ_INT(c.ngaps, 0);
		/* the next day has nobody: one gap, named by its holiday? no:
		 * 30 March is an ordinary Tuesday */
		T_EQ_INT(cover(f, &f->admin, "Meldal kommune på Vimeo",
		               "2027-03-28", "2027-03-31", &c),
		         KV_OK);
		if (T_EQ_INT(c.ngaps, 1)) {
			T_EQ_STR(local_iso(c.gaps[0].from),
			         "2027-03-30T00:00:00+02:00");
			T_EQ_INT(c.gaps[0].nholidays, 0);
		}
		/* the autumn week: a shift written as "24 hours from local
		 * midnight" on the 25-hour day leaves its last hour empty */
		memset(&v, 0, sizeof(v));
		T_EQ_INT(shift_create(f->db, &f->ar, &f->web, vimeo, ingrid,
		                      "2027-10-30", "2027-10-31", NULL, &s, &v),
		         KV_OK);
		memset(&v, 0, sizeof(v));
		T_EQ_INT(shift_create(f->db, &f->ar, &f->web, vimeo, ingrid,
		                      "2027-10-31T00:00",
		                      "2027-10-31T22:00:00Z", NULL, &s, &v),
		         KV_OK);
		T_EQ_INT(s.ends_at - s.starts_at, 24 * 3600);
		memset(&v, 0, sizeof(v));
		T_EQ_INT(shift_create(f->db, &f->ar, &f->web, vimeo, ingrid,
		                      "2027-11-01", "2027-11-02", NULL, &s, &v),
		         KV_OK);
		T_EQ_INT(cover(f, &f->admin, "Meldal kommune på Vimeo",
		               "2027-10-30", "2027-11-02", &c),
		         KV_OK);
		T_EQ_INT(c.required_secs, (24 + 25 + 24) * 3600);
		if (T_EQ_INT(c.ngaps, 1)) {
			T_EQ_STR(local_iso(c.gaps[0].from),
			         "2027-10-31T23:00:00+01:00");
			T_EQ_INT(c.gaps[0].to - c.gaps[0].from, 3600);
		}
	}
}

static void
coverage_suite(enum db_kind kind)
{
	struct fx f;
	if (fx_setup(&f, kind)) {
		check_demo_coverage(&f);
		check_alerts(&f);
		check_national_calendars(&f);
		check_policies(&f);
	}
	fx_done(&f);
}

T_TEST(coverage_sqlite)
{
	coverage_suite(DB_SQLITE);
}

T_TEST(coverage_pg)
{
	coverage_suite(DB_PG);
}

/* --- shifts and absences
 * ------------------------------------------------------ */

static void
check_shifts(struct fx *f)
{
	struct shift s, *ss;
	struct verrs v = {0};
	struct coverage c;
	int n = 0;
	int64_t ungl = channel_id(f->db, "Ungdomsleder i Meldal");
	int64_t jobb = channel_id(f->db, "Jobb i Meldal");
	int64_t blog = channel_id(f->db, "Bibliotekbloggen");
	int64_t insta = channel_id(f->db, "Ungdom i Meldal");
	int64_t siri = person_id(f->db, "siri.bakken");
	const char *before = snapshot(f);

#define REFUSE(rc_want, actor, ch, person, from, to)                           \
	do {                                                                   \
		memset(&v, 0, sizeof(v));                                      \
		T_EQ_INT(shift_create(f->db, &f->ar, (actor), (ch), (person),  \
		                      (from), (to), NULL, &s, &v),             \
		         (rc_want));                                           \
		T_EQ_STR(snapshot(f), before);                                 \
	} while (0)

	/* who may not */
	REFUSE(KV_FORBIDDEN, &f->ung_editor, ungl, siri, "2027-06-01T08:00",
	       "2027-06-01T16:00"); /* an editor, not a manager */
	REFUSE(KV_FORBIDDEN, &f->kultur_mgr, jobb, siri, "2027-06-01T08:00",
	       "2027-06-01T16:00"); /* another unit */
	REFUSE(KV_FORBIDDEN, &f->auditor, blog, siri, "2027-06-01T08:00",
	       "2027-06-01T16:00");
	REFUSE(KV_FORBIDDEN, &f->decider, blog, siri, "2027-06-01T08:00",
	       "2027-06-01T16:00");
	REFUSE(KV_NOTFOUND, &f->opp_editor, insta, siri, "2027-06-01T08:00",
	       "2027-06-01T16:00"); /* cannot even see it */
	REFUSE(KV_NOTFOUND, &f->admin, 999999, siri, "2027-06-01T08:00",
	       "2027-06-01T16:00");
	/* what is wrong */
	REFUSE(KV_INVALID, &f->kultur_mgr, ungl, siri, "2027-06-01T16:00",
	       "2027-06-01T08:00");
	T_EQ_STR(verr_for(&v, "ends_at"), "must be after starts_at");
	REFUSE(KV_INVALID, &f->kultur_mgr, ungl, siri, "2027-06-01T08:00",
	       "2027-06-01T08:00");
	T_EQ_STR(verr_for(&v, "ends_at"), "must be after starts_at");
	REFUSE(KV_INVALID, &f->kultur_mgr, ungl, 0, "", NULL);
	T_EQ_STR(verr_for(&v, "person_id"), "is required");
	T_EQ_STR(verr_for(&v, "starts_at"), "is required");
	T_EQ_STR(verr_for(&v, "ends_at"), "is required");
	REFUSE(KV_INVALID, &f->kultur_mgr, ungl, 999999, "1. juni",
	       "2027-13-01");
	T_EQ_STR(verr_for(&v, "person_id"), "no such person");
	T_ASSERT(verr_for(&v, "starts_at") != NULL);
	T_ASSERT(verr_for(&v, "ends_at") != NULL);
	REFUSE(KV_INVALID, &f->kultur_mgr, ungl, siri, "2027-06-01",
	       "2027-09-02");
	T_EQ_STR(verr_for(&v, "ends_at"),
	         "makes the shift longer than 92 days");
	memset(&v, 0, sizeof(v));
	T_EQ_INT(shift_create(f->db, &f->ar, &f->kultur_mgr, ungl, siri,
	                      "2027-06-01T08:00", "2027-06-01T16:00",
	                      "<b>x</b>\x01", &s, &v),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "note"), "contains invalid characters");
	/* overlapping the same person's shift on the same channel */
	REFUSE(KV_CONFLICT, &f->kultur_mgr, ungl, siri, "2027-05-12T21:00",
	       "2027-05-13T09:00");
	T_EQ_STR(verr_for(&v, "starts_at"),
	         "overlaps another shift of the same person on this channel");
	T_EQ_STR(snapshot(f), before);

	/* the unit manager of Kultur plans the youth page (a unit below) */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(shift_create(f->db, &f->ar, &f->kultur_mgr, ungl,
	                      person_id(f->db, "per.arne.hoff"),
	                      "2027-05-13T08:00", "2027-05-13T22:00",
	                      "Vikar for Siri", &s, &v),
	         KV_OK);
	T_ASSERT(s.id > 0);
	T_EQ_STR(s.person_name, "Per Arne Hoff");
	T_EQ_INT(s.starts_at, utc("2027-05-13T06:00:00Z"));
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM audit WHERE object_type "
	                      "= 'shift' AND action = 'create'"),
	         47);
	/* his shift covers 13 May: one gap left, on the 14th */
	T_EQ_INT(cover(f, &f->admin, "Ungdomsleder i Meldal", "2027-05-11",
	               "2027-05-18", &c),
	         KV_OK);
	if (T_EQ_INT(c.ngaps, 1))
		T_EQ_STR(local_iso(c.gaps[0].from),
		         "2027-05-14T08:00:00+02:00");
	/* another person may overlap: two watchers are fine */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(shift_create(f->db, &f->ar, &f->web, jobb,
	                      person_id(f->db, "anne.lise.fossum"),
	                      "2027-05-16T12:00", "2027-05-17T12:00", NULL, &s,
	                      &v),
	         KV_OK);
	T_EQ_INT(cover(f, &f->admin, "Jobb i Meldal", "2027-05-11",
	               "2027-05-18", &c),
	         KV_OK);
	if (T_EQ_INT(c.ngaps, 1))
		T_EQ_STR(local_iso(c.gaps[0].from),
		         "2027-05-17T12:00:00+02:00");

	/* listing: the editor sees her page's rota, others not */
	T_EQ_INT(shift_list(f->db, &f->ar, &f->ung_editor, ungl, 0, 0, &ss, &n),
	         KV_OK);
	T_EQ_INT(n, 8);
	T_EQ_INT(shift_list(f->db, &f->ar, &f->opp_editor, ungl, 0, 0, &ss, &n),
	         KV_FORBIDDEN);
	T_EQ_INT(shift_list(f->db, &f->ar, &f->auditor, ungl, 0, 0, &ss, &n),
	         KV_OK);
	T_EQ_INT(shift_list(f->db, &f->ar, &f->admin, ungl,
	                    utc("2027-05-13T00:00:00Z"),
	                    utc("2027-05-14T00:00:00Z"), &ss, &n),
	         KV_OK);
	T_EQ_INT(n, 2);

	/* removing: the editor may not, the manager may */
	before = snapshot(f);
	T_EQ_INT(shift_delete(f->db, &f->ar, &f->ung_editor, ss[0].id),
	         KV_FORBIDDEN);
	T_EQ_INT(shift_delete(f->db, &f->ar, &f->opp_editor, ss[0].id),
	         KV_NOTFOUND);
	T_EQ_INT(shift_delete(f->db, &f->ar, &f->admin, 999999), KV_NOTFOUND);
	T_EQ_STR(snapshot(f), before);
	T_EQ_INT(shift_delete(f->db, &f->ar, &f->kultur_mgr, ss[0].id), KV_OK);
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM audit WHERE object_type "
	                      "= 'shift' AND action = 'delete'"),
	         1);
	T_EQ_INT(shift_list(f->db, &f->ar, &f->admin, ungl, 0, 0, &ss, &n),
	         KV_OK);
	T_EQ_INT(n, 7);
#undef REFUSE
}

static void
check_absences(struct fx *f)
{
	struct absence ab, *as;
	struct verrs v = {0};
	struct coverage c;
	int n = 0;
	int64_t siri = person_id(f->db, "siri.bakken");
	int64_t marit = person_id(f->db, "marit.grindal");
	int64_t tor = person_id(f->db, "tor.einar.moe");
	const char *before = snapshot(f);

#define REFUSE(rc_want, actor, person, kind, from, to)                         \
	do {                                                                   \
		memset(&v, 0, sizeof(v));                                      \
		T_EQ_INT(absence_create(f->db, &f->ar, (actor), (person),      \
		                        (kind), (from), (to), NULL, &ab, &v),  \
		         (rc_want));                                           \
		T_EQ_STR(snapshot(f), before);                                 \
	} while (0)

	REFUSE(KV_FORBIDDEN, &f->ung_editor, marit, "holiday", "2027-07-01",
	       "2027-07-21"); /* someone else's */
	REFUSE(KV_FORBIDDEN, &f->kultur_mgr, marit, "holiday", "2027-07-01",
	       "2027-07-21"); /* not his unit */
	REFUSE(KV_FORBIDDEN, &f->comms, siri, "holiday", "2027-07-01",
	       "2027-07-21");
	REFUSE(KV_INVALID, &f->ung_editor, 999999, "holiday", "2027-07-01",
	       "2027-07-21");
	T_EQ_STR(verr_for(&v, "person_id"), "no such person");
	REFUSE(KV_INVALID, &f->ung_editor, 0, "holiday", "2027-07-01",
	       "2027-07-21");
	T_EQ_STR(verr_for(&v, "person_id"), "is required");
	REFUSE(KV_INVALID, &f->ung_editor, siri, "vacation", "2027-07-21",
	       "2027-07-01");
	T_EQ_STR(verr_for(&v, "kind"), "must be holiday, leave, sick or other");
	T_EQ_STR(verr_for(&v, "to"), "must not be before from");
	REFUSE(KV_INVALID, &f->ung_editor, siri, NULL, "juli", "");
	T_EQ_STR(verr_for(&v, "kind"), "must be holiday, leave, sick or other");
	T_ASSERT(verr_for(&v, "from") != NULL);
	T_EQ_STR(verr_for(&v, "to"), "is required");
	REFUSE(KV_INVALID, &f->ung_editor, siri, "leave", "2027-01-01",
	       "2028-01-02");
	T_EQ_STR(verr_for(&v, "to"), "makes the absence longer than 366 days");

	/* her own: whole days, both included, in local time */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(absence_create(f->db, &f->ar, &f->ung_editor, siri, "holiday",
	                        "2027-07-01", "2027-07-21", "Sommerferie", &ab,
	                        &v),
	         KV_OK);
	T_EQ_INT(ab.all_day, 1);
	T_EQ_INT(ab.starts_at, utc("2027-06-30T22:00:00Z"));
	T_EQ_INT(ab.ends_at, utc("2027-07-21T22:00:00Z"));
	{
		json_t *j = absence_json(&ab, TZ);
		T_EQ_STR(json_string_value(json_object_get(j, "from_date")),
		         "2027-07-01");
		T_EQ_STR(json_string_value(json_object_get(j, "to_date")),
		         "2027-07-21");
		json_decref(j);
	}
	/* her unit manager (Kultur, above Ungdomsarbeid) records sick leave */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(absence_create(f->db, &f->ar, &f->kultur_mgr, siri, "sick",
	                        "2027-08-02T08:00", "2027-08-02T12:00", NULL,
	                        &ab, &v),
	         KV_OK);
	T_EQ_INT(ab.all_day, 0);
	T_EQ_INT(ab.ends_at - ab.starts_at, 4 * 3600);

	/* who sees her absences */
	T_EQ_INT(absence_list(f->db, &f->ar, &f->ung_editor, siri, 0, &as, &n),
	         KV_OK);
	T_EQ_INT(n, 3); /* the demo's 13–14 May, July, August */
	T_EQ_INT(absence_list(f->db, &f->ar, &f->kultur_mgr, siri, 0, &as, &n),
	         KV_OK);
	T_EQ_INT(absence_list(f->db, &f->ar, &f->admin, siri,
	                      utc("2027-06-01T00:00:00Z"), &as, &n),
	         KV_OK);
	T_EQ_INT(n, 2);
	T_EQ_INT(absence_list(f->db, &f->ar, &f->opp_editor, siri, 0, &as, &n),
	         KV_FORBIDDEN);
	T_EQ_INT(absence_list(f->db, &f->ar, &f->comms, siri, 0, &as, &n),
	         KV_FORBIDDEN);
	T_EQ_INT(absence_list(f->db, &f->ar, &f->admin, 999999, 0, &as, &n),
	         KV_NOTFOUND);

	/* an absence in the middle of a shift cuts a gap out of it */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(absence_create(f->db, &f->ar, &f->librarian, tor, "other",
	                        "2027-05-12T12:00", "2027-05-12T14:00",
	                        "Tannlege", &ab, &v),
	         KV_OK);
	T_EQ_INT(cover(f, &f->admin, "Bibliotekbloggen", "2027-05-11",
	               "2027-05-18", &c),
	         KV_OK);
	if (T_EQ_INT(c.ngaps, 1)) {
		T_EQ_STR(local_iso(c.gaps[0].from),
		         "2027-05-12T12:00:00+02:00");
		T_EQ_STR(local_iso(c.gaps[0].to), "2027-05-12T14:00:00+02:00");
		if (T_EQ_INT(c.gaps[0].nabsent, 1))
			T_EQ_STR(c.gaps[0].absent_names[0], "Tor Einar Moe");
	}

	/* removing: others' absences are not there for Siri */
	before = snapshot(f);
	T_EQ_INT(absence_delete(f->db, &f->ar, &f->ung_editor, ab.id),
	         KV_NOTFOUND);
	T_EQ_STR(snapshot(f), before);
	T_EQ_INT(absence_delete(f->db, &f->ar, &f->librarian, ab.id), KV_OK);
	T_EQ_INT(cover(f, &f->admin, "Bibliotekbloggen", "2027-05-11",
	               "2027-05-18", &c),
	         KV_OK);
	T_EQ_INT(c.ngaps, 0);
#undef REFUSE
}

static void
rota_suite(enum db_kind kind)
{
	struct fx f;
	if (fx_setup(&f, kind)) {
		check_shifts(&f);
		check_absences(&f);
	}
	fx_done(&f);
}

T_TEST(rota_sqlite)
{
	rota_suite(DB_SQLITE);
}

T_TEST(rota_pg)
{
	rota_suite(DB_PG);
}

/* --- upkeep
 * --------------------------------------------------------------------- */

static void
check_upkeep(struct fx *f)
{
	struct upkeep u, *us;
	struct update_entry e, *es;
	struct verrs v = {0};
	int n = 0;
	int64_t now = time_now();
	int64_t x = channel_id(f->db, "@meldalkommune");
	int64_t forum = channel_id(f->db, "Nye tider, nye tanker");
	const char *before;
	char b[32];

	/* the demo: X is established and not followed up, the forum behind */
	T_EQ_INT(upkeep_status(f->db, &f->ar, &f->auditor, x, now, &u), KV_OK);
	T_EQ_INT(u.promised, 3);
	T_EQ_INT(u.window_days, 7);
	T_EQ_INT(u.actual, 0);
	T_EQ_INT(u.total, 2);
	T_EQ_INT(u.last_at, utc("2011-03-15T13:30:00Z"));
	T_EQ_INT(u.stale, 1);
	T_EQ_INT(upkeep_list(f->db, &f->ar, &f->opp_editor, now, 1, &us, &n),
	         KV_OK);
	if (T_EQ_INT(n, 2)) {
		T_EQ_STR(us[0].channel.name, "@meldalkommune");
		T_EQ_STR(us[1].channel.name, "Nye tider, nye tanker");
		T_EQ_INT(us[1].actual, 1);
	}
	T_EQ_INT(upkeep_list(f->db, &f->ar, &f->admin, now, 0, &us, &n), KV_OK);
	T_EQ_INT(n, 7); /* every active channel, stale ones first */
	T_EQ_INT(us[2].stale, 0);
	{
		json_t *j = upkeep_json(&us[0]);
		T_EQ_STR(json_string_value(json_object_get(j, "label")),
		         "profile established, not followed up");
		T_EQ_INT(json_integer_value(json_object_get(j, "behind_by")),
		         3);
		json_decref(j);
	}

	/* refusals write nothing */
	before = snapshot(f);
	T_EQ_INT(update_log_create(f->db, &f->ar, &f->ung_editor, forum,
	                           "2026-11-01T10:00", NULL, &e, &v),
	         KV_FORBIDDEN); /* not hers */
	T_EQ_INT(update_log_create(f->db, &f->ar, &f->auditor, forum,
	                           "2026-11-01T10:00", NULL, &e, &v),
	         KV_FORBIDDEN);
	memset(&v, 0, sizeof(v));
	time_fmt_iso(now + 3600, b);
	T_EQ_INT(update_log_create(f->db, &f->ar, &f->opp_editor, forum, b,
	                           NULL, &e, &v),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "published_at"), "cannot be in the future");
	memset(&v, 0, sizeof(v));
	T_EQ_INT(update_log_create(f->db, &f->ar, &f->opp_editor, forum,
	                           "i går", NULL, &e, &v),
	         KV_INVALID);
	T_ASSERT(verr_for(&v, "published_at") != NULL);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(update_log_create(f->db, &f->ar, &f->opp_editor, forum, "",
	                           NULL, &e, &v),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "published_at"), "is required");
	memset(&v, 0, sizeof(v));
	T_EQ_INT(update_log_create(f->db, &f->ar, &f->opp_editor, forum,
	                           "1999-12-31T12:00", NULL, &e, &v),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "published_at"), "is too far in the past");
	memset(&v, 0, sizeof(v));
	T_EQ_INT(update_log_create(f->db, &f->ar, &f->ung_editor,
	                           channel_id(f->db, "Ungdom i Meldal"),
	                           "2026-11-01T10:00", NULL, &e, &v),
	         KV_CONFLICT); /* requested: not open */
	T_EQ_STR(verr_for(&v, "channel_id"), "the channel is not open");
	T_EQ_STR(snapshot(f), before);

	/* the forum's editor logs a post: the forum meets its commitment */
	memset(&v, 0, sizeof(v));
	time_fmt_iso(now - 3600, b);
	T_EQ_INT(update_log_create(f->db, &f->ar, &f->opp_editor, forum, b,
	                           "Referat fra foreldremøtet", &e, &v),
	         KV_OK);
	T_EQ_STR(e.source, "manual");
	T_EQ_INT(upkeep_list(f->db, &f->ar, &f->admin, now, 1, &us, &n), KV_OK);
	if (T_EQ_INT(n, 1))
		T_EQ_STR(us[0].channel.name, "@meldalkommune");
	T_EQ_INT(
	    update_log_list(f->db, &f->ar, &f->ung_editor, forum, 10, &es, &n),
	    KV_OK);
	if (T_EQ_INT(n, 2)) {
		T_EQ_STR(es[0].note, "Referat fra foreldremøtet");
		T_EQ_STR(es[0].logged_by_name, "Marit Grindal");
	}
	/* a supervisor of the unit may log too */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(update_log_create(f->db, &f->ar, &f->ung_editor,
	                           channel_id(f->db, "Ungdomsleder i Meldal"),
	                           b, NULL, &e, &v),
	         KV_OK);
	/* a new channel is not judged before a whole period has passed */
	{
		struct channel c;
		memset(&c, 0, sizeof(c));
		c.platform = "mastodon";
		c.name = "Meldal på Mastodon";
		c.address = "@meldal@mastodon.example";
		c.unit_id = unit_find_by_name(f->db, f->admin.org_id,
		                              "Stab og service");
		c.status = "active";
		c.update_count = 3;
		c.update_period = "week";
		memset(&v, 0, sizeof(v));
		/* opened directly as the system actor: only an approved plan
		 * makes a channel active for people (plan.c) */
		T_EQ_INT(channel_create(f->db, &f->ar, &f->sys, &c, &v), KV_OK);
		T_EQ_INT(upkeep_status(f->db, &f->ar, &f->admin, c.id, now, &u),
		         KV_OK);
		T_EQ_INT(u.too_new, 1);
		T_EQ_INT(u.stale, 0);
		T_EQ_INT(upkeep_status(f->db, &f->ar, &f->admin, c.id,
		                       now + 8 * 86400, &u),
		         KV_OK);
		T_EQ_INT(u.too_new, 0);
		T_EQ_INT(u.stale, 1);
	}
}

/* --- reviews and closing -------------------------------------------------- */

static void
check_reviews(struct fx *f)
{
	struct review r, *rs;
	struct review_due *ds;
	struct verrs v = {0};
	struct policy p;
	int n = 0;
	char today[16], tomorrow[16];
	int64_t x = channel_id(f->db, "@meldalkommune");
	int64_t fb = channel_id(f->db, "Meldal kommune");
	int64_t blog = channel_id(f->db, "Bibliotekbloggen");
	const char *before;

	time_fmt_local_date(TZ, time_now(), today);
	time_fmt_local_date(TZ, time_now() + 86400, tomorrow);
	/* every open profile but the library blog is due */
	T_EQ_INT(review_list_due(f->db, &f->ar, &f->sys, today, 0, &ds, &n),
	         KV_OK);
	if (T_EQ_INT(n, 6)) {
		T_EQ_STR(ds[0].channel.name,
		         "Meldal kommune"); /* opened 2010 */
		T_EQ_STR(ds[0].due_on, "2011-09-01");
		T_EQ_STR(ds[0].last_reviewed_on, NULL);
		T_ASSERT(ds[0].days_overdue > 5000);
	}
	for (int i = 0; i < n; i++)
		T_ASSERT(strcmp(ds[i].channel.name, "Bibliotekbloggen") != 0);
	/* due within a year: the blog too, and the channel opened today in
	 * check_upkeep (due in twelve months) */
	T_EQ_INT(review_list_due(f->db, &f->ar, &f->sys, today, 366, &ds, &n),
	         KV_OK);
	T_EQ_INT(n, 8);

	/* refusals write nothing */
	before = snapshot(f);
	T_EQ_INT(review_create(f->db, &f->ar, &f->kultur_mgr, fb, NULL, "Fint.",
	                       "keep", &r, &v),
	         KV_FORBIDDEN); /* another unit */
	T_EQ_INT(review_create(f->db, &f->ar, &f->ung_editor,
	                       channel_id(f->db, "Ungdomsleder i Meldal"), NULL,
	                       "Fint.", "keep", &r, &v),
	         KV_FORBIDDEN); /* editors do not review their own */
	T_EQ_INT(review_create(f->db, &f->ar, &f->auditor, fb, NULL, "Fint.",
	                       "keep", &r, &v),
	         KV_FORBIDDEN);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(review_create(f->db, &f->ar, &f->web, fb, tomorrow, "  \n ",
	                       "drop", &r, &v),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "reviewed_on"), "cannot be in the future");
	T_EQ_STR(verr_for(&v, "findings"), "is required");
	T_EQ_STR(verr_for(&v, "outcome"), "must be keep, change or close");
	memset(&v, 0, sizeof(v));
	T_EQ_INT(review_create(f->db, &f->ar, &f->web, fb, "2027-02-30",
	                       "Fint.", NULL, &r, &v),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "reviewed_on"), "must be a date as YYYY-MM-DD");
	T_EQ_STR(verr_for(&v, "outcome"), "is required");
	memset(&v, 0, sizeof(v));
	T_EQ_INT(review_create(f->db, &f->ar, &f->web,
	                       channel_id(f->db, "Ungdom i Meldal"), NULL,
	                       "Fint.", "keep", &r, &v),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "channel_id"), "the channel is not open yet");
	T_EQ_STR(snapshot(f), before);

	/* the decision maker reviews the main page: no longer due */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(review_create(f->db, &f->ar, &f->decider, fb, NULL,
	                       "Over 900 som liker siden; bør brukes mer tid "
	                       "på oppfølging.",
	                       "change", &r, &v),
	         KV_OK);
	T_EQ_STR(r.reviewed_on, today);
	T_EQ_STR(channel_status(f, fb), "active");
	T_EQ_INT(review_list_due(f->db, &f->ar, &f->sys, today, 0, &ds, &n),
	         KV_OK);
	T_EQ_INT(n, 5);
	T_EQ_INT(review_list(f->db, &f->ar, &f->opp_editor, fb, &rs, &n),
	         KV_OK);
	if (T_EQ_INT(n, 1))
		T_EQ_STR(rs[0].reviewer_name, "Kari Rønning");
	/* a shorter interval makes the blog (reviewed a month ago) due */
	memset(&p, 0, sizeof(p));
	p.review_months = 1;
	p.watch_days = "all";
	p.watch_from_hour = 8;
	p.watch_to_hour = 22;
	memset(&v, 0, sizeof(v));
	T_EQ_INT(policy_set(f->db, &f->ar, &f->admin, &p, &v), KV_OK);
	T_EQ_INT(review_list_due(f->db, &f->ar, &f->sys, today, 7, &ds, &n),
	         KV_OK);
	{
		int blog_due = 0;
		for (int i = 0; i < n; i++)
			blog_due |= ds[i].channel.id == blog;
		T_ASSERT(blog_due);
	}

	/* the web editor reviews X and decides to close it: 'closing' */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(review_create(f->db, &f->ar, &f->web, x, NULL,
	                       "Profil etablert, ikke fulgt opp siden 2011.",
	                       "close", &r, &v),
	         KV_OK);
	T_EQ_STR(channel_status(f, x), "closing");
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM audit WHERE object_type "
	                      "= 'channel' AND action = 'update' AND "
	                      "after_json LIKE '%closing%'"),
	         1);
}

static void
check_close(struct fx *f)
{
	struct closure k;
	struct verrs v = {0};
	struct channel c;
	struct shift s;
	struct update_entry e;
	struct review r;
	int64_t x = channel_id(f->db, "@meldalkommune");
	int64_t insta = channel_id(f->db, "Ungdom i Meldal");
	char tomorrow[16], earlier[16];
	/* 40 characters (code points), 41 bytes: "å" is one character */
	const char *just40 = "Ingen fulgte opp, og få så profilen.1234";
	const char *analysis =
	    "Profilen ble opprettet i 2011, men ingen fikk tid til å følge den "
	    "opp, og innbyggerne bruker Facebook-siden.";
	const char *before = snapshot(f);

	time_fmt_local_date(TZ, time_now() + 86400, tomorrow);
	time_fmt_local_date(TZ, time_now() - 20 * 86400, earlier);
	T_EQ_INT((int)utf8_len(just40), 40);
#define REFUSE(rc_want, actor, ch, an, tr, on)                                 \
	do {                                                                   \
		memset(&v, 0, sizeof(v));                                      \
		T_EQ_INT(channel_close(f->db, &f->ar, (actor), (ch), (an),     \
		                       (tr), (on), &k, &v),                    \
		         (rc_want));                                           \
		T_EQ_STR(snapshot(f), before);                                 \
		T_EQ_STR(channel_status(f, x), "closing");                     \
	} while (0)

	/* who may not close */
	REFUSE(KV_FORBIDDEN, &f->kultur_mgr, x, analysis, "Alt", NULL);
	REFUSE(KV_FORBIDDEN, &f->decider, x, analysis, "Alt", NULL);
	REFUSE(KV_FORBIDDEN, &f->opp_editor, x, analysis, "Alt", NULL);
	REFUSE(KV_FORBIDDEN, &f->auditor, x, analysis, "Alt", NULL);
	/* without an analysis, or a too short one, or nothing tried */
	REFUSE(KV_INVALID, &f->web, x, NULL, NULL, NULL);
	T_EQ_STR(verr_for(&v, "analysis"), "is required");
	T_EQ_STR(verr_for(&v, "tried"), "is required");
	REFUSE(KV_INVALID, &f->web, x, "   \n\t ", "Ingenting", NULL);
	T_EQ_STR(verr_for(&v, "analysis"), "is required");
	REFUSE(KV_INVALID, &f->web, x,
	       "Ingen fulgte opp, og få så profilen.123",
	       "Vi prøvde å poste ukentlig.", NULL);
	T_EQ_STR(verr_for(&v, "analysis"),
	         "must explain in at least 40 characters why the channel did "
	         "not work");
	REFUSE(KV_INVALID, &f->web, x, analysis, " ", NULL);
	T_EQ_STR(verr_for(&v, "tried"), "is required");
	REFUSE(KV_INVALID, &f->web, x, analysis, "Ukentlige innlegg", tomorrow);
	T_EQ_STR(verr_for(&v, "closed_on"), "cannot be in the future");
	REFUSE(KV_INVALID, &f->web, x, analysis, "Ukentlige innlegg",
	       "2011-02-28");
	T_EQ_STR(verr_for(&v, "closed_on"), "cannot be before opened_on");
	REFUSE(KV_INVALID, &f->web, x, analysis, "Ukentlige innlegg", "i dag");
	T_EQ_STR(verr_for(&v, "closed_on"), "must be a date as YYYY-MM-DD");
	/* a channel that never opened cannot be closed */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_close(f->db, &f->ar, &f->web, insta, analysis,
	                       "Ingenting", NULL, &k, &v),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "status"), "the channel was never opened");
	T_EQ_STR(snapshot(f), before);

	/* the web editor closes it, with exactly 40 characters */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_close(f->db, &f->ar, &f->web, x, just40,
	                       "Vi prøvde å legge ut ukentlige nyheter i 2011.",
	                       earlier, &k, &v),
	         KV_OK);
	T_ASSERT(k.id > 0);
	T_EQ_INT(channel_get(f->db, &f->ar, &f->opp_editor, x, &c), KV_OK);
	T_EQ_STR(c.status, "closed");
	T_EQ_STR(c.closed_on, earlier);
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM closures"), 1);
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM audit WHERE action = "
	                      "'close' AND object_type = 'channel'"),
	         1);
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM audit WHERE object_type "
	                      "= 'closure'"),
	         1);
	/* the final capture: the register entry and its update log */
	T_EQ_INT(closure_get(f->db, &f->ar, &f->auditor, x, &k), KV_OK);
	T_EQ_STR(k.closed_by_name, "Ingrid Løkken");
	{
		json_t *cap = json_loads(k.capture_json, 0, NULL);
		json_t *ch = json_object_get(cap, "channel");
		T_ASSERT(cap != NULL);
		T_EQ_STR(json_string_value(json_object_get(ch, "name")),
		         "@meldalkommune");
		T_EQ_STR(json_string_value(json_object_get(ch, "status")),
		         "closing");
		T_EQ_INT(json_array_size(json_object_get(cap, "update_log")),
		         2);
		T_EQ_INT(json_array_size(json_object_get(cap, "reviews")), 1);
		T_ASSERT(
		    json_is_null(json_object_get(cap, "platform_capture")));
		json_decref(cap);
	}
	/* the register keeps it */
	{
		struct channel_filter cf;
		struct channel *cs;
		int n = 0;
		int64_t total = 0;
		memset(&cf, 0, sizeof(cf));
		cf.status = "closed";
		T_EQ_INT(channel_list(f->db, &f->ar, &f->opp_editor, &cf, &cs,
		                      &n, &total),
		         KV_OK);
		if (T_EQ_INT(n, 1))
			T_EQ_STR(cs[0].name, "@meldalkommune");
	}
	/* a closed channel is closed for everything else */
	before = snapshot(f);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_close(f->db, &f->ar, &f->web, x, analysis, "Alt", NULL,
	                       &k, &v),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "status"), "the channel is already closed");
	memset(&v, 0, sizeof(v));
	T_EQ_INT(shift_create(f->db, &f->ar, &f->web, x,
	                      person_id(f->db, "ingrid.lokken"),
	                      "2027-06-01T08:00", "2027-06-01T16:00", NULL, &s,
	                      &v),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "channel_id"), "the channel is closed");
	memset(&v, 0, sizeof(v));
	T_EQ_INT(update_log_create(f->db, &f->ar, &f->web, x,
	                           "2026-11-01T10:00", NULL, &e, &v),
	         KV_CONFLICT);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(review_create(f->db, &f->ar, &f->web, x, NULL, "Stengt.",
	                       "keep", &r, &v),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "channel_id"), "the channel is closed");
	T_EQ_STR(snapshot(f), before);
	/* nor does it need watching any more */
	{
		struct coverage cv;
		T_EQ_INT(cover(f, &f->admin, "@meldalkommune", "2027-05-11",
		               "2027-05-18", &cv),
		         KV_OK);
		T_EQ_INT(cv.ngaps, 0);
	}
	/* a channel closed straight from active works as well */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_close(f->db, &f->ar, &f->comms,
	                       channel_id(f->db, "Jobb i Meldal"), analysis,
	                       "Annonser på kommunens nettsider i stedet.",
	                       NULL, &k, &v),
	         KV_OK);
	T_EQ_INT(closure_get(f->db, &f->ar, &f->admin,
	                     channel_id(f->db, "Bibliotekbloggen"), &k),
	         KV_NOTFOUND);
	/* and the audit chain still holds */
	{
		int64_t checked = 0, bad = 0, hseq = 0;
		const char *why = NULL;
		char hhash[65];
		T_EQ_INT(audit_verify(f->db, 0, NULL, &checked, &bad, &why,
		                      &hseq, hhash),
		         0);
	}
#undef REFUSE
}

static void
governance_suite(enum db_kind kind)
{
	struct fx f;
	if (fx_setup(&f, kind)) {
		check_upkeep(&f);
		check_reviews(&f);
		check_close(&f);
	}
	fx_done(&f);
}

T_TEST(governance_sqlite)
{
	governance_suite(DB_SQLITE);
}

T_TEST(governance_pg)
{
	governance_suite(DB_PG);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(easter_dates),  T_ENTRY(norway_2027),
	    T_ENTRY(sweden),        T_ENTRY(days_off),
	    T_ENTRY(local_time),    T_ENTRY(coverage_sqlite),
	    T_ENTRY(coverage_pg),   T_ENTRY(rota_sqlite),
	    T_ENTRY(rota_pg),       T_ENTRY(governance_sqlite),
	    T_ENTRY(governance_pg),
	};
	int rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
