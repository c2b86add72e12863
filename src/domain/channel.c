/*
 * channel.c - the register of official channels (REQUIREMENTS.md R2.1).
 *
 * Who sees what:
 *  - anyone with an organisation-wide grant (admin, communications unit,
 *    decision maker, web editor, crisis staff, auditor, …) sees every
 *    channel of the organisation;
 *  - everyone else sees the channels that are or were public (active,
 *    paused, closing, closed — the register is public information), plus
 *    requested and planned channels of the units they hold a role in (and
 *    units below), or for which they are responsible or an editor.
 * Who changes what:
 *  - register a channel: admin, communications unit, web editor, or the
 *    unit manager of the channel's unit;
 *  - change a channel: the same, or the channel's responsible person.
 * The approval workflow (issue 3, plan.c) adds two rules here:
 *  - a channel becomes active only through an approved action plan:
 *    channel_create refuses status active, and channel_update refuses a
 *    change to active unless the channel has an approved plan (a paused
 *    channel may resume under it), with KV_CONFLICT — except for the system
 *    actor (CLI, demo loader); plan_decide activates through
 *    channel_apply_plan();
 *  - whoever is newly made responsible person or editor must hold valid
 *    training of the required course(s) (training.c): KV_INVALID naming
 *    responsible_id or editor_ids.
 */
#include "domain.h"
#include "training.h"
#include "valid.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../text/fold.h"

#include <stdlib.h>
#include <string.h>

const char *const channel_platforms[] = {
    "facebook_page", "instagram", "x",        "youtube", "vimeo",
    "flickr",        "linkedin",  "mastodon", "bluesky", "blog",
    "forum",         "other",     NULL};
const char *const channel_platform_labels[] = {N_("Facebook page"),
                                               N_("Instagram"),
                                               N_("X (Twitter)"),
                                               N_("YouTube"),
                                               N_("Vimeo"),
                                               N_("Flickr"),
                                               N_("LinkedIn"),
                                               N_("Mastodon"),
                                               N_("Bluesky"),
                                               N_("Blog"),
                                               N_("Forum"),
                                               N_("Other"),
                                               NULL};
const char *const channel_statuses[] = {
    "requested", "planned", "active", "paused", "closing", "closed", NULL};
const char *const channel_periods[] = {"day", "week", "month", NULL};

const char *
platform_label(const char *code)
{
	for (int i = 0; code && channel_platforms[i]; i++)
		if (strcmp(code, channel_platforms[i]) == 0)
			return channel_platform_labels[i];
	return code ? code : "";
}

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

#define CHANNEL_COLS                                                           \
	"c.id, c.unit_id, COALESCE(c.responsible_id, 0), c.platform, c.name, " \
	"c.address, c.purpose, c.target_groups, c.update_period, c.status, "   \
	"c.opened_on, c.closed_on, c.update_count, c.created_at, "             \
	"c.updated_at, u.name, COALESCE(p.full_name, '')"
#define CHANNEL_FROM                                                           \
	" FROM channels c JOIN units u ON u.id = c.unit_id LEFT JOIN "         \
	"people p ON p.id = c.responsible_id"

static void
read_channel(struct db_stmt *st, struct arena *ar, struct channel *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_col_i64(st, 0);
	c->unit_id = db_col_i64(st, 1);
	c->responsible_id = db_col_i64(st, 2);
	c->platform = arena_strdup(ar, db_col_text(st, 3));
	c->name = arena_strdup(ar, db_col_text(st, 4));
	c->address = arena_strdup(ar, db_col_text(st, 5));
	c->purpose = arena_strdup(ar, db_col_text(st, 6));
	c->target_groups = arena_strdup(ar, db_col_text(st, 7));
	c->update_period = arena_strdup(ar, db_col_text(st, 8));
	c->status = arena_strdup(ar, db_col_text(st, 9));
	c->opened_on = arena_strdup(ar, db_col_text(st, 10));
	c->closed_on = arena_strdup(ar, db_col_text(st, 11));
	c->update_count = db_col_i64(st, 12);
	c->created_at = db_col_i64(st, 13);
	c->updated_at = db_col_i64(st, 14);
	c->unit_name = arena_strdup(ar, db_col_text(st, 15));
	c->responsible_name = arena_strdup(ar, db_col_text(st, 16));
}

