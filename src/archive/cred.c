/*
 * cred.c - the key file and secretbox sealing of channel credentials (see
 * cred.h).
 */
#include "cred.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *
cred_key_path(const char *opt, const char *db_url, char *buf, size_t n)
{
	const char *env = getenv("KV_KEY_FILE");
	if (opt != NULL && *opt != '\0') {
		snprintf(buf, n, "%s", opt);
	} else if (env != NULL && *env != '\0') {
		snprintf(buf, n, "%s", env);
	} else if (db_url != NULL && str_starts(db_url, "sqlite:")) {
		const char *path = db_url + 7, *slash = strrchr(path, '/');
		if (slash == NULL)
			snprintf(buf, n, "secret.key");
		else
			snprintf(buf, n, "%.*s/secret.key", (int)(slash - path),
			         path);
	} else {
		snprintf(buf, n, "var/secret.key");
	}
	return buf;
}

static void
key_id(struct cred_key *k)
{
	char hex[65];
	sha256_hex(k->k, sizeof(k->k), hex);
	memcpy(k->id, hex, 16);
	k->id[16] = '\0';
}

static int
read_all(int fd, unsigned char *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

int
cred_key_load(const char *path, int create, struct cred_key *out, char *err,
              size_t errlen)
{
	struct stat sb;
	unsigned char extra;
	int fd;

	crypto_setup();
	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT && create) {
		unsigned char k[CRED_KEY_BYTES];
		size_t off = 0;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			snprintf(err, errlen, "cannot create key file %s: %s",
			         path, strerror(errno));
			return -1;
		}
		randombytes_buf(k, sizeof(k));
		while (off < sizeof(k)) {
			ssize_t w = write(fd, k + off, sizeof(k) - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				snprintf(err, errlen, "cannot write %s: %s",
				         path, strerror(errno));
				close(fd);
				unlink(path);
				sodium_memzero(k, sizeof(k));
				return -1;
			}
			off += (size_t)w;
		}
		if (fsync(fd) != 0 || close(fd) != 0) {
			snprintf(err, errlen, "cannot write %s: %s", path,
			         strerror(errno));
			unlink(path);
			sodium_memzero(k, sizeof(k));
			return -1;
		}
		memcpy(out->k, k, sizeof(k));
		sodium_memzero(k, sizeof(k));
		key_id(out);
		return 0;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot open key file %s: %s", path,
		         strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "key file %s is not a regular file",
		         path);
		close(fd);
		return -1;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen,
		         "key file %s is readable by others (chmod 600 it)",
		         path);
		close(fd);
		return -1;
	}
	if (read_all(fd, out->k, sizeof(out->k)) != 0 ||
	    read(fd, &extra, 1) != 0) {
		snprintf(err, errlen, "key file %s must hold exactly %d bytes",
		         path, CRED_KEY_BYTES);
		close(fd);
		cred_key_wipe(out);
		return -1;
	}
	close(fd);
	key_id(out);
	return 0;
}

void
cred_key_wipe(struct cred_key *k)
{
	sodium_memzero(k, sizeof(*k));
}

static char *
to_hex(const unsigned char *p, size_t n)
{
	char *h = xmalloc(2 * n + 1);
	sodium_bin2hex(h, 2 * n + 1, p, n);
	return h;
}

int
cred_seal(const struct cred_key *k, const char *json, char **nonce_hex,
          char **box_hex)
{
	unsigned char nonce[crypto_secretbox_NONCEBYTES];
	size_t n = strlen(json);
	unsigned char *box = xmalloc(n + crypto_secretbox_MACBYTES);

	crypto_setup();
	randombytes_buf(nonce, sizeof(nonce));
	if (crypto_secretbox_easy(box, (const unsigned char *)json, n, nonce,
	                          k->k) != 0) {
		free(box);
		return -1;
	}
	*nonce_hex = to_hex(nonce, sizeof(nonce));
	*box_hex = to_hex(box, n + crypto_secretbox_MACBYTES);
	free(box);
	return 0;
}

char *
cred_open(const struct cred_key *k, const char *nonce_hex, const char *box_hex)
{
	unsigned char nonce[crypto_secretbox_NONCEBYTES];
	unsigned char *box;
	size_t nlen = 0, blen = 0, hlen;
	char *plain;

	if (nonce_hex == NULL || box_hex == NULL)
		return NULL;
	crypto_setup();
	if (sodium_hex2bin(nonce, sizeof(nonce), nonce_hex, strlen(nonce_hex),
	                   NULL, &nlen, NULL) != 0 ||
	    nlen != sizeof(nonce))
		return NULL;
	hlen = strlen(box_hex);
	if (hlen / 2 < crypto_secretbox_MACBYTES)
		return NULL;
	box = xmalloc(hlen / 2 + 1);
	if (sodium_hex2bin(box, hlen / 2 + 1, box_hex, hlen, NULL, &blen,
	                   NULL) != 0 ||
	    blen < crypto_secretbox_MACBYTES) {
		free(box);
		return NULL;
	}
	plain = xmalloc(blen - crypto_secretbox_MACBYTES + 1);
	if (crypto_secretbox_open_easy((unsigned char *)plain, box, blen, nonce,
	                               k->k) != 0) {
		free(box);
		free(plain);
		return NULL;
	}
	plain[blen - crypto_secretbox_MACBYTES] = '\0';
	free(box);
	return plain;
}

void
cred_free(char *plain)
{
	if (plain == NULL)
		return;
	sodium_memzero(plain, strlen(plain));
	free(plain);
}
