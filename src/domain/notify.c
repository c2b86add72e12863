/*
 * notify.c - notifications, the mail outbox and the mail preference (the
 * rules are in notify.h; the design in docs/NOTIFICATIONS.md).
 *
 * Invariants
 *  - (person_id, dedup_key) is unique: raising an alert twice in its period
 *    writes nothing the second time (INSERT … ON CONFLICT DO NOTHING).
 *  - A notification's mail row is written in the notification's own
 *    transaction, so either both exist or neither does.
 *  - The outbox only moves forward: queued → sent, or queued → (retries)
 *    → failed; an administrator's retry puts failed mail back to queued.
 *    A sender claims a row by moving next_attempt_at a lease ahead with a
 *    conditional UPDATE, so two senders never send the same row at once.
 */
#include "notify.h"
#include "valid.h"
#include "../base/log.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

static const char *base_url = "";

void
notify_set_base_url(const char *url)
{
	size_t n;
	base_url = url != NULL ? url : "";
	/* "https://x/" and "https://x" both give "https://x/channels/1" */
	n = strlen(base_url);
	if (n > 0 && base_url[n - 1] == '/') {
		static char trimmed[512];
		snprintf(trimmed, sizeof(trimmed), "%.*s", (int)(n - 1),
		         base_url);
		base_url = trimmed;
	}
}

/* 1 when s is a kind code: 1-40 of [a-z0-9_]. */
static int
valid_kind(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > KV_NOTIFY_MAX_KIND)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* 1 for NULL, "" or a local path: "/" then printable ASCII without
 * spaces, not "//" (which would leave the site). */
static int
valid_link(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0)
		return 1;
	if (n > KV_NOTIFY_MAX_LINK || s[0] != '/' || s[1] == '/' ||
	    s[1] == '\\')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* The words around a notification's mail, by organisation language. */
static const struct {
	const char *lang, *open, *footer;
} mail_words[] = {
    {"nb", "Åpne i kanalvakt:",
     "Dette er et varsel fra kanalvakt. Du kan slå av e-post om varsler på "
     "siden Varsler i kanalvakt."},
    {"nn", "Opne i kanalvakt:",
     "Dette er eit varsel frå kanalvakt. Du kan slå av e-post om varsel på "
     "sida Varsel i kanalvakt."},
    {"sv", "Öppna i kanalvakt:",
     "Det här är en avisering från kanalvakt. Du kan stänga av e-post om "
     "aviseringar på sidan Aviseringar i kanalvakt."},
    {"en", "Open in kanalvakt:",
     "This is a notification from kanalvakt. You can turn these e-mails off "
     "on the Notifications page in kanalvakt."},
};

/* The mail text of a notification: body, link, signature (arena). */
static const char *
mail_text(struct arena *ar, const char *lang, const char *body,
          const char *link)
{
	size_t w = ARRAY_LEN(mail_words) - 1; /* English by default */
	for (size_t i = 0; lang != NULL && i < ARRAY_LEN(mail_words); i++)
		if (strcmp(mail_words[i].lang, lang) == 0)
			w = i;
	return arena_printf(ar, "%s%s%s%s%s%s\n\n-- \n%s\n", body ? body : "",
	                    body && *body ? "\n\n" : "",
	                    link && *link ? mail_words[w].open : "",
	                    link && *link ? " " : "",
	                    link && *link ? base_url : "",
	                    link && *link ? link : "", mail_words[w].footer);
}

int
mail_queue(struct db *db, int64_t org_id, int64_t notification_id,
           const char *to, const char *subject, const char *body, int64_t now,
           int64_t *id)
{
	char mid[40];
	int64_t got = 0;
	random_hex(mid + 3, 16);
	memcpy(mid, "kv.", 3);
	if (db_get_i64(db, &got,
	               "INSERT INTO mail_outbox (org_id, notification_id, "
	               "to_addr, subject, body, message_id, state, attempts, "
	               "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, "
	               "'queued', 0, ?, ?) RETURNING id",
	               "jjttttii", org_id, notification_id, to, subject, body,
	               mid, now, now) != 1)
		return -1;
	if (id != NULL)
		*id = got;
	return 0;
}

