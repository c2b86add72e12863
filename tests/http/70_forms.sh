#!/bin/sh
# tests/http/70_forms.sh - the HTML forms and output escaping (POSIX sh):
# the channel form at /channels/new, good and bad submissions (422 with the
# error next to the field and what was typed kept, escaped; 409 for a taken
# address), repeated editor_ids, editing, malformed form bodies, the unit
# and person forms, and an XSS corpus created through the API that must
# come out escaped on every page that shows it.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
J=$T_DIR/admin
kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$J" || fail "the admin logs in" "$(ctx)"
TOK=$(kv_token "$KV_ADMIN_EMAIL")
AUTH="Authorization: Bearer $TOK"
CT='Content-Type: application/json'
uid() { kv_sql "SELECT id FROM units WHERE name = '$1'"; }
pid() { kv_sql "SELECT id FROM people WHERE email = '$1@meldal-kommune.example'"; }
KULTUR=$(uid Kultur)
ADMIN_ID=$(pid admin)
SIRI_ID=$(pid siri.bakken)
TOR_ID=$(pid tor.einar.moe)
nchan() { kv_sql "SELECT COUNT(*) FROM channels"; }

# --- the empty form ------------------------------------------------------------------
req GET "$KV_URL/channels/new" -b "$J"
check_status 200 "GET /channels/new is 200"
check_match "$(body)" '<form method="post" action="/channels"' "the form posts to /channels"
for f in platform name address unit_id purpose target_groups responsible_id update_count \
	update_period status opened_on closed_on editor_ids _csrf; do
	check_match "$(body)" "name=\"$f\"" "the form has the field $f"
done
check_match "$(body)" '<label for="f-name"' "fields have labels"
check_match "$(body)" "<option value=\"$KULTUR\"" "unit_id offers Kultur"

# --- a good submission ------------------------------------------------------------------
N0=$(nchan)
kv_form_post "$J" /channels platform=instagram "name=Kultur i Meldal" \
	address=https://www.instagram.com/kulturimeldal "unit_id=$KULTUR" \
	"purpose=Arrangementer og bilder." "target_groups=Alle" "responsible_id=$ADMIN_ID" \
	update_count=2 update_period=week status=planned opened_on= closed_on= \
	"editor_ids=$SIRI_ID" "editor_ids=$TOR_ID"
check_status 303 "a good channel form is 303"
loc=$(hdr Location)
check_match "$loc" '^/channels/[0-9]+\?saved=1$' "to the new channel ($loc)"
C=$(printf '%s' "$loc" | sed 's|^/channels/\([0-9]*\).*|\1|')
check_eq "$(nchan)" $((N0 + 1)) "one channel more"
req GET "$KV_URL/api/v1/channels/$C" -H "$AUTH"
check_eq "$(js '[j["platform"], j["name"], j["unit_id"], j["status"], j["update_count"], j["responsible_id"]]')" \
	"[\"instagram\", \"Kultur i Meldal\", $KULTUR, \"planned\", 2, $ADMIN_ID]" "the form's values are stored"
check_eq "$(js 'j["editor_ids"]')" "$(printf '%s\n' "$SIRI_ID" "$TOR_ID" | sort -n | tr '\n' ',' | sed 's/,$//; s/,/, /g; s/^/[/; s/$/]/')" \
	"repeated editor_ids are all stored"
req GET "$KV_URL$loc" -b "$J"
check_status 200 "the new channel's page is 200"
check_match "$(body)" 'Kultur i Meldal' "it shows the name"
check_match "$(body)" 'role="status"' "and a saved message"

# --- bad submissions ----------------------------------------------------------------------
N0=$(nchan)
kv_form_post "$J" /channels platform=x "name=" 'address=has space<b>&"x"' "unit_id=$KULTUR" \
	'purpose=Typed <i>purpose</i> & "quotes"' update_count=5000 update_period=week status=requested \
	opened_on=2024-99-99
