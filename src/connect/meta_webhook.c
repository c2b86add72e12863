/*
 * meta_webhook.c - Meta webhooks (meta_webhook.h): X-Hub-Signature-256
 * with libsodium's HMAC-SHA256 and a constant-time compare, the
 * hub.mode=subscribe handshake, and page "feed"/"mention" and Instagram
 * "comments"/"mentions" changes turned into normalised items.
 *
 * Ids arrive as strings or, in older payloads, as numbers (sender_id,
 * from.id); both are read.  The raw of each item is its change's "value".
 */
#include "meta_webhook.h"
#include "jutil.h"
#include "graph.h"
#include "../base/buf.h"
#include "../base/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WH_MAX_PENDING 8192 /* bytes of queued Instagram mentions */

int
meta_webhook_verify(const char *app_secret, const void *body, size_t len,
                    const char *sig)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char want[2 * crypto_auth_hmacsha256_BYTES + 1];
	char got[sizeof(want)];

	if (app_secret == NULL || *app_secret == 0 || sig == NULL ||
	    (body == NULL && len > 0))
		return -1;
	if (strncmp(sig, "sha256=", 7) != 0 || strlen(sig + 7) != 64)
		return -1;
	for (int i = 0; i < 64; i++) {
		char c = sig[7 + i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		got[i] = c;
	}
	got[64] = 0;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)app_secret,
	                            strlen(app_secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(want, sizeof(want), mac, sizeof(mac));
	return sodium_memcmp(want, got, 64) == 0 ? 0 : -1;
}

const char *
meta_webhook_challenge(const char *mode, const char *verify_token,
                       const char *expected_token, const char *challenge)
{
	size_t n;
	if (mode == NULL || strcmp(mode, "subscribe") != 0 ||
	    verify_token == NULL || expected_token == NULL ||
	    *expected_token == 0 || challenge == NULL)
		return NULL;
	if (!str_eq_ct(verify_token, expected_token))
		return NULL;
	n = strlen(challenge);
	if (n == 0 || n > 256)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (challenge[i] <= ' ' || challenge[i] > '~')
			return NULL;
	return challenge;
}

/* --- parsing ----------------------------------------------------------- */

/* Emits it with raw = value; 1 emitted, 0 skipped (a change without an
 * id names nothing that can be kept), -1 stopped. */
static int
emit(struct conn_ctx *ctx, struct item *it, json_t *value)
{
	char *raw;
	int r;
	if (it->id == NULL || it->id[0] == '\0')
		return 0;
	raw = json_dumps(value, JSON_COMPACT);
	it->raw = raw;
	r = conn_emit(ctx, it);
	free(raw);
	if (r != 0) {
		if (ctx->err.rc == CONN_OK)
			conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			          "the caller stopped the delivery");
		return -1;
	}
	return 1;
}

/* Applies a feed verb to it. */
static void
apply_verb(struct item *it, const char *verb, json_t *v)
{
	int64_t t = graph_time(json_object_get(v, "created_time"));
	if (verb == NULL)
		verb = "";
	if (strcmp(verb, "edited") == 0 || strcmp(verb, "edit") == 0) {
		it->edited_at = t;
	} else {
		it->created_at = t;
	}
	if (strcmp(verb, "remove") == 0)
		it->deleted = 1;
	else if (strcmp(verb, "hide") == 0)
		it->hidden = 1;
	else if (strcmp(verb, "unhide") == 0)
		it->hidden = 0;
	else if (json_is_boolean(json_object_get(v, "is_hidden")))
		it->hidden = json_is_true(json_object_get(v, "is_hidden"));
}

/* A page "feed" or "mention" change; 0 skipped, 1 emitted, -1 stopped. */
static int
page_change(struct conn_ctx *ctx, const char *page, const char *field,
            json_t *v)
{
	struct item it;
	const char *item = conn_jstr(v, "item"), *verb = conn_jstr(v, "verb");
	const char *post = conn_jstr(v, "post_id"),
	           *parent = conn_jstr(v, "parent_id");
	json_t *from = json_object_get(v, "from");
	char abuf[32];

	if (item == NULL)
		return 0;
	item_init(&it);
	it.text = conn_jstr(v, "message");
	it.author_id =
	    graph_idstr(json_object_get(from, "id"), abuf, sizeof(abuf));
	it.author_name = conn_jstr(from, "name");
	if (it.author_id == NULL) /* hide/unhide payloads */
		it.author_id = graph_idstr(json_object_get(v, "sender_id"),
		                           abuf, sizeof(abuf));
	if (it.author_name == NULL)
		it.author_name = conn_jstr(v, "sender_name");
	it.inbound = !(it.author_id && page && strcmp(it.author_id, page) == 0);
	if (conn_jstr(v, "photo")) {
		it.media[0].url = conn_jstr(v, "photo");
		it.nmedia = 1;
	}
	apply_verb(&it, verb, v);

	if (strcmp(item, "comment") == 0) {
		it.id = conn_jstr(v, "comment_id");
		if (it.id == NULL || post == NULL)
			return 0;
		it.thread_id = post;
		if (parent && strcmp(parent, post) != 0) {
			it.type = ITEM_REPLY;
			it.parent_id = parent;
		} else {
			it.type = ITEM_COMMENT;
			it.parent_id = post;
		}
	} else if (strcmp(item, "post") == 0 || strcmp(item, "status") == 0 ||
	           strcmp(item, "photo") == 0 || strcmp(item, "video") == 0 ||
	           strcmp(item, "share") == 0) {
		it.id = post;
		if (it.id == NULL)
			return 0;
		it.type = ITEM_POST;
	} else {
		return 0; /* reactions, likes, events, ratings … */
	}
	if (strcmp(field, "mention") == 0) {
		it.type = ITEM_MENTION;
		it.inbound = 1;
	}
	return emit(ctx, &it, v);
}

