/*
 * domain.h - the rules of kanalvakt: organisation, people, roles, accounts,
 * the channel register and the audit log.  No HTTP and no libcurl here; the
 * web UI, the JSON API and the CLI all call these functions, so every rule
 * (validation, authorization, audit) holds whichever door a change comes in.
 *
 * Conventions
 *  - Every function that touches an object takes the acting `struct actor`
 *    and checks authorization itself (KV_FORBIDDEN), scoped to the actor's
 *    organisation (objects of another organisation are KV_NOTFOUND).
 *  - Writes run in one transaction together with their audit rows; on any
 *    error nothing is written.
 *  - Returned objects and strings live in the caller's arena.
 *  - Validation problems are collected in `struct verrs` as (field, reason)
 *    with reasons as English literals, which the UI translates.
 */
#ifndef KV_DOMAIN_H
#define KV_DOMAIN_H

#include "../base/arena.h"
#include "../store/db.h"

#include <jansson.h>
#include <stdint.h>

enum kv_rc {
	KV_OK = 0,
	KV_INVALID,   /* input failed validation; see verrs */
	KV_NOTFOUND,  /* no such object (or not in the actor's org) */
	KV_FORBIDDEN, /* the actor may not do this */
	KV_CONFLICT,  /* duplicate or state conflict; see verrs */
	KV_THROTTLED, /* too many attempts; try later */
	KV_UNAUTH,    /* wrong credentials */
	KV_DBERR      /* the database failed; logged */
};

/* Upper bounds of text fields, in bytes (checked in domain, not UI). */
#define KV_MAX_NAME     200
#define KV_MAX_TEXT     4000
#define KV_MAX_EMAIL    254
#define KV_MAX_ADDR     500
#define KV_PASSWORD_MIN 12
#define KV_PASSWORD_MAX 256

struct verr {
	const char *field;  /* API field name, e.g. "unit_id" */
	const char *reason; /* English literal, translated by the UI */
};

struct verrs {
	struct verr e[24];
	int n;
};

/* Records a problem with field (both literals). */
void verr_add(struct verrs *v, const char *field, const char *reason);
/* Returns the reason recorded for field, or NULL. */
const char *verr_for(const struct verrs *v, const char *field);

/* --- roles and the acting person -------------------------------------- */

enum role {
	ROLE_ADMIN,
	ROLE_COMMS,
	ROLE_DECISION_MAKER,
	ROLE_UNIT_MANAGER,
	ROLE_WEB_EDITOR,
	ROLE_CHANNEL_EDITOR,
	ROLE_SUPERVISOR,
	ROLE_CRISIS_STAFF,
	ROLE_AUDITOR,
	ROLE__COUNT
};

/* Role names as stored and in the API ("admin", "unit_manager", …). */
const char *role_name(enum role r);
/* Parses a role name; -1 when unknown. */
int role_parse(const char *s);
/* English label for a role ("Unit manager"); translated by the UI. */
const char *role_label(enum role r);

struct grant {
	enum role role;
	int64_t unit_id; /* 0 = the whole organisation */
};

#define KV_MAX_GRANTS 32

struct actor {
	int64_t person_id; /* 0 for the system (CLI, demo loader) */
	int64_t org_id;
	const char *label; /* "Name <email>" or "system"; for the audit log */
	const char *name;  /* full name for display */
	const char *first_name;
	const char *email;
	int system; /* CLI/system actor: may do anything in org_id */
	struct grant grants[KV_MAX_GRANTS];
	int ngrants;
};

/* Fills a system actor for org_id (CLI commands, the demo loader). */
void actor_system(struct actor *a, int64_t org_id, const char *label);
/* Loads person_id's org, name and grants into a.  KV_NOTFOUND when the
 * person is missing or inactive.  Strings in arena. */
enum kv_rc actor_load(struct db *db, struct arena *ar, int64_t person_id,
                      struct actor *a);
/* 1 when a holds role for the whole organisation (or is admin/system). */
int actor_has_org_role(const struct actor *a, enum role r);
/* 1 when a holds role org-wide or for unit_id or one of its ancestors. */
int actor_has_role_for_unit(struct db *db, const struct actor *a, enum role r,
                            int64_t unit_id);
