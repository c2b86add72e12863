/*
 * review.c - periodic reviews, due reviews and closing a channel (rules in
 * review.h).
 */
#include "review.h"
#include "rota.h"
#include "upkeep.h"
#include "valid.h"
#include "../base/holidays.h"
#include "../base/log.h"
#include "../base/util.h"

#include <stdlib.h>
#include <string.h>

const char *const review_outcomes[] = {"keep", "change", "close", NULL};
const char *const review_outcome_labels[] = {N_("Keep as it is"),
                                             N_("Keep, with changes"),
                                             N_("Close the channel"), NULL};

int
review_can_close(struct db *db, const struct actor *a, const struct channel *c)
{
	return channel_can_create(db, a, c->unit_id);
}

int
review_can_review(struct db *db, const struct actor *a, const struct channel *c)
{
	return review_can_close(db, a, c) ||
	       actor_has_org_role(a, ROLE_DECISION_MAKER);
}

static const char *
today_local(struct db *db, struct arena *ar, const struct actor *a)
{
	struct org o;
	char b[16];
	const char *tz = "Europe/Oslo";
	if (org_get(db, ar, a->org_id, &o) == KV_OK)
		tz = o.timezone;
	return arena_strdup(ar, time_fmt_local_date(tz, time_now(), b));
}

/* Records a problem when s is blank or too long or not text. */
static void
required_text(struct verrs *v, const char *field, const char *s)
{
	const char *p = s;
	while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p == NULL || *p == '\0')
		verr_add(v, field, "is required");
	else
		valid_multiline(v, field, s, KV_MAX_TEXT);
}

/* audit_append() that takes over (decrefs) before and after. */
static int
append_owned(struct db *db, const struct actor *a, const char *action,
             const char *type, int64_t id, json_t *before, json_t *after)
{
	int rc = audit_append(db, a, action, type, id, before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

json_t *
review_json(const struct review *r)
{
	char b[32];
	return json_pack(
	    "{s:I,s:I,s:o,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)r->id,
	    "channel_id", (json_int_t)r->channel_id, "reviewer_id",
	    r->reviewer_id ? json_integer(r->reviewer_id) : json_null(),
	    "reviewer_name", r->reviewer_name ? r->reviewer_name : "",
	    "reviewed_on", r->reviewed_on, "findings", r->findings, "outcome",
	    r->outcome, "created_at", time_fmt_iso(r->created_at, b));
}

enum kv_rc
review_create(struct db *db, struct arena *ar, const struct actor *a,
              int64_t channel_id, const char *reviewed_on, const char *findings,
              const char *outcome, struct review *out, struct verrs *v)
{
	struct channel c, after;
	const char *today;
	int to_closing;
	enum kv_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = channel_get(db, ar, a, channel_id, &c)) != KV_OK)
		return rc;
	if (!review_can_review(db, a, &c))
		return KV_FORBIDDEN;
	today = today_local(db, ar, a);
	if (reviewed_on == NULL || *reviewed_on == '\0')
		reviewed_on = today;
	if (valid_date(v, "reviewed_on", reviewed_on, 1) &&
	    strcmp(reviewed_on, today) > 0)
		verr_add(v, "reviewed_on", "cannot be in the future");
	required_text(v, "findings", findings);
	if (outcome == NULL || *outcome == '\0')
		verr_add(v, "outcome", "is required");
	else
		valid_oneof(v, "outcome", outcome, review_outcomes,
		            "must be keep, change or close");
	if (v->n)
		return KV_INVALID;
	if (strcmp(c.status, "closed") == 0) {
		verr_add(v, "channel_id", "the channel is closed");
		return KV_CONFLICT;
	}
	if (strcmp(c.status, "requested") == 0 ||
	    strcmp(c.status, "planned") == 0) {
		verr_add(v, "channel_id", "the channel is not open yet");
		return KV_CONFLICT;
	}
	out->channel_id = channel_id;
	out->reviewer_id = a->person_id;
	out->reviewer_name = a->person_id ? a->name : "";
	out->reviewed_on = reviewed_on;
	out->findings = findings;
	out->outcome = outcome;
	out->created_at = time_now();
	to_closing =
	    strcmp(outcome, "close") == 0 && (strcmp(c.status, "active") == 0 ||
	                                      strcmp(c.status, "paused") == 0);
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_get_i64(db, &out->id,
	               "INSERT INTO reviews (org_id, channel_id, reviewer_id, "
	               "reviewed_on, findings, outcome, created_at) VALUES (?, "
	               "?, ?, ?, ?, ?, ?) RETURNING id",
	               "iijttti", a->org_id, channel_id, a->person_id,
	               reviewed_on, findings, outcome, out->created_at) != 1)
		goto fail;
	if (to_closing) {
		after = c;
		after.status = "closing";
		after.updated_at = out->created_at;
		if (db_run(db,
		           "UPDATE channels SET status = 'closing', updated_at "
		           "= ? WHERE id = ? AND org_id = ?",
		           "iii", after.updated_at, channel_id, a->org_id) != 0)
			goto fail;
		if (append_owned(db, a, "update", "channel", channel_id,
		                 channel_json(&c), channel_json(&after)) != 0)
			goto fail;
	}
	return audit_commit(db, a, "create", "review", out->id, NULL,
	                    review_json(out));
