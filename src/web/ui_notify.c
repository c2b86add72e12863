/*
 * ui_notify.c - notifications in the HTML UI: the signed-in person's list
 * (newest first, unread ones marked in words, not by colour alone), the
 * forms to mark one or all as read and to turn mail on or off, and, for
 * administrators, the mail outbox with a form to retry mail.
 *
 * Each person sees only their own notifications (the domain scopes every
 * query to the actor); the outbox page is refused to anyone but
 * administrators by the domain (403).
 */
#include "web.h"
#include "../base/util.h"
#include "../domain/notify.h"

#include <string.h>

#define PAGE_SIZE 50

static const char *const mail_codes[] = {"on", "off", NULL};
static const char *const mail_labels[] = {
    N_("Yes: by e-mail too"), N_("No: only here in kanalvakt"), NULL};

/* Writes an <a> to a stored link, which notify.c only accepts as a local
 * path; anything else is shown as text. */
static void
link_or_text(struct req *r, const char *link, const char *text)
{
	if (link != NULL && link[0] == '/' && link[1] != '/') {
		html_lit(r, "<a href=\"");
		html_attr(r, link);
		html_lit(r, "\">");
		html_txt(r, text);
		html_lit(r, "</a>");
	} else {
		html_txt(r, text);
	}
}

void
ui_notifications(struct req *r)
{
	struct notification *ns;
	int n, mail_on = 1;
	int64_t total, unread = 0, off = 0;
	const char *off_s = req_query(r, "offset");
	const char *marked = req_query(r, "marked");
	const char *mail = req_query(r, "mail");
	enum kv_rc rc;

	if (off_s != NULL &&
	    (parse_i64(off_s, &off) != 0 || off < 0 || off > 1000000))
		off = 0;
	rc = notify_list(r->db, &r->ar, &r->actor, 0, PAGE_SIZE, (int)off, &ns,
	                 &n, &total);
	if (rc == KV_OK)
		rc = notify_unread(r->db, &r->actor, &unread);
	if (rc == KV_OK)
		rc = notify_mail_get(r->db, &r->actor, &mail_on);
	if (rc != KV_OK) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	page_begin(r, tr(r, "Notifications"), "notifications");
	html_lit(r, "<h1>");
	html_tr(r, "Notifications");
	html_lit(r, "</h1>\n");
	if (marked != NULL)
		flash(r, "Marked as read.");
	if (mail != NULL)
		flash(r, "Your choice about e-mail was saved.");
	html_lit(r, "<p>");
	if (unread == 0)
		html_tr(r, "You have no unread notifications.");
	else
		html_txt(
		    r, tr_sub(r, "Unread notifications: %s.",
		              arena_printf(&r->ar, "%lld", (long long)unread)));
	html_lit(r, "</p>\n");
	if (unread > 0) {
		form_begin(r, "/notifications/read", "actions");
		html_lit(r, "<button type=\"submit\">");
		html_tr(r, "Mark all as read");
		html_lit(r, "</button>");
		form_end(r);
	}
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "Nothing here yet. kanalvakt tells you here when "
		           "something waits for you, such as a channel without "
		           "a responsible person.");
		html_lit(r, "</p>\n");
	} else {
		table_begin(r, "Your notifications, newest first");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "Status");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Time");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Notification");
		html_lit(r, "</th><th scope=\"col\"><span "
		            "class=\"visually-hidden\">");
		html_tr(r, "Action");
		html_lit(r, "</span></th></tr></thead><tbody>\n");
		for (int i = 0; i < n; i++) {
			char iso[32];
			int is_unread = ns[i].read_at == 0;
			html_lit(r, "<tr><td>");
			/* the state in words; the tint only supports it */
			if (is_unread) {
				html_lit(r, "<strong class=\"status "
				            "status-requested\">");
				html_tr(r, "Unread");
				html_lit(r, "</strong>");
			} else {
				html_lit(r, "<span class=\"status "
				            "status-closed\">");
				html_tr(r, "Read");
				html_lit(r, "</span>");
			}
			html_lit(r, "</td><td><time datetime=\"");
			html_attr(r, time_fmt_iso(ns[i].created_at, iso));
			html_lit(r, "\">");
			html_txt(r, fmt_time(r, ns[i].created_at));
			html_lit(r, "</time></td><td>");
			if (is_unread)
				html_lit(r, "<strong>");
			link_or_text(r, ns[i].link, ns[i].subject);
			if (is_unread)
				html_lit(r, "</strong>");
			if (ns[i].body != NULL && *ns[i].body) {
				html_lit(r, "<br><span class=\"muted\">");
				html_txt(r, ns[i].body);
				html_lit(r, "</span>");
			}
			html_lit(r, "</td><td>");
			if (is_unread) {
				form_begin(
				    r,
				    arena_printf(&r->ar,
				                 "/notifications/%lld/read",
				                 (long long)ns[i].id),
				    "inline");
				html_lit(r, "<button type=\"submit\" "
				            "class=\"link\">");
				html_tr(r, "Mark as read");
				html_lit(r,
				         "<span class=\"visually-hidden\">: ");
				html_txt(r, ns[i].subject);
				html_lit(r, "</span></button>");
				form_end(r);
			}
			html_lit(r, "</td></tr>\n");
		}
		html_lit(r, "</tbody>");
		table_end(r);
		if (off > 0 || off + n < total) {
			html_lit(r, "<nav class=\"actions\" aria-label=\"");
			html_tr(r, "Pages");
			html_lit(r, "\">");
			if (off > 0) {
				html_lit(r, "<a href=\"/notifications?offset=");
				html_int(r,
				         off > PAGE_SIZE ? off - PAGE_SIZE : 0);
				html_lit(r, "\">");
				html_tr(r, "Newer");
				html_lit(r, "</a>");
			}
			if (off + n < total) {
				html_lit(r, "<a href=\"/notifications?offset=");
				html_int(r, off + n);
				html_lit(r, "\">");
				html_tr(r, "Older");
				html_lit(r, "</a>");
			}
			html_lit(r, "</nav>\n");
		}
	}

	html_lit(r, "<section aria-labelledby=\"h-mail\"><h2 id=\"h-mail\">");
	html_tr(r, "E-mail");
	html_lit(r, "</h2>\n");
	form_begin(r, "/notifications/mail", NULL);
	field_select(r, "mail", "Send me my notifications by e-mail",
	             mail_on ? "on" : "off", mail_codes, mail_labels, NULL,
	             SELECT_TR);
	html_lit(r, "<div class=\"field\"><button type=\"submit\">");
	html_tr(r, "Save");
	html_lit(r, "</button></div>");
	form_end(r);
	html_lit(r, "</section>\n");
	if (actor_is_admin(&r->actor)) {
		html_lit(r, "<p><a href=\"/notifications/outbox\">");
		html_tr(r, "Outgoing mail (administrators)");
		html_lit(r, "</a></p>\n");
	}
	page_end(r);
}

