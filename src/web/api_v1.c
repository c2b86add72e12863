/*
 * api_v1.c - the JSON API under /api/v1 (documented in assets/openapi.json,
 * served at /api/v1/openapi.json).
 *
 * Handlers only translate between JSON and the domain: they read typed
 * fields (unknown fields are refused), call the same domain functions as
 * the HTML UI and the CLI, and map the result to a status.  Lists answer
 * {"items": [...], "total": N, "limit": L, "offset": O}; a created object
 * comes back whole with its "id" and status 201 and a Location header.
 */
#include "web.h"
#include "../base/embed.h"
#include "../base/util.h"

#include <string.h>

/* 1 when s is absent or one of list. */
static int
in_list(const char *s, const char *const *list)
{
	if (s == NULL)
		return 1;
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static void
list_answer(struct req *r, json_t *items, int64_t total, int limit, int offset)
{
	api_json(r, 200,
	         json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total",
	                   (json_int_t)total, "limit", limit, "offset",
	                   offset));
}

static void
created(struct req *r, const char *base, int64_t id, json_t *obj)
{
	req_add_header(r, "Location",
	               arena_printf(&r->ar, "%s/%lld", base, (long long)id));
	api_json(r, 201, obj);
}

void
api_openapi(struct req *r)
{
	const struct embed_file *f = embed_find("assets/openapi.json");
	if (f == NULL) {
		api_problem(r, 404, "not-found", "Not found", NULL);
		return;
	}
	r->ctype = "application/json";
	buf_add(&r->out, f->data, f->len);
}

void
api_me(struct req *r)
{
	struct person p;
	json_t *o;
	enum kv_rc rc =
	    person_get(r->db, &r->ar, &r->actor, r->actor.person_id, &p);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	o = json_pack("{s:o,s:{s:I,s:s,s:s,s:s}}", "person", person_json(&p),
	              "org", "id", (json_int_t)r->org.id, "name",
	              r->has_org ? r->org.name : "", "country",
	              r->has_org ? r->org.country : "", "timezone",
	              r->has_org ? r->org.timezone : "");
	if (!r->via_token && r->csrf != NULL)
		json_object_set_new(o, "csrf_token", json_string(r->csrf));
	api_json(r, 200, o);
}

/* --- units ------------------------------------------------------------- */

static const char *const unit_fields[] = {"name", "kind", "parent_id", NULL};

void
api_units_list(struct req *r)
{
	struct unit *us;
	int n;
	json_t *items;
	enum kv_rc rc = unit_list(r->db, &r->ar, &r->actor, &us, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *u = unit_json(&us[i]);
		json_object_set_new(u, "depth", json_integer(us[i].depth));
		json_array_append_new(items, u);
	}
	list_answer(r, items, n, n, 0);
}

static void
unit_overlay(json_t *b, struct unit *u, struct verrs *v)
{
	int has;
	const char *s;
	int64_t id;
	s = jget_str(b, "name", &has, v);
	if (has)
		u->name = s;
	s = jget_str(b, "kind", &has, v);
	if (has)
		u->kind = s;
	id = jget_id(b, "parent_id", &has, v);
	if (has)
		u->parent_id = id;
}

void
api_units_create(struct req *r)
{
	struct unit u;
	struct verrs v = {0};
	json_t *b = api_body(r, unit_fields);
	enum kv_rc rc;
	if (b == NULL)
		return;
	memset(&u, 0, sizeof(u));
	u.kind = "unit";
	unit_overlay(b, &u, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = unit_create(r->db, &r->ar, &r->actor, &u, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	created(r, "/api/v1/units", u.id, unit_json(&u));
}

void
api_unit_get(struct req *r)
{
	struct unit u;
	enum kv_rc rc = unit_get(r->db, &r->ar, &r->actor, r->pid, &u);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, unit_json(&u));
}

void
api_unit_update(struct req *r)
{
	struct unit u;
	struct verrs v = {0};
	json_t *b;
	enum kv_rc rc;
	if (!actor_is_admin(&r->actor)) {
		api_fail(r, KV_FORBIDDEN, NULL);
		return;
	}
	if ((b = api_body(r, unit_fields)) == NULL)
		return;
	rc = unit_get(r->db, &r->ar, &r->actor, r->pid, &u);
	if (rc == KV_OK) {
		unit_overlay(b, &u, &v);
		rc = v.n ? KV_INVALID
		         : unit_update(r->db, &r->ar, &r->actor, &u, &v);
	}
	if (rc == KV_OK)
		rc = unit_get(r->db, &r->ar, &r->actor, r->pid, &u);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	api_json(r, 200, unit_json(&u));
}

/* --- people ------------------------------------------------------------- */

static const char *const person_fields[] = {"full_name", "first_name", "title",
                                            "unit_id",   "email",      "phone",
                                            "active",    NULL};

void
api_people_list(struct req *r)
{
	struct person_filter f;
	struct person *ps;
	int n;
	int64_t total;
	json_t *items;
	enum kv_rc rc;

	memset(&f, 0, sizeof(f));
	if (api_paging(r, &f.limit, &f.offset) != 0 ||
	    query_id(r, "unit_id", &f.unit_id) != 0)
		return;
	f.q = req_query(r, "q");
	rc = person_list(r->db, &r->ar, &r->actor, &f, &ps, &n, &total);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, person_json(&ps[i]));
	list_answer(r, items, total, f.limit, f.offset);
}

