/*
 * act.c - replies, removals with evidence, and case requests to the
 * registry (see act.h).  Platform calls go through a sync session
 * (sync.h) so every exchange is captured like a poll's; the registry's
 * arkivmelding is written with libxml2, the police evidence pack with
 * libarchive.
 */
#include "act.h"
#include "../base/holidays.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../base/xmem.h"
#include "../domain/notify.h"
#include "../text/lang.h"
#include "mailer.h"
#include "sync.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libxml2 takes const xmlChar * for everything written */
#define XC (const xmlChar *)

/* --- small helpers ------------------------------------------------------- */

static void
outcome_init(struct act_outcome *o)
{
	memset(o, 0, sizeof(*o));
}

static void
set_status(struct act_outcome *o, const char *s)
{
	snprintf(o->status, sizeof(o->status), "%s", s);
}

/* The organisation's zone for local times in texts ("Europe/Oslo"). */
static const char *
org_tz(struct db *db, struct arena *ar, int64_t org_id)
{
	struct org o;
	if (org_get(db, ar, org_id, &o) == KV_OK && o.timezone && o.timezone[0])
		return o.timezone;
	return "Europe/Oslo";
}

int
act_reply_limit(const char *platform)
{
	static const struct {
		const char *p;
		int n;
	} limits[] = {{"x", 280},          {"bluesky", 300},
	              {"mastodon", 500},   {"linkedin", 1250},
	              {"instagram", 2200}, {"facebook_page", 8000},
	              {"youtube", 10000},  {"vimeo", 5000}};
	for (size_t i = 0; platform && i < sizeof(limits) / sizeof(limits[0]);
	     i++)
		if (strcmp(platform, limits[i].p) == 0)
			return limits[i].n;
	return 0;
}

/* --- replies ----------------------------------------------------------------
 */

/* Opens channel_id's connection for one action: NULL with the reason in
 * err when the channel is not connected or the key cannot be read (k
 * holds a key read from cfg->key_path: wipe it after closing). */
static struct sync_session *
act_open(struct db *db, const struct act_cfg *cfg, int64_t channel_id,
         int64_t now, struct cred_key *k, char *err, size_t errlen)
{
	const struct cred_key *key = cfg->key;
	int64_t n = 0;
	memset(k, 0, sizeof(*k));
	/* not connected: said without touching the key */
	if (db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM channel_connections WHERE "
	               "channel_id = ?",
	               "i", channel_id) < 0 ||
	    n == 0) {
		snprintf(err, errlen,
		         "the channel is not connected to its platform: do it "
		         "on the platform by hand");
		return NULL;
	}
	if (key == NULL) {
		char why[300];
		if (cfg->key_path == NULL ||
		    cred_key_load(cfg->key_path, 0, k, why, sizeof(why)) != 0) {
			log_err("act: credential key: %s",
			        cfg->key_path ? why : "no key file configured");
			snprintf(err, errlen,
			         "the server cannot open the channel's "
			         "credentials (key file)");
			return NULL;
		}
		key = k;
	}
	return sync_session_open(db, channel_id, key, now, err, errlen);
}

/* 1 when s has nothing but white space. */
static int
blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static enum kv_rc
reply_check(const struct inbox_row *r, const char *text,
            const char *signed_text, struct verrs *v)
{
	int limit = act_reply_limit(r->item.platform);
	if (text == NULL || blank(text))
		verr_add(v, "text", "Is required");
	else if (strlen(text) > ACT_MAX_REPLY)
		verr_add(v, "text", "Is too long");
	else if (!utf8_valid_text(text, strlen(text), 1))
		verr_add(v, "text", "Is not valid text");
	else if (limit > 0 && utf8_len(signed_text) > (size_t)limit)
		verr_add(v, "text", "Is longer than the platform allows");
	if (!r->item.inbound)
		verr_add(v, "item_id", "Is one of our own");
	return v->n ? KV_INVALID : KV_OK;
}

/* The English reason of a failed platform call. */
static void
conn_reason(const struct conn_ctx *ctx, enum conn_rc crc, char *out, size_t n)
{
	if (ctx->err.message[0] && ctx->err.code[0])
		snprintf(out, n, "%s (%s)", ctx->err.message, ctx->err.code);
	else if (ctx->err.message[0])
		snprintf(out, n, "%s", ctx->err.message);
	else
		snprintf(out, n, "the platform answered %s", conn_rc_name(crc));
}

/* Records a failed attempt of reply_id with why, audited. */
static void
reply_failed(struct db *db, const struct actor *a, int64_t item_id,
             int64_t reply_id, const char *why)
{
	if (db_begin(db) != 0)
		return;
	if (db_run(db,
	           "UPDATE inbox_replies SET state = 'failed', error = ? WHERE "
	           "id = ?",
	           "ti", why, reply_id) != 0) {
		db_rollback(db);
		return;
	}
	audit_commit(db, a, "reply_failed", "item", item_id, NULL,
	             json_pack("{s:I,s:s}", "reply_id", (json_int_t)reply_id,
	                       "error", why));
}

enum kv_rc
act_reply(struct db *db, struct arena *ar, const struct act_cfg *cfg,
          const struct actor *a, int64_t item_id, const char *text,
          struct act_outcome *out, struct verrs *v)
{
	struct inbox_row r;
	struct sync_session *s;
	struct cred_key key;
	struct conn_ctx *ctx;
	struct conn_result res;
	struct capture_result cr;
	enum conn_rc crc;
	enum kv_rc rc;
	const char *sig, *signed_text, *lang;
	char idem[33];
	int64_t reply_id = 0, ex, now = time_now();

