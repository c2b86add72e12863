#!/bin/sh
# tools/checkhtml.sh - the escaping linter (STYLE-ANCHORS §3.1, §4.5; after
# Fossil's codecheck1).
#
#   sh tools/checkhtml.sh [DIR_OR_FILE...]     (default: src)
#
# HTML is written only through src/web/html.c.  Its one raw entry point,
# html_lit_(), may be reached only through the html_lit() macro, and
# html_lit() takes string literals only.  This script fails when:
#  - html_lit_( appears outside src/web/html.c (web.h may declare it and
#    define the macro);
#  - the second argument of html_lit( is anything but one or more adjacent
#    string literals (a variable, a call, a ternary...).  A macro counts as
#    a literal only when the scanned files #define it as exactly one string
#    literal (e.g. KV_VERSION).
# The macro already makes a non-literal a compile error ("" s ""); this
# check also catches macros that expand to literals and keeps the rule
# visible in review.  Comments are ignored.  Prints "file:line: problem";
# exits 1 when there is any.
set -u
cd "$(dirname "$0")/.." || exit 1

files=$(find "${@:-src}" -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
if [ -z "$files" ]; then
	echo "checkhtml: no C files under ${*:-src}" >&2
	exit 1
fi

# the names #defined as one string literal, e.g. #define KV_VERSION "0.1.0"
# shellcheck disable=SC2086
consts=$(LC_ALL=C sed -n \
	's/^#[ \t]*define[ \t]\{1,\}\([A-Z_][A-Z0-9_]*\)[ \t]\{1,\}"[^"\\]*"[ \t]*$/\1/p' \
	$files | sort -u | tr '\n' ' ')

# shellcheck disable=SC2086
LC_ALL=C awk -v consts="$consts" '
function report(file, line, msg) {
	printf "%s:%d: %s\n", file, line, msg
	bad++
}
# 1 when arg is only string literals and literal macros, with white space.
function literal_only(arg,    tok) {
	while (arg != "") {
		if (match(arg, /^[ \t\n]+/) ||
		    match(arg, /^"([^"\\\n]|\\.)*"/)) {
			arg = substr(arg, RLENGTH + 1)
			continue
		}
		if (match(arg, /^[A-Z_][A-Z0-9_]*/)) {
			tok = substr(arg, 1, RLENGTH)
			if (index(" " consts " ", " " tok " ") == 0)
				return 0
			arg = substr(arg, RLENGTH + 1)
			continue
		}
		return 0
	}
	return 1
}
# Each file is read whole (lines joined with \n) and scanned once.
function scan(file, text,    i, n, c, line, incomment, quote, depth, arg,
              start, argline, comma, inlit, j, d) {
	n = length(text)
	line = 1
	incomment = 0
	quote = ""
	for (i = 1; i <= n; i++) {
		c = substr(text, i, 1)
		if (c == "\n") {
			line++
			continue
		}
		if (incomment) {
			if (c == "*" && substr(text, i + 1, 1) == "/") {
				incomment = 0
				i++
			}
			continue
		}
		if (quote != "") {
			if (c == "\\")
				i++
			else if (c == quote)
				quote = ""
			continue
		}
		if (c == "/" && substr(text, i + 1, 1) == "*") {
			incomment = 1
			i++
			continue
		}
		if (c == "/" && substr(text, i + 1, 1) == "/") {
			while (i <= n && substr(text, i, 1) != "\n")
				i++
			line++
			continue
		}
		if (c == "\"" || c == "\047") {
			quote = c
			continue
		}
		if (c == "#") {
			# preprocessor lines (the macro definition) are not calls
			j = i - 1
			while (j >= 1 && substr(text, j, 1) ~ /[ \t]/)
				j--
			if (j < 1 || substr(text, j, 1) == "\n") {
				while (i <= n && substr(text, i, 1) != "\n")
					i++
				line++
				continue
			}
		}
		if (c !~ /[a-z]/ || (i > 1 && substr(text, i - 1, 1) ~ /[A-Za-z0-9_]/))
			continue
		if (substr(text, i, 10) == "html_lit_(" ||
		    substr(text, i, 9) == "html_lit_" &&
		    substr(text, i + 9) ~ /^[ \t\n]*\(/) {
			if (file !~ /(^|\/)src\/web\/html\.c$/ &&
			    !(file ~ /(^|\/)src\/web\/web\.h$/ &&
			      substr(text, i - 5, 5) == "void "))
				report(file, line, "html_lit_() called directly; " \
				       "use html_lit(r, \"literal\")")
			i += 8
			continue
		}
		if (substr(text, i, 8) != "html_lit" ||
		    substr(text, i + 8) !~ /^[ \t\n]*\(/)
			continue
		# a call of html_lit: find the top-level comma and the closing
		# parenthesis, then look at the second argument
		start = line
		j = i + 8
		while (substr(text, j, 1) != "(")
			j++
		depth = 1
		comma = 0
		arg = ""
		inlit = ""
		for (j = j + 1; j <= n && depth > 0; j++) {
			d = substr(text, j, 1)
			if (d == "\n")
				line++
			if (inlit != "") {
				if (d == "\\") {
					arg = arg d substr(text, j + 1, 1)
					j++
					continue
				}
				if (d == inlit)
					inlit = ""
			} else if (d == "\"" || d == "\047") {
				inlit = d
			} else if (d == "(") {
				depth++
			} else if (d == ")") {
				if (--depth == 0)
					break
			} else if (d == "," && depth == 1 && !comma) {
				comma = 1
				continue
			}
			if (comma)
				arg = arg d
		}
		i = j
		gsub(/\\\n/, "", arg)
		if (!comma)
			report(file, start, "html_lit() without a second argument")
		else if (arg ~ /^[ \t\n]*$/ || !literal_only(arg))
			report(file, start, "html_lit() with a non-literal " \
			       "argument:" arg)
	}
}
FNR == 1 && NR > 1 {
	scan(prev, buf)
	buf = ""
}
{
	buf = buf $0 "\n"
	prev = FILENAME
}
END {
	if (NR > 0)
		scan(prev, buf)
	if (bad) {
		printf "checkhtml: %d problem(s)\n", bad
		exit 1
	}
}
' $files
