/*
 * triage.h - what a comment is, decided on arrival (issue 5, REQUIREMENTS
 * R4.2–R4.6, seed 000 §11–12, seed 004 rules 4–8): its language, its
 * classes — question, factual error, complaint, abuse with its ground,
 * case request, personal data, praise, other — where personal data sits
 * in it, whether it must be answered, whether it is a hard case to check
 * with the communications unit, and why (docs/TRIAGE.md).
 *
 * Two sources decide together, and both are shown:
 *  - rules an administrator can read and edit: keywords (matched on
 *    Snowball stems in the rule's language, so "klage" finds "klagen",
 *    "klager") and PCRE2 patterns, per class (abuse rules with a ground),
 *    per language or for all, each with a weight; a default set ships
 *    for nb, nn, sv, da and en;
 *  - the classifier (classify.h), trained on the labelled sets that ship
 *    with kanalvakt and on each organisation's own decisions.
 * Personal data comes from pdata.h; the language from lang.h unless the
 * platform said.
 *
 * An engine (rules + model) is built once and then only read: triage_run
 * may be called from many threads at once.
 */
#ifndef KV_TRIAGE_H
#define KV_TRIAGE_H

#include "classify.h"
#include "lang.h"
#include "pdata.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum triage_class {
	TC_QUESTION,
	TC_FACTUAL_ERROR,
	TC_COMPLAINT,
	TC_ABUSE,
	TC_CASE_REQUEST,
	TC_PERSONAL_DATA,
	TC_PRAISE,
	TC_OTHER, /* none of the above */
	TC__COUNT
};

/* "question", "factual_error", "complaint", "abuse", "case_request",
 * "personal_data", "praise", "other" (static); NULL out of range. */
const char *triage_class_name(int c);
/* English label ("Factual error"), a msgid for the UI; NULL out of range. */
const char *triage_class_label(int c);
/* Parses a class name; -1 when unknown. */
int triage_class_parse(const char *s);

/* Grounds for removing abuse: the issue's list, refined by the Swedish
 * BBS law (1998:112) § 5 and the Norwegian penal code's equivalents. */
enum abuse_ground {
	AG_NONE,
	AG_THREAT,          /* olaga hot / trusler (straffeloven § 263) */
	AG_HATE,            /* hets mot folkgrupp / hatefulle ytringer § 185 */
	AG_PERSONAL_ATTACK, /* harassment, insults aimed at a person */
	AG_SEXUAL_HARASSMENT, /* sexual harassment, sexism */
	AG_SPAM,              /* advertising, scams, flooding */
	AG_PRIVACY,           /* olaga integritetsintrång, doxxing */
	AG_INCITEMENT,        /* uppvigling, calls to crime */
	AG_CHILD_ABUSE,       /* barnpornografibrott */
	AG_VIOLENCE,          /* olaga våldsskildring */
	AG_TERRORISM,         /* offentlig uppmaning till terrorism */
	AG_COPYRIGHT,         /* obvious copyright infringement */
	AG_OTHER_UNLAWFUL,
	AG__COUNT
};

/* "threat", "hate", "personal_attack", "sexual_harassment", "spam",
 * "privacy", "incitement", "child_abuse", "violence", "terrorism",
 * "copyright", "other_unlawful"; NULL for AG_NONE and out of range. */
const char *abuse_ground_name(int g);
/* English label, a msgid for the UI. */
const char *abuse_ground_label(int g);
/* Parses a ground name; -1 when unknown (AG_NONE is not a name). */
int abuse_ground_parse(const char *s);

/* Classes that carry the duty to answer (R4.3). */
#define TRIAGE_ANSWER_CLASSES                                                  \
	((1u << TC_QUESTION) | (1u << TC_FACTUAL_ERROR) | (1u << TC_COMPLAINT))

/* --- rules ---------------------------------------------------------------- */

enum triage_rule_kind { RULE_KEYWORD, RULE_PATTERN };

#define TRIAGE_RULE_MAX_PATTERN 500 /* bytes of a keyword list or pattern */

struct triage_rule {
	int64_t id; /* 0 for a built-in rule */
	int cls;    /* enum triage_class (not TC_OTHER, not personal data) */
	int ground; /* enum abuse_ground; AG_NONE unless cls is TC_ABUSE */
	const char *lang; /* "nb", "nn", "sv", "da", "en", or NULL: all */
	enum triage_rule_kind kind;
	/* RULE_KEYWORD: one or more words or phrases separated by "|"
	 * ("klage|misfornøyd|ikke fornøyd"), matched on stems, whole words;
	 * RULE_PATTERN: a PCRE2 pattern, UTF-8, matched caseless */
	const char *pattern;
	double weight; /* > 0 votes for cls, < 0 against; 1.0 = decides */
	int enabled;
	const char *note; /* why the rule exists (shown), may be NULL */
};

