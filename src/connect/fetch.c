/*
 * fetch.c - one libcurl transfer with caps, timeouts and redaction, the
 * rate-limit headers of every platform, and jittered back-off (fetch.h).
 */
#include "fetch.h"
#include "../base/buf.h"
#include "../base/util.h"

#include <ctype.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HDR_BLOCK_MAX (64u << 10)
#define HDR_COUNT_MAX 128

void
fetch_global_init(void)
{
	static int done;
	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		done = 1;
	}
}

const char *
fetch_err_name(enum fetch_err e)
{
	switch (e) {
	case FETCH_OK:
		return "ok";
	case FETCH_E_NETWORK:
		return "network";
	case FETCH_E_TIMEOUT:
		return "timeout";
	case FETCH_E_TOOBIG:
		return "too_big";
	case FETCH_E_PARTIAL:
		return "partial";
	case FETCH_E_URL:
		return "url";
	case FETCH_E_OTHER:
		break;
	}
	return "other";
}

struct sink {
	struct buf body;
	struct buf hdrs; /* raw header block of the current (last) response */
	int toobig;
	size_t max;
};

static size_t
on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t len = sz * n;
	if (s->body.len + len > s->max || buf_add(&s->body, p, len) != 0) {
		s->toobig = 1;
		return 0; /* aborts the transfer */
	}
	return len;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t len = sz * n;
	/* a new status line starts a new response (redirects, 100-continue) */
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
		buf_reset(&s->hdrs);
	if (buf_add(&s->hdrs, p, len) != 0)
		return 0;
	return len;
}

/* Replaces every occurrence of each secret in s (malloc'd, in place). */
static char *
redact(char *s, const char *const *secrets)
{
	if (s == NULL || secrets == NULL)
		return s;
	for (int i = 0; secrets[i]; i++) {
		size_t sl = strlen(secrets[i]);
		char *hit;
		if (sl < 4)
			continue; /* too short to be a secret; avoid mangling */
		while ((hit = strstr(s, secrets[i])) != NULL) {
			size_t pre = (size_t)(hit - s);
			size_t rest = strlen(hit + sl);
			char *n = malloc(pre + 8 + rest + 1);
			if (n == NULL)
				abort();
			memcpy(n, s, pre);
			memcpy(n + pre, "[secret]", 8);
			memcpy(n + pre + 8, hit + sl, rest + 1);
			free(s);
			s = n;
		}
	}
	return s;
}

static void
parse_headers(struct fetch_resp *rs, const char *blk)
{
	const char *p = blk;
	rs->hdr = calloc(HDR_COUNT_MAX, sizeof(*rs->hdr));
	if (rs->hdr == NULL)
		abort();
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		if (colon && rs->nhdr < HDR_COUNT_MAX &&
		    !(len >= 5 && memcmp(p, "HTTP/", 5) == 0)) {
			const char *v = colon + 1;
			size_t vl;
			while (v < p + len && (*v == ' ' || *v == '\t'))
				v++;
			vl = (size_t)(p + len - v);
			while (vl > 0 &&
			       (v[vl - 1] == '\r' || v[vl - 1] == ' '))
				vl--;
			rs->hdr[rs->nhdr].name =
			    strndup(p, (size_t)(colon - p));
			rs->hdr[rs->nhdr].value = strndup(v, vl);
			if (!rs->hdr[rs->nhdr].name || !rs->hdr[rs->nhdr].value)
				abort();
			rs->nhdr++;
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
}

/* 1 when the address is one a URL from outside may lead to. */
static int
addr_public(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const unsigned char *b =
		    (const unsigned char *)&(
		        (const struct sockaddr_in *)(const void *)sa)
		        ->sin_addr;
		return !(b[0] == 0 || b[0] == 10 || b[0] == 127 ||
		         (b[0] == 100 && (b[1] & 0xC0) == 64) ||
		         (b[0] == 169 && b[1] == 254) ||
		         (b[0] == 172 && (b[1] & 0xF0) == 16) ||
		         (b[0] == 192 && b[1] == 168) || b[0] >= 224);
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		const unsigned char *b = a->s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a)) {
			struct sockaddr_in v4;
			memset(&v4, 0, sizeof(v4));
			v4.sin_family = AF_INET;
			memcpy(&v4.sin_addr, b + 12, 4);
			return addr_public(
			    (const struct sockaddr *)(const void *)&v4);
		}
		return !(IN6_IS_ADDR_UNSPECIFIED(a) ||
		         IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
		         IN6_IS_ADDR_SITELOCAL(a) || IN6_IS_ADDR_MULTICAST(a) ||
		         (b[0] & 0xFE) == 0xFC);
	}
	return 0;
}

