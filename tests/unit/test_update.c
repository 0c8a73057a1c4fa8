/* test_update.c - updater library: state record (seq + CRC, two copies),
 * install through the library with a progress callback, the calls the
 * menus use (status, scan, mark-good, rollback), the health test hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "update/update.h"

static char dir[512];

static const char *p(const char *name)
{
	static char buf[4][700];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TESTS_TMP");
	snprintf(dir, sizeof dir, "%s/test_update.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	char err[256];
	mkdir(p("keys"), 0755);
	mkdir(p("root"), 0755);
	mkdir(p("stick"), 0755);
	if (bundle_keygen(p("k.pem"), p("keys/k.pub"), err, sizeof err))
		return -1;
	write_file(p("compatible"), "unit-kiosk\n");
	for (int v = 1; v <= 2; v++) {
		char tree[32], file[64], ver[32], out[32];
		snprintf(tree, sizeof tree, "tree%d", v);
		mkdir(p(tree), 0755);
		snprintf(file, sizeof file, "tree%d/VERSION", v);
		snprintf(ver, sizeof ver, "%d.0.0\n", v);
		write_file(p(file), ver);
		ver[5] = 0;
		snprintf(out, sizeof out, v == 2 ? "stick/v%d.kiosk" : "v%d.kiosk", v);
		bundle_create_opts_t o = {p("k.pem"), p(tree), BUNDLE_TYPE_APP, ver, "unit-kiosk", 0,
					  0, p(out)};
		if (bundle_create(&o, err, sizeof err))
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_crc_and_state(void **state)
{
	(void)state;
	assert_int_equal(update_crc32("123456789", 9), 0xcbf43926u);
	update_state_t st = {0}, back;
	st.seq = 42;
	st.slot[0].state = UPDATE_SLOT_GOOD;
	strcpy(st.slot[0].version, "1.2.3");
	st.slot[1].state = UPDATE_SLOT_PENDING;
	strcpy(st.slot[1].version, "1.3.0");
	st.slot[1].epoch = 4;
	st.tries_left = 2;
	strcpy(st.floor_version, "1.2.3");
	strcpy(st.last_failure, "app 1.1.0 did not pass\n its check");
	char buf[2048];
	int n = update_state_format(&st, buf, sizeof buf);
	assert_true(n > 0);
	assert_int_equal(update_state_parse(buf, (size_t)n, &back), KIOSK_OK);
	assert_true(back.seq == 42);
	assert_int_equal(back.slot[1].state, UPDATE_SLOT_PENDING);
	assert_int_equal(back.slot[1].epoch, 4);
	assert_string_equal(back.floor_version, "1.2.3");
	assert_null(strchr(back.last_failure, '\n')); /* control characters cleaned */
	/* any flipped byte, a torn (short) copy, an empty file: corrupt */
	for (int i = 0; i < n; i++) {
		buf[i] ^= 0x04;
		if (update_state_parse(buf, (size_t)n, &back) == KIOSK_OK)
			fail_msg("flip at %d accepted", i);
		buf[i] ^= 0x04;
	}
	for (int cut = 0; cut < n; cut += 7)
		assert_int_not_equal(update_state_parse(buf, (size_t)cut, &back), KIOSK_OK);
}

typedef struct {
	int calls, last_pct, monotonic;
	char phases[128];
} prog_t;

static void on_progress(void *user, int pct, uint64_t bytes, uint64_t total, const char *phase)
{
	prog_t *pr = user;
	if (pct < pr->last_pct)
		pr->monotonic = 0;
	pr->last_pct = pct;
	pr->calls++;
	if (!strstr(pr->phases, phase) && strlen(pr->phases) + strlen(phase) + 2 < sizeof pr->phases) {
		strcat(pr->phases, phase);
		strcat(pr->phases, ",");
	}
}

