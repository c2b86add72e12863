/*
 * rota.c - the supervision rota: governance policy, shifts, absences and
 * the coverage view (rules and rights in rota.h).
 *
 * Coverage is interval arithmetic on UTC instants: the required watch
 * hours (one span per local day by the policy, merged), minus the union of
 * every shift with its person's absences cut out, leaves the gaps.  Local
 * days come from the organisation's zone, so a shift of "08:00–16:00" is
 * eight hours in a summer-time week as in a winter one, and the 23- and
 * 25-hour days of the clock changes need no special case.
 */
#include "rota.h"
#include "valid.h"
#include "../base/holidays.h"
#include "../base/log.h"
#include "../base/util.h"

#include <stdlib.h>
#include <string.h>

const char *const policy_watch_days[] = {"all", "business", NULL};
const char *const absence_kinds[] = {"holiday", "leave", "sick", "other", NULL};
const char *const absence_kind_labels[] = {N_("Holiday"), N_("Leave"),
                                           N_("Sick leave"), N_("Other"), NULL};

/* --- small helpers ------------------------------------------------------ */

/* 1 when a holds any organisation-wide grant (or is admin/system). */
static int
org_wide(const struct actor *a)
{
	if (actor_is_admin(a))
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].unit_id == 0)
			return 1;
	return 0;
}

/* 1 for the statuses in which a channel is open to the public and must be
 * watched. */
static int
needs_watch(const char *status)
{
	return status && (strcmp(status, "active") == 0 ||
	                  strcmp(status, "paused") == 0 ||
	                  strcmp(status, "closing") == 0);
}

/* The actor's organisation (zone and country); defaults when missing. */
static void
load_org(struct db *db, struct arena *ar, const struct actor *a, struct org *o)
{
	if (org_get(db, ar, a->org_id, o) != KV_OK) {
		memset(o, 0, sizeof(*o));
		o->country = "NO";
		o->timezone = "Europe/Oslo";
	}
}

static enum kv_rc
write_failed(struct db *db, const char *what)
{
	log_err("rota: %s failed: %s", what, db_errmsg(db));
	db_rollback(db);
	return KV_DBERR;
}

static json_t *
iso_utc(int64_t t)
{
	char b[32];
	return json_string(time_fmt_iso(t, b));
}

static json_t *
iso_local(const char *tz, int64_t t)
{
	char b[32];
	return json_string(time_fmt_local_iso(tz, t, b));
}

/* --- governance policy ---------------------------------------------------- */

enum kv_rc
policy_get(struct db *db, struct arena *ar, const struct actor *a,
           struct policy *p)
{
	struct db_stmt *st;
	int rc;
	memset(p, 0, sizeof(*p));
	p->org_id = a->org_id;
	p->review_months = 12;
	p->watch_days = "all";
	p->watch_from_hour = 0;
	p->watch_to_hour = 24;
	st = db_query(db,
	              "SELECT review_months, watch_days, watch_from_hour, "
	              "watch_to_hour, updated_at FROM org_policies WHERE "
	              "org_id = ?",
	              "i", a->org_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW) {
		p->review_months = (int)db_col_i64(st, 0);
		p->watch_days = arena_strdup(ar, db_col_text(st, 1));
		p->watch_from_hour = (int)db_col_i64(st, 2);
		p->watch_to_hour = (int)db_col_i64(st, 3);
		p->updated_at = db_col_i64(st, 4);
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

json_t *
policy_json(const struct policy *p)
{
	return json_pack("{s:i,s:s,s:i,s:i,s:o}", "review_months",
	                 p->review_months, "watch_days", p->watch_days,
	                 "watch_from_hour", p->watch_from_hour, "watch_to_hour",
	                 p->watch_to_hour, "updated_at",
	                 p->updated_at ? iso_utc(p->updated_at) : json_null());
}

enum kv_rc
policy_set(struct db *db, struct arena *ar, const struct actor *a,
           struct policy *p, struct verrs *v)
{
	struct policy old;
	enum kv_rc rc;
	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if (p->review_months < 1 || p->review_months > 60)
		verr_add(v, "review_months", "must be between 1 and 60");
	valid_oneof(v, "watch_days", p->watch_days, policy_watch_days,
	            "must be all or business");
	if (p->watch_from_hour < 0 || p->watch_from_hour > 23)
		verr_add(v, "watch_from_hour", "must be between 0 and 23");
	if (p->watch_to_hour < 1 || p->watch_to_hour > 24)
		verr_add(v, "watch_to_hour", "must be between 1 and 24");
	else if (p->watch_to_hour <= p->watch_from_hour &&
	         !verr_for(v, "watch_from_hour"))
		verr_add(v, "watch_to_hour", "must be after watch_from_hour");
	if (v->n)
		return KV_INVALID;
	if ((rc = policy_get(db, ar, a, &old)) != KV_OK)
		return rc;
	p->org_id = a->org_id;
	p->updated_at = time_now();
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "INSERT INTO org_policies (org_id, review_months, "
	           "watch_days, watch_from_hour, watch_to_hour, updated_at) "
	           "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE "
	           "SET review_months = excluded.review_months, watch_days = "
	           "excluded.watch_days, watch_from_hour = "
	           "excluded.watch_from_hour, watch_to_hour = "
	           "excluded.watch_to_hour, updated_at = excluded.updated_at",
	           "iitiii", a->org_id, (int64_t)p->review_months,
	           p->watch_days, (int64_t)p->watch_from_hour,
	           (int64_t)p->watch_to_hour, p->updated_at) != 0)
		return write_failed(db, "policy");
	return audit_commit(db, a, "update", "policy", a->org_id,
	                    policy_json(&old), policy_json(p));
}

