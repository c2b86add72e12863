/*
 * conn_collect.h - what every connector test shares: one collector for the
 * items, listings and metrics a connector emits (as JSON, so a test can
 * look them up by id or by order and count ids emitted twice in one run),
 * helpers to build a replay scenario (single-quoted JSON, routes, printf
 * appends), reading back the requests the replay server received, and
 * releasing a test's context.  Header-only; include after t.h and replay.h.
 */
#ifndef KV_CONN_COLLECT_H
#define KV_CONN_COLLECT_H

#include "../../src/connect/connect.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * What the callbacks saw.  An emitted item is kept as an object with every
 * field of struct item the tests look at:
 *   id, type (name), kind (enum item_type), parent, thread, text, html,
 *   handle, name (author_name), author (author_id), by (handle, else
 *   name, else author id: who the UI shows), lang, url, raw, hasraw (raw
 *   is a JSON object), media_url, media_mime, alt (of the first medium;
 *   absent strings are null), inbound, hidden, deleted, nmedia, created,
 *   edited, likes, replies, shares, views.
 * All JSON values are owned by the collector (coll_free).
 */
struct coll {
	json_t *items;    /* every emission of this run, in order */
	json_t *ids;      /* id -> last emission of this run */
	json_t *all;      /* id -> true, over every run */
	json_t *listings; /* parent ("" = own posts) -> [ids], this run */
	json_t *metrics;  /* "item|name" -> value (item "" = the channel) */
	json_t *mseq;     /* every metric: {item, name, v, at}, in order */
	int dups;         /* emissions of an id already emitted this run */
	int nlistings;    /* on_listing calls since coll_init/coll_reset */
	int listed;       /* ids in the last listing */
	int json_raw;     /* 1: an item whose raw is not a JSON object fails */
};

static inline int
coll_item(void *ud, const struct item *it)
{
	struct coll *c = ud;
	const char *by;
	json_t *o;
	if (it->id == NULL)
		return 0;
	if (json_object_get(c->ids, it->id))
		c->dups++;
	by = it->author_handle ? it->author_handle
	     : it->author_name ? it->author_name
	                       : it->author_id;
	o = json_pack("{s:s, s:s, s:i, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?,"
	              " s:s?, s:s?, s:s?, s:s?, s:s?, s:i}",
	              "id", it->id, "type", item_type_name(it->type), "kind",
	              (int)it->type, "parent", it->parent_id, "thread",
	              it->thread_id, "text", it->text, "html", it->html,
	              "handle", it->author_handle, "name", it->author_name,
	              "author", it->author_id, "by", by, "lang", it->lang,
	              "url", it->url, "raw", it->raw, "hasraw",
	              (int)(it->raw != NULL && it->raw[0] == '{'));
	json_object_update_new(
	    o, json_pack(
	           "{s:s?, s:s?, s:s?, s:i, s:i, s:i, s:i, s:I, s:I,"
	           " s:I, s:I, s:I, s:I}",
	           "media_url", it->nmedia ? it->media[0].url : NULL,
	           "media_mime", it->nmedia ? it->media[0].mime : NULL, "alt",
	           it->nmedia ? it->media[0].alt : NULL, "inbound", it->inbound,
	           "hidden", it->hidden, "deleted", it->deleted, "nmedia",
	           it->nmedia, "created", (json_int_t)it->created_at, "edited",
	           (json_int_t)it->edited_at, "likes", (json_int_t)it->likes,
	           "replies", (json_int_t)it->replies, "shares",
	           (json_int_t)it->shares, "views", (json_int_t)it->views));
	json_array_append(c->items, o);
	json_object_set_new(c->ids, it->id, o);
	json_object_set_new(c->all, it->id, json_true());
	if (c->json_raw && !(it->raw && it->raw[0] == '{'))
		return -1;
	return 0;
}

static inline int
coll_listing(void *ud, const char *parent, const char *const *ids, int n)
{
	struct coll *c = ud;
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(ids[i]));
	json_object_set_new(c->listings, parent ? parent : "", a);
	c->nlistings++;
	c->listed = n;
	return 0;
}

static inline int
coll_metric(void *ud, const char *item, const char *name, double v, int64_t at)
{
	struct coll *c = ud;
	char key[300];
	snprintf(key, sizeof(key), "%s|%s", item ? item : "", name);
	json_object_set_new(c->metrics, key, json_real(v));
	json_array_append_new(c->mseq, json_pack("{s:s, s:s, s:f, s:I}", "item",
	                                         item ? item : "", "name", name,
	                                         "v", v, "at", (json_int_t)at));
	return 0;
}

/* Forgets everything (also the ids of earlier runs); c may be all zero. */
static inline void
coll_reset(struct coll *c)
{
	json_decref(c->items);
	json_decref(c->ids);
	json_decref(c->all);
	json_decref(c->listings);
	json_decref(c->metrics);
	json_decref(c->mseq);
	c->items = json_array();
	c->ids = json_object();
	c->all = json_object();
	c->listings = json_object();
	c->metrics = json_object();
	c->mseq = json_array();
	c->dups = 0;
	c->nlistings = 0;
	c->listed = 0;
}

static inline void
coll_init(struct coll *c)
{
	memset(c, 0, sizeof(*c));
	coll_reset(c);
}

