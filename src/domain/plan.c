/*
 * plan.c - requests, action plans, consultation and signed decisions (see
 * plan.h for the rules and who may do what; docs/GOVERNANCE.md for the
 * story).
 *
 * Invariants kept here:
 *  - a version's fields change only while it is a draft; every change
 *    bumps plans.edits, and only a consultation written at the current
 *    edits counts;
 *  - plan_writers holds everyone who created, changed or submitted a
 *    version; none of them, nor the requester, may decide it;
 *  - a decision row is written once (triggers refuse UPDATE and DELETE)
 *    with signature = SHA-256 over "kv-plan-sig-v1" NUL and, each as
 *    "<len>:<bytes>", the version's canonical content (plan_content:
 *    compact JSON with sorted keys, ids not names), the decision, the
 *    signer's id and name, the time, the place and the note; plan_get
 *    recomputes it, so a later change of the plan or the decision shows;
 *  - approval activates the channel (channel_apply_plan) and supersedes
 *    the earlier approved version in the same transaction.
 */
#include "plan.h"
#include "training.h"
#include "valid.h"
#include "../base/buf.h"
#include "../base/log.h"
#include "../base/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const plan_statuses[] = {"draft",    "submitted",  "approved",
                                     "rejected", "superseded", NULL};
const char *const plan_status_labels[] = {
    N_("Draft"),      N_("Submitted for decision"),
    N_("Approved"),   N_("Rejected"),
    N_("Superseded"), NULL};
const char *const goal_metrics[] = {
    "followers", "posts",     "reach",   "views",   "visits",
    "comments",  "reactions", "signups", "answers", NULL};
const char *const goal_metric_labels[] = {N_("Followers"),
                                          N_("Posts published"),
                                          N_("People reached"),
                                          N_("Views"),
                                          N_("Visits to our web pages"),
                                          N_("Comments"),
                                          N_("Reactions and shares"),
                                          N_("Sign-ups for activities"),
                                          N_("Questions answered"),
                                          NULL};
const char *const goal_periods[] = {"week",      "month", "quarter",
                                    "half_year", "year",  NULL};
const char *const goal_period_labels[] = {
    N_("per week"),      N_("per month"), N_("per quarter"),
    N_("per half year"), N_("per year"),  NULL};
const char *const work_periods[] = {"week", "month", NULL};
static const char *const update_periods[] = {"day", "week", "month", NULL};

const char *
plan_label(const char *const *codes, const char *const *labels,
           const char *code)
{
	for (int i = 0; code && codes[i]; i++)
		if (strcmp(code, codes[i]) == 0)
			return labels[i];
	return code ? code : "";
}

/* --- roles -----------------------------------------------------------------
 */

/* 1 when a holds any organisation-wide grant (or is admin/system). */
static int
sees_all(const struct actor *a)
{
	if (actor_is_admin(a))
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].unit_id == 0)
			return 1;
	return 0;
}

/* 1 when a's own grants (no administrator shortcut) give role r for
 * unit_id: org-wide, or on unit_id or a unit above it. */
static int
grants_cover(struct db *db, const struct actor *a, enum role r, int64_t unit_id)
{
	int64_t cur = unit_id;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].role == r && a->grants[i].unit_id == 0)
			return 1;
	for (int depth = 0; cur != 0 && depth < 64; depth++) {
		int64_t parent = 0;
		for (int i = 0; i < a->ngrants; i++)
			if (a->grants[i].role == r &&
			    a->grants[i].unit_id == cur)
				return 1;
		if (db_get_i64(db, &parent,
		               "SELECT COALESCE(parent_id, 0) FROM units "
		               "WHERE id = ? AND org_id = ?",
		               "ii", cur, a->org_id) != 1)
			return 0;
		cur = parent;
	}
	return 0;
}

/* 1 when a holds the communications role (not through admin). */
static int
is_comms(const struct actor *a)
{
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].role == ROLE_COMMS)
			return 1;
	return 0;
}

int
plan_can_write(struct db *db, const struct actor *a, const struct plan *p)
{
	return actor_has_org_role(a, ROLE_COMMS) ||
	       actor_has_role_for_unit(db, a, ROLE_UNIT_MANAGER, p->unit_id);
}

int
plan_can_decide(struct db *db, const struct actor *a, const struct plan *p)
{
	return a->person_id != 0 &&
	       grants_cover(db, a, ROLE_DECISION_MAKER, p->unit_id);
}

static int
is_writer(struct db *db, int64_t plan_id, int64_t person_id)
{
	int64_t n = 0;
	return person_id != 0 &&
	       db_get_i64(db, &n,
	                  "SELECT COUNT(*) FROM plan_writers WHERE plan_id = "
	                  "? AND person_id = ?",
	                  "ii", plan_id, person_id) == 1 &&
	       n > 0;
}

int
plan_is_own(struct db *db, const struct actor *a, const struct plan *p)
{
	if (a->person_id == 0)
		return 0;
	return p->requested_by == a->person_id ||
	       p->created_by == a->person_id ||
	       p->submitted_by == a->person_id ||
	       is_writer(db, p->id, a->person_id);
}

int64_t
plan_own_unit(struct db *db, const struct actor *a)
{
	int64_t u = 0;
	if (a->person_id == 0 ||
	    db_get_i64(db, &u,
	               "SELECT COALESCE(unit_id, 0) FROM people WHERE id = ? "
	               "AND org_id = ?",
	               "ii", a->person_id, a->org_id) != 1)
		return 0;
	return u;
}

int
plan_can_request(struct db *db, const struct actor *a, int64_t unit_id)
{
	if (a->person_id == 0 || unit_id == 0)
		return 0;
	return unit_id == plan_own_unit(db, a) ||
	       channel_can_create(db, a, unit_id);
}

static int
names(const struct plan *p, int64_t person_id)
{
	if (person_id == 0)
		return 0;
	if (p->requested_by == person_id || p->responsible_id == person_id ||
	    p->snapshot_person_id == person_id ||
	    p->deciding_manager_id == person_id || p->created_by == person_id)
		return 1;
	for (int i = 0; i < p->nothers; i++)
		if (p->other_ids[i] == person_id)
			return 1;
	return 0;
}

static int
can_see(struct db *db, const struct actor *a, const struct plan *p)
{
	if (sees_all(a) || names(p, a->person_id))
		return 1;
	for (int r = 0; r < ROLE__COUNT; r++)
		if (actor_has_role_for_unit(db, a, (enum role)r, p->unit_id))
			return 1;
	return 0;
}

/* --- reading ----------------------------------------------------------------
 */

#define PLAN_COLS                                                              \
	"p.id, p.channel_id, p.version, p.status, p.unit_id, "                 \
	"COALESCE(p.deciding_manager_id, 0), p.medium, p.purpose, "            \
	"p.activities, COALESCE(p.responsible_id, 0), p.supervision, "         \
	"p.update_count, p.update_period, p.work_hours, p.work_period, "       \
	"COALESCE(p.snapshot_person_id, 0), p.request_note, "                  \
	"COALESCE(p.requested_by, 0), COALESCE(p.created_by, 0), "             \
	"COALESCE(p.submitted_by, 0), COALESCE(p.submitted_at, 0), p.edits, "  \
	"p.created_at, p.updated_at, c.name, c.platform, c.address, "          \
	"c.status, u.name, COALESCE(dm.full_name, ''), "                       \
	"COALESCE(rp.full_name, ''), COALESCE(sp.full_name, ''), "             \
	"COALESCE(rq.full_name, ''), COALESCE(sb.full_name, ''), "             \
	"COALESCE(cb.full_name, '')"
#define PLAN_FROM                                                              \
	" FROM plans p JOIN channels c ON c.id = p.channel_id JOIN units u "   \
	"ON u.id = p.unit_id LEFT JOIN people dm ON dm.id = "                  \
	"p.deciding_manager_id LEFT JOIN people rp ON rp.id = "                \
	"p.responsible_id LEFT JOIN people sp ON sp.id = "                     \
	"p.snapshot_person_id LEFT JOIN people rq ON rq.id = p.requested_by "  \
	"LEFT JOIN people sb ON sb.id = p.submitted_by LEFT JOIN people cb "   \
	"ON cb.id = p.created_by"

