/*
 * topics.c - topics and competence (inbox.h "topics"): what questions are
 * about, the keywords that recognise them (matched on stems by route.c),
 * and who knows each.  Everyone of the organisation reads them;
 * administrators change them, audited.
 */
#include "inbox_int.h"
#include "../base/util.h"
#include "../domain/valid.h"
#include "../text/stem.h"

#include <string.h>

#define TOPIC_MAX_KEYWORDS 500
#define TOPIC_MAX_PEOPLE   200

/* Loads the people of topic t (arena). */
static int
load_people(struct db *db, struct arena *ar, struct inbox_topic *t)
{
	struct db_stmt *st;
	int rc;
	t->npeople = 0;
	t->people = arena_alloc(ar, sizeof(int64_t) * TOPIC_MAX_PEOPLE);
	st = db_query(db,
	              "SELECT person_id FROM person_topics WHERE topic_id = ? "
	              "ORDER BY person_id",
	              "i", t->id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && t->npeople < TOPIC_MAX_PEOPLE)
		t->people[t->npeople++] = db_col_i64(st, 0);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

#define TOPIC_SELECT                                                           \
	"SELECT id, name, keywords, created_at, updated_at FROM topics "

static void
read_topic(struct db_stmt *st, struct arena *ar, struct inbox_topic *t)
{
	memset(t, 0, sizeof(*t));
	t->id = db_col_i64(st, 0);
	t->name = arena_strdup(ar, db_col_text(st, 1));
	t->keywords = arena_strdup(ar, db_col_text(st, 2));
	t->created_at = db_col_i64(st, 3);
	t->updated_at = db_col_i64(st, 4);
}

enum kv_rc
inbox_topic_list(struct db *db, struct arena *ar, const struct actor *a,
                 struct inbox_topic **out, int *n)
{
	struct db_stmt *st;
	int rc, cap = 500;
	*out = NULL;
	*n = 0;
	st = db_query(db, TOPIC_SELECT "WHERE org_id = ? ORDER BY id LIMIT 500",
	              "i", a->org_id);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((rc = db_step(st)) == DB_ROW && *n < cap)
		read_topic(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	if (rc < 0)
		return KV_DBERR;
	for (int i = 0; i < *n; i++)
		if (load_people(db, ar, &(*out)[i]) != 0)
			return KV_DBERR;
	return KV_OK;
}

static enum kv_rc
topic_get(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
          struct inbox_topic *t)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db, TOPIC_SELECT "WHERE id = ? AND org_id = ?", "ii", id,
	              a->org_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW)
		read_topic(st, ar, t);
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	return load_people(db, ar, t) == 0 ? KV_OK : KV_DBERR;
}

json_t *
inbox_topic_json(const struct inbox_topic *t)
{
	json_t *o = json_object(), *p = json_array();
	for (int i = 0; i < t->npeople; i++)
		json_array_append_new(p, json_integer(t->people[i]));
	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "name", inbox_json_str(t->name));
	json_object_set_new(o, "keywords", inbox_json_str(t->keywords));
	json_object_set_new(o, "people", p);
	json_object_set_new(o, "updated_at", inbox_json_time(t->updated_at));
	return o;
}

/* Every "|"-separated keyword has a word. */
static int
keywords_ok(const char *s)
{
	const char *p = s;
	while (p != NULL) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p), pos = 0, ws, we;
		if (!text_next_word(p, n, &pos, &ws, &we))
			return 0;
		p = bar ? bar + 1 : NULL;
	}
	return 1;
}

static enum kv_rc
check_topic(struct db *db, const struct actor *a, const struct inbox_topic *t,
            struct verrs *v)
{
	int64_t n = 0;
	valid_text(v, "name", t->name, 1, KV_MAX_NAME);
	if (valid_text(v, "keywords", t->keywords, 1, TOPIC_MAX_KEYWORDS) &&
	    !keywords_ok(t->keywords))
		verr_add(v, "keywords",
		         "must be words or phrases separated by |");
	if (v->n)
		return KV_INVALID;
	if (db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM topics WHERE org_id = ? AND name "
	               "= ? AND id <> ?",
	               "iti", a->org_id, t->name, t->id) < 0)
		return KV_DBERR;
	if (n > 0) {
		verr_add(v, "name", "is taken");
		return KV_CONFLICT;
	}
	return KV_OK;
}

