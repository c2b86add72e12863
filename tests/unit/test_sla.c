/*
 * test_sla.c - unit tests of the inbox's due-time rule (inbox_due_at in
 * src/inbox/sla.c) and the state and outcome names.
 *
 * Covered: same-day mode on an ordinary weekday (before opening, within
 * hours, at and after close), Friday evening and the weekend, Norwegian
 * Easter (skjærtorsdag, langfredag, 2. påskedag — with the spring clock
 * change in the same weekend), Swedish Easter (skärtorsdagen is a working
 * day), midsommarafton in Sweden (de facto day off) against an ordinary
 * Friday in Norway, 17 May 2027 (also 2. pinsedag), the autumn clock
 * change, 24-hour mode (weekday, landing on a Saturday, landing on a
 * business day after hours, across a clock change), the "watch" rule
 * (weekends count), a close hour of 24.
 *
 * Expected instants are written as UTC literals worked out by hand from
 * the calendar (CET = UTC+1, CEST = UTC+2), not through the code under
 * test.
 */
#include "t.h"

#include "../../src/base/holidays.h"
#include "../../src/base/util.h"
#include "../../src/inbox/inbox.h"

#include <stdint.h>
#include <string.h>

#define OSLO "Europe/Oslo"
#define STHM "Europe/Stockholm"

/* UTC instant of "YYYY-MM-DDTHH:MM:SSZ". */
static int64_t
utc(const char *s)
{
	int64_t t = 0;
	if (!T_ASSERT(time_parse_iso(s, &t) == 0))
		fprintf(stderr, "     bad literal %s\n", s);
	return t;
}

/* inbox_due_at of a shown time given as UTC, printed as UTC. */
static const char *
due(const struct inbox_policy *p, const char *country, const char *tz,
    const char *shown)
{
	static char out[32];
	return time_fmt_iso(inbox_due_at(p, country, tz, utc(shown)), out);
}

static void
defaults(struct inbox_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = "same_day";
	p->open_hour = 8;
	p->close_hour = 16;
	p->days_off = "next_business_day";
	p->escalate_after_min = 120;
}

T_TEST(same_day_weekday)
{
	struct inbox_policy p;
	defaults(&p);
	/* Wednesday 10 March 2027 (CET): 09:15, 06:30, 15:59 → 16:00 */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-10T08:15:00Z"),
	         "2027-03-10T15:00:00Z");
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-10T05:30:00Z"),
	         "2027-03-10T15:00:00Z");
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-10T14:59:59Z"),
	         "2027-03-10T15:00:00Z");
	/* at 16:00 and after: Thursday 16:00 */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-10T15:00:00Z"),
	         "2027-03-11T15:00:00Z");
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-10T21:40:00Z"),
	         "2027-03-11T15:00:00Z");
	/* 23:30 local is 22:30Z: still Wednesday locally */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-10T22:30:00Z"),
	         "2027-03-11T15:00:00Z");
	/* 00:30 local Thursday is 23:30Z Wednesday: due Thursday */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-10T23:30:00Z"),
	         "2027-03-11T15:00:00Z");
}

T_TEST(friday_and_weekend)
{
	struct inbox_policy p;
	defaults(&p);
	/* Friday 12 March 2027 17:30 → Monday 15 March 16:00 */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-12T16:30:00Z"),
	         "2027-03-15T15:00:00Z");
	/* Friday 13:00 → the same Friday */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-12T12:00:00Z"),
	         "2027-03-12T15:00:00Z");
	/* Saturday 11:00 and Sunday 20:00 → Monday */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-13T10:00:00Z"),
	         "2027-03-15T15:00:00Z");
	T_EQ_STR(due(&p, "SE", STHM, "2027-03-14T19:00:00Z"),
	         "2027-03-15T15:00:00Z");
}

T_TEST(easter)
{
	struct inbox_policy p;
	defaults(&p);
	/* Norway 2027: Wednesday 24 March 18:00 (CET); skjærtorsdag 25,
	 * langfredag 26, Saturday, påskedag 28 (clocks go forward), 2.
	 * påskedag 29 → Tuesday 30 March 16:00 CEST = 14:00Z */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-24T17:00:00Z"),
	         "2027-03-30T14:00:00Z");
	/* shown on langfredag → the same Tuesday */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-26T09:00:00Z"),
	         "2027-03-30T14:00:00Z");
	/* Sweden: skärtorsdagen is a working day → Thursday 25, 16:00 CET;
	 * långfredagen → annandag påsk is off too → Tuesday 30 */
	T_EQ_STR(due(&p, "SE", STHM, "2027-03-24T17:00:00Z"),
	         "2027-03-25T15:00:00Z");
	T_EQ_STR(due(&p, "SE", STHM, "2027-03-25T16:00:00Z"),
	         "2027-03-30T14:00:00Z");
}

T_TEST(midsummer_and_17_may)
{
	struct inbox_policy p;
	defaults(&p);
	/* Thursday 24 June 2027 17:00 CEST: in Sweden midsommarafton (Fri)
	 * and midsommardagen (Sat) are off → Monday 28 June 16:00; in Norway
	 * the Friday is a working day */
	T_EQ_STR(due(&p, "SE", STHM, "2027-06-24T15:00:00Z"),
	         "2027-06-28T14:00:00Z");
	T_EQ_STR(due(&p, "NO", OSLO, "2027-06-24T15:00:00Z"),
	         "2027-06-25T14:00:00Z");
	/* Friday 14 May 2027 16:30 → Saturday, pinsedag (Sunday 16), 17 May
	 * (Monday, grunnlovsdag and 2. pinsedag) → Tuesday 18 May 16:00 */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-05-14T14:30:00Z"),
	         "2027-05-18T14:00:00Z");
	/* shown on 17 May itself at 10:00 → Tuesday */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-05-17T08:00:00Z"),
	         "2027-05-18T14:00:00Z");
	/* in Sweden 17 May is a Monday like any other */
	T_EQ_STR(due(&p, "SE", STHM, "2027-05-17T08:00:00Z"),
	         "2027-05-17T14:00:00Z");
}

