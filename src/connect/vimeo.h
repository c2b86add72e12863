/*
 * vimeo.h - what src/connect/vimeo.c exposes besides conn_vimeo: the
 * parser of one page of a Vimeo collection (videos or comments), so the
 * unit tests and fuzz/fuzz_vimeo.c can feed it bodies directly.  Nothing
 * here touches the network.
 */
#ifndef KV_VIMEO_H
#define KV_VIMEO_H

#include "connect.h"

/* What a page of /users/{id}/videos or /videos/{id}/comments holds. */
enum vm_kind {
	VM_VIDEOS = 0, /* our videos (ITEM_POST) */
	VM_COMMENTS,   /* comments on the video parent (ITEM_COMMENT) */
	VM_REPLIES     /* replies to the comment parent (ITEM_REPLY) */
};

/* The caller's collections for one listing; all json owned by the caller. */
struct vm_page {
	json_t *ids;     /* array: ids of this listing so far (appended) */
	json_t *seen;    /* object used as a set: ids emitted in this run */
	json_t *threads; /* array: ids (URIs) with comments/replies to read */
	char next[1024]; /* paging.next (a path), "" at the end */
	int n;           /* elements on the page just read */
};

/*
 * Reads one page body of kind (parent: the video URI for comments, the
 * comment URI for replies; thread: the video URI), emits each element not
 * in pg->seen through conn_emit, appends its id (the Vimeo URI, e.g.
 * "/videos/123" or "/videos/123/comments/456") to pg->ids and, for videos
 * with comments or comments with replies, to pg->threads.  me is our own
 * user URI ("/users/42") for inbound, or NULL.  Returns CONN_OK,
 * CONN_E_MALFORMED (ctx->err set) when the body is not the documented
 * shape, or the caller's rc when on_item asked to stop.
 */
enum conn_rc vimeo_parse_page(struct conn_ctx *ctx, const char *body,
                              size_t len, enum vm_kind kind, const char *me,
                              const char *parent, const char *thread,
                              struct vm_page *pg);

/* The connector (platform "vimeo"). */
extern const struct connector conn_vimeo;

#endif
