/*
 * test_import.c - the export readers (src/connect/import*.c) on the
 * synthetic samples in tests/fixtures/imports/ (packed into .zip and
 * .tar.gz here with libarchive's writer) and the real Bluesky CARs in
 * ../shared/fixtures/bluesky/car/: item counts, ids, parents, text after
 * the mojibake fix, times, media hashes, progress, the decoded record
 * against repo_slice_record.json, and clean errors for truncated,
 * corrupt and hostile inputs.
 */
#include "t.h"

#include "../../src/base/util.h"
#include "../../src/connect/import.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIX "tests/fixtures/imports"
#define CAR "../shared/fixtures/bluesky/car"

#define MAXGOT 32

struct got_item {
	char *id, *parent, *thread, *text, *handle, *lang, *url, *raw;
	int type, inbound, deleted, nmedia;
	int64_t created, edited, likes;
	char *sha[4], *path[4], *alt[4], *mime[4];
};

struct got {
	int n, stop_at;
	struct got_item it[MAXGOT];
	int npr, bad_progress;
	char phase[16];
	int64_t last;
	int phases; /* distinct phases seen */
	int saw_done;
};

static char *
dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int
on_item(void *ud, const struct item *it)
{
	struct got *g = ud;
	struct got_item *x;
	if (g->stop_at && g->n + 1 >= g->stop_at)
		return -1;
	if (g->n >= MAXGOT)
		return 0;
	x = &g->it[g->n++];
	x->id = dup0(it->id);
	x->parent = dup0(it->parent_id);
	x->thread = dup0(it->thread_id);
	x->text = dup0(it->text);
	x->handle = dup0(it->author_handle);
	x->lang = dup0(it->lang);
	x->url = dup0(it->url);
	x->raw = dup0(it->raw);
	x->type = (int)it->type;
	x->inbound = it->inbound;
	x->deleted = it->deleted;
	x->nmedia = it->nmedia;
	x->created = it->created_at;
	x->edited = it->edited_at;
	x->likes = it->likes;
	for (int i = 0; i < it->nmedia && i < 4; i++) {
		x->sha[i] = dup0(it->media[i].sha256);
		x->path[i] = dup0(it->media[i].path);
		x->alt[i] = dup0(it->media[i].alt);
		x->mime[i] = dup0(it->media[i].mime);
	}
	return 0;
}

static void
on_progress(void *ud, const struct import_progress *p)
{
	struct got *g = ud;
	g->npr++;
	if (strcmp(g->phase, p->phase) != 0) {
		snprintf(g->phase, sizeof(g->phase), "%s", p->phase);
		g->phases++;
		g->last = -1;
	}
	if (p->done < g->last || (p->total > 0 && p->done > p->total))
		g->bad_progress++;
	g->last = p->done;
	if (strcmp(p->phase, "done") == 0)
		g->saw_done++;
}

static void
got_free(struct got *g)
{
	for (int i = 0; i < g->n; i++) {
		struct got_item *x = &g->it[i];
		free(x->id);
		free(x->parent);
		free(x->thread);
		free(x->text);
		free(x->handle);
		free(x->lang);
		free(x->url);
		free(x->raw);
		for (int k = 0; k < 4; k++) {
			free(x->sha[k]);
			free(x->path[k]);
			free(x->alt[k]);
			free(x->mime[k]);
		}
	}
	memset(g, 0, sizeof(*g));
}

static const struct got_item *
find(const struct got *g, const char *id)
{
	for (int i = 0; i < g->n; i++)
		if (g->it[i].id && strcmp(g->it[i].id, id) == 0)
			return &g->it[i];
	return NULL;
}

/* Runs an import into g; returns the rc. */
static enum conn_rc
run(const char *fmt, const char *path, struct got *g, struct conn_ctx *ctx)
{
	enum conn_rc rc;
	conn_ctx_init(ctx, NULL, NULL, NULL, NULL);
	ctx->ud = g;
	ctx->on_item = on_item;
	rc = import_run(ctx, fmt, path, on_progress, g);
	conn_ctx_cleanup(ctx);
	return rc;
}