static int
load_editors(struct db *db, struct channel *c)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db,
	              "SELECT person_id FROM channel_editors WHERE channel_id "
	              "= ? ORDER BY person_id",
	              "i", c->id);
	if (st == NULL)
		return -1;
	c->neditors = 0;
	while ((rc = db_step(st)) == DB_ROW && c->neditors < KV_MAX_EDITORS)
		c->editor_ids[c->neditors++] = db_col_i64(st, 0);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

enum kv_rc
channel_list(struct db *db, struct arena *ar, const struct actor *a,
             const struct channel_filter *f, struct channel **out, int *n,
             int64_t *total)
{
	struct db_stmt *st;
	const char *q = text_like_pattern(ar, f->q);
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 100;
	int64_t all = sees_all(a);
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
#define CHANNEL_SCOPE                                                          \
	"WITH RECURSIVE scope(id) AS (SELECT unit_id FROM role_grants WHERE "  \
	"person_id = ? AND unit_id IS NOT NULL UNION SELECT x.id FROM units "  \
	"x JOIN scope s ON x.parent_id = s.id), sub(id) AS (SELECT CAST(? AS " \
	"BIGINT) UNION "                                                       \
	"SELECT x.id FROM units x JOIN sub s ON x.parent_id = s.id) "
#define CHANNEL_WHERE                                                          \
	" WHERE c.org_id = ? AND (? = 1 OR c.status NOT IN ('requested', "     \
	"'planned') OR c.unit_id IN (SELECT id FROM scope) OR "                \
	"c.responsible_id = ? OR EXISTS (SELECT 1 FROM channel_editors e "     \
	"WHERE e.channel_id = c.id AND e.person_id = ?)) AND (? = '' OR "      \
	"c.status = ?) AND (? = '' OR c.platform = ?) AND (? = 0 OR "          \
	"c.unit_id IN (SELECT id FROM sub)) AND (? = '' OR c.search_key "      \
	"LIKE ? ESCAPE '\\')"
	const char *status = f->status ? f->status : "";
	const char *plat = f->platform ? f->platform : "";
	if (db_get_i64(db, total,
	               CHANNEL_SCOPE
	               "SELECT COUNT(*)" CHANNEL_FROM CHANNEL_WHERE,
	               "iiiiiittttitt", a->person_id, f->unit_id, a->org_id,
	               all, a->person_id, a->person_id, status, status, plat,
	               plat, f->unit_id, q, q) < 0)
		return KV_DBERR;
	st = db_query(
	    db,
	    CHANNEL_SCOPE "SELECT " CHANNEL_COLS CHANNEL_FROM CHANNEL_WHERE
	                  " ORDER BY u.name, c.name, c.id LIMIT ? OFFSET ?",
	    "iiiiiittttittii", a->person_id, f->unit_id, a->org_id, all,
	    a->person_id, a->person_id, status, status, plat, plat, f->unit_id,
	    q, q, (int64_t)limit, (int64_t)(f->offset > 0 ? f->offset : 0));
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)limit);
	while ((rc = db_step(st)) == DB_ROW && *n < limit)
		read_channel(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	if (rc < 0)
		return KV_DBERR;
	for (int i = 0; i < *n; i++)
		if (load_editors(db, &(*out)[i]) != 0)
			return KV_DBERR;
	return KV_OK;
}

enum kv_rc
channel_list_public(struct db *db, struct arena *ar, int64_t org_id,
                    struct channel **out, int *n)
{
	struct db_stmt *st;
	int rc, cap = 500;
	*n = 0;
	st = db_query(db,
	              "SELECT " CHANNEL_COLS CHANNEL_FROM
	              " WHERE c.org_id = ? AND c.status = 'active' ORDER BY "
	              "u.name, c.name LIMIT 500",
	              "i", org_id);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((rc = db_step(st)) == DB_ROW && *n < cap)
		read_channel(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

static int
is_editor(const struct channel *c, int64_t person_id)
{
	for (int i = 0; i < c->neditors; i++)
		if (c->editor_ids[i] == person_id)
			return 1;
	return 0;
}

static int
can_see(struct db *db, const struct actor *a, const struct channel *c)
{
	if (sees_all(a))
		return 1;
	if (strcmp(c->status, "requested") != 0 &&
	    strcmp(c->status, "planned") != 0)
		return 1;
	if (c->responsible_id == a->person_id || is_editor(c, a->person_id))
		return 1;
	for (int r = 0; r < ROLE__COUNT; r++)
		if (actor_has_role_for_unit(db, a, (enum role)r, c->unit_id))
			return 1;
	return 0;
}

enum kv_rc
channel_get(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
            struct channel *c)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db,
	              "SELECT " CHANNEL_COLS CHANNEL_FROM
	              " WHERE c.id = ? AND c.org_id = ?",
	              "ii", id, a->org_id);
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW)
		read_channel(st, ar, c);
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	if (load_editors(db, c) != 0)
		return KV_DBERR;
	/* hidden channels look like missing ones: no existence oracle */
	return can_see(db, a, c) ? KV_OK : KV_NOTFOUND;
}

