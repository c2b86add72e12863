/*
 * import.c - what the export readers share (import.h): dispatch by format,
 * reading an export (a .zip or .tar.gz through libarchive, or a bare file)
 * into loaded members and SHA-256s of media, progress reports, Meta's
 * mojibake, and small JSON helpers.
 *
 * An archive is read once, in order: members a reader wants loaded (JSON,
 * JS) are kept in memory up to IMPORT_MAX_MEMBER each; members it wants
 * hashed (media) are streamed through SHA-256 and only the hex kept; the
 * rest is skipped.  Names with ".." components or a leading "/" fail the
 * import: nothing is ever written to disk, but such an archive is not an
 * export.  A bare file is one loaded member; its media are looked up beside
 * it (its directory), with the same refusal of climbing names.
 */
#include "import.h"
#include "../base/buf.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const import_formats[] = {"mastodon", "x",       "instagram",
                                      "facebook", "bluesky", NULL};

/* --- progress and emit ------------------------------------------------- */

void
imp_progress(struct imp *im, const char *phase, int64_t done, int64_t total)
{
	struct import_progress p;
	int64_t step;
	if (im->span_total > 0 && strcmp(phase, "items") == 0) {
		done = im->span_base +
		       (total > 0 ? (int64_t)((double)done / (double)total *
		                              (double)im->span_len)
		                  : 0);
		total = im->span_total;
	}
	step = total / 100;
	if (step > 1000)
		step = 1000;
	if (step < 1)
		step = 1;
	if (im->phase != NULL && strcmp(im->phase, phase) == 0 &&
	    done != total && done - im->last < step)
		return;
	if (im->phase != NULL && strcmp(im->phase, phase) == 0 &&
	    done == im->last && done == total)
		return; /* already said */
	im->phase = phase;
	im->last = done;
	if (im->progress == NULL)
		return;
	p.done = done;
	p.total = total;
	p.phase = phase;
	im->progress(im->pud, &p);
}

enum conn_rc
imp_emit(struct imp *im, const struct item *it)
{
	if (conn_emit(im->ctx, it) != 0)
		return conn_fail(im->ctx, CONN_E_PLATFORM, "stopped",
		                 "the import was stopped at item %s",
		                 it->id ? it->id : "?");
	return CONN_OK;
}

/* --- small helpers ----------------------------------------------------- */

const char *
imp_base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

const char *
imp_mime(const char *name)
{
	static const struct {
		const char *ext;
		const char *mime;
	} tab[] = {{"jpg", "image/jpeg"},  {"jpeg", "image/jpeg"},
	           {"png", "image/png"},   {"gif", "image/gif"},
	           {"webp", "image/webp"}, {"heic", "image/heic"},
	           {"mp4", "video/mp4"},   {"mov", "video/quicktime"},
	           {"webm", "video/webm"}, {"m4a", "audio/mp4"},
	           {"mp3", "audio/mpeg"},  {"ogg", "audio/ogg"}};
	const char *dot = strrchr(imp_base(name), '.');
	if (dot == NULL)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(tab); i++)
		if (str_eq_nocase(dot + 1, tab[i].ext))
			return tab[i].mime;
	return NULL;
}

const char *
imp_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int64_t
imp_int(const json_t *o, const char *key, int64_t def)
{
	const json_t *v = json_object_get(o, key);
	int64_t n;
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_real(v) && json_real_value(v) > -9e15 &&
	    json_real_value(v) < 9e15)
		return (int64_t)json_real_value(v);
	if (json_is_string(v) && parse_i64(json_string_value(v), &n) == 0)
		return n;
	return def;
}

/* 1 when the nesting of JSON text stays within IMPORT_MAX_DEPTH. */
static int
depth_ok(const char *s, size_t n)
{
	int d = 0, instr = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (instr) {
			if (c == '\\')
				i++;
			else if (c == '"')
				instr = 0;
		} else if (c == '"') {
			instr = 1;
		} else if (c == '{' || c == '[') {
			if (++d > IMPORT_MAX_DEPTH)
				return 0;
		} else if (c == '}' || c == ']') {
			d--;
		}
	}
	return 1;
}