/* 1 for admin or system. */
int actor_is_admin(const struct actor *a);
/* 1 when a may read the audit log (admin, auditor). */
int actor_can_read_audit(const struct actor *a);

/* --- organisation ------------------------------------------------------ */

struct org {
	int64_t id;
	const char *name, *slug, *country, *timezone, *default_lang;
};

/* Loads an organisation; KV_NOTFOUND when missing. */
enum kv_rc org_get(struct db *db, struct arena *ar, int64_t id, struct org *o);
/* Returns the id of the first organisation, 0 when none, -1 error. */
int64_t org_first_id(struct db *db);
/* Creates an organisation (system use: installer, demo); *id set. */
enum kv_rc org_create(struct db *db, const struct org *o, int64_t *id,
                      struct verrs *v);

/* --- units --------------------------------------------------------------- */

struct unit {
	int64_t id, parent_id; /* parent 0 = top */
	const char *name, *kind;
	int depth; /* in listings: distance from the top */
	int64_t created_at, updated_at;
};

/* All units of the actor's org as a depth-first tree order. */
enum kv_rc unit_list(struct db *db, struct arena *ar, const struct actor *a,
                     struct unit **out, int *n);
enum kv_rc unit_get(struct db *db, struct arena *ar, const struct actor *a,
                    int64_t id, struct unit *u);
/* Creates u (admin); u->id set on success. */
enum kv_rc unit_create(struct db *db, struct arena *ar, const struct actor *a,
                       struct unit *u, struct verrs *v);
/* Replaces name, kind and parent of unit u->id (admin). */
enum kv_rc unit_update(struct db *db, struct arena *ar, const struct actor *a,
                       const struct unit *u, struct verrs *v);
/* Finds a unit of org by exact name; 0 when none. */
int64_t unit_find_by_name(struct db *db, int64_t org_id, const char *name);
json_t *unit_json(const struct unit *u);

/* --- people ------------------------------------------------------------- */

struct person {
	int64_t id, unit_id;
	const char *full_name, *first_name, *title, *email, *phone;
	const char *unit_name; /* joined, for display */
	int active;
	int has_account;
	struct grant *grants; /* loaded by person_get only */
	int ngrants;
	int64_t created_at, updated_at;
};

struct person_filter {
	int64_t unit_id; /* 0 = all */
	const char *q;   /* substring of name/e-mail/title, or NULL */
	int limit, offset;
};

enum kv_rc person_list(struct db *db, struct arena *ar, const struct actor *a,
                       const struct person_filter *f, struct person **out,
                       int *n, int64_t *total);
enum kv_rc person_get(struct db *db, struct arena *ar, const struct actor *a,
                      int64_t id, struct person *p);
/* Creates p (admin, or unit manager of p->unit_id).  p->id set. */
enum kv_rc person_create(struct db *db, struct arena *ar, const struct actor *a,
                         struct person *p, struct verrs *v);
/* Replaces the editable fields of p->id. */
enum kv_rc person_update(struct db *db, struct arena *ar, const struct actor *a,
                         const struct person *p, struct verrs *v);
/* Gives person_id role (unit_id 0 = org-wide).  Admin only. */
enum kv_rc person_grant(struct db *db, struct arena *ar, const struct actor *a,
                        int64_t person_id, enum role r, int64_t unit_id,
                        struct verrs *v);
/* Takes a grant away. Admin only; an admin cannot remove their own admin. */
enum kv_rc person_revoke(struct db *db, struct arena *ar, const struct actor *a,
                         int64_t person_id, enum role r, int64_t unit_id);
json_t *person_json(const struct person *p);

/* --- accounts, sessions, tokens ------------------------------------------ */

/* Sets (or creates) the login of person_id.  Validates length; argon2id.
 * Audited as the actor.  Admin, or the person themself via
 * account_change_password. */
enum kv_rc account_set_password(struct db *db, struct arena *ar,
                                const struct actor *a, int64_t person_id,
                                const char *password, struct verrs *v);
/* Checks old and sets new for the actor; ends the actor's other sessions
 * (keep_session_hash is the current one, may be NULL). */
