/*
 * audit.c - the append-only, hash-chained audit log.
 *
 * Every change in the domain appends one row in the same transaction as the
 * change: who, when, what, the object before and after (JSON).  Row n holds
 * prev_hash = hash of row n-1 (64 zeros for the first) and
 *   hash = SHA-256( "kv-audit-v1" NUL, then each field as "<len>:<bytes>" )
 * over seq, org_id, at, actor_id, actor, action, object_type, object_id,
 * before_json, after_json, prev_hash — so no field can be changed, and no
 * row removed, reordered or inserted, without `audit verify` noticing.
 * audit_head (one row) holds the newest seq and hash; updating it first
 * serialises concurrent writers on both backends.  Triggers refuse UPDATE
 * and DELETE on the table itself.
 */
#include "domain.h"
#include "../base/buf.h"
#include "../base/log.h"
#include "../base/util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void
field(struct buf *b, const char *s)
{
	if (s == NULL) {
		buf_adds(b, "-1:");
		return;
	}
	buf_printf(b, "%zu:", strlen(s));
	buf_adds(b, s);
}

static void
field_i64(struct buf *b, int64_t v, int is_null)
{
	char tmp[32];
	if (is_null) {
		field(b, NULL);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	field(b, tmp);
}

/* Computes the row hash into out[65]. */
static void
row_hash(const struct audit_row *r, int64_t org_id, int org_null, char out[65])
{
	struct buf b;
	buf_init(&b, (size_t)64 << 20);
	buf_add(&b, "kv-audit-v1", 12); /* includes the NUL */
	field_i64(&b, r->seq, 0);
	field_i64(&b, org_id, org_null);
	field_i64(&b, r->at, 0);
	field_i64(&b, r->actor_id, r->actor_id == 0);
	field(&b, r->actor);
	field(&b, r->action);
	field(&b, r->object_type);
	field_i64(&b, r->object_id, r->object_id == 0);
	field(&b, r->before_json);
	field(&b, r->after_json);
	field(&b, r->prev_hash);
	sha256_hex(b.p, b.len, out);
	buf_cleanup(&b);
}

static char *
dump(const json_t *j)
{
	if (j == NULL)
		return NULL;
	return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

int
audit_append(struct db *db, const struct actor *a, const char *action,
             const char *object_type, int64_t object_id, const json_t *before,
             const json_t *after)
{
	struct audit_row r;
	struct db_stmt *st;
	char prev[65], hash[65];
	char *bj = dump(before), *aj = dump(after);
	int rc = -1;

	st = db_query(db,
	              "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 "
	              "RETURNING seq, hash",
	              NULL);
	if (st == NULL)
		goto out;
	if (db_step(st) != DB_ROW) {
		db_finalize(st);
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.seq = db_col_i64(st, 0);
	snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
	db_finalize(st);

	r.at = time_now();
	r.actor_id = a->person_id;
	r.actor = a->label;
	r.action = action;
	r.object_type = object_type;
	r.object_id = object_id;
	r.before_json = bj;
	r.after_json = aj;
	r.prev_hash = prev;
	row_hash(&r, a->org_id, a->org_id == 0, hash);

	if (db_run(db,
	           "INSERT INTO audit (seq, org_id, at, actor_id, actor, "
	           "action, object_type, object_id, before_json, after_json, "
	           "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	           "?)",
	           "ijijtttjtttt", r.seq, a->org_id, r.at, r.actor_id, r.actor,
	           action, object_type, object_id, bj, aj, prev, hash) != 0)
		goto out;
	if (db_run(db, "UPDATE audit_head SET hash = ? WHERE id = 1", "t",
	           hash) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		log_err("audit: append failed: %s", db_errmsg(db));
	free(bj);
	free(aj);
	return rc;
}

enum kv_rc
audit_commit(struct db *db, const struct actor *a, const char *action,
             const char *object_type, int64_t object_id, json_t *before,
             json_t *after)
{
	int rc =
	    audit_append(db, a, action, object_type, object_id, before, after);
	json_decref(before);
	json_decref(after);
	if (rc != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return KV_DBERR;
	}
	return KV_OK;
}

static void
read_row(struct db_stmt *st, struct arena *ar, struct audit_row *r,
         int64_t *org_id, int *org_null)
{
	r->seq = db_col_i64(st, 0);
	*org_null = db_col_is_null(st, 1);
	*org_id = db_col_i64(st, 1);
	r->at = db_col_i64(st, 2);
	r->actor_id = db_col_i64(st, 3);
	r->actor = arena_strdup(ar, db_col_text(st, 4));
	r->action = arena_strdup(ar, db_col_text(st, 5));
	r->object_type = arena_strdup(ar, db_col_text(st, 6));
	r->object_id = db_col_i64(st, 7);
	r->before_json = arena_strdup(ar, db_col_text(st, 8));
	r->after_json = arena_strdup(ar, db_col_text(st, 9));
	r->prev_hash = arena_strdup(ar, db_col_text(st, 10));
	r->hash = arena_strdup(ar, db_col_text(st, 11));
}

#define AUDIT_COLS                                                             \
	"seq, org_id, at, actor_id, actor, action, object_type, object_id, "   \
	"before_json, after_json, prev_hash, hash"

enum kv_rc
audit_list(struct db *db, struct arena *ar, const struct actor *a,
           const char *object_type, int64_t object_id, int64_t before_seq,
           int limit, struct audit_row **out, int *n)
{
	struct db_stmt *st;
	int rc, cap;

	*out = NULL;
	*n = 0;
	if (!actor_can_read_audit(a))
		return KV_FORBIDDEN;
	if (limit < 1 || limit > 500)
		limit = 100;
	cap = limit;
	st = db_query(db,
	              "SELECT " AUDIT_COLS " FROM audit WHERE org_id = ? "
	              "AND (? = '' OR object_type = ?) AND (? = 0 OR "
	              "object_id = ?) AND (? = 0 OR seq < ?) "
	              "ORDER BY seq DESC LIMIT ?",
	              "ittiiiii", a->org_id, object_type ? object_type : "",
	              object_type ? object_type : "", object_id, object_id,
	              before_seq, before_seq, (int64_t)limit);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((rc = db_step(st)) == DB_ROW && *n < cap) {
		int64_t org;
		int org_null;
		read_row(st, ar, &(*out)[*n], &org, &org_null);
		(*n)++;
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

/* Rows read per query of the chain walk. */
#define AUDIT_PAGE 500

int
audit_walk(struct db *db, int64_t anchor_seq, const char *anchor_hash,
           audit_break_fn fn, void *ctx, int64_t *checked, int64_t *head_seq,
           char head_hash[65])
{
	struct db_stmt *st;
	struct arena ar;
	char prev[65], hash[65];
	int64_t expect = 1, last = 0;
	int rc, breaks = 0, anchor_seen = 0, rows;

	*head_seq = 0;
	head_hash[0] = '\0';
	*checked = 0;
	memset(prev, '0', 64);
	prev[64] = '\0';
	arena_init(&ar);
	/* a page at a time: PostgreSQL holds a whole result in memory */
	do {
		rows = 0;
		st = db_query(db,
		              "SELECT " AUDIT_COLS " FROM audit WHERE seq > ? "
		              "ORDER BY seq LIMIT ?",
		              "ii", last, (int64_t)AUDIT_PAGE);
		if (st == NULL) {
			arena_free(&ar);
			return -1;
		}
		while ((rc = db_step(st)) == DB_ROW) {
			struct audit_row r;
			int64_t org;
			int org_null;
			read_row(st, &ar, &r, &org, &org_null);
			rows++;
			last = r.seq;
			if (r.seq != expect) {
				fn(ctx, expect,
				   "a row is missing or out of sequence");
				breaks++;
			}
			if (strcmp(r.prev_hash, prev) != 0) {
				fn(ctx, r.seq,
				   "prev_hash does not match the previous row");
				breaks++;
			}
			row_hash(&r, org, org_null, hash);
			if (strcmp(hash, r.hash) != 0) {
				fn(ctx, r.seq,
				   "row content does not match its hash");
				breaks++;
			}
			if (anchor_seq > 0 && r.seq == anchor_seq) {
				anchor_seen = 1;
				if (anchor_hash == NULL ||
				    strcmp(hash, anchor_hash) != 0) {
					fn(ctx, r.seq,
					   "the row differs from the recorded "
					   "anchor: the chain was rewritten");
					breaks++;
				}
			}
			/* the next row links to what is stored: one changed
			 * row is one break, not a break of every later row */
			snprintf(prev, sizeof(prev), "%s", r.hash);
			expect = r.seq + 1;
			(*checked)++;
			arena_free(&ar);
		}
		db_finalize(st);
		arena_free(&ar);
		if (rc < 0)
			return -1;
	} while (rows == AUDIT_PAGE);
	if (anchor_seq > 0 && !anchor_seen) {
		fn(ctx, anchor_seq, "the anchored row no longer exists");
		breaks++;
	}
	st =
	    db_query(db, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc < 0) {
		db_finalize(st);
		return -1;
	}
	if (rc != DB_ROW) {
		fn(ctx, 0, "audit_head is missing");
		breaks++;
	} else if (db_col_i64(st, 0) != expect - 1 ||
	           strcmp(db_col_text(st, 1), prev) != 0) {
		fn(ctx, expect,
		   "the newest rows were removed (head does not match)");
		breaks++;
	}
	db_finalize(st);
	if (breaks == 0) {
		*head_seq = expect - 1;
		memcpy(head_hash, prev, 65);
	}
	return breaks;
}

/* audit_verify's callback: keeps the first break. */
struct first_break {
	const int64_t *checked;
	int64_t seq, intact;
	const char *why;
};

static void
keep_first(void *ctx, int64_t seq, const char *why)
{
	struct first_break *f = ctx;
	if (f->why != NULL)
		return;
	f->seq = seq;
	f->why = why;
	f->intact = *f->checked;
}

int
audit_verify(struct db *db, int64_t anchor_seq, const char *anchor_hash,
             int64_t *checked, int64_t *bad_seq, const char **why,
             int64_t *head_seq_out, char head_hash[65])
{
	struct first_break f = {NULL, 0, 0, NULL};
	int rc;
	*checked = 0;
	f.checked = checked;
	rc = audit_walk(db, anchor_seq, anchor_hash, keep_first, &f, checked,
	                head_seq_out, head_hash);
	*bad_seq = f.seq;
	*why = f.why;
	if (rc <= 0)
		return rc;
	*checked = f.intact;
	return 1;
}

json_t *
audit_json(const struct audit_row *r)
{
	char ts[32];
	json_t *o = json_object();
	json_object_set_new(o, "seq", json_integer(r->seq));
	json_object_set_new(o, "at", json_string(time_fmt_iso(r->at, ts)));
	json_object_set_new(o, "actor_id",
	                    r->actor_id ? json_integer(r->actor_id)
	                                : json_null());
	json_object_set_new(o, "actor", json_string(r->actor));
	json_object_set_new(o, "action", json_string(r->action));
	json_object_set_new(o, "object_type", json_string(r->object_type));
	json_object_set_new(o, "object_id",
	                    r->object_id ? json_integer(r->object_id)
	                                 : json_null());
	json_object_set_new(
	    o, "before",
	    r->before_json ? json_loads(r->before_json, JSON_DECODE_ANY, NULL)
	                   : json_null());
	json_object_set_new(
	    o, "after",
	    r->after_json ? json_loads(r->after_json, JSON_DECODE_ANY, NULL)
	                  : json_null());
	json_object_set_new(o, "hash", json_string(r->hash));
	return o;
}
