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
 *    unit and the administrators), once a week;
 *  - plan_awaiting_decision: a submitted plan version that has had its
 *    consultation → the decision makers for its unit (or above), except
 *    whoever requested, wrote or submitted it; one still waiting for its
 *    consultation → the communications unit; once a week per version;
 *  - coverage_gap: a gap in the rota within ROTA_ALERT_DAYS → the unit
 *    managers of the channel's unit (else comms and administrators), once
 *    per channel and local date the gap starts;
 *  - stale_channel: an active channel behind its update commitment → its
 *    responsible person and the unit managers, once a week;
 *  - training_expiring: a required course running out within 30 days (or
 *    run out) → the person and their unit managers, once a week;
 *  - review_due: an open channel whose review is due today or earlier →
 *    the unit managers (else comms and administrators), once per due date.
 *
 * The new generators read the data through the domain functions as the
 * system actor of the organisation (which sees everything).
 *
 * Texts are written in the organisation's language; names from the data
 * are inserted as they are (they are text, never markup or format).
 */
#include "alerts.h"
#include "plan.h"
#include "review.h"
#include "rota.h"
#include "training.h"
#include "upkeep.h"
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

/* Unit managers for unit_id; when the unit (and those above) has none,
 * the communications unit and the administrators. */
static int
managers_or_comms(struct db *db, struct arena *ar, int64_t org_id,
                  int64_t unit_id, int64_t **ids, int *n)
{
	if (alert_people_with_role(db, ar, org_id, ROLE_UNIT_MANAGER, unit_id,
	                           ids, n) != 0)
		return -1;
	if (*n == 0)
		return comms_and_admins(db, ar, org_id, unit_id, ids, n);
	return 0;
}

/* Raises one alert for each of the n people in to (0 ids skipped);
 * returns the number raised or -1. */
static int
raise_all(struct db *db, struct arena *ar, int64_t org_id, const int64_t *to,
          int nto, const char *kind, const char *key,
          const struct alert_text *texts, const char *lang, const char *a1,
          const char *a2, const char *a3, const char *link)
{
	int raised = 0;
	for (int k = 0; k < nto; k++) {
		int r;
		if (to[k] == 0)
			continue;
		r = alert_raise(db, ar, org_id, to[k], kind, key, texts, lang,
		                a1, a2, a3, link);
		if (r < 0)
			return -1;
		raised += r;
	}
	return raised;
}

/* --- plan_awaiting_decision --------------------------------------------------
 */

static const struct alert_text plan_decision_text[] = {
    {"nb", "Handlingsplanen for «{1}» venter på din beslutning",
     "Handlingsplanen for kanalen «{1}» (versjon {2}) er sendt inn, "
     "kommunikasjonsenheten er hørt, og planen venter på en beslutning. "
     "Godkjenn eller avslå den i kanalvakt."},
    {"nn", "Handlingsplanen for «{1}» ventar på avgjerda di",
     "Handlingsplanen for kanalen «{1}» (versjon {2}) er send inn, "
     "kommunikasjonseininga er høyrd, og planen ventar på ei avgjerd. "
     "Godkjenn eller avslå han i kanalvakt."},
    {"sv", "Handlingsplanen för ”{1}” väntar på ditt beslut",
     "Handlingsplanen för kanalen ”{1}” (version {2}) är inskickad, "
     "kommunikationsenheten har yttrat sig och planen väntar på beslut. "
     "Godkänn eller avslå den i kanalvakt."},
    {"en", "The action plan for “{1}” awaits your decision",
     "The action plan for the channel “{1}” (version {2}) has been "
     "submitted, the communications unit has been consulted, and the plan "
     "awaits a decision. Approve or reject it in kanalvakt."},
    {NULL, NULL, NULL}};

