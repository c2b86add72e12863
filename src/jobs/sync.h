/*
 * sync.h - the sync driver: one poll cycle of one channel through its
 * connector, everything seen going into the capture store
 * (src/archive/capture.h), and the scheduler's pass over the channels due
 * (docs/CAPTURE.md "Sync driver").
 *
 * sync_channel() loads the channel and its connection (configuration,
 * credentials opened with the key file, sync state), finds the connector
 * by channels.platform, runs check_auth, sync and — when due — metrics.
 * Every exchange, item, listing and metric is stored as it arrives, each
 * in its own transaction, so a crash or a failure mid-way loses nothing
 * already seen and a second run stores nothing twice.  At the end it
 * persists the state, the re-sealed credentials when the connector
 * refreshed them, the token's expiry, the status and error, the failure
 * count, the back-off (the platform's retry time for a rate limit, a
 * jittered exponential delay for other errors) and the next poll time.
 * A change of status (ok → auth, …) is audited; single polls are not.
 */
#ifndef KV_SYNC_H
#define KV_SYNC_H

#include "../archive/capture.h"
#include "../archive/cred.h"

#include <stdint.h>

struct sync_options {
	/* 1: ask the connector for metrics; 0: not; -1: when the last
	 * connector metric is a day old or more */
	int metrics;
	int64_t backoff_base_ms; /* connector retries; 0: its default */
	int max_pages;           /* 0: the connector's default */
	/* the connector to run; NULL: connector_find(channels.platform) */
	const struct connector *connector;
	/* called after each item is stored (the CLI prints it); may be NULL */
	void (*on_captured)(void *ud, const struct item *it,
	                    const struct capture_result *r);
	void *ud;
};

struct sync_report {
	enum conn_rc rc;
	char status[32]; /* "ok", "auth", "rate_limit", …, "config" */
	char error[600]; /* English, the platform's own words when it spoke */
	int seen, created, edited, deleted, reappeared, hidden;
	int requests, exchanges, metrics;
	int media, media_failed; /* media downloaded and kept / not */
	int store_errors; /* items the store could not take (cycle stopped) */
	int cred_changed;
	int64_t next_poll_at, backoff_until, token_expires_at;
};

/* Runs one poll cycle of channel_id at now.  key opens and re-seals the
 * credentials.  0 when the cycle ran (whatever the platform answered:
 * see rep->status), -1 when it could not start or the database failed
 * (rep->error says why). */
int sync_channel(struct db *db, int64_t channel_id, const struct cred_key *key,
                 int64_t now, const struct sync_options *opt,
                 struct sync_report *rep);

/* Connects channel_id: stores config_json (a JSON object without
 * secrets) and cred_json (sealed with key), the connector's poll
 * interval, and makes it due now; replaces an earlier connection (state
 * kept unless reset_state).  Audited as actor (never the secrets).
 * KV_OK, KV_INVALID (bad JSON, unknown platform, inactive channel),
 * KV_NOTFOUND, KV_DBERR. */
enum kv_rc sync_connect(struct db *db, const struct actor *a,
                        int64_t channel_id, const struct cred_key *key,
                        const char *config_json, const char *cred_json,
                        int reset_state, int64_t now, struct verrs *v);

/* A channel's connection opened for one action on the platform — a
 * reply, a hide, a delete — rather than a poll (src/jobs/act.c): the
 * connector's context with the opened credentials and state; every HTTP
 * exchange is captured as in a sync.  sync_session_close() stores
 * refreshed credentials and the state (never the poll schedule) and frees
 * it.  NULL from open with an English reason in err (not connected, no
 * connector, credentials that the key cannot open). */
struct sync_session;
struct sync_session *sync_session_open(struct db *db, int64_t channel_id,
                                       const struct cred_key *key, int64_t now,
                                       char *err, size_t errlen);
/* The connector context (owned by the session). */
struct conn_ctx *sync_session_ctx(struct sync_session *s);
/* The id of the last exchange captured, 0 when none. */
int64_t sync_session_exchange(const struct sync_session *s);
/* 0, or -1 when the credentials or state could not be stored. */
int sync_session_close(struct sync_session *s);

/* Channels polled per scheduler pass at most (the rest wait). */
#define KV_SYNC_PER_PASS 20

/* Polls every active, connected channel whose next poll is due and whose
 * back-off has passed, up to max (oldest due first).  *polled counted.
 * 0, or -1 when the database failed. */
int sync_pass(struct db *db, const struct cred_key *key, int64_t now, int max,
              int *polled);

#endif
