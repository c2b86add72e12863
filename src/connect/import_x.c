/*
 * import_x.c - an X (Twitter) archive (docs/IMPORTS.md): the .zip from
 * Settings > Your account > Download an archive of your data, or one of
 * its data/tweets.js files alone.
 *
 * Every data file is JavaScript, "window.YTD.<name>.part<N> = [ … ]": the
 * assignment is cut off and the rest read as JSON.  Tweets come from
 * tweets.js, tweets-part<N>.js and the older tweet.js / tweet-part<N>.js;
 * deleted-tweets.js gives tweets marked deleted = 1; account.js gives our
 * id, handle and name.  All numbers in the archive are strings.
 *
 * One item per tweet (inbound 0), ITEM_REPLY with parent_id when
 * in_reply_to_status_id_str is set.  An edited tweet is several tweets
 * whose edit_info lists the same editTweetIds: one item is emitted for
 * the chain, with the id of its first version present, its created_at,
 * the text of the last version present and edited_at its created_at.
 * Retweets ("RT @…", retweeted) are our shares of others' posts and are
 * skipped (im->skipped), as Mastodon boosts are.  full_text is
 * HTML-escaped (&amp; &gt;) and is decoded.  Media come from
 * extended_entities (else entities) with data/tweets_media/<tweet id>-<file
 * name> when the archive has it, hashed with SHA-256.
 */
#include "import.h"
#include "../base/buf.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cuts "window.YTD.x.part0 = " off a data file; the JSON that follows
 * (points into text), or NULL when it is not such a file. */
static const char *
js_body(const char *text, size_t len, size_t *blen)
{
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\n' ||
	                   text[i] == '\r' || text[i] == '\t'))
		i++;
	if (i < len && (text[i] == '[' || text[i] == '{')) {
		*blen = len - i;
		return text + i;
	}
	if (len - i < 11 || strncmp(text + i, "window.YTD.", 11) != 0)
		return NULL;
	while (i < len && text[i] != '=' && text[i] != '\n')
		i++;
	if (i >= len || text[i] != '=')
		return NULL;
	i++;
	*blen = len - i;
	return text + i;
}

/* Adds the tweets of one data file to all (each {"tweet":…} with
 * "_deleted" set when it came from deleted-tweets.js). */
static enum conn_rc
collect(struct imp *im, const char *text, size_t len, int deleted,
        const char *what, json_t *all)
{
	size_t blen, i;
	const char *body = js_body(text, len, &blen);
	json_t *arr, *el;
	if (body == NULL)
		return conn_fail(im->ctx, CONN_E_MALFORMED, "shape",
		                 "%s: not an X archive data file", what);
	arr = imp_json(im, body, blen, what);
	if (arr == NULL)
		return im->ctx->err.rc;
	if (!json_is_array(arr)) {
		json_decref(arr);
		return conn_fail(im->ctx, CONN_E_MALFORMED, "shape",
		                 "%s: not a list of tweets", what);
	}
	json_array_foreach(arr, i, el)
	{
		json_t *t = json_object_get(el, "tweet");
		if (!json_is_object(t))
			t = json_object_get(el, "deleted_tweet");
		if (!json_is_object(t) || imp_str(t, "id_str") == NULL) {
			im->skipped++;
			continue;
		}
		if (deleted)
			json_object_set_new(t, "_deleted", json_true());
		json_array_append(all, t);
	}
	json_decref(arr);
	return CONN_OK;
}

/* The editTweetIds list of a tweet, or NULL. */
static json_t *
edit_ids(const json_t *t)
{
	json_t *ei = json_object_get(t, "edit_info");
	json_t *ids =
	    json_object_get(json_object_get(ei, "initial"), "editTweetIds");
	if (ids == NULL)
		ids =
		    json_object_get(json_object_get(json_object_get(ei, "edit"),
		                                    "editControlInitial"),
		                    "editTweetIds");
	return json_is_array(ids) && json_array_size(ids) > 1 ? ids : NULL;
}

struct xacct {
	const char *id, *user, *name;
};