/* Checks one rule as an administrator typed it: class, ground, language,
 * length, a keyword list with words, a pattern PCRE2 compiles (with the
 * engine's limits).  0, or -1 with the field ("cls", "ground", "lang",
 * "pattern", "weight") in *field and an English reason in err. */
int triage_rule_check(const struct triage_rule *r, const char **field,
                      char *err, size_t errlen);

/* The built-in rules (static), and how many. */
const struct triage_rule *triage_default_rules(int *n);

/* --- the engine ------------------------------------------------------------
 */

struct triage_engine; /* opaque: compiled rules + a model */

/* Builds an engine from rules[0..n) (copied and compiled; bad rules are
 * skipped with a log line) and model (taken over; NULL: the shipped base
 * model, trained on first use).  NULL when out of memory. */
struct triage_engine *triage_engine_new(const struct triage_rule *rules, int n,
                                        struct cls_model *model);
void triage_engine_free(struct triage_engine *e);
/* How many rules the engine kept (enabled ones that compiled). */
int triage_engine_nrules(const struct triage_engine *e);

/* The classifier's outputs are these classes, in this order. */
extern const int triage_model_classes[];
extern const int triage_model_nclasses;

/* A model trained on the labelled sets shipped in data/triage/ (the
 * project's own examples in five languages and OffensEval-da for abuse)
 * plus extra[0..nextra) (an organisation's own decisions, weighted more).
 * Caller owns it.  NULL on failure. */
struct cls_model *triage_train_model(const struct cls_example *extra,
                                     size_t nextra);
/* The shipped base model (triage_train_model(NULL, 0)), trained once per
 * process on first call (thread-safe); owned by the process, never freed;
 * NULL when it could not be trained. */
const struct cls_model *triage_base_model(void);

/* Reads a labelled set in the shipped TSV form — `lang<TAB>classes<TAB>
 * text`, classes comma-separated (abuse as "abuse:threat"), "#" comments —
 * or OffensEval's `id<TAB>tweet<TAB>OFF|NOT` (then only the abuse output
 * is known) into a malloc'd array (texts point into data, which must
 * outlive it; tabs and line ends in data are overwritten with NULs, and
 * data[len] must be writable: a last line without a newline ends there).
 * Lines with an unknown language, class or ground are skipped.  *n set;
 * NULL with *n 0 when nothing was read. */
struct cls_example *triage_examples_parse(char *data, size_t len, size_t *n);

#define TRIAGE_MAX_PD      32
#define TRIAGE_MAX_EXPLAIN 24
#define TRIAGE_MAX_TEXT    (64 * 1024) /* bytes looked at */

struct triage_reason {
	const char *source; /* "rule", "model", "pdata", "lang" (static) */
	int cls;            /* the class it speaks for, or -1 */
	int64_t rule_id;    /* source "rule": the rule (0: built-in) */
	char what[64];      /* the keyword, pattern, feature or detail */
	double weight;
	size_t start, end; /* where in the text, or 0, 0 */
};

struct triage_result {
	char lang[4]; /* "nb", …, or "" when unknown */
	double lang_confidence;
	unsigned classes; /* bit per enum triage_class; never 0 */
	int ground;       /* enum abuse_ground for TC_ABUSE, else AG_NONE */
	double score[TC__COUNT]; /* combined evidence per class, 0…1 */
	struct pdata_hit pd[TRIAGE_MAX_PD];
	int npd;
	struct triage_reason why[TRIAGE_MAX_EXPLAIN];
	int nwhy;
	int needs_answer;        /* classes & TRIAGE_ANSWER_CLASSES */
	int hard;                /* check with the communications unit */
	const char *hard_reason; /* English, static; NULL unless hard */
};

/* Triage of text[0..len) (at most TRIAGE_MAX_TEXT bytes are read).
 * lang: what the platform says (NULL: detect).  Fills r; never fails. */
void triage_run(const struct triage_engine *e, const char *text, size_t len,
                const char *lang, struct triage_result *r);

/* The `kanalvakt triage` line for r: {lang, classes, abuse_ground,
 * personal_data: [{kind, start, end}], explain: [...], needs_answer,
 * hard}.  Offsets are in bytes.  Caller owns it. */
json_t *triage_result_json(const struct triage_result *r);

#endif
