/*
 * scheduler.c - the background thread of `serve` and the one pass of
 * `kanalvakt notify run` (see scheduler.h).
 *
 * The thread owns one database connection of its own (not one of the
 * request pool's), opened at the first pass and reopened after a failed
 * pass, and sleeps on a condition variable with a monotonic clock so that
 * scheduler_stop() wakes it at once.
 */
#include "scheduler.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../domain/alerts.h"
#include "../inbox/inbox.h"
#include "sync.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
scheduler_pass(struct db *db, const struct mailer_cfg *mail, int64_t now,
               struct pass_result *r)
{
	struct db_stmt *st;
	int64_t orgs[256], started = time_now();
	int n = 0, rc;

	memset(r, 0, sizeof(*r));
	st = db_query(db, "SELECT id FROM orgs ORDER BY id LIMIT 256", NULL);
	if (st == NULL) {
		r->errors++;
		return -1;
	}
	while ((rc = db_step(st)) == DB_ROW && n < (int)ARRAY_LEN(orgs))
		orgs[n++] = db_col_i64(st, 0);
	db_finalize(st);
	if (rc < 0) {
		r->errors++;
		return -1;
	}
	for (int i = 0; i < n; i++) {
		int raised = 0;
		if (alerts_run(db, orgs[i], now, &raised) != 0)
			r->errors++;
		r->raised += raised;
		r->orgs++;
	}
	{
		/* inbound items that missed their intake (a crash between
		 * capture and triage), then overdue inbox items: every
		 * organisation in one pass */
		int raised = 0, added = 0;
		if (inbox_intake_pass(db, now, 200, &added) != 0)
			r->errors++;
		if (inbox_escalate_pass(db, now, &raised) != 0)
			r->errors++;
		r->raised += raised;
	}
	if (mail != NULL) {
		int sent = 0, failed = 0;
		/* the alerts took time: mail they queued (next attempt at
		 * the real time) is due now, as at the pass's own clock
		 * moved on by as much */
		int64_t later = now + (time_now() - started);
		if (mailer_pass(db, mail, later, KV_MAIL_PER_PASS, &sent,
		                &failed) != 0)
			r->errors++;
		r->sent = sent;
		r->failed = failed;
	}
	return r->errors ? -1 : 0;
}

static void *
run(void *arg)
{
	struct scheduler *s = arg;
	struct db *db = NULL;
	char err[512];

	while (!atomic_load(&s->stop)) {
		struct pass_result r;
		struct timespec until;
		if (db == NULL) {
			db = db_open(s->db_url, err, sizeof(err));
			if (db == NULL)
				log_err("scheduler: %s", err);
		}
		if (db != NULL) {
			if (scheduler_pass(db, s->mail, time_now(), &r) != 0) {
				log_warn("scheduler: the pass had %d error(s); "
				         "reconnecting next time",
				         r.errors);
				db_close(db);
				db = NULL;
			}
			if (db != NULL && !s->have_key && s->key_path &&
			    access(s->key_path, F_OK) == 0) {
				char kerr[1200];
				if (cred_key_load(s->key_path, 0, &s->key, kerr,
				                  sizeof(kerr)) == 0)
					s->have_key = 1;
				else
					log_warn("sync: %s; channels are not "
					         "polled",
					         kerr);
			}
			if (db != NULL && s->have_key) {
				int polled = 0;
				if (sync_pass(db, &s->key, time_now(),
				              KV_SYNC_PER_PASS, &polled) != 0) {
					log_warn(
					    "scheduler: the sync pass "
					    "failed; reconnecting next time");
					db_close(db);
					db = NULL;
				}
			}
			if (r.raised || r.sent || r.failed)
				log_info("scheduler: %d alert(s) raised, %d "
				         "mail(s) sent, %d failed",
				         r.raised, r.sent, r.failed);
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += s->tick;
		pthread_mutex_lock(&s->mu);
		while (!atomic_load(&s->stop) &&
		       pthread_cond_timedwait(&s->cv, &s->mu, &until) !=
		           ETIMEDOUT)
			;
		pthread_mutex_unlock(&s->mu);
	}
	db_close(db);
	return NULL;
}

int
scheduler_start(struct scheduler *s)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	if (s->tick < 1)
		s->tick = 60;
	atomic_store(&s->stop, 0);
	if (s->mail != NULL)
		s->mail->stop = &s->stop;
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* the thread inherits a mask with every signal blocked */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, run, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_err("scheduler: cannot start a thread: %s", strerror(rc));
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		return -1;
	}
	s->started = 1;
	log_info("scheduler: every %d s: alerts%s", s->tick,
	         s->mail ? " and mail"
	                 : " (no SMTP server: mail stays queued)");
	return 0;
}

void
scheduler_stop(struct scheduler *s)
{
	if (!s->started)
		return;
	pthread_mutex_lock(&s->mu);
	atomic_store(&s->stop, 1);
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	cred_key_wipe(&s->key);
	s->have_key = 0;
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	s->started = 0;
}
