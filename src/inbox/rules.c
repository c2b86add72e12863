/*
 * rules.c - an organisation's own triage rules (inbox.h "rules"; the
 * fields of struct triage_rule, checked by triage_rule_check from
 * src/text/triage_rules.c).  Everyone of the organisation may read them —
 * the rules are meant to be transparent — and administrators change them.
 * Each change bumps the organisation's triage epoch, so the cached engine
 * (engine.c) is rebuilt before it triages the next item.
 */
#include "inbox_int.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

static const char *
kind_name(enum triage_rule_kind k)
{
	return k == RULE_PATTERN ? "pattern" : "keyword";
}

static const char *
nz(struct arena *ar, struct db_stmt *st, int col)
{
	return arena_strdup(ar, db_col_text(st, col));
}

#define RULE_COLS                                                              \
	"id, cls, ground, lang, kind, pattern, CAST(weight AS TEXT), "         \
	"enabled, note"

static void
read_rule(struct db_stmt *st, struct arena *ar, struct triage_rule *r)
{
	const char *g = db_col_text(st, 2);
	memset(r, 0, sizeof(*r));
	r->id = db_col_i64(st, 0);
	r->cls = triage_class_parse(db_col_text(st, 1));
	r->ground = g ? abuse_ground_parse(g) : AG_NONE;
	if (r->ground < 0)
		r->ground = AG_NONE;
	r->lang = nz(ar, st, 3);
	r->kind = strcmp(db_col_text(st, 4), "pattern") == 0 ? RULE_PATTERN
	                                                     : RULE_KEYWORD;
	r->pattern = nz(ar, st, 5);
	r->weight = inbox_col_double(st, 6);
	r->enabled = (int)db_col_i64(st, 7);
	r->note = nz(ar, st, 8);
}

enum kv_rc
triage_rule_list(struct db *db, struct arena *ar, const struct actor *a,
                 struct triage_rule **out, int *n)
{
	struct db_stmt *st;
	int rc, cap = 1000;
	*out = NULL;
	*n = 0;
	st = db_query(db,
	              "SELECT " RULE_COLS " FROM triage_rules WHERE org_id = ? "
	              "ORDER BY id LIMIT 1000",
	              "i", a->org_id);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((rc = db_step(st)) == DB_ROW && *n < cap)
		read_rule(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

/* One rule of a's organisation; KV_NOTFOUND. */
static enum kv_rc
rule_get(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
         struct triage_rule *r)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db,
	              "SELECT " RULE_COLS " FROM triage_rules WHERE id = ? AND "
	              "org_id = ?",
	              "ii", id, a->org_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW)
		read_rule(st, ar, r);
	db_finalize(st);
	return rc == DB_ROW ? KV_OK : rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
}

json_t *
triage_rule_json(const struct triage_rule *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "cls",
	                    inbox_json_str(triage_class_name(r->cls)));
	json_object_set_new(o, "ground",
	                    inbox_json_str(abuse_ground_name(r->ground)));
	json_object_set_new(o, "lang", inbox_json_str(r->lang));
	json_object_set_new(o, "kind", json_string(kind_name(r->kind)));
	json_object_set_new(o, "pattern", inbox_json_str(r->pattern));
	json_object_set_new(o, "weight", json_real(r->weight));
	json_object_set_new(o, "enabled", json_boolean(r->enabled));
	json_object_set_new(o, "note", inbox_json_str(r->note));
	json_object_set_new(o, "builtin", json_boolean(r->id == 0));
	return o;
}

/* Checks r with triage_rule_check and the note; KV_OK or KV_INVALID
 * (the checker's English reason, copied into ar, as the field's reason).
 */
