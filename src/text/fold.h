/*
 * fold.h - Unicode case folding for search keys.
 *
 * Search in kanalvakt compares folded text: NFC-normalised, full Unicode
 * case folding (libunistring), so "ØRLAND", "Ørland" and "ørland" meet, on
 * SQLite and PostgreSQL alike.  Each searchable table keeps a `search_key`
 * column written by the domain with text_fold(); a query is folded the same
 * way and matched with LIKE.
 */
#ifndef KV_FOLD_H
#define KV_FOLD_H

#include "../base/arena.h"

/* Returns the case-folded NFC form of UTF-8 s (NULL → ""); arena memory.
 * Invalid UTF-8 is folded byte-wise as ASCII. */
char *text_fold(struct arena *ar, const char *s);
/* Returns "%" + fold(q) + "%" with LIKE's %, _ and \ escaped by \ (use
 * `LIKE ? ESCAPE '\'`), or "" when q is NULL or empty; arena memory. */
char *text_like_pattern(struct arena *ar, const char *q);

#endif
