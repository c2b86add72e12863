/*
 * feed.c - RSS 2.0 / 1.0 / 0.9x, Atom and JSON Feed into one struct feed
 * (feed.h).
 *
 * XML goes through libxml2 with XML_PARSE_NONET and without NOENT or
 * DTDLOAD; the SAX entity declaration hook drops every external entity,
 * so no file or URL is ever read on the document's say.  Text is gathered
 * by our own walk: internal entities contribute their replacement text
 * once (no recursion, so no "billion laughs"), and every field is capped
 * at FEED_MAX_FIELD.  Before parsing, HTML entity names and bare '&' are
 * rewritten to well-formed XML (outside CDATA and comments) unless the
 * document declares entities itself.
 *
 * Elements are recognised by namespace URI and local name; the prefix a
 * document happens to use never matters.
 */
#include "feed.h"
#include "connect.h"
#include "../base/buf.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* namespace URIs */
#define NS_ATOM   "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RDF    "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_RSS1   "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_DC     "http://purl.org/dc/elements/1.1/"
#define NS_DCT    "http://purl.org/dc/terms/"
#define NS_CONT   "http://purl.org/rss/1.0/modules/content/"
#define NS_WFW    "http://wellformedweb.org/CommentAPI/"
#define NS_SLASH  "http://purl.org/rss/1.0/modules/slash/"
#define NS_THR    "http://purl.org/syndication/thread/1.0"
#define NS_MEDIA  "http://search.yahoo.com/mrss/"
#define NS_ITUNES "http://www.itunes.com/dtds/podcast-1.0.dtd"

const char *
feed_type_name(enum feed_type t)
{
	switch (t) {
	case FEED_RSS2:
		return "rss2";
	case FEED_RSS1:
		return "rss1";
	case FEED_RSS0:
		return "rss0";
	case FEED_ATOM:
		return "atom";
	case FEED_JSON:
		return "jsonfeed";
	case FEED_UNKNOWN:
		break;
	}
	return "unknown";
}

static unsigned html_entity(const char *name, size_t n);

/* --- small helpers ------------------------------------------------------ */

/* Adds s (taken) to a capped list; frees s when the list is full. */
static void
list_push(char ***arr, int *n, char *s)
{
	if (s == NULL)
		return;
	if (*n >= FEED_MAX_LIST || *s == 0) {
		free(s);
		return;
	}
	*arr = xrealloc(*arr, (size_t)(*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = s;
}

/* Returns a malloc'd copy of s without leading/trailing white space, or
 * NULL when s is NULL or only white space. */
static char *
trim_dup(const char *s)
{
	size_t n;
	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	                 s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n ? xstrndup(s, n) : NULL;
}

/* Replaces *dst with src (taken) when *dst is unset; else frees src. */
static void
set_once(char **dst, char *src)
{
	if (*dst == NULL)
		*dst = src;
	else
		free(src);
}

char *
feed_resolve(const char *href, const char *base)
{
	xmlChar *r;
	char *out;
	if (href == NULL)
		return NULL;
	if (base == NULL || *base == 0)
		return xstrdup(href);
	r = xmlBuildURI((const xmlChar *)href, (const xmlChar *)base);
	if (r == NULL)
		return xstrdup(href);
	out = xstrdup((const char *)r);
	xmlFree(r);
	return out;
}

static int
is_absolute(const char *u)
{
	return u && (str_starts(u, "http://") || str_starts(u, "https://"));
}

/* memmem, which POSIX lacks: the first n bytes of needle in hay. */
static const char *
mem_find(const char *hay, size_t len, const char *needle, size_t n)
{
	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* --- XML text ----------------------------------------------------------- */

static int
ns_is(const xmlNode *n, const char *uri)
{
	if (uri == NULL)
		return n->ns == NULL || n->ns->href == NULL ||
		       n->ns->href[0] == 0;
	return n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, uri) == 0;
}

/* 1 when n is element name in namespace uri (NULL: no namespace). */
static int
is_el(const xmlNode *n, const char *uri, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)n->name, name) == 0 && ns_is(n, uri);
}

static void
gather(const xmlNode *n, struct buf *b, int depth)
{
	for (; n; n = n->next) {
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content)
				buf_adds(b, (const char *)n->content);
			break;
		case XML_ENTITY_REF_NODE: {
			/* internal entities only, once, never recursively */
			xmlEntityPtr e = xmlGetDocEntity(n->doc, n->name);
			if (e && e->etype == XML_INTERNAL_GENERAL_ENTITY &&
			    e->content)
				buf_adds(b, (const char *)e->content);
			break;
		}
		case XML_ELEMENT_NODE:
			if (depth < 64)
				gather(n->children, b, depth + 1);
			break;
		default:
			break;
		}
	}
}

/* The text content of element n, trimmed, or NULL; malloc'd. */
static char *
text_of(const xmlNode *n)
{
	struct buf b;
	char *r;
	buf_init(&b, FEED_MAX_FIELD);
	gather(n->children, &b, 0);
	r = trim_dup(buf_str(&b));
	buf_cleanup(&b);
	return r;
}

/* The children of n serialised as XML (Atom xhtml content); malloc'd. */
static char *
inner_xml(xmlNode *n)
{
	xmlBufferPtr xb = xmlBufferCreate();
	char *r = NULL;
	if (xb == NULL)
		return NULL;
	for (xmlNode *c = n->children; c; c = c->next) {
		xmlNodeDump(xb, n->doc, c, 0, 0);
		if (xmlBufferLength(xb) > (int)FEED_MAX_FIELD)
			break;
	}
	if (xmlBufferLength(xb) <= (int)FEED_MAX_FIELD)
		r = trim_dup((const char *)xmlBufferContent(xb));
	xmlBufferFree(xb);
	return r;
}

