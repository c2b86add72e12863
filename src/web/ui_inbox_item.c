/*
 * ui_inbox_item.c - one inbox item in the HTML UI (issue 5): /inbox/:id
 * shows the item (channel, author, link to the platform, when the
 * platform showed it, the answer duty), the post it answers, the text
 * with personal data marked, the triage and why, the notes and
 * everything done (replies, removals with the evidence hash and the
 * police pack, registry sends with reference and journal reference); and
 * the forms that work it, each posting to its own route:
 *   assign (a person, or me)        POST /inbox/:id/assign
 *   close without a reply / reopen  POST /inbox/:id/mark
 *   correct the classes (a label)   POST /inbox/:id/classes
 *   note                            POST /inbox/:id/notes
 *   reply through the platform      POST /inbox/:id/reply
 *   remove (with a confirmation)    POST /inbox/:id/remove
 *   send to the registry, journal   POST /inbox/:id/registry, …/journal
 * On success each redirects back with ?done=…; on an error the page comes
 * back (422, 409 or 502 when the platform refused, in its own words) with
 * the error beside the field and what was typed kept.  Whether a person
 * may see or work the item is decided by the domain (inbox_get,
 * inbox_work_get): 404 for an item of another unit, 403 for a form post
 * by someone who may only look.
 */
#include "inbox_web.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

/* What went wrong in which form, for the page shown again. */
struct item_err {
	const char *form; /* "assign", "mark", "classes", "note", "reply",
	                     "remove", "registry", "journal" */
	struct verrs *v;
	const char *platform; /* the platform's words */
	const char *msgid;    /* a conflict in words */
};

/* --- small helpers
 * ------------------------------------------------------------------- */

static const char *
js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s && *s ? s : NULL;
}

/* An ISO time from act_history as local time ("–" when absent). */
static const char *
iso_local(struct req *r, const char *iso)
{
	int64_t t;
	if (iso == NULL || time_parse_iso(iso, &t) != 0)
		return "–";
	return fmt_time(r, t);
}

static void
dt(struct req *r, const char *label)
{
	html_lit(r, "<dt>");
	html_tr(r, label);
	html_lit(r, "</dt><dd>");
}

static void
dd_txt(struct req *r, const char *label, const char *value)
{
	dt(r, label);
	if (value && *value)
		html_txt(r, value);
	else
		html_lit(r, "–");
	html_lit(r, "</dd>");
}

/* The field errors for form name (NULL unless it failed). */
static const struct verrs *
errs_of(const struct item_err *e, const char *name)
{
	return e && e->form && strcmp(e->form, name) == 0 ? e->v : NULL;
}

/* What was typed into form name's field (only when that form failed). */
static const char *
typed(struct req *r, const struct item_err *e, const char *name,
      const char *field)
{
	return e && e->form && strcmp(e->form, name) == 0 ? form_get(r, field)
	                                                  : NULL;
}

static int
safe_lang(const char *l)
{
	return l && *l && strlen(l) <= 3 &&
	       strspn(l, "abcdefghijklmnopqrstuvwxyz") == strlen(l);
}

static void
lang_attr(struct req *r, const char *l)
{
	if (safe_lang(l)) {
		html_lit(r, " lang=\"");
		html_attr(r, l);
		html_lit(r, "\"");
	}
}

static void
section(struct req *r, const char *id, const char *title)
{
	html_lit(r, "<section class=\"work\" aria-labelledby=\"h-");
	html_attr(r, id);
	html_lit(r, "\"><h2 id=\"h-");
	html_attr(r, id);
	html_lit(r, "\">");
	html_tr(r, title);
	html_lit(r, "</h2>\n");
}

static void
section_end(struct req *r)
{
	html_lit(r, "</section>\n");
}

/* --- the parts of the page
 * ------------------------------------------------------------- */

static void
about(struct req *r, const struct inbox_row *row, int64_t now)
{
	const struct capture_row *it = &row->item;
	html_lit(r, "<dl class=\"props\">");
	dt(r, N_("Channel"));
	html_lit(r, "<a href=\"/channels/");
	html_int(r, it->channel_id);
	html_lit(r, "\">");
	html_txt(r, it->channel_name);
	html_lit(r, "</a></dd>");
	dt(r, N_("Author"));
	html_txt(r, it->author_name && *it->author_name ? it->author_name
	                                                : it->author_handle);
	if (it->author_handle && *it->author_handle && it->author_name &&
	    *it->author_name) {
		html_lit(r, " <span class=\"muted\">");
		html_txt(r, it->author_handle);
		html_lit(r, "</span>");
	}
	html_lit(r, "</dd>");
	dt(r, N_("On the platform"));
	if (it->url && (str_starts(it->url, "https://") ||
	                str_starts(it->url, "http://"))) {
		html_lit(r, "<a rel=\"noopener noreferrer\" href=\"");
		html_attr(r, it->url);
		html_lit(r, "\">");
		html_tr(r, "Open on the platform");
		html_lit(r, "</a>");
	} else {
		html_lit(r, "–");
	}
	html_lit(r, "</dd>");
	dd_txt(r, N_("Shown on the platform"),
	       row->shown_at ? fmt_time(r, row->shown_at) : NULL);
	dt(r, N_("Answer duty"));
	iw_due(r, row, now);
	if (row->escalation > 0) {
		html_lit(r, "<br>");
		html_tr(r, row->escalation >= 2
		               ? N_("Escalated to the communications unit")
		               : N_("Escalated to the unit manager"));
	}
	html_lit(r, "</dd>");
	dt(r, N_("State"));
	iw_state_badge(r, row->state);
	if (iw_outcome_label(row->outcome)) {
		html_lit(r, " ");
		html_txt(r, tr_sub(r, "outcome: %s",
		                   tr(r, iw_outcome_label(row->outcome))));
	}
	if (row->answered_at) {
		html_lit(r, "<br>");
		html_txt(
		    r, tr_sub(r, "answered %s", fmt_time(r, row->answered_at)));
	}
	html_lit(r, "</dd>");
	dd_txt(r, N_("Why no answer is needed"), row->no_answer_reason);
	dd_txt(r, N_("Assigned to"),
	       row->assignee_id ? row->assignee_name : NULL);
	dd_txt(r, N_("Unit"), row->unit_name);
	dd_txt(r, N_("Topic"), row->topic_id ? row->topic_name : NULL);
	dd_txt(r, N_("Journal reference"), row->journal_ref);
	dt(r, N_("Captured item"));
	html_lit(r, "<a href=\"/items/");
	html_int(r, it->id);
	html_lit(r, "\">");
	html_tr(r, "Every version and event");
	html_lit(r, "</a></dd></dl>\n");
}

