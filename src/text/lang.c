/*
 * lang.c - language identification for short texts among nb, nn, sv, da
 * and en (see lang.h, docs/TRIAGE.md "Language").
 *
 * Three kinds of evidence are added up per language, in log units:
 *  - words: a lexicon of function words and forms, each with a weight per
 *    language ("ikkje" counts for nynorsk only, "ikke" for bokmål and
 *    Danish, "och" for Swedish); a word is looked up case-folded;
 *  - letters: ä and ö point to Swedish, æ and ø away from it, å away from
 *    English;
 *  - characters: a Markov model over letter trigrams (interpolated with
 *    bigrams and single letters) per language, trained once, on first
 *    use, on lang_sample.c; its log-likelihood is taken relative to the
 *    best language and scaled down, so it decides when words do not.
 * Words in URLs, e-mail addresses and @mentions are not read.  At most
 * LANG_TEXT_MAX bytes of a text are looked at; the work is linear.
 *
 * The profile is built under pthread_once into static tables and only read
 * afterwards, so lang_detect is thread-safe and allocates nothing.
 */
#include "lang.h"

#include "lang_sample.h"
#include "lower.h"
#include "stem.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LANG_TEXT_MAX (64 * 1024) /* bytes of a text that are read */
#define LEX_WORD_MAX  24          /* longer words are not in the lexicon */
#define NSYM          32          /* 0 = word boundary, then letters */
#define TRI_WEIGHT    0.35        /* scale of the character model */
#define LETTER_CAP    3           /* occurrences of a letter that count */
#define WHY_HITS      8           /* lexicon words kept for `why` */

static const char *const names[LANG__COUNT] = {"nb", "nn", "sv", "da", "en"};

const char *
lang_name(enum lang_code c)
{
	return (int)c >= 0 && c < LANG__COUNT ? names[c] : NULL;
}

int
lang_parse(const char *tag)
{
	char two[3];
	if (tag == NULL || strlen(tag) < 2 ||
	    (tag[2] != '\0' && tag[2] != '-' && tag[2] != '_'))
		return -1;
	two[0] = (char)(tag[0] | 0x20);
	two[1] = (char)(tag[1] | 0x20);
	two[2] = '\0';
	if (strcmp(two, "no") == 0)
		return LANG_NB;
	for (int i = 0; i < LANG__COUNT; i++)
		if (strcmp(two, names[i]) == 0)
			return i;
	return -1;
}

/* --- the lexicon -------------------------------------------------------- */

/* A word and its weight for nb, nn, sv, da, en (0: no evidence).  Weights
 * are log-odds in tenths: 40 is a word only one language uses, 10–20 a
 * word shared by two or three. */
struct lex {
	const char *w;
	signed char v[LANG__COUNT];
};

