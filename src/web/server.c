/*
 * server.c - the HTTP server: libmicrohttpd glue, per-request lifecycle,
 * authentication, CSRF and the response with its security headers.
 *
 * Request lifecycle (one struct req per request, see web.h):
 *
 *   MHD first call ──► req_new: arena, id, Content-Length cap check
 *        │             (the response is queued on a later call: queuing on
 *        ▼              the first makes MHD close the connection)
 *   MHD body calls ──► append to r->body (capped at MAX_BODY)
 *        │
 *        ▼
 *   MHD last call ───► dispatch: route → 404/405/413 → database → auth
 *        │             → organisation and language → CSRF → form body
 *        │             → handler → send (headers, CSP nonce, log line)
 *        ▼
 *   MHD completed ───► req_free: database back to the pool, arena freed
 *
 * Threads: MHD runs an epoll thread pool; each request is handled wholly on
 * one thread and takes one pooled database connection for its handler.
 */
#include "web.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static int64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum method
parse_method(const char *m)
{
	static const struct {
		const char *s;
		enum method m;
	} t[] = {{"GET", M_GET},        {"HEAD", M_HEAD},
	         {"POST", M_POST},      {"PUT", M_PUT},
	         {"PATCH", M_PATCH},    {"DELETE", M_DELETE},
	         {"OPTIONS", M_OPTIONS}};
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		if (strcmp(m, t[i].s) == 0)
			return t[i].m;
	return 0;
}

/* Creates the request when MHD has read the request line; raw is the URI
 * as sent (still percent-encoded, with the query). */
static struct req *
req_alloc(struct app *app, struct MHD_Connection *c, const char *raw)
{
	struct req *r = xcalloc(1, sizeof(*r));
	arena_init(&r->ar);
	r->app = app;
	r->conn = c;
	r->raw_uri =
	    arena_strndup(&r->ar, raw ? raw : "", raw ? strnlen(raw, 8192) : 0);
	r->started_us = now_us();
	random_hex(r->id, 8);
	random_hex(r->nonce, 16);
	buf_init(&r->body, MAX_BODY);
	buf_init(&r->out, MAX_OUT);
	r->status = 200;
	r->ctype = "text/html; charset=utf-8";
	r->lang = "nb";
	return r;
}

/* MHD_OPTION_URI_LOG_CALLBACK: its result becomes the request's con_cls. */
static void *
uri_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
	return req_alloc(cls, c, uri);
}

static void
req_free(struct req *r)
{
	if (r == NULL)
		return;
	if (r->db != NULL)
		db_pool_put(r->app->pool, r->db);
	json_decref(r->json);
	buf_cleanup(&r->body);
	buf_cleanup(&r->out);
	arena_free(&r->ar);
	free(r);
}

struct db *
req_db(struct req *r)
{
	if (r->db == NULL)
		r->db = db_pool_get(r->app->pool);
	return r->db;
}

const char *
req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
req_query(struct req *r, const char *name)
{
	const char *v =
	    MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	if (v == NULL || strlen(v) > 1000 || !utf8_valid_text(v, strlen(v), 0))
		return NULL;
	return v;
}

const char *
req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

void
req_add_header(struct req *r, const char *k, const char *v)
{
	if (r->nhdr < (int)ARRAY_LEN(r->hdr)) {
		r->hdr[r->nhdr].k = k;
		r->hdr[r->nhdr].v = v;
		r->nhdr++;
	}
}

void
req_set_cookie(struct req *r, const char *name, const char *value, int max_age)
{
	req_add_header(
	    r, "Set-Cookie",
	    arena_printf(&r->ar, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
	                 name, value, r->app->cookie_secure ? "; Secure" : "",
	                 max_age >= 0
	                     ? arena_printf(&r->ar, "; Max-Age=%d", max_age)
	                     : ""));
}

void
req_redirect(struct req *r, const char *location)
{
	r->status = 303;
	req_add_header(r, "Location", arena_strdup(&r->ar, location));
	buf_reset(&r->out);
}