static void
person_overlay(json_t *b, struct person *p, struct verrs *v)
{
	int has;
	const char *s;
	int64_t id;
	json_t *act;
	s = jget_str(b, "full_name", &has, v);
	if (has)
		p->full_name = s;
	s = jget_str(b, "first_name", &has, v);
	if (has)
		p->first_name = s;
	s = jget_str(b, "title", &has, v);
	if (has)
		p->title = s;
	s = jget_str(b, "email", &has, v);
	if (has)
		p->email = s;
	s = jget_str(b, "phone", &has, v);
	if (has)
		p->phone = s;
	id = jget_id(b, "unit_id", &has, v);
	if (has)
		p->unit_id = id;
	act = json_object_get(b, "active");
	if (act != NULL) {
		if (json_is_boolean(act))
			p->active = json_is_true(act);
		else
			verr_add(v, "active", "must be true or false");
	}
}

void
api_people_create(struct req *r)
{
	struct person p;
	struct verrs v = {0};
	json_t *b = api_body(r, person_fields);
	enum kv_rc rc;
	if (b == NULL)
		return;
	memset(&p, 0, sizeof(p));
	person_overlay(b, &p, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = person_create(r->db, &r->ar, &r->actor, &p, &v);
	if (rc == KV_OK)
		rc = person_get(r->db, &r->ar, &r->actor, p.id, &p);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	created(r, "/api/v1/people", p.id, person_json(&p));
}

void
api_person_get(struct req *r)
{
	struct person p;
	enum kv_rc rc = person_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, person_json(&p));
}

void
api_person_update(struct req *r)
{
	struct person p;
	struct verrs v = {0};
	json_t *b;
	enum kv_rc rc;
	if ((b = api_body(r, person_fields)) == NULL)
		return;
	rc = person_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc == KV_OK) {
		person_overlay(b, &p, &v);
		rc = v.n ? KV_INVALID
		         : person_update(r->db, &r->ar, &r->actor, &p, &v);
	}
	if (rc == KV_OK)
		rc = person_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	api_json(r, 200, person_json(&p));
}

static const char *const grant_fields[] = {"role", "unit_id", NULL};

void
api_person_grant(struct req *r)
{
	struct verrs v = {0};
	struct person p;
	json_t *b = api_body(r, grant_fields);
	const char *role;
	int64_t unit;
	int has, rv;
	enum kv_rc rc;
	if (b == NULL)
		return;
	role = jget_str(b, "role", &has, &v);
	rv = role_parse(role);
	if (rv < 0)
		verr_add(&v, "role", "is not a known role");
	unit = jget_id(b, "unit_id", &has, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = person_grant(r->db, &r->ar, &r->actor, r->pid, (enum role)rv, unit,
	                  &v);
	if (rc == KV_OK)
		rc = person_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	created(r, "/api/v1/people", p.id, person_json(&p));
}

void
api_person_revoke(struct req *r)
{
	int rv = role_parse(req_query(r, "role"));
	int64_t unit;
	enum kv_rc rc;
	if (rv < 0) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            "role must name a role.");
		return;
	}
	if (query_id(r, "unit_id", &unit) != 0)
		return;
	rc = person_revoke(r->db, &r->ar, &r->actor, r->pid, (enum role)rv,
	                   unit);
	if (rc == KV_CONFLICT) {
		api_problem(r, 409, "conflict", "Conflict",
		            "You cannot remove your own administrator role.");
		return;
	}
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	r->status = 204;
}

/* --- channels ------------------------------------------------------------ */

static const char *const channel_fields[] = {
    "platform",       "name",       "address",
    "unit_id",        "purpose",    "target_groups",
    "responsible_id", "editor_ids", "update_count",
    "update_period",  "status",     "opened_on",
    "closed_on",      NULL};

