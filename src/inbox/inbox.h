/*
 * inbox.h - the dialogue with the public (issue 5, REQUIREMENTS §4,
 * docs/INBOX.md): every inbound item the connectors capture (comment,
 * reply, mention, DM) enters the inbox on arrival, triaged (text/triage.h),
 * with a due time when it must be answered (SLA: same day within business
 * hours or 24 h, weekends and Norwegian/Swedish holidays by the
 * organisation's policy, measured from when the platform shows the item),
 * routed (the channel's unit, topic → people with that competence, who is
 * on watch in the rota; hard cases flagged "check with communications"),
 * and worked: assigned, noted, answered, marked "no answer needed" with a
 * reason, removed with evidence, or sent to the registry.  Overdue items
 * escalate to the unit manager, then to the communications unit.
 *
 * Layer: above src/domain (roles, audit, notify), src/archive (items) and
 * src/text (triage); no HTTP and no libcurl — replies, removals on the
 * platform and registry mail are carried out by src/jobs/act.c, which
 * records them through the functions here.
 *
 * Who may do what (checked inside each function): whoever may see the
 * channel (channel_get) sees its inbox items; working an item (assign,
 * note, mark, reply, remove, registry) needs a role in the channel's unit
 * or above (unit manager, channel editor, supervisor, web editor), the
 * channel's responsible person or editors, comms, admin, or an assignment
 * of the item.  Triage rules, topics, saved replies and the policy are
 * changed by administrators (saved replies also by comms).  Every write is
 * audited and logged in the inbox change log (live updates).
 *
 * Returned objects live in the caller's arena.
 */
#ifndef KV_INBOX_H
#define KV_INBOX_H

#include "../archive/capture.h"
#include "../domain/domain.h"
#include "../text/triage.h"

enum inbox_state {
	IS_NEW,
	IS_ASSIGNED,
	IS_ANSWERED,
	IS_NO_ANSWER, /* no answer needed, with a reason */
	IS_REMOVED,
	IS_REGISTRY, /* sent to the registry */
	IS__COUNT
};
/* "new", "assigned", "answered", "no_answer", "removed", "registry". */
const char *inbox_state_name(int s);
int inbox_state_parse(const char *s);

/* Dialogue outcomes for reports (issue 8). */
enum inbox_outcome {
	IO_NONE,
	IO_ANSWERED, /* answered (the default outcome of a reply) */
	IO_HELPED,   /* the person got what they needed */
	IO_REFERRED, /* sent on to another office or service */
	IO_REMOVED,
	IO_REGISTRY,
	IO__COUNT
};
const char *inbox_outcome_name(int o); /* "", "answered", "helped", … */
int inbox_outcome_parse(const char *s);

/* --- policy and SLA --------------------------------------------------------
 */

struct inbox_policy {
	int64_t org_id;
	const char *mode; /* "same_day" (default) or "24h" */
	int open_hour;    /* local business hours, default 8 … */
	int close_hour;   /* … 16 */
	/* days off (weekends, public holidays, SE de facto days off):
	 * "next_business_day" (default: due at close of the next business
	 * day) or "watch" (the day counts like any other: someone is on
	 * watch) */
	const char *days_off;
	int escalate_after_min; /* minutes overdue before the comms unit is
	                           told (level 2); default 120 */
	int64_t comms_unit_id;  /* 0: people with the comms role */
	int64_t updated_at;
};

/* The due time of an item the platform showed at shown_at, for an
 * organisation in country ("NO"/"SE") and zone tz under policy p.  Pure. */
int64_t inbox_due_at(const struct inbox_policy *p, const char *country,
                     const char *tz, int64_t shown_at);

enum kv_rc inbox_policy_get(struct db *db, struct arena *ar,
                            const struct actor *a, struct inbox_policy *p);
enum kv_rc inbox_policy_set(struct db *db, struct arena *ar,
                            const struct actor *a, struct inbox_policy *p,
                            struct verrs *v);
json_t *inbox_policy_json(const struct inbox_policy *p);

/* --- intake ------------------------------------------------------------------
 */

/* The triage engine of org_id: its enabled rules and a model trained on
 * the shipped sets plus the organisation's own labelled decisions.  Built
 * on first use and cached; rebuilt after a rule or label changes.  The
 * engine stays valid until inbox_engine_put(). */
const struct triage_engine *inbox_engine_get(struct db *db, int64_t org_id);
void inbox_engine_put(const struct triage_engine *e);

/* Puts captured item item_id into the inbox when it is inbound and not
 * there yet: triage, due time, routing, the assignee's notification.
 * Called by the sync driver, the Meta webhook and imports after
 * capture_item (imported items older than a week enter as answered-or-
 * not-needed history, never as work).  KV_OK also when nothing was to do
 * (*added 0).  System function: no actor. */
enum kv_rc inbox_intake(struct db *db, int64_t item_id, int64_t now,
                        int *added);
/* inbox_intake with the triage already done (tr; tests and re-triage). */
enum kv_rc inbox_intake_triaged(struct db *db, int64_t item_id,
                                const struct triage_result *tr, int64_t now,
                                int *added);

/* --- the work
 * ----------------------------------------------------------------- */

