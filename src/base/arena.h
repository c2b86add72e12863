/*
 * arena.h - region allocator for request- and command-scoped memory.
 *
 * Everything allocated from an arena lives until arena_free() releases the
 * whole region at one point (the end of a request, the end of a CLI
 * command).  Nothing taken from an arena is ever free()d on its own.
 * An arena is not thread-safe; each request owns its own.
 */
#ifndef KV_ARENA_H
#define KV_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* newest block first */
	size_t total;             /* bytes handed out, for limits/metrics */
};

/* Prepares an empty arena; allocates nothing yet. */
void arena_init(struct arena *a);
/* Releases every block; the arena may be reused afterwards. */
void arena_free(struct arena *a);
/* Returns n bytes aligned for any type, zeroed; arena memory. */
void *arena_alloc(struct arena *a, size_t n);
/* Returns an arena copy of s (NULL stays NULL). */
char *arena_strdup(struct arena *a, const char *s);
/* Returns an arena copy of n bytes of s, NUL-terminated. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Returns a formatted arena string. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
