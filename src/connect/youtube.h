/*
 * youtube.h - what the YouTube connector (youtube.c) exposes beyond
 * conn_youtube: the parsers of its listings, for the fuzzer
 * (fuzz/fuzz_youtube.c) and tests, and the quota reset time.
 */
#ifndef KV_YOUTUBE_H
#define KV_YOUTUBE_H

#include "bearer.h"
#include "connect.h"

/* What a page said, for the walkers. */
struct yt_page {
	char next[512]; /* nextPageToken, "" at the end */
	char first[64]; /* playlists: the first video id of the page */
	int reached;    /* playlists: the stop id was met (the rest is old) */
	/* threads: [thread id, video id] pairs whose replies are not all
	 * inline; comments?parentId= fetches them (caller decrefs) */
	json_t *more;
	/* playlists: when set, every video id of the page is appended */
	json_t *ids;
};

/*
 * yt_parse_playlist - reads one page of playlistItems (the uploads
 * playlist) from body[0..len) and emits each video as our own post,
 * stopping (pg->reached = 1) at the video id stop (may be NULL) and
 * skipping ids already in seen.  Returns CONN_OK, CONN_E_MALFORMED
 * (ctx->err set), or CONN_E_PLATFORM when on_item asked to stop.
 */
enum conn_rc yt_parse_playlist(struct conn_ctx *ctx, const char *body,
                               size_t len, const char *stop, struct idset *seen,
                               struct yt_page *pg);

/*
 * yt_parse_comments - reads one page of commentThreads (threads = 1) or
 * comments (threads = 0; replies to parent, on video video) and emits
 * them: a thread's top-level comment as ITEM_COMMENT on its video, its
 * inline replies and comments as ITEM_REPLY.  channel is our channel id
 * (our own comments are not inbound).  Threads whose replies are not all
 * inline are appended to pg->more (made here when NULL; caller decrefs).
 * Same returns as yt_parse_playlist.
 */
enum conn_rc yt_parse_comments(struct conn_ctx *ctx, const char *body,
                               size_t len, int threads, const char *channel,
                               const char *parent, const char *video,
                               struct idset *seen, struct yt_page *pg);

/* The next midnight in America/Los_Angeles after now (UTC seconds), when
 * the daily quota resets.  US DST rule (second Sunday of March to first
 * Sunday of November, 02:00 local), so UTC-7 in summer and UTC-8 else. */
int64_t yt_quota_reset(int64_t now);

#endif
