/*
 * ui_auth.c - pages around the signed-in person: front page, login and
 * logout, dashboard, own account (password, API tokens), the public
 * register of official channels, health check and static assets.
 */
#include "web.h"
#include "../domain/plan.h"
#include "../domain/review.h"
#include "../domain/rota.h"
#include "../domain/training.h"
#include "../domain/upkeep.h"
#include "../base/embed.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

void
h_healthz(struct req *r)
{
	int v = db_schema_version(r->db);
	json_t *j = json_pack(
	    "{s:s,s:s,s:i,s:s}", "status", v >= 0 ? "ok" : "degraded", "db",
	    db_kind(r->db) == DB_SQLITE ? "sqlite" : "postgresql", "schema", v,
	    "version", KV_VERSION);
	api_json(r, v >= 0 ? 200 : 503, j);
}

void
h_static(struct req *r)
{
	char name[96];
	const struct embed_file *f;
	const char *inm = req_header(r, "If-None-Match");
	const char *dot;

	snprintf(name, sizeof(name), "assets/%s", r->pname);
	f = embed_find(name);
	if (f == NULL) {
		r->status = 404;
		r->ctype = "text/plain; charset=utf-8";
		buf_adds(&r->out, "not found\n");
		return;
	}
	dot = strrchr(name, '.');
	r->ctype =
	    dot && strcmp(dot, ".css") == 0   ? "text/css; charset=utf-8"
	    : dot && strcmp(dot, ".js") == 0  ? "text/javascript; charset=utf-8"
	    : dot && strcmp(dot, ".svg") == 0 ? "image/svg+xml"
	    : dot && strcmp(dot, ".json") == 0 ? "application/json"
	                                       : "application/octet-stream";
	req_add_header(r, "ETag", f->etag);
	req_add_header(r, "Cache-Control", "public, max-age=3600");
	if (inm != NULL && strcmp(inm, f->etag) == 0) {
		r->status = 304;
		return;
	}
	buf_add(&r->out, f->data, f->len);
}

void
ui_home(struct req *r)
{
	req_redirect(r, r->authed ? "/dashboard" : "/login");
}

/* Only local absolute paths are followed after login. */
static const char *
safe_next(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    next[1] == '\\' || strlen(next) > 500 || strchr(next, '\r') ||
	    strchr(next, '\n') || str_starts(next, "/login") ||
	    str_starts(next, "/logout"))
		return "/dashboard";
	return next;
}

static void
login_page(struct req *r, const char *email, const char *next,
           const char *error)
{
	page_begin(r, tr(r, "Log in"), NULL);
	html_lit(r, "<div class=\"narrow\"><h1>");
	html_tr(r, "Log in to kanalvakt");
	html_lit(r, "</h1>\n");
	if (error != NULL) {
		html_lit(r, "<div class=\"error-summary\" role=\"alert\"><p>");
		html_tr(r, error);
		html_lit(r, "</p></div>\n");
	}
	form_begin(r, "/login", NULL);
	html_lit(r, "<input type=\"hidden\" name=\"next\" value=\"");
	html_attr(r, safe_next(next));
	html_lit(r, "\">");
	html_lit(r, "<div class=\"field\"><label for=\"f-email\">");
	html_tr(r, "E-mail");
	html_lit(r,
	         "</label><input id=\"f-email\" name=\"email\" type=\"email\" "
	         "autocomplete=\"username\" required value=\"");
	html_attr(r, email ? email : "");
	html_lit(r,
	         "\"></div>\n<div class=\"field\"><label for=\"f-password\">");
	html_tr(r, "Password");
	html_lit(r, "</label><input id=\"f-password\" name=\"password\" "
	            "type=\"password\" autocomplete=\"current-password\" "
	            "required></div>\n<p><button type=\"submit\">");
	html_tr(r, "Log in");
	html_lit(r, "</button></p>");
	form_end(r);
	html_lit(r, "<p><a href=\"/register\">");
	html_tr(r, "See the organisation's official channels");
	html_lit(r, "</a></p></div>\n");
	page_end(r);
}

/* Makes sure the pre-login double-submit cookie exists; sets r->csrf. */
static void
ensure_login_csrf(struct req *r)
{
	const char *c = req_cookie(r, "kv_csrf");
	if (c == NULL || strlen(c) != 64) {
		char *t = arena_alloc(&r->ar, 65);
		random_hex(t, 32);
		req_set_cookie(r, "kv_csrf", t, -1);
		c = t;
	}
	r->csrf = c;
}