/* clang-format off */
static const struct lex lexicon[] = {
	/* nynorsk forms (bokmål and Danish have other spellings) */
	{"ikkje", {0, 40, 0, 0, 0}},     {"eg", {0, 40, 0, 0, 0}},
	{"kva", {0, 40, 0, 0, 0}},       {"korleis", {0, 40, 0, 0, 0}},
	{"kvifor", {0, 40, 0, 0, 0}},    {"korfor", {0, 30, 0, 0, 0}},
	{"kven", {0, 40, 0, 0, 0}},      {"kvar", {0, 30, 0, 0, 0}},
	{"kvart", {0, 20, 0, 0, 0}},     {"frå", {0, 40, 0, 0, 0}},
	{"berre", {0, 40, 0, 0, 0}},     {"heile", {0, 30, 0, 0, 0}},
	{"heilt", {0, 30, 0, 0, 0}},     {"noko", {0, 40, 0, 0, 0}},
	{"nokon", {0, 40, 0, 0, 0}},     {"nokre", {0, 40, 0, 0, 0}},
	{"òg", {0, 40, 0, 0, 0}},        {"vere", {0, 30, 0, 0, 0}},
	{"vore", {0, 30, 0, 0, 0}},      {"vorte", {0, 40, 0, 0, 0}},
	{"mykje", {0, 40, 0, 0, 0}},     {"ein", {0, 25, 0, 0, 0}},
	{"eit", {0, 30, 0, 0, 0}},       {"dei", {0, 30, 0, 0, 0}},
	{"dykk", {0, 40, 0, 0, 0}},      {"dykkar", {0, 40, 0, 0, 0}},
	{"sjå", {0, 40, 0, 0, 0}},       {"gjere", {0, 40, 0, 0, 0}},
	{"gjer", {0, 30, 0, 0, 0}},      {"meir", {0, 40, 0, 0, 0}},
	{"ho", {0, 30, 0, 0, 0}},        {"hjå", {0, 40, 0, 0, 0}},
	{"fekk", {0, 40, 0, 0, 0}},      {"sidan", {0, 30, 0, 0, 0}},
	{"enno", {0, 30, 0, 0, 0}},      {"fleire", {0, 40, 0, 0, 0}},
	{"saman", {0, 30, 0, 0, 0}},     {"framleis", {0, 40, 0, 0, 0}},
	{"kjem", {0, 40, 0, 0, 0}},      {"skule", {0, 30, 0, 0, 0}},
	{"skulen", {0, 30, 0, 0, 0}},    {"veke", {0, 30, 0, 0, 0}},
	{"veka", {0, 30, 0, 0, 0}},      {"sjølv", {0, 40, 0, 0, 0}},
	{"meiner", {0, 30, 0, 0, 0}},    {"veit", {0, 40, 0, 0, 0}},
	{"eigen", {0, 30, 0, 0, 0}},     {"eige", {0, 30, 0, 0, 0}},
	{"desse", {0, 40, 0, 0, 0}},     {"hugse", {0, 40, 0, 0, 0}},
	{"hugs", {0, 30, 0, 0, 0}},      {"trur", {0, 40, 0, 0, 0}},
	{"ynskje", {0, 40, 0, 0, 0}},    {"ønskjer", {0, 40, 0, 0, 0}},
	{"seie", {0, 30, 0, 0, 0}},      {"seier", {0, 30, 0, 0, 0}},
	{"difor", {0, 40, 0, 0, 0}},     {"tenkjer", {0, 40, 0, 0, 0}},
	{"tykkjer", {0, 40, 0, 0, 0}},   {"synest", {0, 40, 0, 0, 0}},
	{"vener", {0, 30, 0, 0, 0}},     {"kor", {0, 20, 0, 0, 0}},
	{"heim", {0, 30, 0, 0, 0}},      {"tek", {0, 25, 0, 0, 0}},
	{"mogleg", {0, 40, 0, 0, 0}},    {"dårleg", {0, 40, 0, 0, 0}},
	{"eigentleg", {0, 40, 0, 0, 0}}, {"vart", {0, 20, 10, 0, 0}},
	{"då", {0, 15, 15, 0, 0}},       {"no", {0, 10, 0, 0, 15}},
	{"me", {0, 15, 0, 0, 15}},       {"ver", {0, 20, 0, 0, 0}},
	{"byrje", {0, 40, 0, 0, 0}},     {"vegen", {0, 20, 0, 0, 0}},
	{"berr", {0, 20, 0, 0, 0}},      {"kome", {0, 30, 0, 0, 0}},
	{"ingenting", {10, 10, 10, 10, 0}},{"sjukehus", {0, 40, 0, 0, 0}},
	{"sjukehuset", {0, 40, 0, 0, 0}},{"svara", {0, 15, 0, 0, 0}},
	{"ringje", {0, 40, 0, 0, 0}},    {"bur", {0, 25, 0, 0, 0}},
	{"sett", {10, 10, 0, 0, 0}},     {"anna", {0, 20, 0, 0, 0}},
	{"annan", {0, 15, 15, 0, 0}},    {"verkeleg", {0, 40, 0, 0, 0}},
	{"dykkon", {0, 40, 0, 0, 0}},    {"hjelpa", {0, 20, 0, 0, 0}},
	/* bokmål forms */
	{"ikke", {15, 0, 0, 15, 0}},     {"jeg", {15, 0, 0, 15, 0}},
	{"hva", {40, 0, 0, 0, 0}},       {"hvordan", {20, 0, 0, 20, 0}},
	{"hvorfor", {20, 0, 0, 20, 0}},  {"hvem", {20, 0, 0, 20, 0}},
	{"hvor", {20, 0, 0, 20, 0}},     {"hvis", {20, 0, 0, 20, 0}},
	{"fra", {20, 0, 0, 20, 0}},      {"bare", {15, 0, 0, 15, 0}},
	{"noe", {40, 0, 0, 0, 0}},       {"noen", {40, 0, 0, 0, 0}},
	{"være", {20, 0, 0, 20, 0}},     {"vært", {30, 0, 0, 0, 0}},
	{"mye", {40, 0, 0, 0, 0}},       {"dere", {40, 0, 0, 0, 0}},
	{"deres", {15, 0, 0, 15, 0}},    {"meg", {20, 20, 0, 0, 0}},
	{"deg", {20, 20, 0, 0, 0}},      {"seg", {20, 20, 0, 0, 0}},
	{"oss", {20, 20, 15, 0, 0}},     {"nå", {30, 5, 0, 0, 0}},
	{"ble", {40, 0, 0, 0, 0}},       {"blitt", {30, 5, 0, 0, 0}},
	{"gjøre", {40, 0, 0, 0, 0}},     {"gjør", {30, 0, 0, 0, 0}},
	{"etter", {15, 15, 0, 0, 0}},    {"også", {15, 10, 0, 15, 0}},
	{"uke", {40, 0, 0, 0, 0}},       {"uka", {30, 0, 0, 0, 0}},
	{"skolen", {15, 0, 0, 15, 0}},   {"selv", {20, 0, 0, 20, 0}},
	{"disse", {20, 0, 0, 20, 0}},    {"sånn", {30, 0, 0, 0, 0}},
	{"mener", {20, 0, 0, 15, 0}},    {"vet", {30, 0, 0, 0, 0}},
	{"sier", {30, 0, 0, 0, 0}},      {"tror", {15, 0, 10, 15, 0}},
	{"annen", {40, 0, 0, 0, 0}},     {"flere", {20, 0, 0, 20, 0}},
	{"hele", {20, 0, 0, 20, 0}},     {"helt", {15, 0, 5, 15, 0}},
	{"takk", {20, 20, 0, 0, 0}},     {"hei", {20, 20, 0, 0, 0}},
	{"nei", {20, 20, 0, 0, 0}},      {"enda", {20, 0, 0, 0, 0}},
	{"ennå", {40, 0, 0, 0, 0}},      {"hjem", {20, 0, 0, 20, 0}},
	{"sammen", {40, 0, 0, 0, 0}},    {"kanskje", {20, 20, 0, 0, 0}},
	{"veldig", {20, 20, 0, 0, 0}},   {"gjerne", {20, 20, 0, 0, 0}},
	{"mulig", {30, 0, 0, 10, 0}},    {"dårlig", {30, 0, 0, 20, 0}},
	{"egentlig", {15, 0, 0, 15, 0}}, {"spørsmål", {20, 20, 0, 0, 0}},
	{"hjelp", {20, 20, 0, 0, 0}},    {"barna", {20, 20, 0, 0, 0}},
	{"ut", {15, 15, 10, 0, 0}},      {"opp", {20, 20, 0, 0, 0}},
	{"igjen", {20, 20, 0, 0, 0}},    {"får", {10, 10, 10, 10, 0}},
	{"mer", {15, 0, 10, 0, 0}},      {"aldri", {20, 20, 0, 0, 0}},
	{"riktig", {30, 10, 0, 0, 0}},   {"fortsatt", {30, 0, 0, 0, 0}},
	{"ingen", {10, 10, 10, 10, 0}},  {"synes", {20, 0, 0, 20, 0}},
	{"trenger", {30, 0, 0, 0, 0}},   {"hadde", {15, 15, 0, 0, 0}},
	{"fordi", {15, 15, 0, 15, 0}},   {"derfor", {15, 0, 0, 15, 0}},
	{"mellom", {20, 20, 0, 0, 0}},   {"hvilken", {20, 0, 0, 20, 0}},
	{"hvilke", {20, 0, 0, 20, 0}},   {"bor", {15, 0, 10, 15, 0}},
	{"skjer", {20, 20, 0, 0, 0}},    {"vei", {30, 0, 0, 0, 0}},
	{"veien", {30, 0, 0, 0, 0}},     {"dag", {10, 10, 10, 10, 0}},
	{"sykehus", {40, 0, 0, 0, 0}},   {"sykehuset", {40, 0, 0, 0, 0}},
	{"svar", {10, 10, 10, 10, 0}},   {"kommer", {15, 0, 10, 15, 0}},
	{"skal", {10, 10, 0, 10, 0}},    {"må", {10, 10, 0, 10, 0}},
	{"vil", {10, 10, 5, 10, 0}},     {"kunne", {10, 10, 0, 10, 0}},
	{"ønsker", {30, 0, 0, 10, 0}},   {"elendig", {15, 5, 0, 15, 0}},
	{"ringe", {20, 0, 0, 20, 0}},    {"kjempe", {20, 20, 0, 0, 0}},
	{"sikkert", {20, 20, 0, 0, 0}},
	/* words all Scandinavian languages share (small weights) */
	{"og", {10, 10, 0, 10, 0}},      {"er", {10, 10, 0, 10, 0}},
	{"det", {10, 10, 10, 10, 0}},    {"som", {10, 10, 10, 10, 0}},
	{"på", {10, 10, 10, 10, 0}},     {"til", {10, 10, 0, 10, 0}},
	{"har", {10, 10, 10, 10, 0}},    {"med", {10, 10, 10, 10, 0}},
	{"kan", {10, 10, 10, 10, 0}},    {"om", {10, 10, 10, 10, 0}},
	{"eller", {10, 10, 10, 10, 0}},  {"den", {10, 10, 10, 10, 0}},
	{"var", {10, 10, 10, 10, 0}},    {"vi", {10, 10, 10, 10, 0}},
	{"jo", {10, 10, 10, 10, 0}},     {"ja", {10, 10, 10, 10, 0}},
	{"et", {15, 0, 0, 15, 0}},       {"en", {10, 0, 10, 10, 0}},
	{"man", {10, 5, 10, 10, 0}},     {"i", {5, 5, 5, 5, 0}},
	{"du", {10, 10, 10, 10, 0}},     {"han", {10, 10, 10, 10, 0}},
	{"mange", {15, 15, 0, 15, 0}},   {"så", {10, 10, 10, 10, 0}},
	{"går", {10, 10, 10, 10, 0}},    {"kommunen", {10, 10, 10, 10, 0}},
	{"dette", {15, 15, 0, 0, 0}},    {"min", {10, 10, 10, 10, 0}},
	{"mitt", {10, 10, 10, 0, 0}},    {"når", {15, 15, 10, 0, 0}},
	{"slik", {20, 20, 0, 0, 0}},     {"alle", {10, 10, 0, 10, 0}},
	{"alt", {10, 10, 0, 10, 0}},     {"inte", {0, 0, 40, 0, 0}},
	{"och", {0, 0, 40, 0, 0}},       {"är", {0, 0, 40, 0, 0}},
	{"att", {0, 10, 30, 0, 0}},      {"jag", {0, 0, 40, 0, 0}},
	{"vad", {0, 0, 40, 0, 0}},       {"hur", {0, 0, 40, 0, 0}},
	{"varför", {0, 0, 40, 0, 0}},    {"från", {0, 0, 40, 0, 0}},
	{"bara", {0, 0, 30, 0, 0}},      {"något", {0, 0, 40, 0, 0}},
	{"några", {0, 0, 40, 0, 0}},     {"någon", {0, 0, 40, 0, 0}},
	{"vara", {0, 0, 30, 0, 0}},      {"mycket", {0, 0, 40, 0, 0}},
	{"ett", {0, 0, 30, 0, 0}},       {"för", {0, 0, 30, 0, 0}},
	{"också", {0, 0, 40, 0, 0}},     {"gör", {0, 0, 40, 0, 0}},
	{"finns", {0, 0, 40, 0, 0}},     {"tycker", {0, 0, 40, 0, 0}},
	{"tack", {0, 0, 40, 0, 0}},      {"hej", {0, 0, 20, 20, 0}},
	{"nej", {0, 0, 20, 20, 0}},      {"mig", {0, 0, 20, 20, 0}},
	{"dig", {0, 0, 20, 20, 0}},      {"sig", {0, 0, 20, 20, 0}},
	{"ni", {0, 0, 25, 0, 0}},        {"hon", {0, 0, 40, 0, 0}},
	{"honom", {0, 0, 40, 0, 0}},     {"deras", {0, 0, 40, 0, 0}},
	{"våra", {0, 0, 30, 0, 0}},      {"när", {0, 0, 40, 0, 0}},
	{"här", {0, 0, 40, 0, 0}},       {"där", {0, 0, 40, 0, 0}},
	{"alla", {0, 0, 30, 0, 0}},      {"allt", {0, 0, 20, 0, 0}},
	{"ska", {5, 0, 25, 0, 0}},       {"kunde", {0, 0, 30, 0, 0}},
	{"blev", {0, 0, 20, 20, 0}},     {"blivit", {0, 0, 40, 0, 0}},
	{"varit", {0, 0, 40, 0, 0}},     {"än", {0, 0, 40, 0, 0}},
	{"nu", {0, 0, 20, 20, 0}},       {"igen", {0, 0, 20, 20, 0}},
	{"mellan", {0, 0, 40, 0, 0}},    {"efter", {0, 0, 20, 20, 0}},
	{"genom", {0, 0, 40, 0, 0}},     {"själv", {0, 0, 40, 0, 0}},
	{"sedan", {0, 0, 40, 0, 0}},     {"idag", {0, 0, 20, 0, 0}},
	{"skolan", {0, 0, 40, 0, 0}},    {"vården", {0, 0, 40, 0, 0}},
	{"väl", {0, 0, 40, 0, 0}},       {"bra", {10, 0, 15, 0, 0}},
	{"dåligt", {0, 0, 40, 0, 0}},    {"tyvärr", {0, 0, 40, 0, 0}},
	{"snälla", {0, 0, 40, 0, 0}},    {"kanske", {0, 0, 40, 0, 0}},
	{"verkligen", {0, 0, 40, 0, 0}}, {"fortfarande", {0, 0, 40, 0, 0}},
	{"redan", {0, 0, 40, 0, 0}},     {"aldrig", {0, 0, 20, 20, 0}},
	{"alltid", {10, 10, 20, 0, 0}},  {"även", {0, 0, 40, 0, 0}},
	{"inget", {0, 0, 30, 0, 0}},     {"väldigt", {0, 0, 40, 0, 0}},
	{"hade", {0, 0, 30, 0, 0}},      {"fråga", {0, 0, 40, 0, 0}},
	{"frågor", {0, 0, 40, 0, 0}},    {"måste", {0, 0, 40, 0, 0}},
	{"till", {0, 0, 30, 0, 0}},      {"de", {10, 0, 10, 10, 0}},
	{"dem", {10, 0, 15, 10, 0}},     {"vem", {0, 0, 40, 0, 0}},
	{"vilken", {0, 0, 40, 0, 0}},    {"vilka", {0, 0, 40, 0, 0}},
	{"många", {0, 0, 40, 0, 0}},     {"kommunens", {10, 10, 10, 10, 0}},
	{"heller", {10, 10, 10, 10, 0}}, {"sen", {5, 0, 10, 5, 0}},
	{"behöver", {0, 0, 40, 0, 0}},   {"sjukhuset", {0, 0, 30, 0, 0}},
	{"mot", {10, 10, 10, 0, 0}},     {"lite", {0, 0, 20, 0, 0}},
	{"fick", {0, 0, 40, 0, 0}},      {"sådan", {0, 0, 10, 20, 0}},
	{"sån", {0, 0, 30, 0, 0}},       {"okej", {0, 0, 25, 0, 0}},
	{"barnen", {0, 0, 30, 0, 0}},
	/* Danish */
	{"hvad", {0, 0, 0, 40, 0}},      {"nogle", {0, 0, 0, 40, 0}},
	{"noget", {0, 0, 0, 40, 0}},     {"nogen", {0, 0, 0, 40, 0}},
	{"meget", {0, 0, 0, 40, 0}},     {"af", {0, 0, 0, 40, 0}},
	{"spørgsmål", {0, 0, 0, 40, 0}}, {"os", {0, 0, 0, 40, 0}},
	{"jer", {0, 0, 0, 40, 0}},       {"jeres", {0, 0, 0, 40, 0}},
	{"vores", {0, 0, 0, 40, 0}},     {"hvornår", {0, 0, 0, 40, 0}},
	{"ud", {0, 0, 0, 40, 0}},        {"op", {0, 0, 0, 30, 0}},
	{"lige", {0, 0, 0, 40, 0}},      {"rigtig", {0, 0, 0, 40, 0}},
	{"rigtigt", {0, 0, 0, 40, 0}},   {"gerne", {0, 0, 0, 40, 0}},
	{"tak", {0, 0, 0, 40, 0}},       {"tusind", {0, 0, 0, 40, 0}},
	{"havde", {0, 0, 0, 40, 0}},     {"været", {0, 0, 0, 40, 0}},
	{"blevet", {0, 0, 0, 40, 0}},    {"bliver", {0, 0, 0, 40, 0}},
	{"måske", {0, 0, 0, 40, 0}},     {"endnu", {0, 0, 0, 40, 0}},
	{"altid", {0, 0, 0, 40, 0}},     {"kun", {5, 0, 0, 20, 0}},
	{"mere", {5, 0, 0, 25, 0}},      {"selvom", {5, 0, 0, 30, 0}},
	{"desværre", {0, 0, 0, 40, 0}},  {"børn", {0, 0, 0, 40, 0}},
	{"borgere", {5, 0, 0, 20, 0}},   {"gøre", {0, 0, 0, 40, 0}},
	{"gør", {0, 0, 0, 40, 0}},       {"spørge", {0, 0, 0, 40, 0}},
	{"sige", {0, 0, 0, 40, 0}},      {"siger", {0, 0, 0, 40, 0}},
	{"ved", {5, 0, 0, 25, 0}},       {"sgu", {0, 0, 0, 40, 0}},
	{"fandme", {0, 0, 0, 40, 0}},    {"hjælp", {0, 0, 0, 40, 0}},
	{"hjælpen", {0, 0, 0, 40, 0}},   {"uge", {0, 0, 0, 40, 0}},
	{"ugen", {0, 0, 0, 40, 0}},      {"tager", {0, 0, 0, 40, 0}},
	{"giver", {0, 0, 0, 40, 0}},     {"fået", {0, 0, 0, 40, 0}},
	{"der", {5, 0, 0, 15, 0}},       {"hver", {10, 0, 0, 15, 0}},
	{"mon", {0, 0, 0, 30, 0}},       {"vej", {0, 0, 0, 40, 0}},
	{"vejen", {0, 0, 0, 40, 0}},     {"hjemmeside", {10, 0, 0, 20, 0}},
	{"hjemmesiden", {10, 0, 0, 20, 0}},{"ske", {0, 0, 0, 20, 0}},
	{"sker", {0, 0, 0, 40, 0}},      {"kigge", {0, 0, 0, 40, 0}},
	{"mindst", {0, 0, 0, 30, 0}},    {"stadig", {0, 0, 0, 40, 0}},
	{"sygehus", {0, 0, 0, 40, 0}},   {"sygehuset", {0, 0, 0, 40, 0}},
	{"nok", {10, 10, 10, 10, 0}},    {"kommune", {10, 10, 0, 10, 0}},
	{"skriver", {10, 0, 0, 10, 0}},  {"ind", {0, 0, 0, 30, 0}},
	/* infinitive marker and forms where the languages part ways */
	{"å", {15, 15, 0, 0, 0}},        {"syns", {30, 0, 0, 0, 0}},
	{"fikk", {40, 0, 0, 0, 0}},      {"åpen", {30, 0, 0, 0, 0}},
	{"åpent", {30, 0, 0, 0, 0}},     {"åpne", {30, 0, 0, 0, 0}},
	{"åpner", {30, 0, 0, 0, 0}},     {"ute", {30, 10, 0, 0, 0}},
	{"sak", {20, 20, 0, 0, 0}},      {"saken", {20, 10, 0, 0, 0}},
	{"vannet", {40, 0, 0, 0, 0}},    {"uten", {40, 0, 0, 0, 0}},
	{"kjøre", {30, 0, 0, 0, 0}},     {"heter", {40, 0, 0, 0, 0}},
	{"møte", {20, 20, 0, 0, 0}},     {"møtet", {20, 20, 0, 0, 0}},
	{"tenke", {30, 0, 0, 0, 0}},     {"ganger", {30, 0, 0, 0, 0}},
	{"dager", {40, 0, 0, 0, 0}},     {"uker", {40, 0, 0, 0, 0}},
	{"hjelpe", {20, 20, 0, 0, 0}},   {"ta", {10, 10, 10, 0, 0}},
	{"held", {0, 30, 0, 0, 0}},      {"ope", {0, 40, 0, 0, 0}},
	{"opne", {0, 40, 0, 0, 0}},      {"opnar", {0, 40, 0, 0, 0}},
	{"vatnet", {0, 40, 0, 0, 0}},    {"vatn", {0, 40, 0, 0, 0}},
	{"dagar", {0, 20, 20, 0, 0}},    {"veker", {0, 40, 0, 0, 0}},
	{"gonger", {0, 40, 0, 0, 0}},    {"gong", {0, 40, 0, 0, 0}},
	{"utan", {0, 20, 30, 0, 0}},     {"køyre", {0, 40, 0, 0, 0}},
	{"teke", {0, 40, 0, 0, 0}},      {"skikkeleg", {0, 40, 0, 0, 0}},
	{"era", {0, 0, 30, 0, 0}},       {"innan", {0, 10, 20, 0, 0}},
	{"ju", {0, 0, 30, 0, 0}},        {"nån", {0, 0, 30, 0, 0}},
	{"nåt", {0, 0, 30, 0, 0}},       {"uden", {0, 0, 0, 40, 0}},
	{"tage", {0, 0, 0, 40, 0}},      {"taget", {0, 0, 0, 30, 0}},
	{"åben", {0, 0, 0, 40, 0}},      {"åbent", {0, 0, 0, 40, 0}},
	{"åbne", {0, 0, 0, 40, 0}},      {"åbner", {0, 0, 0, 40, 0}},
	{"fedt", {0, 0, 0, 30, 0}},      {"dejligt", {0, 0, 0, 40, 0}},
	{"dejlig", {0, 0, 0, 40, 0}},    {"ældre", {0, 0, 0, 40, 0}},
	{"tænke", {0, 0, 0, 40, 0}},     {"tænker", {0, 0, 0, 40, 0}},
	{"lave", {0, 0, 0, 30, 0}},      {"lavet", {0, 0, 0, 30, 0}},
	{"sidder", {0, 0, 0, 40, 0}},    {"løber", {0, 0, 0, 40, 0}},
	{"køre", {0, 0, 0, 30, 0}},      {"kører", {0, 0, 0, 40, 0}},
	{"købe", {0, 0, 0, 40, 0}},      {"hedder", {0, 0, 0, 40, 0}},
	{"dage", {0, 0, 0, 30, 0}},      {"gange", {0, 0, 0, 30, 0}},
	{"hjælpe", {0, 0, 0, 40, 0}},    {"møde", {0, 0, 0, 40, 0}},
	{"mødet", {0, 0, 0, 40, 0}},     {"gade", {0, 0, 0, 40, 0}},
	{"ude", {0, 0, 0, 40, 0}},       {"sag", {0, 0, 0, 30, 0}},
	{"sagen", {0, 0, 0, 40, 0}},     {"søge", {0, 0, 0, 40, 0}},
	{"plads", {0, 0, 0, 40, 0}},     {"pladsen", {0, 0, 0, 40, 0}},
	{"kæmpe", {0, 0, 0, 40, 0}},     {"nemlig", {10, 0, 0, 10, 0}},
	/* English */
	{"the", {0, 0, 0, 0, 40}},       {"and", {0, 0, 0, 0, 30}},
	{"is", {0, 0, 0, 0, 30}},        {"are", {0, 0, 0, 0, 30}},
	{"you", {0, 0, 0, 0, 40}},       {"to", {0, 0, 0, 0, 20}},
	{"of", {0, 0, 0, 0, 30}},        {"in", {0, 0, 0, 0, 20}},
	{"what", {0, 0, 0, 0, 40}},      {"how", {0, 0, 0, 0, 30}},
	{"why", {0, 0, 0, 0, 40}},       {"not", {0, 0, 0, 0, 30}},
	{"this", {0, 0, 0, 0, 30}},      {"that", {0, 0, 0, 0, 30}},
	{"with", {0, 0, 0, 0, 30}},      {"have", {0, 0, 0, 0, 30}},
	{"has", {0, 0, 0, 0, 30}},       {"will", {0, 0, 0, 0, 30}},
	{"would", {0, 0, 0, 0, 40}},     {"could", {0, 0, 0, 0, 40}},
	{"should", {0, 0, 0, 0, 40}},    {"please", {0, 0, 0, 0, 40}},
	{"thanks", {0, 0, 0, 0, 40}},    {"thank", {0, 0, 0, 0, 40}},
	{"can", {0, 0, 0, 0, 20}},       {"do", {0, 0, 0, 0, 20}},
	{"does", {0, 0, 0, 0, 40}},      {"did", {0, 0, 0, 0, 30}},
	{"don", {0, 0, 0, 0, 30}},       {"it", {0, 0, 0, 0, 20}},
	{"my", {0, 0, 0, 0, 30}},        {"your", {0, 0, 0, 0, 40}},
	{"we", {0, 0, 0, 0, 20}},        {"our", {0, 0, 0, 0, 40}},
	{"they", {0, 0, 0, 0, 30}},      {"there", {0, 0, 0, 0, 40}},
	{"when", {0, 0, 0, 0, 30}},      {"where", {0, 0, 0, 0, 40}},
	{"who", {0, 0, 0, 0, 30}},       {"about", {0, 0, 0, 0, 40}},
	{"from", {0, 0, 0, 0, 30}},      {"be", {0, 0, 0, 0, 20}},
	{"was", {0, 0, 0, 0, 30}},       {"were", {0, 0, 0, 0, 30}},
	{"been", {0, 0, 0, 0, 30}},      {"just", {0, 0, 0, 0, 30}},
	{"get", {0, 0, 0, 0, 20}},       {"got", {0, 0, 0, 0, 20}},
	{"yes", {0, 0, 0, 0, 30}},       {"if", {0, 0, 0, 0, 20}},
	{"on", {0, 0, 0, 0, 20}},        {"at", {5, 0, 0, 10, 10}},
	{"by", {0, 0, 0, 0, 15}},        {"an", {0, 0, 0, 0, 20}},
	{"or", {0, 0, 0, 0, 20}},        {"but", {0, 0, 0, 0, 30}},
	{"any", {0, 0, 0, 0, 30}},       {"some", {0, 0, 0, 0, 30}},
	{"people", {0, 0, 0, 0, 40}},    {"here", {0, 0, 0, 0, 30}},
	{"very", {0, 0, 0, 0, 40}},      {"still", {0, 0, 0, 0, 20}},
	{"hi", {0, 0, 0, 0, 30}},        {"hello", {0, 0, 0, 0, 40}},
	{"for", {5, 5, 0, 5, 10}},       {"so", {0, 0, 0, 0, 15}},
	{"all", {0, 0, 0, 0, 15}},       {"them", {0, 0, 0, 0, 30}},
	{"their", {0, 0, 0, 0, 40}},     {"which", {0, 0, 0, 0, 40}},
	{"again", {0, 0, 0, 0, 40}},     {"know", {0, 0, 0, 0, 40}},
	{"think", {0, 0, 0, 0, 40}},     {"really", {0, 0, 0, 0, 40}},
	{"school", {0, 0, 0, 0, 40}},    {"council", {0, 0, 0, 0, 40}},
	{"im", {0, 0, 0, 0, 20}},        {"out", {0, 0, 0, 0, 30}},
	{"up", {0, 0, 0, 0, 30}},        {"like", {0, 0, 0, 0, 20}},
	{"great", {0, 0, 0, 0, 30}},     {"never", {0, 0, 0, 0, 40}},
};
/* clang-format on */

