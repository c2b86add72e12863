#!/bin/sh
# tests/http/92_rota.sh - the supervision rota, upkeep, review and closing
# from outside (POSIX sh): the API round trip of every operation with its
# status codes and problem+json for each refusal (and that a refusal
# changed nothing), the demo's holiday gaps on 17 May 2027, and the HTML
# pages and forms (422 with errors next to the fields and what was typed
# kept, 403 for the wrong person, escaping of typed text).
# People of the demo: Per Arne Hoff (unit manager, Kultur), Siri Bakken
# (channel editor and supervisor, Ungdomsarbeid), Marit Grindal (channel
# editor, Oppvekst), Ingrid Løkken (web editor), Kari Rønning (decision
# maker), the admin.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
D=meldal-kommune.example
CT='Content-Type: application/json'
ADMIN=$(kv_token "$KV_ADMIN_EMAIL")
PER=$(kv_token "per.arne.hoff@$D")
SIRI=$(kv_token "siri.bakken@$D")
MARIT=$(kv_token "marit.grindal@$D")
INGRID=$(kv_token "ingrid.lokken@$D")
KARI=$(kv_token "kari.ronning@$D")

cid() { kv_sql "SELECT id FROM channels WHERE name = '$1'"; }
pid() { kv_sql "SELECT id FROM people WHERE email = '$1@$D'"; }
FB=$(cid "Meldal kommune")
JOBB=$(cid "Jobb i Meldal")
UNGL=$(cid "Ungdomsleder i Meldal")
X=$(cid "@meldalkommune")
FORUM=$(cid "Nye tider, nye tanker")
BLOG=$(cid "Bibliotekbloggen")
INSTA=$(cid "Ungdom i Meldal")
SIRI_ID=$(pid siri.bakken)
MARIT_ID=$(pid marit.grindal)
PER_ID=$(pid per.arne.hoff)

