/*
 * test_capture.c - unit tests of the capture store (src/archive/capture.c),
 * the credential box (src/archive/cred.c) and stemmed search
 * (src/text/stem.c): a re-run stores nothing twice, an edit adds version 2
 * and keeps version 1, a disappearance and a return are events, hide and
 * unhide, the capture log detects a changed version, event or blob, raw
 * payloads and binary bodies come back byte-exact, a failed transaction
 * leaves nothing half-written, tokens in bodies are redacted, search
 * finds inflected words in nb/sv/da/en and is immune to query syntax, and
 * an editor of one unit sees nothing of another unit's channel.
 * SQLite, and PostgreSQL when KV_TEST_PG_URL is set.
 */
#define T_DB
#include "t.h"

#include "../../src/archive/capture.h"
#include "../../src/archive/cred.h"
#include "../../src/base/util.h"
#include "../../src/text/stem.h"

#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define T0 1785000000

/* A migrated database with two units, a channel in each, an editor of
 * each unit and an org-wide comms person. */
static struct db *
setup(enum db_kind kind)
{
	int applied;
	struct db *db = t_db_fresh(kind);
	if (db == NULL)
		return NULL;
	if (!T_EQ_INT(db_migrate(db, &applied), 0)) {
		fprintf(stderr, "     %s\n", db_errmsg(db));
		t_db_done(db);
		return NULL;
	}
	T_EQ_INT(
	    db_exec(db,
	            "INSERT INTO orgs (id, name, slug, country, timezone, "
	            "default_lang, created_at) VALUES (1, 'Meldal', "
	            "'meldal', 'NO', 'Europe/Oslo', 'nb', 0);"
	            "INSERT INTO units (id, org_id, name, kind, created_at, "
	            "updated_at) VALUES (1, 1, 'Kultur', 'unit', 0, 0), "
	            "(2, 1, 'Skole', 'unit', 0, 0);"
	            "INSERT INTO people (id, org_id, full_name, first_name, "
	            "unit_id, email, created_at, updated_at) VALUES "
	            "(1, 1, 'Anne A', 'Anne', 1, 'a@x.example', 0, 0), "
	            "(2, 1, 'Bo B', 'Bo', 2, 'b@x.example', 0, 0), "
	            "(3, 1, 'Cia C', 'Cia', 1, 'c@x.example', 0, 0);"
	            "INSERT INTO role_grants (person_id, role, unit_id, "
	            "created_at) VALUES (1, 'channel_editor', 1, 0), "
	            "(2, 'channel_editor', 2, 0), (3, 'comms', NULL, 0);"
	            "INSERT INTO channels (id, org_id, unit_id, platform, "
	            "name, address, responsible_id, status, created_at, "
	            "updated_at) VALUES (1, 1, 1, 'mastodon', 'Kultur "
	            "Mastodon', '@kultur@social.example', 1, 'active', 0, "
	            "0), (2, 1, 2, 'blog', 'Skoleblogg', "
	            "'https://skole.example/', 2, 'active', 0, 0)"),
	    0);
	return db;
}

static void
mk(struct item *it, const char *id, const char *text)
{
	item_init(it);
	it->type = ITEM_POST;
	it->inbound = 0;
	it->id = id;
	it->text = text;
	it->author_id = "1";
	it->author_handle = "@kultur@social.example";
	it->author_name = "Kultur";
	it->created_at = T0;
	it->raw = "{\"id\":\"x\"}";
	it->raw_type = "application/json";
}

static int64_t
count(struct db *db, const char *sql)
{
	int64_t n = -1;
	db_get_i64(db, &n, sql, NULL);
	return n;
}

static int64_t
events(struct db *db, const char *kind)
{
	int64_t n = -1;
	db_get_i64(db, &n, "SELECT COUNT(*) FROM item_events WHERE kind = ?",
	           "t", kind);
	return n;
}

static void
expect_intact(struct db *db)
{
	int64_t checked, bad;
	const char *why = NULL;
	char blob[65];
	if (!T_EQ_INT(capture_verify(db, &checked, &bad, &why, blob), 0))
		fprintf(stderr, "     seq %lld: %s %s\n", (long long)bad,
		        why ? why : "", blob);
}

