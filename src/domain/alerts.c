/*
 * alerts.c - the generator table and the generators for the data that
 * exists so far (see alerts.h for the contract):
 *
 *  - no_responsible: an active, paused or closing channel without a
 *    responsible person (R2.1: every channel has one) → the communications
 *    unit (for the channel's unit) and the administrators, once a week;
 *  - inactive_responsible: a channel that is not closed whose responsible
 *    person is no longer active → the unit managers of that person's unit
 *    (or, when it has none, of the channel's unit; else the communications
 *    unit and the administrators), once a week.
 *
 * Texts are written in the organisation's language; names from the data
 * are inserted as they are (they are text, never markup or format).
 */
#include "alerts.h"
#include "../base/buf.h"
#include "../base/log.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

const char *
alert_org_lang(struct db *db, struct arena *ar, int64_t org_id)
{
	struct db_stmt *st = db_query(
	    db, "SELECT default_lang FROM orgs WHERE id = ?", "i", org_id);
	const char *lang = "en";
	if (st != NULL && db_step(st) == DB_ROW)
		lang = arena_strdup(ar, db_col_text(st, 0));
	db_finalize(st);
	return lang;
}

char *
alert_fill(struct arena *ar, const char *tmpl, const char *a1, const char *a2,
           const char *a3)
{
	struct buf b;
	char *out;
	const char *args[3] = {a1, a2, a3};
	buf_init(&b, 64 * 1024);
	for (const char *p = tmpl ? tmpl : ""; *p; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '3' && p[2] == '}') {
			const char *s = args[p[1] - '1'];
			buf_adds(&b, s ? s : "");
			p += 2;
		} else {
			buf_addc(&b, *p);
		}
	}
	out = arena_strdup(ar, buf_str(&b));
	buf_cleanup(&b);
	return out;
}

int
alert_raise(struct db *db, struct arena *ar, int64_t org_id, int64_t person_id,
            const char *kind, const char *dedup_key,
            const struct alert_text *texts, const char *lang, const char *a1,
            const char *a2, const char *a3, const char *link)
{
	const struct alert_text *t = &texts[0];
	struct actor sys;
	struct verrs v = {0};
	int64_t id = 0;
	char subject[KV_NOTIFY_MAX_SUBJECT + 8];
	const char *s;
	enum kv_rc rc;

	for (int i = 0; texts[i].lang != NULL; i++)
		if (strcmp(texts[i].lang, "en") == 0)
			t = &texts[i];
	for (int i = 0; lang != NULL && texts[i].lang != NULL; i++)
		if (strcmp(texts[i].lang, lang) == 0)
			t = &texts[i];
	/* a long name must not make the subject invalid: cut it at a
	 * character boundary, with an ellipsis */
	s = alert_fill(ar, t->subject, a1, a2, a3);
	if (strlen(s) > KV_NOTIFY_MAX_SUBJECT) {
		size_t n = KV_NOTIFY_MAX_SUBJECT - 3;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		snprintf(subject, sizeof(subject), "%.*s…", (int)n, s);
		s = subject;
	}
	actor_system(&sys, org_id, "alerts");
	rc = notify_person(db, ar, &sys, person_id, kind, dedup_key, s,
	                   alert_fill(ar, t->body, a1, a2, a3), link, &id, &v);
	if (rc == KV_NOTFOUND)
		return 0;
	if (rc != KV_OK) {
		log_err("alerts: %s for person %lld failed: %s%s", kind,
		        (long long)person_id,
		        v.n ? "invalid " : "database error",
		        v.n ? v.e[0].field : "");
		return -1;
	}
	return id != 0;
}

int
alert_people_with_role(struct db *db, struct arena *ar, int64_t org_id,
                       enum role role, int64_t unit_id, int64_t **ids, int *n)
{
	struct db_stmt *st;
	int rc, cap = 64;
	*n = 0;
	*ids = arena_alloc(ar, sizeof(**ids) * (size_t)cap);
	st = db_query(
	    db,
	    "WITH RECURSIVE up(id) AS (SELECT CAST(? AS BIGINT) UNION SELECT "
	    "u.parent_id FROM units u JOIN up ON u.id = up.id WHERE "
	    "u.parent_id IS NOT NULL) SELECT DISTINCT p.id FROM people p "
	    "JOIN role_grants g ON g.person_id = p.id WHERE p.org_id = ? AND "
	    "p.active = 1 AND g.role = ? AND (g.unit_id IS NULL OR g.unit_id "
	    "IN (SELECT id FROM up)) ORDER BY p.id",
	    "iit", unit_id, org_id, role_name(role));
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			int64_t *more =
			    arena_alloc(ar, sizeof(**ids) * (size_t)cap * 2);
			memcpy(more, *ids, sizeof(**ids) * (size_t)cap);
			*ids = more;
			cap *= 2;
		}
		(*ids)[(*n)++] = db_col_i64(st, 0);
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

