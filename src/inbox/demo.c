/*
 * demo.c - a realistic day in the demo organisation's inbox (issue 5):
 * posts on Meldal kommune's Facebook page and X profile, and the comments
 * that came in since the morning in bokmål, nynorsk, Swedish, Danish and
 * English — questions, a wrong date, complaints, a threat, spam, a case
 * request with a national identity number, praise — each captured as the
 * connectors would and taken into the inbox through triage.  Before
 * them, as the system actor: the topics with the people who know them
 * (routing uses them), the saved replies a communications unit starts
 * with in nb, nn, sv, da and en, and "@meldalkommune" signed by its
 * unit.
 * Called by `kanalvakt demo` after demo_load() (src/main.c).
 */
#include "inbox.h"
#include "../base/log.h"
#include "../base/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct demo_item {
	const char *channel; /* channel name in the demo register */
	const char *parent;  /* platform id of the post it answers, or NULL */
	const char *id;
	int minutes_ago;
	int inbound;
	const char *type, *author, *handle, *lang, *text;
};

/* Times are minutes before "now" when the demo is loaded. */
static const struct demo_item items[] = {
    /* our posts */
    {"Meldal kommune", NULL, "fb-post-1", 26 * 60, 0, "post", "Meldal kommune",
     "meldalkommune", "nb",
     "Biblioteket holder stengt mens vi bygger om. Vi åpner igjen i ny "
     "drakt mandag 3. mars kl. 10! 📚"},
    {"Meldal kommune", NULL, "fb-post-2", 9 * 60, 0, "post", "Meldal kommune",
     "meldalkommune", "nb",
     "Tømmeplanen for 2027 er klar. Restavfall hentes annenhver uke, papir "
     "hver fjerde uke. Se din tømmedag på meldal.kommune.no/renovasjon"},
    {"@meldalkommune", NULL, "x-post-1", 5 * 60, 0, "post", "Meldal kommune",
     "meldalkommune", "nb",
     "Brøytemannskapene er ute på alle kommunale veier fra kl. 05. Vis "
     "hensyn og parker slik at brøytebilen kommer fram."},
    /* comments on the library post */
    {"Meldal kommune", "fb-post-1", "fb-c-101", 25 * 60, 1, "comment",
     "Kari Nordmann", "kari.nordmann", "nb",
     "Når åpner biblioteket igjen? Står det 3. mars eller 10. mars?"},
    {"Meldal kommune", "fb-post-1", "fb-c-102", 8 * 60, 1, "comment",
     "Ola Brekken", "ola.brekken", "nb",
     "Dere skriver mandag 3. mars, men 3. mars er en onsdag. Hva er "
     "riktig dato?"},
    {"Meldal kommune", "fb-post-1", "fb-c-103", 7 * 60 + 40, 1, "comment",
     "Solveig Haugen", "solveig.haugen", "nn",
     "Kjempeflott at de byggjer om! Gler meg til å sjå det nye "
     "biblioteket 😍"},
    {"Meldal kommune", "fb-post-1", "fb-c-104", 6 * 60 + 10, 1, "comment",
     "Erik Lindqvist", "erik.lindqvist", "sv",
     "Hej! Kan man låna böcker under ombyggnaden, eller finns det någon "
     "bokbuss?"},
    {"Meldal kommune", "fb-post-1", "fb-c-105", 5 * 60 + 55, 1, "comment",
     "Mette Kjær", "mette.kjaer", "da",
     "Hvor kan jeg aflevere de bøger jeg har lånt, når biblioteket er "
     "lukket?"},
    {"Meldal kommune", "fb-post-1", "fb-c-106", 4 * 60 + 30, 1, "comment",
     "Super Deals", "superdeals2027", "en",
     "🔥 Make $500 a day from home!!! Click here https://bit.example/x7 "
     "free crypto bonus 🔥"},
    /* comments on the waste post */
    {"Meldal kommune", "fb-post-2", "fb-c-201", 8 * 60 + 45, 1, "comment",
     "Arne Moen", "arne.moen", "nb",
     "Søpla vår har ikke blitt hentet på tre uker. Dette er helt "
     "uakseptabelt, vi betaler dyrt for renovasjon!"},
    {"Meldal kommune", "fb-post-2", "fb-c-202", 8 * 60, 1, "comment",
     "Ingvild Sæther", "ingvild.saether", "nn",
     "Kvifor blir papiret berre henta kvar fjerde veke no? Det var betre "
     "før."},
    {"Meldal kommune", "fb-post-2", "fb-c-203", 6 * 60 + 50, 1, "comment",
     "Tom Rune Eggen", "tom.rune.eggen", "nb",
     "Jeg ønsker å søke om fritak fra renovasjonsgebyret fordi hytta står "
     "tom hele året. Fødselsnummeret mitt er 13097248022. Kan dere "
     "behandle det?"},
    {"Meldal kommune", "fb-post-2", "fb-c-204", 3 * 60 + 15, 1, "comment",
     "Linda Rønning", "linda.ronning", "nb",
     "Hvilken dag hentes glass og metall i Løkken sentrum?"},
    {"Meldal kommune", "fb-post-2", "fb-c-205", 2 * 60 + 5, 1, "comment",
     "Anonym Meldaling", "meldaling77", "nb",
     "Den idioten på teknisk som har laget denne planen burde få sparken. "
     "Jeg vet hvor du bor, og du skal få svi for dette."},
    {"Meldal kommune", "fb-post-2", "fb-c-206", 95, 1, "comment", "Jonas Berg",
     "jonas.berg", "nb",
     "Tusen takk for at dere endelig la ut tømmeplanen så tidlig. Veldig "
     "nyttig! 👍"},
    {"Meldal kommune", "fb-post-2", "fb-c-207", 50, 1, "comment",
     "Sarah Miller", "sarah.miller", "en",
     "Hi, I just moved to Meldal. How do I get a bin for food waste?"},
    /* X: snow clearing */
    {"@meldalkommune", "x-post-1", "x-r-301", 4 * 60 + 50, 1, "reply",
     "Petter Aune", "petteraune", "nb",
     "@meldalkommune Bakkevegen er ikke brøytet i det hele tatt. Ambulansen "
     "kommer ikke fram hit. Dette er for dårlig!"},
    {"@meldalkommune", "x-post-1", "x-r-302", 3 * 60 + 40, 1, "reply",
     "Guro Lien", "gurolien", "nn",
     "@meldalkommune Når kjem brøytebilen til Vollan? Vi kjem oss ikkje på "
     "jobb."},
    {"@meldalkommune", "x-post-1", "x-r-303", 2 * 60 + 30, 1, "reply",
     "Bjørn Strand", "bjornstrand", "nb",
     "@meldalkommune Det stemmer ikke at dere startet kl. 05. Brøytebilen "
     "kom forbi her først kl. 09."},
    {"@meldalkommune", "x-post-1", "x-r-304", 70, 1, "reply", "Fake News Daily",
     "fnd_2027", "nb",
     "@meldalkommune Alle innvandrerne burde kastes ut av Meldal, de er "
     "parasitter alle sammen."},
    {"@meldalkommune", NULL, "x-m-305", 40, 1, "mention", "Hanne Fjeld",
     "hannefjeld", "nb",
     "Stor takk til brøytemannskapene i @meldalkommune som var ute i "
     "natt! ❄️"},
    {"@meldalkommune", NULL, "x-m-306", 25, 1, "mention", "Knut Dahl",
     "knutdahl", "nb",
     "Jeg vil klage på vedtaket i byggesaken min, saksnummer 2026/1234. "
     "Hvem sender jeg klagen til, @meldalkommune?"},
    /* Ungdom */
    {"Ungdomsleder i Meldal", NULL, "fb-u-post-1", 20 * 60, 0, "post",
     "Ungdomsleder i Meldal", "ungdomsledermeldal", "nb",
     "Fredagskafé på ungdomsklubben denne uka også! Hva vil dere ha av "
     "aktiviteter i vinterferien?"},
    {"Ungdomsleder i Meldal", "fb-u-post-1", "fb-u-c-1", 3 * 60, 1, "comment",
     "Emma 15", "emma.x", "nb", "Kan vi ha LAN-party i vinterferien?? 🎮🎮"},
    {"Ungdomsleder i Meldal", "fb-u-post-1", "fb-u-c-2", 80, 1, "comment",
     "Sander", "sander.h", "nb",
     "Du er så stygg og teit, ingen liker deg 🤮 (til Emma)"},
    {"Ungdomsleder i Meldal", "fb-u-post-1", "fb-u-c-3", 30, 1, "comment",
     "Mor til Jonas", "mor.jonas", "nb",
     "Sønnen min har ADHD og trenger en voksen med seg. Kan han være med "
     "på fredagskafeen likevel? Ring meg gjerne på 412 34 567."},
};

