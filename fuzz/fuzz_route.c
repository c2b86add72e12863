/*
 * fuzz_route.c - libFuzzer target for the route matcher (src/web/route.c).
 *
 * The first byte picks the method, the rest is the path.  Checked: a match
 * has the asked method (HEAD is served by GET); `:id` yields a positive id
 * written in canonical decimal in the path; `:name` yields [a-z0-9._-],
 * 1-64 bytes, no "..", no leading dot; route_allowed() names the matched
 * method, and it is non-empty exactly when the path is known (405) or
 * matched, and never overruns its buffer.
 */
#include "fuzz.h"

#include "../src/web/web.h"

static int
name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '.' || strstr(s, "..") != NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req r;
	const struct route *rt;
	enum method m;
	char *path, allow[160];
	int known = -1;

	if (size < 1 || size > 4096)
		return 0;
	memset(&r, 0, sizeof(r));
	arena_init(&r.ar);
	m = (enum method)(data[0] % 7 + 1);
	path = fuzz_str(&r.ar, data + 1, size - 1);
	r.pid = -7;
	rt = route_match(&r, m, path, &known);
	route_allowed(&r, path, allow, sizeof(allow));
	FUZZ_CHECK(strlen(allow) < sizeof(allow));
	if (rt != NULL) {
		char id[32];
		FUZZ_CHECK(rt->method == m ||
		           (m == M_HEAD && rt->method == M_GET));
		FUZZ_CHECK(strstr(allow, method_name(rt->method)) != NULL);
		if (strstr(rt->pattern, ":id") != NULL) {
			FUZZ_CHECK(r.pid > 0);
			snprintf(id, sizeof(id), "/%lld", (long long)r.pid);
			FUZZ_CHECK(strstr(path, id) != NULL);
		} else {
			FUZZ_CHECK(r.pid == 0);
		}
		if (strstr(rt->pattern, ":name") != NULL)
			FUZZ_CHECK(r.pname != NULL && name_ok(r.pname));
		else
			FUZZ_CHECK(r.pname == NULL);
		FUZZ_CHECK(path[0] == '/');
	} else {
		FUZZ_CHECK(known == 0 || known == 1);
		FUZZ_CHECK((allow[0] != '\0') == (known == 1));
	}
	arena_free(&r.ar);
	return 0;
}
