/* test_ime.c - the Vietnamese input engine against keystroke tables (generated
 * from Unicode and the placement rules, taken from public engines' suites,
 * and hand-written), plus backspace, buttons, settings and limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain/ime.h"
#include "domain/ime_table.h"
#include "core/text.h"

typedef struct {
	ime_method_t method;
	ime_tone_style_t style;
	char keys[256];
	char expected[512];
	char source[96];
} case_t;

typedef struct {
	case_t *v;
	size_t n, cap;
} cases_t;

static bool parse_method(const char *s, ime_method_t *m)
{
	if (strcmp(s, "telex") == 0)
		*m = IME_TELEX;
	else if (strcmp(s, "vni") == 0)
		*m = IME_VNI;
	else if (strcmp(s, "plain") == 0)
		*m = IME_PLAIN;
	else
		return false;
	return true;
}

/* Load a TSV table (path relative to the repository root); fails the test on
 * any malformed row so a broken table cannot pass silently. */
static void load(cases_t *cs, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	char line[2048];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t len = strlen(line);
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		char *col[6] = {0};
		int nc = 0;
		char *p = line;
		while (nc < 6) {
			col[nc++] = p;
			char *t = strchr(p, '\t');
			if (!t)
				break;
			*t = '\0';
			p = t + 1;
		}
		if (nc < 5)
			fail_msg("%s:%d: expected at least 5 columns", path, lineno);
		if (cs->n == cs->cap) {
			cs->cap = cs->cap ? cs->cap * 2 : 1024;
			cs->v = realloc(cs->v, cs->cap * sizeof *cs->v);
			assert_non_null(cs->v);
		}
		case_t *c = &cs->v[cs->n];
		if (!parse_method(col[0], &c->method))
			fail_msg("%s:%d: bad method %s", path, lineno, col[0]);
		if (strcmp(col[1], "old") == 0)
			c->style = IME_TONE_OLD;
		else if (strcmp(col[1], "new") == 0)
			c->style = IME_TONE_NEW;
		else
			fail_msg("%s:%d: bad tone style %s", path, lineno, col[1]);
		if (strlen(col[2]) >= sizeof c->keys || strlen(col[3]) >= sizeof c->expected ||
		    col[2][0] == '\0')
			fail_msg("%s:%d: keys or text empty or too long", path, lineno);
		strcpy(c->keys, col[2]);
		strcpy(c->expected, col[3]);
		snprintf(c->source, sizeof c->source, "%s", col[4]);
		cs->n++;
	}
	fclose(f);
}

/* Type keys into a fresh engine the way the keyboard does: a key the engine
 * does not take commits the word and is inserted as is. */
static void type(ime_t *ime, const char *keys, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (const char *k = keys; *k; k++) {
		if (!ime_key(ime, *k)) {
			o += ime_commit(ime, out + o, cap - o);
			if (o + 1 < cap) {
				out[o++] = *k;
				out[o] = '\0';
			}
		}
		const char *pre = ime_preedit(ime);
		assert_true(text_is_nfc(pre, strlen(pre)) || pre[0] == '\0');
	}
	o += ime_commit(ime, out + o, cap - o);
}

static size_t run_cases(const cases_t *cs, const char *only_source, bool verbose)
{
	size_t failed = 0;
	char out[1024];
	for (size_t i = 0; i < cs->n; i++) {
		const case_t *c = &cs->v[i];
		if (only_source && strcmp(c->source, only_source) != 0)
			continue;
		ime_t *ime = ime_create(c->method, c->style);
		assert_non_null(ime);
		type(ime, c->keys, out, sizeof out);
		ime_destroy(ime);
		if (strcmp(out, c->expected) != 0) {
			failed++;
			if (verbose)
				print_message("MISMATCH [%s] %s: got \"%s\" expected \"%s\" (%s)\n",
					      c->method == IME_TELEX ? "telex" : c->method == IME_VNI ? "vni" : "plain",
					      c->keys, out, c->expected, c->source);
		}
	}
	return failed;
}

