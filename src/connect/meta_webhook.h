/*
 * meta_webhook.h - Meta (Facebook Page, Instagram) webhooks: the signature
 * check of a delivery, the subscription handshake, and a delivery's
 * changes turned into items.  The HTTP endpoint that calls these lives in
 * src/web (wired by the lead); nothing here does I/O.
 */
#ifndef KV_META_WEBHOOK_H
#define KV_META_WEBHOOK_H

#include "connect.h"

#include <stddef.h>

/*
 * Checks the X-Hub-Signature-256 header of a delivery: it must be
 * "sha256=" and the 64 hex digits of HMAC-SHA256(app_secret, the raw body
 * as received), compared in constant time (hex case ignored).  Returns 0
 * when it matches, -1 when it does not or anything is missing.
 */
int meta_webhook_verify(const char *app_secret, const void *body, size_t len,
                        const char *x_hub_signature_256);

/*
 * The GET handshake (hub.mode, hub.verify_token, hub.challenge): returns
 * challenge (the caller's string, to be sent back as the body with 200)
 * when mode is "subscribe", verify_token equals expected_token (constant
 * time) and challenge is 1..256 printable ASCII characters without
 * spaces; else NULL (answer 403).
 */
const char *meta_webhook_challenge(const char *mode, const char *verify_token,
                                   const char *expected_token,
                                   const char *challenge);

/*
 * Parses a delivery (object "page" or "instagram") and emits its changes
 * through conn_emit: page "feed" comments and posts (verbs add, edited,
 * edit, remove -> deleted = 1, hide -> hidden = 1, unhide -> hidden = 0;
 * hide payloads name the author with sender_id/sender_name), page
 * "mention" -> ITEM_MENTION, Instagram "comments"/"live_comments" and
 * "mentions" (the latter also queued in state "ig_mentions" so the next
 * sync reads the mention's text).  Reactions and other fields are skipped.
 * Returns the number of items emitted, or -1 with ctx->err set
 * (CONN_E_MALFORMED, or the callback's stop).
 */
int meta_webhook_parse(struct conn_ctx *ctx, const char *body, size_t len);

#endif