static const struct alert_text plan_consult_text[] = {
    {"nb", "Handlingsplanen for «{1}» venter på høring",
     "Handlingsplanen for kanalen «{1}» (versjon {2}) er sendt inn og kan "
     "ikke avgjøres før kommunikasjonsenheten har gitt sin uttalelse. "
     "Skriv en kommentar til planen i kanalvakt."},
    {"nn", "Handlingsplanen for «{1}» ventar på høyring",
     "Handlingsplanen for kanalen «{1}» (versjon {2}) er send inn og kan "
     "ikkje avgjerast før kommunikasjonseininga har gjeve fråsegna si. "
     "Skriv ein kommentar til planen i kanalvakt."},
    {"sv", "Handlingsplanen för ”{1}” väntar på yttrande",
     "Handlingsplanen för kanalen ”{1}” (version {2}) är inskickad och kan "
     "inte beslutas förrän kommunikationsenheten har yttrat sig. Skriv en "
     "kommentar till planen i kanalvakt."},
    {"en", "The action plan for “{1}” awaits consultation",
     "The action plan for the channel “{1}” (version {2}) has been "
     "submitted and cannot be decided until the communications unit has "
     "given its view. Comment on the plan in kanalvakt."},
    {NULL, NULL, NULL}};

int
alert_plan_awaiting_decision(struct db *db, struct arena *ar, int64_t org_id,
                             int64_t now)
{
	struct actor sys;
	struct plan_filter f = {0};
	struct plan *p;
	int n = 0, raised = 0;
	int64_t total = 0;
	const char *lang = alert_org_lang(db, ar, org_id);
	const char *week = alert_week(ar, now);

	actor_system(&sys, org_id, "alerts");
	f.status = "submitted";
	f.limit = 500;
	if (plan_list(db, ar, &sys, &f, &p, &n, &total) != KV_OK)
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t *to;
		int nto, r;
		const char *ver =
		    arena_printf(ar, "%lld", (long long)p[i].version);
		const char *key = arena_printf(
		    ar, "plan_awaiting_decision:plan:%lld:v:%lld:%s",
		    (long long)p[i].id, (long long)p[i].version, week);
		const char *link =
		    arena_printf(ar, "/plans/%lld", (long long)p[i].id);
		if (!p[i].consulted) {
			const char *ckey = arena_printf(
			    ar,
			    "plan_awaiting_consultation:plan:%lld:v:%lld:%s",
			    (long long)p[i].id, (long long)p[i].version, week);
			if (alert_people_with_role(db, ar, org_id, ROLE_COMMS,
			                           p[i].unit_id, &to,
			                           &nto) != 0)
				return -1;
			r = raise_all(db, ar, org_id, to, nto,
			              "plan_awaiting_consultation", ckey,
			              plan_consult_text, lang,
			              p[i].channel_name, ver, NULL, link);
			if (r < 0)
				return -1;
			raised += r;
			continue;
		}
		if (alert_people_with_role(db, ar, org_id, ROLE_DECISION_MAKER,
		                           p[i].unit_id, &to, &nto) != 0)
			return -1;
		for (int k = 0; k < nto; k++) {
			/* who requested, wrote or submitted it may not decide
			 */
			struct actor me = sys;
			me.person_id = to[k];
			if (plan_is_own(db, &me, &p[i]))
				to[k] = 0;
		}
		r = raise_all(db, ar, org_id, to, nto, "plan_awaiting_decision",
		              key, plan_decision_text, lang, p[i].channel_name,
		              ver, NULL, link);
		if (r < 0)
			return -1;
		raised += r;
	}
	return raised;
}

/* --- coverage_gap ------------------------------------------------------------
 */

static const struct alert_text coverage_gap_text[] = {
    {"nb", "Vaktlisten for «{1}» har hull {2}",
     "Ingen har vakt for kanalen «{1}» fra {2} (lokal tid). Sett opp en "
     "vakt i vaktlisten, slik at kanalen blir fulgt opp også da."},
    {"nn", "Vaktlista for «{1}» har hol {2}",
     "Ingen har vakt for kanalen «{1}» frå {2} (lokal tid). Set opp ei vakt "
     "i vaktlista, slik at kanalen blir følgd opp også då."},
    {"sv", "Bevakningen av ”{1}” har en lucka {2}",
     "Ingen bevakar kanalen ”{1}” från {2} (lokal tid). Lägg in ett pass i "
     "bevakningsschemat så att kanalen följs upp även då."},
    {"en", "The rota for “{1}” has a gap on {2}",
     "Nobody watches the channel “{1}” from {2} (local time). Add a shift "
     "to the rota so that the channel is kept up then too."},
    {NULL, NULL, NULL}};

