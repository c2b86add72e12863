#!/bin/sh
# tests/http/90_public.sh - the public register (POSIX sh): /register and
# GET /api/v1/public/channels work without login, list exactly the active
# channels, follow status changes, and give away nothing internal.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
TOK=$(kv_token "$KV_ADMIN_EMAIL")
AUTH="Authorization: Bearer $TOK"
CT='Content-Type: application/json'
ACTIVE='["@meldalkommune", "Bibliotekbloggen", "Jobb i Meldal", "Meldal kommune", "Meldal kommune på Vimeo", "Nye tider, nye tanker", "Ungdomsleder i Meldal"]'

req GET "$KV_URL/api/v1/public/channels"
check_status 200 "GET /api/v1/public/channels without login is 200"
check_match "$(hdr Content-Type)" '^application/json' "as JSON"
check_eq "$(hdr Access-Control-Allow-Origin)" '*' "with Access-Control-Allow-Origin: *"
check_eq "$(js 'j["organisation"]')" "Meldal kommune" "it names the organisation"
check_eq "$(js 'sorted(c["name"] for c in j["items"])')" "$ACTIVE" "it lists the seven active channels"
check_eq "$(js '"Ungdom i Meldal" in [c["name"] for c in j["items"]]')" false "not the requested Instagram"
check_eq "$(js 'sorted(set(k for c in j["items"] for k in c))')" \
	'["address", "name", "opened_on", "platform", "purpose", "unit"]' "items carry only public fields"
check_nomatch "$(body)" '@meldal-kommune\.example|responsible|editor' "no e-mails or people in it"
check_eq "$(js '[(c["platform"], c["address"], c["unit"], c["opened_on"]) for c in j["items"] if c["name"] == "Jobb i Meldal"]')" \
	'[["facebook_page", "https://www.facebook.com/jobbimeldal", "Stab og service", "2011-02-01"]]' \
	"Jobb i Meldal with its address, unit and opening date"
check_eq "$(hdr_all Set-Cookie)" "" "the public API sets no cookies"

req GET "$KV_URL/register"
check_status 200 "GET /register without login is 200"
check_match "$(body)" 'Meldal kommune' "the register names the organisation"
for n in "Jobb i Meldal" "Bibliotekbloggen" "Nye tider, nye tanker" "@meldalkommune" "Meldal kommune på Vimeo"; do
	check_match "$(body)" "$n" "the register lists $n"
done
check_nomatch "$(body)" 'Ungdom i Meldal<|ungdomimeldal' "the register does not list the requested Instagram"
check_match "$(body)" 'href="https://www.facebook.com/jobbimeldal"' "the register links the channel"
check_nomatch "$(body)" 'action="/logout"' "the public register shows no logout form"

# status changes show up at once
JOBB=$(kv_sql "SELECT id FROM channels WHERE name = 'Jobb i Meldal'")
INSTA=$(kv_sql "SELECT id FROM channels WHERE name = 'Ungdom i Meldal'")
req PATCH "$KV_URL/api/v1/channels/$JOBB" -H "$AUTH" -H "$CT" --data '{"status":"paused"}'
check_status 200 "Jobb i Meldal is paused"
# issue 3: only an approved action plan makes a channel active
req PATCH "$KV_URL/api/v1/channels/$INSTA" -H "$AUTH" -H "$CT" --data '{"status":"active"}'
check_status 409 "Ungdom i Meldal cannot be made active without an approved plan"
req GET "$KV_URL/api/v1/public/channels"
check_eq "$(js '"Jobb i Meldal" in [c["name"] for c in j["items"]]')" false "a paused channel leaves the public API"
check_eq "$(js '"Ungdom i Meldal" in [c["name"] for c in j["items"]]')" false "a requested channel stays out of it"
check_eq "$(js 'len(j["items"])')" 6 "six now"
req GET "$KV_URL/register"
check_nomatch "$(body)" 'Jobb i Meldal' "a paused channel leaves /register"
req PATCH "$KV_URL/api/v1/channels/$JOBB" -H "$AUTH" -H "$CT" --data '{"status":"active"}'
check_status 200 "Jobb i Meldal resumes under its approved plan"
req GET "$KV_URL/api/v1/public/channels"
check_eq "$(js '"Jobb i Meldal" in [c["name"] for c in j["items"]]')" true "a resumed channel joins the public API again"
check_eq "$(js 'len(j["items"])')" 7 "seven again"
req GET "$KV_URL/register"
check_match "$(body)" 'Jobb i Meldal' "a resumed channel joins /register again"
# a plain status change to closed is refused: closeChannel (with its
# analysis and final capture) is the only way (channel.c)
req PATCH "$KV_URL/api/v1/channels/$INSTA" -H "$AUTH" -H "$CT" --data '{"status":"closed"}'
check_status 409 "PATCH status closed is refused: close with an analysis instead"
check_eq "$(js 'j["errors"][0]["field"]')" status "and the problem names the status field"
for st in closing planned requested; do
	req PATCH "$KV_URL/api/v1/channels/$INSTA" -H "$AUTH" -H "$CT" --data "{\"status\":\"$st\"}"
	req GET "$KV_URL/api/v1/public/channels"
	check_eq "$(js '"Ungdom i Meldal" in [c["name"] for c in j["items"]]')" false "a $st channel is not public"
done

req POST "$KV_URL/api/v1/public/channels" -H "$CT" --data "{}"
check_status 405 "POST to the public API is 405"
req GET "$KV_URL/register" -H "Authorization: Bearer $TOK"
check_status 200 "/register with a token is 200 too"

kv_finish