/* The hex SHA-256 of a file's bytes, into out[65]. */
static void
file_sha(const char *path, char out[65])
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");
	out[0] = 0;
	if (f == NULL)
		return;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	sha256_hex(buf, n, out);
}

/* --- building archives from the fixture folders ------------------------ */

static char tmpdir[256];

static const char *
tmp(const char *name)
{
	static char p[4][512];
	static int k;
	if (tmpdir[0] == 0) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/kvimport.XXXXXX");
		if (mkdtemp(tmpdir) == NULL)
			perror("mkdtemp");
	}
	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
	return p[k];
}

static void
add_file(struct archive *a, const char *name, const void *data, size_t n)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_write_header(a, e);
	archive_write_data(a, data, n);
	archive_entry_free(e);
}

static void
add_tree(struct archive *a, const char *dir, const char *rel)
{
	char path[1024], sub[1024];
	struct dirent *de;
	DIR *d;
	snprintf(path, sizeof(path), "%s%s%s", dir, *rel ? "/" : "", rel);
	d = opendir(path);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char full[2048];
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		         de->d_name);
		snprintf(full, sizeof(full), "%s/%s", dir, sub);
		if (stat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			add_tree(a, dir, sub);
		} else {
			char *buf = malloc((size_t)st.st_size + 1);
			FILE *f = fopen(full, "rb");
			size_t n = f ? fread(buf, 1, (size_t)st.st_size, f) : 0;
			if (f)
				fclose(f);
			add_file(a, sub, buf, n);
			free(buf);
		}
	}
	closedir(d);
}

/* Packs dir into out as a zip (zip=1) or .tar.gz, with an extra member
 * (name, text) when extra is not NULL. */
static void
pack(const char *dir, const char *out, int zip, const char *extra,
     const char *extra_text)
{
	struct archive *a = archive_write_new();
	if (zip) {
		archive_write_set_format_zip(a);
	} else {
		archive_write_add_filter_gzip(a);
		archive_write_set_format_pax_restricted(a);
	}
	archive_write_open_filename(a, out);
	add_tree(a, dir, "");
	if (extra)
		add_file(a, extra, extra_text, strlen(extra_text));
	archive_write_close(a);
	archive_write_free(a);
}

/* Copies the first n bytes of src to dst (n = -1: all, with byte flip at
 * flip when flip >= 0). */
static long
copy_cut(const char *src, const char *dst, long n, long flip)
{
	static unsigned char buf[1 << 20];
	size_t len;
	FILE *f = fopen(src, "rb");
	if (f == NULL)
		return -1;
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n >= 0 && (size_t)n < len)
		len = (size_t)n;
	if (flip >= 0 && (size_t)flip < len)
		buf[flip] ^= 0x20;
	f = fopen(dst, "wb");
	if (f == NULL)
		return -1;
	fwrite(buf, 1, len, f);
	fclose(f);
	return (long)len;
}

static void
check_progress(const struct got *g)
{
	T_ASSERT(g->npr >= 2);
	T_EQ_INT(g->bad_progress, 0);
	T_EQ_INT(g->saw_done, 1);
	T_ASSERT(g->phases >= 2);
}

/* --- tests ------------------------------------------------------------- */

T_TEST(mojibake)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"L\xc3\x83\xc2\xb8ye", "L\xc3\xb8ye"},          /* Løye */
	    {"L\xc3\xb8ye", "L\xc3\xb8ye"},                  /* genuine ø */
	    {"plain ascii", "plain ascii"},
	    {"\xc3\xb0\xc2\x9f\xc2\x8e\xc2\x89", "\xf0\x9f\x8e\x89"}, /* 🎉 */
	    {"\xe2\x82\xac og \xc3\xb8", "\xe2\x82\xac og \xc3\xb8"}, /* € og ø */
	    {"\xc3\x83\xc2\x85re", "\xc3\x85re"},            /* Åre */
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = meta_unmojibake(cases[i].in);
		T_EQ_STR(s, cases[i].want);
		free(s);
	}
	T_ASSERT(meta_unmojibake(NULL) == NULL);
}

