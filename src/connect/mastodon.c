/*
 * mastodon.c - the Mastodon connector (conn_mastodon): one account on one
 * instance through the client REST API with a user access token.
 *
 * sync reads, in this order, so an item found twice in one run is emitted
 * once (the first reading wins):
 *   1. our own statuses (GET /api/v1/accounts/:id/statuses, newest first,
 *      Link-header paging back to the since_id kept in state);
 *   2. the replies to our recent posts (GET /api/v1/statuses/:id/context,
 *      descendants), with a complete listing of each post's direct replies;
 *   3. mentions and direct messages (GET /api/v1/notifications with
 *      types[]=mention, paging back to the since_id kept in state).
 * Cursors move in state only after their listing was read to the end.
 *
 * Mastodon has no way to hide a reply and no way to delete another
 * account's status; moderate says so (CONN_E_UNSUPPORTED).  Items carry the
 * status JSON exactly as received (jspan.h).
 */
#include "mastodon.h"
#include "jutil.h"
#include "jspan.h"
#include "../base/buf.h"
#include "../base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define M_PAGE_LIMIT "40"
#define M_WATCH      20           /* recent own posts whose replies we read */
#define M_MEDIA_MAX  (100u << 20) /* Mastodon's own video cap is 99 MB */
#define M_MEDIA_POLL 10           /* GET /api/v1/media/:id while processing */

/* --- small helpers ----------------------------------------------------- */

/* Copies s into out[n] ("" when NULL or too long). */
static void
copy_id(char *out, size_t n, const char *s)
{
	if (s == NULL || strlen(s) >= n)
		out[0] = 0;
	else
		memcpy(out, s, strlen(s) + 1);
}

/* The instance's host ("mastodon.example"), from base_url, into out. */
static void
base_host(const struct conn_ctx *ctx, char *out, size_t n)
{
	const char *b = ctx->base_url ? ctx->base_url : "";
	const char *h = strstr(b, "://");
	size_t l;
	h = h ? h + 3 : b;
	l = strcspn(h, "/");
	if (l >= n)
		l = n - 1;
	memcpy(out, h, l);
	out[l] = 0;
}

/* Appends s percent-encoded as application/x-www-form-urlencoded wants. */
static void
form_enc(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~') {
			buf_addc(b, (char)*p);
		} else if (*p == ' ') {
			buf_addc(b, '+');
		} else {
			buf_addc(b, '%');
			buf_addc(b, hex[*p >> 4]);
			buf_addc(b, hex[*p & 15]);
		}
	}
}

/* Appends one name=value pair to a form body. */
static void
form_add(struct buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		buf_addc(b, '&');
	form_enc(b, name);
	buf_addc(b, '=');
	form_enc(b, value);
}

/* Mastodon ids are decimal strings that grow with time: a > b? */
static int
id_newer(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	return la != lb ? la > lb : strcmp(a, b) > 0;
}

/* The value of param in the rel="next" URL of a Link header, into out;
 * 1 when found. */
static int
link_next(const char *link, const char *param, char *out, size_t n)
{
	const char *p = link;
	while (p && (p = strchr(p, '<')) != NULL) {
		const char *e = strchr(p, '>');
		const char *q;
		size_t plen = strlen(param);
		if (e == NULL)
			return 0;
		q = e + 1;
		while (*q == ' ' || *q == ';')
			q++;
		if (strncmp(q, "rel=\"next\"", 10) == 0 ||
		    strncmp(q, "rel=next", 8) == 0) {
			for (q = p + 1; q < e; q++) {
				if ((q[-1] == '?' || q[-1] == '&') &&
				    (size_t)(e - q) > plen &&
				    strncmp(q, param, plen) == 0 &&
				    q[plen] == '=') {
					size_t l = strcspn(q + plen + 1, "&>");
					if (l == 0 || l >= n)
						return 0;
					memcpy(out, q + plen + 1, l);
					out[l] = 0;
					return 1;
				}
			}
			return 0;
		}
		p = e + 1;
	}
	return 0;
}

/* --- requests ---------------------------------------------------------- */

/*
 * One call to the instance: method, path+query below base_url, an
 * optional body of content type ctype, an optional Idempotency-Key.
 * rs is the caller's (fetch_resp_free it whatever the rc).
 */
static enum conn_rc
m_call(struct conn_ctx *ctx, const char *method, const char *path,
       const char *ctype, const void *body, size_t blen, const char *idem,
       struct fetch_resp *rs)
{
	struct fetch_req rq = {0};
	const char *tok = conn_cred(ctx, "access_token");
	struct buf url, auth, ct, ik;
	enum conn_rc rc;
	size_t bl;
	int h = 0;

