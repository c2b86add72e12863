/*
 * layout.c - page chrome, navigation, forms and error pages.
 *
 * Every page is a complete, valid HTML5 document with a skip link, a
 * landmark structure (header/nav/main/footer), the language in <html lang>
 * and a language switcher.  Forms always carry the CSRF field; fields keep
 * what the user typed and show their error next to them (aria-invalid +
 * aria-describedby), with a summary at the top (role=alert).  Error pages
 * never echo request data.
 */
#include "web.h"
#include "../base/util.h"
#include "../domain/notify.h"
#include "../jobs/connection.h"

#include <stdio.h>
#include <string.h>

struct nav_item {
	const char *key, *href, *label;
};

static const struct nav_item nav_items[] = {
    {"dashboard", "/dashboard", N_("Dashboard")},
    {"inbox", "/inbox", N_("Inbox")},
    {"channels", "/channels", N_("Channels")},
    {"items", "/items", N_("Items")},
    {"plans", "/plans", N_("Requests and plans")},
    {"rota", "/rota", N_("Rota")},
    {"upkeep", "/upkeep", N_("Upkeep")},
    {"reviews", "/reviews", N_("Reviews")},
    {"training", "/training", N_("Training")},
    {"units", "/units", N_("Units")},
    {"people", "/people", N_("People")},
    {"audit", "/audit", N_("Audit log")},
};

const char *
fmt_time(struct req *r, int64_t t)
{
	int y, mo, d, h, mi;
	const char *tz = r->has_org ? r->org.timezone : "Europe/Oslo";
	time_fields(t + tz_offset(tz, t), &y, &mo, &d, &h, &mi);
	if (strcmp(r->lang, "nb") == 0 || strcmp(r->lang, "nn") == 0)
		return arena_printf(&r->ar, "%02d.%02d.%04d kl. %02d:%02d", d,
		                    mo, y, h, mi);
	return arena_printf(&r->ar, "%04d-%02d-%02d %02d:%02d", y, mo, d, h,
	                    mi);
}

/* Notifications (issue 3): a link to /notifications in the header with
 * the number of unread ones in words ("Notifications (3 unread)"); the
 * count is left out when the database is not at hand (error pages). */
static void
notify_link(struct req *r, const char *nav)
{
	int64_t unread = 0;
	if (r->db != NULL && notify_unread(r->db, &r->actor, &unread) != KV_OK)
		unread = 0;
	html_lit(r, "<a href=\"/notifications\"");
	if (nav && strcmp(nav, "notifications") == 0)
		html_lit(r, " aria-current=\"page\"");
	html_lit(r, ">");
	html_tr(r, "Notifications");
	if (unread > 0) {
		html_lit(r, " <span class=\"count-unread\">(");
		html_txt(
		    r, tr_sub(r, "%s unread",
		              arena_printf(&r->ar, "%lld", (long long)unread)));
		html_lit(r, ")</span>");
	}
	html_lit(r, "</a>");
}

/* The inbox (issue 5): how many open items are assigned to the person,
 * in words after the menu entry ("Inbox (4 assigned to you)"); nothing
 * when none or when the database is not at hand (error pages). */
static void
inbox_nav_mine(struct req *r)
{
	int64_t n = 0;
	if (r->db == NULL || inbox_nav_count(r, &n) != 0 || n <= 0)
		return;
	html_lit(r, " <span class=\"count-unread\">(");
	html_txt(r, tr_sub(r, "%s assigned to you",
	                   arena_printf(&r->ar, "%lld", (long long)n)));
	html_lit(r, ")</span>");
}

/* Connections that need a person (issue 4): a token that runs out within
 * 7 days or credentials the platform refused, for the channels the person
 * may act on (administrators and communications: every one they see;
 * others: the channels they may change).  One query per page view. */