/* 1 when a holds a role that can register channels in some unit. */
static int
may_register_somewhere(const struct actor *a)
{
	if (actor_has_org_role(a, ROLE_COMMS) ||
	    actor_has_org_role(a, ROLE_WEB_EDITOR))
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].role == ROLE_UNIT_MANAGER)
			return 1;
	return 0;
}

int
channel_can_create(struct db *db, const struct actor *a, int64_t unit_id)
{
	return actor_has_org_role(a, ROLE_COMMS) ||
	       actor_has_org_role(a, ROLE_WEB_EDITOR) ||
	       (unit_id != 0 &&
	        actor_has_role_for_unit(db, a, ROLE_UNIT_MANAGER, unit_id));
}

int
channel_can_edit(struct db *db, const struct actor *a, const struct channel *c)
{
	if (channel_can_create(db, a, c->unit_id))
		return 1;
	return a->person_id != 0 && c->responsible_id == a->person_id;
}

json_t *
channel_json(const struct channel *c)
{
	char cr[32], up[32];
	json_t *ed = json_array();
	for (int i = 0; i < c->neditors; i++)
		json_array_append_new(ed, json_integer(c->editor_ids[i]));
	return json_pack(
	    "{s:I,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:o,s:s,s:o,s:I,s:s,s:s,s:o,s:o,"
	    "s:s,s:s}",
	    "id", (json_int_t)c->id, "platform", c->platform, "name", c->name,
	    "address", c->address, "unit_id", (json_int_t)c->unit_id,
	    "unit_name", c->unit_name ? c->unit_name : "", "purpose",
	    c->purpose ? c->purpose : "", "target_groups",
	    c->target_groups ? c->target_groups : "", "responsible_id",
	    c->responsible_id ? json_integer(c->responsible_id) : json_null(),
	    "responsible_name", c->responsible_name ? c->responsible_name : "",
	    "editor_ids", ed, "update_count", (json_int_t)c->update_count,
	    "update_period", c->update_period, "status", c->status, "opened_on",
	    c->opened_on ? json_string(c->opened_on) : json_null(), "closed_on",
	    c->closed_on ? json_string(c->closed_on) : json_null(),
	    "created_at", time_fmt_iso(c->created_at, cr), "updated_at",
	    time_fmt_iso(c->updated_at, up));
}

static int
person_in_org(struct db *db, int64_t org_id, int64_t person_id)
{
	int64_t n = 0;
	return db_get_i64(db, &n,
	                  "SELECT COUNT(*) FROM people WHERE id = ? AND org_id "
	                  "= ? AND active = 1",
	                  "ii", person_id, org_id) == 1 &&
	       n > 0;
}

/* --- issue 3: the approval and competence rules ------------------------ */

/* 1 when person_id is already responsible for or an editor of channel_id
 * (0 = a new channel), so keeping someone needs no new check. */
static int
assigned_before(struct db *db, int64_t channel_id, int64_t person_id)
{
	int64_t n = 0;
	if (channel_id == 0)
		return 0;
	return db_get_i64(db, &n,
	                  "SELECT (SELECT COUNT(*) FROM channels WHERE id = ? "
	                  "AND responsible_id = ?) + (SELECT COUNT(*) FROM "
	                  "channel_editors WHERE channel_id = ? AND person_id "
	                  "= ?)",
	                  "iiii", channel_id, person_id, channel_id,
	                  person_id) == 1 &&
	       n > 0;
}

/* Records a verr for a newly assigned responsible person or editor who
 * lacks the required training.  0, or -1 on a database error. */
static int
check_training(struct db *db, const struct actor *a, const struct channel *c,
               struct verrs *v)
{
	int64_t fresh[KV_MAX_EDITORS];
	int n = 0;
	if (c->responsible_id != 0 &&
	    !assigned_before(db, c->id, c->responsible_id) &&
	    training_require(db, a->org_id, "responsible_id",
	                     &c->responsible_id, 1, v) != 0)
		return -1;
	for (int i = 0; i < c->neditors && n < KV_MAX_EDITORS; i++)
		if (!assigned_before(db, c->id, c->editor_ids[i]))
			fresh[n++] = c->editor_ids[i];
	return training_require(db, a->org_id, "editor_ids", fresh, n, v);
}

