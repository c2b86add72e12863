/*
 * test_store.c - unit tests of src/store (db.h) on SQLite and, when env
 * KV_TEST_PG_URL names a PostgreSQL database, on PostgreSQL too: the same
 * test bodies run on each backend.
 *
 * Covered: migrations from empty (to db_schema_latest, idempotent), the
 * two schemas having the same tables and columns, bound values surviving
 * the round trip (quotes, `?` in text, UTF-8, NULL, int64 extremes),
 * classification of constraint errors, transactions, `?` inside quoted
 * SQL literals, and the SQLite statement cache under nested use.
 *
 * The PostgreSQL database is wiped (DROP SCHEMA public CASCADE) at the
 * start of each PG test; see t_db_fresh() in t.h.
 */
#define T_DB
#include "t.h"

#include "../../src/base/embed.h"
#include "../../src/base/util.h"
#include "../../src/domain/domain.h"
#include "../../src/store/db.h"

#include <stdint.h>
#include <string.h>

static const char *
kind_name(enum db_kind k)
{
	return k == DB_PG ? "pg" : "sqlite";
}

/* --- migrations ----------------------------------------------------------- */

/* Number of migrations shipped for db's backend (the numbers may have gaps
 * while the areas of an issue are built on separate branches). */
static int
shipped(const struct db *db)
{
	const char *dir = db_kind(db) == DB_PG ? "sql/pg/" : "sql/sqlite/";
	int n = 0;
	for (size_t i = 0; i < embed_count; i++)
		n += str_starts(embed_files[i].name, dir);
	return n;
}

static void
check_migrate(struct db *db)
{
	int applied = -1, latest = db_schema_latest(db);

	T_ASSERT(latest >= 1);
	T_EQ_INT(db_schema_version(db), 0);
	T_EQ_INT(db_migrate(db, &applied), 0);
	T_EQ_INT(applied, shipped(db));
	T_EQ_INT(db_schema_version(db), latest);
	/* a second run applies nothing and changes nothing */
	applied = -1;
	T_EQ_INT(db_migrate(db, &applied), 0);
	T_EQ_INT(applied, 0);
	T_EQ_INT(db_schema_version(db), latest);
	{
		int64_t n = -1;
		T_EQ_INT(db_get_i64(db, &n,
		                    "SELECT COUNT(*) FROM schema_migrations",
		                    NULL),
		         1);
		T_EQ_INT(n, shipped(db));
		/* the audit chain starts at its genesis row */
		T_EQ_INT(db_get_i64(db, &n,
		                    "SELECT seq FROM audit_head WHERE id = 1",
		                    NULL),
		         1);
		T_EQ_INT(n, 0);
	}
	/* an empty audit log verifies (nothing checked, nothing broken) */
	{
		int64_t checked = -1, bad = -1, hseq = -1;
		char hhash[65];
		const char *why = "x";
		T_EQ_INT(audit_verify(db, 0, NULL, &checked, &bad, &why, &hseq,
		                      hhash),
		         0);
		T_EQ_INT(checked, 0);
		T_EQ_INT(bad, 0);
		T_EQ_STR(why, NULL);
	}
	/* a second connection sees the migrated schema */
	{
		char err[256];
		struct db *db2 = db_open(t_db_url(), err, sizeof(err));
		if (T_ASSERT(db2 != NULL)) {
			applied = -1;
			T_EQ_INT(db_migrate(db2, &applied), 0);
			T_EQ_INT(applied, 0);
			T_EQ_INT(db_schema_version(db2), latest);
			db_close(db2);
		}
	}
}

/* --- bound values --------------------------------------------------------- */

