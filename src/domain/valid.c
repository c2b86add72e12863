/*
 * valid.c - field validators (see valid.h).
 */
#include "valid.h"
#include "../base/util.h"

#include <string.h>

static int
blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static int
text(struct verrs *v, const char *field, const char *s, int required,
     size_t max, int multi)
{
	if (s == NULL || blank(s)) {
		if (required) {
			verr_add(v, field, "is required");
			return 0;
		}
		return 1;
	}
	if (strlen(s) > max) {
		verr_add(v, field, "is too long");
		return 0;
	}
	if (!utf8_valid_text(s, strlen(s), multi)) {
		verr_add(v, field, "contains invalid characters");
		return 0;
	}
	return 1;
}

int
valid_text(struct verrs *v, const char *field, const char *s, int required,
           size_t max)
{
	return text(v, field, s, required, max, 0);
}

int
valid_multiline(struct verrs *v, const char *field, const char *s, size_t max)
{
	return text(v, field, s, 0, max, 1);
}

int
valid_email(struct verrs *v, const char *field, const char *s, int required)
{
	const char *at, *dot;
	if (s == NULL || *s == '\0') {
		if (required)
			verr_add(v, field, "is required");
		return !required;
	}
	if (strlen(s) > KV_MAX_EMAIL) {
		verr_add(v, field, "is too long");
		return 0;
	}
	at = strchr(s, '@');
	dot = at ? strrchr(at, '.') : NULL;
	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    dot == NULL || dot == at + 1 || dot[1] == '\0' ||
	    strpbrk(s, " \t\r\n<>,;\"'()[]\\") != NULL ||
	    !utf8_valid_text(s, strlen(s), 0)) {
		verr_add(v, field, "is not a valid e-mail address");
		return 0;
	}
	return 1;
}

int
valid_date(struct verrs *v, const char *field, const char *s, int required)
{
	int y, m, d;
	if (s == NULL || *s == '\0') {
		if (required)
			verr_add(v, field, "is required");
		return !required;
	}
	if (date_parse(s, &y, &m, &d) != 0) {
		verr_add(v, field, "must be a date as YYYY-MM-DD");
		return 0;
	}
	return 1;
}

int
valid_oneof(struct verrs *v, const char *field, const char *s,
            const char *const *list, const char *reason)
{
	for (; s != NULL && *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	verr_add(v, field, reason);
	return 0;
}

int
valid_lang(const char *s)
{
	return s && (strcmp(s, "nb") == 0 || strcmp(s, "nn") == 0 ||
	             strcmp(s, "sv") == 0 || strcmp(s, "en") == 0);
}
