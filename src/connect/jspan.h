/*
 * jspan.h - byte spans inside a JSON text, so a connector can keep each
 * item's payload exactly as the platform sent it (struct item.raw) while
 * it reads the values through jansson.
 *
 * The scanner only finds where values begin and end; it does not decode.
 * Call it on a body jansson has already accepted: it then agrees with
 * jansson on array order and, for duplicate keys, on the last one.  On any
 * other input it fails cleanly (returns -1), never reads past len.
 */
#ifndef KV_JSPAN_H
#define KV_JSPAN_H

#include <stddef.h>

/* A value's bytes: p[0..len), pointing into the caller's text. */
struct jspan {
	const char *p;
	size_t len;
};

/* The value at the start of s[0..n) (leading white space skipped).
 * 0, or -1 when there is none. */
int jspan_root(const char *s, size_t n, struct jspan *out);
/* Iterates the array arr: *pos starts at 0.  1 with the next element in
 * out, 0 at the end, -1 when arr is not a well-formed array. */
int jspan_next(const struct jspan *arr, size_t *pos, struct jspan *out);
/* The value of key (the last one when repeated) in the object obj: 1 found,
 * 0 not there, -1 when obj is not a well-formed object.  Keys are compared
 * as sent (no escape decoding). */
int jspan_key(const struct jspan *obj, const char *key, struct jspan *out);
/* A malloc'd NUL-terminated copy of the span (the caller frees it), or
 * NULL when out of memory. */
char *jspan_dup(const struct jspan *sp);

#endif