/* CURLOPT_OPENSOCKETFUNCTION for public_only: refuses the connection to
 * any address that is not public (checked after DNS, so a name that
 * resolves to 127.0.0.1 is refused too). */
static curl_socket_t
open_public(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	int *refused = ud;
	(void)purpose;
	if (!addr_public(&a->addr)) {
		*refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static int
url_ok(const char *u)
{
	return u && (strncmp(u, "http://", 7) == 0 ||
	             strncmp(u, "https://", 8) == 0);
}

int
fetch_do(const struct fetch_req *rq, struct fetch_resp *rs)
{
	struct sink s;
	struct curl_slist *hl = NULL;
	struct buf reqh;
	CURL *h;
	CURLcode cc;
	const char *method = rq->method ? rq->method : "GET";
	char *eff = NULL;
	double secs = 0;
	int refused = 0;
	int rc = -1;

	memset(rs, 0, sizeof(*rs));
	rs->started_at = time_now();
	s.max = rq->max_body ? rq->max_body : FETCH_MAX_BODY;
	s.toobig = 0;
	buf_init(&s.body, s.max + 1);
	buf_init(&s.hdrs, HDR_BLOCK_MAX);
	buf_init(&reqh, HDR_BLOCK_MAX);

	{
		size_t n = strlen(method) + strlen(rq->url ? rq->url : "") + 2;
		rs->req_line = malloc(n);
		if (rs->req_line == NULL)
			abort();
		snprintf(rs->req_line, n, "%s %s", method,
		         rq->url ? rq->url : "");
		rs->req_line = redact(rs->req_line, rq->secrets);
	}
	if (!url_ok(rq->url)) {
		rs->err = FETCH_E_URL;
		snprintf(rs->errmsg, sizeof(rs->errmsg), "not an http(s) URL");
		goto out_noh;
	}

	h = curl_easy_init();
	if (h == NULL) {
		rs->err = FETCH_E_OTHER;
		snprintf(rs->errmsg, sizeof(rs->errmsg),
		         "curl_easy_init failed");
		goto out_noh;
	}
	for (int i = 0; i < FETCH_MAX_HEADERS && rq->headers[i]; i++) {
		hl = curl_slist_append(hl, rq->headers[i]);
		buf_printf(&reqh, "%s\r\n", rq->headers[i]);
	}
	/* no "Expect: 100-continue" round trip on bodies */
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, rq->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
	                 rq->timeout_ms > 0 ? rq->timeout_ms : 30000L);
	curl_easy_setopt(h, CURLOPT_USERAGENT,
	                 "kanalvakt/0.4 (+https://kanalvakt.example/)");
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS,
	                 CURLPROTO_HTTP | CURLPROTO_HTTPS);
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS,
	                 CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, rq->follow ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
	if (rq->userpwd) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERPWD, rq->userpwd);
		buf_adds(&reqh, "Authorization: Basic [secret]\r\n");
	}
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		if (rq->body || strcmp(method, "POST") == 0 ||
		    strcmp(method, "PUT") == 0) {
			curl_easy_setopt(h, CURLOPT_POST, 1L);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS,
			                 rq->body ? (const char *)rq->body
			                          : "");
			curl_easy_setopt(
			    h, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)(rq->body ? rq->body_len : 0));
		}
	}

	if (rq->public_only) {
		curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_public);
		curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &refused);
	}
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &secs);
	rs->seconds = secs;
	if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK &&
	    eff)
		rs->effective_url = strdup(eff);
	switch (cc) {
	case CURLE_OK:
		rs->err = FETCH_OK;
		rc = 0;
		break;
	case CURLE_WRITE_ERROR:
		rs->err = s.toobig ? FETCH_E_TOOBIG : FETCH_E_OTHER;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		rs->err = FETCH_E_TIMEOUT;
		break;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		rs->err = rs->status ? FETCH_E_PARTIAL : FETCH_E_NETWORK;
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_TOO_MANY_REDIRECTS:
		rs->err = FETCH_E_URL;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
		rs->err = FETCH_E_NETWORK;
		break;
	default:
		rs->err = FETCH_E_OTHER;
		break;
	}
	if (rc != 0 && refused) {
		rs->err = FETCH_E_URL;
		snprintf(rs->errmsg, sizeof(rs->errmsg),
		         "url: refused: not a public address");
	} else if (rc != 0)
		snprintf(rs->errmsg, sizeof(rs->errmsg), "%s: %s",
		         fetch_err_name(rs->err),
		         s.toobig ? "body larger than the cap"
		                  : curl_easy_strerror(cc));
	curl_easy_cleanup(h);
	curl_slist_free_all(hl);

