/*
 * stem.c - words, language guess, Snowball stems and safe search queries
 * (see stem.h).  Stemmers are made per call: libstemmer's objects are not
 * thread-safe and cheap to make.
 */
#include "stem.h"
#include "fold.h"
#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#define WORD_MAX 64        /* longer runs (URLs, hashes) are not words */
#define TEXT_MAX (1 << 20) /* bytes of an item's text that are indexed */

static const char *const algos[] = {"norwegian", "swedish", "danish",
                                    "english"};
enum { NALGOS = 4 };

const char *
stem_algorithm(const char *lang)
{
	char two[3];
	if (lang == NULL || strlen(lang) < 2 ||
	    (lang[2] != '\0' && lang[2] != '-' && lang[2] != '_'))
		return NULL;
	two[0] = (char)(lang[0] | 0x20);
	two[1] = (char)(lang[1] | 0x20);
	two[2] = '\0';
	if (strcmp(two, "nb") == 0 || strcmp(two, "nn") == 0 ||
	    strcmp(two, "no") == 0)
		return algos[0];
	if (strcmp(two, "sv") == 0)
		return algos[1];
	if (strcmp(two, "da") == 0)
		return algos[2];
	if (strcmp(two, "en") == 0)
		return algos[3];
	return NULL;
}

int
text_next_word(const char *s, size_t len, size_t *pos, size_t *ws, size_t *we)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t i = *pos;
	int in = 0;
	while (i < len) {
		ucs4_t c;
		int n = u8_mbtouc(&c, u + i, len - i);
		int word = n > 0 && c != 0xfffd && uc_is_alnum(c);
		if (n < 1)
			n = 1;
		if (word && !in) {
			in = 1;
			*ws = i;
		} else if (!word && in) {
			*we = i;
			*pos = i + (size_t)n;
			return 1;
		}
		i += (size_t)n;
	}
	*pos = len;
	if (in) {
		*we = len;
		return 1;
	}
	return 0;
}

/* Stop words that tell the four languages apart (folded). */
static const char *const stop_nb[] = {
    "og",   "ikke", "jeg",  "av",  "hva",  "noen",    "mye", "etter", "være",
    "skal", "kan",  "vil",  "med", "som",  "det",     "ble", "blir",  "hvor",
    "også", "vår",  "våre", "deg", "dere", "hvordan", NULL};
static const char *const stop_sv[] = {
    "och",   "inte", "jag",   "att", "är",   "av",  "vad", "någon", "mycket",
    "efter", "vara", "ska",   "kan", "vill", "med", "som", "det",   "blev",
    "blir",  "var",  "också", "vår", "våra", "dig", "ni",  "hur",   NULL};
static const char *const stop_da[] = {
    "og",    "ikke",  "jeg",     "at",     "af",   "hvad", "nogle",
    "meget", "efter", "være",    "skal",   "kan",  "vil",  "med",
    "som",   "det",   "blev",    "bliver", "hvor", "også", "vores",
    "dig",   "jer",   "hvordan", NULL};
static const char *const stop_en[] = {
    "the", "and",  "is",   "of",  "to",  "in",   "it",   "that",
    "for", "with", "not",  "are", "was", "this", "have", "you",
    "we",  "our",  "what", "how", "be",  "will", "can",  NULL};

static int
in_list(const char *const *l, const char *w, size_t n)
{
	for (; *l; l++)
		if (strlen(*l) == n && memcmp(*l, w, n) == 0)
			return 1;
	return 0;
}

/* Guesses over already folded text. */
static const char *
guess_folded(const char *f)
{
	static const char *const tags[] = {"nb", "sv", "da", "en"};
	const char *const *lists[] = {stop_nb, stop_sv, stop_da, stop_en};
	int score[4] = {0, 0, 0, 0}, best = -1, words = 0;
	size_t len = strlen(f), pos = 0, ws, we;
	while (words < 2000 && text_next_word(f, len, &pos, &ws, &we)) {
		words++;
		for (int k = 0; k < 4; k++)
			score[k] += in_list(lists[k], f + ws, we - ws);
	}
	for (int k = 0; k < 4; k++)
		if (score[k] > 0 && (best < 0 || score[k] > score[best]))
			best = k;
	return best < 0 ? NULL : tags[best];
}

