/*
 * youtube.c - the YouTube (Data API v3) connector: our uploads, the
 * comment threads on our channel and their replies, reply, hold/publish/
 * reject comments, resumable video upload, channel and video statistics,
 * and Google's error shape (quota errors are 403 bodies, not headers).
 * docs/connectors/youtube.md describes it.
 *
 * State (ctx->state, strings): "channel_id", "uploads" (the uploads
 * playlist id); "uploads_newest" (the newest video id of the last complete
 * walk of the uploads playlist), "uploads_page" and "uploads_pending" (a
 * walk in progress: the next page's token and the newest id it started
 * with).  Comment threads are walked in full every cycle (see the doc:
 * order=time does not surface new replies to old threads).
 */
#include "youtube.h"
#include "../base/buf.h"
#include "../base/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YT_TOKEN_URL   "https://oauth2.googleapis.com/token"
#define YT_UPLOAD_BASE "https://www.googleapis.com/upload/youtube/v3"
#define YT_CHUNK       (8u << 20) /* a multiple of 256 KiB */
#define YT_MAX_VIDEO   (4ull << 30)
#define YT_TITLE_MAX   100

/* --- errors ------------------------------------------------------------- */

static int
yt_reason_is(const char *r, const char *a, const char *b)
{
	return r && ((a && strcmp(r, a) == 0) || (b && strcmp(r, b) == 0));
}

static int
yt_classify(struct conn_ctx *ctx, const struct fetch_resp *rs)
{
	json_t *j, *e;
	json_error_t je;
	const char *reason = NULL, *status = NULL, *msg = NULL;
	char *text = NULL;
	enum conn_rc rc;

	if (rs->status < 400)
		return 0;
	j = json_loadb(rs->body, rs->len, 0, &je);
	e = json_object_get(j, "error");
	if (json_is_string(e)) { /* the token endpoint */
		reason = json_string_value(e);
		msg =
		    json_string_value(json_object_get(j, "error_description"));
	} else if (json_is_object(e)) {
		reason = json_string_value(json_object_get(
		    json_array_get(json_object_get(e, "errors"), 0), "reason"));
		status = json_string_value(json_object_get(e, "status"));
		msg = json_string_value(json_object_get(e, "message"));
	}
	if (yt_reason_is(reason, "quotaExceeded", "dailyLimitExceeded") ||
	    yt_reason_is(reason, "rateLimitExceeded",
	                 "userRateLimitExceeded") ||
	    rs->status == 429)
		rc = CONN_E_RATELIMIT;
	else if (rs->status == 401 ||
	         yt_reason_is(reason, "authError", "invalid_grant") ||
	         yt_reason_is(reason, "invalid_client", "unauthorized_client"))
		rc = CONN_E_AUTH;
	else if (rs->status == 404)
		rc = CONN_E_NOTFOUND;
	else if (rs->status >= 500)
		rc = CONN_E_NETWORK;
	else
		rc = CONN_E_PLATFORM;
	text = html_to_text(msg ? msg : "");
	conn_fail(ctx, rc,
	          reason   ? reason
	          : status ? status
	                   : "",
	          "%s", *text ? text : "the platform answered with an error");
	free(text);
	json_decref(j);
	return 1;
}

static int
yt_is_quota(const struct conn_ctx *ctx)
{
	return yt_reason_is(ctx->err.code, "quotaExceeded",
	                    "dailyLimitExceeded");
}

/* 0 Sunday … 6 Saturday of a day number (days since 1970-01-01). */
static int
weekday(int64_t days)
{
	return (int)(((days % 7) + 11) % 7);
}

/* The day number of the n-th (1-based) Sunday of month m of year y. */
static int64_t
nth_sunday(int y, unsigned m, int n)
{
	int64_t d = days_from_civil(y, m, 1);
	d += (7 - weekday(d)) % 7;
	return d + 7 * (n - 1);
}

/* The offset of America/Los_Angeles from UTC at t: DST from 02:00 PST
 * (10:00 UTC) on the second Sunday of March to 02:00 PDT (09:00 UTC) on
 * the first Sunday of November. */
static int64_t
pacific_offset(int64_t t)
{
	int y, mo, d, h, mi;
	int64_t start, end;
	time_fields(t, &y, &mo, &d, &h, &mi);
	start = nth_sunday(y, 3, 2) * 86400 + 10 * 3600;
	end = nth_sunday(y, 11, 1) * 86400 + 9 * 3600;
	return t >= start && t < end ? -7 * 3600 : -8 * 3600;
}

int64_t
yt_quota_reset(int64_t now)
{
	int64_t off = pacific_offset(now);
	int64_t midnight = ((now + off) / 86400 + 1) * 86400; /* local */
	return midnight - pacific_offset(midnight - off);
}

/* --- calls --------------------------------------------------------------- */

/*
 * One call: OAuth when the channel has tokens, else the API key (reads
 * only).  hdrs are extra request headers (NULL-terminated, may be NULL).
 * A quota error gets retry_at at the next Pacific midnight.
 */
static enum conn_rc
yt_call(struct conn_ctx *ctx, const char *method, const char *url,
        const char *const *hdrs, const void *body, size_t len,
        struct fetch_resp *rs)
{
	struct fetch_req rq = {0};
	struct bearer_opts o;
	enum conn_rc rc;
	char keyed[4096];
	const char *key = conn_cred(ctx, "api_key");
	int n = 0;

