/*
 * test_pdata.c - personal data in free text (src/text/pdata.c): phone
 * numbers, e-mail, street addresses and postcodes, health words, bank
 * account numbers and identity numbers found in comments in nb, nn, sv,
 * da and en; and, as many, what must not be found: dates, times, prices,
 * order and case numbers, years, counts, percentages, URLs with digits,
 * organisation numbers.  Also merging, caps, and long or broken input.
 */
#include "t.h"

#include "../../src/text/pdata.h"

struct pcase {
	const char *lang; /* what pdata_find is told (NULL: all) */
	const char *text;
	/* the hits: "kind:text|kind:text", "" for none */
	const char *want;
};

/* Renders the hits of text as "kind:text|…". */
static const char *
render(const char *lang, const char *text)
{
	static char out[1024];
	struct pdata_hit h[16];
	size_t o = 0;
	int n = pdata_find(text, strlen(text), lang, h, 16);
	out[0] = 0;
	for (int i = 0; i < n && o < sizeof(out) - 1; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s:%.*s",
		                      i ? "|" : "", pdata_kind_name(h[i].kind),
		                      (int)(h[i].end - h[i].start),
		                      text + h[i].start);
	return out;
}

/* clang-format off */
static const struct pcase positive[] = {
	/* nb */
	{"nb", "Ring meg på 412 34 567 etter kl. 16", "phone:412 34 567"},
	{"nb", "Mobilen min er 98765432, send sms", "phone:98765432"},
	{"nb", "Nå meg på +47 412 34 567 i dag", "phone:+47 412 34 567"},
	{"nb", "0047 22 33 44 55 er sentralbordet", "phone:0047 22 33 44 55"},
	{"nb", "tlf 22334455", "phone:22334455"},
	{"nb", "tlf. nr 22334455 (jobb)", "phone:22334455"},
	{"nb", "Mitt nummer er 41 23 45 67", "phone:41 23 45 67"},
	{"nb", "Mailen min er ola.nordmann@gmail.com, svar der",
	 "email:ola.nordmann@gmail.com"},
	{"nb", "Jeg bor i Storgata 12, 0150 Oslo",
	 "address:Storgata 12|address:0150 Oslo"},
	{"nb", "Vi flytter til Kongens gate 5B i mai",
	 "address:Kongens gate 5B"},
	{"nb", "bor i fjellveien 3 og har ikke fått brøyting",
	 "address:fjellveien 3"},
	{"nb", "Fødselsnummeret mitt er 13097248022",
	 "national_id:13097248022"},
	{"nb", "Kontonummer 1234.56.78903, send pengene dit",
	 "other:1234.56.78903"},
	{"nb", "kontonr: 15031234562", "other:15031234562"},
	{"nb", "Sønnen min har diabetes og trenger insulin på skolen",
	 "health:diabetes|health:insulin"},
	{"nb", "Jeg er sykemeldt med depresjon", "health:sykemeldt|health:depresjon"},
	{"nb", "Kona fikk brystkreft i fjor", "health:brystkreft"},
	{"nb", "fnr 13097248022 og tlf 41234567",
	 "national_id:13097248022|phone:41234567"},
	/* nn */
	{"nn", "Eg bur i Fjellvegen 3, ring meg på 912 34 567",
	 "address:Fjellvegen 3|phone:912 34 567"},
	{"nn", "Mora mi har demens og treng hjelp", "health:demens"},
	{"nn", "Send svar til kari@eksempel.no", "email:kari@eksempel.no"},
	{"nn", "Dottera mi fekk kreft i fjor", "health:kreft"},
	{"nn", "Ring 41 23 45 67 om kvelden", "phone:41 23 45 67"},
	{"nn", "Eg er gravid og lurer på kva eg har krav på", "health:gravid"},
	{"nn", "Adressa er Skulevegen 14, 6900 Florø",
	 "address:Skulevegen 14|address:6900 Florø"},
	/* sv */
	{"sv", "Ring mig på 070-123 45 67", "phone:070-123 45 67"},
	{"sv", "Mitt nummer är +46 70 123 45 67", "phone:+46 70 123 45 67"},
	{"sv", "Växeln nås på 08-123 456 78", "phone:08-123 456 78"},
	{"sv", "Jag bor på Drottninggatan 12, 114 55 Stockholm",
	 "address:Drottninggatan 12|address:114 55 Stockholm"},
	{"sv", "Storgatan 4 A är min adress", "address:Storgatan 4 A"},
	{"sv", "Mitt personnummer är 811218-9876", "national_id:811218-9876"},
	{"sv", "Min son har autism och adhd", "health:autism|health:adhd"},
	{"sv", "Jag är sjukskriven för utmattningssyndrom",
	 "health:sjukskriven|health:utmattningssyndrom"},
	{"sv", "maila mig på anna.svensson@kommun.se",
	 "email:anna.svensson@kommun.se"},
	{"sv", "0701234567 är mitt mobilnummer", "phone:0701234567"},
	/* da */
	{"da", "Ring på +45 20 12 34 56", "phone:+45 20 12 34 56"},
	{"da", "Mit nummer er 20 12 34 56", "phone:20 12 34 56"},
	{"da", "Ring 20123456 i morgen", "phone:20123456"},
	{"da", "Jeg bor på Nørregade 12, 2. tv, 2100 København Ø",
	 "address:Nørregade 12, 2. tv|address:2100 København Ø"},
	{"da", "CPR 070761-4285", "national_id:070761-4285"},
	{"da", "Min mor har kræft og er indlagt",
	 "health:kræft|health:indlagt"},
	{"da", "Skriv til mig på jens@firma.dk", "email:jens@firma.dk"},
	{"da", "Strandvejen 100 er adressen", "address:Strandvejen 100"},
	{"da", "Han har sklerose og sidder i kørestol",
	 "health:sklerose|health:kørestol"},
	/* en */
	{"en", "Call me on +44 20 7946 0958", "phone:+44 20 7946 0958"},
	{"en", "My email is john.smith@example.co.uk",
	 "email:john.smith@example.co.uk"},
	{"en", "I live at 12 High Street", "address:12 High Street"},
	{"en", "Parcel went to 221B Baker Street instead",
	 "address:221B Baker Street"},
	{"en", "My daughter has epilepsy and takes medication",
	 "health:epilepsy|health:medication"},
	{"en", "Text me on 412 34 567", "phone:412 34 567"},
	{"en", "I'm pregnant and need a GP", "health:pregnant"},
	/* fuzz finding: a phone whose last group reads as a house number is
	 * one phone, not a phone and a street */
	{"en", "ring +44 20 7946 012 High Street", "phone:+44 20 7946 012"},
	/* the language not given: every list */
	{NULL, "Ring 412 34 567 eller mejla mig@exempel.se",
	 "phone:412 34 567|email:mig@exempel.se"},
	{NULL, "har astma og angst", "health:astma|health:angst"},
};

