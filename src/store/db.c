/*
 * db.c - backend dispatch, binding helpers, transactions, migrations and the
 * connection pool (see db.h).  Backend specifics live in sqlite.c and pg.c.
 */
#include "db_impl.h"
#include "../base/embed.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
db_set_err(struct db *db, enum db_err code, const char *msg)
{
	db->code = code;
	snprintf(db->err, sizeof(db->err), "%.500s", msg ? msg : "");
}

struct db *
db_open(const char *url, char *err, size_t errlen)
{
	struct db *db = xcalloc(1, sizeof(*db));
	int rc;

	if (url == NULL || *url == '\0') {
		snprintf(err, errlen,
		         "no database URL given (--db or KANALVAKT_DB)");
		free(db);
		return NULL;
	}
	if (str_starts(url, "sqlite:")) {
		db->kind = DB_SQLITE;
		rc = sqlite_open(db, url + 7);
	} else if (str_starts(url, "postgresql://") ||
	           str_starts(url, "postgres://")) {
		db->kind = DB_PG;
		rc = pg_open(db, url);
	} else if (str_starts(url, "pg:")) {
		db->kind = DB_PG;
		rc = pg_open(db, url + 3);
	} else {
		snprintf(
		    err, errlen,
		    "database URL must start with sqlite: or postgresql://");
		free(db);
		return NULL;
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s", db->err);
		db_close(db);
		return NULL;
	}
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->in_tx) {
		db->in_tx = 1; /* whatever depth: end it */
		db_rollback(db);
	}
	if (db->kind == DB_SQLITE)
		sqlite_close(db);
	else
		pg_close(db);
	free(db);
}

enum db_kind
db_kind(const struct db *db)
{
	return db->kind;
}

const char *
db_errmsg(const struct db *db)
{
	return db->err;
}

enum db_err
db_errcode(const struct db *db)
{
	return db->code;
}

int64_t
db_changes(const struct db *db)
{
	return db->changes;
}

struct db_stmt *
db_prepare(struct db *db, const char *sql)
{
	struct db_stmt *st = xcalloc(1, sizeof(*st));
	st->db = db;
	st->sql = sql;
	st->cur = -1;
	db->code = DB_OK;
	if (db->kind == DB_SQLITE && sqlite_prepare(st) != 0) {
		log_err("db: prepare failed: %s", db->err);
		free(st);
		return NULL;
	}
	return st;
}

static void
pg_set_param(struct db_stmt *st, int idx, char *v)
{
	if (idx < 1 || idx > DB_MAX_PARAMS) {
		free(v);
		return;
	}
	free(st->params[idx - 1]);
	st->params[idx - 1] = v;
	if (idx > st->nparams)
		st->nparams = idx;
}

void
db_bind_i64(struct db_stmt *st, int idx, int64_t v)
{
	if (st->db->kind == DB_SQLITE) {
		sqlite_bind_i64(st, idx, v);
	} else {
		char tmp[32];
		snprintf(tmp, sizeof(tmp), "%" PRId64, v);
		pg_set_param(st, idx, xstrdup(tmp));
	}
}

void
db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s == NULL) {
		db_bind_null(st, idx);
		return;
	}
	if (st->db->kind == DB_SQLITE)
		sqlite_bind_text(st, idx, s);
	else
		pg_set_param(st, idx, xstrdup(s));
}

void
db_bind_null(struct db_stmt *st, int idx)
{
	if (st->db->kind == DB_SQLITE)
		sqlite_bind_null(st, idx);
	else {
		pg_set_param(st, idx, NULL);
	}
}

void
db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = p;
	char *v;
	if (st->db->kind == DB_SQLITE) {
		sqlite_bind_blob(st, idx, p, n);
		return;
	}
	/* bytea's text input: \x then two hex digits a byte */
	v = xmalloc(2 * n + 3);
	v[0] = '\\';
	v[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		v[2 + 2 * i] = hex[b[i] >> 4];
		v[3 + 2 * i] = hex[b[i] & 15];
	}
	v[2 * n + 2] = '\0';
	pg_set_param(st, idx, v);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const void *
