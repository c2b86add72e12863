/*
 * verify.c - `kanalvakt archive verify` (see verify.h): the audit chain and
 * the capture log chain through audit_walk and capture_walk, then every
 * blob, item version, exchange, removal and registry send a page at a
 * time (keyset pages: PostgreSQL holds a whole result in memory).
 */
#include "verify.h"
#include "../base/util.h"
#include "../domain/domain.h"
#include "capture.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define PAGE      200 /* rows of a table per query */
#define BLOB_PAGE 32  /* blobs per query: they may be large */

struct run {
	struct db *db;
	const struct verify_report *rep;
	int64_t checked, problems, next_progress;
	const char *stage;
};

static void
problem(struct run *r, const char *table, int64_t id, const char *sha,
        int64_t item_id, int64_t version, const char *what)
{
	struct verify_problem p = {table, id, sha, item_id, version, what};
	r->problems++;
	r->rep->problem(r->rep->ctx, &p);
}

/* Counts n checked objects and reports progress now and then. */
static void
count(struct run *r, int64_t n)
{
	r->checked += n;
	if (r->rep->progress != NULL && r->checked >= r->next_progress) {
		r->rep->progress(r->rep->ctx, r->stage, r->checked);
		r->next_progress =
		    (r->checked / VERIFY_PROGRESS + 1) * VERIFY_PROGRESS;
	}
}

/* --- the chains ----------------------------------------------------------- */

static void
audit_break(void *ctx, int64_t seq, const char *why)
{
	problem(ctx, "audit", seq, NULL, 0, 0, why);
}

static void
capture_break(void *ctx, const struct capture_break *b)
{
	char what[300];
	if (b->event != NULL)
		snprintf(what, sizeof(what), "%s (%s of channel %" PRId64 ")",
		         b->why, b->event, b->channel_id);
	else
		snprintf(what, sizeof(what), "%s", b->why);
	problem(ctx, "capture_log", b->seq, NULL, b->item_id, b->version, what);
}

static int
check_chains(struct run *r)
{
	int64_t n = 0, head = 0, logged = 0;
	char hash[65];
	r->stage = "audit";
	if (audit_walk(r->db, 0, NULL, audit_break, r, &n, &head, hash) < 0)
		return -1;
	count(r, n);
	r->stage = "capture_log";
	if (capture_walk(r->db, capture_break, r, &n, &logged) < 0)
		return -1;
	count(r, n);
	return 0;
}

/* --- blobs ---------------------------------------------------------------- */

/* Reports a blob that does not match its SHA-256 once per row naming it
 * (once with no item when none does).  0 / -1. */
static int
blob_broken(struct run *r, const char *sha, const char *why)
{
	struct db_stmt *st;
	int rc, refs = 0;
	char what[300];

	/* who refers to it: kind, row id, item, version */
	st = db_query(r->db,
	              "SELECT 'the raw payload of this version', 0, item_id, "
	              "version FROM item_versions WHERE raw_sha256 = ? "
	              "UNION ALL SELECT 'the response body of exchange', id, "
	              "0, 0 FROM exchanges WHERE body_sha256 = ? UNION ALL "
	              "SELECT 'the frozen evidence of removal', id, item_id, "
	              "version FROM removals WHERE evidence_sha256 = ? UNION "
	              "ALL SELECT 'the arkivmelding of registry send', id, "
	              "item_id, 0 FROM registry_sends WHERE xml_sha256 = ?",
	              "tttt", sha, sha, sha, sha);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_i64(st, 1);
		if (id != 0)
			snprintf(what, sizeof(what), "%s; it is %s %" PRId64,
			         why, db_col_text(st, 0), id);
		else
			snprintf(what, sizeof(what), "%s; it is %s", why,
			         db_col_text(st, 0));
		problem(r, "blobs", 0, sha, db_col_i64(st, 2),
		        db_col_i64(st, 3), what);
		refs++;
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (refs == 0)
		problem(r, "blobs", 0, sha, 0, 0, why);
	return 0;
}

