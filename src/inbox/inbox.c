/*
 * inbox.c - the work on inbox items (inbox.h "the work", "the change
 * log", "reports"): listing and reading what the actor may see,
 * assigning, marking, notes, what the action layer records, the change
 * log the live updates read, the report counts, and the JSON of each.
 *
 * Every write runs in one transaction with its audit row and a change
 * log row.  Writes that two moderators may make at once (assign, mark,
 * record an action) update the row only at the version they read
 * ("... AND version = ?"), so the second of two colliding writes finds
 * no row and answers KV_CONFLICT instead of overwriting.
 */
#include "inbox_int.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../base/xmem.h"
#include "../domain/alerts.h"
#include "../domain/valid.h"
#include "../text/stem.h"

#include <stdlib.h>
#include <string.h>

/* --- reading -----------------------------------------------------------------
 */

#define IB_COLS                                                                \
	"i.id, i.channel_id, c.name, i.platform, i.platform_id, i.type, "      \
	"i.parent_platform_id, i.thread_platform_id, i.author_id, "            \
	"i.author_handle, i.author_name, i.url, i.lang, v.text, v.html, "      \
	"i.inbound, i.hidden, i.current_version, i.created_at, "               \
	"i.first_seen_at, i.last_seen_at, COALESCE(i.edited_at, 0), "          \
	"COALESCE(i.deleted_seen_at, 0), b.unit_id, u.name, "                  \
	"COALESCE(b.assignee_id, 0), pa.full_name, COALESCE(b.topic_id, 0), "  \
	"t.name, b.state, b.classes, b.ground, b.needs_answer, b.hard, "       \
	"b.hard_reason, b.escalation, b.outcome, b.shown_at, b.due_at, "       \
	"COALESCE(b.answered_at, 0), COALESCE(b.answered_by, 0), "             \
	"b.no_answer_reason, b.journal_ref, b.triage_json, b.version, "        \
	"b.updated_at, b.lang"
/* the units where the actor holds any role, with their sub-units; the
 * units under the filter's unit */
#define IB_SCOPE                                                               \
	"WITH RECURSIVE scope(id) AS (SELECT unit_id FROM role_grants WHERE "  \
	"person_id = ? AND unit_id IS NOT NULL UNION SELECT x.id FROM units "  \
	"x JOIN scope s ON x.parent_id = s.id), sub(id) AS (SELECT CAST(? AS " \
	"BIGINT) UNION SELECT x.id FROM units x JOIN sub s ON x.parent_id = "  \
	"s.id) "
#define IB_FROM                                                                \
	" FROM inbox b JOIN items i ON i.id = b.item_id JOIN channels c ON "   \
	"c.id = b.channel_id JOIN item_versions v ON v.item_id = i.id AND "    \
	"v.version = i.current_version JOIN units u ON u.id = b.unit_id LEFT " \
	"JOIN people pa ON pa.id = b.assignee_id LEFT JOIN topics t ON t.id "  \
	"= b.topic_id"
#define IB_VISIBLE                                                             \
	" WHERE b.org_id = ? AND (? = 1 OR c.unit_id IN (SELECT id FROM "      \
	"scope) OR c.responsible_id = ? OR b.assignee_id = ? OR EXISTS "       \
	"(SELECT 1 FROM channel_editors e WHERE e.channel_id = c.id AND "      \
	"e.person_id = ?))"
#define IB_WHERE                                                               \
	IB_VISIBLE                                                             \
	" AND (CAST(? AS BIGINT) = 0 OR b.channel_id = ?) AND (CAST(? AS "     \
	"BIGINT) = 0 OR b.unit_id IN (SELECT id FROM sub)) AND (CAST(? AS "    \
	"BIGINT) = 0 OR b.assignee_id = ?) AND (? = '' OR b.state = ?) AND "   \
	"(? = 0 OR b.state IN ('new', 'assigned')) AND (CAST(? AS BIGINT) = "  \
	"0 OR (b.classes & ?) <> 0) AND (? = 0 OR (b.state IN ('new', "        \
	"'assigned') AND b.needs_answer = 1 AND b.due_at < ?))"
#define IB_ORDER                                                               \
	" ORDER BY CASE WHEN b.state IN ('new', 'assigned') THEN 0 ELSE 1 "    \
	"END, CASE WHEN b.state IN ('new', 'assigned') THEN b.due_at ELSE 0 "  \
	"END, b.shown_at DESC, b.item_id DESC LIMIT ? OFFSET ?"

/* Binds the scope, visibility and filter values from index 1; returns
 * the next index. */
