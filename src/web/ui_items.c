/*
 * ui_items.c - what the connectors captured, in the HTML UI (issue 4):
 * /items lists the items the person may see with filters (channel, type,
 * state, author, created from/to) and a full-text search box; /items/:id
 * shows one item with its current text, every version and its events;
 * /items/:id/raw/:version sends the raw payload of one version exactly as
 * the platform sent it (an attachment, never rendered).
 *
 * Who sees what is decided by the capture readers (capture_list,
 * capture_search, capture_get): an item the person may not see answers 404
 * on every page here, its raw payload included.  Captured text is user
 * data: it is only ever written through html_txt/html_attr.
 */
#include "web.h"
#include "../archive/capture.h"
#include "../base/util.h"

#include <string.h>

#define ITEMS_PAGE 50

static const char *const item_types[] = {"post",    "comment", "reply",
                                         "mention", "dm",      NULL};
static const char *const item_type_labels[] = {
    N_("Post"),    N_("Comment"),        N_("Reply"),
    N_("Mention"), N_("Direct message"), NULL};
static const char *const item_states[] = {"live", "deleted", "hidden", "edited",
                                          NULL};
static const char *const item_state_labels[] = {
    N_("Live"), N_("Deleted on the platform"), N_("Hidden on the platform"),
    N_("Edited"), NULL};

const char *
item_type_label(const char *code)
{
	for (int i = 0; code && item_types[i]; i++)
		if (strcmp(code, item_types[i]) == 0)
			return item_type_labels[i];
	return code ? code : "";
}

/* One state badge: the state in words (colour only repeats it). */
static void
badge(struct req *r, const char *cls, const char *msgid)
{
	html_lit(r, "<span class=\"status item-");
	html_attr(r, cls);
	html_lit(r, "\">");
	html_tr(r, msgid);
	html_lit(r, "</span> ");
}

static void
state_badges(struct req *r, const struct capture_row *it)
{
	if (it->deleted_seen_at)
		badge(r, "deleted", item_state_labels[1]);
	else
		badge(r, "live", item_state_labels[0]);
	if (it->hidden)
		badge(r, "hidden", item_state_labels[2]);
	if (it->current_version > 1 || it->edited_at)
		badge(r, "edited", item_state_labels[3]);
}

const char *
text_excerpt(struct req *r, const char *s, size_t max)
{
	size_t n;
	if (s == NULL)
		return "";
	n = strlen(s);
	if (n <= max)
		return s;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return arena_printf(&r->ar, "%.*s…", (int)n, s);
}

/* Parses a YYYY-MM-DD filter date into the start of that day in the
 * organisation's zone (plus one day when end); 0 when empty; records a
 * verr when malformed. */
static int64_t
filter_date(struct req *r, const char *field, const char *s, int end,
            struct verrs *v)
{
	int y, m, d;
	int64_t t;
	if (s == NULL || *s == '\0')
		return 0;
	if (date_parse(s, &y, &m, &d) != 0) {
		verr_add(v, field, "must be a date (YYYY-MM-DD)");
		return 0;
	}
	t = (days_from_civil(y, (unsigned)m, (unsigned)d) + (end ? 1 : 0)) *
	    86400;
	return t - tz_offset(r->has_org ? r->org.timezone : "Europe/Oslo", t);
}

int
channel_choices(struct req *r, const char ***codes, const char ***labels)
{
	struct channel_filter f;
	struct channel *cs;
	int n;
	int64_t total;
	memset(&f, 0, sizeof(f));
	f.limit = 500;
	if (channel_list(r->db, &r->ar, &r->actor, &f, &cs, &n, &total) !=
	    KV_OK)
		return -1;
	*codes = arena_alloc(&r->ar, sizeof(char *) * ((size_t)n + 1));
	*labels = arena_alloc(&r->ar, sizeof(char *) * ((size_t)n + 1));
	for (int i = 0; i < n; i++) {
		(*codes)[i] = arena_printf(&r->ar, "%lld", (long long)cs[i].id);
		(*labels)[i] =
		    arena_printf(&r->ar, "%s (%s)", cs[i].name,
		                 tr(r, platform_label(cs[i].platform)));
	}
	(*codes)[n] = NULL;
	(*labels)[n] = NULL;
	return 0;
}