T_TEST(autumn_clock_change)
{
	struct inbox_policy p;
	defaults(&p);
	/* Saturday 30 October 2027 12:00 CEST; clocks go back on Sunday 31
	 * → Monday 1 November 16:00 CET = 15:00Z */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-10-30T10:00:00Z"),
	         "2027-11-01T15:00:00Z");
	/* Sweden: Alla helgons dag 2027 is Saturday 6 November, so Monday
	 * 1 November is a working day */
	T_EQ_STR(due(&p, "SE", STHM, "2027-10-30T10:00:00Z"),
	         "2027-11-01T15:00:00Z");
}

T_TEST(mode_24h)
{
	struct inbox_policy p;
	defaults(&p);
	p.mode = "24h";
	/* Tuesday 9 March 10:00 → Wednesday 10:00 */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-09T09:00:00Z"),
	         "2027-03-10T09:00:00Z");
	/* Thursday 20:00 → Friday 20:00 (a business day, after hours: the
	 * 24 hours stand) */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-11T19:00:00Z"),
	         "2027-03-12T19:00:00Z");
	/* Friday 10:00 → lands on Saturday → Monday 16:00 */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-12T09:00:00Z"),
	         "2027-03-15T15:00:00Z");
	/* Wednesday before Easter 12:00 → skjærtorsdag → Tuesday 30 March
	 * 16:00 CEST */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-24T11:00:00Z"),
	         "2027-03-30T14:00:00Z");
	/* with "watch" days off: exactly 24 hours, also across the spring
	 * clock change (Saturday 27 March 12:00 CET → Sunday 13:00 CEST) */
	p.days_off = "watch";
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-27T11:00:00Z"),
	         "2027-03-28T11:00:00Z");
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-12T09:00:00Z"),
	         "2027-03-13T09:00:00Z");
}

T_TEST(watch_mode)
{
	struct inbox_policy p;
	defaults(&p);
	p.days_off = "watch";
	/* Saturday 11:00 → Saturday 16:00; Saturday 17:00 → Sunday 16:00 */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-13T10:00:00Z"),
	         "2027-03-13T15:00:00Z");
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-13T16:00:00Z"),
	         "2027-03-14T15:00:00Z");
	/* langfredag counts too (still CET: 16:00 = 15:00Z) */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-26T09:00:00Z"),
	         "2027-03-26T15:00:00Z");
	/* Friday evening → Saturday */
	T_EQ_STR(due(&p, "SE", STHM, "2027-06-24T17:00:00Z"),
	         "2027-06-25T14:00:00Z");
}

T_TEST(other_hours)
{
	struct inbox_policy p;
	defaults(&p);
	/* close at 24: Wednesday 22:00 → midnight into Thursday */
	p.open_hour = 7;
	p.close_hour = 24;
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-10T21:00:00Z"),
	         "2027-03-10T23:00:00Z");
	/* Friday 23:30 is before Friday's close at midnight */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-12T22:30:00Z"),
	         "2027-03-12T23:00:00Z");
	/* Saturday 10:00 → Monday's close, midnight into Tuesday */
	T_EQ_STR(due(&p, "NO", OSLO, "2027-03-13T09:00:00Z"),
	         "2027-03-15T23:00:00Z");
	/* close at 15 in summer time */
	p.close_hour = 15;
	T_EQ_STR(due(&p, "NO", OSLO, "2027-06-02T08:00:00Z"),
	         "2027-06-02T13:00:00Z");
}

T_TEST(names)
{
	T_EQ_STR(inbox_state_name(IS_NEW), "new");
	T_EQ_STR(inbox_state_name(IS_NO_ANSWER), "no_answer");
	T_EQ_STR(inbox_state_name(IS_REGISTRY), "registry");
	T_EQ_STR(inbox_state_name(IS__COUNT), NULL);
	T_EQ_STR(inbox_state_name(-1), NULL);
	T_EQ_INT(inbox_state_parse("assigned"), IS_ASSIGNED);
	T_EQ_INT(inbox_state_parse("removed"), IS_REMOVED);
	T_EQ_INT(inbox_state_parse("Removed"), -1);
	T_EQ_INT(inbox_state_parse(NULL), -1);
	T_EQ_STR(inbox_outcome_name(IO_NONE), "");
	T_EQ_STR(inbox_outcome_name(IO_HELPED), "helped");
	T_EQ_STR(inbox_outcome_name(IO__COUNT), NULL);
	T_EQ_INT(inbox_outcome_parse("referred"), IO_REFERRED);
	T_EQ_INT(inbox_outcome_parse("x"), -1);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(same_day_weekday),
	    T_ENTRY(friday_and_weekend),
	    T_ENTRY(easter),
	    T_ENTRY(midsummer_and_17_may),
	    T_ENTRY(autumn_clock_change),
	    T_ENTRY(mode_24h),
	    T_ENTRY(watch_mode),
	    T_ENTRY(other_hours),
	    T_ENTRY(names),
	};
	return T_RUN(tests, argc, argv);
}
