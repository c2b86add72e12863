/*
 * i18n.c - translations from gettext catalogues (po/nb.po, po/nn.po,
 * po/sv.po) embedded in the binary.
 *
 * English text is the msgid; a catalogue is parsed once at start-up into a
 * sorted array per language and looked up with binary search, so tr() is a
 * pure function safe on any thread (no setlocale, which is per process).
 * A missing or fuzzy translation falls back to English.  The catalogues are
 * ordinary .po files: translators use their usual tools, and `make check`
 * runs `msgfmt --check` on them.
 */
#include "web.h"
#include "../base/buf.h"
#include "../base/embed.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <stdlib.h>
#include <string.h>

const char *const ui_langs[] = {"nb", "nn", "sv", "en", NULL};
const char *const ui_lang_names[] = {"Norsk bokmål", "Norsk nynorsk", "Svenska",
                                     "English", NULL};

struct entry {
	char *id, *str;
};

struct catalog {
	const char *lang;
	struct entry *e;
	size_t n;
};

static struct catalog catalogs[3] = {
    {"nb", NULL, 0}, {"nn", NULL, 0}, {"sv", NULL, 0}};

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->id,
	              ((const struct entry *)b)->id);
}

/* bsearch comparator: a msgid against an entry. */
static int
cmp_key(const void *key, const void *e)
{
	return strcmp(key, ((const struct entry *)e)->id);
}

/* Appends the C-escaped string starting after the opening quote at p. */
static const char *
read_quoted(const char *p, struct buf *b)
{
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n':
				buf_addc(b, '\n');
				break;
			case 't':
				buf_addc(b, '\t');
				break;
			default:
				buf_addc(b, *p);
			}
		} else {
			buf_addc(b, *p);
		}
	}
	return *p == '"' ? p + 1 : p;
}

/* Stores the entry read so far (when complete and not fuzzy) and empties
 * the buffers. */
static void
save_entry(struct catalog *c, size_t *cap, struct buf *id, struct buf *str,
           int fuzzy)
{
	if (id->len > 0 && str->len > 0 && !fuzzy) {
		if (c->n == *cap) {
			*cap *= 2;
			c->e = xrealloc(c->e, *cap * sizeof(*c->e));
		}
		c->e[c->n].id = xstrdup(buf_str(id));
		c->e[c->n].str = xstrdup(buf_str(str));
		c->n++;
	}
	buf_reset(id);
	buf_reset(str);
}

static void
parse_po(struct catalog *c, const char *text)
{
	struct buf id, str;
	struct buf *cur = NULL;
	size_t cap = 256;
	int fuzzy = 0, next_fuzzy = 0;
	const char *line = text;

	buf_init(&id, 1 << 16);
	buf_init(&str, 1 << 16);
	c->e = xcalloc(cap, sizeof(*c->e));
	for (;;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		int is_id = strncmp(line, "msgid \"", 7) == 0;
		/* an entry ends at the next msgid (or the end of the file) */
		if (is_id && cur != NULL) {
			save_entry(c, &cap, &id, &str, fuzzy);
			cur = NULL;
		}
		if (strncmp(line, "#,", 2) == 0) {
			for (size_t k = 2; k + 5 <= len; k++)
				if (strncmp(line + k, "fuzzy", 5) == 0)
					next_fuzzy = 1;
		}
		if (is_id) {
			fuzzy = next_fuzzy;
			next_fuzzy = 0;
			cur = &id;
			read_quoted(line + 7, cur);
		} else if (strncmp(line, "msgstr \"", 8) == 0) {
			cur = &str;
			read_quoted(line + 8, cur);
		} else if (line[0] == '"' && cur != NULL) {
			read_quoted(line + 1, cur);
		}
		if (end == NULL)
			break;
		line = end + 1;
	}
	if (cur != NULL)
		save_entry(c, &cap, &id, &str, fuzzy);
	buf_cleanup(&id);
	buf_cleanup(&str);
	qsort(c->e, c->n, sizeof(*c->e), cmp_entry);
}

int
i18n_init(void)
{
	for (size_t i = 0; i < ARRAY_LEN(catalogs); i++) {
		char name[32];
		const struct embed_file *f;
		if (catalogs[i].e != NULL)
			continue;
		snprintf(name, sizeof(name), "po/%s.po", catalogs[i].lang);
		f = embed_find(name);
		if (f == NULL) {
			log_warn("i18n: no catalogue %s", name);
			continue;
		}
		parse_po(&catalogs[i], (const char *)f->data);
	}
	return 0;
}

const char *
tr_lang(const char *lang, const char *msgid)
{
	for (size_t i = 0; lang != NULL && i < ARRAY_LEN(catalogs); i++) {
		struct entry *hit;
		if (strcmp(catalogs[i].lang, lang) != 0)
			continue;
		if (catalogs[i].n == 0)
			return msgid;
		hit = bsearch(msgid, catalogs[i].e, catalogs[i].n, sizeof(*hit),
		              cmp_key);
		return hit ? hit->str : msgid;
	}
	return msgid;
}

const char *
tr(struct req *r, const char *msgid)
{
	return tr_lang(r->lang, msgid);
}

const char *
tr_sub(struct req *r, const char *msgid, const char *arg)
{
	const char *t = tr(r, msgid);
	const char *at = strstr(t, "%s");
	if (at == NULL)
		return t;
	return arena_printf(&r->ar, "%.*s%s%s", (int)(at - t), t,
	                    arg ? arg : "", at + 2);
}

static const char *
known(const char *s)
{
	for (int i = 0; s != NULL && ui_langs[i]; i++)
		if (strcmp(s, ui_langs[i]) == 0)
			return ui_langs[i];
	return NULL;
}

/* Maps one Accept-Language tag to a UI language. */
static const char *
from_tag(const char *t, size_t n)
{
	char tag[16];
	if (n == 0 || n >= sizeof(tag))
		return NULL;
	memcpy(tag, t, n);
	tag[n] = '\0';
	str_lower_ascii(tag);
	if (str_starts(tag, "nn"))
		return "nn";
	if (str_starts(tag, "nb") || str_starts(tag, "no"))
		return "nb";
	if (str_starts(tag, "sv"))
		return "sv";
	if (str_starts(tag, "en"))
		return "en";
	return NULL;
}

void
i18n_pick(struct req *r)
{
	const char *q = known(req_query(r, "lang"));
	const char *c, *al;
	if (q != NULL) {
		r->lang = q;
		req_set_cookie(r, "kv_lang", q, 365 * 86400);
		return;
	}
	if ((c = known(req_cookie(r, "kv_lang"))) != NULL) {
		r->lang = c;
		return;
	}
	al = req_header(r, "Accept-Language");
	while (al != NULL && *al) {
		size_t n;
		const char *l;
		while (*al == ' ' || *al == ',')
			al++;
		n = strcspn(al, ",;");
		if ((l = from_tag(al, n)) != NULL) {
			r->lang = l;
			return;
		}
		al += n;
		al += strcspn(al, ",");
	}
	r->lang = r->has_org && known(r->org.default_lang) ? r->org.default_lang
	                                                   : "nb";
}
