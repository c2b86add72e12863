/*
 * connect.c - what every connector shares (connect.h): the registry of
 * connectors, the context, conn_request (fetch + record + retry with
 * jittered back-off + the platform's error reading), emit helpers, JSON
 * with limits, and HTML reduced to text.
 */
#include "connect.h"
#include "../base/buf.h"
#include "../base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Connectors of every platform; each lives in src/connect/<platform>.c. */
extern const struct connector conn_mastodon;
extern const struct connector conn_bluesky;
extern const struct connector conn_facebook_page;
extern const struct connector conn_instagram;
extern const struct connector conn_x;
extern const struct connector conn_youtube;
extern const struct connector conn_linkedin;
extern const struct connector conn_vimeo;
extern const struct connector conn_blog;
const struct connector *const connectors[] = {
    &conn_mastodon, &conn_bluesky, &conn_facebook_page, &conn_instagram,
    &conn_x,        &conn_youtube, &conn_linkedin,      &conn_vimeo,
    &conn_blog,     NULL,
};

const struct connector *
connector_find(const char *platform)
{
	for (int i = 0; platform && connectors[i]; i++)
		if (strcmp(connectors[i]->platform, platform) == 0)
			return connectors[i];
	return NULL;
}

const char *
conn_rc_name(enum conn_rc rc)
{
	switch (rc) {
	case CONN_OK:
		return "ok";
	case CONN_E_AUTH:
		return "auth";
	case CONN_E_RATELIMIT:
		return "rate_limit";
	case CONN_E_NETWORK:
		return "network";
	case CONN_E_PLATFORM:
		return "platform";
	case CONN_E_NOTFOUND:
		return "not_found";
	case CONN_E_MALFORMED:
		return "malformed";
	case CONN_E_UNSUPPORTED:
		return "unsupported";
	case CONN_E_CONFIG:
		return "config";
	}
	return "unknown";
}

const char *
item_type_name(enum item_type t)
{
	switch (t) {
	case ITEM_POST:
		return "post";
	case ITEM_COMMENT:
		return "comment";
	case ITEM_REPLY:
		return "reply";
	case ITEM_MENTION:
		return "mention";
	case ITEM_DM:
		return "dm";
	}
	return "post";
}

void
item_init(struct item *it)
{
	memset(it, 0, sizeof(*it));
	it->inbound = 1;
	it->hidden = -1;
	it->likes = it->replies = it->shares = it->views = -1;
	it->raw_type = "application/json";
}

/* --- context ----------------------------------------------------------- */

/* which json objects conn_ctx_init made itself (ctx->owned_) */
#define OWN_CONFIG 1
#define OWN_CRED   2
#define OWN_STATE  4

void
conn_ctx_init(struct conn_ctx *ctx, const struct connector *c, json_t *config,
              json_t *cred, json_t *state)
{
	const char *b;
	memset(ctx, 0, sizeof(*ctx));
	ctx->c = c;
	ctx->owned_ = (config ? 0 : OWN_CONFIG) | (cred ? 0 : OWN_CRED) |
	              (state ? 0 : OWN_STATE);
	ctx->config = config ? config : json_object();
	ctx->cred = cred ? cred : json_object();
	ctx->state = state ? state : json_object();
	ctx->max_retries = 3;
	ctx->backoff_base_ms = 1000;
	ctx->max_inline_wait_s = 5;
	ctx->max_pages = 50;
	ctx->now = time_now();
	b = json_string_value(json_object_get(ctx->config, "base_url"));
	ctx->base_url = b && *b ? b : (c ? c->default_base : "");
}

void
conn_ctx_cleanup(struct conn_ctx *ctx)
{
	if (ctx->owned_ & OWN_CONFIG)
		json_decref(ctx->config);
	if (ctx->owned_ & OWN_CRED)
		json_decref(ctx->cred);
	if (ctx->owned_ & OWN_STATE)
		json_decref(ctx->state);
	ctx->config = ctx->cred = ctx->state = NULL;
	ctx->owned_ = 0;
}

const char *
conn_cfg(const struct conn_ctx *ctx, const char *key)
{
	const char *s = json_string_value(json_object_get(ctx->config, key));
	return s && *s ? s : NULL;
}

const char *
conn_cred(const struct conn_ctx *ctx, const char *key)
{
	const char *s = json_string_value(json_object_get(ctx->cred, key));
	return s && *s ? s : NULL;
}

const char *
conn_state(const struct conn_ctx *ctx, const char *key)
{
	const char *s = json_string_value(json_object_get(ctx->state, key));
	return s && *s ? s : NULL;
}

void
conn_state_set(struct conn_ctx *ctx, const char *key, const char *v)
{
	if (v == NULL)
		json_object_del(ctx->state, key);
	else
		json_object_set_new(ctx->state, key, json_string(v));
}

/* --- errors and requests ----------------------------------------------- */