enum kv_rc account_change_password(struct db *db, struct arena *ar,
                                   const struct actor *a, const char *old,
                                   const char *new_pw,
                                   const char *keep_session_token,
                                   struct verrs *v);

#define KV_TOKEN_HEX 64 /* session and API tokens: 32 random bytes */

struct login_result {
	char token[KV_TOKEN_HEX + 1]; /* session cookie value */
	char csrf[KV_TOKEN_HEX + 1];
	int64_t person_id;
	int retry_after; /* seconds, with KV_THROTTLED */
};

/* Verifies e-mail and password with throttling per e-mail and per client
 * address; on success creates a session.  KV_UNAUTH, KV_THROTTLED. */
enum kv_rc auth_login(struct db *db, struct arena *ar, const char *email,
                      const char *password, const char *client,
                      struct login_result *out);
/* Resolves a session cookie into an actor and its CSRF token.
 * KV_UNAUTH when unknown or expired.  Extends the idle expiry. */
enum kv_rc session_resolve(struct db *db, struct arena *ar, const char *token,
                           struct actor *a, const char **csrf);
/* Ends the session with this token (no-op when unknown). */
void session_end(struct db *db, struct arena *ar, const char *token);

/* Creates an API token for person_id; writes it to out (shown once). */
enum kv_rc token_create(struct db *db, struct arena *ar, const struct actor *a,
                        int64_t person_id, const char *label,
                        char out[KV_TOKEN_HEX + 4]);
/* Resolves "kv_…" bearer tokens.  KV_UNAUTH when unknown or revoked. */
enum kv_rc token_resolve(struct db *db, struct arena *ar, const char *token,
                         struct actor *a);
struct api_token {
	int64_t id, created_at, last_used_at, revoked_at;
	const char *label;
};

/* The actor's own tokens, newest first (never the secrets). */
enum kv_rc token_list(struct db *db, struct arena *ar, const struct actor *a,
                      struct api_token **out, int *n);
/* Revokes one of the actor's tokens (admins: anyone's in the org). */
enum kv_rc token_revoke(struct db *db, struct arena *ar, const struct actor *a,
                        int64_t token_id);
/* Finds a person by login e-mail within any org; 0 when none. */
int64_t person_find_by_email(struct db *db, const char *email);

/* --- channel register --------------------------------------------------- */

enum { KV_MAX_EDITORS = 32 };

struct channel {
	int64_t id, unit_id, responsible_id;
	const char *platform, *name, *address, *purpose, *target_groups;
	const char *update_period, *status, *opened_on, *closed_on;
	int64_t update_count;
	const char *unit_name, *responsible_name; /* joined for display */
	int64_t editor_ids[KV_MAX_EDITORS];
	int neditors;
	int64_t created_at, updated_at;
};

struct channel_filter {
	const char *status;   /* NULL = all */
	const char *platform; /* NULL = all */
	int64_t unit_id;      /* 0 = all; includes sub-units */
	const char *q;        /* substring of name/address, or NULL */
	int limit, offset;
};

extern const char *const channel_platforms[];       /* NULL-terminated */
extern const char *const channel_platform_labels[]; /* msgids, parallel */
extern const char *const channel_statuses[];
extern const char *const channel_periods[];
/* English label of a platform code ("Facebook page"). */
const char *platform_label(const char *code);

/* Channels the actor may see, by filter; *total counts all matches. */
enum kv_rc channel_list(struct db *db, struct arena *ar, const struct actor *a,
                        const struct channel_filter *f, struct channel **out,
                        int *n, int64_t *total);
/* Active official channels of org for the public register (no login). */
enum kv_rc channel_list_public(struct db *db, struct arena *ar, int64_t org_id,
                               struct channel **out, int *n);
enum kv_rc channel_get(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t id, struct channel *c);
/* 1 when the actor may change channel c. */
int channel_can_edit(struct db *db, const struct actor *a,
                     const struct channel *c);
/* 1 when the actor may register a channel for unit_id. */
int channel_can_create(struct db *db, const struct actor *a, int64_t unit_id);
/* Validates c as channel_create would, without writing (so a form can show
 * every problem at once).  KV_OK or KV_INVALID. */
enum kv_rc channel_check(struct db *db, struct arena *ar, const struct actor *a,
                         struct channel *c, struct verrs *v);
