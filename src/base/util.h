/*
 * util.h - small string, number, time and crypto helpers shared by all layers.
 *
 * Times in kanalvakt are int64 seconds since the Unix epoch, UTC
 * (ARCHITECTURE.md "Storage rules"); dates are "YYYY-MM-DD" strings.
 */
#ifndef KV_UTIL_H
#define KV_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* Marks a literal for translation where it is not passed straight to tr()
 * (tables, hints); tools/po-update.sh extracts it.  Expands to the literal. */
#define N_(s) s

/* Returns the current time in seconds since the epoch (UTC). */
int64_t time_now(void);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" for t into out (at least 21 bytes). */
char *time_fmt_iso(int64_t t, char out[32]);
/* Writes "YYYY-MM-DD" for t (UTC) into out. */
char *time_fmt_date(int64_t t, char out[16]);
/* Days since 1970-01-01 for a proleptic Gregorian date. */
int64_t days_from_civil(int y, unsigned m, unsigned d);
/* Parses exactly "YYYY-MM-DD" and checks the calendar; 0 or -1. */
int date_parse(const char *s, int *y, int *m, int *d);
/* Parses "YYYY-MM-DDTHH:MM:SSZ" (or with +00:00); 0 or -1. */
int time_parse_iso(const char *s, int64_t *out);

/* Offset in seconds of the zone tz from UTC at instant t.  Knows the
 * Central European zones (Europe/Oslo, Europe/Stockholm, Europe/Copenhagen,
 * Europe/Berlin: CET/CEST with the EU rule since 1996) and
 * Europe/Helsinki (EET/EEST); anything else is UTC. */
int tz_offset(const char *tz, int64_t t);
/* Breaks local time t+offset into fields. */
void time_fields(int64_t t, int *y, int *mo, int *d, int *h, int *mi);

/* Strict decimal parse of a whole string into int64; 0 or -1. */
int parse_i64(const char *s, int64_t *out);
/* Case-insensitive ASCII comparison; 1 when equal. */
int str_eq_nocase(const char *a, const char *b);
/* Returns 1 when s starts with prefix. */
int str_starts(const char *s, const char *prefix);
/* Returns 1 when s is valid UTF-8 without NUL or C0 controls other than
 * tab, CR and LF (allow_newlines) — the check every text field passes. */
int utf8_valid_text(const char *s, size_t len, int allow_newlines);
/* Number of Unicode code points in valid UTF-8 s. */
size_t utf8_len(const char *s);
/* Lower-cases ASCII letters in place; returns s. */
char *str_lower_ascii(char *s);
/* Trims ASCII white space in place at both ends; returns the new start. */
char *str_trim(char *s);

/* Fills out with 2*n hex characters of n random bytes (+NUL). */
void random_hex(char *out, size_t n);
/* Writes the lower-case hex SHA-256 of data into out[65]. */
void sha256_hex(const void *data, size_t len, char out[65]);
/* Constant-time string comparison; 1 when equal. */
int str_eq_ct(const char *a, const char *b);
/* Initialises libsodium; fatal on failure.  Idempotent. */
void crypto_setup(void);

#endif
