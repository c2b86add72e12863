/*
 * ui_rota.c - the supervision rota in the HTML UI: the overview of gaps in
 * the next 14 days (/rota), a channel's shifts with the add-shift form
 * (/channels/:id/rota), its coverage for a chosen period with the gaps as a
 * table and a strip of hours per day, holidays named
 * (/channels/:id/coverage), and a person's absences (/people/:id/absences).
 * Also the helpers the area's pages share (rota_web.h).
 *
 * Forms post the API's field names (person_id, starts_at, ends_at, note;
 * kind, from, to); times typed without a zone are the organisation's local
 * time.  On an error the form comes back with 422 (409 for a conflict),
 * the errors next to the fields and what was typed kept.
 */
#include "rota_web.h"
#include "../base/holidays.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

/* --- shared helpers (rota_web.h) ------------------------------------------ */

void
rw_fail(struct req *r, enum kv_rc rc)
{
	html_error(r, rc == KV_NOTFOUND ? 404 : rc == KV_FORBIDDEN ? 403 : 500);
}

int
rw_channel(struct req *r, struct channel *c)
{
	enum kv_rc rc = channel_get(r->db, &r->ar, &r->actor, r->pid, c);
	if (rc != KV_OK) {
		rw_fail(r, rc);
		return 0;
	}
	return 1;
}

const char *
rw_tz(struct req *r)
{
	return r->has_org && r->org.timezone ? r->org.timezone : "Europe/Oslo";
}

const char *
rw_date(struct req *r, int64_t t)
{
	char b[16];
	return arena_strdup(&r->ar, time_fmt_local_date(rw_tz(r), t, b));
}

const char *
rw_datetime_value(struct req *r, int64_t t)
{
	int y, m, d, h, mi;
	utc_to_local(rw_tz(r), t, &y, &m, &d, &h, &mi);
	return arena_printf(&r->ar, "%04d-%02d-%02dT%02d:%02d", y, m, d, h, mi);
}

const char *
rw_commitment(struct req *r, int64_t count, const char *period)
{
	const char *p = strcmp(period, "day") == 0     ? N_("per day")
	                : strcmp(period, "month") == 0 ? N_("per month")
	                                               : N_("per week");
	return arena_printf(&r->ar, "%lld %s", (long long)count, tr(r, p));
}

static const char *
status_label(const char *code)
{
	static const char *const labels[] = {
	    N_("Requested"), N_("Planned"), N_("Active"), N_("Paused"),
	    N_("Closing"),   N_("Closed"),  NULL};
	for (int i = 0; code && channel_statuses[i]; i++)
		if (strcmp(code, channel_statuses[i]) == 0)
			return labels[i];
	return code ? code : "";
}

void
rw_channel_head(struct req *r, const struct channel *c, const char *title,
                const char *current)
{
	static const struct {
		const char *key, *path, *label;
	} tabs[] = {
	    {"channel", "", N_("The channel")},
	    {"rota", "/rota", N_("Rota")},
	    {"coverage", "/coverage", N_("Coverage")},
	    {"updates", "/updates", N_("Update log")},
	    {"review", "/review", N_("Review")},
	    {"close", "/close", N_("Closing the channel")},
	};
	html_lit(r, "<p class=\"crumbs\"><a href=\"/channels\">");
	html_tr(r, "Channel register");
	html_lit(r, "</a> › <a href=\"/channels/");
	html_int(r, c->id);
	html_lit(r, "\">");
	html_txt(r, c->name);
	html_lit(r, "</a></p><h1>");
	html_tr(r, title);
	html_lit(r, ": ");
	html_txt(r, c->name);
	html_lit(r, " <span class=\"status status-");
	html_attr(r, c->status);
	html_lit(r, "\">");
	html_tr(r, status_label(c->status));
	html_lit(r, "</span></h1>\n<nav aria-label=\"");
	html_tr(r, "Pages of this channel");
	html_lit(r, "\"><p class=\"actions\">");
	for (size_t i = 0; i < ARRAY_LEN(tabs); i++) {
		html_lit(r, "<a href=\"/channels/");
		html_int(r, c->id);
		html_attr(r, tabs[i].path);
		html_lit(r, "\"");
		if (strcmp(current, tabs[i].key) == 0)
			html_lit(r, " aria-current=\"page\"");
		html_lit(r, ">");
		html_tr(r, tabs[i].label);
		html_lit(r, "</a>");
	}
	html_lit(r, "</p></nav>\n");
}

