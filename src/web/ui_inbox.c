/*
 * ui_inbox.c - the inbox in the HTML UI (issue 5): /inbox is the queue of
 * what the public wrote — views Open (default), Mine, Overdue and All,
 * filters by class, channel and free text, most urgent first (the domain
 * sorts) — with a bulk form (POST /inbox/bulk: assign to me or to a
 * person, mark "no answer needed" with a reason); the police evidence
 * pack of a removal (/inbox/removals/:id/evidence); the count in the main
 * menu; and the helpers the inbox pages share (inbox_web.h).
 *
 * The page works without JavaScript; assets/inbox.js adds the keyboard
 * (j/k move, Enter opens, x selects, a assigns to me, ? shows the keys;
 * the keys can be turned off, WCAG 2.1.4) and the live notice
 * ("N new or changed items — Reload", aria-live polite) fed by
 * /api/v1/inbox/events; the table is never reordered under the user.
 * Text from the public is user data: written only through html_txt and
 * html_attr.
 */
#include "inbox_web.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

#define INBOX_PAGE 50
#define BULK_MAX   200

/* --- labels ------------------------------------------------------------------
 */

static const char *const class_labels[TC__COUNT] = {
    N_("Question"),     N_("Factual error"), N_("Complaint"), N_("Abuse"),
    N_("Case request"), N_("Personal data"), N_("Praise"),    N_("Other")};

const char *const iw_ground_codes[] = {
    "threat",   "hate",      "personal_attack", "sexual_harassment",
    "spam",     "privacy",   "incitement",      "child_abuse",
    "violence", "terrorism", "copyright",       "other_unlawful",
    NULL};
const char *const iw_ground_labels[] = {N_("Threat"),
                                        N_("Hate speech against a group"),
                                        N_("Personal attack"),
                                        N_("Sexual harassment"),
                                        N_("Spam"),
                                        N_("Violation of privacy"),
                                        N_("Incitement to crime"),
                                        N_("Child sexual abuse material"),
                                        N_("Depiction of violence"),
                                        N_("Incitement to terrorism"),
                                        N_("Copyright infringement"),
                                        N_("Other unlawful content"),
                                        NULL};

const char *const iw_langs[] = {"nb", "nn", "sv", "da", "en", NULL};
const char *const iw_lang_labels[] = {N_("Norwegian (bokmål)"),
                                      N_("Norwegian (nynorsk)"),
                                      N_("Swedish"),
                                      N_("Danish"),
                                      N_("English"),
                                      NULL};

static const char *const state_labels[IS__COUNT] = {
    N_("New"),      N_("Assigned"),
    N_("Answered"), N_("No answer needed"),
    N_("Removed"),  N_("Sent to the registry")};
static const char *const outcome_labels[IO__COUNT] = {
    NULL,           N_("Answered"), N_("Helped"),
    N_("Referred"), N_("Removed"),  N_("Sent to the registry")};

const char *
iw_class_label(int c)
{
	return c >= 0 && c < TC__COUNT ? class_labels[c] : "";
}

const char *
iw_ground_label(int g)
{
	const char *name = abuse_ground_name(g);
	for (int i = 0; name && iw_ground_codes[i]; i++)
		if (strcmp(name, iw_ground_codes[i]) == 0)
			return iw_ground_labels[i];
	return NULL;
}

const char *
iw_state_label(int s)
{
	return s >= 0 && s < IS__COUNT ? state_labels[s] : "";
}

const char *
iw_outcome_label(int o)
{
	return o > IO_NONE && o < IO__COUNT ? outcome_labels[o] : NULL;
}

const char *
iw_pdata_label(const char *kind)
{
	static const struct {
		const char *kind, *label;
	} k[] = {
	    {"national_id", N_("national identity number")},
	    {"phone", N_("phone number")},
	    {"email", N_("e-mail address")},
	    {"address", N_("address")},
	    {"health", N_("health information")},
	};
	for (size_t i = 0; kind && i < ARRAY_LEN(k); i++)
		if (strcmp(kind, k[i].kind) == 0)
			return k[i].label;
	return N_("other personal data");
}