static int
check_blobs(struct run *r)
{
	char last[65] = "";
	int rows, rc;
	r->stage = "blobs";
	do {
		struct db_stmt *st = db_query(
		    r->db,
		    "SELECT sha256, size, bytes FROM blobs WHERE sha256 > ? "
		    "ORDER BY sha256 LIMIT ?",
		    "ti", last, (int64_t)BLOB_PAGE);
		if (st == NULL)
			return -1;
		rows = 0;
		while ((rc = db_step(st)) == DB_ROW) {
			char hex[65];
			size_t n = 0;
			const void *p = db_col_blob(st, 2, &n);
			const char *sha = db_col_text(st, 0);
			snprintf(last, sizeof(last), "%s", sha);
			rows++;
			sha256_hex(p ? p : "", n, hex);
			if (strcmp(hex, last) != 0 &&
			    blob_broken(r, last,
			                "the bytes do not match their "
			                "SHA-256") != 0)
				rc = -1;
			else if (strcmp(hex, last) == 0 &&
			         (int64_t)n != db_col_i64(st, 1) &&
			         blob_broken(r, last,
			                     "the size column does not match "
			                     "the bytes") != 0)
				rc = -1;
			if (rc < 0)
				break;
			count(r, 1);
		}
		db_finalize(st);
		if (rc < 0)
			return -1;
	} while (rows == BLOB_PAGE);
	return 0;
}

/* --- item versions -------------------------------------------------------- */

static int
check_versions(struct run *r)
{
	int64_t last_item = 0, last_version = 0;
	int rows, rc;
	r->stage = "item_versions";
	do {
		struct db_stmt *st = db_query(
		    r->db,
		    "SELECT v.item_id, v.version, v.text, v.media_json, "
		    "v.content_sha256, v.raw_sha256, CASE WHEN v.raw_sha256 "
		    "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM blobs b WHERE "
		    "b.sha256 = v.raw_sha256) THEN 1 ELSE 0 END, CASE WHEN "
		    "EXISTS (SELECT 1 FROM capture_log l WHERE l.item_id = "
		    "v.item_id AND l.version = v.version) THEN 1 ELSE 0 END "
		    "FROM item_versions v WHERE v.item_id > ? OR (v.item_id = "
		    "? AND v.version > ?) ORDER BY v.item_id, v.version LIMIT "
		    "?",
		    "iiii", last_item, last_item, last_version, (int64_t)PAGE);
		if (st == NULL)
			return -1;
		rows = 0;
		while ((rc = db_step(st)) == DB_ROW) {
			char sha[65], what[200];
			int64_t item = db_col_i64(st, 0);
			int64_t version = db_col_i64(st, 1);
			last_item = item;
			last_version = version;
			rows++;
			if (capture_content_sha256(db_col_text(st, 2),
			                           db_col_text(st, 3),
			                           sha) != 0)
				problem(r, "item_versions", 0, NULL, item,
				        version,
				        "media_json is not a list of media");
			else if (strcmp(sha, db_col_text(st, 4)) != 0)
				problem(r, "item_versions", 0, NULL, item,
				        version,
				        "content_sha256 does not match the "
				        "stored text and media");
			if (db_col_i64(st, 6) != 0) {
				snprintf(what, sizeof(what),
				         "the raw payload blob %s is missing",
				         db_col_text(st, 5));
				problem(r, "item_versions", 0, NULL, item,
				        version, what);
			}
			if (db_col_i64(st, 7) == 0)
				problem(
				    r, "item_versions", 0, NULL, item, version,
				    "the version is not in the capture log");
			count(r, 1);
		}
		db_finalize(st);
		if (rc < 0)
			return -1;
	} while (rows == PAGE);
	return 0;
}

/* --- rows that name a blob ------------------------------------------------ */

/* Each row of table (id, item_id, sha or NULL, 1 when that blob is
 * missing) from the keyset query sql: a missing blob is a problem named
 * by what ("the … blob"). */
static int
check_named_blobs(struct run *r, const char *table, const char *sql,
                  const char *what)
{
	int64_t last = 0;
	int rows, rc;
	r->stage = table;
	do {
		struct db_stmt *st =
		    db_query(r->db, sql, "ii", last, (int64_t)PAGE);
		if (st == NULL)
			return -1;
		rows = 0;
		while ((rc = db_step(st)) == DB_ROW) {
			char msg[200];
			last = db_col_i64(st, 0);
			rows++;
			if (db_col_i64(st, 3) != 0) {
				snprintf(msg, sizeof(msg), "%s %s is missing",
				         what, db_col_text(st, 2));
				problem(r, table, last, NULL, db_col_i64(st, 1),
				        0, msg);
			}
			count(r, 1);
		}
		db_finalize(st);
		if (rc < 0)
			return -1;
	} while (rows == PAGE);
	return 0;
}

/* --- removals ------------------------------------------------------------- */

/* The frozen evidence doc (n bytes) of removal id against the removal's
 * text_sha256. */