void
rw_holiday(struct req *r, const char *name, const char *lang, int official)
{
	html_lit(r, "<span lang=\"");
	html_attr(r, lang);
	html_lit(r, "\">");
	html_txt(r, name);
	html_lit(r, "</span>");
	if (!official) {
		html_lit(r, " (");
		html_tr(r, "day off by custom");
		html_lit(r, ")");
	}
}

/* --- small helpers of this file ----------------------------------------------
 */

const char *
hours_text(struct req *r, int64_t secs)
{
	int64_t h = secs / 3600, m = secs % 3600 / 60;
	if (m == 0)
		return arena_printf(&r->ar, "%lld h", (long long)h);
	if (h == 0)
		return arena_printf(&r->ar, "%lld min", (long long)m);
	return arena_printf(&r->ar, "%lld h %lld min", (long long)h,
	                    (long long)m);
}

/* Active people of the organisation as select choices (arena). */
int
person_choices(struct req *r, const char ***codes, const char ***labels)
{
	struct person_filter f;
	struct person *ps;
	int n = 0;
	int64_t total;
	memset(&f, 0, sizeof(f));
	f.limit = 500;
	if (person_list(r->db, &r->ar, &r->actor, &f, &ps, &n, &total) != KV_OK)
		return -1;
	*codes = arena_alloc(&r->ar, sizeof(char *) * ((size_t)n + 1));
	*labels = arena_alloc(&r->ar, sizeof(char *) * ((size_t)n + 1));
	for (int i = 0, k = 0; i < n; i++) {
		if (!ps[i].active)
			continue;
		(*codes)[k] = arena_printf(&r->ar, "%lld", (long long)ps[i].id);
		(*labels)[k] = *ps[i].title
		                   ? arena_printf(&r->ar, "%s (%s)",
		                                  ps[i].full_name, ps[i].title)
		                   : ps[i].full_name;
		k++;
	}
	return 0;
}

/* The policy's watch hours as a sentence. */
static void
policy_sentence(struct req *r, const struct policy *p)
{
	html_lit(r, "<p>");
	html_txt(r, tr_sub(r,
	                   strcmp(p->watch_days, "business") == 0
	                       ? N_("Channels must be watched %s on working "
	                            "days (not on weekends, public holidays "
	                            "and days off by custom).")
	                       : N_("Channels must be watched %s every day, "
	                            "weekends and holidays included."),
	                   arena_printf(&r->ar, "%02d:00–%02d:00",
	                                p->watch_from_hour, p->watch_to_hour)));
	html_lit(r, "</p>\n");
}

/* --- /rota: the overview
 * ------------------------------------------------------ */

