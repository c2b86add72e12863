/*
 * test_plans.c - unit tests of issue 3 (src/domain/plan.c, training.c and
 * the rules they add to channel.c) on a migrated database with the demo
 * loaded: SQLite always, PostgreSQL too when env KV_TEST_PG_URL is set.
 *
 * Covered, each rule with its refusal and a check that the refusal wrote
 * nothing: the demo's plans and training; a request carried from an
 * employee's wish to an active channel; who may request, write, comment
 * and decide; self-approval; consultation (missing, stale after an edit,
 * by a comms person who wrote the plan); deciding what is not submitted;
 * changing submitted and decided versions; new versions superseding old
 * ones; rejection; withdrawal; the signature and what a change after
 * signing does to it; the append-only triggers; activation only through
 * an approved plan; training required of responsible persons and editors;
 * courses, completions, their visibility and the expiry warnings; dates.
 */
#define T_DB
#include "t.h"

#include "../../src/base/util.h"
#include "../../src/domain/domain.h"
#include "../../src/domain/plan.h"
#include "../../src/domain/training.h"

#include <stdint.h>
#include <string.h>

#define DEMO "@meldal-kommune.example"

struct fx {
	struct db *db;
	struct arena ar;
	char email[KV_MAX_EMAIL + 1];
	char pw[64];
	struct actor admin, kari, ingrid, anne, per, siri, jon, marit, berit,
	    eva;
	char today[16];
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
count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	if (db_get_i64(f->db, &n, sql, NULL) != 1)
		return -1;
	return n;
}

static int64_t
unit_id(struct fx *f, const char *name)
{
	return unit_find_by_name(f->db, f->admin.org_id, name);
}

static int64_t
channel_id(struct fx *f, const char *name)
{
	int64_t id = 0;
	db_get_i64(f->db, &id, "SELECT id FROM channels WHERE name = ?", "t",
	           name);
	return id;
}

static int64_t
plan_of(struct fx *f, const char *channel)
{
	int64_t id = 0;
	db_get_i64(f->db, &id,
	           "SELECT p.id FROM plans p JOIN channels c ON c.id = "
	           "p.channel_id WHERE c.name = ? ORDER BY p.version DESC "
	           "LIMIT 1",
	           "t", channel);
	return id;
}

/* Empties v for the next call (a domain call starts from no errors). */
static struct verrs *
nv(struct verrs *v)
{
	memset(v, 0, sizeof(*v));
	return v;
}

/* Everything a refused step must leave alone, as one string. */
static const char *
snapshot(struct fx *f)
{
	struct db_stmt *st = db_query(
	    f->db,
	    "SELECT (SELECT COUNT(*) FROM plans) || '/' || (SELECT "
	    "COUNT(*) FROM plan_goals) || '/' || (SELECT COUNT(*) FROM "
	    "plan_others) || '/' || (SELECT COUNT(*) FROM plan_comments) || "
	    "'/' || (SELECT COUNT(*) FROM plan_decisions) || '/' || (SELECT "
	    "COUNT(*) FROM plan_writers) || '/' || (SELECT COUNT(*) FROM "
	    "audit) || '/' || (SELECT COUNT(*) FROM channels) || '/' || "
	    "(SELECT COUNT(*) FROM channel_editors) || '/' || (SELECT "
	    "COUNT(*) FROM training_records) || '/' || (SELECT COUNT(*) FROM "
	    "courses) || '/' || (SELECT COALESCE(SUM(edits), 0) FROM plans) "
	    "|| '/' || (SELECT COALESCE(MAX(updated_at), 0) FROM plans) || "
	    "'/' || (SELECT COALESCE(MAX(updated_at), 0) FROM channels) || "
	    "'/' || (SELECT COUNT(*) FROM plans WHERE status = 'draft') || "
	    "'/' || (SELECT COUNT(*) FROM plans WHERE status = 'submitted') "
	    "|| '/' || (SELECT COUNT(*) FROM channels WHERE status = "
	    "'active')",
	    NULL);
	const char *s = "?";
	if (st != NULL && db_step(st) == DB_ROW)
		s = arena_strdup(&f->ar, db_col_text(st, 0));
	db_finalize(st);
	return s;
}

static int
fx_setup(struct fx *f, enum db_kind kind)
{
	int applied = 0;
	struct person p = {0};
	struct verrs v = {0};

	memset(f, 0, sizeof(*f));
	arena_init(&f->ar);
	f->db = t_db_fresh(kind);
	if (f->db == NULL)
		return 0;
	fprintf(stderr, "     backend %s\n", kind == DB_PG ? "pg" : "sqlite");
	if (!T_EQ_INT(db_migrate(f->db, &applied), 0) ||
	    !T_EQ_INT(demo_load(f->db, f->email, f->pw), KV_OK))
		return 0;
	if (!(load(f, "admin", &f->admin) &&
	      load(f, "kari.ronning", &f->kari) &&
	      load(f, "ingrid.lokken", &f->ingrid) &&
	      load(f, "anne.lise.fossum", &f->anne) &&
	      load(f, "per.arne.hoff", &f->per) &&
	      load(f, "siri.bakken", &f->siri) &&
	      load(f, "jon.storli", &f->jon) &&
	      load(f, "marit.grindal", &f->marit) &&
	      load(f, "berit.vold", &f->berit)))
		return 0;
	/* an employee without any role, in Ungdomsarbeid */
	p.full_name = "Eva Ansatt";
	p.title = "fritidsleder";
	p.email = "eva.ansatt" DEMO;
	p.unit_id = unit_id(f, "Ungdomsarbeid");
	if (!T_EQ_INT(person_create(f->db, &f->ar, &f->admin, &p, nv(&v)),
	              KV_OK))
		return 0;
	org_today(f->db, f->admin.org_id, f->today);
	return load(f, "eva.ansatt", &f->eva);
}

static void
fx_done(struct fx *f)
{
	if (f->db != NULL)
		t_db_done(f->db);
	arena_free(&f->ar);
}

/* Records a completion of the required course for who (as Anne, comms). */
static void
train(struct fx *f, int64_t who)
{
	struct training_record t = {0};
	struct verrs v = {0};
	int64_t course = 0;
	db_get_i64(f->db, &course,
	           "SELECT id FROM courses WHERE required_for_channel_roles = "
	           "1 ORDER BY id LIMIT 1",
	           NULL);
	t.person_id = who;
	t.course_id = course;
	t.completed_on = f->today;
	T_EQ_INT(training_record(f->db, &f->ar, &f->anne, &t, nv(&v)), KV_OK);
}

