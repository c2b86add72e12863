/*
 * capture.c - the capture store: blobs, exchanges, items, versions,
 * events, the capture log chain and its verification, and the readers
 * (see capture.h and docs/CAPTURE.md).
 *
 * Hashes use the audit log's encoding: SHA-256 over a tag and NUL, then
 * each field as "<len>:<bytes>" ("-1:" for NULL), so no field can run into
 * the next.  The objects:
 *   content  "kv-content-v1": text, then url, mime, alt of each medium
 *            (what makes a new version; counters and names do not)
 *   version  "kv-version-v1": item_id, version, seen_at, text, html,
 *            author_name, content_sha256, raw_sha256, exchange_id,
 *            media_json
 *   event    "kv-event-v1": id, item_id, at, kind, detail
 *   exchange "kv-exchange-v1": id, channel_id, at, method_url,
 *            req_headers, status, resp_headers, body_sha256, duration_ms,
 *            error
 *   log row  "kv-capture-v1": seq, at, channel_id, item_id, version,
 *            object_id, event, object_sha256, prev_hash
 * A 'created' or 'edited' row logs its version and its event together:
 * object_sha256 = SHA-256 of "kv-pair-v1" with both hashes.
 */
#include "capture.h"
#include "../base/buf.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../base/xmem.h"
#include "../text/stem.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char zero_hash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* --- hashing ------------------------------------------------------------ */

static void
hb_init(struct buf *b, const char *tag)
{
	buf_init(b, (size_t)256 << 20);
	buf_add(b, tag, strlen(tag) + 1);
}

static void
hb_s(struct buf *b, const char *s)
{
	if (s == NULL) {
		buf_adds(b, "-1:");
		return;
	}
	buf_printf(b, "%zu:", strlen(s));
	buf_adds(b, s);
}

/* An integer; null when is_null (stored as SQL NULL). */
static void
hb_i(struct buf *b, int64_t v, int is_null)
{
	char tmp[32];
	if (is_null) {
		hb_s(b, NULL);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	hb_s(b, tmp);
}

static void
hb_done(struct buf *b, char out[65])
{
	sha256_hex(b->p, b->len, out);
	buf_cleanup(b);
}

static void
content_hash(const struct item *it, char out[65])
{
	struct buf b;
	hb_init(&b, "kv-content-v1");
	hb_s(&b, it->text ? it->text : "");
	for (int i = 0; i < it->nmedia && i < ITEM_MAX_MEDIA; i++) {
		hb_s(&b, it->media[i].url);
		hb_s(&b, it->media[i].mime);
		hb_s(&b, it->media[i].alt);
	}
	hb_done(&b, out);
}

int
capture_content_sha256(const char *text, const char *media_json, char out[65])
{
	struct item it;
	json_t *a = json_loads(media_json ? media_json : "[]", 0, NULL);
	size_t i;
	json_t *m;

	if (!json_is_array(a) || json_array_size(a) > ITEM_MAX_MEDIA) {
		json_decref(a);
		return -1;
	}
	item_init(&it);
	it.text = text;
	json_array_foreach(a, i, m)
	{
		it.media[i].url = json_string_value(json_object_get(m, "url"));
		it.media[i].mime =
		    json_string_value(json_object_get(m, "mime"));
		it.media[i].alt = json_string_value(json_object_get(m, "alt"));
	}
	it.nmedia = (int)json_array_size(a);
	content_hash(&it, out);
	json_decref(a);
	return 0;
}

struct vrow {
	int64_t item_id, version, seen_at, exchange_id;
	const char *text, *html, *author_name, *content_sha256, *raw_sha256;
	const char *media_json;
};

static void
version_hash(const struct vrow *v, char out[65])
{
	struct buf b;
	hb_init(&b, "kv-version-v1");
	hb_i(&b, v->item_id, 0);
	hb_i(&b, v->version, 0);
	hb_i(&b, v->seen_at, 0);
	hb_s(&b, v->text);
	hb_s(&b, v->html);
	hb_s(&b, v->author_name);
	hb_s(&b, v->content_sha256);
	hb_s(&b, v->raw_sha256);
	hb_i(&b, v->exchange_id, v->exchange_id == 0);
	hb_s(&b, v->media_json);
	hb_done(&b, out);
}

static void
event_hash(int64_t id, int64_t item_id, int64_t at, const char *kind,
           const char *detail, char out[65])
{
	struct buf b;
	hb_init(&b, "kv-event-v1");
	hb_i(&b, id, 0);
	hb_i(&b, item_id, 0);
	hb_i(&b, at, 0);
	hb_s(&b, kind);
	hb_s(&b, detail);
	hb_done(&b, out);
}

static void
pair_hash(const char *a, const char *b2, char out[65])
{
	struct buf b;
	hb_init(&b, "kv-pair-v1");
	hb_s(&b, a);
	hb_s(&b, b2);
	hb_done(&b, out);
}

struct xrow {
	int64_t id, channel_id, at, status, duration_ms;
	const char *method_url, *req_headers, *resp_headers, *body_sha256;
	const char *error;
};

static void
exchange_hash(const struct xrow *x, char out[65])
{
	struct buf b;
	hb_init(&b, "kv-exchange-v1");
	hb_i(&b, x->id, 0);
	hb_i(&b, x->channel_id, 0);
	hb_i(&b, x->at, 0);
	hb_s(&b, x->method_url);
	hb_s(&b, x->req_headers);
	hb_i(&b, x->status, 0);
	hb_s(&b, x->resp_headers);
	hb_s(&b, x->body_sha256);
	hb_i(&b, x->duration_ms, 0);
	hb_s(&b, x->error);
	hb_done(&b, out);
}

struct lrow {
	int64_t seq, at, channel_id, item_id, version, object_id;
	const char *event, *object_sha256, *prev_hash;
};

static void
log_hash(const struct lrow *r, char out[65])
{
	struct buf b;
	hb_init(&b, "kv-capture-v1");
	hb_i(&b, r->seq, 0);
	hb_i(&b, r->at, 0);
	hb_i(&b, r->channel_id, 0);
	hb_i(&b, r->item_id, r->item_id == 0);
	hb_i(&b, r->version, r->version == 0);
	hb_i(&b, r->object_id, r->object_id == 0);
	hb_s(&b, r->event);
	hb_s(&b, r->object_sha256);
	hb_s(&b, r->prev_hash);
	hb_done(&b, out);
}

/* Appends a capture log row inside the caller's transaction.  0 / -1. */
static int
log_append(struct db *db, struct lrow *r)
{
	struct db_stmt *st;
	char prev[65], hash[65];

	st = db_query(db,
	              "UPDATE capture_head SET seq = seq + 1 WHERE id = 1 "
	              "RETURNING seq, hash",
	              NULL);
	if (st == NULL)
		return -1;
	if (db_step(st) != DB_ROW) {
		db_finalize(st);
		return -1;
	}
	r->seq = db_col_i64(st, 0);
	snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
	db_finalize(st);
	r->prev_hash = prev;
	log_hash(r, hash);
	if (db_run(db,
	           "INSERT INTO capture_log (seq, at, channel_id, item_id, "
	           "version, object_id, event, object_sha256, prev_hash, hash) "
	           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	           "iiijjjtttt", r->seq, r->at, r->channel_id, r->item_id,
	           r->version, r->object_id, r->event, r->object_sha256, prev,
	           hash) != 0)
		return -1;
	return db_run(db, "UPDATE capture_head SET hash = ? WHERE id = 1", "t",
	              hash);
}

/* --- blobs and exchanges -------------------------------------------------- */

/* Stores a blob inside the caller's transaction. */
static int
blob_put(struct db *db, const void *p, size_t n, const char *mime, int64_t now,
         char sha[65])
{
	sha256_hex(p, n, sha);
	return db_run(db,
	              "INSERT INTO blobs (sha256, size, mime, bytes, "
	              "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) "
	              "DO NOTHING",
	              "titbi", sha, (int64_t)n, mime ? mime : "", p, n, now);
}

int
capture_blob(struct db *db, const void *p, size_t n, const char *mime,
             int64_t now, char sha[65])
{
	if (db_begin(db) != 0)
		return -1;
	if (blob_put(db, p, n, mime, now, sha) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* Keys whose values in a response body are secrets. */
static const char *const secret_keys[] = {
    "access_token", "refresh_token", "id_token",           "accessJwt",
    "refreshJwt",   "client_secret", "password",           "app_password",
    "token",        "oauth_token",   "oauth_token_secret", NULL};

/* Replaces the values of secret keys anywhere in j; 1 when any was. */
static int
redact_json(json_t *j, int depth)
{
	int hit = 0;
	if (depth > 32)
		return 0;
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		void *tmp;
		json_object_foreach_safe(j, tmp, k, v)
		{
			int secret = 0;
			for (int i = 0; secret_keys[i]; i++)
				secret |= strcmp(k, secret_keys[i]) == 0;
			if (secret && json_is_string(v)) {
				json_object_set_new(j, k,
				                    json_string("[secret]"));
				hit = 1;
			} else {
				hit |= redact_json(v, depth + 1);
			}
		}
	} else if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v)
		{
			hit |= redact_json(v, depth + 1);
		}
	}
	return hit;
}