enum kv_rc
notify_person(struct db *db, struct arena *ar, const struct actor *a,
              int64_t person_id, const char *kind, const char *dedup_key,
              const char *subject, const char *body, const char *link,
              int64_t *id, struct verrs *v)
{
	struct db_stmt *st;
	const char *email = NULL, *lang = NULL;
	int64_t nid = 0, mail_on = 1, now = time_now();
	int rc;

	*id = 0;
	if (!valid_kind(kind))
		verr_add(v, "kind", "is not a valid kind");
	valid_text(v, "dedup_key", dedup_key, 1, KV_NOTIFY_MAX_KEY);
	valid_text(v, "subject", subject, 1, KV_NOTIFY_MAX_SUBJECT);
	valid_multiline(v, "body", body, KV_NOTIFY_MAX_BODY);
	if (!valid_link(link))
		verr_add(v, "link", "must be a local path");
	if (v != NULL && v->n > 0)
		return KV_INVALID;
	if (a->person_id == 0 && !a->system)
		return KV_FORBIDDEN;

	if (db_begin(db) != 0)
		return KV_DBERR;
	st = db_query(db,
	              "SELECT COALESCE(p.email, ''), o.default_lang, "
	              "COALESCE(np.mail, 1) FROM people p JOIN orgs o ON "
	              "o.id = p.org_id LEFT JOIN notify_prefs np ON "
	              "np.person_id = p.id WHERE p.id = ? AND p.org_id = ? "
	              "AND p.active = 1",
	              "ii", person_id, a->org_id);
	if (st == NULL)
		goto dberr;
	rc = db_step(st);
	if (rc == DB_ROW) {
		email = arena_strdup(ar, db_col_text(st, 0));
		lang = arena_strdup(ar, db_col_text(st, 1));
		mail_on = db_col_i64(st, 2);
	}
	db_finalize(st);
	if (rc != DB_ROW) {
		db_rollback(db);
		return rc == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	}
	st = db_query(db,
	              "INSERT INTO notifications (org_id, person_id, kind, "
	              "dedup_key, subject, body, link, created_at) VALUES (?, "
	              "?, ?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, dedup_key) "
	              "DO NOTHING RETURNING id",
	              "iittttti", a->org_id, person_id, kind, dedup_key,
	              subject, body ? body : "", link ? link : "", now);
	if (st == NULL)
		goto dberr;
	rc = db_step(st);
	if (rc == DB_ROW)
		nid = db_col_i64(st, 0);
	db_finalize(st);
	if (rc < 0)
		goto dberr;
	if (nid == 0) { /* raised before in this period */
		if (db_commit(db) != 0)
			return KV_DBERR;
		return KV_OK;
	}
	if (*email != '\0' && mail_on &&
	    mail_queue(db, a->org_id, nid, email, subject,
	               mail_text(ar, lang, body, link), now, NULL) != 0)
		goto dberr;
	if (db_commit(db) != 0)
		return KV_DBERR;
	*id = nid;
	return KV_OK;
dberr:
	log_err("notify: %s", db_errmsg(db));
	db_rollback(db);
	return KV_DBERR;
}

