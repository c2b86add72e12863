/*
 * cred.h - channel credentials sealed with libsodium's secretbox
 * (XSalsa20-Poly1305) under a key file that never enters the database.
 *
 * The key file holds 32 random bytes; it is made with mode 0600 on first
 * use.  Its path comes from the global `--key-file` option, else env
 * KV_KEY_FILE, else `secret.key` beside the SQLite file (var/secret.key
 * for `make run`; for PostgreSQL, var/secret.key under the working
 * directory).  The web side only seals; the worker side (sync) opens.
 * Secrets are never logged: nothing here logs a value.
 */
#ifndef KV_CRED_H
#define KV_CRED_H

#include <stddef.h>

#define CRED_KEY_BYTES 32

struct cred_key {
	unsigned char k[CRED_KEY_BYTES];
	char id[17]; /* 16 hex of the key's SHA-256: which key sealed a box */
};

/* The key file path: opt when given, else $KV_KEY_FILE, else secret.key
 * beside the SQLite file of db_url (var/secret.key otherwise).  Writes
 * into buf and returns it. */
const char *cred_key_path(const char *opt, const char *db_url, char *buf,
                          size_t n);
/* Reads the key at path; when it does not exist and create is 1, makes it
 * (32 random bytes, mode 0600, never overwriting).  0, or -1 with a
 * message in err.  A key readable by others is refused. */
int cred_key_load(const char *path, int create, struct cred_key *out, char *err,
                  size_t errlen);
/* Wipes the key from memory. */
void cred_key_wipe(struct cred_key *k);

/* Seals json: a fresh random nonce.  *nonce_hex and *box_hex are malloc'd
 * hex strings (caller frees).  0 or -1. */
int cred_seal(const struct cred_key *k, const char *json, char **nonce_hex,
              char **box_hex);
/* Opens a sealed box; the plaintext (malloc'd, caller frees it with
 * cred_free), or NULL when the key is wrong or the box was altered. */
char *cred_open(const struct cred_key *k, const char *nonce_hex,
                const char *box_hex);
/* Zeroes and frees plaintext from cred_open (NULL is fine). */
void cred_free(char *plain);

#endif
