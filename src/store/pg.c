/*
 * pg.c - the PostgreSQL backend of db.h (libpq).
 *
 * Statements are executed with PQexecParams in text format when first
 * stepped; the `?` placeholders of our portable SQL become `$1…$n` (a `?`
 * inside a quoted literal or identifier is left alone).  Results are kept
 * whole in the PGresult and handed out row by row.  SQLSTATE classes map to
 * enum db_err.
 */
#include "db_impl.h"
#include "../base/buf.h"
#include "../base/log.h"
#include "../base/xmem.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum db_err
classify(const char *state)
{
	if (state == NULL)
		return DB_E_OTHER;
	if (strcmp(state, "23505") == 0)
		return DB_E_UNIQUE;
	if (strcmp(state, "23503") == 0)
		return DB_E_FK;
	if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0)
		return DB_E_CHECK;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return DB_E_BUSY;
	if (strncmp(state, "08", 2) == 0)
		return DB_E_CONNECT;
	return DB_E_OTHER;
}

static void
set_err_res(struct db *db, PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	char clean[512];
	size_t n;
	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(db->h);
	snprintf(clean, sizeof(clean), "%s", msg);
	n = strlen(clean);
	while (n > 0 && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
		clean[--n] = '\0';
	db_set_err(db,
	           res ? classify(PQresultErrorField(res, PG_DIAG_SQLSTATE))
	               : DB_E_CONNECT,
	           clean);
}

static void
notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* NOTICEs (e.g. IF NOT EXISTS) are not errors */
}

int
pg_open(struct db *db, const char *conninfo)
{
	PGconn *c = PQconnectdb(conninfo);
	db->h = c;
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		db_set_err(db, DB_E_CONNECT,
		           c ? PQerrorMessage(c) : "cannot reach PostgreSQL");
		return -1;
	}
	PQsetNoticeProcessor(c, notice_quiet, NULL);
	return pg_exec(db,
	               "SET TIME ZONE 'UTC'; SET client_encoding TO 'UTF8'");
}

void
pg_close(struct db *db)
{
	PQfinish(db->h);
	db->h = NULL;
}

void
pg_check(struct db *db)
{
	if (PQstatus(db->h) != CONNECTION_OK) {
		log_warn("db: PostgreSQL connection lost, resetting");
		PQreset(db->h);
		db->in_tx = 0;
		db->doomed = 0;
	}
}

/* Rewrites `?` placeholders to `$n`; returns malloc'd SQL. */
static char *
rewrite(const char *sql)
{
	struct buf b;
	int n = 0;
	char quote = 0;
	buf_init(&b, strlen(sql) * 4 + 64);
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			buf_addc(&b, *p);
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			buf_addc(&b, *p);
		} else if (*p == '?') {
			buf_printf(&b, "$%d", ++n);
		} else {
			buf_addc(&b, *p);
		}
	}
	return buf_detach(&b, NULL);
}

int
pg_step(struct db_stmt *st)
{
	struct db *db = st->db;
	PGresult *res;
	ExecStatusType s;

	if (!st->executed) {
		char *sql = rewrite(st->sql);
		st->executed = 1;
		res = PQexecParams(db->h, sql, st->nparams, NULL,
		                   (const char *const *)st->params, NULL, NULL,
		                   0);
		free(sql);
		s = PQresultStatus(res);
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
			set_err_res(db, res);
			PQclear(res);
			return -1;
		}
		st->res = res;
		st->nrows = PQntuples(res);
		st->row = 0;
		{
			const char *t = PQcmdTuples(res);
			db->changes = (t && *t) ? atoll(t) : 0;
		}
	}
	if (st->res == NULL)
		return -1;
	if (st->row < st->nrows) {
		st->cur = st->row++;
		return DB_ROW;
	}
	return DB_DONE;
}

int
pg_col_count(struct db_stmt *st)
{
	return st->res ? PQnfields(st->res) : 0;
}

int
pg_col_is_null(struct db_stmt *st, int col)
{
	if (st->res == NULL || st->cur < 0 || col >= PQnfields(st->res))
		return 1;
	return PQgetisnull(st->res, st->cur, col);
}

const char *
pg_col_text(struct db_stmt *st, int col)
{
	if (pg_col_is_null(st, col))
		return NULL;
	return PQgetvalue(st->res, st->cur, col);
}

void
pg_finalize(struct db_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
}

int
pg_exec(struct db *db, const char *sql)
{
	PGresult *res = PQexec(db->h, sql);
	ExecStatusType s = PQresultStatus(res);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		set_err_res(db, res);
		PQclear(res);
		return -1;
	}
	{
		const char *t = PQcmdTuples(res);
		db->changes = (t && *t) ? atoll(t) : 0;
	}
	PQclear(res);
	return 0;
}
