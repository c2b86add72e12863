#!/bin/sh
# tests/lib/pg.sh - a throwaway PostgreSQL server for the tests (POSIX sh).
#
# Starts Debian's PostgreSQL (/usr/lib/postgresql/*/bin) in a fresh temp
# dir on 127.0.0.1 with a free port: trust auth for loopback (and the
# private Unix socket in that dir) only, superuser "kv", fsync off.  As root
# the server runs as the postgres user (the dir is chowned to it).
#
# As a library (". tests/lib/pg.sh"):
#   pg_start        start; exports KV_PG_DIR, KV_PG_PORT, KV_PG_BASE
#                   (postgresql://kv@127.0.0.1:PORT) and KV_PG_URL
#                   (…/kanalvakt_test, created); non-zero when it cannot
#   pg_createdb N   drop and create database N; prints its libpq URL
#   pg_psql N ARGS  psql on database N as the superuser
#   pg_stop         stop the server and remove the dir (safe to repeat)
# KV_PG_BINDIR names another server bin dir (with initdb and pg_ctl).
# The caller traps EXIT/INT/TERM to call pg_stop.  As a second guard a
# watchdog stops the server when the process that started it is gone, and
# pg_start first removes leftovers of earlier runs whose owner died.
#
# As a command:
#   sh tests/lib/pg.sh start         prints "export KV_PG_…=…" lines (eval)
#   sh tests/lib/pg.sh createdb NAME prints the URL  (needs KV_PG_DIR)
#   sh tests/lib/pg.sh stop                           (needs KV_PG_DIR)
# (as a command the owner is the parent shell, so the server lives until
# `stop`, or until that shell exits.)

pg_log() {
	printf 'pg.sh: %s\n' "$*" >&2
}

# pg_bindir: $KV_PG_BINDIR when set, else the newest installed server's
# bin dir.
pg_bindir() {
	if [ -n "${KV_PG_BINDIR:-}" ]; then
		[ -x "$KV_PG_BINDIR/initdb" ] && [ -x "$KV_PG_BINDIR/pg_ctl" ] &&
			printf '%s\n' "$KV_PG_BINDIR"
		return
	fi
	for pg_b in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		if [ -x "$pg_b/initdb" ] && [ -x "$pg_b/pg_ctl" ]; then
			printf '%s\n' "$pg_b"
			return 0
		fi
	done
	pg_b=$(command -v initdb 2>/dev/null) && [ -n "$pg_b" ] &&
		printf '%s\n' "$(dirname "$pg_b")" && return 0
	return 1
}