static enum conn_rc
emit_tweet(struct imp *im, json_t *first, json_t *last, json_t *byid,
           const struct xacct *ac)
{
	struct item it;
	enum conn_rc rc;
	char url[256], *text, *raw;
	char paths[ITEM_MAX_MEDIA][160];
	const char *id = imp_str(first, "id_str");
	const char *parent = imp_str(first, "in_reply_to_status_id_str");
	json_t *media, *m;
	size_t i;

	item_init(&it);
	it.id = id;
	it.inbound = 0;
	it.type = parent && *parent ? ITEM_REPLY : ITEM_POST;
	it.parent_id = parent && *parent ? parent : NULL;
	if (it.parent_id) {
		/* the thread's root when the chain stays in the archive */
		const char *p = it.parent_id;
		size_t guard = json_object_size(byid) + 1;
		while (guard-- > 0) {
			json_t *pt = json_object_get(byid, p);
			const char *up;
			if (pt == NULL)
				break;
			up = imp_str(pt, "in_reply_to_status_id_str");
			if (up == NULL || *up == '\0') {
				it.thread_id = p;
				break;
			}
			p = up;
		}
	}
	it.author_id = ac->id;
	it.author_handle = ac->user;
	it.author_name = ac->name;
	text = html_to_text(imp_str(last, "full_text"));
	it.text = text;
	it.lang = imp_str(last, "lang");
	if (time_parse_web(imp_str(first, "created_at"), &it.created_at) != 0)
		it.created_at = 0;
	if (last != first &&
	    time_parse_web(imp_str(last, "created_at"), &it.edited_at) != 0)
		it.edited_at = 0;
	if (ac->user)
		snprintf(url, sizeof(url), "https://x.com/%.60s/status/%.40s",
		         ac->user, id);
	else
		snprintf(url, sizeof(url), "https://x.com/i/web/status/%.40s",
		         id);
	it.url = url;
	it.deleted = json_is_true(json_object_get(last, "_deleted")) ||
	             json_is_true(json_object_get(first, "_deleted"));
	it.hidden = 0;
	it.likes = imp_int(last, "favorite_count", -1);
	it.shares = imp_int(last, "retweet_count", -1);
	media = json_object_get(json_object_get(last, "extended_entities"),
	                        "media");
	if (!json_is_array(media))
		media =
		    json_object_get(json_object_get(last, "entities"), "media");
	json_array_foreach(media, i, m)
	{
		struct item_media *im_;
		const char *u = imp_str(m, "media_url_https");
		const char *type = imp_str(m, "type");
		const char *file;
		char fbuf[128];
		json_t *vars = json_object_get(json_object_get(m, "video_info"),
		                               "variants");
		if (it.nmedia >= ITEM_MAX_MEDIA || u == NULL)
			continue;
		im_ = &it.media[it.nmedia];
		im_->url = u;
		im_->mime = imp_mime(u);
		im_->alt = imp_str(m, "ext_alt_text");
		file = imp_base(u);
		if (type && strcmp(type, "photo") != 0 && json_is_array(vars)) {
			/* a video: the archive keeps the best mp4 variant */
			json_t *v;
			size_t k;
			json_array_foreach(vars, k, v)
			{
				const char *vu = imp_str(v, "url");
				const char *q;
				if (vu == NULL)
					continue;
				q = strchr(imp_base(vu), '?');
				snprintf(fbuf, sizeof(fbuf), "%.*s",
				         q ? (int)(q - imp_base(vu)) : 100,
				         imp_base(vu));
				snprintf(paths[it.nmedia],
				         sizeof(paths[it.nmedia]),
				         "tweets_media/%.40s-%.100s", id, fbuf);
				if (imp_media_sha(im, paths[it.nmedia])) {
					im_->url = vu;
					im_->mime = imp_str(v, "content_type");
					file = NULL;
					break;
				}
			}
		}
		if (file != NULL)
			snprintf(paths[it.nmedia], sizeof(paths[it.nmedia]),
			         "tweets_media/%.40s-%.100s", id, file);
		im_->sha256 = imp_media_sha(im, paths[it.nmedia]);
		if (im_->sha256)
			im_->path = paths[it.nmedia];
		it.nmedia++;
	}
	raw = json_dumps(last, JSON_COMPACT);
	it.raw = raw;
	rc = imp_emit(im, &it);
	free(raw);
	free(text);
	return rc;
}

