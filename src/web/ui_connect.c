/*
 * ui_connect.c - a channel's connection to its platform in the HTML UI
 * (issue 4): /channels/:id/connection shows the status (never a secret:
 * connection_get), what the connector can do and what the platform does
 * not allow, and — for administrators and communications — the form that
 * connects or reconnects the channel (sync_connect seals the credentials
 * with the server's key file) and a "Poll now" button.
 *
 * Secrets: the credential fields are password inputs that are never
 * filled in, never shown back after an error and never logged; the JSON
 * built from them is wiped (cred_free) as soon as it is sealed.  The
 * settings that are not secret (base_url, account, kind, …) are kept in
 * config_json and shown.
 */
#include "web.h"
#include "../archive/cred.h"
#include "../base/util.h"
#include "../jobs/connection.h"
#include "../jobs/sync.h"

#include <stdlib.h>
#include <string.h>

/* A form field of a platform's connection: a setting or a credential. */
struct conn_field {
	const char *name, *label, *hint;
};

static const struct conn_field cfg_fields[] = {
    {"kind", N_("Kind of blog (kind)"), NULL},
    {"feed_url", N_("Feed address (feed_url)"),
     N_("The address of the blog's RSS or Atom feed.")},
    {"comments_feed_url", N_("Comments feed address (comments_feed_url)"),
     N_("Optional: a feed of the blog's comments.")},
    {"base_url", N_("API address (base_url)"),
     N_("The platform's API or server, e.g. https://mastodon.example.no. "
        "Leave it empty for the platform's default where there is one.")},
    {"account", N_("Account id (account)"),
     N_("The page, profile or organisation id on the platform.")},
    {"version", N_("API version (version)"),
     N_("YYYYMM; leave it empty for the connector's default.")},
};

static const struct conn_field cred_fields[] = {
    {"access_token", N_("Access token (access_token)"), NULL},
    {"refresh_token", N_("Refresh token (refresh_token)"), NULL},
    {"client_id", N_("Client id (client_id)"), NULL},
    {"client_secret", N_("Client secret (client_secret)"), NULL},
    {"page_token", N_("Page access token (page_token)"), NULL},
    {"app_secret", N_("App secret (app_secret)"), NULL},
    {"identifier", N_("Handle or e-mail (identifier)"), NULL},
    {"app_password", N_("App password (app_password)"), NULL},
    {"username", N_("User name (username)"), NULL},
    {"api_key", N_("API key (api_key)"), NULL},
    {"expires_at", N_("Token expires on (expires_at)"),
     N_("YYYY-MM-DD, when the platform told you; leave it empty "
        "otherwise.")},
};

/* Which fields apply to a platform (docs/connectors/PLATFORM.md). */
static const struct {
	const char *platform;
	const char *cfg[5];
	const char *cred[7];
} platform_fields[] = {
    {"facebook_page",
     {"account", "base_url"},
     {"page_token", "app_secret", "expires_at"}},
    {"instagram",
     {"account", "base_url"},
     {"access_token", "app_secret", "expires_at"}},
    {"x",
     {"account", "base_url"},
     {"access_token", "refresh_token", "client_id", "client_secret",
      "expires_at"}},
    {"youtube",
     {"account", "base_url"},
     {"access_token", "refresh_token", "client_id", "client_secret", "api_key",
      "expires_at"}},
    {"vimeo", {"account", "base_url"}, {"access_token"}},
    {"linkedin",
     {"account", "version", "base_url"},
     {"access_token", "refresh_token", "client_id", "client_secret",
      "expires_at"}},
    {"mastodon", {"base_url", "account"}, {"access_token"}},
    {"bluesky", {"base_url"}, {"identifier", "app_password"}},
    {"blog",
     {"kind", "feed_url", "comments_feed_url", "base_url"},
     {"username", "app_password"}},
};

static const char *const blog_kinds[] = {"feed", "wordpress", NULL};
static const char *const blog_kind_labels[] = {
    N_("A feed (RSS or Atom)"), N_("WordPress (REST API)"), NULL};

static const struct conn_field *
field_of(const struct conn_field *fs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fs[i].name, name) == 0)
			return &fs[i];
	return NULL;
}

/* The fields of platform, or -1 when kanalvakt has no form for it. */
static int
fields_index(const char *platform)
{
	for (size_t i = 0; i < ARRAY_LEN(platform_fields); i++)
		if (strcmp(platform_fields[i].platform, platform) == 0)
			return (int)i;
	return -1;
}

