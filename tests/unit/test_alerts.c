/*
 * test_alerts.c - unit tests of the issue 3 alert generators in
 * src/domain/alerts.c on the demo organisation: plans awaiting a decision
 * (or their consultation) and the rule that nobody is told to decide a
 * plan they requested, wrote or submitted; coverage gaps in the next 14
 * days; stale channels; expiring training; reviews due.  Each is run where
 * it must raise and where it must not, and a second run raises nothing
 * (dedup).  SQLite, and PostgreSQL when KV_TEST_PG_URL is set.
 */
#define T_DB
#include "t.h"

#include "../../src/base/buf.h"
#include "../../src/base/util.h"
#include "../../src/domain/alerts.h"
#include "../../src/domain/plan.h"
#include "../../src/domain/review.h"
#include "../../src/domain/rota.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#define DEMO "@meldal-kommune.example"

struct fx {
	struct db *db;
	struct arena ar;
	int64_t org;
	struct actor admin, anne;
};

static int64_t
pid(struct db *db, const char *local)
{
	char email[128];
	snprintf(email, sizeof(email), "%s" DEMO, local);
	return person_find_by_email(db, email);
}

static int64_t
chan(struct fx *f, const char *name)
{
	int64_t id = 0;
	db_get_i64(f->db, &id, "SELECT id FROM channels WHERE name = ?", "t",
	           name);
	return id;
}

static int64_t
mark(struct fx *f)
{
	int64_t m = 0;
	db_get_i64(f->db, &m, "SELECT COALESCE(MAX(id), 0) FROM notifications",
	           NULL);
	return m;
}

/* The local parts of who got kind (key LIKE pattern) after id m. */
static const char *
who(struct fx *f, const char *kind, const char *key, int64_t m)
{
	struct db_stmt *st;
	struct buf b;
	const char *out;
	buf_init(&b, 64 * 1024);
	st = db_query(f->db,
	              "SELECT p.email FROM notifications n JOIN people p ON "
	              "p.id = n.person_id WHERE n.kind = ? AND n.dedup_key "
	              "LIKE ? AND n.id > ? ORDER BY p.email, n.id",
	              "tti", kind, key, m);
	while (st != NULL && db_step(st) == DB_ROW) {
		const char *e = db_col_text(st, 0);
		if (b.len)
			buf_addc(&b, ',');
		buf_add(&b, e, strcspn(e, "@"));
	}
	db_finalize(st);
	out = arena_strdup(&f->ar, buf_str(&b));
	buf_cleanup(&b);
	return out;
}

static int
fx_setup(struct fx *f, enum db_kind kind)
{
	int applied;
	char email[KV_MAX_EMAIL + 1], pw[64];
	memset(f, 0, sizeof(*f));
	arena_init(&f->ar);
	f->db = t_db_fresh(kind);
	if (f->db == NULL)
		return 0;
	fprintf(stderr, "     backend %s\n", kind == DB_PG ? "pg" : "sqlite");
	if (!T_EQ_INT(db_migrate(f->db, &applied), 0) ||
	    !T_EQ_INT(demo_load(f->db, email, pw), KV_OK))
		return 0;
	f->org = org_first_id(f->db);
	return T_EQ_INT(
	           actor_load(f->db, &f->ar, pid(f->db, "admin"), &f->admin),
	           KV_OK) &&
	       T_EQ_INT(actor_load(f->db, &f->ar,
	                           pid(f->db, "anne.lise.fossum"), &f->anne),
	                KV_OK);
}

