/*
 * test_domain.c - unit tests of src/domain on a migrated database with the
 * demo organisation (Meldal kommune) loaded: SQLite always, PostgreSQL too
 * when env KV_TEST_PG_URL is set (the same test bodies run on each).
 *
 * Covered: the demo's size; the authorization matrix of the demo roles
 * (channel_get/update/create, unit_create, person_grant, audit_list);
 * validation errors naming their fields; organisation isolation; the
 * audit chain (intact, a changed row, a removed newest row); login,
 * throttling, sessions, API tokens and password changes.
 *
 * Expected results follow the rules written in the headers of channel.c,
 * org.c and account.c (not the code paths).  The PG database is wiped at
 * the start of each PG test; see t_db_fresh() in t.h.
 */
#define T_DB
#include "t.h"

#include "../../src/base/util.h"
#include "../../src/domain/domain.h"

#include <stdint.h>
#include <string.h>

#define DEMO "@meldal-kommune.example"

/* One fixture per backend: the database, the demo password and actors. */
struct fx {
	struct db *db;
	struct arena ar;
	char email[KV_MAX_EMAIL + 1];
	char pw[64];
	struct actor admin, comms, kultur_mgr, ung_editor, opp_editor, auditor;
};

static int64_t
person_id(struct db *db, const char *local)
{
	char email[128];
	snprintf(email, sizeof(email), "%s" DEMO, local);
	return person_find_by_email(db, email);
}

static int
load(struct fx *f, const char *local, struct actor *a)
{
	int64_t id = person_id(f->db, local);
	if (!T_ASSERT(id > 0)) {
		fprintf(stderr, "     no person %s\n", local);
		return 0;
	}
	return T_EQ_INT(actor_load(f->db, &f->ar, id, a), KV_OK);
}

static int64_t
count(struct db *db, const char *sql)
{
	int64_t n = -1;
	if (db_get_i64(db, &n, sql, NULL) != 1)
		return -1;
	return n;
}

static int64_t
channel_id(struct db *db, const char *name)
{
	int64_t id = 0;
	db_get_i64(db, &id, "SELECT id FROM channels WHERE name = ?", "t",
	           name);
	return id;
}

static int64_t
unit_id(struct fx *f, const char *name)
{
	return unit_find_by_name(f->db, f->admin.org_id, name);
}

static int
fx_setup(struct fx *f, enum db_kind kind)
{
	int applied = 0;
	char email2[KV_MAX_EMAIL + 1], pw2[64];

	memset(f, 0, sizeof(*f));
	arena_init(&f->ar);
	f->db = t_db_fresh(kind);
	if (f->db == NULL)
		return 0;
	fprintf(stderr, "     backend %s\n", kind == DB_PG ? "pg" : "sqlite");
	if (!T_EQ_INT(db_migrate(f->db, &applied), 0))
		return 0;
	if (!T_EQ_INT(demo_load(f->db, f->email, f->pw), KV_OK))
		return 0;
	T_EQ_STR(f->email, "admin" DEMO);
	T_ASSERT(strlen(f->pw) >= KV_PASSWORD_MIN);
	/* a second load refuses and says nothing about the password */
	T_EQ_INT(demo_load(f->db, email2, pw2), KV_CONFLICT);
	T_EQ_STR(email2, "");
	T_EQ_STR(pw2, "");
	return load(f, "admin", &f->admin) &&
	       load(f, "anne.lise.fossum", &f->comms) &&
	       load(f, "per.arne.hoff", &f->kultur_mgr) &&
	       load(f, "siri.bakken", &f->ung_editor) &&
	       load(f, "marit.grindal", &f->opp_editor) &&
	       load(f, "berit.vold", &f->auditor);
}

static void
fx_done(struct fx *f)
{
	if (f->db != NULL)
		t_db_done(f->db);
	arena_free(&f->ar);
}

/* --- the demo ------------------------------------------------------------- */

