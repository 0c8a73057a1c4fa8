/* test_vwords.c - Vietnamese number words: numbers 0..999999
 * (every one to 10999, then each thousand with a few groups) read back
 * by a strict parser of our own that encodes the rules of docs/voice.md
 * (mười/mươi, mốt, tư, lăm, linh/lẻ, không trăm), hand-checked forms, every
 * ticket number A001..Z999 in both readings, every counter 1..99, letter
 * names, and the shapes refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/kiosk.h"
#include "voice/vwords.h"

/* The test's own tables (docs/voice.md), not the module's. */
static const char *const DIG[10] = {"không", "một", "hai", "ba", "bốn",
				    "năm", "sáu", "bảy", "tám", "chín"};
static const char *const LET[26] = {
	"a", "bê", "xê", "dê", "e", "ép", "giê", "hát", "i", "gi", "ca", "e lờ", "em mờ",
	"en nờ", "o", "pê", "quy", "e rờ", "ét xì", "tê", "u", "vê", "vê kép", "ích xì", "i dài", "dét",
};

typedef struct {
	char tok[16][16];
	int n, i;
} toks_t;

static void split(const char *s, toks_t *t)
{
	memset(t, 0, sizeof *t);
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *p = strtok(buf, " "); p && t->n < 16; p = strtok(NULL, " "))
		snprintf(t->tok[t->n++], 16, "%s", p);
}

static const char *peek(const toks_t *t, int k)
{
	return t->i + k < t->n ? t->tok[t->i + k] : "";
}

static int digit(const char *w)
{
	for (int d = 0; d < 10; d++)
		if (strcmp(w, DIG[d]) == 0)
			return d;
	return -1;
}

/* One group 0..999; -1 when the words break a rule. lead: a zero hundred
 * may be left out (and must be); south: lẻ instead of linh. */
static int group(toks_t *t, int lead, int south)
{
	int h = -1, v = 0;
	if (digit(peek(t, 0)) >= 0 && strcmp(peek(t, 1), "trăm") == 0) {
		h = digit(peek(t, 0));
		if (lead && h == 0)
			return -1; /* "không trăm" only inside a number */
		t->i += 2;
		v = h * 100;
	} else if (!lead) {
		return -1; /* 1005: "một nghìn không trăm linh năm" */
	}
	const char *w = peek(t, 0);
	if (strcmp(w, south ? "lẻ" : "linh") == 0) {
		int u = digit(peek(t, 1));
		if (h < 0 || u < 1)
			return -1; /* linh only after trăm, then 1..9 by its own name */
		t->i += 2;
		return v + u;
	}
	if (strcmp(w, "mười") == 0) {
		t->i++;
		const char *u = peek(t, 0);
		if (strcmp(u, "lăm") == 0) {
			t->i++;
			return v + 15;
		}
		int d = digit(u);
		if (d == 5 || d == 0)
			return -1; /* "mười năm", "mười không" */
		if (d > 0)
			t->i++;
		return v + 10 + (d > 0 ? d : 0);
	}
	int tens = digit(w);
	if (tens >= 2 && strcmp(peek(t, 1), "mươi") == 0) {
		t->i += 2;
		const char *u = peek(t, 0);
		int d = strcmp(u, "mốt") == 0 ? 1 : strcmp(u, "tư") == 0 ? 4 : strcmp(u, "lăm") == 0 ? 5 : -2;
		if (d == -2) {
			d = digit(u);
			if (d == 1 || d == 4 || d == 5 || d == 0)
				return -1; /* mốt, tư, lăm after mươi */
		}
		if (d > 0)
			t->i++;
		return v + tens * 10 + (d > 0 ? d : 0);
	}
	if (h >= 0)
		return v; /* "hai trăm" */
	int u = digit(w);
	if (u >= 1) {
		t->i++;
		return u;
	}
	return -1;
}

static long parse(const char *s, int south)
{
	toks_t t;
	split(s, &t);
	if (t.n == 1 && strcmp(t.tok[0], "không") == 0)
		return 0;
	long v = group(&t, 1, south);
	if (v < 0)
		return -1;
	if (strcmp(peek(&t, 0), south ? "ngàn" : "nghìn") == 0) {
		t.i++;
		v *= 1000;
		if (t.i < t.n) {
			long r = group(&t, 0, south);
			if (r < 0)
				return -1;
			v += r;
		}
	}
	return t.i == t.n ? v : -1;
}

