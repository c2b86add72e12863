/*
 * ui_review.c - review and closing in the HTML UI: the reviews that are
 * due, with the organisation's governance policy (and its form, for
 * administrators) at /reviews; a channel's reviews and the review form at
 * /channels/:id/review; and closing a channel at /channels/:id/close — the
 * form that asks why the channel did not work and what was tried, or, once
 * closed, the analysis and the final capture.
 */
#include "rota_web.h"
#include "../base/holidays.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

static const char *const watch_day_labels[] = {
    N_("Every day, weekends and holidays included"), N_("Working days only"),
    NULL};

static const char *
outcome_label(const char *code)
{
	for (int i = 0; code && review_outcomes[i]; i++)
		if (strcmp(code, review_outcomes[i]) == 0)
			return review_outcome_labels[i];
	return code ? code : "";
}

/* --- /reviews ---------------------------------------------------------------
 */

struct policy_form {
	const char *review_months, *watch_days, *from_hour, *to_hour;
};

static void
reviews_page(struct req *r, const struct policy_form *pf, const struct verrs *v)
{
	struct review_due *ds = NULL;
	struct policy p;
	char today[16];
	int n = 0;
	time_fmt_local_date(rw_tz(r), time_now(), today);
	if (policy_get(r->db, &r->ar, &r->actor, &p) != KV_OK ||
	    review_list_due(r->db, &r->ar, &r->actor, today, 30, &ds, &n) !=
	        KV_OK) {
		html_error(r, 500);
		return;
	}
	page_begin(r, tr(r, "Reviews"), "reviews");
	html_lit(r, "<h1>");
	html_tr(r, "Reviews");
	html_lit(r, "</h1>\n<p>");
	html_txt(r,
	         tr_sub(r,
	                "Every open channel is reviewed every %s months: "
	                "does it still serve its purpose, and is it kept up? "
	                "A channel that does not work may be closed after an "
	                "analysis of why.",
	                arena_printf(&r->ar, "%d", p.review_months)));
	html_lit(r, "</p>\n");
	if (req_query(r, "saved"))
		flash(r, "The policy was saved.");
	html_lit(r, "<h2>");
	html_tr(r, "Due now or within 30 days");
	html_lit(r, "</h2>\n");
	if (n == 0) {
		html_lit(r, "<p role=\"status\">");
		html_tr(r, "No reviews are due.");
		html_lit(r, "</p>\n");
	} else {
		table_begin(r, "Reviews due, most overdue first");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "Channel");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Unit");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Last reviewed");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Due on");
		html_lit(r, "</th></tr></thead><tbody>\n");
		for (int i = 0; i < n; i++) {
			html_lit(r,
			         "<tr><th scope=\"row\"><a href=\"/channels/");
			html_int(r, ds[i].channel.id);
			html_lit(r, "/review\">");
			html_txt(r, ds[i].channel.name);
			html_lit(r, "</a></th><td>");
			html_txt(r, ds[i].channel.unit_name);
			html_lit(r, "</td><td>");
			if (ds[i].last_reviewed_on)
				html_txt(r, ds[i].last_reviewed_on);
			else
				html_tr(r, "never");
			html_lit(r, "</td><td>");
			html_txt(r, ds[i].due_on);
			if (ds[i].days_overdue > 0) {
				html_lit(r, " <strong>(");
				html_tr(r, "overdue");
				html_lit(r, ")</strong>");
			}
			html_lit(r, "</td></tr>\n");
		}
		html_lit(r, "</tbody>");
		table_end(r);
	}
	html_lit(r, "<h2>");
	html_tr(r, "Governance policy");
	html_lit(r, "</h2>\n");
	if (!actor_is_admin(&r->actor)) {
		html_lit(r, "<dl class=\"props\"><dt>");
		html_tr(r, "Review every (months)");
		html_lit(r, "</dt><dd>");
		html_int(r, p.review_months);
		html_lit(r, "</dd><dt>");
		html_tr(r, "Days to watch");
		html_lit(r, "</dt><dd>");
		html_tr(r, strcmp(p.watch_days, "business") == 0
		               ? watch_day_labels[1]
		               : watch_day_labels[0]);
		html_lit(r, "</dd><dt>");
		html_tr(r, "Hours to watch");
		html_lit(r, "</dt><dd>");
		html_txt(r, arena_printf(&r->ar, "%02d:00–%02d:00",
		                         p.watch_from_hour, p.watch_to_hour));
		html_lit(r, "</dd></dl>\n");
		page_end(r);
		return;
	}
	{
		char months[16], fh[16], th[16];
		struct policy_form cur;
		snprintf(months, sizeof(months), "%d", p.review_months);
		snprintf(fh, sizeof(fh), "%d", p.watch_from_hour);
		snprintf(th, sizeof(th), "%d", p.watch_to_hour);
		cur.review_months = months;
		cur.watch_days = p.watch_days;
		cur.from_hour = fh;
		cur.to_hour = th;
		if (pf == NULL)
			pf = &cur;
		error_summary(r, v);
		form_begin(r, "/reviews/policy", "policy");
		field_text(r, "review_months", "Review every (months)",
		           pf->review_months, v, "number", 1,
		           N_("Between 1 and 60; 12 is once a year."));
		field_select(r, "watch_days", "Days to watch", pf->watch_days,
		             policy_watch_days, watch_day_labels, v, SELECT_TR);
		field_text(r, "watch_from_hour", "Watch from (hour)",
		           pf->from_hour, v, "number", 1,
		           N_("Local hour, 0–23."));
		field_text(r, "watch_to_hour", "Watch until (hour)",
		           pf->to_hour, v, "number", 1,
		           N_("Local hour, 1–24; 24 is midnight."));
		html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
		html_tr(r, "Save the policy");
		html_lit(r, "</button></p>");
		form_end(r);
	}
	page_end(r);
}

