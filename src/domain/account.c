/*
 * account.c - logins, sessions, API tokens and login throttling.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str_alg) at
 * t=2, m=19 MiB, the OWASP minimum for argon2id.  Session and API tokens
 * are 32 random bytes; only their SHA-256 is stored, so a copy of the
 * database does not let anyone in.  Sessions expire after KV_SESSION_IDLE
 * without use and KV_SESSION_MAX after login, whichever comes first.
 *
 * Throttling is kept in the database so several server processes share
 * it: after LOGIN_MAX_PER_EMAIL failures for one e-mail within the window,
 * or LOGIN_MAX_PER_CLIENT from one client address, further attempts are
 * refused (KV_THROTTLED) until the lock ends — even with the right password.
 */
#include "domain.h"
#include "valid.h"
#include "../base/log.h"
#include "../base/util.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define KV_SESSION_IDLE      (8 * 3600)
#define KV_SESSION_MAX       (24 * 3600)
#define LOGIN_WINDOW         (15 * 60)
#define LOGIN_LOCK           (15 * 60)
#define LOGIN_MAX_PER_EMAIL  5
#define LOGIN_MAX_PER_CLIENT 50
#define PW_OPSLIMIT          2
#define PW_MEMLIMIT          (19u << 20)

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static int
hash_password(const char *pw, char out[crypto_pwhash_STRBYTES])
{
	return crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPSLIMIT,
	                             PW_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13);
}

static void
make_dummy(void)
{
	char pw[33];
	random_hex(pw, 16);
	if (hash_password(pw, dummy_hash) != 0)
		fatal("argon2id: out of memory");
}

static int
password_ok(struct verrs *v, const char *field, const char *pw)
{
	if (pw == NULL || *pw == '\0') {
		verr_add(v, field, "is required");
		return 0;
	}
	if (strlen(pw) > KV_PASSWORD_MAX) {
		verr_add(v, field, "is too long");
		return 0;
	}
	if (!utf8_valid_text(pw, strlen(pw), 0)) {
		verr_add(v, field, "contains invalid characters");
		return 0;
	}
	if (utf8_len(pw) < KV_PASSWORD_MIN) {
		verr_add(v, field, "must be at least 12 characters");
		return 0;
	}
	return 1;
}

int64_t
person_find_by_email(struct db *db, const char *email)
{
	int64_t id = 0;
	char low[KV_MAX_EMAIL + 1];
	if (email == NULL || strlen(email) > KV_MAX_EMAIL)
		return 0;
	snprintf(low, sizeof(low), "%s", email);
	str_lower_ascii(low);
	if (db_get_i64(db, &id, "SELECT id FROM people WHERE email = ?", "t",
	               low) != 1)
		return 0;
	return id;
}

/* Stores a new hash for person_id inside the caller's transaction. */
static int
store_hash(struct db *db, int64_t person_id, const char *pw)
{
	char h[crypto_pwhash_STRBYTES];
	int64_t now = time_now();
	if (hash_password(pw, h) != 0)
		fatal("argon2id: out of memory");
	return db_run(db,
	              "INSERT INTO accounts (person_id, password_hash, "
	              "created_at, password_changed_at) VALUES (?, ?, ?, ?) "
	              "ON CONFLICT (person_id) DO UPDATE SET password_hash = "
	              "excluded.password_hash, password_changed_at = "
	              "excluded.password_changed_at",
	              "itii", person_id, h, now, now);
}

enum kv_rc
account_set_password(struct db *db, struct arena *ar, const struct actor *a,
                     int64_t person_id, const char *password, struct verrs *v)
{
	struct person p;
	enum kv_rc rc;
	json_t *after;

	if (!actor_is_admin(a))
		return KV_FORBIDDEN;
	rc = person_get(db, ar, a, person_id, &p);
	if (rc != KV_OK)
		return rc;
	if (p.email == NULL || *p.email == '\0')
		verr_add(v, "email",
		         "a person needs an e-mail address to log in");
	password_ok(v, "password", password);
	if (v->n)
		return KV_INVALID;
	if (db_begin(db) != 0)
		return KV_DBERR;
	after = json_pack("{s:I}", "person_id", (json_int_t)person_id);
	if (store_hash(db, person_id, password) != 0 ||
	    db_run(db, "DELETE FROM sessions WHERE person_id = ?", "i",
	           person_id) != 0 ||
	    audit_append(db, a, "set_password", "person", person_id, NULL,
	                 after) != 0 ||
	    db_commit(db) != 0) {
		json_decref(after);
		db_rollback(db);
		return KV_DBERR;
	}
	json_decref(after);
	return KV_OK;
}