#define NLEX (sizeof(lexicon) / sizeof(lexicon[0]))

/* --- the character model ------------------------------------------------ */

/* Letter counts of the sample texts: trigrams, the bigrams that start a
 * trigram (its context), bigrams, and single letters. */
static unsigned short tri[LANG__COUNT][NSYM * NSYM * NSYM];
static unsigned short ctx2[LANG__COUNT][NSYM * NSYM];
static unsigned short bi[LANG__COUNT][NSYM * NSYM];
static unsigned short ctx1[LANG__COUNT][NSYM];
static unsigned uni[LANG__COUNT][NSYM];
static unsigned uni_total[LANG__COUNT];
/* the lexicon sorted by word, duplicates removed */
static const struct lex *lex_sorted[NLEX];
static size_t nlex_sorted;
static pthread_once_t model_once = PTHREAD_ONCE_INIT;

/* The symbol of the character at s[*i] (advances *i past it): 1…26 for
 * a–z, then æ ø å ä ö; 0 (a word boundary) for anything else.  Accented
 * Latin letters count as their base letter; upper case as lower case. */
static int
sym_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned c = s[*i], c2;
	if (c < 0x80) {
		(*i)++;
		c |= 0x20;
		return c >= 'a' && c <= 'z' ? (int)(c - 'a' + 1) : 0;
	}
	if (c != 0xc3 || *i + 1 >= len || (s[*i + 1] & 0xc0) != 0x80) {
		/* another script, an emoji, or a stray byte: skip the
		 * whole sequence */
		(*i)++;
		while (*i < len && (s[*i] & 0xc0) == 0x80)
			(*i)++;
		return 0;
	}
	c2 = s[*i + 1] | 0x20; /* U+00C0…U+00DE → U+00E0…U+00FE */
	*i += 2;
	switch (c2) {
	case 0xe6:
		return 27; /* æ */
	case 0xf8:
		return 28; /* ø */
	case 0xe5:
		return 29; /* å */
	case 0xe4:
		return 30; /* ä */
	case 0xf6:
		return 31; /* ö */
	case 0xe0:
	case 0xe1:
	case 0xe2:
	case 0xe3:
		return 1;
	case 0xe7:
		return 3;
	case 0xe8:
	case 0xe9:
	case 0xea:
	case 0xeb:
		return 5;
	case 0xec:
	case 0xed:
	case 0xee:
	case 0xef:
		return 9;
	case 0xf1:
		return 14;
	case 0xf2:
	case 0xf3:
	case 0xf4:
	case 0xf5:
		return 15;
	case 0xf9:
	case 0xfa:
	case 0xfb:
	case 0xfc:
		return 21;
	case 0xfd:
	case 0xff:
		return 25;
	default:
		return 0;
	}
}

