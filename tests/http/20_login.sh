#!/bin/sh
# tests/http/20_login.sh - logging in and out through the HTML form (POSIX
# sh): the double-submit CSRF cookie before login, the session cookie's
# flags, wrong passwords, CSRF and Origin refusals, the safe `next`
# redirect, throttling after five failures, the session's CSRF token for
# the API, and logout ending the session on the server.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
J=$T_DIR/jar

# --- the login form ---------------------------------------------------------
req GET "$KV_URL/login" -c "$J"
check_status 200 "GET /login is 200"
check_match "$(hdr Content-Type)" '^text/html; charset=utf-8' "the login page is UTF-8 HTML"
setc=$(hdr_all Set-Cookie | grep '^kv_csrf=')
check_match "$setc" '^kv_csrf=[0-9a-f]{64};' "GET /login sets kv_csrf"
check_match "$setc" 'HttpOnly' "kv_csrf is HttpOnly"
check_match "$setc" 'SameSite=Lax' "kv_csrf is SameSite=Lax"
check_match "$setc" 'Path=/' "kv_csrf has Path=/"
cookie=$(jar_get "$J" kv_csrf)
field=$(form_csrf)
check_match "$field" '^[0-9a-f]{64}$' "the form has a hidden _csrf input"
check_eq "$field" "$cookie" "the form's _csrf equals the kv_csrf cookie"
check_match "$(body)" '<form method="post" action="/login"' "the form posts to /login"
check_match "$(body)" 'name="email"' "the form has an email field"
check_match "$(body)" 'name="password" type="password"' "the form has a password field"
req GET "$KV_URL/login" -b "$J" -c "$J"
check_eq "$(hdr_all Set-Cookie | grep -c '^kv_csrf=')" 0 "an existing kv_csrf cookie is kept"
check_eq "$(form_csrf)" "$cookie" "and used in the form"

post_login() { # EMAIL PASSWORD CSRF [curl args…]
	pl_e=$1 pl_p=$2 pl_c=$3
	shift 3
	req POST "$KV_URL/login" --data-urlencode "email=$pl_e" \
		--data-urlencode "password=$pl_p" --data-urlencode "_csrf=$pl_c" "$@"
}

# --- CSRF refusals ------------------------------------------------------------
req POST "$KV_URL/login" -b "$J" --data-urlencode "email=$KV_ADMIN_EMAIL" \
	--data-urlencode "password=$KV_PW"
check_status 403 "POST /login without _csrf is 403"
check_eq "$(hdr_all Set-Cookie | grep -c '^kv_session=')" 0 "and sets no session"
post_login "$KV_ADMIN_EMAIL" "$KV_PW" "$(printf '%064d' 0)" -b "$J"
check_status 403 "POST /login with a wrong _csrf is 403"
post_login "$KV_ADMIN_EMAIL" "$KV_PW" "$cookie"
check_status 403 "POST /login with _csrf but without the kv_csrf cookie is 403"
post_login "$KV_ADMIN_EMAIL" "$KV_PW" "" -b "$J"
check_status 403 "POST /login with an empty _csrf is 403"
post_login "$KV_ADMIN_EMAIL" "$KV_PW" "$cookie" -b "$J" -H 'Origin: http://evil.example'
check_status 403 "POST /login from another Origin is 403"
post_login "$KV_ADMIN_EMAIL" "$KV_PW" "$cookie" -b "$J" -H 'Sec-Fetch-Site: cross-site'
check_status 403 "POST /login with Sec-Fetch-Site: cross-site is 403"
req POST "$KV_URL/login" -b "$J" -H 'Content-Type: application/json' \
	--data "{\"email\":\"$KV_ADMIN_EMAIL\",\"password\":\"$KV_PW\",\"_csrf\":\"$cookie\"}"
check_status 415 "POST /login as JSON is 415"

# --- wrong password -------------------------------------------------------------
post_login "$KV_ADMIN_EMAIL" "wrong-password-1" "$cookie" -b "$J"
check_status 401 "a wrong password is 401"
check_eq "$(hdr_all Set-Cookie | grep -c '^kv_session=')" 0 "a wrong password sets no session"
check_match "$(body)" 'role="alert"' "the login page shows an error"
check_match "$(body)" "value=\"$KV_ADMIN_EMAIL\"" "the e-mail typed is kept"
check_eq "$(form_csrf)" "$cookie" "the new form has the same _csrf"
post_login "nobody@example.org" "whatever-whatever" "$cookie" -b "$J"
check_status 401 "an unknown e-mail is 401 too"
post_login '"><script>alert(1)</script>' "x" "$cookie" -b "$J"
check_status 401 "a hostile e-mail is 401"
check_nomatch "$(body)" '<script>alert' "the hostile e-mail is not echoed raw"
check_match "$(body)" '&quot;&gt;&lt;script&gt;' "the hostile e-mail is echoed escaped"

