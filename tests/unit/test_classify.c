/*
 * test_classify.c - the triage classifier (src/text/classify.c): its
 * quality on OffensEval-da by stratified 5-fold cross-validation (a floor
 * under the macro-F1 it reaches, docs/TRIAGE.md "Classifier"), the same
 * model for the same seed, partial labels, online learning, explanations
 * that name real features of the text, the saved form (round trip, and
 * rejection of truncated, altered and foreign bytes), and awkward texts:
 * empty, very long, invalid UTF-8.
 *
 * The OffensEval file is read from the embedded copy with a small parser
 * of its own (id<TAB>tweet<TAB>OFF|NOT after a header line).
 */
#include "t.h"

#include "../../src/base/buf.h"
#include "../../src/base/embed.h"
#include "../../src/base/util.h"
#include "../../src/text/classify.h"

#include <math.h>
#include <time.h>

/* The macro-F1 the cross-validation must reach (it reaches about 0.76;
 * see docs/TRIAGE.md). */
#define CV_FLOOR 0.74

/* --- OffensEval-da ------------------------------------------------------- */

static char *oe_data;
static struct cls_example *oe;
static size_t noe;

/* Reads the embedded OffensEval-da once: 1 when it has examples. */
static int
oe_load(void)
{
	const struct embed_file *f;
	char *line, *next;
	size_t cap = 0;
	int header = 1;

	if (oe != NULL)
		return 1;
	f = embed_find("data/triage/offenseval-da.tsv");
	if (!T_ASSERT(f != NULL))
		return 0;
	oe_data = malloc(f->len + 1);
	memcpy(oe_data, f->data, f->len + 1);
	for (line = oe_data; line && *line; line = next) {
		char *t1, *t2;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (header) {
			header = 0;
			continue;
		}
		t1 = strchr(line, '\t');
		t2 = strrchr(line, '\t');
		if (t1 == NULL || t2 == t1) /* not id<TAB>text<TAB>label */
			continue;
		*t2 = '\0';
		if (noe == cap) {
			cap = cap ? cap * 2 : 1024;
			oe = realloc(oe, cap * sizeof(*oe));
		}
		oe[noe].text = t1 + 1;
		oe[noe].lang = "da";
		oe[noe].known = 1;
		oe[noe].labels = strncmp(t2 + 1, "OFF", 3) == 0;
		oe[noe].weight = 0;
		noe++;
	}
	return noe > 0;
}

static double
f1(size_t tp, size_t fp, size_t fn)
{
	return tp + fp + fn ? 2.0 * (double)tp / (double)(2 * tp + fp + fn)
	                    : 1.0;
}

