/*
 * test_web.c - unit tests of the web layer's pure parts: the HTML/URL
 * escapers, the form decoder, the route table and matcher, the
 * translation fallbacks and the JSON problem writer.
 *
 * A struct req is built by hand (arena_init + buf_init on r.out); nothing
 * here needs libmicrohttpd or a database.
 *
 * html_lit() accepts string literals only: the macro pastes "" around its
 * argument, so html_lit(r, variable) does not compile.  A compile error
 * cannot be tested at run time; tools/checkhtml.sh checks the sources
 * instead.  Here we only check that literals (also concatenated ones) are
 * written unchanged.
 */
#define T_DB
#include "t.h"

#include "../../src/base/embed.h"
#include "../../src/base/util.h"
#include "../../src/web/web.h"

#include <stdint.h>
#include <string.h>

static void
req_setup(struct req *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->ar);
	buf_init(&r->out, MAX_OUT);
	buf_init(&r->body, MAX_BODY);
	r->lang = "en";
	r->status = 200;
}

static void
req_teardown(struct req *r)
{
	json_decref(r->json);
	buf_cleanup(&r->out);
	buf_cleanup(&r->body);
	arena_free(&r->ar);
}

/* --- HTML ----------------------------------------------------------------- */

T_TEST(html_escapers)
{
	static const struct {
		const char *in, *txt, *url;
	} t[] = {
	    {"", "", ""},
	    {"plain", "plain", "plain"},
	    {"&", "&amp;", "%26"},
	    {"<", "&lt;", "%3C"},
	    {">", "&gt;", "%3E"},
	    {"\"", "&quot;", "%22"},
	    {"'", "&#39;", "%27"},
	    {"a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f",
	     "a%26b%3Cc%3Ed%22e%27f"},
	    {"&amp;", "&amp;amp;", "%26amp%3B"},
	    {"<script>alert(1)</script>",
	     "&lt;script&gt;alert(1)&lt;/script&gt;",
	     "%3Cscript%3Ealert%281%29%3C%2Fscript%3E"},
	    {"\xc3\xa6\xc3\xb8\xc3\xa5 \xf0\x9f\x98\x80",
	     "\xc3\xa6\xc3\xb8\xc3\xa5 \xf0\x9f\x98\x80",
	     "%C3%A6%C3%B8%C3%A5%20%F0%9F%98%80"},
	    {"a b+c/d?e=f#g%h", "a b+c/d?e=f#g%h",
	     "a%20b%2Bc%2Fd%3Fe%3Df%23g%25h"},
	    {"-_.~AZaz09", "-_.~AZaz09", "-_.~AZaz09"},
	    {"\n\t", "\n\t", "%0A%09"},
	    {"x`y", "x`y", "x%60y"},
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct req r;
		req_setup(&r);
		html_txt(&r, t[i].in);
		T_EQ_STR(buf_str(&r.out), t[i].txt);
		buf_reset(&r.out);
		html_attr(&r, t[i].in);
		T_EQ_STR(buf_str(&r.out), t[i].txt);
		buf_reset(&r.out);
		html_url(&r, t[i].in);
		T_EQ_STR(buf_str(&r.out), t[i].url);
		T_EQ_STR(html_escape(&r.ar, t[i].in), t[i].txt);
		req_teardown(&r);
	}
}

T_TEST(html_writer)
{
	struct req r;
	req_setup(&r);
	html_txt(&r, NULL);
	html_attr(&r, NULL);
	html_url(&r, NULL);
	T_EQ_STR(buf_str(&r.out), "");
	T_EQ_STR(html_escape(&r.ar, NULL), "");

	/* html_lit takes literals, also pasted ones, and writes them raw */
	html_lit(&r, "<p class=\"x\">");
	html_lit(&r, "a"
	             "&"
	             "b");
	html_txt(&r, "<&>");
	html_lit(&r, "</p>");
	T_EQ_STR(buf_str(&r.out), "<p class=\"x\">a&b&lt;&amp;&gt;</p>");

	buf_reset(&r.out);
	html_int(&r, 0);
	html_lit(&r, " ");
	html_int(&r, -42);
	html_lit(&r, " ");
	html_int(&r, INT64_MAX);
	html_lit(&r, " ");
	html_int(&r, INT64_MIN);
	T_EQ_STR(buf_str(&r.out), "0 -42 9223372036854775807 "
	                          "-9223372036854775808");

	buf_reset(&r.out);
	html_tr(&r, "<b>Not translated & escaped</b>");
	T_EQ_STR(buf_str(&r.out),
	         "&lt;b&gt;Not translated &amp; escaped&lt;/b&gt;");
	req_teardown(&r);

	/* the writer obeys the output cap */
	req_setup(&r);
	buf_cleanup(&r.out);
	buf_init(&r.out, 8);
	html_txt(&r, "<<"); /* 8 bytes */
	T_EQ_INT(r.out.overflow, 0);
	html_txt(&r, "x");
	T_EQ_INT(r.out.overflow, 1);
	T_EQ_STR(buf_str(&r.out), "&lt;&lt;");
	req_teardown(&r);
}