void
ui_rota_overview(struct req *r)
{
	struct channel_gaps *cg = NULL;
	struct channel_filter f;
	struct channel *cs = NULL;
	struct policy p;
	int n = 0, nc = 0;
	int64_t total, now = time_now();

	memset(&f, 0, sizeof(f));
	f.limit = 500;
	if (rota_upcoming_gaps(r->db, &r->ar, &r->actor, now, ROTA_ALERT_DAYS,
	                       &cg, &n) != KV_OK ||
	    policy_get(r->db, &r->ar, &r->actor, &p) != KV_OK ||
	    channel_list(r->db, &r->ar, &r->actor, &f, &cs, &nc, &total) !=
	        KV_OK) {
		html_error(r, 500);
		return;
	}
	page_begin(r, tr(r, "Supervision rota"), "rota");
	html_lit(r, "<h1>");
	html_tr(r, "Supervision rota");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "Every open channel must have someone on watch, also during "
	           "holidays and longer leave. Gaps are shown here before they "
	           "happen.");
	html_lit(r, "</p>\n");
	policy_sentence(r, &p);
	if (r->actor.person_id) {
		html_lit(r, "<p><a href=\"/people/");
		html_int(r, r->actor.person_id);
		html_lit(r, "/absences\">");
		html_tr(r, "Your absences");
		html_lit(r, "</a></p>\n");
	}
	html_lit(r, "<h2>");
	html_tr(r, "Gaps in the next 14 days");
	html_lit(r, "</h2>\n");
	if (n == 0) {
		html_lit(r, "<p role=\"status\">");
		html_tr(r, "No gaps: every open channel has someone on watch "
		           "for the next 14 days.");
		html_lit(r, "</p>\n");
	} else {
		html_lit(r, "<p role=\"status\">");
		html_txt(r, tr_sub(r, "%s channels have gaps.",
		                   arena_printf(&r->ar, "%d", n)));
		html_lit(r, "</p>\n");
		table_begin(r, "Channels with gaps in the next 14 days");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "Channel");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Unit");
		html_lit(r, "</th><th scope=\"col\" class=\"num\">");
		html_tr(r, "Gaps");
		html_lit(r, "</th><th scope=\"col\" class=\"num\">");
		html_tr(r, "Without watch");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "First gap");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Holidays");
		html_lit(r, "</th></tr></thead><tbody>\n");
		for (int i = 0; i < n; i++) {
			const struct coverage *c = &cg[i].cov;
			int shown = 0;
			html_lit(r,
			         "<tr><th scope=\"row\"><a href=\"/channels/");
			html_int(r, cg[i].channel.id);
			html_lit(r, "/coverage\">");
			html_txt(r, cg[i].channel.name);
			html_lit(r, "</a></th><td>");
			html_txt(r, cg[i].channel.unit_name);
			html_lit(r, "</td><td class=\"num\">");
			html_int(r, c->ngaps);
			html_lit(r, "</td><td class=\"num\">");
			html_txt(r, hours_text(r, c->uncovered_secs));
			html_lit(r, "</td><td>");
			html_txt(r, fmt_time(r, c->gaps[0].from));
			html_lit(r, "</td><td>");
			for (int g = 0; g < c->ngaps; g++)
				for (int k = 0; k < c->gaps[g].nholidays; k++) {
					const struct gap_holiday *h =
					    &c->gaps[g].holidays[k];
					if (shown++)
						html_lit(r, ", ");
					rw_holiday(r, h->name, h->lang,
					           h->official);
				}
			if (!shown)
				html_lit(r, "–");
			html_lit(r, "</td></tr>\n");
		}
		html_lit(r, "</tbody>");
		table_end(r);
	}
	html_lit(r, "<h2>");
	html_tr(r, "Rota per channel");
	html_lit(r, "</h2>\n<ul>");
	for (int i = 0; i < nc; i++) {
		if (strcmp(cs[i].status, "active") != 0 &&
		    strcmp(cs[i].status, "paused") != 0 &&
		    strcmp(cs[i].status, "closing") != 0)
			continue;
		html_lit(r, "<li><a href=\"/channels/");
		html_int(r, cs[i].id);
		html_lit(r, "/rota\">");
		html_txt(r, cs[i].name);
		html_lit(r, "</a> (");
		html_txt(r, cs[i].unit_name);
		html_lit(r, ")</li>");
	}
	html_lit(r, "</ul>\n");
	page_end(r);
}

/* --- /channels/:id/rota ------------------------------------------------------
 */

struct shift_form {
	const char *person_id, *starts_at, *ends_at, *note;
};

