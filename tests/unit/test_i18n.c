/* test_i18n.c - loading translations (fixture folders), checks across the
 * two languages, lookup, {placeholder} formatting and language codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/i18n.h"
#include "core/kiosk.h"

static char g_root[512];
static int g_case;

/* A fresh fixture folder <TESTS_TMP>/i18n-N with vi/ and en/ inside. */
static const char *new_tree(void)
{
	const char *base = getenv("TESTS_TMP");
	if (!base || !*base)
		base = "/tmp";
	snprintf(g_root, sizeof g_root, "%s/i18n-%ld-%d", base, (long)getpid(), g_case++);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/vi' '%s/en'", g_root, g_root, g_root);
	assert_int_equal(system(cmd), 0);
	return g_root;
}

static void put(const char *lang, const char *file, const char *text)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s/%s", g_root, lang, file);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_load_fixture(void **state)
{
	(void)state;
	i18n_t *t = NULL;
	char err[512];
	int rc = i18n_load("tests/unit/data/i18n/good", &t, err, sizeof err);
	if (rc != KIOSK_OK)
		fail_msg("%s", err);
	assert_non_null(t);
	assert_string_equal(i18n_get(t, LANG_VI, "office.closed"), "Ngoài giờ làm việc");
	assert_string_equal(i18n_get(t, LANG_EN, "office.closed"), "Outside office hours");
	assert_string_equal(i18n_get(t, LANG_EN, "ticket.number"), "Ticket {number}");
	assert_true(i18n_has(t, "ticket.wait"));
	assert_false(i18n_has(t, "ticket.nope"));
	assert_false(i18n_has(t, NULL));
	/* A missing key gives the key itself. */
	assert_string_equal(i18n_get(t, LANG_VI, "ticket.nope"), "ticket.nope");
	assert_string_equal(i18n_get(NULL, LANG_VI, "x.y"), "x.y");
	assert_string_equal(i18n_get(t, LANG_VI, NULL), "");
	i18n_free(t);
	i18n_free(NULL);
}

/* The shipped translations load (every module's files, both languages). */
static void test_shipped(void **state)
{
	(void)state;
	i18n_t *t = NULL;
	char err[512];
	int rc = i18n_load("assets/i18n", &t, err, sizeof err);
	if (rc != KIOSK_OK)
		fail_msg("%s", err);
	assert_string_equal(i18n_get(t, LANG_VI, "common.lang_name"), "Tiếng Việt");
	assert_string_equal(i18n_get(t, LANG_EN, "common.lang_name"), "English");
	i18n_free(t);
}

/* Load the current tree; expect rc and an error containing want (with
 * %R replaced by the tree's root). */
static void expect_error(int want_rc, const char *want)
{
	i18n_t *t = (i18n_t *)&g_case; /* must be reset to NULL */
	char err[1024], full[1024];
	int rc = i18n_load(g_root, &t, err, sizeof err);
	assert_null(t);
	if (rc != want_rc)
		fail_msg("rc %d, want %d (%s)", rc, want_rc, err);
	size_t o = 0;
	for (const char *p = want; *p && o + 1 < sizeof full; p++) {
		if (p[0] == '%' && p[1] == 'R') {
			o += (size_t)snprintf(full + o, sizeof full - o, "%s", g_root);
			p++;
		} else {
			full[o++] = *p;
		}
	}
	full[o < sizeof full ? o : sizeof full - 1] = '\0';
	if (strcmp(err, full) != 0)
		fail_msg("got \"%s\", want \"%s\"", err, full);
}

/* A file whose key k holds n copies of the UTF-8 letter ch. */
static void put_long(const char *lang, const char *key, const char *ch, size_t n)
{
	size_t cl = strlen(ch), cap = strlen(key) + n * cl + 16;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t o = (size_t)snprintf(buf, cap, "{\"%s\":\"", key);
	for (size_t i = 0; i < n; i++, o += cl)
		memcpy(buf + o, ch, cl);
	snprintf(buf + o, cap - o, "\"}");
	put(lang, "m.json", buf);
	free(buf);
}

/* Texts are bounded at load, in characters (not bytes): 400 for any key,
 * 24 for a keyboard key label; the error names the file and the key. */