/* Fills every template field of p so it can be submitted. */
static void
complete(struct fx *f, struct plan *p, int64_t responsible)
{
	p->deciding_manager_id = f->kari.person_id;
	p->medium = "Instagram: @ungdomimeldal";
	p->purpose = "Ungdommen er på Instagram.";
	p->activities = "Bilder og korte videoer.";
	p->supervision = "Fritidslederen; i ferier ungdomslederen.";
	p->responsible_id = responsible;
	p->nothers = 1;
	p->other_ids[0] = f->siri.person_id;
	p->update_count = 3;
	p->update_period = "week";
	p->work_hours = 3;
	p->work_period = "week";
	p->snapshot_person_id = f->berit.person_id;
	p->ngoals = 2;
	memset(p->goals, 0, sizeof(p->goals[0]) * 2);
	p->goals[0].text = "Flere følgere";
	p->goals[0].metric = "followers";
	p->goals[0].has_target = 1;
	p->goals[0].target = 300;
	p->goals[0].period = "year";
	p->goals[1].text = "Ungdommen kjenner seg igjen";
	p->goals[1].metric = "";
}

/* --- the demo ------------------------------------------------------------- */

static void
check_demo(struct fx *f)
{
	struct plan p;
	struct training_alert *al;
	int n;

	T_EQ_INT(count(f, "SELECT COUNT(*) FROM plans"), 8);
	T_EQ_INT(count(f, "SELECT COUNT(*) FROM plans WHERE status = "
	                  "'approved'"),
	         7);
	T_EQ_INT(count(f, "SELECT COUNT(*) FROM plan_decisions"), 7);
	/* every active channel has an approved plan, signed by the rådmann */
	T_EQ_INT(count(f, "SELECT COUNT(*) FROM channels c WHERE c.status = "
	                  "'active' AND NOT EXISTS (SELECT 1 FROM plans p "
	                  "WHERE p.channel_id = c.id AND p.status = "
	                  "'approved')"),
	         0);
	T_EQ_INT(count(f, "SELECT COUNT(DISTINCT signer_id) FROM "
	                  "plan_decisions"),
	         1);
	T_EQ_INT(count(f, "SELECT COUNT(*) FROM plan_decisions WHERE "
	                  "signer_name = 'Kari Rønning' AND place = "
	                  "'Meldal'"),
	         7);
	/* the demo channels keep the day they opened */
	T_EQ_INT(count(f, "SELECT COUNT(*) FROM channels WHERE opened_on = "
	                  "'2010-09-01'"),
	         1);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->admin,
	                  plan_of(f, "Meldal kommune"), &p),
	         KV_OK);
	T_EQ_STR(p.status, "approved");
	T_ASSERT(p.has_decision && p.decision.intact);
	T_ASSERT(p.consulted);
	T_EQ_INT(p.ngoals, 3);
	T_EQ_STR(p.goals[0].metric, "followers");
	T_EQ_INT(p.goals[0].target, 1500);
	T_EQ_STR(p.goals[2].metric, "");
	T_EQ_INT(p.goals[2].has_target, 0);
	T_EQ_INT(p.nversions, 1);
	/* the requested Instagram has a draft, asked for by Siri */
	T_EQ_INT(
	    plan_get(f->db, &f->ar, &f->per, plan_of(f, "Ungdom i Meldal"), &p),
	    KV_OK);
	T_EQ_STR(p.status, "draft");
	T_EQ_INT(p.requested_by, f->siri.person_id);
	T_EQ_STR(p.channel_status, "requested");

	T_EQ_INT(count(f,
	               "SELECT COUNT(*) FROM courses WHERE name = 'Grunnkurs "
	               "i sosiale medier og jus' AND "
	               "required_for_channel_roles = 1 AND "
	               "validity_months = 24"),
	         1);
	T_EQ_INT(count(f, "SELECT COUNT(*) FROM training_records"), 9);
	T_EQ_INT(training_missing(f->db, f->admin.org_id, f->siri.person_id),
	         0);
	T_EQ_INT(training_missing(f->db, f->admin.org_id, f->berit.person_id),
	         1);
	/* Siri's runs out within 30 days: she and Per Arne (her manager) are
	 * told; comms sees it too; Marit does not */
	T_EQ_INT(training_expiring(f->db, &f->ar, &f->siri, 30, &al, &n),
	         KV_OK);
	if (T_EQ_INT(n, 1)) {
		T_EQ_INT(al[0].person_id, f->siri.person_id);
		T_EQ_INT(al[0].expired, 0);
		T_EQ_INT(al[0].nmanagers, 1);
		T_EQ_INT(al[0].manager_ids[0], f->per.person_id);
		T_ASSERT(strcmp(al[0].expires_on, f->today) > 0);
	}
	T_EQ_INT(training_expiring(f->db, &f->ar, &f->per, 30, &al, &n), KV_OK);
	T_EQ_INT(n, 1);
	T_EQ_INT(training_expiring(f->db, &f->ar, &f->anne, 30, &al, &n),
	         KV_OK);
	T_EQ_INT(n, 1);
	T_EQ_INT(training_expiring(f->db, &f->ar, &f->marit, 30, &al, &n),
	         KV_OK);
	T_EQ_INT(n, 0);
	T_EQ_INT(training_expiring(f->db, &f->ar, &f->anne, 5, &al, &n), KV_OK);
	T_EQ_INT(n, 0);
}

/* --- from a wish to an active channel ------------------------------------- */

