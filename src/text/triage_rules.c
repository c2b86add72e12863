/*
 * triage_rules.c - the names of triage classes and abuse grounds, and the
 * check of one triage rule as an administrator typed it (triage.h).  The
 * rule engine itself and the built-in rules are in triage.c.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "triage.h"
#include "lang.h"

#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

static const char *const class_names[TC__COUNT] = {
    "question",     "factual_error", "complaint", "abuse",
    "case_request", "personal_data", "praise",    "other"};
static const char *const class_labels[TC__COUNT] = {
    "Question",     "Factual error", "Complaint", "Abuse",
    "Case request", "Personal data", "Praise",    "Other"};

static const char *const ground_names[AG__COUNT] = {NULL,
                                                    "threat",
                                                    "hate",
                                                    "personal_attack",
                                                    "sexual_harassment",
                                                    "spam",
                                                    "privacy",
                                                    "incitement",
                                                    "child_abuse",
                                                    "violence",
                                                    "terrorism",
                                                    "copyright",
                                                    "other_unlawful"};
static const char *const ground_labels[AG__COUNT] = {
    NULL,
    "Threat",
    "Hate speech against a group",
    "Personal attack",
    "Sexual harassment",
    "Spam",
    "Violation of privacy",
    "Incitement to crime",
    "Child sexual abuse material",
    "Depiction of violence",
    "Incitement to terrorism",
    "Copyright infringement",
    "Other unlawful content"};

const char *
triage_class_name(int c)
{
	return c >= 0 && c < TC__COUNT ? class_names[c] : NULL;
}

const char *
triage_class_label(int c)
{
	return c >= 0 && c < TC__COUNT ? class_labels[c] : NULL;
}

int
triage_class_parse(const char *s)
{
	for (int c = 0; s && c < TC__COUNT; c++)
		if (strcmp(s, class_names[c]) == 0)
			return c;
	return -1;
}

const char *
abuse_ground_name(int g)
{
	return g > AG_NONE && g < AG__COUNT ? ground_names[g] : NULL;
}

const char *
abuse_ground_label(int g)
{
	return g > AG_NONE && g < AG__COUNT ? ground_labels[g] : NULL;
}

int
abuse_ground_parse(const char *s)
{
	for (int g = AG_NONE + 1; s && g < AG__COUNT; g++)
		if (strcmp(s, ground_names[g]) == 0)
			return g;
	return -1;
}

static int
fail(const char **field, const char *f, char *err, size_t errlen,
     const char *why)
{
	*field = f;
	snprintf(err, errlen, "%s", why);
	return -1;
}

/* 1 when the "|"-separated list s has at least one entry with a letter
 * or digit and no empty entries. */
static int
keyword_list_ok(const char *s)
{
	int seen = 0, any = 0;
	for (const char *p = s;; p++) {
		if (*p == '|' || *p == '\0') {
			if (!seen)
				return 0;
			any = 1;
			seen = 0;
			if (*p == '\0')
				break;
			continue;
		}
		if ((unsigned char)*p >= 0x80 || (*p >= '0' && *p <= '9') ||
		    ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
			seen = 1;
	}
	return any;
}

int
triage_rule_check(const struct triage_rule *r, const char **field, char *err,
                  size_t errlen)
{
	if (r->cls < 0 || r->cls >= TC__COUNT || r->cls == TC_OTHER ||
	    r->cls == TC_PERSONAL_DATA)
		return fail(field, "cls", err, errlen,
		            "must be one of the classes a rule can find");
	if (r->cls == TC_ABUSE ? (r->ground < AG_NONE || r->ground >= AG__COUNT)
	                       : r->ground != AG_NONE)
		return fail(field, "ground", err, errlen,
		            "a ground belongs only to an abuse rule");
	if (r->lang != NULL && r->lang[0] != '\0' &&
	    (lang_parse(r->lang) < 0 || strlen(r->lang) != 2))
		return fail(field, "lang", err, errlen,
		            "must be nb, nn, sv, da, en or empty for all");
	if (!isfinite(r->weight) || r->weight < -5 || r->weight > 5 ||
	    r->weight == 0)
		return fail(field, "weight", err, errlen,
		            "must be a number from -5 to 5, not 0");
	if (r->pattern == NULL || r->pattern[0] == '\0')
		return fail(field, "pattern", err, errlen, "is required");
	if (strlen(r->pattern) > TRIAGE_RULE_MAX_PATTERN)
		return fail(field, "pattern", err, errlen, "is too long");
	if (r->kind == RULE_KEYWORD) {
		if (!keyword_list_ok(r->pattern))
			return fail(field, "pattern", err, errlen,
			            "must be words separated by |");
		return 0;
	}
	if (r->kind != RULE_PATTERN)
		return fail(field, "kind", err, errlen,
		            "must be keyword or pattern");
	{
		int code;
		PCRE2_SIZE off;
		pcre2_code *re =
		    pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED,
		                  PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS |
		                      PCRE2_NEVER_BACKSLASH_C,
		                  &code, &off, NULL);
		if (re == NULL) {
			PCRE2_UCHAR msg[160];
			pcre2_get_error_message(code, msg, sizeof(msg));
			*field = "pattern";
			snprintf(err, errlen,
			         "is not a valid pattern at %zu: %s",
			         (size_t)off, (const char *)msg);
			return -1;
		}
		pcre2_code_free(re);
	}
	return 0;
}

/* --- the built-in rules ----------------------------------------------------
 *
 * Written for comments to Nordic public bodies (municipalities, counties,
 * colleges) on Facebook, Instagram, X and Mastodon.  Conventions:
 *  - weight 1 decides on its own (a threat spelt out, a formal appeal);
 *    0.5–0.8 is strong evidence the classifier may still overrule;
 *    0.2–0.4 is a hint that needs the classifier or another rule;
 *    a negative weight speaks against the class;
 *  - a keyword rule holds synonyms ("|"): it counts once however many
 *    of them the text has, so a rant repeating one word does not stack;
 *  - nb and nn rules apply to both written standards (triage.c), so the
 *    nn rules hold only the forms that differ;
 *  - patterns are for structure (a question mark at the end, a verb first,
 *    a link) and for insults or threats aimed at "you".
 */