const char *
iw_hard_label(const char *reason)
{
	/* triage.c's reasons, so that they reach the catalogue */
	static const char *const known[] = {
	    N_("a threat: secure the evidence and consider a police report"),
	    N_("possibly criminal content: report it to the police"),
	    N_("a case request with personal data: to the registry, not "
	       "answered in public"),
	    N_("says we are wrong: check the facts before correcting"),
	    N_("unsure whether it must be answered"),
	};
	for (size_t i = 0; reason && i < ARRAY_LEN(known); i++)
		if (strcmp(reason, known[i]) == 0)
			return known[i];
	return reason ? reason : "";
}

/* --- badges and the answer duty
 * ------------------------------------------------------------- */

void
iw_class_badges(struct req *r, unsigned classes, int ground)
{
	for (int c = 0; c < TC__COUNT; c++) {
		if (!((classes >> c) & 1u))
			continue;
		html_lit(r, "<span class=\"badge cls-");
		html_attr(r, triage_class_name(c));
		html_lit(r, "\">");
		html_tr(r, class_labels[c]);
		if (c == TC_ABUSE && iw_ground_label(ground)) {
			html_lit(r, ": ");
			html_tr(r, iw_ground_label(ground));
		}
		html_lit(r, "</span> ");
	}
}

void
iw_hard_badge(struct req *r)
{
	html_lit(r, "<span class=\"badge hard\"><span aria-hidden=\"true\">"
	            "⚑ </span>");
	html_tr(r, "Check with communications");
	html_lit(r, "</span> ");
}

void
iw_state_badge(struct req *r, int state)
{
	html_lit(r, "<span class=\"status inbox-");
	html_attr(r, inbox_state_name(state));
	html_lit(r, "\">");
	html_tr(r, iw_state_label(state));
	html_lit(r, "</span>");
}

void
iw_due(struct req *r, const struct inbox_row *row, int64_t now)
{
	int open = row->state == IS_NEW || row->state == IS_ASSIGNED;
	if (!open) {
		html_lit(r, "–");
		return;
	}
	if (!row->needs_answer || row->due_at == 0) {
		html_tr(r, "No answer required");
		return;
	}
	if (now > row->due_at) {
		/* said in words and with a sign, not by colour alone */
		html_lit(r, "<strong class=\"overdue\"><span "
		            "aria-hidden=\"true\">⚠ </span>");
		html_txt(r, tr_sub(r, "Overdue by %s",
		                   hours_text(r, (now - row->due_at + 59) / 60 *
		                                     60)));
		html_lit(r, "</strong>");
	} else {
		html_txt(r, tr_sub(r, "Due in %s",
		                   hours_text(r, (row->due_at - now + 59) / 60 *
		                                     60)));
	}
	html_lit(r, "<br><time class=\"muted\">");
	html_txt(r, fmt_time(r, row->due_at));
	html_lit(r, "</time>");
}

/* --- text, personal data and the explanation
 * ------------------------------------------------ */

/* 1 when offset o of s (length n) starts a character. */
static int
at_char(const char *s, size_t n, size_t o)
{
	return o == n || (o < n && ((unsigned char)s[o] & 0xc0) != 0x80);
}

void
iw_marked_text(struct req *r, const char *text, json_t *pd)
{
	size_t n = text ? strlen(text) : 0, pos = 0, i;
	json_t *h;
	if (n == 0) {
		html_tr(r, "(no text)");
		return;
	}
	/* triage's spans come in text order and do not overlap; anything
	 * else (an edited text, a bad offset) is left unmarked */
	json_array_foreach(pd, i, h)
	{
		json_int_t s = json_integer_value(json_object_get(h, "start"));
		json_int_t e = json_integer_value(json_object_get(h, "end"));
		const char *kind =
		    json_string_value(json_object_get(h, "kind"));
		if (s < (json_int_t)pos || e <= s || (size_t)e > n ||
		    !at_char(text, n, (size_t)s) ||
		    !at_char(text, n, (size_t)e))
			continue;
		html_lines_n(r, text + pos, (size_t)s - pos);
		html_lit(r, "<mark><span class=\"visually-hidden\">(");
		html_txt(r, tr_sub(r, "personal data: %s",
		                   tr(r, iw_pdata_label(kind))));
		html_lit(r, ") </span>");
		html_lines_n(r, text + s, (size_t)(e - s));
		html_lit(r, "</mark>");
		pos = (size_t)e;
	}
	html_lines_n(r, text + pos, n - pos);
}

