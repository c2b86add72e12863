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