static void
check_workflow(struct fx *f)
{
	struct channel c, ch;
	struct plan p, q;
	struct verrs v = {0};
	struct audit_row *rows;
	int64_t cid = 0;
	const char *before;
	int n;

	/* Eva asks for a channel for her own unit (unit_id 0 = her own) */
	memset(&c, 0, sizeof(c));
	c.platform = "instagram";
	c.name = "Fritid i Meldal";
	c.address = "https://www.instagram.com/fritidimeldal";
	c.purpose = "Bilder fra fritidsklubben.";
	T_EQ_INT(plan_request(f->db, &f->ar, &f->eva, &c, "Ungdommen er der.",
	                      &p, nv(&v)),
	         KV_OK);
	T_EQ_STR(p.status, "draft");
	T_EQ_INT(p.version, 1);
	T_EQ_INT(p.requested_by, f->eva.person_id);
	T_EQ_INT(p.unit_id, unit_id(f, "Ungdomsarbeid"));
	T_EQ_STR(p.request_note, "Ungdommen er der.");
	T_EQ_STR(p.channel_status, "requested");
	T_EQ_STR(p.purpose, "Bilder fra fritidsklubben.");
	T_EQ_STR(p.medium, "Instagram: Fritid i Meldal "
	                   "(https://www.instagram.com/fritidimeldal)");
	cid = p.channel_id;
	/* she sees her plan, may comment, but not write it */
	T_EQ_INT(plan_get(f->db, &f->ar, &f->eva, p.id, &q), KV_OK);
	before = snapshot(f);
	complete(f, &q, f->eva.person_id);
	T_EQ_INT(plan_update(f->db, &f->ar, &f->eva, &q, nv(&v)), KV_FORBIDDEN);
	T_EQ_INT(plan_submit(f->db, &f->ar, &f->eva, p.id, nv(&v)),
	         KV_FORBIDDEN);
	T_EQ_STR(snapshot(f), before);
	/* someone of another unit does not even see it */
	T_EQ_INT(plan_get(f->db, &f->ar, &f->marit, p.id, &q), KV_NOTFOUND);
	T_EQ_INT(plan_update(f->db, &f->ar, &f->jon, &q, nv(&v)), KV_NOTFOUND);
	T_EQ_STR(snapshot(f), before);

	/* the head of culture takes it up; incomplete, it cannot be
	 * submitted, and says what is missing */
	T_EQ_INT(plan_get(f->db, &f->ar, &f->per, p.id, &q), KV_OK);
	T_EQ_INT(plan_submit(f->db, &f->ar, &f->per, p.id, nv(&v)), KV_INVALID);
	T_EQ_STR(verr_for(&v, "deciding_manager_id"), "is required");
	T_EQ_STR(verr_for(&v, "goals"), "needs at least one goal");
	T_EQ_STR(verr_for(&v, "activities"), "is required");
	T_EQ_STR(verr_for(&v, "responsible_id"), "is required");
	T_EQ_STR(verr_for(&v, "supervision"), "is required");
	T_EQ_STR(verr_for(&v, "work_hours"), "must be at least 1");
	T_EQ_STR(verr_for(&v, "snapshot_person_id"), "is required");
	T_EQ_STR(verr_for(&v, "purpose"), NULL);
	T_EQ_STR(snapshot(f), before);

	/* with Eva (untrained) as responsible it still cannot be submitted */
	complete(f, &q, f->eva.person_id);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_update(f->db, &f->ar, &f->per, &q, nv(&v)), KV_OK);
	before = snapshot(f);
	T_EQ_INT(plan_submit(f->db, &f->ar, &f->per, p.id, nv(&v)), KV_INVALID);
	T_EQ_STR(verr_for(&v, "responsible_id"),
	         "has not completed the required training");
	T_EQ_STR(snapshot(f), before);
	/* a deciding manager who is no decision maker is refused too */
	q.deciding_manager_id = f->jon.person_id;
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_check(f->db, &f->ar, &f->per, &q, 1, nv(&v)), KV_INVALID);
	T_EQ_STR(verr_for(&v, "deciding_manager_id"),
	         "is not a decision maker for this unit");

	train(f, f->eva.person_id);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_submit(f->db, &f->ar, &f->per, p.id, nv(&v)), KV_OK);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->per, p.id, &q), KV_OK);
	T_EQ_STR(q.status, "submitted");
	T_EQ_INT(q.submitted_by, f->per.person_id);
	T_ASSERT(!q.consulted);

	/* a submitted version cannot be changed */
	before = snapshot(f);
	q.purpose = "Endret etter innsending";
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_update(f->db, &f->ar, &f->per, &q, nv(&v)), KV_CONFLICT);
	T_ASSERT(verr_for(&v, "status") != NULL);
	/* nor decided before the communications unit is consulted */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_decide(f->db, &f->ar, &f->kari, p.id, "approve", "Meldal",
	                     "", nv(&v)),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "comments"),
	         "the communications unit has not been consulted on this "
	         "version");
	T_EQ_STR(snapshot(f), before);

	/* Eva's comment is a comment, not the consultation */
	{
		int64_t k = 0;
		memset(&v, 0, sizeof(v));
		T_EQ_INT(plan_comment(f->db, &f->ar, &f->eva, p.id,
		                      "Jeg kan ta kurset.", &k, nv(&v)),
		         KV_OK);
		T_EQ_INT(plan_get(f->db, &f->ar, &f->per, p.id, &q), KV_OK);
		T_ASSERT(!q.consulted);
		/* an empty comment is refused */
		before = snapshot(f);
		T_EQ_INT(plan_comment(f->db, &f->ar, &f->anne, p.id, "  ", &k,
		                      nv(&v)),
		         KV_INVALID);
		T_EQ_STR(verr_for(&v, "text"), "is required");
		T_EQ_STR(snapshot(f), before);
		memset(&v, 0, sizeof(v));
		T_EQ_INT(plan_comment(f->db, &f->ar, &f->anne, p.id,
		                      "Anbefales.", &k, nv(&v)),
		         KV_OK);
		T_EQ_INT(plan_get(f->db, &f->ar, &f->per, p.id, &q), KV_OK);
		T_ASSERT(q.consulted);
		T_EQ_INT(q.ncomments, 2);
		T_EQ_INT(q.comments[1].consultation, 1);
		T_EQ_INT(q.comments[0].consultation, 0);
	}

	/* only a decision maker decides; bad input is refused first */
	before = snapshot(f);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_decide(f->db, &f->ar, &f->per, p.id, "approve", "Meldal",
	                     "", nv(&v)),
	         KV_FORBIDDEN);
	T_EQ_INT(plan_decide(f->db, &f->ar, &f->admin, p.id, "approve",
	                     "Meldal", "", nv(&v)),
	         KV_FORBIDDEN);
	T_EQ_INT(
	    plan_decide(f->db, &f->ar, &f->kari, p.id, "maybe", "", "", nv(&v)),
	    KV_INVALID);
	T_EQ_STR(verr_for(&v, "decision"), "must be approve or reject");
	T_EQ_STR(verr_for(&v, "place"), "is required");
	T_EQ_STR(snapshot(f), before);

	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_decide(f->db, &f->ar, &f->kari, p.id, "approve",
	                     " Meldal ", "Lykke til.", nv(&v)),
	         KV_OK);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->eva, p.id, &q), KV_OK);
	T_EQ_STR(q.status, "approved");
	T_ASSERT(q.has_decision);
	T_EQ_STR(q.decision.decision, "approve");
	T_EQ_INT(q.decision.signer_id, f->kari.person_id);
	T_EQ_STR(q.decision.signer_name, "Kari Rønning");
	T_EQ_STR(q.decision.signer_title, "rådmann");
	T_EQ_STR(q.decision.place, "Meldal");
	T_EQ_STR(q.decision.note, "Lykke til.");
	T_EQ_STR(q.decision.decided_on, f->today);
	T_EQ_INT(strlen(q.decision.signature), 64);
	T_ASSERT(q.decision.intact);
	/* the channel is active, with the plan's people and commitment */
	T_EQ_INT(channel_get(f->db, &f->ar, &f->admin, cid, &ch), KV_OK);
	T_EQ_STR(ch.status, "active");
	T_EQ_STR(ch.opened_on, f->today);
	T_EQ_INT(ch.responsible_id, f->eva.person_id);
	T_EQ_INT(ch.neditors, 1);
	T_EQ_INT(ch.editor_ids[0], f->siri.person_id);
	T_EQ_INT(ch.update_count, 3);
	T_EQ_STR(ch.purpose, "Ungdommen er på Instagram.");
	/* a decided plan takes no more comments and no second decision */
	before = snapshot(f);
	{
		int64_t k = 0;
		memset(&v, 0, sizeof(v));
		T_EQ_INT(plan_comment(f->db, &f->ar, &f->anne, p.id, "Sent.",
		                      &k, nv(&v)),
		         KV_CONFLICT);
	}
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_decide(f->db, &f->ar, &f->kari, p.id, "reject", "Meldal",
	                     "", nv(&v)),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "status"),
	         "only a submitted plan can be decided");
	q.purpose = "Endret etter vedtak";
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_update(f->db, &f->ar, &f->per, &q, nv(&v)), KV_CONFLICT);
	T_EQ_STR(snapshot(f), before);

	/* every step is in the audit log */
	T_EQ_INT(audit_list(f->db, &f->ar, &f->admin, "plan", p.id, 0, 50,
	                    &rows, &n),
	         KV_OK);
	{
		static const char *const want[] = {"approve", "comment",
		                                   "comment", "submit",
		                                   "update",  "request"};
		if (T_EQ_INT(n, (int)ARRAY_LEN(want)))
			for (int i = 0; i < n; i++)
				T_EQ_STR(rows[i].action, want[i]);
	}
	T_EQ_INT(audit_list(f->db, &f->ar, &f->admin, "channel", cid, 0, 50,
	                    &rows, &n),
	         KV_OK);
	if (T_EQ_INT(n, 2)) {
		T_EQ_STR(rows[0].action, "activate");
		T_EQ_STR(rows[1].action, "request");
	}
	{
		int64_t checked = 0, bad = 0, hs = 0;
		const char *why = NULL;
		char hh[65];
		T_EQ_INT(
		    audit_verify(f->db, 0, NULL, &checked, &bad, &why, &hs, hh),
		    0);
	}

	/* a change after signing shows: the triggers keep the decision,
	 * but a plan row changed behind the application's back breaks the
	 * signature */
	T_EQ_INT(db_run(f->db,
	                "UPDATE plan_decisions SET place = 'Oslo' WHERE "
	                "plan_id = ?",
	                "i", p.id),
	         -1);
	T_EQ_INT(db_run(f->db, "DELETE FROM plan_decisions WHERE plan_id = ?",
	                "i", p.id),
	         -1);
	T_EQ_INT(db_run(f->db, "DELETE FROM plan_comments WHERE plan_id = ?",
	                "i", p.id),
	         -1);
	T_EQ_INT(db_run(f->db, "UPDATE plan_comments SET body = 'x'", NULL),
	         -1);
	T_EQ_INT(count(f, "SELECT COUNT(*) FROM plan_decisions WHERE place = "
	                  "'Meldal'"),
	         8);
	T_EQ_INT(db_run(f->db,
	                "UPDATE plans SET purpose = 'Noe annet' WHERE "
	                "id = ?",
	                "i", p.id),
	         0);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->admin, p.id, &q), KV_OK);
	T_ASSERT(!q.decision.intact);
	T_EQ_INT(db_run(f->db, "UPDATE plans SET purpose = ? WHERE id = ?",
	                "ti", "Ungdommen er på Instagram.", p.id),
	         0);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->admin, p.id, &q), KV_OK);
	T_ASSERT(q.decision.intact);
	T_EQ_INT(db_run(f->db,
	                "DELETE FROM plan_goals WHERE plan_id = ? AND "
	                "position = 1",
	                "i", p.id),
	         0);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->admin, p.id, &q), KV_OK);
	T_ASSERT(!q.decision.intact);
}