check_status 422 "a bad channel form is 422"
check_eq "$(nchan)" "$N0" "and stores nothing"
check_match "$(body)" 'id="e-name"' "the name has its error"
check_match "$(body)" 'id="e-address"' "the address has its error"
check_match "$(body)" 'id="e-update_count"' "update_count has its error"
check_match "$(body)" 'id="e-opened_on"' "opened_on has its error"
check_match "$(body)" 'aria-describedby="[^"]*e-address' "the address input points at its error"
check_match "$(body)" 'id="f-name"[^>]*aria-invalid="true"' "the name input is aria-invalid"
check_match "$(body)" 'role="alert"' "an error summary is shown"
check_match "$(body)" 'href="#f-address"' "the summary links to the field"
check_match "$(body)" 'value="has space&lt;b&gt;&amp;&quot;x&quot;"' "the typed address is kept, escaped"
check_match "$(body)" 'Typed &lt;i&gt;purpose&lt;/i&gt; &amp; &quot;quotes&quot;' "the typed purpose is kept, escaped"
check_nomatch "$(body)" '<b>&"x"|<i>purpose' "nothing typed comes back raw"
check_match "$(body)" 'value="2024-99-99"' "the typed date is kept"
check_match "$(body)" 'name="update_count" type="number" value="5000"' "the typed count is kept"
check_match "$(body)" '<option value="x" selected' "the chosen platform stays selected"
check_match "$(form_csrf)" '^[0-9a-f]{32,}$' "the form again carries the CSRF field"

kv_form_post "$J" /channels platform=x name=Ok address=@okok "unit_id=$KULTUR" update_count=abc \
	update_period=week status=requested
check_status 422 "a count that is not a number is 422"
check_match "$(body)" 'id="e-update_count"' "with the error at the count"
check_eq "$(nchan)" "$N0" "and stores nothing"

kv_form_post "$J" /channels platform=facebook_page "name=Kopi" \
	address=https://www.facebook.com/jobbimeldal "unit_id=$KULTUR" update_count=1 \
	update_period=week status=requested
check_status 409 "a taken address in the form is 409"
check_match "$(body)" 'id="e-address"' "with the error at the address"
check_match "$(body)" 'value="https://www.facebook.com/jobbimeldal"' "and the address kept"
check_eq "$(nchan)" "$N0" "and stores nothing"

kv_form_post "$J" /channels platform=x name=Ok address=@okok "unit_id=$KULTUR" update_count=1 \
	update_period=week status=requested editor_ids=abc
check_status 422 "a bad editor id is 422"
check_match "$(body)" 'id="e-editor_ids"' "with the error at the editors"
check_eq "$(nchan)" "$N0" "and stores nothing"

raw_post() { # DESC BODY
	req POST "$KV_URL/channels" -b "$J" --data-binary "$2&_csrf=$(kv_page_csrf "$J")"
	check_status 400 "$1 is 400"
	check_eq "$(nchan)" "$N0" "$1 stores nothing"
}
sc=$(kv_page_csrf "$J")
raw_post "invalid UTF-8 in a form" "platform=x&name=%FF%FE&address=@utf&unit_id=$KULTUR"
raw_post "a NUL in a form" "platform=x&name=a%00b&address=@nul&unit_id=$KULTUR"
raw_post "a bad %-escape in a form" "platform=x&name=a%zzb&address=@esc&unit_id=$KULTUR"
raw_post "a truncated %-escape in a form" "platform=x&address=@esc&unit_id=$KULTUR&name=a%4"
many=$("$T_PY" -c 'print("&".join("f%d=v" % i for i in range(300)))')
raw_post "300 form fields" "platform=x&$many"
req POST "$KV_URL/channels" -b "$J" -H 'Content-Type: text/plain' --data-binary "name=x&_csrf=$sc"
check_status 415 "a text/plain form is 415"

