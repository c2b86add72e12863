/*
 * form.c - decoding of application/x-www-form-urlencoded bodies.
 *
 * The decoder is strict: a malformed %-escape, a NUL, invalid UTF-8 or more
 * than `max` fields make the whole body invalid (400), so handlers only ever
 * see well-formed text.  Fuzzed by fuzz/fuzz_form.c.
 */
#include "web.h"
#include "../base/util.h"

#include <string.h>

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
url_decode(struct arena *ar, const char *s, size_t n)
{
	char *out = arena_alloc(ar, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n)
				return NULL; /* truncated escape */
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (memchr(out, '\0', o) != NULL || !utf8_valid_text(out, o, 1))
		return NULL;
	return out;
}

int
form_parse(struct arena *ar, const char *s, size_t len, struct kv **out, int *n,
           int max)
{
	size_t i = 0;
	int cnt = 0, cap = 16;
	struct kv *kv = arena_alloc(ar, sizeof(*kv) * (size_t)cap);

	*out = kv;
	*n = 0;
	while (i < len) {
		size_t start = i, eq = (size_t)-1;
		char *k, *v;
		while (i < len && s[i] != '&') {
			if (s[i] == '=' && eq == (size_t)-1)
				eq = i;
			i++;
		}
		if (i > start) {
			if (cnt == max)
				return -1;
			if (eq == (size_t)-1)
				eq = i; /* "flag" without '=' */
			k = url_decode(ar, s + start, eq - start);
			v = eq < i ? url_decode(ar, s + eq + 1, i - eq - 1)
			           : arena_strdup(ar, "");
			if (k == NULL || v == NULL || *k == '\0')
				return -1;
			if (cnt == cap) {
				struct kv *bigger = arena_alloc(
				    ar, sizeof(*kv) * (size_t)cap * 2);
				memcpy(bigger, kv, sizeof(*kv) * (size_t)cap);
				kv = bigger;
				cap *= 2;
			}
			kv[cnt].k = k;
			kv[cnt].v = v;
			cnt++;
		}
		i++; /* skip '&' */
	}
	*out = kv;
	*n = cnt;
	return 0;
}

const char *
form_get(struct req *r, const char *name)
{
	for (int i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].k, name) == 0)
			return r->form[i].v;
	return NULL;
}

int64_t
form_id(struct req *r, const char *name, struct verrs *v)
{
	const char *s = form_get(r, name);
	int64_t id = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (parse_i64(s, &id) != 0 || id <= 0) {
		verr_add(v, name, "must be chosen from the list");
		return 0;
	}
	return id;
}

int64_t
form_int(struct req *r, const char *name, struct verrs *v)
{
	const char *s = form_get(r, name);
	int64_t n = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (parse_i64(s, &n) != 0) {
		verr_add(v, name, "must be a whole number");
		return 0;
	}
	return n;
}

char *
url_encode(struct arena *ar, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), o = 0;
	char *out = arena_alloc(ar, n * 3 + 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~' || c == '/') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}