/* The post or comment this item answers, when it was captured. */
static void
thread(struct req *r, const struct inbox_row *row)
{
	struct capture_row p;
	struct capture_version *vs;
	struct capture_event *es;
	int nv, ne;
	int64_t pid = item_by_platform_id(r, row->item.channel_id,
	                                  row->item.parent_platform_id);
	if (pid == 0 || capture_get(r->db, &r->ar, &r->actor, pid, &p, &vs, &nv,
	                            &es, &ne) != KV_OK)
		return;
	html_lit(r, "<h2>");
	html_tr(r, "It answers");
	html_lit(r, "</h2>\n<figure class=\"parent\"><blockquote "
	            "class=\"item-text\"");
	lang_attr(r, p.lang);
	html_lit(r, "><p>");
	if (p.text && *p.text)
		html_lines(r, text_excerpt(r, p.text, 1200));
	else
		html_tr(r, "(no text)");
	html_lit(r, "</p></blockquote><figcaption>");
	html_txt(r, p.author_name && *p.author_name ? p.author_name
	                                            : p.author_handle);
	html_lit(r, ", ");
	html_txt(r, fmt_time(r, p.created_at ? p.created_at : p.first_seen_at));
	html_lit(r, " · <a href=\"/items/");
	html_int(r, p.id);
	html_lit(r, "\">");
	html_tr(r, item_type_label(p.type));
	html_lit(r, "</a></figcaption></figure>\n");
}

static void
triage_part(struct req *r, const struct inbox_row *row, json_t *tj)
{
	json_t *pd = json_object_get(tj, "personal_data");
	size_t i;
	json_t *h;
	html_lit(r, "<h2 id=\"triage\">");
	html_tr(r, "Triage");
	html_lit(r, "</h2>\n<p>");
	iw_class_badges(r, row->classes, row->ground);
	if (row->hard)
		iw_hard_badge(r);
	html_lit(r, "</p>\n");
	if (row->hard && row->hard_reason) {
		html_lit(r, "<p>");
		html_txt(r, tr_sub(r, "Why it is a hard case: %s",
		                   tr(r, iw_hard_label(row->hard_reason))));
		html_lit(r, "</p>\n");
	}
	if (json_array_size(pd) > 0) {
		html_lit(r, "<p>");
		html_tr(r, "Personal data found:");
		html_lit(r, "</p><ul>");
		json_array_foreach(pd, i, h)
		{
			html_lit(r, "<li>");
			html_tr(r, iw_pdata_label(js(h, "kind")));
			html_lit(r, "</li>");
		}
		html_lit(r, "</ul>\n");
	}
	if (json_array_size(json_object_get(tj, "explain")) > 0) {
		html_lit(r, "<h3>");
		html_tr(r, "Why triage decided so");
		html_lit(r, "</h3>\n");
		iw_explain(r, json_object_get(tj, "explain"));
	}
}

static void
notes_part(struct req *r, const struct inbox_row *row, int work,
           const struct item_err *e)
{
	struct inbox_note *ns = NULL;
	int n = 0;
	section(r, "notes", N_("Notes"));
	if (inbox_note_list(r->db, &r->ar, &r->actor, row->item.id, &ns, &n) !=
	        KV_OK ||
	    n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No notes yet.");
		html_lit(r, "</p>\n");
	} else {
		html_lit(r, "<ol class=\"comments\">");
		for (int i = 0; i < n; i++) {
			html_lit(r, "<li><p class=\"meta\">");
			html_txt(r, ns[i].author);
			html_lit(r, ", <time>");
			html_txt(r, fmt_time(r, ns[i].created_at));
			html_lit(r, "</time></p><p>");
			html_lines(r, ns[i].text);
			html_lit(r, "</p></li>");
		}
		html_lit(r, "</ol>\n");
	}
	if (work) {
		r->idp = "nt-";
		form_begin(r,
		           arena_printf(&r->ar, "/inbox/%lld/notes",
		                        (long long)row->item.id),
		           NULL);
		field_textarea(r, "text", "New note",
		               typed(r, e, "note", "text"), errs_of(e, "note"),
		               N_("Only people in kanalvakt see notes."));
		iw_submit(r, N_("Add the note"));
		form_end(r);
		r->idp = NULL;
	}
	section_end(r);
}

static void
assign_part(struct req *r, const struct inbox_row *row,
            const struct item_err *e)
{
	const char **codes, **labels;
	const char *cur = typed(r, e, "assign", "person_id");
	if (person_choices(r, &codes, &labels) != 0)
		return;
	if (cur == NULL && row->assignee_id)
		cur = arena_printf(&r->ar, "%lld", (long long)row->assignee_id);
	section(r, "assign", N_("Assignment"));
	r->idp = "as-";
	form_begin(
	    r,
	    arena_printf(&r->ar, "/inbox/%lld/assign", (long long)row->item.id),
	    NULL);
	field_select(r, "person_id", "Assigned to", cur, codes, labels,
	             errs_of(e, "assign"), SELECT_NONE);
	html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, "Assign");
	html_lit(r, "</button> <button type=\"submit\" name=\"me\" "
	            "value=\"1\">");
	html_tr(r, "Assign to me");
	html_lit(r, "</button></p>");
	form_end(r);
	r->idp = NULL;
	section_end(r);
}

