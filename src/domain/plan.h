/*
 * plan.h - opening a channel: request → plan → consultation → decision
 * (REQUIREMENTS.md R2.2, R2.3; seed 003 "Förankring hos ledningen" and the
 * "Handlingsplan" template).  docs/GOVERNANCE.md tells the workflow.
 *
 * A channel's action plan is versioned: each version is one row, draft →
 * submitted → approved | rejected; a later approved version supersedes
 * the earlier one.  Submitted and decided versions never change; to change
 * a decided plan, plan_revise() starts the next version as a draft.
 *
 * Who does what (all scoped to the actor's organisation):
 *  - request a channel: any signed-in person, for their own unit (and
 *    anyone who may register channels, for the units they may);
 *  - write (change, submit, withdraw, revise): a unit manager of the plan's
 *    unit or a unit above it, the communications unit, an administrator;
 *  - comment: anyone who can see the plan, while it is a draft or
 *    submitted; a comment by the communications unit from someone who did
 *    not write the version is the consultation, and a version can only be
 *    decided once it has one since its last change;
 *  - decide: a decision maker (the role itself, org-wide or for the unit
 *    or above; administrators do not decide by virtue of being
 *    administrators), never on a plan they requested, wrote or submitted;
 *  - see: anyone with an organisation-wide grant, anyone with a role in
 *    the plan's unit (or above), and the people named in the plan.
 * Refusals: KV_NOTFOUND (cannot see), KV_FORBIDDEN (role), KV_CONFLICT
 * (state: not a draft, not submitted, self-decision, no consultation, a
 * newer version exists), KV_INVALID (fields, incomplete plan, untrained
 * responsible person or other persons).  Nothing is written on a refusal;
 * every step is one transaction with its audit row.
 */
#ifndef KV_PLAN_H
#define KV_PLAN_H

#include "domain.h"

enum {
	KV_MAX_GOALS = 20,
	KV_MAX_PLAN_PEOPLE = 32,
	KV_MAX_PLAN_COMMENTS = 200,
	KV_MAX_PLAN_VERSIONS = 100
};

extern const char *const plan_statuses[];      /* NULL-terminated */
extern const char *const plan_status_labels[]; /* msgids, parallel */
extern const char *const goal_metrics[];       /* measurable goals */
extern const char *const goal_metric_labels[];
extern const char *const goal_periods[];
extern const char *const goal_period_labels[];
extern const char *const work_periods[]; /* week, month */
/* English label (msgid) of a code from one of the lists above. */
const char *plan_label(const char *const *codes, const char *const *labels,
                       const char *code);

/* A goal: measurable (metric + target + period, text optional) or
 * qualitative (text only, metric ""). */
struct plan_goal {
	const char *text, *metric, *period;
	int64_t target;
	int has_target;
};

struct plan_comment {
	int64_t id, author_id, created_at, plan_edits;
	const char *author_name, *body;
	int consultation; /* by the communications unit, not a writer */
};

struct plan_decision {
	int64_t id, signer_id, decided_at;
	const char *decision; /* approve | reject */
	const char *signer_name, *signer_title, *decided_on, *place, *note;
	const char *content_sha256, *signature;
	int intact; /* the plan and the decision still match the signature */
};

struct plan_version {
	int64_t id, version, updated_at;
	const char *status;
};

struct plan {
	int64_t id, channel_id, version, unit_id;
	const char *status;
	/* the template's fields */
	int64_t deciding_manager_id, responsible_id, snapshot_person_id;
	const char *medium, *purpose, *activities, *supervision;
	int64_t update_count, work_hours;
	const char *update_period, *work_period;
	struct plan_goal goals[KV_MAX_GOALS];
	int ngoals;
	int64_t other_ids[KV_MAX_PLAN_PEOPLE];
	int nothers;
	/* the request and the workflow */
	const char *request_note;
	int64_t requested_by, created_by, submitted_by, submitted_at;
	int64_t edits, created_at, updated_at;
	int consulted; /* has a consultation since its last change */
	/* joined for display */
	const char *channel_name, *channel_platform, *channel_address;
	const char *channel_status, *unit_name;
	const char *deciding_manager_name, *responsible_name;
	const char *snapshot_person_name, *requested_by_name;
	const char *submitted_by_name, *created_by_name;
	/* plan_get only */
	struct plan_comment *comments;
	int ncomments;
	struct plan_decision decision;
	int has_decision;
	struct plan_version *versions; /* every version of the channel */
	int nversions;
};