/* --- who may request ---------------------------------------------------- */

static void
check_request_rights(struct fx *f)
{
	struct channel c;
	struct plan p;
	struct verrs v = {0};
	struct actor sys;
	const char *before = snapshot(f);

	memset(&c, 0, sizeof(c));
	c.platform = "x";
	c.name = "Oppvekst på X";
	c.address = "@oppvekst";
	c.unit_id = unit_id(f, "Oppvekst");
	/* not her unit */
	T_EQ_INT(plan_request(f->db, &f->ar, &f->eva, &c, NULL, &p, nv(&v)),
	         KV_FORBIDDEN);
	/* the system actor is nobody */
	actor_system(&sys, f->admin.org_id, "test");
	c.unit_id = unit_id(f, "Oppvekst");
	T_EQ_INT(plan_request(f->db, &f->ar, &sys, &c, NULL, &p, nv(&v)),
	         KV_FORBIDDEN);
	/* bad fields name themselves */
	c.unit_id = 0;
	c.platform = "myspace";
	c.address = "a b";
	T_EQ_INT(plan_request(f->db, &f->ar, &f->eva, &c, NULL, &p, nv(&v)),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "platform"), "is not a supported platform");
	T_EQ_STR(verr_for(&v, "address"), "must not contain spaces");
	/* an address already registered is a conflict */
	memset(&v, 0, sizeof(v));
	c.platform = "facebook_page";
	c.address = "https://www.facebook.com/jobbimeldal";
	T_EQ_INT(plan_request(f->db, &f->ar, &f->eva, &c, NULL, &p, nv(&v)),
	         KV_CONFLICT);
	T_EQ_STR(snapshot(f), before);
	/* a unit manager may ask for a unit below theirs */
	memset(&v, 0, sizeof(v));
	c.platform = "x";
	c.address = "@biblioteket";
	c.name = "Biblioteket på X";
	c.unit_id = unit_id(f, "Meldal folkebibliotek");
	T_EQ_INT(plan_request(f->db, &f->ar, &f->per, &c, NULL, &p, nv(&v)),
	         KV_OK);
	T_EQ_INT(p.requested_by, f->per.person_id);
}

