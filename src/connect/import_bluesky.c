/*
 * import_bluesky.c - a Bluesky repository export (docs/IMPORTS.md): the
 * CAR file from Settings > Account > Export my data, the same bytes
 * com.atproto.sync.getRepo returns.
 *
 * CARv1: a varint-prefixed DAG-CBOR header {roots:[CID], version:1}, then
 * blocks, each a varint length followed by a CID and the block's bytes.
 * Every block's hash is checked against its CID (SHA-256; a mismatch or
 * another hash function fails the import).  DAG-CBOR blocks are decoded
 * into jansson values by a small strict decoder (dagcbor_decode): maps
 * with text keys (duplicates refused), arrays, text (valid UTF-8), bytes
 * ({"$bytes": base64 without padding}), integers within int64, floats,
 * true/false/null, and tag 42 CIDs ({"$link": "b…"}); indefinite lengths,
 * other tags and simple values are refused; nesting is capped at
 * IMPORT_MAX_DEPTH and no count read from the data sizes anything
 * before the bytes for it are known to be there.
 *
 * Which record is where comes from the Merkle Search Tree: every MST node
 * {l, e:[{p, k, v, t}]} in the file is decoded (keys are prefix-compressed
 * within a node: p bytes of the previous key, then k) to map each record's
 * CID to its "collection/rkey" path; the root commit {did, data, rev, …}
 * gives the DID.  Then each app.bsky.feed.post record with a known path
 * is emitted as an item (inbound 0): id at://DID/app.bsky.feed.post/RKEY,
 * ITEM_REPLY with parent_id/thread_id from reply.parent/root, text,
 * createdAt, langs[0], images' alt text and the SHA-256 their blob CIDs
 * carry.  raw is {"uri","cid","value"}, the shape of getRecord.
 * Other collections (likes, follows, reposts, profile) are not imported.
 */
#include "import.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CID_MAX     128 /* bytes of a binary CID we accept */
#define MST_KEY_MAX 1024
#define CAR_HDR_MAX (1u << 20)

#define CODEC_RAW     0x55
#define CODEC_DAGCBOR 0x71
#define CODEC_DAGPB   0x70
#define MH_SHA256     0x12
#define MH_IDENTITY   0x00

/* --- multiformats ------------------------------------------------------ */

/* Reads an unsigned varint (at most 9 bytes, 63 bits) from p[0..n);
 * bytes used, or 0 when truncated or too long. */
