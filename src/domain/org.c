/*
 * org.c - organisations, the unit tree and people.
 *
 * Units form a tree per organisation (organisation → administration → unit
 * → team).  Reading the tree and the staff directory is open to everyone
 * signed in to the organisation (names, titles and work e-mail of public
 * employees are public information); changing units and granting roles is
 * for administrators; unit managers may add and edit people in their own
 * units (and units below them).
 */
#include "domain.h"
#include "valid.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../text/fold.h"

#include <stdlib.h>
#include <string.h>

static const char *const unit_kinds[] = {"organisation", "administration",
                                         "unit", "team", NULL};

/* Maps a failed write to a result, rolling back. */
static enum kv_rc
write_failed(struct db *db, struct verrs *v, const char *field,
             const char *dup_reason)
{
	enum db_err e = db_errcode(db);
	db_rollback(db);
	if (e == DB_E_UNIQUE) {
		verr_add(v, field, dup_reason);
		return KV_CONFLICT;
	}
	if (e == DB_E_FK) {
		verr_add(v, field, "refers to something that does not exist");
		return KV_INVALID;
	}
	log_err("org: write failed: %s", db_errmsg(db));
	return KV_DBERR;
}

/* --- organisations ------------------------------------------------------ */

enum kv_rc
org_get(struct db *db, struct arena *ar, int64_t id, struct org *o)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db,
	              "SELECT id, name, slug, country, timezone, default_lang "
	              "FROM orgs WHERE id = ?",
	              "i", id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW) {
		o->id = db_col_i64(st, 0);
		o->name = arena_strdup(ar, db_col_text(st, 1));
		o->slug = arena_strdup(ar, db_col_text(st, 2));
		o->country = arena_strdup(ar, db_col_text(st, 3));
		o->timezone = arena_strdup(ar, db_col_text(st, 4));
		o->default_lang = arena_strdup(ar, db_col_text(st, 5));
	}
	db_finalize(st);
	return rc == DB_ROW ? KV_OK : rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
}

int64_t
org_first_id(struct db *db)
{
	int64_t id = 0;
	int rc =
	    db_get_i64(db, &id, "SELECT COALESCE(MIN(id), 0) FROM orgs", NULL);
	return rc < 0 ? -1 : id;
}

enum kv_rc
org_create(struct db *db, const struct org *o, int64_t *id, struct verrs *v)
{
	struct actor sys;
	json_t *after;
	int rc;

	valid_text(v, "name", o->name, 1, KV_MAX_NAME);
	valid_text(v, "slug", o->slug, 1, 64);
	if (o->country == NULL ||
	    (strcmp(o->country, "NO") != 0 && strcmp(o->country, "SE") != 0))
		verr_add(v, "country", "must be NO or SE");
	if (!valid_lang(o->default_lang))
		verr_add(v, "default_lang", "must be one of nb, nn, sv, en");
	valid_text(v, "timezone", o->timezone, 1, 64);
	if (v->n)
		return KV_INVALID;
	if (db_begin(db) != 0)
		return KV_DBERR;
	rc = db_get_i64(db, id,
	                "INSERT INTO orgs (name, slug, country, timezone, "
	                "default_lang, created_at) VALUES (?, ?, ?, ?, ?, ?) "
	                "RETURNING id",
	                "ttttti", o->name, o->slug, o->country, o->timezone,
	                o->default_lang, time_now());
	if (rc != 1)
		return write_failed(db, v, "slug", "is already taken");
	actor_system(&sys, *id, "system");
	after =
	    json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)*id,
	              "name", o->name, "slug", o->slug, "country", o->country,
	              "timezone", o->timezone, "default_lang", o->default_lang);
	rc = audit_append(db, &sys, "create", "org", *id, NULL, after);
	json_decref(after);
	if (rc != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return KV_DBERR;
	}
	return KV_OK;
}

/* --- units -----------------------------------------------------------------
 */

