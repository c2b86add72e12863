/*
 * rota_web.h - what the pages and API handlers of the rota, upkeep and
 * review area share (ui_rota.c, ui_upkeep.c, ui_review.c, api_rota.c).
 * The helpers live in ui_rota.c.
 */
#ifndef KV_ROTA_WEB_H
#define KV_ROTA_WEB_H

#include "web.h"
#include "../domain/review.h"
#include "../domain/rota.h"
#include "../domain/upkeep.h"

/* Loads channel r->pid for a page; on failure answers the error page
 * (404/500) and returns 0. */
int rw_channel(struct req *r, struct channel *c);
/* The crumbs, the h1 (title msgid, then the channel name and status) and
 * the links between a channel's pages; current is "channel", "rota",
 * "coverage", "updates", "review" or "close". */
void rw_channel_head(struct req *r, const struct channel *c, const char *title,
                     const char *current);
/* Writes a holiday's name in its own language (lang attribute), with
 * "(day off by custom)" after a de facto day off. */
void rw_holiday(struct req *r, const char *name, const char *lang,
                int official);
/* The organisation's zone (Europe/Oslo when unknown). */
const char *rw_tz(struct req *r);
/* Formats t as the local date "YYYY-MM-DD" (arena). */
const char *rw_date(struct req *r, int64_t t);
/* Formats t as a datetime-local value "YYYY-MM-DDTHH:MM" (arena). */
const char *rw_datetime_value(struct req *r, int64_t t);
/* Answers an HTML error page for a domain result that is not OK,
 * KV_INVALID or KV_CONFLICT. */
void rw_fail(struct req *r, enum kv_rc rc);
/* "3 per week" style text of a channel's commitment (arena). */
const char *rw_commitment(struct req *r, int64_t count, const char *period);

#endif
