/*
 * ui_channels.c - the channel register in the HTML UI: list with filters,
 * a channel's page, and the forms to register and change a channel.
 *
 * The forms post the same fields as the JSON API (platform, name, address,
 * unit_id, purpose, target_groups, responsible_id, editor_ids (repeated),
 * update_count, update_period, status, opened_on, closed_on); on an error
 * the form comes back with status 422, the errors beside their fields and
 * everything the user typed kept.
 */
#include "web.h"
#include "../domain/plan.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

static const char *const status_labels[] = {
    N_("Requested"), N_("Planned"), N_("Active"), N_("Paused"),
    N_("Closing"),   N_("Closed"),  NULL};
static const char *const period_labels[] = {N_("per day"), N_("per week"),
                                            N_("per month"), NULL};

static const char *
status_label(const char *code)
{
	for (int i = 0; code && channel_statuses[i]; i++)
		if (strcmp(code, channel_statuses[i]) == 0)
			return status_labels[i];
	return code ? code : "";
}

static const char *
period_label(const char *code)
{
	for (int i = 0; code && channel_periods[i]; i++)
		if (strcmp(code, channel_periods[i]) == 0)
			return period_labels[i];
	return code ? code : "";
}

static void
status_badge(struct req *r, const char *status)
{
	html_lit(r, "<span class=\"status status-");
	html_attr(r, status);
	html_lit(r, "\">");
	html_tr(r, status_label(status));
	html_lit(r, "</span>");
}

static int
people_choices(struct req *r, struct person **ps, int *n)
{
	struct person_filter f;
	int64_t total;
	memset(&f, 0, sizeof(f));
	f.limit = 500;
	return person_list(r->db, &r->ar, &r->actor, &f, ps, n, &total) == KV_OK
	           ? 0
	           : -1;
}

static int
may_register(struct req *r)
{
	if (actor_has_org_role(&r->actor, ROLE_COMMS) ||
	    actor_has_org_role(&r->actor, ROLE_WEB_EDITOR))
		return 1;
	for (int i = 0; i < r->actor.ngrants; i++)
		if (r->actor.grants[i].role == ROLE_UNIT_MANAGER)
			return 1;
	return 0;
}