static void test_library_flow(void **state)
{
	(void)state;
	char err[256], msg[512];
	update_t *u;
	/* keyless: opening works, installing refuses */
	assert_int_equal(update_open(p("root"), NULL, p("compatible"), &u, err, sizeof err), KIOSK_OK);
	assert_int_equal(update_install_file(u, p("v1.kiosk"), NULL, msg, sizeof msg, err, sizeof err),
			 KIOSK_EPERM);
	assert_non_null(strstr(err, "no public key"));
	update_close(u);

	assert_int_equal(update_open(p("root"), p("keys"), p("compatible"), &u, err, sizeof err),
			 KIOSK_OK);
	prog_t pr = {0, -1, 1, ""};
	update_set_progress(u, on_progress, &pr);
	assert_int_equal(update_install_file(u, p("v1.kiosk"), NULL, msg, sizeof msg, err, sizeof err),
			 KIOSK_OK);
	assert_true(pr.calls >= 4);
	assert_int_equal(pr.last_pct, 100);
	assert_true(pr.monotonic);
	assert_non_null(strstr(pr.phases, "verify"));
	assert_non_null(strstr(pr.phases, "install"));
	assert_non_null(strstr(pr.phases, "done"));
	update_status_t s;
	assert_int_equal(update_status(u, &s, err, sizeof err), KIOSK_OK);
	assert_int_equal(s.pair[BUNDLE_TYPE_APP].current, 0);
	assert_int_equal(s.pair[BUNDLE_TYPE_APP].st.slot[0].state, UPDATE_SLOT_PENDING);
	unsetenv("KIOSK_ROOT");
	assert_int_equal(update_mark_good_env(err, sizeof err), KIOSK_ENOENT);
	setenv("KIOSK_ROOT", p("root"), 1);
	assert_int_equal(update_mark_good_env(err, sizeof err), KIOSK_OK);
	unsetenv("KIOSK_ROOT");
	assert_int_equal(update_status(u, &s, err, sizeof err), KIOSK_OK);
	assert_int_equal(s.pair[BUNDLE_TYPE_APP].st.slot[0].state, UPDATE_SLOT_GOOD);
	assert_string_equal(s.pair[BUNDLE_TYPE_APP].st.floor_version, "1.0.0");

	/* the menu lists the stick, then installs from it */
	update_candidate_t *c;
	size_t n;
	write_file(p("stick/._v2.kiosk"), "resource fork");
	assert_int_equal(update_stick_scan(u, p("stick"), &c, &n, err, sizeof err), KIOSK_OK);
	assert_int_equal(n, 1);
	assert_true(c[0].verified && c[0].candidate && c[0].newer);
	assert_string_equal(c[0].h.version_str, "2.0.0");
	free(c);
	assert_int_equal(update_install_stick(u, p("stick"), NULL, msg, sizeof msg, err, sizeof err),
			 KIOSK_OK);
	assert_non_null(strstr(msg, "2.0.0"));
	/* a launcher start is counted; a rollback to the good slot a works */
	char app[4200], data[4200];
	assert_int_equal(update_launcher_prepare(u, 3, app, sizeof app, data, sizeof data, err,
						 sizeof err),
			 KIOSK_OK);
	assert_non_null(strstr(app, "/app/slot-b"));
	assert_string_equal(data, "");
	assert_int_equal(update_status(u, &s, err, sizeof err), KIOSK_OK);
	assert_int_equal(s.pair[BUNDLE_TYPE_APP].st.tries_left, 2);
	assert_int_equal(update_rollback(u, BUNDLE_TYPE_APP, "test says no", err, sizeof err),
			 KIOSK_OK);
	assert_int_equal(update_status(u, &s, err, sizeof err), KIOSK_OK);
	assert_int_equal(s.pair[BUNDLE_TYPE_APP].current, 0);
	assert_int_equal(s.pair[BUNDLE_TYPE_APP].st.slot[1].state, UPDATE_SLOT_BAD);
	assert_non_null(strstr(s.pair[BUNDLE_TYPE_APP].st.last_failure, "test says no"));
	/* nothing good to go back to now */
	assert_int_equal(update_rollback(u, BUNDLE_TYPE_APP, NULL, err, sizeof err), KIOSK_EPERM);
	update_close(u);
}

static void test_state_copies(void **state)
{
	(void)state;
	/* Corrupt the newest state copy: the older one wins. */
	char err[256];
	update_t *u;
	assert_int_equal(update_open(p("root"), NULL, NULL, &u, err, sizeof err), KIOSK_OK);
	update_status_t s;
	assert_int_equal(update_status(u, &s, err, sizeof err), KIOSK_OK);
	uint64_t seq = s.pair[0].st.seq;
	char name[64];
	snprintf(name, sizeof name, "root/app/state.%d", (int)(seq % 2));
	write_file(p(name), "seq=999\ncrc=00000000\n");
	assert_int_equal(update_status(u, &s, err, sizeof err), KIOSK_OK);
	assert_true(s.pair[0].st.seq == seq - 1);
	assert_int_equal(s.pair[0].state_ok, 1);
	update_close(u);
}

static void test_health_hook(void **state)
{
	(void)state;
	unsetenv("KIOSK_HEALTH_FAIL");
	assert_false(update_health_fail_injected("fonts"));
	setenv("KIOSK_HEALTH_FAIL", "catalog,frame", 1);
	assert_false(update_health_fail_injected("fonts"));
	assert_true(update_health_fail_injected("catalog"));
	assert_true(update_health_fail_injected("frame"));
	assert_false(update_health_fail_injected("cat"));
	unsetenv("KIOSK_HEALTH_FAIL");
}

