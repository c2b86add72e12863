/*
 * graph.h - what the Meta Graph API connectors share (facebook.c,
 * instagram.c, meta_webhook.c): calls to graph.facebook.com with the
 * token in a header and appsecret_proof, the Graph error body read into
 * ctx->err (token expiry, throttle codes, permissions), cursor paging that
 * only follows links back to the configured API host, a small id set for
 * "nothing emitted twice in one run", and the body parsers each connector
 * exposes so the fuzz targets can reach them.
 *
 * Nothing here keeps state between calls; what must survive lives in
 * ctx->state.
 */
#ifndef KV_GRAPH_H
#define KV_GRAPH_H

#include "connect.h"

#include <jansson.h>
#include <stddef.h>

extern const struct connector conn_facebook_page;
extern const struct connector conn_instagram;

/* One name=value parameter of a Graph call; a list ends with k == NULL. */
struct graph_param {
	const char *k;
	const char *v;
};

/* A set of ids in insertion order (malloc'd copies). */
struct graph_ids {
	char **v;
	int n, cap;
};

/* Adds id when absent: 1 added, 0 already there. */
int graph_ids_add(struct graph_ids *s, const char *id);
/* 1 when id is in s. */
int graph_ids_has(const struct graph_ids *s, const char *id);
/* Frees the copies; s may be reused (zeroed). */
void graph_ids_free(struct graph_ids *s);

/* The token of the channel: cred "page_token", else "access_token", or
 * NULL.  Owned by ctx->cred. */
const char *graph_token(const struct conn_ctx *ctx);

/* Writes the hex HMAC-SHA256(app_secret, token) into out[65]. */
void graph_appsecret_proof(const char *app_secret, const char *token,
                           char out[65]);

/*
 * graph_call - one Graph request.  path is relative to ctx->base_url
 * ("123/feed") or an absolute paging link, which must lead to the same
 * scheme://host[:port] as base_url (else CONN_E_MALFORMED: a token is never
 * sent elsewhere).  GET and DELETE carry params in the query, POST as a
 * form body.  The token goes in an Authorization header; appsecret_proof
 * is added when cred has "app_secret".  On CONN_OK *out (when out is not
 * NULL) is the parsed JSON body (caller json_decref()s) and, when body is
 * not NULL, *body a copy of the raw body (caller free()s).  Errors are in
 * ctx->err.
 */
enum conn_rc graph_call(struct conn_ctx *ctx, const char *method,
                        const char *path, const struct graph_param *params,
                        json_t **out, char **body);

/* Same, with a ready body of content type ctype (multipart uploads). */
enum conn_rc graph_send(struct conn_ctx *ctx, const char *method,
                        const char *path, const char *ctype, const void *data,
                        size_t len, json_t **out);

/* Parses body with conn_json's limits; NULL with ctx->err set
 * (CONN_E_MALFORMED).  Caller json_decref()s. */
json_t *graph_load(struct conn_ctx *ctx, const char *body, size_t len);

/* connector.classify for Graph: reads {"error":{message,type,code,
 * error_subcode,error_user_msg,fbtrace_id}} into ctx->err.  Codes 190/102
 * are CONN_E_AUTH (subcodes 458/459/460/463/464/467 explained); 4, 17, 32,
 * 613 and 80001-80009 are CONN_E_RATELIMIT; 1, 2 are transient
 * (CONN_E_NETWORK, retried); 803 and 100/33 are CONN_E_NOTFOUND. */
int graph_classify(struct conn_ctx *ctx, const struct fetch_resp *rs);

/* The id of a Graph object member: a string, or an integer written out
 * (webhooks send numbers).  Returns buf or a string owned by j, NULL when
 * neither. */
const char *graph_idstr(json_t *j, char *buf, size_t len);

/* Parses a Graph time ("2021-07-04T19:50:58+0000") or epoch number; 0 when
 * absent or unreadable. */
int64_t graph_time(json_t *j);

/* The paging.next link of a list body, or NULL (owned by j). */
const char *graph_next(json_t *j);

/* Emits the insights of a body {data:[{name,period,values[{value,
 * end_time}] | total_value{value}}]} through conn_emit_metric for item_id
 * (NULL: the channel), names mapped by map (pairs platform, ours; NULL
 * end), others under their own name.  Object values (legacy breakdowns
 * such as page_fans_city) are summed.  Returns CONN_OK or
 * CONN_E_MALFORMED; -1 from the callback stops with CONN_E_PLATFORM. */
enum conn_rc graph_parse_insights(struct conn_ctx *ctx, const char *body,
                                  size_t len, const char *item_id,
                                  const char *const *map);

/* --- the connectors' body parsers (facebook.c, instagram.c) ------------ */

/*
 * facebook_parse_posts - a page of /{page-id}/feed or /published_posts:
 * emits each post not yet in seen (ITEM_POST; inbound when from.id is not
 * the page), adds it to seen and, when posts is not NULL, appends
 * "id\tnewest-activity-epoch" of each to it for the comment pass.  *next
 * gets a malloc'd paging link or NULL.
 */
enum conn_rc facebook_parse_posts(struct conn_ctx *ctx, const char *body,
                                  size_t len, const char *page_id,
                                  struct graph_ids *seen,
                                  struct graph_ids *posts, char **next);
/* A page of /{post-id}/comments (filter=stream): top-level comments are
 * ITEM_COMMENT, those with parent ITEM_REPLY; ids missing in old bodies are
 * taken from permalink_url.  All ids go into seen (emitted once). */
enum conn_rc facebook_parse_comments(struct conn_ctx *ctx, const char *body,
                                     size_t len, const char *page_id,
                                     const char *post_id,
                                     struct graph_ids *seen, char **next);
/* A page of /{page-id}/conversations with messages: ITEM_DM each. */
enum conn_rc facebook_parse_conversations(struct conn_ctx *ctx,
                                          const char *body, size_t len,
                                          const char *page_id,
                                          struct graph_ids *seen, char **next);

/* A page of /{ig-user-id}/media (or /tags when type is ITEM_MENTION):
 * emits media not in seen; appends "id\tcomments_count\ttimestamp" to
 * media when not NULL. */
enum conn_rc instagram_parse_media(struct conn_ctx *ctx, const char *body,
                                   size_t len, const char *username,
                                   enum item_type type, struct graph_ids *seen,
                                   struct graph_ids *media, char **next);
/* A page of /{media-id}/comments with nested replies{…}. */
enum conn_rc instagram_parse_comments(struct conn_ctx *ctx, const char *body,
                                      size_t len, const char *username,
                                      const char *media_id,
                                      struct graph_ids *seen, char **next);
/* The body of GET /{ig-user-id}?fields=mentioned_comment… or
 * mentioned_media…: one ITEM_MENTION. */
enum conn_rc instagram_parse_mention(struct conn_ctx *ctx, const char *body,
                                     size_t len, struct graph_ids *seen);

/* Hides (hide_param=true), shows (=false) or deletes a comment, the same
 * way on Facebook (hide_param "is_hidden") and Instagram ("hide");
 * CONN_E_PLATFORM when the platform does not confirm with success. */
enum conn_rc graph_moderate(struct conn_ctx *ctx, const char *item_id,
                            enum conn_mod what, const char *hide_param);

#endif
