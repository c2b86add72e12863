/*
 * xmem.h - allocation wrappers that never return NULL.
 *
 * Out of memory is fatal in kanalvakt (ARCHITECTURE.md "Memory and errors"):
 * the process logs and aborts and its supervisor restarts it, so callers
 * never need OOM branches.  Everything returned here is owned by the caller
 * and released with free().
 */
#ifndef KV_XMEM_H
#define KV_XMEM_H

#include <stddef.h>

/* Returns n bytes of uninitialised memory; caller frees. */
void *xmalloc(size_t n);
/* Returns n*size zeroed bytes; aborts on overflow; caller frees. */
void *xcalloc(size_t n, size_t size);
/* Resizes p to n bytes; caller frees the result (p is consumed). */
void *xrealloc(void *p, size_t n);
/* Returns a malloc'd copy of s (s may be NULL → NULL); caller frees. */
char *xstrdup(const char *s);
/* Returns a malloc'd, NUL-terminated copy of the first n bytes of s. */
char *xstrndup(const char *s, size_t n);

#endif