/* The query string of the current filter, for the paging links (arena). */
static const char *
filter_query(struct req *r, int64_t page)
{
	static const char *const keys[] = {"q",      "channel", "type", "state",
	                                   "author", "from",    "to"};
	struct buf b;
	const char *out;
	buf_init(&b, 8192);
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		const char *v = req_query(r, keys[i]);
		if (v == NULL || *v == '\0')
			continue;
		buf_printf(&b, "%s=%s&", keys[i], url_encode(&r->ar, v));
	}
	buf_printf(&b, "page=%lld", (long long)page);
	out = arena_strdup(&r->ar, buf_str(&b));
	buf_cleanup(&b);
	return out;
}

static void
items_table(struct req *r, const struct capture_row *rows, int n, int search)
{
	table_begin(r, search ? N_("Items found") : N_("Captured items"));
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Time");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Channel");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Type");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Author");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Text");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "State");
	html_lit(r, "</th></tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct capture_row *it = &rows[i];
		const char *text = search && it->snippet && *it->snippet
		                       ? it->snippet
		                       : it->text;
		html_lit(r, "<tr><td>");
		html_txt(r, fmt_time(r, it->created_at ? it->created_at
		                                       : it->first_seen_at));
		html_lit(r, "</td><td>");
		html_txt(r, it->channel_name);
		html_lit(r, "</td><td>");
		html_tr(r, item_type_label(it->type));
		html_lit(r, "</td><td>");
		html_txt(r, it->author_name && *it->author_name
		                ? it->author_name
		                : it->author_handle);
		if (it->author_handle && *it->author_handle &&
		    it->author_name && *it->author_name) {
			html_lit(r, " <span class=\"muted\">");
			html_txt(r, it->author_handle);
			html_lit(r, "</span>");
		}
		html_lit(r, "</td><th scope=\"row\"><a href=\"/items/");
		html_int(r, it->id);
		html_lit(r, "\">");
		if (text && *text)
			html_txt(r, text_excerpt(r, text, 160));
		else
			html_tr(r, "(no text)");
		html_lit(r, "</a></th><td>");
		state_badges(r, it);
		html_lit(r, "</td></tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
}

void
ui_items(struct req *r)
{
	struct capture_filter f;
	struct capture_row *rows = NULL;
	struct verrs v = {0};
	const char **ccodes, **clabels;
	const char *q = req_query(r, "q"), *ch_s = req_query(r, "channel");
	const char *type = req_query(r, "type"), *state = req_query(r, "state");
	const char *author = req_query(r, "author");
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	const char *page_s = req_query(r, "page");
	int64_t page = 1, total = 0, ch = 0;
	int n = 0, search = q != NULL && *q != '\0', more = 0;
	enum kv_rc rc = KV_OK;

	memset(&f, 0, sizeof(f));
	if (ch_s && *ch_s && (parse_i64(ch_s, &ch) != 0 || ch < 0))
		verr_add(&v, "channel", "must be chosen from the list");
	if (page_s &&
	    (parse_i64(page_s, &page) != 0 || page < 1 || page > 10000))
		page = 1;
	f.channel_id = ch;
	for (int i = 0; type && *type && item_types[i]; i++)
		if (strcmp(type, item_types[i]) == 0)
			f.type = item_types[i];
	if (type && *type && f.type == NULL)
		verr_add(&v, "type", "must be chosen from the list");
	for (int i = 0; state && *state && item_states[i]; i++)
		if (strcmp(state, item_states[i]) == 0)
			f.state = item_states[i];
	if (state && *state && f.state == NULL)
		verr_add(&v, "state", "must be chosen from the list");
	f.author = author && *author ? author : NULL;
	f.from = filter_date(r, "from", from, 0, &v);
	f.to = filter_date(r, "to", to, 1, &v);
	f.offset = (int)(page - 1) * ITEMS_PAGE;
	if (channel_choices(r, &ccodes, &clabels) != 0) {
		html_error(r, 500);
		return;
	}
	if (v.n == 0 && search) {
		/* one more than a page tells whether there is a next one */
		f.limit = ITEMS_PAGE + 1;
		rc = capture_search(r->db, &r->ar, &r->actor, q, &f, &rows, &n);
		more = n > ITEMS_PAGE;
		if (more)
			n = ITEMS_PAGE;
	} else if (v.n == 0) {
		f.limit = ITEMS_PAGE;
		rc = capture_list(r->db, &r->ar, &r->actor, &f, &rows, &n,
		                  &total);
		more = (int64_t)page * ITEMS_PAGE < total;
	}
	if (rc != KV_OK) {
		html_error(r, 500);
		return;
	}
	if (v.n)
		r->status = 422;
	page_begin(r, tr(r, "Items"), "items");
	html_lit(r, "<h1>");
	html_tr(r, "Captured items");
	html_lit(r, "</h1>\n<p>");
	html_tr(r, "Posts, comments, mentions and messages the connected "
	           "channels have shown, kept as they were captured, with "
	           "every version.");
	html_lit(r, "</p>\n");
	error_summary(r, &v);
	html_lit(r, "<form method=\"get\" action=\"/items\" class=\"filters\" "
	            "role=\"search\" aria-label=\"");
	html_tr(r, "Filter items");
	html_lit(r, "\">");
	field_text(r, "q", "Search", q, &v, "search", 0, NULL);
	field_select(r, "channel", "Channel", ch_s, ccodes, clabels, &v,
	             SELECT_ALL);
	field_select(r, "type", "Type", type, item_types, item_type_labels, &v,
	             SELECT_ALL | SELECT_TR);
	field_select(r, "state", "State", state, item_states, item_state_labels,
	             &v, SELECT_ALL | SELECT_TR);
	field_text(r, "author", "Author", author, &v, "text", 0, NULL);
	field_text(r, "from", "From", from, &v, "date", 0, NULL);
	field_text(r, "to", "To", to, &v, "date", 0, NULL);
	html_lit(r, "<div class=\"field\"><button type=\"submit\">");
	html_tr(r, "Filter");
	html_lit(r, "</button></div></form>\n");
	if (v.n) {
		page_end(r);
		return;
	}
	html_lit(r, "<p role=\"status\">");
	if (search)
		html_txt(r, tr_sub(r, "%s items found on this page",
		                   arena_printf(&r->ar, "%d", n)));
	else
		html_txt(
		    r, tr_sub(r, "%s items",
		              arena_printf(&r->ar, "%lld", (long long)total)));
	html_lit(r, "</p>\n");
	if (n == 0) {
		int filtered = search || ch || f.type || f.state || f.author ||
		               f.from || f.to || page > 1;
		html_lit(r, "<p>");
		if (filtered)
			html_tr(r, "No items match. Change the search or the "
			           "filter.");
		else
			html_tr(r,
			        "No items have been captured yet. Connect a "
			        "channel to its platform: open the channel in "
			        "the register and choose \"Connection to the "
			        "platform\".");
		html_lit(r, "</p>\n");
		if (!filtered) {
			html_lit(r, "<p><a href=\"/channels?status=active\">");
			html_tr(r, "Go to the active channels");
			html_lit(r, "</a></p>\n");
		}
		page_end(r);
		return;
	}
	items_table(r, rows, n, search);
	if (page > 1 || more) {
		html_lit(r, "<nav aria-label=\"");
		html_tr(r, "Pages");
		html_lit(r, "\"><p>");
		if (page > 1) {
			html_lit(r, "<a rel=\"prev\" href=\"/items?");
			html_attr(r, filter_query(r, page - 1));
			html_lit(r, "\">");
			html_tr(r, "Previous page");
			html_lit(r, "</a> ");
		}
		if (more) {
			html_lit(r, "<a rel=\"next\" href=\"/items?");
			html_attr(r, filter_query(r, page + 1));
			html_lit(r, "\">");
			html_tr(r, "Next page");
			html_lit(r, "</a>");
		}
		html_lit(r, "</p></nav>\n");
	}
	page_end(r);
}

int64_t
item_by_platform_id(struct req *r, int64_t channel_id, const char *pid)
{
	int64_t id = 0;
	if (pid == NULL || *pid == '\0')
		return 0;
	if (db_get_i64(r->db, &id,
	               "SELECT id FROM items WHERE channel_id = ? AND "
	               "platform_id = ?",
	               "it", channel_id, pid) <= 0)
		return 0;
	return id;
}

static void
prop_start(struct req *r, const char *label)
{
	html_lit(r, "<dt>");
	html_tr(r, label);
	html_lit(r, "</dt><dd>");
}

static void
prop(struct req *r, const char *label, const char *value)
{
	prop_start(r, label);
	if (value && *value)
		html_txt(r, value);
	else
		html_lit(r, "–");
	html_lit(r, "</dd>");
}

static void
prop_time(struct req *r, const char *label, int64_t t)
{
	prop(r, label, t ? fmt_time(r, t) : NULL);
}

/* A link to another captured item of the channel, else its platform id. */
static void
prop_item(struct req *r, const char *label, int64_t channel_id, const char *pid)
{
	int64_t id = item_by_platform_id(r, channel_id, pid);
	prop_start(r, label);
	if (id) {
		html_lit(r, "<a href=\"/items/");
		html_int(r, id);
		html_lit(r, "\">");
		html_txt(r, pid);
		html_lit(r, "</a>");
	} else if (pid && *pid) {
		html_txt(r, pid);
	} else {
		html_lit(r, "–");
	}
	html_lit(r, "</dd>");
}

static const char *
event_label(const char *kind)
{
	static const struct {
		const char *kind, *label;
	} labels[] = {
	    {"created", N_("Captured for the first time")},
	    {"edited", N_("Edited")},
	    {"deleted", N_("Deleted on the platform")},
	    {"hidden", N_("Hidden on the platform")},
	    {"unhidden", N_("Shown again on the platform")},
	    {"reappeared", N_("Reappeared on the platform")},
	};
	for (size_t i = 0; kind && i < ARRAY_LEN(labels); i++)
		if (strcmp(labels[i].kind, kind) == 0)
			return labels[i].label;
	return kind ? kind : "";
}

void
ui_item(struct req *r)
{
	struct capture_row it;
	struct capture_version *vs = NULL;
	struct capture_event *es = NULL;
	int nv = 0, ne = 0;
	enum kv_rc rc = capture_get(r->db, &r->ar, &r->actor, r->pid, &it, &vs,
	                            &nv, &es, &ne);
	if (rc != KV_OK) {
		html_error(r, rc == KV_NOTFOUND ? 404 : 500);
		return;
	}
	page_begin(r,
	           arena_printf(&r->ar, "%s: %s",
	                        tr(r, item_type_label(it.type)),
	                        text_excerpt(r, it.text, 60)),
	           "items");
	html_lit(r, "<p class=\"crumbs\"><a href=\"/items\">");
	html_tr(r, "Captured items");
	html_lit(r, "</a> › <a href=\"/items?channel=");
	html_int(r, it.channel_id);
	html_lit(r, "\">");
	html_txt(r, it.channel_name);
	html_lit(r, "</a></p>\n<h1>");
	html_txt(
	    r, tr_sub(r, "%s in the channel", tr(r, item_type_label(it.type))));
	html_lit(r, " ");
	html_txt(r, it.channel_name);
	html_lit(r, "</h1>\n<p>");
	state_badges(r, &it);
	html_lit(r, "</p>\n<h2>");
	html_tr(r, "Current text");
	html_lit(r, "</h2>\n<blockquote class=\"item-text\"");
	if (it.lang && *it.lang &&
	    utf8_valid_text(it.lang, strlen(it.lang), 0) &&
	    strlen(it.lang) < 36 &&
	    strspn(it.lang, "abcdefghijklmnopqrstuvwxyz"
	                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                    "0123456789-") == strlen(it.lang)) {
		html_lit(r, " lang=\"");
		html_attr(r, it.lang);
		html_lit(r, "\"");
	}
	html_lit(r, "><p>");
	if (it.text && *it.text)
		html_lines(r, it.text);
	else
		html_tr(r, "(no text)");
	html_lit(r, "</p></blockquote>\n<h2>");
	html_tr(r, "About the item");
	html_lit(r, "</h2>\n<dl class=\"props\">");
	prop(r, "Author as shown", it.author_name);
	prop(r, "Author's handle", it.author_handle);
	prop(r, "Author's id on the platform", it.author_id);
	prop_start(r, N_("On the platform"));
	if (it.url &&
	    (str_starts(it.url, "https://") || str_starts(it.url, "http://"))) {
		html_lit(r, "<a rel=\"noopener noreferrer\" href=\"");
		html_attr(r, it.url);
		html_lit(r, "\">");
		html_txt(r, it.url);
		html_lit(r, "</a>");
	} else if (it.url && *it.url) {
		html_txt(r, it.url);
	} else {
		html_lit(r, "–");
	}
	html_lit(r, "</dd>");
	prop(r, "Id on the platform", it.platform_id);
	prop_item(r, N_("Answers"), it.channel_id, it.parent_platform_id);
	prop_item(r, N_("Thread"), it.channel_id, it.thread_platform_id);
	prop(r, "Direction",
	     tr(r, it.inbound ? N_("Inbound: written by others")
	                      : N_("Own: written by the channel")));
	prop(r, "Language", it.lang);
	prop_time(r, N_("Created on the platform"), it.created_at);
	prop_time(r, N_("First seen"), it.first_seen_at);
	prop_time(r, N_("Last seen"), it.last_seen_at);
	prop_time(r, N_("Edited"), it.edited_at);
	prop_time(r, N_("Deletion seen"), it.deleted_seen_at);
	html_lit(r, "</dl>\n<h2>");
	html_tr(r, "Versions");
	html_lit(r, "</h2>\n");
	table_begin(r, "Every version as captured, oldest first");
	html_lit(r, "<thead><tr><th scope=\"col\">");
	html_tr(r, "Version");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Seen at");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Text");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Content SHA-256");
	html_lit(r, "</th><th scope=\"col\">");
	html_tr(r, "Raw payload SHA-256");
	html_lit(r, "</th></tr></thead><tbody>\n");
	for (int i = 0; i < nv; i++) {
		html_lit(r, "<tr><th scope=\"row\">");
		html_int(r, vs[i].version);
		html_lit(r, "</th><td>");
		html_txt(r, fmt_time(r, vs[i].seen_at));
		html_lit(r, "</td><td>");
		if (vs[i].text && *vs[i].text)
			html_lines(r, vs[i].text);
		else
			html_lit(r, "–");
		html_lit(r, "</td><td><code class=\"hash\">");
		html_txt(r, vs[i].content_sha256);
		html_lit(r, "</code></td><td>");
		if (vs[i].raw_sha256 && *vs[i].raw_sha256) {
			html_lit(r, "<code class=\"hash\">");
			html_txt(r, vs[i].raw_sha256);
			html_lit(r, "</code><br><a download href=\"/items/");
			html_int(r, it.id);
			html_lit(r, "/raw/");
			html_int(r, vs[i].version);
			html_lit(r, "\">");
			html_txt(
			    r,
			    tr_sub(r, "Download the raw payload of version %s",
			           arena_printf(&r->ar, "%d", vs[i].version)));
			html_lit(r, "</a>");
		} else {
			html_lit(r, "–");
		}
		html_lit(r, "</td></tr>\n");
	}
	html_lit(r, "</tbody>");
	table_end(r);
	html_lit(r, "<h2>");
	html_tr(r, "What happened");
	html_lit(r, "</h2>\n");
	if (ne == 0) {
		html_lit(r, "<p>");
		html_tr(r, "No events.");
		html_lit(r, "</p>\n");
	} else {
		html_lit(r, "<ol class=\"history\">");
		for (int i = 0; i < ne; i++) {
			html_lit(r, "<li><time>");
			html_txt(r, fmt_time(r, es[i].at));
			html_lit(r, "</time> ");
			html_tr(r, event_label(es[i].kind));
			if (es[i].detail && *es[i].detail) {
				/* the capture's own English words */
				html_lit(
				    r, " <span class=\"muted\" lang=\"en\">(");
				html_txt(r, es[i].detail);
				html_lit(r, ")</span>");
			}
			html_lit(r, "</li>");
		}
		html_lit(r, "</ol>\n");
	}
	page_end(r);
}

