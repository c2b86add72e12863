/*
 * jspan.c - where JSON values begin and end inside a platform's body
 * (jspan.h), for keeping each item's raw payload byte for byte.
 */
#include "jspan.h"

#include <stdlib.h>
#include <string.h>

#define JSPAN_DEPTH 128

static size_t
ws(const char *s, size_t n, size_t i)
{
	while (i < n &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Skips the string starting at s[i] == '"'; index after it, or 0. */
static size_t
skip_str(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* Skips one value at s[i] (no leading white space); index after it, or 0
 * when the text ends first or nesting is too deep. */
static size_t
skip_value(const char *s, size_t n, size_t i)
{
	int depth = 0;
	if (i >= n)
		return 0;
	if (s[i] == '"')
		return skip_str(s, n, i);
	if (s[i] != '{' && s[i] != '[') {
		size_t st = i;
		while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' &&
		       s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		       s[i] != '\r' && s[i] != ':' && s[i] != '"' &&
		       s[i] != '{' && s[i] != '[')
			i++;
		return i > st ? i : 0;
	}
	while (i < n) {
		char c = s[i];
		if (c == '"') {
			i = skip_str(s, n, i);
			if (i == 0)
				return 0;
			continue;
		}
		if (c == '{' || c == '[') {
			if (++depth > JSPAN_DEPTH)
				return 0;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				return i + 1;
		}
		i++;
	}
	return 0;
}

int
jspan_root(const char *s, size_t n, struct jspan *out)
{
	size_t i = ws(s, n, 0), e;
	if (s == NULL || i >= n)
		return -1;
	e = skip_value(s, n, i);
	if (e == 0)
		return -1;
	out->p = s + i;
	out->len = e - i;
	return 0;
}

int
jspan_next(const struct jspan *arr, size_t *pos, struct jspan *out)
{
	const char *s = arr->p;
	size_t n = arr->len, i = *pos, e;
	if (n < 2 || s[0] != '[')
		return -1;
	if (i == 0)
		i = 1;
	i = ws(s, n, i);
	if (i < n && s[i] == ',')
		i = ws(s, n, i + 1);
	if (i >= n)
		return -1;
	if (s[i] == ']')
		return 0;
	e = skip_value(s, n, i);
	if (e == 0)
		return -1;
	out->p = s + i;
	out->len = e - i;
	*pos = e;
	return 1;
}

int
jspan_key(const struct jspan *obj, const char *key, struct jspan *out)
{
	const char *s = obj->p;
	size_t n = obj->len, i, klen = strlen(key);
	int found = 0;
	if (n < 2 || s[0] != '{')
		return -1;
	i = ws(s, n, 1);
	while (i < n && s[i] != '}') {
		size_t ks = i, ke, vs, ve;
		if (s[i] != '"')
			return -1;
		ke = skip_str(s, n, i);
		if (ke == 0)
			return -1;
		i = ws(s, n, ke);
		if (i >= n || s[i] != ':')
			return -1;
		vs = ws(s, n, i + 1);
		ve = skip_value(s, n, vs);
		if (ve == 0)
			return -1;
		if (ke - ks - 2 == klen && memcmp(s + ks + 1, key, klen) == 0) {
			out->p = s + vs;
			out->len = ve - vs;
			found = 1;
		}
		i = ws(s, n, ve);
		if (i < n && s[i] == ',')
			i = ws(s, n, i + 1);
	}
	return i < n ? found : -1;
}

char *
jspan_dup(const struct jspan *sp)
{
	char *r = malloc(sp->len + 1);
	if (r == NULL)
		return NULL;
	memcpy(r, sp->p, sp->len);
	r[sp->len] = 0;
	return r;
}