int
alert_coverage_gap(struct db *db, struct arena *ar, int64_t org_id, int64_t now)
{
	struct actor sys;
	struct channel_gaps *g;
	int n = 0, raised = 0;
	const char *lang = alert_org_lang(db, ar, org_id);

	actor_system(&sys, org_id, "alerts");
	if (rota_upcoming_gaps(db, ar, &sys, now, ROTA_ALERT_DAYS, &g, &n) !=
	    KV_OK)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct channel *c = &g[i].channel;
		const char *link =
		    arena_printf(ar, "/channels/%lld/rota", (long long)c->id);
		int64_t *to;
		int nto;
		if (managers_or_comms(db, ar, org_id, c->unit_id, &to, &nto) !=
		    0)
			return -1;
		for (int k = 0; k < g[i].cov.ngaps; k++) {
			char day[16];
			const char *key;
			int r;
			org_date(db, org_id, g[i].cov.gaps[k].from, day);
			key = arena_printf(ar, "coverage_gap:channel:%lld:%s",
			                   (long long)c->id, day);
			r = raise_all(db, ar, org_id, to, nto, "coverage_gap",
			              key, coverage_gap_text, lang, c->name,
			              arena_strdup(ar, day), NULL, link);
			if (r < 0)
				return -1;
			raised += r;
		}
	}
	return raised;
}

/* --- stale_channel -----------------------------------------------------------
 */

static const struct alert_text stale_text[] = {
    {"nb", "Kanalen «{1}» blir ikke fulgt opp",
     "Kanalen «{1}» har lovet {2} oppdateringer per periode, men har "
     "publisert {3} i den siste. En profil som er etablert, men ikke fulgt "
     "opp, svekker tilliten. Publiser, eller vurder kanalen på nytt."},
    {"nn", "Kanalen «{1}» blir ikkje følgd opp",
     "Kanalen «{1}» har lova {2} oppdateringar per periode, men har "
     "publisert {3} i den siste. Ein profil som er etablert, men ikkje følgd "
     "opp, svekkjer tilliten. Publiser, eller vurder kanalen på nytt."},
    {"sv", "Kanalen ”{1}” följs inte upp",
     "Kanalen ”{1}” har utlovat {2} uppdateringar per period men har "
     "publicerat {3} under den senaste. En profil som är etablerad men inte "
     "följs upp skadar förtroendet. Publicera, eller ompröva kanalen."},
    {"en", "The channel “{1}” is not being kept up",
     "The channel “{1}” promised {2} updates per period but published {3} "
     "in the last one. A profile that is established but not followed up "
     "undermines trust. Publish, or reconsider the channel."},
    {NULL, NULL, NULL}};

int
alert_stale_channel(struct db *db, struct arena *ar, int64_t org_id,
                    int64_t now)
{
	struct actor sys;
	struct upkeep *u;
	int n = 0, raised = 0;
	const char *lang = alert_org_lang(db, ar, org_id);
	const char *week = alert_week(ar, now);

	actor_system(&sys, org_id, "alerts");
	if (upkeep_list(db, ar, &sys, now, 1, &u, &n) != KV_OK)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct channel *c = &u[i].channel;
		int64_t *to, *mgr;
		int nto = 0, nmgr, r;
		const char *key = arena_printf(ar, "stale:channel:%lld:%s",
		                               (long long)c->id, week);
		const char *link = arena_printf(ar, "/channels/%lld/updates",
		                                (long long)c->id);
		if (!u[i].stale)
			continue;
		to = arena_alloc(ar, sizeof(*to));
		if (c->responsible_id != 0)
			to[nto++] = c->responsible_id;
		if (managers_or_comms(db, ar, org_id, c->unit_id, &mgr,
		                      &nmgr) != 0)
			return -1;
		merge_ids(ar, &to, &nto, mgr, nmgr);
		r = raise_all(
		    db, ar, org_id, to, nto, "stale_channel", key, stale_text,
		    lang, c->name,
		    arena_printf(ar, "%lld", (long long)u[i].promised),
		    arena_printf(ar, "%lld", (long long)u[i].actual), link);
		if (r < 0)
			return -1;
		raised += r;
	}
	return raised;
}

