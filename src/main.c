/*
 * main.c - the kanalvakt command: subcommand dispatch and the admin CLI.
 *
 *   kanalvakt [--db URL] serve [--listen HOST:PORT] [--threads N]
 *             [--tick SECONDS] [--smtp URL --mail-from ADDR] [--base-url URL]
 *   kanalvakt [--db URL] migrate
 *   kanalvakt [--db URL] demo [--if-empty]
 *   kanalvakt [--db URL] user add EMAIL --name NAME --role ROLE [--unit U]
 *   kanalvakt [--db URL] token create EMAIL [--label L]
 *   kanalvakt [--db URL] audit verify [--anchor SEQ:HASH]
 *   kanalvakt [--db URL] unit list | channel list
 *   kanalvakt [--db URL] [--key-file F] channel connect CHANNEL
 *             [--config JSON] --cred-file FILE|-  [--reset-state]
 *   kanalvakt [--db URL] [--key-file F] sync CHANNEL [--metrics|--no-metrics]
 *   kanalvakt [--db URL] capture verify
 *   kanalvakt [--db URL] archive verify
 *   kanalvakt [--db URL] items search QUERY [--channel CHANNEL] [--limit N]
 *   kanalvakt [--db URL] notify run [--smtp URL --mail-from ADDR] [--now T]
 *   kanalvakt [--db URL] mail list [--state S] | mail retry [--failed]
 *   kanalvakt mail test ADDRESS --smtp URL --mail-from ADDR
 *   kanalvakt feed check URL|FILE
 *   kanalvakt [--db URL] triage [--lang L] [--rules FILE] [--no-model]
 *   kanalvakt routes | version
 *
 * The CLI calls the same domain functions as the web UI and API, as the
 * system actor of the (first) organisation, so its changes are validated
 * and audited like any other.  See docs/kanalvakt.1.
 */
#include "archive/capture.h"
#include "archive/cred.h"
#include "archive/verify.h"
#include "archive/warc.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "base/xmem.h"
#include "connect/connect.h"
#include "connect/feed.h"
#include "connect/import.h"
#include "domain/domain.h"
#include "domain/notify.h"
#include "inbox/inbox.h"
#include "jobs/mailer.h"
#include "jobs/scheduler.h"
#include "jobs/sync.h"
#include "store/db.h"
#include "text/triage.h"
#include "web/web.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *db_url;
static const char *key_file; /* --key-file; else KV_KEY_FILE or beside the DB */
static char key_path[1024];  /* serve: the scheduler's key file */
static char app_key_path[1024]; /* serve: the web side seals with it */

static void
usage(FILE *f)
{
	fputs(
	    "usage: kanalvakt [--db URL] COMMAND [ARGS]\n"
	    "\n"
	    "commands:\n"
	    "  serve [--listen HOST:PORT] [--threads N] [--cookie-secure]\n"
	    "        [--tick SECONDS] [--smtp URL --mail-from ADDR]\n"
	    "        [--smtp-user USER] [--base-url URL]\n"
	    "                          also raises alerts every tick and "
	    "sends\n"
	    "                          queued mail when an SMTP server is set\n"
	    "  migrate                 bring the database to the current "
	    "schema\n"
	    "  demo [--if-empty]       load the demo organisation (Meldal "
	    "kommune)\n"
	    "  user add EMAIL --name NAME --role ROLE [--unit UNIT]\n"
	    "                          add a person with a login (password "
	    "from stdin,\n"
	    "                          or generated and printed)\n"
	    "  token create EMAIL [--label LABEL]\n"
	    "                          print a new API token for EMAIL\n"
	    "  audit verify [--anchor SEQ:HASH]\n"
	    "                          check the audit log's hash chain (and\n"
	    "                          that it still holds an earlier anchor)\n"
	    "  unit list               print the unit tree\n"
	    "  channel list            print the channel register\n"
	    "  channel connect CHANNEL [--config JSON] --cred-file FILE|-\n"
	    "        [--reset-state]   store a channel's connection: settings\n"
	    "                          (no secrets) and credentials (JSON "
	    "from\n"
	    "                          FILE, - for stdin), sealed with the "
	    "key\n"
	    "                          file\n"
	    "  sync CHANNEL [--metrics|--no-metrics]\n"
	    "                          one poll cycle now; prints each item "
	    "as\n"
	    "                          a JSON line, a summary on stderr\n"
	    "  import FORMAT FILE --channel CHANNEL\n"
	    "                          capture a platform's data export\n"
	    "                          (mastodon .tar.gz/outbox.json, x .zip/"
	    "tweets.js,\n"
	    "                          instagram, facebook .zip/.json, "
	    "bluesky .car)\n"
	    "  capture verify          check the capture log's hash chain and\n"
	    "                          every stored blob\n"
	    "  archive verify          re-hash every stored object and walk "
	    "both\n"
	    "                          hash chains; every break on its own "
	    "line\n"
	    "  items search QUERY [--channel CHANNEL] [--limit N]\n"
	    "                          full-text search of captured items\n"
	    "  export warc --out FILE [--channel CHANNEL]\n"
	    "        [--from YYYY-MM-DD --to YYYY-MM-DD]\n"
	    "                          the raw HTTP exchanges as WARC 1.1\n"
	    "                          (FILE.gz: gzip per record), checked\n"
	    "                          before it is kept\n"
	    "  notify run [--smtp URL --mail-from ADDR] [--now SECONDS]\n"
	    "                          one alert pass and one send pass\n"
	    "  mail test ADDRESS       send one test message (needs --smtp,\n"
	    "                          --mail-from)\n"
	    "  mail list [--state queued|sent|failed]\n"
	    "                          print the mail outbox\n"
	    "  mail retry [--failed]   send queued (and failed) mail at the "
	    "next pass\n"
	    "  feed check URL|FILE     read a feed (RSS, Atom, JSON Feed) and "
	    "print\n"
	    "                          each entry as a JSON line\n"
	    "  triage [--lang L] [--rules FILE] [--no-model]\n"
	    "                          triage JSON lines {\"text\", \"lang\"?} "
	    "from\n"
	    "                          stdin: one JSON line per input with "
	    "classes,\n"
	    "                          abuse ground, personal data and why\n"
	    "  routes                  print the HTTP route table\n"
	    "  version                 print the version\n"
	    "\n"
	    "URL is sqlite:PATH or postgresql://…; default from "
	    "KANALVAKT_DB.\n"
	    "SMTP: --smtp smtp://HOST:PORT or smtps://…, or KANALVAKT_SMTP;\n"
	    "--mail-from or KANALVAKT_MAIL_FROM; --smtp-user or "
	    "KANALVAKT_SMTP_USER;\n"
	    "the password only from KANALVAKT_SMTP_PASSWORD.\n"
	    "--key-file PATH (before COMMAND), or KV_KEY_FILE: the key that "
	    "seals\n"
	    "channel credentials; default secret.key beside the SQLite file.\n"
	    "CHANNEL is a channel's id or its address.\n",
	    f);
}

/* The exit status when the database cannot be opened or read: 1, but 2
 * for `archive verify`, where 1 means "broken". */
static int db_fail_status = 1;

static struct db *
open_db(void)
{
	char err[512];
	struct db *db = db_open(db_url, err, sizeof(err));
	if (db == NULL) {
		fprintf(stderr, "kanalvakt: %s\n", err);
		exit(db_fail_status);
	}
	return db;
}

/* Opens the database and checks the schema is current. */
static struct db *
open_ready_db(void)
{
	struct db *db = open_db();
	int v = db_schema_version(db);
	if (v < 0) {
		fprintf(stderr, "kanalvakt: %s\n", db_errmsg(db));
		exit(db_fail_status);
	}
	if (v < db_schema_latest(db)) {
		fprintf(stderr,
		        "kanalvakt: the database schema is at version %d, this "
		        "program needs %d: run `kanalvakt migrate`\n",
		        v, db_schema_latest(db));
		exit(db_fail_status);
	}
	return db;
}

