/*
 * linkedin.h - what src/connect/linkedin.c exposes besides conn_linkedin:
 * the parser of one page of a LinkedIn Rest.li collection (own posts or
 * comments), so the unit tests and fuzz/fuzz_linkedin.c can feed it bodies
 * directly.  Nothing here touches the network.
 */
#ifndef KV_LINKEDIN_H
#define KV_LINKEDIN_H

#include "connect.h"

/* What a page of /posts or /socialActions/{urn}/comments holds. */
enum li_kind {
	LI_POSTS = 0, /* elements are posts (ITEM_POST) */
	LI_COMMENTS,  /* first-level comments on parent (ITEM_COMMENT) */
	LI_REPLIES    /* comments on the comment parent (ITEM_REPLY) */
};

/* The caller's collections for one listing; all json owned by the caller. */
struct li_page {
	json_t *ids;     /* array: ids of this listing so far (appended) */
	json_t *seen;    /* object used as a set: ids emitted in this run */
	json_t *threads; /* array of {"id": our comment id, "urn": LinkedIn's
	                    comment URN}: comments with replies to fetch */
	int n;           /* elements on the page just read */
	int more;        /* 1: the collection says another page follows */
};

/*
 * Reads one page body of kind (parent: the post URN for comments, the
 * comment URN for replies; thread: the post URN) from org's point of view
 * (org: "urn:li:organization:123", for inbound), emits each element not in
 * pg->seen through conn_emit and appends its id to pg->ids.  start/count
 * are the page's request, to judge "more" when the body has no links.
 * Returns CONN_OK, CONN_E_MALFORMED (ctx->err set) when the body is not
 * the documented shape, or the caller's rc (CONN_E_PLATFORM when it set
 * none) when on_item asked to stop.
 */
enum conn_rc linkedin_parse_page(struct conn_ctx *ctx, const char *body,
                                 size_t len, enum li_kind kind, const char *org,
                                 const char *parent, const char *thread,
                                 int start, int count, struct li_page *pg);

/* The connector (platform "linkedin"). */
extern const struct connector conn_linkedin;

#endif