/* Attribute name (no namespace, or uri) of n, trimmed; malloc'd or NULL. */
static char *
attr(xmlNode *n, const char *uri, const char *name)
{
	xmlChar *v =
	    uri ? xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)uri)
	        : xmlGetNoNsProp(n, (const xmlChar *)name);
	char *r;
	if (v == NULL)
		return NULL;
	r = trim_dup((const char *)v);
	xmlFree(v);
	return r;
}

/* href resolved against n's xml:base (and the document URL); when that
 * leaves it relative, against fallback.  Takes href; malloc'd. */
static char *
resolve_at(xmlNode *n, char *href, const char *fallback)
{
	xmlChar *base;
	char *r;
	if (href == NULL)
		return NULL;
	base = xmlNodeGetBase(n->doc, n);
	r = feed_resolve(href, (const char *)base);
	if (base)
		xmlFree(base);
	free(href);
	if (!is_absolute(r) && is_absolute(fallback)) {
		char *r2 = feed_resolve(r, fallback);
		free(r);
		r = r2;
	}
	return r;
}

static int64_t
date_of(xmlNode *n)
{
	char *s = text_of(n);
	int64_t t = 0;
	if (s && time_parse_web(s, &t) != 0)
		t = 0;
	free(s);
	return t;
}

/* An Atom text construct as plain text. */
static char *
atom_text(xmlNode *n)
{
	char *type = attr(n, NULL, "type");
	char *s = text_of(n), *r;
	if (s && type &&
	    (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0)) {
		r = feed_html_text(s);
		free(s);
		s = trim_dup(r);
		free(r);
	}
	free(type);
	return s;
}

char *
feed_html_text(const char *html)
{
	struct buf b;
	char *r;
	if (html == NULL)
		return xstrdup("");
	buf_init(&b, 2 * strlen(html) + 16);
	for (const char *p = html; *p; p++) {
		size_t k = 0;
		if (*p == '&') {
			while (k < 12 &&
			       ((p[1 + k] >= 'a' && p[1 + k] <= 'z') ||
			        (p[1 + k] >= 'A' && p[1 + k] <= 'Z') ||
			        (p[1 + k] >= '0' && p[1 + k] <= '9')))
				k++;
			if (k > 0 && p[1 + k] == ';') {
				unsigned cp = html_entity(p + 1, k);
				if (cp) {
					buf_printf(&b, "&#%u;", cp);
					p += k + 1;
					continue;
				}
			}
		}
		buf_addc(&b, *p);
	}
	r = html_to_text(buf_str(&b));
	buf_cleanup(&b);
	return r;
}

/* --- entries ------------------------------------------------------------ */

struct pctx {
	struct feed *f;
	const char *base; /* the feed URL, or NULL */
	const char *site; /* the feed's site link (fallback base) */
};

static struct feed_entry *
new_entry(struct feed *f)
{
	struct feed_entry *e;
	if (f->nentries >= FEED_MAX_ENTRIES)
		return NULL;
	f->entries = xrealloc(f->entries,
	                      (size_t)(f->nentries + 1) * sizeof(*f->entries));
	e = &f->entries[f->nentries++];
	memset(e, 0, sizeof(*e));
	e->comment_count = -1;
	return e;
}

static void
add_link(struct feed_entry *e, char *href, char *rel, char *type)
{
	if (href == NULL || e->nlinks >= FEED_MAX_LIST) {
		free(href);
		free(rel);
		free(type);
		return;
	}
	e->links =
	    xrealloc(e->links, (size_t)(e->nlinks + 1) * sizeof(*e->links));
	e->links[e->nlinks].href = href;
	e->links[e->nlinks].rel = rel;
	e->links[e->nlinks].type = type;
	e->nlinks++;
}

static void
add_media(struct feed_entry *e, char *url, char *type, char *title,
          const char *len)
{
	int64_t l = -1;
	if (url == NULL || e->nmedia >= FEED_MAX_LIST) {
		free(url);
		free(type);
		free(title);
		return;
	}
	for (int i = 0; i < e->nmedia; i++)
		if (strcmp(e->media[i].url, url) == 0) { /* media:group dups */
			free(url);
			free(type);
			free(title);
			return;
		}
	if (len && parse_i64(len, &l) != 0)
		l = -1;
	e->media =
	    xrealloc(e->media, (size_t)(e->nmedia + 1) * sizeof(*e->media));
	e->media[e->nmedia].url = url;
	e->media[e->nmedia].type = type;
	e->media[e->nmedia].title = title;
	e->media[e->nmedia].length = l;
	e->nmedia++;
}

/* media:content / media:group (Media RSS) below n. */
static void
media_rss(const struct pctx *pc, struct feed_entry *e, xmlNode *n)
{
	if (is_el(n, NS_MEDIA, "group")) {
		for (xmlNode *c = n->children; c; c = c->next)
			media_rss(pc, e, c);
	} else if (is_el(n, NS_MEDIA, "content")) {
		char *len = attr(n, NULL, "fileSize");
		char *desc = NULL;
		for (xmlNode *c = n->children; c; c = c->next)
			if (is_el(c, NS_MEDIA, "description") ||
			    is_el(c, NS_MEDIA, "title"))
				set_once(&desc, text_of(c));
		if (desc == NULL && n->parent)
			for (xmlNode *c = n->parent->children; c; c = c->next)
				if (is_el(c, NS_MEDIA, "description"))
					set_once(&desc, text_of(c));
		add_media(e, resolve_at(n, attr(n, NULL, "url"), pc->site),
		          attr(n, NULL, "type"), desc, len);
		free(len);
	}
}

