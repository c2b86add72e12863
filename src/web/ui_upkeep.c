/*
 * ui_upkeep.c - upkeep in the HTML UI: the stalest channels and every
 * active channel's commitment against what it published (/upkeep), and a
 * channel's update log with the form to log an update
 * (/channels/:id/updates).  Entries are logged by hand until the
 * connectors (issue 4) read them from the platforms.
 */
#include "rota_web.h"
#include "../base/util.h"

#include <string.h>

/* The commitment, the last period and the last update of u as cells. */
static void
upkeep_cells(struct req *r, const struct upkeep *u)
{
	html_lit(r, "<td>");
	html_txt(r, rw_commitment(r, u->promised, u->channel.update_period));
	html_lit(r, "</td><td class=\"num\">");
	html_int(r, u->actual);
	html_lit(r, "</td><td>");
	if (u->last_at)
		html_txt(r, fmt_time(r, u->last_at));
	else
		html_tr(r, "never");
	html_lit(r, "</td><td>");
	if (u->stale) {
		html_lit(r, "<span class=\"status status-closing\">");
		html_tr(r, "Profile established, not followed up");
		html_lit(r, "</span>");
	} else if (u->too_new) {
		html_tr(r, "New: judged after its first period");
	} else if (u->promised == 0) {
		html_tr(r, "No commitment");
	} else {
		html_tr(r, "Keeps its commitment");
	}
	html_lit(r, "</td>");
}

static void
upkeep_table(struct req *r, const char *caption, const struct upkeep *us, int n)
{
	table_begin(r, caption);
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Channel");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Promised");
	html_lit(r, "</th><th scope=\"col\" class=\"num\">");
	html_tr(r, "Published in the last period");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Last update");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Upkeep");
	html_lit(r, "</th></tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		html_lit(r, "<tr><th scope=\"row\"><a href=\"/channels/");
		html_int(r, us[i].channel.id);
		html_lit(r, "/updates\">");
		html_txt(r, us[i].channel.name);
		html_lit(r, "</a> <span class=\"muted\">(");
		html_tr(r, platform_label(us[i].channel.platform));
		html_lit(r, ")</span></th>");
		upkeep_cells(r, &us[i]);
		html_lit(r, "</tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
}

void
ui_upkeep(struct req *r)
{
	struct upkeep *us = NULL;
	int n = 0, nstale = 0;
	if (upkeep_list(r->db, &r->ar, &r->actor, time_now(), 0, &us, &n) !=
	    KV_OK) {
		html_error(r, 500);
		return;
	}
	while (nstale < n && us[nstale].stale)
		nstale++;
	page_begin(r, tr(r, "Upkeep"), "upkeep");
	html_lit(r, "<h1>");
	html_tr(r, "Upkeep");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "Each channel promises a number of updates per day, week "
	           "or month. A channel that published fewer in its last "
	           "period is behind: the profile is established, but not "
	           "followed up.");
	html_lit(r, "</p>\n<h2>");
	html_tr(r, "The stalest channels");
	html_lit(r, "</h2>\n<p role=\"status\">");
	if (nstale == 0)
		html_tr(r, "No active channel is behind its commitment.");
	else
		html_txt(r,
		         tr_sub(r, "%s channels are behind their commitment.",
		                arena_printf(&r->ar, "%d", nstale)));
	html_lit(r, "</p>\n");
	if (nstale > 0)
		upkeep_table(
		    r, N_("Channels behind their commitment, stalest first"),
		    us, nstale);
	html_lit(r, "<h2>");
	html_tr(r, "The other active channels");
	html_lit(r, "</h2>\n");
	if (n > nstale)
		upkeep_table(r, N_("Channels that keep their commitment"),
		             us + nstale, n - nstale);
	else
		html_lit(r, "<p>–</p>\n");
	page_end(r);
}

struct update_form {
	const char *published_at, *note;
};

