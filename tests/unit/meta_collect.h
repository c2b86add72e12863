/*
 * meta_collect.h - what the Meta connector tests (test_conn_facebook.c,
 * test_conn_instagram.c, test_meta_webhook.c) share: callbacks that keep
 * every item, listing and metric a connector emits, so a test can look
 * them up and count duplicates.  Header-only; include after t.h.
 */
#ifndef KV_META_COLLECT_H
#define KV_META_COLLECT_H

#include "../../src/connect/connect.h"

#include <stdlib.h>
#include <string.h>

#define MC_MAX 512

struct mc_item {
	char id[160], parent[160], thread[160], author[160], text[200];
	int type, inbound, hidden, deleted, nmedia;
	int64_t created, edited, likes, replies, shares;
	char media0[300];
};

struct mc_listing {
	char parent[160]; /* "" for NULL */
	int n;
};

struct mc_metric {
	char item[160], name[64];
	double v;
	int64_t at;
};

struct mc {
	struct mc_item it[MC_MAX];
	int n;
	struct mc_listing ls[MC_MAX];
	int nls;
	struct mc_metric m[MC_MAX];
	int nm;
};

static inline void
mc_cp(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static inline int
mc_on_item(void *ud, const struct item *it)
{
	struct mc *c = ud;
	struct mc_item *x;
	if (c->n >= MC_MAX)
		return -1;
	x = &c->it[c->n++];
	mc_cp(x->id, sizeof(x->id), it->id);
	mc_cp(x->parent, sizeof(x->parent), it->parent_id);
	mc_cp(x->thread, sizeof(x->thread), it->thread_id);
	mc_cp(x->author, sizeof(x->author),
	      it->author_handle ? it->author_handle
	      : it->author_name ? it->author_name
	                        : it->author_id);
	mc_cp(x->text, sizeof(x->text), it->text);
	mc_cp(x->media0, sizeof(x->media0),
	      it->nmedia > 0 ? it->media[0].url : NULL);
	x->type = (int)it->type;
	x->inbound = it->inbound;
	x->hidden = it->hidden;
	x->deleted = it->deleted;
	x->nmedia = it->nmedia;
	x->created = it->created_at;
	x->edited = it->edited_at;
	x->likes = it->likes;
	x->replies = it->replies;
	x->shares = it->shares;
	return it->raw && it->raw[0] == '{' ? 0 : -1; /* raw is the JSON */
}

static inline int
mc_on_listing(void *ud, const char *parent, const char *const *ids, int n)
{
	struct mc *c = ud;
	(void)ids;
	if (c->nls >= MC_MAX)
		return -1;
	mc_cp(c->ls[c->nls].parent, sizeof(c->ls[0].parent), parent);
	c->ls[c->nls++].n = n;
	return 0;
}

static inline int
mc_on_metric(void *ud, const char *item, const char *name, double v,
             int64_t at)
{
	struct mc *c = ud;
	if (c->nm >= MC_MAX)
		return -1;
	mc_cp(c->m[c->nm].item, sizeof(c->m[0].item), item);
	mc_cp(c->m[c->nm].name, sizeof(c->m[0].name), name);
	c->m[c->nm].v = v;
	c->m[c->nm++].at = at;
	return 0;
}

static inline void
mc_attach(struct mc *c, struct conn_ctx *ctx)
{
	memset(c, 0, sizeof(*c));
	ctx->ud = c;
	ctx->on_item = mc_on_item;
	ctx->on_listing = mc_on_listing;
	ctx->on_metric = mc_on_metric;
}

/* The item with id, or NULL. */
static inline const struct mc_item *
mc_find(const struct mc *c, const char *id)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->it[i].id, id) == 0)
			return &c->it[i];
	return NULL;
}

/* Items emitted more than once. */
static inline int
mc_dups(const struct mc *c)
{
	int d = 0;
	for (int i = 0; i < c->n; i++)
		for (int k = i + 1; k < c->n; k++)
			if (strcmp(c->it[i].id, c->it[k].id) == 0)
				d++;
	return d;
}

static inline int
mc_count_type(const struct mc *c, int type)
{
	int n = 0;
	for (int i = 0; i < c->n; i++)
		n += c->it[i].type == type;
	return n;
}

/* The size of the listing of parent ("" for own posts), -1 when none. */
static inline int
mc_listing(const struct mc *c, const char *parent)
{
	for (int i = 0; i < c->nls; i++)
		if (strcmp(c->ls[i].parent, parent) == 0)
			return c->ls[i].n;
	return -1;
}

/* The value of metric name for item ("" channel), or -1. */
static inline double
mc_metric(const struct mc *c, const char *item, const char *name)
{
	double v = -1;
	for (int i = 0; i < c->nm; i++)
		if (strcmp(c->m[i].item, item) == 0 &&
		    strcmp(c->m[i].name, name) == 0)
			v = c->m[i].v;
	return v;
}

/* The request log entry number i (0-based) with method and path, as a
 * new reference, or NULL. */
static inline json_t *
mc_request(const struct replay *rp, const char *method, const char *path,
           int nth)
{
	json_t *a = replay_requests(rp), *r, *out = NULL;
	size_t i;
	json_array_foreach(a, i, r)
	{
		const char *m = json_string_value(json_object_get(r, "method"));
		const char *p = json_string_value(json_object_get(r, "path"));
		if (m && p && strcmp(m, method) == 0 && strcmp(p, path) == 0 &&
		    nth-- == 0) {
			out = json_incref(r);
			break;
		}
	}
	json_decref(a);
	return out;
}

#endif
