/*
 * ui_inbox_settings.c - the inbox's settings in the HTML UI (issue 5):
 * /admin/inbox shows the organisation's answer times (the inbox policy:
 * same day or 24 hours, business hours, weekends and holidays, when the
 * communications unit is told), the saved replies per language and unit,
 * and the topics with their keywords and the people with the competence,
 * with forms to change each for those the domain lets change them
 * (policy and topics: administrators; saved replies: administrators and
 * comms) and a read-only view for everyone else of the organisation.
 * Also the small form on a channel's page that sets how replies on it
 * are signed (whoever may edit the channel), with an example line.
 * The domain checks every change again: a post by anyone else is 403.
 */
#include "inbox_web.h"
#include "../base/util.h"

#include <string.h>

/* What a failed form sends back to the page. */
struct set_err {
	const char *form; /* "policy", "reply", "topic" */
	int64_t id;       /* the reply or topic being changed, 0: a new one */
	const struct verrs *v;
};

static const char *const hour_codes[] = {
    "0",  "1",  "2",  "3",  "4",  "5",  "6",  "7",  "8",
    "9",  "10", "11", "12", "13", "14", "15", "16", "17",
    "18", "19", "20", "21", "22", "23", "24", NULL};
static const char *const hour_labels[] = {
    "00:00", "01:00", "02:00", "03:00", "04:00", "05:00", "06:00",
    "07:00", "08:00", "09:00", "10:00", "11:00", "12:00", "13:00",
    "14:00", "15:00", "16:00", "17:00", "18:00", "19:00", "20:00",
    "21:00", "22:00", "23:00", "24:00", NULL};

/* Parallel to inbox_signatures. */
static const char *const signature_labels[] = {
    N_("First name and role"), N_("First name"), N_("The channel's unit"),
    N_("No signature"), NULL};

static const char *
signature_label(const char *sig)
{
	for (int i = 0; sig && inbox_signatures[i]; i++)
		if (strcmp(sig, inbox_signatures[i]) == 0)
			return signature_labels[i];
	return signature_labels[0];
}

static const char *
lang_label(const char *l)
{
	for (int i = 0; l && iw_langs[i]; i++)
		if (strcmp(l, iw_langs[i]) == 0)
			return iw_lang_labels[i];
	return N_("Unknown");
}

/* The name of unit id among us (NULL when not there). */
static const char *
unit_name(const struct unit *us, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (us[i].id == id)
			return us[i].name;
	return NULL;
}

static void
section_open(struct req *r, const char *id, const char *title)
{
	html_lit(r, "<section aria-labelledby=\"h-");
	html_attr(r, id);
	html_lit(r, "\"><h2 id=\"h-");
	html_attr(r, id);
	html_lit(r, "\">");
	html_tr(r, title);
	html_lit(r, "</h2>\n");
}

static void
para(struct req *r, const char *msgid)
{
	html_lit(r, "<p>");
	html_tr(r, msgid);
	html_lit(r, "</p>\n");
}

/* The submit button labelled msgid, a Cancel link to cancel (NULL: none),
 * the end of the form and of its field prefix. */
static void
form_close(struct req *r, const char *msgid, const char *cancel)
{
	html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, msgid);
	html_lit(r, "</button>");
	if (cancel) {
		html_lit(r, " <a href=\"");
		html_attr(r, cancel);
		html_lit(r, "\">");
		html_tr(r, "Cancel");
		html_lit(r, "</a>");
	}
	html_lit(r, "</p>");
	form_end(r);
	r->idp = NULL;
}

/* The "Change" link and the "Delete" button of row id of a table of
 * kind ("reply", "topic"; posts go to /admin/inbox/<coll>/ID/delete);
 * what names the row for screen readers. */