void
iw_explain(struct req *r, json_t *explain)
{
	size_t i;
	json_t *h;
	if (json_array_size(explain) == 0)
		return;
	html_lit(r, "<ul class=\"explain\">");
	json_array_foreach(explain, i, h)
	{
		const char *src =
		    json_string_value(json_object_get(h, "source"));
		const char *cls =
		    json_string_value(json_object_get(h, "class"));
		const char *what =
		    json_string_value(json_object_get(h, "what"));
		json_t *w = json_object_get(h, "weight");
		int c = triage_class_parse(cls);
		json_int_t rule =
		    json_integer_value(json_object_get(h, "rule"));
		if (src == NULL)
			continue;
		html_lit(r, "<li><strong>");
		if (strcmp(src, "rule") == 0)
			html_tr(r, rule > 0 ? N_("Our rule")
			                    : N_("Built-in rule"));
		else if (strcmp(src, "model") == 0)
			html_tr(r, "Classifier");
		else if (strcmp(src, "pdata") == 0)
			html_tr(r, "Personal data");
		else if (strcmp(src, "lang") == 0)
			html_tr(r, "Language");
		else
			html_txt(r, src);
		html_lit(r, ":</strong> ");
		if (what && *what) {
			html_lit(r, "<code>");
			html_txt(r, what);
			html_lit(r, "</code>");
		}
		if (c >= 0) {
			html_lit(r, " → ");
			html_tr(r, class_labels[c]);
		}
		if (json_is_number(w) && strcmp(src, "lang") != 0) {
			html_lit(r, " <span class=\"muted\">(");
			html_txt(r, tr_sub(r, "weight %s",
			                   arena_printf(&r->ar, "%.2f",
			                                json_number_value(w))));
			html_lit(r, ")</span>");
		}
		if (strcmp(src, "rule") == 0 && rule > 0) {
			html_lit(r, " <a href=\"/admin/triage#rule-");
			html_int(r, (int64_t)rule);
			html_lit(r, "\">");
			html_txt(r, tr_sub(r, "rule %s",
			                   arena_printf(&r->ar, "%lld",
			                                (long long)rule)));
			html_lit(r, "</a>");
		}
		html_lit(r, "</li>");
	}
	html_lit(r, "</ul>\n");
}

/* --- script and live region
 * ------------------------------------------------------------------ */

void
iw_script(struct req *r)
{
	html_lit(r, "<script nonce=\"");
	html_attr(r, r->nonce);
	html_lit(r, "\" src=\"/static/inbox.js\" defer></script>\n");
}

void
iw_live(struct req *r, int64_t item_id)
{
	struct inbox_change *ch = NULL;
	int n = 0;
	int64_t head = 0;
	if (inbox_changes(r->db, &r->ar, &r->actor, 0, 0, &ch, &n, &head) !=
	    KV_OK)
		return;
	/* empty at first: assistive technology reads what is added */
	html_lit(r,
	         "<div id=\"inbox-live\" class=\"live\" aria-live=\"polite\" "
	         "data-after=\"");
	html_int(r, head);
	html_lit(r, "\"");
	if (item_id) {
		html_lit(r, " data-item=\"");
		html_int(r, item_id);
		html_lit(r, "\" data-one=\"");
		html_tr(r, "This item has changed since you opened it.");
		html_lit(r, "\" data-many=\"");
		html_tr(r, "This item has changed since you opened it.");
	} else {
		html_lit(r, " data-one=\"");
		html_tr(r, "1 new or changed item");
		html_lit(r, "\" data-many=\"");
		html_tr(r, "{n} new or changed items");
	}
	html_lit(r, "\" data-reload=\"");
	html_tr(r, "Reload");
	html_lit(r, "\"></div>\n");
}

void
iw_mark_init(struct inbox_mark *m)
{
	memset(m, 0, sizeof(*m));
	m->state = -1;
	m->outcome = -1;
	m->hard = -1;
	m->topic_id = -1;
}

