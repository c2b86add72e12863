/*
 * ui_org.c - units and people in the HTML UI: the unit tree, a unit's page
 * with its people and channels, the staff directory, a person's page with
 * roles and login, and the forms to add and change them.
 *
 * Only administrators change units, grant roles and set passwords; unit
 * managers add and change people in their own units (the domain decides;
 * the pages only hide what the person may not do).
 */
#include "web.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

static const char *const unit_kinds[] = {"organisation", "administration",
                                         "unit", "team", NULL};
static const char *const unit_kind_labels[] = {
    N_("Organisation"), N_("Administration"), N_("Unit"), N_("Team"), NULL};

static const char *
kind_label(const char *k)
{
	for (int i = 0; k && unit_kinds[i]; i++)
		if (strcmp(k, unit_kinds[i]) == 0)
			return unit_kind_labels[i];
	return k ? k : "";
}

static const char *
id_str(struct req *r, int64_t id)
{
	return id ? arena_printf(&r->ar, "%lld", (long long)id) : NULL;
}

/* 1 when the actor manages any unit (may add people somewhere). */
static int
manages_some_unit(const struct actor *a)
{
	if (actor_is_admin(a))
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].role == ROLE_UNIT_MANAGER)
			return 1;
	return 0;
}

/* --- units -------------------------------------------------------------- */

static void
unit_form(struct req *r, const struct unit *u, const struct verrs *v,
          const char *action, const char *button)
{
	const char **codes, **labels;
	if (unit_choices(r, &codes, &labels) != 0)
		return;
	error_summary(r, v);
	form_begin(r, action, NULL);
	field_text(r, "name", "Name", u->name, v, "text", 1, NULL);
	field_select(r, "kind", "Kind", u->kind, unit_kinds, unit_kind_labels,
	             v, SELECT_TR);
	field_select(r, "parent_id", "Part of", id_str(r, u->parent_id), codes,
	             labels, v, SELECT_NONE);
	html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, button);
	html_lit(r, "</button></p>");
	form_end(r);
}

static void
units_page(struct req *r, const struct unit *draft, const struct verrs *v)
{
	struct unit *us;
	int n, depth = -1;
	if (unit_list(r->db, &r->ar, &r->actor, &us, &n) != KV_OK) {
		html_error(r, 500);
		return;
	}
	page_begin(r, tr(r, "Units"), "units");
	html_lit(r, "<h1>");
	html_tr(r, "Units");
	html_lit(r, "</h1>\n");
	if (n == 0) {
		html_lit(r, "<p>");
		html_tr(r, "There are no units yet.");
		html_lit(r, "</p>");
	}
	/* the tree as nested lists */
	for (int i = 0; i < n; i++) {
		if (us[i].depth > depth) {
			for (; depth < us[i].depth; depth++) {
				if (depth < 0)
					html_lit(r, "<ul class=\"tree\"><li>");
				else
					html_lit(r, "<ul><li>");
			}
		} else {
			for (; depth > us[i].depth; depth--)
				html_lit(r, "</li></ul>");
			html_lit(r, "</li><li>");
		}
		html_lit(r, "<a href=\"/units/");
		html_int(r, us[i].id);
		html_lit(r, "\">");
		html_txt(r, us[i].name);
		html_lit(r, "</a> <span class=\"muted\">(");
		html_tr(r, kind_label(us[i].kind));
		html_lit(r, ")</span>");
	}
	for (; depth >= 0; depth--)
		html_lit(r, "</li></ul>");
	html_lit(r, "\n");
	if (actor_is_admin(&r->actor)) {
		struct unit blank;
		memset(&blank, 0, sizeof(blank));
		blank.kind = "unit";
		html_lit(r, "<h2 id=\"add\">");
		html_tr(r, "Add a unit");
		html_lit(r, "</h2>");
		unit_form(r, draft ? draft : &blank, v, "/units",
		          N_("Add unit"));
	}
	page_end(r);
}

void
ui_units(struct req *r)
{
	units_page(r, NULL, NULL);
}

static void
unit_from_form(struct req *r, struct unit *u, struct verrs *v)
{
	u->name = form_get(r, "name");
	u->kind = form_get(r, "kind");
	u->parent_id = form_id(r, "parent_id", v);
}