static void
row_actions(struct req *r, const char *kind, const char *coll, int64_t id,
            const char *what)
{
	html_lit(r, "<td><a href=\"");
	html_attr(r, arena_printf(&r->ar, "/admin/inbox?edit_%s=%lld#%s-form",
	                          kind, (long long)id, kind));
	html_lit(r, "\">");
	html_tr(r, "Change");
	html_lit(r, "<span class=\"visually-hidden\"> ");
	html_txt(r, what);
	html_lit(r, "</span></a> ");
	form_begin(r,
	           arena_printf(&r->ar, "/admin/inbox/%s/%lld/delete", coll,
	                        (long long)id),
	           "inline");
	html_lit(r, "<button type=\"submit\">");
	html_tr(r, "Delete");
	html_lit(r, "<span class=\"visually-hidden\"> ");
	html_txt(r, what);
	html_lit(r, "</span></button>");
	form_end(r);
	html_lit(r, "</td>");
}

/* The errors of form (NULL when another form failed or none did). */
static const struct verrs *
errs(const struct set_err *e, const char *form)
{
	return e && strcmp(e->form, form) == 0 ? e->v : NULL;
}

/* --- the policy
 * --------------------------------------------------------------- */

static const char *
mode_text(const char *mode)
{
	return mode && strcmp(mode, "24h") == 0
	           ? N_("Within 24 hours: due 24 hours after the platform "
	                "showed it. When that falls on a day off, by the "
	                "close of the next business day.")
	           : N_("Same day: due at the close of business hours on "
	                "the day the platform showed it; after hours and on "
	                "days off, by the close of the next business day.");
}

static const char *
days_off_text(const char *days_off)
{
	return days_off && strcmp(days_off, "watch") == 0
	           ? N_("Someone is on watch: weekends, public holidays "
	                "and days off by custom count like any other day.")
	           : N_("They wait: weekends, public holidays and days off "
	                "by custom do not count, so what comes in then is "
	                "due by the close of the next business day.");
}

static void
policy_view(struct req *r, const struct inbox_policy *p, const struct unit *us,
            int nu)
{
	const char *comms = unit_name(us, nu, p->comms_unit_id);
	html_lit(r, "<dl class=\"props\"><dt>");
	html_tr(r, "How soon to answer");
	html_lit(r, "</dt><dd>");
	html_tr(r, mode_text(p->mode));
	html_lit(r, "</dd><dt>");
	html_tr(r, "Business hours");
	html_lit(r, "</dt><dd>");
	html_txt(r, arena_printf(&r->ar, "%02d:00–%02d:00", p->open_hour,
	                         p->close_hour));
	html_lit(r, "</dd><dt>");
	html_tr(r, "Weekends and holidays");
	html_lit(r, "</dt><dd>");
	html_tr(r, days_off_text(p->days_off));
	html_lit(r, "</dd><dt>");
	html_tr(r, "Tell communications after");
	html_lit(r, "</dt><dd>");
	html_txt(r, tr_sub(r, "%s minutes overdue",
	                   arena_printf(&r->ar, "%d", p->escalate_after_min)));
	html_lit(r, "</dd><dt>");
	html_tr(r, "Communications unit");
	html_lit(r, "</dt><dd>");
	if (comms)
		html_txt(r, comms);
	else
		html_tr(r, "The people with the communications role");
	html_lit(r, "</dd></dl>\n");
}

