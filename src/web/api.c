/*
 * api.c - JSON API plumbing: responses, RFC 9457 problems, body parsing
 * with caps, typed field readers and paging.
 *
 * Problems carry a stable `type` of the form urn:kanalvakt:problem:NAME
 * (NAME: validation, conflict, not-found, forbidden, unauthenticated,
 * bad-json, unsupported-media-type, too-large, …) and, for validation and
 * conflict, `errors: [{field, reason}]`.  Field reasons are in English in
 * the API; the UI translates the same strings.
 */
#include "web.h"
#include "../base/util.h"

#include <stdlib.h>
#include <string.h>

void
api_json(struct req *r, int status, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	r->status = status;
	r->ctype = "application/json";
	buf_reset(&r->out);
	if (s != NULL) {
		buf_adds(&r->out, s);
		free(s);
	}
	json_decref(j);
}

static void
problem(struct req *r, int status, const char *type, const char *title,
        const char *detail, const struct verrs *v)
{
	json_t *p = json_object();
	json_object_set_new(p, "type",
	                    json_string(arena_printf(
	                        &r->ar, "urn:kanalvakt:problem:%s", type)));
	json_object_set_new(p, "title", json_string(title));
	json_object_set_new(p, "status", json_integer(status));
	if (detail != NULL)
		json_object_set_new(p, "detail", json_string(detail));
	if (v != NULL && v->n > 0) {
		json_t *errs = json_array();
		for (int i = 0; i < v->n; i++)
			json_array_append_new(
			    errs, json_pack("{s:s,s:s}", "field", v->e[i].field,
			                    "reason", v->e[i].reason));
		json_object_set_new(p, "errors", errs);
	}
	api_json(r, status, p);
	r->ctype = "application/problem+json";
}

void
api_problem(struct req *r, int status, const char *type, const char *title,
            const char *detail)
{
	problem(r, status, type, title, detail, NULL);
}

void
api_invalid(struct req *r, int status, const struct verrs *v)
{
	int n = v != NULL ? v->n : 0;
	const char *detail =
	    n == 1
	        ? arena_printf(&r->ar, "%s %s", v->e[0].field, v->e[0].reason)
	        : arena_printf(&r->ar, "%d fields are invalid", n);
	problem(r, status, status == 409 ? "conflict" : "validation",
	        status == 409 ? "Conflict" : "Invalid input", detail, v);
}

void
api_fail(struct req *r, enum kv_rc rc, const struct verrs *v)
{
	switch (rc) {
	case KV_OK:
		return;
	case KV_INVALID:
		api_invalid(r, 422, v);
		return;
	case KV_CONFLICT:
		api_invalid(r, 409, v);
		return;
	case KV_NOTFOUND:
		api_problem(r, 404, "not-found", "Not found",
		            "No such object, or not visible to you.");
		return;
	case KV_FORBIDDEN:
		api_problem(r, 403, "forbidden", "Forbidden",
		            "Your roles do not allow this.");
		return;
	case KV_THROTTLED:
		api_problem(r, 429, "throttled", "Too many attempts", NULL);
		return;
	case KV_UNAUTH:
		api_problem(r, 401, "unauthenticated",
		            "Authentication required", NULL);
		return;
	case KV_DBERR:
		break;
	}
	api_problem(r, 500, "internal", "Internal error",
	            "The request could not be completed; nothing was changed.");
}

int
api_json_depth(const char *s, size_t n)
{
	int depth = 0, max = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				max = depth;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return max;
}

