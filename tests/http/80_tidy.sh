#!/bin/sh
# tests/http/80_tidy.sh - every HTML page of the app is valid HTML (POSIX
# sh): each page, in each language and in its error and form-error states,
# goes through `tidy -e -q`; errors fail (exit 2), warnings are allowed.
# Also checks each page is UTF-8 HTML with <html lang> and a <title>.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
if ! command -v tidy >/dev/null 2>&1; then
	fail "tidy is installed" "install it: sh tools/deps.sh"
	kv_finish
	exit 1
fi
J=$T_DIR/admin
kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$J" || fail "the admin logs in" "$(ctx)"
C=$(kv_sql "SELECT id FROM channels WHERE name = 'Ungdomsleder i Meldal'")
CI=$(kv_sql "SELECT id FROM channels WHERE name = 'Ungdom i Meldal'")
U=$(kv_sql "SELECT id FROM units WHERE name = 'Kultur'")
P=$(kv_sql "SELECT id FROM people WHERE email = 'siri.bakken@meldal-kommune.example'")
# notifications (issue 3): a channel without a responsible person raises
# alerts for the admin, so /notifications and the outbox have rows
kv_sql "UPDATE channels SET responsible_id = NULL WHERE name = 'Jobb i Meldal'"
kv_cli notify run >/dev/null || fail "notify run for the tidy sweep" "$(cat "$KV_CLI_LOG")"
# a token, so the account page lists one
req POST "$KV_URL/account/tokens" -b "$J" --data-urlencode "_csrf=$(kv_page_csrf "$J")" \
	--data-urlencode "label=tidy"

