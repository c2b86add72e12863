/*
 * api_inbox.c - the JSON API of the inbox (issue 5): list and read items
 * with their triage, assign, mark, note, reply through the platform,
 * remove with evidence (and download the police evidence pack), send to
 * the registry and record its journal reference, bulk actions, the triage
 * rules and a try-out of triage, the registry mailbox, and the live
 * change stream (Server-Sent Events).  Documented in assets/openapi.json.
 */
#include "web.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../inbox/inbox.h"
#include "../jobs/act.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* --- reading ----------------------------------------------------------------
 */

/* The inbox filter from the query; -1 after answering 400. */
int
inbox_query_filter(struct req *r, struct inbox_filter *f)
{
	const char *state = req_query(r, "state"), *cls = req_query(r, "class");
	const char *q = req_query(r, "q"), *mine = req_query(r, "mine");
	const char *overdue = req_query(r, "overdue");
	memset(f, 0, sizeof(*f));
	f->state = -1;
	f->cls = -1;
	if (query_id(r, "channel_id", &f->channel_id) != 0 ||
	    query_id(r, "unit_id", &f->unit_id) != 0 ||
	    query_id(r, "assignee_id", &f->assignee_id) != 0 ||
	    api_paging(r, &f->limit, &f->offset) != 0)
		return -1;
	if (state && *state && strcmp(state, "open") != 0) {
		f->state = strcmp(state, "all") == 0 ? IS__COUNT
		                                     : inbox_state_parse(state);
		if (f->state < 0) {
			api_problem(r, 400, "bad-query", "Bad query parameter",
			            "state must be open, all, new, assigned, "
			            "answered, no_answer, removed or registry");
			return -1;
		}
	}
	if (cls && *cls && (f->cls = triage_class_parse(cls)) < 0) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            "class must be a triage class (question, "
		            "factual_error, complaint, abuse, case_request, "
		            "personal_data, praise, other)");
		return -1;
	}
	if (q && *q) {
		if (strlen(q) > 500 || !utf8_valid_text(q, strlen(q), 0)) {
			api_problem(r, 400, "bad-query", "Bad query parameter",
			            "q must be at most 500 characters of text");
			return -1;
		}
		f->q = q;
	}
	f->mine = mine && strcmp(mine, "1") == 0;
	f->overdue = overdue && strcmp(overdue, "1") == 0;
	return 0;
}

void
api_inbox_list(struct req *r)
{
	struct inbox_filter f;
	struct inbox_row *rows = NULL;
	int n = 0;
	int64_t total = 0;
	json_t *items;
	enum kv_rc rc;
	if (inbox_query_filter(r, &f) != 0)
		return;
	rc = inbox_list(r->db, &r->ar, &r->actor, &f, &rows, &n, &total);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(
		    items, inbox_row_json(&rows[i], r->org.timezone));
	api_json(r, 200,
	         json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total",
	                   (json_int_t)total, "limit", f.limit, "offset",
	                   f.offset));
}

void
api_inbox_get(struct req *r)
{
	struct inbox_row row;
	json_t *j, *replies, *removals, *registry;
	enum kv_rc rc = inbox_get(r->db, &r->ar, &r->actor, r->pid, &row);
	if (rc == KV_OK)
		rc = act_history(r->db, &r->ar, &r->actor, r->pid, &replies,
		                 &removals, &registry);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	j = inbox_row_json(&row, r->org.timezone);
	json_object_set_new(j, "replies", replies);
	json_object_set_new(j, "removals", removals);
	json_object_set_new(j, "registry_sends", registry);
	api_json(r, 200, j);
}

/* Answers with the item as it is now (after a change). */
static void
answer_item(struct req *r, int status)
{
	struct inbox_row row;
	enum kv_rc rc = inbox_get(r->db, &r->ar, &r->actor, r->pid, &row);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, status, inbox_row_json(&row, r->org.timezone));
}

/* --- working an item
 * ------------------------------------------------------------ */