static void
count_add(unsigned short *c)
{
	if (*c < 0xffff)
		(*c)++;
}

static int
lex_cmp(const void *a, const void *b)
{
	const struct lex *x = *(const struct lex *const *)a;
	const struct lex *y = *(const struct lex *const *)b;
	int r = strcmp(x->w, y->w);
	/* equal words: the first in the table first (qsort is not stable) */
	return r != 0 ? r : (x < y ? -1 : x > y);
}

static void
model_build(void)
{
	for (int l = 0; l < LANG__COUNT; l++) {
		const unsigned char *s = (const unsigned char *)lang_sample[l];
		size_t len = strlen(lang_sample[l]), i = 0;
		int a = 0, b = 0;
		while (i <= len) {
			int c = i < len ? sym_next(s, len, &i) : (i++, 0);
			if (c == 0 && b == 0)
				continue; /* one boundary between words */
			count_add(&tri[l][(a * NSYM + b) * NSYM + c]);
			count_add(&ctx2[l][a * NSYM + b]);
			count_add(&bi[l][b * NSYM + c]);
			count_add(&ctx1[l][b]);
			uni[l][c]++;
			uni_total[l]++;
			a = b;
			b = c;
		}
	}
	for (size_t k = 0; k < NLEX; k++)
		lex_sorted[k] = &lexicon[k];
	qsort(lex_sorted, NLEX, sizeof(lex_sorted[0]), lex_cmp);
	/* keep the first of equal words */
	for (size_t k = 0; k < NLEX; k++)
		if (nlex_sorted == 0 || strcmp(lex_sorted[nlex_sorted - 1]->w,
		                               lex_sorted[k]->w) != 0)
			lex_sorted[nlex_sorted++] = lex_sorted[k];
}

