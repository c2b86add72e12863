/*
 * db_impl.h - what db.c shares with the two backends; not for other layers.
 */
#ifndef KV_DB_IMPL_H
#define KV_DB_IMPL_H

#include "db.h"

#include <stddef.h>

#define DB_MAX_PARAMS 32

struct db {
	enum db_kind kind;
	void *h;          /* sqlite3 * or PGconn * */
	char err[512];    /* last error text */
	enum db_err code; /* last error class */
	int in_tx;        /* depth of db_begin() calls; 0 = no transaction */
	int doomed;       /* an inner part rolled back: the outer one must */
	int64_t changes;  /* rows changed by the last statement */
	void *cache;      /* sqlite: statement cache */
};

struct db_stmt {
	struct db *db;
	const char *sql; /* the caller's literal */
	/* sqlite */
	void *st;   /* sqlite3_stmt * */
	int cached; /* st belongs to the connection cache */
	/* pg */
	char *params[DB_MAX_PARAMS]; /* malloc'd text values or NULL */
	int nparams;
	void *res; /* PGresult * once executed */
	int row;   /* next row to return */
	int nrows;
	int executed;
	int cur;             /* current row index, -1 before the first */
	unsigned char *blob; /* pg: the last db_col_blob() decoded */
};

void db_set_err(struct db *db, enum db_err code, const char *msg);

int sqlite_open(struct db *db, const char *path);
void sqlite_close(struct db *db);
int sqlite_prepare(struct db_stmt *st);
void sqlite_bind_i64(struct db_stmt *st, int idx, int64_t v);
void sqlite_bind_text(struct db_stmt *st, int idx, const char *s);
void sqlite_bind_null(struct db_stmt *st, int idx);
void sqlite_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n);
const void *sqlite_col_blob(struct db_stmt *st, int col, size_t *n);
int sqlite_step(struct db_stmt *st);
int sqlite_col_count(struct db_stmt *st);
int sqlite_col_is_null(struct db_stmt *st, int col);
int64_t sqlite_col_i64(struct db_stmt *st, int col);
const char *sqlite_col_text(struct db_stmt *st, int col);
void sqlite_finalize(struct db_stmt *st);
int sqlite_exec(struct db *db, const char *sql);

int pg_open(struct db *db, const char *conninfo);
void pg_close(struct db *db);
void pg_check(struct db *db);
int pg_step(struct db_stmt *st);
int pg_col_count(struct db_stmt *st);
int pg_col_is_null(struct db_stmt *st, int col);
const char *pg_col_text(struct db_stmt *st, int col);
void pg_finalize(struct db_stmt *st);
int pg_exec(struct db *db, const char *sql);

#endif
