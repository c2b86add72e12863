/*
 * test_act.c - the actions on inbox items (src/jobs/act.c) end to end:
 * a Mastodon channel connected to tests/lib/replay.py serving the
 * recorded Mastodon.py cassettes, a captured comment in the inbox, then
 *  - a reply signed by the channel's rule, sent once, captured as our own
 *    reply item, the comment answered; a reply too long for Mastodon
 *    refused before anything is sent; a platform failure kept on the
 *    reply row with the comment still open;
 *  - a removal: the evidence frozen and committed before the platform is
 *    asked, the platform's refusal ("cannot hide") kept, a manual removal
 *    after, the evidence row immutable, the police pack a zip whose
 *    SHA256SUMS hold;
 *  - a case request to the registry: refused without a mailbox or a
 *    directory, then a mail queued to postmottak, an arkivmelding XML (a
 *    blob and a file) naming the sender and our back-reference, the
 *    journal reference recorded when the registry answers;
 *  - an editor of another unit can do none of it;
 *  - an item captured without its intake is taken by the intake pass.
 * SQLite, and PostgreSQL when KV_TEST_PG_URL is set.
 */
#define T_DB
#include "t.h"
#include "replay.h"

#include "../../src/base/util.h"
#include "../../src/jobs/act.h"
#include "../../src/jobs/sync.h"

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CAS     "mastodon/cassettes/"
#define PARENT  "117020583245459824" /* a status in test_status_reply */
#define ACCOUNT "117020565693913441"

struct fx {
	struct db *db;
	struct replay rp;
	struct cred_key key;
	struct act_cfg cfg;
	struct actor anne, bo, sys;
	struct arena ar;
	int64_t item_id;
	char dir[128], keyf[160];
};

static const char *scenario =
    "{\"rewrite\":[\"http://localhost:3000\"],\"routes\":["
    "{\"path\":\"/api/v1/statuses/" PARENT "\","
    "\"cassette\":\"" CAS "test_status_reply.yaml\"},"
    "{\"method\":\"POST\",\"path\":\"/api/v1/statuses\","
    "\"cassette\":\"" CAS "test_status_reply.yaml\",\"interaction\":2}]}";