/* --- rights -----------------------------------------------------------------
 */

int
rota_can_manage(struct db *db, const struct actor *a, const struct channel *c)
{
	return channel_can_create(db, a, c->unit_id);
}

int
rota_can_view(struct db *db, const struct actor *a, const struct channel *c)
{
	int64_t n = 0;
	if (org_wide(a) || rota_can_manage(db, a, c))
		return 1;
	if (a->person_id != 0 && c->responsible_id == a->person_id)
		return 1;
	for (int i = 0; i < c->neditors; i++)
		if (c->editor_ids[i] == a->person_id)
			return 1;
	for (int r = 0; r < ROLE__COUNT; r++)
		if (actor_has_role_for_unit(db, a, (enum role)r, c->unit_id))
			return 1;
	return a->person_id != 0 &&
	       db_get_i64(db, &n,
	                  "SELECT COUNT(*) FROM shifts WHERE channel_id = ? "
	                  "AND person_id = ?",
	                  "ii", c->id, a->person_id) == 1 &&
	       n > 0;
}

/* Name and unit of an active person of the organisation; 0 when none. */
static int
find_person(struct db *db, struct arena *ar, int64_t org_id, int64_t id,
            int64_t *unit_id, const char **name, int *active)
{
	struct db_stmt *st;
	int rc, found = 0;
	st = db_query(db,
	              "SELECT COALESCE(unit_id, 0), full_name, active FROM "
	              "people WHERE id = ? AND org_id = ?",
	              "ii", id, org_id);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW) {
		found = 1;
		if (unit_id)
			*unit_id = db_col_i64(st, 0);
		if (name)
			*name = arena_strdup(ar, db_col_text(st, 1));
		if (active)
			*active = (int)db_col_i64(st, 2);
	}
	db_finalize(st);
	return rc < 0 ? -1 : found;
}

/* Parses one ISO 8601 field into *t; records why not. */
static int
parse_time_field(struct verrs *v, const char *field, const char *s,
                 const char *tz, int64_t *t, int *date_only)
{
	if (s == NULL || *s == '\0') {
		verr_add(v, field, "is required");
		return 0;
	}
	if (iso_parse_local(s, tz, t, date_only) != 0) {
		verr_add(v, field,
		         "must be an ISO 8601 date or time, e.g. "
		         "2027-05-17T08:00");
		return 0;
	}
	return 1;
}

/* --- shifts -----------------------------------------------------------------
 */

json_t *
shift_json(const struct shift *s, const char *tz)
{
	return json_pack(
	    "{s:I,s:I,s:I,s:s,s:o,s:o,s:o,s:o,s:s,s:o}", "id",
	    (json_int_t)s->id, "channel_id", (json_int_t)s->channel_id,
	    "person_id", (json_int_t)s->person_id, "person_name",
	    s->person_name ? s->person_name : "", "starts_at",
	    iso_utc(s->starts_at), "ends_at", iso_utc(s->ends_at),
	    "starts_at_local", iso_local(tz, s->starts_at), "ends_at_local",
	    iso_local(tz, s->ends_at), "note", s->note ? s->note : "",
	    "created_at", iso_utc(s->created_at));
}

