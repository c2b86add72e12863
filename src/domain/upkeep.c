/*
 * upkeep.c - the update log and the commitment check (rules in upkeep.h).
 */
#include "upkeep.h"
#include "valid.h"
#include "../base/holidays.h"
#include "../base/log.h"
#include "../base/util.h"

#include <stdlib.h>
#include <string.h>

/* A published_at may be at most this far ahead (clock skew). */
#define UPKEEP_SKEW 300

int
upkeep_can_log(struct db *db, const struct actor *a, const struct channel *c)
{
	if (channel_can_edit(db, a, c))
		return 1;
	for (int i = 0; i < c->neditors; i++)
		if (a->person_id != 0 && c->editor_ids[i] == a->person_id)
			return 1;
	return actor_has_role_for_unit(db, a, ROLE_CHANNEL_EDITOR,
	                               c->unit_id) ||
	       actor_has_role_for_unit(db, a, ROLE_SUPERVISOR, c->unit_id);
}

json_t *
update_entry_json(const struct update_entry *e)
{
	char p[32], c[32];
	return json_pack(
	    "{s:I,s:I,s:s,s:s,s:s,s:o,s:s,s:s}", "id", (json_int_t)e->id,
	    "channel_id", (json_int_t)e->channel_id, "published_at",
	    time_fmt_iso(e->published_at, p), "source", e->source, "note",
	    e->note ? e->note : "", "logged_by",
	    e->logged_by ? json_integer(e->logged_by) : json_null(),
	    "logged_by_name", e->logged_by_name ? e->logged_by_name : "",
	    "created_at", time_fmt_iso(e->created_at, c));
}

enum kv_rc
update_log_create(struct db *db, struct arena *ar, const struct actor *a,
                  int64_t channel_id, const char *published_at,
                  const char *note, struct update_entry *out, struct verrs *v)
{
	struct channel c;
	struct org o;
	int64_t t = 0, now = time_now();
	enum kv_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = channel_get(db, ar, a, channel_id, &c)) != KV_OK)
		return rc;
	if (!upkeep_can_log(db, a, &c))
		return KV_FORBIDDEN;
	if (org_get(db, ar, a->org_id, &o) != KV_OK)
		return KV_DBERR;
	if (published_at == NULL || *published_at == '\0')
		verr_add(v, "published_at", "is required");
	else if (iso_parse_local(published_at, o.timezone, &t, NULL) != 0)
		verr_add(v, "published_at",
		         "must be an ISO 8601 date or time, e.g. "
		         "2027-05-17T08:00");
	else if (t > now + UPKEEP_SKEW)
		verr_add(v, "published_at", "cannot be in the future");
	else if (t < 946684800) /* 2000-01-01 */
		verr_add(v, "published_at", "is too far in the past");
	if (note == NULL)
		note = "";
	valid_multiline(v, "note", note, KV_MAX_TEXT);
	if (v->n)
		return KV_INVALID;
	if (strcmp(c.status, "requested") == 0 ||
	    strcmp(c.status, "planned") == 0 ||
	    strcmp(c.status, "closed") == 0) {
		verr_add(v, "channel_id", "the channel is not open");
		return KV_CONFLICT;
	}
	out->channel_id = channel_id;
	out->published_at = t;
	out->source = "manual";
	out->note = note;
	out->logged_by = a->person_id;
	out->logged_by_name = a->person_id ? a->name : "";
	out->created_at = now;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_get_i64(db, &out->id,
	               "INSERT INTO channel_updates (org_id, channel_id, "
	               "published_at, source, note, logged_by, created_at) "
	               "VALUES (?, ?, ?, 'manual', ?, ?, ?) RETURNING id",
	               "iiitji", a->org_id, channel_id, t, note, a->person_id,
	               now) != 1) {
		log_err("upkeep: insert failed: %s", db_errmsg(db));
		db_rollback(db);
		return KV_DBERR;
	}
	return audit_commit(db, a, "create", "channel_update", out->id, NULL,
	                    update_entry_json(out));
}

enum kv_rc
update_log_list(struct db *db, struct arena *ar, const struct actor *a,
                int64_t channel_id, int limit, struct update_entry **out,
                int *n)
{
	struct channel c;
	struct db_stmt *st;
	enum kv_rc rc;
	int step;

	*out = NULL;
	*n = 0;
	if (limit <= 0 || limit > 500)
		limit = 100;
	if ((rc = channel_get(db, ar, a, channel_id, &c)) != KV_OK)
		return rc;
	st = db_query(db,
	              "SELECT u.id, u.channel_id, u.published_at, u.source, "
	              "u.note, COALESCE(u.logged_by, 0), u.created_at, "
	              "COALESCE(p.full_name, '') FROM channel_updates u LEFT "
	              "JOIN people p ON p.id = u.logged_by WHERE u.channel_id "
	              "= ? AND u.org_id = ? ORDER BY u.published_at DESC, u.id "
	              "DESC LIMIT ?",
	              "iii", channel_id, a->org_id, (int64_t)limit);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)limit);
	while ((step = db_step(st)) == DB_ROW && *n < limit) {
		struct update_entry *e = &(*out)[(*n)++];
		e->id = db_col_i64(st, 0);
		e->channel_id = db_col_i64(st, 1);
		e->published_at = db_col_i64(st, 2);
		e->source = arena_strdup(ar, db_col_text(st, 3));
		e->note = arena_strdup(ar, db_col_text(st, 4));
		e->logged_by = db_col_i64(st, 5);
		e->created_at = db_col_i64(st, 6);
		e->logged_by_name = arena_strdup(ar, db_col_text(st, 7));
	}
	db_finalize(st);
	return step < 0 ? KV_DBERR : KV_OK;
}

