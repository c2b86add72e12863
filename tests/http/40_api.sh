#!/bin/sh
# tests/http/40_api.sh - JSON API round trips as the demo administrator
# (POSIX sh): units, people and roles, channels (list, filters, paging,
# create, get, update), the audit log's before/after of an update, the
# OpenAPI document, and `kanalvakt audit verify` before and after someone
# tampers with the audit table behind the application's back.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
TOK=$(kv_token "$KV_ADMIN_EMAIL")
AUTH="Authorization: Bearer $TOK"
CT='Content-Type: application/json'
api() { # METHOD PATH [curl args…]
	api_m=$1 api_p=$2
	shift 2
	req "$api_m" "$KV_URL$api_p" -H "$AUTH" "$@"
}
admin_id=$(kv_sql "SELECT id FROM people WHERE email = '$KV_ADMIN_EMAIL'")
unit_id() { kv_sql "SELECT id FROM units WHERE name = '$1'"; }

# --- the OpenAPI document --------------------------------------------------------
req GET "$KV_URL/api/v1/openapi.json"
check_status 200 "GET /api/v1/openapi.json is 200 without login"
check_match "$(hdr Content-Type)" '^application/json' "openapi.json is JSON"
check_match "$(js 'j["openapi"]')" '^3\.' "it is an OpenAPI 3 document"
check_eq "$(js '"/api/v1/channels/{id}" in j["paths"]')" true "it documents /api/v1/channels/{id}"
# every API route of the binary is documented, with its method
"$KV_BIN" routes >"$T_DIR/routes.txt"
missing=$("$T_PY" - "$T_DIR/routes.txt" "$H_BODY" <<'EOF'
import json, re, sys
spec = json.load(open(sys.argv[2]))
miss = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) < 2 or not (f[1].startswith("/api/") or f[1].startswith("/hooks/")):
        continue
    path = re.sub(r":([a-z]+)", r"{\1}", f[1])
    if f[0].lower() not in spec["paths"].get(path, {}):
        miss.append(f[0] + " " + path)
print(" ".join(miss))
EOF
)
check_eq "$missing" "" "every API route is in openapi.json"

# --- units ---------------------------------------------------------------------------
api GET /api/v1/units
check_status 200 "listUnits is 200"
check_eq "$(js 'len(j["items"]) == j["total"]')" true "listUnits: total counts the items"
check_eq "$(js 'sorted(u["name"] for u in j["items"])')" \
	'["Helse og omsorg", "Kultur", "Meldal folkebibliotek", "Meldal kommune", "Oppvekst", "Rådmannen", "Stab og service", "Ungdomsarbeid"]' \
	"listUnits has the demo's eight units"
check_eq "$(js '[u["depth"] for u in j["items"] if u["name"] == "Ungdomsarbeid"]')" '[3]' \
	"Ungdomsarbeid is at depth 3"
radm=$(unit_id Rådmannen)
api POST /api/v1/units -H "$CT" --data "{\"name\":\"Digitalisering\",\"kind\":\"unit\",\"parent_id\":$radm}"
check_status 201 "createUnit is 201"
U=$(js 'j["id"]')
check_match "$U" '^[1-9][0-9]*$' "createUnit returns an id"
check_eq "$(hdr Location)" "/api/v1/units/$U" "createUnit gives a Location"
check_eq "$(js '[j["name"], j["kind"], j["parent_id"]]')" "[\"Digitalisering\", \"unit\", $radm]" \
	"createUnit returns the unit"
api GET "/api/v1/units/$U"
check_status 200 "getUnit is 200"
check_eq "$(js 'j["name"]')" Digitalisering "getUnit returns the name"
api PATCH "/api/v1/units/$U" -H "$CT" --data '{"name":"Digitalisering og IT"}'
check_status 200 "PATCH of a unit is 200"
check_eq "$(js '[j["name"], j["kind"], j["parent_id"]]')" "[\"Digitalisering og IT\", \"unit\", $radm]" \
	"PATCH changes the name and keeps the rest"
api GET "/api/v1/units/$U"
check_eq "$(js 'j["name"]')" "Digitalisering og IT" "getUnit shows the new name"
api GET /api/v1/units/999999
check_status 404 "getUnit of a missing unit is 404"
check_match "$(hdr Content-Type)" '^application/problem\+json' "as problem+json"
api PATCH "/api/v1/units/$U" -H "$CT" --data "{\"parent_id\":$U}"
check_status 422 "a unit cannot be its own parent"
kultur=$(unit_id Kultur)
ungd=$(unit_id Ungdomsarbeid)
api PATCH "/api/v1/units/$kultur" -H "$CT" --data "{\"parent_id\":$ungd}"
check_status '409|422' "a unit cannot move below its own child"
api GET "/api/v1/units/$kultur"
check_eq "$(js 'j["parent_id"]')" "$radm" "so Kultur stays below Rådmannen"