snapshot() {
	kv_sql "SELECT (SELECT COUNT(*) FROM shifts) || '/' || (SELECT COUNT(*) FROM absences)
		|| '/' || (SELECT COUNT(*) FROM channel_updates) || '/' || (SELECT COUNT(*) FROM reviews)
		|| '/' || (SELECT COUNT(*) FROM closures) || '/' || (SELECT COUNT(*) FROM audit WHERE action <> 'login')
		|| '/' || (SELECT status FROM channels WHERE id = $X)
		|| '/' || (SELECT review_months || watch_days || watch_from_hour FROM org_policies)"
}
as() { # TOKEN METHOD PATH [JSON]
	as_t=$1 as_m=$2 as_p=$3
	if [ $# -ge 4 ]; then
		req "$as_m" "$KV_URL$as_p" -H "Authorization: Bearer $as_t" -H "$CT" --data-binary "$4"
	else
		req "$as_m" "$KV_URL$as_p" -H "Authorization: Bearer $as_t"
	fi
}
refused() { # STATUS TYPE DESC TOKEN METHOD PATH [JSON]
	rf_s=$1 rf_t=$2 rf_d=$3
	shift 3
	rf_before=$(snapshot)
	as "$@"
	check_status "$rf_s" "$rf_d: $rf_s"
	check_match "$(hdr Content-Type)" '^application/problem\+json' "$rf_d: problem+json"
	check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:$rf_t" "$rf_d: type $rf_t"
	check_eq "$(snapshot)" "$rf_before" "$rf_d: nothing changed"
}

# --- coverage: the demo's holiday gaps ----------------------------------------------------
as "$INGRID" GET "/api/v1/channels/$FB/coverage?from=2027-05-11&to=2027-05-18"
check_status 200 "getChannelCoverage of the main page, 11–17 May 2027"
check_eq "$(js 'len(j["gaps"])')" 1 "one gap"
check_eq "$(js '[j["gaps"][0]["from"], j["gaps"][0]["to"]]')" \
	'["2027-05-17T06:00:00Z", "2027-05-17T20:00:00Z"]' "on 17 May, 08:00–22:00 local (UTC in from/to)"
check_eq "$(js 'j["gaps"][0]["from_local"]')" "2027-05-17T08:00:00+02:00" "from_local in the organisation's zone"
check_eq "$(js '[h["name"] for h in j["gaps"][0]["holidays"]]')" '["17. mai (grunnlovsdag)", "2. pinsedag"]' \
	"the gap is named: Grunnlovsdag and 2. pinsedag"
check_eq "$(js 'j["gaps"][0]["holiday"]')" true "and flagged as a holiday"
check_eq "$(js '[j["required_hours"], j["uncovered_hours"], j["country"]]')" '[98.0, 14.0, "NO"]' "98 h required, 14 h uncovered"
as "$INGRID" GET "/api/v1/channels/$JOBB/coverage?from=2027-05-06T00:00:00%2B02:00&to=2027-05-07"
check_eq "$(js '[h["name"] for g in j["gaps"] for h in g["holidays"]]')" '["Kristi himmelfartsdag"]' \
	"Kristi himmelfartsdag 2027 (6 May) has no watch either"
as "$PER" GET "/api/v1/channels/$UNGL/coverage?from=2027-05-13&to=2027-05-15"
check_eq "$(js '[g["absent"] for g in j["gaps"]]')" '[["Siri Bakken"], ["Siri Bakken"]]' \
	"the youth page's gaps name the absent watcher to the unit manager"
as "$MARIT" GET "/api/v1/channels/$UNGL/coverage?from=2027-05-13&to=2027-05-15"
check_eq "$(js '[[g["absent"], g["absent_unnamed"]] for g in j["gaps"]]')" '[[[], 1], [[], 1]]' \
	"but not to someone outside the rota"
as "$ADMIN" GET "/api/v1/channels/$BLOG/coverage?from=2027-05-11&to=2027-05-18"
check_eq "$(js 'j["gaps"]')" '[]' "the library blog is watched all week, pinse included"
as "$ADMIN" GET "/api/v1/channels/$FB/coverage"
check_status 200 "coverage without from/to: the next 14 days"
check_eq "$(js 'j["gaps"][0]["hours"] > 0')" true "(which have gaps: no shifts yet in November 2026)"
refused 400 bad-query "coverage with from=x" "$ADMIN" GET "/api/v1/channels/$FB/coverage?from=x"
refused 422 validation "coverage with to before from" "$ADMIN" GET \
	"/api/v1/channels/$FB/coverage?from=2027-05-18&to=2027-05-11"
check_eq "$(js 'j["errors"][0]["field"]')" to "the error names to"
refused 422 validation "coverage of more than 92 days" "$ADMIN" GET \
	"/api/v1/channels/$FB/coverage?from=2027-01-01&to=2027-12-31"
refused 404 not-found "Marit's coverage of a requested channel she cannot see" "$MARIT" GET \
	"/api/v1/channels/$INSTA/coverage"
as "$ADMIN" GET "/api/v1/coverage/gaps?days=14"
check_status 200 "listCoverageGaps"
check_eq "$(js 'j["total"]')" 7 "every open channel has gaps in the next 14 days"
check_eq "$(js 'all("unit_id" in i and len(i["gaps"]) > 0 for i in j["items"])')" true "each with its unit and gaps"
refused 400 bad-query "listCoverageGaps with days=0" "$ADMIN" GET "/api/v1/coverage/gaps?days=0"

# --- shifts ---------------------------------------------------------------------------------------
refused 403 forbidden "Siri (editor) adds a shift" "$SIRI" POST "/api/v1/channels/$UNGL/shifts" \
	"{\"person_id\":$SIRI_ID,\"starts_at\":\"2027-05-14T08:00\",\"ends_at\":\"2027-05-14T22:00\"}"
refused 403 forbidden "Per Arne adds a shift to Jobb i Meldal (another unit)" "$PER" POST "/api/v1/channels/$JOBB/shifts" \
	"{\"person_id\":$PER_ID,\"starts_at\":\"2027-05-17T08:00\",\"ends_at\":\"2027-05-17T22:00\"}"
refused 404 not-found "Marit adds a shift to a channel she cannot see" "$MARIT" POST "/api/v1/channels/$INSTA/shifts" \
	"{\"person_id\":$MARIT_ID,\"starts_at\":\"2027-05-14T08:00\",\"ends_at\":\"2027-05-14T22:00\"}"
refused 422 validation "a shift that ends before it starts" "$PER" POST "/api/v1/channels/$UNGL/shifts" \
	"{\"person_id\":$PER_ID,\"starts_at\":\"2027-05-14T22:00\",\"ends_at\":\"2027-05-14T08:00\"}"
check_eq "$(js '[[e["field"], e["reason"]] for e in j["errors"]]')" '[["ends_at", "must be after starts_at"]]' \
	"the error says ends_at must be after starts_at"
refused 422 validation "a shift without person and times" "$PER" POST "/api/v1/channels/$UNGL/shifts" '{}'
check_eq "$(js 'sorted(e["field"] for e in j["errors"])')" '["ends_at", "person_id", "starts_at"]' "every missing field is named"
refused 422 validation "a shift with a malformed time" "$PER" POST "/api/v1/channels/$UNGL/shifts" \
	"{\"person_id\":$PER_ID,\"starts_at\":\"14.05.2027 08:00\",\"ends_at\":\"2027-05-14T22:00\"}"
refused 422 validation "a shift with an unknown field" "$PER" POST "/api/v1/channels/$UNGL/shifts" \
	"{\"person_id\":$PER_ID,\"starts_at\":\"2027-05-14T08:00\",\"ends_at\":\"2027-05-14T22:00\",\"role\":\"x\"}"
refused 409 conflict "a shift overlapping Siri's own" "$PER" POST "/api/v1/channels/$UNGL/shifts" \
	"{\"person_id\":$SIRI_ID,\"starts_at\":\"2027-05-14T20:00\",\"ends_at\":\"2027-05-15T09:00\"}"
as "$PER" POST "/api/v1/channels/$UNGL/shifts" \
	"{\"person_id\":$PER_ID,\"starts_at\":\"2027-05-14T08:00\",\"ends_at\":\"2027-05-14T22:00:00+02:00\",\"note\":\"Vikar\"}"
check_status 201 "createShift by the unit manager of Kultur for the youth page"
LOC=$(hdr Location)
check_match "$LOC" '^/api/v1/shifts/[0-9]+$' "Location names the shift ($LOC)"
check_eq "$(js '[j["person_name"], j["starts_at"], j["ends_at_local"], j["note"]]')" \
	'["Per Arne Hoff", "2027-05-14T06:00:00Z", "2027-05-14T22:00:00+02:00", "Vikar"]' "and the shift comes back whole"
as "$SIRI" GET "$LOC"
check_status 200 "Siri (on the rota) reads it"
refused 403 forbidden "Marit reads a shift of a rota she is not on" "$MARIT" GET "$LOC"
as "$PER" GET "/api/v1/channels/$UNGL/coverage?from=2027-05-13&to=2027-05-15"
check_eq "$(js '[g["from_local"] for g in j["gaps"]]')" '["2027-05-13T08:00:00+02:00"]' "the 14 May gap is filled"
as "$SIRI" GET "/api/v1/channels/$UNGL/shifts?from=2027-05-14&to=2027-05-15"
check_eq "$(js 'sorted(s["person_name"] for s in j["items"])')" '["Per Arne Hoff", "Siri Bakken"]' "listShifts for one day"
refused 403 forbidden "Marit lists the youth page's shifts" "$MARIT" GET "/api/v1/channels/$UNGL/shifts"
refused 400 bad-query "listShifts with a bad from" "$SIRI" GET "/api/v1/channels/$UNGL/shifts?from=tomorrow"
refused 403 forbidden "Siri removes the shift" "$SIRI" DELETE "$LOC"
as "$PER" DELETE "$LOC"
check_status 204 "deleteShift by the unit manager"
refused 404 not-found "the removed shift is gone" "$PER" GET "$LOC"

# --- absences ---------------------------------------------------------------------------------------
as "$SIRI" POST /api/v1/absences '{"kind":"holiday","from":"2027-07-01","to":"2027-07-21","note":"Sommerferie"}'
check_status 201 "createAbsence: Siri records her own holiday"
ALOC=$(hdr Location)
check_eq "$(js '[j["person_id"], j["from"], j["to"], j["from_date"], j["to_date"], j["all_day"]]')" \
	"[$SIRI_ID, \"2027-06-30T22:00:00Z\", \"2027-07-21T22:00:00Z\", \"2027-07-01\", \"2027-07-21\", true]" \
	"whole local days, both included"
refused 403 forbidden "Siri records Marit's absence" "$SIRI" POST /api/v1/absences \
	"{\"person_id\":$MARIT_ID,\"kind\":\"holiday\",\"from\":\"2027-07-01\",\"to\":\"2027-07-21\"}"
refused 403 forbidden "Per Arne records Marit's absence (another unit)" "$PER" POST /api/v1/absences \
	"{\"person_id\":$MARIT_ID,\"kind\":\"leave\",\"from\":\"2027-07-01\",\"to\":\"2027-07-21\"}"
refused 422 validation "an absence of an unknown kind, ending before it starts" "$SIRI" POST /api/v1/absences \
	'{"kind":"vacation","from":"2027-07-21","to":"2027-07-01"}'
check_eq "$(js 'sorted(e["field"] for e in j["errors"])')" '["kind", "to"]' "kind and to are named"
as "$PER" POST /api/v1/absences "{\"person_id\":$SIRI_ID,\"kind\":\"sick\",\"from\":\"2027-08-02T08:00\",\"to\":\"2027-08-02T12:00\"}"
check_status 201 "her unit manager records sick leave for her"
SLOC=$(hdr Location)
as "$SIRI" GET "/api/v1/people/$SIRI_ID/absences"
check_eq "$(js '[a["kind"] for a in j["items"]]')" '["holiday", "holiday", "sick"]' "listAbsences: hers, in order"
refused 403 forbidden "Marit lists Siri's absences" "$MARIT" GET "/api/v1/people/$SIRI_ID/absences"
refused 404 not-found "Marit reads one of them" "$MARIT" GET "$SLOC"
refused 404 not-found "Marit removes one of them" "$MARIT" DELETE "$SLOC"
as "$PER" DELETE "$SLOC"
check_status 204 "deleteAbsence by her unit manager"
as "$SIRI" GET "$ALOC"
check_status 200 "getAbsence of her own"

# --- upkeep ---------------------------------------------------------------------------------------
kv_login "siri.bakken@$D" "$KV_PW" "$T_DIR/siri" || fail "Siri logs in" "$(ctx)"
req GET "$KV_URL/upkeep?lang=en" -b "$T_DIR/siri"
check_status 200 "GET /upkeep"
check_match "$(body)" 'Profile established, not followed up' "it flags channels behind their commitment"
check_match "$(body)" "href=\"/channels/$X/updates\">@meldalkommune" "X first, linked to its update log"
as "$MARIT" GET /api/v1/upkeep/stale
check_status 200 "listStaleChannels"
check_eq "$(js '[i["name"] for i in j["items"]]')" '["@meldalkommune", "Nye tider, nye tanker"]' \
	"X is the stalest, then the forum"
check_eq "$(js '[j["items"][0]["label"], j["items"][0]["actual"], j["items"][0]["promised"], j["items"][0]["last_at"]]')" \
	'["profile established, not followed up", 0, 3, "2011-03-15T13:30:00Z"]' "X: established in 2011, not followed up"
as "$MARIT" GET "/api/v1/upkeep/stale?all=true"
check_eq "$(js 'j["total"]')" 7 "with all=true: every active channel"
refused 400 bad-query "listStaleChannels with all=yes" "$MARIT" GET "/api/v1/upkeep/stale?all=yes"
NOW_MINUS_HOUR=$("$T_PY" -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
NEXT_YEAR=$("$T_PY" -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
refused 403 forbidden "Siri logs an update of the forum" "$SIRI" POST "/api/v1/channels/$FORUM/updates" \
	"{\"published_at\":\"$NOW_MINUS_HOUR\"}"
refused 422 validation "an update published in the future" "$MARIT" POST "/api/v1/channels/$FORUM/updates" \
	"{\"published_at\":\"$NEXT_YEAR\"}"
check_eq "$(js 'j["errors"][0]["reason"]')" "cannot be in the future" "the reason is given"
refused 409 conflict "an update of a requested channel" "$SIRI" POST "/api/v1/channels/$INSTA/updates" \
	"{\"published_at\":\"$NOW_MINUS_HOUR\"}"
as "$MARIT" POST "/api/v1/channels/$FORUM/updates" "{\"published_at\":\"$NOW_MINUS_HOUR\",\"note\":\"Referat\"}"
check_status 201 "createChannelUpdate by the forum's editor"
check_eq "$(js '[j["source"], j["logged_by_name"], j["note"]]')" '["manual", "Marit Grindal", "Referat"]' "a manual entry, by her"
as "$MARIT" GET "/api/v1/channels/$FORUM/upkeep"
check_eq "$(js '[j["stale"], j["actual"], j["promised"]]')" '[false, 2, 2]' "getChannelUpkeep: the forum keeps up now"
as "$MARIT" GET "/api/v1/channels/$FORUM/updates?limit=1"
check_eq "$(js '[i["note"] for i in j["items"]]')" '["Referat"]' "listChannelUpdates, newest first"

# --- policy ------------------------------------------------------------------------------------------
as "$SIRI" GET /api/v1/policy
check_eq "$(js '[j["review_months"], j["watch_days"], j["watch_from_hour"], j["watch_to_hour"]]')" '[12, "all", 8, 22]' \
	"getGovernancePolicy: the demo watches 08–22 every day"
refused 403 forbidden "the web editor changes the policy" "$INGRID" PUT /api/v1/policy '{"review_months":6}'
refused 422 validation "a policy watching from 22 to 8" "$ADMIN" PUT /api/v1/policy '{"watch_from_hour":22,"watch_to_hour":8}'
refused 422 validation "a policy with review_months 0 and watch_days weekends" "$ADMIN" PUT /api/v1/policy \
	'{"review_months":0,"watch_days":"weekends"}'
as "$ADMIN" PUT /api/v1/policy '{"review_months":24}'
check_status 200 "updateGovernancePolicy: every two years"
check_eq "$(js '[j["review_months"], j["watch_from_hour"]]')" '[24, 8]' "the other fields are kept"
as "$ADMIN" PUT /api/v1/policy '{"review_months":12}'

# --- reviews -----------------------------------------------------------------------------------------
as "$ADMIN" GET /api/v1/reviews/due
check_status 200 "listDueReviews"
check_eq "$(js '[i["name"] for i in j["items"]][:1]')" '["Meldal kommune"]' "the main page (opened 2010) is most overdue"
check_eq "$(js '"Bibliotekbloggen" in [i["name"] for i in j["items"]]')" false "the blog was reviewed a month ago"
refused 400 bad-query "listDueReviews with within_days=-1" "$ADMIN" GET "/api/v1/reviews/due?within_days=-1"
refused 403 forbidden "Per Arne reviews the main page (another unit)" "$PER" POST "/api/v1/channels/$FB/reviews" \
	'{"findings":"Fint.","outcome":"keep"}'
refused 422 validation "a review without findings and with outcome drop" "$INGRID" POST "/api/v1/channels/$FB/reviews" \
	'{"findings":"","outcome":"drop"}'
check_eq "$(js 'sorted(e["field"] for e in j["errors"])')" '["findings", "outcome"]' "both are named"
refused 409 conflict "a review of a requested channel" "$INGRID" POST "/api/v1/channels/$INSTA/reviews" \
	'{"findings":"Ikke åpnet.","outcome":"keep"}'
as "$KARI" POST "/api/v1/channels/$FB/reviews" '{"findings":"Bør brukes mer tid på oppfølging.","outcome":"change"}'
check_status 201 "createReview by the decision maker"
check_eq "$(js '[j["outcome"], j["reviewer_name"]]')" '["change", "Kari Rønning"]' "the review comes back"
as "$INGRID" POST "/api/v1/channels/$X/reviews" '{"findings":"Profil etablert, ikke fulgt opp siden 2011.","outcome":"close"}'
check_status 201 "the web editor reviews X: close"
as "$INGRID" GET "/api/v1/channels/$X"
check_eq "$(js 'j["status"]')" closing "X is now closing"
as "$MARIT" GET "/api/v1/channels/$X/reviews"
check_eq "$(js '[r["outcome"] for r in j["items"]]')" '["close"]' "listReviews"

# --- closing ------------------------------------------------------------------------------------------
ANALYSIS="Profilen ble opprettet i 2011, men ingen fikk tid til å følge den opp; innbyggerne bruker Facebook-siden."
refused 422 validation "closing X without an analysis" "$INGRID" POST "/api/v1/channels/$X/close" '{"tried":"Ukentlige innlegg"}'
check_eq "$(js '[[e["field"], e["reason"]] for e in j["errors"]]')" '[["analysis", "is required"]]' "the analysis is required"
refused 422 validation "closing X with a 39-character analysis" "$INGRID" POST "/api/v1/channels/$X/close" \
	'{"analysis":"Ingen fulgte opp, og få så profilen.123","tried":"Ukentlige innlegg"}'
check_eq "$(js 'j["errors"][0]["field"]')" analysis "the analysis is too short"
refused 422 validation "closing X without saying what was tried" "$INGRID" POST "/api/v1/channels/$X/close" \
	"{\"analysis\":\"$ANALYSIS\"}"
check_eq "$(js 'j["errors"][0]["field"]')" tried "what was tried is required"
refused 422 validation "closing X with analysis null" "$INGRID" POST "/api/v1/channels/$X/close" \
	'{"analysis":null,"tried":"x"}'
refused 403 forbidden "the decision maker closes X" "$KARI" POST "/api/v1/channels/$X/close" \
	"{\"analysis\":\"$ANALYSIS\",\"tried\":\"Ukentlige innlegg\"}"
refused 403 forbidden "Per Arne closes X (another unit)" "$PER" POST "/api/v1/channels/$X/close" \
	"{\"analysis\":\"$ANALYSIS\",\"tried\":\"Ukentlige innlegg\"}"
refused 409 conflict "closing a channel that never opened" "$INGRID" POST "/api/v1/channels/$INSTA/close" \
	"{\"analysis\":\"$ANALYSIS\",\"tried\":\"Ingenting\"}"
refused 404 not-found "getChannelClosure before it is closed" "$INGRID" GET "/api/v1/channels/$X/closure"
as "$INGRID" POST "/api/v1/channels/$X/close" "{\"analysis\":\"$ANALYSIS\",\"tried\":\"Vi prøvde å legge ut ukentlige nyheter i 2011.\"}"
check_status 201 "closeChannel by the web editor"
check_eq "$(hdr Location)" "/api/v1/channels/$X/closure" "Location names the closure"
check_eq "$(js '[j["channel"]["status"], j["channel"]["closed_on"] is not None, j["closed_by_name"]]')" \
	'["closed", true, "Ingrid Løkken"]' "X is closed, with closed_on"
check_eq "$(js '[j["capture"]["channel"]["name"], len(j["capture"]["update_log"]), j["capture"]["platform_capture"]]')" \
	'["@meldalkommune", 2, null]' "the final capture holds the register entry and its update log"
as "$MARIT" GET "/api/v1/channels/$X/closure"
check_eq "$(js 'j["analysis"]')" "$ANALYSIS" "getChannelClosure: the analysis is kept"
as "$MARIT" GET "/api/v1/channels?status=closed"
check_eq "$(js '[c["name"] for c in j["items"]]')" '["@meldalkommune"]' "the register keeps the closed channel"
refused 409 conflict "closing X again" "$INGRID" POST "/api/v1/channels/$X/close" \
	"{\"analysis\":\"$ANALYSIS\",\"tried\":\"Alt\"}"
refused 409 conflict "a shift on the closed channel" "$INGRID" POST "/api/v1/channels/$X/shifts" \
	"{\"person_id\":$(pid ingrid.lokken),\"starts_at\":\"2027-06-01T08:00\",\"ends_at\":\"2027-06-01T16:00\"}"
refused 409 conflict "an update of the closed channel" "$INGRID" POST "/api/v1/channels/$X/updates" \
	"{\"published_at\":\"$NOW_MINUS_HOUR\"}"
kv_cli audit verify >/dev/null
check_eq "$?" 0 "the audit chain still verifies"

# --- the HTML pages and forms --------------------------------------------------------------------------
kv_login "per.arne.hoff@$D" "$KV_PW" "$T_DIR/per" || fail "Per Arne logs in" "$(ctx)"
kv_login "siri.bakken@$D" "$KV_PW" "$T_DIR/siri" || fail "Siri logs in" "$(ctx)"
kv_login "ingrid.lokken@$D" "$KV_PW" "$T_DIR/ingrid" || fail "Ingrid logs in" "$(ctx)"
kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$T_DIR/admin" || fail "the admin logs in" "$(ctx)"

req GET "$KV_URL/rota?lang=en" -b "$T_DIR/per"
check_status 200 "GET /rota"
check_match "$(body)" "Gaps in the next 14 days" "it lists the gaps of the next 14 days"
check_match "$(body)" "href=\"/channels/$UNGL/coverage\"" "with a link to each channel's coverage"
req GET "$KV_URL/channels/$FB/coverage?from=2027-05-15&to=2027-05-17" -b "$T_DIR/siri"
check_status 200 "GET the main page's coverage, 15–17 May 2027"
check_match "$(body)" '<mark><span lang="nb">17\. mai \(grunnlovsdag\)</span></mark>' "the gap is highlighted with its holiday"
check_match "$(body)" '2\. pinsedag' "and 2. pinsedag"
check_match "$(body)" '<mark>08</mark>' "the hour strip marks the uncovered hours"
req GET "$KV_URL/channels/$FB/coverage?from=17.05.2027&to=2027-05-17" -b "$T_DIR/siri"
check_status 422 "a malformed date is 422"
check_match "$(body)" 'value="17\.05\.2027"' "and the typed date is kept"
check_match "$(body)" 'class="error-summary"' "with an error summary"

req GET "$KV_URL/channels/$UNGL/rota" -b "$T_DIR/per"
check_status 200 "GET the youth page's rota as its unit manager"
check_match "$(body)" "action=\"/channels/$UNGL/shifts\"" "it has the add-shift form"
for f in person_id starts_at ends_at note _csrf; do
	check_match "$(body)" "name=\"$f\"" "the form has $f"
done
B=$(snapshot)
kv_form_post "$T_DIR/per" "/channels/$UNGL/shifts" "person_id=$PER_ID" starts_at=2027-06-02T16:00 \
	ends_at=2027-06-02T08:00 'note=<script>alert(1)</script>'
check_status 422 "a shift ending before it starts is 422"
check_match "$(body)" 'id="e-ends_at"' "the error is next to ends_at"
check_match "$(body)" 'value="2027-06-02T16:00"' "the typed start is kept"
check_match "$(body)" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "the typed note comes back escaped"
check_nomatch "$(body)" '<script>alert' "and never raw"
check_eq "$(snapshot)" "$B" "nothing was written"
kv_form_post "$T_DIR/per" "/channels/$UNGL/shifts" "person_id=$SIRI_ID" starts_at=2027-05-12T21:00 ends_at=2027-05-13T09:00
check_status 409 "a shift overlapping her own is 409"
kv_form_post "$T_DIR/per" "/channels/$UNGL/shifts" "person_id=$PER_ID" starts_at=2027-06-02T08:00 \
	ends_at=2027-06-02T16:00 'note=<b>Vakt</b>'
check_status 303 "a good shift is 303"
check_eq "$(hdr Location)" "/channels/$UNGL/rota?saved=1" "back to the rota"
req GET "$KV_URL/channels/$UNGL/rota" -b "$T_DIR/per"
check_match "$(body)" '&lt;b&gt;Vakt&lt;/b&gt;' "the shift is listed, its note escaped"
SID=$(kv_sql "SELECT id FROM shifts WHERE note = '<b>Vakt</b>'")
kv_form_post "$T_DIR/siri" "/shifts/$SID/delete"
check_status 403 "Siri may not remove it"
kv_form_post "$T_DIR/siri" "/channels/$UNGL/shifts" "person_id=$SIRI_ID" starts_at=2027-06-03T08:00 ends_at=2027-06-03T16:00
check_status 403 "nor add one"
kv_form_post "$T_DIR/per" "/shifts/$SID/delete"
check_status 303 "the unit manager removes it"
check_eq "$(kv_sql "SELECT COUNT(*) FROM shifts WHERE id = $SID")" 0 "it is gone"
req POST "$KV_URL/channels/$UNGL/shifts" -b "$T_DIR/per" --data "person_id=$PER_ID&starts_at=2027-06-02T08:00&ends_at=2027-06-02T16:00"
check_status 403 "a form post without the CSRF token is 403"
req GET "$KV_URL/channels/$JOBB/rota" -b "$T_DIR/siri"
check_status 200 "Siri opens the rota of Jobb i Meldal"
check_nomatch "$(body)" 'Ingrid Løkken' "but does not see who is on watch"

req GET "$KV_URL/people/$SIRI_ID/absences" -b "$T_DIR/siri"
check_status 200 "Siri's absences page"
check_match "$(body)" "action=\"/people/$SIRI_ID/absences\"" "with the form"
kv_form_post "$T_DIR/siri" "/people/$SIRI_ID/absences" kind=leave from=2027-09-10 to=2027-09-01 from_time= to_time=
check_status 422 "an absence ending before it starts is 422"
check_match "$(body)" 'id="e-to"' "the error is next to to"
check_match "$(body)" 'value="2027-09-10"' "the typed from is kept"
kv_form_post "$T_DIR/siri" "/people/$SIRI_ID/absences" kind=leave from=2027-09-01 to=2027-09-01 \
	from_time=12:00 to_time=15:30 note=Kurs
check_status 303 "a half-day absence is 303"
check_eq "$(kv_sql "SELECT ends_at - starts_at FROM absences WHERE note = 'Kurs'")" 12600 "three and a half hours"
req GET "$KV_URL/people/$MARIT_ID/absences" -b "$T_DIR/siri"
check_status 403 "Siri may not see Marit's absences"
kv_form_post "$T_DIR/siri" "/people/$MARIT_ID/absences" kind=leave from=2027-09-01 to=2027-09-02
check_status 403 "nor record one"

req GET "$KV_URL/upkeep?lang=en" -b "$T_DIR/siri"
check_status 200 "GET /upkeep, later"
check_match "$(body)" 'No active channel is behind its commitment' "X is closed and the forum caught up"
req GET "$KV_URL/channels/$BLOG/updates" -b "$T_DIR/admin"
check_status 200 "GET the blog's update log"
kv_form_post "$T_DIR/admin" "/channels/$BLOG/updates" published_at=2099-01-01T10:00 note=Framtid
check_status 422 "an update in the future is 422"
check_match "$(body)" 'id="e-published_at"' "the error is next to published_at"
kv_form_post "$T_DIR/admin" "/channels/$BLOG/updates" published_at=2026-01-05T10:00 note=Boktips
check_status 303 "logging an update is 303"

req GET "$KV_URL/reviews" -b "$T_DIR/admin"
check_status 200 "GET /reviews"
check_match "$(body)" 'action="/reviews/policy"' "the admin gets the policy form"
kv_form_post "$T_DIR/admin" /reviews/policy review_months=0 watch_days=all watch_from_hour=8 watch_to_hour=22
check_status 422 "a policy with 0 months is 422"
check_match "$(body)" 'id="e-review_months"' "the error is next to review_months"
kv_form_post "$T_DIR/ingrid" /reviews/policy review_months=6 watch_days=all watch_from_hour=8 watch_to_hour=22
check_status 403 "the web editor may not change the policy"
req GET "$KV_URL/channels/$BLOG/review" -b "$T_DIR/ingrid"
check_status 200 "GET the blog's review page"
check_match "$(body)" "action=\"/channels/$BLOG/reviews\"" "with the review form"
kv_form_post "$T_DIR/ingrid" "/channels/$BLOG/reviews" reviewed_on= findings= outcome=keep
check_status 422 "a review without findings is 422"
check_match "$(body)" 'id="e-findings"' "the error is next to findings"
kv_form_post "$T_DIR/ingrid" "/channels/$BLOG/reviews" reviewed_on= 'findings=Godt besøkt.' outcome=keep
check_status 303 "a review is 303"

req GET "$KV_URL/channels/$JOBB/close" -b "$T_DIR/ingrid"
check_status 200 "GET the close form of Jobb i Meldal"
check_match "$(body)" 'name="analysis"' "it asks why the channel did not work"
B=$(snapshot)
kv_form_post "$T_DIR/ingrid" "/channels/$JOBB/close" analysis=Kort tried=Ingenting closed_on=
check_status 422 "closing with a short analysis is 422"
check_match "$(body)" 'id="e-analysis"' "the error is next to the analysis"
check_match "$(body)" '>Kort</textarea>' "the typed analysis is kept"
check_eq "$(snapshot)" "$B" "nothing was written"
check_eq "$(kv_sql "SELECT status FROM channels WHERE id = $JOBB")" active "Jobb i Meldal is still active"
kv_form_post "$T_DIR/siri" "/channels/$JOBB/close" "analysis=$ANALYSIS" tried=Alt
check_status 403 "Siri may not close it"
kv_form_post "$T_DIR/ingrid" "/channels/$JOBB/close" "analysis=$ANALYSIS" 'tried=Annonser på nettsidene.'
check_status 303 "closing with an analysis is 303"
req GET "$KV_URL/channels/$JOBB/close" -b "$T_DIR/siri"
check_status 200 "the closed channel's page"
check_match "$(body)" 'innbyggerne bruker Facebook-siden' "shows the analysis"

kv_finish