# --- editing -----------------------------------------------------------------------------------
req GET "$KV_URL/channels/$C/edit" -b "$J"
check_status 200 "GET /channels/ID/edit is 200"
check_match "$(body)" "<form method=\"post\" action=\"/channels/$C\"" "the edit form posts to /channels/ID"
check_match "$(body)" 'value="Kultur i Meldal"' "the edit form has the current name"
check_match "$(body)" "value=\"https://www.instagram.com/kulturimeldal\"" "and the current address"
kv_form_post "$J" "/channels/$C" platform=instagram "name=Kulturen i Meldal" \
	address=https://www.instagram.com/kulturimeldal "unit_id=$KULTUR" "purpose=Nytt formål." \
	"responsible_id=$ADMIN_ID" update_count=3 update_period=month status=paused "editor_ids=$TOR_ID"
check_status 303 "a good edit is 303"
req GET "$KV_URL/api/v1/channels/$C" -H "$AUTH"
check_eq "$(js '[j["name"], j["purpose"], j["update_count"], j["update_period"], j["status"], j["editor_ids"]]')" \
	"[\"Kulturen i Meldal\", \"Nytt formål.\", 3, \"month\", \"paused\", [$TOR_ID]]" "the edit is stored"
before=$(body)
kv_form_post "$J" "/channels/$C" platform=instagram "name=" address=https://www.instagram.com/kulturimeldal \
	"unit_id=$KULTUR" update_count=3 update_period=month status=active
check_status 422 "a bad edit is 422"
check_match "$(body)" 'id="e-name"' "with the error at the name"
req GET "$KV_URL/api/v1/channels/$C" -H "$AUTH"
check_eq "$(body)" "$before" "a bad edit changes nothing"

# --- units and people forms -----------------------------------------------------------------------
kv_form_post "$J" /units "name=Frivilligsentralen" kind=team "parent_id=$KULTUR"
check_status 303 "a good unit form is 303"
check_match "$(hdr Location)" '^/units/[0-9]+' "to the new unit"
kv_form_post "$J" /units "name=" kind=nonsense
check_status 422 "a bad unit form is 422"
check_match "$(body)" 'id="e-name"' "with the error at the name"
kv_form_post "$J" /people "full_name=Kari Nordmann" "email=kari.nordmann@meldal-kommune.example" \
	"unit_id=$KULTUR" "title=<konsulent>"
check_status 303 "a good person form is 303"
kv_form_post "$J" /people "full_name=" "email=not-an-email" "title=\"><b>kept</b>"
check_status 422 "a bad person form is 422"
check_match "$(body)" 'id="e-full_name"' "with the error at the full name"
check_match "$(body)" 'id="e-email"' "and at the e-mail"
check_match "$(body)" 'value="&quot;&gt;&lt;b&gt;kept&lt;/b&gt;"' "the typed title is kept, escaped"