	outcome_init(out);
	rc = inbox_work_get(db, ar, a, item_id, &r);
	if (rc != KV_OK)
		return rc;
	rc = inbox_reply_signature(db, ar, a, r.item.channel_id, &sig);
	if (rc != KV_OK)
		return rc;
	signed_text = text == NULL ? ""
	              : sig[0]     ? arena_printf(ar, "%s\n%s", text, sig)
	                           : text;
	if (reply_check(&r, text, signed_text, v) != KV_OK)
		return KV_INVALID;
	lang = r.item.lang ? r.item.lang : "";
	random_hex(idem, (sizeof(idem) - 1) / 2);
	/* the row first: nothing leaves without a trace */
	if (db_get_i64(
	        db, &reply_id,
	        "INSERT INTO inbox_replies (org_id, item_id, person_id, "
	        "text, signed_text, lang, idem_key, state, created_at) "
	        "VALUES (?, ?, ?, ?, ?, ?, ?, 'sending', ?) RETURNING id",
	        "iijtttti", a->org_id, item_id, a->person_id, text, signed_text,
	        lang, idem, now) != 1)
		return KV_DBERR;
	out->id = reply_id;
	s = act_open(db, cfg, r.item.channel_id, now, &key, out->error,
	             sizeof(out->error));
	if (s == NULL) {
		cred_key_wipe(&key);
		set_status(out, "failed");
		reply_failed(db, a, item_id, reply_id, out->error);
		return KV_CONFLICT;
	}
	ctx = sync_session_ctx(s);
	memset(&res, 0, sizeof(res));
	if (ctx->c->reply == NULL || !(ctx->c->caps & CAP_REPLY)) {
		crc = CONN_E_UNSUPPORTED;
		snprintf(out->error, sizeof(out->error), "%s",
		         ctx->c->note ? ctx->c->note
		                      : "the platform takes no replies through "
		                        "its API");
	} else {
		crc = ctx->c->reply(ctx, r.item.platform_id, signed_text, &res);
		if (crc != CONN_OK)
			conn_reason(ctx, crc, out->error, sizeof(out->error));
	}
	ex = sync_session_exchange(s);
	sync_session_close(s);
	cred_key_wipe(&key);
	if (crc != CONN_OK) {
		set_status(out, "failed");
		reply_failed(db, a, item_id, reply_id, out->error);
		return KV_CONFLICT;
	}
	set_status(out, "sent");
	snprintf(out->platform_id, sizeof(out->platform_id), "%s", res.id);
	snprintf(out->url, sizeof(out->url), "%s", res.url);
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "UPDATE inbox_replies SET state = 'sent', platform_id = ?, "
	           "url = ?, sent_at = ? WHERE id = ?",
	           "ttii", res.id[0] ? res.id : NULL,
	           res.url[0] ? res.url : NULL, now, reply_id) != 0)
		goto dberr;
	if (res.id[0]) {
		struct item it;
		item_init(&it);
		it.type = ITEM_REPLY;
		it.id = res.id;
		it.parent_id = r.item.platform_id;
		it.thread_id = r.item.thread_platform_id;
		it.inbound = 0;
		it.text = signed_text;
		it.lang = lang[0] ? lang : NULL;
		it.created_at = now;
		it.url = res.url[0] ? res.url : NULL;
		it.hidden = 0;
		if (capture_item(db, r.item.channel_id, &it, ex, now, &cr) !=
		        0 ||
		    db_run(
		        db,
		        "UPDATE inbox_replies SET reply_item_id = ? WHERE id "
		        "= ?",
		        "ii", cr.item_id, reply_id) != 0)
			goto dberr;
		out->reply_item_id = cr.item_id;
	}
	if (inbox_record_action(db, a, item_id, IS_ANSWERED, IO_ANSWERED, now,
	                        arena_printf(ar, "reply %" PRId64, reply_id)) !=
	        KV_OK ||
	    db_commit(db) != 0)
		goto dberr;
	return KV_OK;
dberr:
	db_rollback(db);
	log_err("act: reply %" PRId64 " was sent but not recorded: %s",
	        reply_id, db_errmsg(db));
	return KV_DBERR;
}

/* --- removals --------------------------------------------------------------
 */

const char *
act_removed_message(const char *lang, const char *ground)
{
	int spam = ground && strcmp(ground, "spam") == 0;
	switch (lang_parse(lang)) {
	case LANG_NB:
		return spam
		           ? "Kommentaren din er fjernet fordi den er reklame "
		             "eller spam, som ikke er tillatt på siden vår."
		           : "Kommentaren din er fjernet fordi den bryter med "
		             "reglene for siden vår. Ulovlige ytringer kan bli "
		             "anmeldt.";
	case LANG_NN:
		return spam ? "Kommentaren din er fjerna fordi han er reklame "
		              "eller spam, som ikkje er lov på sida vår."
		            : "Kommentaren din er fjerna fordi han bryt med "
		              "reglane for sida vår. Ulovlege ytringar kan bli "
		              "melde.";
	case LANG_SV:
		return spam
		           ? "Din kommentar har tagits bort eftersom den är "
		             "reklam eller skräppost, vilket inte är tillåtet "
		             "på vår sida."
		           : "Din kommentar har tagits bort eftersom den "
		             "bryter "
		             "mot reglerna för vår sida. Olagligt innehåll kan "
		             "polisanmälas.";
	case LANG_DA:
		return spam ? "Din kommentar er fjernet, fordi den er reklame "
		              "eller spam, som ikke er tilladt på vores side."
		            : "Din kommentar er fjernet, fordi den bryder "
		              "reglerne for vores side. Ulovligt indhold kan "
		              "blive politianmeldt.";
	default:
		return spam
		           ? "Your comment was removed because it is "
		             "advertising or spam, which is not allowed on our "
		             "page."
		           : "Your comment was removed because it breaks the "
		             "rules of our page. Unlawful content may be "
		             "reported to the police.";
	}
}

/* The evidence document of a removal (sorted keys, indented): malloc'd
 * text, NULL on failure. */