/* Elements every XML flavour shares inside an item/entry. */
static int
common_child(const struct pctx *pc, struct feed_entry *e, xmlNode *c)
{
	char *s;
	if (is_el(c, NS_DC, "creator") || is_el(c, NS_ITUNES, "author")) {
		list_push(&e->authors, &e->nauthors, text_of(c));
	} else if (is_el(c, NS_DC, "date")) {
		if (e->published == 0)
			e->published = date_of(c);
	} else if (is_el(c, NS_DCT, "modified")) {
		e->updated = date_of(c);
	} else if (is_el(c, NS_DC, "subject")) {
		list_push(&e->categories, &e->ncategories, text_of(c));
	} else if (is_el(c, NS_CONT, "encoded")) {
		s = text_of(c);
		if (s) {
			free(e->content_html);
			free(e->content_text);
			e->content_html = s;
			e->content_text = feed_html_text(s);
		}
	} else if (is_el(c, NS_WFW, "commentRss") ||
	           is_el(c, NS_WFW, "commentRSS")) {
		set_once(&e->comments_feed,
		         resolve_at(c, text_of(c), pc->site));
	} else if (is_el(c, NS_SLASH, "comments") ||
	           is_el(c, NS_THR, "total")) {
		int64_t v;
		s = text_of(c);
		if (s && parse_i64(s, &v) == 0 && v >= 0)
			e->comment_count = v;
		free(s);
	} else if (is_el(c, NS_THR, "in-reply-to")) {
		set_once(&e->in_reply_to, attr(c, NULL, "ref"));
		set_once(&e->in_reply_to_href,
		         resolve_at(c, attr(c, NULL, "href"), pc->site));
	} else if (is_el(c, NS_MEDIA, "content") ||
	           is_el(c, NS_MEDIA, "group")) {
		media_rss(pc, e, c);
	} else {
		return 0;
	}
	return 1;
}

static void
atom_person(xmlNode *n, char ***arr, int *cnt)
{
	char *name = NULL, *email = NULL;
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "name") == 0)
			set_once(&name, text_of(c));
		else if (strcmp((const char *)c->name, "email") == 0)
			set_once(&email, text_of(c));
	}
	if (name == NULL) {
		name = email;
		email = NULL;
	}
	free(email);
	list_push(arr, cnt, name);
}

/* An Atom <link> of an entry or the feed. */
static void
atom_link(const struct pctx *pc, struct feed_entry *e, xmlNode *c)
{
	char *rel = attr(c, NULL, "rel");
	char *href = resolve_at(c, attr(c, NULL, "href"), pc->site);
	char *type = attr(c, NULL, "type");
	if (href == NULL) {
		free(rel);
		free(type);
		return;
	}
	if (rel == NULL || strcmp(rel, "alternate") == 0) {
		set_once(&e->link, xstrdup(href));
	} else if (strcmp(rel, "enclosure") == 0) {
		add_media(e, xstrdup(href), type ? xstrdup(type) : NULL,
		          attr(c, NULL, "title"), NULL);
	} else if (strcmp(rel, "replies") == 0) {
		char *cnt = attr(c, NS_THR, "count");
		int64_t v;
		if (type == NULL || strstr(type, "html") == NULL)
			set_once(&e->comments_feed, xstrdup(href));
		else
			set_once(&e->comments_url, xstrdup(href));
		if (cnt && parse_i64(cnt, &v) == 0 && v >= 0)
			e->comment_count = v;
		free(cnt);
	}
	add_link(e, href, rel, type);
}

static void
atom_content(struct feed_entry *e, xmlNode *c)
{
	char *type = attr(c, NULL, "type");
	if (type &&
	    (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0)) {
		e->content_html = text_of(c);
		e->content_text =
		    e->content_html ? feed_html_text(e->content_html) : NULL;
	} else if (type && (strcmp(type, "xhtml") == 0 ||
	                    strstr(type, "xml") != NULL)) {
		xmlNode *div = c->children;
		while (div && div->type != XML_ELEMENT_NODE)
			div = div->next;
		e->content_html = inner_xml(div ? div : c);
		e->content_text = text_of(c);
	} else if (type == NULL || strcmp(type, "text") == 0 ||
	           str_starts(type, "text/")) {
		e->content_text = text_of(c);
	}
	free(type);
}

/* Fills id (generated when the feed has none) and link. */
static void
entry_finish(struct feed_entry *e)
{
	if (e->link == NULL)
		for (int i = 0; i < e->nlinks; i++)
			if (e->links[i].rel == NULL ||
			    strcmp(e->links[i].rel, "alternate") == 0) {
				e->link = xstrdup(e->links[i].href);
				break;
			}
	if (e->id == NULL && e->link)
		e->id = xstrdup(e->link);
	if (e->id == NULL) {
		struct buf b;
		char hex[65];
		buf_init(&b, 3 * FEED_MAX_FIELD + 64);
		buf_printf(&b, "%s\x1f%s\x1f%s\x1f%lld",
		           e->title ? e->title : "",
		           e->summary ? e->summary : "",
		           e->content_text ? e->content_text : "",
		           (long long)e->published);
		sha256_hex(buf_str(&b), b.len, hex);
		buf_cleanup(&b);
		hex[32] = 0;
		e->id = xstrdup(hex);
		e->id_generated = 1;
	}
}

