/*
 * pdata.c - personal data in free text (pdata.h, docs/TRIAGE.md "Personal
 * data").
 *
 * One call makes four passes over at most PD_TEXT_MAX bytes, each linear:
 *  1. tokens: URLs (and bare host/path tokens) are masked, so no number in
 *     them is read; e-mail addresses are found and masked too;
 *  2. identity numbers: idnum_find(), unchanged;
 *  3. words (text_next_word): street names with a house number, and words
 *     about health from per-language stem lists;
 *  4. numbers: a run of digit groups joined by single spaces, dots or
 *     hyphens (with a leading + or 00) is read once and then judged as a
 *     Norwegian bank account number, a phone number, or a postcode with a
 *     place after it.  What surrounds the run decides as much as its
 *     shape: a currency, an order, case or reference word before it, a
 *     unit, per cent, ",-" or a letter after it rule it out; a date shape,
 *     a thousands grouping or a mixed grouping is never a phone.
 * Candidates go into a fixed array (PD_CAND_MAX; the passes run in the
 * order above, so the strongest kinds are kept when a long text fills it,
 * and health words take at most half of it, so numbers still fit),
 * are sorted by position, and overlapping ones are merged into the
 * stronger kind.  Nothing is allocated.
 */
#include "pdata.h"

#include "idnum.h"
#include "lang.h"
#include "lower.h"
#include "stem.h"

#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#define PD_TEXT_MAX   (64 * 1024) /* bytes of a text that are read */
#define PD_CAND_MAX   256         /* candidates kept before merging */
#define PD_HEALTH_MAX 128 /* … of which health words, so numbers fit */
#define PD_WORD_MAX   64  /* longer words are not looked up */
#define RUN_GROUPS    8   /* digit groups in one number */
#define RUN_DIGITS    20  /* digits in one number */
#define CTX_WORDS     3   /* words before a number that are read */
#define CTX_BYTES     48  /* … within this many bytes */
#define STEM_REST     7   /* bytes a health stem may be followed by */
#define PERSON_WORDS  6   /* words before a health word for `confident` */

const char *
pdata_kind_name(enum pdata_kind k)
{
	static const char *const n[PD__COUNT] = {
	    "national_id", "phone", "email", "address", "health", "other"};
	return (int)k >= 0 && k < PD__COUNT ? n[k] : NULL;
}

/* --- candidates ---------------------------------------------------------- */

struct scan {
	const char *t;
	size_t len;
	int lang;                            /* enum lang_code, -1: all */
	unsigned char mask[PD_TEXT_MAX / 8]; /* bytes inside URLs/e-mails */
	struct pdata_hit cand[PD_CAND_MAX];
	int ncand, nhealth;
	int street_from, street_to; /* street candidates: cand[from..to) */
};

static void
cand_add(struct scan *s, enum pdata_kind k, size_t start, size_t end,
         const char *detail, int confident)
{
	struct pdata_hit *h;
	if (s->ncand >= PD_CAND_MAX || end <= start)
		return;
	h = &s->cand[s->ncand++];
	h->kind = k;
	h->start = start;
	h->end = end;
	h->detail = detail;
	h->confident = confident;
}

static int
masked(const struct scan *s, size_t i)
{
	return (s->mask[i >> 3] >> (i & 7)) & 1;
}

static void
mask_range(struct scan *s, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++)
		s->mask[i >> 3] |= (unsigned char)(1u << (i & 7));
}

