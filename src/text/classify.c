/*
 * classify.c - the triage classifier (see classify.h): a multi-output
 * logistic model over hashed features of a text (docs/TRIAGE.md
 * "Classifier").
 *
 * Features.  The text (at most CLS_TEXT_MAX bytes) is case-folded
 * (fold.c) and split into words (stem.c).  Each word gives "w:STEM" (its
 * Snowball stem in the text's language; a word with digits gives its
 * shape instead, every digit as 0, so "98765432" is "w:00000000"), each
 * pair of neighbouring words "b:STEM1_STEM2", and each word padded with
 * "_" at both ends gives its character n-grams of 1…3 code points (cfg),
 * "c:_tr", "c:el_".  Every other character that is not white
 * space (punctuation, emoji) gives "p:?", "p:😡".  A feature is named by
 * that string; its FNV-1a hash picks one of CLS_BUCKETS weight rows, so
 * no string is kept: cls_explain recomputes the names from the text it
 * explains.  A text's features are a set (each counts once), each with
 * its group's weight, scaled to unit length.
 *
 * Model.  Row h of the weights holds one float per output, so a feature
 * costs one cache line to score against every output.  Output k's score
 * is bias[k] plus the sum of the weights of the text's features; its
 * probability is the logistic function of the score.
 *
 * Training (cls_train) minimises each output's class-weighted logistic
 * loss with L2 by AdaGrad over the examples that label it, in an order
 * shuffled by the seed (splitmix64), so a seed gives the same model.  The
 * positive class weight is (negatives/positives)^0.35 (cfg).  Each
 * output's threshold is then chosen on out-of-fold probabilities (the
 * model retrained on two of three parts, predicting the rest)
 * as the one with the best mean of the F1 of the positive and the
 * negative class (macro-F1 of that output).
 *
 * The saved form (cls_save) is little-endian: a header, each output's
 * threshold and bias (f32), the non-zero weight rows (bucket, floats), and an
 * FNV-1a 64 checksum of all that; cls_load checks every field.
 */
#include "classify.h"
#include "fold.h"
#include "stem.h"
#include "../base/arena.h"
#include "../base/log.h"
#include "../base/xmem.h"

#include <libstemmer.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#define CLS_BITS     18 /* 2^18 rows × nout floats: 6 MB for 6 outputs */
#define CLS_BUCKETS  (1u << CLS_BITS)
#define CLS_TEXT_MAX (64 * 1024) /* bytes of a text looked at */
#define CLS_WORD_MAX 64          /* longer runs (URLs, hashes) are skipped */
#define CLS_NAME_MAX 160         /* a feature name while it is built */
#define CLS_W_MAX    1e6 /* |weight| and |bias| bound (cls_load checks it) */
#define CLS_EX_W_MAX 1e3 /* an example's weight is cut to this */

enum fgroup { FG_WORD, FG_BIGRAM, FG_CHAR, FG_PUNCT, FG__COUNT };

/* The feature and training settings (tuned by 5-fold cross-validation on
 * OffensEval-da, docs/TRIAGE.md). */
static const struct cls_cfg {
	int nmin, nmax;      /* character n-gram lengths, in code points */
	float gw[FG__COUNT]; /* weight of each feature group */
	int epochs;
	double rate, l2;
	double cw_power; /* positive class weight (neg/pos)^cw_power */
	int folds;       /* threshold cross-validation */
	double online_rate;
} cfg = {1, 3, {1.0f, 0.5f, 1.0f, 1.0f}, 20, 0.2, 1e-2, 0.35, 3, 0.5};

struct cls_model {
	int nout;
	float *w; /* CLS_BUCKETS rows of nout weights */
	float bias[CLS_MAX_OUT];
	float thr[CLS_MAX_OUT]; /* decision thresholds, 0…1 */
};

/* --- features ------------------------------------------------------------ */

/* One feature of a text: its bucket, value and (for explain) name. */
struct feat {
	uint32_t h;
	uint32_t order; /* emission order: ties sort deterministically */
	float v;
};

/* Features being collected for one text. */
struct fset {
	struct feat *f;
	size_t n, cap;
	char (*names)[sizeof(((struct cls_reason *)0)->feature)]; /* or NULL */
};