/* KV_CONFLICT (with a verr on status) when c would become active without
 * an approved action plan, closed other than through closeChannel, or leave
 * closed other than as a new request; old_status NULL for a new channel. */
static enum kv_rc
check_activation(struct db *db, const struct actor *a, const struct channel *c,
                 const char *old_status, struct verrs *v)
{
	int64_t n = 0;
	if (a->system)
		return KV_OK;
	/* closing needs the written analysis and final capture of
	 * closeChannel (review.c), never a plain change of status */
	if (strcmp(c->status, "closed") == 0 &&
	    (old_status == NULL || strcmp(old_status, "closed") != 0)) {
		verr_add(v, "status",
		         "is set to closed only by closing the channel with an "
		         "analysis");
		return KV_CONFLICT;
	}
	/* a closed channel opens again only as a new request with a plan */
	if (old_status != NULL && strcmp(old_status, "closed") == 0 &&
	    strcmp(c->status, "closed") != 0 &&
	    strcmp(c->status, "requested") != 0) {
		verr_add(v, "status",
		         "of a closed channel can only go back to requested");
		return KV_CONFLICT;
	}
	if (strcmp(c->status, "active") != 0 ||
	    (old_status != NULL && strcmp(old_status, "active") == 0))
		return KV_OK;
	if (c->id != 0 &&
	    db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM plans WHERE channel_id = ? AND "
	               "status = 'approved'",
	               "i", c->id) < 0)
		return KV_DBERR;
	if (n > 0)
		return KV_OK;
	verr_add(v, "status",
	         "can become active only through an approved action plan");
	return KV_CONFLICT;
}

/* Normalises c (trims, fills dates) and validates it. */
static void
channel_validate(struct db *db, struct arena *ar, const struct actor *a,
                 struct channel *c, struct verrs *v)
{
	char today[16];
	int64_t n = 0;

	if (c->name)
		c->name = str_trim(arena_strdup(ar, c->name));
	if (c->address)
		c->address = str_trim(arena_strdup(ar, c->address));
	if (c->purpose == NULL)
		c->purpose = "";
	if (c->target_groups == NULL)
		c->target_groups = "";
	if (c->update_period == NULL || *c->update_period == '\0')
		c->update_period = "week";
	if (c->status == NULL || *c->status == '\0')
		c->status = "requested";
	if (c->opened_on && *c->opened_on == '\0')
		c->opened_on = NULL;
	if (c->closed_on && *c->closed_on == '\0')
		c->closed_on = NULL;

	valid_oneof(v, "platform", c->platform, channel_platforms,
	            "is not a supported platform");
	valid_text(v, "name", c->name, 1, KV_MAX_NAME);
	if (valid_text(v, "address", c->address, 1, KV_MAX_ADDR) &&
	    c->address && strpbrk(c->address, " \t") != NULL)
		verr_add(v, "address", "must not contain spaces");
	valid_multiline(v, "purpose", c->purpose, KV_MAX_TEXT);
	valid_multiline(v, "target_groups", c->target_groups, KV_MAX_TEXT);
	valid_oneof(v, "update_period", c->update_period, channel_periods,
	            "must be day, week or month");
	if (c->update_count < 0 || c->update_count > 1000)
		verr_add(v, "update_count", "must be between 0 and 1000");
	valid_oneof(v, "status", c->status, channel_statuses,
	            "is not a valid status");
	valid_date(v, "opened_on", c->opened_on, 0);
	valid_date(v, "closed_on", c->closed_on, 0);
	if (c->opened_on && c->closed_on && !verr_for(v, "opened_on") &&
	    !verr_for(v, "closed_on") && strcmp(c->closed_on, c->opened_on) < 0)
		verr_add(v, "closed_on", "cannot be before opened_on");
	if (c->unit_id == 0)
		verr_add(v, "unit_id", "is required");
	else if (db_get_i64(db, &n,
	                    "SELECT COUNT(*) FROM units WHERE id = ? AND "
	                    "org_id = ?",
	                    "ii", c->unit_id, a->org_id) != 1 ||
	         n == 0)
		verr_add(v, "unit_id", "no such unit");
	if (c->responsible_id != 0 &&
	    !person_in_org(db, a->org_id, c->responsible_id))
		verr_add(v, "responsible_id", "no such person");
	for (int i = 0; i < c->neditors; i++) {
		if (!person_in_org(db, a->org_id, c->editor_ids[i])) {
			verr_add(v, "editor_ids", "no such person");
			break;
		}
		for (int j = 0; j < i; j++)
			if (c->editor_ids[j] == c->editor_ids[i])
				verr_add(v, "editor_ids",
				         "lists the same person twice");
	}
	/* issue 3: people newly given a role on the channel need training */
	if (!v->n && check_training(db, a, c, v) != 0)
		verr_add(v, "responsible_id", "could not be checked");
	/* dates follow the status when not given */
	time_fmt_date(time_now(), today);
	if (!v->n && c->opened_on == NULL &&
	    (strcmp(c->status, "active") == 0 ||
	     strcmp(c->status, "paused") == 0 ||
	     strcmp(c->status, "closing") == 0))
		c->opened_on = arena_strdup(ar, today);
	if (!v->n && c->closed_on == NULL && strcmp(c->status, "closed") == 0)
		c->closed_on = arena_strdup(ar, today);
}