/* log P(c | a b) in language l: trigram, bigram and letter estimates
 * mixed, so an unseen trigram costs a bounded amount. */
static double
char_logp(int l, int a, int b, int c)
{
	double p = 0.02 * ((double)uni[l][c] + 1) / (uni_total[l] + NSYM);
	unsigned n2 = ctx2[l][a * NSYM + b], n1 = ctx1[l][b];
	if (n1)
		p += 0.28 * bi[l][b * NSYM + c] / (double)n1;
	if (n2)
		p += 0.7 * tri[l][(a * NSYM + b) * NSYM + c] / (double)n2;
	else if (n1)
		p += 0.7 * bi[l][b * NSYM + c] / (double)n1;
	return log(p);
}

static const struct lex *
lex_find(const char *w)
{
	size_t lo = 0, hi = nlex_sorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(w, lex_sorted[mid]->w);
		if (r == 0)
			return lex_sorted[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* --- reading a text ----------------------------------------------------- */

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* 1 when the token t[0..n) is a URL, an e-mail address or a mention:
 * words that say nothing about the language of the text around them. */
static int
token_skipped(const char *t, size_t n)
{
	if (n >= 4 && (t[0] == 'w' || t[0] == 'W') && (t[1] | 0x20) == 'w' &&
	    (t[2] | 0x20) == 'w' && t[3] == '.')
		return 1;
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '@')
			return 1;
		if (t[i] == ':' && i + 2 < n && t[i + 1] == '/' &&
		    t[i + 2] == '/')
			return 1;
	}
	return 0;
}

