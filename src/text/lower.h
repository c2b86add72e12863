/*
 * lower.h - lower-casing a short word into a caller's buffer, for lexicon
 * and word-list lookups that must not allocate (lang.c, pdata.c).  Only
 * ASCII and the Latin-1 letters (Æ Ø Å Ä Ö É Ü …) are folded, which is all
 * the Nordic and English word lists need; for search keys use text_fold()
 * (fold.h), which folds all of Unicode.
 */
#ifndef KV_LOWER_H
#define KV_LOWER_H

#include <stddef.h>

/* Writes s[0..n) lower-cased and NUL-terminated into out (cap bytes).
 * Returns 1, or 0 (out untouched) when n + 1 > cap. */
int text_lower(const char *s, size_t n, char *out, size_t cap);

#endif