static int64_t channel_by_name(struct db *db, int64_t org_id, const char *name);

/* Topics with the people (e-mail local parts) who know them.  The demo
 * has no technical unit: waste and roads are answered by the service
 * desk in Stab og service (and roads by the emergency coordinator). */
struct demo_topic {
	const char *name, *keywords;
	const char *people[3];
};

static const struct demo_topic topics[] = {
    {"Renovasjon",
     "renovasjon|søppel|søpla|avfall|tømming|tømmeplan|tømmedag|glass|"
     "papir|restavfall|matavfall|bosspann|food waste|bin",
     {"ingrid.lokken", "anne.lise.fossum", NULL}},
    {"Brøyting og veg",
     "brøyting|brøyte|brøytebil|brøytemannskap|snø|strøing|veg|vei|"
     "hull i vegen",
     {"hans.kvam", "ingrid.lokken", NULL}},
    {"Skole og oppvekst",
     "skole|skule|barnehage|SFO|elev|rektor|skolestruktur|skoleskyss",
     {"jon.storli", "marit.grindal", NULL}},
    {"Bibliotek",
     "bibliotek|lån|låne|låna|bok|bøker|böcker|bøger|e-bok|bokbuss|library",
     {"tor.einar.moe", NULL, NULL}},
    {"Ungdom og fritid",
     "ungdomsklubb|fredagskafé|fredagskafe|ungdom|vinterferie|LAN-party",
     {"siri.bakken", NULL, NULL}},
};

