/*
 * bluesky.h - the Bluesky connector's body parser, exposed for its
 * libFuzzer target (fuzz/fuzz_bluesky.c) and unit test.  The connector
 * itself is conn_bluesky in connect.c's table.
 */
#ifndef KV_BLUESKY_H
#define KV_BLUESKY_H

#include "connect.h"

enum bluesky_body {
	BLUESKY_FEED = 0,     /* app.bsky.feed.getAuthorFeed */
	BLUESKY_THREAD,       /* app.bsky.feed.getPostThread */
	BLUESKY_NOTIFICATIONS /* app.bsky.notification.listNotifications */
};

/* What one page held, and where the listing stands. */
struct bluesky_page {
	int n;            /* entries in the page */
	char cursor[512]; /* the next page's cursor, "" at the end */
	int64_t newest;   /* newest indexedAt seen (UTC seconds), 0 none */
	int64_t since;    /* in: entries older than this are known (0: none) */
	int reached;      /* out: an entry older than since was met */
	json_t *posts;    /* when set (caller's array), FEED adds our own
	                     top-level posts as {"uri", "replies"} */
};

/*
 * Reads one body of the given kind and emits its items through ctx
 * (conn_emit; for BLUESKY_THREAD also the listing of the root's direct
 * replies).  ctx->state "did" says which author is us.  Items whose URI is
 * a key of seen (a JSON object, may be NULL) are skipped; emitted URIs
 * are added.  Returns CONN_OK, CONN_E_MALFORMED (ctx->err set), or
 * CONN_E_PLATFORM when on_item stopped the cycle.
 */
enum conn_rc bluesky_parse(struct conn_ctx *ctx, enum bluesky_body kind,
                           const char *body, size_t len, json_t *seen,
                           struct bluesky_page *pg);

/* Grapheme clusters in the UTF-8 text s (what Bluesky's 300 limit
 * counts); -1 when s is not valid UTF-8. */
long bluesky_graphemes(const char *s);

#endif
