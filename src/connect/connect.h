/*
 * connect.h - the one interface every platform connector implements
 * (src/connect/<platform>.c), the normalised item they emit, and the
 * request helper they all call (conn_request: fetch + record + retry +
 * back-off + the platform's own error reading).
 *
 * A connector knows HTTP and its platform's JSON/XML; it knows nothing of
 * the database.  The caller (src/jobs/sync.c, the CLI, tests) builds a
 * struct conn_ctx with the channel's configuration, its decrypted
 * credentials and its sync state, sets the emit callbacks, and calls an
 * operation.  Items go out through conn_emit(); every HTTP exchange goes
 * out through on_exchange, so the caller can keep raw payloads as
 * received.  Nothing is kept inside the connector between calls: what must
 * survive (cursors, since-ids, ETags, the account id learned at check_auth)
 * lives in ctx->state, which the caller persists after the call.
 *
 * Every operation returns an enum conn_rc; on anything but CONN_OK,
 * ctx->err says what the platform said, in its own words and code.
 *
 * Ownership: strings in struct item and struct conn_result point into
 * memory the connector owns for the duration of the emit callback (items)
 * or into the result's own arrays (results).  Callbacks copy what they
 * keep.  json_t objects in the ctx are owned by the caller; connectors may
 * set keys in state and cred (cred_changed = 1 then).
 */
#ifndef KV_CONNECT_H
#define KV_CONNECT_H

#include "fetch.h"

#include <jansson.h>
#include <stdint.h>

enum conn_rc {
	CONN_OK = 0,
	CONN_E_AUTH,        /* token missing, expired or revoked: reconnect */
	CONN_E_RATELIMIT,   /* throttled; err.retry_at says when to come back */
	CONN_E_NETWORK,     /* transport failed after retries */
	CONN_E_PLATFORM,    /* the platform refused (4xx/5xx with its body) */
	CONN_E_NOTFOUND,    /* the object is gone on the platform */
	CONN_E_MALFORMED,   /* the body was not what the platform documents */
	CONN_E_UNSUPPORTED, /* the platform has no such operation (see note) */
	CONN_E_CONFIG       /* the channel's configuration is incomplete */
};

/* Short English name of rc ("auth", "rate_limit", …), stable for APIs. */
const char *conn_rc_name(enum conn_rc rc);

struct conn_error {
	enum conn_rc rc;
	long http_status;  /* 0 when no response */
	char code[64];     /* the platform's error code/name, "" if none */
	char message[512]; /* the platform's message, or ours */
	int64_t retry_at;  /* UTC seconds; for CONN_E_RATELIMIT/NETWORK */
};

enum item_type {
	ITEM_POST =
	    0, /* a top-level post (ours, or a visitor's post on a page) */
	ITEM_COMMENT, /* a comment on a post */
	ITEM_REPLY,   /* a reply to a comment */
	ITEM_MENTION, /* someone else's post that mentions us */
	ITEM_DM       /* a direct/private message */
};

/* "post", "comment", "reply", "mention", "dm". */
const char *item_type_name(enum item_type t);

struct item_media {
	const char *url;    /* where the platform serves it, or NULL */
	const char *path;   /* local file (publishing, imports), or NULL */
	const char *mime;   /* "image/jpeg", or NULL */
	const char *alt;    /* alt text / description, or NULL */
	const char *sha256; /* hex of the bytes when known, or NULL */
};

#define ITEM_MAX_MEDIA 16

/* One normalised item, as the platform shows it now. */
struct item {
	enum item_type type;
	const char *id;        /* platform's id, unique within the channel */
	const char *parent_id; /* what it answers (post or comment), or NULL */
	const char *thread_id; /* the conversation's root post, or NULL */
	const char *author_id;
	const char *author_handle; /* "@name@host", "name.bsky.social", … */
	const char *author_name;   /* display name as shown then */
	int inbound;               /* 1: from others; 0: by our own account */
	const char *text;          /* plain text (HTML reduced to text) */
	const char *html;          /* as sent, when the platform sends HTML */
	const char *lang;          /* the platform's language tag, or NULL */
	int64_t created_at;        /* platform time, UTC seconds; 0 unknown */
	int64_t edited_at;         /* 0 when never edited (or unknown) */
	const char *url;           /* canonical public URL, or NULL */
	int deleted;               /* 1: the platform says it is gone */
	int hidden;                /* 1: hidden on the platform, -1 unknown */
	struct item_media media[ITEM_MAX_MEDIA];
	int nmedia;
	const char *raw;      /* this item's payload exactly as received */
	const char *raw_type; /* "application/json", "application/xml", … */
	/* counters as seen now, -1 unknown */
	int64_t likes, replies, shares, views;
};

