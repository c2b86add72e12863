/*
 * route.c - the route table built from routes.def, and path matching.
 *
 * Matching walks the table in order, segment by segment; literal segments
 * win because they come first where they overlap (/people/new before
 * /people/:id).  The table is small, so a linear scan is as fast as a trie.
 */
#include "web.h"
#include "../base/log.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

const struct route routes[] = {
#define ROUTE(m, p, fn, fl) {m, p, fn, fl, #fn},
#include "routes.def"
#undef ROUTE
};
const size_t nroutes = ARRAY_LEN(routes);

const char *
method_name(enum method m)
{
	switch (m) {
	case M_GET:
		return "GET";
	case M_HEAD:
		return "HEAD";
	case M_POST:
		return "POST";
	case M_PUT:
		return "PUT";
	case M_PATCH:
		return "PATCH";
	case M_DELETE:
		return "DELETE";
	case M_OPTIONS:
		return "OPTIONS";
	}
	return "?";
}

static int
valid_name(const char *s, size_t n)
{
	if (n == 0 || n > 64 ||
	    (n >= 2 && strstr(s, "..") != NULL &&
	     (size_t)(strstr(s, "..") - s) < n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return 0;
	}
	return s[0] != '.';
}

/* Matches one pattern against path; fills id/name on success. */
static int
match(const char *pat, const char *path, int64_t *id, const char **name,
      size_t *name_len)
{
	while (*pat && *path) {
		if (*pat == ':') {
			const char *end = strchr(path, '/');
			size_t n = end ? (size_t)(end - path) : strlen(path);
			if (str_starts(pat, ":id")) {
				int64_t v = 0;
				if (n == 0 || n > 18)
					return 0;
				for (size_t i = 0; i < n; i++) {
					if (path[i] < '0' || path[i] > '9')
						return 0;
					v = v * 10 + (path[i] - '0');
				}
				if (v <= 0 || path[0] == '0')
					return 0;
				*id = v;
				pat += 3;
			} else if (str_starts(pat, ":name")) {
				if (!valid_name(path, n))
					return 0;
				*name = path;
				*name_len = n;
				pat += 5;
			} else {
				return 0;
			}
			path += n;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

const struct route *
route_match(struct req *r, enum method m, const char *path, int *path_known)
{
	enum method want = m == M_HEAD ? M_GET : m;
	*path_known = 0;
	for (size_t i = 0; i < nroutes; i++) {
		int64_t id = 0;
		const char *name = NULL;
		size_t nlen = 0;
		if (!match(routes[i].pattern, path, &id, &name, &nlen))
			continue;
		if (routes[i].method != want) {
			*path_known = 1;
			continue;
		}
		r->pid = id;
		r->pname = name ? arena_strndup(&r->ar, name, nlen) : NULL;
		return &routes[i];
	}
	return NULL;
}

void
route_allowed(struct req *r, const char *path, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	(void)r;
	for (size_t i = 0; i < nroutes; i++) {
		int64_t id;
		const char *name;
		size_t nlen;
		int n;
		if (!match(routes[i].pattern, path, &id, &name, &nlen))
			continue;
		n = snprintf(out + o, len - o, "%s%s", o ? ", " : "",
		             method_name(routes[i].method));
		if (n < 0 || (size_t)n >= len - o)
			break;
		o += (size_t)n;
		if (routes[i].method == M_GET) {
			n = snprintf(out + o, len - o, ", HEAD");
			if (n > 0 && (size_t)n < len - o)
				o += (size_t)n;
		}
	}
}
