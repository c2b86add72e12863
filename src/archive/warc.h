/*
 * warc.h - the WARC 1.1 export of raw captures (ISO 28500:2017) and the
 * reader that checks such a file before it is released (docs/EXPORTS.md).
 *
 * The export is a `warcinfo` record, then for every stored HTTP exchange
 * (table exchanges, body in blobs) a `request` and a `response` record
 * linked both ways by WARC-Concurrent-To; an exchange that got no response
 * (status 0) has a `metadata` record with the error instead.  Each record
 * carries WARC-Block-Digest and (request/response) WARC-Payload-Digest as
 * "sha256:" and 64 lower-case hex digits.  A name ending ".gz" gets one
 * gzip member per record (the usual .warc.gz), anything else is plain.
 *
 * Memory does not grow with the export: exchanges are read in pages by
 * id and one body at a time.
 */
#ifndef KV_WARC_H
#define KV_WARC_H

#include "../store/db.h"

#include <stddef.h>
#include <stdint.h>

/* Which exchanges: channel_id 0 = all; exchanges.at in [from, to), 0 =
 * open. */
struct warc_filter {
	int64_t channel_id;
	int64_t from, to;
};

/* Counts of an export or a check. */
struct warc_stats {
	int64_t exchanges; /* exchanges written (export) */
	int64_t records;   /* records written / read */
	int64_t bytes;     /* bytes written to / read from the file */
};

/* Called after each exchange written and each record checked (the caller
 * throttles its own output). */
typedef void (*warc_progress_fn)(void *ud, const char *phase,
                                 const struct warc_stats *s);

/* Writes the export to path.tmp, checks it with warc_check_file (and that
 * it holds every record written), then renames it to path.  On any
 * failure the temporary file is removed, nothing is left at path, and err
 * says why.  now is the warcinfo record's date.  progress may be NULL.
 * 0 or -1. */
int warc_export(struct db *db, const char *path, const struct warc_filter *f,
                int64_t now, warc_progress_fn progress, void *ud,
                struct warc_stats *st, char *err, size_t errlen);

/* Byte source of the reader: up to n bytes into p; 0 at the end, -1 on
 * an error. */
typedef long (*warc_read_fn)(void *ud, void *p, size_t n);

/* Reads a WARC stream record by record in constant memory: the version
 * line, the named fields (WARC-Record-ID, WARC-Type, WARC-Date and
 * Content-Length present, the id an <urn:uuid:…>), the block framed by
 * Content-Length and the CRLF CRLF after it, the block and payload
 * digests recomputed (sha256 only), a warcinfo record first, request and
 * response records with a WARC-Target-URI and an application/http type,
 * and a response's WARC-Concurrent-To naming the request just before it.
 * 0 when every record checks (*st counted), -1 with the first problem
 * (and its record number) in err. */
int warc_check(warc_read_fn rd, void *ud, struct warc_stats *st, char *err,
               size_t errlen);

/* warc_check on a file, plain or gzip (one or many members). */
int warc_check_file(const char *path, struct warc_stats *st, char *err,
                    size_t errlen);

#endif