static void
check_plans(struct fx *f)
{
	struct verrs v = {0};
	int64_t now = time_now(), week = 7 * 86400, m, plan = 0, k = 0;
	int64_t per = pid(f->db, "per.arne.hoff"),
	        siri = pid(f->db, "siri.bakken");
	int64_t oppvekst = 0;

	db_get_i64(f->db, &oppvekst, "SELECT id FROM units WHERE name = ?", "t",
	           "Oppvekst");

	/* the demo's plans are approved or a draft: nothing waits */
	T_EQ_INT(alert_plan_awaiting_decision(f->db, &f->ar, f->org, now), 0);
	/* the draft for the requested Instagram (asked for by Siri, written
	 * by Per Arne) is submitted by Per Arne */
	db_get_i64(f->db, &plan, "SELECT id FROM plans WHERE status = 'draft'",
	           NULL);
	T_ASSERT(plan > 0);
	T_EQ_INT(db_run(f->db,
	                "UPDATE plans SET status = 'submitted', submitted_by = "
	                "?, submitted_at = ? WHERE id = ?",
	                "iii", per, now, plan),
	         0);
	/* decision makers who may not decide it: the requester, the writer
	 * and submitter; one for an unrelated unit; one org-wide who may */
	T_EQ_INT(person_grant(f->db, &f->ar, &f->admin, siri,
	                      ROLE_DECISION_MAKER, 0, &v),
	         KV_OK);
	T_EQ_INT(person_grant(f->db, &f->ar, &f->admin, per,
	                      ROLE_DECISION_MAKER, 0, &v),
	         KV_OK);
	T_EQ_INT(person_grant(f->db, &f->ar, &f->admin,
	                      pid(f->db, "jon.storli"), ROLE_DECISION_MAKER,
	                      oppvekst, &v),
	         KV_OK);
	T_EQ_INT(person_grant(f->db, &f->ar, &f->admin,
	                      pid(f->db, "berit.vold"), ROLE_DECISION_MAKER, 0,
	                      &v),
	         KV_OK);

	/* not yet consulted: the communications unit is asked, nobody to
	 * decide */
	m = mark(f);
	T_EQ_INT(alert_plan_awaiting_decision(f->db, &f->ar, f->org, now), 2);
	T_EQ_STR(who(f, "plan_awaiting_consultation", "%", m),
	         "anne.lise.fossum,ingrid.lokken");
	T_EQ_STR(who(f, "plan_awaiting_decision", "%", m), "");
	T_EQ_INT(alert_plan_awaiting_decision(f->db, &f->ar, f->org, now), 0);

	/* consulted: the decision makers for the unit or above, except the
	 * requester (Siri) and the writer and submitter (Per Arne); not Jon
	 * (another unit) */
	T_EQ_INT(plan_comment(f->db, &f->ar, &f->anne, plan, "Greit.", &k, &v),
	         KV_OK);
	m = mark(f);
	T_EQ_INT(alert_plan_awaiting_decision(f->db, &f->ar, f->org, now), 2);
	T_EQ_STR(
	    who(f, "plan_awaiting_decision",
	        arena_printf(&f->ar, "plan_awaiting_decision:plan:%lld:v:1:%%",
	                     (long long)plan),
	        m),
	    "berit.vold,kari.ronning");
	T_EQ_STR(who(f, "plan_awaiting_consultation", "%", m), "");
	/* dedup within the week; again the next week */
	T_EQ_INT(alert_plan_awaiting_decision(f->db, &f->ar, f->org, now), 0);
	T_EQ_INT(
	    alert_plan_awaiting_decision(f->db, &f->ar, f->org, now + week), 2);
	/* decided: nothing more */
	T_EQ_INT(db_run(f->db,
	                "UPDATE plans SET status = 'approved' WHERE id = ?",
	                "i", plan),
	         0);
	T_EQ_INT(
	    alert_plan_awaiting_decision(f->db, &f->ar, f->org, now + 2 * week),
	    0);
}

static void
check_coverage(struct fx *f)
{
	/* Monday 10 May 2027, 10:00 in Oslo: the demo's rota week */
	int64_t now = 1809936000, m = mark(f);
	int64_t ung = chan(f, "Ungdomsleder i Meldal");
	struct verrs v = {0};
	struct shift s;
	int raised;

	/* a shift closes the gap of Friday 14 May on the youth channel */
	T_EQ_INT(shift_create(f->db, &f->ar, &f->admin, ung,
	                      pid(f->db, "hans.kvam"), "2027-05-14",
	                      "2027-05-15", "", &s, &v),
	         KV_OK);
	raised = alert_coverage_gap(f->db, &f->ar, f->org, now);
	T_ASSERT(raised > 10);
	/* the youth channel's gap on Thursday 13 May: its unit manager (of
	 * Kultur, the unit above Ungdomsarbeid) only */
	T_EQ_STR(
	    who(f, "coverage_gap",
	        arena_printf(&f->ar, "coverage_gap:channel:%lld:2027-05-13",
	                     (long long)ung),
	        m),
	    "per.arne.hoff");
	T_EQ_STR(
	    who(f, "coverage_gap",
	        arena_printf(&f->ar, "coverage_gap:channel:%lld:2027-05-14",
	                     (long long)ung),
	        m),
	    "");
	T_EQ_STR(
	    who(f, "coverage_gap",
	        arena_printf(&f->ar, "coverage_gap:channel:%lld:2027-05-17",
	                     (long long)ung),
	        m),
	    "");
	/* Meldal kommune (Rådmannen: no unit manager): comms and admins */
	T_EQ_STR(
	    who(f, "coverage_gap",
	        arena_printf(&f->ar, "coverage_gap:channel:%lld:2027-05-17",
	                     (long long)chan(f, "Meldal kommune")),
	        m),
	    "admin,anne.lise.fossum,ingrid.lokken");
	/* nothing beyond 14 days */
	T_EQ_STR(who(f, "coverage_gap", "%:2027-05-25", m), "");
	T_EQ_STR(who(f, "coverage_gap", "%:2027-05-09", m), "");
	T_EQ_INT(alert_coverage_gap(f->db, &f->ar, f->org, now), 0);
	T_EQ_INT(alert_coverage_gap(f->db, &f->ar, f->org, now + 3600), 0);
}