json_t *
imp_json(struct imp *im, const char *text, size_t len, const char *what)
{
	json_error_t e;
	json_t *j;
	if (!depth_ok(text, len)) {
		conn_fail(im->ctx, CONN_E_MALFORMED, "depth",
		          "%s: JSON nested too deep", what);
		return NULL;
	}
	/* no JSON_REJECT_DUPLICATES: Mastodon's outbox.json repeats
	 * "orderedItems" and the last one is the real list */
	j = json_loadb(text, len, 0, &e);
	if (j == NULL)
		conn_fail(im->ctx, CONN_E_MALFORMED, "json",
		          "%s: not valid JSON (line %d: %s)", what, e.line,
		          e.text);
	return j;
}

/* --- mojibake ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid;
 * *cp gets the code point.  Overlong forms and surrogates are invalid. */
static size_t
utf8_one(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c;
	size_t k;
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		k = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		k = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		k = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return k;
}

char *
meta_unmojibake(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, o = 0;
	char *out;
	int changed = 0;
	if (s == NULL)
		return NULL;
	n = strlen(s);
	out = xmalloc(n + 1);
	for (size_t i = 0; i < n;) {
		unsigned long cp;
		size_t k = utf8_one(p + i, n - i, &cp);
		if (k == 0) /* not UTF-8 to begin with: leave it be */
			goto keep;
		if (cp >= 0x80 && cp <= 0xFF) {
			out[o++] = (char)cp;
			changed = 1;
		} else {
			memcpy(out + o, p + i, k);
			o += k;
		}
		i += k;
	}
	out[o] = 0;
	if (!changed)
		goto keep;
	for (size_t i = 0; i < o;) {
		unsigned long cp;
		size_t k = utf8_one((const unsigned char *)out + i, o - i, &cp);
		if (k == 0)
			goto keep;
		i += k;
	}
	return out;
keep:
	free(out);
	return xstrdup(s);
}

void
imp_unmojibake_tree(json_t *v)
{
	size_t i;
	json_t *x;
	const char *k;
	if (json_is_string(v)) {
		char *f = meta_unmojibake(json_string_value(v));
		if (strcmp(f, json_string_value(v)) != 0)
			json_string_set(v, f);
		free(f);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			imp_unmojibake_tree(x);
		}
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, x)
		{
			imp_unmojibake_tree(x);
		}
	}
}

void
imp_synth_id(char *out, size_t outlen, const char *prefix, int64_t t,
             const char *text)
{
	char h[65];
	const char *s = text ? text : "";
	sha256_hex(s, strlen(s), h);
	snprintf(out, outlen, "%s:%lld:%.16s", prefix, (long long)t, h);
}

/* --- reading the export ------------------------------------------------ */

/* 1 when name stays inside the archive: not absolute, no ".." part. */
static int
name_safe(const char *name)
{
	const char *p = name;
	if (*name == '/' || *name == '\0')
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return strchr(name, '\\') == NULL;
}

static void
src_free(struct imp_src *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->m[i].name);
		free(s->m[i].data);
	}
	free(s->m);
	json_decref(s->hashes);
	free(s->dir);
	memset(s, 0, sizeof(*s));
}

static void
src_add(struct imp_src *s, const char *name, char *data, size_t len)
{
	s->m = xrealloc(s->m, sizeof(*s->m) * (size_t)(s->n + 1));
	s->m[s->n].name = xstrdup(name);
	s->m[s->n].data = data;
	s->m[s->n].len = len;
	s->n++;
}

