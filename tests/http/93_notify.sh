#!/bin/sh
# tests/http/93_notify.sh - notifications end to end (POSIX sh), with a REAL
# SMTP server on loopback (tests/lib/smtp_sink.py, Debian's aiosmtpd):
#  - the alert generators on data made here (a channel without a
#    responsible person; a responsible person made inactive), raised once
#    per person and week, and again the next week;
#  - the mail: right envelope and To, an RFC 2047 UTF-8 subject with
#    Norwegian letters, the body with its link, a well-formed message;
#  - the SMTP server down: mail stays queued with its error, waits for its
#    backoff, and is sent on a later pass; a refused recipient is given up
#    at once; an administrator puts it back;
#  - a person's mail turned off: notification yes, mail no;
#  - the API (listNotifications, markNotificationsRead) with every error
#    case, and the HTML pages and forms; the outbox page for admins only;
#  - `mail test`, and `serve --tick 1 --smtp …` sending from its
#    background thread and stopping cleanly.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
D=meldal-kommune.example
CT='Content-Type: application/json'
FROM=kanalvakt@$D
BASE=https://kanalvakt.meldal.example
MAILDIR=$T_DIR/mail
mkdir -p "$MAILDIR"
ADMIN=$(kv_token "admin@$D")
PER=$(kv_token "per.arne.hoff@$D")
ANNE=$(kv_token "anne.lise.fossum@$D")
SIRI=$(kv_token "siri.bakken@$D")
KULTUR=$(kv_sql "SELECT id FROM units WHERE name = 'Kultur'")
BLOG=$(kv_sql "SELECT id FROM channels WHERE name = 'Bibliotekbloggen'")
TOR=$(kv_sql "SELECT id FROM people WHERE email = 'tor.einar.moe@$D'")

# --- the SMTP server ---------------------------------------------------------
SINK_PID=
SMTP_PORT=$(kv_free_port)
sink_start() { # [--refuse ADDR]
	rm -f "$MAILDIR/ready"
	"$T_PY" "$KV_ROOT/tests/lib/smtp_sink.py" "$SMTP_PORT" "$MAILDIR" "$@" \
		>>"$T_DIR/sink.log" 2>&1 &
	SINK_PID=$!
	ss_i=0
	while [ ! -f "$MAILDIR/ready" ] && [ "$ss_i" -lt 100 ]; do
		sleep 0.1
		ss_i=$((ss_i + 1))
	done
	[ -f "$MAILDIR/ready" ] || fail "the SMTP server starts" "$(cat "$T_DIR/sink.log")"
}
sink_stop() {
	[ -n "$SINK_PID" ] || return 0
	kill -TERM "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
	SINK_PID=
}
S2_PID=
on_exit() {
	oe_rc=$?
	sink_stop
	[ -z "$S2_PID" ] || kill -KILL "$S2_PID" 2>/dev/null
	(exit "$oe_rc")
	kv_cleanup
}
trap on_exit EXIT