void
ui_units_create(struct req *r)
{
	struct unit u;
	struct verrs v = {0};
	enum kv_rc rc;
	memset(&u, 0, sizeof(u));
	unit_from_form(r, &u, &v);
	rc = v.n ? KV_INVALID : unit_create(r->db, &r->ar, &r->actor, &u, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/units/%lld?saved=1",
		                             (long long)u.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	unit_from_form(r, &u, &v);
	units_page(r, &u, &v);
}

static void
unit_page(struct req *r, const struct unit *u, const struct unit *draft,
          const struct verrs *v)
{
	struct person_filter pf;
	struct channel_filter cf;
	struct person *ps;
	struct channel *cs;
	struct unit parent;
	int np, nc;
	int64_t tp, tc;

	memset(&pf, 0, sizeof(pf));
	pf.unit_id = u->id;
	pf.limit = 200;
	memset(&cf, 0, sizeof(cf));
	cf.unit_id = u->id;
	cf.limit = 200;
	if (person_list(r->db, &r->ar, &r->actor, &pf, &ps, &np, &tp) !=
	        KV_OK ||
	    channel_list(r->db, &r->ar, &r->actor, &cf, &cs, &nc, &tc) !=
	        KV_OK) {
		html_error(r, 500);
		return;
	}
	page_begin(r, u->name, "units");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/units\">");
	html_tr(r, "Units");
	html_lit(r, "</a></p><h1>");
	html_txt(r, u->name);
	html_lit(r, "</h1>\n");
	if (req_query(r, "saved"))
		flash(r, "The unit was saved.");
	html_lit(r, "<dl class=\"props\"><dt>");
	html_tr(r, "Kind");
	html_lit(r, "</dt><dd>");
	html_tr(r, kind_label(u->kind));
	html_lit(r, "</dd><dt>");
	html_tr(r, "Part of");
	html_lit(r, "</dt><dd>");
	if (u->parent_id && unit_get(r->db, &r->ar, &r->actor, u->parent_id,
	                             &parent) == KV_OK) {
		html_lit(r, "<a href=\"/units/");
		html_int(r, parent.id);
		html_lit(r, "\">");
		html_txt(r, parent.name);
		html_lit(r, "</a>");
	} else {
		html_lit(r, "–");
	}
	html_lit(r, "</dd></dl>\n<h2>");
	html_tr(r, "Channels");
	html_lit(r, "</h2>");
	if (nc == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No channels in this unit or below it.");
		html_lit(r, "</p>");
	} else {
		html_lit(r, "<ul>");
		for (int i = 0; i < nc; i++) {
			html_lit(r, "<li><a href=\"/channels/");
			html_int(r, cs[i].id);
			html_lit(r, "\">");
			html_txt(r, cs[i].name);
			html_lit(r, "</a> (");
			html_tr(r, platform_label(cs[i].platform));
			html_lit(r, ")</li>");
		}
		html_lit(r, "</ul>");
	}
	html_lit(r, "\n<h2>");
	html_tr(r, "People");
	html_lit(r, "</h2>");
	if (np == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No people in this unit or below it.");
		html_lit(r, "</p>");
	} else {
		html_lit(r, "<ul>");
		for (int i = 0; i < np; i++) {
			html_lit(r, "<li><a href=\"/people/");
			html_int(r, ps[i].id);
			html_lit(r, "\">");
			html_txt(r, ps[i].full_name);
			html_lit(r, "</a>");
			if (*ps[i].title) {
				html_lit(r, ", ");
				html_txt(r, ps[i].title);
			}
			html_lit(r, "</li>");
		}
		html_lit(r, "</ul>");
	}
	if (actor_is_admin(&r->actor)) {
		html_lit(r, "\n<h2>");
		html_tr(r, "Change the unit");
		html_lit(r, "</h2>");
		unit_form(r, draft ? draft : u, v,
		          arena_printf(&r->ar, "/units/%lld", (long long)u->id),
		          N_("Save"));
	}
	page_end(r);
}