db_col_blob(struct db_stmt *st, int col, size_t *n)
{
	const char *s;
	size_t len;
	*n = 0;
	if (st->db->kind == DB_SQLITE)
		return sqlite_col_blob(st, col, n);
	s = pg_col_text(st, col);
	if (s == NULL)
		return NULL;
	free(st->blob);
	st->blob = NULL;
	/* bytea_output = hex (the default since PostgreSQL 9.0) */
	if (s[0] != '\\' || s[1] != 'x')
		return NULL;
	s += 2;
	len = strlen(s) / 2;
	st->blob = xmalloc(len + 1);
	for (size_t i = 0; i < len; i++) {
		int hi = hexval((unsigned char)s[2 * i]);
		int lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return NULL;
		st->blob[i] = (unsigned char)(hi << 4 | lo);
	}
	st->blob[len] = 0;
	*n = len;
	return st->blob;
}

int
db_step(struct db_stmt *st)
{
	int rc = st->db->kind == DB_SQLITE ? sqlite_step(st) : pg_step(st);
	/* constraint violations are answers, not faults; log the rest */
	if (rc < 0 && st->db->code != DB_E_UNIQUE && st->db->code != DB_E_FK &&
	    st->db->code != DB_E_CHECK)
		log_err("db: %s (in: %.120s)", st->db->err, st->sql);
	return rc;
}

int
db_col_count(struct db_stmt *st)
{
	return st->db->kind == DB_SQLITE ? sqlite_col_count(st)
	                                 : pg_col_count(st);
}

int
db_col_is_null(struct db_stmt *st, int col)
{
	return st->db->kind == DB_SQLITE ? sqlite_col_is_null(st, col)
	                                 : pg_col_is_null(st, col);
}

int64_t
db_col_i64(struct db_stmt *st, int col)
{
	const char *s;
	int64_t v = 0;
	if (st->db->kind == DB_SQLITE)
		return sqlite_col_i64(st, col);
	s = pg_col_text(st, col);
	if (s == NULL || parse_i64(s, &v) != 0)
		return 0;
	return v;
}

const char *
db_col_text(struct db_stmt *st, int col)
{
	return st->db->kind == DB_SQLITE ? sqlite_col_text(st, col)
	                                 : pg_col_text(st, col);
}

void
db_finalize(struct db_stmt *st)
{
	if (st == NULL)
		return;
	if (st->db->kind == DB_SQLITE)
		sqlite_finalize(st);
	else
		pg_finalize(st);
	for (int i = 0; i < DB_MAX_PARAMS; i++)
		free(st->params[i]);
	free(st->blob);
	free(st);
}

/* Counts `?` outside quotes: the number of values sql expects. */
static int
count_placeholders(const char *sql)
{
	int n = 0;
	char quote = 0;
	for (; *sql; sql++) {
		if (quote) {
			if (*sql == quote)
				quote = 0;
		} else if (*sql == '\'' || *sql == '"') {
			quote = *sql;
		} else if (*sql == '?') {
			n++;
		}
	}
	return n;
}

static struct db_stmt *
vquery(struct db *db, const char *sql, const char *types, va_list ap)
{
	struct db_stmt *st;
	int idx = 1;
	/* a mismatch is a programming error: fail loudly in every test */
	if (count_placeholders(sql) != (int)strlen(types ? types : ""))
		fatal("db_query: %d placeholders but types \"%s\" in: %s",
		      count_placeholders(sql), types ? types : "", sql);
	st = db_prepare(db, sql);
	if (st == NULL)
		return NULL;
	for (const char *t = types ? types : ""; *t; t++, idx++) {
		int64_t v;
		const void *bp;
		switch (*t) {
		case 'i':
			db_bind_i64(st, idx, va_arg(ap, int64_t));
			break;
		case 'j':
			v = va_arg(ap, int64_t);
			if (v == 0)
				db_bind_null(st, idx);
			else
				db_bind_i64(st, idx, v);
			break;
		case 't':
			db_bind_text(st, idx, va_arg(ap, const char *));
			break;
		case 'b':
			bp = va_arg(ap, const void *);
			db_bind_blob(st, idx, bp, va_arg(ap, size_t));
			break;
		default:
			fatal("db_query: bad type '%c' for %s", *t, sql);
		}
	}
	return st;
}