static void
check_stale(struct fx *f)
{
	int64_t now = time_now(), week = 7 * 86400, m = mark(f);
	int64_t x = chan(f, "@meldalkommune");
	T_EQ_INT(alert_stale_channel(f->db, &f->ar, f->org, now), 4);
	/* the X profile: its responsible (the web editor) and, with no unit
	 * manager over Stab og service, comms and the admins */
	T_EQ_STR(
	    who(f, "stale_channel",
	        arena_printf(&f->ar, "stale:channel:%lld:%%", (long long)x), m),
	    "admin,anne.lise.fossum,ingrid.lokken");
	T_EQ_STR(who(f, "stale_channel", "%", m),
	         "admin,anne.lise.fossum,ingrid.lokken,jon.storli");
	T_EQ_INT(alert_stale_channel(f->db, &f->ar, f->org, now), 0);
	/* again the next week (when more of the demo's log has aged out) */
	T_ASSERT(alert_stale_channel(f->db, &f->ar, f->org, now + week) >= 4);
	/* no commitment: not judged */
	T_EQ_INT(db_run(f->db, "UPDATE channels SET update_count = 0", NULL),
	         0);
	T_EQ_INT(alert_stale_channel(f->db, &f->ar, f->org, now + 2 * week), 0);
}

static void
check_training(struct fx *f)
{
	int64_t now = time_now(), week = 7 * 86400, m = mark(f);
	int64_t siri = pid(f->db, "siri.bakken");
	/* Siri's course runs out in 20 days: she and her unit manager */
	T_EQ_INT(alert_training_expiring(f->db, &f->ar, f->org, now), 2);
	T_EQ_STR(who(f, "training_expiring", "%", m),
	         "per.arne.hoff,siri.bakken");
	T_EQ_INT(alert_training_expiring(f->db, &f->ar, f->org, now), 0);
	T_EQ_INT(alert_training_expiring(f->db, &f->ar, f->org, now + week), 2);
	/* renewed: nothing */
	T_EQ_INT(db_run(f->db,
	                "UPDATE training_records SET expires_on = '2099-01-01' "
	                "WHERE person_id = ?",
	                "i", siri),
	         0);
	T_EQ_INT(alert_training_expiring(f->db, &f->ar, f->org, now + 2 * week),
	         0);
}

static void
check_reviews(struct fx *f)
{
	int64_t now = time_now(), m = mark(f);
	struct verrs v = {0};
	struct review r;
	/* the youth channel was reviewed today: not due */
	T_EQ_INT(review_create(f->db, &f->ar, &f->admin,
	                       chan(f, "Ungdomsleder i Meldal"), NULL,
	                       "Går bra.", "keep", &r, &v),
	         KV_OK);
	T_EQ_INT(alert_review_due(f->db, &f->ar, f->org, now), 13);
	T_EQ_STR(
	    who(f, "review_due", "%", m),
	    "admin,admin,admin,admin,anne.lise.fossum,anne.lise.fossum,"
	    "anne.lise.fossum,anne.lise.fossum,ingrid.lokken,ingrid.lokken,"
	    "ingrid.lokken,ingrid.lokken,jon.storli");
	T_EQ_STR(who(f, "review_due",
	             arena_printf(&f->ar, "review_due:channel:%lld:%%",
	                          (long long)chan(f, "Ungdomsleder i Meldal")),
	             m),
	         "");
	/* once per due date, however often it runs */
	T_EQ_INT(alert_review_due(f->db, &f->ar, f->org, now), 0);
	T_EQ_INT(alert_review_due(f->db, &f->ar, f->org, now + 30 * 86400), 0);
}

static void
alerts_suite(enum db_kind kind)
{
	struct fx f;
	if (fx_setup(&f, kind)) {
		check_plans(&f);
		check_coverage(&f);
		check_stale(&f);
		check_training(&f);
		check_reviews(&f);
		/* 7 of issue 3, 2 of issue 4 (token_expiring and
		 * channel_disconnected: tests/unit/test_sync.c) */
		T_EQ_INT((int)alert_ngens, 9);
	}
	if (f.db != NULL)
		t_db_done(f.db);
	arena_free(&f.ar);
}

T_TEST(alerts_sqlite)
{
	alerts_suite(DB_SQLITE);
}

T_TEST(alerts_pg)
{
	alerts_suite(DB_PG);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(alerts_sqlite),
	    T_ENTRY(alerts_pg),
	};
	int rc;
	crypto_setup();
	rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
