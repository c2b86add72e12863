/*
 * lang_sample.h - the sample text from which lang.c builds its character
 * trigram profiles: a few hundred words per language, written for this
 * project (lang_sample.c), in the style of what a municipality, county or
 * college reads and writes on social media.  Not the test set: the
 * comments in tests/unit/test_lang.c are written separately.
 */
#ifndef KV_LANG_SAMPLE_H
#define KV_LANG_SAMPLE_H

#include "lang.h"

/* One NUL-terminated text per enum lang_code (static). */
extern const char *const lang_sample[LANG__COUNT];

#endif