void
api_channel_overlay(json_t *b, struct channel *c, struct verrs *v)
{
	static const char *const strs[] = {
	    "platform",      "name",   "address",   "purpose",  "target_groups",
	    "update_period", "status", "opened_on", "closed_on"};
	const char **dst[] = {
	    &c->platform, &c->name,          &c->address,
	    &c->purpose,  &c->target_groups, &c->update_period,
	    &c->status,   &c->opened_on,     &c->closed_on};
	int has;
	int64_t x;

	for (size_t i = 0; i < ARRAY_LEN(strs); i++) {
		const char *s = jget_str(b, strs[i], &has, v);
		json_t *raw = json_object_get(b, strs[i]);
		/* only the two dates may be cleared with null */
		if (raw != NULL && json_is_null(raw) && i < 7 && i != 3 &&
		    i != 4) {
			verr_add(v, strs[i], "must not be null");
			continue;
		}
		if (has)
			*dst[i] = s;
	}
	x = jget_id(b, "unit_id", &has, v);
	if (has)
		c->unit_id = x;
	x = jget_id(b, "responsible_id", &has, v);
	if (has)
		c->responsible_id = x;
	x = jget_int(b, "update_count", &has, v);
	if (has)
		c->update_count = x;
	jget_ids(b, "editor_ids", c->editor_ids, KV_MAX_EDITORS, &c->neditors,
	         v);
}

void
api_channels_list(struct req *r)
{
	struct channel_filter f;
	struct channel *cs;
	int n;
	int64_t total;
	json_t *items;
	enum kv_rc rc;

	memset(&f, 0, sizeof(f));
	if (api_paging(r, &f.limit, &f.offset) != 0 ||
	    query_id(r, "unit_id", &f.unit_id) != 0)
		return;
	f.status = req_query(r, "status");
	f.platform = req_query(r, "platform");
	f.q = req_query(r, "q");
	if (!in_list(f.status, channel_statuses) ||
	    !in_list(f.platform, channel_platforms)) {
		api_problem(
		    r, 400, "bad-query", "Bad query parameter",
		    "status and platform must be one of the values in the "
		    "OpenAPI document.");
		return;
	}
	rc = channel_list(r->db, &r->ar, &r->actor, &f, &cs, &n, &total);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, channel_json(&cs[i]));
	list_answer(r, items, total, f.limit, f.offset);
}

void
api_channels_create(struct req *r)
{
	struct channel c;
	struct verrs v = {0};
	json_t *b = api_body(r, channel_fields);
	enum kv_rc rc;
	if (b == NULL)
		return;
	memset(&c, 0, sizeof(c));
	api_channel_overlay(b, &c, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = channel_create(r->db, &r->ar, &r->actor, &c, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	created(r, "/api/v1/channels", c.id, channel_json(&c));
}

void
api_channel_get(struct req *r)
{
	struct channel c;
	enum kv_rc rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, channel_json(&c));
}

void
api_channel_update(struct req *r)
{
	struct channel c;
	struct verrs v = {0};
	json_t *b;
	enum kv_rc rc;
	if ((b = api_body(r, channel_fields)) == NULL)
		return;
	rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc == KV_OK && !channel_can_edit(r->db, &r->actor, &c))
		rc = KV_FORBIDDEN;
	if (rc == KV_OK) {
		api_channel_overlay(b, &c, &v);
		rc = v.n ? KV_INVALID
		         : channel_update(r->db, &r->ar, &r->actor, &c, &v);
	}
	if (rc == KV_OK)
		rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	api_json(r, 200, channel_json(&c));
}

void
api_public_channels(struct req *r)
{
	struct channel *cs = NULL;
	int n = 0;
	json_t *items = json_array();
	if (r->has_org &&
	    channel_list_public(r->db, &r->ar, r->org.id, &cs, &n) != KV_OK) {
		json_decref(items);
		api_fail(r, KV_DBERR, NULL);
		return;
	}
	for (int i = 0; i < n; i++)
		json_array_append_new(
		    items,
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "platform",
		              cs[i].platform, "name", cs[i].name, "address",
		              cs[i].address, "unit", cs[i].unit_name, "purpose",
		              cs[i].purpose, "opened_on",
		              cs[i].opened_on ? json_string(cs[i].opened_on)
		                              : json_null()));
	req_add_header(r, "Access-Control-Allow-Origin", "*");
	api_json(r, 200,
	         json_pack("{s:s,s:o}", "organisation",
	                   r->has_org ? r->org.name : "", "items", items));
}

/* --- audit ---------------------------------------------------------------- */

void
api_audit_list(struct req *r)
{
	struct audit_row *rows;
	int n, limit, offset;
	int64_t oid, before;
	json_t *items;
	enum kv_rc rc;
	const char *otype = req_query(r, "object_type");

	if (req_query(r, "offset") != NULL) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            "The audit log pages with before=SEQ, not offset.");
		return;
	}
	if (api_paging(r, &limit, &offset) != 0 ||
	    query_id(r, "object_id", &oid) != 0 ||
	    query_id(r, "before", &before) != 0)
		return;
	rc = audit_list(r->db, &r->ar, &r->actor, otype, oid, before, limit,
	                &rows, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, audit_json(&rows[i]));
	api_json(r, 200,
	         json_pack("{s:o,s:o}", "items", items, "next_before",
	                   n == limit && n > 0 ? json_integer(rows[n - 1].seq)
	                                       : json_null()));
}