static int
bind_filter(struct db_stmt *st, const struct actor *a,
            const struct inbox_filter *f)
{
	int64_t assignee = f->mine ? a->person_id : f->assignee_id;
	const char *state = "";
	int64_t open = 0, cls = 0, now = f->now ? f->now : time_now();
	int i = 1;

	if (f->state == -1)
		open = 1;
	else if (f->state >= 0 && f->state < IS__COUNT)
		state = inbox_state_name(f->state);
	if (f->cls >= 0 && f->cls < TC__COUNT)
		cls = (int64_t)1 << f->cls;
	if (f->mine && a->person_id == 0)
		assignee = -1; /* the system has no items of its own */
	db_bind_i64(st, i++, a->person_id);
	db_bind_i64(st, i++, f->unit_id);
	db_bind_i64(st, i++, a->org_id);
	db_bind_i64(st, i++, inbox_sees_all(a));
	db_bind_i64(st, i++, a->person_id);
	db_bind_i64(st, i++, a->person_id);
	db_bind_i64(st, i++, a->person_id);
	db_bind_i64(st, i++, f->channel_id);
	db_bind_i64(st, i++, f->channel_id);
	db_bind_i64(st, i++, f->unit_id);
	db_bind_i64(st, i++, assignee);
	db_bind_i64(st, i++, assignee);
	db_bind_text(st, i++, state);
	db_bind_text(st, i++, state);
	db_bind_i64(st, i++, open);
	db_bind_i64(st, i++, cls);
	db_bind_i64(st, i++, cls);
	db_bind_i64(st, i++, f->overdue ? 1 : 0);
	db_bind_i64(st, i++, now);
	return i;
}

static const char *
dup(struct arena *ar, struct db_stmt *st, int col)
{
	return arena_strdup(ar, db_col_text(st, col));
}

static void
read_row(struct db_stmt *st, struct arena *ar, struct inbox_row *r)
{
	struct capture_row *it = &r->item;
	const char *s;
	memset(r, 0, sizeof(*r));
	it->id = db_col_i64(st, 0);
	it->channel_id = db_col_i64(st, 1);
	it->channel_name = dup(ar, st, 2);
	it->platform = dup(ar, st, 3);
	it->platform_id = dup(ar, st, 4);
	it->type = dup(ar, st, 5);
	it->parent_platform_id = dup(ar, st, 6);
	it->thread_platform_id = dup(ar, st, 7);
	it->author_id = dup(ar, st, 8);
	it->author_handle = dup(ar, st, 9);
	it->author_name = dup(ar, st, 10);
	it->url = dup(ar, st, 11);
	it->lang = dup(ar, st, 12);
	it->text = dup(ar, st, 13);
	it->html = dup(ar, st, 14);
	it->inbound = (int)db_col_i64(st, 15);
	it->hidden = (int)db_col_i64(st, 16);
	it->current_version = (int)db_col_i64(st, 17);
	it->created_at = db_col_i64(st, 18);
	it->first_seen_at = db_col_i64(st, 19);
	it->last_seen_at = db_col_i64(st, 20);
	it->edited_at = db_col_i64(st, 21);
	it->deleted_seen_at = db_col_i64(st, 22);
	r->unit_id = db_col_i64(st, 23);
	r->unit_name = dup(ar, st, 24);
	r->assignee_id = db_col_i64(st, 25);
	r->assignee_name = dup(ar, st, 26);
	r->topic_id = db_col_i64(st, 27);
	r->topic_name = dup(ar, st, 28);
	r->state = inbox_state_parse(db_col_text(st, 29));
	r->classes = (unsigned)db_col_i64(st, 30);
	s = db_col_text(st, 31);
	r->ground = s ? abuse_ground_parse(s) : AG_NONE;
	if (r->ground < 0)
		r->ground = AG_NONE;
	r->needs_answer = (int)db_col_i64(st, 32);
	r->hard = (int)db_col_i64(st, 33);
	r->hard_reason = dup(ar, st, 34);
	r->escalation = (int)db_col_i64(st, 35);
	r->outcome = inbox_outcome_parse(db_col_text(st, 36));
	r->shown_at = db_col_i64(st, 37);
	r->due_at = db_col_i64(st, 38);
	r->answered_at = db_col_i64(st, 39);
	r->answered_by = db_col_i64(st, 40);
	r->no_answer_reason = dup(ar, st, 41);
	r->journal_ref = dup(ar, st, 42);
	r->triage_json = dup(ar, st, 43);
	r->version = db_col_i64(st, 44);
	r->updated_at = db_col_i64(st, 45);
	r->lang = dup(ar, st, 46);
}