static int64_t
need_org(struct db *db)
{
	int64_t org = org_first_id(db);
	if (org <= 0) {
		fprintf(stderr,
		        "kanalvakt: no organisation yet: run `kanalvakt "
		        "demo` or create one\n");
		exit(1);
	}
	return org;
}

static int
cmd_migrate(void)
{
	struct db *db = open_db();
	int applied = 0;
	if (db_migrate(db, &applied) != 0) {
		fprintf(stderr, "kanalvakt: migration failed: %s\n",
		        db_errmsg(db));
		db_close(db);
		return 1;
	}
	printf("schema at version %d (%d migration%s applied)\n",
	       db_schema_version(db), applied, applied == 1 ? "" : "s");
	db_close(db);
	return 0;
}

static int
cmd_demo(int argc, char **argv)
{
	struct db *db = open_ready_db();
	char email[KV_MAX_EMAIL + 1], pw[64];
	int if_empty = argc > 1 && strcmp(argv[1], "--if-empty") == 0;
	enum kv_rc rc = demo_load(db, email, pw);
	/* a realistic day in the inbox (issue 5) */
	if (rc == KV_OK)
		rc = inbox_demo_load(db, org_first_id(db), time_now());
	db_close(db);
	if (rc == KV_CONFLICT) {
		if (if_empty)
			return 0;
		fprintf(stderr,
		        "kanalvakt: the database already has an "
		        "organisation; the demo loads into an empty one\n");
		return 1;
	}
	if (rc != KV_OK) {
		fprintf(stderr, "kanalvakt: loading the demo failed\n");
		return 1;
	}
	printf("Demo organisation Meldal kommune loaded.\n"
	       "Log in as the demo administrator:\n"
	       "  e-mail:   %s\n  password: %s\n"
	       "(every demo person, e.g. ingrid.lokken@meldal-kommune.example, "
	       "has the same password)\n",
	       email, pw);
	return 0;
}

static const char *
opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static void
print_verrs(const struct verrs *v)
{
	for (int i = 0; i < v->n; i++)
		fprintf(stderr, "kanalvakt: %s %s\n", v->e[i].field,
		        v->e[i].reason);
}

static int
cmd_user(int argc, char **argv)
{
	struct db *db;
	struct arena ar;
	struct actor sys;
	struct person p;
	struct verrs v = {0};
	const char *role_s, *unit_s;
	char pw[KV_PASSWORD_MAX + 2], gen[33] = "";
	int role, rc = 1;
	int64_t unit = 0;

	if (argc < 3 || strcmp(argv[1], "add") != 0) {
		usage(stderr);
		return 2;
	}
	role_s = opt(argc, argv, "--role");
	unit_s = opt(argc, argv, "--unit");
	if (opt(argc, argv, "--name") == NULL || role_s == NULL) {
		fprintf(stderr,
		        "kanalvakt: user add needs --name and --role\n");
		return 2;
	}
	if ((role = role_parse(role_s)) < 0) {
		fprintf(stderr, "kanalvakt: unknown role %s\n", role_s);
		return 2;
	}
	db = open_ready_db();
	arena_init(&ar);
	actor_system(&sys, need_org(db), "cli");
	if (unit_s != NULL) {
		if (parse_i64(unit_s, &unit) != 0)
			unit = unit_find_by_name(db, sys.org_id, unit_s);
		if (unit <= 0) {
			fprintf(stderr, "kanalvakt: no unit %s\n", unit_s);
			goto out;
		}
	}
	if (isatty(STDIN_FILENO)) {
		random_hex(gen, 12);
		snprintf(pw, sizeof(pw), "%s", gen);
	} else {
		if (fgets(pw, sizeof(pw), stdin) == NULL)
			pw[0] = '\0';
		pw[strcspn(pw, "\r\n")] = '\0';
		if (pw[0] == '\0') {
			random_hex(gen, 12);
			snprintf(pw, sizeof(pw), "%s", gen);
		}
	}
	memset(&p, 0, sizeof(p));
	p.full_name = opt(argc, argv, "--name");
	p.email = argv[2];
	p.unit_id = unit;
	p.title = opt(argc, argv, "--title");
	/* one transaction: a bad password leaves no person without login */
	if (db_begin(db) != 0 ||
	    person_create(db, &ar, &sys, &p, &v) != KV_OK ||
	    person_grant(db, &ar, &sys, p.id, (enum role)role, unit, &v) !=
	        KV_OK ||
	    account_set_password(db, &ar, &sys, p.id, pw, &v) != KV_OK ||
	    db_commit(db) != 0) {
		db_rollback(db);
		print_verrs(&v);
		if (v.n == 0)
			fprintf(stderr, "kanalvakt: could not add the user\n");
		goto out;
	}
	printf("added %s (person %lld) as %s\n", argv[2], (long long)p.id,
	       role_s);
	if (gen[0])
		printf("password: %s\n", gen);
	rc = 0;
out:
	arena_free(&ar);
	db_close(db);
	return rc;
}

static int
cmd_token(int argc, char **argv)
{
	struct db *db;
	struct arena ar;
	struct actor sys;
	char tok[KV_TOKEN_HEX + 4];
	int64_t pid, org = 0;
	int rc = 1;

	if (argc < 3 || strcmp(argv[1], "create") != 0) {
		usage(stderr);
		return 2;
	}
	db = open_ready_db();
	arena_init(&ar);
	pid = person_find_by_email(db, argv[2]);
	if (pid == 0 ||
	    db_get_i64(db, &org, "SELECT org_id FROM people WHERE id = ?", "i",
	               pid) != 1) {
		fprintf(stderr, "kanalvakt: no person with e-mail %s\n",
		        argv[2]);
		goto out;
	}
	actor_system(&sys, org, "cli");
	if (token_create(db, &ar, &sys, pid, opt(argc, argv, "--label"), tok) !=
	    KV_OK) {
		fprintf(stderr, "kanalvakt: could not create the token\n");
		goto out;
	}
	printf("%s\n", tok);
	rc = 0;
out:
	arena_free(&ar);
	db_close(db);
	return rc;
}

static int
cmd_audit(int argc, char **argv)
{
	struct db *db;
	int64_t checked, bad, head_seq, anchor_seq = 0;
	char head[65], anchor_hash[65] = "";
	const char *why, *anchor = opt(argc, argv, "--anchor");
	int rc;
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		usage(stderr);
		return 2;
	}
	if (anchor != NULL) {
		const char *colon = strchr(anchor, ':');
		char num[24];
		if (colon == NULL || colon - anchor >= (int)sizeof(num) ||
		    strlen(colon + 1) != 64) {
			fprintf(stderr, "kanalvakt: --anchor wants SEQ:HASH as "
			                "printed by an earlier audit verify\n");
			return 2;
		}
		memcpy(num, anchor, (size_t)(colon - anchor));
		num[colon - anchor] = '\0';
		if (parse_i64(num, &anchor_seq) != 0 || anchor_seq < 1) {
			fprintf(stderr, "kanalvakt: bad --anchor sequence\n");
			return 2;
		}
		snprintf(anchor_hash, sizeof(anchor_hash), "%s", colon + 1);
	}
	db = open_ready_db();
	rc = audit_verify(db, anchor_seq, anchor_hash, &checked, &bad, &why,
	                  &head_seq, head);
	db_close(db);
	if (rc < 0) {
		fprintf(stderr, "kanalvakt: could not read the audit log\n");
		return 2;
	}
	if (rc > 0) {
		printf("audit log BROKEN at row %lld: %s (%lld rows before it "
		       "are intact)\n",
		       (long long)bad, why, (long long)checked);
		return 1;
	}
	printf("audit log intact: %lld rows verified\n"
	       "anchor: %lld:%s\n",
	       (long long)checked, (long long)head_seq, head);
	return 0;
}

