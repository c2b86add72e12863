/*
 * rota_demo.c - the rota, upkeep and review part of the demo organisation
 * (Meldal kommune, seed 004), called from demo_load().
 *
 * The story it tells:
 *  - Meldal watches its channels 08:00–22:00 every day, holidays included
 *    (seed 003 "Kontinuerlig uppsikt", R2.5);
 *  - a week of shifts, Tuesday 11 – Monday 17 May 2027, for every active
 *    channel, by the people who run each (seed 004).  Monday 17 May 2027 is
 *    both Grunnlovsdag and 2. pinsedag, and nobody was put on the main
 *    profiles (the Facebook page, Jobb i Meldal, X) that day: the coverage
 *    view shows those gaps, named as holidays, long before they happen;
 *  - the youth leader, who watches "Ungdomsleder i Meldal", has holiday on
 *    13–14 May, so that page has a gap with her named as absent;
 *  - the update log: every profile has recent entries that meet its
 *    commitment, except the forum (one of two a week) and @meldalkommune on
 *    X, whose only entries are from when it was set up in March 2011 —
 *    "Profil etablert / Ikke fulgt opp" (seed 004): the stalest channel;
 *  - the library blog was reviewed a month ago; every other profile has
 *    never been reviewed and is due.
 * Everything goes through the domain functions as the system actor, so the
 * audit log records it like any other change.
 */
#include "review.h"
#include "rota.h"
#include "upkeep.h"
#include "../base/holidays.h"
#include "../base/log.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

#define DEMO_DOMAIN "meldal-kommune.example"

struct demo_watch {
	const char *channel;    /* channel name */
	const char *watcher;    /* e-mail local part */
	const char *skip_dates; /* "YYYY-MM-DD,…": days nobody was put on */
};

static const struct demo_watch watches[] = {
    {"Meldal kommune", "anne.lise.fossum", "2027-05-17"},
    {"Jobb i Meldal", "ingrid.lokken", "2027-05-17"},
    {"@meldalkommune", "ingrid.lokken", "2027-05-17"},
    {"Ungdomsleder i Meldal", "siri.bakken", ""},
    {"Meldal kommune på Vimeo", "ingrid.lokken", ""},
    {"Nye tider, nye tanker", "marit.grindal", ""},
    {"Bibliotekbloggen", "tor.einar.moe", ""},
};

struct demo_update {
	const char *channel;
	int days_ago[4]; /* 0 ends the list; or fixed dates below */
	const char *fixed[3];
	const char *note;
};

static const struct demo_update updates[] = {
    {"Meldal kommune", {1, 3, 5, 0}, {NULL}, "Innlegg på Facebook-siden"},
    {"Jobb i Meldal", {2, 4, 0, 0}, {NULL}, "Ny stillingsannonse delt"},
    {"Ungdomsleder i Meldal", {1, 6, 0, 0}, {NULL}, "Aktiviteter i helgen"},
    {"Meldal kommune på Vimeo", {10, 0, 0, 0}, {NULL}, "Ny video lastet opp"},
    {"Nye tider, nye tanker", {3, 0, 0, 0}, {NULL}, "Nytt innlegg i forumet"},
    {"Bibliotekbloggen", {2, 0, 0, 0}, {NULL}, "Ukens boktips"},
    {"@meldalkommune",
     {0},
     {"2011-03-01T10:00", "2011-03-15T14:30", NULL},
     "Profilen opprettet; første meldinger"},
};

static int64_t
channel_by_name(struct db *db, int64_t org_id, const char *name)
{
	int64_t id = 0;
	db_get_i64(db, &id,
	           "SELECT id FROM channels WHERE org_id = ? AND name = ?",
	           "it", org_id, name);
	return id;
}

static int64_t
person_by_local(struct db *db, const char *local)
{
	char email[KV_MAX_EMAIL + 1];
	snprintf(email, sizeof(email), "%s@%s", local, DEMO_DOMAIN);
	return person_find_by_email(db, email);
}

static enum kv_rc
fail(const char *what, enum kv_rc rc, const struct verrs *v)
{
	log_err("demo (rota): %s failed (%d)%s%s%s%s", what, (int)rc,
	        v->n ? ": " : "", v->n ? v->e[0].field : "", v->n ? " " : "",
	        v->n ? v->e[0].reason : "");
	return rc;
}

enum kv_rc
rota_demo_load(struct db *db, struct arena *ar, const struct actor *sys)
{
	struct policy p;
	struct verrs v = {0};
	struct org o;
	enum kv_rc rc;
	int64_t now = time_now();
	char b[32];

	if ((rc = org_get(db, ar, sys->org_id, &o)) != KV_OK)
		return rc;
	memset(&p, 0, sizeof(p));
	p.review_months = 12;
	p.watch_days = "all";
	p.watch_from_hour = 8;
	p.watch_to_hour = 22;
	if ((rc = policy_set(db, ar, sys, &p, &v)) != KV_OK)
		return fail("policy", rc, &v);

	for (size_t i = 0; i < ARRAY_LEN(watches); i++) {
		int64_t cid =
		    channel_by_name(db, sys->org_id, watches[i].channel);
		int64_t pid = person_by_local(db, watches[i].watcher);
		for (int day = 11; day <= 17; day++) {
			struct shift s;
			char date[24], from[40], to[40];
			snprintf(date, sizeof(date), "2027-05-%02d", day);
			if (strstr(watches[i].skip_dates, date) != NULL)
				continue;
			snprintf(from, sizeof(from), "%sT08:00", date);
			snprintf(to, sizeof(to), "%sT22:00", date);
			memset(&v, 0, sizeof(v));
			rc = shift_create(db, ar, sys, cid, pid, from, to,
			                  "Vakt i mai 2027", &s, &v);
			if (rc != KV_OK)
				return fail(watches[i].channel, rc, &v);
		}
	}
	{
		struct absence ab;
		memset(&v, 0, sizeof(v));
		rc = absence_create(
		    db, ar, sys, person_by_local(db, "siri.bakken"), "holiday",
		    "2027-05-13", "2027-05-14", "Ferie", &ab, &v);
		if (rc != KV_OK)
			return fail("absence", rc, &v);
	}

	for (size_t i = 0; i < ARRAY_LEN(updates); i++) {
		const struct demo_update *d = &updates[i];
		int64_t cid = channel_by_name(db, sys->org_id, d->channel);
		struct update_entry e;
		for (int k = 0; k < 4 && d->days_ago[k] > 0; k++) {
			time_fmt_iso(now - (int64_t)d->days_ago[k] * 86400, b);
			memset(&v, 0, sizeof(v));
			rc = update_log_create(db, ar, sys, cid, b, d->note, &e,
			                       &v);
			if (rc != KV_OK)
				return fail(d->channel, rc, &v);
		}
		for (int k = 0; k < 3 && d->fixed[k] != NULL; k++) {
			memset(&v, 0, sizeof(v));
			rc = update_log_create(db, ar, sys, cid, d->fixed[k],
			                       d->note, &e, &v);
			if (rc != KV_OK)
				return fail(d->channel, rc, &v);
		}
	}

	{
		struct review r;
		memset(&v, 0, sizeof(v));
		rc = review_create(
		    db, ar, sys,
		    channel_by_name(db, sys->org_id, "Bibliotekbloggen"),
		    time_fmt_local_date(o.timezone, now - 30 * 86400, b),
		    "Bloggen oppdateres hver uke med boktips og nyheter, og "
		    "lånerne kommenterer. Fortsetter som før.",
		    "keep", &r, &v);
		if (rc != KV_OK)
			return fail("review", rc, &v);
	}
	return KV_OK;
}