enum kv_rc
inbox_list(struct db *db, struct arena *ar, const struct actor *a,
           const struct inbox_filter *f, struct inbox_row **out, int *n,
           int64_t *total)
{
	struct stem_query q;
	struct db_stmt *st;
	int limit = f->limit < 1 || f->limit > 500 ? 50 : f->limit;
	int i, rc, has_q = 0;

	*out = NULL;
	*n = 0;
	*total = 0;
	memset(&q, 0, sizeof(q));
	if (f->q != NULL && *f->q != '\0') {
		if (!stem_query_parse(f->q, &q))
			return KV_OK; /* a query without words finds nothing */
		has_q = 1;
	}
	for (int pass = 0; pass < 2; pass++) {
		if (!has_q && pass == 0)
			st = db_prepare(db, IB_SCOPE
			                "SELECT COUNT(*)" IB_FROM IB_WHERE);
		else if (!has_q)
			st = db_prepare(
			    db, IB_SCOPE
			    "SELECT " IB_COLS IB_FROM IB_WHERE IB_ORDER);
		else if (db_kind(db) == DB_SQLITE && pass == 0)
			st = db_prepare(
			    db, IB_SCOPE
			    "SELECT COUNT(*)" IB_FROM IB_WHERE
			    " AND i.id IN (SELECT rowid FROM items_fts "
			    "WHERE items_fts MATCH ?)");
		else if (db_kind(db) == DB_SQLITE)
			st = db_prepare(
			    db, IB_SCOPE
			    "SELECT " IB_COLS IB_FROM IB_WHERE
			    " AND i.id IN (SELECT rowid FROM items_fts "
			    "WHERE items_fts MATCH ?)" IB_ORDER);
		else if (pass == 0)
			st = db_prepare(
			    db,
			    IB_SCOPE "SELECT COUNT(*)" IB_FROM IB_WHERE
			             " AND to_tsvector('simple', "
			             "i.search_stems) @@ to_tsquery('simple', "
			             "?)");
		else
			st = db_prepare(
			    db,
			    IB_SCOPE "SELECT " IB_COLS IB_FROM IB_WHERE
			             " AND to_tsvector('simple', "
			             "i.search_stems) @@ to_tsquery('simple', "
			             "?)" IB_ORDER);
		if (st == NULL)
			goto fail;
		i = bind_filter(st, a, f);
		if (has_q)
			db_bind_text(st, i++,
			             db_kind(db) == DB_SQLITE ? q.fts5
			                                      : q.tsquery);
		if (pass == 0) {
			if (db_step(st) != DB_ROW) {
				db_finalize(st);
				goto fail;
			}
			*total = db_col_i64(st, 0);
			db_finalize(st);
			continue;
		}
		db_bind_i64(st, i++, limit);
		db_bind_i64(st, i, f->offset > 0 ? f->offset : 0);
		*out = arena_alloc(ar, sizeof(**out) * (size_t)limit);
		while ((rc = db_step(st)) == DB_ROW && *n < limit)
			read_row(st, ar, &(*out)[(*n)++]);
		db_finalize(st);
		if (rc < 0)
			goto fail;
	}
	stem_query_free(&q);
	return KV_OK;
fail:
	stem_query_free(&q);
	return KV_DBERR;
}

enum kv_rc
inbox_get(struct db *db, struct arena *ar, const struct actor *a,
          int64_t item_id, struct inbox_row *out)
{
	struct inbox_filter f;
	struct db_stmt *st;
	int i, rc;

	memset(&f, 0, sizeof(f));
	f.state = IS__COUNT;
	f.cls = -1;
	st = db_prepare(db, IB_SCOPE "SELECT " IB_COLS IB_FROM IB_WHERE
	                             " AND b.item_id = ?");
	if (st == NULL)
		return KV_DBERR;
	i = bind_filter(st, a, &f);
	db_bind_i64(st, i, item_id);
	rc = db_step(st);
	if (rc == DB_ROW)
		read_row(st, ar, out);
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	return KV_OK;
}

enum kv_rc
inbox_work_get(struct db *db, struct arena *ar, const struct actor *a,
               int64_t item_id, struct inbox_row *out)
{
	enum kv_rc rc = inbox_get(db, ar, a, item_id, out);
	if (rc != KV_OK)
		return rc;
	return inbox_may_work(db, a, out->item.channel_id, out->assignee_id)
	           ? KV_OK
	           : KV_FORBIDDEN;
}

/* --- JSON --------------------------------------------------------------------
 */

static json_t *
classes_json(unsigned classes)
{
	json_t *arr = json_array();
	for (int c = 0; c < TC__COUNT; c++)
		if (classes & (1u << c))
			json_array_append_new(
			    arr, json_string(triage_class_name(c)));
	return arr;
}

json_t *
inbox_row_json(const struct inbox_row *r, const char *tz)
{
	json_t *o = json_object();
	json_t *tj =
	    r->triage_json ? json_loads(r->triage_json, 0, NULL) : NULL;
	const char *g = abuse_ground_name(r->ground);
	json_object_set_new(o, "item_id", json_integer(r->item.id));
	json_object_set_new(o, "item", capture_row_json(&r->item));
	json_object_set_new(o, "unit_id", json_integer(r->unit_id));
	json_object_set_new(o, "unit_name", inbox_json_str(r->unit_name));
	json_object_set_new(o, "assignee_id", inbox_json_id(r->assignee_id));
	json_object_set_new(o, "assignee_name",
	                    inbox_json_str(r->assignee_name));
	json_object_set_new(o, "topic_id", inbox_json_id(r->topic_id));
	json_object_set_new(o, "topic_name", inbox_json_str(r->topic_name));
	json_object_set_new(o, "state",
	                    inbox_json_str(inbox_state_name(r->state)));
	json_object_set_new(o, "classes", classes_json(r->classes));
	json_object_set_new(o, "abuse_ground", inbox_json_str(g));
	json_object_set_new(o, "lang", inbox_json_str(r->lang));
	json_object_set_new(o, "needs_answer", json_boolean(r->needs_answer));
	json_object_set_new(o, "hard", json_boolean(r->hard));
	json_object_set_new(o, "hard_reason", inbox_json_str(r->hard_reason));
	json_object_set_new(o, "escalation", json_integer(r->escalation));
	json_object_set_new(o, "outcome",
	                    r->outcome > IO_NONE
	                        ? inbox_json_str(inbox_outcome_name(r->outcome))
	                        : json_null());
	json_object_set_new(o, "shown_at", inbox_json_time(r->shown_at));
	json_object_set_new(o, "shown_at_local",
	                    inbox_json_local(tz, r->shown_at));
	json_object_set_new(o, "due_at", inbox_json_time(r->due_at));
	json_object_set_new(o, "due_at_local", inbox_json_local(tz, r->due_at));
	json_object_set_new(o, "answered_at", inbox_json_time(r->answered_at));
	json_object_set_new(o, "answered_by", inbox_json_id(r->answered_by));
	json_object_set_new(o, "response_seconds",
	                    r->answered_at
	                        ? json_integer(r->answered_at - r->shown_at)
	                        : json_null());
	json_object_set_new(o, "no_answer_reason",
	                    inbox_json_str(r->no_answer_reason));
	json_object_set_new(o, "journal_ref", inbox_json_str(r->journal_ref));
	json_object_set_new(o, "triage", tj ? tj : json_null());
	json_object_set_new(o, "version", json_integer(r->version));
	json_object_set_new(o, "updated_at", inbox_json_time(r->updated_at));
	return o;
}