static int
cmd_list(const char *what)
{
	struct db *db = open_ready_db();
	struct arena ar;
	struct actor sys;
	int n, rc = 0;
	arena_init(&ar);
	actor_system(&sys, need_org(db), "cli");
	if (strcmp(what, "unit") == 0) {
		struct unit *us;
		if (unit_list(db, &ar, &sys, &us, &n) != KV_OK)
			rc = 1;
		for (int i = 0; !rc && i < n; i++)
			printf("%*s%lld\t%s (%s)\n", us[i].depth * 2, "",
			       (long long)us[i].id, us[i].name, us[i].kind);
	} else {
		struct channel_filter f;
		struct channel *cs;
		int64_t total;
		memset(&f, 0, sizeof(f));
		f.limit = 500;
		if (channel_list(db, &ar, &sys, &f, &cs, &n, &total) != KV_OK)
			rc = 1;
		for (int i = 0; !rc && i < n; i++)
			printf("%lld\t%s\t%s\t%s\t%s\t%s\n",
			       (long long)cs[i].id, cs[i].status,
			       cs[i].platform, cs[i].name, cs[i].address,
			       cs[i].unit_name);
	}
	arena_free(&ar);
	db_close(db);
	if (rc)
		fprintf(stderr, "kanalvakt: could not list\n");
	return rc;
}

/* Fills m from --smtp, --mail-from, --smtp-user and the environment
 * (KANALVAKT_SMTP, KANALVAKT_MAIL_FROM, KANALVAKT_SMTP_USER and the
 * password from KANALVAKT_SMTP_PASSWORD only, never from the command
 * line).  0 when an SMTP server is configured, 1 when none is, -1 (said
 * on stderr) when the configuration is wrong. */
static int
mail_config(int argc, char **argv, struct mailer_cfg *m)
{
	const char *why;
	memset(m, 0, sizeof(*m));
	m->url = opt(argc, argv, "--smtp");
	m->from = opt(argc, argv, "--mail-from");
	m->user = opt(argc, argv, "--smtp-user");
	if (m->url == NULL)
		m->url = getenv("KANALVAKT_SMTP");
	if (m->from == NULL)
		m->from = getenv("KANALVAKT_MAIL_FROM");
	if (m->user == NULL)
		m->user = getenv("KANALVAKT_SMTP_USER");
	m->password = getenv("KANALVAKT_SMTP_PASSWORD");
	if (m->url == NULL || *m->url == '\0')
		return 1;
	if (mailer_check(m, &why) != 0) {
		fprintf(stderr, "kanalvakt: %s\n", why);
		return -1;
	}
	return 0;
}

static const char *app_base_url; /* serve: --base-url, for the inbox */

/* Sets the web address put in front of links in mails from --base-url or
 * KANALVAKT_BASE_URL.  0, or -1 (said on stderr) when it is not http(s). */
static int
base_url_config(int argc, char **argv)
{
	const char *u = opt(argc, argv, "--base-url");
	if (u == NULL)
		u = getenv("KANALVAKT_BASE_URL");
	if (u == NULL || *u == '\0')
		return 0;
	if ((!str_starts(u, "http://") && !str_starts(u, "https://")) ||
	    strlen(u) > 400 || strpbrk(u, " \t\r\n") != NULL) {
		fprintf(stderr,
		        "kanalvakt: --base-url wants http(s)://HOST…\n");
		return -1;
	}
	notify_set_base_url(u);
	app_base_url = u;
	return 0;
}

/* kanalvakt notify run: one alert pass and one send pass. */
static int
cmd_notify(int argc, char **argv)
{
	struct mailer_cfg mail;
	struct pass_result r;
	struct db *db;
	const char *now_s = opt(argc, argv, "--now");
	int64_t now = time_now(), queued = 0;
	int have_mail, rc;

	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		usage(stderr);
		return 2;
	}
	if ((have_mail = mail_config(argc, argv, &mail)) < 0 ||
	    base_url_config(argc, argv) != 0)
		return 2;
	if (now_s != NULL && (parse_i64(now_s, &now) != 0 || now < 0)) {
		fprintf(stderr, "kanalvakt: --now wants seconds since 1970\n");
		return 2;
	}
	db = open_ready_db();
	rc = scheduler_pass(db, have_mail == 0 ? &mail : NULL, now, &r);
	db_get_i64(db, &queued,
	           "SELECT COUNT(*) FROM mail_outbox WHERE state = 'queued'",
	           NULL);
	db_close(db);
	printf("alerts: %d raised (%d organisation%s)\n"
	       "mail: %d sent, %d failed, %lld queued%s\n",
	       r.raised, r.orgs, r.orgs == 1 ? "" : "s", r.sent, r.failed,
	       (long long)queued,
	       have_mail == 0 ? "" : " (no SMTP server given: not sending)");
	if (rc != 0)
		fprintf(stderr,
		        "kanalvakt: the pass had %d error(s); see the "
		        "log above\n",
		        r.errors);
	return rc != 0;
}

/* kanalvakt mail test ADDRESS: sends one message straight away. */
static int
cmd_mail_test(int argc, char **argv)
{
	struct mailer_cfg mail;
	char err[300], mid[40];
	int perm, have = mail_config(argc, argv, &mail);
	if (argc < 3 || argv[2][0] == '-') {
		usage(stderr);
		return 2;
	}
	if (have != 0) {
		if (have > 0)
			fprintf(stderr, "kanalvakt: mail test needs --smtp URL "
			                "and --mail-from ADDR\n");
		return 2;
	}
	if (!mail_addr_ok(argv[2])) {
		fprintf(stderr, "kanalvakt: %s is not a bare e-mail address\n",
		        argv[2]);
		return 2;
	}
	memcpy(mid, "kv.test.", 8);
	random_hex(mid + 8, 12);
	if (mailer_send(
	        &mail, argv[2],
	        "kanalvakt: testmelding – test message (æøå ÆØÅ äö)",
	        "Dette er en testmelding fra kanalvakt. Når du kan lese "
	        "denne, virker e-posten: æ ø å Æ Ø Å ä ö.\n\n"
	        "This is a test message from kanalvakt. If you can "
	        "read it, mail works.\n",
	        mid, err, sizeof(err), &perm) != 0) {
		fprintf(stderr,
		        "kanalvakt: the test message was not sent: %s\n", err);
		return 1;
	}
	printf("test message sent to %s\n", argv[2]);
	return 0;
}

/* kanalvakt mail list | mail retry: the outbox, as the system actor. */
static int
cmd_mail(int argc, char **argv)
{
	struct db *db;
	struct arena ar;
	struct actor sys;
	int rc = 1;

	if (argc < 2 ||
	    (strcmp(argv[1], "list") != 0 && strcmp(argv[1], "retry") != 0)) {
		usage(stderr);
		return 2;
	}
	db = open_ready_db();
	arena_init(&ar);
	actor_system(&sys, need_org(db), "cli");
	if (strcmp(argv[1], "list") == 0) {
		struct mail *ms;
		int n;
		int64_t total;
		const char *state = opt(argc, argv, "--state");
		if (mail_list(db, &ar, &sys, state, 500, 0, &ms, &n, &total) !=
		    KV_OK) {
			fprintf(stderr,
			        "kanalvakt: could not read the outbox\n");
			goto out;
		}
		for (int i = 0; i < n; i++)
			printf("%lld\t%s\t%lld\t%s\t%s\t%s\n",
			       (long long)ms[i].id, ms[i].state,
			       (long long)ms[i].attempts, ms[i].to,
			       ms[i].subject, ms[i].last_error);
	} else {
		int64_t count = 0;
		int failed = 0;
		for (int i = 2; i < argc; i++)
			failed |= strcmp(argv[i], "--failed") == 0;
		if (mail_retry(db, &ar, &sys, failed, &count) != KV_OK) {
			fprintf(stderr, "kanalvakt: could not requeue mail\n");
			goto out;
		}
		printf("%lld mail%s will be sent at the next pass\n",
		       (long long)count, count == 1 ? "" : "s");
	}
	rc = 0;
out:
	arena_free(&ar);
	db_close(db);
	return rc;
}