static void check_table(const char *path, size_t min_rows)
{
	cases_t cs = {0};
	load(&cs, path);
	print_message("%s: %zu rows\n", path, cs.n);
	assert_true(cs.n >= min_rows);
	size_t failed = run_cases(&cs, NULL, true);
	free(cs.v);
	assert_int_equal(failed, 0);
}

static void test_generated_table(void **state)
{
	(void)state;
	check_table("tests/unit/data/ime_generated.tsv", 500);
}

static void test_public_suites(void **state)
{
	(void)state;
	check_table("tests/unit/data/ime_public.tsv", 200);
}

static void test_chosen_behaviours(void **state)
{
	(void)state;
	check_table("tests/unit/data/ime_chosen.tsv", 100);
}

/* Swapping any two cells of the tone table must make some rows fail: the
 * cell rows check the exact code point of every base x tone cell. */
static void test_table_swap_detected(void **state)
{
	(void)state;
	cases_t cs = {0};
	load(&cs, "tests/unit/data/ime_generated.tsv");
	/* Keep the small Telex cell rows only (speed). */
	size_t k = 0;
	for (size_t i = 0; i < cs.n; i++)
		if (strcmp(cs.v[i].source, "gen:cell") == 0 && cs.v[i].method == IME_TELEX)
			cs.v[k++] = cs.v[i];
	cs.n = k;
	assert_int_equal(cs.n, IME_V_COUNT * IME_TONE_COUNT);
	assert_int_equal(run_cases(&cs, NULL, true), 0);
	int pairs = 0;
	for (int a = 0; a < IME_V_COUNT * IME_TONE_COUNT; a++)
		for (int b = a + 1; b < IME_V_COUNT * IME_TONE_COUNT; b++) {
			int r1 = a / IME_TONE_COUNT, t1 = a % IME_TONE_COUNT;
			int r2 = b / IME_TONE_COUNT, t2 = b % IME_TONE_COUNT;
			ime_table_swap(r1, t1, r2, t2);
			size_t failed = run_cases(&cs, NULL, false);
			ime_table_swap(r1, t1, r2, t2);
			if (failed < 2)
				fail_msg("swapping cells (%d,%d) and (%d,%d) went unnoticed", r1, t1, r2, t2);
			pairs++;
		}
	assert_int_equal(pairs, 72 * 71 / 2);
	assert_int_equal(run_cases(&cs, NULL, true), 0);
	free(cs.v);
}

static void expect_preedit(ime_t *ime, const char *s)
{
	assert_string_equal(ime_preedit(ime), s);
}

static void keys(ime_t *ime, const char *k)
{
	for (; *k; k++)
		assert_true(ime_key(ime, *k));
}

static void test_backspace(void **state)
{
	(void)state;
	ime_t *ime = ime_create(IME_TELEX, IME_TONE_OLD);
	assert_non_null(ime);
	keys(ime, "as");
	expect_preedit(ime, "á");
	assert_true(ime_backspace(ime));
	expect_preedit(ime, "a"); /* the mark goes before the letter */
	assert_true(ime_backspace(ime));
	expect_preedit(ime, "");
	assert_false(ime_backspace(ime));

	keys(ime, "hoafn");
	expect_preedit(ime, "hoàn");
	assert_true(ime_backspace(ime));
	expect_preedit(ime, "hòa");
	assert_true(ime_backspace(ime));
	expect_preedit(ime, "hoa");
	ime_reset(ime);

	keys(ime, "Doongd");
	expect_preedit(ime, "Đông");
	assert_true(ime_backspace(ime));
	expect_preedit(ime, "Dông");
	assert_true(ime_backspace(ime));
	expect_preedit(ime, "Dôn");
	ime_reset(ime);

	keys(ime, "ass");
	expect_preedit(ime, "as");
	assert_true(ime_backspace(ime)); /* undoing the undo */
	expect_preedit(ime, "á");
	ime_reset(ime);

	keys(ime, "VIEETJ");
	assert_true(ime_backspace(ime));
	expect_preedit(ime, "VIÊT");
	ime_reset(ime);

	keys(ime, "Thuow");
	assert_true(ime_backspace(ime));
	expect_preedit(ime, "Thuo");
	ime_reset(ime);

	keys(ime, "hanhj");
	assert_true(ime_backspace(ime));
	expect_preedit(ime, "hanh");
	ime_destroy(ime);
}

