/*
 * test_warc.c - unit tests of the WARC export and its checking reader
 * (src/archive/warc.c): exchanges stored with capture_exchange come out as
 * request + response records (a metadata record when no response came),
 * parsed back here independently of the reader (framing by
 * Content-Length, block digests recomputed, payload = the stored body,
 * tokens redacted, framing fields kept as X-Archive-Orig-…); a .gz export
 * is one gzip member per record; filters by channel and date; an empty
 * export is warcinfo only; the reader rejects a flipped byte, a cut
 * file, a wrong Content-Length and a response without its request; a
 * changed blob fails the export and leaves no file.
 * SQLite, and PostgreSQL when KV_TEST_PG_URL is set.
 */
#define T_DB
#include "t.h"

#include "../../src/archive/capture.h"
#include "../../src/archive/warc.h"
#include "../../src/base/util.h"

#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define T0  1785000000 /* 2026-07-25T17:20:00Z */
#define DAY 86400

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
	T_EQ_INT(db_exec(db,
	                 "INSERT INTO orgs (id, name, slug, country, timezone, "
	                 "default_lang, created_at) VALUES (1, 'Meldal', "
	                 "'meldal', 'NO', 'Europe/Oslo', 'nb', 0);"
	                 "INSERT INTO units (id, org_id, name, kind, "
	                 "created_at, updated_at) VALUES (1, 1, 'Kultur', "
	                 "'unit', 0, 0);"
	                 "INSERT INTO channels (id, org_id, unit_id, platform, "
	                 "name, address, status, created_at, updated_at) "
	                 "VALUES (1, 1, 1, 'mastodon', 'M', '@m@s.example', "
	                 "'active', 0, 0), (2, 1, 1, 'blog', 'B', "
	                 "'https://b.example/', 'active', 0, 0)"),
	         0);
	return db;
}

static int64_t
exchange(struct db *db, int64_t channel, int64_t at, const char *req_line,
         const char *req_headers, long status, const char *resp_headers,
         const char *body)
{
	struct fetch_resp rs;
	int64_t id = 0;
	memset(&rs, 0, sizeof(rs));
	rs.status = status;
	rs.body = (char *)(uintptr_t)body;
	rs.len = strlen(body);
	rs.req_line = (char *)(uintptr_t)req_line;
	rs.req_headers = (char *)(uintptr_t)req_headers;
	rs.resp_headers = (char *)(uintptr_t)resp_headers;
	rs.started_at = at;
	if (status == 0) {
		rs.err = FETCH_E_NETWORK;
		snprintf(rs.errmsg, sizeof(rs.errmsg), "connection refused");
	}
	T_EQ_INT(capture_exchange(db, channel, &rs, NULL, at, &id), 0);
	return id;
}

static const char BODY1[] = "{\"access_token\":\"AT-secret-77\",\"id\":1}";
static const char BODY2[] = "[{\"id\":\"2\",\"content\":\"h\xc3\xa6i\"}]";

static void
fill(struct db *db)
{
	exchange(db, 1, T0, "GET https://s.example/api/v1/a?x=1#f",
	         "Authorization: Bearer [secret]\r\nAccept: */*\r\n", 200,
	         "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	         "Content-Length: 9999\r\n\r\n",
	         BODY1);
	exchange(db, 1, T0 + 2 * DAY, "GET https://s.example/api/v1/b",
	         "Host: s.example\r\n", 200,
	         "HTTP/2 200\r\ncontent-encoding: gzip\r\ntransfer-encoding: "
	         "chunked\r\ncontent-type: application/json\r\n\r\n",
	         BODY2);
	exchange(db, 2, T0, "GET https://b.example/feed", "", 0, "", "");
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long k;
	*n = 0;
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	k = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)k + 1);
	if (p && fread(p, 1, (size_t)k, f) != (size_t)k) {
		free(p);
		p = NULL;
	}
	fclose(f);
	if (p) {
		p[k] = '\0';
		*n = (size_t)k;
	}
	return p;
}