/* Appends the bytes of blob sha to r->out (the response body).  0, 1 when
 * there is no such blob, -1 on a database error or when it is too large;
 * *mime gets the stored type (arena). */
static int
blob_to_out(struct req *r, const char *sha, const char **mime)
{
	struct db_stmt *st = db_query(
	    r->db, "SELECT mime, bytes FROM blobs WHERE sha256 = ?", "t", sha);
	int step, rc;
	if (st == NULL)
		return -1;
	step = db_step(st);
	if (step == DB_ROW) {
		size_t n = 0;
		const void *p;
		*mime = arena_strdup(&r->ar, db_col_text(st, 0));
		p = db_col_blob(st, 1, &n);
		buf_reset(&r->out);
		rc = buf_add(&r->out, p ? p : "", n) == 0 ? 0 : -1;
	} else {
		rc = step == DB_DONE ? 1 : -1;
	}
	db_finalize(st);
	return rc;
}

void
ui_item_raw(struct req *r)
{
	struct capture_row it;
	struct capture_version *vs = NULL, *ver = NULL;
	struct capture_event *es = NULL;
	const char *mime = "", *ext;
	int64_t want = 0;
	int nv = 0, ne = 0, rc, text;
	size_t len;
	enum kv_rc krc = capture_get(r->db, &r->ar, &r->actor, r->pid, &it, &vs,
	                             &nv, &es, &ne);
	if (krc != KV_OK) {
		html_error(r, krc == KV_NOTFOUND ? 404 : 500);
		return;
	}
	if (r->pname == NULL || parse_i64(r->pname, &want) != 0)
		want = 0;
	for (int i = 0; i < nv; i++)
		if (vs[i].version == want)
			ver = &vs[i];
	if (ver == NULL || ver->raw_sha256 == NULL || !*ver->raw_sha256) {
		html_error(r, 404);
		return;
	}
	rc = blob_to_out(r, ver->raw_sha256, &mime);
	if (rc != 0) {
		html_error(r, rc == 1 ? 404 : 500);
		return;
	}
	len = r->out.len;
	text = utf8_valid_text(len ? r->out.p : "", len, 1) &&
	       memchr(r->out.p ? r->out.p : "", '\0', len) == NULL;
	r->status = 200;
	r->ctype =
	    text ? "text/plain; charset=utf-8" : "application/octet-stream";
	ext = strstr(mime, "json")  ? "json"
	      : strstr(mime, "xml") ? "xml"
	      : text                ? "txt"
	                            : "bin";
	req_add_header(r, "Content-Disposition",
	               arena_printf(&r->ar,
	                            "attachment; filename=\"item-%lld-v%d.%s\"",
	                            (long long)it.id, ver->version, ext));
	/* server.c adds X-Content-Type-Options: nosniff to every answer */
}