void
ui_reviews(struct req *r)
{
	reviews_page(r, NULL, NULL);
}

void
ui_policy_update(struct req *r)
{
	struct policy p;
	struct policy_form pf;
	struct verrs v = {0};
	enum kv_rc rc;
	if (!actor_is_admin(&r->actor)) {
		html_error(r, 403);
		return;
	}
	pf.review_months = form_get(r, "review_months");
	pf.watch_days = form_get(r, "watch_days");
	pf.from_hour = form_get(r, "watch_from_hour");
	pf.to_hour = form_get(r, "watch_to_hour");
	memset(&p, 0, sizeof(p));
	p.review_months = (int)form_int(r, "review_months", &v);
	p.watch_days = pf.watch_days;
	p.watch_from_hour = (int)form_int(r, "watch_from_hour", &v);
	p.watch_to_hour = (int)form_int(r, "watch_to_hour", &v);
	rc = v.n ? KV_INVALID : policy_set(r->db, &r->ar, &r->actor, &p, &v);
	if (rc == KV_OK) {
		req_redirect(r, "/reviews?saved=1");
		return;
	}
	if (rc != KV_INVALID) {
		rw_fail(r, rc);
		return;
	}
	r->status = 422;
	reviews_page(r, &pf, &v);
}

/* --- /channels/:id/review
 * ------------------------------------------------------ */

struct review_form {
	const char *reviewed_on, *findings, *outcome;
};

static int
is_open(const struct channel *c)
{
	return strcmp(c->status, "active") == 0 ||
	       strcmp(c->status, "paused") == 0 ||
	       strcmp(c->status, "closing") == 0;
}