static const char *
col(struct db_stmt *st, struct arena *ar, int i)
{
	return arena_strdup(ar, db_col_text(st, i) ? db_col_text(st, i) : "");
}

static void
read_plan(struct db_stmt *st, struct arena *ar, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_i64(st, 0);
	p->channel_id = db_col_i64(st, 1);
	p->version = db_col_i64(st, 2);
	p->status = col(st, ar, 3);
	p->unit_id = db_col_i64(st, 4);
	p->deciding_manager_id = db_col_i64(st, 5);
	p->medium = col(st, ar, 6);
	p->purpose = col(st, ar, 7);
	p->activities = col(st, ar, 8);
	p->responsible_id = db_col_i64(st, 9);
	p->supervision = col(st, ar, 10);
	p->update_count = db_col_i64(st, 11);
	p->update_period = col(st, ar, 12);
	p->work_hours = db_col_i64(st, 13);
	p->work_period = col(st, ar, 14);
	p->snapshot_person_id = db_col_i64(st, 15);
	p->request_note = col(st, ar, 16);
	p->requested_by = db_col_i64(st, 17);
	p->created_by = db_col_i64(st, 18);
	p->submitted_by = db_col_i64(st, 19);
	p->submitted_at = db_col_i64(st, 20);
	p->edits = db_col_i64(st, 21);
	p->created_at = db_col_i64(st, 22);
	p->updated_at = db_col_i64(st, 23);
	p->channel_name = col(st, ar, 24);
	p->channel_platform = col(st, ar, 25);
	p->channel_address = col(st, ar, 26);
	p->channel_status = col(st, ar, 27);
	p->unit_name = col(st, ar, 28);
	p->deciding_manager_name = col(st, ar, 29);
	p->responsible_name = col(st, ar, 30);
	p->snapshot_person_name = col(st, ar, 31);
	p->requested_by_name = col(st, ar, 32);
	p->submitted_by_name = col(st, ar, 33);
	p->created_by_name = col(st, ar, 34);
}

/* Goals, other persons and the consultation flag of p. */
static int
load_parts(struct db *db, struct arena *ar, struct plan *p)
{
	struct db_stmt *st;
	int rc;
	int64_t n = 0;

	st = db_query(db,
	              "SELECT text, metric, target, period FROM plan_goals "
	              "WHERE plan_id = ? ORDER BY position",
	              "i", p->id);
	if (st == NULL)
		return -1;
	p->ngoals = 0;
	while ((rc = db_step(st)) == DB_ROW && p->ngoals < KV_MAX_GOALS) {
		struct plan_goal *g = &p->goals[p->ngoals++];
		g->text = col(st, ar, 0);
		g->metric = col(st, ar, 1);
		g->has_target = !db_col_is_null(st, 2);
		g->target = g->has_target ? db_col_i64(st, 2) : 0;
		g->period = col(st, ar, 3);
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	st = db_query(db,
	              "SELECT person_id FROM plan_others WHERE plan_id = ? "
	              "ORDER BY person_id",
	              "i", p->id);
	if (st == NULL)
		return -1;
	p->nothers = 0;
	while ((rc = db_step(st)) == DB_ROW && p->nothers < KV_MAX_PLAN_PEOPLE)
		p->other_ids[p->nothers++] = db_col_i64(st, 0);
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM plan_comments WHERE plan_id = ? "
	               "AND consultation = 1 AND plan_edits = ?",
	               "ii", p->id, p->edits) != 1)
		return -1;
	p->consulted = n > 0;
	return 0;
}

/* Loads plan id of org without the visibility check. */
static enum kv_rc
load_plan(struct db *db, struct arena *ar, int64_t org_id, int64_t id,
          struct plan *p)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db,
	              "SELECT " PLAN_COLS PLAN_FROM
	              " WHERE p.id = ? AND p.org_id = ?",
	              "ii", id, org_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW)
		read_plan(st, ar, p);
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	return load_parts(db, ar, p) == 0 ? KV_OK : KV_DBERR;
}

/* The canonical content of a version, as signed: ids, not names. */
static json_t *
plan_content(const struct plan *p)
{
	json_t *goals = json_array(), *others = json_array();
	for (int i = 0; i < p->ngoals; i++) {
		const struct plan_goal *g = &p->goals[i];
		json_array_append_new(
		    goals, json_pack("{s:s,s:s,s:o,s:s}", "text",
		                     g->text ? g->text : "", "metric",
		                     g->metric ? g->metric : "", "target",
		                     g->has_target ? json_integer(g->target)
		                                   : json_null(),
		                     "period", g->period ? g->period : ""));
	}
	for (int i = 0; i < p->nothers; i++)
		json_array_append_new(others, json_integer(p->other_ids[i]));
#define ID_OR_NULL(x) ((x) ? json_integer(x) : json_null())
	return json_pack(
	    "{s:I,s:I,s:I,s:I,s:o,s:s,s:s,s:o,s:s,s:o,s:o,s:s,s:I,s:s,s:I,s:s,"
	    "s:o,s:s,s:o}",
	    "plan_id", (json_int_t)p->id, "channel_id",
	    (json_int_t)p->channel_id, "version", (json_int_t)p->version,
	    "unit_id", (json_int_t)p->unit_id, "deciding_manager_id",
	    ID_OR_NULL(p->deciding_manager_id), "medium", p->medium, "purpose",
	    p->purpose, "goals", goals, "activities", p->activities,
	    "responsible_id", ID_OR_NULL(p->responsible_id), "other_ids",
	    others, "supervision", p->supervision, "update_count",
	    (json_int_t)p->update_count, "update_period", p->update_period,
	    "work_hours", (json_int_t)p->work_hours, "work_period",
	    p->work_period, "snapshot_person_id",
	    ID_OR_NULL(p->snapshot_person_id), "request_note", p->request_note,
	    "requested_by", ID_OR_NULL(p->requested_by));
}

static void
sig_field(struct buf *b, const char *s)
{
	buf_printf(b, "%zu:", strlen(s));
	buf_adds(b, s);
}

/* The content's SHA-256 and the decision's signature (hex, 65 bytes). */
static void
plan_sign(const struct plan *p, const char *decision, int64_t signer_id,
          const char *signer_name, int64_t at, const char *place,
          const char *note, char content_sha[65], char sig[65])
{
	struct buf b;
	char num[32];
	json_t *j = plan_content(p);
	char *content = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	if (content == NULL)
		content = strdup("");
	sha256_hex(content, strlen(content), content_sha);
	buf_init(&b, (size_t)8 << 20);
	buf_add(&b, "kv-plan-sig-v1", 15); /* with its NUL */
	sig_field(&b, content);
	sig_field(&b, decision);
	snprintf(num, sizeof(num), "%" PRId64, signer_id);
	sig_field(&b, num);
	sig_field(&b, signer_name);
	snprintf(num, sizeof(num), "%" PRId64, at);
	sig_field(&b, num);
	sig_field(&b, place);
	sig_field(&b, note);
	sha256_hex(b.p, b.len, sig);
	buf_cleanup(&b);
	free(content);
}

