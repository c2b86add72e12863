/*
 * training.h - courses and completions (REQUIREMENTS.md R1.4, seed 003
 * "Kompetenskrav"): whoever is made responsible for a channel, or one of
 * its editors, must first hold a valid completion of every course marked
 * required_for_channel_roles; completions that run out are announced to
 * the person and their unit managers ahead of time.
 *
 * Who does what:
 *  - list courses: everyone signed in;
 *  - create a course: administrator, communications unit;
 *  - record a completion: administrator, communications unit, or a unit
 *    manager of the person's unit (or a unit above it);
 *  - see completions: anyone with an organisation-wide grant sees all; a
 *    unit manager those of the people in their units; everyone their own.
 * Dates are 'YYYY-MM-DD' in the organisation's time zone; a completion is
 * valid from completed_on through expires_on (NULL = never expires).
 * Returned objects live in the caller's arena.
 */
#ifndef KV_TRAINING_H
#define KV_TRAINING_H

#include "domain.h"

struct course {
	int64_t id;
	const char *name, *description;
	int64_t validity_months; /* 0 = never expires */
	int required;            /* required for channel roles */
	int64_t created_at, updated_at;
};

struct training_record {
	int64_t id, person_id, course_id, recorded_by, created_at;
	const char *completed_on, *expires_on; /* expires_on NULL = never */
	const char *person_name, *course_name; /* joined for display */
	int valid;                             /* valid today */
};

struct training_filter {
	int64_t id;        /* 0 = all; else only this completion */
	int64_t person_id; /* 0 = all visible */
	int64_t course_id; /* 0 = all */
	int limit, offset;
};

enum { KV_MAX_MANAGERS = 8 };

/* A required course that runs out (or has run out) for a person. */
struct training_alert {
	int64_t person_id, course_id;
	const char *person_name, *course_name, *expires_on;
	int expired; /* 1 when expires_on is already past */
	int64_t manager_ids[KV_MAX_MANAGERS]; /* unit managers to tell too */
	int nmanagers;
};

/* Every course of the actor's organisation, by name. */
enum kv_rc course_list(struct db *db, struct arena *ar, const struct actor *a,
                       struct course **out, int *n);
/* Creates c (administrator, communications unit); c->id set.  KV_CONFLICT
 * when the name is taken. */
enum kv_rc course_create(struct db *db, struct arena *ar, const struct actor *a,
                         struct course *c, struct verrs *v);
/* Loads course id of the actor's organisation. */
enum kv_rc course_get(struct db *db, struct arena *ar, const struct actor *a,
                      int64_t id, struct course *c);
json_t *course_json(const struct course *c);

/* Records a completion t (person_id, course_id, completed_on and, when
 * given, expires_on; otherwise completed_on + the course's validity).
 * t->id and t->expires_on set on success. */
enum kv_rc training_record(struct db *db, struct arena *ar,
                           const struct actor *a, struct training_record *t,
                           struct verrs *v);
/* Completions the actor may see, newest first; *total counts them all. */
enum kv_rc training_list(struct db *db, struct arena *ar, const struct actor *a,
                         const struct training_filter *f,
                         struct training_record **out, int *n, int64_t *total);
json_t *training_json(const struct training_record *t);

/* Required courses whose newest completion runs out within days from
 * today (or has run out), for people the actor may see: the person, and
 * the unit managers of the person's unit and the units above it, are the
 * ones to warn.  By expiry date. */
enum kv_rc training_expiring(struct db *db, struct arena *ar,
                             const struct actor *a, int days,
                             struct training_alert **out, int *n);
json_t *training_alert_json(const struct training_alert *t);

/* 1 when person_id lacks a valid completion of some required course of
 * org_id today, 0 when they hold them all (or none is required), -1 on a
 * database error. */
int training_missing(struct db *db, int64_t org_id, int64_t person_id);
/* Records (field, "has not completed the required training") in v when
 * any of the n people lacks the required training.  0, or -1 on a
 * database error. */
int training_require(struct db *db, int64_t org_id, const char *field,
                     const int64_t *ids, int n, struct verrs *v);

/* Writes today's date in org_id's time zone into out. */
void org_today(struct db *db, int64_t org_id, char out[16]);
/* Writes the local date of instant t in org_id's time zone into out. */
void org_date(struct db *db, int64_t org_id, int64_t t, char out[16]);
/* Adds months (-1200…1200) to a 'YYYY-MM-DD' date (the day is clamped to
 * the month's length: 2024-01-31 + 1 = 2024-02-29).  0, or -1 when the
 * date or the number is bad. */
int date_add_months(const char *date, int64_t months, char out[16]);

#endif
