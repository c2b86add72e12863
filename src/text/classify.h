/*
 * classify.h - the learning part of triage (issue 5): a linear model over
 * hashed features of a text — Snowball stems of its words, word pairs and
 * character n-grams of the folded text — with one logistic output per
 * class (multi-label: a comment can be a question and a complaint).
 *
 * It is fast (a text is scored in microseconds), small, and explainable:
 * cls_explain() lists the features of the text that pushed an output up or
 * down, with their weights, so the inbox can show why it decided.  It is
 * trained from labelled examples; an example may label only some outputs
 * (`known`), so a data set about offensive language (OffensEval-da) and one
 * about questions and complaints train one model together.  It keeps
 * learning: cls_learn() takes one moderator decision at a time.
 *
 * Threads: cls_predict/cls_explain only read the model; cls_train and
 * cls_learn must not run while anything else uses the same model.
 */
#ifndef KV_CLASSIFY_H
#define KV_CLASSIFY_H

#include "../base/buf.h"

#include <stddef.h>

#define CLS_MAX_OUT 16 /* outputs (classes) a model can have */

struct cls_model; /* opaque */

struct cls_example {
	const char *text;
	const char *lang; /* BCP 47 tag or NULL (guessed) */
	unsigned labels;  /* bit k: output k is true */
	unsigned known;   /* bit k: output k is labelled at all */
	float weight;     /* 0 counts as 1 */
};

struct cls_params {
	int epochs;    /* passes over the data; 0: default */
	double l2;     /* regularisation; 0: default */
	double rate;   /* learning rate; 0: default */
	unsigned seed; /* shuffling; the same seed gives the same model */
};

/* A model with nout (1…CLS_MAX_OUT) outputs and zero weights; NULL when
 * out of memory.  Free with cls_free(). */
struct cls_model *cls_new(int nout);
void cls_free(struct cls_model *m);
int cls_nout(const struct cls_model *m);

/* Trains m from scratch on ex[0..n) (p may be NULL for the defaults) and
 * sets each output's decision threshold.  Deterministic for a seed.
 * 0, or -1 when n is 0. */
int cls_train(struct cls_model *m, const struct cls_example *ex, size_t n,
              const struct cls_params *p);

/* One online step on one example (a moderator's decision): the known
 * outputs move towards its labels. */
void cls_learn(struct cls_model *m, const struct cls_example *ex);

/* Probabilities of each output for text[0..len) in prob[0..nout). */
void cls_predict(const struct cls_model *m, const char *text, size_t len,
                 const char *lang, double *prob);

/* The probability above which output k counts as true (set by cls_train,
 * 0.5 before). */
double cls_threshold(const struct cls_model *m, int k);

struct cls_reason {
	char feature[48]; /* "w:trussel", "w:du_er", "c:idio", … readable */
	double weight;    /* contribution to the output's score (signed) */
};

/* The up to max features of text that contributed most (by absolute
 * value) to output k, strongest first.  Returns how many. */
int cls_explain(const struct cls_model *m, const char *text, size_t len,
                const char *lang, int k, struct cls_reason *r, int max);

/* Serialises m (weights and thresholds, versioned, little-endian) onto
 * out; 0 or -1.  cls_load() reads it back: a new model, or NULL when the
 * bytes are not a model of this version. */
int cls_save(const struct cls_model *m, struct buf *out);
struct cls_model *cls_load(const void *p, size_t n);

#endif