void
ui_login_form(struct req *r)
{
	if (r->authed) {
		req_redirect(r, "/dashboard");
		return;
	}
	ensure_login_csrf(r);
	login_page(r, NULL, req_query(r, "next"), NULL);
}

void
ui_login(struct req *r)
{
	struct login_result res;
	const char *email = form_get(r, "email");
	const char *next = form_get(r, "next");
	enum kv_rc rc = auth_login(
	    r->db, &r->ar, email, form_get(r, "password"), req_client(r), &res);
	if (rc == KV_OK) {
		req_set_cookie(r, "kv_session", res.token, -1);
		req_redirect(r, safe_next(next));
		return;
	}
	ensure_login_csrf(r);
	if (rc == KV_THROTTLED) {
		r->status = 429;
		req_add_header(r, "Retry-After",
		               arena_printf(&r->ar, "%d", res.retry_after));
		login_page(r, email, next,
		           N_("Too many failed attempts. Wait a quarter of an "
		              "hour and try again."));
	} else if (rc == KV_UNAUTH) {
		r->status = 401;
		login_page(r, email, next,
		           N_("The e-mail or the password is wrong."));
	} else {
		html_error(r, 500);
	}
}

void
ui_logout(struct req *r)
{
	if (r->session_token != NULL)
		session_end(r->db, &r->ar, r->session_token);
	req_set_cookie(r, "kv_session", "", 0);
	req_redirect(r, "/login");
}

static void
count_row(struct req *r, const char *label, int64_t n, const char *href)
{
	html_lit(r, "<li><a href=\"");
	html_attr(r, href);
	html_lit(r, "\"><span class=\"count\">");
	html_int(r, n);
	html_lit(r, "</span> ");
	html_tr(r, label);
	html_lit(r, "</a></li>");
}

/* One row of the governance table: a unit and its counts. */
struct gov_row {
	int64_t unit_id;
	const char *unit;
	int active, awaiting, gaps, stale, reviews, untrained;
};

static struct gov_row *
gov_row_for(struct req *r, struct gov_row *rows, int *n, int cap,
            int64_t unit_id, const char *unit)
{
	for (int i = 0; i < *n; i++)
		if (rows[i].unit_id == unit_id)
			return &rows[i];
	if (*n == cap)
		return NULL;
	memset(&rows[*n], 0, sizeof(rows[*n]));
	rows[*n].unit_id = unit_id;
	rows[*n].unit = arena_strdup(&r->ar, unit ? unit : "");
	return &rows[(*n)++];
}

static void
gov_cell(struct req *r, int n, const char *href)
{
	html_lit(r, "<td>");
	if (n > 0) {
		html_lit(r, "<a href=\"");
		html_attr(r, href);
		html_lit(r, "\">");
		html_int(r, n);
		html_lit(r, "</a>");
	} else {
		html_lit(r, "0");
	}
	html_lit(r, "</td>");
}

/* Governance health per unit (issue 3): active channels, plans awaiting a
 * decision, coverage gaps in the next 14 days, stale channels, reviews
 * due, channels whose responsible person lacks the required training —
 * over the channels the actor can see. */