/* An input of type (radio, checkbox) with its label after it. */
static void
choice(struct req *r, const char *type, const char *id, const char *name,
       const char *value, const char *label, int checked, int tr_label)
{
	html_lit(r, "<div class=\"choice\"><input type=\"");
	html_attr(r, type);
	html_lit(r, "\" id=\"");
	html_attr(r, id);
	html_lit(r, "\" name=\"");
	html_attr(r, name);
	html_lit(r, "\" value=\"");
	html_attr(r, value);
	html_lit(r, "\"");
	if (checked)
		html_lit(r, " checked");
	html_lit(r, "><label for=\"");
	html_attr(r, id);
	html_lit(r, "\">");
	if (tr_label)
		html_tr(r, label);
	else
		html_txt(r, label);
	html_lit(r, "</label></div>");
}

void
iw_radio(struct req *r, const char *name, const char *value, const char *label,
         int checked)
{
	choice(r, "radio",
	       arena_printf(&r->ar, "f-%s%s-%s", r->idp ? r->idp : "", name,
	                    value),
	       name, value, label, checked, 1);
}

void
iw_checkbox(struct req *r, const char *name, const char *value, const char *id,
            const char *label, int checked, int tr_label)
{
	choice(r, "checkbox", id, name, value, label, checked, tr_label);
}

void
iw_submit(struct req *r, const char *msgid)
{
	html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, msgid);
	html_lit(r, "</button></p>");
}

void
iw_group_error(struct req *r, const struct verrs *v, const char *field)
{
	const char *e = verr_for(v, field);
	if (e == NULL)
		return;
	html_lit(r, "<p class=\"error\" id=\"e-");
	html_attr(r, r->idp ? r->idp : "");
	html_attr(r, field);
	html_lit(r, "\"><strong>");
	html_tr(r, "Error:");
	html_lit(r, "</strong> ");
	html_tr(r, e);
	html_lit(r, "</p>");
}

int
iw_blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

void
iw_fail(struct req *r, enum kv_rc rc)
{
	html_error(r, rc == KV_NOTFOUND ? 404 : rc == KV_FORBIDDEN ? 403 : 500);
}

int
inbox_nav_count(struct req *r, int64_t *n)
{
	struct inbox_filter f;
	struct inbox_row *rows = NULL;
	int got = 0;
	memset(&f, 0, sizeof(f));
	f.state = -1;
	f.cls = -1;
	f.mine = 1;
	f.limit = 1;
	return inbox_list(r->db, &r->ar, &r->actor, &f, &rows, &got, n) == KV_OK
	           ? 0
	           : -1;
}

/* --- the queue
 * ----------------------------------------------------------------------- */

static const char *const views[] = {"open", "mine", "overdue", "all", NULL};
static const char *const view_labels[] = {N_("Open"), N_("Mine"), N_("Overdue"),
                                          N_("All"), NULL};

/* The queue's parameters: from the query (GET) or the bulk form (POST). */
struct queue_q {
	const char *view, *cls, *channel, *q;
	int64_t page;
};

static const char *
param(struct req *r, const char *name)
{
	const char *v =
	    r->method == M_POST ? form_get(r, name) : req_query(r, name);
	return v && *v ? v : NULL;
}

/* Reads the parameters into qq and f; errors into v. */
static void
queue_params(struct req *r, struct queue_q *qq, struct inbox_filter *f,
             struct verrs *v)
{
	const char *page = param(r, "page");
	int vi = 0;
	memset(f, 0, sizeof(*f));
	qq->view = param(r, "view");
	qq->cls = param(r, "class");
	qq->channel = param(r, "channel");
	qq->q = param(r, "q");
	qq->page = 1;
	f->state = -1;
	f->cls = -1;
	for (int i = 0; qq->view && views[i]; i++)
		if (strcmp(qq->view, views[i]) == 0)
			vi = i;
	qq->view = views[vi];
	f->mine = vi == 1;
	f->overdue = vi == 2;
	if (vi == 3)
		f->state = IS__COUNT;
	if (qq->cls && (f->cls = triage_class_parse(qq->cls)) < 0)
		verr_add(v, "class", "must be chosen from the list");
	if (qq->channel &&
	    (parse_i64(qq->channel, &f->channel_id) != 0 || f->channel_id < 1))
		verr_add(v, "channel", "must be chosen from the list");
	if (qq->q &&
	    (strlen(qq->q) > 500 || !utf8_valid_text(qq->q, strlen(qq->q), 0)))
		verr_add(v, "q", "must be at most 500 characters");
	else
		f->q = qq->q;
	if (page && (parse_i64(page, &qq->page) != 0 || qq->page < 1 ||
	             qq->page > 10000))
		qq->page = 1;
	f->limit = INBOX_PAGE;
	f->offset = (int)(qq->page - 1) * INBOX_PAGE;
}