/* --- capture (issue 4) ---------------------------------------------------- */

/* Loads (creating on first use) the key file; exits on failure. */
static void
load_key(struct cred_key *k, int create)
{
	char path[1024], err[1200];
	cred_key_path(key_file, db_url, path, sizeof(path));
	if (cred_key_load(path, create, k, err, sizeof(err)) != 0) {
		fprintf(stderr, "kanalvakt: %s\n", err);
		exit(1);
	}
}

/* The id of the channel named by an id or an address; exits when none
 * or several. */
static int64_t
find_channel(struct db *db, int64_t org, const char *s)
{
	int64_t id = 0, n = 0;
	if (parse_i64(s, &id) == 0 &&
	    db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM channels WHERE id = ? AND org_id "
	               "= ?",
	               "ii", id, org) == 1 &&
	    n == 1)
		return id;
	if (db_get_i64(db, &n,
	               "SELECT COUNT(*) FROM channels WHERE address = ? AND "
	               "org_id = ?",
	               "ti", s, org) != 1 ||
	    n != 1) {
		fprintf(stderr,
		        n > 1 ? "kanalvakt: several channels have the address "
		                "%s: use the id\n"
		              : "kanalvakt: no channel %s\n",
		        s);
		exit(1);
	}
	db_get_i64(db, &id,
	           "SELECT id FROM channels WHERE address = ? AND org_id = ?",
	           "ti", s, org);
	return id;
}

/* Reads all of FILE ("-": stdin) as text; malloc'd, NULL on error. */
static char *
read_text(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	struct buf b;
	char chunk[4096];
	size_t n;
	if (f == NULL)
		return NULL;
	buf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) != 0)
			break;
	if (f != stdin)
		fclose(f);
	return buf_detach(&b, NULL);
}

static int
cmd_channel_connect(int argc, char **argv)
{
	const char *config = opt(argc, argv, "--config");
	const char *credf = opt(argc, argv, "--cred-file");
	struct db *db;
	struct cred_key key;
	struct actor sys;
	struct verrs v = {0};
	char *cred;
	int reset = 0, rc;
	enum kv_rc krc;

	if (argc < 3 || argv[2][0] == '-' || credf == NULL) {
		fprintf(stderr, "usage: kanalvakt channel connect CHANNEL "
		                "[--config JSON] --cred-file FILE|- "
		                "[--reset-state]\n"
		                "(credentials never on the command line)\n");
		return 2;
	}
	for (int i = 3; i < argc; i++)
		reset |= strcmp(argv[i], "--reset-state") == 0;
	cred = read_text(credf);
	if (cred == NULL) {
		fprintf(stderr, "kanalvakt: cannot read %s: %s\n", credf,
		        strerror(errno));
		return 1;
	}
	db = open_ready_db();
	load_key(&key, 1);
	actor_system(&sys, need_org(db), "cli");
	krc =
	    sync_connect(db, &sys, find_channel(db, sys.org_id, argv[2]), &key,
	                 config ? config : "{}", cred, reset, time_now(), &v);
	cred_free(cred);
	cred_key_wipe(&key);
	rc = krc == KV_OK ? 0 : 1;
	if (krc == KV_INVALID)
		print_verrs(&v);
	else if (krc != KV_OK)
		fprintf(stderr, "kanalvakt: could not connect the channel\n");
	else
		printf("channel %s connected\n", argv[2]);
	db_close(db);
	return rc;
}

struct cli_sync {
	const char *platform;
};

/* Prints one captured item as a JSON line. */
static void
print_item(void *ud, const struct item *it, const struct capture_result *r)
{
	struct cli_sync *cs = ud;
	char ts[32];
	json_t *o = json_object();
	char *s;
	const char *author = it->author_handle ? it->author_handle
	                     : it->author_name ? it->author_name
	                                       : it->author_id;
	json_object_set_new(o, "platform", json_string(cs->platform));
	json_object_set_new(o, "item_id", json_string(it->id));
	json_object_set_new(o, "type", json_string(item_type_name(it->type)));
	json_object_set_new(o, "parent_id",
	                    it->parent_id ? json_string(it->parent_id)
	                                  : json_null());
	json_object_set_new(o, "author",
	                    author ? json_string(author) : json_null());
	json_object_set_new(o, "text", json_string(it->text ? it->text : ""));
	json_object_set_new(o, "created_at",
	                    it->created_at
	                        ? json_string(time_fmt_iso(it->created_at, ts))
	                        : json_null());
	json_object_set_new(o, "version", json_integer(r->version));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s != NULL) {
		puts(s);
		fflush(stdout);
	}
	free(s);
	json_decref(o);
}

static int
cmd_sync(int argc, char **argv)
{
	struct db *db;
	struct cred_key key;
	struct sync_options o;
	struct sync_report rep;
	struct cli_sync cs;
	char platform[32] = "?";
	int64_t org, id;
	int rc;
	struct db_stmt *st;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: kanalvakt sync CHANNEL "
		                "[--metrics|--no-metrics]\n");
		return 2;
	}
	db = open_ready_db();
	org = need_org(db);
	id = find_channel(db, org, argv[1]);
	load_key(&key, 0);
	st =
	    db_query(db, "SELECT platform FROM channels WHERE id = ?", "i", id);
	if (st != NULL && db_step(st) == DB_ROW)
		snprintf(platform, sizeof(platform), "%s", db_col_text(st, 0));
	db_finalize(st);
	memset(&o, 0, sizeof(o));
	o.metrics = -1;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--metrics") == 0)
			o.metrics = 1;
		else if (strcmp(argv[i], "--no-metrics") == 0)
			o.metrics = 0;
	}
	cs.platform = platform;
	o.on_captured = print_item;
	o.ud = &cs;
	rc = sync_channel(db, id, &key, time_now(), &o, &rep);
	cred_key_wipe(&key);
	db_close(db);
	fprintf(stderr,
	        "sync: channel %lld (%s): items %d new, %d edited, %d deleted "
	        "(%d seen); %d requests; status %s%s%s\n",
	        (long long)id, platform, rep.created, rep.edited, rep.deleted,
	        rep.seen, rep.requests, rep.status, rep.error[0] ? ": " : "",
	        rep.error);
	return rc == 0 && strcmp(rep.status, "ok") == 0 ? 0 : 1;
}

/* --- import ------------------------------------------------------------ */

struct cli_import {
	struct db *db;
	int64_t channel_id, now;
	int created, edited, seen, failed;
	int tty;      /* stderr is a terminal: one redrawn progress line */
	int last_pct; /* last percentage drawn */
	const char *phase;
};

static int
import_item(void *ud, const struct item *it)
{
	struct cli_import *ci = ud;
	struct capture_result r;
	int added = 0;
	if (capture_item(ci->db, ci->channel_id, it, 0, ci->now, &r) != 0) {
		ci->failed++;
		return -1;
	}
	/* imported comments enter the inbox as history when older than a
	 * week (inbox_intake), never as a flood of work */
	if (r.created && it->inbound &&
	    inbox_intake(ci->db, r.item_id, ci->now, &added) != KV_OK)
		ci->failed++;
	ci->seen++;
	ci->created += r.created;
	ci->edited += r.edited;
	return 0;
}

