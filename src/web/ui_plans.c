/*
 * ui_plans.c - requests and action plans in the HTML UI (issue 3): the list
 * of requests and plans (what awaits the actor's decision, which drafts
 * they can work on), the request form an employee fills in, a plan's page
 * (every field of the seed 003 template, goals, comments and consultation,
 * submit/withdraw, the signed decision, version history), the plan editor,
 * and a printable plan (HTML with the print stylesheet; PDF through
 * headless Chromium when the server has it).
 *
 * The domain (plan.h) decides every rule; these pages only hide buttons the
 * actor may not use and show why a step was refused.  Forms work without
 * JavaScript: refused steps come back with 409 or 422, the reasons at the
 * top and next to the fields, and what was typed kept.
 */
#include "web.h"
#include "../base/embed.h"
#include "../base/util.h"
#include "../domain/plan.h"
#include "../domain/training.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *chromium_path(void);

static const char *const update_period_codes[] = {"day", "week", "month", NULL};
static const char *const update_period_labels[] = {
    N_("per day"), N_("per week"), N_("per month"), NULL};
static const char *const work_period_labels[] = {N_("hours per week"),
                                                 N_("hours per month"), NULL};

static const char *
id_str(struct req *r, int64_t id)
{
	return id ? arena_printf(&r->ar, "%lld", (long long)id) : NULL;
}

static void
plan_badge(struct req *r, const char *status)
{
	html_lit(r, "<span class=\"status status-plan-");
	html_attr(r, status);
	html_lit(r, "\">");
	html_tr(r, plan_label(plan_statuses, plan_status_labels, status));
	html_lit(r, "</span>");
}

/* Everyone in the organisation as select choices "Name (title)". */
static int
people_choices(struct req *r, const char ***codes, const char ***labels, int *n)
{
	struct person_filter f;
	struct person *ps;
	int64_t total;
	memset(&f, 0, sizeof(f));
	f.limit = 500;
	if (person_list(r->db, &r->ar, &r->actor, &f, &ps, n, &total) != KV_OK)
		return -1;
	*codes = arena_alloc(&r->ar, sizeof(char *) * ((size_t)*n + 1));
	*labels = arena_alloc(&r->ar, sizeof(char *) * ((size_t)*n + 1));
	for (int i = 0; i < *n; i++) {
		(*codes)[i] = id_str(r, ps[i].id);
		(*labels)[i] = *ps[i].title
		                   ? arena_printf(&r->ar, "%s (%s)",
		                                  ps[i].full_name, ps[i].title)
		                   : ps[i].full_name;
	}
	return 0;
}

/* The label (msgid) of a plan or request form field, for the summary. */
static const char *
plan_field_label(const char *field)
{
	static const struct {
		const char *field, *label;
	} t[] = {
	    {"deciding_manager_id", N_("Deciding manager")},
	    {"medium", N_("Social medium")},
	    {"purpose", N_("Purpose: why this medium?")},
	    {"goals", N_("Goals")},
	    {"activities", N_("Planned activities")},
	    {"responsible_id", N_("Responsible person")},
	    {"other_ids", N_("Other persons")},
	    {"supervision", N_("Continuous supervision")},
	    {"update_count", N_("Updates")},
	    {"update_period", N_("Update period")},
	    {"work_hours", N_("Working time set aside")},
	    {"work_period", N_("Working time per")},
	    {"snapshot_person_id", N_("Half-yearly screenshots")},
	    {"request_note", N_("The request")},
	    {"note", N_("Note")},
	    {"place", N_("Place")},
	    {"decision", N_("Decision")},
	    {"text", N_("Comment")},
	    {"status", N_("Status")},
	    {"comments", N_("Consultation")},
	    {"version", N_("Version")},
	    {"channel_id", N_("Channel")},
	    {"requested_by", N_("Requested by")},
	    {"platform", N_("Platform")},
	    {"name", N_("Name")},
	    {"address", N_("Address")},
	    {"unit_id", N_("Unit")},
	    {"target_groups", N_("Target groups")},
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		if (strcmp(t[i].field, field) == 0)
			return t[i].label;
	return NULL;
}

/* "goals[3].target" -> 3 and "target"; -1 when not a goal field. */
static int
goal_field(const char *field, const char **part)
{
	int64_t i = 0;
	const char *p;
	if (!str_starts(field, "goals["))
		return -1;
	p = field + 6;
	while (*p >= '0' && *p <= '9' && i < 1000)
		i = i * 10 + (*p++ - '0');
	if (*p != ']' || p == field + 6)
		return -1;
	*part = p[1] == '.' ? p + 2 : "";
	return (int)i;
}

static const char *
goal_part_label(const char *part)
{
	if (strcmp(part, "text") == 0)
		return N_("Description");
	if (strcmp(part, "metric") == 0)
		return N_("Metric");
	if (strcmp(part, "target") == 0)
		return N_("Target");
	if (strcmp(part, "period") == 0)
		return N_("Period");
	return N_("Goal");
}

/* The id of the form field an error belongs to ("f-goals-1-target"), or
 * NULL when the page has no such field (a state conflict). */
static const char *
field_anchor(struct req *r, const char *field, int editor)
{
	const char *part;
	int g = goal_field(field, &part);
	if (g >= 0)
		return editor && *part
		           ? arena_printf(&r->ar, "f-goals-%d-%s", g, part)
		           : NULL;
	if (strcmp(field, "status") == 0 || strcmp(field, "comments") == 0 ||
	    strcmp(field, "version") == 0 || strcmp(field, "goals") == 0)
		return NULL;
	if (!editor && strcmp(field, "text") != 0 &&
	    strcmp(field, "place") != 0 && strcmp(field, "note") != 0 &&
	    strcmp(field, "decision") != 0)
		return NULL;
	return arena_printf(&r->ar, "f-%s", field);
}

/* An error summary that names plan fields (and goals) by their labels;
 * links to the field when this page has it. */
static void
plan_errors(struct req *r, const struct verrs *v, int editor)
{
	if (v == NULL || v->n == 0)
		return;
	html_lit(r, "<div class=\"error-summary\" role=\"alert\" "
	            "tabindex=\"-1\"><h2>");
	html_tr(r, editor ? N_("Please correct the following")
	                  : N_("This step could not be taken"));
	html_lit(r, "</h2><ul>");
	for (int i = 0; i < v->n; i++) {
		const char *part, *label = plan_field_label(v->e[i].field);
		const char *anchor = field_anchor(r, v->e[i].field, editor);
		int g = goal_field(v->e[i].field, &part);
		html_lit(r, "<li>");
		if (anchor) {
			html_lit(r, "<a href=\"#");
			html_attr(r, anchor);
			html_lit(r, "\">");
		}
		if (g >= 0) {
			html_txt(r, tr_sub(r, "Goal %s",
			                   arena_printf(&r->ar, "%d", g + 1)));
			html_lit(r, ", ");
			html_tr(r, goal_part_label(part));
		} else if (label) {
			html_tr(r, label);
		} else {
			html_txt(r, v->e[i].field);
		}
		html_lit(r, ": ");
		html_tr(r, v->e[i].reason);
		if (anchor)
			html_lit(r, "</a>");
		html_lit(r, "</li>");
	}
	html_lit(r, "</ul></div>\n");
}

/* --- the list ------------------------------------------------------------- */

static void
plan_table(struct req *r, const char *caption, const struct plan *ps, int n)
{
	table_begin(r, caption);
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Channel");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Unit");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Version");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Status");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Consulted");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Last changed");
	html_lit(r, "</th></tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		html_lit(r, "<tr><th scope=\"row\"><a href=\"/plans/");
		html_int(r, ps[i].id);
		html_lit(r, "\">");
		html_txt(r, ps[i].channel_name);
		html_lit(r, "</a> <span class=\"muted\">(");
		html_tr(r, platform_label(ps[i].channel_platform));
		html_lit(r, ")</span></th><td>");
		html_txt(r, ps[i].unit_name);
		html_lit(r, "</td><td>");
		html_int(r, ps[i].version);
		html_lit(r, "</td><td>");
		plan_badge(r, ps[i].status);
		html_lit(r, "</td><td>");
		html_tr(r, ps[i].consulted ? N_("yes") : N_("not yet"));
		html_lit(r, "</td><td>");
		html_txt(r, fmt_time(r, ps[i].updated_at));
		html_lit(r, "</td></tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
}

