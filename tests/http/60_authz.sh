#!/bin/sh
# tests/http/60_authz.sh - authorization on every object (POSIX sh), with
# the demo's people: a channel editor (Siri Bakken, Ungdomsarbeid), one of
# another unit (Marit Grindal, Oppvekst), a unit manager (Per Arne Hoff,
# Kultur), the auditor (Berit Vold), the web editor (Ingrid Løkken) and a
# channel editor added through the CLI.  Checked through the API and the
# HTML forms; every refusal must also leave the data unchanged.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
D=meldal-kommune.example
CT='Content-Type: application/json'
SIRI=$(kv_token "siri.bakken@$D")
MARIT=$(kv_token "marit.grindal@$D")
PER=$(kv_token "per.arne.hoff@$D")
BERIT=$(kv_token "berit.vold@$D")
INGRID=$(kv_token "ingrid.lokken@$D")
printf 'ny-redaktor-passord-1\n' | kv_cli user add "nina.ny@$D" --name "Nina Ny" \
	--role channel_editor --unit Oppvekst >/dev/null ||
	fail "user add of a channel editor works" "$(cat "$KV_CLI_LOG")"
NINA=$(kv_token "nina.ny@$D")

cid() { kv_sql "SELECT id FROM channels WHERE name = '$1'"; }
uid() { kv_sql "SELECT id FROM units WHERE name = '$1'"; }
pid() { kv_sql "SELECT id FROM people WHERE email = '$1@$D'"; }
JOBB=$(cid "Jobb i Meldal")
UNGL=$(cid "Ungdomsleder i Meldal")
INSTA=$(cid "Ungdom i Meldal")
FORUM=$(cid "Nye tider, nye tanker")
KULTUR=$(uid Kultur)
UNGD=$(uid Ungdomsarbeid)
STAB=$(uid "Stab og service")
snapshot() {
	kv_sql "SELECT (SELECT COUNT(*) FROM channels) || '/' || (SELECT COUNT(*) FROM units)
		|| '/' || (SELECT COUNT(*) FROM people) || '/' || (SELECT COUNT(*) FROM role_grants)
		|| '/' || (SELECT COUNT(*) FROM audit WHERE action <> 'login')
		|| '/' || (SELECT MAX(updated_at) FROM channels)"
}
BASE=$(snapshot)

