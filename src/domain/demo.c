/*
 * demo.c - the demo organisation: Meldal kommune, after seed 004
 * ("Meldal kommune i sosiale medier", eForum 2011).
 *
 * The units, the profiles and who runs each come from the seed: the web
 * editor (nettredaktøren) runs the main Facebook page, "Jobb i Meldal", X
 * and Vimeo; the youth leader runs "Ungdomsleder i Meldal" with the head of
 * culture responsible; the chief librarian runs the library blog; the forum
 * belongs to the school-structure project.  The seed names roles, not
 * people: every person here is fictional.  Everything is created through
 * the domain functions as the system actor, so the audit log tells the
 * demo's story like any other.
 */
#include "domain.h"
#include "plan.h"
#include "rota.h" /* gov-rota: rota_demo_load */
#include "../base/log.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

#define DEMO_DOMAIN "meldal-kommune.example"

struct demo_unit {
	const char *name, *kind, *parent;
};

static const struct demo_unit units[] = {
    {"Meldal kommune", "organisation", NULL},
    {"Rådmannen", "administration", "Meldal kommune"},
    {"Stab og service", "unit", "Rådmannen"},
    {"Kultur", "unit", "Rådmannen"},
    {"Meldal folkebibliotek", "team", "Kultur"},
    {"Ungdomsarbeid", "team", "Kultur"},
    {"Oppvekst", "unit", "Rådmannen"},
    {"Helse og omsorg", "unit", "Rådmannen"},
};

struct demo_person {
	const char *full, *title, *unit, *email;
	const char *roles; /* "role@Unit,role" */
};

static const struct demo_person people[] = {
    {"Kari Rønning", "rådmann", "Rådmannen", "kari.ronning", "decision_maker"},
    {"Ingrid Løkken", "nettredaktør", "Stab og service", "ingrid.lokken",
     "web_editor,comms"},
    {"Per Arne Hoff", "enhetsleder kultur", "Kultur", "per.arne.hoff",
     "unit_manager@Kultur"},
    {"Siri Bakken", "ungdomsleder", "Ungdomsarbeid", "siri.bakken",
     "channel_editor@Ungdomsarbeid,supervisor@Ungdomsarbeid"},
    {"Tor Einar Moe", "biblioteksjef", "Meldal folkebibliotek", "tor.einar.moe",
     "unit_manager@Meldal folkebibliotek,channel_editor@Meldal "
     "folkebibliotek"},
    {"Jon Storli", "enhetsleder oppvekst", "Oppvekst", "jon.storli",
     "unit_manager@Oppvekst"},
    {"Marit Grindal", "prosjektleder, Nye tider – nye tanker", "Oppvekst",
     "marit.grindal", "channel_editor@Oppvekst"},
    {"Berit Vold", "arkivleder", "Stab og service", "berit.vold", "auditor"},
    {"Hans Kvam", "beredskapskoordinator", "Rådmannen", "hans.kvam",
     "crisis_staff"},
    {"Anne Lise Fossum", "kommunikasjonsrådgiver", "Stab og service",
     "anne.lise.fossum", "comms"},
    {"Demo Administrator", "systemansvarlig", "Stab og service", "admin",
     "admin"},
};

struct demo_channel {
	const char *platform, *name, *address, *unit, *purpose, *targets;
	const char *responsible, *editors, *status, *opened_on;
	int count;
	const char *period;
};