	rq.method = method;
	rq.url = url;
	rq.headers[n++] = "Accept: application/json";
	for (int i = 0; hdrs && hdrs[i] && n < FETCH_MAX_HEADERS - 1; i++)
		rq.headers[n++] = hdrs[i];
	rq.body = body;
	rq.body_len = len;
	o.token_url = conn_cfg(ctx, "token_url") ? conn_cfg(ctx, "token_url")
	                                         : YT_TOKEN_URL;
	o.basic_auth = 0;
	if (conn_cred(ctx, "access_token") || conn_cred(ctx, "refresh_token")) {
		rc = bearer_call(ctx, &o, &rq, rs);
	} else if (key) {
		char esc[512];
		if (url_escape(key, esc, sizeof(esc)) == NULL) {
			memset(rs, 0, sizeof(*rs));
			return conn_fail(ctx, CONN_E_CONFIG, "api_key",
			                 "the API key is too long");
		}
		snprintf(keyed, sizeof(keyed), "%s%skey=%s", url,
		         strchr(url, '?') ? "&" : "?", esc);
		rq.url = keyed;
		rq.secrets[0] = key;
		rc = conn_request(ctx, &rq, rs);
	} else {
		memset(rs, 0, sizeof(*rs));
		return conn_fail(ctx, CONN_E_AUTH, "no_token",
		                 "the channel has no access token or API key");
	}
	if (rc == CONN_E_RATELIMIT && yt_is_quota(ctx))
		ctx->err.retry_at = yt_quota_reset(time_now());
	return rc;
}

/* GET url: the JSON object (caller decrefs) or NULL with *rc set. */
static json_t *
yt_get_json(struct conn_ctx *ctx, const char *url, enum conn_rc *rc)
{
	struct fetch_resp rs;
	json_t *j = NULL;
	*rc = yt_call(ctx, "GET", url, NULL, NULL, 0, &rs);
	if (*rc == CONN_OK) {
		j = conn_json(ctx, &rs);
		if (j == NULL || !json_is_object(j)) {
			json_decref(j);
			j = NULL;
			*rc = conn_fail(ctx, CONN_E_MALFORMED, "json",
			                "the platform sent no JSON object");
		}
	}
	fetch_resp_free(&rs);
	return j;
}

/* POST/PUT a JSON body; the answer's JSON into *out when out (caller
 * decrefs; NULL for an empty 204). */
static enum conn_rc
yt_send_json(struct conn_ctx *ctx, const char *method, const char *url,
             json_t *body, json_t **out)
{
	static const char *const hdrs[] = {
	    "Content-Type: application/json; charset=UTF-8", NULL};
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
	struct fetch_resp rs;
	enum conn_rc rc;
	rc = yt_call(ctx, method, url, s ? hdrs : NULL, s, s ? strlen(s) : 0,
	             &rs);
	free(s);
	if (out)
		*out = NULL;
	if (rc == CONN_OK && out && rs.len > 0 &&
	    (*out = conn_json(ctx, &rs)) == NULL)
		rc = CONN_E_MALFORMED;
	fetch_resp_free(&rs);
	return rc;
}

/*
 * Our channel id and its uploads playlist: config "account" or state
 * "channel_id", else channels?mine=true; the uploads playlist from state
 * or channels?part=contentDetails.  NULL with *rc set.
 */
static const char *
yt_channel(struct conn_ctx *ctx, int need_uploads, enum conn_rc *rc)
{
	char url[1024], esc[256];
	const char *ch = conn_cfg(ctx, "account");
	json_t *j;
	const json_t *c;
	*rc = CONN_OK;
	if (ch == NULL)
		ch = conn_state(ctx, "channel_id");
	if (ch && (!need_uploads || conn_state(ctx, "uploads")))
		return ch;
	if (ch && url_escape(ch, esc, sizeof(esc)))
		snprintf(url, sizeof(url),
		         "%s/channels?part=id,contentDetails&id=%s",
		         ctx->base_url, esc);
	else
		snprintf(url, sizeof(url),
		         "%s/channels?part=id,contentDetails&mine=true",
		         ctx->base_url);
	if ((j = yt_get_json(ctx, url, rc)) == NULL)
		return NULL;
	c = json_array_get(json_object_get(j, "items"), 0);
	if (json_string_value(json_object_get(c, "id")) == NULL) {
		json_decref(j);
		*rc = conn_fail(ctx, CONN_E_NOTFOUND, "channel",
		                "the channel was not found");
		return NULL;
	}
	if (conn_cfg(ctx, "account") == NULL)
		conn_state_set(ctx, "channel_id",
		               json_string_value(json_object_get(c, "id")));
	{
		const char *up = json_string_value(json_object_get(
		    json_object_get(json_object_get(c, "contentDetails"),
		                    "relatedPlaylists"),
		    "uploads"));
		if (up)
			conn_state_set(ctx, "uploads", up);
	}
	json_decref(j);
	if (need_uploads && conn_state(ctx, "uploads") == NULL) {
		*rc = conn_fail(ctx, CONN_E_MALFORMED, "uploads",
		                "the channel has no uploads playlist");
		return NULL;
	}
	ch = conn_cfg(ctx, "account");
	return ch ? ch : conn_state(ctx, "channel_id");
}