enum kv_rc
shift_create(struct db *db, struct arena *ar, const struct actor *a,
             int64_t channel_id, int64_t person_id, const char *starts,
             const char *ends, const char *note, struct shift *out,
             struct verrs *v)
{
	struct channel c;
	struct org o;
	int64_t s = 0, e = 0, n = 0;
	int ok_s, ok_e, active = 0, found;
	const char *pname = NULL;
	enum kv_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = channel_get(db, ar, a, channel_id, &c)) != KV_OK)
		return rc;
	if (!rota_can_manage(db, a, &c))
		return KV_FORBIDDEN;
	load_org(db, ar, a, &o);
	if (person_id == 0) {
		verr_add(v, "person_id", "is required");
	} else {
		found = find_person(db, ar, a->org_id, person_id, NULL, &pname,
		                    &active);
		if (found < 0)
			return KV_DBERR;
		if (!found || !active)
			verr_add(v, "person_id", "no such person");
	}
	ok_s = parse_time_field(v, "starts_at", starts, o.timezone, &s, NULL);
	ok_e = parse_time_field(v, "ends_at", ends, o.timezone, &e, NULL);
	if (ok_s && ok_e) {
		if (e <= s)
			verr_add(v, "ends_at", "must be after starts_at");
		else if (e - s > (int64_t)ROTA_MAX_SHIFT_DAYS * 86400)
			verr_add(v, "ends_at",
			         "makes the shift longer than 92 days");
	}
	if (note == NULL)
		note = "";
	valid_multiline(v, "note", note, KV_MAX_TEXT);
	if (v->n)
		return KV_INVALID;
	if (strcmp(c.status, "closed") == 0) {
		verr_add(v, "channel_id", "the channel is closed");
		return KV_CONFLICT;
	}
	out->channel_id = channel_id;
	out->person_id = person_id;
	out->starts_at = s;
	out->ends_at = e;
	out->note = note;
	out->person_name = pname;
	out->channel_name = c.name;
	out->created_by = a->person_id;
	out->created_at = time_now();
	if (db_begin(db) != 0)
		return KV_DBERR;
	/* checked inside the transaction: writers queue at its start */
	if (db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM shifts WHERE channel_id = ? AND "
	               "person_id = ? AND starts_at < ? AND ends_at > ?",
	               "iiii", channel_id, person_id, e, s) != 1)
		return write_failed(db, "shift overlap check");
	if (n > 0) {
		db_rollback(db);
		verr_add(v, "starts_at",
		         "overlaps another shift of the same person on this "
		         "channel");
		return KV_CONFLICT;
	}
	if (db_get_i64(db, &out->id,
	               "INSERT INTO shifts (org_id, channel_id, person_id, "
	               "starts_at, ends_at, note, created_by, created_at) "
	               "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	               "iiiiitji", a->org_id, channel_id, person_id, s, e, note,
	               a->person_id, out->created_at) != 1)
		return write_failed(db, "shift");
	return audit_commit(db, a, "create", "shift", out->id, NULL,
	                    shift_json(out, o.timezone));
}

#define SHIFT_COLS                                                             \
	"s.id, s.channel_id, s.person_id, s.starts_at, s.ends_at, s.note, "    \
	"COALESCE(s.created_by, 0), s.created_at, p.full_name, c.name"
#define SHIFT_FROM                                                             \
	" FROM shifts s JOIN people p ON p.id = s.person_id JOIN channels c "  \
	"ON c.id = s.channel_id"

static void
read_shift(struct db_stmt *st, struct arena *ar, struct shift *s)
{
	s->id = db_col_i64(st, 0);
	s->channel_id = db_col_i64(st, 1);
	s->person_id = db_col_i64(st, 2);
	s->starts_at = db_col_i64(st, 3);
	s->ends_at = db_col_i64(st, 4);
	s->note = arena_strdup(ar, db_col_text(st, 5));
	s->created_by = db_col_i64(st, 6);
	s->created_at = db_col_i64(st, 7);
	s->person_name = arena_strdup(ar, db_col_text(st, 8));
	s->channel_name = arena_strdup(ar, db_col_text(st, 9));
}

/* Loads shift_id of the actor's organisation; no rights checked. */
static enum kv_rc
load_shift(struct db *db, struct arena *ar, const struct actor *a,
           int64_t shift_id, struct shift *s)
{
	struct db_stmt *st;
	int step;
	memset(s, 0, sizeof(*s));
	st = db_query(db,
	              "SELECT " SHIFT_COLS SHIFT_FROM
	              " WHERE s.id = ? AND s.org_id = ?",
	              "ii", shift_id, a->org_id);
	if (st == NULL)
		return KV_DBERR;
	step = db_step(st);
	if (step == DB_ROW)
		read_shift(st, ar, s);
	db_finalize(st);
	if (step != DB_ROW)
		return step == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	return KV_OK;
}

enum kv_rc
shift_get(struct db *db, struct arena *ar, const struct actor *a,
          int64_t shift_id, struct shift *out)
{
	struct channel c;
	enum kv_rc rc = load_shift(db, ar, a, shift_id, out);
	if (rc == KV_OK)
		rc = channel_get(db, ar, a, out->channel_id, &c);
	if (rc == KV_OK && !rota_can_view(db, a, &c))
		rc = KV_FORBIDDEN;
	return rc;
}

enum kv_rc
shift_delete(struct db *db, struct arena *ar, const struct actor *a,
             int64_t shift_id)
{
	struct shift s;
	struct channel c;
	struct org o;
	enum kv_rc rc;

	if ((rc = load_shift(db, ar, a, shift_id, &s)) != KV_OK)
		return rc;
	if ((rc = channel_get(db, ar, a, s.channel_id, &c)) != KV_OK)
		return rc;
	if (!rota_can_manage(db, a, &c))
		return rota_can_view(db, a, &c) ? KV_FORBIDDEN : KV_NOTFOUND;
	load_org(db, ar, a, &o);
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db, "DELETE FROM shifts WHERE id = ? AND org_id = ?", "ii",
	           shift_id, a->org_id) != 0)
		return write_failed(db, "shift delete");
	return audit_commit(db, a, "delete", "shift", shift_id,
	                    shift_json(&s, o.timezone), NULL);
}