fail:
	log_err("review: write failed: %s", db_errmsg(db));
	db_rollback(db);
	return KV_DBERR;
}

enum kv_rc
review_list(struct db *db, struct arena *ar, const struct actor *a,
            int64_t channel_id, struct review **out, int *n)
{
	struct channel c;
	struct db_stmt *st;
	enum kv_rc rc;
	int step, cap = 500;

	*out = NULL;
	*n = 0;
	if ((rc = channel_get(db, ar, a, channel_id, &c)) != KV_OK)
		return rc;
	st = db_query(db,
	              "SELECT r.id, r.channel_id, COALESCE(r.reviewer_id, 0), "
	              "r.created_at, r.reviewed_on, r.findings, r.outcome, "
	              "COALESCE(p.full_name, '') FROM reviews r LEFT JOIN "
	              "people p ON p.id = r.reviewer_id WHERE r.channel_id = ? "
	              "AND r.org_id = ? ORDER BY r.reviewed_on DESC, r.id DESC "
	              "LIMIT 500",
	              "ii", channel_id, a->org_id);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((step = db_step(st)) == DB_ROW && *n < cap) {
		struct review *r = &(*out)[(*n)++];
		r->id = db_col_i64(st, 0);
		r->channel_id = db_col_i64(st, 1);
		r->reviewer_id = db_col_i64(st, 2);
		r->created_at = db_col_i64(st, 3);
		r->reviewed_on = arena_strdup(ar, db_col_text(st, 4));
		r->findings = arena_strdup(ar, db_col_text(st, 5));
		r->outcome = arena_strdup(ar, db_col_text(st, 6));
		r->reviewer_name = arena_strdup(ar, db_col_text(st, 7));
	}
	db_finalize(st);
	return step < 0 ? KV_DBERR : KV_OK;
}

/* --- due reviews ------------------------------------------------------------
 */

/* date + months, the day clamped to the month's length; arena string. */
static const char *
add_months(struct arena *ar, const char *date, int months)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	int y, m, d, last;
	if (date_parse(date, &y, &m, &d) != 0)
		return NULL;
	m += months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	last = mdays[m - 1] +
	       (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d > last)
		d = last;
	return arena_printf(ar, "%04d-%02d-%02d", y, m, d);
}

static int64_t
day_number(const char *date)
{
	int y, m, d;
	if (date_parse(date, &y, &m, &d) != 0)
		return 0;
	return days_from_civil(y, (unsigned)m, (unsigned)d);
}

static int
due_cmp(const void *x, const void *y)
{
	const struct review_due *a = x, *b = y;
	int c = strcmp(a->due_on, b->due_on);
	if (c != 0)
		return c;
	return strcmp(a->channel.name, b->channel.name);
}

json_t *
review_due_json(const struct review_due *d)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:o,s:o,s:s,s:i}", "channel_id",
	                 (json_int_t)d->channel.id, "name", d->channel.name,
	                 "status", d->channel.status, "unit_id",
	                 (json_int_t)d->channel.unit_id, "responsible_id",
	                 d->channel.responsible_id
	                     ? json_integer(d->channel.responsible_id)
	                     : json_null(),
	                 "last_reviewed_on",
	                 d->last_reviewed_on ? json_string(d->last_reviewed_on)
	                                     : json_null(),
	                 "due_on", d->due_on, "days_overdue", d->days_overdue);
}

