/*
 * ui_triage.c - the triage rules of the organisation in the HTML UI
 * (issue 5): /admin/triage lists the organisation's own rules (class,
 * ground, language, kind, pattern, weight, enabled, note) with enable,
 * disable and delete buttons and a form for a new rule, the built-in
 * rules for reading, a "try the triage" form that shows what triage
 * makes of a typed text and why, and the registry mailbox case requests
 * are sent to.  Everyone of the organisation reads the page and may try;
 * only administrators see the forms that change something (the domain
 * checks again: 403 for a post by anyone else).
 */
#include "inbox_web.h"
#include "../base/util.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *const kinds[] = {"keyword", "pattern", NULL};
static const char *const kind_labels[] = {N_("Keywords"), N_("Pattern (PCRE2)"),
                                          NULL};

/* Rule classes: neither "other" nor personal data (pdata finds that). */
static const char *const rule_classes[] = {
    "question",     "factual_error", "complaint", "abuse",
    "case_request", "praise",        NULL};
static const char *const rule_class_labels[] = {N_("Question"),
                                                N_("Factual error"),
                                                N_("Complaint"),
                                                N_("Abuse"),
                                                N_("Case request"),
                                                N_("Praise"),
                                                NULL};

/* What a failed form sends back to the page. */
struct triage_err {
	const char *form; /* "rule", "try", "registry" */
	struct verrs *v;
};

/* A try-out to show: the text and its result. */
struct tryout {
	const char *text;
	json_t *result;
};

static const char *
lang_label(const char *l)
{
	for (int i = 0; l && iw_langs[i]; i++)
		if (strcmp(l, iw_langs[i]) == 0)
			return iw_lang_labels[i];
	return N_("All languages");
}

static void
rules_table(struct req *r, const struct triage_rule *rs, int n, int admin,
            int builtin)
{
	table_begin(r, builtin ? N_("Built-in rules")
	                       : N_("The organisation's rules"));
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Class");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Ground");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Language");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Kind");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Keywords or pattern");
	html_lit(r, "</th><th scope=\"col\" class=\"num\">");
	html_tr(r, "Weight");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Enabled");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Note");
	html_lit(r, "</th>");
	if (admin) {
		html_lit(r, "<th scope=\"col\">");
		html_tr(r, "Change");
		html_lit(r, "</th>");
	}
	html_lit(r, "</tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct triage_rule *x = &rs[i];
		html_lit(r, "<tr");
		if (!builtin) {
			html_lit(r, " id=\"rule-");
			html_int(r, x->id);
			html_lit(r, "\"");
		}
		html_lit(r, "><th scope=\"row\">");
		html_tr(r, iw_class_label(x->cls));
		html_lit(r, "</th><td>");
		if (iw_ground_label(x->ground))
			html_tr(r, iw_ground_label(x->ground));
		else
			html_lit(r, "–");
		html_lit(r, "</td><td>");
		html_tr(r, lang_label(x->lang));
		html_lit(r, "</td><td>");
		html_tr(r, x->kind == RULE_PATTERN ? kind_labels[1]
		                                   : kind_labels[0]);
		html_lit(r, "</td><td><code>");
		html_txt(r, x->pattern);
		html_lit(r, "</code></td><td class=\"num\">");
		html_txt(r, arena_printf(&r->ar, "%.2f", x->weight));
		html_lit(r, "</td><td>");
		html_tr(r, x->enabled ? N_("Yes") : N_("No"));
		html_lit(r, "</td><td>");
		html_txt(r, x->note);
		html_lit(r, "</td>");
		if (admin) {
			const char *what = arena_printf(
			    &r->ar, "%s: %s", tr(r, iw_class_label(x->cls)),
			    text_excerpt(r, x->pattern, 40));
			html_lit(r, "<td>");
			form_begin(
			    r,
			    arena_printf(&r->ar,
			                 "/admin/triage/rules/%lld/toggle",
			                 (long long)x->id),
			    "inline");
			html_lit(r, "<button type=\"submit\">");
			html_tr(r, x->enabled ? N_("Disable") : N_("Enable"));
			html_lit(r, "<span class=\"visually-hidden\"> ");
			html_txt(r, what);
			html_lit(r, "</span></button>");
			form_end(r);
			form_begin(
			    r,
			    arena_printf(&r->ar,
			                 "/admin/triage/rules/%lld/delete",
			                 (long long)x->id),
			    "inline");
			html_lit(r, "<button type=\"submit\">");
			html_tr(r, "Delete");
			html_lit(r, "<span class=\"visually-hidden\"> ");
			html_txt(r, what);
			html_lit(r, "</span></button>");
			form_end(r);
			html_lit(r, "</td>");
		}
		html_lit(r, "</tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
}

static void
rule_form(struct req *r, const struct triage_err *e)
{
	const struct verrs *v = e && strcmp(e->form, "rule") == 0 ? e->v : NULL;
	const char *weight = v ? form_get(r, "weight") : "1.0";
	html_lit(r, "<h3 id=\"new-rule\">");
	html_tr(r, "Add a rule");
	html_lit(r, "</h3>\n");
	r->idp = "ru-";
	form_begin(r, "/admin/triage/rules", NULL);
	field_select(r, "class", "Class", v ? form_get(r, "class") : NULL,
	             rule_classes, rule_class_labels, v, SELECT_TR);
	field_select(r, "ground", "Ground (for abuse)",
	             v ? form_get(r, "ground") : NULL, iw_ground_codes,
	             iw_ground_labels, v, SELECT_NONE | SELECT_TR);
	field_select(r, "lang", "Language", v ? form_get(r, "lang") : NULL,
	             iw_langs, iw_lang_labels, v, SELECT_ALL | SELECT_TR);
	field_select(r, "kind", "Kind", v ? form_get(r, "kind") : NULL, kinds,
	             kind_labels, v, SELECT_TR);
	field_text(r, "pattern", "Keywords or pattern",
	           v ? form_get(r, "pattern") : NULL, v, "text", 1,
	           N_("Keywords: words or phrases separated by |, matched on "
	              "word stems (klage finds klagen). Pattern: a PCRE2 "
	              "regular expression, case-insensitive."));
	field_text(r, "weight", "Weight", weight, v, "text", 1,
	           N_("1 decides on its own; 0.2 to 0.8 is evidence; a "
	              "negative weight speaks against the class."));
	html_lit(r, "<div class=\"choice\"><input type=\"checkbox\" "
	            "id=\"f-ru-enabled\" name=\"enabled\" value=\"1\"");
	if (!v || form_get(r, "enabled"))
		html_lit(r, " checked");
	html_lit(r, "><label for=\"f-ru-enabled\">");
	html_tr(r, "Enabled");
	html_lit(r, "</label></div>");
	field_text(r, "note", "Note", v ? form_get(r, "note") : NULL, v, "text",
	           0, N_("Why the rule exists, for the next person."));
	html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, "Add the rule");
	html_lit(r, "</button></p>");
	form_end(r);
	r->idp = NULL;
}

