#!/bin/sh
# tests/http/95_dashboard.sh - the dashboard's governance table (POSIX sh):
# per unit, the counts match the demo (the X profile is stale, requests wait
# for decision after submission), follow changes, and stay within what the
# person may see.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
J=$T_DIR/admin
kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$J" || fail "the admin logs in" "$(ctx)"

# cell N (1-based, after the unit name) of the row of unit NAME
cell() { # NAME N
	body | "$T_PY" -c '
import re, sys
html = sys.stdin.read()
name, n = sys.argv[1], int(sys.argv[2])
for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", html, re.S):
    if re.sub(r"<[^>]+>", "", row.split("</th>")[0]) == name:
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        print(re.sub(r"<[^>]+>", "", cells[n - 1]))
        break
else:
    print("no row")' "$1" "$2"
}

req GET "$KV_URL/dashboard?lang=en" -b "$J"
check_status 200 "the dashboard answers"
check_match "$(body)" '<caption id="cap-1">Governance per unit</caption>' "it has the governance table"
check_eq "$(cell 'Stab og service' 1)" 4 "Stab og service has 4 active channels"
check_eq "$(cell 'Stab og service' 4)" 1 "one of them is stale (the X profile)"
check_eq "$(cell 'Oppvekst' 1)" 1 "Oppvekst has 1 active channel"
check_eq "$(cell 'Stab og service' 2)" 0 "no plan awaits a decision yet"

# the stale X profile is named on the upkeep page the cell links to
req GET "$KV_URL/upkeep?lang=en" -b "$J"
check_match "$(body)" '@meldalkommune' "the upkeep page names the stale X profile"

# a logged update makes a channel fresh: the count follows
X=$(kv_sql "SELECT id FROM channels WHERE name = '@meldalkommune'")
n0=$(kv_sql "SELECT COUNT(*) FROM audit")
for i in 1 2 3; do
	kv_form_post "$J" "/channels/$X/updates" "published_at=$(date -u +%Y-%m-%dT%H:%M)" note="Post $i"
done
check_ne "$(kv_sql "SELECT COUNT(*) FROM audit")" "$n0" "logging updates is audited"
req GET "$KV_URL/dashboard?lang=en" -b "$J"
check_eq "$(cell 'Stab og service' 4)" 0 "after three logged updates X is no longer stale"

# a channel editor of one unit sees only what is theirs to see
M=$T_DIR/marit
kv_login "marit.grindal@meldal-kommune.example" "$KV_PW" "$M" || fail "Marit logs in" "$(ctx)"
req GET "$KV_URL/dashboard?lang=en" -b "$M"
check_status 200 "a channel editor's dashboard answers"
check_nomatch "$(body)" 'Ungdom i Meldal' "it does not show another unit's requested channel"

kv_finish