static void
check_roundtrip(struct db *db)
{
	static const char *const texts[] = {
	    "",
	    "plain",
	    "it's",
	    "it''s",
	    "say \"hi\"",
	    "what?",
	    "? ? ?",
	    "'?'",
	    "$1 $2",
	    "back\\slash \\' \\\"",
	    "-- not a comment",
	    "/* nor this */",
	    "'; DROP TABLE rt; --",
	    "line\nbreak\r\n\ttab",
	    "\xc3\xa6\xc3\xb8\xc3\xa5 \xc3\x86\xc3\x98\xc3\x85",
	    "\xf0\x9f\x98\x80 \xe2\x82\xac",
	    "%s %d %n",
	};
	static const int64_t ints[] = {0,
	                               1,
	                               -1,
	                               INT64_MAX,
	                               INT64_MIN,
	                               INT64_MAX - 1,
	                               INT64_MIN + 1,
	                               4294967296LL,
	                               -2147483649LL};
	struct db_stmt *st;
	int64_t k = 0;

	T_EQ_INT(db_exec(db, "CREATE TABLE rt (k BIGINT PRIMARY KEY, "
	                     "s TEXT, n BIGINT)"),
	         0);
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		k++;
		T_EQ_INT(db_run(db, "INSERT INTO rt (k, s, n) VALUES (?, ?, ?)",
		                "iti", k, texts[i], (int64_t)(1000000 + i)),
		         0);
		T_EQ_INT(db_changes(db), 1);
		st = db_query(db, "SELECT s, n, length(s) FROM rt WHERE k = ?",
		              "i", k);
		if (!T_ASSERT(st != NULL))
			continue;
		if (T_EQ_INT(db_step(st), DB_ROW)) {
			T_EQ_STR(db_col_text(st, 0), texts[i]);
			T_EQ_INT(db_col_is_null(st, 0), 0);
			T_EQ_INT(db_col_i64(st, 1), (int64_t)(1000000 + i));
			T_EQ_INT(db_col_i64(st, 2), utf8_len(texts[i]));
			T_EQ_INT(db_col_count(st), 3);
		}
		T_EQ_INT(db_step(st), DB_DONE);
		db_finalize(st);
		/* the same value bound in a WHERE clause finds the row */
		{
			int64_t got = 0;
			T_EQ_INT(db_get_i64(db, &got,
			                    "SELECT k FROM rt WHERE s = ?", "t",
			                    texts[i]),
			         1);
			T_EQ_INT(got, k);
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(ints); i++) {
		int64_t got = 12345;
		k++;
		T_EQ_INT(db_run(db, "INSERT INTO rt (k, s, n) VALUES (?, ?, ?)",
		                "iti", k, "int", ints[i]),
		         0);
		T_EQ_INT(db_get_i64(db, &got, "SELECT n FROM rt WHERE k = ?",
		                    "i", k),
		         1);
		T_EQ_INT(got, ints[i]);
		got = 12345;
		T_EQ_INT(db_get_i64(db, &got, "SELECT k FROM rt WHERE n = ?",
		                    "i", ints[i]),
		         1);
		T_EQ_INT(got, k);
	}
	/* NULL: a NULL text pointer, db_bind_null and 'j' with 0 */
	k++;
	T_EQ_INT(db_run(db, "INSERT INTO rt (k, s, n) VALUES (?, ?, ?)", "itj",
	                k, (const char *)NULL, (int64_t)0),
	         0);
	st = db_query(db, "SELECT s, n FROM rt WHERE k = ?", "i", k);
	if (T_ASSERT(st != NULL) && T_EQ_INT(db_step(st), DB_ROW)) {
		T_EQ_INT(db_col_is_null(st, 0), 1);
		T_EQ_INT(db_col_is_null(st, 1), 1);
		T_EQ_STR(db_col_text(st, 0), NULL);
		T_EQ_STR(db_col_text(st, 1), NULL);
		T_EQ_INT(db_col_i64(st, 1), 0);
	}
	db_finalize(st);
	k++;
	st = db_prepare(db, "INSERT INTO rt (k, s, n) VALUES (?, ?, ?)");
	if (T_ASSERT(st != NULL)) {
		db_bind_i64(st, 1, k);
		db_bind_text(st, 2, "rebound");
		db_bind_null(st, 2); /* the last binding wins */
		db_bind_i64(st, 3, 7);
		T_EQ_INT(db_step(st), DB_DONE);
		db_finalize(st);
	}
	{
		int64_t n = -1;
		T_EQ_INT(db_get_i64(db, &n,
		                    "SELECT COUNT(*) FROM rt WHERE s IS NULL",
		                    NULL),
		         1);
		T_EQ_INT(n, 2);
		/* 'j' with a non-zero value binds the value */
		T_EQ_INT(db_run(db, "UPDATE rt SET n = ? WHERE s IS NULL", "j",
		                (int64_t)5),
		         0);
		T_EQ_INT(db_changes(db), 2);
		T_EQ_INT(db_get_i64(db, &n,
		                    "SELECT COUNT(*) FROM rt WHERE n = 5",
		                    NULL),
		         1);
		T_EQ_INT(n, 2);
		/* no row: 0 and *out untouched */
		n = 77;
		T_EQ_INT(db_get_i64(db, &n, "SELECT n FROM rt WHERE k = ?", "i",
		                    (int64_t)-99),
		         0);
		T_EQ_INT(n, 77);
	}
	T_EQ_INT(db_exec(db, "DROP TABLE rt"), 0);
}

