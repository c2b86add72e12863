/*
 * fuzz_car.c - libFuzzer target for the Bluesky repository reader
 * (src/connect/import_bluesky.c): the CAR framing (varints, CIDs, block
 * lengths), the hash check of every block, the DAG-CBOR decoder, MST
 * nodes and post records, on a whole CAR in memory.
 *
 * The first byte picks the mode: even, the input (after it) is a CAR
 * (import_bluesky_car); odd, one DAG-CBOR value (dagcbor_decode), whose
 * JSON must then serialise.  Checked: no crash, leak or sanitizer report;
 * a failed import always says why (ctx.err); every item emitted has an
 * at:// id.
 */
#include "fuzz.h"

#include "../src/connect/import.h"

static int
on_item(void *ud, const struct item *it)
{
	(void)ud;
	FUZZ_CHECK(it->id != NULL && strncmp(it->id, "at://", 5) == 0);
	FUZZ_CHECK(it->text != NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn_ctx ctx;
	struct imp im;
	enum conn_rc rc;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		char err[160];
		json_t *v = dagcbor_decode(data + 1, size - 1, err, sizeof(err));
		if (v == NULL) {
			FUZZ_CHECK(err[0] != '\0');
		} else {
			char *s = json_dumps(v, JSON_ENCODE_ANY);
			FUZZ_CHECK(s != NULL);
			free(s);
			json_decref(v);
		}
		return 0;
	}
	conn_ctx_init(&ctx, NULL, NULL, NULL, NULL);
	ctx.on_item = on_item;
	memset(&im, 0, sizeof(im));
	im.ctx = &ctx;
	rc = import_bluesky_car(&im, data + 1, size - 1);
	FUZZ_CHECK(rc == CONN_OK || rc == CONN_E_MALFORMED);
	FUZZ_CHECK(rc == CONN_OK || ctx.err.message[0] != '\0');
	conn_ctx_cleanup(&ctx);
	return 0;
}