static char *
evidence_json(struct db *db, struct arena *ar, const struct actor *a,
              int64_t item_id, const char *action, const char *ground,
              const char *note, int64_t now, int *version, char text_sha[65])
{
	struct capture_row row;
	struct capture_version *vers;
	struct capture_event *evs;
	int nv, ne;
	json_t *doc, *jv, *je;
	char iso[32], *out;
	const char *text;

	if (capture_get(db, ar, a, item_id, &row, &vers, &nv, &evs, &ne) !=
	    KV_OK)
		return NULL;
	text = row.text ? row.text : "";
	sha256_hex(text, strlen(text), text_sha);
	*version = row.current_version;
	jv = json_array();
	je = json_array();
	for (int i = 0; i < nv; i++)
		json_array_append_new(jv, capture_version_json(&vers[i]));
	for (int i = 0; i < ne; i++)
		json_array_append_new(je, capture_event_json(&evs[i]));
	doc = json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:s,s:s}",
	                "kind", "kanalvakt removal evidence", "format", 1,
	                "frozen_at", time_fmt_iso(now, iso), "frozen_by",
	                a->label ? a->label : "system", "action", action,
	                "ground", ground, "note", note ? note : "", "item",
	                capture_row_json(&row), "versions", jv, "events", je,
	                "rendered_text", text, "text_sha256", text_sha);
	if (doc == NULL)
		return NULL;
	out = json_dumps(doc,
	                 JSON_SORT_KEYS | JSON_INDENT(1) | JSON_ENSURE_ASCII);
	json_decref(doc);
	return out;
}

static void
removal_status(struct db *db, int64_t id, const char *status, const char *error,
               int64_t done_at)
{
	if (db_run(db,
	           "UPDATE removals SET platform_status = ?, platform_error = "
	           "?, done_at = ? WHERE id = ?",
	           "ttji", status, error ? error : "", done_at, id) != 0)
		log_err("act: removal %" PRId64 ": status not stored: %s", id,
		        db_errmsg(db));
}

enum kv_rc
act_remove(struct db *db, struct arena *ar, const struct act_cfg *cfg,
           const struct actor *a, int64_t item_id, const char *action,
           const char *ground, const char *note, struct act_outcome *out,
           struct verrs *v)
{
	struct inbox_row r;
	struct sync_session *s;
	struct cred_key key;
	struct conn_ctx *ctx;
	enum conn_rc crc;
	enum kv_rc rc;
	char *doc, text_sha[65];
	int version = 1, manual;
	int64_t rid = 0, now = time_now();
	unsigned need;

	outcome_init(out);
	if (action == NULL ||
	    (strcmp(action, "hide") != 0 && strcmp(action, "delete") != 0 &&
	     strcmp(action, "manual") != 0))
		verr_add(v, "action", "Must be hide, delete or manual");
	if (ground == NULL || abuse_ground_parse(ground) < 0)
		verr_add(v, "ground", "Must be one of the grounds for removal");
	if (note && (strlen(note) > KV_MAX_TEXT ||
	             !utf8_valid_text(note, strlen(note), 1)))
		verr_add(v, "note", "Is too long or not valid text");
	if (v->n)
		return KV_INVALID;
	rc = inbox_work_get(db, ar, a, item_id, &r);
	if (rc != KV_OK)
		return rc;
	if (r.state == IS_REMOVED) {
		verr_add(v, "item_id", "Is removed already");
		return KV_CONFLICT;
	}
	if (!r.item.inbound) {
		verr_add(v, "item_id", "Is one of our own");
		return KV_INVALID;
	}
	manual = strcmp(action, "manual") == 0;
	/* 1: freeze the evidence and commit it before anything else */
	doc = evidence_json(db, ar, a, item_id, action, ground, note, now,
	                    &version, text_sha);
	if (doc == NULL)
		return KV_DBERR;
	if (db_begin(db) != 0) {
		free(doc);
		return KV_DBERR;
	}
	if (capture_blob(db, doc, strlen(doc), "application/json", now,
	                 out->sha256) != 0 ||
	    db_get_i64(db, &rid,
	               "INSERT INTO removals (org_id, item_id, version, "
	               "person_id, action, ground, note, evidence_sha256, "
	               "text_sha256, frozen_at, platform_status, "
	               "sender_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	               "?, ?) RETURNING id",
	               "iiijtttttitt", a->org_id, item_id, (int64_t)version,
	               a->person_id, action, ground, note ? note : "",
	               out->sha256, text_sha, now,
	               manual ? "manual" : "pending",
	               act_removed_message(r.item.lang, ground)) != 1) {
		free(doc);
		db_rollback(db);
		return KV_DBERR;
	}
	free(doc);
	out->id = rid;
	snprintf(out->message, sizeof(out->message), "%s",
	         act_removed_message(r.item.lang, ground));
	if (audit_commit(db, a, "freeze", "item", item_id, NULL,
	                 json_pack("{s:I,s:s,s:s,s:s,s:i}", "removal_id",
	                           (json_int_t)rid, "evidence_sha256",
	                           out->sha256, "action", action, "ground",
	                           ground, "version", version)) != KV_OK)
		return KV_DBERR;
	/* 2: the platform */
	if (manual) {
		set_status(out, "manual");
		goto removed;
	}
	s = act_open(db, cfg, r.item.channel_id, now, &key, out->error,
	             sizeof(out->error));
	if (s == NULL) {
		cred_key_wipe(&key);
		set_status(out, "failed");
		removal_status(db, rid, "failed", out->error, 0);
		return KV_CONFLICT;
	}
	ctx = sync_session_ctx(s);
	need = strcmp(action, "hide") == 0 ? CAP_HIDE : CAP_DELETE_OTHERS;
	if (ctx->c->moderate == NULL || !(ctx->c->caps & need)) {
		crc = CONN_E_UNSUPPORTED;
		snprintf(out->error, sizeof(out->error), "%s",
		         ctx->c->note ? ctx->c->note
		                      : "the platform does not allow this "
		                        "through its API");
	} else {
		crc =
		    ctx->c->moderate(ctx, r.item.platform_id,
		                     need == CAP_HIDE ? MOD_HIDE : MOD_DELETE);
		if (crc != CONN_OK)
			conn_reason(ctx, crc, out->error, sizeof(out->error));
	}
	sync_session_close(s);
	if (crc != CONN_OK) {
		const char *st =
		    crc == CONN_E_UNSUPPORTED ? "unsupported" : "failed";
		set_status(out, st);
		removal_status(db, rid, st, out->error, 0);
		return KV_CONFLICT;
	}
	set_status(out, "done");