static enum conn_rc
yt_check_auth(struct conn_ctx *ctx)
{
	enum conn_rc rc;
	int64_t e;
	if (yt_channel(ctx, 1, &rc) == NULL)
		return rc;
	e = json_count(json_object_get(ctx->cred, "expires_at"));
	ctx->token_expires_at = e > 0 ? e : 0;
	return CONN_OK;
}

/* --- parsing ------------------------------------------------------------- */

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

enum conn_rc
yt_parse_playlist(struct conn_ctx *ctx, const char *body, size_t len,
                  const char *stop, struct idset *seen, struct yt_page *pg)
{
	struct fetch_resp fake = {0};
	json_t *j, *items, *v;
	size_t i;
	enum conn_rc rc = CONN_OK;

	pg->next[0] = pg->first[0] = 0;
	pg->reached = 0;
	fake.body = (char *)(uintptr_t)body;
	fake.len = len;
	if ((j = conn_json(ctx, &fake)) == NULL)
		return CONN_E_MALFORMED;
	items = json_object_get(j, "items");
	if (!json_is_object(j) || !json_is_array(items)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "the playlist page has no items[]");
	}
	json_array_foreach(items, i, v)
	{
		const json_t *sn = json_object_get(v, "snippet");
		const json_t *cd = json_object_get(v, "contentDetails");
		const char *vid = jstr(cd, "videoId");
		const char *title = jstr(sn, "title");
		const char *desc = jstr(sn, "description");
		const char *ts = jstr(cd, "videoPublishedAt");
		struct item it;
		char url[128], *raw, *text;
		int64_t when = 0;
		if (vid == NULL)
			vid =
			    jstr(json_object_get(sn, "resourceId"), "videoId");
		if (vid == NULL || *vid == 0 || strlen(vid) > 63)
			continue;
		if (stop && strcmp(vid, stop) == 0) {
			pg->reached = 1;
			break;
		}
		if (pg->first[0] == 0)
			snprintf(pg->first, sizeof(pg->first), "%s", vid);
		if (pg->ids)
			json_array_append_new(pg->ids, json_string(vid));
		if (!idset_add(seen, vid))
			continue;
		item_init(&it);
		it.type = ITEM_POST;
		it.inbound = 0;
		it.id = vid;
		it.thread_id = vid;
		it.author_id = jstr(sn, "videoOwnerChannelId")
		                   ? jstr(sn, "videoOwnerChannelId")
		                   : jstr(sn, "channelId");
		it.author_name = jstr(sn, "videoOwnerChannelTitle")
		                     ? jstr(sn, "videoOwnerChannelTitle")
		                     : jstr(sn, "channelTitle");
		if (ts == NULL)
			ts = jstr(sn, "publishedAt");
		if (ts)
			time_parse_web(ts, &when);
		it.created_at = when;
		snprintf(url, sizeof(url), "https://www.youtube.com/watch?v=%s",
		         vid);
		it.url = url;
		{
			struct buf tb;
			buf_init(&tb, 1u << 20);
			buf_printf(&tb, "%s%s%s", title ? title : "",
			           title && desc && *desc ? "\n\n" : "",
			           desc ? desc : "");
			text = buf_detach(&tb, NULL);
		}
		it.text = text ? text : "";
		it.hidden =
		    jstr(json_object_get(v, "status"), "privacyStatus") &&
		            strcmp(jstr(json_object_get(v, "status"),
		                        "privacyStatus"),
		                   "private") == 0
		        ? 1
		        : -1;
		raw = json_dumps(v, JSON_COMPACT);
		it.raw = raw;
		if (conn_emit(ctx, &it) != 0)
			rc = conn_fail(ctx, CONN_E_PLATFORM, "stopped",
			               "the caller stopped the cycle");
		free(raw);
		free(text);
		if (rc != CONN_OK)
			break;
	}
	if (jstr(j, "nextPageToken"))
		snprintf(pg->next, sizeof(pg->next), "%s",
		         jstr(j, "nextPageToken"));
	json_decref(j);
	return rc;
}

