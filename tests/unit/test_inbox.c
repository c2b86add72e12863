/*
 * test_inbox.c - unit tests of the inbox (every file of src/inbox but engine.c)
 * on a migrated database: SQLite, and PostgreSQL when KV_TEST_PG_URL is
 * set.
 *
 * The organisation is a small Norwegian municipality: Kultur with the
 * library (Bibliotek) below it, Oppvekst, and Kommunikasjon; a library
 * Facebook page, an Oppvekst Instagram account and a Kultur Mastodon
 * account; a unit manager of Kultur, two library editors, a unit manager
 * and an editor of Oppvekst, an org-wide comms adviser, an org-wide
 * auditor, a person without any role, and an administrator.  Items are
 * captured like the connectors capture them (capture_item) with texts in
 * nb, nn, sv, da and en, and triaged by hand-made triage results (the
 * engine lives in src/text/triage.c).
 *
 * Covered: intake (inbound comment/reply/mention/DM only, idempotent, the
 * seven-day history rule, due time stored, triage stored); routing by
 * topic stems and competence, by who is on watch, absences, a competent
 * person who may not see the channel; who sees and who works what (a
 * grant on a parent unit covers the children; an editor of one unit never
 * sees another's); every state transition and its refusals, and that a
 * refusal wrote nothing; the class decision stored as a label; the
 * version conflict; notes; actions recorded for the action layer, the
 * journal reference; the change log per actor; escalation with time
 * moving; report counts; rules, topics, saved replies, reply signatures
 * and the policy with their rights; the append-only tables; JSON.
 */
#define T_DB
#include "t.h"

#include "../../src/archive/capture.h"
#include "../../src/base/holidays.h"
#include "../../src/base/util.h"
#include "../../src/inbox/inbox.h"

#include <stdint.h>
#include <string.h>

#define TZ "Europe/Oslo"

enum {
	P_ADMIN = 1,
	P_PER,   /* unit_manager@Kultur */
	P_TOR,   /* channel_editor@Bibliotek, responsible for channel 1 */
	P_JON,   /* unit_manager@Oppvekst */
	P_MARIT, /* channel_editor@Oppvekst, responsible for channel 2 */
	P_ANNE,  /* comms, org-wide; in unit Kommunikasjon */
	P_LISE,  /* channel_editor@Bibliotek; knows e-books */
	P_BERIT, /* auditor, org-wide */
	P_OLA    /* no role */
};
enum { CH_LIB = 1, CH_OPP, CH_KUL };

static struct db *
setup(enum db_kind kind)
{
	int applied;
	struct db *db = t_db_fresh(kind);
	if (db == NULL)
		return NULL;
	if (!T_EQ_INT(db_migrate(db, &applied), 0)) {
		fprintf(stderr, "     %s\n", db_errmsg(db));
		t_db_done(db);
		return NULL;
	}
	if (!T_EQ_INT(
	        db_exec(
	            db,
	            "INSERT INTO orgs (id, name, slug, country, timezone, "
	            "default_lang, created_at) VALUES (1, 'Meldal kommune', "
	            "'meldal', 'NO', 'Europe/Oslo', 'nb', 0);"
	            "INSERT INTO units (id, org_id, parent_id, name, kind, "
	            "created_at, updated_at) VALUES "
	            "(1, 1, NULL, 'Meldal kommune', 'organisation', 0, 0), "
	            "(2, 1, 1, 'Kultur', 'unit', 0, 0), "
	            "(3, 1, 2, 'Bibliotek', 'team', 0, 0), "
	            "(4, 1, 1, 'Oppvekst', 'unit', 0, 0), "
	            "(5, 1, 1, 'Kommunikasjon', 'unit', 0, 0);"
	            "INSERT INTO people (id, org_id, full_name, first_name, "
	            "title, unit_id, email, created_at, updated_at) VALUES "
	            "(1, 1, 'Demo Admin', 'Demo', 'systemansvarlig', 5, "
	            "'admin@m.example', 0, 0), "
	            "(2, 1, 'Per Arne Hoff', 'Per Arne', 'enhetsleder kultur', "
	            "2, 'per@m.example', 0, 0), "
	            "(3, 1, 'Tor Einar Moe', 'Tor Einar', 'biblioteksjef', 3, "
	            "'tor@m.example', 0, 0), "
	            "(4, 1, 'Jon Storli', 'Jon', 'enhetsleder oppvekst', 4, "
	            "'jon@m.example', 0, 0), "
	            "(5, 1, 'Marit Grindal', 'Marit', 'prosjektleder', 4, "
	            "'marit@m.example', 0, 0), "
	            "(6, 1, 'Anne Lise Fossum', 'Anne Lise', "
	            "'kommunikasjonsrådgiver', 5, 'anne@m.example', 0, 0), "
	            "(7, 1, 'Lise Berg', 'Lise', 'bibliotekar', 3, "
	            "'lise@m.example', 0, 0), "
	            "(8, 1, 'Berit Vold', 'Berit', 'arkivleder', 5, "
	            "'berit@m.example', 0, 0), "
	            "(9, 1, 'Ola Nordmann', 'Ola', '', 4, 'ola@m.example', 0, "
	            "0);"
	            "INSERT INTO role_grants (person_id, role, unit_id, "
	            "created_at) VALUES (1, 'admin', NULL, 0), "
	            "(2, 'unit_manager', 2, 0), (3, 'channel_editor', 3, 0), "
	            "(4, 'unit_manager', 4, 0), (5, 'channel_editor', 4, 0), "
	            "(6, 'comms', NULL, 0), (7, 'channel_editor', 3, 0), "
	            "(8, 'auditor', NULL, 0);"
	            "INSERT INTO channels (id, org_id, unit_id, platform, "
	            "name, address, responsible_id, status, created_at, "
	            "updated_at) VALUES (1, 1, 3, 'facebook_page', 'Meldal "
	            "folkebibliotek', 'https://facebook.com/meldalbibliotek', "
	            "3, 'active', 0, 0), (2, 1, 4, 'instagram', 'Oppvekst i "
	            "Meldal', 'https://instagram.com/oppvekstmeldal', 5, "
	            "'active', 0, 0), (3, 1, 2, 'mastodon', 'Kultur i "
	            "Meldal', '@kultur@social.example', 2, 'active', 0, 0)"),
	        0))
		fprintf(stderr, "     %s\n", db_errmsg(db));
	return db;
}

/* An actor for person id. */
static struct actor
who(struct db *db, struct arena *ar, int64_t id)
{
	struct actor a;
	T_EQ_INT(actor_load(db, ar, id, &a), KV_OK);
	return a;
}

/* Captures an item on channel ch; returns its id. */
static int64_t
capture(struct db *db, int64_t ch, const char *pid, enum item_type type,
        int inbound, const char *lang, const char *text, int64_t shown)
{
	struct item it;
	struct capture_result r;
	item_init(&it);
	it.type = type;
	it.inbound = inbound;
	it.id = pid;
	it.parent_id = type == ITEM_POST ? NULL : "post-1";
	it.text = text;
	it.lang = lang;
	it.author_id = inbound ? "u-4711" : "page";
	it.author_handle = inbound ? "kari.nordvik" : "meldal";
	it.author_name = inbound ? "Kari Nordvik" : "Meldal";
	it.created_at = shown;
	it.raw = "{}";
	it.raw_type = "application/json";
	memset(&r, 0, sizeof(r));
	T_EQ_INT(capture_item(db, ch, &it, 0, shown + 30, &r), 0);
	return r.item_id;
}

/* A hand-made triage result. */
static struct triage_result
tri(const char *lang, unsigned classes, int ground, int hard)
{
	struct triage_result r;
	memset(&r, 0, sizeof(r));
	snprintf(r.lang, sizeof(r.lang), "%s", lang);
	r.lang_confidence = 0.9;
	r.classes = classes;
	r.ground = ground;
	r.needs_answer = (classes & TRIAGE_ANSWER_CLASSES) != 0;
	r.hard = hard;
	r.hard_reason = hard ? "threat against a person" : NULL;
	return r;
}

#define Q  (1u << TC_QUESTION)
#define CO (1u << TC_COMPLAINT)
#define PR (1u << TC_PRAISE)
#define AB (1u << TC_ABUSE)
#define CR (1u << TC_CASE_REQUEST)

/* Captures and takes in an item; returns its id. */
static int64_t
arrive(struct db *db, int64_t ch, const char *pid, const char *lang,
       const char *text, unsigned classes, int64_t shown, int64_t now)
{
	struct triage_result tr = tri(lang, classes, AG_NONE, 0);
	int added = -1;
	int64_t id = capture(db, ch, pid, ITEM_COMMENT, 1, lang, text, shown);
	T_EQ_INT(inbox_intake_triaged(db, id, &tr, now, &added), KV_OK);
	T_EQ_INT(added, 1);
	return id;
}

