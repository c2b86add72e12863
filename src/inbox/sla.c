/*
 * sla.c - when an item must be answered (inbox.h "policy and SLA",
 * docs/INBOX.md "Due times"): the organisation's inbox policy, its
 * storage, and the pure due-time rule.
 *
 * The rule works on local dates and hours of the organisation's zone and
 * turns them into UTC instants with local_to_utc, so a due time of 16:00
 * is 16:00 on the wall clock in winter and in summer, and the 23- and
 * 25-hour days of the clock changes need no special case.  A business
 * day is a day is_day_off() does not name (weekends, public holidays and,
 * in Sweden, the de facto days off such as midsommarafton); under the
 * "watch" days-off rule every day is a business day.
 */
#include "inbox_int.h"
#include "../base/holidays.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../domain/valid.h"

#include <string.h>

static const char *const state_names[IS__COUNT] = {
    "new", "assigned", "answered", "no_answer", "removed", "registry"};
static const char *const outcome_names[IO__COUNT] = {
    "", "answered", "helped", "referred", "removed", "registry"};

const char *
inbox_state_name(int s)
{
	return s >= 0 && s < IS__COUNT ? state_names[s] : NULL;
}

int
inbox_state_parse(const char *s)
{
	for (int i = 0; s != NULL && i < IS__COUNT; i++)
		if (strcmp(s, state_names[i]) == 0)
			return i;
	return -1;
}

const char *
inbox_outcome_name(int o)
{
	return o >= 0 && o < IO__COUNT ? outcome_names[o] : NULL;
}

int
inbox_outcome_parse(const char *s)
{
	for (int i = 0; s != NULL && i < IO__COUNT; i++)
		if (strcmp(s, outcome_names[i]) == 0)
			return i;
	return -1;
}

/* --- the due time ----------------------------------------------------------
 */

/* Moves y-m-d one day on. */
static void
next_date(int *y, int *m, int *d)
{
	int64_t t =
	    (days_from_civil(*y, (unsigned)*m, (unsigned)*d) + 1) * 86400;
	int h, mi;
	time_fields(t, y, m, d, &h, &mi);
}

static int
business_day(const struct inbox_policy *p, const char *country, int y, int m,
             int d)
{
	if (p->days_off != NULL && strcmp(p->days_off, "watch") == 0)
		return 1;
	return !is_day_off(country, y, m, d);
}

/* The instant of close_hour on local y-m-d (24: midnight after it). */
static int64_t
close_of(const struct inbox_policy *p, const char *tz, int y, int m, int d)
{
	int h = p->close_hour;
	if (h >= 24) {
		next_date(&y, &m, &d);
		h = 0;
	}
	return local_to_utc(tz, y, m, d, h, 0);
}

/* Close of the first business day after local y-m-d. */
static int64_t
close_of_next_business_day(const struct inbox_policy *p, const char *country,
                           const char *tz, int y, int m, int d)
{
	/* a year has no run of 400 days off; the bound only guards against
	 * a calendar bug */
	for (int i = 0; i < 400; i++) {
		next_date(&y, &m, &d);
		if (business_day(p, country, y, m, d))
			break;
	}
	return close_of(p, tz, y, m, d);
}

int64_t
inbox_due_at(const struct inbox_policy *p, const char *country, const char *tz,
             int64_t shown_at)
{
	int y, m, d, h, mi;

	if (p->mode != NULL && strcmp(p->mode, "24h") == 0) {
		int64_t due = shown_at + 86400;
		if (p->days_off != NULL && strcmp(p->days_off, "watch") == 0)
			return due;
		utc_to_local(tz, due, &y, &m, &d, &h, &mi);
		if (business_day(p, country, y, m, d))
			return due;
		return close_of_next_business_day(p, country, tz, y, m, d);
	}
	utc_to_local(tz, shown_at, &y, &m, &d, &h, &mi);
	if (business_day(p, country, y, m, d) &&
	    shown_at < close_of(p, tz, y, m, d))
		return close_of(p, tz, y, m, d);
	return close_of_next_business_day(p, country, tz, y, m, d);
}

/* --- the policy ------------------------------------------------------------
 */

static const char *const modes[] = {"same_day", "24h", NULL};
static const char *const days_off_rules[] = {"next_business_day", "watch",
                                             NULL};

enum kv_rc
inbox_policy_load(struct db *db, struct arena *ar, int64_t org_id,
                  struct inbox_policy *p)
{
	struct db_stmt *st;
	int rc;

