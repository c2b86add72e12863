/*
 * authz.c - roles, the acting person and the authorization predicates.
 *
 * Model: a person holds grants (role, unit); a grant on a unit covers that
 * unit and every unit below it; a grant without a unit covers the whole
 * organisation.  `admin` may do everything within its organisation; the
 * system actor (CLI, demo loader) likewise.  Whether a role may perform an
 * action is decided next to the action (channel.c, org.c), using the
 * predicates here.
 */
#include "domain.h"
#include "../base/util.h"

#include <string.h>

static const char *const role_names[ROLE__COUNT] = {
    "admin",        "comms",        "decision_maker",
    "unit_manager", "web_editor",   "channel_editor",
    "supervisor",   "crisis_staff", "auditor"};

static const char *const role_labels[ROLE__COUNT] = {
    N_("Administrator"), N_("Communications unit"), N_("Decision maker"),
    N_("Unit manager"),  N_("Web editor"),          N_("Channel editor"),
    N_("Supervisor"),    N_("Crisis staff"),        N_("Auditor (read-only)")};

const char *
role_name(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names[r] : "?";
}

const char *
role_label(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_labels[r] : "?";
}

int
role_parse(const char *s)
{
	for (int i = 0; s != NULL && i < ROLE__COUNT; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

void
verr_add(struct verrs *v, const char *field, const char *reason)
{
	if (v == NULL || v->n >= (int)ARRAY_LEN(v->e))
		return;
	if (verr_for(v, field) != NULL)
		return; /* first reason per field wins */
	v->e[v->n].field = field;
	v->e[v->n].reason = reason;
	v->n++;
}

const char *
verr_for(const struct verrs *v, const char *field)
{
	for (int i = 0; v != NULL && i < v->n; i++)
		if (strcmp(v->e[i].field, field) == 0)
			return v->e[i].reason;
	return NULL;
}

void
actor_system(struct actor *a, int64_t org_id, const char *label)
{
	memset(a, 0, sizeof(*a));
	a->org_id = org_id;
	a->system = 1;
	a->label = label ? label : "system";
	a->name = a->label;
	a->first_name = a->label;
	a->email = "";
}

enum kv_rc
actor_load(struct db *db, struct arena *ar, int64_t person_id, struct actor *a)
{
	struct db_stmt *st;
	int rc;

	memset(a, 0, sizeof(*a));
	st = db_query(
	    db,
	    "SELECT org_id, full_name, first_name, COALESCE(email, '') "
	    "FROM people WHERE id = ? AND active = 1",
	    "i", person_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_finalize(st);
		return rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	}
	a->person_id = person_id;
	a->org_id = db_col_i64(st, 0);
	a->name = arena_strdup(ar, db_col_text(st, 1));
	a->first_name = arena_strdup(ar, db_col_text(st, 2));
	a->email = arena_strdup(ar, db_col_text(st, 3));
	a->label = arena_printf(ar, "%s <%s>", a->name, a->email);
	db_finalize(st);

	st = db_query(db,
	              "SELECT role, COALESCE(unit_id, 0) FROM role_grants "
	              "WHERE person_id = ? ORDER BY id",
	              "i", person_id);
	if (st == NULL)
		return KV_DBERR;
	while ((rc = db_step(st)) == DB_ROW && a->ngrants < KV_MAX_GRANTS) {
		int r = role_parse(db_col_text(st, 0));
		if (r < 0)
			continue;
		a->grants[a->ngrants].role = (enum role)r;
		a->grants[a->ngrants].unit_id = db_col_i64(st, 1);
		a->ngrants++;
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

int
actor_is_admin(const struct actor *a)
{
	if (a->system)
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].role == ROLE_ADMIN)
			return 1;
	return 0;
}

int
actor_has_org_role(const struct actor *a, enum role r)
{
	if (actor_is_admin(a))
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].role == r && a->grants[i].unit_id == 0)
			return 1;
	return 0;
}

int
actor_has_role_for_unit(struct db *db, const struct actor *a, enum role r,
                        int64_t unit_id)
{
	int64_t cur = unit_id;
	int has_unit_grant = 0;

	if (actor_has_org_role(a, r))
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].role == r && a->grants[i].unit_id != 0)
			has_unit_grant = 1;
	if (!has_unit_grant || unit_id == 0)
		return 0;
	/* walk up the tree; depth is bounded to stop at a corrupt cycle */
	for (int depth = 0; cur != 0 && depth < 64; depth++) {
		int64_t parent = 0;
		for (int i = 0; i < a->ngrants; i++)
			if (a->grants[i].role == r &&
			    a->grants[i].unit_id == cur)
				return 1;
		if (db_get_i64(db, &parent,
		               "SELECT COALESCE(parent_id, 0) FROM units "
		               "WHERE id = ? AND org_id = ?",
		               "ii", cur, a->org_id) != 1)
			return 0;
		cur = parent;
	}
	return 0;
}

int
actor_can_read_audit(const struct actor *a)
{
	return actor_is_admin(a) || actor_has_org_role(a, ROLE_AUDITOR);
}
