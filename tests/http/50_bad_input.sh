#!/bin/sh
# tests/http/50_bad_input.sh - the API refuses bad input cleanly and writes
# nothing half-way (POSIX sh): malformed and non-object JSON, wrong media
# type, unknown and missing fields, wrong types and values, duplicates,
# oversized bodies and headers, deep nesting, invalid UTF-8, bad PATCHes,
# and a race of identical creates.  After every refusal the number of
# channels and of audit rows is checked to be unchanged.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
TOK=$(kv_token "$KV_ADMIN_EMAIL")
AUTH="Authorization: Bearer $TOK"
CT='Content-Type: application/json'
U=$(kv_sql "SELECT id FROM units WHERE name = 'Kultur'")
jobb=$(kv_sql "SELECT id FROM channels WHERE name = 'Jobb i Meldal'")

counts() {
	kv_sql "SELECT (SELECT COUNT(*) FROM channels) || '/' || (SELECT COUNT(*) FROM audit)
		|| '/' || (SELECT COUNT(*) FROM channel_editors)"
}
BASE=$(counts)

# refused STATUS DESC [curl args…]: POST /api/v1/channels must answer
# STATUS as problem+json and change nothing.
refused() {
	rf_s=$1 rf_d=$2
	shift 2
	req POST "$KV_URL/api/v1/channels" -H "$AUTH" "$@"
	check_status "$rf_s" "$rf_d: $rf_s"
	check_match "$(hdr Content-Type)" '^application/problem\+json' "$rf_d: problem+json"
	check_match "$(js 'j["status"]')" "^$rf_s\$" "$rf_d: problem has the status"
	check_eq "$(counts)" "$BASE" "$rf_d: nothing written"
}
post_json() { # STATUS DESC JSON
	pj_s=$1 pj_d=$2 pj_j=$3
	refused "$pj_s" "$pj_d" -H "$CT" --data-binary "$pj_j"
}
good='"platform":"x","name":"Ny kanal","address":"@nykanal","unit_id":'$U
# with FRAGMENT: a valid new channel with FRAGMENT's fields put over it.
with() {
	"$T_PY" -c '
import json, sys
o = json.loads("{" + sys.argv[1] + "}")
o.update(json.loads("{" + sys.argv[2] + "}"))
print(json.dumps(o, ensure_ascii=False))' "$good" "$1"
}

# --- JSON syntax and shape -----------------------------------------------------------------
post_json 400 "malformed JSON" '{"platform":"x","name":'
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:bad-json" "malformed JSON: type bad-json"
post_json 400 "trailing garbage" "{$good} x"
post_json 400 "an empty body" ''
post_json 400 "a JSON array" "[{$good}]"
post_json 400 "a JSON string" '"channel"'
post_json 400 "a JSON number" '42'
post_json 400 "JSON null" 'null'
post_json 400 "a duplicate key" "{$good,\"name\":\"Twice\"}"
post_json 400 "single quotes" "{'platform':'x'}"
post_json 400 "a comment" "{$good /* hi */}"

# --- media type --------------------------------------------------------------------------------
refused 415 "text/plain" -H 'Content-Type: text/plain' --data-binary "{$good}"
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:unsupported-media-type" "415: type"
refused 415 "a form body" --data-urlencode "platform=x"
refused 415 "no Content-Type" -H 'Content-Type:' --data-binary "{$good}"
refused 415 "application/xml" -H 'Content-Type: application/xml' --data-binary '<channel/>'

# --- fields ---------------------------------------------------------------------------------------
post_json 422 "an unknown field" "$(with '"colour":"blue"')"
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["colour"]' "the unknown field is named in errors[].field"
check_match "$(js 'j["detail"]')" 'colour' "and in the detail"
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:validation" "422: type validation"
post_json 422 "an unknown field id" "$(with '"id":5')"
post_json 422 "an empty object" '{}'
check_eq "$(js 'sorted(e["field"] for e in j["errors"])')" '["address", "name", "platform", "unit_id"]' \
	"{} names the four required fields"
check_eq "$(js 'all(e["reason"] for e in j["errors"])')" true "every error has a reason"
post_json 422 "a missing name" '{"platform":"x","address":"@a","unit_id":'$U'}'
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["name"]' "the missing name is named"
post_json 422 "a null name" "$(with '"name":null')"
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["name"]' "a null name is named"
post_json 422 "a name of only spaces" '{"platform":"x","name":"   ","address":"@a","unit_id":'$U'}'