const char *
req_client(struct req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
	    r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char *out = arena_alloc(&r->ar, INET6_ADDRSTRLEN);
	if (ci == NULL || ci->client_addr == NULL)
		return "?";
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(
		    AF_INET,
		    &((const struct sockaddr_in *)(const void *)ci->client_addr)
		         ->sin_addr,
		    out, INET6_ADDRSTRLEN);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		          &((const struct sockaddr_in6 *)(const void *)
		                ci->client_addr)
		               ->sin6_addr,
		          out, INET6_ADDRSTRLEN);
	else
		return "?";
	return out;
}

/* Answers an error in the right dialect for the route. */
static void
fail(struct req *r, int api, int status, const char *type, const char *title)
{
	if (api)
		api_problem(r, status, type, title, NULL);
	else
		html_error(r, status);
}

/* 1 when the path part of a raw URI contains an encoded NUL. */
static int
raw_path_has_nul(const char *raw)
{
	size_t n = strcspn(raw, "?#");
	for (size_t i = 0; i + 2 < n; i++)
		if (raw[i] == '%' && raw[i + 1] == '0' && raw[i + 2] == '0')
			return 1;
	return 0;
}

static int
is_api_path(const char *p)
{
	return str_starts(p, "/api/");
}

/* Checks the HTML form's CSRF field (and Origin when sent). */
static int
csrf_ok(struct req *r, const char *sent)
{
	const char *origin = req_header(r, "Origin");
	const char *host = req_header(r, "Host");
	const char *site = req_header(r, "Sec-Fetch-Site");
	if (site != NULL && strcmp(site, "cross-site") == 0)
		return 0;
	if (origin != NULL && strcmp(origin, "null") != 0 && host != NULL) {
		const char *o = strstr(origin, "://");
		if (o == NULL || strcmp(o + 3, host) != 0)
			return 0;
	}
	return sent != NULL && r->csrf != NULL && *r->csrf != '\0' &&
	       str_eq_ct(sent, r->csrf);
}

/* Resolves the bearer token or session cookie.  0, or -1 when a bearer
 * token was given and is wrong (already answered). */
static int
authenticate(struct req *r, int api)
{
	const char *auth = req_header(r, "Authorization");
	const char *sess = req_cookie(r, "kv_session");
	enum kv_rc rc;

	if (api && auth != NULL) {
		if (strncmp(auth, "Bearer ", 7) != 0) {
			req_add_header(r, "WWW-Authenticate",
			               "Bearer realm=\"kanalvakt\"");
			api_problem(r, 401, "unauthenticated",
			            "Authentication required",
			            "Use Authorization: Bearer <token>.");
			return -1;
		}
		rc = token_resolve(r->db, &r->ar, auth + 7, &r->actor);
		if (rc != KV_OK) {
			req_add_header(r, "WWW-Authenticate",
			               "Bearer realm=\"kanalvakt\", "
			               "error=\"invalid_token\"");
			api_problem(r, 401, "unauthenticated", "Invalid token",
			            "The API token is unknown or revoked.");
			return -1;
		}
		r->authed = 1;
		r->via_token = 1;
		return 0;
	}
	if (sess != NULL && session_resolve(r->db, &r->ar, sess, &r->actor,
	                                    &r->csrf) == KV_OK) {
		r->authed = 1;
		r->session_token = arena_strdup(&r->ar, sess);
	}
	return 0;
}

