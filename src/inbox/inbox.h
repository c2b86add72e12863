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
/* Takes up to max inbound items of the last eight days that are not in
 * the inbox yet (a crash between capture and intake, an intake that
 * failed) through inbox_intake; *added counted.  For the scheduler's
 * pass.  0 or -1. */
int inbox_intake_pass(struct db *db, int64_t now, int max, int *added);
/* inbox_intake with the triage already done (tr; tests and re-triage). */
enum kv_rc inbox_intake_triaged(struct db *db, int64_t item_id,
                                const struct triage_result *tr, int64_t now,
                                int *added);
/* inbox_intake_triaged storing triage_json (the triage_result_json text
 * of tr; NULL: a summary of tr — lang, classes, abuse_ground,
 * needs_answer, hard — is stored instead).  inbox_intake uses it. */
enum kv_rc inbox_intake_json(struct db *db, int64_t item_id,
                             const struct triage_result *tr,
                             const char *triage_json, int64_t now, int *added);

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
	int64_t version;         /* for optimistic concurrency (If-Match) */
	const char *lang;        /* triage's language ("" unknown) */
	const char *hard_reason; /* English, NULL unless hard */
	int64_t answered_by;     /* who answered first (0: nobody) */
};

struct inbox_filter {
	int64_t channel_id, unit_id, assignee_id; /* 0 = any */
	int mine;                                 /* assigned to the actor */
	int state;         /* -1 = open (new + assigned); IS__COUNT = all */
	int cls;           /* enum triage_class, -1 = any */
	int overdue;       /* only items past due and open */
	const char *q;     /* full text, NULL = none */
	int limit, offset; /* limit 1…500, default 50 */
	int64_t now;       /* "overdue" is measured at; 0 = the clock */
};

/* Items the actor may see by filter, most urgent first (open items by
 * due time, then newest). */
enum kv_rc inbox_list(struct db *db, struct arena *ar, const struct actor *a,
                      const struct inbox_filter *f, struct inbox_row **out,
                      int *n, int64_t *total);
enum kv_rc inbox_get(struct db *db, struct arena *ar, const struct actor *a,
                     int64_t item_id, struct inbox_row *out);
/* The row with its item, state and class names, and due/shown times in
 * UTC and in zone tz ("due_at_local").  Caller owns it. */
json_t *inbox_row_json(const struct inbox_row *r, const char *tz);

/* Assigns item_id to person_id (0: unassign): new becomes assigned and
 * assigned without a person new again; other states stay.  The person
 * must be active and able to see the channel (KV_INVALID, field
 * "assignee_id"); they are notified ("inbox_assigned", link /inbox/ID)
 * unless they assigned themselves. */
enum kv_rc inbox_assign(struct db *db, struct arena *ar, const struct actor *a,
                        int64_t item_id, int64_t person_id, struct verrs *v);
/* inbox_assign that refuses with KV_CONFLICT (field "version") unless
 * the item is still at if_version (0: any), for If-Match. */
enum kv_rc inbox_assign_if(struct db *db, struct arena *ar,
                           const struct actor *a, int64_t item_id,
                           int64_t person_id, int64_t if_version,
                           struct verrs *v);

struct inbox_mark {
	int state;          /* IS_NO_ANSWER, IS_ANSWERED (elsewhere), IS_NEW
	                       (reopen); -1 = unchanged */
	const char *reason; /* required for IS_NO_ANSWER */
	int outcome;        /* -1 = unchanged */
	int set_classes;    /* 1: classes below replace triage's (a label
	                       the classifier learns from) */
	unsigned classes;
	int ground;         /* with TC_ABUSE */
	int hard;           /* -1 = unchanged */
	int64_t topic_id;   /* -1 = unchanged, 0 = none */
	int64_t if_version; /* 0 = any; else KV_CONFLICT (field "version")
	                       when the item has changed since */
};
/* Marks item_id as m says.  Removed or registry items cannot change
 * state (KV_CONFLICT, field "state"); outcomes removed/registry come
 * only from inbox_record_action.  A class decision (set_classes) also
 * sets needs_answer from the classes and is stored in triage_labels. */
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

