/*
 * pdata.h - personal data in free text (triage, issue 5; the checks
 * before publishing, issue 7): Nordic national identity numbers (idnum.h),
 * phone numbers (Norwegian, Swedish, Danish, with or without +47/+46/+45
 * and their usual groupings), e-mail addresses, street addresses and
 * postcodes with a place, words about health (diagnoses, medicines,
 * treatment, disability — special-category data under GDPR art. 9) in
 * nb/nn, sv, da and en, and other personal numbers (Norwegian bank account
 * numbers with a valid mod-11 check).
 *
 * The goal is no false alarm on what is not personal data: dates
 * ("12.03.2024"), times, prices, order and case numbers ("2024/1234"),
 * years and plain counts are not matched.  Pure functions, thread-safe.
 */
#ifndef KV_PDATA_H
#define KV_PDATA_H

#include <stddef.h>

enum pdata_kind {
	PD_NATIONAL_ID, /* fødselsnummer, D-/H-nummer, personnummer,
	                   samordningsnummer, CPR */
	PD_PHONE,
	PD_EMAIL,
	PD_ADDRESS, /* street + number, or postcode + place */
	PD_HEALTH,  /* a word about someone's health */
	PD_OTHER,   /* bank account number and the like */
	PD__COUNT
};

/* "national_id", "phone", "email", "address", "health", "other" (the
 * names of `kanalvakt triage` output); NULL when out of range. */
const char *pdata_kind_name(enum pdata_kind k);

struct pdata_hit {
	enum pdata_kind kind;
	size_t start, end; /* byte offsets into the text */
	/* what was found, static: "no_fnr", "se_pnr", "dk_cpr", "no_mobile",
	 * "se_phone", "email", "street", "postcode", "health_word",
	 * "no_account", … */
	const char *detail;
	int confident; /* check digits hold, or a context word is near */
};

/* Finds personal data in text[0..len).  lang (a tag, NULL: all languages)
 * picks the health word list and the address forms to look for; hits are
 * in text order, overlapping hits merged into the stronger kind.  Returns
 * how many hits were stored (at most max). */
int pdata_find(const char *text, size_t len, const char *lang,
               struct pdata_hit *hits, int max);

#endif
