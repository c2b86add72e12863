/*
 * api_plans.c - the JSON API of issue 3 under /api/v1 (documented in
 * docs/openapi/plans.json): channel requests, action plans and their
 * workflow (submit, withdraw, comment, decide, revise), courses and
 * training records.
 *
 * As in api_v1.c, handlers only translate between JSON and the domain
 * (plan.h, training.h), which checks roles, state and fields itself;
 * unknown fields are refused; a refused step answers problem+json (409
 * for state conflicts such as self-approval or a missing consultation,
 * 422 for fields, incomplete plans and untrained people) and writes
 * nothing.  Action endpoints (submit, withdraw, revisions) take no body or
 * an empty JSON object.
 */
#include "web.h"
#include "../base/util.h"
#include "../domain/plan.h"
#include "../domain/training.h"

#include <string.h>

static void
created_at(struct req *r, const char *location, json_t *obj)
{
	req_add_header(r, "Location", location);
	api_json(r, 201, obj);
}

/* A body for an action: none at all, or a JSON object of allowed fields.
 * Returns the object (owned by r), or NULL when the problem was sent. */
static json_t *
action_body(struct req *r, const char *const *allowed)
{
	if (r->body.len == 0) {
		r->json = json_object();
		return r->json;
	}
	return api_body(r, allowed);
}

/* Answers the plan id as stored now (200), or the failure. */
static void
answer_plan(struct req *r, int status, int64_t id)
{
	struct plan p;
	enum kv_rc rc = plan_get(r->db, &r->ar, &r->actor, id, &p);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	if (status == 201)
		created_at(
		    r,
		    arena_printf(&r->ar, "/api/v1/plans/%lld", (long long)id),
		    plan_json_full(&p));
	else
		api_json(r, status, plan_json_full(&p));
}

/* --- requests ------------------------------------------------------------ */

static const char *const request_fields[] = {
    "platform", "name",          "address", "unit_id",
    "purpose",  "target_groups", "note",    NULL};

void
api_channel_request(struct req *r)
{
	struct channel c;
	struct plan p;
	struct verrs v = {0};
	json_t *b = api_body(r, request_fields);
	const char *note = NULL;
	int has;
	enum kv_rc rc;
	if (b == NULL)
		return;
	memset(&c, 0, sizeof(c));
	api_channel_overlay(b, &c, &v);
	note = jget_str(b, "note", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = plan_request(r->db, &r->ar, &r->actor, &c, note, &p, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_plan(r, 201, p.id);
}

static const char *const start_fields[] = {"requested_by", NULL};

void
api_channel_plan_start(struct req *r)
{
	struct plan p;
	struct verrs v = {0};
	json_t *b = action_body(r, start_fields);
	int has;
	int64_t by;
	enum kv_rc rc;
	if (b == NULL)
		return;
	by = jget_id(b, "requested_by", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = plan_start(r->db, &r->ar, &r->actor, r->pid, by, &p, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_plan(r, 201, p.id);
}

/* --- plans -----------------------------------------------------------------
 */

void
api_plans_list(struct req *r)
{
	struct plan_filter f;
	struct plan *ps;
	int n;
	int64_t total;
	json_t *items;
	enum kv_rc rc;
	const char *st, *aw, *la;

	memset(&f, 0, sizeof(f));
	if (api_paging(r, &f.limit, &f.offset) != 0 ||
	    query_id(r, "channel_id", &f.channel_id) != 0)
		return;
	st = req_query(r, "status");
	aw = req_query(r, "awaiting");
	la = req_query(r, "latest");
	if (st != NULL) {
		int ok = 0;
		for (int i = 0; plan_statuses[i]; i++)
			ok |= strcmp(st, plan_statuses[i]) == 0;
		if (!ok) {
			api_problem(
			    r, 400, "bad-query", "Bad query parameter",
			    "status must be draft, submitted, approved, "
			    "rejected or superseded.");
			return;
		}
	}
	if ((aw && strcmp(aw, "1") != 0 && strcmp(aw, "0") != 0) ||
	    (la && strcmp(la, "1") != 0 && strcmp(la, "0") != 0)) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            "awaiting and latest must be 0 or 1.");
		return;
	}
	f.status = st;
	f.awaiting = aw && strcmp(aw, "1") == 0;
	f.latest = la && strcmp(la, "1") == 0;
	rc = plan_list(r->db, &r->ar, &r->actor, &f, &ps, &n, &total);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, plan_json(&ps[i]));
	api_json(r, 200,
	         json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total",
	                   (json_int_t)total, "limit", f.limit, "offset",
	                   f.offset));
}