static int
load_decision(struct db *db, struct arena *ar, struct plan *p)
{
	struct db_stmt *st;
	struct plan_decision *d = &p->decision;
	int rc;
	st = db_query(db,
	              "SELECT id, decision, signer_id, signer_name, "
	              "signer_title, decided_at, decided_on, place, note, "
	              "content_sha256, signature FROM plan_decisions WHERE "
	              "plan_id = ?",
	              "i", p->id);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW) {
		char csha[65], sig[65];
		p->has_decision = 1;
		d->id = db_col_i64(st, 0);
		d->decision = col(st, ar, 1);
		d->signer_id = db_col_i64(st, 2);
		d->signer_name = col(st, ar, 3);
		d->signer_title = col(st, ar, 4);
		d->decided_at = db_col_i64(st, 5);
		d->decided_on = col(st, ar, 6);
		d->place = col(st, ar, 7);
		d->note = col(st, ar, 8);
		d->content_sha256 = col(st, ar, 9);
		d->signature = col(st, ar, 10);
		plan_sign(p, d->decision, d->signer_id, d->signer_name,
		          d->decided_at, d->place, d->note, csha, sig);
		d->intact = strcmp(csha, d->content_sha256) == 0 &&
		            strcmp(sig, d->signature) == 0;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int
load_comments(struct db *db, struct arena *ar, struct plan *p)
{
	struct db_stmt *st;
	int rc;
	p->comments = arena_alloc(ar, sizeof(*p->comments) *
	                                  (size_t)KV_MAX_PLAN_COMMENTS);
	p->ncomments = 0;
	st = db_query(db,
	              "SELECT id, author_id, author_name, body, consultation, "
	              "plan_edits, created_at FROM plan_comments WHERE "
	              "plan_id = ? ORDER BY id LIMIT 200",
	              "i", p->id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW &&
	       p->ncomments < KV_MAX_PLAN_COMMENTS) {
		struct plan_comment *c = &p->comments[p->ncomments++];
		c->id = db_col_i64(st, 0);
		c->author_id = db_col_i64(st, 1);
		c->author_name = col(st, ar, 2);
		c->body = col(st, ar, 3);
		c->consultation = (int)db_col_i64(st, 4);
		c->plan_edits = db_col_i64(st, 5);
		c->created_at = db_col_i64(st, 6);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int
load_versions(struct db *db, struct arena *ar, struct plan *p)
{
	struct db_stmt *st;
	int rc;
	p->versions = arena_alloc(ar, sizeof(*p->versions) *
	                                  (size_t)KV_MAX_PLAN_VERSIONS);
	p->nversions = 0;
	st = db_query(db,
	              "SELECT id, version, status, updated_at FROM plans "
	              "WHERE channel_id = ? ORDER BY version DESC LIMIT 100",
	              "i", p->channel_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW &&
	       p->nversions < KV_MAX_PLAN_VERSIONS) {
		struct plan_version *x = &p->versions[p->nversions++];
		x->id = db_col_i64(st, 0);
		x->version = db_col_i64(st, 1);
		x->status = col(st, ar, 2);
		x->updated_at = db_col_i64(st, 3);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

enum kv_rc
plan_get(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
         struct plan *p)
{
	enum kv_rc rc = load_plan(db, ar, a->org_id, id, p);
	if (rc != KV_OK)
		return rc;
	/* plans one may not see look like missing ones */
	if (!can_see(db, a, p))
		return KV_NOTFOUND;
	if (load_comments(db, ar, p) != 0 || load_decision(db, ar, p) != 0 ||
	    load_versions(db, ar, p) != 0)
		return KV_DBERR;
	return KV_OK;
}

enum kv_rc
plan_list(struct db *db, struct arena *ar, const struct actor *a,
          const struct plan_filter *f, struct plan **out, int *n,
          int64_t *total)
{
	struct db_stmt *st;
	const char *status = f->status ? f->status : "";
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 100;
	int offset = f->offset > 0 ? f->offset : 0, cap = 1000, nall = 0;
	struct plan *all;
	int rc;

	*n = 0;
	*total = 0;
	all = arena_alloc(ar, sizeof(*all) * (size_t)cap);
	*out = arena_alloc(ar, sizeof(**out) * (size_t)limit);
	st = db_query(db,
	              "SELECT " PLAN_COLS PLAN_FROM
	              " WHERE p.org_id = ? AND (? = '' OR p.status = ?) AND "
	              "(CAST(? AS BIGINT) = 0 OR p.channel_id = ?) AND (? = 0 "
	              "OR p.version = "
	              "(SELECT MAX(q.version) FROM plans q WHERE q.channel_id "
	              "= p.channel_id)) ORDER BY p.updated_at DESC, p.id DESC "
	              "LIMIT 1000",
	              "ittiii", a->org_id, status, status, f->channel_id,
	              f->channel_id, (int64_t)(f->latest ? 1 : 0));
	if (st == NULL)
		return KV_DBERR;
	while ((rc = db_step(st)) == DB_ROW && nall < cap)
		read_plan(st, ar, &all[nall++]);
	db_finalize(st);
	if (rc < 0)
		return KV_DBERR;
	for (int i = 0; i < nall; i++) {
		struct plan *p = &all[i];
		if (load_parts(db, ar, p) != 0)
			return KV_DBERR;
		if (!can_see(db, a, p))
			continue;
		if (f->awaiting &&
		    (strcmp(p->status, "submitted") != 0 ||
		     !plan_can_decide(db, a, p) || plan_is_own(db, a, p)))
			continue;
		if (f->to_write && (strcmp(p->status, "draft") != 0 ||
		                    !plan_can_write(db, a, p)))
			continue;
		if (*total >= offset && *n < limit)
			(*out)[(*n)++] = *p;
		(*total)++;
	}
	return KV_OK;
}

/* --- JSON --------------------------------------------------------------------
 */

#define S(x) ((x) ? (x) : "")

json_t *
plan_comment_json(const struct plan_comment *c)
{
	char at[32];
	return json_pack("{s:I,s:I,s:s,s:s,s:b,s:s}", "id", (json_int_t)c->id,
	                 "author_id", (json_int_t)c->author_id, "author_name",
	                 c->author_name, "text", c->body, "consultation",
	                 c->consultation, "created_at",
	                 time_fmt_iso(c->created_at, at));
}

json_t *
plan_json(const struct plan *p)
{
	char cr[32], up[32], sb[32];
	json_t *j = plan_content(p);
	json_object_del(j, "plan_id");
	json_object_set_new(j, "id", json_integer(p->id));
	json_object_set_new(j, "status", json_string(p->status));
	json_object_set_new(j, "unit_name", json_string(S(p->unit_name)));
	json_object_set_new(j, "deciding_manager_name",
	                    json_string(S(p->deciding_manager_name)));
	json_object_set_new(j, "responsible_name",
	                    json_string(S(p->responsible_name)));
	json_object_set_new(j, "snapshot_person_name",
	                    json_string(S(p->snapshot_person_name)));
	json_object_set_new(j, "requested_by_name",
	                    json_string(S(p->requested_by_name)));
	json_object_set_new(j, "created_by",
	                    p->created_by ? json_integer(p->created_by)
	                                  : json_null());
	json_object_set_new(j, "submitted_by",
	                    p->submitted_by ? json_integer(p->submitted_by)
	                                    : json_null());
	json_object_set_new(j, "submitted_at",
	                    p->submitted_at
	                        ? json_string(time_fmt_iso(p->submitted_at, sb))
	                        : json_null());
	json_object_set_new(j, "consulted", json_boolean(p->consulted));
	json_object_set_new(j, "created_at",
	                    json_string(time_fmt_iso(p->created_at, cr)));
	json_object_set_new(j, "updated_at",
	                    json_string(time_fmt_iso(p->updated_at, up)));
	json_object_set_new(
	    j, "channel",
	    json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)p->channel_id,
	              "name", S(p->channel_name), "platform",
	              S(p->channel_platform), "address", S(p->channel_address),
	              "status", S(p->channel_status)));
	if (p->has_decision) {
		const struct plan_decision *d = &p->decision;
		char at[32];
		json_object_set_new(
		    j, "decision",
		    json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}",
		              "decision", d->decision, "signer_id",
		              (json_int_t)d->signer_id, "signer_name",
		              d->signer_name, "signer_title", d->signer_title,
		              "decided_at", time_fmt_iso(d->decided_at, at),
		              "decided_on", d->decided_on, "place", d->place,
		              "note", d->note, "content_sha256",
		              d->content_sha256, "signature", d->signature,
		              "signature_valid", d->intact));
	} else {
		json_object_set_new(j, "decision", json_null());
	}
	return j;
}

json_t *
plan_json_full(const struct plan *p)
{
	json_t *j = plan_json(p), *cs = json_array(), *vs = json_array();
	for (int i = 0; i < p->ncomments; i++)
		json_array_append_new(cs, plan_comment_json(&p->comments[i]));
	for (int i = 0; i < p->nversions; i++)
		json_array_append_new(
		    vs, json_pack("{s:I,s:I,s:s}", "id",
		                  (json_int_t)p->versions[i].id, "version",
		                  (json_int_t)p->versions[i].version, "status",
		                  p->versions[i].status));
	json_object_set_new(j, "comments", cs);
	json_object_set_new(j, "versions", vs);
	return j;
}

/* --- validation
 * ----------------------------------------------------------------- */

static int
person_ok(struct db *db, int64_t org_id, int64_t person_id)
{
	int64_t n = 0;
	return db_get_i64(db, &n,
	                  "SELECT COUNT(*) FROM people WHERE id = ? AND org_id "
	                  "= ? AND active = 1",
	                  "ii", person_id, org_id) == 1 &&
	       n > 0;
}

static void
check_person(struct db *db, const struct actor *a, struct verrs *v,
             const char *field, int64_t id, int required)
{
	if (id == 0) {
		if (required)
			verr_add(v, field, "is required");
	} else if (!person_ok(db, a->org_id, id)) {
		verr_add(v, field, "no such person");
	}
}

/* 1 when person_id holds the decision maker role for unit_id. */
static int
is_decision_maker(struct db *db, struct arena *ar, int64_t org_id,
                  int64_t person_id, int64_t unit_id)
{
	struct actor who;
	if (actor_load(db, ar, person_id, &who) != KV_OK ||
	    who.org_id != org_id)
		return 0;
	return grants_cover(db, &who, ROLE_DECISION_MAKER, unit_id);
}

static void
trim_text(struct arena *ar, const char **s)
{
	if (*s == NULL)
		*s = "";
	else
		*s = str_trim(arena_strdup(ar, *s));
}

static void
plan_validate(struct db *db, struct arena *ar, const struct actor *a,
              struct plan *p, int complete, struct verrs *v)
{
	trim_text(ar, &p->medium);
	trim_text(ar, &p->purpose);
	trim_text(ar, &p->activities);
	trim_text(ar, &p->supervision);
	trim_text(ar, &p->request_note);
	if (p->update_period == NULL || *p->update_period == '\0')
		p->update_period = "week";
	if (p->work_period == NULL || *p->work_period == '\0')
		p->work_period = "week";

	check_person(db, a, v, "deciding_manager_id", p->deciding_manager_id,
	             complete);
	valid_text(v, "medium", p->medium, complete, KV_MAX_ADDR);
	if (valid_multiline(v, "purpose", p->purpose, KV_MAX_TEXT) &&
	    complete && *p->purpose == '\0')
		verr_add(v, "purpose", "is required");
	if (p->ngoals < 0 || p->ngoals > KV_MAX_GOALS)
		verr_add(v, "goals", "must be at most 20 goals");
	else if (complete && p->ngoals == 0)
		verr_add(v, "goals", "needs at least one goal");
	for (int i = 0; i < p->ngoals && i < KV_MAX_GOALS; i++) {
		struct plan_goal *g = &p->goals[i];
		const char *ft = arena_printf(ar, "goals[%d].text", i);
		const char *fm = arena_printf(ar, "goals[%d].metric", i);
		const char *fg = arena_printf(ar, "goals[%d].target", i);
		const char *fp = arena_printf(ar, "goals[%d].period", i);
		trim_text(ar, &g->text);
		if (g->metric == NULL)
			g->metric = "";
		if (g->period == NULL)
			g->period = "";
		valid_multiline(v, ft, g->text, 1000);
		if (*g->metric == '\0') {
			/* a qualitative goal is its text */
			if (*g->text == '\0')
				verr_add(v, ft,
				         "is required for a goal without a "
				         "metric");
			if (g->has_target)
				verr_add(v, fg,
				         "needs a metric to measure against");
			if (*g->period != '\0')
				verr_add(v, fp,
				         "needs a metric to measure against");
			continue;
		}
		valid_oneof(v, fm, g->metric, goal_metrics,
		            "is not a known metric");
		if (!g->has_target)
			verr_add(v, fg, "is required for a measurable goal");
		else if (g->target < 0 || g->target > 1000000000)
			verr_add(v, fg, "must be between 0 and 1000000000");
		valid_oneof(v, fp, g->period, goal_periods,
		            "must be week, month, quarter, half_year or year");
	}
	if (valid_multiline(v, "activities", p->activities, KV_MAX_TEXT) &&
	    complete && *p->activities == '\0')
		verr_add(v, "activities", "is required");
	check_person(db, a, v, "responsible_id", p->responsible_id, complete);
	if (p->nothers < 0 || p->nothers > KV_MAX_PLAN_PEOPLE)
		verr_add(v, "other_ids", "must be at most 32 people");
	for (int i = 0; i < p->nothers && i < KV_MAX_PLAN_PEOPLE; i++) {
		if (!person_ok(db, a->org_id, p->other_ids[i]))
			verr_add(v, "other_ids", "no such person");
		if (p->other_ids[i] == p->responsible_id)
			verr_add(v, "other_ids",
			         "lists the responsible person");
		for (int k = 0; k < i; k++)
			if (p->other_ids[k] == p->other_ids[i])
				verr_add(v, "other_ids",
				         "lists the same person twice");
	}
	if (valid_multiline(v, "supervision", p->supervision, KV_MAX_TEXT) &&
	    complete && *p->supervision == '\0')
		verr_add(v, "supervision", "is required");
	if (p->update_count < 0 || p->update_count > 1000)
		verr_add(v, "update_count", "must be between 0 and 1000");
	else if (complete && p->update_count == 0)
		verr_add(v, "update_count", "must be at least 1");
	valid_oneof(v, "update_period", p->update_period, update_periods,
	            "must be day, week or month");
	if (p->work_hours < 0 || p->work_hours > 1000)
		verr_add(v, "work_hours", "must be between 0 and 1000");
	else if (complete && p->work_hours == 0)
		verr_add(v, "work_hours", "must be at least 1");
	valid_oneof(v, "work_period", p->work_period, work_periods,
	            "must be week or month");
	check_person(db, a, v, "snapshot_person_id", p->snapshot_person_id,
	             complete);
	valid_multiline(v, "request_note", p->request_note, KV_MAX_TEXT);
	if (!complete)
		return;
	/* the plan names who will sign it, and who will run the channel */
	if (p->deciding_manager_id != 0 &&
	    !verr_for(v, "deciding_manager_id") &&
	    !is_decision_maker(db, ar, a->org_id, p->deciding_manager_id,
	                       p->unit_id))
		verr_add(v, "deciding_manager_id",
		         "is not a decision maker for this unit");
	if (!verr_for(v, "responsible_id") &&
	    training_require(db, a->org_id, "responsible_id",
	                     &p->responsible_id, 1, v) != 0)
		verr_add(v, "responsible_id", "could not be checked");
	if (!verr_for(v, "other_ids") &&
	    training_require(db, a->org_id, "other_ids", p->other_ids,
	                     p->nothers, v) != 0)
		verr_add(v, "other_ids", "could not be checked");
}

enum kv_rc
plan_check(struct db *db, struct arena *ar, const struct actor *a,
           struct plan *p, int complete, struct verrs *v)
{
	plan_validate(db, ar, a, p, complete, v);
	return v->n ? KV_INVALID : KV_OK;
}

/* --- writing
 * --------------------------------------------------------------------- */

static enum kv_rc
write_failed(struct db *db)
{
	log_err("plan: write failed: %s", db_errmsg(db));
	db_rollback(db);
	return KV_DBERR;
}

static int
add_writer(struct db *db, int64_t plan_id, int64_t person_id)
{
	if (person_id == 0)
		return 0;
	return db_run(db,
	              "INSERT INTO plan_writers (plan_id, person_id) VALUES "
	              "(?, ?) ON CONFLICT DO NOTHING",
	              "ii", plan_id, person_id);
}

static int
save_parts(struct db *db, const struct plan *p)
{
	if (db_run(db, "DELETE FROM plan_goals WHERE plan_id = ?", "i",
	           p->id) != 0 ||
	    db_run(db, "DELETE FROM plan_others WHERE plan_id = ?", "i",
	           p->id) != 0)
		return -1;
	for (int i = 0; i < p->ngoals; i++) {
		const struct plan_goal *g = &p->goals[i];
		int rc =
		    g->has_target
		        ? db_run(db,
		                 "INSERT INTO plan_goals (plan_id, position, "
		                 "text, metric, target, period) VALUES (?, ?, "
		                 "?, ?, ?, ?)",
		                 "iittit", p->id, (int64_t)i, g->text,
		                 g->metric, g->target, g->period)
		        : db_run(db,
		                 "INSERT INTO plan_goals (plan_id, position, "
		                 "text, metric, target, period) VALUES (?, ?, "
		                 "?, ?, NULL, ?)",
		                 "iittt", p->id, (int64_t)i, g->text, g->metric,
		                 g->period);
		if (rc != 0)
			return -1;
	}
	for (int i = 0; i < p->nothers; i++)
		if (db_run(db,
		           "INSERT INTO plan_others (plan_id, person_id) "
		           "VALUES (?, ?)",
		           "ii", p->id, p->other_ids[i]) != 0)
			return -1;
	return 0;
}

/* Inserts p as a new version (p->id set) with its parts and the actor as
 * its writer; inside the caller's transaction. */
static int
insert_plan(struct db *db, const struct actor *a, struct plan *p)
{
	int64_t now = time_now();
	p->created_at = p->updated_at = now;
	p->created_by = a->person_id;
	if (db_get_i64(
	        db, &p->id,
	        "INSERT INTO plans (org_id, channel_id, version, status, "
	        "unit_id, deciding_manager_id, medium, purpose, activities, "
	        "responsible_id, supervision, update_count, update_period, "
	        "work_hours, work_period, snapshot_person_id, request_note, "
	        "requested_by, created_by, edits, created_at, updated_at) "
	        "VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	        "?, ?, ?, 0, ?, ?) RETURNING id",
	        "iiiijtttjtititjtjjii", a->org_id, p->channel_id, p->version,
	        p->unit_id, p->deciding_manager_id, p->medium, p->purpose,
	        p->activities, p->responsible_id, p->supervision,
	        p->update_count, p->update_period, p->work_hours,
	        p->work_period, p->snapshot_person_id, p->request_note,
	        p->requested_by, p->created_by, now, now) != 1)
		return -1;
	p->status = "draft";
	p->edits = 0;
	p->submitted_by = p->submitted_at = 0;
	if (save_parts(db, p) != 0 || add_writer(db, p->id, a->person_id) != 0)
		return -1;
	return 0;
}