void
ui_unit(struct req *r)
{
	struct unit u;
	enum kv_rc rc = unit_get(r->db, &r->ar, &r->actor, r->pid, &u);
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND ? 404 : 500);
		return;
	}
	unit_page(r, &u, NULL, NULL);
}

void
ui_unit_update(struct req *r)
{
	struct unit u, nu;
	struct verrs v = {0};
	enum kv_rc rc = unit_get(r->db, &r->ar, &r->actor, r->pid, &u);
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND ? 404 : 500);
		return;
	}
	nu = u;
	unit_from_form(r, &nu, &v);
	rc = v.n ? KV_INVALID : unit_update(r->db, &r->ar, &r->actor, &nu, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/units/%lld?saved=1",
		                             (long long)u.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	unit_from_form(r, &nu, &v);
	unit_page(r, &u, &nu, &v);
}

/* --- people ------------------------------------------------------------ */

void
ui_people(struct req *r)
{
	struct person_filter f;
	struct person *ps;
	const char **codes, **labels;
	const char *q = req_query(r, "q"), *unit_s = req_query(r, "unit_id");
	int n;
	int64_t total;

	memset(&f, 0, sizeof(f));
	f.q = q;
	f.limit = 200;
	if (unit_s && *unit_s &&
	    (parse_i64(unit_s, &f.unit_id) != 0 || f.unit_id < 0))
		f.unit_id = 0;
	if (person_list(r->db, &r->ar, &r->actor, &f, &ps, &n, &total) !=
	        KV_OK ||
	    unit_choices(r, &codes, &labels) != 0) {
		html_error(r, 500);
		return;
	}
	page_begin(r, tr(r, "People"), "people");
	html_lit(r, "<h1>");
	html_tr(r, "People");
	html_lit(r, "</h1>\n");
	if (manages_some_unit(&r->actor)) {
		html_lit(r, "<p class=\"actions\"><a class=\"button\" "
		            "href=\"/people/new\">");
		html_tr(r, "Add a person");
		html_lit(r, "</a></p>\n");
	}
	html_lit(r, "<form method=\"get\" action=\"/people\" class=\"filters\" "
	            "role=\"search\" aria-label=\"");
	html_tr(r, "Find people");
	html_lit(r, "\">");
	field_text(r, "q", "Search", q, NULL, "search", 0, NULL);
	field_select(r, "unit_id", "Unit", unit_s, codes, labels, NULL,
	             SELECT_ALL);
	html_lit(r, "<div class=\"field\"><button type=\"submit\">");
	html_tr(r, "Filter");
	html_lit(r, "</button></div></form>\n<p role=\"status\">");
	html_txt(r, tr_sub(r, "%s people",
	                   arena_printf(&r->ar, "%lld", (long long)total)));
	html_lit(r, "</p>\n");
	if (n > 0) {
		table_begin(r, "People");
		html_lit(r, "<thead><tr><th scope=\"col\">");
		html_tr(r, "Name");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Title");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Unit");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "E-mail");
		html_lit(r, "</th><th scope=\"col\">");
		html_tr(r, "Login");
		html_lit(r, "</th></tr></thead><tbody>\n");
		for (int i = 0; i < n; i++) {
			html_lit(r, "<tr><th scope=\"row\"><a href=\"/people/");
			html_int(r, ps[i].id);
			html_lit(r, "\">");
			html_txt(r, ps[i].full_name);
			html_lit(r, "</a>");
			if (!ps[i].active) {
				html_lit(r, " <span class=\"muted\">(");
				html_tr(r, "inactive");
				html_lit(r, ")</span>");
			}
			html_lit(r, "</th><td>");
			html_txt(r, ps[i].title);
			html_lit(r, "</td><td>");
			html_txt(r, ps[i].unit_name);
			html_lit(r, "</td><td>");
			html_txt(r, ps[i].email);
			html_lit(r, "</td><td>");
			html_tr(r, ps[i].has_account ? N_("yes") : N_("no"));
			html_lit(r, "</td></tr>\n");
		}
		html_lit(r, "</tbody>");
		table_end(r);
	}
	page_end(r);
}