# --- people and roles ----------------------------------------------------------------------
api GET /api/v1/people
check_status 200 "listPeople is 200"
check_eq "$(js 'j["total"]')" 11 "listPeople: the demo has 11 people"
check_eq "$(js 'j["total"] == len(j["items"])')" true "all of them on one page"
api GET "/api/v1/people?q=berit"
check_eq "$(js '[p["email"] for p in j["items"]]')" '["berit.vold@meldal-kommune.example"]' \
	"listPeople?q=berit finds Berit Vold"
api GET "/api/v1/people?limit=3&offset=3"
check_eq "$(js '[len(j["items"]), j["limit"], j["offset"], j["total"]]')" '[3, 3, 3, 11]' \
	"listPeople pages with limit and offset"
api POST /api/v1/people -H "$CT" \
	--data "{\"full_name\":\"Test Testesen\",\"email\":\"Test.Testesen@Meldal-Kommune.example\",\"unit_id\":$U,\"title\":\"tester\"}"
check_status 201 "createPerson is 201"
P=$(js 'j["id"]')
check_eq "$(hdr Location)" "/api/v1/people/$P" "createPerson gives a Location"
check_eq "$(js '[j["first_name"], j["email"], j["unit_id"], j["active"], j["has_login"]]')" \
	"[\"Test\", \"test.testesen@meldal-kommune.example\", $U, true, false]" \
	"createPerson derives the first name, lower-cases the e-mail"
api POST /api/v1/people -H "$CT" --data '{"full_name":"Dup","email":"test.testesen@meldal-kommune.example"}'
check_status 409 "a second person with the same e-mail is 409"
api POST "/api/v1/people/$P/roles" -H "$CT" --data "{\"role\":\"channel_editor\",\"unit_id\":$U}"
check_status 201 "grantRole is 201"
check_eq "$(js '[(r["role"], r["unit_id"]) for r in j["roles"]]')" "[[\"channel_editor\", $U]]" \
	"grantRole returns the person with the role"
api GET "/api/v1/people/$P"
check_eq "$(js '[(r["role"], r["unit_id"]) for r in j["roles"]]')" "[[\"channel_editor\", $U]]" \
	"getPerson shows the role"
api POST "/api/v1/people/$P/roles" -H "$CT" --data '{"role":"king"}'
check_status 422 "an unknown role is 422"
check_eq "$(js '[e["field"] for e in j["errors"]]')" '["role"]' "naming the field role"
api PATCH "/api/v1/people/$P" -H "$CT" --data '{"title":"senior tester","phone":"+47 72 49 10 00"}'
check_status 200 "PATCH of a person is 200"
check_eq "$(js '[j["title"], j["phone"], j["full_name"]]')" '["senior tester", "+47 72 49 10 00", "Test Testesen"]' \
	"PATCH changes the given fields only"
api DELETE "/api/v1/people/$P/roles?role=channel_editor&unit_id=$U"
check_status 204 "revokeRole is 204"
api GET "/api/v1/people/$P"
check_eq "$(js 'j.get("roles")')" '[]' "the role is gone"
api DELETE "/api/v1/people/$admin_id/roles?role=admin"
check_status 409 "the admin cannot remove their own admin role"

# --- channels ----------------------------------------------------------------------------------
api GET /api/v1/channels
check_status 200 "listChannels is 200"
check_eq "$(js 'sorted(c["name"] for c in j["items"])')" \
	'["@meldalkommune", "Bibliotekbloggen", "Jobb i Meldal", "Meldal kommune", "Meldal kommune på Vimeo", "Nye tider, nye tanker", "Ungdom i Meldal", "Ungdomsleder i Meldal"]' \
	"listChannels has Meldal's eight channels"
check_eq "$(js 'j["total"]')" 8 "listChannels: total 8"
check_eq "$(js '[(c["platform"], c["status"]) for c in j["items"] if c["name"] == "Ungdom i Meldal"]')" \
	'[["instagram", "requested"]]' "the Instagram channel is requested"
check_eq "$(js '[c["responsible_name"] for c in j["items"] if c["name"] == "Ungdomsleder i Meldal"]')" \
	'["Per Arne Hoff"]' "Per Arne Hoff answers for Ungdomsleder i Meldal"