void
api_inbox_assign(struct req *r)
{
	static const char *const fields[] = {"person_id", NULL};
	struct verrs v = {0};
	int present;
	json_t *b = api_body(r, fields);
	int64_t pid;
	enum kv_rc rc;
	if (b == NULL)
		return;
	pid = jget_id(b, "person_id", &present, &v);
	if (!present)
		verr_add(&v, "person_id", "Is required (null unassigns)");
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = inbox_assign(r->db, &r->ar, &r->actor, r->pid, pid, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_item(r, 200);
}

/* Reads a mark from b (markItem and the bulk "mark"); 0 or -1 with v. */
static int
mark_from_json(json_t *b, struct inbox_mark *m, struct verrs *v)
{
	int present;
	const char *state, *outcome, *ground;
	json_t *classes = json_object_get(b, "classes"), *x;
	size_t i;
	memset(m, 0, sizeof(*m));
	m->state = -1;
	m->outcome = -1;
	m->hard = -1;
	m->topic_id = -1;
	state = jget_str(b, "state", &present, v);
	if (state && (m->state = inbox_state_parse(state)) < 0)
		verr_add(v, "state", "Must be new, answered or no_answer");
	m->reason = jget_str(b, "reason", &present, v);
	outcome = jget_str(b, "outcome", &present, v);
	if (outcome && (m->outcome = inbox_outcome_parse(outcome)) < 0)
		verr_add(v, "outcome",
		         "Must be answered, helped, referred, removed or "
		         "registry");
	if (classes != NULL) {
		if (!json_is_array(classes) || json_array_size(classes) > 8) {
			verr_add(v, "classes", "Must be an array of classes");
		} else {
			m->set_classes = 1;
			json_array_foreach(classes, i, x)
			{
				int c =
				    triage_class_parse(json_string_value(x));
				if (c < 0)
					verr_add(v, "classes",
					         "Has an unknown class");
				else
					m->classes |= 1u << c;
			}
		}
	}
	ground = jget_str(b, "ground", &present, v);
	if (ground && (m->ground = abuse_ground_parse(ground)) < 0)
		verr_add(v, "ground", "Must be one of the grounds for removal");
	if (json_object_get(b, "hard") != NULL) {
		x = json_object_get(b, "hard");
		if (!json_is_boolean(x))
			verr_add(v, "hard", "Must be true or false");
		else
			m->hard = json_is_true(x);
	}
	if (json_object_get(b, "topic_id") != NULL)
		m->topic_id = jget_id(b, "topic_id", &present, v);
	return v->n ? -1 : 0;
}

void
api_inbox_mark(struct req *r)
{
	static const char *const fields[] = {"state",    "reason", "outcome",
	                                     "classes",  "ground", "hard",
	                                     "topic_id", NULL};
	struct verrs v = {0};
	struct inbox_mark m;
	json_t *b = api_body(r, fields);
	enum kv_rc rc;
	if (b == NULL)
		return;
	if (mark_from_json(b, &m, &v) != 0) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = inbox_mark(r->db, &r->ar, &r->actor, r->pid, &m, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_item(r, 200);
}

void
api_inbox_note(struct req *r)
{
	static const char *const fields[] = {"text", NULL};
	struct verrs v = {0};
	int present;
	json_t *b = api_body(r, fields);
	const char *text;
	enum kv_rc rc;
	if (b == NULL)
		return;
	text = jget_str(b, "text", &present, &v);
	rc = v.n ? KV_INVALID
	         : inbox_note_add(r->db, &r->ar, &r->actor, r->pid, text, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_item(r, 201);
}

void
web_act_cfg(struct req *r, struct act_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->key_path = r->app->key_path;
	cfg->registry_dir = r->app->registry_dir;
	cfg->base_url = r->app->base_url;
	cfg->system_name = "kanalvakt";
}

static json_t *
outcome_json(const struct act_outcome *o)
{
	json_t *j = json_pack("{s:I,s:s}", "id", (json_int_t)o->id, "status",
	                      o->status);
	if (o->error[0])
		json_object_set_new(j, "error", json_string(o->error));
	if (o->platform_id[0])
		json_object_set_new(j, "platform_id",
		                    json_string(o->platform_id));
	if (o->url[0])
		json_object_set_new(j, "url", json_string(o->url));
	if (o->reference[0])
		json_object_set_new(j, "reference", json_string(o->reference));
	if (o->sha256[0])
		json_object_set_new(j, "sha256", json_string(o->sha256));
	if (o->reply_item_id)
		json_object_set_new(j, "reply_item_id",
		                    json_integer(o->reply_item_id));
	if (o->message[0])
		json_object_set_new(j, "message_to_sender",
		                    json_string(o->message));
	return j;
}

/* A platform that refused or failed: 502 with its words, and the row. */
static void
platform_failed(struct req *r, const struct act_outcome *o)
{
	json_t *j =
	    json_pack("{s:s,s:s,s:i,s:s}", "type", "/problems/platform",
	              "title", "The platform did not do it", "status", 502,
	              "detail", o->error[0] ? o->error : o->status);
	json_object_set_new(j, "outcome", outcome_json(o));
	api_json(r, 502, j);
	r->ctype = "application/problem+json";
}

/* Answers an action: 502 with the platform's words when it refused, the
 * domain's error, or 201 with the outcome. */
static void
act_answer(struct req *r, enum kv_rc rc, const struct act_outcome *o,
           const struct verrs *v)
{
	if (rc == KV_CONFLICT && o->status[0]) {
		platform_failed(r, o);
		return;
	}
	if (rc != KV_OK) {
		api_fail(r, rc, v);
		return;
	}
	api_json(r, 201, outcome_json(o));
}

void
api_inbox_reply(struct req *r)
{
	static const char *const fields[] = {"text", NULL};
	struct verrs v = {0};
	struct act_cfg cfg;
	struct act_outcome o;
	int present;
	json_t *b = api_body(r, fields);
	const char *text;
	enum kv_rc rc;
	if (b == NULL)
		return;
	text = jget_str(b, "text", &present, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	web_act_cfg(r, &cfg);
	rc = act_reply(r->db, &r->ar, &cfg, &r->actor, r->pid, text, &o, &v);
	act_answer(r, rc, &o, &v);
}

void
api_inbox_remove(struct req *r)
{
	static const char *const fields[] = {"action", "ground", "note", NULL};
	struct verrs v = {0};
	struct act_cfg cfg;
	struct act_outcome o;
	int present;
	json_t *b = api_body(r, fields);
	const char *action, *ground, *note;
	enum kv_rc rc;
	if (b == NULL)
		return;
	action = jget_str(b, "action", &present, &v);
	ground = jget_str(b, "ground", &present, &v);
	note = jget_str(b, "note", &present, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	web_act_cfg(r, &cfg);
	rc = act_remove(r->db, &r->ar, &cfg, &r->actor, r->pid,
	                action ? action : "hide", ground, note, &o, &v);
	act_answer(r, rc, &o, &v);
}

void
api_inbox_evidence(struct req *r)
{
	struct buf zip;
	const char *name = NULL;
	enum kv_rc rc;
	buf_init(&zip, 256u << 20);
	rc = act_evidence_pack(r->db, &r->ar, &r->actor, r->pid, &zip, &name);
	if (rc != KV_OK) {
		buf_cleanup(&zip);
		api_fail(r, rc, NULL);
		return;
	}
	r->status = 200;
	r->ctype = "application/zip";
	req_add_header(
	    r, "Content-Disposition",
	    arena_printf(&r->ar, "attachment; filename=\"%s\"", name));
	buf_add(&r->out, zip.p, zip.len);
	buf_cleanup(&zip);
}

void
api_inbox_registry(struct req *r)
{
	static const char *const fields[] = {"note", NULL};
	struct verrs v = {0};
	struct act_cfg cfg;
	struct act_outcome o;
	int present;
	json_t *b = api_body(r, fields);
	const char *note;
	enum kv_rc rc;
	if (b == NULL)
		return;
	note = jget_str(b, "note", &present, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	web_act_cfg(r, &cfg);
	rc = act_registry(r->db, &r->ar, &cfg, &r->actor, r->pid, note, &o, &v);
	act_answer(r, rc, &o, &v);
}

void
api_inbox_journal(struct req *r)
{
	static const char *const fields[] = {"journal_ref", NULL};
	struct verrs v = {0};
	int present;
	json_t *b = api_body(r, fields);
	const char *ref;
	enum kv_rc rc;
	if (b == NULL)
		return;
	ref = jget_str(b, "journal_ref", &present, &v);
	rc = v.n ? KV_INVALID
	         : act_registry_journal(r->db, &r->ar, &r->actor, r->pid, ref,
	                                &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	answer_item(r, 200);
}

/* --- bulk
 * ------------------------------------------------------------------------- */

#define BULK_MAX 200

void
api_inbox_bulk(struct req *r)
{
	static const char *const fields[] = {
	    "ids",     "action", "person_id", "state",    "reason", "outcome",
	    "classes", "ground", "hard",      "topic_id", NULL};
	struct verrs v = {0};
	int64_t ids[BULK_MAX];
	int n = 0, present, assign;
	json_t *b = api_body(r, fields), *results;
	const char *action;
	int64_t person = 0;
	struct inbox_mark m;
	if (b == NULL)
		return;
	jget_ids(b, "ids", ids, BULK_MAX, &n, &v);
	if (n == 0 && !v.n)
		verr_add(&v, "ids", "Needs at least one id");
	action = jget_str(b, "action", &present, &v);
	assign = action && strcmp(action, "assign") == 0;
	if (!action || (!assign && strcmp(action, "mark") != 0))
		verr_add(&v, "action", "Must be assign or mark");
	if (assign)
		person = jget_id(b, "person_id", &present, &v);
	else if (action)
		mark_from_json(b, &m, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	/* each item on its own: one that fails does not stop the others,
	 * and the answer says which did what */
	results = json_array();
	for (int i = 0; i < n; i++) {
		struct verrs iv = {0};
		enum kv_rc rc = assign ? inbox_assign(r->db, &r->ar, &r->actor,
		                                      ids[i], person, &iv)
		                       : inbox_mark(r->db, &r->ar, &r->actor,
		                                    ids[i], &m, &iv);
		json_t *o = json_pack("{s:I,s:b}", "id", (json_int_t)ids[i],
		                      "ok", rc == KV_OK);
		if (rc != KV_OK)
			json_object_set_new(
			    o, "error",
			    json_string(rc == KV_NOTFOUND    ? "not found"
			                : rc == KV_FORBIDDEN ? "forbidden"
			                : iv.n               ? iv.e[0].reason
			                                     : "failed"));
		json_array_append_new(results, o);
	}
	api_json(r, 200, json_pack("{s:o}", "results", results));
}

/* --- triage rules and a try-out
 * ---------------------------------------------------- */

void
api_triage_rules_list(struct req *r)
{
	struct triage_rule *rules = NULL;
	int n = 0;
	json_t *arr;
	enum kv_rc rc = triage_rule_list(r->db, &r->ar, &r->actor, &rules, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, triage_rule_json(&rules[i]));
	api_json(r, 200, json_pack("{s:o}", "rules", arr));
}

/* Reads a rule from b; 0 or -1 with v. */
static int
rule_from_json(json_t *b, struct triage_rule *t, struct verrs *v)
{
	int present;
	const char *cls, *ground, *kind;
	json_t *w, *en;
	memset(t, 0, sizeof(*t));
	t->enabled = 1;
	cls = jget_str(b, "class", &present, v);
	if (cls == NULL || (t->cls = triage_class_parse(cls)) < 0)
		verr_add(v, "class", "Must be a triage class");
	ground = jget_str(b, "ground", &present, v);
	if (ground && (t->ground = abuse_ground_parse(ground)) < 0)
		verr_add(v, "ground", "Must be one of the grounds for removal");
	t->lang = jget_str(b, "lang", &present, v);
	kind = jget_str(b, "kind", &present, v);
	if (kind == NULL || strcmp(kind, "keyword") == 0)
		t->kind = RULE_KEYWORD;
	else if (strcmp(kind, "pattern") == 0)
		t->kind = RULE_PATTERN;
	else
		verr_add(v, "kind", "Must be keyword or pattern");
	t->pattern = jget_str(b, "pattern", &present, v);
	w = json_object_get(b, "weight");
	if (w == NULL)
		t->weight = 1.0;
	else if (!json_is_number(w))
		verr_add(v, "weight", "Must be a number");
	else
		t->weight = json_number_value(w);
	en = json_object_get(b, "enabled");
	if (en != NULL) {
		if (!json_is_boolean(en))
			verr_add(v, "enabled", "Must be true or false");
		else
			t->enabled = json_is_true(en);
	}
	t->note = jget_str(b, "note", &present, v);
	return v->n ? -1 : 0;
}

static const char *const rule_fields[] = {"class",   "ground",  "lang",
                                          "kind",    "pattern", "weight",
                                          "enabled", "note",    NULL};

void
api_triage_rule_create(struct req *r)
{
	struct verrs v = {0};
	struct triage_rule t;
	json_t *b = api_body(r, rule_fields);
	enum kv_rc rc;
	if (b == NULL)
		return;
	if (rule_from_json(b, &t, &v) != 0) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = triage_rule_create(r->db, &r->ar, &r->actor, &t, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	api_json(r, 201, triage_rule_json(&t));
}

void
api_triage_rule_update(struct req *r)
{
	struct verrs v = {0};
	struct triage_rule t;
	json_t *b = api_body(r, rule_fields);
	enum kv_rc rc;
	if (b == NULL)
		return;
	if (rule_from_json(b, &t, &v) != 0) {
		api_invalid(r, 422, &v);
		return;
	}
	t.id = r->pid;
	rc = triage_rule_update(r->db, &r->ar, &r->actor, &t, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	api_json(r, 200, triage_rule_json(&t));
}

void
api_triage_rule_delete(struct req *r)
{
	enum kv_rc rc = triage_rule_delete(r->db, &r->ar, &r->actor, r->pid);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	r->status = 204;
}

void
api_triage_try(struct req *r)
{
	static const char *const fields[] = {"text", "lang", NULL};
	struct verrs v = {0};
	struct triage_result tr;
	const struct triage_engine *e;
	int present;
	json_t *b = api_body(r, fields);
	const char *text, *lang;
	if (b == NULL)
		return;
	text = jget_str(b, "text", &present, &v);
	lang = jget_str(b, "lang", &present, &v);
	if (text == NULL)
		verr_add(&v, "text", "Is required");
	else if (strlen(text) > TRIAGE_MAX_TEXT)
		verr_add(&v, "text", "Is too long");
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	e = inbox_engine_get(r->db, r->actor.org_id);
	if (e == NULL) {
		api_fail(r, KV_DBERR, NULL);
		return;
	}
	triage_run(e, text, strlen(text), lang, &tr);
	inbox_engine_put(e);
	api_json(r, 200, triage_result_json(&tr));
}

/* --- registry mailbox
 * ----------------------------------------------------------------- */

void
api_registry_get(struct req *r)
{
	const char *mb;
	enum kv_rc rc = registry_mailbox_get(r->db, &r->ar, &r->actor, &mb);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200,
	         json_pack("{s:s,s:b}", "mailbox", mb, "directory",
	                   r->app->registry_dir != NULL &&
	                       r->app->registry_dir[0] != '\0'));
}

void
api_registry_put(struct req *r)
{
	static const char *const fields[] = {"mailbox", NULL};
	struct verrs v = {0};
	int present;
	json_t *b = api_body(r, fields);
	const char *mb;
	enum kv_rc rc;
	if (b == NULL)
		return;
	mb = jget_str(b, "mailbox", &present, &v);
	rc = v.n ? KV_INVALID
	         : registry_mailbox_set(r->db, &r->ar, &r->actor, mb, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	api_registry_get(r);
}

/* --- live changes (Server-Sent Events)
 * ------------------------------------------------ */

#define SSE_MAX 200

/* GET /api/v1/inbox/events (and /inbox/events for the UI): the changes
 * after Last-Event-ID (or ?after=) as `event: change` lines with the
 * change's JSON, then the stream ends with a `retry:` hint; EventSource
 * reconnects by itself and sends the last id.  Each answer is short, so
 * no server thread waits on a client, and any process of a cluster can
 * answer (the change log is in the database).  A client starting
 * without an id gets only the current position. */
void
api_inbox_events(struct req *r)
{
	struct inbox_change *ch = NULL;
	const char *last = req_header(r, "Last-Event-ID");
	int64_t after = -1, head = 0;
	int n = 0;
	enum kv_rc rc;
	if (last == NULL || *last == '\0')
		last = req_query(r, "after");
	if (last && *last && (parse_i64(last, &after) != 0 || after < 0)) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            "Last-Event-ID must be a change number");
		return;
	}
	rc = inbox_changes(r->db, &r->ar, &r->actor, after < 0 ? 0 : after,
	                   after < 0 ? 0 : SSE_MAX, &ch, &n, &head);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	r->status = 200;
	r->ctype = "text/event-stream; charset=utf-8";
	req_add_header(r, "Cache-Control", "no-store");
	buf_adds(&r->out, "retry: 3000\n\n");
	if (after < 0) {
		buf_printf(&r->out,
		           "id: %" PRId64 "\nevent: hello\ndata: {}\n\n", head);
		return;
	}
	for (int i = 0; i < n; i++) {
		char iso[32];
		json_t *j =
		    json_pack("{s:I,s:I,s:s,s:s}", "seq", (json_int_t)ch[i].seq,
		              "item_id", (json_int_t)ch[i].item_id, "kind",
		              ch[i].kind, "at", time_fmt_iso(ch[i].at, iso));
		char *s = json_dumps(j, JSON_COMPACT);
		buf_printf(&r->out,
		           "id: %" PRId64 "\nevent: change\ndata: %s\n\n",
		           ch[i].seq, s ? s : "{}");
		free(s);
		json_decref(j);
	}
	if (n == 0)
		buf_printf(&r->out, "id: %" PRId64 "\n: nothing new\n\n",
		           after > head ? head : after);
}
