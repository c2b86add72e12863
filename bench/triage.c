/*
 * bench/triage.c - figures for the triage engine (docs/TRIAGE.md), printed,
 * never asserted (`make bench` builds and runs everything under bench/):
 *
 *  1. training time of the shipped base model;
 *  2. precision, recall and F1 per class and macro on the held-out
 *     data/triage/kanalvakt-test.tsv for three systems run in the same
 *     process: the classifier alone, the built-in rules alone (an untrained
 *     model votes nothing) and rules + classifier (what kanalvakt runs);
 *     the language found against the set's language;
 *  3. the abuse output on OffensEval-da by 5-fold cross-validation (the
 *     model trained on four folds plus kanalvakt-train, tested on the
 *     fifth; OFF/NOT precision, recall, F1 and their macro-F1, the measure
 *     of the OffensEval shared task);
 *  4. throughput: the test set repeated to at least 20,000 items through
 *     triage_run on one thread and on N threads sharing one engine.
 *
 *   build/bench/triage [TEST.tsv]   (default: the embedded test set)
 */
#include "../src/base/embed.h"
#include "../src/text/triage.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIN_ITEMS 20000
#define FOLDS     5

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A malloc'd NUL-terminated copy of the embedded file (or the file on
 * disk when path is given); NULL when there is none. */
static char *
load(const char *name, const char *path, size_t *len)
{
	const struct embed_file *f;
	char *p;
	if (path != NULL) {
		FILE *fp = fopen(path, "rb");
		long n;
		if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 ||
		    (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
			if (fp)
				fclose(fp);
			return NULL;
		}
		p = malloc((size_t)n + 1);
		*len = fread(p, 1, (size_t)n, fp);
		p[*len] = '\0';
		fclose(fp);
		return p;
	}
	if ((f = embed_find(name)) == NULL)
		return NULL;
	p = malloc(f->len + 1);
	memcpy(p, f->data, f->len);
	p[f->len] = '\0';
	*len = f->len;
	return p;
}

struct counts {
	long tp[CLS_MAX_OUT], fp[CLS_MAX_OUT], fn[CLS_MAX_OUT];
};

static void
count(struct counts *c, int k, int gold, int pred)
{
	c->tp[k] += gold && pred;
	c->fp[k] += !gold && pred;
	c->fn[k] += gold && !pred;
}

static double
ratio(long a, long b)
{
	return b > 0 ? (double)a / (double)b : 0;
}

/* Prints P/R/F1 per model output and the macro average; returns it. */
static double
report(const char *title, const struct counts *c)
{
	double sum = 0;
	int n = 0;
	printf("  %-22s", title);
	for (int k = 0; k < triage_model_nclasses; k++) {
		double p = ratio(c->tp[k], c->tp[k] + c->fp[k]);
		double r = ratio(c->tp[k], c->tp[k] + c->fn[k]);
		double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
		if (c->tp[k] + c->fn[k] == 0)
			continue; /* no such example in the set */
		printf(" %.2f/%.2f/%.2f", p, r, f);
		sum += f;
		n++;
	}
	printf("  macro-F1 %.3f\n", n ? sum / n : 0);
	return n ? sum / n : 0;
}

/* Runs the examples through engine e (language as the set says when
 * hint, else detected) and counts each model class. */
static void
evaluate(const struct triage_engine *e, const struct cls_example *ex, size_t n,
         int hint, struct counts *c, long *lang_ok)
{
	memset(c, 0, sizeof(*c));
	if (lang_ok)
		*lang_ok = 0;
	for (size_t i = 0; i < n; i++) {
		struct triage_result r;
		triage_run(e, ex[i].text, strlen(ex[i].text),
		           hint ? ex[i].lang : NULL, &r);
		for (int k = 0; k < triage_model_nclasses; k++)
			if ((ex[i].known >> k) & 1u)
				count(c, k, (ex[i].labels >> k) & 1u,
				      (r.classes >> triage_model_classes[k]) &
				          1u);
		if (lang_ok && lang_parse(ex[i].lang) == lang_parse(r.lang))
			(*lang_ok)++;
	}
}