api GET "/api/v1/channels?status=requested"
check_eq "$(js '[c["name"] for c in j["items"]]')" '["Ungdom i Meldal"]' "?status=requested"
api GET "/api/v1/channels?platform=facebook_page"
check_eq "$(js 'j["total"]')" 3 "?platform=facebook_page gives 3"
api GET "/api/v1/channels?q=MELDAL%20KOMMUNE"
check_eq "$(js 'sorted(c["name"] for c in j["items"])')" '["Meldal kommune", "Meldal kommune på Vimeo"]' \
	"?q= searches names case-insensitively"
api GET "/api/v1/channels?unit_id=$kultur"
check_eq "$(js 'sorted(c["name"] for c in j["items"])')" \
	'["Bibliotekbloggen", "Ungdom i Meldal", "Ungdomsleder i Meldal"]' "?unit_id= includes the units below"
api GET "/api/v1/channels?limit=2&offset=1"
check_eq "$(js '[len(j["items"]), j["total"], j["limit"], j["offset"]]')" '[2, 8, 2, 1]' "channels page"
for q in 'limit=0' 'limit=501' 'offset=-1' 'limit=x' 'unit_id=0' 'unit_id=abc' 'status=bogus'; do
	api GET "/api/v1/channels?$q"
	check_status 400 "?$q is 400"
done

# issue 3: a responsible person must hold the required course first
COURSE=$(kv_sql "SELECT id FROM courses WHERE required_for_channel_roles = 1")
api POST /api/v1/training -H "$CT" \
	--data "{\"person_id\":$P,\"course_id\":$COURSE,\"completed_on\":\"$(date -u +%Y-%m-%d)\"}"
check_status 201 "recordTraining for the new responsible person is 201"

BODY='{"platform":"youtube","name":"Meldal på YouTube","address":"https://www.youtube.com/@meldal",
 "unit_id":'$U',"purpose":"Videoer fra kommunestyret.\nOg mer.","target_groups":"Innbyggere",
 "responsible_id":'$P',"editor_ids":['$admin_id'],"update_count":2,"update_period":"month",
 "status":"planned"}'
api POST /api/v1/channels -H "$CT" --data "$BODY"
check_status 201 "createChannel is 201"
C=$(js 'j["id"]')
check_match "$C" '^[1-9][0-9]*$' "createChannel returns an id"
check_eq "$(hdr Location)" "/api/v1/channels/$C" "createChannel gives a Location"
check_eq "$(js '[j["platform"], j["name"], j["address"], j["unit_id"], j["unit_name"], j["status"]]')" \
	"[\"youtube\", \"Meldal på YouTube\", \"https://www.youtube.com/@meldal\", $U, \"Digitalisering og IT\", \"planned\"]" \
	"createChannel returns what was sent"
check_eq "$(js '[j["responsible_id"], j["responsible_name"], j["editor_ids"], j["update_count"], j["update_period"], j["opened_on"]]')" \
	"[$P, \"Test Testesen\", [$admin_id], 2, \"month\", null]" "with responsible, editors and frequency"
check_eq "$(js 'j["purpose"]')" "Videoer fra kommunestyret.
Og mer." "the purpose keeps its line break"
api GET "/api/v1/channels/$C"
check_status 200 "getChannel is 200"
check_eq "$(js '[j["name"], j["status"], j["editor_ids"]]')" "[\"Meldal på YouTube\", \"planned\", [$admin_id]]" \
	"getChannel returns the stored channel"
api GET /api/v1/channels
check_eq "$(js 'j["total"]')" 9 "listChannels now has 9"

api POST /api/v1/channels -H "$CT" \
	--data "{\"platform\":\"x\",\"name\":\"Minimal\",\"address\":\"@minimal\",\"unit_id\":$U}"
check_status 201 "a channel with only the required fields is 201"
check_eq "$(js '[j["status"], j["update_period"], j["purpose"], j["responsible_id"], j["editor_ids"]]')" \
	'["requested", "week", "", null, []]' "defaults: requested, week, empty purpose"

# issue 3: only an approved action plan makes a channel active
api PATCH "/api/v1/channels/$C" -H "$CT" --data '{"status":"active"}'
check_status 409 "PATCH to active without an approved plan is 409"
api PATCH "/api/v1/channels/$C" -H "$CT" \
	--data '{"name":"Meldal kommune på YouTube","status":"paused","editor_ids":[]}'
check_status 200 "updateChannel (PATCH) is 200"
check_eq "$(js '[j["name"], j["status"], j["editor_ids"], j["address"], j["update_count"]]')" \
	"[\"Meldal kommune på YouTube\", \"paused\", [], \"https://www.youtube.com/@meldal\", 2]" \
	"PATCH changes the given fields and keeps the rest"