/* Queues an Instagram mention ("c:<id>" or "m:<id>") for the next sync. */
static void
queue_mention(struct conn_ctx *ctx, char kind, const char *id)
{
	const char *old = conn_state(ctx, "ig_mentions");
	char tok[128];
	struct buf b;
	if (strlen(id) > 100)
		return;
	snprintf(tok, sizeof(tok), "%c:%s", kind, id);
	if (old) {
		const char *p = old;
		size_t n = strlen(tok);
		while ((p = strstr(p, tok)) != NULL) {
			if ((p == old || p[-1] == ' ') &&
			    (p[n] == 0 || p[n] == ' '))
				return; /* queued already */
			p++;
		}
	}
	buf_init(&b, WH_MAX_PENDING);
	if (old)
		buf_printf(&b, "%s ", old);
	if (buf_adds(&b, tok) == 0)
		conn_state_set(ctx, "ig_mentions", buf_str(&b));
	buf_cleanup(&b);
}

/* An Instagram change; 0 skipped, 1 emitted, -1 stopped. */
static int
ig_change(struct conn_ctx *ctx, const char *acct, const char *field, json_t *v)
{
	struct item it;
	json_t *from = json_object_get(v, "from");
	char abuf[32], ibuf[32], mbuf[32], pbuf[32];
	const char *media =
	    graph_idstr(json_object_get(json_object_get(v, "media"), "id"),
	                mbuf, sizeof(mbuf));

	item_init(&it);
	if (strcmp(field, "comments") == 0 ||
	    strcmp(field, "live_comments") == 0) {
		const char *parent = graph_idstr(
		    json_object_get(v, "parent_id"), pbuf, sizeof(pbuf));
		it.id =
		    graph_idstr(json_object_get(v, "id"), ibuf, sizeof(ibuf));
		if (it.id == NULL)
			return 0;
		it.text = conn_jstr(v, "text");
		it.author_id = graph_idstr(json_object_get(from, "id"), abuf,
		                           sizeof(abuf));
		it.author_handle = conn_jstr(from, "username");
		it.inbound =
		    !(it.author_id && acct && strcmp(it.author_id, acct) == 0);
		it.thread_id = media;
		if (parent) {
			it.type = ITEM_REPLY;
			it.parent_id = parent;
		} else {
			it.type = ITEM_COMMENT;
			it.parent_id = media;
		}
		return emit(ctx, &it, v);
	}
	if (strcmp(field, "mentions") == 0) {
		const char *cid = graph_idstr(json_object_get(v, "comment_id"),
		                              ibuf, sizeof(ibuf));
		const char *mid = graph_idstr(json_object_get(v, "media_id"),
		                              mbuf, sizeof(mbuf));
		it.type = ITEM_MENTION;
		it.inbound = 1;
		if (cid && *cid) {
			it.id = cid;
			it.parent_id = mid;
			it.thread_id = mid;
			queue_mention(ctx, 'c', cid);
		} else if (mid && *mid) {
			it.id = mid;
			queue_mention(ctx, 'm', mid);
		} else {
			return 0;
		}
		return emit(ctx, &it, v);
	}
	return 0;
}

int
meta_webhook_parse(struct conn_ctx *ctx, const char *body, size_t len)
{
	json_t *j = graph_load(ctx, body, len), *entries, *e;
	const char *obj;
	size_t i;
	int n = 0, ig;

	if (j == NULL)
		return -1;
	obj = conn_jstr(j, "object");
	entries = json_object_get(j, "entry");
	if (obj == NULL || !json_is_array(entries)) {
		json_decref(j);
		conn_fail(ctx, CONN_E_MALFORMED, "webhook",
		          "the delivery has no object or entry list");
		return -1;
	}
	ig = strcmp(obj, "instagram") == 0;
	if (!ig && strcmp(obj, "page") != 0) {
		json_decref(j);
		return 0; /* another object (user, permissions …) */
	}
	json_array_foreach(entries, i, e)
	{
		char idbuf[32];
		const char *acct =
		    graph_idstr(json_object_get(e, "id"), idbuf, sizeof(idbuf));
		json_t *c;
		size_t k;
		json_array_foreach(json_object_get(e, "changes"), k, c)
		{
			const char *field = conn_jstr(c, "field");
			json_t *v = json_object_get(c, "value");
			int r;
			if (field == NULL || !json_is_object(v))
				continue;
			if (ig)
				r = ig_change(ctx, acct, field, v);
			else if (strcmp(field, "feed") == 0 ||
			         strcmp(field, "mention") == 0)
				r = page_change(ctx, acct, field, v);
			else
				r = 0;
			if (r < 0) {
				json_decref(j);
				return -1;
			}
			n += r;
		}
	}
	json_decref(j);
	return n;
}