static void
check_evidence(struct run *r, int64_t id, int64_t item, int64_t version,
               const char *text_sha, const void *doc, size_t n)
{
	json_t *j = json_loadb(doc, n, 0, NULL);
	const char *frozen =
	    json_string_value(json_object_get(j, "text_sha256"));
	const char *text =
	    json_string_value(json_object_get(j, "rendered_text"));
	char sha[65];

	if (frozen == NULL || text == NULL)
		problem(r, "removals", id, NULL, item, version,
		        "the evidence document is not readable (no "
		        "text_sha256 or rendered_text)");
	else if (strcmp(frozen, text_sha) != 0)
		problem(r, "removals", id, NULL, item, version,
		        "text_sha256 differs from the frozen evidence "
		        "document's");
	else {
		sha256_hex(text, strlen(text), sha);
		if (strcmp(sha, frozen) != 0)
			problem(r, "removals", id, NULL, item, version,
			        "the evidence's rendered_text does not match "
			        "its text_sha256");
	}
	json_decref(j);
}

static int
check_removals(struct run *r)
{
	int64_t last = 0;
	int rows, rc;
	r->stage = "removals";
	do {
		struct db_stmt *st = db_query(
		    r->db,
		    "SELECT r.id, r.item_id, r.version, r.evidence_sha256, "
		    "r.text_sha256, b.bytes, CASE WHEN b.sha256 IS NULL THEN 1 "
		    "ELSE 0 END FROM removals r LEFT JOIN blobs b ON b.sha256 "
		    "= r.evidence_sha256 WHERE r.id > ? ORDER BY r.id LIMIT ?",
		    "ii", last, (int64_t)PAGE);
		if (st == NULL)
			return -1;
		rows = 0;
		while ((rc = db_step(st)) == DB_ROW) {
			int64_t item = db_col_i64(st, 1);
			int64_t version = db_col_i64(st, 2);
			last = db_col_i64(st, 0);
			rows++;
			if (db_col_i64(st, 6) != 0) {
				char msg[200];
				snprintf(msg, sizeof(msg),
				         "the evidence blob %s is missing",
				         db_col_text(st, 3));
				problem(r, "removals", last, NULL, item,
				        version, msg);
			} else {
				size_t n = 0;
				const void *p = db_col_blob(st, 5, &n);
				check_evidence(r, last, item, version,
				               db_col_text(st, 4), p ? p : "",
				               n);
			}
			count(r, 1);
		}
		db_finalize(st);
		if (rc < 0)
			return -1;
	} while (rows == PAGE);
	return 0;
}

/* --- the whole ------------------------------------------------------------ */

int
archive_verify(struct db *db, const struct verify_report *rep, int64_t *checked,
               int64_t *problems)
{
	struct run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.db = db;
	r.rep = rep;
	r.next_progress = VERIFY_PROGRESS;
	rc = check_chains(&r);
	if (rc == 0)
		rc = check_blobs(&r);
	if (rc == 0)
		rc = check_versions(&r);
	if (rc == 0)
		rc = check_named_blobs(
		    &r, "exchanges",
		    "SELECT x.id, 0, x.body_sha256, CASE WHEN x.body_sha256 "
		    "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM blobs b WHERE "
		    "b.sha256 = x.body_sha256) THEN 1 ELSE 0 END FROM "
		    "exchanges x WHERE x.id > ? ORDER BY x.id LIMIT ?",
		    "the response body blob");
	if (rc == 0)
		rc = check_removals(&r);
	if (rc == 0)
		rc = check_named_blobs(
		    &r, "registry_sends",
		    "SELECT s.id, s.item_id, s.xml_sha256, CASE WHEN "
		    "s.xml_sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
		    "blobs b WHERE b.sha256 = s.xml_sha256) THEN 1 ELSE 0 END "
		    "FROM registry_sends s WHERE s.id > ? ORDER BY s.id LIMIT "
		    "?",
		    "the arkivmelding blob");
	*checked = r.checked;
	*problems = r.problems;
	if (rc < 0)
		return -1;
	return r.problems > 0;
}

void
verify_problem_line(const struct verify_problem *p, char *out, size_t size)
{
	size_t len;
	int seq = strcmp(p->table, "audit") == 0 ||
	          strcmp(p->table, "capture_log") == 0;

	if (p->sha != NULL)
		snprintf(out, size, "%s sha256 %s", p->table, p->sha);
	else if (p->id != 0)
		snprintf(out, size, "%s %s %" PRId64, p->table,
		         seq ? "seq" : "id", p->id);
	else
		snprintf(out, size, "%s", p->table);
	len = strlen(out);
	if (p->item_id != 0 && len < size)
		snprintf(out + len, size - len, " item %" PRId64, p->item_id);
	len = strlen(out);
	if (p->version != 0 && len < size)
		snprintf(out + len, size - len, " version %" PRId64,
		         p->version);
	len = strlen(out);
	if (len < size)
		snprintf(out + len, size - len, ": %s", p->what);
}
