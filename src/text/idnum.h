/*
 * idnum.h - Nordic personal identity numbers: validation of Norwegian
 * fødselsnummer (with D-, H-, FH- and synthetic numbers, and the check
 * digits of both the 1964 and the 2032 rule), Swedish personnummer and
 * samordningsnummer (Luhn), Danish CPR numbers (date and century; the
 * mod-11 check only raises confidence, as CPR-kontoret asks), and finding
 * them in free text (../shared/reference/language.md §3).
 *
 * Used by triage (personal data in what comes in) and by the checks
 * before publishing.  Pure functions: no allocation, no locale.
 */
#ifndef KV_IDNUM_H
#define KV_IDNUM_H

#include <stddef.h>

enum idnum_kind {
	IDNUM_NONE = 0,
	IDNUM_NO_FNR,        /* Norwegian fødselsnummer */
	IDNUM_NO_DNR,        /* D-nummer: day + 40 */
	IDNUM_NO_HNR,        /* H-nummer: month + 40 */
	IDNUM_NO_FHNR,       /* felles hjelpenummer: first digit 8 or 9 */
	IDNUM_NO_SYNTHETIC,  /* test population: month + 80 */
	IDNUM_SE_PNR,        /* Swedish personnummer */
	IDNUM_SE_SAMORDNING, /* samordningsnummer: day + 60 */
	IDNUM_DK_CPR         /* Danish CPR-nummer */
};

/* "no_fnr", "se_pnr", … (static). */
const char *idnum_kind_name(enum idnum_kind k);

/* d: 11 ASCII digits.  The kind when they are a valid Norwegian number
 * (either check-digit rule), else IDNUM_NONE. */
enum idnum_kind idnum_no(const char *d);
/* d: 10 ASCII digits (YYMMDDNNNC).  The kind when valid, else NONE. */
enum idnum_kind idnum_se(const char *d);
/* d: 10 ASCII digits (DDMMYYSSSS).  IDNUM_DK_CPR when the date is valid in
 * the century the seventh digit gives, else NONE; *mod11 (may be NULL)
 * says whether the old mod-11 check holds too. */
enum idnum_kind idnum_dk(const char *d, int *mod11);

struct idnum_hit {
	enum idnum_kind kind;
	size_t start, end; /* byte offsets of the number in the text */
	int confident;     /* check digits hold, or a context word is near */
};

/* Finds identity numbers in text[0..len): runs of digits that are not
 * part of a longer number, written whole ("13097248022"), with the
 * Norwegian space ("130972 48022") or the Swedish/Danish hyphen or plus
 * ("811218-9876", "19811218-9876", "070761-4285").  Phone numbers, dates,
 * amounts and account numbers are not numbers of this shape.  A Danish
 * number that fails mod 11 counts only with a context word before it
 * ("cpr", "personnummer", …).  Returns the number of hits stored (at
 * most max). */
int idnum_find(const char *text, size_t len, struct idnum_hit *hits, int max);

#endif
