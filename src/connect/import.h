/*
 * import.h - readers for the platforms' own data exports (docs/IMPORTS.md):
 * a Mastodon account archive, an X archive, an Instagram or Facebook
 * "Download Your Information" JSON export, a Bluesky repository CAR.
 *
 * An import turns an export file into the same normalised struct items the
 * connectors emit, through the same struct conn_ctx: on_item (conn_emit)
 * gets every item, ctx->err says what went wrong.  It knows nothing of the
 * database: the caller (the CLI `import` command) stores what it is given.
 * A progress callback is called at least every 1% or every 1000 units of
 * each phase ("read": bytes of the file, "items": elements of the export),
 * and once with phase "done" at the end.
 *
 * Everything read is untrusted: members of an archive are capped
 * (IMPORT_MAX_MEMBER bytes loaded per member), names that climb out of
 * the archive ("..", absolute) make the import fail, counts in the data
 * are never used to size anything.
 *
 * The second half of this header is shared by the readers in
 * src/connect/import_*.c (and the fuzz targets); callers need only
 * import_run() and meta_unmojibake().
 */
#ifndef KV_IMPORT_H
#define KV_IMPORT_H

#include "connect.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define IMPORT_MAX_MEMBER  (256u << 20) /* bytes of one loaded member */
#define IMPORT_MAX_BLOCK   (64u << 20)  /* bytes of one CAR block */
#define IMPORT_MAX_MEMBERS 200000       /* archive entries looked at */
#define IMPORT_MAX_DEPTH   64           /* JSON / CBOR nesting */

struct import_progress {
	int64_t done;      /* units of the phase done so far */
	int64_t total;     /* units in the phase, 0 when unknown */
	const char *phase; /* "read", "items", "done" (static) */
};

/* Called with the caller's ud; p is valid during the call only. */
typedef void (*import_progress_fn)(void *ud, const struct import_progress *p);

/*
 * import_run - reads the export at path in format ("mastodon", "x",
 * "instagram", "facebook", "bluesky") and emits its items through ctx
 * (ctx->on_item with ctx->ud; ctx->items counts them).  progress may be
 * NULL.  Returns CONN_OK, or the rc in ctx->err: CONN_E_CONFIG (unknown
 * format, unreadable file), CONN_E_MALFORMED (not the export it should be,
 * truncated, corrupt, too large, unsafe names), or the -1 of on_item
 * (CONN_E_PLATFORM with code "stopped").
 */
enum conn_rc import_run(struct conn_ctx *ctx, const char *format,
                        const char *path, import_progress_fn progress,
                        void *pud);

/* The formats import_run knows, NULL-terminated (static). */
extern const char *const import_formats[];

/*
 * meta_unmojibake - undoes Meta's export encoding, which writes each UTF-8
 * byte of a text as its own code point ("L\u00c3\u00b8ye" for "Løye"):
 * code points up to 0xFF become bytes again, and when the result is valid
 * UTF-8 it is returned; otherwise (a text that was not mangled) a copy of
 * s.  NULL gives NULL.  Caller frees.
 */
char *meta_unmojibake(const char *s);

/* ---- shared by the readers ------------------------------------------- */

/* Applies meta_unmojibake to every string value in v, in place. */
void imp_unmojibake_tree(json_t *v);
/* "<prefix>:<t>:<first 16 hex of SHA-256 of text>" into out: a stable id
 * for export entries that carry none (Instagram, Facebook). */
void imp_synth_id(char *out, size_t outlen, const char *prefix, int64_t t,
                  const char *text);

/* A member of the export held in memory (JSON, JS). */
struct imp_member {
	char *name; /* path inside the archive ("data/tweets.js"); owned */
	char *data; /* NUL-terminated contents; owned */
	size_t len;
};

/* What a reader wants of an archive member (its path). */
enum imp_want { IMP_SKIP = 0, IMP_HASH, IMP_LOAD };