	memset(rs, 0, sizeof(*rs));
	if (ctx->base_url == NULL || *ctx->base_url == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "base_url",
		                 "the channel has no instance URL (base_url)");
	if (tok == NULL)
		return conn_fail(ctx, CONN_E_AUTH, "no_token",
		                 "the channel has no access token");
	buf_init(&url, 8192);
	buf_init(&auth, 4096);
	buf_init(&ct, 512);
	buf_init(&ik, 512);
	bl = strlen(ctx->base_url);
	while (bl > 0 && ctx->base_url[bl - 1] == '/')
		bl--;
	buf_add(&url, ctx->base_url, bl);
	buf_adds(&url, path);
	buf_printf(&auth, "Authorization: Bearer %s", tok);
	rq.method = method;
	rq.url = buf_str(&url);
	rq.headers[h++] = buf_str(&auth);
	rq.headers[h++] = "Accept: application/json";
	if (ctype) {
		buf_printf(&ct, "Content-Type: %s", ctype);
		rq.headers[h++] = buf_str(&ct);
	}
	if (idem) {
		buf_printf(&ik, "Idempotency-Key: %s", idem);
		rq.headers[h++] = buf_str(&ik);
	}
	rq.body = body;
	rq.body_len = blen;
	rq.secrets[0] = tok;
	if (url.overflow || auth.overflow || ct.overflow || ik.overflow)
		rc = conn_fail(ctx, CONN_E_CONFIG, "too_long",
		               "request line or header too long");
	else
		rc = conn_request(ctx, &rq, rs);
	buf_cleanup(&url);
	buf_cleanup(&auth);
	buf_cleanup(&ct);
	buf_cleanup(&ik);
	return rc;
}

/* Reads a Mastodon error ({"error", "error_description"}) into ctx->err. */
static int
m_classify(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	json_t *j;
	const char *e = NULL, *d = NULL;
	long st = rs->status;
	enum conn_rc rc;
	const char *code;

	if (st < 400)
		return 0;
	j = json_loadb(rs->body, rs->len, 0, NULL);
	if (json_is_object(j)) {
		e = conn_jstr(j, "error");
		d = conn_jstr(j, "error_description");
	}
	if (st == 401) {
		rc = CONN_E_AUTH, code = "unauthorized";
	} else if (st == 403) {
		rc = CONN_E_PLATFORM, code = "forbidden";
	} else if (st == 404 || st == 410) {
		rc = CONN_E_NOTFOUND, code = "not_found";
	} else if (st == 422) {
		rc = CONN_E_PLATFORM, code = "unprocessable";
	} else if (st == 429) {
		rc = CONN_E_RATELIMIT, code = "rate_limited";
	} else if (st >= 500) {
		rc = CONN_E_NETWORK, code = "server_error";
	} else {
		rc = CONN_E_PLATFORM, code = "bad_request";
	}
	/* a 403 about the token's scopes is an authorisation problem */
	if (st == 403 && e && strstr(e, "scope"))
		rc = CONN_E_AUTH;
	if (e && d)
		conn_fail(ctx, rc, code, "%s: %s", e, d);
	else if (e || d)
		conn_fail(ctx, rc, code, "%s", e ? e : d);
	else
		conn_fail(ctx, rc, code, "HTTP %ld from the instance", st);
	json_decref(j);
	return 1;
}

/* --- items ------------------------------------------------------------- */

/* A MIME type for an attachment: from its file name, else its kind. */
static const char *
media_mime(const char *type, const char *url)
{
	static const struct {
		const char *ext, *mime;
	} ext[] = {{".jpg", "image/jpeg"},      {".jpeg", "image/jpeg"},
	           {".png", "image/png"},       {".gif", "image/gif"},
	           {".webp", "image/webp"},     {".avif", "image/avif"},
	           {".mp4", "video/mp4"},       {".webm", "video/webm"},
	           {".mov", "video/quicktime"}, {".mp3", "audio/mpeg"},
	           {".ogg", "audio/ogg"},       {".m4a", "audio/mp4"}};
	const char *dot = url ? strrchr(url, '.') : NULL;
	for (size_t i = 0; dot && i < sizeof(ext) / sizeof(ext[0]); i++)
		if (str_eq_nocase(dot, ext[i].ext))
			return ext[i].mime;
	if (type == NULL)
		return NULL;
	if (strcmp(type, "image") == 0)
		return "image/*";
	if (strcmp(type, "gifv") == 0)
		return "video/mp4";
	if (strcmp(type, "video") == 0)
		return "video/*";
	if (strcmp(type, "audio") == 0)
		return "audio/*";
	return NULL;
}

/*
 * Emits one status.  type is the caller's guess (post, comment, reply,
 * mention); a "direct" status becomes ITEM_DM.  raw is its span in the
 * body (NULL: the JSON is re-serialised).  Returns CONN_OK or
 * CONN_E_PLATFORM when on_item stopped the cycle.
 */
