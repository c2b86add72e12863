/*
 * conn_collect.h - what the connector tests (test_conn_x.c,
 * test_conn_youtube.c) share: a collector for the items, listings and
 * metrics a connector emits (counting ids emitted twice in one run),
 * scenarios written with single quotes, and reading back one request the
 * replay server received.  Header-only; include after t.h and replay.h.
 */
#ifndef KV_CONN_COLLECT_H
#define KV_CONN_COLLECT_H

#include "../../src/connect/connect.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct coll {
	json_t *items;   /* id -> what was emitted (this run) */
	json_t *all;     /* id -> 1, over every run */
	json_t *metrics; /* "item|name" -> value */
	int dups;        /* ids emitted twice in one run */
	int listings;    /* on_listing calls */
	int listed;      /* ids in the last listing */
};

static inline int
coll_item(void *ud, const struct item *it)
{
	struct coll *c = ud;
	json_t *o;
	if (it->id == NULL)
		return 0;
	if (json_object_get(c->items, it->id))
		c->dups++;
	o = json_pack(
	    "{s:s, s:s?, s:s?, s:i, s:s?, s:s?, s:I, s:I, s:I, s:I,"
	    " s:I, s:I, s:s?, s:s?, s:i, s:s?, s:s?, s:i, s:s?}",
	    "type", item_type_name(it->type), "parent", it->parent_id, "thread",
	    it->thread_id, "inbound", it->inbound, "text", it->text, "html",
	    it->html, "created", (json_int_t)it->created_at, "edited",
	    (json_int_t)it->edited_at, "likes", (json_int_t)it->likes, "shares",
	    (json_int_t)it->shares, "views", (json_int_t)it->views, "replies",
	    (json_int_t)it->replies, "handle", it->author_handle, "author",
	    it->author_id, "nmedia", it->nmedia, "alt",
	    it->nmedia ? it->media[0].alt : NULL, "media_url",
	    it->nmedia ? it->media[0].url : NULL, "hidden", it->hidden, "url",
	    it->url);
	json_object_set_new(c->items, it->id, o);
	json_object_set_new(c->all, it->id, json_true());
	return 0;
}

static inline int
coll_listing(void *ud, const char *parent, const char *const *ids, int n)
{
	struct coll *c = ud;
	(void)parent;
	(void)ids;
	c->listings++;
	c->listed = n;
	return 0;
}

static inline int
coll_metric(void *ud, const char *item, const char *name, double v, int64_t at)
{
	struct coll *c = ud;
	char key[300];
	(void)at;
	snprintf(key, sizeof(key), "%s|%s", item ? item : "", name);
	json_object_set_new(c->metrics, key, json_real(v));
	return 0;
}

static inline void
coll_init(struct coll *c)
{
	memset(c, 0, sizeof(*c));
	c->items = json_object();
	c->all = json_object();
	c->metrics = json_object();
}

/* Starts a new run: forgets this run's items, keeps "all". */
static inline void
coll_run(struct coll *c)
{
	json_object_clear(c->items);
	c->dups = 0;
}

static inline void
coll_free(struct coll *c)
{
	json_decref(c->items);
	json_decref(c->all);
	json_decref(c->metrics);
}

static inline void
coll_attach(struct coll *c, struct conn_ctx *ctx)
{
	ctx->ud = c;
	ctx->on_item = coll_item;
	ctx->on_listing = coll_listing;
	ctx->on_metric = coll_metric;
}

/* A field of an emitted item: string or NULL. */
static inline const char *
coll_s(const struct coll *c, const char *id, const char *field)
{
	return json_string_value(
	    json_object_get(json_object_get(c->items, id), field));
}

/* A field of an emitted item: number, or -99 when absent. */
static inline long long
coll_i(const struct coll *c, const char *id, const char *field)
{
	const json_t *v = json_object_get(json_object_get(c->items, id), field);
	return json_is_integer(v) ? (long long)json_integer_value(v) : -99;
}

static inline double
coll_metric_of(const struct coll *c, const char *item, const char *name)
{
	char key[300];
	snprintf(key, sizeof(key), "%s|%s", item ? item : "", name);
	return json_is_real(json_object_get(c->metrics, key))
	           ? json_real_value(json_object_get(c->metrics, key))
	           : -1;
}

/* The scenario s with every ' turned into " (static buffer). */
static inline const char *
scn(const char *s)
{
	static char out[16384];
	size_t i;
	for (i = 0; s[i] && i < sizeof(out) - 1; i++)
		out[i] = s[i] == '\'' ? '"' : s[i];
	out[i] = 0;
	return out;
}

/* The n-th (0-based) request with method and path, as the replay server
 * logged it ({"method","path","query","headers","body"}); caller
 * decrefs; NULL when there is none. */
static inline json_t *
req_nth(const struct replay *rp, const char *method, const char *path, int n)
{
	json_t *a = replay_requests(rp), *r, *found = NULL;
	size_t i;
	json_array_foreach(a, i, r)
	{
		const char *m = json_string_value(json_object_get(r, "method"));
		const char *p = json_string_value(json_object_get(r, "path"));
		if (m && p && strcmp(m, method) == 0 && strcmp(p, path) == 0 &&
		    n-- == 0) {
			found = json_incref(r);
			break;
		}
	}
	json_decref(a);
	return found;
}

/* A request's header (case as curl sent it) or query value, or NULL. */
static inline const char *
req_hdr(const json_t *r, const char *name)
{
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get((json_t *)(uintptr_t)r, "headers"),
	                    k, v) if (strcasecmp(k, name) ==
	                              0) return json_string_value(v);
	return NULL;
}

static inline const char *
req_query(const json_t *r, const char *name)
{
	return json_string_value(
	    json_object_get(json_object_get(r, "query"), name));
}

/* The request body parsed as JSON (caller decrefs), or NULL. */
static inline json_t *
req_json(const json_t *r)
{
	const char *b = json_string_value(json_object_get(r, "body"));
	return b ? json_loads(b, 0, NULL) : NULL;
}

#endif
