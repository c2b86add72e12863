/*
 * blog.h - the parts of the blog connector (blog.c, conn_blog) that read
 * outside data, exposed for the unit tests and the fuzz targets: a feed
 * document into items, and WordPress REST (wp/v2) posts and comments
 * bodies into items.
 *
 * Item ids within a blog channel: a feed entry keeps the feed's own id
 * (guid / atom:id / JSON Feed id); WordPress objects are "post/<id>" and
 * "comment/<id>" (two id sequences in one channel).
 */
#ifndef KV_BLOG_H
#define KV_BLOG_H

#include "connect.h"
#include "feed.h"

/* The connector (platform "blog"); registered in connect.c. */
extern const struct connector conn_blog;

/* Emits the entries of a parsed feed: ITEM_POST (ours, inbound 0), or
 * ITEM_COMMENT (inbound 1, parent from thr:in-reply-to) when comments is
 * set.  Entries whose id is in seen (a JSON object used as a set; may be
 * NULL) are skipped, and emitted ids are added to it.  0, or -1 when the
 * caller's callback asked to stop. */
int blog_emit_feed(struct conn_ctx *ctx, const struct feed *f, int comments,
                   json_t *seen);

/* Reads a wp/v2 posts array body and emits each post as ITEM_POST.  The
 * greatest "modified" seen is written to max_modified (when later than
 * what it holds; 32 bytes, "" to start).  ids, when not NULL, gets each
 * emitted id appended (a JSON array).  Returns the number of posts, or -1
 * with ctx->err set (CONN_E_MALFORMED, or the callback's stop). */
int wp_parse_posts(struct conn_ctx *ctx, const char *body, size_t len,
                   char max_modified[32], json_t *seen, json_t *ids);

/* The same for a wp/v2 comments array: ITEM_COMMENT (parent 0) or
 * ITEM_REPLY, hidden when the status is not "approved". */
int wp_parse_comments(struct conn_ctx *ctx, const char *body, size_t len,
                      char max_date[32], json_t *seen, json_t *ids);

#endif
