/*
 * jutil.h - small readers of platform JSON and emit helpers that several
 * connectors share (bluesky.c, mastodon.c, facebook.c, instagram.c,
 * meta_webhook.c, linkedin.c, bearer.c): a non-empty string member, an
 * integer member, a count sent as a number or a numeric string, ending a
 * parse the caller stopped, and emitting an item whose raw payload is a
 * JSON value.  Platform-specific readers stay in their connector.
 */
#ifndef KV_JUTIL_H
#define KV_JUTIL_H

#include "connect.h"

#include <jansson.h>
#include <stdint.h>

/* o[key] when it is a non-empty string, else NULL (borrowed from o). */
const char *conn_jstr(const json_t *o, const char *key);

/* o[key] when it is an integer, else -1. */
int64_t conn_jint(const json_t *o, const char *key);

/* A count v sent as an integer, a real or a numeric string; dflt when it
 * is none of these. */
int64_t json_count_or(const json_t *v, int64_t dflt);

/* Ends a parse when the caller's callback said stop: sets ctx->err
 * (CONN_E_PLATFORM "stopped") unless an error is already there; returns
 * ctx->err.rc. */
enum conn_rc conn_stopped(struct conn_ctx *ctx);

/* conn_emit() with it->raw set to j as compact JSON for the call (freed
 * here; it->raw is left pointing at nothing valid: do not reuse it). */
int conn_emit_json(struct conn_ctx *ctx, struct item *it, const json_t *j);

#endif