enum kv_rc
shift_list(struct db *db, struct arena *ar, const struct actor *a,
           int64_t channel_id, int64_t from, int64_t to, struct shift **out,
           int *n)
{
	struct channel c;
	struct db_stmt *st;
	enum kv_rc rc;
	int step, cap = 2000;

	*out = NULL;
	*n = 0;
	if ((rc = channel_get(db, ar, a, channel_id, &c)) != KV_OK)
		return rc;
	if (!rota_can_view(db, a, &c))
		return KV_FORBIDDEN;
	if (from == 0 && to == 0)
		to = INT64_MAX;
	st = db_query(db,
	              "SELECT " SHIFT_COLS SHIFT_FROM
	              " WHERE s.channel_id = ? AND s.org_id = ? AND "
	              "s.starts_at < ? AND s.ends_at > ? ORDER BY s.starts_at, "
	              "s.id LIMIT 2000",
	              "iiii", channel_id, a->org_id, to, from);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((step = db_step(st)) == DB_ROW && *n < cap)
		read_shift(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	return step < 0 ? KV_DBERR : KV_OK;
}

/* --- absences ---------------------------------------------------------------
 */

int
absence_can_manage(struct db *db, const struct actor *a, int64_t person_id)
{
	int64_t unit = 0;
	if (actor_is_admin(a) ||
	    (a->person_id != 0 && a->person_id == person_id))
		return 1;
	if (db_get_i64(db, &unit,
	               "SELECT COALESCE(unit_id, 0) FROM people WHERE id = ? "
	               "AND org_id = ?",
	               "ii", person_id, a->org_id) != 1)
		return 0;
	return actor_has_org_role(a, ROLE_UNIT_MANAGER) ||
	       (unit != 0 &&
	        actor_has_role_for_unit(db, a, ROLE_UNIT_MANAGER, unit));
}

json_t *
absence_json(const struct absence *ab, const char *tz)
{
	json_t *o = json_pack(
	    "{s:I,s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:b,s:s,s:o}", "id",
	    (json_int_t)ab->id, "person_id", (json_int_t)ab->person_id,
	    "person_name", ab->person_name ? ab->person_name : "", "kind",
	    ab->kind, "from", iso_utc(ab->starts_at), "to",
	    iso_utc(ab->ends_at), "from_local", iso_local(tz, ab->starts_at),
	    "to_local", iso_local(tz, ab->ends_at), "all_day", ab->all_day,
	    "note", ab->note ? ab->note : "", "created_at",
	    iso_utc(ab->created_at));
	if (ab->all_day) {
		char b[16];
		json_object_set_new(
		    o, "from_date",
		    json_string(time_fmt_local_date(tz, ab->starts_at, b)));
		json_object_set_new(
		    o, "to_date",
		    json_string(time_fmt_local_date(tz, ab->ends_at - 1, b)));
	}
	return o;
}

/* The local midnight that ends the local day containing t. */
static int64_t
end_of_local_day(const char *tz, int64_t t)
{
	int y, m, d, h, mi, ny, nm, nd;
	utc_to_local(tz, t, &y, &m, &d, &h, &mi);
	time_fields((days_from_civil(y, (unsigned)m, (unsigned)d) + 1) * 86400,
	            &ny, &nm, &nd, &h, &mi);
	return local_to_utc(tz, ny, nm, nd, 0, 0);
}

enum kv_rc
absence_create(struct db *db, struct arena *ar, const struct actor *a,
               int64_t person_id, const char *kind, const char *from,
               const char *to, const char *note, struct absence *out,
               struct verrs *v)
{
	struct org o;
	int64_t s = 0, e = 0;
	int ok_s, ok_e, d_s = 0, d_e = 0, found;
	const char *pname = NULL;

	memset(out, 0, sizeof(*out));
	if (person_id == 0) {
		verr_add(v, "person_id", "is required");
		return KV_INVALID;
	}
	found = find_person(db, ar, a->org_id, person_id, NULL, &pname, NULL);
	if (found < 0)
		return KV_DBERR;
	if (!found) {
		verr_add(v, "person_id", "no such person");
		return KV_INVALID;
	}
	if (!absence_can_manage(db, a, person_id))
		return KV_FORBIDDEN;
	load_org(db, ar, a, &o);
	valid_oneof(v, "kind", kind, absence_kinds,
	            "must be holiday, leave, sick or other");
	ok_s = parse_time_field(v, "from", from, o.timezone, &s, &d_s);
	ok_e = parse_time_field(v, "to", to, o.timezone, &e, &d_e);
	if (ok_e && d_e) /* a date as the end: through that whole day */
		e = end_of_local_day(o.timezone, e);
	if (ok_s && ok_e) {
		if (e <= s)
			verr_add(v, "to", "must not be before from");
		else if (e - s > (int64_t)ROTA_MAX_ABSENCE_DAYS * 86400 + 7200)
			verr_add(v, "to",
			         "makes the absence longer than 366 days");
	}
	if (note == NULL)
		note = "";
	valid_multiline(v, "note", note, KV_MAX_TEXT);
	if (v->n)
		return KV_INVALID;
	out->person_id = person_id;
	out->person_name = pname;
	out->kind = kind;
	out->starts_at = s;
	out->ends_at = e;
	out->all_day = d_s && d_e;
	out->note = note;
	out->created_by = a->person_id;
	out->created_at = time_now();
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_get_i64(db, &out->id,
	               "INSERT INTO absences (org_id, person_id, kind, "
	               "starts_at, ends_at, all_day, note, created_by, "
	               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
	               "RETURNING id",
	               "iitiiitji", a->org_id, person_id, kind, s, e,
	               (int64_t)out->all_day, note, a->person_id,
	               out->created_at) != 1)
		return write_failed(db, "absence");
	return audit_commit(db, a, "create", "absence", out->id, NULL,
	                    absence_json(out, o.timezone));
}