/* --- self-approval, consultation, versions ------------------------------- */

/* Submits a fresh request of Eva's, written by writer, consulted by
 * consulter (NULL: not), and returns the plan id. */
static int64_t
submitted_plan(struct fx *f, const char *name, const struct actor *writer,
               const struct actor *consulter)
{
	struct channel c;
	struct plan p;
	struct verrs v = {0};
	int64_t k = 0;
	memset(&c, 0, sizeof(c));
	c.platform = "youtube";
	c.name = name;
	c.address = arena_printf(&f->ar, "https://www.youtube.com/@%s", name);
	if (!T_EQ_INT(
	        plan_request(f->db, &f->ar, &f->eva, &c, NULL, &p, nv(&v)),
	        KV_OK))
		return 0;
	complete(f, &p, f->siri.person_id);
	p.nothers = 0;
	if (!T_EQ_INT(plan_update(f->db, &f->ar, writer, &p, nv(&v)), KV_OK) ||
	    !T_EQ_INT(plan_submit(f->db, &f->ar, writer, p.id, nv(&v)), KV_OK))
		return 0;
	if (consulter && !T_EQ_INT(plan_comment(f->db, &f->ar, consulter, p.id,
	                                        "OK.", &k, nv(&v)),
	                           KV_OK))
		return 0;
	return p.id;
}

static void
check_self_and_consultation(struct fx *f)
{
	struct verrs v = {0};
	struct plan p;
	struct actor ingrid_dm;
	const char *before;
	int64_t id, k = 0;

	/* Ingrid (comms) also becomes a decision maker */
	T_EQ_INT(person_grant(f->db, &f->ar, &f->admin, f->ingrid.person_id,
	                      ROLE_DECISION_MAKER, 0, nv(&v)),
	         KV_OK);
	T_EQ_INT(actor_load(f->db, &f->ar, f->ingrid.person_id, &ingrid_dm),
	         KV_OK);

	/* she wrote and submitted it: she may not decide it */
	id = submitted_plan(f, "selv", &ingrid_dm, &f->anne);
	before = snapshot(f);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_decide(f->db, &f->ar, &ingrid_dm, id, "approve", "Meldal",
	                     "", nv(&v)),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "decision"),
	         "nobody decides a plan they requested, wrote or submitted");
	T_EQ_STR(snapshot(f), before);
	/* the rådmann may */
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_decide(f->db, &f->ar, &f->kari, id, "approve", "Meldal",
	                     "", nv(&v)),
	         KV_OK);

	/* she wrote it (Per Arne submitted it) */
	id = submitted_plan(f, "skrevet", &f->per, NULL);
	T_EQ_INT(plan_withdraw(f->db, &f->ar, &f->per, id, nv(&v)), KV_OK);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->per, id, &p), KV_OK);
	T_EQ_STR(p.status, "draft");
	T_EQ_INT(p.submitted_by, 0);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_withdraw(f->db, &f->ar, &f->per, id, nv(&v)),
	         KV_CONFLICT);
	p.activities = "Ingrid skriver om.";
	T_EQ_INT(plan_update(f->db, &f->ar, &ingrid_dm, &p, nv(&v)), KV_OK);
	T_EQ_INT(plan_submit(f->db, &f->ar, &f->per, id, nv(&v)), KV_OK);
	/* a comms person who wrote the version cannot be its consultation */
	T_EQ_INT(
	    plan_comment(f->db, &f->ar, &ingrid_dm, id, "Fint.", &k, nv(&v)),
	    KV_OK);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->per, id, &p), KV_OK);
	T_ASSERT(!p.consulted);
	T_EQ_INT(plan_comment(f->db, &f->ar, &f->anne, id, "Fint.", &k, nv(&v)),
	         KV_OK);
	before = snapshot(f);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_decide(f->db, &f->ar, &ingrid_dm, id, "approve", "Meldal",
	                     "", nv(&v)),
	         KV_CONFLICT);
	T_EQ_STR(snapshot(f), before);

	/* the rådmann asked for it herself */
	{
		struct channel c;
		memset(&c, 0, sizeof(c));
		c.platform = "linkedin";
		c.name = "Meldal kommune på LinkedIn";
		c.address = "https://www.linkedin.com/company/meldal";
		memset(&v, 0, sizeof(v));
		T_EQ_INT(
		    plan_request(f->db, &f->ar, &f->kari, &c, NULL, &p, nv(&v)),
		    KV_OK);
		T_EQ_INT(p.unit_id, unit_id(f, "Rådmannen"));
		complete(f, &p, f->siri.person_id);
		p.nothers = 0;
		T_EQ_INT(plan_update(f->db, &f->ar, &f->anne, &p, nv(&v)),
		         KV_OK);
		T_EQ_INT(plan_submit(f->db, &f->ar, &f->anne, p.id, nv(&v)),
		         KV_OK);
		T_EQ_INT(plan_comment(f->db, &f->ar, &f->ingrid, p.id, "OK.",
		                      &k, nv(&v)),
		         KV_OK);
		before = snapshot(f);
		T_EQ_INT(plan_decide(f->db, &f->ar, &f->kari, p.id, "approve",
		                     "Meldal", "", nv(&v)),
		         KV_CONFLICT);
		T_EQ_STR(snapshot(f), before);
		/* Ingrid did not write this one: she may decide it */
		memset(&v, 0, sizeof(v));
		T_EQ_INT(plan_decide(f->db, &f->ar, &ingrid_dm, p.id, "reject",
		                     "Meldal", "Ikke nå.", nv(&v)),
		         KV_OK);
		T_EQ_INT(plan_get(f->db, &f->ar, &f->kari, p.id, &p), KV_OK);
		T_EQ_STR(p.status, "rejected");
		T_EQ_STR(p.channel_status, "requested");
		T_ASSERT(p.decision.intact);
		T_EQ_INT(p.ncomments, 1); /* the history stays */
	}

	/* a consultation goes stale when the draft changes */
	id = submitted_plan(f, "foreldet", &f->per, &f->anne);
	T_EQ_INT(plan_withdraw(f->db, &f->ar, &f->per, id, nv(&v)), KV_OK);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->per, id, &p), KV_OK);
	T_ASSERT(p.consulted); /* withdrawing changes nothing */
	p.work_hours = 4;
	T_EQ_INT(plan_update(f->db, &f->ar, &f->per, &p, nv(&v)), KV_OK);
	T_EQ_INT(plan_submit(f->db, &f->ar, &f->per, id, nv(&v)), KV_OK);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->per, id, &p), KV_OK);
	T_ASSERT(!p.consulted);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_decide(f->db, &f->ar, &f->kari, id, "approve", "Meldal",
	                     "", nv(&v)),
	         KV_CONFLICT);
	T_EQ_INT(plan_comment(f->db, &f->ar, &f->anne, id, "Fortsatt OK.", &k,
	                      nv(&v)),
	         KV_OK);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_decide(f->db, &f->ar, &f->kari, id, "approve", "Meldal",
	                     "", nv(&v)),
	         KV_OK);
}