static void
connection_banner(struct req *r)
{
	struct conn_status *cs = NULL;
	int n = 0, shown = 0;
	int64_t now = time_now();
	int all = actor_is_admin(&r->actor) ||
	          actor_has_org_role(&r->actor, ROLE_COMMS);
	if (r->db == NULL ||
	    connection_attention(r->db, &r->ar, &r->actor, now, 7 * 86400, &cs,
	                         &n, 5) != KV_OK)
		return;
	for (int i = 0; i < n; i++) {
		struct channel c;
		if (channel_get(r->db, &r->ar, &r->actor, cs[i].channel_id,
		                &c) != KV_OK ||
		    (!all && !channel_can_edit(r->db, &r->actor, &c)))
			continue;
		if (shown++ == 0) {
			html_lit(r,
			         "<div class=\"notice\" role=\"status\"><p>");
			html_tr(r, "Channel connections that need attention:");
			html_lit(r, "</p><ul>");
		}
		html_lit(r, "<li><a href=\"/channels/");
		html_int(r, c.id);
		html_lit(r, "/connection\">");
		html_txt(r, c.name);
		html_lit(r, " (");
		html_tr(r, platform_label(c.platform));
		html_lit(r, ")</a>: ");
		if (strcmp(cs[i].last_status, "auth") == 0 ||
		    cs[i].token_expires_at <= now)
			html_tr(r, "needs to be reconnected");
		else
			html_txt(r,
			         tr_sub(r, "the token expires on %s",
			                fmt_time(r, cs[i].token_expires_at)));
		html_lit(r, "</li>");
	}
	if (shown)
		html_lit(r, "</ul></div>\n");
}