struct inbox_row {
	struct capture_row item; /* the captured item (current version) */
	int64_t unit_id, assignee_id, topic_id;
	const char *unit_name, *assignee_name, *topic_name;
	int state;                          /* enum inbox_state */
	unsigned classes;                   /* bit per enum triage_class */
	int ground;                         /* enum abuse_ground */
	int needs_answer, hard, escalation; /* escalation 0, 1, 2 */
	int outcome;                        /* enum inbox_outcome */
	int64_t shown_at, due_at, answered_at, updated_at;
	const char *no_answer_reason, *journal_ref, *triage_json;
	int64_t version; /* for optimistic concurrency (If-Match) */
};

struct inbox_filter {
	int64_t channel_id, unit_id, assignee_id; /* 0 = any */
	int mine;                                 /* assigned to the actor */
	int state;         /* -1 = open (new + assigned); IS__COUNT = all */
	int cls;           /* enum triage_class, -1 = any */
	int overdue;       /* only items past due and open */
	const char *q;     /* full text, NULL = none */
	int limit, offset; /* limit 1…500, default 50 */
};

/* Items the actor may see by filter, most urgent first (open items by
 * due time, then newest). */
enum kv_rc inbox_list(struct db *db, struct arena *ar, const struct actor *a,
                      const struct inbox_filter *f, struct inbox_row **out,
                      int *n, int64_t *total);
enum kv_rc inbox_get(struct db *db, struct arena *ar, const struct actor *a,
                     int64_t item_id, struct inbox_row *out);
json_t *inbox_row_json(const struct inbox_row *r, const char *tz);

/* Assigns item_id to person_id (0: unassign). */
enum kv_rc inbox_assign(struct db *db, struct arena *ar, const struct actor *a,
                        int64_t item_id, int64_t person_id, struct verrs *v);

struct inbox_mark {
	int state;          /* IS_NO_ANSWER, IS_ANSWERED (elsewhere), IS_NEW
	                       (reopen); -1 = unchanged */
	const char *reason; /* required for IS_NO_ANSWER */
	int outcome;        /* -1 = unchanged */
	int set_classes;    /* 1: classes below replace triage's (a label
	                       the classifier learns from) */
	unsigned classes;
	int ground;       /* with TC_ABUSE */
	int hard;         /* -1 = unchanged */
	int64_t topic_id; /* -1 = unchanged, 0 = none */
};
enum kv_rc inbox_mark(struct db *db, struct arena *ar, const struct actor *a,
                      int64_t item_id, const struct inbox_mark *m,
                      struct verrs *v);

/* For src/jobs/act.c.  inbox_work_get: the item as inbox_get, KV_FORBIDDEN
 * unless the actor may work it.  inbox_record_action: inside the caller's
 * open transaction, records that the actor answered (IS_ANSWERED; the
 * first answer sets answered_at = at and the response time), removed
 * (IS_REMOVED) or sent to the registry (IS_REGISTRY) the item, with the
 * outcome, in the change log (kind "reply", "removed", "registry", detail
 * free text) and the audit log; it does not commit. */
enum kv_rc inbox_work_get(struct db *db, struct arena *ar,
                          const struct actor *a, int64_t item_id,
                          struct inbox_row *out);
enum kv_rc inbox_record_action(struct db *db, const struct actor *a,
                               int64_t item_id, int state, int outcome,
                               int64_t at, const char *detail);

enum kv_rc inbox_note_add(struct db *db, struct arena *ar,
                          const struct actor *a, int64_t item_id,
                          const char *text, struct verrs *v);

/* --- rules, topics, saved replies
 * ---------------------------------------------- */

enum kv_rc triage_rule_list(struct db *db, struct arena *ar,
                            const struct actor *a, struct triage_rule **out,
                            int *n);
enum kv_rc triage_rule_create(struct db *db, struct arena *ar,
                              const struct actor *a, struct triage_rule *r,
                              struct verrs *v);
enum kv_rc triage_rule_update(struct db *db, struct arena *ar,
                              const struct actor *a,
                              const struct triage_rule *r, struct verrs *v);
enum kv_rc triage_rule_delete(struct db *db, struct arena *ar,
                              const struct actor *a, int64_t id);
json_t *triage_rule_json(const struct triage_rule *r);

/* --- the change log (live updates)
 * ------------------------------------------------ */

struct inbox_change {
	int64_t seq, item_id, at;
	const char *kind; /* "added", "assigned", "state", "note", "reply", … */
};
/* Changes after seq of items the actor may see (at most max), oldest
 * first; *last gets the newest seq of the organisation (for a client
 * starting now). */
enum kv_rc inbox_changes(struct db *db, struct arena *ar, const struct actor *a,
                         int64_t after, int max, struct inbox_change **out,
                         int *n, int64_t *last);

/* --- escalation
 * ---------------------------------------------------------------- */

/* Raises notifications for open items past due: level 1 to the unit
 * managers of the channel's unit (or above), level 2 after the policy's
 * delay to the communications unit.  Each level once per item.  For the
 * scheduler; *raised counted.  0 or -1. */
int inbox_escalate_pass(struct db *db, int64_t now, int *raised);

/* Loads a realistic day's inbox into the demo organisation org_id
 * (posts and comments captured as connectors would, triaged into the
 * inbox) with times before now.  demo.c; called by `kanalvakt demo`. */
enum kv_rc inbox_demo_load(struct db *db, int64_t org_id, int64_t now);

#endif