static void
policy_form(struct req *r, const struct inbox_policy *p, const struct verrs *v)
{
	const char **ucodes, **ulabels;
	const char *mode = v ? form_get(r, "mode") : p->mode;
	const char *days = v ? form_get(r, "days_off") : p->days_off;
	const char *open = v ? form_get(r, "open_hour")
	                     : arena_printf(&r->ar, "%d", p->open_hour);
	const char *close = v ? form_get(r, "close_hour")
	                      : arena_printf(&r->ar, "%d", p->close_hour);
	const char *esc = v ? form_get(r, "escalate_after_min")
	                    : arena_printf(&r->ar, "%d", p->escalate_after_min);
	const char *comms =
	    v ? form_get(r, "comms_unit_id")
	      : (p->comms_unit_id
	             ? arena_printf(&r->ar, "%lld", (long long)p->comms_unit_id)
	             : NULL);
	if (unit_choices(r, &ucodes, &ulabels) != 0) {
		ucodes = ulabels = arena_alloc(&r->ar, sizeof(char *));
		ucodes[0] = NULL;
	}
	r->idp = "po-";
	form_begin(r, "/admin/inbox/policy", NULL);
	html_lit(r, "<fieldset id=\"f-po-mode\"><legend>");
	html_tr(r, "How soon to answer");
	html_lit(r, "</legend>");
	iw_group_error(r, v, "mode");
	iw_radio(r, "mode", "same_day", mode_text("same_day"),
	         !mode || strcmp(mode, "24h") != 0);
	iw_radio(r, "mode", "24h", mode_text("24h"),
	         mode && strcmp(mode, "24h") == 0);
	html_lit(r, "</fieldset>\n<fieldset><legend>");
	html_tr(r, "Business hours");
	html_lit(r, "</legend>");
	field_select(r, "open_hour", "Business hours begin", open, hour_codes,
	             hour_labels, v, 0);
	field_select(r, "close_hour", "Business hours end", close,
	             hour_codes + 1, hour_labels + 1, v, 0);
	html_lit(r, "</fieldset>\n<fieldset id=\"f-po-days_off\"><legend>");
	html_tr(r, "Weekends and holidays");
	html_lit(r, "</legend>");
	iw_group_error(r, v, "days_off");
	iw_radio(r, "days_off", "next_business_day",
	         days_off_text("next_business_day"),
	         !days || strcmp(days, "watch") != 0);
	iw_radio(r, "days_off", "watch", days_off_text("watch"),
	         days && strcmp(days, "watch") == 0);
	html_lit(r, "</fieldset>\n<fieldset><legend>");
	html_tr(r, "When an item is overdue");
	html_lit(r, "</legend><p>");
	html_tr(r, "The unit's manager is told as soon as an item is overdue.");
	html_lit(r, "</p>");
	field_text(r, "escalate_after_min", "Tell communications after", esc, v,
	           "number", 1,
	           N_("Minutes an item may be overdue before the "
	              "communications unit is told as well (0 to 10080; "
	              "120 is two hours)."));
	field_select(r, "comms_unit_id", "Communications unit", comms, ucodes,
	             ulabels, v, SELECT_NONE);
	html_lit(r, "<p class=\"hint\">");
	html_tr(r, "With no unit chosen, the people with the communications "
	           "role are told.");
	html_lit(r, "</p></fieldset>\n");
	form_close(r, N_("Save the answer times"), NULL);
}

/* --- saved replies
 * ------------------------------------------------------------ */

