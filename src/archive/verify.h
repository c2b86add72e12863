/*
 * verify.h - `kanalvakt archive verify`: one pass over everything the
 * archive keeps (docs/CAPTURE.md "Integrity").  It walks the audit chain
 * and the capture log chain, re-hashes every blob, recomputes every item
 * version's content hash from its stored text and media, checks that
 * every version is logged, that every removal's frozen evidence is there
 * and names the text hash the removal row holds, and that every blob an
 * exchange, a version or a registry send names is there.  It reads a page
 * of rows at a time, so memory does not grow with the archive, and goes
 * on past a break: every break is reported with the exact object.
 */
#ifndef KV_VERIFY_H
#define KV_VERIFY_H

#include "../store/db.h"

#include <stddef.h>
#include <stdint.h>

/* One break.  Strings are owned by the checker and valid only during the
 * callback. */
struct verify_problem {
	const char *table; /* "audit", "capture_log", "blobs", … */
	int64_t id;        /* seq or row id; 0 when none */
	const char *sha;   /* the blob's SHA-256 (blobs), else NULL */
	int64_t item_id;   /* the item concerned, 0 when none */
	int64_t version;   /* its version, 0 when none */
	const char *what;  /* what is wrong, English */
};

struct verify_report {
	/* called for each break, in the order found */
	void (*problem)(void *ctx, const struct verify_problem *p);
	/* called every VERIFY_PROGRESS objects (may be NULL) */
	void (*progress)(void *ctx, const char *stage, int64_t checked);
	void *ctx;
};

#define VERIFY_PROGRESS 10000

/* Runs every check, reporting to rep.  *checked objects (rows and blobs),
 * *problems breaks.  0 when intact, 1 on any break, -1 on a database
 * error (the breaks found so far have been reported). */
int archive_verify(struct db *db, const struct verify_report *rep,
                   int64_t *checked, int64_t *problems);

/* p as one line without the newline into the caller's out[size] (cut when
 * longer), e.g. "removals id 3 item 12 version 1: the evidence blob … is
 * missing" or "audit seq 5: row content does not match its hash". */
void verify_problem_line(const struct verify_problem *p, char *out,
                         size_t size);

#endif
