/*
 * api_inbox_settings.c - the JSON API of the inbox's settings (issue 5):
 * saved replies per language and unit, topics with their keywords and
 * the people with the competence, the organisation's inbox policy (SLA
 * mode, business hours, days off, escalation) and each channel's reply
 * signature rule.  The domain (src/inbox) decides who may change what;
 * these handlers read the body, call it and answer.  Documented in
 * assets/openapi.json (tag "inbox").
 */
#include "inbox_web.h"
#include "../base/util.h"
#include "../text/lang.h"

#include <string.h>

/* At most this many people per topic (the domain's cap). */
#define TOPIC_PEOPLE_MAX 200

/* --- saved replies
 * ----------------------------------------------------------- */

void
api_saved_replies_list(struct req *r)
{
	const char *lang = req_query(r, "lang");
	struct saved_reply *rs = NULL;
	int64_t unit_id = 0;
	int n = 0;
	json_t *arr;
	enum kv_rc rc;
	if (query_id(r, "unit_id", &unit_id) != 0)
		return;
	if (lang && *lang && lang_parse(lang) < 0) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            "lang must be nb, nn, sv, da or en");
		return;
	}
	rc = saved_reply_list(
	    r->db, &r->ar, &r->actor,
	    lang && *lang ? lang_name((enum lang_code)lang_parse(lang)) : NULL,
	    unit_id, &rs, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, saved_reply_json(&rs[i]));
	api_json(r, 200, json_pack("{s:o}", "replies", arr));
}

enum kv_rc
iw_reply_find(struct req *r, int64_t id, struct saved_reply *out)
{
	struct saved_reply *rs = NULL;
	int n = 0;
	enum kv_rc rc =
	    saved_reply_list(r->db, &r->ar, &r->actor, NULL, 0, &rs, &n);
	if (rc != KV_OK)
		return rc;
	for (int i = 0; i < n; i++)
		if (rs[i].id == id) {
			*out = rs[i];
			return KV_OK;
		}
	return KV_NOTFOUND;
}

static const char *const reply_fields[] = {"lang", "title", "body", "unit_id",
                                           NULL};

/* Reads a saved reply from b; 0 or -1 with v. */
static int
reply_from_json(json_t *b, struct saved_reply *s, struct verrs *v)
{
	int present;
	memset(s, 0, sizeof(*s));
	s->lang = jget_str(b, "lang", &present, v);
	s->title = jget_str(b, "title", &present, v);
	s->body = jget_str(b, "body", &present, v);
	s->unit_id = jget_id(b, "unit_id", &present, v);
	return v->n ? -1 : 0;
}

/* createSavedReply and updateSavedReply (r->pid). */
static void
reply_save(struct req *r, int create)
{
	struct verrs v = {0};
	struct saved_reply s;
	json_t *b = api_body(r, reply_fields);
	enum kv_rc rc;
	if (b == NULL)
		return;
	if (reply_from_json(b, &s, &v) != 0) {
		api_invalid(r, 422, &v);
		return;
	}
	s.id = r->pid;
	rc = create ? saved_reply_create(r->db, &r->ar, &r->actor, &s, &v)
	            : saved_reply_update(r->db, &r->ar, &r->actor, &s, &v);
	if (rc == KV_OK)
		rc = iw_reply_find(r, s.id, &s);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	if (create)
		req_add_header(r, "Location",
		               arena_printf(&r->ar,
		                            "/api/v1/saved-replies/%lld",
		                            (long long)s.id));
	api_json(r, create ? 201 : 200, saved_reply_json(&s));
}

void
api_saved_reply_create(struct req *r)
{
	reply_save(r, 1);
}

void
api_saved_reply_update(struct req *r)
{
	reply_save(r, 0);
}

void
api_saved_reply_delete(struct req *r)
{
	enum kv_rc rc = saved_reply_delete(r->db, &r->ar, &r->actor, r->pid);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	r->status = 204;
}

/* --- topics and competence
 * --------------------------------------------------- */

enum kv_rc
iw_topic_find(struct req *r, int64_t id, struct inbox_topic *out)
{
	struct inbox_topic *ts = NULL;
	int n = 0;
	enum kv_rc rc = inbox_topic_list(r->db, &r->ar, &r->actor, &ts, &n);
	if (rc != KV_OK)
		return rc;
	for (int i = 0; i < n; i++)
		if (ts[i].id == id) {
			*out = ts[i];
			return KV_OK;
		}
	return KV_NOTFOUND;
}

enum kv_rc
iw_topic_save(struct req *r, struct inbox_topic *t, const int64_t *people,
              int npeople, struct verrs *v)
{
	enum kv_rc rc;
	/* one transaction: a topic is never left half saved (the domain's
	 * own transactions join this one) */
	if (db_begin(r->db) != 0)
		return KV_DBERR;
	rc = t->id == 0 ? inbox_topic_create(r->db, &r->ar, &r->actor, t, v)
	                : inbox_topic_update(r->db, &r->ar, &r->actor, t, v);
	if (rc == KV_OK && people != NULL)
		rc = inbox_topic_set_people(r->db, &r->ar, &r->actor, t->id,
		                            people, npeople, v);
	if (rc != KV_OK) {
		db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db) == 0 ? KV_OK : KV_DBERR;
}