const char *
alert_week(struct arena *ar, int64_t now)
{
	char d[16];
	int64_t days = now >= 0 ? now / 86400 : (now - 86399) / 86400;
	/* 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays */
	int64_t monday = days - (((days + 3) % 7) + 7) % 7;
	return arena_strdup(ar, time_fmt_date(monday * 86400, d));
}

const char *
alert_day(struct arena *ar, int64_t now)
{
	char d[16];
	return arena_strdup(ar, time_fmt_date(now, d));
}

/* Adds the ids of b not yet in a (both from alert_people_with_role). */
static void
merge_ids(struct arena *ar, int64_t **a, int *na, const int64_t *b, int nb)
{
	int64_t *out = arena_alloc(ar, sizeof(*out) * (size_t)(*na + nb + 1));
	int n = *na;
	memcpy(out, *a, sizeof(*out) * (size_t)*na);
	for (int i = 0; i < nb; i++) {
		int seen = 0;
		for (int k = 0; k < n && !seen; k++)
			seen = out[k] == b[i];
		if (!seen)
			out[n++] = b[i];
	}
	*a = out;
	*na = n;
}

/* The communications unit for unit_id and the administrators. */
static int
comms_and_admins(struct db *db, struct arena *ar, int64_t org_id,
                 int64_t unit_id, int64_t **ids, int *n)
{
	int64_t *adm;
	int nadm;
	if (alert_people_with_role(db, ar, org_id, ROLE_COMMS, unit_id, ids,
	                           n) != 0 ||
	    alert_people_with_role(db, ar, org_id, ROLE_ADMIN, 0, &adm,
	                           &nadm) != 0)
		return -1;
	merge_ids(ar, ids, n, adm, nadm);
	return 0;
}

/* --- no_responsible ---------------------------------------------------------
 */

static const struct alert_text no_responsible_text[] = {
    {"nb", "Kanalen «{1}» har ingen ansvarlig",
     "Kanalen «{1}» ({2}) er registrert uten ansvarlig person. Hver "
     "offisielle kanal skal ha en navngitt ansvarlig som følger den opp, også "
     "i ferier og ved fravær. Utnevn en ansvarlig i kanalregisteret."},
    {"nn", "Kanalen «{1}» har ingen ansvarleg",
     "Kanalen «{1}» ({2}) er registrert utan ansvarleg person. Kvar offisielle "
     "kanal skal ha ein namngjeven ansvarleg som følgjer han opp, også i "
     "feriar og ved fråvær. Utnemn ein ansvarleg i kanalregisteret."},
    {"sv", "Kanalen ”{1}” saknar ansvarig",
     "Kanalen ”{1}” ({2}) är registrerad utan ansvarig person. Varje "
     "officiell kanal ska ha en namngiven ansvarig som följer upp den, även "
     "under semester och längre ledighet. Utse en ansvarig i kanalregistret."},
    {"en", "The channel “{1}” has no responsible person",
     "The channel “{1}” ({2}) is registered without a responsible person. "
     "Every official channel needs a named person who keeps it up, also "
     "during holidays and leave. Appoint one in the channel register."},
    {NULL, NULL, NULL}};

int
alert_no_responsible(struct db *db, struct arena *ar, int64_t org_id,
                     int64_t now)
{
	struct db_stmt *st;
	struct row {
		int64_t id, unit_id;
		const char *name, *unit;
	} * rows;
	int n = 0, cap = 1000, raised = 0, rc;
	const char *lang = alert_org_lang(db, ar, org_id);
	const char *week = alert_week(ar, now);

	rows = arena_alloc(ar, sizeof(*rows) * (size_t)cap);
	st = db_query(db,
	              "SELECT c.id, c.unit_id, c.name, u.name FROM channels c "
	              "JOIN units u ON u.id = c.unit_id WHERE c.org_id = ? AND "
	              "c.status IN ('active', 'paused', 'closing') AND "
	              "c.responsible_id IS NULL ORDER BY c.id LIMIT 1000",
	              "i", org_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && n < cap) {
		rows[n].id = db_col_i64(st, 0);
		rows[n].unit_id = db_col_i64(st, 1);
		rows[n].name = arena_strdup(ar, db_col_text(st, 2));
		rows[n].unit = arena_strdup(ar, db_col_text(st, 3));
		n++;
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t *to;
		int nto;
		const char *key =
		    arena_printf(ar, "no_responsible:channel:%lld:%s",
		                 (long long)rows[i].id, week);
		const char *link =
		    arena_printf(ar, "/channels/%lld", (long long)rows[i].id);
		if (comms_and_admins(db, ar, org_id, rows[i].unit_id, &to,
		                     &nto) != 0)
			return -1;
		for (int k = 0; k < nto; k++) {
			int r =
			    alert_raise(db, ar, org_id, to[k], "no_responsible",
			                key, no_responsible_text, lang,
			                rows[i].name, rows[i].unit, NULL, link);
			if (r < 0)
				return -1;
			raised += r;
		}
	}
	return raised;
}

/* --- inactive_responsible ----------------------------------------------------
 */

