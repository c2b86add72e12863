/*
 * test_idnum.c - Nordic identity numbers (src/text/idnum.c): the numbers
 * verified in ../shared/reference/language.md §3, both Norwegian check-
 * digit rules, the variants, and finding numbers in text without false
 * positives on phone numbers, dates, amounts, account and order numbers.
 */
#include "t.h"

#include "../../src/text/idnum.h"

T_TEST(norwegian)
{
	T_EQ_INT(idnum_no("13097248022"), IDNUM_NO_FNR);
	T_EQ_INT(idnum_no("29029648784"), IDNUM_NO_FNR);
	T_EQ_INT(idnum_no("29020075838"), IDNUM_NO_FNR);
	T_EQ_INT(idnum_no("15021951940"), IDNUM_NO_FNR);
	T_EQ_INT(idnum_no("31129956715"), IDNUM_NO_FNR);
	T_EQ_INT(idnum_no("13097248032"), IDNUM_NONE);
	T_EQ_INT(idnum_no("13097248023"), IDNUM_NONE);
	T_EQ_INT(idnum_no("53097248016"), IDNUM_NO_DNR);
	T_EQ_INT(idnum_no("13527248013"), IDNUM_NO_HNR);
	T_EQ_INT(idnum_no("10915596784"), IDNUM_NO_SYNTHETIC);
	T_EQ_INT(idnum_no("68467038838"), IDNUM_NO_DNR);
	T_EQ_INT(idnum_no("1309724802"), IDNUM_NONE); /* short: no NUL read */
	T_EQ_INT(idnum_no("3209724802x"), IDNUM_NONE);
	T_EQ_STR(idnum_kind_name(IDNUM_NO_FNR), "no_fnr");
	/* the 2032 rule: k1 may leave a remainder 1..3; k2 as before */
	{
		/* 010120 001 k1 k2 with (sum1 + k1) % 11 == 2 */
		static const int w1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
		static const int w2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
		char d[12] = "010132001";
		int s1 = 0, s2 = 0, k1, found = 0;
		for (int i = 0; i < 9; i++)
			s1 += w1[i] * (d[i] - '0');
		for (k1 = 0; k1 <= 9 && !found; k1++) {
			if ((s1 + k1) % 11 != 2)
				continue;
			d[9] = (char)('0' + k1);
			s2 = 0;
			for (int i = 0; i < 10; i++)
				s2 += w2[i] * (d[i] - '0');
			for (int k2 = 0; k2 <= 9; k2++)
				if ((s2 + k2) % 11 == 0) {
					d[10] = (char)('0' + k2);
					d[11] = 0;
					found = 1;
				}
		}
		if (T_ASSERT(found))
			T_EQ_INT(idnum_no(d), IDNUM_NO_FNR);
	}
}

T_TEST(swedish_danish)
{
	int m11;
	T_EQ_INT(idnum_se("8112189876"), IDNUM_SE_PNR);
	T_EQ_INT(idnum_se("6408233234"), IDNUM_SE_PNR);
	T_EQ_INT(idnum_se("7010632391"), IDNUM_SE_SAMORDNING);
	T_EQ_INT(idnum_se("1212121212"), IDNUM_SE_PNR);
	T_EQ_INT(idnum_se("1212121213"), IDNUM_NONE);
	T_EQ_INT(idnum_dk("1111111118", &m11), IDNUM_DK_CPR);
	T_EQ_INT(m11, 1);
	T_EQ_INT(idnum_dk("0707614285", &m11), IDNUM_DK_CPR);
	T_EQ_INT(m11, 1);
	T_EQ_INT(idnum_dk("0101651234", &m11), IDNUM_DK_CPR);
	T_EQ_INT(m11, 0);
	T_EQ_INT(idnum_dk("3202651234", &m11), IDNUM_NONE);
	T_EQ_INT(idnum_dk("2902011234", NULL), IDNUM_NONE); /* 1901 */
}

static int
find1(const char *t, enum idnum_kind *k, size_t *s, size_t *e)
{
	struct idnum_hit h[4];
	int n = idnum_find(t, strlen(t), h, 4);
	if (n > 0) {
		*k = h[0].kind;
		*s = h[0].start;
		*e = h[0].end;
	}
	return n;
}

T_TEST(find_in_text)
{
	enum idnum_kind k = IDNUM_NONE;
	size_t s = 0, e = 0;
	T_EQ_INT(find1("Fnr 13097248022, ring meg", &k, &s, &e), 1);
	T_EQ_INT(k, IDNUM_NO_FNR);
	T_EQ_INT(s, 4);
	T_EQ_INT(e, 15);
	T_EQ_INT(find1("mitt nr er 130972 48022.", &k, &s, &e), 1);
	T_EQ_INT(e - s, 12);
	T_EQ_INT(find1("Mitt personnummer är 811218-9876!", &k, &s, &e), 1);
	T_EQ_INT(k, IDNUM_SE_PNR);
	T_EQ_INT(find1("pnr 19811218-9876", &k, &s, &e), 1);
	T_EQ_INT(k, IDNUM_SE_PNR);
	T_EQ_INT(e - s, 13);
	T_EQ_INT(find1("samordningsnummer 701063-2391", &k, &s, &e), 1);
	T_EQ_INT(k, IDNUM_SE_SAMORDNING);
	T_EQ_INT(find1("Mit CPR er 070761-4285", &k, &s, &e), 1);
	T_EQ_INT(k, IDNUM_DK_CPR);
	/* a post-2007 Danish number counts with a context word only */
	T_EQ_INT(find1("cpr-nr. 010165-1234", &k, &s, &e), 1);
	T_EQ_INT(find1("referanse 010165-1234", &k, &s, &e), 0);
	/* not identity numbers */
	T_EQ_INT(find1("Ring +47 912 34 567 eller 22 33 44 55", &k, &s, &e), 0);
	T_EQ_INT(find1("Ring 004791234567", &k, &s, &e), 0);
	T_EQ_INT(find1("Ring +4791234567", &k, &s, &e), 0);
	T_EQ_INT(find1("Møtet er 2024-05-02 kl. 10.15", &k, &s, &e), 0);
	T_EQ_INT(find1("dato 13.09.1972, beløp kr 1 234 567,00", &k, &s, &e),
	         0);
	T_EQ_INT(find1("kontonr 1503.12.34567 eller 15031234567", &k, &s, &e),
	         0);
	T_EQ_INT(find1("Ordrenummer 12345678901 og 20240502123", &k, &s, &e),
	         0);
	T_EQ_INT(find1("sak 2024/13097248022", &k, &s, &e), 0);
	T_EQ_INT(find1("130972480221", &k, &s, &e), 0); /* one digit too many */
	T_EQ_INT(find1("orgnr 974760673, SE 556016-0680", &k, &s, &e), 0);
	T_EQ_INT(find1("", &k, &s, &e), 0);
	{
		struct idnum_hit h[2];
		const char *t = "13097248022 29029648784 15021951940";
		T_EQ_INT(idnum_find(t, strlen(t), h, 2), 3); /* counts all */
		T_EQ_INT(h[1].start, 12);
	}
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(norwegian), T_ENTRY(swedish_danish), T_ENTRY(find_in_text)};
	return T_RUN(tests, argc, argv);
}
