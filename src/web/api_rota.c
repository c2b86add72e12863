/*
 * api_rota.c - the JSON API of the supervision rota, upkeep, review and
 * closing (documented in docs/openapi/rota.json; operationIds in the
 * comments).  Handlers only translate between JSON and the domain
 * (rota.h, upkeep.h, review.h), which checks rights and rules.
 *
 * Times: every instant is answered in UTC ("…Z") and, as *_local, in the
 * organisation's zone; instants sent may be a date (local midnight), a
 * local date-time without a zone, or carry Z or an offset.  Lists answer
 * {"items": [...], "total": N}.
 */
#include "rota_web.h"
#include "../base/holidays.h"
#include "../base/util.h"

#include <string.h>

static void
items_answer(struct req *r, json_t *items)
{
	api_json(r, 200,
	         json_pack("{s:I,s:o}", "total",
	                   (json_int_t)json_array_size(items), "items", items));
}

static void
created_at(struct req *r, const char *location, json_t *obj)
{
	req_add_header(r, "Location", location);
	api_json(r, 201, obj);
}

/* Reads the optional instant ?name= into *out (def when absent); answers
 * 400 and returns -1 when it is not ISO 8601. */
static int
query_time(struct req *r, const char *name, int64_t def, int64_t *out)
{
	const char *s = req_query(r, name);
	*out = def;
	if (s == NULL || *s == '\0')
		return 0;
	if (iso_parse_local(s, rw_tz(r), out, NULL) != 0) {
		api_problem(
		    r, 400, "bad-query", "Bad query parameter",
		    arena_printf(&r->ar,
		                 "%s must be an ISO 8601 date or date-time",
		                 name));
		return -1;
	}
	return 0;
}

/* Reads the optional whole number ?name= in [lo, hi]; 400 otherwise. */
static int
query_int(struct req *r, const char *name, int64_t lo, int64_t hi, int64_t def,
          int64_t *out)
{
	const char *s = req_query(r, name);
	*out = def;
	if (s == NULL || *s == '\0')
		return 0;
	if (parse_i64(s, out) != 0 || *out < lo || *out > hi) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            arena_printf(&r->ar,
		                         "%s must be a whole number "
		                         "from %lld to %lld",
		                         name, (long long)lo, (long long)hi));
		return -1;
	}
	return 0;
}

/* --- policy: getGovernancePolicy, updateGovernancePolicy ------------------ */

void
api_policy_get(struct req *r)
{
	struct policy p;
	enum kv_rc rc = policy_get(r->db, &r->ar, &r->actor, &p);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, policy_json(&p));
}