enum conn_rc
conn_fail(struct conn_ctx *ctx, enum conn_rc rc, const char *code,
          const char *fmt, ...)
{
	va_list ap;
	ctx->err.rc = rc;
	snprintf(ctx->err.code, sizeof(ctx->err.code), "%s", code ? code : "");
	va_start(ap, fmt);
	vsnprintf(ctx->err.message, sizeof(ctx->err.message), fmt, ap);
	va_end(ap);
	return rc;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts;
	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* 1 when sending rq twice cannot do a thing twice: the method is
 * idempotent, or the request carries an idempotency key.  A POST that
 * failed mid-way may have been done, so it is not retried blindly. */
static int
retry_safe(const struct fetch_req *rq)
{
	const char *m = rq->method ? rq->method : "GET";
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	    strcmp(m, "PUT") == 0 || strcmp(m, "DELETE") == 0 ||
	    strcmp(m, "OPTIONS") == 0)
		return 1;
	for (int i = 0; i < FETCH_MAX_HEADERS && rq->headers[i]; i++)
		if (strncasecmp(rq->headers[i], "Idempotency-Key:", 16) == 0)
			return 1;
	return 0;
}

enum conn_rc
conn_request(struct conn_ctx *ctx, const struct fetch_req *rq,
             struct fetch_resp *rs)
{
	int attempt = 0;
	memset(rs, 0, sizeof(*rs));
	for (;;) {
		int64_t wait_ms = -1;
		int trc;
		struct ratelimit rl;

		fetch_resp_free(rs); /* the last attempt's, or the zeroed */
		memset(&ctx->err, 0, sizeof(ctx->err));
		trc = fetch_do(rq, rs);
		ctx->requests++;
		if (ctx->on_exchange)
			ctx->on_exchange(ctx->ud, rs, rq->body, rq->body_len);
		ctx->err.http_status = rs->status;
		ratelimit_parse(rs, time_now(), &rl);

		if (trc != 0) {
			if (rs->err == FETCH_E_TOOBIG || rs->err == FETCH_E_URL)
				return conn_fail(ctx, CONN_E_MALFORMED,
				                 fetch_err_name(rs->err), "%s",
				                 rs->errmsg);
			conn_fail(ctx, CONN_E_NETWORK, fetch_err_name(rs->err),
			          "%s", rs->errmsg);
			wait_ms = backoff_ms(attempt, ctx->backoff_base_ms,
			                     ctx->backoff_base_ms * 30);
		} else if (ctx->c && ctx->c->classify &&
		           ctx->c->classify(ctx, rs)) {
			/* the platform's own reading of its error */
			if (ctx->err.rc == CONN_OK)
				ctx->err.rc = CONN_E_PLATFORM;
		} else if (rs->status == 429 || rs->status >= 500) {
			conn_fail(ctx,
			          rs->status == 429 ? CONN_E_RATELIMIT
			                            : CONN_E_NETWORK,
			          rs->status == 429 ? "429" : "5xx",
			          "HTTP %ld from the platform", rs->status);
		} else if (rs->status >= 400) {
			return conn_fail(ctx,
			                 rs->status == 401   ? CONN_E_AUTH
			                 : rs->status == 404 ? CONN_E_NOTFOUND
			                                     : CONN_E_PLATFORM,
			                 "", "HTTP %ld from the platform",
			                 rs->status);
		} else {
			return CONN_OK;
		}
		ctx->err.http_status = rs->status;

		if (ctx->err.rc == CONN_E_RATELIMIT) {
			int64_t w = ratelimit_wait(&rl, time_now(), 60);
			/* classify may know better (a quota's reset) */
			if (ctx->err.retry_at > time_now() + w)
				w = ctx->err.retry_at - time_now();
			ctx->err.retry_at = time_now() + w;
			if (w > ctx->max_inline_wait_s)
				return ctx->err.rc;
			wait_ms = w * 1000;
			if (ctx->backoff_base_ms < 1000)
				wait_ms = ctx->backoff_base_ms; /* tests */
		} else if (ctx->err.rc == CONN_E_NETWORK) {
			/* a 429 was refused before any work; a network error or
			 * 5xx on a POST may have published: never twice */
			if (!retry_safe(rq)) {
				if (ctx->err.retry_at < time_now() + 60)
					ctx->err.retry_at = time_now() + 60;
				return ctx->err.rc;
			}
			if (wait_ms < 0)
				wait_ms =
				    backoff_ms(attempt, ctx->backoff_base_ms,
				               ctx->backoff_base_ms * 30);
			if (ctx->err.retry_at < time_now() + 60)
				ctx->err.retry_at = time_now() + 60;
		} else {
			return ctx->err.rc;
		}
		if (attempt >= ctx->max_retries)
			return ctx->err.rc;
		sleep_ms(wait_ms);
		attempt++;
	}
}

/* --- emit -------------------------------------------------------------- */

int
conn_emit(struct conn_ctx *ctx, const struct item *it)
{
	ctx->items++;
	return ctx->on_item ? ctx->on_item(ctx->ud, it) : 0;
}

int
conn_emit_listing(struct conn_ctx *ctx, const char *parent_id,
                  const char *const *ids, int n)
{
	return ctx->on_listing ? ctx->on_listing(ctx->ud, parent_id, ids, n)
	                       : 0;
}