static int
verify_password(struct db *db, int64_t person_id, const char *pw)
{
	struct db_stmt *st;
	char h[crypto_pwhash_STRBYTES] = "";
	int found = 0;

	pthread_once(&dummy_once, make_dummy);
	if (person_id != 0) {
		st = db_query(
		    db,
		    "SELECT a.password_hash FROM accounts a JOIN people "
		    "p ON p.id = a.person_id WHERE a.person_id = ? AND "
		    "p.active = 1",
		    "i", person_id);
		if (st != NULL && db_step(st) == DB_ROW) {
			snprintf(h, sizeof(h), "%s", db_col_text(st, 0));
			found = 1;
		}
		db_finalize(st);
	}
	/* the same work whether or not the account exists */
	if (!found) {
		if (crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw)) == 0)
			return 0; /* cannot happen: random dummy */
		return 0;
	}
	return crypto_pwhash_str_verify(h, pw, strlen(pw)) == 0;
}

enum kv_rc
account_change_password(struct db *db, struct arena *ar, const struct actor *a,
                        const char *old, const char *new_pw,
                        const char *keep_session_token, struct verrs *v)
{
	char keep[65] = "";
	json_t *after;

	(void)ar;
	if (a->person_id == 0)
		return KV_FORBIDDEN;
	if (old == NULL || strlen(old) > KV_PASSWORD_MAX ||
	    !verify_password(db, a->person_id, old)) {
		verr_add(v, "old_password", "is not correct");
		return KV_INVALID;
	}
	if (password_ok(v, "new_password", new_pw) && strcmp(old, new_pw) == 0)
		verr_add(v, "new_password",
		         "must differ from the old password");
	if (v->n)
		return KV_INVALID;
	if (keep_session_token != NULL)
		sha256_hex(keep_session_token, strlen(keep_session_token),
		           keep);
	if (db_begin(db) != 0)
		return KV_DBERR;
	after = json_pack("{s:I}", "person_id", (json_int_t)a->person_id);
	if (store_hash(db, a->person_id, new_pw) != 0 ||
	    db_run(
	        db,
	        "DELETE FROM sessions WHERE person_id = ? AND token_hash <> ?",
	        "it", a->person_id, keep) != 0 ||
	    audit_append(db, a, "change_password", "person", a->person_id, NULL,
	                 after) != 0 ||
	    db_commit(db) != 0) {
		json_decref(after);
		db_rollback(db);
		return KV_DBERR;
	}
	json_decref(after);
	return KV_OK;
}

/* Seconds left on a lock for key, 0 when free. */
static int64_t
locked_for(struct db *db, const char *key, int64_t now)
{
	int64_t until = 0;
	if (db_get_i64(db, &until,
	               "SELECT locked_until FROM login_attempts WHERE key = ?",
	               "t", key) != 1)
		return 0;
	return until > now ? until - now : 0;
}

static void
note_failure(struct db *db, const char *key, int max, int64_t now)
{
	int64_t failures = 0;
	if (db_get_i64(db, &failures,
	               "INSERT INTO login_attempts (key, failures, "
	               "window_start, locked_until) VALUES (?, 1, ?, 0) ON "
	               "CONFLICT (key) DO UPDATE SET failures = CASE WHEN "
	               "login_attempts.window_start < ? THEN 1 ELSE "
	               "login_attempts.failures + 1 END, window_start = CASE "
	               "WHEN login_attempts.window_start < ? THEN ? ELSE "
	               "login_attempts.window_start END RETURNING failures",
	               "tiiii", key, now, now - LOGIN_WINDOW,
	               now - LOGIN_WINDOW, now) != 1)
		return;
	if (failures >= max)
		db_run(
		    db,
		    "UPDATE login_attempts SET locked_until = ?, failures = 0, "
		    "window_start = ? WHERE key = ?",
		    "iit", now + LOGIN_LOCK, now, key);
}

static enum kv_rc
session_create(struct db *db, int64_t person_id, struct login_result *out)
{
	char hash[65];
	int64_t now = time_now();
	random_hex(out->token, 32);
	random_hex(out->csrf, 32);
	sha256_hex(out->token, strlen(out->token), hash);
	if (db_run(db,
	           "INSERT INTO sessions (token_hash, person_id, csrf, "
	           "created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, "
	           "?, ?)",
	           "titiii", hash, person_id, out->csrf, now, now,
	           now + KV_SESSION_IDLE) != 0)
		return KV_DBERR;
	/* housekeeping: forget this person's expired sessions */
	db_run(db,
	       "DELETE FROM sessions WHERE person_id = ? AND expires_at < ?",
	       "ii", person_id, now);
	out->person_id = person_id;
	return KV_OK;
}