void
ui_channels(struct req *r)
{
	struct channel_filter f;
	struct channel *cs;
	const char **ucodes, **ulabels;
	int n;
	int64_t total, unit = 0, page = 1;
	const char *status = req_query(r, "status");
	const char *plat = req_query(r, "platform");
	const char *q = req_query(r, "q");
	const char *unit_s = req_query(r, "unit_id");
	const char *page_s = req_query(r, "page");

	if (unit_s && *unit_s && (parse_i64(unit_s, &unit) != 0 || unit < 0))
		unit = 0;
	if (page_s &&
	    (parse_i64(page_s, &page) != 0 || page < 1 || page > 10000))
		page = 1;
	memset(&f, 0, sizeof(f));
	f.status = status && *status ? status : NULL;
	f.platform = plat && *plat ? plat : NULL;
	f.q = q;
	f.unit_id = unit;
	f.limit = 50;
	f.offset = (int)(page - 1) * 50;
	if (channel_list(r->db, &r->ar, &r->actor, &f, &cs, &n, &total) !=
	        KV_OK ||
	    unit_choices(r, &ucodes, &ulabels) != 0) {
		html_error(r, 500);
		return;
	}
	page_begin(r, tr(r, "Channels"), "channels");
	html_lit(r, "<h1>");
	html_tr(r, "Channel register");
	html_lit(r, "</h1>\n");
	if (may_register(r)) {
		html_lit(r, "<p class=\"actions\"><a class=\"button\" "
		            "href=\"/channels/new\">");
		html_tr(r, "Register a channel");
		html_lit(r, "</a></p>\n");
	}
	html_lit(r,
	         "<form method=\"get\" action=\"/channels\" class=\"filters\" "
	         "role=\"search\" aria-label=\"");
	html_tr(r, "Filter channels");
	html_lit(r, "\">");
	field_text(r, "q", "Search", q, NULL, "search", 0, NULL);
	field_select(r, "status", "Status", status, channel_statuses,
	             status_labels, NULL, SELECT_ALL | SELECT_TR);
	field_select(r, "platform", "Platform", plat, channel_platforms,
	             channel_platform_labels, NULL, SELECT_ALL | SELECT_TR);
	field_select(r, "unit_id", "Unit", unit_s, ucodes, ulabels, NULL,
	             SELECT_ALL);
	html_lit(r, "<div class=\"field\"><button type=\"submit\">");
	html_tr(r, "Filter");
	html_lit(r, "</button></div></form>\n");

	html_lit(r, "<p role=\"status\">");
	html_txt(r, tr_sub(r, "%s channels",
	                   arena_printf(&r->ar, "%lld", (long long)total)));
	html_lit(r, "</p>\n");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r,
		        "No channels match. Change the filter, or register a "
		        "channel.");
		html_lit(r, "</p>");
		page_end(r);
		return;
	}
	table_begin(r, "Channels");
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Channel");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Platform");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Unit");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Responsible");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Updates");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Status");
	html_lit(r, "</th></tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		html_lit(r, "<tr><th scope=\"row\"><a href=\"/channels/");
		html_int(r, cs[i].id);
		html_lit(r, "\">");
		html_txt(r, cs[i].name);
		html_lit(r, "</a></th><td>");
		html_tr(r, platform_label(cs[i].platform));
		html_lit(r, "</td><td>");
		html_txt(r, cs[i].unit_name);
		html_lit(r, "</td><td>");
		if (*cs[i].responsible_name)
			html_txt(r, cs[i].responsible_name);
		else
			html_tr(r, "(none)");
		html_lit(r, "</td><td>");
		html_int(r, cs[i].update_count);
		html_lit(r, " ");
		html_tr(r, period_label(cs[i].update_period));
		html_lit(r, "</td><td>");
		status_badge(r, cs[i].status);
		html_lit(r, "</td></tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
	if (total > 50) {
		html_lit(r, "<nav aria-label=\"");
		html_tr(r, "Pages");
		html_lit(r, "\"><p>");
		if (page > 1) {
			html_lit(r, "<a rel=\"prev\" href=\"?page=");
			html_int(r, page - 1);
			html_lit(r, "\">");
			html_tr(r, "Previous page");
			html_lit(r, "</a> ");
		}
		if (page * 50 < total) {
			html_lit(r, "<a rel=\"next\" href=\"?page=");
			html_int(r, page + 1);
			html_lit(r, "\">");
			html_tr(r, "Next page");
			html_lit(r, "</a>");
		}
		html_lit(r, "</p></nav>\n");
	}
	page_end(r);
}