json_t *
api_body(struct req *r, const char *const *allowed)
{
	const char *ct = req_header(r, "Content-Type");
	json_error_t err;
	json_t *j;
	const char *key;
	json_t *val;

	if (ct == NULL || !str_starts(ct, "application/json")) {
		api_problem(r, 415, "unsupported-media-type",
		            "Unsupported media type",
		            "Send the body as application/json.");
		return NULL;
	}
	if (api_json_depth(buf_str(&r->body), r->body.len) > MAX_JSON_DEPTH) {
		api_problem(r, 400, "bad-json", "Malformed JSON",
		            "The body is nested too deeply.");
		return NULL;
	}
	j = json_loadb(buf_str(&r->body), r->body.len, JSON_REJECT_DUPLICATES,
	               &err);
	if (j == NULL) {
		api_problem(r, 400, "bad-json", "Malformed JSON",
		            arena_printf(&r->ar, "%s at line %d, column %d",
		                         err.text, err.line, err.column));
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		api_problem(r, 400, "bad-json", "Malformed JSON",
		            "The body must be a JSON object.");
		return NULL;
	}
	json_object_foreach(j, key, val)
	{
		int ok = 0;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, key) == 0;
		if (!ok) {
			struct verrs v = {0};
			verr_add(&v, arena_strdup(&r->ar, key),
			         "is not a known field");
			json_decref(j);
			api_invalid(r, 422, &v);
			return NULL;
		}
	}
	r->json = j;
	return j;
}

const char *
jget_str(json_t *o, const char *k, int *present, struct verrs *v)
{
	json_t *x = json_object_get(o, k);
	*present = x != NULL;
	if (x == NULL || json_is_null(x))
		return NULL;
	if (!json_is_string(x)) {
		verr_add(v, k, "must be a string");
		return NULL;
	}
	if (strlen(json_string_value(x)) != json_string_length(x)) {
		verr_add(v, k, "contains invalid characters");
		return NULL;
	}
	return json_string_value(x);
}

int64_t
jget_int(json_t *o, const char *k, int *present, struct verrs *v)
{
	json_t *x = json_object_get(o, k);
	*present = x != NULL;
	if (x == NULL)
		return 0;
	if (!json_is_integer(x)) {
		verr_add(v, k, "must be an integer");
		return 0;
	}
	return (int64_t)json_integer_value(x);
}

int64_t
jget_id(json_t *o, const char *k, int *present, struct verrs *v)
{
	json_t *x = json_object_get(o, k);
	*present = x != NULL;
	if (x == NULL || json_is_null(x))
		return 0;
	if (!json_is_integer(x) || json_integer_value(x) <= 0) {
		verr_add(v, k, "must be an id (a positive integer) or null");
		return 0;
	}
	return (int64_t)json_integer_value(x);
}

int
jget_ids(json_t *o, const char *k, int64_t *out, int max, int *n,
         struct verrs *v)
{
	json_t *x = json_object_get(o, k), *e;
	size_t i;
	if (x == NULL)
		return 0;
	if (!json_is_array(x) || json_array_size(x) > (size_t)max) {
		verr_add(v, k, "must be a list of at most 32 person ids");
		return 1;
	}
	*n = 0;
	json_array_foreach(x, i, e)
	{
		if (!json_is_integer(e) || json_integer_value(e) <= 0) {
			verr_add(v, k, "must be a list of person ids");
			return 1;
		}
		out[(*n)++] = json_integer_value(e);
	}
	return 1;
}

int
api_paging(struct req *r, int *limit, int *offset)
{
	const char *l = req_query(r, "limit"), *o = req_query(r, "offset");
	int64_t lv = 50, ov = 0;
	if ((l != NULL && (parse_i64(l, &lv) != 0 || lv < 1 || lv > 500)) ||
	    (o != NULL && (parse_i64(o, &ov) != 0 || ov < 0 || ov > 1000000))) {
		api_problem(r, 400, "bad-query", "Bad query parameter",
		            "limit must be 1–500 and offset 0–1000000.");
		return -1;
	}
	*limit = (int)lv;
	*offset = (int)ov;
	return 0;
}

int
query_id(struct req *r, const char *name, int64_t *out)
{
	const char *s = req_query(r, name);
	*out = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (parse_i64(s, out) != 0 || *out <= 0) {
		api_problem(
		    r, 400, "bad-query", "Bad query parameter",
		    arena_printf(&r->ar, "%s must be a positive id", name));
		return -1;
	}
	return 0;
}