/* Sets every field to "unknown": NULLs, -1 counters, hidden -1. */
void item_init(struct item *it);

/* What one call of publish or reply produced on the platform. */
struct conn_result {
	char id[256];
	char url[1024];
};

/* A post to publish (src/domain publishing builds these; issue 7). */
struct conn_post {
	const char *text;
	const char *title;    /* blogs: the post title; NULL elsewhere */
	const char *link;     /* a link to attach, or NULL */
	const char *reply_to; /* platform id to answer, or NULL */
	const char *lang;     /* BCP 47, or NULL */
	struct item_media media[ITEM_MAX_MEDIA]; /* path + mime + alt */
	int nmedia;
	const char *idempotency_key; /* same key = same post, never twice */
};

enum conn_mod { MOD_HIDE = 0, MOD_UNHIDE, MOD_DELETE };

/* Capability bits of a connector. */
enum {
	CAP_OWN_POSTS = 1u << 0,
	CAP_COMMENTS = 1u << 1,
	CAP_MENTIONS = 1u << 2,
	CAP_DMS = 1u << 3,
	CAP_REPLY = 1u << 4,
	CAP_HIDE = 1u << 5,          /* hide others' comments */
	CAP_DELETE_OTHERS = 1u << 6, /* delete others' comments */
	CAP_PUBLISH = 1u << 7,
	CAP_PUBLISH_MEDIA = 1u << 8,
	CAP_METRICS = 1u << 9,
	CAP_WEBHOOK = 1u << 10,
	CAP_REFRESH = 1u << 11 /* can refresh its own token */
};

struct conn_ctx;

struct connector {
	const char *platform;     /* channels.platform */
	const char *label;        /* "Mastodon" */
	const char *default_base; /* e.g. "https://graph.facebook.com/v23.0" */
	int poll_interval;        /* seconds between polls, suited to quota */
	unsigned caps;
	/* English: what the platform does not allow, shown to users */
	const char *note;
	/* Checks the credentials (refreshing them when the platform allows),
	 * learns the account's id into state, sets ctx->token_expires_at. */
	enum conn_rc (*check_auth)(struct conn_ctx *ctx);
	/* One poll cycle: own posts, comments/replies, mentions, DMs. */
	enum conn_rc (*sync)(struct conn_ctx *ctx);
	enum conn_rc (*reply)(struct conn_ctx *ctx, const char *parent_id,
	                      const char *text, struct conn_result *out);
	enum conn_rc (*moderate)(struct conn_ctx *ctx, const char *item_id,
	                         enum conn_mod what);
	enum conn_rc (*publish)(struct conn_ctx *ctx, const struct conn_post *p,
	                        struct conn_result *out);
	/* Emits channel metrics (and per-post counters) via conn_emit_metric.
	 */
	enum conn_rc (*metrics)(struct conn_ctx *ctx);
	/* Reads a response in the platform's way: when it is an error, fills
	 * ctx->err (rc, code, message, retry_at) and returns 1; else 0.
	 * conn_request() calls it for every response. */
	int (*classify)(struct conn_ctx *ctx, const struct fetch_resp *rs);
};

/* The connector of a platform ("mastodon", "facebook_page", "blog", …),
 * or NULL.  Static; never freed. */
const struct connector *connector_find(const char *platform);
/* Every connector, NULL-terminated. */
extern const struct connector *const connectors[];

