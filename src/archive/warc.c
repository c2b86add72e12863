/*
 * warc.c - the WARC 1.1 export of raw captures and its checking reader
 * (see warc.h and docs/EXPORTS.md "WARC").
 *
 * Writer: exchanges are read in pages of PAGE rows by id (so neither
 * backend holds more than a page), each body is fetched alone, and every
 * record is written as soon as its digests are known: the WARC header is
 * the only thing built in memory besides the one body.  With gzip each
 * record is its own member (deflate with a gzip wrapper, reset per
 * record).
 *
 * The stored response headers are the final response's status line and
 * header block as received (src/connect/fetch.c); the stored body is what
 * libcurl delivered: decoded from any Content-Encoding and chunking, and
 * with tokens redacted (capture_exchange).  So Content-Length,
 * Content-Encoding and Transfer-Encoding of the original are kept as
 * X-Archive-Orig-… fields and a Content-Length of the stored body is
 * added: a WARC reader then reads the payload as it is.  The stored
 * request headers lack the request line and Host, which libcurl made:
 * both are rebuilt from the stored "METHOD URL".
 *
 * Reader: a small buffered byte source, lines up to LINE_MAX_LEN bytes,
 * blocks streamed through SHA-256 in pieces.
 */
#define ZLIB_CONST
#include "warc.h"

#include "../base/buf.h"
#include "../base/log.h"
#include "../base/util.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

enum { PAGE = 200, HEAD_MAX = 1 << 20, LINE_MAX_LEN = 32768 };

/* --- output: plain or one gzip member per record ------------------------ */

struct wout {
	FILE *f;
	int gz, zinit, failed;
	z_stream z;
	int64_t bytes;
	unsigned char zbuf[16384];
};

static int
wout_raw(struct wout *o, const void *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, o->f) != n)
		o->failed = 1;
	o->bytes += (int64_t)n;
	return o->failed ? -1 : 0;
}