/* --- training_expiring -------------------------------------------------------
 */

static const struct alert_text training_text[] = {
    {"nb", "Kurset «{2}» for {1} går ut {3}",
     "Gjennomføringen av det obligatoriske kurset «{2}» for {1} gjelder til "
     "{3}. Uten gyldig kurs kan {1} ikke være ansvarlig for eller redaktør "
     "av en kanal. Ta kurset på nytt i tide."},
    {"nn", "Kurset «{2}» for {1} går ut {3}",
     "Gjennomføringa av det obligatoriske kurset «{2}» for {1} gjeld til "
     "{3}. Utan gyldig kurs kan {1} ikkje vere ansvarleg for eller redaktør "
     "av ein kanal. Ta kurset på nytt i tide."},
    {"sv", "Kursen ”{2}” för {1} löper ut {3}",
     "Den obligatoriska kursen ”{2}” för {1} gäller till {3}. Utan giltig "
     "kurs kan {1} inte vara ansvarig för eller redaktör av en kanal. Gå "
     "kursen igen i tid."},
    {"en", "The course “{2}” of {1} expires on {3}",
     "{1}'s completion of the required course “{2}” is valid until {3}. "
     "Without it, {1} cannot be responsible for or edit a channel. Take the "
     "course again in time."},
    {NULL, NULL, NULL}};

int
alert_training_expiring(struct db *db, struct arena *ar, int64_t org_id,
                        int64_t now)
{
	struct actor sys;
	struct training_alert *t;
	int n = 0, raised = 0;
	const char *lang = alert_org_lang(db, ar, org_id);
	const char *week = alert_week(ar, now);

	actor_system(&sys, org_id, "alerts");
	if (training_expiring(db, ar, &sys, 30, &t, &n) != KV_OK)
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t *to = arena_alloc(ar, sizeof(*to));
		int nto = 1, r;
		const char *key = arena_printf(
		    ar, "training_expiring:person:%lld:course:%lld:%s:%s",
		    (long long)t[i].person_id, (long long)t[i].course_id,
		    t[i].expires_on, week);
		to[0] = t[i].person_id;
		merge_ids(ar, &to, &nto, t[i].manager_ids, t[i].nmanagers);
		r = raise_all(db, ar, org_id, to, nto, "training_expiring", key,
		              training_text, lang, t[i].person_name,
		              t[i].course_name, t[i].expires_on, "/training");
		if (r < 0)
			return -1;
		raised += r;
	}
	return raised;
}

/* --- review_due --------------------------------------------------------------
 */

static const struct alert_text review_text[] = {
    {"nb", "Kanalen «{1}» skal vurderes (frist {2})",
     "Kanalen «{1}» skulle vært vurdert senest {2}. Gå gjennom om kanalen "
     "når målene sine, og registrer resultatet: beholde, endre eller "
     "legge ned."},
    {"nn", "Kanalen «{1}» skal vurderast (frist {2})",
     "Kanalen «{1}» skulle vore vurdert seinast {2}. Gå gjennom om kanalen "
     "når måla sine, og registrer resultatet: behalde, endre eller leggje "
     "ned."},
    {"sv", "Kanalen ”{1}” ska utvärderas (senast {2})",
     "Kanalen ”{1}” skulle ha utvärderats senast {2}. Gå igenom om kanalen "
     "når sina mål och registrera resultatet: behålla, ändra eller lägga "
     "ned."},
    {"en", "The channel “{1}” is due for review ({2})",
     "The channel “{1}” was due for review on {2}. Check whether it meets "
     "its goals and record the outcome: keep, change or close."},
    {NULL, NULL, NULL}};

