/*
 * test_archive_verify.c - unit tests of `archive verify`
 * (src/archive/verify.c): a small archive (two items, one edited, an
 * exchange, audit rows, a removal with its frozen evidence, a registry
 * send) is intact; then one stored byte or field at a time is changed
 * with raw SQL — a blob's bytes, a version's text, an audit row, a
 * removal's evidence blob, a capture log row — and each break is
 * reported naming the exact blob, item, version or seq, and nothing
 * else; put back, the archive is intact again.
 * SQLite, and PostgreSQL when KV_TEST_PG_URL is set.
 */
#define T_DB
#include "t.h"

#include "../../src/archive/capture.h"
#include "../../src/archive/verify.h"
#include "../../src/base/util.h"

#include <stdint.h>
#include <string.h>

#define T0 1785000000

#define MAX_LINES 32

/* The problems one run reported, as lines. */
struct seen {
	char lines[MAX_LINES][600];
	int n;
};

static void
keep(void *ctx, const struct verify_problem *p)
{
	struct seen *s = ctx;
	if (s->n < MAX_LINES)
		verify_problem_line(p, s->lines[s->n++], sizeof(s->lines[0]));
}

/* Runs archive_verify into s; its return. */
static int
run(struct db *db, struct seen *s)
{
	struct verify_report rep = {keep, NULL, s};
	int64_t checked = 0, problems = 0;
	int rc;
	memset(s, 0, sizeof(*s));
	rc = archive_verify(db, &rep, &checked, &problems);
	T_EQ_INT(problems, s->n);
	for (int i = 0; i < s->n; i++)
		fprintf(stderr, "     reported: %s\n", s->lines[i]);
	return rc;
}

/* 1 when a line of s starts with head and holds what. */
static int
has(const struct seen *s, const char *head, const char *what)
{
	for (int i = 0; i < s->n; i++)
		if (strncmp(s->lines[i], head, strlen(head)) == 0 &&
		    strstr(s->lines[i], what) != NULL)
			return 1;
	fprintf(stderr, "     no line \"%s…%s\"\n", head, what);
	return 0;
}

static void
expect_intact(struct db *db)
{
	struct seen s;
	T_EQ_INT(run(db, &s), 0);
	T_EQ_INT(s.n, 0);
}

static void
mk(struct item *it, const char *id, const char *text, const char *raw)
{
	item_init(it);
	it->type = ITEM_COMMENT;
	it->inbound = 1;
	it->id = id;
	it->parent_id = "p1";
	it->text = text;
	it->author_id = "42";
	it->author_name = "Kari";
	it->created_at = T0;
	it->raw = raw;
	it->raw_type = "application/json";
}

/* Disables (off) or restores the trigger that keeps table's rows. */
static void
trigger(struct db *db, const char *table, const char *name, int off)
{
	char sql[300];
	if (db_kind(db) == DB_PG)
		snprintf(sql, sizeof(sql), "ALTER TABLE %s %s TRIGGER %s",
		         table, off ? "DISABLE" : "ENABLE", name);
	else if (off)
		snprintf(sql, sizeof(sql), "DROP TRIGGER %s", name);
	else
		return; /* SQLite: the test database is thrown away */
	T_EQ_INT(db_exec(db, sql), 0);
}

