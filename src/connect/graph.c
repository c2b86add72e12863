/*
 * graph.c - the Meta Graph API plumbing that facebook.c and instagram.c
 * share (graph.h): building calls (token in the Authorization header,
 * appsecret_proof, form bodies), following paging links only back to the
 * configured host, reading the Graph error body into ctx->err, and the
 * insights body shared by Pages and Instagram.
 */
#include "graph.h"
#include "../base/buf.h"
#include "../base/xmem.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRAPH_MAX_URL  (64u << 10) /* a URL we build, paging links too */
#define GRAPH_MAX_FORM (4u << 20)  /* a form body we build */

/* --- id sets ----------------------------------------------------------- */

int
graph_ids_has(const struct graph_ids *s, const char *id)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], id) == 0)
			return 1;
	return 0;
}

int
graph_ids_add(struct graph_ids *s, const char *id)
{
	if (graph_ids_has(s, id))
		return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->v = xrealloc(s->v, (size_t)s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = xstrdup(id);
	return 1;
}

void
graph_ids_free(struct graph_ids *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* --- small readers ----------------------------------------------------- */

const char *
graph_token(const struct conn_ctx *ctx)
{
	const char *t = conn_cred(ctx, "page_token");
	return t ? t : conn_cred(ctx, "access_token");
}

void
graph_appsecret_proof(const char *app_secret, const char *token, char out[65])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)app_secret,
	                            strlen(app_secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)token,
	                              strlen(token));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 65, mac, sizeof(mac));
}

const char *
graph_idstr(json_t *j, char *buf, size_t len)
{
	if (json_is_string(j))
		return json_string_value(j);
	if (json_is_integer(j)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(j));
		return buf;
	}
	return NULL;
}

int64_t
graph_time(json_t *j)
{
	int64_t t;
	if (json_is_integer(j))
		return json_integer_value(j) > 0 ? json_integer_value(j) : 0;
	if (json_is_string(j) && time_parse_web(json_string_value(j), &t) == 0)
		return t;
	return 0;
}

const char *
graph_next(json_t *j)
{
	const char *n = json_string_value(
	    json_object_get(json_object_get(j, "paging"), "next"));
	return n && *n ? n : NULL;
}

/* --- requests ---------------------------------------------------------- */

/* Appends s percent-encoded (RFC 3986 unreserved kept) to b. */
static void
add_escaped(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			buf_addc(b, (char)*p);
		} else {
			buf_addc(b, '%');
			buf_addc(b, hex[*p >> 4]);
			buf_addc(b, hex[*p & 15]);
		}
	}
}

/* Length of "scheme://host[:port]" at the start of url, 0 when none. */
static size_t
origin_len(const char *url)
{
	const char *p = strstr(url, "://");
	if (p == NULL)
		return 0;
	p += 3;
	p += strcspn(p, "/?#");
	return (size_t)(p - url);
}

/* Builds the URL of path (relative or a paging link) into u; -1 when a
 * link leads to another host. */
static int
build_url(struct conn_ctx *ctx, const char *path, struct buf *u)
{
	if (strncmp(path, "http://", 7) == 0 ||
	    strncmp(path, "https://", 8) == 0) {
		size_t ob = origin_len(ctx->base_url), ol = origin_len(path);
		if (ob == 0 || ob != ol ||
		    strncmp(ctx->base_url, path, ob) != 0)
			return -1;
		buf_adds(u, path);
		return 0;
	}
	buf_adds(u, ctx->base_url);
	if (u->len == 0 || u->p[u->len - 1] != '/')
		buf_addc(u, '/');
	buf_adds(u, path[0] == '/' ? path + 1 : path);
	return 0;
}

/* Appends name=value pairs (and appsecret_proof) to b, joined by '&';
 * first says whether b holds no pair yet. */