void
ui_notifications_read(struct req *r)
{
	int64_t marked = 0;
	enum kv_rc rc = notify_mark_read(r->db, &r->actor, NULL, 0, &marked);
	if (rc != KV_OK) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	req_redirect(r, "/notifications?marked=1");
}

void
ui_notification_read(struct req *r)
{
	int64_t marked = 0, id = r->pid;
	enum kv_rc rc = notify_mark_read(r->db, &r->actor, &id, 1, &marked);
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND    ? 404
		              : rc == KV_FORBIDDEN ? 403
		                                   : 500);
		return;
	}
	req_redirect(r, "/notifications?marked=1");
}

void
ui_notifications_mail(struct req *r)
{
	const char *v = form_get(r, "mail");
	enum kv_rc rc;
	if (v == NULL || (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)) {
		html_error(r, 400);
		return;
	}
	rc = notify_mail_set(r->db, &r->ar, &r->actor, strcmp(v, "on") == 0);
	if (rc != KV_OK) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	req_redirect(r, "/notifications?mail=1");
}

/* --- the outbox (administrators) ---------------------------------------------
 */

static const char *
mail_state_label(const char *s)
{
	if (strcmp(s, "queued") == 0)
		return N_("waiting");
	if (strcmp(s, "sent") == 0)
		return N_("sent");
	if (strcmp(s, "failed") == 0)
		return N_("given up");
	return s;
}