enum kv_rc
auth_login(struct db *db, struct arena *ar, const char *email,
           const char *password, const char *client, struct login_result *out)
{
	char ekey[KV_MAX_EMAIL + 8], ckey[128];
	int64_t now = time_now(), wait, pid;
	struct actor a;

	memset(out, 0, sizeof(*out));
	if (email == NULL || password == NULL || strlen(email) > KV_MAX_EMAIL ||
	    strlen(password) > KV_PASSWORD_MAX)
		return KV_UNAUTH;
	snprintf(ekey, sizeof(ekey), "e:%s", email);
	str_lower_ascii(ekey);
	snprintf(ckey, sizeof(ckey), "c:%s", client ? client : "?");
	wait = locked_for(db, ekey, now);
	if (wait == 0)
		wait = locked_for(db, ckey, now);
	if (wait > 0) {
		out->retry_after = (int)wait;
		return KV_THROTTLED;
	}
	pid = person_find_by_email(db, email);
	if (!verify_password(db, pid, password)) {
		note_failure(db, ekey, LOGIN_MAX_PER_EMAIL, now);
		note_failure(db, ckey, LOGIN_MAX_PER_CLIENT, now);
		log_info("login failed for an account (throttle key %.16s…)",
		         ekey);
		return KV_UNAUTH;
	}
	db_run(db, "DELETE FROM login_attempts WHERE key = ?", "t", ekey);
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (session_create(db, pid, out) != KV_OK ||
	    actor_load(db, ar, pid, &a) != KV_OK ||
	    audit_append(db, &a, "login", "person", pid, NULL, NULL) != 0 ||
	    db_commit(db) != 0) {
		db_rollback(db);
		return KV_DBERR;
	}
	return KV_OK;
}

enum kv_rc
session_resolve(struct db *db, struct arena *ar, const char *token,
                struct actor *a, const char **csrf)
{
	struct db_stmt *st;
	char hash[65];
	int64_t now = time_now(), pid, created, seen, expires;
	enum kv_rc rc;

	if (token == NULL || strlen(token) != KV_TOKEN_HEX)
		return KV_UNAUTH;
	sha256_hex(token, KV_TOKEN_HEX, hash);
	st = db_query(db,
	              "SELECT person_id, csrf, created_at, last_seen_at, "
	              "expires_at FROM sessions WHERE token_hash = ?",
	              "t", hash);
	if (st == NULL)
		return KV_DBERR;
	if (db_step(st) != DB_ROW) {
		db_finalize(st);
		return KV_UNAUTH;
	}
	pid = db_col_i64(st, 0);
	*csrf = arena_strdup(ar, db_col_text(st, 1));
	created = db_col_i64(st, 2);
	seen = db_col_i64(st, 3);
	expires = db_col_i64(st, 4);
	db_finalize(st);
	if (now >= expires || now >= created + KV_SESSION_MAX)
		return KV_UNAUTH;
	rc = actor_load(db, ar, pid, a);
	if (rc != KV_OK)
		return rc == KV_NOTFOUND ? KV_UNAUTH : rc;
	if (now - seen > 60)
		db_run(db,
		       "UPDATE sessions SET last_seen_at = ?, expires_at = ? "
		       "WHERE token_hash = ?",
		       "iit", now, now + KV_SESSION_IDLE, hash);
	return KV_OK;
}

void
session_end(struct db *db, struct arena *ar, const char *token)
{
	char hash[65];
	struct actor a;
	const char *csrf;
	if (token == NULL || strlen(token) != KV_TOKEN_HEX)
		return;
	if (session_resolve(db, ar, token, &a, &csrf) != KV_OK)
		return;
	sha256_hex(token, KV_TOKEN_HEX, hash);
	if (db_begin(db) != 0)
		return;
	if (db_run(db, "DELETE FROM sessions WHERE token_hash = ?", "t",
	           hash) != 0 ||
	    audit_append(db, &a, "logout", "person", a.person_id, NULL, NULL) !=
	        0 ||
	    db_commit(db) != 0)
		db_rollback(db);
}