void
page_begin(struct req *r, const char *title, const char *nav)
{
	r->ctype = "text/html; charset=utf-8";
	html_lit(r, "<!DOCTYPE html>\n<html lang=\"");
	html_attr(r, r->lang);
	html_lit(r, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, "
	            "initial-scale=1\">\n<title>");
	html_txt(r, title);
	html_lit(r, " – kanalvakt</title>\n"
	            "<link rel=\"icon\" href=\"/static/icon.svg\" "
	            "type=\"image/svg+xml\">\n"
	            "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
	            "</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
	html_tr(r, "Skip to main content");
	html_lit(r, "</a>\n<header class=\"top\">\n<div class=\"brand\">"
	            "<a href=\"/\">kanalvakt</a>");
	if (r->has_org) {
		html_lit(r, " <span class=\"org\">");
		html_txt(r, r->org.name);
		html_lit(r, "</span>");
	}
	html_lit(r, "</div>\n");
	if (r->authed) {
		html_lit(r, "<nav aria-label=\"");
		html_tr(r, "Main menu");
		html_lit(r, "\"><ul>");
		for (size_t i = 0; i < ARRAY_LEN(nav_items); i++) {
			if (strcmp(nav_items[i].key, "audit") == 0 &&
			    !actor_can_read_audit(&r->actor))
				continue;
			html_lit(r, "<li><a href=\"");
			html_attr(r, nav_items[i].href);
			html_lit(r, "\"");
			if (nav && strcmp(nav, nav_items[i].key) == 0)
				html_lit(r, " aria-current=\"page\"");
			html_lit(r, ">");
			html_tr(r, nav_items[i].label);
			if (strcmp(nav_items[i].key, "inbox") == 0)
				inbox_nav_mine(r); /* issue 5 */
			html_lit(r, "</a></li>");
		}
		html_lit(r, "</ul></nav>\n<div class=\"user\">");
		notify_link(r, nav); /* notifications (issue 3) */
		html_lit(r, "<a href=\"/account\"");
		if (nav && strcmp(nav, "account") == 0)
			html_lit(r, " aria-current=\"page\"");
		html_lit(r, ">");
		html_txt(r, r->actor.name);
		html_lit(r, "</a>");
		if (!r->via_token) {
			form_begin(r, "/logout", "inline");
			html_lit(r, "<button type=\"submit\" class=\"link\">");
			html_tr(r, "Log out");
			html_lit(r, "</button>");
			form_end(r);
		}
		html_lit(r, "</div>\n");
	}
	html_lit(r, "<nav class=\"langs\" aria-label=\"");
	html_tr(r, "Language");
	html_lit(r, "\"><ul>");
	for (int i = 0; ui_langs[i]; i++) {
		html_lit(r, "<li><a lang=\"");
		html_attr(r, ui_langs[i]);
		html_lit(r, "\" hreflang=\"");
		html_attr(r, ui_langs[i]);
		html_lit(r, "\" href=\"?lang=");
		html_url(r, ui_langs[i]);
		html_lit(r, "\"");
		if (strcmp(r->lang, ui_langs[i]) == 0)
			html_lit(r, " aria-current=\"true\"");
		html_lit(r, ">");
		html_txt(r, ui_lang_names[i]);
		html_lit(r, "</a></li>");
	}
	html_lit(
	    r, "</ul></nav>\n</header>\n<main id=\"main\" tabindex=\"-1\">\n");
	if (r->authed)
		connection_banner(r); /* issue 4 */
}

void
page_end(struct req *r)
{
	html_lit(r, "</main>\n<footer><p><a href=\"/register\">");
	html_tr(r, "Official channels (public register)");
	html_lit(r,
	         "</a> · <a href=\"/api/v1/openapi.json\">API</a> · "
	         "kanalvakt " KV_VERSION "</p></footer>\n</body>\n</html>\n");
}

void
form_begin(struct req *r, const char *action, const char *cls)
{
	html_lit(r, "<form method=\"post\" action=\"");
	html_attr(r, action);
	html_lit(r, "\"");
	if (cls != NULL) {
		html_lit(r, " class=\"");
		html_attr(r, cls);
		html_lit(r, "\"");
	}
	html_lit(r,
	         " novalidate><input type=\"hidden\" name=\"_csrf\" value=\"");
	html_attr(r, r->csrf ? r->csrf : "");
	html_lit(r, "\">");
}

void
form_end(struct req *r)
{
	html_lit(r, "</form>\n");
}

static void
field_label(struct req *r, const char *name, const char *label, int required)
{
	html_lit(r, "<label for=\"f-");
	html_attr(r, r->idp ? r->idp : "");
	html_attr(r, name);
	html_lit(r, "\">");
	html_tr(r, label);
	if (required) {
		html_lit(r, " <span class=\"req\">(");
		html_tr(r, "required");
		html_lit(r, ")</span>");
	}
	html_lit(r, "</label>");
}

/* Writes the hint and the error under a field; returns 1 when in error. */
static int
field_notes(struct req *r, const char *name, const struct verrs *v,
            const char *hint)
{
	const char *err = verr_for(v, name);
	if (hint != NULL) {
		html_lit(r, "<p class=\"hint\" id=\"h-");
		html_attr(r, r->idp ? r->idp : "");
		html_attr(r, name);
		html_lit(r, "\">");
		html_tr(r, hint);
		html_lit(r, "</p>");
	}
	if (err != NULL) {
		html_lit(r, "<p class=\"error\" id=\"e-");
		html_attr(r, r->idp ? r->idp : "");
		html_attr(r, name);
		html_lit(r, "\"><strong>");
		html_tr(r, "Error:");
		html_lit(r, "</strong> ");
		html_tr(r, err);
		html_lit(r, "</p>");
	}
	return err != NULL;
}

static void
field_aria(struct req *r, const char *name, const struct verrs *v,
           const char *hint)
{
	int err = verr_for(v, name) != NULL;
	if (err)
		html_lit(r, " aria-invalid=\"true\"");
	if (err || hint) {
		html_lit(r, " aria-describedby=\"");
		if (hint) {
			html_lit(r, "h-");
			html_attr(r, r->idp ? r->idp : "");
			html_attr(r, name);
		}
		if (err) {
			if (hint)
				html_lit(r, " ");
			html_lit(r, "e-");
			html_attr(r, r->idp ? r->idp : "");
			html_attr(r, name);
		}
		html_lit(r, "\"");
	}
}

void
field_text(struct req *r, const char *name, const char *label,
           const char *value, const struct verrs *v, const char *type,
           int required, const char *hint)
{
	html_lit(r, "<div class=\"field\">");
	field_label(r, name, label, required);
	field_notes(r, name, v, hint);
	html_lit(r, "<input id=\"f-");
	html_attr(r, r->idp ? r->idp : "");
	html_attr(r, name);
	html_lit(r, "\" name=\"");
	html_attr(r, name);
	html_lit(r, "\" type=\"");
	html_attr(r, type ? type : "text");
	html_lit(r, "\" value=\"");
	html_attr(r, value ? value : "");
	html_lit(r, "\"");
	if (required)
		html_lit(r, " required");
	if (type && strcmp(type, "email") == 0)
		html_lit(r, " autocomplete=\"email\"");
	field_aria(r, name, v, hint);
	html_lit(r, "></div>\n");
}

void
field_textarea(struct req *r, const char *name, const char *label,
               const char *value, const struct verrs *v, const char *hint)
{
	html_lit(r, "<div class=\"field\">");
	field_label(r, name, label, 0);
	field_notes(r, name, v, hint);
	html_lit(r, "<textarea rows=\"4\" id=\"f-");
	html_attr(r, r->idp ? r->idp : "");
	html_attr(r, name);
	html_lit(r, "\" name=\"");
	html_attr(r, name);
	html_lit(r, "\"");
	field_aria(r, name, v, hint);
	html_lit(r, ">");
	html_txt(r, value ? value : "");
	html_lit(r, "</textarea></div>\n");
}

void
field_select(struct req *r, const char *name, const char *label,
             const char *value, const char *const *codes,
             const char *const *labels, const struct verrs *v, int flags)
{
	html_lit(r, "<div class=\"field\">");
	field_label(r, name, label, 0);
	field_notes(r, name, v, NULL);
	html_lit(r, "<select id=\"f-");
	html_attr(r, r->idp ? r->idp : "");
	html_attr(r, name);
	html_lit(r, "\" name=\"");
	html_attr(r, name);
	html_lit(r, "\"");
	field_aria(r, name, v, NULL);
	html_lit(r, ">");
	if (flags & (SELECT_NONE | SELECT_ALL)) {
		html_lit(r, "<option value=\"\">");
		html_tr(r, (flags & SELECT_ALL) ? N_("All") : N_("(none)"));
		html_lit(r, "</option>");
	}
	for (int i = 0; codes[i]; i++) {
		html_lit(r, "<option value=\"");
		html_attr(r, codes[i]);
		html_lit(r, "\"");
		if (value && strcmp(value, codes[i]) == 0)
			html_lit(r, " selected");
		html_lit(r, ">");
		if (labels == NULL)
			html_txt(r, codes[i]);
		else if (flags & SELECT_TR)
			html_tr(r, labels[i]);
		else
			html_txt(r, labels[i]);
		html_lit(r, "</option>");
	}
	html_lit(r, "</select></div>\n");
}

/* The visible label of a form field, for the error summary: of
 * "<idp><field>" when the page's form prefix has its own, else of field. */
static const char *
field_label_of(const char *idp, const char *field)
{
	static const struct {
		const char *field, *label;
	} labels[] = {
	    {"platform", N_("Platform")},
	    {"name", N_("Name")},
	    {"address", N_("Address")},
	    {"unit_id", N_("Unit")},
	    {"purpose", N_("Purpose")},
	    {"target_groups", N_("Target groups")},
	    {"responsible_id", N_("Responsible person")},
	    {"editor_ids", N_("Other editors")},
	    {"update_count", N_("Updates promised")},
	    {"update_period", N_("Period")},
	    {"status", N_("Status")},
	    {"opened_on", N_("Opened on")},
	    {"closed_on", N_("Closed on")},
	    {"full_name", N_("Full name")},
	    {"first_name", N_("First name")},
	    {"title", N_("Role title")},
	    {"email", N_("E-mail")},
	    {"phone", N_("Phone")},
	    {"active", N_("Active")},
	    {"kind", N_("Kind")},
	    {"parent_id", N_("Part of")},
	    {"role", N_("Role")},
	    {"password", N_("Password")},
	    {"old_password", N_("Current password")},
	    {"new_password", N_("New password")},
	    {"label", N_("Label")},
	    /* rota, absences, upkeep, reviews, closing */
	    {"person_id", N_("Person")},
	    {"starts_at", N_("From")},
	    {"ends_at", N_("To")},
	    {"from", N_("From")},
	    {"to", N_("To")},
	    {"note", N_("Note")},
	    {"channel_id", N_("Channel")},
	    {"published_at", N_("Published")},
	    {"reviewed_on", N_("Reviewed on")},
	    {"findings", N_("Findings")},
	    {"outcome", N_("Outcome")},
	    {"analysis", N_("Why it did not work")},
	    {"tried", N_("What was tried")},
	    {"review_months", N_("Review every (months)")},
	    {"watch_days", N_("Days to watch")},
	    {"watch_from_hour", N_("Watch from (hour)")},
	    {"watch_to_hour", N_("Watch until (hour)")},
	    {"from_time", N_("From time")},
	    {"to_time", N_("To time")},
	    /* training */
	    {"description", N_("Description")},
	    {"validity_months", N_("Valid for (months)")},
	    {"required_for_channel_roles",
	     N_("Required for responsible persons and editors")},
	    {"course_id", N_("Course")},
	    {"completed_on", N_("Completed on")},
	    {"expires_on", N_("Expires on")},
	    /* captured items and connections (issue 4) */
	    {"type", N_("Type")},
	    {"state", N_("State")},
	    {"author", N_("Author")},
	    {"channel", N_("Channel")},
	    {"feed_url", N_("Feed address (feed_url)")},
	    {"comments_feed_url",
	     N_("Comments feed address (comments_feed_url)")},
	    {"base_url", N_("API address (base_url)")},
	    {"account", N_("Account id (account)")},
	    {"version", N_("API version (version)")},
	    {"access_token", N_("Access token (access_token)")},
	    {"refresh_token", N_("Refresh token (refresh_token)")},
	    {"client_id", N_("Client id (client_id)")},
	    {"client_secret", N_("Client secret (client_secret)")},
	    {"page_token", N_("Page access token (page_token)")},
	    {"app_secret", N_("App secret (app_secret)")},
	    {"identifier", N_("Handle or e-mail (identifier)")},
	    {"app_password", N_("App password (app_password)")},
	    {"username", N_("User name (username)")},
	    {"api_key", N_("API key (api_key)")},
	    {"expires_at", N_("Token expires on (expires_at)")},
	    /* the inbox (issue 5) */
	    {"ids", N_("Items")},
	    {"reason", N_("Why no answer is needed")},
	    {"class", N_("Class")},
	    {"cls", N_("Class")},
	    {"classes", N_("Classes")},
	    {"q", N_("Search")},
	    {"text", N_("Text")},
	    {"ground", N_("Ground")},
	    {"action", N_("How")},
	    {"journal_ref", N_("Journal reference")},
	    {"mailbox", N_("Registry mailbox")},
	    {"pattern", N_("Keywords or pattern")},
	    {"weight", N_("Weight")},
	    {"lang", N_("Language")},
	    {"assignee_id", N_("Person")},
	    /* the inbox's settings (/admin/inbox, ui_inbox_settings.c) */
	    {"mode", N_("How soon to answer")},
	    {"open_hour", N_("Business hours begin")},
	    {"close_hour", N_("Business hours end")},
	    {"days_off", N_("Weekends and holidays")},
	    {"escalate_after_min", N_("Tell communications after")},
	    {"comms_unit_id", N_("Communications unit")},
	    {"keywords", N_("Keywords")},
	    {"people", N_("People with the competence")},
	    {"body", N_("Text of the reply")},
	    {"signature", N_("Signature")},
	    {"sr-title", N_("Title")},
	    {"sr-unit_id", N_("For the unit")},
	    {"tp-name", N_("Topic")},
	};
	size_t np = idp ? strlen(idp) : 0;
	for (size_t i = 0; np > 0 && i < ARRAY_LEN(labels); i++)
		if (strncmp(labels[i].field, idp, np) == 0 &&
		    strcmp(labels[i].field + np, field) == 0)
			return labels[i].label;
	for (size_t i = 0; i < ARRAY_LEN(labels); i++)
		if (strcmp(labels[i].field, field) == 0)
			return labels[i].label;
	return field;
}

void
error_summary(struct req *r, const struct verrs *v)
{
	if (v == NULL || v->n == 0)
		return;
	html_lit(r, "<div class=\"error-summary\" role=\"alert\" "
	            "tabindex=\"-1\"><h2>");
	html_tr(r, "Please correct the following");
	html_lit(r, "</h2><ul>");
	for (int i = 0; i < v->n; i++) {
		html_lit(r, "<li><a href=\"#f-");
		html_attr(r, r->idp ? r->idp : "");
		html_attr(r, v->e[i].field);
		html_lit(r, "\">");
		html_tr(r, field_label_of(r->idp, v->e[i].field));
		html_lit(r, ": ");
		html_tr(r, v->e[i].reason);
		html_lit(r, "</a></li>");
	}
	html_lit(r, "</ul></div>\n");
}

void
flash(struct req *r, const char *msgid)
{
	html_lit(r, "<p class=\"flash\" role=\"status\">");
	html_tr(r, msgid);
	html_lit(r, "</p>\n");
}

void
html_error(struct req *r, int status)
{
	const char *title, *text;
	switch (status) {
	case 400:
		title = N_("Bad request");
		text = N_("The request could not be understood.");
		break;
	case 403:
		title = N_("Not allowed");
		text = N_("You do not have access to this, or the form has "
		          "expired. Go back, reload the page and try again.");
		break;
	case 404:
		title = N_("Page not found");
		text = N_("There is nothing at this address.");
		break;
	case 405:
		title = N_("Method not allowed");
		text = N_("This address does not accept that kind of request.");
		break;
	case 413:
		title = N_("Too large");
		text = N_("What was sent is larger than allowed.");
		break;
	case 415:
		title = N_("Unsupported form");
		text =
		    N_("The form was sent in a format that is not accepted.");
		break;
	case 501:
		title = N_("Not implemented");
		text = N_("This kind of request is not supported.");
		break;
	case 503:
		title = N_("Temporarily unavailable");
		text =
		    N_("The service cannot reach its database. Try again in a "
		       "moment.");
		break;
	default:
		status = 500;
		title = N_("Something went wrong");
		text = N_("The request could not be completed. Nothing was "
		          "changed.");
	}
	buf_reset(&r->out);
	r->status = status;
	page_begin(r, tr(r, title), NULL);
	html_lit(r, "<h1>");
	html_tr(r, title);
	html_lit(r, "</h1><p>");
	html_tr(r, text);
	html_lit(r, "</p><p><a href=\"/\">");
	html_tr(r, "Go to the front page");
	html_lit(r, "</a></p>\n");
	page_end(r);
}

int
unit_choices(struct req *r, const char ***codes, const char ***labels)
{
	struct unit *us;
	int n;
	if (unit_list(r->db, &r->ar, &r->actor, &us, &n) != KV_OK)
		return -1;
	*codes = arena_alloc(&r->ar, sizeof(char *) * ((size_t)n + 1));
	*labels = arena_alloc(&r->ar, sizeof(char *) * ((size_t)n + 1));
	for (int i = 0; i < n; i++) {
		(*codes)[i] = arena_printf(&r->ar, "%lld", (long long)us[i].id);
		/* indent with no-break spaces: browsers collapse plain ones */
		struct buf ind;
		buf_init(&ind, 256);
		for (int d = 0; d < us[i].depth && d < 16; d++)
			buf_adds(&ind, "\xc2\xa0\xc2\xa0");
		(*labels)[i] =
		    arena_printf(&r->ar, "%s%s", buf_str(&ind), us[i].name);
		buf_cleanup(&ind);
	}
	return 0;
}

void
table_begin(struct req *r, const char *caption)
{
	int id = ++r->ntables;
	html_lit(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
	            "aria-labelledby=\"cap-");
	html_int(r, id);
	html_lit(r, "\"><table><caption id=\"cap-");
	html_int(r, id);
	html_lit(r, "\">");
	html_tr(r, caption);
	html_lit(r, "</caption>");
}

void
table_end(struct req *r)
{
	html_lit(r, "</table></div>\n");
}
