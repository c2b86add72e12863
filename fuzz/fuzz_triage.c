/*
 * fuzz_triage.c - libFuzzer target for the triage engine (src/text/
 * triage.c) with the built-in rules on arbitrary bytes — the text of a
 * comment from the public — and for the labelled-set parser.  The model is
 * an untrained one (it votes nothing), so a run is fast and every class
 * comes from the rules.
 *
 * Invariants: a result always has a class; "other" only alone; the ground
 * is set exactly when abuse is; the answer duty only with an answer class;
 * scores within 0…1; every explain entry and personal-data span lies
 * inside the text (start <= end <= size); the explanation is within its
 * cap and ends with the language; the JSON line can be written.  The
 * parser's examples point inside the buffer and label only model outputs.
 */
#include "fuzz.h"

#include "../src/text/triage.h"

static struct triage_engine *engine;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = {NULL, "nb", "nn", "sv",
	                                    "da", "en", "xx", "no-NO"};
	struct triage_result r;
	struct arena ar;
	json_t *o;
	char *s, *copy;
	size_t n;
	struct cls_example *ex;

	if (size > 16 * 1024)
		return 0;
	if (engine == NULL) {
		int nr;
		const struct triage_rule *rules = triage_default_rules(&nr);
		engine = triage_engine_new(rules, nr,
		                           cls_new(triage_model_nclasses));
		FUZZ_CHECK(engine != NULL);
	}
	triage_run(engine, (const char *)data, size,
	           langs[size ? data[size - 1] & 7 : 0], &r);
	FUZZ_CHECK(r.classes != 0 && r.classes < (1u << TC__COUNT));
	FUZZ_CHECK(!(r.classes & (1u << TC_OTHER)) ||
	           r.classes == (1u << TC_OTHER));
	FUZZ_CHECK(((r.classes >> TC_ABUSE) & 1u)
	               ? r.ground > AG_NONE && r.ground < AG__COUNT
	               : r.ground == AG_NONE);
	FUZZ_CHECK(!r.needs_answer || (r.classes & TRIAGE_ANSWER_CLASSES));
	FUZZ_CHECK(!r.hard || r.hard_reason != NULL);
	for (int c = 0; c < TC__COUNT; c++)
		FUZZ_CHECK(r.score[c] >= 0 && r.score[c] <= 1);
	FUZZ_CHECK(r.npd >= 0 && r.npd <= TRIAGE_MAX_PD);
	for (int i = 0; i < r.npd; i++)
		FUZZ_CHECK(r.pd[i].start < r.pd[i].end && r.pd[i].end <= size);
	FUZZ_CHECK(r.nwhy >= 1 && r.nwhy <= TRIAGE_MAX_EXPLAIN);
	FUZZ_CHECK(strcmp(r.why[r.nwhy - 1].source, "lang") == 0);
	for (int i = 0; i < r.nwhy; i++) {
		FUZZ_CHECK(r.why[i].start <= r.why[i].end &&
		           r.why[i].end <= size);
		FUZZ_CHECK(memchr(r.why[i].what, '\0', sizeof(r.why[i].what)));
	}
	o = triage_result_json(&r);
	s = json_dumps(o, JSON_COMPACT);
	FUZZ_CHECK(s != NULL);
	free(s);
	json_decref(o);

	/* the labelled-set parser on the same bytes */
	arena_init(&ar);
	copy = fuzz_str(&ar, data, size); /* NUL at copy[size] */
	ex = triage_examples_parse(copy, size, &n);
	FUZZ_CHECK((ex == NULL) == (n == 0));
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(ex[i].text >= copy && ex[i].text < copy + size);
		FUZZ_CHECK(ex[i].text[0] != '\0');
		FUZZ_CHECK((ex[i].labels & ~ex[i].known) == 0);
		FUZZ_CHECK(ex[i].known < (1u << triage_model_nclasses));
	}
	free(ex);
	arena_free(&ar);
	return 0;
}
