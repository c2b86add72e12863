/*
 * fuzz.h - what the libFuzzer targets in fuzz/ share.
 *
 * FUZZ_CHECK(c) aborts when an invariant does not hold, so libFuzzer
 * reports the input as a crash just like a sanitizer finding.  fuzz_str()
 * copies the input into a NUL-terminated buffer from the arena (the data
 * libFuzzer passes is not terminated); text stops at the first NUL byte.
 */
#ifndef KV_FUZZ_H
#define KV_FUZZ_H

#include "../src/base/arena.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(c)                                                          \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
			        __FILE__, __LINE__, #c);                       \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline char *
fuzz_str(struct arena *ar, const uint8_t *data, size_t size)
{
	return arena_strndup(ar, (const char *)data, size);
}

#endif
