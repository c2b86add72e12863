#!/bin/sh
# tests/http/85_sweep.sh - no request makes the server fail (POSIX sh).
# Takes the route table from `kanalvakt routes` (so new routes are swept
# too) and sends every route, as nobody, as a channel editor and as the
# admin, odd ids, odd query strings and empty, junk or hostile bodies.
# Nothing may answer 5xx, HTML answers must be whole pages, the server must
# stay up and log no errors.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup
D=meldal-kommune.example
kv_login "$KV_ADMIN_EMAIL" "$KV_PW" "$T_DIR/admin" || fail "the admin logs in" "$(ctx)"
kv_login "siri.bakken@$D" "$KV_PW" "$T_DIR/siri" || fail "Siri logs in" "$(ctx)"
# throwaway tokens take ids 1-3, which the sweep revokes through
# /account/tokens/:id/revoke; the ones used below must survive it
for i in 1 2 3; do kv_token "berit.vold@$D" >/dev/null; done
ATOK=$(kv_token "$KV_ADMIN_EMAIL")
STOK=$(kv_token "siri.bakken@$D")
ACSRF=$(kv_page_csrf "$T_DIR/admin")
SCSRF=$(kv_page_csrf "$T_DIR/siri")
"$KV_BIN" routes >"$T_DIR/routes" || fail "kanalvakt routes works"
check_match "$(wc -l <"$T_DIR/routes")" '^ *[1-9][0-9]+$' "kanalvakt routes lists the routes"

LONG=$("$T_PY" -c 'print("q" * 1500)')
QUERIES="?q=%25_%5C&page=-1&limit=0&offset=-5&lang=xx&next=//evil
?page=99999999999999999999&limit=abc&unit_id=abc&status=%FF&platform=%00&q=%00
?before=abc&object_id=0&object_type=%3Cx%3E&unit_id=99999999&status=closed&offset=99999999
?q=$LONG&before=1&unit_id=1&status=requested&platform=x"
IDS="1 3 999999 999999999999999999"
JUNK_FORM='name=%3Cx%3E&kind=x&parent_id=-1&platform=x&address=a+b&unit_id=0&status=x&role=x&password=x&email=x&full_name=&update_count=99999999999999999999&editor_ids=0&opened_on=2024-02-30&label=x&old_password=x&new_password=x&active=x&q=x'
JUNK_JSON='{"name":"<x>","kind":"x","parent_id":-1,"platform":"x","address":"a b","unit_id":0,"status":"x","role":"x","email":"x","full_name":"","update_count":99999999999999999999,"editor_ids":[0],"opened_on":"2024-02-30","active":"x"}'

bad=
# hit METHOD PATH [curl args…]: one request; notes a 5xx, a broken HTML page
# or a dead connection in $bad.
hit() {
	h_m=$1 h_p=$2
	shift 2
	h_s=$(curl -sS --max-time 20 -o "$H_BODY" -w '%{http_code}' -X "$h_m" "$@" -- "$KV_URL$h_p" 2>/dev/null)
	case $h_s in
	5* | 000 | '')
		bad="$bad
$h_m $h_p -> ${h_s:-none}"
		;;
	200)
		case $h_p in
		/api/* | /healthz* | /static/*) ;;
		*)
			if ! head -c 20 "$H_BODY" | grep -q '^<!DOCTYPE html>' ||
				! tail -c 20 "$H_BODY" | grep -q '</html>'; then
				bad="$bad
$h_m $h_p -> 200 but not a whole HTML page"
			fi
			;;
		esac
		;;
	esac
}

while read -r method pattern handler flags; do
	bad=
	paths=$pattern
	case $pattern in
	*:id*)
		paths=
		for i in $IDS; do
			# (:name after :id: the version of /items/:id/raw/:name)
			paths="$paths $(printf '%s' "$pattern" | sed "s/:id/$i/; s/:name/1/")"
		done
		;;
	*:name*) paths="/static/style.css /static/x..y /static/.. /static/a.b.c" ;;
	*) for q in $QUERIES; do paths="$paths $pattern$q"; done ;;
	esac
	for p in $paths; do
		case $method in
		GET)
			hit GET "$p"
			hit GET "$p" -b "$T_DIR/siri"
			hit GET "$p" -b "$T_DIR/admin"
			case $p in /api/*)
				hit GET "$p" -H "Authorization: Bearer $STOK"
				hit GET "$p" -H "Authorization: Bearer $ATOK"
				;;
			esac
			;;
		*)
			case $p in
			/api/*)
				for tok in "$STOK" "$ATOK"; do
					hit "$method" "$p" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data-binary '{}'
					hit "$method" "$p" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data-binary "$JUNK_JSON"
					hit "$method" "$p" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data-binary '{"a":'
				done
				hit "$method" "$p" -H 'Content-Type: application/json' --data-binary '{}'
				;;
			*)
				hit "$method" "$p" --data "x=1"
				# (logging out would end the sessions the sweep uses)
				case $p in /logout*) continue ;; esac
				hit "$method" "$p" -b "$T_DIR/siri" --data "_csrf=$SCSRF"
				hit "$method" "$p" -b "$T_DIR/siri" --data "_csrf=$SCSRF&$JUNK_FORM"
				hit "$method" "$p" -b "$T_DIR/admin" --data "_csrf=$ACSRF"
				hit "$method" "$p" -b "$T_DIR/admin" --data "_csrf=$ACSRF&$JUNK_FORM"
				;;
			esac
			;;
		esac
	done
	if [ -z "$bad" ]; then
		ok "sweep $method $pattern ($handler): no 5xx, whole pages"
	else
		fail "sweep $method $pattern ($handler): no 5xx, whole pages" "$(printf '%s\n' "$bad" | sed '/^$/d' | head -n 12)"
	fi
done <"$T_DIR/routes"

req GET "$KV_URL/healthz"
check_status 200 "the server is still up after the sweep"
req GET "$KV_URL/dashboard" -b "$T_DIR/admin"
check_status 200 "the admin's session survived the sweep"
req GET "$KV_URL/dashboard" -b "$T_DIR/siri"
check_status 200 "Siri's session survived the sweep"
req GET "$KV_URL/api/v1/me" -H "Authorization: Bearer $ATOK"
check_status 200 "the admin's token survived the sweep"
req GET "$KV_URL/api/v1/me" -H "Authorization: Bearer $STOK"
check_status 200 "Siri's token survived the sweep"
errs=$(grep -E '^[0-9TZ:.-]+ (err|error|crit|fatal) ' "$KV_SERVER_LOG" | head -n 10)
check_eq "$errs" "" "the server logged no errors during the sweep"
kv_cli audit verify >/dev/null
check_eq "$?" 0 "the audit chain is intact after the sweep"

kv_finish
