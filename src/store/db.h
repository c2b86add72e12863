/*
 * db.h - the one store API over SQLite (embedded default) and PostgreSQL.
 *
 * SQL text is always a string literal written with `?` placeholders; every
 * value is bound (ARCHITECTURE.md "Storage rules").  The PostgreSQL backend
 * rewrites `?` to `$n`.  Both that rewriting and the check that the number
 * of `?` matches the bound values know only '…' and "…" quoting: write no
 * `?` inside SQL comments, E'' strings or $$ bodies.  Both backends speak the
 * same portable SQL subset: INTEGER/BIGINT ids, TEXT, int64 UTC seconds for
 * times, `RETURNING`, `ON CONFLICT`, no booleans (0/1 integers).
 *
 * A `struct db` is one connection and is used by one thread at a time; a
 * `struct db_pool` hands connections to server threads.  Statements are
 * short-lived: prepare (or db_query), step, finalize.  Text returned by
 * db_col_text() is valid until the next db_step() or db_finalize() on that
 * statement.
 */
#ifndef KV_DB_H
#define KV_DB_H

#include <stddef.h>
#include <stdint.h>

enum db_kind { DB_SQLITE = 1, DB_PG = 2 };

/* Classified errors so the domain can answer 409 rather than 500. */
enum db_err {
	DB_OK = 0,
	DB_E_UNIQUE,  /* unique or primary key violated */
	DB_E_FK,      /* foreign key violated */
	DB_E_CHECK,   /* CHECK / NOT NULL violated */
	DB_E_BUSY,    /* lock timeout or serialization failure */
	DB_E_CONNECT, /* could not reach or open the database */
	DB_E_OTHER
};

enum { DB_DONE = 0, DB_ROW = 1 };

struct db;
struct db_stmt;
struct db_pool;

/* Opens one connection to url ("sqlite:PATH", "postgresql://…",
 * "postgres://…" or "pg:CONNINFO").  Returns NULL with a message in err.
 * Caller closes with db_close(). */
struct db *db_open(const char *url, char *err, size_t errlen);
/* Closes a connection (NULL is fine).  Rolls back an open transaction. */
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
/* Returns the text of the last error on this connection (owned by db). */
const char *db_errmsg(const struct db *db);
/* Returns the class of the last error on this connection. */
enum db_err db_errcode(const struct db *db);

/* Prepares sql (a literal with `?` placeholders).  NULL on error.
 * Caller finalizes. */
struct db_stmt *db_prepare(struct db *db, const char *sql);
/* Binding is 1-based.  Text is copied (PG) or bound transiently-safe. */
void db_bind_i64(struct db_stmt *st, int idx, int64_t v);
/* Binds s, or SQL NULL when s is NULL. */
void db_bind_text(struct db_stmt *st, int idx, const char *s);
void db_bind_null(struct db_stmt *st, int idx);
/* Binds n bytes as a BLOB (SQLite) / bytea (PostgreSQL); copied. */
void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n);
/* Runs/advances: DB_ROW, DB_DONE, or -1 (see db_errcode). */
int db_step(struct db_stmt *st);
int db_col_count(struct db_stmt *st);
int db_col_is_null(struct db_stmt *st, int col);
int64_t db_col_i64(struct db_stmt *st, int col);
/* Column text (0-based), NULL for SQL NULL; valid until next step. */
const char *db_col_text(struct db_stmt *st, int col);
/* Column bytes of a BLOB/bytea column (0-based) and their length in *n;
 * NULL for SQL NULL.  Owned by the statement, valid until the next step,
 * the next db_col_blob() on it or finalize. */
const void *db_col_blob(struct db_stmt *st, int col, size_t *n);
/* Releases the statement (NULL is fine). */
void db_finalize(struct db_stmt *st);

/*
 * db_query() prepares sql and binds its arguments by a type string:
 *   'i' int64_t        't' const char * (NULL binds SQL NULL)
 *   'j' int64_t where 0 binds SQL NULL (optional ids)
 *   'b' two arguments: const void *, size_t (bytes for a BLOB/bytea)
 * Returns a statement to step, or NULL on error.  Caller finalizes.
 */
struct db_stmt *db_query(struct db *db, const char *sql, const char *types,
                         ...);
/* Runs a statement to completion; 0 or -1. db_changes() tells rows hit. */
int db_run(struct db *db, const char *sql, const char *types, ...);
/* Runs a query whose first column of first row is an integer:
 * 1 with *out set, 0 when no row, -1 on error. */
int db_get_i64(struct db *db, int64_t *out, const char *sql, const char *types,
               ...);
/* Rows changed by the last db_run(). */
int64_t db_changes(const struct db *db);
/* Runs parameterless SQL, possibly several statements; 0 or -1. */
int db_exec(struct db *db, const char *sql);

/* Transactions: BEGIN IMMEDIATE on SQLite (writers serialise at once),
 * BEGIN on PostgreSQL.  They nest by joining: a db_begin() inside an open
 * transaction only counts, its db_commit() only uncounts, and its
 * db_rollback() dooms the outer transaction, whose db_commit() then rolls
 * back and fails.  So a caller can make several domain writes (each with its
 * own begin/commit) one atomic change.  0 or -1. */
int db_begin(struct db *db);
int db_commit(struct db *db);
/* Rolls back if a transaction is open; always safe to call. */
void db_rollback(struct db *db);

/* Applies pending embedded migrations for this backend, each in its own
 * transaction.  *applied gets the count.  0 or -1 (err in db_errmsg). */
int db_migrate(struct db *db, int *applied);
/* Returns the highest applied migration version, 0 when none, -1 error. */
int db_schema_version(struct db *db);
/* Returns the newest version shipped in the binary for this backend. */
int db_schema_latest(const struct db *db);

/* A pool of up to size connections to one url, shared by threads. */
struct db_pool *db_pool_new(const char *url, int size, char *err,
                            size_t errlen);
void db_pool_free(struct db_pool *p);
/* Blocks until a connection is free (a broken PG connection is reset
 * first).  NULL when a new connection cannot be opened (the caller answers
 * 503).  Give it back with db_pool_put(). */
struct db *db_pool_get(struct db_pool *p);
void db_pool_put(struct db_pool *p, struct db *db);

#endif