static void
versions_and_events(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct item it;
	struct capture_result r;
	if (db == NULL)
		return;
	mk(&it, "100", "Velkommen til kulturhuset");
	it.media[0].url = "https://files.example/a.jpg";
	it.media[0].alt = "Kulturhuset i sol";
	it.nmedia = 1;
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, &r), 0);
	T_ASSERT(r.created && r.item_id > 0);
	T_EQ_INT(r.version, 1);
	/* the same again, even with other counters: nothing new */
	it.likes = 7;
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 60, &r), 0);
	T_ASSERT(!r.created && !r.edited);
	T_EQ_INT(r.version, 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM items"), 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM item_versions"), 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM item_events"), 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM capture_log"), 1);
	T_EQ_INT(count(db, "SELECT last_seen_at FROM items"), T0 + 60);

	/* an edit: version 2, version 1 kept */
	it.text = "Velkommen til det nye kulturhuset";
	it.edited_at = T0 + 100;
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 120, &r), 0);
	T_ASSERT(r.edited);
	T_EQ_INT(r.version, 2);
	/* changed alt text alone is an edit too */
	it.media[0].alt = "Kulturhuset i regn";
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 130, &r), 0);
	T_EQ_INT(r.version, 3);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM item_versions"), 3);
	{
		int64_t n = 0;
		db_get_i64(db, &n,
		           "SELECT COUNT(*) FROM item_versions WHERE text = ? "
		           "AND version = 1",
		           "t", "Velkommen til kulturhuset");
		T_EQ_INT(n, 1);
	}
	T_EQ_INT(events(db, "edited"), 2);
	T_EQ_INT(count(db, "SELECT current_version FROM items"), 3);

	/* hidden, unhidden; -1 (unknown) changes nothing */
	it.hidden = 1;
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 200, &r), 0);
	T_ASSERT(r.hidden);
	it.hidden = -1;
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 210, &r), 0);
	T_ASSERT(!r.hidden && !r.unhidden);
	it.hidden = 0;
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 220, &r), 0);
	T_ASSERT(r.unhidden);

	/* the platform says deleted (a tombstone: no new version) */
	it.deleted = 1;
	it.text = "";
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 300, &r), 0);
	T_ASSERT(r.deleted && !r.edited);
	T_EQ_INT(r.version, 3);
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 310, &r), 0);
	T_ASSERT(!r.deleted);
	T_EQ_INT(events(db, "deleted"), 1);
	T_EQ_INT(events(db, "hidden"), 1);
	T_EQ_INT(events(db, "unhidden"), 1);
	expect_intact(db);
	t_db_done(db);
}

T_TEST(versions_sqlite)
{
	versions_and_events(DB_SQLITE);
}
T_TEST(versions_pg)
{
	versions_and_events(DB_PG);
}

static void
listings(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct item it;
	int del = -1, back = -1;
	const char *both[] = {"p1", "p2"}, *one[] = {"p1"}, *kids[] = {"c1"};
	if (db == NULL)
		return;
	mk(&it, "p1", "En");
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, NULL), 0);
	mk(&it, "p2", "To");
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, NULL), 0);
	mk(&it, "c1", "Svar");
	it.type = ITEM_COMMENT;
	it.inbound = 1;
	it.parent_id = "p1";
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, NULL), 0);
	mk(&it, "c2", "Svar to");
	it.type = ITEM_COMMENT;
	it.inbound = 1;
	it.parent_id = "p1";
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, NULL), 0);

	T_EQ_INT(capture_listing(db, 1, NULL, both, 2, T0 + 10, &del, &back),
	         0);
	T_EQ_INT(del, 0);
	/* p2 is gone from our posts; comments are not our posts */
	T_EQ_INT(capture_listing(db, 1, NULL, one, 1, T0 + 20, &del, &back), 0);
	T_EQ_INT(del, 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM items WHERE deleted_seen_at "
	                   "IS NOT NULL"),
	         1);
	/* again: no second event */
	T_EQ_INT(capture_listing(db, 1, NULL, one, 1, T0 + 30, &del, &back), 0);
	T_EQ_INT(del, 0);
	/* c2 disappeared from under p1 */
	T_EQ_INT(capture_listing(db, 1, "p1", kids, 1, T0 + 30, &del, &back),
	         0);
	T_EQ_INT(del, 1);
	/* p2 comes back in the listing; c2 comes back as an item */
	T_EQ_INT(capture_listing(db, 1, NULL, both, 2, T0 + 40, &del, &back),
	         0);
	T_EQ_INT(back, 1);
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 50, NULL), 0);
	T_EQ_INT(events(db, "deleted"), 2);
	T_EQ_INT(events(db, "reappeared"), 2);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM items WHERE deleted_seen_at "
	                   "IS NOT NULL"),
	         0);
	/* an empty listing of another channel touches nothing here */
	T_EQ_INT(capture_listing(db, 2, NULL, NULL, 0, T0 + 60, &del, &back),
	         0);
	T_EQ_INT(del, 0);
	expect_intact(db);
	t_db_done(db);
}