enum kv_rc channel_create(struct db *db, struct arena *ar,
                          const struct actor *a, struct channel *c,
                          struct verrs *v);
/* Replaces all register fields of c->id with c's. */
enum kv_rc channel_update(struct db *db, struct arena *ar,
                          const struct actor *a, const struct channel *c,
                          struct verrs *v);
json_t *channel_json(const struct channel *c);
/* Issue 3 (plan.c is the only caller of these two; neither checks roles,
 * the caller has).  Registers c as a requested channel — status
 * requested, no responsible person or editors — audited as "request";
 * validation as channel_create.  Joins the caller's transaction. */
enum kv_rc channel_create_request(struct db *db, struct arena *ar,
                                  const struct actor *a, struct channel *c,
                                  struct verrs *v);
/* Makes channel plan->id what its approved plan says: status active,
 * opened_on = decided_on unless it is open already, responsible person,
 * editors, update commitment and (when given) purpose from plan.  The plan
 * must already be approved in the caller's transaction; training and
 * validation rules hold.  Audited as "activate". */
enum kv_rc channel_apply_plan(struct db *db, struct arena *ar,
                              const struct actor *a, const struct channel *plan,
                              const char *decided_on, struct verrs *v);

/* --- audit log --------------------------------------------------------------
 */

struct audit_row {
	int64_t seq, at, actor_id, object_id;
	const char *actor, *action, *object_type, *before_json, *after_json;
	const char *prev_hash, *hash;
};

/* Appends a row; must run inside the caller's transaction.  before/after
 * may be NULL; they are serialised compactly with sorted keys.  0 / -1. */
int audit_append(struct db *db, const struct actor *a, const char *action,
                 const char *object_type, int64_t object_id,
                 const json_t *before, const json_t *after);
/* Finishes a write: appends its audit row and commits the caller's
 * transaction; on any failure rolls back.  Takes over (decrefs) before and
 * after.  KV_OK or KV_DBERR. */
enum kv_rc audit_commit(struct db *db, const struct actor *a,
                        const char *action, const char *object_type,
                        int64_t object_id, json_t *before, json_t *after);
/* Newest first, for the actor's org; admin or auditor.  before_seq 0 =
 * from the newest. */
enum kv_rc audit_list(struct db *db, struct arena *ar, const struct actor *a,
                      const char *object_type, int64_t object_id,
                      int64_t before_seq, int limit, struct audit_row **out,
                      int *n);
/* Recomputes the whole chain.  When anchor_seq > 0, row anchor_seq must
 * also have the hash anchor_hash — a head recorded outside the database
 * earlier, which catches a rewrite of the whole chain by someone with write
 * access.  Returns 0 when intact, with the newest seq and hash in *head_seq
 * and head_hash[65]; otherwise 1 with the first broken seq in *bad_seq and a
 * reason in why (static text); -1 on a database error. */
/* Called for each break audit_walk finds: the row's seq (0: none) and
 * why (static text). */
typedef void (*audit_break_fn)(void *ctx, int64_t seq, const char *why);
/* Like audit_verify, but walks on after a break and reports every one to
 * fn (a changed row is one break: the next row is checked against the
 * stored hash).  Reads a page of rows at a time (constant memory).  The
 * number of breaks (0: intact, *head_seq and head_hash set), -1 on a
 * database error; *checked rows. */
int audit_walk(struct db *db, int64_t anchor_seq, const char *anchor_hash,
               audit_break_fn fn, void *ctx, int64_t *checked,
               int64_t *head_seq, char head_hash[65]);
int audit_verify(struct db *db, int64_t anchor_seq, const char *anchor_hash,
                 int64_t *checked, int64_t *bad_seq, const char **why,
                 int64_t *head_seq, char head_hash[65]);
json_t *audit_json(const struct audit_row *r);

/* --- demo -------------------------------------------------------------------
 */

/* Loads Meldal kommune (seed 004) unless an org exists.  Writes the demo
 * admin's e-mail and a fresh password into email/password (when created);
 * returns KV_OK, or KV_CONFLICT when an organisation already exists. */
enum kv_rc demo_load(struct db *db, char email[KV_MAX_EMAIL + 1],
                     char password[64]);

#endif
