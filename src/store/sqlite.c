/*
 * sqlite.c - the SQLite backend of db.h.
 *
 * Each connection runs in WAL mode with foreign keys on and a busy timeout,
 * so readers never block writers and `BEGIN IMMEDIATE` serialises writers.
 * Prepared statements are cached per connection keyed by the SQL literal's
 * address (SQL text is always a literal, so the address identifies it); a
 * statement already in use by an outer query is prepared afresh.
 */
#include "db_impl.h"
#include "../base/xmem.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 256 /* power of two */

struct cache_slot {
	const char *sql;
	sqlite3_stmt *st;
	int busy;
};

static enum db_err
classify(int rc)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return DB_E_UNIQUE;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return DB_E_FK;
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		return DB_E_CHECK;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_E_BUSY;
	case SQLITE_CANTOPEN:
		return DB_E_CONNECT;
	case SQLITE_CONSTRAINT:
		return DB_E_CHECK;
	}
	return DB_E_OTHER;
}

static void
set_err(struct db *db)
{
	sqlite3 *h = db->h;
	db_set_err(db, classify(sqlite3_extended_errcode(h)),
	           sqlite3_errmsg(h));
}

int
sqlite_open(struct db *db, const char *path)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                             SQLITE_OPEN_NOMUTEX,
	                         NULL);
	db->h = h;
	if (rc != SQLITE_OK) {
		db_set_err(db, DB_E_CONNECT,
		           h ? sqlite3_errmsg(h) : "cannot open SQLite file");
		return -1;
	}
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, 10000);
	db->cache = xcalloc(CACHE_SLOTS, sizeof(struct cache_slot));
	if (sqlite_exec(db, "PRAGMA journal_mode=WAL;"
	                    "PRAGMA foreign_keys=ON;"
	                    "PRAGMA synchronous=NORMAL;"
	                    "PRAGMA trusted_schema=OFF;") != 0)
		return -1;
	return 0;
}

void
sqlite_close(struct db *db)
{
	struct cache_slot *c = db->cache;
	if (c != NULL)
		for (int i = 0; i < CACHE_SLOTS; i++)
			sqlite3_finalize(c[i].st);
	free(db->cache);
	db->cache = NULL;
	sqlite3_close(db->h);
	db->h = NULL;
}

static struct cache_slot *
slot_for(struct db *db, const char *sql)
{
	struct cache_slot *c = db->cache;
	uintptr_t k = (uintptr_t)sql;
	size_t i = (size_t)((k >> 3) ^ (k >> 11)) & (CACHE_SLOTS - 1);
	return &c[i];
}

int
sqlite_prepare(struct db_stmt *st)
{
	struct db *db = st->db;
	struct cache_slot *s = slot_for(db, st->sql);
	sqlite3_stmt *raw = NULL;

	if (s->sql == st->sql && s->st != NULL && !s->busy) {
		s->busy = 1;
		st->st = s->st;
		st->cached = 1;
		return 0;
	}
	if (sqlite3_prepare_v3(db->h, st->sql, -1, SQLITE_PREPARE_PERSISTENT,
	                       &raw, NULL) != SQLITE_OK) {
		set_err(db);
		return -1;
	}
	st->st = raw;
	if (!s->busy) {
		/* take over the slot: evict whatever was there */
		sqlite3_finalize(s->st);
		s->sql = st->sql;
		s->st = raw;
		s->busy = 1;
		st->cached = 1;
	}
	return 0;
}

void
sqlite_bind_i64(struct db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->st, idx, v);
}

void
sqlite_bind_text(struct db_stmt *st, int idx, const char *s)
{
	sqlite3_bind_text(st->st, idx, s, -1, SQLITE_TRANSIENT);
}

void
sqlite_bind_null(struct db_stmt *st, int idx)
{
	sqlite3_bind_null(st->st, idx);
}

void
sqlite_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	/* a zero-length blob must not bind NULL */
	sqlite3_bind_blob64(st->st, idx, n ? p : "", (sqlite3_uint64)n,
	                    SQLITE_TRANSIENT);
}

const void *
sqlite_col_blob(struct db_stmt *st, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(st->st, col);
	*n = (size_t)sqlite3_column_bytes(st->st, col);
	if (p == NULL && sqlite3_column_type(st->st, col) != SQLITE_NULL)
		return "";
	return p;
}

int
sqlite_step(struct db_stmt *st)
{
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		st->db->changes = sqlite3_changes64(st->db->h);
		return DB_DONE;
	}
	set_err(st->db);
	return -1;
}

int
sqlite_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(st->st);
}

int
sqlite_col_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

int64_t
sqlite_col_i64(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

const char *
sqlite_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->st, col);
}

void
sqlite_finalize(struct db_stmt *st)
{
	if (st->cached) {
		struct cache_slot *s = slot_for(st->db, st->sql);
		sqlite3_reset(st->st);
		sqlite3_clear_bindings(st->st);
		s->busy = 0;
	} else {
		sqlite3_finalize(st->st);
	}
	st->st = NULL;
}

int
sqlite_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		db_set_err(db, classify(sqlite3_extended_errcode(db->h)),
		           msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return -1;
	}
	db->changes = sqlite3_changes64(db->h);
	return 0;
}