/* What the audit log keeps of a row: its work state, not the text. */
static json_t *
row_audit_json(const struct inbox_row *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "state",
	                    inbox_json_str(inbox_state_name(r->state)));
	json_object_set_new(o, "assignee_id", json_integer(r->assignee_id));
	json_object_set_new(o, "topic_id", json_integer(r->topic_id));
	json_object_set_new(o, "classes", classes_json(r->classes));
	json_object_set_new(o, "abuse_ground",
	                    inbox_json_str(abuse_ground_name(r->ground)));
	json_object_set_new(o, "needs_answer", json_boolean(r->needs_answer));
	json_object_set_new(o, "hard", json_boolean(r->hard));
	json_object_set_new(o, "outcome",
	                    inbox_json_str(inbox_outcome_name(r->outcome)));
	json_object_set_new(o, "no_answer_reason",
	                    inbox_json_str(r->no_answer_reason));
	json_object_set_new(o, "journal_ref", inbox_json_str(r->journal_ref));
	json_object_set_new(o, "version", json_integer(r->version));
	return o;
}

/* --- writes ------------------------------------------------------------------
 */

/* Writes r's work fields at version r->version - 1 (the caller bumped
 * it).  0 written, 1 the row moved on (conflict), -1 error. */
static int
store_row(struct db *db, const struct inbox_row *r, int64_t now)
{
	if (db_run(db,
	           "UPDATE inbox SET state = ?, assignee_id = ?, topic_id = ?, "
	           "classes = ?, ground = ?, needs_answer = ?, hard = ?, "
	           "hard_reason = ?, outcome = ?, answered_at = ?, "
	           "answered_by = ?, no_answer_reason = ?, journal_ref = ?, "
	           "escalation = ?, version = ?, updated_at = ? WHERE item_id "
	           "= ? AND version = ?",
	           "tjjitiittjjttiiiii", inbox_state_name(r->state),
	           r->assignee_id, r->topic_id, (int64_t)r->classes,
	           abuse_ground_name(r->ground), (int64_t)r->needs_answer,
	           (int64_t)r->hard, r->hard_reason,
	           inbox_outcome_name(r->outcome < 0 ? IO_NONE : r->outcome),
	           r->answered_at, r->answered_by, r->no_answer_reason,
	           r->journal_ref, (int64_t)r->escalation, r->version, now,
	           r->item.id, r->version - 1) != 0)
		return -1;
	return db_changes(db) == 1 ? 0 : 1;
}

static enum kv_rc
conflict(struct db *db, struct verrs *v)
{
	db_rollback(db);
	verr_add(v, "version", "was changed by someone else; reload");
	return KV_CONFLICT;
}

/* The notification an assignee gets (alerts.h texts: {1} channel, {2}
 * who assigned, {3} the start of the text). */
static const struct alert_text assigned_text[] = {
    {"nb", "Til deg i innboksen: {1}",
     "{2} har gitt deg en henvendelse på {1}:\n\n«{3}»"},
    {"nn", "Til deg i innboksen: {1}",
     "{2} har gjeve deg ein førespurnad på {1}:\n\n«{3}»"},
    {"sv", "Till dig i inkorgen: {1}",
     "{2} har gett dig ett ärende på {1}:\n\n”{3}”"},
    {"en", "Assigned to you in the inbox: {1}",
     "{2} assigned you an item on {1}:\n\n“{3}”"},
    {NULL, NULL, NULL}};

/* The first ~140 bytes of s, cut at a character boundary (arena). */
static const char *
excerpt(struct arena *ar, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n <= 140)
		return s ? s : "";
	n = 140;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return arena_printf(ar, "%.*s…", (int)n, s);
}

int
inbox_notify_assignee(struct db *db, struct arena *ar, int64_t org_id,
                      const struct inbox_row *r, int64_t person_id,
                      const char *by)
{
	const char *key = arena_printf(
	    ar, "inbox_assigned:%lld:%lld:%lld", (long long)r->item.id,
	    (long long)person_id, (long long)r->version);
	const char *link =
	    arena_printf(ar, "/inbox/%lld", (long long)r->item.id);
	return alert_raise(db, ar, org_id, person_id, "inbox_assigned", key,
	                   assigned_text, alert_org_lang(db, ar, org_id),
	                   r->item.channel_name, by, excerpt(ar, r->item.text),
	                   link) < 0
	           ? -1
	           : 0;
}