static void test_buttons(void **state)
{
	(void)state;
	ime_t *ime = ime_create(IME_PLAIN, IME_TONE_OLD);
	assert_non_null(ime);
	/* Nothing to apply to. */
	assert_false(ime_can_apply(ime, IME_ACT_TONE_ACUTE));
	assert_false(ime_apply(ime, IME_ACT_TONE_ACUTE));
	keys(ime, "xyz");
	assert_false(ime_can_apply(ime, IME_ACT_CIRCUMFLEX));
	assert_false(ime_apply(ime, IME_ACT_CIRCUMFLEX));
	assert_false(ime_can_apply(ime, IME_ACT_DBAR));
	expect_preedit(ime, "xyz");
	ime_reset(ime);

	keys(ime, "viet");
	assert_true(ime_can_apply(ime, IME_ACT_CIRCUMFLEX));
	assert_false(ime_can_apply(ime, IME_ACT_BREVE));
	assert_true(ime_apply(ime, IME_ACT_CIRCUMFLEX));
	assert_true(ime_apply(ime, IME_ACT_TONE_DOT));
	expect_preedit(ime, "việt");
	/* Remove mark: the tone first, then the letter mark. */
	assert_true(ime_apply(ime, IME_ACT_REMOVE_MARK));
	expect_preedit(ime, "viêt");
	assert_true(ime_apply(ime, IME_ACT_REMOVE_MARK));
	expect_preedit(ime, "viet");
	assert_false(ime_can_apply(ime, IME_ACT_REMOVE_MARK));
	assert_false(ime_apply(ime, IME_ACT_REMOVE_MARK));
	ime_reset(ime);

	keys(ime, "nguoi");
	assert_true(ime_apply(ime, IME_ACT_HORN));
	assert_true(ime_apply(ime, IME_ACT_TONE_GRAVE));
	expect_preedit(ime, "người");
	ime_reset(ime);

	keys(ime, "thuo");
	assert_true(ime_apply(ime, IME_ACT_HORN));
	assert_true(ime_apply(ime, IME_ACT_TONE_HOOK));
	expect_preedit(ime, "thuở");
	ime_reset(ime);

	keys(ime, "dak");
	assert_true(ime_apply(ime, IME_ACT_DBAR));
	assert_true(ime_apply(ime, IME_ACT_BREVE));
	assert_true(ime_apply(ime, IME_ACT_TONE_ACUTE));
	expect_preedit(ime, "đắk");
	/* The same tone again takes it off; another replaces it. */
	assert_true(ime_apply(ime, IME_ACT_TONE_ACUTE));
	expect_preedit(ime, "đăk");
	assert_true(ime_apply(ime, IME_ACT_TONE_TILDE));
	expect_preedit(ime, "đẵk");
	/* Backspace undoes buttons one at a time. */
	assert_true(ime_backspace(ime));
	expect_preedit(ime, "đăk");
	ime_reset(ime);

	/* Tone style is a setting; the word is re-rendered. */
	keys(ime, "hoa");
	assert_true(ime_apply(ime, IME_ACT_TONE_GRAVE));
	expect_preedit(ime, "hòa");
	ime_set_tone_style(ime, IME_TONE_NEW);
	expect_preedit(ime, "hoà");
	ime_set_tone_style(ime, IME_TONE_OLD);
	expect_preedit(ime, "hòa");
	ime_destroy(ime);
}