enum kv_rc
notify_list(struct db *db, struct arena *ar, const struct actor *a,
            int unread_only, int limit, int offset, struct notification **out,
            int *n, int64_t *total)
{
	struct db_stmt *st;
	int rc;
	int64_t un = unread_only ? 1 : 0;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (a->person_id == 0)
		return KV_FORBIDDEN;
	if (limit < 1 || limit > 500)
		limit = 50;
	if (offset < 0)
		offset = 0;
	if (db_get_i64(db, total,
	               "SELECT COUNT(*) FROM notifications WHERE person_id = ? "
	               "AND org_id = ? AND (? = 0 OR read_at IS NULL)",
	               "iii", a->person_id, a->org_id, un) < 0)
		return KV_DBERR;
	st = db_query(db,
	              "SELECT id, person_id, created_at, COALESCE(read_at, 0), "
	              "kind, dedup_key, subject, body, link FROM notifications "
	              "WHERE person_id = ? AND org_id = ? AND (? = 0 OR "
	              "read_at IS NULL) ORDER BY created_at DESC, id DESC "
	              "LIMIT ? OFFSET ?",
	              "iiiii", a->person_id, a->org_id, un, (int64_t)limit,
	              (int64_t)offset);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)limit);
	while ((rc = db_step(st)) == DB_ROW && *n < limit) {
		struct notification *x = &(*out)[(*n)++];
		x->id = db_col_i64(st, 0);
		x->person_id = db_col_i64(st, 1);
		x->created_at = db_col_i64(st, 2);
		x->read_at = db_col_i64(st, 3);
		x->kind = arena_strdup(ar, db_col_text(st, 4));
		x->dedup_key = arena_strdup(ar, db_col_text(st, 5));
		x->subject = arena_strdup(ar, db_col_text(st, 6));
		x->body = arena_strdup(ar, db_col_text(st, 7));
		x->link = arena_strdup(ar, db_col_text(st, 8));
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

enum kv_rc
notify_unread(struct db *db, const struct actor *a, int64_t *count)
{
	*count = 0;
	if (a->person_id == 0)
		return KV_OK;
	return db_get_i64(db, count,
	                  "SELECT COUNT(*) FROM notifications WHERE person_id "
	                  "= ? AND org_id = ? AND read_at IS NULL",
	                  "ii", a->person_id, a->org_id) < 0
	           ? KV_DBERR
	           : KV_OK;
}

enum kv_rc
notify_mark_read(struct db *db, const struct actor *a, const int64_t *ids,
                 int nids, int64_t *marked)
{
	int64_t now = time_now();
	*marked = 0;
	if (a->person_id == 0)
		return KV_FORBIDDEN;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (nids == 0) {
		if (db_run(db,
		           "UPDATE notifications SET read_at = ? WHERE "
		           "person_id = ? AND org_id = ? AND read_at IS NULL",
		           "iii", now, a->person_id, a->org_id) != 0)
			goto dberr;
		*marked = db_changes(db);
	}
	for (int i = 0; i < nids; i++) {
		int64_t mine = 0;
		if (db_get_i64(
		        db, &mine,
		        "SELECT COUNT(*) FROM notifications WHERE id = ? "
		        "AND person_id = ? AND org_id = ?",
		        "iii", ids[i], a->person_id, a->org_id) < 0)
			goto dberr;
		if (mine == 0) { /* someone else's looks like a missing one */
			db_rollback(db);
			*marked = 0;
			return KV_NOTFOUND;
		}
		if (db_run(db,
		           "UPDATE notifications SET read_at = ? WHERE id = ? "
		           "AND read_at IS NULL",
		           "ii", now, ids[i]) != 0)
			goto dberr;
		*marked += db_changes(db);
	}
	if (db_commit(db) != 0)
		return KV_DBERR;
	return KV_OK;
dberr:
	log_err("notify: %s", db_errmsg(db));
	db_rollback(db);
	*marked = 0;
	return KV_DBERR;
}

enum kv_rc
notify_mail_get(struct db *db, const struct actor *a, int *on)
{
	int64_t v = 1;
	int rc;
	*on = 1;
	if (a->person_id == 0)
		return KV_OK;
	rc = db_get_i64(db, &v,
	                "SELECT mail FROM notify_prefs WHERE person_id = ?",
	                "i", a->person_id);
	if (rc < 0)
		return KV_DBERR;
	*on = rc == 1 ? (int)v : 1;
	return KV_OK;
}

enum kv_rc
notify_mail_set(struct db *db, struct arena *ar, const struct actor *a, int on)
{
	int before;
	(void)ar;
	if (a->person_id == 0)
		return KV_FORBIDDEN;
	if (notify_mail_get(db, a, &before) != KV_OK || db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "INSERT INTO notify_prefs (person_id, mail, updated_at) "
	           "VALUES (?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET "
	           "mail = excluded.mail, updated_at = excluded.updated_at",
	           "iii", a->person_id, (int64_t)(on ? 1 : 0),
	           time_now()) != 0) {
		log_err("notify: %s", db_errmsg(db));
		db_rollback(db);
		return KV_DBERR;
	}
	return audit_commit(db, a, "update", "notify_prefs", a->person_id,
	                    json_pack("{s:b}", "mail", before),
	                    json_pack("{s:b}", "mail", on ? 1 : 0));
}

