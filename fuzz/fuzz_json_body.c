/*
 * fuzz_json_body.c - libFuzzer target for everything that reads a JSON
 * request body from outside: the nesting-depth pre-scan and
 * json_loadb(JSON_REJECT_DUPLICATES) in api_body(), the allowed-field
 * check, and the typed field overlays of the create handlers in
 * src/web/api_v1.c (channels, people, units, role grants).
 *
 * The pre-scan (json_depth) and the overlays (channel_overlay, ...) are
 * static, so they are reached through the public handlers.  The request
 * is built by hand; req_header() (server.c, which needs a live MHD
 * connection) is replaced at link time with -Wl,--wrap=req_header.  The
 * acting person holds no role, so every handler stops at the domain's
 * authorization check (403) before touching the database: the target
 * needs no database and is deterministic.
 *
 * The first byte picks the handler; the rest is the body.  Checked: the
 * handler answers 400, 403 or 422 with a JSON problem document that
 * jansson can read back, and nothing leaks (LeakSanitizer).
 */
#include "fuzz.h"

#include "../src/web/web.h"

const char *__wrap_req_header(struct req *r, const char *name);
const char *__wrap_req_query(struct req *r, const char *name);

const char *
__wrap_req_header(struct req *r, const char *name)
{
	(void)r;
	if (strcmp(name, "Content-Type") == 0)
		return "application/json";
	return NULL;
}

const char *
__wrap_req_query(struct req *r, const char *name)
{
	(void)r;
	(void)name;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const handler_fn handlers[] = {
	    api_channels_create, api_channels_create, api_people_create,
	    api_units_create,    api_person_grant,
	};
	struct req r;
	json_t *back;
	json_error_t err;

	if (size < 1 || size > MAX_BODY)
		return 0;
	memset(&r, 0, sizeof(r));
	arena_init(&r.ar);
	buf_init(&r.body, MAX_BODY);
	buf_init(&r.out, MAX_OUT);
	buf_add(&r.body, data + 1, size - 1);
	r.method = M_POST;
	r.path = "/api/v1/fuzz";
	r.status = 200;
	r.lang = "en";
	r.pid = 1;
	r.authed = 1;
	r.actor.person_id = 2;
	r.actor.org_id = 1;
	r.actor.label = "fuzz <fuzz@example.test>";
	r.actor.name = r.actor.first_name = "fuzz";
	r.actor.email = "fuzz@example.test";

	handlers[data[0] % (sizeof(handlers) / sizeof(handlers[0]))](&r);

	FUZZ_CHECK(r.status == 400 || r.status == 403 || r.status == 422);
	FUZZ_CHECK(r.out.overflow == 0);
	back = json_loadb(buf_str(&r.out), r.out.len, 0, &err);
	FUZZ_CHECK(back != NULL && json_is_object(back));
	FUZZ_CHECK(json_integer_value(json_object_get(back, "status")) ==
	           r.status);
	json_decref(back);

	json_decref(r.json);
	buf_cleanup(&r.body);
	buf_cleanup(&r.out);
	arena_free(&r.ar);
	return 0;
}
