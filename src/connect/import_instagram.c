/*
 * import_instagram.c - an Instagram export in JSON (docs/IMPORTS.md): the
 * .zip from Accounts Center > Your information and permissions > Download
 * your information (format JSON), or one of its JSON files alone.
 *
 * Posts: your_instagram_activity/content/posts_<N>.json (older exports:
 * content/posts_<N>.json), a list of {media[{uri, creation_timestamp,
 * title, …}], title?, creation_timestamp?}.  A single photo carries the
 * caption in media[0].title, a carousel at the top level.  Comments we
 * wrote: comments/post_comments_<N>.json, a list of {media_list_data,
 * string_map_data{Comment{value}, Media Owner{value}, Time{timestamp}}}.
 * Which a file is, is read from its shape, not its name.
 *
 * Meta writes each UTF-8 byte as its own \u00XX escape: every string goes
 * through meta_unmojibake first (raw keeps the element as written).
 * The export has no platform ids: posts get "export:instagram:" plus the
 * path of their first media file (stable across exports), comments a
 * synthetic id from time and text (imp_synth_id).  Items are ours
 * (inbound 0); comments are ITEM_COMMENT, with parent_id the post's id
 * when the comment names a media file of the export.
 */
#include "import.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IG "export:instagram"

/* The list inside a file: the top-level array, or the first array value
 * of a top-level object ({"comments_media_comments": [...]}). */
static json_t *
the_list(json_t *root)
{
	const char *k;
	json_t *v;
	if (json_is_array(root))
		return root;
	json_object_foreach(root, k, v)
	{
		if (json_is_array(v))
			return v;
	}
	return NULL;
}

static enum conn_rc
emit_post(struct imp *im, json_t *p, const char *raw)
{
	struct item it;
	enum conn_rc rc;
	json_t *media = json_object_get(p, "media"), *m;
	const char *uri0 = imp_str(json_array_get(media, 0), "uri");
	const char *cap = imp_str(p, "title");
	char id[600];
	size_t i;

	item_init(&it);
	if (cap == NULL || *cap == '\0')
		cap = imp_str(json_array_get(media, 0), "title");
	it.created_at = imp_int(p, "creation_timestamp", 0);
	if (it.created_at == 0)
		it.created_at =
		    imp_int(json_array_get(media, 0), "creation_timestamp", 0);
	if (uri0 && *uri0)
		snprintf(id, sizeof(id), "%s:%.500s", IG, uri0);
	else
		imp_synth_id(id, sizeof(id), IG ":post", it.created_at, cap);
	it.id = id;
	it.type = ITEM_POST;
	it.inbound = 0;
	it.text = cap ? cap : "";
	it.hidden = 0;
	json_array_foreach(media, i, m)
	{
		struct item_media *x;
		const char *u = imp_str(m, "uri");
		if (it.nmedia >= ITEM_MAX_MEDIA || u == NULL || *u == '\0')
			continue;
		x = &it.media[it.nmedia++];
		if (str_starts(u, "https://") || str_starts(u, "http://")) {
			x->url = u;
		} else {
			x->path = u;
			x->sha256 = imp_media_sha(im, u);
		}
		x->mime = imp_mime(u);
	}
	it.raw = raw;
	rc = imp_emit(im, &it);
	return rc;
}

static enum conn_rc
emit_comment(struct imp *im, json_t *c, const char *raw)
{
	struct item it;
	enum conn_rc rc;
	json_t *smd = json_object_get(c, "string_map_data");
	const char *text = imp_str(json_object_get(smd, "Comment"), "value");
	const char *uri = imp_str(
	    json_array_get(json_object_get(c, "media_list_data"), 0), "uri");
	char id[200], parent[600];

	item_init(&it);
	it.created_at = imp_int(json_object_get(smd, "Time"), "timestamp", 0);
	imp_synth_id(id, sizeof(id), IG ":comment", it.created_at, text);
	it.id = id;
	it.type = ITEM_COMMENT;
	it.inbound = 0;
	it.text = text ? text : "";
	it.hidden = 0;
	if (uri && *uri) {
		snprintf(parent, sizeof(parent), "%s:%.500s", IG, uri);
		it.parent_id = parent;
	}
	it.raw = raw;
	rc = imp_emit(im, &it);
	return rc;
}

enum conn_rc
import_instagram_json(struct imp *im, const char *text, size_t len)
{
	json_t *root = imp_json(im, text, len, "Instagram JSON");
	json_t *list, *el;
	char *raw;
	enum conn_rc rc = CONN_OK;
	size_t i, n;

	if (root == NULL)
		return im->ctx->err.rc;
	list = the_list(root);
	if (list == NULL) {
		json_decref(root);
		return conn_fail(im->ctx, CONN_E_MALFORMED, "shape",
		                 "not an Instagram posts or comments file");
	}
	n = json_array_size(list);
	json_array_foreach(list, i, el)
	{
		imp_progress(im, "items", (int64_t)i, (int64_t)n);
		if (!json_is_object(el)) {
			im->skipped++;
			continue;
		}
		raw = json_dumps(el, JSON_COMPACT);
		imp_unmojibake_tree(el);
		if (json_is_array(json_object_get(el, "media")))
			rc = emit_post(im, el, raw);
		else if (json_is_object(json_object_get(el, "string_map_data")))
			rc = emit_comment(im, el, raw);
		else
			im->skipped++;
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
import_instagram(struct imp *im)
{
	if (im->src->n == 0)
		return conn_fail(im->ctx, CONN_E_MALFORMED, "no_posts",
		                 "no posts_1.json or post_comments_1.json in "
		                 "the export");
	return imp_each_member(im, import_instagram_json);
}
