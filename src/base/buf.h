/*
 * buf.h - growable byte buffer with a hard maximum.
 *
 * Every buffer fed from outside has a cap (ARCHITECTURE.md).  When an append
 * would pass the cap, nothing is appended, `overflow` is set and -1 is
 * returned; later appends keep failing so a caller may check once at the end.
 * The data is always NUL-terminated (the NUL is not counted in len).
 */
#ifndef KV_BUF_H
#define KV_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p;      /* data, NUL-terminated when non-NULL; owned */
	size_t len;   /* bytes used */
	size_t cap;   /* bytes allocated */
	size_t max;   /* hard limit on len */
	int overflow; /* an append was refused */
};

/* Prepares an empty buffer limited to max bytes. */
void buf_init(struct buf *b, size_t max);
/* Frees the data; b may be reused after buf_init. Accepts zeroed b. */
void buf_cleanup(struct buf *b);
/* Forgets the content but keeps the allocation. */
void buf_reset(struct buf *b);
/* Appends n bytes; 0 or -1 when the cap would be passed. */
int buf_add(struct buf *b, const void *p, size_t n);
/* Appends a NUL-terminated string. */
int buf_adds(struct buf *b, const char *s);
/* Appends one byte. */
int buf_addc(struct buf *b, char c);
/* Appends formatted text. */
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Returns the content as a C string ("" when empty); owned by b. */
const char *buf_str(const struct buf *b);
/* Hands the data to the caller (malloc'd, may be NULL) and empties b. */
char *buf_detach(struct buf *b, size_t *len);

#endif