static int64_t
count(struct db *db, const char *sql)
{
	int64_t n = -1;
	if (db_get_i64(db, &n, sql, NULL) != 1)
		fprintf(stderr, "     %s: %s\n", sql, db_errmsg(db));
	return n;
}

static int64_t
count_i(struct db *db, const char *sql, int64_t x)
{
	int64_t n = -1;
	if (db_get_i64(db, &n, sql, "i", x) != 1)
		fprintf(stderr, "     %s: %s\n", sql, db_errmsg(db));
	return n;
}

/* Notifications of kind for person. */
static int64_t
notes_for(struct db *db, int64_t person, const char *kind)
{
	int64_t n = -1;
	db_get_i64(db, &n,
	           "SELECT COUNT(*) FROM notifications WHERE person_id = ? AND "
	           "kind = ?",
	           "it", person, kind);
	return n;
}

static struct inbox_row
get_row(struct db *db, struct arena *ar, int64_t item)
{
	struct actor sys;
	struct inbox_row r;
	memset(&r, 0, sizeof(r));
	actor_system(&sys, 1, "test");
	T_EQ_INT(inbox_get(db, ar, &sys, item, &r), KV_OK);
	return r;
}

/* Wednesday 10 March 2027, 09:00 in Oslo (CET). */
static int64_t
t0(void)
{
	return local_to_utc(TZ, 2027, 3, 10, 9, 0);
}

/* --- intake ------------------------------------------------------------------
 */

static void
intake(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct triage_result tr;
	struct inbox_row r;
	int64_t T = t0(), a, b, post, old, dm;
	int added = -1;
	if (db == NULL)
		return;
	arena_init(&ar);
	a = capture(db, CH_LIB, "c-1", ITEM_COMMENT, 1, "nb",
	            "Hei! Når åpner biblioteket igjen etter påske? Skal låne "
	            "bøker til ungene 📚",
	            T);
	tr = tri("nb", Q, AG_NONE, 0);
	T_EQ_INT(inbox_intake_triaged(db, a, &tr, T + 60, &added), KV_OK);
	T_EQ_INT(added, 1);
	r = get_row(db, &ar, a);
	T_EQ_INT(r.state, IS_NEW);
	T_EQ_INT(r.assignee_id, 0);
	T_EQ_INT(r.unit_id, 3);
	T_EQ_INT(r.shown_at, T);
	/* same day 16:00 */
	T_EQ_INT(r.due_at, local_to_utc(TZ, 2027, 3, 10, 16, 0));
	T_EQ_INT(r.needs_answer, 1);
	T_EQ_INT(r.classes, Q);
	T_EQ_STR(r.lang, "nb");
	T_ASSERT(r.triage_json && strstr(r.triage_json, "\"question\""));
	T_EQ_INT(r.version, 1);
	/* idempotent: a second intake adds nothing */
	T_EQ_INT(inbox_intake_triaged(db, a, &tr, T + 120, &added), KV_OK);
	T_EQ_INT(added, 0);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM inbox"), 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM inbox_log WHERE kind = "
	                   "'added'"),
	         1);
	/* the intake is audited */
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM audit WHERE action = "
	                   "'intake' AND object_type = 'inbox_item'"),
	         1);
	/* our own post and an inbound post are no inbox items */
	post = capture(db, CH_LIB, "p-1", ITEM_POST, 0, "nb",
	               "Biblioteket holder stengt i påsken. God påske! 🐣", T);
	T_EQ_INT(inbox_intake_triaged(db, post, &tr, T + 60, &added), KV_OK);
	T_EQ_INT(added, 0);
	b = capture(db, CH_KUL, "p-2", ITEM_POST, 1, "en",
	            "Great concert last night!", T);
	T_EQ_INT(inbox_intake_triaged(db, b, &tr, T + 60, &added), KV_OK);
	T_EQ_INT(added, 0);
	/* our own reply neither */
	b = capture(db, CH_LIB, "r-1", ITEM_REPLY, 0, "nb",
	            "Vi åpner tirsdag 30. mars kl. 10 🙂 – Tor Einar, "
	            "biblioteksjef",
	            T + 600);
	T_EQ_INT(inbox_intake_triaged(db, b, &tr, T + 660, &added), KV_OK);
	T_EQ_INT(added, 0);
	/* a DM and a mention are */
	dm = capture(db, CH_OPP, "dm-1", ITEM_DM, 1, "sv",
	             "Hej! Min dotter ska börja i årskurs 1 i höst, var "
	             "anmäler man skolskjuts?",
	             T);
	T_EQ_INT(inbox_intake_triaged(db, dm, &tr, T + 60, &added), KV_OK);
	T_EQ_INT(added, 1);
	b = capture(db, CH_KUL, "m-1", ITEM_MENTION, 1, "da",
	            "@kultur hvornår kommer billetterne til koncerten i "
	            "salg?",
	            T);
	T_EQ_INT(inbox_intake_triaged(db, b, &tr, T + 60, &added), KV_OK);
	T_EQ_INT(added, 1);
	/* an item shown more than a week ago enters as history */
	old = capture(db, CH_LIB, "c-old", ITEM_COMMENT, 1, "nn",
	              "Kvifor har de ikkje ope på laurdagar? Det er det "
	              "einaste tidspunktet eg har fri",
	              T - 8 * 86400);
	T_EQ_INT(inbox_intake_triaged(db, old, &tr, T, &added), KV_OK);
	T_EQ_INT(added, 1);
	r = get_row(db, &ar, old);
	T_EQ_INT(r.state, IS_NO_ANSWER);
	T_EQ_STR(r.no_answer_reason, "history");
	T_EQ_INT(r.assignee_id, 0);
	/* six days is still work */
	old = capture(db, CH_LIB, "c-6d", ITEM_COMMENT, 1, "nb",
	              "Hvorfor er det så dårlig wifi på biblioteket??",
	              T - 6 * 86400);
	T_EQ_INT(inbox_intake_triaged(db, old, &tr, T, &added), KV_OK);
	r = get_row(db, &ar, old);
	T_EQ_INT(r.state, IS_NEW);
	/* unknown item */
	T_EQ_INT(inbox_intake_triaged(db, 99999, &tr, T, &added), KV_NOTFOUND);
	T_EQ_INT(added, 0);
	arena_free(&ar);
	t_db_done(db);
}

T_TEST(intake_sqlite)
{
	intake(DB_SQLITE);
}
T_TEST(intake_pg)
{
	intake(DB_PG);
}

/* --- routing -----------------------------------------------------------------
 */

static int64_t
topic(struct db *db, struct arena *ar, const char *name, const char *kw,
      const int64_t *people, int n)
{
	struct actor adm = who(db, ar, P_ADMIN);
	struct inbox_topic t;
	struct verrs v = {0};
	memset(&t, 0, sizeof(t));
	t.name = name;
	t.keywords = kw;
	T_EQ_INT(inbox_topic_create(db, ar, &adm, &t, &v), KV_OK);
	T_EQ_INT(inbox_topic_set_people(db, ar, &adm, t.id, people, n, &v),
	         KV_OK);
	return t.id;
}

static void
shift(struct db *db, int64_t ch, int64_t person, int64_t from, int64_t to)
{
	T_EQ_INT(db_run(db,
	                "INSERT INTO shifts (org_id, channel_id, person_id, "
	                "starts_at, ends_at, created_at) VALUES (1, ?, ?, ?, "
	                "?, 0)",
	                "iiii", ch, person, from, to),
	         0);
}

