/*
 * review.h - periodic review and closing of channels (REQUIREMENTS.md R2.6,
 * R2.7; seed 003 "Aktivt deltagande – och långsiktighet": a channel may be
 * closed, "dock krävs att man först gör en grundlig analys av varför det
 * inte fungerar").
 *
 * Review: every open channel (active, paused) is reviewed at the interval
 * of the organisation's policy (review_months, default 12), counted from
 * its last review, or from when it opened.  The reviewer records findings
 * and an outcome: keep, change, or close — which marks the channel
 * 'closing' (the decision is taken; the closing itself follows).
 *
 * Closing: needs a written analysis of why the channel did not work (at
 * least CLOSE_MIN_ANALYSIS characters) and what was tried; then a final
 * capture (JSON of the register entry, its recent update log and its
 * reviews; the capture from the platform itself arrives with the
 * connectors, issue 4) is stored, and the channel becomes 'closed' with
 * closed_on.  The register keeps closed channels.
 *
 * Rights: review — the unit manager of the channel's unit (or above), the
 * communications unit, the web editor, admin, and the decision maker;
 * close — the unit manager of the channel's unit (or above), the web
 * editor, the communications unit and admin.  Reading reviews and closures
 * follows channel visibility.
 */
#ifndef KV_REVIEW_H
#define KV_REVIEW_H

#include "domain.h"

#define CLOSE_MIN_ANALYSIS 40 /* characters (code points), trimmed */

struct review {
	int64_t id, channel_id, reviewer_id, created_at;
	const char *reviewed_on, *findings, *outcome;
	const char *reviewer_name; /* joined */
};

extern const char *const review_outcomes[]; /* keep change close */
extern const char *const review_outcome_labels[];

/* 1 when the actor may review channel c. */
int review_can_review(struct db *db, const struct actor *a,
                      const struct channel *c);
/* 1 when the actor may close channel c. */
int review_can_close(struct db *db, const struct actor *a,
                     const struct channel *c);

/* Records a review of channel_id.  reviewed_on (YYYY-MM-DD, not in the
 * future) defaults to today in the organisation's zone; findings are
 * required; outcome is one of review_outcomes.  Outcome "close" marks an
 * active or paused channel 'closing'.  KV_INVALID, KV_CONFLICT (the
 * channel is not open: requested, planned, closed), KV_NOTFOUND,
 * KV_FORBIDDEN.  *out in arena. */
enum kv_rc review_create(struct db *db, struct arena *ar, const struct actor *a,
                         int64_t channel_id, const char *reviewed_on,
                         const char *findings, const char *outcome,
                         struct review *out, struct verrs *v);
/* The reviews of a channel, newest first. */
enum kv_rc review_list(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t channel_id, struct review **out, int *n);
json_t *review_json(const struct review *r);

struct review_due {
	struct channel channel;
	const char *last_reviewed_on; /* NULL when never reviewed */
	const char *due_on;           /* YYYY-MM-DD */
	int days_overdue;             /* negative: due in that many days */
};

/* The open channels (active, paused) the actor can see whose review is
 * due on or before today + within_days (today = YYYY-MM-DD, the
 * organisation's local date), most overdue first.  For the notifications
 * helper: each item's channel.unit_id names the unit whose manager is
 * told.  Arena memory. */
enum kv_rc review_list_due(struct db *db, struct arena *ar,
                           const struct actor *a, const char *today,
                           int within_days, struct review_due **out, int *n);
json_t *review_due_json(const struct review_due *d);

struct closure {
	int64_t id, channel_id, closed_by, closed_at;
	const char *analysis, *tried, *closed_on, *capture_json;
	const char *closed_by_name; /* joined */
};

/* Closes channel_id (see above).  closed_on (YYYY-MM-DD, not in the
 * future, not before opened_on) defaults to today.  KV_INVALID (analysis
 * missing or shorter than CLOSE_MIN_ANALYSIS, tried missing, bad date),
 * KV_CONFLICT (already closed, or never opened), KV_NOTFOUND,
 * KV_FORBIDDEN; nothing is written unless KV_OK.  *out in arena. */
enum kv_rc channel_close(struct db *db, struct arena *ar, const struct actor *a,
                         int64_t channel_id, const char *analysis,
                         const char *tried, const char *closed_on,
                         struct closure *out, struct verrs *v);
/* The latest closure of a channel; KV_NOTFOUND when it was never closed. */
enum kv_rc closure_get(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t channel_id, struct closure *out);
/* JSON of a closure, the capture included as an object. */
json_t *closure_json(const struct closure *c);

#endif