static void
spit(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	T_ASSERT(f != NULL && fwrite(p, 1, n, f) == n);
	if (f)
		fclose(f);
}

/* The value of field name in the head [h, end), copied into out. */
static int
field(const char *h, const char *end, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	for (const char *p = h; p < end;) {
		const char *e = strstr(p, "\r\n");
		if (e == NULL || e > end)
			break;
		if ((size_t)(e - p) > nl + 2 && strncmp(p, name, nl) == 0 &&
		    p[nl] == ':') {
			snprintf(out, cap, "%.*s", (int)(e - p - nl - 2),
			         p + nl + 2);
			return 1;
		}
		p = e + 2;
	}
	return 0;
}

struct parsed {
	int n, bad_digest, requests, responses, metadata, warcinfo;
	char types[16][16];
};

/* Splits a plain WARC here (not with the reader under test): each
 * record's Content-Length frames its block, whose SHA-256 must be the
 * WARC-Block-Digest.  The blocks of type want are appended to blocks. */
static void
parse(const char *p, size_t n, struct parsed *r, const char *want, char *blocks,
      size_t cap)
{
	size_t off = 0, bl = 0;
	memset(r, 0, sizeof(*r));
	if (blocks)
		blocks[0] = '\0';
	while (off < n) {
		const char *h = p + off, *end = strstr(h, "\r\n\r\n");
		char v[128], type[16], hex[65], dig[80];
		long len;
		if (!T_ASSERT(end != NULL &&
		              strncmp(h, "WARC/1.1\r\n", 10) == 0))
			return;
		end += 2;
		T_ASSERT(field(h, end, "Content-Length", v, sizeof(v)));
		len = atol(v);
		T_ASSERT(field(h, end, "WARC-Type", type, sizeof(type)));
		T_ASSERT(field(h, end, "WARC-Record-ID", v, sizeof(v)) &&
		         strlen(v) == 47);
		T_ASSERT(field(h, end, "WARC-Date", v, sizeof(v)));
		if (r->n < 16)
			snprintf(r->types[r->n], 16, "%s", type);
		r->n++;
		r->requests += strcmp(type, "request") == 0;
		r->responses += strcmp(type, "response") == 0;
		r->metadata += strcmp(type, "metadata") == 0;
		r->warcinfo += strcmp(type, "warcinfo") == 0;
		sha256_hex(end + 2, (size_t)len, hex);
		snprintf(v, sizeof(v), "sha256:%s", hex);
		if (!field(h, end, "WARC-Block-Digest", dig, sizeof(dig)) ||
		    strcmp(dig, v) != 0)
			r->bad_digest++;
		if (blocks && strcmp(type, want) == 0 &&
		    bl + (size_t)len + 2 < cap) {
			memcpy(blocks + bl, end + 2, (size_t)len);
			bl += (size_t)len;
			memcpy(blocks + bl, "\n", 2);
			bl++;
		}
		off = (size_t)(end + 2 - p) + (size_t)len;
		if (!T_ASSERT(off + 4 <= n &&
		              memcmp(p + off, "\r\n\r\n", 4) == 0))
			return;
		off += 4;
	}
}

static const char *
path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", t_dir, name);
	return buf;
}