static const struct pcase negative[] = {
	/* nb */
	{"nb", "Møtet er 12.03.2024 kl. 14.30 på rådhuset", ""},
	{"nb", "Frist 2024-03-12, ikke glem det", ""},
	{"nb", "Vi sees 12/3 på biblioteket", ""},
	{"nb", "Billetten koster kr 1 250,- for voksne", ""},
	{"nb", "Det kostet 1 250 kr og var verdt det", ""},
	{"nb", "Ordre 2024-123456 er ikke levert", ""},
	{"nb", "Saksnr. 24/01234 gjelder byggesaken", ""},
	{"nb", "ref 123456789", ""},
	{"nb", "I 2023 var det 4500 innbyggere i bygda", ""},
	{"nb", "Oppslutningen var 45 % i år", ""},
	{"nb", "Se https://www.kommune.no/sak/41234567 for info", ""},
	{"nb", "Les mer på nav.no/41234567 før du søker", ""},
	{"nb", "Kundenummer 41234567", ""},
	{"nb", "Fakturanr 98765432 er betalt", ""},
	{"nb", "Beløpet er 12 345 678 kroner", ""},
	{"nb", "Org.nr. 974 760 673", ""},
	{"nb", "Åpent 08.00-15.30 hver dag", ""},
	{"nb", "Bussen går 14.05, 14.35 og 15.05", ""},
	{"nb", "KID 1234567890123 må være med", ""},
	{"nb", "Ventetid på telefonen: 25 minutter", ""},
	{"nb", "Sykkelveien 3 km lang, helt topp", ""},
	{"nb", "Det var sykt bra konsert!", ""},
	{"nb", "Sykkel til salgs 4500,-", ""},
	{"nb", "Vinn 2 billetter! Trekning 20.12.2024", ""},
	{"nb", "Kontonummer 1234.56.78904 stemmer ikke", ""},
	{"nb", "Vi åpner 01.08.2025 kl 0800", ""},
	/* nn */
	{"nn", "Møtet er 12.03.2024 klokka 14.30", ""},
	{"nn", "Vi har 4500 innbyggjarar og 300 hytter", ""},
	{"nn", "Ordrenummer 41234567 kom aldri", ""},
	{"nn", "Saka har nummer 2024/4711 i arkivet", ""},
	/* sv */
	{"sv", "Mötet är 2024-03-12 kl 14:30", ""},
	{"sv", "Det kostar 1 250:- per person", ""},
	{"sv", "Ärendenummer 2024/1234", ""},
	{"sv", "Dnr 2024-00123", ""},
	{"sv", "Biljetten kostar 450 kr", ""},
	{"sv", "Öppet 10-16 på lördagar", ""},
	{"sv", "Ring 112 vid nödfall", ""},
	{"sv", "Organisationsnummer 556016-0680", ""},
	{"sv", "Vi blev 20 000 besökare 2023", ""},
	/* da */
	{"da", "Mødet er den 12.03.2024 kl. 14.30", ""},
	{"da", "Prisen er 1.250 kr", ""},
	{"da", "Sagsnr. 24/01234", ""},
	{"da", "CVR 13585628", ""},
	{"da", "Ordre nr. 20241234 er sendt", ""},
	{"da", "Der var 2500 deltagere", ""},
	{"da", "Det koster 12.500,00 kr", ""},
	/* en */
	{"en", "Meeting on 12/03/2024 at 2.30pm", ""},
	{"en", "Order 2024-123456 hasn't arrived", ""},
	{"en", "Ref 123456789", ""},
	{"en", "Costs £1,250 per year", ""},
	{"en", "Turnout was 45%", ""},
	{"en", "Case number 24/01234", ""},
	{"en", "See https://example.com/page/41234567", ""},
	{"en", "We had 1,500 visitors in 2023", ""},
	{"en", "Open 9-5, Mon-Fri", ""},
	{"en", "Boarding at Gate 3 now", ""},
	{"en", "Invoice 98765432 is overdue", ""},
	{"en", "Version 41.23.45.67 is out", ""},
	{NULL, "@kommunen 41234567 likes, wow", ""},
	{NULL, "#41234567", ""},
};
/* clang-format on */