T_TEST(dagcbor)
{
	static const struct {
		const char *hex;
		const char *json; /* NULL: must fail */
	} cases[] = {
	    {"a1616101", "{\"a\":1}"},
	    {"a2616101616220", "{\"a\":1,\"b\":-1}"},
	    {"83f5f4f6", "[true,false,null]"},
	    {"4401020304", "{\"$bytes\":\"AQIDBA\"}"},
	    {"6568c3a46a21", "\"h\xc3\xa4j!\""},
	    {"fb3ff8000000000000", "1.5"},
	    {"f93e00", "1.5"},
	    {"1bffffffffffffffff", NULL}, /* > INT64_MAX */
	    {"9f01ff", NULL},             /* indefinite */
	    {"a2616101616102", NULL},     /* repeated key */
	    {"a10101", NULL},             /* key not text */
	    {"62c328", NULL},             /* not UTF-8 */
	    {"c1416101", NULL},           /* tag 1 */
	    {"d82a4100", NULL},           /* tag 42, no CID */
	    {"85010203", NULL},           /* truncated */
	    {"0102", NULL},               /* trailing bytes */
	    {"9bffffffffffffffff", NULL}, /* a count never trusted */
	    {"f7", NULL},                 /* undefined */
	    {"fb7ff8000000000000", NULL}, /* NaN */
	};
	char err[160];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char b[64];
		size_t n = strlen(cases[i].hex) / 2;
		json_t *v, *want;
		for (size_t k = 0; k < n; k++)
			sscanf(cases[i].hex + 2 * k, "%2hhx", &b[k]);
		v = dagcbor_decode(b, n, err, sizeof(err));
		if (cases[i].json == NULL) {
			if (!T_ASSERT(v == NULL))
				fprintf(stderr, "     case %s\n", cases[i].hex);
			T_ASSERT(err[0] != '\0');
			json_decref(v);
			continue;
		}
		want = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
		if (!T_ASSERT(v != NULL && json_equal(v, want)))
			fprintf(stderr, "     case %s: %s\n", cases[i].hex, err);
		json_decref(v);
		json_decref(want);
	}
	{
		/* 200 nested arrays: refused, not a stack overflow */
		unsigned char deep[201];
		memset(deep, 0x81, 200);
		deep[200] = 0;
		T_ASSERT(dagcbor_decode(deep, sizeof(deep), err, sizeof(err)) ==
		         NULL);
	}
}

T_TEST(dup_keys_last_wins)
{
	/* what the Mastodon reader relies on: jansson keeps the last */
	json_t *j = json_loads("{\"k\":[1],\"k\":[1,2,3]}", 0, NULL);
	T_EQ_INT(json_array_size(json_object_get(j, "k")), 3);
	json_decref(j);
}

static void
check_mastodon(const struct got *g, int bare)
{
	const struct got_item *p, *r, *d;
	char want[65];
	T_EQ_INT(g->n, 3);
	p = find(g, "https://social.example.no/users/kommunen/statuses/"
	            "109876543210000001");
	r = find(g, "https://social.example.no/users/kommunen/statuses/"
	            "109876543210000002");
	d = find(g, "https://social.example.no/users/kommunen/statuses/"
	            "109876543210000004");
	if (!T_ASSERT(p && r && d))
		return;
	T_EQ_INT(p->type, ITEM_POST);
	T_EQ_INT(p->inbound, 0);
	T_EQ_STR(p->text, "Vi åpner den nye bølgebryteren på Ærøy i dag & du "
	                  "er velkommen!\nSe bildene");
	T_EQ_STR(p->lang, "nb");
	T_EQ_INT(p->created, 1771578658);
	T_EQ_STR(p->url, "https://social.example.no/@kommunen/109876543210000001");
	T_EQ_STR(p->parent, NULL);
	T_EQ_INT(p->nmedia, 1);
	T_EQ_STR(p->path[0],
	         "media_attachments/files/109/876/543/original/7f3a9c.png");
	T_EQ_STR(p->alt[0], "Bølgebryteren sett fra sjøen");
	T_EQ_STR(p->mime[0], "image/png");
	file_sha(FIX "/mastodon/media_attachments/files/109/876/543/original/"
	             "7f3a9c.png",
	         want);
	T_EQ_STR(p->sha[0], want);
	if (!bare)
		T_EQ_STR(p->handle, "@kommunen@social.example.no");

	T_EQ_INT(r->type, ITEM_REPLY);
	T_EQ_STR(r->parent, p->id);
	T_EQ_STR(r->thread, p->id);
	T_EQ_STR(r->text, "Väder\n\nTack för frågan! Öppet hus på lördag.");
	T_EQ_STR(r->lang, "sv");
	T_EQ_INT(r->edited, 1771581900);

	T_EQ_INT(d->type, ITEM_DM);
	T_EQ_STR(d->parent, "https://other.example.se/users/anna/statuses/77");
	T_EQ_STR(d->thread, NULL);
	T_EQ_STR(d->text, "@anna Vi svarer deg på e-post.");
	T_ASSERT(d->raw && strstr(d->raw, "\"type\":\"Create\""));
}