static void
person_form(struct req *r, const struct person *p, const struct verrs *v,
            const char *action, int with_active)
{
	const char **codes, **labels;
	if (unit_choices(r, &codes, &labels) != 0)
		return;
	error_summary(r, v);
	form_begin(r, action, NULL);
	field_text(r, "full_name", "Full name", p->full_name, v, "text", 1,
	           NULL);
	field_text(
	    r, "first_name", "First name", p->first_name, v, "text", 0,
	    N_("Used to sign replies. Taken from the full name when empty."));
	field_text(r, "title", "Role title", p->title, v, "text", 0,
	           N_("E.g. nettredaktør, enhetsleder kultur."));
	field_select(r, "unit_id", "Unit", id_str(r, p->unit_id), codes, labels,
	             v, SELECT_NONE);
	field_text(r, "email", "E-mail", p->email, v, "email", 0,
	           N_("Work address; also the login."));
	field_text(r, "phone", "Phone", p->phone, v, "tel", 0, NULL);
	if (with_active) {
		html_lit(r, "<div class=\"field\"><input type=\"checkbox\" "
		            "id=\"f-active\" name=\"active\" value=\"1\"");
		if (p->active)
			html_lit(r, " checked");
		html_lit(r, "> <label for=\"f-active\">");
		html_tr(r, "Active (may log in and be given tasks)");
		html_lit(r, "</label></div>");
	}
	html_lit(r, "<p class=\"actions\"><button type=\"submit\">");
	html_tr(r, "Save");
	html_lit(r, "</button> <a href=\"/people\">");
	html_tr(r, "Cancel");
	html_lit(r, "</a></p>");
	form_end(r);
}

static void
person_from_form(struct req *r, struct person *p, struct verrs *v,
                 int with_active)
{
	p->full_name = form_get(r, "full_name");
	p->first_name = form_get(r, "first_name");
	p->title = form_get(r, "title");
	p->unit_id = form_id(r, "unit_id", v);
	p->email = form_get(r, "email");
	p->phone = form_get(r, "phone");
	if (with_active)
		p->active = form_get(r, "active") != NULL;
}

static void
new_person_page(struct req *r, const struct person *p, const struct verrs *v)
{
	page_begin(r, tr(r, "Add a person"), "people");
	html_lit(r, "<h1>");
	html_tr(r, "Add a person");
	html_lit(r, "</h1>\n");
	person_form(r, p, v, "/people", 0);
	page_end(r);
}

void
ui_person_new(struct req *r)
{
	struct person p;
	if (!manages_some_unit(&r->actor)) {
		html_error(r, 403);
		return;
	}
	memset(&p, 0, sizeof(p));
	new_person_page(r, &p, NULL);
}

