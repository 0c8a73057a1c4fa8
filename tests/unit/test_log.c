/* test_log.c - the event log: line format, levels, rotation and its size
 * bound, and the stderr fallback when the folder cannot be written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "core/log.h"

static char g_dir[512];

static const char *scratch(const char *name)
{
	const char *base = getenv("TESTS_TMP");
	if (!base || !*base)
		base = "/tmp";
	snprintf(g_dir, sizeof g_dir, "%s/log-%s-%ld", base, name, (long)getpid());
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
	assert_int_equal(system(cmd), 0);
	return g_dir;
}

/* Whole file into a static buffer; NULL when missing. */
static char *slurp(const char *path, size_t *len)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Redirect stderr to a file while fn runs; returns what was written. */
static int g_saved_err = -1;
static char g_err_path[700];
static void capture_start(void)
{
	snprintf(g_err_path, sizeof g_err_path, "%s.stderr", g_dir);
	fflush(stderr);
	g_saved_err = dup(2);
	int fd = open(g_err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	dup2(fd, 2);
	close(fd);
}
static char *capture_end(void)
{
	fflush(stderr);
	dup2(g_saved_err, 2);
	close(g_saved_err);
	return slurp(g_err_path, NULL);
}

static void test_format_and_levels(void **state)
{
	(void)state;
	const char *dir = scratch("fmt");
	char sub[600], path[700];
	snprintf(sub, sizeof sub, "%s/a/b", dir); /* created, with its parents */
	kclock_virtual_t v = {.now_ms = 0, .mono_ms = 0, .trusted = true};
	assert_int_equal(kclock_parse_iso("2026-01-05T09:00:00+07:00", &v.now_ms), KIOSK_OK);
	v.now_ms += 123;
	kclock_t clk;
	kclock_virtual(&clk, &v);
	log_set_clock(&clk);
	log_set_stderr(0);
	assert_int_equal(log_open(sub, 4096), KIOSK_OK);
	log_info("printer %s rc=%d", "ready", 0);
	log_debug("not written at the default level");
	log_warn("two\nlines\tand tab");
	log_set_level(LOG_DEBUG);
	kclock_virtual_advance(&v, 1000);
	log_debug("now written");
	log_error("E%d", 7);
	log_set_level(LOG_INFO);
	log_close();
	log_set_clock(NULL);
	snprintf(path, sizeof path, "%s/kiosk.log", sub);
	assert_string_equal(slurp(path, NULL),
			    "2026-01-05T02:00:00.123Z INFO printer ready rc=0\n"
			    "2026-01-05T02:00:00.123Z WARN two lines and tab\n"
			    "2026-01-05T02:00:01.123Z DEBUG now written\n"
			    "2026-01-05T02:00:01.123Z ERROR E7\n");
	/* Reopening appends. */
	assert_int_equal(log_open(sub, 4096), KIOSK_OK);
	log_info("again");
	log_close();
	char *text = slurp(path, NULL);
	assert_non_null(strstr(text, "ERROR E7\n"));
	assert_non_null(strstr(text, " INFO again\n"));
	/* A very long message is cut to one line of bounded length. */
	assert_int_equal(log_open(sub, 1 << 20), KIOSK_OK);
	char big[3000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	log_info("%s", big);
	log_close();
	size_t len = 0;
	text = slurp(path, &len);
	assert_non_null(text);
	assert_true(len > 0);
	char *last = strstr(text, "xxx");
	assert_non_null(last);
	while (last > text && last[-1] != '\n')
		last--;
	assert_true(strlen(last) <= 1024);
	assert_int_equal(text[len - 1], '\n');
}

static void test_rotation_bounds(void **state)
{
	(void)state;
	const char *dir = scratch("rot");
	char cur[700], old[700];
	snprintf(cur, sizeof cur, "%s/kiosk.log", dir);
	snprintf(old, sizeof old, "%s/kiosk.log.1", dir);
	const size_t max = 1000;
	log_set_stderr(0);
	assert_int_equal(log_open(dir, max), KIOSK_OK);
	int rotations = 0;
	off_t prev = 0;
	for (int i = 0; i < 400; i++) {
		/* Lines of 30 to 130 bytes. */
		log_info("event %05d %.*s", i, (i * 37) % 100, "................................................................................................................");
		off_t a = file_size(cur), b = file_size(old);
		assert_true(a > 0 && a <= (off_t)max);
		assert_true(b <= (off_t)max);
		if (a < prev)
			rotations++;
		prev = a;
	}
	log_close();
	assert_true(rotations > 10);
	/* The two files hold the most recent events, whole and in order:
	 * old file then current file, consecutive numbers ending at 399. */
	static char all[1 << 16];
	size_t la = 0, lb = 0;
	char *t = slurp(old, &la);
	assert_non_null(t);
	memcpy(all, t, la);
	t = slurp(cur, &lb);
	assert_non_null(t);
	memcpy(all + la, t, lb + 1);
	int expect = -1, count = 0;
	for (char *line = all; *line;) {
		char *nl = strchr(line, '\n');
		assert_non_null(nl);
		int n = -1;
		char *ev = strstr(line, " INFO event ");
		assert_true(ev != NULL && ev < nl);
		n = atoi(ev + 12);
		if (expect >= 0)
			assert_int_equal(n, expect);
		expect = n + 1;
		count++;
		line = nl + 1;
	}
	assert_int_equal(expect, 400);
	assert_true(count > 10);
	/* The older file is dropped: only two files exist. */
	char third[700];
	snprintf(third, sizeof third, "%s/kiosk.log.2", dir);
	assert_int_equal(file_size(third), -1);
	/* A line longer than max goes into a file of its own. */
	assert_int_equal(log_open(dir, 256), KIOSK_OK);
	char big[600];
	memset(big, 'y', 500);
	big[500] = '\0';
	log_info("%s", big);
	off_t a = file_size(cur);
	assert_true(a > 256 && a <= 256 + 530);
	log_info("short");
	assert_true(file_size(cur) < 100);
	assert_true(file_size(old) == a);
	log_close();
}

static void test_fallback(void **state)
{
	(void)state;
	const char *dir = scratch("fallback");
	/* The folder path is a regular file: cannot be created or written. */
	FILE *f = fopen(dir, "w");
	assert_non_null(f);
	fclose(f);
	log_set_stderr(0);
	capture_start();
	int rc = log_open(dir, 4096);
	log_info("still logged %d", 1);
	log_info("still logged %d", 2);
	log_close();
	char *err = capture_end();
	assert_int_equal(rc, KIOSK_EIO);
	char *w = strstr(err, "logging to stderr only");
	assert_non_null(w);
	assert_null(strstr(w + 1, "logging to stderr only")); /* one warning */
	assert_non_null(strstr(err, " INFO still logged 1\n"));
	assert_non_null(strstr(err, " INFO still logged 2\n"));
	unlink(dir);

	/* A write that fails (disk full) mid-way: warn once, go on on stderr. */
	dir = scratch("full");
	assert_int_equal(mkdir(dir, 0755), 0);
	char link[700];
	snprintf(link, sizeof link, "%s/kiosk.log", dir);
	if (symlink("/dev/full", link) != 0 || access("/dev/full", W_OK) != 0) {
		skip();
		return;
	}
	capture_start();
	rc = log_open(dir, 4096);
	log_info("a");
	log_info("b");
	log_close();
	err = capture_end();
	assert_int_equal(rc, KIOSK_OK);
	w = strstr(err, "cannot write");
	assert_non_null(w);
	w = strstr(err, "logging to stderr only");
	assert_non_null(w);
	assert_null(strstr(w + 1, "logging to stderr only")); /* one warning */
	assert_non_null(strstr(err, " INFO a\n"));
	assert_non_null(strstr(err, " INFO b\n"));

	/* No folder at all: stderr only, not an error. */
	capture_start();
	rc = log_open(NULL, 4096);
	log_warn("to stderr");
	log_close();
	err = capture_end();
	assert_int_equal(rc, KIOSK_OK);
	assert_non_null(strstr(err, " WARN to stderr\n"));
	assert_null(strstr(err, "logging to stderr only"));
	log_set_stderr(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_and_levels),
		cmocka_unit_test(test_rotation_bounds),
		cmocka_unit_test(test_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