struct acc {
	double word[LANG__COUNT];
	double chr[LANG__COUNT];
	int letter[5]; /* æ ø å ä ö seen (capped) */
	int nletters;
	int nhits;
	const struct lex *why[WHY_HITS];
	int nwhy;
};

static void
read_word(const char *w, size_t n, struct acc *a)
{
	char f[LEX_WORD_MAX + 1];
	const unsigned char *s = (const unsigned char *)w;
	size_t i = 0;
	int p = 0, q = 0;
	/* characters: the word between two boundaries */
	while (i <= n) {
		int c = i < n ? sym_next(s, n, &i) : (i++, 0);
		if (c == 0 && q == 0)
			continue;
		if (c) {
			a->nletters++;
			if (c >= 27 && a->letter[c - 27] < LETTER_CAP)
				a->letter[c - 27]++;
		}
		for (int l = 0; l < LANG__COUNT; l++)
			a->chr[l] += char_logp(l, p, q, c);
		p = q;
		q = c;
	}
	if (text_lower(w, n, f, sizeof(f))) {
		const struct lex *x = lex_find(f);
		if (x != NULL) {
			int seen = 0;
			a->nhits++;
			for (int l = 0; l < LANG__COUNT; l++)
				a->word[l] += x->v[l] / 10.0;
			for (int k = 0; k < a->nwhy; k++)
				seen |= a->why[k] == x;
			if (!seen && a->nwhy < WHY_HITS)
				a->why[a->nwhy++] = x;
		}
	}
}

