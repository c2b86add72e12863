# tests/lib/t.sh - the tiny test harness shared by tests/http/*.sh (POSIX sh,
# meant to be sourced).
#
# Results:  ok DESC | fail DESC [DETAILS…]  print "ok N - DESC" or
#           "not ok N - DESC" followed by "#   DETAIL" lines;
#           t_done prints the closing line "N passed, N failed" (the line
#           tests/run.sh parses) and returns non-zero when anything failed.
# Checks:   check_eq GOT WANT DESC, check_ne GOT NOTWANT DESC,
#           check_match GOT ERE DESC, check_nomatch GOT ERE DESC,
#           check_status WANT DESC (against the last request).
# HTTP:     req METHOD URL [curl args…] runs curl once and leaves
#             $H_STATUS        the status code ("000" when nothing came back)
#             $H_BODY/$H_HDRS  files with the body and the response headers
#           hdr NAME           the last value of response header NAME
#           hdr_all NAME       every value of NAME, one a line
#           body               the body on stdout
#           js EXPR            Python expression over j = the JSON body;
#                              prints str() of the result, or "JSONERR: …"
#           form_csrf          the value of the first hidden _csrf input
#           ctx                status, headers and the body's start, for
#                              failure details
# Everything lives in $T_DIR (a temp dir, removed by t_cleanup).

T_PASS=0
T_FAIL=0
T_N=0
T_DIR=${T_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/kv-t.XXXXXX")}
H_BODY=$T_DIR/body
H_HDRS=$T_DIR/headers
H_STATUS=000
: >"$H_BODY"
: >"$H_HDRS"

# The interpreter: the system python3 starts faster than pyenv's shim.
if [ -z "${T_PY:-}" ]; then
	if [ -x /usr/bin/python3 ]; then T_PY=/usr/bin/python3; else T_PY=python3; fi
fi

ok() {
	T_N=$((T_N + 1))
	T_PASS=$((T_PASS + 1))
	printf 'ok %d - %s\n' "$T_N" "$1"
}

fail() {
	T_N=$((T_N + 1))
	T_FAIL=$((T_FAIL + 1))
	printf 'not ok %d - %s\n' "$T_N" "$1"
	shift
	for t_d in "$@"; do
		printf '%s\n' "$t_d" | sed 's/^/#   /'
	done
}

# t_done: the closing summary line; non-zero when a check failed.
t_done() {
	printf '%d passed, %d failed\n' "$T_PASS" "$T_FAIL"
	[ "$T_FAIL" -eq 0 ]
}

t_cleanup() {
	case $T_DIR in
	*/kv-t.*) rm -rf "$T_DIR" ;;
	esac
}

check_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else fail "$3" "got:  $1" "want: $2"; fi
}

check_ne() {
	if [ "$1" != "$2" ]; then ok "$3"; else fail "$3" "got the unwanted value: $1"; fi
}

check_match() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok "$3"
	else
		fail "$3" "got:  $(printf '%s' "$1" | head -c 600)" "want match: $2"
	fi
}

check_nomatch() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		fail "$3" "got:  $(printf '%s' "$1" | head -c 600)" "want no match: $2"
	else
		ok "$3"
	fi
}

# check_status WANT DESC - WANT may be an ERE such as "4[0-9][0-9]".
check_status() {
	if printf '%s' "$H_STATUS" | grep -Eqx -- "$1"; then
		ok "$2"
	else
		fail "$2" "want status $1" "$(ctx)"
	fi
}

# req METHOD URL [curl args…]
req() {
	t_m=$1
	t_u=$2
	shift 2
	: >"$H_BODY"
	: >"$H_HDRS"
	if [ "$t_m" = HEAD ]; then
		set -- -I "$@"
	else
		set -- -X "$t_m" "$@"
	fi
	H_STATUS=$(curl -sS --max-time 20 -o "$H_BODY" -D "$H_HDRS" \
		-w '%{http_code}' "$@" -- "$t_u" 2>"$T_DIR/curl.err") ||
		H_STATUS=${H_STATUS:-000}
	[ -n "$H_STATUS" ] || H_STATUS=000
}

hdr_all() {
	tr -d '\r' <"$H_HDRS" | awk -v n="$1" '
		BEGIN { n = tolower(n) }
		/^HTTP\// { out = "" ; next }
		{
			i = index($0, ":")
			if (i > 0 && tolower(substr($0, 1, i - 1)) == n) {
				v = substr($0, i + 1); sub(/^[ \t]+/, "", v)
				print v
			}
		}'
}

hdr() {
	hdr_all "$1" | tail -n 1
}

body() {
	cat "$H_BODY"
}

# js EXPR [FILE] - evaluates a Python expression with j bound to the
# parsed JSON (the last body, or FILE).  Lists and dicts print as JSON;
# True/False/None print as true/false/null.
js() {
	"$T_PY" - "$1" "${2:-$H_BODY}" <<'EOF'
import json, sys
expr, path = sys.argv[1], sys.argv[2]
try:
    with open(path, 'rb') as f:
        j = json.loads(f.read().decode('utf-8'))
except Exception as e:
    print('JSONERR: %s' % e)
    sys.exit(0)
try:
    v = eval(expr, {'j': j, 'json': json, 'any': any, 'all': all,
                    'len': len, 'sorted': sorted, 'set': set})
except Exception as e:
    print('EXPRERR: %s: %s' % (type(e).__name__, e))
    sys.exit(0)
if isinstance(v, bool) or v is None:
    print(json.dumps(v))
elif isinstance(v, (list, dict)):
    print(json.dumps(v, ensure_ascii=False, sort_keys=True))
else:
    print(v)
EOF
}

form_csrf() {
	grep -o 'name="_csrf" value="[^"]*"' "$H_BODY" | head -n 1 |
		sed 's/.*value="\([^"]*\)"/\1/'
}

# ctx: what the last request answered, for failure details.
ctx() {
	printf 'status %s\n' "$H_STATUS"
	tr -d '\r' <"$H_HDRS" | head -n 20 | sed 's/^/  /'
	printf 'body: %s\n' "$(head -c 500 "$H_BODY")"
	if [ -s "$T_DIR/curl.err" ]; then
		printf 'curl: %s\n' "$(cat "$T_DIR/curl.err")"
	fi
}

# urlenc STRING - percent-encodes STRING for a form body or query.
urlenc() {
	"$T_PY" -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$1"
}