static void
add_params(struct buf *b, const struct graph_param *params, const char *proof,
           int first)
{
	for (int i = 0; params && params[i].k; i++) {
		if (params[i].v == NULL)
			continue;
		if (!first)
			buf_addc(b, '&');
		first = 0;
		add_escaped(b, params[i].k);
		buf_addc(b, '=');
		add_escaped(b, params[i].v);
	}
	if (proof) {
		if (!first)
			buf_addc(b, '&');
		buf_adds(b, "appsecret_proof=");
		buf_adds(b, proof);
	}
}

/* Runs the request and parses the answer (shared by graph_call/send). */
static enum conn_rc
run(struct conn_ctx *ctx, struct fetch_req *rq, json_t **out, char **body)
{
	struct fetch_resp rs;
	enum conn_rc rc;
	char auth[2048];
	const char *tok = graph_token(ctx);
	int h = 0;

	while (rq->headers[h])
		h++;
	if (tok == NULL) {
		return conn_fail(ctx, CONN_E_AUTH, "no_token",
		                 "the channel has no access token; connect it "
		                 "again");
	}
	if (strlen(tok) > sizeof(auth) - 32)
		return conn_fail(ctx, CONN_E_AUTH, "token",
		                 "the access token is too long");
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
	rq->headers[h++] = auth;
	rq->headers[h] = NULL;
	rq->secrets[0] = tok;
	rq->timeout_ms = rq->timeout_ms ? rq->timeout_ms : 60000;

	memset(&rs, 0, sizeof(rs));
	rc = conn_request(ctx, rq, &rs);
	if (rc == CONN_OK && out) {
		*out = conn_json(ctx, &rs);
		if (*out == NULL)
			rc = ctx->err.rc;
	}
	if (rc == CONN_OK && body)
		*body = xstrndup(rs.body, rs.len);
	fetch_resp_free(&rs);
	return rc;
}

enum conn_rc
graph_call(struct conn_ctx *ctx, const char *method, const char *path,
           const struct graph_param *params, json_t **out, char **body)
{
	struct fetch_req rq;
	struct buf u, f;
	char proof[65];
	const char *tok = graph_token(ctx),
	           *secret = conn_cred(ctx, "app_secret");
	const char *p = NULL;
	int post = method && strcmp(method, "POST") == 0;
	enum conn_rc rc;

	if (out)
		*out = NULL;
	if (body)
		*body = NULL;
	if (tok && secret) {
		graph_appsecret_proof(secret, tok, proof);
		p = proof;
	}
	buf_init(&u, GRAPH_MAX_URL);
	buf_init(&f, GRAPH_MAX_FORM);
	if (build_url(ctx, path, &u) != 0) {
		rc = conn_fail(ctx, CONN_E_MALFORMED, "paging",
		               "a paging link leads away from %s",
		               ctx->base_url);
		goto out;
	}
	if (post) {
		add_params(&f, params, p, 1);
	} else {
		int hasq = strchr(buf_str(&u), '?') != NULL;
		struct buf q;
		if (p && strstr(buf_str(&u), "appsecret_proof=") != NULL)
			p = NULL; /* a paging link that carries it already */
		buf_init(&q, GRAPH_MAX_URL);
		add_params(&q, params, p, 1);
		if (q.len > 0) {
			buf_addc(&u, hasq ? '&' : '?');
			buf_add(&u, q.p, q.len);
		}
		buf_cleanup(&q);
	}
	if (u.overflow || f.overflow) {
		rc = conn_fail(ctx, CONN_E_CONFIG, "too_long",
		               "the request is too long for the Graph API");
		goto out;
	}
	memset(&rq, 0, sizeof(rq));
	rq.method = method ? method : "GET";
	rq.url = buf_str(&u);
	if (post) {
		rq.headers[0] =
		    "Content-Type: application/x-www-form-urlencoded";
		rq.body = buf_str(&f);
		rq.body_len = f.len;
	}
	rc = run(ctx, &rq, out, body);
out:
	buf_cleanup(&u);
	buf_cleanup(&f);
	return rc;
}

