/*
 * training.c - courses, completions and the competence rule (see
 * training.h for who may do what).  channel.c and plan.c ask
 * training_require() before a person is made responsible for or an editor
 * of a channel; training_expiring() feeds the warnings.
 */
#include "training.h"
#include "valid.h"
#include "../base/log.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

/* 1 when a holds any organisation-wide grant (or is admin/system). */
static int
sees_all(const struct actor *a)
{
	if (actor_is_admin(a))
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].unit_id == 0)
			return 1;
	return 0;
}

static int
manages_somewhere(const struct actor *a)
{
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].role == ROLE_UNIT_MANAGER)
			return 1;
	return 0;
}

/* --- dates ------------------------------------------------------------- */

void
org_date(struct db *db, int64_t org_id, int64_t t, char out[16])
{
	struct db_stmt *st;
	char tz[64] = "UTC";
	st =
	    db_query(db, "SELECT timezone FROM orgs WHERE id = ?", "i", org_id);
	if (st != NULL && db_step(st) == DB_ROW && db_col_text(st, 0))
		snprintf(tz, sizeof(tz), "%s", db_col_text(st, 0));
	db_finalize(st);
	time_fmt_date(t + tz_offset(tz, t), out);
}

void
org_today(struct db *db, int64_t org_id, char out[16])
{
	org_date(db, org_id, time_now(), out);
}

int
date_add_months(const char *date, int64_t months, char out[16])
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	int y, m, d, dim;
	int64_t mm;
	if (date == NULL || date_parse(date, &y, &m, &d) != 0 ||
	    months < -1200 || months > 1200)
		return -1;
	mm = (int64_t)y * 12 + m - 1 + months; /* months since year 0 */
	y = (int)(mm / 12);
	m = (int)(mm % 12) + 1;
	dim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	if (d > dim)
		d = dim;
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/* --- the rule ------------------------------------------------------------ */

int
training_missing(struct db *db, int64_t org_id, int64_t person_id)
{
	char today[16];
	int64_t n = 0;
	org_today(db, org_id, today);
	if (db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM courses c WHERE c.org_id = ? AND "
	               "c.required_for_channel_roles = 1 AND NOT EXISTS "
	               "(SELECT 1 FROM training_records t WHERE t.course_id = "
	               "c.id AND t.person_id = ? AND t.completed_on <= ? AND "
	               "(t.expires_on IS NULL OR t.expires_on >= ?))",
	               "iitt", org_id, person_id, today, today) != 1)
		return -1;
	return n > 0;
}

int
training_require(struct db *db, int64_t org_id, const char *field,
                 const int64_t *ids, int n, struct verrs *v)
{
	for (int i = 0; i < n; i++) {
		int m;
		if (ids[i] == 0)
			continue;
		m = training_missing(db, org_id, ids[i]);
		if (m < 0)
			return -1;
		if (m) {
			verr_add(v, field,
			         "has not completed the required training");
			return 0;
		}
	}
	return 0;
}

/* --- courses ----------------------------------------------------------------
 */

json_t *
course_json(const struct course *c)
{
	char cr[32], up[32];
	return json_pack("{s:I,s:s,s:s,s:I,s:b,s:s,s:s}", "id",
	                 (json_int_t)c->id, "name", c->name, "description",
	                 c->description ? c->description : "",
	                 "validity_months", (json_int_t)c->validity_months,
	                 "required_for_channel_roles", c->required,
	                 "created_at", time_fmt_iso(c->created_at, cr),
	                 "updated_at", time_fmt_iso(c->updated_at, up));
}