static int
unit_in_org(struct db *db, int64_t org_id, int64_t unit_id)
{
	int64_t n = 0;
	if (db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM units WHERE id = ? AND org_id = ?",
	               "ii", unit_id, org_id) < 0)
		return -1;
	return n > 0;
}

static void
read_unit(struct db_stmt *st, struct arena *ar, struct unit *u)
{
	u->id = db_col_i64(st, 0);
	u->parent_id = db_col_i64(st, 1);
	u->name = arena_strdup(ar, db_col_text(st, 2));
	u->kind = arena_strdup(ar, db_col_text(st, 3));
	u->created_at = db_col_i64(st, 4);
	u->updated_at = db_col_i64(st, 5);
}

#define UNIT_COLS                                                              \
	"id, COALESCE(parent_id, 0), name, kind, created_at, updated_at"

/* Appends the subtree under parent to out in depth-first order. */
static void
dfs(const struct unit *all, int n, int64_t parent, int depth, char *done,
    struct unit *out, int *k)
{
	if (depth > 64)
		return;
	for (int i = 0; i < n; i++) {
		if (done[i] || all[i].parent_id != parent)
			continue;
		done[i] = 1;
		out[*k] = all[i];
		out[*k].depth = depth;
		(*k)++;
		dfs(all, n, all[i].id, depth + 1, done, out, k);
	}
}

enum kv_rc
unit_list(struct db *db, struct arena *ar, const struct actor *a,
          struct unit **out, int *n)
{
	struct db_stmt *st;
	struct unit *all;
	char *done;
	int rc, cnt = 0, cap = 64, k = 0;

	*out = NULL;
	*n = 0;
	st = db_query(db,
	              "SELECT " UNIT_COLS " FROM units WHERE org_id = ? "
	              "ORDER BY name, id",
	              "i", a->org_id);
	if (st == NULL)
		return KV_DBERR;
	all = arena_alloc(ar, sizeof(*all) * (size_t)cap);
	while ((rc = db_step(st)) == DB_ROW) {
		if (cnt == cap) {
			struct unit *bigger =
			    arena_alloc(ar, sizeof(*all) * (size_t)cap * 2);
			memcpy(bigger, all, sizeof(*all) * (size_t)cap);
			all = bigger;
			cap *= 2;
		}
		read_unit(st, ar, &all[cnt++]);
	}
	db_finalize(st);
	if (rc < 0)
		return KV_DBERR;
	done = arena_alloc(ar, (size_t)cnt + 1);
	*out = arena_alloc(ar, sizeof(**out) * ((size_t)cnt + 1));
	dfs(all, cnt, 0, 0, done, *out, &k);
	/* orphans (parent in another org: never, but be safe) go last */
	for (int i = 0; i < cnt; i++)
		if (!done[i])
			(*out)[k++] = all[i];
	*n = k;
	return KV_OK;
}

enum kv_rc
unit_get(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
         struct unit *u)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db,
	              "SELECT " UNIT_COLS " FROM units WHERE id = ? AND "
	              "org_id = ?",
	              "ii", id, a->org_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW)
		read_unit(st, ar, u);
	db_finalize(st);
	return rc == DB_ROW ? KV_OK : rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
}

int64_t
unit_find_by_name(struct db *db, int64_t org_id, const char *name)
{
	int64_t id = 0;
	if (db_get_i64(db, &id,
	               "SELECT id FROM units WHERE org_id = ? AND name = ? "
	               "ORDER BY id LIMIT 1",
	               "it", org_id, name) != 1)
		return 0;
	return id;
}

json_t *
unit_json(const struct unit *u)
{
	char c[32], m[32];
	return json_pack(
	    "{s:I,s:o,s:s,s:s,s:s,s:s}", "id", (json_int_t)u->id, "parent_id",
	    u->parent_id ? json_integer(u->parent_id) : json_null(), "name",
	    u->name, "kind", u->kind, "created_at",
	    time_fmt_iso(u->created_at, c), "updated_at",
	    time_fmt_iso(u->updated_at, m));
}

