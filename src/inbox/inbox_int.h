/*
 * inbox_int.h - what the files of src/inbox share and nothing outside
 * uses: who may see and work an item, the change log, the organisation's
 * zone, the triage epoch, the JSON time helpers.  See inbox.h for the
 * rules these implement.
 */
#ifndef KV_INBOX_INT_H
#define KV_INBOX_INT_H

#include "inbox.h"

#include <jansson.h>

/* Items imported or captured this long after the platform showed them
 * enter as history, not as work (inbox_intake). */
#define INBOX_HISTORY_AGE (7 * 86400)

/* 1 when a sees every channel's inbox (admin, system, any org-wide
 * grant). */
int inbox_sees_all(const struct actor *a);

/* 1 when a sees channel_id's inbox: sees all, a role in the channel's
 * unit or a unit above it, the channel's responsible person or editor.
 * (An item's assignee also sees that item: see inbox_item_visible.) */
int inbox_sees_channel(struct db *db, const struct actor *a,
                       int64_t channel_id);
/* 1 when person_id (active, of org_id) would see channel_id's inbox. */
int inbox_person_sees_channel(struct db *db, struct arena *ar, int64_t org_id,
                              int64_t person_id, int64_t channel_id);
/* 1 when a may work an item of channel channel_id assigned to assignee:
 * unit manager, channel editor, supervisor or web editor of its unit or
 * above, the channel's responsible person or editor, comms, admin, or
 * the assignee. */
int inbox_may_work(struct db *db, const struct actor *a, int64_t channel_id,
                   int64_t assignee_id);

/* Tells person_id that r (its version as stored now) is theirs; by names
 * who gave it.  Inside the caller's transaction.  0 / -1. */
int inbox_notify_assignee(struct db *db, struct arena *ar, int64_t org_id,
                          const struct inbox_row *r, int64_t person_id,
                          const char *by);

/* Appends a change log row inside the caller's transaction.  0 / -1. */
int inbox_log_add(struct db *db, int64_t org_id, int64_t item_id, int64_t at,
                  int64_t actor_id, const char *kind, const char *detail);

/* The country and zone of org_id (arena), "NO" and "Europe/Oslo" when
 * the organisation cannot be read. */
void inbox_org_zone(struct db *db, struct arena *ar, int64_t org_id,
                    const char **country, const char **tz);

/* The policy of org_id (defaults when none stored); strings static or in
 * ar.  KV_OK or KV_DBERR. */
enum kv_rc inbox_policy_load(struct db *db, struct arena *ar, int64_t org_id,
                             struct inbox_policy *p);

/* Marks org_id's rules or labels changed (the cached engine is stale),
 * inside the caller's transaction.  0 / -1. */
int inbox_epoch_bump(struct db *db, int64_t org_id);

/* Logs the failed write, rolls back, KV_DBERR. */
enum kv_rc inbox_write_failed(struct db *db, const char *what);

/* JSON of an instant: "YYYY-MM-DDTHH:MM:SSZ", null for 0. */
json_t *inbox_json_time(int64_t t);
/* JSON of an instant in zone tz with its offset, null for 0. */
json_t *inbox_json_local(const char *tz, int64_t t);
/* JSON of an id, null for 0. */
json_t *inbox_json_id(int64_t id);
/* JSON of a string or null. */
json_t *inbox_json_str(const char *s);

/* Reads column col as a double (stored REAL / DOUBLE PRECISION, selected
 * as text). */
double inbox_col_double(struct db_stmt *st, int col);

#endif