/* Emits one comment resource; 0 or -1 (stop). */
static int
yt_emit_comment(struct conn_ctx *ctx, const json_t *c, enum item_type type,
                const char *channel, const char *parent, const char *video,
                int64_t nreplies)
{
	const json_t *sn = json_object_get(c, "snippet");
	const char *id = jstr(c, "id");
	const char *author =
	    jstr(json_object_get(sn, "authorChannelId"), "value");
	const char *cu = jstr(sn, "authorChannelUrl");
	const char *pub = jstr(sn, "publishedAt");
	const char *upd = jstr(sn, "updatedAt");
	const char *mod = jstr(sn, "moderationStatus");
	const char *orig = jstr(sn, "textOriginal");
	struct item it;
	char url[256], handle[128];
	char *text = NULL, *raw;
	int64_t t = 0;
	int r;

	item_init(&it);
	it.type = type;
	it.id = id;
	it.parent_id = type == ITEM_REPLY && jstr(sn, "parentId")
	                   ? jstr(sn, "parentId")
	                   : parent;
	if (video == NULL)
		video = jstr(sn, "videoId");
	it.thread_id = video;
	it.author_id = author;
	it.author_name = jstr(sn, "authorDisplayName");
	if (cu && strstr(cu, "/@")) {
		snprintf(handle, sizeof(handle), "%s", strstr(cu, "/@") + 1);
		it.author_handle = handle;
	}
	it.inbound = !(author && channel && strcmp(author, channel) == 0);
	it.html = jstr(sn, "textDisplay");
	if (orig == NULL)
		text = html_to_text(it.html);
	it.text = orig ? orig : text;
	if (pub && time_parse_web(pub, &t) == 0)
		it.created_at = t;
	if (upd && pub && strcmp(upd, pub) != 0 &&
	    time_parse_web(upd, &t) == 0 && t > it.created_at)
		it.edited_at = t;
	it.likes = json_count(json_object_get(sn, "likeCount"));
	it.replies = nreplies;
	it.hidden = mod ? strcmp(mod, "published") != 0 : 0;
	if (video && id)
		snprintf(url, sizeof(url),
		         "https://www.youtube.com/watch?v=%s&lc=%s", video, id);
	it.url = video && id ? url : NULL;
	raw = json_dumps(c, JSON_COMPACT);
	it.raw = raw;
	r = conn_emit(ctx, &it);
	free(raw);
	free(text);
	return r;
}

enum conn_rc
yt_parse_comments(struct conn_ctx *ctx, const char *body, size_t len,
                  int threads, const char *channel, const char *parent,
                  const char *video, struct idset *seen, struct yt_page *pg)
{
	struct fetch_resp fake = {0};
	json_t *j, *items, *v;
	size_t i;
	int stop = 0;

	pg->next[0] = 0;
	fake.body = (char *)(uintptr_t)body;
	fake.len = len;
	if ((j = conn_json(ctx, &fake)) == NULL)
		return CONN_E_MALFORMED;
	items = json_object_get(j, "items");
	if (!json_is_object(j) || !json_is_array(items)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "shape",
		                 "the comment page has no items[]");
	}
	json_array_foreach(items, i, v)
	{
		const json_t *sn = json_object_get(v, "snippet");
		if (!threads) {
			const char *id = jstr(v, "id");
			if (id == NULL || !idset_add(seen, id))
				continue;
			if (yt_emit_comment(ctx, v, ITEM_REPLY, channel, parent,
			                    video, -1) != 0) {
				stop = 1;
				break;
			}
			continue;
		}
		{
			const json_t *top =
			    json_object_get(sn, "topLevelComment");
			const json_t *inl = json_object_get(
			    json_object_get(v, "replies"), "comments");
			const char *tid = jstr(v, "id");
			const char *vid = jstr(sn, "videoId");
			int64_t total =
			    json_count(json_object_get(sn, "totalReplyCount"));
			const json_t *r;
			size_t k;
			if (tid == NULL || !json_is_object(top) ||
			    jstr(top, "id") == NULL)
				continue;
			if (vid == NULL)
				vid = jstr(json_object_get(top, "snippet"),
				           "videoId");
			if (!idset_add(seen, jstr(top, "id")))
				continue; /* the whole thread was seen */
			if (yt_emit_comment(ctx, top, ITEM_COMMENT, channel,
			                    vid, vid, total) != 0) {
				stop = 1;
				break;
			}
			json_array_foreach(inl, k, r)
			{
				const char *rid = jstr(r, "id");
				if (rid == NULL || !idset_add(seen, rid))
					continue;
				if (yt_emit_comment(ctx, r, ITEM_REPLY, channel,
				                    tid, vid, -1) != 0) {
					stop = 1;
					break;
				}
			}
			if (stop)
				break;
			if (total > (int64_t)json_array_size(inl)) {
				if (pg->more == NULL)
					pg->more = json_array();
				json_array_append_new(
				    pg->more, json_pack("[s,s?]", tid, vid));
			}
		}
	}
	if (jstr(j, "nextPageToken"))
		snprintf(pg->next, sizeof(pg->next), "%s",
		         jstr(j, "nextPageToken"));
	json_decref(j);
	if (stop)
		return conn_fail(ctx, CONN_E_PLATFORM, "stopped",
		                 "the caller stopped the cycle");
	return CONN_OK;
}

/* --- sync ---------------------------------------------------------------- */

/* Builds base + path + "&pageToken=…" into out. */
static void
yt_url(char *out, size_t n, const char *base, const char *path_query,
       const char *token)
{
	char esc[1600];
	if (token && *token && url_escape(token, esc, sizeof(esc)))
		snprintf(out, n, "%s%s&pageToken=%s", base, path_query, esc);
	else
		snprintf(out, n, "%s%s", base, path_query);
}

/* Walks the uploads playlist newest first down to the newest video of the
 * last complete walk; keeps the page token after each complete page. */