for bad in '"name":5' '"name":["a"]' '"name":{"a":1}' '"name":true' '"unit_id":"'$U'"' \
	'"unit_id":0' '"unit_id":-1' '"unit_id":1.5' '"unit_id":999999' '"responsible_id":999999' \
	'"update_count":1.5' '"update_count":-1' '"update_count":1001' '"update_count":"2"' \
	'"editor_ids":"1"' '"editor_ids":[0]' '"editor_ids":[999999]' '"editor_ids":[1,1]' \
	'"editor_ids":[1,"2"]' '"platform":"myspace"' '"platform":"X"' '"status":"bogus"' \
	'"update_period":"year"' '"opened_on":"2024-13-45"' '"opened_on":"2024-02-30"' \
	'"opened_on":"yesterday"' '"address":"has space"' '"address":"tab\there"' \
	'"name":"bell\u0007"' '"purpose":5'; do
	field=$(printf '%s' "$bad" | sed 's/^"\([a-z_]*\)".*/\1/')
	post_json 422 "$bad" "$(with "$bad")"
	check_eq "$(js '[e["field"] for e in j["errors"]]')" "[\"$field\"]" "$bad: errors names $field"
done
ed=$("$T_PY" -c 'print(",".join(str(i) for i in range(1, 34)))')
post_json 422 "33 editors" "$(with "\"editor_ids\":[$ed]")"
long=$("$T_PY" -c 'print("n" * 201)')
post_json 422 "a 201-byte name" "$(with "\"name\":\"$long\"")"
long=$("$T_PY" -c 'print("p" * 4001)')
post_json 422 "a 4001-byte purpose" "$(with "\"purpose\":\"$long\"")"
post_json 422 "closed before opened" "$(with '"opened_on":"2024-05-01","closed_on":"2024-04-01"')"
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["closed_on"]' "closed_on is named"
post_json 422 "several bad fields" "$(with '"platform":"myspace","status":"bogus","update_count":-5')"
check_eq "$(js 'sorted(e["field"] for e in j["errors"])')" '["platform", "status", "update_count"]' \
	"all bad fields are named at once"

# --- duplicates ----------------------------------------------------------------------------------------
post_json 409 "a taken address" '{"platform":"facebook_page","name":"Kopi","address":"https://www.facebook.com/jobbimeldal","unit_id":'$U'}'
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:conflict" "409: type conflict"
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["address"]' "409 names the address"
post_json 409 "a taken address with spaces around" '{"platform":"facebook_page","name":"Kopi","address":"  https://www.facebook.com/jobbimeldal ","unit_id":'$U'}'

# --- size and depth -------------------------------------------------------------------------------------
"$T_PY" -c '
import json, sys
print(json.dumps({"platform": "x", "name": "Stor", "address": "@stor",
                  "unit_id": int(sys.argv[1]), "purpose": "x" * (1 << 20)}))' "$U" >"$T_DIR/big.json"
refused 413 "a body over 1 MiB" -H "$CT" --data-binary "@$T_DIR/big.json"
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:too-large" "413: type too-large"
refused 413 "a chunked body over 1 MiB" -H "$CT" -H 'Transfer-Encoding: chunked' --data-binary "@$T_DIR/big.json"
refused 413 "a Content-Length over 1 MiB (Expect: 100-continue)" -H "$CT" -H 'Expect: 100-continue' \
	--data-binary "@$T_DIR/big.json"
"$T_PY" -c '
import json, sys
print(json.dumps({"platform": "x", "name": "Nesten", "address": "@nesten",
                  "unit_id": int(sys.argv[1]), "purpose": "x" * 1000000}))' "$U" >"$T_DIR/almost.json"
refused 422 "a body just under 1 MiB with a too long purpose" -H "$CT" --data-binary "@$T_DIR/almost.json"
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["purpose"]' "is refused for the purpose, not the size"

deep=$("$T_PY" -c 'print("{\"purpose\":" + "[" * 100 + "]" * 100 + "}")')
post_json 400 "JSON nested 100 deep" "$deep"
"$T_PY" -c 'print("[" * 100000 + "]" * 100000)' >"$T_DIR/deep.json"
refused 400 "JSON nested 100000 deep" -H "$CT" --data-binary "@$T_DIR/deep.json"
deep=$("$T_PY" -c 'print("{\"purpose\":\"" + "[" * 100 + "\",\"platform\":\"x\",\"name\":\"Klammer\",\"address\":\"@klammer\",\"unit_id\":'"$U"'}")')
req POST "$KV_URL/api/v1/channels" -H "$AUTH" -H "$CT" --data-binary "$deep"
check_status 201 "brackets inside a string do not count as nesting"
BASE=$(counts)

# (libmicrohttpd answers these itself, so not as problem+json)
big=$("$T_PY" -c 'print("h" * 100000)')
req POST "$KV_URL/api/v1/channels" -H "$AUTH" -H "$CT" -H "X-Filler: $big" --data-binary "{$good}"
check_status '4[0-9][0-9]' "a 100 KB header is 4xx"
check_eq "$(counts)" "$BASE" "a 100 KB header: nothing written"
req GET "$KV_URL/healthz"
check_status 200 "the server still answers after a 100 KB header"
"$T_PY" -c 'print("\n".join("X-H%d: %s" % (i, "v" * 60) for i in range(1000)))' >"$T_DIR/headers.txt"
req POST "$KV_URL/api/v1/channels" -H "$AUTH" -H "$CT" -H "@$T_DIR/headers.txt" --data-binary "{$good}"
check_status '4[0-9][0-9]' "1000 headers are 4xx"
check_eq "$(counts)" "$BASE" "1000 headers: nothing written"
req GET "$KV_URL/healthz"
check_status 200 "the server still answers after 1000 headers"

