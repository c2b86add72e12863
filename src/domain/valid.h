/*
 * valid.h - field validators shared by the domain modules.  Each records a
 * (field, reason) in verrs when the value is bad and returns 1 if it is good.
 */
#ifndef KV_VALID_H
#define KV_VALID_H

#include "domain.h"

/* Text: valid UTF-8 without control characters (newlines only when
 * multiline), at most max bytes, non-empty after trimming when required. */
int valid_text(struct verrs *v, const char *field, const char *s, int required,
               size_t max);
int valid_multiline(struct verrs *v, const char *field, const char *s,
                    size_t max);
/* A plausible address: local@domain.tld, no spaces, ≤ 254 bytes. */
int valid_email(struct verrs *v, const char *field, const char *s,
                int required);
/* NULL or "" is fine when !required; otherwise YYYY-MM-DD. */
int valid_date(struct verrs *v, const char *field, const char *s, int required);
/* s must be one of the NULL-terminated list. */
int valid_oneof(struct verrs *v, const char *field, const char *s,
                const char *const *list, const char *reason);
/* 1 for nb, nn, sv, en. */
int valid_lang(const char *s);

#endif