static int
setup(struct fx *f, enum db_kind kind, const char *scn)
{
	int applied;
	char cfg[200], err[200];
	struct verrs v = {0};
	struct item it;
	struct capture_result cr;
	struct triage_result tr;
	int added = 0;

	memset(f, 0, sizeof(*f));
	arena_init(&f->ar);
	f->db = t_db_fresh(kind);
	if (f->db == NULL)
		return 0;
	if (!T_EQ_INT(db_migrate(f->db, &applied), 0))
		return 0;
	T_EQ_INT(
	    db_exec(f->db,
	            "INSERT INTO orgs (id, name, slug, country, timezone, "
	            "default_lang, created_at) VALUES (1, 'Meldal', "
	            "'meldal', 'NO', 'Europe/Oslo', 'nb', 0);"
	            "INSERT INTO units (id, org_id, name, kind, created_at, "
	            "updated_at) VALUES (1, 1, 'Kultur', 'unit', 0, 0), "
	            "(2, 1, 'Skole', 'unit', 0, 0);"
	            "INSERT INTO people (id, org_id, full_name, first_name, "
	            "title, unit_id, email, created_at, updated_at) VALUES "
	            "(1, 1, 'Anne Aas', 'Anne', 'kulturrådgiver', 1, "
	            "'a@x.example', 0, 0), (2, 1, 'Bo Berg', 'Bo', '', 2, "
	            "'b@x.example', 0, 0);"
	            "INSERT INTO role_grants (person_id, role, unit_id, "
	            "created_at) VALUES (1, 'channel_editor', 1, 0), "
	            "(2, 'channel_editor', 2, 0);"
	            "INSERT INTO channels (id, org_id, unit_id, platform, "
	            "name, address, responsible_id, status, created_at, "
	            "updated_at) VALUES (1, 1, 1, 'mastodon', 'Kultur "
	            "Mastodon', '@kultur@social.example', 1, 'active', 0, "
	            "0);"),
	    0);
	actor_system(&f->sys, 1, "test");
	T_EQ_INT(actor_load(f->db, &f->ar, 1, &f->anne), KV_OK);
	T_EQ_INT(actor_load(f->db, &f->ar, 2, &f->bo), KV_OK);
	snprintf(f->dir, sizeof(f->dir), "/tmp/kvact.XXXXXX");
	if (!T_ASSERT(mkdtemp(f->dir) != NULL))
		return 0;
	snprintf(f->keyf, sizeof(f->keyf), "%s/secret.key", f->dir);
	if (!T_EQ_INT(cred_key_load(f->keyf, 1, &f->key, err, sizeof(err)), 0))
		return 0;
	if (!replay_start(&f->rp, scn))
		return 0;
	snprintf(cfg, sizeof(cfg), "{\"base_url\":\"%s\"}", f->rp.base);
	T_EQ_INT(sync_connect(f->db, &f->sys, 1, &f->key, cfg,
	                      "{\"access_token\":\"__MASTODON_PY_TEST_"
	                      "ACCESS_TOKEN\"}",
	                      0, time_now(), &v),
	         KV_OK);
	T_EQ_INT(db_run(f->db,
	                "UPDATE channel_connections SET state_json = ? "
	                "WHERE channel_id = 1",
	                "t", "{\"account_id\":\"" ACCOUNT "\"}"),
	         0);
	f->cfg.key = &f->key;
	f->cfg.base_url = "https://kanalvakt.meldal.example";
	/* the comment: a question in bokmål */
	item_init(&it);
	it.type = ITEM_COMMENT;
	it.id = PARENT;
	it.parent_id = "117020583000000000";
	it.author_id = "42";
	it.author_handle = "@mastodonpy_test_2@localhost";
	it.author_name = "Kari Nordmann";
	it.inbound = 1;
	it.text = "Når åpner biblioteket igjen etter ombyggingen?";
	it.lang = "nb";
	it.created_at = time_now() - 600;
	it.url = "https://social.example/@mastodonpy_test_2/1";
	it.hidden = 0;
	T_EQ_INT(capture_item(f->db, 1, &it, 0, time_now(), &cr), 0);
	f->item_id = cr.item_id;
	memset(&tr, 0, sizeof(tr));
	snprintf(tr.lang, sizeof(tr.lang), "nb");
	tr.classes = 1u << TC_QUESTION;
	tr.needs_answer = 1;
	T_EQ_INT(
	    inbox_intake_triaged(f->db, f->item_id, &tr, time_now(), &added),
	    KV_OK);
	T_EQ_INT(added, 1);
	return 1;
}

static void
teardown(struct fx *f)
{
	char cmd[200];
	replay_stop(&f->rp);
	cred_key_wipe(&f->key);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	T_EQ_INT(system(cmd), 0);
	arena_free(&f->ar);
	t_db_done(f->db);
}

static int64_t
count(struct db *db, const char *sql)
{
	int64_t n = -1;
	db_get_i64(db, &n, sql, NULL);
	return n;
}

static const char *
text1(struct fx *f, const char *sql)
{
	struct db_stmt *st = db_query(f->db, sql, NULL);
	const char *s = NULL;
	if (st != NULL && db_step(st) == DB_ROW && !db_col_is_null(st, 0))
		s = arena_strdup(&f->ar, db_col_text(st, 0));
	db_finalize(st);
	return s;
}

/* The first column of the first row of sql as bytes (a BLOB / bytea). */
static const char *
blob1(struct fx *f, const char *sql)
{
	struct db_stmt *st = db_query(f->db, sql, NULL);
	const char *s = NULL;
	if (st != NULL && db_step(st) == DB_ROW) {
		size_t n;
		const void *p = db_col_blob(st, 0, &n);
		s = arena_strndup(&f->ar, p, n);
	}
	db_finalize(st);
	return s;
}

static int
state_of(struct fx *f)
{
	struct inbox_row r;
	if (inbox_get(f->db, &f->ar, &f->anne, f->item_id, &r) != KV_OK)
		return -1;
	return r.state;
}