static void
review_page(struct req *r, const struct channel *c,
            const struct review_form *rf, const struct verrs *v)
{
	struct review *rs = NULL;
	int n = 0;
	if (review_list(r->db, &r->ar, &r->actor, c->id, &rs, &n) != KV_OK) {
		html_error(r, 500);
		return;
	}
	page_begin(r, arena_printf(&r->ar, "%s: %s", tr(r, "Review"), c->name),
	           "reviews");
	rw_channel_head(r, c, "Review", "review");
	if (req_query(r, "saved"))
		flash(r, "The review was recorded.");
	if (strcmp(c->status, "closing") == 0) {
		html_lit(r, "<p><strong>");
		html_tr(r, "It has been decided to close this channel.");
		html_lit(r, "</strong> ");
		if (review_can_close(r->db, &r->actor, c)) {
			html_lit(r, "<a href=\"/channels/");
			html_int(r, c->id);
			html_lit(r, "/close\">");
			html_tr(r, "Close the channel");
			html_lit(r, "</a>");
		}
		html_lit(r, "</p>\n");
	}
	if (is_open(c) && review_can_review(r->db, &r->actor, c)) {
		html_lit(r, "<h2>");
		html_tr(r, "Record a review");
		html_lit(r, "</h2>\n<p>");
		html_tr(r,
		        "Does the channel still serve its purpose and reach "
		        "its target groups? Is it kept up and watched? "
		        "Outcome \"close\" marks the channel as closing; the "
		        "closing itself needs an analysis.");
		html_lit(r, "</p>\n");
		error_summary(r, v);
		form_begin(r,
		           arena_printf(&r->ar, "/channels/%lld/reviews",
		                        (long long)c->id),
		           "review");
		field_text(r, "reviewed_on", "Reviewed on", rf->reviewed_on, v,
		           "date", 0, N_("Empty means today."));
		field_textarea(r, "findings", "Findings", rf->findings, v,
		               N_("What the review found."));
		field_select(r, "outcome", "Outcome", rf->outcome,
		             review_outcomes, review_outcome_labels, v,
		             SELECT_TR);
		html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
		html_tr(r, "Record the review");
		html_lit(r, "</button></p>");
		form_end(r);
	} else if (v != NULL && v->n) {
		error_summary(r, v);
	}
	html_lit(r, "<h2>");
	html_tr(r, "Earlier reviews");
	html_lit(r, "</h2>\n");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "This channel has never been reviewed.");
		html_lit(r, "</p>\n");
	}
	for (int i = 0; i < n; i++) {
		html_lit(r, "<h3>");
		html_txt(r, rs[i].reviewed_on);
		html_lit(r, ": ");
		html_tr(r, outcome_label(rs[i].outcome));
		html_lit(r, "</h3>\n<p class=\"muted\">");
		html_txt(r, *rs[i].reviewer_name ? rs[i].reviewer_name
		                                 : tr(r, "the system"));
		html_lit(r, "</p>\n<dl class=\"props\"><dt>");
		html_tr(r, "Findings");
		html_lit(r, "</dt><dd>");
		html_txt(r, rs[i].findings);
		html_lit(r, "</dd></dl>\n");
	}
	page_end(r);
}

void
ui_review(struct req *r)
{
	struct channel c;
	struct review_form rf = {NULL, NULL, "keep"};
	if (!rw_channel(r, &c))
		return;
	review_page(r, &c, &rf, NULL);
}