static void
unit_validate(struct db *db, const struct actor *a, const struct unit *u,
              struct verrs *v)
{
	valid_text(v, "name", u->name, 1, KV_MAX_NAME);
	valid_oneof(v, "kind", u->kind, unit_kinds,
	            "must be organisation, administration, unit or team");
	if (u->parent_id != 0 && unit_in_org(db, a->org_id, u->parent_id) != 1)
		verr_add(v, "parent_id", "no such unit");
}

enum kv_rc
unit_create(struct db *db, struct arena *ar, const struct actor *a,
            struct unit *u, struct verrs *v)
{
	int64_t now = time_now();
	int rc;

	(void)ar;
	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	unit_validate(db, a, u, v);
	if (v->n)
		return KV_INVALID;
	if (db_begin(db) != 0)
		return KV_DBERR;
	rc = db_get_i64(db, &u->id,
	                "INSERT INTO units (org_id, parent_id, name, kind, "
	                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
	                "RETURNING id",
	                "ijttii", a->org_id, u->parent_id, u->name, u->kind,
	                now, now);
	if (rc != 1)
		return write_failed(
		    db, v, "name", "a unit with this name already exists here");
	u->created_at = u->updated_at = now;
	return audit_commit(db, a, "create", "unit", u->id, NULL, unit_json(u));
}

enum kv_rc
unit_update(struct db *db, struct arena *ar, const struct actor *a,
            const struct unit *u, struct verrs *v)
{
	struct unit old, nu;
	enum kv_rc rc;
	int64_t cur;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	rc = unit_get(db, ar, a, u->id, &old);
	if (rc != KV_OK)
		return rc;
	unit_validate(db, a, u, v);
	/* the new parent must not be the unit itself or below it */
	cur = u->parent_id;
	for (int depth = 0; cur != 0 && depth < 64 && !v->n; depth++) {
		int64_t up = 0;
		if (cur == u->id) {
			verr_add(v, "parent_id",
			         "a unit cannot be placed under itself");
			break;
		}
		if (db_get_i64(db, &up,
		               "SELECT COALESCE(parent_id, 0) FROM units WHERE "
		               "id = ?",
		               "i", cur) != 1)
			break;
		cur = up;
	}
	if (v->n)
		return KV_INVALID;
	nu = old;
	nu.name = u->name;
	nu.kind = u->kind;
	nu.parent_id = u->parent_id;
	nu.updated_at = time_now();
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "UPDATE units SET name = ?, kind = ?, parent_id = ?, "
	           "updated_at = ? WHERE id = ? AND org_id = ?",
	           "ttjiii", nu.name, nu.kind, nu.parent_id, nu.updated_at,
	           nu.id, a->org_id) != 0)
		return write_failed(
		    db, v, "name", "a unit with this name already exists here");
	return audit_commit(db, a, "update", "unit", nu.id, unit_json(&old),
	                    unit_json(&nu));
}

/* --- people ----------------------------------------------------------------
 */

#define PERSON_COLS                                                            \
	"p.id, COALESCE(p.unit_id, 0), p.full_name, p.first_name, p.title, "   \
	"p.email, p.phone, p.active, p.created_at, p.updated_at, "             \
	"COALESCE(u.name, ''), (SELECT COUNT(*) FROM accounts c WHERE "        \
	"c.person_id = p.id)"

static void
read_person(struct db_stmt *st, struct arena *ar, struct person *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_i64(st, 0);
	p->unit_id = db_col_i64(st, 1);
	p->full_name = arena_strdup(ar, db_col_text(st, 2));
	p->first_name = arena_strdup(ar, db_col_text(st, 3));
	p->title = arena_strdup(ar, db_col_text(st, 4));
	p->email = arena_strdup(ar, db_col_text(st, 5));
	p->phone = arena_strdup(ar, db_col_text(st, 6));
	p->active = (int)db_col_i64(st, 7);
	p->created_at = db_col_i64(st, 8);
	p->updated_at = db_col_i64(st, 9);
	p->unit_name = arena_strdup(ar, db_col_text(st, 10));
	p->has_account = db_col_i64(st, 11) > 0;
}