/* The root side of the kiosk's health request: exact grammar, the named
 * version must be the pending running one; answer with the request's id. */
static void serve(update_t *u, const char *req, int want)
{
	char err[256], msg[256];
	mkdir(p("req"), 0700);
	if (req)
		write_file(p("req/health.request"), req);
	int rc = update_serve_request(u, p("req"), p("ans"), msg, sizeof msg, err, sizeof err);
	if (rc != want)
		fprintf(stderr, "request '%s': rc %d (%s)\n", req ? req : "(none)", rc, err);
	assert_int_equal(rc, want);
	struct stat sb;
	assert_int_equal(lstat(p("req/health.request"), &sb), -1);
}

static void test_health_request(void **state)
{
	(void)state;
	char err[256], msg[512];
	update_t *u;
	char root[700];
	snprintf(root, sizeof root, "%s", p("hroot"));
	mkdir(root, 0755);
	assert_int_equal(update_open(root, p("keys"), p("compatible"), &u, err, sizeof err), KIOSK_OK);
	assert_int_equal(update_install_file(u, p("v1.kiosk"), NULL, msg, sizeof msg, err, sizeof err),
			 KIOSK_OK);
	serve(u, NULL, KIOSK_ENOENT);
	static const struct {
		const char *req;
		int want;
	} bad[] = {
		{"mark-good app 1.0.1 1\n", KIOSK_EPERM},    /* not the running version */
		{"mark-good data 1.0.0 1\n", KIOSK_EPERM},   /* no data pair */
		{"rollback app 1.0.0 1\n", KIOSK_EPERM},     /* no good slot to go back to */
		{"mark-good app 1.0.0\n", KIOSK_EINVAL},     /* no id */
		{"mark-good app 1.0.0 1", KIOSK_EINVAL},      /* no newline */
		{"mark-good app 1.0.0 1\n\n", KIOSK_EINVAL},
		{"mark-good  app 1.0.0 1\n", KIOSK_EINVAL},
		{"mark-good app 1.0.0 1 \n", KIOSK_EINVAL},
		{"mark-good data 1.0.0 app 1.0.0 1\n", KIOSK_EINVAL},
		{"mark-good app 1.0.0 app 1.0.0 1\n", KIOSK_EINVAL},
		{"mark-good app 01.0.0 1\n", KIOSK_EINVAL},
		{"mark-good app 1.0.0 1234567890123456789\n", KIOSK_EINVAL},
		{"mark-good app 1.0.0 -1\n", KIOSK_EINVAL},
		{"Mark-good app 1.0.0 1\n", KIOSK_EINVAL},
		{"mark-good kiosk 1.0.0 1\n", KIOSK_EINVAL},
		{"rollback app 1.0.0 data 1.0.0 1\n", KIOSK_EINVAL},
		{"mark-good app 1.0.0 1\r\n", KIOSK_EINVAL},
		{"mark-good app 1.0.0 1\nmark-good app 1.0.0 2\n", KIOSK_EINVAL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		serve(u, bad[i].req, bad[i].want);
		update_status_t s;
		assert_int_equal(update_status(u, &s, err, sizeof err), KIOSK_OK);
		assert_int_equal(s.pair[BUNDLE_TYPE_APP].st.slot[0].state, UPDATE_SLOT_PENDING);
	}
	FILE *f = fopen(p("ans/health.answer"), "r");
	assert_non_null(f);
	char line[300] = "";
	assert_non_null(fgets(line, sizeof line, f));
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	assert_string_equal(line, "result=refused\n");
	serve(u, "mark-good app 1.0.0 42\n", KIOSK_OK);
	f = fopen(p("ans/health.answer"), "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	assert_string_equal(line, "id=42\n");
	update_status_t s;
	assert_int_equal(update_status(u, &s, err, sizeof err), KIOSK_OK);
	assert_int_equal(s.pair[BUNDLE_TYPE_APP].st.slot[0].state, UPDATE_SLOT_GOOD);
	assert_string_equal(s.pair[BUNDLE_TYPE_APP].st.floor_version, "1.0.0");
	/* now nothing is pending: the same request again is refused */
	serve(u, "mark-good app 1.0.0 43\n", KIOSK_EPERM);
	update_close(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_and_state),
		cmocka_unit_test(test_library_flow),
		cmocka_unit_test(test_state_copies),
		cmocka_unit_test(test_health_hook),
		cmocka_unit_test(test_health_request),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