const char *
stem_guess_lang(const char *text)
{
	struct arena ar;
	const char *g;
	arena_init(&ar);
	g = guess_folded(text_fold(&ar, text));
	arena_free(&ar);
	return g;
}

char *
stem_text(const char *text, const char *lang)
{
	struct arena ar;
	struct buf b;
	struct sb_stemmer *sb;
	const char *algo = stem_algorithm(lang), *f;
	size_t len, pos = 0, ws, we;
	char *out;

	arena_init(&ar);
	if (text == NULL)
		text = "";
	if (strlen(text) > TEXT_MAX)
		text = arena_strndup(&ar, text, TEXT_MAX);
	f = text_fold(&ar, text);
	if (algo == NULL)
		algo = stem_algorithm(guess_folded(f));
	sb = sb_stemmer_new(algo ? algo : algos[0], "UTF_8");
	if (sb == NULL)
		fatal("stem: no Snowball stemmer for %s", algo ? algo : "nb");
	len = strlen(f);
	buf_init(&b, (size_t)TEXT_MAX * 2);
	while (text_next_word(f, len, &pos, &ws, &we)) {
		const sb_symbol *st;
		if (we - ws > WORD_MAX)
			continue;
		st = sb_stemmer_stem(sb, (const sb_symbol *)f + ws,
		                     (int)(we - ws));
		if (st == NULL)
			continue;
		if (b.len)
			buf_addc(&b, ' ');
		buf_add(&b, st, (size_t)sb_stemmer_length(sb));
	}
	sb_stemmer_delete(sb);
	out = xstrdup(buf_str(&b));
	buf_cleanup(&b);
	arena_free(&ar);
	return out;
}

/* The stemmers of the four languages. */
struct stemmers {
	struct sb_stemmer *s[NALGOS];
};

static void
stemmers_open(struct stemmers *sm)
{
	for (int k = 0; k < NALGOS; k++) {
		sm->s[k] = sb_stemmer_new(algos[k], "UTF_8");
		if (sm->s[k] == NULL)
			fatal("stem: no Snowball stemmer for %s", algos[k]);
	}
}

static void
stemmers_close(struct stemmers *sm)
{
	for (int k = 0; k < NALGOS; k++)
		sb_stemmer_delete(sm->s[k]);
}

/* Appends the distinct stems of word w[0..n) in every language to list
 * (xrealloc'd) and returns the new count. */
static int
add_stems(struct stemmers *sm, const char *w, size_t n, char ***list, int count,
          int *first)
{
	*first = count;
	for (int k = 0; k < NALGOS; k++) {
		const sb_symbol *st =
		    sb_stemmer_stem(sm->s[k], (const sb_symbol *)w, (int)n);
		char *s;
		int dup = 0;
		if (st == NULL)
			continue;
		s = xstrndup((const char *)st,
		             (size_t)sb_stemmer_length(sm->s[k]));
		for (int i = *first; i < count && !dup; i++)
			dup = strcmp((*list)[i], s) == 0;
		if (dup || *s == '\0') {
			free(s);
			continue;
		}
		*list = xrealloc(*list, sizeof(**list) * (size_t)(count + 1));
		(*list)[count++] = s;
	}
	return count;
}