static void
check_demo(struct fx *f)
{
	struct unit *us;
	struct person *ps;
	struct channel *cs;
	struct person_filter pf = {0};
	struct channel_filter cf = {0};
	int n = 0;
	int64_t total = 0;

	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM orgs"), 1);
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM units"), 8);
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM people"), 11);
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM channels"), 8);
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM accounts"), 11);
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM role_grants"), 14);

	T_EQ_INT(unit_list(f->db, &f->ar, &f->admin, &us, &n), KV_OK);
	T_EQ_INT(n, 8);
	if (n == 8) {
		/* depth-first: the organisation, then the rest below it */
		T_EQ_STR(us[0].name, "Meldal kommune");
		T_EQ_INT(us[0].depth, 0);
		T_EQ_STR(us[1].name, "Rådmannen");
		T_EQ_INT(us[1].depth, 1);
		for (int i = 2; i < n; i++)
			T_ASSERT(us[i].depth >= 2);
	}
	T_EQ_INT(person_list(f->db, &f->ar, &f->comms, &pf, &ps, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 11);
	T_EQ_INT(n, 11);
	pf.unit_id = unit_id(f, "Kultur"); /* includes the units below */
	T_EQ_INT(person_list(f->db, &f->ar, &f->comms, &pf, &ps, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 3); /* Per Arne Hoff, Siri Bakken, Tor Einar Moe */
	T_EQ_INT(channel_list(f->db, &f->ar, &f->admin, &cf, &cs, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 8);
	T_EQ_INT(n, 8);
	cf.unit_id = unit_id(f, "Kultur"); /* and the units below it */
	T_EQ_INT(channel_list(f->db, &f->ar, &f->admin, &cf, &cs, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 3);
	cf.unit_id = 0;
	cf.q = "FaceBook"; /* in the address, either case */
	T_EQ_INT(channel_list(f->db, &f->ar, &f->admin, &cf, &cs, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 3);
	cf.q = "bibliotekbloggen"; /* in the name */
	T_EQ_INT(channel_list(f->db, &f->ar, &f->admin, &cf, &cs, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 1);
	cf.q = NULL;
	cf.limit = 2;
	cf.offset = 7;
	T_EQ_INT(channel_list(f->db, &f->ar, &f->admin, &cf, &cs, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 8);
	T_EQ_INT(n, 1);
	cf.limit = 0;
	cf.offset = 0;
	cf.status = "requested";
	T_EQ_INT(channel_list(f->db, &f->ar, &f->admin, &cf, &cs, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 1);
	if (n == 1)
		T_EQ_STR(cs[0].name, "Ungdom i Meldal");
	/* the e-mail lookup ignores case */
	T_EQ_INT(person_find_by_email(f->db, "ADMIN@Meldal-Kommune.EXAMPLE"),
	         f->admin.person_id);
	T_EQ_INT(person_find_by_email(f->db, "nobody" DEMO), 0);
	T_EQ_INT(person_find_by_email(f->db, ""), 0);
	/* the loaded actors carry their grants */
	T_ASSERT(actor_is_admin(&f->admin));
	T_ASSERT(!actor_is_admin(&f->comms));
	T_ASSERT(actor_has_org_role(&f->comms, ROLE_COMMS));
	T_ASSERT(actor_can_read_audit(&f->auditor));
	T_ASSERT(!actor_can_read_audit(&f->comms));
	T_ASSERT(actor_has_role_for_unit(f->db, &f->kultur_mgr,
	                                 ROLE_UNIT_MANAGER,
	                                 unit_id(f, "Ungdomsarbeid")));
	T_ASSERT(!actor_has_role_for_unit(
	    f->db, &f->kultur_mgr, ROLE_UNIT_MANAGER, unit_id(f, "Oppvekst")));
	T_EQ_STR(f->ung_editor.email, "siri.bakken" DEMO);
	T_EQ_STR(f->ung_editor.name, "Siri Bakken");
}

/* --- authorization -------------------------------------------------------- */

struct who {
	const char *label;
	const struct actor *a;
};

static void
check_channel_access(struct fx *f)
{
	const struct who w[] = {
	    {"admin", &f->admin},           {"comms", &f->comms},
	    {"kultur_mgr", &f->kultur_mgr}, {"ung_editor", &f->ung_editor},
	    {"opp_editor", &f->opp_editor}, {"auditor", &f->auditor},
	};
	/* per channel: expected channel_get, then channel_update, per actor
	 * in the order of w[] */
	static const struct {
		const char *channel;
		enum kv_rc get[6], update[6];
	} t[] = {
	    /* active, Ungdomsarbeid; responsible Per Arne Hoff, editor Siri:
	     * editors do not change the register entry (channel.c) */
	    {"Ungdomsleder i Meldal",
	     {KV_OK, KV_OK, KV_OK, KV_OK, KV_OK, KV_OK},
	     {KV_OK, KV_OK, KV_OK, KV_FORBIDDEN, KV_FORBIDDEN, KV_FORBIDDEN}},
	    /* requested, Ungdomsarbeid; responsible Siri: hidden from those
	     * without a role there or an org-wide grant */
	    {"Ungdom i Meldal",
	     {KV_OK, KV_OK, KV_OK, KV_OK, KV_NOTFOUND, KV_OK},
	     {KV_OK, KV_OK, KV_OK, KV_OK, KV_NOTFOUND, KV_FORBIDDEN}},
	    /* active, Oppvekst; responsible Jon Storli, editor Marit */
	    {"Nye tider, nye tanker",
	     {KV_OK, KV_OK, KV_OK, KV_OK, KV_OK, KV_OK},
	     {KV_OK, KV_OK, KV_FORBIDDEN, KV_FORBIDDEN, KV_FORBIDDEN,
	      KV_FORBIDDEN}},
	    /* active, Meldal folkebibliotek (below Kultur) */
	    {"Bibliotekbloggen",
	     {KV_OK, KV_OK, KV_OK, KV_OK, KV_OK, KV_OK},
	     {KV_OK, KV_OK, KV_OK, KV_FORBIDDEN, KV_FORBIDDEN, KV_FORBIDDEN}},
	    /* active, Stab og service */
	    {"Jobb i Meldal",
	     {KV_OK, KV_OK, KV_OK, KV_OK, KV_OK, KV_OK},
	     {KV_OK, KV_OK, KV_FORBIDDEN, KV_FORBIDDEN, KV_FORBIDDEN,
	      KV_FORBIDDEN}},
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		int64_t id = channel_id(f->db, t[i].channel);
		if (!T_ASSERT(id > 0))
			continue;
		for (size_t k = 0; k < ARRAY_LEN(w); k++) {
			struct channel c, mine;
			struct verrs v = {0};
			enum kv_rc rc;
			rc = channel_get(f->db, &f->ar, w[k].a, id, &c);
			if (!T_EQ_INT(rc, t[i].get[k]))
				fprintf(stderr, "     channel_get %s as %s\n",
				        t[i].channel, w[k].label);
			if (rc == KV_OK)
				T_EQ_STR(c.name, t[i].channel);
			/* the update starts from what the admin sees */
			if (!T_EQ_INT(channel_get(f->db, &f->ar, &f->admin, id,
			                          &mine),
			              KV_OK))
				continue;
			mine.purpose =
			    arena_printf(&f->ar, "Edited by %s", w[k].label);
			rc = channel_update(f->db, &f->ar, w[k].a, &mine, &v);
			if (!T_EQ_INT(rc, t[i].update[k]))
				fprintf(
				    stderr,
				    "     channel_update %s as %s (%s %s)\n",
				    t[i].channel, w[k].label,
				    v.n ? v.e[0].field : "",
				    v.n ? v.e[0].reason : "");
			if (channel_get(f->db, &f->ar, &f->admin, id, &c) ==
			    KV_OK)
				T_EQ_INT(strcmp(c.purpose, mine.purpose) == 0,
				         rc == KV_OK);
		}
	}
	/* moving a channel needs rights in the new unit too */
	{
		struct channel c;
		struct verrs v = {0};
		int64_t id = channel_id(f->db, "Bibliotekbloggen");
		if (T_EQ_INT(channel_get(f->db, &f->ar, &f->kultur_mgr, id, &c),
		             KV_OK)) {
			c.unit_id = unit_id(f, "Oppvekst");
			T_EQ_INT(channel_update(f->db, &f->ar, &f->kultur_mgr,
			                        &c, &v),
			         KV_FORBIDDEN);
			c.unit_id = unit_id(f, "Ungdomsarbeid");
			T_EQ_INT(channel_update(f->db, &f->ar, &f->kultur_mgr,
			                        &c, &v),
			         KV_OK);
		}
		/* the responsible person may edit but not move it away */
		id = channel_id(f->db, "Ungdom i Meldal");
		if (T_EQ_INT(channel_get(f->db, &f->ar, &f->ung_editor, id, &c),
		             KV_OK)) {
			c.unit_id = unit_id(f, "Kultur");
			T_EQ_INT(channel_update(f->db, &f->ar, &f->ung_editor,
			                        &c, &v),
			         KV_FORBIDDEN);
		}
	}
	/* an editor sees a requested channel outside their units */
	{
		struct channel c;
		struct verrs v = {0};
		int64_t id;
		memset(&c, 0, sizeof(c));
		c.platform = "youtube";
		c.name = "Planlagt kanal";
		c.address = "https://www.youtube.com/@meldal-planlagt";
		c.unit_id = unit_id(f, "Stab og service");
		c.status = "requested";
		c.editor_ids[0] = f->opp_editor.person_id;
		c.neditors = 1;
		T_EQ_INT(channel_create(f->db, &f->ar, &f->admin, &c, &v),
		         KV_OK);
		id = c.id;
		T_EQ_INT(channel_get(f->db, &f->ar, &f->opp_editor, id, &c),
		         KV_OK);
		T_EQ_INT(channel_get(f->db, &f->ar, &f->kultur_mgr, id, &c),
		         KV_NOTFOUND);
		T_EQ_INT(channel_get(f->db, &f->ar, &f->ung_editor, id, &c),
		         KV_NOTFOUND);
		T_EQ_INT(channel_get(f->db, &f->ar, &f->auditor, id, &c),
		         KV_OK);
		/* ... and may not change it */
		T_EQ_INT(channel_get(f->db, &f->ar, &f->admin, id, &c), KV_OK);
		T_EQ_INT(channel_update(f->db, &f->ar, &f->opp_editor, &c, &v),
		         KV_FORBIDDEN);
	}
	/* the list shows what channel_get shows */
	{
		struct channel_filter cf = {0};
		struct channel *cs;
		int n;
		int64_t total;
		static const int64_t want[6] = {9, 9, 8, 8, 8, 9};
		for (size_t k = 0; k < ARRAY_LEN(w); k++) {
			T_EQ_INT(channel_list(f->db, &f->ar, w[k].a, &cf, &cs,
			                      &n, &total),
			         KV_OK);
			if (!T_EQ_INT(total, want[k]))
				fprintf(stderr, "     channel_list as %s\n",
				        w[k].label);
		}
	}
}

static void
check_create_rights(struct fx *f)
{
	const struct who w[] = {
	    {"admin", &f->admin},           {"comms", &f->comms},
	    {"kultur_mgr", &f->kultur_mgr}, {"ung_editor", &f->ung_editor},
	    {"opp_editor", &f->opp_editor}, {"auditor", &f->auditor},
	};
	static const struct {
		const char *unit;
		enum kv_rc rc[6];
	} t[] = {
	    {"Ungdomsarbeid",
	     {KV_OK, KV_OK, KV_OK, KV_FORBIDDEN, KV_FORBIDDEN, KV_FORBIDDEN}},
	    {"Kultur",
	     {KV_OK, KV_OK, KV_OK, KV_FORBIDDEN, KV_FORBIDDEN, KV_FORBIDDEN}},
	    {"Oppvekst",
	     {KV_OK, KV_OK, KV_FORBIDDEN, KV_FORBIDDEN, KV_FORBIDDEN,
	      KV_FORBIDDEN}},
	};
	int64_t marit = person_id(f->db, "marit.grindal");

	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		for (size_t k = 0; k < ARRAY_LEN(w); k++) {
			struct channel c;
			struct verrs v = {0};
			enum kv_rc rc;
			memset(&c, 0, sizeof(c));
			c.platform = "instagram";
			c.name = "Testkanal";
			c.address =
			    arena_printf(&f->ar, "https://example.test/%s/%zu",
			                 w[k].label, i);
			c.unit_id = unit_id(f, t[i].unit);
			c.status = "planned";
			rc = channel_create(f->db, &f->ar, w[k].a, &c, &v);
			if (!T_EQ_INT(rc, t[i].rc[k]))
				fprintf(
				    stderr,
				    "     channel_create in %s as %s (%s %s)\n",
				    t[i].unit, w[k].label,
				    v.n ? v.e[0].field : "",
				    v.n ? v.e[0].reason : "");
			if (rc == KV_OK)
				T_ASSERT(c.id > 0);
		}
	}

	/* units, grants and the audit log: admin (and auditor for the log) */
	for (size_t k = 0; k < ARRAY_LEN(w); k++) {
		struct unit u = {0};
		struct verrs v = {0};
		struct audit_row *rows;
		int n = 0;
		int is_admin = w[k].a == &f->admin;
		enum kv_rc rc;

		u.name = arena_printf(&f->ar, "Ny enhet %s", w[k].label);
		u.kind = "team";
		u.parent_id = unit_id(f, "Kultur");
		rc = unit_create(f->db, &f->ar, w[k].a, &u, &v);
		if (!T_EQ_INT(rc, is_admin ? KV_OK : KV_FORBIDDEN))
			fprintf(stderr, "     unit_create as %s\n", w[k].label);

		memset(&v, 0, sizeof(v));
		rc = person_grant(f->db, &f->ar, w[k].a, marit, ROLE_SUPERVISOR,
		                  unit_id(f, "Oppvekst"), &v);
		if (!T_EQ_INT(rc, is_admin ? KV_OK : KV_FORBIDDEN))
			fprintf(stderr, "     person_grant as %s\n",
			        w[k].label);

		rc = audit_list(f->db, &f->ar, w[k].a, NULL, 0, 0, 10, &rows,
		                &n);
		if (!T_EQ_INT(rc, is_admin || w[k].a == &f->auditor
		                      ? KV_OK
		                      : KV_FORBIDDEN))
			fprintf(stderr, "     audit_list as %s\n", w[k].label);
		if (rc == KV_OK) {
			T_EQ_INT(n, 10);
			for (int i = 1; i < n; i++)
				T_ASSERT(rows[i].seq < rows[i - 1].seq);
		}
	}
	/* grants: a second identical one conflicts; rules on units */
	{
		struct verrs v = {0};
		T_EQ_INT(person_grant(f->db, &f->ar, &f->admin, marit,
		                      ROLE_SUPERVISOR, unit_id(f, "Oppvekst"),
		                      &v),
		         KV_CONFLICT);
		T_EQ_STR(verr_for(&v, "role"), "is already granted");
		memset(&v, 0, sizeof(v));
		T_EQ_INT(person_grant(f->db, &f->ar, &f->admin, marit,
		                      ROLE_UNIT_MANAGER, 0, &v),
		         KV_INVALID);
		T_ASSERT(verr_for(&v, "unit_id") != NULL);
		memset(&v, 0, sizeof(v));
		T_EQ_INT(person_grant(f->db, &f->ar, &f->admin, marit,
		                      ROLE_AUDITOR, unit_id(f, "Oppvekst"), &v),
		         KV_INVALID);
		T_ASSERT(verr_for(&v, "unit_id") != NULL);
		memset(&v, 0, sizeof(v));
		T_EQ_INT(person_grant(f->db, &f->ar, &f->admin, 99999999,
		                      ROLE_COMMS, 0, &v),
		         KV_NOTFOUND);
		/* the new grant takes effect at the next actor_load */
		{
			struct actor m;
			T_EQ_INT(actor_load(f->db, &f->ar, marit, &m), KV_OK);
			T_ASSERT(
			    actor_has_role_for_unit(f->db, &m, ROLE_SUPERVISOR,
			                            unit_id(f, "Oppvekst")));
		}
	}
	/* audit filters */
	{
		struct audit_row *rows;
		int n = 0;
		T_EQ_INT(audit_list(f->db, &f->ar, &f->auditor, "unit", 0, 0,
		                    100, &rows, &n),
		         KV_OK);
		T_EQ_INT(n, 9); /* 8 demo units + 1 created above */
		for (int i = 0; i < n; i++)
			T_EQ_STR(rows[i].object_type, "unit");
	}
}

/* A unit manager edits people of their own units only (org.c). */
static void
check_people_rights(struct fx *f)
{
	static const struct {
		const char *who;
		enum kv_rc as_kultur_mgr, as_comms;
	} t[] = {
	    {"siri.bakken", KV_OK, KV_FORBIDDEN},          /* Ungdomsarbeid */
	    {"tor.einar.moe", KV_OK, KV_FORBIDDEN},        /* folkebibliotek */
	    {"marit.grindal", KV_FORBIDDEN, KV_FORBIDDEN}, /* Oppvekst */
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct person p;
		struct verrs v = {0};
		int64_t id = person_id(f->db, t[i].who);
		if (!T_EQ_INT(person_get(f->db, &f->ar, &f->admin, id, &p),
		              KV_OK))
			continue;
		p.phone = "+47 72 49 00 00";
		T_EQ_INT(person_update(f->db, &f->ar, &f->kultur_mgr, &p, &v),
		         t[i].as_kultur_mgr);
		memset(&v, 0, sizeof(v));
		T_EQ_INT(person_update(f->db, &f->ar, &f->comms, &p, &v),
		         t[i].as_comms);
	}
	/* moving a person out of the manager's units is refused */
	{
		struct person p;
		struct verrs v = {0};
		if (T_EQ_INT(person_get(f->db, &f->ar, &f->admin,
		                        person_id(f->db, "siri.bakken"), &p),
		             KV_OK)) {
			p.unit_id = unit_id(f, "Oppvekst");
			T_EQ_INT(person_update(f->db, &f->ar, &f->kultur_mgr,
			                       &p, &v),
			         KV_FORBIDDEN);
		}
	}
	/* deactivating a person ends their sessions and tokens at once */
	{
		struct person p;
		struct login_result lr;
		struct verrs v = {0};
		struct actor a;
		const char *csrf;
		char token[KV_TOKEN_HEX + 4];
		int64_t hans = person_id(f->db, "hans.kvam");
		T_EQ_INT(auth_login(f->db, &f->ar, "hans.kvam" DEMO, f->pw,
		                    "10.0.2.1", &lr),
		         KV_OK);
		T_EQ_INT(
		    token_create(f->db, &f->ar, &f->admin, hans, "hans", token),
		    KV_OK);
		T_EQ_INT(token_resolve(f->db, &f->ar, token, &a), KV_OK);
		if (T_EQ_INT(person_get(f->db, &f->ar, &f->admin, hans, &p),
		             KV_OK)) {
			p.active = 0;
			T_EQ_INT(
			    person_update(f->db, &f->ar, &f->admin, &p, &v),
			    KV_OK);
		}
		T_EQ_INT(session_resolve(f->db, &f->ar, lr.token, &a, &csrf),
		         KV_UNAUTH);
		T_EQ_INT(token_resolve(f->db, &f->ar, token, &a), KV_UNAUTH);
		T_EQ_INT(actor_load(f->db, &f->ar, hans, &a), KV_NOTFOUND);
		T_EQ_INT(auth_login(f->db, &f->ar, "hans.kvam" DEMO, f->pw,
		                    "10.0.2.1", &lr),
		         KV_UNAUTH);
		/* and back: the login works again (the tokens stay revoked) */
		memset(&v, 0, sizeof(v));
		p.active = 1;
		T_EQ_INT(person_update(f->db, &f->ar, &f->admin, &p, &v),
		         KV_OK);
		T_EQ_INT(auth_login(f->db, &f->ar, "hans.kvam" DEMO, f->pw,
		                    "10.0.2.1", &lr),
		         KV_OK);
		T_EQ_INT(token_resolve(f->db, &f->ar, token, &a), KV_UNAUTH);
		/* nobody deactivates themself */
		if (T_EQ_INT(person_get(f->db, &f->ar, &f->admin,
		                        f->admin.person_id, &p),
		             KV_OK)) {
			memset(&v, 0, sizeof(v));
			p.active = 0;
			T_EQ_INT(
			    person_update(f->db, &f->ar, &f->admin, &p, &v),
			    KV_INVALID);
			T_ASSERT(verr_for(&v, "active") != NULL);
		}
		/* an admin cannot take away their own admin role */
		T_EQ_INT(person_revoke(f->db, &f->ar, &f->admin,
		                       f->admin.person_id, ROLE_ADMIN, 0),
		         KV_CONFLICT);
		T_EQ_INT(person_revoke(f->db, &f->ar, &f->comms,
		                       f->ung_editor.person_id, ROLE_SUPERVISOR,
		                       unit_id(f, "Ungdomsarbeid")),
		         KV_FORBIDDEN);
		T_EQ_INT(person_revoke(f->db, &f->ar, &f->admin,
		                       f->ung_editor.person_id, ROLE_SUPERVISOR,
		                       unit_id(f, "Ungdomsarbeid")),
		         KV_OK);
		T_EQ_INT(person_revoke(f->db, &f->ar, &f->admin,
		                       f->ung_editor.person_id, ROLE_SUPERVISOR,
		                       unit_id(f, "Ungdomsarbeid")),
		         KV_NOTFOUND);
	}
	/* setting someone else's password is for administrators */
	{
		struct verrs v = {0};
		T_EQ_INT(account_set_password(f->db, &f->ar, &f->comms,
		                              person_id(f->db, "siri.bakken"),
		                              "a perfectly fine password", &v),
		         KV_FORBIDDEN);
	}
}

/* Objects of another organisation look missing. */
static void
check_isolation(struct fx *f)
{
	struct org o = {0,    "Sørby kommune",    "sorby",
	                "SE", "Europe/Stockholm", "sv"};
	struct actor sys;
	struct unit u = {0}, got;
	struct channel c;
	struct verrs v = {0};
	int64_t org2 = 0;

	if (!T_EQ_INT(org_create(f->db, &o, &org2, &v), KV_OK))
		return;
	T_ASSERT(org2 != f->admin.org_id);
	actor_system(&sys, org2, "test");
	u.name = "Sørby kommune";
	u.kind = "organisation";
	if (!T_EQ_INT(unit_create(f->db, &f->ar, &sys, &u, &v), KV_OK))
		return;
	T_EQ_INT(unit_get(f->db, &f->ar, &f->admin, u.id, &got), KV_NOTFOUND);
	T_EQ_INT(unit_get(f->db, &f->ar, &sys, u.id, &got), KV_OK);
	T_EQ_INT(channel_get(f->db, &f->ar, &sys,
	                     channel_id(f->db, "Jobb i Meldal"), &c),
	         KV_NOTFOUND);
	/* a channel cannot be put in another organisation's unit */
	memset(&c, 0, sizeof(c));
	c.platform = "blog";
	c.name = "Feil kommune";
	c.address = "https://example.test/feil";
	c.unit_id = u.id;
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_create(f->db, &f->ar, &f->admin, &c, &v), KV_INVALID);
	T_EQ_STR(verr_for(&v, "unit_id"), "no such unit");
	/* a duplicate slug is a conflict on "slug" */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(org_create(f->db, &o, &org2, &v), KV_CONFLICT);
	T_ASSERT(verr_for(&v, "slug") != NULL);
}

/* --- validation ----------------------------------------------------------- */

static void
check_validation(struct fx *f)
{
	struct channel c;
	struct verrs v = {0};
	int64_t ung = unit_id(f, "Ungdomsarbeid");
	static const struct {
		const char *field, *reason;
	} want[] = {
	    {"platform", "is not a supported platform"},
	    {"name", "is required"},
	    {"address", "must not contain spaces"},
	    {"update_period", "must be day, week or month"},
	    {"update_count", "must be between 0 and 1000"},
	    {"status", "is not a valid status"},
	    {"opened_on", "must be a date as YYYY-MM-DD"},
	    {"unit_id", "is required"},
	    {"responsible_id", "no such person"},
	};

	memset(&c, 0, sizeof(c));
	c.platform = "myspace";
	c.name = "   ";
	c.address = "https://example.test/has space";
	c.update_period = "year";
	c.update_count = -1;
	c.status = "bogus";
	c.opened_on = "2023-02-29";
	c.responsible_id = 99999999;
	T_EQ_INT(channel_create(f->db, &f->ar, &f->admin, &c, &v), KV_INVALID);
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		if (!T_EQ_STR(verr_for(&v, want[i].field), want[i].reason))
			fprintf(stderr, "     field %s\n", want[i].field);
	T_EQ_INT(v.n, (int)ARRAY_LEN(want));

	/* dates, editors, text */
	memset(&c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	c.platform = "blog";
	c.name = "Bad\x01name";
	c.address = "https://example.test/ok";
	c.unit_id = ung;
	c.status = "closed";
	c.opened_on = "2024-03-01";
	c.closed_on = "2024-02-29";
	c.editor_ids[0] = person_id(f->db, "siri.bakken");
	c.editor_ids[1] = person_id(f->db, "siri.bakken");
	c.neditors = 2;
	T_EQ_INT(channel_create(f->db, &f->ar, &f->admin, &c, &v), KV_INVALID);
	T_EQ_STR(verr_for(&v, "name"), "contains invalid characters");
	T_EQ_STR(verr_for(&v, "closed_on"), "cannot be before opened_on");
	T_EQ_STR(verr_for(&v, "editor_ids"), "lists the same person twice");
	T_EQ_STR(verr_for(&v, "platform"), NULL);
	T_EQ_STR(verr_for(&v, "address"), NULL);

	memset(&v, 0, sizeof(v));
	c.name = "Good name";
	c.closed_on = NULL;
	c.editor_ids[1] = 99999999;
	T_EQ_INT(channel_create(f->db, &f->ar, &f->admin, &c, &v), KV_INVALID);
	T_EQ_STR(verr_for(&v, "editor_ids"), "no such person");
	T_EQ_INT(v.n, 1);

	/* the same address twice on one platform is a conflict on address */
	memset(&c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	c.platform = "facebook_page";
	c.name = "Kopi";
	c.address = "https://www.facebook.com/jobbimeldal";
	c.unit_id = ung;
	T_EQ_INT(channel_create(f->db, &f->ar, &f->admin, &c, &v), KV_CONFLICT);
	T_ASSERT(verr_for(&v, "address") != NULL);
	/* ... but on another platform it is fine; status defaults */
	memset(&v, 0, sizeof(v));
	c.platform = "other";
	c.id = 0;
	T_EQ_INT(channel_create(f->db, &f->ar, &f->admin, &c, &v), KV_OK);
	T_EQ_STR(c.status, "requested");
	T_EQ_STR(c.update_period, "week");

	/* units and people */
	{
		struct unit u = {0};
		memset(&v, 0, sizeof(v));
		u.name = "";
		u.kind = "department";
		u.parent_id = 99999999;
		T_EQ_INT(unit_create(f->db, &f->ar, &f->admin, &u, &v),
		         KV_INVALID);
		T_EQ_STR(verr_for(&v, "name"), "is required");
		T_ASSERT(verr_for(&v, "kind") != NULL);
		T_EQ_STR(verr_for(&v, "parent_id"), "no such unit");
		/* a unit cannot move below itself */
		if (T_EQ_INT(unit_get(f->db, &f->ar, &f->admin,
		                      unit_id(f, "Kultur"), &u),
		             KV_OK)) {
			memset(&v, 0, sizeof(v));
			u.parent_id = ung;
			T_EQ_INT(unit_update(f->db, &f->ar, &f->admin, &u, &v),
			         KV_INVALID);
			T_ASSERT(verr_for(&v, "parent_id") != NULL);
		}
		/* the same name under the same parent conflicts */
		memset(&u, 0, sizeof(u));
		memset(&v, 0, sizeof(v));
		u.name = "Kultur";
		u.kind = "unit";
		u.parent_id = unit_id(f, "Rådmannen");
		T_EQ_INT(unit_create(f->db, &f->ar, &f->admin, &u, &v),
		         KV_CONFLICT);
		T_ASSERT(verr_for(&v, "name") != NULL);
	}
	{
		struct person p = {0};
		memset(&v, 0, sizeof(v));
		p.full_name = "";
		p.email = "not-an-email";
		T_EQ_INT(person_create(f->db, &f->ar, &f->admin, &p, &v),
		         KV_INVALID);
		T_EQ_STR(verr_for(&v, "full_name"), "is required");
		T_EQ_STR(verr_for(&v, "email"),
		         "is not a valid e-mail address");
		memset(&p, 0, sizeof(p));
		memset(&v, 0, sizeof(v));
		p.full_name = "Kari Kopi";
		p.email = " Kari.Ronning" DEMO " "; /* trimmed, lower-cased */
		T_EQ_INT(person_create(f->db, &f->ar, &f->admin, &p, &v),
		         KV_CONFLICT);
		T_ASSERT(verr_for(&v, "email") != NULL);
	}
}

/* Search ignores case, also for the Norwegian and Swedish letters, and
 * the backends agree (person_list and channel_list use lower() + LIKE). */
static void
check_search(struct fx *f)
{
	static const struct {
		const char *q;
		int64_t people, channels;
	} t[] = {
	    {"øyvind", 1, 0},       {"Øyvind", 1, 0}, {"ØYVIND", 1, 0},
	    {"åsen", 1, 0},         {"ÅSEN", 1, 0},   {"oyvind.asen", 1, 0},
	    {"ørland", 0, 1},       {"ØRLAND", 0, 1}, {"kulturhus", 0, 1},
	    {"zzz-no-match", 0, 0},
	};
	struct person p = {0};
	struct channel c;
	struct verrs v = {0};

	p.full_name = "Øyvind Åsen";
	p.email = "oyvind.asen" DEMO;
	p.unit_id = unit_id(f, "Kultur");
	if (!T_EQ_INT(person_create(f->db, &f->ar, &f->admin, &p, &v), KV_OK))
		return;
	memset(&c, 0, sizeof(c));
	c.platform = "facebook_page";
	c.name = "Ørland kulturhus";
	c.address = "https://www.facebook.com/orland-kulturhus";
	c.unit_id = unit_id(f, "Kultur");
	c.status = "requested"; /* active needs an approved plan (issue 3) */
	if (!T_EQ_INT(channel_create(f->db, &f->ar, &f->admin, &c, &v), KV_OK))
		return;
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct person_filter pf = {0};
		struct channel_filter cf = {0};
		struct person *ps;
		struct channel *cs;
		int n;
		int64_t total = -1;
		pf.q = t[i].q;
		cf.q = t[i].q;
		T_EQ_INT(
		    person_list(f->db, &f->ar, &f->admin, &pf, &ps, &n, &total),
		    KV_OK);
		if (!T_EQ_INT(total, t[i].people))
			fprintf(stderr, "     person_list q=\"%s\"\n", t[i].q);
		total = -1;
		T_EQ_INT(channel_list(f->db, &f->ar, &f->admin, &cf, &cs, &n,
		                      &total),
		         KV_OK);
		if (!T_EQ_INT(total, t[i].channels))
			fprintf(stderr, "     channel_list q=\"%s\"\n", t[i].q);
	}
}

/* --- accounts ------------------------------------------------------------- */

static void
check_login(struct fx *f)
{
	struct login_result res, res2;
	struct actor a;
	const char *csrf = NULL;
	char token[KV_TOKEN_HEX + 4];

	/* right password; the e-mail may differ in case */
	T_EQ_INT(auth_login(f->db, &f->ar, f->email, f->pw, "10.0.0.1", &res),
	         KV_OK);
	T_EQ_INT(strlen(res.token), KV_TOKEN_HEX);
	T_EQ_INT(strspn(res.token, "0123456789abcdef"), KV_TOKEN_HEX);
	T_EQ_INT(strlen(res.csrf), KV_TOKEN_HEX);
	T_EQ_INT(res.person_id, f->admin.person_id);
	T_EQ_INT(auth_login(f->db, &f->ar, "ADMIN@MELDAL-KOMMUNE.EXAMPLE",
	                    f->pw, "10.0.0.1", &res2),
	         KV_OK);
	T_ASSERT(strcmp(res.token, res2.token) != 0);
	T_EQ_INT(session_resolve(f->db, &f->ar, res2.token, &a, &csrf), KV_OK);
	T_EQ_INT(a.person_id, f->admin.person_id);
	/* wrong password, unknown person, empty, too long */
	T_EQ_INT(auth_login(f->db, &f->ar, f->email, "wrong password!",
	                    "10.0.0.1", &res2),
	         KV_UNAUTH);
	T_EQ_STR(res2.token, "");
	T_EQ_INT(
	    auth_login(f->db, &f->ar, "nobody" DEMO, f->pw, "10.0.0.1", &res2),
	    KV_UNAUTH);
	T_EQ_INT(auth_login(f->db, &f->ar, f->email, "", "10.0.0.1", &res2),
	         KV_UNAUTH);
	T_EQ_INT(auth_login(f->db, &f->ar, NULL, f->pw, "10.0.0.1", &res2),
	         KV_UNAUTH);

	/* sessions */
	T_EQ_INT(session_resolve(f->db, &f->ar, res.token, &a, &csrf), KV_OK);
	T_EQ_INT(a.person_id, f->admin.person_id);
	T_EQ_STR(csrf, res.csrf);
	T_ASSERT(actor_is_admin(&a));
	T_EQ_INT(session_resolve(f->db, &f->ar, "garbage", &a, &csrf),
	         KV_UNAUTH);
	T_EQ_INT(session_resolve(f->db, &f->ar, NULL, &a, &csrf), KV_UNAUTH);
	{
		char fake[KV_TOKEN_HEX + 1];
		memcpy(fake, res.token, sizeof(fake));
		fake[0] = fake[0] == 'a' ? 'b' : 'a';
		T_EQ_INT(session_resolve(f->db, &f->ar, fake, &a, &csrf),
		         KV_UNAUTH);
	}
	/* the stored value is a hash: the token itself is not in the table */
	{
		int64_t n = -1;
		db_get_i64(f->db, &n,
		           "SELECT COUNT(*) FROM sessions WHERE token_hash = ?",
		           "t", res.token);
		T_EQ_INT(n, 0);
	}
	session_end(f->db, &f->ar, res.token);
	T_EQ_INT(session_resolve(f->db, &f->ar, res.token, &a, &csrf),
	         KV_UNAUTH);

	/* throttling: 4 failures and the right password still works ... */
	for (int i = 0; i < 4; i++)
		T_EQ_INT(auth_login(f->db, &f->ar, "marit.grindal" DEMO,
		                    "wrong password!", "10.0.0.2", &res2),
		         KV_UNAUTH);
	T_EQ_INT(auth_login(f->db, &f->ar, "marit.grindal" DEMO, f->pw,
	                    "10.0.0.2", &res2),
	         KV_OK);
	/* ... and success starts the count again */
	for (int i = 0; i < 4; i++)
		T_EQ_INT(auth_login(f->db, &f->ar, "marit.grindal" DEMO,
		                    "wrong password!", "10.0.0.2", &res2),
		         KV_UNAUTH);
	T_EQ_INT(auth_login(f->db, &f->ar, "marit.grindal" DEMO, f->pw,
	                    "10.0.0.2", &res2),
	         KV_OK);
	/* 5 failures lock the e-mail, even for the right password and from
	 * another client address, also when spelled in upper case */
	for (int i = 0; i < 5; i++)
		T_EQ_INT(auth_login(f->db, &f->ar, "berit.vold" DEMO,
		                    "wrong password!", "10.0.0.3", &res2),
		         KV_UNAUTH);
	T_EQ_INT(auth_login(f->db, &f->ar, "berit.vold" DEMO, f->pw, "10.0.0.3",
	                    &res2),
	         KV_THROTTLED);
	T_ASSERT(res2.retry_after > 0 && res2.retry_after <= 15 * 60);
	T_EQ_STR(res2.token, "");
	T_EQ_INT(auth_login(f->db, &f->ar, "BERIT.VOLD" DEMO, f->pw, "10.0.0.4",
	                    &res2),
	         KV_THROTTLED);
	/* other people are not affected */
	T_EQ_INT(auth_login(f->db, &f->ar, "hans.kvam" DEMO, f->pw, "10.0.0.3",
	                    &res2),
	         KV_OK);

	/* API tokens */
	T_EQ_INT(token_create(f->db, &f->ar, &f->admin, f->admin.person_id,
	                      "ci", token),
	         KV_OK);
	T_EQ_INT(strlen(token), KV_TOKEN_HEX + 3);
	T_ASSERT(str_starts(token, "kv_"));
	T_EQ_INT(token_resolve(f->db, &f->ar, token, &a), KV_OK);
	T_EQ_INT(a.person_id, f->admin.person_id);
	T_EQ_INT(token_resolve(f->db, &f->ar, "kv_nonsense", &a), KV_UNAUTH);
	T_EQ_INT(token_resolve(f->db, &f->ar, token + 3, &a), KV_UNAUTH);
	T_EQ_INT(token_resolve(f->db, &f->ar, NULL, &a), KV_UNAUTH);
	{
		struct api_token *ts;
		int n = 0;
		char other[KV_TOKEN_HEX + 4];
		T_EQ_INT(token_list(f->db, &f->ar, &f->admin, &ts, &n), KV_OK);
		if (T_EQ_INT(n, 1)) {
			T_EQ_STR(ts[0].label, "ci");
			T_EQ_INT(ts[0].revoked_at, 0);
			/* someone else cannot revoke it: it looks missing */
			T_EQ_INT(token_revoke(f->db, &f->ar, &f->ung_editor,
			                      ts[0].id),
			         KV_NOTFOUND);
			T_EQ_INT(token_resolve(f->db, &f->ar, token, &a),
			         KV_OK);
			T_EQ_INT(
			    token_revoke(f->db, &f->ar, &f->admin, ts[0].id),
			    KV_OK);
			T_EQ_INT(token_resolve(f->db, &f->ar, token, &a),
			         KV_UNAUTH);
			T_EQ_INT(
			    token_revoke(f->db, &f->ar, &f->admin, ts[0].id),
			    KV_NOTFOUND);
		}
		/* a token for someone else: admin only */
		T_EQ_INT(token_create(f->db, &f->ar, &f->ung_editor,
		                      person_id(f->db, "marit.grindal"), "x",
		                      other),
		         KV_FORBIDDEN);
		T_EQ_INT(token_create(f->db, &f->ar, &f->ung_editor,
		                      f->ung_editor.person_id, "mine", other),
		         KV_OK);
		T_EQ_INT(token_resolve(f->db, &f->ar, other, &a), KV_OK);
		T_EQ_INT(a.person_id, f->ung_editor.person_id);
		T_ASSERT(!actor_is_admin(&a));
	}
}

static void
check_change_password(struct fx *f)
{
	static const char newpw[] = "a new password for Siri";
	struct login_result s1, s2, s3;
	struct actor a;
	struct verrs v = {0};
	const char *csrf;
	const char *siri = "siri.bakken" DEMO;

	if (!T_EQ_INT(auth_login(f->db, &f->ar, siri, f->pw, "10.0.1.1", &s1),
	              KV_OK) ||
	    !T_EQ_INT(auth_login(f->db, &f->ar, siri, f->pw, "10.0.1.2", &s2),
	              KV_OK) ||
	    !T_EQ_INT(session_resolve(f->db, &f->ar, s1.token, &a, &csrf),
	              KV_OK))
		return;
	/* refusals name the field and change nothing */
	T_EQ_INT(account_change_password(f->db, &f->ar, &a, "not the password",
	                                 newpw, s1.token, &v),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "old_password"), "is not correct");
	memset(&v, 0, sizeof(v));
	T_EQ_INT(account_change_password(f->db, &f->ar, &a, f->pw, "short",
	                                 s1.token, &v),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "new_password"),
	         "must be at least 12 characters");
	memset(&v, 0, sizeof(v));
	T_EQ_INT(account_change_password(f->db, &f->ar, &a, f->pw, f->pw,
	                                 s1.token, &v),
	         KV_INVALID);
	T_ASSERT(verr_for(&v, "new_password") != NULL);
	T_EQ_INT(session_resolve(f->db, &f->ar, s2.token, &a, &csrf), KV_OK);

	/* the change keeps this session and ends the others */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(session_resolve(f->db, &f->ar, s1.token, &a, &csrf), KV_OK);
	T_EQ_INT(account_change_password(f->db, &f->ar, &a, f->pw, newpw,
	                                 s1.token, &v),
	         KV_OK);
	T_EQ_INT(session_resolve(f->db, &f->ar, s1.token, &a, &csrf), KV_OK);
	T_EQ_INT(session_resolve(f->db, &f->ar, s2.token, &a, &csrf),
	         KV_UNAUTH);
	T_EQ_INT(auth_login(f->db, &f->ar, siri, f->pw, "10.0.1.3", &s3),
	         KV_UNAUTH);
	T_EQ_INT(auth_login(f->db, &f->ar, siri, newpw, "10.0.1.3", &s3),
	         KV_OK);
	/* an admin resetting the password ends every session */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(account_set_password(f->db, &f->ar, &f->admin, a.person_id,
	                              f->pw, &v),
	         KV_OK);
	T_EQ_INT(session_resolve(f->db, &f->ar, s1.token, &a, &csrf),
	         KV_UNAUTH);
	T_EQ_INT(session_resolve(f->db, &f->ar, s3.token, &a, &csrf),
	         KV_UNAUTH);
	/* the system actor (CLI) has no own password to change */
	{
		struct actor sys;
		actor_system(&sys, f->admin.org_id, "cli");
		memset(&v, 0, sizeof(v));
		T_EQ_INT(account_change_password(f->db, &f->ar, &sys, f->pw,
		                                 newpw, NULL, &v),
		         KV_FORBIDDEN);
	}
}

/* --- the audit chain ------------------------------------------------------ */

static void
check_audit_chain(struct fx *f, enum db_kind kind)
{
	int64_t checked = -1, bad = -1, rows, newest = 0, hseq = -1, aseq;
	const char *why = NULL;
	char actor[256] = "", hhash[65], anchor[65];
	struct db_stmt *st;

	rows = count(f->db, "SELECT COUNT(*) FROM audit");
	T_ASSERT(rows > 53);
	T_EQ_INT(audit_verify(f->db, 0, NULL, &checked, &bad, &why, &hseq, hhash), 0);
	T_EQ_INT(checked, rows);
	T_EQ_INT(hseq, rows);
	T_EQ_INT((int64_t)strlen(hhash), 64);
	/* an anchor recorded now holds now ... */
	aseq = hseq;
	memcpy(anchor, hhash, sizeof(anchor));
	T_EQ_INT(audit_verify(f->db, aseq, anchor, &checked, &bad, &why, &hseq, hhash), 0);
	/* ... and a different hash for that row, or a row that is gone, is a
	 * rewritten chain */
	anchor[0] = anchor[0] == 'a' ? 'b' : 'a';
	T_EQ_INT(audit_verify(f->db, aseq, anchor, &checked, &bad, &why, &hseq, hhash), 1);
	T_EQ_INT(bad, aseq);
	T_EQ_INT(audit_verify(f->db, rows + 1000, anchor, &checked, &bad, &why, &hseq, hhash), 1);
	T_EQ_INT(bad, rows + 1000);
	/* without an anchor the intact chain reports nothing broken */
	T_EQ_INT(audit_verify(f->db, 0, NULL, &checked, &bad, &why, &hseq, hhash), 0);
	T_EQ_INT(bad, 0);
	T_EQ_STR(why, NULL);

	/* the log is append-only in the database itself */
	T_EQ_INT(db_run(f->db, "UPDATE audit SET actor = ? WHERE seq = ?", "ti",
	                "mallory", (int64_t)5),
	         -1);
	T_EQ_INT(
	    db_run(f->db, "DELETE FROM audit WHERE seq = ?", "i", (int64_t)5),
	    -1);
	T_EQ_INT(count(f->db, "SELECT COUNT(*) FROM audit"), rows);

	/* someone with the database's owner rights changes row 5 */
	if (kind == DB_SQLITE) {
		T_EQ_INT(db_exec(f->db, "DROP TRIGGER audit_no_update"), 0);
		T_EQ_INT(db_exec(f->db, "DROP TRIGGER audit_no_delete"), 0);
	} else {
		T_EQ_INT(
		    db_exec(f->db, "ALTER TABLE audit DISABLE TRIGGER USER"),
		    0);
	}
	st = db_query(f->db, "SELECT actor FROM audit WHERE seq = 5", NULL);
	if (st != NULL && db_step(st) == DB_ROW)
		snprintf(actor, sizeof(actor), "%s", db_col_text(st, 0));
	db_finalize(st);
	T_ASSERT(actor[0] != '\0');
	T_EQ_INT(db_run(f->db, "UPDATE audit SET actor = ? WHERE seq = ?", "ti",
	                "mallory", (int64_t)5),
	         0);
	T_EQ_INT(audit_verify(f->db, 0, NULL, &checked, &bad, &why, &hseq, hhash), 1);
	T_EQ_INT(bad, 5);
	T_EQ_INT(checked, 4);
	T_ASSERT(why != NULL);
	/* a changed timestamp is caught too */
	T_EQ_INT(db_run(f->db, "UPDATE audit SET actor = ? WHERE seq = ?", "ti",
	                actor, (int64_t)5),
	         0);
	T_EQ_INT(audit_verify(f->db, 0, NULL, &checked, &bad, &why, &hseq, hhash), 0);
	T_EQ_INT(db_run(f->db, "UPDATE audit SET at = at + 1 WHERE seq = ?",
	                "i", (int64_t)7),
	         0);
	T_EQ_INT(audit_verify(f->db, 0, NULL, &checked, &bad, &why, &hseq, hhash), 1);
	T_EQ_INT(bad, 7);
	T_EQ_INT(db_run(f->db, "UPDATE audit SET at = at - 1 WHERE seq = ?",
	                "i", (int64_t)7),
	         0);
	T_EQ_INT(audit_verify(f->db, 0, NULL, &checked, &bad, &why, &hseq, hhash), 0);

	/* removing the newest row is caught by audit_head */
	T_EQ_INT(db_get_i64(f->db, &newest, "SELECT MAX(seq) FROM audit", NULL),
	         1);
	T_EQ_INT(db_run(f->db, "DELETE FROM audit WHERE seq = ?", "i", newest),
	         0);
	T_EQ_INT(audit_verify(f->db, 0, NULL, &checked, &bad, &why, &hseq, hhash), 1);
	T_EQ_INT(bad, newest);
	T_EQ_INT(checked, newest - 1);
	T_ASSERT(why != NULL);
	/* and removing one in the middle by the sequence */
	T_EQ_INT(
	    db_run(f->db, "DELETE FROM audit WHERE seq = ?", "i", (int64_t)10),
	    0);
	T_EQ_INT(audit_verify(f->db, 0, NULL, &checked, &bad, &why, &hseq, hhash), 1);
	T_EQ_INT(bad, 10);
	T_EQ_INT(checked, 9);
}

static void
domain_suite(enum db_kind kind)
{
	struct fx f;
	if (fx_setup(&f, kind)) {
		check_demo(&f);
		check_channel_access(&f);
		check_create_rights(&f);
		check_people_rights(&f);
		check_isolation(&f);
		check_validation(&f);
		check_search(&f);
		check_login(&f);
		check_change_password(&f);
		check_audit_chain(&f, kind);
	}
	fx_done(&f);
}

T_TEST(domain_sqlite)
{
	domain_suite(DB_SQLITE);
}

T_TEST(domain_pg)
{
	domain_suite(DB_PG);
}

T_TEST(roles_and_verrs)
{
	struct verrs v = {0};
	for (int r = 0; r < ROLE__COUNT; r++) {
		T_EQ_INT(role_parse(role_name((enum role)r)), r);
		T_ASSERT(strcmp(role_label((enum role)r), "?") != 0);
	}
	T_EQ_INT(role_parse("root"), -1);
	T_EQ_INT(role_parse(NULL), -1);
	T_EQ_INT(role_parse("Admin"), -1);
	T_EQ_STR(role_name(ROLE__COUNT), "?");
	T_EQ_STR(role_name(ROLE_UNIT_MANAGER), "unit_manager");
	{
		static char names[30][16];
		for (int i = 0; i < 30; i++) {
			snprintf(names[i], sizeof(names[i]), "f%d", i);
			verr_add(&v, names[i], "x");
		}
		T_EQ_INT(v.n, (int)ARRAY_LEN(v.e)); /* full, not overrun */
		T_EQ_STR(verr_for(&v, "f0"), "x");
		T_EQ_STR(verr_for(&v, "f29"), NULL);
		verr_add(NULL, "f", "x"); /* harmless */
	}
	T_EQ_STR(platform_label("facebook_page"), "Facebook page");
	T_EQ_STR(platform_label("unknown"), "unknown");
	T_EQ_STR(platform_label(NULL), "");
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(roles_and_verrs),
	    T_ENTRY(domain_sqlite),
	    T_ENTRY(domain_pg),
	};
	int rc;
	crypto_setup();
	rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