/* The actor records that the registry journalled item_id as
 * journal_ref (change log kind "journal"; audited).  Joins the caller's
 * transaction when one is open.  KV_NOTFOUND, KV_INVALID. */
enum kv_rc inbox_record_journal(struct db *db, const struct actor *a,
                                int64_t item_id, const char *journal_ref,
                                int64_t at);

/* Adds a note (1…KV_MAX_TEXT bytes, newlines allowed) to an item the
 * actor may work. */
enum kv_rc inbox_note_add(struct db *db, struct arena *ar,
                          const struct actor *a, int64_t item_id,
                          const char *text, struct verrs *v);

struct inbox_note {
	int64_t id, item_id, person_id, created_at;
	const char *author, *text;
};
/* The notes of an item the actor may see, oldest first (arena). */
enum kv_rc inbox_note_list(struct db *db, struct arena *ar,
                           const struct actor *a, int64_t item_id,
                           struct inbox_note **out, int *n);
json_t *inbox_note_json(const struct inbox_note *n);

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
/* (The rule functions: list for anyone of the organisation; create,
 * update, delete for administrators; every rule is checked with
 * triage_rule_check (KV_INVALID with its field); a rule of another
 * organisation is KV_NOTFOUND.  Each change makes the cached engine
 * stale.) */

/* Topics: what a question is about ("Bibliotek", keywords
 * "bibliotek|lån|bok|e-bok") and who has the competence.  Keywords are
 * "|"-separated words or phrases, matched on Snowball stems in the item's
 * language; the first topic (by id) whose keyword matches routes the
 * item.  Anyone of the organisation lists them; administrators change
 * them. */
struct inbox_topic {
	int64_t id;
	const char *name, *keywords;
	int64_t *people; /* person ids with the competence, ascending */
	int npeople;
	int64_t created_at, updated_at;
};
enum kv_rc inbox_topic_list(struct db *db, struct arena *ar,
                            const struct actor *a, struct inbox_topic **out,
                            int *n);
/* t->id set.  KV_INVALID (name, keywords), KV_CONFLICT (name taken). */
enum kv_rc inbox_topic_create(struct db *db, struct arena *ar,
                              const struct actor *a, struct inbox_topic *t,
                              struct verrs *v);
/* Replaces name and keywords of t->id. */
enum kv_rc inbox_topic_update(struct db *db, struct arena *ar,
                              const struct actor *a,
                              const struct inbox_topic *t, struct verrs *v);
/* Deletes a topic; items routed by it keep no topic. */
enum kv_rc inbox_topic_delete(struct db *db, struct arena *ar,
                              const struct actor *a, int64_t id);
/* Replaces who has topic_id's competence by people[0..n) (active people
 * of the organisation, else KV_INVALID field "people"). */
enum kv_rc inbox_topic_set_people(struct db *db, struct arena *ar,
                                  const struct actor *a, int64_t topic_id,
                                  const int64_t *people, int n,
                                  struct verrs *v);
json_t *inbox_topic_json(const struct inbox_topic *t);

/* Saved replies per language, for the whole organisation (unit_id 0) or
 * one unit.  Anyone of the organisation lists them; administrators and
 * comms change them. */
struct saved_reply {
	int64_t id, unit_id, created_by, created_at, updated_at;
	const char *lang; /* "nb", "nn", "sv", "da", "en" */
	const char *title, *body;
};
/* lang NULL: all languages; unit_id 0: all, else that unit's and the
 * organisation's.  By language and title. */
enum kv_rc saved_reply_list(struct db *db, struct arena *ar,
                            const struct actor *a, const char *lang,
                            int64_t unit_id, struct saved_reply **out, int *n);
enum kv_rc saved_reply_create(struct db *db, struct arena *ar,
                              const struct actor *a, struct saved_reply *r,
                              struct verrs *v);