/* The element n serialised as XML (malloc'd), or NULL. */
static char *
node_xml(xmlNode *n)
{
	xmlBufferPtr b = xmlBufferCreate();
	xmlDocPtr d = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr c = d ? xmlDocCopyNode(n, d, 1) : NULL;
	char *out = NULL;
	if (b != NULL && c != NULL) {
		/* a copy of its own, declaring the namespaces it uses (which
		 * the feed declared on an ancestor) */
		xmlDocSetRootElement(d, c);
		xmlReconciliateNs(d, c);
		if (xmlNodeDump(b, d, c, 0, 0) > 0)
			out = xstrdup((const char *)xmlBufferContent(b));
	}
	if (c != NULL && d == NULL)
		xmlFreeNode(c);
	xmlFreeDoc(d);
	if (b != NULL)
		xmlBufferFree(b);
	return out;
}

static void
atom_entry(const struct pctx *pc, xmlNode *n, const char *ns)
{
	struct feed_entry *e = new_entry(pc->f);
	if (e == NULL)
		return;
	e->raw = node_xml(n);
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(c, ns, "id")) {
			set_once(&e->id, text_of(c));
		} else if (is_el(c, ns, "title")) {
			set_once(&e->title, atom_text(c));
		} else if (is_el(c, ns, "link")) {
			atom_link(pc, e, c);
		} else if (is_el(c, ns, "published") ||
		           is_el(c, ns, "issued")) {
			e->published = date_of(c);
		} else if (is_el(c, ns, "updated") ||
		           is_el(c, ns, "modified")) {
			e->updated = date_of(c);
		} else if (is_el(c, ns, "author")) {
			atom_person(c, &e->authors, &e->nauthors);
		} else if (is_el(c, ns, "summary")) {
			set_once(&e->summary, atom_text(c));
		} else if (is_el(c, ns, "content")) {
			if (e->content_html == NULL && e->content_text == NULL)
				atom_content(e, c);
		} else if (is_el(c, ns, "category")) {
			char *t = attr(c, NULL, "term");
			list_push(&e->categories, &e->ncategories,
			          t ? t : text_of(c));
		} else {
			common_child(pc, e, c);
		}
	}
	if (e->published == 0 && e->updated == 0) {
		/* Atom 0.3 "created" */
		for (xmlNode *c = n->children; c; c = c->next)
			if (is_el(c, ns, "created"))
				e->published = date_of(c);
	}
	entry_finish(e);
}

static void
rss_item(const struct pctx *pc, xmlNode *n, const char *ns)
{
	struct feed_entry *e = new_entry(pc->f);
	char *guid_link = NULL;
	if (e == NULL)
		return;
	e->raw = node_xml(n);
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(c, ns, "title")) {
			set_once(&e->title, text_of(c));
		} else if (is_el(c, ns, "link")) {
			char *l = resolve_at(c, text_of(c), pc->site);
			if (l && e->link == NULL) {
				e->link = xstrdup(l);
				add_link(e, l, NULL, NULL);
			} else {
				free(l);
			}
		} else if (is_el(c, ns, "description")) {
			char *s = text_of(c);
			if (s && e->summary == NULL) {
				char *t = feed_html_text(s);
				e->summary = trim_dup(t);
				free(t);
			}
			free(s);
		} else if (is_el(c, ns, "guid")) {
			char *pl = attr(c, NULL, "isPermaLink");
			char *g = text_of(c);
			if (g && (pl == NULL || strcmp(pl, "false") != 0) &&
			    is_absolute(g))
				set_once(&guid_link, xstrdup(g));
			set_once(&e->id, g);
			free(pl);
		} else if (is_el(c, ns, "pubDate")) {
			e->published = date_of(c);
		} else if (is_el(c, ns, "author")) {
			list_push(&e->authors, &e->nauthors, text_of(c));
		} else if (is_el(c, ns, "category")) {
			list_push(&e->categories, &e->ncategories, text_of(c));
		} else if (is_el(c, ns, "comments")) {
			set_once(&e->comments_url,
			         resolve_at(c, text_of(c), pc->site));
		} else if (is_el(c, ns, "enclosure")) {
			char *len = attr(c, NULL, "length");
			add_media(e,
			          resolve_at(c, attr(c, NULL, "url"), pc->site),
			          attr(c, NULL, "type"), NULL, len);
			free(len);
		} else if (is_el(c, NS_ATOM, "link")) {
			atom_link(pc, e, c);
		} else if (is_el(c, NS_ATOM, "updated")) {
			e->updated = date_of(c);
		} else if (is_el(c, NS_ATOM, "published")) {
			if (e->published == 0)
				e->published = date_of(c);
		} else if (is_el(c, NS_ATOM, "author")) {
			atom_person(c, &e->authors, &e->nauthors);
		} else {
			common_child(pc, e, c);
		}
	}
	if (e->link == NULL && guid_link) {
		e->link = xstrdup(guid_link);
		add_link(e, xstrdup(e->link), NULL, NULL);
	}
	free(guid_link);
	if (e->id == NULL) /* RSS 1.0 */
		e->id = attr(n, NS_RDF, "about");
	entry_finish(e);
}

/* atom:link elements at feed/channel level: self, next, hub, alternate. */
static void
feed_link(struct pctx *pc, xmlNode *c)
{
	struct feed *f = pc->f;
	char *rel = attr(c, NULL, "rel");
	char *href = resolve_at(c, attr(c, NULL, "href"), NULL);
	if (href == NULL) {
		free(rel);
		return;
	}
	if (rel == NULL || strcmp(rel, "alternate") == 0)
		set_once(&f->link, href);
	else if (strcmp(rel, "self") == 0)
		set_once(&f->self_url, href);
	else if (strcmp(rel, "next") == 0)
		set_once(&f->next_url, href);
	else if (strcmp(rel, "hub") == 0)
		set_once(&f->hub_url, href);
	else
		free(href);
	free(rel);
}