static void
governance_table(struct req *r, const struct channel *cs, int ncs)
{
	enum { CAP = 200 };
	struct gov_row *rows = arena_alloc(&r->ar, sizeof(*rows) * CAP);
	struct plan_filter pf;
	struct plan *ps;
	struct channel_gaps *gs;
	struct upkeep *us;
	struct review_due *ds;
	int n = 0, np = 0, ng = 0, nu = 0, nd = 0;
	int64_t total, now = time_now();
	char today[16];
	struct gov_row *row;

	time_fmt_date(now + tz_offset(r->has_org ? r->org.timezone : NULL, now),
	              today);
	for (int i = 0; i < ncs; i++) {
		if (strcmp(cs[i].status, "closed") == 0)
			continue;
		row = gov_row_for(r, rows, &n, CAP, cs[i].unit_id,
		                  cs[i].unit_name);
		if (row == NULL)
			continue;
		if (strcmp(cs[i].status, "active") == 0)
			row->active++;
		if (cs[i].responsible_id != 0 &&
		    training_missing(r->db, r->actor.org_id,
		                     cs[i].responsible_id) == 1)
			row->untrained++;
	}
	memset(&pf, 0, sizeof(pf));
	pf.status = "submitted";
	pf.limit = 500;
	if (plan_list(r->db, &r->ar, &r->actor, &pf, &ps, &np, &total) == KV_OK)
		for (int i = 0; i < np; i++)
			if ((row = gov_row_for(r, rows, &n, CAP, ps[i].unit_id,
			                       ps[i].unit_name)) != NULL)
				row->awaiting++;
	if (rota_upcoming_gaps(r->db, &r->ar, &r->actor, now, 14, &gs, &ng) ==
	    KV_OK)
		for (int i = 0; i < ng; i++)
			if ((row = gov_row_for(
			         r, rows, &n, CAP, gs[i].channel.unit_id,
			         gs[i].channel.unit_name)) != NULL)
				row->gaps++;
	if (upkeep_list(r->db, &r->ar, &r->actor, now, 1, &us, &nu) == KV_OK)
		for (int i = 0; i < nu; i++)
			if ((row = gov_row_for(
			         r, rows, &n, CAP, us[i].channel.unit_id,
			         us[i].channel.unit_name)) != NULL)
				row->stale++;
	if (review_list_due(r->db, &r->ar, &r->actor, today, 0, &ds, &nd) ==
	    KV_OK)
		for (int i = 0; i < nd; i++)
			if ((row = gov_row_for(
			         r, rows, &n, CAP, ds[i].channel.unit_id,
			         ds[i].channel.unit_name)) != NULL)
				row->reviews++;

	html_lit(r, "<section aria-labelledby=\"h-gov\"><h2 id=\"h-gov\">");
	html_tr(r, "Governance");
	html_lit(r, "</h2>");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No channels to govern yet.");
		html_lit(r, "</p></section>\n");
		return;
	}
	table_begin(r, "Governance per unit");
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Unit");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Active");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Awaiting decision");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Gaps next 14 days");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Stale");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Reviews due");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Owner untrained");
	html_lit(r, "</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const char *u =
		    arena_printf(&r->ar, "%lld", (long long)rows[i].unit_id);
		html_lit(r, "<tr><th scope=\"row\"><a href=\"/units/");
		html_attr(r, u);
		html_lit(r, "\">");
		html_txt(r, rows[i].unit);
		html_lit(r, "</a></th>");
		gov_cell(r, rows[i].active,
		         arena_printf(&r->ar,
		                      "/channels?status=active&unit_id=%s", u));
		gov_cell(r, rows[i].awaiting, "/plans?status=submitted");
		gov_cell(r, rows[i].gaps, "/rota");
		gov_cell(r, rows[i].stale, "/upkeep");
		gov_cell(r, rows[i].reviews, "/reviews");
		gov_cell(r, rows[i].untrained, "/training");
		html_lit(r, "</tr>");
	}
	html_lit(r, "</tbody>");
	table_end(r);
	html_lit(r, "</section>\n");
}

void
ui_dashboard(struct req *r)
{
	struct channel_filter f;
	struct channel *cs;
	int n, mine = 0;
	int64_t total, by_status[6] = {0};

	memset(&f, 0, sizeof(f));
	f.limit = 500;
	if (channel_list(r->db, &r->ar, &r->actor, &f, &cs, &n, &total) !=
	    KV_OK) {
		html_error(r, 500);
		return;
	}
	page_begin(r, tr(r, "Dashboard"), "dashboard");
	html_lit(r, "<h1>");
	html_tr(r, "Dashboard");
	html_lit(r, "</h1>\n<p>");
	html_txt(r, tr_sub(r, "Welcome, %s.", r->actor.first_name));
	html_lit(r, "</p>\n");
	for (int i = 0; i < n; i++) {
		for (int s = 0; channel_statuses[s]; s++)
			if (strcmp(cs[i].status, channel_statuses[s]) == 0)
				by_status[s]++;
	}
	html_lit(r, "<section aria-labelledby=\"h-reg\"><h2 id=\"h-reg\">");
	html_tr(r, "Channel register");
	html_lit(r, "</h2><ul class=\"counts\">");
	count_row(r, "active channels", by_status[2],
	          "/channels?status=active");
	count_row(r, "requested", by_status[0], "/channels?status=requested");
	count_row(r, "planned", by_status[1], "/channels?status=planned");
	count_row(r, "paused", by_status[3], "/channels?status=paused");
	count_row(r, "closing", by_status[4], "/channels?status=closing");
	html_lit(r, "</ul></section>\n");

	governance_table(r, cs, n);

	html_lit(r, "<section aria-labelledby=\"h-mine\"><h2 id=\"h-mine\">");
	html_tr(r, "Channels you answer for");
	html_lit(r, "</h2>");
	for (int i = 0; i < n; i++) {
		int ed = 0;
		for (int k = 0; k < cs[i].neditors; k++)
			ed |= cs[i].editor_ids[k] == r->actor.person_id;
		if (cs[i].responsible_id != r->actor.person_id && !ed)
			continue;
		if (mine++ == 0)
			html_lit(r, "<ul>");
		html_lit(r, "<li><a href=\"/channels/");
		html_int(r, cs[i].id);
		html_lit(r, "\">");
		html_txt(r, cs[i].name);
		html_lit(r, "</a> (");
		html_tr(r, platform_label(cs[i].platform));
		html_lit(r, ", ");
		html_tr(r, cs[i].responsible_id == r->actor.person_id
		               ? N_("responsible")
		               : N_("editor"));
		html_lit(r, ")</li>");
	}
	if (mine)
		html_lit(r, "</ul>");
	else {
		html_lit(r, "<p>");
		html_tr(r, "You are not responsible for or editor of any "
		           "channel.");
		html_lit(r, "</p>");
	}
	html_lit(r, "</section>\n");

	html_lit(r, "<section aria-labelledby=\"h-attn\"><h2 id=\"h-attn\">");
	html_tr(r, "Needs attention");
	html_lit(r, "</h2><ul>");
	mine = 0;
	for (int i = 0; i < n; i++) {
		if (cs[i].responsible_id != 0 ||
		    strcmp(cs[i].status, "closed") == 0)
			continue;
		mine++;
		html_lit(r, "<li><a href=\"/channels/");
		html_int(r, cs[i].id);
		html_lit(r, "\">");
		html_txt(r, cs[i].name);
		html_lit(r, "</a>: ");
		html_tr(r, "no responsible person");
		html_lit(r, "</li>");
	}
	if (!mine) {
		html_lit(r, "<li>");
		html_tr(r, "Nothing needs attention in the register.");
		html_lit(r, "</li>");
	}
	html_lit(r, "</ul></section>\n");
	page_end(r);
}

