#!/bin/sh
# tools/deps.sh - installs every Debian 12 package needed to build and test
# kanalvakt (POSIX sh); `make deps` and .ci/run call it, and `make check`
# when something is missing.  With --build only what building and running
# needs (what `make run` calls on a fresh machine).
#
# Idempotent: packages already installed are left alone, and when nothing
# is missing apt is not touched at all (no network needed).  Otherwise it
# runs `apt-get update` once and `apt-get install -y` for what is missing,
# non-interactively.  Runs as root, or through sudo when not root.
#
# node and npm: when both commands already exist (e.g. Node 20 + npm 11
# from NodeSource, outside Debian's npm) they are used as they are -
# installing Debian's npm next to them could break them.
set -eu

# what building and running needs (`make run`: `tools/deps.sh --build`)
PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev
libsqlite3-dev sqlite3 libpq-dev libsodium-dev libunistring-dev
libcurl4-openssl-dev ca-certificates libxml2-dev libstemmer-dev
libarchive-dev libpcre2-dev zlib1g-dev"
if [ "${1:-}" = --build ]; then
	BUILD_ONLY=1
else
	BUILD_ONLY=
	# what testing adds
	# python3-aiosmtpd: the SMTP server of tests/http/93_notify.sh
	# python3-yaml: tests/lib/replay.py reads VCR cassettes
	# libxml2-utils: xmllint for schema checks
	PKGS="$PKGS postgresql tidy chromium clang libclang-rt-14-dev curl python3
gettext cppcheck clang-format valgrind python3-aiosmtpd python3-yaml
libxml2-utils"
fi

if [ -n "$BUILD_ONLY" ]; then
	:
elif command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	echo "deps: node $(node --version) and npm $(npm --version) found; not installing nodejs/npm"
else
	PKGS="$PKGS nodejs npm"
fi

if [ "$(id -u)" = 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "deps: not root and no sudo: cannot install packages" >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: apt-get not found: this script is for Debian 12 (bookworm)" >&2
	exit 1
fi
if [ -r /etc/os-release ]; then
	. /etc/os-release
	if [ "${ID:-}" != debian ] || [ "${VERSION_ID:-}" != 12 ]; then
		echo "deps: warning: written for Debian 12, this is ${PRETTY_NAME:-unknown}" >&2
	fi
fi

missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $st in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "deps: all packages are installed"
	exit 0
fi

echo "deps: installing:$missing"
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
echo "deps: done"