static void
check_versions(struct fx *f)
{
	struct verrs v = {0};
	struct plan p, q;
	struct channel ch;
	int64_t v1 = plan_of(f, "Meldal kommune"), v2 = 0, k = 0;
	int64_t cid = channel_id(f, "Meldal kommune");
	const char *before = snapshot(f);

	/* a draft or a submitted version is changed, not revised */
	T_EQ_INT(plan_revise(f->db, &f->ar, &f->ingrid,
	                     plan_of(f, "Ungdom i Meldal"), &v2, nv(&v)),
	         KV_CONFLICT);
	/* a unit manager elsewhere does not see it; an editor of the unit
	 * sees it but may not revise it */
	T_EQ_INT(plan_revise(f->db, &f->ar, &f->jon, v1, &v2, nv(&v)),
	         KV_NOTFOUND);
	T_EQ_INT(plan_revise(f->db, &f->ar, &f->siri,
	                     plan_of(f, "Ungdomsleder i Meldal"), &v2, nv(&v)),
	         KV_FORBIDDEN);
	T_EQ_STR(snapshot(f), before);

	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_revise(f->db, &f->ar, &f->ingrid, v1, &v2, nv(&v)),
	         KV_OK);
	T_ASSERT(v2 > v1);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->ingrid, v2, &p), KV_OK);
	T_EQ_INT(p.version, 2);
	T_EQ_STR(p.status, "draft");
	T_EQ_INT(p.ngoals, 3);
	T_EQ_INT(p.nversions, 2);
	T_ASSERT(!p.consulted);
	/* the old one stays approved until the new one is */
	T_EQ_INT(plan_get(f->db, &f->ar, &f->ingrid, v1, &q), KV_OK);
	T_EQ_STR(q.status, "approved");
	before = snapshot(f);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_revise(f->db, &f->ar, &f->ingrid, v1, &k, nv(&v)),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "version"),
	         "a newer version of this plan exists");
	T_EQ_STR(snapshot(f), before);

	p.update_count = 5;
	T_EQ_INT(plan_update(f->db, &f->ar, &f->ingrid, &p, nv(&v)), KV_OK);
	T_EQ_INT(plan_submit(f->db, &f->ar, &f->ingrid, v2, nv(&v)), KV_OK);
	T_EQ_INT(plan_comment(f->db, &f->ar, &f->anne, v2, "OK.", &k, nv(&v)),
	         KV_OK);
	T_EQ_INT(plan_decide(f->db, &f->ar, &f->kari, v2, "approve", "Meldal",
	                     "", nv(&v)),
	         KV_OK);
	T_EQ_INT(plan_get(f->db, &f->ar, &f->ingrid, v1, &q), KV_OK);
	T_EQ_STR(q.status, "superseded");
	T_ASSERT(q.decision.intact); /* the old signature still holds */
	T_EQ_INT(plan_get(f->db, &f->ar, &f->ingrid, v2, &q), KV_OK);
	T_EQ_STR(q.status, "approved");
	T_EQ_INT(channel_get(f->db, &f->ar, &f->admin, cid, &ch), KV_OK);
	T_EQ_STR(ch.status, "active");
	T_EQ_INT(ch.update_count, 5);
	T_EQ_STR(ch.opened_on, "2010-09-01"); /* kept: it was open */
	T_EQ_INT(count(f, "SELECT COUNT(*) FROM plans WHERE status = "
	                  "'approved' AND channel_id = (SELECT id FROM "
	                  "channels WHERE name = 'Meldal kommune')"),
	         1);
	/* the superseded version is never changed or revised */
	before = snapshot(f);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_revise(f->db, &f->ar, &f->ingrid, v1, &k, nv(&v)),
	         KV_CONFLICT);
	q.id = v1;
	T_EQ_INT(plan_update(f->db, &f->ar, &f->ingrid, &q, nv(&v)),
	         KV_CONFLICT);
	T_EQ_STR(snapshot(f), before);

	/* starting a plan: only for a channel without one, by a writer */
	before = snapshot(f);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(plan_start(f->db, &f->ar, &f->ingrid, cid, 0, &p, nv(&v)),
	         KV_CONFLICT);
	{
		struct channel c;
		memset(&c, 0, sizeof(c));
		c.platform = "flickr";
		c.name = "Meldal på Flickr";
		c.address = "https://www.flickr.com/meldal";
		c.unit_id = unit_id(f, "Ungdomsarbeid");
		memset(&v, 0, sizeof(v));
		T_EQ_INT(channel_create(f->db, &f->ar, &f->per, &c, nv(&v)),
		         KV_OK);
		before = snapshot(f);
		T_EQ_INT(
		    plan_start(f->db, &f->ar, &f->siri, c.id, 0, &p, nv(&v)),
		    KV_FORBIDDEN);
		T_EQ_INT(plan_start(f->db, &f->ar, &f->per, c.id, 999999, &p,
		                    nv(&v)),
		         KV_INVALID);
		T_EQ_STR(snapshot(f), before);
		memset(&v, 0, sizeof(v));
		T_EQ_INT(plan_start(f->db, &f->ar, &f->per, c.id,
		                    f->eva.person_id, &p, nv(&v)),
		         KV_OK);
		T_EQ_INT(p.requested_by, f->eva.person_id);
		T_EQ_STR(p.status, "draft");
	}
}

/* --- the fields ------------------------------------------------------------
 */