static void
reply_flow(enum db_kind kind)
{
	struct fx f;
	struct act_outcome o;
	struct verrs v = {0};
	char big[700];
	json_t *rq;
	if (!setup(&f, kind, scenario))
		return;
	/* the signature of the channel's default rule */
	{
		const char *sig = NULL;
		T_EQ_INT(inbox_reply_signature(f.db, &f.ar, &f.anne, 1, &sig),
		         KV_OK);
		T_EQ_STR(sig, "– Anne, kulturrådgiver");
	}

	/* too long for Mastodon once signed: nothing leaves */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_EQ_INT(
	    act_reply(f.db, &f.ar, &f.cfg, &f.anne, f.item_id, big, &o, &v),
	    KV_INVALID);
	T_EQ_STR(verr_for(&v, "text"), "Is longer than the platform allows");
	T_EQ_INT(replay_count(&f.rp, "POST", NULL), 0);
	v.n = 0;
	T_EQ_INT(
	    act_reply(f.db, &f.ar, &f.cfg, &f.anne, f.item_id, "  \n", &o, &v),
	    KV_INVALID);
	v.n = 0;

	/* another unit's editor cannot touch it */
	T_ASSERT(act_reply(f.db, &f.ar, &f.cfg, &f.bo, f.item_id, "Hei", &o,
	                   &v) != KV_OK);
	T_EQ_INT(replay_count(&f.rp, "POST", NULL), 0);

	/* sent, once, signed; captured as our reply; the comment answered */
	T_EQ_INT(act_reply(f.db, &f.ar, &f.cfg, &f.anne, f.item_id,
	                   "Vi åpner 3. mars!", &o, &v),
	         KV_OK);
	T_EQ_STR(o.status, "sent");
	T_EQ_STR(o.platform_id, "117020583258292382");
	T_ASSERT(o.reply_item_id > 0);
	T_EQ_INT(replay_count(&f.rp, "POST", "/api/v1/statuses"), 1);
	rq = NULL;
	{
		json_t *all = replay_requests(&f.rp);
		size_t i;
		json_t *e;
		json_array_foreach(all, i, e)
		{
			if (strcmp(
			        json_string_value(json_object_get(e, "method")),
			        "POST") == 0)
				rq = json_incref(e);
		}
		json_decref(all);
	}
	if (T_ASSERT(rq != NULL))
		T_ASSERT(strstr(json_string_value(json_object_get(rq, "body")),
		                "Anne%2C+kulturr%C3%A5dgiver") != NULL);
	json_decref(rq);
	T_EQ_INT(count(f.db, "SELECT COUNT(*) FROM inbox_replies WHERE state "
	                     "= 'sent' AND sent_at IS NOT NULL"),
	         1);
	T_EQ_INT(count(f.db, "SELECT COUNT(*) FROM items WHERE inbound = 0 "
	                     "AND type = 'reply' AND parent_platform_id = "
	                     "'" PARENT "'"),
	         1);
	T_EQ_STR(text1(&f, "SELECT signed_text FROM inbox_replies"),
	         "Vi åpner 3. mars!\n– Anne, kulturrådgiver");
	T_EQ_INT(state_of(&f), IS_ANSWERED);
	T_EQ_INT(replay_unmatched(&f.rp), 0);
	teardown(&f);
}

static void
reply_fails(enum db_kind kind)
{
	struct fx f;
	struct act_outcome o;
	struct verrs v = {0};
	if (!setup(&f, kind,
	           "{\"routes\":[{\"path\":\"/api/v1/statuses/" PARENT
	           "\",\"status\":500,\"body\":\"{\\\"error\\\":\\\"Oops\\\"}"
	           "\"},{\"method\":\"POST\",\"path\":\"/api/v1/statuses\","
	           "\"status\":422,\"body\":\"{\\\"error\\\":\\\"Validation "
	           "failed: Text character limit of 500 exceeded\\\"}\"}]}"))
		return;
	T_EQ_INT(act_reply(f.db, &f.ar, &f.cfg, &f.anne, f.item_id,
	                   "Vi åpner 3. mars!", &o, &v),
	         KV_CONFLICT);
	T_EQ_STR(o.status, "failed");
	T_ASSERT(o.error[0] != '\0');
	T_EQ_INT(count(f.db, "SELECT COUNT(*) FROM inbox_replies WHERE state "
	                     "= 'failed' AND error <> ''"),
	         1);
	T_EQ_INT(count(f.db, "SELECT COUNT(*) FROM items WHERE inbound = 0"),
	         0);
	T_ASSERT(state_of(&f) != IS_ANSWERED);
	teardown(&f);
}

