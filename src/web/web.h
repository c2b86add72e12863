/*
 * web.h - what the web layer's files share: the application, the request,
 * the route table, the HTML writer, forms, JSON/problem helpers and i18n.
 *
 * Lifetime: a `struct req` lives from the first call of the MHD access
 * handler to the "request completed" callback; everything hanging off it
 * comes from r->ar and is released at that one point (req_free).  Handlers
 * write the response body into r->out (capped) and set r->status; the glue
 * in server.c sends it.
 */
#ifndef KV_WEB_H
#define KV_WEB_H

#include "../base/arena.h"
#include "../base/buf.h"
#include "../domain/domain.h"
#include "../store/db.h"

#include <jansson.h>
#include <stdint.h>

#define KV_VERSION "0.1.0"

/* Limits on what the network may send (documented in docs/ARCHITECTURE.md). */
#define MAX_BODY        (1u << 20)  /* request body bytes */
#define MAX_HEADERS     (32u << 10) /* MHD per-connection memory for headers */
#define MAX_JSON_DEPTH  16
#define MAX_FORM_FIELDS 200
#define MAX_OUT         (8u << 20) /* response body bytes */
#define REQ_TIMEOUT     30         /* seconds of inactivity */

struct app {
	struct db_pool *pool;
	const char *db_url;
	int threads;
	int cookie_secure;    /* add Secure to cookies (behind TLS) */
	int64_t public_org;   /* org shown on public pages (first org) */
	const char *key_path; /* the credential key file (cred.h) */
	/* Meta webhooks (/hooks/meta): the app secret that signs deliveries
	 * and the verify token of the subscription handshake; NULL: off */
	const char *meta_app_secret, *meta_verify_token;
	/* the inbox (issue 5): where arkivmelding files for the registry go
	 * (--registry-dir / KANALVAKT_REGISTRY_DIR; NULL: none) and the
	 * address of the web UI for links (--base-url; NULL: none) */
	const char *registry_dir, *base_url;
};

enum method { M_GET = 1, M_HEAD, M_POST, M_PUT, M_PATCH, M_DELETE, M_OPTIONS };

/* Route flags. */
#define R_PUBLIC 0x01 /* no login needed */
#define R_LOGIN  0x02 /* session or bearer token needed */
#define R_CSRF   0x04 /* HTML form: verify the CSRF field */
#define R_API    0x08 /* JSON API: problem+json errors, bearer accepted */

struct kv {
	const char *k, *v;
};

struct req {
	struct arena ar;
	struct app *app;
	void *conn; /* struct MHD_Connection * */
	enum method method;
	const char *path;    /* decoded path, without the query */
	const char *raw_uri; /* as sent: percent-encoded, with the query */
	int started;         /* the access handler has seen it */
	char id[17];         /* request id for logs */
	int64_t started_us;

	struct buf body;
	int body_too_large;
	int responded; /* a response was queued */

	struct kv *form; /* decoded urlencoded body */
	int nform;
	json_t *json; /* decoded JSON body (owned, decref'd in req_free) */

	int64_t pid;       /* the :id path parameter */
	const char *pname; /* the :name path parameter */
	const struct route *route;

	int authed;
	int via_token;
	struct actor actor;
	const char *csrf; /* token to embed in forms */
	const char *session_token;
	struct db *db; /* lazily from the pool; see req_db() */

	const char *lang; /* nb, nn, sv, en */
	struct org org;   /* the actor's (or public) organisation */
	int has_org;

	int status;
	const char *ctype;
	struct buf out;
	struct kv hdr[16];
	int nhdr;
	char nonce[33];
	int ntables;     /* for unique caption ids */
	const char *idp; /* prefix of field ids, when a page has two forms
	                    with the same field names (NULL = none) */
};

typedef void (*handler_fn)(struct req *r);

struct route {
	enum method method;
	const char *pattern;
	handler_fn fn;
	int flags;
	const char *name; /* handler name, for `kanalvakt routes` */
};

#define ROUTE(m, p, fn, fl) void fn(struct req *r);
#include "routes.def"
#undef ROUTE

extern const struct route routes[];
extern const size_t nroutes;

/* Finds the route for method and path, filling r->pid/pname.  Returns NULL
 * with *path_known set when the path exists for another method. */
const struct route *route_match(struct req *r, enum method m, const char *path,
                                int *path_known);
/* Writes the Allow header value for path into out. */
void route_allowed(struct req *r, const char *path, char *out, size_t len);
const char *method_name(enum method m);

/* server.c */
int server_run(struct app *app, const char *listen);
/* Returns the pooled connection for this request (acquired once); NULL when
 * the database is unreachable (the caller answers 503). */
