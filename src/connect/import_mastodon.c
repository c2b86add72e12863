/*
 * import_mastodon.c - a Mastodon account archive (docs/IMPORTS.md): the
 * .tar.gz from Preferences > Import and export > Request your archive, or
 * its outbox.json alone.
 *
 * outbox.json is an ActivityStreams OrderedCollection; the real file has
 * "orderedItems" twice and the last one holds the activities (imp_json
 * keeps the last of duplicate keys).  Create(Note|Question) becomes one of
 * our items (inbound 0): ITEM_POST, or ITEM_REPLY when inReplyTo names what
 * it answers (parent_id; thread_id when the chain reaches one of our own
 * top-level posts in the archive), ITEM_DM when addressed to neither the
 * public nor our followers (direct).  Announce (a boost of someone else's
 * status) is skipped and counted in im->skipped: the archive keeps only
 * the boosted status's URI, nothing of its text.  A content warning
 * (summary) comes first in text, then an empty line, then the content.
 * Attachments become media with the path inside the archive and the
 * SHA-256 of the file when the archive has it.
 */
#include "import.h"
#include "../base/buf.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AS_PUBLIC "https://www.w3.org/ns/activitystreams#Public"

/* 1 when the array (or string) v names the public collection. */
static int
names_public(const json_t *v)
{
	size_t i;
	const json_t *x;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		return strcmp(s, AS_PUBLIC) == 0 ||
		       strcmp(s, "as:Public") == 0 || strcmp(s, "Public") == 0;
	}
	json_array_foreach(v, i, x)
	{
		if (names_public(x))
			return 1;
	}
	return 0;
}

/* 1 when to/cc address a followers collection. */
static int
names_followers(const json_t *v)
{
	size_t i;
	const json_t *x;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = strlen(s);
		return n >= 10 && strcmp(s + n - 10, "/followers") == 0;
	}
	json_array_foreach(v, i, x)
	{
		if (names_followers(x))
			return 1;
	}
	return 0;
}

/* The language of a Note: the first key of contentMap, or NULL. */
static const char *
note_lang(const json_t *note)
{
	void *it = json_object_iter(json_object_get(note, "contentMap"));
	return it ? json_object_iter_key(it) : NULL;
}

/* Walks inReplyTo within the archive to our own top-level post; its id or
 * NULL (owned by the archive's JSON, like parent).  Bounded by the number of
 * notes. */
static const char *
thread_root(const json_t *notes, const char *parent)
{
	size_t guard = json_object_size(notes) + 1;
	while (parent != NULL && guard-- > 0) {
		const json_t *n = json_object_get(notes, parent);
		const char *up;
		if (n == NULL)
			return NULL;
		up = imp_str(n, "inReplyTo");
		if (up == NULL)
			return parent;
		parent = up;
	}
	return NULL;
}

/* Emits one Create activity's Note. */
static enum conn_rc
emit_note(struct imp *im, const json_t *act, const json_t *note,
          const json_t *notes, const char *handle, const char *name)
{
	struct item it;
	enum conn_rc rc;
	const char *content = imp_str(note, "content");
	const char *summary = imp_str(note, "summary");
	const char *parent = imp_str(note, "inReplyTo");
	const json_t *att = json_object_get(note, "attachment");
	const json_t *to = json_object_get(note, "to");
	const json_t *cc = json_object_get(note, "cc");
	char *body = html_to_text(content);
	char *text = NULL, *raw;
	size_t i;
	const json_t *a;

	item_init(&it);
	it.id = imp_str(note, "id");
	if (it.id == NULL) {
		free(body);
		im->skipped++;
		return CONN_OK;
	}
	it.inbound = 0;
	it.type = parent ? ITEM_REPLY : ITEM_POST;
	if (!names_public(to) && !names_public(cc) && !names_followers(to) &&
	    !names_followers(cc))
		it.type = ITEM_DM;
	it.parent_id = parent;
	it.thread_id = parent ? thread_root(notes, parent) : NULL;
	it.author_id = imp_str(note, "attributedTo");
	it.author_handle = handle;
	it.author_name = name;
	if (summary != NULL && *summary) {
		struct buf b;
		buf_init(&b, strlen(summary) + strlen(body) + 8);
		buf_printf(&b, "%s\n\n%s", summary, body);
		text = buf_detach(&b, NULL);
	}
	it.text = text ? text : body;
	it.html = content;
	it.lang = note_lang(note);
	if (time_parse_web(imp_str(note, "published"), &it.created_at) != 0)
		it.created_at = 0;
	if (imp_str(note, "updated") == NULL ||
	    time_parse_web(imp_str(note, "updated"), &it.edited_at) != 0)
		it.edited_at = 0;
	it.url = imp_str(note, "url");
	if (it.url == NULL)
		it.url = it.id;
	it.hidden = 0;
	json_array_foreach(att, i, a)
	{
		struct item_media *m;
		const char *u = imp_str(a, "url");
		if (it.nmedia >= ITEM_MAX_MEDIA || u == NULL)
			continue;
		m = &it.media[it.nmedia++];
		if (str_starts(u, "http://") || str_starts(u, "https://")) {
			m->url = u;
		} else {
			m->path = u[0] == '/' ? u + 1 : u;
			m->sha256 = imp_media_sha(im, m->path);
		}
		m->mime = imp_str(a, "mediaType");
		if (m->mime == NULL)
			m->mime = imp_mime(u);
		m->alt = imp_str(a, "name");
	}
	raw = json_dumps(act, JSON_COMPACT);
	it.raw = raw;
	rc = imp_emit(im, &it);
	free(raw);
	free(body);
	free(text);
	return rc;
}