static void
rota_page(struct req *r, const struct channel *c, const struct shift_form *sf,
          const struct verrs *v)
{
	struct shift *ss = NULL;
	int n = 0, all = req_query(r, "all") != NULL;
	int manage = rota_can_manage(r->db, &r->actor, c);
	int64_t now = time_now();
	enum kv_rc rc;

	page_begin(r, arena_printf(&r->ar, "%s: %s", tr(r, "Rota"), c->name),
	           "rota");
	rw_channel_head(r, c, "Rota", "rota");
	if (req_query(r, "saved"))
		flash(r, "The shift was added.");
	if (req_query(r, "removed"))
		flash(r, "The shift was removed.");
	if (!rota_can_view(r->db, &r->actor, c)) {
		html_lit(r, "<p>");
		html_tr(r, "Only the people who run or manage this channel see "
		           "who is on watch. Its coverage is open to you.");
		html_lit(r, " <a href=\"/channels/");
		html_int(r, c->id);
		html_lit(r, "/coverage\">");
		html_tr(r, "Coverage");
		html_lit(r, "</a></p>\n");
		page_end(r);
		return;
	}
	rc = shift_list(r->db, &r->ar, &r->actor, c->id, all ? 0 : now - 86400,
	                all ? 0 : INT64_MAX, &ss, &n);
	if (rc != KV_OK) {
		html_lit(r, "<p>");
		html_tr(r, "Something went wrong");
		html_lit(r, "</p>");
		page_end(r);
		return;
	}
	html_lit(r, "<h2>");
	html_tr(r, all ? N_("All shifts") : N_("Current and coming shifts"));
	html_lit(r, "</h2>\n<p>");
	if (all) {
		html_lit(r, "<a href=\"?\">");
		html_tr(r, "Show current and coming shifts only");
	} else {
		html_lit(r, "<a href=\"?all=1\">");
		html_tr(r, "Show all shifts, also past ones");
	}
	html_lit(r, "</a></p>\n");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r,
		        "No shifts. Without shifts the channel has nobody on "
		        "watch.");
		html_lit(r, "</p>\n");
	} else {
		table_begin(r, "Shifts");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "Person");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "From");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "To");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Note");
		html_lit(r, "</th>");
		if (manage) {
			html_lit(r, "<th scope=\"col\">");
			html_tr(r, "Remove");
			html_lit(r, "</th>");
		}
		html_lit(r, "</tr></thead><tbody>\n");
		for (int i = 0; i < n; i++) {
			html_lit(r, "<tr><th scope=\"row\">");
			html_txt(r, ss[i].person_name);
			html_lit(r, "</th><td>");
			html_txt(r, fmt_time(r, ss[i].starts_at));
			html_lit(r, "</td><td>");
			html_txt(r, fmt_time(r, ss[i].ends_at));
			html_lit(r, "</td><td>");
			html_txt(r, ss[i].note);
			html_lit(r, "</td>");
			if (manage) {
				html_lit(r, "<td>");
				form_begin(r,
				           arena_printf(&r->ar,
				                        "/shifts/%lld/delete",
				                        (long long)ss[i].id),
				           "inline");
				html_lit(r, "<button type=\"submit\">");
				html_tr(r, "Remove");
				html_lit(r,
				         "<span class=\"visually-hidden\"> ");
				html_txt(r, arena_printf(
				                &r->ar, "%s, %s",
				                ss[i].person_name,
				                fmt_time(r, ss[i].starts_at)));
				html_lit(r, "</span></button>");
				form_end(r);
				html_lit(r, "</td>");
			}
			html_lit(r, "</tr>\n");
		}
		html_lit(r, "</tbody>");
		table_end(r);
	}
	if (manage && strcmp(c->status, "closed") != 0) {
		const char **codes, **labels;
		html_lit(r, "<h2 id=\"add\">");
		html_tr(r, "Add a shift");
		html_lit(r, "</h2>\n");
		if (person_choices(r, &codes, &labels) != 0) {
			html_lit(r, "<p>");
			html_tr(r, "Something went wrong");
			html_lit(r, "</p>");
			page_end(r);
			return;
		}
		error_summary(r, v);
		form_begin(r,
		           arena_printf(&r->ar, "/channels/%lld/shifts",
		                        (long long)c->id),
		           "shift");
		field_select(r, "person_id", "Person", sf->person_id, codes,
		             labels, v, SELECT_NONE);
		field_text(r, "starts_at", "From", sf->starts_at, v,
		           "datetime-local", 1,
		           N_("Local time, e.g. 2027-05-17T08:00."));
		field_text(r, "ends_at", "To", sf->ends_at, v, "datetime-local",
		           1, N_("Local time, e.g. 2027-05-17T16:00."));
		field_text(r, "note", "Note", sf->note, v, "text", 0, NULL);
		html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
		html_tr(r, "Add the shift");
		html_lit(r, "</button></p>");
		form_end(r);
	}
	page_end(r);
}

void
ui_rota(struct req *r)
{
	struct channel c;
	struct shift_form sf = {NULL, NULL, NULL, NULL};
	if (!rw_channel(r, &c))
		return;
	rota_page(r, &c, &sf, NULL);
}