static void
updates_page(struct req *r, const struct channel *c,
             const struct update_form *uf, const struct verrs *v)
{
	struct update_entry *es = NULL;
	struct upkeep u;
	int n = 0;
	if (update_log_list(r->db, &r->ar, &r->actor, c->id, 100, &es, &n) !=
	        KV_OK ||
	    upkeep_status(r->db, &r->ar, &r->actor, c->id, time_now(), &u) !=
	        KV_OK) {
		html_error(r, 500);
		return;
	}
	page_begin(r,
	           arena_printf(&r->ar, "%s: %s", tr(r, "Update log"), c->name),
	           "upkeep");
	rw_channel_head(r, c, "Update log", "updates");
	if (req_query(r, "saved"))
		flash(r, "The update was logged.");
	html_lit(r, "<dl class=\"props\">");
	html_lit(r, "<dt>");
	html_tr(r, "Promised");
	html_lit(r, "</dt><dd>");
	html_txt(r, rw_commitment(r, u.promised, c->update_period));
	html_lit(r, "</dd><dt>");
	html_tr(r, "Published in the last period");
	html_lit(r, "</dt><dd>");
	html_int(r, u.actual);
	html_lit(r, "</dd><dt>");
	html_tr(r, "Last update");
	html_lit(r, "</dt><dd>");
	if (u.last_at)
		html_txt(r, fmt_time(r, u.last_at));
	else
		html_tr(r, "never");
	html_lit(r, "</dd><dt>");
	html_tr(r, "Upkeep");
	html_lit(r, "</dt><dd>");
	if (u.stale) {
		html_lit(r, "<strong>");
		html_tr(r, "Profile established, not followed up");
		html_lit(r, "</strong>");
	} else if (u.too_new) {
		html_tr(r, "New: judged after its first period");
	} else {
		html_tr(r, strcmp(c->status, "active") == 0
		               ? N_("Keeps its commitment")
		               : N_("Not judged: the channel is not active"));
	}
	html_lit(r, "</dd></dl>\n");
	if (upkeep_can_log(r->db, &r->actor, c) &&
	    (strcmp(c->status, "active") == 0 ||
	     strcmp(c->status, "paused") == 0 ||
	     strcmp(c->status, "closing") == 0)) {
		html_lit(r, "<h2>");
		html_tr(r, "Log an update");
		html_lit(r, "</h2>\n<p>");
		html_tr(r, "Until the platform connectors read them, updates "
		           "are logged here by hand.");
		html_lit(r, "</p>\n");
		error_summary(r, v);
		form_begin(r,
		           arena_printf(&r->ar, "/channels/%lld/updates",
		                        (long long)c->id),
		           "update");
		field_text(r, "published_at", "Published", uf->published_at, v,
		           "datetime-local", 1,
		           N_("When it was published, in local time."));
		field_text(r, "note", "Note", uf->note, v, "text", 0,
		           N_("What was published, or a link to it."));
		html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
		html_tr(r, "Log the update");
		html_lit(r, "</button></p>");
		form_end(r);
	} else if (v != NULL && v->n) {
		error_summary(r, v);
	}
	html_lit(r, "<h2>");
	html_tr(r, "Updates");
	html_lit(r, "</h2>\n");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No updates logged.");
		html_lit(r, "</p>\n");
	} else {
		table_begin(r, "Logged updates, newest first");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "Published");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Note");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Source");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Logged by");
		html_lit(r, "</th></tr></thead><tbody>\n");
		for (int i = 0; i < n; i++) {
			html_lit(r, "<tr><th scope=\"row\">");
			html_txt(r, fmt_time(r, es[i].published_at));
			html_lit(r, "</th><td>");
			html_txt(r, es[i].note);
			html_lit(r, "</td><td>");
			html_tr(r, strcmp(es[i].source, "platform") == 0
			               ? N_("from the platform")
			               : N_("logged by hand"));
			html_lit(r, "</td><td>");
			if (*es[i].logged_by_name)
				html_txt(r, es[i].logged_by_name);
			else
				html_tr(r, "the system");
			html_lit(r, "</td></tr>\n");
		}
		html_lit(r, "</tbody>");
		table_end(r);
	}
	page_end(r);
}

void
ui_updates(struct req *r)
{
	struct channel c;
	struct update_form uf;
	if (!rw_channel(r, &c))
		return;
	uf.published_at = rw_datetime_value(r, time_now());
	uf.note = NULL;
	updates_page(r, &c, &uf, NULL);
}

void
ui_update_create(struct req *r)
{
	struct channel c;
	struct update_entry e;
	struct update_form uf;
	struct verrs v = {0};
	enum kv_rc rc;
	if (!rw_channel(r, &c))
		return;
	uf.published_at = form_get(r, "published_at");
	uf.note = form_get(r, "note");
	rc = update_log_create(r->db, &r->ar, &r->actor, c.id, uf.published_at,
	                       uf.note, &e, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar,
		                             "/channels/%lld/updates?saved=1",
		                             (long long)c.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		rw_fail(r, rc);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	updates_page(r, &c, &uf, &v);
}