#define ABSENCE_COLS                                                           \
	"b.id, b.person_id, b.kind, b.starts_at, b.ends_at, b.all_day, "       \
	"b.note, COALESCE(b.created_by, 0), b.created_at, p.full_name"

static void
read_absence(struct db_stmt *st, struct arena *ar, struct absence *ab)
{
	ab->id = db_col_i64(st, 0);
	ab->person_id = db_col_i64(st, 1);
	ab->kind = arena_strdup(ar, db_col_text(st, 2));
	ab->starts_at = db_col_i64(st, 3);
	ab->ends_at = db_col_i64(st, 4);
	ab->all_day = (int)db_col_i64(st, 5);
	ab->note = arena_strdup(ar, db_col_text(st, 6));
	ab->created_by = db_col_i64(st, 7);
	ab->created_at = db_col_i64(st, 8);
	ab->person_name = arena_strdup(ar, db_col_text(st, 9));
}

enum kv_rc
absence_get(struct db *db, struct arena *ar, const struct actor *a,
            int64_t absence_id, struct absence *out)
{
	struct db_stmt *st;
	int step;

	memset(out, 0, sizeof(*out));
	st = db_query(db,
	              "SELECT " ABSENCE_COLS
	              " FROM absences b JOIN people p ON p.id = b.person_id "
	              "WHERE b.id = ? AND b.org_id = ?",
	              "ii", absence_id, a->org_id);
	if (st == NULL)
		return KV_DBERR;
	step = db_step(st);
	if (step == DB_ROW)
		read_absence(st, ar, out);
	db_finalize(st);
	if (step != DB_ROW)
		return step == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	/* someone else's absence is not even there for the actor */
	return absence_can_manage(db, a, out->person_id) ? KV_OK : KV_NOTFOUND;
}

enum kv_rc
absence_delete(struct db *db, struct arena *ar, const struct actor *a,
               int64_t absence_id)
{
	struct absence ab;
	struct org o;
	enum kv_rc rc;

	if ((rc = absence_get(db, ar, a, absence_id, &ab)) != KV_OK)
		return rc;
	load_org(db, ar, a, &o);
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db, "DELETE FROM absences WHERE id = ? AND org_id = ?", "ii",
	           absence_id, a->org_id) != 0)
		return write_failed(db, "absence delete");
	return audit_commit(db, a, "delete", "absence", absence_id,
	                    absence_json(&ab, o.timezone), NULL);
}

enum kv_rc
absence_list(struct db *db, struct arena *ar, const struct actor *a,
             int64_t person_id, int64_t since, struct absence **out, int *n)
{
	struct db_stmt *st;
	int found, step, cap = 1000;

	*out = NULL;
	*n = 0;
	found = find_person(db, ar, a->org_id, person_id, NULL, NULL, NULL);
	if (found <= 0)
		return found < 0 ? KV_DBERR : KV_NOTFOUND;
	if (!absence_can_manage(db, a, person_id))
		return KV_FORBIDDEN;
	st = db_query(db,
	              "SELECT " ABSENCE_COLS
	              " FROM absences b JOIN people p ON p.id = b.person_id "
	              "WHERE b.person_id = ? AND b.org_id = ? AND b.ends_at > "
	              "? ORDER BY b.starts_at, b.id LIMIT 1000",
	              "iii", person_id, a->org_id, since);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((step = db_step(st)) == DB_ROW && *n < cap)
		read_absence(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	return step < 0 ? KV_DBERR : KV_OK;
}

/* --- interval arithmetic
 * -------------------------------------------------------- */

struct spans {
	struct span *v;
	int n, cap;
};

static void
spans_push(struct arena *ar, struct spans *s, int64_t from, int64_t to)
{
	if (from >= to)
		return;
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		struct span *nv = arena_alloc(ar, sizeof(*nv) * (size_t)cap);
		if (s->n)
			memcpy(nv, s->v, sizeof(*nv) * (size_t)s->n);
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n].from = from;
	s->v[s->n].to = to;
	s->n++;
}

