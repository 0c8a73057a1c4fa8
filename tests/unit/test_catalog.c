/* test_catalog.c - catalog loader: the shipped catalog loads, and every kind
 * of mistake gives a "FILE:LINE: key.path: problem" message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain/catalog.h"
#include "core/kiosk.h"

#define CAT_PATH "assets/catalog.json"

static void test_shipped_catalog(void **state)
{
	(void)state;
	catalog_t *cat = NULL;
	char err[512];
	int rc = catalog_load(CAT_PATH, &cat, err, sizeof err);
	if (rc)
		fail_msg("%s", err);
	assert_non_null(cat);
	assert_true(catalog_group_count(cat) >= 5);
	assert_true(catalog_proc_count(cat) >= 10);
	const catalog_proc_t *ks = catalog_proc_find(cat, "khai-sinh");
	assert_non_null(ks);
	assert_string_equal(ks->code, "1.001193");
	assert_string_equal(ks->name[LANG_VI], "Đăng ký khai sinh");
	assert_string_equal(ks->group->name[LANG_EN], "Civil status");
	assert_int_equal(ks->group->letter, 'A');
	assert_true(ks->ndocs >= 2 && ks->ndocs <= 5);
	assert_int_equal(ks->fields[0].type, FIELD_NAME);
	char link[256];
	assert_int_equal(catalog_link(cat, ks, link, sizeof link), KIOSK_OK);
	assert_non_null(strstr(link, "ma_thu_tuc=1.001193"));
	assert_null(strstr(link, "{code}"));
	assert_int_equal(catalog_link(cat, ks, link, 20), KIOSK_ERANGE);
	assert_string_equal(link, "");
	/* Every group and procedure shipped has its everyday words and icon. */
	for (size_t i = 0; i < catalog_group_count(cat); i++) {
		const catalog_group_t *g = catalog_group_at(cat, i);
		assert_non_null(g->plain[LANG_VI]);
		assert_non_null(g->plain[LANG_EN]);
		assert_true(g->icon_cp != 0);
	}
	for (size_t i = 0; i < catalog_proc_count(cat); i++) {
		assert_non_null(catalog_proc_at(cat, i)->plain[LANG_VI]);
		assert_true(catalog_proc_at(cat, i)->icon_cp != 0);
	}
	assert_string_equal(catalog_group_find(cat, "ho-tich")->plain[LANG_VI],
			    "Giấy khai sinh, kết hôn, khai tử");
	assert_string_equal(catalog_group_find(cat, "dat-dai")->plain[LANG_VI], "Sổ đỏ, đất đai");
	bool no_fields = false;
	for (size_t i = 0; i < catalog_proc_count(cat); i++) {
		const catalog_proc_t *p = catalog_proc_at(cat, i);
		assert_true(p->nfields <= 4);
		assert_true(p->ndocs >= 2 && p->ndocs <= 5);
		if (p->nfields == 0)
			no_fields = true;
		for (int l = 0; l < LANG_COUNT; l++) {
			assert_non_null(p->short_name[l]);
			for (size_t d = 0; d < p->ndocs; d++)
				assert_non_null(p->docs[l][d]);
		}
		/* The ID number is only handed off where a field asks for it. */
		bool has_cccd = false;
		for (size_t f = 0; f < p->nfields; f++)
			if (p->fields[f].type == FIELD_CCCD)
				has_cccd = true;
		if (p->handoff_id)
			assert_true(has_cccd);
	}
	assert_true(no_fields);
	assert_null(catalog_proc_find(cat, "nope"));
	assert_null(catalog_proc_at(cat, 999));
	assert_non_null(catalog_group_find(cat, "chung-thuc"));
	catalog_free(cat);
}

static void test_missing_file(void **state)
{
	(void)state;
	catalog_t *cat = (catalog_t *)1;
	char err[256];
	assert_int_equal(catalog_load("no/such/catalog.json", &cat, err, sizeof err), KIOSK_ENOENT);
	assert_null(cat);
	assert_non_null(strstr(err, "no/such/catalog.json"));
	assert_non_null(strstr(err, "No such file"));
}