enum kv_rc saved_reply_update(struct db *db, struct arena *ar,
                              const struct actor *a,
                              const struct saved_reply *r, struct verrs *v);
enum kv_rc saved_reply_delete(struct db *db, struct arena *ar,
                              const struct actor *a, int64_t id);
/* 1 when the actor may change saved replies (administrators and comms;
 * topics, rules and the policy: actor_is_admin). */
int saved_reply_may_change(const struct actor *a);
json_t *saved_reply_json(const struct saved_reply *r);

/* How replies on a channel are signed: "first_name_role" (the default:
 * "– Kari, kommunikasjonsrådgiver"), "first_name", "unit" (the channel's
 * unit) or "none". */
extern const char *const inbox_signatures[]; /* NULL-terminated */
/* The channel's rule (static string) for whoever may see the channel. */
enum kv_rc inbox_reply_rule_get(struct db *db, struct arena *ar,
                                const struct actor *a, int64_t channel_id,
                                const char **signature);
/* Sets it; for whoever may edit the channel (channel_can_edit). */
enum kv_rc inbox_reply_rule_set(struct db *db, struct arena *ar,
                                const struct actor *a, int64_t channel_id,
                                const char *signature, struct verrs *v);
/* The signature line the actor puts under a reply on channel_id by its
 * rule ("" for "none"; the role is the person's title), arena. */
enum kv_rc inbox_reply_signature(struct db *db, struct arena *ar,
                                 const struct actor *a, int64_t channel_id,
                                 const char **out);

/* --- the change log (live updates)
 * ------------------------------------------------ */

struct inbox_change {
	int64_t seq, item_id, at;
	const char *kind; /* "added", "assigned", "state", "note", "reply", … */
	int64_t actor_id;   /* 0: the system */
	const char *detail; /* short free text ("no_answer", a person id) */
};
/* Changes after seq of items the actor may see (at most max), oldest
 * first; *last gets the newest seq of the organisation (for a client
 * starting now). */
enum kv_rc inbox_changes(struct db *db, struct arena *ar, const struct actor *a,
                         int64_t after, int max, struct inbox_change **out,
                         int *n, int64_t *last);
json_t *inbox_change_json(const struct inbox_change *c);

/* --- escalation
 * ---------------------------------------------------------------- */

/* Raises notifications for open items past due: level 1 to the unit
 * managers of the channel's unit (or above), level 2 after the policy's
 * delay to the communications unit.  Each level once per item.  For the
 * scheduler; *raised counted.  0 or -1. */
int inbox_escalate_pass(struct db *db, int64_t now, int *raised);

/* --- reports
 * ------------------------------------------------------------------
 */

/* Items the platform showed in [from, to) (0 = open) that the actor may
 * see, of channel_id and/or unit_id (with sub-units; 0 = all). */
struct inbox_stats {
	int64_t total;
	int64_t outcome[IO__COUNT]; /* by outcome; [IO_NONE]: none yet */
	int64_t no_answer;          /* marked "no answer needed" */
	int64_t open;               /* new or assigned */
	int64_t overdue;            /* open, must be answered, past due */
	/* of the items that must be answered and are answered or overdue:
	 * how many were answered by their due time, and the share */
	int64_t due_counted, in_time;
	double in_time_share;    /* 0…1; -1 when due_counted is 0 */
	int64_t median_response; /* seconds shown → first answer; -1 none */
};
enum kv_rc inbox_stats(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t channel_id, int64_t unit_id, int64_t from,
                       int64_t to, int64_t now, struct inbox_stats *out);
json_t *inbox_stats_json(const struct inbox_stats *s);

/* Loads a realistic day's inbox into the demo organisation org_id
 * (posts and comments captured as connectors would, triaged into the
 * inbox) with times before now.  demo.c; called by `kanalvakt demo`. */
enum kv_rc inbox_demo_load(struct db *db, int64_t org_id, int64_t now);

#endif
