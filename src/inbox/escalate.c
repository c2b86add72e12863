/*
 * escalate.c - overdue items climb (inbox.h "escalation", docs/INBOX.md
 * "Escalation"): an open item (new or assigned) that must be answered
 * and is past its due time
 *
 *   level 1  at due:  the unit managers of its unit or a unit above (by
 *            the grants); when the unit has none, level 2's people;
 *   level 2  escalate_after_min minutes after due: the people of the
 *            policy's communications unit (and its sub-units), else
 *            everyone with the comms role for the whole organisation.
 *
 * Each level is raised once per item: inbox.escalation remembers the
 * level reached, and the notifications' dedup keys
 * ("inbox_escalation:ITEM:LEVEL") keep a person from hearing it twice even
 * if two passes race.  Each raise is one transaction with its change log
 * row and audit row (system actor "inbox").  Escalating does not change
 * the item's version: a moderator's If-Match stays valid.
 */
#include "inbox_int.h"
#include "../base/holidays.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../domain/alerts.h"

#include <string.h>

#define ESCALATE_PER_PASS 500

/* {1} channel, {2} due time (local), {3} start of the text */
static const struct alert_text level1_text[] = {
    {"nb", "Ubesvart etter fristen: {1}",
     "En henvendelse på {1} skulle vært besvart innen {2}, og er det "
     "ikke:\n\n«{3}»"},
    {"nn", "Ikkje svara innan fristen: {1}",
     "Ein førespurnad på {1} skulle vore svara innan {2}, og er ikkje "
     "det:\n\n«{3}»"},
    {"sv", "Obesvarat efter tidsfristen: {1}",
     "Ett ärende på {1} skulle ha besvarats senast {2} och är inte "
     "besvarat:\n\n”{3}”"},
    {"en", "Unanswered past its due time: {1}",
     "An item on {1} was due for an answer by {2} and has none:\n\n“{3}”"},
    {NULL, NULL, NULL}};

static const struct alert_text level2_text[] = {
    {"nb", "Fortsatt ubesvart: {1}",
     "En henvendelse på {1} har stått ubesvart siden fristen {2}, også "
     "etter varsel til enhetsleder:\n\n«{3}»"},
    {"nn", "Framleis ikkje svara: {1}",
     "Ein førespurnad på {1} har stått utan svar sidan fristen {2}, òg "
     "etter varsel til einingsleiar:\n\n«{3}»"},
    {"sv", "Fortfarande obesvarat: {1}",
     "Ett ärende på {1} har varit obesvarat sedan tidsfristen {2}, även "
     "efter besked till enhetschefen:\n\n”{3}”"},
    {"en", "Still unanswered: {1}",
     "An item on {1} has been unanswered since its due time {2}, also "
     "after the unit manager was told:\n\n“{3}”"},
    {NULL, NULL, NULL}};

struct due_item {
	int64_t id, org_id, unit_id, due_at, version;
	int escalation;
};

/* The active people of the communications unit (and below), else those
 * with an org-wide comms grant. */
static int
comms_people(struct db *db, struct arena *ar, const struct inbox_policy *p,
             int64_t **ids, int *n)
{
	struct db_stmt *st;
	int rc, cap = 64;
	*n = 0;
	if (p->comms_unit_id == 0)
		return alert_people_with_role(db, ar, p->org_id, ROLE_COMMS, 0,
		                              ids, n);
	*ids = arena_alloc(ar, sizeof(**ids) * (size_t)cap);
	st = db_query(db,
	              "WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) "
	              "UNION SELECT x.id FROM units x JOIN sub s ON "
	              "x.parent_id = s.id) SELECT id FROM people WHERE org_id "
	              "= ? AND active = 1 AND unit_id IN (SELECT id FROM sub) "
	              "ORDER BY id LIMIT 64",
	              "ii", p->comms_unit_id, p->org_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && *n < cap)
		(*ids)[(*n)++] = db_col_i64(st, 0);
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (*n == 0) /* an empty unit: fall back to the role */
		return alert_people_with_role(db, ar, p->org_id, ROLE_COMMS, 0,
		                              ids, n);
	return 0;
}

/* Raises level for item d: notifies, stores the level, logs.  The number
 * of notifications raised, or -1. */