static const struct demo_channel channels[] = {
    {"facebook_page", "Meldal kommune",
     "https://www.facebook.com/meldalkommune", "Stab og service",
     "Hovedsakelig «glade» postinger fra kommunen og lenker som styrer "
     "besøkende inn på nettsidene. Siden er åpen for postinger fra alle.",
     "Innbyggere, særlig yngre", "ingrid.lokken", "anne.lise.fossum", "active",
     "2010-09-01", 3, "week"},
    {"facebook_page", "Jobb i Meldal", "https://www.facebook.com/jobbimeldal",
     "Stab og service",
     "Profilering av ledige stillinger i Meldal. Private og offentlige "
     "arbeidsgivere kan gratis få publisert lenker til stillingsannonser på "
     "sine egne nettsider.",
     "Arbeidssøkere og arbeidsgivere i Meldal", "ingrid.lokken", "", "active",
     "2011-02-01", 2, "week"},
    {"facebook_page", "Ungdomsleder i Meldal",
     "https://www.facebook.com/ungdomslederimeldal", "Ungdomsarbeid",
     "«Lik siden og vær med på å påvirke det som skjer ift. ungdom i Meldal "
     "kommune. Kom med forslag på hva DU vil skal tilbys, kom med ris og "
     "ros, vær med å engasjere deg for ungdomsaktiviteten i kommunen!»",
     "Ungdom i Meldal", "per.arne.hoff", "siri.bakken", "active", "2011-01-15",
     2, "week"},
    {"x", "@meldalkommune", "https://x.com/meldalkommune", "Stab og service",
     "Korte nyheter og varsler fra kommunen. Profilen er etablert, men ikke "
     "fulgt opp.",
     "Innbyggere, presse", "ingrid.lokken", "", "active", "2011-03-01", 3,
     "week"},
    {"vimeo", "Meldal kommune på Vimeo", "https://vimeo.com/meldalkommune",
     "Stab og service",
     "Publisering av videoer med statistikk, for eksempel presentasjonen av "
     "den nye skolen i Meldal.",
     "Innbyggere", "ingrid.lokken", "", "active", "2011-05-01", 1, "month"},
    {"forum", "Nye tider, nye tanker", "http://forum.meldalsnett.no/",
     "Oppvekst",
     "Meldal legger ned fire skoler og bygger én ny. Målet er å finne gode "
     "tiltak som kan redusere ulempene ved endringene av skolestrukturen, "
     "og styrke de nye mulighetene en helt ny skole for hele Meldal gir.",
     "Foreldre, elever, ansatte og innbyggere", "jon.storli", "marit.grindal",
     "active", "2011-08-15", 2, "week"},
    {"blog", "Bibliotekbloggen", "https://meldalbibliotek.blogspot.com/",
     "Meldal folkebibliotek",
     "Informasjon om ting som skjer i biblioteket, bokanbefalinger og tips, "
     "lenke til bibliotekets katalog og andre nyttige nettsteder.",
     "Lånere og lesere i alle aldre", "tor.einar.moe", "", "active",
     "2010-11-01", 1, "week"},
    {"instagram", "Ungdom i Meldal", "https://www.instagram.com/ungdomimeldal",
     "Ungdomsarbeid",
     "Ønske fra ungdomsleder: bilder og korte videoer fra "
     "ungdomsaktivitetene, der ungdommen er.",
     "Ungdom 13–19 år", "siri.bakken", "", "requested", NULL, 3, "week"},
};

static int64_t
person_by_local(struct db *db, const char *local)
{
	char email[KV_MAX_EMAIL + 1];
	if (local == NULL || *local == '\0')
		return 0;
	snprintf(email, sizeof(email), "%s@%s", local, DEMO_DOMAIN);
	return person_find_by_email(db, email);
}

static int
fail(const char *what, enum kv_rc rc, const struct verrs *v)
{
	log_err("demo: %s failed (%d)%s%s%s%s", what, (int)rc, v->n ? ": " : "",
	        v->n ? v->e[0].field : "", v->n ? " " : "",
	        v->n ? v->e[0].reason : "");
	return -1;
}