# pg_as_owner CMD…: runs CMD as the server's user (postgres when root).
pg_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_free_port() {
	py=python3
	[ -x /usr/bin/python3 ] && py=/usr/bin/python3
	"$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Stops and removes the dirs of earlier runs whose owner process is gone.
pg_reap() {
	for pg_d in "${TMPDIR:-/tmp}"/kv-pg.*; do
		[ -d "$pg_d" ] || continue
		pg_o=$(cat "$pg_d/owner" 2>/dev/null)
		if [ -n "$pg_o" ] && kill -0 "$pg_o" 2>/dev/null; then
			continue
		fi
		# an owner file is written right after mktemp: a dir without one
		# younger than a minute may be a run that is just starting
		if [ -z "$pg_o" ] && [ -n "$(find "$pg_d" -maxdepth 0 -mmin -1 2>/dev/null)" ]; then
			continue
		fi
		pg_log "removing leftover $pg_d"
		pg_kill_dir "$pg_d"
	done
}

# pg_kill_dir DIR: stops a server whose data dir is DIR/data; removes DIR.
pg_kill_dir() {
	if [ -f "$1/data/postmaster.pid" ]; then
		pg_pid=$(head -n 1 "$1/data/postmaster.pid")
		pg_bin=$(pg_bindir) &&
			pg_as_owner "$pg_bin/pg_ctl" -D "$1/data" -m immediate -w -t 20 stop >/dev/null 2>&1
		if [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null; then
			kill -9 "$pg_pid" 2>/dev/null
		fi
	fi
	rm -rf "$1"
}

pg_start() {
	pg_bin=$(pg_bindir) || {
		pg_log "no PostgreSQL server found (/usr/lib/postgresql/*/bin/initdb); install postgresql"
		return 1
	}
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		pg_log "running as root but there is no postgres user"
		return 1
	fi
	pg_reap
	KV_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kv-pg.XXXXXX") || return 1
	echo "${PG_OWNER:-$$}" >"$KV_PG_DIR/owner"
	chmod 755 "$KV_PG_DIR"
	mkdir "$KV_PG_DIR/data" "$KV_PG_DIR/run"
	if [ "$(id -u)" = 0 ]; then
		chown -R postgres: "$KV_PG_DIR/data" "$KV_PG_DIR/run"
		: >"$KV_PG_DIR/log"
		chown postgres: "$KV_PG_DIR/log"
	fi
	if ! pg_as_owner "$pg_bin/initdb" -D "$KV_PG_DIR/data" -U kv -A trust \
		-E UTF8 --locale=C.UTF-8 --no-instructions >"$KV_PG_DIR/initdb.log" 2>&1 &&
		! pg_as_owner "$pg_bin/initdb" -D "$KV_PG_DIR/data" -U kv -A trust \
			-E UTF8 --locale=C >"$KV_PG_DIR/initdb.log" 2>&1; then
		pg_log "initdb failed:"
		cat "$KV_PG_DIR/initdb.log" >&2
		pg_stop
		return 1
	fi
	# loopback and the private socket only, no password
	pg_as_owner sh -c "cat >'$KV_PG_DIR/data/pg_hba.conf'" <<'EOF'
local all all trust
host  all all 127.0.0.1/32 trust
EOF
	pg_tries=0
	while :; do
		pg_tries=$((pg_tries + 1))
		KV_PG_PORT=$(pg_free_port) || { pg_stop; return 1; }
		if pg_as_owner "$pg_bin/pg_ctl" -D "$KV_PG_DIR/data" -l "$KV_PG_DIR/log" \
			-w -t 60 -o "-c listen_addresses=127.0.0.1 -c port=$KV_PG_PORT \
-c unix_socket_directories=$KV_PG_DIR/run -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB \
-c log_min_messages=warning" start >"$KV_PG_DIR/pg_ctl.log" 2>&1; then
			break
		fi
		if [ "$pg_tries" -ge 3 ]; then
			pg_log "the server did not start:"
			cat "$KV_PG_DIR/pg_ctl.log" "$KV_PG_DIR/log" >&2
			pg_stop
			return 1
		fi
	done
	echo "$KV_PG_PORT" >"$KV_PG_DIR/port"
	KV_PG_BASE="postgresql://kv@127.0.0.1:$KV_PG_PORT"
	export KV_PG_DIR KV_PG_PORT KV_PG_BASE
	pg_watchdog "${PG_OWNER:-$$}"
	KV_PG_URL=$(pg_createdb kanalvakt_test) || { pg_stop; return 1; }
	export KV_PG_URL
	return 0
}

# The watchdog: stops the server when the owner process is gone.  It is a
# fresh exec'd sh so that it holds none of the caller's descriptors (a
# command substitution reading our output would otherwise never end).
pg_watchdog() {
	(exec sh -c '
		trap "" INT HUP
		while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 2; done
		[ -d "$2" ] || exit 0
		if [ -f "$2/data/postmaster.pid" ]; then
			p=$(head -n 1 "$2/data/postmaster.pid")
			kill -QUIT "$p"
			i=0
			while kill -0 "$p" && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
			kill -9 "$p"
		fi
		rm -rf "$2"' kv-pg-watchdog "$1" "$KV_PG_DIR") </dev/null >/dev/null 2>&1 &
}

pg_psql() {
	pg_db=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$KV_PG_PORT" -U kv -d "$pg_db" "$@"
}

pg_createdb() {
	case $1 in
	'' | *[!a-z0-9_]*)
		pg_log "createdb: bad name '$1' (use [a-z0-9_])"
		return 1
		;;
	esac
	[ -n "${KV_PG_PORT:-}" ] || KV_PG_PORT=$(cat "$KV_PG_DIR/port" 2>/dev/null)
	if ! pg_psql postgres -c "DROP DATABASE IF EXISTS \"$1\"" -c "CREATE DATABASE \"$1\"" >/dev/null 2>"$KV_PG_DIR/createdb.err"; then
		pg_log "createdb $1 failed:"
		cat "$KV_PG_DIR/createdb.err" >&2
		return 1
	fi
	printf 'postgresql://kv@127.0.0.1:%s/%s\n' "$KV_PG_PORT" "$1"
}

pg_stop() {
	if [ -n "${KV_PG_DIR:-}" ] && [ -d "$KV_PG_DIR" ]; then
		case $KV_PG_DIR in
		*/kv-pg.*) pg_kill_dir "$KV_PG_DIR" ;;
		esac
	fi
	KV_PG_DIR=
}

# As a command.
case ${0##*/} in
pg.sh)
	case ${1:-} in
	start)
		PG_OWNER=$PPID
		pg_start >&2 || exit 1
		printf 'export KV_PG_DIR=%s KV_PG_PORT=%s KV_PG_BASE=%s KV_PG_URL=%s\n' \
			"$KV_PG_DIR" "$KV_PG_PORT" "$KV_PG_BASE" "$KV_PG_URL"
		;;
	createdb)
		[ -n "${KV_PG_DIR:-}" ] || { pg_log "KV_PG_DIR is not set"; exit 2; }
		pg_createdb "$2"
		;;
	stop)
		pg_stop
		;;
	*)
		echo "usage: sh tests/lib/pg.sh start | createdb NAME | stop" >&2
		exit 2
		;;
	esac
	;;
esac