static enum conn_rc
emit_status(struct conn_ctx *ctx, json_t *st, const struct jspan *raw,
            enum item_type type, const char *parent, const char *thread,
            json_t *seen)
{
	struct item it;
	json_t *acc = json_object_get(st, "account"), *media, *m;
	const char *me = conn_state(ctx, "account_id");
	const char *acct = conn_jstr(acc, "acct");
	const char *vis = conn_jstr(st, "visibility");
	char host[256], handle[512];
	char *text, *rawc;
	size_t i;
	int stop;

	item_init(&it);
	it.id = conn_jstr(st, "id");
	if (it.id == NULL)
		return CONN_OK;
	if (seen && json_object_get(seen, it.id))
		return CONN_OK;
	it.type = vis && strcmp(vis, "direct") == 0 ? ITEM_DM : type;
	it.parent_id = parent ? parent : conn_jstr(st, "in_reply_to_id");
	it.thread_id = thread;
	it.author_id = conn_jstr(acc, "id");
	base_host(ctx, host, sizeof(host));
	if (acct && strchr(acct, '@'))
		snprintf(handle, sizeof(handle), "@%s", acct);
	else
		snprintf(handle, sizeof(handle), "@%s@%s", acct ? acct : "?",
		         host);
	it.author_handle = acct ? handle : NULL;
	it.author_name = conn_jstr(acc, "display_name");
	it.inbound = !(me && it.author_id && strcmp(me, it.author_id) == 0);
	it.html = json_string_value(json_object_get(st, "content"));
	text = html_to_text(it.html);
	it.text = text;
	it.lang = conn_jstr(st, "language");
	if (conn_jstr(st, "created_at"))
		time_parse_web(conn_jstr(st, "created_at"), &it.created_at);
	if (conn_jstr(st, "edited_at"))
		time_parse_web(conn_jstr(st, "edited_at"), &it.edited_at);
	it.url =
	    conn_jstr(st, "url") ? conn_jstr(st, "url") : conn_jstr(st, "uri");
	media = json_object_get(st, "media_attachments");
	json_array_foreach(media, i, m)
	{
		struct item_media *im;
		if (it.nmedia >= ITEM_MAX_MEDIA)
			break;
		im = &it.media[it.nmedia++];
		im->url = conn_jstr(m, "url") ? conn_jstr(m, "url")
		                              : conn_jstr(m, "remote_url");
		im->mime = media_mime(conn_jstr(m, "type"), im->url);
		im->alt = conn_jstr(m, "description");
	}
	it.likes = conn_jint(st, "favourites_count");
	it.replies = conn_jint(st, "replies_count");
	it.shares = conn_jint(st, "reblogs_count");
	rawc = raw ? jspan_dup(raw)
	           : json_dumps(st, JSON_COMPACT | JSON_PRESERVE_ORDER);
	it.raw = rawc;
	it.raw_type = "application/json";
	stop = conn_emit(ctx, &it);
	if (seen)
		json_object_set_new(seen, it.id, json_true());
	free(text);
	free(rawc);
	if (stop)
		return conn_fail(ctx, CONN_E_PLATFORM, "stopped",
		                 "the caller stopped the cycle");
	return CONN_OK;
}

enum conn_rc
mastodon_parse(struct conn_ctx *ctx, enum mastodon_body kind, const char *body,
               size_t len, const char *post_id, json_t *seen,
               struct mastodon_page *pg)
{
	struct fetch_resp fake = {0};
	struct jspan root, arr, el, sub;
	json_t *j, *list, *e;
	const char **kids = NULL;
	int nkids = 0, have_span;
	enum conn_rc rc = CONN_OK;
	size_t i, pos = 0;