T_TEST(listing_sqlite)
{
	listings(DB_SQLITE);
}
T_TEST(listing_pg)
{
	listings(DB_PG);
}

/* An exchange whose body has NUL and high bytes. */
static int64_t
binary_exchange(struct db *db, const char *body, size_t len,
                const char *const *secrets)
{
	struct fetch_resp rs;
	struct fetch_hdr h;
	char n[] = "Content-Type", v[] = "application/octet-stream";
	int64_t id = 0;
	memset(&rs, 0, sizeof(rs));
	h.name = n;
	h.value = v;
	rs.hdr = &h;
	rs.nhdr = 1;
	rs.status = 200;
	rs.body = (char *)(uintptr_t)body;
	rs.len = len;
	rs.req_line = (char *)(uintptr_t) "GET https://api.example/x";
	rs.req_headers = (char *)(uintptr_t) "Authorization: Bearer [secret]";
	rs.resp_headers = (char *)(uintptr_t) "HTTP/1.1 200 OK\r\n";
	rs.started_at = T0;
	rs.seconds = 0.25;
	T_EQ_INT(capture_exchange(db, 1, &rs, secrets, T0, &id), 0);
	return id;
}

static void
byte_exact_and_tamper(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct item it;
	struct capture_result r;
	static const char raw[] =
	    "{ \"id\" : \"9\",\n\t\"content\":\"<p>Hei \\u00e6\\u00f8\\u00e5 "
	    "– ✓</p>\"  }";
	static const char bin[] = "\x00\x01\xff\xfe{\"a\":\x00}";
	struct db_stmt *st;
	int64_t checked, bad, xid;
	const char *why;
	char blob[65], sha[65];
	if (db == NULL)
		return;
	mk(&it, "9", "Hei æøå – ✓");
	it.raw = raw;
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, &r), 0);
	st = db_query(db,
	              "SELECT b.bytes FROM blobs b JOIN item_versions v ON "
	              "v.raw_sha256 = b.sha256 WHERE v.item_id = ?",
	              "i", r.item_id);
	if (T_ASSERT(st != NULL) && T_EQ_INT(db_step(st), DB_ROW)) {
		size_t n = 0;
		const void *p = db_col_blob(st, 0, &n);
		T_EQ_INT(n, strlen(raw));
		T_ASSERT(p != NULL && memcmp(p, raw, n) == 0);
	}
	db_finalize(st);

	xid = binary_exchange(db, bin, sizeof(bin) - 1, NULL);
	T_ASSERT(xid > 0);
	sha256_hex(bin, sizeof(bin) - 1, sha);
	st = db_query(db, "SELECT bytes, size FROM blobs WHERE sha256 = ?", "t",
	              sha);
	if (T_ASSERT(st != NULL) && T_EQ_INT(db_step(st), DB_ROW)) {
		size_t n = 0;
		const void *p = db_col_blob(st, 0, &n);
		T_EQ_INT(n, sizeof(bin) - 1);
		T_ASSERT(p != NULL && memcmp(p, bin, n) == 0);
		T_EQ_INT(db_col_i64(st, 1), sizeof(bin) - 1);
	}
	db_finalize(st);
	/* the same body again is stored once */
	T_ASSERT(binary_exchange(db, bin, sizeof(bin) - 1, NULL) > xid);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM blobs"), 2);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM exchanges"), 2);
	T_EQ_INT(count(db, "SELECT duration_ms FROM exchanges WHERE id = 1"),
	         250);
	expect_intact(db);

	/* the log itself refuses changes */
	T_ASSERT(db_exec(db, "UPDATE capture_log SET event = 'x'") != 0);
	T_ASSERT(db_exec(db, "DELETE FROM item_versions") != 0);

	/* someone with the database's keys changes a version's text */
	T_EQ_INT(db_exec(db, kind == DB_SQLITE
	                         ? "DROP TRIGGER item_versions_no_update"
	                         : "ALTER TABLE item_versions DISABLE "
	                           "TRIGGER item_versions_no_update"),
	         0);
	T_EQ_INT(
	    db_run(db, "UPDATE item_versions SET text = ?", "t", "Hei æøå – ✗"),
	    0);
	T_EQ_INT(capture_verify(db, &checked, &bad, &why, blob), 1);
	T_EQ_INT(bad, 1);
	T_ASSERT(why != NULL && strstr(why, "changed") != NULL);
	T_EQ_INT(
	    db_run(db, "UPDATE item_versions SET text = ?", "t", "Hei æøå – ✓"),
	    0);
	expect_intact(db);

	/* a blob's bytes changed */
	T_EQ_INT(db_run(db, "UPDATE blobs SET bytes = ? WHERE sha256 = ?", "bt",
	                "\x00\x01\xff", (size_t)3, sha),
	         0);
	T_EQ_INT(capture_verify(db, &checked, &bad, &why, blob), 1);
	T_EQ_STR(blob, sha);
	T_EQ_INT(db_run(db, "UPDATE blobs SET bytes = ? WHERE sha256 = ?", "bt",
	                bin, sizeof(bin) - 1, sha),
	         0);
	expect_intact(db);

	/* an event's kind changed */
	T_EQ_INT(db_exec(db, "UPDATE item_events SET detail = 'x'"), 0);
	T_EQ_INT(capture_verify(db, &checked, &bad, &why, blob), 1);
	t_db_done(db);
}