/* A small valid catalog; each case below breaks one thing in it. */
static const char *base =
	"{\n"                                                              /* 1 */
	"  \"version\": 1,\n"                                              /* 2 */
	"  \"link_template\": \"https://example.vn/p?c={code}\",\n"          /* 3 */
	"  \"groups\": [\n"                                                /* 4 */
	"    { \"id\": \"ho-tich\", \"letter\": \"A\",\n"                  /* 5 */
	"      \"name\": { \"vi\": \"Hộ tịch\", \"en\": \"Civil status\" } },\n" /* 6 */
	"    { \"id\": \"dat-dai\", \"letter\": \"C\",\n"                  /* 7 */
	"      \"name\": { \"vi\": \"Đất đai\", \"en\": \"Land\" } }\n"    /* 8 */
	"  ],\n"                                                           /* 9 */
	"  \"procedures\": [\n"                                            /* 10 */
	"    { \"id\": \"khai-sinh\", \"group\": \"ho-tich\", \"code\": \"1.001193\",\n" /* 11 */
	"      \"name\": { \"vi\": \"Đăng ký khai sinh\", \"en\": \"Birth registration\" },\n" /* 12 */
	"      \"docs\": [ { \"vi\": \"Giấy chứng sinh\", \"en\": \"Birth notice\" } ],\n" /* 13 */
	"      \"fields\": [\n"                                            /* 14 */
	"        { \"id\": \"child_name\",\n"                              /* 15 */
	"          \"type\": \"name\",\n"                                  /* 16 */
	"          \"required\": true,\n"                                  /* 17 */
	"          \"label\": { \"vi\": \"Họ tên\", \"en\": \"Name\" } }\n" /* 18 */
	"      ] },\n"                                                     /* 19 */
	"    { \"id\": \"ban-sao\", \"group\": \"ho-tich\", \"code\": \"2.000815\",\n" /* 20 */
	"      \"name\": { \"vi\": \"Bản sao\", \"en\": \"Copy\" },\n"     /* 21 */
	"      \"docs\": [] }\n"                                           /* 22 */
	"  ]\n"                                                            /* 23 */
	"}\n";

/* Replace the first occurrence of from by to in base; load; return the
 * error message (static buffer) or "" when the catalog loads. */
static const char *try_edit(const char *from, const char *to)
{
	static char err[512];
	char text[8192];
	const char *at = strstr(base, from);
	if (!at)
		fail_msg("test bug: \"%s\" not in the base catalog", from);
	size_t pre = (size_t)(at - base);
	snprintf(text, sizeof text, "%.*s%s%s", (int)pre, base, to, at + strlen(from));
	catalog_t *cat = NULL;
	int rc = catalog_load_text("t.json", text, strlen(text), &cat, err, sizeof err);
	if (rc == KIOSK_OK) {
		assert_non_null(cat);
		catalog_free(cat);
		return "";
	}
	assert_int_equal(rc, KIOSK_EINVAL);
	assert_null(cat);
	return err;
}

static void expect(const char *from, const char *to, const char *msg)
{
	const char *got = try_edit(from, to);
	if (strcmp(got, msg) != 0)
		fail_msg("edit \"%s\" -> \"%s\":\n  want: %s\n  got:  %s", from, to, msg, got);
}

static void test_base_loads(void **state)
{
	(void)state;
	assert_string_equal(try_edit("{", "{"), "");
	/* NFD input is refused rather than silently changed. */
	expect("Hộ tịch", "Ho\xcc\x9b", "t.json:6: groups[0].name.vi: text is not in Unicode NFC form (normalise it)");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect("\"required\": true,", "\"required\": true,,",
	       "t.json:18: JSON syntax error near \"\"label\": { \"vi\": \"H\"");
	expect("  ]\n}", "  ]\n", "t.json:23: JSON syntax error: unexpected end of file");
	expect("{\n", "[\n", "t.json:2: JSON syntax error near \": 1,\"");
}

