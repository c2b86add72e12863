/*
 * ui_audit.c - the audit log in the HTML UI (administrators and auditors).
 *
 * Newest first, 50 rows a page, filterable by object; each row shows what
 * changed as "field: before → after", computed from the stored JSON.
 */
#include "web.h"
#include "../base/util.h"

#include <stdlib.h>
#include <string.h>

const char *
audit_action_label(const char *action)
{
	static const struct {
		const char *code, *label;
	} t[] = {
	    {"create", N_("created")},
	    {"update", N_("changed")},
	    {"grant", N_("role given")},
	    {"revoke", N_("removed or revoked")},
	    {"login", N_("logged in")},
	    {"logout", N_("logged out")},
	    {"set_password", N_("password set")},
	    {"change_password", N_("password changed")},
	    {"request", N_("requested")},
	    {"submit", N_("submitted for decision")},
	    {"withdraw", N_("taken back to draft")},
	    {"comment", N_("commented")},
	    {"approve", N_("approved")},
	    {"reject", N_("rejected")},
	    {"revise", N_("new version started")},
	    {"activate", N_("activated")},
	    {"delete", N_("deleted")},
	    {"close", N_("closed")},
	    {"retry", N_("retried")},
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		if (strcmp(t[i].code, action) == 0)
			return t[i].label;
	return action;
}

static const char *
short_json(struct req *r, json_t *v)
{
	char *s;
	const char *out;
	if (v == NULL)
		return "–";
	if (json_is_string(v))
		return arena_strdup(&r->ar, json_string_value(v));
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s == NULL)
		return "?";
	if (strlen(s) > 200) {
		/* cut on a character boundary, never inside a UTF-8 sequence */
		int n = 200;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		out = arena_printf(&r->ar, "%.*s…", n, s);
	} else {
		out = arena_strdup(&r->ar, s);
	}
	free(s);
	return out;
}

/* Writes the changed fields between two JSON objects as a list. */
static void
changes(struct req *r, const char *before, const char *after)
{
	json_t *b = before ? json_loads(before, 0, NULL) : NULL;
	json_t *a = after ? json_loads(after, 0, NULL) : NULL;
	const char *key;
	json_t *val;
	int shown = 0;

	html_lit(r, "<ul class=\"changes\">");
	if (a != NULL && json_is_object(a)) {
		json_object_foreach(a, key, val)
		{
			json_t *old = b ? json_object_get(b, key) : NULL;
			if (old != NULL && json_equal(old, val))
				continue;
			if (!strcmp(key, "updated_at") ||
			    !strcmp(key, "created_at"))
				continue;
			shown++;
			html_lit(r, "<li><code>");
			html_txt(r, key);
			html_lit(r, "</code>: ");
			if (b != NULL) {
				html_txt(r, short_json(r, old));
				html_lit(r, " → ");
			}
			html_txt(r, short_json(r, val));
			html_lit(r, "</li>");
		}
	} else if (b != NULL && json_is_object(b)) {
		json_object_foreach(b, key, val)
		{
			shown++;
			html_lit(r, "<li><code>");
			html_txt(r, key);
			html_lit(r, "</code>: ");
			html_txt(r, short_json(r, val));
			html_lit(r, "</li>");
		}
	}
	if (!shown)
		html_lit(r, "<li>–</li>");
	html_lit(r, "</ul>");
	json_decref(a);
	json_decref(b);
}

static const char *
object_href(struct req *r, const char *type, int64_t id)
{
	if (id == 0)
		return NULL;
	if (strcmp(type, "channel") == 0)
		return arena_printf(&r->ar, "/channels/%lld", (long long)id);
	if (strcmp(type, "unit") == 0)
		return arena_printf(&r->ar, "/units/%lld", (long long)id);
	if (strcmp(type, "person") == 0)
		return arena_printf(&r->ar, "/people/%lld", (long long)id);
	if (strcmp(type, "plan") == 0)
		return arena_printf(&r->ar, "/plans/%lld", (long long)id);
	return NULL;
}

