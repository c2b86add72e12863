/*
 * replies.c - what a reply is made of (inbox.h "saved replies"): saved
 * replies per language and unit, kept by administrators and the
 * communications unit, and each channel's signing rule (seed 004: answers
 * are signed with first name and role), set by whoever may edit the
 * channel.  The action layer (src/jobs/act.c) puts the signature from
 * inbox_reply_signature() under each reply.
 */
#include "inbox_int.h"
#include "../base/util.h"
#include "../domain/valid.h"
#include "../text/lang.h"

#include <string.h>

#define REPLY_MAX_BODY 4000

const char *const inbox_signatures[] = {"first_name_role", "first_name", "unit",
                                        "none", NULL};

int
saved_reply_may_change(const struct actor *a)
{
	return actor_is_admin(a) || actor_has_org_role(a, ROLE_COMMS);
}

#define REPLY_SELECT                                                           \
	"SELECT id, COALESCE(unit_id, 0), lang, title, body, "                 \
	"COALESCE(created_by, 0), created_at, updated_at FROM saved_replies "

static void
read_reply(struct db_stmt *st, struct arena *ar, struct saved_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_i64(st, 0);
	r->unit_id = db_col_i64(st, 1);
	r->lang = arena_strdup(ar, db_col_text(st, 2));
	r->title = arena_strdup(ar, db_col_text(st, 3));
	r->body = arena_strdup(ar, db_col_text(st, 4));
	r->created_by = db_col_i64(st, 5);
	r->created_at = db_col_i64(st, 6);
	r->updated_at = db_col_i64(st, 7);
}

enum kv_rc
saved_reply_list(struct db *db, struct arena *ar, const struct actor *a,
                 const char *lang, int64_t unit_id, struct saved_reply **out,
                 int *n)
{
	struct db_stmt *st;
	const char *l = lang ? lang : "";
	int rc, cap = 500;
	*out = NULL;
	*n = 0;
	st = db_query(db,
	              REPLY_SELECT "WHERE org_id = ? AND (? = '' OR lang = ?) "
	                           "AND (CAST(? AS BIGINT) = 0 OR unit_id IS "
	                           "NULL OR unit_id = ?) ORDER BY lang, title, "
	                           "id LIMIT 500",
	              "ittii", a->org_id, l, l, unit_id, unit_id);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((rc = db_step(st)) == DB_ROW && *n < cap)
		read_reply(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

static enum kv_rc
reply_get(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
          struct saved_reply *r)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db, REPLY_SELECT "WHERE id = ? AND org_id = ?", "ii", id,
	              a->org_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW)
		read_reply(st, ar, r);
	db_finalize(st);
	return rc == DB_ROW ? KV_OK : rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
}

json_t *
saved_reply_json(const struct saved_reply *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "unit_id", inbox_json_id(r->unit_id));
	json_object_set_new(o, "lang", inbox_json_str(r->lang));
	json_object_set_new(o, "title", inbox_json_str(r->title));
	json_object_set_new(o, "body", inbox_json_str(r->body));
	json_object_set_new(o, "updated_at", inbox_json_time(r->updated_at));
	return o;
}

/* Checks r and normalises its language tag ("nb-NO" → "nb"). */
static enum kv_rc
check_reply(struct db *db, const struct actor *a, struct saved_reply *r,
            struct verrs *v)
{
	int l = lang_parse(r->lang);
	int64_t n = 0;
	if (l < 0)
		verr_add(v, "lang", "must be nb, nn, sv, da or en");
	else
		r->lang = lang_name((enum lang_code)l);
	valid_text(v, "title", r->title, 1, KV_MAX_NAME);
	if (r->body == NULL || *r->body == '\0')
		verr_add(v, "body", "is required");
	else
		valid_multiline(v, "body", r->body, REPLY_MAX_BODY);
	if (r->unit_id != 0 &&
	    (db_get_i64(db, &n,
	                "SELECT COUNT(*) FROM units WHERE id = ? AND "
	                "org_id = ?",
	                "ii", r->unit_id, a->org_id) < 0 ||
	     n == 0))
		verr_add(v, "unit_id", "is not a unit");
	return v->n ? KV_INVALID : KV_OK;
}

enum kv_rc
saved_reply_create(struct db *db, struct arena *ar, const struct actor *a,
                   struct saved_reply *r, struct verrs *v)
{
	struct db_stmt *st;
	int64_t now = time_now();
	enum kv_rc rc;

	(void)ar;
	if (!saved_reply_may_change(a))
		return KV_FORBIDDEN;
	if ((rc = check_reply(db, a, r, v)) != KV_OK)
		return rc;
	if (db_begin(db) != 0)
		return KV_DBERR;
	r->id = 0;
	st =
	    db_query(db,
	             "INSERT INTO saved_replies (org_id, unit_id, lang, title, "
	             "body, created_by, created_at, updated_at) VALUES (?, ?, "
	             "?, ?, ?, ?, ?, ?) RETURNING id",
	             "ijtttjii", a->org_id, r->unit_id, r->lang, r->title,
	             r->body, a->person_id, now, now);
	if (st != NULL && db_step(st) == DB_ROW)
		r->id = db_col_i64(st, 0);
	db_finalize(st);
	if (r->id == 0)
		return inbox_write_failed(db, "saved reply create");
	r->created_by = a->person_id;
	r->created_at = r->updated_at = now;
	return audit_commit(db, a, "create", "saved_reply", r->id, NULL,
	                    saved_reply_json(r));
}

