/*
 * t.h - the unit-test harness: header-only, no dependencies.
 *
 * A test file defines test functions with T_TEST(name), lists them in a
 * table of T_ENTRY(name) and runs the table from main() with T_RUN; the
 * checks are the T_* assertions below.  Every assertion is one check; a
 * failing check prints file:line and, for the typed checks,
 * both values (strings quoted, non-printable bytes as \xNN), and the test
 * goes on (so one run shows every failure).  The last line printed is
 * always "N passed, N failed" and the exit status is 1 when any check
 * failed (or when no check ran at all).
 *
 *   T_TEST(parse) { T_EQ_INT(f(1), 2); }
 *   int main(int argc, char **argv) {
 *           static const struct t_entry tests[] = {T_ENTRY(parse)};
 *           return T_RUN(tests, argc, argv);
 *   }
 *
 * Run a subset with: build/tests/test_x NAME... (test names as arguments).
 * Strings handed to T_EQ_STR may be NULL; NULL equals only NULL.
 */
#ifndef KV_T_H
#define KV_T_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long t_passed, t_failed;
static const char *t_current = "?";

/* Prints s quoted with controls and non-ASCII bytes escaped, or NULL. */
static inline void
t_show(const char *s)
{
	if (s == NULL) {
		fputs("NULL", stderr);
		return;
	}
	fputc('"', stderr);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(stderr, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	fputc('"', stderr);
}

static inline int
t_check(int ok, const char *file, int line, const char *expr)
{
	if (ok) {
		t_passed++;
		return 1;
	}
	t_failed++;
	fprintf(stderr, "FAIL %s: %s:%d: %s\n", t_current, file, line, expr);
	return 0;
}

static inline int
t_check_int(long long got, long long want, const char *file, int line,
            const char *expr)
{
	if (!t_check(got == want, file, line, expr))
		fprintf(stderr, "     got %lld, want %lld\n", got, want);
	return got == want;
}

static inline int
t_check_str(const char *got, const char *want, const char *file, int line,
            const char *expr)
{
	int ok = (got == NULL || want == NULL) ? got == want
	                                       : strcmp(got, want) == 0;
	if (!t_check(ok, file, line, expr)) {
		fputs("     got  ", stderr);
		t_show(got);
		fputs("\n     want ", stderr);
		t_show(want);
		fputc('\n', stderr);
	}
	return ok;
}

/* Each evaluates to 1 when the check passed, so a test can stop early:
 *   if (!T_ASSERT(p != NULL)) return; */
#define T_ASSERT(c) t_check(!!(c), __FILE__, __LINE__, #c)
#define T_EQ_INT(got, want)                                                    \
	t_check_int((long long)(got), (long long)(want), __FILE__, __LINE__,   \
	            #got " == " #want)
#define T_EQ_STR(got, want)                                                    \
	t_check_str((got), (want), __FILE__, __LINE__, #got " == " #want)

/* Marks a check that cannot run here (e.g. no PostgreSQL) in the log. */
#define T_NOTE(...)                                                            \
	do {                                                                   \
		fprintf(stderr, "note %s: ", t_current);                       \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
	} while (0)

#define T_TEST(name) static void name(void)

struct t_entry {
	const char *name;
	void (*fn)(void);
};

static inline int
t_run(const struct t_entry *t, size_t n, int argc, char **argv)
{
	for (size_t i = 0; i < n; i++) {
		int want = argc < 2;
		long before = t_failed;
		for (int k = 1; k < argc && !want; k++)
			want = strcmp(argv[k], t[i].name) == 0;
		if (!want)
			continue;
		t_current = t[i].name;
		t[i].fn();
		fprintf(stderr, "%s %s\n", t_failed > before ? "not ok" : "ok",
		        t[i].name);
	}
	fflush(stderr);
	printf("%ld passed, %ld failed\n", t_passed, t_failed);
	fflush(stdout);
	return t_failed > 0 || t_passed == 0;
}

/* Runs the tests of a table: T_RUN(tests, argc, argv) in main(). */
/* clang-format off */
#define T_ENTRY(f) {#f, f}
/* clang-format on */
#define T_RUN(table, argc, argv)                                               \
	t_run((table), sizeof(table) / sizeof((table)[0]), (argc), (argv))

/*
 * Database helpers, for test files that define T_DB before including t.h.
 *
 * t_db_fresh(kind) opens an empty database of that kind and returns it,
 * or NULL (with a note) when that kind is not available:
 *  - DB_SQLITE: a new file in a private temporary directory (mkdtemp
 *    under $TMPDIR or /tmp), removed with the directory by t_db_cleanup();
 *  - DB_PG: the database named by env KV_TEST_PG_URL.  Its public schema
 *    is dropped and recreated first, so the test owns the whole database;
 *    a session advisory lock (held until t_db_done) keeps two test
 *    binaries pointed at the same database from clobbering each other.
 * t_db_url() gives the URL of the last database opened, for tests that
 * need a second connection.
 */
#ifdef T_DB
#include "../../src/store/db.h"

#include <unistd.h>

#define T_PG_LOCK_SQL "SELECT pg_advisory_lock(726100271)"

static char t_dir[256];
static char t_url[512];
static int t_sqlite_seq;

static inline const char *
t_db_url(void)
{
	return t_url;
}

static inline struct db *
t_db_fresh(enum db_kind kind)
{
	char err[512];
	struct db *db;

	if (kind == DB_PG) {
		const char *pg = getenv("KV_TEST_PG_URL");
		if (pg == NULL || *pg == '\0') {
			T_NOTE("KV_TEST_PG_URL is not set: PostgreSQL part "
			       "skipped");
			return NULL;
		}
		snprintf(t_url, sizeof(t_url), "%s", pg);
	} else {
		if (t_dir[0] == '\0') {
			const char *tmp = getenv("TMPDIR");
			snprintf(t_dir, sizeof(t_dir), "%s/kvunit.XXXXXX",
			         tmp && *tmp ? tmp : "/tmp");
			if (mkdtemp(t_dir) == NULL) {
				perror(t_dir);
				t_dir[0] = '\0';
				return NULL;
			}
		}
		snprintf(t_url, sizeof(t_url), "sqlite:%s/t%d.db", t_dir,
		         ++t_sqlite_seq);
	}
	db = db_open(t_url, err, sizeof(err));
	if (!T_ASSERT(db != NULL)) {
		fprintf(stderr, "     %s: %s\n", t_url, err);
		return NULL;
	}
	if (kind == DB_PG &&
	    (!T_ASSERT(db_exec(db, T_PG_LOCK_SQL) == 0) ||
	     !T_ASSERT(db_exec(db, "DROP SCHEMA public CASCADE; "
	                           "CREATE SCHEMA public") == 0))) {
		fprintf(stderr, "     %s\n", db_errmsg(db));
		db_close(db);
		return NULL;
	}
	return db;
}

/* Closes db; for PostgreSQL this also releases the advisory lock. */
static inline void
t_db_done(struct db *db)
{
	db_close(db);
}

/* Removes the temporary directory and everything in it (call at exit). */
static inline void
t_db_cleanup(void)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	char path[300];
	if (t_dir[0] == '\0')
		return;
	for (int i = 1; i <= t_sqlite_seq; i++)
		for (size_t k = 0; k < sizeof(sfx) / sizeof(sfx[0]); k++) {
			snprintf(path, sizeof(path), "%s/t%d.db%s", t_dir, i,
			         sfx[k]);
			unlink(path);
		}
	rmdir(t_dir);
	t_dir[0] = '\0';
}
#endif

#endif