static size_t
uvarint(const uint8_t *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	for (size_t i = 0; i < n && i < 9; i++) {
		x |= (uint64_t)(p[i] & 0x7F) << (7 * i);
		if ((p[i] & 0x80) == 0) {
			if (x > INT64_MAX)
				return 0;
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

struct cid {
	uint8_t b[CID_MAX]; /* the binary CID */
	size_t len;
	int version;
	uint64_t codec, mh;
	const uint8_t *digest; /* into b */
	size_t dlen;
};

/* Reads a CID at p[0..n); bytes used, or 0 when malformed. */
static size_t
cid_read(const uint8_t *p, size_t n, struct cid *c)
{
	uint64_t ver, codec, mh, dlen;
	size_t o = 0, k;
	memset(c, 0, sizeof(*c));
	if (n >= 34 && p[0] == MH_SHA256 && p[1] == 0x20) {
		memcpy(c->b, p, 34); /* CIDv0: a bare sha2-256 multihash */
		c->len = 34;
		c->version = 0;
		c->codec = CODEC_DAGPB;
		c->mh = MH_SHA256;
		c->digest = c->b + 2;
		c->dlen = 32;
		return 34;
	}
	if ((k = uvarint(p, n, &ver)) == 0 || ver != 1)
		return 0;
	o += k;
	if ((k = uvarint(p + o, n - o, &codec)) == 0)
		return 0;
	o += k;
	if ((k = uvarint(p + o, n - o, &mh)) == 0)
		return 0;
	o += k;
	if ((k = uvarint(p + o, n - o, &dlen)) == 0)
		return 0;
	o += k;
	if (dlen > 64 || dlen > n - o || o + dlen > CID_MAX)
		return 0;
	memcpy(c->b, p, o + (size_t)dlen);
	c->len = o + (size_t)dlen;
	c->version = 1;
	c->codec = codec;
	c->mh = mh;
	c->digest = c->b + o;
	c->dlen = (size_t)dlen;
	return c->len;
}

/* The CID's string: "b" + base32 lower (v1), base58btc (v0); out must
 * hold 2 + 8 * CID_MAX / 5 bytes. */
static void
cid_str(const struct cid *c, char *out)
{
	if (c->version == 0) {
		static const char a[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
		                        "abcdefghijkmnopqrstuvwxyz";
		uint8_t d[64] = {
		    0}; /* base-58 digits, least significant first */
		size_t nd = 0, zeros = 0, o = 0;
		while (zeros < c->len && c->b[zeros] == 0)
			zeros++;
		for (size_t i = zeros; i < c->len; i++) {
			unsigned carry = c->b[i];
			for (size_t j = 0; j < nd; j++) {
				carry += (unsigned)d[j] << 8;
				d[j] = (uint8_t)(carry % 58);
				carry /= 58;
			}
			while (carry > 0 && nd < sizeof(d)) {
				d[nd++] = (uint8_t)(carry % 58);
				carry /= 58;
			}
		}
		for (size_t i = 0; i < zeros; i++)
			out[o++] = '1';
		while (nd > 0)
			out[o++] = a[d[--nd]];
		out[o] = 0;
		return;
	}
	{
		static const char a[] = "abcdefghijklmnopqrstuvwxyz234567";
		size_t o = 0;
		unsigned acc = 0;
		int bits = 0;
		out[o++] = 'b';
		for (size_t i = 0; i < c->len; i++) {
			acc = (acc << 8) | c->b[i];
			bits += 8;
			while (bits >= 5) {
				out[o++] = a[(acc >> (bits - 5)) & 31];
				bits -= 5;
			}
		}
		if (bits > 0)
			out[o++] = a[(acc << (5 - bits)) & 31];
		out[o] = 0;
	}
}

/* Parses "b…" (base32 lower) into c; 0 or -1. */
static int
cid_parse(const char *s, struct cid *c)
{
	uint8_t b[CID_MAX] = {0};
	size_t n = 0;
	unsigned acc = 0;
	int bits = 0;
	if (s == NULL || s[0] != 'b')
		return -1;
	for (s++; *s; s++) {
		int v;
		if (*s >= 'a' && *s <= 'z')
			v = *s - 'a';
		else if (*s >= '2' && *s <= '7')
			v = *s - '2' + 26;
		else
			return -1;
		acc = (acc << 5) | (unsigned)v;
		bits += 5;
		if (bits >= 8) {
			if (n >= sizeof(b))
				return -1;
			b[n++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
		acc &= 0xFF;
	}
	return n > 0 && cid_read(b, n, c) == n ? 0 : -1;
}

/* --- DAG-CBOR ---------------------------------------------------------- */

struct cbor {
	const uint8_t *p;
	size_t n, pos;
	int depth;
	char *err;
	size_t errlen;
};

static json_t *
cbor_fail(struct cbor *d, const char *why)
{
	if (d->err[0] == '\0')
		snprintf(d->err, d->errlen, "%s at byte %zu", why, d->pos);
	return NULL;
}

/* Reads an item's head: major type and argument; -1 when malformed. */
static int
cbor_head(struct cbor *d, int *major, int *ai, uint64_t *val)
{
	uint8_t ib;
	size_t k;
	if (d->pos >= d->n)
		return -1;
	ib = d->p[d->pos++];
	*major = ib >> 5;
	*ai = ib & 31;
	if (*ai < 24) {
		*val = (uint64_t)*ai;
		return 0;
	}
	if (*ai > 27)
		return -1; /* indefinite lengths and reserved values */
	k = (size_t)1 << (*ai - 24);
	if (d->n - d->pos < k)
		return -1;
	*val = 0;
	for (size_t i = 0; i < k; i++)
		*val = (*val << 8) | d->p[d->pos++];
	return 0;
}

static double
half_float(unsigned h)
{
	unsigned e = (h >> 10) & 0x1F, m = h & 0x3FF;
	double v;
	if (e == 0)
		v = (double)m / 16777216.0; /* m * 2^-24 */
	else if (e == 31)
		v = m ? (0.0 / 0.0) : (1.0 / 0.0);
	else {
		v = (double)(m + 1024);
		for (int i = (int)e - 25; i > 0; i--)
			v *= 2;
		for (int i = (int)e - 25; i < 0; i++)
			v /= 2;
	}
	return (h & 0x8000) ? -v : v;
}

static json_t *cbor_value(struct cbor *d);

static json_t *
cbor_bytes_json(const uint8_t *b, size_t n)
{
	size_t el = sodium_base64_ENCODED_LEN(
	    n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	char *s = xmalloc(el);
	json_t *o;
	sodium_bin2base64(s, el, b, n,
	                  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	o = json_pack("{s:s}", "$bytes", s);
	free(s);
	return o;
}

static json_t *
cbor_value(struct cbor *d)
{
	int major, ai;
	uint64_t v;
	json_t *r = NULL;
	if (++d->depth > IMPORT_MAX_DEPTH)
		return cbor_fail(d, "nested too deep");
	if (cbor_head(d, &major, &ai, &v) != 0)
		return cbor_fail(d, "truncated or indefinite item");
	switch (major) {
	case 0:
		if (v > INT64_MAX)
			return cbor_fail(d, "integer out of range");
		r = json_integer((json_int_t)v);
		break;
	case 1:
		if (v > INT64_MAX)
			return cbor_fail(d, "integer out of range");
		r = json_integer(-1 - (json_int_t)v);
		break;
	case 2:
		if (v > d->n - d->pos)
			return cbor_fail(d, "byte string past the end");
		r = cbor_bytes_json(d->p + d->pos, (size_t)v);
		d->pos += (size_t)v;
		break;
	case 3:
		if (v > d->n - d->pos)
			return cbor_fail(d, "text past the end");
		r = json_stringn((const char *)d->p + d->pos, (size_t)v);
		if (r == NULL)
			return cbor_fail(d, "text is not UTF-8");
		d->pos += (size_t)v;
		break;
	case 4:
		if (v > d->n - d->pos)
			return cbor_fail(d, "array longer than the block");
		r = json_array();
		for (uint64_t i = 0; i < v; i++) {
			json_t *x = cbor_value(d);
			if (x == NULL) {
				json_decref(r);
				return NULL;
			}
			json_array_append_new(r, x);
		}
		break;
	case 5:
		if (v > (d->n - d->pos) / 2)
			return cbor_fail(d, "map longer than the block");
		r = json_object();
		for (uint64_t i = 0; i < v; i++) {
			int km, kai;
			uint64_t kl;
			char *key;
			json_t *x;
			if (cbor_head(d, &km, &kai, &kl) != 0 || km != 3 ||
			    kl > d->n - d->pos) {
				json_decref(r);
				return cbor_fail(d, "map key is not text");
			}
			key = xstrndup((const char *)d->p + d->pos, (size_t)kl);
			if (strlen(key) != kl ||
			    !utf8_valid_text(key, (size_t)kl, 1) ||
			    json_object_get(r, key) != NULL) {
				free(key);
				json_decref(r);
				return cbor_fail(d, "bad or repeated map key");
			}
			d->pos += (size_t)kl;
			x = cbor_value(d);
			if (x == NULL) {
				free(key);
				json_decref(r);
				return NULL;
			}
			json_object_set_new(r, key, x);
			free(key);
		}
		break;
	case 6: {
		int bm, bai;
		uint64_t bl;
		struct cid c;
		char s[2 + 8 * CID_MAX / 5 + 2];
		if (v != 42)
			return cbor_fail(d, "tag other than 42");
		if (cbor_head(d, &bm, &bai, &bl) != 0 || bm != 2 ||
		    bl > d->n - d->pos || bl < 2 || d->p[d->pos] != 0 ||
		    cid_read(d->p + d->pos + 1, (size_t)bl - 1, &c) !=
		        (size_t)bl - 1)
			return cbor_fail(d, "tag 42 without a CID");
		d->pos += (size_t)bl;
		cid_str(&c, s);
		r = json_pack("{s:s}", "$link", s);
		break;
	}
	default: /* 7 */
		if (ai == 20)
			r = json_false();
		else if (ai == 21)
			r = json_true();
		else if (ai == 22)
			r = json_null();
		else if (ai == 25)
			r = json_real(half_float((unsigned)v));
		else if (ai == 26) {
			float f;
			uint32_t u = (uint32_t)v;
			memcpy(&f, &u, sizeof(f));
			r = json_real((double)f);
		} else if (ai == 27) {
			double f;
			memcpy(&f, &v, sizeof(f));
			r = json_real(f);
		} else {
			return cbor_fail(d, "simple value not in DAG-CBOR");
		}
		if (r == NULL)
			return cbor_fail(d, "NaN or infinity");
		break;
	}
	d->depth--;
	return r;
}

json_t *
dagcbor_decode(const void *data, size_t len, char *err, size_t errlen)
{
	struct cbor d = {data, len, 0, 0, err, errlen};
	json_t *v;
	err[0] = '\0';
	v = cbor_value(&d);
	if (v != NULL && d.pos != len) {
		json_decref(v);
		v = cbor_fail(&d, "bytes after the value");
	}
	return v;
}

/* --- the CAR ----------------------------------------------------------- */

/* Where blocks come from: a file, or memory. */
struct carin {
	FILE *f;
	const uint8_t *p;
	size_t n, pos;
	int64_t off, total;
};

/* Reads a varint from the input: 1 read, 0 clean end, -1 bad. */
static int
in_varint(struct carin *in, uint64_t *v)
{
	uint8_t b[9];
	size_t i;
	for (i = 0; i < sizeof(b); i++) {
		int c;
		if (in->f) {
			c = getc(in->f);
			if (c == EOF)
				return i == 0 && !ferror(in->f) ? 0 : -1;
		} else {
			if (in->pos >= in->n)
				return i == 0 ? 0 : -1;
			c = in->p[in->pos++];
		}
		in->off++;
		b[i] = (uint8_t)c;
		if ((c & 0x80) == 0)
			return uvarint(b, i + 1, v) ? 1 : -1;
	}
	return -1;
}

/* The next n bytes: into *own (malloc'd, file) or pointing into memory;
 * 0 or -1 when truncated. */
static int
in_bytes(struct carin *in, size_t n, const uint8_t **out, uint8_t **own)
{
	*own = NULL;
	if (in->f == NULL) {
		if (n > in->n - in->pos)
			return -1;
		*out = in->p + in->pos;
		in->pos += n;
		in->off += (int64_t)n;
		return 0;
	}
	*own = xmalloc(n ? n : 1);
	if (fread(*own, 1, n, in->f) != n) {
		free(*own);
		*own = NULL;
		return -1;
	}
	in->off += (int64_t)n;
	*out = *own;
	return 0;
}

struct car {
	struct imp *im;
	char root[2 + 8 * CID_MAX / 5 + 2]; /* the commit's CID */
	json_t *commit;                     /* the root block, decoded */
	json_t *paths; /* record CID -> "collection/rkey" */
	json_t *posts; /* record CID -> app.bsky.feed.post value */
	int64_t blocks;
};

/* Maps the entries of one MST node to paths; 0 or -1 (malformed). */
static int
mst_node(struct car *car, const json_t *node)
{
	char key[MST_KEY_MAX + 1];
	size_t klen = 0, i;
	const json_t *e;
	json_array_foreach(json_object_get(node, "e"), i, e)
	{
		int64_t p = imp_int(e, "p", -1);
		const char *kb = imp_str(json_object_get(e, "k"), "$bytes");
		const char *v = imp_str(json_object_get(e, "v"), "$link");
		unsigned char suf[MST_KEY_MAX];
		size_t sl;
		if (p < 0 || (size_t)p > klen || kb == NULL || v == NULL)
			return -1;
		if (sodium_base642bin(
		        suf, sizeof(suf), kb, strlen(kb), NULL, &sl, NULL,
		        sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
		    (size_t)p + sl > MST_KEY_MAX)
			return -1;
		memcpy(key + p, suf, sl);
		klen = (size_t)p + sl;
		key[klen] = 0;
		if (strlen(key) != klen)
			return -1;
		json_object_set_new(car->paths, v, json_string(key));
	}
	return 0;
}

/* Checks one block's hash and takes what it holds. */
static enum conn_rc
car_block(struct car *car, const uint8_t *b, size_t n)
{
	struct conn_ctx *ctx = car->im->ctx;
	struct cid c;
	char cs[2 + 8 * CID_MAX / 5 + 2], err[160];
	size_t k = cid_read(b, n, &c);
	const uint8_t *data;
	size_t dlen;
	json_t *v;

	if (k == 0)
		return conn_fail(ctx, CONN_E_MALFORMED, "cid",
		                 "CAR block %lld: no valid CID",
		                 (long long)car->blocks);
	cid_str(&c, cs);
	data = b + k;
	dlen = n - k;
	if (c.mh == MH_SHA256 && c.dlen == 32) {
		unsigned char h[32];
		crypto_hash_sha256(h, data, dlen);
		if (sodium_memcmp(h, c.digest, 32) != 0)
			return conn_fail(ctx, CONN_E_MALFORMED, "hash",
			                 "CAR block %s: the bytes do not match "
			                 "the CID's SHA-256",
			                 cs);
	} else if (c.mh == MH_IDENTITY) {
		if (c.dlen != dlen || memcmp(c.digest, data, dlen) != 0)
			return conn_fail(ctx, CONN_E_MALFORMED, "hash",
			                 "CAR block %s: identity CID does not "
			                 "match the bytes",
			                 cs);
	} else {
		return conn_fail(ctx, CONN_E_MALFORMED, "hash",
		                 "CAR block %s: hash function 0x%llx is not "
		                 "supported",
		                 cs, (unsigned long long)c.mh);
	}
	if (c.codec != CODEC_DAGCBOR)
		return CONN_OK; /* blobs (raw) and others: nothing to read */
	v = dagcbor_decode(data, dlen, err, sizeof(err));
	if (v == NULL)
		return conn_fail(ctx, CONN_E_MALFORMED, "cbor",
		                 "CAR block %s: %s", cs, err);
	if (strcmp(cs, car->root) == 0) {
		json_decref(car->commit);
		car->commit = json_incref(v);
	}
	if (json_is_array(json_object_get(v, "e")) &&
	    json_object_get(v, "l") != NULL &&
	    json_object_get(v, "$type") == NULL) {
		if (mst_node(car, v) != 0) {
			json_decref(v);
			return conn_fail(ctx, CONN_E_MALFORMED, "mst",
			                 "CAR block %s: malformed MST node",
			                 cs);
		}
	} else {
		const char *t = imp_str(v, "$type");
		if (t && strcmp(t, "app.bsky.feed.post") == 0)
			json_object_set(car->posts, cs, v);
	}
	json_decref(v);
	return CONN_OK;
}

/* Hex SHA-256 of a blob CID ("bafkrei…") into out[65], or NULL. */
static const char *
blob_sha(const char *cidstr, char out[65])
{
	struct cid c;
	static const char x[] = "0123456789abcdef";
	if (cid_parse(cidstr, &c) != 0 || c.mh != MH_SHA256 || c.dlen != 32)
		return NULL;
	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = x[c.digest[i] >> 4];
		out[2 * i + 1] = x[c.digest[i] & 15];
	}
	out[64] = 0;
	return out;
}

/* Adds the images (or video) of an embed to it. */
static void
embed_media(const json_t *embed, struct item *it, char sha[][65])
{
	const char *t = imp_str(embed, "$type");
	const json_t *imgs, *im;
	size_t i;
	if (t && strcmp(t, "app.bsky.embed.recordWithMedia") == 0) {
		embed_media(json_object_get(embed, "media"), it, sha);
		return;
	}
	if (t && strcmp(t, "app.bsky.embed.video") == 0) {
		const json_t *b = json_object_get(embed, "video");
		if (it->nmedia >= ITEM_MAX_MEDIA)
			return;
		it->media[it->nmedia].alt = imp_str(embed, "alt");
		it->media[it->nmedia].mime = imp_str(b, "mimeType");
		it->media[it->nmedia].sha256 =
		    blob_sha(imp_str(json_object_get(b, "ref"), "$link"),
		             sha[it->nmedia]);
		it->nmedia++;
		return;
	}
	imgs = json_object_get(embed, "images");
	json_array_foreach(imgs, i, im)
	{
		const json_t *b = json_object_get(im, "image");
		const char *cs = imp_str(json_object_get(b, "ref"), "$link");
		if (cs == NULL)
			cs = imp_str(b, "cid"); /* the 2023 lexicon */
		if (it->nmedia >= ITEM_MAX_MEDIA)
			return;
		it->media[it->nmedia].alt = imp_str(im, "alt");
		it->media[it->nmedia].mime = imp_str(b, "mimeType");
		it->media[it->nmedia].sha256 = blob_sha(cs, sha[it->nmedia]);
		it->nmedia++;
	}
}

static enum conn_rc
emit_post(struct car *car, const char *did, const char *cs, json_t *value,
          const char *path)
{
	struct item it;
	char uri[2048], url[2048], sha[ITEM_MAX_MEDIA][65], *raw;
	const json_t *reply = json_object_get(value, "reply");
	const char *rkey = strchr(path, '/') + 1;
	json_t *rec;
	enum conn_rc rc;

	item_init(&it);
	snprintf(uri, sizeof(uri), "at://%.200s/%.1500s", did, path);
	snprintf(url, sizeof(url),
	         "https://bsky.app/profile/%.200s/post/%.1500s", did, rkey);
	it.id = uri;
	it.url = url;
	it.inbound = 0;
	it.author_id = did;
	it.text = imp_str(value, "text");
	if (it.text == NULL)
		it.text = "";
	it.lang = json_string_value(
	    json_array_get(json_object_get(value, "langs"), 0));
	if (time_parse_web(imp_str(value, "createdAt"), &it.created_at) != 0)
		it.created_at = 0;
	it.parent_id = imp_str(json_object_get(reply, "parent"), "uri");
	it.thread_id = imp_str(json_object_get(reply, "root"), "uri");
	it.type = it.parent_id ? ITEM_REPLY : ITEM_POST;
	it.hidden = 0;
	embed_media(json_object_get(value, "embed"), &it, sha);
	rec = json_pack("{s:s,s:s,s:O}", "uri", uri, "cid", cs, "value", value);
	raw = json_dumps(rec, JSON_COMPACT);
	json_decref(rec);
	it.raw = raw;
	rc = imp_emit(car->im, &it);
	free(raw);
	return rc;
}

/* Reads the header and every block, then emits the posts. */
static enum conn_rc
car_read(struct imp *im, struct carin *in)
{
	struct car car;
	struct conn_ctx *ctx = im->ctx;
	enum conn_rc rc = CONN_OK;
	uint64_t hl;
	const uint8_t *b;
	uint8_t *own;
	json_t *hdr = NULL;
	char err[160];
	const char *did;
	int r;

	memset(&car, 0, sizeof(car));
	car.im = im;
	car.paths = json_object();
	car.posts = json_object();
	crypto_setup();

	if (in_varint(in, &hl) != 1 || hl == 0 || hl > CAR_HDR_MAX ||
	    in_bytes(in, (size_t)hl, &b, &own) != 0) {
		rc = conn_fail(ctx, CONN_E_MALFORMED, "car",
		               "not a CAR file (no header)");
		goto out;
	}
	hdr = dagcbor_decode(b, (size_t)hl, err, sizeof(err));
	free(own);
	if (hdr == NULL || imp_int(hdr, "version", 0) != 1 ||
	    !json_is_array(json_object_get(hdr, "roots"))) {
		rc = conn_fail(ctx, CONN_E_MALFORMED, "car",
		               "not a CARv1 header%s%s", hdr ? "" : ": ",
		               hdr ? "" : err);
		goto out;
	}
	{
		const char *r0 = imp_str(
		    json_array_get(json_object_get(hdr, "roots"), 0), "$link");
		snprintf(car.root, sizeof(car.root), "%s", r0 ? r0 : "");
	}
	for (;;) {
		uint64_t bl;
		r = in_varint(in, &bl);
		if (r == 0)
			break;
		if (r < 0 || bl == 0 || bl > IMPORT_MAX_BLOCK ||
		    in_bytes(in, (size_t)bl, &b, &own) != 0) {
			rc = conn_fail(ctx, CONN_E_MALFORMED, "truncated",
			               "CAR block %lld: truncated or too large "
			               "(at byte %lld)",
			               (long long)car.blocks,
			               (long long)in->off);
			goto out;
		}
		rc = car_block(&car, b, (size_t)bl);
		free(own);
		if (rc != CONN_OK)
			goto out;
		car.blocks++;
		imp_progress(im, "read", in->off, in->total);
	}
	imp_progress(im, "read", in->off, in->off);
	did = imp_str(car.commit, "did");
	if (did == NULL || !str_starts(did, "did:")) {
		rc = conn_fail(ctx, CONN_E_MALFORMED, "commit",
		               "the CAR holds no repository commit (root %s)",
		               car.root);
		goto out;
	}
	{
		const char *cs;
		json_t *v;
		int64_t i = 0, n = (int64_t)json_object_size(car.posts);
		json_object_foreach(car.posts, cs, v)
		{
			const char *path = imp_str(car.paths, cs);
			imp_progress(im, "items", i++, n);
			if (path == NULL ||
			    !str_starts(path, "app.bsky.feed.post/") ||
			    path[19] == '\0') {
				im->skipped++;
				continue;
			}
			rc = emit_post(&car, did, cs, v, path);
			if (rc != CONN_OK)
				goto out;
		}
		imp_progress(im, "items", n, n);
	}
out:
	json_decref(hdr);
	json_decref(car.commit);
	json_decref(car.paths);
	json_decref(car.posts);
	return rc;
}

enum conn_rc
import_bluesky_car(struct imp *im, const void *data, size_t len)
{
	struct carin in;
	memset(&in, 0, sizeof(in));
	in.p = data;
	in.n = len;
	in.total = (int64_t)len;
	return car_read(im, &in);
}

enum conn_rc
import_bluesky_file(struct imp *im, const char *path)
{
	struct carin in;
	struct stat st;
	enum conn_rc rc;
	memset(&in, 0, sizeof(in));
	in.f = fopen(path, "rb");
	if (in.f == NULL)
		return conn_fail(im->ctx, CONN_E_CONFIG, "open", "%s: %s", path,
		                 strerror(errno));
	if (fstat(fileno(in.f), &st) == 0)
		in.total = (int64_t)st.st_size;
	rc = car_read(im, &in);
	fclose(in.f);
	return rc;
}