/* --- characters ---------------------------------------------------------- */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
digit_at(const struct scan *s, size_t i)
{
	return i < s->len && is_digit((unsigned char)s->t[i]);
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int
is_ascii_alpha(int c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* The code point before byte i (0 at the start or for invalid UTF-8). */
static ucs4_t
cp_before(const struct scan *s, size_t i)
{
	const uint8_t *u = (const uint8_t *)s->t;
	size_t k = i;
	ucs4_t c;
	if (i == 0)
		return 0;
	while (k > 0 && i - k < 4 && (u[k - 1] & 0xc0) == 0x80)
		k--;
	if (k == 0)
		return 0;
	k--;
	if (u8_mbtouc(&c, u + k, i - k) != (int)(i - k) || c == 0xfffd)
		return 0;
	return c;
}

/* The code point at byte i and its length in *n (1 for invalid bytes). */
static ucs4_t
cp_at(const struct scan *s, size_t i, int *n)
{
	ucs4_t c = 0;
	*n = 1;
	if (i >= s->len)
		return 0;
	*n = u8_mbtouc(&c, (const uint8_t *)s->t + i, s->len - i);
	if (*n < 1)
		*n = 1;
	return c == 0xfffd ? 0 : c;
}

/* Length of a separator inside a number at i: space, no-break space,
 * dot or hyphen; 0 when none. */
static int
sep_at(const struct scan *s, size_t i, char *kind)
{
	if (i >= s->len)
		return 0;
	if (s->t[i] == ' ' || s->t[i] == '.' || s->t[i] == '-') {
		*kind = s->t[i];
		return 1;
	}
	if (i + 1 < s->len && (unsigned char)s->t[i] == 0xc2 &&
	    (unsigned char)s->t[i + 1] == 0xa0) {
		*kind = ' ';
		return 2;
	}
	return 0;
}

/* --- word lists ---------------------------------------------------------- */

static int
in_list(const char *const *l, const char *w)
{
	for (; *l; l++)
		if (strcmp(*l, w) == 0)
			return 1;
	return 0;
}

/* Words before a number that make it an order, case, reference, customer,
 * invoice or organisation number, or an amount: never a phone. */
/* clang-format off */
static const char *const neg_words[] = {
    "ordre", "ordren", "ordrenr", "ordrenummer", "order", "ordernr",
    "ordernummer", "bestilling", "bestillingsnr", "bestillingsnummer",
    "beställning", "bestilling", "sak", "saken", "saksnr", "saksnummer",
    "sagsnr", "sagsnummer", "sag", "ärende", "ärendet", "ärendenr",
    "ärendenummer", "diarienr", "diarienummer", "dnr", "journalnr",
    "journalnummer", "journalpost", "arkivsak", "arkivsaksnr", "ref", "ref.",
    "refnr", "referanse", "referansenr", "reference", "referens",
    "referencenr", "faktura", "fakturanr", "fakturanummer", "invoice", "kid",
    "kidnr", "ocr", "kundenr", "kundenummer", "kundnr", "kundnummer",
    "customer", "org.nr", "orgnr", "org", "organisasjonsnummer",
    "organisationsnummer", "cvr", "cvr-nr", "vat", "mva", "momsnr", "id",
    "tracking", "sporingsnummer", "kolli", "kollinr", "pakke", "pakkenr",
    "sending", "sendingsnr", "isbn", "issn", "varenr", "varenummer",
    "artikkel", "artikelnr", "art.nr", "serienr", "serienummer", "serial",
    "modell", "model", "postboks", "box", "boks", "ticket", "billett",
    "billet", "biljett", "booking", "bookingnr", "reservasjon", "kvittering",
    "kvitto", "kvittering", "lån", "lånenr", "policy", "polise", "polisenr",
    "forsikring", "ca", "ca.", "cirka", "omkring", "rundt", "over", "under",
    "totalt", "sum", "kostet", "koster", "kostar", "kostede", "costs", "cost",
    "pris", "priset", "price", "betalte", "betalt", "betalade", "paid",
    "beløp", "belopp", "beløb", "amount", "budsjett", "budget", "budsjettet",
    "år", "året", "år:", "year", "siden", "sedan", "since", "i", "in", "kl",
    "kl.", "klokka", "klockan", "klokken", "dato", "datum", "date", "den",
    "version", "versjon", "v", "rom", "room", "rum", "bygg", "vedtak",
    "vedtaksnr", "lov", "paragraf", "§", "tiltak", "prosjekt", "projekt",
    "project", "konto", NULL};
/* clang-format on */
/* Currencies before a number. */
/* clang-format off */
static const char *const currency_words[] = {
    "kr", "kr.", "nok", "sek", "dkk", "eur", "euro", "usd", "gbp", "€", "$",
    "£", NULL};
/* clang-format on */
/* Words before a number that say it is a phone number. */
/* clang-format off */
static const char *const phone_words[] = {
    "tlf", "tlf.", "tlf:", "tel", "tel.", "telefon", "telefonnr",
    "telefonnummer", "telefonnummeret", "mobil", "mobilnr", "mobilnummer",
    "mobilnummeret", "mob", "mob.", "ring", "ringe", "ringer", "ringa",
    "ringer", "ringt", "sms", "phone", "call", "text", "whatsapp", "signal",
    "nås", "nå", "treffes", "nummer", "nummeret", "numret", "number", "tlfnr",
    "tlf.nr", "tlf.nr.", "mobilnr.", "telefonnr.", "tlf.:", "mobile", "cell",
    NULL};
/* clang-format on */
/* Words before a number that say it is an account number. */
/* clang-format off */
static const char *const account_words[] = {
    "konto", "kontonr", "kontonr.", "kontonummer", "kontonummeret",
    "bankkonto", "bankkontonummer", "account", "acc", "kontoen", "kontot",
    "kontoen", "vipps", "overfør", "overføre", "overfør", NULL};
/* clang-format on */
/* Words after a number that make it an amount, a count or a measure. */
/* clang-format off */
static const char *const unit_words[] = {
    "kr", "kr.", "kroner", "kronor", "krone", "krona", "nok", "sek", "dkk",
    "eur", "euro", "usd", "%", "prosent", "procent", "percent", "pct", "stk",
    "st", "pcs", "stykker", "styck", "personer", "personar", "people",
    "innbyggere", "innbyggjarar", "invånare", "indbyggere", "timer", "timar",
    "timmar", "hours", "min", "minutter", "minuter", "dager", "dagar", "dage",
    "days", "uker", "veker", "veckor", "uger", "weeks", "år", "years", "km",
    "m", "meter", "mil", "kg", "ganger", "gonger", "gånger", "gange", "times",
    "kvm", "m2", "m²", "likes", "liker", "gillar", "views", "visninger",
    "visningar", "følgere", "fylgjarar", "följare", "followers", "delinger",
    "shares", "kommentarer", "kommentarar", "comments", "stemmer", "röster",
    "votes", "underskrifter", "signatures", NULL};
/* clang-format on */

enum ctx { CTX_NONE, CTX_NEG, CTX_CURRENCY, CTX_PHONE, CTX_ACCOUNT };

/* The nearest telling word among the CTX_WORDS words before byte `at`
 * (within CTX_BYTES). */
static enum ctx
context_before(const struct scan *s, size_t at)
{
	size_t i = at, floor = at > CTX_BYTES ? at - CTX_BYTES : 0;
	for (int w = 0; w < CTX_WORDS && i > floor; w++) {
		size_t we, ws;
		char low[32];
		/* skip what separates words (not '.', part of "nr.") */
		while (i > floor && (is_space((unsigned char)s->t[i - 1]) ||
		                     strchr(":#()[],;=/", s->t[i - 1]) != NULL))
			i--;
		we = i;
		while (i > floor && !is_space((unsigned char)s->t[i - 1]) &&
		       strchr(":#()[],;=/", s->t[i - 1]) == NULL)
			i--;
		ws = i;
		if (we == ws || (ws == floor && floor > 0 &&
		                 !is_space((unsigned char)s->t[floor - 1])))
			break; /* nothing, or a word cut by the window */
		if (!text_lower(s->t + ws, we - ws, low, sizeof(low)))
			continue;
		/* "tlf nr", "ordre nr.": the word before decides */
		if (strcmp(low, "nr") == 0 || strcmp(low, "nr.") == 0 ||
		    strcmp(low, "no.") == 0) {
			w--;
			continue;
		}
		if (in_list(currency_words, low))
			return CTX_CURRENCY;
		if (in_list(account_words, low))
			return CTX_ACCOUNT;
		if (in_list(phone_words, low))
			return CTX_PHONE;
		if (in_list(neg_words, low))
			return CTX_NEG;
		/* "kundenr", "saksnummer", "ärendenumret": some other number */
		if ((we - ws > 2 && strcmp(low + (we - ws) - 2, "nr") == 0) ||
		    (we - ws > 3 && strcmp(low + (we - ws) - 3, "nr.") == 0) ||
		    (we - ws > 6 && strstr(low, "nummer") != NULL) ||
		    (we - ws > 6 && strstr(low, "numret") != NULL))
			return CTX_NEG;
	}
	return CTX_NONE;
}

/* 1 when a unit, currency or per cent follows the number ending at i. */
static int
unit_after(const struct scan *s, size_t i)
{
	size_t ws, we;
	char low[16];
	if (i < s->len && s->t[i] == ' ')
		i++;
	ws = i;
	while (i < s->len && !is_space((unsigned char)s->t[i]) &&
	       strchr(",;!?()", s->t[i]) == NULL && i - ws < 12)
		i++;
	we = i;
	if (we > ws && s->t[we - 1] == '.')
		we--;
	if (we == ws || !text_lower(s->t + ws, we - ws, low, sizeof(low)))
		return 0;
	return in_list(unit_words, low) || strcmp(low, ",-") == 0 ||
	       strcmp(low, ":-") == 0;
}

/* --- pass 1: URLs and e-mail addresses ---------------------------------- */

static int
host_char(int c)
{
	return is_ascii_alpha(c) || is_digit(c) || c == '-' || c == '.';
}

/* 1 when the token t[0..n) is a URL or a bare host with a path
 * ("nav.no/123", "www.kommune.no"). */
static int
url_token(const char *t, size_t n)
{
	size_t i = 0, lastdot = 0;
	int letters = 0;
	if (n >= 4 && (t[0] | 0x20) == 'w' && (t[1] | 0x20) == 'w' &&
	    (t[2] | 0x20) == 'w' && t[3] == '.')
		return 1;
	for (size_t k = 0; k + 2 < n; k++)
		if (t[k] == ':' && t[k + 1] == '/' && t[k + 2] == '/')
			return 1;
	/* host.tld/… */
	for (i = 0; i < n && host_char((unsigned char)t[i]); i++)
		if (t[i] == '.')
			lastdot = i + 1;
	if (i == n || t[i] != '/' || lastdot == 0)
		return 0;
	for (size_t k = lastdot; k < i; k++) {
		if (!is_ascii_alpha((unsigned char)t[k]))
			return 0;
		letters++;
	}
	return letters >= 2;
}

static int
local_char(int c)
{
	return is_ascii_alpha(c) || is_digit(c) || (c && strchr("._%+-", c));
}

/* Finds an e-mail address around the '@' at p; its range in *a, *b. */
static int
email_at(const struct scan *s, size_t p, size_t *a, size_t *b)
{
	size_t i = p, j = p + 1, lastdot = 0;
	while (i > 0 && p - i < 64 && local_char((unsigned char)s->t[i - 1]) &&
	       !masked(s, i - 1))
		i--;
	while (i < p && s->t[i] == '.')
		i++;
	if (i == p)
		return 0;
	while (j < s->len && j - p < 254 && host_char((unsigned char)s->t[j]))
		j++;
	while (j > p + 1 && (s->t[j - 1] == '.' || s->t[j - 1] == '-'))
		j--;
	for (size_t k = p + 1; k < j; k++)
		if (s->t[k] == '.')
			lastdot = k + 1;
	if (lastdot == 0 || lastdot == p + 2 || j - lastdot < 2)
		return 0;
	for (size_t k = lastdot; k < j; k++)
		if (!is_ascii_alpha((unsigned char)s->t[k]))
			return 0;
	*a = i;
	*b = j;
	return 1;
}

static void
pass_tokens(struct scan *s)
{
	size_t i = 0;
	while (i < s->len) {
		size_t ts;
		while (i < s->len && is_space((unsigned char)s->t[i]))
			i++;
		ts = i;
		while (i < s->len && !is_space((unsigned char)s->t[i]))
			i++;
		if (i > ts && url_token(s->t + ts, i - ts))
			mask_range(s, ts, i);
	}
	for (i = 0; i < s->len; i++) {
		size_t a, b;
		if (s->t[i] != '@' || masked(s, i) || !email_at(s, i, &a, &b))
			continue;
		cand_add(s, PD_EMAIL, a, b, "email", 1);
		mask_range(s, a, b);
		i = b - 1;
	}
}

/* --- pass 2: identity numbers -------------------------------------------- */

static void
pass_idnum(struct scan *s)
{
	struct idnum_hit h[64];
	int n = idnum_find(s->t, s->len, h, 64);
	for (int k = 0; k < n && k < 64; k++)
		cand_add(s, PD_NATIONAL_ID, h[k].start, h[k].end,
		         idnum_kind_name(h[k].kind), h[k].confident);
}

static int run_may_start(const struct scan *s, size_t i);

/* --- pass 3: streets and health words ------------------------------------ */

enum { L_NO = 1, L_SV = 2, L_DA = 4, L_EN = 8 };

static unsigned
lang_bits(int lang)
{
	switch (lang) {
	case LANG_NB:
	case LANG_NN:
		return L_NO;
	case LANG_SV:
		return L_SV;
	case LANG_DA:
		return L_DA;
	case LANG_EN:
		return L_EN;
	default:
		return L_NO | L_SV | L_DA | L_EN;
	}
}

/* Street-name endings.  `alone`: the ending may stand as its own word
 * after a capitalised name ("Kongens gate"); `lower`: a lower-case
 * compound counts too ("storgata 5"). */
struct street {
	const char *end;
	unsigned char alone, compound, lower;
};

/* clang-format off */
static const struct street streets_nordic[] = {
	/* nb/nn */
	{"gata", 1, 1, 1}, {"gate", 1, 1, 1}, {"gaten", 1, 1, 1}, {"vegen", 1, 1, 1},
	{"veien", 1, 1, 1}, {"vei", 1, 1, 1}, {"veg", 1, 1, 1}, {"plass", 1, 1, 0},
	{"plassen", 1, 1, 0}, {"torget", 1, 1, 0}, {"torg", 1, 1, 0}, {"allé", 1, 1, 1},
	{"alléen", 1, 1, 0}, {"bakken", 0, 1, 0}, {"stien", 0, 1, 0}, {"kroken", 0, 1, 0},
	{"haugen", 0, 1, 0}, {"ringen", 0, 1, 0}, {"svingen", 0, 1, 0},
	{"løkka", 0, 1, 0}, {"brygga", 0, 1, 0}, {"bryggen", 0, 1, 0}, {"kaia", 0, 1, 0},
	{"tunet", 0, 1, 0}, {"stubben", 0, 1, 0}, {"åsen", 0, 1, 0}, {"jordet", 0, 1, 0},
	/* sv */
	{"gatan", 1, 1, 1}, {"vägen", 1, 1, 1}, {"väg", 1, 1, 1}, {"gränd", 1, 1, 0},
	{"gränden", 1, 1, 0}, {"allén", 1, 1, 0}, {"backe", 0, 1, 0}, {"backen", 0, 1, 0},
	{"stigen", 0, 1, 0}, {"leden", 0, 1, 0}, {"kajen", 0, 1, 0}, {"esplanaden", 0, 1, 0},
	/* da */
	{"gade", 1, 1, 1}, {"gaden", 1, 1, 0}, {"vej", 1, 1, 1}, {"vejen", 1, 1, 1},
	{"plads", 1, 1, 0}, {"pladsen", 1, 1, 0}, {"torv", 1, 1, 0}, {"torvet", 1, 1, 0},
	{"stræde", 1, 1, 0}, {"strædet", 1, 1, 0}, {"vænge", 0, 1, 0}, {"vænget", 0, 1, 0},
	{"boulevard", 1, 1, 0}, {"alle", 1, 0, 0},
};
/* English: "12 High Street", the number before the name */
static const char *const streets_en[] = {
	"street", "road", "avenue", "lane", "drive", "close", "crescent",
	"terrace", "grove", "gardens", "square", "way", "place", "row", NULL};
/* clang-format on */

#define NSTREETS (sizeof(streets_nordic) / sizeof(streets_nordic[0]))

/* Health stems.  "stem*": the word starts with the stem, and at most
 * STEM_REST bytes follow ("diabet*" → "diabetes", "diabetiker");
 * "*stem…": the stem may also end a compound ("brystkreft"); no "*": the
 * word as written. */
/* clang-format off */
static const char *const health_no[] = {
	"*kreft*", "diabet*", "astma*", "epilep*", "depresj*", "deprimert*",
	"angst*", "adhd", "autis*", "schizofren*", "bipolar*", "psykos*",
	"psykisk*", "psykiatri*", "psykolog*", "*spiseforstyrr*", "anoreksi*",
	"bulimi*", "selvmord*", "sjølvmord*", "selvskad*", "sjølvskad*",
	"rusmisbruk*", "rusavhengig*", "*rusproblem*", "alkoholi*", "demen*",
	"alzheimer*", "parkinson*", "*sklerose*", "hjerneslag*", "*infarkt*",
	"*sykdom*", "*sjukdom*", "syk", "sjuk", "sykemeld*", "sjukmeld*",
	"sykmeld*", "innlagt*", "diagnos*", "medisin*", "*medisiner",
	"tablett*", "resept*", "antidepress*", "insulin*", "cellegift*",
	"strålebehandl*", "kjemoterapi*", "terapi*", "terapeut*", "fysioterap*",
	"rehabilit*", "gravid*", "svangerskap*", "abort*", "*abort",
	"ufør*", "uføretrygd*", "funksjonshem*", "funksjonsnedsett*",
	"rullestol*", "handikap*", "blind", "døv", "døve", "hørselshem*",
	"utviklingshem*", "allergi*", "hiv", "aids", "hepatitt*", "klamydia",
	"kjønnssykdom*", "smittet", "migrene*", "fibromyalgi*", "revmat*",
	"leddgikt*", "artrose*", "cøliaki*", "crohn*", "kols",
	"*betennelse*", "tinnitus", "utbrent*", "legeerklæring*",
	"pasient*", "pasientjournal*", "fastlege*", "psykiater*", "dps", "bup",
	"blodtrykk*", "kolesterol*", "overdose*", "narkoman*", "metadon*",
	"ptsd", "ocd", "tourette*", "dysleksi*", "smerte*", "kronisk*",
	"svulst*", "tumor*", "leukemi*", "lymfom*", "antibiotika*", "morfin*",
	"opioid*", "dialyse*", "hjertefeil*", "*kreftsyk*", NULL};
static const char *const health_sv[] = {
	"*cancer*", "diabet*", "astma*", "epileps*", "depression*",
	"deprimerad*", "ångest*", "adhd", "autis*", "schizofren*", "bipolär*",
	"psykos*", "psykisk*", "psykiatri*", "psykolog*", "*ätstörning*",
	"anorexi*", "bulimi*", "självmord*", "självskad*", "missbruk*",
	"alkoholi*", "demens*", "alzheimer*", "parkinson*", "*skleros*",
	"stroke*", "*infarkt*", "*sjukdom*", "sjuk", "sjukskriv*", "inlagd*",
	"diagnos*", "medicin*", "*mediciner", "tablett*", "antidepress*",
	"insulin*", "cellgift*", "cytostatika*", "strålbehandl*",
	"kemoterapi*", "terapi*", "terapeut*", "fysioterap*", "rehabiliter*",
	"gravid*", "graviditet*", "abort*", "missfall*", "funktionsneds*",
	"funktionshind*", "rullstol*", "handikapp*", "blind", "döv", "döva",
	"hörselskad*", "utvecklingsstör*", "allergi*", "hiv", "aids",
	"hepatit*", "klamydia", "könssjukdom*", "smittad*", "migrän*",
	"fibromyalgi*", "reumat*", "ledgångsreumat*", "artros*", "celiaki*",
	"crohn*", "*inflammation*", "tinnitus", "utbränd*",
	"utmattningssyndrom*", "läkarintyg*", "patient*", "psykiater*", "bup",
	"blodtryck*", "kolesterol*", "överdos*", "narkoman*", "metadon*",
	"ptsd", "ocd", "tourette*", "dyslexi*", "smärt*", "kronisk*",
	"tumör*", "leukemi*", "lymfom*", "läkemedel*", "antibiotika*",
	"morfin*", "opioid*", "sjukersättning*", "dialys*", NULL};
static const char *const health_da[] = {
	"*kræft*", "*cancer*", "diabet*", "astma*", "epileps*", "depression*",
	"deprimeret*", "angst*", "adhd", "autis*", "skizofren*", "bipolar*",
	"psykose*", "psykisk*", "psykiatri*", "psykolog*",
	"*spiseforstyrr*", "anoreksi*", "bulimi*", "selvmord*", "selvskad*",
	"misbrug*", "alkoholi*", "demens*", "alzheimer*", "parkinson*",
	"*sklerose*", "blodprop*", "hjerneblødning*", "*infarkt*", "*sygdom*",
	"syg", "syge", "sygemeld*", "indlagt*", "diagnos*", "medicin*",
	"recept*", "antidepress*", "insulin*", "kemoterapi*", "kemobehandl*",
	"strålebehandl*", "terapi*", "terapeut*", "fysioterap*", "genoptræn*",
	"gravid*", "graviditet*", "abort*", "handicap*", "kørestol*", "blind",
	"døv", "døve", "hørehæm*", "udviklingshæm*", "allergi*", "hiv", "aids",
	"hepatitis", "klamydia", "kønssygdom*", "smittet", "migræne*",
	"fibromyalgi*", "gigt*", "leddegigt*", "slidgigt*", "cøliaki*",
	"crohn*", "kol", "*betændelse*", "tinnitus", "udbrændt*",
	"lægeerklæring*", "patient*", "psykiater*", "blodtryk*", "kolesterol*",
	"overdosis*", "narkoman*", "metadon*", "ptsd", "ocd", "tourette*",
	"ordblind*", "smerte*", "kronisk*", "svulst*", "tumor*", "leukæmi*",
	"lymfom*", "antibiotika*", "morfin*", "opioid*", "førtidspension*",
	"fleksjob*", "dialyse*", NULL};
static const char *const health_en[] = {
	"cancer*", "*cancer", "diabet*", "asthma*", "epilep*", "depression*",
	"depressed", "anxiety", "adhd", "autis*", "schizophren*", "bipolar*",
	"psychosis", "psychotic", "psychiatr*", "psycholog*", "anorexi*",
	"bulimi*", "suicid*", "addict*", "alcoholi*", "dementia*",
	"alzheimer*", "parkinson*", "sclerosis", "stroke", "infarct*",
	"illness*", "disease*", "diagnos*", "medication*", "medicine*",
	"prescription*", "antidepressant*", "insulin*", "chemo*",
	"radiotherapy", "therapy", "therapist*", "physio*", "rehab",
	"rehabilitation", "pregnan*", "miscarriage*", "abortion*",
	"disabilit*", "disabled", "wheelchair*", "blind", "deaf", "allerg*",
	"hiv", "aids", "hepatitis", "chlamydia", "infected", "migraine*",
	"fibromyalgia", "arthritis", "coeliac", "celiac", "crohn*", "copd",
	"pneumonia", "inflammation", "tinnitus", "burnout", "patient*",
	"psychiatrist*", "cholesterol", "overdos*", "methadone", "ptsd", "ocd",
	"tourette*", "dyslexi*", "chronic", "tumour*", "tumor*", "leukaemia",
	"leukemia", "lymphoma", "antibiotic*", "morphine", "opioid*",
	"seizure*", "dialysis", "surgery", NULL};
/* clang-format on */

/* Words that tie a health word to a person ("my", "son", "she"). */
/* clang-format off */
static const char *const person_words[] = {
    "jeg", "eg", "meg", "min", "mi", "mitt", "mine", "mor", "far", "mamma",
    "pappa", "sønnen", "sonen", "datteren", "dattera", "dotter", "kona",
    "mannen", "barnet", "bror", "søster", "syster", "hun", "ho", "han", "jag",
    "mig", "mina", "son", "dottern", "frun", "hon", "mit", "søn", "datter",
    "konen", "manden", "me", "my", "mum", "mom", "dad", "daughter", "wife",
    "husband", "he", "she", "his", "her", NULL};
/* clang-format on */

/* 1 when the folded word w (n bytes) matches the stem entry e. */
static int
stem_match(const char *e, const char *w, size_t n)
{
	int compound = e[0] == '*';
	size_t el = strlen(e + compound), rest;
	int prefix = el > 0 && e[compound + el - 1] == '*';
	const char *stem = e + compound;
	size_t sl = el - (size_t)prefix;
	if (sl == 0 || sl > n)
		return 0;
	for (size_t at = 0; at + sl <= n; at++) {
		if (at > 0 && !compound)
			break;
		if (at > 0 && at < 3)
			continue; /* a compound has a first part */
		if (memcmp(w + at, stem, sl) != 0)
			continue;
		rest = n - at - sl;
		if (rest == 0 || (prefix && rest <= STEM_REST))
			return 1;
		if (at == 0 && !compound)
			return 0;
	}
	return 0;
}

static int
health_word(const char *w, size_t n, unsigned langs)
{
	const char *const *lists[4] = {health_no, health_sv, health_da,
	                               health_en};
	for (int k = 0; k < 4; k++) {
		if (!(langs & (1u << k)))
			continue;
		for (const char *const *e = lists[k]; *e; e++)
			if (stem_match(*e, w, n))
				return 1;
	}
	return 0;
}

/* A house number at i: 1–3 digits, then an optional letter written on
 * ("5B") or after a space ("4 A"); then a word boundary.  Returns its end,
 * or 0. */
static size_t
house_number(const struct scan *s, size_t i)
{
	size_t k = i;
	int n;
	while (k < s->len && is_digit((unsigned char)s->t[k]) && k - i < 4)
		k++;
	if (k == i || k - i > 3 || masked(s, i))
		return 0;
	if (k < s->len && is_ascii_alpha((unsigned char)s->t[k]) &&
	    !(k + 1 < s->len && uc_is_alnum(cp_at(s, k + 1, &n))))
		k++;
	else if (k + 1 < s->len && s->t[k] == ' ' && s->t[k + 1] >= 'A' &&
	         s->t[k + 1] <= 'H' &&
	         (k + 2 >= s->len || !uc_is_alnum(cp_at(s, k + 2, &n))))
		k += 2;
	if (k < s->len && (uc_is_alnum(cp_at(s, k, &n)) || s->t[k] == '%'))
		return 0;
	/* "12.30", "12,5", "12-14" (a range), "12/3": not a house number */
	if (k + 1 < s->len && strchr(".,:/-", s->t[k]) &&
	    is_digit((unsigned char)s->t[k + 1]))
		return 0;
	if (unit_after(s, k))
		return 0;
	return k;
}

/* The Danish floor and side after a house number: ", 2. tv", ", st. th.",
 * " 1. sal"; returns the new end. */
static size_t
floor_after(const struct scan *s, size_t e)
{
	static const char *const side[] = {"tv", "th", "mf", "sal"};
	size_t k = e;
	if (k < s->len && s->t[k] == ',')
		k++;
	if (k >= s->len || s->t[k] != ' ')
		return e;
	k++;
	if (k + 1 < s->len && s->t[k] == 's' && s->t[k + 1] == 't')
		k += 2;
	else if (digit_at(s, k))
		while (digit_at(s, k) && k - e < 6)
			k++;
	else
		return e;
	if (k < s->len && s->t[k] == '.')
		k++;
	if (k < s->len && s->t[k] == ' ')
		k++;
	for (size_t j = 0; j < 4; j++) {
		size_t l = strlen(side[j]);
		if (k + l <= s->len && memcmp(s->t + k, side[j], l) == 0 &&
		    (k + l == s->len ||
		     !is_ascii_alpha((unsigned char)s->t[k + l]))) {
			k += l;
			if (k < s->len && s->t[k] == '.')
				k++;
			return k;
		}
	}
	return e;
}

static int
capitalised(const struct scan *s, size_t ws)
{
	int n;
	return uc_is_upper(cp_at(s, ws, &n));
}

struct word {
	size_t ws, we;
	int person; /* a person word */
};

/* A Nordic street: word w (folded f, n bytes) ends with a street ending
 * and is followed by a house number; prev holds the words before. */
static void
street_nordic(struct scan *s, const struct word *w, const char *f, size_t n,
              const struct word *prev, int nprev)
{
	size_t e, start = w->ws;
	int cap = capitalised(s, w->ws);
	for (size_t k = 0; k < NSTREETS; k++) {
		const struct street *st = &streets_nordic[k];
		size_t el = strlen(st->end);
		if (n < el || strcmp(f + n - el, st->end) != 0)
			continue;
		if (n == el) {
			/* "Kongens gate": a capitalised word before it */
			if (!st->alone || nprev == 0 ||
			    !capitalised(s, prev[nprev - 1].ws) ||
			    prev[nprev - 1].we + 1 != w->ws)
				continue;
			start = prev[nprev - 1].ws;
			if (nprev >= 2 && capitalised(s, prev[nprev - 2].ws) &&
			    prev[nprev - 2].we + 1 == start)
				start = prev[nprev - 2].ws;
		} else if (!st->compound || n < el + 2 ||
		           (!cap && !st->lower)) {
			continue;
		}
		if (w->we >= s->len || s->t[w->we] != ' ' ||
		    !(e = house_number(s, w->we + 1)))
			continue;
		cand_add(s, PD_ADDRESS, start, floor_after(s, e), "street",
		         cap);
		return;
	}
}

/* An English street: "12 High Street", "221B Baker Street". */
static void
street_en(struct scan *s, const struct word *w, const char *f,
          const struct word *prev, int nprev)
{
	if (!in_list(streets_en, f) || !capitalised(s, w->ws))
		return;
	for (int k = nprev - 1, names = 0; k >= 0 && names <= 3; k--) {
		const struct word *p = &prev[k];
		size_t next = k + 1 < nprev ? prev[k + 1].ws : w->ws;
		if (p->we + 1 != next || s->t[p->we] != ' ')
			return;
		if (is_digit((unsigned char)s->t[p->ws])) {
			size_t e =
			    run_may_start(s, p->ws) &&
			            !(p->ws > 1 && s->t[p->ws - 1] == ' ' &&
			              is_digit((unsigned char)s->t[p->ws - 2]))
			        ? house_number(s, p->ws)
			        : 0;
			if (names > 0 && e == p->we)
				cand_add(s, PD_ADDRESS, p->ws, w->we, "street",
				         1);
			return;
		}
		if (!capitalised(s, p->ws))
			return;
		names++;
	}
}

static void
pass_words(struct scan *s)
{
	struct word prev[PERSON_WORDS];
	int nprev = 0;
	unsigned langs = lang_bits(s->lang);
	size_t pos = 0;
	struct word w;
	s->street_from = s->ncand;
	while (s->ncand < PD_CAND_MAX &&
	       text_next_word(s->t, s->len, &pos, &w.ws, &w.we)) {
		char f[PD_WORD_MAX + 1];
		size_t n = w.we - w.ws;
		w.person = 0;
		if (masked(s, w.ws))
			continue;
		if (text_lower(s->t + w.ws, n, f, sizeof(f))) {
			w.person = in_list(person_words, f);
			if (langs & (L_NO | L_SV | L_DA))
				street_nordic(s, &w, f, n, prev, nprev);
			if (langs & L_EN)
				street_en(s, &w, f, prev, nprev);
			if (s->nhealth < PD_HEALTH_MAX &&
			    health_word(f, n, langs)) {
				int person = 0;
				for (int k = 0; k < nprev; k++)
					person |= prev[k].person;
				cand_add(s, PD_HEALTH, w.ws, w.we,
				         "health_word", person);
				s->nhealth++;
			}
		}
		if (nprev == PERSON_WORDS) {
			memmove(prev, prev + 1, sizeof(prev[0]) * (nprev - 1));
			nprev--;
		}
		prev[nprev++] = w;
	}
	s->street_to = s->ncand;
}

/* --- pass 4: numbers ------------------------------------------------------ */

struct run {
	size_t start, end; /* bytes; start at the '+' when there is one */
	int plus;
	char d[RUN_DIGITS + 1];
	int nd, ng;
	int glen[RUN_GROUPS];
	char sep[RUN_GROUPS]; /* sep[k]: between group k and k + 1 */
	int overflow;
};

/* Reads the digit groups from i (a digit, or '+' before one). */
static void
read_run(const struct scan *s, size_t i, struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->start = i;
	if (s->t[i] == '+') {
		r->plus = 1;
		i++;
	}
	for (;;) {
		char kind = 0;
		int sl;
		size_t g = i;
		while (digit_at(s, i) && !masked(s, i)) {
			if (r->nd < RUN_DIGITS)
				r->d[r->nd] = s->t[i];
			r->nd++;
			i++;
		}
		if (r->ng < RUN_GROUPS)
			r->glen[r->ng] = (int)(i - g);
		r->ng++;
		r->end = i;
		sl = sep_at(s, i, &kind);
		if (sl == 0 || !digit_at(s, i + (size_t)sl) ||
		    masked(s, i + (size_t)sl))
			break;
		if (r->ng - 1 < RUN_GROUPS)
			r->sep[r->ng - 1] = kind;
		i += (size_t)sl;
	}
	if (r->nd > RUN_DIGITS || r->ng > RUN_GROUPS)
		r->overflow = 1;
	else
		r->d[r->nd] = 0;
}

/* 1 when a number may start at i: not glued to a letter, a digit, or a
 * decimal/date/case-number separator after a digit. */
static int
run_may_start(const struct scan *s, size_t i)
{
	ucs4_t p = cp_before(s, i);
	if (p == 0)
		return 1;
	if (uc_is_alnum(p) || p == '#' || p == '+' || p == '_' || p == '@')
		return 0;
	if ((p == '.' || p == ',' || p == '/' || p == '-' || p == ':') &&
	    i > 1 && is_digit((unsigned char)s->t[i - 2]))
		return 0;
	return 1;
}

/* 1 when what follows the run ends it cleanly. */
static int
run_ends_clean(const struct scan *s, size_t e)
{
	int n;
	char c;
	if (e >= s->len)
		return 1;
	c = s->t[e];
	if (uc_is_alnum(cp_at(s, e, &n)) || c == '%' || c == '_' || c == '@')
		return 0;
	if (e + 1 < s->len &&
	    (c == ',' || c == '/' || c == '.' || c == ':' || c == '-') &&
	    (is_digit((unsigned char)s->t[e + 1]) || s->t[e + 1] == '-'))
		return 0;
	return 1;
}

static int
num(const char *d, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (d[i] - '0');
	return v;
}

/* 1 when y/m/d could be a date of 1900–2099 (any day 1–31: a number
 * that is nearly a date is not taken for a phone either). */
static int
date_like(int y, int m, int d)
{
	return y >= 1900 && y < 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* 8 digits that read as DDMMYYYY or YYYYMMDD. */
static int
date8(const char *d)
{
	return date_like(num(d + 4, 4), num(d + 2, 2), num(d, 2)) ||
	       date_like(num(d, 4), num(d + 4, 2), num(d + 6, 2));
}

static int
groups_are(const struct run *r, int n, const int *len)
{
	if (r->ng != n)
		return 0;
	for (int k = 0; k < n; k++)
		if (r->glen[k] != len[k])
			return 0;
	return 1;
}

/* 1 when every separator of r from group `from` on is c. */
static int
seps_all(const struct run *r, int from, char c)
{
	for (int k = from; k < r->ng - 1; k++)
		if (r->sep[k] != c)
			return 0;
	return 1;
}

/* Norwegian bank account: 11 digits, mod 11 with weights 5432765432. */
static int
no_account_ok(const char *d)
{
	static const int w[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
	int sum = 0, k;
	for (int i = 0; i < 10; i++)
		sum += w[i] * (d[i] - '0');
	k = 11 - sum % 11;
	if (k == 11)
		k = 0;
	return k != 10 && k == d[10] - '0';
}

/* An 8-digit Norwegian or Danish number without a country code. */
static const char *
phone_nordic8(const struct scan *s, const struct run *r, enum ctx c,
              int *confident)
{
	static const int g323[] = {3, 2, 3}, g2222[] = {2, 2, 2, 2},
	                 g44[] = {4, 4};
	const char *d = r->d;
	int grouped;
	if (d[0] < '2' || d[0] == '8')
		return NULL; /* 0/1 are not subscriber numbers, 8 is service */
	if (r->ng == 1) {
		if (date8(d))
			return NULL;
		if (!(d[0] == '4' || d[0] == '9' || c == CTX_PHONE ||
		      s->lang == LANG_DA))
			return NULL;
		grouped = 0;
	} else {
		if (!(groups_are(r, 3, g323) || groups_are(r, 4, g2222) ||
		      (groups_are(r, 2, g44) && r->sep[0] == ' ')))
			return NULL;
		if (!seps_all(r, 0, r->sep[0]) ||
		    (r->sep[0] != ' ' && r->sep[0] != '.'))
			return NULL;
		/* "24.12.20.23" reads as a date */
		if (r->sep[0] == '.' && r->ng == 4 && num(d, 2) <= 31 &&
		    num(d + 2, 2) <= 12)
			return NULL;
		grouped = 1;
	}
	*confident = grouped || c == CTX_PHONE;
	if (s->lang == LANG_DA)
		return "dk_phone";
	return d[0] == '4' || d[0] == '9' ? "no_mobile" : "no_phone";
}

/* A Swedish number written with its leading 0: "070-123 45 67",
 * "08-123 456 78", "0701234567". */
static const char *
phone_se0(const struct run *r, enum ctx c, int *confident)
{
	const char *d = r->d;
	int mobile = r->nd == 10 && d[1] == '7' && strchr("02369", d[2]);
	if (d[0] != '0' || d[1] == '0' || r->nd < 8 || r->nd > 10)
		return NULL;
	if (r->ng == 1) {
		if (!mobile)
			return NULL;
	} else {
		if (r->glen[0] < 2 || r->glen[0] > 4 ||
		    (r->sep[0] != '-' && r->sep[0] != ' ') ||
		    !seps_all(r, 1, ' '))
			return NULL;
		if (r->ng == 2) {
			if (r->glen[1] < 5)
				return NULL;
		} else {
			for (int k = 1; k < r->ng; k++)
				if (r->glen[k] < 2 || r->glen[k] > 3)
					return NULL;
		}
	}
	*confident = mobile || c == CTX_PHONE || r->ng > 1;
	return mobile ? "se_mobile" : "se_phone";
}

/* A number with a country code (+47, 0047, +46, +45, …). */
static const char *
phone_intl(const struct run *r)
{
	const char *d = r->d, *n;
	int cc, nn;
	if (r->plus) {
		n = d + 2;
		nn = r->nd - 2;
	} else if (d[0] == '0' && d[1] == '0' && r->nd >= 4) {
		n = d + 4;
		nn = r->nd - 4;
		d += 2;
	} else {
		return NULL;
	}
	cc = num(d, 2);
	if (cc == 47)
		return nn == 8 && n[0] >= '2' && n[0] != '8'
		           ? (n[0] == '4' || n[0] == '9' ? "no_mobile"
		                                         : "no_phone")
		           : NULL;
	if (cc == 45)
		return nn == 8 && n[0] >= '2' ? "dk_phone" : NULL;
	if (cc == 46) {
		if (nn < 7 || nn > 9 || n[0] == '0')
			return NULL;
		return nn == 9 && n[0] == '7' && strchr("02369", n[1])
		           ? "se_mobile"
		           : "se_phone";
	}
	/* another country: '+' and 8–15 digits */
	return r->plus && r->nd >= 8 && r->nd <= 15 && d[0] != '0' ? "phone"
	                                                           : NULL;
}

/* 1 when a street candidate ends just before byte i (", " or a space or
 * a line break between). */
static int
after_street(const struct scan *s, size_t i)
{
	size_t k = i;
	while (
	    k > 0 && i - k < 3 &&
	    (s->t[k - 1] == ' ' || s->t[k - 1] == ',' || s->t[k - 1] == '\n'))
		k--;
	for (int c = s->street_to - 1; c >= s->street_from; c--) {
		if (s->cand[c].kind != PD_ADDRESS)
			continue;
		if (s->cand[c].end == k)
			return 1;
		if (s->cand[c].end < k)
			break;
	}
	return 0;
}

/* Postcode + place: "0150 Oslo", "114 55 Stockholm", "2100 København Ø". */
static void
postcode(struct scan *s, const struct run *r, enum ctx c)
{
	static const int g32[] = {3, 2};
	static const char *const not_place[] = {
	    "kr",        "nok",     "sek",      "dkk",      "kroner",
	    "kronor",    "euro",    "januar",   "februar",  "mars",
	    "april",     "mai",     "juni",     "juli",     "august",
	    "september", "oktober", "november", "desember", "december",
	    "maj",       NULL};
	size_t i = r->end, ws, we;
	int n, street, year;
	char low[32];
	if (r->plus || r->overflow)
		return;
	if (!((r->ng == 1 && r->nd == 4) ||
	      (r->ng == 1 && r->nd == 5 && r->d[0] != '0') ||
	      (groups_are(r, 2, g32) && r->sep[0] == ' ' && r->d[0] != '0')))
		return;
	if (i + 1 >= s->len || s->t[i] != ' ' || !capitalised(s, i + 1))
		return;
	ws = i + 1;
	we = ws;
	while (we < s->len && uc_is_alpha(cp_at(s, we, &n)))
		we += (size_t)n;
	if (we - ws < 2 || !text_lower(s->t + ws, we - ws, low, sizeof(low)) ||
	    in_list(not_place, low))
		return;
	street = after_street(s, r->start);
	year = r->nd == 4 && (num(r->d, 2) == 19 || num(r->d, 2) == 20);
	if (!street && (year || c == CTX_NEG || c == CTX_CURRENCY))
		return;
	/* a one-letter district: "København Ø", "Oslo S" */
	if (we + 1 < s->len && s->t[we] == ' ' && capitalised(s, we + 1)) {
		size_t k = we + 1;
		cp_at(s, k, &n);
		k += (size_t)n;
		if (k >= s->len || !uc_is_alnum(cp_at(s, k, &n)))
			we = k;
	}
	cand_add(s, PD_ADDRESS, r->start, we, "postcode", street);
}

static void
judge_run(struct scan *s, const struct run *r)
{
	static const int g425[] = {4, 2, 5};
	enum ctx c = context_before(s, r->start);
	const char *what;
	int confident = 1;
	if (r->overflow || !run_ends_clean(s, r->end) || unit_after(s, r->end))
		return;
	/* bank account: 1234.56.78903, 1234 56 78903, or whole after a
	 * word like "konto" */
	if (!r->plus && r->nd == 11 &&
	    ((groups_are(r, 3, g425) && r->sep[0] == r->sep[1] &&
	      (r->sep[0] == '.' || r->sep[0] == ' ') && c != CTX_NEG &&
	      c != CTX_CURRENCY) ||
	     (r->ng == 1 && c == CTX_ACCOUNT)) &&
	    no_account_ok(r->d)) {
		cand_add(s, PD_OTHER, r->start, r->end, "no_account", 1);
		return;
	}
	if (c == CTX_NEG || c == CTX_CURRENCY || c == CTX_ACCOUNT) {
		postcode(s, r, c);
		return;
	}
	what = phone_intl(r);
	if (what == NULL && !r->plus) {
		if (r->d[0] == '0')
			what = phone_se0(r, c, &confident);
		else if (r->nd == 8)
			what = phone_nordic8(s, r, c, &confident);
	}
	if (what != NULL) {
		cand_add(s, PD_PHONE, r->start, r->end, what, confident);
		return;
	}
	postcode(s, r, c);
}

static void
pass_numbers(struct scan *s)
{
	size_t i = 0;
	while (i < s->len && s->ncand < PD_CAND_MAX) {
		struct run r;
		int plus = s->t[i] == '+' && digit_at(s, i + 1);
		if (masked(s, i) || !(plus || digit_at(s, i)) ||
		    !run_may_start(s, i)) {
			i++;
			continue;
		}
		read_run(s, i, &r);
		judge_run(s, &r);
		i = r.end > i ? r.end : i + 1;
		/* the rest of an over-long run is not a new number */
		while (i < s->len &&
		       (digit_at(s, i) || s->t[i] == ' ' || s->t[i] == '.' ||
		        s->t[i] == '-') &&
		       r.overflow)
			i++;
	}
}

/* --- merging ---------------------------------------------------------------
 */

/* Lower is stronger. */
static int
rank(enum pdata_kind k)
{
	static const int r[PD__COUNT] = {
	    [PD_NATIONAL_ID] = 0, [PD_OTHER] = 1,   [PD_PHONE] = 2,
	    [PD_EMAIL] = 3,       [PD_ADDRESS] = 4, [PD_HEALTH] = 5};
	return r[k];
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct pdata_hit *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (rank(x->kind) != rank(y->kind))
		return rank(x->kind) - rank(y->kind);
	return x->end < y->end ? 1 : x->end > y->end ? -1 : 0;
}

int
pdata_find(const char *text, size_t len, const char *lang,
           struct pdata_hit *hits, int max)
{
	static _Thread_local struct scan s; /* too big for a small stack */
	int n = 0;
	if (text == NULL || hits == NULL || max <= 0)
		return 0;
	s.t = text;
	s.len = len > PD_TEXT_MAX ? PD_TEXT_MAX : len;
	s.ncand = s.nhealth = s.street_from = s.street_to = 0;
	memset(s.mask, 0, (s.len + 7) / 8);
	s.lang = lang ? lang_parse(lang) : -1;
	pass_tokens(&s);
	pass_idnum(&s);
	pass_words(&s);
	pass_numbers(&s);
	qsort(s.cand, (size_t)s.ncand, sizeof(s.cand[0]), cand_cmp);
	for (int k = 0; k < s.ncand; k++) {
		const struct pdata_hit *c = &s.cand[k];
		struct pdata_hit *h = n > 0 ? &hits[n - 1] : NULL;
		if (h != NULL && c->start < h->end) {
			if (c->end > h->end)
				h->end = c->end;
			if (rank(c->kind) < rank(h->kind)) {
				h->kind = c->kind;
				h->detail = c->detail;
				h->confident = c->confident;
			}
			continue;
		}
		if (n == max)
			break;
		hits[n++] = *c;
	}
	return n;
}
