/*
 * ui_training.c - courses and completions in the HTML UI (issue 3;
 * training.h has the rules): the training that runs out soon (for the
 * person and their managers), the courses, the completions the actor may
 * see, and the forms to add a course (communications unit) and to record
 * a completion (communications unit, unit managers for their people).
 * Refused forms come back with 409 or 422, the reasons beside the fields
 * and what was typed kept.
 */
#include "web.h"
#include "../base/util.h"
#include "../domain/training.h"

#include <stdio.h>
#include <string.h>

/* What the two forms showed when one was refused. */
struct tforms {
	const struct course *course;
	const struct verrs *cv;
	const char *person_id, *course_id, *completed_on, *expires_on;
	const struct verrs *rv;
};

static int
may_record(const struct actor *a)
{
	if (actor_has_org_role(a, ROLE_COMMS))
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].role == ROLE_UNIT_MANAGER)
			return 1;
	return 0;
}

static void
alerts(struct req *r)
{
	struct training_alert *ts;
	int n;
	if (training_expiring(r->db, &r->ar, &r->actor, 30, &ts, &n) != KV_OK ||
	    n == 0)
		return;
	html_lit(r, "<section class=\"alerts\" aria-labelledby=\"h-exp\">"
	            "<h2 id=\"h-exp\">");
	html_tr(r, "Training that runs out");
	html_lit(r, "</h2><p>");
	html_tr(r, "Within 30 days, or already run out: the person cannot be "
	           "made responsible for or an editor of a channel until the "
	           "course is taken again.");
	html_lit(r, "</p><ul>");
	for (int i = 0; i < n; i++) {
		html_lit(r, "<li>");
		if (ts[i].person_id == r->actor.person_id)
			html_lit(r, "<strong>");
		html_txt(r, ts[i].person_name);
		html_lit(r, ": ");
		html_txt(r, ts[i].course_name);
		html_lit(r, " – ");
		html_txt(r, tr_sub(r,
		                   ts[i].expired ? N_("ran out on %s")
		                                 : N_("runs out on %s"),
		                   ts[i].expires_on));
		if (ts[i].person_id == r->actor.person_id)
			html_lit(r, "</strong>");
		html_lit(r, "</li>");
	}
	html_lit(r, "</ul></section>\n");
}