void
api_policy_put(struct req *r)
{
	static const char *const fields[] = {"review_months", "watch_days",
	                                     "watch_from_hour", "watch_to_hour",
	                                     NULL};
	struct policy p;
	struct verrs v = {0};
	json_t *b;
	const char *s;
	int64_t x;
	int has;
	enum kv_rc rc;

	if (!actor_is_admin(&r->actor)) {
		api_fail(r, KV_FORBIDDEN, NULL);
		return;
	}
	if ((b = api_body(r, fields)) == NULL)
		return;
	if ((rc = policy_get(r->db, &r->ar, &r->actor, &p)) != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	x = jget_int(b, "review_months", &has, &v);
	if (has)
		p.review_months = x > 1000 || x < -1000 ? 0 : (int)x;
	s = jget_str(b, "watch_days", &has, &v);
	if (has)
		p.watch_days = s;
	x = jget_int(b, "watch_from_hour", &has, &v);
	if (has)
		p.watch_from_hour = x > 1000 || x < -1000 ? -1 : (int)x;
	x = jget_int(b, "watch_to_hour", &has, &v);
	if (has)
		p.watch_to_hour = x > 1000 || x < -1000 ? -1 : (int)x;
	rc = v.n ? KV_INVALID : policy_set(r->db, &r->ar, &r->actor, &p, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	api_json(r, 200, policy_json(&p));
}

/* --- shifts: listShifts, createShift, getShift, deleteShift ------------------
 */

void
api_shifts_list(struct req *r)
{
	struct shift *ss;
	int64_t from, to;
	int n = 0;
	json_t *items;
	enum kv_rc rc;
	if (query_time(r, "from", 0, &from) != 0 ||
	    query_time(r, "to", INT64_MAX, &to) != 0)
		return;
	rc = shift_list(r->db, &r->ar, &r->actor, r->pid, from, to, &ss, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, shift_json(&ss[i], rw_tz(r)));
	items_answer(r, items);
}

void
api_shift_create(struct req *r)
{
	static const char *const fields[] = {"person_id", "starts_at",
	                                     "ends_at", "note", NULL};
	struct shift s;
	struct verrs v = {0};
	json_t *b = api_body(r, fields);
	const char *starts, *ends, *note;
	int64_t person;
	int has;
	enum kv_rc rc;
	if (b == NULL)
		return;
	person = jget_id(b, "person_id", &has, &v);
	starts = jget_str(b, "starts_at", &has, &v);
	ends = jget_str(b, "ends_at", &has, &v);
	note = jget_str(b, "note", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = shift_create(r->db, &r->ar, &r->actor, r->pid, person, starts,
	                  ends, note, &s, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	created_at(r,
	           arena_printf(&r->ar, "/api/v1/shifts/%lld", (long long)s.id),
	           shift_json(&s, rw_tz(r)));
}

void
api_shift_get(struct req *r)
{
	struct shift s;
	enum kv_rc rc = shift_get(r->db, &r->ar, &r->actor, r->pid, &s);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, shift_json(&s, rw_tz(r)));
}

void
api_shift_delete(struct req *r)
{
	enum kv_rc rc = shift_delete(r->db, &r->ar, &r->actor, r->pid);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	r->status = 204;
}

/* --- coverage: getChannelCoverage, listCoverageGaps ------------------------
 */

void
api_coverage(struct req *r)
{
	struct coverage c;
	struct verrs v = {0};
	int64_t now = time_now(), from, to;
	enum kv_rc rc;
	if (query_time(r, "from", now, &from) != 0 ||
	    query_time(r, "to", from + (int64_t)ROTA_ALERT_DAYS * 86400, &to) !=
	        0)
		return;
	rc = rota_coverage(r->db, &r->ar, &r->actor, r->pid, from, to, &c, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	api_json(r, 200, coverage_json(&c));
}

void
api_coverage_gaps(struct req *r)
{
	struct channel_gaps *cg;
	int n = 0;
	int64_t days;
	json_t *items;
	enum kv_rc rc;
	if (query_int(r, "days", 1, ROTA_MAX_PERIOD_DAYS, ROTA_ALERT_DAYS,
	              &days) != 0)
		return;
	rc = rota_upcoming_gaps(r->db, &r->ar, &r->actor, time_now(), (int)days,
	                        &cg, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = coverage_json(&cg[i].cov);
		json_object_set_new(o, "unit_id",
		                    json_integer(cg[i].channel.unit_id));
		json_object_set_new(
		    o, "responsible_id",
		    cg[i].channel.responsible_id
		        ? json_integer(cg[i].channel.responsible_id)
		        : json_null());
		json_array_append_new(items, o);
	}
	items_answer(r, items);
}

/* --- absences: createAbsence, listAbsences, getAbsence, deleteAbsence
 * --------- */

void
api_absence_create(struct req *r)
{
	static const char *const fields[] = {"person_id", "kind", "from",
	                                     "to",        "note", NULL};
	struct absence ab;
	struct verrs v = {0};
	json_t *b = api_body(r, fields);
	const char *kind, *from, *to, *note;
	int64_t person;
	int has;
	enum kv_rc rc;
	if (b == NULL)
		return;
	person = jget_id(b, "person_id", &has, &v);
	if (!has)
		person = r->actor.person_id; /* one's own by default */
	kind = jget_str(b, "kind", &has, &v);
	from = jget_str(b, "from", &has, &v);
	to = jget_str(b, "to", &has, &v);
	note = jget_str(b, "note", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = absence_create(r->db, &r->ar, &r->actor, person, kind, from, to,
	                    note, &ab, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	created_at(
	    r, arena_printf(&r->ar, "/api/v1/absences/%lld", (long long)ab.id),
	    absence_json(&ab, rw_tz(r)));
}

void
api_absences_list(struct req *r)
{
	struct absence *as;
	int64_t since;
	int n = 0;
	json_t *items;
	enum kv_rc rc;
	if (query_time(r, "since", 0, &since) != 0)
		return;
	rc = absence_list(r->db, &r->ar, &r->actor, r->pid, since, &as, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, absence_json(&as[i], rw_tz(r)));
	items_answer(r, items);
}

void
api_absence_get(struct req *r)
{
	struct absence ab;
	enum kv_rc rc = absence_get(r->db, &r->ar, &r->actor, r->pid, &ab);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, absence_json(&ab, rw_tz(r)));
}

void
api_absence_delete(struct req *r)
{
	enum kv_rc rc = absence_delete(r->db, &r->ar, &r->actor, r->pid);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	r->status = 204;
}

/* --- upkeep: listChannelUpdates, createChannelUpdate, getChannelUpkeep,
 *     listStaleChannels ------------------------------------------------------
 */

void
api_updates_list(struct req *r)
{
	struct update_entry *es;
	int64_t limit;
	int n = 0;
	json_t *items;
	enum kv_rc rc;
	if (query_int(r, "limit", 1, 500, 100, &limit) != 0)
		return;
	rc = update_log_list(r->db, &r->ar, &r->actor, r->pid, (int)limit, &es,
	                     &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, update_entry_json(&es[i]));
	items_answer(r, items);
}

void
api_update_create(struct req *r)
{
	static const char *const fields[] = {"published_at", "note", NULL};
	struct update_entry e;
	struct verrs v = {0};
	json_t *b = api_body(r, fields);
	const char *at, *note;
	int has;
	enum kv_rc rc;
	if (b == NULL)
		return;
	at = jget_str(b, "published_at", &has, &v);
	note = jget_str(b, "note", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = update_log_create(r->db, &r->ar, &r->actor, r->pid, at, note, &e,
	                       &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	created_at(r,
	           arena_printf(&r->ar, "/api/v1/channels/%lld/updates",
	                        (long long)r->pid),
	           update_entry_json(&e));
}

void
api_channel_upkeep(struct req *r)
{
	struct upkeep u;
	enum kv_rc rc =
	    upkeep_status(r->db, &r->ar, &r->actor, r->pid, time_now(), &u);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, upkeep_json(&u));
}

void
api_stale_list(struct req *r)
{
	struct upkeep *us;
	const char *all = req_query(r, "all");
	int n = 0;
	json_t *items;
	enum kv_rc rc;
	if (all != NULL && strcmp(all, "true") != 0 &&
	    strcmp(all, "false") != 0) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            "all must be true or false");
		return;
	}
	rc = upkeep_list(r->db, &r->ar, &r->actor, time_now(),
	                 !(all && strcmp(all, "true") == 0), &us, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, upkeep_json(&us[i]));
	items_answer(r, items);
}

/* --- review: listReviews, createReview, listDueReviews, closeChannel,
 *     getChannelClosure
 * ---------------------------------------------------------- */

void
api_reviews_list(struct req *r)
{
	struct review *rs;
	int n = 0;
	json_t *items;
	enum kv_rc rc = review_list(r->db, &r->ar, &r->actor, r->pid, &rs, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, review_json(&rs[i]));
	items_answer(r, items);
}

void
api_review_create(struct req *r)
{
	static const char *const fields[] = {"reviewed_on", "findings",
	                                     "outcome", NULL};
	struct review rv;
	struct verrs v = {0};
	json_t *b = api_body(r, fields);
	const char *on, *findings, *outcome;
	int has;
	enum kv_rc rc;
	if (b == NULL)
		return;
	on = jget_str(b, "reviewed_on", &has, &v);
	findings = jget_str(b, "findings", &has, &v);
	outcome = jget_str(b, "outcome", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = review_create(r->db, &r->ar, &r->actor, r->pid, on, findings,
	                   outcome, &rv, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	created_at(r,
	           arena_printf(&r->ar, "/api/v1/channels/%lld/reviews",
	                        (long long)r->pid),
	           review_json(&rv));
}

void
api_reviews_due(struct req *r)
{
	struct review_due *ds;
	int64_t within;
	int n = 0;
	char today[16];
	json_t *items;
	enum kv_rc rc;
	if (query_int(r, "within_days", 0, 366, 0, &within) != 0)
		return;
	time_fmt_local_date(rw_tz(r), time_now(), today);
	rc = review_list_due(r->db, &r->ar, &r->actor, today, (int)within, &ds,
	                     &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, review_due_json(&ds[i]));
	items_answer(r, items);
}

void
api_channel_close(struct req *r)
{
	static const char *const fields[] = {"analysis", "tried", "closed_on",
	                                     NULL};
	struct closure k;
	struct channel c;
	struct verrs v = {0};
	json_t *b = api_body(r, fields), *o;
	const char *analysis, *tried, *on;
	int has;
	enum kv_rc rc;
	if (b == NULL)
		return;
	analysis = jget_str(b, "analysis", &has, &v);
	tried = jget_str(b, "tried", &has, &v);
	on = jget_str(b, "closed_on", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = channel_close(r->db, &r->ar, &r->actor, r->pid, analysis, tried,
	                   on, &k, &v);
	if (rc == KV_OK)
		rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	o = closure_json(&k);
	json_object_set_new(o, "channel", channel_json(&c));
	created_at(r,
	           arena_printf(&r->ar, "/api/v1/channels/%lld/closure",
	                        (long long)r->pid),
	           o);
}

void
api_closure_get(struct req *r)
{
	struct closure k;
	enum kv_rc rc = closure_get(r->db, &r->ar, &r->actor, r->pid, &k);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, closure_json(&k));
}
