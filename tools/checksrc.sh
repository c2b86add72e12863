#!/bin/sh
# tools/checksrc.sh - mechanical style checks on the C sources (after curl's
# checksrc; STYLE-ANCHORS §4.11).
#
#   sh tools/checksrc.sh [DIR_OR_FILE...]      (default: src)
#
# Checks every *.c, *.h and *.def file for:
#  - banned functions: strcpy strcat sprintf vsprintf gets atoi atol strtok
#    system popen, and raw strncpy (use snprintf, strtoll/parse_i64,
#    strtok_r, buf_*); comments and string literals are ignored;
#  - lines longer than 100 columns (tabs count to the next multiple of 8,
#    UTF-8 characters count once);
#  - trailing white space (also a stray CR);
#  - a file that does not open with a comment (its role and invariants).
# Prints one "file:line: problem" per finding and exits 1 when there is any.
set -u
cd "$(dirname "$0")/.." || exit 1

MAXCOL=100
BANNED='strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok|system|popen|strncpy'

files=$(find "${@:-src}" -type f \( -name '*.c' -o -name '*.h' -o -name '*.def' \) |
        LC_ALL=C sort)
if [ -z "$files" ]; then
	echo "checksrc: no C files under ${*:-src}" >&2
	exit 1
fi

# shellcheck disable=SC2086
LC_ALL=C awk -v maxcol="$MAXCOL" -v banned="$BANNED" '
# Blanks out comments and the insides of string and character literals,
# keeping the line structure, so code patterns are matched on code only.
function strip(line,    out, i, c, n) {
	out = ""
	n = length(line)
	for (i = 1; i <= n; i++) {
		c = substr(line, i, 1)
		if (incomment) {
			if (c == "*" && substr(line, i + 1, 1) == "/") {
				incomment = 0
				i++
				out = out "  "
			} else
				out = out " "
		} else if (quote != "") {
			if (c == "\\") {
				out = out "  "
				i++
			} else if (c == quote) {
				quote = ""
				out = out c
			} else
				out = out " "
		} else if (c == "/" && substr(line, i + 1, 1) == "*") {
			incomment = 1
			i++
			out = out "  "
		} else if (c == "/" && substr(line, i + 1, 1) == "/") {
			break
		} else if (c == "\"" || c == "\047") {
			quote = c
			out = out c
		} else
			out = out c
	}
	if (quote != "" && substr(line, n, 1) != "\\")
		quote = ""	# an unterminated literal ends with the line
	return out
}
function columns(line,    i, c, col, n) {
	col = 0
	n = length(line)
	for (i = 1; i <= n; i++) {
		c = substr(line, i, 1)
		if (c == "\t")
			col = int(col / 8) * 8 + 8
		else if (c < "\200" || c > "\277")
			col++	# UTF-8 continuation bytes do not count
	}
	return col
}
function report(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg
	bad++
}
FNR == 1 {
	incomment = 0
	quote = ""
	first = 1
}
{
	line = $0
	if (first && line !~ /^[ \t]*$/) {
		if (line !~ /^\/\*/)
			report("the file does not open with a comment on its role")
		first = 0
	}
	code = strip(line)
	rest = code
	while (match(rest, "(^|[^A-Za-z0-9_])(" banned ")[ \t]*\\(")) {
		fn = substr(rest, RSTART, RLENGTH)
		sub(/^[^A-Za-z_]/, "", fn)
		sub(/[ \t]*\($/, "", fn)
		report("banned function " fn "()")
		rest = substr(rest, RSTART + RLENGTH)
	}
	if (line ~ /[ \t\r]$/)
		report("trailing white space")
	if ((n = columns(line)) > maxcol)
		report("line is " n " columns (max " maxcol ")")
}
END {
	if (bad) {
		printf "checksrc: %d problem(s)\n", bad
		exit 1
	}
}
' $files