enum kv_rc
review_list_due(struct db *db, struct arena *ar, const struct actor *a,
                const char *today, int within_days, struct review_due **out,
                int *n)
{
	struct channel_filter f;
	struct channel *cs;
	struct policy p;
	int nc = 0;
	int64_t total = 0, tday = day_number(today);
	enum kv_rc rc;

	*out = NULL;
	*n = 0;
	if (tday == 0)
		return KV_INVALID;
	if ((rc = policy_get(db, ar, a, &p)) != KV_OK)
		return rc;
	memset(&f, 0, sizeof(f));
	f.limit = 500;
	if ((rc = channel_list(db, ar, a, &f, &cs, &nc, &total)) != KV_OK)
		return rc;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)(nc + 1));
	for (int i = 0; i < nc; i++) {
		struct review_due *d = &(*out)[*n];
		struct db_stmt *st;
		const char *base = NULL;
		char made[16];
		if (strcmp(cs[i].status, "active") != 0 &&
		    strcmp(cs[i].status, "paused") != 0)
			continue;
		memset(d, 0, sizeof(*d));
		st = db_query(db,
		              "SELECT MAX(reviewed_on) FROM reviews WHERE "
		              "channel_id = ? AND org_id = ?",
		              "ii", cs[i].id, a->org_id);
		if (st == NULL)
			return KV_DBERR;
		if (db_step(st) == DB_ROW && !db_col_is_null(st, 0))
			d->last_reviewed_on =
			    arena_strdup(ar, db_col_text(st, 0));
		db_finalize(st);
		base = d->last_reviewed_on ? d->last_reviewed_on
		       : cs[i].opened_on
		           ? cs[i].opened_on
		           : time_fmt_date(cs[i].created_at, made);
		d->due_on = add_months(ar, base, p.review_months);
		if (d->due_on == NULL)
			continue;
		d->days_overdue = (int)(tday - day_number(d->due_on));
		if (d->days_overdue < -within_days)
			continue;
		d->channel = cs[i];
		(*n)++;
	}
	qsort(*out, (size_t)*n, sizeof(**out), due_cmp);
	return KV_OK;
}

/* --- closing ----------------------------------------------------------------
 */

json_t *
closure_json(const struct closure *c)
{
	char b[32];
	json_t *cap =
	    c->capture_json ? json_loads(c->capture_json, 0, NULL) : NULL;
	return json_pack(
	    "{s:I,s:I,s:s,s:s,s:o,s:s,s:s,s:s,s:o}", "id", (json_int_t)c->id,
	    "channel_id", (json_int_t)c->channel_id, "analysis", c->analysis,
	    "tried", c->tried, "closed_by",
	    c->closed_by ? json_integer(c->closed_by) : json_null(),
	    "closed_by_name", c->closed_by_name ? c->closed_by_name : "",
	    "closed_on", c->closed_on, "closed_at",
	    time_fmt_iso(c->closed_at, b), "capture", cap ? cap : json_null());
}

/* The final capture: the register entry as it was, its recent update log
 * and its reviews.  Caller frees the string (jansson's allocator). */