SMTP=smtp://127.0.0.1:$SMTP_PORT
run() { kv_cli notify run --smtp "$SMTP" --mail-from "$FROM" --base-url "$BASE" "$@"; }
nmail() { ls "$MAILDIR" | grep -c '\.eml$'; }
# mail_to ADDR NEEDLE: the newest stored message to ADDR whose subject holds NEEDLE
mail_to() {
	"$T_PY" - "$MAILDIR" "$1" "$2" <<'EOF'
import email, email.policy, glob, os, sys
d, addr, needle = sys.argv[1:4]
for f in sorted(glob.glob(os.path.join(d, '*.eml')), reverse=True):
    rcpt = open(f[:-4] + '.rcpt').read().split()
    m = email.message_from_bytes(open(f, 'rb').read(), policy=email.policy.default)
    if addr in rcpt and needle in str(m['subject']):
        print(f)
        break
EOF
}
# mail_eval FILE EXPR: a Python expression over m (the parsed message), raw
# (its bytes) and rcpt (the envelope recipients)
mail_eval() {
	"$T_PY" - "$1" "$2" <<'EOF'
import email, email.policy, sys
path, expr = sys.argv[1], sys.argv[2]
try:
    raw = open(path, 'rb').read()
except OSError as e:
    print('NOFILE: %s' % e)
    sys.exit(0)
rcpt = open(path[:-4] + '.rcpt').read().split()
m = email.message_from_bytes(raw, policy=email.policy.default)
head = raw.split(b'\r\n\r\n', 1)[0]
try:
    print(eval(expr, {'m': m, 'raw': raw, 'rcpt': rcpt, 'head': head}))
except Exception as e:
    print('EXPRERR: %s: %s' % (type(e).__name__, e))
EOF
}
as() { # TOKEN METHOD PATH [JSON]
	as_t=$1 as_m=$2 as_p=$3
	if [ $# -ge 4 ]; then
		req "$as_m" "$KV_URL$as_p" -H "Authorization: Bearer $as_t" -H "$CT" --data-binary "$4"
	else
		req "$as_m" "$KV_URL$as_p" -H "Authorization: Bearer $as_t"
	fi
}
new_channel() { # NAME ADDRESS -> prints the id (paused: only an approved plan makes a channel active)
	as "$ADMIN" POST /api/v1/channels "{\"platform\":\"facebook_page\",\"name\":\"$1\",\"address\":\"$2\",\"unit_id\":$KULTUR,\"status\":\"paused\"}"
	js 'j["id"]'
}

# --- the demo at the real current time ------------------------------------------
# The demo has no rota outside May 2027 (so every open channel has gaps in
# the next 14 days), a stale X profile (and the youth blog behind its
# commitment), Siri's course running out in 20 days and channels never
# reviewed since they opened in 2010-2011.
out=$(kv_cli notify run)
check_match "$out" '^alerts: [0-9]+ raised \(1 organisation\)' "notify run on the demo raises the demo's alerts"
check_match "$out" 'mail: 0 sent, 0 failed, [0-9]+ queued \(no SMTP server given' "and says it sends nothing without an SMTP server"
kinds() { kv_sql "SELECT n.kind || ':' || p.email FROM notifications n JOIN people p ON p.id = n.person_id WHERE n.kind = '$1' GROUP BY n.kind, p.email ORDER BY p.email" | sed "s/@$D//" | tr '\n' ' '; }
check_eq "$(kinds stale_channel)" "stale_channel:admin stale_channel:anne.lise.fossum stale_channel:ingrid.lokken stale_channel:jon.storli " "stale channels: the X profile to its responsible and comms/admins (no unit manager), the youth blog to Jon"
check_eq "$(kv_sql "SELECT COUNT(*) FROM notifications WHERE kind = 'stale_channel'")" 4 "4 stale-channel alerts"
check_eq "$(kinds training_expiring)" "training_expiring:per.arne.hoff training_expiring:siri.bakken " "expiring training: Siri and her unit manager"
check_eq "$(kv_sql "SELECT COUNT(*) FROM notifications WHERE kind = 'training_expiring'")" 2 "2 training alerts"
check_eq "$(kv_sql "SELECT COUNT(*) FROM notifications WHERE kind = 'review_due'")" 14 "14 review-due alerts (6 channels, their managers or comms/admins)"
check_eq "$(kinds review_due)" "review_due:admin review_due:anne.lise.fossum review_due:ingrid.lokken review_due:jon.storli review_due:per.arne.hoff " "reviews due: to the unit managers, else comms/admins"
check_eq "$(kinds coverage_gap)" "coverage_gap:admin coverage_gap:anne.lise.fossum coverage_gap:ingrid.lokken coverage_gap:jon.storli coverage_gap:per.arne.hoff coverage_gap:tor.einar.moe " "coverage gaps: to the unit managers, else comms/admins"
check_eq "$(kv_sql "SELECT COUNT(*) FROM notifications WHERE kind = 'coverage_gap' AND dedup_key LIKE 'coverage_gap:channel:3:%' AND person_id <> (SELECT id FROM people WHERE email = 'per.arne.hoff@$D')")" 0 "the youth channel's gaps go to its unit manager only"
check_eq "$(kv_sql "SELECT COUNT(*) FROM notifications WHERE kind IN ('no_responsible', 'inactive_responsible', 'plan_awaiting_decision', 'plan_awaiting_consultation')")" 0 "no channel without a responsible person, no plan awaiting a decision"
out=$(kv_cli notify run)
check_match "$out" '^alerts: 0 raised' "a second pass raises nothing new"

# --- the coverage-gap mail of 17 May 2027, received by a real SMTP server --------
sink_start
GAPNOW=1809936000 # Monday 2027-05-10T08:00:00Z
out=$(run --now $GAPNOW)
check_match "$out" '^alerts: [1-9][0-9]* raised' "a pass in the demo's rota week raises the coverage gaps"
check_match "$out" 'mail: 200 sent, 0 failed, [0-9]+ queued' "and sends 200 of the queued mails (the most per pass)"
gi=0
while ! printf '%s\n' "$out" | grep -q ' 0 queued' && [ "$gi" -lt 5 ]; do
	out=$(run --now $GAPNOW)
	gi=$((gi + 1))
done
check_match "$out" '^alerts: 0 raised' "later passes raise nothing new"
check_match "$out" 'mail: [1-9][0-9]* sent, 0 failed, 0 queued' "and send the rest"
M=$(mail_to "per.arne.hoff@$D" "«Ungdomsleder i Meldal» har hull 2027-05-13")
check_ne "$M" "" "the unit manager got the mail about the youth channel's gap on 13 May"
check_eq "$(mail_eval "$M" 'rcpt')" "['per.arne.hoff@$D']" "envelope recipient: the unit manager"
check_eq "$(mail_eval "$M" 'm["to"]')" "per.arne.hoff@$D" "To: the unit manager"
check_eq "$(mail_eval "$M" 'm["subject"]')" "Vaktlisten for «Ungdomsleder i Meldal» har hull 2027-05-13" "the subject decodes to the Norwegian text"
check_match "$(mail_eval "$M" 'head.decode()')" 'Subject: =\?UTF-8\?B\?' "the subject is RFC 2047 encoded"
check_match "$(mail_eval "$M" 'm.get_content()')" "Åpne i kanalvakt: $BASE/channels/$(kv_sql "SELECT id FROM channels WHERE name = 'Ungdomsleder i Meldal'")/rota" "the body links to the rota"
M=$(mail_to "anne.lise.fossum@$D" "«Meldal kommune» har hull 2027-05-17")
check_ne "$M" "" "17 May: the main page (no unit manager over Rådmannen) goes to comms"
check_eq "$(mail_to "per.arne.hoff@$D" "«Meldal kommune» har hull 2027-05-17")" "" "and not to another unit's manager"
check_eq "$(mail_to "per.arne.hoff@$D" "«Ungdomsleder i Meldal» har hull 2027-05-17")" "" "the youth channel is covered on 17 May"
sink_stop
rm -f "$MAILDIR"/*.eml "$MAILDIR"/*.rcpt

# The rest of this file tests the first two generators and the delivery on
# data made here, so the demo is made quiet: a watch for every open
# channel, a review today, no update commitment, training that does not
# expire; and the notifications so far are cleared.
TODAY=$(date -u +%F)
NOW=$(date +%s)
quiet() {
	kv_sql "INSERT INTO shifts (org_id, channel_id, person_id, starts_at, ends_at, note, created_at) SELECT c.org_id, c.id, (SELECT MIN(id) FROM people WHERE org_id = c.org_id AND active = 1), $((NOW - 86400)), $((NOW + 90 * 86400)), 'quiet', $NOW FROM channels c WHERE c.status IN ('active', 'paused', 'closing') AND NOT EXISTS (SELECT 1 FROM shifts s WHERE s.channel_id = c.id AND s.note = 'quiet')"
	kv_sql "INSERT INTO reviews (org_id, channel_id, reviewed_on, findings, outcome, created_at) SELECT c.org_id, c.id, '$TODAY', 'quiet', 'keep', $NOW FROM channels c WHERE c.status IN ('active', 'paused') AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.channel_id = c.id AND r.findings = 'quiet')"
}
quiet
kv_sql "UPDATE channels SET update_count = 0"
kv_sql "UPDATE training_records SET expires_on = NULL"
kv_sql "DELETE FROM mail_outbox"
kv_sql "DELETE FROM notifications"
out=$(kv_cli notify run)
check_match "$out" '^alerts: 0 raised' "the quiet demo raises nothing"

# --- alerts and their mail ---------------------------------------------------------------
NAME='Kulturkveld på Løkken – «Ærlig talt»'
CH=$(new_channel "$NAME" https://www.facebook.com/aerligtalt)
quiet
check_match "$CH" '^[0-9]+$' "a channel without a responsible person is registered"
quiet
as "$ADMIN" PATCH "/api/v1/people/$TOR" '{"active":false}'
check_status 200 "the librarian (responsible for Bibliotekbloggen) is made inactive"
sink_start
out=$(run)
check_match "$out" '^alerts: 4 raised' "notify run raises 4 alerts (comms x2 + admin; Per Arne)"
check_match "$out" 'mail: 4 sent, 0 failed, 0 queued' "and sends their 4 mails"
check_eq "$(nmail)" 4 "the SMTP server received 4 messages"
for who in ingrid.lokken anne.lise.fossum admin; do
	check_ne "$(mail_to "$who@$D" "Kulturkveld")" "" "$who@$D got the mail about the channel"
done
check_eq "$(mail_to "per.arne.hoff@$D" "Kulturkveld")" "" "the unit manager did not (not comms)"
M=$(mail_to "anne.lise.fossum@$D" "Kulturkveld")
check_eq "$(mail_eval "$M" 'rcpt')" "['anne.lise.fossum@$D']" "envelope recipient"
check_eq "$(mail_eval "$M" 'm["to"]')" "anne.lise.fossum@$D" "To header"
check_eq "$(mail_eval "$M" 'm["subject"]')" "Kanalen «$NAME» har ingen ansvarlig" "the subject decodes to the Norwegian text"
check_eq "$(mail_eval "$M" 'all(b < 128 for b in head)')" True "the header is plain ASCII"
check_match "$(mail_eval "$M" 'head.decode()')" 'Subject: =\?UTF-8\?B\?' "the subject is RFC 2047 encoded"
check_eq "$(mail_eval "$M" 'm["from"]')" "kanalvakt <$FROM>" "From"
check_eq "$(mail_eval "$M" 'm.get_content_type() + ";" + m.get_content_charset()')" "text/plain;utf-8" "text/plain; charset=utf-8"
check_eq "$(mail_eval "$M" 'm["mime-version"]')" "1.0" "MIME-Version"
check_eq "$(mail_eval "$M" 'm["content-transfer-encoding"]')" "quoted-printable" "quoted-printable"
check_match "$(mail_eval "$M" 'm["message-id"]')" "^<kv\.[0-9a-f]+@$D>\$" "Message-ID"
check_match "$(mail_eval "$M" 'm["date"]')" '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} \+0000$' "Date"
check_eq "$(mail_eval "$M" 'm["auto-submitted"]')" "auto-generated" "Auto-Submitted"
check_eq "$(mail_eval "$M" 'max(len(l) for l in raw.split(b"\r\n")) <= 78')" True "no line longer than 78"
check_eq "$(mail_eval "$M" 'raw.replace(b"\r\n", b"").count(b"\n")')" 0 "no bare LF"
BODY=$(mail_eval "$M" 'm.get_content()')
check_match "$BODY" "Kanalen «Kulturkveld på Løkken – «Ærlig talt»» \(Kultur\) er registrert uten ansvarlig person" "the body, in Norwegian"
check_match "$BODY" "Åpne i kanalvakt: $BASE/channels/$CH" "the body links to the channel"
M=$(mail_to "per.arne.hoff@$D" "Bibliotekbloggen")
check_eq "$(mail_eval "$M" 'm["subject"]')" "Ansvarlig for «Bibliotekbloggen» er ikke lenger aktiv" "the unit manager hears the librarian is inactive"
check_match "$(mail_eval "$M" 'm.get_content()')" "Tor Einar Moe, som er ansvarlig for kanalen «Bibliotekbloggen»" "naming the person"

out=$(run)
check_match "$out" '^alerts: 0 raised' "a second pass the same week raises nothing"
check_match "$out" 'mail: 0 sent, 0 failed, 0 queued' "and sends nothing"
check_eq "$(nmail)" 4 "still 4 messages"
out=$(run --now $(($(date +%s) + 7 * 86400)))
check_match "$out" '^alerts: 4 raised' "the next week the alerts are raised again"
check_eq "$(nmail)" 8 "and mailed again"
check_eq "$(kv_sql "SELECT COUNT(*) FROM audit WHERE object_type = 'notification'")" 0 "alerts do not fill the audit log"

# --- the API ------------------------------------------------------------------------------------
as "$PER" GET /api/v1/notifications
check_status 200 "listNotifications: 200"
check_eq "$(js '[j["total"], j["unread"], j["mail"], len(j["items"])]')" "[2, 2, true, 2]" "Per Arne has 2, both unread, mail on"
check_eq "$(js '[i["kind"] for i in j["items"]]')" '["inactive_responsible", "inactive_responsible"]' "of the inactive responsible person"
check_eq "$(js 'j["items"][0]["link"]')" "/channels/$BLOG" "linking to the channel"
check_eq "$(js 'j["items"][0]["unread"] and j["items"][0]["read_at"] is None')" true "unread, read_at null"
check_eq "$(js 'j["items"][0]["id"] > j["items"][1]["id"]')" true "newest first"
P1=$(js 'j["items"][0]["id"]')
as "$SIRI" GET /api/v1/notifications
check_eq "$(js '[j["total"], j["unread"]]')" "[0, 0]" "Siri has none (each sees only their own)"
as "$ANNE" GET "/api/v1/notifications?unread=true&limit=1"
check_eq "$(js '[j["total"], len(j["items"]), j["limit"]]')" "[2, 1, 1]" "unread=true with limit"
A1=$(js 'j["items"][0]["id"]')
as "$ANNE" GET "/api/v1/notifications?unread=maybe"
check_status 400 "unread=maybe: 400"
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:bad-query" "bad-query problem"
as "$ANNE" GET "/api/v1/notifications?limit=0"
check_status 400 "limit=0: 400"
req GET "$KV_URL/api/v1/notifications"
check_status 401 "without a login: 401"
check_match "$(hdr Content-Type)" '^application/problem\+json' "problem+json"

BEFORE=$(kv_sql "SELECT COUNT(*) FROM notifications WHERE read_at IS NULL")
bad_read() { # STATUS FIELD DESC JSON
	as "$PER" POST /api/v1/notifications/read "$4"
	check_status "$1" "markNotificationsRead $3: $1"
	check_match "$(hdr Content-Type)" '^application/problem\+json' "$3: problem+json"
	[ -z "$2" ] || check_eq "$(js 'j["errors"][0]["field"]')" "$2" "$3: names $2"
	check_eq "$(kv_sql "SELECT COUNT(*) FROM notifications WHERE read_at IS NULL")" "$BEFORE" "$3: nothing marked"
}
bad_read 422 ids "with an empty body" '{}'
bad_read 422 ids "with ids not an array" '{"ids":"1"}'
bad_read 422 ids "with no ids" '{"ids":[]}'
bad_read 422 ids "with a zero id" '{"ids":[0]}'
bad_read 422 ids "with a string id" "{\"ids\":[\"$P1\"]}"
bad_read 422 all "with all not a boolean" '{"all":"yes"}'
bad_read 422 ids "with all false" '{"all":false}'
bad_read 422 all "with all and ids" "{\"all\":true,\"ids\":[$P1]}"
bad_read 422 bogus "with an unknown field" '{"all":true,"bogus":1}'
bad_read 404 "" "with Anne's notification" "{\"ids\":[$P1,$A1]}"
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:not-found" "someone else's notification is not found"
bad_read 400 "" "with malformed JSON" '{"all":'
req POST "$KV_URL/api/v1/notifications/read" -H "Authorization: Bearer $PER" -H 'Content-Type: text/plain' --data '{"all":true}'
check_status 415 "markNotificationsRead as text/plain: 415"
req GET "$KV_URL/api/v1/notifications/read" -H "Authorization: Bearer $PER"
check_status 405 "GET on the read action: 405"
J=$T_DIR/per
kv_login "per.arne.hoff@$D" "$KV_PW" "$J" || fail "Per Arne logs in" "$(ctx)"
req POST "$KV_URL/api/v1/notifications/read" -b "$J" -H "$CT" --data '{"all":true}'
check_status 403 "with the session cookie but no X-CSRF-Token: 403"
check_eq "$(kv_sql "SELECT COUNT(*) FROM notifications WHERE read_at IS NULL")" "$BEFORE" "and nothing marked"
as "$PER" POST /api/v1/notifications/read "{\"ids\":[$P1]}"
check_status 200 "Per Arne marks one read: 200"
check_eq "$(js '[j["marked"], j["unread"]]')" "[1, 1]" "marked 1, 1 unread left"
as "$PER" POST /api/v1/notifications/read "{\"ids\":[$P1]}"
check_eq "$(js '[j["marked"], j["unread"]]')" "[0, 1]" "marking it again changes nothing"
as "$PER" POST /api/v1/notifications/read '{"all":true}'
check_eq "$(js '[j["marked"], j["unread"]]')" "[1, 0]" "all: the other one"
as "$PER" GET "/api/v1/notifications?unread=true"
check_eq "$(js '[j["total"], j["items"]]')" "[0, []]" "no unread left"
as "$ANNE" GET /api/v1/notifications
check_eq "$(js 'j["unread"]')" 2 "Anne's are untouched"

# --- the pages ----------------------------------------------------------------------------------------
J=$T_DIR/anne
kv_login "anne.lise.fossum@$D" "$KV_PW" "$J" || fail "Anne Lise logs in" "$(ctx)"
req GET "$KV_URL/notifications?lang=en" -b "$J"
check_status 200 "GET /notifications: 200"
check_match "$(body)" 'href="/notifications" aria-current="page">Notifications <span class="count-unread">\(2 unread\)</span>' "the header shows 2 unread, in words"
check_eq "$(grep -o '>Unread<' "$H_BODY" | wc -l)" 2 "two rows say Unread"
check_match "$(body)" "<a href=\"/channels/$CH\">Kanalen «Kulturkveld på Løkken – «Ærlig talt»» har ingen ansvarlig</a>" "the subject links to the channel (escaped)"
check_match "$(body)" 'Mark all as read' "a mark-all form"
A2=$(kv_sql "SELECT MIN(id) FROM notifications WHERE person_id = (SELECT id FROM people WHERE email = 'anne.lise.fossum@$D')")
P2=$(kv_sql "SELECT MIN(id) FROM notifications WHERE person_id = (SELECT id FROM people WHERE email = 'per.arne.hoff@$D')")
check_match "$(body)" "action=\"/notifications/$A2/read\"" "a mark-as-read form per unread row"
req POST "$KV_URL/notifications/$A2/read" -b "$J" --data-urlencode "_csrf=nope"
check_status 403 "marking without the CSRF token: 403"
kv_form_post "$J" "/notifications/$P2/read"
check_status 404 "marking Per Arne's as Anne: 404"
kv_form_post "$J" "/notifications/$A2/read"
check_status 303 "marking one read: 303"
check_eq "$(hdr Location)" "/notifications?marked=1" "back to the list"
check_eq "$(kv_sql "SELECT CASE WHEN read_at IS NULL THEN 0 ELSE 1 END FROM notifications WHERE id = $A2")" 1 "it is read"
req GET "$KV_URL/notifications?lang=en" -b "$J"
check_match "$(body)" '\(1 unread\)' "1 unread left in the header"
check_eq "$(grep -o '>Read<' "$H_BODY" | wc -l)" 1 "one row says Read"
kv_form_post "$J" /notifications/read
check_status 303 "mark all as read: 303"
req GET "$KV_URL/notifications?lang=en&marked=1" -b "$J"
check_match "$(body)" 'You have no unread notifications' "none unread"
check_nomatch "$(body)" 'count-unread' "no count in the header"
check_nomatch "$(body)" '>Unread<' "no row says Unread"
kv_form_post "$J" /notifications/mail mail=maybe
check_status 400 "mail=maybe: 400"
kv_form_post "$J" /notifications/mail mail=off
check_status 303 "Anne turns mail off: 303"
check_eq "$(kv_sql "SELECT mail FROM notify_prefs WHERE person_id = (SELECT id FROM people WHERE email = 'anne.lise.fossum@$D')")" 0 "stored"
check_eq "$(kv_sql "SELECT COUNT(*) FROM audit WHERE object_type = 'notify_prefs'")" 1 "and audited"
req GET "$KV_URL/notifications/outbox?lang=en" -b "$J"
check_status 403 "the outbox page is for administrators: 403"
JA=$T_DIR/admin
kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$JA" || fail "the admin logs in" "$(ctx)"
req GET "$KV_URL/notifications/outbox?lang=en&state=sent" -b "$JA"
check_status 200 "the admin sees the outbox: 200"
check_match "$(body)" "per.arne.hoff@$D" "with the mail to Per Arne"

# --- mail off, SMTP server down, backoff, retry ---------------------------------------------
sink_stop
N2='Bygdekino i Meldal'
CH2=$(new_channel "$N2" https://www.facebook.com/bygdekino)
quiet
out=$(run)
check_match "$out" '^alerts: 3 raised' "a second channel without a responsible person: 3 alerts"
check_match "$out" 'mail: 0 sent, 2 failed, 2 queued' "the SMTP server is down: 2 attempts failed, 2 queued (Anne has mail off)"
check_eq "$(kv_sql "SELECT COUNT(*) FROM notifications n JOIN people p ON p.id = n.person_id WHERE p.email = 'anne.lise.fossum@$D' AND n.link = '/channels/$CH2'")" 1 "Anne has the notification"
check_eq "$(kv_sql "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'anne.lise.fossum@$D' AND subject LIKE '%Bygdekino%'")" 0 "but no mail"
check_eq "$(kv_sql "SELECT state || ' ' || attempts || ' ' || CASE WHEN last_error <> '' THEN 1 ELSE 0 END || ' ' || CASE WHEN next_attempt_at > created_at THEN 1 ELSE 0 END FROM mail_outbox WHERE subject LIKE '%Bygdekino%' ORDER BY id LIMIT 1")" "queued 1 1 1" "the mail is queued with its error and a later next attempt"
check_match "$(kv_cli mail list --state queued)" "queued	1	admin@$D	Kanalen «Bygdekino i Meldal» har ingen ansvarlig	.*(onnect|refused)" "mail list shows it with the error"
sink_start
out=$(run)
check_match "$out" 'mail: 0 sent, 0 failed, 2 queued' "the next pass leaves it until its backoff ends"
check_match "$(kv_cli mail retry)" '^2 mails will be sent at the next pass' "mail retry makes both due now"
check_eq "$(kv_sql "SELECT COUNT(*) FROM audit WHERE action = 'retry' AND object_type = 'mail_outbox'")" 1 "retry is audited"
out=$(run)
check_match "$out" 'mail: 2 sent, 0 failed, 0 queued' "the later pass sends them"
check_ne "$(mail_to "admin@$D" "Bygdekino")" "" "the admin got it"
check_eq "$(kv_sql "SELECT state || ' ' || attempts FROM mail_outbox WHERE to_addr = 'admin@$D' AND subject LIKE '%Bygdekino%'")" "sent 2" "sent on the second attempt"

# a recipient the server refuses for good
sink_stop
sink_start --refuse "ingrid.lokken@$D"
N3='Meldal kulturskole'
new_channel "$N3" https://www.facebook.com/kulturskolen >/dev/null
quiet
out=$(run)
check_match "$out" 'mail: 1 sent, 1 failed, 0 queued' "a refused recipient fails, the other is sent"
check_eq "$(kv_sql "SELECT state || ' ' || attempts FROM mail_outbox WHERE to_addr = 'ingrid.lokken@$D' AND subject LIKE '%kulturskole%'")" "failed 1" "a 5xx refusal gives up at once"
check_match "$(kv_cli mail list --state failed)" "ingrid.lokken@$D.*RCPT failed: 550" "mail list --state failed shows it"
req GET "$KV_URL/notifications/outbox?lang=en&state=failed" -b "$JA"
check_match "$(body)" "ingrid.lokken@$D" "the outbox page shows the mail given up"
check_match "$(body)" "given up" "in words"
kv_form_post "$JA" /notifications/outbox/retry failed=1
check_status 303 "the admin retries failed mail: 303"
check_eq "$(kv_sql "SELECT state || ' ' || attempts FROM mail_outbox WHERE to_addr = 'ingrid.lokken@$D' AND subject LIKE '%kulturskole%'")" "queued 0" "it is queued again"
J=$T_DIR/anne
kv_form_post "$J" /notifications/outbox/retry failed=1
check_status 403 "Anne may not retry mail: 403"
sink_stop
sink_start
out=$(run)
check_match "$out" 'mail: 1 sent' "and sent when the server takes it"

# --- mail test ---------------------------------------------------------------------------------------
out=$(kv_cli mail test "kari@example.org" --smtp "$SMTP" --mail-from "$FROM")
check_eq "$?" 0 "mail test: exit 0"
M=$(mail_to kari@example.org testmelding)
check_eq "$(mail_eval "$M" 'm["subject"]')" "kanalvakt: testmelding – test message (æøå ÆØÅ äö)" "the test message arrives with its UTF-8 subject"
kv_cli mail test "not an address" --smtp "$SMTP" --mail-from "$FROM" >/dev/null
check_eq "$?" 2 "mail test with a bad address: exit 2"
kv_cli mail test "kari@example.org" >/dev/null
check_eq "$?" 2 "mail test without --smtp: exit 2"
kv_cli mail test "kari@example.org" --smtp "http://127.0.0.1:$SMTP_PORT" --mail-from "$FROM" >/dev/null
check_eq "$?" 2 "mail test with an http URL: exit 2"
kv_cli notify run --smtp "$SMTP" >/dev/null
check_eq "$?" 2 "notify run with --smtp but no --mail-from: exit 2"

# --- serve sends from its scheduler thread -------------------------------------------------------------
N4='Meldal frivilligsentral'
new_channel "$N4" https://www.facebook.com/frivilligsentralen >/dev/null
quiet
P2PORT=$(kv_free_port)
S2_LOG=$T_DIR/serve2.log
"$KV_BIN" --db "$KV_DB_URL" serve --listen "127.0.0.1:$P2PORT" --threads 1 --tick 1 \
	--smtp "$SMTP" --mail-from "$FROM" --base-url "$BASE" </dev/null >"$S2_LOG" 2>&1 &
S2_PID=$!
i=0
while [ "$i" -lt 150 ] && [ -z "$(mail_to "admin@$D" frivilligsentral)" ]; do
	sleep 0.2
	i=$((i + 1))
done
check_ne "$(mail_to "admin@$D" frivilligsentral)" "" "serve --tick 1 raised the alert and sent its mail by itself"
M=$(mail_to "admin@$D" frivilligsentral)
check_match "$(mail_eval "$M" 'm.get_content()')" "$BASE/channels/" "with the base URL in the link"
kill -TERM "$S2_PID"
wait "$S2_PID"
check_eq "$?" 0 "that server stops cleanly on SIGTERM"
S2_PID=
check_match "$(cat "$S2_LOG")" "scheduler: every 1 s: alerts and mail" "it said it runs the scheduler"
if grep -Eq 'ERROR: (Address|Leak|Undefined|Thread)Sanitizer|runtime error:' "$S2_LOG"; then
	fail "no sanitizer report from the second server" "$(grep -A 30 -E 'Sanitizer|runtime error' "$S2_LOG" | head -n 50)"
else
	ok "no sanitizer report from the second server"
fi
if grep -q 'registrert uten ansvarlig' "$S2_LOG" "$KV_SERVER_LOG" "$KV_CLI_LOG"; then
	fail "no mail body in any log"
else
	ok "no mail body in any log"
fi
cat "$S2_LOG" >>"$KV_SERVER_LOG"

kv_finish