static int
span_cmp(const void *x, const void *y)
{
	const struct span *a = x, *b = y;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	return a->to < b->to ? -1 : a->to > b->to;
}

/* Sorts and joins overlapping or touching spans in place. */
static void
spans_merge(struct spans *s)
{
	int k = 0;
	if (s->n < 2)
		return;
	qsort(s->v, (size_t)s->n, sizeof(*s->v), span_cmp);
	for (int i = 1; i < s->n; i++) {
		if (s->v[i].from <= s->v[k].to) {
			if (s->v[i].to > s->v[k].to)
				s->v[k].to = s->v[i].to;
		} else {
			s->v[++k] = s->v[i];
		}
	}
	s->n = k + 1;
}

/* out = a minus b; both merged; out comes out merged. */
static void
spans_subtract(struct arena *ar, const struct spans *a, const struct spans *b,
               struct spans *out)
{
	int j = 0;
	for (int i = 0; i < a->n; i++) {
		int64_t cur = a->v[i].from, end = a->v[i].to;
		while (j < b->n && b->v[j].to <= cur)
			j++;
		for (int k = j; k < b->n && b->v[k].from < end; k++) {
			if (b->v[k].from > cur)
				spans_push(ar, out, cur, b->v[k].from);
			if (b->v[k].to > cur)
				cur = b->v[k].to;
			if (cur >= end)
				break;
		}
		spans_push(ar, out, cur, end);
	}
}

/* --- coverage
 * ----------------------------------------------------------------------- */

struct rshift {
	int64_t person_id, from, to;
	const char *name;
};

struct rabsence {
	int64_t person_id, from, to;
};

/* The watch hours the policy requires in [from, to). */
static void
required_spans(struct arena *ar, const struct policy *p, const char *tz,
               const char *country, int64_t from, int64_t to, struct spans *out)
{
	int y, m, d, h, mi;
	int64_t day, last;
	utc_to_local(tz, from, &y, &m, &d, &h, &mi);
	day = days_from_civil(y, (unsigned)m, (unsigned)d);
	utc_to_local(tz, to - 1, &y, &m, &d, &h, &mi);
	last = days_from_civil(y, (unsigned)m, (unsigned)d);
	for (; day <= last; day++) {
		int ny, nm, nd;
		int64_t s, e;
		time_fields(day * 86400, &y, &m, &d, &h, &mi);
		if (strcmp(p->watch_days, "business") == 0 &&
		    is_day_off(country, y, m, d))
			continue;
		s = local_to_utc(tz, y, m, d, p->watch_from_hour, 0);
		if (p->watch_to_hour >= 24) {
			time_fields((day + 1) * 86400, &ny, &nm, &nd, &h, &mi);
			e = local_to_utc(tz, ny, nm, nd, 0, 0);
		} else {
			e = local_to_utc(tz, y, m, d, p->watch_to_hour, 0);
		}
		spans_push(ar, out, s > from ? s : from, e < to ? e : to);
	}
	spans_merge(out);
}

/* Adds the holidays of the local dates that gap g touches. */
static void
gap_holidays(struct arena *ar, const char *tz, const char *country,
             struct gap *g)
{
	int y, m, d, h, mi, cap = 16;
	int64_t day, last;
	utc_to_local(tz, g->from, &y, &m, &d, &h, &mi);
	day = days_from_civil(y, (unsigned)m, (unsigned)d);
	utc_to_local(tz, g->to - 1, &y, &m, &d, &h, &mi);
	last = days_from_civil(y, (unsigned)m, (unsigned)d);
	g->holidays = arena_alloc(ar, sizeof(*g->holidays) * (size_t)cap);
	for (; day <= last && g->nholidays < cap; day++) {
		struct holiday hs[4];
		int k;
		time_fields(day * 86400, &y, &m, &d, &h, &mi);
		k = holidays_on(country, y, m, d, hs, 4);
		for (int i = 0; i < k && g->nholidays < cap; i++) {
			struct gap_holiday *gh = &g->holidays[g->nholidays++];
			gh->date = arena_printf(ar, "%04d-%02d-%02d", y, m, d);
			gh->code = hs[i].code;
			gh->name = hs[i].name;
			gh->name_en = hs[i].name_en;
			gh->lang = hs[i].lang;
			gh->official = hs[i].kind == HOLIDAY_PUBLIC;
		}
	}
}

