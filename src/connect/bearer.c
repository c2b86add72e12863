/*
 * bearer.c - OAuth 2.0 bearer calls with refresh-token renewal and a set of
 * ids (bearer.h), for the X and YouTube connectors.
 */
#include "bearer.h"
#include "jutil.h"
#include "../base/buf.h"
#include "../base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEARER_MARGIN 60 /* refresh this many seconds before expiry */
#define FORM_MAX      8192

static int64_t
cred_expires_at(const struct conn_ctx *ctx)
{
	const json_t *j = json_object_get(ctx->cred, "expires_at");
	int64_t v = 0;
	if (json_is_integer(j))
		return json_integer_value(j);
	if (json_is_real(j))
		return json_count_or(j, 0);
	if (json_is_string(j) && parse_i64(json_string_value(j), &v) == 0)
		return v;
	return 0;
}

int
bearer_expired(const struct conn_ctx *ctx)
{
	int64_t e = cred_expires_at(ctx);
	return e > 0 && ctx->now + BEARER_MARGIN >= e;
}

/* Appends "&name=value" (value percent-encoded) to b. */
static void
form_add(struct buf *b, const char *name, const char *value)
{
	char esc[3 * 2048 + 1];
	if (b->len > 0)
		buf_addc(b, '&');
	buf_adds(b, name);
	buf_addc(b, '=');
	if (url_escape(value, esc, sizeof(esc)) != NULL)
		buf_adds(b, esc);
	else
		b->overflow = 1;
}

enum conn_rc
bearer_refresh(struct conn_ctx *ctx, const struct bearer_opts *o)
{
	const char *rt = conn_cred(ctx, "refresh_token");
	const char *id = conn_cred(ctx, "client_id");
	const char *secret = conn_cred(ctx, "client_secret");
	struct fetch_req rq = {0};
	struct fetch_resp rs;
	struct buf form;
	char userpwd[1024];
	enum conn_rc rc;
	json_t *j = NULL;
	const char *at, *nrt;
	int64_t exp;

	if (rt == NULL)
		return conn_fail(ctx, CONN_E_AUTH, "no_refresh_token",
		                 "the access token has expired and there is no "
		                 "refresh token: reconnect the channel");
	if (o == NULL || o->token_url == NULL || *o->token_url == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "token_url",
		                 "no token endpoint is configured");
	buf_init(&form, FORM_MAX);
	form_add(&form, "grant_type", "refresh_token");
	form_add(&form, "refresh_token", rt);
	if (id)
		form_add(&form, "client_id", id);
	if (secret && !o->basic_auth)
		form_add(&form, "client_secret", secret);
	if (form.overflow) {
		buf_cleanup(&form);
		return conn_fail(ctx, CONN_E_CONFIG, "cred",
		                 "the credentials are too long");
	}
	rq.method = "POST";
	rq.url = o->token_url;
	rq.headers[0] = "Content-Type: application/x-www-form-urlencoded";
	rq.headers[1] = "Accept: application/json";
	rq.body = form.p;
	rq.body_len = form.len;
	rq.secrets[0] = rt;
	rq.secrets[1] = secret;
	if (secret && o->basic_auth && id) {
		snprintf(userpwd, sizeof(userpwd), "%s:%s", id, secret);
		rq.userpwd = userpwd;
	}
	rc = conn_request(ctx, &rq, &rs);
	buf_cleanup(&form);
	if (rc == CONN_OK) {
		j = conn_json(ctx, &rs);
		at = json_string_value(json_object_get(j, "access_token"));
		if (at == NULL || *at == 0) {
			rc = conn_fail(
			    ctx, CONN_E_AUTH, "refresh",
			    "the token endpoint sent no access token");
		} else {
			json_object_set_new(ctx->cred, "access_token",
			                    json_string(at));
			nrt = json_string_value(
			    json_object_get(j, "refresh_token"));
			if (nrt && *nrt) /* X rotates; Google keeps the old */
				json_object_set_new(ctx->cred, "refresh_token",
				                    json_string(nrt));
			exp = json_count(json_object_get(j, "expires_in"));
			if (exp > 0) {
				ctx->token_expires_at = ctx->now + exp;
				json_object_set_new(
				    ctx->cred, "expires_at",
				    json_integer(ctx->token_expires_at));
			} else {
				json_object_del(ctx->cred, "expires_at");
			}
			ctx->cred_changed = 1;
		}
	} else if (rc != CONN_E_NETWORK && rc != CONN_E_RATELIMIT &&
	           rc != CONN_E_MALFORMED) {
		/* invalid_grant and friends: the grant is gone */
		char msg[sizeof(ctx->err.message)], code[sizeof(ctx->err.code)];
		snprintf(msg, sizeof(msg), "%s", ctx->err.message);
		snprintf(code, sizeof(code), "%s",
		         ctx->err.code[0] ? ctx->err.code : "refresh");
		rc = conn_fail(ctx, CONN_E_AUTH, code,
		               "the platform refused to refresh the token: %s",
		               msg);
	}
	json_decref(j);
	fetch_resp_free(&rs);
	return rc;
}