static void test_method_switch_and_commit(void **state)
{
	(void)state;
	ime_t *ime = ime_create(IME_TELEX, IME_TONE_OLD);
	assert_non_null(ime);
	assert_int_equal(ime_method(ime), IME_TELEX);
	keys(ime, "Vieet");
	ime_set_method(ime, IME_VNI);
	assert_int_equal(ime_method(ime), IME_VNI);
	expect_preedit(ime, "Viêt"); /* letters kept */
	assert_true(ime_key(ime, '5'));
	expect_preedit(ime, "Việt");
	/* Telex: digits and punctuation are word boundaries. */
	ime_set_method(ime, IME_TELEX);
	assert_false(ime_key(ime, '5'));
	assert_false(ime_key(ime, ' '));
	assert_false(ime_key(ime, '\''));
	assert_false(ime_key(ime, '\n'));
	assert_false(ime_key(ime, (char)0xC3));
	ime_set_method(ime, IME_PLAIN);
	assert_false(ime_key(ime, '5'));

	/* Commit truncates at a code point boundary and starts a new word. */
	char buf[6];
	assert_int_equal(ime_commit(ime, buf, sizeof buf), 5); /* "Việt" is 6 bytes */
	assert_string_equal(buf, "Việ");
	expect_preedit(ime, "");
	ime_destroy(ime);

	ime = ime_create(IME_VNI, IME_TONE_OLD);
	assert_non_null(ime);
	keys(ime, "Vie65t");
	assert_int_equal(ime_commit(ime, buf, 4), 2); /* ệ does not fit in 3 bytes */
	assert_string_equal(buf, "Vi");
	ime_destroy(ime);

	ime = ime_create(IME_TELEX, IME_TONE_OLD);
	assert_non_null(ime);
	keys(ime, "Vieetj");
	char big[64];
	assert_int_equal(ime_commit(ime, big, sizeof big), strlen("Việt"));
	assert_string_equal(big, "Việt");
	assert_int_equal(ime_commit(ime, big, sizeof big), 0);
	assert_string_equal(big, "");
	assert_int_equal(ime_commit(ime, NULL, 0), 0);
	ime_destroy(ime);
}

static void test_word_limit(void **state)
{
	(void)state;
	/* A very long word: the engine refuses the key when full, so the
	 * caller commits and inserts it; no key is lost. */
	ime_t *ime = ime_create(IME_TELEX, IME_TONE_OLD);
	assert_non_null(ime);
	char out[256];
	char in[101];
	for (int i = 0; i < 100; i++)
		in[i] = "bcdhklmnpt"[i % 10];
	in[100] = '\0';
	type(ime, in, out, sizeof out);
	assert_int_equal(strlen(out), 100);
	assert_string_equal(out, in);
	/* Backspace still works on a long word after the history ran out. */
	for (int i = 0; i < 200; i++)
		(void)ime_key(ime, (i % 2) ? 's' : 'a');
	size_t guard = 0;
	while (ime_backspace(ime))
		assert_true(++guard < 1000);
	expect_preedit(ime, "");
	ime_destroy(ime);
}

static void test_all_cells_nfc(void **state)
{
	(void)state;
	/* Every cell, small and capital, is one code point that is NFC. */
	for (int r = 0; r < IME_V_COUNT; r++)
		for (int t = 0; t < IME_TONE_COUNT; t++)
			for (int u = 0; u < 2; u++) {
				char buf[8] = "";
				assert_int_equal(text_append_cp(buf, sizeof buf, ime_vowel_cp(r, t, u)), 0);
				assert_int_equal(text_count(buf), 1);
				assert_true(text_is_nfc(buf, strlen(buf)));
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generated_table),
		cmocka_unit_test(test_public_suites),
		cmocka_unit_test(test_chosen_behaviours),
		cmocka_unit_test(test_table_swap_detected),
		cmocka_unit_test(test_backspace),
		cmocka_unit_test(test_buttons),
		cmocka_unit_test(test_method_switch_and_commit),
		cmocka_unit_test(test_word_limit),
		cmocka_unit_test(test_all_cells_nfc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