static void test_lengths(void **state)
{
	(void)state;
	i18n_t *t = NULL;
	char err[1024];
	new_tree();
	put_long("vi", "m.body", "ữ", I18N_MAX_TEXT); /* 1200 bytes, 400 letters */
	put_long("en", "m.body", "a", I18N_MAX_TEXT);
	if (i18n_load(g_root, &t, err, sizeof err) != KIOSK_OK)
		fail_msg("%s", err);
	i18n_free(t);
	new_tree();
	put_long("vi", "m.body", "ữ", I18N_MAX_TEXT);
	put_long("en", "m.body", "a", I18N_MAX_TEXT + 1);
	expect_error(KIOSK_EINVAL, "%R/en/m.json: m.body: 401 characters, more than the 400 "
				   "allowed (docs/conventions.md)");
	new_tree();
	put_long("vi", "ui.help_text", "x", 100000);
	put_long("en", "ui.help_text", "x", 10);
	expect_error(KIOSK_EINVAL, "%R/vi/m.json: ui.help_text: 100000 characters, more than the "
				   "400 allowed (docs/conventions.md)");
	new_tree();
	put_long("vi", "kb.space", "ơ", I18N_MAX_KEY_LABEL);
	put_long("en", "kb.space", "x", I18N_MAX_KEY_LABEL);
	if (i18n_load(g_root, &t, err, sizeof err) != KIOSK_OK)
		fail_msg("%s", err);
	i18n_free(t);
	put_long("en", "kb.space", "x", I18N_MAX_KEY_LABEL + 1);
	expect_error(KIOSK_EINVAL, "%R/en/m.json: kb.space: 25 characters, more than the 24 "
				   "allowed (docs/conventions.md)");
	assert_int_equal(i18n_max_chars("ui.title"), I18N_MAX_TEXT);
	assert_int_equal(i18n_max_chars("kb.shift"), I18N_MAX_KEY_LABEL);
}

static void test_errors(void **state)
{
	(void)state;
	/* Key only in Vietnamese. */
	new_tree();
	put("vi", "m.json", "{\"m.a\":\"A\",\"m.b\":\"B\"}");
	put("en", "m.json", "{\"m.a\":\"A\"}");
	expect_error(KIOSK_EINVAL, "%R/vi/m.json: m.b: missing in English (%R/en)");
	/* Key only in English, in another file. */
	new_tree();
	put("vi", "m.json", "{\"m.a\":\"A\"}");
	put("en", "m.json", "{\"m.a\":\"A\"}");
	put("en", "n.json", "{\"n.z\":\"Z\"}");
	expect_error(KIOSK_EINVAL, "%R/en/n.json: n.z: missing in Vietnamese (%R/vi)");
	/* Duplicate across files. */
	new_tree();
	put("vi", "a.json", "{\"m.a\":\"A\"}");
	put("vi", "b.json", "{\"m.a\":\"A2\"}");
	put("en", "a.json", "{\"m.a\":\"A\"}");
	expect_error(KIOSK_EINVAL, "%R/vi/b.json: m.a: duplicate key (also in %R/vi/a.json)");
	/* Duplicate within one file. */
	new_tree();
	put("vi", "a.json", "{\"m.a\":\"A\"}");
	put("en", "a.json", "{\"m.a\":\"A\",\"m.a\":\"B\"}");
	expect_error(KIOSK_EINVAL, "%R/en/a.json: m.a: duplicate key");
	/* Non-string value. */
	new_tree();
	put("vi", "a.json", "{\"m.a\":3}");
	put("en", "a.json", "{\"m.a\":\"A\"}");
	expect_error(KIOSK_EINVAL, "%R/vi/a.json: m.a: must be a string");
	/* Nested object is not flat. */
	new_tree();
	put("vi", "a.json", "{\"m\":{\"a\":\"A\"}}");
	put("en", "a.json", "{\"m.a\":\"A\"}");
	expect_error(KIOSK_EINVAL, "%R/vi/a.json: m: must be a string");
	/* Not an object. */
	new_tree();
	put("vi", "a.json", "[\"A\"]");
	expect_error(KIOSK_EINVAL, "%R/vi/a.json: must be a JSON object of strings");
	/* Broken JSON. */
	new_tree();
	put("vi", "a.json", "{\n\"m.a\": \"A\"\n\"m.b\": \"B\"}");
	expect_error(KIOSK_EINVAL, "%R/vi/a.json: not valid JSON (near line 3)");
	/* Invalid UTF-8. */
	new_tree();
	put("vi", "a.json", "{\"m.a\":\"\xc3\"}");
	put("en", "a.json", "{\"m.a\":\"A\"}");
	expect_error(KIOSK_EINVAL, "%R/vi/a.json: m.a: not valid UTF-8");
	/* Decomposed (NFD) Vietnamese: "Việt" as e + U+0323 + U+0302. */
	new_tree();
	put("vi", "a.json", "{\"m.a\":\"Vie\xcc\xa3\xcc\x82t\"}");
	put("en", "a.json", "{\"m.a\":\"A\"}");
	expect_error(KIOSK_EINVAL, "%R/vi/a.json: m.a: not in NFC (normalise the file to NFC)");
	/* Placeholders must match across languages. */
	new_tree();
	put("vi", "a.json", "{\"m.a\":\"Số {number}\"}");
	put("en", "a.json", "{\"m.a\":\"Ticket {numbr}\"}");
	expect_error(KIOSK_EINVAL, "%R/en/a.json: m.a: placeholders differ from %R/vi/a.json "
				   "(\"{numbr}\" vs \"{number}\")");
	/* A missing language folder. */
	new_tree();
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "rmdir '%s/en'", g_root);
	assert_int_equal(system(cmd), 0);
	put("vi", "a.json", "{\"m.a\":\"A\"}");
	expect_error(KIOSK_ENOENT, "%R/en: cannot open folder (No such file or directory)");
	/* Same placeholders in another order, used twice: fine. Empty files: fine. */
	new_tree();
	put("vi", "a.json", "{\"m.a\":\"{b} {a} {a}\"}");
	put("en", "a.json", "{\"m.a\":\"{a} {b}\"}");
	put("en", "z.json", "{}");
	i18n_t *t = NULL;
	char err[512];
	assert_int_equal(i18n_load(g_root, &t, err, sizeof err), KIOSK_OK);
	i18n_free(t);
}