/* "/inbox?view=…&class=…" with the other filters kept (arena); view NULL
 * keeps the current one; page 0 leaves it out. */
static const char *
queue_url(struct req *r, const struct queue_q *qq, const char *view,
          int64_t page)
{
	struct buf b;
	const char *out;
	buf_init(&b, 8192);
	buf_printf(&b, "/inbox?view=%s", view ? view : qq->view);
	if (qq->cls)
		buf_printf(&b, "&class=%s", url_encode(&r->ar, qq->cls));
	if (qq->channel)
		buf_printf(&b, "&channel=%s", url_encode(&r->ar, qq->channel));
	if (qq->q)
		buf_printf(&b, "&q=%s", url_encode(&r->ar, qq->q));
	if (page > 1)
		buf_printf(&b, "&page=%lld", (long long)page);
	out = arena_strdup(&r->ar, buf_str(&b));
	buf_cleanup(&b);
	return out;
}

static void
hidden(struct req *r, const char *name, const char *value)
{
	if (value == NULL)
		return;
	html_lit(r, "<input type=\"hidden\" name=\"");
	html_attr(r, name);
	html_lit(r, "\" value=\"");
	html_attr(r, value);
	html_lit(r, "\">");
}

static void
queue_table(struct req *r, const struct inbox_row *rows, int n, int64_t now)
{
	table_begin(r, "Items in the inbox, most urgent first");
	html_lit(r, "<thead><tr><th scope=\"col\"><span "
	            "class=\"visually-hidden\">");
	html_tr(r, "Select");
	html_lit(r, "</span></th><th scope=\"col\">");
	html_tr(r, "Due");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Text");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Classes");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Channel");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Author");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Assigned to");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "State");
	html_lit(r, "</th></tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct inbox_row *x = &rows[i];
		const char *author = x->item.author_name && *x->item.author_name
		                         ? x->item.author_name
		                         : x->item.author_handle;
		const char *snip = x->item.text && *x->item.text
		                       ? text_excerpt(r, x->item.text, 140)
		                       : tr(r, "(no text)");
		int overdue = (x->state == IS_NEW || x->state == IS_ASSIGNED) &&
		              x->needs_answer && x->due_at && now > x->due_at;
		html_lit(r, "<tr data-id=\"");
		html_int(r, x->item.id);
		html_lit(r, "\"");
		if (overdue)
			html_lit(r, " class=\"is-overdue\"");
		html_lit(r, "><td><input type=\"checkbox\" name=\"ids\" "
		            "value=\"");
		html_int(r, x->item.id);
		html_lit(r, "\" id=\"sel-");
		html_int(r, x->item.id);
		html_lit(r, "\"><label for=\"sel-");
		html_int(r, x->item.id);
		html_lit(r, "\" class=\"visually-hidden\">");
		html_txt(r, tr_sub(r, "Select: %s", snip));
		html_lit(r, "</label></td><td>");
		iw_due(r, x, now);
		html_lit(r, "</td><th scope=\"row\"><a class=\"open\" "
		            "href=\"/inbox/");
		html_int(r, x->item.id);
		html_lit(r, "\"");
		if (x->lang && *x->lang && strlen(x->lang) <= 3 &&
		    strspn(x->lang, "abcdefghijklmnopqrstuvwxyz") ==
		        strlen(x->lang)) {
			html_lit(r, " lang=\"");
			html_attr(r, x->lang);
			html_lit(r, "\"");
		}
		html_lit(r, ">");
		html_txt(r, snip);
		html_lit(r, "</a></th><td>");
		iw_class_badges(r, x->classes, x->ground);
		if (x->hard)
			iw_hard_badge(r);
		html_lit(r, "</td><td>");
		html_txt(r, x->item.channel_name);
		html_lit(r, "</td><td>");
		html_txt(r, author);
		html_lit(r, "</td><td>");
		if (x->assignee_id)
			html_txt(r, x->assignee_name);
		else
			html_lit(r, "<span class=\"muted\">–</span>");
		html_lit(r, "</td><td>");
		iw_state_badge(r, x->state);
		html_lit(r, "</td></tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
}

/* The help dialog of the keys; shown by the script only (the keys do
 * nothing without it). */
static void
keys_help(struct req *r)
{
	static const struct {
		const char *key, *what;
	} keys[] = {
	    {"j", N_("next item")},
	    {"k", N_("previous item")},
	    {"Enter", N_("open the item")},
	    {"x", N_("select or deselect the item")},
	    {"a", N_("assign the item to me")},
	    {"?", N_("show this help")},
	};
	html_lit(r, "<p><button type=\"button\" id=\"keys-open\" hidden>");
	html_tr(r, "Keyboard shortcuts");
	html_lit(r, "</button></p>\n<dialog id=\"keys-help\" "
	            "aria-labelledby=\"keys-title\"><h2 id=\"keys-title\">");
	html_tr(r, "Keyboard shortcuts");
	html_lit(r, "</h2><dl class=\"keys\">");
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		html_lit(r, "<dt><kbd>");
		html_txt(r, keys[i].key);
		html_lit(r, "</kbd></dt><dd>");
		html_tr(r, keys[i].what);
		html_lit(r, "</dd>");
	}
	html_lit(r, "</dl><p>");
	html_tr(r, "The keys work when the focus is not in a text field. "
	           "Everything they do can also be done with the links and "
	           "buttons on the page.");
	html_lit(r, "</p><p class=\"actions\"><button type=\"button\" "
	            "id=\"keys-toggle\" data-on=\"");
	html_tr(r, "Turn the single-key shortcuts off");
	html_lit(r, "\" data-off=\"");
	html_tr(r, "Turn the single-key shortcuts on");
	html_lit(r, "\">");
	html_tr(r, "Turn the single-key shortcuts off");
	html_lit(r, "</button> <button type=\"button\" id=\"keys-close\">");
	html_tr(r, "Close");
	html_lit(r, "</button></p></dialog>\n");
}