removed:
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (!manual)
		removal_status(db, rid, "done", "", now);
	if (inbox_record_action(db, a, item_id, IS_REMOVED, IO_REMOVED, now,
	                        arena_printf(ar, "removal %" PRId64 " (%s, %s)",
	                                     rid, action, ground)) != KV_OK ||
	    db_commit(db) != 0) {
		db_rollback(db);
		return KV_DBERR;
	}
	return KV_OK;
}

/* --- the police evidence pack ------------------------------------------------
 */

struct zipbuf {
	struct buf *b;
};

static la_ssize_t
zip_write(struct archive *ar, void *ud, const void *p, size_t n)
{
	struct zipbuf *z = ud;
	(void)ar;
	if (buf_add(z->b, p, n) != 0)
		return -1;
	return (la_ssize_t)n;
}

/* Adds a file to the zip and its line to sums.  0 or -1. */
static int
zip_add(struct archive *za, struct buf *sums, const char *name, const void *p,
        size_t n, int64_t mtime)
{
	struct archive_entry *e = archive_entry_new();
	char sha[65];
	int rc;
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	rc = archive_write_header(za, e) == ARCHIVE_OK &&
	             (n == 0 || archive_write_data(za, p, n) == (la_ssize_t)n)
	         ? 0
	         : -1;
	archive_entry_free(e);
	if (rc == 0 && sums != NULL) {
		sha256_hex(p, n, sha);
		buf_printf(sums, "%s  %s\n", sha, name);
	}
	return rc;
}

