# tests/lib/server.sh - start a real kanalvakt on loopback for one HTTP test
# file (POSIX sh, sourced after tests/lib/t.sh).
#
#   kv_setup        fresh database ($KV_TEST_DB = sqlite | pg), migrate,
#                   load the demo, serve on 127.0.0.1:<free port> with two
#                   threads and wait for GET /healthz = 200.  Sets:
#                     KV_BIN      $KV_BUILD/kanalvakt (KV_BUILD: build)
#                     KV_DB_URL   sqlite:FILE or postgresql://…
#                     KV_URL      http://127.0.0.1:PORT (KV_PORT)
#                     KV_ADMIN_EMAIL, KV_PW  the demo admin (every demo
#                                 person shares the password)
#                   and traps EXIT to stop the server and clean up.
#   kv_cli ARGS…    kanalvakt --db $KV_DB_URL ARGS…, stderr to the log
#   kv_token EMAIL  a new API token for EMAIL (via the CLI)
#   kv_sql SQL      run SQL directly on the test database (sqlite3/psql)
#   kv_finish       stop the server, fail when a sanitizer reported
#                   anything, print the summary (t_done) - call it last
# Sessions (curl cookie jars):
#   kv_login EMAIL PASSWORD JAR   log in through the form; 0 on 303
#   kv_page_csrf JAR              the session's CSRF token from a page
#   kv_form_post JAR PATH N=V…    POST a form with the session's _csrf
#   jar_get JAR NAME              a cookie's value
#
# For PostgreSQL the database comes from the server tests/run.sh started
# (KV_PG_DIR/KV_PG_PORT); run alone, a file starts its own via pg.sh.
# Logs (server stderr, CLI stderr) are kept in $KV_LOG_DIR when set.

KV_BUILD=${KV_BUILD:-build}
KV_TEST_DB=${KV_TEST_DB:-sqlite}
KV_ROOT=${KV_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
case $KV_BUILD in
/*) KV_BIN=$KV_BUILD/kanalvakt ;;
*) KV_BIN=$KV_ROOT/$KV_BUILD/kanalvakt ;;
esac
KV_SERVER_PID=
KV_OWN_PG=
KV_SERVER_LOG=$T_DIR/server.log
KV_CLI_LOG=$T_DIR/cli.log
: >"$KV_SERVER_LOG"
: >"$KV_CLI_LOG"

kv_free_port() {
	"$T_PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

kv_cli() {
	"$KV_BIN" --db "$KV_DB_URL" "$@" 2>>"$KV_CLI_LOG"
}

kv_token() {
	kv_cli token create "$1" | tail -n 1
}

kv_sql() {
	case $KV_DB_URL in
	# wait up to 10 s for the server's write lock (its scheduler writes)
	sqlite:*) sqlite3 -bail -cmd '.timeout 10000' "${KV_DB_URL#sqlite:}" "$1" ;;
	*) psql -X -q -At -v ON_ERROR_STOP=1 "$KV_DB_URL" -c "$1" ;;
	esac
}

# Name of this suite's database: the file name plus the process id.
kv_dbname() {
	n=$(basename "$0" .sh | tr -c 'a-z0-9_\n' '_')
	printf 'kv_%s_%s\n' "$n" "$$"
}

kv_setup() {
	if [ ! -x "$KV_BIN" ]; then
		fail "the binary $KV_BIN exists" "build it first (make, or make asan)"
		kv_finish
		exit 1
	fi
	trap 'kv_cleanup' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	case $KV_TEST_DB in
	sqlite)
		KV_DB_URL=sqlite:$T_DIR/kanalvakt.db
		;;
	pg)
		if [ -z "${KV_PG_DIR:-}" ]; then
			. "$KV_ROOT/tests/lib/pg.sh"
			pg_start >&2 || {
				fail "PostgreSQL starts" "see the messages above"
				kv_finish
				exit 1
			}
			KV_OWN_PG=1
		fi
		. "$KV_ROOT/tests/lib/pg.sh"
		KV_DB_URL=$(pg_createdb "$(kv_dbname)") || {
			fail "a fresh PostgreSQL database" "createdb failed"
			kv_finish
			exit 1
		}
		;;
	*)
		fail "KV_TEST_DB is sqlite or pg" "got '$KV_TEST_DB'"
		kv_finish
		exit 1
		;;
	esac
	export KV_DB_URL

	if ! kv_cli migrate >"$T_DIR/migrate.out"; then
		fail "kanalvakt migrate" "$(cat "$T_DIR/migrate.out" "$KV_CLI_LOG")"
		kv_finish
		exit 1
	fi
	if ! kv_cli demo >"$T_DIR/demo.out"; then
		fail "kanalvakt demo" "$(cat "$T_DIR/demo.out" "$KV_CLI_LOG")"
		kv_finish
		exit 1
	fi
	KV_ADMIN_EMAIL=$(sed -n 's/^ *e-mail: *\([^ ]*\).*/\1/p' "$T_DIR/demo.out")
	KV_PW=$(sed -n 's/^ *password: *\([^ ]*\).*/\1/p' "$T_DIR/demo.out")
	if [ -z "$KV_ADMIN_EMAIL" ] || [ -z "$KV_PW" ]; then
		fail "kanalvakt demo prints the admin's e-mail and password" "$(cat "$T_DIR/demo.out")"
		kv_finish
		exit 1
	fi

	kv_tries=0
	while :; do
		kv_tries=$((kv_tries + 1))
		KV_PORT=$(kv_free_port)
		KV_URL=http://127.0.0.1:$KV_PORT
		"$KV_BIN" --db "$KV_DB_URL" serve --listen "127.0.0.1:$KV_PORT" \
			--threads 2 </dev/null >>"$KV_SERVER_LOG" 2>&1 &
		KV_SERVER_PID=$!
		kv_i=0
		kv_up=
		while [ "$kv_i" -lt 100 ]; do
			if ! kill -0 "$KV_SERVER_PID" 2>/dev/null; then
				break
			fi
			kv_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$KV_URL/healthz" 2>/dev/null)
			if [ "$kv_code" = 200 ]; then
				kv_up=1
				break
			fi
			sleep 0.1
			kv_i=$((kv_i + 1))
		done
		[ -n "$kv_up" ] && break
		kv_stop_server
		KV_SERVER_RC=
		if [ "$kv_tries" -ge 3 ]; then
			fail "the server answers GET /healthz with 200" "$(tail -n 30 "$KV_SERVER_LOG")"
			kv_finish
			exit 1
		fi
	done
	export KV_URL KV_ADMIN_EMAIL KV_PW
}