static void
parse_atom(struct pctx *pc, xmlNode *root, const char *ns)
{
	struct feed *f = pc->f;
	/* the site link first: relative entry links may fall back on it */
	for (xmlNode *c = root->children; c; c = c->next)
		if (is_el(c, ns, "link"))
			feed_link(pc, c);
	pc->site = f->link;
	for (xmlNode *c = root->children; c; c = c->next) {
		if (is_el(c, ns, "title"))
			set_once(&f->title, atom_text(c));
		else if (is_el(c, ns, "id"))
			set_once(&f->id, text_of(c));
		else if (is_el(c, ns, "updated") || is_el(c, ns, "modified"))
			f->updated = date_of(c);
		else if (is_el(c, ns, "entry"))
			atom_entry(pc, c, ns);
	}
	if (!is_absolute(pc->site))
		pc->site = NULL;
}

static void
rss_channel(struct pctx *pc, xmlNode *ch, const char *ns)
{
	struct feed *f = pc->f;
	for (xmlNode *c = ch->children; c; c = c->next) {
		if (is_el(c, ns, "title"))
			set_once(&f->title, text_of(c));
		else if (is_el(c, ns, "link"))
			set_once(&f->link, resolve_at(c, text_of(c), NULL));
		else if (is_el(c, NS_ATOM, "link"))
			feed_link(pc, c);
		else if (is_el(c, ns, "lastBuildDate"))
			f->updated = date_of(c);
		else if ((is_el(c, ns, "pubDate") || is_el(c, NS_DC, "date")) &&
		         f->updated == 0)
			f->updated = date_of(c);
	}
	pc->site = is_absolute(f->link) ? f->link : NULL;
	for (xmlNode *c = ch->children; c; c = c->next)
		if (is_el(c, ns, "item"))
			rss_item(pc, c, ns);
}

static void
parse_rss(struct pctx *pc, xmlNode *root)
{
	const char *ns = NULL;
	char *ver = attr(root, NULL, "version");
	if (ver && (str_starts(ver, "0.9") || str_starts(ver, "0.8")))
		pc->f->type = FEED_RSS0;
	else
		pc->f->type = FEED_RSS2;
	free(ver);
	for (xmlNode *c = root->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "channel") == 0) {
			/* a default namespace on <rss> happens; follow it */
			ns = c->ns && c->ns->href && c->ns->href[0]
			         ? (const char *)c->ns->href
			         : NULL;
			rss_channel(pc, c, ns);
			break;
		}
	/* RSS 0.91 feeds in the wild put items beside the channel */
	for (xmlNode *c = root->children; c; c = c->next)
		if (is_el(c, ns, "item"))
			rss_item(pc, c, ns);
}

static void
parse_rdf(struct pctx *pc, xmlNode *root)
{
	const char *ns = NULL;
	for (xmlNode *c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (ns_is(c, NS_RSS1))
			ns = NS_RSS1;
		else if (ns_is(c, NS_RSS090))
			ns = NS_RSS090;
		if (ns)
			break;
	}
	pc->f->type = ns && strcmp(ns, NS_RSS090) == 0 ? FEED_RSS0 : FEED_RSS1;
	for (xmlNode *c = root->children; c; c = c->next)
		if (is_el(c, ns, "channel")) {
			rss_channel(pc, c, ns);
			break;
		}
	for (xmlNode *c = root->children; c; c = c->next)
		if (is_el(c, ns, "item"))
			rss_item(pc, c, ns);
}

/* --- XML document ------------------------------------------------------- */

/* HTML entity names feeds use without declaring them. */
static const struct {
	const char *name;
	unsigned cp;
} html_ent[] = {
    {"nbsp", 160},   {"iexcl", 161},   {"cent", 162},    {"pound", 163},
    {"yen", 165},    {"sect", 167},    {"uml", 168},     {"copy", 169},
    {"laquo", 171},  {"shy", 173},     {"reg", 174},     {"deg", 176},
    {"plusmn", 177}, {"acute", 180},   {"micro", 181},   {"para", 182},
    {"middot", 183}, {"raquo", 187},   {"frac14", 188},  {"frac12", 189},
    {"frac34", 190}, {"iquest", 191},  {"Agrave", 192},  {"Aacute", 193},
    {"Acirc", 194},  {"Atilde", 195},  {"Auml", 196},    {"Aring", 197},
    {"AElig", 198},  {"Ccedil", 199},  {"Egrave", 200},  {"Eacute", 201},
    {"Ecirc", 202},  {"Euml", 203},    {"Iacute", 205},  {"Ntilde", 209},
    {"Oacute", 211}, {"Ocirc", 212},   {"Ouml", 214},    {"times", 215},
    {"Oslash", 216}, {"Uacute", 218},  {"Uuml", 220},    {"szlig", 223},
    {"agrave", 224}, {"aacute", 225},  {"acirc", 226},   {"atilde", 227},
    {"auml", 228},   {"aring", 229},   {"aelig", 230},   {"ccedil", 231},
    {"egrave", 232}, {"eacute", 233},  {"ecirc", 234},   {"euml", 235},
    {"igrave", 236}, {"iacute", 237},  {"icirc", 238},   {"iuml", 239},
    {"ntilde", 241}, {"ograve", 242},  {"oacute", 243},  {"ocirc", 244},
    {"otilde", 245}, {"ouml", 246},    {"divide", 247},  {"oslash", 248},
    {"ugrave", 249}, {"uacute", 250},  {"ucirc", 251},   {"uuml", 252},
    {"yacute", 253}, {"ndash", 8211},  {"mdash", 8212},  {"lsquo", 8216},
    {"rsquo", 8217}, {"sbquo", 8218},  {"ldquo", 8220},  {"rdquo", 8221},
    {"bdquo", 8222}, {"dagger", 8224}, {"bull", 8226},   {"hellip", 8230},
    {"prime", 8242}, {"lsaquo", 8249}, {"rsaquo", 8250}, {"euro", 8364},
    {"trade", 8482}, {"larr", 8592},   {"rarr", 8594},   {"thinsp", 8201},
    {"ensp", 8194},  {"emsp", 8195},   {"zwnj", 8204},   {"zwj", 8205},
};