/* Saved replies a communications unit starts with; unit NULL: the whole
 * organisation. */
struct demo_reply {
	const char *lang, *unit, *title, *body;
};

static const struct demo_reply replies[] = {
    {"nb", NULL, "Takk for tipset",
     "Takk for tipset! Vi sender det videre til rette vedkommende i "
     "kommunen, så følger de det opp. 🙏"},
    {"nb", NULL, "Saker: send til postmottak",
     "Hei! Vi kan dessverre ikke behandle saker her. Send henvendelsen til "
     "postmottak@meldal-kommune.example eller bruk skjemaet på "
     "meldal.kommune.no, så blir den journalført og besvart. Ikke skriv "
     "fødselsnummer eller andre personopplysninger i kommentarfeltet."},
    {"nb", NULL, "Åpningstider servicetorget",
     "Servicetorget på rådhuset har åpent mandag–fredag kl. 08.00–15.30. "
     "Du kan også sende oss en melding her, så svarer vi innen dagen er "
     "omme."},
    {"nb", NULL, "Tømmeplan",
     "Du finner tømmedagen din på meldal.kommune.no/renovasjon – skriv inn "
     "adressen, så får du hele tømmeplanen for 2027."},
    {"nb", "Meldal folkebibliotek", "Innlevering under ombyggingen",
     "Mens vi bygger om kan du levere bøkene i innleveringsluka ved "
     "inngangen til rådhuset. Lånetida forlenges automatisk, så du får "
     "ikke purring. 📚"},
    {"nn", NULL, "Takk for tipset",
     "Takk for tipset! Vi sender det vidare til rett person i kommunen, så "
     "følgjer dei det opp."},
    {"nn", NULL, "Saker: send til postmottak",
     "Hei! Vi kan diverre ikkje behandle saker her. Send førespurnaden til "
     "postmottak@meldal-kommune.example, så blir han journalført og svara "
     "på. Ikkje skriv fødselsnummer eller andre personopplysningar i "
     "kommentarfeltet."},
    {"nn", NULL, "Opningstider servicetorget",
     "Servicetorget på rådhuset er ope måndag–fredag kl. 08.00–15.30."},
    {"sv", NULL, "Tack för tipset",
     "Tack för tipset! Vi skickar det vidare till rätt person i kommunen."},
    {"sv", NULL, "Ärenden: skicka till registrator",
     "Hej! Vi kan tyvärr inte handlägga ärenden här. Skicka ditt ärende "
     "till postmottak@meldal-kommune.example så registreras det och du får "
     "svar. Skriv inte personnummer i kommentarerna."},
    {"sv", NULL, "Öppettider",
     "Servicetorget i rådhuset har öppet måndag–fredag kl. 08.00–15.30."},
    {"da", NULL, "Tak for tippet",
     "Tak for tippet! Vi sender det videre til den rette i kommunen."},
    {"da", NULL, "Sager: send til postmodtagelsen",
     "Hej! Vi kan desværre ikke behandle sager her. Send din henvendelse "
     "til postmottak@meldal-kommune.example, så bliver den journaliseret "
     "og besvaret."},
    {"da", NULL, "Åbningstider",
     "Servicetorvet på rådhuset har åbent mandag–fredag kl. 8.00–15.30."},
    {"en", NULL, "Thanks for the tip",
     "Thanks for letting us know! We're passing it on to the right people "
     "at the municipality."},
    {"en", NULL, "Cases: write to the post office",
     "Hi! Sorry, we can't deal with cases here. Please send your enquiry "
     "to postmottak@meldal-kommune.example so it is registered and "
     "answered, and please don't post ID numbers in the comments."},
    {"en", NULL, "Opening hours",
     "The service desk at the town hall is open Monday to Friday, "
     "8:00–15:30."},
};