static void
reply_part(struct req *r, const struct inbox_row *row, json_t *registry,
           const struct item_err *e)
{
	struct saved_reply *sr = NULL;
	int nsr = 0, limit = act_reply_limit(row->item.platform);
	const char *sig = "", *text = typed(r, e, "reply", "text");
	const char *saved = req_query(r, "saved"), *done = req_query(r, "done");
	const struct verrs *v = errs_of(e, "reply");
	const char *err = verr_for(v, "text");
	int64_t saved_id = 0;
	char msg[600];

	if (inbox_reply_signature(r->db, &r->ar, &r->actor,
	                          row->item.channel_id, &sig) != KV_OK)
		sig = "";
	saved_reply_list(r->db, &r->ar, &r->actor,
	                 safe_lang(row->lang) ? row->lang : NULL, row->unit_id,
	                 &sr, &nsr);
	if (saved && parse_i64(saved, &saved_id) != 0)
		saved_id = 0;
	section(r, "reply", N_("Reply"));
	if (nsr > 0) {
		/* a GET form: works without the script, which inserts the
		 * text in place instead */
		html_lit(r, "<form method=\"get\" action=\"/inbox/");
		html_int(r, row->item.id);
		html_lit(r, "#reply\" class=\"saved-replies\"><div "
		            "class=\"field\"><label for=\"f-saved\">");
		html_tr(r, "Saved reply");
		html_lit(r, "</label><select id=\"f-saved\" name=\"saved\">");
		for (int i = 0; i < nsr; i++) {
			html_lit(r, "<option value=\"");
			html_int(r, sr[i].id);
			html_lit(r, "\" data-body=\"");
			html_attr(r, sr[i].body);
			html_lit(r, "\"");
			if (sr[i].id == saved_id) {
				html_lit(r, " selected");
				if (text == NULL)
					text = sr[i].body;
			}
			html_lit(r, ">");
			html_txt(r, sr[i].title);
			html_lit(r, "</option>");
		}
		html_lit(r, "</select></div><p class=\"actions\"><button "
		            "type=\"submit\">");
		html_tr(r, "Insert the saved reply");
		html_lit(r, "</button></p></form>\n");
	}
	if (text == NULL && done && strcmp(done, "registry") == 0 &&
	    json_array_size(registry) > 0 &&
	    js(json_array_get(registry, 0), "reference")) {
		act_registry_message(
		    row->lang, js(json_array_get(registry, 0), "reference"),
		    msg, sizeof(msg));
		text = msg;
		html_lit(r, "<p class=\"notice\">");
		html_tr(r, "A suggested reply to the sender about the duty to "
		           "document is in the box below. Read it through "
		           "before you send it.");
		html_lit(r, "</p>\n");
	}
	form_begin(
	    r,
	    arena_printf(&r->ar, "/inbox/%lld/reply", (long long)row->item.id),
	    NULL);
	html_lit(r, "<div class=\"field\"><label for=\"f-rp-text\">");
	html_tr(r, "Your reply");
	html_lit(r, "</label>");
	if (err) {
		html_lit(r, "<p class=\"error\" id=\"e-rp-text\"><strong>");
		html_tr(r, "Error:");
		html_lit(r, "</strong> ");
		html_tr(r, err);
		html_lit(r, "</p>");
	}
	html_lit(r, "<textarea id=\"f-rp-text\" name=\"text\" rows=\"6\"");
	lang_attr(r, row->lang);
	html_lit(r, " aria-describedby=\"rp-sig rp-count");
	if (err)
		html_lit(r, " e-rp-text\" aria-invalid=\"true");
	html_lit(r, "\">");
	html_txt(r, text ? text : "");
	html_lit(r, "</textarea><p class=\"hint\" id=\"rp-sig\">");
	if (sig && *sig) {
		html_tr(r, "Signed automatically, by the channel's rule:");
		html_lit(r, " <q class=\"sig\">");
		html_txt(r, sig);
		html_lit(r, "</q>");
	} else {
		html_tr(r, "The channel's rule adds no signature.");
	}
	html_lit(r, "</p><p class=\"hint\" id=\"rp-count\"");
	if (limit > 0) {
		html_lit(r, " data-limit=\"");
		html_int(r, limit);
		html_lit(r, "\" data-extra=\"");
		/* the signature goes under the text, on its own line */
		html_int(r, sig && *sig ? (int64_t)utf8_len(sig) + 1 : 0);
		html_lit(r, "\" data-tpl=\"");
		html_tr(r, "{n} of {max} characters, with the signature");
		html_lit(r, "\" data-over=\"");
		html_tr(r, "{n} of {max} characters, with the signature: too "
		           "long for the platform");
		html_lit(r, "\">");
		html_txt(r, tr_sub(r,
		                   "The platform takes at most %s characters, "
		                   "with the signature.",
		                   arena_printf(&r->ar, "%d", limit)));
	} else {
		html_lit(r, ">");
	}
	html_lit(r, "</p></div>");
	iw_submit(r, N_("Send the reply"));
	form_end(r);
	section_end(r);
}