#define K(c, l, w, p, n)                                                       \
	{                                                                      \
		0, c, AG_NONE, l, RULE_KEYWORD, p, w, 1, n                     \
	}
#define P(c, l, w, p, n)                                                       \
	{                                                                      \
		0, c, AG_NONE, l, RULE_PATTERN, p, w, 1, n                     \
	}
#define KA(g, l, w, p, n)                                                      \
	{                                                                      \
		0, TC_ABUSE, g, l, RULE_KEYWORD, p, w, 1, n                    \
	}
#define PA(g, l, w, p, n)                                                      \
	{                                                                      \
		0, TC_ABUSE, g, l, RULE_PATTERN, p, w, 1, n                    \
	}
/* "you" as an object, in every language: the target of a threat */
#define YOU_OBJ "(?:deg|dere|dykk|dokker|dig|jer|you|ya)"

static const struct triage_rule default_rules[] = {
    /* --- question: every language ------------------------------------ */
    P(TC_QUESTION, NULL, 0.6, "\\?[\\s\\p{So}\\p{Sk}\\p{Cf}\\p{Pe}.!]*$",
      "a question mark ends the text (emoji and spaces after it allowed)"),
    P(TC_QUESTION, NULL, 0.4, "\\?+\\s+(?=\\p{L})",
      "a question mark ends a sentence inside the text"),

    /* --- question: nb / nn -------------------------------------------- */
    P(TC_QUESTION, "nb", 0.4,
      "(?:^|[.!?\\n])\\s*\\K(?:hva|hvor|hvordan|hvorfor|hvem|hvilke[nt]?|"
      "når|åssen|koss)\\b",
      "a sentence opens with a question word (bokmål, dialect)"),
    P(TC_QUESTION, "nn", 0.4,
      "(?:^|[.!?\\n])\\s*\\K(?:kva|kor|korleis|kvifor|kven|kvar|kva\\s+tid|"
      "ka)\\b",
      "a sentence opens with a question word (nynorsk, dialect)"),
    P(TC_QUESTION, "nb", 0.4,
      "(?:^|[.!?\\n])\\s*\\K(?:kan|kunne|skal|vil|er|har|blir|får|må|går|"
      "finnes|gjelder|stemmer)\\s+(?:jeg|eg|man|en|vi|me|dere|de|dykk|"
      "det|du|noen|nokon)\\b",
      "a sentence opens with a verb then its subject: a yes/no question"),
    K(TC_QUESTION, "nb", 0.6,
      "lurer på|noen som vet|vet noen|hvor finner jeg|kan dere svare|"
      "har et spørsmål|et spørsmål til|er det mulig å|kan noen svare",
      "phrases that ask (bokmål)"),
    K(TC_QUESTION, "nn", 0.6,
      "lurer eg på|nokon som veit|veit nokon|kor finn eg|kan de svare|"
      "har eit spørsmål|eit spørsmål til|er det mogleg å",
      "phrases that ask (nynorsk)"),

    /* --- question: sv ---------------------------------------------------- */
    P(TC_QUESTION, "sv", 0.4,
      "(?:^|[.!?\\n])\\s*\\K(?:hur|var|vart|varför|vad|vem|vilken|vilket|"
      "vilka|när)\\b",
      "a sentence opens with a question word (Swedish)"),
    P(TC_QUESTION, "sv", 0.4,
      "(?:^|[.!?\\n])\\s*\\K(?:kan|får|ska|måste|har|är|finns|gäller|går)"
      "\\s+(?:jag|man|vi|ni|det|du|någon|den|dom)\\b",
      "a verb then its subject opens a sentence: a yes/no question"),
    K(TC_QUESTION, "sv", 0.6,
      "undrar|någon som vet|vet någon|hur gör man|var hittar jag|"
      "har en fråga|en fråga om|är det möjligt att",
      "phrases that ask (Swedish)"),

    /* --- question: da ---------------------------------------------------- */
    P(TC_QUESTION, "da", 0.4,
      "(?:^|[.!?\\n])\\s*\\K(?:hvad|hvor|hvordan|hvorfor|hvornår|hvem|"
      "hvilken|hvilket|hvilke)\\b",
      "a sentence opens with a question word (Danish)"),
    P(TC_QUESTION, "da", 0.4,
      "(?:^|[.!?\\n])\\s*\\K(?:kan|må|skal|vil|er|har|får|gælder|findes)"
      "\\s+(?:jeg|man|vi|I|det|du|nogen|den)\\b",
      "a verb then its subject opens a sentence: a yes/no question"),
    K(TC_QUESTION, "da", 0.6,
      "nogen der ved|ved nogen|jeg undrer mig|har et spørgsmål|"
      "hvor finder jeg|er det muligt at",
      "phrases that ask (Danish)"),

    /* --- question: en ---------------------------------------------------- */
    P(TC_QUESTION, "en", 0.4,
      "(?:^|[.!?\\n])\\s*\\K(?:what|where|when|why|how|who|which|whose)\\b",
      "a sentence opens with a question word (English)"),
    P(TC_QUESTION, "en", 0.4,
      "(?:^|[.!?\\n])\\s*\\K(?:can|could|will|would|is|are|do|does|did|"
      "should|may|has|have)\\s+(?:i|you|we|they|it|there|anyone|someone|"
      "the)\\b",
      "an auxiliary verb opens a sentence: a yes/no question"),
    K(TC_QUESTION, "en", 0.6,
      "does anyone know|anyone know|i was wondering|wondering if|"
      "have a question|quick question|is it possible to",
      "phrases that ask (English)"),

    /* --- factual error ------------------------------------------------- */
    K(TC_FACTUAL_ERROR, "nb", 0.8,
      "det stemmer ikke|dette stemmer ikke|stemmer ikke med|det er feil|"
      "dette er feil|det er ikke riktig|det er ikke korrekt|"
      "dere tar feil|det står feil",
      "says what we wrote is not right (bokmål)"),
    K(TC_FACTUAL_ERROR, "nb", 1.0,
      "dere skriver feil|dere har skrevet feil|feil dato|feil klokkeslett|"
      "feil adresse|feil informasjon|feil opplysninger|faktafeil|"
      "korrigering|det riktige er|det rette er",
      "points at a wrong date, fact or a correction we owe (bokmål)"),
    K(TC_FACTUAL_ERROR, "nb", 0.5,
      "misvisende|feilaktig|usant|villedende|upresist",
      "calls our information misleading or untrue (bokmål)"),
    K(TC_FACTUAL_ERROR, "nn", 0.8,
      "det stemmer ikkje|dette stemmer ikkje|det er ikkje rett|"
      "det er ikkje riktig|de tek feil|de skriv feil|de har skrive feil|"
      "det står feil",
      "says what we wrote is not right (nynorsk)"),
    K(TC_FACTUAL_ERROR, "sv", 0.8,
      "det stämmer inte|stämmer inte med|det är fel|ni har fel|"
      "det är inte sant|det är inte korrekt|ni skriver fel|det står fel",
      "says what we wrote is not right (Swedish)"),
    K(TC_FACTUAL_ERROR, "sv", 1.0,
      "fel datum|fel tid|fel adress|fel uppgift|felaktig uppgift|"
      "felaktiga uppgifter|faktafel|det rätta är",
      "points at a wrong date, fact or a correction we owe (Swedish)"),
    K(TC_FACTUAL_ERROR, "sv", 0.5, "felaktig|vilseledande|missvisande",
      "calls our information misleading (Swedish)"),
    K(TC_FACTUAL_ERROR, "da", 0.8,
      "det passer ikke|det er forkert|det er ikke rigtigt|"
      "det er ikke korrekt|I tager fejl|I skriver forkert|der står forkert",
      "says what we wrote is not right (Danish)"),
    K(TC_FACTUAL_ERROR, "da", 1.0,
      "forkert dato|forkert tidspunkt|forkert adresse|forkerte oplysninger|"
      "faktuel fejl|faktafejl|det rigtige er",
      "points at a wrong date, fact or a correction we owe (Danish)"),
    K(TC_FACTUAL_ERROR, "da", 0.5, "misvisende|usandt|vildledende",
      "calls our information misleading (Danish)"),
    K(TC_FACTUAL_ERROR, "en", 0.8,
      "that's not true|that is not true|this is not true|not correct|"
      "you got it wrong|you are wrong|you're wrong|is incorrect",
      "says what we wrote is not right (English)"),
    K(TC_FACTUAL_ERROR, "en", 1.0,
      "wrong date|wrong time|wrong address|wrong information|"
      "factual error|inaccurate|the correct date is",
      "points at a wrong date, fact or a correction we owe (English)"),
    K(TC_FACTUAL_ERROR, "en", 0.5, "misleading|false information|untrue",
      "calls our information misleading (English)"),
    P(TC_FACTUAL_ERROR, NULL, 1.0,
      "\\b(?:rettelse|rättelse|correction|erratum)\\b",
      "asks for a correction; a pattern, since the stems (rett, rätt, "
      "correct) would match far more"),

    /* --- complaint -------------------------------------------------------- */
    K(TC_COMPLAINT, "nb", 0.8,
      "klage|klager|misfornøyd|ikke fornøyd|skuffet|skuffende|"
      "uakseptabelt|ikke akseptabelt|skandale|skandaløst",
      "says the writer is dissatisfied (bokmål)"),
    K(TC_COMPLAINT, "nb", 0.5,
      "elendig|dårlig|håpløst|latterlig|pinlig|frustrert|frustrerende|"
      "irritert|sløsing|bortkastet|for dårlig|helt vilt",
      "negative judgement of a service (bokmål)"),
    K(TC_COMPLAINT, "nb", 0.7,
      "ingen svarer|ingen svar|svarer ikke|tar ikke telefonen|har ventet|"
      "fortsatt ikke|enda ikke|ikke brøytet|ikke måkt|hull i veien|"
      "ingen har kommet",
      "waiting, not answered, not done (bokmål)"),
    K(TC_COMPLAINT, "nn", 0.8, "misnøgd|ikkje nøgd|skuffa|ikkje akseptabelt",
      "says the writer is dissatisfied (nynorsk)"),
    K(TC_COMPLAINT, "nn", 0.5, "dårleg|håplaust|elendig|latterleg",
      "negative judgement of a service (nynorsk)"),
    K(TC_COMPLAINT, "nn", 0.7,
      "ingen svarar|svarar ikkje|har venta|framleis ikkje|enno ikkje|"
      "ikkje brøyta|ikkje måka",
      "waiting, not answered, not done (nynorsk)"),
    K(TC_COMPLAINT, "sv", 0.8,
      "klagomål|klaga|missnöjd|inte nöjd|besviken|oacceptabelt|"
      "skandal|skandalöst|bedrövligt",
      "says the writer is dissatisfied (Swedish)"),
    K(TC_COMPLAINT, "sv", 0.5,
      "dåligt|uselt|urdåligt|pinsamt|frustrerad|löjligt|slöseri",
      "negative judgement of a service (Swedish)"),
    K(TC_COMPLAINT, "sv", 0.7,
      "ingen svarar|svarar inte|har väntat|fortfarande inte|ännu inte|"
      "inte plogat|inte skottat",
      "waiting, not answered, not done (Swedish)"),
    K(TC_COMPLAINT, "da", 0.8,
      "klage|utilfreds|ikke tilfreds|skuffet|uacceptabelt|skandale",
      "says the writer is dissatisfied (Danish)"),
    K(TC_COMPLAINT, "da", 0.5,
      "dårligt|elendigt|pinligt|frustreret|latterligt|spild af",
      "negative judgement of a service (Danish)"),
    K(TC_COMPLAINT, "da", 0.7,
      "ingen svarer|svarer ikke|har ventet|stadig ikke|endnu ikke|"
      "ikke ryddet",
      "waiting, not answered, not done (Danish)"),
    K(TC_COMPLAINT, "en", 0.8,
      "complaint|complain|disappointed|unacceptable|disgrace|"
      "not happy|fed up",
      "says the writer is dissatisfied (English)"),
    K(TC_COMPLAINT, "en", 0.5,
      "terrible|ridiculous|useless|frustrated|shameful|"
      "waste of|poor service|disgusting",
      "negative judgement of a service (English)"),
    K(TC_COMPLAINT, "en", 0.7,
      "no one answers|nobody answers|still waiting|not been cleared|"
      "never got a reply|no reply",
      "waiting, not answered, not done (English)"),
    P(TC_COMPLAINT, NULL, 0.3,
      "[\\x{1F621}\\x{1F92C}\\x{1F44E}\\x{1F624}\\x{1F620}]",
      "an angry face or thumbs down"),
    K(TC_COMPLAINT, NULL, 0.6,
      "takk for ingenting|tack för ingenting|tak for ingenting|"
      "thanks for nothing",
      "sarcastic thanks"),

    K(TC_PRAISE, NULL, -1.0,
      "takk for ingenting|tack för ingenting|tak for ingenting|"
      "thanks for nothing",
      "sarcastic thanks are not praise"),

    /* --- abuse: threat (olaga hot, straffeloven § 263) ----------------- */
    KA(AG_THREAT, "nb", 1.0,
       "jeg vet hvor du bor|vi vet hvor du bor|vet hvor du bor|"
       "du skal få svi|det skal du få svi for|du skal få merke|"
       "du er et dødt menneske|du skal dø|håper du dør",
       "threat phrases (bokmål)"),
    KA(AG_THREAT, "nn", 1.0,
       "eg veit kor du bur|me veit kor du bur|veit kor du bur|"
       "du skal få svi|du skal døy|håpar du døyr",
       "threat phrases (nynorsk)"),
    KA(AG_THREAT, "sv", 1.0,
       "jag vet var du bor|vi vet var du bor|vet var du bor|"
       "du ska få se|du kommer att ångra dig|du ska dö|hoppas du dör|"
       "du är död",
       "threat phrases (Swedish)"),
    KA(AG_THREAT, "da", 1.0,
       "jeg ved hvor du bor|vi ved hvor du bor|ved hvor du bor|"
       "du skal dø|håber du dør|du er død|du kommer til at fortryde|"
       "slå dig ihjel|slår dig ihjel",
       "threat phrases (Danish)"),
    KA(AG_THREAT, "en", 1.0,
       "i know where you live|we know where you live|you're dead|"
       "you are dead|watch your back|you will pay for this|"
       "hope you die|you will regret",
       "threat phrases (English)"),
    PA(AG_THREAT, NULL, 1.0,
       "\\b(?:drepe|drep|dreper|skyte|skyt|knivstikke|banke|kverke|"
       "henge|voldta|slå\\s+ihjel|ta\\s+livet\\s+av|döda|dödar|skjuta|"
       "hugga|misshandla|våldta|dræbe|dræber|skyde|voldtage|kill|shoot|"
       "stab|hurt|rape|beat\\s+up)\\s+" YOU_OBJ
       "\\b(?!\\s+(?:an?\\s+)?(?:e-?mail|message|dm|pm|line|note|text)\\b)",
       "a violent verb aimed at \"you\" (kill, shoot, stab, beat, rape); "
       "not \"shoot you an email\""),
    KA(AG_THREAT, NULL, 0.8,
       "jeg skal finne deg|eg skal finne deg|jag ska hitta dig|"
       "jeg finder dig|i will find you|i'll find you",
       "\"I will find you\""),
    PA(AG_THREAT, NULL, 1.0,
       "\\b(?:jeg|eg|vi|me|jag|I)\\s+(?:skal|ska|vil|kommer\\s+til\\s+å|"
       "kommer\\s+att|kommer\\s+til\\s+at|will|'ll|am\\s+going\\s+to|"
       "gonna)\\s+(?:drepe|knivstikke|döda|dræbe|kill|stab|bomb)\\b",
       "the writer announces violence: I will kill/stab/bomb (not "
       "shoot, burn or blast: fireworks, bonfires and tunnels)"),
    PA(AG_THREAT, NULL, 0.4,
       "\\b(?:pass\\s+deg|pass\\s+dykk|akta\\s+dig|pas\\s+på\\s+dig)\\b",
       "\"watch out\": a threat or advice about ice; a hint only"),

    /* --- abuse: hate speech against a group (§ 185, hets mot folkgrupp) */
    PA(AG_HATE, "nb", 1.0,
       "\\b(?:muslimer|muslimene|innvandrere|innvandrerne|jøder|jødene|"
       "flyktninger|flyktningene|homofile|homser|samer|samene|romfolk|"
       "sigøynere|somaliere|afrikanere|negre|utlendinger|asylsøkere)\\b"
       "[^.!?\\n]{0,40}?\\b(?:bør|skal|må|burde)\\s+(?:kastes\\s+ut|sendes"
       "\\s+(?:hjem|ut)|utryddes|dø|skytes|gasses|deporteres)",
       "calls for a group to be expelled, exterminated or killed"),
    PA(AG_HATE, "nb", 1.0,
       "\\b(?:muslimer|innvandrere|jøder|flyktninger|homofile|homser|"
       "samer|sigøynere|somaliere|afrikanere|negre|utlendinger|"
       "asylsøkere)\\s+(?:er|e)\\s+(?:noen\\s+)?(?:rotter|kakerlakker|"
       "parasitter|snyltere|dyr|avskum|pakk|søppel|undermennesker)\\b",
       "calls a group vermin, parasites or animals"),
    KA(AG_HATE, "nb", 1.0,
       "pakkis|svarting|svartinger|neger|sandneger|innvandrerpakk|"
       "muslimpakk|homsepakk|jødesvin",
       "ethnic and homophobic slurs (bokmål)"),
    PA(AG_HATE, "nn", 1.0,
       "\\b(?:muslimar|innvandrarar|jødar|flyktningar|homofile|samar|"
       "utlendingar)\\b[^.!?\\n]{0,40}?\\b(?:bør|skal|må)\\s+(?:kastast"
       "\\s+ut|sendast\\s+heim|utryddast|døy)",
       "calls for a group to be expelled or exterminated (nynorsk)"),
    PA(AG_HATE, "sv", 1.0,
       "\\b(?:muslimer|muslimerna|invandrare|invandrarna|judar|judarna|"
       "flyktingar|homosexuella|bögar|samer|romer|zigenare|somalier|"
       "afrikaner|negrer|utlänningar)\\b[^.!?\\n]{0,40}?\\b(?:borde|ska|"
       "måste|bör)\\s+(?:kastas\\s+ut|skickas\\s+hem|utrotas|dö|skjutas|"
       "gasas|deporteras)",
       "calls for a group to be expelled, exterminated or killed (sv)"),
    PA(AG_HATE, "sv", 1.0,
       "\\b(?:muslimer|invandrare|judar|flyktingar|bögar|romer|zigenare|"
       "somalier|negrer|utlänningar)\\s+är\\s+(?:råttor|kackerlackor|"
       "parasiter|djur|avskum|pack|skadedjur)\\b",
       "calls a group vermin, parasites or animals (Swedish)"),
    KA(AG_HATE, "sv", 1.0,
       "blattar|blatte|svartskalle|svartskallar|"
       "neger|invandrarpack|zigenarpack",
       "ethnic slurs (Swedish)"),
    PA(AG_HATE, "da", 1.0,
       "\\b(?:muslimer|muslimerne|indvandrere|indvandrerne|jøder|jøderne|"
       "flygtninge|flygtningene|bøsser|homoseksuelle|somaliere|"
       "afrikanere|negre|udlændinge)\\b[^.!?\\n]{0,40}?\\b(?:bør|skal|"
       "må|burde)\\s+(?:smides\\s+ud|sendes\\s+hjem|udryddes|dø|skydes|"
       "gasses|deporteres)",
       "calls for a group to be expelled, exterminated or killed (da)"),
    PA(AG_HATE, "da", 1.0,
       "\\b(?:muslimer|indvandrere|jøder|flygtninge|bøsser|somaliere|"
       "negre|udlændinge)\\s+er\\s+(?:rotter|kakerlakker|parasitter|"
       "dyr|afskum|pak|snyltere)\\b",
       "calls a group vermin, parasites or animals (Danish)"),
    KA(AG_HATE, "da", 1.0, "perker|perkere|neger|sandneger|indvandrerpak",
       "ethnic slurs (Danish)"),
    PA(AG_HATE, "en", 1.0,
       "\\b(?:muslims|immigrants|jews|refugees|gays|blacks|gypsies|"
       "foreigners|asylum\\s+seekers)\\b[^.!?\\n]{0,40}?\\b(?:should|must|"
       "need\\s+to)\\s+(?:be\\s+)?(?:deported|kicked\\s+out|sent\\s+back|"
       "exterminated|wiped\\s+out|die|shot|gassed)",
       "calls for a group to be expelled, exterminated or killed (en)"),
    PA(AG_HATE, "en", 1.0,
       "\\b(?:muslims|immigrants|jews|refugees|gays|blacks|gypsies|"
       "foreigners)\\s+are\\s+(?:rats|cockroaches|parasites|animals|vermin|"
       "scum|subhuman)\\b",
       "calls a group vermin, parasites or animals (English)"),
    KA(AG_HATE, "en", 1.0,
       "nigger|niggers|paki|pakis|kike|kikes|faggots|"
       "sand nigger|towelhead",
       "ethnic and homophobic slurs (English)"),
    PA(AG_HATE, NULL, 1.0, "\\b(?:sieg\\s+heil|heil\\s+hitler|1488)\\b",
       "Nazi salutes and codes"),

    /* --- abuse: personal attack ----------------------------------------------
     */
    PA(AG_PERSONAL_ATTACK, "nb", 1.0,
       "\\b(?:du|dere|dykk)\\s+(?:er|e)\\s+(?:(?:så|jo|bare|en|ei|et|"
       "noen|nokon|helt|fullstendig|jævla|faen\\s+meg)\\s+)*(?:dum|dumme|"
       "idiot|idioter|idiotar|teit|hjernedød|hjernedøde|patetisk|ynkelig|"
       "stygg|feit|ekkel|avskum|søppel|drittsekk|drittsekker|tulling|"
       "tullinger|løgner|evneveik|mongo|fjols|tosk|kødd|rasshøl|"
       "kjerring|hore|fitte)\\b",
       "\"you are\" + an insult (bokmål, nynorsk)"),
    KA(AG_PERSONAL_ATTACK, "nb", 0.8,
       "din idiot|dine idioter|din jævel|din tulling|din drittsekk|"
       "ditt avskum|din fitte|ditt rasshøl|din kjerring|knull deg|"
       "dra til helvete|hold kjeft|kjeften din",
       "insults and curses aimed at someone (bokmål)"),
    KA(AG_PERSONAL_ATTACK, "nb", 0.5,
       "idiot|idioter|idiotar|hjernedød|drittsekk|tulling|evneveik|"
       "rasshøl|kjerringa|fjols|tosk",
       "insult words; with the classifier they decide"),
    PA(AG_PERSONAL_ATTACK, "sv", 1.0,
       "\\b(?:du|ni)\\s+är\\s+(?:(?:så|ju|bara|en|ett|helt|jävla|"
       "fan\\s+i\\s+mig)\\s+)*(?:dum|dumma|idiot|idioter|korkad|"
       "hjärndöd|patetisk|ful|fet|äcklig|avskum|skit|kräk|pucko|"
       "mongo|fitta|hora|subba)\\b",
       "\"you are\" + an insult (Swedish)"),
    KA(AG_PERSONAL_ATTACK, "sv", 0.8,
       "din idiot|ditt pucko|ditt kräk|ditt as|din jävel|din fitta|"
       "dra åt helvete|håll käften|käften",
       "insults and curses aimed at someone (Swedish)"),
    KA(AG_PERSONAL_ATTACK, "sv", 0.5,
       "idiot|idioter|pucko|korkad|hjärndöd|kräk|mongo",
       "insult words (Swedish); with the classifier they decide"),
    PA(AG_PERSONAL_ATTACK, "da", 1.0,
       "\\b(?:du|I)\\s+er\\s+(?:(?:så|jo|bare|en|et|helt|fandme|"
       "fucking)\\s+)*(?:dum|dumme|idiot|idioter|åndssvag|hjernedød|"
       "patetisk|grim|fed|klam|afskum|lort|mongol|spasser|kælling|luder|"
       "fisse)\\b",
       "\"you are\" + an insult (Danish)"),
    KA(AG_PERSONAL_ATTACK, "da", 0.8,
       "din idiot|dit fjols|din spasser|dit svin|din kælling|skrid ad "
       "helvede|hold kæft|klap i",
       "insults and curses aimed at someone (Danish)"),
    KA(AG_PERSONAL_ATTACK, "da", 0.5, "idiot|idioter|åndssvag|spasser|klovn",
       "insult words (Danish); with the classifier they decide"),
    PA(AG_PERSONAL_ATTACK, "en", 1.0,
       "\\b(?:you\\s+are|you're|ur|you\\s+r)\\s+(?:(?:so|such|just|a|an|"
       "a\\s+fucking|fucking|complete|total)\\s+)*(?:stupid|idiot|idiots|"
       "moron|morons|retard|retarded|pathetic|ugly|fat|disgusting|scum|"
       "trash|loser|clown|bitch|cunt|dumb)\\b",
       "\"you are\" + an insult (English)"),
    KA(AG_PERSONAL_ATTACK, "en", 0.8,
       "you idiot|you moron|you fucking|fuck you|go to hell|shut up|"
       "piece of shit|stupid bitch|dumb bitch",
       "insults and curses aimed at someone (English)"),
    KA(AG_PERSONAL_ATTACK, "en", 0.5,
       "idiot|idiots|moron|morons|retard|imbecile|loser|clown|scumbag|"
       "scumbags|cunt|cunts|asshole|assholes|dickhead|bastard|bastards|"
       "wanker|prick",
       "insult words (English); with the classifier they decide"),
    PA(AG_NONE, NULL, -1.0,
       "\\b(?:fucking|fuckin|bloody|jävla|jävligt|jävulskt|sjukt|jævla|"
       "jævlig|jækla|fandme|pokkers)\\s+(?:amazing|awesome|great|good|"
       "beautiful|perfect|fantastic|cute|love|loves|lovely|brilliant|"
       "excellent|bra|bäst|bästa|fantastisk\\w*|perfekt\\w*|vacker\\w*|"
       "söt\\w*|kärlek|älskar|god|godt|gode|flott\\w*|fin|fint|herlig\\w*|"
       "nydelig\\w*|lækker\\w*|dejlig\\w*|skøn\\w*|gøy|kult|snygg\\w*)\\b",
       "profanity as praise (\"fucking great\", \"jävla bra\", \"jævla "
       "flott\") is not abuse"),
    KA(AG_NONE, "nb", 0.25, "faen|jævla|jævlig|helvete|dritt|satan",
       "profanity: not abuse by itself, a hint for the classifier"),
    KA(AG_NONE, "sv", 0.25, "fan|jävla|jävligt|helvete|skit",
       "profanity: not abuse by itself, a hint for the classifier"),
    KA(AG_NONE, "da", 0.25, "fanden|fandme|helvede|lort|pis",
       "profanity: not abuse by itself, a hint for the classifier"),
    KA(AG_NONE, NULL, 0.25, "fuck|fucking|shit|wtf",
       "English profanity, common in every language here: a hint"),

    /* --- abuse: sexual harassment
       --------------------------------------------- */
    KA(AG_SEXUAL_HARASSMENT, "nb", 1.0,
       "send nakenbilder|send nudes|vis puppene|vil knulle deg|"
       "vil pule deg|sug pikken|sug kuken|pule deg|knulle deg|"
       "ligge med deg",
       "sexual demands aimed at someone (bokmål)"),
    KA(AG_SEXUAL_HARASSMENT, "nb", 0.6,
       "hore|horer|ludder|fitte|pupper|sexy|digg kropp|kåt|pikk|kuk",
       "sexualised words about a person; with the classifier they "
       "decide"),
    KA(AG_SEXUAL_HARASSMENT, "sv", 1.0,
       "skicka nakenbilder|vill knulla dig|knulla dig|suga kuk|"
       "visa brösten|ligga med dig",
       "sexual demands aimed at someone (Swedish)"),
    KA(AG_SEXUAL_HARASSMENT, "sv", 0.6, "hora|horor|fitta|subba|kuk|pattar|kåt",
       "sexualised words about a person (Swedish)"),
    KA(AG_SEXUAL_HARASSMENT, "da", 1.0,
       "send nøgenbilleder|vil kneppe dig|kneppe dig|sutte pik|"
       "vis dine bryster|ligge med dig",
       "sexual demands aimed at someone (Danish)"),
    KA(AG_SEXUAL_HARASSMENT, "da", 0.6, "luder|fisse|kusse|pik|patter|liderlig",
       "sexualised words about a person (Danish)"),
    KA(AG_SEXUAL_HARASSMENT, "en", 1.0,
       "send nudes|show me your tits|want to fuck you|wanna fuck|"
       "suck my dick|sit on my face",
       "sexual demands aimed at someone (English)"),
    KA(AG_SEXUAL_HARASSMENT, "en", 0.6, "slut|whore|tits|boobs|horny|sexy|milf",
       "sexualised words about a person (English)"),
    PA(AG_SEXUAL_HARASSMENT, NULL, 0.6, "\\bsex(?:ig|iga|igt|et|ede)\\b",
       "\"sexy\" in sv and da as written: its stem is sex, which is six"),
    PA(AG_SEXUAL_HARASSMENT, NULL, 0.4,
       "[\\x{1F346}\\x{1F351}\\x{1F4A6}\\x{1F445}]",
       "emoji used as sexual innuendo (aubergine, peach, drops, tongue)"),

    /* --- abuse: spam
       --------------------------------------------------------------- */
    PA(AG_SPAM, NULL, 0.3,
       "(?:https?://|www\\.)\\S+|\\b(?:bit\\.ly|t\\.me|wa\\.me|tinyurl\\.com|"
       "linktr\\.ee)/\\S+",
       "a link: spam often carries one, citizens often do too (a hint)"),
    KA(AG_SPAM, NULL, 0.6,
       "crypto|krypto|bitcoin|btc|forex|onlyfans|casino|kasino|"
       "nft|usdt|binary options",
       "words of crypto, betting and adult-content spam"),
    KA(AG_SPAM, "nb", 0.3, "gratis|vinn|vinne|vinner|gevinst",
       "prize words: citizens use them too, so only a hint (bokmål)"),
    KA(AG_SPAM, "nb", 0.6,
       "tjen penger|jobb hjemmefra|garantert avkastning|"
       "lån uten sikkerhet|klikk her|klikk på lenken|sjekk profilen min",
       "money and click-bait phrases (bokmål)"),
    KA(AG_SPAM, "sv", 0.3, "gratis|vinn|vinna|vinst",
       "prize words: only a hint (Swedish)"),
    KA(AG_SPAM, "sv", 0.6,
       "tjäna pengar|jobba hemifrån|garanterad avkastning|klicka här|"
       "kolla min profil",
       "money and click-bait phrases (Swedish)"),
    KA(AG_SPAM, "da", 0.3, "gratis|gevinst",
       "prize words: only a hint (Danish; not \"vinde\": its stem vind "
       "is wind)"),
    KA(AG_SPAM, "da", 0.6,
       "tjen penge|arbejd hjemmefra|garanteret afkast|klik her|"
       "tjek min profil",
       "money and click-bait phrases (Danish)"),
    KA(AG_SPAM, "en", 0.3, "free|win|winner|giveaway",
       "prize words: only a hint (English)"),
    KA(AG_SPAM, "en", 0.6,
       "earn money|make money|work from home|guaranteed returns|"
       "click here|check my profile|dm me for",
       "money and click-bait phrases (English)"),
    PA(AG_SPAM, NULL, 0.6,
       "(?:\\+\\d[\\d ]{7,}|whats\\s*app|telegram)[^\\n]{0,40}"
       "(?:invest|profit|avkastning|afkast|bitcoin|crypto|trading)|"
       "(?:invest|profit|avkastning|afkast|bitcoin|crypto|trading)"
       "[^\\n]{0,60}(?:whats\\s*app|telegram|\\+\\d[\\d ]{7,})",
       "an investment offer with a WhatsApp/Telegram contact"),
    PA(AG_SPAM, NULL, 0.5, "(.{8,})(?:\\s*\\1){3,}",
       "the same text repeated four times or more (flooding)"),

    /* --- abuse: privacy, incitement, child abuse, terrorism, copyright --- */
    KA(AG_PRIVACY, NULL, 0.6,
       "adressen hans er|adressen hennes er|han bor i|hun bor i|"
       "han bor på|hun bor på|hans adress är|hennes adress är|"
       "hans adresse er|hendes adresse er|his address is|her address is|"
       "he lives at|she lives at|nummeret hans er|nummeret hennar er",
       "tells where a named person lives or how to reach them (doxxing)"),
    KA(AG_INCITEMENT, NULL, 1.0,
       "burde skytes|bør skytes|bør henges|burde henges|burde bankes|"
       "borde skjutas|borde hängas|bör skjutas|burde skydes|burde hænges|"
       "should be shot|should be hanged|should be lynched",
       "calls for someone to be shot or hanged"),
    PA(AG_INCITEMENT, NULL, 0.8,
       "\\b(?:noen|nokon|någon|nogen|someone|somebody)\\s+(?:burde|bør|"
       "borde|should)\\s+(?:drepe|skyte|banke|döda|skjuta|slå|dræbe|"
       "skyde|tæve|kill|shoot|beat)\\b",
       "calls on others to hurt someone"),
    PA(AG_INCITEMENT, NULL, 0.8,
       "\\b(?:brenn|brenn\\s+ned|bränn|bränn\\s+ner|brænd|burn)\\s+"
       "(?:ned\\s+|ner\\s+|down\\s+)?(?:rådhuset|kommunehuset|rådhuset|"
       "kommunhuset|moskeen|moskén|moskeen|synagogen|asylmottaket|"
       "flyktningmottaket|the\\s+town\\s+hall|the\\s+mosque)\\b",
       "calls for arson against a public building or place of worship"),
    KA(AG_CHILD_ABUSE, NULL, 1.0,
       "barneporno|barnepornografi|barnporr|børneporno|child porn|"
       "cp links|pedo links",
       "offers or asks for child sexual abuse material"),
    KA(AG_TERRORISM, NULL, 1.0,
       "bli med i is|join isis|støtt is|stötta is|død over de vantro|"
       "death to the infidels|død over vantro",
       "calls to join or support terrorism"),
    KA(AG_COPYRIGHT, NULL, 0.8,
       "full film gratis|se hele filmen gratis|full movie free|"
       "watch free online|stream gratis|ladda ner gratis film",
       "offers pirated films or streams"),

    /* --- case request -------------------------------------------------------
     */
    K(TC_CASE_REQUEST, "nb", 1.0,
      "klage på vedtak|klage på vedtaket|klager på vedtaket|anke vedtaket|"
      "vil anke|påklage|søker herved|søker med dette|be om innsyn|"
      "ber om innsyn|krav om innsyn|begjæring om innsyn|"
      "bekymringsmelding",
      "a formal appeal, application, request for access or a concern "
      "about a child: case handling (bokmål)"),
    K(TC_CASE_REQUEST, "nb", 0.7,
      "ønsker å søke|vil søke om|søke om|søknad om|søknaden min|"
      "innsyn|dispensasjon|byggesak|byggesøknad|saksnummer|saksnr|"
      "erstatningskrav|krav om erstatning",
      "applications, permits, case numbers and claims (bokmål)"),
    K(TC_CASE_REQUEST, "nn", 1.0,
      "klage på vedtaket|klagar på vedtaket|søkjer med dette|"
      "ber om innsyn|krav om innsyn|bekymringsmelding",
      "a formal appeal, request for access or concern (nynorsk)"),
    K(TC_CASE_REQUEST, "nn", 0.7,
      "ønskjer å søkje|søkje om|søknad om|byggjesak|byggjesøknad|"
      "saksnummer|dispensasjon",
      "applications, permits and case numbers (nynorsk)"),
    K(TC_CASE_REQUEST, "sv", 1.0,
      "överklaga|överklagar|överklagande|begäran om allmän handling|"
      "begär ut|allmän handling|ansöker härmed|orosanmälan",
      "a formal appeal, a request for public documents or a concern "
      "about a child: case handling (Swedish)"),
    K(TC_CASE_REQUEST, "sv", 0.7,
      "ansöka om|vill ansöka|ansökan om|min ansökan|bygglov|"
      "diarienummer|ärendenummer|skadestånd|dispens",
      "applications, permits, case numbers and claims (Swedish)"),
    K(TC_CASE_REQUEST, "da", 1.0,
      "klage over afgørelse|klage over afgørelsen|anke afgørelsen|"
      "aktindsigt|anmoder om aktindsigt|ansøger hermed",
      "a formal appeal, request for access or a concern about a child "
      "(Danish)"),
    K(TC_CASE_REQUEST, "da", 0.7,
      "ansøge om|vil ansøge|ansøgning om|min ansøgning|byggesag|"
      "byggetilladelse|sagsnummer|journalnummer|dispensation|"
      "krav om erstatning|underretning",
      "applications, permits, case numbers, claims and a concern about "
      "a child (Danish; underretning is also any notice)"),
    K(TC_CASE_REQUEST, "en", 1.0,
      "appeal the decision|appeal against the decision|freedom of "
      "information|foi request|request for access to|formal complaint|"
      "hereby apply",
      "a formal appeal, a request for documents or a formal complaint "
      "(English)"),
    K(TC_CASE_REQUEST, "en", 0.7,
      "apply for|application for|my application|planning application|"
      "building permit|case number|reference number|compensation claim",
      "applications, permits, case numbers and claims (English)"),
    K(TC_CASE_REQUEST, NULL, -0.6,
      "hvordan søker jeg|hvordan søke|hvor søker jeg|korleis søkjer eg|"
      "hur ansöker jag|hur söker jag|hvordan ansøger jeg|hvor ansøger man|"
      "hvordan søker man|hur ansöker man|hvordan ansøger man|"
      "how do i apply|how to apply|where do i apply",
      "asking how to apply is a question, not an application"),

    /* --- praise ---------------------------------------------------------- */
    K(TC_PRAISE, "nb", 0.6,
      "tusen takk|takk for|takk skal dere ha|bra jobba|godt jobba|"
      "kjempebra|supert|fantastisk|strålende|imponerende|så fint|"
      "nydelig|heia|stolt av|gleder meg",
      "thanks and praise (bokmål)"),
    K(TC_PRAISE, "nb", 0.3, "takk|flott|bra|fint|topp",
      "short positive words; with the classifier they decide"),
    K(TC_PRAISE, "nn", 0.6,
      "tusen takk|takk for|godt jobba|kjempebra|så fint|nydeleg|"
      "flott arbeid|heia|stolt av|gler meg",
      "thanks and praise (nynorsk)"),
    K(TC_PRAISE, "sv", 0.6,
      "tack så mycket|stort tack|tack för|bra jobbat|grymt|toppen|"
      "fantastiskt|underbart|snyggt|stolt över",
      "thanks and praise (Swedish)"),
    K(TC_PRAISE, "sv", 0.3, "tack|bra|fint|kul",
      "short positive words; with the classifier they decide"),
    P(TC_PRAISE, "sv", 0.6, "\\b(?:härligt|heja)\\b",
      "praise words whose stems are common words (här: here, hej: "
      "hello), so matched as written"),
    K(TC_PRAISE, "da", 0.6,
      "mange tak|tusind tak|tak for|godt gået|godt arbejde|fantastisk|"
      "dejligt|skønt|super flot|sej|stolt af",
      "thanks and praise (Danish)"),
    K(TC_PRAISE, "da", 0.3, "tak|flot|godt|fint",
      "short positive words; with the classifier they decide"),
    K(TC_PRAISE, "en", 0.6,
      "thank you|thanks so much|great job|well done|amazing|awesome|"
      "love this|brilliant|fantastic|great work|proud of",
      "thanks and praise (English)"),
    K(TC_PRAISE, "en", 0.3, "thanks|great|nice|good",
      "short positive words; with the classifier they decide"),
    P(TC_PRAISE, NULL, 0.4,
      "[\\x{2764}\\x{1F44F}\\x{1F44D}\\x{1F60D}\\x{1F970}\\x{1F64C}"
      "\\x{1F389}\\x{2B50}\\x{1F31F}\\x{1F496}\\x{1F499}\\x{1F49A}"
      "\\x{1F49B}\\x{1F49C}\\x{1F917}\\x{1F60A}]",
      "hearts, applause, thumbs up, smiles"),
};

const struct triage_rule *
triage_default_rules(int *n)
{
	*n = (int)(sizeof(default_rules) / sizeof(default_rules[0]));
	return default_rules;
}