/* Explains the guess: the lexicon words that favour the winner most, or
 * the letters, or the character model. */
static void
explain(const struct acc *a, int win, struct lang_guess *g)
{
	static const char *const letters[5] = {
	    "letter æ", "letter ø", "letter å", "letter ä", "letter ö"};
	int pick[2] = {-1, -1};
	double margin[WHY_HITS];
	for (int k = 0; k < a->nwhy; k++) {
		double m = -1e9;
		for (int l = 0; l < LANG__COUNT; l++)
			if (l != win && a->why[k]->v[l] > m)
				m = a->why[k]->v[l];
		margin[k] = a->why[k]->v[win] - m;
		if (margin[k] <= 0)
			continue;
		if (pick[0] < 0 || margin[k] > margin[pick[0]]) {
			pick[1] = pick[0];
			pick[0] = k;
		} else if (pick[1] < 0 || margin[k] > margin[pick[1]]) {
			pick[1] = k;
		}
	}
	if (pick[0] >= 0) {
		/* lexicon words are at most LEX_WORD_MAX bytes: both fit */
		if (pick[1] >= 0)
			snprintf(g->why, sizeof(g->why), "%s, %s",
			         a->why[pick[0]]->w, a->why[pick[1]]->w);
		else
			snprintf(g->why, sizeof(g->why), "%s",
			         a->why[pick[0]]->w);
		return;
	}
	if (win == LANG_SV && (a->letter[3] || a->letter[4])) {
		snprintf(g->why, sizeof(g->why), "%s",
		         letters[a->letter[3] ? 3 : 4]);
		return;
	}
	if (win != LANG_SV && win != LANG_EN &&
	    (a->letter[0] || a->letter[1])) {
		snprintf(g->why, sizeof(g->why), "%s",
		         letters[a->letter[0] ? 0 : 1]);
		return;
	}
	snprintf(g->why, sizeof(g->why), "character trigrams");
}