/* A progress bar on stderr: redrawn in place on a terminal, else a line
 * at every tenth. */
static void
import_progress(void *ud, const struct import_progress *p)
{
	struct cli_import *ci = ud;
	char bar[31];
	int pct, fill;
	if (strcmp(p->phase, "done") == 0) {
		if (ci->tty)
			fputc('\n', stderr);
		return;
	}
	if (ci->phase == NULL || strcmp(ci->phase, p->phase) != 0) {
		if (ci->tty && ci->phase != NULL)
			fputc('\n', stderr);
		ci->phase = p->phase;
		ci->last_pct = -1;
	}
	pct = p->total > 0 ? (int)(p->done * 100 / p->total) : 0;
	if (pct > 100)
		pct = 100;
	if (!ci->tty && (pct / 10 == ci->last_pct / 10 && ci->last_pct >= 0))
		return;
	if (ci->tty && pct == ci->last_pct && p->total > 0)
		return;
	ci->last_pct = pct;
	fill = pct * 30 / 100;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '-', (size_t)(30 - fill));
	bar[30] = 0;
	if (p->total > 0)
		fprintf(stderr, "%simport: %-5s [%s] %3d%% (%lld of %lld)%s",
		        ci->tty ? "\r" : "", p->phase, bar, pct,
		        (long long)p->done, (long long)p->total,
		        ci->tty ? "" : "\n");
	else
		fprintf(stderr, "%simport: %-5s %lld%s", ci->tty ? "\r" : "",
		        p->phase, (long long)p->done, ci->tty ? "" : "\n");
}