/* The bytes of blob sha (malloc'd into *p), or -1. */
static int
blob_get(struct db *db, const char *sha, void **p, size_t *n)
{
	struct db_stmt *st =
	    db_query(db, "SELECT bytes FROM blobs WHERE sha256 = ?", "t", sha);
	int rc = -1;
	if (st != NULL && db_step(st) == DB_ROW) {
		const void *b = db_col_blob(st, 0, n);
		*p = xmalloc(*n + 1);
		if (*n)
			memcpy(*p, b, *n);
		((char *)*p)[*n] = '\0';
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

/* Adds blob sha as dir/sha<ext> unless added already. */
static int
zip_blob(struct db *db, struct archive *za, struct buf *sums, json_t *seen,
         const char *dir, const char *sha, int64_t mtime)
{
	void *p;
	size_t n;
	char name[128];
	int rc;
	if (sha == NULL || strlen(sha) != 64 || json_object_get(seen, sha))
		return 0;
	json_object_set_new(seen, sha, json_true());
	if (blob_get(db, sha, &p, &n) != 0)
		return 0; /* not kept (media not downloaded): listed in JSON */
	snprintf(name, sizeof(name), "%s/%s", dir, sha);
	rc = zip_add(za, sums, name, p, n, mtime);
	free(p);
	return rc;
}

enum kv_rc
act_evidence_pack(struct db *db, struct arena *ar, const struct actor *a,
                  int64_t removal_id, struct buf *zip, const char **name)
{
	struct inbox_row r;
	struct db_stmt *st;
	struct archive *za;
	struct zipbuf zb = {zip};
	struct buf sums, readme;
	json_t *doc = NULL, *seen = json_object(), *vers, *v;
	void *ev = NULL;
	size_t evn = 0, i;
	int64_t item_id = 0, frozen_at = 0;
	const char *ground = "", *action = "", *evsha = NULL, *text;
	char iso[32];
	enum kv_rc rc;
	int ok;

	st = db_query(db,
	              "SELECT item_id, evidence_sha256, ground, action, "
	              "frozen_at FROM removals WHERE id = ? AND org_id = ?",
	              "ii", removal_id, a->org_id);
	if (st != NULL && db_step(st) == DB_ROW) {
		item_id = db_col_i64(st, 0);
		evsha = arena_strdup(ar, db_col_text(st, 1));
		ground = arena_strdup(ar, db_col_text(st, 2));
		action = arena_strdup(ar, db_col_text(st, 3));
		frozen_at = db_col_i64(st, 4);
	}
	db_finalize(st);
	if (item_id == 0) {
		json_decref(seen);
		return st == NULL ? KV_DBERR : KV_NOTFOUND;
	}
	rc = inbox_work_get(db, ar, a, item_id, &r);
	if (rc != KV_OK) {
		json_decref(seen);
		return rc;
	}
	if (blob_get(db, evsha, &ev, &evn) != 0 ||
	    (doc = json_loadb(ev, evn, 0, NULL)) == NULL) {
		free(ev);
		json_decref(seen);
		return KV_DBERR;
	}
	*name =
	    arena_printf(ar, "evidence-removal-%" PRId64 ".zip", removal_id);
	buf_init(&sums, 1u << 20);
	buf_init(&readme, 64u << 10);
	za = archive_write_new();
	archive_write_set_format_zip(za);
	ok = archive_write_open2(za, &zb, NULL, zip_write, NULL, NULL) ==
	     ARCHIVE_OK;
	text = json_string_value(json_object_get(doc, "rendered_text"));
	buf_printf(
	    &readme,
	    "Evidence of a removed social media item (kanalvakt)\r\n"
	    "\r\n"
	    "Removal:     %" PRId64 " (%s)\r\n"
	    "Ground:      %s\r\n"
	    "Frozen at:   %s (UTC) by %s\r\n"
	    "Channel:     %s (%s)\r\n"
	    "Author:      %s %s (platform id %s)\r\n"
	    "Item:        %s\r\n"
	    "Address:     %s\r\n"
	    "\r\n"
	    "evidence.json is the document frozen before the item was "
	    "removed;\r\nits SHA-256 is %s and is recorded in the "
	    "kanalvakt audit log.\r\ntext.txt is the item's text as "
	    "shown; raw/ holds each payload exactly\r\nas the platform "
	    "sent it, media/ the pictures and videos kept.\r\nSHA256SUMS "
	    "lists every file: check with `sha256sum -c SHA256SUMS`.\r\n",
	    removal_id, action, ground, time_fmt_iso(frozen_at, iso),
	    json_string_value(json_object_get(doc, "frozen_by"))
	        ? json_string_value(json_object_get(doc, "frozen_by"))
	        : "",
	    r.item.channel_name ? r.item.channel_name : "",
	    r.item.platform ? r.item.platform : "",
	    r.item.author_name ? r.item.author_name : "",
	    r.item.author_handle ? r.item.author_handle : "",
	    r.item.author_id ? r.item.author_id : "",
	    r.item.platform_id ? r.item.platform_id : "",
	    r.item.url ? r.item.url : "", evsha);
	ok = ok && zip_add(za, NULL, "README.txt", readme.p, readme.len,
	                   frozen_at) == 0;
	ok = ok && zip_add(za, &sums, "evidence.json", ev, evn, frozen_at) == 0;
	ok = ok && zip_add(za, &sums, "text.txt", text ? text : "",
	                   text ? strlen(text) : 0, frozen_at) == 0;
	vers = json_object_get(doc, "versions");
	json_array_foreach(vers, i, v)
	{
		json_t *media, *m;
		size_t k;
		ok = ok && zip_blob(db, za, &sums, seen, "raw",
		                    json_string_value(
		                        json_object_get(v, "raw_sha256")),
		                    frozen_at) == 0;
		media = json_object_get(v, "media");
		if (!json_is_array(media))
			media = json_loads(
			    json_string_value(json_object_get(v, "media_json"))
			        ? json_string_value(
			              json_object_get(v, "media_json"))
			        : "[]",
			    0, NULL);
		else
			json_incref(media);
		json_array_foreach(media, k, m)
		{
			ok = ok && zip_blob(db, za, &sums, seen, "media",
			                    json_string_value(
			                        json_object_get(m, "sha256")),
			                    frozen_at) == 0;
		}
		json_decref(media);
	}
	ok = ok && !sums.overflow &&
	     zip_add(za, NULL, "SHA256SUMS", sums.p ? sums.p : "", sums.len,
	             frozen_at) == 0;
	ok = archive_write_close(za) == ARCHIVE_OK && ok && !zip->overflow;
	archive_write_free(za);
	buf_cleanup(&sums);
	buf_cleanup(&readme);
	json_decref(doc);
	json_decref(seen);
	free(ev);
	return ok ? KV_OK : KV_DBERR;
}

/* --- the registry
 * ------------------------------------------------------------- */

enum kv_rc
registry_mailbox_get(struct db *db, struct arena *ar, const struct actor *a,
                     const char **mailbox)
{
	struct db_stmt *st = db_query(
	    db, "SELECT mailbox FROM registry_settings WHERE org_id = ?", "i",
	    a->org_id);
	int rc;
	*mailbox = "";
	if (st == NULL)
		return KV_DBERR;
	rc = db_step(st);
	if (rc == DB_ROW)
		*mailbox = arena_strdup(ar, db_col_text(st, 0));
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

enum kv_rc
registry_mailbox_set(struct db *db, struct arena *ar, const struct actor *a,
                     const char *mailbox, struct verrs *v)
{
	const char *old;
	enum kv_rc rc;
	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if (mailbox == NULL)
		mailbox = "";
	if (mailbox[0] &&
	    (strlen(mailbox) > KV_MAX_EMAIL || !mail_addr_ok(mailbox))) {
		verr_add(v, "mailbox", "Is not an e-mail address");
		return KV_INVALID;
	}
	rc = registry_mailbox_get(db, ar, a, &old);
	if (rc != KV_OK)
		return rc;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "INSERT INTO registry_settings (org_id, mailbox, "
	           "updated_at) VALUES (?, ?, ?) ON CONFLICT (org_id) DO "
	           "UPDATE SET mailbox = excluded.mailbox, updated_at = "
	           "excluded.updated_at",
	           "iti", a->org_id, mailbox, time_now()) != 0) {
		db_rollback(db);
		return KV_DBERR;
	}
	return audit_commit(db, a, "registry_mailbox", "org", a->org_id,
	                    json_pack("{s:s}", "mailbox", old),
	                    json_pack("{s:s}", "mailbox", mailbox));
}

void
act_registry_message(const char *lang, const char *reference, char *out,
                     size_t n)
{
	switch (lang_parse(lang)) {
	case LANG_NB:
		snprintf(
		    out, n,
		    "Takk for henvendelsen. Vi har plikt til å journalføre "
		    "saker, så den er sendt til postmottaket vårt og blir "
		    "behandlet der (referanse %s). Vi kan ikke behandle saker "
		    "i sosiale medier.",
		    reference);
		break;
	case LANG_NN:
		snprintf(
		    out, n,
		    "Takk for førespurnaden. Vi har plikt til å journalføre "
		    "saker, så han er send til postmottaket vårt og blir "
		    "handsama der (referanse %s). Vi kan ikkje handsame saker "
		    "i sosiale medium.",
		    reference);
		break;
	case LANG_SV:
		snprintf(
		    out, n,
		    "Tack för ditt meddelande. Vi har skyldighet att "
		    "registrera ärenden, så det har skickats till vår "
		    "registratur och handläggs där (referens %s). Vi kan inte "
		    "handlägga ärenden i sociala medier.",
		    reference);
		break;
	case LANG_DA:
		snprintf(
		    out, n,
		    "Tak for din henvendelse. Vi har pligt til at journalisere "
		    "sager, så den er sendt til vores postmodtagelse og bliver "
		    "behandlet der (reference %s). Vi kan ikke behandle sager "
		    "på sociale medier.",
		    reference);
		break;
	default:
		snprintf(
		    out, n,
		    "Thank you for your message. We have a duty to record "
		    "cases, so it has been sent to our registry and will be "
		    "handled there (reference %s). We cannot handle cases on "
		    "social media.",
		    reference);
	}
}

/* Writes an element with text content when text is not NULL. */
static void
xw_el(xmlTextWriterPtr w, const char *name, const char *text)
{
	if (text != NULL)
		xmlTextWriterWriteElement(w, XC name, XC text);
}

/* The arkivmelding (Noark 5) of a case request: one incoming journalpost
 * with the sender as korrespondansepart, the text as the main document
 * (a dokumentobjekt referring to the file beside it) and our reference
 * as referanseEksternNoekkel.  malloc'd, NULL on failure. */
static char *
arkivmelding(const struct act_cfg *cfg, const struct inbox_row *r,
             const char *reference, const char *tz, int64_t now,
             const char *text_sha, size_t text_len, const char *note)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
	char t_now[32], t_shown[32], size[24], *out = NULL, docname[96];
	const char *title;
	if (w == NULL) {
		if (xb)
			xmlBufferFree(xb);
		return NULL;
	}
	time_fmt_local_iso(tz, now, t_now);
	time_fmt_local_iso(tz, r->item.created_at, t_shown);
	snprintf(size, sizeof(size), "%zu", text_len);
	snprintf(docname, sizeof(docname), "%s.txt", reference);
	title = r->item.channel_name ? r->item.channel_name : "sosiale medier";
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
	xmlTextWriterStartElementNS(
	    w, NULL, XC "arkivmelding",
	    BAD_CAST
	    "http://www.arkivverket.no/standarder/noark5/arkivmelding");
	xmlTextWriterWriteAttributeNS(
	    w, XC "xmlns", XC "xsi", NULL,
	    XC "http://www.w3.org/2001/XMLSchema-instance");
	xw_el(w, "system", cfg->system_name ? cfg->system_name : "kanalvakt");
	xw_el(w, "meldingId", reference);
	xw_el(w, "tidspunkt", t_now);
	xw_el(w, "antallFiler", "1");
	xmlTextWriterStartElement(w, XC "registrering");
	xmlTextWriterWriteAttributeNS(w, XC "xsi", XC "type", NULL,
	                              XC "journalpost");
	xw_el(w, "opprettetDato", t_now);
	xw_el(w, "opprettetAv", "kanalvakt");
	xmlTextWriterStartElement(w, XC "dokumentbeskrivelse");
	xw_el(w, "dokumenttype", "Henvendelse");
	xw_el(w, "dokumentstatus", "Dokumentet er ferdigstilt");
	xw_el(w, "tittel", "Henvendelse fra sosiale medier");
	xw_el(w, "tilknyttetRegistreringSom", "Hoveddokument");
	xw_el(w, "dokumentnummer", "1");
	xmlTextWriterStartElement(w, XC "dokumentobjekt");
	xw_el(w, "versjonsnummer", "1");
	xw_el(w, "variantformat", "Produksjonsformat");
	xw_el(w, "format", "TXT");
	xw_el(w, "referanseDokumentfil", docname);
	xw_el(w, "sjekksum", text_sha);
	xw_el(w, "sjekksumAlgoritme", "SHA256");
	xw_el(w, "filstoerrelse", size);
	xmlTextWriterEndElement(w); /* dokumentobjekt */
	xmlTextWriterEndElement(w); /* dokumentbeskrivelse */
	xmlTextWriterStartElement(w, XC "tittel");
	xmlTextWriterWriteFormatString(w, "Henvendelse via %s", title);
	xmlTextWriterEndElement(w);
	xw_el(w, "merknad", note && note[0] ? note : NULL);
	xmlTextWriterStartElement(w, XC "korrespondansepart");
	xw_el(w, "korrespondanseparttype", "Avsender");
	xw_el(
	    w, "korrespondansepartNavn",
	    r->item.author_name && r->item.author_name[0]
	        ? r->item.author_name
	        : (r->item.author_handle ? r->item.author_handle : "(ukjent)"));
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, XC "referanseEksternNoekkel");
	xw_el(w, "fagsystem", "kanalvakt");
	xw_el(w, "noekkel", reference);
	xmlTextWriterEndElement(w);
	xw_el(w, "journalposttype", "Inngående dokument");
	xw_el(w, "journalstatus", "Midlertidig registrert");
	xw_el(w, "dokumentetsDato", t_shown);
	xw_el(w, "mottattDato", t_shown);
	xmlTextWriterEndElement(w); /* registrering */
	xmlTextWriterEndElement(w); /* arkivmelding */
	if (xmlTextWriterEndDocument(w) >= 0)
		out = xstrdup((const char *)xmlBufferContent(xb));
	xmlFreeTextWriter(w);
	xmlBufferFree(xb);
	return out;
}