/* What a channel search matches: its name and address, case-folded. */
static const char *
channel_search_key(struct arena *ar, const struct channel *c)
{
	return text_fold(ar, arena_printf(ar, "%s %s", c->name, c->address));
}

enum kv_rc
channel_check(struct db *db, struct arena *ar, const struct actor *a,
              struct channel *c, struct verrs *v)
{
	channel_validate(db, ar, a, c, v);
	return v->n ? KV_INVALID : KV_OK;
}

static int
save_editors(struct db *db, const struct channel *c)
{
	if (db_run(db, "DELETE FROM channel_editors WHERE channel_id = ?", "i",
	           c->id) != 0)
		return -1;
	for (int i = 0; i < c->neditors; i++)
		if (db_run(
		        db,
		        "INSERT INTO channel_editors (channel_id, person_id) "
		        "VALUES (?, ?)",
		        "ii", c->id, c->editor_ids[i]) != 0)
			return -1;
	return 0;
}

static enum kv_rc
write_failed(struct db *db, struct verrs *v)
{
	enum db_err e = db_errcode(db);
	db_rollback(db);
	if (e == DB_E_UNIQUE) {
		verr_add(v, "address",
		         "is already registered for this platform");
		return KV_CONFLICT;
	}
	log_err("channel: write failed: %s", db_errmsg(db));
	return KV_DBERR;
}

/* Fills the joined display names after a write. */
static void
fill_names(struct db *db, struct arena *ar, struct channel *c)
{
	struct db_stmt *st = db_query(
	    db,
	    "SELECT u.name, COALESCE((SELECT full_name FROM people WHERE id = "
	    "?), '') FROM units u WHERE u.id = ?",
	    "ii", c->responsible_id, c->unit_id);
	if (st != NULL && db_step(st) == DB_ROW) {
		c->unit_name = arena_strdup(ar, db_col_text(st, 0));
		c->responsible_name = arena_strdup(ar, db_col_text(st, 1));
	}
	db_finalize(st);
}

/* Inserts the validated c and its editors, audited as action; finishes
 * the transaction it opens (joins the caller's, if any). */
static enum kv_rc
insert_channel(struct db *db, struct arena *ar, const struct actor *a,
               struct channel *c, struct verrs *v, const char *action)
{
	int64_t now = time_now();
	int rc;

	if (db_begin(db) != 0)
		return KV_DBERR;
	rc = db_get_i64(
	    db, &c->id,
	    "INSERT INTO channels (org_id, unit_id, platform, name, "
	    "address, purpose, target_groups, responsible_id, "
	    "update_count, update_period, status, opened_on, "
	    "closed_on, search_key, created_at, updated_at) VALUES (?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    "iitttttjitttttii", a->org_id, c->unit_id, c->platform, c->name,
	    c->address, c->purpose, c->target_groups, c->responsible_id,
	    c->update_count, c->update_period, c->status, c->opened_on,
	    c->closed_on, channel_search_key(ar, c), now, now);
	if (rc != 1)
		return write_failed(db, v);
	c->created_at = c->updated_at = now;
	if (save_editors(db, c) != 0)
		return write_failed(db, v);
	fill_names(db, ar, c);
	return audit_commit(db, a, action, "channel", c->id, NULL,
	                    channel_json(c));
}

enum kv_rc
channel_create(struct db *db, struct arena *ar, const struct actor *a,
               struct channel *c, struct verrs *v)
{
	enum kv_rc rc;