# --- encoding --------------------------------------------------------------------------------------------
printf '{"platform":"x","name":"bad \377\376 utf8","address":"@utf","unit_id":%s}' "$U" >"$T_DIR/bad-utf8.json"
refused '4[0-9][0-9]' "invalid UTF-8 in a string" -H "$CT" --data-binary "@$T_DIR/bad-utf8.json"
printf '{"platform":"x","name":"overlong \300\257","address":"@utf","unit_id":%s}' "$U" >"$T_DIR/bad-utf8.json"
refused '4[0-9][0-9]' "an overlong UTF-8 sequence" -H "$CT" --data-binary "@$T_DIR/bad-utf8.json"
printf '{"platform":"x","name":"surrogate \355\240\200","address":"@utf","unit_id":%s}' "$U" >"$T_DIR/bad-utf8.json"
refused '4[0-9][0-9]' "a UTF-8-encoded surrogate" -H "$CT" --data-binary "@$T_DIR/bad-utf8.json"
post_json '4[0-9][0-9]' "a \\u0000 escape" "$(with '"name":"nul\u0000byte"')"
post_json '4[0-9][0-9]' "a lone surrogate escape" '{"platform":"x","name":"lone \ud800","address":"@utf","unit_id":'$U'}'
printf '{"platform":"x","name":"nul \000 raw","address":"@utf","unit_id":%s}' "$U" >"$T_DIR/bad-utf8.json"
refused '4[0-9][0-9]' "a raw NUL byte" -H "$CT" --data-binary "@$T_DIR/bad-utf8.json"
req POST "$KV_URL/api/v1/channels" -H "$AUTH" -H "$CT" \
	--data-binary '{"platform":"x","name":"Blåbærsyltetøy ✓ 😀","address":"@blåbær","unit_id":'$U'}'
check_status 201 "valid UTF-8 (æøå, symbols, emoji) is accepted"
check_eq "$(js 'j["name"]')" "Blåbærsyltetøy ✓ 😀" "and stored exactly"
BASE=$(counts)

# --- bad PATCHes change nothing -----------------------------------------------------------------------------
req GET "$KV_URL/api/v1/channels/$jobb" -H "$AUTH"
before=$(body)
patch_refused() { # STATUS DESC JSON [CONTENT-TYPE]
	pr_s=$1 pr_d=$2 pr_j=$3
	req PATCH "$KV_URL/api/v1/channels/$jobb" -H "$AUTH" \
		-H "Content-Type: ${4:-application/json}" --data-binary "$pr_j"
	check_status "$pr_s" "PATCH $pr_d: $pr_s"
	req GET "$KV_URL/api/v1/channels/$jobb" -H "$AUTH"
	check_eq "$(body)" "$before" "PATCH $pr_d: the channel is unchanged"
	check_eq "$(counts)" "$BASE" "PATCH $pr_d: nothing written"
}
patch_refused 422 "with one bad and one good field" '{"name":"Endret","status":"bogus"}'
patch_refused 422 "with name null" '{"name":null}'
patch_refused 422 "with platform null" '{"platform":null}'
patch_refused 422 "with unit_id null" '{"unit_id":null}'
patch_refused 422 "with an unknown field" '{"name":"Endret","colour":"red"}'
patch_refused 409 "to a taken address" '{"platform":"facebook_page","address":"https://www.facebook.com/meldalkommune"}'
patch_refused 400 "with malformed JSON" '{"name":"Endret"'
patch_refused 400 "with an array" '[]'
patch_refused 415 "as text/plain" '{"name":"Endret"}' text/plain
patch_refused 422 "with closed_on before opened_on" '{"closed_on":"2000-01-01"}'
req PATCH "$KV_URL/api/v1/channels/$jobb" -H "$AUTH" -H "$CT" --data-binary '{}'
check_status 200 "an empty PATCH is 200"
check_eq "$(js 'j["name"]')" "Jobb i Meldal" "and changes nothing"

# --- a race of identical creates ----------------------------------------------------------------------------
i=1
pids=
while [ $i -le 6 ]; do
	curl -sS -o /dev/null -w '%{http_code}\n' -X POST -H "$AUTH" -H "$CT" \
		--data-binary '{"platform":"x","name":"Kappløp","address":"@kapplop","unit_id":'$U'}' \
		"$KV_URL/api/v1/channels" >"$T_DIR/race.$i" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086
wait $pids
codes=$(cat "$T_DIR"/race.* | sort | tr '\n' ' ')
check_eq "$codes" "201 409 409 409 409 409 " "six identical creates at once: one 201, five 409"
check_eq "$(kv_sql "SELECT COUNT(*) FROM channels WHERE address = '@kapplop'")" 1 "one channel stored"
kv_cli audit verify >/dev/null
check_eq "$?" 0 "the audit chain is intact after the refusals and the race"

kv_finish