	pg->n = 0;
	pg->first_id[0] = pg->last_id[0] = 0;
	fake.body = (char *)(uintptr_t)body;
	fake.len = len;
	j = conn_json(ctx, &fake);
	if (j == NULL)
		return CONN_E_MALFORMED;
	have_span = jspan_root(body, len, &root) == 0;
	if (kind == MASTODON_CONTEXT) {
		list = json_object_get(j, "descendants");
		if (!json_is_object(j) || !json_is_array(list)) {
			json_decref(j);
			return conn_fail(ctx, CONN_E_MALFORMED, "shape",
			                 "a context without descendants[]");
		}
		have_span =
		    have_span && jspan_key(&root, "descendants", &arr) == 1;
		kids = calloc(json_array_size(list) + 1, sizeof(*kids));
		if (kids == NULL) {
			json_decref(j);
			return conn_fail(ctx, CONN_E_MALFORMED, "memory",
			                 "out of memory");
		}
	} else {
		list = j;
		arr = root;
		if (!json_is_array(list)) {
			json_decref(j);
			return conn_fail(ctx, CONN_E_MALFORMED, "shape",
			                 "the instance sent no list");
		}
	}
	json_array_foreach(list, i, e)
	{
		json_t *st = e;
		const struct jspan *raw = NULL;
		enum item_type type = ITEM_POST;
		const char *parent = NULL;
		if (have_span && jspan_next(&arr, &pos, &el) == 1)
			raw = &el;
		else
			have_span = 0;
		if (!json_is_object(e))
			continue;
		pg->n++;
		if (i == 0)
			copy_id(pg->first_id, sizeof(pg->first_id),
			        conn_jstr(e, "id"));
		copy_id(pg->last_id, sizeof(pg->last_id), conn_jstr(e, "id"));
		if (kind == MASTODON_NOTIFICATIONS) {
			const char *nt = conn_jstr(e, "type");
			st = json_object_get(e, "status");
			if (!json_is_object(st) || nt == NULL ||
			    strcmp(nt, "mention") != 0)
				continue;
			type = ITEM_MENTION;
			if (raw && jspan_key(raw, "status", &sub) == 1)
				raw = &sub;
			else
				raw = NULL;
		} else if (kind == MASTODON_CONTEXT) {
			const char *irt = conn_jstr(e, "in_reply_to_id");
			parent = irt;
			type = irt && post_id && strcmp(irt, post_id) == 0
			           ? ITEM_COMMENT
			           : ITEM_REPLY;
			if (type == ITEM_COMMENT && conn_jstr(e, "id"))
				kids[nkids++] = conn_jstr(e, "id");
		} else {
			/* a boost is someone else's status */
			if (json_is_object(json_object_get(e, "reblog")))
				continue;
			if (pg->ids && conn_jstr(e, "id"))
				json_array_append_new(
				    pg->ids, json_string(conn_jstr(e, "id")));
		}
		rc = emit_status(ctx, st, raw, type, parent,
		                 kind == MASTODON_CONTEXT ? post_id : NULL,
		                 seen);
		if (rc != CONN_OK)
			break;
	}
	if (rc == CONN_OK && kind == MASTODON_CONTEXT && post_id &&
	    conn_emit_listing(ctx, post_id, kids, nkids) != 0)
		rc = conn_fail(ctx, CONN_E_PLATFORM, "stopped",
		               "the caller stopped the cycle");
	free(kids);
	json_decref(j);
	return rc;
}

/* --- operations -------------------------------------------------------- */

/* GET verify_credentials: the account object (caller decrefs) or NULL. */
static json_t *
verify(struct conn_ctx *ctx, enum conn_rc *rc)
{
	struct fetch_resp rs;
	json_t *j = NULL;
	*rc = m_call(ctx, "GET", "/api/v1/accounts/verify_credentials", NULL,
	             NULL, 0, NULL, &rs);
	if (*rc == CONN_OK) {
		j = conn_json(ctx, &rs);
		if (j && (!json_is_object(j) || conn_jstr(j, "id") == NULL)) {
			json_decref(j);
			j = NULL;
			conn_fail(ctx, CONN_E_MALFORMED, "shape",
			          "verify_credentials without an id");
		}
		if (j == NULL)
			*rc = CONN_E_MALFORMED;
	}
	fetch_resp_free(&rs);
	return j;
}

static enum conn_rc
m_check_auth(struct conn_ctx *ctx)
{
	enum conn_rc rc;
	json_t *acc;
	const char *want = conn_cfg(ctx, "account");
	if (conn_cfg(ctx, "base_url") == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "base_url",
		                 "Mastodon needs the instance URL (base_url)");
	acc = verify(ctx, &rc);
	if (acc == NULL)
		return rc;
	if (want && strcmp(want, conn_jstr(acc, "id")) != 0) {
		rc = conn_fail(ctx, CONN_E_AUTH, "other_account",
		               "the token belongs to account %s, not %s",
		               conn_jstr(acc, "id"), want);
	} else {
		conn_state_set(ctx, "account_id", conn_jstr(acc, "id"));
		conn_state_set(ctx, "acct", conn_jstr(acc, "acct"));
	}
	json_decref(acc);
	return rc;
}

/* The account id: state, config or verify_credentials.  NULL: ctx->err. */
static const char *
account_id(struct conn_ctx *ctx)
{
	if (conn_cfg(ctx, "base_url") == NULL) {
		conn_fail(ctx, CONN_E_CONFIG, "base_url",
		          "Mastodon needs the instance URL (base_url)");
		return NULL;
	}
	if (conn_state(ctx, "account_id") == NULL && conn_cfg(ctx, "account"))
		conn_state_set(ctx, "account_id", conn_cfg(ctx, "account"));
	if (conn_state(ctx, "account_id") == NULL &&
	    m_check_auth(ctx) != CONN_OK)
		return NULL;
	return conn_state(ctx, "account_id");
}

/*
 * Reads a newest-first listing page by page (max_id from the Link
 * header), back to the since_id kept in state under key.  Advances that
 * cursor only when the listing was read to the end (or, on the very first
 * run, after max_pages: older history is an import's job).
 */