static void
queue_page(struct req *r, const struct verrs *bulk_err)
{
	struct queue_q qq;
	struct inbox_filter f;
	struct inbox_row *rows = NULL;
	struct verrs v = {0};
	const char **ccodes, **clabels, **pcodes, **plabels;
	const char *classes[TC__COUNT + 1];
	const char *done = req_query(r, "done"),
	           *failed = req_query(r, "failed");
	int n = 0;
	int64_t total = 0, now = time_now();
	enum kv_rc rc = KV_OK;

	queue_params(r, &qq, &f, &v);
	for (int c = 0; c < TC__COUNT; c++)
		classes[c] = triage_class_name(c);
	classes[TC__COUNT] = NULL;
	if (channel_choices(r, &ccodes, &clabels) != 0 ||
	    person_choices(r, &pcodes, &plabels) != 0) {
		html_error(r, 500);
		return;
	}
	if (v.n == 0)
		rc =
		    inbox_list(r->db, &r->ar, &r->actor, &f, &rows, &n, &total);
	if (rc != KV_OK) {
		html_error(r, 500);
		return;
	}
	if (v.n)
		r->status = 422;
	page_begin(r, tr(r, "Inbox"), "inbox");
	html_lit(r, "<h1>");
	html_tr(r, "Inbox");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "What the public wrote to the channels: questions, "
	           "complaints and factual errors must be answered the same "
	           "day. The most urgent come first.");
	html_lit(r, " <a href=\"/admin/triage\">");
	html_tr(r, "Triage rules and registry");
	html_lit(r, "</a> <a href=\"/admin/inbox\">");
	html_tr(r, "Inbox settings");
	html_lit(r, "</a></p>\n");
	if (done && *done && strspn(done, "0123456789") == strlen(done)) {
		html_lit(r, "<p class=\"flash\" role=\"status\">");
		html_txt(r, tr_sub(r, "%s items were changed.", done));
		html_lit(r, "</p>\n");
	}
	if (failed && *failed &&
	    strspn(failed, "0123456789") == strlen(failed)) {
		html_lit(r, "<p class=\"notice\" role=\"status\">");
		html_txt(r,
		         tr_sub(r,
		                "%s items could not be changed: not yours to "
		                "work, or already closed.",
		                failed));
		html_lit(r, "</p>\n");
	}
	if (v.n) {
		error_summary(r, &v);
	} else if (bulk_err) {
		r->idp = "bulk-";
		error_summary(r, bulk_err);
		r->idp = NULL;
	}
	html_lit(r, "<nav class=\"tabs\" aria-label=\"");
	html_tr(r, "Inbox views");
	html_lit(r, "\"><ul>");
	for (int i = 0; views[i]; i++) {
		html_lit(r, "<li><a href=\"");
		html_attr(r, queue_url(r, &qq, views[i], 0));
		html_lit(r, "\"");
		if (strcmp(qq.view, views[i]) == 0)
			html_lit(r, " aria-current=\"page\"");
		html_lit(r, ">");
		html_tr(r, view_labels[i]);
		html_lit(r, "</a></li>");
	}
	html_lit(r, "</ul></nav>\n");
	html_lit(r, "<form method=\"get\" action=\"/inbox\" class=\"filters\" "
	            "role=\"search\" aria-label=\"");
	html_tr(r, "Filter the inbox");
	html_lit(r, "\">");
	hidden(r, "view", qq.view);
	field_text(r, "q", "Search", qq.q, &v, "search", 0, NULL);
	field_select(r, "class", "Class", qq.cls, classes, class_labels, &v,
	             SELECT_ALL | SELECT_TR);
	field_select(r, "channel", "Channel", qq.channel, ccodes, clabels, &v,
	             SELECT_ALL);
	html_lit(r, "<div class=\"field\"><button type=\"submit\">");
	html_tr(r, "Filter");
	html_lit(r, "</button></div></form>\n");
	iw_live(r, 0);
	if (v.n) {
		page_end(r);
		return;
	}
	html_lit(r, "<p role=\"status\">");
	html_txt(r, tr_sub(r, "%s items",
	                   arena_printf(&r->ar, "%lld", (long long)total)));
	html_lit(r, "</p>\n");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "Nothing here. Choose another view or change the "
		           "filter.");
		html_lit(r, "</p>\n");
		page_end(r);
		return;
	}
	keys_help(r);
	form_begin(r, "/inbox/bulk", "bulk");
	hidden(r, "view", qq.view);
	hidden(r, "class", qq.cls);
	hidden(r, "channel", qq.channel);
	hidden(r, "q", qq.q);
	queue_table(r, rows, n, now);
	html_lit(r, "<fieldset class=\"bulk\" id=\"f-bulk-ids\" "
	            "tabindex=\"-1\"><legend>");
	html_tr(r, "With the selected items");
	html_lit(r, "</legend><p class=\"actions\"><button type=\"submit\" "
	            "name=\"action\" value=\"assign_me\">");
	html_tr(r, "Assign to me");
	html_lit(r, "</button></p>");
	r->idp = "bulk-";
	field_select(r, "person_id", "Person", form_get(r, "person_id"), pcodes,
	             plabels, bulk_err, SELECT_NONE);
	html_lit(r, "<p class=\"actions\"><button type=\"submit\" "
	            "name=\"action\" value=\"assign\">");
	html_tr(r, "Assign to the person");
	html_lit(r, "</button></p>");
	field_text(r, "reason", "Why no answer is needed",
	           form_get(r, "reason"), bulk_err, "text", 0,
	           N_("For example: a thank-you, spam, or answered by "
	              "someone else in the thread."));
	html_lit(r, "<p class=\"actions\"><button type=\"submit\" "
	            "name=\"action\" value=\"no_answer\">");
	html_tr(r, "Mark as no answer needed");
	html_lit(r, "</button></p></fieldset>");
	r->idp = NULL;
	form_end(r);
	if (qq.page > 1 || (int64_t)qq.page * INBOX_PAGE < total) {
		html_lit(r, "<nav aria-label=\"");
		html_tr(r, "Pages");
		html_lit(r, "\"><p>");
		if (qq.page > 1) {
			html_lit(r, "<a rel=\"prev\" href=\"");
			html_attr(r, queue_url(r, &qq, NULL, qq.page - 1));
			html_lit(r, "\">");
			html_tr(r, "Previous page");
			html_lit(r, "</a> ");
		}
		if ((int64_t)qq.page * INBOX_PAGE < total) {
			html_lit(r, "<a rel=\"next\" href=\"");
			html_attr(r, queue_url(r, &qq, NULL, qq.page + 1));
			html_lit(r, "\">");
			html_tr(r, "Next page");
			html_lit(r, "</a>");
		}
		html_lit(r, "</p></nav>\n");
	}
	iw_script(r);
	page_end(r);
}