enum kv_rc
inbox_assign_if(struct db *db, struct arena *ar, const struct actor *a,
                int64_t item_id, int64_t person_id, int64_t if_version,
                struct verrs *v)
{
	struct inbox_row r;
	json_t *before;
	enum kv_rc rc;
	int64_t now = time_now();
	int w;

	if ((rc = inbox_work_get(db, ar, a, item_id, &r)) != KV_OK)
		return rc;
	if (if_version != 0 && r.version != if_version) {
		verr_add(v, "version", "was changed by someone else; reload");
		return KV_CONFLICT;
	}
	if (person_id != 0 &&
	    !inbox_person_sees_channel(db, ar, a->org_id, person_id,
	                               r.item.channel_id)) {
		verr_add(v, "assignee_id",
		         "is not an active person who may see this channel");
		return KV_INVALID;
	}
	before = row_audit_json(&r);
	r.assignee_id = person_id;
	if (r.state == IS_NEW && person_id != 0)
		r.state = IS_ASSIGNED;
	else if (r.state == IS_ASSIGNED && person_id == 0)
		r.state = IS_NEW;
	r.version++;
	if (db_begin(db) != 0) {
		json_decref(before);
		return KV_DBERR;
	}
	w = store_row(db, &r, now);
	if (w != 0) {
		json_decref(before);
		return w > 0 ? conflict(db, v)
		             : inbox_write_failed(db, "assign");
	}
	if (inbox_log_add(db, a->org_id, item_id, now, a->person_id, "assigned",
	                  arena_printf(ar, "%lld", (long long)person_id)) !=
	        0 ||
	    (person_id != 0 && person_id != a->person_id &&
	     inbox_notify_assignee(db, ar, a->org_id, &r, person_id, a->name) !=
	         0)) {
		json_decref(before);
		return inbox_write_failed(db, "assign");
	}
	return audit_commit(db, a, "assign", "inbox_item", item_id, before,
	                    row_audit_json(&r));
}

enum kv_rc
inbox_assign(struct db *db, struct arena *ar, const struct actor *a,
             int64_t item_id, int64_t person_id, struct verrs *v)
{
	return inbox_assign_if(db, ar, a, item_id, person_id, 0, v);
}

/* Checks m; KV_OK or KV_INVALID. */
static enum kv_rc
check_mark(struct db *db, const struct actor *a, const struct inbox_mark *m,
           struct verrs *v)
{
	int64_t n = 0;
	if (m->state != -1 && m->state != IS_NO_ANSWER &&
	    m->state != IS_ANSWERED && m->state != IS_NEW)
		verr_add(v, "state", "must be no_answer, answered or new");
	if (m->state == IS_NO_ANSWER &&
	    (m->reason == NULL || *m->reason == '\0'))
		verr_add(v, "reason", "is required");
	else if (m->reason != NULL)
		valid_text(v, "reason", m->reason, 0, 500);
	if (m->outcome != -1 && m->outcome != IO_NONE &&
	    m->outcome != IO_ANSWERED && m->outcome != IO_HELPED &&
	    m->outcome != IO_REFERRED)
		verr_add(v, "outcome", "must be answered, helped or referred");
	if (m->set_classes) {
		if (m->classes == 0 || m->classes >= (1u << TC__COUNT))
			verr_add(v, "classes", "must name at least one class");
		if (m->ground < AG_NONE || m->ground >= AG__COUNT)
			verr_add(v, "abuse_ground", "is not a ground");
		else if (m->ground != AG_NONE &&
		         !(m->classes & (1u << TC_ABUSE)))
			verr_add(v, "abuse_ground", "needs the class abuse");
	}
	if (m->hard < -1 || m->hard > 1)
		verr_add(v, "hard", "must be true or false");
	if (m->topic_id > 0 &&
	    (db_get_i64(db, &n,
	                "SELECT COUNT(*) FROM topics WHERE id = ? AND org_id "
	                "= ?",
	                "ii", m->topic_id, a->org_id) < 0 ||
	     n == 0))
		verr_add(v, "topic_id", "is not a topic");
	return v->n ? KV_INVALID : KV_OK;
}

