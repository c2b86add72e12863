/*
 * notify.h - notifications: the in-app list of alerts for each person, the
 * mail outbox that carries them by e-mail, and each person's choice to get
 * mail (docs/NOTIFICATIONS.md).
 *
 * The rules
 *  - notify_person() raises one alert for one person.  Its dedup_key names
 *    the alert and its period (e.g. "no_responsible:channel:12:2027-05-03"),
 *    and a key is raised at most once per person: raising it again is a
 *    no-op, so generators may run as often as they like.
 *  - When the person has an e-mail address and has not turned mail off, a
 *    mail is queued in the SAME transaction as the notification, and sent
 *    after the commit by the send pass (src/jobs/mailer.c).  A mail is
 *    never lost: failures are retried with exponential backoff and the row
 *    is kept as 'failed' after the last attempt, visible to administrators.
 *  - A person sees and marks only their own notifications.
 *  - Notifications and deliveries are not written to the audit log: they
 *    are messages derived from the governed data, and their own rows are
 *    the record of who was told what and when.  Changing one's mail
 *    preference and an administrator's retry of mail are audited.
 *
 * Returned objects live in the caller's arena.
 */
#ifndef KV_NOTIFY_H
#define KV_NOTIFY_H

#include "domain.h"

#define KV_NOTIFY_MAX_KIND    40
#define KV_NOTIFY_MAX_KEY     200
#define KV_NOTIFY_MAX_SUBJECT 200
#define KV_NOTIFY_MAX_BODY    4000
#define KV_NOTIFY_MAX_LINK    500

/* Delivery: attempts before a mail is given up ('failed'), the first
 * retry delay (doubled after each failure) and its ceiling, and how long a
 * sender holds a claimed mail before another may try it. */
#define KV_MAIL_MAX_ATTEMPTS 10
#define KV_MAIL_BACKOFF_BASE 60
#define KV_MAIL_BACKOFF_MAX  (6 * 3600)
#define KV_MAIL_LEASE        300

struct notification {
	int64_t id, person_id, created_at, read_at; /* read_at 0 = unread */
	const char *kind, *dedup_key, *subject, *body, *link;
};

/* Sets the address the web UI is reached at ("https://kanalvakt.example"),
 * put in front of links in mails.  Call once at start-up, before threads;
 * NULL or "" leaves links as paths.  The string must outlive the process'
 * use of it (it is not copied). */
void notify_set_base_url(const char *url);

/* Raises an alert for person_id of the actor's organisation: creates the
 * notification and, when the person has an e-mail address and mail on,
 * queues its mail in the same transaction.  kind is a code ([a-z0-9_]),
 * dedup_key names alert and period, link a local path ("/channels/12") or
 * NULL.  *id gets the new notification's id, or 0 when this dedup_key was
 * raised for the person before (nothing written, KV_OK).  KV_NOTFOUND when
 * the person is not an active person of the organisation; KV_INVALID with
 * v filled for bad text.  For domain code and generators (the actor is
 * usually the system actor); not exposed through the API. */
enum kv_rc notify_person(struct db *db, struct arena *ar, const struct actor *a,
                         int64_t person_id, const char *kind,
                         const char *dedup_key, const char *subject,
                         const char *body, const char *link, int64_t *id,
                         struct verrs *v);

/* The actor's own notifications, newest first; only unread ones when
 * unread_only.  *total counts all that match.  KV_FORBIDDEN for the
 * system actor (it has none). */
enum kv_rc notify_list(struct db *db, struct arena *ar, const struct actor *a,
                       int unread_only, int limit, int offset,
                       struct notification **out, int *n, int64_t *total);
/* Number of the actor's unread notifications (0 for the system actor). */
enum kv_rc notify_unread(struct db *db, const struct actor *a, int64_t *count);
/* Marks the actor's notifications ids[0..nids-1] read, or all of them when
 * nids is 0; *marked gets how many changed from unread to read.  One
 * transaction: KV_NOTFOUND (nothing changed) when any id is not one of the
 * actor's notifications. */
enum kv_rc notify_mark_read(struct db *db, const struct actor *a,
                            const int64_t *ids, int nids, int64_t *marked);
/* Whether the actor gets notifications by e-mail (default 1). */
enum kv_rc notify_mail_get(struct db *db, const struct actor *a, int *on);
/* Turns the actor's notification mail on or off (audited). */
enum kv_rc notify_mail_set(struct db *db, struct arena *ar,
                           const struct actor *a, int on);
json_t *notification_json(const struct notification *n);

/* --- the mail outbox --------------------------------------------------------
 */

struct mail {
	int64_t id, org_id, notification_id, attempts, next_attempt_at;
	int64_t created_at, sent_at; /* sent_at 0 = not sent */
	const char *to, *subject, *body, *message_id, *state, *last_error;
};

/* Queues a mail (org_id and notification_id may be 0) inside the caller's
 * transaction, or on its own.  The message id's local part is chosen here
 * so every attempt sends the same Message-ID.  0 or -1; *id may be NULL. */
int mail_queue(struct db *db, int64_t org_id, int64_t notification_id,
               const char *to, const char *subject, const char *body,
               int64_t now, int64_t *id);
/* Up to limit queued mails due at now, oldest first (arena).  0 or -1. */
int mail_due(struct db *db, struct arena *ar, int64_t now, int limit,
             struct mail **out, int *n);
/* Claims m for sending by moving its next attempt KV_MAIL_LEASE ahead, so
 * another sender leaves it alone.  1 when claimed, 0 when someone else
 * claimed or finished it first, -1 on error. */
int mail_claim(struct db *db, const struct mail *m, int64_t now);
/* Records a delivery.  0 or -1. */
int mail_sent(struct db *db, int64_t id, int64_t now);
/* Records a failed attempt with a short reason (no secrets, no bodies):
 * the mail is retried after mail_backoff(attempts), or becomes 'failed'
 * when permanent or after KV_MAIL_MAX_ATTEMPTS attempts.  0 or -1. */
int mail_failed(struct db *db, int64_t id, const char *why, int permanent,
                int64_t now);
/* Seconds to wait after the n-th failed attempt (n >= 1): the base doubled
 * n-1 times, at most KV_MAIL_BACKOFF_MAX. */
int64_t mail_backoff(int64_t n);
/* The outbox of the actor's organisation, newest first, for
 * administrators (KV_FORBIDDEN otherwise); state NULL = all. */
enum kv_rc mail_list(struct db *db, struct arena *ar, const struct actor *a,
                     const char *state, int limit, int offset,
                     struct mail **out, int *n, int64_t *total);
/* Administrators: makes every queued mail of the organisation due now and,
 * with include_failed, puts failed mail back in the queue with its
 * attempts reset.  *count gets the number of mails touched.  Audited. */
enum kv_rc mail_retry(struct db *db, struct arena *ar, const struct actor *a,
                      int include_failed, int64_t *count);
/* The outbox row without its body (for administrators' lists). */
json_t *mail_json(const struct mail *m);

#endif
