#!/bin/sh
# tools/check-triage-data.sh - checks the project's labelled triage sets
# (data/triage/kanalvakt-*.tsv, docs/TRIAGE.md): every line that is not
# empty or a "#" comment has three tab-separated fields — a language (nb,
# nn, sv, da, en), classes (comma-separated names from src/text/triage.h,
# abuse always with a ground as abuse:GROUND) and a non-empty text — and
# no class appears twice on a line.  Prints each bad line and the counts
# per file and language; exit status 1 when any line is bad.
#
#   sh tools/check-triage-data.sh [FILE...]
set -u
cd "$(dirname "$0")/.." || exit 1
[ $# -gt 0 ] || set -- data/triage/kanalvakt-train.tsv \
	data/triage/kanalvakt-test.tsv
awk -F '\t' '
BEGIN {
	split("question factual_error complaint case_request personal_data " \
	      "praise other", c, " ")
	for (i in c) cls[c[i]] = 1
	split("threat hate personal_attack sexual_harassment spam privacy " \
	      "incitement child_abuse violence terrorism copyright " \
	      "other_unlawful", g, " ")
	for (i in g) ground[g[i]] = 1
	split("nb nn sv da en", l, " ")
	for (i in l) lang[l[i]] = 1
	bad = 0
}
FNR == 1 { file = FILENAME }
/^#/ || /^[ \t]*$/ { next }
{
	why = ""
	if (NF != 3)
		why = "not 3 tab-separated fields"
	else if (!($1 in lang))
		why = "unknown language " $1
	else if ($3 ~ /^[ ]*$/)
		why = "empty text"
	else {
		n = split($2, cl, ",")
		delete seen
		for (i = 1; i <= n && why == ""; i++) {
			name = cl[i]
			if (name ~ /^abuse:/) {
				if (!(substr(name, 7) in ground))
					why = "unknown ground " name
				name = "abuse"
			} else if (!(name in cls))
				why = "unknown class " name
			if (name in seen)
				why = "class twice: " name
			seen[name] = 1
		}
		if (n == 0)
			why = "no class"
	}
	if (why != "") {
		printf "%s:%d: %s\n", FILENAME, FNR, why
		bad++
	} else
		count[file " " $1]++
}
END {
	for (k in count)
		print k ": " count[k]
	printf "%d bad lines\n", bad
	exit bad > 0
}' "$@"