static void
close_part(struct req *r, const struct inbox_row *row, const struct item_err *e)
{
	const struct verrs *v = errs_of(e, "mark");
	const char *state = typed(r, e, "mark", "state");
	const char *outcome = typed(r, e, "mark", "outcome");
	static const char *const outcomes[] = {"helped", "referred", NULL};
	static const char *const outcome_l[] = {N_("Helped"), N_("Referred"),
	                                        NULL};
	int closed = row->state == IS_ANSWERED || row->state == IS_NO_ANSWER;
	if (outcome == NULL &&
	    (row->outcome == IO_HELPED || row->outcome == IO_REFERRED))
		outcome = inbox_outcome_name(row->outcome);
	section(r, "close",
	        closed ? N_("Closed: change or reopen")
	               : N_("Close without a reply"));
	r->idp = "mk-";
	form_begin(
	    r,
	    arena_printf(&r->ar, "/inbox/%lld/mark", (long long)row->item.id),
	    NULL);
	html_lit(r, "<fieldset id=\"f-mk-state\"><legend>");
	html_tr(r, "What happened");
	html_lit(r, "</legend>");
	iw_group_error(r, v, "state");
	iw_radio(r, "state", "no_answer", N_("No answer is needed"),
	         state ? strcmp(state, "no_answer") == 0 : !closed);
	iw_radio(r, "state", "answered",
	         N_("Answered elsewhere (phone, e-mail, at the counter)"),
	         state && strcmp(state, "answered") == 0);
	if (closed)
		iw_radio(r, "state", "new",
		         N_("Reopen: it needs work after all"),
		         state && strcmp(state, "new") == 0);
	html_lit(r, "</fieldset>");
	field_textarea(r, "reason", "Why no answer is needed",
	               typed(r, e, "mark", "reason"), v,
	               N_("Needed when no answer is needed; kept for the "
	                  "report."));
	field_select(r, "outcome", "Outcome for the person", outcome, outcomes,
	             outcome_l, v, SELECT_NONE | SELECT_TR);
	iw_submit(r, N_("Save"));
	form_end(r);
	r->idp = NULL;
	section_end(r);
}

static void
classes_part(struct req *r, const struct inbox_row *row,
             const struct item_err *e)
{
	const struct verrs *v = errs_of(e, "classes");
	int failed = v != NULL;
	const char *ground =
	    failed ? form_get(r, "ground") : abuse_ground_name(row->ground);
	section(r, "classes", N_("Correct the triage"));
	html_lit(r, "<p>");
	html_tr(r, "Your decision is kept as an example the classifier "
	           "learns from.");
	html_lit(r, "</p>\n");
	r->idp = "cl-";
	form_begin(r,
	           arena_printf(&r->ar, "/inbox/%lld/classes",
	                        (long long)row->item.id),
	           NULL);
	html_lit(r, "<fieldset id=\"f-cl-classes\"><legend>");
	html_tr(r, "Classes");
	html_lit(r, "</legend>");
	iw_group_error(r, v, "classes");
	for (int c = 0; c < TC__COUNT; c++) {
		int on = (row->classes >> c) & 1u;
		if (failed) {
			on = 0;
			for (int i = 0; i < r->nform; i++)
				if (strcmp(r->form[i].k, "classes") == 0 &&
				    strcmp(r->form[i].v,
				           triage_class_name(c)) == 0)
					on = 1;
		}
		iw_checkbox(r, "classes", triage_class_name(c),
		            arena_printf(&r->ar, "f-cl-classes-%s",
		                         triage_class_name(c)),
		            iw_class_label(c), on, 1);
	}
	html_lit(r, "</fieldset>");
	field_select(r, "ground", "Ground (for abuse)", ground, iw_ground_codes,
	             iw_ground_labels, v, SELECT_NONE | SELECT_TR);
	html_lit(r, "<input type=\"hidden\" name=\"hard_shown\" value=\"1\">");
	iw_checkbox(r, "hard", "1", "f-cl-hard",
	            N_("Hard case: check with communications"),
	            failed ? form_get(r, "hard") != NULL : row->hard, 1);
	iw_submit(r, N_("Save the classes"));
	form_end(r);
	r->idp = NULL;
	section_end(r);
}

static void
remove_part(struct req *r, const struct inbox_row *row,
            const struct item_err *e)
{
	const struct verrs *v = errs_of(e, "remove");
	const char *action = typed(r, e, "remove", "action");
	const char *ground =
	    v ? form_get(r, "ground") : abuse_ground_name(row->ground);
	section(r, "remove", N_("Remove"));
	html_lit(r, "<p>");
	html_tr(r, "Before anything is hidden or deleted, the text and what "
	           "the platform sent are frozen as evidence with a SHA-256 "
	           "hash. The archived copy is never destroyed.");
	html_lit(r, "</p>\n");
	r->idp = "rm-";
	form_begin(
	    r,
	    arena_printf(&r->ar, "/inbox/%lld/remove", (long long)row->item.id),
	    NULL);
	html_lit(r, "<fieldset id=\"f-rm-action\"><legend>");
	html_tr(r, "How");
	html_lit(r, "</legend>");
	iw_group_error(r, v, "action");
	iw_radio(r, "action", "hide", N_("Hide it on the platform"),
	         action == NULL || strcmp(action, "hide") == 0);
	iw_radio(r, "action", "delete", N_("Delete it on the platform"),
	         action && strcmp(action, "delete") == 0);
	iw_radio(r, "action", "manual",
	         N_("I remove it on the platform by hand"),
	         action && strcmp(action, "manual") == 0);
	html_lit(r, "</fieldset>");
	field_select(r, "ground", "Ground", ground, iw_ground_codes,
	             iw_ground_labels, v, SELECT_NONE | SELECT_TR);
	field_textarea(r, "note", "Note", typed(r, e, "remove", "note"), v,
	               NULL);
	iw_submit(r, N_("Remove…"));
	form_end(r);
	r->idp = NULL;
	section_end(r);
}

