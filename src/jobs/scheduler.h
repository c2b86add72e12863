/*
 * scheduler.h - the periodic work of one process: every tick, an alert
 * pass (every generator of src/domain/alerts.c for every organisation),
 * when SMTP is configured a send pass over the mail outbox, and, when the
 * key file is loaded, a sync pass over the connected channels due.
 *
 * `serve` runs it on one background thread; `kanalvakt notify run` runs
 * one pass in the foreground (scheduler_pass).  Single-process for now:
 * several processes are safe (the dedup keys and the outbox claims keep
 * them from raising or sending twice) but do the same work; the job queue
 * with leases for several workers is a later issue.
 */
#ifndef KV_SCHEDULER_H
#define KV_SCHEDULER_H

#include "mailer.h"
#include "../archive/cred.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* Mails sent at most per send pass (the rest wait for the next tick). */
#define KV_MAIL_PER_PASS 200

struct pass_result {
	int orgs, raised, sent, failed;
	int errors; /* generators or database steps that failed */
};

/* One alert pass for every organisation at now, then, when mail is not
 * NULL, one send pass at now plus the time the alerts took (so the mail
 * they queued is due).  0, or -1 when anything failed (r tells what was
 * done all the same). */
int scheduler_pass(struct db *db, const struct mailer_cfg *mail, int64_t now,
                   struct pass_result *r);

struct scheduler {
	/* set by the caller before scheduler_start */
	const char *db_url;
	int tick;                /* seconds between passes, >= 1 */
	struct mailer_cfg *mail; /* NULL: alerts only, mail stays queued */
	/* the key file (src/archive/cred.h): once it exists (the first
	 * `channel connect` makes it), each pass also polls the connected
	 * channels due (src/jobs/sync.h, at most KV_SYNC_PER_PASS); NULL:
	 * no polling */
	const char *key_path;
	/* private */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int stop;
	int started;
	struct cred_key key;
	int have_key;
};

/* Starts the thread (signals blocked in it, so SIGINT/SIGTERM reach the
 * server's sigwait).  The first pass runs at once.  0 or -1. */
int scheduler_start(struct scheduler *s);
/* Asks the thread to stop (an SMTP transfer in flight is abandoned and
 * its mail retried later), and joins it.  Safe when not started. */
void scheduler_stop(struct scheduler *s);

#endif
