#!/bin/sh
# tests/http/10_basics.sh - the server's plumbing, black-box (POSIX sh):
# health check, 404 in both dialects (HTML and problem+json), 405 with
# Allow, security headers, path traversal under /static/, static files with
# ETag and 304, HEAD, unknown methods and oversized headers.
. "$(dirname "$0")/../lib/t.sh"
. "$(dirname "$0")/../lib/server.sh"
kv_setup

# --- /healthz -------------------------------------------------------------
req GET "$KV_URL/healthz"
check_status 200 "GET /healthz is 200"
check_match "$(hdr Content-Type)" '^application/json' "healthz is JSON"
check_eq "$(js 'j["status"]')" ok "healthz says status ok"
case $KV_TEST_DB in
sqlite) want_db=sqlite ;;
*) want_db=postgresql ;;
esac
check_eq "$(js 'j["db"]')" "$want_db" "healthz names the backend ($want_db)"
check_match "$(js 'j["schema"]')" '^[1-9][0-9]*$' "healthz reports a schema version"

# --- 404 --------------------------------------------------------------------
req GET "$KV_URL/x"
check_status 404 "GET /x is 404"
check_match "$(hdr Content-Type)" '^text/html' "404 for a page is HTML"
check_match "$(body)" '<!DOCTYPE html>' "404 page is a whole HTML document"

req GET "$KV_URL/api/v1/x"
check_status 404 "GET /api/v1/x is 404"
check_match "$(hdr Content-Type)" '^application/problem\+json' "404 under /api is problem+json"
check_eq "$(js 'j["status"]')" 404 "problem has status 404"
check_eq "$(js 'j["type"]')" "urn:kanalvakt:problem:not-found" "problem type is not-found"
check_ne "$(js 'j["title"]')" "" "problem has a title"

req GET "$KV_URL/channels/0"
check_status 404 "/channels/0 (id 0) is 404"
req GET "$KV_URL/api/v1/channels/007" -H "Authorization: Bearer x"
check_status 404 "an id with a leading zero does not match a route"

# --- 405 and Allow -------------------------------------------------------------
req DELETE "$KV_URL/api/v1/units"
check_status 405 "DELETE /api/v1/units is 405"
allow=$(hdr Allow)
check_match "$allow" '(^|, )GET(,|$)' "Allow lists GET ($allow)"
check_match "$allow" '(^|, )POST(,|$)' "Allow lists POST"
check_nomatch "$allow" 'DELETE' "Allow does not list DELETE"
check_match "$(hdr Content-Type)" '^application/problem\+json' "405 under /api is problem+json"

req PUT "$KV_URL/login"
check_status 405 "PUT /login is 405"
check_match "$(hdr Allow)" 'GET.*POST|POST.*GET' "Allow for /login lists GET and POST"

req OPTIONS "$KV_URL/api/v1/channels"
check_status '204|200' "OPTIONS /api/v1/channels answers without a body"
check_match "$(hdr Allow)" 'PATCH|POST' "OPTIONS gives Allow"

req BREW "$KV_URL/healthz"
check_status '(400|405|501)' "an unknown method is refused"
req GET "$KV_URL/healthz"
check_status 200 "the server still answers after an unknown method"

# --- security headers ---------------------------------------------------------
for p in /login /healthz /api/v1/x /static/style.css; do
	req GET "$KV_URL$p"
	csp=$(hdr Content-Security-Policy)
	check_match "$csp" "default-src 'none'" "CSP on $p has default-src 'none'"
	check_match "$csp" "frame-ancestors 'none'" "CSP on $p has frame-ancestors 'none'"
	check_nomatch "$csp" "unsafe-inline|unsafe-eval" "CSP on $p allows no inline code"
	check_eq "$(hdr X-Content-Type-Options)" nosniff "X-Content-Type-Options: nosniff on $p"
	check_eq "$(hdr X-Frame-Options)" DENY "X-Frame-Options: DENY on $p"
done
req GET "$KV_URL/login"
n1=$(hdr Content-Security-Policy | grep -o "nonce-[A-Za-z0-9+/=]*")
req GET "$KV_URL/login"
n2=$(hdr Content-Security-Policy | grep -o "nonce-[A-Za-z0-9+/=]*")
check_ne "$n1" "$n2" "the CSP nonce changes per response"
check_match "$(hdr Cache-Control)" 'no-store' "pages are Cache-Control: no-store"
check_match "$(hdr X-Request-Id)" '^[0-9a-f]{8,}$' "responses carry X-Request-Id"

# --- /static/ and traversal -----------------------------------------------------
req GET "$KV_URL/static/style.css"
check_status 200 "GET /static/style.css is 200"
check_match "$(hdr Content-Type)" '^text/css' "style.css is text/css"
check_eq "$(wc -c <"$H_BODY" | tr -d ' ')" "$(wc -c <"$KV_ROOT/assets/style.css" | tr -d ' ')" \
	"style.css is served whole"
if cmp -s "$H_BODY" "$KV_ROOT/assets/style.css"; then
	ok "style.css is the file in assets/"