/* The id of the demo person whose address begins local@ (0: none). */
static int64_t
person_by_local(struct db *db, int64_t org_id, const char *local)
{
	char like[120];
	int64_t id = 0;
	snprintf(like, sizeof(like), "%s@%%", local);
	if (db_get_i64(db, &id,
	               "SELECT id FROM people WHERE org_id = ? AND email LIKE "
	               "? AND active = 1",
	               "it", org_id, like) != 1)
		return 0;
	return id;
}

static enum kv_rc
failed(const char *what, const char *name, enum kv_rc rc, const struct verrs *v)
{
	log_err("demo: %s %s: %d%s%s%s%s", what, name, (int)rc, v->n ? " " : "",
	        v->n ? v->e[0].field : "", v->n ? " " : "",
	        v->n ? v->e[0].reason : "");
	return rc;
}

/* The settings of the demo's inbox: topics with competence, saved
 * replies in five languages, and "@meldalkommune" signed by its unit. */
static enum kv_rc
demo_settings(struct db *db, int64_t org_id)
{
	struct arena ar;
	struct actor sys;
	enum kv_rc rc = KV_OK;
	int64_t ch;

	arena_init(&ar);
	actor_system(&sys, org_id, "demo");
	for (size_t i = 0; rc == KV_OK && i < ARRAY_LEN(topics); i++) {
		struct verrs v = {0};
		struct inbox_topic t;
		int64_t people[3];
		int n = 0;
		memset(&t, 0, sizeof(t));
		t.name = topics[i].name;
		t.keywords = topics[i].keywords;
		for (int k = 0; k < 3 && topics[i].people[k]; k++)
			if ((people[n] = person_by_local(
			         db, org_id, topics[i].people[k])) != 0)
				n++;
		rc = inbox_topic_create(db, &ar, &sys, &t, &v);
		if (rc == KV_OK)
			rc = inbox_topic_set_people(db, &ar, &sys, t.id, people,
			                            n, &v);
		if (rc != KV_OK)
			rc = failed("topic", t.name, rc, &v);
	}
	for (size_t i = 0; rc == KV_OK && i < ARRAY_LEN(replies); i++) {
		struct verrs v = {0};
		struct saved_reply s;
		memset(&s, 0, sizeof(s));
		s.lang = replies[i].lang;
		s.title = replies[i].title;
		s.body = replies[i].body;
		s.unit_id = replies[i].unit
		                ? unit_find_by_name(db, org_id, replies[i].unit)
		                : 0;
		rc = saved_reply_create(db, &ar, &sys, &s, &v);
		if (rc != KV_OK)
			rc = failed("saved reply", s.title, rc, &v);
	}
	ch = channel_by_name(db, org_id, "@meldalkommune");
	if (rc == KV_OK && ch != 0) {
		struct verrs v = {0};
		rc = inbox_reply_rule_set(db, &ar, &sys, ch, "unit", &v);
		if (rc != KV_OK)
			rc = failed("reply rule", "@meldalkommune", rc, &v);
	}
	arena_free(&ar);
	return rc;
}