static enum conn_rc
paged(struct conn_ctx *ctx, enum mastodon_body kind, const char *base_path,
      const char *key, json_t *seen, json_t *ids)
{
	char since[64], maxid[64] = "", newest[64] = "";
	int page, complete = 0;
	copy_id(since, sizeof(since), conn_state(ctx, key));
	for (page = 0; page < ctx->max_pages; page++) {
		struct fetch_resp rs;
		struct mastodon_page pg = {0};
		struct buf path;
		enum conn_rc rc;
		const char *link;
		buf_init(&path, 4096);
		buf_printf(&path, "%s%slimit=" M_PAGE_LIMIT, base_path,
		           strchr(base_path, '?') ? "&" : "?");
		if (since[0])
			buf_printf(&path, "&since_id=%s", since);
		if (maxid[0])
			buf_printf(&path, "&max_id=%s", maxid);
		rc = m_call(ctx, "GET", buf_str(&path), NULL, NULL, 0, NULL,
		            &rs);
		buf_cleanup(&path);
		if (rc == CONN_OK) {
			pg.ids = ids;
			rc = mastodon_parse(ctx, kind, rs.body, rs.len, NULL,
			                    seen, &pg);
		}
		if (rc != CONN_OK) {
			fetch_resp_free(&rs);
			return rc;
		}
		if (page == 0)
			copy_id(newest, sizeof(newest), pg.first_id);
		link = fetch_header(&rs, "Link");
		if (pg.n == 0 || link == NULL ||
		    !link_next(link, "max_id", maxid, sizeof(maxid)) ||
		    (since[0] && !id_newer(maxid, since))) {
			complete = 1;
			fetch_resp_free(&rs);
			break;
		}
		fetch_resp_free(&rs);
	}
	if ((complete || since[0] == 0) && newest[0] &&
	    (since[0] == 0 || id_newer(newest, since)))
		conn_state_set(ctx, key, newest);
	return CONN_OK;
}

/* The watch list (state "watch": ids, comma-separated, newest first)
 * merged with ids (newest first), at most M_WATCH; a JSON array the
 * caller decrefs. */
static json_t *
watch_merge(struct conn_ctx *ctx, json_t *ids)
{
	json_t *out = json_array(), *v;
	const char *w = conn_state(ctx, "watch");
	char *copy = w ? strdup(w) : NULL, *p, *save = NULL;
	size_t i;
	json_array_foreach(ids, i, v)
	{
		if (json_array_size(out) < M_WATCH)
			json_array_append(out, v);
	}
	for (p = copy ? strtok_r(copy, ",", &save) : NULL; p;
	     p = strtok_r(NULL, ",", &save)) {
		int dup = 0;
		json_array_foreach(out, i, v)
		{
			if (strcmp(json_string_value(v), p) == 0)
				dup = 1;
		}
		if (!dup && json_array_size(out) < M_WATCH)
			json_array_append_new(out, json_string(p));
	}
	free(copy);
	return out;
}

static void
watch_save(struct conn_ctx *ctx, json_t *list)
{
	struct buf b;
	json_t *v;
	size_t i;
	buf_init(&b, 64 * (M_WATCH + 1));
	json_array_foreach(list, i, v)
	{
		if (b.len)
			buf_addc(&b, ',');
		buf_adds(&b, json_string_value(v));
	}
	conn_state_set(ctx, "watch", b.len ? buf_str(&b) : NULL);
	buf_cleanup(&b);
}

/* The replies under each watched post; a post gone from the instance is
 * emitted as deleted and leaves the watch list. */
static enum conn_rc
replies(struct conn_ctx *ctx, json_t *watch, json_t *seen)
{
	json_t *keep = json_array(), *v;
	enum conn_rc rc = CONN_OK;
	size_t i;
	json_array_foreach(watch, i, v)
	{
		struct fetch_resp rs;
		struct mastodon_page pg = {0};
		char path[160];
		const char *id = json_string_value(v);
		snprintf(path, sizeof(path), "/api/v1/statuses/%s/context", id);
		rc = m_call(ctx, "GET", path, NULL, NULL, 0, NULL, &rs);
		if (rc == CONN_E_NOTFOUND) {
			struct item it;
			item_init(&it);
			it.id = id;
			it.inbound = 0;
			it.deleted = 1;
			fetch_resp_free(&rs);
			if (conn_emit(ctx, &it) != 0) {
				rc = conn_fail(ctx, CONN_E_PLATFORM, "stopped",
				               "the caller stopped the cycle");
				break;
			}
			rc = CONN_OK;
			continue;
		}
		if (rc == CONN_OK)
			rc = mastodon_parse(ctx, MASTODON_CONTEXT, rs.body,
			                    rs.len, id, seen, &pg);
		fetch_resp_free(&rs);
		if (rc != CONN_OK)
			break;
		json_array_append(keep, v);
	}
	if (rc == CONN_OK)
		watch_save(ctx, keep);
	json_decref(keep);
	return rc;
}