void
ui_shift_create(struct req *r)
{
	struct channel c;
	struct shift s;
	struct verrs v = {0};
	struct shift_form sf;
	int64_t person;
	enum kv_rc rc;

	if (!rw_channel(r, &c))
		return;
	sf.person_id = form_get(r, "person_id");
	sf.starts_at = form_get(r, "starts_at");
	sf.ends_at = form_get(r, "ends_at");
	sf.note = form_get(r, "note");
	person = form_id(r, "person_id", &v);
	rc = v.n ? KV_INVALID
	         : shift_create(r->db, &r->ar, &r->actor, c.id, person,
	                        sf.starts_at, sf.ends_at, sf.note, &s, &v);
	if (rc == KV_OK) {
		req_redirect(r,
		             arena_printf(&r->ar, "/channels/%lld/rota?saved=1",
		                          (long long)c.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		rw_fail(r, rc);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	rota_page(r, &c, &sf, &v);
}

void
ui_shift_delete(struct req *r)
{
	int64_t channel = 0;
	enum kv_rc rc;
	db_get_i64(r->db, &channel,
	           "SELECT channel_id FROM shifts WHERE id = ? AND org_id = ?",
	           "ii", r->pid, r->actor.org_id);
	rc = shift_delete(r->db, &r->ar, &r->actor, r->pid);
	if (rc != KV_OK) {
		rw_fail(r, rc);
		return;
	}
	req_redirect(r, arena_printf(&r->ar, "/channels/%lld/rota?removed=1",
	                             (long long)channel));
}

/* --- /channels/:id/coverage
 * ------------------------------------------------------ */

/* The state of the hour [t0, t1): a gap anywhere in it wins. */
static int
hour_state(const struct coverage *c, int64_t t0, int64_t t1)
{
	int st = COVER_OFF;
	for (int i = 0; i < c->ngaps; i++)
		if (c->gaps[i].from < t1 && c->gaps[i].to > t0)
			return COVER_GAP;
	for (int i = 0; i < c->nrequired && st == COVER_OFF; i++)
		if (c->required[i].from < t1 && c->required[i].to > t0)
			st = COVER_OK;
	return st;
}

static int64_t
overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
	int64_t f = a0 > b0 ? a0 : b0, t = a1 < b1 ? a1 : b1;
	return t > f ? t - f : 0;
}

/* One row per local day: the hours (gaps marked) and what is uncovered. */
static void
coverage_strip(struct req *r, const struct coverage *c, const char *country)
{
	static const char *const wd[] = {N_("Mon"), N_("Tue"), N_("Wed"),
	                                 N_("Thu"), N_("Fri"), N_("Sat"),
	                                 N_("Sun")};
	const char *tz = c->tz;
	int y, m, d, h, mi;
	int64_t day, last;

	utc_to_local(tz, c->from, &y, &m, &d, &h, &mi);
	day = days_from_civil(y, (unsigned)m, (unsigned)d);
	utc_to_local(tz, c->to - 1, &y, &m, &d, &h, &mi);
	last = days_from_civil(y, (unsigned)m, (unsigned)d);
	html_lit(r, "<h2>");
	html_tr(r, "Hour by hour");
	html_lit(r, "</h2>\n<p>");
	html_tr(r, "Each row is a day in local time. Hours without anyone on "
	           "watch are highlighted; greyed hours need no watch.");
	html_lit(r, "</p>\n");
	table_begin(r, "Coverage hour by hour");
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Day");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Hours (highlighted: nobody on watch)");
	html_lit(r, "</th><th scope=\"col\" class=\"num\">");
	html_tr(r, "Without watch");
	html_lit(r, "</th></tr></thead><tbody>\n");
	for (; day <= last; day++) {
		struct holiday hs[4];
		int64_t t0, t1, missing = 0;
		int ny, nm, nd, k;
		time_fields(day * 86400, &y, &m, &d, &h, &mi);
		time_fields((day + 1) * 86400, &ny, &nm, &nd, &h, &mi);
		t0 = local_to_utc(tz, y, m, d, 0, 0);
		t1 = local_to_utc(tz, ny, nm, nd, 0, 0);
		html_lit(r, "<tr><th scope=\"row\">");
		html_tr(r, wd[weekday_of(y, m, d)]);
		html_lit(r, " ");
		html_txt(r, arena_printf(&r->ar, "%04d-%02d-%02d", y, m, d));
		k = holidays_on(country, y, m, d, hs, 4);
		for (int i = 0; i < k; i++) {
			html_lit(r, "<br>");
			rw_holiday(r, hs[i].name, hs[i].lang,
			           hs[i].kind == HOLIDAY_PUBLIC);
		}
		html_lit(r, "</th><td>");
		for (int64_t t = t0; t < t1; t += 3600) {
			int lh, st = hour_state(c, t, t + 3600);
			const char *hh;
			utc_to_local(tz, t, &y, &m, &d, &lh, &mi);
			hh = arena_printf(&r->ar, "%02d", lh);
			if (t > t0)
				html_lit(r, " ");
			if (st == COVER_GAP) {
				html_lit(r, "<mark>");
				html_txt(r, hh);
				html_lit(r, "</mark>");
			} else if (st == COVER_OFF) {
				html_lit(r, "<span class=\"muted\">");
				html_txt(r, hh);
				html_lit(r, "</span>");
			} else {
				html_txt(r, hh);
			}
		}
		for (int i = 0; i < c->ngaps; i++)
			missing +=
			    overlap(c->gaps[i].from, c->gaps[i].to, t0, t1);
		html_lit(r, "</td><td class=\"num\">");
		if (missing)
			html_txt(r, hours_text(r, missing));
		else
			html_lit(r, "–");
		html_lit(r, "</td></tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
}

void
ui_coverage(struct req *r)
{
	struct channel c;
	struct coverage cv;
	struct verrs v = {0};
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	const char *tz;
	int64_t now = time_now(), s = 0, e = 0;
	int y, m, d;
	enum kv_rc rc = KV_OK;

	if (!rw_channel(r, &c))
		return;
	tz = rw_tz(r);
	if (from == NULL || *from == '\0')
		from = rw_date(r, now);
	if (to == NULL || *to == '\0')
		to = rw_date(r, now + 13 * 86400);
	if (date_parse(from, &y, &m, &d) != 0)
		verr_add(&v, "from", "must be a date as YYYY-MM-DD");
	else
		s = local_to_utc(tz, y, m, d, 0, 0);
	if (date_parse(to, &y, &m, &d) != 0) {
		verr_add(&v, "to", "must be a date as YYYY-MM-DD");
	} else {
		int ny, nm, nd, h, mi;
		time_fields((days_from_civil(y, (unsigned)m, (unsigned)d) + 1) *
		                86400,
		            &ny, &nm, &nd, &h, &mi);
		e = local_to_utc(tz, ny, nm, nd, 0, 0);
	}
	if (v.n == 0)
		rc = rota_coverage(r->db, &r->ar, &r->actor, c.id, s, e, &cv,
		                   &v);
	if (rc != KV_OK && rc != KV_INVALID) {
		rw_fail(r, rc);
		return;
	}
	if (v.n)
		r->status = 422;
	page_begin(r, arena_printf(&r->ar, "%s: %s", tr(r, "Coverage"), c.name),
	           "rota");
	rw_channel_head(r, &c, "Coverage", "coverage");
	error_summary(r, &v);
	html_lit(r, "<form method=\"get\" action=\"/channels/");
	html_int(r, c.id);
	html_lit(r, "/coverage\" class=\"filters\" aria-label=\"");
	html_tr(r, "Period");
	html_lit(r, "\">");
	field_text(r, "from", "From", from, &v, "date", 0, NULL);
	field_text(r, "to", "To (included)", to, &v, "date", 0, NULL);
	html_lit(r, "<div class=\"field\"><button type=\"submit\">");
	html_tr(r, "Show");
	html_lit(r, "</button></div></form>\n");
	if (v.n) {
		page_end(r);
		return;
	}
	if (cv.nrequired == 0) {
		html_lit(r, "<p role=\"status\">");
		html_tr(r, "This channel is not open, so it needs no watch.");
		html_lit(r, "</p>\n");
		page_end(r);
		return;
	}
	policy_sentence(r, &cv.policy);
	html_lit(r, "<p role=\"status\">");
	if (cv.ngaps == 0) {
		html_tr(r,
		        "No gaps: someone is on watch for every required hour "
		        "of the period.");
	} else {
		html_txt(r,
		         tr_sub(r, "%s without anyone on watch.",
		                arena_printf(&r->ar, "%s / %s",
		                             hours_text(r, cv.uncovered_secs),
		                             hours_text(r, cv.required_secs))));
	}
	html_lit(r, "</p>\n");
	if (cv.ngaps > 0) {
		int named = rota_can_view(r->db, &r->actor, &c);
		table_begin(r, "Gaps");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "From");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "To");
		html_lit(r, "</th><th scope=\"col\" class=\"num\">");
		html_tr(r, "Length");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Public holiday");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "On shift but absent");
		html_lit(r, "</th></tr></thead><tbody>\n");
		for (int i = 0; i < cv.ngaps; i++) {
			const struct gap *g = &cv.gaps[i];
			html_lit(r, "<tr><th scope=\"row\">");
			html_txt(r, fmt_time(r, g->from));
			html_lit(r, "</th><td>");
			html_txt(r, fmt_time(r, g->to));
			html_lit(r, "</td><td class=\"num\">");
			html_txt(r, hours_text(r, g->to - g->from));
			html_lit(r, "</td><td>");
			for (int k = 0; k < g->nholidays; k++) {
				if (k)
					html_lit(r, ", ");
				html_lit(r, "<mark>");
				rw_holiday(r, g->holidays[k].name,
				           g->holidays[k].lang,
				           g->holidays[k].official);
				html_lit(r, "</mark>");
			}
			if (g->nholidays == 0)
				html_lit(r, "–");
			html_lit(r, "</td><td>");
			for (int k = 0; k < g->nabsent; k++) {
				if (k)
					html_lit(r, ", ");
				html_txt(r, g->absent_names[k]);
			}
			if (g->absent_hidden)
				html_txt(
				    r, tr_sub(r, "%s people",
				              arena_printf(&r->ar, "%d",
				                           g->absent_hidden)));
			if (g->nabsent == 0 && g->absent_hidden == 0)
				html_lit(r, "–");
			html_lit(r, "</td></tr>\n");
		}
		html_lit(r, "</tbody>");
		table_end(r);
		if (named && rota_can_manage(r->db, &r->actor, &c)) {
			html_lit(r, "<p><a href=\"/channels/");
			html_int(r, c.id);
			html_lit(r, "/rota#add\">");
			html_tr(r, "Add a shift");
			html_lit(r, "</a></p>\n");
		}
	}
	coverage_strip(r, &cv, cv.country);
	page_end(r);
}

/* --- /people/:id/absences
 * ------------------------------------------------------ */

struct absence_form {
	const char *kind, *from, *from_time, *to, *to_time, *note;
};

static void
absences_page(struct req *r, const struct person *p,
              const struct absence_form *af, const struct verrs *v)
{
	struct absence *as = NULL;
	int n = 0;
	enum kv_rc rc = absence_list(r->db, &r->ar, &r->actor, p->id,
	                             time_now() - 30 * 86400, &as, &n);
	if (rc != KV_OK) {
		rw_fail(r, rc);
		return;
	}
	page_begin(
	    r, arena_printf(&r->ar, "%s: %s", tr(r, "Absences"), p->full_name),
	    "rota");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/people/");
	html_int(r, p->id);
	html_lit(r, "\">");
	html_txt(r, p->full_name);
	html_lit(r, "</a></p><h1>");
	html_tr(r, "Absences");
	html_lit(r, ": ");
	html_txt(r, p->full_name);
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "Holidays and leave make gaps in the rota of every channel "
	           "the person is on watch for. Only the person, their unit "
	           "manager and administrators see this page; the coverage "
	           "view names who is absent, never why.");
	html_lit(r, "</p>\n");
	if (req_query(r, "saved"))
		flash(r, "The absence was recorded.");
	if (req_query(r, "removed"))
		flash(r, "The absence was removed.");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No current or coming absences.");
		html_lit(r, "</p>\n");
	} else {
		table_begin(r, "Current and coming absences");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "Kind");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "From");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "To");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Note");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Remove");
		html_lit(r, "</th></tr></thead><tbody>\n");
		for (int i = 0; i < n; i++) {
			const char *label = as[i].kind;
			for (int k = 0; absence_kinds[k]; k++)
				if (strcmp(absence_kinds[k], as[i].kind) == 0)
					label = absence_kind_labels[k];
			html_lit(r, "<tr><th scope=\"row\">");
			html_tr(r, label);
			html_lit(r, "</th><td>");
			if (as[i].all_day) {
				html_txt(r, rw_date(r, as[i].starts_at));
				html_lit(r, "</td><td>");
				html_txt(r, rw_date(r, as[i].ends_at - 1));
			} else {
				html_txt(r, fmt_time(r, as[i].starts_at));
				html_lit(r, "</td><td>");
				html_txt(r, fmt_time(r, as[i].ends_at));
			}
			html_lit(r, "</td><td>");
			html_txt(r, as[i].note);
			html_lit(r, "</td><td>");
			form_begin(r,
			           arena_printf(&r->ar, "/absences/%lld/delete",
			                        (long long)as[i].id),
			           "inline");
			html_lit(r, "<button type=\"submit\">");
			html_tr(r, "Remove");
			html_lit(r, "<span class=\"visually-hidden\"> ");
			html_txt(r, rw_date(r, as[i].starts_at));
			html_lit(r, "</span></button>");
			form_end(r);
			html_lit(r, "</td></tr>\n");
		}
		html_lit(r, "</tbody>");
		table_end(r);
	}
	html_lit(r, "<h2>");
	html_tr(r, "Record an absence");
	html_lit(r, "</h2>\n");
	error_summary(r, v);
	form_begin(
	    r, arena_printf(&r->ar, "/people/%lld/absences", (long long)p->id),
	    "absence");
	field_select(r, "kind", "Kind", af->kind, absence_kinds,
	             absence_kind_labels, v, SELECT_TR);
	field_text(r, "from", "From", af->from, v, "date", 1,
	           N_("The first day away."));
	field_text(r, "from_time", "From time", af->from_time, v, "time", 0,
	           N_("Leave empty for the whole day."));
	field_text(r, "to", "To", af->to, v, "date", 1,
	           N_("The last day away (included)."));
	field_text(r, "to_time", "To time", af->to_time, v, "time", 0,
	           N_("Leave empty for the whole day."));
	field_text(r, "note", "Note", af->note, v, "text", 0,
	           N_("Optional. Do not write why someone is ill."));
	html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, "Record the absence");
	html_lit(r, "</button></p>");
	form_end(r);
	page_end(r);
}

