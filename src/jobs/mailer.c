/*
 * mailer.c - SMTP with libcurl (see mailer.h): message building, sending
 * and the send pass over the outbox.
 *
 * TLS: smtps:// is TLS from the start; smtp:// upgrades with STARTTLS when
 * the server offers it, and REQUIRES it when a user name is configured, so
 * a password never crosses the network in the clear.  Only the smtp and
 * smtps protocols are allowed, redirects cannot happen in SMTP, and every
 * transfer has a connect timeout and a total timeout.
 *
 * At-least-once: a mail is claimed (notify.c mail_claim) before it is sent
 * and marked sent after the server accepted it; a crash between the two
 * sends it again after the claim's lease.  Message-ID stays the same on
 * every attempt, so a receiving system can see the duplicate.
 */
#include "mailer.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../domain/notify.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

void
mailer_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
mailer_global_cleanup(void)
{
	curl_global_cleanup();
}

char *
mailer_redact(const char *url, char *out, size_t n)
{
	const char *s = url ? url : "";
	const char *hostpart = strstr(s, "://");
	const char *at, *slash;
	if (hostpart == NULL) {
		snprintf(out, n, "%s", s);
		return out;
	}
	hostpart += 3;
	slash = strchr(hostpart, '/');
	at = strchr(hostpart, '@');
	if (at != NULL && (slash == NULL || at < slash))
		snprintf(out, n, "%.*s%s", (int)(hostpart - s), s, at + 1);
	else
		snprintf(out, n, "%s", s);
	return out;
}

int
mail_addr_ok(const char *addr)
{
	size_t n = addr ? strlen(addr) : 0;
	const char *at;
	if (n < 3 || n > 254)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (c <= 0x20 || c >= 0x7f || strchr("<>()[],;:\"\\", c))
			return 0;
	}
	at = strchr(addr, '@');
	return at != NULL && at != addr && at[1] != '\0' &&
	       strchr(at + 1, '@') == NULL;
}

int
mailer_check(const struct mailer_cfg *c, const char **why)
{
	if (c->url == NULL || (!str_starts(c->url, "smtp://") &&
	                       !str_starts(c->url, "smtps://"))) {
		*why = "the SMTP URL must start with smtp:// or smtps://";
		return -1;
	}
	if (strlen(c->url) > 1000 ||
	    !utf8_valid_text(c->url, strlen(c->url), 0)) {
		*why = "the SMTP URL is not usable";
		return -1;
	}
	if (!mail_addr_ok(c->from)) {
		*why = "the From address (--mail-from) is not a bare e-mail "
		       "address";
		return -1;
	}
	*why = NULL;
	return 0;
}

/* 1 when subject can stand in the header as it is. */
static int
subject_plain(const char *s)
{
	size_t n = strlen(s);
	if (n > 66 || strstr(s, "=?") != NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

int
mail_subject_encode(struct buf *out, const char *subject)
{
	/* 39 bytes give 52 base64 characters: "=?UTF-8?B?" + 52 + "?=" is
	 * 64 columns, so "Subject: " plus one word stays within 76 */
	enum { CHUNK = 39 };
	const char *s = subject ? subject : "";
	size_t n = strlen(s), i = 0;
	int first = 1;

	if (!utf8_valid_text(s, n, 0))
		return -1;
	if (subject_plain(s))
		return buf_adds(out, s);
	while (i < n) {
		char b64[80];
		size_t len = n - i < CHUNK ? n - i : CHUNK;
		/* never split a character: back up over continuation bytes */
		while (len > 0 && i + len < n &&
		       ((unsigned char)s[i + len] & 0xc0) == 0x80)
			len--;
		sodium_bin2base64(b64, sizeof(b64),
		                  (const unsigned char *)s + i, len,
		                  sodium_base64_VARIANT_ORIGINAL);
		if (!first)
			buf_adds(out, "\r\n ");
		buf_adds(out, "=?UTF-8?B?");
		buf_adds(out, b64);
		buf_adds(out, "?=");
		first = 0;
		i += len;
	}
	return out->overflow ? -1 : 0;
}

int
mail_qp_encode(struct buf *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	int col = 0;

	while (*p) {
		char enc[4];
		size_t elen;
		unsigned char c = *p;
		if (c == '\r' && p[1] == '\n') {
			p++;
			continue;
		}
		if (c == '\n') {
			buf_adds(out, "\r\n");
			col = 0;
			p++;
			continue;
		}
		/* space and tab literal, except right before a line end */
		if ((c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && p[1] != '\0' && p[1] != '\n' &&
		     p[1] != '\r')) {
			enc[0] = (char)c;
			elen = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			elen = 3;
		}
		/* a soft line break keeps lines at 76 columns with its '=' */
		if (col + (int)elen > 75) {
			buf_adds(out, "=\r\n");
			col = 0;
		}
		buf_add(out, enc, elen);
		col += (int)elen;
		p++;
	}
	return out->overflow ? -1 : 0;
}

char *
mail_date(int64_t t, char out[40])
{
	static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun",
	                                 "Mon", "Tue", "Wed"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr",
	                                  "May", "Jun", "Jul", "Aug",
	                                  "Sep", "Oct", "Nov", "Dec"};
	int y, mo, d, h, mi;
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t sec = t - days * 86400;
	time_fields(t, &y, &mo, &d, &h, &mi);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	         wd[((days % 7) + 7) % 7], d, mon[(mo - 1) % 12], y, h, mi,
	         (int)(sec % 60));
	return out;
}