struct db_stmt *
db_query(struct db *db, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	va_start(ap, types);
	st = vquery(db, sql, types, ap);
	va_end(ap);
	return st;
}

int
db_run(struct db *db, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc;
	va_start(ap, types);
	st = vquery(db, sql, types, ap);
	va_end(ap);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW)
		;
	db_finalize(st);
	return rc == DB_DONE ? 0 : -1;
}

int
db_get_i64(struct db *db, int64_t *out, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc;
	va_start(ap, types);
	st = vquery(db, sql, types, ap);
	va_end(ap);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW) {
		*out = db_col_i64(st, 0);
		rc = 1;
	} else if (rc == DB_DONE) {
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

int
db_exec(struct db *db, const char *sql)
{
	db->code = DB_OK;
	return db->kind == DB_SQLITE ? sqlite_exec(db, sql) : pg_exec(db, sql);
}

int
db_begin(struct db *db)
{
	int rc;
	if (db->in_tx > 0) {
		/* joins the open transaction (see db.h) */
		db->in_tx++;
		return 0;
	}
	rc = db_exec(db, db->kind == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN");
	if (rc == 0) {
		db->in_tx = 1;
		db->doomed = 0;
	}
	return rc;
}

/* Ends the outermost transaction with ROLLBACK, keeping the error that
 * caused it. */
static void
really_rollback(struct db *db)
{
	char keep[sizeof(db->err)];
	enum db_err code = db->code;
	memcpy(keep, db->err, sizeof(keep));
	db_exec(db, "ROLLBACK");
	db->in_tx = 0;
	db->doomed = 0;
	memcpy(db->err, keep, sizeof(keep));
	db->code = code;
}

int
db_commit(struct db *db)
{
	if (db->in_tx > 1) {
		db->in_tx--;
		return db->doomed ? -1 : 0;
	}
	if (db->in_tx == 1 && db->doomed) {
		db_set_err(db, DB_E_OTHER, "a part of the transaction failed");
		really_rollback(db);
		return -1;
	}
	if (db_exec(db, "COMMIT") != 0) {
		/* SQLite keeps the transaction open on a failed COMMIT. */
		really_rollback(db);
		return -1;
	}
	db->in_tx = 0;
	return 0;
}

void
db_rollback(struct db *db)
{
	if (db->in_tx > 1) {
		/* an inner failure dooms the whole outer transaction */
		db->in_tx--;
		db->doomed = 1;
		return;
	}
	if (db->in_tx == 1)
		really_rollback(db);
}

/* --- migrations ----------------------------------------------------- */

static const char *
mig_dir(const struct db *db)
{
	return db->kind == DB_SQLITE ? "sql/sqlite/" : "sql/pg/";
}

/* Version number of an embedded migration path like sql/pg/0003_x.sql. */
static int
mig_version(const char *name, const char *dir)
{
	const char *base = name + strlen(dir);
	int v = 0, n = 0;
	for (; base[n] >= '0' && base[n] <= '9'; n++)
		v = v * 10 + (base[n] - '0');
	return n == 4 && base[4] == '_' ? v : -1;
}

int
db_schema_latest(const struct db *db)
{
	const char *dir = mig_dir(db);
	int latest = 0;
	for (size_t i = 0; i < embed_count; i++) {
		int v;
		if (!str_starts(embed_files[i].name, dir))
			continue;
		v = mig_version(embed_files[i].name, dir);
		if (v > latest)
			latest = v;
	}
	return latest;
}

static int
ensure_mig_table(struct db *db)
{
	return db_exec(db,
	               db->kind == DB_SQLITE
	                   ? "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                     "version INTEGER PRIMARY KEY, name TEXT NOT "
	                     "NULL, applied_at INTEGER NOT NULL) STRICT"
	                   : "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                     "version BIGINT PRIMARY KEY, name TEXT NOT "
	                     "NULL, applied_at BIGINT NOT NULL)");
}

int
db_schema_version(struct db *db)
{
	int64_t v = 0;
	if (ensure_mig_table(db) != 0)
		return -1;
	if (db_get_i64(
	        db, &v,
	        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
	        NULL) < 0)
		return -1;
	return (int)v;
}

int
db_migrate(struct db *db, int *applied)
{
	const char *dir = mig_dir(db);
	int latest = db_schema_latest(db);
	*applied = 0;
	if (ensure_mig_table(db) != 0)
		return -1;
	for (int v = 1; v <= latest; v++) {
		const struct embed_file *f = NULL;
		int64_t have = 0;
		char *sql;
		for (size_t i = 0; i < embed_count; i++)
			if (str_starts(embed_files[i].name, dir) &&
			    mig_version(embed_files[i].name, dir) == v)
				f = &embed_files[i];
		/* a gap is allowed: each area of an issue owns a number and
		 * is built on its own branch, so a branch may ship 0001 and
		 * 0004 only; every shipped file is still applied once, and
		 * a later build that fills the gap applies it then */
		if (f == NULL)
			continue;
		if (db_begin(db) != 0)
			return -1;
		/* several processes may migrate at once on PostgreSQL */
		if (db->kind == DB_PG &&
		    db_exec(db, "SELECT pg_advisory_xact_lock(7261001)") != 0)
			goto fail;
		if (db_get_i64(db, &have,
		               "SELECT COUNT(*) FROM schema_migrations WHERE "
		               "version = ?",
		               "i", (int64_t)v) < 0)
			goto fail;
		if (have) {
			db_rollback(db);
			continue;
		}
		sql = xstrndup((const char *)f->data, f->len);
		if (db_exec(db, sql) != 0) {
			char msg[sizeof(db->err) + 128];
			snprintf(msg, sizeof(msg), "%.100s: %s", f->name,
			         db->err);
			db_set_err(db, db->code, msg);
			free(sql);
			goto fail;
		}
		free(sql);
		if (db_run(db,
		           "INSERT INTO schema_migrations (version, name, "
		           "applied_at) VALUES (?, ?, ?)",
		           "iti", (int64_t)v, f->name + strlen(dir),
		           time_now()) != 0)
			goto fail;
		if (db_commit(db) != 0)
			return -1;
		(*applied)++;
	}
	return 0;
fail:
	db_rollback(db);
	return -1;
}

/* --- pool ----------------------------------------------------------- */

struct db_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *url;
	struct db **idle; /* stack of idle connections */
	int nidle;
	int open; /* connections created so far */
	int size;
};

struct db_pool *
db_pool_new(const char *url, int size, char *err, size_t errlen)
{
	struct db_pool *p;
	struct db *first = db_open(url, err, errlen);
	if (first == NULL)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->url = xstrdup(url);
	p->size = size < 1 ? 1 : size;
	p->idle = xcalloc((size_t)p->size, sizeof(*p->idle));
	p->idle[p->nidle++] = first;
	p->open = 1;
	return p;
}

void
db_pool_free(struct db_pool *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->nidle; i++)
		db_close(p->idle[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->idle);
	free(p->url);
	free(p);
}

struct db *
db_pool_get(struct db_pool *p)
{
	struct db *db = NULL;
	char err[256];

	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (p->nidle > 0) {
			db = p->idle[--p->nidle];
			break;
		}
		if (p->open < p->size) {
			p->open++;
			pthread_mutex_unlock(&p->mu);
			db = db_open(p->url, err, sizeof(err));
			if (db == NULL) {
				log_err("db pool: %s", err);
				pthread_mutex_lock(&p->mu);
				p->open--;
				pthread_mutex_unlock(&p->mu);
				return NULL;
			}
			return db;
		}
		pthread_cond_wait(&p->cv, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	if (db->kind == DB_PG)
		pg_check(db);
	return db;
}

void
db_pool_put(struct db_pool *p, struct db *db)
{
	if (db == NULL)
		return;
	if (db->in_tx) {
		log_warn("db pool: connection returned inside a transaction");
		db->in_tx = 1;
		db_rollback(db);
	}
	pthread_mutex_lock(&p->mu);
	p->idle[p->nidle++] = db;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}