out_noh:
	rs->resp_headers = strdup(buf_str(&s.hdrs));
	if (rs->resp_headers == NULL)
		abort();
	parse_headers(rs, rs->resp_headers);
	rs->len = s.body.len;
	rs->body = buf_detach(&s.body, NULL);
	if (rs->body == NULL) {
		rs->body = strdup("");
		if (rs->body == NULL)
			abort();
	}
	rs->req_headers = redact(strdup(buf_str(&reqh)), rq->secrets);
	if (rs->req_headers == NULL)
		abort();
	buf_cleanup(&s.hdrs);
	buf_cleanup(&reqh);
	return rc;
}

void
fetch_resp_free(struct fetch_resp *rs)
{
	for (int i = 0; i < rs->nhdr; i++) {
		free(rs->hdr[i].name);
		free(rs->hdr[i].value);
	}
	free(rs->hdr);
	free(rs->body);
	free(rs->effective_url);
	free(rs->req_line);
	free(rs->req_headers);
	free(rs->resp_headers);
	memset(rs, 0, sizeof(*rs));
}

const char *
fetch_header(const struct fetch_resp *rs, const char *name)
{
	for (int i = rs->nhdr - 1; i >= 0; i--)
		if (str_eq_nocase(rs->hdr[i].name, name))
			return rs->hdr[i].value;
	return NULL;
}

char *
url_escape(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			if (o + 1 >= outlen)
				return NULL;
			out[o++] = (char)c;
		} else {
			if (o + 3 >= outlen)
				return NULL;
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (o >= outlen)
		return NULL;
	out[o] = 0;
	return out;
}

/* --- rate limits ------------------------------------------------------- */

static const char *const mon_names[] = {"Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec"};

static int
month_of(const char *m)
{
	for (int i = 0; i < 12; i++)
		if (strncasecmp(m, mon_names[i], 3) == 0)
			return i + 1;
	return -1;
}

/* A zone after a time: Z, +HH:MM, +HHMM, +HH, or a name; seconds east of
 * UTC in *off.  Returns 0, -1 when unknown.  An empty zone is UTC. */
static int
zone_of(const char *z, int *off)
{
	static const struct {
		const char *n;
		int h;
	} names[] = {{"GMT", 0},  {"UT", 0},   {"UTC", 0},  {"Z", 0},
	             {"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5},
	             {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7},
	             {"CET", 1},  {"CEST", 2}};
	while (*z == ' ')
		z++;
	*off = 0;
	if (*z == 0)
		return 0;
	if (*z == '+' || *z == '-') {
		int sign = *z == '-' ? -1 : 1, hh = 0, mm = 0;
		const char *p = z + 1;
		if (!isdigit((unsigned char)p[0]) ||
		    !isdigit((unsigned char)p[1]))
			return -1;
		hh = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)p[0]) &&
		    isdigit((unsigned char)p[1])) {
			mm = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
		if (hh > 23 || mm > 59)
			return -1;
		*off = sign * (hh * 3600 + mm * 60);
		return 0;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(z, names[i].n) == 0) {
			*off = names[i].h * 3600;
			return 0;
		}
	return -1;
}