static void
try_result(struct req *r, const struct tryout *t)
{
	json_t *res = t->result, *cl = json_object_get(res, "classes"), *x;
	const char *g = json_string_value(json_object_get(res, "abuse_ground"));
	const char *lang = json_string_value(json_object_get(res, "lang"));
	unsigned classes = 0;
	size_t i;
	json_array_foreach(cl, i, x)
	{
		int c = triage_class_parse(json_string_value(x));
		if (c >= 0)
			classes |= 1u << c;
	}
	html_lit(r, "<section class=\"tryout\" aria-labelledby=\"h-result\">"
	            "<h3 id=\"h-result\" tabindex=\"-1\">");
	html_tr(r, "What triage makes of it");
	html_lit(r, "</h3>\n<p class=\"classes\">");
	iw_class_badges(r, classes, g ? abuse_ground_parse(g) : AG_NONE);
	if (json_is_true(json_object_get(res, "hard")))
		iw_hard_badge(r);
	html_lit(r, "</p>\n<dl class=\"props\">");
	html_lit(r, "<dt>");
	html_tr(r, "Language");
	html_lit(r, "</dt><dd>");
	html_tr(r, lang ? lang_label(lang) : N_("Unknown"));
	html_lit(r, "</dd><dt>");
	html_tr(r, "Must be answered");
	html_lit(r, "</dt><dd>");
	html_tr(r, json_is_true(json_object_get(res, "needs_answer"))
	               ? N_("Yes")
	               : N_("No"));
	html_lit(r, "</dd></dl>\n<blockquote class=\"item-text\"><p>");
	iw_marked_text(r, t->text, json_object_get(res, "personal_data"));
	html_lit(r, "</p></blockquote>\n");
	iw_explain(r, json_object_get(res, "explain"));
	html_lit(r, "</section>\n");
}