/* The code point of HTML entity name[0..n), or 0 when we do not know it
 * (the five XML ones are left to the XML and HTML readers). */
static unsigned
html_entity(const char *name, size_t n)
{
	for (size_t k = 0; k < sizeof(html_ent) / sizeof(html_ent[0]); k++)
		if (strlen(html_ent[k].name) == n &&
		    memcmp(name, html_ent[k].name, n) == 0)
			return html_ent[k].cp;
	return 0;
}

/* Copies s[0..n) into b with HTML entity names turned into character
 * references and stray '&' escaped, outside CDATA, comments and PIs. */
static void
fix_amps(const char *s, size_t n, struct buf *b)
{
	size_t i = 0;
	while (i < n) {
		const char *end = NULL;
		size_t skip = 0;
		if (s[i] == '<' && n - i >= 9 &&
		    memcmp(s + i, "<![CDATA[", 9) == 0)
			end = "]]>", skip = 9;
		else if (s[i] == '<' && n - i >= 4 &&
		         memcmp(s + i, "<!--", 4) == 0)
			end = "-->", skip = 4;
		else if (s[i] == '<' && n - i >= 2 && s[i + 1] == '?')
			end = "?>", skip = 2;
		if (end) {
			size_t j = i + skip, el = strlen(end);
			while (j + el <= n && memcmp(s + j, end, el) != 0)
				j++;
			j = j + el <= n ? j + el : n;
			buf_add(b, s + i, j - i);
			i = j;
			continue;
		}
		if (s[i] != '&') {
			buf_addc(b, s[i++]);
			continue;
		}
		{
			size_t j = i + 1;
			int hex = 0, num = 0;
			if (j < n && s[j] == '#') {
				num = 1;
				j++;
				if (j < n && (s[j] == 'x' || s[j] == 'X'))
					hex = 1, j++;
			}
			while (j < n && j - i < 12 &&
			       ((s[j] >= 'a' && s[j] <= 'z') ||
			        (s[j] >= 'A' && s[j] <= 'Z') ||
			        (s[j] >= '0' && s[j] <= '9')))
				j++;
			if (j < n && s[j] == ';' &&
			    j > i + 1 + (size_t)num + (size_t)hex) {
				size_t nl = j - i - 1;
				const char *nm = s + i + 1;
				int known = num;
				static const char *const xml5[] = {
				    "amp", "lt", "gt", "quot", "apos"};
				for (size_t k = 0; !known && k < 5; k++)
					known = strlen(xml5[k]) == nl &&
					        memcmp(nm, xml5[k], nl) == 0;
				if (known) {
					buf_add(b, s + i, j + 1 - i);
					i = j + 1;
					continue;
				}
				for (size_t k = 0;
				     k < sizeof(html_ent) / sizeof(html_ent[0]);
				     k++)
					if (strlen(html_ent[k].name) == nl &&
					    memcmp(nm, html_ent[k].name, nl) ==
					        0) {
						buf_printf(b, "&#%u;",
						           html_ent[k].cp);
						known = 1;
						break;
					}
				if (known) {
					i = j + 1;
					continue;
				}
			}
			buf_adds(b, "&amp;");
			i++;
		}
	}
}

struct xerr {
	int external; /* the document declared an external entity */
	int fatal;    /* a fatal error we do not recover from */
	int code, line;
	char msg[200];
};

static void
xml_error(void *ud, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = ud;
	struct xerr *xe = ctxt ? ctxt->_private : NULL;
	if (xe == NULL || e == NULL || e->level != XML_ERR_FATAL)
		return;
	/* junk after the root element: the feed itself is complete */
	if (e->code == XML_ERR_DOCUMENT_END)
		return;
	if (xe->fatal++ == 0) {
		size_t l;
		xe->code = e->code;
		xe->line = e->line;
		snprintf(xe->msg, sizeof(xe->msg), "%s",
		         e->message ? e->message : "?");
		l = strlen(xe->msg);
		while (l > 0 &&
		       (xe->msg[l - 1] == '\n' || xe->msg[l - 1] == ' '))
			xe->msg[--l] = 0;
	}
}

/* Only internal entities are declared; external ones are dropped and
 * noted, and the document is then refused (XXE). */
static void
entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
            const xmlChar *sys, xmlChar *content)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xerr *xe = ctxt ? ctxt->_private : NULL;
	if (type == XML_INTERNAL_GENERAL_ENTITY)
		xmlSAX2EntityDecl(ctx, name, type, pub, sys, content);
	else if (xe)
		xe->external = 1;
}

/* The charset= of a Content-Type into out, or "". */
static void
charset_of(const char *ct, char *out, size_t outlen)
{
	const char *p = ct ? strstr(ct, "charset=") : NULL;
	size_t n = 0;
	out[0] = 0;
	if (p == NULL)
		return;
	p += 8;
	if (*p == '"')
		p++;
	while (p[n] && p[n] != '"' && p[n] != ';' && p[n] != ' ' &&
	       n + 1 < outlen)
		n++;
	memcpy(out, p, n);
	out[n] = 0;
}

