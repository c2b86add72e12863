/*
 * alerts.h - the alert generators: small functions that look at the data
 * and raise notifications (notify.h) for the people who must act.
 *
 * A generator is `int gen(struct db *, struct arena *, int64_t org_id,
 * int64_t now)`: it returns how many notifications it raised (0 is
 * normal) or -1 on a database error.  It must be idempotent within a
 * period: it names each alert by a dedup key that ends with the period
 * (alert_week() or alert_day()), so running it every minute raises each
 * alert once per person and period.  alerts_run() runs every generator of
 * the table alert_gens[] for one organisation; the scheduler
 * (src/jobs/scheduler.c) and `kanalvakt notify run` call it.
 *
 * Adding a generator (docs/NOTIFICATIONS.md, "Adding a generator"): write
 * the function in alerts.c next to the others (a query for the cases, the
 * recipients from alert_people_with_role(), one alert_raise() per case and
 * recipient, texts in nb/nn/sv/en), and add one line to alert_gens[].
 */
#ifndef KV_ALERTS_H
#define KV_ALERTS_H

#include "notify.h"

typedef int (*alert_fn)(struct db *db, struct arena *ar, int64_t org_id,
                        int64_t now);

struct alert_gen {
	const char *name; /* for logs: "no_responsible" */
	alert_fn fn;
};

extern const struct alert_gen alert_gens[];
extern const size_t alert_ngens;

/* Runs every generator for org_id at time now.  A failing generator is
 * logged and the others still run.  *raised gets the notifications
 * raised.  0, or -1 when any generator failed. */
int alerts_run(struct db *db, int64_t org_id, int64_t now, int *raised);

/* --- helpers for generators ------------------------------------------------
 */

/* An alert's words in one language; {1} {2} {3} are replaced by the
 * arguments of alert_raise().  A table ends with {NULL, NULL, NULL}. */
struct alert_text {
	const char *lang, *subject, *body;
};

/* The organisation's language ("nb"), "en" when unknown (arena). */
const char *alert_org_lang(struct db *db, struct arena *ar, int64_t org_id);
/* Replaces {1}, {2}, {3} in tmpl by a1..a3 (NULL as ""); arena memory.
 * Arguments are inserted as they are, never interpreted. */
char *alert_fill(struct arena *ar, const char *tmpl, const char *a1,
                 const char *a2, const char *a3);
/* Raises one alert for person_id as the system actor: texts picked by
 * lang (English, then the first, when lang has none) and filled with
 * a1..a3; link is a local path or NULL.  1 when raised, 0 when the key was
 * raised before (or the person is not active), -1 on error. */
int alert_raise(struct db *db, struct arena *ar, int64_t org_id,
                int64_t person_id, const char *kind, const char *dedup_key,
                const struct alert_text *texts, const char *lang,
                const char *a1, const char *a2, const char *a3,
                const char *link);
/* The active people of org_id holding role for unit_id: grants for the
 * whole organisation, for unit_id or for a unit above it (unit_id 0:
 * organisation-wide grants only).  Ids ascending in *ids (arena). 0/-1. */
int alert_people_with_role(struct db *db, struct arena *ar, int64_t org_id,
                           enum role role, int64_t unit_id, int64_t **ids,
                           int *n);
/* The period names used in dedup keys (arena): the Monday of now's week
 * ("2027-05-03") and now's date ("2027-05-06"), both UTC. */
const char *alert_week(struct arena *ar, int64_t now);
const char *alert_day(struct arena *ar, int64_t now);

/* The first generators (exposed for the unit tests). */
int alert_no_responsible(struct db *db, struct arena *ar, int64_t org_id,
                         int64_t now);
int alert_inactive_responsible(struct db *db, struct arena *ar, int64_t org_id,
                               int64_t now);
/* The issue 3 generators (docs/NOTIFICATIONS.md has cases, recipients and
 * keys); each returns the number raised or -1. */
int alert_plan_awaiting_decision(struct db *db, struct arena *ar,
                                 int64_t org_id, int64_t now);
int alert_coverage_gap(struct db *db, struct arena *ar, int64_t org_id,
                       int64_t now);
int alert_stale_channel(struct db *db, struct arena *ar, int64_t org_id,
                        int64_t now);
int alert_training_expiring(struct db *db, struct arena *ar, int64_t org_id,
                            int64_t now);
int alert_review_due(struct db *db, struct arena *ar, int64_t org_id,
                     int64_t now);
/* Issue 4 (docs/CAPTURE.md "Alerts"): a connected channel's token runs
 * out within 7 days → its responsible person (else the unit managers,
 * else comms and administrators), once per expiry date; the platform
 * refused the token (last_status 'auth') or it ran out → the same people,
 * once a week until the channel is connected again. */
int alert_token_expiring(struct db *db, struct arena *ar, int64_t org_id,
                         int64_t now);
int alert_channel_disconnected(struct db *db, struct arena *ar, int64_t org_id,
                               int64_t now);

#endif