/* `?` inside quotes is text, not a placeholder, on both backends. */
static void
check_placeholders(struct db *db)
{
	static const struct {
		const char *sql, *types, *a, *b, *want;
	} t[] = {
	    {"SELECT '?' || ?", "t", "x", NULL, "?x"},
	    {"SELECT ? || '?'", "t", "x", NULL, "x?"},
	    {"SELECT ? || '?' || ?", "tt", "a", "b", "a?b"},
	    {"SELECT 'it''s ?' || ?", "t", "x", NULL, "it's ?x"},
	    {"SELECT '''?''' || ?", "t", "x", NULL, "'?'x"},
	    {"SELECT \"q?\" FROM (SELECT ? AS \"q?\") AS sub", "t", "x", NULL,
	     "x"},
	    {"SELECT '? ?' || ? || '?'", "t", "-", NULL, "? ?-?"},
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct db_stmt *st;
		if (strlen(t[i].types) == 1)
			st = db_query(db, t[i].sql, t[i].types, t[i].a);
		else
			st = db_query(db, t[i].sql, t[i].types, t[i].a, t[i].b);
		if (!T_ASSERT(st != NULL)) {
			fprintf(stderr, "     %s\n", t[i].sql);
			continue;
		}
		if (T_EQ_INT(db_step(st), DB_ROW))
			T_EQ_STR(db_col_text(st, 0), t[i].want);
		else
			fprintf(stderr, "     %s: %s\n", t[i].sql,
			        db_errmsg(db));
		db_finalize(st);
	}
}

/* --- errors --------------------------------------------------------------- */

static void
check_errors(struct db *db)
{
	int64_t org = 0;
	struct db_stmt *st;

	T_EQ_INT(db_get_i64(db, &org,
	                    "INSERT INTO orgs (name, slug, country, timezone, "
	                    "default_lang, created_at) VALUES (?, ?, ?, ?, ?, "
	                    "?) RETURNING id",
	                    "ttttti", "Org", "org", "NO", "Europe/Oslo", "nb",
	                    (int64_t)1),
	         1);
	T_ASSERT(org > 0);
	T_EQ_INT(db_errcode(db), DB_OK);

	/* UNIQUE (slug) */
	T_EQ_INT(db_run(db,
	                "INSERT INTO orgs (name, slug, country, timezone, "
	                "default_lang, created_at) VALUES (?, ?, ?, ?, ?, ?)",
	                "ttttti", "Org 2", "org", "NO", "Europe/Oslo", "nb",
	                (int64_t)1),
	         -1);
	T_EQ_INT(db_errcode(db), DB_E_UNIQUE);
	T_ASSERT(db_errmsg(db)[0] != '\0');
	/* UNIQUE (primary key) */
	T_EQ_INT(db_run(db,
	                "INSERT INTO orgs (id, name, slug, country, timezone, "
	                "default_lang, created_at) VALUES (?, ?, ?, ?, ?, ?, "
	                "?)",
	                "ittttti", org, "Org 3", "org3", "NO", "Europe/Oslo",
	                "nb", (int64_t)1),
	         -1);
	T_EQ_INT(db_errcode(db), DB_E_UNIQUE);
	/* FOREIGN KEY */
	T_EQ_INT(db_run(db,
	                "INSERT INTO units (org_id, name, kind, created_at, "
	                "updated_at) VALUES (?, ?, ?, ?, ?)",
	                "ittii", (int64_t)987654, "U", "unit", (int64_t)1,
	                (int64_t)1),
	         -1);
	T_EQ_INT(db_errcode(db), DB_E_FK);
	/* CHECK */
	T_EQ_INT(db_run(db,
	                "INSERT INTO orgs (name, slug, country, timezone, "
	                "default_lang, created_at) VALUES (?, ?, ?, ?, ?, ?)",
	                "ttttti", "Org 4", "org4", "DK", "Europe/Oslo", "nb",
	                (int64_t)1),
	         -1);
	T_EQ_INT(db_errcode(db), DB_E_CHECK);
	/* NOT NULL counts as CHECK */
	T_EQ_INT(db_run(db,
	                "INSERT INTO orgs (name, slug, country, timezone, "
	                "default_lang, created_at) VALUES (?, ?, ?, ?, ?, ?)",
	                "ttttti", (const char *)NULL, "org5", "NO",
	                "Europe/Oslo", "nb", (int64_t)1),
	         -1);
	T_EQ_INT(db_errcode(db), DB_E_CHECK);
	/* a success afterwards clears the error class */
	T_EQ_INT(db_run(db, "UPDATE orgs SET name = ? WHERE id = ?", "ti",
	                "Org", org),
	         0);
	T_EQ_INT(db_errcode(db), DB_OK);
	/* a syntax error is DB_E_OTHER, whether it shows at prepare or step */
	st = db_query(db, "SELEC 1", NULL);
	if (st != NULL) {
		T_EQ_INT(db_step(st), -1);
		db_finalize(st);
	}
	T_EQ_INT(db_errcode(db), DB_E_OTHER);
	T_EQ_INT(db_exec(db, "SELECT * FROM no_such_table"), -1);
	T_EQ_INT(db_errcode(db), DB_E_OTHER);
	/* nothing of the failed inserts is there */
	{
		int64_t n = -1;
		T_EQ_INT(db_get_i64(db, &n, "SELECT COUNT(*) FROM orgs", NULL),
		         1);
		T_EQ_INT(n, 1);
		T_EQ_INT(db_get_i64(db, &n, "SELECT COUNT(*) FROM units", NULL),
		         1);
		T_EQ_INT(n, 0);
	}
}