static const char *
status_label(const char *code)
{
	static const struct {
		const char *code, *label;
	} labels[] = {
	    {"new", N_("Not polled yet")},
	    {"ok", N_("Working")},
	    {"auth", N_("Needs to be reconnected: the platform refused the "
	                "credentials")},
	    {"rate_limit", N_("Waiting: the platform's rate limit was "
	                      "reached")},
	    {"network", N_("The platform could not be reached")},
	    {"platform", N_("The platform refused a request")},
	    {"not_found", N_("Not found on the platform")},
	    {"malformed", N_("The platform answered in an unexpected way")},
	    {"unsupported", N_("Not supported by the platform")},
	    {"config", N_("The settings are incomplete")},
	    {"store", N_("What was read could not be stored")},
	};
	for (size_t i = 0; code && i < ARRAY_LEN(labels); i++)
		if (strcmp(labels[i].code, code) == 0)
			return labels[i].label;
	return code ? code : "";
}

static int
may_connect(const struct req *r)
{
	return actor_is_admin(&r->actor) ||
	       actor_has_org_role(&r->actor, ROLE_COMMS);
}

static void
prop(struct req *r, const char *label, const char *value)
{
	html_lit(r, "<dt>");
	html_tr(r, label);
	html_lit(r, "</dt><dd>");
	if (value && *value)
		html_txt(r, value);
	else
		html_lit(r, "–");
	html_lit(r, "</dd>");
}

static void
prop_time(struct req *r, const char *label, int64_t t)
{
	prop(r, label, t > 0 ? fmt_time(r, t) : NULL);
}

static void
caps_list(struct req *r, unsigned caps)
{
	static const struct {
		unsigned bit;
		const char *label;
	} names[] = {
	    {CAP_OWN_POSTS, N_("Reads the channel's own posts")},
	    {CAP_COMMENTS, N_("Reads comments and replies")},
	    {CAP_MENTIONS, N_("Reads mentions")},
	    {CAP_DMS, N_("Reads direct messages")},
	    {CAP_REPLY, N_("Can reply")},
	    {CAP_HIDE, N_("Can hide others' comments")},
	    {CAP_DELETE_OTHERS, N_("Can delete others' comments")},
	    {CAP_PUBLISH, N_("Can publish")},
	    {CAP_PUBLISH_MEDIA, N_("Can publish images and video")},
	    {CAP_METRICS, N_("Reads statistics")},
	    {CAP_WEBHOOK, N_("Receives notices from the platform (webhooks)")},
	    {CAP_REFRESH, N_("Renews its own token")},
	};
	html_lit(r, "<ul>");
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (caps & names[i].bit) {
			html_lit(r, "<li>");
			html_tr(r, names[i].label);
			html_lit(r, "</li>");
		}
	html_lit(r, "</ul>\n");
}

/* The value of a setting from the stored config (arena), or NULL. */
static const char *
config_value(struct req *r, json_t *cfg, const char *name)
{
	json_t *v = json_object_get(cfg, name);
	if (json_is_string(v))
		return arena_strdup(&r->ar, json_string_value(v));
	if (json_is_integer(v))
		return arena_printf(&r->ar, "%lld",
		                    (long long)json_integer_value(v));
	return NULL;
}

/* A credential input: type=password, never given a value. */
static void
cred_input(struct req *r, const struct conn_field *f, const struct verrs *v)
{
	int date = strcmp(f->name, "expires_at") == 0;
	const char *err = verr_for(v, f->name);
	html_lit(r, "<div class=\"field\"><label for=\"f-");
	html_attr(r, f->name);
	html_lit(r, "\">");
	html_tr(r, f->label);
	html_lit(r, "</label>");
	if (f->hint) {
		html_lit(r, "<p class=\"hint\" id=\"h-");
		html_attr(r, f->name);
		html_lit(r, "\">");
		html_tr(r, f->hint);
		html_lit(r, "</p>");
	}
	if (err) {
		html_lit(r, "<p class=\"error\" id=\"e-");
		html_attr(r, f->name);
		html_lit(r, "\"><strong>");
		html_tr(r, "Error:");
		html_lit(r, "</strong> ");
		html_tr(r, err);
		html_lit(r, "</p>");
	}
	html_lit(r, "<input id=\"f-");
	html_attr(r, f->name);
	html_lit(r, "\" name=\"");
	html_attr(r, f->name);
	/* the expiry is not a secret: a date the person can see and check */
	if (date)
		html_lit(r, "\" type=\"date\" value=\"");
	else
		html_lit(r, "\" type=\"password\" value=\"");
	if (date && v != NULL && form_get(r, f->name))
		html_attr(r, form_get(r, f->name));
	html_lit(r, "\" autocomplete=\"off\"");
	if (err)
		html_lit(r, " aria-invalid=\"true\"");
	if (f->hint || err) {
		html_lit(r, " aria-describedby=\"");
		if (f->hint) {
			html_lit(r, "h-");
			html_attr(r, f->name);
		}
		if (err) {
			if (f->hint)
				html_lit(r, " ");
			html_lit(r, "e-");
			html_attr(r, f->name);
		}
		html_lit(r, "\"");
	}
	html_lit(r, "></div>\n");
}