void
ui_people_create(struct req *r)
{
	struct person p;
	struct verrs v = {0};
	enum kv_rc rc;
	memset(&p, 0, sizeof(p));
	person_from_form(r, &p, &v, 0);
	rc = v.n ? KV_INVALID : person_create(r->db, &r->ar, &r->actor, &p, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/people/%lld?saved=1",
		                             (long long)p.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	person_from_form(r, &p, &v, 0);
	new_person_page(r, &p, &v);
}

static void
person_page(struct req *r, const struct person *p, const struct person *draft,
            const struct verrs *v, const struct verrs *grant_v,
            const struct verrs *pw_v)
{
	int admin = actor_is_admin(&r->actor);
	int may_edit =
	    admin || (p->unit_id &&
	              actor_has_role_for_unit(r->db, &r->actor,
	                                      ROLE_UNIT_MANAGER, p->unit_id));
	const char *self =
	    arena_printf(&r->ar, "/people/%lld", (long long)p->id);

	page_begin(r, p->full_name, "people");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/people\">");
	html_tr(r, "People");
	html_lit(r, "</a></p><h1>");
	html_txt(r, p->full_name);
	html_lit(r, "</h1>\n");
	if (req_query(r, "saved"))
		flash(r, "Saved.");
	html_lit(r, "<dl class=\"props\"><dt>");
	html_tr(r, "Role title");
	html_lit(r, "</dt><dd>");
	html_txt(r, *p->title ? p->title : "–");
	html_lit(r, "</dd><dt>");
	html_tr(r, "Unit");
	html_lit(r, "</dt><dd>");
	if (p->unit_id) {
		html_lit(r, "<a href=\"/units/");
		html_int(r, p->unit_id);
		html_lit(r, "\">");
		html_txt(r, p->unit_name);
		html_lit(r, "</a>");
	} else {
		html_lit(r, "–");
	}
	html_lit(r, "</dd><dt>");
	html_tr(r, "E-mail");
	html_lit(r, "</dt><dd>");
	html_txt(r, p->email && *p->email ? p->email : "–");
	html_lit(r, "</dd><dt>");
	html_tr(r, "Phone");
	html_lit(r, "</dt><dd>");
	html_txt(r, *p->phone ? p->phone : "–");
	html_lit(r, "</dd><dt>");
	html_tr(r, "Login");
	html_lit(r, "</dt><dd>");
	html_tr(r, p->has_account ? N_("yes") : N_("no"));
	if (!p->active) {
		html_lit(r, " (");
		html_tr(r, "inactive");
		html_lit(r, ")");
	}
	html_lit(r, "</dd></dl>\n<h2>");
	html_tr(r, "Roles");
	html_lit(r, "</h2>");
	if (p->ngrants == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No roles.");
		html_lit(r, "</p>");
	} else {
		html_lit(r, "<ul class=\"roles\">");
		for (int i = 0; i < p->ngrants; i++) {
			struct unit u;
			html_lit(r, "<li>");
			html_tr(r, role_label(p->grants[i].role));
			html_lit(r, " – ");
			if (p->grants[i].unit_id &&
			    unit_get(r->db, &r->ar, &r->actor,
			             p->grants[i].unit_id, &u) == KV_OK)
				html_txt(r, u.name);
			else
				html_tr(r, "whole organisation");
			if (admin) {
				form_begin(r,
				           arena_printf(
				               &r->ar, "%s/roles/remove", self),
				           "inline");
				html_lit(r,
				         "<input type=\"hidden\" name=\"role\" "
				         "value=\"");
				html_attr(r, role_name(p->grants[i].role));
				html_lit(r, "\"><input type=\"hidden\" "
				            "name=\"unit_id\" value=\"");
				if (p->grants[i].unit_id)
					html_int(r, p->grants[i].unit_id);
				html_lit(r, "\"><button type=\"submit\" "
				            "class=\"link\">");
				html_tr(r, "Remove");
				html_lit(r,
				         "<span class=\"visually-hidden\"> ");
				html_tr(r, role_label(p->grants[i].role));
				html_lit(r, "</span></button>");
				form_end(r);
			}
			html_lit(r, "</li>");
		}
		html_lit(r, "</ul>");
	}
	if (admin) {
		const char **ucodes, **ulabels;
		static const char *rcodes[ROLE__COUNT + 1];
		static const char *rlabels[ROLE__COUNT + 1];
		for (int i = 0; i < ROLE__COUNT; i++) {
			rcodes[i] = role_name((enum role)i);
			rlabels[i] = role_label((enum role)i);
		}
		if (unit_choices(r, &ucodes, &ulabels) == 0) {
			html_lit(r, "<h3>");
			html_tr(r, "Give a role");
			html_lit(r, "</h3>");
			r->idp = "grant-";
			error_summary(r, grant_v);
			form_begin(r, arena_printf(&r->ar, "%s/roles", self),
			           "filters");
			field_select(r, "role", "Role", NULL, rcodes, rlabels,
			             grant_v, SELECT_TR);
			field_select(r, "unit_id", "For unit", NULL, ucodes,
			             ulabels, grant_v, SELECT_NONE);
			html_lit(r, "<div class=\"field\"><button "
			            "type=\"submit\">");
			html_tr(r, "Give role");
			html_lit(r, "</button></div>");
			form_end(r);
			r->idp = NULL;
		}
		html_lit(r, "<h2>");
		html_tr(r, p->has_account ? N_("Set a new password")
		                          : N_("Give a login"));
		html_lit(r, "</h2>");
		error_summary(r, pw_v);
		form_begin(r, arena_printf(&r->ar, "%s/password", self), NULL);
		field_text(
		    r, "password", "Password", NULL, pw_v, "password", 1,
		    N_("At least 12 characters. Tell the person in a safe "
		       "way."));
		html_lit(r, "<p><button type=\"submit\">");
		html_tr(r, "Set password");
		html_lit(r, "</button></p>");
		form_end(r);
	}
	if (may_edit) {
		html_lit(r, "<h2>");
		html_tr(r, "Change details");
		html_lit(r, "</h2>");
		person_form(r, draft ? draft : p, v, self, 1);
	}
	page_end(r);
}

