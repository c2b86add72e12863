/*
 * feed.h - one parser for the web feeds blogs publish: RSS 2.0, RSS 1.0
 * (RDF), RSS 0.9x, Atom 1.0 (libxml2) and JSON Feed 1.0/1.1 (jansson),
 * into one struct feed.
 *
 * XML is read without network access, without loading a DTD and without
 * resolving external entities (no XXE); internal entities are expanded
 * once, never recursively.  Common breakage is repaired before parsing
 * where that is safe: white space before the XML declaration, HTML entity
 * names (&nbsp;) and bare '&' outside CDATA, and trailing junk after the
 * root element.  A truncated or otherwise broken document is an error.
 *
 * Namespaces are matched by URI, never by prefix.  Links are resolved
 * against xml:base and the feed's own URL (base_url).  Times are UTC
 * seconds (time_parse_web: RFC 822 and RFC 3339), 0 when absent or bad.
 *
 * Ownership: every string in struct feed is malloc'd and owned by the
 * feed; feed_free() releases them all.
 */
#ifndef KV_FEED_H
#define KV_FEED_H

#include <stddef.h>
#include <stdint.h>

#define FEED_MAX_BODY    (32u << 20) /* bytes of feed document */
#define FEED_MAX_ENTRIES 10000       /* entries kept per document */
#define FEED_MAX_FIELD   (1u << 20)  /* bytes of one text field */
#define FEED_MAX_LIST    64          /* links/authors/categories/media */

enum feed_type {
	FEED_UNKNOWN = 0,
	FEED_RSS2, /* RSS 2.0 (and <rss> without a version) */
	FEED_RSS1, /* RSS 1.0 / RDF Site Summary */
	FEED_RSS0, /* RSS 0.90, 0.91, 0.92, 0.93, 0.94 */
	FEED_ATOM, /* Atom 1.0 (and 0.3) */
	FEED_JSON  /* JSON Feed 1.0 / 1.1 */
};

/* "rss2", "rss1", "rss0", "atom", "jsonfeed", "unknown". */
const char *feed_type_name(enum feed_type t);

struct feed_link {
	char *href; /* resolved */
	char *rel;  /* NULL: alternate */
	char *type; /* media type, or NULL */
};

struct feed_media {
	char *url;      /* resolved */
	char *type;     /* media type, or NULL */
	char *title;    /* alt / description when the feed gives one, or NULL */
	int64_t length; /* bytes, -1 unknown */
};

struct feed_entry {
	char *id; /* guid / atom:id / items[].id / rdf:about, else
	             the link, else a hash (id_generated = 1) */
	int id_generated;
	char *title;             /* plain text */
	char *link;              /* the alternate link, resolved, or NULL */
	struct feed_link *links; /* every link, in document order */
	int nlinks;
	int64_t published; /* 0 unknown */
	int64_t updated;   /* 0 unknown (RSS: atom:updated, dc:modified) */
	char **authors;    /* names (or e-mail addresses, RSS <author>) */
	int nauthors;
	char *summary;      /* plain text of the summary/description */
	char *content_html; /* content as HTML (xhtml serialised), or NULL */
	char *content_text; /* plain text of the content, or NULL */
	char **categories;
	int ncategories;
	char *comments_url;    /* RSS <comments> */
	char *comments_feed;   /* wfw:commentRss, Atom rel="replies" */
	int64_t comment_count; /* slash:comments / thr:count, -1 unknown */
	char *in_reply_to;     /* thr:in-reply-to ref, or NULL */
	char *in_reply_to_href;
	struct feed_media *media; /* enclosures, media:content, attachments */
	int nmedia;
	/* the entry as the feed holds it: its XML element serialised (with
	 * the namespaces it uses) or its JSON Feed item object; NULL when it
	 * could not be serialised */
	char *raw;
};

struct feed {
	enum feed_type type;
	char *title;
	char *link; /* the site (alternate link), resolved */
	char *id;   /* atom:id, JSON feed_url, else NULL */
	int64_t updated;
	char *self_url; /* rel="self" / feed_url */
	char *next_url; /* RFC 5005 rel="next" / JSON next_url */
	char *hub_url;  /* WebSub rel="hub" / JSON hubs[0] */
	struct feed_entry *entries;
	int nentries;
};

/*
 * Parses one feed document of len bytes (need not be NUL-terminated).
 * content_type (may be NULL) helps tell JSON from XML and names the
 * charset of an XML document without an encoding declaration; base_url
 * (may be NULL) is the URL the document came from.  Returns 0 with *out
 * filled (caller feed_free()s it), or -1 with a one-line English message
 * in err and *out empty.
 */
int feed_parse(const char *body, size_t len, const char *content_type,
               const char *base_url, struct feed *out, char *err,
               size_t errlen);

/* href resolved against base (RFC 3986; either may be NULL or relative):
 * malloc'd, caller frees; NULL when href is NULL. */
char *feed_resolve(const char *href, const char *base);

/* html_to_text (connect.h) that also knows the HTML entity names feeds
 * and WordPress use (&aring; &oslash; &hellip; …).  Malloc'd. */
char *feed_html_text(const char *html);

/* Releases what feed_parse put in f and zeroes it; NULL or zeroed is ok. */
void feed_free(struct feed *f);

#endif