/* Channels the actor could start a plan for: visible, without any plan,
 * in a unit whose plans the actor writes. */
static int
plan_start_choices(struct req *r, const char ***codes, const char ***labels)
{
	struct channel_filter cf;
	struct plan_filter pf;
	struct channel *cs;
	struct plan *ps;
	int nc, np, k = 0;
	int64_t total;
	memset(&cf, 0, sizeof(cf));
	memset(&pf, 0, sizeof(pf));
	cf.limit = 500;
	pf.limit = 500;
	pf.latest = 1;
	if (channel_list(r->db, &r->ar, &r->actor, &cf, &cs, &nc, &total) !=
	        KV_OK ||
	    plan_list(r->db, &r->ar, &r->actor, &pf, &ps, &np, &total) != KV_OK)
		return -1;
	*codes = arena_alloc(&r->ar, sizeof(char *) * ((size_t)nc + 1));
	*labels = arena_alloc(&r->ar, sizeof(char *) * ((size_t)nc + 1));
	for (int i = 0; i < nc; i++) {
		struct plan dummy;
		int has = 0;
		for (int j = 0; j < np && !has; j++)
			has = ps[j].channel_id == cs[i].id;
		memset(&dummy, 0, sizeof(dummy));
		dummy.unit_id = cs[i].unit_id;
		if (has || !plan_can_write(r->db, &r->actor, &dummy))
			continue;
		(*codes)[k] = id_str(r, cs[i].id);
		(*labels)[k++] = arena_printf(&r->ar, "%s (%s)", cs[i].name,
		                              cs[i].unit_name);
	}
	return k;
}

void
ui_plans(struct req *r)
{
	struct plan_filter f;
	struct plan *all, *await, *write;
	int n, nawait = 0, nwrite = 0, nstart;
	int64_t total, t2;
	const char *status = req_query(r, "status");
	const char **scodes, **slabels;

	memset(&f, 0, sizeof(f));
	f.latest = 1;
	f.limit = 200;
	if (status && *status) {
		for (int i = 0; plan_statuses[i]; i++)
			if (strcmp(status, plan_statuses[i]) == 0)
				f.status = plan_statuses[i];
	}
	if (plan_list(r->db, &r->ar, &r->actor, &f, &all, &n, &total) !=
	    KV_OK) {
		html_error(r, 500);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.awaiting = 1;
	f.limit = 100;
	if (plan_list(r->db, &r->ar, &r->actor, &f, &await, &nawait, &t2) !=
	    KV_OK) {
		html_error(r, 500);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.to_write = 1;
	f.limit = 100;
	if (plan_list(r->db, &r->ar, &r->actor, &f, &write, &nwrite, &t2) !=
	    KV_OK) {
		html_error(r, 500);
		return;
	}
	nstart = plan_start_choices(r, &scodes, &slabels);
	page_begin(r, tr(r, "Requests and plans"), "plans");
	html_lit(r, "<h1>");
	html_tr(r, "Requests and action plans");
	html_lit(r, "</h1>\n<p>");
	html_tr(r,
	        "A new channel starts as a request. The unit manager takes "
	        "it up and writes the action plan, the communications unit "
	        "is consulted, and a decision maker approves or rejects it.");
	html_lit(r, "</p><p class=\"actions\"><a class=\"button\" "
	            "href=\"/plans/new\">");
	html_tr(r, "Ask for a new channel");
	html_lit(r, "</a></p>\n");
	if (nawait > 0)
		plan_table(r, N_("Awaiting your decision"), await, nawait);
	if (nwrite > 0)
		plan_table(r, N_("Drafts you can work on"), write, nwrite);

	html_lit(r, "<form method=\"get\" action=\"/plans\" class=\"filters\" "
	            "role=\"search\" aria-label=\"");
	html_tr(r, "Filter plans");
	html_lit(r, "\">");
	field_select(r, "status", "Status", status, plan_statuses,
	             plan_status_labels, NULL, SELECT_ALL | SELECT_TR);
	html_lit(r, "<div class=\"field\"><button type=\"submit\">");
	html_tr(r, "Filter");
	html_lit(r, "</button></div></form>\n");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No plans to show.");
		html_lit(r, "</p>\n");
	} else {
		plan_table(r,
		           N_("Action plans (newest version of each channel)"),
		           all, n);
	}
	if (nstart > 0) {
		const char **pcodes, **plabels;
		int np;
		scodes[nstart] = NULL;
		if (people_choices(r, &pcodes, &plabels, &np) == 0) {
			pcodes[np] = NULL;
			html_lit(r, "<h2>");
			html_tr(r, "Write a plan for a registered channel");
			html_lit(r, "</h2>\n<p>");
			html_tr(r, "For channels that were registered without "
			           "an action plan.");
			html_lit(r, "</p>");
			form_begin(r, "/plans/start", NULL);
			field_select(r, "channel_id", "Channel", NULL, scodes,
			             slabels, NULL, 0);
			field_select(r, "requested_by", "Requested by", NULL,
			             pcodes, plabels, NULL, SELECT_NONE);
			html_lit(r, "<p class=\"actions\"><button "
			            "type=\"submit\">");
			html_tr(r, "Start the plan");
			html_lit(r, "</button></p>");
			form_end(r);
		}
	}
	page_end(r);
}

/* --- the request ------------------------------------------------------------
 */

static void
request_page(struct req *r, const struct channel *c, const char *note,
             const struct verrs *v)
{
	const char **ucodes, **ulabels;
	char unit_s[24];
	page_begin(r, tr(r, "Ask for a new channel"), "plans");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/plans\">");
	html_tr(r, "Requests and plans");
	html_lit(r, "</a></p><h1>");
	html_tr(r, "Ask for a new channel");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "Your unit manager takes up the request and, with the "
	           "communications unit, writes an action plan for the "
	           "decision maker.");
	html_lit(r, "</p>\n");
	if (unit_choices(r, &ucodes, &ulabels) != 0) {
		html_lit(r, "<p>");
		html_tr(r, "Something went wrong");
		html_lit(r, "</p>");
		page_end(r);
		return;
	}
	snprintf(unit_s, sizeof(unit_s), "%lld", (long long)c->unit_id);
	plan_errors(r, v, 1);
	form_begin(r, "/plans", "request");
	field_select(r, "platform", "Platform", c->platform, channel_platforms,
	             channel_platform_labels, v, SELECT_TR);
	field_text(r, "name", "Name", c->name, v, "text", 1,
	           N_("What the channel would be called."));
	field_text(r, "address", "Address", c->address, v, "text", 1,
	           N_("The planned web address or handle, e.g. "
	              "https://www.instagram.com/ungdomimeldal."));
	field_select(r, "unit_id", "Unit", c->unit_id ? unit_s : NULL, ucodes,
	             ulabels, v, SELECT_NONE);
	field_textarea(r, "purpose", "Purpose: why this medium?", c->purpose, v,
	               N_("Why this medium, for whom, and what it should "
	                  "achieve."));
	field_textarea(r, "target_groups", "Target groups", c->target_groups, v,
	               NULL);
	field_textarea(r, "note", "Your request", note, v,
	               N_("Anything else your manager should know."));
	html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, "Send the request");
	html_lit(r, "</button> <a href=\"/plans\">");
	html_tr(r, "Cancel");
	html_lit(r, "</a></p>");
	form_end(r);
	page_end(r);
}