# --- a good login -------------------------------------------------------------------
cp "$J" "$T_DIR/jar.before"
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tkv_session\t%s\n' "$(printf '%064d' 7)" >>"$J"
post_login "$KV_ADMIN_EMAIL" "$KV_PW" "$cookie" -b "$J" -c "$J"
check_status 303 "the right password is 303"
check_eq "$(hdr Location)" /dashboard "and goes to /dashboard"
sess=$(hdr_all Set-Cookie | grep '^kv_session=')
check_match "$sess" '^kv_session=[0-9a-f]{64};' "login sets kv_session"
check_match "$sess" 'HttpOnly' "kv_session is HttpOnly"
check_match "$sess" 'SameSite=Lax' "kv_session is SameSite=Lax"
check_match "$sess" 'Path=/' "kv_session has Path=/"
check_nomatch "$sess" 'Secure' "kv_session is not Secure without --cookie-secure"
token=$(jar_get "$J" kv_session)
check_ne "$token" "$(printf '%064d' 7)" "a session cookie planted before login is replaced"

req GET "$KV_URL/dashboard" -b "$J"
check_status 200 "GET /dashboard with the session is 200"
check_match "$(body)" 'Demo' "the dashboard greets the demo administrator"
check_match "$(body)" 'action="/logout"' "logged-in pages have a logout form"
scsrf=$(form_csrf)
check_match "$scsrf" '^[0-9a-f]{32,}$' "logged-in forms carry the session's _csrf"
check_ne "$scsrf" "$cookie" "the session's CSRF token is not the pre-login one"
req GET "$KV_URL/login" -b "$J"
check_status 303 "GET /login when logged in is 303"
check_eq "$(hdr Location)" /dashboard "to /dashboard"
req GET "$KV_URL/" -b "$J"
check_eq "$(hdr Location)" /dashboard "/ goes to /dashboard when logged in"
req GET "$KV_URL/"
check_eq "$(hdr Location)" /login "/ goes to /login when logged out"

# --- the session and the API ---------------------------------------------------------
req GET "$KV_URL/api/v1/me" -b "$J"
check_status 200 "GET /api/v1/me with the session cookie is 200"
check_eq "$(js 'j["person"]["email"]')" "$KV_ADMIN_EMAIL" "/api/v1/me names the admin"
check_eq "$(js 'j["csrf_token"]')" "$scsrf" "/api/v1/me gives the session's CSRF token"
check_eq "$(js 'j["org"]["name"]')" "Meldal kommune" "/api/v1/me names the organisation"
check_match "$(hdr Cache-Control)" 'no-store' "API answers are Cache-Control: no-store"
req POST "$KV_URL/api/v1/units" -b "$J" -H 'Content-Type: application/json' \
	--data '{"name":"Via session"}'
check_status 403 "an API POST with the session but no X-CSRF-Token is 403"
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:csrf" "the problem type is csrf"
req POST "$KV_URL/api/v1/units" -b "$J" -H 'Content-Type: application/json' \
	-H "X-CSRF-Token: $cookie" --data '{"name":"Via session"}'
check_status 403 "an API POST with a wrong X-CSRF-Token is 403"
req POST "$KV_URL/api/v1/units" -b "$J" -H 'Content-Type: application/json' \
	-H "X-CSRF-Token: $scsrf" --data '{"name":"Via session"}'
check_status 201 "an API POST with the session and its X-CSRF-Token is 201"

# --- next= -----------------------------------------------------------------------------
req GET "$KV_URL/channels?status=active"
check_status 303 "GET /channels logged out is 303"
check_match "$(hdr Location)" '^/login\?next=/channels' "to /login?next=/channels"
try_next() { # NEXT WANT
	rm -f "$T_DIR/jar.next"
	req GET "$KV_URL/login" -c "$T_DIR/jar.next"
	tn_c=$(form_csrf)
	req POST "$KV_URL/login" -b "$T_DIR/jar.next" --data-urlencode "email=$KV_ADMIN_EMAIL" \
		--data-urlencode "password=$KV_PW" --data-urlencode "_csrf=$tn_c" \
		--data-urlencode "next=$1"
	check_eq "$(hdr Location)" "$2" "next=$1 goes to $2"
}
try_next /channels /channels
try_next //evil.example/ /dashboard
try_next https://evil.example/ /dashboard
try_next '/\evil.example' /dashboard
try_next /logout /dashboard

