/*
 * lang.c - language identification for short texts among nb, nn, sv, da
 * and en (see lang.h).
 */
#include "lang.h"

#include <string.h>

static const char *const names[LANG__COUNT] = {"nb", "nn", "sv", "da", "en"};

const char *
lang_name(enum lang_code c)
{
	return (int)c >= 0 && c < LANG__COUNT ? names[c] : NULL;
}

int
lang_parse(const char *tag)
{
	char two[3];
	if (tag == NULL || strlen(tag) < 2 ||
	    (tag[2] != '\0' && tag[2] != '-' && tag[2] != '_'))
		return -1;
	two[0] = (char)(tag[0] | 0x20);
	two[1] = (char)(tag[1] | 0x20);
	two[2] = '\0';
	if (strcmp(two, "no") == 0)
		return LANG_NB;
	for (int i = 0; i < LANG__COUNT; i++)
		if (strcmp(two, names[i]) == 0)
			return i;
	return -1;
}