static void
registry_part(struct req *r, const struct inbox_row *row, json_t *registry,
              const struct item_err *e)
{
	const char *mb = "";
	int dir = r->app->registry_dir && *r->app->registry_dir;
	section(r, "registry", N_("Registry"));
	if (registry_mailbox_get(r->db, &r->ar, &r->actor, &mb) != KV_OK)
		mb = "";
	if (!*mb && !dir) {
		html_lit(r, "<p class=\"notice\">");
		html_tr(r,
		        "No registry mailbox is set up yet. An administrator "
		        "sets it on the page Triage rules and registry.");
		html_lit(r, "</p>\n");
	} else if (*mb) {
		html_lit(r, "<p>");
		html_txt(r, tr_sub(r, "Case requests are sent to %s.", mb));
		html_lit(r, "</p>\n");
	}
	r->idp = "rg-";
	form_begin(r,
	           arena_printf(&r->ar, "/inbox/%lld/registry",
	                        (long long)row->item.id),
	           NULL);
	field_textarea(r, "note", "Note to the registry",
	               typed(r, e, "registry", "note"), errs_of(e, "registry"),
	               N_("The text, the sender, the time and a link go "
	                  "with it."));
	iw_submit(r, N_("Send to the registry"));
	form_end(r);
	if (json_array_size(registry) > 0) {
		r->idp = "jr-";
		form_begin(r,
		           arena_printf(&r->ar, "/inbox/%lld/journal",
		                        (long long)row->item.id),
		           NULL);
		field_text(r, "journal_ref", "Journal reference",
		           e && e->form && strcmp(e->form, "journal") == 0
		               ? form_get(r, "journal_ref")
		               : row->journal_ref,
		           errs_of(e, "journal"), "text", 1,
		           N_("As the registry answered, e.g. 2027/01234-1."));
		iw_submit(r, N_("Save the journal reference"));
		form_end(r);
	}
	r->idp = NULL;
	section_end(r);
}

static const char *
reply_state_label(const char *s)
{
	if (s == NULL)
		return "";
	if (strcmp(s, "sent") == 0)
		return N_("Sent");
	if (strcmp(s, "failed") == 0)
		return N_("Failed");
	if (strcmp(s, "sending") == 0)
		return N_("Sending");
	return s;
}

static const char *
removal_label(const char *action, const char *status)
{
	if (status && strcmp(status, "manual") == 0)
		return N_("Removed by hand on the platform");
	if (status && strcmp(status, "unsupported") == 0)
		return N_("The platform cannot do it: remove it by hand");
	if (status && strcmp(status, "failed") == 0)
		return N_("The platform refused");
	if (action && strcmp(action, "delete") == 0)
		return N_("Deleted on the platform");
	if (action && strcmp(action, "manual") == 0)
		return N_("Removed by hand on the platform");
	return N_("Hidden on the platform");
}

static void
history(struct req *r, json_t *replies, json_t *removals, json_t *registry)
{
	size_t i;
	json_t *o;
	html_lit(r, "<h2 id=\"history\">");
	html_tr(r, "What was done");
	html_lit(r, "</h2>\n");
	if (json_array_size(replies) + json_array_size(removals) +
	        json_array_size(registry) ==
	    0) {
		html_lit(r, "<p>");
		html_tr(r, "Nothing yet.");
		html_lit(r, "</p>\n");
		return;
	}
	html_lit(r, "<ol class=\"history\">");
	json_array_foreach(replies, i, o)
	{
		html_lit(r, "<li><time>");
		html_txt(r, iso_local(r, js(o, "created_at")));
		html_lit(r, "</time> ");
		html_txt(r, tr_sub(r, "Reply by %s", js(o, "person_name")));
		html_lit(r, ": <strong>");
		html_tr(r, reply_state_label(js(o, "state")));
		html_lit(r, "</strong>");
		if (js(o, "error")) {
			html_lit(r, " <span lang=\"en\">(");
			html_txt(r, js(o, "error"));
			html_lit(r, ")</span>");
		}
		html_lit(r, "<blockquote class=\"item-text\"><p>");
		html_lines(r, js(o, "signed_text"));
		html_lit(r, "</p></blockquote></li>");
	}
	json_array_foreach(removals, i, o)
	{
		json_int_t id = json_integer_value(json_object_get(o, "id"));
		html_lit(r, "<li><time>");
		html_txt(r, iso_local(r, js(o, "frozen_at")));
		html_lit(r, "</time> ");
		html_txt(r, tr_sub(r, "Removal by %s", js(o, "person_name")));
		html_lit(r, ": <strong>");
		html_tr(r, removal_label(js(o, "action"),
		                         js(o, "platform_status")));
		html_lit(r, "</strong>");
		if (js(o, "ground")) {
			const char *gl = iw_ground_label(
			    abuse_ground_parse(js(o, "ground")));
			html_lit(r, ", ");
			html_tr(r, gl ? gl : js(o, "ground"));
		}
		if (js(o, "platform_error")) {
			html_lit(r, " <span lang=\"en\">(");
			html_txt(r, js(o, "platform_error"));
			html_lit(r, ")</span>");
		}
		if (js(o, "note")) {
			html_lit(r, "<br>");
			html_txt(r, js(o, "note"));
		}
		html_lit(r, "<br>");
		html_tr(r, "Evidence SHA-256:");
		html_lit(r, " <code class=\"hash evidence\">");
		html_txt(r, js(o, "evidence_sha256"));
		html_lit(r, "</code><br><a download href=\"/inbox/removals/");
		html_int(r, (int64_t)id);
		html_lit(r, "/evidence\">");
		html_tr(r, "Download the evidence pack for the police (zip)");
		html_lit(r, "</a></li>");
	}
	json_array_foreach(registry, i, o)
	{
		html_lit(r, "<li><time>");
		html_txt(r, iso_local(r, js(o, "sent_at")));
		html_lit(r, "</time> ");
		html_txt(r, tr_sub(r, "Sent to the registry by %s",
		                   js(o, "person_name")));
		html_lit(r, ": ");
		html_txt(r, tr_sub(r, "reference %s", js(o, "reference")));
		if (js(o, "mailbox")) {
			html_lit(r, ", ");
			html_txt(r, js(o, "mailbox"));
		}
		if (js(o, "journal_ref")) {
			html_lit(r, "<br>");
			html_txt(r, tr_sub(r, "Journal reference %s",
			                   js(o, "journal_ref")));
		}
		html_lit(r, "</li>");
	}
	html_lit(r, "</ol>\n");
}