enum kv_rc
course_list(struct db *db, struct arena *ar, const struct actor *a,
            struct course **out, int *n)
{
	struct db_stmt *st;
	int rc, cap = 200;
	*n = 0;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	st = db_query(db,
	              "SELECT id, name, description, validity_months, "
	              "required_for_channel_roles, created_at, updated_at "
	              "FROM courses WHERE org_id = ? ORDER BY name, id LIMIT "
	              "200",
	              "i", a->org_id);
	if (st == NULL)
		return KV_DBERR;
	while ((rc = db_step(st)) == DB_ROW && *n < cap) {
		struct course *c = &(*out)[(*n)++];
		c->id = db_col_i64(st, 0);
		c->name = arena_strdup(ar, db_col_text(st, 1));
		c->description = arena_strdup(ar, db_col_text(st, 2));
		c->validity_months = db_col_i64(st, 3);
		c->required = (int)db_col_i64(st, 4);
		c->created_at = db_col_i64(st, 5);
		c->updated_at = db_col_i64(st, 6);
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

enum kv_rc
course_get(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
           struct course *c)
{
	struct course *cs;
	int n;
	enum kv_rc rc = course_list(db, ar, a, &cs, &n);
	if (rc != KV_OK)
		return rc;
	for (int i = 0; i < n; i++)
		if (cs[i].id == id) {
			*c = cs[i];
			return KV_OK;
		}
	return KV_NOTFOUND;
}

enum kv_rc
course_create(struct db *db, struct arena *ar, const struct actor *a,
              struct course *c, struct verrs *v)
{
	int64_t now = time_now();
	if (!actor_has_org_role(a, ROLE_COMMS))
		return KV_FORBIDDEN;
	if (c->name)
		c->name = str_trim(arena_strdup(ar, c->name));
	if (c->description == NULL)
		c->description = "";
	valid_text(v, "name", c->name, 1, KV_MAX_NAME);
	valid_multiline(v, "description", c->description, KV_MAX_TEXT);
	if (c->validity_months < 0 || c->validity_months > 120)
		verr_add(v, "validity_months", "must be between 0 and 120");
	c->required = c->required ? 1 : 0;
	if (v->n)
		return KV_INVALID;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_get_i64(db, &c->id,
	               "INSERT INTO courses (org_id, name, description, "
	               "validity_months, required_for_channel_roles, "
	               "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
	               "RETURNING id",
	               "ittiiii", a->org_id, c->name, c->description,
	               c->validity_months, (int64_t)c->required, now,
	               now) != 1) {
		enum db_err e = db_errcode(db);
		db_rollback(db);
		if (e == DB_E_UNIQUE) {
			verr_add(v, "name", "is already taken");
			return KV_CONFLICT;
		}
		log_err("training: course insert failed: %s", db_errmsg(db));
		return KV_DBERR;
	}
	c->created_at = c->updated_at = now;
	return audit_commit(db, a, "create", "course", c->id, NULL,
	                    course_json(c));
}

/* --- completions -----------------------------------------------------------
 */

json_t *
training_json(const struct training_record *t)
{
	char cr[32];
	return json_pack(
	    "{s:I,s:I,s:s,s:I,s:s,s:s,s:o,s:b,s:o,s:s}", "id",
	    (json_int_t)t->id, "person_id", (json_int_t)t->person_id,
	    "person_name", t->person_name ? t->person_name : "", "course_id",
	    (json_int_t)t->course_id, "course_name",
	    t->course_name ? t->course_name : "", "completed_on",
	    t->completed_on, "expires_on",
	    t->expires_on ? json_string(t->expires_on) : json_null(), "valid",
	    t->valid, "recorded_by",
	    t->recorded_by ? json_integer(t->recorded_by) : json_null(),
	    "created_at", time_fmt_iso(t->created_at, cr));
}

enum kv_rc
training_record(struct db *db, struct arena *ar, const struct actor *a,
                struct training_record *t, struct verrs *v)
{
	struct db_stmt *st;
	int64_t validity = 0, unit = 0, now = time_now();
	int found = 0;
	char today[16], exp[16];
	int comms = actor_has_org_role(a, ROLE_COMMS);