static void
tamper(enum db_kind kind)
{
	struct db *db = t_db_fresh(kind);
	struct item it;
	struct capture_result a, b;
	struct actor sys;
	struct seen s;
	char raw_a[65], ev_sha[65], xml_sha[65], text_sha[65], head[200];
	char *doc;
	json_t *j;
	int64_t rid = 0, xid = 0, seq2_item = 0;
	int applied;
	static const char raw[] = "{\"id\":\"a\",\"content\":\"Hei\"}";
	static const char xml[] = "<arkivmelding/>";

	if (db == NULL)
		return;
	if (!T_EQ_INT(db_migrate(db, &applied), 0))
		goto out;
	T_EQ_INT(db_exec(db,
	                 "INSERT INTO orgs (id, name, slug, country, "
	                 "timezone, default_lang, created_at) VALUES (1, "
	                 "'Meldal', 'meldal', 'NO', 'Europe/Oslo', 'nb', 0);"
	                 "INSERT INTO units (id, org_id, name, kind, "
	                 "created_at, updated_at) VALUES (1, 1, 'Kultur', "
	                 "'unit', 0, 0);"
	                 "INSERT INTO channels (id, org_id, unit_id, "
	                 "platform, name, address, status, created_at, "
	                 "updated_at) VALUES (1, 1, 1, 'mastodon', 'Kultur', "
	                 "'@kultur@social.example', 'active', 0, 0)"),
	         0);
	actor_system(&sys, 1, "test");
	/* the archive: an item with a raw payload and a medium, an item
	 * edited once, an exchange, audit rows, a removal, a registry send */
	mk(&it, "a", "Hei", raw);
	it.nmedia = 1;
	it.media[0].url = "https://social.example/m.jpg";
	it.media[0].mime = "image/jpeg";
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, &a), 0);
	sha256_hex(raw, strlen(raw), raw_a);
	mk(&it, "b", "Før", NULL);
	T_EQ_INT(capture_item(db, 1, &it, 0, T0, &b), 0);
	mk(&it, "b", "Etter", NULL);
	T_EQ_INT(capture_item(db, 1, &it, 0, T0 + 60, &b), 0);
	T_EQ_INT(b.version, 2);
	T_EQ_INT(db_get_i64(db, &xid,
	                    "INSERT INTO exchanges (channel_id, at, "
	                    "method_url, status) VALUES (1, ?, 'GET x', 200) "
	                    "RETURNING id",
	                    "i", (int64_t)T0),
	         1);
	for (int i = 0; i < 3; i++) {
		T_EQ_INT(db_begin(db), 0);
		T_EQ_INT(audit_commit(db, &sys, "update", "channel", 1, NULL,
		                      json_pack("{s:i}", "n", i)),
		         KV_OK);
	}
	sha256_hex("Hei", 3, text_sha);
	j = json_pack("{s:s,s:s,s:s}", "kind", "kanalvakt removal evidence",
	              "rendered_text", "Hei", "text_sha256", text_sha);
	doc = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(1));
	json_decref(j);
	T_EQ_INT(
	    capture_blob(db, doc, strlen(doc), "application/json", T0, ev_sha),
	    0);
	T_EQ_INT(db_get_i64(db, &rid,
	                    "INSERT INTO removals (org_id, item_id, version, "
	                    "action, ground, evidence_sha256, text_sha256, "
	                    "frozen_at) VALUES (1, ?, 1, 'manual', 'threat', "
	                    "?, ?, ?) RETURNING id",
	                    "itti", a.item_id, ev_sha, text_sha, (int64_t)T0),
	         1);
	T_EQ_INT(
	    capture_blob(db, xml, strlen(xml), "application/xml", T0, xml_sha),
	    0);
	T_EQ_INT(db_run(db,
	                "INSERT INTO registry_sends (org_id, item_id, "
	                "reference, xml_sha256, sent_at) VALUES (1, ?, "
	                "'KV-1', ?, ?)",
	                "iti", b.item_id, xml_sha, (int64_t)T0),
	         0);
	expect_intact(db);

	/* 1: a blob's bytes: named with the version that refers to it */
	T_EQ_INT(db_run(db, "UPDATE blobs SET bytes = ? WHERE sha256 = ?", "bt",
	                "{\"id\":\"b\",\"content\":\"Hei\"}", strlen(raw),
	                raw_a),
	         0);
	T_EQ_INT(run(db, &s), 1);
	T_EQ_INT(s.n, 1);
	snprintf(head, sizeof(head),
	         "blobs sha256 %s item %lld version 1:", raw_a,
	         (long long)a.item_id);
	T_ASSERT(has(&s, head, "do not match"));
	T_EQ_INT(db_run(db, "UPDATE blobs SET bytes = ? WHERE sha256 = ?", "bt",
	                raw, strlen(raw), raw_a),
	         0);
	expect_intact(db);

	/* 2: version 2's text: its content hash and its log row */
	trigger(db, "item_versions", "item_versions_no_update", 1);
	T_EQ_INT(db_run(db,
	                "UPDATE item_versions SET text = 'Ettex' WHERE "
	                "item_id = ? AND version = 2",
	                "i", b.item_id),
	         0);
	T_EQ_INT(run(db, &s), 1);
	T_EQ_INT(s.n, 2);
	snprintf(head, sizeof(head),
	         "item_versions item %lld version 2:", (long long)b.item_id);
	T_ASSERT(has(&s, head, "content_sha256 does not match"));
	T_ASSERT(has(&s, "capture_log seq ", "was changed (edited"));
	snprintf(head, sizeof(head),
	         "item %lld version 2:", (long long)b.item_id);
	T_ASSERT(has(&s, "capture_log", head));
	T_EQ_INT(db_run(db,
	                "UPDATE item_versions SET text = 'Etter' WHERE "
	                "item_id = ? AND version = 2",
	                "i", b.item_id),
	         0);
	expect_intact(db);

	/* 3: an audit row: that row only, the rows after it link to it */
	trigger(db, "audit", "audit_no_update", 1);
	T_EQ_INT(db_exec(db, "UPDATE audit SET actor = 'x' WHERE seq = 2"), 0);
	T_EQ_INT(run(db, &s), 1);
	T_EQ_INT(s.n, 1);
	T_ASSERT(has(&s, "audit seq 2:", "does not match its hash"));
	T_EQ_INT(db_exec(db, "UPDATE audit SET actor = 'test' WHERE seq = 2"),
	         0);
	expect_intact(db);

	/* 4: the removal's evidence: the blob and the removal */
	T_EQ_INT(db_run(db,
	                kind == DB_PG
	                    ? "UPDATE blobs SET bytes = convert_to(replace("
	                      "convert_from(bytes, 'UTF8'), ?, ?), 'UTF8') "
	                      "WHERE sha256 = ?"
	                    : "UPDATE blobs SET bytes = CAST(REPLACE(CAST("
	                      "bytes AS TEXT), ?, ?) AS BLOB) WHERE sha256 = ?",
	                "ttt", "\"Hei\"", "\"Hej\"", ev_sha),
	         0);
	T_EQ_INT(run(db, &s), 1);
	T_EQ_INT(s.n, 2);
	snprintf(head, sizeof(head),
	         "blobs sha256 %s item %lld version 1:", ev_sha,
	         (long long)a.item_id);
	T_ASSERT(has(&s, head, "frozen evidence of removal"));
	snprintf(head, sizeof(head),
	         "removals id %lld item %lld version 1:", (long long)rid,
	         (long long)a.item_id);
	T_ASSERT(has(&s, head, "rendered_text does not match"));
	T_EQ_INT(db_run(db, "UPDATE blobs SET bytes = ? WHERE sha256 = ?", "bt",
	                doc, strlen(doc), ev_sha),
	         0);
	expect_intact(db);

	/* 5: a capture log row */
	trigger(db, "capture_log", "capture_log_no_update", 1);
	T_EQ_INT(db_get_i64(db, &seq2_item,
	                    "SELECT item_id FROM capture_log WHERE seq = 2",
	                    NULL),
	         1);
	T_EQ_INT(db_exec(db, "UPDATE capture_log SET at = at + 1 WHERE seq = "
	                     "2"),
	         0);
	T_EQ_INT(run(db, &s), 1);
	T_EQ_INT(s.n, 1);
	snprintf(head, sizeof(head), "capture_log seq 2 item %lld version 1:",
	         (long long)seq2_item);
	T_ASSERT(has(&s, head, "row content does not match its hash"));
	T_EQ_INT(db_exec(db, "UPDATE capture_log SET at = at - 1 WHERE seq = "
	                     "2"),
	         0);
	expect_intact(db);
	trigger(db, "item_versions", "item_versions_no_update", 0);
	trigger(db, "audit", "audit_no_update", 0);
	trigger(db, "capture_log", "capture_log_no_update", 0);
	free(doc);
out:
	t_db_done(db);
}

T_TEST(tamper_sqlite)
{
	tamper(DB_SQLITE);
}
T_TEST(tamper_pg)
{
	tamper(DB_PG);
}

T_TEST(problem_line)
{
	struct verify_problem p = {"audit", 7, NULL, 0, 0, "why"};
	char line[200], small[12];
	verify_problem_line(&p, line, sizeof(line));
	T_EQ_STR(line, "audit seq 7: why");
	p.table = "removals";
	p.item_id = 3;
	p.version = 2;
	verify_problem_line(&p, line, sizeof(line));
	T_EQ_STR(line, "removals id 7 item 3 version 2: why");
	verify_problem_line(&p, small, sizeof(small));
	T_EQ_STR(small, "removals id");
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(tamper_sqlite),
	    T_ENTRY(tamper_pg),
	    T_ENTRY(problem_line),
	};
	int rc;
	crypto_setup();
	rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