T_TEST(mastodon)
{
	struct got g = {0};
	struct conn_ctx ctx;
	const char *tgz = tmp("mastodon.tar.gz");
	pack(FIX "/mastodon", tgz, 0, NULL, NULL);
	T_EQ_INT(run("mastodon", tgz, &g, &ctx), CONN_OK);
	check_mastodon(&g, 0);
	check_progress(&g);
	got_free(&g);

	/* the bare outbox.json, media found beside it */
	T_EQ_INT(run("mastodon", FIX "/mastodon/outbox.json", &g, &ctx),
	         CONN_OK);
	check_mastodon(&g, 1);
	got_free(&g);

	/* a caller that stops after the first item */
	g.stop_at = 2;
	T_EQ_INT(run("mastodon", tgz, &g, &ctx), CONN_E_PLATFORM);
	T_EQ_STR(ctx.err.code, "stopped");
	T_EQ_INT(g.n, 1);
	got_free(&g);
}

T_TEST(x_archive)
{
	struct got g = {0};
	struct conn_ctx ctx;
	const struct got_item *a, *r, *e, *d;
	char want[65];
	const char *zip = tmp("x.zip");
	pack(FIX "/x", zip, 1, NULL, NULL);
	T_EQ_INT(run("x", zip, &g, &ctx), CONN_OK);
	T_EQ_INT(g.n, 4);
	a = find(&g, "1890000000000000001");
	r = find(&g, "1890000000000000002");
	e = find(&g, "1890000000000000003");
	d = find(&g, "1890000000000000009");
	T_ASSERT(find(&g, "1890000000000000004") == NULL); /* an edit */
	T_ASSERT(find(&g, "1890000000000000005") == NULL); /* a retweet */
	if (T_ASSERT(a && r && e && d)) {
		T_EQ_STR(a->text, "Ny rapport om lærlinger & #fagbrev > les "
		                  "den på nett https://t.co/abcDEF1234");
		T_EQ_INT(a->type, ITEM_POST);
		T_EQ_INT(a->created, 1771578658);
		T_EQ_INT(a->likes, 12);
		T_EQ_STR(a->handle, "eksempelkommune");
		T_EQ_STR(a->url, "https://x.com/eksempelkommune/status/"
		                 "1890000000000000001");
		T_EQ_INT(a->nmedia, 1);
		file_sha(FIX "/x/data/tweets_media/1890000000000000001-"
		             "AbCdEf12.jpg",
		         want);
		T_EQ_STR(a->sha[0], want);
		T_EQ_STR(a->mime[0], "image/jpeg");
		T_EQ_INT(r->type, ITEM_REPLY);
		T_EQ_STR(r->parent, "1890000000000000001");
		T_EQ_STR(r->thread, "1890000000000000001");
		T_EQ_STR(e->text, "Biblioteket stenger kl 14 i dag – beklager!");
		T_EQ_INT(e->created, 1771660800);
		T_EQ_INT(e->edited, 1771662000);
		T_EQ_INT(e->deleted, 0);
		T_EQ_INT(d->deleted, 1);
		T_EQ_STR(d->text, "Feil dato for søppeltømming – sletter");
	}
	check_progress(&g);
	got_free(&g);

	/* the bare tweets.js */
	T_EQ_INT(run("x", FIX "/x/data/tweets.js", &g, &ctx), CONN_OK);
	T_EQ_INT(g.n, 3);
	a = find(&g, "1890000000000000001");
	if (T_ASSERT(a)) {
		file_sha(FIX "/x/data/tweets_media/1890000000000000001-"
		             "AbCdEf12.jpg",
		         want);
		T_EQ_STR(a->sha[0], want);
		T_EQ_STR(a->url, "https://x.com/i/web/status/"
		                 "1890000000000000001");
	}
	got_free(&g);
}