T_TEST(tamper_sqlite)
{
	byte_exact_and_tamper(DB_SQLITE);
}
T_TEST(tamper_pg)
{
	byte_exact_and_tamper(DB_PG);
}

static void
redaction(enum db_kind kind)
{
	struct db *db = setup(kind);
	static const char body[] =
	    "{\"access_token\":\"AT-very-secret-1\",\"refresh_token\":"
	    "\"RT-very-secret-2\",\"expires_in\":3600,\"note\":\"old "
	    "OLD-token-value\"}";
	const char *secrets[] = {"OLD-token-value", NULL};
	struct db_stmt *st;
	if (db == NULL)
		return;
	T_ASSERT(binary_exchange(db, body, strlen(body), secrets) > 0);
	st = db_query(db, "SELECT bytes FROM blobs", NULL);
	if (T_ASSERT(st != NULL) && T_EQ_INT(db_step(st), DB_ROW)) {
		size_t n = 0;
		const char *p = db_col_blob(st, 0, &n);
		char copy[512];
		snprintf(copy, sizeof(copy), "%.*s", (int)n, p ? p : "");
		T_ASSERT(strstr(copy, "very-secret") == NULL);
		T_ASSERT(strstr(copy, "OLD-token") == NULL);
		T_ASSERT(strstr(copy, "\"expires_in\":3600") != NULL);
	}
	db_finalize(st);
	expect_intact(db);
	t_db_done(db);
}

T_TEST(redaction_sqlite)
{
	redaction(DB_SQLITE);
}
T_TEST(redaction_pg)
{
	redaction(DB_PG);
}

/* A trigger makes the 'edited' event fail half-way through: nothing of
 * the edit may remain (blob, version, stems, log, head). */