static void
routing(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct inbox_row r;
	int64_t T = t0(), lib, bus, b, c, d, e;
	int64_t lise[] = {P_LISE};
	if (db == NULL)
		return;
	arena_init(&ar);
	lib = topic(db, &ar, "Bibliotek", "bibliotek|lån|e-bok", lise, 1);
	bus = topic(db, &ar, "Skoleskyss", "skolebuss|skoleskyss", lise, 1);
	/* Lise and Tor watch the library page this morning */
	shift(db, CH_LIB, P_LISE, T - 3600, T + 7 * 3600);
	shift(db, CH_LIB, P_TOR, T - 3600, T + 7 * 3600);

	/* nynorsk, inflected: "låne" and "biblioteket" → topic Bibliotek,
	 * Lise has the competence and is on watch */
	b = arrive(db, CH_LIB, "c-b", "nn",
	           "Kan eg låne e-bøker frå biblioteket på mobilen? Finn "
	           "ikkje appen",
	           Q, T, T + 60);
	r = get_row(db, &ar, b);
	T_EQ_INT(r.topic_id, lib);
	T_EQ_STR(r.topic_name, "Bibliotek");
	T_EQ_INT(r.assignee_id, P_LISE);
	T_EQ_INT(r.state, IS_ASSIGNED);
	T_EQ_INT(notes_for(db, P_LISE, "inbox_assigned"), 1);
	T_EQ_INT(count_i(db,
	                 "SELECT COUNT(*) FROM notifications WHERE link = "
	                 "'/inbox/' || CAST(? AS TEXT)",
	                 b),
	         1);

	/* a school-bus question on Oppvekst: Lise knows the topic and is on
	 * watch, but may not see Oppvekst's channel; nobody watches it →
	 * new, unassigned */
	d = arrive(db, CH_OPP, "c-d", "nb",
	           "Går skolebussen som vanlig i morgen? Det er meldt mye snø "
	           "❄️",
	           Q, T, T + 60);
	r = get_row(db, &ar, d);
	T_EQ_INT(r.topic_id, bus);
	T_EQ_INT(r.assignee_id, 0);
	T_EQ_INT(r.state, IS_NEW);
	T_EQ_INT(r.unit_id, 4);

	/* Lise is ill from 10:00: a library question then goes to whoever
	 * watches the channel (Tor) */
	T_EQ_INT(db_run(db,
	                "INSERT INTO absences (org_id, person_id, kind, "
	                "starts_at, ends_at, created_at) VALUES (1, ?, 'sick', "
	                "?, ?, 0)",
	                "iii", (int64_t)P_LISE, T + 3600, T + 86400),
	         0);
	c = arrive(db, CH_LIB, "c-c", "nb",
	           "Hei, har lånt en bok på biblioteket som var skadet. Hva "
	           "gjør jeg? 😬",
	           Q, T + 3700, T + 3720);
	r = get_row(db, &ar, c);
	T_EQ_INT(r.topic_id, lib);
	T_EQ_INT(r.assignee_id, P_TOR);
	/* no topic: the person on watch (Tor; Lise is away) */
	e = arrive(db, CH_LIB, "c-e", "en",
	           "Do you have any events for kids during the winter "
	           "holiday?",
	           Q, T + 3800, T + 3820);
	r = get_row(db, &ar, e);
	T_EQ_INT(r.topic_id, 0);
	T_EQ_INT(r.assignee_id, P_TOR);
	/* in the evening nobody is on watch */
	e = arrive(db, CH_LIB, "c-f", "da",
	           "Hvad koster det at få et lånerkort? Jeg er lige flyttet "
	           "hertil",
	           Q, T + 10 * 3600, T + 10 * 3600 + 30);
	r = get_row(db, &ar, e);
	T_EQ_INT(r.topic_id, 0); /* whole stems: "lånerkort" is no "lån" */
	T_EQ_INT(r.assignee_id, 0);
	T_EQ_INT(r.state, IS_NEW);
	arena_free(&ar);
	t_db_done(db);
}

T_TEST(routing_sqlite)
{
	routing(DB_SQLITE);
}
T_TEST(routing_pg)
{
	routing(DB_PG);
}

/* --- who sees and works what
 * ---------------------------------------------------
 */

/* Items the person sees with the default filter (open and closed). */
static int
sees(struct db *db, struct arena *ar, int64_t person, int64_t *total)
{
	struct actor a = who(db, ar, person);
	struct inbox_filter f;
	struct inbox_row *rows;
	int n = -1;
	memset(&f, 0, sizeof(f));
	f.state = IS__COUNT;
	f.cls = -1;
	T_EQ_INT(inbox_list(db, ar, &a, &f, &rows, &n, total), KV_OK);
	return n;
}

static void
authz(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct actor tor, per, marit, berit, ola, anne, jon;
	struct inbox_row r;
	struct inbox_mark m;
	struct verrs v = {0};
	int64_t T = t0(), lib, opp, kul, total = 0;
	if (db == NULL)
		return;
	arena_init(&ar);
	lib = arrive(db, CH_LIB, "c-1", "nb",
	             "Har dere lydbøker på arabisk? Spør for en venninne", Q, T,
	             T + 60);
	opp = arrive(db, CH_OPP, "c-2", "nb",
	             "Når kommer svar på søknad om barnehageplass?? Venta i "
	             "over en måned nå 😤",
	             Q | CO, T, T + 60);
	kul = arrive(db, CH_KUL, "c-3", "sv",
	             "Hej! Finns det fortfarande biljetter till jazzkvällen på "
	             "lördag?",
	             Q, T, T + 60);
	tor = who(db, &ar, P_TOR);
	per = who(db, &ar, P_PER);
	marit = who(db, &ar, P_MARIT);
	berit = who(db, &ar, P_BERIT);
	ola = who(db, &ar, P_OLA);
	anne = who(db, &ar, P_ANNE);
	jon = who(db, &ar, P_JON);

	/* an editor of the library sees the library only */
	T_EQ_INT(sees(db, &ar, P_TOR, &total), 1);
	T_EQ_INT(total, 1);
	T_EQ_INT(inbox_get(db, &ar, &tor, lib, &r), KV_OK);
	T_EQ_INT(inbox_get(db, &ar, &tor, opp, &r), KV_NOTFOUND);
	T_EQ_INT(inbox_get(db, &ar, &tor, kul, &r), KV_NOTFOUND);
	/* the Kultur manager: Kultur and the library below it */
	T_EQ_INT(sees(db, &ar, P_PER, &total), 2);
	T_EQ_INT(inbox_get(db, &ar, &per, lib, &r), KV_OK);
	T_EQ_INT(inbox_get(db, &ar, &per, opp, &r), KV_NOTFOUND);
	/* Oppvekst sees Oppvekst only */
	T_EQ_INT(sees(db, &ar, P_MARIT, &total), 1);
	T_EQ_INT(inbox_get(db, &ar, &marit, lib, &r), KV_NOTFOUND);
	/* org-wide grants see everything; no role sees nothing */
	T_EQ_INT(sees(db, &ar, P_BERIT, &total), 3);
	T_EQ_INT(sees(db, &ar, P_ANNE, &total), 3);
	T_EQ_INT(sees(db, &ar, P_OLA, &total), 0);
	T_EQ_INT(inbox_get(db, &ar, &ola, lib, &r), KV_NOTFOUND);

	/* working: the auditor sees but may not work; hidden items are
	 * not found */
	memset(&m, 0, sizeof(m));
	m.state = IS_NO_ANSWER;
	m.reason = "Spam";
	m.outcome = m.hard = -1;
	m.topic_id = -1;
	T_EQ_INT(inbox_work_get(db, &ar, &berit, lib, &r), KV_FORBIDDEN);
	T_EQ_INT(inbox_mark(db, &ar, &berit, lib, &m, &v), KV_FORBIDDEN);
	T_EQ_INT(inbox_assign(db, &ar, &berit, lib, P_TOR, &v), KV_FORBIDDEN);
	T_EQ_INT(inbox_note_add(db, &ar, &berit, lib, "Sjekk dette", &v),
	         KV_FORBIDDEN);
	T_EQ_INT(inbox_mark(db, &ar, &marit, lib, &m, &v), KV_NOTFOUND);
	T_EQ_INT(inbox_assign(db, &ar, &ola, opp, P_OLA, &v), KV_NOTFOUND);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM inbox_log WHERE kind <> "
	                   "'added'"),
	         0);
	T_EQ_INT(inbox_work_get(db, &ar, &tor, lib, &r), KV_OK);
	T_EQ_INT(inbox_work_get(db, &ar, &per, lib, &r), KV_OK);
	T_EQ_INT(inbox_work_get(db, &ar, &anne, opp, &r), KV_OK);
	T_EQ_INT(inbox_work_get(db, &ar, &jon, opp, &r), KV_OK);
	T_EQ_INT(inbox_work_get(db, &ar, &jon, kul, &r), KV_NOTFOUND);

	/* the assignee must see the channel */
	T_EQ_INT(inbox_assign(db, &ar, &tor, lib, P_MARIT, &v), KV_INVALID);
	T_ASSERT(verr_for(&v, "assignee_id") != NULL);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(inbox_assign(db, &ar, &tor, lib, 4242, &v), KV_INVALID);
	memset(&v, 0, sizeof(v));
	/* comms hands the Oppvekst item to Jon; the Kultur manager hands
	 * the library item to Tor */
	T_EQ_INT(inbox_assign(db, &ar, &anne, opp, P_JON, &v), KV_OK);
	T_EQ_INT(inbox_assign(db, &ar, &per, lib, P_TOR, &v), KV_OK);
	T_EQ_INT(notes_for(db, P_JON, "inbox_assigned"), 1);
	T_EQ_INT(notes_for(db, P_TOR, "inbox_assigned"), 1);
	/* the list filters */
	{
		struct inbox_filter f;
		struct inbox_row *rows;
		int n;
		memset(&f, 0, sizeof(f));
		f.state = -1;
		f.cls = -1;
		f.mine = 1;
		T_EQ_INT(inbox_list(db, &ar, &jon, &f, &rows, &n, &total),
		         KV_OK);
		T_EQ_INT(n, 1);
		T_EQ_INT(n ? rows[0].item.id : 0, opp);
		f.mine = 0;
		f.cls = TC_COMPLAINT;
		T_EQ_INT(inbox_list(db, &ar, &anne, &f, &rows, &n, &total),
		         KV_OK);
		T_EQ_INT(n, 1);
		f.cls = -1;
		f.unit_id = 2; /* Kultur and below */
		T_EQ_INT(inbox_list(db, &ar, &anne, &f, &rows, &n, &total),
		         KV_OK);
		T_EQ_INT(n, 2);
		f.unit_id = 0;
		f.channel_id = CH_KUL;
		T_EQ_INT(inbox_list(db, &ar, &anne, &f, &rows, &n, &total),
		         KV_OK);
		T_EQ_INT(n, 1);
		f.channel_id = 0;
		f.q = "arabisk";
		T_EQ_INT(inbox_list(db, &ar, &anne, &f, &rows, &n, &total),
		         KV_OK);
		T_EQ_INT(n, 1);
		T_EQ_INT(n ? rows[0].item.id : 0, lib);
		T_EQ_INT(total, 1);
		f.q = "biljetter";
		T_EQ_INT(inbox_list(db, &ar, &tor, &f, &rows, &n, &total),
		         KV_OK);
		T_EQ_INT(n, 0); /* Kultur's item: not Tor's to see */
		f.q = NULL;
		f.overdue = 1;
		f.now = T + 3600;
		T_EQ_INT(inbox_list(db, &ar, &anne, &f, &rows, &n, &total),
		         KV_OK);
		T_EQ_INT(n, 0);
		f.now = local_to_utc(TZ, 2027, 3, 10, 16, 1);
		T_EQ_INT(inbox_list(db, &ar, &anne, &f, &rows, &n, &total),
		         KV_OK);
		T_EQ_INT(n, 3);
	}
	arena_free(&ar);
	t_db_done(db);
}