/* Runs deflate with flush until it wants more input (or ends). */
static int
wout_deflate(struct wout *o, int flush)
{
	int zr;
	do {
		o->z.next_out = o->zbuf;
		o->z.avail_out = sizeof(o->zbuf);
		zr = deflate(&o->z, flush);
		if (zr == Z_STREAM_ERROR)
			return o->failed = 1, -1;
		if (wout_raw(o, o->zbuf, sizeof(o->zbuf) - o->z.avail_out) != 0)
			return -1;
	} while (o->z.avail_out == 0 ||
	         (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

static int
wout_put(struct wout *o, const void *p, size_t n)
{
	const unsigned char *s = p;
	if (!o->gz)
		return wout_raw(o, p, n);
	while (n > 0) {
		uInt step = n > (1u << 30) ? (1u << 30) : (uInt)n;
		o->z.next_in = s;
		o->z.avail_in = step;
		if (wout_deflate(o, Z_NO_FLUSH) != 0)
			return -1;
		s += step;
		n -= step;
	}
	return 0;
}

/* Ends a record: closes its gzip member. */
static int
wout_end_record(struct wout *o)
{
	if (!o->gz)
		return o->failed ? -1 : 0;
	o->z.next_in = NULL;
	o->z.avail_in = 0;
	if (wout_deflate(o, Z_FINISH) != 0 || deflateReset(&o->z) != Z_OK)
		return o->failed = 1, -1;
	return 0;
}

/* --- records ----------------------------------------------------------- */

struct part {
	const void *p;
	size_t n;
};

static void
digest_text(const unsigned char d[32], char out[72])
{
	static const char hx[] = "0123456789abcdef";
	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++) {
		out[7 + 2 * i] = hx[d[i] >> 4];
		out[8 + 2 * i] = hx[d[i] & 15];
	}
	out[71] = '\0';
}

/* A new "<urn:uuid:…>" (version 4) in out[48]. */
static void
record_id(char out[48])
{
	unsigned char u[16];
	randombytes_buf(u, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0F) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3F) | 0x80);
	snprintf(out, 48,
	         "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	         "%02x%02x%02x%02x%02x%02x>",
	         u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
	         u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Writes one record: head holds "WARC/1.1" and the named fields so far
 * (each ending CRLF); the digests (payload from parts[payload_from] on,
 * none when payload_from < 0) and Content-Length are added here.  The
 * payload's digest is left in payload (may be NULL).  0 or -1. */
static int
put_record(struct wout *o, struct buf *head, const struct part *parts,
           int nparts, int payload_from, char payload[72])
{
	crypto_hash_sha256_state bs, ps;
	unsigned char d[32];
	char txt[72];
	size_t len = 0;

	crypto_hash_sha256_init(&bs);
	crypto_hash_sha256_init(&ps);
	for (int i = 0; i < nparts; i++) {
		crypto_hash_sha256_update(&bs, parts[i].p, parts[i].n);
		if (payload_from >= 0 && i >= payload_from)
			crypto_hash_sha256_update(&ps, parts[i].p, parts[i].n);
		len += parts[i].n;
	}
	crypto_hash_sha256_final(&bs, d);
	digest_text(d, txt);
	buf_printf(head, "WARC-Block-Digest: %s\r\n", txt);
	if (payload_from >= 0) {
		crypto_hash_sha256_final(&ps, d);
		digest_text(d, txt);
		buf_printf(head, "WARC-Payload-Digest: %s\r\n", txt);
		if (payload)
			memcpy(payload, txt, 72);
	}
	buf_printf(head, "Content-Length: %zu\r\n\r\n", len);
	if (head->overflow)
		return -1;
	if (wout_put(o, head->p, head->len) != 0)
		return -1;
	for (int i = 0; i < nparts; i++)
		if (wout_put(o, parts[i].p, parts[i].n) != 0)
			return -1;
	if (wout_put(o, "\r\n\r\n", 4) != 0)
		return -1;
	return wout_end_record(o);
}

/* Starts a record's head: version line, type, id, date, target. */
static void
head_start(struct buf *h, const char *type, const char *id, int64_t at,
           const char *target)
{
	char date[32];
	buf_reset(h);
	buf_printf(h,
	           "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\n"
	           "WARC-Date: %s\r\n",
	           type, id, time_fmt_iso(at, date));
	if (target)
		buf_printf(h, "WARC-Target-URI: %s\r\n", target);
}

/* Appends the lines of a stored header block to b, each ending CRLF,
 * skipping empty ones; with response set, the first line is the status
 * line and the framing fields become X-Archive-Orig-… (see the file
 * comment).  *has_host set when a Host field is there. */
static void
add_headers(struct buf *b, const char *s, int response, int *has_host)
{
	int first = 1;
	*has_host = 0;
	while (*s) {
		size_t n = strcspn(s, "\n"), k = n;
		if (k > 0 && s[k - 1] == '\r')
			k--;
		if (k > 0) {
			size_t name = strcspn(s, ":");
			int orig = 0;
			if (name < k && !(response && first)) {
				char nm[32];
				size_t c = name < sizeof(nm) ? name : 0;
				memcpy(nm, s, c);
				nm[c] = '\0';
				orig = response &&
				       (str_eq_nocase(nm, "content-length") ||
				        str_eq_nocase(nm, "content-encoding") ||
				        str_eq_nocase(nm, "transfer-encoding"));
				if (str_eq_nocase(nm, "host"))
					*has_host = 1;
			}
			if (orig)
				buf_adds(b, "X-Archive-Orig-");
			buf_add(b, s, k);
			buf_adds(b, "\r\n");
			first = 0;
		}
		s += n;
		if (*s == '\n')
			s++;
	}
}

/* Splits "METHOD URL" into method (out) and URL (returned, in s). */
static const char *
split_request(const char *s, char method[24])
{
	size_t n = strcspn(s, " ");
	if (n == 0 || n >= 24 || s[n] != ' ') {
		snprintf(method, 24, "GET");
		return s;
	}
	memcpy(method, s, n);
	method[n] = '\0';
	return s + n + 1;
}

/* The request line and Host rebuilt from url into b. */
static void
request_line(struct buf *b, const char *method, const char *url,
             const char *proto, int with_host)
{
	const char *host = strstr(url, "://"), *path, *at;
	size_t hn;
	host = host ? host + 3 : url;
	hn = strcspn(host, "/?#");
	path = host + hn;
	at = memchr(host, '@', hn);
	if (at) {
		hn -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	buf_printf(b, "%s %s%.*s %s\r\n", method, *path == '/' ? "" : "/",
	           (int)strcspn(path, "#"), path, proto);
	if (with_host)
		buf_printf(b, "Host: %.*s\r\n", (int)hn, host);
}

struct xrow {
	int64_t id, at, status, duration_ms;
	const char *method_url, *req_headers, *resp_headers, *body_sha256;
	const char *error;
};

/* Writes the records of one exchange.  0, or -1 with err set. */
static int
put_exchange(struct db *db, struct wout *o, struct buf *head, struct buf *http,
             const struct xrow *x, char *err, size_t errlen)
{
	char req_id[48], resp_id[48], method[24], proto[16], pd[72];
	const char *url = split_request(x->method_url, method);
	struct part parts[2];
	struct db_stmt *st = NULL;
	const void *body = NULL;
	size_t blen = 0, pn;
	int has_host, rc = -1;

	record_id(req_id);
	record_id(resp_id);
	/* the protocol of the response's status line, e.g. "HTTP/2" */
	pn = strcspn(x->resp_headers, " \r\n");
	if (pn == 0 || pn >= sizeof(proto) ||
	    strncmp(x->resp_headers, "HTTP/", 5) != 0)
		snprintf(proto, sizeof(proto), "HTTP/1.1");
	else
		snprintf(proto, sizeof(proto), "%.*s", (int)pn,
		         x->resp_headers);

	/* the stored fields go after the request line: find Host first */
	buf_reset(http);
	add_headers(http, x->req_headers, 0, &has_host);
	buf_reset(http);
	request_line(http, method, url, proto, !has_host);
	add_headers(http, x->req_headers, 0, &has_host);
	buf_adds(http, "\r\n");
	head_start(head, "request", req_id, x->at, url);
	buf_printf(head,
	           "Content-Type: application/http;msgtype=request\r\n"
	           "WARC-Concurrent-To: %s\r\n",
	           resp_id);
	parts[0].p = http->p;
	parts[0].n = http->len;
	if (http->overflow || put_record(o, head, parts, 1, 1, NULL) != 0) {
		snprintf(err, errlen, "exchange %lld: could not write",
		         (long long)x->id);
		return -1;
	}

	if (x->status <= 0) {
		/* no response came: the error instead */
		buf_reset(http);
		buf_printf(http, "fetch-error: %s\r\nduration-ms: %lld\r\n",
		           x->error[0] ? x->error : "no response",
		           (long long)x->duration_ms);
		head_start(head, "metadata", resp_id, x->at, url);
		buf_printf(head,
		           "Content-Type: application/warc-fields\r\n"
		           "WARC-Concurrent-To: %s\r\n",
		           req_id);
		parts[0].p = http->p;
		parts[0].n = http->len;
		if (put_record(o, head, parts, 1, -1, NULL) != 0) {
			snprintf(err, errlen, "exchange %lld: could not write",
			         (long long)x->id);
			return -1;
		}
		return 0;
	}

	if (x->body_sha256) {
		st = db_query(db, "SELECT bytes FROM blobs WHERE sha256 = ?",
		              "t", x->body_sha256);
		if (st == NULL || db_step(st) != DB_ROW) {
			snprintf(err, errlen, "exchange %lld: body %s missing",
			         (long long)x->id, x->body_sha256);
			goto out;
		}
		body = db_col_blob(st, 0, &blen);
		if (body == NULL)
			body = "";
	}
	buf_reset(http);
	if (strncmp(x->resp_headers, "HTTP/", 5) != 0)
		buf_printf(http, "HTTP/1.1 %lld\r\n", (long long)x->status);
	add_headers(http, x->resp_headers, 1, &has_host);
	buf_printf(http, "Content-Length: %zu\r\n\r\n", blen);
	head_start(head, "response", resp_id, x->at, url);
	buf_printf(head,
	           "Content-Type: application/http;msgtype=response\r\n"
	           "WARC-Concurrent-To: %s\r\n",
	           req_id);
	parts[0].p = http->p;
	parts[0].n = http->len;
	parts[1].p = body ? body : "";
	parts[1].n = blen;
	if (http->overflow || put_record(o, head, parts, 2, 1, pd) != 0) {
		snprintf(err, errlen, "exchange %lld: could not write",
		         (long long)x->id);
		goto out;
	}
	/* the stored body must still be what was captured */
	if (x->body_sha256 && strcmp(pd + 7, x->body_sha256) != 0) {
		snprintf(err, errlen,
		         "exchange %lld: body %s does not match its hash (run "
		         "`kanalvakt capture verify`)",
		         (long long)x->id, x->body_sha256);
		goto out;
	}
	rc = 0;
out:
	db_finalize(st);
	return rc;
}

static int
put_warcinfo(struct wout *o, struct buf *head, const char *name,
             const struct warc_filter *f, int64_t now)
{
	struct buf b;
	struct part part;
	char id[48], d1[16], d2[16];
	const char *base = strrchr(name, '/');
	int rc;

	record_id(id);
	buf_init(&b, 4096);
	buf_printf(&b,
	           "software: kanalvakt\r\n"
	           "format: WARC File Format 1.1\r\n"
	           "conformsTo: http://iipc.github.io/warc-specifications/"
	           "specifications/warc-format/warc-1.1/\r\n"
	           "description: HTTP exchanges of kanalvakt's connectors as "
	           "captured; secrets redacted, bodies as decoded\r\n");
	if (f->channel_id)
		buf_printf(&b, "kanalvakt-channel: %lld\r\n",
		           (long long)f->channel_id);
	if (f->from)
		buf_printf(&b, "kanalvakt-from: %s\r\n",
		           time_fmt_date(f->from, d1));
	if (f->to)
		buf_printf(&b, "kanalvakt-before: %s\r\n",
		           time_fmt_date(f->to, d2));
	head_start(head, "warcinfo", id, now, NULL);
	buf_printf(head,
	           "WARC-Filename: %s\r\n"
	           "Content-Type: application/warc-fields\r\n",
	           base ? base + 1 : name);
	part.p = b.p;
	part.n = b.len;
	rc = put_record(o, head, &part, 1, -1, NULL);
	buf_cleanup(&b);
	return rc;
}

/* Writes every matching exchange to o.  0, or -1 with err set. */
static int
write_all(struct db *db, struct wout *o, const char *name,
          const struct warc_filter *f, int64_t now, warc_progress_fn progress,
          void *ud, struct warc_stats *st, char *err, size_t errlen)
{
	struct buf head, http;
	int64_t last = 0;
	int rc = -1, more = 1;

	buf_init(&head, HEAD_MAX);
	buf_init(&http, HEAD_MAX);
	if (put_warcinfo(o, &head, name, f, now) != 0) {
		snprintf(err, errlen, "could not write the warcinfo record");
		goto out;
	}
	st->records = 1;
	while (more) {
		struct db_stmt *q = db_query(
		    db,
		    "SELECT id, at, method_url, req_headers, status, "
		    "resp_headers, body_sha256, duration_ms, error FROM "
		    "exchanges WHERE id > ? AND (? = 0 OR channel_id = ?) AND "
		    "(? = 0 OR at >= ?) AND (? = 0 OR at < ?) ORDER BY id "
		    "LIMIT ?",
		    "iiiiiiii", last, f->channel_id, f->channel_id, f->from,
		    f->from, f->to, f->to, (int64_t)PAGE);
		int n = 0, r;
		if (q == NULL) {
			snprintf(err, errlen, "database: %s", db_errmsg(db));
			goto out;
		}
		while ((r = db_step(q)) == DB_ROW) {
			struct xrow x;
			x.id = db_col_i64(q, 0);
			x.at = db_col_i64(q, 1);
			x.method_url = db_col_text(q, 2);
			x.req_headers = db_col_text(q, 3);
			x.status = db_col_i64(q, 4);
			x.resp_headers = db_col_text(q, 5);
			x.body_sha256 = db_col_text(q, 6);
			x.duration_ms = db_col_i64(q, 7);
			x.error = db_col_text(q, 8);
			last = x.id;
			n++;
			if (put_exchange(db, o, &head, &http, &x, err,
			                 errlen) != 0) {
				db_finalize(q);
				goto out;
			}
			st->exchanges++;
			st->records += 2;
			st->bytes = o->bytes;
			if (progress)
				progress(ud, "write", st);
		}
		db_finalize(q);
		if (r < 0) {
			snprintf(err, errlen, "database: %s", db_errmsg(db));
			goto out;
		}
		more = n == PAGE;
	}
	rc = 0;
out:
	buf_cleanup(&head);
	buf_cleanup(&http);
	return rc;
}

/* --- reader ------------------------------------------------------------ */

struct rin {
	warc_read_fn rd;
	void *ud;
	unsigned char b[65536];
	size_t pos, len;
	int eof, failed;
	int64_t total;
};

/* Refills when empty; 1 when a byte is there, 0 at the end, -1 error. */
static int
rin_fill(struct rin *r)
{
	long n;
	if (r->pos < r->len)
		return 1;
	if (r->eof)
		return 0;
	n = r->rd(r->ud, r->b, sizeof(r->b));
	if (n < 0)
		return r->failed = 1, -1;
	if (n == 0)
		return r->eof = 1, 0;
	r->pos = 0;
	r->len = (size_t)n;
	return 1;
}

/* Reads a line ending LF into line (CR LF / LF cut off, NUL-terminated).
 * Returns its length, -1 at the end before any byte, -2 on a read error,
 * -3 when longer than LINE_MAX_LEN or ending without LF. */
static long
rin_line(struct rin *r, char *line)
{
	size_t n = 0;
	int got = 0;
	for (;;) {
		int f = rin_fill(r);
		unsigned char c;
		if (f < 0)
			return -2;
		if (f == 0)
			return got ? -3 : -1;
		c = r->b[r->pos++];
		r->total++;
		got = 1;
		if (c == '\n')
			break;
		if (n >= LINE_MAX_LEN)
			return -3;
		line[n++] = (char)c;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return (long)n;
}

struct rec {
	char type[32], id[128], date[64], ctype[128], conc[128];
	char block[80], payload[80];
	int has_target, has_len;
	uint64_t len;
};

static void
copy_field(char *dst, size_t cap, const char *v, int *toolong)
{
	size_t n = strlen(v);
	if (n >= cap) {
		*toolong = 1;
		return;
	}
	memcpy(dst, v, n + 1);
}

static int
uuid_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n != 47 || strncmp(s, "<urn:uuid:", 10) != 0 || s[46] != '>')
		return 0;
	for (size_t i = 10; i < 46; i++) {
		int dash = i == 18 || i == 23 || i == 28 || i == 33;
		if (dash ? s[i] != '-'
		         : !((s[i] >= '0' && s[i] <= '9') ||
		             (s[i] >= 'a' && s[i] <= 'f') ||
		             (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	}
	return 1;
}

/* 1 when text (a field value, may be "") is the digest d. */
static int
digest_ok(const char *text, const unsigned char d[32])
{
	char mine[72];
	digest_text(d, mine);
	return str_eq_nocase(text, mine);
}

#define FAIL(...)                                                              \
	do {                                                                   \
		int k_ = snprintf(                                             \
		    err, errlen, "record %lld: ", (long long)st->records + 1); \
		if (k_ > 0 && (size_t)k_ < errlen)                             \
			snprintf(err + k_, errlen - (size_t)k_, __VA_ARGS__);  \
		goto out;                                                      \
	} while (0)

static int
check(struct rin *r, warc_progress_fn progress, void *ud, struct warc_stats *st,
      char *err, size_t errlen)
{
	char *line = malloc(LINE_MAX_LEN + 1);
	char prev_type[32] = "", prev_id[128] = "";
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (line == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		struct rec rec;
		crypto_hash_sha256_state bs, ps;
		unsigned char d[32];
		uint64_t left;
		int http, hstate = 0, toolong = 0;
		long n = rin_line(r, line);

		if (n == -1)
			break; /* the end, between records */
		if (n == -2)
			FAIL("read error");
		if (n < 0 || (strcmp(line, "WARC/1.1") != 0 &&
		              strcmp(line, "WARC/1.0") != 0))
			FAIL("no WARC/1.1 version line");
		memset(&rec, 0, sizeof(rec));
		while ((n = rin_line(r, line)) > 0) {
			char *colon = strchr(line, ':'), *v;
			if (line[0] == ' ' || line[0] == '\t')
				continue; /* a folded value: not one we check */
			if (colon == NULL || colon == line)
				FAIL("a header line without a name");
			*colon = '\0';
			v = str_trim(colon + 1);
			if (str_eq_nocase(line, "WARC-Type"))
				copy_field(rec.type, sizeof(rec.type), v,
				           &toolong);
			else if (str_eq_nocase(line, "WARC-Record-ID"))
				copy_field(rec.id, sizeof(rec.id), v, &toolong);
			else if (str_eq_nocase(line, "WARC-Date"))
				copy_field(rec.date, sizeof(rec.date), v,
				           &toolong);
			else if (str_eq_nocase(line, "Content-Type"))
				copy_field(rec.ctype, sizeof(rec.ctype), v,
				           &toolong);
			else if (str_eq_nocase(line, "WARC-Concurrent-To") &&
			         rec.conc[0] == '\0')
				copy_field(rec.conc, sizeof(rec.conc), v,
				           &toolong);
			else if (str_eq_nocase(line, "WARC-Block-Digest"))
				copy_field(rec.block, sizeof(rec.block), v,
				           &toolong);
			else if (str_eq_nocase(line, "WARC-Payload-Digest"))
				copy_field(rec.payload, sizeof(rec.payload), v,
				           &toolong);
			else if (str_eq_nocase(line, "WARC-Target-URI"))
				rec.has_target = v[0] != '\0';
			else if (str_eq_nocase(line, "Content-Length")) {
				int64_t cl;
				if (parse_i64(v, &cl) != 0 || cl < 0)
					FAIL("Content-Length is not a count");
				rec.len = (uint64_t)cl;
				rec.has_len = 1;
			}
			if (toolong)
				FAIL("field %s too long", line);
		}
		if (n != 0)
			FAIL("the header ends early");
		if (!rec.type[0] || !rec.id[0] || !rec.date[0] || !rec.has_len)
			FAIL("WARC-Type, WARC-Record-ID, WARC-Date or "
			     "Content-Length missing");
		if (!uuid_id_ok(rec.id))
			FAIL("WARC-Record-ID is not <urn:uuid:…>");
		if (st->records == 0 && strcmp(rec.type, "warcinfo") != 0)
			FAIL("the first record is not warcinfo");
		http = strcmp(rec.type, "request") == 0 ||
		       strcmp(rec.type, "response") == 0;
		if (http) {
			const char *want = rec.type[2] == 'q'
			                       ? "msgtype=request"
			                       : "msgtype=response";
			if (!rec.has_target)
				FAIL("%s without WARC-Target-URI", rec.type);
			if (strncmp(rec.ctype, "application/http", 16) != 0 ||
			    strstr(rec.ctype, want) == NULL)
				FAIL("%s with Content-Type %s", rec.type,
				     rec.ctype);
			if (!rec.block[0] || !rec.payload[0])
				FAIL("%s without digests", rec.type);
		}
		if (strcmp(rec.type, "response") == 0 &&
		    (strcmp(prev_type, "request") != 0 ||
		     strcmp(rec.conc, prev_id) != 0))
			FAIL("response not concurrent to the request before "
			     "it");

		/* the block: Content-Length bytes, hashed as they pass */
		crypto_hash_sha256_init(&bs);
		crypto_hash_sha256_init(&ps);
		for (left = rec.len; left > 0;) {
			size_t take;
			int f = rin_fill(r);
			if (f <= 0)
				FAIL(f < 0 ? "read error"
				           : "the block is shorter than "
				             "Content-Length");
			take = r->len - r->pos;
			if (take > left)
				take = (size_t)left;
			crypto_hash_sha256_update(&bs, r->b + r->pos, take);
			if (http) {
				/* the payload starts after CR LF CR LF */
				size_t i = 0;
				static const char end[] = "\r\n\r\n";
				while (hstate < 4 && i < take) {
					unsigned char c = r->b[r->pos + i++];
					hstate = c == (unsigned char)end[hstate]
					             ? hstate + 1
					             : (c == '\r' ? 1 : 0);
				}
				if (hstate == 4)
					crypto_hash_sha256_update(
					    &ps, r->b + r->pos + i, take - i);
			}
			r->pos += take;
			r->total += (int64_t)take;
			left -= take;
		}
		for (int i = 0; i < 4; i++) {
			int f = rin_fill(r);
			if (f <= 0 ||
			    r->b[r->pos] != (unsigned char)"\r\n\r\n"[i])
				FAIL("no CR LF CR LF after the block (Content-"
				     "Length wrong?)");
			r->pos++;
			r->total++;
		}
		crypto_hash_sha256_final(&bs, d);
		if (rec.block[0] && !digest_ok(rec.block, d))
			FAIL("WARC-Block-Digest does not match the block");
		crypto_hash_sha256_final(&ps, d);
		if (http && hstate != 4)
			FAIL("%s block without the end of its HTTP header",
			     rec.type);
		if (http && !digest_ok(rec.payload, d))
			FAIL("WARC-Payload-Digest does not match the payload");
		memcpy(prev_type, rec.type, sizeof(prev_type));
		memcpy(prev_id, rec.id, sizeof(prev_id));
		st->records++;
		st->bytes = r->total;
		if (progress)
			progress(ud, "check", st);
	}
	if (st->records == 0)
		FAIL("empty: no warcinfo record");
	rc = 0;
out:
	free(line);
	return rc;
}

int
warc_check(warc_read_fn rd, void *ud, struct warc_stats *st, char *err,
           size_t errlen)
{
	struct rin *r = calloc(1, sizeof(*r));
	int rc;
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->rd = rd;
	r->ud = ud;
	rc = check(r, NULL, NULL, st, err, errlen);
	free(r);
	return rc;
}

static long
gz_read(void *ud, void *p, size_t n)
{
	gzFile g = ud;
	int k = gzread(g, p, (unsigned)(n > 65536 ? 65536 : n)), zerr;
	if (k == 0) {
		gzerror(g, &zerr);
		if (zerr != Z_OK)
			return -1; /* e.g. a truncated member */
	}
	return k;
}

static int
check_file(const char *path, warc_progress_fn progress, void *ud,
           struct warc_stats *st, char *err, size_t errlen)
{
	struct rin *r;
	gzFile g = gzopen(path, "rb");
	int rc;
	memset(st, 0, sizeof(*st));
	if (g == NULL) {
		snprintf(err, errlen, "cannot open %s", path);
		return -1;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		gzclose(g);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->rd = gz_read;
	r->ud = g;
	rc = check(r, progress, ud, st, err, errlen);
	free(r);
	if (gzclose(g) != Z_OK && rc == 0) {
		snprintf(err, errlen, "cannot read %s to its end", path);
		rc = -1;
	}
	return rc;
}

int
warc_check_file(const char *path, struct warc_stats *st, char *err,
                size_t errlen)
{
	return check_file(path, NULL, NULL, st, err, errlen);
}

/* --- the export -------------------------------------------------------- */

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

int
warc_export(struct db *db, const char *path, const struct warc_filter *f,
            int64_t now, warc_progress_fn progress, void *ud,
            struct warc_stats *st, char *err, size_t errlen)
{
	struct wout *o;
	struct warc_stats chk;
	char *tmp;
	size_t tn = strlen(path) + 5;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	err[0] = '\0';
	tmp = malloc(tn);
	o = calloc(1, sizeof(*o));
	if (tmp == NULL || o == NULL) {
		free(tmp);
		free(o);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(tmp, tn, "%s.tmp", path);
	o->gz = ends_with(path, ".gz");
	o->f = fopen(tmp, "wbx");
	if (o->f == NULL) {
		snprintf(err, errlen, "cannot create %s: %s", tmp,
		         strerror(errno));
		goto done;
	}
	if (o->gz) {
		if (deflateInit2(&o->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
		                 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			snprintf(err, errlen, "zlib: cannot start");
			goto fail;
		}
		o->zinit = 1;
	}
	if (write_all(db, o, path, f, now, progress, ud, st, err, errlen) != 0)
		goto fail;
	if (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0 || o->failed) {
		snprintf(err, errlen, "cannot write %s", tmp);
		goto fail;
	}
	if (fclose(o->f) != 0) {
		o->f = NULL;
		snprintf(err, errlen, "cannot write %s", tmp);
		goto fail;
	}
	o->f = NULL;
	if (check_file(tmp, progress, ud, &chk, err, errlen) != 0)
		goto fail;
	if (chk.records != st->records) {
		snprintf(err, errlen, "%lld records written, %lld read back",
		         (long long)st->records, (long long)chk.records);
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s", tmp, path);
		goto fail;
	}
	rc = 0;
	goto done;
fail:
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	unlink(tmp);
done:
	if (o->zinit)
		deflateEnd(&o->z);
	free(o);
	free(tmp);
	return rc;
}