static enum conn_rc
yt_walk_uploads(struct conn_ctx *ctx, const char *uploads, struct idset *seen)
{
	char pq[512], url[4096], esc[256], pending[64] = "", stop[64] = "";
	enum conn_rc rc = CONN_OK;
	int full, pages = 0;
	struct yt_page pg = {0};

	if (url_escape(uploads, esc, sizeof(esc)) == NULL)
		return conn_fail(ctx, CONN_E_MALFORMED, "uploads",
		                 "odd uploads playlist id");
	if (conn_state(ctx, "uploads_newest"))
		snprintf(stop, sizeof(stop), "%s",
		         conn_state(ctx, "uploads_newest"));
	if (conn_state(ctx, "uploads_pending"))
		snprintf(pending, sizeof(pending), "%s",
		         conn_state(ctx, "uploads_pending"));
	full = stop[0] == 0 && conn_state(ctx, "uploads_page") == NULL;
	pg.ids = full ? json_array() : NULL;
	snprintf(pq, sizeof(pq),
	         "/playlistItems?part=snippet,contentDetails,status"
	         "&playlistId=%s&maxResults=50",
	         esc);
	while (pages++ < ctx->max_pages) {
		struct fetch_resp rs;
		yt_url(url, sizeof(url), ctx->base_url, pq,
		       conn_state(ctx, "uploads_page"));
		rc = yt_call(ctx, "GET", url, NULL, NULL, 0, &rs);
		if (rc == CONN_OK)
			rc =
			    yt_parse_playlist(ctx, rs.body, rs.len,
			                      stop[0] ? stop : NULL, seen, &pg);
		fetch_resp_free(&rs);
		if (rc != CONN_OK)
			break;
		if (pending[0] == 0 && pg.first[0])
			snprintf(pending, sizeof(pending), "%s", pg.first);
		if (pg.reached || pg.next[0] == 0) {
			if (pending[0])
				conn_state_set(ctx, "uploads_newest", pending);
			conn_state_set(ctx, "uploads_page", NULL);
			conn_state_set(ctx, "uploads_pending", NULL);
			if (full && !pg.reached) {
				size_t n = json_array_size(pg.ids);
				const char **ids = calloc(n + 1, sizeof(*ids));
				if (ids == NULL)
					abort();
				for (size_t k = 0; k < n; k++)
					ids[k] = json_string_value(
					    json_array_get(pg.ids, k));
				conn_emit_listing(ctx, NULL, ids, (int)n);
				free(ids);
			}
			break;
		}
		conn_state_set(ctx, "uploads_page", pg.next);
		conn_state_set(ctx, "uploads_pending",
		               pending[0] ? pending : NULL);
	}
	json_decref(pg.ids);
	return rc;
}

/* All replies of one thread (comments?parentId=), page by page. */
static enum conn_rc
yt_walk_replies(struct conn_ctx *ctx, const char *channel, const char *tid,
                const char *vid, struct idset *seen)
{
	char pq[512], url[4096], esc[256], token[512] = "";
	enum conn_rc rc = CONN_OK;
	if (url_escape(tid, esc, sizeof(esc)) == NULL)
		return CONN_OK;
	snprintf(pq, sizeof(pq),
	         "/comments?part=snippet&parentId=%s&maxResults=100"
	         "&textFormat=html",
	         esc);
	for (int pages = 0; pages < ctx->max_pages; pages++) {
		struct fetch_resp rs;
		struct yt_page pg = {0};
		yt_url(url, sizeof(url), ctx->base_url, pq, token);
		rc = yt_call(ctx, "GET", url, NULL, NULL, 0, &rs);
		if (rc == CONN_OK)
			rc = yt_parse_comments(ctx, rs.body, rs.len, 0, channel,
			                       tid, vid, seen, &pg);
		fetch_resp_free(&rs);
		json_decref(pg.more);
		if (rc != CONN_OK || pg.next[0] == 0)
			break;
		snprintf(token, sizeof(token), "%s", pg.next);
	}
	return rc;
}

/* Every comment thread on the channel's videos, with all replies. */
static enum conn_rc
yt_walk_threads(struct conn_ctx *ctx, const char *channel, struct idset *seen)
{
	char pq[512], url[4096], esc[256], token[512] = "";
	enum conn_rc rc = CONN_OK;
	if (url_escape(channel, esc, sizeof(esc)) == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "account",
		                 "odd channel id");
	snprintf(pq, sizeof(pq),
	         "/commentThreads?part=snippet,replies"
	         "&allThreadsRelatedToChannelId=%s&maxResults=100&order=time"
	         "&textFormat=html",
	         esc);
	for (int pages = 0; pages < ctx->max_pages; pages++) {
		struct fetch_resp rs;
		struct yt_page pg = {0};
		size_t k;
		json_t *m;
		yt_url(url, sizeof(url), ctx->base_url, pq, token);
		rc = yt_call(ctx, "GET", url, NULL, NULL, 0, &rs);
		if (rc == CONN_OK)
			rc = yt_parse_comments(ctx, rs.body, rs.len, 1, channel,
			                       NULL, NULL, seen, &pg);
		fetch_resp_free(&rs);
		json_array_foreach(pg.more, k, m)
		{
			if (rc != CONN_OK)
				break;
			rc = yt_walk_replies(
			    ctx, channel,
			    json_string_value(json_array_get(m, 0)),
			    json_string_value(json_array_get(m, 1)), seen);
		}
		json_decref(pg.more);
		if (rc != CONN_OK || pg.next[0] == 0)
			break;
		snprintf(token, sizeof(token), "%s", pg.next);
	}
	return rc;
}