enum kv_rc
inbox_topic_create(struct db *db, struct arena *ar, const struct actor *a,
                   struct inbox_topic *t, struct verrs *v)
{
	struct db_stmt *st;
	int64_t now = time_now();
	enum kv_rc rc;

	(void)ar;
	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	t->id = 0;
	if ((rc = check_topic(db, a, t, v)) != KV_OK)
		return rc;
	if (db_begin(db) != 0)
		return KV_DBERR;
	st = db_query(db,
	              "INSERT INTO topics (org_id, name, keywords, created_at, "
	              "updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
	              "ittii", a->org_id, t->name, t->keywords, now, now);
	if (st != NULL && db_step(st) == DB_ROW)
		t->id = db_col_i64(st, 0);
	db_finalize(st);
	if (t->id == 0)
		return inbox_write_failed(db, "topic create");
	t->created_at = t->updated_at = now;
	t->npeople = 0;
	return audit_commit(db, a, "create", "topic", t->id, NULL,
	                    inbox_topic_json(t));
}

enum kv_rc
inbox_topic_update(struct db *db, struct arena *ar, const struct actor *a,
                   const struct inbox_topic *t, struct verrs *v)
{
	struct inbox_topic old, now_t;
	enum kv_rc rc;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if ((rc = topic_get(db, ar, a, t->id, &old)) != KV_OK)
		return rc;
	if ((rc = check_topic(db, a, t, v)) != KV_OK)
		return rc;
	now_t = old;
	now_t.name = t->name;
	now_t.keywords = t->keywords;
	now_t.updated_at = time_now();
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "UPDATE topics SET name = ?, keywords = ?, updated_at = ? "
	           "WHERE id = ? AND org_id = ?",
	           "ttiii", t->name, t->keywords, now_t.updated_at, t->id,
	           a->org_id) != 0)
		return inbox_write_failed(db, "topic update");
	return audit_commit(db, a, "update", "topic", t->id,
	                    inbox_topic_json(&old), inbox_topic_json(&now_t));
}

enum kv_rc
inbox_topic_delete(struct db *db, struct arena *ar, const struct actor *a,
                   int64_t id)
{
	struct inbox_topic old;
	enum kv_rc rc;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if ((rc = topic_get(db, ar, a, id, &old)) != KV_OK)
		return rc;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db, "UPDATE inbox SET topic_id = NULL WHERE topic_id = ?",
	           "i", id) != 0 ||
	    db_run(db, "DELETE FROM person_topics WHERE topic_id = ?", "i",
	           id) != 0 ||
	    db_run(db, "DELETE FROM topics WHERE id = ? AND org_id = ?", "ii",
	           id, a->org_id) != 0)
		return inbox_write_failed(db, "topic delete");
	return audit_commit(db, a, "delete", "topic", id,
	                    inbox_topic_json(&old), NULL);
}

enum kv_rc
inbox_topic_set_people(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t topic_id, const int64_t *people, int n,
                       struct verrs *v)
{
	struct inbox_topic old, t;
	enum kv_rc rc;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if ((rc = topic_get(db, ar, a, topic_id, &old)) != KV_OK)
		return rc;
	if (n < 0 || n > TOPIC_MAX_PEOPLE) {
		verr_add(v, "people", "are too many");
		return KV_INVALID;
	}
	for (int i = 0; i < n; i++) {
		int64_t ok = 0;
		if (db_get_i64(db, &ok,
		               "SELECT COUNT(*) FROM people WHERE id = ? AND "
		               "org_id = ? AND active = 1",
		               "ii", people[i], a->org_id) < 0)
			return KV_DBERR;
		if (ok == 0) {
			verr_add(v, "people", "must be active people");
			return KV_INVALID;
		}
	}
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db, "DELETE FROM person_topics WHERE topic_id = ?", "i",
	           topic_id) != 0)
		return inbox_write_failed(db, "competence");
	for (int i = 0; i < n; i++)
		if (db_run(db,
		           "INSERT INTO person_topics (person_id, topic_id) "
		           "VALUES (?, ?) ON CONFLICT DO NOTHING",
		           "ii", people[i], topic_id) != 0)
			return inbox_write_failed(db, "competence");
	t = old;
	if (load_people(db, ar, &t) != 0)
		return inbox_write_failed(db, "competence");
	return audit_commit(db, a, "competence", "topic", topic_id,
	                    inbox_topic_json(&old), inbox_topic_json(&t));
}
