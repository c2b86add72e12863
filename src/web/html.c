/*
 * html.c - the HTML writer: every byte of HTML goes through these.
 *
 * Escaping is the default (STYLE-ANCHORS §3.1): html_txt/html_attr escape
 * & < > " ' and html_url percent-encodes; the raw entry html_lit_() is only
 * reachable through the html_lit() macro, which accepts string literals
 * alone ("" s "" does not compile for a variable).  tools/checkhtml.sh also
 * refuses any direct call of html_lit_() outside this file.  Runs of text
 * without special characters are appended in one piece.
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void
html_lit_(struct req *r, const char *s)
{
	buf_adds(&r->out, s);
}

static void
escape_into(struct buf *b, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		buf_add(b, run, (size_t)(s - run));
		buf_adds(b, rep);
		run = s + 1;
	}
	buf_add(b, run, (size_t)(s - run));
}

void
html_txt(struct req *r, const char *s)
{
	if (s != NULL)
		escape_into(&r->out, s);
}

void
html_attr(struct req *r, const char *s)
{
	if (s != NULL)
		escape_into(&r->out, s);
}

void
html_url(struct req *r, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			buf_addc(&r->out, (char)c);
		} else {
			char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_add(&r->out, enc, 3);
		}
	}
}

void
html_int(struct req *r, int64_t v)
{
	buf_printf(&r->out, "%" PRId64, v);
}

void
html_tr(struct req *r, const char *msgid)
{
	html_txt(r, tr(r, msgid));
}

char *
html_escape(struct arena *ar, const char *s)
{
	struct buf b;
	char *out;
	buf_init(&b, (size_t)16 << 20);
	escape_into(&b, s ? s : "");
	out = arena_strdup(ar, buf_str(&b));
	buf_cleanup(&b);
	return out;
}

void
html_lines_n(struct req *r, const char *s, size_t len)
{
	const char *end = s ? s + len : s;
	while (s && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (n > 0 && s[n - 1] == '\r')
			html_txt(r, arena_strndup(&r->ar, s, n - 1));
		else
			html_txt(r, arena_strndup(&r->ar, s, n));
		if (nl == NULL)
			break;
		html_lit(r, "<br>");
		s = nl + 1;
	}
}

void
html_lines(struct req *r, const char *s)
{
	if (s != NULL)
		html_lines_n(r, s, strlen(s));
}