void
ui_audit(struct req *r)
{
	struct audit_row *rows;
	int n;
	int64_t oid = 0, before = 0;
	const char *otype = req_query(r, "object_type");
	const char *oid_s = req_query(r, "object_id");
	const char *before_s = req_query(r, "before");
	enum kv_rc rc;

	if (oid_s && *oid_s && (parse_i64(oid_s, &oid) != 0 || oid < 0))
		oid = 0;
	if (before_s && (parse_i64(before_s, &before) != 0 || before < 0))
		before = 0;
	if (otype && *otype == '\0')
		otype = NULL;
	rc = audit_list(r->db, &r->ar, &r->actor, otype, oid, before, 50, &rows,
	                &n);
	if (rc != KV_OK) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	page_begin(r, tr(r, "Audit log"), "audit");
	html_lit(r, "<h1>");
	html_tr(r, "Audit log");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "Every change, who made it and when. The log cannot be "
	           "changed; each entry is sealed with the hash of the one "
	           "before it.");
	html_lit(r, "</p>\n<form method=\"get\" action=\"/audit\" "
	            "class=\"filters\" role=\"search\" aria-label=\"");
	html_tr(r, "Filter the log");
	html_lit(r, "\">");
	{
		/* every object type the domain writes to the log, so the
		 * form shows (and keeps) the filter in force */
		static const char *const types[] = {
		    "channel",        "unit",    "person",
		    "api_token",      "org",     "plan",
		    "review",         "closure", "course",
		    "training",       "shift",   "absence",
		    "channel_update", "policy",  "notify_prefs",
		    "mail_outbox",    NULL};
		static const char *const labels[] = {N_("Channel"),
		                                     N_("Unit"),
		                                     N_("Person"),
		                                     N_("API token"),
		                                     N_("Organisation"),
		                                     N_("Action plan"),
		                                     N_("Review"),
		                                     N_("Closing the channel"),
		                                     N_("Course"),
		                                     N_("Training"),
		                                     N_("Shifts"),
		                                     N_("Absences"),
		                                     N_("Update log"),
		                                     N_("Governance policy"),
		                                     N_("Notifications"),
		                                     N_("Outgoing mail"),
		                                     NULL};
		field_select(r, "object_type", "Object", otype, types, labels,
		             NULL, SELECT_ALL | SELECT_TR);
	}
	field_text(r, "object_id", "Id", oid ? oid_s : NULL, NULL, "number", 0,
	           NULL);
	html_lit(r, "<div class=\"field\"><button type=\"submit\">");
	html_tr(r, "Filter");
	html_lit(r, "</button></div></form>\n");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No entries.");
		html_lit(r, "</p>");
		page_end(r);
		return;
	}
	table_begin(r, "Audit log");
	html_lit(r, "<thead><tr><th scope=\"col\">#</th>"
	            "<th scope=\"col\">");
	html_tr(r, "Time");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Who");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Action");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Object");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Changes");
	html_lit(r, "</th></tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		const char *href =
		    object_href(r, rows[i].object_type, rows[i].object_id);
		html_lit(r, "<tr><th scope=\"row\">");
		html_int(r, rows[i].seq);
		html_lit(r, "</th><td>");
		html_txt(r, fmt_time(r, rows[i].at));
		html_lit(r, "</td><td>");
		html_txt(r, rows[i].actor);
		html_lit(r, "</td><td>");
		html_tr(r, audit_action_label(rows[i].action));
		html_lit(r, "</td><td>");
		if (href) {
			html_lit(r, "<a href=\"");
			html_attr(r, href);
			html_lit(r, "\">");
		}
		html_txt(r, rows[i].object_type);
		if (rows[i].object_id) {
			html_lit(r, " ");
			html_int(r, rows[i].object_id);
		}
		if (href)
			html_lit(r, "</a>");
		html_lit(r, "</td><td>");
		changes(r, rows[i].before_json, rows[i].after_json);
		html_lit(r, "</td></tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
	if (n == 50) {
		html_lit(r, "<p><a rel=\"next\" href=\"/audit?before=");
		html_int(r, rows[n - 1].seq);
		if (otype) {
			html_lit(r, "&amp;object_type=");
			html_url(r, otype);
		}
		if (oid) {
			html_lit(r, "&amp;object_id=");
			html_int(r, oid);
		}
		html_lit(r, "\">");
		html_tr(r, "Older entries");
		html_lit(r, "</a></p>\n");
	}
	page_end(r);
}