void
api_plan_get(struct req *r)
{
	answer_plan(r, 200, r->pid);
}

static const char *const plan_fields[] = {
    "deciding_manager_id", "medium",         "purpose",    "goals",
    "activities",          "responsible_id", "other_ids",  "supervision",
    "update_count",        "update_period",  "work_hours", "work_period",
    "snapshot_person_id",  "request_note",   NULL};

static const char *const goal_fields[] = {"text", "metric", "target", "period",
                                          NULL};

/* Copies the goals array b["goals"] over p's goals. */
static void
goals_overlay(struct req *r, json_t *gs, struct plan *p, struct verrs *v)
{
	size_t i;
	json_t *g;
	if (!json_is_array(gs) || json_array_size(gs) > KV_MAX_GOALS) {
		verr_add(v, "goals", "must be a list of at most 20 goals");
		return;
	}
	p->ngoals = 0;
	json_array_foreach(gs, i, g)
	{
		struct plan_goal *pg = &p->goals[p->ngoals++];
		const char *key;
		json_t *val, *t;
		int has;
		const char *f = arena_printf(&r->ar, "goals[%zu]", i);
		memset(pg, 0, sizeof(*pg));
		if (!json_is_object(g)) {
			verr_add(v, f, "must be an object");
			continue;
		}
		json_object_foreach(g, key, val)
		{
			int ok = 0;
			for (const char *const *k = goal_fields; *k && !ok; k++)
				ok = strcmp(*k, key) == 0;
			if (!ok)
				verr_add(v,
				         arena_printf(&r->ar, "goals[%zu].%s",
				                      i, key),
				         "is not a known field");
		}
		pg->text = jget_str(g, "text", &has, v);
		pg->metric = jget_str(g, "metric", &has, v);
		pg->period = jget_str(g, "period", &has, v);
		t = json_object_get(g, "target");
		if (t != NULL && !json_is_null(t)) {
			if (!json_is_integer(t))
				verr_add(v,
				         arena_printf(&r->ar,
				                      "goals[%zu].target", i),
				         "must be an integer or null");
			else {
				pg->has_target = 1;
				pg->target = (int64_t)json_integer_value(t);
			}
		}
	}
}

/* Copies the plan fields present in b over p. */
static void
plan_overlay(struct req *r, json_t *b, struct plan *p, struct verrs *v)
{
	static const char *const strs[] = {
	    "medium",        "purpose",     "activities",  "supervision",
	    "update_period", "work_period", "request_note"};
	const char **dst[] = {&p->medium,        &p->purpose,
	                      &p->activities,    &p->supervision,
	                      &p->update_period, &p->work_period,
	                      &p->request_note};
	static const char *const ids[] = {
	    "deciding_manager_id", "responsible_id", "snapshot_person_id"};
	int64_t *idst[] = {&p->deciding_manager_id, &p->responsible_id,
	                   &p->snapshot_person_id};
	static const char *const ints[] = {"update_count", "work_hours"};
	int64_t *ist[] = {&p->update_count, &p->work_hours};
	int has;
	json_t *x;

	for (size_t i = 0; i < ARRAY_LEN(strs); i++) {
		const char *s = jget_str(b, strs[i], &has, v);
		if (has)
			*dst[i] = s ? s : "";
	}
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		int64_t id = jget_id(b, ids[i], &has, v);
		if (has)
			*idst[i] = id;
	}
	for (size_t i = 0; i < ARRAY_LEN(ints); i++) {
		int64_t n = jget_int(b, ints[i], &has, v);
		if (has)
			*ist[i] = n;
	}
	if ((x = json_object_get(b, "goals")) != NULL)
		goals_overlay(r, x, p, v);
	jget_ids(b, "other_ids", p->other_ids, KV_MAX_PLAN_PEOPLE, &p->nothers,
	         v);
}