json_t *
notification_json(const struct notification *n)
{
	char cr[32], rd[32];
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:b}", "id",
	                 (json_int_t)n->id, "kind", n->kind, "dedup_key",
	                 n->dedup_key, "subject", n->subject, "body",
	                 n->body ? n->body : "", "link", n->link ? n->link : "",
	                 "read_at",
	                 n->read_at ? json_string(time_fmt_iso(n->read_at, rd))
	                            : json_null(),
	                 "created_at", time_fmt_iso(n->created_at, cr),
	                 "unread", n->read_at == 0);
}

/* --- the outbox ------------------------------------------------------------
 */

#define MAIL_COLS                                                              \
	"id, COALESCE(org_id, 0), COALESCE(notification_id, 0), attempts, "    \
	"next_attempt_at, created_at, COALESCE(sent_at, 0), to_addr, "         \
	"subject, body, message_id, state, last_error"

static void
read_mail(struct db_stmt *st, struct arena *ar, struct mail *m)
{
	memset(m, 0, sizeof(*m));
	m->id = db_col_i64(st, 0);
	m->org_id = db_col_i64(st, 1);
	m->notification_id = db_col_i64(st, 2);
	m->attempts = db_col_i64(st, 3);
	m->next_attempt_at = db_col_i64(st, 4);
	m->created_at = db_col_i64(st, 5);
	m->sent_at = db_col_i64(st, 6);
	m->to = arena_strdup(ar, db_col_text(st, 7));
	m->subject = arena_strdup(ar, db_col_text(st, 8));
	m->body = arena_strdup(ar, db_col_text(st, 9));
	m->message_id = arena_strdup(ar, db_col_text(st, 10));
	m->state = arena_strdup(ar, db_col_text(st, 11));
	m->last_error = arena_strdup(ar, db_col_text(st, 12));
}

int
mail_due(struct db *db, struct arena *ar, int64_t now, int limit,
         struct mail **out, int *n)
{
	struct db_stmt *st;
	int rc;
	*n = 0;
	if (limit < 1)
		limit = 1;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)limit);
	st = db_query(db,
	              "SELECT " MAIL_COLS " FROM mail_outbox WHERE state = "
	              "'queued' AND next_attempt_at <= ? ORDER BY "
	              "next_attempt_at, id LIMIT ?",
	              "ii", now, (int64_t)limit);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && *n < limit)
		read_mail(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int
mail_claim(struct db *db, const struct mail *m, int64_t now)
{
	if (db_run(
	        db,
	        "UPDATE mail_outbox SET next_attempt_at = ? WHERE id = ? AND "
	        "state = 'queued' AND next_attempt_at = ?",
	        "iii", now + KV_MAIL_LEASE, m->id, m->next_attempt_at) != 0)
		return -1;
	return db_changes(db) == 1;
}

int
mail_sent(struct db *db, int64_t id, int64_t now)
{
	return db_run(db,
	              "UPDATE mail_outbox SET state = 'sent', attempts = "
	              "attempts + 1, sent_at = ?, last_error = '' WHERE id = ? "
	              "AND state = 'queued'",
	              "ii", now, id);
}

int64_t
mail_backoff(int64_t n)
{
	int64_t d = KV_MAIL_BACKOFF_BASE;
	for (int64_t i = 1; i < n && d < KV_MAIL_BACKOFF_MAX; i++)
		d *= 2;
	return d < KV_MAIL_BACKOFF_MAX ? d : KV_MAIL_BACKOFF_MAX;
}

int
mail_failed(struct db *db, int64_t id, const char *why, int permanent,
            int64_t now)
{
	int64_t attempts = 0;
	char reason[300];
	if (db_get_i64(db, &attempts,
	               "SELECT attempts FROM mail_outbox WHERE id = ?", "i",
	               id) != 1)
		return -1;
	attempts++;
	snprintf(reason, sizeof(reason), "%s", why ? why : "");
	if (!utf8_valid_text(reason, strlen(reason), 0))
		snprintf(reason, sizeof(reason), "delivery failed");
	if (permanent || attempts >= KV_MAIL_MAX_ATTEMPTS)
		return db_run(
		    db,
		    "UPDATE mail_outbox SET state = 'failed', attempts "
		    "= ?, last_error = ?, next_attempt_at = ? WHERE id "
		    "= ? AND state = 'queued'",
		    "itii", attempts, reason, now, id);
	return db_run(db,
	              "UPDATE mail_outbox SET attempts = ?, last_error = ?, "
	              "next_attempt_at = ? WHERE id = ? AND state = 'queued'",
	              "itii", attempts, reason, now + mail_backoff(attempts),
	              id);
}

enum kv_rc
mail_list(struct db *db, struct arena *ar, const struct actor *a,
          const char *state, int limit, int offset, struct mail **out, int *n,
          int64_t *total)
{
	struct db_stmt *st;
	int rc;
	const char *s = state ? state : "";
	/* mail of no organisation (none is queued so far) only for the CLI */
	int64_t sys = a->system ? 1 : 0;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if (limit < 1 || limit > 500)
		limit = 50;
	if (offset < 0)
		offset = 0;
	if (db_get_i64(db, total,
	               "SELECT COUNT(*) FROM mail_outbox WHERE (org_id = ? OR "
	               "(? = 1 AND org_id IS NULL)) AND (? = '' OR state = ?)",
	               "iitt", a->org_id, sys, s, s) < 0)
		return KV_DBERR;
	st = db_query(db,
	              "SELECT " MAIL_COLS " FROM mail_outbox WHERE (org_id = ? "
	              "OR (? = 1 AND org_id IS NULL)) AND (? = '' OR state = "
	              "?) ORDER BY id DESC LIMIT ? OFFSET ?",
	              "iittii", a->org_id, sys, s, s, (int64_t)limit,
	              (int64_t)offset);
	if (st == NULL)
		return KV_DBERR;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)limit);
	while ((rc = db_step(st)) == DB_ROW && *n < limit)
		read_mail(st, ar, &(*out)[(*n)++]);
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