static int
parse_xml(const char *body, size_t len, const char *content_type,
          const char *base_url, struct feed *f, char *err, size_t errlen)
{
	struct buf fixed;
	struct xerr xe;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	xmlNode *root;
	struct pctx pc;
	char cs[48];
	const char *enc = NULL;
	int rc = -1;

	/* white space (and a UTF-8 BOM) before the XML declaration */
	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0) {
		size_t k = 3;
		while (k < len && (body[k] == ' ' || body[k] == '\n' ||
		                   body[k] == '\r' || body[k] == '\t'))
			k++;
		if (k > 3)
			body += k, len -= k;
	}
	while (len > 0 && (*body == ' ' || *body == '\n' || *body == '\r' ||
	                   *body == '\t'))
		body++, len--;

	buf_init(&fixed, 2 * (size_t)FEED_MAX_BODY + 64);
	if (mem_find(body, len, "<!ENTITY", 8) == NULL)
		fix_amps(body, len, &fixed);
	else
		buf_add(&fixed, body, len);
	if (fixed.overflow || fixed.len == 0) {
		snprintf(err, errlen, "%s",
		         fixed.len ? "the feed is too large"
		                   : "the feed is empty");
		buf_cleanup(&fixed);
		return -1;
	}

	/* a charset from HTTP counts only when the document names none */
	charset_of(content_type, cs, sizeof(cs));
	if (cs[0] && !(fixed.len >= 2 && ((unsigned char)fixed.p[0] >= 0xfe ||
	                                  fixed.p[0] == 0))) {
		const char *q =
		    memchr(fixed.p, '>', fixed.len < 200 ? fixed.len : 200);
		if (!(str_starts(fixed.p, "<?xml") && q &&
		      mem_find(fixed.p, (size_t)(q - fixed.p), "encoding", 8)))
			enc = cs;
	}

	memset(&xe, 0, sizeof(xe));
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		snprintf(err, errlen, "out of memory");
		buf_cleanup(&fixed);
		return -1;
	}
	ctxt->_private = &xe;
	ctxt->sax->serror = xml_error;
	ctxt->sax->entityDecl = entity_decl;
	doc = xmlCtxtReadMemory(ctxt, fixed.p ? fixed.p : "", (int)fixed.len,
	                        base_url, enc,
	                        XML_PARSE_NONET | XML_PARSE_RECOVER |
	                            XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	buf_cleanup(&fixed);
	if (xe.external) {
		snprintf(err, errlen,
		         "the feed declares external entities, "
		         "which are never read");
		goto out;
	}
	if (doc == NULL || xe.fatal) {
		if (xe.fatal)
			snprintf(err, errlen,
			         "not well-formed XML (line %d: %s)", xe.line,
			         xe.msg);
		else
			snprintf(err, errlen, "not an XML document");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	memset(&pc, 0, sizeof(pc));
	pc.f = f;
	pc.base = base_url;
	if (root && strcmp((const char *)root->name, "rss") == 0) {
		parse_rss(&pc, root);
	} else if (root && is_el(root, NS_RDF, "RDF")) {
		parse_rdf(&pc, root);
	} else if (root && is_el(root, NS_ATOM, "feed")) {
		f->type = FEED_ATOM;
		parse_atom(&pc, root, NS_ATOM);
	} else if (root && is_el(root, NS_ATOM03, "feed")) {
		f->type = FEED_ATOM;
		parse_atom(&pc, root, NS_ATOM03);
	} else if (root && is_el(root, NULL, "feed")) {
		/* Atom without its namespace: read it as Atom */
		f->type = FEED_ATOM;
		parse_atom(&pc, root, NULL);
	} else if (root && is_el(root, NS_ATOM, "entry")) {
		/* an Atom entry document (RFC 4287 §4.1.2) */
		f->type = FEED_ATOM;
		atom_entry(&pc, root, NS_ATOM);
	} else {
		snprintf(err, errlen, "not a feed (root element <%s>)",
		         root ? (const char *)root->name : "none");
		goto out;
	}
	rc = 0;
out:
	if (doc)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* --- JSON Feed ---------------------------------------------------------- */

static char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	char num[32];
	if (json_is_string(v))
		return trim_dup(json_string_value(v));
	if (json_is_integer(v)) { /* ids as numbers happen */
		snprintf(num, sizeof(num), "%lld",
		         (long long)json_integer_value(v));
		return xstrdup(num);
	}
	return NULL;
}

static int64_t
jtime(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	int64_t t = 0;
	if (s == NULL || time_parse_web(s, &t) != 0)
		return 0;
	return t;
}

static char *
jurl(json_t *o, const char *k, const char *base)
{
	char *u = jstr(o, k), *r;
	if (u == NULL)
		return NULL;
	r = feed_resolve(u, base);
	free(u);
	return r;
}

static void
json_authors(json_t *it, struct feed_entry *e)
{
	json_t *a = json_object_get(it, "authors"), *v;
	size_t i;
	for (i = 0;
	     i < json_array_size(a) && (v = json_array_get(a, i)) != NULL; i++)
		list_push(&e->authors, &e->nauthors, jstr(v, "name"));
	if (e->nauthors == 0) /* JSON Feed 1.0 */
		list_push(&e->authors, &e->nauthors,
		          jstr(json_object_get(it, "author"), "name"));
}

static void
json_item(struct feed *f, json_t *it, const char *base)
{
	struct feed_entry *e;
	json_t *v;
	size_t i;
	char *s;
	if (!json_is_object(it) || (e = new_entry(f)) == NULL)
		return;
	e->raw = json_dumps(it, JSON_COMPACT | JSON_PRESERVE_ORDER);
	e->id = jstr(it, "id");
	e->title = jstr(it, "title");
	e->link = jurl(it, "url", base);
	if (e->link)
		add_link(e, xstrdup(e->link), NULL, NULL);
	s = jurl(it, "external_url", base);
	if (s)
		add_link(e, s, xstrdup("related"), NULL);
	e->published = jtime(it, "date_published");
	e->updated = jtime(it, "date_modified");
	json_authors(it, e);
	e->content_html = jstr(it, "content_html");
	e->content_text = jstr(it, "content_text");
	if (e->content_text == NULL && e->content_html)
		e->content_text = feed_html_text(e->content_html);
	e->summary = jstr(it, "summary");
	for (i = 0;
	     i < json_array_size(json_object_get(it, "tags")) &&
	     (v = json_array_get(json_object_get(it, "tags"), i)) != NULL;
	     i++) {
		if (json_is_string(v))
			list_push(&e->categories, &e->ncategories,
			          trim_dup(json_string_value(v)));
	}
	for (i = 0; i < json_array_size(json_object_get(it, "attachments")) &&
	            (v = json_array_get(json_object_get(it, "attachments"),
	                                i)) != NULL;
	     i++) {
		json_t *sz = json_object_get(v, "size_in_bytes");
		char n[32];
		snprintf(n, sizeof(n), "%lld",
		         json_is_integer(sz) ? (long long)json_integer_value(sz)
		                             : -1LL);
		add_media(e, jurl(v, "url", base), jstr(v, "mime_type"),
		          jstr(v, "title"), n);
	}
	if (e->link == NULL)
		e->link = jurl(it, "external_url", base);
	entry_finish(e);
}

static int
parse_json(const char *body, size_t len, const char *base_url, struct feed *f,
           char *err, size_t errlen)
{
	json_error_t je;
	json_t *j = json_loadb(body, len, 0, &je), *items, *v;
	const char *ver;
	char *base;
	size_t i;
	if (j == NULL) {
		snprintf(err, errlen, "not valid JSON (line %d: %s)", je.line,
		         je.text);
		return -1;
	}
	ver = json_string_value(json_object_get(j, "version"));
	items = json_object_get(j, "items");
	if (!json_is_object(j) || ver == NULL ||
	    !str_starts(ver, "https://jsonfeed.org/version/") ||
	    !json_is_array(items)) {
		snprintf(err, errlen,
		         "not a JSON Feed (no version https://jsonfeed.org/… "
		         "or no items)");
		json_decref(j);
		return -1;
	}
	f->type = FEED_JSON;
	f->self_url = jurl(j, "feed_url", base_url);
	base = xstrdup(base_url ? base_url : f->self_url);
	f->title = jstr(j, "title");
	f->link = jurl(j, "home_page_url", base);
	f->id = f->self_url ? xstrdup(f->self_url) : NULL;
	f->next_url = jurl(j, "next_url", base);
	for (i = 0; i < json_array_size(json_object_get(j, "hubs")) &&
	            (v = json_array_get(json_object_get(j, "hubs"), i)) != NULL;
	     i++) {
		if (f->hub_url == NULL)
			f->hub_url = jurl(v, "url", base);
	}
	for (i = 0; i < json_array_size(items) &&
	            (v = json_array_get(items, i)) != NULL;
	     i++)
		json_item(f, v, base);
	free(base);
	json_decref(j);
	return 0;
}

/* --- the API ------------------------------------------------------------ */

int
feed_parse(const char *body, size_t len, const char *content_type,
           const char *base_url, struct feed *out, char *err, size_t errlen)
{
	size_t k = 0;
	int rc;
	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = 0;
	if (body == NULL || len == 0) {
		snprintf(err, errlen, "the feed is empty");
		return -1;
	}
	if (len > FEED_MAX_BODY) {
		snprintf(err, errlen, "the feed is larger than %u bytes",
		         FEED_MAX_BODY);
		return -1;
	}
	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
		k = 3;
	while (k < len && (body[k] == ' ' || body[k] == '\n' ||
	                   body[k] == '\r' || body[k] == '\t'))
		k++;
	/* the body decides; the Content-Type only when the body does not */
	if ((k < len && (body[k] == '{' || body[k] == '[')) ||
	    (k < len && body[k] != '<' && content_type &&
	     strstr(content_type, "json")))
		rc = parse_json(body + k, len - k, base_url, out, err, errlen);
	else
		rc = parse_xml(body, len, content_type, base_url, out, err,
		               errlen);
	if (rc != 0)
		feed_free(out);
	return rc;
}

static void
free_list(char **a, int n)
{
	for (int i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

void
feed_free(struct feed *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < f->nentries; i++) {
		struct feed_entry *e = &f->entries[i];
		free(e->id);
		free(e->title);
		free(e->link);
		for (int k = 0; k < e->nlinks; k++) {
			free(e->links[k].href);
			free(e->links[k].rel);
			free(e->links[k].type);
		}
		free(e->links);
		free_list(e->authors, e->nauthors);
		free(e->summary);
		free(e->raw);
		free(e->content_html);
		free(e->content_text);
		free_list(e->categories, e->ncategories);
		free(e->comments_url);
		free(e->comments_feed);
		free(e->in_reply_to);
		free(e->in_reply_to_href);
		for (int k = 0; k < e->nmedia; k++) {
			free(e->media[k].url);
			free(e->media[k].type);
			free(e->media[k].title);
		}
		free(e->media);
	}
	free(f->entries);
	free(f->title);
	free(f->link);
	free(f->id);
	free(f->self_url);
	free(f->next_url);
	free(f->hub_url);
	memset(f, 0, sizeof(*f));
}