void
ui_plan_new(struct req *r)
{
	struct channel c;
	memset(&c, 0, sizeof(c));
	c.platform = "facebook_page";
	c.unit_id = plan_own_unit(r->db, &r->actor);
	request_page(r, &c, NULL, NULL);
}

void
ui_plans_create(struct req *r)
{
	struct channel c;
	struct plan p;
	struct verrs v = {0};
	enum kv_rc rc;
	memset(&c, 0, sizeof(c));
	c.platform = form_get(r, "platform");
	c.name = form_get(r, "name");
	c.address = form_get(r, "address");
	c.unit_id = form_id(r, "unit_id", &v);
	c.purpose = form_get(r, "purpose");
	c.target_groups = form_get(r, "target_groups");
	rc = v.n ? KV_INVALID
	         : plan_request(r->db, &r->ar, &r->actor, &c,
	                        form_get(r, "note"), &p, &v);
	if (rc == KV_OK) {
		req_redirect(r,
		             arena_printf(&r->ar, "/plans/%lld?done=requested",
		                          (long long)p.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	/* show exactly what was typed */
	c.platform = form_get(r, "platform");
	c.name = form_get(r, "name");
	c.address = form_get(r, "address");
	c.purpose = form_get(r, "purpose");
	c.target_groups = form_get(r, "target_groups");
	request_page(r, &c, form_get(r, "note"), &v);
}

/* --- a plan's page
 * ------------------------------------------------------------ */

static void
prop_start(struct req *r, const char *label)
{
	html_lit(r, "<dt>");
	html_tr(r, label);
	html_lit(r, "</dt><dd>");
}

static void
prop(struct req *r, const char *label, const char *value)
{
	prop_start(r, label);
	if (value && *value)
		html_txt(r, value);
	else
		html_lit(r, "–");
	html_lit(r, "</dd>");
}

/* A person's name with a note when they lack the required training. */
static void
person_name(struct req *r, int64_t id, const char *name, int check_training)
{
	if (id == 0) {
		html_lit(r, "–");
		return;
	}
	html_txt(r, name);
	if (check_training &&
	    training_missing(r->db, r->actor.org_id, id) == 1) {
		html_lit(r, " <strong class=\"warn\">");
		html_tr(r, "(no valid training in the required course)");
		html_lit(r, "</strong>");
	}
}

static void
goals_list(struct req *r, const struct plan *p)
{
	if (p->ngoals == 0) {
		html_lit(r, "–");
		return;
	}
	html_lit(r, "<ul class=\"goals\">");
	for (int i = 0; i < p->ngoals; i++) {
		const struct plan_goal *g = &p->goals[i];
		html_lit(r, "<li>");
		if (*g->metric) {
			html_lit(r, "<strong>");
			html_tr(r, plan_label(goal_metrics, goal_metric_labels,
			                      g->metric));
			html_lit(r, ": ");
			html_int(r, g->target);
			html_lit(r, " ");
			html_tr(r, plan_label(goal_periods, goal_period_labels,
			                      g->period));
			html_lit(r, "</strong>");
			if (*g->text)
				html_lit(r, " – ");
		}
		html_txt(r, g->text);
		html_lit(r, "</li>");
	}
	html_lit(r, "</ul>");
}

/* The template's fields as a definition list (the page and the print). */
static void
plan_props(struct req *r, const struct plan *p, int check_training)
{
	html_lit(r, "<dl class=\"props plan\">");
	prop(r, "Unit", p->unit_name);
	prop(r, "Deciding manager", p->deciding_manager_name);
	prop(r, "Social medium", p->medium);
	prop(r, "Purpose: why this medium?", p->purpose);
	prop_start(r, N_("Goals, preferably measurable"));
	goals_list(r, p);
	html_lit(r, "</dd>");
	prop(r, "Planned activities", p->activities);
	prop_start(r, N_("Responsible person"));
	person_name(r, p->responsible_id, p->responsible_name, check_training);
	html_lit(r, "</dd>");
	prop_start(r, N_("Other persons"));
	if (p->nothers == 0)
		html_lit(r, "–");
	for (int i = 0; i < p->nothers; i++) {
		struct person who;
		if (i)
			html_lit(r, ", ");
		if (person_get(r->db, &r->ar, &r->actor, p->other_ids[i],
		               &who) == KV_OK)
			person_name(r, who.id, who.full_name, check_training);
	}
	html_lit(r, "</dd>");
	prop(r, "Continuous supervision, also during holidays and leave",
	     p->supervision);
	prop(r, "How often it is updated",
	     arena_printf(
	         &r->ar, "%lld %s", (long long)p->update_count,
	         tr(r, plan_label(update_period_codes, update_period_labels,
	                          p->update_period))));
	prop(r, "Working time set aside",
	     arena_printf(&r->ar, "%lld %s", (long long)p->work_hours,
	                  tr(r, plan_label(work_periods, work_period_labels,
	                                   p->work_period))));
	prop(r, "Half-yearly screenshots by", p->snapshot_person_name);
	html_lit(r, "</dl>\n");
}

static const char *
done_message(const char *done)
{
	static const struct {
		const char *code, *msg;
	} t[] = {
	    {"requested", N_("Your request was sent. Your unit manager takes "
	                     "it from here.")},
	    {"started", N_("The plan was started as a draft.")},
	    {"saved", N_("The plan was saved.")},
	    {"submitted", N_("The plan was submitted for decision.")},
	    {"withdrawn", N_("The plan was taken back to draft.")},
	    {"commented", N_("Your comment was added.")},
	    {"approved", N_("The plan was approved and the channel is "
	                    "active.")},
	    {"rejected", N_("The plan was rejected. The channel stays "
	                    "requested.")},
	    {"revised", N_("A new version was started as a draft.")},
	};
	for (size_t i = 0; done && i < ARRAY_LEN(t); i++)
		if (strcmp(done, t[i].code) == 0)
			return t[i].msg;
	return NULL;
}

/* What the decision forms and the comment form showed when refused. */
struct typed {
	const char *text, *decision, *place, *note;
};

static void
action_button(struct req *r, const struct plan *p, const char *what,
              const char *label)
{
	form_begin(
	    r, arena_printf(&r->ar, "/plans/%lld/%s", (long long)p->id, what),
	    "inline");
	html_lit(r, "<button type=\"submit\">");
	html_tr(r, label);
	html_lit(r, "</button>");
	form_end(r);
}

static void
decision_block(struct req *r, const struct plan *p)
{
	const struct plan_decision *d = &p->decision;
	int ok = strcmp(d->decision, "approve") == 0;
	html_lit(r, "<section class=\"decision\" aria-labelledby=\"h-dec\">"
	            "<h2 id=\"h-dec\">");
	html_tr(r, ok ? N_("Approved") : N_("Rejected"));
	html_lit(r, "</h2><p>");
	html_txt(r,
	         tr_sub(r, ok ? N_("Approved by %s.") : N_("Rejected by %s."),
	                *d->signer_title
	                    ? arena_printf(&r->ar, "%s (%s)", d->signer_name,
	                                   d->signer_title)
	                    : d->signer_name));
	html_lit(r, "</p><dl class=\"props\">");
	prop(r, "Place", d->place);
	prop(r, "Date", d->decided_on);
	prop(r, "Signed at", fmt_time(r, d->decided_at));
	prop(r, "Note", d->note);
	prop_start(r, N_("Signature"));
	html_lit(r, "<code class=\"sig\">");
	html_txt(r, d->signature);
	html_lit(r, "</code><br>");
	if (d->intact) {
		html_tr(r, "The signature matches this version of the plan.");
	} else {
		html_lit(r, "<strong class=\"warn\">");
		html_tr(r, "The plan or the decision was changed after it was "
		           "signed: the signature does not match.");
		html_lit(r, "</strong>");
	}
	html_lit(r, "</dd></dl></section>\n");
}

static void
comments_block(struct req *r, const struct plan *p, const struct typed *ty,
               const struct verrs *v)
{
	int open = strcmp(p->status, "draft") == 0 ||
	           strcmp(p->status, "submitted") == 0;
	html_lit(r, "<section aria-labelledby=\"comments\"><h2 "
	            "id=\"comments\">");
	html_tr(r, "Consultation and comments");
	html_lit(r, "</h2>\n<p>");
	html_tr(r, p->consulted
	               ? N_("The communications unit has been consulted on "
	                    "this version.")
	               : N_("The communications unit has not yet been "
	                    "consulted on this version."));
	html_lit(r, "</p>\n");
	if (p->ncomments > 0) {
		html_lit(r, "<ol class=\"comments\">");
		for (int i = 0; i < p->ncomments; i++) {
			const struct plan_comment *c = &p->comments[i];
			html_lit(r, "<li><p class=\"meta\"><strong>");
			html_txt(r, c->author_name);
			html_lit(r, "</strong>, <time>");
			html_txt(r, fmt_time(r, c->created_at));
			html_lit(r, "</time>");
			if (c->consultation) {
				html_lit(r, " · ");
				html_tr(r,
				        c->plan_edits == p->edits
				            ? N_("consultation")
				            : N_("consultation on an earlier "
				                 "draft"));
			}
			html_lit(r, "</p><p class=\"body\">");
			html_txt(r, c->body);
			html_lit(r, "</p></li>");
		}
		html_lit(r, "</ol>\n");
	}
	if (open && r->actor.person_id != 0) {
		form_begin(r,
		           arena_printf(&r->ar, "/plans/%lld/comments",
		                        (long long)p->id),
		           NULL);
		field_textarea(r, "text", "Comment", ty ? ty->text : NULL, v,
		               N_("A comment from the communications unit "
		                  "counts as the consultation."));
		html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
		html_tr(r, "Add the comment");
		html_lit(r, "</button></p>");
		form_end(r);
	}
	html_lit(r, "</section>\n");
}

static void
decide_form(struct req *r, const struct plan *p, const struct typed *ty,
            const struct verrs *v)
{
	const char *dec = ty && ty->decision ? ty->decision : "approve";
	const char *err = verr_for(v, "decision");
	html_lit(r, "<section aria-labelledby=\"h-decide\"><h2 "
	            "id=\"h-decide\">");
	html_tr(r, "Decision");
	html_lit(r, "</h2>\n");
	if (!plan_can_decide(r->db, &r->actor, p)) {
		html_lit(r, "<p>");
		html_tr(r, "A decision maker for the unit decides this plan.");
		html_lit(r, "</p></section>\n");
		return;
	}
	if (plan_is_own(r->db, &r->actor, p)) {
		html_lit(r, "<p>");
		html_tr(r, "You requested, wrote or submitted this plan, so "
		           "another decision maker must decide it.");
		html_lit(r, "</p></section>\n");
		return;
	}
	if (!p->consulted) {
		html_lit(r, "<p>");
		html_tr(r, "The plan can be decided once the communications "
		           "unit has commented on this version.");
		html_lit(r, "</p></section>\n");
		return;
	}
	form_begin(
	    r, arena_printf(&r->ar, "/plans/%lld/decision", (long long)p->id),
	    "decide");
	html_lit(r, "<fieldset><legend>");
	html_tr(r, "Decision");
	html_lit(r, "</legend>");
	if (err) {
		html_lit(r, "<p class=\"error\" id=\"e-decision\"><strong>");
		html_tr(r, "Error:");
		html_lit(r, "</strong> ");
		html_tr(r, err);
		html_lit(r, "</p>");
	}
	html_lit(r, "<div class=\"choice\"><input type=\"radio\" "
	            "id=\"f-decision\" name=\"decision\" value=\"approve\"");
	if (strcmp(dec, "reject") != 0)
		html_lit(r, " checked");
	html_lit(r, "><label for=\"f-decision\">");
	html_tr(r, "Approve: the channel becomes active");
	html_lit(r, "</label></div><div class=\"choice\"><input "
	            "type=\"radio\" id=\"f-decision-reject\" "
	            "name=\"decision\" value=\"reject\"");
	if (strcmp(dec, "reject") == 0)
		html_lit(r, " checked");
	html_lit(r, "><label for=\"f-decision-reject\">");
	html_tr(r, "Reject: the channel stays requested");
	html_lit(r, "</label></div></fieldset>");
	field_text(r, "place", "Place", ty ? ty->place : NULL, v, "text", 1,
	           N_("Where you sign, e.g. Meldal."));
	field_textarea(r, "note", "Note", ty ? ty->note : NULL, v, NULL);
	html_lit(r, "<p class=\"hint\">");
	html_tr(r, "Signing records your name, the time and a fingerprint of "
	           "this exact version of the plan; it cannot be undone.");
	html_lit(r, "</p><p class=\"actions\"><button type=\"submit\">");
	html_tr(r, "Sign the decision");
	html_lit(r, "</button></p>");
	form_end(r);
	html_lit(r, "</section>\n");
}

static void
plan_page(struct req *r, const struct plan *p, const struct verrs *v,
          const struct typed *ty)
{
	struct channel ch;
	int newest = p->nversions > 0 && p->versions[0].id == p->id;
	int writer = plan_can_write(r->db, &r->actor, p);
	const char *done = done_message(req_query(r, "done"));

	page_begin(r,
	           arena_printf(&r->ar, "%s – %s", tr(r, "Action plan"),
	                        p->channel_name),
	           "plans");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/plans\">");
	html_tr(r, "Requests and plans");
	html_lit(r, "</a></p><h1>");
	html_tr(r, "Action plan");
	html_lit(r, ": ");
	html_txt(r, p->channel_name);
	html_lit(r, " ");
	plan_badge(r, p->status);
	html_lit(r, "</h1>\n<p>");
	html_txt(r,
	         tr_sub(r, "Version %s",
	                arena_printf(&r->ar, "%lld", (long long)p->version)));
	html_lit(r, " · ");
	html_tr(r, platform_label(p->channel_platform));
	html_lit(r, " · ");
	if (channel_get(r->db, &r->ar, &r->actor, p->channel_id, &ch) ==
	    KV_OK) {
		html_lit(r, "<a href=\"/channels/");
		html_int(r, p->channel_id);
		html_lit(r, "\">");
		html_txt(r, p->channel_address);
		html_lit(r, "</a>");
	} else {
		html_txt(r, p->channel_address);
	}
	html_lit(r, "</p>\n");
	if (done && v == NULL)
		flash(r, done);
	plan_errors(r, v, 0);
	if (p->has_decision)
		decision_block(r, p);

	html_lit(r, "<section aria-labelledby=\"h-way\"><h2 id=\"h-way\">");
	html_tr(r, "How far it has come");
	html_lit(r, "</h2><ul class=\"steps\"><li>");
	if (p->requested_by)
		html_txt(r,
		         tr_sub(r, "Requested by %s.", p->requested_by_name));
	else
		html_tr(r, "Started without a recorded request.");
	if (*p->request_note) {
		html_lit(r, " <q>");
		html_txt(r, p->request_note);
		html_lit(r, "</q>");
	}
	html_lit(r, "</li><li>");
	html_txt(r, tr_sub(r,
	                   "Written by %s and others with the right to "
	                   "write plans for the unit.",
	                   *p->created_by_name ? p->created_by_name : "–"));
	html_lit(r, "</li><li>");
	html_tr(r, p->consulted ? N_("The communications unit has been "
	                             "consulted.")
	                        : N_("Waiting for the communications unit's "
	                             "comment."));
	html_lit(r, "</li><li>");
	if (p->submitted_by)
		html_txt(r, tr_sub(r, "Submitted for decision by %s.",
		                   p->submitted_by_name));
	else if (p->has_decision)
		html_tr(r, "Submitted for decision.");
	else
		html_tr(r, "Not yet submitted for decision.");
	html_lit(r, "</li></ul></section>\n");

	html_lit(r, "<section aria-labelledby=\"h-plan\"><h2 id=\"h-plan\">");
	html_tr(r, "The plan");
	html_lit(r, "</h2>\n");
	plan_props(r, p, 1);
	html_lit(r, "<div class=\"actions\">");
	if (writer && strcmp(p->status, "draft") == 0) {
		html_lit(r, "<a class=\"button\" href=\"/plans/");
		html_int(r, p->id);
		html_lit(r, "/edit\">");
		html_tr(r, "Change the plan");
		html_lit(r, "</a>");
		action_button(r, p, "submit", N_("Submit for decision"));
	}
	if (writer && strcmp(p->status, "submitted") == 0)
		action_button(r, p, "withdraw", N_("Take back to draft"));
	if (writer && newest &&
	    (strcmp(p->status, "approved") == 0 ||
	     strcmp(p->status, "rejected") == 0))
		action_button(r, p, "revise", N_("Start a new version"));
	html_lit(r, "<a href=\"/plans/");
	html_int(r, p->id);
	html_lit(r, "/print\">");
	html_tr(r, "Printable plan");
	html_lit(r, "</a></div></section>\n");

	comments_block(r, p, ty, v);
	if (strcmp(p->status, "submitted") == 0)
		decide_form(r, p, ty, v);

	html_lit(r, "<section aria-labelledby=\"h-ver\"><h2 id=\"h-ver\">");
	html_tr(r, "Versions");
	html_lit(r, "</h2><ul class=\"history\">");
	for (int i = 0; i < p->nversions; i++) {
		const struct plan_version *x = &p->versions[i];
		html_lit(r, "<li>");
		if (x->id != p->id) {
			html_lit(r, "<a href=\"/plans/");
			html_int(r, x->id);
			html_lit(r, "\">");
		}
		html_txt(r, tr_sub(r, "Version %s",
		                   arena_printf(&r->ar, "%lld",
		                                (long long)x->version)));
		if (x->id != p->id)
			html_lit(r, "</a>");
		html_lit(r, " ");
		plan_badge(r, x->status);
		html_lit(r, " <time>");
		html_txt(r, fmt_time(r, x->updated_at));
		html_lit(r, "</time></li>");
	}
	html_lit(r, "</ul></section>\n");
	page_end(r);
}

static int
http_status(enum kv_rc rc)
{
	switch (rc) {
	case KV_INVALID:
		return 422;
	case KV_CONFLICT:
		return 409;
	case KV_NOTFOUND:
		return 404;
	case KV_FORBIDDEN:
		return 403;
	default:
		return 500;
	}
}

/* Answers a refused step: the plan's page with the reasons (409/422), or
 * an error page. */
static void
refused(struct req *r, enum kv_rc rc, const struct verrs *v,
        const struct typed *ty)
{
	struct plan p;
	if ((rc == KV_INVALID || rc == KV_CONFLICT) &&
	    plan_get(r->db, &r->ar, &r->actor, r->pid, &p) == KV_OK) {
		r->status = http_status(rc);
		plan_page(r, &p, v, ty);
		return;
	}
	html_error(r, http_status(rc));
}

void
ui_plan(struct req *r)
{
	struct plan p;
	enum kv_rc rc = plan_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		html_error(r, http_status(rc));
		return;
	}
	plan_page(r, &p, NULL, NULL);
}

static void
after_step(struct req *r, enum kv_rc rc, const struct verrs *v,
           const char *done, const struct typed *ty)
{
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/plans/%lld?done=%s",
		                             (long long)r->pid, done));
		return;
	}
	refused(r, rc, v, ty);
}

