/*
 * route.c - intake and routing (inbox.h "intake", docs/INBOX.md
 * "Routing"): an inbound item enters the inbox once, with its triage,
 * its due time, its unit (the channel's), its topic (the first topic
 * whose keywords its stems contain) and, when someone is on watch, an
 * assignee:
 *
 *   1. a person with the topic's competence who may see the channel and
 *      has a shift now (on this channel first) and no absence now,
 *      fewest open assigned items first;
 *   2. else the person on watch for the channel (same tie-breaks);
 *   3. else nobody: the item waits as "new" for whoever works the
 *      channel.
 *
 * Items the platform showed more than a week before they reach us
 * (imports, a first sync of an old page) enter as history: "no answer
 * needed", reason "history", never assigned, never escalated.
 *
 * Intake is a system function: it is audited as the system actor
 * "inbox" of the item's organisation.
 */
#include "inbox_int.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../text/stem.h"

#include <stdlib.h>
#include <string.h>

/* What intake needs of the captured item. */
struct intake_item {
	int64_t org_id, channel_id, unit_id, shown_at;
	const char *type, *lang, *text;
	int inbound;
};

/* 1 found, 0 not, -1 error. */
static int
load_item(struct db *db, struct arena *ar, int64_t item_id,
          struct intake_item *it)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db,
	              "SELECT i.org_id, i.channel_id, c.unit_id, i.created_at, "
	              "i.type, i.lang, v.text, i.inbound FROM items i JOIN "
	              "channels c ON c.id = i.channel_id JOIN item_versions v "
	              "ON v.item_id = i.id AND v.version = i.current_version "
	              "WHERE i.id = ?",
	              "i", item_id);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW) {
		it->org_id = db_col_i64(st, 0);
		it->channel_id = db_col_i64(st, 1);
		it->unit_id = db_col_i64(st, 2);
		it->shown_at = db_col_i64(st, 3);
		it->type = arena_strdup(ar, db_col_text(st, 4));
		it->lang = arena_strdup(ar, db_col_text(st, 5));
		it->text = arena_strdup(ar, db_col_text(st, 6));
		it->inbound = (int)db_col_i64(st, 7);
	}
	db_finalize(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* --- topics ------------------------------------------------------------------
 */

/* 1 when every stem of phrase (stemmed in lang) is a word of " stems ". */
static int
phrase_in(const char *phrase, const char *lang, const char *padded)
{
	char *ps = stem_text(phrase, lang);
	size_t pos = 0, ws, we, len = strlen(ps);
	int any = 0, all = 1;
	while (all && text_next_word(ps, len, &pos, &ws, &we)) {
		char needle[260];
		if (we - ws > 250) {
			all = 0;
			break;
		}
		snprintf(needle, sizeof(needle), " %.*s ", (int)(we - ws),
		         ps + ws);
		any = 1;
		all = strstr(padded, needle) != NULL;
	}
	free(ps);
	return any && all;
}

/* 1 when one of the "|"-separated keywords matches. */
static int
keywords_match(struct arena *ar, const char *keywords, const char *lang,
               const char *padded)
{
	const char *p = keywords;
	while (p != NULL && *p != '\0') {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n > 0 && phrase_in(arena_strndup(ar, p, n), lang, padded))
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

/* The first topic (by id) of org_id whose keywords the text has; 0 none,
 * -1 error. */
static int64_t
route_topic(struct db *db, struct arena *ar, int64_t org_id, const char *text,
            const char *lang)
{
	struct db_stmt *st;
	char *stems = stem_text(text ? text : "", lang);
	const char *padded = arena_printf(ar, " %s ", stems);
	int64_t found = 0;
	int rc;
	free(stems);
	st = db_query(db,
	              "SELECT id, keywords FROM topics WHERE org_id = ? ORDER "
	              "BY id",
	              "i", org_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW)
		if (keywords_match(ar, db_col_text(st, 1), lang, padded)) {
			found = db_col_i64(st, 0);
			break;
		}
	db_finalize(st);
	return rc < 0 ? -1 : found;
}

/* --- who
 * -----------------------------------------------------------------------
 */

/* On watch now: a shift covering now, no absence covering now. */
#define ON_WATCH(p)                                                            \
	"EXISTS (SELECT 1 FROM shifts s WHERE s.person_id = " p " AND "        \
	"s.starts_at <= ? AND s.ends_at > ?) AND NOT EXISTS (SELECT 1 FROM "   \
	"absences ab WHERE ab.person_id = " p " AND ab.starts_at <= ? AND "    \
	"ab.ends_at > ?)"
/* the tie-breaks: a shift on this channel now, then fewest open items */
#define ROUTE_ORDER                                                            \
	" ORDER BY (SELECT COUNT(*) FROM shifts s2 WHERE s2.person_id = p.id " \
	"AND s2.channel_id = ? AND s2.starts_at <= ? AND s2.ends_at > ?) "     \
	"DESC, (SELECT COUNT(*) FROM inbox b WHERE b.assignee_id = p.id AND "  \
	"b.state = 'assigned') ASC, p.id LIMIT 50"

/* The first candidate st yields who may see the channel; 0 none, -1. */
static int64_t
first_seeing(struct db *db, struct arena *ar, struct db_stmt *st,
             const struct intake_item *it)
{
	int64_t ids[50], found = 0;
	int n = 0, rc;
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && n < 50)
		ids[n++] = db_col_i64(st, 0);
	db_finalize(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n && found == 0; i++)
		if (inbox_person_sees_channel(db, ar, it->org_id, ids[i],
		                              it->channel_id))
			found = ids[i];
	return found;
}

/* The assignee by the rules in the file comment; 0 nobody, -1 error. */
static int64_t
route_person(struct db *db, struct arena *ar, const struct intake_item *it,
             int64_t topic_id, int64_t now)
{
	int64_t who = 0;
	if (topic_id != 0) {
		who = first_seeing(
		    db, ar,
		    db_query(db,
		             "SELECT p.id FROM person_topics pt JOIN people p "
		             "ON p.id = pt.person_id WHERE pt.topic_id = ? AND "
		             "p.org_id = ? AND p.active = 1 AND " ON_WATCH(
		                 "p.id") ROUTE_ORDER,
		             "iiiiiiiii", topic_id, it->org_id, now, now, now,
		             now, it->channel_id, now, now),
		    it);
		if (who != 0)
			return who;
	}
	return first_seeing(
	    db, ar,
	    db_query(db,
	             "SELECT p.id FROM people p WHERE p.org_id = ? AND "
	             "p.active = 1 AND EXISTS (SELECT 1 FROM shifts s3 WHERE "
	             "s3.person_id = p.id AND s3.channel_id = ? AND "
	             "s3.starts_at <= ? AND s3.ends_at > ?) AND " ON_WATCH(
	                 "p.id") ROUTE_ORDER,
	             "iiiiiiiiiii", it->org_id, it->channel_id, now, now, now,
	             now, now, now, it->channel_id, now, now),
	    it);
}

/* --- intake
 * --------------------------------------------------------------------
 */

static int
inbound_type(const char *t)
{
	return t && (strcmp(t, "comment") == 0 || strcmp(t, "reply") == 0 ||
	             strcmp(t, "mention") == 0 || strcmp(t, "dm") == 0);
}

/* A summary of tr as JSON text (malloc'd). */
static char *
summary_json(const struct triage_result *tr)
{
	json_t *o = json_object(), *cls = json_array();
	char *s;
	for (int c = 0; c < TC__COUNT; c++)
		if (tr->classes & (1u << c))
			json_array_append_new(
			    cls, json_string(triage_class_name(c)));
	json_object_set_new(o, "lang", json_string(tr->lang));
	json_object_set_new(o, "classes", cls);
	json_object_set_new(o, "abuse_ground",
	                    inbox_json_str(abuse_ground_name(tr->ground)));
	json_object_set_new(o, "needs_answer", json_boolean(tr->needs_answer));
	json_object_set_new(o, "hard", json_boolean(tr->hard));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

/* The language to stem in: the platform's, triage's, a guess, nb. */
static const char *
stem_lang(const struct intake_item *it, const struct triage_result *tr)
{
	const char *g;
	if (it->lang != NULL && stem_algorithm(it->lang) != NULL)
		return it->lang;
	if (tr->lang[0] != '\0' && stem_algorithm(tr->lang) != NULL)
		return tr->lang;
	g = stem_guess_lang(it->text ? it->text : "");
	return g ? g : "nb";
}

enum kv_rc
inbox_intake_json(struct db *db, int64_t item_id,
                  const struct triage_result *tr, const char *triage_json,
                  int64_t now, int *added)
{
	struct arena ar;
	struct intake_item it;
	struct inbox_policy p;
	struct inbox_row r;
	struct actor sys;
	const char *country, *tz, *state = "new", *reason = NULL;
	char *summary = NULL;
	int64_t due, topic, who = 0, n = 0;
	enum kv_rc rc = KV_OK;
	int history, found;

	*added = 0;
	arena_init(&ar);
	memset(&it, 0, sizeof(it));
	found = load_item(db, &ar, item_id, &it);
	if (found <= 0) {
		rc = found < 0 ? KV_DBERR : KV_NOTFOUND;
		goto out;
	}
	if (!it.inbound || !inbound_type(it.type))
		goto out;
	if (db_get_i64(db, &n, "SELECT COUNT(*) FROM inbox WHERE item_id = ?",
	               "i", item_id) < 0) {
		rc = KV_DBERR;
		goto out;
	}
	if (n > 0)
		goto out;
	if (inbox_policy_load(db, &ar, it.org_id, &p) != KV_OK) {
		rc = KV_DBERR;
		goto out;
	}
	inbox_org_zone(db, &ar, it.org_id, &country, &tz);
	due = inbox_due_at(&p, country, tz, it.shown_at);
	topic = route_topic(db, &ar, it.org_id, it.text, stem_lang(&it, tr));
	history = it.shown_at < now - INBOX_HISTORY_AGE;
	if (!history && topic >= 0)
		who = route_person(db, &ar, &it, topic, now);
	if (topic < 0 || who < 0) {
		rc = KV_DBERR;
		goto out;
	}
	if (history) {
		state = "no_answer";
		reason = "history";
	} else if (who != 0) {
		state = "assigned";
	}
	if (triage_json == NULL)
		triage_json = summary = summary_json(tr);
	actor_system(&sys, it.org_id, "inbox");
	if (db_begin(db) != 0) {
		rc = KV_DBERR;
		goto out;
	}
	if (db_run(db,
	           "INSERT INTO inbox (item_id, org_id, channel_id, unit_id, "
	           "state, classes, ground, lang, needs_answer, hard, "
	           "hard_reason, shown_at, due_at, assignee_id, topic_id, "
	           "no_answer_reason, triage_json, created_at, updated_at) "
	           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	           "?, ?) ON CONFLICT (item_id) DO NOTHING",
	           "iiiitittiitiijjttii", item_id, it.org_id, it.channel_id,
	           it.unit_id, state, (int64_t)tr->classes,
	           abuse_ground_name(tr->ground), tr->lang,
	           (int64_t)(tr->needs_answer != 0), (int64_t)(tr->hard != 0),
	           tr->hard ? tr->hard_reason : NULL, it.shown_at, due, who,
	           topic, reason, triage_json, now, now) != 0) {
		rc = inbox_write_failed(db, "intake");
		goto out;
	}
	if (db_changes(db) == 0) { /* another intake was first */
		db_rollback(db);
		goto out;
	}
	if (inbox_log_add(db, it.org_id, item_id, now, 0, "added", state) !=
	    0) {
		rc = inbox_write_failed(db, "intake");
		goto out;
	}
	if (who != 0) {
		if (inbox_get(db, &ar, &sys, item_id, &r) != KV_OK ||
		    inbox_notify_assignee(db, &ar, it.org_id, &r, who,
		                          "kanalvakt") != 0) {
			rc = inbox_write_failed(db, "intake");
			goto out;
		}
	}
	rc =
	    audit_commit(db, &sys, "intake", "inbox_item", item_id, NULL,
	                 json_pack("{s:s,s:I,s:I,s:I,s:b,s:b}", "state", state,
	                           "assignee_id", (json_int_t)who, "topic_id",
	                           (json_int_t)topic, "due_at", (json_int_t)due,
	                           "needs_answer", tr->needs_answer != 0,
	                           "hard", tr->hard != 0));
	if (rc == KV_OK)
		*added = 1;
out:
	free(summary);
	arena_free(&ar);
	return rc;
}

enum kv_rc
inbox_intake_triaged(struct db *db, int64_t item_id,
                     const struct triage_result *tr, int64_t now, int *added)
{
	return inbox_intake_json(db, item_id, tr, NULL, now, added);
}