enum kv_rc
inbox_mark(struct db *db, struct arena *ar, const struct actor *a,
           int64_t item_id, const struct inbox_mark *m, struct verrs *v)
{
	struct inbox_row r;
	json_t *before;
	enum kv_rc rc;
	int64_t now = time_now();
	int old_state, w;
	const char *kind, *detail;

	if ((rc = inbox_work_get(db, ar, a, item_id, &r)) != KV_OK)
		return rc;
	if ((rc = check_mark(db, a, m, v)) != KV_OK)
		return rc;
	if (m->if_version != 0 && r.version != m->if_version) {
		verr_add(v, "version", "was changed by someone else; reload");
		return KV_CONFLICT;
	}
	old_state = r.state;
	if (m->state != -1 && m->state != r.state &&
	    (r.state == IS_REMOVED || r.state == IS_REGISTRY)) {
		verr_add(v, "state",
		         "was removed or sent to the registry; it stays so");
		return KV_CONFLICT;
	}
	before = row_audit_json(&r);
	if (m->state == IS_NEW && r.state != IS_NEW && r.state != IS_ASSIGNED) {
		r.state = r.assignee_id ? IS_ASSIGNED : IS_NEW;
		r.no_answer_reason = NULL;
		r.outcome = IO_NONE;
	} else if (m->state == IS_NO_ANSWER) {
		r.state = IS_NO_ANSWER;
		r.no_answer_reason = m->reason;
	} else if (m->state == IS_ANSWERED) {
		r.state = IS_ANSWERED;
		r.no_answer_reason = NULL;
		if (r.answered_at == 0) {
			r.answered_at = now;
			r.answered_by = a->person_id;
		}
		if (r.outcome <= IO_NONE)
			r.outcome = IO_ANSWERED;
	}
	if (m->outcome != -1)
		r.outcome = m->outcome;
	if (m->set_classes) {
		r.classes = m->classes;
		r.ground =
		    (m->classes & (1u << TC_ABUSE)) ? m->ground : AG_NONE;
		r.needs_answer = (m->classes & TRIAGE_ANSWER_CLASSES) != 0;
	}
	if (m->hard != -1) {
		r.hard = m->hard;
		if (!m->hard)
			r.hard_reason = NULL;
	}
	if (m->topic_id != -1)
		r.topic_id = m->topic_id;
	r.version++;
	if (db_begin(db) != 0) {
		json_decref(before);
		return KV_DBERR;
	}
	w = store_row(db, &r, now);
	if (w != 0) {
		json_decref(before);
		return w > 0 ? conflict(db, v) : inbox_write_failed(db, "mark");
	}
	kind = r.state != old_state ? "state"
	       : m->set_classes     ? "classes"
	                            : "marked";
	detail = r.state != old_state ? inbox_state_name(r.state) : "";
	if (m->set_classes &&
	    (db_run(db,
	            "INSERT INTO triage_labels (org_id, item_id, version, "
	            "labels, known, ground, person_id, at) VALUES (?, ?, ?, ?, "
	            "?, ?, ?, ?)",
	            "iiiiitji", a->org_id, item_id,
	            (int64_t)r.item.current_version, (int64_t)r.classes,
	            (int64_t)((1u << TC__COUNT) - 1),
	            abuse_ground_name(r.ground), a->person_id, now) != 0 ||
	     inbox_epoch_bump(db, a->org_id) != 0)) {
		json_decref(before);
		return inbox_write_failed(db, "mark");
	}
	if (inbox_log_add(db, a->org_id, item_id, now, a->person_id, kind,
	                  detail) != 0) {
		json_decref(before);
		return inbox_write_failed(db, "mark");
	}
	return audit_commit(db, a, "mark", "inbox_item", item_id, before,
	                    row_audit_json(&r));
}

/* The row of item_id in a's organisation, whoever a is (the action layer
 * checked the right to work it). */
static enum kv_rc
load_any(struct db *db, struct arena *ar, const struct actor *a,
         int64_t item_id, struct inbox_row *r)
{
	struct actor sys;
	enum kv_rc rc;
	actor_system(&sys, a->org_id, "inbox");
	rc = inbox_get(db, ar, &sys, item_id, r);
	return rc;
}

enum kv_rc
inbox_record_action(struct db *db, const struct actor *a, int64_t item_id,
                    int state, int outcome, int64_t at, const char *detail)
{
	struct arena ar;
	struct inbox_row r;
	json_t *before, *after;
	enum kv_rc rc;
	const char *kind;
	int w;

	if (state == IS_ANSWERED)
		kind = "reply";
	else if (state == IS_REMOVED)
		kind = "removed";
	else if (state == IS_REGISTRY)
		kind = "registry";
	else
		return KV_INVALID;
	if (outcome < -1 || outcome >= IO__COUNT)
		return KV_INVALID;
	arena_init(&ar);
	if ((rc = load_any(db, &ar, a, item_id, &r)) != KV_OK)
		goto out;
	before = row_audit_json(&r);
	r.state = state;
	if (outcome > IO_NONE)
		r.outcome = outcome;
	else if (state == IS_REMOVED)
		r.outcome = IO_REMOVED;
	else if (state == IS_REGISTRY)
		r.outcome = IO_REGISTRY;
	else if (r.outcome <= IO_NONE || r.outcome == IO_REMOVED ||
	         r.outcome == IO_REGISTRY)
		r.outcome = IO_ANSWERED;
	if (state == IS_ANSWERED && r.answered_at == 0) {
		r.answered_at = at;
		r.answered_by = a->person_id;
	}
	if (state == IS_ANSWERED)
		r.no_answer_reason = NULL;
	r.version++;
	after = row_audit_json(&r);
	w = store_row(db, &r, at);
	if (w != 0 ||
	    inbox_log_add(db, a->org_id, item_id, at, a->person_id, kind,
	                  detail) != 0 ||
	    audit_append(db, a, kind, "inbox_item", item_id, before, after) !=
	        0)
		rc = w > 0 ? KV_CONFLICT : KV_DBERR;
	json_decref(before);
	json_decref(after);
out:
	arena_free(&ar);
	return rc;
}