void
api_plan_update(struct req *r)
{
	struct plan p;
	struct verrs v = {0};
	json_t *b;
	enum kv_rc rc;
	if ((b = api_body(r, plan_fields)) == NULL)
		return;
	rc = plan_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc == KV_OK) {
		plan_overlay(r, b, &p, &v);
		rc = v.n ? KV_INVALID
		         : plan_update(r->db, &r->ar, &r->actor, &p, &v);
	}
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_plan(r, 200, r->pid);
}

static const char *const no_fields[] = {NULL};

void
api_plan_submit(struct req *r)
{
	struct verrs v = {0};
	enum kv_rc rc;
	if (action_body(r, no_fields) == NULL)
		return;
	rc = plan_submit(r->db, &r->ar, &r->actor, r->pid, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_plan(r, 200, r->pid);
}

void
api_plan_withdraw(struct req *r)
{
	struct verrs v = {0};
	enum kv_rc rc;
	if (action_body(r, no_fields) == NULL)
		return;
	rc = plan_withdraw(r->db, &r->ar, &r->actor, r->pid, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_plan(r, 200, r->pid);
}

static const char *const comment_fields[] = {"text", NULL};

void
api_plan_comment(struct req *r)
{
	struct verrs v = {0};
	struct plan p;
	json_t *b = api_body(r, comment_fields);
	const char *text;
	int64_t cid = 0;
	int has;
	enum kv_rc rc;
	if (b == NULL)
		return;
	text = jget_str(b, "text", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = plan_comment(r->db, &r->ar, &r->actor, r->pid, text, &cid, &v);
	if (rc == KV_OK)
		rc = plan_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	for (int i = 0; i < p.ncomments; i++)
		if (p.comments[i].id == cid) {
			created_at(r,
			           arena_printf(&r->ar, "/api/v1/plans/%lld",
			                        (long long)p.id),
			           plan_comment_json(&p.comments[i]));
			return;
		}
	api_fail(r, KV_DBERR, NULL);
}

static const char *const decide_fields[] = {"decision", "place", "note", NULL};

void
api_plan_decide(struct req *r)
{
	struct verrs v = {0};
	json_t *b = api_body(r, decide_fields);
	const char *decision, *place, *note;
	int has;
	enum kv_rc rc;
	if (b == NULL)
		return;
	decision = jget_str(b, "decision", &has, &v);
	if (!has)
		verr_add(&v, "decision", "is required");
	place = jget_str(b, "place", &has, &v);
	note = jget_str(b, "note", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = plan_decide(r->db, &r->ar, &r->actor, r->pid, decision, place,
	                 note, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_plan(r, 200, r->pid);
}

void
api_plan_revise(struct req *r)
{
	struct verrs v = {0};
	int64_t id = 0;
	enum kv_rc rc;
	if (action_body(r, no_fields) == NULL)
		return;
	rc = plan_revise(r->db, &r->ar, &r->actor, r->pid, &id, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_plan(r, 201, id);
}

/* --- courses and training ----------------------------------------------------
 */

void
api_courses_list(struct req *r)
{
	struct course *cs;
	int n;
	json_t *items;
	enum kv_rc rc = course_list(r->db, &r->ar, &r->actor, &cs, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, course_json(&cs[i]));
	api_json(r, 200,
	         json_pack("{s:o,s:i,s:i,s:i}", "items", items, "total", n,
	                   "limit", n, "offset", 0));
}

void
api_course_get(struct req *r)
{
	struct course c;
	enum kv_rc rc = course_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, course_json(&c));
}

static const char *const course_fields[] = {"name", "description",
                                            "validity_months",
                                            "required_for_channel_roles", NULL};

void
api_courses_create(struct req *r)
{
	struct course c;
	struct verrs v = {0};
	json_t *b = api_body(r, course_fields), *req;
	int has;
	enum kv_rc rc;
	if (b == NULL)
		return;
	memset(&c, 0, sizeof(c));
	c.name = jget_str(b, "name", &has, &v);
	c.description = jget_str(b, "description", &has, &v);
	c.validity_months = jget_int(b, "validity_months", &has, &v);
	req = json_object_get(b, "required_for_channel_roles");
	if (req != NULL && !json_is_boolean(req))
		verr_add(&v, "required_for_channel_roles",
		         "must be true or false");
	c.required = req != NULL && json_is_true(req);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = course_create(r->db, &r->ar, &r->actor, &c, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	created_at(
	    r, arena_printf(&r->ar, "/api/v1/courses/%lld", (long long)c.id),
	    course_json(&c));
}

void
api_training_list(struct req *r)
{
	struct training_filter f;
	struct training_record *ts;
	int n;
	int64_t total;
	json_t *items;
	enum kv_rc rc;
	memset(&f, 0, sizeof(f));
	if (api_paging(r, &f.limit, &f.offset) != 0 ||
	    query_id(r, "person_id", &f.person_id) != 0 ||
	    query_id(r, "course_id", &f.course_id) != 0)
		return;
	rc = training_list(r->db, &r->ar, &r->actor, &f, &ts, &n, &total);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, training_json(&ts[i]));
	api_json(r, 200,
	         json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total",
	                   (json_int_t)total, "limit", f.limit, "offset",
	                   f.offset));
}

void
api_training_get(struct req *r)
{
	struct training_filter f;
	struct training_record *ts;
	int n;
	int64_t total;
	enum kv_rc rc;
	memset(&f, 0, sizeof(f));
	f.id = r->pid;
	f.limit = 1;
	rc = training_list(r->db, &r->ar, &r->actor, &f, &ts, &n, &total);
	if (rc == KV_OK && n == 0)
		rc = KV_NOTFOUND;
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, training_json(&ts[0]));
}

static const char *const training_fields[] = {
    "person_id", "course_id", "completed_on", "expires_on", NULL};

void
api_training_record(struct req *r)
{
	struct training_record t;
	struct verrs v = {0};
	json_t *b = api_body(r, training_fields);
	int has;
	enum kv_rc rc;
	if (b == NULL)
		return;
	memset(&t, 0, sizeof(t));
	t.person_id = jget_id(b, "person_id", &has, &v);
	t.course_id = jget_id(b, "course_id", &has, &v);
	t.completed_on = jget_str(b, "completed_on", &has, &v);
	t.expires_on = jget_str(b, "expires_on", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = training_record(r->db, &r->ar, &r->actor, &t, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	created_at(
	    r, arena_printf(&r->ar, "/api/v1/training/%lld", (long long)t.id),
	    training_json(&t));
}

void
api_training_expiring(struct req *r)
{
	struct training_alert *ts;
	int n;
	int64_t days = 30;
	const char *d = req_query(r, "days");
	json_t *items;
	enum kv_rc rc;
	if (d != NULL && (parse_i64(d, &days) != 0 || days < 0 || days > 366)) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            "days must be 0–366.");
		return;
	}
	rc = training_expiring(r->db, &r->ar, &r->actor, (int)days, &ts, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, training_alert_json(&ts[i]));
	api_json(
	    r, 200,
	    json_pack("{s:o,s:I}", "items", items, "days", (json_int_t)days));
}