struct plan_filter {
	const char *status; /* NULL = all */
	int64_t channel_id; /* 0 = all */
	int latest;         /* only each channel's newest version */
	int awaiting;       /* only plans the actor may decide now */
	int to_write;       /* only drafts the actor may change */
	int limit, offset;
};

/* An employee's wish: registers c (platform, name, address, unit_id — 0 =
 * the actor's own unit —, purpose, target_groups) as a requested channel
 * and starts its plan as version 1, a draft; note is the wish in the
 * requester's words.  out gets the plan. */
enum kv_rc plan_request(struct db *db, struct arena *ar, const struct actor *a,
                        struct channel *c, const char *note, struct plan *out,
                        struct verrs *v);
/* Starts version 1 of the plan of an already registered channel that has
 * none (a writer of its unit); requested_by (0 = nobody) names who asked
 * for it.  Fields are taken from the channel. */
enum kv_rc plan_start(struct db *db, struct arena *ar, const struct actor *a,
                      int64_t channel_id, int64_t requested_by,
                      struct plan *out, struct verrs *v);
/* Loads plan id with its comments, decision (and whether its signature
 * still holds) and the list of the channel's versions. */
enum kv_rc plan_get(struct db *db, struct arena *ar, const struct actor *a,
                    int64_t id, struct plan *p);
/* Plans the actor may see, newest change first. */
enum kv_rc plan_list(struct db *db, struct arena *ar, const struct actor *a,
                     const struct plan_filter *f, struct plan **out, int *n,
                     int64_t *total);
/* Replaces the template fields of draft p->id with p's. */
enum kv_rc plan_update(struct db *db, struct arena *ar, const struct actor *a,
                       const struct plan *p, struct verrs *v);
/* Checks the draft p as plan_update would, and when complete also as
 * plan_submit would (so a form can show every problem). */
enum kv_rc plan_check(struct db *db, struct arena *ar, const struct actor *a,
                      struct plan *p, int complete, struct verrs *v);
/* Hands the complete draft to the decision maker. */
enum kv_rc plan_submit(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t id, struct verrs *v);
/* Takes a submitted plan back to draft (its writers). */
enum kv_rc plan_withdraw(struct db *db, struct arena *ar, const struct actor *a,
                         int64_t id, struct verrs *v);
/* Adds a comment (the consultation, when by the communications unit);
 * *comment_id set. */
enum kv_rc plan_comment(struct db *db, struct arena *ar, const struct actor *a,
                        int64_t id, const char *text, int64_t *comment_id,
                        struct verrs *v);
/* Decides submitted plan id: decision "approve" or "reject", place (where
 * it was signed), note.  Signs the version's exact content with the
 * actor's identity and the time.  Approval activates the channel in the
 * same transaction and supersedes the earlier approved version. */
enum kv_rc plan_decide(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t id, const char *decision, const char *place,
                       const char *note, struct verrs *v);
/* Starts the next version (a draft copy) of the newest version id, which
 * must be approved or rejected; *new_id set. */
enum kv_rc plan_revise(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t id, int64_t *new_id, struct verrs *v);

/* 1 when the actor's roles let them write p's unit's plans. */
int plan_can_write(struct db *db, const struct actor *a, const struct plan *p);
/* 1 when the actor is a decision maker for p's unit. */
int plan_can_decide(struct db *db, const struct actor *a, const struct plan *p);
/* 1 when the actor requested, wrote or submitted p (may not decide it). */
int plan_is_own(struct db *db, const struct actor *a, const struct plan *p);
/* 1 when the actor may request a channel for unit_id. */
int plan_can_request(struct db *db, const struct actor *a, int64_t unit_id);
/* The actor's own unit (0 when none). */
int64_t plan_own_unit(struct db *db, const struct actor *a);

/* The plan as JSON (fields, names, channel, decision when loaded). */
json_t *plan_json(const struct plan *p);
/* plan_json plus comments and versions (plan_get). */
json_t *plan_json_full(const struct plan *p);
json_t *plan_comment_json(const struct plan_comment *c);

/* The demo's plans and training (demo.c): the required course with
 * completions, approved plans for Meldal's active channels decided by the
 * rådmann, and a draft plan for the requested Instagram.  People are
 * found by local part @ email_domain. */
enum kv_rc plan_demo(struct db *db, int64_t org_id, const char *email_domain);

#endif
