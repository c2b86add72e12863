/*
 * access.c - who sees and who works the inbox, and the small shared
 * pieces of src/inbox (inbox_int.h): the change log, the organisation's
 * zone, the triage epoch, JSON times.
 *
 * Seeing follows the capture store (capture_list): an editor of one unit
 * never sees another unit's items.  A person sees a channel's inbox with
 * any organisation-wide grant, any role in the channel's unit or a unit
 * above it, or as the channel's responsible person or editor; an item's
 * assignee also sees that item.  Working needs more (inbox_may_work).
 */
#include "inbox_int.h"
#include "../base/holidays.h"
#include "../base/log.h"
#include "../base/util.h"

#include <stdlib.h>
#include <string.h>

int
inbox_sees_all(const struct actor *a)
{
	if (actor_is_admin(a))
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].unit_id == 0)
			return 1;
	return 0;
}

/* Unit, responsible person of channel_id in a's organisation, and whether
 * a is one of its editors.  1 found, 0 not, -1 error. */
static int
channel_facts(struct db *db, const struct actor *a, int64_t channel_id,
              int64_t *unit_id, int64_t *responsible, int *editor)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db,
	              "SELECT c.unit_id, COALESCE(c.responsible_id, 0), "
	              "(SELECT COUNT(*) FROM channel_editors e WHERE "
	              "e.channel_id = c.id AND e.person_id = ?) FROM channels "
	              "c WHERE c.id = ? AND c.org_id = ?",
	              "iii", a->person_id, channel_id, a->org_id);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*unit_id = db_col_i64(st, 0);
		*responsible = db_col_i64(st, 1);
		*editor = db_col_i64(st, 2) > 0;
	}
	db_finalize(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int
inbox_sees_channel(struct db *db, const struct actor *a, int64_t channel_id)
{
	int64_t unit = 0, resp = 0;
	int editor = 0;
	if (channel_facts(db, a, channel_id, &unit, &resp, &editor) != 1)
		return 0;
	if (inbox_sees_all(a))
		return 1;
	if (a->person_id != 0 && (resp == a->person_id || editor))
		return 1;
	for (int r = 0; r < ROLE__COUNT; r++)
		if (actor_has_role_for_unit(db, a, (enum role)r, unit))
			return 1;
	return 0;
}

int
inbox_person_sees_channel(struct db *db, struct arena *ar, int64_t org_id,
                          int64_t person_id, int64_t channel_id)
{
	struct actor p;
	if (actor_load(db, ar, person_id, &p) != KV_OK || p.org_id != org_id)
		return 0;
	return inbox_sees_channel(db, &p, channel_id);
}

int
inbox_may_work(struct db *db, const struct actor *a, int64_t channel_id,
               int64_t assignee_id)
{
	static const enum role workers[] = {ROLE_UNIT_MANAGER,
	                                    ROLE_CHANNEL_EDITOR,
	                                    ROLE_SUPERVISOR, ROLE_WEB_EDITOR};
	int64_t unit = 0, resp = 0;
	int editor = 0;
	if (channel_facts(db, a, channel_id, &unit, &resp, &editor) != 1)
		return 0;
	if (actor_is_admin(a) || actor_has_org_role(a, ROLE_COMMS))
		return 1;
	if (a->person_id != 0 &&
	    (resp == a->person_id || editor || assignee_id == a->person_id))
		return 1;
	for (size_t i = 0; i < ARRAY_LEN(workers); i++)
		if (actor_has_role_for_unit(db, a, workers[i], unit))
			return 1;
	return 0;
}

int
inbox_log_add(struct db *db, int64_t org_id, int64_t item_id, int64_t at,
              int64_t actor_id, const char *kind, const char *detail)
{
	return db_run(db,
	              "INSERT INTO inbox_log (org_id, item_id, at, actor_id, "
	              "kind, detail) VALUES (?, ?, ?, ?, ?, ?)",
	              "iiijtt", org_id, item_id, at, actor_id, kind,
	              detail ? detail : "");
}

void
inbox_org_zone(struct db *db, struct arena *ar, int64_t org_id,
               const char **country, const char **tz)
{
	struct org o;
	if (org_get(db, ar, org_id, &o) == KV_OK) {
		*country = o.country;
		*tz = o.timezone;
	} else {
		*country = "NO";
		*tz = "Europe/Oslo";
	}
}

int
inbox_epoch_bump(struct db *db, int64_t org_id)
{
	return db_run(db,
	              "INSERT INTO triage_epochs (org_id, epoch) VALUES (?, 1) "
	              "ON CONFLICT (org_id) DO UPDATE SET epoch = "
	              "triage_epochs.epoch + 1",
	              "i", org_id);
}

enum kv_rc
inbox_write_failed(struct db *db, const char *what)
{
	log_err("inbox: %s failed: %s", what, db_errmsg(db));
	db_rollback(db);
	return KV_DBERR;
}

json_t *
inbox_json_time(int64_t t)
{
	char b[32];
	return t ? json_string(time_fmt_iso(t, b)) : json_null();
}

json_t *
inbox_json_local(const char *tz, int64_t t)
{
	char b[32];
	return t ? json_string(time_fmt_local_iso(tz, t, b)) : json_null();
}

json_t *
inbox_json_id(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

json_t *
inbox_json_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

double
inbox_col_double(struct db_stmt *st, int col)
{
	const char *s = db_col_text(st, col);
	return s ? strtod(s, NULL) : 0.0;
}