static void
atomic(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct item it;
	struct capture_result r;
	int64_t head = 0, blobs = 0;
	if (db == NULL)
		return;
	mk(&it, "a1", "Første utgave");
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, &r), 0);
	head = count(db, "SELECT seq FROM capture_head");
	blobs = count(db, "SELECT COUNT(*) FROM blobs");
	T_EQ_INT(
	    db_exec(db, kind == DB_SQLITE
	                    ? "CREATE TRIGGER boom BEFORE INSERT ON "
	                      "item_events WHEN new.kind = 'edited' BEGIN "
	                      "SELECT RAISE(ABORT, 'boom'); END"
	                    : "CREATE FUNCTION boom() RETURNS trigger "
	                      "LANGUAGE plpgsql AS $$ BEGIN IF new.kind = "
	                      "'edited' THEN RAISE EXCEPTION 'boom'; END IF; "
	                      "RETURN new; END; $$; CREATE TRIGGER boom "
	                      "BEFORE INSERT ON item_events FOR EACH ROW "
	                      "EXECUTE FUNCTION boom()"),
	    0);
	it.text = "Andre utgave";
	it.raw = "{\"id\":\"a1\",\"v\":2}";
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 10, &r), -1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM item_versions"), 1);
	T_EQ_INT(count(db, "SELECT current_version FROM items"), 1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM blobs"), blobs);
	T_EQ_INT(count(db, "SELECT seq FROM capture_head"), head);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM capture_log"), head);
	T_EQ_INT(count(db, "SELECT last_seen_at FROM items"), T0);
	expect_intact(db);
	/* with the fault gone the same edit goes through */
	T_EQ_INT(db_exec(db, kind == DB_SQLITE ? "DROP TRIGGER boom"
	                                       : "DROP TRIGGER boom ON "
	                                         "item_events"),
	         0);
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 20, &r), 0);
	T_EQ_INT(r.version, 2);
	/* an item of a channel that does not exist: nothing at all */
	T_EQ_INT(capture_item(db, 99, &it, 0, T0 + 30, &r), -1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM items"), 1);
	expect_intact(db);
	t_db_done(db);
}

T_TEST(atomic_sqlite)
{
	atomic(DB_SQLITE);
}
T_TEST(atomic_pg)
{
	atomic(DB_PG);
}

T_TEST(stems)
{
	char *s;
	struct stem_query q;
	T_EQ_STR(stem_algorithm("nb"), "norwegian");
	T_EQ_STR(stem_algorithm("nn-NO"), "norwegian");
	T_EQ_STR(stem_algorithm("sv-SE"), "swedish");
	T_EQ_STR(stem_algorithm("da"), "danish");
	T_EQ_STR(stem_algorithm("en"), "english");
	T_EQ_STR(stem_algorithm("de"), NULL);
	T_EQ_STR(stem_algorithm("nbx"), NULL);
	T_EQ_STR(stem_guess_lang("Skolorna och förskolorna är stängda"), "sv");
	T_EQ_STR(stem_guess_lang("The library is closed and we are sorry"),
	         "en");
	T_EQ_STR(stem_guess_lang("Vi har ikke åpent, men hva med i morgen?"),
	         "nb");
	T_EQ_STR(stem_guess_lang("Hvad gør vi nu? Biblioteket er lukket af "
	                         "hensyn til vejret"),
	         "da");
	T_EQ_STR(stem_guess_lang("12345"), NULL);
	s = stem_text("KOMMUNEN har ÅPNET", "nb");
	T_EQ_STR(s, "kommun har åpn");
	free(s);
	s = stem_text("", NULL);
	T_EQ_STR(s, "");
	free(s);
	T_EQ_INT(stem_query_parse("\"a\" OR *", &q), 1);
	/* quotes and operators are not words: only a and or remain */
	T_ASSERT(strchr(q.fts5, '*') == NULL);
	T_ASSERT(strstr(q.fts5, "(\"a\")") != NULL);
	stem_query_free(&q);
	T_EQ_INT(stem_query_parse("*** () \"\" :", &q), 0);
	T_ASSERT(q.fts5 == NULL);
	{
		struct stem_query q2;
		char *snip;
		T_EQ_INT(stem_query_parse("kommune", &q2), 1);
		snip = stem_snippet("Lang innledning om været. Kommunen har i "
		                    "dag vedtatt et nytt budsjett for skolene "
		                    "og barnehagene i hele kommunen.",
		                    &q2, 40);
		T_ASSERT(strstr(snip, "Kommunen") != NULL);
		free(snip);
		stem_query_free(&q2);
	}
}

