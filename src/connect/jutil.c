/*
 * jutil.c - the small JSON readers and emit helpers the connectors share
 * (jutil.h).  Nothing here allocates what it returns.
 */
#include "jutil.h"
#include "../base/util.h"

#include <stdlib.h>

const char *
conn_jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? s : NULL;
}

int64_t
conn_jint(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

int64_t
json_count_or(const json_t *v, int64_t dflt)
{
	int64_t n;
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_real(v)) {
		double d = json_real_value(v);
		/* a real out of range (or NaN) is no count */
		if (!(d >= -9.2e18 && d <= 9.2e18))
			return dflt;
		return (int64_t)d;
	}
	if (json_is_string(v) && parse_i64(json_string_value(v), &n) == 0)
		return n;
	return dflt;
}

enum conn_rc
conn_stopped(struct conn_ctx *ctx)
{
	if (ctx->err.rc == CONN_OK)
		conn_fail(ctx, CONN_E_PLATFORM, "stopped",
		          "the caller stopped the cycle");
	return ctx->err.rc;
}

int
conn_emit_json(struct conn_ctx *ctx, struct item *it, const json_t *j)
{
	/* the platform's key order, as parsed */
	char *raw = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int r;
	it->raw = raw;
	r = conn_emit(ctx, it);
	free(raw);
	return r;
}