static void
replies_table(struct req *r, const struct saved_reply *rs, int n,
              const struct unit *us, int nu, int may)
{
	table_begin(r, N_("Saved replies"));
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Title");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Language");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Text of the reply");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "For");
	html_lit(r, "</th>");
	if (may) {
		html_lit(r, "<th scope=\"col\">");
		html_tr(r, "Change");
		html_lit(r, "</th>");
	}
	html_lit(r, "</tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct saved_reply *x = &rs[i];
		const char *unit = unit_name(us, nu, x->unit_id);
		html_lit(r, "<tr id=\"reply-");
		html_int(r, x->id);
		html_lit(r, "\"><th scope=\"row\" lang=\"");
		html_attr(r, x->lang);
		html_lit(r, "\">");
		html_txt(r, x->title);
		html_lit(r, "</th><td>");
		html_tr(r, lang_label(x->lang));
		html_lit(r, "</td><td lang=\"");
		html_attr(r, x->lang);
		html_lit(r, "\">");
		html_lines(r, x->body);
		html_lit(r, "</td><td>");
		if (x->unit_id == 0)
			html_tr(r, "The whole organisation");
		else
			html_txt(r, unit ? unit : "–");
		html_lit(r, "</td>");
		if (may)
			row_actions(r, "reply", "replies", x->id, x->title);
		html_lit(r, "</tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
}

/* The add form, or the change form of reply x (x->id != 0). */
static void
reply_form(struct req *r, const struct saved_reply *x, const struct verrs *v)
{
	const char **ucodes, **ulabels;
	const char *unit = v ? form_get(r, "unit_id")
	                     : (x->unit_id ? arena_printf(&r->ar, "%lld",
	                                                  (long long)x->unit_id)
	                                   : NULL);
	if (unit_choices(r, &ucodes, &ulabels) != 0) {
		ucodes = ulabels = arena_alloc(&r->ar, sizeof(char *));
		ucodes[0] = NULL;
	}
	html_lit(r, "<h3 id=\"reply-form\" tabindex=\"-1\">");
	if (x->id)
		html_txt(r, tr_sub(r, "Change the saved reply “%s”", x->title));
	else
		html_tr(r, "Add a saved reply");
	html_lit(r, "</h3>\n");
	r->idp = "sr-";
	form_begin(r,
	           x->id ? arena_printf(&r->ar, "/admin/inbox/replies/%lld",
	                                (long long)x->id)
	                 : "/admin/inbox/replies",
	           NULL);
	field_select(r, "lang", "Language", v ? form_get(r, "lang") : x->lang,
	             iw_langs, iw_lang_labels, v, SELECT_TR);
	field_text(r, "title", "Title", v ? form_get(r, "title") : x->title, v,
	           "text", 1,
	           N_("What the reply is about, as the reply box lists it."));
	field_textarea(r, "body", "Text of the reply",
	               v ? form_get(r, "body") : x->body, v,
	               N_("Write it as you would answer in that language. "
	                  "The signature is added when it is sent."));
	field_select(r, "unit_id", "For the unit", unit, ucodes, ulabels, v,
	             SELECT_NONE);
	html_lit(r, "<p class=\"hint\">");
	html_tr(r, "With no unit chosen, the reply is offered on every "
	           "channel.");
	html_lit(r, "</p>");
	form_close(r, x->id ? N_("Save the reply") : N_("Add the reply"),
	           x->id ? "/admin/inbox#h-replies" : NULL);
}

/* --- topics
 * ------------------------------------------------------------------- */

/* The organisation's people: all (names in the table) and the active
 * ones (choices in the form). */
struct people {
	struct person *all;
	int n;
};

static const char *
person_name(const struct people *pp, int64_t id)
{
	for (int i = 0; i < pp->n; i++)
		if (pp->all[i].id == id)
			return pp->all[i].full_name;
	return NULL;
}

static void
topics_table(struct req *r, const struct inbox_topic *ts, int n,
             const struct people *pp, int may)
{
	table_begin(r, N_("Topics"));
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Topic");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Keywords");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "People with the competence");
	html_lit(r, "</th>");
	if (may) {
		html_lit(r, "<th scope=\"col\">");
		html_tr(r, "Change");
		html_lit(r, "</th>");
	}
	html_lit(r, "</tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct inbox_topic *t = &ts[i];
		int shown = 0;
		html_lit(r, "<tr id=\"topic-");
		html_int(r, t->id);
		html_lit(r, "\"><th scope=\"row\">");
		html_txt(r, t->name);
		html_lit(r, "</th><td><code>");
		html_txt(r, t->keywords);
		html_lit(r, "</code></td><td>");
		for (int k = 0; k < t->npeople; k++) {
			const char *name = person_name(pp, t->people[k]);
			if (name == NULL)
				continue;
			if (shown++)
				html_lit(r, ", ");
			html_txt(r, name);
		}
		if (!shown)
			html_lit(r, "–");
		html_lit(r, "</td>");
		if (may)
			row_actions(r, "topic", "topics", t->id, t->name);
		html_lit(r, "</tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
}

/* 1 when person id is among the topic's (or, after a failed post, was
 * ticked). */
static int
ticked(struct req *r, const struct inbox_topic *t, const struct verrs *v,
       const char *id)
{
	if (v) {
		for (int i = 0; i < r->nform; i++)
			if (strcmp(r->form[i].k, "people") == 0 &&
			    strcmp(r->form[i].v, id) == 0)
				return 1;
		return 0;
	}
	for (int k = 0; k < t->npeople; k++)
		if (strcmp(
		        arena_printf(&r->ar, "%lld", (long long)t->people[k]),
		        id) == 0)
			return 1;
	return 0;
}

static void
topic_form(struct req *r, const struct inbox_topic *t, const struct people *pp,
           const struct verrs *v)
{
	html_lit(r, "<h3 id=\"topic-form\" tabindex=\"-1\">");
	if (t->id)
		html_txt(r, tr_sub(r, "Change the topic “%s”", t->name));
	else
		html_tr(r, "Add a topic");
	html_lit(r, "</h3>\n");
	r->idp = "tp-";
	form_begin(r,
	           t->id ? arena_printf(&r->ar, "/admin/inbox/topics/%lld",
	                                (long long)t->id)
	                 : "/admin/inbox/topics",
	           NULL);
	field_text(r, "name", "Topic", v ? form_get(r, "name") : t->name, v,
	           "text", 1, N_("For example Renovasjon or Bibliotek."));
	field_text(r, "keywords", "Keywords",
	           v ? form_get(r, "keywords") : t->keywords, v, "text", 1,
	           N_("Words or phrases separated by |, matched on word "
	              "stems in the item's language (avfall finds avfallet), "
	              "e.g. søppel|avfall|tømming."));
	html_lit(r, "<fieldset id=\"f-tp-people\" "
	            "aria-describedby=\"h-tp-people\"><legend>");
	html_tr(r, "People with the competence");
	html_lit(r, "</legend><p class=\"hint\" id=\"h-tp-people\">");
	html_tr(r, "An item on the topic goes to one of them who is on watch "
	           "and may see the channel; with nobody on watch, to the "
	           "channel's watch.");
	html_lit(r, "</p>");
	iw_group_error(r, v, "people");
	for (int i = 0; i < pp->n; i++) {
		const struct person *p = &pp->all[i];
		const char *id = arena_printf(&r->ar, "%lld", (long long)p->id);
		if (!p->active)
			continue;
		iw_checkbox(
		    r, "people", id,
		    arena_printf(&r->ar, "f-tp-people-%lld", (long long)p->id),
		    *p->title ? arena_printf(&r->ar, "%s (%s)", p->full_name,
		                             p->title)
		              : p->full_name,
		    ticked(r, t, v, id), 0);
	}
	html_lit(r, "</fieldset>\n");
	form_close(r, t->id ? N_("Save the topic") : N_("Add the topic"),
	           t->id ? "/admin/inbox#h-topics" : NULL);
}

/* --- the page
 * ----------------------------------------------------------------- */

static void
done_flash(struct req *r)
{
	static const struct {
		const char *code, *msgid;
	} msgs[] = {
	    {"policy", N_("The answer times were saved.")},
	    {"reply", N_("The saved reply was saved.")},
	    {"reply-deleted", N_("The saved reply was deleted.")},
	    {"topic", N_("The topic was saved.")},
	    {"topic-deleted", N_("The topic was deleted.")},
	};
	const char *done = req_query(r, "done");
	for (size_t i = 0; done && i < ARRAY_LEN(msgs); i++)
		if (strcmp(done, msgs[i].code) == 0)
			flash(r, msgs[i].msgid);
}

/* The id in query parameter name (0 when absent or not an id). */
static int64_t
query_edit(struct req *r, const char *name)
{
	const char *s = req_query(r, name);
	int64_t id = 0;
	if (s == NULL || parse_i64(s, &id) != 0 || id < 0)
		return 0;
	return id;
}

static void
settings_page(struct req *r, const struct set_err *e)
{
	struct inbox_policy pol;
	struct saved_reply *rs = NULL, reply;
	struct inbox_topic *ts = NULL, topic;
	struct unit *us = NULL;
	struct people pp = {NULL, 0};
	struct person_filter pf;
	int nr = 0, nt = 0, nu = 0;
	int64_t total = 0;
	int admin = actor_is_admin(&r->actor);
	int may_replies = saved_reply_may_change(&r->actor);
	int64_t edit_reply = e && strcmp(e->form, "reply") == 0
	                         ? e->id
	                         : query_edit(r, "edit_reply");
	int64_t edit_topic = e && strcmp(e->form, "topic") == 0
	                         ? e->id
	                         : query_edit(r, "edit_topic");
	enum kv_rc rc = inbox_policy_get(r->db, &r->ar, &r->actor, &pol);

	memset(&pf, 0, sizeof(pf));
	pf.limit = 500;
	memset(&reply, 0, sizeof(reply));
	memset(&topic, 0, sizeof(topic));
	if (rc == KV_OK)
		rc = saved_reply_list(r->db, &r->ar, &r->actor, NULL, 0, &rs,
		                      &nr);
	if (rc == KV_OK)
		rc = inbox_topic_list(r->db, &r->ar, &r->actor, &ts, &nt);
	if (rc == KV_OK)
		rc = unit_list(r->db, &r->ar, &r->actor, &us, &nu);
	if (rc == KV_OK)
		rc = person_list(r->db, &r->ar, &r->actor, &pf, &pp.all, &pp.n,
		                 &total);
	if (rc == KV_OK && may_replies && edit_reply)
		rc = iw_reply_find(r, edit_reply, &reply);
	if (rc == KV_OK && admin && edit_topic)
		rc = iw_topic_find(r, edit_topic, &topic);
	if (rc != KV_OK) {
		iw_fail(r, rc);
		return;
	}
	page_begin(r, tr(r, "Inbox settings"), "inbox");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/inbox\">");
	html_tr(r, "Inbox");
	html_lit(r, "</a></p>\n<h1>");
	html_tr(r, "Inbox settings");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "How soon the public must get an answer, the replies you "
	           "write often, and who knows what.");
	html_lit(r, " <a href=\"/admin/triage\">");
	html_tr(r, "Triage rules and registry");
	html_lit(r, "</a></p>\n");
	done_flash(r);
	if (e && e->v && e->v->n) {
		r->idp = strcmp(e->form, "policy") == 0  ? "po-"
		         : strcmp(e->form, "reply") == 0 ? "sr-"
		                                         : "tp-";
		error_summary(r, e->v);
		r->idp = NULL;
	}
	html_lit(r, "<nav aria-labelledby=\"h-toc\"><h2 id=\"h-toc\" "
	            "class=\"visually-hidden\">");
	html_tr(r, "On this page");
	html_lit(r, "</h2><ul><li><a href=\"#h-policy\">");
	html_tr(r, "Answer times");
	html_lit(r, "</a></li><li><a href=\"#h-replies\">");
	html_tr(r, "Saved replies");
	html_lit(r, "</a></li><li><a href=\"#h-topics\">");
	html_tr(r, "Topics and competence");
	html_lit(r, "</a></li></ul></nav>\n");

	section_open(r, "policy", N_("Answer times"));
	para(r, N_("Questions, complaints and factual errors must be "
	           "answered. Each item gets a due time from the moment the "
	           "platform showed it; an item not answered by then is "
	           "overdue and is escalated."));
	if (admin) {
		policy_form(r, &pol, errs(e, "policy"));
	} else {
		policy_view(r, &pol, us, nu);
		para(r, N_("Only administrators change the answer times."));
	}
	html_lit(r, "</section>\n");

	section_open(r, "replies", N_("Saved replies"));
	para(r, N_("Answers you write often, in each language. The reply box "
	           "of an item offers those in the item's language, for the "
	           "whole organisation and for the channel's unit."));
	if (!may_replies)
		para(r, N_("Only administrators and the communications unit "
		           "change saved replies."));
	if (nr == 0)
		para(r, N_("No saved replies yet."));
	else
		replies_table(r, rs, nr, us, nu, may_replies);
	if (may_replies)
		reply_form(r, &reply, errs(e, "reply"));
	html_lit(r, "</section>\n");

	section_open(r, "topics", N_("Topics and competence"));
	para(r, N_("A topic recognises what an item is about by its keywords "
	           "and routes it to someone with the competence. The first "
	           "topic whose keyword the text has decides."));
	if (!admin)
		para(r, N_("Only administrators change the topics."));
	if (nt == 0)
		para(r, N_("No topics yet: items go to the channel's watch."));
	else
		topics_table(r, ts, nt, &pp, admin);
	if (admin)
		topic_form(r, &topic, &pp, errs(e, "topic"));
	html_lit(r, "</section>\n");
	page_end(r);
}