void
ui_review_create(struct req *r)
{
	struct channel c;
	struct review rv;
	struct review_form rf;
	struct verrs v = {0};
	enum kv_rc rc;
	if (!rw_channel(r, &c))
		return;
	rf.reviewed_on = form_get(r, "reviewed_on");
	rf.findings = form_get(r, "findings");
	rf.outcome = form_get(r, "outcome");
	rc = review_create(r->db, &r->ar, &r->actor, c.id, rf.reviewed_on,
	                   rf.findings, rf.outcome, &rv, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar,
		                             "/channels/%lld/review?saved=1",
		                             (long long)c.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		rw_fail(r, rc);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	review_page(r, &c, &rf, &v);
}

/* --- /channels/:id/close
 * ------------------------------------------------------- */

struct close_form {
	const char *analysis, *tried, *closed_on;
};

static void
closure_view(struct req *r, const struct closure *k)
{
	json_t *cap = json_loads(k->capture_json, 0, NULL);
	json_t *log = cap ? json_object_get(cap, "update_log") : NULL;
	html_lit(r, "<dl class=\"props\"><dt>");
	html_tr(r, "Closed on");
	html_lit(r, "</dt><dd>");
	html_txt(r, k->closed_on);
	html_lit(r, "</dd><dt>");
	html_tr(r, "Closed by");
	html_lit(r, "</dt><dd>");
	html_txt(r,
	         *k->closed_by_name ? k->closed_by_name : tr(r, "the system"));
	html_lit(r, "</dd><dt>");
	html_tr(r, "Why it did not work");
	html_lit(r, "</dt><dd>");
	html_txt(r, k->analysis);
	html_lit(r, "</dd><dt>");
	html_tr(r, "What was tried");
	html_lit(r, "</dt><dd>");
	html_txt(r, k->tried);
	html_lit(r, "</dd><dt>");
	html_tr(r, "Final capture");
	html_lit(r, "</dt><dd>");
	html_txt(r, tr_sub(r,
	                   "The register entry and %s logged updates, taken "
	                   "when it was closed. The capture from the platform "
	                   "itself arrives with the connectors.",
	                   arena_printf(&r->ar, "%zu",
	                                log ? json_array_size(log) : 0)));
	html_lit(r, " <a href=\"/api/v1/channels/");
	html_int(r, k->channel_id);
	html_lit(r, "/closure\">");
	html_tr(r, "The capture as JSON");
	html_lit(r, "</a></dd></dl>\n");
	json_decref(cap);
}

static void
close_page(struct req *r, const struct channel *c, const struct close_form *cf,
           const struct verrs *v)
{
	struct closure k;
	page_begin(r,
	           arena_printf(&r->ar, "%s: %s", tr(r, "Closing the channel"),
	                        c->name),
	           "reviews");
	rw_channel_head(r, c, "Closing the channel", "close");
	if (strcmp(c->status, "closed") == 0) {
		error_summary(r, v);
		if (req_query(r, "saved"))
			flash(r,
			      "The channel was closed. The register keeps it.");
		if (closure_get(r->db, &r->ar, &r->actor, c->id, &k) == KV_OK) {
			closure_view(r, &k);
		} else {
			html_lit(r, "<p>");
			html_tr(r,
			        "The channel is closed. It was closed in the "
			        "register, without an analysis.");
			html_lit(r, "</p>\n");
		}
		page_end(r);
		return;
	}
	html_lit(r, "<p>");
	html_tr(r,
	        "Once a channel is started, it should preferably not be "
	        "abandoned. Before it is closed, make a thorough analysis of "
	        "why it does not work, so the problem can be fixed if "
	        "possible.");
	html_lit(r, "</p>\n");
	if (!review_can_close(r->db, &r->actor, c)) {
		html_lit(r, "<p>");
		html_tr(r, "Only the unit manager, the web editor, the "
		           "communications unit and administrators may close a "
		           "channel.");
		html_lit(r, "</p>\n");
		error_summary(r, v);
		page_end(r);
		return;
	}
	if (strcmp(c->status, "requested") == 0 ||
	    strcmp(c->status, "planned") == 0) {
		html_lit(r, "<p>");
		html_tr(r,
		        "This channel was never opened, so there is nothing to "
		        "close.");
		html_lit(r, "</p>\n");
		error_summary(r, v);
		page_end(r);
		return;
	}
	html_lit(r, "<p>");
	html_tr(r, "Closing keeps the channel in the register with the status "
	           "closed, and stores a final capture of its register entry, "
	           "its update log and its reviews.");
	html_lit(r, "</p>\n");
	error_summary(r, v);
	form_begin(
	    r, arena_printf(&r->ar, "/channels/%lld/close", (long long)c->id),
	    "close");
	field_textarea(r, "analysis", "Why it did not work", cf->analysis, v,
	               N_("At least 40 characters: visitors, activity, "
	                  "resources, purpose."));
	field_textarea(r, "tried", "What was tried", cf->tried, v,
	               N_("What was done to make it work before closing."));
	field_text(r, "closed_on", "Closed on", cf->closed_on, v, "date", 0,
	           N_("Empty means today."));
	html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, "Close the channel");
	html_lit(r, "</button></p>");
	form_end(r);
	page_end(r);
}

void
ui_close(struct req *r)
{
	struct channel c;
	struct close_form cf = {NULL, NULL, NULL};
	if (!rw_channel(r, &c))
		return;
	close_page(r, &c, &cf, NULL);
}

void
ui_close_post(struct req *r)
{
	struct channel c;
	struct closure k;
	struct close_form cf;
	struct verrs v = {0};
	enum kv_rc rc;
	if (!rw_channel(r, &c))
		return;
	cf.analysis = form_get(r, "analysis");
	cf.tried = form_get(r, "tried");
	cf.closed_on = form_get(r, "closed_on");
	rc = channel_close(r->db, &r->ar, &r->actor, c.id, cf.analysis,
	                   cf.tried, cf.closed_on, &k, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar,
		                             "/channels/%lld/close?saved=1",
		                             (long long)c.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		rw_fail(r, rc);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	close_page(r, &c, &cf, &v);
}