T_TEST(instagram)
{
	struct got g = {0};
	struct conn_ctx ctx;
	const struct got_item *p, *c, *k;
	char want[65];
	const char *zip = tmp("instagram.zip");
	pack(FIX "/instagram", zip, 1, NULL, NULL);
	T_EQ_INT(run("instagram", zip, &g, &ctx), CONN_OK);
	T_EQ_INT(g.n, 3);
	p = find(&g, "export:instagram:media/posts/202406/17900000001.jpg");
	c = find(&g, "export:instagram:media/posts/202406/17900000002.jpg");
	k = g.n == 3 ? &g.it[2] : NULL;
	if (T_ASSERT(p && c && k)) {
		T_EQ_STR(p->text, "Sommerfest på rådhuset i kveld 🎉");
		T_EQ_INT(p->created, 1718442000);
		T_EQ_INT(p->type, ITEM_POST);
		T_EQ_INT(p->inbound, 0);
		file_sha(FIX "/instagram/media/posts/202406/17900000001.jpg",
		         want);
		T_EQ_STR(p->sha[0], want);
		T_EQ_STR(c->text, "Två bilder från Åre: skärgård och fjäll");
		T_EQ_INT(c->nmedia, 2);
		file_sha(FIX "/instagram/media/posts/202406/17900000003.jpg",
		         want);
		T_EQ_STR(c->sha[1], want);
		T_EQ_INT(k->type, ITEM_COMMENT);
		T_EQ_STR(k->text, "Gratulerer så mye, Øystein!");
		T_EQ_INT(k->created, 1718600000);
		T_ASSERT(k->id && str_starts(k->id,
		                             "export:instagram:comment:1718600000:"));
		/* raw is the element as Meta wrote it */
		T_ASSERT(k->raw && strstr(k->raw, "s\xc3\x83\xc2\xa5 mye"));
	}
	check_progress(&g);
	got_free(&g);

	/* the same comment id from the single JSON file */
	T_EQ_INT(run("instagram",
	             FIX "/instagram/your_instagram_activity/content/"
	                 "posts_1.json",
	             &g, &ctx),
	         CONN_OK);
	T_EQ_INT(g.n, 2);
	got_free(&g);
}

T_TEST(facebook)
{
	struct got g = {0};
	struct conn_ctx ctx;
	char want[65];
	const char *zip = tmp("facebook.zip");
	pack(FIX "/facebook", zip, 1, NULL, NULL);
	T_EQ_INT(run("facebook", zip, &g, &ctx), CONN_OK);
	T_EQ_INT(g.n, 3);
	for (int i = 0; i < g.n; i++) {
		const struct got_item *x = &g.it[i];
		if (x->created == 1700000000) {
			T_EQ_STR(x->text, "Ny løype i Østmarka er åpen fra i "
			                  "dag. Blåbærturen starter ved skolen.");
			T_EQ_INT(x->edited, 1700003600);
			T_EQ_INT(x->type, ITEM_POST);
			T_EQ_INT(x->nmedia, 1);
			file_sha(FIX "/facebook/posts/media/Tidslinjebilder/"
			             "10160000001.jpg",
			         want);
			T_EQ_STR(x->sha[0], want);
			T_ASSERT(str_starts(x->id, "export:facebook:post:"
			                           "1700000000:"));
		} else if (x->created == 1700100000) {
			T_EQ_STR(x->text,
			         "Les høringen her:\nhttps://example.no/hoering");
		} else if (x->created == 1700300000) {
			T_EQ_INT(x->type, ITEM_COMMENT);
			T_EQ_STR(x->text, "Takk for særdeles god hjelp i dag!");
		} else {
			T_ASSERT(!"an item with an unexpected time");
		}
	}
	check_progress(&g);
	got_free(&g);

	/* one JSON file alone; ids stable across runs */
	T_EQ_INT(run("facebook", FIX "/facebook/comments/comments.json", &g,
	             &ctx),
	         CONN_OK);
	T_EQ_INT(g.n, 1);
	{
		struct got h = {0};
		run("facebook", FIX "/facebook/comments/comments.json", &h,
		    &ctx);
		T_EQ_STR(h.it[0].id, g.it[0].id);
		got_free(&h);
	}
	got_free(&g);
}