	if (!comms && !manages_somewhere(a))
		return KV_FORBIDDEN;
	if (t->person_id == 0)
		verr_add(v, "person_id", "is required");
	else {
		st = db_query(db,
		              "SELECT COALESCE(unit_id, 0), full_name FROM "
		              "people WHERE id = ? AND org_id = ? AND active "
		              "= 1",
		              "ii", t->person_id, a->org_id);
		if (st == NULL)
			return KV_DBERR;
		if (db_step(st) == DB_ROW) {
			found = 1;
			unit = db_col_i64(st, 0);
			t->person_name = arena_strdup(ar, db_col_text(st, 1));
		}
		db_finalize(st);
		if (!found)
			verr_add(v, "person_id", "no such person");
	}
	found = 0;
	if (t->course_id == 0)
		verr_add(v, "course_id", "is required");
	else {
		st = db_query(db,
		              "SELECT validity_months, name FROM courses WHERE "
		              "id = ? AND org_id = ?",
		              "ii", t->course_id, a->org_id);
		if (st == NULL)
			return KV_DBERR;
		if (db_step(st) == DB_ROW) {
			found = 1;
			validity = db_col_i64(st, 0);
			t->course_name = arena_strdup(ar, db_col_text(st, 1));
		}
		db_finalize(st);
		if (!found)
			verr_add(v, "course_id", "no such course");
	}
	if (t->expires_on && *t->expires_on == '\0')
		t->expires_on = NULL;
	org_today(db, a->org_id, today);
	if (valid_date(v, "completed_on", t->completed_on, 1) &&
	    strcmp(t->completed_on, today) > 0)
		verr_add(v, "completed_on", "cannot be in the future");
	if (valid_date(v, "expires_on", t->expires_on, 0) && t->expires_on &&
	    t->completed_on && !verr_for(v, "completed_on") &&
	    strcmp(t->expires_on, t->completed_on) < 0)
		verr_add(v, "expires_on", "cannot be before completed_on");
	if (v->n)
		return KV_INVALID;
	/* a manager records for their people, never for themself */
	if (!comms &&
	    (t->person_id == a->person_id ||
	     !actor_has_role_for_unit(db, a, ROLE_UNIT_MANAGER, unit)))
		return KV_FORBIDDEN;
	if (t->expires_on == NULL && validity > 0) {
		if (date_add_months(t->completed_on, validity, exp) != 0)
			return KV_INVALID;
		t->expires_on = arena_strdup(ar, exp);
	}
	t->recorded_by = a->person_id;
	t->created_at = now;
	t->valid = strcmp(t->completed_on, today) <= 0 &&
	           (t->expires_on == NULL || strcmp(t->expires_on, today) >= 0);
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_get_i64(db, &t->id,
	               "INSERT INTO training_records (org_id, person_id, "
	               "course_id, completed_on, expires_on, recorded_by, "
	               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	               "iiittji", a->org_id, t->person_id, t->course_id,
	               t->completed_on, t->expires_on, a->person_id,
	               now) != 1) {
		db_rollback(db);
		log_err("training: insert failed: %s", db_errmsg(db));
		return KV_DBERR;
	}
	return audit_commit(db, a, "create", "training", t->id, NULL,
	                    training_json(t));
}

#define TR_SCOPE                                                               \
	"WITH RECURSIVE scope(id) AS (SELECT unit_id FROM role_grants WHERE "  \
	"person_id = ? AND role = 'unit_manager' AND unit_id IS NOT NULL "     \
	"UNION SELECT x.id FROM units x JOIN scope s ON x.parent_id = s.id) "
#define TR_FROM                                                                \
	" FROM training_records t JOIN people p ON p.id = t.person_id JOIN "   \
	"courses c ON c.id = t.course_id WHERE t.org_id = ? AND (? = 1 OR "    \
	"t.person_id = ? OR p.unit_id IN (SELECT id FROM scope)) AND "         \
	"(CAST(? AS BIGINT) = 0 OR t.person_id = ?) AND (CAST(? AS BIGINT) = " \
	"0 OR t.course_id = ?) AND (CAST(? AS BIGINT) = 0 OR t.id = ?)"