void
ui_plan_submit(struct req *r)
{
	struct verrs v = {0};
	after_step(r, plan_submit(r->db, &r->ar, &r->actor, r->pid, &v), &v,
	           "submitted", NULL);
}

void
ui_plan_withdraw(struct req *r)
{
	struct verrs v = {0};
	after_step(r, plan_withdraw(r->db, &r->ar, &r->actor, r->pid, &v), &v,
	           "withdrawn", NULL);
}

void
ui_plan_comment(struct req *r)
{
	struct verrs v = {0};
	struct typed ty = {0};
	int64_t cid = 0;
	enum kv_rc rc;
	ty.text = form_get(r, "text");
	rc = plan_comment(r->db, &r->ar, &r->actor, r->pid, ty.text, &cid, &v);
	if (rc == KV_OK) {
		req_redirect(r,
		             arena_printf(&r->ar,
		                          "/plans/%lld?done=commented#comments",
		                          (long long)r->pid));
		return;
	}
	refused(r, rc, &v, &ty);
}

void
ui_plan_decide(struct req *r)
{
	struct verrs v = {0};
	struct typed ty = {0};
	enum kv_rc rc;
	ty.decision = form_get(r, "decision");
	ty.place = form_get(r, "place");
	ty.note = form_get(r, "note");
	rc = plan_decide(r->db, &r->ar, &r->actor, r->pid, ty.decision,
	                 ty.place, ty.note, &v);
	after_step(r, rc, &v,
	           ty.decision && strcmp(ty.decision, "reject") == 0
	               ? "rejected"
	               : "approved",
	           &ty);
}