/* Writes data to dir/name through a temporary file and rename: 0 / -1. */
static int
write_file_atomic(const char *dir, const char *name, const char *data, size_t n)
{
	char path[4096], tmp[4200];
	int fd, rc = -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (write(fd, data, n) == (ssize_t)n && fsync(fd) == 0)
		rc = 0;
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

enum kv_rc
act_registry(struct db *db, struct arena *ar, const struct act_cfg *cfg,
             const struct actor *a, int64_t item_id, const char *note,
             struct act_outcome *out, struct verrs *v)
{
	struct inbox_row r;
	struct buf body;
	const char *mailbox, *tz, *text, *subject;
	char *xml = NULL, text_sha[65], shown[32], fname[96], prefix[72];
	int64_t n = 0, mail_id = 0, sid = 0, now = time_now();
	enum kv_rc rc;

	outcome_init(out);
	if (note && (strlen(note) > KV_MAX_TEXT ||
	             !utf8_valid_text(note, strlen(note), 1))) {
		verr_add(v, "note", "Is too long or not valid text");
		return KV_INVALID;
	}
	rc = inbox_work_get(db, ar, a, item_id, &r);
	if (rc != KV_OK)
		return rc;
	rc = registry_mailbox_get(db, ar, a, &mailbox);
	if (rc != KV_OK)
		return rc;
	if (!mailbox[0] &&
	    (cfg->registry_dir == NULL || !cfg->registry_dir[0])) {
		verr_add(v, "registry",
		         "No registry mailbox or directory is configured");
		return KV_CONFLICT;
	}
	if (db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM registry_sends WHERE item_id = ?",
	               "i", item_id) < 0)
		return KV_DBERR;
	snprintf(out->reference, sizeof(out->reference),
	         "KV-%" PRId64 "-%" PRId64, item_id, n + 1);
	tz = org_tz(db, ar, a->org_id);
	text = r.item.text ? r.item.text : "";
	sha256_hex(text, strlen(text), text_sha);
	xml = arkivmelding(cfg, &r, out->reference, tz, now, text_sha,
	                   strlen(text), note);
	if (xml == NULL)
		return KV_DBERR;
	snprintf(fname, sizeof(fname), "arkivmelding-%s.xml", out->reference);
	time_fmt_local_iso(tz, r.item.created_at, shown);
	snprintf(prefix, sizeof(prefix), "[%s]", out->reference);
	subject =
	    arena_printf(ar, "%s Henvendelse fra sosiale medier: %.60s", prefix,
	                 r.item.channel_name ? r.item.channel_name : "");
	buf_init(&body, 256u << 10);
	buf_printf(&body,
	           "En henvendelse i sosiale medier er sendt til "
	           "journalføring.\n"
	           "A message on social media is sent to the registry.\n\n"
	           "Referanse / reference: %s\n"
	           "Kanal / channel: %s (%s)\n"
	           "Avsender / from: %s %s\n"
	           "Vist / shown: %s\n"
	           "Adresse / address: %s\n",
	           out->reference,
	           r.item.channel_name ? r.item.channel_name : "",
	           r.item.platform ? r.item.platform : "",
	           r.item.author_name ? r.item.author_name : "",
	           r.item.author_handle ? r.item.author_handle : "", shown,
	           r.item.url ? r.item.url : "");
	if (cfg->base_url && cfg->base_url[0])
		buf_printf(&body, "kanalvakt: %s/inbox/%" PRId64 "\n",
		           cfg->base_url, item_id);
	if (note && note[0])
		buf_printf(&body, "Merknad / note: %s\n", note);
	buf_printf(&body,
	           "\nTekst / text (SHA-256 %s):\n\n%s\n\n"
	           "Svar med journalnummer i emnefeltet, eller registrer det "
	           "i kanalvakt.\nReply with the journal reference, or record "
	           "it in kanalvakt.\n",
	           text_sha, text);
	if (body.overflow) {
		buf_cleanup(&body);
		free(xml);
		return KV_DBERR;
	}
	if (db_begin(db) != 0)
		goto dberr;
	if (capture_blob(db, xml, strlen(xml), "application/xml", now,
	                 out->sha256) != 0)
		goto rollback;
	if (mailbox[0] && mail_queue(db, a->org_id, 0, mailbox, subject, body.p,
	                             now, &mail_id) != 0)
		goto rollback;
	if (db_get_i64(db, &sid,
	               "INSERT INTO registry_sends (org_id, item_id, "
	               "person_id, reference, mailbox, mail_id, xml_sha256, "
	               "file_name, note, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
	               "?, ?, ?) RETURNING id",
	               "iijttjttti", a->org_id, item_id, a->person_id,
	               out->reference, mailbox, mail_id, out->sha256,
	               cfg->registry_dir && cfg->registry_dir[0] ? fname : "",
	               note ? note : "", now) != 1)
		goto rollback;
	out->id = sid;
	if (inbox_record_action(db, a, item_id, IS_REGISTRY, IO_REGISTRY, now,
	                        out->reference) != KV_OK ||
	    db_commit(db) != 0)
		goto rollback;
	buf_cleanup(&body);
	set_status(out, mailbox[0] ? "queued" : "done");
	act_registry_message(r.item.lang, out->reference, out->message,
	                     sizeof(out->message));
	if (cfg->registry_dir && cfg->registry_dir[0] &&
	    write_file_atomic(cfg->registry_dir, fname, xml, strlen(xml)) !=
	        0) {
		snprintf(out->error, sizeof(out->error),
		         "the arkivmelding file could not be written to the "
		         "registry directory (%s); it is kept in kanalvakt",
		         strerror(errno));
		log_err("act: registry %s: %s", out->reference, out->error);
	}
	free(xml);
	return KV_OK;
rollback:
	db_rollback(db);
dberr:
	buf_cleanup(&body);
	free(xml);
	return KV_DBERR;
}