void
ui_account(struct req *r)
{
	struct api_token *ts;
	int n;
	const char *new_token = NULL;
	struct verrs v = {0};

	if (token_list(r->db, &r->ar, &r->actor, &ts, &n) != KV_OK) {
		html_error(r, 500);
		return;
	}
	(void)new_token;
	page_begin(r, tr(r, "Your account"), "account");
	html_lit(r, "<h1>");
	html_tr(r, "Your account");
	html_lit(r, "</h1>\n");
	if (req_query(r, "changed") != NULL)
		flash(r, "Your password was changed.");
	html_lit(r, "<dl class=\"props\"><dt>");
	html_tr(r, "Name");
	html_lit(r, "</dt><dd>");
	html_txt(r, r->actor.name);
	html_lit(r, "</dd><dt>");
	html_tr(r, "E-mail");
	html_lit(r, "</dt><dd>");
	html_txt(r, r->actor.email);
	html_lit(r, "</dd><dt>");
	html_tr(r, "Roles");
	html_lit(r, "</dt><dd>");
	if (r->actor.ngrants == 0)
		html_tr(r, "(none)");
	for (int i = 0; i < r->actor.ngrants; i++) {
		if (i)
			html_lit(r, ", ");
		html_tr(r, role_label(r->actor.grants[i].role));
	}
	html_lit(r, "</dd></dl>\n<h2>");
	html_tr(r, "Change password");
	html_lit(r, "</h2>");
	form_begin(r, "/account/password", NULL);
	field_text(r, "old_password", "Current password", NULL, &v, "password",
	           1, NULL);
	field_text(r, "new_password", "New password", NULL, &v, "password", 1,
	           N_("At least 12 characters."));
	html_lit(r, "<p><button type=\"submit\">");
	html_tr(r, "Change password");
	html_lit(r, "</button></p>");
	form_end(r);

	html_lit(r, "<h2>");
	html_tr(r, "API tokens");
	html_lit(r, "</h2><p>");
	html_tr(r, "Tokens let programs use the API as you. Treat them like "
	           "passwords.");
	html_lit(r, "</p>");
	if (n > 0) {
		table_begin(r, "Your API tokens");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "Label");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Created");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Last used");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Status");
		html_lit(r, "</th></tr></thead><tbody>");
		for (int i = 0; i < n; i++) {
			html_lit(r, "<tr><td>");
			html_txt(r, *ts[i].label ? ts[i].label : "–");
			html_lit(r, "</td><td>");
			html_txt(r, fmt_time(r, ts[i].created_at));
			html_lit(r, "</td><td>");
			if (ts[i].last_used_at)
				html_txt(r, fmt_time(r, ts[i].last_used_at));
			else
				html_tr(r, "never");
			html_lit(r, "</td><td>");
			if (ts[i].revoked_at) {
				html_tr(r, "revoked");
			} else {
				form_begin(
				    r,
				    arena_printf(&r->ar,
				                 "/account/tokens/%lld/revoke",
				                 (long long)ts[i].id),
				    "inline");
				html_lit(r, "<button type=\"submit\">");
				html_tr(r, "Revoke");
				html_lit(r, "</button>");
				form_end(r);
			}
			html_lit(r, "</td></tr>");
		}
		html_lit(r, "</tbody>");
		table_end(r);
	}
	form_begin(r, "/account/tokens", NULL);
	field_text(r, "label", "Label", NULL, &v, "text", 0,
	           N_("What the token is for, e.g. \"archive export\"."));
	html_lit(r, "<p><button type=\"submit\">");
	html_tr(r, "Create token");
	html_lit(r, "</button></p>");
	form_end(r);
	page_end(r);
}