static enum conn_rc
m_sync(struct conn_ctx *ctx)
{
	const char *me = account_id(ctx);
	json_t *seen, *ids, *watch;
	enum conn_rc rc;
	char path[200];
	if (me == NULL)
		return ctx->err.rc ? ctx->err.rc : CONN_E_CONFIG;
	seen = json_object();
	ids = json_array();
	snprintf(path, sizeof(path),
	         "/api/v1/accounts/%s/statuses?exclude_replies=true&"
	         "exclude_reblogs=true",
	         me);
	rc = paged(ctx, MASTODON_STATUSES, path, "statuses_since", seen, ids);
	/* the replies under what we know, even when the listing broke off */
	watch = watch_merge(ctx, ids);
	if (rc == CONN_OK)
		rc = replies(ctx, watch, seen);
	else
		watch_save(ctx, watch);
	if (rc == CONN_OK)
		rc = paged(ctx, MASTODON_NOTIFICATIONS,
		           "/api/v1/notifications?types%5B%5D=mention",
		           "mentions_since", seen, NULL);
	json_decref(watch);
	json_decref(ids);
	json_decref(seen);
	return rc;
}

/* The status id, url (and visibility, author) of a status body into out. */
static enum conn_rc
status_result(struct conn_ctx *ctx, const struct fetch_resp *rs,
              struct conn_result *out)
{
	json_t *j = conn_json(ctx, rs);
	if (j == NULL)
		return CONN_E_MALFORMED;
	if (conn_jstr(j, "id") == NULL) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "the instance answered without a status id");
	}
	if (out) {
		snprintf(out->id, sizeof(out->id), "%s", conn_jstr(j, "id"));
		snprintf(out->url, sizeof(out->url), "%s",
		         conn_jstr(j, "url") ? conn_jstr(j, "url") : "");
	}
	json_decref(j);
	return CONN_OK;
}

/* GET one status (caller decrefs), or NULL with rc. */
static json_t *
get_status(struct conn_ctx *ctx, const char *id, enum conn_rc *rc)
{
	struct fetch_resp rs;
	char path[160];
	json_t *j = NULL;
	if (strlen(id) > 64 || strspn(id, "0123456789") != strlen(id)) {
		*rc = conn_fail(ctx, CONN_E_NOTFOUND, "bad_id",
		                "not a Mastodon status id: %.64s", id);
		return NULL;
	}
	snprintf(path, sizeof(path), "/api/v1/statuses/%s", id);
	*rc = m_call(ctx, "GET", path, NULL, NULL, 0, NULL, &rs);
	if (*rc == CONN_OK) {
		j = conn_json(ctx, &rs);
		if (j == NULL)
			*rc = CONN_E_MALFORMED;
	}
	fetch_resp_free(&rs);
	return j;
}

/*
 * Answers parent_id: the reply keeps a private or direct conversation as
 * private as it was, and names the author of the parent (as Mastodon's own
 * clients do) so they are notified.  The Idempotency-Key is derived from
 * parent and text, so a retried reply is posted once.
 */
static enum conn_rc
m_reply(struct conn_ctx *ctx, const char *parent_id, const char *text,
        struct conn_result *out)
{
	enum conn_rc rc;
	json_t *par;
	struct buf form, full, seed;
	struct fetch_resp rs;
	const char *vis, *acct, *me;
	char key[65];

	if (account_id(ctx) == NULL)
		return ctx->err.rc ? ctx->err.rc : CONN_E_CONFIG;
	me = conn_state(ctx, "account_id");
	par = get_status(ctx, parent_id, &rc);
	if (par == NULL)
		return rc;
	vis = conn_jstr(par, "visibility");
	acct = conn_jstr(json_object_get(par, "account"), "acct");
	buf_init(&full, 1u << 20);
	if (acct && conn_jstr(json_object_get(par, "account"), "id") &&
	    strcmp(conn_jstr(json_object_get(par, "account"), "id"), me) != 0) {
		char mention[300];
		snprintf(mention, sizeof(mention), "@%s", acct);
		if (strstr(text, mention) == NULL)
			buf_printf(&full, "%s ", mention);
	}
	buf_adds(&full, text);
	buf_init(&form, 4u << 20);
	form_add(&form, "status", buf_str(&full));
	form_add(&form, "in_reply_to_id", parent_id);
	if (vis && (strcmp(vis, "direct") == 0 || strcmp(vis, "private") == 0))
		form_add(&form, "visibility", vis);
	buf_init(&seed, 4u << 20);
	buf_printf(&seed, "reply\n%s\n%s", parent_id, text);
	sha256_hex(seed.p ? seed.p : "", seed.len, key);
	rc = m_call(ctx, "POST", "/api/v1/statuses",
	            "application/x-www-form-urlencoded", form.p, form.len, key,
	            &rs);
	if (rc == CONN_OK)
		rc = status_result(ctx, &rs, out);
	fetch_resp_free(&rs);
	buf_cleanup(&seed);
	buf_cleanup(&form);
	buf_cleanup(&full);
	json_decref(par);
	return rc;
}