/* Reads zip; checks every SHA256SUMS line; returns the number of
 * entries (-1 on a mismatch or a bad zip). */
static int
zip_check(const struct buf *zip, const char *must)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	json_t *files = json_object();
	char *sums = NULL;
	int n = 0, ok = 1, found = 0;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, zip->p, zip->len) != ARCHIVE_OK) {
		archive_read_free(a);
		json_decref(files);
		return -1;
	}
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		size_t sz = (size_t)archive_entry_size(e);
		char *p = malloc(sz + 1), sha[65];
		if (archive_read_data(a, p, sz) != (la_ssize_t)sz)
			ok = 0;
		p[sz] = '\0';
		sha256_hex(p, sz, sha);
		json_object_set_new(files, name, json_string(sha));
		if (strcmp(name, "SHA256SUMS") == 0)
			sums = strdup(p);
		if (must && strcmp(name, "evidence.json") == 0 &&
		    strstr(p, must))
			found = 1;
		free(p);
		n++;
	}
	archive_read_free(a);
	if (sums == NULL)
		ok = 0;
	for (char *line = sums ? strtok(sums, "\n") : NULL; line;
	     line = strtok(NULL, "\n")) {
		const char *want;
		if (strlen(line) < 67) {
			ok = 0;
			continue;
		}
		line[64] = '\0';
		want = json_string_value(json_object_get(files, line + 66));
		if (want == NULL || strcmp(want, line) != 0)
			ok = 0;
	}
	free(sums);
	json_decref(files);
	return ok && (must == NULL || found) ? n : -1;
}

static void
remove_flow(enum db_kind kind)
{
	struct fx f;
	struct act_outcome o;
	struct verrs v = {0};
	struct buf zip;
	const char *name = NULL;
	int64_t rid;
	if (!setup(&f, kind, scenario))
		return;
	/* a ground is required, and must be one of the list */
	T_EQ_INT(act_remove(f.db, &f.ar, &f.cfg, &f.anne, f.item_id, "hide",
	                    "rude", NULL, &o, &v),
	         KV_INVALID);
	T_ASSERT(verr_for(&v, "ground") != NULL);
	v.n = 0;
	T_EQ_INT(count(f.db, "SELECT COUNT(*) FROM removals"), 0);
	/* Mastodon cannot hide others' posts: the evidence is frozen first
	 * and kept, the refusal recorded, the item still open */
	T_EQ_INT(act_remove(f.db, &f.ar, &f.cfg, &f.anne, f.item_id, "hide",
	                    "threat", "Trussel mot ansatt", &o, &v),
	         KV_CONFLICT);
	T_EQ_STR(o.status, "unsupported");
	T_ASSERT(strstr(o.error, "cannot hide") != NULL);
	T_EQ_INT(strlen(o.sha256), 64);
	T_EQ_INT(count(f.db, "SELECT COUNT(*) FROM removals WHERE "
	                     "platform_status = 'unsupported'"),
	         1);
	T_EQ_INT(count(f.db, "SELECT COUNT(*) FROM removals r JOIN blobs b "
	                     "ON b.sha256 = r.evidence_sha256"),
	         1);
	T_ASSERT(state_of(&f) != IS_REMOVED);
	T_EQ_INT(replay_count(&f.rp, NULL, NULL), 0);
	/* a person removes it by hand: recorded as manual, item removed */
	T_EQ_INT(act_remove(f.db, &f.ar, &f.cfg, &f.anne, f.item_id, "manual",
	                    "threat", NULL, &o, &v),
	         KV_OK);
	T_EQ_STR(o.status, "manual");
	T_ASSERT(strstr(o.message, "fjernet") != NULL); /* nb: the item's */
	T_EQ_INT(state_of(&f), IS_REMOVED);
	rid = o.id;
	/* a second removal of a removed item is a conflict */
	T_EQ_INT(act_remove(f.db, &f.ar, &f.cfg, &f.anne, f.item_id, "manual",
	                    "threat", NULL, &o, &v),
	         KV_CONFLICT);
	/* the evidence cannot be changed or deleted */
	T_ASSERT(db_run(f.db, "UPDATE removals SET ground = 'spam'", NULL) !=
	         0);
	T_ASSERT(db_run(f.db, "DELETE FROM removals", NULL) != 0);
	T_EQ_INT(count(f.db, "SELECT COUNT(*) FROM removals WHERE ground = "
	                     "'threat'"),
	         2);
	/* the archived item itself is still there */
	T_EQ_INT(count(f.db, "SELECT COUNT(*) FROM item_versions"), 1);
	/* the police pack: a zip whose sums hold */
	buf_init(&zip, 64u << 20);
	T_EQ_INT(act_evidence_pack(f.db, &f.ar, &f.anne, rid, &zip, &name),
	         KV_OK);
	T_ASSERT(name && strstr(name, ".zip"));
	T_ASSERT(zip_check(&zip, "biblioteket igjen") >= 4);
	buf_cleanup(&zip);
	buf_init(&zip, 64u << 20);
	T_ASSERT(act_evidence_pack(f.db, &f.ar, &f.bo, rid, &zip, &name) !=
	         KV_OK);
	buf_cleanup(&zip);
	/* the message to the sender, in the item's language */
	T_ASSERT(strstr(act_removed_message("nb", "threat"), "fjernet"));
	T_ASSERT(strstr(act_removed_message("sv", "spam"), "skräppost"));
	T_ASSERT(strstr(act_removed_message("nn", "hate"), "fjerna"));
	T_ASSERT(strstr(act_removed_message("xx", "hate"), "removed"));
	teardown(&f);
}