static void
export_read(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct warc_filter f = {0, 0, 0};
	struct warc_stats st, ck;
	struct parsed r;
	char path[300], err[512], *p, blocks[8192], hex[65], want[128];
	size_t n;
	if (db == NULL)
		return;
	fill(db);
	path_in(path, sizeof(path), "all.warc");
	unlink(path);
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    0);
	T_EQ_INT(st.exchanges, 3);
	T_EQ_INT(st.records, 7);
	T_ASSERT(warc_check_file(path, &ck, err, sizeof(err)) == 0);
	T_EQ_INT(ck.records, 7);
	p = slurp(path, &n);
	if (!T_ASSERT(p != NULL))
		goto out;
	T_EQ_INT((long long)n, st.bytes);
	parse(p, n, &r, "request", blocks, sizeof(blocks));
	T_EQ_INT(r.n, 7);
	T_EQ_INT(r.bad_digest, 0);
	T_EQ_STR(r.types[0], "warcinfo");
	T_EQ_INT(r.requests, 3);
	T_EQ_INT(r.responses, 2);
	T_EQ_INT(r.metadata, 1);
	/* the request line and Host rebuilt, the fragment dropped */
	T_ASSERT(strstr(blocks, "GET /api/v1/a?x=1 HTTP/1.1\r\nHost: "
	                        "s.example\r\nAuthorization: Bearer "
	                        "[secret]\r\nAccept: */*\r\n\r\n") != NULL);
	T_ASSERT(strstr(blocks, "GET /api/v1/b HTTP/2\r\nHost: "
	                        "s.example\r\n\r\n") != NULL);
	T_ASSERT(strstr(blocks, "GET /feed HTTP/1.1\r\n") != NULL);
	parse(p, n, &r, "response", blocks, sizeof(blocks));
	/* framing fields kept aside, the stored body's length given */
	T_ASSERT(strstr(blocks, "HTTP/1.1 200 OK\r\nContent-Type: "
	                        "application/json\r\nX-Archive-Orig-Content-"
	                        "Length: 9999\r\nContent-Length: ") != NULL);
	T_ASSERT(strstr(blocks, "X-Archive-Orig-content-encoding: gzip\r\n"
	                        "X-Archive-Orig-transfer-encoding: chunked"
	                        "\r\n") != NULL);
	T_ASSERT(strstr(blocks, "[secret]") != NULL);
	T_ASSERT(strstr(p, "AT-secret-77") == NULL);
	T_ASSERT(strstr(blocks, BODY2) != NULL);
	/* payload digest of the second response = SHA-256 of the body */
	sha256_hex(BODY2, strlen(BODY2), hex);
	snprintf(want, sizeof(want), "WARC-Payload-Digest: sha256:%s", hex);
	T_ASSERT(strstr(p, want) != NULL);
	T_ASSERT(strstr(p, "WARC-Target-URI: https://s.example/api/v1/a?x=1#f"
	                   "\r\n") != NULL);
	T_ASSERT(strstr(p, "WARC-Date: 2026-07-25T17:20:00Z\r\n") != NULL);
	T_ASSERT(strstr(p, "fetch-error: network: connection refused") != NULL);
	free(p);
	/* an existing FILE.tmp is not overwritten: the export stops */
	path_in(path, sizeof(path), "busy.warc.tmp");
	spit(path, "x", 1);
	path_in(path, sizeof(path), "busy.warc");
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    -1);
	T_ASSERT(access(path, F_OK) != 0);
out:
	t_db_done(db);
}
T_TEST(export_read_sqlite)
{
	export_read(DB_SQLITE);
}
T_TEST(export_read_pg)
{
	export_read(DB_PG);
}

/* Counts the gzip members of a file. */
static int
gz_members(const char *p, size_t n, size_t *out_len)
{
	z_stream z;
	unsigned char o[4096];
	int members = 0;
	memset(&z, 0, sizeof(z));
	*out_len = 0;
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	while (z.avail_in > 0) {
		int zr;
		z.next_out = o;
		z.avail_out = sizeof(o);
		zr = inflate(&z, Z_NO_FLUSH);
		*out_len += sizeof(o) - z.avail_out;
		if (zr == Z_STREAM_END) {
			members++;
			inflateReset(&z);
		} else if (zr != Z_OK) {
			members = -1;
			break;
		}
	}
	inflateEnd(&z);
	return members;
}