#define N(a) (sizeof(a) / sizeof((a)[0]))

T_TEST(positives)
{
	T_ASSERT(N(positive) >= 40);
	for (size_t i = 0; i < N(positive); i++)
		if (!T_EQ_STR(render(positive[i].lang, positive[i].text),
		              positive[i].want))
			fprintf(stderr, "     in: %s\n", positive[i].text);
}

T_TEST(negatives)
{
	T_ASSERT(N(negative) >= 40);
	for (size_t i = 0; i < N(negative); i++)
		if (!T_EQ_STR(render(negative[i].lang, negative[i].text), ""))
			fprintf(stderr, "     in: %s\n", negative[i].text);
}

T_TEST(details)
{
	struct pdata_hit h[8];
	const char *t = "Ring +46 70 123 45 67 eller 412 34 567, fnr "
	                "13097248022, konto 1234.56.78903";
	int n = pdata_find(t, strlen(t), "nb", h, 8);
	if (!T_EQ_INT(n, 4))
		return;
	T_EQ_STR(h[0].detail, "se_mobile");
	T_EQ_INT(h[0].confident, 1);
	T_EQ_STR(h[1].detail, "no_mobile");
	T_EQ_STR(h[2].detail, "no_fnr");
	T_EQ_INT(h[2].kind, PD_NATIONAL_ID);
	T_EQ_STR(h[3].detail, "no_account");
	T_EQ_INT(h[3].kind, PD_OTHER);
	/* in text order, inside the text */
	for (int i = 1; i < n; i++)
		T_ASSERT(h[i].start >= h[i - 1].end);
	/* Danish: an 8-digit number is a Danish phone */
	n = pdata_find("ring 20123456", 13, "da", h, 8);
	T_EQ_INT(n, 1);
	T_EQ_STR(h[0].detail, "dk_phone");
	/* whole and ungrouped without context: not confident */
	n = pdata_find("41234567", 8, "nb", h, 8);
	T_EQ_INT(n, 1);
	T_EQ_INT(h[0].confident, 0);
	/* a health word tied to a person is confident */
	n = pdata_find("min sønn har astma", 19, "nb", h, 8);
	T_EQ_INT(n, 1);
	T_EQ_INT(h[0].confident, 1);
	T_EQ_STR(h[0].detail, "health_word");
	n = pdata_find("astma er vanlig", 15, "nb", h, 8);
	T_EQ_INT(h[0].confident, 0);
	T_EQ_STR(pdata_kind_name(PD_HEALTH), "health");
	T_EQ_STR(pdata_kind_name(PD_OTHER), "other");
	T_EQ_STR(pdata_kind_name(PD__COUNT), NULL);
}