static void
hex(const unsigned char *d, size_t n, char *out)
{
	static const char x[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
	out[2 * n] = 0;
}

const struct imp_member *
imp_find(const struct imp *im, const char *name)
{
	size_t nl = strlen(name);
	if (im->src == NULL)
		return NULL;
	for (int i = 0; i < im->src->n; i++) {
		const char *m = im->src->m[i].name;
		size_t ml = strlen(m);
		if (strcmp(m, name) == 0 || (ml > nl && m[ml - nl - 1] == '/' &&
		                             strcmp(m + ml - nl, name) == 0))
			return &im->src->m[i];
	}
	return NULL;
}

/* Hex SHA-256 of the file at path into out[65]; 0 or -1. */
static int
hash_file(const char *path, char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char d[crypto_hash_sha256_BYTES], b[65536];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	crypto_hash_sha256_init(&st);
	while ((n = fread(b, 1, sizeof(b), f)) > 0)
		crypto_hash_sha256_update(&st, b, n);
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	crypto_hash_sha256_final(&st, d);
	hex(d, sizeof(d), out);
	return 0;
}

const char *
imp_media_sha(struct imp *im, const char *rel)
{
	const char *v;
	const char *key;
	if (im->src == NULL || rel == NULL || *rel == '\0')
		return NULL;
	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	if (!name_safe(rel))
		return NULL;
	if (im->src->hashes == NULL)
		im->src->hashes = json_object();
	v = imp_str(im->src->hashes, rel);
	if (v != NULL)
		return v;
	/* an archive member under a top folder ("archive-2026/media/…") */
	{
		size_t rl = strlen(rel);
		void *it = json_object_iter(im->src->hashes);
		for (; it; it = json_object_iter_next(im->src->hashes, it)) {
			size_t kl;
			key = json_object_iter_key(it);
			kl = strlen(key);
			if (kl > rl && key[kl - rl - 1] == '/' &&
			    strcmp(key + kl - rl, rel) == 0)
				return json_string_value(
				    json_object_iter_value(it));
		}
	}
	if (im->src->dir != NULL) {
		char path[4096], h[65];
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", im->src->dir,
		                     rel) < sizeof(path) &&
		    hash_file(path, h) == 0) {
			json_object_set_new(im->src->hashes, rel,
			                    json_string(h));
			return imp_str(im->src->hashes, rel);
		}
	}
	return NULL;
}

/* Reads a whole regular file (at most IMPORT_MAX_MEMBER bytes). */
static enum conn_rc
read_bare(struct imp *im, const char *path, int64_t size)
{
	struct buf b;
	char chunk[65536];
	size_t n;
	char *dir, *slash;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return conn_fail(im->ctx, CONN_E_CONFIG, "open", "%s: %s", path,
		                 strerror(errno));
	buf_init(&b, IMPORT_MAX_MEMBER);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(&b, chunk, n) != 0)
			break;
		imp_progress(im, "read", (int64_t)b.len, size);
	}
	if (ferror(f) || b.overflow) {
		int big = b.overflow;
		fclose(f);
		buf_cleanup(&b);
		return conn_fail(
		    im->ctx, CONN_E_MALFORMED, big ? "too_large" : "read",
		    big ? "%s: larger than %u MiB" : "%s: read error", path,
		    IMPORT_MAX_MEMBER >> 20);
	}
	fclose(f);
	imp_progress(im, "read", (int64_t)b.len, (int64_t)b.len);
	{
		size_t len = b.len;
		char *data = buf_detach(&b, NULL);
		src_add(im->src, imp_base(path), data ? data : xstrdup(""),
		        len);
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else {
		*slash = 0;
	}
	im->src->dir = dir;
	return CONN_OK;
}