	memset(p, 0, sizeof(*p));
	p->org_id = org_id;
	p->mode = "same_day";
	p->open_hour = 8;
	p->close_hour = 16;
	p->days_off = "next_business_day";
	p->escalate_after_min = 120;
	st = db_query(db,
	              "SELECT mode, open_hour, close_hour, days_off, "
	              "escalate_after_min, COALESCE(comms_unit_id, 0), "
	              "updated_at FROM inbox_policies WHERE org_id = ?",
	              "i", org_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW) {
		p->mode = arena_strdup(ar, db_col_text(st, 0));
		p->open_hour = (int)db_col_i64(st, 1);
		p->close_hour = (int)db_col_i64(st, 2);
		p->days_off = arena_strdup(ar, db_col_text(st, 3));
		p->escalate_after_min = (int)db_col_i64(st, 4);
		p->comms_unit_id = db_col_i64(st, 5);
		p->updated_at = db_col_i64(st, 6);
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

enum kv_rc
inbox_policy_get(struct db *db, struct arena *ar, const struct actor *a,
                 struct inbox_policy *p)
{
	return inbox_policy_load(db, ar, a->org_id, p);
}

json_t *
inbox_policy_json(const struct inbox_policy *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "mode", inbox_json_str(p->mode));
	json_object_set_new(o, "open_hour", json_integer(p->open_hour));
	json_object_set_new(o, "close_hour", json_integer(p->close_hour));
	json_object_set_new(o, "days_off", inbox_json_str(p->days_off));
	json_object_set_new(o, "escalate_after_min",
	                    json_integer(p->escalate_after_min));
	json_object_set_new(o, "comms_unit_id",
	                    inbox_json_id(p->comms_unit_id));
	json_object_set_new(o, "updated_at", inbox_json_time(p->updated_at));
	return o;
}

enum kv_rc
inbox_policy_set(struct db *db, struct arena *ar, const struct actor *a,
                 struct inbox_policy *p, struct verrs *v)
{
	struct inbox_policy old;
	enum kv_rc rc;
	int64_t n = 0;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	valid_oneof(v, "mode", p->mode, modes, "must be same_day or 24h");
	valid_oneof(v, "days_off", p->days_off, days_off_rules,
	            "must be next_business_day or watch");
	if (p->open_hour < 0 || p->open_hour > 23)
		verr_add(v, "open_hour", "must be between 0 and 23");
	if (p->close_hour < 1 || p->close_hour > 24)
		verr_add(v, "close_hour", "must be between 1 and 24");
	else if (p->close_hour <= p->open_hour && !verr_for(v, "open_hour"))
		verr_add(v, "close_hour", "must be after open_hour");
	if (p->escalate_after_min < 0 || p->escalate_after_min > 10080)
		verr_add(v, "escalate_after_min",
		         "must be between 0 and 10080");
	if (p->comms_unit_id != 0 &&
	    (db_get_i64(db, &n,
	                "SELECT COUNT(*) FROM units WHERE id = ? AND "
	                "org_id = ?",
	                "ii", p->comms_unit_id, a->org_id) < 0 ||
	     n == 0))
		verr_add(v, "comms_unit_id", "is not a unit");
	if (v->n)
		return KV_INVALID;
	if ((rc = inbox_policy_load(db, ar, a->org_id, &old)) != KV_OK)
		return rc;
	p->org_id = a->org_id;
	p->updated_at = time_now();
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "INSERT INTO inbox_policies (org_id, mode, open_hour, "
	           "close_hour, days_off, escalate_after_min, comms_unit_id, "
	           "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
	           "(org_id) DO UPDATE SET mode = excluded.mode, open_hour = "
	           "excluded.open_hour, close_hour = excluded.close_hour, "
	           "days_off = excluded.days_off, escalate_after_min = "
	           "excluded.escalate_after_min, comms_unit_id = "
	           "excluded.comms_unit_id, updated_at = excluded.updated_at",
	           "itiitiji", a->org_id, p->mode, (int64_t)p->open_hour,
	           (int64_t)p->close_hour, p->days_off,
	           (int64_t)p->escalate_after_min, p->comms_unit_id,
	           p->updated_at) != 0)
		return inbox_write_failed(db, "policy");
	return audit_commit(db, a, "update", "inbox_policy", a->org_id,
	                    inbox_policy_json(&old), inbox_policy_json(p));
}