T_TEST(authz_sqlite)
{
	authz(DB_SQLITE);
}
T_TEST(authz_pg)
{
	authz(DB_PG);
}

/* --- states
 * --------------------------------------------------------------------
 */

static void
no_change(struct inbox_mark *m)
{
	memset(m, 0, sizeof(*m));
	m->state = -1;
	m->outcome = -1;
	m->hard = -1;
	m->topic_id = -1;
}

static void
states(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct actor tor, lise, per;
	struct inbox_row r;
	struct inbox_mark m;
	struct verrs v = {0};
	struct inbox_note *notes;
	int n;
	int64_t T = t0(), a, b, c, logs;
	if (db == NULL)
		return;
	arena_init(&ar);
	tor = who(db, &ar, P_TOR);
	lise = who(db, &ar, P_LISE);
	per = who(db, &ar, P_PER);
	a = arrive(db, CH_LIB, "c-a", "nb",
	           "Hvorfor er selvbetjeningsautomaten alltid ute av drift?? "
	           "Tredje gang denne uka",
	           CO, T, T + 60);
	b = arrive(db, CH_LIB, "c-b", "nb",
	           "Dere er de beste! Takk for lesestunden i går 🥰", PR, T,
	           T + 60);
	c = arrive(db, CH_LIB, "c-c", "nb",
	           "Jeg vil klage på et gebyr jeg fikk, kan noen se på saken "
	           "min? Lånenummer 1234",
	           CR | CO, T, T + 60);

	/* new → assigned (Tor gives it to Lise) */
	T_EQ_INT(inbox_assign(db, &ar, &tor, a, P_LISE, &v), KV_OK);
	r = get_row(db, &ar, a);
	T_EQ_INT(r.state, IS_ASSIGNED);
	T_EQ_INT(r.assignee_id, P_LISE);
	T_EQ_INT(r.version, 2);
	T_EQ_INT(notes_for(db, P_LISE, "inbox_assigned"), 1);
	/* the assignee may now work it (she is an editor anyway) and note */
	T_EQ_INT(inbox_note_add(db, &ar, &lise, a,
	                        "Sjekket med leverandøren, ny automat kommer i "
	                        "april.\nSvarer i dag.",
	                        &v),
	         KV_OK);
	T_EQ_INT(inbox_note_add(db, &ar, &lise, a, "", &v), KV_INVALID);
	T_ASSERT(verr_for(&v, "text") != NULL);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(inbox_note_list(db, &ar, &tor, a, &notes, &n), KV_OK);
	T_EQ_INT(n, 1);
	T_EQ_STR(n ? notes[0].author : NULL, "Lise Berg");
	/* no_answer needs a reason; the refusal writes nothing */
	logs = count(db, "SELECT COUNT(*) FROM inbox_log");
	no_change(&m);
	m.state = IS_NO_ANSWER;
	T_EQ_INT(inbox_mark(db, &ar, &tor, b, &m, &v), KV_INVALID);
	T_ASSERT(verr_for(&v, "reason") != NULL);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM inbox_log"), logs);
	T_EQ_INT(get_row(db, &ar, b).version, 1);
	/* new → no_answer */
	m.reason = "Ros – trenger ikke svar, men liker innlegget";
	T_EQ_INT(inbox_mark(db, &ar, &tor, b, &m, &v), KV_OK);
	r = get_row(db, &ar, b);
	T_EQ_INT(r.state, IS_NO_ANSWER);
	T_EQ_STR(r.no_answer_reason,
	         "Ros – trenger ikke svar, men liker innlegget");
	/* no_answer → reopened (no assignee: new) */
	no_change(&m);
	m.state = IS_NEW;
	T_EQ_INT(inbox_mark(db, &ar, &per, b, &m, &v), KV_OK);
	r = get_row(db, &ar, b);
	T_EQ_INT(r.state, IS_NEW);
	T_EQ_STR(r.no_answer_reason, NULL);
	/* assigned → unassigned → new */
	T_EQ_INT(inbox_assign(db, &ar, &tor, a, 0, &v), KV_OK);
	T_EQ_INT(get_row(db, &ar, a).state, IS_NEW);
	T_EQ_INT(inbox_assign(db, &ar, &tor, a, P_TOR, &v), KV_OK);
	T_EQ_INT(notes_for(db, P_TOR, "inbox_assigned"), 0); /* himself */
	/* answered elsewhere (by phone), outcome helped */
	no_change(&m);
	m.state = IS_ANSWERED;
	m.outcome = IO_HELPED;
	T_EQ_INT(inbox_mark(db, &ar, &tor, a, &m, &v), KV_OK);
	r = get_row(db, &ar, a);
	T_EQ_INT(r.state, IS_ANSWERED);
	T_EQ_INT(r.outcome, IO_HELPED);
	T_ASSERT(r.answered_at > 0);
	T_EQ_INT(r.answered_by, P_TOR);
	/* answered → reopened: assigned again (Tor) */
	no_change(&m);
	m.state = IS_NEW;
	T_EQ_INT(inbox_mark(db, &ar, &tor, a, &m, &v), KV_OK);
	T_EQ_INT(get_row(db, &ar, a).state, IS_ASSIGNED);
	/* outcomes removed/registry and other states are not for marking */
	no_change(&m);
	m.outcome = IO_REMOVED;
	T_EQ_INT(inbox_mark(db, &ar, &tor, a, &m, &v), KV_INVALID);
	memset(&v, 0, sizeof(v));
	no_change(&m);
	m.state = IS_REMOVED;
	T_EQ_INT(inbox_mark(db, &ar, &tor, a, &m, &v), KV_INVALID);
	memset(&v, 0, sizeof(v));

	/* the action layer: a reply, in its own transaction */
	T_EQ_INT(db_begin(db), 0);
	T_EQ_INT(inbox_record_action(db, &tor, a, IS_ANSWERED, -1, T + 5400,
	                             "reply 10231_99"),
	         KV_OK);
	T_EQ_INT(db_commit(db), 0);
	r = get_row(db, &ar, a);
	T_EQ_INT(r.state, IS_ANSWERED);
	/* the first answer (marked earlier) stays the first; reopening
	 * cleared the outcome, so the reply's default applies */
	T_ASSERT(r.answered_at != T + 5400);
	T_EQ_INT(r.outcome, IO_ANSWERED);
	/* a fresh item: the reply sets answered_at = at */
	T_EQ_INT(db_begin(db), 0);
	T_EQ_INT(inbox_record_action(db, &tor, b, IS_ANSWERED, IO_NONE,
	                             T + 1800, "reply"),
	         KV_OK);
	T_EQ_INT(db_commit(db), 0);
	r = get_row(db, &ar, b);
	T_EQ_INT(r.answered_at, T + 1800);
	T_EQ_INT(r.outcome, IO_ANSWERED);
	/* a rolled-back action leaves nothing */
	logs = count(db, "SELECT COUNT(*) FROM inbox_log");
	T_EQ_INT(db_begin(db), 0);
	T_EQ_INT(
	    inbox_record_action(db, &tor, c, IS_REMOVED, -1, T + 100, "hidden"),
	    KV_OK);
	db_rollback(db);
	T_EQ_INT(get_row(db, &ar, c).state, IS_NEW);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM inbox_log"), logs);
	/* to the registry, then its journal reference */
	T_EQ_INT(inbox_record_action(db, &tor, c, IS_REGISTRY, -1, T + 200,
	                             "postmottak@meldal.kommune.example"),
	         KV_OK);
	T_EQ_INT(inbox_record_journal(db, &tor, c, "2027/00123-1", T + 86400),
	         KV_OK);
	r = get_row(db, &ar, c);
	T_EQ_INT(r.state, IS_REGISTRY);
	T_EQ_INT(r.outcome, IO_REGISTRY);
	T_EQ_STR(r.journal_ref, "2027/00123-1");
	T_EQ_INT(inbox_record_journal(db, &tor, c, "", T), KV_INVALID);
	/* registry items cannot be reopened */
	no_change(&m);
	m.state = IS_NEW;
	T_EQ_INT(inbox_mark(db, &ar, &tor, c, &m, &v), KV_CONFLICT);
	T_ASSERT(verr_for(&v, "state") != NULL);
	memset(&v, 0, sizeof(v));
	/* removal */
	T_EQ_INT(inbox_record_action(db, &tor, b, IS_REMOVED, -1, T + 300,
	                             "ground spam"),
	         KV_OK);
	r = get_row(db, &ar, b);
	T_EQ_INT(r.state, IS_REMOVED);
	T_EQ_INT(r.outcome, IO_REMOVED);
	T_EQ_INT(inbox_record_action(db, &tor, b, IS_NEW, -1, T, ""),
	         KV_INVALID);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM inbox_log WHERE kind IN "
	                   "('reply', 'removed', 'registry', 'journal')"),
	         5);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM audit WHERE object_type = "
	                   "'inbox_item' AND action IN ('reply', 'removed', "
	                   "'registry', 'journal')"),
	         5);

	/* a class decision is a label the classifier learns from */
	no_change(&m);
	m.set_classes = 1;
	m.classes = PR;
	m.ground = AG_THREAT; /* a ground without abuse */
	T_EQ_INT(inbox_mark(db, &ar, &tor, a, &m, &v), KV_INVALID);
	T_ASSERT(verr_for(&v, "abuse_ground") != NULL);
	memset(&v, 0, sizeof(v));
	m.classes = 0;
	m.ground = AG_NONE;
	T_EQ_INT(inbox_mark(db, &ar, &tor, a, &m, &v), KV_INVALID);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM triage_labels"), 0);
	m.classes = AB | CO;
	m.ground = AG_PERSONAL_ATTACK;
	m.hard = 1;
	T_EQ_INT(inbox_mark(db, &ar, &tor, a, &m, &v), KV_OK);
	r = get_row(db, &ar, a);
	T_EQ_INT(r.classes, AB | CO);
	T_EQ_INT(r.ground, AG_PERSONAL_ATTACK);
	T_EQ_INT(r.needs_answer, 1);
	T_EQ_INT(r.hard, 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM triage_labels"), 1);
	T_EQ_INT(count_i(db,
	                 "SELECT labels FROM triage_labels WHERE item_id = ?",
	                 a),
	         AB | CO);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM triage_labels WHERE ground = "
	                   "'personal_attack' AND person_id = 3 AND version "
	                   "= 1"),
	         1);
	T_EQ_INT(count(db, "SELECT epoch FROM triage_epochs WHERE org_id = 1"),
	         1);
	m.classes = PR;
	m.ground = AG_NONE;
	m.hard = 0;
	T_EQ_INT(inbox_mark(db, &ar, &tor, a, &m, &v), KV_OK);
	r = get_row(db, &ar, a);
	T_EQ_INT(r.needs_answer, 0);
	T_EQ_INT(r.hard, 0);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM triage_labels"), 2);
	T_EQ_INT(count(db, "SELECT epoch FROM triage_epochs WHERE org_id = 1"),
	         2);
	/* topics: a bad one refused */
	no_change(&m);
	m.topic_id = 777;
	T_EQ_INT(inbox_mark(db, &ar, &tor, a, &m, &v), KV_INVALID);
	memset(&v, 0, sizeof(v));
	/* append-only tables */
	T_ASSERT(db_run(db, "UPDATE inbox_log SET kind = 'x'", "") != 0);
	T_ASSERT(db_run(db, "DELETE FROM inbox_log", "") != 0);
	T_ASSERT(db_run(db, "DELETE FROM triage_labels", "") != 0);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM triage_labels"), 2);
	arena_free(&ar);
	t_db_done(db);
}