/* Reloads p->id into p after a write (names joined), without the
 * visibility check. */
static void
reload(struct db *db, struct arena *ar, int64_t org_id, struct plan *p)
{
	struct plan q;
	if (load_plan(db, ar, org_id, p->id, &q) == KV_OK)
		*p = q;
}

/* A first draft for channel c: the template's fields it already knows. */
static void
plan_from_channel(struct arena *ar, const struct channel *c, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->channel_id = c->id;
	p->version = 1;
	p->unit_id = c->unit_id;
	p->medium = arena_printf(ar, "%s: %s (%s)", platform_label(c->platform),
	                         c->name, c->address);
	p->purpose = c->purpose ? c->purpose : "";
	p->activities = "";
	p->supervision = "";
	p->request_note = "";
	p->responsible_id = c->responsible_id;
	for (int i = 0; i < c->neditors && i < KV_MAX_PLAN_PEOPLE; i++)
		if (c->editor_ids[i] != c->responsible_id)
			p->other_ids[p->nothers++] = c->editor_ids[i];
	p->update_count = c->update_count;
	p->update_period = c->update_period ? c->update_period : "week";
	p->work_hours = 0;
	p->work_period = "week";
}

enum kv_rc
plan_request(struct db *db, struct arena *ar, const struct actor *a,
             struct channel *c, const char *note, struct plan *out,
             struct verrs *v)
{
	struct plan p;
	enum kv_rc rc;