/* 1 when t is a retweet (our share of someone else's post). */
static int
is_retweet(const json_t *t)
{
	const char *s = imp_str(t, "full_text");
	return s != NULL && str_starts(s, "RT @");
}

static enum conn_rc
emit_all(struct imp *im, json_t *all, const struct xacct *ac)
{
	json_t *byid = json_object(), *t;
	json_t *done = json_object();
	enum conn_rc rc = CONN_OK;
	size_t i, n = json_array_size(all);

	json_array_foreach(all, i, t)
	{
		/* a deleted copy never replaces the live one */
		json_t *had = json_object_get(byid, imp_str(t, "id_str"));
		if (had == NULL)
			json_object_set(byid, imp_str(t, "id_str"), t);
		else if (json_is_true(json_object_get(t, "_deleted")) &&
		         !json_is_true(json_object_get(had, "_deleted")))
			continue;
		else
			json_object_set(byid, imp_str(t, "id_str"), t);
	}
	json_array_foreach(all, i, t)
	{
		const char *id = imp_str(t, "id_str");
		json_t *ids = edit_ids(t), *first = NULL, *last = NULL, *v;
		size_t k;
		imp_progress(im, "items", (int64_t)i, (int64_t)n);
		if (json_object_get(done, id) != NULL)
			continue;
		json_object_set_new(done, id, json_true());
		if (is_retweet(t)) {
			im->skipped++;
			continue;
		}
		json_array_foreach(ids, k, v)
		{
			json_t *e = json_object_get(byid, json_string_value(v));
			if (e == NULL || !json_string_value(v))
				continue;
			json_object_set_new(done, json_string_value(v),
			                    json_true());
			if (first == NULL)
				first = e;
			last = e;
		}
		if (first == NULL)
			first = last = json_object_get(byid, id);
		rc = emit_tweet(im, first, last, byid, ac);
		if (rc != CONN_OK)
			break;
	}
	if (rc == CONN_OK)
		imp_progress(im, "items", (int64_t)n, (int64_t)n);
	json_decref(done);
	json_decref(byid);
	return rc;
}

enum conn_rc
import_x_js(struct imp *im, const char *text, size_t len, int deleted)
{
	struct xacct ac = {NULL, NULL, NULL};
	json_t *all = json_array();
	enum conn_rc rc = collect(im, text, len, deleted, "tweets.js", all);
	if (rc == CONN_OK)
		rc = emit_all(im, all, &ac);
	json_decref(all);
	return rc;
}

/* Reads account.js into ac (strings owned by *keep). */
static void
read_account(struct imp *im, json_t **keep, struct xacct *ac)
{
	const struct imp_member *m = imp_find(im, "account.js");
	size_t blen;
	const char *body;
	json_t *a;
	if (m == NULL || (body = js_body(m->data, m->len, &blen)) == NULL)
		return;
	*keep = json_loadb(body, blen, 0, NULL);
	a = json_object_get(json_array_get(*keep, 0), "account");
	ac->id = imp_str(a, "accountId");
	ac->user = imp_str(a, "username");
	ac->name = imp_str(a, "accountDisplayName");
}

enum conn_rc
import_x(struct imp *im)
{
	struct xacct ac = {NULL, NULL, NULL};
	json_t *keep = NULL, *all = json_array();
	enum conn_rc rc = CONN_OK;
	int found = 0;

	read_account(im, &keep, &ac);
	for (int i = 0; i < im->src->n && rc == CONN_OK; i++) {
		const struct imp_member *m = &im->src->m[i];
		const char *b = imp_base(m->name);
		int del = str_starts(b, "deleted-tweets");
		if (strcmp(b, "account.js") == 0)
			continue;
		if (!del && !str_starts(b, "tweet") && im->src->dir == NULL)
			continue;
		found++;
		rc = collect(im, m->data, m->len, del, m->name, all);
	}
	if (rc == CONN_OK && found == 0)
		rc = conn_fail(im->ctx, CONN_E_MALFORMED, "no_tweets",
		               "no data/tweets.js in the archive");
	if (rc == CONN_OK)
		rc = emit_all(im, all, &ac);
	json_decref(all);
	json_decref(keep);
	return rc;
}