/* What a ?done= after a change says. */
static void
done_flash(struct req *r, const char *done, json_t *removals, const char *lang)
{
	static const struct {
		const char *key, *msgid;
	} d[] = {
	    {"assigned", N_("The assignment was saved.")},
	    {"marked", N_("The item was updated.")},
	    {"classes", N_("The classes were saved. The classifier learns "
	                   "from them.")},
	    {"note", N_("The note was added.")},
	    {"reply", N_("The reply was sent.")},
	    {"removed", N_("The item was removed. The evidence is kept.")},
	    {"registry", N_("The item was sent to the registry.")},
	    {"journal", N_("The journal reference was saved.")},
	};
	for (size_t i = 0; done && i < ARRAY_LEN(d); i++) {
		if (strcmp(done, d[i].key) != 0)
			continue;
		flash(r, d[i].msgid);
		if (strcmp(done, "removed") == 0 &&
		    json_array_size(removals) > 0 &&
		    js(json_array_get(removals, 0), "sender_message")) {
			html_lit(r, "<div class=\"notice\"><h2>");
			html_tr(r, "Message to the sender");
			html_lit(r, "</h2><p>");
			html_tr(r, "A draft you can send as a direct message "
			           "where the platform allows it:");
			html_lit(r, "</p><blockquote class=\"item-text\"");
			lang_attr(r, lang);
			html_lit(r, "><p>");
			html_txt(r, js(json_array_get(removals, 0),
			               "sender_message"));
			html_lit(r, "</p></blockquote></div>\n");
		}
	}
}

static void
item_page(struct req *r, const struct item_err *e)
{
	struct inbox_row row, w;
	json_t *replies = NULL, *removals = NULL, *registry = NULL, *tj;
	int64_t now = time_now();
	int work, open;
	const char *author;
	enum kv_rc rc = inbox_get(r->db, &r->ar, &r->actor, r->pid, &row);
	if (rc == KV_OK)
		rc = act_history(r->db, &r->ar, &r->actor, r->pid, &replies,
		                 &removals, &registry);
	if (rc != KV_OK) {
		iw_fail(r, rc);
		return;
	}
	work = inbox_work_get(r->db, &r->ar, &r->actor, r->pid, &w) == KV_OK;
	open = row.state != IS_REMOVED && row.state != IS_REGISTRY;
	tj = row.triage_json ? json_loads(row.triage_json, 0, NULL) : NULL;
	author = row.item.author_name && *row.item.author_name
	             ? row.item.author_name
	             : row.item.author_handle;
	page_begin(r,
	           arena_printf(&r->ar, "%s – %s",
	                        tr(r, item_type_label(row.item.type)),
	                        author ? author : ""),
	           "inbox");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/inbox\">");
	html_tr(r, "Inbox");
	html_lit(r, "</a></p>\n<h1>");
	html_tr(r, item_type_label(row.item.type));
	html_lit(r, " – ");
	html_txt(r, author);
	html_lit(r, "</h1>\n");
	if (e && e->v && e->v->n) {
		r->idp = strcmp(e->form, "assign") == 0     ? "as-"
		         : strcmp(e->form, "mark") == 0     ? "mk-"
		         : strcmp(e->form, "classes") == 0  ? "cl-"
		         : strcmp(e->form, "note") == 0     ? "nt-"
		         : strcmp(e->form, "reply") == 0    ? "rp-"
		         : strcmp(e->form, "remove") == 0   ? "rm-"
		         : strcmp(e->form, "registry") == 0 ? "rg-"
		                                            : "jr-";
		error_summary(r, e->v);
		r->idp = NULL;
	}
	if (e && (e->platform || e->msgid)) {
		html_lit(r, "<div class=\"error-summary\" role=\"alert\" "
		            "tabindex=\"-1\"><h2>");
		html_tr(r, e->platform ? N_("The platform did not do it")
		                       : N_("That cannot be done now"));
		html_lit(r, "</h2><p>");
		if (e->msgid)
			html_tr(r, e->msgid);
		if (e->platform) {
			html_tr(r, "The platform said:");
			html_lit(r, " <q lang=\"en\">");
			html_txt(r, e->platform);
			html_lit(r, "</q> ");
			html_tr(r, "Nothing was lost: you can try again, or "
			           "answer elsewhere and mark the item so.");
		}
		html_lit(r, "</p></div>\n");
	}
	done_flash(r, req_query(r, "done"), removals, row.lang);
	iw_live(r, row.item.id);
	html_lit(r, "<p>");
	iw_state_badge(r, row.state);
	html_lit(r, " ");
	iw_class_badges(r, row.classes, row.ground);
	if (row.hard)
		iw_hard_badge(r);
	html_lit(r, "</p>\n<h2>");
	html_tr(r, "Text");
	html_lit(r, "</h2>\n<blockquote class=\"item-text\"");
	lang_attr(r,
	          row.item.lang && *row.item.lang ? row.item.lang : row.lang);
	html_lit(r, "><p>");
	iw_marked_text(r, row.item.text, json_object_get(tj, "personal_data"));
	html_lit(r, "</p></blockquote>\n");
	about(r, &row, now);
	thread(r, &row);
	triage_part(r, &row, tj);
	if (!work) {
		html_lit(r, "<p class=\"notice\">");
		html_tr(r, "You may read this item but not work it: it belongs "
		           "to another unit's channel.");
		html_lit(r, "</p>\n");
	} else {
		assign_part(r, &row, e);
		/* after the registry the sender is still told about it */
		if (row.state != IS_REMOVED)
			reply_part(r, &row, registry, e);
		if (open)
			close_part(r, &row, e);
		classes_part(r, &row, e);
		if (open)
			remove_part(r, &row, e);
		if (row.state != IS_REMOVED)
			registry_part(r, &row, registry, e);
	}
	notes_part(r, &row, work, e);
	history(r, replies, removals, registry);
	iw_script(r);
	page_end(r);
	json_decref(tj);
	json_decref(replies);
	json_decref(removals);
	json_decref(registry);
}

void
ui_inbox_item(struct req *r)
{
	item_page(r, NULL);
}

/* --- the posts
 * ------------------------------------------------------------------------ */