static int
window_of(const char *period)
{
	if (period && strcmp(period, "day") == 0)
		return 1;
	if (period && strcmp(period, "month") == 0)
		return 30;
	return 7;
}

/* Fills u for channel c (already visible to the actor) at now. */
static enum kv_rc
compute(struct db *db, struct arena *ar, const struct actor *a,
        const struct channel *c, int64_t now, struct upkeep *u)
{
	struct db_stmt *st;
	struct org o;
	int64_t opened = c->created_at;
	int y, m, d, step;

	memset(u, 0, sizeof(*u));
	u->channel = *c;
	u->promised = c->update_count;
	u->window_days = window_of(c->update_period);
	st = db_query(db,
	              "SELECT COUNT(*), COALESCE(MAX(published_at), 0), "
	              "COALESCE(SUM(CASE WHEN published_at > ? AND "
	              "published_at <= ? THEN 1 ELSE 0 END), 0) FROM "
	              "channel_updates WHERE channel_id = ? AND org_id = ?",
	              "iiii", now - (int64_t)u->window_days * 86400, now, c->id,
	              a->org_id);
	if (st == NULL)
		return KV_DBERR;
	step = db_step(st);
	if (step == DB_ROW) {
		u->total = db_col_i64(st, 0);
		u->last_at = db_col_i64(st, 1);
		u->actual = db_col_i64(st, 2);
	}
	db_finalize(st);
	if (step != DB_ROW)
		return KV_DBERR;
	if (org_get(db, ar, a->org_id, &o) != KV_OK)
		return KV_DBERR;
	if (c->opened_on && date_parse(c->opened_on, &y, &m, &d) == 0)
		opened = local_to_utc(o.timezone, y, m, d, 0, 0);
	u->too_new = now - opened < (int64_t)u->window_days * 86400;
	u->stale = strcmp(c->status, "active") == 0 && u->promised > 0 &&
	           !u->too_new && u->actual < u->promised;
	return KV_OK;
}

enum kv_rc
upkeep_status(struct db *db, struct arena *ar, const struct actor *a,
              int64_t channel_id, int64_t now, struct upkeep *out)
{
	struct channel c;
	enum kv_rc rc = channel_get(db, ar, a, channel_id, &c);
	if (rc != KV_OK)
		return rc;
	return compute(db, ar, a, &c, now, out);
}

/* Stalest first: the share of the promise met (actual/promised, compared
 * crosswise), then the oldest last update (never = 0 first), then name. */
static int
stale_cmp(const void *x, const void *y)
{
	const struct upkeep *a = x, *b = y;
	int64_t pa = a->promised > 0 ? a->promised : 1;
	int64_t pb = b->promised > 0 ? b->promised : 1;
	int64_t l = (a->promised > 0 ? a->actual : pa) * pb;
	int64_t r = (b->promised > 0 ? b->actual : pb) * pa;
	if (a->stale != b->stale)
		return a->stale ? -1 : 1;
	if (l != r)
		return l < r ? -1 : 1;
	if (a->last_at != b->last_at)
		return a->last_at < b->last_at ? -1 : 1;
	return strcmp(a->channel.name, b->channel.name);
}

enum kv_rc
upkeep_list(struct db *db, struct arena *ar, const struct actor *a, int64_t now,
            int stale_only, struct upkeep **out, int *n)
{
	struct channel_filter f;
	struct channel *cs;
	int nc = 0;
	int64_t total = 0;
	enum kv_rc rc;

	*out = NULL;
	*n = 0;
	memset(&f, 0, sizeof(f));
	f.status = "active";
	f.limit = 500;
	if ((rc = channel_list(db, ar, a, &f, &cs, &nc, &total)) != KV_OK)
		return rc;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)(nc + 1));
	for (int i = 0; i < nc; i++) {
		struct upkeep *u = &(*out)[*n];
		if ((rc = compute(db, ar, a, &cs[i], now, u)) != KV_OK)
			return rc;
		if (!stale_only || u->stale)
			(*n)++;
	}
	qsort(*out, (size_t)*n, sizeof(**out), stale_cmp);
	return KV_OK;
}

json_t *
upkeep_json(const struct upkeep *u)
{
	char b[32];
	json_t *o = json_pack(
	    "{s:I,s:s,s:s,s:s,s:I,s:s,s:i,s:I,s:I,s:o,s:I,s:b,s:b,s:o}",
	    "channel_id", (json_int_t)u->channel.id, "name", u->channel.name,
	    "platform", u->channel.platform, "status", u->channel.status,
	    "promised", (json_int_t)u->promised, "period",
	    u->channel.update_period, "window_days", u->window_days, "actual",
	    (json_int_t)u->actual, "behind_by",
	    (json_int_t)(u->stale ? u->promised - u->actual : 0), "last_at",
	    u->last_at ? json_string(time_fmt_iso(u->last_at, b)) : json_null(),
	    "total", (json_int_t)u->total, "stale", u->stale, "too_new",
	    u->too_new, "label",
	    u->stale ? json_string("profile established, not followed up")
	             : json_null());
	json_object_set_new(o, "unit_id", json_integer(u->channel.unit_id));
	json_object_set_new(o, "responsible_id",
	                    u->channel.responsible_id
	                        ? json_integer(u->channel.responsible_id)
	                        : json_null());
	return o;
}