static enum conn_rc
yt_sync(struct conn_ctx *ctx)
{
	struct idset seen = {0};
	char ch[128], up[128];
	const char *c;
	enum conn_rc rc;
	if ((c = yt_channel(ctx, 1, &rc)) == NULL)
		return rc;
	snprintf(ch, sizeof(ch), "%s", c);
	snprintf(up, sizeof(up), "%s", conn_state(ctx, "uploads"));
	rc = yt_walk_uploads(ctx, up, &seen);
	if (rc == CONN_OK)
		rc = yt_walk_threads(ctx, ch, &seen);
	idset_free(&seen);
	return rc;
}

/* --- writing ------------------------------------------------------------- */

static enum conn_rc
yt_check_text(struct conn_ctx *ctx, const char *text)
{
	if (text == NULL || *text == 0)
		return conn_fail(ctx, CONN_E_CONFIG, "text", "no text");
	if (!utf8_valid_text(text, strlen(text), 1))
		return conn_fail(ctx, CONN_E_CONFIG, "text",
		                 "the text is not valid UTF-8");
	if (utf8_len(text) > 10000)
		return conn_fail(
		    ctx, CONN_E_CONFIG, "too_long",
		    "YouTube comments are at most 10000 characters");
	return CONN_OK;
}

static enum conn_rc
yt_reply(struct conn_ctx *ctx, const char *parent_id, const char *text,
         struct conn_result *out)
{
	char url[1024], top[256];
	json_t *b, *j = NULL;
	enum conn_rc rc;
	const char *dot, *id;

	if (parent_id == NULL || *parent_id == 0 || strlen(parent_id) >= 200)
		return conn_fail(ctx, CONN_E_CONFIG, "args",
		                 "a reply needs a comment or video to answer");
	if ((rc = yt_check_text(ctx, text)) != CONN_OK)
		return rc;
	if (strlen(parent_id) == 11 && strchr(parent_id, '.') == NULL) {
		/* a video id: a new top-level comment on it */
		snprintf(url, sizeof(url), "%s/commentThreads?part=snippet",
		         ctx->base_url);
		b = json_pack("{s:{s:s, s:{s:{s:s}}}}", "snippet", "videoId",
		              parent_id, "topLevelComment", "snippet",
		              "textOriginal", text);
	} else {
		/* YouTube threads are one level deep: answering a reply
		 * answers its thread (the id before the dot) */
		snprintf(top, sizeof(top), "%s", parent_id);
		if ((dot = strchr(top, '.')) != NULL)
			top[dot - top] = 0;
		snprintf(url, sizeof(url), "%s/comments?part=snippet",
		         ctx->base_url);
		b = json_pack("{s:{s:s, s:s}}", "snippet", "parentId", top,
		              "textOriginal", text);
	}
	rc = yt_send_json(ctx, "POST", url, b, &j);
	json_decref(b);
	if (rc == CONN_OK) {
		id = jstr(j, "id");
		if (id == NULL) {
			rc = conn_fail(ctx, CONN_E_MALFORMED, "insert",
			               "the platform answered without an id");
		} else if (out) {
			const json_t *sn = json_object_get(j, "snippet");
			const char *vid = jstr(sn, "videoId");
			if (vid == NULL)
				vid = jstr(
				    json_object_get(
				        json_object_get(sn, "topLevelComment"),
				        "snippet"),
				    "videoId");
			snprintf(out->id, sizeof(out->id), "%s", id);
			out->url[0] = 0;
			if (vid)
				snprintf(
				    out->url, sizeof(out->url),
				    "https://www.youtube.com/watch?v=%s&lc=%s",
				    vid, id);
		}
	}
	json_decref(j);
	return rc;
}

static enum conn_rc
yt_set_status(struct conn_ctx *ctx, const char *esc, const char *status)
{
	char url[1024];
	snprintf(url, sizeof(url),
	         "%s/comments/setModerationStatus?id=%s&moderationStatus=%s",
	         ctx->base_url, esc, status);
	return yt_send_json(ctx, "POST", url, NULL, NULL);
}

static enum conn_rc
yt_moderate(struct conn_ctx *ctx, const char *item_id, enum conn_mod what)
{
	char url[1024], esc[512];
	const char *ch, *author;
	enum conn_rc rc;
	json_t *j;
	int own;

	if (item_id == NULL || *item_id == 0 ||
	    url_escape(item_id, esc, sizeof(esc)) == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "id", "no comment id");
	if (what == MOD_HIDE)
		return yt_set_status(ctx, esc, "heldForReview");
	if (what == MOD_UNHIDE)
		return yt_set_status(ctx, esc, "published");
	/* delete: our own comments are deleted; others' are rejected,
	 * which hides them (the platform deletes only the author's own) */
	if ((ch = yt_channel(ctx, 0, &rc)) == NULL)
		return rc;
	snprintf(url, sizeof(url), "%s/comments?part=snippet&id=%s",
	         ctx->base_url, esc);
	if ((j = yt_get_json(ctx, url, &rc)) == NULL)
		return rc;
	if (json_array_size(json_object_get(j, "items")) == 0) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_NOTFOUND, "commentNotFound",
		                 "the comment is not on YouTube");
	}
	author = jstr(
	    json_object_get(
	        json_object_get(json_array_get(json_object_get(j, "items"), 0),
	                        "snippet"),
	        "authorChannelId"),
	    "value");
	own = author && strcmp(author, ch) == 0;
	json_decref(j);
	if (!own)
		return yt_set_status(ctx, esc, "rejected");
	snprintf(url, sizeof(url), "%s/comments?id=%s", ctx->base_url, esc);
	return yt_send_json(ctx, "DELETE", url, NULL, NULL);
}