static void test_every_number(void **state)
{
	(void)state;
	char buf[128];
	for (int south = 0; south <= 1; south++)
		/* Every number to 10999, then each thousand above with a few
		 * of its group forms (0, 5, 15, 105, and one that moves). */
		for (unsigned k = 0, n = 0; n <= VWORDS_MAX; k++) {
			static const unsigned rest[] = {0, 5, 15, 105, 999};
			n = k < 11000 ? k
			    : (k - 11000) / 6 * 1000 + 11000 +
				      ((k - 11000) % 6 < 5 ? rest[(k - 11000) % 6] : (k * 37) % 1000);
			if (n > VWORDS_MAX)
				break;
			assert_int_equal(vwords_number(n, south ? VWORDS_SOUTH : VWORDS_NORTH, buf, sizeof buf),
					 KIOSK_OK);
			if (parse(buf, south) != (long)n)
				fail_msg("%u (%s): \"%s\" breaks the rules (read back %ld)", n,
					 south ? "south" : "north", buf, parse(buf, south));
		}
}

static void test_the_parser_is_strict(void **state)
{
	(void)state;
	/* The oracle must refuse the wrong forms, or the test above proves nothing. */
	const char *bad[] = {"mười năm", "hai mươi một", "hai mươi năm", "hai mươi bốn", "một mươi",
			     "linh năm", "không trăm năm", "một trăm lẻ năm", "mười không", "hai mươi không"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++)
		if (parse(bad[i], 0) != -1)
			fail_msg("the oracle accepts \"%s\"", bad[i]);
	assert_int_equal(parse("một trăm linh năm", 0), 105);
	assert_int_equal(parse("một trăm lẻ năm", 1), 105);
}

static void check(unsigned n, vwords_region_t r, const char *want)
{
	char buf[128];
	assert_int_equal(vwords_number(n, r, buf, sizeof buf), KIOSK_OK);
	if (strcmp(buf, want) != 0)
		fail_msg("%u: \"%s\", expected \"%s\"", n, buf, want);
}

static void test_hand_checked(void **state)
{
	(void)state;
	const struct { unsigned n; const char *w; } north[] = {
		{0, "không"}, {1, "một"}, {3, "ba"}, {4, "bốn"}, {5, "năm"}, {10, "mười"},
		{11, "mười một"}, {14, "mười bốn"}, {15, "mười lăm"}, {19, "mười chín"},
		{20, "hai mươi"}, {21, "hai mươi mốt"}, {24, "hai mươi tư"}, {25, "hai mươi lăm"},
		{31, "ba mươi mốt"}, {55, "năm mươi lăm"}, {99, "chín mươi chín"},
		{100, "một trăm"}, {101, "một trăm linh một"}, {104, "một trăm linh bốn"},
		{105, "một trăm linh năm"}, {110, "một trăm mười"}, {115, "một trăm mười lăm"},
		{121, "một trăm hai mươi mốt"}, {999, "chín trăm chín mươi chín"},
		{1000, "một nghìn"}, {1005, "một nghìn không trăm linh năm"},
		{1015, "một nghìn không trăm mười lăm"}, {1050, "một nghìn không trăm năm mươi"},
		{2024, "hai nghìn không trăm hai mươi tư"}, {10000, "mười nghìn"},
		{15500, "mười lăm nghìn năm trăm"}, {21001, "hai mươi mốt nghìn không trăm linh một"},
		{999999, "chín trăm chín mươi chín nghìn chín trăm chín mươi chín"},
	};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(north); i++)
		check(north[i].n, VWORDS_NORTH, north[i].w);
	check(105, VWORDS_SOUTH, "một trăm lẻ năm");
	check(1005, VWORDS_SOUTH, "một ngàn không trăm lẻ năm");
	check(24, VWORDS_SOUTH, "hai mươi tư");
}

static void test_limits(void **state)
{
	(void)state;
	char buf[128], small[8];
	assert_int_equal(vwords_number(VWORDS_MAX + 1, VWORDS_NORTH, buf, sizeof buf), KIOSK_ERANGE);
	assert_string_equal(buf, "");
	assert_int_equal(vwords_number(105, VWORDS_NORTH, small, sizeof small), KIOSK_ERANGE);
	assert_string_equal(small, "");
	assert_null(vwords_digit(10));
	assert_null(vwords_digit(-1));
	assert_string_equal(vwords_digit(7), "bảy");
}