# ids_last: problems with ids in the last body (duplicate ids; label for=
# and aria-describedby pointing at no element), one a line.
ids_last() {
	"$T_PY" - "$H_BODY" <<'PYEOF'
import sys
from html.parser import HTMLParser
ids, refs = {}, []
class P(HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            ids[a["id"]] = ids.get(a["id"], 0) + 1
        if tag == "label" and a.get("for"):
            refs.append(("label for", a["for"]))
        for x in (a.get("aria-describedby") or "").split():
            refs.append(("aria-describedby", x))
P().feed(open(sys.argv[1], encoding="utf-8").read())
for k, n in sorted(ids.items()):
    if n > 1:
        print("id %r is used %d times" % (k, n))
for what, x in refs:
    if x not in ids:
        print("%s=%r names no element" % (what, x))
PYEOF
}

# tidy_last DESC WANT-STATUS: validates the last response.
tidy_last() {
	check_status "$2" "$1: status $2"
	check_match "$(hdr Content-Type)" '^text/html; charset=utf-8' "$1: UTF-8 HTML"
	check_match "$(head -c 300 "$H_BODY")" '^<!DOCTYPE html>' "$1: has a doctype"
	check_match "$(grep -o '<html lang="[a-z]*"' "$H_BODY")" 'lang="(nb|nn|sv|en)"' "$1: <html lang>"
	check_match "$(grep -o '<title>[^<]*</title>' "$H_BODY")" '<title>[^<]+</title>' "$1: has a title"
	tidy -e -q --show-warnings yes "$H_BODY" >"$T_DIR/tidy.out" 2>&1
	td_rc=$?
	if [ "$td_rc" -lt 2 ]; then
		ok "$1: tidy finds no errors"
	else
		fail "$1: tidy finds no errors" "$(grep -i 'error' "$T_DIR/tidy.out" | head -n 15)"
	fi
	td_ids=$(ids_last)
	if [ -z "$td_ids" ]; then
		ok "$1: ids are unique and labels point at fields"
	else
		fail "$1: ids are unique and labels point at fields" "$td_ids"
	fi
}
page() { # PATH [WANT-STATUS [curl args…]]
	pg_p=$1
	pg_s=${2:-200}
	[ $# -ge 2 ] && shift 2 || shift 1
	req GET "$KV_URL$pg_p" -b "$J" "$@"
	tidy_last "GET $pg_p" "$pg_s"
}

for lang in nb nn sv en; do
	rm -f "$T_DIR/anon"
	req GET "$KV_URL/login?lang=$lang" -c "$T_DIR/anon"
	tidy_last "GET /login?lang=$lang (logged out)" 200
	check_match "$(grep -o '<html lang="[a-z]*"' "$H_BODY")" "lang=\"$lang\"" "/login?lang=$lang is in $lang"
	req GET "$KV_URL/register?lang=$lang"
	tidy_last "GET /register?lang=$lang (logged out)" 200
done

for lang in nb en; do
	page "/dashboard?lang=$lang"
	page "/channels?lang=$lang"
	page "/channels/new?lang=$lang"
	page "/channels/$C?lang=$lang"
	page "/channels/$CI?lang=$lang"
	page "/channels/$C/edit?lang=$lang"
	page "/units?lang=$lang"
	page "/units/$U?lang=$lang"
	page "/people?lang=$lang"
	page "/people/new?lang=$lang"
	page "/people/$P?lang=$lang"
	page "/audit?lang=$lang"
	page "/account?lang=$lang"
	page "/register?lang=$lang"
	page "/notifications?lang=$lang"
	page "/notifications/outbox?lang=$lang"
done
page "/notifications?marked=1&mail=1"
page "/notifications/outbox?state=failed&retried=1"
page "/notifications?offset=50"
# issue 3: requests, plans and training (the draft plan of the requested
# Instagram, an approved plan, and a submitted one the rådmann can decide)
PL=$(kv_sql "SELECT p.id FROM plans p JOIN channels c ON c.id = p.channel_id WHERE c.name = 'Ungdom i Meldal'")
PA=$(kv_sql "SELECT p.id FROM plans p JOIN channels c ON c.id = p.channel_id WHERE c.name = 'Jobb i Meldal'")
for lang in nb en; do
	page "/plans?lang=$lang"
	page "/plans/new?lang=$lang"
	page "/plans/$PL?lang=$lang"
	page "/plans/$PL/edit?lang=$lang"
	page "/plans/$PA?lang=$lang"
	page "/plans/$PA/print?lang=$lang"
	page "/training?lang=$lang"
done
page "/plans?status=approved"
page "/plans/$PL?done=saved"
kv_form_post "$J" /plans platform=x name= address='a b'
tidy_last "POST /plans with errors" 422
kv_form_post "$J" "/plans/$PL" goal_text=x goal_metric=views goal_target=x goal_period= update_count=x
tidy_last "POST /plans/ID with errors" 422
kv_form_post "$J" "/plans/$PL/submit"
tidy_last "POST /plans/ID/submit of an incomplete plan" 422
kv_form_post "$J" "/plans/$PA/comments" text=
tidy_last "POST /plans/ID/comments on a decided plan" '(409|422)'
kv_form_post "$J" /training/courses name= validity_months=x
tidy_last "POST /training/courses with errors" 422
kv_form_post "$J" /training/records completed_on=bad
tidy_last "POST /training/records with errors" 422
TT=$(kv_token "$KV_ADMIN_EMAIL")
TA=$(kv_token "anne.lise.fossum@meldal-kommune.example")
req PATCH "$KV_URL/api/v1/plans/$PL" -H "Authorization: Bearer $TT" -H 'Content-Type: application/json' --data-binary \
	"{\"deciding_manager_id\":$(kv_sql "SELECT id FROM people WHERE email = 'kari.ronning@meldal-kommune.example'"),\"supervision\":\"Siri; i ferier Per Arne.\",\"work_hours\":2,\"snapshot_person_id\":$P}"
req POST "$KV_URL/api/v1/plans/$PL/submit" -H "Authorization: Bearer $TT"
check_status 200 "the Instagram plan is submitted for the tidy check"
req POST "$KV_URL/api/v1/plans/$PL/comments" -H "Authorization: Bearer $TA" -H 'Content-Type: application/json' --data '{"text":"OK."}'
kv_login "kari.ronning@meldal-kommune.example" "$KV_PW" "$T_DIR/kari"
req GET "$KV_URL/plans/$PL?lang=en" -b "$T_DIR/kari"
tidy_last "GET /plans/ID with the decision form" 200
check_match "$(body)" 'name="decision"' "the rådmann has the decision form"
kv_form_post "$T_DIR/kari" "/plans/$PL/decision" decision=approve place=
tidy_last "POST /plans/ID/decision with errors" 422

page "/channels?status=requested"
page "/channels?status=closed"
page "/channels?q=nothing-matches-this"
page "/channels?unit_id=$U&platform=facebook_page"
page "/people?q=siri"
page "/people?unit_id=$U"
page "/audit?object_type=channel&object_id=$C"
page "/audit?before=5"
page "/account?changed=1"
page "/channels/$C?saved=1"

# gov-rota: the rota, upkeep and review pages (and their form errors)
XC=$(kv_sql "SELECT id FROM channels WHERE name = '@meldalkommune'")
for lang in nb en; do
	page "/rota?lang=$lang"
	page "/channels/$C/rota?lang=$lang"
	page "/channels/$C/coverage?from=2027-05-11&to=2027-05-18&lang=$lang"
	page "/people/$P/absences?lang=$lang"
	page "/upkeep?lang=$lang"
	page "/channels/$XC/updates?lang=$lang"
	page "/reviews?lang=$lang"
	page "/channels/$C/review?lang=$lang"
	page "/channels/$C/close?lang=$lang"
done
page "/channels/$C/rota?all=1"
page "/channels/$CI/coverage"
page "/channels/$CI/close"
page "/channels/$C/coverage?from=bad&to=2027-05-18" 422
kv_form_post "$J" "/channels/$C/shifts" person_id= starts_at=x ends_at= note=
tidy_last "POST /channels/ID/shifts with errors" 422
kv_form_post "$J" "/people/$P/absences" kind=x from= to= from_time=25 to_time=
tidy_last "POST /people/ID/absences with errors" 422
kv_form_post "$J" "/channels/$XC/updates" published_at=x note=
tidy_last "POST /channels/ID/updates with errors" 422
kv_form_post "$J" /reviews/policy review_months=0 watch_days=x watch_from_hour=30 watch_to_hour=0
tidy_last "POST /reviews/policy with errors" 422
kv_form_post "$J" "/channels/$C/reviews" reviewed_on=x findings= outcome=x
tidy_last "POST /channels/ID/reviews with errors" 422
kv_form_post "$J" "/channels/$XC/close" analysis=kort tried= closed_on=x
tidy_last "POST /channels/ID/close with errors" 422
kv_form_post "$J" "/channels/$XC/close" "analysis=Profilen ble aldri fulgt opp etter at den ble opprettet i 2011." \
	tried=Ukentlige closed_on=
req GET "$KV_URL/channels/$XC/close?saved=1" -b "$J"
tidy_last "GET a closed channel's closing page" 200
page "/channels/$XC/updates"

# issue 5: the inbox, an item of each kind the demo's day has, the triage
# rules page, and their forms with errors
IQ=$(kv_sql "SELECT b.item_id FROM inbox b JOIN item_versions v ON v.item_id = b.item_id WHERE v.text LIKE '%fritak%'")
IT=$(kv_sql "SELECT b.item_id FROM inbox b JOIN item_versions v ON v.item_id = b.item_id WHERE v.text LIKE '%idioten%'")
for lang in nb nn sv en; do
	page "/inbox?lang=$lang"
	page "/inbox/$IQ?lang=$lang"
	page "/admin/triage?lang=$lang"
done
page "/inbox?view=all&class=abuse&q=meldal"
page "/inbox?class=nonsense" 422
page "/inbox/$IT?done=classes"
kv_form_post "$J" "/inbox/$IT/mark" state=no_answer reason=
tidy_last "POST /inbox/ID/mark with errors" 422
kv_form_post "$J" "/inbox/$IT/classes" classes=abuse hard_shown=1
tidy_last "POST /inbox/ID/classes with errors" 422
kv_form_post "$J" "/inbox/$IT/remove" action=manual ground=threat note=x
tidy_last "POST /inbox/ID/remove (the confirmation)" 200
kv_form_post "$J" "/inbox/$IT/reply" text=hei
tidy_last "POST /inbox/ID/reply the platform cannot take" 502
kv_form_post "$J" /inbox/bulk action=no_answer reason=
tidy_last "POST /inbox/bulk with errors" 422
kv_form_post "$J" /admin/triage/rules class=x kind=pattern 'pattern=(' weight=x
tidy_last "POST /admin/triage/rules with errors" 422
kv_form_post "$J" /admin/triage/try 'text=Ring meg på 412 34 567, det haster!' lang=nb
tidy_last "POST /admin/triage/try" 200
# the inbox's settings (/admin/inbox): every language, the change forms,
# each form with errors, a channel's signature form with an error
SR=$(kv_sql "SELECT id FROM saved_replies ORDER BY id LIMIT 1")
TP=$(kv_sql "SELECT id FROM topics ORDER BY id LIMIT 1")
XCH=$(kv_sql "SELECT id FROM channels WHERE name = '@meldalkommune'")
for lang in nb nn sv en; do
	page "/admin/inbox?lang=$lang"
done
page "/admin/inbox?edit_reply=$SR&edit_topic=$TP"
page "/admin/inbox?done=topic-deleted"
page "/channels/$XCH?signature=1"
kv_form_post "$J" /admin/inbox/policy mode=x open_hour=20 close_hour=8 days_off=x escalate_after_min=x
tidy_last "POST /admin/inbox/policy with errors" 422
kv_form_post "$J" "/admin/inbox/replies/$SR" lang=x title= body=
tidy_last "POST /admin/inbox/replies/ID with errors" 422
kv_form_post "$J" /admin/inbox/topics name= 'keywords=|' people=x
tidy_last "POST /admin/inbox/topics with errors" 422
kv_form_post "$J" "/channels/$XCH/reply-rule" signature=x
tidy_last "POST /channels/ID/reply-rule with an error" 422

kv_login "siri.bakken@meldal-kommune.example" "$KV_PW" "$T_DIR/siri"
req GET "$KV_URL/admin/inbox" -b "$T_DIR/siri"
tidy_last "GET /admin/inbox (read only)" 200
# issue 4: captured items (none in this database: the empty state; the
# populated pages are tidied by 98_items_ui.sh) and a channel's connection
FBC=$(kv_sql "SELECT id FROM channels WHERE name = 'Meldal kommune'")
BLOG=$(kv_sql "SELECT id FROM channels WHERE platform = 'blog' LIMIT 1")
FORUM=$(kv_sql "SELECT id FROM channels WHERE platform = 'forum' LIMIT 1")
for lang in nb nn sv en; do
	page "/items?lang=$lang"
	page "/channels/$FBC/connection?lang=$lang"
done
page "/items?q=kommunen&type=post&state=live&from=2026-01-01&to=2026-12-31"
page "/items?from=bad&type=x" 422
page "/channels/$BLOG/connection"
page "/channels/$FORUM/connection"
page "/items/999999" 404
kv_form_post "$J" "/channels/$FBC/connection" page_token=x account= base_url=ftp://x expires_at=bad
tidy_last "POST /channels/ID/connection with errors" 422
kv_form_post "$J" "/channels/$FBC/connection/poll"
tidy_last "POST /channels/ID/connection/poll when not connected" 409
kv_form_post "$J" "/channels/$BLOG/connection" kind=feed feed_url=https://example.no/feed
req GET "$KV_URL/channels/$BLOG/connection?saved=1" -b "$J"
tidy_last "GET a connected blog's connection page" 200
req GET "$KV_URL/channels/$FBC/connection" -b "$T_DIR/siri"
tidy_last "GET /channels/ID/connection read-only" 200

# error pages
page /nope 404
page /channels/999999 404
page "/static/../x" 404 --path-as-is
req GET "$KV_URL/x" -H 'Accept: text/html'
tidy_last "GET /x (logged out)" 404
req PUT "$KV_URL/login"
tidy_last "PUT /login" 405
req POST "$KV_URL/login" --data "email=x"
tidy_last "POST /login without CSRF" 403
rm -f "$T_DIR/anon"
req GET "$KV_URL/login" -c "$T_DIR/anon"
req POST "$KV_URL/login" -b "$T_DIR/anon" --data-urlencode "email=$KV_ADMIN_EMAIL" \
	--data-urlencode "password=wrong-wrong-wrong" --data-urlencode "_csrf=$(form_csrf)"
tidy_last "POST /login with a wrong password" 401
kv_login "berit.vold@meldal-kommune.example" "$KV_PW" "$T_DIR/berit"
req GET "$KV_URL/channels/new" -b "$T_DIR/berit"
tidy_last "GET /channels/new as the auditor" 403
req GET "$KV_URL/audit" -b "$T_DIR/berit"
tidy_last "GET /audit as the auditor" 200
req GET "$KV_URL/notifications" -b "$T_DIR/berit"
tidy_last "GET /notifications with none" 200
req GET "$KV_URL/notifications/outbox" -b "$T_DIR/berit"
tidy_last "GET /notifications/outbox as the auditor" 403
kv_login "siri.bakken@meldal-kommune.example" "$KV_PW" "$T_DIR/siri"
req GET "$KV_URL/admin/inbox" -b "$T_DIR/siri"
tidy_last "GET /admin/inbox (read only)" 200
req GET "$KV_URL/dashboard" -b "$T_DIR/siri"
tidy_last "GET /dashboard as a channel editor" 200

# form error states
kv_form_post "$J" /channels platform=x name= address='a b' "unit_id=$U" update_count=-1 \
	update_period=week status=requested opened_on=bad
tidy_last "POST /channels with errors" 422
kv_form_post "$J" "/channels/$C" platform=facebook_page name= address=https://www.facebook.com/ungdomslederimeldal \
	"unit_id=$U" update_count=1 update_period=week status=active
tidy_last "POST /channels/ID with errors" 422
kv_form_post "$J" /units name= kind=unit
tidy_last "POST /units with errors" 422
kv_form_post "$J" "/units/$U" name= kind=unit
tidy_last "POST /units/ID with errors" 422
kv_form_post "$J" /people full_name= email=nope
tidy_last "POST /people with errors" 422
kv_form_post "$J" "/people/$P" full_name= email=nope
tidy_last "POST /people/ID with errors" 422
kv_form_post "$J" /account/password old_password=wrong new_password=short
tidy_last "POST /account/password with errors" '(422|403)'
kv_form_post "$J" /account/tokens label=another
tidy_last "POST /account/tokens" 200
req POST "$KV_URL/channels" -b "$J" -H 'Content-Type: text/plain' --data 'x'
tidy_last "POST /channels as text/plain" 415

kv_finish
