/*
 * stem.h - words, languages and stems for full-text search of captured
 * items (docs/CAPTURE.md "Search").
 *
 * Text is case-folded (fold.c), split into words (runs of Unicode letters
 * and digits), and each word is stemmed with Snowball (libstemmer) in the
 * item's language — nb/nn/no → norwegian, sv → swedish, da → danish,
 * en → english — or, when the platform gives none, in the language a
 * cheap stop-word count guesses.  The index holds the stems; a query word
 * matches when any of its four languages' stems does, so "kommunen" finds
 * "kommune" and "skolorna" finds "skola" whatever the item's language.
 *
 * Both backends search the same stems: SQLite with FTS5 over
 * items.search_stems, PostgreSQL with to_tsvector('simple', search_stems).
 * Stems are letters and digits only, so the query strings built here carry
 * no search syntax from the user.
 */
#ifndef KV_STEM_H
#define KV_STEM_H

#include <stddef.h>

/* Finds the next word of s[0..len) at or after *pos — a run of Unicode
 * letters and digits — sets its byte range [*ws, *we) and moves *pos past
 * it; 0 when there is none.  Invalid UTF-8 separates words. */
int text_next_word(const char *s, size_t len, size_t *pos, size_t *ws,
                   size_t *we);

/* The Snowball algorithm for a language tag ("nb", "nn-NO", "sv", "da",
 * "en-GB", …): "norwegian", "swedish", "danish", "english", or NULL when
 * the tag names none of these.  Static. */
const char *stem_algorithm(const char *lang);
/* Guesses the language of text from stop words: "nb", "sv", "da" or
 * "en"; NULL when no stop word was seen.  Static. */
const char *stem_guess_lang(const char *text);
/* The stems of text, space-separated, in lang (NULL or unknown: guessed;
 * nothing guessed: norwegian).  Returns malloc'd text ("" when no word). */
char *stem_text(const char *text, const char *lang);

/* A search query made safe for both backends. */
struct stem_query {
	char *fts5;    /* FTS5 MATCH: ("a" OR "b") AND ("c"); malloc'd */
	char *tsquery; /* to_tsquery('simple', …): ('a' | 'b') & 'c' */
	char **stems;  /* every stem of every word (for snippets) */
	int nstems;
};

#define STEM_MAX_TERMS 16 /* query words beyond this are ignored */

/* Parses q into q->…; 1 when it has at least one word, 0 when none
 * (q then holds NULLs).  Free with stem_query_free(). */
int stem_query_parse(const char *q, struct stem_query *out);
void stem_query_free(struct stem_query *q);
/* A plain-text excerpt of text (at most about max bytes, whole UTF-8
 * characters) around the first word whose stem is one of q's, with "…"
 * where it was cut; the start of text when no word matches.  malloc'd. */
char *stem_snippet(const char *text, const struct stem_query *q, size_t max);

#endif