	if (a->person_id == 0)
		return KV_FORBIDDEN;
	if (c->unit_id == 0)
		c->unit_id = plan_own_unit(db, a);
	c->id = 0;
	c->status = "requested";
	c->responsible_id = 0;
	c->neditors = 0;
	c->opened_on = c->closed_on = NULL;
	channel_check(db, ar, a, c, v);
	valid_multiline(v, "note", note, KV_MAX_TEXT);
	if (v->n)
		return KV_INVALID;
	if (!plan_can_request(db, a, c->unit_id))
		return KV_FORBIDDEN;
	if (db_begin(db) != 0)
		return KV_DBERR;
	rc = channel_create_request(db, ar, a, c, v);
	if (rc != KV_OK) {
		db_rollback(db);
		return rc;
	}
	plan_from_channel(ar, c, &p);
	p.requested_by = a->person_id;
	p.request_note = note ? str_trim(arena_strdup(ar, note)) : "";
	if (insert_plan(db, a, &p) != 0)
		return write_failed(db);
	reload(db, ar, a->org_id, &p);
	*out = p;
	return audit_commit(db, a, "request", "plan", p.id, NULL,
	                    plan_json(&p));
}

enum kv_rc
plan_start(struct db *db, struct arena *ar, const struct actor *a,
           int64_t channel_id, int64_t requested_by, struct plan *out,
           struct verrs *v)
{
	struct channel c;
	struct plan p;
	int64_t n = 0;
	enum kv_rc rc = channel_get(db, ar, a, channel_id, &c);
	if (rc != KV_OK)
		return rc;
	plan_from_channel(ar, &c, &p);
	if (!plan_can_write(db, a, &p))
		return KV_FORBIDDEN;
	if (requested_by != 0 && !person_ok(db, a->org_id, requested_by))
		verr_add(v, "requested_by", "no such person");
	if (v->n)
		return KV_INVALID;
	if (db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM plans WHERE channel_id = ?", "i",
	               channel_id) != 1)
		return KV_DBERR;
	if (n > 0) {
		verr_add(v, "channel_id",
		         "already has an action plan; revise it instead");
		return KV_CONFLICT;
	}
	p.requested_by = requested_by;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (insert_plan(db, a, &p) != 0)
		return write_failed(db);
	reload(db, ar, a->org_id, &p);
	*out = p;
	return audit_commit(db, a, "create", "plan", p.id, NULL, plan_json(&p));
}

/* Loads id for a writer's step: KV_NOTFOUND, KV_FORBIDDEN, or KV_CONFLICT
 * (with a verr) when its status is not want. */
static enum kv_rc
load_for_writer(struct db *db, struct arena *ar, const struct actor *a,
                int64_t id, const char *want, const char *why, struct plan *p,
                struct verrs *v)
{
	enum kv_rc rc = load_plan(db, ar, a->org_id, id, p);
	if (rc != KV_OK)
		return rc;
	if (!can_see(db, a, p))
		return KV_NOTFOUND;
	if (!plan_can_write(db, a, p))
		return KV_FORBIDDEN;
	if (want != NULL && strcmp(p->status, want) != 0) {
		verr_add(v, "status", why);
		return KV_CONFLICT;
	}
	return KV_OK;
}