enum kv_rc
inbox_record_journal(struct db *db, const struct actor *a, int64_t item_id,
                     const char *journal_ref, int64_t at)
{
	struct arena ar;
	struct verrs v = {0};
	struct inbox_row r;
	json_t *before;
	enum kv_rc rc;

	if (!valid_text(&v, "journal_ref", journal_ref, 1, KV_MAX_NAME))
		return KV_INVALID;
	arena_init(&ar);
	if ((rc = load_any(db, &ar, a, item_id, &r)) != KV_OK)
		goto out;
	before = row_audit_json(&r);
	r.journal_ref = journal_ref;
	r.version++;
	if (db_begin(db) != 0) {
		json_decref(before);
		rc = KV_DBERR;
		goto out;
	}
	if (store_row(db, &r, at) != 0 ||
	    inbox_log_add(db, a->org_id, item_id, at, a->person_id, "journal",
	                  journal_ref) != 0) {
		json_decref(before);
		rc = inbox_write_failed(db, "journal");
		goto out;
	}
	rc = audit_commit(db, a, "journal", "inbox_item", item_id, before,
	                  row_audit_json(&r));
out:
	arena_free(&ar);
	return rc;
}

/* --- notes -------------------------------------------------------------------
 */

enum kv_rc
inbox_note_add(struct db *db, struct arena *ar, const struct actor *a,
               int64_t item_id, const char *text, struct verrs *v)
{
	struct inbox_row r;
	enum kv_rc rc;
	int64_t now = time_now(), id = 0;
	struct db_stmt *st;

	if ((rc = inbox_work_get(db, ar, a, item_id, &r)) != KV_OK)
		return rc;
	if (text == NULL || *text == '\0')
		verr_add(v, "text", "is required");
	else
		valid_multiline(v, "text", text, KV_MAX_TEXT);
	if (v->n)
		return KV_INVALID;
	if (db_begin(db) != 0)
		return KV_DBERR;
	st = db_query(db,
	              "INSERT INTO inbox_notes (org_id, item_id, person_id, "
	              "author, text, created_at) VALUES (?, ?, ?, ?, ?, ?) "
	              "RETURNING id",
	              "iijtti", a->org_id, item_id, a->person_id,
	              a->name ? a->name : a->label, text, now);
	if (st != NULL && db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_finalize(st);
	if (id == 0 || inbox_log_add(db, a->org_id, item_id, now, a->person_id,
	                             "note", "") != 0)
		return inbox_write_failed(db, "note");
	return audit_commit(
	    db, a, "note", "inbox_item", item_id, NULL,
	    json_pack("{s:I,s:s}", "note_id", (json_int_t)id, "text", text));
}

enum kv_rc
inbox_note_list(struct db *db, struct arena *ar, const struct actor *a,
                int64_t item_id, struct inbox_note **out, int *n)
{
	struct inbox_row r;
	struct db_stmt *st;
	enum kv_rc rc;
	int cap = 1000, step;

	*out = NULL;
	*n = 0;
	if ((rc = inbox_get(db, ar, a, item_id, &r)) != KV_OK)
		return rc;
	st = db_query(db,
	              "SELECT id, COALESCE(person_id, 0), author, text, "
	              "created_at FROM inbox_notes WHERE item_id = ? ORDER BY "
	              "id LIMIT 1000",
	              "i", item_id);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((step = db_step(st)) == DB_ROW && *n < cap) {
		struct inbox_note *x = &(*out)[(*n)++];
		x->id = db_col_i64(st, 0);
		x->item_id = item_id;
		x->person_id = db_col_i64(st, 1);
		x->author = dup(ar, st, 2);
		x->text = dup(ar, st, 3);
		x->created_at = db_col_i64(st, 4);
	}
	db_finalize(st);
	return step < 0 ? KV_DBERR : KV_OK;
}

json_t *
inbox_note_json(const struct inbox_note *x)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(x->id));
	json_object_set_new(o, "item_id", json_integer(x->item_id));
	json_object_set_new(o, "person_id", inbox_json_id(x->person_id));
	json_object_set_new(o, "author", inbox_json_str(x->author));
	json_object_set_new(o, "text", inbox_json_str(x->text));
	json_object_set_new(o, "created_at", inbox_json_time(x->created_at));
	return o;
}

/* --- the change log ----------------------------------------------------------
 */

enum kv_rc
inbox_changes(struct db *db, struct arena *ar, const struct actor *a,
              int64_t after, int max, struct inbox_change **out, int *n,
              int64_t *last)
{
	struct db_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	*last = 0;
	if (max < 1 || max > 1000)
		max = 1000;
	if (db_get_i64(db, last,
	               "SELECT COALESCE(MAX(seq), 0) FROM inbox_log WHERE "
	               "org_id = ?",
	               "i", a->org_id) < 0)
		return KV_DBERR;
	st = db_query(
	    db,
	    "WITH RECURSIVE scope(id) AS (SELECT unit_id FROM role_grants "
	    "WHERE person_id = ? AND unit_id IS NOT NULL UNION SELECT x.id "
	    "FROM units x JOIN scope s ON x.parent_id = s.id) SELECT l.seq, "
	    "l.item_id, l.at, l.kind, COALESCE(l.actor_id, 0), l.detail FROM "
	    "inbox_log l JOIN inbox b ON b.item_id = l.item_id JOIN channels "
	    "c ON c.id = b.channel_id WHERE l.org_id = ? AND l.seq > ? AND (? "
	    "= 1 OR c.unit_id IN (SELECT id FROM scope) OR c.responsible_id = "
	    "? OR b.assignee_id = ? OR EXISTS (SELECT 1 FROM channel_editors "
	    "e WHERE e.channel_id = c.id AND e.person_id = ?)) ORDER BY l.seq "
	    "LIMIT ?",
	    "iiiiiiii", a->person_id, a->org_id, after,
	    (int64_t)inbox_sees_all(a), a->person_id, a->person_id,
	    a->person_id, (int64_t)max);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)max);
	while ((rc = db_step(st)) == DB_ROW && *n < max) {
		struct inbox_change *c = &(*out)[(*n)++];
		c->seq = db_col_i64(st, 0);
		c->item_id = db_col_i64(st, 1);
		c->at = db_col_i64(st, 2);
		c->kind = dup(ar, st, 3);
		c->actor_id = db_col_i64(st, 4);
		c->detail = dup(ar, st, 5);
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

json_t *
inbox_change_json(const struct inbox_change *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "seq", json_integer(c->seq));
	json_object_set_new(o, "item_id", json_integer(c->item_id));
	json_object_set_new(o, "at", inbox_json_time(c->at));
	json_object_set_new(o, "kind", inbox_json_str(c->kind));
	json_object_set_new(o, "actor_id", inbox_json_id(c->actor_id));
	json_object_set_new(o, "detail", inbox_json_str(c->detail));
	return o;
}

