#!/bin/sh
# tests/http/30_tokens.sh - API tokens and CLI-made logins (POSIX sh):
# `kanalvakt token create` prints the token alone, Bearer works without
# CSRF, wrong or malformed tokens are 401 problem+json with
# WWW-Authenticate, `kanalvakt user add` (password on stdin) makes a
# login that works, and its refusals leave nothing half-made.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup

# --- token create -----------------------------------------------------------
kv_cli token create "$KV_ADMIN_EMAIL" >"$T_DIR/tok.out"
check_eq "$?" 0 "token create exits 0"
check_eq "$(wc -l <"$T_DIR/tok.out" | tr -d ' ')" 1 "token create prints one line"
TOK=$(cat "$T_DIR/tok.out")
check_match "$TOK" '^kv_[0-9a-f]{64}$' "the line is the token alone (kv_ and 64 hex digits)"
TOK2=$(kv_cli token create "$KV_ADMIN_EMAIL" --label "second")
check_ne "$TOK2" "$TOK" "each token is new"
kv_cli token create nobody@example.org >"$T_DIR/tok.bad"
rc=$?
check_ne "$rc" 0 "token create for an unknown e-mail fails"
check_eq "$(cat "$T_DIR/tok.bad")" "" "and prints no token"

# --- Bearer -------------------------------------------------------------------
req GET "$KV_URL/api/v1/me" -H "Authorization: Bearer $TOK"
check_status 200 "GET /api/v1/me with the token is 200"
check_eq "$(js 'j["person"]["email"]')" "$KV_ADMIN_EMAIL" "the token acts as the admin"
check_eq "$(js '"csrf_token" in j')" false "a token request gets no CSRF token"
check_eq "$(js '[r["role"] for r in j["person"].get("roles", [])]')" '["admin"]' \
	"/api/v1/me lists the admin role"
req GET "$KV_URL/api/v1/me" -H "Authorization: Bearer $TOK2"
check_status 200 "the second token works too"
req POST "$KV_URL/api/v1/units" -H "Authorization: Bearer $TOK" \
	-H 'Content-Type: application/json' --data '{"name":"Via token"}'
check_status 201 "a token POST needs no CSRF token"

unauth() { # DESC [curl args…]
	ua_d=$1
	shift
	req GET "$KV_URL/api/v1/units" "$@"
	check_status 401 "$ua_d: 401"
	check_match "$(hdr Content-Type)" '^application/problem\+json' "$ua_d: problem+json"
	check_match "$(hdr WWW-Authenticate)" '^Bearer realm="kanalvakt"' "$ua_d: WWW-Authenticate"
	check_eq "$(js 'j["status"]')" 401 "$ua_d: problem status 401"
	check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:unauthenticated" "$ua_d: problem type"
}
unauth "no credentials"
unauth "a wrong token" -H "Authorization: Bearer $(printf '%064d' 1)"
check_match "$(hdr WWW-Authenticate)" 'error="invalid_token"' "a wrong token: error=invalid_token"
unauth "a token one character short" -H "Authorization: Bearer ${TOK%?}"
unauth "a token with a character more" -H "Authorization: Bearer ${TOK}0"
unauth "an upper-cased token" -H "Authorization: Bearer $(printf '%s' "$TOK" | tr a-f A-F)"
unauth "an empty bearer token" -H "Authorization: Bearer "
unauth "Basic auth" -H "Authorization: Basic YWRtaW46YWRtaW4="
unauth "a session id given as a token" -H "Authorization: Bearer $(printf 'x%.0s' $(seq 64))"
req GET "$KV_URL/api/v1/units" -H "Authorization: Bearer $TOK" -H "Cookie: kv_session=$(printf '%064d' 2)"
check_status 200 "a good token wins over a bad session cookie"
req GET "$KV_URL/api/v1/public/channels" -H "Authorization: Bearer nonsense"
check_status '200|401' "a public route with a wrong token answers sensibly"

# --- the token on HTML pages -------------------------------------------------------
req GET "$KV_URL/dashboard" -H "Authorization: Bearer $TOK"
check_status 303 "a bearer token does not log in HTML pages"

# --- revoked tokens, through the account page ---------------------------------------
J=$T_DIR/jar
kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$J" || fail "admin logs in" "$(ctx)"
sc=$(kv_page_csrf "$J")
req POST "$KV_URL/account/tokens" -b "$J" --data-urlencode "_csrf=$sc" --data-urlencode "label=web token"
check_status 200 "POST /account/tokens shows a new token"
WTOK=$(grep -o '<code class="token">[^<]*</code>' "$H_BODY" | sed 's/<[^>]*>//g')
check_match "$WTOK" '^kv_[0-9a-f]{64}$' "the page shows the token once"
req GET "$KV_URL/api/v1/me" -H "Authorization: Bearer $WTOK"
check_status 200 "the web-made token works"
req GET "$KV_URL/account" -b "$J"
check_match "$(body)" 'web token' "the account page lists the token's label"
check_nomatch "$(body)" "$WTOK" "the account page does not show the token again"
rev=$(kv_sql "SELECT MAX(id) FROM api_tokens")
check_match "$(body)" "action=\"/account/tokens/$rev/revoke\"" "the account page has a revoke form for it"
req POST "$KV_URL/account/tokens/$rev/revoke" -b "$J" --data-urlencode "_csrf=$sc"
check_status 303 "revoking is 303"
req GET "$KV_URL/api/v1/me" -H "Authorization: Bearer $WTOK"
check_status 401 "a revoked token is 401"
req GET "$KV_URL/api/v1/me" -H "Authorization: Bearer $TOK"
check_status 200 "other tokens still work"

