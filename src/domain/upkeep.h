/*
 * upkeep.h - each channel's update commitment against what it actually
 * published (REQUIREMENTS.md R2.4, seed 003 "Vikten av regelbunden
 * uppdatering", seed 004 Twitter: "Profil etablert / Ikke fulgt opp").
 *
 * The commitment is the register's update_count per update_period; the
 * actual is the number of update log entries published in the last period
 * (a rolling window ending now: 1 day, 7 days or 30 days).  An active
 * channel with fewer than promised is stale: "profile established, not
 * followed up".  A channel opened less than one window ago, or with no
 * commitment (0), is not judged.  Log entries are 'manual' until the
 * connectors (issue 4) add 'platform' entries from the platforms.
 *
 * Rights: the log and the status follow channel visibility (channel_get,
 * channel_list); logging an update is for whoever may change the channel,
 * its editors, and the unit's channel editors and supervisors.
 */
#ifndef KV_UPKEEP_H
#define KV_UPKEEP_H

#include "domain.h"

struct update_entry {
	int64_t id, channel_id, published_at, logged_by, created_at;
	const char *source, *note;
	const char *logged_by_name; /* joined; "" for the system */
};

struct upkeep {
	struct channel channel;
	int64_t promised; /* update_count of the register */
	int window_days;  /* 1, 7 or 30 by update_period */
	int64_t actual;   /* entries published in the window */
	int64_t last_at;  /* newest published_at, 0 = never */
	int64_t total;    /* every entry */
	int stale;        /* active and behind the commitment */
	int too_new;      /* opened less than one window ago */
};

/* 1 when the actor may log updates of channel c. */
int upkeep_can_log(struct db *db, const struct actor *a,
                   const struct channel *c);
/* Logs that channel_id published at published_at (ISO 8601; a local time
 * in the organisation's zone when it carries no offset; not in the
 * future).  KV_INVALID, KV_CONFLICT (the channel is not open: requested,
 * planned or closed), KV_NOTFOUND, KV_FORBIDDEN.  *out in arena. */
enum kv_rc update_log_create(struct db *db, struct arena *ar,
                             const struct actor *a, int64_t channel_id,
                             const char *published_at, const char *note,
                             struct update_entry *out, struct verrs *v);
/* The newest `limit` (≤ 500) entries of a channel, newest first. */
enum kv_rc update_log_list(struct db *db, struct arena *ar,
                           const struct actor *a, int64_t channel_id, int limit,
                           struct update_entry **out, int *n);
json_t *update_entry_json(const struct update_entry *e);

/* The upkeep of one channel at instant now. */
enum kv_rc upkeep_status(struct db *db, struct arena *ar, const struct actor *a,
                         int64_t channel_id, int64_t now, struct upkeep *out);
/* The active channels the actor can see, stalest first (the smallest
 * share of the commitment met, then the longest since the last update,
 * never first).  stale_only keeps only the stale ones.  For the
 * notifications helper: each stale item's channel.responsible_id and
 * channel.unit_id name who is told.  Arena memory. */
enum kv_rc upkeep_list(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t now, int stale_only, struct upkeep **out,
                       int *n);
json_t *upkeep_json(const struct upkeep *u);

#endif