static const struct alert_text inactive_responsible_text[] = {
    {"nb", "Ansvarlig for «{1}» er ikke lenger aktiv",
     "{2}, som er ansvarlig for kanalen «{1}», er ikke lenger registrert som "
     "aktiv. Utnevn en ny ansvarlig, slik at kanalen fortsatt blir fulgt "
     "opp."},
    {"nn", "Ansvarleg for «{1}» er ikkje lenger aktiv",
     "{2}, som er ansvarleg for kanalen «{1}», er ikkje lenger registrert som "
     "aktiv. Utnemn ein ny ansvarleg, slik at kanalen framleis blir følgd "
     "opp."},
    {"sv", "Ansvarig för ”{1}” är inte längre aktiv",
     "{2}, som är ansvarig för kanalen ”{1}”, är inte längre registrerad som "
     "aktiv. Utse en ny ansvarig så att kanalen fortsätter att följas upp."},
    {"en", "The person responsible for “{1}” is no longer active",
     "{2}, responsible for the channel “{1}”, is no longer registered as "
     "active. Appoint a new responsible person so that the channel is kept "
     "up."},
    {NULL, NULL, NULL}};

int
alert_inactive_responsible(struct db *db, struct arena *ar, int64_t org_id,
                           int64_t now)
{
	struct db_stmt *st;
	struct row {
		int64_t id, unit_id, person_id, person_unit;
		const char *name, *person;
	} * rows;
	int n = 0, cap = 1000, raised = 0, rc;
	const char *lang = alert_org_lang(db, ar, org_id);
	const char *week = alert_week(ar, now);

	rows = arena_alloc(ar, sizeof(*rows) * (size_t)cap);
	st = db_query(db,
	              "SELECT c.id, c.unit_id, p.id, COALESCE(p.unit_id, 0), "
	              "c.name, p.full_name FROM channels c JOIN people p ON "
	              "p.id = c.responsible_id WHERE c.org_id = ? AND c.status "
	              "<> 'closed' AND p.active = 0 ORDER BY c.id LIMIT 1000",
	              "i", org_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && n < cap) {
		rows[n].id = db_col_i64(st, 0);
		rows[n].unit_id = db_col_i64(st, 1);
		rows[n].person_id = db_col_i64(st, 2);
		rows[n].person_unit = db_col_i64(st, 3);
		rows[n].name = arena_strdup(ar, db_col_text(st, 4));
		rows[n].person = arena_strdup(ar, db_col_text(st, 5));
		n++;
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t *to = NULL;
		int nto = 0;
		const char *key = arena_printf(
		    ar, "inactive_responsible:channel:%lld:person:%lld:%s",
		    (long long)rows[i].id, (long long)rows[i].person_id, week);
		const char *link =
		    arena_printf(ar, "/channels/%lld", (long long)rows[i].id);
		/* the person's manager; else the channel's; else comms */
		if (rows[i].person_unit != 0 &&
		    alert_people_with_role(db, ar, org_id, ROLE_UNIT_MANAGER,
		                           rows[i].person_unit, &to, &nto) != 0)
			return -1;
		if (nto == 0 &&
		    alert_people_with_role(db, ar, org_id, ROLE_UNIT_MANAGER,
		                           rows[i].unit_id, &to, &nto) != 0)
			return -1;
		if (nto == 0 &&
		    comms_and_admins(db, ar, org_id, rows[i].unit_id, &to,
		                     &nto) != 0)
			return -1;
		for (int k = 0; k < nto; k++) {
			int r = alert_raise(
			    db, ar, org_id, to[k], "inactive_responsible", key,
			    inactive_responsible_text, lang, rows[i].name,
			    rows[i].person, NULL, link);
			if (r < 0)
				return -1;
			raised += r;
		}
	}
	return raised;
}

/* --- the table
 * ----------------------------------------------------------------- */

/* One line per generator.  The lead adds here, e.g.
 *   {"plan_awaiting_decision", alert_plan_awaiting_decision},
 *   {"coverage_gap", alert_coverage_gap},
 *   {"stale_channel", alert_stale_channel},
 *   {"training_expiring", alert_training_expiring},
 *   {"review_due", alert_review_due},
 * (docs/NOTIFICATIONS.md, "Adding a generator"). */
const struct alert_gen alert_gens[] = {
    {"no_responsible", alert_no_responsible},
    {"inactive_responsible", alert_inactive_responsible},
};
const size_t alert_ngens = ARRAY_LEN(alert_gens);

int
alerts_run(struct db *db, int64_t org_id, int64_t now, int *raised)
{
	int failed = 0;
	*raised = 0;
	for (size_t i = 0; i < alert_ngens; i++) {
		struct arena ar;
		int r;
		arena_init(&ar);
		r = alert_gens[i].fn(db, &ar, org_id, now);
		arena_free(&ar);
		if (r < 0) {
			log_err("alerts: generator %s failed for organisation "
			        "%lld",
			        alert_gens[i].name, (long long)org_id);
			db_rollback(db); /* leave no transaction open */
			failed = 1;
			continue;
		}
		*raised += r;
	}
	return failed ? -1 : 0;
}