void
ui_absences(struct req *r)
{
	struct person p;
	struct absence_form af = {"holiday", NULL, NULL, NULL, NULL, NULL};
	enum kv_rc rc = person_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		rw_fail(r, rc);
		return;
	}
	absences_page(r, &p, &af, NULL);
}

/* "DATE" or "DATETTIME" from a date and an optional time field. */
static const char *
join_time(struct req *r, const char *date, const char *time, const char *field,
          struct verrs *v)
{
	if (time == NULL || *time == '\0' || date == NULL || *date == '\0')
		return date;
	if (strlen(time) != 5 || time[2] != ':') {
		verr_add(v, field, "must be a time as HH:MM");
		return date;
	}
	return arena_printf(&r->ar, "%sT%s", date, time);
}

void
ui_absence_create(struct req *r)
{
	struct person p;
	struct absence ab;
	struct absence_form af;
	struct verrs v = {0};
	const char *from, *to;
	enum kv_rc rc = person_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		rw_fail(r, rc);
		return;
	}
	af.kind = form_get(r, "kind");
	af.from = form_get(r, "from");
	af.from_time = form_get(r, "from_time");
	af.to = form_get(r, "to");
	af.to_time = form_get(r, "to_time");
	af.note = form_get(r, "note");
	from = join_time(r, af.from, af.from_time, "from_time", &v);
	to = join_time(r, af.to, af.to_time, "to_time", &v);
	rc = v.n ? KV_INVALID
	         : absence_create(r->db, &r->ar, &r->actor, p.id, af.kind, from,
	                          to, af.note, &ab, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar,
		                             "/people/%lld/absences?saved=1",
		                             (long long)p.id));
		return;
	}
	if (rc != KV_INVALID) {
		rw_fail(r, rc);
		return;
	}
	r->status = 422;
	absences_page(r, &p, &af, &v);
}

void
ui_absence_delete(struct req *r)
{
	int64_t person = 0;
	enum kv_rc rc;
	db_get_i64(r->db, &person,
	           "SELECT person_id FROM absences WHERE id = ? AND org_id = ?",
	           "ii", r->pid, r->actor.org_id);
	rc = absence_delete(r->db, &r->ar, &r->actor, r->pid);
	if (rc != KV_OK) {
		rw_fail(r, rc);
		return;
	}
	req_redirect(r, arena_printf(&r->ar, "/people/%lld/absences?removed=1",
	                             (long long)person));
}