/* Reads an archive's members as want() says. */
static enum conn_rc
read_archive(struct imp *im, const char *path, int64_t size,
             enum imp_want (*want)(const char *name))
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	enum conn_rc rc = CONN_OK;
	int r, count = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		rc = conn_fail(im->ctx, CONN_E_MALFORMED, "archive", "%s: %s",
		               path, archive_error_string(a));
		goto out;
	}
	im->src->hashes = json_object();
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		enum imp_want w;
		if (++count > IMPORT_MAX_MEMBERS) {
			rc = conn_fail(im->ctx, CONN_E_MALFORMED, "too_many",
			               "%s: more than %d members", path,
			               IMPORT_MAX_MEMBERS);
			goto out;
		}
		if (name == NULL)
			continue;
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		if (*name == '\0' || strcmp(name, ".") == 0)
			continue; /* "./", the archive's own top folder */
		if (!name_safe(name)) {
			rc = conn_fail(im->ctx, CONN_E_MALFORMED, "unsafe_name",
			               "%s: member name climbs out of the "
			               "archive",
			               path);
			goto out;
		}
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		w = want(name);
		if (w == IMP_LOAD) {
			struct buf b;
			char chunk[65536];
			la_ssize_t n;
			buf_init(&b, IMPORT_MAX_MEMBER);
			while ((n = archive_read_data(a, chunk,
			                              sizeof(chunk))) > 0)
				if (buf_add(&b, chunk, (size_t)n) != 0)
					break;
			if (n < 0 || b.overflow) {
				rc = conn_fail(
				    im->ctx, CONN_E_MALFORMED,
				    n < 0 ? "archive" : "too_large",
				    "%s: member %s: %s", path, name,
				    n < 0 ? archive_error_string(a)
				          : "larger than the member cap");
				buf_cleanup(&b);
				goto out;
			}
			{
				size_t len = b.len;
				char *d = buf_detach(&b, NULL);
				src_add(im->src, name, d ? d : xstrdup(""),
				        len);
			}
		} else if (w == IMP_HASH) {
			crypto_hash_sha256_state st;
			unsigned char d[crypto_hash_sha256_BYTES];
			char chunk[65536], h[65];
			la_ssize_t n;
			crypto_hash_sha256_init(&st);
			while ((n = archive_read_data(a, chunk,
			                              sizeof(chunk))) > 0)
				crypto_hash_sha256_update(
				    &st, (const unsigned char *)chunk,
				    (unsigned long long)n);
			if (n < 0) {
				rc = conn_fail(im->ctx, CONN_E_MALFORMED,
				               "archive", "%s: member %s: %s",
				               path, name,
				               archive_error_string(a));
				goto out;
			}
			crypto_hash_sha256_final(&st, d);
			hex(d, sizeof(d), h);
			json_object_set_new(im->src->hashes, name,
			                    json_string(h));
		}
		imp_progress(im, "read", archive_filter_bytes(a, -1), size);
	}
	if (r != ARCHIVE_EOF) {
		rc = conn_fail(im->ctx, CONN_E_MALFORMED, "archive",
		               "%s: damaged archive: %s", path,
		               archive_error_string(a));
		goto out;
	}
	imp_progress(im, "read", size, size);
out:
	archive_read_free(a);
	return rc;
}

/* 1 when the file starts like a zip or a gzip/bzip2/xz stream (tar). */
static int
looks_archive(const char *path)
{
	unsigned char m[6] = {0};
	size_t n;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	n = fread(m, 1, sizeof(m), f);
	fclose(f);
	if (n >= 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4)
		return 1;
	if (n >= 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 5 && m[3] == 6)
		return 1; /* empty zip */
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return 1;
	if (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h')
		return 1;
	if (n >= 6 && m[0] == 0xFD && memcmp(m + 1, "7zXZ", 4) == 0)
		return 1;
	return 0;
}

/* --- what each reader wants of an archive ------------------------------ */

static int
has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n >= e && str_eq_nocase(name + n - e, ext);
}

static enum imp_want
want_mastodon(const char *name)
{
	const char *b = imp_base(name);
	if (strcmp(b, "outbox.json") == 0 || strcmp(b, "actor.json") == 0)
		return IMP_LOAD;
	return strstr(name, "media_attachments/") ? IMP_HASH : IMP_SKIP;
}

static enum imp_want
want_x(const char *name)
{
	const char *b = imp_base(name);
	if (has_ext(b, ".js") &&
	    (str_starts(b, "tweets") || str_starts(b, "tweet.") ||
	     str_starts(b, "tweet-part") || str_starts(b, "deleted-tweets") ||
	     strcmp(b, "account.js") == 0))
		return IMP_LOAD;
	return strstr(name, "tweets_media/") || strstr(name, "tweet_media/")
	           ? IMP_HASH
	           : IMP_SKIP;
}