void
ui_inbox(struct req *r)
{
	queue_page(r, NULL);
}

void
ui_inbox_bulk(struct req *r)
{
	struct verrs v = {0};
	struct queue_q qq;
	struct inbox_filter f;
	struct inbox_mark m;
	int64_t ids[BULK_MAX], person = 0;
	int nids = 0, okn = 0, badn = 0;
	const char *action = form_get(r, "action");
	const char *reason = form_get(r, "reason");

	queue_params(r, &qq, &f, &v);
	v.n = 0; /* the filter was checked when the page was shown */
	for (int i = 0; i < r->nform; i++) {
		int64_t id;
		if (strcmp(r->form[i].k, "ids") != 0)
			continue;
		if (parse_i64(r->form[i].v, &id) != 0 || id < 1 ||
		    nids >= BULK_MAX) {
			html_error(r, 400);
			return;
		}
		ids[nids++] = id;
	}
	if (action == NULL || (strcmp(action, "assign_me") != 0 &&
	                       strcmp(action, "assign") != 0 &&
	                       strcmp(action, "no_answer") != 0)) {
		html_error(r, 400);
		return;
	}
	if (nids == 0)
		verr_add(&v, "ids", "Select at least one item");
	if (strcmp(action, "assign") == 0 &&
	    (person = form_id(r, "person_id", &v)) == 0 && v.n == 0)
		verr_add(&v, "person_id", "Choose a person");
	if (strcmp(action, "assign_me") == 0)
		person = r->actor.person_id;
	if (strcmp(action, "no_answer") == 0 && iw_blank(reason))
		verr_add(&v, "reason", "Say why no answer is needed");
	if (v.n) {
		r->status = 422;
		r->method = M_POST;
		queue_page(r, &v);
		return;
	}
	iw_mark_init(&m);
	m.state = IS_NO_ANSWER;
	m.reason = reason;
	/* each on its own: one that fails does not stop the others */
	for (int i = 0; i < nids; i++) {
		struct verrs iv = {0};
		enum kv_rc rc =
		    strcmp(action, "no_answer") == 0
		        ? inbox_mark(r->db, &r->ar, &r->actor, ids[i], &m, &iv)
		        : inbox_assign(r->db, &r->ar, &r->actor, ids[i], person,
		                       &iv);
		if (rc == KV_OK)
			okn++;
		else if (rc == KV_DBERR) {
			html_error(r, 500);
			return;
		} else
			badn++;
	}
	req_redirect(
	    r, arena_printf(
	           &r->ar, "%s&done=%d%s", queue_url(r, &qq, NULL, qq.page),
	           okn, badn ? arena_printf(&r->ar, "&failed=%d", badn) : ""));
}

/* --- the police evidence pack
 * ------------------------------------------------------------------ */

void
ui_inbox_evidence(struct req *r)
{
	struct buf zip;
	const char *name = NULL;
	enum kv_rc rc;
	buf_init(&zip, 256u << 20);
	rc = act_evidence_pack(r->db, &r->ar, &r->actor, r->pid, &zip, &name);
	if (rc != KV_OK) {
		buf_cleanup(&zip);
		iw_fail(r, rc);
		return;
	}
	r->status = 200;
	r->ctype = "application/zip";
	req_add_header(
	    r, "Content-Disposition",
	    arena_printf(&r->ar, "attachment; filename=\"%s\"", name));
	buf_add(&r->out, zip.p, zip.len);
	buf_cleanup(&zip);
}