static void
connect_form(struct req *r, const struct channel *c,
             const struct conn_status *s, int fi, const struct verrs *v)
{
	json_t *cfg =
	    json_loads(s->config_json ? s->config_json : "{}", 0, NULL);
	const char *action =
	    arena_printf(&r->ar, "/channels/%lld/connection", (long long)c->id);
	html_lit(r, "<h2 id=\"connect\">");
	html_tr(r, s->connected ? N_("Reconnect") : N_("Connect"));
	html_lit(r, "</h2>\n<p>");
	html_tr(r, "Reconnecting keeps the channel's history: every item "
	           "already captured, with its versions and events, is kept.");
	html_lit(r, "</p>\n<p>");
	html_tr(r, "The credentials are sealed with the server's key and are "
	           "never shown again. They are replaced as a whole, so enter "
	           "every one that applies, also when you only change one. "
	           "Empty fields are left out.");
	html_lit(r, "</p>\n");
	error_summary(r, v);
	form_begin(r, action, "connection");
	html_lit(r, "<fieldset><legend>");
	html_tr(r, "Settings");
	html_lit(r, "</legend>");
	for (int i = 0; i < 5 && platform_fields[fi].cfg[i]; i++) {
		const struct conn_field *f =
		    field_of(cfg_fields, ARRAY_LEN(cfg_fields),
		             platform_fields[fi].cfg[i]);
		/* after a refused form, what was typed; else what is stored */
		const char *val = v != NULL ? form_get(r, f->name)
		                            : config_value(r, cfg, f->name);
		if (strcmp(f->name, "kind") == 0)
			field_select(r, f->name, f->label, val ? val : "feed",
			             blog_kinds, blog_kind_labels, v,
			             SELECT_TR);
		else
			field_text(r, f->name, f->label, val, v,
			           strstr(f->name, "url") ? "url" : "text", 0,
			           f->hint);
	}
	html_lit(r, "</fieldset><fieldset><legend>");
	html_tr(r, "Credentials");
	html_lit(r, "</legend>");
	for (int i = 0; i < 7 && platform_fields[fi].cred[i]; i++)
		cred_input(r,
		           field_of(cred_fields, ARRAY_LEN(cred_fields),
		                    platform_fields[fi].cred[i]),
		           v);
	html_lit(r, "</fieldset><div class=\"field\"><input type=\"checkbox\" "
	            "id=\"f-reset_state\" name=\"reset_state\" value=\"1\" "
	            "aria-describedby=\"h-reset_state\"");
	if (v != NULL && form_get(r, "reset_state"))
		html_lit(r, " checked");
	html_lit(r, "> <label for=\"f-reset_state\">");
	html_tr(r, "Start the sync state afresh");
	html_lit(r, "</label><p class=\"hint\" id=\"h-reset_state\">");
	html_tr(r,
	        "Forget where the last poll stopped and read the platform "
	        "again from the newest. Captured items are kept either way.");
	html_lit(r,
	         "</p></div>\n<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, s->connected ? N_("Reconnect") : N_("Connect"));
	html_lit(r, "</button> <a href=\"/channels/");
	html_int(r, c->id);
	html_lit(r, "\">");
	html_tr(r, "Cancel");
	html_lit(r, "</a></p>");
	form_end(r);
	json_decref(cfg);
}

static void
connection_page(struct req *r, const struct verrs *v, const char *problem)
{
	struct channel c;
	struct conn_status s;
	int fi;
	enum kv_rc rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc == KV_OK)
		rc = connection_get(r->db, &r->ar, &r->actor, r->pid, &s);
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND ? 404 : 500);
		return;
	}
	fi = fields_index(c.platform);
	page_begin(r,
	           arena_printf(&r->ar, "%s: %s",
	                        tr(r, "Connection to the platform"), c.name),
	           "channels");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/channels\">");
	html_tr(r, "Channel register");
	html_lit(r, "</a> › <a href=\"/channels/");
	html_int(r, c.id);
	html_lit(r, "\">");
	html_txt(r, c.name);
	html_lit(r, "</a></p>\n<h1>");
	html_tr(r, "Connection to the platform");
	html_lit(r, ": ");
	html_txt(r, c.name);
	html_lit(r, "</h1>\n");
	if (req_query(r, "saved"))
		flash(r, "The channel was connected. It will be polled within "
		         "a minute.");
	if (req_query(r, "polled"))
		flash(r, "The channel will be polled within a minute.");
	if (problem) {
		html_lit(r, "<p class=\"error\" role=\"alert\">");
		html_tr(r, problem);
		html_lit(r, "</p>\n");
	}
	html_lit(r, "<dl class=\"props\">");
	prop(r, "Platform", tr(r, platform_label(c.platform)));
	prop(r, "Connector", s.has_connector ? s.label : NULL);
	html_lit(r, "<dt>");
	html_tr(r, "Status");
	html_lit(r, "</dt><dd>");
	if (!s.connected)
		html_tr(r, "Not connected");
	else
		html_tr(r, status_label(s.last_status));
	html_lit(r, "</dd>");
	if (s.connected) {
		html_lit(r, "<dt>");
		html_tr(r, "Last error");
		html_lit(r, "</dt><dd>");
		if (s.last_error && *s.last_error) {
			/* the platform's own words, in English */
			html_lit(r, "<span lang=\"en\">");
			html_txt(r, s.last_error);
			html_lit(r, "</span>");
		} else {
			html_lit(r, "–");
		}
		html_lit(r, "</dd>");
		prop_time(r, N_("Last sync"), s.last_sync_at);
		prop_time(r, N_("Next poll"), s.next_poll_at);
		prop_time(r, N_("Waiting until (back-off)"),
		          s.backoff_until > time_now() ? s.backoff_until : 0);
		prop(r, "Failures in a row",
		     arena_printf(&r->ar, "%d", s.failures));
		prop_time(r, N_("Token expires"), s.token_expires_at);
	}
	html_lit(r, "<dt>");
	html_tr(r, "Items captured");
	html_lit(r, "</dt><dd><a href=\"/items?channel=");
	html_int(r, c.id);
	html_lit(r, "\">");
	html_int(r, s.items);
	html_lit(r, "</a></dd></dl>\n");
	if (!s.has_connector || fi < 0) {
		html_lit(r, "<p>");
		html_tr(r, "kanalvakt cannot read this platform yet, so the "
		           "channel cannot be connected.");
		html_lit(r, "</p>\n");
		page_end(r);
		return;
	}
	html_lit(r, "<h2>");
	html_tr(r, "What the connector does");
	html_lit(r, "</h2>\n");
	caps_list(r, s.caps);
	if (s.note && *s.note) {
		html_lit(r, "<h2>");
		html_tr(r, "Platform limits");
		html_lit(r, "</h2>\n<p lang=\"en\">");
		html_txt(r, s.note);
		html_lit(r, "</p>\n");
	}
	if (!may_connect(r)) {
		html_lit(r, "<p>");
		html_tr(r, "Administrators and the communications unit connect "
		           "channels and ask for a poll.");
		html_lit(r, "</p>\n");
		page_end(r);
		return;
	}
	if (s.connected) {
		form_begin(r,
		           arena_printf(&r->ar,
		                        "/channels/%lld/connection/poll",
		                        (long long)c.id),
		           "poll");
		html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
		html_tr(r, "Poll now");
		html_lit(r, "</button></p>");
		form_end(r);
	}
	connect_form(r, &c, &s, fi, v);
	page_end(r);
}