enum kv_rc
saved_reply_update(struct db *db, struct arena *ar, const struct actor *a,
                   const struct saved_reply *r, struct verrs *v)
{
	struct saved_reply old, nw = *r;
	enum kv_rc rc;

	if (!saved_reply_may_change(a))
		return KV_FORBIDDEN;
	if ((rc = reply_get(db, ar, a, r->id, &old)) != KV_OK)
		return rc;
	if ((rc = check_reply(db, a, &nw, v)) != KV_OK)
		return rc;
	nw.updated_at = time_now();
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "UPDATE saved_replies SET unit_id = ?, lang = ?, title = ?, "
	           "body = ?, updated_at = ? WHERE id = ? AND org_id = ?",
	           "jtttiii", nw.unit_id, nw.lang, nw.title, nw.body,
	           nw.updated_at, r->id, a->org_id) != 0)
		return inbox_write_failed(db, "saved reply update");
	return audit_commit(db, a, "update", "saved_reply", r->id,
	                    saved_reply_json(&old), saved_reply_json(&nw));
}

enum kv_rc
saved_reply_delete(struct db *db, struct arena *ar, const struct actor *a,
                   int64_t id)
{
	struct saved_reply old;
	enum kv_rc rc;

	if (!saved_reply_may_change(a))
		return KV_FORBIDDEN;
	if ((rc = reply_get(db, ar, a, id, &old)) != KV_OK)
		return rc;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db, "DELETE FROM saved_replies WHERE id = ? AND org_id = ?",
	           "ii", id, a->org_id) != 0)
		return inbox_write_failed(db, "saved reply delete");
	return audit_commit(db, a, "delete", "saved_reply", id,
	                    saved_reply_json(&old), NULL);
}

/* --- signing
 * -------------------------------------------------------------------
 */

/* The stored rule of channel_id (static), the default when none. */
static int
rule_of(struct db *db, int64_t channel_id, const char **sig)
{
	struct db_stmt *st;
	int rc;
	*sig = inbox_signatures[0];
	st = db_query(db,
	              "SELECT signature FROM channel_reply_rules WHERE "
	              "channel_id = ?",
	              "i", channel_id);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW)
		for (int i = 0; inbox_signatures[i]; i++)
			if (strcmp(db_col_text(st, 0), inbox_signatures[i]) ==
			    0)
				*sig = inbox_signatures[i];
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

enum kv_rc
inbox_reply_rule_get(struct db *db, struct arena *ar, const struct actor *a,
                     int64_t channel_id, const char **signature)
{
	struct channel c;
	enum kv_rc rc = channel_get(db, ar, a, channel_id, &c);
	*signature = inbox_signatures[0];
	if (rc != KV_OK)
		return rc;
	return rule_of(db, channel_id, signature) == 0 ? KV_OK : KV_DBERR;
}

enum kv_rc
inbox_reply_rule_set(struct db *db, struct arena *ar, const struct actor *a,
                     int64_t channel_id, const char *signature, struct verrs *v)
{
	struct channel c;
	const char *old;
	enum kv_rc rc = channel_get(db, ar, a, channel_id, &c);
	if (rc != KV_OK)
		return rc;
	if (!channel_can_edit(db, a, &c))
		return KV_FORBIDDEN;
	if (!valid_oneof(v, "signature", signature, inbox_signatures,
	                 "must be first_name_role, first_name, unit or none"))
		return KV_INVALID;
	if (rule_of(db, channel_id, &old) != 0 || db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "INSERT INTO channel_reply_rules (channel_id, org_id, "
	           "signature, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT "
	           "(channel_id) DO UPDATE SET signature = excluded.signature, "
	           "updated_at = excluded.updated_at",
	           "iiti", channel_id, a->org_id, signature, time_now()) != 0)
		return inbox_write_failed(db, "reply rule");
	return audit_commit(db, a, "update", "reply_rule", channel_id,
	                    json_pack("{s:s}", "signature", old),
	                    json_pack("{s:s}", "signature", signature));
}

enum kv_rc
inbox_reply_signature(struct db *db, struct arena *ar, const struct actor *a,
                      int64_t channel_id, const char **out)
{
	struct channel c;
	const char *sig, *title = "";
	struct db_stmt *st;
	enum kv_rc rc = channel_get(db, ar, a, channel_id, &c);

	*out = "";
	if (rc != KV_OK)
		return rc;
	if (rule_of(db, channel_id, &sig) != 0)
		return KV_DBERR;
	if (strcmp(sig, "none") == 0)
		return KV_OK;
	if (strcmp(sig, "unit") == 0) {
		*out = arena_printf(ar, "– %s", c.unit_name);
		return KV_OK;
	}
	st = db_query(db, "SELECT title FROM people WHERE id = ?", "i",
	              a->person_id);
	if (st != NULL && db_step(st) == DB_ROW)
		title = arena_strdup(ar, db_col_text(st, 0));
	db_finalize(st);
	if (strcmp(sig, "first_name_role") == 0 && title && *title)
		*out = arena_printf(ar, "– %s, %s", a->first_name, title);
	else
		*out = arena_printf(ar, "– %s", a->first_name);
	return KV_OK;
}