/* The first n-byte needle in hay[0..len), or NULL (memmem is not POSIX). */
static const char *
find_bytes(const char *hay, size_t len, const char *needle, size_t n)
{
	for (size_t i = 0; n > 0 && i + n <= len; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* The body to keep: rs's bytes, or a malloc'd redacted copy in *owned. */
static const char *
redacted_body(const struct fetch_resp *rs, const char *const *secrets,
              size_t *len, char **owned)
{
	const char *body = rs->body ? rs->body : "";
	*len = rs->body ? rs->len : 0;
	*owned = NULL;
	if (*len > 0 && (body[0] == '{' || body[0] == '[')) {
		json_t *j = json_loadb(body, *len, 0, NULL);
		if (j != NULL && redact_json(j, 0)) {
			*owned = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
			if (*owned != NULL) {
				body = *owned;
				*len = strlen(body);
			}
		}
		json_decref(j);
	}
	for (int i = 0; secrets != NULL && secrets[i] != NULL; i++) {
		const char *s = secrets[i];
		size_t sl = strlen(s);
		struct buf b;
		const char *p = body, *end = body + *len, *hit;
		int found = 0;
		if (sl < 6)
			continue; /* too short to be a token; too common */
		buf_init(&b, *len + 64);
		while ((hit = find_bytes(p, (size_t)(end - p), s, sl)) !=
		       NULL) {
			buf_add(&b, p, (size_t)(hit - p));
			buf_adds(&b, "[secret]");
			p = hit + sl;
			found = 1;
		}
		if (found) {
			buf_add(&b, p, (size_t)(end - p));
			free(*owned);
			*owned = buf_detach(&b, len);
			body = *owned;
		} else {
			buf_cleanup(&b);
		}
	}
	return body;
}

int
capture_exchange(struct db *db, int64_t channel_id, const struct fetch_resp *rs,
                 const char *const *secrets, int64_t now, int64_t *exchange_id)
{
	struct xrow x;
	struct lrow lr;
	char sha[65], hash[65], errbuf[300];
	const char *body, *ctype = fetch_header(rs, "content-type");
	char *owned;
	size_t len;
	struct db_stmt *st;
	int ok = 0;

	*exchange_id = 0;
	memset(&x, 0, sizeof(x));
	x.channel_id = channel_id;
	x.at = rs->started_at ? rs->started_at : now;
	x.method_url = rs->req_line ? rs->req_line : "";
	x.req_headers = rs->req_headers ? rs->req_headers : "";
	x.status = rs->status;
	x.resp_headers = rs->resp_headers ? rs->resp_headers : "";
	x.duration_ms = (int64_t)(rs->seconds * 1000.0 + 0.5);
	errbuf[0] = '\0';
	if (rs->err != FETCH_OK)
		snprintf(errbuf, sizeof(errbuf), "%s: %s",
		         fetch_err_name(rs->err), rs->errmsg);
	x.error = errbuf;
	body = redacted_body(rs, secrets, &len, &owned);
	if (db_begin(db) != 0) {
		free(owned);
		return -1;
	}
	if (rs->status > 0 || len > 0) {
		if (blob_put(db, body, len, ctype, now, sha) != 0)
			goto out;
		x.body_sha256 = sha;
	}
	st = db_query(db,
	              "INSERT INTO exchanges (channel_id, at, method_url, "
	              "req_headers, status, resp_headers, body_sha256, "
	              "duration_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
	              "RETURNING id",
	              "iittittit", channel_id, x.at, x.method_url,
	              x.req_headers, x.status, x.resp_headers, x.body_sha256,
	              x.duration_ms, x.error);
	if (st == NULL)
		goto out;
	if (db_step(st) == DB_ROW)
		x.id = db_col_i64(st, 0);
	db_finalize(st);
	if (x.id == 0)
		goto out;
	exchange_hash(&x, hash);
	memset(&lr, 0, sizeof(lr));
	lr.at = now;
	lr.channel_id = channel_id;
	lr.object_id = x.id;
	lr.event = "exchange";
	lr.object_sha256 = hash;
	if (log_append(db, &lr) != 0)
		goto out;
	ok = 1;
out:
	free(owned);
	if (!ok || db_commit(db) != 0) {
		db_rollback(db);
		log_err("capture: exchange not stored: %s", db_errmsg(db));
		return -1;
	}
	*exchange_id = x.id;
	return 0;
}

/* --- items ---------------------------------------------------------------- */

static char *
media_json(const struct item *it)
{
	json_t *a = json_array();
	char *s;
	for (int i = 0; i < it->nmedia && i < ITEM_MAX_MEDIA; i++) {
		const struct item_media *m = &it->media[i];
		json_t *o = json_object();
		if (m->url)
			json_object_set_new(o, "url", json_string(m->url));
		if (m->mime)
			json_object_set_new(o, "mime", json_string(m->mime));
		if (m->alt)
			json_object_set_new(o, "alt", json_string(m->alt));
		if (m->sha256)
			json_object_set_new(o, "sha256",
			                    json_string(m->sha256));
		json_array_append_new(a, o);
	}
	s = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(a);
	return s ? s : xstrdup("[]");
}

/* Adds an event (and its log row) for item_id.  When v is not NULL the
 * log row covers that version too.  0 / -1. */
static int
add_event(struct db *db, int64_t channel_id, int64_t item_id, int64_t now,
          const char *kind, const char *detail, const struct vrow *v)
{
	struct db_stmt *st;
	struct lrow lr;
	int64_t id = 0;
	char eh[65], vh[65], both[65];

	st = db_query(db,
	              "INSERT INTO item_events (item_id, at, kind, detail) "
	              "VALUES (?, ?, ?, ?) RETURNING id",
	              "iitt", item_id, now, kind, detail);
	if (st == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		id = db_col_i64(st, 0);
	db_finalize(st);
	if (id == 0)
		return -1;
	event_hash(id, item_id, now, kind, detail, eh);
	memset(&lr, 0, sizeof(lr));
	lr.at = now;
	lr.channel_id = channel_id;
	lr.item_id = item_id;
	lr.object_id = id;
	lr.event = kind;
	lr.object_sha256 = eh;
	if (v != NULL) {
		version_hash(v, vh);
		pair_hash(vh, eh, both);
		lr.version = v->version;
		lr.object_sha256 = both;
	}
	return log_append(db, &lr);
}

/* Inserts version v (text etc. set) of an item and its event. */
static int
add_version(struct db *db, int64_t channel_id, struct vrow *v, const char *kind)
{
	if (db_run(db,
	           "INSERT INTO item_versions (item_id, version, seen_at, "
	           "text, html, author_name, content_sha256, raw_sha256, "
	           "exchange_id, media_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	           "?, ?)",
	           "iiitttttjt", v->item_id, v->version, v->seen_at, v->text,
	           v->html, v->author_name, v->content_sha256, v->raw_sha256,
	           v->exchange_id, v->media_json) != 0)
		return -1;
	return add_event(db, channel_id, v->item_id, v->seen_at, kind, "", v);
}

struct known {
	int64_t id, version, deleted_seen_at;
	int hidden;
	char content[65];
	char *stems; /* malloc'd */
};

/* SQLite: replaces item id's row of the FTS5 index (old_stems NULL: it
 * has none yet).  PostgreSQL indexes items.search_stems itself. */
static int
fts_set(struct db *db, int64_t id, const char *old_stems, const char *new_stems)
{
	if (db_kind(db) != DB_SQLITE)
		return 0;
	if (old_stems != NULL &&
	    db_run(db,
	           "INSERT INTO items_fts (items_fts, rowid, search_stems) "
	           "VALUES ('delete', ?, ?)",
	           "it", id, old_stems) != 0)
		return -1;
	return db_run(db,
	              "INSERT INTO items_fts (rowid, search_stems) VALUES (?, "
	              "?)",
	              "it", id, new_stems);
}

/* Loads the stored item (channel_id, platform_id): 1 found, 0 not, -1. */
static int
find_item(struct db *db, int64_t channel_id, const char *pid, struct known *k)
{
	struct db_stmt *st;
	int rc;
	st = db_query(db,
	              "SELECT i.id, i.current_version, "
	              "COALESCE(i.deleted_seen_at, 0), i.hidden, "
	              "v.content_sha256, i.search_stems FROM items i JOIN "
	              "item_versions v ON "
	              "v.item_id = i.id AND v.version = i.current_version "
	              "WHERE i.channel_id = ? AND i.platform_id = ?",
	              "it", channel_id, pid);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW) {
		k->id = db_col_i64(st, 0);
		k->version = db_col_i64(st, 1);
		k->deleted_seen_at = db_col_i64(st, 2);
		k->hidden = (int)db_col_i64(st, 3);
		snprintf(k->content, sizeof(k->content), "%s",
		         db_col_text(st, 4));
		k->stems = xstrdup(db_col_text(st, 5));
	}
	db_finalize(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static int
insert_item(struct db *db, int64_t channel_id, const struct item *it,
            const char *stems, int64_t now, int64_t *id)
{
	struct db_stmt *st;
	*id = 0;
	st = db_query(
	    db,
	    "INSERT INTO items (org_id, channel_id, platform, platform_id, "
	    "type, parent_platform_id, thread_platform_id, inbound, author_id, "
	    "author_handle, author_name, url, lang, created_at, first_seen_at, "
	    "last_seen_at, edited_at, hidden, current_version, search_stems) "
	    "SELECT c.org_id, c.id, c.platform, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, 0, 1, ? FROM channels c WHERE c.id = ? RETURNING id",
	    "ttttitttttiiijti", it->id, item_type_name(it->type), it->parent_id,
	    it->thread_id, (int64_t)(it->inbound ? 1 : 0), it->author_id,
	    it->author_handle, it->author_name, it->url, it->lang,
	    it->created_at ? it->created_at : now, now, now, it->edited_at,
	    stems, channel_id);
	if (st == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		*id = db_col_i64(st, 0);
	db_finalize(st);
	return *id ? 0 : -1;
}

/* The body of capture_item inside its transaction. */
static int
item_tx(struct db *db, int64_t channel_id, const struct item *it,
        int64_t exchange_id, int64_t now, struct capture_result *r)
{
	struct known k;
	struct vrow v;
	char content[65], raw_sha[65];
	char *media = NULL, *stems = NULL;
	int found, rc = -1, new_version;

	memset(&k, 0, sizeof(k));
	found = find_item(db, channel_id, it->id, &k);
	if (found < 0)
		return -1;
	content_hash(it, content);
	/* a tombstone carries no content: it is not a new version */
	new_version = !found || (!it->deleted && strcmp(content, k.content));
	memset(&v, 0, sizeof(v));
	if (new_version) {
		media = media_json(it);
		stems = stem_text(it->text, it->lang);
		if (it->raw != NULL) {
			if (blob_put(db, it->raw, strlen(it->raw), it->raw_type,
			             now, raw_sha) != 0)
				goto out;
			v.raw_sha256 = raw_sha;
		}
		v.version = found ? k.version + 1 : 1;
		v.seen_at = now;
		v.text = it->text ? it->text : "";
		v.html = it->html;
		v.author_name = it->author_name;
		v.content_sha256 = content;
		v.exchange_id = exchange_id;
		v.media_json = media;
	}
	if (!found) {
		if (insert_item(db, channel_id, it, stems, now, &k.id) != 0 ||
		    fts_set(db, k.id, NULL, stems) != 0)
			goto out;
		v.item_id = k.id;
		if (add_version(db, channel_id, &v, "created") != 0)
			goto out;
		r->created = 1;
		k.version = 1;
	} else {
		if (db_run(
		        db,
		        "UPDATE items SET last_seen_at = ?, author_name = "
		        "COALESCE(?, author_name), author_handle = "
		        "COALESCE(?, author_handle), url = COALESCE(?, url), "
		        "edited_at = COALESCE(?, edited_at) WHERE id = ?",
		        "itttji", now, it->author_name, it->author_handle,
		        it->url, it->edited_at, k.id) != 0)
			goto out;
		if (new_version) {
			v.item_id = k.id;
			if (fts_set(db, k.id, k.stems, stems) != 0 ||
			    add_version(db, channel_id, &v, "edited") != 0 ||
			    db_run(db,
			           "UPDATE items SET current_version = ?, "
			           "search_stems = ?, edited_at = COALESCE(?, "
			           "edited_at, ?) WHERE id = ?",
			           "itjii", v.version, stems, it->edited_at,
			           now, k.id) != 0)
				goto out;
			r->edited = 1;
			k.version = v.version;
		}
	}
	if (it->deleted && k.deleted_seen_at == 0) {
		if (db_run(db,
		           "UPDATE items SET deleted_seen_at = ? WHERE id = ?",
		           "ii", now, k.id) != 0 ||
		    add_event(db, channel_id, k.id, now, "deleted",
		              "the platform says it is gone", NULL) != 0)
			goto out;
		r->deleted = 1;
	} else if (!it->deleted && k.deleted_seen_at != 0) {
		if (db_run(
		        db,
		        "UPDATE items SET deleted_seen_at = NULL WHERE id = ?",
		        "i", k.id) != 0 ||
		    add_event(db, channel_id, k.id, now, "reappeared", "",
		              NULL) != 0)
			goto out;
		r->reappeared = 1;
	}
	if (it->hidden >= 0 && (it->hidden ? 1 : 0) != k.hidden) {
		int h = it->hidden ? 1 : 0;
		if (db_run(db, "UPDATE items SET hidden = ? WHERE id = ?", "ii",
		           (int64_t)h, k.id) != 0 ||
		    add_event(db, channel_id, k.id, now,
		              h ? "hidden" : "unhidden", "", NULL) != 0)
			goto out;
		if (h)
			r->hidden = 1;
		else
			r->unhidden = 1;
	}
	r->item_id = k.id;
	r->version = (int)k.version;
	rc = 0;
out:
	free(media);
	free(stems);
	free(k.stems);
	return rc;
}

int
capture_item(struct db *db, int64_t channel_id, const struct item *it,
             int64_t exchange_id, int64_t now, struct capture_result *r)
{
	struct capture_result dummy;
	if (r == NULL)
		r = &dummy;
	memset(r, 0, sizeof(*r));
	if (it->id == NULL || *it->id == '\0') {
		log_warn("capture: an item of channel %" PRId64
		         " has no id; skipped",
		         channel_id);
		return -1;
	}
	if (db_begin(db) != 0)
		return -1;
	if (item_tx(db, channel_id, it, exchange_id, now, r) != 0 ||
	    db_commit(db) != 0) {
		db_rollback(db);
		memset(r, 0, sizeof(*r));
		log_err("capture: item %.100s of channel %" PRId64
		        " not stored: %s",
		        it->id, channel_id, db_errmsg(db));
		return -1;
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
capture_listing(struct db *db, int64_t channel_id, const char *parent_id,
                const char *const *ids, int n, int64_t now, int *deleted,
                int *reappeared)
{
	struct db_stmt *st;
	const char **sorted;
	int64_t *gone = NULL, *back = NULL;
	int ngone = 0, nback = 0, rc, ok = 0;

	if (deleted)
		*deleted = 0;
	if (reappeared)
		*reappeared = 0;
	sorted = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*sorted));
	for (int i = 0; i < n; i++)
		sorted[i] = ids[i];
	qsort(sorted, (size_t)n, sizeof(*sorted), cmp_str);
	if (db_begin(db) != 0) {
		free(sorted);
		return -1;
	}
	st = db_query(db,
	              "SELECT id, platform_id, COALESCE(deleted_seen_at, 0) "
	              "FROM items WHERE channel_id = ? AND ((? = '' AND "
	              "parent_platform_id IS NULL AND inbound = 0 AND type = "
	              "'post') OR parent_platform_id = ?) ORDER BY id",
	              "itt", channel_id, parent_id ? parent_id : "",
	              parent_id ? parent_id : "");
	if (st == NULL)
		goto out;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *pid = db_col_text(st, 1);
		int listed = bsearch(&pid, sorted, (size_t)n, sizeof(*sorted),
		                     cmp_str) != NULL;
		int64_t id = db_col_i64(st, 0);
		if (!listed && db_col_i64(st, 2) == 0) {
			gone =
			    xrealloc(gone, sizeof(*gone) * (size_t)(ngone + 1));
			gone[ngone++] = id;
		} else if (listed && db_col_i64(st, 2) != 0) {
			back =
			    xrealloc(back, sizeof(*back) * (size_t)(nback + 1));
			back[nback++] = id;
		}
	}
	db_finalize(st);
	if (rc < 0)
		goto out;
	for (int i = 0; i < ngone; i++)
		if (db_run(db,
		           "UPDATE items SET deleted_seen_at = ? WHERE id = ?",
		           "ii", now, gone[i]) != 0 ||
		    add_event(db, channel_id, gone[i], now, "deleted",
		              "no longer listed by the platform", NULL) != 0)
			goto out;
	for (int i = 0; i < nback; i++)
		if (db_run(db,
		           "UPDATE items SET deleted_seen_at = NULL, "
		           "last_seen_at = ? WHERE id = ?",
		           "ii", now, back[i]) != 0 ||
		    add_event(db, channel_id, back[i], now, "reappeared",
		              "listed by the platform again", NULL) != 0)
			goto out;
	ok = 1;
out:
	free(sorted);
	free(gone);
	free(back);
	if (!ok || db_commit(db) != 0) {
		db_rollback(db);
		return -1;
	}
	if (deleted)
		*deleted = ngone;
	if (reappeared)
		*reappeared = nback;
	return 0;
}

int
capture_metric(struct db *db, int64_t channel_id, const char *item_platform_id,
               const char *name, double value, int64_t at, const char *source)
{
	char v[64];
	int64_t item_id = 0;
	if (!isfinite(value))
		return 0; /* NaN and infinities are not measurements */
	if (item_platform_id != NULL &&
	    db_get_i64(db, &item_id,
	               "SELECT id FROM items WHERE channel_id = ? AND "
	               "platform_id = ?",
	               "it", channel_id, item_platform_id) < 0)
		return -1;
	/* REAL/DOUBLE PRECISION bound as text: exact round trip */
	snprintf(v, sizeof(v), "%.17g", value);
	return db_run(db,
	              "INSERT INTO metric_samples (channel_id, item_id, name, "
	              "value, at, source) VALUES (?, ?, ?, CAST(? AS DOUBLE "
	              "PRECISION), ?, "
	              "?)",
	              "ijttit", channel_id, item_id, name, v, at,
	              source ? source : "");
}

/* --- verification --------------------------------------------------------- */

/* Recomputes the hash of the object log row r names into out; 1 when the
 * object is missing or does not fit the row, 0, -1. */
static int
object_hash(struct db *db, const struct lrow *r, char out[65])
{
	struct db_stmt *st;
	char eh[65], vh[65];
	int rc;

	if (strcmp(r->event, "exchange") == 0) {
		struct xrow x;
		st = db_query(db,
		              "SELECT id, channel_id, at, method_url, "
		              "req_headers, status, resp_headers, body_sha256, "
		              "duration_ms, error FROM exchanges WHERE id = ?",
		              "i", r->object_id);
		if (st == NULL)
			return -1;
		rc = db_step(st);
		if (rc == DB_ROW) {
			x.id = db_col_i64(st, 0);
			x.channel_id = db_col_i64(st, 1);
			x.at = db_col_i64(st, 2);
			x.method_url = db_col_text(st, 3);
			x.req_headers = db_col_text(st, 4);
			x.status = db_col_i64(st, 5);
			x.resp_headers = db_col_text(st, 6);
			x.body_sha256 = db_col_text(st, 7);
			x.duration_ms = db_col_i64(st, 8);
			x.error = db_col_text(st, 9);
			exchange_hash(&x, out);
		}
		db_finalize(st);
		return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
	}
	st = db_query(db,
	              "SELECT id, item_id, at, kind, detail FROM item_events "
	              "WHERE id = ?",
	              "i", r->object_id);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW) {
		if (db_col_i64(st, 1) != r->item_id ||
		    strcmp(db_col_text(st, 3), r->event) != 0)
			rc = DB_DONE;
		else
			event_hash(db_col_i64(st, 0), db_col_i64(st, 1),
			           db_col_i64(st, 2), db_col_text(st, 3),
			           db_col_text(st, 4), eh);
	}
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? 1 : -1;
	if (r->version == 0) {
		memcpy(out, eh, 65);
		return 0;
	}
	st = db_query(db,
	              "SELECT item_id, version, seen_at, text, html, "
	              "author_name, content_sha256, raw_sha256, "
	              "COALESCE(exchange_id, 0), media_json FROM item_versions "
	              "WHERE item_id = ? AND version = ?",
	              "ii", r->item_id, r->version);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW) {
		struct vrow v;
		v.item_id = db_col_i64(st, 0);
		v.version = db_col_i64(st, 1);
		v.seen_at = db_col_i64(st, 2);
		v.text = db_col_text(st, 3);
		v.html = db_col_text(st, 4);
		v.author_name = db_col_text(st, 5);
		v.content_sha256 = db_col_text(st, 6);
		v.raw_sha256 = db_col_text(st, 7);
		v.exchange_id = db_col_i64(st, 8);
		v.media_json = db_col_text(st, 9);
		version_hash(&v, vh);
		pair_hash(vh, eh, out);
	}
	db_finalize(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

/* Rows read per query of the log walk. */
#define LOG_PAGE 500

/* Reports one break of row r (seq 0 for none) to fn. */
static void
log_break(capture_break_fn fn, void *ctx, const struct lrow *r, int64_t seq,
          const char *why)
{
	struct capture_break b;
	memset(&b, 0, sizeof(b));
	b.seq = seq;
	if (r != NULL) {
		b.channel_id = r->channel_id;
		b.item_id = r->item_id;
		b.version = r->version;
		b.object_id = r->object_id;
		b.event = r->event;
	}
	b.why = why;
	fn(ctx, &b);
}

int
capture_walk(struct db *db, capture_break_fn fn, void *ctx, int64_t *checked,
             int64_t *versions_logged)
{
	struct db_stmt *st;
	char prev[65], hash[65], obj[65];
	int64_t expect = 1, last = 0;
	int rc, breaks = 0, rows;

	*checked = 0;
	*versions_logged = 0;
	memcpy(prev, zero_hash, sizeof(prev));
	/* a page at a time (PostgreSQL holds a whole result in memory); each
	 * row's object is read while the page's statement is open: SQLite
	 * prepares the nested statements afresh */
	do {
		rows = 0;
		st = db_query(db,
		              "SELECT seq, at, channel_id, COALESCE(item_id, "
		              "0), COALESCE(version, 0), COALESCE(object_id, "
		              "0), event, object_sha256, prev_hash, hash FROM "
		              "capture_log WHERE seq > ? ORDER BY seq LIMIT ?",
		              "ii", last, (int64_t)LOG_PAGE);
		if (st == NULL)
			return -1;
		while ((rc = db_step(st)) == DB_ROW) {
			struct lrow r;
			const char *stored;
			int orc;
			r.seq = db_col_i64(st, 0);
			r.at = db_col_i64(st, 1);
			r.channel_id = db_col_i64(st, 2);
			r.item_id = db_col_i64(st, 3);
			r.version = db_col_i64(st, 4);
			r.object_id = db_col_i64(st, 5);
			r.event = db_col_text(st, 6);
			r.object_sha256 = db_col_text(st, 7);
			r.prev_hash = db_col_text(st, 8);
			stored = db_col_text(st, 9);
			rows++;
			last = r.seq;
			if (r.seq != expect) {
				log_break(fn, ctx, NULL, expect,
				          "a row is missing or out of "
				          "sequence");
				breaks++;
			}
			if (strcmp(r.prev_hash, prev) != 0) {
				log_break(fn, ctx, &r, r.seq,
				          "prev_hash does not match the "
				          "previous row");
				breaks++;
			}
			log_hash(&r, hash);
			if (strcmp(hash, stored) != 0) {
				log_break(fn, ctx, &r, r.seq,
				          "row content does not match its "
				          "hash");
				breaks++;
			}
			orc = object_hash(db, &r, obj);
			if (orc < 0) {
				db_finalize(st);
				return -1;
			}
			if (orc == 1 || strcmp(obj, r.object_sha256) != 0) {
				log_break(fn, ctx, &r, r.seq,
				          orc == 1 ? "the logged object is "
				                     "missing"
				                   : "the logged object "
				                     "(version, event or "
				                     "exchange) was changed");
				breaks++;
			}
			if (r.version != 0)
				(*versions_logged)++;
			/* the next row links to what is stored: one changed
			 * row is one break, not a break of every later row */
			snprintf(prev, sizeof(prev), "%s", stored);
			expect = r.seq + 1;
			(*checked)++;
		}
		db_finalize(st);
		if (rc < 0)
			return -1;
	} while (rows == LOG_PAGE);
	st = db_query(db, "SELECT seq, hash FROM capture_head WHERE id = 1",
	              NULL);
	if (st == NULL)
		return -1;
	rc = db_step(st);
	if (rc < 0) {
		db_finalize(st);
		return -1;
	}
	if (rc != DB_ROW || db_col_i64(st, 0) != expect - 1 ||
	    strcmp(db_col_text(st, 1), prev) != 0) {
		log_break(fn, ctx, NULL, expect,
		          "the newest rows were removed (head does not "
		          "match)");
		breaks++;
	}
	db_finalize(st);
	return breaks;
}

/* capture_verify's callback: keeps the first break. */
struct first_break {
	int64_t seq;
	const char *why;
};

static void
keep_first(void *ctx, const struct capture_break *b)
{
	struct first_break *f = ctx;
	if (f->why == NULL) {
		f->seq = b->seq;
		f->why = b->why;
	}
}

int
capture_verify(struct db *db, int64_t *checked, int64_t *bad_seq,
               const char **why, char bad_blob[65])
{
	struct first_break f = {0, NULL};
	struct db_stmt *st;
	int64_t logged = 0, versions = 0;
	int rc, result;

	*checked = 0;
	*bad_seq = 0;
	*why = NULL;
	bad_blob[0] = '\0';
	result = capture_walk(db, keep_first, &f, checked, &logged);
	if (result != 0) {
		*bad_seq = f.seq;
		*why = f.why;
		return result < 0 ? -1 : 1;
	}
	if (db_get_i64(db, &versions, "SELECT COUNT(*) FROM item_versions",
	               NULL) != 1)
		return -1;
	if (versions != logged) {
		*why = "an item version is not in the capture log";
		return 1;
	}
	st = db_query(db, "SELECT sha256, size, bytes FROM blobs", NULL);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		char hex[65];
		size_t n = 0;
		const void *p = db_col_blob(st, 2, &n);
		sha256_hex(p ? p : "", n, hex);
		if (strcmp(hex, db_col_text(st, 0)) != 0 ||
		    (int64_t)n != db_col_i64(st, 1)) {
			snprintf(bad_blob, 65, "%s", db_col_text(st, 0));
			*why = "a blob's bytes do not match its SHA-256";
			result = 1;
			break;
		}
		(*checked)++;
	}
	db_finalize(st);
	if (result == 0 && rc < 0)
		return -1;
	return result;
}

/* --- readers -------------------------------------------------------------- */

/* 1 when a sees every channel's items (admin, system, org-wide role). */
static int
sees_all(const struct actor *a)
{
	if (actor_is_admin(a))
		return 1;
	for (int i = 0; i < a->ngrants; i++)
		if (a->grants[i].unit_id == 0)
			return 1;
	return 0;
}

#define ROW_COLS                                                               \
	"i.id, i.channel_id, c.name, i.platform, i.platform_id, i.type, "      \
	"i.parent_platform_id, i.thread_platform_id, i.author_id, "            \
	"i.author_handle, i.author_name, i.url, i.lang, v.text, v.html, "      \
	"i.inbound, i.hidden, i.current_version, i.created_at, "               \
	"i.first_seen_at, i.last_seen_at, COALESCE(i.edited_at, 0), "          \
	"COALESCE(i.deleted_seen_at, 0)"
/* the units where the actor holds any role, and their sub-units */
#define ROW_SCOPE                                                              \
	"WITH RECURSIVE scope(id) AS (SELECT unit_id FROM role_grants WHERE "  \
	"person_id = ? AND unit_id IS NOT NULL UNION SELECT x.id FROM units "  \
	"x JOIN scope s ON x.parent_id = s.id) "
#define ROW_FROM                                                               \
	" FROM items i JOIN channels c ON c.id = i.channel_id JOIN "           \
	"item_versions v ON v.item_id = i.id AND v.version = "                 \
	"i.current_version"
#define ROW_WHERE                                                              \
	" WHERE i.org_id = ? AND (? = 1 OR c.unit_id IN (SELECT id FROM "      \
	"scope) OR c.responsible_id = ? OR EXISTS (SELECT 1 FROM "             \
	"channel_editors e WHERE e.channel_id = c.id AND e.person_id = ?)) "   \
	"AND (CAST(? AS BIGINT) = 0 OR i.channel_id = ?) AND (? = '' OR "      \
	"i.type = ?) AND (? = '' OR i.author_handle = ? OR i.author_id = ?) "  \
	"AND (CAST(? AS BIGINT) = 0 OR i.created_at >= ?) AND "                \
	"(CAST(? AS BIGINT) = 0 OR i.created_at < ?) AND (? = '' OR "          \
	"(? = 'live' AND i.deleted_seen_at IS NULL) OR (? = 'deleted' AND "    \
	"i.deleted_seen_at IS NOT NULL) OR (? = 'hidden' AND i.hidden = 1) "   \
	"OR (? = 'edited' AND i.current_version > 1))"
#define ROW_ORDER " ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?"

/* Binds the scope and filter values from index 1; returns the next. */
static int
bind_filter(struct db_stmt *st, const struct actor *a,
            const struct capture_filter *f)
{
	const char *type = f->type ? f->type : "";
	const char *author = f->author ? f->author : "";
	const char *state = f->state ? f->state : "";
	int i = 1;
	db_bind_i64(st, i++, a->person_id);
	db_bind_i64(st, i++, a->org_id);
	db_bind_i64(st, i++, sees_all(a));
	db_bind_i64(st, i++, a->person_id);
	db_bind_i64(st, i++, a->person_id);
	db_bind_i64(st, i++, f->channel_id);
	db_bind_i64(st, i++, f->channel_id);
	db_bind_text(st, i++, type);
	db_bind_text(st, i++, type);
	for (int k = 0; k < 3; k++)
		db_bind_text(st, i++, author);
	db_bind_i64(st, i++, f->from);
	db_bind_i64(st, i++, f->from);
	db_bind_i64(st, i++, f->to);
	db_bind_i64(st, i++, f->to);
	for (int k = 0; k < 5; k++)
		db_bind_text(st, i++, state);
	return i;
}

static void
read_row(struct db_stmt *st, struct arena *ar, struct capture_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_i64(st, 0);
	r->channel_id = db_col_i64(st, 1);
	r->channel_name = arena_strdup(ar, db_col_text(st, 2));
	r->platform = arena_strdup(ar, db_col_text(st, 3));
	r->platform_id = arena_strdup(ar, db_col_text(st, 4));
	r->type = arena_strdup(ar, db_col_text(st, 5));
	r->parent_platform_id = arena_strdup(ar, db_col_text(st, 6));
	r->thread_platform_id = arena_strdup(ar, db_col_text(st, 7));
	r->author_id = arena_strdup(ar, db_col_text(st, 8));
	r->author_handle = arena_strdup(ar, db_col_text(st, 9));
	r->author_name = arena_strdup(ar, db_col_text(st, 10));
	r->url = arena_strdup(ar, db_col_text(st, 11));
	r->lang = arena_strdup(ar, db_col_text(st, 12));
	r->text = arena_strdup(ar, db_col_text(st, 13));
	r->html = arena_strdup(ar, db_col_text(st, 14));
	r->inbound = (int)db_col_i64(st, 15);
	r->hidden = (int)db_col_i64(st, 16);
	r->current_version = (int)db_col_i64(st, 17);
	r->created_at = db_col_i64(st, 18);
	r->first_seen_at = db_col_i64(st, 19);
	r->last_seen_at = db_col_i64(st, 20);
	r->edited_at = db_col_i64(st, 21);
	r->deleted_seen_at = db_col_i64(st, 22);
}

static int
clamp_limit(int limit)
{
	return limit < 1 || limit > 500 ? 50 : limit;
}

/* Steps st into up to cap rows in ar. */
static enum kv_rc
read_rows(struct db_stmt *st, struct arena *ar, int cap,
          struct capture_row **out, int *n)
{
	int rc;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	while ((rc = db_step(st)) == DB_ROW && *n < cap)
		read_row(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

enum kv_rc
capture_list(struct db *db, struct arena *ar, const struct actor *a,
             const struct capture_filter *f, struct capture_row **out, int *n,
             int64_t *total)
{
	struct db_stmt *st;
	int limit = clamp_limit(f->limit), i;

	*out = NULL;
	*n = 0;
	*total = 0;
	st = db_prepare(db, ROW_SCOPE "SELECT COUNT(*)" ROW_FROM ROW_WHERE);
	if (st == NULL)
		return KV_DBERR;
	bind_filter(st, a, f);
	if (db_step(st) != DB_ROW) {
		db_finalize(st);
		return KV_DBERR;
	}
	*total = db_col_i64(st, 0);
	db_finalize(st);
	st = db_prepare(db, ROW_SCOPE
	                "SELECT " ROW_COLS ROW_FROM ROW_WHERE ROW_ORDER);
	if (st == NULL)
		return KV_DBERR;
	i = bind_filter(st, a, f);
	db_bind_i64(st, i++, limit);
	db_bind_i64(st, i, f->offset > 0 ? f->offset : 0);
	return read_rows(st, ar, limit, out, n);
}

enum kv_rc
capture_get(struct db *db, struct arena *ar, const struct actor *a, int64_t id,
            struct capture_row *row, struct capture_version **versions,
            int *nversions, struct capture_event **events, int *nevents)
{
	struct capture_filter f;
	struct db_stmt *st;
	int rc, i, cap;
	int64_t count = 0;

	*versions = NULL;
	*events = NULL;
	*nversions = *nevents = 0;
	memset(&f, 0, sizeof(f));
	st = db_prepare(db, ROW_SCOPE "SELECT " ROW_COLS ROW_FROM ROW_WHERE
	                              " AND i.id = ?");
	if (st == NULL)
		return KV_DBERR;
	i = bind_filter(st, a, &f);
	db_bind_i64(st, i, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		read_row(st, ar, row);
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;

	if (db_get_i64(db, &count,
	               "SELECT COUNT(*) FROM item_versions WHERE item_id = ?",
	               "i", id) != 1)
		return KV_DBERR;
	cap = (int)(count < 1 ? 1 : count > 10000 ? 10000 : count);
	*versions = arena_alloc(ar, sizeof(**versions) * (size_t)cap);
	st =
	    db_query(db,
	             "SELECT version, seen_at, COALESCE(exchange_id, 0), text, "
	             "html, author_name, content_sha256, raw_sha256, "
	             "media_json FROM item_versions WHERE item_id = ? ORDER BY "
	             "version LIMIT ?",
	             "ii", id, (int64_t)cap);
	if (st == NULL)
		return KV_DBERR;
	while ((rc = db_step(st)) == DB_ROW && *nversions < cap) {
		struct capture_version *v = &(*versions)[(*nversions)++];
		v->version = (int)db_col_i64(st, 0);
		v->seen_at = db_col_i64(st, 1);
		v->exchange_id = db_col_i64(st, 2);
		v->text = arena_strdup(ar, db_col_text(st, 3));
		v->html = arena_strdup(ar, db_col_text(st, 4));
		v->author_name = arena_strdup(ar, db_col_text(st, 5));
		v->content_sha256 = arena_strdup(ar, db_col_text(st, 6));
		v->raw_sha256 = arena_strdup(ar, db_col_text(st, 7));
		v->media_json = arena_strdup(ar, db_col_text(st, 8));
	}
	db_finalize(st);
	if (rc < 0)
		return KV_DBERR;

	if (db_get_i64(db, &count,
	               "SELECT COUNT(*) FROM item_events WHERE item_id = ?",
	               "i", id) != 1)
		return KV_DBERR;
	cap = (int)(count < 1 ? 1 : count > 10000 ? 10000 : count);
	*events = arena_alloc(ar, sizeof(**events) * (size_t)cap);
	st = db_query(db,
	              "SELECT id, at, kind, detail FROM item_events WHERE "
	              "item_id = ? ORDER BY id LIMIT ?",
	              "ii", id, (int64_t)cap);
	if (st == NULL)
		return KV_DBERR;
	while ((rc = db_step(st)) == DB_ROW && *nevents < cap) {
		struct capture_event *e = &(*events)[(*nevents)++];
		e->id = db_col_i64(st, 0);
		e->at = db_col_i64(st, 1);
		e->kind = arena_strdup(ar, db_col_text(st, 2));
		e->detail = arena_strdup(ar, db_col_text(st, 3));
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

enum kv_rc
capture_search(struct db *db, struct arena *ar, const struct actor *a,
               const char *query, const struct capture_filter *f,
               struct capture_row **out, int *n)
{
	struct stem_query q;
	struct db_stmt *st;
	int limit = clamp_limit(f->limit), i;
	enum kv_rc rc;

	*out = NULL;
	*n = 0;
	if (!stem_query_parse(query, &q))
		return KV_OK;
	if (db_kind(db) == DB_SQLITE)
		st = db_prepare(db, ROW_SCOPE
		                "SELECT " ROW_COLS ROW_FROM ROW_WHERE
		                " AND i.id IN (SELECT rowid FROM items_fts "
		                "WHERE items_fts MATCH ?)" ROW_ORDER);
	else
		st = db_prepare(db, ROW_SCOPE
		                "SELECT " ROW_COLS ROW_FROM ROW_WHERE
		                " AND to_tsvector('simple', i.search_stems) "
		                "@@ to_tsquery('simple', ?)" ROW_ORDER);
	if (st == NULL) {
		stem_query_free(&q);
		return KV_DBERR;
	}
	i = bind_filter(st, a, f);
	db_bind_text(st, i++, db_kind(db) == DB_SQLITE ? q.fts5 : q.tsquery);
	db_bind_i64(st, i++, limit);
	db_bind_i64(st, i, f->offset > 0 ? f->offset : 0);
	rc = read_rows(st, ar, limit, out, n);
	for (int k = 0; rc == KV_OK && k < *n; k++) {
		char *s = stem_snippet((*out)[k].text, &q, 200);
		(*out)[k].snippet = arena_strdup(ar, s);
		free(s);
	}
	stem_query_free(&q);
	return rc;
}

/* --- JSON ------------------------------------------------------------------
 */

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
time_or_null(int64_t t)
{
	char ts[32];
	return t ? json_string(time_fmt_iso(t, ts)) : json_null();
}

json_t *
capture_row_json(const struct capture_row *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "channel_id", json_integer(r->channel_id));
	json_object_set_new(o, "channel_name", str_or_null(r->channel_name));
	json_object_set_new(o, "platform", str_or_null(r->platform));
	json_object_set_new(o, "platform_id", str_or_null(r->platform_id));
	json_object_set_new(o, "type", str_or_null(r->type));
	json_object_set_new(o, "parent_id", str_or_null(r->parent_platform_id));
	json_object_set_new(o, "thread_id", str_or_null(r->thread_platform_id));
	json_object_set_new(o, "inbound", json_boolean(r->inbound));
	json_object_set_new(o, "author_id", str_or_null(r->author_id));
	json_object_set_new(o, "author_handle", str_or_null(r->author_handle));
	json_object_set_new(o, "author_name", str_or_null(r->author_name));
	json_object_set_new(o, "url", str_or_null(r->url));
	json_object_set_new(o, "lang", str_or_null(r->lang));
	json_object_set_new(o, "text", str_or_null(r->text));
	if (r->snippet)
		json_object_set_new(o, "snippet", json_string(r->snippet));
	json_object_set_new(o, "hidden", json_boolean(r->hidden));
	json_object_set_new(o, "version", json_integer(r->current_version));
	json_object_set_new(o, "created_at", time_or_null(r->created_at));
	json_object_set_new(o, "first_seen_at", time_or_null(r->first_seen_at));
	json_object_set_new(o, "last_seen_at", time_or_null(r->last_seen_at));
	json_object_set_new(o, "edited_at", time_or_null(r->edited_at));
	json_object_set_new(o, "deleted_seen_at",
	                    time_or_null(r->deleted_seen_at));
	return o;
}

json_t *
capture_version_json(const struct capture_version *v)
{
	json_t *o = json_object();
	json_t *media =
	    v->media_json ? json_loads(v->media_json, 0, NULL) : NULL;
	json_object_set_new(o, "version", json_integer(v->version));
	json_object_set_new(o, "seen_at", time_or_null(v->seen_at));
	json_object_set_new(o, "text", str_or_null(v->text));
	json_object_set_new(o, "html", str_or_null(v->html));
	json_object_set_new(o, "author_name", str_or_null(v->author_name));
	json_object_set_new(o, "content_sha256",
	                    str_or_null(v->content_sha256));
	json_object_set_new(o, "raw_sha256", str_or_null(v->raw_sha256));
	json_object_set_new(o, "exchange_id",
	                    v->exchange_id ? json_integer(v->exchange_id)
	                                   : json_null());
	json_object_set_new(o, "media", media ? media : json_array());
	return o;
}

json_t *
capture_event_json(const struct capture_event *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "at", time_or_null(e->at));
	json_object_set_new(o, "kind", str_or_null(e->kind));
	json_object_set_new(o, "detail", str_or_null(e->detail));
	return o;
}