int
mail_build(struct buf *out, const char *from, const char *to,
           const char *subject, const char *body, const char *message_id,
           int64_t date)
{
	char d[40];
	const char *dom;
	if (!mail_addr_ok(from) || !mail_addr_ok(to) || message_id == NULL ||
	    *message_id == '\0' ||
	    strspn(message_id, "abcdefghijklmnopqrstuvwxyz0123456789.-") !=
	        strlen(message_id))
		return -1;
	dom = strchr(from, '@') + 1;
	buf_printf(out,
	           "Date: %s\r\nFrom: kanalvakt <%s>\r\nTo: <%s>\r\n"
	           "Message-ID: <%s@%s>\r\nSubject: ",
	           mail_date(date, d), from, to, message_id, dom);
	if (mail_subject_encode(out, subject) != 0)
		return -1;
	buf_adds(out, "\r\nMIME-Version: 1.0\r\n"
	              "Content-Type: text/plain; charset=utf-8\r\n"
	              "Content-Transfer-Encoding: quoted-printable\r\n"
	              "Auto-Submitted: auto-generated\r\n\r\n");
	if (mail_qp_encode(out, body) != 0)
		return -1;
	buf_adds(out, "\r\n");
	return out->overflow ? -1 : 0;
}

struct upload {
	const char *p;
	size_t left;
	atomic_int *stop; /* for the progress callback */
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;
	if (n > u->left)
		n = u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static int
progress_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
            curl_off_t un)
{
	const struct upload *u = arg;
	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return u->stop != NULL && atomic_load(u->stop) ? 1 : 0;
}

/* Keeps the first line of curl's message, printable ASCII only. */
static void
clean_reason(char *s)
{
	for (char *p = s; *p; p++) {
		if (*p == '\r' || *p == '\n') {
			*p = '\0';
			break;
		}
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	}
}

int
mailer_send(const struct mailer_cfg *c, const char *to, const char *subject,
            const char *body, const char *message_id, char *err, size_t errlen,
            int *permanent)
{
	struct buf msg;
	struct upload up;
	struct curl_slist *rcpt = NULL;
	char ebuf[CURL_ERROR_SIZE] = "", from[300], rcpt_s[300];
	const char *why;
	CURL *h = NULL;
	CURLcode rc;
	long code = 0;
	int ret = -1;

	*permanent = 0;
	err[0] = '\0';
	buf_init(&msg, KV_MAIL_MAX_MESSAGE);
	if (mailer_check(c, &why) != 0) {
		snprintf(err, errlen, "%s", why);
		goto out;
	}
	if (!mail_addr_ok(to)) {
		snprintf(err, errlen, "the recipient address is not usable");
		*permanent = 1;
		goto out;
	}
	if (mail_build(&msg, c->from, to, subject, body, message_id,
	               time_now()) != 0) {
		snprintf(err, errlen, "the message could not be built");
		*permanent = 1;
		goto out;
	}
	snprintf(from, sizeof(from), "<%s>", c->from);
	snprintf(rcpt_s, sizeof(rcpt_s), "<%s>", to);
	up.p = msg.p;
	up.left = msg.len;
	up.stop = c->stop;
	h = curl_easy_init();
	rcpt = curl_slist_append(NULL, rcpt_s);
	if (h == NULL || rcpt == NULL) {
		snprintf(err, errlen, "libcurl could not start");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	                 (long)KV_SMTP_CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)KV_SMTP_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, &up);
	if (c->user != NULL && *c->user != '\0') {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD,
		                 c->password ? c->password : "");
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	} else {
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	}
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		ret = 0;
		goto out;
	}
	clean_reason(ebuf);
	snprintf(err, errlen, "%s%s%s", curl_easy_strerror(rc),
	         ebuf[0] ? ": " : "", ebuf);
	/* only a refused recipient is final; a refused sender, a failed
	 * login or a full disk is the server's or the configuration's
	 * problem and is worth retrying */
	*permanent = str_starts(ebuf, "RCPT failed: 5");
out:
	curl_slist_free_all(rcpt);
	if (h != NULL)
		curl_easy_cleanup(h);
	buf_cleanup(&msg);
	return ret;
}

int
mailer_pass(struct db *db, const struct mailer_cfg *c, int64_t now, int max,
            int *sent, int *failed)
{
	struct arena ar;
	struct mail *ms;
	int n, rc = 0;

	*sent = *failed = 0;
	arena_init(&ar);
	if (mail_due(db, &ar, now, max, &ms, &n) != 0) {
		log_err("mail: reading the outbox failed: %s", db_errmsg(db));
		arena_free(&ar);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char err[300];
		int perm = 0, claimed;
		if (c->stop != NULL && atomic_load(c->stop))
			break;
		claimed = mail_claim(db, &ms[i], now);
		if (claimed < 0) {
			rc = -1;
			break;
		}
		if (claimed == 0) /* another sender has it */
			continue;
		if (mailer_send(c, ms[i].to, ms[i].subject, ms[i].body,
		                ms[i].message_id, err, sizeof(err),
		                &perm) == 0) {
			(*sent)++;
			if (mail_sent(db, ms[i].id, time_now()) != 0)
				rc = -1;
			log_info("mail %lld sent", (long long)ms[i].id);
			continue;
		}
		(*failed)++;
		if (mail_failed(db, ms[i].id, err, perm, time_now()) != 0)
			rc = -1;
		log_warn("mail %lld attempt %lld failed%s: %s",
		         (long long)ms[i].id, (long long)ms[i].attempts + 1,
		         perm ? " for good" : "", err);
	}
	if (rc != 0)
		log_err("mail: recording a result failed: %s", db_errmsg(db));
	arena_free(&ar);
	return rc;
}
