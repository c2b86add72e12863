/*
 * rota.h - continuous supervision of channels (REQUIREMENTS.md R2.5, seed
 * 003 "Kontinuerlig uppsikt över kanalen"): the organisation's governance
 * policy (which hours a channel must be watched, how often channels are
 * reviewed), shifts per channel, people's absences, and the coverage view
 * that finds every stretch of time in which a channel has nobody on watch —
 * before it happens — and names the public holidays it falls on.
 *
 * Who may do what (checked inside each function):
 *  - manage a channel's shifts: the unit manager of the channel's unit (or
 *    a unit above), the communications unit, the web editor, admin
 *    (channel_can_create on the channel's unit);
 *  - see a channel's shifts: those, plus anyone with an organisation-wide
 *    grant, anyone with a role in the channel's unit (or above), its
 *    responsible person and editors, and anyone with a shift on it;
 *  - record an absence: the person themself; for others, their unit
 *    manager (of their unit or above) and admin.  Absences (their kind may
 *    be sick leave) are shown only to the same people; the coverage view
 *    names who is absent, never why;
 *  - see coverage: whoever may see the channel (channel_get).
 * Times are computed in UTC; the organisation's zone (orgs.timezone) turns
 * local dates and hours into instants, and its country (NO/SE) picks the
 * holiday calendar.
 */
#ifndef KV_ROTA_H
#define KV_ROTA_H

#include "domain.h"

/* --- governance policy ------------------------------------------------- */

struct policy {
	int64_t org_id;
	int review_months;      /* 1…60, default 12 */
	const char *watch_days; /* "all" (default) or "business" */
	int watch_from_hour;    /* local hour a watch day starts, default 0 */
	int watch_to_hour;      /* local hour it ends (1…24), default 24 */
	int64_t updated_at;     /* 0 while the defaults apply */
};

extern const char *const policy_watch_days[]; /* "all", "business", NULL */

/* The actor's organisation's policy (the defaults when none is stored).
 * Anyone signed in may read it. */
enum kv_rc policy_get(struct db *db, struct arena *ar, const struct actor *a,
                      struct policy *p);
/* Validates and stores p for the actor's organisation (admin only). */
enum kv_rc policy_set(struct db *db, struct arena *ar, const struct actor *a,
                      struct policy *p, struct verrs *v);
json_t *policy_json(const struct policy *p);

/* --- shifts ------------------------------------------------------------ */

#define ROTA_MAX_SHIFT_DAYS   92  /* longest single shift */
#define ROTA_MAX_PERIOD_DAYS  92  /* longest coverage period */
#define ROTA_MAX_ABSENCE_DAYS 366 /* longest single absence */
#define ROTA_ALERT_DAYS       14  /* gaps this close raise alerts */

struct shift {
	int64_t id, channel_id, person_id, starts_at, ends_at;
	int64_t created_by, created_at;
	const char *note;
	const char *person_name, *channel_name; /* joined for display */
};

/* 1 when the actor may add and remove shifts of channel c. */
int rota_can_manage(struct db *db, const struct actor *a,
                    const struct channel *c);
/* 1 when the actor may see who is on shift for channel c. */
int rota_can_view(struct db *db, const struct actor *a,
                  const struct channel *c);

/* Adds a shift: person_id watches channel_id from starts to ends, both
 * ISO 8601 (see iso_parse_local: a date or a local time in the
 * organisation's zone, or an instant with Z or an offset).  Refuses
 * KV_INVALID (bad or missing times, ends not after starts, longer than
 * ROTA_MAX_SHIFT_DAYS, unknown or inactive person, note too long),
 * KV_CONFLICT (the channel is closed; the person already has an
 * overlapping shift on the channel), KV_NOTFOUND, KV_FORBIDDEN.  *out
 * (arena) on success. */
enum kv_rc shift_create(struct db *db, struct arena *ar, const struct actor *a,
                        int64_t channel_id, int64_t person_id,
                        const char *starts, const char *ends, const char *note,
                        struct shift *out, struct verrs *v);
/* One shift, for whoever may see the channel's rota (KV_NOTFOUND when the
 * channel is hidden, KV_FORBIDDEN when only the rota is). */
enum kv_rc shift_get(struct db *db, struct arena *ar, const struct actor *a,
                     int64_t shift_id, struct shift *out);
/* Removes a shift (same rights as adding one). */
enum kv_rc shift_delete(struct db *db, struct arena *ar, const struct actor *a,
                        int64_t shift_id);
/* Shifts of a channel overlapping [from, to), by start; from = to = 0 means
 * all.  Needs rota_can_view (KV_FORBIDDEN).  Arena memory. */
enum kv_rc shift_list(struct db *db, struct arena *ar, const struct actor *a,
                      int64_t channel_id, int64_t from, int64_t to,
                      struct shift **out, int *n);