static void
dispatch(struct req *r)
{
	const struct route *rt;
	int known = 0, api = is_api_path(r->path);
	const char *ctype;

	if (r->method == 0) {
		fail(r, api, 501, "not-implemented", "Method not implemented");
		return;
	}
	/* MHD decodes the path and stops at a decoded NUL, so "/x%00.php"
	 * would look like "/x": refuse NUL and other controls outright */
	if (raw_path_has_nul(r->raw_uri) ||
	    !utf8_valid_text(r->path, strlen(r->path), 0)) {
		fail(r, api, 400, "bad-request", "Malformed request path");
		return;
	}
	rt = route_match(r, r->method, r->path, &known);
	if (rt == NULL) {
		if (known) {
			char allow[128];
			route_allowed(r, r->path, allow, sizeof(allow));
			req_add_header(r, "Allow", arena_strdup(&r->ar, allow));
			if (r->method == M_OPTIONS) {
				r->status = 204;
				return;
			}
			fail(r, api, 405, "method-not-allowed",
			     "Method not allowed");
		} else {
			fail(r, api, 404, "not-found", "Not found");
		}
		return;
	}
	r->route = rt;
	api = (rt->flags & R_API) != 0;
	if (r->body_too_large) {
		fail(r, api, 413, "too-large", "Request body too large");
		return;
	}
	if (rt->fn == h_static) {
		rt->fn(r);
		return;
	}
	if (req_db(r) == NULL) {
		fail(r, api, 503, "unavailable", "Database unavailable");
		return;
	}
	if (authenticate(r, api) != 0)
		return;
	if (r->authed) {
		r->has_org =
		    org_get(r->db, &r->ar, r->actor.org_id, &r->org) == KV_OK;
	} else if (r->app->public_org > 0) {
		r->has_org = org_get(r->db, &r->ar, r->app->public_org,
		                     &r->org) == KV_OK;
	}
	i18n_pick(r);
	if ((rt->flags & R_LOGIN) && !r->authed) {
		if (api) {
			req_add_header(r, "WWW-Authenticate",
			               "Bearer realm=\"kanalvakt\"");
			api_problem(
			    r, 401, "unauthenticated",
			    "Authentication required",
			    "Log in or send Authorization: Bearer <token>.");
		} else if (r->method == M_GET || r->method == M_HEAD) {
			/* come back to the same page, query included */
			req_redirect(
			    r, arena_printf(&r->ar, "/login?next=%s",
			                    url_encode(&r->ar, r->raw_uri)));
		} else {
			req_redirect(r, "/login");
		}
		return;
	}
	if (!api && (rt->flags & R_CSRF) && !r->authed) {
		/* before login: double-submit cookie */
		r->csrf = req_cookie(r, "kv_csrf");
	}
	ctype = req_header(r, "Content-Type");
	if (!api && r->method == M_POST) {
		if (ctype == NULL ||
		    !str_starts(ctype, "application/x-www-form-urlencoded")) {
			html_error(r, 415);
			return;
		}
		if (form_parse(&r->ar, buf_str(&r->body), r->body.len, &r->form,
		               &r->nform, MAX_FORM_FIELDS) != 0) {
			html_error(r, 400);
			return;
		}
	}
	if (!api && (rt->flags & R_CSRF) && !csrf_ok(r, form_get(r, "_csrf"))) {
		html_error(r, 403);
		return;
	}
	if (api && r->authed && !r->via_token && r->method != M_GET &&
	    r->method != M_HEAD) {
		const char *t = req_header(r, "X-CSRF-Token");
		if (t == NULL || r->csrf == NULL || !str_eq_ct(t, r->csrf)) {
			api_problem(
			    r, 403, "csrf", "CSRF token missing or wrong",
			    "Send the session's token in X-CSRF-Token, or "
			    "use an API token.");
			return;
		}
	}
	rt->fn(r);
}