as() { # TOKEN METHOD PATH [JSON]
	as_t=$1 as_m=$2 as_p=$3
	if [ $# -ge 4 ]; then
		req "$as_m" "$KV_URL$as_p" -H "Authorization: Bearer $as_t" -H "$CT" --data-binary "$4"
	else
		req "$as_m" "$KV_URL$as_p" -H "Authorization: Bearer $as_t"
	fi
}
denied() { # STATUS DESC TOKEN METHOD PATH [JSON]
	dn_s=$1 dn_d=$2
	shift 2
	as "$@"
	check_status "$dn_s" "$dn_d: $dn_s"
	check_match "$(hdr Content-Type)" '^application/problem\+json' "$dn_d: problem+json"
	check_eq "$(snapshot)" "$BASE" "$dn_d: nothing changed"
}

# --- a channel editor (Siri, Ungdomsarbeid) -------------------------------------------
denied 403 "Siri PATCHes Jobb i Meldal (another unit)" "$SIRI" PATCH "/api/v1/channels/$JOBB" '{"name":"Kapret"}'
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:forbidden" "the problem type is forbidden"
denied 403 "Siri PATCHes Ungdomsleder i Meldal (editor, not responsible)" "$SIRI" PATCH \
	"/api/v1/channels/$UNGL" '{"purpose":"Endret"}'
denied 403 "Siri creates a unit" "$SIRI" POST /api/v1/units '{"name":"Siris enhet"}'
denied 403 "Siri PATCHes her own unit" "$SIRI" PATCH "/api/v1/units/$UNGD" '{"name":"Siris"}'
denied 403 "Siri reads the audit log" "$SIRI" GET /api/v1/audit
denied 403 "Siri reads a channel's audit" "$SIRI" GET "/api/v1/audit?object_type=channel&object_id=$UNGL"
denied 403 "Siri registers a channel in her unit" "$SIRI" POST /api/v1/channels \
	"{\"platform\":\"x\",\"name\":\"Siri\",\"address\":\"@siri\",\"unit_id\":$UNGD}"
denied 403 "Siri creates a person" "$SIRI" POST /api/v1/people "{\"full_name\":\"Ny\",\"unit_id\":$UNGD}"
denied 403 "Siri makes herself admin" "$SIRI" POST "/api/v1/people/$(pid siri.bakken)/roles" '{"role":"admin"}'
denied 403 "Siri grants herself unit_manager" "$SIRI" POST "/api/v1/people/$(pid siri.bakken)/roles" \
	"{\"role\":\"unit_manager\",\"unit_id\":$UNGD}"
denied 403 "Siri removes Per Arne's role" "$SIRI" DELETE \
	"/api/v1/people/$(pid per.arne.hoff)/roles?role=unit_manager&unit_id=$KULTUR"
denied 403 "Siri PATCHes the admin" "$SIRI" PATCH "/api/v1/people/$(pid admin)" '{"email":"siri2@example.org"}'
as "$SIRI" GET "/api/v1/channels/$INSTA"
check_status 200 "Siri sees the requested Instagram of her unit"
as "$SIRI" GET /api/v1/channels
check_eq "$(js '"Ungdom i Meldal" in [c["name"] for c in j["items"]]')" true "and it is in her list"
as "$SIRI" PATCH "/api/v1/channels/$INSTA" '{"purpose":"Bilder fra ungdomsaktivitetene."}'
check_status 200 "Siri may change the channel she is responsible for"
BASE=$(snapshot)
as "$SIRI" PATCH "/api/v1/channels/$INSTA" "{\"unit_id\":$STAB}"
check_status 403 "but not move it to Stab og service"
check_eq "$(snapshot)" "$BASE" "the move changes nothing"

# --- a channel editor of another unit (Marit, Oppvekst) -------------------------------------
denied 404 "Marit GETs the requested Instagram of Ungdomsarbeid" "$MARIT" GET "/api/v1/channels/$INSTA"
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:not-found" "it looks missing, not forbidden"
denied 404 "Marit PATCHes it" "$MARIT" PATCH "/api/v1/channels/$INSTA" '{"name":"x"}'
as "$MARIT" GET /api/v1/channels
check_eq "$(js '"Ungdom i Meldal" in [c["name"] for c in j["items"]]')" false "it is not in Marit's list"
check_eq "$(js 'j["total"]')" 7 "Marit's list counts the 7 public channels"
as "$MARIT" GET "/api/v1/channels?q=ungdom"
check_eq "$(js '[c["name"] for c in j["items"]]')" '["Ungdomsleder i Meldal"]' "nor in a search"
as "$MARIT" GET "/api/v1/channels/$FORUM"
check_status 200 "Marit sees the forum of her unit"
denied 403 "Marit (editor, not responsible) PATCHes the forum" "$MARIT" PATCH "/api/v1/channels/$FORUM" '{"name":"x"}'
denied 404 "Nina (channel editor added by the CLI, Oppvekst) GETs the Instagram" "$NINA" GET "/api/v1/channels/$INSTA"
denied 403 "Nina PATCHes Jobb i Meldal" "$NINA" PATCH "/api/v1/channels/$JOBB" '{"name":"x"}'
denied 403 "Nina reads the audit log" "$NINA" GET /api/v1/audit

# --- the auditor (Berit) ----------------------------------------------------------------------------
as "$BERIT" GET /api/v1/audit
check_status 200 "the auditor reads the audit log"
check_match "$(js 'len(j["items"]) > 0')" true "and it has rows"
as "$BERIT" GET "/api/v1/channels/$INSTA"
check_status 200 "the auditor sees the requested Instagram"
denied 403 "the auditor PATCHes a channel" "$BERIT" PATCH "/api/v1/channels/$JOBB" '{"name":"x"}'
denied 403 "the auditor PATCHes a unit" "$BERIT" PATCH "/api/v1/units/$KULTUR" '{"name":"x"}'
denied 403 "the auditor PATCHes a person" "$BERIT" PATCH "/api/v1/people/$(pid siri.bakken)" '{"title":"x"}'
denied 403 "the auditor creates a unit" "$BERIT" POST /api/v1/units '{"name":"x"}'
denied 403 "the auditor creates a channel" "$BERIT" POST /api/v1/channels \
	"{\"platform\":\"x\",\"name\":\"B\",\"address\":\"@b\",\"unit_id\":$KULTUR}"
denied 403 "the auditor grants a role" "$BERIT" POST "/api/v1/people/$(pid berit.vold)/roles" '{"role":"admin"}'

# --- the unit manager (Per Arne, Kultur) -------------------------------------------------------------
as "$PER" PATCH "/api/v1/channels/$UNGL" '{"target_groups":"Ungdom i Meldal, 13–19 år"}'
check_status 200 "the unit manager of Kultur PATCHes Ungdomsleder i Meldal"
check_eq "$(js 'j["target_groups"]')" "Ungdom i Meldal, 13–19 år" "and the change is made"
BASE=$(snapshot)
denied 403 "the unit manager of Kultur PATCHes Jobb i Meldal" "$PER" PATCH "/api/v1/channels/$JOBB" '{"name":"x"}'
denied 403 "the unit manager registers a channel for Stab og service" "$PER" POST /api/v1/channels \
	"{\"platform\":\"x\",\"name\":\"P\",\"address\":\"@p\",\"unit_id\":$STAB}"
denied 403 "the unit manager moves a Kultur channel to Stab og service" "$PER" PATCH \
	"/api/v1/channels/$UNGL" "{\"unit_id\":$STAB}"
denied 403 "the unit manager reads the audit log" "$PER" GET /api/v1/audit
as "$PER" POST /api/v1/channels "{\"platform\":\"x\",\"name\":\"Kultur i Meldal\",\"address\":\"@kulturimeldal\",\"unit_id\":$UNGD}"
check_status 201 "the unit manager registers a channel for a unit below Kultur"
BASE=$(snapshot)

# --- the web editor (Ingrid) -------------------------------------------------------------------------
as "$INGRID" PATCH "/api/v1/channels/$JOBB" '{"update_count":3}'
check_status 200 "the web editor PATCHes Jobb i Meldal"
as "$INGRID" PATCH "/api/v1/channels/$INSTA" '{"update_count":4}'
check_status 200 "the web editor PATCHes a requested channel of any unit"
BASE=$(snapshot)
denied 403 "the web editor creates a unit" "$INGRID" POST /api/v1/units '{"name":"x"}'
BASE=$(snapshot)

# --- the same through the HTML forms -------------------------------------------------------------------
kv_login "siri.bakken@$D" "$KV_PW" "$T_DIR/siri" || fail "Siri logs in" "$(ctx)"
kv_form_post "$T_DIR/siri" "/channels/$JOBB" platform=facebook_page name=Kapret \
	address=https://www.facebook.com/jobbimeldal "unit_id=$STAB" status=active update_period=week update_count=1
check_status 403 "Siri's form POST to Jobb i Meldal is 403"
check_eq "$(snapshot)" "$BASE" "and changes nothing"
req GET "$KV_URL/channels/$JOBB/edit" -b "$T_DIR/siri"
check_status 403 "Siri's GET of Jobb i Meldal's edit form is 403"
kv_form_post "$T_DIR/siri" /units name=Siris kind=unit
check_status 403 "Siri's form POST to /units is 403"
kv_form_post "$T_DIR/siri" "/units/$UNGD" name=Siris kind=team
check_status 403 "Siri's form POST to /units/ID is 403"
kv_form_post "$T_DIR/siri" "/people/$(pid siri.bakken)/roles" role=admin
check_status 403 "Siri's form POST granting herself admin is 403"
kv_form_post "$T_DIR/siri" "/people/$(pid admin)/password" password=hijacked-password-1
check_status 403 "Siri's form POST setting the admin's password is 403"
kv_form_post "$T_DIR/siri" /channels platform=x name=Siri address=@siri "unit_id=$UNGD" status=requested \
	update_period=week update_count=1
check_status 403 "Siri's form POST registering a channel is 403"
check_eq "$(snapshot)" "$BASE" "none of Siri's form POSTs changed anything"
req GET "$KV_URL/audit" -b "$T_DIR/siri"
check_status 403 "Siri's GET /audit is 403"
req GET "$KV_URL/dashboard" -b "$T_DIR/siri"
check_nomatch "$(body)" 'href="/audit"' "Siri's menu has no audit log link"
if kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$T_DIR/admin2"; then
	ok "the admin's password still works"
else
	fail "the admin's password still works" "$(ctx)"
fi

kv_login "marit.grindal@$D" "$KV_PW" "$T_DIR/marit" || fail "Marit logs in" "$(ctx)"
req GET "$KV_URL/channels/$INSTA" -b "$T_DIR/marit"
check_status 404 "Marit's GET /channels/ID of the Instagram is 404"
req GET "$KV_URL/channels/$INSTA/edit" -b "$T_DIR/marit"
check_status 404 "Marit's GET of its edit form is 404"
req GET "$KV_URL/channels" -b "$T_DIR/marit"
check_nomatch "$(body)" 'Ungdom i Meldal<|ungdomimeldal' "Marit's /channels does not list the Instagram"
req GET "$KV_URL/dashboard" -b "$T_DIR/marit"
check_nomatch "$(body)" "/channels/$INSTA\"" "Marit's dashboard does not link it"

kv_login "berit.vold@$D" "$KV_PW" "$T_DIR/berit" || fail "Berit logs in" "$(ctx)"
req GET "$KV_URL/audit" -b "$T_DIR/berit"
check_status 200 "the auditor's GET /audit is 200"
kv_form_post "$T_DIR/berit" "/channels/$JOBB" platform=facebook_page name=Kapret \
	address=https://www.facebook.com/jobbimeldal "unit_id=$STAB" status=active update_period=week update_count=1
check_status 403 "the auditor's form POST to a channel is 403"
req GET "$KV_URL/channels/new" -b "$T_DIR/berit"
check_status 403 "the auditor's GET /channels/new is 403"

kv_login "per.arne.hoff@$D" "$KV_PW" "$T_DIR/per" || fail "Per Arne logs in" "$(ctx)"
req GET "$KV_URL/channels/$UNGL/edit" -b "$T_DIR/per"
check_status 200 "the unit manager gets the edit form of Ungdomsleder i Meldal"
check_eq "$(snapshot)" "$BASE" "the HTML refusals changed nothing"

kv_finish