T_TEST(states_sqlite)
{
	states(DB_SQLITE);
}
T_TEST(states_pg)
{
	states(DB_PG);
}

/* --- two moderators at once
 * -----------------------------------------------------
 */

static void
conflicts(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct actor tor, per;
	struct inbox_row r;
	struct inbox_mark m;
	struct verrs v = {0};
	int64_t T = t0(), a, ver;
	if (db == NULL)
		return;
	arena_init(&ar);
	tor = who(db, &ar, P_TOR);
	per = who(db, &ar, P_PER);
	a = arrive(db, CH_LIB, "c-a", "nb",
	           "Kommer det flere eksemplarer av den nye Jo Nesbø? Står "
	           "som nr 47 i køen 🙈",
	           Q, T, T + 60);
	ver = get_row(db, &ar, a).version;
	/* both opened version 1; Tor marks first */
	no_change(&m);
	m.state = IS_NO_ANSWER;
	m.reason = "Besvart på telefon";
	m.if_version = ver;
	T_EQ_INT(inbox_mark(db, &ar, &tor, a, &m, &v), KV_OK);
	/* Per's assignment from the same version is refused */
	T_EQ_INT(inbox_assign_if(db, &ar, &per, a, P_LISE, ver, &v),
	         KV_CONFLICT);
	T_ASSERT(verr_for(&v, "version") != NULL);
	memset(&v, 0, sizeof(v));
	no_change(&m);
	m.state = IS_ANSWERED;
	m.if_version = ver;
	T_EQ_INT(inbox_mark(db, &ar, &per, a, &m, &v), KV_CONFLICT);
	memset(&v, 0, sizeof(v));
	r = get_row(db, &ar, a);
	T_EQ_INT(r.state, IS_NO_ANSWER);
	T_EQ_INT(r.assignee_id, 0);
	T_EQ_INT(r.version, ver + 1);
	T_EQ_INT(notes_for(db, P_LISE, "inbox_assigned"), 0);
	/* with the current version it goes through */
	T_EQ_INT(inbox_assign_if(db, &ar, &per, a, P_LISE, r.version, &v),
	         KV_OK);
	/* a stale write that got past the read still loses: the row moved
	 * on between inbox_get and the UPDATE (simulated by bumping it) */
	T_EQ_INT(db_run(db,
	                "UPDATE inbox SET version = version + 5 WHERE item_id "
	                "= ?",
	                "i", a),
	         0);
	T_EQ_INT(inbox_assign_if(db, &ar, &per, a, P_TOR, r.version + 1, &v),
	         KV_CONFLICT);
	arena_free(&ar);
	t_db_done(db);
}

T_TEST(conflict_sqlite)
{
	conflicts(DB_SQLITE);
}
T_TEST(conflict_pg)
{
	conflicts(DB_PG);
}

/* --- the change log
 * ---------------------------------------------------------------
 */

static void
changes(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct actor tor, marit, anne;
	struct inbox_change *ch;
	struct verrs v = {0};
	int n;
	int64_t T = t0(), a, b, last = 0, mid;
	if (db == NULL)
		return;
	arena_init(&ar);
	tor = who(db, &ar, P_TOR);
	marit = who(db, &ar, P_MARIT);
	anne = who(db, &ar, P_ANNE);
	a = arrive(db, CH_LIB, "c-a", "nb", "Er det gratis å låne PC?", Q, T,
	           T + 60);
	b = arrive(db, CH_OPP, "c-b", "nb",
	           "Kor mange plassar er det att på SFO til hausten?", Q, T,
	           T + 60);
	T_EQ_INT(inbox_changes(db, &ar, &tor, 0, 100, &ch, &n, &last), KV_OK);
	T_EQ_INT(n, 1);
	T_EQ_INT(n ? ch[0].item_id : 0, a);
	T_EQ_STR(n ? ch[0].kind : NULL, "added");
	T_EQ_INT(last, 2);
	mid = last;
	T_EQ_INT(inbox_assign(db, &ar, &anne, b, P_MARIT, &v), KV_OK);
	T_EQ_INT(inbox_note_add(db, &ar, &tor, a, "Ja, 2 timer om dagen", &v),
	         KV_OK);
	T_EQ_INT(inbox_changes(db, &ar, &marit, mid, 100, &ch, &n, &last),
	         KV_OK);
	T_EQ_INT(n, 1);
	T_EQ_STR(n ? ch[0].kind : NULL, "assigned");
	T_EQ_INT(n ? ch[0].actor_id : 0, P_ANNE);
	T_EQ_INT(last, 4);
	T_EQ_INT(inbox_changes(db, &ar, &anne, 0, 100, &ch, &n, &last), KV_OK);
	T_EQ_INT(n, 4);
	T_EQ_INT(inbox_changes(db, &ar, &anne, 0, 2, &ch, &n, &last), KV_OK);
	T_EQ_INT(n, 2);
	T_EQ_INT(n == 2 ? ch[1].seq : 0, 2);
	{
		json_t *j = inbox_change_json(&ch[0]);
		T_EQ_STR(json_string_value(json_object_get(j, "kind")),
		         "added");
		json_decref(j);
	}
	arena_free(&ar);
	t_db_done(db);
}