static enum imp_want
want_meta(const char *name)
{
	if (has_ext(name, ".json"))
		return IMP_LOAD;
	return has_ext(name, ".html") ? IMP_SKIP : IMP_HASH;
}

static enum imp_want
want_instagram(const char *name)
{
	const char *b = imp_base(name);
	if (has_ext(b, ".json"))
		return (str_starts(b, "posts_") ||
		        str_starts(b, "post_comments_"))
		           ? IMP_LOAD
		           : IMP_SKIP;
	return want_meta(name);
}

static enum imp_want
want_facebook(const char *name)
{
	const char *b = imp_base(name);
	if (has_ext(b, ".json"))
		return (str_starts(b, "your_posts") ||
		        strcmp(b, "comments.json") == 0)
		           ? IMP_LOAD
		           : IMP_SKIP;
	return want_meta(name);
}

/* Runs one reader's body parser over every loaded member, the "items"
 * progress spread over the members by their size. */
enum conn_rc
imp_each_member(struct imp *im,
                enum conn_rc (*fn)(struct imp *, const char *, size_t))
{
	enum conn_rc rc = CONN_OK;
	int64_t all = 0;
	for (int i = 0; i < im->src->n; i++)
		all += (int64_t)im->src->m[i].len;
	im->span_total = all > 0 ? all : 1;
	im->span_base = 0;
	for (int i = 0; i < im->src->n && rc == CONN_OK; i++) {
		im->span_len = (int64_t)im->src->m[i].len;
		rc = fn(im, im->src->m[i].data, im->src->m[i].len);
		im->span_base += im->span_len;
	}
	im->span_total = 0;
	return rc;
}

/* --- dispatch ---------------------------------------------------------- */

enum conn_rc
import_run(struct conn_ctx *ctx, const char *format, const char *path,
           import_progress_fn progress, void *pud)
{
	static const struct {
		const char *name;
		enum imp_want (*want)(const char *);
		enum conn_rc (*run)(struct imp *);
	} fmts[] = {{"mastodon", want_mastodon, import_mastodon},
	            {"x", want_x, import_x},
	            {"instagram", want_instagram, import_instagram},
	            {"facebook", want_facebook, import_facebook}};
	struct imp im;
	struct imp_src src;
	struct stat st;
	enum conn_rc rc;
	int k = -1;

	memset(&ctx->err, 0, sizeof(ctx->err));
	memset(&im, 0, sizeof(im));
	memset(&src, 0, sizeof(src));
	im.ctx = ctx;
	im.progress = progress;
	im.pud = pud;
	crypto_setup();

	if (format == NULL || path == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "usage",
		                 "an import needs a format and a file");
	if (stat(path, &st) != 0)
		return conn_fail(ctx, CONN_E_CONFIG, "open", "%s: %s", path,
		                 strerror(errno));
	if (!S_ISREG(st.st_mode))
		return conn_fail(ctx, CONN_E_CONFIG, "open",
		                 "%s: not a regular file", path);
	if (strcmp(format, "bluesky") == 0) {
		rc = import_bluesky_file(&im, path);
		goto done;
	}
	for (size_t i = 0; i < ARRAY_LEN(fmts); i++)
		if (strcmp(fmts[i].name, format) == 0)
			k = (int)i;
	if (k < 0)
		return conn_fail(ctx, CONN_E_CONFIG, "format",
		                 "unknown export format \"%.40s\" (mastodon, "
		                 "x, instagram, facebook, bluesky)",
		                 format);
	im.src = &src;
	if (looks_archive(path))
		rc = read_archive(&im, path, (int64_t)st.st_size, fmts[k].want);
	else
		rc = read_bare(&im, path, (int64_t)st.st_size);
	if (rc == CONN_OK)
		rc = fmts[k].run(&im);
	src_free(&src);
done:
	if (rc == CONN_OK)
		imp_progress(&im, "done", ctx->items, ctx->items);
	return rc;
}