/* --- forms ---------------------------------------------------------------- */

T_TEST(url_decode_table)
{
	static const struct {
		const char *in;
		size_t n;         /* 0: strlen */
		const char *want; /* NULL: refused */
	} t[] = {
	    {"", 0, ""},
	    {"abc", 0, "abc"},
	    {"a+b", 0, "a b"},
	    {"a%2Bb", 0, "a+b"},
	    {"a%2bb", 0, "a+b"},
	    {"%41%42", 0, "AB"},
	    {"%C3%A6%C3%B8%C3%A5", 0, "\xc3\xa6\xc3\xb8\xc3\xa5"},
	    {"\xc3\xa6", 0, "\xc3\xa6"}, /* raw UTF-8 passes */
	    {"l1%0Al2%0D%0A%09", 0, "l1\nl2\r\n\t"},
	    {"%25", 0, "%"},
	    {"%zz", 0, NULL},
	    {"%g0", 0, NULL},
	    {"%0g", 0, NULL},
	    {"%", 0, NULL},
	    {"%4", 0, NULL},
	    {"ab%", 0, NULL},
	    {"ab%4", 0, NULL},
	    {"%41", 2, NULL}, /* truncated by the length */
	    {"%00", 0, NULL},
	    {"a%00b", 0, NULL},
	    {"%1B", 0, NULL},
	    {"%7F", 0, NULL},
	    {"%C3", 0, NULL},
	    {"%FF", 0, NULL},
	    {"%C0%AF", 0, NULL},
	    {"%ED%A0%80", 0, NULL},
	    {"%C2%85", 0, NULL},
	    {"\x80", 0, NULL},
	    {"\x01", 0, NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct arena ar;
		size_t n = t[i].n ? t[i].n : strlen(t[i].in);
		arena_init(&ar);
		if (!T_EQ_STR(url_decode(&ar, t[i].in, n), t[i].want))
			fprintf(stderr, "     input \"%s\"\n", t[i].in);
		arena_free(&ar);
	}
}

struct form_case {
	const char *in;
	int rc, n;
	const char *kv[8]; /* k0, v0, k1, v1, ... */
};

T_TEST(form_parse_table)
{
	static const struct form_case t[] = {
	    {"", 0, 0, {NULL}},
	    {"&", 0, 0, {NULL}},
	    {"&&&", 0, 0, {NULL}},
	    {"a=1", 0, 1, {"a", "1"}},
	    {"a=1&b=2", 0, 2, {"a", "1", "b", "2"}},
	    {"a=1&&b=2&", 0, 2, {"a", "1", "b", "2"}},
	    {"a=x+y%2By", 0, 1, {"a", "x y+y"}},
	    {"name=%C3%86rlig+%26+s%C3%A5nn", 0, 1, {"name", "Ærlig & sånn"}},
	    {"a=", 0, 1, {"a", ""}},
	    {"a==b", 0, 1, {"a", "=b"}},
	    {"a=b=c", 0, 1, {"a", "b=c"}},
	    {"flag", 0, 1, {"flag", ""}},
	    {"flag&x=1", 0, 2, {"flag", "", "x", "1"}},
	    {"x=1&flag", 0, 2, {"x", "1", "flag", ""}},
	    {"%61+b=1", 0, 1, {"a b", "1"}},
	    {"a=1&a=2", 0, 2, {"a", "1", "a", "2"}},
	    {"text=l1%0D%0Al2", 0, 1, {"text", "l1\r\nl2"}},
	    {"=v", -1, 0, {NULL}},
	    {"a=1&=v", -1, 0, {NULL}},
	    {"=", -1, 0, {NULL}},
	    {"%2", -1, 0, {NULL}},
	    {"a=%zz", -1, 0, {NULL}},
	    {"a=%", -1, 0, {NULL}},
	    {"a=%4", -1, 0, {NULL}},
	    {"a=1%", -1, 0, {NULL}},
	    {"a=%00", -1, 0, {NULL}},
	    {"k%00=1", -1, 0, {NULL}},
	    {"a=%C3", -1, 0, {NULL}},
	    {"a=%FF%FE", -1, 0, {NULL}},
	    {"a=\xc3", -1, 0, {NULL}},
	    {"a=%1B", -1, 0, {NULL}},
	    {"ok=1&bad=%zz", -1, 0, {NULL}},
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct arena ar;
		struct kv *kv = NULL;
		int n = -1, rc, ok;
		arena_init(&ar);
		rc = form_parse(&ar, t[i].in, strlen(t[i].in), &kv, &n,
		                MAX_FORM_FIELDS);
		ok = T_EQ_INT(rc, t[i].rc);
		if (ok && rc == 0) {
			ok = T_EQ_INT(n, t[i].n);
			for (int k = 0; ok && k < n; k++) {
				ok &= T_EQ_STR(kv[k].k, t[i].kv[2 * k]);
				ok &= T_EQ_STR(kv[k].v, t[i].kv[2 * k + 1]);
			}
		}
		if (!ok)
			fprintf(stderr, "     input \"%s\"\n", t[i].in);
		arena_free(&ar);
	}
}

T_TEST(form_parse_limits)
{
	struct arena ar;
	struct buf b;
	struct kv *kv;
	int n = 0;

	arena_init(&ar);
	buf_init(&b, 1 << 20);
	for (int i = 0; i < MAX_FORM_FIELDS; i++)
		buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	/* exactly the maximum: fine, and every field is kept */
	T_EQ_INT(form_parse(&ar, b.p, b.len, &kv, &n, MAX_FORM_FIELDS), 0);
	T_EQ_INT(n, MAX_FORM_FIELDS);
	T_EQ_STR(kv[0].k, "f0");
	T_EQ_STR(kv[MAX_FORM_FIELDS - 1].k, "f199");
	T_EQ_STR(kv[MAX_FORM_FIELDS - 1].v, "199");
	/* one more: the whole body is refused */
	buf_adds(&b, "&extra=1");
	T_EQ_INT(form_parse(&ar, b.p, b.len, &kv, &n, MAX_FORM_FIELDS), -1);
	/* empty segments do not count as fields */
	buf_reset(&b);
	buf_adds(&b, "a=1&&&&b=2");
	T_EQ_INT(form_parse(&ar, b.p, b.len, &kv, &n, 2), 0);
	T_EQ_INT(n, 2);
	T_EQ_INT(form_parse(&ar, "a=1&b=2&c=3", 11, &kv, &n, 2), -1);
	T_EQ_INT(form_parse(&ar, "a=1", 3, &kv, &n, 0), -1);
	/* only len bytes are read */
	T_EQ_INT(form_parse(&ar, "a=1&b=2", 3, &kv, &n, 10), 0);
	T_EQ_INT(n, 1);
	T_EQ_STR(kv[0].v, "1");
	buf_cleanup(&b);
	arena_free(&ar);

	/* form_get returns the first value */
	{
		struct req r;
		req_setup(&r);
		T_EQ_INT(
		    form_parse(&r.ar, "a=1&b=2&a=3", 11, &r.form, &r.nform, 10),
		    0);
		T_EQ_STR(form_get(&r, "a"), "1");
		T_EQ_STR(form_get(&r, "b"), "2");
		T_EQ_STR(form_get(&r, "c"), NULL);
		T_EQ_STR(form_get(&r, ""), NULL);
		req_teardown(&r);
	}
}

/* --- routes --------------------------------------------------------------- */

T_TEST(route_match_table)
{
	static const struct {
		enum method m;
		const char *path;
		const char *handler; /* NULL: no route */
		int known;           /* with NULL: 1 = 405, 0 = 404 */
		int64_t pid;
		const char *pname;
	} t[] = {
	    {M_GET, "/", "ui_home", 0, 0, NULL},
	    {M_GET, "/channels", "ui_channels", 0, 0, NULL},
	    {M_POST, "/channels", "ui_channels_create", 0, 0, NULL},
	    {M_GET, "/channels/new", "ui_channel_new", 0, 0, NULL},
	    {M_GET, "/channels/42", "ui_channel", 0, 42, NULL},
	    {M_GET, "/channels/1", "ui_channel", 0, 1, NULL},
	    {M_GET, "/channels/42/edit", "ui_channel_edit", 0, 42, NULL},
	    {M_POST, "/channels/42", "ui_channel_update", 0, 42, NULL},
	    {M_GET, "/channels/999999999999999999", "ui_channel", 0,
	     999999999999999999LL, NULL},
	    {M_GET, "/channels/9999999999999999999", NULL, 0, 0, NULL},
	    {M_GET, "/channels/0", NULL, 0, 0, NULL},
	    {M_GET, "/channels/01", NULL, 0, 0, NULL},
	    {M_GET, "/channels/00", NULL, 0, 0, NULL},
	    {M_GET, "/channels/abc", NULL, 0, 0, NULL},
	    {M_GET, "/channels/-1", NULL, 0, 0, NULL},
	    {M_GET, "/channels/+1", NULL, 0, 0, NULL},
	    {M_GET, "/channels/1a", NULL, 0, 0, NULL},
	    {M_GET, "/channels/ 1", NULL, 0, 0, NULL},
	    {M_GET, "/channels/", NULL, 0, 0, NULL},
	    {M_GET, "/channels/42/", NULL, 0, 0, NULL},
	    {M_GET, "/channels/42/edit/x", NULL, 0, 0, NULL},
	    {M_GET, "/channels//edit", NULL, 0, 0, NULL},
	    {M_GET, "//channels", NULL, 0, 0, NULL},
	    {M_GET, "/CHANNELS", NULL, 0, 0, NULL},
	    {M_GET, "/channels?x=1", NULL, 0, 0, NULL},
	    {M_GET, "", NULL, 0, 0, NULL},
	    {M_GET, "channels", NULL, 0, 0, NULL},
	    /* 405: the path exists for another method */
	    {M_PUT, "/channels/42", NULL, 1, 0, NULL},
	    {M_DELETE, "/channels", NULL, 1, 0, NULL},
	    {M_POST, "/channels/new", NULL, 1, 0, NULL},
	    {M_POST, "/channels/42/edit", NULL, 1, 0, NULL},
	    {M_POST, "/audit", NULL, 1, 0, NULL},
	    {M_OPTIONS, "/", NULL, 1, 0, NULL},
	    {M_DELETE, "/channels/0", NULL, 0, 0, NULL},
	    /* HEAD is answered by the GET route */
	    {M_HEAD, "/channels", "ui_channels", 0, 0, NULL},
	    {M_HEAD, "/channels/7", "ui_channel", 0, 7, NULL},
	    {M_HEAD, "/login", "ui_login_form", 0, 0, NULL},
	    {M_POST, "/login", "ui_login", 0, 0, NULL},
	    {M_HEAD, "/logout", NULL, 1, 0, NULL},
	    /* :name */
	    {M_GET, "/static/style.css", "h_static", 0, 0, "style.css"},
	    {M_GET, "/static/a-b_c.1.js", "h_static", 0, 0, "a-b_c.1.js"},
	    {M_GET, "/static/../x", NULL, 0, 0, NULL},
	    {M_GET, "/static/..", NULL, 0, 0, NULL},
	    {M_GET, "/static/.x", NULL, 0, 0, NULL},
	    {M_GET, "/static/.", NULL, 0, 0, NULL},
	    {M_GET, "/static/a..b", NULL, 0, 0, NULL},
	    {M_GET, "/static/a/b", NULL, 0, 0, NULL},
	    {M_GET, "/static/", NULL, 0, 0, NULL},
	    {M_GET, "/static/Style.css", NULL, 0, 0, NULL},
	    {M_GET, "/static/a%2Fb", NULL, 0, 0, NULL},
	    {M_GET, "/static/a b", NULL, 0, 0, NULL},
	    {M_GET, "/static/\xc3\xa6", NULL, 0, 0, NULL},
	    /* the JSON API */
	    {M_GET, "/api/v1/channels/7", "api_channel_get", 0, 7, NULL},
	    {M_PATCH, "/api/v1/channels/7", "api_channel_update", 0, 7, NULL},
	    {M_POST, "/api/v1/channels/7", NULL, 1, 0, NULL},
	    {M_DELETE, "/api/v1/people/3/roles", "api_person_revoke", 0, 3,
	     NULL},
	    {M_POST, "/api/v1/people/3/roles", "api_person_grant", 0, 3, NULL},
	    {M_GET, "/api/v1/people/3/roles", NULL, 1, 0, NULL},
	    {M_GET, "/api/v1/nothing", NULL, 0, 0, NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct req r;
		const struct route *rt;
		int known = -1, ok;
		req_setup(&r);
		r.pid = 999; /* stale values must be overwritten */
		r.pname = "stale";
		rt = route_match(&r, t[i].m, t[i].path, &known);
		if (t[i].handler == NULL) {
			ok = T_ASSERT(rt == NULL);
			ok &= T_EQ_INT(known, t[i].known);
		} else {
			ok = T_ASSERT(rt != NULL);
			if (ok) {
				ok &= T_EQ_STR(rt->name, t[i].handler);
				ok &= T_EQ_INT(r.pid, t[i].pid);
				ok &= T_EQ_STR(r.pname, t[i].pname);
			}
		}
		if (!ok)
			fprintf(stderr, "     %s %s\n", method_name(t[i].m),
			        t[i].path);
		req_teardown(&r);
	}
	{
		/* :name is at most 64 characters */
		struct req r;
		char path[80], name[66];
		int known;
		const struct route *rt;
		req_setup(&r);
		memset(name, 'a', 64);
		name[64] = '\0';
		snprintf(path, sizeof(path), "/static/%s", name);
		rt = route_match(&r, M_GET, path, &known);
		T_ASSERT(rt != NULL && strcmp(rt->name, "h_static") == 0);
		T_EQ_STR(r.pname, name);
		memset(name, 'a', 65);
		name[65] = '\0';
		snprintf(path, sizeof(path), "/static/%s", name);
		T_ASSERT(route_match(&r, M_GET, path, &known) == NULL);
		T_EQ_INT(known, 0);
		req_teardown(&r);
	}
}

T_TEST(route_table_rules)
{
	int csrf_ok = 1, shape_ok = 1, unique_ok = 1;
	for (size_t i = 0; i < nroutes; i++) {
		const struct route *rt = &routes[i];
		/* machine endpoints: the JSON API and the platforms' webhooks
		 */
		int api = str_starts(rt->pattern, "/api/") ||
		          str_starts(rt->pattern, "/hooks/");
		/* every state-changing HTML route checks the CSRF field */
		if (rt->method != M_GET && !api && !(rt->flags & R_CSRF)) {
			csrf_ok = 0;
			fprintf(stderr, "     no R_CSRF: %s %s\n",
			        method_name(rt->method), rt->pattern);
		}
		if (rt->pattern[0] != '/' || rt->fn == NULL ||
		    !(rt->flags & (R_PUBLIC | R_LOGIN)) ||
		    (api && !(rt->flags & R_API)) ||
		    (!api && (rt->flags & R_API))) {
			shape_ok = 0;
			fprintf(stderr, "     odd route: %s %s\n",
			        method_name(rt->method), rt->pattern);
		}
		for (size_t k = 0; k < i; k++)
			if (routes[k].method == rt->method &&
			    strcmp(routes[k].pattern, rt->pattern) == 0) {
				unique_ok = 0;
				fprintf(stderr, "     twice: %s\n",
				        rt->pattern);
			}
	}
	T_ASSERT(nroutes > 40);
	T_ASSERT(csrf_ok);
	T_ASSERT(shape_ok);
	T_ASSERT(unique_ok);
	T_EQ_STR(method_name(M_GET), "GET");
	T_EQ_STR(method_name(M_PATCH), "PATCH");
	T_EQ_STR(method_name((enum method)0), "?");
}

T_TEST(route_allowed_header)
{
	static const struct {
		const char *path, *allow;
	} t[] = {
	    {"/channels/42", "GET, HEAD, POST"},
	    {"/channels/new", "GET, HEAD"},
	    {"/login", "GET, HEAD, POST"},
	    {"/logout", "POST"},
	    {"/api/v1/people/3/roles", "POST, DELETE"},
	    {"/api/v1/units/9", "GET, HEAD, PATCH"},
	    {"/nowhere", ""},
	    {"/channels/0", ""},
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct req r;
		char out[128];
		req_setup(&r);
		route_allowed(&r, t[i].path, out, sizeof(out));
		T_EQ_STR(out, t[i].allow);
		req_teardown(&r);
	}
	{
		/* a short buffer is never overrun */
		struct req r;
		char out[8];
		req_setup(&r);
		route_allowed(&r, "/channels/42", out, sizeof(out));
		T_ASSERT(strlen(out) < sizeof(out));
		req_teardown(&r);
	}
}

/* --- i18n ----------------------------------------------------------------- */

/* Checks tr_lang against the embedded catalogue for every simple entry
 * (one-line msgid and msgstr): translated → msgstr, fuzzy or empty →
 * English.  A deliberately naive reader, independent of i18n.c. */
static void
check_catalogue(const char *lang, int *translated, int *fallback)
{
	char name[32];
	const struct embed_file *f;
	const char *p;
	int fuzzy = 0;

	snprintf(name, sizeof(name), "po/%s.po", lang);
	f = embed_find(name);
	if (!T_ASSERT(f != NULL))
		return;
	for (p = (const char *)f->data; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= 2 && p[0] == '#' && p[1] == ',')
			for (size_t k = 2; k + 5 <= len; k++)
				if (strncmp(p + k, "fuzzy", 5) == 0)
					fuzzy = 1;
		if (len > 8 && strncmp(p, "msgid \"", 7) == 0 &&
		    p[len - 1] == '"' && nl != NULL &&
		    strncmp(nl + 1, "msgstr \"", 8) == 0) {
			const char *s = nl + 9;
			const char *snl = strchr(s, '\n');
			size_t slen = snl ? (size_t)(snl - s) : strlen(s);
			char id[512], str[512];
			int simple = len - 8 < sizeof(id) && slen >= 1 &&
			             slen - 1 < sizeof(str) &&
			             s[slen - 1] == '"' &&
			             memchr(p, '\\', len) == NULL &&
			             memchr(s, '\\', slen) == NULL &&
			             (snl == NULL || snl[1] != '"');
			if (simple) {
				memcpy(id, p + 7, len - 8);
				id[len - 8] = '\0';
				memcpy(str, s, slen - 1);
				str[slen - 1] = '\0';
				if (str[0] != '\0' && !fuzzy) {
					(*translated)++;
					T_EQ_STR(tr_lang(lang, id), str);
				} else {
					(*fallback)++;
					T_EQ_STR(tr_lang(lang, id), id);
				}
			}
		}
		if (strncmp(p, "msgid ", 6) == 0)
			fuzzy = 0; /* the flag belonged to this entry */
		p = nl ? nl + 1 : NULL;
	}
}

T_TEST(tr_lang_fallbacks)
{
	static const char msg[] = "A message no catalogue has (unit test)";
	T_EQ_INT(i18n_init(), 0);
	T_EQ_INT(i18n_init(), 0); /* idempotent */

	/* English and unknown languages give the msgid itself */
	T_ASSERT(tr_lang("en", "Channels") != NULL);
	T_EQ_STR(tr_lang("en", "Channels"), "Channels");
	T_ASSERT(tr_lang("en", msg) == msg);
	T_ASSERT(tr_lang(NULL, msg) == msg);
	T_ASSERT(tr_lang("de", msg) == msg);
	T_ASSERT(tr_lang("", msg) == msg);
	T_ASSERT(tr_lang("NB", msg) == msg);
	/* a missing msgid falls back to English in every catalogue */
	for (int i = 0; ui_langs[i] != NULL; i++)
		T_ASSERT(tr_lang(ui_langs[i], msg) == msg);
	/* the header entry (msgid "") is not a translation of "" */
	T_EQ_STR(tr_lang("nb", ""), "");
	T_EQ_STR(tr_lang("sv", ""), "");

	for (int i = 0; i < 3; i++) {
		static const char *const langs[] = {"nb", "nn", "sv"};
		int translated = 0, fallback = 0;
		check_catalogue(langs[i], &translated, &fallback);
		T_ASSERT(translated + fallback > 0);
		if (translated == 0)
			T_NOTE("po/%s.po has no translations yet (%d "
			       "entries fall back to English)",
			       langs[i], fallback);
	}

	/* tr_sub puts the argument in once and never interprets it */
	{
		struct req r;
		req_setup(&r);
		r.lang = "en";
		T_EQ_STR(tr_sub(&r, "Hello %s!", "Kari"), "Hello Kari!");
		T_EQ_STR(tr_sub(&r, "Hello %s!", "%s%n%d"), "Hello %s%n%d!");
		T_EQ_STR(tr_sub(&r, "Hello %s and %s", "A"), "Hello A and %s");
		T_EQ_STR(tr_sub(&r, "No placeholder", "A"), "No placeholder");
		T_EQ_STR(tr_sub(&r, "%s", NULL), "");
		req_teardown(&r);
	}
	T_EQ_STR(ui_langs[0], "nb");
	T_EQ_STR(ui_langs[3], "en");
	T_ASSERT(ui_langs[4] == NULL && ui_lang_names[4] == NULL);
}

/* --- page chrome and form fields (layout.c) ------------------------------- */

#define XSS     "\"'><script>alert(1)</script>&"
#define XSS_ESC "&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;"

T_TEST(fmt_time_zones)
{
	/* 29 Mar / 25 Oct 2026, 01:00 UTC: the EU summer time switches */
	static const int64_t spring = 1774746000, autumn = 1792890000;
	static const struct {
		const char *tz, *lang;
		int64_t t;
		const char *want;
	} t[] = {
	    {"Europe/Oslo", "nb", spring - 1, "29.03.2026 kl. 01:59"},
	    {"Europe/Oslo", "nb", spring, "29.03.2026 kl. 03:00"},
	    {"Europe/Oslo", "nn", autumn - 1, "25.10.2026 kl. 02:59"},
	    {"Europe/Oslo", "nb", autumn, "25.10.2026 kl. 02:00"},
	    {"Europe/Oslo", "en", spring, "2026-03-29 03:00"},
	    {"Europe/Stockholm", "sv", autumn - 1, "2026-10-25 02:59"},
	    {"Europe/Helsinki", "en", spring, "2026-03-29 04:00"},
	    {"UTC", "en", spring, "2026-03-29 01:00"},
	    {NULL, "en", spring, "2026-03-29 03:00"}, /* no org: Oslo */
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct req r;
		req_setup(&r);
		r.lang = t[i].lang;
		r.has_org = t[i].tz != NULL;
		r.org.timezone = t[i].tz;
		T_EQ_STR(fmt_time(&r, t[i].t), t[i].want);
		req_teardown(&r);
	}
}

T_TEST(layout_escapes_user_data)
{
	static const char *const codes[] = {"a", XSS, NULL};
	struct req r;
	struct verrs v = {0};
	const char *out;

	T_EQ_INT(i18n_init(), 0);
	req_setup(&r);
	r.csrf = XSS;
	form_begin(&r, "/channels?x=" XSS, XSS);
	T_EQ_STR(buf_str(&r.out),
	         "<form method=\"post\" action=\"/channels?x=" XSS_ESC
	         "\" class=\"" XSS_ESC "\" novalidate><input type=\"hidden\" "
	         "name=\"_csrf\" value=\"" XSS_ESC "\">");
	buf_reset(&r.out);

	verr_add(&v, "name", "is required");
	field_text(&r, "name", "Name", XSS, &v, "text", 1, "A hint");
	out = buf_str(&r.out);
	T_ASSERT(strstr(out, "value=\"" XSS_ESC "\"") != NULL);
	T_ASSERT(strstr(out, "aria-invalid=\"true\"") != NULL);
	T_ASSERT(strstr(out, "aria-describedby=\"h-name e-name\"") != NULL);
	T_ASSERT(strstr(out, "<script>") == NULL);
	buf_reset(&r.out);

	field_textarea(&r, "purpose", "Purpose", "line 1\n" XSS, NULL, NULL);
	out = buf_str(&r.out);
	T_ASSERT(strstr(out, ">line 1\n" XSS_ESC "</textarea>") != NULL);
	T_ASSERT(strstr(out, "aria-invalid") == NULL);
	buf_reset(&r.out);

	field_select(&r, "status", "Status", XSS, codes, NULL, NULL, 0);
	out = buf_str(&r.out);
	T_ASSERT(strstr(out, "<option value=\"" XSS_ESC "\" selected>" XSS_ESC
	                     "</option>") != NULL);
	T_ASSERT(strstr(out, "<option value=\"a\">a</option>") != NULL);
	T_ASSERT(strstr(out, "<script>") == NULL);
	buf_reset(&r.out);

	/* the summary names fields by their label, in the page language */
	memset(&v, 0, sizeof(v));
	verr_add(&v, "address", "must not contain spaces");
	verr_add(&v, XSS, XSS);
	r.lang = "en";
	error_summary(&r, &v);
	out = buf_str(&r.out);
	T_ASSERT(strstr(out, "<li><a href=\"#f-address\">Address: must not "
	                     "contain spaces</a></li>") != NULL);
	T_ASSERT(strstr(out, "href=\"#f-" XSS_ESC "\">" XSS_ESC ": " XSS_ESC
	                     "</a>") != NULL);
	T_ASSERT(strstr(out, "role=\"alert\"") != NULL);
	buf_reset(&r.out);
	error_summary(&r, NULL);
	T_EQ_STR(buf_str(&r.out), "");

	/* the page chrome escapes the organisation and the person */
	r.has_org = 1;
	r.org.name = XSS;
	r.authed = 1;
	r.actor.name = XSS;
	r.actor.person_id = 1;
	r.lang = "nb";
	page_begin(&r, XSS, "channels");
	html_lit(&r, "<p>body</p>");
	page_end(&r);
	out = buf_str(&r.out);
	T_ASSERT(strncmp(out, "<!DOCTYPE html>\n<html lang=\"nb\">", 32) == 0);
	T_ASSERT(strstr(out, "<title>" XSS_ESC) != NULL);
	T_ASSERT(strstr(out, "<script>") == NULL);
	T_ASSERT(strstr(out, "aria-current=\"page\"") != NULL);
	T_ASSERT(strstr(out, "href=\"/audit\"") == NULL); /* not an auditor */
	T_ASSERT(strstr(out, "name=\"_csrf\"") != NULL);  /* log-out form */
	T_EQ_INT(strlen(out) > 20 &&
	             strcmp(out + strlen(out) - 8, "</html>\n") == 0,
	         1);
	req_teardown(&r);
}

T_TEST(error_pages_fixed_text)
{
	static const int statuses[] = {400, 403, 404, 405, 413,
	                               415, 501, 503, 500, 418};
	for (size_t i = 0; i < ARRAY_LEN(statuses); i++) {
		struct req r;
		const char *out;
		req_setup(&r);
		r.path = "/<script>x</script>";
		r.lang = "en";
		html_lit(&r, "partial output that must go");
		html_error(&r, statuses[i]);
		out = buf_str(&r.out);
		T_EQ_INT(r.status, statuses[i] == 418 ? 500 : statuses[i]);
		T_ASSERT(strncmp(out, "<!DOCTYPE html>", 15) == 0);
		T_ASSERT(strstr(out, "partial output") == NULL);
		T_ASSERT(strstr(out, "script") == NULL);
		T_ASSERT(strstr(out, "<h1>") != NULL);
		req_teardown(&r);
	}
}

/* User data (unit and person names) is shown as stored, never looked up
 * in the translation catalogue, even when it happens to equal a msgid. */
T_TEST(user_data_not_translated)
{
	struct db *db = t_db_fresh(DB_SQLITE);
	struct req r;
	struct unit u = {0};
	struct verrs v = {0};
	const char **codes = NULL, **labels = NULL;
	char email[KV_MAX_EMAIL + 1], pw[64];
	int applied;

	if (db == NULL)
		return;
	T_EQ_INT(i18n_init(), 0);
	/* the premise: "Crisis staff" is a msgid with a bokmål translation */
	T_ASSERT(strcmp(tr_lang("nb", "Crisis staff"), "Crisis staff") != 0);
	req_setup(&r);
	r.db = db;
	r.lang = "nb";
	if (T_EQ_INT(db_migrate(db, &applied), 0) &&
	    T_EQ_INT(demo_load(db, email, pw), KV_OK) &&
	    T_EQ_INT(actor_load(db, &r.ar, person_find_by_email(db, email),
	                        &r.actor),
	             KV_OK)) {
		u.name = "Crisis staff"; /* a top-level unit */
		u.kind = "unit";
		T_EQ_INT(unit_create(db, &r.ar, &r.actor, &u, &v), KV_OK);
		if (T_EQ_INT(unit_choices(&r, &codes, &labels), 0)) {
			field_select(&r, "unit_id", "Unit", NULL, codes, labels,
			             NULL, SELECT_NONE);
			if (!T_ASSERT(strstr(buf_str(&r.out),
			                     ">Crisis staff</option>") != NULL))
				fprintf(stderr, "     unit shown as \"%s\"\n",
				        tr_lang("nb", "Crisis staff"));
		}
	}
	r.db = NULL;
	req_teardown(&r);
	t_db_done(db);
}

/* --- JSON problems and readers -------------------------------------------- */

T_TEST(api_problem_shapes)
{
	struct req r;
	struct verrs v = {0};

	req_setup(&r);
	api_problem(&r, 404, "not-found", "Not found", NULL);
	T_EQ_INT(r.status, 404);
	T_EQ_STR(r.ctype, "application/problem+json");
	T_EQ_STR(buf_str(&r.out),
	         "{\"type\":\"urn:kanalvakt:problem:not-found\","
	         "\"title\":\"Not found\",\"status\":404}");

	verr_add(&v, "name", "is required");
	verr_add(&v, "name", "is too long"); /* first reason per field wins */
	verr_add(&v, "address", "must not contain spaces");
	api_invalid(&r, 422, &v);
	T_EQ_INT(r.status, 422);
	T_EQ_STR(buf_str(&r.out),
	         "{\"type\":\"urn:kanalvakt:problem:validation\",\"title\":"
	         "\"Invalid input\",\"status\":422,\"detail\":\"2 fields are "
	         "invalid\",\"errors\":[{\"field\":\"name\",\"reason\":\"is "
	         "required\"},{\"field\":\"address\",\"reason\":\"must not "
	         "contain spaces\"}]}");

	api_fail(&r, KV_CONFLICT, &v);
	T_EQ_INT(r.status, 409);
	api_fail(&r, KV_FORBIDDEN, NULL);
	T_EQ_INT(r.status, 403);
	api_fail(&r, KV_UNAUTH, NULL);
	T_EQ_INT(r.status, 401);
	api_fail(&r, KV_THROTTLED, NULL);
	T_EQ_INT(r.status, 429);
	api_fail(&r, KV_DBERR, NULL);
	T_EQ_INT(r.status, 500);
	r.status = 200;
	buf_reset(&r.out);
	api_fail(&r, KV_OK, NULL);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(buf_str(&r.out), "");
	req_teardown(&r);
}

T_TEST(json_field_readers)
{
	struct verrs v = {0};
	json_error_t err;
	json_t *o = json_loads("{\"s\":\"t\\u00e6\",\"n\":null,\"i\":7,"
	                       "\"neg\":-1,\"z\":\"a\\u0000b\",\"f\":1.5,"
	                       "\"b\":true}",
	                       JSON_ALLOW_NUL, &err);
	int has = -1;

	if (!T_ASSERT(o != NULL))
		return;
	T_EQ_STR(jget_str(o, "s", &has, &v), "t\xc3\xa6");
	T_EQ_INT(has, 1);
	T_EQ_STR(jget_str(o, "missing", &has, &v), NULL);
	T_EQ_INT(has, 0);
	T_EQ_STR(jget_str(o, "n", &has, &v), NULL);
	T_EQ_INT(has, 1);
	T_EQ_INT(v.n, 0);
	T_EQ_STR(jget_str(o, "i", &has, &v), NULL);
	T_EQ_STR(verr_for(&v, "i"), "must be a string");
	T_EQ_STR(jget_str(o, "z", &has, &v), NULL); /* embedded NUL */
	T_EQ_STR(verr_for(&v, "z"), "contains invalid characters");

	memset(&v, 0, sizeof(v));
	T_EQ_INT(jget_int(o, "i", &has, &v), 7);
	T_EQ_INT(jget_int(o, "f", &has, &v), 0);
	T_EQ_STR(verr_for(&v, "f"), "must be an integer");
	T_EQ_INT(jget_id(o, "i", &has, &v), 7);
	T_EQ_INT(jget_id(o, "n", &has, &v), 0);
	T_EQ_INT(has, 1);
	T_EQ_INT(jget_id(o, "neg", &has, &v), 0);
	T_ASSERT(verr_for(&v, "neg") != NULL);
	T_EQ_INT(jget_id(o, "b", &has, &v), 0);
	T_ASSERT(verr_for(&v, "b") != NULL);
	json_decref(o);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(html_escapers),
	    T_ENTRY(html_writer),
	    T_ENTRY(url_decode_table),
	    T_ENTRY(form_parse_table),
	    T_ENTRY(form_parse_limits),
	    T_ENTRY(route_match_table),
	    T_ENTRY(route_table_rules),
	    T_ENTRY(route_allowed_header),
	    T_ENTRY(tr_lang_fallbacks),
	    T_ENTRY(api_problem_shapes),
	    T_ENTRY(json_field_readers),
	    T_ENTRY(fmt_time_zones),
	    T_ENTRY(layout_escapes_user_data),
	    T_ENTRY(error_pages_fixed_text),
	    T_ENTRY(user_data_not_translated),
	};
	int rc;
	crypto_setup();
	rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