T_TEST(changes_sqlite)
{
	changes(DB_SQLITE);
}
T_TEST(changes_pg)
{
	changes(DB_PG);
}

/* --- escalation
 * ----------------------------------------------------------------
 */

static void
escalation(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct actor adm, tor;
	struct inbox_policy p;
	struct inbox_mark m;
	struct verrs v = {0};
	int64_t T = t0(), due, a, b, c;
	int raised = -1;
	if (db == NULL)
		return;
	arena_init(&ar);
	adm = who(db, &ar, P_ADMIN);
	tor = who(db, &ar, P_TOR);
	T_EQ_INT(inbox_policy_get(db, &ar, &adm, &p), KV_OK);
	p.comms_unit_id = 5;
	p.escalate_after_min = 120;
	T_EQ_INT(inbox_policy_set(db, &ar, &adm, &p, &v), KV_OK);
	a = arrive(db, CH_LIB, "c-a", "nb",
	           "Hallo?? Ingen som svarer her? Har spurt om åpningstider i "
	           "to dager nå",
	           Q | CO, T, T + 60);
	/* praise needs no answer: never escalates */
	b = arrive(db, CH_LIB, "c-b", "nn", "Så fin utstilling de har no! 👏",
	           PR, T, T + 60);
	/* answered in time: never escalates */
	c = arrive(db, CH_LIB, "c-c", "en",
	           "Can I return books at the Løkken branch?", Q, T, T + 60);
	T_EQ_INT(inbox_record_action(db, &tor, c, IS_ANSWERED, -1, T + 3600,
	                             "reply"),
	         KV_OK);
	due = get_row(db, &ar, a).due_at;
	T_EQ_INT(due, local_to_utc(TZ, 2027, 3, 10, 16, 0));

	/* before due: nothing */
	T_EQ_INT(inbox_escalate_pass(db, due - 60, &raised), 0);
	T_EQ_INT(raised, 0);
	/* an hour late: level 1, the Kultur manager (a unit above the
	 * library) */
	T_EQ_INT(inbox_escalate_pass(db, due + 3600, &raised), 0);
	T_EQ_INT(raised, 1);
	T_EQ_INT(notes_for(db, P_PER, "inbox_escalated"), 1);
	T_EQ_INT(notes_for(db, P_ANNE, "inbox_escalated"), 0);
	T_EQ_INT(get_row(db, &ar, a).escalation, 1);
	T_EQ_INT(get_row(db, &ar, a).version, 1); /* If-Match stays valid */
	/* again: nothing new */
	T_EQ_INT(inbox_escalate_pass(db, due + 5400, &raised), 0);
	T_EQ_INT(raised, 0);
	/* two hours past due: level 2, the comms unit's people (Anne, and
	 * the administrator and the archivist who sit there) */
	T_EQ_INT(inbox_escalate_pass(db, due + 7201, &raised), 0);
	T_EQ_INT(raised, 3);
	T_EQ_INT(notes_for(db, P_ANNE, "inbox_escalated"), 1);
	T_EQ_INT(notes_for(db, P_ADMIN, "inbox_escalated"), 1);
	T_EQ_INT(notes_for(db, P_BERIT, "inbox_escalated"), 1);
	T_EQ_INT(get_row(db, &ar, a).escalation, 2);
	T_EQ_INT(inbox_escalate_pass(db, due + 86400, &raised), 0);
	T_EQ_INT(raised, 0);
	T_EQ_INT(notes_for(db, P_PER, "inbox_escalated"), 1);
	T_EQ_INT(get_row(db, &ar, b).escalation, 0);
	T_EQ_INT(get_row(db, &ar, c).escalation, 0);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM inbox_log WHERE kind = "
	                   "'escalated'"),
	         2);

	/* an Oppvekst item found three hours late: both levels at once;
	 * without a comms unit in the policy, the org-wide comms role */
	p.comms_unit_id = 0;
	T_EQ_INT(inbox_policy_set(db, &ar, &adm, &p, &v), KV_OK);
	b = arrive(db, CH_OPP, "c-d", "sv",
	           "Varför har ni inte svarat på min fråga om förskolan? "
	           "Dåligt!",
	           Q | CO, T, T + 60);
	T_EQ_INT(inbox_escalate_pass(db, due + 3 * 3600, &raised), 0);
	T_EQ_INT(raised, 2);
	T_EQ_INT(notes_for(db, P_JON, "inbox_escalated"), 1);
	T_EQ_INT(notes_for(db, P_ANNE, "inbox_escalated"), 2);
	T_EQ_INT(notes_for(db, P_BERIT, "inbox_escalated"), 1);
	T_EQ_INT(get_row(db, &ar, b).escalation, 2);
	/* marked no answer needed before it was late: no escalation */
	c = arrive(db, CH_KUL, "c-e", "nb", "Hvem vant konkurransen?", Q, T,
	           T + 60);
	no_change(&m);
	m.state = IS_NO_ANSWER;
	m.reason = "Vinneren er kontaktet på melding";
	T_EQ_INT(inbox_mark(db, &ar, &adm, c, &m, &v), KV_OK);
	T_EQ_INT(inbox_escalate_pass(db, due + 4 * 3600, &raised), 0);
	T_EQ_INT(raised, 0);
	T_EQ_INT(get_row(db, &ar, c).escalation, 0);
	arena_free(&ar);
	t_db_done(db);
}

T_TEST(escalation_sqlite)
{
	escalation(DB_SQLITE);
}
T_TEST(escalation_pg)
{
	escalation(DB_PG);
}

/* --- reports
 * ---------------------------------------------------------------------
 */

static void
stats(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct actor tor, anne;
	struct inbox_stats s;
	struct inbox_mark m;
	struct verrs v = {0};
	int64_t T = t0(), due = local_to_utc(TZ, 2027, 3, 10, 16, 0);
	int64_t a, b, c, d, e;
	json_t *j;
	if (db == NULL)
		return;
	arena_init(&ar);
	tor = who(db, &ar, P_TOR);
	anne = who(db, &ar, P_ANNE);
	a = arrive(db, CH_LIB, "s-a", "nb", "Har dere sjakkbrett til utlån?", Q,
	           T, T + 60);
	b = arrive(db, CH_LIB, "s-b", "nb",
	           "Hvorfor stengte dere kl 15 i dag? Sto utenfor med tre "
	           "unger",
	           CO, T, T + 60);
	c = arrive(db, CH_LIB, "s-c", "nb", "Kjøp billige solbriller her!!!",
	           AB, T, T + 60);
	d = arrive(db, CH_LIB, "s-d", "nb", "Takk for hjelpen i går!", PR, T,
	           T + 60);
	e = arrive(db, CH_LIB, "s-e", "nb", "Kan jeg reservere bøker på nett?",
	           Q, T, T + 60);
	(void)e; /* open and overdue */
	arrive(db, CH_OPP, "s-f", "nb", "Når er foreldremøtet?", Q, T, T + 60);
	/* a answered in 30 minutes, b in 9 hours (late), c removed */
	T_EQ_INT(inbox_record_action(db, &tor, a, IS_ANSWERED, IO_HELPED,
	                             T + 1800, "reply"),
	         KV_OK);
	T_EQ_INT(inbox_record_action(db, &tor, b, IS_ANSWERED, -1, T + 9 * 3600,
	                             "reply"),
	         KV_OK);
	T_EQ_INT(
	    inbox_record_action(db, &tor, c, IS_REMOVED, -1, T + 100, "spam"),
	    KV_OK);
	no_change(&m);
	m.state = IS_NO_ANSWER;
	m.reason = "Ros";
	T_EQ_INT(inbox_mark(db, &ar, &tor, d, &m, &v), KV_OK);

	T_EQ_INT(inbox_stats(db, &ar, &tor, CH_LIB, 0, T - 3600, T + 3600,
	                     due + 3600, &s),
	         KV_OK);
	T_EQ_INT(s.total, 5);
	T_EQ_INT(s.outcome[IO_HELPED], 1);
	T_EQ_INT(s.outcome[IO_ANSWERED], 1);
	T_EQ_INT(s.outcome[IO_REMOVED], 1);
	T_EQ_INT(s.no_answer, 1);
	T_EQ_INT(s.open, 1);
	T_EQ_INT(s.overdue, 1);
	/* counted: a (in time), b (late), e (overdue) */
	T_EQ_INT(s.due_counted, 3);
	T_EQ_INT(s.in_time, 1);
	T_ASSERT(s.in_time_share > 0.33 && s.in_time_share < 0.34);
	/* median of 1800 and 32400 */
	T_EQ_INT(s.median_response, (1800 + 9 * 3600) / 2);
	/* Tor does not see Oppvekst; Anne does (unit filter: Oppvekst) */
	T_EQ_INT(inbox_stats(db, &ar, &tor, 0, 0, 0, 0, due + 3600, &s), KV_OK);
	T_EQ_INT(s.total, 5);
	T_EQ_INT(inbox_stats(db, &ar, &anne, 0, 0, 0, 0, due + 3600, &s),
	         KV_OK);
	T_EQ_INT(s.total, 6);
	T_EQ_INT(inbox_stats(db, &ar, &anne, 0, 4, 0, 0, due - 3600, &s),
	         KV_OK);
	T_EQ_INT(s.total, 1);
	T_EQ_INT(s.overdue, 0);
	T_EQ_INT(s.median_response, -1);
	T_ASSERT(s.in_time_share < 0);
	j = inbox_stats_json(&s);
	T_ASSERT(json_is_null(json_object_get(j, "median_response_seconds")));
	T_EQ_INT(json_integer_value(json_object_get(j, "open")), 1);
	json_decref(j);
	/* a period with nothing in it */
	T_EQ_INT(inbox_stats(db, &ar, &anne, 0, 0, T + 86400, T + 2 * 86400,
	                     due, &s),
	         KV_OK);
	T_EQ_INT(s.total, 0);
	arena_free(&ar);
	t_db_done(db);
}