else
	fail "style.css is the file in assets/"
fi
etag=$(hdr ETag)
check_match "$etag" '^(W/)?".+"$' "style.css has a quoted ETag ($etag)"
check_match "$(hdr Cache-Control)" 'max-age=[1-9]' "static files may be cached"
req GET "$KV_URL/static/style.css" -H "If-None-Match: $etag"
check_status 304 "If-None-Match with the ETag gives 304"
check_eq "$(wc -c <"$H_BODY" | tr -d ' ')" 0 "304 has no body"
check_eq "$(hdr ETag)" "$etag" "304 repeats the ETag"
req GET "$KV_URL/static/style.css" -H 'If-None-Match: "nope"'
check_status 200 "a stale If-None-Match gives the file again"
req HEAD "$KV_URL/static/style.css"
check_status 200 "HEAD /static/style.css is 200"
check_eq "$(hdr ETag)" "$etag" "HEAD gives the same ETag"
req GET "$KV_URL/static/icon.svg"
check_match "$(hdr Content-Type)" '^image/svg\+xml' "icon.svg is image/svg+xml"
req GET "$KV_URL/static/nope.css"
check_status 404 "a missing static file is 404"

for p in '/static/../Makefile' '/static/../../../../etc/passwd' \
	'/static/..%2f..%2f..%2fetc%2fpasswd' '/static/%2e%2e/Makefile' \
	'/static/%2e%2e%2fMakefile' '/static/..' '/static/.%2e/src/main.c' \
	'/static/..%5c..%5cMakefile' \
	'/static/../sql/sqlite/0001_foundation.sql' '/static//etc/passwd' \
	'/static/.hidden' '/static/STYLE.CSS'; do
	req GET "$KV_URL$p" --path-as-is
	check_status 404 "GET $p is 404"
	if grep -Eq 'root:x:0:0|^CC |CREATE TABLE|#include' "$H_BODY"; then
		fail "GET $p does not leak a file" "$(ctx)"
	else
		ok "GET $p does not leak a file"
	fi
done

# an encoded NUL would cut the path short inside libmicrohttpd: refused
for p in '/static/style.css%00.txt' '/healthz%00.php' \
	'/api/v1/public/channels%00/evil'; do
	req GET "$KV_URL$p" --path-as-is
	check_status 400 "GET $p is refused with 400"
done

# --- oversized headers ----------------------------------------------------------
big=$("$T_PY" -c 'print("a" * 100000)')
req GET "$KV_URL/healthz" -H "X-Big: $big"
check_status '4[0-9][0-9]' "a 100 KB header is refused with 4xx"
req GET "$KV_URL/healthz" -H "Cookie: kv_session=$big"
check_status '4[0-9][0-9]' "a 100 KB cookie is refused with 4xx"
long=$("$T_PY" -c 'print("/a" * 40000)')
req GET "$KV_URL$long"
check_status '4[0-9][0-9]' "an 80 KB path is refused with 4xx"
req GET "$KV_URL/healthz"
check_status 200 "the server still answers after oversized headers"

# --- malformed requests on the wire -------------------------------------------------
# raw REQUEST [body]: sends REQUEST (printf escapes) on a fresh connection
# and prints the status line ("(closed)" when nothing came back), or with
# "body" the number of bytes after the response's headers.
raw() {
	printf "$1" | "$T_PY" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR)
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except (socket.timeout, ConnectionResetError):
    pass
if sys.argv[2] == "body":
    print(len(data.split(b"\r\n\r\n", 1)[1]) if b"\r\n\r\n" in data else -1)
else:
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    print(line if line else "(closed)")' "$KV_PORT" "${2:-status}"
}
check_eq "$(raw 'HEAD /static/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' body)" 0 \
	"HEAD sends no body"
check_eq "$(raw 'HEAD /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' body)" 0 \
	"HEAD /login sends no body"
check_match "$(raw 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')" \
	'^HTTP/1.1 200' "a raw well-formed request gets 200"
check_match "$(raw 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n')" \
	'^HTTP/1.1 400|^\(closed\)' "HTTP/1.1 without Host is refused"
check_match "$(raw 'GARBAGE\r\n\r\n')" '^HTTP/1.[01] 4[0-9][0-9]|^\(closed\)' \
	"a garbage request line is refused"
check_match "$(raw 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n')" \
	'^HTTP/1.[01] (4[0-9][0-9]|505)|^\(closed\)' "an unknown HTTP version is refused"
check_match "$(raw 'POST /api/v1/units HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n')" \
	'^HTTP/1.1 4[0-9][0-9]|^\(closed\)' "a negative Content-Length is refused"
check_match "$(raw 'POST /api/v1/units HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n')" \
	'^HTTP/1.1 4[0-9][0-9]|^\(closed\)' "an absurd Content-Length is refused"
check_match "$(raw 'POST /api/v1/units HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n\r\n')" \
	'^HTTP/1.1 4[0-9][0-9]|^\(closed\)' "a bad chunk size is refused"
req GET "$KV_URL/healthz"
check_status 200 "the server still answers after malformed requests"

kv_finish