enum kv_rc
token_create(struct db *db, struct arena *ar, const struct actor *a,
             int64_t person_id, const char *label, char out[KV_TOKEN_HEX + 4])
{
	struct person p;
	struct verrs v = {0};
	char hash[65];
	int64_t id = 0;
	enum kv_rc rc;

	if (!actor_is_admin(a) && a->person_id != person_id)
		return KV_FORBIDDEN;
	rc = person_get(db, ar, a, person_id, &p);
	if (rc != KV_OK)
		return rc;
	if (!valid_text(&v, "label", label, 0, KV_MAX_NAME))
		return KV_INVALID;
	memcpy(out, "kv_", 3);
	random_hex(out + 3, 32);
	sha256_hex(out, strlen(out), hash);
	if (db_begin(db) != 0)
		return KV_DBERR;
	if (db_get_i64(db, &id,
	               "INSERT INTO api_tokens (token_hash, person_id, label, "
	               "created_at) VALUES (?, ?, ?, ?) RETURNING id",
	               "titi", hash, person_id, label ? label : "",
	               time_now()) != 1) {
		db_rollback(db);
		return KV_DBERR;
	}
	return audit_commit(db, a, "create", "api_token", id, NULL,
	                    json_pack("{s:I,s:I,s:s}", "id", (json_int_t)id,
	                              "person_id", (json_int_t)person_id,
	                              "label", label ? label : ""));
}

enum kv_rc
token_resolve(struct db *db, struct arena *ar, const char *token,
              struct actor *a)
{
	struct db_stmt *st;
	char hash[65];
	int64_t pid, used, now = time_now();
	enum kv_rc rc;

	if (token == NULL || strlen(token) != KV_TOKEN_HEX + 3 ||
	    !str_starts(token, "kv_"))
		return KV_UNAUTH;
	sha256_hex(token, strlen(token), hash);
	st = db_query(db,
	              "SELECT person_id, COALESCE(last_used_at, 0) FROM "
	              "api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
	              "t", hash);
	if (st == NULL)
		return KV_DBERR;
	if (db_step(st) != DB_ROW) {
		db_finalize(st);
		return KV_UNAUTH;
	}
	pid = db_col_i64(st, 0);
	used = db_col_i64(st, 1);
	db_finalize(st);
	rc = actor_load(db, ar, pid, a);
	if (rc != KV_OK)
		return rc == KV_NOTFOUND ? KV_UNAUTH : rc;
	if (now - used > 60)
		db_run(
		    db,
		    "UPDATE api_tokens SET last_used_at = ? WHERE token_hash "
		    "= ?",
		    "it", now, hash);
	return KV_OK;
}

enum kv_rc
token_list(struct db *db, struct arena *ar, const struct actor *a,
           struct api_token **out, int *n)
{
	struct db_stmt *st;
	int rc, cap = 100;
	*n = 0;
	*out = arena_alloc(ar, sizeof(**out) * (size_t)cap);
	st =
	    db_query(db,
	             "SELECT id, label, created_at, COALESCE(last_used_at, 0), "
	             "COALESCE(revoked_at, 0) FROM api_tokens WHERE person_id "
	             "= ? ORDER BY id DESC LIMIT 100",
	             "i", a->person_id);
	if (st == NULL)
		return KV_DBERR;
	while ((rc = db_step(st)) == DB_ROW && *n < cap) {
		struct api_token *t = &(*out)[(*n)++];
		t->id = db_col_i64(st, 0);
		t->label = arena_strdup(ar, db_col_text(st, 1));
		t->created_at = db_col_i64(st, 2);
		t->last_used_at = db_col_i64(st, 3);
		t->revoked_at = db_col_i64(st, 4);
	}
	db_finalize(st);
	return rc < 0 ? KV_DBERR : KV_OK;
}

enum kv_rc
token_revoke(struct db *db, struct arena *ar, const struct actor *a,
             int64_t token_id)
{
	int64_t owner = 0, org = 0;
	struct db_stmt *st;
	json_t *before;
	int rc;

	(void)ar;
	st = db_query(db,
	              "SELECT t.person_id, p.org_id FROM api_tokens t JOIN "
	              "people p ON p.id = t.person_id WHERE t.id = ? AND "
	              "t.revoked_at IS NULL",
	              "i", token_id);
	if (st == NULL)
		return KV_DBERR;
	if (db_step(st) == DB_ROW) {
		owner = db_col_i64(st, 0);
		org = db_col_i64(st, 1);
	}
	db_finalize(st);
	if (owner == 0 || org != a->org_id)
		return KV_NOTFOUND;
	if (owner != a->person_id && !actor_is_admin(a))
		return KV_NOTFOUND;
	if (db_begin(db) != 0)
		return KV_DBERR;
	before = json_pack("{s:I,s:I}", "id", (json_int_t)token_id, "person_id",
	                   (json_int_t)owner);
	rc = db_run(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?",
	            "ii", time_now(), token_id) == 0 &&
	     audit_append(db, a, "revoke", "api_token", token_id, before,
	                  NULL) == 0 &&
	     db_commit(db) == 0;
	json_decref(before);
	if (!rc) {
		db_rollback(db);
		return KV_DBERR;
	}
	return KV_OK;
}