T_TEST(stats_sqlite)
{
	stats(DB_SQLITE);
}
T_TEST(stats_pg)
{
	stats(DB_PG);
}

/* --- rules, topics, saved replies, signatures, policy
 * -------------------------------
 */

static void
admin(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct actor adm, tor, anne, marit, per;
	struct triage_rule r, *rules;
	struct inbox_topic t, *topics;
	struct saved_reply sr, *srs;
	struct inbox_policy p;
	struct verrs v = {0};
	const char *sig;
	int n;
	int64_t topic_id;
	if (db == NULL)
		return;
	arena_init(&ar);
	adm = who(db, &ar, P_ADMIN);
	tor = who(db, &ar, P_TOR);
	anne = who(db, &ar, P_ANNE);
	marit = who(db, &ar, P_MARIT);
	per = who(db, &ar, P_PER);

	/* triage rules: administrators only, checked */
	memset(&r, 0, sizeof(r));
	r.cls = TC_COMPLAINT;
	r.ground = AG_NONE;
	r.lang = "nb";
	r.kind = RULE_KEYWORD;
	r.pattern = "klage|misfornøyd|ikke fornøyd";
	r.weight = 0.75;
	r.enabled = 1;
	r.note = "Klager på tjenester";
	T_EQ_INT(triage_rule_create(db, &ar, &tor, &r, &v), KV_FORBIDDEN);
	T_EQ_INT(triage_rule_create(db, &ar, &adm, &r, &v), KV_OK);
	T_ASSERT(r.id > 0);
	r.id = 0;
	r.kind = RULE_PATTERN;
	r.pattern = "(uten|ingen) svar";
	r.cls = TC_ABUSE;
	r.ground = AG_THREAT;
	r.lang = NULL;
	r.weight = -0.125;
	T_EQ_INT(triage_rule_create(db, &ar, &adm, &r, &v), KV_OK);
	r.pattern = "(ugyldig";
	T_EQ_INT(triage_rule_create(db, &ar, &adm, &r, &v), KV_INVALID);
	T_ASSERT(verr_for(&v, "pattern") != NULL);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM triage_rules"), 2);
	T_EQ_INT(triage_rule_list(db, &ar, &tor, &rules, &n), KV_OK);
	T_EQ_INT(n, 2);
	if (n == 2) {
		T_EQ_STR(rules[0].pattern, "klage|misfornøyd|ikke fornøyd");
		T_EQ_INT(rules[0].cls, TC_COMPLAINT);
		T_EQ_STR(rules[0].lang, "nb");
		T_ASSERT(rules[0].weight == 0.75);
		T_EQ_INT(rules[1].kind, RULE_PATTERN);
		T_EQ_INT(rules[1].ground, AG_THREAT);
		T_EQ_STR(rules[1].lang, NULL);
		T_ASSERT(rules[1].weight == -0.125);
		r = rules[0];
		r.enabled = 0;
		T_EQ_INT(triage_rule_update(db, &ar, &tor, &r, &v),
		         KV_FORBIDDEN);
		T_EQ_INT(triage_rule_update(db, &ar, &adm, &r, &v), KV_OK);
		T_EQ_INT(triage_rule_delete(db, &ar, &adm, rules[1].id), KV_OK);
		T_EQ_INT(triage_rule_delete(db, &ar, &adm, rules[1].id),
		         KV_NOTFOUND);
	}
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM triage_rules WHERE enabled "
	                   "= 0"),
	         1);
	T_EQ_INT(count(db, "SELECT epoch FROM triage_epochs"), 4);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM audit WHERE object_type = "
	                   "'triage_rule'"),
	         4);

	/* topics and competence */
	memset(&t, 0, sizeof(t));
	t.name = "Barnehage";
	t.keywords = "barnehage|barnehageplass|förskola";
	T_EQ_INT(inbox_topic_create(db, &ar, &per, &t, &v), KV_FORBIDDEN);
	T_EQ_INT(inbox_topic_create(db, &ar, &adm, &t, &v), KV_OK);
	topic_id = t.id;
	t.id = 0;
	T_EQ_INT(inbox_topic_create(db, &ar, &adm, &t, &v), KV_CONFLICT);
	memset(&v, 0, sizeof(v));
	t.name = "Tomt";
	t.keywords = "barnehage|| ";
	T_EQ_INT(inbox_topic_create(db, &ar, &adm, &t, &v), KV_INVALID);
	T_ASSERT(verr_for(&v, "keywords") != NULL);
	memset(&v, 0, sizeof(v));
	{
		int64_t people[] = {P_JON, P_MARIT};
		int64_t bad[] = {P_JON, 999};
		T_EQ_INT(
		    inbox_topic_set_people(db, &ar, &adm, topic_id, bad, 2, &v),
		    KV_INVALID);
		memset(&v, 0, sizeof(v));
		T_EQ_INT(inbox_topic_set_people(db, &ar, &adm, topic_id, people,
		                                2, &v),
		         KV_OK);
	}
	t.id = topic_id;
	t.name = "Barnehage og SFO";
	t.keywords = "barnehage|sfo|skolefritidsordning";
	T_EQ_INT(inbox_topic_update(db, &ar, &adm, &t, &v), KV_OK);
	T_EQ_INT(inbox_topic_list(db, &ar, &marit, &topics, &n), KV_OK);
	T_EQ_INT(n, 1);
	if (n == 1) {
		json_t *j = inbox_topic_json(&topics[0]);
		T_EQ_STR(topics[0].name, "Barnehage og SFO");
		T_EQ_INT(topics[0].npeople, 2);
		T_EQ_INT(json_array_size(json_object_get(j, "people")), 2);
		json_decref(j);
	}
	T_EQ_INT(inbox_topic_delete(db, &ar, &tor, topic_id), KV_FORBIDDEN);
	T_EQ_INT(inbox_topic_delete(db, &ar, &adm, topic_id), KV_OK);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM person_topics"), 0);

	/* saved replies: comms and administrators */
	memset(&sr, 0, sizeof(sr));
	sr.lang = "nn-NO";
	sr.title = "Takk for spørsmålet";
	sr.body = "Hei! Takk for at du spør. Vi sjekkar og kjem tilbake til "
	          "deg i løpet av dagen.";
	T_EQ_INT(saved_reply_create(db, &ar, &tor, &sr, &v), KV_FORBIDDEN);
	T_EQ_INT(saved_reply_create(db, &ar, &anne, &sr, &v), KV_OK);
	T_EQ_STR(sr.lang, "nn");
	sr.id = 0;
	sr.lang = "sv";
	sr.unit_id = 4;
	sr.title = "Ansökan om förskoleplats";
	sr.body = "Hej! Ansökan görs i e-tjänsten på kommunens webbplats.";
	T_EQ_INT(saved_reply_create(db, &ar, &adm, &sr, &v), KV_OK);
	sr.id = 0;
	sr.lang = "de";
	T_EQ_INT(saved_reply_create(db, &ar, &adm, &sr, &v), KV_INVALID);
	memset(&v, 0, sizeof(v));
	sr.lang = "da";
	sr.unit_id = 999;
	T_EQ_INT(saved_reply_create(db, &ar, &adm, &sr, &v), KV_INVALID);
	T_ASSERT(verr_for(&v, "unit_id") != NULL);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(saved_reply_list(db, &ar, &tor, NULL, 0, &srs, &n), KV_OK);
	T_EQ_INT(n, 2);
	T_EQ_INT(saved_reply_list(db, &ar, &tor, "nn", 0, &srs, &n), KV_OK);
	T_EQ_INT(n, 1);
	T_EQ_INT(saved_reply_list(db, &ar, &tor, NULL, 3, &srs, &n), KV_OK);
	T_EQ_INT(n, 1); /* the library's: only the organisation's one */
	if (n == 1) {
		struct saved_reply up = srs[0];
		up.body = "Hei! Takk for spørsmålet – vi svarar i dag.";
		T_EQ_INT(saved_reply_update(db, &ar, &anne, &up, &v), KV_OK);
		T_EQ_INT(saved_reply_delete(db, &ar, &tor, up.id),
		         KV_FORBIDDEN);
		T_EQ_INT(saved_reply_delete(db, &ar, &anne, up.id), KV_OK);
	}
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM saved_replies"), 1);

	/* signatures: the default is first name and role */
	T_EQ_INT(inbox_reply_rule_get(db, &ar, &tor, CH_LIB, &sig), KV_OK);
	T_EQ_STR(sig, "first_name_role");
	T_EQ_INT(inbox_reply_signature(db, &ar, &tor, CH_LIB, &sig), KV_OK);
	T_EQ_STR(sig, "– Tor Einar, biblioteksjef");
	/* Marit may not edit the library's channel; Tor is responsible */
	T_EQ_INT(inbox_reply_rule_set(db, &ar, &marit, CH_LIB, "unit", &v),
	         KV_FORBIDDEN);
	T_EQ_INT(inbox_reply_rule_set(db, &ar, &tor, CH_LIB, "signed", &v),
	         KV_INVALID);
	memset(&v, 0, sizeof(v));
	T_EQ_INT(inbox_reply_rule_set(db, &ar, &tor, CH_LIB, "unit", &v),
	         KV_OK);
	T_EQ_INT(inbox_reply_signature(db, &ar, &tor, CH_LIB, &sig), KV_OK);
	T_EQ_STR(sig, "– Bibliotek");
	T_EQ_INT(inbox_reply_rule_set(db, &ar, &tor, CH_LIB, "first_name", &v),
	         KV_OK);
	T_EQ_INT(inbox_reply_signature(db, &ar, &tor, CH_LIB, &sig), KV_OK);
	T_EQ_STR(sig, "– Tor Einar");
	T_EQ_INT(inbox_reply_rule_set(db, &ar, &tor, CH_LIB, "none", &v),
	         KV_OK);
	T_EQ_INT(inbox_reply_signature(db, &ar, &tor, CH_LIB, &sig), KV_OK);
	T_EQ_STR(sig, "");

	/* the policy */
	T_EQ_INT(inbox_policy_get(db, &ar, &tor, &p), KV_OK);
	T_EQ_STR(p.mode, "same_day");
	T_EQ_INT(p.close_hour, 16);
	T_EQ_INT(p.escalate_after_min, 120);
	p.mode = "24h";
	T_EQ_INT(inbox_policy_set(db, &ar, &anne, &p, &v), KV_FORBIDDEN);
	p.close_hour = 7;
	T_EQ_INT(inbox_policy_set(db, &ar, &adm, &p, &v), KV_INVALID);
	T_ASSERT(verr_for(&v, "close_hour") != NULL);
	memset(&v, 0, sizeof(v));
	p.close_hour = 15;
	p.days_off = "sometimes";
	T_EQ_INT(inbox_policy_set(db, &ar, &adm, &p, &v), KV_INVALID);
	memset(&v, 0, sizeof(v));
	p.days_off = "watch";
	p.comms_unit_id = 77;
	T_EQ_INT(inbox_policy_set(db, &ar, &adm, &p, &v), KV_INVALID);
	memset(&v, 0, sizeof(v));
	p.comms_unit_id = 5;
	T_EQ_INT(inbox_policy_set(db, &ar, &adm, &p, &v), KV_OK);
	T_EQ_INT(inbox_policy_get(db, &ar, &tor, &p), KV_OK);
	T_EQ_STR(p.mode, "24h");
	T_EQ_STR(p.days_off, "watch");
	T_EQ_INT(p.close_hour, 15);
	T_EQ_INT(p.comms_unit_id, 5);
	{
		json_t *j = inbox_policy_json(&p);
		T_EQ_STR(json_string_value(json_object_get(j, "mode")), "24h");
		T_EQ_INT(
		    json_integer_value(json_object_get(j, "comms_unit_id")), 5);
		json_decref(j);
	}
	/* a 24h policy applies to the next intake */
	{
		int64_t T = t0();
		int64_t x =
		    arrive(db, CH_LIB, "c-24", "nb",
		           "Er det mulig å booke møterom på biblioteket?", Q, T,
		           T + 60);
		T_EQ_INT(get_row(db, &ar, x).due_at, T + 86400);
	}
	arena_free(&ar);
	t_db_done(db);
}