enum conn_rc
bearer_call(struct conn_ctx *ctx, const struct bearer_opts *o,
            struct fetch_req *rq, struct fetch_resp *rs)
{
	char auth[4096];
	int slot = 0, sslot = 0, refreshed = 0;
	enum conn_rc rc;

	while (slot < FETCH_MAX_HEADERS && rq->headers[slot])
		slot++;
	while (sslot < FETCH_MAX_SECRETS && rq->secrets[sslot])
		sslot++;
	if (slot >= FETCH_MAX_HEADERS)
		return conn_fail(ctx, CONN_E_CONFIG, "headers",
		                 "too many request headers");
	if (conn_cred(ctx, "access_token") == NULL || bearer_expired(ctx)) {
		rc = bearer_refresh(ctx, o);
		if (rc != CONN_OK) {
			memset(rs, 0, sizeof(*rs));
			return rc;
		}
		refreshed = 1;
	}
	for (;;) {
		const char *tok = conn_cred(ctx, "access_token");
		if (strlen(tok) > sizeof(auth) - 32) {
			memset(rs, 0, sizeof(*rs));
			return conn_fail(ctx, CONN_E_AUTH, "token",
			                 "the access token is too long");
		}
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
		rq->headers[slot] = auth;
		if (sslot < FETCH_MAX_SECRETS)
			rq->secrets[sslot] = tok;
		rc = conn_request(ctx, rq, rs);
		rq->headers[slot] = NULL;
		if (sslot < FETCH_MAX_SECRETS)
			rq->secrets[sslot] = NULL;
		if (rc != CONN_E_AUTH || refreshed ||
		    conn_cred(ctx, "refresh_token") == NULL)
			return rc;
		fetch_resp_free(rs);
		rc = bearer_refresh(ctx, o);
		if (rc != CONN_OK) {
			memset(rs, 0, sizeof(*rs));
			return rc;
		}
		refreshed = 1;
	}
}

/* --- ids --------------------------------------------------------------- */

static size_t
id_hash(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static size_t
id_slot(char *const *v, size_t cap, const char *id)
{
	size_t i = id_hash(id) & (cap - 1);
	while (v[i] && strcmp(v[i], id) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

int
idset_has(const struct idset *s, const char *id)
{
	return s->cap > 0 && id && s->v[id_slot(s->v, s->cap, id)] != NULL;
}

int
idset_add(struct idset *s, const char *id)
{
	size_t i;
	if (id == NULL)
		return 0;
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		char **nv = calloc(ncap, sizeof(*nv));
		if (nv == NULL)
			abort();
		for (size_t k = 0; k < s->cap; k++)
			if (s->v[k])
				nv[id_slot(nv, ncap, s->v[k])] = s->v[k];
		free(s->v);
		s->v = nv;
		s->cap = ncap;
	}
	i = id_slot(s->v, s->cap, id);
	if (s->v[i])
		return 0;
	s->v[i] = strdup(id);
	if (s->v[i] == NULL)
		abort();
	s->n++;
	return 1;
}

void
idset_free(struct idset *s)
{
	for (size_t k = 0; k < s->cap; k++)
		free(s->v[k]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int64_t
json_count(const json_t *j)
{
	return json_count_or(j, -1);
}