static void
add_texts(struct db *db)
{
	struct item it;
	mk(&it, "nb1", "Kommunen har vedtatt nytt budsjett for skolene");
	it.lang = "nb";
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, NULL), 0);
	mk(&it, "sv1", "Skolorna i Malmö öppnar igen");
	it.lang = "sv";
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 1, NULL), 0);
	mk(&it, "sv2", "Förskolorna och fritidsgårdarna är stängda");
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 2, NULL), 0);
	mk(&it, "da1", "Bibliotekerne holder lukket i dag");
	it.lang = "da";
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 3, NULL), 0);
	mk(&it, "en1", "The libraries are closing early today");
	it.lang = "en-GB";
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 4, NULL), 0);
	mk(&it, "b1", "Skoleruta for neste år er klar");
	it.lang = "nb";
	T_EQ_INT(capture_item(db, 2, &it, 0, T0 + 5, NULL), 0);
}

/* The platform ids found by q for actor a, comma-separated, into out. */
static const char *
found(struct db *db, const struct actor *a, const char *q, char *out, size_t n)
{
	struct arena ar;
	struct capture_filter f;
	struct capture_row *rows;
	int nr = 0;
	arena_init(&ar);
	memset(&f, 0, sizeof(f));
	out[0] = '\0';
	if (capture_search(db, &ar, a, q, &f, &rows, &nr) != KV_OK)
		snprintf(out, n, "error");
	for (int i = nr - 1; i >= 0; i--) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, "%s%s", l ? "," : "",
		         rows[i].platform_id);
		T_ASSERT(rows[i].snippet != NULL);
	}
	arena_free(&ar);
	return out;
}

static void
search(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct actor sys;
	char buf[256];
	if (db == NULL)
		return;
	add_texts(db);
	actor_system(&sys, 1, "test");
	T_EQ_STR(found(db, &sys, "kommune", buf, sizeof(buf)), "nb1");
	T_EQ_STR(found(db, &sys, "KOMMUNENS", buf, sizeof(buf)), "nb1");
	/* Norwegian "skolene" is the schools too */
	T_EQ_STR(found(db, &sys, "skola", buf, sizeof(buf)), "nb1,sv1");
	T_EQ_STR(found(db, &sys, "skolorna", buf, sizeof(buf)), "nb1,sv1");
	T_EQ_STR(found(db, &sys, "förskola", buf, sizeof(buf)), "sv2");
	T_EQ_STR(found(db, &sys, "biblioteket", buf, sizeof(buf)), "da1");
	T_EQ_STR(found(db, &sys, "library", buf, sizeof(buf)), "en1");
	T_EQ_STR(found(db, &sys, "library closed", buf, sizeof(buf)), "en1");
	T_EQ_STR(found(db, &sys, "library kommune", buf, sizeof(buf)), "");
	T_EQ_STR(found(db, &sys, "skoleruta", buf, sizeof(buf)), "b1");
	/* query syntax of either backend is only text */
	T_EQ_STR(found(db, &sys, "\"a\" OR *", buf, sizeof(buf)), "");
	T_EQ_STR(found(db, &sys, "kommune) OR (x", buf, sizeof(buf)), "");
	T_EQ_STR(found(db, &sys, "kommune OR budsjett", buf, sizeof(buf)), "");
	/* "near" is a word like any other here */
	T_EQ_STR(found(db, &sys, "NEAR(kommune budsjett)", buf, sizeof(buf)),
	         "");
	T_EQ_STR(found(db, &sys, "kommune budsjett", buf, sizeof(buf)), "nb1");
	T_EQ_STR(found(db, &sys, "'; DROP TABLE items; --", buf, sizeof(buf)),
	         "");
	T_EQ_STR(found(db, &sys, "!kommune & | :* <->", buf, sizeof(buf)),
	         "nb1");
	T_EQ_STR(found(db, &sys, "*", buf, sizeof(buf)), "");
	T_EQ_STR(found(db, &sys, "", buf, sizeof(buf)), "");
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM items"), 6);
	t_db_done(db);
}

T_TEST(search_sqlite)
{
	search(DB_SQLITE);
}
T_TEST(search_pg)
{
	search(DB_PG);
}