enum kv_rc
training_list(struct db *db, struct arena *ar, const struct actor *a,
              const struct training_filter *f, struct training_record **out,
              int *n, int64_t *total)
{
	struct db_stmt *st;
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 100;
	int64_t all = sees_all(a);
	char today[16];
	int rc;

	*n = 0;
	*total = 0;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)limit);
	org_today(db, a->org_id, today);
	if (db_get_i64(db, total, TR_SCOPE "SELECT COUNT(*)" TR_FROM,
	               "iiiiiiiiii", a->person_id, a->org_id, all, a->person_id,
	               f->person_id, f->person_id, f->course_id, f->course_id,
	               f->id, f->id) != 1)
		return KV_DBERR;
	st = db_query(db,
	              TR_SCOPE "SELECT t.id, t.person_id, t.course_id, "
	                       "t.completed_on, t.expires_on, "
	                       "COALESCE(t.recorded_by, 0), t.created_at, "
	                       "p.full_name, c.name" TR_FROM
	                       " ORDER BY t.completed_on DESC, t.id DESC "
	                       "LIMIT ? OFFSET ?",
	              "iiiiiiiiiiii", a->person_id, a->org_id, all,
	              a->person_id, f->person_id, f->person_id, f->course_id,
	              f->course_id, f->id, f->id, (int64_t)limit,
	              (int64_t)(f->offset > 0 ? f->offset : 0));
	if (st == NULL)
		return KV_DBERR;
	while ((rc = db_step(st)) == DB_ROW && *n < limit) {
		struct training_record *t = &(*out)[(*n)++];
		t->id = db_col_i64(st, 0);
		t->person_id = db_col_i64(st, 1);
		t->course_id = db_col_i64(st, 2);
		t->completed_on = arena_strdup(ar, db_col_text(st, 3));
		t->expires_on = db_col_is_null(st, 4)
		                    ? NULL
		                    : arena_strdup(ar, db_col_text(st, 4));
		t->recorded_by = db_col_i64(st, 5);
		t->created_at = db_col_i64(st, 6);
		t->person_name = arena_strdup(ar, db_col_text(st, 7));
		t->course_name = arena_strdup(ar, db_col_text(st, 8));
		t->valid = strcmp(t->completed_on, today) <= 0 &&
		           (t->expires_on == NULL ||
		            strcmp(t->expires_on, today) >= 0);
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

/* The active unit managers of person_id's unit and the units above it
 * (not the person), into t. */
static int
load_managers(struct db *db, int64_t person_id, struct training_alert *t)
{
	struct db_stmt *st;
	int rc;
	st = db_query(
	    db,
	    "WITH RECURSIVE up(id) AS (SELECT unit_id FROM people WHERE id = "
	    "? AND unit_id IS NOT NULL UNION SELECT u.parent_id FROM units u "
	    "JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL) SELECT "
	    "DISTINCT g.person_id FROM role_grants g JOIN people m ON m.id = "
	    "g.person_id WHERE g.role = 'unit_manager' AND g.unit_id IN "
	    "(SELECT id FROM up) AND g.person_id <> ? AND m.active = 1 ORDER "
	    "BY g.person_id",
	    "ii", person_id, person_id);
	if (st == NULL)
		return -1;
	t->nmanagers = 0;
	while ((rc = db_step(st)) == DB_ROW && t->nmanagers < KV_MAX_MANAGERS)
		t->manager_ids[t->nmanagers++] = db_col_i64(st, 0);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

enum kv_rc
training_expiring(struct db *db, struct arena *ar, const struct actor *a,
                  int days, struct training_alert **out, int *n)
{
	struct db_stmt *st;
	struct training_alert *all;
	int rc, cap = 500, nall = 0;
	char today[16], until[16];

	*n = 0;
	if (days < 0 || days > 3660)
		days = 30;
	org_today(db, a->org_id, today);
	{
		int y, m, d;
		if (date_parse(today, &y, &m, &d) != 0)
			return KV_DBERR;
		time_fmt_date(
		    (days_from_civil(y, (unsigned)m, (unsigned)d) + days) *
		        86400,
		    until);
	}
	all = arena_alloc(ar, sizeof(*all) * (size_t)cap);
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	/* per person and required course, the latest expiry, unless one of
	 * the completions never expires */
	st = db_query(db,
	              "SELECT t.person_id, p.full_name, c.id, c.name, "
	              "MAX(t.expires_on) FROM training_records t JOIN people "
	              "p ON p.id = t.person_id JOIN courses c ON c.id = "
	              "t.course_id WHERE t.org_id = ? AND "
	              "c.required_for_channel_roles = 1 AND p.active = 1 "
	              "GROUP BY t.person_id, p.full_name, c.id, c.name "
	              "HAVING COUNT(*) = COUNT(t.expires_on) AND "
	              "MAX(t.expires_on) <= ? ORDER BY MAX(t.expires_on), "
	              "p.full_name LIMIT 500",
	              "it", a->org_id, until);
	if (st == NULL)
		return KV_DBERR;
	while ((rc = db_step(st)) == DB_ROW && nall < cap) {
		struct training_alert *t = &all[nall++];
		memset(t, 0, sizeof(*t));
		t->person_id = db_col_i64(st, 0);
		t->person_name = arena_strdup(ar, db_col_text(st, 1));
		t->course_id = db_col_i64(st, 2);
		t->course_name = arena_strdup(ar, db_col_text(st, 3));
		t->expires_on = arena_strdup(ar, db_col_text(st, 4));
		t->expired = strcmp(t->expires_on, today) < 0;
	}
	db_finalize(st);
	if (rc < 0)
		return KV_DBERR;
	for (int i = 0; i < nall; i++) {
		int see = sees_all(a) || all[i].person_id == a->person_id;
		if (load_managers(db, all[i].person_id, &all[i]) != 0)
			return KV_DBERR;
		for (int k = 0; k < all[i].nmanagers && !see; k++)
			see = all[i].manager_ids[k] == a->person_id;
		if (see)
			(*out)[(*n)++] = all[i];
	}
	return KV_OK;
}

json_t *
training_alert_json(const struct training_alert *t)
{
	json_t *m = json_array();
	for (int i = 0; i < t->nmanagers; i++)
		json_array_append_new(m, json_integer(t->manager_ids[i]));
	return json_pack("{s:I,s:s,s:I,s:s,s:s,s:b,s:o}", "person_id",
	                 (json_int_t)t->person_id, "person_name",
	                 t->person_name, "course_id", (json_int_t)t->course_id,
	                 "course_name", t->course_name, "expires_on",
	                 t->expires_on, "expired", t->expired, "manager_ids",
	                 m);
}