/* The platform an export format belongs to. */
static const char *
import_platform(const char *format)
{
	static const char *const map[][2] = {{"mastodon", "mastodon"},
	                                     {"x", "x"},
	                                     {"instagram", "instagram"},
	                                     {"facebook", "facebook_page"},
	                                     {"bluesky", "bluesky"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(format, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* kanalvakt import FORMAT FILE --channel CHANNEL: reads a platform's data
 * export and captures its items as the channel's, with progress on
 * stderr; audited with the file's SHA-256. */
static int
cmd_import(int argc, char **argv)
{
	struct cli_import ci;
	struct conn_ctx ctx;
	struct actor sys;
	struct db *db;
	struct db_stmt *st;
	const char *format, *path, *ch = opt(argc, argv, "--channel");
	const char *want;
	char platform[32] = "", sha[65] = "";
	enum conn_rc rc;
	int64_t org;
	json_t *after;

	if (argc < 3 || ch == NULL || argv[1][0] == '-' || argv[2][0] == '-') {
		fprintf(stderr, "usage: kanalvakt import "
		                "mastodon|x|instagram|facebook|bluesky FILE "
		                "--channel CHANNEL\n");
		return 2;
	}
	format = argv[1];
	path = argv[2];
	want = import_platform(format);
	if (want == NULL) {
		fprintf(stderr,
		        "kanalvakt: unknown export format %s (mastodon, x, "
		        "instagram, facebook, bluesky)\n",
		        format);
		return 2;
	}
	db = open_ready_db();
	org = need_org(db);
	memset(&ci, 0, sizeof(ci));
	ci.db = db;
	ci.channel_id = find_channel(db, org, ch);
	ci.now = time_now();
	ci.tty = isatty(2);
	st = db_query(db, "SELECT platform FROM channels WHERE id = ?", "i",
	              ci.channel_id);
	if (st != NULL && db_step(st) == DB_ROW)
		snprintf(platform, sizeof(platform), "%s", db_col_text(st, 0));
	db_finalize(st);
	if (strcmp(platform, want) != 0) {
		fprintf(stderr,
		        "kanalvakt: a %s export belongs to a %s channel; "
		        "channel %s is %s\n",
		        format, want, ch, platform);
		db_close(db);
		return 2;
	}
	conn_ctx_init(&ctx, connector_find(platform), NULL, NULL, NULL);
	ctx.ud = &ci;
	ctx.on_item = import_item;
	rc = import_run(&ctx, format, path, import_progress, &ci);
	{
		FILE *f = fopen(path, "rb");
		crypto_hash_sha256_state hs;
		unsigned char buf[65536], d[32];
		size_t n;
		if (f != NULL) {
			crypto_hash_sha256_init(&hs);
			while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
				crypto_hash_sha256_update(&hs, buf, n);
			fclose(f);
			crypto_hash_sha256_final(&hs, d);
			sodium_bin2hex(sha, sizeof(sha), d, sizeof(d));
		}
	}
	actor_system(&sys, org, "cli");
	after = json_pack("{s:s,s:s,s:s,s:i,s:i,s:i,s:s}", "format", format,
	                  "file", path, "sha256", sha, "items", ci.seen, "new",
	                  ci.created, "edited", ci.edited, "result",
	                  rc == CONN_OK ? "ok" : conn_rc_name(rc));
	if (db_begin(db) != 0 ||
	    audit_commit(db, &sys, "import", "channel", ci.channel_id, NULL,
	                 after) != KV_OK)
		fprintf(stderr, "kanalvakt: the import could not be audited\n");
	db_close(db);
	fprintf(stderr,
	        "import: %s into channel %lld (%s): items %d new, %d edited "
	        "(%d read); %s%s%s\n",
	        format, (long long)ci.channel_id, platform, ci.created,
	        ci.edited, ci.seen, rc == CONN_OK ? "ok" : conn_rc_name(rc),
	        rc == CONN_OK ? "" : ": ",
	        rc == CONN_OK ? "" : ctx.err.message);
	conn_ctx_cleanup(&ctx);
	return rc == CONN_OK ? 0 : 1;
}

static int
cmd_capture(int argc, char **argv)
{
	struct db *db;
	int64_t checked, bad;
	const char *why;
	char blob[65];
	int rc;
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		usage(stderr);
		return 2;
	}
	db = open_ready_db();
	rc = capture_verify(db, &checked, &bad, &why, blob);
	db_close(db);
	if (rc < 0) {
		fprintf(stderr, "kanalvakt: could not read the capture log\n");
		return 2;
	}
	if (rc > 0) {
		if (blob[0])
			printf("capture store BROKEN: blob %s: %s\n", blob,
			       why);
		else
			printf("capture log BROKEN at row %lld: %s\n",
			       (long long)bad, why);
		return 1;
	}
	printf("capture log intact: %lld rows and blobs verified\n",
	       (long long)checked);
	return 0;
}

static void
print_problem(void *ctx, const struct verify_problem *p)
{
	char line[1024];
	(void)ctx;
	verify_problem_line(p, line, sizeof(line));
	printf("BROKEN %s\n", line);
}

static void
print_progress(void *ctx, const char *stage, int64_t checked)
{
	(void)ctx;
	fprintf(stderr,
	        "kanalvakt: archive verify: %lld objects checked (%s)\n",
	        (long long)checked, stage);
}

static int
cmd_archive(int argc, char **argv)
{
	struct verify_report rep = {print_problem, print_progress, NULL};
	struct db *db;
	int64_t checked, problems;
	int rc;
	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		usage(stderr);
		return 2;
	}
	db_fail_status = 2;
	db = open_ready_db();
	rc = archive_verify(db, &rep, &checked, &problems);
	db_close(db);
	if (rc < 0) {
		fprintf(stderr,
		        "kanalvakt: archive verify: a database error after "
		        "%lld objects\n",
		        (long long)checked);
		return 2;
	}
	printf("archive %s: %lld objects checked, %lld problems\n",
	       rc ? "BROKEN" : "intact", (long long)checked,
	       (long long)problems);
	return rc ? 1 : 0;
}

static int
cmd_items(int argc, char **argv)
{
	struct db *db;
	struct arena ar;
	struct actor sys;
	struct capture_filter f;
	struct capture_row *rows;
	const char *ch = opt(argc, argv, "--channel");
	const char *lim = opt(argc, argv, "--limit");
	int64_t t;
	int n = 0, rc = 0;

	if (argc < 3 || strcmp(argv[1], "search") != 0) {
		fprintf(stderr, "usage: kanalvakt items search QUERY "
		                "[--channel CHANNEL] [--limit N]\n");
		return 2;
	}
	db = open_ready_db();
	arena_init(&ar);
	actor_system(&sys, need_org(db), "cli");
	memset(&f, 0, sizeof(f));
	f.limit = 50;
	if (ch != NULL)
		f.channel_id = find_channel(db, sys.org_id, ch);
	if (lim != NULL) {
		if (parse_i64(lim, &t) != 0 || t < 1 || t > 500) {
			fprintf(stderr, "kanalvakt: --limit wants 1-500\n");
			return 2;
		}
		f.limit = (int)t;
	}
	if (capture_search(db, &ar, &sys, argv[2], &f, &rows, &n) != KV_OK) {
		fprintf(stderr, "kanalvakt: search failed\n");
		rc = 1;
	}
	for (int i = 0; i < n; i++) {
		json_t *o = capture_row_json(&rows[i]);
		char *s;
		json_object_del(o, "text");
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
		json_decref(o);
	}
	arena_free(&ar);
	db_close(db);
	return rc;
}

/* --- exports (issue 6) ---------------------------------------------------- */

/* Progress of an export on stderr, at most once a second. */
static void
export_progress(void *ud, const char *phase, const struct warc_stats *s)
{
	int64_t *last = ud, now = time_now();
	if (now == *last)
		return;
	*last = now;
	fprintf(stderr, "export: %s: %lld records, %lld bytes\n", phase,
	        (long long)s->records, (long long)s->bytes);
}

/* A --from/--to date as the UTC midnight it starts (+ days); exits when
 * it is not YYYY-MM-DD. */
static int64_t
opt_day(const char *name, const char *s, int days)
{
	int y, m, d;
	if (date_parse(s, &y, &m, &d) != 0) {
		fprintf(stderr, "kanalvakt: %s wants YYYY-MM-DD\n", name);
		exit(2);
	}
	return (days_from_civil(y, (unsigned)m, (unsigned)d) + days) * 86400;
}

static int
cmd_export(int argc, char **argv)
{
	const char *out = opt(argc, argv, "--out");
	const char *ch = opt(argc, argv, "--channel");
	const char *from = opt(argc, argv, "--from");
	const char *to = opt(argc, argv, "--to");
	struct warc_filter f;
	struct warc_stats st;
	struct db *db;
	char err[1024];
	int64_t last = time_now();
	int rc;

	if (argc < 2 || strcmp(argv[1], "warc") != 0 || out == NULL) {
		fprintf(stderr, "usage: kanalvakt export warc --out FILE "
		                "[--channel CHANNEL] [--from YYYY-MM-DD "
		                "--to YYYY-MM-DD]\n");
		return 2;
	}
	memset(&f, 0, sizeof(f));
	if (from)
		f.from = opt_day("--from", from, 0);
	if (to) /* the whole day of --to */
		f.to = opt_day("--to", to, 1);
	if (f.from && f.to && f.from >= f.to) {
		fprintf(stderr, "kanalvakt: --from is after --to\n");
		return 2;
	}
	db = open_ready_db();
	if (ch != NULL)
		f.channel_id = find_channel(db, need_org(db), ch);
	rc = warc_export(db, out, &f, time_now(), export_progress, &last, &st,
	                 err, sizeof(err));
	db_close(db);
	if (rc != 0) {
		fprintf(stderr, "kanalvakt: export warc: %s; nothing written\n",
		        err);
		return 1;
	}
	fprintf(stderr,
	        "export warc: %s: %lld exchanges, %lld records, %lld bytes, "
	        "checked\n",
	        out, (long long)st.exchanges, (long long)st.records,
	        (long long)st.bytes);
	return 0;
}

static int
cmd_serve(int argc, char **argv)
{
	struct app app;
	char err[512];
	const char *listen = opt(argc, argv, "--listen");
	const char *threads = opt(argc, argv, "--threads");
	const char *tick = opt(argc, argv, "--tick");
	struct db *db;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t t = 0;
	/* notifications (issue 3): the scheduler thread and its mail */
	struct scheduler sched;
	struct mailer_cfg mail;
	int have_mail = mail_config(argc, argv, &mail);

	if (have_mail < 0 || base_url_config(argc, argv) != 0)
		return 2;
	memset(&sched, 0, sizeof(sched));
	sched.tick = 60;
	if (tick != NULL) {
		if (parse_i64(tick, &t) != 0 || t < 1 || t > 86400) {
			fprintf(stderr, "kanalvakt: --tick wants 1-86400 "
			                "seconds\n");
			return 2;
		}
		sched.tick = (int)t;
	}
	db = open_ready_db();

	memset(&app, 0, sizeof(app));
	app.db_url = db_url;
	app.public_org = org_first_id(db);
	db_close(db);
	app.threads = ncpu > 0 ? (int)ncpu : 2;
	if (threads != NULL) {
		if (parse_i64(threads, &t) != 0 || t < 1 || t > 256) {
			fprintf(stderr, "kanalvakt: --threads wants 1-256\n");
			return 2;
		}
		app.threads = (int)t;
	}
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--cookie-secure") == 0)
			app.cookie_secure = 1;
	app.pool = db_pool_new(db_url, app.threads + 1, err, sizeof(err));
	if (app.pool == NULL) {
		fprintf(stderr, "kanalvakt: %s\n", err);
		return 1;
	}
	i18n_init();
	app.key_path =
	    cred_key_path(key_file, db_url, app_key_path, sizeof(app_key_path));
	app.meta_app_secret = getenv("KANALVAKT_META_APP_SECRET");
	app.meta_verify_token = getenv("KANALVAKT_META_VERIFY_TOKEN");
	app.base_url = app_base_url;
	app.registry_dir = opt(argc, argv, "--registry-dir");
	if (app.registry_dir == NULL)
		app.registry_dir = getenv("KANALVAKT_REGISTRY_DIR");
	if (app.registry_dir != NULL && app.registry_dir[0] != '\0' &&
	    access(app.registry_dir, W_OK) != 0) {
		fprintf(stderr,
		        "kanalvakt: --registry-dir %s is not a writable "
		        "directory\n",
		        app.registry_dir);
		db_pool_free(app.pool);
		return 2;
	}
	sched.db_url = db_url;
	sched.mail = have_mail == 0 ? &mail : NULL;
	/* connected channels are polled with the key file once it exists */
	sched.key_path =
	    cred_key_path(key_file, db_url, key_path, sizeof(key_path));
	if (scheduler_start(&sched) != 0) {
		db_pool_free(app.pool);
		return 1;
	}
	server_run(&app, listen ? listen : "127.0.0.1:8080");
	scheduler_stop(&sched);
	db_pool_free(app.pool);
	return 0;
}

/* A time as ISO 8601 UTC, or JSON null when unknown; new reference. */
static json_t *
json_time(int64_t t)
{
	char iso[32];
	return t ? json_string(time_fmt_iso(t, iso)) : json_null();
}

/* kanalvakt feed check URL|FILE: fetch (http/https) or read the file,
 * parse, print every entry as one JSON line, a summary on stderr. */
static int
cmd_feed(int argc, char **argv)
{
	struct feed f;
	struct fetch_resp rs;
	char err[512];
	const char *src, *ct = NULL, *base = NULL;
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (argc != 3 || strcmp(argv[1], "check") != 0) {
		usage(stderr);
		return 2;
	}
	src = argv[2];
	memset(&rs, 0, sizeof(rs));
	if (str_starts(src, "http://") || str_starts(src, "https://")) {
		struct fetch_req rq;
		memset(&rq, 0, sizeof(rq));
		rq.url = src;
		rq.follow = 1;
		rq.max_body = FEED_MAX_BODY;
		rq.headers[0] = "Accept: application/atom+xml, "
		                "application/rss+xml, application/feed+json, "
		                "application/xml;q=0.9, */*;q=0.8";
		fetch_global_init();
		if (fetch_do(&rq, &rs) != 0) {
			fprintf(stderr, "feed check: %s: %s\n", src, rs.errmsg);
			fetch_resp_free(&rs);
			return 1;
		}
		if (rs.status != 200) {
			fprintf(stderr, "feed check: %s: HTTP %ld\n", src,
			        rs.status);
			fetch_resp_free(&rs);
			return 1;
		}
		ct = fetch_header(&rs, "Content-Type");
		base = rs.effective_url ? rs.effective_url : src;
		data = rs.body;
		len = rs.len;
	} else {
		FILE *fp = fopen(src, "rb");
		struct buf b;
		char tmp[65536];
		size_t n;
		if (fp == NULL) {
			fprintf(stderr, "feed check: %s: %s\n", src,
			        strerror(errno));
			return 1;
		}
		buf_init(&b, FEED_MAX_BODY);
		while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
			if (buf_add(&b, tmp, n) != 0)
				break;
		fclose(fp);
		if (b.overflow) {
			fprintf(stderr,
			        "feed check: %s: larger than %u bytes\n", src,
			        FEED_MAX_BODY);
			buf_cleanup(&b);
			return 1;
		}
		data = buf_detach(&b, &len);
	}
	rc = feed_parse(data ? data : "", len, ct, base, &f, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "feed check: %s: %s\n", src, err);
	} else {
		for (int i = 0; i < f.nentries; i++) {
			const struct feed_entry *e = &f.entries[i];
			json_t *o = json_object();
			char *line;
			const char *sum =
			    e->summary ? e->summary : e->content_text;
			json_object_set_new(o, "id", json_string(e->id));
			json_object_set_new(o, "title",
			                    e->title ? json_string(e->title)
			                             : json_null());
			json_object_set_new(o, "link",
			                    e->link ? json_string(e->link)
			                            : json_null());
			json_object_set_new(o, "published",
			                    json_time(e->published));
			json_object_set_new(o, "updated",
			                    json_time(e->updated));
			json_object_set_new(o, "author",
			                    e->nauthors
			                        ? json_string(e->authors[0])
			                        : json_null());
			json_object_set_new(
			    o, "summary", sum ? json_string(sum) : json_null());
			line =
			    json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
			if (line)
				puts(line);
			free(line);
			json_decref(o);
		}
		fprintf(stderr, "feed check: %d entries, type %s\n", f.nentries,
		        feed_type_name(f.type));
		feed_free(&f);
	}
	if (data == rs.body)
		fetch_resp_free(&rs);
	else
		free(data);
	return rc == 0 ? 0 : 1;
}

/* --- kanalvakt triage ----------------------------------------------------- */

#define TRIAGE_LINE_MAX (1024 * 1024) /* bytes of one input line */

/* Reads one line of f (without its newline) into b, capped at
 * TRIAGE_LINE_MAX: the rest of a longer line is read and dropped, and
 * *toolong set.  0, or -1 at the end of input with nothing read. */
static int
triage_read_line(FILE *f, struct buf *b, int *toolong)
{
	char chunk[65536];
	int got = 0;
	buf_reset(b);
	b->overflow = 0;
	*toolong = 0;
	while (fgets(chunk, sizeof(chunk), f) != NULL) {
		size_t n = strlen(chunk);
		int end = n > 0 && chunk[n - 1] == '\n';
		got = 1;
		if (end)
			n--;
		if (!*toolong && buf_add(b, chunk, n) != 0)
			*toolong = 1;
		if (end)
			break;
	}
	return got ? 0 : -1;
}

/* Reads the rules of --rules FILE: a JSON array of objects {cls, ground?,
 * lang?, kind: "keyword"|"pattern", pattern, weight, enabled?, note?},
 * each checked as an administrator's rule.  Appends them to *rules (*n);
 * the strings stay in the returned JSON (caller decrefs).  NULL on error,
 * said on stderr. */
static json_t *
triage_load_rules(const char *path, struct triage_rule **rules, int *n)
{
	json_error_t je;
	json_t *a = json_load_file(path, 0, &je), *o;
	size_t i;
	if (a == NULL || !json_is_array(a)) {
		fprintf(stderr, "triage: %s: %s\n", path,
		        a ? "not a JSON array of rules" : je.text);
		json_decref(a);
		return NULL;
	}
	*rules = xrealloc(*rules, sizeof(**rules) *
	                              ((size_t)*n + json_array_size(a) + 1));
	json_array_foreach(a, i, o)
	{
		struct triage_rule *r = &(*rules)[*n];
		const char *kind =
		    json_string_value(json_object_get(o, "kind"));
		const char *g = json_string_value(json_object_get(o, "ground"));
		const char *field = NULL;
		json_t *en = json_object_get(o, "enabled");
		char err[256];
		memset(r, 0, sizeof(*r));
		r->id = -(int64_t)(i + 1); /* -1, -2, …: the file's rules */
		r->cls = triage_class_parse(
		    json_string_value(json_object_get(o, "cls")));
		r->ground = g ? abuse_ground_parse(g) : AG_NONE;
		r->lang = json_string_value(json_object_get(o, "lang"));
		r->kind = kind && strcmp(kind, "pattern") == 0 ? RULE_PATTERN
		          : kind && strcmp(kind, "keyword") == 0
		              ? RULE_KEYWORD
		              : (enum triage_rule_kind) - 1;
		r->pattern = json_string_value(json_object_get(o, "pattern"));
		r->weight = json_number_value(json_object_get(o, "weight"));
		r->enabled = en == NULL || json_is_true(en);
		r->note = json_string_value(json_object_get(o, "note"));
		if (triage_rule_check(r, &field, err, sizeof(err)) != 0) {
			fprintf(stderr, "triage: %s: rule %zu: %s %s\n", path,
			        i + 1, field, err);
			json_decref(a);
			return NULL;
		}
		(*n)++;
	}
	return a;
}

/* Appends the triage rules of the database's (first) organisation to
 * *rules (*n; the engine keeps the enabled ones), their strings in ar,
 * when a database is configured and reachable with a current schema;
 * otherwise says why on stderr and adds nothing (the built-in rules still
 * work). */
static void
triage_db_rules(struct arena *ar, struct triage_rule **rules, int *n)
{
	char err[512];
	struct db *db;
	struct actor sys;
	struct triage_rule *got = NULL;
	int64_t org = 0;
	int ngot = 0, v;

	if (db_url == NULL)
		return;
	if ((db = db_open(db_url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "triage: no database rules: %s\n", err);
		return;
	}
	v = db_schema_version(db);
	if (v < 0 || v < db_schema_latest(db) ||
	    (org = org_first_id(db)) <= 0) {
		fprintf(stderr, "triage: no database rules: %s\n",
		        v < 0 ? db_errmsg(db)
		        : v < db_schema_latest(db)
		            ? "the schema is not current (kanalvakt migrate)"
		            : "no organisation");
		db_close(db);
		return;
	}
	actor_system(&sys, org, "cli");
	if (triage_rule_list(db, ar, &sys, &got, &ngot) != KV_OK) {
		fprintf(stderr, "triage: no database rules: %s\n",
		        db_errmsg(db));
		ngot = 0;
	}
	if (ngot > 0) {
		*rules =
		    xrealloc(*rules, sizeof(**rules) * (size_t)(*n + ngot));
		memcpy(*rules + *n, got, sizeof(**rules) * (size_t)ngot);
		*n += ngot;
	}
	db_close(db);
}

/* Writes {"error": why, "line": n} as one line. */
static void
triage_bad_line(const char *why, long n)
{
	json_t *o = json_object();
	char *line;
	json_object_set_new(o, "error", json_string(why));
	json_object_set_new(o, "line", json_integer(n));
	line = json_dumps(o, JSON_COMPACT);
	if (line)
		puts(line);
	free(line);
	json_decref(o);
}

/* kanalvakt triage [--lang L] [--rules FILE] [--no-model]: JSON lines
 * in, one JSON line out per input line (flushed at once), a bad line
 * answered with an error line; exit 1 when any line was bad.  Rules: the
 * built-in set, the organisation's enabled rules when a database is
 * configured, and the file's; the shipped model unless --no-model (see
 * docs/TRIAGE.md "kanalvakt triage"). */
static int
cmd_triage(int argc, char **argv)
{
	const char *deflang = NULL, *rules_file = NULL;
	struct triage_rule *rules = NULL;
	const struct triage_rule *builtin;
	struct triage_engine *e;
	struct buf line;
	struct arena ar;
	json_t *file_rules = NULL;
	long lineno = 0;
	int nrules = 0, nbuiltin, bad = 0, toolong, no_model = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc &&
		    lang_parse(argv[i + 1]) >= 0) {
			deflang = argv[++i];
		} else if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc) {
			rules_file = argv[++i];
		} else if (strcmp(argv[i], "--no-model") == 0) {
			no_model = 1;
		} else {
			fprintf(stderr, "usage: kanalvakt triage [--lang "
			                "nb|nn|sv|da|en] [--rules FILE] "
			                "[--no-model]\n");
			return 2;
		}
	}
	builtin = triage_default_rules(&nbuiltin);
	rules = xmalloc(sizeof(*rules) * (size_t)nbuiltin);
	memcpy(rules, builtin, sizeof(*rules) * (size_t)nbuiltin);
	nrules = nbuiltin;
	arena_init(&ar);
	triage_db_rules(&ar, &rules, &nrules);
	if (rules_file != NULL && (file_rules = triage_load_rules(
	                               rules_file, &rules, &nrules)) == NULL) {
		free(rules);
		arena_free(&ar);
		return 2;
	}
	/* --no-model: an untrained model votes nothing, the rules decide */
	e = triage_engine_new(rules, nrules,
	                      no_model ? cls_new(triage_model_nclasses) : NULL);
	free(rules);
	arena_free(&ar);
	json_decref(file_rules); /* the engine keeps copies */
	if (e == NULL) {
		fprintf(stderr, "triage: out of memory\n");
		return 1;
	}
	buf_init(&line, TRIAGE_LINE_MAX);
	while (triage_read_line(stdin, &line, &toolong) == 0) {
		struct triage_result r;
		json_error_t je;
		json_t *in, *text, *lang, *out;
		char *s;
		lineno++;
		if (toolong) {
			triage_bad_line("line longer than 1 MiB", lineno);
			bad = 1;
			continue;
		}
		if (line.len == 0 ||
		    strspn(buf_str(&line), " \t\r") == line.len)
			continue; /* blank lines are not input */
		in = json_loadb(buf_str(&line), line.len, 0, &je);
		text = json_object_get(in, "text");
		lang = json_object_get(in, "lang");
		if (in == NULL || !json_is_object(in) ||
		    !json_is_string(text) ||
		    (lang != NULL && !json_is_null(lang) &&
		     !json_is_string(lang))) {
			triage_bad_line(in == NULL ? "not JSON"
			                : !json_is_object(in)
			                    ? "not a JSON object"
			                : !json_is_string(text)
			                    ? "text: a string is required"
			                    : "lang: must be a string or null",
			                lineno);
			json_decref(in);
			bad = 1;
			continue;
		}
		triage_run(e, json_string_value(text), json_string_length(text),
		           json_is_string(lang) ? json_string_value(lang)
		                                : deflang,
		           &r);
		out = triage_result_json(&r);
		s = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(6));
		if (s)
			puts(s);
		fflush(stdout);
		free(s);
		json_decref(out);
		json_decref(in);
	}
	buf_cleanup(&line);
	triage_engine_free(e);
	return bad ? 1 : 0;
}