static void test_every_ticket(void **state)
{
	(void)state;
	for (int l = 0; l < 26; l++)
		for (int n = 1; n <= 999; n++) {
			char num[16];
			snprintf(num, sizeof num, "%c%03d", 'A' + l, n);
			vwords_list_t w;
			assert_int_equal(vwords_ticket(num, VWORDS_TICKET_DIGITS, VWORDS_NORTH, &w), KIOSK_OK);
			assert_int_equal(w.count, 4);
			assert_string_equal(w.item[0], LET[l]);
			for (int k = 0; k < 3; k++)
				if (strcmp(w.item[1 + k], DIG[num[1 + k] - '0']) != 0)
					fail_msg("%s: item %d \"%s\"", num, k + 1, w.item[1 + k]);
			assert_int_equal(vwords_ticket(num, VWORDS_TICKET_WHOLE, VWORDS_NORTH, &w), KIOSK_OK);
			assert_int_equal(w.count, 2);
			assert_string_equal(w.item[0], LET[l]);
			if (parse(w.item[1], 0) != n)
				fail_msg("%s: whole \"%s\"", num, w.item[1]);
		}
	vwords_list_t w;
	assert_int_equal(vwords_ticket("A012", VWORDS_TICKET_WHOLE, VWORDS_NORTH, &w), KIOSK_OK);
	assert_string_equal(w.item[1], "mười hai");
	assert_int_equal(vwords_ticket("Đ105", VWORDS_TICKET_WHOLE, VWORDS_SOUTH, &w), KIOSK_OK);
	assert_string_equal(w.item[0], "đê");
	assert_string_equal(w.item[1], "một trăm lẻ năm");
	assert_int_equal(vwords_ticket("b7", VWORDS_TICKET_DIGITS, VWORDS_NORTH, &w), KIOSK_OK);
	assert_int_equal(w.count, 2);
	assert_string_equal(w.item[0], "bê");
	assert_int_equal(vwords_ticket("C1234", VWORDS_TICKET_DIGITS, VWORDS_NORTH, &w), KIOSK_OK);
	assert_int_equal(w.count, 5);
}

static void test_refused_tickets(void **state)
{
	(void)state;
	const char *bad[] = {"", "A", "012", "AB12", "A12345", "A01x", "A-12", "@012", "A 12", "Ω12"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++) {
		vwords_list_t w;
		w.count = 99;
		if (vwords_ticket(bad[i], VWORDS_TICKET_DIGITS, VWORDS_NORTH, &w) != KIOSK_EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(w.count, 0);
	}
	vwords_list_t w;
	assert_int_equal(vwords_ticket(NULL, VWORDS_TICKET_DIGITS, VWORDS_NORTH, &w), KIOSK_EINVAL);
}

static void test_every_counter(void **state)
{
	(void)state;
	char buf[128];
	for (unsigned c = 1; c <= 99; c++) {
		assert_int_equal(vwords_number(c, VWORDS_NORTH, buf, sizeof buf), KIOSK_OK);
		assert_int_equal(parse(buf, 0), (long)c);
		/* The forms people mishear, each its own check. */
		assert_null(strstr(buf, "mười năm"));
		assert_null(strstr(buf, "mươi một"));
		assert_null(strstr(buf, "mươi năm"));
		assert_null(strstr(buf, "linh"));
		assert_true(c < 20 || strstr(buf, "mươi"));
		assert_true((c >= 10 && c < 20) == (strstr(buf, "mười") != NULL));
		assert_true(vwords_known(buf));
	}
}

static void test_letters_and_known(void **state)
{
	(void)state;
	for (int l = 0; l < 26; l++) {
		char up[2] = {(char)('A' + l), 0}, lo[2] = {(char)('a' + l), 0};
		assert_string_equal(vwords_letter(up), LET[l]);
		assert_string_equal(vwords_letter(lo), LET[l]);
		assert_true(vwords_known(LET[l]));
	}
	assert_string_equal(vwords_letter("Đ"), "đê");
	assert_string_equal(vwords_letter("ư"), "ư");
	assert_null(vwords_letter("1"));
	assert_null(vwords_letter("AB"));
	assert_null(vwords_letter(NULL));
	assert_true(vwords_known("không"));
	assert_true(vwords_known("mười lăm"));
	assert_true(vwords_known("một trăm lẻ năm"));
	assert_false(vwords_known("mười năm"));
	assert_false(vwords_known("hai mươi một"));
	assert_false(vwords_known("xin chào"));
	assert_false(vwords_known(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_number),
		cmocka_unit_test(test_the_parser_is_strict),
		cmocka_unit_test(test_hand_checked),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_every_ticket),
		cmocka_unit_test(test_refused_tickets),
		cmocka_unit_test(test_every_counter),
		cmocka_unit_test(test_letters_and_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