# --- logout -------------------------------------------------------------------------------
cp "$J" "$T_DIR/jar.old"
req POST "$KV_URL/logout" -b "$J" -d ""
check_status 403 "POST /logout without _csrf is 403"
req GET "$KV_URL/dashboard" -b "$J"
check_status 200 "so the session still works"
req POST "$KV_URL/logout" -b "$J" --data-urlencode "_csrf=$cookie"
check_status 403 "POST /logout with the pre-login token is 403"
req POST "$KV_URL/logout" -b "$J" -c "$J" --data-urlencode "_csrf=$scsrf"
check_status 303 "POST /logout with the session's _csrf is 303"
check_eq "$(hdr Location)" /login "logout goes to /login"
check_match "$(hdr_all Set-Cookie | grep '^kv_session=')" '^kv_session=;.*Max-Age=0' \
	"logout clears the cookie"
req GET "$KV_URL/dashboard" -b "$T_DIR/jar.old"
check_status 303 "the old session cookie no longer works (303)"
check_eq "$(hdr Location)" "/login?next=/dashboard" "it redirects to /login?next=/dashboard"
req GET "$KV_URL/api/v1/me" -b "$T_DIR/jar.old"
check_status 401 "the old session cookie is 401 on the API"
check_match "$(hdr Content-Type)" '^application/problem\+json' "as problem+json"
check_match "$(hdr WWW-Authenticate)" '^Bearer' "with WWW-Authenticate: Bearer"
req POST "$KV_URL/units" -b "$T_DIR/jar.old" --data-urlencode "_csrf=$scsrf" \
	--data-urlencode "name=After logout"
check_status 303 "a form POST with the old session goes to login"
check_eq "$(kv_sql "SELECT COUNT(*) FROM units WHERE name = 'After logout'")" 0 \
	"and changes nothing"

req GET "$KV_URL/logout" -b "$J"
check_status 405 "GET /logout is 405 (a link or image cannot log anyone out)"

# --- changing the password ends the other sessions --------------------------------------
I=ingrid.lokken@meldal-kommune.example
NEWPW=nytt-passord-for-ingrid-42
kv_login "$I" "$KV_PW" "$T_DIR/ia" || fail "Ingrid logs in (session A)" "$(ctx)"
kv_login "$I" "$KV_PW" "$T_DIR/ib" || fail "Ingrid logs in (session B)" "$(ctx)"
kv_form_post "$T_DIR/ia" /account/password "old_password=wrong-old-password" "new_password=$NEWPW"
check_status '4[0-9][0-9]' "a wrong current password is refused"
check_nomatch "$(body)" "$NEWPW|wrong-old-password" "passwords are not echoed back"
kv_form_post "$T_DIR/ia" /account/password "old_password=$KV_PW" "new_password=short"
check_status 422 "a too short new password is 422"
kv_form_post "$T_DIR/ia" /account/password "old_password=$KV_PW" "new_password=$NEWPW"
check_status 303 "the right current password and a good new one is 303"
check_eq "$(hdr Location)" "/account?changed=1" "to /account?changed=1"
req GET "$KV_URL/dashboard" -b "$T_DIR/ia"
check_status 200 "the session that changed the password goes on"
req GET "$KV_URL/dashboard" -b "$T_DIR/ib"
check_status 303 "the other session is ended"
if kv_login "$I" "$KV_PW" "$T_DIR/ic"; then
	fail "the old password no longer works" "$(ctx)"
else
	ok "the old password no longer works"
fi
if kv_login "$I" "$NEWPW" "$T_DIR/ic"; then
	ok "the new password works"
else
	fail "the new password works" "$(ctx)"
fi

# --- throttling -------------------------------------------------------------------------------
T=hans.kvam@meldal-kommune.example
rm -f "$T_DIR/jar.t"
req GET "$KV_URL/login" -c "$T_DIR/jar.t"
tc=$(form_csrf)
i=1
while [ $i -le 5 ]; do
	post_login "$T" "wrong-password-$i" "$tc" -b "$T_DIR/jar.t"
	check_status 401 "wrong password $i of 5 for one e-mail is 401"
	i=$((i + 1))
done
post_login "$T" "$KV_PW" "$tc" -b "$T_DIR/jar.t"
check_status 429 "then even the right password is 429"
ra=$(hdr Retry-After)
check_match "$ra" '^[1-9][0-9]*$' "429 has Retry-After in seconds ($ra)"
if [ "${ra:-0}" -gt 0 ] 2>/dev/null && [ "$ra" -le 3600 ]; then
	ok "Retry-After is at most an hour"
else
	fail "Retry-After is at most an hour" "got $ra"
fi
check_eq "$(hdr_all Set-Cookie | grep -c '^kv_session=')" 0 "429 sets no session"
post_login "$(printf '%s' "$T" | tr a-z A-Z)" "$KV_PW" "$tc" -b "$T_DIR/jar.t"
check_status 429 "the lock holds for the e-mail in capitals too"
if kv_login "anne.lise.fossum@meldal-kommune.example" "$KV_PW" "$T_DIR/jar.a"; then
	ok "another person can still log in from the same address"
else
	fail "another person can still log in from the same address" "$(ctx)"
fi

kv_finish