kv_stop_server() {
	[ -n "$KV_SERVER_PID" ] || return 0
	if kill -0 "$KV_SERVER_PID" 2>/dev/null; then
		kill -TERM "$KV_SERVER_PID" 2>/dev/null
		kv_i=0
		while kill -0 "$KV_SERVER_PID" 2>/dev/null && [ "$kv_i" -lt 100 ]; do
			sleep 0.1
			kv_i=$((kv_i + 1))
		done
		if kill -0 "$KV_SERVER_PID" 2>/dev/null; then
			echo "server.sh: the server did not stop on SIGTERM; killing it" >>"$KV_SERVER_LOG"
			kill -KILL "$KV_SERVER_PID" 2>/dev/null
		fi
	fi
	wait "$KV_SERVER_PID" 2>/dev/null
	KV_SERVER_RC=$?
	KV_SERVER_PID=
	return 0
}

# kv_finish: stop the server, check the logs, print the summary.
kv_finish() {
	kv_stop_server
	if [ -n "${KV_SERVER_RC:-}" ] && [ "$KV_SERVER_RC" -ne 0 ]; then
		fail "the server exits cleanly on SIGTERM" "exit status $KV_SERVER_RC" \
			"$(tail -n 40 "$KV_SERVER_LOG")"
	fi
	for kv_log in "$KV_SERVER_LOG" "$KV_CLI_LOG"; do
		if grep -Eq 'ERROR: (Address|Leak|Undefined|Thread)Sanitizer|runtime error:' "$kv_log"; then
			fail "no sanitizer report in $(basename "$kv_log")" \
				"$(grep -E -A 30 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$kv_log" | head -n 60)"
		fi
	done
	if [ -n "${KV_LOG_DIR:-}" ] && [ -d "$KV_LOG_DIR" ]; then
		kv_base=$(basename "$0" .sh)
		cp "$KV_SERVER_LOG" "$KV_LOG_DIR/$kv_base.$KV_TEST_DB.server.log" 2>/dev/null
		cp "$KV_CLI_LOG" "$KV_LOG_DIR/$kv_base.$KV_TEST_DB.cli.log" 2>/dev/null
	fi
	t_done
}

kv_cleanup() {
	kv_rc=$?
	trap '' INT TERM # a second signal must not cut the cleanup short
	kv_stop_server
	if [ -n "$KV_OWN_PG" ]; then
		pg_stop
	elif [ "$KV_TEST_DB" = pg ] && [ -n "${KV_DB_URL:-}" ] && [ -z "${KV_KEEP_DB:-}" ]; then
		pg_psql postgres -c "DROP DATABASE IF EXISTS \"${KV_DB_URL##*/}\"" >/dev/null 2>&1
	fi
	t_cleanup
	exit "$kv_rc"
}

# --- sessions ------------------------------------------------------------------

# jar_get JAR NAME: a cookie's value from a curl cookie jar.
jar_get() {
	awk -v n="$2" '$6 == n { v = $7 } END { print v }' "$1" 2>/dev/null
}

# kv_login EMAIL PASSWORD JAR: logs in through the form (GET /login for the
# CSRF cookie, then POST).  0 when it answered 303; H_* hold the POST.
kv_login() {
	rm -f "$3"
	req GET "$KV_URL/login" -c "$3" -b "$3"
	kv_c=$(form_csrf)
	req POST "$KV_URL/login" -c "$3" -b "$3" \
		--data-urlencode "email=$1" --data-urlencode "password=$2" \
		--data-urlencode "_csrf=$kv_c"
	[ "$H_STATUS" = 303 ]
}

# kv_page_csrf JAR: the session's CSRF token, from a logged-in page's form.
kv_page_csrf() {
	req GET "$KV_URL/account" -b "$1"
	form_csrf
}

# kv_form_post JAR PATH [NAME=VALUE…]: POSTs a urlencoded form as the
# session in JAR, with the session's _csrf added.
kv_form_post() {
	fp_j=$1 fp_p=$2
	shift 2
	fp_c=$(kv_page_csrf "$fp_j")
	fp_n=$#
	for fp_f in "$@"; do
		set -- "$@" --data-urlencode "$fp_f"
	done
	shift "$fp_n"
	req POST "$KV_URL$fp_p" -b "$fp_j" "$@" --data-urlencode "_csrf=$fp_c"
}