static int
cmd_routes(void)
{
	for (size_t i = 0; i < nroutes; i++)
		printf("%-7s %-32s %-24s%s%s%s%s\n",
		       method_name(routes[i].method), routes[i].pattern,
		       routes[i].name,
		       routes[i].flags & R_PUBLIC ? " public" : "",
		       routes[i].flags & R_LOGIN ? " login" : "",
		       routes[i].flags & R_CSRF ? " csrf" : "",
		       routes[i].flags & R_API ? " api" : "");
	return 0;
}

int
main(int argc, char **argv)
{
	int i = 1;
	const char *cmd;

	crypto_setup();
	mailer_global_init(); /* libcurl, before any thread */
	fetch_global_init();
	atexit(mailer_global_cleanup);
	db_url = getenv("KANALVAKT_DB");
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db_url = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "--key-file") == 0 && i + 1 < argc) {
			key_file = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "-h") == 0 ||
		           strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("kanalvakt %s\n", KV_VERSION);
			return 0;
		} else {
			fprintf(stderr, "kanalvakt: unknown option %s\n",
			        argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[i];
	argc -= i;
	argv += i;
	if (strcmp(cmd, "version") == 0) {
		printf("kanalvakt %s\n", KV_VERSION);
		return 0;
	}
	if (strcmp(cmd, "routes") == 0)
		return cmd_routes();
	/* needs neither a database nor a server */
	if (strcmp(cmd, "feed") == 0)
		return cmd_feed(argc, argv);
	if (strcmp(cmd, "triage") == 0)
		return cmd_triage(argc, argv);
	/* needs an SMTP server, not the database */
	if (strcmp(cmd, "mail") == 0 && argc > 1 &&
	    strcmp(argv[1], "test") == 0)
		return cmd_mail_test(argc, argv);
	if (db_url == NULL) {
		fprintf(stderr,
		        "kanalvakt: no database: use --db URL or set "
		        "KANALVAKT_DB (e.g. sqlite:var/kanalvakt.db)\n");
		return 2;
	}
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate();
	if (strcmp(cmd, "demo") == 0)
		return cmd_demo(argc, argv);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc, argv);
	if (strcmp(cmd, "user") == 0)
		return cmd_user(argc, argv);
	if (strcmp(cmd, "token") == 0)
		return cmd_token(argc, argv);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(argc, argv);
	if (strcmp(cmd, "unit") == 0 && argc > 1 &&
	    strcmp(argv[1], "list") == 0)
		return cmd_list("unit");
	if (strcmp(cmd, "channel") == 0 && argc > 1 &&
	    strcmp(argv[1], "list") == 0)
		return cmd_list("channel");
	if (strcmp(cmd, "channel") == 0 && argc > 1 &&
	    strcmp(argv[1], "connect") == 0)
		return cmd_channel_connect(argc, argv);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc, argv);
	if (strcmp(cmd, "sync") == 0)
		return cmd_sync(argc, argv);
	if (strcmp(cmd, "capture") == 0)
		return cmd_capture(argc, argv);
	if (strcmp(cmd, "archive") == 0)
		return cmd_archive(argc, argv);
	if (strcmp(cmd, "items") == 0)
		return cmd_items(argc, argv);
	if (strcmp(cmd, "export") == 0)
		return cmd_export(argc, argv);
	if (strcmp(cmd, "notify") == 0)
		return cmd_notify(argc, argv);
	if (strcmp(cmd, "mail") == 0)
		return cmd_mail(argc, argv);
	fprintf(stderr, "kanalvakt: unknown command %s\n", cmd);
	usage(stderr);
	return 2;
}