	/* anyone who could register a channel somewhere gets told what is
	 * wrong with the input; the unit itself is checked after that */
	if (!may_register_somewhere(a))
		return KV_FORBIDDEN;
	c->id = 0;
	channel_validate(db, ar, a, c, v);
	if (v->n)
		return KV_INVALID;
	if (!channel_can_create(db, a, c->unit_id))
		return KV_FORBIDDEN;
	if ((rc = check_activation(db, a, c, NULL, v)) != KV_OK)
		return rc;
	return insert_channel(db, ar, a, c, v, "create");
}

enum kv_rc
channel_create_request(struct db *db, struct arena *ar, const struct actor *a,
                       struct channel *c, struct verrs *v)
{
	c->id = 0;
	c->status = "requested";
	c->opened_on = c->closed_on = NULL;
	c->responsible_id = 0;
	c->neditors = 0;
	channel_validate(db, ar, a, c, v);
	if (v->n)
		return KV_INVALID;
	return insert_channel(db, ar, a, c, v, "request");
}

/* Writes c over old (both validated), audited as action; finishes the
 * transaction it opens (joins the caller's, if any). */
static enum kv_rc
update_channel(struct db *db, struct arena *ar, const struct actor *a,
               const struct channel *old, struct channel *c, struct verrs *v,
               const char *action)
{
	c->created_at = old->created_at;
	c->updated_at = time_now();
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(
	        db,
	        "UPDATE channels SET unit_id = ?, platform = ?, name = ?, "
	        "address = ?, purpose = ?, target_groups = ?, responsible_id "
	        "= ?, update_count = ?, update_period = ?, status = ?, "
	        "opened_on = ?, closed_on = ?, search_key = ?, updated_at = ? "
	        "WHERE id = ? AND org_id = ?",
	        "itttttjitttttiii", c->unit_id, c->platform, c->name,
	        c->address, c->purpose, c->target_groups, c->responsible_id,
	        c->update_count, c->update_period, c->status, c->opened_on,
	        c->closed_on, channel_search_key(ar, c), c->updated_at, c->id,
	        a->org_id) != 0)
		return write_failed(db, v);
	if (save_editors(db, c) != 0)
		return write_failed(db, v);
	fill_names(db, ar, c);
	return audit_commit(db, a, action, "channel", c->id, channel_json(old),
	                    channel_json(c));
}

enum kv_rc
channel_update(struct db *db, struct arena *ar, const struct actor *a,
               const struct channel *in, struct verrs *v)
{
	struct channel old, c = *in;
	enum kv_rc rc;

	rc = channel_get(db, ar, a, c.id, &old);
	if (rc != KV_OK)
		return rc;
	if (!channel_can_edit(db, a, &old))
		return KV_FORBIDDEN;
	channel_validate(db, ar, a, &c, v);
	if (v->n)
		return KV_INVALID;
	/* moving a channel to another unit needs rights there too */
	if (c.unit_id != old.unit_id && !channel_can_create(db, a, c.unit_id))
		return KV_FORBIDDEN;
	if ((rc = check_activation(db, a, &c, old.status, v)) != KV_OK)
		return rc;
	return update_channel(db, ar, a, &old, &c, v, "update");
}

enum kv_rc
channel_apply_plan(struct db *db, struct arena *ar, const struct actor *a,
                   const struct channel *plan, const char *decided_on,
                   struct verrs *v)
{
	struct channel old, c;
	enum kv_rc rc;
	int was_open;

	rc = channel_get(db, ar, a, plan->id, &old);
	if (rc != KV_OK)
		return rc;
	c = old;
	c.responsible_id = plan->responsible_id;
	c.neditors = plan->neditors;
	memcpy(c.editor_ids, plan->editor_ids, sizeof(c.editor_ids));
	c.update_count = plan->update_count;
	c.update_period = plan->update_period;
	if (plan->purpose && *plan->purpose)
		c.purpose = plan->purpose;
	/* a channel that is already open keeps the day it opened */
	was_open = strcmp(old.status, "active") == 0 ||
	           strcmp(old.status, "paused") == 0 ||
	           strcmp(old.status, "closing") == 0;
	if (!was_open || old.opened_on == NULL)
		c.opened_on = decided_on;
	c.closed_on = NULL;
	c.status = "active";
	channel_validate(db, ar, a, &c, v);
	if (v->n)
		return KV_INVALID;
	if ((rc = check_activation(db, a, &c, old.status, v)) != KV_OK)
		return rc;
	return update_channel(db, ar, a, &old, &c, v, "activate");
}