int
conn_emit_metric(struct conn_ctx *ctx, const char *item_id, const char *name,
                 double value, int64_t at)
{
	return ctx->on_metric
	           ? ctx->on_metric(ctx->ud, item_id, name, value, at)
	           : 0;
}

/* --- JSON and HTML ----------------------------------------------------- */

#define CONN_JSON_DEPTH 64

static int
json_depth_ok(const char *s, size_t n)
{
	int d = 0, instr = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (instr) {
			if (c == '\\')
				i++;
			else if (c == '"')
				instr = 0;
		} else if (c == '"') {
			instr = 1;
		} else if (c == '{' || c == '[') {
			if (++d > CONN_JSON_DEPTH)
				return 0;
		} else if (c == '}' || c == ']') {
			d--;
		}
	}
	return 1;
}

json_t *
conn_json(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	json_error_t e;
	json_t *j;
	if (!json_depth_ok(rs->body, rs->len)) {
		conn_fail(ctx, CONN_E_MALFORMED, "depth",
		          "the platform's JSON is nested too deep");
		return NULL;
	}
	/* a raw NUL byte is never JSON (inside strings it is \u0000); refuse
	 * it here so no payload kept as text is cut short at one */
	if (rs->len > 0 && memchr(rs->body, 0, rs->len) != NULL) {
		conn_fail(ctx, CONN_E_MALFORMED, "json",
		          "the platform's body holds a NUL byte");
		return NULL;
	}
	j = json_loadb(rs->body, rs->len, JSON_ALLOW_NUL, &e);
	if (j == NULL)
		conn_fail(ctx, CONN_E_MALFORMED, "json",
		          "the platform sent no valid JSON (line %d: %s)",
		          e.line, e.text);
	return j;
}

/* Decodes one entity at s ('&' …;) into b; returns bytes consumed or 0. */
static size_t
entity(const char *s, struct buf *b)
{
	static const struct {
		const char *n;
		const char *v;
	} named[] = {{"amp", "&"},  {"lt", "<"},
	             {"gt", ">"},   {"quot", "\""},
	             {"apos", "'"}, {"nbsp", "\xc2\xa0"},
	             {"#39", "'"},  {"hellip", "\xe2\x80\xa6"}};
	const char *semi = strchr(s, ';');
	size_t n;
	if (semi == NULL || semi - s > 10)
		return 0;
	n = (size_t)(semi - s - 1);
	if (s[1] == '#') {
		unsigned long cp;
		char *end;
		if (s[2] == 'x' || s[2] == 'X')
			cp = strtoul(s + 3, &end, 16);
		else
			cp = strtoul(s + 2, &end, 10);
		if (end != semi || cp == 0 || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		if (cp < 0x80) {
			buf_addc(b, (char)cp);
		} else if (cp < 0x800) {
			buf_addc(b, (char)(0xC0 | (cp >> 6)));
			buf_addc(b, (char)(0x80 | (cp & 0x3F)));
		} else if (cp < 0x10000) {
			buf_addc(b, (char)(0xE0 | (cp >> 12)));
			buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
			buf_addc(b, (char)(0x80 | (cp & 0x3F)));
		} else {
			buf_addc(b, (char)(0xF0 | (cp >> 18)));
			buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
			buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
			buf_addc(b, (char)(0x80 | (cp & 0x3F)));
		}
		return (size_t)(semi - s) + 1;
	}
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strlen(named[i].n) == n &&
		    strncmp(s + 1, named[i].n, n) == 0) {
			buf_adds(b, named[i].v);
			return (size_t)(semi - s) + 1;
		}
	return 0;
}

char *
html_to_text(const char *html)
{
	struct buf b;
	const char *p = html ? html : "";
	buf_init(&b, strlen(p) * 4 + 16);
	while (*p) {
		if (*p == '<') {
			const char *e = strchr(p, '>');
			char tag[8];
			size_t i = 0;
			const char *t = p + 1;
			if (e == NULL)
				break;
			if (*t == '/')
				t++;
			while (i < sizeof(tag) - 1 && t < e &&
			       ((*t >= 'a' && *t <= 'z') ||
			        (*t >= 'A' && *t <= 'Z') ||
			        (*t >= '0' && *t <= '9')))
				tag[i++] = (char)(*t++ | 0x20);
			tag[i] = 0;
			if (strcmp(tag, "br") == 0 ||
			    (p[1] == '/' && (strcmp(tag, "p") == 0 ||
			                     strcmp(tag, "div") == 0 ||
			                     strcmp(tag, "li") == 0)))
				buf_addc(&b, '\n');
			p = e + 1;
		} else if (*p == '&') {
			size_t n = entity(p, &b);
			if (n == 0) {
				buf_addc(&b, '&');
				p++;
			} else {
				p += n;
			}
		} else {
			buf_addc(&b, *p++);
		}
	}
	/* trim trailing newlines and spaces */
	while (b.len > 0 && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == ' '))
		b.len--;
	if (b.p)
		b.p[b.len] = 0;
	{
		char *r = buf_detach(&b, NULL);
		return r ? r : strdup("");
	}
}
