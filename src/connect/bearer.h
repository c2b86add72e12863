/*
 * bearer.h - OAuth 2.0 bearer-token calls with refresh, and a small set of
 * ids, shared by the connectors whose platforms hand out short-lived access
 * tokens with a refresh token (X API v2, YouTube/Google).
 *
 * The credentials live in ctx->cred: "access_token", "refresh_token",
 * "client_id", "client_secret" (optional), "expires_at" (UTC seconds,
 * number or string, optional).  bearer_call() refreshes before the call
 * when expires_at has passed (60 s margin), and once more when the
 * platform answers CONN_E_AUTH; a refresh stores the new tokens in cred
 * and sets ctx->cred_changed.  A refused refresh is CONN_E_AUTH.
 */
#ifndef KV_BEARER_H
#define KV_BEARER_H

#include "connect.h"

#include <stddef.h>

struct bearer_opts {
	const char *token_url; /* the platform's token endpoint */
	/* 1: client_id:client_secret as HTTP Basic when a secret is set (X);
	 * 0: client_secret in the form (Google) */
	int basic_auth;
};

/* 1 when cred's expires_at is known and passed (ctx->now + 60 s). */
int bearer_expired(const struct conn_ctx *ctx);

/* Refreshes the access token now (form POST grant_type=refresh_token).
 * CONN_OK with cred updated, CONN_E_AUTH when there is no refresh token or
 * the platform refused it, or the transport's rc. */
enum conn_rc bearer_refresh(struct conn_ctx *ctx, const struct bearer_opts *o);

/* One authorised call: adds "Authorization: Bearer …" to rq (after its
 * own headers; rq->headers must have a free slot) and runs conn_request,
 * refreshing as described above.  rs as conn_request (the caller always
 * calls fetch_resp_free). */
enum conn_rc bearer_call(struct conn_ctx *ctx, const struct bearer_opts *o,
                         struct fetch_req *rq, struct fetch_resp *rs);

/* A set of ids (a run's "already emitted"), open addressing.  Zero it to
 * start; idset_free releases it. */
struct idset {
	char **v;
	size_t cap, n;
};

/* Adds id (copied): 1 when it was new, 0 when already there. */
int idset_add(struct idset *s, const char *id);
/* 1 when id is in the set. */
int idset_has(const struct idset *s, const char *id);
void idset_free(struct idset *s);

/* A JSON count that may be a number or a numeric string (Google sends
 * strings): its value, or -1 when absent or not a count. */
int64_t json_count(const json_t *j);

#endif