static enum kv_rc
check_rule(struct arena *ar, const struct triage_rule *r, struct verrs *v)
{
	const char *field = NULL;
	char err[200];
	if (r->kind != RULE_KEYWORD && r->kind != RULE_PATTERN)
		verr_add(v, "kind", "must be keyword or pattern");
	else if (triage_rule_check(r, &field, err, sizeof(err)) != 0)
		verr_add(v, field ? field : "pattern", arena_strdup(ar, err));
	if (r->note != NULL && strlen(r->note) > KV_MAX_TEXT)
		verr_add(v, "note", "is too long");
	return v->n ? KV_INVALID : KV_OK;
}

/* Text of r->weight that round-trips. */
static void
weight_text(const struct triage_rule *r, char out[40])
{
	snprintf(out, 40, "%.17g", r->weight);
}

enum kv_rc
triage_rule_create(struct db *db, struct arena *ar, const struct actor *a,
                   struct triage_rule *r, struct verrs *v)
{
	struct db_stmt *st;
	char w[40];
	int64_t now = time_now();
	enum kv_rc rc;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if ((rc = check_rule(ar, r, v)) != KV_OK)
		return rc;
	weight_text(r, w);
	if (db_begin(db) != 0)
		return KV_DBERR;
	r->id = 0;
	st = db_query(db,
	              "INSERT INTO triage_rules (org_id, cls, ground, lang, "
	              "kind, pattern, weight, enabled, note, created_at, "
	              "updated_at) VALUES (?, ?, ?, ?, ?, ?, CAST(? AS DOUBLE "
	              "PRECISION), ?, ?, ?, ?) RETURNING id",
	              "ittttttitii", a->org_id, triage_class_name(r->cls),
	              abuse_ground_name(r->ground),
	              r->lang && *r->lang ? r->lang : NULL, kind_name(r->kind),
	              r->pattern, w, (int64_t)(r->enabled != 0), r->note, now,
	              now);
	if (st != NULL && db_step(st) == DB_ROW)
		r->id = db_col_i64(st, 0);
	db_finalize(st);
	if (r->id == 0 || inbox_epoch_bump(db, a->org_id) != 0)
		return inbox_write_failed(db, "rule create");
	return audit_commit(db, a, "create", "triage_rule", r->id, NULL,
	                    triage_rule_json(r));
}

enum kv_rc
triage_rule_update(struct db *db, struct arena *ar, const struct actor *a,
                   const struct triage_rule *r, struct verrs *v)
{
	struct triage_rule old;
	char w[40];
	enum kv_rc rc;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if ((rc = rule_get(db, ar, a, r->id, &old)) != KV_OK)
		return rc;
	if ((rc = check_rule(ar, r, v)) != KV_OK)
		return rc;
	weight_text(r, w);
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "UPDATE triage_rules SET cls = ?, ground = ?, lang = ?, "
	           "kind = ?, pattern = ?, weight = CAST(? AS DOUBLE "
	           "PRECISION), enabled = ?, note = ?, updated_at = ? WHERE id "
	           "= ? AND org_id = ?",
	           "ttttttitiii", triage_class_name(r->cls),
	           abuse_ground_name(r->ground),
	           r->lang && *r->lang ? r->lang : NULL, kind_name(r->kind),
	           r->pattern, w, (int64_t)(r->enabled != 0), r->note,
	           time_now(), r->id, a->org_id) != 0 ||
	    inbox_epoch_bump(db, a->org_id) != 0)
		return inbox_write_failed(db, "rule update");
	return audit_commit(db, a, "update", "triage_rule", r->id,
	                    triage_rule_json(&old), triage_rule_json(r));
}

enum kv_rc
triage_rule_delete(struct db *db, struct arena *ar, const struct actor *a,
                   int64_t id)
{
	struct triage_rule old;
	enum kv_rc rc;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if ((rc = rule_get(db, ar, a, id, &old)) != KV_OK)
		return rc;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db, "DELETE FROM triage_rules WHERE id = ? AND org_id = ?",
	           "ii", id, a->org_id) != 0 ||
	    inbox_epoch_bump(db, a->org_id) != 0)
		return inbox_write_failed(db, "rule delete");
	return audit_commit(db, a, "delete", "triage_rule", id,
	                    triage_rule_json(&old), NULL);
}
