/*
 * x.h - what the X connector (x.c) exposes beyond conn_x: the parser of a
 * page of posts, for the fuzzer (fuzz/fuzz_x.c) and tests.
 */
#ifndef KV_X_H
#define KV_X_H

#include "bearer.h"
#include "connect.h"

struct buf;

/* What a page of posts said, for the walker. */
struct x_page {
	char next[256];  /* meta.next_token, "" at the end */
	char newest[64]; /* meta.newest_id, "" when none */
	int nerrors;     /* errors[] next to data (a partial answer) */
	struct buf *own; /* when set: gets our top-level posts "id:epoch," */
};

/* Kinds of page (decide the type of others' posts): 0 our posts, 1 our
 * mentions, 2 a search of one of our conversations. */
enum { X_PAGE_OWN = 0, X_PAGE_MENTIONS, X_PAGE_CONV };

/*
 * x_parse_tweets - reads one page of posts (a user's posts, mentions, a
 * search) from body[0..len) and emits each through conn_emit, skipping ids
 * already in seen (the item id is the first of edit_history_tweet_ids).
 * me is our user id, recent the "id:epoch,…" list of our recent posts
 * (either may be NULL).  pg gets the paging token, the newest id and the
 * number of partial errors (also noted in state "partial_errors").
 * Returns CONN_OK, CONN_E_MALFORMED (ctx->err set), or CONN_E_PLATFORM
 * when on_item asked to stop.  Nothing returned needs freeing.
 */
enum conn_rc x_parse_tweets(struct conn_ctx *ctx, const char *body, size_t len,
                            int kind, const char *me, const char *recent,
                            struct idset *seen, struct x_page *pg);

#endif