T_TEST(admin_sqlite)
{
	admin(DB_SQLITE);
}
T_TEST(admin_pg)
{
	admin(DB_PG);
}

/* --- JSON
 * --------------------------------------------------------------------------
 */

static void
json_shapes(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct actor tor;
	struct inbox_row r;
	struct inbox_note *notes;
	struct verrs v = {0};
	struct triage_result tr;
	json_t *j;
	int n, added;
	int64_t T = t0(), a;
	if (db == NULL)
		return;
	arena_init(&ar);
	tor = who(db, &ar, P_TOR);
	a = capture(db, CH_LIB, "c-j", ITEM_COMMENT, 1, "nb",
	            "Du er en idiot som jobber der, jeg vet hvor du bor", T);
	tr = tri("nb", AB, AG_THREAT, 1);
	T_EQ_INT(inbox_intake_json(db, a, &tr,
	                           "{\"lang\":\"nb\",\"classes\":[\"abuse\"],"
	                           "\"explain\":[{\"source\":\"rule\"}]}",
	                           T + 60, &added),
	         KV_OK);
	T_EQ_INT(inbox_note_add(db, &ar, &tor, a,
	                        "Politianmeldes? Sjekker med kommunikasjon.",
	                        &v),
	         KV_OK);
	T_EQ_INT(inbox_get(db, &ar, &tor, a, &r), KV_OK);
	T_EQ_INT(r.hard, 1);
	T_EQ_STR(r.hard_reason, "threat against a person");
	T_EQ_INT(r.needs_answer, 0);
	j = inbox_row_json(&r, TZ);
	T_EQ_STR(json_string_value(json_object_get(j, "state")), "new");
	T_EQ_STR(json_string_value(json_object_get(j, "abuse_ground")),
	         "threat");
	T_EQ_STR(
	    json_string_value(json_array_get(json_object_get(j, "classes"), 0)),
	    "abuse");
	T_EQ_STR(json_string_value(json_object_get(j, "shown_at")),
	         "2027-03-10T08:00:00Z");
	T_EQ_STR(json_string_value(json_object_get(j, "shown_at_local")),
	         "2027-03-10T09:00:00+01:00");
	T_EQ_STR(json_string_value(json_object_get(j, "due_at_local")),
	         "2027-03-10T16:00:00+01:00");
	T_ASSERT(json_is_null(json_object_get(j, "outcome")));
	T_ASSERT(json_is_true(json_object_get(j, "hard")));
	T_EQ_STR(
	    json_string_value(json_object_get(
	        json_array_get(
	            json_object_get(json_object_get(j, "triage"), "explain"),
	            0),
	        "source")),
	    "rule");
	T_EQ_STR(json_string_value(json_object_get(json_object_get(j, "item"),
	                                           "author_name")),
	         "Kari Nordvik");
	T_EQ_INT(json_integer_value(json_object_get(j, "version")), 1);
	json_decref(j);
	T_EQ_INT(inbox_note_list(db, &ar, &tor, a, &notes, &n), KV_OK);
	T_EQ_INT(n, 1);
	if (n == 1) {
		j = inbox_note_json(&notes[0]);
		T_EQ_STR(json_string_value(json_object_get(j, "author")),
		         "Tor Einar Moe");
		T_EQ_INT(json_integer_value(json_object_get(j, "person_id")),
		         P_TOR);
		json_decref(j);
	}
	arena_free(&ar);
	t_db_done(db);
}

T_TEST(json_sqlite)
{
	json_shapes(DB_SQLITE);
}
T_TEST(json_pg)
{
	json_shapes(DB_PG);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(intake_sqlite),     T_ENTRY(intake_pg),
	    T_ENTRY(routing_sqlite),    T_ENTRY(routing_pg),
	    T_ENTRY(authz_sqlite),      T_ENTRY(authz_pg),
	    T_ENTRY(states_sqlite),     T_ENTRY(states_pg),
	    T_ENTRY(conflict_sqlite),   T_ENTRY(conflict_pg),
	    T_ENTRY(changes_sqlite),    T_ENTRY(changes_pg),
	    T_ENTRY(escalation_sqlite), T_ENTRY(escalation_pg),
	    T_ENTRY(stats_sqlite),      T_ENTRY(stats_pg),
	    T_ENTRY(admin_sqlite),      T_ENTRY(admin_pg),
	    T_ENTRY(json_sqlite),       T_ENTRY(json_pg),
	};
	int rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