enum conn_rc
graph_send(struct conn_ctx *ctx, const char *method, const char *path,
           const char *ctype, const void *data, size_t len, json_t **out)
{
	struct fetch_req rq;
	struct buf u;
	char proof[65], ct[256];
	const char *tok = graph_token(ctx),
	           *secret = conn_cred(ctx, "app_secret");
	enum conn_rc rc;

	*out = NULL;
	buf_init(&u, GRAPH_MAX_URL);
	if (build_url(ctx, path, &u) != 0) {
		buf_cleanup(&u);
		return conn_fail(ctx, CONN_E_MALFORMED, "url",
		                 "the upload URL leads away from %s",
		                 ctx->base_url);
	}
	if (tok && secret) {
		graph_appsecret_proof(secret, tok, proof);
		buf_adds(&u, strchr(buf_str(&u), '?') ? "&" : "?");
		buf_adds(&u, "appsecret_proof=");
		buf_adds(&u, proof);
	}
	snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.url = buf_str(&u);
	rq.headers[0] = ct;
	rq.body = data;
	rq.body_len = len;
	rq.timeout_ms = 300000;
	rc = run(ctx, &rq, out, NULL);
	buf_cleanup(&u);
	return rc;
}

json_t *
graph_load(struct conn_ctx *ctx, const char *body, size_t len)
{
	struct fetch_resp rs;
	memset(&rs, 0, sizeof(rs));
	rs.body = (char *)(uintptr_t)body; /* conn_json only reads it */
	rs.len = len;
	return conn_json(ctx, &rs);
}

/* --- errors ------------------------------------------------------------ */

/* English for the token subcodes Meta documents under code 190. */
static const char *
subcode_text(long long sub)
{
	switch (sub) {
	case 458:
		return "the app is no longer installed for this user";
	case 459:
		return "the user must log in at facebook.com to unlock "
		       "the account";
	case 460:
		return "the password was changed, so the token was "
		       "revoked";
	case 463:
		return "the token has expired";
	case 464:
		return "the user is not confirmed";
	case 467:
		return "the token is invalid (logged out or revoked)";
	case 492:
		return "the user is no longer an admin of the page";
	}
	return NULL;
}

static int
is_throttle(long long code)
{
	return code == 4 || code == 17 || code == 32 || code == 613 ||
	       (code >= 80001 && code <= 80009);
}

int
graph_classify(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	json_t *j, *e;
	long long code, sub;
	const char *msg, *umsg, *type, *trace, *st;
	enum conn_rc rc;

	if (rs->body == NULL || (rs->status < 400 && rs->status != 0 &&
	                         strstr(rs->body, "\"error\"") == NULL))
		return 0;
	j = json_loadb(rs->body, rs->len, 0, NULL);
	e = json_object_get(j, "error");
	if (!json_is_object(e)) {
		json_decref(j);
		return 0;
	}
	code = json_integer_value(json_object_get(e, "code"));
	if (json_is_string(json_object_get(e, "code")))
		code = strtoll(json_string_value(json_object_get(e, "code")),
		               NULL, 10);
	sub = json_integer_value(json_object_get(e, "error_subcode"));
	msg = json_string_value(json_object_get(e, "message"));
	umsg = json_string_value(json_object_get(e, "error_user_msg"));
	type = json_string_value(json_object_get(e, "type"));
	trace = json_string_value(json_object_get(e, "fbtrace_id"));
	st = subcode_text(sub);

	if (code == 190 || code == 102)
		rc = CONN_E_AUTH;
	else if (is_throttle(code))
		rc = CONN_E_RATELIMIT;
	else if (code == 1 || code == 2)
		rc = CONN_E_NETWORK;
	else if (code == 803 || (code == 100 && sub == 33) || rs->status == 404)
		rc = CONN_E_NOTFOUND;
	else if (rs->status == 401)
		rc = CONN_E_AUTH;
	else
		rc = CONN_E_PLATFORM;

	ctx->err.rc = rc;
	if (sub)
		snprintf(ctx->err.code, sizeof(ctx->err.code), "%lld/%lld",
		         code, sub);
	else
		snprintf(ctx->err.code, sizeof(ctx->err.code), "%lld", code);
	snprintf(ctx->err.message, sizeof(ctx->err.message),
	         "%s%s%s%s%s (%s, fbtrace_id %s)",
	         msg ? msg : "Graph API error", st ? ": " : "", st ? st : "",
	         umsg ? " - " : "", umsg ? umsg : "", type ? type : "no type",
	         trace ? trace : "none");
	json_decref(j);
	return 1;
}