/* The title: p->title, else the first line of the text, at most 100
 * characters, without < and > (which YouTube refuses). */
static void
yt_title(const struct conn_post *p, char *out, size_t n)
{
	const char *s = p->title && *p->title ? p->title
	                : p->text && *p->text ? p->text
	                                      : "Video";
	size_t o = 0, cps = 0;
	for (; *s && *s != '\n' && o + 5 < n; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80 && ++cps > YT_TITLE_MAX)
			break;
		out[o++] = *s == '<' || *s == '>' ? ' ' : *s;
	}
	out[o] = 0;
}

static enum conn_rc
yt_publish(struct conn_ctx *ctx, const struct conn_post *p,
           struct conn_result *out)
{
	char url[2048], title[512], hctype[160], hlen[96], *s, *loc = NULL;
	const char *ubase = conn_cfg(ctx, "upload_base");
	const struct item_media *m = &p->media[0];
	json_t *b, *j = NULL;
	struct fetch_resp rs;
	enum conn_rc rc;
	unsigned char *chunk = NULL;
	FILE *f = NULL;
	long size;

	if (p->nmedia == 0)
		return conn_fail(
		    ctx, CONN_E_UNSUPPORTED, "text_post",
		    "YouTube has no API for community (text) posts; "
		    "only videos can be published");
	if (p->nmedia != 1 || m->mime == NULL ||
	    strncmp(m->mime, "video/", 6) != 0)
		return conn_fail(ctx, CONN_E_UNSUPPORTED, "media",
		                 "YouTube takes one video per post");
	if (m->path == NULL || (f = fopen(m->path, "rb")) == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "media", "cannot open %s",
		                 m->path ? m->path : "(none)");
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) <= 0 ||
	    (unsigned long long)size > YT_MAX_VIDEO ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return conn_fail(ctx, CONN_E_CONFIG, "media",
		                 "%s is empty, unreadable or too large",
		                 m->path);
	}
	yt_title(p, title, sizeof(title));
	b = json_pack(
	    "{s:{s:s, s:s}, s:{s:s, s:b}}", "snippet", "title", title,
	    "description", p->text ? p->text : "", "status", "privacyStatus",
	    conn_cfg(ctx, "privacy") ? conn_cfg(ctx, "privacy") : "public",
	    "selfDeclaredMadeForKids", 0);
	if (p->lang && *p->lang)
		json_object_set_new(json_object_get(b, "snippet"),
		                    "defaultLanguage", json_string(p->lang));
	s = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	snprintf(url, sizeof(url),
	         "%s/videos?uploadType=resumable&part=snippet,status",
	         ubase ? ubase : YT_UPLOAD_BASE);
	snprintf(hctype, sizeof(hctype), "X-Upload-Content-Type: %s", m->mime);
	snprintf(hlen, sizeof(hlen), "X-Upload-Content-Length: %ld", size);
	{
		const char *hdrs[] = {
		    "Content-Type: application/json; charset=UTF-8", hctype,
		    hlen, NULL};
		rc = yt_call(ctx, "POST", url, hdrs, s, strlen(s), &rs);
	}
	free(s);
	if (rc == CONN_OK) {
		const char *l = fetch_header(&rs, "Location");
		if (l == NULL || *l == 0)
			rc = conn_fail(ctx, CONN_E_MALFORMED, "location",
			               "the upload session has no Location");
		else if ((loc = strdup(l)) == NULL)
			abort();
	}
	fetch_resp_free(&rs);
	if (rc != CONN_OK)
		goto out;
	/* the bytes, in chunks; 308 until the last */
	chunk = malloc(YT_CHUNK);
	if (chunk == NULL)
		abort();
	for (long off = 0; off < size;) {
		size_t n = fread(chunk, 1, YT_CHUNK, f);
		char range[128], ctype[160];
		const char *hdrs[3];
		if (n == 0) {
			rc = conn_fail(ctx, CONN_E_CONFIG, "media",
			               "%s could not be read", m->path);
			break;
		}
		snprintf(range, sizeof(range),
		         "Content-Range: bytes %ld-%ld/%ld", off,
		         off + (long)n - 1, size);
		snprintf(ctype, sizeof(ctype), "Content-Type: %s", m->mime);
		hdrs[0] = ctype;
		hdrs[1] = range;
		hdrs[2] = NULL;
		rc = yt_call(ctx, "PUT", loc, hdrs, chunk, n, &rs);
		off += (long)n;
		if (rc == CONN_OK && off >= size) {
			if ((j = conn_json(ctx, &rs)) == NULL)
				rc = CONN_E_MALFORMED;
			else if (jstr(j, "id") == NULL)
				rc = conn_fail(ctx, CONN_E_MALFORMED, "upload",
				               "the upload answered without an "
				               "id");
		} else if (rc == CONN_OK && rs.status != 308) {
			rc = conn_fail(ctx, CONN_E_MALFORMED, "upload",
			               "the upload ended early (HTTP %ld)",
			               rs.status);
		}
		fetch_resp_free(&rs);
		if (rc != CONN_OK)
			break;
	}
	if (rc == CONN_OK && out) {
		snprintf(out->id, sizeof(out->id), "%s", jstr(j, "id"));
		snprintf(out->url, sizeof(out->url),
		         "https://www.youtube.com/watch?v=%s", jstr(j, "id"));
	}