int
lang_detect(const char *text, size_t len, struct lang_guess *g)
{
	struct acc a;
	double total[LANG__COUNT], best_chr = -1e300, sum = 0;
	size_t i = 0;
	int win = 0;

	memset(g, 0, sizeof(*g));
	g->lang = -1;
	if (text == NULL)
		return -1;
	pthread_once(&model_once, model_build);
	memset(&a, 0, sizeof(a));
	if (len > LANG_TEXT_MAX)
		len = LANG_TEXT_MAX;
	while (i < len) {
		size_t ts, te, pos, ws, we;
		while (i < len && is_space((unsigned char)text[i]))
			i++;
		ts = i;
		while (i < len && !is_space((unsigned char)text[i]))
			i++;
		te = i;
		if (te == ts || token_skipped(text + ts, te - ts))
			continue;
		pos = 0;
		while (text_next_word(text + ts, te - ts, &pos, &ws, &we))
			read_word(text + ts + ws, we - ws, &a);
	}
	if (a.nhits == 0 && a.nletters < 3)
		return -1;

	for (int l = 0; l < LANG__COUNT; l++)
		if (a.chr[l] > best_chr)
			best_chr = a.chr[l];
	for (int l = 0; l < LANG__COUNT; l++) {
		total[l] = TRI_WEIGHT * (a.chr[l] - best_chr) + a.word[l];
		/* letters: ä/ö are Swedish, æ/ø not; å is not English */
		if (l == LANG_SV)
			total[l] += 2.0 * (a.letter[3] + a.letter[4]) -
			            1.5 * (a.letter[0] + a.letter[1]);
		else if (l != LANG_EN)
			total[l] += (l == LANG_DA ? 1.2 : 0.6) * a.letter[0] +
			            1.0 * a.letter[1] -
			            1.5 * (a.letter[3] + a.letter[4]);
		else
			total[l] -=
			    1.0 * (a.letter[0] + a.letter[1] + a.letter[2] +
			           a.letter[3] + a.letter[4]);
		if (total[l] > total[win])
			win = l;
	}
	for (int l = 0; l < LANG__COUNT; l++) {
		g->score[l] = total[l] - total[win]; /* ≤ 0, winner 0 */
		sum += exp(g->score[l]);
	}
	g->lang = win;
	g->confidence = 1.0 / sum;
	explain(&a, win, g);
	return win;
}