enum kv_rc
act_registry_journal(struct db *db, struct arena *ar, const struct actor *a,
                     int64_t item_id, const char *journal_ref, struct verrs *v)
{
	struct inbox_row r;
	int64_t sid = 0;
	enum kv_rc rc;
	if (journal_ref == NULL || blank(journal_ref) ||
	    strlen(journal_ref) > 100 ||
	    !utf8_valid_text(journal_ref, strlen(journal_ref), 0)) {
		verr_add(v, "journal_ref", "Must be 1 to 100 characters");
		return KV_INVALID;
	}
	rc = inbox_work_get(db, ar, a, item_id, &r);
	if (rc != KV_OK)
		return rc;
	if (db_get_i64(db, &sid,
	               "SELECT id FROM registry_sends WHERE item_id = ? AND "
	               "org_id = ? ORDER BY id DESC LIMIT 1",
	               "ii", item_id, a->org_id) != 1) {
		verr_add(v, "item_id", "Was never sent to the registry");
		return KV_CONFLICT;
	}
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "UPDATE registry_sends SET journal_ref = ?, journal_at = ?, "
	           "journal_by = ? WHERE id = ?",
	           "tiji", journal_ref, time_now(), a->person_id, sid) != 0 ||
	    inbox_record_journal(db, a, item_id, journal_ref, time_now()) !=
	        KV_OK) {
		db_rollback(db);
		return KV_DBERR;
	}
	/* inbox_record_journal audited it inside this transaction */
	if (db_commit(db) != 0) {
		db_rollback(db);
		return KV_DBERR;
	}
	return KV_OK;
}