static void
triage_page(struct req *r, const struct triage_err *e, const struct tryout *t)
{
	struct triage_rule *rs = NULL;
	const struct triage_rule *defs;
	const char *mb = "";
	int n = 0, ndefs = 0, admin = actor_is_admin(&r->actor);
	const struct verrs *tv = e && strcmp(e->form, "try") == 0 ? e->v : NULL;
	const struct verrs *mv =
	    e && strcmp(e->form, "registry") == 0 ? e->v : NULL;
	const char *done = req_query(r, "done");
	enum kv_rc rc = triage_rule_list(r->db, &r->ar, &r->actor, &rs, &n);
	if (rc == KV_OK)
		rc = registry_mailbox_get(r->db, &r->ar, &r->actor, &mb);
	if (rc != KV_OK) {
		iw_fail(r, rc);
		return;
	}
	defs = triage_default_rules(&ndefs);
	page_begin(r, tr(r, "Triage rules and registry"), "inbox");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/inbox\">");
	html_tr(r, "Inbox");
	html_lit(r, "</a></p>\n<h1>");
	html_tr(r, "Triage rules and registry");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "Every comment is triaged on arrival by rules you can read "
	           "and change here, together with a classifier that learns "
	           "from the moderators' corrections.");
	html_lit(r, " <a href=\"/admin/inbox\">");
	html_tr(r, "Inbox settings");
	html_lit(r, "</a></p>\n");
	if (done && strcmp(done, "rule") == 0)
		flash(r, "The rule was saved.");
	else if (done && strcmp(done, "deleted") == 0)
		flash(r, "The rule was deleted.");
	else if (done && strcmp(done, "registry") == 0)
		flash(r, "The registry mailbox was saved.");
	if (e && e->v && e->v->n) {
		r->idp = strcmp(e->form, "rule") == 0  ? "ru-"
		         : strcmp(e->form, "try") == 0 ? "tr-"
		                                       : "rg-";
		error_summary(r, e->v);
		r->idp = NULL;
	}

	/* the try-out first: it is what most people come for */
	html_lit(r, "<section aria-labelledby=\"h-try\"><h2 id=\"h-try\">");
	html_tr(r, "Try the triage");
	html_lit(r, "</h2>\n");
	r->idp = "tr-";
	form_begin(r, "/admin/triage/try#h-result", NULL);
	field_textarea(r, "text", "Text to try", t ? t->text : NULL, tv,
	               N_("Nothing you type here is stored."));
	field_select(r, "lang", "Language", t ? form_get(r, "lang") : NULL,
	             iw_langs, iw_lang_labels, tv, SELECT_NONE | SELECT_TR);
	html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, "Try");
	html_lit(r, "</button></p>");
	form_end(r);
	r->idp = NULL;
	if (t && t->result)
		try_result(r, t);
	html_lit(r, "</section>\n");

	html_lit(r, "<section aria-labelledby=\"h-rules\"><h2 id=\"h-rules\">");
	html_tr(r, "The organisation's rules");
	html_lit(r, "</h2>\n");
	if (!admin) {
		html_lit(r, "<p>");
		html_tr(r, "Only administrators change the rules.");
		html_lit(r, "</p>\n");
	}
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r,
		        "No rules of your own yet: the built-in rules and the "
		        "classifier decide.");
		html_lit(r, "</p>\n");
	} else {
		rules_table(r, rs, n, admin, 0);
	}
	if (admin)
		rule_form(r, e);
	html_lit(r, "<details><summary>");
	html_txt(r, tr_sub(r, "The %s built-in rules",
	                   arena_printf(&r->ar, "%d", ndefs)));
	html_lit(r, "</summary>\n");
	rules_table(r, defs, ndefs, 0, 1);
	html_lit(r, "</details>\n</section>\n");

	html_lit(r, "<section aria-labelledby=\"h-mailbox\"><h2 "
	            "id=\"h-mailbox\">");
	html_tr(r, "Registry mailbox");
	html_lit(r, "</h2>\n<p>");
	html_tr(r, "Case requests are sent by e-mail to the organisation's "
	           "registry (postmottak), which answers with a journal "
	           "reference.");
	html_lit(r, "</p>\n");
	if (admin) {
		r->idp = "rg-";
		form_begin(r, "/admin/triage/registry", NULL);
		field_text(r, "mailbox", "Registry mailbox",
		           mv ? form_get(r, "mailbox") : mb, mv, "email", 0,
		           N_("For example postmottak@kommune.no. Leave it "
		              "empty to stop sending."));
		html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
		html_tr(r, "Save the mailbox");
		html_lit(r, "</button></p>");
		form_end(r);
		r->idp = NULL;
	} else {
		html_lit(r, "<p>");
		if (*mb)
			html_txt(
			    r, tr_sub(r, "Case requests are sent to %s.", mb));
		else
			html_tr(r, "No registry mailbox is set up yet.");
		html_lit(r, "</p>\n");
	}
	html_lit(r, "</section>\n");
	page_end(r);
}

void
ui_triage(struct req *r)
{
	triage_page(r, NULL, NULL);
}

static void
again(struct req *r, enum kv_rc rc, const char *form, struct verrs *v)
{
	struct triage_err e = {form, v};
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		iw_fail(r, rc);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	triage_page(r, &e, NULL);
}