static char *
make_capture(struct db *db, struct arena *ar, const struct actor *a,
             const struct channel *c, int64_t now)
{
	struct update_entry *es = NULL;
	struct review *rs = NULL;
	int ne = 0, nr = 0;
	json_t *log = json_array(), *revs = json_array(), *cap;
	char b[32], *s;

	if (update_log_list(db, ar, a, c->id, 100, &es, &ne) != KV_OK ||
	    review_list(db, ar, a, c->id, &rs, &nr) != KV_OK) {
		json_decref(log);
		json_decref(revs);
		return NULL;
	}
	for (int i = 0; i < ne; i++)
		json_array_append_new(log, update_entry_json(&es[i]));
	for (int i = 0; i < nr; i++)
		json_array_append_new(revs, review_json(&rs[i]));
	cap = json_pack("{s:s,s:o,s:o,s:o,s:n,s:s}", "captured_at",
	                time_fmt_iso(now, b), "channel", channel_json(c),
	                "update_log", log, "reviews", revs, "platform_capture",
	                "platform_capture_note",
	                "The capture from the platform itself arrives with the "
	                "connectors (issue 4).");
	s = json_dumps(cap, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(cap);
	return s;
}

enum kv_rc
channel_close(struct db *db, struct arena *ar, const struct actor *a,
              int64_t channel_id, const char *analysis, const char *tried,
              const char *closed_on, struct closure *out, struct verrs *v)
{
	struct channel c, after;
	const char *today;
	char *cap;
	enum kv_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = channel_get(db, ar, a, channel_id, &c)) != KV_OK)
		return rc;
	if (!review_can_close(db, a, &c))
		return KV_FORBIDDEN;
	today = today_local(db, ar, a);
	if (analysis != NULL)
		analysis = str_trim(arena_strdup(ar, analysis));
	if (tried != NULL)
		tried = str_trim(arena_strdup(ar, tried));
	required_text(v, "analysis", analysis);
	if (!verr_for(v, "analysis") && utf8_len(analysis) < CLOSE_MIN_ANALYSIS)
		verr_add(v, "analysis",
		         "must explain in at least 40 characters why the "
		         "channel did not work");
	required_text(v, "tried", tried);
	if (closed_on == NULL || *closed_on == '\0')
		closed_on = today;
	if (valid_date(v, "closed_on", closed_on, 1)) {
		if (strcmp(closed_on, today) > 0)
			verr_add(v, "closed_on", "cannot be in the future");
		else if (c.opened_on && strcmp(closed_on, c.opened_on) < 0)
			verr_add(v, "closed_on", "cannot be before opened_on");
	}
	if (v->n)
		return KV_INVALID;
	if (strcmp(c.status, "closed") == 0) {
		verr_add(v, "status", "the channel is already closed");
		return KV_CONFLICT;
	}
	if (strcmp(c.status, "requested") == 0 ||
	    strcmp(c.status, "planned") == 0) {
		verr_add(v, "status", "the channel was never opened");
		return KV_CONFLICT;
	}
	out->channel_id = channel_id;
	out->analysis = analysis;
	out->tried = tried;
	out->closed_on = closed_on;
	out->closed_by = a->person_id;
	out->closed_by_name = a->person_id ? a->name : "";
	out->closed_at = time_now();
	if ((cap = make_capture(db, ar, a, &c, out->closed_at)) == NULL)
		return KV_DBERR;
	out->capture_json = arena_strdup(ar, cap);
	free(cap);
	after = c;
	after.status = "closed";
	after.closed_on = closed_on;
	after.updated_at = out->closed_at;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_get_i64(db, &out->id,
	               "INSERT INTO closures (org_id, channel_id, analysis, "
	               "tried, closed_by, closed_on, closed_at, capture_json) "
	               "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	               "iittjtit", a->org_id, channel_id, analysis, tried,
	               a->person_id, closed_on, out->closed_at,
	               out->capture_json) != 1)
		goto fail;
	/* the status is checked again here, so two closings at once cannot
	 * both succeed */
	if (db_run(db,
	           "UPDATE channels SET status = 'closed', closed_on = ?, "
	           "updated_at = ? WHERE id = ? AND org_id = ? AND status = ?",
	           "tiiit", closed_on, out->closed_at, channel_id, a->org_id,
	           c.status) != 0)
		goto fail;
	if (db_changes(db) != 1) {
		db_rollback(db);
		verr_add(v, "status", "the channel was changed meanwhile");
		return KV_CONFLICT;
	}
	if (append_owned(db, a, "create", "closure", out->id, NULL,
	                 closure_json(out)) != 0)
		goto fail;
	return audit_commit(db, a, "close", "channel", channel_id,
	                    channel_json(&c), channel_json(&after));
fail:
	log_err("review: closing failed: %s", db_errmsg(db));
	db_rollback(db);
	return KV_DBERR;
}

enum kv_rc
closure_get(struct db *db, struct arena *ar, const struct actor *a,
            int64_t channel_id, struct closure *out)
{
	struct channel c;
	struct db_stmt *st;
	enum kv_rc rc;
	int step;

	memset(out, 0, sizeof(*out));
	if ((rc = channel_get(db, ar, a, channel_id, &c)) != KV_OK)
		return rc;
	st = db_query(db,
	              "SELECT k.id, k.channel_id, COALESCE(k.closed_by, 0), "
	              "k.closed_at, k.analysis, k.tried, k.closed_on, "
	              "k.capture_json, COALESCE(p.full_name, '') FROM closures "
	              "k LEFT JOIN people p ON p.id = k.closed_by WHERE "
	              "k.channel_id = ? AND k.org_id = ? ORDER BY k.closed_at "
	              "DESC, k.id DESC LIMIT 1",
	              "ii", channel_id, a->org_id);
	if (st == NULL)
		return KV_DBERR;
	step = db_step(st);
	if (step == DB_ROW) {
		out->id = db_col_i64(st, 0);
		out->channel_id = db_col_i64(st, 1);
		out->closed_by = db_col_i64(st, 2);
		out->closed_at = db_col_i64(st, 3);
		out->analysis = arena_strdup(ar, db_col_text(st, 4));
		out->tried = arena_strdup(ar, db_col_text(st, 5));
		out->closed_on = arena_strdup(ar, db_col_text(st, 6));
		out->capture_json = arena_strdup(ar, db_col_text(st, 7));
		out->closed_by_name = arena_strdup(ar, db_col_text(st, 8));
	}
	db_finalize(st);
	if (step != DB_ROW)
		return step == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	return KV_OK;
}
