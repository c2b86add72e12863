/*
 * import_facebook.c - a Facebook "Download Your Information" export in
 * JSON (docs/IMPORTS.md): the .zip, or one of its JSON files alone.
 *
 * Posts: posts/your_posts_<N>.json (newer: your_facebook_activity/posts/
 * your_posts__check_ins__photos_and_videos_<N>.json), a list of
 * {timestamp, data[{post} | {update_timestamp}], attachments[{data[
 * {media{uri, title, description, creation_timestamp}} |
 * {external_context{url, name}} | …]}], title}.  Comments we wrote:
 * comments/comments.json (newer: your_facebook_activity/
 * comments_and_reactions/comments.json), {"comments_v2": [{timestamp,
 * data[{comment{timestamp, comment, author}}], title}]}.  Which a file is,
 * is read from its shape.
 *
 * Every string goes through meta_unmojibake first (raw keeps the element
 * as written).  The export has no platform ids, so ids are synthetic and
 * stable (imp_synth_id over time and text, "export:facebook:post" /
 * "export:facebook:comment").  Posts are ITEM_POST, comments ITEM_COMMENT
 * without parent (the export names the post only in prose, "title"); both
 * ours (inbound 0).  A shared link (external_context.url) is added to the
 * text on its own line when the text does not already contain it; photos
 * and videos become media with their path in the export and SHA-256.
 * Elements with neither text nor attachments ("X updated his status.")
 * are skipped.
 */
#include "import.h"
#include "../base/buf.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FB "export:facebook"

static enum conn_rc
emit_post(struct imp *im, json_t *p, const char *raw)
{
	struct item it;
	enum conn_rc rc = CONN_OK;
	json_t *data = json_object_get(p, "data"), *d, *att, *a, *x;
	const char *post = NULL, *link = NULL;
	char id[200], *text = NULL;
	size_t i, k;

	item_init(&it);
	json_array_foreach(data, i, d)
	{
		if (post == NULL)
			post = imp_str(d, "post");
		if (json_object_get(d, "update_timestamp"))
			it.edited_at = imp_int(d, "update_timestamp", 0);
	}
	att = json_object_get(p, "attachments");
	json_array_foreach(att, i, a)
	{
		json_array_foreach(json_object_get(a, "data"), k, x)
		{
			json_t *media = json_object_get(x, "media");
			const char *u = imp_str(media, "uri");
			const char *l = imp_str(
			    json_object_get(x, "external_context"), "url");
			if (l != NULL && link == NULL)
				link = l;
			if (u != NULL && *u && it.nmedia < ITEM_MAX_MEDIA) {
				struct item_media *m = &it.media[it.nmedia++];
				if (str_starts(u, "https://") ||
				    str_starts(u, "http://")) {
					m->url = u;
				} else {
					m->path = u;
					m->sha256 = imp_media_sha(im, u);
				}
				m->mime = imp_mime(u);
			}
		}
	}
	if (post == NULL && link == NULL && it.nmedia == 0) {
		im->skipped++;
		return CONN_OK;
	}
	if (link != NULL && (post == NULL || strstr(post, link) == NULL)) {
		struct buf b;
		buf_init(&b, (post ? strlen(post) : 0) + strlen(link) + 4);
		if (post && *post)
			buf_printf(&b, "%s\n%s", post, link);
		else
			buf_adds(&b, link);
		text = buf_detach(&b, NULL);
	}
	it.created_at = imp_int(p, "timestamp", 0);
	if (it.edited_at == it.created_at)
		it.edited_at = 0;
	imp_synth_id(id, sizeof(id), FB ":post", it.created_at,
	             post   ? post
	             : link ? link
	                    : it.media[0].path);
	it.id = id;
	it.type = ITEM_POST;
	it.inbound = 0;
	it.text = text ? text : post ? post : "";
	it.hidden = 0;
	it.raw = raw;
	rc = imp_emit(im, &it);
	free(text);
	return rc;
}

static enum conn_rc
emit_comment(struct imp *im, json_t *c, const char *raw)
{
	struct item it;
	json_t *cm = NULL, *d;
	const char *text;
	char id[200];
	size_t i;

	json_array_foreach(json_object_get(c, "data"), i, d)
	{
		if (json_is_object(json_object_get(d, "comment"))) {
			cm = json_object_get(d, "comment");
			break;
		}
	}
	text = imp_str(cm, "comment");
	if (text == NULL) {
		im->skipped++;
		return CONN_OK;
	}
	item_init(&it);
	it.created_at = imp_int(cm, "timestamp", imp_int(c, "timestamp", 0));
	imp_synth_id(id, sizeof(id), FB ":comment", it.created_at, text);
	it.id = id;
	it.type = ITEM_COMMENT;
	it.inbound = 0;
	it.text = text;
	it.author_name = imp_str(cm, "author");
	it.hidden = 0;
	it.raw = raw;
	return imp_emit(im, &it);
}

/* The elements of a file and whether they are comments: the top-level
 * list (posts), comments_v2, or the first list in an object. */
static json_t *
the_list(json_t *root, int *comments)
{
	const char *k;
	json_t *v;
	*comments = 0;
	if (json_is_array(root))
		return root;
	v = json_object_get(root, "comments_v2");
	if (json_is_array(v)) {
		*comments = 1;
		return v;
	}
	json_object_foreach(root, k, v)
	{
		if (json_is_array(v)) {
			*comments = strstr(k, "comment") != NULL;
			return v;
		}
	}
	return NULL;
}

enum conn_rc
import_facebook_json(struct imp *im, const char *text, size_t len)
{
	json_t *root = imp_json(im, text, len, "Facebook JSON");
	json_t *list, *el;
	enum conn_rc rc = CONN_OK;
	int comments;
	size_t i, n;

	if (root == NULL)
		return im->ctx->err.rc;
	list = the_list(root, &comments);
	if (list == NULL) {
		json_decref(root);
		return conn_fail(im->ctx, CONN_E_MALFORMED, "shape",
		                 "not a Facebook posts or comments file");
	}
	n = json_array_size(list);
	json_array_foreach(list, i, el)
	{
		char *raw;
		imp_progress(im, "items", (int64_t)i, (int64_t)n);
		if (!json_is_object(el)) {
			im->skipped++;
			continue;
		}
		raw = json_dumps(el, JSON_COMPACT);
		imp_unmojibake_tree(el);
		rc = comments ? emit_comment(im, el, raw)
		              : emit_post(im, el, raw);
		free(raw);
		if (rc != CONN_OK)
			break;
	}
	if (rc == CONN_OK)
		imp_progress(im, "items", (int64_t)n, (int64_t)n);
	json_decref(root);
	return rc;
}

enum conn_rc
import_facebook(struct imp *im)
{
	if (im->src->n == 0)
		return conn_fail(im->ctx, CONN_E_MALFORMED, "no_posts",
		                 "no your_posts_1.json or comments.json in the "
		                 "export");
	return imp_each_member(im, import_facebook_json);
}