T_TEST(language_lists)
{
	/* a Swedish health word in a Danish comment is not looked for;
	 * with no language every list is */
	T_EQ_STR(render("da", "hon har ångest"), "");
	T_EQ_STR(render(NULL, "hon har ångest"), "health:ångest");
	T_EQ_STR(render("sv", "hon har ångest"), "health:ångest");
	/* English streets only for English (or no language) */
	T_EQ_STR(render("nb", "bor i 12 High Street"), "");
	T_EQ_STR(render(NULL, "bor i 12 High Street"),
	         "address:12 High Street");
	/* an unknown tag: every list */
	T_EQ_STR(render("de", "hat diabetes"), "health:diabetes");
}

T_TEST(merging)
{
	struct pdata_hit h[4];
	/* a valid fødselsnummer is also a valid account number whole: one
	 * hit, the stronger kind */
	const char *t = "kontonummer 13097248022";
	int n = pdata_find(t, strlen(t), "nb", h, 4);
	T_EQ_INT(n, 1);
	T_EQ_INT(h[0].kind, PD_NATIONAL_ID);
	/* max caps the output */
	t = "ring 41234567, 98765432 eller 41 23 45 67";
	T_EQ_INT(pdata_find(t, strlen(t), NULL, h, 2), 2);
	T_EQ_INT(pdata_find(t, strlen(t), NULL, h, 0), 0);
	T_EQ_INT(pdata_find(NULL, 0, NULL, h, 4), 0);
	T_EQ_INT(pdata_find("", 0, NULL, h, 4), 0);
}

T_TEST(broken_and_long)
{
	struct pdata_hit h[8];
	static const char bad[] = "\xff 412 34 567\xc3 ring\xe2\x82 \xf0";
	size_t n = 1u << 20;
	char *big = malloc(n);
	int k;
	k = pdata_find(bad, sizeof(bad) - 1, NULL, h, 8);
	T_EQ_INT(k, 1);
	T_EQ_INT(h[0].kind, PD_PHONE);
	/* NUL inside the text: just a character */
	T_EQ_INT(pdata_find("ring\0 41234567", 14, NULL, h, 8), 1);
	if (!T_ASSERT(big != NULL))
		return;
	/* 1 MiB of digits and separators: only 64 KiB read, no hit */
	for (size_t i = 0; i < n; i++)
		big[i] = "1 2.3-4"[i % 7];
	T_EQ_INT(pdata_find(big, n, NULL, h, 8), 0);
	/* a phone past 64 KiB is not seen, one before it is */
	memset(big, 'a', n);
	memcpy(big + 100, " 41234567 ", 10);
	memcpy(big + 70000, " 98765432 ", 10);
	k = pdata_find(big, n, NULL, h, 8);
	T_EQ_INT(k, 1);
	T_EQ_INT(h[0].start, 101);
	/* glued to letters: no number */
	memcpy(big + 100, "a41234567a", 10);
	T_EQ_INT(pdata_find(big, n, NULL, h, 8), 0);
	/* many '@' and many health words: bounded work, capped hits */
	for (size_t i = 0; i < n; i++)
		big[i] = "a@b.c @"[i % 7];
	T_ASSERT(pdata_find(big, n, NULL, h, 8) <= 8);
	for (size_t i = 0; i + 6 < n; i += 6)
		memcpy(big + i, "astma ", 6);
	T_EQ_INT(pdata_find(big, n, NULL, h, 8), 8);
	/* a phone after thousands of health words is still found */
	memcpy(big + 60000, " 41234567 ", 10);
	{
		int found = 0;
		struct pdata_hit *many = calloc(300, sizeof(*many));
		if (T_ASSERT(many != NULL)) {
			k = pdata_find(big, n, NULL, many, 300);
			for (int i = 0; i < k; i++)
				found |= many[i].kind == PD_PHONE;
			T_ASSERT(found);
		}
		free(many);
	}
	free(big);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(positives), T_ENTRY(negatives),
	    T_ENTRY(details),   T_ENTRY(language_lists),
	    T_ENTRY(merging),   T_ENTRY(broken_and_long)};
	return T_RUN(tests, argc, argv);
}