enum conn_rc
import_mastodon_outbox(struct imp *im, const char *text, size_t len)
{
	json_t *root = imp_json(im, text, len, "outbox.json");
	json_t *items, *notes = NULL, *actor = NULL;
	const json_t *act;
	const char *handle = NULL, *name = NULL;
	char hbuf[512];
	enum conn_rc rc = CONN_OK;
	size_t i, n;

	if (root == NULL)
		return im->ctx->err.rc;
	items = json_object_get(root, "orderedItems");
	if (!json_is_array(items)) {
		rc = conn_fail(im->ctx, CONN_E_MALFORMED, "shape",
		               "outbox.json: no orderedItems list (is this a "
		               "Mastodon archive?)");
		goto out;
	}
	{
		const struct imp_member *am = imp_find(im, "actor.json");
		if (am != NULL) {
			actor = imp_json(im, am->data, am->len, "actor.json");
			if (actor == NULL) {
				rc = im->ctx->err.rc;
				goto out;
			}
		}
	}
	if (json_is_object(actor)) {
		const char *user = imp_str(actor, "preferredUsername");
		const char *id = imp_str(actor, "id");
		name = imp_str(actor, "name");
		if (user && id && str_starts(id, "https://")) {
			const char *h = id + 8;
			const char *e = strchr(h, '/');
			int hl = e ? (int)(e - h) : (int)strlen(h);
			snprintf(hbuf, sizeof(hbuf), "@%s@%.*s", user, hl, h);
			handle = hbuf;
		}
	}
	/* every Note by id, for threads */
	notes = json_object();
	{
		json_t *a, *o;
		json_array_foreach(items, i, a)
		{
			o = json_object_get(a, "object");
			if (imp_str(o, "id") != NULL)
				json_object_set(notes, imp_str(o, "id"), o);
		}
	}
	n = json_array_size(items);
	json_array_foreach(items, i, act)
	{
		const char *type = imp_str(act, "type");
		const json_t *o = json_object_get(act, "object");
		const char *ot = imp_str(o, "type");
		imp_progress(im, "items", (int64_t)i, (int64_t)n);
		if (type && strcmp(type, "Create") == 0 && json_is_object(o) &&
		    ot &&
		    (strcmp(ot, "Note") == 0 || strcmp(ot, "Question") == 0)) {
			rc = emit_note(im, act, o, notes, handle, name);
			if (rc != CONN_OK)
				goto out;
		} else {
			im->skipped++; /* Announce (boost) and the rest */
		}
	}
	imp_progress(im, "items", (int64_t)n, (int64_t)n);
out:
	json_decref(notes);
	json_decref(actor);
	json_decref(root);
	return rc;
}

enum conn_rc
import_mastodon(struct imp *im)
{
	const struct imp_member *m = imp_find(im, "outbox.json");
	if (m == NULL && im->src && im->src->n == 1 && im->src->dir)
		m = &im->src->m[0]; /* a bare file by another name */
	if (m == NULL)
		return conn_fail(im->ctx, CONN_E_MALFORMED, "no_outbox",
		                 "no outbox.json in the archive");
	return import_mastodon_outbox(im, m->data, m->len);
}
