/*
 * fetch.h - outbound HTTP for the connectors: one libcurl transfer with
 * caps and timeouts, the response's headers kept for rate limits and for
 * the record, rate-limit headers of every platform read into one shape,
 * and back-off with full jitter.
 *
 * Only http:// and https:// are allowed (redirects too), a body larger than
 * the cap aborts the transfer, and every transfer has a connect timeout and
 * a total timeout.  Secrets named in the request are replaced by "[secret]"
 * in the copy of the request kept for the record (fetch_resp.req_line,
 * req_headers), so tokens never reach the capture log or the log file.
 *
 * Used by src/connect only (the worker side); no database here.
 */
#ifndef KV_FETCH_H
#define KV_FETCH_H

#include <stddef.h>
#include <stdint.h>

#define FETCH_MAX_BODY    (32u << 20) /* default body cap: 32 MiB */
#define FETCH_MAX_HEADERS 24          /* request headers per transfer */
#define FETCH_MAX_SECRETS 4

enum fetch_err {
	FETCH_OK = 0,
	FETCH_E_NETWORK, /* could not connect, reset, DNS, TLS */
	FETCH_E_TIMEOUT, /* connect or total timeout */
	FETCH_E_TOOBIG,  /* body larger than max_body */
	FETCH_E_PARTIAL, /* connection closed before the body was complete */
	FETCH_E_URL,     /* not an http(s) URL, or a redirect elsewhere */
	FETCH_E_OTHER
};

struct fetch_req {
	const char *method; /* "GET" when NULL */
	const char *url;
	/* "Name: value" lines, NULL-terminated (at most FETCH_MAX_HEADERS) */
	const char *headers[FETCH_MAX_HEADERS + 1];
	const void *body; /* NULL: no body */
	size_t body_len;
	long timeout_ms; /* total; 30000 when 0 */
	size_t max_body; /* FETCH_MAX_BODY when 0 */
	int follow;      /* 1: follow up to 5 redirects */
	/* values (tokens, passwords) redacted in the recorded request */
	const char *secrets[FETCH_MAX_SECRETS + 1];
	/* HTTP Basic credentials "user:password" (redacted), or NULL */
	const char *userpwd;
	/* 1: connect only to public addresses (no loopback, private, link-
	 * local, multicast or unspecified ones, redirects included): for URLs
	 * that come from platform content, such as media */
	int public_only;
};

struct fetch_hdr {
	char *name; /* as sent by the server */
	char *value;
};

/* Everything the caller gets back; fetch_resp_free() releases it. */
struct fetch_resp {
	long status;           /* final HTTP status; 0 when none came */
	char *body;            /* NUL-terminated (malloc), "" when empty */
	size_t len;            /* body bytes, without the NUL */
	struct fetch_hdr *hdr; /* headers of the final response */
	int nhdr;
	char *effective_url; /* after redirects (malloc) */
	char *req_line;      /* "GET https://…" with secrets redacted */
	char *req_headers;   /* request header block, secrets redacted */
	char *resp_headers;  /* raw status line + header block as received */
	int64_t started_at;  /* UTC seconds when the transfer began */
	double seconds;      /* time the transfer took */
	enum fetch_err err;
	char errmsg[256]; /* when err != FETCH_OK */
};

/* Initialises libcurl once per process (idempotent, not thread-safe: call
 * from main before threads start). */
void fetch_global_init(void);

/* Runs one transfer.  Returns 0 when an HTTP response arrived complete
 * (whatever its status), -1 on a transport failure (rs->err, rs->errmsg;
 * rs->status and the body received so far are kept).  Always call
 * fetch_resp_free(rs) afterwards. */
int fetch_do(const struct fetch_req *rq, struct fetch_resp *rs);
/* Frees what fetch_do allocated; rs may be reused afterwards. */
void fetch_resp_free(struct fetch_resp *rs);
/* Returns the value of the last header called name (case-insensitive), or
 * NULL.  Owned by rs. */
const char *fetch_header(const struct fetch_resp *rs, const char *name);
/* Short English name of an error ("network", "timeout", …). */
const char *fetch_err_name(enum fetch_err e);

/* Parses the time formats platforms send, to UTC seconds:
 *   ISO 8601 / RFC 3339 with optional fraction and zone (Z, +01:00, +0100):
 *     "2026-08-01T13:53:49.918Z", "2021-07-04T19:50:58+0000"
 *   RFC 822/1123 (feeds, HTTP): "Thu, 01 Jan 2004 19:48:21 GMT",
 *     "01 Jan 2004 19:48 +0100", zones GMT/UT/UTC/Z/EST/EDT/CST/…/PDT
 *   X archives: "Fri Feb 20 09:10:58 +0000 2026"
 *   a date alone "2026-08-01" (midnight UTC)
 * 0, or -1 when s is none of these. */
int time_parse_web(const char *s, int64_t *out);

/* Percent-encodes s for a URL query or path segment into out (RFC 3986
 * unreserved kept).  Returns out, or NULL when it does not fit. */
char *url_escape(const char *s, char *out, size_t outlen);

/*
 * Rate limits as the platforms send them, in one shape:
 *   X-RateLimit-Limit/Remaining/Reset (Mastodon; reset ISO 8601)
 *   x-rate-limit-limit/remaining/reset (X; reset epoch seconds)
 *   RateLimit-Limit/Remaining/Reset (Bluesky; reset epoch seconds or delta)
 *   Retry-After (seconds or HTTP-date)
 *   X-App-Usage / X-Business-Use-Case-Usage (Meta; JSON, percentages and
 *     estimated_time_to_regain_access in minutes)
 */
struct ratelimit {
	int64_t limit;       /* -1 unknown */
	int64_t remaining;   /* -1 unknown */
	int64_t reset_at;    /* UTC seconds when the window resets, 0 unknown */
	int64_t retry_after; /* seconds to wait, -1 when not said */
	int usage_pct;       /* Meta: highest usage percentage, -1 unknown */
};

/* Reads the rate-limit headers of rs as of now (UTC seconds). */
void ratelimit_parse(const struct fetch_resp *rs, int64_t now,
                     struct ratelimit *rl);
/* Seconds to wait before the next call when rs was a throttle (429 or a
 * platform's throttle code): Retry-After, else the window reset, else
 * fallback.  Never less than 1. */
int64_t ratelimit_wait(const struct ratelimit *rl, int64_t now,
                       int64_t fallback);

/* Back-off for attempt n (0-based) with full jitter: a random number of
 * milliseconds in [base_ms, min(cap_ms, base_ms * 2^n)]. */
int64_t backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms);

#endif