enum kv_rc
person_list(struct db *db, struct arena *ar, const struct actor *a,
            const struct person_filter *f, struct person **out, int *n,
            int64_t *total)
{
	struct db_stmt *st;
	const char *q = text_like_pattern(ar, f->q);
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	/* the unit filter includes every unit below it */
#define PEOPLE_WHERE                                                           \
	" FROM people p LEFT JOIN units u ON u.id = p.unit_id "                \
	"WHERE p.org_id = ? AND (? = 0 OR p.unit_id IN (WITH RECURSIVE "       \
	"sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT x.id FROM "     \
	"units x JOIN sub ON x.parent_id = sub.id) SELECT id FROM sub)) "      \
	"AND (? = '' OR p.search_key LIKE ? ESCAPE '\\')"
	if (db_get_i64(db, total, "SELECT COUNT(*)" PEOPLE_WHERE, "iiitt",
	               a->org_id, f->unit_id, f->unit_id, q, q) < 0)
		return KV_DBERR;
	st = db_query(db,
	              "SELECT " PERSON_COLS PEOPLE_WHERE
	              " ORDER BY p.full_name, p.id LIMIT ? OFFSET ?",
	              "iiittii", a->org_id, f->unit_id, f->unit_id, q, q,
	              (int64_t)limit, (int64_t)(f->offset > 0 ? f->offset : 0));
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)limit);
	while ((rc = db_step(st)) == DB_ROW && *n < limit)
		read_person(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

enum kv_rc
person_get(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
           struct person *p)
{
	struct db_stmt *st;
	int rc;

	st = db_query(db,
	              "SELECT " PERSON_COLS " FROM people p LEFT JOIN units u "
	              "ON u.id = p.unit_id WHERE p.id = ? AND p.org_id = ?",
	              "ii", id, a->org_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW)
		read_person(st, ar, p);
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	st =
	    db_query(db,
	             "SELECT role, COALESCE(unit_id, 0) FROM role_grants WHERE "
	             "person_id = ? ORDER BY id",
	             "i", id);
	if (st == NULL)
		return KV_DBERR;
	p->grants = arena_alloc(ar, sizeof(*p->grants) * KV_MAX_GRANTS);
	while ((rc = db_step(st)) == DB_ROW && p->ngrants < KV_MAX_GRANTS) {
		int r = role_parse(db_col_text(st, 0));
		if (r < 0)
			continue;
		p->grants[p->ngrants].role = (enum role)r;
		p->grants[p->ngrants].unit_id = db_col_i64(st, 1);
		p->ngrants++;
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

json_t *
person_json(const struct person *p)
{
	char c[32], m[32];
	json_t *o = json_pack(
	    "{s:I,s:s,s:s,s:s,s:o,s:s,s:s,s:o,s:b,s:b,s:s,s:s}", "id",
	    (json_int_t)p->id, "full_name", p->full_name, "first_name",
	    p->first_name, "title", p->title ? p->title : "", "email",
	    p->email ? json_string(p->email) : json_null(), "phone",
	    p->phone ? p->phone : "", "unit_name",
	    p->unit_name ? p->unit_name : "", "unit_id",
	    p->unit_id ? json_integer(p->unit_id) : json_null(), "active",
	    p->active, "has_login", p->has_account, "created_at",
	    time_fmt_iso(p->created_at, c), "updated_at",
	    time_fmt_iso(p->updated_at, m));
	if (p->grants != NULL) {
		json_t *roles = json_array();
		for (int i = 0; i < p->ngrants; i++)
			json_array_append_new(
			    roles,
			    json_pack("{s:s,s:o}", "role",
			              role_name(p->grants[i].role), "unit_id",
			              p->grants[i].unit_id
			                  ? json_integer(p->grants[i].unit_id)
			                  : json_null()));
		json_object_set_new(o, "roles", roles);
	}
	return o;
}

/* What a people search matches: name, e-mail and title, case-folded. */
static const char *
person_search_key(struct arena *ar, const struct person *p)
{
	return text_fold(ar, arena_printf(ar, "%s %s %s", p->full_name,
	                                  p->email ? p->email : "",
	                                  p->title ? p->title : ""));
}

/* Fills first_name from full_name when empty; lower-cases e-mail. */
static void
person_normalise(struct arena *ar, struct person *p)
{
	if (p->full_name != NULL)
		p->full_name = str_trim(arena_strdup(ar, p->full_name));
	if ((p->first_name == NULL || *p->first_name == '\0') &&
	    p->full_name != NULL) {
		const char *sp = strchr(p->full_name, ' ');
		p->first_name = sp ? arena_strndup(ar, p->full_name,
		                                   (size_t)(sp - p->full_name))
		                   : p->full_name;
	}
	if (p->email != NULL) {
		char *e = str_trim(arena_strdup(ar, p->email));
		p->email = *e ? str_lower_ascii(e) : NULL;
	}
	if (p->title == NULL)
		p->title = "";
	if (p->phone == NULL)
		p->phone = "";
}

static void
person_validate(struct db *db, const struct actor *a, const struct person *p,
                struct verrs *v)
{
	valid_text(v, "full_name", p->full_name, 1, KV_MAX_NAME);
	valid_text(v, "first_name", p->first_name, 1, KV_MAX_NAME);
	valid_text(v, "title", p->title, 0, KV_MAX_NAME);
	valid_email(v, "email", p->email, 0);
	valid_text(v, "phone", p->phone, 0, 40);
	if (p->unit_id != 0 && unit_in_org(db, a->org_id, p->unit_id) != 1)
		verr_add(v, "unit_id", "no such unit");
}

enum kv_rc
person_create(struct db *db, struct arena *ar, const struct actor *a,
              struct person *p, struct verrs *v)
{
	int64_t now = time_now();
	int rc;

	person_normalise(ar, p);
	if (!actor_is_admin(a) &&
	    !(p->unit_id != 0 &&
	      actor_has_role_for_unit(db, a, ROLE_UNIT_MANAGER, p->unit_id)))
		return KV_FORBIDDEN;
	person_validate(db, a, p, v);
	if (v->n)
		return KV_INVALID;
	if (db_begin(db) != 0)
		return KV_DBERR;
	rc = db_get_i64(
	    db, &p->id,
	    "INSERT INTO people (org_id, full_name, first_name, "
	    "title, unit_id, email, phone, active, search_key, "
	    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, "
	    "?, ?, ?) RETURNING id",
	    "itttjtttii", a->org_id, p->full_name, p->first_name, p->title,
	    p->unit_id, p->email, p->phone, person_search_key(ar, p), now, now);
	if (rc != 1)
		return write_failed(db, v, "email",
		                    "is already used by another person");
	p->active = 1;
	p->created_at = p->updated_at = now;
	return audit_commit(db, a, "create", "person", p->id, NULL,
	                    person_json(p));
}

enum kv_rc
person_update(struct db *db, struct arena *ar, const struct actor *a,
              const struct person *in, struct verrs *v)
{
	struct person old, p = *in;
	enum kv_rc rc;

	rc = person_get(db, ar, a, p.id, &old);
	if (rc != KV_OK)
		return rc;
	person_normalise(ar, &p);
	/* a unit manager may edit people of their units, and only move them
	 * between units they manage */
	if (!actor_is_admin(a) &&
	    !(old.unit_id != 0 && p.unit_id != 0 &&
	      actor_has_role_for_unit(db, a, ROLE_UNIT_MANAGER, old.unit_id) &&
	      actor_has_role_for_unit(db, a, ROLE_UNIT_MANAGER, p.unit_id)))
		return KV_FORBIDDEN;
	if (p.active != 0 && p.active != 1)
		verr_add(v, "active", "must be true or false");
	if (!p.active && p.id == a->person_id)
		verr_add(v, "active", "you cannot deactivate yourself");
	person_validate(db, a, &p, v);
	if (v->n)
		return KV_INVALID;
	p.updated_at = time_now();
	p.created_at = old.created_at;
	p.has_account = old.has_account;
	p.grants = NULL;
	old.grants = NULL;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(
	        db,
	        "UPDATE people SET full_name = ?, first_name = ?, title = ?, "
	        "unit_id = ?, email = ?, phone = ?, active = ?, search_key = "
	        "?, "
	        "updated_at = ? WHERE id = ? AND org_id = ?",
	        "tttjttitiii", p.full_name, p.first_name, p.title, p.unit_id,
	        p.email, p.phone, (int64_t)p.active, person_search_key(ar, &p),
	        p.updated_at, p.id, a->org_id) != 0)
		return write_failed(db, v, "email",
		                    "is already used by another person");
	/* a deactivated person loses every session and token at once */
	if (!p.active &&
	    (db_run(db, "DELETE FROM sessions WHERE person_id = ?", "i",
	            p.id) != 0 ||
	     db_run(db,
	            "UPDATE api_tokens SET revoked_at = ? WHERE person_id = ? "
	            "AND revoked_at IS NULL",
	            "ii", p.updated_at, p.id) != 0)) {
		db_rollback(db);
		return KV_DBERR;
	}
	return audit_commit(db, a, "update", "person", p.id, person_json(&old),
	                    person_json(&p));
}

static json_t *
grant_json(int64_t person_id, enum role r, int64_t unit_id)
{
	return json_pack("{s:I,s:s,s:o}", "person_id", (json_int_t)person_id,
	                 "role", role_name(r), "unit_id",
	                 unit_id ? json_integer(unit_id) : json_null());
}

enum kv_rc
person_grant(struct db *db, struct arena *ar, const struct actor *a,
             int64_t person_id, enum role r, int64_t unit_id, struct verrs *v)
{
	struct person p;
	enum kv_rc rc;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	rc = person_get(db, ar, a, person_id, &p);
	if (rc != KV_OK)
		return rc;
	if ((unsigned)r >= ROLE__COUNT)
		verr_add(v, "role", "unknown role");
	if (unit_id != 0 && unit_in_org(db, a->org_id, unit_id) != 1)
		verr_add(v, "unit_id", "no such unit");
	if (unit_id == 0 && r == ROLE_UNIT_MANAGER)
		verr_add(v, "unit_id", "a unit manager needs a unit");
	if (unit_id != 0 && (r == ROLE_ADMIN || r == ROLE_AUDITOR))
		verr_add(v, "unit_id",
		         "this role covers the whole organisation");
	if (v->n)
		return KV_INVALID;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "INSERT INTO role_grants (person_id, role, unit_id, "
	           "created_at) VALUES (?, ?, ?, ?)",
	           "itji", person_id, role_name(r), unit_id, time_now()) != 0)
		return write_failed(db, v, "role", "is already granted");
	return audit_commit(db, a, "grant", "person", person_id, NULL,
	                    grant_json(person_id, r, unit_id));
}

enum kv_rc
person_revoke(struct db *db, struct arena *ar, const struct actor *a,
              int64_t person_id, enum role r, int64_t unit_id)
{
	struct person p;
	enum kv_rc rc;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if (person_id == a->person_id && r == ROLE_ADMIN)
		return KV_CONFLICT;
	rc = person_get(db, ar, a, person_id, &p);
	if (rc != KV_OK)
		return rc;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "DELETE FROM role_grants WHERE person_id = ? AND role = ? "
	           "AND COALESCE(unit_id, 0) = ?",
	           "iti", person_id, role_name(r), unit_id) != 0) {
		db_rollback(db);
		return KV_DBERR;
	}
	if (db_changes(db) == 0) {
		db_rollback(db);
		return KV_NOTFOUND;
	}
	return audit_commit(db, a, "revoke", "person", person_id,
	                    grant_json(person_id, r, unit_id), NULL);
}