static enum MHD_Result
send_response(struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;
	char *body = buf_detach(&r->out, &len);
	char csp[256], q[160];

	if (body == NULL || len == 0) {
		free(body);
		resp = MHD_create_response_from_buffer(0, (void *)"",
		                                       MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_buffer(len, body,
		                                       MHD_RESPMEM_MUST_FREE);
	}
	if (resp == NULL)
		return MHD_NO;
	r->responded = 1;
	snprintf(csp, sizeof(csp),
	         "default-src 'none'; script-src 'nonce-%s'; style-src 'self'; "
	         "img-src 'self' data:; connect-src 'self'; form-action "
	         "'self'; frame-ancestors "
	         "'none'; base-uri 'none'",
	         r->nonce);
	if (r->status != 204 && r->status != 304)
		MHD_add_response_header(resp, "Content-Type", r->ctype);
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Request-Id", r->id);
	for (int i = 0; i < r->nhdr; i++)
		MHD_add_response_header(resp, r->hdr[i].k, r->hdr[i].v);
	if (MHD_get_response_header(resp, "Cache-Control") == NULL)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	log_info("req %s %s %s %d %lldus person=%lld", r->id,
	         method_name(r->method ? r->method : M_GET),
	         log_quote(r->path, q, sizeof(q)), r->status,
	         (long long)(now_us() - r->started_us),
	         (long long)r->actor.person_id);
	return ret;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *c, const char *url,
          const char *method, const char *version, const char *upload,
          size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;
	(void)version;
	if (r == NULL) /* no URI callback happened: cannot, but be safe */
		*con_cls = r = req_alloc(cls, c, url);
	if (!r->started) {
		const char *cl = MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t n = 0;
		r->started = 1;
		r->method = parse_method(method);
		r->path = arena_strdup(&r->ar, url);
		if (cl != NULL && (parse_i64(cl, &n) != 0 || n < 0 ||
		                   n > (int64_t)MAX_BODY)) {
			/* refuse at once rather than read a huge body */
			r->body_too_large = 1;
			fail(r, is_api_path(r->path), 413, "too-large",
			     "Request body too large");
			return send_response(r);
		}
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (r->responded) {
			*upload_size = 0;
			return MHD_YES;
		}
		if (!r->body_too_large &&
		    buf_add(&r->body, upload, *upload_size) != 0)
			r->body_too_large = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->responded) {
		*upload_size = 0;
		return MHD_YES;
	}
	dispatch(r);
	/* give the connection back before the bytes go out */
	if (r->db != NULL) {
		db_pool_put(r->app->pool, r->db);
		r->db = NULL;
	}
	return send_response(r);
}

static void
completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	req_free(*con_cls);
	*con_cls = NULL;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warn("http: %s", line);
}

/* Splits "HOST:PORT" or "[V6]:PORT". */
static int
split_listen(const char *s, char *host, size_t hl, char *port, size_t pl)
{
	const char *colon;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (end == NULL || end[1] != ':')
			return -1;
		snprintf(host, hl, "%.*s", (int)(end - s - 1), s + 1);
		snprintf(port, pl, "%s", end + 2);
		return 0;
	}
	colon = strrchr(s, ':');
	if (colon == NULL)
		return -1;
	snprintf(host, hl, "%.*s", (int)(colon - s), s);
	snprintf(port, pl, "%s", colon + 1);
	return 0;
}

int
server_run(struct app *app, const char *listen)
{
	struct addrinfo hints, *ai = NULL;
	struct MHD_Daemon *d;
	char host[256], port[16];
	unsigned flags =
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	sigset_t set;
	int sig;

	for (size_t i = 0; i < nroutes; i++)
		if (routes[i].method != M_GET && !(routes[i].flags & R_API) &&
		    !(routes[i].flags & R_CSRF))
			fatal("route %s %s lacks R_CSRF",
			      method_name(routes[i].method), routes[i].pattern);
	if (split_listen(listen, host, sizeof(host), port, sizeof(port)) != 0)
		fatal("--listen wants HOST:PORT, got %s", listen);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host[0] ? host : NULL, port, &hints, &ai) != 0 ||
	    ai == NULL)
		fatal("cannot resolve listen address %s", listen);
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* the logger first, so MHD's own start-up messages reach it */
	d = MHD_start_daemon(
	    flags, 0, NULL, NULL, access_cb, app, MHD_OPTION_EXTERNAL_LOGGER,
	    mhd_log, NULL, MHD_OPTION_URI_LOG_CALLBACK, uri_cb, app,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, app,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->threads,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MAX_HEADERS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)REQ_TIMEOUT,
	    /* HTTP/1.1 without Host, and other sloppy requests: 400 */
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_SOCK_ADDR,
	    ai->ai_addr, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (d == NULL)
		fatal("cannot listen on %s (in use, or not allowed?)", listen);
	log_info("kanalvakt %s listening on http://%s/ (%d threads)",
	         KV_VERSION, listen, app->threads);
	sigwait(&set, &sig);
	log_info("signal %d: stopping", sig);
	MHD_stop_daemon(d);
	return 0;
}