void
ui_account_password(struct req *r)
{
	struct verrs v = {0};
	enum kv_rc rc = account_change_password(
	    r->db, &r->ar, &r->actor, form_get(r, "old_password"),
	    form_get(r, "new_password"), r->session_token, &v);
	if (rc == KV_OK) {
		req_redirect(r, "/account?changed=1");
		return;
	}
	if (rc != KV_INVALID) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	r->status = 422;
	page_begin(r, tr(r, "Change password"), "account");
	html_lit(r, "<h1>");
	html_tr(r, "Change password");
	html_lit(r, "</h1>");
	error_summary(r, &v);
	form_begin(r, "/account/password", NULL);
	field_text(r, "old_password", "Current password", NULL, &v, "password",
	           1, NULL);
	field_text(r, "new_password", "New password", NULL, &v, "password", 1,
	           N_("At least 12 characters."));
	html_lit(r, "<p><button type=\"submit\">");
	html_tr(r, "Change password");
	html_lit(r, "</button> <a href=\"/account\">");
	html_tr(r, "Cancel");
	html_lit(r, "</a></p>");
	form_end(r);
	page_end(r);
}

void
ui_account_token(struct req *r)
{
	char tok[KV_TOKEN_HEX + 4];
	enum kv_rc rc =
	    token_create(r->db, &r->ar, &r->actor, r->actor.person_id,
	                 form_get(r, "label"), tok);
	if (rc == KV_INVALID) {
		html_error(r, 400);
		return;
	}
	if (rc != KV_OK) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	page_begin(r, tr(r, "New API token"), "account");
	html_lit(r, "<h1>");
	html_tr(r, "New API token");
	html_lit(r, "</h1><p>");
	html_tr(r, "Copy the token now. It is shown only this once.");
	html_lit(r, "</p><p><code class=\"token\">");
	html_txt(r, tok);
	html_lit(r, "</code></p><p><a href=\"/account\">");
	html_tr(r, "Back to your account");
	html_lit(r, "</a></p>\n");
	page_end(r);
}

void
ui_account_token_revoke(struct req *r)
{
	enum kv_rc rc = token_revoke(r->db, &r->ar, &r->actor, r->pid);
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND ? 404 : 500);
		return;
	}
	req_redirect(r, "/account");
}

void
ui_register(struct req *r)
{
	struct channel *cs = NULL;
	int n = 0;
	if (r->has_org &&
	    channel_list_public(r->db, &r->ar, r->org.id, &cs, &n) != KV_OK) {
		html_error(r, 500);
		return;
	}
	page_begin(r, tr(r, "Official channels"), NULL);
	html_lit(r, "<h1>");
	if (r->has_org)
		html_txt(r, tr_sub(r, "Official channels of %s", r->org.name));
	else
		html_tr(r, "Official channels");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "These are the organisation's official accounts on social "
	           "media. Other accounts that use its name are not official.");
	html_lit(r, "</p>\n");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No official channels are registered yet.");
		html_lit(r, "</p>");
		page_end(r);
		return;
	}
	table_begin(r, "Official channels");
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Channel");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Platform");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Unit");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Purpose");
	html_lit(r, "</th></tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		int link = str_starts(cs[i].address, "https://") ||
		           str_starts(cs[i].address, "http://");
		html_lit(r, "<tr><th scope=\"row\">");
		if (link) {
			html_lit(r, "<a rel=\"noopener\" href=\"");
			html_attr(r, cs[i].address);
			html_lit(r, "\">");
		}
		html_txt(r, cs[i].name);
		if (link)
			html_lit(r, "</a>");
		html_lit(r, "</th><td>");
		html_tr(r, platform_label(cs[i].platform));
		html_lit(r, "</td><td>");
		html_txt(r, cs[i].unit_name);
		html_lit(r, "</td><td>");
		html_txt(r, cs[i].purpose);
		html_lit(r, "</td></tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
	page_end(r);
}