out:
	json_decref(j);
	free(chunk);
	free(loc);
	fclose(f);
	return rc;
}

/* --- metrics ------------------------------------------------------------- */

static void
yt_metric(struct conn_ctx *ctx, const char *id, const char *name,
          const json_t *v)
{
	int64_t n = json_count(v);
	if (n >= 0)
		conn_emit_metric(ctx, id, name, (double)n, ctx->now);
}

static enum conn_rc
yt_metrics(struct conn_ctx *ctx)
{
	char url[4096], esc[256], ch[128];
	const char *c;
	enum conn_rc rc;
	json_t *j;
	const json_t *st, *v;
	struct buf ids;
	size_t i;

	if ((c = yt_channel(ctx, 1, &rc)) == NULL)
		return rc;
	snprintf(ch, sizeof(ch), "%s", c);
	if (url_escape(ch, esc, sizeof(esc)) == NULL)
		return conn_fail(ctx, CONN_E_CONFIG, "account",
		                 "odd channel id");
	snprintf(url, sizeof(url), "%s/channels?part=statistics&id=%s",
	         ctx->base_url, esc);
	if ((j = yt_get_json(ctx, url, &rc)) == NULL)
		return rc;
	st = json_object_get(json_array_get(json_object_get(j, "items"), 0),
	                     "statistics");
	if (!json_is_object(st)) {
		json_decref(j);
		return conn_fail(ctx, CONN_E_MALFORMED, "statistics",
		                 "the channel has no statistics");
	}
	if (!json_is_true(json_object_get(st, "hiddenSubscriberCount")))
		yt_metric(ctx, NULL, METRIC_FOLLOWERS,
		          json_object_get(st, "subscriberCount"));
	yt_metric(ctx, NULL, METRIC_POSTS, json_object_get(st, "videoCount"));
	yt_metric(ctx, NULL, METRIC_VIEWS, json_object_get(st, "viewCount"));
	json_decref(j);

	/* the latest 50 uploads, then their statistics in one call */
	if (url_escape(conn_state(ctx, "uploads"), esc, sizeof(esc)) == NULL)
		return conn_fail(ctx, CONN_E_MALFORMED, "uploads",
		                 "odd uploads playlist id");
	snprintf(url, sizeof(url),
	         "%s/playlistItems?part=contentDetails&playlistId=%s"
	         "&maxResults=50",
	         ctx->base_url, esc);
	if ((j = yt_get_json(ctx, url, &rc)) == NULL)
		return rc;
	buf_init(&ids, 2048);
	json_array_foreach(json_object_get(j, "items"), i, v)
	{
		const char *vid =
		    jstr(json_object_get(v, "contentDetails"), "videoId");
		if (vid == NULL)
			vid =
			    jstr(json_object_get(json_object_get(v, "snippet"),
			                         "resourceId"),
			         "videoId");
		if (vid && i < 50 && url_escape(vid, esc, sizeof(esc)))
			buf_printf(&ids, "%s%s", ids.len ? "," : "", esc);
	}
	json_decref(j);
	if (ids.len == 0 || ids.overflow) {
		buf_cleanup(&ids);
		return CONN_OK;
	}
	snprintf(url, sizeof(url), "%s/videos?part=statistics&id=%s",
	         ctx->base_url, buf_str(&ids));
	buf_cleanup(&ids);
	if ((j = yt_get_json(ctx, url, &rc)) == NULL)
		return rc;
	json_array_foreach(json_object_get(j, "items"), i, v)
	{
		const char *vid = jstr(v, "id");
		st = json_object_get(v, "statistics");
		if (vid == NULL || !json_is_object(st))
			continue;
		yt_metric(ctx, vid, METRIC_VIEWS,
		          json_object_get(st, "viewCount"));
		yt_metric(ctx, vid, METRIC_REACTIONS,
		          json_object_get(st, "likeCount"));
		yt_metric(ctx, vid, METRIC_COMMENTS,
		          json_object_get(st, "commentCount"));
	}
	json_decref(j);
	return CONN_OK;
}

const struct connector conn_youtube = {
    .platform = "youtube",
    .label = "YouTube",
    .default_base = "https://www.googleapis.com/youtube/v3",
    .poll_interval = 1800,
    .caps = CAP_OWN_POSTS | CAP_COMMENTS | CAP_REPLY | CAP_HIDE |
            CAP_PUBLISH_MEDIA | CAP_METRICS | CAP_REFRESH,
    .note = "YouTube has no API for community (text) posts: only videos "
            "are published. A channel cannot delete others' comments; "
            "deleting one rejects it, which hides it and its replies. "
            "Mentions and direct messages do not exist in the API. The "
            "daily quota (10,000 units) resets at midnight Pacific time.",
    .check_auth = yt_check_auth,
    .sync = yt_sync,
    .reply = yt_reply,
    .moderate = yt_moderate,
    .publish = yt_publish,
    .metrics = yt_metrics,
    .classify = yt_classify,
};