/* After a change: back to the item (or the queue for the script's
 * "assign to me") with what was done. */
static void
done(struct req *r, const char *what, const char *anchor)
{
	req_redirect(r, arena_printf(&r->ar, "/inbox/%lld?done=%s#%s",
	                             (long long)r->pid, what, anchor));
}

/* The page again after rc (not OK): the form's errors, a conflict, or
 * the error page. */
static void
again(struct req *r, enum kv_rc rc, const char *form, struct verrs *v)
{
	struct item_err e = {form, v, NULL, NULL};
	if (rc == KV_INVALID || (rc == KV_CONFLICT && v->n)) {
		r->status = rc == KV_CONFLICT ? 409 : 422;
		item_page(r, &e);
		return;
	}
	if (rc == KV_CONFLICT) {
		r->status = 409;
		e.msgid =
		    N_("The item has changed, or is closed. Reload it and "
		       "try again.");
		item_page(r, &e);
		return;
	}
	iw_fail(r, rc);
}

void
ui_inbox_assign(struct req *r)
{
	struct verrs v = {0};
	const char *next = form_get(r, "next");
	int64_t person = form_get(r, "me") ? r->actor.person_id
	                                   : form_id(r, "person_id", &v);
	enum kv_rc rc =
	    v.n ? KV_INVALID
	        : inbox_assign(r->db, &r->ar, &r->actor, r->pid, person, &v);
	if (rc != KV_OK) {
		if (rc == KV_INVALID && !verr_for(&v, "person_id") && v.n)
			v.e[0].field =
			    "person_id"; /* the domain's assignee_id */
		again(r, rc, "assign", &v);
		return;
	}
	/* the queue's "a" key comes back to where it was */
	if (next && str_starts(next, "/inbox") && !strstr(next, "//") &&
	    strlen(next) < 600 && !strpbrk(next, "\r\n\\")) {
		req_redirect(r, next);
		return;
	}
	done(r, "assigned", "h-assign");
}

void
ui_inbox_mark(struct req *r)
{
	struct verrs v = {0};
	struct inbox_mark m;
	const char *state = form_get(r, "state");
	const char *outcome = form_get(r, "outcome");
	enum kv_rc rc;
	iw_mark_init(&m);
	if (state && *state) {
		m.state = inbox_state_parse(state);
		if (m.state != IS_NO_ANSWER && m.state != IS_ANSWERED &&
		    m.state != IS_NEW)
			verr_add(&v, "state", "must be chosen from the list");
	}
	if (outcome && *outcome) {
		m.outcome = inbox_outcome_parse(outcome);
		if (m.outcome != IO_HELPED && m.outcome != IO_REFERRED)
			verr_add(&v, "outcome", "must be chosen from the list");
	}
	if (m.state < 0 && m.outcome < 0 && v.n == 0)
		verr_add(&v, "state", "Choose what happened");
	m.reason = form_get(r, "reason");
	if (m.state == IS_NO_ANSWER && iw_blank(m.reason))
		verr_add(&v, "reason", "Say why no answer is needed");
	rc = v.n ? KV_INVALID
	         : inbox_mark(r->db, &r->ar, &r->actor, r->pid, &m, &v);
	if (rc != KV_OK) {
		again(r, rc, "mark", &v);
		return;
	}
	done(r, "marked", "h-close");
}

void
ui_inbox_classes(struct req *r)
{
	struct verrs v = {0};
	struct inbox_mark m;
	const char *ground = form_get(r, "ground");
	enum kv_rc rc;
	iw_mark_init(&m);
	m.set_classes = 1;
	for (int i = 0; i < r->nform; i++) {
		int c;
		if (strcmp(r->form[i].k, "classes") != 0)
			continue;
		if ((c = triage_class_parse(r->form[i].v)) < 0)
			verr_add(&v, "classes", "must be chosen from the list");
		else
			m.classes |= 1u << c;
	}
	if (m.classes == 0 && v.n == 0)
		verr_add(&v, "classes", "Choose at least one class");
	if (ground && *ground && (m.ground = abuse_ground_parse(ground)) < 0)
		verr_add(&v, "ground", "must be chosen from the list");
	if ((m.classes & (1u << TC_ABUSE)) && m.ground <= 0 &&
	    !verr_for(&v, "ground"))
		verr_add(&v, "ground", "Choose the ground of the abuse");
	if (!(m.classes & (1u << TC_ABUSE)))
		m.ground = AG_NONE;
	m.hard = form_get(r, "hard_shown") ? form_get(r, "hard") != NULL : -1;
	rc = v.n ? KV_INVALID
	         : inbox_mark(r->db, &r->ar, &r->actor, r->pid, &m, &v);
	if (rc != KV_OK) {
		again(r, rc, "classes", &v);
		return;
	}
	done(r, "classes", "h-classes");
}

void
ui_inbox_note(struct req *r)
{
	struct verrs v = {0};
	const char *text = form_get(r, "text");
	enum kv_rc rc;
	if (iw_blank(text))
		verr_add(&v, "text", "Write the note");
	rc = v.n ? KV_INVALID
	         : inbox_note_add(r->db, &r->ar, &r->actor, r->pid, text, &v);
	if (rc != KV_OK) {
		again(r, rc, "note", &v);
		return;
	}
	done(r, "note", "h-notes");
}

/* The platform refused (KV_CONFLICT with a status): its words. */
static void
platform_failed(struct req *r, const char *form, const struct act_outcome *o)
{
	struct verrs v = {0};
	struct item_err e = {form, &v, NULL, NULL};
	e.platform = o->error[0] ? o->error : o->status;
	r->status = 502;
	item_page(r, &e);
}