void
ui_person(struct req *r)
{
	struct person p;
	enum kv_rc rc = person_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND ? 404 : 500);
		return;
	}
	person_page(r, &p, NULL, NULL, NULL, NULL);
}

void
ui_person_update(struct req *r)
{
	struct person p, np;
	struct verrs v = {0};
	enum kv_rc rc = person_get(r->db, &r->ar, &r->actor, r->pid, &p);
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND ? 404 : 500);
		return;
	}
	np = p;
	person_from_form(r, &np, &v, 1);
	rc =
	    v.n ? KV_INVALID : person_update(r->db, &r->ar, &r->actor, &np, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/people/%lld?saved=1",
		                             (long long)p.id));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, rc == KV_FORBIDDEN ? 403 : 500);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	person_from_form(r, &np, &v, 1);
	person_page(r, &p, &np, &v, NULL, NULL);
}

void
ui_person_grant(struct req *r)
{
	struct person p;
	struct verrs v = {0};
	int role = role_parse(form_get(r, "role"));
	int64_t unit = form_id(r, "unit_id", &v);
	enum kv_rc rc;
	if (role < 0)
		verr_add(&v, "role", "is not a known role");
	rc = v.n ? KV_INVALID
	         : person_grant(r->db, &r->ar, &r->actor, r->pid,
	                        (enum role)role, unit, &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/people/%lld?saved=1",
		                             (long long)r->pid));
		return;
	}
	if (rc != KV_INVALID && rc != KV_CONFLICT) {
		html_error(r, rc == KV_FORBIDDEN  ? 403
		              : rc == KV_NOTFOUND ? 404
		                                  : 500);
		return;
	}
	if (person_get(r->db, &r->ar, &r->actor, r->pid, &p) != KV_OK) {
		html_error(r, 404);
		return;
	}
	r->status = rc == KV_CONFLICT ? 409 : 422;
	person_page(r, &p, NULL, NULL, &v, NULL);
}

void
ui_person_revoke(struct req *r)
{
	struct verrs v = {0};
	int role = role_parse(form_get(r, "role"));
	int64_t unit = form_id(r, "unit_id", &v);
	enum kv_rc rc;
	if (role < 0 || v.n) {
		html_error(r, 400);
		return;
	}
	rc = person_revoke(r->db, &r->ar, &r->actor, r->pid, (enum role)role,
	                   unit);
	if (rc == KV_OK || rc == KV_NOTFOUND) {
		req_redirect(r, arena_printf(&r->ar, "/people/%lld?saved=1",
		                             (long long)r->pid));
		return;
	}
	html_error(r, rc == KV_FORBIDDEN || rc == KV_CONFLICT ? 403 : 500);
}

void
ui_person_password(struct req *r)
{
	struct person p;
	struct verrs v = {0};
	enum kv_rc rc = account_set_password(r->db, &r->ar, &r->actor, r->pid,
	                                     form_get(r, "password"), &v);
	if (rc == KV_OK) {
		req_redirect(r, arena_printf(&r->ar, "/people/%lld?saved=1",
		                             (long long)r->pid));
		return;
	}
	if (rc != KV_INVALID) {
		html_error(r, rc == KV_FORBIDDEN  ? 403
		              : rc == KV_NOTFOUND ? 404
		                                  : 500);
		return;
	}
	if (person_get(r->db, &r->ar, &r->actor, r->pid, &p) != KV_OK) {
		html_error(r, 404);
		return;
	}
	r->status = 422;
	person_page(r, &p, NULL, NULL, NULL, &v);
}