/* --- transactions --------------------------------------------------------- */

static int64_t
count_rows(struct db *db, const char *sql)
{
	int64_t n = -1;
	if (db_get_i64(db, &n, sql, NULL) != 1)
		return -1;
	return n;
}

static void
check_transactions(struct db *db)
{
	T_EQ_INT(db_exec(db, "CREATE TABLE tx (k BIGINT PRIMARY KEY, "
	                     "s TEXT NOT NULL)"),
	         0);
	/* rollback leaves nothing */
	T_EQ_INT(db_begin(db), 0);
	for (int i = 1; i <= 3; i++)
		T_EQ_INT(db_run(db, "INSERT INTO tx (k, s) VALUES (?, ?)", "it",
		                (int64_t)i, "x"),
		         0);
	T_EQ_INT(count_rows(db, "SELECT COUNT(*) FROM tx"), 3);
	db_rollback(db);
	T_EQ_INT(count_rows(db, "SELECT COUNT(*) FROM tx"), 0);
	db_rollback(db); /* harmless without a transaction */

	/* nesting joins the outer transaction: inner commits only count, an
	 * inner rollback dooms the whole, whose commit then fails */
	T_EQ_INT(db_begin(db), 0);
	T_EQ_INT(db_run(db, "INSERT INTO tx (k, s) VALUES (?, ?)", "it",
	                (int64_t)10, "outer"),
	         0);
	T_EQ_INT(db_begin(db), 0);
	T_EQ_INT(db_run(db, "INSERT INTO tx (k, s) VALUES (?, ?)", "it",
	                (int64_t)11, "inner ok"),
	         0);
	T_EQ_INT(db_commit(db), 0);
	T_EQ_INT(db_begin(db), 0);
	T_EQ_INT(db_run(db, "INSERT INTO tx (k, s) VALUES (?, ?)", "it",
	                (int64_t)12, "inner failed"),
	         0);
	db_rollback(db);
	T_EQ_INT(db_commit(db), -1);
	T_EQ_INT(count_rows(db, "SELECT COUNT(*) FROM tx"), 0);
	/* ... and nested commits all land with the outer one */
	T_EQ_INT(db_begin(db), 0);
	T_EQ_INT(db_begin(db), 0);
	T_EQ_INT(db_run(db, "INSERT INTO tx (k, s) VALUES (?, ?)", "it",
	                (int64_t)20, "nested"),
	         0);
	T_EQ_INT(db_commit(db), 0);
	T_EQ_INT(db_commit(db), 0);
	T_EQ_INT(count_rows(db, "SELECT COUNT(*) FROM tx"), 1);
	T_EQ_INT(db_run(db, "DELETE FROM tx", NULL), 0);

	/* a failed statement, then rollback: nothing of the transaction */
	T_EQ_INT(db_begin(db), 0);
	T_EQ_INT(db_run(db, "INSERT INTO tx (k, s) VALUES (?, ?)", "it",
	                (int64_t)1, "x"),
	         0);
	T_EQ_INT(db_run(db, "INSERT INTO tx (k, s) VALUES (?, ?)", "it",
	                (int64_t)1, "dup"),
	         -1);
	T_EQ_INT(db_errcode(db), DB_E_UNIQUE);
	db_rollback(db);
	T_EQ_INT(db_errcode(db), DB_E_UNIQUE); /* the cause is kept */
	T_EQ_INT(count_rows(db, "SELECT COUNT(*) FROM tx"), 0);

	/* commit keeps, and is visible to another connection */
	T_EQ_INT(db_begin(db), 0);
	T_EQ_INT(db_run(db, "INSERT INTO tx (k, s) VALUES (?, ?)", "it",
	                (int64_t)10, "kept"),
	         0);
	T_EQ_INT(db_commit(db), 0);
	T_EQ_INT(count_rows(db, "SELECT COUNT(*) FROM tx"), 1);
	{
		char err[256];
		struct db *db2 = db_open(t_db_url(), err, sizeof(err));
		if (T_ASSERT(db2 != NULL)) {
			T_EQ_INT(count_rows(db2, "SELECT COUNT(*) FROM tx"), 1);
			/* uncommitted rows of one connection stay invisible */
			T_EQ_INT(db_begin(db), 0);
			T_EQ_INT(db_run(db, "DELETE FROM tx WHERE k = ?", "i",
			                (int64_t)10),
			         0);
			T_EQ_INT(count_rows(db2, "SELECT COUNT(*) FROM tx"), 1);
			db_rollback(db);
			/* closing a connection rolls its transaction back */
			T_EQ_INT(db_begin(db2), 0);
			T_EQ_INT(db_run(db2, "DELETE FROM tx WHERE k = ?", "i",
			                (int64_t)10),
			         0);
			db_close(db2);
		}
	}
	T_EQ_INT(count_rows(db, "SELECT COUNT(*) FROM tx"), 1);
	T_EQ_INT(db_exec(db, "DROP TABLE tx"), 0);
}

