/*
 * mailer.h - e-mail over SMTP with libcurl: the RFC 5322 message, the
 * sending, and the send pass over the outbox (src/domain/notify.h).
 *
 * The message is plain text in UTF-8: Date, Message-ID, MIME-Version,
 * Content-Type text/plain; charset=utf-8, Content-Transfer-Encoding
 * quoted-printable, the Subject RFC 2047-encoded when it is not plain
 * ASCII, Auto-Submitted: auto-generated.  libcurl does the SMTP dialogue
 * and the dot-stuffing.  Bodies and passwords are never logged; the server
 * URL is logged without its user information.
 */
#ifndef KV_MAILER_H
#define KV_MAILER_H

#include "../base/buf.h"
#include "../store/db.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Caps: connection and whole-transfer timeouts, message size. */
#define KV_SMTP_CONNECT_TIMEOUT 10
#define KV_SMTP_TIMEOUT         60
#define KV_MAIL_MAX_MESSAGE     (256u << 10)

struct mailer_cfg {
	const char *url;      /* smtp://host[:port] or smtps://host[:port] */
	const char *user;     /* NULL: no authentication */
	const char *password; /* from env KANALVAKT_SMTP_PASSWORD only */
	const char *from;     /* the From address (bare addr@domain) */
	atomic_int *stop;     /* when set non-zero, a transfer is abandoned */
};

/* Initialises libcurl; call once from main() before any thread starts. */
void mailer_global_init(void);
/* Releases libcurl at exit (after every thread has ended). */
void mailer_global_cleanup(void);

/* Checks a configuration: the URL's scheme, the From address.  Returns 0,
 * or -1 with a reason (static text) in *why. */
int mailer_check(const struct mailer_cfg *c, const char **why);
/* Writes url without "user:password@" into out (for logs); returns out. */
char *mailer_redact(const char *url, char *out, size_t n);

/* 1 when addr is a bare address that is safe in a header and an SMTP
 * command: printable ASCII, one '@', no space, no <>()[],;:"\ . */
int mail_addr_ok(const char *addr);
/* Appends subject as a header value: as it is when it is short printable
 * ASCII, otherwise as RFC 2047 "B" encoded-words of whole UTF-8
 * characters, each at most 64 columns, folded with CRLF SP.  0, or -1 when
 * subject is not valid UTF-8 text or the buffer is full. */
int mail_subject_encode(struct buf *out, const char *subject);
/* Appends text as quoted-printable (RFC 2045) with CRLF line ends and
 * lines of at most 76 columns; LF and CRLF in text are line breaks. */
int mail_qp_encode(struct buf *out, const char *text);
/* Writes the RFC 5322 date of t (UTC, "+0000") into out. */
char *mail_date(int64_t t, char out[40]);
/* Builds the whole message into out.  message_id is the local part (the
 * domain of from is added).  0, or -1 when an address or the subject is
 * unusable or the message would pass KV_MAIL_MAX_MESSAGE. */
int mail_build(struct buf *out, const char *from, const char *to,
               const char *subject, const char *body, const char *message_id,
               int64_t date);

/* Sends one message.  0 when the server accepted it; -1 with a short
 * reason in err (no secrets) and *permanent set when retrying cannot help
 * (the server refused the recipient with a 5xx reply). */
int mailer_send(const struct mailer_cfg *c, const char *to, const char *subject,
                const char *body, const char *message_id, char *err,
                size_t errlen, int *permanent);

/* The send pass: claims and sends up to max due mails of the outbox at
 * now, recording each result.  *sent and *failed count the attempts that
 * succeeded and failed.  0, or -1 on a database error. */
int mailer_pass(struct db *db, const struct mailer_cfg *c, int64_t now, int max,
                int *sent, int *failed);

#endif