# --- user add ---------------------------------------------------------------------------
E=ola.nordmann@meldal-kommune.example
PW=correct-horse-battery-9
printf '%s\n' "$PW" | kv_cli user add "$E" --name "Ola Nordmann" --role channel_editor \
	--unit Kultur >"$T_DIR/add.out"
check_eq "$?" 0 "user add exits 0"
check_match "$(cat "$T_DIR/add.out")" "added $E" "user add says what it did"
check_nomatch "$(cat "$T_DIR/add.out")" "password:" "user add prints no password when one was given"
if kv_login "$E" "$PW" "$T_DIR/jar.ola"; then
	ok "the new user logs in with the password from stdin"
else
	fail "the new user logs in with the password from stdin" "$(ctx)"
fi
req GET "$KV_URL/api/v1/me" -b "$T_DIR/jar.ola"
check_eq "$(js 'j["person"]["full_name"]')" "Ola Nordmann" "the new user's name"
kultur=$(kv_sql "SELECT id FROM units WHERE name = 'Kultur'")
check_eq "$(js '[(r["role"], r["unit_id"]) for r in j["person"]["roles"]]')" \
	"[[\"channel_editor\", $kultur]]" "the new user is channel_editor of Kultur"
OTOK=$(kv_token "$E")
req GET "$KV_URL/api/v1/me" -H "Authorization: Bearer $OTOK"
check_eq "$(js 'j["person"]["email"]')" "$E" "a token for the new user acts as them"

# a deactivated person's token and session stop working at once
OID=$(kv_sql "SELECT id FROM people WHERE email = '$E'")
req PATCH "$KV_URL/api/v1/people/$OID" -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
	--data '{"active":false}'
check_status 200 "the admin deactivates the new user"
check_eq "$(js 'j["active"]')" false "who is now inactive"
req GET "$KV_URL/api/v1/me" -H "Authorization: Bearer $OTOK"
check_status 401 "a deactivated person's token is 401"
req GET "$KV_URL/dashboard" -b "$T_DIR/jar.ola"
check_status 303 "a deactivated person's session is ended"
if kv_login "$E" "$PW" "$T_DIR/jar.ola2"; then
	fail "a deactivated person cannot log in" "$(ctx)"
else
	ok "a deactivated person cannot log in"
fi
req PATCH "$KV_URL/api/v1/people/$OID" -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
	--data '{"active":true}'
check_status 200 "the admin reactivates the new user"
req GET "$KV_URL/api/v1/me" -H "Authorization: Bearer $OTOK"
check_status 401 "deactivating revoked the token for good"

printf '%s\n' "$PW" | kv_cli user add "$E" --name "Ola Igjen" --role auditor >"$T_DIR/add2.out"
check_ne "$?" 0 "user add with a taken e-mail fails"
check_eq "$(kv_sql "SELECT COUNT(*) FROM people WHERE full_name = 'Ola Igjen'")" 0 \
	"user add with a taken e-mail adds nobody"

printf 'short\n' | kv_cli user add kari.kort@meldal-kommune.example --name "Kari Kort" \
	--role auditor >"$T_DIR/add3.out"
check_ne "$?" 0 "user add with a too short password fails"
check_eq "$(kv_sql "SELECT COUNT(*) FROM people WHERE email = 'kari.kort@meldal-kommune.example'")" 0 \
	"user add with a too short password leaves no person behind"

kv_cli user add per.uten@meldal-kommune.example --name "Per Uten" --role nosuchrole </dev/null >/dev/null
check_ne "$?" 0 "user add with an unknown role fails"
printf '%s\n' "$PW" | kv_cli user add per.uten@meldal-kommune.example --name "Per Uten" \
	--role auditor --unit "No Such Unit" >/dev/null
check_ne "$?" 0 "user add with an unknown unit fails"
check_eq "$(kv_sql "SELECT COUNT(*) FROM people WHERE email = 'per.uten@meldal-kommune.example'")" 0 \
	"user add with a bad role or unit adds nobody"

: | kv_cli user add gen.passord@meldal-kommune.example --name "Gen Passord" --role auditor >"$T_DIR/add4.out"
check_eq "$?" 0 "user add with an empty stdin exits 0"
GPW=$(sed -n 's/^password: *//p' "$T_DIR/add4.out")
check_match "$GPW" '^.{12,}$' "and prints a generated password"
if kv_login gen.passord@meldal-kommune.example "$GPW" "$T_DIR/jar.gen"; then
	ok "the generated password works"
else
	fail "the generated password works" "$(ctx)"
fi

kv_finish