void
ui_plan_revise(struct req *r)
{
	struct verrs v = {0};
	int64_t id = 0;
	enum kv_rc rc = plan_revise(r->db, &r->ar, &r->actor, r->pid, &id, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/plans/%lld?done=revised",
		                             (long long)id));
		return;
	}
	refused(r, rc, &v, NULL);
}

void
ui_plan_start(struct req *r)
{
	struct verrs v = {0};
	struct plan p;
	int64_t cid = form_id(r, "channel_id", &v);
	int64_t by = form_id(r, "requested_by", &v);
	enum kv_rc rc;
	if (cid == 0 && !verr_for(&v, "channel_id"))
		verr_add(&v, "channel_id", "is required");
	rc = v.n ? KV_INVALID
	         : plan_start(r->db, &r->ar, &r->actor, cid, by, &p, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/plans/%lld?done=started",
		                             (long long)p.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, http_status(rc));
		return;
	}
	r->status = http_status(rc);
	page_begin(r, tr(r, "The plan could not be started"), "plans");
	html_lit(r, "<h1>");
	html_tr(r, "The plan could not be started");
	html_lit(r, "</h1>\n");
	plan_errors(r, &v, 0);
	html_lit(r, "<p><a href=\"/plans\">");
	html_tr(r, "Back to requests and plans");
	html_lit(r, "</a></p>\n");
	page_end(r);
}

/* --- the editor
 * ----------------------------------------------------------------- */

/* The raw text typed into the number fields, so a refused form shows it. */
struct raw {
	const char *update_count, *work_hours;
	const char *target[KV_MAX_GOALS];
};