enum kv_rc
plan_update(struct db *db, struct arena *ar, const struct actor *a,
            const struct plan *in, struct verrs *v)
{
	struct plan old, p;
	enum kv_rc rc;
	int64_t now = time_now();

	rc = load_for_writer(db, ar, a, in->id, "draft",
	                     "only a draft can be changed; a decided plan "
	                     "gets a new version",
	                     &old, v);
	if (rc != KV_OK)
		return rc;
	p = *in;
	/* what the workflow owns stays as it is */
	p.channel_id = old.channel_id;
	p.version = old.version;
	p.status = old.status;
	p.unit_id = old.unit_id;
	p.requested_by = old.requested_by;
	p.created_by = old.created_by;
	p.created_at = old.created_at;
	plan_validate(db, ar, a, &p, 0, v);
	if (v->n)
		return KV_INVALID;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "UPDATE plans SET deciding_manager_id = ?, medium = ?, "
	           "purpose = ?, activities = ?, responsible_id = ?, "
	           "supervision = ?, update_count = ?, update_period = ?, "
	           "work_hours = ?, work_period = ?, snapshot_person_id = ?, "
	           "request_note = ?, edits = edits + 1, updated_at = ? WHERE "
	           "id = ? AND status = 'draft'",
	           "jtttjtititjtii", p.deciding_manager_id, p.medium, p.purpose,
	           p.activities, p.responsible_id, p.supervision,
	           p.update_count, p.update_period, p.work_hours, p.work_period,
	           p.snapshot_person_id, p.request_note, now, p.id) != 0)
		return write_failed(db);
	if (db_changes(db) != 1) {
		db_rollback(db);
		verr_add(v, "status", "the plan changed meanwhile; reload it");
		return KV_CONFLICT;
	}
	if (save_parts(db, &p) != 0 || add_writer(db, p.id, a->person_id) != 0)
		return write_failed(db);
	reload(db, ar, a->org_id, &p);
	return audit_commit(db, a, "update", "plan", p.id, plan_json(&old),
	                    plan_json(&p));
}

enum kv_rc
plan_submit(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
            struct verrs *v)
{
	struct plan p, after;
	enum kv_rc rc;
	int64_t now = time_now();

	rc = load_for_writer(db, ar, a, id, "draft",
	                     "only a draft can be submitted", &p, v);
	if (rc != KV_OK)
		return rc;
	after = p;
	plan_validate(db, ar, a, &after, 1, v);
	if (v->n)
		return KV_INVALID;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "UPDATE plans SET status = 'submitted', submitted_by = ?, "
	           "submitted_at = ?, updated_at = ? WHERE id = ? AND status "
	           "= 'draft'",
	           "jiii", a->person_id, now, now, id) != 0)
		return write_failed(db);
	if (db_changes(db) != 1) {
		db_rollback(db);
		verr_add(v, "status", "the plan changed meanwhile; reload it");
		return KV_CONFLICT;
	}
	if (add_writer(db, id, a->person_id) != 0)
		return write_failed(db);
	reload(db, ar, a->org_id, &after);
	return audit_commit(db, a, "submit", "plan", id, plan_json(&p),
	                    plan_json(&after));
}

enum kv_rc
plan_withdraw(struct db *db, struct arena *ar, const struct actor *a,
              int64_t id, struct verrs *v)
{
	struct plan p, after;
	enum kv_rc rc;

	rc = load_for_writer(db, ar, a, id, "submitted",
	                     "only a submitted plan can be withdrawn", &p, v);
	if (rc != KV_OK)
		return rc;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "UPDATE plans SET status = 'draft', submitted_by = NULL, "
	           "submitted_at = NULL, updated_at = ? WHERE id = ? AND "
	           "status = 'submitted'",
	           "ii", time_now(), id) != 0)
		return write_failed(db);
	if (db_changes(db) != 1) {
		db_rollback(db);
		verr_add(v, "status", "the plan changed meanwhile; reload it");
		return KV_CONFLICT;
	}
	after = p;
	reload(db, ar, a->org_id, &after);
	return audit_commit(db, a, "withdraw", "plan", id, plan_json(&p),
	                    plan_json(&after));
}

enum kv_rc
plan_comment(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
             const char *text, int64_t *comment_id, struct verrs *v)
{
	struct plan p;
	struct plan_comment c;
	enum kv_rc rc = load_plan(db, ar, a->org_id, id, &p);
	if (rc != KV_OK)
		return rc;
	if (!can_see(db, a, &p))
		return KV_NOTFOUND;
	if (a->person_id == 0)
		return KV_FORBIDDEN;
	if (text == NULL || *str_trim(arena_strdup(ar, text)) == '\0')
		verr_add(v, "text", "is required");
	else
		valid_multiline(v, "text", text, KV_MAX_TEXT);
	if (v->n)
		return KV_INVALID;
	if (strcmp(p.status, "draft") != 0 &&
	    strcmp(p.status, "submitted") != 0) {
		verr_add(v, "status", "a decided plan takes no more comments");
		return KV_CONFLICT;
	}
	memset(&c, 0, sizeof(c));
	c.author_id = a->person_id;
	c.author_name = a->name;
	c.body = str_trim(arena_strdup(ar, text));
	c.consultation = is_comms(a) && !is_writer(db, id, a->person_id);
	c.plan_edits = p.edits;
	c.created_at = time_now();
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_get_i64(db, &c.id,
	               "INSERT INTO plan_comments (plan_id, author_id, "
	               "author_name, body, consultation, plan_edits, "
	               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	               "iittiii", id, c.author_id, c.author_name, c.body,
	               (int64_t)c.consultation, c.plan_edits,
	               c.created_at) != 1)
		return write_failed(db);
	*comment_id = c.id;
	return audit_commit(db, a, "comment", "plan", id, NULL,
	                    plan_comment_json(&c));
}

enum kv_rc
plan_decide(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
            const char *decision, const char *place, const char *note,
            struct verrs *v)
{
	struct plan p, after;
	struct channel ch;
	char decided_on[16], csha[65], sig[65];
	const char *title = "";
	int64_t now, did = 0;
	int approve;
	enum kv_rc rc = load_plan(db, ar, a->org_id, id, &p);

	if (rc != KV_OK)
		return rc;
	if (!can_see(db, a, &p))
		return KV_NOTFOUND;
	if (!plan_can_decide(db, a, &p))
		return KV_FORBIDDEN;
	static const char *const decisions[] = {"approve", "reject", NULL};
	valid_oneof(v, "decision", decision, decisions,
	            "must be approve or reject");
	place = place ? str_trim(arena_strdup(ar, place)) : NULL;
	note = note ? str_trim(arena_strdup(ar, note)) : "";
	valid_text(v, "place", place, 1, KV_MAX_NAME);
	valid_multiline(v, "note", note, KV_MAX_TEXT);
	if (v->n)
		return KV_INVALID;
	if (strcmp(p.status, "submitted") != 0) {
		verr_add(v, "status", "only a submitted plan can be decided");
		return KV_CONFLICT;
	}
	if (plan_is_own(db, a, &p)) {
		verr_add(v, "decision",
		         "nobody decides a plan they requested, wrote or "
		         "submitted");
		return KV_CONFLICT;
	}
	if (!p.consulted) {
		verr_add(v, "comments",
		         "the communications unit has not been consulted on "
		         "this version");
		return KV_CONFLICT;
	}
	approve = strcmp(decision, "approve") == 0;
	if (approve && (training_require(db, a->org_id, "responsible_id",
	                                 &p.responsible_id, 1, v) != 0 ||
	                training_require(db, a->org_id, "other_ids",
	                                 p.other_ids, p.nothers, v) != 0))
		return KV_DBERR;
	if (v->n)
		return KV_INVALID;