int
alert_review_due(struct db *db, struct arena *ar, int64_t org_id, int64_t now)
{
	struct actor sys;
	struct review_due *d;
	int n = 0, raised = 0;
	char today[16];
	const char *lang = alert_org_lang(db, ar, org_id);

	actor_system(&sys, org_id, "alerts");
	org_date(db, org_id, now, today);
	if (review_list_due(db, ar, &sys, today, 0, &d, &n) != KV_OK)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct channel *c = &d[i].channel;
		int64_t *to;
		int nto, r;
		const char *key = arena_printf(ar, "review_due:channel:%lld:%s",
		                               (long long)c->id, d[i].due_on);
		const char *link =
		    arena_printf(ar, "/channels/%lld/review", (long long)c->id);
		if (managers_or_comms(db, ar, org_id, c->unit_id, &to, &nto) !=
		    0)
			return -1;
		r = raise_all(db, ar, org_id, to, nto, "review_due", key,
		              review_text, lang, c->name, d[i].due_on, NULL,
		              link);
		if (r < 0)
			return -1;
		raised += r;
	}
	return raised;
}

/* --- token_expiring, channel_disconnected (issue 4)
 * ---------------------------
 */

static const struct alert_text token_text[] = {
    {"nb", "Tilgangen til kanalen «{1}» går ut {2}",
     "kanalvakt henter innlegg og kommentarer fra «{1}» med en tilgang som "
     "går ut {2}. Koble kanalen til på nytt før det, ellers stopper "
     "innsamlingen."},
    {"nn", "Tilgangen til kanalen «{1}» går ut {2}",
     "kanalvakt hentar innlegg og kommentarar frå «{1}» med ein tilgang som "
     "går ut {2}. Kopla kanalen til på nytt før det, elles stoppar "
     "innsamlinga."},
    {"sv", "Åtkomsten till kanalen ”{1}” går ut {2}",
     "kanalvakt hämtar inlägg och kommentarer från ”{1}” med en åtkomst som "
     "går ut {2}. Anslut kanalen på nytt innan dess, annars stannar "
     "insamlingen."},
    {"en", "The access to the channel “{1}” expires on {2}",
     "kanalvakt collects posts and comments from “{1}” with an access that "
     "expires on {2}. Reconnect the channel before then, or collection "
     "stops."},
    {NULL, NULL, NULL}};

static const struct alert_text disconnected_text[] = {
    {"nb", "Kanalen «{1}» er koblet fra: koble til på nytt",
     "Plattformen godtar ikke lenger tilgangen kanalvakt bruker for «{1}» "
     "({2}). Ingenting blir samlet inn før kanalen er koblet til på nytt."},
    {"nn", "Kanalen «{1}» er kopla frå: kopla til på nytt",
     "Plattforma godtek ikkje lenger tilgangen kanalvakt brukar for «{1}» "
     "({2}). Ingenting blir samla inn før kanalen er kopla til på nytt."},
    {"sv", "Kanalen ”{1}” är frånkopplad: anslut på nytt",
     "Plattformen godtar inte längre den åtkomst kanalvakt använder för "
     "”{1}” ({2}). Ingenting samlas in förrän kanalen är ansluten på nytt."},
    {"en", "The channel “{1}” is disconnected: reconnect it",
     "The platform no longer accepts the access kanalvakt uses for “{1}” "
     "({2}). Nothing is collected until the channel is connected again."},
    {NULL, NULL, NULL}};

/* Raises texts for each connected active channel of org_id that the
 * query (binding org_id and then the two times) selects: columns id,
 * name, unit_id, responsible_id, a date or detail for {2}. */