check_match "$(js 'j["opened_on"]')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' "pausing fills opened_on"
api GET "/api/v1/channels/$C"
check_eq "$(js '[j["name"], j["status"]]')" '["Meldal kommune på YouTube", "paused"]' "getChannel shows the change"
api GET /api/v1/channels/999999
check_status 404 "getChannel of a missing channel is 404"
api PATCH /api/v1/channels/999999 -H "$CT" --data '{"name":"x"}'
check_status 404 "PATCH of a missing channel is 404"

# --- the audit log -------------------------------------------------------------------------------
api GET "/api/v1/audit?object_type=channel&object_id=$C"
check_status 200 "GET /api/v1/audit for the channel is 200"
check_eq "$(js '[e["action"] for e in j["items"]]')" '["update", "create"]' \
	"the channel's audit: create, then update (newest first)"
check_eq "$(js '[e["object_type"] == "channel" and e["object_id"] == '"$C"' for e in j["items"]]')" \
	'[true, true]' "only rows for this channel"
check_eq "$(js '[j["items"][0]["before"]["name"], j["items"][0]["after"]["name"]]')" \
	'["Meldal på YouTube", "Meldal kommune på YouTube"]' "the update's before/after names"
check_eq "$(js '[j["items"][0]["before"]["status"], j["items"][0]["after"]["status"]]')" \
	'["planned", "paused"]' "the update's before/after status"
check_eq "$(js '[j["items"][1]["before"], j["items"][1]["after"]["name"]]')" \
	'[null, "Meldal på YouTube"]' "the create has no before"
check_eq "$(js 'j["items"][0]["actor_id"]')" "$admin_id" "the audit names the admin as actor"
check_match "$(js 'j["items"][0]["hash"]')" '^[0-9a-f]{64}$' "audit rows carry their hash"
check_match "$(js 'j["items"][0]["seq"] > j["items"][1]["seq"]')" true "seq grows"
api GET "/api/v1/audit?limit=2"
check_eq "$(js 'len(j["items"])')" 2 "audit ?limit=2 gives 2 rows"
nb=$(js 'j["next_before"]')
check_match "$nb" '^[1-9][0-9]*$' "and a next_before cursor"
api GET "/api/v1/audit?limit=2&before=$nb"
check_eq "$(js 'all(e["seq"] < '"$nb"' for e in j["items"]) and len(j["items"]) == 2')" true \
	"?before= pages backwards"
api GET "/api/v1/audit?object_type=unit&object_id=$U"
check_eq "$(js '[e["action"] for e in j["items"]]')" '["update", "create"]' "the unit's audit"

kv_cli audit verify >"$T_DIR/verify.out"
check_eq "$?" 0 "audit verify exits 0"
check_match "$(cat "$T_DIR/verify.out")" 'intact' "audit verify says the log is intact"

# --- tampering ---------------------------------------------------------------------------------------
seq=$(kv_sql "SELECT MIN(seq) FROM audit WHERE object_type = 'channel' AND object_id = $C")
if kv_sql "UPDATE audit SET actor = 'mallory' WHERE seq = $seq" >/dev/null 2>&1; then
	fail "the database refuses UPDATE on audit" "the UPDATE went through"
else
	ok "the database refuses UPDATE on audit"
fi
if kv_sql "DELETE FROM audit WHERE seq = $seq" >/dev/null 2>&1; then
	fail "the database refuses DELETE on audit" "the DELETE went through"
else
	ok "the database refuses DELETE on audit"
fi
kv_cli audit verify >/dev/null
check_eq "$?" 0 "audit verify still exits 0"
case $KV_TEST_DB in
sqlite)
	kv_sql "DROP TRIGGER audit_no_update; UPDATE audit SET after_json = replace(after_json, 'planned', 'active') WHERE seq = $seq"
	;;
pg)
	kv_sql "ALTER TABLE audit DISABLE TRIGGER USER; UPDATE audit SET after_json = replace(after_json, 'planned', 'active') WHERE seq = $seq"
	;;
esac
check_eq "$?" 0 "tampering directly in the database works"
check_eq "$(kv_sql "SELECT COUNT(*) FROM audit WHERE seq = $seq AND after_json LIKE '%active%'")" 1 \
	"the row was changed"
kv_cli audit verify >"$T_DIR/verify.out"
rc=$?
check_ne "$rc" 0 "audit verify exits non-zero after tampering"
check_match "$(cat "$T_DIR/verify.out")" "BROKEN at row $seq" "audit verify names row $seq"

kv_finish