# --- XSS corpus ---------------------------------------------------------------------------------------
X1='<script>alert(1)</script>'
X2='"><img src=x onerror=alert(1)>'
X1E='&lt;script&gt;alert(1)&lt;/script&gt;'
X2E='&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'
jstr() { "$T_PY" -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }
api_post() { # PATH JSON -> id
	req POST "$KV_URL$1" -H "$AUTH" -H "$CT" --data-binary "$2"
	if [ "$H_STATUS" != 201 ]; then
		fail "XSS corpus: POST $1 is 201" "$(ctx)"
	fi
	js 'j.get("id")'
}
XU=$(api_post /api/v1/units "{\"name\":$(jstr "$X1"),\"kind\":\"team\",\"parent_id\":$KULTUR}")
XU2=$(api_post /api/v1/units "{\"name\":$(jstr "$X2"),\"kind\":\"team\",\"parent_id\":$KULTUR}")
XP=$(api_post /api/v1/people "{\"full_name\":$(jstr "$X2 $X1"),\"title\":$(jstr "$X1"),\"unit_id\":$XU,\"email\":\"xss@meldal-kommune.example\",\"phone\":$(jstr "$X2")}")
# issue 3: editors need the required course, and only an approved plan
# makes a channel active - the corpus sets that status in the database
api_post /api/v1/training "{\"person_id\":$XP,\"course_id\":$(kv_sql "SELECT id FROM courses WHERE required_for_channel_roles = 1"),\"completed_on\":\"$(date -u +%Y-%m-%d)\"}" >/dev/null
XC1=$(api_post /api/v1/channels "{\"platform\":\"blog\",\"name\":$(jstr "$X1"),\"address\":$(jstr "https://evil.example/\"><svg/onload=alert(1)>"),\"unit_id\":$XU,\"purpose\":$(jstr "$X2"),\"target_groups\":$(jstr "$X1"),\"status\":\"requested\",\"responsible_id\":$ADMIN_ID,\"editor_ids\":[$XP]}")
XC2=$(api_post /api/v1/channels "{\"platform\":\"other\",\"name\":$(jstr "$X2"),\"address\":$(jstr "javascript:alert(1)//$X1"),\"unit_id\":$XU2,\"purpose\":$(jstr "$X1"),\"status\":\"requested\"}")
kv_sql "UPDATE channels SET status = 'active', opened_on = '2024-01-01' WHERE id IN ($XC1, $XC2)"
api_post /api/v1/channels "{\"platform\":\"x\",\"name\":\"Harmless\",\"address\":\"@harmless\",\"unit_id\":$KULTUR,\"responsible_id\":$XP,\"status\":\"paused\"}" >/dev/null
req PATCH "$KV_URL/api/v1/channels/$XC1" -H "$AUTH" -H "$CT" --data-binary "{\"purpose\":$(jstr "$X1 $X2")}"
check_status 200 "XSS corpus: PATCH with a payload is 200"

RAW='<script>alert|<img src=x|<svg/onload|onerror=alert\(1\)>|href="javascript:'
xss_page() { # PATH [ESCAPED-MARKER…]
	xp_p=$1
	shift
	req GET "$KV_URL$xp_p" -b "$J"
	check_status 200 "XSS: GET $xp_p is 200"
	check_nomatch "$(body)" "$RAW" "XSS: $xp_p has no raw payload fragment"
	for xp_m in "$@"; do
		if grep -qF -- "$xp_m" "$H_BODY"; then
			ok "XSS: $xp_p shows $xp_m"
		else
			fail "XSS: $xp_p shows $xp_m" "the payload should be on this page, escaped"
		fi
	done
}
xss_page /channels "$X1E" "$X2E"
xss_page "/channels/$XC1" "$X1E" "$X2E"
xss_page "/channels/$XC1/edit" "$X1E" "$X2E"
xss_page "/channels/$XC2" "$X2E" "$X1E"
xss_page /units "$X1E" "$X2E"
xss_page "/units/$XU" "$X1E"
xss_page /people "$X1E" "$X2E"
xss_page "/people/$XP" "$X1E" "$X2E"
xss_page /audit
xss_page "/audit?object_type=channel&object_id=$XC1"
xss_page /register "$X1E" "$X2E"
xss_page /dashboard "$X1E" "$X2E"
xss_page /account
xss_page "/channels?q=$(urlenc "$X1")" "$X1E"
xss_page "/people?q=$(urlenc "$X2")" "$X2E"
req GET "$KV_URL/login?next=$(urlenc "/$X2")"
check_nomatch "$(body)" "$RAW" "XSS: /login?next= does not echo the payload raw"
req GET "$KV_URL/register"
check_nomatch "$(body)" 'href="javascript:' "XSS: the register links no javascript: address"
check_nomatch "$(body)" 'href="https://evil.example/"' "XSS: the register's link does not end early"
req GET "$KV_URL/api/v1/channels/$XC1" -H "$AUTH"
check_eq "$(js 'j["name"]')" "$X1" "the API returns the payload as data, unchanged"
check_match "$(hdr Content-Type)" '^application/json' "as application/json (not HTML)"

kv_finish