static uint32_t
fnv1a32(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	/* finaliser (murmur3 fmix32): the low bits depend on every byte */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Copies name s[0..n) into out (size osz) cut at a UTF-8 boundary. */
static void
name_copy(char *out, size_t osz, const char *s, size_t n)
{
	if (n >= osz) {
		n = osz - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

static void
emit(struct fset *fs, enum fgroup g, const char *name, size_t n)
{
	struct feat *f;
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 256;
		fs->f = xrealloc(fs->f, fs->cap * sizeof(*fs->f));
		if (fs->names)
			fs->names =
			    xrealloc(fs->names, fs->cap * sizeof(*fs->names));
	}
	f = &fs->f[fs->n];
	f->h = fnv1a32(name, n) & (CLS_BUCKETS - 1);
	f->order = (uint32_t)fs->n;
	f->v = cfg.gw[g];
	if (fs->names)
		name_copy(fs->names[fs->n], sizeof(fs->names[0]), name, n);
	fs->n++;
}

/* Emits "c:" n-grams of "_" word "_" (w[0..n) is one folded word). */
static void
emit_chars(struct fset *fs, const char *w, size_t n)
{
	size_t off[CLS_WORD_MAX + 3], ncp = 0, i = 0;
	char pad[CLS_WORD_MAX + 3], name[CLS_NAME_MAX];

	pad[0] = '_';
	memcpy(pad + 1, w, n);
	pad[n + 1] = '_';
	while (i < n + 2) {
		ucs4_t c;
		int k = u8_mbtouc(&c, (const uint8_t *)pad + i, n + 2 - i);
		off[ncp++] = i;
		i += (size_t)(k < 1 ? 1 : k);
	}
	off[ncp] = n + 2;
	memcpy(name, "c:", 2);
	for (int len = cfg.nmin; len <= cfg.nmax; len++)
		for (size_t s = 0; s + (size_t)len <= ncp; s++) {
			size_t b = off[s], e = off[s + (size_t)len];
			if (len == 1 && (s == 0 || s + 1 == ncp))
				continue; /* "_" alone says nothing */
			memcpy(name + 2, pad + b, e - b);
			emit(fs, FG_CHAR, name, 2 + e - b);
		}
}

static int
feat_cmp(const void *a, const void *b)
{
	const struct feat *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The folded, stemmed features of text[0..len) into fs (sorted by bucket,
 * each bucket once, scaled to unit length). */
static void
extract(const char *text, size_t len, const char *lang, struct fset *fs)
{
	struct arena ar;
	struct sb_stemmer *sb;
	const char *algo, *f;
	char name[CLS_NAME_MAX], prev[CLS_WORD_MAX + 1];
	size_t flen, pos = 0, ws, we, prevn = 0;
	double sum = 0;

	arena_init(&ar);
	if (text == NULL) {
		text = "";
		len = 0;
	}
	if (len > CLS_TEXT_MAX) {
		len = CLS_TEXT_MAX;
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	f = text_fold(&ar, arena_strndup(&ar, text, len));
	flen = strlen(f);
	algo = stem_algorithm(lang);
	if (algo == NULL)
		algo = stem_algorithm(stem_guess_lang(f));
	sb = sb_stemmer_new(algo ? algo : "norwegian", "UTF_8");
	if (sb == NULL)
		fatal("classify: no Snowball stemmer for %s",
		      algo ? algo : "norwegian");
	while (text_next_word(f, flen, &pos, &ws, &we)) {
		size_t n = we - ws, sn;
		const char *st;
		char shape[CLS_WORD_MAX];
		int digits = 0;

		if (n > CLS_WORD_MAX) {
			prevn = 0;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			char c = f[ws + i];
			digits |= c >= '0' && c <= '9';
			shape[i] = c >= '0' && c <= '9' ? '0' : c;
		}
		if (digits) {
			st = shape;
			sn = n;
		} else {
			st = (const char *)sb_stemmer_stem(
			    sb, (const sb_symbol *)f + ws, (int)n);
			if (st == NULL)
				fatal("classify: out of memory");
			sn = (size_t)sb_stemmer_length(sb);
			if (sn > CLS_WORD_MAX)
				sn = CLS_WORD_MAX;
		}
		memcpy(name, "w:", 2);
		memcpy(name + 2, st, sn);
		emit(fs, FG_WORD, name, 2 + sn);
		if (prevn) {
			memcpy(name, "b:", 2);
			memcpy(name + 2, prev, prevn);
			name[2 + prevn] = '_';
			memcpy(name + 3 + prevn, st, sn);
			emit(fs, FG_BIGRAM, name, 3 + prevn + sn);
		}
		memcpy(prev, st, sn);
		prevn = sn;
		emit_chars(fs, digits ? shape : f + ws, n);
	}
	/* punctuation and symbols: every non-space character between words */
	for (size_t i = 0; i < flen;) {
		ucs4_t c;
		int k = u8_mbtouc(&c, (const uint8_t *)f + i, flen - i);
		if (k < 1)
			k = 1;
		if (c != 0xfffd && !uc_is_alnum(c) && !uc_is_space(c) &&
		    c >= 0x20 && (size_t)k <= 8) {
			memcpy(name, "p:", 2);
			memcpy(name + 2, f + i, (size_t)k);
			emit(fs, FG_PUNCT, name, 2 + (size_t)k);
		}
		i += (size_t)k;
	}
	sb_stemmer_delete(sb);
	arena_free(&ar);

	/* a set: sort by (bucket, order), both unique, so the order does
	 * not depend on the qsort; keep the first of each bucket */
	if (fs->n > 1) {
		size_t o = 1;
		qsort(fs->f, fs->n, sizeof(*fs->f), feat_cmp);
		for (size_t i = 1; i < fs->n; i++)
			if (fs->f[i].h != fs->f[o - 1].h)
				fs->f[o++] = fs->f[i];
		fs->n = o;
	}
	for (size_t i = 0; i < fs->n; i++)
		sum += (double)fs->f[i].v * fs->f[i].v;
	if (sum > 0) {
		float sc = (float)(1.0 / sqrt(sum));
		for (size_t i = 0; i < fs->n; i++)
			fs->f[i].v *= sc;
	}
}

static void
fset_free(struct fset *fs)
{
	free(fs->f);
	free(fs->names);
}

/* --- the model ----------------------------------------------------------- */

struct cls_model *
cls_new(int nout)
{
	struct cls_model *m;
	if (nout < 1 || nout > CLS_MAX_OUT)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->nout = nout;
	m->w = calloc((size_t)CLS_BUCKETS * (size_t)nout, sizeof(float));
	if (m->w == NULL) {
		free(m);
		return NULL;
	}
	for (int k = 0; k < nout; k++)
		m->thr[k] = 0.5;
	return m;
}

void
cls_free(struct cls_model *m)
{
	if (m == NULL)
		return;
	free(m->w);
	free(m);
}

int
cls_nout(const struct cls_model *m)
{
	return m->nout;
}

double
cls_threshold(const struct cls_model *m, int k)
{
	return k >= 0 && k < m->nout ? m->thr[k] : 0.5;
}

static double
sigmoid(double s)
{
	if (s > 35)
		s = 35;
	else if (s < -35)
		s = -35;
	return 1.0 / (1.0 + exp(-s));
}

/* The scores of every output for the features f[0..n). */
static void
scores(const struct cls_model *m, const struct feat *f, size_t n, double *s)
{
	int nout = m->nout;
	for (int k = 0; k < nout; k++)
		s[k] = m->bias[k];
	for (size_t j = 0; j < n; j++) {
		const float *row = m->w + (size_t)f[j].h * (size_t)nout;
		for (int k = 0; k < nout; k++)
			s[k] += (double)f[j].v * row[k];
	}
}

void
cls_predict(const struct cls_model *m, const char *text, size_t len,
            const char *lang, double *prob)
{
	struct fset fs = {0};
	double s[CLS_MAX_OUT];
	extract(text, len, lang, &fs);
	scores(m, fs.f, fs.n, s);
	for (int k = 0; k < m->nout; k++)
		prob[k] = sigmoid(s[k]);
	fset_free(&fs);
}

/* --- training ------------------------------------------------------------ */

/* The features of every example, computed once for all epochs. */
struct tdata {
	size_t *start; /* example i: f[start[i]..start[i+1]) */
	struct feat *f;
};

static void
tdata_build(struct tdata *td, const struct cls_example *ex, size_t n)
{
	size_t total = 0, cap = 0;
	td->start = xmalloc((n + 1) * sizeof(*td->start));
	td->f = NULL;
	for (size_t i = 0; i < n; i++) {
		struct fset fs = {0};
		const char *t = ex[i].text ? ex[i].text : "";
		extract(t, strlen(t), ex[i].lang, &fs);
		if (total + fs.n > cap) {
			cap = (total + fs.n) * 2;
			td->f = xrealloc(td->f, cap * sizeof(*td->f));
		}
		td->start[i] = total;
		if (fs.n)
			memcpy(td->f + total, fs.f, fs.n * sizeof(*fs.f));
		total += fs.n;
		fset_free(&fs);
	}
	td->start[n] = total;
}

static void
tdata_free(struct tdata *td)
{
	free(td->start);
	free(td->f);
}

/* splitmix64: the shuffles' generator (the same on every platform). */
static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void
shuffle(size_t *a, size_t n, uint64_t *rng)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(rng_next(rng) % i), t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

static double
ex_weight(const struct cls_example *e)
{
	if (!(e->weight > 0)) /* 0, negative or NaN */
		return 1.0;
	return e->weight < CLS_EX_W_MAX ? e->weight : CLS_EX_W_MAX;
}

/* w - d kept within ±CLS_W_MAX, so a model always saves loadable. */
static float
step(float w, double d)
{
	double r = (double)w - d;
	return (float)(r > CLS_W_MAX    ? CLS_W_MAX
	               : r < -CLS_W_MAX ? -CLS_W_MAX
	                                : r);
}

/* Trains m from zero on the examples idx[0..n) (AdaGrad, L2 on the
 * weights a step touches). */
static void
train_core(struct cls_model *m, const struct cls_example *ex,
           const struct tdata *td, const size_t *idx, size_t n, int epochs,
           double rate, double l2, uint64_t seed)
{
	int nout = m->nout;
	size_t rows = (size_t)CLS_BUCKETS * (size_t)nout;
	float *G = xcalloc(rows, sizeof(float));
	double Gb[CLS_MAX_OUT] = {0}, cw[CLS_MAX_OUT];
	double npos[CLS_MAX_OUT] = {0}, nneg[CLS_MAX_OUT] = {0};
	size_t *order = xmalloc((n ? n : 1) * sizeof(*order));
	uint64_t rng = seed;

	memset(m->w, 0, rows * sizeof(float));
	memset(m->bias, 0, sizeof(m->bias));
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < nout; k++)
			if (ex[idx[i]].known >> k & 1) {
				if (ex[idx[i]].labels >> k & 1)
					npos[k] += ex_weight(&ex[idx[i]]);
				else
					nneg[k] += ex_weight(&ex[idx[i]]);
			}
	for (int k = 0; k < nout; k++)
		cw[k] = npos[k] > 0 && nneg[k] > 0
		            ? pow(nneg[k] / npos[k], cfg.cw_power)
		            : 1.0;
	memcpy(order, idx, n * sizeof(*order));
	for (int ep = 0; ep < epochs; ep++) {
		shuffle(order, n, &rng);
		for (size_t o = 0; o < n; o++) {
			const struct cls_example *e = &ex[order[o]];
			const struct feat *f = td->f + td->start[order[o]];
			size_t nf =
			    td->start[order[o] + 1] - td->start[order[o]];
			double s[CLS_MAX_OUT], g[CLS_MAX_OUT];
			unsigned known = e->known;
			if ((known & ((1u << nout) - 1)) == 0)
				continue;
			scores(m, f, nf, s);
			for (int k = 0; k < nout; k++) {
				int y = e->labels >> k & 1;
				g[k] = 0;
				if (!(known >> k & 1))
					continue;
				g[k] = (sigmoid(s[k]) - y) * ex_weight(e) *
				       (y ? cw[k] : 1.0);
				Gb[k] += g[k] * g[k];
				m->bias[k] -=
				    (float)(rate * g[k] / (sqrt(Gb[k]) + 1e-6));
			}
			for (size_t j = 0; j < nf; j++) {
				size_t r = (size_t)f[j].h * (size_t)nout;
				for (int k = 0; k < nout; k++) {
					double gj;
					if (!(known >> k & 1))
						continue;
					gj = g[k] * f[j].v + l2 * m->w[r + k];
					G[r + k] += (float)(gj * gj);
					m->w[r + k] -=
					    (float)(rate * gj /
					            (sqrt(G[r + k]) + 1e-6));
				}
			}
		}
	}
	free(order);
	free(G);
}

/* A probability and its label, for choosing a threshold. */
struct scored {
	double p;
	int y;
};

static int
scored_cmp(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	if (x->p != y->p)
		return x->p > y->p ? -1 : 1;
	return x->y > y->y ? -1 : x->y < y->y; /* deterministic ties */
}

/* The threshold with the best mean F1 of both classes over s[0..n);
 * 0.5 when one class is missing. */
static double
best_threshold(struct scored *s, size_t n)
{
	size_t pos = 0, tp = 0, fp = 0;
	double best = -1, thr = 0.5;
	for (size_t i = 0; i < n; i++)
		pos += (size_t)s[i].y;
	if (pos == 0 || pos == n)
		return 0.5;
	qsort(s, n, sizeof(*s), scored_cmp);
	/* cut after i: s[0..i] predicted positive */
	for (size_t i = 0; i < n; i++) {
		size_t fn, tn;
		double f1p, f1n, mf;
		if (s[i].y)
			tp++;
		else
			fp++;
		if (i + 1 < n && s[i + 1].p == s[i].p)
			continue;
		fn = pos - tp;
		tn = n - pos - fp;
		f1p = 2.0 * (double)tp / (double)(2 * tp + fp + fn);
		f1n = 2.0 * (double)tn / (double)(2 * tn + fn + fp);
		mf = (f1p + f1n) / 2;
		if (mf > best) {
			best = mf;
			thr =
			    i + 1 < n ? (s[i].p + s[i + 1].p) / 2 : s[i].p / 2;
		}
	}
	return thr;
}

/* Sets m's thresholds from out-of-fold probabilities. */
static void
set_thresholds(struct cls_model *m, const struct cls_example *ex,
               const struct tdata *td, size_t n, int epochs, double rate,
               double l2, uint64_t seed)
{
	int nout = m->nout, folds = cfg.folds;
	struct cls_model *sub = cls_new(nout);
	size_t *perm = xmalloc(n * sizeof(*perm));
	size_t *fold = xmalloc(n * sizeof(*fold));
	size_t *idx = xmalloc(n * sizeof(*idx));
	double *oof = xmalloc(n * (size_t)nout * sizeof(*oof));
	struct scored *sc = xmalloc(n * sizeof(*sc));
	uint64_t rng = seed ^ 0x5eed0f01d5u;

	if (sub == NULL)
		fatal("classify: out of memory");
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	shuffle(perm, n, &rng);
	for (size_t i = 0; i < n; i++)
		fold[perm[i]] = i % (size_t)folds;
	for (int fo = 0; fo < folds; fo++) {
		size_t ni = 0;
		for (size_t i = 0; i < n; i++)
			if (fold[i] != (size_t)fo)
				idx[ni++] = i;
		train_core(sub, ex, td, idx, ni, epochs, rate, l2,
		           seed + (uint64_t)fo + 1);
		for (size_t i = 0; i < n; i++) {
			double s[CLS_MAX_OUT];
			if (fold[i] != (size_t)fo)
				continue;
			scores(sub, td->f + td->start[i],
			       td->start[i + 1] - td->start[i], s);
			for (int k = 0; k < nout; k++)
				oof[i * (size_t)nout + (size_t)k] =
				    sigmoid(s[k]);
		}
	}
	for (int k = 0; k < nout; k++) {
		size_t ns = 0;
		for (size_t i = 0; i < n; i++)
			if (ex[i].known >> k & 1) {
				sc[ns].p = oof[i * (size_t)nout + (size_t)k];
				sc[ns].y = ex[i].labels >> k & 1;
				ns++;
			}
		m->thr[k] = (float)best_threshold(sc, ns);
	}
	cls_free(sub);
	free(perm);
	free(fold);
	free(idx);
	free(oof);
	free(sc);
}

int
cls_train(struct cls_model *m, const struct cls_example *ex, size_t n,
          const struct cls_params *p)
{
	struct tdata td;
	size_t *idx;
	int epochs = p && p->epochs > 0 ? p->epochs : cfg.epochs;
	double rate = p && p->rate > 0 ? p->rate : cfg.rate;
	double l2 = p && p->l2 > 0 ? p->l2 : cfg.l2;
	uint64_t seed = p ? p->seed : 0;

	if (n == 0)
		return -1;
	tdata_build(&td, ex, n);
	idx = xmalloc(n * sizeof(*idx));
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (cfg.folds > 1 && n >= (size_t)cfg.folds * 2)
		set_thresholds(m, ex, &td, n, epochs, rate, l2, seed);
	else
		for (int k = 0; k < m->nout; k++)
			m->thr[k] = 0.5;
	train_core(m, ex, &td, idx, n, epochs, rate, l2, seed);
	free(idx);
	tdata_free(&td);
	return 0;
}

void
cls_learn(struct cls_model *m, const struct cls_example *ex)
{
	struct fset fs = {0};
	double s[CLS_MAX_OUT], g[CLS_MAX_OUT];
	int nout = m->nout;
	const char *t = ex->text ? ex->text : "";

	extract(t, strlen(t), ex->lang, &fs);
	scores(m, fs.f, fs.n, s);
	for (int k = 0; k < nout; k++) {
		g[k] = 0;
		if (ex->known >> k & 1)
			g[k] = (sigmoid(s[k]) - (ex->labels >> k & 1)) *
			       ex_weight(ex) * cfg.online_rate;
		m->bias[k] = step(m->bias[k], g[k]);
	}
	for (size_t j = 0; j < fs.n; j++) {
		float *row = m->w + (size_t)fs.f[j].h * (size_t)nout;
		for (int k = 0; k < nout; k++)
			row[k] = step(row[k], g[k] * fs.f[j].v);
	}
	fset_free(&fs);
}

/* --- explain ------------------------------------------------------------- */

struct contrib {
	double c;
	uint32_t order;
};

static int
contrib_cmp(const void *a, const void *b)
{
	const struct contrib *x = a, *y = b;
	if (fabs(x->c) != fabs(y->c))
		return fabs(x->c) > fabs(y->c) ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

int
cls_explain(const struct cls_model *m, const char *text, size_t len,
            const char *lang, int k, struct cls_reason *r, int max)
{
	struct fset fs = {0};
	struct contrib *c;
	size_t nc = 0;
	int out = 0;

	if (k < 0 || k >= m->nout || max <= 0)
		return 0;
	fs.names = xmalloc(sizeof(*fs.names));
	extract(text, len, lang, &fs);
	c = xmalloc((fs.n ? fs.n : 1) * sizeof(*c));
	for (size_t j = 0; j < fs.n; j++) {
		double w =
		    m->w[(size_t)fs.f[j].h * (size_t)m->nout + (size_t)k];
		if (w == 0)
			continue;
		c[nc].c = w * fs.f[j].v;
		c[nc].order = fs.f[j].order;
		nc++;
	}
	qsort(c, nc, sizeof(*c), contrib_cmp);
	for (size_t j = 0; j < nc && out < max; j++, out++) {
		name_copy(r[out].feature, sizeof(r[out].feature),
		          fs.names[c[j].order], strlen(fs.names[c[j].order]));
		r[out].weight = c[j].c;
	}
	free(c);
	fset_free(&fs);
	return out;
}

/* --- the saved form ------------------------------------------------------ */

#define CLS_MAGIC   "KVCLASS\0"
#define CLS_VERSION 1u
#define CLS_HEADER  (8 + 4 * 4) /* magic, version, nout, bits, rows */

static uint64_t
fnv1a64(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211u;
	}
	return h;
}

static void
put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put_u64(unsigned char *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Floats travel as their IEEE 754 bits. */
static void
put_f32(unsigned char *p, float f)
{
	uint32_t v;
	memcpy(&v, &f, 4);
	put_u32(p, v);
}

static float
get_f32(const unsigned char *p)
{
	uint32_t v = get_u32(p);
	float f;
	memcpy(&f, &v, 4);
	return f;
}

/* 1 when row h of m has a non-zero weight. */
static int
row_used(const struct cls_model *m, size_t h)
{
	for (int k = 0; k < m->nout; k++)
		if (m->w[h * (size_t)m->nout + (size_t)k] != 0)
			return 1;
	return 0;
}

int
cls_save(const struct cls_model *m, struct buf *out)
{
	size_t nout = (size_t)m->nout, rows = 0, n, o;
	unsigned char *p;
	int rc;

	for (size_t h = 0; h < CLS_BUCKETS; h++)
		rows += (size_t)row_used(m, h);
	n = CLS_HEADER + nout * 8 + rows * (4 + 4 * nout) + 8;
	p = xmalloc(n);
	memcpy(p, CLS_MAGIC, 8);
	put_u32(p + 8, CLS_VERSION);
	put_u32(p + 12, (uint32_t)nout);
	put_u32(p + 16, CLS_BITS);
	put_u32(p + 20, (uint32_t)rows);
	o = CLS_HEADER;
	for (size_t k = 0; k < nout; k++, o += 8) {
		put_f32(p + o, m->thr[k]);
		put_f32(p + o + 4, m->bias[k]);
	}
	for (size_t h = 0; h < CLS_BUCKETS; h++) {
		if (!row_used(m, h))
			continue;
		put_u32(p + o, (uint32_t)h);
		o += 4;
		for (size_t k = 0; k < nout; k++, o += 4)
			put_f32(p + o, m->w[h * nout + k]);
	}
	put_u64(p + o, fnv1a64(p, o));
	rc = buf_add(out, p, n);
	free(p);
	return rc;
}

static int
weight_ok(double w)
{
	return isfinite(w) && fabs(w) <= CLS_W_MAX;
}

struct cls_model *
cls_load(const void *data, size_t n)
{
	const unsigned char *p = data;
	struct cls_model *m;
	uint32_t nout, rows;
	size_t o, need;
	long prev = -1;

	if (p == NULL || n < CLS_HEADER || memcmp(p, CLS_MAGIC, 8) != 0 ||
	    get_u32(p + 8) != CLS_VERSION)
		return NULL;
	nout = get_u32(p + 12);
	rows = get_u32(p + 20);
	if (nout < 1 || nout > CLS_MAX_OUT || get_u32(p + 16) != CLS_BITS ||
	    rows > CLS_BUCKETS)
		return NULL;
	need = CLS_HEADER + (size_t)nout * 8 +
	       (size_t)rows * (4 + 4 * (size_t)nout) + 8;
	if (n != need || (get_u32(p + n - 8) | (uint64_t)get_u32(p + n - 4)
	                                           << 32) != fnv1a64(p, n - 8))
		return NULL;
	m = cls_new((int)nout);
	if (m == NULL)
		return NULL;
	o = CLS_HEADER;
	for (uint32_t k = 0; k < nout; k++, o += 8) {
		m->thr[k] = get_f32(p + o);
		m->bias[k] = get_f32(p + o + 4);
		if (!(m->thr[k] >= 0 && m->thr[k] <= 1) ||
		    !weight_ok(m->bias[k]))
			goto bad;
	}
	for (uint32_t r = 0; r < rows; r++) {
		uint32_t h = get_u32(p + o);
		if (h >= CLS_BUCKETS || (long)h <= prev)
			goto bad;
		prev = (long)h;
		o += 4;
		for (uint32_t k = 0; k < nout; k++, o += 4) {
			float w = get_f32(p + o);
			if (!weight_ok(w))
				goto bad;
			m->w[(size_t)h * nout + k] = w;
		}
		if (!row_used(m, h)) /* cls_save writes no empty row */
			goto bad;
	}
	return m;
bad:
	cls_free(m);
	return NULL;
}