struct db *req_db(struct req *r);
const char *req_header(struct req *r, const char *name);
const char *req_query(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
/* Adds a response header; both strings must outlive the request. */
void req_add_header(struct req *r, const char *k, const char *v);
/* Sets a cookie (HttpOnly, SameSite=Lax, Path=/; Secure when configured). */
void req_set_cookie(struct req *r, const char *name, const char *value,
                    int max_age);
/* Answers 303 See Other to a local path. */
void req_redirect(struct req *r, const char *location);
/* Client address for throttling ("127.0.0.1"). */
const char *req_client(struct req *r);

/* form.c — application/x-www-form-urlencoded */
/* Decodes s (len bytes) into r->form; -1 on malformed or too many fields. */
int form_parse(struct arena *ar, const char *s, size_t len, struct kv **out,
               int *n, int max);
/* First value of name in the form body, or NULL. */
const char *form_get(struct req *r, const char *name);
/* Parses an optional id form field: 0 when empty; records a verr and
 * returns 0 when it is not a positive integer. */
int64_t form_id(struct req *r, const char *name, struct verrs *v);
/* Parses an optional whole number form field (0 when empty). */
int64_t form_int(struct req *r, const char *name, struct verrs *v);
/* Percent-encodes s as one URL component (unreserved bytes kept). */
char *url_encode(struct arena *ar, const char *s);
/* Percent-decodes n bytes of s ('+' as space); NULL when malformed or when
 * the result is not valid UTF-8 without NUL.  Arena memory. */
char *url_decode(struct arena *ar, const char *s, size_t n);

/* html.c — the only way HTML is written.  html_lit() takes string literals
 * only: the macro glues "" around its argument, so anything else is a
 * compile error.  Everything else is escaped for its context. */
void html_lit_(struct req *r, const char *s);
#define html_lit(r, s) html_lit_((r), "" s "")
void html_txt(struct req *r, const char *s);  /* & < > " ' escaped */
void html_attr(struct req *r, const char *s); /* same, inside quotes */
void html_url(struct req *r, const char *s);  /* percent-encoded component */
void html_int(struct req *r, int64_t v);
/* Translated text: html_txt(r, tr(r, msgid)). */
void html_tr(struct req *r, const char *msgid);
/* Escapes s into an arena string (for attributes built in C). */
char *html_escape(struct arena *ar, const char *s);
/* Writes text with its line breaks kept (<br> between lines); the _n form
 * writes the first len bytes of s. */
void html_lines(struct req *r, const char *s);
void html_lines_n(struct req *r, const char *s, size_t len);

/* layout.c — page chrome and form helpers */
void page_begin(struct req *r, const char *title, const char *nav);
void page_end(struct req *r);
/* <form method="post" action="…"> plus the hidden CSRF field. */
void form_begin(struct req *r, const char *action, const char *cls);
void form_end(struct req *r);
/* Labelled inputs that show errors next to the field and keep the value. */
void field_text(struct req *r, const char *name, const char *label,
                const char *value, const struct verrs *v, const char *type,
                int required, const char *hint);
void field_textarea(struct req *r, const char *name, const char *label,
                    const char *value, const struct verrs *v, const char *hint);
/* options: NULL-terminated codes; labels: parallel labels (or NULL to show
 * the codes).  Labels are shown as they are (unit and person names are user
 * data and must never go through the catalogue) unless SELECT_TR says they
 * are msgids to translate.  SELECT_NONE adds an empty "(none)" choice,
 * SELECT_ALL an empty "All" choice (filters). */
enum { SELECT_NONE = 1, SELECT_ALL = 2, SELECT_TR = 4 };
void field_select(struct req *r, const char *name, const char *label,
                  const char *value, const char *const *codes,
                  const char *const *labels, const struct verrs *v, int flags);
void error_summary(struct req *r, const struct verrs *v);
/* Opens a scrollable, keyboard-focusable table region with a caption
 * (translated msgid); close with table_end(). */
void table_begin(struct req *r, const char *caption);
void table_end(struct req *r);
/* The actor's units as parallel NULL-terminated id/label arrays for a
 * select, labels indented by depth (arena memory).  0 or -1. */
int unit_choices(struct req *r, const char ***codes, const char ***labels);
/* A status message box (role=status). */
void flash(struct req *r, const char *msgid);
/* Sends a full HTML error page with a fixed message for status. */
void html_error(struct req *r, int status);
/* Formats t as a local date/time for display (org time zone). */
const char *fmt_time(struct req *r, int64_t t);

/* ui_items.c — shared with the inbox pages: the label (msgid) of an item
 * type ("comment" → "Comment"); the first max bytes of s cut at a
 * character boundary with "…" (arena); the id of the captured item with
 * platform id pid in channel_id, or 0 (the caller may see the channel). */
const char *item_type_label(const char *code);
const char *text_excerpt(struct req *r, const char *s, size_t max);
int64_t item_by_platform_id(struct req *r, int64_t channel_id, const char *pid);
/* The channels the person may see as select choices, "Name (Platform)"
 * (arena arrays, NULL-terminated).  0 or -1. */
int channel_choices(struct req *r, const char ***codes, const char ***labels);

/* ui_rota.c — the active people the actor may see as parallel
 * NULL-terminated id/label arrays for a select (arena).  0 or -1. */
int person_choices(struct req *r, const char ***codes, const char ***labels);
/* "14 h" or "2 h 30 min" for a number of seconds (arena). */
const char *hours_text(struct req *r, int64_t secs);

/* ui_inbox.c — open inbox items assigned to the actor (for the main menu);
 * 0, or -1 when unknown. */
int inbox_nav_count(struct req *r, int64_t *n);

/* ui_inbox_settings.c — the part of a channel's page that shows how
 * replies on it are signed (an example line for the viewer) with the
 * form that changes it for those who may edit the channel; v: the
 * errors of a failed post (NULL: none). */
void ui_reply_rule_part(struct req *r, const struct channel *c,
                        const struct verrs *v);

/* ui_audit.c — the translatable label (msgid) of an audit action code. */
const char *audit_action_label(const char *action);

/* api.c — JSON API helpers */
void api_json(struct req *r, int status, json_t *j); /* steals j */
/* RFC 9457 problem; type is the suffix of urn:kanalvakt:problem:. */
void api_problem(struct req *r, int status, const char *type, const char *title,
                 const char *detail);
void api_invalid(struct req *r, int status, const struct verrs *v);
/* Maps a domain result to a problem answer (KV_OK: nothing). */
void api_fail(struct req *r, enum kv_rc rc, const struct verrs *v);
/* Parses the request body as a JSON object with caps; answers the problem
 * itself and returns NULL when it is not acceptable.  allowed lists the
 * field names (NULL-terminated); unknown fields are refused. */
json_t *api_body(struct req *r, const char *const *allowed);
/* Typed field readers: set *present; record a verr on a wrong type. */
const char *jget_str(json_t *o, const char *k, int *present, struct verrs *v);
int64_t jget_int(json_t *o, const char *k, int *present, struct verrs *v);
/* Reads a list of at most max (32) positive ids into out and n; returns 1
 * when the field is present (errors go to v), 0 when absent. */
int jget_ids(json_t *o, const char *k, int64_t *out, int max, int *n,
             struct verrs *v);
/* Reads an id or null (0). */
int64_t jget_id(json_t *o, const char *k, int *present, struct verrs *v);
/* Nesting depth of JSON text, ignoring brackets inside strings (checked
 * before the parser sees the body). */
int api_json_depth(const char *s, size_t n);
/* Copies the channel fields present in JSON object b over c, recording
 * type errors in v (strings point into b). */
void api_channel_overlay(json_t *b, struct channel *c, struct verrs *v);
/* Pagination from ?limit=&offset=; answers 400 and returns -1 when bad. */
int api_paging(struct req *r, int *limit, int *offset);
/* Parses an optional positive id in the query; -1 + 400 when malformed. */
int query_id(struct req *r, const char *name, int64_t *out);

/* api_items.c — the credential key of this server (loaded, or made on
 * first use, from app->key_path).  0, or -1 after logging why. */
struct cred_key;
int web_cred_key(struct req *r, struct cred_key *k);
/* The action layer's configuration of this server (src/jobs/act.h): the
 * key file path (read by an action only when it calls a platform), the
 * registry directory, the base URL.  api_inbox.c. */
struct act_cfg;
void web_act_cfg(struct req *r, struct act_cfg *cfg);
/* The inbox filter from the query string (api_inbox.c, ui_inbox.c); -1
 * after answering 400. */
struct inbox_filter;
int inbox_query_filter(struct req *r, struct inbox_filter *f);

/* i18n.c */
int i18n_init(void);
const char *tr(struct req *r, const char *msgid);
const char *tr_lang(const char *lang, const char *msgid);
/* Translates msgid and puts arg where it says %s (once; no printf, so a
 * catalogue can never inject format directives).  Arena memory. */
const char *tr_sub(struct req *r, const char *msgid, const char *arg);
/* Picks r->lang from ?lang=, cookie, Accept-Language, org default. */
void i18n_pick(struct req *r);
extern const char *const ui_langs[];      /* nb nn sv en */
extern const char *const ui_lang_names[]; /* in their own language */

#endif
