/*
 * embed.h - files compiled into the binary (migrations, CSS, JS, OpenAPI,
 * translations).  The table is generated at build time by tools/embed.c
 * from the files listed in the Makefile; nothing is read from disk at run
 * time, so one binary is the whole product.
 */
#ifndef KV_EMBED_H
#define KV_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *name;          /* path relative to the source tree */
	const unsigned char *data; /* contents, NUL-terminated (not counted) */
	size_t len;
	const char *etag; /* quoted SHA-256 prefix, for HTTP caching */
};

extern const struct embed_file embed_files[];
extern const size_t embed_count;

/* Returns the embedded file with exactly this name, or NULL. */
const struct embed_file *embed_find(const char *name);

#endif