	now = time_now();
	org_date(db, a->org_id, now, decided_on);
	{
		struct db_stmt *st =
		    db_query(db, "SELECT title FROM people WHERE id = ?", "i",
		             a->person_id);
		if (st != NULL && db_step(st) == DB_ROW)
			title = col(st, ar, 0);
		db_finalize(st);
	}
	plan_sign(&p, decision, a->person_id, a->name, now, place, note, csha,
	          sig);
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_get_i64(db, &did,
	               "INSERT INTO plan_decisions (org_id, plan_id, decision, "
	               "signer_id, signer_name, signer_title, decided_at, "
	               "decided_on, place, note, content_sha256, signature) "
	               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "
	               "id",
	               "iitittittttt", a->org_id, id, decision, a->person_id,
	               a->name, title, now, decided_on, place, note, csha,
	               sig) != 1)
		return write_failed(db);
	if (db_run(db,
	           "UPDATE plans SET status = ?, updated_at = ? WHERE id = ? "
	           "AND status = 'submitted'",
	           "tii", approve ? "approved" : "rejected", now, id) != 0)
		return write_failed(db);
	if (db_changes(db) != 1) {
		db_rollback(db);
		verr_add(v, "status", "the plan changed meanwhile; reload it");
		return KV_CONFLICT;
	}
	if (approve) {
		if (db_run(db,
		           "UPDATE plans SET status = 'superseded', updated_at "
		           "= ? WHERE channel_id = ? AND status = 'approved' "
		           "AND id <> ?",
		           "iii", now, p.channel_id, id) != 0)
			return write_failed(db);
		memset(&ch, 0, sizeof(ch));
		ch.id = p.channel_id;
		ch.responsible_id = p.responsible_id;
		ch.neditors =
		    p.nothers < KV_MAX_EDITORS ? p.nothers : KV_MAX_EDITORS;
		memcpy(ch.editor_ids, p.other_ids,
		       sizeof(int64_t) * (size_t)ch.neditors);
		ch.update_count = p.update_count;
		ch.update_period = p.update_period;
		ch.purpose = p.purpose;
		rc = channel_apply_plan(db, ar, a, &ch, decided_on, v);
		if (rc != KV_OK) {
			db_rollback(db);
			return rc;
		}
	}
	after = p;
	reload(db, ar, a->org_id, &after);
	load_decision(db, ar, &after);
	return audit_commit(db, a, approve ? "approve" : "reject", "plan", id,
	                    plan_json(&p), plan_json(&after));
}

enum kv_rc
plan_revise(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
            int64_t *new_id, struct verrs *v)
{
	struct plan old, p;
	int64_t newest = 0;
	enum kv_rc rc = load_for_writer(db, ar, a, id, NULL, NULL, &old, v);
	if (rc != KV_OK)
		return rc;
	if (strcmp(old.status, "approved") != 0 &&
	    strcmp(old.status, "rejected") != 0) {
		verr_add(v, "status",
		         "only an approved or rejected plan gets a new "
		         "version; change the draft itself");
		return KV_CONFLICT;
	}
	if (db_get_i64(db, &newest,
	               "SELECT MAX(version) FROM plans WHERE channel_id = ?",
	               "i", old.channel_id) != 1)
		return KV_DBERR;
	if (newest != old.version) {
		verr_add(v, "version", "a newer version of this plan exists");
		return KV_CONFLICT;
	}
	p = old;
	p.version = old.version + 1;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (insert_plan(db, a, &p) != 0)
		return write_failed(db);
	reload(db, ar, a->org_id, &p);
	*new_id = p.id;
	return audit_commit(db, a, "revise", "plan", p.id, plan_json(&old),
	                    plan_json(&p));
}

/* --- the demo
 * ------------------------------------------------------------------- */

struct demo_goal {
	const char *text, *metric;
	int64_t target;
	const char *period;
};

struct demo_plan {
	const char *channel, *writer, *consulter, *activities, *supervision;
	int64_t work_hours;
	const char *work_period;
	struct demo_goal goals[3];
	const char *consultation;
};

static const struct demo_plan demo_plans[] = {
    {"Meldal kommune",
     "ingrid.lokken",
     "anne.lise.fossum",
     "Nyheter og «glade» saker fra kommunen, lenker til nettsidene og "
     "bilder fra arrangementer. Spørsmål i kommentarfeltet besvares.",
     "Nettredaktøren og kommunikasjonsrådgiveren følger siden på hverdager "
     "og tar ferie til ulik tid; i jul og påske følger servicetorget siden "
     "hver dag kl. 8–16.",
     4,
     "week",
     {{"Flere innbyggere følger siden", "followers", 1500, "year"},
      {"", "posts", 3, "week"},
      {"Spørsmål i kommentarfeltet besvares innen én arbeidsdag", "", 0, ""}},
     "Kommunikasjonsenheten har gått gjennom planen og anbefaler den."},
    {"Jobb i Meldal",
     "ingrid.lokken",
     "anne.lise.fossum",
     "Lenker til stillingsannonser fra kommunen og lokale arbeidsgivere; "
     "svar på spørsmål om søknader.",
     "Nettredaktøren følger siden; i ferier overtar personalrådgiveren "
     "etter avtale.",
     2,
     "week",
     {{"Ledige stillinger når flere søkere", "reach", 2000, "month"},
      {"Alle kommunale stillinger publiseres", "posts", 2, "week"},
      {NULL, NULL, 0, NULL}},
     "Godt tiltak. Husk å lenke til søknadsskjemaet på nettsidene."},
    {"Ungdomsleder i Meldal",
     "per.arne.hoff",
     "anne.lise.fossum",
     "Informasjon om ungdomsklubben og arrangementer, avstemninger om hva "
     "som skal tilbys, ris og ros.",
     "Ungdomslederen følger siden; når hun har ferie eller fri, følger "
     "enhetsleder kultur siden hver dag.",
     3,
     "week",
     {{"Ungdom kommer med forslag til aktiviteter", "comments", 20, "month"},
      {"Flere unge følger siden", "followers", 400, "year"},
      {NULL, NULL, 0, NULL}},
     "Anbefales. Tonen er god; avklar hvem som svarer på kritikk."},
    {"@meldalkommune",
     "ingrid.lokken",
     "anne.lise.fossum",
     "Korte nyheter, varsler om vegarbeid, vannbrudd og andre hendelser, "
     "lenker til nettsidene.",
     "Nettredaktøren følger profilen; under hendelser legger "
     "beredskapskoordinatoren ut varsler.",
     1,
     "week",
     {{"", "posts", 3, "week"},
      {"Profilen brukes til varsler ved hendelser", "", 0, ""},
      {NULL, NULL, 0, NULL}},
     "Profilen må følges opp jevnlig; ellers anbefales den."},
    {"Meldal kommune på Vimeo",
     "ingrid.lokken",
     "anne.lise.fossum",
     "Videoer fra kommunestyret og presentasjoner, for eksempel av den nye "
     "skolen.",
     "Nettredaktøren går gjennom kommentarer hver uke; i ferier "
     "kommunikasjonsrådgiveren.",
     2,
     "month",
     {{"", "views", 500, "half_year"},
      {NULL, NULL, 0, NULL},
      {NULL, NULL, 0, NULL}},
     "Anbefales."},
    {"Nye tider, nye tanker",
     "jon.storli",
     "anne.lise.fossum",
     "Prosjektlederen starter tråder om skolestrukturen, svarer på innlegg "
     "og samler forslag til tiltak.",
     "Prosjektleder og enhetsleder oppvekst deler modereringen hver dag; i "
     "sommerferien stenges forumet for nye innlegg.",
     5,
     "week",
     {{"Foreldre og elever deltar i debatten", "comments", 50, "month"},
      {"Gode tiltak samles og legges fram for kommunestyret", "", 0, ""},
      {NULL, NULL, 0, NULL}},
     "Anbefales; moderering må skje daglig så lenge forumet er åpent."},
    {"Bibliotekbloggen",
     "tor.einar.moe",
     "ingrid.lokken",
     "Bokanbefalinger, nyheter fra biblioteket og lenker til katalogen.",
     "Biblioteksjefen; ved ferie og fravær følger en av bibliotekarene "
     "kommentarene.",
     2,
     "week",
     {{"", "posts", 1, "week"},
      {"Flere besøker bibliotekets nettsider", "visits", 300, "month"},
      {NULL, NULL, 0, NULL}},
     "Anbefales."},
};

struct demo_training {
	const char *who;
	int months_ago; /* 0 with soon: the one that runs out soon */
	int soon;
};