/* --- insights ---------------------------------------------------------- */

/* The number in an insights value: a number, or the sum of an object's
 * numbers (legacy breakdowns); -1 when neither. */
static int
insight_value(json_t *v, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		double s = 0;
		int any = 0;
		json_object_foreach(v, k, x)
		{
			if (json_is_number(x)) {
				s += json_number_value(x);
				any = 1;
			}
		}
		(void)k;
		if (any) {
			*out = s;
			return 0;
		}
	}
	return -1;
}

enum conn_rc
graph_parse_insights(struct conn_ctx *ctx, const char *body, size_t len,
                     const char *item_id, const char *const *map)
{
	json_t *j, *data, *m;
	size_t i;
	json_error_t e;
	enum conn_rc rc = CONN_OK;

	j = json_loadb(body, len, 0, &e);
	data = json_object_get(j, "data");
	if (!json_is_array(data)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "insights",
		                 "the insights body has no data list");
	}
	json_array_foreach(data, i, m)
	{
		const char *name =
		    json_string_value(json_object_get(m, "name"));
		json_t *vals = json_object_get(m, "values"), *v;
		json_t *tv = json_object_get(m, "total_value");
		size_t k;
		double x;
		if (name == NULL || *name == 0)
			continue;
		for (int n = 0; map && map[n]; n += 2)
			if (strcmp(map[n], name) == 0) {
				name = map[n + 1];
				break;
			}
		json_array_foreach(vals, k, v)
		{
			int64_t at = graph_time(json_object_get(v, "end_time"));
			if (insight_value(json_object_get(v, "value"), &x) != 0)
				continue;
			if (conn_emit_metric(ctx, item_id, name, x,
			                     at ? at : ctx->now) != 0) {
				rc =
				    conn_fail(ctx, CONN_E_PLATFORM, "stopped",
				              "the caller stopped the metrics");
				goto out;
			}
		}
		if (json_is_object(tv) &&
		    insight_value(json_object_get(tv, "value"), &x) == 0 &&
		    conn_emit_metric(ctx, item_id, name, x, ctx->now) != 0) {
			rc = conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			               "the caller stopped the metrics");
			goto out;
		}
	}
out:
	json_decref(j);
	return rc;
}

enum conn_rc
graph_moderate(struct conn_ctx *ctx, const char *item_id, enum conn_mod what,
               const char *hide_param)
{
	struct graph_param pr[] = {
	    {hide_param, what == MOD_HIDE ? "true" : "false"}, {NULL, NULL}};
	json_t *j;
	enum conn_rc rc;

	if (item_id == NULL || *item_id == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "id", "no item id");
	if (what == MOD_DELETE)
		rc = graph_call(ctx, "DELETE", item_id, NULL, &j, NULL);
	else
		rc = graph_call(ctx, "POST", item_id, pr, &j, NULL);
	if (rc != CONN_OK)
		return rc;
	if (!json_is_true(json_object_get(j, "success")))
		rc = conn_fail(ctx, CONN_E_PLATFORM, "success",
		               "the platform did not confirm the change");
	json_decref(j);
	return rc;
}