void
api_topics_list(struct req *r)
{
	struct inbox_topic *ts = NULL;
	int n = 0;
	json_t *arr;
	enum kv_rc rc = inbox_topic_list(r->db, &r->ar, &r->actor, &ts, &n);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, inbox_topic_json(&ts[i]));
	api_json(r, 200, json_pack("{s:o}", "topics", arr));
}

/* createTopic (r->pid 0) and updateTopic. */
static void
topic_save(struct req *r, int64_t id)
{
	static const char *const fields[] = {"name", "keywords", "people",
	                                     NULL};
	struct verrs v = {0};
	struct inbox_topic t;
	int64_t *people =
	    arena_alloc(&r->ar, sizeof(int64_t) * TOPIC_PEOPLE_MAX);
	int present, np = 0, has_people;
	json_t *b = api_body(r, fields);
	enum kv_rc rc;
	if (b == NULL)
		return;
	memset(&t, 0, sizeof(t));
	t.id = id;
	t.name = jget_str(b, "name", &present, &v);
	t.keywords = jget_str(b, "keywords", &present, &v);
	has_people = jget_ids(b, "people", people, TOPIC_PEOPLE_MAX, &np, &v);
	if (v.n) {
		api_invalid(r, 422, &v);
		return;
	}
	rc = iw_topic_save(r, &t, has_people ? people : NULL, np, &v);
	if (rc == KV_OK)
		rc = iw_topic_find(r, t.id, &t);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	if (id == 0)
		req_add_header(r, "Location",
		               arena_printf(&r->ar, "/api/v1/topics/%lld",
		                            (long long)t.id));
	api_json(r, id == 0 ? 201 : 200, inbox_topic_json(&t));
}

void
api_topic_create(struct req *r)
{
	topic_save(r, 0);
}

void
api_topic_update(struct req *r)
{
	topic_save(r, r->pid);
}

void
api_topic_delete(struct req *r)
{
	enum kv_rc rc = inbox_topic_delete(r->db, &r->ar, &r->actor, r->pid);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	r->status = 204;
}

/* --- the policy
 * --------------------------------------------------------------- */

void
api_inbox_policy_get(struct req *r)
{
	struct inbox_policy p;
	enum kv_rc rc = inbox_policy_get(r->db, &r->ar, &r->actor, &p);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200, inbox_policy_json(&p));
}

/* A whole number field of b over *cur when present (kept when absent);
 * beyond ±1000000 is an error here, before it could wrap in an int. */
static void
int_over(json_t *b, const char *k, int *cur, struct verrs *v)
{
	int present;
	int64_t x = jget_int(b, k, &present, v);
	if (!present || verr_for(v, k))
		return;
	if (x < -1000000 || x > 1000000)
		verr_add(v, k, "is out of range");
	else
		*cur = (int)x;
}

void
api_inbox_policy_put(struct req *r)
{
	static const char *const fields[] = {
	    "mode",     "open_hour",          "close_hour",
	    "days_off", "escalate_after_min", "comms_unit_id",
	    NULL};
	struct verrs v = {0};
	struct inbox_policy p;
	int present;
	const char *s;
	int64_t unit;
	json_t *b = api_body(r, fields);
	enum kv_rc rc;
	if (b == NULL)
		return;
	/* fields left out keep their value */
	rc = inbox_policy_get(r->db, &r->ar, &r->actor, &p);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	s = jget_str(b, "mode", &present, &v);
	if (present)
		p.mode = s;
	s = jget_str(b, "days_off", &present, &v);
	if (present)
		p.days_off = s;
	int_over(b, "open_hour", &p.open_hour, &v);
	int_over(b, "close_hour", &p.close_hour, &v);
	int_over(b, "escalate_after_min", &p.escalate_after_min, &v);
	unit = jget_id(b, "comms_unit_id", &present, &v);
	if (present)
		p.comms_unit_id = unit;
	rc = v.n ? KV_INVALID
	         : inbox_policy_set(r->db, &r->ar, &r->actor, &p, &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	api_inbox_policy_get(r);
}

/* --- a channel's reply signature
 * ---------------------------------------------- */

void
api_reply_rule_get(struct req *r)
{
	const char *sig = NULL, *example = "";
	enum kv_rc rc =
	    inbox_reply_rule_get(r->db, &r->ar, &r->actor, r->pid, &sig);
	if (rc == KV_OK)
		rc = inbox_reply_signature(r->db, &r->ar, &r->actor, r->pid,
		                           &example);
	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	api_json(r, 200,
	         json_pack("{s:I,s:s,s:s}", "channel_id", (json_int_t)r->pid,
	                   "signature", sig, "example", example));
}

void
api_reply_rule_put(struct req *r)
{
	static const char *const fields[] = {"signature", NULL};
	struct verrs v = {0};
	int present;
	json_t *b = api_body(r, fields);
	const char *sig;
	enum kv_rc rc;
	if (b == NULL)
		return;
	sig = jget_str(b, "signature", &present, &v);
	rc = v.n ? KV_INVALID
	         : inbox_reply_rule_set(r->db, &r->ar, &r->actor, r->pid, sig,
	                                &v);
	if (rc != KV_OK) {
		api_fail(r, rc, &v);
		return;
	}
	api_reply_rule_get(r);
}