/* The channel id of the demo channel called name (0 when missing). */
static int64_t
channel_by_name(struct db *db, int64_t org_id, const char *name)
{
	int64_t id = 0;
	if (db_get_i64(db, &id,
	               "SELECT id FROM channels WHERE org_id = ? AND name = ?",
	               "it", org_id, name) != 1)
		return 0;
	return id;
}

enum kv_rc
inbox_demo_load(struct db *db, int64_t org_id, int64_t now)
{
	size_t n = sizeof(items) / sizeof(items[0]);
	int added_total = 0;
	/* the settings first: intake routes by the topics */
	enum kv_rc rc = demo_settings(db, org_id);
	if (rc != KV_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct demo_item *d = &items[i];
		struct item it;
		struct capture_result cr;
		char url[200];
		int added = 0;
		int64_t ch = channel_by_name(db, org_id, d->channel);
		if (ch == 0)
			continue;
		item_init(&it);
		it.type = strcmp(d->type, "post") == 0      ? ITEM_POST
		          : strcmp(d->type, "reply") == 0   ? ITEM_REPLY
		          : strcmp(d->type, "mention") == 0 ? ITEM_MENTION
		                                            : ITEM_COMMENT;
		it.id = d->id;
		it.parent_id = d->parent;
		it.thread_id = d->parent;
		it.author_id = d->handle;
		it.author_handle = d->handle;
		it.author_name = d->author;
		it.inbound = d->inbound;
		it.text = d->text;
		it.lang = d->lang;
		it.created_at = now - (int64_t)d->minutes_ago * 60;
		snprintf(url, sizeof(url), "https://social.example/%s/%s",
		         d->handle, d->id);
		it.url = url;
		it.hidden = 0;
		if (capture_item(db, ch, &it, 0, it.created_at + 120, &cr) != 0)
			return KV_DBERR;
		if (!d->inbound)
			continue;
		if (inbox_intake(db, cr.item_id, it.created_at + 120, &added) !=
		    KV_OK)
			return KV_DBERR;
		added_total += added;
	}
	log_info("demo: %d items in the inbox", added_total);
	return KV_OK;
}
