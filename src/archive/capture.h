/*
 * capture.h - the capture store: what the connectors saw, kept as
 * received and never rewritten (docs/CAPTURE.md).
 *
 * An item (post, comment, reply, mention, DM) is stored once per channel
 * and platform id; each change of its normalised content (text and media)
 * adds a version, and everything that happens to it — created, edited,
 * deleted, hidden, unhidden, reappeared — is an event.  Raw payloads and
 * response bodies are blobs stored once by SHA-256.  Every version, event
 * and HTTP exchange appends a row to the capture log, a hash chain like the
 * audit log, so `kanalvakt capture verify` notices any later change of a
 * version, an event, an exchange or a blob.
 *
 * The write functions run in one transaction each (joining the caller's
 * when one is open): on any error nothing of the call is written.  Running
 * the same sync twice stores nothing twice.  They take no actor: the sync
 * driver (src/jobs/sync.c) is the system.  The readers take the acting
 * person and show only items of channels they may see (an editor of one
 * unit never sees another unit's items).
 */
#ifndef KV_CAPTURE_H
#define KV_CAPTURE_H

#include "../connect/connect.h"
#include "../domain/domain.h"

#include <stdint.h>

/* What capture_item did. */
struct capture_result {
	int64_t item_id;
	int version; /* the item's current version after the call */
	int created, edited, deleted, reappeared, hidden, unhidden;
};

/* Stores n bytes as a blob once (by SHA-256); hex in sha[65].  Joins or
 * opens a transaction.  0 or -1. */
int capture_blob(struct db *db, const void *p, size_t n, const char *mime,
                 int64_t now, char sha[65]);

/* Stores one HTTP exchange of channel_id's sync and its response body (a
 * blob).  Values in secrets (NULL-terminated, may be NULL) and the values
 * of well-known token keys in a JSON body ("access_token",
 * "refresh_token", …) are replaced by "[secret]" first, so a token refresh
 * never stores a token.  *exchange_id set.  0 or -1. */
int capture_exchange(struct db *db, int64_t channel_id,
                     const struct fetch_resp *rs, const char *const *secrets,
                     int64_t now, int64_t *exchange_id);

/* Stores what the platform shows of it now (see the file comment).
 * exchange_id (0: none) names the exchange whose body held it.  r may be
 * NULL.  0 or -1. */
int capture_item(struct db *db, int64_t channel_id, const struct item *it,
                 int64_t exchange_id, int64_t now, struct capture_result *r);

/* A complete listing: the children of parent_id (NULL: the channel's own
 * top-level posts) are exactly ids[0..n).  Items of that parent not listed
 * and not yet deleted get a 'deleted' event; deleted ones listed again get
 * 'reappeared'.  *deleted / *reappeared counted (may be NULL).  0 or -1. */
int capture_listing(struct db *db, int64_t channel_id, const char *parent_id,
                    const char *const *ids, int n, int64_t now, int *deleted,
                    int *reappeared);

/* Stores a metric value (item_platform_id NULL: the channel's own; an
 * item not captured yet is stored without its item).  0 or -1. */
int capture_metric(struct db *db, int64_t channel_id,
                   const char *item_platform_id, const char *name, double value,
                   int64_t at, const char *source);

/* Recomputes the capture log chain, each logged object's hash against its
 * row, that every version is logged, and every blob's SHA-256.  0 when
 * intact (*checked rows and blobs), 1 with the first problem in *bad_seq
 * (0 for a blob) and why (static text; blob hex in bad_blob[65]), -1 on a
 * database error. */
int capture_verify(struct db *db, int64_t *checked, int64_t *bad_seq,
                   const char **why, char bad_blob[65]);

/* One break capture_walk finds: the log row's seq (the expected seq for a
 * missing row or a head that does not match) and what it names (0 / NULL
 * when the row is not there); why is static text. */
struct capture_break {
	int64_t seq, channel_id, item_id, version, object_id;
	const char *event, *why;
};
typedef void (*capture_break_fn)(void *ctx, const struct capture_break *b);

/* Walks the whole capture log like capture_verify (the chain and each
 * logged object against its row) but on past a break, reporting every
 * one to fn (a changed row is one break: the next row is checked against
 * the stored hash).  Reads a page of rows at a time (constant memory).
 * *checked rows, *versions_logged rows that log a version.  The number of
 * breaks, -1 on a database error. */
int capture_walk(struct db *db, capture_break_fn fn, void *ctx,
                 int64_t *checked, int64_t *versions_logged);

/* The content hash of a stored version ("kv-content-v1", as capture_item
 * computes it when it decides on a new version) from its text and its
 * media_json column into out[65].  0, or -1 when media_json is not an
 * array of at most ITEM_MAX_MEDIA objects. */
int capture_content_sha256(const char *text, const char *media_json,
                           char out[65]);

/* --- readers ------------------------------------------------------------ */

struct capture_row {
	int64_t id, channel_id;
	const char *channel_name, *platform, *platform_id, *type;
	const char *parent_platform_id, *thread_platform_id;
	const char *author_id, *author_handle, *author_name, *url, *lang;
	const char *text, *html; /* of the current version */
	const char *snippet;     /* search only */
	int inbound, hidden, current_version;
	int64_t created_at, first_seen_at, last_seen_at, edited_at;
	int64_t deleted_seen_at;
};

struct capture_version {
	int version;
	int64_t seen_at, exchange_id;
	const char *text, *html, *author_name, *content_sha256, *raw_sha256;
	const char *media_json;
};

struct capture_event {
	int64_t id, at;
	const char *kind, *detail;
};

struct capture_filter {
	int64_t channel_id; /* 0 = all the actor may see */
	const char *type;   /* "post", "comment", …; NULL = all */
	const char *author; /* author handle or id, exact; NULL = all */
	int64_t from, to;   /* created_at in [from, to); 0 = open */
	/* "live" (not deleted), "deleted", "hidden", "edited"; NULL = all */
	const char *state;
	int limit, offset; /* limit 1…500, default 50 */
};

/* Items the actor may see by filter, newest first; *total counts all
 * matches.  Rows in ar. */
enum kv_rc capture_list(struct db *db, struct arena *ar, const struct actor *a,
                        const struct capture_filter *f,
                        struct capture_row **out, int *n, int64_t *total);
/* One item with every version (oldest first) and event.  KV_NOTFOUND when
 * missing or not the actor's to see.  All in ar. */
enum kv_rc capture_get(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t id, struct capture_row *row,
                       struct capture_version **versions, int *nversions,
                       struct capture_event **events, int *nevents);
/* Full-text search (src/text/stem.h) within the filter; each row has a
 * snippet.  A query without words finds nothing (KV_OK, n 0). */
enum kv_rc capture_search(struct db *db, struct arena *ar,
                          const struct actor *a, const char *query,
                          const struct capture_filter *f,
                          struct capture_row **out, int *n);

json_t *capture_row_json(const struct capture_row *r);
json_t *capture_version_json(const struct capture_version *v);
json_t *capture_event_json(const struct capture_event *e);

#endif