/* A NUL (\u0000) inside a string or a key would be cut there by cJSON
 * ("khai-sinh\u0000x" read as "khai-sinh"): refused, with the key path. */
static void test_nul_escape(void **state)
{
	(void)state;
	expect("\"id\": \"khai-sinh\"", "\"id\": \"khai-sinh\\u0000x\"",
	       "t.json:11: procedures[0].id: the text holds a NUL character (\\u0000)");
	expect("\"Đất đai\"", "\"Đất\\u0000 đai\"",
	       "t.json:8: groups[1].name.vi: the text holds a NUL character (\\u0000)");
	expect("\"required\": true,", "\"required\\u0000x\": true,",
	       "t.json:17: procedures[0].fields[0].required: a key holds a NUL character (\\u0000)");
	/* An escaped backslash before u0000 is just text. */
	expect("\"Giấy chứng sinh\"", "\"Giấy \\\\u0000\"", "");
}

static void test_semantic_errors(void **state)
{
	(void)state;
	expect("\"type\": \"name\"", "\"type\": \"nmae\"",
	       "t.json:16: procedures[0].fields[0].type: unknown field type \"nmae\" "
	       "(name, cccd, phone, date, birthdate, sex, address, text)");
	expect("\"type\": \"name\"", "\"type\": 3",
	       "t.json:16: procedures[0].fields[0].type: must be a string, not a number");
	expect("\"required\": true,", "\"required\": \"yes\",",
	       "t.json:17: procedures[0].fields[0].required: must be true or false, not a string");
	expect("\"required\": true,", "",
	       "t.json:15: procedures[0].fields[0]: missing required key \"required\"");
	expect("\"required\": true,", "\"required\": true, \"colour\": 1,",
	       "t.json:17: procedures[0].fields[0]: unknown key \"colour\"");
	expect("\"version\": 1,", "\"version\": 1, \"version\": 1,",
	       "t.json:2: catalog: key \"version\" appears twice");
	expect("\"version\": 1,", "\"version\": 2,",
	       "t.json:2: version: unsupported catalog version (this firmware reads 1)");
	expect("\"version\": 1,", "",
	       "t.json:1: catalog: missing required key \"version\"");
	expect("c={code}", "c=",
	       "t.json:3: link_template: the link template must contain {code}");
	expect("https://example", "http://example",
	       "t.json:3: link_template: the link must start with https://");
	expect("\"letter\": \"C\"", "\"letter\": \"A\"",
	       "t.json:7: groups[1].letter: series letter A is already used by group \"ho-tich\"");
	expect("\"letter\": \"C\"", "\"letter\": \"c\"",
	       "t.json:7: groups[1].letter: series letter must be one of A-Z, not \"c\"");
	expect("\"letter\": \"C\"", "\"letter\": \"CD\"",
	       "t.json:7: groups[1].letter: series letter must be one of A-Z, not \"CD\"");
	expect("\"id\": \"dat-dai\"", "\"id\": \"ho-tich\"",
	       "t.json:7: groups[1]: duplicate group id \"ho-tich\"");
	expect("\"id\": \"ban-sao\"", "\"id\": \"khai-sinh\"",
	       "t.json:20: procedures[1]: duplicate procedure id \"khai-sinh\"");
	expect("\"id\": \"ban-sao\"", "\"id\": \"Ban Sao\"",
	       "t.json:20: procedures[1].id: bad id \"Ban Sao\" (use 1-40 of a-z, 0-9 and -)");
	expect("\"group\": \"ho-tich\", \"code\": \"2", "\"group\": \"cu-tru\", \"code\": \"2",
	       "t.json:20: procedures[1].group: unknown group \"cu-tru\"");
	expect("\"code\": \"2.000815\"", "\"code\": \"2000815\"",
	       "t.json:20: procedures[1].code: bad national procedure code \"2000815\" (like 1.001193)");
	expect("\"en\": \"Copy\"", "\"fr\": \"Copie\"",
	       "t.json:21: procedures[1].name: unknown key \"fr\"");
	expect(", \"en\": \"Copy\"", "",
	       "t.json:21: procedures[1].name: missing the English text (\"en\")");
	expect("\"vi\": \"Bản sao\", ", "",
	       "t.json:21: procedures[1].name: missing the Vietnamese text (\"vi\")");
	expect("\"en\": \"Birth notice\"", "\"en\": \"\"",
	       "t.json:13: procedures[0].docs[0].en: must not be empty");
	expect("\"en\": \"Birth notice\"", "\"en\": \"Birth\\u0007\"",
	       "t.json:13: procedures[0].docs[0].en: contains a control character");
	expect("\"en\": \"Birth notice\"", "\"en\": \"Birth \xff\"",
	       "t.json:13: procedures[0].docs[0].en: not valid UTF-8");
	expect("\"docs\": [] }", "\"docz\": [] }",
	       "t.json:22: procedures[1]: unknown key \"docz\"");
	expect("\"docs\": [] }", "\"fields\": [] }",
	       "t.json:20: procedures[1]: missing required key \"docs\"");
	expect("\"docs\": [] }", "\"docs\": {} }",
	       "t.json:22: procedures[1].docs: must be an array, not an object");
	expect("\"required\": true,", "\"required\": true, \"max_len\": 0,",
	       "t.json:17: procedures[0].fields[0].max_len: must be between 1 and 1000");
	/* Found by the fuzzer: a number beyond int is refused, not converted. */
	expect("\"required\": true,", "\"required\": true, \"max_len\": 1e98,",
	       "t.json:17: procedures[0].fields[0].max_len: must be between 1 and 1000");
	expect("\"required\": true,", "\"required\": true, \"max_len\": -1e98,",
	       "t.json:17: procedures[0].fields[0].max_len: must be between 1 and 1000");
	expect("\"required\": true,", "\"required\": true, \"max_len\": 2.5,",
	       "t.json:17: procedures[0].fields[0].max_len: must be a whole number, not a number");
	expect("\"type\": \"name\"", "\"type\": \"phone\", \"max_len\": 20",
	       "t.json:16: procedures[0].fields[0].max_len: max_len only applies to name, address and text fields");
	expect("\"id\": \"child_name\",",
	       "\"id\": \"a\", \"type\": \"sex\", \"required\": false, \"label\": {\"vi\": \"x\", \"en\": \"x\"} },\n{ \"id\": \"a\",",
	       "t.json:16: procedures[0].fields[1]: duplicate field id \"a\" in this procedure");
	expect("\"id\": \"child_name\",", "\"id\": \"child-name\",",
	       "t.json:15: procedures[0].fields[0].id: bad id \"child-name\" (use 1-40 of a-z, 0-9 and _)");
	expect("\"procedures\": [\n", "\"procedures\": [], \"x\": [\n",
	       "t.json:10: catalog: unknown key \"x\"");
	expect("{ \"id\": \"ho-tich\", \"letter\": \"A\",\n      \"name\": { \"vi\": \"Hộ tịch\", \"en\": \"Civil status\" } }",
	       "\"ho-tich\"", "t.json:5: groups[0]: must be an object, not a string");
	expect("\"groups\": [\n", "\"groups\": [ ],\n \"procedures\": [\n",
	       "t.json:11: catalog: key \"procedures\" appears twice");
}

