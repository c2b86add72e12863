/*
 * connection.h - what the web side may know and do about a channel's
 * connection to its platform, without ever opening its credentials: read
 * the status (never a secret), ask for a poll now, and find the channel a
 * platform webhook is about.  Sealing new credentials is sync_connect()
 * (sync.h); opening them is only the sync driver's.
 */
#ifndef KV_CONNECTION_H
#define KV_CONNECTION_H

#include "../domain/domain.h"

#include <jansson.h>
#include <stdint.h>

struct conn_status {
	int64_t channel_id;
	const char *platform, *label; /* label: "Mastodon"; "" if none */
	int connected;                /* a connection row exists */
	int has_connector;            /* the platform has a connector */
	unsigned caps;                /* the connector's CAP_* bits */
	const char *note; /* what the platform does not allow (English) */
	const char *config_json; /* settings without secrets ("{}") */
	const char *last_status; /* "new", "ok", "auth", "rate_limit", … */
	const char *last_error;
	int64_t last_sync_at, next_poll_at, backoff_until, token_expires_at;
	int64_t updated_at;
	int failures, poll_interval;
	int64_t items; /* items captured of this channel */
};

/* The connection of a channel the actor may see (KV_NOTFOUND otherwise;
 * not connected is KV_OK with connected 0).  Strings in ar. */
enum kv_rc connection_get(struct db *db, struct arena *ar,
                          const struct actor *a, int64_t channel_id,
                          struct conn_status *out);

/* Makes a connected channel due now (clears its back-off): the next
 * scheduler pass polls it.  Admins and communications only (KV_FORBIDDEN);
 * KV_CONFLICT when the channel is not connected or not active.  Audited. */
enum kv_rc connection_poll_now(struct db *db, const struct actor *a,
                               int64_t channel_id, int64_t now,
                               struct verrs *v);

/* Channels whose connection needs a person: the token expires within
 * `within` seconds of now or the last poll failed for credentials.  Only
 * channels the actor may see; at most max; strings in ar. */
enum kv_rc connection_attention(struct db *db, struct arena *ar,
                                const struct actor *a, int64_t now,
                                int64_t within, struct conn_status **out,
                                int *n, int max);

/* The active channel of platform whose connection config has "account"
 * equal to account (a page or Instagram user id of a webhook), or 0 when
 * none / -1 on error.  No actor: webhooks are verified by signature. */
int64_t connection_by_account(struct db *db, const char *platform,
                              const char *account);

json_t *conn_status_json(const struct conn_status *s);

#endif