void
ui_triage_rule_create(struct req *r)
{
	struct verrs v = {0};
	struct triage_rule t;
	const char *cls = form_get(r, "class"), *ground = form_get(r, "ground");
	const char *kind = form_get(r, "kind"), *lang = form_get(r, "lang");
	const char *weight = form_get(r, "weight");
	char *end = NULL;
	enum kv_rc rc;
	memset(&t, 0, sizeof(t));
	if (!actor_is_admin(&r->actor)) {
		html_error(r, 403);
		return;
	}
	if (cls == NULL || (t.cls = triage_class_parse(cls)) < 0)
		verr_add(&v, "class", "must be chosen from the list");
	if (ground && *ground && (t.ground = abuse_ground_parse(ground)) < 0)
		verr_add(&v, "ground", "must be chosen from the list");
	t.lang = lang && *lang ? lang : NULL;
	t.kind =
	    kind && strcmp(kind, "pattern") == 0 ? RULE_PATTERN : RULE_KEYWORD;
	t.pattern = form_get(r, "pattern");
	if (t.pattern == NULL || *t.pattern == '\0')
		verr_add(&v, "pattern", "Write the keywords or the pattern");
	if (weight == NULL || *weight == '\0')
		verr_add(&v, "weight", "Write a number, e.g. 0.8");
	else {
		char *w = arena_strdup(&r->ar, weight);
		/* a decimal comma is fine too */
		if (strchr(w, ','))
			*strchr(w, ',') = '.';
		t.weight = strtod(w, &end);
		if (end == w || *end != '\0' || t.weight < -10 || t.weight > 10)
			verr_add(&v, "weight", "Write a number, e.g. 0.8");
	}
	t.enabled = form_get(r, "enabled") != NULL;
	t.note = form_get(r, "note");
	if (t.note && *t.note == '\0')
		t.note = NULL;
	rc = v.n ? KV_INVALID
	         : triage_rule_create(r->db, &r->ar, &r->actor, &t, &v);
	if (rc != KV_OK) {
		again(r, rc, "rule", &v);
		return;
	}
	req_redirect(r,
	             arena_printf(&r->ar, "/admin/triage?done=rule#rule-%lld",
	                          (long long)t.id));
}

void
ui_triage_rule_toggle(struct req *r)
{
	struct verrs v = {0};
	struct triage_rule *rs = NULL, t;
	int n = 0, found = 0;
	enum kv_rc rc = triage_rule_list(r->db, &r->ar, &r->actor, &rs, &n);
	for (int i = 0; rc == KV_OK && i < n; i++)
		if (rs[i].id == r->pid) {
			t = rs[i];
			found = 1;
		}
	if (rc == KV_OK && !found)
		rc = KV_NOTFOUND;
	if (rc == KV_OK) {
		t.enabled = !t.enabled;
		rc = triage_rule_update(r->db, &r->ar, &r->actor, &t, &v);
	}
	if (rc != KV_OK) {
		again(r, rc, "rule", &v);
		return;
	}
	req_redirect(r,
	             arena_printf(&r->ar, "/admin/triage?done=rule#rule-%lld",
	                          (long long)r->pid));
}

void
ui_triage_rule_delete(struct req *r)
{
	enum kv_rc rc = triage_rule_delete(r->db, &r->ar, &r->actor, r->pid);
	if (rc != KV_OK) {
		iw_fail(r, rc);
		return;
	}
	req_redirect(r, "/admin/triage?done=deleted#h-rules");
}

void
ui_triage_try(struct req *r)
{
	struct verrs v = {0};
	struct triage_result res;
	struct tryout t = {form_get(r, "text"), NULL};
	const char *lang = form_get(r, "lang");
	const struct triage_engine *e;
	if (iw_blank(t.text))
		verr_add(&v, "text", "Write a text to try");
	else if (strlen(t.text) > TRIAGE_MAX_TEXT)
		verr_add(&v, "text", "is too long");
	if (lang && *lang && lang_parse(lang) < 0)
		verr_add(&v, "lang", "must be chosen from the list");
	if (v.n) {
		again(r, KV_INVALID, "try", &v);
		return;
	}
	e = inbox_engine_get(r->db, r->actor.org_id);
	if (e == NULL) {
		html_error(r, 500);
		return;
	}
	triage_run(e, t.text, strlen(t.text), lang && *lang ? lang : NULL,
	           &res);
	inbox_engine_put(e);
	t.result = triage_result_json(&res);
	triage_page(r, NULL, &t);
	json_decref(t.result);
}

void
ui_registry_save(struct req *r)
{
	struct verrs v = {0};
	const char *mb = form_get(r, "mailbox");
	enum kv_rc rc =
	    registry_mailbox_set(r->db, &r->ar, &r->actor, mb ? mb : "", &v);
	if (rc != KV_OK) {
		again(r, rc, "registry", &v);
		return;
	}
	req_redirect(r, "/admin/triage?done=registry#h-mailbox");
}