static void
field_error(struct req *r, const char *id, const char *reason)
{
	html_lit(r, "<p class=\"error\" id=\"e-");
	html_attr(r, id);
	html_lit(r, "\"><strong>");
	html_tr(r, "Error:");
	html_lit(r, "</strong> ");
	html_tr(r, reason);
	html_lit(r, "</p>");
}

/* One goal's input or select, labelled, with its error. */
static void
goal_input(struct req *r, int i, const char *part, const char *label,
           const char *value, const char *const *codes,
           const char *const *labels, const char *none, const struct verrs *v)
{
	const char *id = arena_printf(&r->ar, "goals-%d-%s", i, part);
	const char *err =
	    verr_for(v, arena_printf(&r->ar, "goals[%d].%s", i, part));
	html_lit(r, "<div class=\"field\"><label for=\"f-");
	html_attr(r, id);
	html_lit(r, "\">");
	html_tr(r, label);
	html_lit(r, "</label>");
	if (err)
		field_error(r, id, err);
	if (codes != NULL) {
		html_lit(r, "<select id=\"f-");
		html_attr(r, id);
		html_lit(r, "\" name=\"goal_");
		html_attr(r, part);
		html_lit(r, "\"");
	} else {
		html_lit(r, "<input id=\"f-");
		html_attr(r, id);
		html_lit(r, "\" name=\"goal_");
		html_attr(r, part);
		html_lit(r, "\" type=\"");
		html_attr(r, strcmp(part, "target") == 0 ? "number" : "text");
		html_lit(r, "\" value=\"");
		html_attr(r, value ? value : "");
		html_lit(r, "\"");
	}
	if (err) {
		html_lit(r, " aria-invalid=\"true\" aria-describedby=\"e-");
		html_attr(r, id);
		html_lit(r, "\"");
	}
	html_lit(r, ">");
	if (codes != NULL) {
		html_lit(r, "<option value=\"\">");
		html_tr(r, none);
		html_lit(r, "</option>");
		for (int k = 0; codes[k]; k++) {
			html_lit(r, "<option value=\"");
			html_attr(r, codes[k]);
			html_lit(r, "\"");
			if (value && strcmp(value, codes[k]) == 0)
				html_lit(r, " selected");
			html_lit(r, ">");
			html_tr(r, labels[k]);
			html_lit(r, "</option>");
		}
		html_lit(r, "</select>");
	}
	html_lit(r, "</div>");
}

static void
people_multi(struct req *r, const char *name, const char *label,
             const char *hint, const int64_t *ids, int nids,
             const char *const *codes, const char *const *labels, int n,
             const struct verrs *v)
{
	const char *err = verr_for(v, name);
	html_lit(r, "<div class=\"field\"><label for=\"f-");
	html_attr(r, name);
	html_lit(r, "\">");
	html_tr(r, label);
	html_lit(r, "</label><p class=\"hint\" id=\"h-");
	html_attr(r, name);
	html_lit(r, "\">");
	html_tr(r, hint);
	html_lit(r, "</p>");
	if (err) {
		html_lit(r, "<p class=\"error\" id=\"e-");
		html_attr(r, name);
		html_lit(r, "\"><strong>");
		html_tr(r, "Error:");
		html_lit(r, "</strong> ");
		html_tr(r, err);
		html_lit(r, "</p>");
	}
	html_lit(r, "<select multiple size=\"6\" id=\"f-");
	html_attr(r, name);
	html_lit(r, "\" name=\"");
	html_attr(r, name);
	html_lit(r, "\" aria-describedby=\"h-");
	html_attr(r, name);
	if (err) {
		html_lit(r, " e-");
		html_attr(r, name);
		html_lit(r, "\" aria-invalid=\"true");
	}
	html_lit(r, "\">");
	for (int i = 0; i < n; i++) {
		int sel = 0;
		int64_t id = 0;
		parse_i64(codes[i], &id);
		for (int k = 0; k < nids; k++)
			sel |= ids[k] == id;
		html_lit(r, "<option value=\"");
		html_attr(r, codes[i]);
		html_lit(r, "\"");
		if (sel)
			html_lit(r, " selected");
		html_lit(r, ">");
		html_txt(r, labels[i]);
		html_lit(r, "</option>");
	}
	html_lit(r, "</select></div>\n");
}

static void
editor_page(struct req *r, const struct plan *p, const struct raw *raw,
            const struct verrs *v)
{
	const char **pc, **pl;
	int np, rows;
	page_begin(r,
	           arena_printf(&r->ar, "%s – %s", tr(r, "Change the plan"),
	                        p->channel_name),
	           "plans");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/plans/");
	html_int(r, p->id);
	html_lit(r, "\">");
	html_txt(r, tr_sub(r, "Action plan for %s", p->channel_name));
	html_lit(r, "</a></p><h1>");
	html_tr(r, "Change the plan");
	html_lit(r, "</h1>\n<p>");
	html_txt(r,
	         tr_sub(r, "Version %s",
	                arena_printf(&r->ar, "%lld", (long long)p->version)));
	html_lit(r, " · ");
	html_txt(r, p->unit_name);
	html_lit(r, "</p>\n");
	if (people_choices(r, &pc, &pl, &np) != 0) {
		html_lit(r, "<p>");
		html_tr(r, "Something went wrong");
		html_lit(r, "</p>");
		page_end(r);
		return;
	}
	pc[np] = pl[np] = NULL;
	plan_errors(r, v, 1);
	form_begin(r, arena_printf(&r->ar, "/plans/%lld", (long long)p->id),
	           "plan");

	html_lit(r, "<fieldset><legend>");
	html_tr(r, "The channel and why");
	html_lit(r, "</legend>");
	field_select(r, "deciding_manager_id", "Deciding manager",
	             id_str(r, p->deciding_manager_id), pc, pl, v, SELECT_NONE);
	field_text(r, "medium", "Social medium", p->medium, v, "text", 1,
	           N_("The service and the account, e.g. Instagram: "
	              "@ungdomimeldal."));
	field_textarea(r, "purpose", "Purpose: why this medium?", p->purpose, v,
	               N_("Why do you want to use just this medium? For whom, "
	                  "and how does it support the unit's goals?"));
	html_lit(r, "</fieldset>\n<fieldset class=\"goals\"><legend>");
	html_tr(r, "Goals, preferably measurable");
	html_lit(r, "</legend><p class=\"hint\">");
	html_tr(r, "A measurable goal has a metric, a target and a period "
	           "(e.g. 300 followers per year), so reports can follow it "
	           "up. A goal without a metric is a qualitative goal: "
	           "describe it. Leave a row empty to drop it.");
	html_lit(r, "</p>");
	if (verr_for(v, "goals"))
		field_error(r, "goals", verr_for(v, "goals"));
	rows = p->ngoals + 2 > KV_MAX_GOALS ? KV_MAX_GOALS : p->ngoals + 2;
	for (int i = 0; i < rows; i++) {
		const struct plan_goal *g = i < p->ngoals ? &p->goals[i] : NULL;
		const char *target =
		    raw && i < p->ngoals && raw->target[i]
		        ? raw->target[i]
		        : (g && g->has_target
		               ? arena_printf(&r->ar, "%lld",
		                              (long long)g->target)
		               : NULL);
		html_lit(r, "<fieldset class=\"goal\"><legend>");
		html_txt(
		    r, tr_sub(r, "Goal %s", arena_printf(&r->ar, "%d", i + 1)));
		html_lit(r, "</legend>");
		goal_input(r, i, "text", N_("Description"), g ? g->text : NULL,
		           NULL, NULL, NULL, v);
		goal_input(r, i, "metric", N_("Metric"), g ? g->metric : NULL,
		           goal_metrics, goal_metric_labels,
		           N_("(none: a qualitative goal)"), v);
		goal_input(r, i, "target", N_("Target"), target, NULL, NULL,
		           NULL, v);
		goal_input(r, i, "period", N_("Period"), g ? g->period : NULL,
		           goal_periods, goal_period_labels, N_("(none)"), v);
		html_lit(r, "</fieldset>");
	}
	html_lit(r, "</fieldset>\n<fieldset><legend>");
	html_tr(r, "The work");
	html_lit(r, "</legend>");
	field_textarea(r, "activities", "Planned activities", p->activities, v,
	               N_("What will be done in the channel so the goals are "
	                  "reached."));
	field_select(r, "responsible_id", "Responsible person",
	             id_str(r, p->responsible_id), pc, pl, v, SELECT_NONE);
	people_multi(r, "other_ids", N_("Other persons"),
	             N_("Who else handles the unit's part of the channel. "
	                "Hold Ctrl (or Cmd) to choose several."),
	             p->other_ids, p->nothers, pc, pl, np, v);
	field_textarea(r, "supervision",
	               "Continuous supervision, also during holidays and "
	               "leave",
	               p->supervision, v,
	               N_("How the channel is watched at all times, also "
	                  "during holidays and longer leave."));
	field_text(
	    r, "update_count", "Updates",
	    raw && raw->update_count
	        ? raw->update_count
	        : arena_printf(&r->ar, "%lld", (long long)p->update_count),
	    v, "number", 1, N_("How many updates per period."));
	field_select(r, "update_period", "Update period", p->update_period,
	             update_period_codes, update_period_labels, v, SELECT_TR);
	field_text(r, "work_hours", "Working time set aside",
	           raw && raw->work_hours
	               ? raw->work_hours
	               : arena_printf(&r->ar, "%lld", (long long)p->work_hours),
	           v, "number", 1, N_("Hours set aside for the channel."));
	field_select(r, "work_period", "Working time per", p->work_period,
	             work_periods, work_period_labels, v, SELECT_TR);
	field_select(r, "snapshot_person_id", "Half-yearly screenshots",
	             id_str(r, p->snapshot_person_id), pc, pl, v, SELECT_NONE);
	field_textarea(r, "request_note", "The request", p->request_note, v,
	               N_("The wish as the requester put it."));
	html_lit(r, "</fieldset><p class=\"actions\"><button "
	            "type=\"submit\">");
	html_tr(r, "Save the plan");
	html_lit(r, "</button> <a href=\"/plans/");
	html_int(r, p->id);
	html_lit(r, "\">");
	html_tr(r, "Cancel");
	html_lit(r, "</a></p>");
	form_end(r);
	page_end(r);
}