/* --- throughput ------------------------------------------------------- */

struct job {
	const struct triage_engine *e;
	const struct cls_example *ex;
	size_t n, from, to; /* items from..to of the repeated set */
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	for (size_t i = j->from; i < j->to; i++) {
		const struct cls_example *x = &j->ex[i % j->n];
		struct triage_result r;
		triage_run(j->e, x->text, strlen(x->text), NULL, &r);
	}
	return NULL;
}

static double
throughput(const struct triage_engine *e, const struct cls_example *ex,
           size_t n, size_t items, int threads)
{
	pthread_t th[64];
	struct job jobs[64];
	double t0 = now();
	for (int i = 0; i < threads; i++) {
		jobs[i].e = e;
		jobs[i].ex = ex;
		jobs[i].n = n;
		jobs[i].from = items * (size_t)i / (size_t)threads;
		jobs[i].to = items * (size_t)(i + 1) / (size_t)threads;
		pthread_create(&th[i], NULL, worker, &jobs[i]);
	}
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	return (double)items / (now() - t0);
}

/* --- OffensEval-da, 5-fold ------------------------------------------------ */

static void
offenseval_cv(const struct cls_example *train, size_t ntrain,
              const struct cls_example *off, size_t noff)
{
	int ab = -1;
	long tp = 0, fp = 0, fn = 0, tn = 0;
	struct cls_example *set = malloc(sizeof(*set) * (ntrain + noff + 1));
	double t0 = now();
	for (int k = 0; k < triage_model_nclasses; k++)
		if (triage_model_classes[k] == TC_ABUSE)
			ab = k;
	for (int f = 0; f < FOLDS; f++) {
		struct cls_params p = {0, 0, 0, 20250501u};
		struct cls_model *m = cls_new(triage_model_nclasses);
		size_t n = 0;
		memcpy(set, train, sizeof(*set) * ntrain);
		n = ntrain;
		for (size_t i = 0; i < noff; i++)
			if ((int)(i % FOLDS) != f)
				set[n++] = off[i];
		cls_train(m, set, n, &p);
		for (size_t i = f; i < noff; i += FOLDS) {
			double prob[CLS_MAX_OUT];
			int gold = (off[i].labels >> ab) & 1u, pred;
			cls_predict(m, off[i].text, strlen(off[i].text), "da",
			            prob);
			pred = prob[ab] > cls_threshold(m, ab);
			tp += gold && pred;
			fp += !gold && pred;
			fn += gold && !pred;
			tn += !gold && !pred;
		}
		cls_free(m);
	}
	{
		double po = ratio(tp, tp + fp), ro = ratio(tp, tp + fn);
		double fo = po + ro > 0 ? 2 * po * ro / (po + ro) : 0;
		double pn = ratio(tn, tn + fn), rn = ratio(tn, tn + fp);
		double fnn = pn + rn > 0 ? 2 * pn * rn / (pn + rn) : 0;
		printf("OffensEval-da, %d-fold cross-validation (%zu comments, "
		       "%.1f s)\n",
		       FOLDS, noff, now() - t0);
		printf("  OFF  P %.3f  R %.3f  F1 %.3f\n", po, ro, fo);
		printf("  NOT  P %.3f  R %.3f  F1 %.3f\n", pn, rn, fnn);
		printf("  macro-F1 %.3f (the shared task's measure; best "
		       "published systems about 0.8)\n",
		       (fo + fnn) / 2);
	}
	free(set);
}