/* Loads the shifts of a channel overlapping [from, to) (active people). */
static int
load_rshifts(struct db *db, struct arena *ar, int64_t channel_id, int64_t from,
             int64_t to, struct rshift **out, int *n)
{
	struct db_stmt *st;
	int step, cap = 5000;
	*n = 0;
	st = db_query(db,
	              "SELECT s.person_id, s.starts_at, s.ends_at, "
	              "p.full_name FROM shifts s JOIN people p ON p.id = "
	              "s.person_id WHERE s.channel_id = ? AND s.starts_at < ? "
	              "AND s.ends_at > ? AND p.active = 1 ORDER BY "
	              "s.starts_at, s.id LIMIT 5000",
	              "iii", channel_id, to, from);
	if (st == NULL)
		return -1;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((step = db_step(st)) == DB_ROW && *n < cap) {
		struct rshift *s = &(*out)[(*n)++];
		s->person_id = db_col_i64(st, 0);
		s->from = db_col_i64(st, 1);
		s->to = db_col_i64(st, 2);
		s->name = arena_strdup(ar, db_col_text(st, 3));
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

/* Loads the absences in [from, to) of everyone on shift on the channel. */
static int
load_rabsences(struct db *db, struct arena *ar, int64_t org_id,
               int64_t channel_id, int64_t from, int64_t to,
               struct rabsence **out, int *n)
{
	struct db_stmt *st;
	int step, cap = 5000;
	*n = 0;
	st = db_query(db,
	              "SELECT person_id, starts_at, ends_at FROM absences "
	              "WHERE org_id = ? AND starts_at < ? AND ends_at > ? AND "
	              "person_id IN (SELECT person_id FROM shifts WHERE "
	              "channel_id = ? AND starts_at < ? AND ends_at > ?) "
	              "ORDER BY starts_at LIMIT 5000",
	              "iiiiii", org_id, to, from, channel_id, to, from);
	if (st == NULL)
		return -1;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((step = db_step(st)) == DB_ROW && *n < cap) {
		struct rabsence *b = &(*out)[(*n)++];
		b->person_id = db_col_i64(st, 0);
		b->from = db_col_i64(st, 1);
		b->to = db_col_i64(st, 2);
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Names the people on shift during g who are absent then. */
static void
gap_absentees(struct arena *ar, const struct rshift *sh, int nsh,
              const struct rabsence *ab, int nab, int named, struct gap *g)
{
	int64_t *seen = arena_alloc(ar, sizeof(*seen) * (size_t)(nsh + 1));
	int nseen = 0;
	g->absent_names =
	    arena_alloc(ar, sizeof(*g->absent_names) * (size_t)(nsh + 1));
	for (int i = 0; i < nsh; i++) {
		int64_t f = max64(sh[i].from, g->from);
		int64_t t = min64(sh[i].to, g->to);
		int dup = 0, away = 0;
		if (f >= t)
			continue;
		for (int k = 0; k < nseen; k++)
			dup |= seen[k] == sh[i].person_id;
		if (dup)
			continue;
		for (int k = 0; k < nab && !away; k++)
			away = ab[k].person_id == sh[i].person_id &&
			       ab[k].from < t && ab[k].to > f;
		if (!away)
			continue;
		seen[nseen++] = sh[i].person_id;
		if (named)
			g->absent_names[g->nabsent++] = sh[i].name;
		else
			g->absent_hidden++;
	}
}

enum kv_rc
rota_coverage(struct db *db, struct arena *ar, const struct actor *a,
              int64_t channel_id, int64_t from, int64_t to,
              struct coverage *out, struct verrs *v)
{
	struct channel c;
	struct org o;
	struct spans req = {0}, covered = {0}, gaps = {0};
	struct rshift *sh = NULL;
	struct rabsence *ab = NULL;
	int nsh = 0, nab = 0, named;
	enum kv_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = channel_get(db, ar, a, channel_id, &c)) != KV_OK)
		return rc;
	if (to <= from)
		verr_add(v, "to", "must be after from");
	else if (to - from > (int64_t)ROTA_MAX_PERIOD_DAYS * 86400 + 7200)
		verr_add(v, "to", "makes the period longer than 92 days");
	if (v->n)
		return KV_INVALID;
	load_org(db, ar, a, &o);
	if ((rc = policy_get(db, ar, a, &out->policy)) != KV_OK)
		return rc;
	out->channel_id = channel_id;
	out->channel_name = c.name;
	out->from = from;
	out->to = to;
	out->tz = o.timezone;
	out->country = o.country;
	if (!needs_watch(c.status))
		return KV_OK; /* nothing required, nothing missing */
	required_spans(ar, &out->policy, o.timezone, o.country, from, to, &req);
	if (load_rshifts(db, ar, channel_id, from, to, &sh, &nsh) != 0 ||
	    load_rabsences(db, ar, a->org_id, channel_id, from, to, &ab,
	                   &nab) != 0)
		return KV_DBERR;
	for (int i = 0; i < nsh; i++) {
		struct spans one = {0}, away = {0};
		spans_push(ar, &one, max64(sh[i].from, from),
		           min64(sh[i].to, to));
		for (int k = 0; k < nab; k++)
			if (ab[k].person_id == sh[i].person_id)
				spans_push(ar, &away, ab[k].from, ab[k].to);
		spans_merge(&away);
		if (away.n == 0) {
			for (int k = 0; k < one.n; k++)
				spans_push(ar, &covered, one.v[k].from,
				           one.v[k].to);
		} else {
			spans_subtract(ar, &one, &away, &covered);
		}
	}
	spans_merge(&covered);
	spans_subtract(ar, &req, &covered, &gaps);
	out->required = req.v;
	out->nrequired = req.n;
	for (int i = 0; i < req.n; i++)
		out->required_secs += req.v[i].to - req.v[i].from;
	named = rota_can_view(db, a, &c);
	out->gaps = arena_alloc(ar, sizeof(*out->gaps) * (size_t)(gaps.n + 1));
	for (int i = 0; i < gaps.n; i++) {
		struct gap *g = &out->gaps[out->ngaps++];
		g->from = gaps.v[i].from;
		g->to = gaps.v[i].to;
		out->uncovered_secs += g->to - g->from;
		gap_holidays(ar, o.timezone, o.country, g);
		gap_absentees(ar, sh, nsh, ab, nab, named, g);
	}
	return KV_OK;
}

int
coverage_at(const struct coverage *c, int64_t t)
{
	for (int i = 0; i < c->ngaps; i++)
		if (t >= c->gaps[i].from && t < c->gaps[i].to)
			return COVER_GAP;
	for (int i = 0; i < c->nrequired; i++)
		if (t >= c->required[i].from && t < c->required[i].to)
			return COVER_OK;
	return COVER_OFF;
}

json_t *
coverage_json(const struct coverage *c)
{
	json_t *gaps = json_array();
	for (int i = 0; i < c->ngaps; i++) {
		const struct gap *g = &c->gaps[i];
		json_t *hs = json_array(), *names = json_array();
		for (int k = 0; k < g->nholidays; k++)
			json_array_append_new(
			    hs, json_pack("{s:s,s:s,s:s,s:s,s:b}", "date",
			                  g->holidays[k].date, "code",
			                  g->holidays[k].code, "name",
			                  g->holidays[k].name, "name_en",
			                  g->holidays[k].name_en, "official",
			                  g->holidays[k].official));
		for (int k = 0; k < g->nabsent; k++)
			json_array_append_new(names,
			                      json_string(g->absent_names[k]));
		json_array_append_new(
		    gaps,
		    json_pack("{s:o,s:o,s:o,s:o,s:f,s:b,s:o,s:o,s:i}", "from",
		              iso_utc(g->from), "to", iso_utc(g->to),
		              "from_local", iso_local(c->tz, g->from),
		              "to_local", iso_local(c->tz, g->to), "hours",
		              (double)(g->to - g->from) / 3600.0, "holiday",
		              g->nholidays > 0, "holidays", hs, "absent", names,
		              "absent_unnamed", g->absent_hidden));
	}
	return json_pack(
	    "{s:I,s:s,s:o,s:o,s:o,s:o,s:s,s:s,s:o,s:f,s:f,s:o}", "channel_id",
	    (json_int_t)c->channel_id, "channel_name",
	    c->channel_name ? c->channel_name : "", "from", iso_utc(c->from),
	    "to", iso_utc(c->to), "from_local", iso_local(c->tz, c->from),
	    "to_local", iso_local(c->tz, c->to), "timezone", c->tz, "country",
	    c->country, "policy", policy_json(&c->policy), "required_hours",
	    (double)c->required_secs / 3600.0, "uncovered_hours",
	    (double)c->uncovered_secs / 3600.0, "gaps", gaps);
}

static int
gaps_cmp(const void *x, const void *y)
{
	const struct channel_gaps *a = x, *b = y;
	if (a->cov.uncovered_secs != b->cov.uncovered_secs)
		return a->cov.uncovered_secs > b->cov.uncovered_secs ? -1 : 1;
	return a->channel.id < b->channel.id ? -1
	                                     : a->channel.id > b->channel.id;
}

enum kv_rc
rota_upcoming_gaps(struct db *db, struct arena *ar, const struct actor *a,
                   int64_t now, int days, struct channel_gaps **out, int *n)
{
	struct channel_filter f;
	struct channel *cs;
	int nc = 0;
	int64_t total = 0;
	enum kv_rc rc;

	*out = NULL;
	*n = 0;
	if (days < 1 || days > ROTA_MAX_PERIOD_DAYS)
		days = ROTA_ALERT_DAYS;
	memset(&f, 0, sizeof(f));
	f.limit = 500;
	if ((rc = channel_list(db, ar, a, &f, &cs, &nc, &total)) != KV_OK)
		return rc;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)(nc + 1));
	for (int i = 0; i < nc; i++) {
		struct channel_gaps *cg = &(*out)[*n];
		struct verrs v = {0};
		if (!needs_watch(cs[i].status))
			continue;
		rc = rota_coverage(db, ar, a, cs[i].id, now,
		                   now + (int64_t)days * 86400, &cg->cov, &v);
		if (rc != KV_OK)
			return rc;
		if (cg->cov.ngaps == 0)
			continue;
		cg->channel = cs[i];
		(*n)++;
	}
	qsort(*out, (size_t)*n, sizeof(**out), gaps_cmp);
	return KV_OK;
}