/* --- history
 * ---------------------------------------------------------------------- */

/* Runs sql (one "i" parameter: item_id, one "i": org) and turns each row
 * into an object with the given column names; ints where the name ends
 * in "_at" or "_id" or is "id", "version", strings else. */
static json_t *
rows_json(struct db *db, const char *sql, int64_t item_id, int64_t org_id,
          const char *const *cols)
{
	struct db_stmt *st = db_query(db, sql, "ii", item_id, org_id);
	json_t *arr = json_array();
	char iso[32];
	if (st == NULL) {
		json_decref(arr);
		return NULL;
	}
	while (db_step(st) == DB_ROW) {
		json_t *o = json_object();
		for (int c = 0; cols[c]; c++) {
			size_t l = strlen(cols[c]);
			if (db_col_is_null(st, c))
				json_object_set_new(o, cols[c], json_null());
			else if (l > 3 && strcmp(cols[c] + l - 3, "_at") == 0)
				json_object_set_new(
				    o, cols[c],
				    json_string(
				        time_fmt_iso(db_col_i64(st, c), iso)));
			else if (strcmp(cols[c], "id") == 0 ||
			         strcmp(cols[c], "version") == 0 ||
			         (l > 3 && strcmp(cols[c] + l - 3, "_id") == 0))
				json_object_set_new(
				    o, cols[c],
				    json_integer(db_col_i64(st, c)));
			else
				json_object_set_new(
				    o, cols[c],
				    json_string(db_col_text(st, c)));
		}
		json_array_append_new(arr, o);
	}
	db_finalize(st);
	return arr;
}

enum kv_rc
act_history(struct db *db, struct arena *ar, const struct actor *a,
            int64_t item_id, json_t **replies, json_t **removals,
            json_t **registry)
{
	static const char *const rc_cols[] = {
	    "id",          "person_id",     "person_name", "text",
	    "signed_text", "state",         "platform_id", "url",
	    "error",       "reply_item_id", "created_at",  "sent_at",
	    NULL};
	static const char *const rm_cols[] = {
	    "id",          "version",         "person_id",
	    "person_name", "action",          "ground",
	    "note",        "evidence_sha256", "text_sha256",
	    "frozen_at",   "platform_status", "platform_error",
	    "done_at",     "sender_message",  NULL};
	static const char *const rg_cols[] = {
	    "id",          "person_id",  "person_name", "reference", "mailbox",
	    "mail_id",     "xml_sha256", "file_name",   "note",      "sent_at",
	    "journal_ref", "journal_at", NULL};
	struct inbox_row row;
	/* the item must be one the actor may see */
	enum kv_rc rc = inbox_get(db, ar, a, item_id, &row);
	*replies = *removals = *registry = NULL;
	if (rc != KV_OK)
		return rc;
	*replies = rows_json(
	    db,
	    "SELECT r.id, r.person_id, p.full_name, r.text, r.signed_text, "
	    "r.state, r.platform_id, r.url, r.error, r.reply_item_id, "
	    "r.created_at, r.sent_at FROM inbox_replies r LEFT JOIN people p "
	    "ON p.id = r.person_id WHERE r.item_id = ? AND r.org_id = ? "
	    "ORDER BY r.id DESC",
	    item_id, a->org_id, rc_cols);
	*removals = rows_json(
	    db,
	    "SELECT r.id, r.version, r.person_id, p.full_name, r.action, "
	    "r.ground, r.note, r.evidence_sha256, r.text_sha256, r.frozen_at, "
	    "r.platform_status, r.platform_error, r.done_at, "
	    "r.sender_message FROM removals r LEFT JOIN people p ON p.id = "
	    "r.person_id WHERE r.item_id = ? AND r.org_id = ? ORDER BY r.id "
	    "DESC",
	    item_id, a->org_id, rm_cols);
	*registry = rows_json(
	    db,
	    "SELECT r.id, r.person_id, p.full_name, r.reference, r.mailbox, "
	    "r.mail_id, r.xml_sha256, r.file_name, r.note, r.sent_at, "
	    "r.journal_ref, r.journal_at FROM registry_sends r LEFT JOIN "
	    "people p ON p.id = r.person_id WHERE r.item_id = ? AND r.org_id "
	    "= ? ORDER BY r.id DESC",
	    item_id, a->org_id, rg_cols);
	if (*replies == NULL || *removals == NULL || *registry == NULL) {
		json_decref(*replies);
		json_decref(*removals);
		json_decref(*registry);
		*replies = *removals = *registry = NULL;
		return KV_DBERR;
	}
	return KV_OK;
}