static int
connection_alerts(struct db *db, struct arena *ar, int64_t org_id, int64_t now,
                  int64_t until, const char *sql, const char *kind,
                  const char *key_prefix, const struct alert_text *texts)
{
	const char *lang = alert_org_lang(db, ar, org_id);
	struct db_stmt *st;
	struct {
		int64_t id, unit_id, responsible_id, when;
		const char *name, *detail;
	} c[256];
	int n = 0, rc, raised = 0;

	st = db_query(db, sql, "iii", org_id, now, until);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && n < (int)ARRAY_LEN(c)) {
		c[n].id = db_col_i64(st, 0);
		c[n].name = arena_strdup(ar, db_col_text(st, 1));
		c[n].unit_id = db_col_i64(st, 2);
		c[n].responsible_id = db_col_i64(st, 3);
		c[n].when = db_col_i64(st, 4);
		c[n].detail = arena_strdup(ar, db_col_text(st, 5));
		n++;
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t *to;
		int nto = 0, r;
		char day[16];
		const char *key, *link, *arg;
		time_fmt_date(c[i].when, day);
		arg = c[i].detail && *c[i].detail ? c[i].detail : day;
		key = arena_printf(
		    ar, "%s:channel:%lld:%s", key_prefix, (long long)c[i].id,
		    strcmp(kind, "token_expiring") == 0 ? day
		                                        : alert_week(ar, now));
		link = arena_printf(ar, "/channels/%lld", (long long)c[i].id);
		if (c[i].responsible_id != 0) {
			to = arena_alloc(ar, sizeof(*to));
			to[nto++] = c[i].responsible_id;
		} else if (managers_or_comms(db, ar, org_id, c[i].unit_id, &to,
		                             &nto) != 0) {
			return -1;
		}
		r = raise_all(db, ar, org_id, to, nto, kind, key, texts, lang,
		              c[i].name, arg, NULL, link);
		if (r < 0)
			return -1;
		raised += r;
	}
	return raised;
}

int
alert_token_expiring(struct db *db, struct arena *ar, int64_t org_id,
                     int64_t now)
{
	/* once per expiry date: a new token with a new date alerts again */
	return connection_alerts(
	    db, ar, org_id, now, now + 7 * 86400,
	    "SELECT c.id, c.name, c.unit_id, COALESCE(c.responsible_id, 0), "
	    "cc.token_expires_at, '' FROM channels c JOIN channel_connections "
	    "cc ON cc.channel_id = c.id WHERE c.org_id = ? AND c.status = "
	    "'active' AND cc.token_expires_at IS NOT NULL AND "
	    "cc.token_expires_at > ? AND cc.token_expires_at <= ? AND "
	    "cc.last_status <> 'auth' ORDER BY c.id",
	    "token_expiring", "token_expiring", token_text);
}

int
alert_channel_disconnected(struct db *db, struct arena *ar, int64_t org_id,
                           int64_t now)
{
	/* a refused token, or one that ran out: once a week until fixed */
	return connection_alerts(
	    db, ar, org_id, now, now,
	    "SELECT c.id, c.name, c.unit_id, COALESCE(c.responsible_id, 0), "
	    "COALESCE(cc.token_expires_at, 0), cc.last_error FROM channels c "
	    "JOIN channel_connections cc ON cc.channel_id = c.id WHERE "
	    "c.org_id = ? AND c.status = 'active' AND (cc.last_status = "
	    "'auth' OR (cc.token_expires_at IS NOT NULL AND "
	    "cc.token_expires_at <= ? AND ? > 0)) ORDER BY c.id",
	    "channel_disconnected", "disconnected", disconnected_text);
}

/* --- the table
 * ----------------------------------------------------------------- */

/* One line per generator (docs/NOTIFICATIONS.md, "Adding a generator"). */
const struct alert_gen alert_gens[] = {
    {"no_responsible", alert_no_responsible},
    {"inactive_responsible", alert_inactive_responsible},
    {"plan_awaiting_decision", alert_plan_awaiting_decision},
    {"coverage_gap", alert_coverage_gap},
    {"stale_channel", alert_stale_channel},
    {"training_expiring", alert_training_expiring},
    {"review_due", alert_review_due},
    {"token_expiring", alert_token_expiring},
    {"channel_disconnected", alert_channel_disconnected},
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