void
ui_mail_outbox(struct req *r)
{
	static const char *const states[] = {"queued", "sent", "failed", NULL};
	static const char *const state_labels[] = {N_("waiting"), N_("sent"),
	                                           N_("given up"), NULL};
	struct mail *ms;
	int n;
	int64_t total;
	const char *state = req_query(r, "state");
	enum kv_rc rc;

	if (state != NULL && *state == '\0')
		state = NULL;
	if (state != NULL && strcmp(state, "queued") != 0 &&
	    strcmp(state, "sent") != 0 && strcmp(state, "failed") != 0)
		state = NULL;
	rc =
	    mail_list(r->db, &r->ar, &r->actor, state, 100, 0, &ms, &n, &total);
	if (rc != KV_OK) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	page_begin(r, tr(r, "Outgoing mail"), "notifications");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/notifications\">");
	html_tr(r, "Notifications");
	html_lit(r, "</a></p>\n<h1>");
	html_tr(r, "Outgoing mail");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "Every notification e-mail, whether it was sent, is "
	           "waiting for another attempt, or was given up after the "
	           "last attempt. Nothing is deleted.");
	html_lit(r, "</p>\n");
	if (req_query(r, "retried"))
		flash(r, "The mail will be sent at the next pass.");
	html_lit(r, "<form method=\"get\" action=\"/notifications/outbox\" "
	            "class=\"filters\" role=\"search\" aria-label=\"");
	html_tr(r, "Filter the mail");
	html_lit(r, "\">");
	field_select(r, "state", "State", state, states, state_labels, NULL,
	             SELECT_ALL | SELECT_TR);
	html_lit(r, "<div class=\"field\"><button type=\"submit\">");
	html_tr(r, "Filter");
	html_lit(r, "</button></div></form>\n");
	form_begin(r, "/notifications/outbox/retry", "actions");
	html_lit(r, "<button type=\"submit\" name=\"failed\" value=\"0\">");
	html_tr(r, "Send waiting mail now");
	html_lit(r, "</button> <button type=\"submit\" name=\"failed\" "
	            "value=\"1\">");
	html_tr(r, "Also try again the mail that was given up");
	html_lit(r, "</button>");
	form_end(r);
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No mail.");
		html_lit(r, "</p>\n");
		page_end(r);
		return;
	}
	table_begin(r, "Outgoing mail");
	html_lit(r, "<thead><tr><th scope=\"col\">#</th><th scope=\"col\">");
	html_tr(r, "Created");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "To");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Subject");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "State");
	html_lit(r, "</th><th scope=\"col\" class=\"num\">");
	html_tr(r, "Attempts");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Sent, or next attempt");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Last error");
	html_lit(r, "</th></tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		html_lit(r, "<tr><th scope=\"row\">");
		html_int(r, ms[i].id);
		html_lit(r, "</th><td>");
		html_txt(r, fmt_time(r, ms[i].created_at));
		html_lit(r, "</td><td>");
		html_txt(r, ms[i].to);
		html_lit(r, "</td><td>");
		html_txt(r, ms[i].subject);
		html_lit(r, "</td><td>");
		html_tr(r, mail_state_label(ms[i].state));
		html_lit(r, "</td><td class=\"num\">");
		html_int(r, ms[i].attempts);
		html_lit(r, "</td><td>");
		if (ms[i].sent_at)
			html_txt(r, fmt_time(r, ms[i].sent_at));
		else if (strcmp(ms[i].state, "queued") == 0)
			html_txt(r, fmt_time(r, ms[i].next_attempt_at));
		else
			html_lit(r, "–");
		html_lit(r, "</td><td>");
		html_txt(r, ms[i].last_error);
		html_lit(r, "</td></tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
	page_end(r);
}

void
ui_mail_retry(struct req *r)
{
	const char *f = form_get(r, "failed");
	int64_t count = 0;
	enum kv_rc rc = mail_retry(r->db, &r->ar, &r->actor,
	                           f != NULL && strcmp(f, "1") == 0, &count);
	if (rc != KV_OK) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	req_redirect(r, "/notifications/outbox?retried=1");
}