/* Starts a new run: forgets this run's items and listings, keeps "all",
 * the metrics and the listing count. */
static inline void
coll_run(struct coll *c)
{
	json_array_clear(c->items);
	json_object_clear(c->ids);
	json_object_clear(c->listings);
	c->dups = 0;
}

static inline void
coll_free(struct coll *c)
{
	json_decref(c->items);
	json_decref(c->ids);
	json_decref(c->all);
	json_decref(c->listings);
	json_decref(c->metrics);
	json_decref(c->mseq);
	memset(c, 0, sizeof(*c));
}

static inline void
coll_attach(struct coll *c, struct conn_ctx *ctx)
{
	ctx->ud = c;
	ctx->on_item = coll_item;
	ctx->on_listing = coll_listing;
	ctx->on_metric = coll_metric;
}

/* The last emission of id in this run, or NULL (borrowed). */
static inline json_t *
coll_find(const struct coll *c, const char *id)
{
	return json_object_get(c->ids, id);
}

/* Emission number i (0-based) of this run, or NULL (borrowed). */
static inline json_t *
coll_nth(const struct coll *c, size_t i)
{
	return json_array_get(c->items, i);
}

/* A string field of an item object, or NULL. */
static inline const char *
js(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A number field of an item object, or -99 when o or the field is absent. */
static inline long long
ji(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : -99;
}

/* A field of the emitted item id: string or NULL. */
static inline const char *
coll_s(const struct coll *c, const char *id, const char *field)
{
	return js(coll_find(c, id), field);
}

/* A field of the emitted item id: number, or -99 when absent. */
static inline long long
coll_i(const struct coll *c, const char *id, const char *field)
{
	return ji(coll_find(c, id), field);
}

/* 1 when a and b are both strings and equal. */
static inline int
coll_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Emissions of this run of kind type (enum item_type). */
static inline int
coll_count_kind(const struct coll *c, int type)
{
	size_t i;
	json_t *o;
	int n = 0;
	json_array_foreach(c->items, i, o) n += ji(o, "kind") == type;
	return n;
}

/* The number of ids in this run's listing of parent ("" own posts), or -1
 * when there was none. */
static inline int
coll_listed(const struct coll *c, const char *parent)
{
	const json_t *a = json_object_get(c->listings, parent);
	return a ? (int)json_array_size(a) : -1;
}

/* The last value of metric name for item (NULL or "": the channel), or -1
 * when none was emitted. */
static inline double
coll_metric_of(const struct coll *c, const char *item, const char *name)
{
	char key[300];
	snprintf(key, sizeof(key), "%s|%s", item ? item : "", name);
	return json_is_real(json_object_get(c->metrics, key))
	           ? json_real_value(json_object_get(c->metrics, key))
	           : -1;
}

/* Releases a context whose config, cred and state the test made. */
static inline void
ctx_release(struct conn_ctx *ctx)
{
	json_decref(ctx->config);
	json_decref(ctx->cred);
	json_decref(ctx->state);
	conn_ctx_cleanup(ctx);
}

/* --- scenarios ---------------------------------------------------------*/

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

/* Appends printf output to the scenario text s (of size n). */
static inline void __attribute__((format(printf, 3, 4)))
scn_add(char *s, size_t n, const char *fmt, ...)
{
	va_list ap;
	size_t l = strlen(s);
	va_start(ap, fmt);
	vsnprintf(s + l, n - l, fmt, ap);
	va_end(ap);
}

/* A route of a replay scenario (new reference); file may be NULL. */
static inline json_t *
scn_route(const char *method, const char *path, int status, const char *file)
{
	json_t *r = json_pack("{s:s, s:s, s:i}", "method", method, "path", path,
	                      "status", status);
	if (file)
		json_object_set_new(r, "body_file", json_string(file));
	return r;
}

/* Starts the replay server on routes and rewrite (both consumed; rewrite
 * may be NULL); 1 when it runs. */
static inline int
scn_start(struct replay *rp, json_t *routes, json_t *rewrite)
{
	json_t *sc = json_pack("{s:o}", "routes", routes);
	char *s;
	int ok;
	if (rewrite)
		json_object_set_new(sc, "rewrite", rewrite);
	s = json_dumps(sc, JSON_COMPACT);
	ok = replay_start(rp, s);
	free(s);
	json_decref(sc);
	return ok;
}

/* --- the replay server's request log -----------------------------------*/

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

/* The last request with method and path; caller decrefs; NULL if none. */
static inline json_t *
req_last(const struct replay *rp, const char *method, const char *path)
{
	json_t *a = replay_requests(rp), *r, *found = NULL;
	size_t i;
	json_array_foreach(a, i, r)
	{
		const char *m = json_string_value(json_object_get(r, "method"));
		const char *p = json_string_value(json_object_get(r, "path"));
		if (m && p && strcmp(m, method) == 0 && strcmp(p, path) == 0)
			found = r;
	}
	json_incref(found);
	json_decref(a);
	return found;
}

/* A request's header (any case) or query value, or NULL. */
static inline const char *
req_hdr(const json_t *r, const char *name)
{
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get((json_t *)(uintptr_t)r, "headers"),
	                    k, v)
	{
		if (strcasecmp(k, name) == 0)
			return json_string_value(v);
	}
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