static void
authz(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct arena ar;
	struct actor anne, bo, cia;
	struct capture_filter f;
	struct capture_row *rows, row;
	struct capture_version *v;
	struct capture_event *e;
	int n, nv, ne;
	int64_t total, id1 = 0, id2 = 0;
	char buf[128];
	if (db == NULL)
		return;
	add_texts(db);
	arena_init(&ar);
	T_EQ_INT(actor_load(db, &ar, 1, &anne), KV_OK);
	T_EQ_INT(actor_load(db, &ar, 2, &bo), KV_OK);
	T_EQ_INT(actor_load(db, &ar, 3, &cia), KV_OK);
	db_get_i64(db, &id1, "SELECT id FROM items WHERE platform_id = 'nb1'",
	           NULL);
	db_get_i64(db, &id2, "SELECT id FROM items WHERE platform_id = 'b1'",
	           NULL);
	memset(&f, 0, sizeof(f));
	T_EQ_INT(capture_list(db, &ar, &anne, &f, &rows, &n, &total), KV_OK);
	T_EQ_INT(total, 5);
	T_EQ_INT(capture_list(db, &ar, &bo, &f, &rows, &n, &total), KV_OK);
	T_EQ_INT(total, 1);
	T_EQ_INT(n, 1);
	if (n == 1)
		T_EQ_STR(rows[0].platform_id, "b1");
	T_EQ_INT(capture_list(db, &ar, &cia, &f, &rows, &n, &total), KV_OK);
	T_EQ_INT(total, 6);
	/* bo asks for anne's channel by id: nothing */
	f.channel_id = 1;
	T_EQ_INT(capture_list(db, &ar, &bo, &f, &rows, &n, &total), KV_OK);
	T_EQ_INT(total, 0);
	T_EQ_INT(capture_get(db, &ar, &bo, id1, &row, &v, &nv, &e, &ne),
	         KV_NOTFOUND);
	T_EQ_INT(capture_get(db, &ar, &anne, id2, &row, &v, &nv, &e, &ne),
	         KV_NOTFOUND);
	T_EQ_INT(capture_get(db, &ar, &anne, id1, &row, &v, &nv, &e, &ne),
	         KV_OK);
	T_EQ_INT(nv, 1);
	T_EQ_INT(ne, 1);
	T_EQ_STR(found(db, &bo, "kommune", buf, sizeof(buf)), "");
	T_EQ_STR(found(db, &bo, "skoleruta", buf, sizeof(buf)), "b1");
	T_EQ_STR(found(db, &anne, "skoleruta", buf, sizeof(buf)), "");
	/* filters */
	memset(&f, 0, sizeof(f));
	f.type = "post";
	f.from = T0;
	f.to = T0 + 1;
	T_EQ_INT(capture_list(db, &ar, &cia, &f, &rows, &n, &total), KV_OK);
	T_EQ_INT(total, 6);
	f.from = T0 + 1;
	f.to = 0;
	T_EQ_INT(capture_list(db, &ar, &cia, &f, &rows, &n, &total), KV_OK);
	T_EQ_INT(total, 0);
	f.from = 0;
	f.type = "comment";
	T_EQ_INT(capture_list(db, &ar, &cia, &f, &rows, &n, &total), KV_OK);
	T_EQ_INT(total, 0);
	f.type = NULL;
	f.author = "@kultur@social.example";
	T_EQ_INT(capture_list(db, &ar, &cia, &f, &rows, &n, &total), KV_OK);
	T_EQ_INT(total, 6);
	f.state = "deleted";
	T_EQ_INT(capture_list(db, &ar, &cia, &f, &rows, &n, &total), KV_OK);
	T_EQ_INT(total, 0);
	arena_free(&ar);
	t_db_done(db);
}

/* Metric values keep double precision on both backends; an unknown item
 * is stored without its item; NaN is not a measurement. */
static void
metrics(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct item it;
	if (db == NULL)
		return;
	mk(&it, "m1", "Med tall");
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, NULL), 0);
	T_EQ_INT(capture_metric(db, 1, NULL, "followers", 1234567.891, T0,
	                        "connector"),
	         0);
	T_EQ_INT(capture_metric(db, 1, "m1", "reactions", 5, T0, "connector"),
	         0);
	T_EQ_INT(capture_metric(db, 1, "nope", "reactions", 2, T0, "x"), 0);
	T_EQ_INT(capture_metric(db, 1, NULL, "views", 0.0 / 0.0, T0, "x"), 0);
	T_EQ_INT(count(db, "SELECT CAST(ROUND(value * 1000) AS BIGINT) FROM "
	                   "metric_samples WHERE name = 'followers'"),
	         1234567891);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM metric_samples WHERE item_id "
	                   "IS NOT NULL"),
	         1);
	T_EQ_INT(count(db, "SELECT COUNT(*) FROM metric_samples"), 3);
	t_db_done(db);
}