/* The export as read: loaded members, SHA-256 of the hashed ones. */
struct imp_src {
	struct imp_member *m;
	int n;
	json_t *hashes; /* path -> lower-case hex SHA-256 */
	char *dir;      /* a bare file's directory (media beside it), or NULL */
};

struct imp {
	struct conn_ctx *ctx;
	import_progress_fn progress;
	void *pud;
	const char *phase;   /* last phase reported */
	int64_t last;        /* last done reported in that phase */
	struct imp_src *src; /* NULL when parsing a body alone (fuzz) */
	/* several members in one "items" phase: member k of a reader
	 * reports within [span_base, span_base + span_len) of span_total
	 * (0: one member, reported as is) */
	int64_t span_base, span_len, span_total;
	int64_t skipped; /* elements not imported (boosts, unknown) */
};

/* Reports progress when the phase changed, done reached total, or done
 * moved at least min(1000, total/100) since the last report. */
void imp_progress(struct imp *im, const char *phase, int64_t done,
                  int64_t total);
/* Emits it (conn_emit); CONN_OK, or CONN_E_PLATFORM "stopped" when the
 * caller's on_item said stop. */
enum conn_rc imp_emit(struct imp *im, const struct item *it);
/* The loaded member whose path is name or ends in "/name", or NULL. */
const struct imp_member *imp_find(const struct imp *im, const char *name);
/* Hex SHA-256 of the media at rel (a path inside the export), or NULL
 * when it is not there.  Owned by im->src (valid until imp_src_free). */
const char *imp_media_sha(struct imp *im, const char *rel);
/* "image/jpeg" etc. from a file name's extension, or NULL (static). */
const char *imp_mime(const char *name);
/* The last path component of p (points into p). */
const char *imp_base(const char *p);
/* Parses JSON text with duplicate keys allowed (the last wins) and depth
 * capped; NULL with ctx->err set (CONN_E_MALFORMED, code "json", what
 * names the member).  Caller json_decref()s. */
json_t *imp_json(struct imp *im, const char *text, size_t len,
                 const char *what);
/* The string at key of o, or NULL (owned by o). */
const char *imp_str(const json_t *o, const char *key);
/* Integer at key, also from a decimal string ("123"); def when neither. */
int64_t imp_int(const json_t *o, const char *key, int64_t def);

/* Runs fn over every loaded member in turn (Instagram, Facebook), with
 * one monotone "items" progress over all of them; stops at an error. */
enum conn_rc imp_each_member(struct imp *im,
                             enum conn_rc (*fn)(struct imp *, const char *,
                                                size_t));

/* The readers: each takes the export read into im->src. */
enum conn_rc import_mastodon(struct imp *im);
enum conn_rc import_x(struct imp *im);
enum conn_rc import_instagram(struct imp *im);
enum conn_rc import_facebook(struct imp *im);
/* The CAR reader takes the file itself (streamed block by block). */
enum conn_rc import_bluesky_file(struct imp *im, const char *path);

/* Body parsers (one member's text), also the fuzz targets' entry points. */
enum conn_rc import_mastodon_outbox(struct imp *im, const char *text,
                                    size_t len);
enum conn_rc import_x_js(struct imp *im, const char *text, size_t len,
                         int deleted);
enum conn_rc import_instagram_json(struct imp *im, const char *text,
                                   size_t len);
enum conn_rc import_facebook_json(struct imp *im, const char *text, size_t len);
/* A whole CAR in memory. */
enum conn_rc import_bluesky_car(struct imp *im, const void *data, size_t len);

/* Decodes one DAG-CBOR value (the whole of data) into JSON: bytes as
 * {"$bytes": base64 without padding}, tag-42 CIDs as {"$link": "b…"}.
 * NULL on anything malformed, with a reason in err (at least 128 bytes).
 * Caller json_decref()s. */
json_t *dagcbor_decode(const void *data, size_t len, char *err, size_t errlen);

#endif