T_TEST(offenseval_cv)
{
	size_t *fold, off = 0, cnt[2] = {0, 0};
	struct cls_example *tr;
	double sum = 0, secs = 0, pred_secs = 0;
	size_t npred = 0;

	if (!oe_load())
		return;
	for (size_t i = 0; i < noe; i++)
		off += oe[i].labels;
	T_EQ_INT(noe, 2960);
	T_EQ_INT(off, 384);
	/* stratified: the i-th example of each class goes to fold i % 5,
	 * taken in a fixed interleaving of the file */
	fold = malloc(noe * sizeof(*fold));
	tr = malloc(noe * sizeof(*tr));
	for (size_t s = 0; s < 7; s++)
		for (size_t i = s; i < noe; i += 7) {
			int y = (int)oe[i].labels;
			fold[i] = cnt[y]++ % 5;
		}
	for (size_t f = 0; f < 5; f++) {
		struct cls_model *m = cls_new(1);
		struct cls_params p = {0, 0, 0, 42};
		size_t nt = 0, tp = 0, fp = 0, fn = 0, tn = 0;
		clock_t c0;
		double mf;
		if (!T_ASSERT(m != NULL))
			break;
		for (size_t i = 0; i < noe; i++)
			if (fold[i] != f)
				tr[nt++] = oe[i];
		c0 = clock();
		T_EQ_INT(cls_train(m, tr, nt, &p), 0);
		secs += (double)(clock() - c0) / CLOCKS_PER_SEC;
		c0 = clock();
		for (size_t i = 0; i < noe; i++) {
			double pr;
			int y, yh;
			if (fold[i] != f)
				continue;
			cls_predict(m, oe[i].text, strlen(oe[i].text), "da",
			            &pr);
			npred++;
			y = (int)oe[i].labels;
			yh = pr > cls_threshold(m, 0);
			tp += y && yh;
			fp += !y && yh;
			fn += y && !yh;
			tn += !y && !yh;
		}
		pred_secs += (double)(clock() - c0) / CLOCKS_PER_SEC;
		mf = (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2;
		T_NOTE("fold %zu: OFF-F1 %.3f NOT-F1 %.3f macro-F1 %.3f "
		       "(threshold %.3f)",
		       f, f1(tp, fp, fn), f1(tn, fn, fp), mf,
		       cls_threshold(m, 0));
		sum += mf;
		cls_free(m);
	}
	T_NOTE("OffensEval-da 5-fold macro-F1 %.4f (floor %.2f); %.2f s "
	       "training per fold, %.1f us per prediction",
	       sum / 5, CV_FLOOR, secs / 5, 1e6 * pred_secs / (double)npred);
	T_ASSERT(sum / 5 >= CV_FLOOR);
	free(fold);
	free(tr);
}

/* --- small models -------------------------------------------------------- */

/* A toy set: output 0 is "threat", output 1 is "question". */
static const struct cls_example toy[] = {
    {"jeg vet hvor du bor, pass deg", "nb", 1, 3, 0},
    {"du skal få en trussel du ikke glemmer", "nb", 1, 3, 0},
    {"pass deg, jeg kommer og tar deg", "nb", 1, 3, 0},
    {"jeg skal knuse deg og familien din", "nb", 1, 3, 0},
    {"når åpner biblioteket i morgen?", "nb", 2, 3, 0},
    {"hvordan søker jeg om barnehageplass?", "nb", 2, 3, 0},
    {"er svømmehallen åpen i ferien?", "nb", 2, 3, 0},
    {"hvor kan jeg levere hageavfall?", "nb", 2, 3, 0},
    {"takk for god hjelp i dag", "nb", 0, 3, 0},
    {"fint vær i dag", "nb", 0, 3, 0},
    {"flott konsert i kulturhuset", "nb", 0, 3, 0},
    {"bussen var i rute i dag", "nb", 0, 3, 0},
};
#define NTOY (sizeof(toy) / sizeof(toy[0]))

static const char *const probes[] = {
    "jeg vet hvor du bor", "når stenger biblioteket?", "takk for hjelpen", "",
    "😡😡 pass deg!!",       "Hvordan søker man?"};
#define NPROBES (sizeof(probes) / sizeof(probes[0]))

static struct cls_model *
toy_model(unsigned seed)
{
	struct cls_model *m = cls_new(2);
	struct cls_params p = {0, 0, 0, seed};
	if (m != NULL && cls_train(m, toy, NTOY, &p) != 0) {
		cls_free(m);
		m = NULL;
	}
	return m;
}

static double
prob(const struct cls_model *m, const char *text, int k)
{
	double p[CLS_MAX_OUT];
	cls_predict(m, text, strlen(text), "nb", p);
	return p[k];
}

T_TEST(basics)
{
	struct cls_model *m;
	struct cls_params p = {0, 0, 0, 1};
	T_ASSERT(cls_new(0) == NULL);
	T_ASSERT(cls_new(CLS_MAX_OUT + 1) == NULL);
	m = cls_new(3);
	if (!T_ASSERT(m != NULL))
		return;
	T_EQ_INT(cls_nout(m), 3);
	T_ASSERT(cls_threshold(m, 0) == 0.5);
	T_ASSERT(prob(m, "hei", 2) == 0.5); /* zero weights */
	T_EQ_INT(cls_train(m, toy, 0, &p), -1);
	cls_free(m);
	cls_free(NULL);
}

T_TEST(learns_and_determinism)
{
	struct cls_model *a = toy_model(7), *b = toy_model(7),
	                 *c = toy_model(8);
	int differ = 0;
	if (!T_ASSERT(a && b && c))
		goto out;
	/* it learnt the toy set */
	T_ASSERT(prob(a, "jeg vet hvor du bor", 0) > cls_threshold(a, 0));
	T_ASSERT(prob(a, "takk for hjelpen", 0) < cls_threshold(a, 0));
	T_ASSERT(prob(a, "når åpner biblioteket?", 1) > cls_threshold(a, 1));
	T_ASSERT(prob(a, "fint vær", 1) < cls_threshold(a, 1));
	for (size_t i = 0; i < NPROBES; i++)
		for (int k = 0; k < 2; k++) {
			T_ASSERT(prob(a, probes[i], k) ==
			         prob(b, probes[i], k));
			differ |=
			    prob(a, probes[i], k) != prob(c, probes[i], k);
		}
	for (int k = 0; k < 2; k++)
		T_ASSERT(cls_threshold(a, k) == cls_threshold(b, k));
	T_ASSERT(differ); /* the seed does matter */
out:
	cls_free(a);
	cls_free(b);
	cls_free(c);
}

T_TEST(partial_labels)
{
	struct cls_example ex[NTOY];
	struct cls_model *m = cls_new(2);
	struct cls_params p = {0, 0, 0, 3};
	if (!T_ASSERT(m != NULL))
		return;
	/* only output 0 is known; output 1's labels are all "true" and must
	 * be ignored */
	for (size_t i = 0; i < NTOY; i++) {
		ex[i] = toy[i];
		ex[i].known = 1;
		ex[i].labels |= 2;
	}
	T_EQ_INT(cls_train(m, ex, NTOY, &p), 0);
	for (size_t i = 0; i < NPROBES; i++)
		T_ASSERT(prob(m, probes[i], 1) == 0.5);
	T_ASSERT(cls_threshold(m, 1) == 0.5);
	T_ASSERT(prob(m, "jeg vet hvor du bor", 0) > 0.5);
	/* half the set knows output 1 only: both outputs learn */
	for (size_t i = 0; i < NTOY; i++) {
		ex[i] = toy[i];
		ex[i].known = i % 2 ? 2 : 1;
	}
	T_EQ_INT(cls_train(m, ex, NTOY, &p), 0);
	T_ASSERT(prob(m, "er hallen åpen?", 1) >
	         prob(m, "jeg skal knuse deg", 1));
	T_ASSERT(prob(m, "jeg skal knuse deg", 0) >
	         prob(m, "når åpner biblioteket?", 0));
	cls_free(m);
}

T_TEST(online)
{
	struct cls_model *m = toy_model(5);
	const char *t = "kommunen burde svare raskere på e-post";
	struct cls_example up = {t, "nb", 1, 1, 0}, down = {t, "nb", 0, 1, 0};
	double p0, p1, q1, o1;
	if (!T_ASSERT(m != NULL))
		return;
	p0 = prob(m, t, 0);
	o1 = prob(m, t, 1);
	cls_learn(m, &up);
	p1 = prob(m, t, 0);
	T_ASSERT(p1 > p0 + 0.02);
	T_ASSERT(prob(m, t, 1) == o1); /* output 1 was not known */
	cls_learn(m, &down);
	q1 = prob(m, t, 0);
	T_ASSERT(q1 < p1);
	up.weight = 5; /* a weighted decision moves further */
	cls_learn(m, &up);
	T_ASSERT(prob(m, t, 0) - q1 > p1 - p0);
	/* absurd weights (huge, NaN) still leave a model that loads */
	{
		struct buf b;
		struct cls_model *l;
		up.weight = 1e30f;
		down.weight = NAN;
		for (int i = 0; i < 20; i++) {
			cls_learn(m, i % 2 ? &up : &down);
			T_ASSERT(isfinite(prob(m, t, 0)));
		}
		buf_init(&b, 64u << 20);
		T_EQ_INT(cls_save(m, &b), 0);
		l = cls_load(b.p, b.len);
		T_ASSERT(l != NULL);
		cls_free(l);
		buf_cleanup(&b);
	}
	cls_free(m);
}

/* 1 when the feature named n could come from the ASCII text t. */
static int
feature_of(const char *n, const char *t)
{
	char pat[64];
	size_t len;
	if (strncmp(n, "w:", 2) == 0 || strncmp(n, "b:", 2) == 0)
		return strlen(n) > 2; /* stems: checked by name below */
	if (strncmp(n, "p:", 2) == 0)
		return strstr(t, n + 2) != NULL;
	if (strncmp(n, "c:", 2) != 0)
		return 0;
	/* "_" marks a word boundary */
	len = strlen(n + 2);
	if (len == 0 || len >= sizeof(pat))
		return 0;
	for (size_t i = 0; i < len; i++)
		pat[i] = n[2 + i] == '_' ? ' ' : n[2 + i];
	pat[len] = '\0';
	{
		char padded[256];
		snprintf(padded, sizeof(padded), " %s ", t);
		for (char *p = padded; *p; p++)
			if (*p == ',' || *p == '!')
				*p = ' ';
		return strstr(padded, pat) != NULL;
	}
}

T_TEST(explain)
{
	struct cls_model *m = toy_model(9);
	struct cls_reason r[200];
	const char *t = "jeg vet hvor du bor, pass deg!";
	int n, has_word = 0, has_pair = 0, has_char = 0;
	double sum = 0, p;
	if (!T_ASSERT(m != NULL))
		return;
	n = cls_explain(m, t, strlen(t), "nb", 0, r, 200);
	T_ASSERT(n > 10);
	for (int i = 0; i < n; i++) {
		T_ASSERT(feature_of(r[i].feature, t));
		T_ASSERT(
		    utf8_valid_text(r[i].feature, strlen(r[i].feature), 0));
		if (i > 0)
			T_ASSERT(fabs(r[i].weight) <= fabs(r[i - 1].weight));
		has_word |= strcmp(r[i].feature, "w:vet") == 0;
		has_pair |= strcmp(r[i].feature, "b:du_bor") == 0;
		has_char |= strcmp(r[i].feature, "c:_pa") == 0;
		sum += r[i].weight;
	}
	T_ASSERT(has_word && has_pair && has_char);
	/* a threat: the evidence is for output 0, and it sums up */
	p = prob(m, t, 0);
	T_ASSERT(p > 0.5);
	T_ASSERT(sum > 0 && r[0].weight > 0);
	/* against: a question's features speak against "threat" */
	t = "når åpner biblioteket i morgen?";
	n = cls_explain(m, t, strlen(t), "nb", 0, r, 5);
	T_ASSERT(n == 5 && r[0].weight < 0);
	n = cls_explain(m, t, strlen(t), "nb", 1, r, 3);
	T_ASSERT(n == 3 && r[0].weight > 0);
	T_EQ_INT(cls_explain(m, t, strlen(t), "nb", 2, r, 3), 0);
	T_EQ_INT(cls_explain(m, t, strlen(t), "nb", -1, r, 3), 0);
	T_EQ_INT(cls_explain(m, t, strlen(t), "nb", 0, r, 0), 0);
	T_EQ_INT(cls_explain(m, "", 0, "nb", 0, r, 3), 0);
	cls_free(m);
}

/* FNV-1a 64, the saved form's checksum (to forge "valid" bad models). */
static uint64_t
fnv64(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211u;
	return h;
}

static void
reseal(unsigned char *p, size_t n)
{
	uint64_t h = fnv64(p, n - 8);
	for (int i = 0; i < 8; i++)
		p[n - 8 + (size_t)i] = (unsigned char)(h >> (8 * i));
}

T_TEST(save_load)
{
	struct cls_model *m = toy_model(11), *l;
	struct buf a, b;
	unsigned char *bad;
	if (!T_ASSERT(m != NULL))
		return;
	buf_init(&a, 64u << 20);
	buf_init(&b, 64u << 20);
	T_EQ_INT(cls_save(m, &a), 0);
	T_ASSERT(a.len > 24 && a.len < 1000000);
	T_ASSERT(memcmp(a.p, "KVCLASS", 7) == 0);
	l = cls_load(a.p, a.len);
	if (T_ASSERT(l != NULL)) {
		T_EQ_INT(cls_nout(l), 2);
		for (size_t i = 0; i < NPROBES; i++)
			for (int k = 0; k < 2; k++)
				T_ASSERT(prob(l, probes[i], k) ==
				         prob(m, probes[i], k));
		for (int k = 0; k < 2; k++)
			T_ASSERT(cls_threshold(l, k) == cls_threshold(m, k));
		T_EQ_INT(cls_save(l, &b), 0);
		T_ASSERT(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
		cls_free(l);
	}
	/* a buffer too small for the model */
	{
		struct buf s;
		buf_init(&s, 100);
		T_EQ_INT(cls_save(m, &s), -1);
		buf_cleanup(&s);
	}
	/* truncated anywhere, one byte too many, altered anywhere */
	for (size_t n = 0; n < a.len; n += n < 64 ? 1 : 997)
		T_ASSERT(cls_load(a.p, n) == NULL);
	bad = malloc(a.len + 1);
	memcpy(bad, a.p, a.len);
	bad[a.len] = 0;
	T_ASSERT(cls_load(bad, a.len + 1) == NULL);
	for (size_t i = 0; i < a.len; i += i < 64 ? 1 : 1009) {
		memcpy(bad, a.p, a.len);
		bad[i] ^= 0x10;
		T_ASSERT(cls_load(bad, a.len) == NULL);
	}
	T_ASSERT(cls_load(NULL, 0) == NULL);
	T_ASSERT(cls_load("garbage garbage garbage garbage", 31) == NULL);
	/* well sealed but wrong: version, outputs, bits, threshold, a
	 * weight that is not finite */
	{
		static const struct {
			size_t off;
			unsigned char v;
		} edits[] = {{8, 2}, {12, 0}, {12, 17}, {16, 17}, {27, 0x40}};
		for (size_t e = 0; e < ARRAY_LEN(edits); e++) {
			memcpy(bad, a.p, a.len);
			bad[edits[e].off] = edits[e].v;
			reseal(bad, a.len);
			T_ASSERT(cls_load(bad, a.len) == NULL);
		}
		/* the resealed original still loads (the forgery is right) */
		memcpy(bad, a.p, a.len);
		reseal(bad, a.len);
		l = cls_load(bad, a.len);
		T_ASSERT(l != NULL);
		cls_free(l);
		/* a weight set to +inf (the first row's first float) */
		memcpy(bad, a.p, a.len);
		memcpy(bad + 24 + 2 * 8 + 4, "\x00\x00\x80\x7f", 4);
		reseal(bad, a.len);
		T_ASSERT(cls_load(bad, a.len) == NULL);
		/* rows out of order: the first bucket made huge */
		memcpy(bad, a.p, a.len);
		memcpy(bad + 24 + 2 * 8, "\xff\xff\x03\x00", 4);
		reseal(bad, a.len);
		T_ASSERT(cls_load(bad, a.len) == NULL);
	}
	free(bad);
	buf_cleanup(&a);
	buf_cleanup(&b);
	cls_free(m);
}

T_TEST(awkward_texts)
{
	struct cls_model *m = toy_model(13);
	struct cls_reason r[16];
	double p[2];
	size_t big = 2u << 20;
	char *t;
	if (!T_ASSERT(m != NULL))
		return;
	/* empty, and NULL (whatever the length says) */
	cls_predict(m, "", 0, NULL, p);
	T_ASSERT(p[0] > 0 && p[0] < 1 && p[1] > 0 && p[1] < 1);
	{
		double q[2];
		cls_predict(m, NULL, 10, "nb", q);
		T_ASSERT(q[0] == p[0] && q[1] == p[1]);
	}
	/* very long: 2 MB of words (only the first 64 KiB are looked at) */
	t = malloc(big + 1);
	for (size_t i = 0; i < big; i++)
		t[i] = "pass deg jeg vet hvor du bor "[i % 29];
	t[big] = '\0';
	cls_predict(m, t, big, "nb", p);
	T_ASSERT(isfinite(p[0]) && p[0] > 0.5);
	T_ASSERT(cls_explain(m, t, big, "nb", 0, r, 16) == 16);
	/* a cut inside a multi-byte character */
	memset(t, 'a', big);
	memcpy(t + 65535, "øøøø", 8);
	cls_predict(m, t, big, NULL, p);
	T_ASSERT(isfinite(p[0]) && isfinite(p[1]));
	free(t);
	/* invalid UTF-8, NUL inside, a lone continuation byte, overlong */
	{
		static const char bad[] = "\xff\xfe pass \xc3 deg \x80\xc0\xaf "
		                          "bor\0hidden \xed\xa0\x80";
		int n;
		cls_predict(m, bad, sizeof(bad) - 1, NULL, p);
		T_ASSERT(isfinite(p[0]) && isfinite(p[1]));
		n = cls_explain(m, bad, sizeof(bad) - 1, NULL, 0, r, 16);
		T_ASSERT(n > 0);
		for (int i = 0; i < n; i++) {
			T_ASSERT(utf8_valid_text(r[i].feature,
			                         strlen(r[i].feature), 0));
			T_ASSERT(strstr(r[i].feature, "hidden") == NULL);
		}
	}
	/* a language tag that is no language, and none */
	cls_predict(m, "pass deg", 8, "xx-YY", p);
	T_ASSERT(p[0] > 0.5);
	cls_predict(m, "pass deg", 8, NULL, p);
	T_ASSERT(p[0] > 0.5);
	cls_free(m);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(basics),         T_ENTRY(learns_and_determinism),
	    T_ENTRY(partial_labels), T_ENTRY(online),
	    T_ENTRY(explain),        T_ENTRY(save_load),
	    T_ENTRY(awkward_texts),  T_ENTRY(offenseval_cv),
	};
	int rc = T_RUN(tests, argc, argv);
	free(oe);
	free(oe_data);
	return rc;
}