/* --- reports -----------------------------------------------------------------
 */

static int
cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

enum kv_rc
inbox_stats(struct db *db, struct arena *ar, const struct actor *a,
            int64_t channel_id, int64_t unit_id, int64_t from, int64_t to,
            int64_t now, struct inbox_stats *out)
{
	struct db_stmt *st;
	int64_t *rt = NULL;
	size_t nrt = 0, cap = 0;
	int rc;

	(void)ar;
	memset(out, 0, sizeof(*out));
	out->in_time_share = -1;
	out->median_response = -1;
	st = db_query(
	    db,
	    IB_SCOPE "SELECT b.state, b.outcome, b.needs_answer, b.shown_at, "
	             "b.due_at, COALESCE(b.answered_at, 0) FROM inbox b JOIN "
	             "channels c ON c.id = b.channel_id" IB_VISIBLE
	             " AND (CAST(? AS BIGINT) = 0 OR b.channel_id = ?) AND "
	             "(CAST(? AS BIGINT) = 0 OR b.unit_id IN (SELECT id FROM "
	             "sub)) AND (CAST(? AS BIGINT) = 0 OR b.shown_at >= ?) AND "
	             "(CAST(? AS BIGINT) = 0 OR b.shown_at < ?)",
	    "iiiiiiiiiiiiii", a->person_id, unit_id, a->org_id,
	    (int64_t)inbox_sees_all(a), a->person_id, a->person_id,
	    a->person_id, channel_id, channel_id, unit_id, from, from, to, to);
	if (st == NULL)
		return KV_DBERR;
	while ((rc = db_step(st)) == DB_ROW) {
		int state = inbox_state_parse(db_col_text(st, 0));
		int outcome = inbox_outcome_parse(db_col_text(st, 1));
		int needs = (int)db_col_i64(st, 2);
		int64_t shown = db_col_i64(st, 3), due = db_col_i64(st, 4);
		int64_t answered = db_col_i64(st, 5);
		int open = state == IS_NEW || state == IS_ASSIGNED;

		out->total++;
		if (outcome >= 0)
			out->outcome[outcome]++;
		out->no_answer += state == IS_NO_ANSWER;
		out->open += open;
		if (open && needs && due < now) {
			out->overdue++;
			out->due_counted++;
		}
		if (answered && needs) {
			out->due_counted++;
			out->in_time += answered <= due;
		}
		if (answered) {
			if (nrt == cap) {
				cap = cap ? cap * 2 : 64;
				rt = xrealloc(rt, cap * sizeof(*rt));
			}
			rt[nrt++] = answered - shown;
		}
	}
	db_finalize(st);
	if (out->due_counted)
		out->in_time_share =
		    (double)out->in_time / (double)out->due_counted;
	if (nrt) {
		qsort(rt, nrt, sizeof(*rt), cmp_i64);
		out->median_response =
		    nrt % 2 ? rt[nrt / 2] : (rt[nrt / 2 - 1] + rt[nrt / 2]) / 2;
	}
	free(rt);
	return rc < 0 ? KV_DBERR : KV_OK;
}

json_t *
inbox_stats_json(const struct inbox_stats *s)
{
	json_t *o = json_object(), *by = json_object();
	for (int i = IO_ANSWERED; i < IO__COUNT; i++)
		json_object_set_new(by, inbox_outcome_name(i),
		                    json_integer(s->outcome[i]));
	json_object_set_new(o, "total", json_integer(s->total));
	json_object_set_new(o, "outcomes", by);
	json_object_set_new(o, "no_answer", json_integer(s->no_answer));
	json_object_set_new(o, "open", json_integer(s->open));
	json_object_set_new(o, "overdue", json_integer(s->overdue));
	json_object_set_new(o, "due_counted", json_integer(s->due_counted));
	json_object_set_new(o, "answered_in_time", json_integer(s->in_time));
	json_object_set_new(o, "in_time_share",
	                    s->in_time_share < 0 ? json_null()
	                                         : json_real(s->in_time_share));
	json_object_set_new(o, "median_response_seconds",
	                    s->median_response < 0
	                        ? json_null()
	                        : json_integer(s->median_response));
	return o;
}