/* The register/change form; c holds the values to show. */
static void
channel_form(struct req *r, const struct channel *c, const struct verrs *v,
             const char *action)
{
	const char **ucodes, **ulabels, **pcodes, **plabels;
	struct person *ps;
	int np;
	char unit_s[24], resp_s[24], count_s[24];
	const char *count = count_s;

	if (unit_choices(r, &ucodes, &ulabels) != 0 ||
	    people_choices(r, &ps, &np) != 0) {
		html_lit(r, "<p>");
		html_tr(r, "Something went wrong");
		html_lit(r, "</p>");
		return;
	}
	pcodes = arena_alloc(&r->ar, sizeof(char *) * ((size_t)np + 1));
	plabels = arena_alloc(&r->ar, sizeof(char *) * ((size_t)np + 1));
	for (int i = 0; i < np; i++) {
		pcodes[i] = arena_printf(&r->ar, "%lld", (long long)ps[i].id);
		plabels[i] = *ps[i].title
		                 ? arena_printf(&r->ar, "%s (%s)",
		                                ps[i].full_name, ps[i].title)
		                 : ps[i].full_name;
	}
	snprintf(unit_s, sizeof(unit_s), "%lld", (long long)c->unit_id);
	snprintf(resp_s, sizeof(resp_s), "%lld", (long long)c->responsible_id);
	snprintf(count_s, sizeof(count_s), "%lld", (long long)c->update_count);
	/* after a failed post, show the count exactly as typed */
	if (r->method == M_POST && form_get(r, "update_count") != NULL)
		count = form_get(r, "update_count");

	error_summary(r, v);
	form_begin(r, action, "channel");
	html_lit(r, "<fieldset><legend>");
	html_tr(r, "The channel");
	html_lit(r, "</legend>");
	field_select(r, "platform", "Platform", c->platform, channel_platforms,
	             channel_platform_labels, v, SELECT_TR);
	field_text(r, "name", "Name", c->name, v, "text", 1,
	           N_("As it appears on the platform."));
	field_text(
	    r, "address", "Address", c->address, v, "text", 1,
	    N_("The channel's web address or handle, e.g. "
	       "https://www.facebook.com/meldalkommune or @meldalkommune."));
	field_select(r, "unit_id", "Unit", c->unit_id ? unit_s : NULL, ucodes,
	             ulabels, v, SELECT_NONE);
	field_textarea(
	    r, "purpose", "Purpose", c->purpose, v,
	    N_("Why this channel, for whom, and what it should achieve."));
	field_textarea(r, "target_groups", "Target groups", c->target_groups, v,
	               NULL);
	html_lit(r, "</fieldset><fieldset><legend>");
	html_tr(r, "Who answers for it");
	html_lit(r, "</legend>");
	field_select(r, "responsible_id", "Responsible person",
	             c->responsible_id ? resp_s : NULL, pcodes, plabels, v,
	             SELECT_NONE);
	html_lit(r, "<div class=\"field\"><label for=\"f-editor_ids\">");
	html_tr(r, "Other editors");
	html_lit(r, "</label><p class=\"hint\" id=\"h-editor_ids\">");
	html_tr(r, "Hold Ctrl (or Cmd) to choose several.");
	html_lit(r, "</p>");
	if (verr_for(v, "editor_ids")) {
		html_lit(r, "<p class=\"error\" id=\"e-editor_ids\"><strong>");
		html_tr(r, "Error:");
		html_lit(r, "</strong> ");
		html_tr(r, verr_for(v, "editor_ids"));
		html_lit(r, "</p>");
	}
	html_lit(r, "<select multiple size=\"6\" id=\"f-editor_ids\" "
	            "name=\"editor_ids\" aria-describedby=\"h-editor_ids\">");
	for (int i = 0; i < np; i++) {
		int sel = 0;
		for (int k = 0; k < c->neditors; k++)
			sel |= c->editor_ids[k] == ps[i].id;
		html_lit(r, "<option value=\"");
		html_attr(r, pcodes[i]);
		html_lit(r, "\"");
		if (sel)
			html_lit(r, " selected");
		html_lit(r, ">");
		html_txt(r, plabels[i]);
		html_lit(r, "</option>");
	}
	html_lit(r, "</select></div>\n</fieldset><fieldset><legend>");
	html_tr(r, "Upkeep and status");
	html_lit(r, "</legend>");
	field_text(r, "update_count", "Updates promised", count, v, "number", 0,
	           N_("How many updates per period the unit commits to."));
	field_select(r, "update_period", "Period", c->update_period,
	             channel_periods, period_labels, v, SELECT_TR);
	field_select(r, "status", "Status", c->status, channel_statuses,
	             status_labels, v, SELECT_TR);
	field_text(r, "opened_on", "Opened on", c->opened_on, v, "date", 0,
	           N_("YYYY-MM-DD"));
	field_text(r, "closed_on", "Closed on", c->closed_on, v, "date", 0,
	           N_("YYYY-MM-DD"));
	html_lit(r, "</fieldset><p class=\"actions\"><button type=\"submit\">");
	html_tr(r, "Save");
	html_lit(r, "</button> <a href=\"/channels\">");
	html_tr(r, "Cancel");
	html_lit(r, "</a></p>");
	form_end(r);
}

/* Reads the form into c (over its current values). */
static void
channel_from_form(struct req *r, struct channel *c, struct verrs *v)
{
	c->platform = form_get(r, "platform");
	c->name = form_get(r, "name");
	c->address = form_get(r, "address");
	c->unit_id = form_id(r, "unit_id", v);
	c->purpose = form_get(r, "purpose");
	c->target_groups = form_get(r, "target_groups");
	c->responsible_id = form_id(r, "responsible_id", v);
	c->update_count = form_int(r, "update_count", v);
	c->update_period = form_get(r, "update_period");
	c->status = form_get(r, "status");
	c->opened_on = form_get(r, "opened_on");
	c->closed_on = form_get(r, "closed_on");
	c->neditors = 0;
	for (int i = 0; i < r->nform; i++) {
		int64_t id;
		if (strcmp(r->form[i].k, "editor_ids") != 0)
			continue;
		if (parse_i64(r->form[i].v, &id) != 0 || id <= 0 ||
		    c->neditors == KV_MAX_EDITORS) {
			verr_add(v, "editor_ids",
			         "must be chosen from the list");
			break;
		}
		c->editor_ids[c->neditors++] = id;
	}
}