T_TEST(bluesky_slice)
{
	struct got g = {0};
	struct conn_ctx ctx;
	const struct got_item *p;
	json_t *want, *got;
	const char *uri = "at://did:plc:6evlgoug7wwijzxhzt2riyic/"
	                  "app.bsky.feed.post/3jquh3emtzo2o";
	T_EQ_INT(run("bluesky", CAR "/repo_slice.car", &g, &ctx), CONN_OK);
	T_ASSERT(g.n >= 1);
	p = find(&g, uri);
	if (!T_ASSERT(p != NULL))
		goto out;
	want = json_load_file(CAR "/repo_slice_record.json", 0, NULL);
	got = json_loads(p->raw, 0, NULL);
	T_ASSERT(want != NULL && got != NULL);
	T_EQ_STR(json_string_value(json_object_get(got, "uri")),
	         json_string_value(json_object_get(want, "uri")));
	T_EQ_STR(json_string_value(json_object_get(got, "cid")),
	         json_string_value(json_object_get(want, "cid")));
	T_ASSERT(json_equal(json_object_get(got, "value"),
	                    json_object_get(want, "value")));
	json_decref(want);
	json_decref(got);
	T_EQ_INT(p->type, ITEM_POST);
	T_EQ_INT(p->inbound, 0);
	T_EQ_STR(p->text, "@ledner9213-c6.test Luck yesterday in peep might "
	                  "were choir lastly luxury before.");
	T_EQ_INT(p->created, 1678762100); /* 2023-03-13T19:48:20-07:00 */
	T_EQ_STR(p->url, "https://bsky.app/profile/"
	                 "did:plc:6evlgoug7wwijzxhzt2riyic/post/3jquh3emtzo2o");
	T_EQ_INT(p->nmedia, 1);
	T_EQ_STR(p->alt[0], "Sausage sandwich italian style");
	T_EQ_STR(p->mime[0], "image/jpeg");
	/* the digest inside bafkreiblkobl6arfg3j7eft3akdhn2hmr2qmzfkefcgu4
	 * agnswvssg4a6a (base32 of 01 55 12 20 + digest) */
	T_EQ_STR(p->sha[0], "2b5382bf022536d3f2167b028676e8ec8ea0cc9544"
	                    "288d4e00cd95ab291b80f0");
	check_progress(&g);
out:
	got_free(&g);

	/* greenground: a commit and two follows, no posts */
	T_EQ_INT(run("bluesky", CAR "/greenground.repo.car", &g, &ctx),
	         CONN_OK);
	T_EQ_INT(g.n, 0);
	got_free(&g);
}