static enum conn_rc
m_moderate(struct conn_ctx *ctx, const char *item_id, enum conn_mod what)
{
	enum conn_rc rc;
	json_t *st;
	const char *me, *owner;
	struct fetch_resp rs;
	char path[160];

	if (what != MOD_DELETE)
		return conn_fail(
		    ctx, CONN_E_UNSUPPORTED, "no_hide",
		    "Mastodon cannot hide replies: a reply stays "
		    "visible unless its author deletes it (you can "
		    "block, mute or report the account instead)");
	me = account_id(ctx);
	if (me == NULL)
		return ctx->err.rc ? ctx->err.rc : CONN_E_CONFIG;
	st = get_status(ctx, item_id, &rc);
	if (st == NULL)
		return rc;
	owner = conn_jstr(json_object_get(st, "account"), "id");
	if (owner == NULL || strcmp(owner, me) != 0) {
		json_decref(st);
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "not_own",
		                 "Mastodon lets an account delete only its own "
		                 "statuses; this one belongs to someone else "
		                 "(block, mute or report the account instead)");
	}
	json_decref(st);
	snprintf(path, sizeof(path), "/api/v1/statuses/%s", item_id);
	rc = m_call(ctx, "DELETE", path, NULL, NULL, 0, NULL, &rs);
	fetch_resp_free(&rs);
	return rc;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Reads the file at path into b (capped); 0 or -1 with ctx->err. */
static int
read_file(struct conn_ctx *ctx, const char *path, struct buf *b)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		conn_fail(ctx, CONN_E_CONFIG, "media_file",
		          "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
	if (b->overflow) {
		conn_fail(ctx, CONN_E_CONFIG, "media_too_large",
		          "%s is larger than Mastodon accepts", path);
		return -1;
	}
	return 0;
}

/*
 * Uploads one attachment (POST /api/v2/media, multipart with the alt text
 * as description); when the instance is still processing it (202), polls
 * GET /api/v1/media/:id until it has a URL.  The id goes into out[64].
 */
static enum conn_rc
upload(struct conn_ctx *ctx, const struct item_media *m, char *out)
{
	struct buf file, body;
	struct fetch_resp rs;
	char boundary[40], ctype[100], rnd[17];
	const char *name, *slash;
	enum conn_rc rc;
	json_t *j;
	int processing;

	if (m->path == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "media_file",
		                 "an attachment without a file");
	buf_init(&file, M_MEDIA_MAX);
	if (read_file(ctx, m->path, &file) != 0) {
		buf_cleanup(&file);
		return ctx->err.rc;
	}
	random_hex(rnd, 8);
	snprintf(boundary, sizeof(boundary), "kanalvakt%s", rnd);
	snprintf(ctype, sizeof(ctype), "multipart/form-data; boundary=%s",
	         boundary);
	slash = strrchr(m->path, '/');
	name = slash ? slash + 1 : m->path;
	buf_init(&body, M_MEDIA_MAX + 8192);
	buf_printf(&body,
	           "--%s\r\nContent-Disposition: form-data; name=\"file\"; "
	           "filename=\"",
	           boundary);
	for (const char *p = name; *p; p++)
		buf_addc(&body, (*p == '"' || *p == '\r' || *p == '\n' ||
		                 (unsigned char)*p < 0x20)
		                    ? '_'
		                    : *p);
	buf_printf(&body, "\"\r\nContent-Type: %s\r\n\r\n",
	           m->mime ? m->mime : "application/octet-stream");
	buf_add(&body, file.p ? file.p : "", file.len);
	if (m->alt && *m->alt)
		buf_printf(&body,
		           "\r\n--%s\r\nContent-Disposition: form-data; "
		           "name=\"description\"\r\n\r\n%s",
		           boundary, m->alt);
	buf_printf(&body, "\r\n--%s--\r\n", boundary);
	buf_cleanup(&file);
	rc = m_call(ctx, "POST", "/api/v2/media", ctype, body.p, body.len, NULL,
	            &rs);
	buf_cleanup(&body);
	for (int tries = 0; rc == CONN_OK; tries++) {
		char path[160];
		j = conn_json(ctx, &rs);
		if (j == NULL || conn_jstr(j, "id") == NULL ||
		    strlen(conn_jstr(j, "id")) >= 64) {
			json_decref(j);
			rc = ctx->err.rc == CONN_E_MALFORMED
			         ? CONN_E_MALFORMED
			         : conn_fail(ctx, CONN_E_MALFORMED, "shape",
			                     "a media answer without an id");
			break;
		}
		copy_id(out, 64, conn_jstr(j, "id"));
		processing = rs.status == 202 || rs.status == 206 ||
		             !json_is_string(json_object_get(j, "url"));
		json_decref(j);
		fetch_resp_free(&rs);
		if (!processing)
			return CONN_OK;
		if (tries >= M_MEDIA_POLL)
			return conn_fail(ctx, CONN_E_PLATFORM,
			                 "media_processing",
			                 "the instance is still processing the "
			                 "attachment; try again later");
		sleep_ms(backoff_ms(tries, ctx->backoff_base_ms,
		                    ctx->backoff_base_ms * 8));
		snprintf(path, sizeof(path), "/api/v1/media/%s", out);
		rc = m_call(ctx, "GET", path, NULL, NULL, 0, NULL, &rs);
	}
	fetch_resp_free(&rs);
	return rc;
}

