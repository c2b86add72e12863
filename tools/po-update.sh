#!/bin/sh
# po-update.sh - extracts the UI's translatable strings into
# po/kanalvakt.pot and merges them into po/{nb,nn,sv}.po (gettext tools).
#
# Strings are found as: the message argument of tr, tr_sub, html_tr, flash,
# verr_add, valid_oneof, field_text/field_textarea/field_select (label),
# count_row, prop, form_page, and anything wrapped in N_().
set -eu
cd "$(dirname "$0")/.."
xgettext --from-code=UTF-8 --language=C --no-wrap --sort-by-file \
	--package-name=kanalvakt --msgid-bugs-address=kanalvakt \
	--keyword=N_ --keyword=tr:2 --keyword=tr_sub:2 --keyword=tr_lang:2 \
	--keyword=html_tr:2 --keyword=flash:2 --keyword=verr_add:3 \
	--keyword=valid_oneof:5 --keyword=field_text:3 \
	--keyword=field_textarea:3 --keyword=field_select:3 \
	--keyword=count_row:2 --keyword=prop:2 --keyword=form_page:2 \
	--keyword=table_begin:2 \
	-o po/kanalvakt.pot src/*/*.c
for l in nb nn sv; do
	if [ -s "po/$l.po" ]; then
		msgmerge --quiet --no-wrap --update --backup=none "po/$l.po" po/kanalvakt.pot
	else
		msginit --no-translator --no-wrap --locale="$l" \
			--input=po/kanalvakt.pot --output-file="po/$l.po"
	fi
done
echo "po: $(grep -c '^msgid' po/kanalvakt.pot) messages"