static void
form_page(struct req *r, const char *title, const struct channel *c,
          const struct verrs *v, const char *action)
{
	page_begin(r, tr(r, title), "channels");
	html_lit(r, "<h1>");
	html_tr(r, title);
	html_lit(r, "</h1>\n");
	channel_form(r, c, v, action);
	page_end(r);
}

void
ui_channel_new(struct req *r)
{
	struct channel c;
	if (!may_register(r)) {
		html_error(r, 403);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.platform = "facebook_page";
	c.status = "requested";
	c.update_period = "week";
	c.update_count = 1;
	if (r->actor.person_id)
		c.responsible_id = r->actor.person_id;
	form_page(r, "Register a channel", &c, NULL, "/channels");
}

void
ui_channels_create(struct req *r)
{
	struct channel c;
	struct verrs v = {0};
	enum kv_rc rc;
	memset(&c, 0, sizeof(c));
	channel_from_form(r, &c, &v);
	rc =
	    /* a bad number from the form still lets every field be checked */
	    v.n ? (channel_check(r->db, &r->ar, &r->actor, &c, &v), KV_INVALID)
	        : channel_create(r->db, &r->ar, &r->actor, &c, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/channels/%lld?saved=1",
		                             (long long)c.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	channel_from_form(r, &c, &v); /* show exactly what was typed */
	form_page(r, "Register a channel", &c, &v, "/channels");
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

/* Links from a channel to its governance: the action plan versions, the
 * rota and coverage, the update log, reviews and closing (issue 3). */
static void
governance_links(struct req *r, const struct channel *c)
{
	static const struct {
		const char *suffix, *label;
	} pages[] = {
	    {"rota", N_("Supervision rota")},
	    {"coverage", N_("Coverage and gaps")},
	    {"updates", N_("Update log")},
	    {"review", N_("Review")},
	    {"connection", N_("Connection to the platform")}, /* issue 4 */
	};
	struct plan_filter f;
	struct plan *ps;
	int n = 0;
	int64_t total;

	memset(&f, 0, sizeof(f));
	f.channel_id = c->id;
	f.limit = 20;
	html_lit(r, "<h2>");
	html_tr(r, "Governance");
	html_lit(r, "</h2><ul class=\"governance\">");
	if (plan_list(r->db, &r->ar, &r->actor, &f, &ps, &n, &total) == KV_OK)
		for (int i = 0; i < n; i++) {
			html_lit(r, "<li><a href=\"/plans/");
			html_int(r, ps[i].id);
			html_lit(r, "\">");
			html_txt(
			    r, tr_sub(r, "Action plan, version %s",
			              arena_printf(&r->ar, "%lld",
			                           (long long)ps[i].version)));
			html_lit(r, "</a> (");
			for (int k = 0; plan_statuses[k]; k++)
				if (strcmp(plan_statuses[k], ps[i].status) == 0)
					html_tr(r, plan_status_labels[k]);
			html_lit(r, ")</li>");
		}
	for (size_t i = 0; i < ARRAY_LEN(pages); i++) {
		html_lit(r, "<li><a href=\"/channels/");
		html_int(r, c->id);
		html_lit(r, "/");
		html_attr(r, pages[i].suffix);
		html_lit(r, "\">");
		html_tr(r, pages[i].label);
		html_lit(r, "</a></li>");
	}
	html_lit(r, "<li><a href=\"/items?channel="); /* issue 4 */
	html_int(r, c->id);
	html_lit(r, "\">");
	html_tr(r, "Captured items");
	html_lit(r, "</a></li>");
	if (strcmp(c->status, "closed") != 0 &&
	    strcmp(c->status, "requested") != 0 &&
	    channel_can_edit(r->db, &r->actor, c)) {
		html_lit(r, "<li><a href=\"/channels/");
		html_int(r, c->id);
		html_lit(r, "/close\">");
		html_tr(r, "Close the channel");
		html_lit(r, "</a></li>");
	}
	html_lit(r, "</ul>\n");
}

void
ui_channel(struct req *r)
{
	struct channel c;
	struct audit_row *rows = NULL;
	int nrows = 0;
	enum kv_rc rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND ? 404 : 500);
		return;
	}
	if (actor_can_read_audit(&r->actor))
		audit_list(r->db, &r->ar, &r->actor, "channel", c.id, 0, 20,
		           &rows, &nrows);
	page_begin(r, c.name, "channels");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/channels\">");
	html_tr(r, "Channel register");
	html_lit(r, "</a></p><h1>");
	html_txt(r, c.name);
	html_lit(r, " ");
	status_badge(r, c.status);
	html_lit(r, "</h1>\n");
	if (req_query(r, "saved"))
		flash(r, "The channel was saved.");
	html_lit(r, "<dl class=\"props\">");
	prop(r, "Platform", tr(r, platform_label(c.platform)));
	html_lit(r, "<dt>");
	html_tr(r, "Address");
	html_lit(r, "</dt><dd>");
	if (str_starts(c.address, "https://") ||
	    str_starts(c.address, "http://")) {
		html_lit(r, "<a rel=\"noopener\" href=\"");
		html_attr(r, c.address);
		html_lit(r, "\">");
		html_txt(r, c.address);
		html_lit(r, "</a>");
	} else {
		html_txt(r, c.address);
	}
	html_lit(r, "</dd>");
	prop(r, "Unit", c.unit_name);
	prop(r, "Purpose", c.purpose);
	prop(r, "Target groups", c.target_groups);
	prop(r, "Responsible person", c.responsible_name);
	html_lit(r, "<dt>");
	html_tr(r, "Other editors");
	html_lit(r, "</dt><dd>");
	if (c.neditors == 0)
		html_lit(r, "–");
	for (int i = 0; i < c.neditors; i++) {
		struct person p;
		if (i)
			html_lit(r, ", ");
		if (person_get(r->db, &r->ar, &r->actor, c.editor_ids[i], &p) ==
		    KV_OK) {
			html_lit(r, "<a href=\"/people/");
			html_int(r, p.id);
			html_lit(r, "\">");
			html_txt(r, p.full_name);
			html_lit(r, "</a>");
		}
	}
	html_lit(r, "</dd>");
	prop(r, "Updates promised",
	     arena_printf(&r->ar, "%lld %s", (long long)c.update_count,
	                  tr(r, period_label(c.update_period))));
	prop(r, "Opened on", c.opened_on);
	prop(r, "Closed on", c.closed_on);
	prop(r, "Last changed", fmt_time(r, c.updated_at));
	html_lit(r, "</dl>\n");
	if (channel_can_edit(r->db, &r->actor, &c)) {
		html_lit(r, "<p class=\"actions\"><a class=\"button\" "
		            "href=\"/channels/");
		html_int(r, c.id);
		html_lit(r, "/edit\">");
		html_tr(r, "Change");
		html_lit(r, "</a></p>\n");
	}
	governance_links(r, &c);
	ui_reply_rule_part(r, &c, NULL); /* the inbox (issue 5) */
	if (nrows > 0) {
		html_lit(r, "<h2>");
		html_tr(r, "History");
		html_lit(r, "</h2><ul class=\"history\">");
		for (int i = 0; i < nrows; i++) {
			html_lit(r, "<li><time>");
			html_txt(r, fmt_time(r, rows[i].at));
			html_lit(r, "</time> ");
			html_txt(r, rows[i].actor);
			html_lit(r, ": ");
			html_tr(r, audit_action_label(rows[i].action));
			html_lit(r, " <a href=\"/audit?object_type=channel&amp;"
			            "object_id=");
			html_int(r, c.id);
			html_lit(r, "\">");
			html_tr(r, "details");
			html_lit(r, "</a></li>");
		}
		html_lit(r, "</ul>\n");
	}
	page_end(r);
}

void
ui_channel_edit(struct req *r)
{
	struct channel c;
	enum kv_rc rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND ? 404 : 500);
		return;
	}
	if (!channel_can_edit(r->db, &r->actor, &c)) {
		html_error(r, 403);
		return;
	}
	form_page(r, "Change channel", &c, NULL,
	          arena_printf(&r->ar, "/channels/%lld", (long long)c.id));
}

void
ui_channel_update(struct req *r)
{
	struct channel c;
	struct verrs v = {0};
	enum kv_rc rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc == KV_OK && !channel_can_edit(r->db, &r->actor, &c))
		rc = KV_FORBIDDEN;
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND    ? 404
		              : rc == KV_FORBIDDEN ? 403
		                                   : 500);
		return;
	}
	channel_from_form(r, &c, &v);
	rc = v.n ? (channel_check(r->db, &r->ar, &r->actor, &c, &v), KV_INVALID)
	         : channel_update(r->db, &r->ar, &r->actor, &c, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/channels/%lld?saved=1",
		                             (long long)c.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	channel_from_form(r, &c, &v);
	form_page(r, "Change channel", &c, &v,
	          arena_printf(&r->ar, "/channels/%lld", (long long)c.id));
}