/* JSON of a shift with UTC and local (tz) times; caller owns it. */
json_t *shift_json(const struct shift *s, const char *tz);

/* --- absences ---------------------------------------------------------- */

struct absence {
	int64_t id, person_id, starts_at, ends_at, created_by, created_at;
	const char *kind, *note, *person_name;
	int all_day;
};

extern const char *const absence_kinds[]; /* holiday leave sick other */
extern const char *const absence_kind_labels[];

/* 1 when the actor may record and see the absences of person_id. */
int absence_can_manage(struct db *db, const struct actor *a, int64_t person_id);
/* Records that person_id is away from `from` to `to` (ISO 8601): two dates
 * mean whole local days, both included; date-times are instants.  Kind is
 * one of absence_kinds.  KV_INVALID, KV_NOTFOUND (no such person in the
 * organisation), KV_FORBIDDEN.  *out (arena) on success. */
enum kv_rc absence_create(struct db *db, struct arena *ar,
                          const struct actor *a, int64_t person_id,
                          const char *kind, const char *from, const char *to,
                          const char *note, struct absence *out,
                          struct verrs *v);
/* One absence, for the same people (KV_NOTFOUND for anyone else). */
enum kv_rc absence_get(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t absence_id, struct absence *out);
/* Removes an absence (same rights as recording it). */
enum kv_rc absence_delete(struct db *db, struct arena *ar,
                          const struct actor *a, int64_t absence_id);
/* A person's absences ending after `since` (0 = all), by start. */
enum kv_rc absence_list(struct db *db, struct arena *ar, const struct actor *a,
                        int64_t person_id, int64_t since, struct absence **out,
                        int *n);
/* JSON of an absence; all-day ones also carry from_date/to_date (local,
 * inclusive).  Caller owns it. */
json_t *absence_json(const struct absence *ab, const char *tz);

/* --- coverage ---------------------------------------------------------- */

struct span {
	int64_t from, to; /* [from, to), UTC */
};

struct gap_holiday {
	const char *date; /* local YYYY-MM-DD */
	const char *code, *name, *name_en, *lang;
	int official; /* 1 public holiday, 0 de facto day off */
};

struct gap {
	int64_t from, to;
	struct gap_holiday *holidays; /* holidays the gap touches */
	int nholidays;
	const char **absent_names; /* on shift but absent (rota viewers) */
	int nabsent;
	int absent_hidden; /* count of absentees not named to this actor */
};

enum { COVER_OFF = 0, COVER_OK = 1, COVER_GAP = 2 };

struct coverage {
	int64_t channel_id, from, to;
	const char *channel_name, *tz, *country;
	struct policy policy;
	struct span *required; /* hours that need a watcher, merged */
	int nrequired;
	struct gap *gaps; /* maximal stretches with nobody on watch */
	int ngaps;
	int64_t required_secs, uncovered_secs;
};

/* Computes the coverage of channel_id over [from, to) (UTC instants; at
 * most ROTA_MAX_PERIOD_DAYS): the required watch hours by the policy, and
 * the maximal gaps in them where no one is on shift or everyone on shift
 * is absent, each with the holidays of the organisation's country it
 * touches.  A channel that is not open (requested, planned, closed) needs
 * no watch and has no gaps.  KV_INVALID for a bad period, KV_NOTFOUND when
 * the channel is not visible.  Arena memory. */
enum kv_rc rota_coverage(struct db *db, struct arena *ar, const struct actor *a,
                         int64_t channel_id, int64_t from, int64_t to,
                         struct coverage *out, struct verrs *v);
/* COVER_OFF, COVER_OK or COVER_GAP for the instant t. */
int coverage_at(const struct coverage *c, int64_t t);
/* JSON of a coverage (gaps with from/to in UTC and local time, holiday
 * names); caller owns it. */
json_t *coverage_json(const struct coverage *c);

/* One channel with gaps, for the alert list. */
struct channel_gaps {
	struct channel channel;
	struct coverage cov;
};

/* The channels the actor can see that need watching (active, paused,
 * closing) and have gaps in [now, now + days), most uncovered first.
 * For the notifications helper: each item's channel.unit_id names the
 * unit whose manager gets the alert.  Arena memory. */
enum kv_rc rota_upcoming_gaps(struct db *db, struct arena *ar,
                              const struct actor *a, int64_t now, int days,
                              struct channel_gaps **out, int *n);

/* --- demo --------------------------------------------------------------- */

/* Loads the rota, update log and review part of the demo organisation (a
 * week of shifts in May 2027 with gaps on 17 May, an absence, a stale X
 * profile); called by demo_load() as the system actor.  rota_demo.c. */
enum kv_rc rota_demo_load(struct db *db, struct arena *ar,
                          const struct actor *sys);

#endif