static void
registry_flow(enum db_kind kind)
{
	struct fx f;
	struct act_outcome o;
	struct verrs v = {0};
	xmlDocPtr doc;
	const char *xml;
	char path[300], msg[400];
	struct stat sb;
	if (!setup(&f, kind, scenario))
		return;
	/* nowhere to send it */
	T_EQ_INT(
	    act_registry(f.db, &f.ar, &f.cfg, &f.anne, f.item_id, NULL, &o, &v),
	    KV_CONFLICT);
	v.n = 0;
	/* only administrators set the mailbox, and it must be an address */
	T_EQ_INT(registry_mailbox_set(f.db, &f.ar, &f.anne,
	                              "postmottak@meldal.kommune.no", &v),
	         KV_FORBIDDEN);
	T_EQ_INT(
	    registry_mailbox_set(f.db, &f.ar, &f.sys, "not an address", &v),
	    KV_INVALID);
	v.n = 0;
	T_EQ_INT(registry_mailbox_set(f.db, &f.ar, &f.sys,
	                              "postmottak@meldal.kommune.no", &v),
	         KV_OK);
	f.cfg.registry_dir = f.dir;
	T_EQ_INT(act_registry(f.db, &f.ar, &f.cfg, &f.anne, f.item_id,
	                      "Spørsmål om søknad", &o, &v),
	         KV_OK);
	T_EQ_STR(o.status, "queued");
	T_EQ_STR(o.reference, "KV-1-1");
	T_ASSERT(strstr(o.message, "KV-1-1") && strstr(o.message, "journalf"));
	T_EQ_INT(state_of(&f), IS_REGISTRY);
	T_EQ_INT(count(f.db, "SELECT COUNT(*) FROM mail_outbox WHERE to_addr "
	                     "= 'postmottak@meldal.kommune.no' AND subject "
	                     "LIKE '[KV-1-1]%'"),
	         1);
	xml = blob1(&f, "SELECT b.bytes FROM blobs b JOIN registry_sends r ON "
	                "r.xml_sha256 = b.sha256");
	if (T_ASSERT(xml != NULL)) {
		doc = xmlReadMemory(xml, (int)strlen(xml), "a.xml", NULL,
		                    XML_PARSE_NONET);
		T_ASSERT(doc != NULL);
		xmlFreeDoc(doc);
		T_ASSERT(strstr(xml, "<noekkel>KV-1-1</noekkel>") != NULL);
		T_ASSERT(strstr(xml,
		                "<korrespondansepartNavn>Kari "
		                "Nordmann</korrespondansepartNavn>") != NULL);
		T_ASSERT(strstr(xml, "Inngående dokument") != NULL);
	}
	snprintf(path, sizeof(path), "%s/arkivmelding-KV-1-1.xml", f.dir);
	T_EQ_INT(stat(path, &sb), 0);
	/* the registry answers */
	T_EQ_INT(act_registry_journal(f.db, &f.ar, &f.anne, f.item_id, "", &v),
	         KV_INVALID);
	v.n = 0;
	T_EQ_INT(act_registry_journal(f.db, &f.ar, &f.anne, f.item_id,
	                              "2026/01234-1", &v),
	         KV_OK);
	{
		struct inbox_row r;
		T_EQ_INT(inbox_get(f.db, &f.ar, &f.anne, f.item_id, &r), KV_OK);
		T_EQ_STR(r.journal_ref, "2026/01234-1");
	}
	act_registry_message("nb", o.reference, msg, sizeof(msg));
	T_ASSERT(strstr(msg, "KV-1-1") && strstr(msg, "journalføre"));
	teardown(&f);
}

