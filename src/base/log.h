/*
 * log.h - one-line logging to stderr.
 *
 * Lines are "ISO-TIME LEVEL message".  Never log secrets or raw bodies;
 * untrusted strings go through log_quote() first.  Thread-safe (each line is
 * written with a single fputs under stdio's lock).
 */
#ifndef KV_LOG_H
#define KV_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERR };

/* Sets the lowest level written (default LOG_INFO). */
void log_set_level(enum log_level lvl);
void log_msg(enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Writes at most outlen-1 bytes of s into out, with controls and non-ASCII
 * escaped as \xNN and the result quoted; returns out. */
char *log_quote(const char *s, char *out, size_t outlen);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_err(...)   log_msg(LOG_ERR, __VA_ARGS__)

/* Logs and exits(1); only before serving or for broken invariants. */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