static int
raise_level(struct db *db, struct arena *ar, const struct due_item *d,
            const struct inbox_policy *p, int level, int64_t now)
{
	struct actor sys;
	struct inbox_row r;
	const char *country, *tz, *key, *link, *lang;
	char due[32];
	int64_t *ids = NULL;
	int n = 0, raised = 0, x;
	const struct alert_text *texts = level == 1 ? level1_text : level2_text;

	actor_system(&sys, d->org_id, "inbox");
	if (inbox_get(db, ar, &sys, d->id, &r) != KV_OK)
		return -1;
	if (level == 1 &&
	    alert_people_with_role(db, ar, d->org_id, ROLE_UNIT_MANAGER,
	                           d->unit_id, &ids, &n) != 0)
		return -1;
	if (n == 0 && comms_people(db, ar, p, &ids, &n) != 0)
		return -1;
	inbox_org_zone(db, ar, d->org_id, &country, &tz);
	time_fmt_local_iso(tz, d->due_at, due);
	due[16] = '\0'; /* "YYYY-MM-DDTHH:MM" */
	due[10] = ' ';
	lang = alert_org_lang(db, ar, d->org_id);
	key = arena_printf(ar, "inbox_escalation:%lld:%d", (long long)d->id,
	                   level);
	link = arena_printf(ar, "/inbox/%lld", (long long)d->id);
	if (db_begin(db) != 0)
		return -1;
	if (db_run(db,
	           "UPDATE inbox SET escalation = ?, updated_at = ? WHERE "
	           "item_id = ? AND escalation < ? AND "
	           "state IN ('new', 'assigned')",
	           "iiii", (int64_t)level, now, d->id, (int64_t)level) != 0)
		goto fail;
	if (db_changes(db) == 0) { /* worked or raised meanwhile */
		db_rollback(db);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		x = alert_raise(db, ar, d->org_id, ids[i], "inbox_escalated",
		                key, texts, lang, r.item.channel_name, due,
		                r.item.text, link);
		if (x < 0)
			goto fail;
		raised += x;
	}
	if (inbox_log_add(db, d->org_id, d->id, now, 0, "escalated",
	                  level == 1 ? "1" : "2") != 0)
		goto fail;
	if (audit_commit(db, &sys, "escalate", "inbox_item", d->id,
	                 json_pack("{s:i}", "escalation", d->escalation),
	                 json_pack("{s:i,s:i}", "escalation", level, "notified",
	                           n)) != KV_OK)
		return -1;
	return raised;
fail:
	log_err("inbox: escalation of item %lld failed: %s", (long long)d->id,
	        db_errmsg(db));
	db_rollback(db);
	return -1;
}

int
inbox_escalate_pass(struct db *db, int64_t now, int *raised)
{
	struct due_item items[ESCALATE_PER_PASS];
	struct db_stmt *st;
	int n = 0, rc, errors = 0;

	*raised = 0;
	st = db_query(db,
	              "SELECT item_id, org_id, unit_id, due_at, version, "
	              "escalation FROM inbox WHERE state IN ('new', "
	              "'assigned') AND needs_answer = 1 AND due_at < ? AND "
	              "escalation < 2 ORDER BY due_at, item_id LIMIT 500",
	              "i", now);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && n < ESCALATE_PER_PASS) {
		struct due_item *d = &items[n++];
		d->id = db_col_i64(st, 0);
		d->org_id = db_col_i64(st, 1);
		d->unit_id = db_col_i64(st, 2);
		d->due_at = db_col_i64(st, 3);
		d->version = db_col_i64(st, 4);
		d->escalation = (int)db_col_i64(st, 5);
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct arena ar;
		struct inbox_policy p;
		struct due_item *d = &items[i];
		arena_init(&ar);
		if (inbox_policy_load(db, &ar, d->org_id, &p) != KV_OK) {
			errors++;
			arena_free(&ar);
			continue;
		}
		for (int level = d->escalation + 1; level <= 2; level++) {
			int x;
			if (level == 2 &&
			    now <
			        d->due_at + (int64_t)p.escalate_after_min * 60)
				break;
			x = raise_level(db, &ar, d, &p, level, now);
			if (x < 0) {
				errors++;
				break;
			}
			*raised += x;
			d->escalation = level;
		}
		arena_free(&ar);
	}
	return errors ? -1 : 0;
}