void
ui_connection(struct req *r)
{
	connection_page(r, NULL, NULL);
}

/* Reads an expiry (YYYY-MM-DD, the end of that day UTC, or epoch seconds)
 * into *out; -1 when malformed. */
static int
parse_expiry(const char *s, int64_t *out)
{
	int y, m, d;
	if (parse_i64(s, out) == 0 && *out > 0)
		return 0;
	if (date_parse(s, &y, &m, &d) != 0)
		return -1;
	*out = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + 86399;
	return 0;
}

void
ui_connection_save(struct req *r)
{
	struct channel c;
	struct conn_status s;
	struct cred_key key;
	struct verrs v = {0};
	json_t *cfg, *cred;
	char *cfg_s = NULL, *cred_s = NULL;
	int fi, ncred = 0;
	enum kv_rc rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc == KV_OK)
		rc = connection_get(r->db, &r->ar, &r->actor, r->pid, &s);
	if (rc == KV_OK && !may_connect(r))
		rc = KV_FORBIDDEN;
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND    ? 404
		              : rc == KV_FORBIDDEN ? 403
		                                   : 500);
		return;
	}
	fi = fields_index(c.platform);
	if (fi < 0 || !s.has_connector) {
		r->status = 409;
		connection_page(r, NULL,
		                N_("This platform cannot be connected yet."));
		return;
	}
	/* settings: the stored ones, with the form's fields over them (an
	 * empty field removes the setting) */
	cfg = json_loads(s.config_json ? s.config_json : "{}", 0, NULL);
	if (!json_is_object(cfg)) {
		json_decref(cfg);
		cfg = json_object();
	}
	for (int i = 0; i < 5 && platform_fields[fi].cfg[i]; i++) {
		const char *name = platform_fields[fi].cfg[i];
		const char *val = form_get(r, name);
		if (val == NULL || *val == '\0') {
			json_object_del(cfg, name);
			continue;
		}
		if (strstr(name, "url") && !str_starts(val, "https://") &&
		    !str_starts(val, "http://"))
			verr_add(&v, name, "must be a web address (https://…)");
		else if (strcmp(name, "kind") == 0 &&
		         strcmp(val, "feed") != 0 &&
		         strcmp(val, "wordpress") != 0)
			verr_add(&v, name, "must be chosen from the list");
		else if (strlen(val) > 2000)
			verr_add(&v, name, "is too long");
		else
			json_object_set_new(cfg, name, json_string(val));
	}
	cred = json_object();
	for (int i = 0; i < 7 && platform_fields[fi].cred[i]; i++) {
		const char *name = platform_fields[fi].cred[i];
		const char *val = form_get(r, name);
		int64_t t;
		if (val == NULL || *val == '\0')
			continue;
		if (strcmp(name, "expires_at") == 0) {
			if (parse_expiry(val, &t) != 0)
				verr_add(&v, name,
				         "must be a date (YYYY-MM-DD)");
			else
				json_object_set_new(
				    cred, name, json_integer((json_int_t)t));
			continue;
		}
		if (strlen(val) > 8000) {
			verr_add(&v, name, "is too long");
			continue;
		}
		json_object_set_new(cred, name, json_string(val));
		ncred++;
	}
	/* a reconnect replaces the credentials: refuse to drop them all by
	 * mistake (a blog read from its public feed needs none) */
	if (ncred == 0 && strcmp(c.platform, "blog") != 0 &&
	    platform_fields[fi].cred[0])
		verr_add(
		    &v, platform_fields[fi].cred[0],
		    "is required: the credentials are replaced as a whole");
	if (v.n == 0) {
		if (web_cred_key(r, &key) != 0) {
			rc = KV_DBERR;
		} else {
			cfg_s = json_dumps(cfg, JSON_COMPACT);
			cred_s = json_dumps(cred, JSON_COMPACT);
			rc = cfg_s && cred_s
			         ? sync_connect(r->db, &r->actor, c.id, &key,
			                        cfg_s, cred_s,
			                        form_get(r, "reset_state") !=
			                            NULL,
			                        time_now(), &v)
			         : KV_DBERR;
			cred_key_wipe(&key);
		}
	} else {
		rc = KV_INVALID;
	}
	cred_free(cred_s); /* zeroed before it is freed */
	json_decref(cred);
	free(cfg_s);
	json_decref(cfg);
	if (rc == KV_OK) {
		req_redirect(
		    r, arena_printf(&r->ar, "/channels/%lld/connection?saved=1",
		                    (long long)c.id));
		return;
	}
	if (rc != KV_INVALID) {
		html_error(r, rc == KV_FORBIDDEN  ? 403
		              : rc == KV_NOTFOUND ? 404
		                                  : 500);
		return;
	}
	r->status = 422;
	connection_page(r, &v, NULL);
}

void
ui_connection_poll(struct req *r)
{
	struct verrs v = {0};
	enum kv_rc rc =
	    connection_poll_now(r->db, &r->actor, r->pid, time_now(), &v);
	if (rc == KV_OK) {
		req_redirect(r,
		             arena_printf(&r->ar,
		                          "/channels/%lld/connection?polled=1",
		                          (long long)r->pid));
		return;
	}
	if (rc == KV_CONFLICT) {
		r->status = 409;
		connection_page(r, NULL,
		                v.n ? v.e[0].reason
		                    : N_("The channel cannot be polled now."));
		return;
	}
	html_error(r, rc == KV_NOTFOUND ? 404 : rc == KV_FORBIDDEN ? 403 : 500);
}