int
stem_query_parse(const char *q, struct stem_query *out)
{
	struct arena ar;
	struct stemmers sm;
	struct buf fts, tsq;
	const char *f;
	size_t len, pos = 0, ws, we;
	int terms = 0;

	memset(out, 0, sizeof(*out));
	if (q == NULL || *q == '\0')
		return 0;
	arena_init(&ar);
	f = text_fold(&ar, strlen(q) > 4096 ? arena_strndup(&ar, q, 4096) : q);
	len = strlen(f);
	stemmers_open(&sm);
	buf_init(&fts, 65536);
	buf_init(&tsq, 65536);
	while (terms < STEM_MAX_TERMS &&
	       text_next_word(f, len, &pos, &ws, &we)) {
		int first, before = out->nstems;
		if (we - ws > WORD_MAX)
			continue;
		out->nstems = add_stems(&sm, f + ws, we - ws, &out->stems,
		                        out->nstems, &first);
		if (out->nstems == before)
			continue;
		if (terms++) {
			buf_adds(&fts, " AND ");
			buf_adds(&tsq, " & ");
		}
		buf_addc(&fts, '(');
		buf_addc(&tsq, '(');
		for (int i = first; i < out->nstems; i++) {
			/* stems are letters and digits: nothing to escape,
			 * and the quotes make each a plain phrase */
			buf_printf(&fts, "%s\"%s\"", i > first ? " OR " : "",
			           out->stems[i]);
			buf_printf(&tsq, "%s'%s'", i > first ? " | " : "",
			           out->stems[i]);
		}
		buf_addc(&fts, ')');
		buf_addc(&tsq, ')');
	}
	stemmers_close(&sm);
	arena_free(&ar);
	if (terms == 0) {
		buf_cleanup(&fts);
		buf_cleanup(&tsq);
		stem_query_free(out);
		return 0;
	}
	out->fts5 = buf_detach(&fts, NULL);
	out->tsquery = buf_detach(&tsq, NULL);
	return 1;
}

void
stem_query_free(struct stem_query *q)
{
	for (int i = 0; i < q->nstems; i++)
		free(q->stems[i]);
	free(q->stems);
	free(q->fts5);
	free(q->tsquery);
	memset(q, 0, sizeof(*q));
}

/* 1 when word w[0..n) of the original text stems to one of q's stems. */
static int
word_hits(struct stemmers *sm, struct arena *ar, const char *w, size_t n,
          const struct stem_query *q)
{
	const char *f = text_fold(ar, arena_strndup(ar, w, n));
	for (int k = 0; k < NALGOS; k++) {
		const sb_symbol *st = sb_stemmer_stem(
		    sm->s[k], (const sb_symbol *)f, (int)strlen(f));
		size_t sl;
		if (st == NULL)
			continue;
		sl = (size_t)sb_stemmer_length(sm->s[k]);
		for (int i = 0; i < q->nstems; i++)
			if (strlen(q->stems[i]) == sl &&
			    memcmp(q->stems[i], st, sl) == 0)
				return 1;
	}
	return 0;
}

/* Moves i back to the start of a UTF-8 character. */
static size_t
char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return i;
}

char *
stem_snippet(const char *text, const struct stem_query *q, size_t max)
{
	struct arena ar;
	struct stemmers sm;
	struct buf b;
	size_t len, pos = 0, ws, we, hit = 0, from, to;
	int words = 0;
	char *out;

	if (text == NULL)
		text = "";
	len = strlen(text);
	if (max < 16)
		max = 16;
	arena_init(&ar);
	stemmers_open(&sm);
	while (q != NULL && words++ < 5000 &&
	       text_next_word(text, len, &pos, &ws, &we)) {
		if (we - ws <= WORD_MAX &&
		    word_hits(&sm, &ar, text + ws, we - ws, q)) {
			hit = ws;
			break;
		}
	}
	stemmers_close(&sm);
	arena_free(&ar);
	from = hit > max / 3 ? char_start(text, hit - max / 3) : 0;
	to = from + max < len ? char_start(text, from + max) : len;
	buf_init(&b, max + 16);
	if (from > 0)
		buf_adds(&b, "…");
	for (size_t i = from; i < to; i++)
		buf_addc(&b,
		         text[i] == '\n' || text[i] == '\r' ? ' ' : text[i]);
	if (to < len)
		buf_adds(&b, "…");
	out = xstrdup(buf_str(&b));
	buf_cleanup(&b);
	return out;
}