void
ui_inbox_settings(struct req *r)
{
	settings_page(r, NULL);
}

/* A failed post: the page again with the errors (422/409), or the error
 * page (403, 404, 500). */
static void
again(struct req *r, enum kv_rc rc, const char *form, int64_t id,
      const struct verrs *v)
{
	struct set_err e = {form, id, v};
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		iw_fail(r, rc);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	settings_page(r, &e);
}

/* After a post: back to the page at to, or as again() says. */
static void
posted(struct req *r, enum kv_rc rc, const char *form, int64_t id,
       const struct verrs *v, const char *to)
{
	if (rc != KV_OK)
		again(r, rc, form, id, v);
	else
		req_redirect(r, to);
}

/* A whole number field of the form as an int; out of ±1000000 is an
 * error (before it could wrap). */
static int
form_small_int(struct req *r, const char *name, struct verrs *v)
{
	const char *s = form_get(r, name);
	int64_t n;
	if (s == NULL || *s == '\0') {
		verr_add(v, name, "is required");
		return 0;
	}
	n = form_int(r, name, v);
	if (n < -1000000 || n > 1000000) {
		verr_add(v, name, "is out of range");
		return 0;
	}
	return (int)n;
}

void
ui_inbox_policy_save(struct req *r)
{
	struct verrs v = {0};
	struct inbox_policy p;
	enum kv_rc rc;
	if (!actor_is_admin(&r->actor)) {
		html_error(r, 403);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.mode = form_get(r, "mode");
	p.days_off = form_get(r, "days_off");
	p.open_hour = form_small_int(r, "open_hour", &v);
	p.close_hour = form_small_int(r, "close_hour", &v);
	p.escalate_after_min = form_small_int(r, "escalate_after_min", &v);
	p.comms_unit_id = form_id(r, "comms_unit_id", &v);
	rc = v.n ? KV_INVALID
	         : inbox_policy_set(r->db, &r->ar, &r->actor, &p, &v);
	posted(r, rc, "policy", 0, &v, "/admin/inbox?done=policy#h-policy");
}

/* createSavedReply and its change (id != 0) from the form. */
static void
reply_post(struct req *r, int64_t id)
{
	struct verrs v = {0};
	struct saved_reply s;
	enum kv_rc rc;
	memset(&s, 0, sizeof(s));
	s.id = id;
	s.lang = form_get(r, "lang");
	s.title = form_get(r, "title");
	s.body = form_get(r, "body");
	s.unit_id = form_id(r, "unit_id", &v);
	rc = v.n  ? KV_INVALID
	     : id ? saved_reply_update(r->db, &r->ar, &r->actor, &s, &v)
	          : saved_reply_create(r->db, &r->ar, &r->actor, &s, &v);
	posted(r, rc, "reply", id, &v,
	       arena_printf(&r->ar, "/admin/inbox?done=reply#reply-%lld",
	                    (long long)s.id));
}

void
ui_saved_reply_create(struct req *r)
{
	reply_post(r, 0);
}

void
ui_saved_reply_update(struct req *r)
{
	reply_post(r, r->pid);
}

void
ui_saved_reply_delete(struct req *r)
{
	posted(r, saved_reply_delete(r->db, &r->ar, &r->actor, r->pid), "reply",
	       0, NULL, "/admin/inbox?done=reply-deleted#h-replies");
}

#define TOPIC_PEOPLE_MAX 200

/* A topic and its people from the form (id 0: a new one). */
static void
topic_post(struct req *r, int64_t id)
{
	struct verrs v = {0};
	struct inbox_topic t;
	int64_t *people =
	    arena_alloc(&r->ar, sizeof(int64_t) * TOPIC_PEOPLE_MAX);
	int np = 0;
	enum kv_rc rc;
	memset(&t, 0, sizeof(t));
	t.id = id;
	t.name = form_get(r, "name");
	t.keywords = form_get(r, "keywords");
	for (int i = 0; i < r->nform; i++) {
		int64_t pid;
		if (strcmp(r->form[i].k, "people") != 0)
			continue;
		if (parse_i64(r->form[i].v, &pid) != 0 || pid <= 0 ||
		    np == TOPIC_PEOPLE_MAX) {
			verr_add(&v, "people", "must be chosen from the list");
			break;
		}
		people[np++] = pid;
	}
	rc = v.n ? KV_INVALID : iw_topic_save(r, &t, people, np, &v);
	posted(r, rc, "topic", id, &v,
	       arena_printf(&r->ar, "/admin/inbox?done=topic#topic-%lld",
	                    (long long)t.id));
}

void
ui_topic_create(struct req *r)
{
	topic_post(r, 0);
}

void
ui_topic_update(struct req *r)
{
	topic_post(r, r->pid);
}

void
ui_topic_delete(struct req *r)
{
	posted(r, inbox_topic_delete(r->db, &r->ar, &r->actor, r->pid), "topic",
	       0, NULL, "/admin/inbox?done=topic-deleted#h-topics");
}

/* --- a channel's reply signature
 * ---------------------------------------------- */

void
ui_reply_rule_part(struct req *r, const struct channel *c,
                   const struct verrs *v)
{
	const char *sig = NULL, *example = "";
	if (inbox_reply_rule_get(r->db, &r->ar, &r->actor, c->id, &sig) !=
	        KV_OK ||
	    inbox_reply_signature(r->db, &r->ar, &r->actor, c->id, &example) !=
	        KV_OK)
		return;
	html_lit(r, "<section aria-labelledby=\"h-signature\"><h2 "
	            "id=\"h-signature\">");
	html_tr(r, "How replies are signed");
	html_lit(r, "</h2>\n");
	if (req_query(r, "signature"))
		flash(r, "The signature rule was saved.");
	html_lit(r, "<p>");
	html_tr(r, "Replies sent from the inbox on this channel get a "
	           "signature line under the text.");
	html_lit(r, "</p>\n");
	if (channel_can_edit(r->db, &r->actor, c)) {
		r->idp = "sg-";
		form_begin(r,
		           arena_printf(&r->ar, "/channels/%lld/reply-rule",
		                        (long long)c->id),
		           NULL);
		field_select(r, "signature", "Signature",
		             v ? form_get(r, "signature") : sig,
		             inbox_signatures, signature_labels, v, SELECT_TR);
		form_close(r, N_("Save the signature rule"), NULL);
	} else {
		html_lit(r, "<p>");
		html_txt(
		    r, tr_sub(r, "The rule: %s.", tr(r, signature_label(sig))));
		html_lit(r, "</p>\n");
	}
	html_lit(r, "<p>");
	if (*example) {
		html_tr(r, "Your replies are signed:");
		html_lit(r, " <q class=\"sig\">");
		html_txt(r, example);
		html_lit(r, "</q>");
	} else {
		html_tr(r, "No signature is added.");
	}
	html_lit(r, "</p>\n</section>\n");
}

void
ui_reply_rule_save(struct req *r)
{
	struct verrs v = {0};
	struct channel c;
	const char *sig = form_get(r, "signature");
	enum kv_rc rc = channel_get(r->db, &r->ar, &r->actor, r->pid, &c);
	if (rc == KV_OK)
		rc = inbox_reply_rule_set(r->db, &r->ar, &r->actor, r->pid,
		                          sig ? sig : "", &v);
	if (rc == KV_INVALID) {
		/* only a tampered form gets here: the choices are fixed */
		r->status = 422;
		page_begin(r, tr(r, "How replies are signed"), "channels");
		html_lit(r, "<p class=\"crumbs\"><a href=\"/channels/");
		html_int(r, c.id);
		html_lit(r, "\">");
		html_txt(r, c.name);
		html_lit(r, "</a></p>\n<h1>");
		html_txt(r, c.name);
		html_lit(r, "</h1>\n");
		r->idp = "sg-";
		error_summary(r, &v);
		r->idp = NULL;
		ui_reply_rule_part(r, &c, &v);
		page_end(r);
		return;
	}
	if (rc != KV_OK) {
		iw_fail(r, rc);
		return;
	}
	req_redirect(r, arena_printf(&r->ar,
	                             "/channels/%lld?signature=1#h-signature",
	                             (long long)r->pid));
}