/* The SQLite statement cache is keyed by the SQL literal's address: the
 * same literal used while an outer statement is still stepping must get
 * a statement of its own. */
static void
check_nested_same_sql(struct db *db)
{
	static const char q[] = "SELECT k FROM nest WHERE k > ? ORDER BY k";
	struct db_stmt *outer;
	int64_t seen = 0, inner_sum = 0;
	int rc;

	T_EQ_INT(db_exec(db, "CREATE TABLE nest (k BIGINT PRIMARY KEY)"), 0);
	for (int i = 1; i <= 5; i++)
		db_run(db, "INSERT INTO nest (k) VALUES (?)", "i", (int64_t)i);
	outer = db_query(db, q, "i", (int64_t)0);
	if (!T_ASSERT(outer != NULL))
		return;
	while ((rc = db_step(outer)) == DB_ROW) {
		int64_t k = db_col_i64(outer, 0);
		struct db_stmt *inner = db_query(db, q, "i", k);
		seen = seen * 10 + k;
		if (inner == NULL)
			break;
		while (db_step(inner) == DB_ROW)
			inner_sum += db_col_i64(inner, 0);
		db_finalize(inner);
	}
	T_EQ_INT(rc, DB_DONE);
	db_finalize(outer);
	T_EQ_INT(seen, 12345);
	/* rows after 1: 2+3+4+5, after 2: 3+4+5, ... */
	T_EQ_INT(inner_sum, 14 + 12 + 9 + 5 + 0);
	/* and the cached statement is reusable, with fresh bindings */
	outer = db_query(db, q, "i", (int64_t)4);
	if (T_ASSERT(outer != NULL) && T_EQ_INT(db_step(outer), DB_ROW))
		T_EQ_INT(db_col_i64(outer, 0), 5);
	db_finalize(outer);
	T_EQ_INT(db_exec(db, "DROP TABLE nest"), 0);
}

static void
store_suite(enum db_kind kind)
{
	struct db *db = t_db_fresh(kind);
	if (db == NULL)
		return;
	T_EQ_INT(db_kind(db), kind);
	fprintf(stderr, "     backend %s\n", kind_name(kind));
	check_migrate(db);
	check_roundtrip(db);
	check_placeholders(db);
	check_errors(db);
	check_transactions(db);
	check_nested_same_sql(db);
	t_db_done(db);
}

T_TEST(store_sqlite)
{
	store_suite(DB_SQLITE);
}

T_TEST(store_pg)
{
	store_suite(DB_PG);
}

