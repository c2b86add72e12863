/*
 * lang.h - which language a short text is written in: Norwegian bokmål,
 * Norwegian nynorsk, Swedish, Danish or English (triage, issue 5).
 *
 * Comments on social media are short, informal and mixed; the guess must
 * tell bokmål from nynorsk and Danish from bokmål on a dozen words.  The
 * model is transparent and small: function words and forms typical of one
 * language ("ikkje", "eg", "kva" for nynorsk; "hvad", "nogle", "af" for
 * Danish; "inte", "och", "är" for Swedish), letters (æ/ø against ä/ö), and
 * character trigram profiles built from text written for this project.
 * Pure functions: no allocation visible to the caller, thread-safe.
 */
#ifndef KV_LANG_H
#define KV_LANG_H

#include <stddef.h>

enum lang_code { LANG_NB, LANG_NN, LANG_SV, LANG_DA, LANG_EN, LANG__COUNT };

/* "nb", "nn", "sv", "da", "en" (static); NULL for an out-of-range code. */
const char *lang_name(enum lang_code c);
/* Parses a BCP 47 tag ("nb", "nn-NO", "no" → nb, "sv-FI", "da", "en-GB");
 * -1 when it names none of the five. */
int lang_parse(const char *tag);

struct lang_guess {
	int lang;          /* enum lang_code, or -1 when nothing was found */
	double confidence; /* 0…1: share of the evidence for the winner */
	/* evidence per language in log units, relative to the winner:
	 * 0 for the winner, negative for the others (all 0 when lang is -1) */
	double score[LANG__COUNT];
	/* the strongest evidence, e.g. "ikkje" or "letter ä"; static or
	 * pointing into a fixed buffer of the guess itself */
	char why[64];
};

/* Guesses the language of text[0..len) (UTF-8; any bytes are safe).
 * Returns g->lang; -1 when the text has no letters or no evidence at all
 * (emoji only, a URL, a number). */
int lang_detect(const char *text, size_t len, struct lang_guess *g);

#endif