static void
gzip_and_filters(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct warc_filter f = {0, 0, 0};
	struct warc_stats st, ck;
	struct parsed r;
	char path[300], err[512], *p;
	size_t n, plain;
	if (db == NULL)
		return;
	fill(db);
	path_in(path, sizeof(path), "all.warc.gz");
	unlink(path);
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    0);
	T_EQ_INT(st.records, 7);
	T_ASSERT(warc_check_file(path, &ck, err, sizeof(err)) == 0);
	T_EQ_INT(ck.records, 7);
	p = slurp(path, &n);
	if (T_ASSERT(p != NULL && n > 2)) {
		T_ASSERT((unsigned char)p[0] == 0x1f &&
		         (unsigned char)p[1] == 0x8b);
		T_EQ_INT(gz_members(p, n, &plain), 7);
		T_EQ_INT((long long)plain, ck.bytes);
	}
	free(p);

	/* by channel */
	f.channel_id = 2;
	path_in(path, sizeof(path), "ch2.warc");
	unlink(path);
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    0);
	T_EQ_INT(st.exchanges, 1);
	p = slurp(path, &n);
	parse(p, n, &r, "", NULL, 0);
	T_EQ_INT(r.n, 3);
	T_EQ_INT(r.metadata, 1);
	free(p);
	/* by date: [T0 + 1 day, open) */
	f.channel_id = 0;
	f.from = T0 + DAY;
	path_in(path, sizeof(path), "late.warc");
	unlink(path);
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    0);
	T_EQ_INT(st.exchanges, 1);
	p = slurp(path, &n);
	T_ASSERT(p && strstr(p, "api/v1/b") && !strstr(p, "api/v1/a"));
	T_ASSERT(p && strstr(p, "kanalvakt-from: 2026-07-26\r\n"));
	free(p);
	/* [.., T0 + 1 day) */
	f.from = 0;
	f.to = T0 + DAY;
	path_in(path, sizeof(path), "early.warc");
	unlink(path);
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    0);
	T_EQ_INT(st.exchanges, 2);
	/* nothing matches: warcinfo only */
	f.from = T0 + 10 * DAY;
	f.to = 0;
	path_in(path, sizeof(path), "empty.warc");
	unlink(path);
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    0);
	T_EQ_INT(st.records, 1);
	p = slurp(path, &n);
	parse(p, n, &r, "", NULL, 0);
	T_EQ_INT(r.n, 1);
	T_EQ_INT(r.warcinfo, 1);
	T_EQ_INT(r.bad_digest, 0);
	free(p);
	t_db_done(db);
}
T_TEST(gzip_and_filters_sqlite)
{
	gzip_and_filters(DB_SQLITE);
}
T_TEST(gzip_and_filters_pg)
{
	gzip_and_filters(DB_PG);
}

/* Changes the file at path with f, and says whether the reader rejects
 * it with a message containing want. */
static void
corrupt(const char *good, size_t n, const char *what, size_t at,
        const char *with, size_t cut, const char *want)
{
	char path[300], err[512];
	struct warc_stats st;
	char *p = malloc(n + 1);
	const char *hit = strstr(good, what);
	memcpy(p, good, n + 1);
	if (!T_ASSERT(hit != NULL)) {
		free(p);
		return;
	}
	memcpy(p + (hit - good) + at, with, strlen(with));
	path_in(path, sizeof(path), "bad.warc");
	spit(path, p, cut ? cut : n);
	err[0] = '\0';
	T_EQ_INT(warc_check_file(path, &st, err, sizeof(err)), -1);
	if (!T_ASSERT(strstr(err, want) != NULL))
		T_NOTE("%s: got \"%s\"", want, err);
	free(p);
}