enum kv_rc
mail_retry(struct db *db, struct arena *ar, const struct actor *a,
           int include_failed, int64_t *count)
{
	int64_t now = time_now(), sys = a->system ? 1 : 0, failed = 0;
	(void)ar;
	*count = 0;
	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_run(db,
	           "UPDATE mail_outbox SET next_attempt_at = ? WHERE state = "
	           "'queued' AND next_attempt_at > ? AND (org_id = ? OR (? = 1 "
	           "AND org_id IS NULL))",
	           "iiii", now, now, a->org_id, sys) != 0)
		goto dberr;
	*count = db_changes(db);
	if (include_failed) {
		if (db_run(
		        db,
		        "UPDATE mail_outbox SET state = 'queued', attempts = "
		        "0, next_attempt_at = ? WHERE state = 'failed' AND "
		        "(org_id = ? OR (? = 1 AND org_id IS NULL))",
		        "iii", now, a->org_id, sys) != 0)
			goto dberr;
		failed = db_changes(db);
		*count += failed;
	}
	return audit_commit(db, a, "retry", "mail_outbox", 0, NULL,
	                    json_pack("{s:I,s:I}", "queued",
	                              (json_int_t)(*count - failed), "failed",
	                              (json_int_t)failed));
dberr:
	log_err("notify: %s", db_errmsg(db));
	db_rollback(db);
	*count = 0;
	return KV_DBERR;
}

json_t *
mail_json(const struct mail *m)
{
	char cr[32], nx[32], se[32];
	return json_pack(
	    "{s:I,s:o,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:o}", "id",
	    (json_int_t)m->id, "notification_id",
	    m->notification_id ? json_integer(m->notification_id) : json_null(),
	    "to", m->to, "subject", m->subject, "state", m->state, "attempts",
	    (json_int_t)m->attempts, "last_error", m->last_error,
	    "next_attempt_at", time_fmt_iso(m->next_attempt_at, nx),
	    "created_at", time_fmt_iso(m->created_at, cr), "sent_at",
	    m->sent_at ? json_string(time_fmt_iso(m->sent_at, se))
	               : json_null());
}