enum kv_rc
demo_load(struct db *db, char email[KV_MAX_EMAIL + 1], char password[64])
{
	struct org o = {0,    "Meldal kommune", "meldal",
	                "NO", "Europe/Oslo",    "nb"};
	struct actor sys;
	struct arena ar;
	struct verrs v = {0};
	int64_t org_id;
	enum kv_rc rc;

	email[0] = password[0] = '\0';
	org_id = org_first_id(db);
	if (org_id < 0)
		return KV_DBERR;
	if (org_id > 0)
		return KV_CONFLICT;
	rc = org_create(db, &o, &org_id, &v);
	if (rc != KV_OK)
		return fail("org", rc, &v), rc;
	actor_system(&sys, org_id, "demo loader");
	arena_init(&ar);

	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		struct unit u = {0};
		u.name = units[i].name;
		u.kind = units[i].kind;
		u.parent_id =
		    units[i].parent
		        ? unit_find_by_name(db, org_id, units[i].parent)
		        : 0;
		memset(&v, 0, sizeof(v));
		if ((rc = unit_create(db, &ar, &sys, &u, &v)) != KV_OK) {
			fail(u.name, rc, &v);
			goto out;
		}
	}

	for (size_t i = 0; i < ARRAY_LEN(people); i++) {
		struct person p = {0};
		char roles[256], *save = NULL, *tok;
		p.full_name = people[i].full;
		p.title = people[i].title;
		p.unit_id = unit_find_by_name(db, org_id, people[i].unit);
		p.email =
		    arena_printf(&ar, "%s@%s", people[i].email, DEMO_DOMAIN);
		memset(&v, 0, sizeof(v));
		if ((rc = person_create(db, &ar, &sys, &p, &v)) != KV_OK) {
			fail(p.full_name, rc, &v);
			goto out;
		}
		snprintf(roles, sizeof(roles), "%s", people[i].roles);
		for (tok = strtok_r(roles, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			char *at = strchr(tok, '@');
			int64_t unit = 0;
			if (at != NULL) {
				*at = '\0';
				unit = unit_find_by_name(db, org_id, at + 1);
			}
			memset(&v, 0, sizeof(v));
			rc = person_grant(db, &ar, &sys, p.id,
			                  (enum role)role_parse(tok), unit, &v);
			if (rc != KV_OK) {
				fail(tok, rc, &v);
				goto out;
			}
		}
		/* every demo person can log in with the admin's password */
		if (strcmp(people[i].email, "admin") == 0) {
			snprintf(email, KV_MAX_EMAIL + 1, "%s", p.email);
			random_hex(password, 10);
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(people); i++) {
		int64_t pid = person_by_local(db, people[i].email);
		memset(&v, 0, sizeof(v));
		if ((rc = account_set_password(db, &ar, &sys, pid, password,
		                               &v)) != KV_OK) {
			fail("password", rc, &v);
			goto out;
		}
	}

	for (size_t i = 0; i < ARRAY_LEN(channels); i++) {
		const struct demo_channel *d = &channels[i];
		struct channel c;
		char eds[128], *save = NULL, *tok;
		memset(&c, 0, sizeof(c));
		c.platform = d->platform;
		c.name = d->name;
		c.address = d->address;
		c.unit_id = unit_find_by_name(db, org_id, d->unit);
		c.purpose = d->purpose;
		c.target_groups = d->targets;
		c.responsible_id = person_by_local(db, d->responsible);
		c.status = d->status;
		c.opened_on = d->opened_on;
		c.update_count = d->count;
		c.update_period = d->period;
		snprintf(eds, sizeof(eds), "%s", d->editors);
		for (tok = strtok_r(eds, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save))
			c.editor_ids[c.neditors++] = person_by_local(db, tok);
		memset(&v, 0, sizeof(v));
		if ((rc = channel_create(db, &ar, &sys, &c, &v)) != KV_OK) {
			fail(d->name, rc, &v);
			goto out;
		}
	}
	/* issue 3: the training, the approved plans of the active channels
	 * and the draft for the requested Instagram (plan.c) */
	if ((rc = plan_demo(db, org_id, DEMO_DOMAIN)) != KV_OK)
		goto out;
	/* gov-rota: shifts, an absence, the update log and a review */
	if ((rc = rota_demo_load(db, &ar, &sys)) != KV_OK)
		goto out;
	rc = KV_OK;
out:
	arena_free(&ar);
	return rc;
}