T_TEST(reader_rejects)
{
	struct db *db = setup(DB_SQLITE);
	struct warc_filter f = {0, 0, 0};
	struct warc_stats st;
	char path[300], err[512], *p;
	size_t n;
	if (db == NULL)
		return;
	fill(db);
	path_in(path, sizeof(path), "good.warc");
	unlink(path);
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    0);
	p = slurp(path, &n);
	if (!T_ASSERT(p != NULL))
		goto out;
	/* one byte of a body */
	corrupt(p, n, "\"id\":1}", 1, "I", 0, "Block-Digest");
	/* the file cut inside a record */
	corrupt(p, n, "WARC/1.1", 0, "W", n - 50, "shorter than");
	/* a Content-Length changed */
	{
		const char *cl = strstr(strstr(p, "WARC-Type: response"),
		                        "Content-Length: ");
		size_t off = (size_t)(cl - p) + 16;
		char *q = malloc(n + 1);
		memcpy(q, p, n + 1);
		q[off] = q[off] == '9' ? '1' : (char)(q[off] + 1);
		path_in(path, sizeof(path), "bad.warc");
		spit(path, q, n);
		T_EQ_INT(warc_check_file(path, &st, err, sizeof(err)), -1);
		free(q);
	}
	/* a response that does not name the request before it */
	corrupt(p, n, "WARC-Type: request", 11, "respons", 0, "concurrent");
	/* not a WARC at all, an empty file */
	path_in(path, sizeof(path), "bad.warc");
	spit(path, "hello\r\n", 7);
	T_EQ_INT(warc_check_file(path, &st, err, sizeof(err)), -1);
	T_ASSERT(strstr(err, "version line") != NULL);
	spit(path, "", 0);
	T_EQ_INT(warc_check_file(path, &st, err, sizeof(err)), -1);
	T_ASSERT(strstr(err, "empty") != NULL);
	/* a truncated gzip */
	path_in(path, sizeof(path), "good.warc.gz");
	unlink(path);
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    0);
	free(p);
	p = slurp(path, &n);
	path_in(path, sizeof(path), "bad.warc.gz");
	spit(path, p, n - 9);
	T_EQ_INT(warc_check_file(path, &st, err, sizeof(err)), -1);
	free(p);
out:
	t_db_done(db);
}

/* A body changed in the store after capture: the export fails and
 * leaves neither the file nor its temporary. */
static void
nothing_left(enum db_kind kind)
{
	struct db *db = setup(kind);
	struct warc_filter f = {0, 0, 0};
	struct warc_stats st;
	char path[300], tmp[300], err[512];
	if (db == NULL)
		return;
	fill(db);
	T_EQ_INT(db_run(db,
	                "UPDATE blobs SET bytes = ? WHERE sha256 = (SELECT "
	                "body_sha256 FROM exchanges WHERE channel_id = 1 "
	                "ORDER BY id DESC LIMIT 1)",
	                "b", "X", (size_t)1),
	         0);
	path_in(path, sizeof(path), "fail.warc.gz");
	path_in(tmp, sizeof(tmp), "fail.warc.gz.tmp");
	unlink(path);
	err[0] = '\0';
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    -1);
	T_ASSERT(strstr(err, "does not match its hash") != NULL);
	T_ASSERT(access(path, F_OK) != 0);
	T_ASSERT(access(tmp, F_OK) != 0);
	/* a directory that is not there */
	path_in(path, sizeof(path), "no/such/dir.warc");
	T_EQ_INT(
	    warc_export(db, path, &f, T0, NULL, NULL, &st, err, sizeof(err)),
	    -1);
	t_db_done(db);
}
T_TEST(nothing_left_sqlite)
{
	nothing_left(DB_SQLITE);
}
T_TEST(nothing_left_pg)
{
	nothing_left(DB_PG);
}

static void
cleanup_files(void)
{
	static const char *const names[] = {
	    "all.warc",  "all.warc.gz",  "busy.warc.tmp", "ch2.warc",
	    "late.warc", "early.warc",   "empty.warc",    "good.warc",
	    "bad.warc",  "good.warc.gz", "bad.warc.gz"};
	char path[300];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(path_in(path, sizeof(path), names[i]));
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(export_read_sqlite),      T_ENTRY(export_read_pg),
	    T_ENTRY(gzip_and_filters_sqlite), T_ENTRY(gzip_and_filters_pg),
	    T_ENTRY(reader_rejects),          T_ENTRY(nothing_left_sqlite),
	    T_ENTRY(nothing_left_pg),
	};
	int rc;
	crypto_setup();
	t_db_done(t_db_fresh(DB_SQLITE)); /* makes t_dir for the files */
	rc = T_RUN(tests, argc, argv);
	if (t_dir[0])
		cleanup_files();
	t_db_cleanup();
	return rc;
}