T_TEST(bluesky_broken)
{
	struct got g = {0};
	struct conn_ctx ctx;
	const char *cut = tmp("cut.car");
	long len = copy_cut(CAR "/repo_slice.car", cut, -1, -1);
	int malformed = 0;
	T_ASSERT(len > 1000);
	/* every truncation: a clean answer, never a crash */
	for (long n = 0; n < len; n++) {
		enum conn_rc rc;
		copy_cut(CAR "/repo_slice.car", cut, n, -1);
		rc = run("bluesky", cut, &g, &ctx);
		T_ASSERT(rc == CONN_OK || rc == CONN_E_MALFORMED);
		malformed += rc == CONN_E_MALFORMED;
		got_free(&g);
	}
	T_ASSERT(malformed > len - 20);
	copy_cut(CAR "/repo_slice.car", cut, len / 2, -1);
	T_EQ_INT(run("bluesky", cut, &g, &ctx), CONN_E_MALFORMED);
	T_EQ_STR(ctx.err.code, "truncated");
	got_free(&g);
	/* one byte of the post's text changed: its hash no longer matches */
	copy_cut(CAR "/repo_slice.car", cut, -1, 0x170);
	T_EQ_INT(run("bluesky", cut, &g, &ctx), CONN_E_MALFORMED);
	T_EQ_STR(ctx.err.code, "hash");
	T_ASSERT(strstr(ctx.err.message, "bafyrei") != NULL);
	T_EQ_INT(g.n, 0);
	got_free(&g);
	/* not a CAR at all */
	T_EQ_INT(run("bluesky", FIX "/README.md", &g, &ctx), CONN_E_MALFORMED);
	got_free(&g);
}

T_TEST(hostile_and_broken)
{
	struct got g = {0};
	struct conn_ctx ctx;
	const char *zip = tmp("evil.zip");
	const char *tgz = tmp("m.tar.gz");
	const char *cut = tmp("m-cut.tar.gz");
	const char *bad = tmp("bad.json");
	long len;
	FILE *f;

	pack(FIX "/x", zip, 1, "../../etc/evil.js", "window.YTD.x = []");
	T_EQ_INT(run("x", zip, &g, &ctx), CONN_E_MALFORMED);
	T_EQ_STR(ctx.err.code, "unsafe_name");
	T_EQ_INT(g.n, 0);
	got_free(&g);

	pack(FIX "/mastodon", tgz, 0, NULL, NULL);
	len = copy_cut(tgz, cut, -1, -1);
	copy_cut(tgz, cut, len / 2, -1);
	T_EQ_INT(run("mastodon", cut, &g, &ctx), CONN_E_MALFORMED);
	T_EQ_INT(g.n, 0);
	got_free(&g);

	f = fopen(bad, "w");
	if (f) {
		fputs("[{\"timestamp\": 1, \"data\": [", f);
		fclose(f);
	}
	T_EQ_INT(run("facebook", bad, &g, &ctx), CONN_E_MALFORMED);
	T_EQ_STR(ctx.err.code, "json");
	T_EQ_INT(run("instagram", bad, &g, &ctx), CONN_E_MALFORMED);
	T_EQ_INT(run("mastodon", bad, &g, &ctx), CONN_E_MALFORMED);
	T_EQ_INT(run("x", bad, &g, &ctx), CONN_E_MALFORMED);
	T_EQ_STR(ctx.err.code, "json");
	T_EQ_INT(run("x", FIX "/README.md", &g, &ctx), CONN_E_MALFORMED);
	T_EQ_STR(ctx.err.code, "shape");
	got_free(&g);

	T_EQ_INT(run("myspace", bad, &g, &ctx), CONN_E_CONFIG);
	T_EQ_STR(ctx.err.code, "format");
	T_EQ_INT(run("x", tmp("missing.zip"), &g, &ctx), CONN_E_CONFIG);
	T_EQ_INT(run("x", FIX, &g, &ctx), CONN_E_CONFIG);
	got_free(&g);
	unlink(bad);
}

static void
cleanup(void)
{
	static const char *const names[] = {
	    "mastodon.tar.gz", "x.zip",    "instagram.zip", "facebook.zip",
	    "cut.car",         "evil.zip", "m.tar.gz",      "m-cut.tar.gz"};
	if (tmpdir[0] == 0)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(tmp(names[i]));
	rmdir(tmpdir);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(mojibake),      T_ENTRY(dagcbor),
	    T_ENTRY(dup_keys_last_wins), T_ENTRY(mastodon),
	    T_ENTRY(x_archive),     T_ENTRY(instagram),
	    T_ENTRY(facebook),      T_ENTRY(bluesky_slice),
	    T_ENTRY(bluesky_broken), T_ENTRY(hostile_and_broken),
	};
	int rc = T_RUN(tests, argc, argv);
	cleanup();
	return rc;
}