static const struct demo_training demo_trained[] = {
    {"ingrid.lokken", 14, 0}, {"anne.lise.fossum", 6, 0},
    {"per.arne.hoff", 10, 0}, {"siri.bakken", 0, 1},
    {"tor.einar.moe", 3, 0},  {"jon.storli", 12, 0},
    {"marit.grindal", 8, 0},  {"admin", 1, 0},
};

static int
demo_actor(struct db *db, struct arena *ar, const char *domain,
           const char *local, struct actor *a)
{
	char email[KV_MAX_EMAIL + 1];
	int64_t id;
	snprintf(email, sizeof(email), "%s@%s", local, domain);
	id = person_find_by_email(db, email);
	return id > 0 && actor_load(db, ar, id, a) == KV_OK ? 0 : -1;
}

static enum kv_rc
demo_fail(const char *what, enum kv_rc rc, const struct verrs *v)
{
	log_err("demo: %s failed (%d)%s%s%s%s", what, (int)rc, v->n ? ": " : "",
	        v->n ? v->e[0].field : "", v->n ? " " : "",
	        v->n ? v->e[0].reason : "");
	return rc == KV_OK ? KV_DBERR : rc;
}

static enum kv_rc
demo_training(struct db *db, struct arena *ar, const char *domain,
              const struct actor *comms)
{
	struct course c = {0}, crisis = {0};
	struct verrs v = {0};
	struct actor who;
	char today[16];
	enum kv_rc rc;

	c.name = "Grunnkurs i sosiale medier og jus";
	c.description = "Grunnleggende opplæring i bruk av sosiale medier i "
	                "tjenesten, med vekt på juridiske spørsmål: "
	                "offentlighet, personvern, arkivering, opphavsrett og "
	                "ytringsfrihet. Kommunikasjonsenheten holder kurset.";
	c.validity_months = 24;
	c.required = 1;
	if ((rc = course_create(db, ar, comms, &c, &v)) != KV_OK)
		return demo_fail("course", rc, &v);
	crisis.name = "Krisekommunikasjon i sosiale medier";
	crisis.description = "Varsling og informasjon til innbyggerne i "
	                     "sosiale medier under uønskede hendelser.";
	if ((rc = course_create(db, ar, comms, &crisis, &v)) != KV_OK)
		return demo_fail("course", rc, &v);
	org_today(db, comms->org_id, today);
	for (size_t i = 0; i < ARRAY_LEN(demo_trained); i++) {
		struct training_record t = {0};
		char done[16], exp[16];
		if (demo_actor(db, ar, domain, demo_trained[i].who, &who) != 0)
			return KV_NOTFOUND;
		if (demo_trained[i].soon) {
			/* runs out in 20 days: the warning shows at once */
			int y, m, d;
			date_parse(today, &y, &m, &d);
			time_fmt_date(
			    (days_from_civil(y, (unsigned)m, (unsigned)d) +
			     20) *
			        86400,
			    exp);
			date_add_months(exp, -c.validity_months, done);
			t.expires_on = exp;
		} else {
			date_add_months(today, -demo_trained[i].months_ago,
			                done);
		}
		t.person_id = who.person_id;
		t.course_id = c.id;
		t.completed_on = done;
		memset(&v, 0, sizeof(v));
		if ((rc = training_record(db, ar, comms, &t, &v)) != KV_OK)
			return demo_fail(demo_trained[i].who, rc, &v);
	}
	if (demo_actor(db, ar, domain, "hans.kvam", &who) == 0) {
		struct training_record t = {0};
		char done[16];
		date_add_months(today, -5, done);
		t.person_id = who.person_id;
		t.course_id = crisis.id;
		t.completed_on = done;
		if ((rc = training_record(db, ar, comms, &t, &v)) != KV_OK)
			return demo_fail("hans.kvam", rc, &v);
	}
	return KV_OK;
}

enum kv_rc
plan_demo(struct db *db, int64_t org_id, const char *domain)
{
	struct arena ar;
	struct actor comms, kari, berit, writer, consulter, per, siri;
	struct verrs v = {0};
	enum kv_rc rc = KV_NOTFOUND;

	arena_init(&ar);
	if (demo_actor(db, &ar, domain, "anne.lise.fossum", &comms) != 0 ||
	    demo_actor(db, &ar, domain, "kari.ronning", &kari) != 0 ||
	    demo_actor(db, &ar, domain, "berit.vold", &berit) != 0 ||
	    demo_actor(db, &ar, domain, "per.arne.hoff", &per) != 0 ||
	    demo_actor(db, &ar, domain, "siri.bakken", &siri) != 0 ||
	    comms.org_id != org_id)
		goto out;
	if ((rc = demo_training(db, &ar, domain, &comms)) != KV_OK)
		goto out;
	for (size_t i = 0; i < ARRAY_LEN(demo_plans); i++) {
		const struct demo_plan *d = &demo_plans[i];
		struct plan p;
		int64_t cid = 0, comment = 0;
		rc = KV_NOTFOUND;
		if (demo_actor(db, &ar, domain, d->writer, &writer) != 0 ||
		    demo_actor(db, &ar, domain, d->consulter, &consulter) !=
		        0 ||
		    db_get_i64(db, &cid,
		               "SELECT id FROM channels WHERE org_id = ? AND "
		               "name = ?",
		               "it", org_id, d->channel) != 1)
			goto out;
		memset(&v, 0, sizeof(v));
		rc = plan_start(db, &ar, &writer, cid, 0, &p, &v);
		if (rc != KV_OK) {
			rc = demo_fail(d->channel, rc, &v);
			goto out;
		}
		p.deciding_manager_id = kari.person_id;
		p.snapshot_person_id = berit.person_id;
		p.activities = d->activities;
		p.supervision = d->supervision;
		p.work_hours = d->work_hours;
		p.work_period = d->work_period;
		p.ngoals = 0;
		for (int g = 0; g < 3 && d->goals[g].metric != NULL; g++) {
			struct plan_goal *pg = &p.goals[p.ngoals++];
			pg->text = d->goals[g].text;
			pg->metric = d->goals[g].metric;
			pg->has_target = *d->goals[g].metric != '\0';
			pg->target = d->goals[g].target;
			pg->period = d->goals[g].period;
		}
		if ((rc = plan_update(db, &ar, &writer, &p, &v)) != KV_OK ||
		    (rc = plan_submit(db, &ar, &writer, p.id, &v)) != KV_OK ||
		    (rc = plan_comment(db, &ar, &consulter, p.id,
		                       d->consultation, &comment, &v)) !=
		        KV_OK ||
		    (rc = plan_decide(db, &ar, &kari, p.id, "approve", "Meldal",
		                      "Vedtatt.", &v)) != KV_OK) {
			rc = demo_fail(d->channel, rc, &v);
			goto out;
		}
	}
	/* the youth leader's wish, taken up by the head of culture */
	{
		struct plan p;
		int64_t cid = 0;
		if (db_get_i64(db, &cid,
		               "SELECT id FROM channels WHERE org_id = ? AND "
		               "name = ?",
		               "it", org_id, "Ungdom i Meldal") != 1) {
			rc = KV_NOTFOUND;
			goto out;
		}
		memset(&v, 0, sizeof(v));
		rc = plan_start(db, &ar, &per, cid, siri.person_id, &p, &v);
		if (rc == KV_OK) {
			p.deciding_manager_id = kari.person_id;
			p.request_note =
			    "Ungdommen er på Instagram, ikke på Facebook. Jeg "
			    "vil vise bilder og korte videoer fra det vi gjør.";
			p.activities = "Bilder og korte videoer fra "
			               "ungdomsaktivitetene.";
			p.ngoals = 1;
			p.goals[0].text = "Ungdom i Meldal følger kontoen";
			p.goals[0].metric = "followers";
			p.goals[0].has_target = 1;
			p.goals[0].target = 300;
			p.goals[0].period = "year";
			rc = plan_update(db, &ar, &per, &p, &v);
		}
		if (rc != KV_OK)
			rc = demo_fail("Ungdom i Meldal", rc, &v);
	}
out:
	arena_free(&ar);
	return rc;
}