static void
check_validation(struct fx *f)
{
	struct verrs v = {0};
	struct plan p;
	int64_t id = plan_of(f, "Ungdom i Meldal");
	const char *before;
	if (!T_EQ_INT(plan_get(f->db, &f->ar, &f->per, id, &p), KV_OK))
		return;
	before = snapshot(f);
	p.ngoals = 4;
	memset(p.goals, 0, sizeof(p.goals[0]) * 4);
	p.goals[0].text = ""; /* qualitative without text */
	p.goals[0].metric = "";
	p.goals[1].metric = "followers"; /* no target, no period */
	p.goals[2].metric = "likes";     /* unknown */
	p.goals[2].has_target = 1;
	p.goals[2].target = 10;
	p.goals[2].period = "week";
	p.goals[3].text = "Noe";
	p.goals[3].metric = "";
	p.goals[3].has_target = 1; /* a target without a metric */
	p.goals[3].period = "year";
	p.update_period = "decade";
	p.work_hours = -1;
	p.responsible_id = 999999;
	p.nothers = 2;
	p.other_ids[0] = f->siri.person_id;
	p.other_ids[1] = f->siri.person_id;
	T_EQ_INT(plan_update(f->db, &f->ar, &f->per, &p, nv(&v)), KV_INVALID);
	T_EQ_STR(verr_for(&v, "goals[0].text"),
	         "is required for a goal without a metric");
	T_EQ_STR(verr_for(&v, "goals[1].target"),
	         "is required for a measurable goal");
	T_EQ_STR(verr_for(&v, "goals[1].period"),
	         "must be week, month, quarter, half_year or year");
	T_EQ_STR(verr_for(&v, "goals[2].metric"), "is not a known metric");
	T_EQ_STR(verr_for(&v, "goals[3].target"),
	         "needs a metric to measure against");
	T_EQ_STR(verr_for(&v, "goals[3].period"),
	         "needs a metric to measure against");
	T_EQ_STR(verr_for(&v, "update_period"), "must be day, week or month");
	T_EQ_STR(verr_for(&v, "work_hours"), "must be between 0 and 1000");
	T_EQ_STR(verr_for(&v, "responsible_id"), "no such person");
	T_EQ_STR(verr_for(&v, "other_ids"), "lists the same person twice");
	T_EQ_STR(snapshot(f), before);
}

/* --- channel rules
 * ------------------------------------------------------------ */

static void
check_channel_rules(struct fx *f)
{
	struct channel c;
	struct verrs v = {0};
	struct course extra = {0};
	const char *before = snapshot(f);
	int64_t insta = channel_id(f, "Ungdom i Meldal");

	/* not active without an approved plan */
	T_EQ_INT(channel_get(f->db, &f->ar, &f->per, insta, &c), KV_OK);
	c.status = "active";
	T_EQ_INT(channel_update(f->db, &f->ar, &f->per, &c, nv(&v)),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "status"),
	         "can become active only through an approved action plan");
	memset(&c, 0, sizeof(c));
	c.platform = "bluesky";
	c.name = "Meldal på Bluesky";
	c.address = "@meldal.bsky.social";
	c.unit_id = unit_id(f, "Stab og service");
	c.status = "active";
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_create(f->db, &f->ar, &f->ingrid, &c, nv(&v)),
	         KV_CONFLICT);
	T_EQ_STR(snapshot(f), before);
	/* a paused channel resumes under its approved plan */
	T_EQ_INT(channel_get(f->db, &f->ar, &f->ingrid,
	                     channel_id(f, "Jobb i Meldal"), &c),
	         KV_OK);
	c.status = "paused";
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_update(f->db, &f->ar, &f->ingrid, &c, nv(&v)), KV_OK);
	c.status = "active";
	T_EQ_INT(channel_update(f->db, &f->ar, &f->ingrid, &c, nv(&v)), KV_OK);

	/* responsible persons and editors need the training */
	before = snapshot(f);
	T_EQ_INT(channel_get(f->db, &f->ar, &f->per, insta, &c), KV_OK);
	c.responsible_id = f->berit.person_id;
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_update(f->db, &f->ar, &f->per, &c, nv(&v)),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "responsible_id"),
	         "has not completed the required training");
	T_EQ_INT(channel_get(f->db, &f->ar, &f->per, insta, &c), KV_OK);
	c.editor_ids[c.neditors++] = f->berit.person_id;
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_update(f->db, &f->ar, &f->per, &c, nv(&v)),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "editor_ids"),
	         "has not completed the required training");
	T_EQ_STR(snapshot(f), before);
	/* after the course it works */
	train(f, f->berit.person_id);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_update(f->db, &f->ar, &f->per, &c, nv(&v)), KV_OK);

	/* a new required course: people already on a channel stay, but no
	 * one new may be added without it */
	extra.name = "Personvern";
	extra.validity_months = 12;
	extra.required = 1;
	T_EQ_INT(course_create(f->db, &f->ar, &f->anne, &extra, nv(&v)), KV_OK);
	T_EQ_INT(channel_get(f->db, &f->ar, &f->per, insta, &c), KV_OK);
	c.name = "Ungdom i Meldal (Instagram)";
	T_EQ_INT(channel_update(f->db, &f->ar, &f->per, &c, nv(&v)), KV_OK);
	c.editor_ids[c.neditors++] = f->per.person_id;
	memset(&v, 0, sizeof(v));
	T_EQ_INT(channel_update(f->db, &f->ar, &f->per, &c, nv(&v)),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "editor_ids"),
	         "has not completed the required training");
	/* and a plan naming someone without it cannot be submitted */
	{
		int64_t id = plan_of(f, "Nye tider, nye tanker"), nid = 0;
		memset(&v, 0, sizeof(v));
		T_EQ_INT(plan_revise(f->db, &f->ar, &f->jon, id, &nid, nv(&v)),
		         KV_OK);
		before = snapshot(f);
		T_EQ_INT(plan_submit(f->db, &f->ar, &f->jon, nid, nv(&v)),
		         KV_INVALID);
		T_EQ_STR(verr_for(&v, "responsible_id"),
		         "has not completed the required training");
		T_EQ_STR(verr_for(&v, "other_ids"),
		         "has not completed the required training");
		T_EQ_STR(snapshot(f), before);
	}
}

/* --- courses and completions
 * --------------------------------------------------- */