void
ui_plan_edit(struct req *r)
{
	struct plan p;
	struct verrs v = {0};
	enum kv_rc rc = plan_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc == KV_OK && !plan_can_write(r->db, &r->actor, &p))
		rc = KV_FORBIDDEN;
	if (rc == KV_OK && strcmp(p.status, "draft") != 0) {
		verr_add(&v, "status",
		         "only a draft can be changed; a decided plan gets a "
		         "new version");
		r->status = 409;
		plan_page(r, &p, &v, NULL);
		return;
	}
	if (rc != KV_OK) {
		html_error(r, http_status(rc));
		return;
	}
	editor_page(r, &p, NULL, NULL);
}

/* The nth value of a repeated form field, or NULL. */
static const char *
form_nth(struct req *r, const char *name, int n)
{
	for (int i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].k, name) == 0 && n-- == 0)
			return r->form[i].v;
	return NULL;
}

/* Reads the editor's fields over p; number problems go to v. */
static void
plan_from_form(struct req *r, struct plan *p, struct raw *raw, struct verrs *v)
{
	memset(raw, 0, sizeof(*raw));
	p->deciding_manager_id = form_id(r, "deciding_manager_id", v);
	p->medium = form_get(r, "medium");
	p->purpose = form_get(r, "purpose");
	p->activities = form_get(r, "activities");
	p->responsible_id = form_id(r, "responsible_id", v);
	p->supervision = form_get(r, "supervision");
	raw->update_count = form_get(r, "update_count");
	p->update_count = form_int(r, "update_count", v);
	p->update_period = form_get(r, "update_period");
	raw->work_hours = form_get(r, "work_hours");
	p->work_hours = form_int(r, "work_hours", v);
	p->work_period = form_get(r, "work_period");
	p->snapshot_person_id = form_id(r, "snapshot_person_id", v);
	p->request_note = form_get(r, "request_note");
	p->nothers = 0;
	for (int i = 0; i < r->nform; i++) {
		int64_t id;
		if (strcmp(r->form[i].k, "other_ids") != 0)
			continue;
		if (parse_i64(r->form[i].v, &id) != 0 || id <= 0 ||
		    p->nothers == KV_MAX_PLAN_PEOPLE) {
			verr_add(v, "other_ids",
			         "must be chosen from the list");
			break;
		}
		p->other_ids[p->nothers++] = id;
	}
	p->ngoals = 0;
	for (int k = 0; k < 100; k++) {
		const char *text = form_nth(r, "goal_text", k);
		const char *metric = form_nth(r, "goal_metric", k);
		const char *target = form_nth(r, "goal_target", k);
		const char *period = form_nth(r, "goal_period", k);
		struct plan_goal *g;
		if (!text && !metric && !target && !period)
			break;
		if ((!text || !*text) && (!metric || !*metric) &&
		    (!target || !*target) && (!period || !*period))
			continue; /* an empty row */
		if (p->ngoals == KV_MAX_GOALS) {
			verr_add(v, "goals", "must be at most 20 goals");
			break;
		}
		raw->target[p->ngoals] = target;
		g = &p->goals[p->ngoals];
		memset(g, 0, sizeof(*g));
		g->text = text ? text : "";
		g->metric = metric ? metric : "";
		g->period = period ? period : "";
		if (target && *target) {
			if (parse_i64(target, &g->target) == 0)
				g->has_target = 1;
			else
				verr_add(v,
				         arena_printf(&r->ar,
				                      "goals[%d].target",
				                      p->ngoals),
				         "must be a whole number");
		}
		p->ngoals++;
	}
}

void
ui_plan_update(struct req *r)
{
	struct plan p;
	struct raw raw;
	struct verrs v = {0};
	enum kv_rc rc = plan_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		html_error(r, http_status(rc));
		return;
	}
	plan_from_form(r, &p, &raw, &v);
	/* a bad number still lets every other field be checked */
	rc = v.n ? (plan_check(r->db, &r->ar, &r->actor, &p, 0, &v), KV_INVALID)
	         : plan_update(r->db, &r->ar, &r->actor, &p, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/plans/%lld?done=saved",
		                             (long long)p.id));
		return;
	}
	if (rc == KV_INVALID) {
		r->status = 422;
		plan_from_form(r, &p, &raw, &v); /* as typed */
		editor_page(r, &p, &raw, &v);
		return;
	}
	refused(r, rc, &v, NULL);
}

/* --- the printable plan
 * -------------------------------------------------------- */

/* Writes the printable plan as a whole document.  for_pdf: the stylesheet
 * is the file style.css beside it (headless Chromium reads a file). */