static void
training_page(struct req *r, const struct tforms *tf)
{
	struct course *cs;
	struct training_record *ts;
	struct training_filter f;
	int nc, nt;
	int64_t total;
	const char *done = req_query(r, "done");

	memset(&f, 0, sizeof(f));
	f.limit = 200;
	if (course_list(r->db, &r->ar, &r->actor, &cs, &nc) != KV_OK ||
	    training_list(r->db, &r->ar, &r->actor, &f, &ts, &nt, &total) !=
	        KV_OK) {
		html_error(r, 500);
		return;
	}
	page_begin(r, tr(r, "Training"), "training");
	html_lit(r, "<h1>");
	html_tr(r, "Training");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "Whoever is made responsible for a channel, or one of its "
	           "editors, must first have completed the required course in "
	           "social media with a focus on legal questions.");
	html_lit(r, "</p>\n");
	if (done && strcmp(done, "course") == 0 && tf == NULL)
		flash(r, "The course was added.");
	if (done && strcmp(done, "recorded") == 0 && tf == NULL)
		flash(r, "The completion was recorded.");
	alerts(r);

	html_lit(r, "<h2>");
	html_tr(r, "Courses");
	html_lit(r, "</h2>\n");
	if (nc == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No courses yet.");
		html_lit(r, "</p>\n");
	} else {
		table_begin(r, "All courses");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "Course");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Valid for");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Required for channel roles");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Description");
		html_lit(r, "</th></tr></thead><tbody>");
		for (int i = 0; i < nc; i++) {
			html_lit(r, "<tr><th scope=\"row\">");
			html_txt(r, cs[i].name);
			html_lit(r, "</th><td>");
			if (cs[i].validity_months > 0)
				html_txt(
				    r,
				    tr_sub(
				        r, "%s months",
				        arena_printf(
				            &r->ar, "%lld",
				            (long long)cs[i].validity_months)));
			else
				html_tr(r, "does not expire");
			html_lit(r, "</td><td>");
			html_tr(r, cs[i].required ? N_("yes") : N_("no"));
			html_lit(r, "</td><td>");
			html_txt(r, cs[i].description);
			html_lit(r, "</td></tr>");
		}
		html_lit(r, "</tbody>");
		table_end(r);
	}
	if (actor_has_org_role(&r->actor, ROLE_COMMS)) {
		const struct course *c = tf ? tf->course : NULL;
		const struct verrs *v = tf ? tf->cv : NULL;
		html_lit(r, "<h3>");
		html_tr(r, "Add a course");
		html_lit(r, "</h3>\n");
		error_summary(r, v);
		form_begin(r, "/training/courses", NULL);
		field_text(r, "name", "Name", c ? c->name : NULL, v, "text", 1,
		           NULL);
		field_textarea(r, "description", "Description",
		               c ? c->description : NULL, v, NULL);
		field_text(r, "validity_months", "Valid for (months)",
		           c && tf->course ? form_get(r, "validity_months")
		                           : "24",
		           v, "number", 0, N_("0: it does not expire."));
		html_lit(r, "<div class=\"field choice\"><input "
		            "type=\"checkbox\" id=\"f-required_for_channel_"
		            "roles\" name=\"required_for_channel_roles\" "
		            "value=\"1\"");
		if (c == NULL || c->required)
			html_lit(r, " checked");
		html_lit(r, "><label for=\"f-required_for_channel_roles\">");
		html_tr(r, "Required for responsible persons and editors");
		html_lit(r, "</label></div><p class=\"actions\"><button "
		            "type=\"submit\">");
		html_tr(r, "Add the course");
		html_lit(r, "</button></p>");
		form_end(r);
	}

	html_lit(r, "<h2>");
	html_tr(r, "Completions");
	html_lit(r, "</h2>\n");
	if (nt == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No completions to show.");
		html_lit(r, "</p>\n");
	} else {
		table_begin(r, "Completions you can see");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "Person");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Course");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Completed on");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Expires on");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Valid today");
		html_lit(r, "</th></tr></thead><tbody>");
		for (int i = 0; i < nt; i++) {
			html_lit(r, "<tr><th scope=\"row\"><a href=\"/people/");
			html_int(r, ts[i].person_id);
			html_lit(r, "\">");
			html_txt(r, ts[i].person_name);
			html_lit(r, "</a></th><td>");
			html_txt(r, ts[i].course_name);
			html_lit(r, "</td><td>");
			html_txt(r, ts[i].completed_on);
			html_lit(r, "</td><td>");
			if (ts[i].expires_on)
				html_txt(r, ts[i].expires_on);
			else
				html_tr(r, "does not expire");
			html_lit(r, "</td><td>");
			html_tr(r, ts[i].valid ? N_("yes") : N_("no"));
			html_lit(r, "</td></tr>");
		}
		html_lit(r, "</tbody>");
		table_end(r);
	}
	if (may_record(&r->actor) && nc > 0) {
		struct person_filter pf;
		struct person *ps;
		int np;
		const char **pc, **pl, **cc, **cl;
		const struct verrs *v = tf ? tf->rv : NULL;
		memset(&pf, 0, sizeof(pf));
		pf.limit = 500;
		if (person_list(r->db, &r->ar, &r->actor, &pf, &ps, &np,
		                &total) != KV_OK) {
			page_end(r);
			return;
		}
		pc = arena_alloc(&r->ar, sizeof(char *) * ((size_t)np + 1));
		pl = arena_alloc(&r->ar, sizeof(char *) * ((size_t)np + 1));
		cc = arena_alloc(&r->ar, sizeof(char *) * ((size_t)nc + 1));
		cl = arena_alloc(&r->ar, sizeof(char *) * ((size_t)nc + 1));
		for (int i = 0; i < np; i++) {
			pc[i] =
			    arena_printf(&r->ar, "%lld", (long long)ps[i].id);
			pl[i] = ps[i].full_name;
		}
		for (int i = 0; i < nc; i++) {
			cc[i] =
			    arena_printf(&r->ar, "%lld", (long long)cs[i].id);
			cl[i] = cs[i].name;
		}
		html_lit(r, "<h3>");
		html_tr(r, "Record a completion");
		html_lit(r, "</h3>\n");
		error_summary(r, v);
		form_begin(r, "/training/records", NULL);
		field_select(r, "person_id", "Person",
		             tf ? tf->person_id : NULL, pc, pl, v, SELECT_NONE);
		field_select(r, "course_id", "Course",
		             tf ? tf->course_id : NULL, cc, cl, v, 0);
		field_text(r, "completed_on", "Completed on",
		           tf ? tf->completed_on : NULL, v, "date", 1,
		           N_("YYYY-MM-DD"));
		field_text(r, "expires_on", "Expires on",
		           tf ? tf->expires_on : NULL, v, "date", 0,
		           N_("Leave empty to use the course's validity."));
		html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
		html_tr(r, "Record the completion");
		html_lit(r, "</button></p>");
		form_end(r);
	}
	page_end(r);
}

void
ui_training(struct req *r)
{
	training_page(r, NULL);
}

void
ui_training_course(struct req *r)
{
	struct course c;
	struct tforms tf;
	struct verrs v = {0};
	enum kv_rc rc;
	memset(&c, 0, sizeof(c));
	c.name = form_get(r, "name");
	c.description = form_get(r, "description");
	c.validity_months = form_int(r, "validity_months", &v);
	c.required = form_get(r, "required_for_channel_roles") != NULL;
	rc = v.n ? KV_INVALID : course_create(r->db, &r->ar, &r->actor, &c, &v);
	if (rc == KV_OK) {
		req_redirect(r, "/training?done=course");
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	memset(&tf, 0, sizeof(tf));
	c.name = form_get(r, "name");
	c.description = form_get(r, "description");
	tf.course = &c;
	tf.cv = &v;
	training_page(r, &tf);
}

void
ui_training_record(struct req *r)
{
	struct training_record t;
	struct tforms tf;
	struct verrs v = {0};
	enum kv_rc rc;
	memset(&t, 0, sizeof(t));
	t.person_id = form_id(r, "person_id", &v);
	t.course_id = form_id(r, "course_id", &v);
	t.completed_on = form_get(r, "completed_on");
	t.expires_on = form_get(r, "expires_on");
	rc = v.n ? KV_INVALID
	         : training_record(r->db, &r->ar, &r->actor, &t, &v);
	if (rc == KV_OK) {
		req_redirect(r, "/training?done=recorded");
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	memset(&tf, 0, sizeof(tf));
	tf.person_id = form_get(r, "person_id");
	tf.course_id = form_get(r, "course_id");
	tf.completed_on = form_get(r, "completed_on");
	tf.expires_on = form_get(r, "expires_on");
	tf.rv = &v;
	training_page(r, &tf);
}