static void
check_training(struct fx *f)
{
	struct course c = {0};
	struct training_record t = {0}, *ts;
	struct training_filter tf = {0};
	struct verrs v = {0};
	int64_t course = 0, total = 0;
	int n;
	char d[16];
	const char *before = snapshot(f);

	db_get_i64(f->db, &course,
	           "SELECT id FROM courses WHERE required_for_channel_roles = "
	           "1",
	           NULL);
	c.name = "Grunnkurs i sosiale medier og jus";
	T_EQ_INT(course_create(f->db, &f->ar, &f->siri, &c, nv(&v)),
	         KV_FORBIDDEN);
	T_EQ_INT(course_create(f->db, &f->ar, &f->per, &c, nv(&v)),
	         KV_FORBIDDEN);
	T_EQ_INT(course_create(f->db, &f->ar, &f->anne, &c, nv(&v)),
	         KV_CONFLICT);
	T_EQ_STR(verr_for(&v, "name"), "is already taken");
	memset(&v, 0, sizeof(v));
	c.name = "";
	c.validity_months = 121;
	T_EQ_INT(course_create(f->db, &f->ar, &f->anne, &c, nv(&v)),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "name"), "is required");
	T_EQ_STR(verr_for(&v, "validity_months"), "must be between 0 and 120");

	/* who records completions */
	t.person_id = f->eva.person_id;
	t.course_id = course;
	t.completed_on = "2025-01-31";
	memset(&v, 0, sizeof(v));
	T_EQ_INT(training_record(f->db, &f->ar, &f->siri, &t, nv(&v)),
	         KV_FORBIDDEN);
	t.person_id = f->marit.person_id; /* not in Per Arne's units */
	T_EQ_INT(training_record(f->db, &f->ar, &f->per, &t, nv(&v)),
	         KV_FORBIDDEN);
	t.person_id = f->per.person_id; /* himself */
	T_EQ_INT(training_record(f->db, &f->ar, &f->per, &t, nv(&v)),
	         KV_FORBIDDEN);
	t.person_id = f->eva.person_id;
	t.completed_on = "2999-01-01";
	T_EQ_INT(training_record(f->db, &f->ar, &f->per, &t, nv(&v)),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "completed_on"), "cannot be in the future");
	memset(&v, 0, sizeof(v));
	t.completed_on = "2025-01-31";
	t.expires_on = "2024-12-31";
	T_EQ_INT(training_record(f->db, &f->ar, &f->per, &t, nv(&v)),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "expires_on"), "cannot be before completed_on");
	memset(&v, 0, sizeof(v));
	t.expires_on = NULL;
	t.course_id = 999999;
	t.person_id = 999999;
	T_EQ_INT(training_record(f->db, &f->ar, &f->anne, &t, nv(&v)),
	         KV_INVALID);
	T_EQ_STR(verr_for(&v, "course_id"), "no such course");
	T_EQ_STR(verr_for(&v, "person_id"), "no such person");
	T_EQ_STR(snapshot(f), before);
	/* the manager records it for his employee; the expiry follows the
	 * course's validity, and an old one no longer counts */
	memset(&v, 0, sizeof(v));
	t.person_id = f->eva.person_id;
	t.course_id = course;
	t.completed_on = "2020-01-31";
	T_EQ_INT(training_record(f->db, &f->ar, &f->per, &t, nv(&v)), KV_OK);
	T_EQ_STR(t.expires_on, "2022-01-31");
	T_EQ_INT(t.valid, 0);
	T_EQ_INT(training_missing(f->db, f->admin.org_id, f->eva.person_id), 1);
	/* … and it shows as run out, to her and to him */
	{
		struct training_alert *al;
		int found = 0;
		T_EQ_INT(training_expiring(f->db, &f->ar, &f->per, 30, &al, &n),
		         KV_OK);
		for (int i = 0; i < n; i++)
			if (al[i].person_id == f->eva.person_id) {
				found = 1;
				T_EQ_INT(al[i].expired, 1);
			}
		T_ASSERT(found);
	}
	/* who sees completions */
	tf.limit = 100;
	T_EQ_INT(training_list(f->db, &f->ar, &f->siri, &tf, &ts, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 1); /* her own */
	T_EQ_INT(training_list(f->db, &f->ar, &f->per, &tf, &ts, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 4); /* Per Arne, Siri, Tor Einar, Eva */
	T_EQ_INT(training_list(f->db, &f->ar, &f->anne, &tf, &ts, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 10);
	tf.person_id = f->siri.person_id;
	T_EQ_INT(training_list(f->db, &f->ar, &f->marit, &tf, &ts, &n, &total),
	         KV_OK);
	T_EQ_INT(total, 0);

	/* dates */
	T_EQ_INT(date_add_months("2024-01-31", 1, d), 0);
	T_EQ_STR(d, "2024-02-29");
	T_EQ_INT(date_add_months("2023-01-31", 1, d), 0);
	T_EQ_STR(d, "2023-02-28");
	T_EQ_INT(date_add_months("2024-03-15", -24, d), 0);
	T_EQ_STR(d, "2022-03-15");
	T_EQ_INT(date_add_months("2024-11-30", 14, d), 0);
	T_EQ_STR(d, "2026-01-30");
	T_EQ_INT(date_add_months("2024-02-30", 1, d), -1);
	T_EQ_INT(date_add_months(NULL, 1, d), -1);
}

static void
plans_suite(enum db_kind kind)
{
	struct fx f;
	if (fx_setup(&f, kind)) {
		check_demo(&f);
		check_workflow(&f);
		check_request_rights(&f);
		check_validation(&f);
	}
	fx_done(&f);
	if (fx_setup(&f, kind)) {
		check_self_and_consultation(&f);
		check_versions(&f);
	}
	fx_done(&f);
	if (fx_setup(&f, kind)) {
		check_training(&f);
		check_channel_rules(&f);
	}
	fx_done(&f);
}

T_TEST(plans_sqlite)
{
	plans_suite(DB_SQLITE);
}

T_TEST(plans_pg)
{
	plans_suite(DB_PG);
}

T_TEST(labels)
{
	T_EQ_STR(plan_label(plan_statuses, plan_status_labels, "draft"),
	         "Draft");
	T_EQ_STR(plan_label(goal_metrics, goal_metric_labels, "nope"), "nope");
	T_EQ_STR(plan_label(goal_periods, goal_period_labels, NULL), "");
	for (int i = 0; goal_metrics[i]; i++)
		T_ASSERT(goal_metric_labels[i] != NULL);
	for (int i = 0; goal_periods[i]; i++)
		T_ASSERT(goal_period_labels[i] != NULL);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(labels),
	    T_ENTRY(plans_sqlite),
	    T_ENTRY(plans_pg),
	};
	int rc;
	crypto_setup();
	rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