int
main(int argc, char **argv)
{
	size_t tlen = 0, trlen = 0, olen = 0, nt = 0, ntr = 0, no = 0;
	char *test = load("data/triage/kanalvakt-test.tsv",
	                  argc > 1 ? argv[1] : NULL, &tlen);
	char *train = load("data/triage/kanalvakt-train.tsv", NULL, &trlen);
	char *off = load("data/triage/offenseval-da.tsv", NULL, &olen);
	struct cls_example *te = NULL, *tr = NULL, *oe = NULL;
	struct cls_model *base;
	struct triage_engine *both, *rules, *model;
	const struct triage_rule *d;
	int nd, ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	double t0;

	if (test)
		te = triage_examples_parse(test, tlen, &nt);
	if (train)
		tr = triage_examples_parse(train, trlen, &ntr);
	if (off)
		oe = triage_examples_parse(off, olen, &no);
	printf("triage benchmark: %zu test, %zu training, %zu OffensEval-da "
	       "examples\n",
	       nt, ntr, no);

	t0 = now();
	base = triage_train_model(NULL, 0);
	printf("base model training: %.2f s\n", now() - t0);
	if (base == NULL) {
		printf("no base model: nothing to measure\n");
		return 0;
	}
	d = triage_default_rules(&nd);
	t0 = now();
	both = triage_engine_new(d, nd, base);
	printf("engine with %d built-in rules: built in %.1f ms\n", nd,
	       (now() - t0) * 1000);
	rules = triage_engine_new(d, nd, cls_new(triage_model_nclasses));
	model = triage_engine_new(NULL, 0, triage_train_model(NULL, 0));

	if (nt > 0) {
		struct counts c;
		long lok;
		double fm, fr, fb;
		printf("\nkanalvakt-test (%zu comments), P/R/F1 per class:",
		       nt);
		for (int k = 0; k < triage_model_nclasses; k++)
			printf(" %s",
			       triage_class_name(triage_model_classes[k]));
		printf("\n  (language as the set says)\n");
		evaluate(model, te, nt, 1, &c, NULL);
		fm = report("classifier alone", &c);
		evaluate(rules, te, nt, 1, &c, NULL);
		fr = report("rules alone", &c);
		evaluate(both, te, nt, 1, &c, NULL);
		fb = report("rules + classifier", &c);
		printf("  rules + classifier vs rules alone: macro-F1 %+.3f; "
		       "vs classifier alone: %+.3f\n",
		       fb - fr, fb - fm);
		evaluate(both, te, nt, 0, &c, &lok);
		report("(language detected)", &c);
		printf("  language detected right: %ld of %zu (%.1f %%)\n", lok,
		       nt, 100.0 * (double)lok / (double)nt);
	} else {
		printf("\nno data/triage/kanalvakt-test.tsv: no P/R/F1\n");
	}

	if (no > 0)
		offenseval_cv(tr, ntr, oe, no);

	{
		const struct cls_example *set = nt ? te : oe;
		size_t n = nt ? nt : no, items;
		if (n > 0) {
			double one, many;
			items = (MIN_ITEMS + n - 1) / n * n;
			if (ncpu < 2)
				ncpu = 2;
			if (ncpu > 64)
				ncpu = 64;
			one = throughput(both, set, n, items, 1);
			many = throughput(both, set, n, items, ncpu);
			printf("\nthroughput over %zu items (%s repeated, "
			       "language detected):\n",
			       items, nt ? "kanalvakt-test" : "OffensEval-da");
			printf("  1 thread:  %8.0f items/s (%.1f µs each)\n",
			       one, 1e6 / one);
			printf("  %d threads: %8.0f items/s (%.2f× one "
			       "thread)\n",
			       ncpu, many, many / one);
			one = throughput(rules, set, n, items, 1);
			printf("  rules alone, 1 thread: %8.0f items/s\n", one);
		}
	}
	triage_engine_free(both);
	triage_engine_free(rules);
	triage_engine_free(model);
	free(te);
	free(tr);
	free(oe);
	free(test);
	free(train);
	free(off);
	return 0;
}