T_TEST(metrics_sqlite)
{
	metrics(DB_SQLITE);
}
T_TEST(metrics_pg)
{
	metrics(DB_PG);
}

T_TEST(authz_sqlite)
{
	authz(DB_SQLITE);
}
T_TEST(authz_pg)
{
	authz(DB_PG);
}

T_TEST(cred_box)
{
	char dir[] = "/tmp/kvcred.XXXXXX", path[64], err[256];
	struct cred_key k, k2;
	struct stat sb;
	char *nonce, *box, *plain;
	if (!T_ASSERT(mkdtemp(dir) != NULL))
		return;
	snprintf(path, sizeof(path), "%s/secret.key", dir);
	T_EQ_INT(cred_key_load(path, 0, &k, err, sizeof(err)), -1);
	T_EQ_INT(cred_key_load(path, 1, &k, err, sizeof(err)), 0);
	T_EQ_INT(stat(path, &sb), 0);
	T_EQ_INT(sb.st_mode & 0777, 0600);
	T_EQ_INT(sb.st_size, CRED_KEY_BYTES);
	T_EQ_INT(cred_key_load(path, 1, &k2, err, sizeof(err)), 0);
	T_ASSERT(memcmp(k.k, k2.k, sizeof(k.k)) == 0);
	T_EQ_STR(k.id, k2.id);
	T_EQ_INT(
	    cred_seal(&k, "{\"access_token\":\"tok-123456\"}", &nonce, &box),
	    0);
	T_ASSERT(strstr(box, "tok-123456") == NULL);
	plain = cred_open(&k, nonce, box);
	T_EQ_STR(plain, "{\"access_token\":\"tok-123456\"}");
	cred_free(plain);
	/* a flipped bit, or another key, opens nothing */
	box[3] = box[3] == '0' ? '1' : '0';
	T_ASSERT(cred_open(&k, nonce, box) == NULL);
	free(nonce);
	free(box);
	chmod(path, 0644);
	T_EQ_INT(cred_key_load(path, 0, &k2, err, sizeof(err)), -1);
	T_ASSERT(strstr(err, "readable by others") != NULL);
	{
		char b[256];
		setenv("KV_KEY_FILE", "/k/env.key", 1);
		T_EQ_STR(
		    cred_key_path("/opt.key", "sqlite:var/x.db", b, sizeof(b)),
		    "/opt.key");
		T_EQ_STR(cred_key_path(NULL, "sqlite:var/x.db", b, sizeof(b)),
		         "/k/env.key");
		unsetenv("KV_KEY_FILE");
		T_EQ_STR(cred_key_path(NULL, "sqlite:var/x.db", b, sizeof(b)),
		         "var/secret.key");
		T_EQ_STR(cred_key_path(NULL, "postgresql://h/db", b, sizeof(b)),
		         "var/secret.key");
	}
	unlink(path);
	rmdir(dir);
	cred_key_wipe(&k);
	cred_key_wipe(&k2);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(versions_sqlite),
	    T_ENTRY(versions_pg),
	    T_ENTRY(listing_sqlite),
	    T_ENTRY(listing_pg),
	    T_ENTRY(tamper_sqlite),
	    T_ENTRY(tamper_pg),
	    T_ENTRY(redaction_sqlite),
	    T_ENTRY(redaction_pg),
	    T_ENTRY(atomic_sqlite),
	    T_ENTRY(atomic_pg),
	    T_ENTRY(stems),
	    T_ENTRY(search_sqlite),
	    T_ENTRY(search_pg),
	    T_ENTRY(authz_sqlite),
	    T_ENTRY(authz_pg),
	    T_ENTRY(metrics_sqlite),
	    T_ENTRY(metrics_pg),
	    T_ENTRY(cred_box),
	};
	int rc;
	crypto_setup();
	rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