static enum conn_rc
m_publish(struct conn_ctx *ctx, const struct conn_post *p,
          struct conn_result *out)
{
	char ids[ITEM_MAX_MEDIA][64];
	struct buf form;
	struct fetch_resp rs;
	enum conn_rc rc;
	if (account_id(ctx) == NULL)
		return ctx->err.rc ? ctx->err.rc : CONN_E_CONFIG;
	if (p->nmedia > 4)
		return conn_fail(ctx, CONN_E_PLATFORM, "too_many_media",
		                 "Mastodon takes at most 4 attachments per "
		                 "status");
	for (int i = 0; i < p->nmedia; i++) {
		rc = upload(ctx, &p->media[i], ids[i]);
		if (rc != CONN_OK)
			return rc;
	}
	buf_init(&form, 4u << 20);
	if (p->link && *p->link) {
		struct buf t;
		buf_init(&t, 1u << 20);
		buf_printf(&t, "%s\n\n%s", p->text ? p->text : "", p->link);
		form_add(&form, "status", buf_str(&t));
		buf_cleanup(&t);
	} else {
		form_add(&form, "status", p->text ? p->text : "");
	}
	for (int i = 0; i < p->nmedia; i++)
		form_add(&form, "media_ids[]", ids[i]);
	if (p->reply_to)
		form_add(&form, "in_reply_to_id", p->reply_to);
	if (p->lang)
		form_add(&form, "language", p->lang);
	rc = m_call(ctx, "POST", "/api/v1/statuses",
	            "application/x-www-form-urlencoded", form.p, form.len,
	            p->idempotency_key, &rs);
	if (rc == CONN_OK)
		rc = status_result(ctx, &rs, out);
	fetch_resp_free(&rs);
	buf_cleanup(&form);
	return rc;
}

static enum conn_rc
m_metrics(struct conn_ctx *ctx)
{
	enum conn_rc rc;
	json_t *acc = verify(ctx, &rc), *arr, *st;
	struct fetch_resp rs;
	char path[200];
	size_t i;
	if (acc == NULL)
		return rc;
	if (conn_state(ctx, "account_id") == NULL)
		conn_state_set(ctx, "account_id", conn_jstr(acc, "id"));
	if ((conn_jint(acc, "followers_count") >= 0 &&
	     conn_emit_metric(ctx, NULL, METRIC_FOLLOWERS,
	                      (double)conn_jint(acc, "followers_count"),
	                      ctx->now) != 0) ||
	    (conn_jint(acc, "statuses_count") >= 0 &&
	     conn_emit_metric(ctx, NULL, METRIC_POSTS,
	                      (double)conn_jint(acc, "statuses_count"),
	                      ctx->now) != 0)) {
		json_decref(acc);
		return conn_fail(ctx, CONN_E_PLATFORM, "stopped",
		                 "the caller stopped the cycle");
	}
	snprintf(path, sizeof(path),
	         "/api/v1/accounts/%s/statuses?limit=" M_PAGE_LIMIT
	         "&exclude_reblogs=true",
	         conn_jstr(acc, "id"));
	json_decref(acc);
	rc = m_call(ctx, "GET", path, NULL, NULL, 0, NULL, &rs);
	if (rc != CONN_OK) {
		fetch_resp_free(&rs);
		return rc;
	}
	arr = conn_json(ctx, &rs);
	fetch_resp_free(&rs);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "the instance sent no list of statuses");
	}
	json_array_foreach(arr, i, st)
	{
		const char *id = conn_jstr(st, "id");
		if (id == NULL)
			continue;
		if (conn_emit_metric(ctx, id, METRIC_REACTIONS,
		                     (double)conn_jint(st, "favourites_count"),
		                     ctx->now) ||
		    conn_emit_metric(ctx, id, METRIC_SHARES,
		                     (double)conn_jint(st, "reblogs_count"),
		                     ctx->now) ||
		    conn_emit_metric(ctx, id, METRIC_COMMENTS,
		                     (double)conn_jint(st, "replies_count"),
		                     ctx->now)) {
			json_decref(arr);
			return conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			                 "the caller stopped the cycle");
		}
	}
	json_decref(arr);
	return CONN_OK;
}

const struct connector conn_mastodon = {
    .platform = "mastodon",
    .label = "Mastodon",
    .default_base = NULL,
    .poll_interval = 300,
    .caps = CAP_OWN_POSTS | CAP_COMMENTS | CAP_MENTIONS | CAP_DMS | CAP_REPLY |
            CAP_PUBLISH | CAP_PUBLISH_MEDIA | CAP_METRICS,
    .note = "Mastodon cannot hide replies, and an account can delete only "
            "its own statuses: others' replies can only be reported, or "
            "their authors blocked or muted. There are no view counts.",
    .check_auth = m_check_auth,
    .sync = m_sync,
    .reply = m_reply,
    .moderate = m_moderate,
    .publish = m_publish,
    .metrics = m_metrics,
    .classify = m_classify,
};