/* An inbound item captured without its intake (a crash between the two)
 * is taken by the scheduler's intake pass, triaged by the real engine;
 * a second pass takes nothing. */
static void
intake_pass(enum db_kind kind)
{
	struct fx f;
	struct item it;
	struct capture_result cr;
	struct inbox_row r;
	int added = -1;
	if (!setup(&f, kind, scenario))
		return;
	item_init(&it);
	it.type = ITEM_COMMENT;
	it.id = "117020583245459999";
	it.parent_id = "117020583000000000";
	it.author_handle = "@ola@localhost";
	it.inbound = 1;
	it.text = "Jeg vet hvor du bor, og du skal få svi for dette.";
	it.created_at = time_now() - 60;
	it.hidden = 0;
	T_EQ_INT(capture_item(f.db, 1, &it, 0, time_now(), &cr), 0);
	T_EQ_INT(inbox_intake_pass(f.db, time_now(), 50, &added), 0);
	T_EQ_INT(added, 1);
	if (T_EQ_INT(inbox_get(f.db, &f.ar, &f.anne, cr.item_id, &r), KV_OK)) {
		T_ASSERT(r.classes & (1u << TC_ABUSE));
		T_EQ_INT(r.ground, AG_THREAT);
		T_EQ_INT(r.hard, 1);
	}
	T_EQ_INT(inbox_intake_pass(f.db, time_now(), 50, &added), 0);
	T_EQ_INT(added, 0);
	teardown(&f);
}

T_TEST(intake_pass_sqlite)
{
	intake_pass(DB_SQLITE);
}
T_TEST(intake_pass_pg)
{
	intake_pass(DB_PG);
}
T_TEST(reply_sqlite)
{
	reply_flow(DB_SQLITE);
}
T_TEST(reply_pg)
{
	reply_flow(DB_PG);
}
T_TEST(reply_fails_sqlite)
{
	reply_fails(DB_SQLITE);
}
T_TEST(remove_sqlite)
{
	remove_flow(DB_SQLITE);
}
T_TEST(remove_pg)
{
	remove_flow(DB_PG);
}
T_TEST(registry_sqlite)
{
	registry_flow(DB_SQLITE);
}
T_TEST(registry_pg)
{
	registry_flow(DB_PG);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(reply_sqlite),       T_ENTRY(reply_pg),
	    T_ENTRY(reply_fails_sqlite), T_ENTRY(remove_sqlite),
	    T_ENTRY(remove_pg),          T_ENTRY(registry_sqlite),
	    T_ENTRY(registry_pg),        T_ENTRY(intake_pass_sqlite),
	    T_ENTRY(intake_pass_pg)};
	int rc;
	crypto_setup();
	rc = T_RUN(tests, argc, argv);
	t_db_cleanup();
	return rc;
}