T_TEST(open_errors)
{
	char err[256];
	err[0] = '\0';
	T_ASSERT(db_open("", err, sizeof(err)) == NULL);
	T_ASSERT(err[0] != '\0');
	err[0] = '\0';
	T_ASSERT(db_open(NULL, err, sizeof(err)) == NULL);
	T_ASSERT(err[0] != '\0');
	err[0] = '\0';
	T_ASSERT(db_open("mysql://localhost/x", err, sizeof(err)) == NULL);
	T_ASSERT(err[0] != '\0');
	err[0] = '\0';
	T_ASSERT(db_open("sqlite:/nonexistent-kv-dir/x/y.db", err,
	                 sizeof(err)) == NULL);
	T_ASSERT(err[0] != '\0');
	db_close(NULL);
	db_finalize(NULL);
}

struct buf_list {
	char items[64][64];
	int n;
};

static void
collect(struct db_stmt *st, struct buf_list *out)
{
	out->n = 0;
	while (st != NULL && db_step(st) == DB_ROW && out->n < 64) {
		const char *s = db_col_text(st, 0);
		snprintf(out->items[out->n++], 64, "%s", s ? s : "(null)");
	}
	db_finalize(st);
}

/* Lists the tables of the migrated schema, sorted by name (on SQLite
 * without FTS5's virtual table and its shadow tables, which PostgreSQL
 * replaces by an index). */
static void
list_tables(struct db *db, struct buf_list *out)
{
	if (db_kind(db) == DB_SQLITE)
		collect(db_query(db,
		                 "SELECT name FROM pragma_table_list WHERE "
		                 "schema = 'main' AND type = 'table' AND name "
		                 "NOT LIKE 'sqlite%' ORDER BY name",
		                 NULL),
		        out);
	else
		collect(
		    db_query(db,
		             "SELECT table_name FROM information_schema.tables "
		             "WHERE table_schema = current_schema() AND "
		             "table_type = 'BASE TABLE' ORDER BY table_name "
		             "COLLATE \"C\"",
		             NULL),
		    out);
}

static void
list_columns(struct db *db, const char *table, struct buf_list *out)
{
	if (db_kind(db) == DB_SQLITE)
		collect(
		    db_query(db,
		             "SELECT name FROM pragma_table_info(?) ORDER BY "
		             "name",
		             "t", table),
		    out);
	else
		collect(
		    db_query(db,
		             "SELECT column_name FROM "
		             "information_schema.columns WHERE table_schema = "
		             "current_schema() AND table_name = ? ORDER BY "
		             "column_name COLLATE \"C\"",
		             "t", table),
		    out);
}

static int
same_list(const struct buf_list *a, const struct buf_list *b, const char *what)
{
	int ok = a->n == b->n;
	for (int i = 0; ok && i < a->n; i++)
		ok = strcmp(a->items[i], b->items[i]) == 0;
	if (!ok) {
		fprintf(stderr, "     %s differ:\n     sqlite:", what);
		for (int i = 0; i < a->n; i++)
			fprintf(stderr, " %s", a->items[i]);
		fprintf(stderr, "\n     pg:    ");
		for (int i = 0; i < b->n; i++)
			fprintf(stderr, " %s", b->items[i]);
		fputc('\n', stderr);
	}
	return ok;
}

/* Both backends' migrations give the same tables with the same columns
 * (names only: the types differ by design, INTEGER vs BIGINT). */
T_TEST(schemas_match)
{
	struct db *lite, *pg;
	struct buf_list lt, pt;
	int applied;

	lite = t_db_fresh(DB_SQLITE);
	if (lite == NULL)
		return;
	T_EQ_INT(db_migrate(lite, &applied), 0);
	pg = t_db_fresh(DB_PG);
	if (pg == NULL) {
		t_db_done(lite);
		return;
	}
	T_EQ_INT(db_migrate(pg, &applied), 0);
	T_EQ_INT(db_schema_version(lite), db_schema_version(pg));
	list_tables(lite, &lt);
	list_tables(pg, &pt);
	T_ASSERT(lt.n >= 10);
	T_ASSERT(same_list(&lt, &pt, "tables"));
	for (int i = 0; i < lt.n; i++) {
		struct buf_list lc, pc;
		char what[96];
		list_columns(lite, lt.items[i], &lc);
		list_columns(pg, lt.items[i], &pc);
		snprintf(what, sizeof(what), "columns of %s", lt.items[i]);
		T_ASSERT(lc.n > 0);
		T_ASSERT(same_list(&lc, &pc, what));
	}
	t_db_done(pg);
	t_db_done(lite);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(store_sqlite),
	    T_ENTRY(store_pg),
	    T_ENTRY(open_errors),
	    T_ENTRY(schemas_match),
	};
	int rc;
	crypto_setup();
	rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