static int64_t
civil(int y, int m, int d, int h, int mi, int se)
{
	return days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + h * 3600 +
	       mi * 60 + se;
}

static int
fields_ok(int y, int m, int d, int h, int mi, int se)
{
	return y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 &&
	       se <= 60;
}

int
time_parse_web(const char *s, int64_t *out)
{
	int y, m, d, h = 0, mi = 0, se = 0, n = 0, off = 0;
	char mon[4], zone[16];
	if (s == NULL)
		return -1;
	while (*s == ' ')
		s++;
	/* ISO 8601 */
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10) {
		const char *p = s + 10;
		if (*p == 0) {
			if (!fields_ok(y, m, d, 0, 0, 0))
				return -1;
			*out = civil(y, m, d, 0, 0, 0);
			return 0;
		}
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		p++;
		n = 0;
		if (sscanf(p, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
			return -1;
		p += 5;
		if (*p == ':') {
			if (!isdigit((unsigned char)p[1]) ||
			    !isdigit((unsigned char)p[2]))
				return -1;
			se = (p[1] - '0') * 10 + (p[2] - '0');
			p += 3;
		}
		if (*p == '.' || *p == ',') {
			p++;
			while (isdigit((unsigned char)*p))
				p++;
		}
		if (!fields_ok(y, m, d, h, mi, se) || zone_of(p, &off) != 0)
			return -1;
		*out = civil(y, m, d, h, mi, se) - off;
		return 0;
	}
	/* X archive: "Fri Feb 20 09:10:58 +0000 2026" */
	if (sscanf(s, "%*3s %3s %d %d:%d:%d %15s %d", mon, &d, &h, &mi, &se,
	           zone, &y) == 7) {
		m = month_of(mon);
		if (m < 0 || !fields_ok(y, m, d, h, mi, se) ||
		    zone_of(zone, &off) != 0)
			return -1;
		*out = civil(y, m, d, h, mi, se) - off;
		return 0;
	}
	/* RFC 822/1123, with or without the day name and the seconds */
	{
		const char *p = s;
		const char *comma = strchr(s, ',');
		if (comma && comma - s <= 9)
			p = comma + 1;
		zone[0] = 0;
		n = sscanf(p, "%d %3s %d %d:%d:%d %15s", &d, mon, &y, &h, &mi,
		           &se, zone);
		if (n < 6) {
			zone[0] = 0;
			se = 0;
			n = sscanf(p, "%d %3s %d %d:%d %15s", &d, mon, &y, &h,
			           &mi, zone);
			if (n < 5)
				return -1;
		}
		if (y < 100)
			y += y < 70 ? 2000 : 1900;
		m = month_of(mon);
		if (m < 0 || !fields_ok(y, m, d, h, mi, se) ||
		    zone_of(zone, &off) != 0)
			return -1;
		*out = civil(y, m, d, h, mi, se) - off;
		return 0;
	}
}

/* A reset value: ISO 8601, epoch seconds, or (small) a delta. */
static int64_t
reset_value(const char *v, int64_t now)
{
	int64_t t;
	if (v == NULL)
		return 0;
	if (parse_i64(v, &t) == 0) {
		if (t > 1000000000)
			return t; /* epoch seconds */
		return now + t;   /* seconds from now */
	}
	if (time_parse_web(v, &t) == 0)
		return t;
	return 0;
}

static int64_t
num_or(const char *v, int64_t dflt)
{
	int64_t t;
	return v && parse_i64(v, &t) == 0 ? t : dflt;
}

/* Meta's usage JSON: the largest percentage anywhere in it, and the
 * largest estimated_time_to_regain_access (minutes). */
static void
meta_usage(json_t *j, int *pct, int64_t *regain_min)
{
	const char *k;
	json_t *v;
	size_t i;
	if (json_is_object(j)) {
		json_object_foreach(j, k, v)
		{
			if (json_is_integer(v) || json_is_real(v)) {
				double d = json_number_value(v);
				/* percentages and minutes: keep what a header
				 * may say within sane bounds (no UB on 1e300)
				 */
				if (!(d >= 0))
					d = 0;
				if (d > 1e6)
					d = 1e6;
				if (strcmp(k,
				           "estimated_time_to_regain_access") ==
				    0) {
					if ((int64_t)d > *regain_min)
						*regain_min = (int64_t)d;
				} else if (strcmp(k, "call_count") == 0 ||
				           strcmp(k, "total_cputime") == 0 ||
				           strcmp(k, "total_time") == 0 ||
				           strstr(k, "pct") != NULL) {
					if ((int)d > *pct)
						*pct = (int)d;
				}
			} else {
				meta_usage(v, pct, regain_min);
			}
		}
	} else if (json_is_array(j)) {
		for (i = 0; i < json_array_size(j); i++)
			meta_usage(json_array_get(j, i), pct, regain_min);
	}
}

void
ratelimit_parse(const struct fetch_resp *rs, int64_t now, struct ratelimit *rl)
{
	static const char *const pre[] = {"X-RateLimit-", "x-rate-limit-",
	                                  "RateLimit-"};
	const char *v;
	rl->limit = rl->remaining = -1;
	rl->reset_at = 0;
	rl->retry_after = -1;
	rl->usage_pct = -1;
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		char n[48];
		snprintf(n, sizeof(n), "%sLimit", pre[i]);
		if ((v = fetch_header(rs, n)) != NULL)
			rl->limit = num_or(v, -1);
		snprintf(n, sizeof(n), "%sRemaining", pre[i]);
		if ((v = fetch_header(rs, n)) != NULL)
			rl->remaining = num_or(v, -1);
		snprintf(n, sizeof(n), "%sReset", pre[i]);
		if ((v = fetch_header(rs, n)) != NULL)
			rl->reset_at = reset_value(v, now);
	}
	if ((v = fetch_header(rs, "Retry-After")) != NULL) {
		int64_t t;
		if (parse_i64(v, &t) == 0 && t >= 0)
			rl->retry_after = t;
		else if (time_parse_web(v, &t) == 0)
			rl->retry_after = t > now ? t - now : 0;
	}
	{
		static const char *const meta[] = {"X-App-Usage",
		                                   "X-Business-Use-Case-Usage",
		                                   "X-Ad-Account-Usage"};
		for (size_t i = 0; i < 3; i++) {
			json_t *j;
			int pct = -1;
			int64_t regain = 0;
			if ((v = fetch_header(rs, meta[i])) == NULL)
				continue;
			j = json_loads(v, 0, NULL);
			if (j == NULL)
				continue;
			meta_usage(j, &pct, &regain);
			json_decref(j);
			if (pct > rl->usage_pct)
				rl->usage_pct = pct;
			if (regain > 0 && rl->retry_after < regain * 60)
				rl->retry_after = regain * 60;
		}
	}
}

int64_t
ratelimit_wait(const struct ratelimit *rl, int64_t now, int64_t fallback)
{
	int64_t w = fallback;
	if (rl->retry_after >= 0)
		w = rl->retry_after;
	else if (rl->reset_at > now)
		w = rl->reset_at - now;
	return w < 1 ? 1 : w;
}

int64_t
backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms)
{
	int64_t hi = base_ms;
	for (int i = 0; i < attempt && hi < cap_ms; i++)
		hi *= 2;
	if (hi > cap_ms)
		hi = cap_ms;
	if (hi <= base_ms)
		return base_ms;
	return base_ms +
	       (int64_t)randombytes_uniform((uint32_t)(hi - base_ms + 1));
}