static void test_short_name_fallback(void **state)
{
	(void)state;
	catalog_t *cat = NULL;
	char err[256];
	assert_int_equal(catalog_load_text("t.json", base, strlen(base), &cat, err, sizeof err), KIOSK_OK);
	const catalog_proc_t *p = catalog_proc_find(cat, "ban-sao");
	assert_non_null(p);
	assert_ptr_equal(p->short_name[LANG_VI], p->name[LANG_VI]);
	assert_int_equal(p->ndocs, 0);
	assert_int_equal(p->nfields, 0);
	assert_int_equal(catalog_proc_find(cat, "khai-sinh")->fields[0].max_len, 0);
	assert_string_equal(catalog_field_type_name(FIELD_BIRTHDATE), "birthdate");
	field_type_t t;
	assert_int_equal(catalog_field_type_from_name("cccd", &t), KIOSK_OK);
	assert_int_equal(t, FIELD_CCCD);
	assert_int_equal(catalog_field_type_from_name("CCCD", &t), KIOSK_EINVAL);
	catalog_free(cat);
}

/* Optional everyday words and pictogram: loaded when present, NULL/0 when
 * absent; an unknown icon, a wrong type or a long plain line is refused. */
static void test_plain_and_icon(void **state)
{
	(void)state;
	static const char *from = "\"name\": { \"vi\": \"Đất đai\", \"en\": \"Land\" }";
	char text[8192];
	const char *at = strstr(base, from);
	assert_non_null(at);
	snprintf(text, sizeof text, "%.*s%s, \"plain\": { \"vi\": \"Sổ đỏ, đất đai\", \"en\": "
		 "\"Land title\" }, \"icon\": \"landscape\"%s", (int)(at - base), base, from,
		 at + strlen(from));
	catalog_t *cat = NULL;
	char err[512];
	if (catalog_load_text("t.json", text, strlen(text), &cat, err, sizeof err))
		fail_msg("%s", err);
	const catalog_group_t *g = catalog_group_find(cat, "dat-dai");
	assert_string_equal(g->plain[LANG_VI], "Sổ đỏ, đất đai");
	assert_string_equal(g->plain[LANG_EN], "Land title");
	assert_string_equal(g->icon, "landscape");
	assert_int_equal(g->icon_cp, 0xE3F7);
	g = catalog_group_find(cat, "ho-tich");
	assert_null(g->plain[LANG_VI]);
	assert_null(g->icon);
	assert_int_equal(g->icon_cp, 0);
	assert_null(catalog_proc_find(cat, "ban-sao")->plain[LANG_EN]);
	catalog_free(cat);
	expect("\"code\": \"2.000815\",", "\"code\": \"2.000815\", \"icon\": \"home\",", "");
	expect("\"code\": \"2.000815\",", "\"code\": \"2.000815\", \"icon\": \"rocket\",",
	       "t.json:20: procedures[1].icon: unknown icon \"rocket\" (docs/catalog.md lists the icons)");
	expect("\"letter\": \"C\",", "\"letter\": \"C\", \"icon\": 7,",
	       "t.json:7: groups[1].icon: must be a string, not a number");
	expect("\"code\": \"2.000815\",",
	       "\"code\": \"2.000815\", \"plain\": { \"vi\": \"Bản sao\" },",
	       "t.json:20: procedures[1].plain: missing the English text (\"en\")");
	expect("\"letter\": \"C\",",
	       "\"letter\": \"C\", \"plain\": { \"vi\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"en\": \"x\" },",
	       "t.json:7: groups[1].plain.vi: longer than 60 characters");
	/* Every icon name the table knows resolves, and only those. */
	size_t n = 0;
	for (const char *name; (name = catalog_icon_name(n)); n++)
		assert_true(catalog_icon_codepoint(name) >= 0xE000);
	assert_true(n >= 20);
	assert_int_equal(catalog_icon_codepoint("nope"), 0);
	assert_int_equal(catalog_icon_codepoint(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_catalog),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_base_loads),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_semantic_errors), cmocka_unit_test(test_nul_escape),
		cmocka_unit_test(test_short_name_fallback),
		cmocka_unit_test(test_plain_and_icon),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