struct conn_ctx {
	const struct connector *c;
	/* --- set by the caller ------------------------------------------ */
	int64_t channel_id;
	const char *base_url; /* API base (config "base_url" or default) */
	json_t *config;       /* channel config: "account", "kind", … */
	json_t *cred;         /* decrypted credentials */
	json_t *state;        /* sync state, persisted by the caller */
	int64_t now;          /* UTC seconds at the start of the call */
	int max_retries;      /* transport/5xx/short-429 retries; 3 default */
	int64_t backoff_base_ms;   /* 1000 default (tests set it small) */
	int64_t max_inline_wait_s; /* wait inline for a 429 up to this; 5 */
	int max_pages;             /* pages per listing per cycle; 50 default */
	void *ud;                  /* the caller's, passed to the callbacks */
	/* an item seen; 0 to go on, -1 to stop the cycle (err set by caller) */
	int (*on_item)(void *ud, const struct item *it);
	/* a complete listing: the children of parent_id (NULL: our own posts)
	 * on the platform are exactly ids[0..n); the rest have disappeared */
	int (*on_listing)(void *ud, const char *parent_id,
	                  const char *const *ids, int n);
	/* a metric value; item_id NULL for the channel */
	int (*on_metric)(void *ud, const char *item_id, const char *name,
	                 double value, int64_t at);
	/* every HTTP exchange, as received (for raw capture and WARC) */
	void (*on_exchange)(void *ud, const struct fetch_resp *rs,
	                    const void *req_body, size_t req_len);
	/* --- set by the connector --------------------------------------- */
	struct conn_error err;
	int cred_changed;         /* cred was refreshed; caller re-encrypts */
	int64_t token_expires_at; /* 0 unknown */
	int requests;             /* HTTP requests made in this call */
	int items;                /* items emitted in this call */
	/* --- private ---------------------------------------------------- */
	int owned_; /* which of config/cred/state conn_ctx_init made */
};

/* Fills the caller's defaults (retries, back-off, pages) and base_url from
 * config or c->default_base.  config/cred/state may be NULL (empty objects
 * are made; the ctx then owns them until conn_ctx_cleanup). */
void conn_ctx_init(struct conn_ctx *ctx, const struct connector *c,
                   json_t *config, json_t *cred, json_t *state);
/* Releases the json objects conn_ctx_init made (not the caller's). */
void conn_ctx_cleanup(struct conn_ctx *ctx);

/*
 * conn_request - one platform call.  Runs fetch_do(rq, rs); reports the
 * exchange through on_exchange; on a transport failure, a 5xx or a 429
 * whose wait is at most max_inline_wait_s, waits (backoff_ms with jitter
 * or the platform's Retry-After) and tries again, up to max_retries;
 * then asks the connector's classify().  Returns CONN_OK with rs holding
 * a non-error response, or the rc in ctx->err (rs still holds the last
 * response; the caller always calls fetch_resp_free(rs)).
 */
enum conn_rc conn_request(struct conn_ctx *ctx, const struct fetch_req *rq,
                          struct fetch_resp *rs);

/* Sets ctx->err and returns rc (printf-style message). */
enum conn_rc conn_fail(struct conn_ctx *ctx, enum conn_rc rc, const char *code,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Emit helpers: call the callbacks when set; count; return 0 or -1. */
int conn_emit(struct conn_ctx *ctx, const struct item *it);
int conn_emit_listing(struct conn_ctx *ctx, const char *parent_id,
                      const char *const *ids, int n);
int conn_emit_metric(struct conn_ctx *ctx, const char *item_id,
                     const char *name, double value, int64_t at);

/* Config/cred/state helpers: the string at key, or NULL (owned by the
 * object). */
const char *conn_cfg(const struct conn_ctx *ctx, const char *key);
const char *conn_cred(const struct conn_ctx *ctx, const char *key);
const char *conn_state(const struct conn_ctx *ctx, const char *key);
/* Sets a string key in state (copied). */
void conn_state_set(struct conn_ctx *ctx, const char *key, const char *v);

/* Parses a JSON body with the project's limits (duplicate keys: the last
 * wins, as real exports need; depth capped).  NULL with ctx->err set to
 * CONN_E_MALFORMED when it is not JSON.  Caller json_decref()s. */
json_t *conn_json(struct conn_ctx *ctx, const struct fetch_resp *rs);

/* Reduces HTML (a status's content, a comment's textDisplay) to plain
 * text: tags dropped, <br> and </p> become newlines, entities decoded.
 * Returns malloc'd text. */
char *html_to_text(const char *html);

/* Standard metric names for on_metric (REQUIREMENTS §6). */
#define METRIC_FOLLOWERS   "followers"
#define METRIC_POSTS       "posts"
#define METRIC_VIEWS       "views"
#define METRIC_REACH       "reach"
#define METRIC_REACTIONS   "reactions"
#define METRIC_COMMENTS    "comments"
#define METRIC_SHARES      "shares"
#define METRIC_LINK_CLICKS "link_clicks"
#define METRIC_VIDEO_VIEWS "video_views"

#endif