void
ui_inbox_reply(struct req *r)
{
	struct verrs v = {0};
	struct act_cfg cfg;
	struct act_outcome o;
	const char *text = form_get(r, "text");
	enum kv_rc rc;
	if (iw_blank(text)) {
		verr_add(&v, "text", "Write the reply");
		again(r, KV_INVALID, "reply", &v);
		return;
	}
	web_act_cfg(r, &cfg);
	memset(&o, 0, sizeof(o));
	rc = act_reply(r->db, &r->ar, &cfg, &r->actor, r->pid, text, &o, &v);
	if (rc == KV_CONFLICT && o.status[0]) {
		platform_failed(r, "reply", &o);
		return;
	}
	if (rc != KV_OK) {
		again(r, rc, "reply", &v);
		return;
	}
	done(r, "reply", "history");
}

/* The confirmation step of a removal: what will happen, and the same
 * form again with confirm=1. */
static void
remove_confirm(struct req *r, const struct inbox_row *row, const char *action,
               const char *ground, const char *note)
{
	page_begin(r, tr(r, "Remove this item?"), "inbox");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/inbox\">");
	html_tr(r, "Inbox");
	html_lit(r, "</a></p>\n<h1>");
	html_tr(r, "Remove this item?");
	html_lit(r, "</h1>\n<blockquote class=\"item-text\"><p>");
	html_lines(r, text_excerpt(r, row->item.text, 600));
	html_lit(r, "</p></blockquote>\n<dl class=\"props\">");
	dd_txt(r, N_("How"),
	       tr(r, strcmp(action, "delete") == 0
	                 ? N_("Delete it on the platform")
	             : strcmp(action, "manual") == 0
	                 ? N_("I remove it on the platform by hand")
	                 : N_("Hide it on the platform")));
	dd_txt(r, N_("Ground"),
	       tr(r, iw_ground_label(abuse_ground_parse(ground))));
	dd_txt(r, N_("Note"), note);
	html_lit(r, "</dl>\n<p>");
	html_tr(r, "The evidence is frozen first. The platform is asked "
	           "after that; if it cannot, the evidence is kept and you "
	           "can remove it by hand.");
	html_lit(r, "</p>\n");
	form_begin(
	    r,
	    arena_printf(&r->ar, "/inbox/%lld/remove", (long long)row->item.id),
	    NULL);
	html_lit(r, "<input type=\"hidden\" name=\"action\" value=\"");
	html_attr(r, action);
	html_lit(r, "\"><input type=\"hidden\" name=\"ground\" value=\"");
	html_attr(r, ground);
	html_lit(r, "\"><input type=\"hidden\" name=\"note\" value=\"");
	html_attr(r, note ? note : "");
	html_lit(r, "\"><input type=\"hidden\" name=\"confirm\" value=\"1\">"
	            "<p class=\"actions\"><button type=\"submit\" "
	            "id=\"confirm-remove\">");
	html_tr(r, "Yes, remove it");
	html_lit(r, "</button> <a href=\"/inbox/");
	html_int(r, row->item.id);
	html_lit(r, "#h-remove\">");
	html_tr(r, "Cancel");
	html_lit(r, "</a></p>");
	form_end(r);
	page_end(r);
}

void
ui_inbox_remove(struct req *r)
{
	struct verrs v = {0};
	struct act_cfg cfg;
	struct act_outcome o;
	struct inbox_row row;
	const char *action = form_get(r, "action");
	const char *ground = form_get(r, "ground");
	const char *note = form_get(r, "note");
	enum kv_rc rc = inbox_work_get(r->db, &r->ar, &r->actor, r->pid, &row);
	if (rc != KV_OK) {
		iw_fail(r, rc);
		return;
	}
	if (action == NULL ||
	    (strcmp(action, "hide") != 0 && strcmp(action, "delete") != 0 &&
	     strcmp(action, "manual") != 0))
		verr_add(&v, "action", "must be chosen from the list");
	if (ground == NULL || abuse_ground_parse(ground) < 0)
		verr_add(&v, "ground", "Choose the ground for removing it");
	if (v.n) {
		again(r, KV_INVALID, "remove", &v);
		return;
	}
	if (form_get(r, "confirm") == NULL) {
		remove_confirm(r, &row, action, ground, note);
		return;
	}
	web_act_cfg(r, &cfg);
	memset(&o, 0, sizeof(o));
	rc = act_remove(r->db, &r->ar, &cfg, &r->actor, r->pid, action, ground,
	                note && *note ? note : NULL, &o, &v);
	if (rc == KV_CONFLICT && o.status[0]) {
		platform_failed(r, "remove", &o);
		return;
	}
	if (rc != KV_OK) {
		again(r, rc, "remove", &v);
		return;
	}
	done(r, "removed", "history");
}

void
ui_inbox_registry(struct req *r)
{
	struct verrs v = {0};
	struct act_cfg cfg;
	struct act_outcome o;
	const char *note = form_get(r, "note");
	enum kv_rc rc;
	web_act_cfg(r, &cfg);
	memset(&o, 0, sizeof(o));
	rc = act_registry(r->db, &r->ar, &cfg, &r->actor, r->pid,
	                  note && *note ? note : NULL, &o, &v);
	if (rc == KV_CONFLICT && v.n == 0) {
		struct item_err e = {"registry", &v, NULL, NULL};
		e.msgid =
		    N_("No registry mailbox or directory is set up. An "
		       "administrator sets the mailbox on the page Triage "
		       "rules and registry.");
		r->status = 409;
		item_page(r, &e);
		return;
	}
	if (rc != KV_OK) {
		again(r, rc, "registry", &v);
		return;
	}
	done(r, "registry", "h-reply");
}

void
ui_inbox_journal(struct req *r)
{
	struct verrs v = {0};
	const char *ref = form_get(r, "journal_ref");
	enum kv_rc rc;
	if (iw_blank(ref))
		verr_add(&v, "journal_ref", "Write the journal reference");
	rc = v.n ? KV_INVALID
	         : act_registry_journal(r->db, &r->ar, &r->actor, r->pid, ref,
	                                &v);
	if (rc != KV_OK) {
		again(r, rc, "journal", &v);
		return;
	}
	done(r, "journal", "h-registry");
}