static void
print_doc(struct req *r, const struct plan *p, int for_pdf)
{
	r->ctype = "text/html; charset=utf-8";
	html_lit(r, "<!DOCTYPE html>\n<html lang=\"");
	html_attr(r, r->lang);
	html_lit(r, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, "
	            "initial-scale=1\">\n<title>");
	html_txt(r, arena_printf(&r->ar, "%s – %s", tr(r, "Action plan"),
	                         p->channel_name));
	html_lit(r, "</title>\n");
	if (for_pdf)
		html_lit(r, "<link rel=\"stylesheet\" href=\"style.css\">\n");
	else
		html_lit(r, "<link rel=\"icon\" href=\"/static/icon.svg\" "
		            "type=\"image/svg+xml\">\n<link rel=\"stylesheet\" "
		            "href=\"/static/style.css\">\n");
	html_lit(r, "</head>\n<body class=\"print-plan\">\n<main "
	            "id=\"main\">\n");
	if (!for_pdf) {
		html_lit(r, "<p class=\"crumbs\"><a href=\"/plans/");
		html_int(r, p->id);
		html_lit(r, "\">");
		html_tr(r, "Back to the plan");
		html_lit(r, "</a> · ");
		html_tr(r, "Print this page with your browser's print "
		           "command.");
		if (chromium_path() != NULL) {
			html_lit(r, " · <a href=\"/api/v1/plans/");
			html_int(r, p->id);
			html_lit(r, "/pdf\">");
			html_tr(r, "Download as PDF");
			html_lit(r, "</a>");
		}
		html_lit(r, "</p>\n");
	}
	html_lit(r, "<h1>");
	html_tr(r, "Action plan for the use of a social medium");
	html_lit(r, "</h1>\n<p class=\"sheet-meta\">");
	html_txt(r, r->has_org ? r->org.name : "");
	html_lit(r, " · ");
	html_txt(r,
	         tr_sub(r, "Version %s",
	                arena_printf(&r->ar, "%lld", (long long)p->version)));
	html_lit(r, " · ");
	html_tr(r, plan_label(plan_statuses, plan_status_labels, p->status));
	html_lit(r, "</p>\n");
	plan_props(r, p, 0);
	html_lit(r, "<section class=\"signature\" aria-labelledby=\"h-sig\">"
	            "<h2 id=\"h-sig\">");
	html_tr(r, "I have read, and approve, this action plan");
	html_lit(r, "</h2>\n<dl class=\"props\">");
	if (p->has_decision) {
		const struct plan_decision *d = &p->decision;
		prop(r, "Decision",
		     tr(r, strcmp(d->decision, "approve") == 0
		               ? N_("Approved")
		               : N_("Rejected")));
		prop(r, "Place", d->place);
		prop(r, "Date", d->decided_on);
		prop(r, "Signature of the deciding manager",
		     *d->signer_title
		         ? arena_printf(&r->ar, "%s, %s", d->signer_name,
		                        d->signer_title)
		         : d->signer_name);
		prop(r, "Signed at", fmt_time(r, d->decided_at));
		prop(r, "Note", d->note);
		prop(r, "Electronic signature (SHA-256)", d->signature);
	} else {
		prop(r, "Place", NULL);
		prop(r, "Date", NULL);
		prop(r, "Signature of the deciding manager", NULL);
	}
	html_lit(r, "</dl></section>\n</main>\n</body>\n</html>\n");
}

void
ui_plan_print(struct req *r)
{
	struct plan p;
	enum kv_rc rc = plan_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		html_error(r, http_status(rc));
		return;
	}
	print_doc(r, &p, 0);
}

/* The headless browser to print PDFs with: $KV_CHROMIUM, or a usual
 * place; NULL when there is none. */
static const char *
chromium_path(void)
{
	static const char *const where[] = {
	    "/usr/bin/chromium", "/usr/bin/chromium-browser",
	    "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"};
	const char *env = getenv("KV_CHROMIUM");
	if (env && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	for (size_t i = 0; i < ARRAY_LEN(where); i++)
		if (access(where[i], X_OK) == 0)
			return where[i];
	return NULL;
}

static int
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc;
	if (f == NULL)
		return -1;
	rc = fwrite(data, 1, len, f) == len ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* Removes dir and everything below it (no symlinks are followed). */
static void
remove_tree(const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	if (depth > 16 || (d = opendir(dir)) == NULL)
		return;
	/* cppcheck-suppress readdirCalled ; the DIR is this call's own, and
	 * readdir_r is deprecated */
	while ((e = readdir(d)) != NULL) {
		char path[1024];
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			remove_tree(path, depth + 1);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Runs argv and waits up to secs seconds; 0 when it exited with 0. */
static int
run_wait(char *const argv[], int secs)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = 0, rc;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	for (int i = 0; i < secs * 20; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0
			           ? 0
			           : -1;
		if (w < 0 && errno != EINTR)
			return -1;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* GET /api/v1/plans/:id/pdf (getPlanPdf): the printable plan as PDF,
 * printed by headless Chromium from the same document as /plans/:id/print
 * (here, not in api_plans.c, because it shares print_doc).  Answers
 * problem+json when refused; 404 when the server has no Chromium. */
void
api_plan_pdf(struct req *r)
{
	struct plan p;
	const struct embed_file *css = embed_find("assets/style.css");
	const char *chrome = chromium_path(), *tmp = getenv("TMPDIR");
	char dir[512], html[600], pdf[600], cssf[600], out[640], prof[640];
	char url[640], exe[512];
	enum kv_rc rc = plan_get(r->db, &r->ar, &r->actor, r->pid, &p);
	struct buf doc;
	FILE *f;
	int ok = 0;

	if (rc != KV_OK) {
		api_fail(r, rc, NULL);
		return;
	}
	if (chrome == NULL || css == NULL) {
		api_problem(r, 404, "not-found", "No PDF here",
		            "This server cannot make PDFs (no Chromium); print "
		            "the plan's HTML page instead.");
		return;
	}
	print_doc(r, &p, 1);
	doc = r->out; /* take the document; r->out starts afresh */
	buf_init(&r->out, MAX_OUT);
	snprintf(dir, sizeof(dir), "%s/kv-pdf.XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		buf_cleanup(&doc);
		api_fail(r, KV_DBERR, NULL);
		return;
	}
	snprintf(html, sizeof(html), "%s/plan.html", dir);
	snprintf(cssf, sizeof(cssf), "%s/style.css", dir);
	snprintf(pdf, sizeof(pdf), "%s/plan.pdf", dir);
	snprintf(out, sizeof(out), "--print-to-pdf=%s", pdf);
	snprintf(prof, sizeof(prof), "--user-data-dir=%s/profile", dir);
	snprintf(url, sizeof(url), "file://%s", html);
	snprintf(exe, sizeof(exe), "%s", chrome);
	if (write_file(html, doc.p, doc.len) == 0 &&
	    write_file(cssf, css->data, css->len) == 0) {
		char *const argv[] = {exe,
		                      "--headless",
		                      "--no-sandbox",
		                      "--disable-gpu",
		                      "--no-first-run",
		                      "--disable-extensions",
		                      "--disable-background-networking",
		                      "--disable-component-update",
		                      "--disable-sync",
		                      "--no-pdf-header-footer",
		                      "--print-to-pdf-no-header",
		                      prof,
		                      out,
		                      url,
		                      NULL};
		ok = run_wait(argv, 60) == 0;
	}
	buf_cleanup(&doc);
	if (ok && (f = fopen(pdf, "rb")) != NULL) {
		char chunk[8192];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&r->out, chunk, n);
		fclose(f);
	}
	remove_tree(dir, 0);
	if (!ok || r->out.len < 5 || memcmp(r->out.p, "%PDF", 4) != 0) {
		buf_reset(&r->out);
		api_problem(r, 500, "internal", "Internal error",
		            "The PDF could not be made; print the plan's HTML "
		            "page instead.");
		return;
	}
	r->ctype = "application/pdf";
	req_add_header(r, "Content-Disposition",
	               arena_printf(&r->ar,
	                            "inline; filename=\"plan-%lld-v%lld.pdf\"",
	                            (long long)p.id, (long long)p.version));
}
