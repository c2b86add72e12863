/*
 * log.c - stderr logging (see log.h).
 */
#include "log.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static enum log_level min_level = LOG_INFO;
static const char *const names[] = {"debug", "info", "warn", "error"};

void
log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

static void
vlog(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[2048], ts[32];
	int n;

	time_fmt_iso(time_now(), ts);
	n = snprintf(line, sizeof(line), "%s %s ", ts, names[lvl]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	fprintf(stderr, "%s\n", line);
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;
	if (lvl < min_level)
		return;
	va_start(ap, fmt);
	vlog(lvl, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}

char *
log_quote(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	if (outlen < 8) {
		if (outlen)
			out[0] = '\0';
		return out;
	}
	out[o++] = '"';
	for (; s != NULL && *s != '\0' && o + 6 < outlen; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}