static void test_format(void **state)
{
	(void)state;
	char buf[64];
	assert_int_equal(i18n_format(buf, sizeof buf, "Số {number}, còn {count} người", "number",
				     "A012", "count", "3", NULL),
			 KIOSK_OK);
	assert_string_equal(buf, "Số A012, còn 3 người");
	/* Repeated and unknown placeholders; braces without a name. */
	assert_int_equal(i18n_format(buf, sizeof buf, "{a}{a} {x} {} {", "a", "1", NULL), KIOSK_OK);
	assert_string_equal(buf, "11 {x} {} {");
	/* NULL value is empty. */
	assert_int_equal(i18n_format(buf, sizeof buf, "[{a}]", "a", NULL, NULL), KIOSK_OK);
	assert_string_equal(buf, "[]");
	/* Exactly fitting. */
	char small[6];
	assert_int_equal(i18n_format(small, sizeof small, "ab{v}", "v", "cde", NULL), KIOSK_OK);
	assert_string_equal(small, "abcde");
	/* Truncation: ERANGE, NUL-terminated, no cut UTF-8 sequence ("ố" is 3 bytes). */
	assert_int_equal(i18n_format(small, sizeof small, "Số {v}", "v", "12345", NULL),
			 KIOSK_ERANGE);
	assert_string_equal(small, "Số ");
	assert_int_equal(i18n_format(small, 4, "ab{v}", "v", "số", NULL), KIOSK_ERANGE);
	assert_string_equal(small, "abs");
	assert_int_equal(i18n_format(small, 3, "aố", NULL), KIOSK_ERANGE);
	assert_string_equal(small, "a");
	assert_int_equal(i18n_format(small, 0, "x", NULL), KIOSK_ERANGE);
}

static void test_lang(void **state)
{
	(void)state;
	lang_t l = LANG_EN;
	assert_string_equal(lang_code(LANG_VI), "vi");
	assert_string_equal(lang_code(LANG_EN), "en");
	assert_int_equal(lang_parse("en", &l), KIOSK_OK);
	assert_int_equal(l, LANG_EN);
	assert_int_equal(lang_parse("vi", &l), KIOSK_OK);
	assert_int_equal(l, LANG_VI);
	l = LANG_EN;
	assert_int_equal(lang_parse("fr", &l), KIOSK_EINVAL);
	assert_int_equal(l, LANG_VI);
	assert_int_equal(lang_parse(NULL, &l), KIOSK_EINVAL);
	assert_int_equal(lang_parse("", &l), KIOSK_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_fixture), cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_errors),	     cmocka_unit_test(test_format),
		cmocka_unit_test(test_lang),	     cmocka_unit_test(test_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
