/* test_scanner.c - scanner drivers without hardware: line assembly, key code
 * mapping and the HID read path (input_event records through a pipe), VID:PID
 * lookup in a fake sysfs tree, the simulated scanner and its scenario
 * command, and the serial driver on a pseudo-terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "drivers/scanner/scanner.h"

static char line[SCANNER_LINE_MAX];
static size_t len;

static int next(scanner_lines_t *l)
{
	return scanner_lines_next(l, line, sizeof line, &len);
}

static void feed(scanner_lines_t *l, const char *s)
{
	scanner_lines_feed(l, s, strlen(s));
}

static void test_lines_basic(void **state)
{
	(void)state;
	scanner_lines_t l;
	scanner_lines_init(&l);
	assert_int_equal(next(&l), KIOSK_ENOENT);
	feed(&l, "abc\r\ndef\nghi\r");
	feed(&l, "\r\n\n\njk");
	assert_int_equal(next(&l), KIOSK_OK);
	assert_string_equal(line, "abc");
	assert_int_equal(len, 3);
	assert_int_equal(next(&l), KIOSK_OK);
	assert_string_equal(line, "def");
	assert_int_equal(next(&l), KIOSK_OK);
	assert_string_equal(line, "ghi");
	assert_int_equal(next(&l), KIOSK_ENOENT); /* "jk" not finished */
	feed(&l, "l");
	feed(&l, "\n");
	assert_int_equal(next(&l), KIOSK_OK);
	assert_string_equal(line, "jkl");
	assert_int_equal(next(&l), KIOSK_ENOENT);
	/* consumed bytes are wiped */
	for (size_t i = 0; i < sizeof l.buf; i++)
		assert_int_equal(l.buf[i], 0);
	/* UTF-8 passes through untouched */
	feed(&l, "Nữ|Hà Nội\n");
	assert_int_equal(next(&l), KIOSK_OK);
	assert_string_equal(line, "Nữ|Hà Nội");
	/* a caller buffer too small drops that line only */
	feed(&l, "0123456789\nok\n");
	char small[5];
	assert_int_equal(scanner_lines_next(&l, small, sizeof small, &len), KIOSK_ERANGE);
	assert_string_equal(small, "");
	assert_int_equal(next(&l), KIOSK_OK);
	assert_string_equal(line, "ok");
	scanner_lines_wipe(&l);
}

static void test_lines_overflow(void **state)
{
	(void)state;
	scanner_lines_t l;
	scanner_lines_init(&l);
	char *big = malloc(SCANNER_LINE_MAX * 2);
	assert_non_null(big);
	memset(big, 'x', SCANNER_LINE_MAX * 2);
	feed(&l, "first\n");
	scanner_lines_feed(&l, big, SCANNER_LINE_MAX * 2);
	feed(&l, "\nafter\n");
	assert_int_equal(next(&l), KIOSK_OK);
	assert_string_equal(line, "first");
	assert_int_equal(next(&l), KIOSK_ERANGE); /* the overlong line, reported once */
	assert_int_equal(next(&l), KIOSK_OK);
	assert_string_equal(line, "after");
	assert_int_equal(next(&l), KIOSK_ENOENT);
	/* the longest line that fits */
	scanner_lines_feed(&l, big, SCANNER_LINE_MAX - 1);
	feed(&l, "\r\n");
	assert_int_equal(next(&l), KIOSK_OK);
	assert_int_equal(len, SCANNER_LINE_MAX - 1);
	/* one more byte is too long, even when its end comes right after */
	scanner_lines_feed(&l, big, SCANNER_LINE_MAX);
	feed(&l, "\n");
	assert_int_equal(next(&l), KIOSK_ERANGE);
	assert_int_equal(next(&l), KIOSK_ENOENT);
	/* a reader that never reads: complete lines fill the buffer, the rest
	 * is dropped and reported after them */
	for (int i = 0; i < SCANNER_LINE_MAX / 4; i++)
		feed(&l, "abc\n");
	feed(&l, "lost\n");
	int n = 0;
	while (next(&l) == KIOSK_OK)
		n++;
	assert_int_equal(n, SCANNER_LINE_MAX / 4);
	feed(&l, "again\n");
	assert_int_equal(next(&l), KIOSK_OK);
	assert_string_equal(line, "again");
	free(big);
	scanner_lines_wipe(&l);
}

static void test_keycodes(void **state)
{
	(void)state;
	assert_int_equal(scanner_hid_keycode_ascii(KEY_A, false), 'a');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_A, true), 'A');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_Q, false), 'q');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_M, true), 'M');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_1, false), '1');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_1, true), '!');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_0, false), '0');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_BACKSLASH, true), '|');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_SLASH, true), '?');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_COMMA, false), ',');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_DOT, false), '.');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_SEMICOLON, true), ':');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_APOSTROPHE, true), '"');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_SPACE, false), ' ');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_ENTER, false), '\n');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_KPENTER, false), '\n');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_KP7, false), '7');
	assert_int_equal(scanner_hid_keycode_ascii(KEY_LEFTSHIFT, false), 0);
	assert_int_equal(scanner_hid_keycode_ascii(KEY_F1, false), 0);
	assert_int_equal(scanner_hid_keycode_ascii(KEY_ESC, false), 0);
	/* every letter key maps to a distinct letter */
	static const uint16_t letters[] = { KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G,
		KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M, KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R,
		KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z };
	for (int i = 0; i < 26; i++) {
		assert_int_equal(scanner_hid_keycode_ascii(letters[i], false), 'a' + i);
		assert_int_equal(scanner_hid_keycode_ascii(letters[i], true), 'A' + i);
	}
}

static void put_ev(int fd, uint16_t type, uint16_t code, int32_t value)
{
	struct input_event e;
	memset(&e, 0, sizeof e);
	e.type = type;
	e.code = code;
	e.value = value;
	assert_int_equal(write(fd, &e, sizeof e), (ssize_t)sizeof e);
}

static void key(int fd, uint16_t code)
{
	put_ev(fd, EV_MSC, MSC_SCAN, 0x70004);
	put_ev(fd, EV_KEY, code, 1);
	put_ev(fd, EV_SYN, SYN_REPORT, 0);
	put_ev(fd, EV_KEY, code, 0);
	put_ev(fd, EV_SYN, SYN_REPORT, 0);
}

static void test_hid_read(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	scanner_t *s;
	assert_int_equal(scanner_hid_open_fd(p[0], false, &s), KIOSK_OK);
	assert_int_equal(scanner_fd(s), p[0]);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_ENOENT);
	/* "Nu|0" with shift held for N and '|' */
	put_ev(p[1], EV_KEY, KEY_LEFTSHIFT, 1);
	key(p[1], KEY_N);
	put_ev(p[1], EV_KEY, KEY_LEFTSHIFT, 0);
	key(p[1], KEY_U);
	put_ev(p[1], EV_KEY, KEY_RIGHTSHIFT, 1);
	key(p[1], KEY_BACKSLASH);
	put_ev(p[1], EV_KEY, KEY_RIGHTSHIFT, 0);
	put_ev(p[1], EV_KEY, KEY_0, 2); /* auto-repeat: ignored */
	key(p[1], KEY_KP0);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_ENOENT);
	key(p[1], KEY_ENTER);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_OK);
	assert_string_equal(line, "Nu|0");
	/* caps lock flips letters only; shift with caps gives lower case */
	key(p[1], KEY_CAPSLOCK);
	key(p[1], KEY_A);
	key(p[1], KEY_1);
	put_ev(p[1], EV_KEY, KEY_LEFTSHIFT, 1);
	key(p[1], KEY_B);
	put_ev(p[1], EV_KEY, KEY_LEFTSHIFT, 0);
	key(p[1], KEY_CAPSLOCK);
	key(p[1], KEY_C);
	key(p[1], KEY_F5); /* types nothing */
	key(p[1], KEY_KPENTER);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_OK);
	assert_string_equal(line, "A1bc");
	/* the device going away */
	close(p[1]);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_ENODEV);
	scanner_close(s);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void fake_event(const char *root, int n, const char *vid, const char *pid)
{
	char p[512];
	snprintf(p, sizeof p, "%s/event%d", root, n);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/event%d/device", root, n);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/event%d/device/id", root, n);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/event%d/device/id/vendor", root, n);
	write_file(p, vid);
	snprintf(p, sizeof p, "%s/event%d/device/id/product", root, n);
	write_file(p, pid);
}

static void test_hid_find(void **state)
{
	(void)state;
	char root[] = "/tmp/kiosk-sysfs-XXXXXX";
	assert_non_null(mkdtemp(root));
	fake_event(root, 0, "046d\n", "c52b\n");  /* a keyboard */
	fake_event(root, 12, "05e0\n", "1200\n"); /* the scanner, second interface */
	fake_event(root, 7, "05e0\n", "1200\n");  /* the scanner */
	fake_event(root, 3, "05e0\n", "1300\n");
	char p[512];
	snprintf(p, sizeof p, "%s/mouse0", root);
	mkdir(p, 0755);
	char path[256];
	assert_int_equal(scanner_hid_find(root, "/dev/input", 0x05e0, 0x1200, path, sizeof path), KIOSK_OK);
	assert_string_equal(path, "/dev/input/event7");
	assert_int_equal(scanner_hid_find(root, "/dev/input", 0x046d, 0xc52b, path, sizeof path), KIOSK_OK);
	assert_string_equal(path, "/dev/input/event0");
	assert_int_equal(scanner_hid_find(root, "/dev/input", 0x1234, 0x5678, path, sizeof path), KIOSK_ENODEV);
	assert_string_equal(path, "");
	assert_int_equal(scanner_hid_find("/nonexistent", "/dev/input", 1, 2, path, sizeof path), KIOSK_ENODEV);
	assert_int_equal(scanner_hid_find(root, "/dev/input", 0x05e0, 0x1200, path, 8), KIOSK_ERANGE);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	/* bad VID:PID arguments never touch the system */
	scanner_t *s;
	assert_int_equal(scanner_open(&scanner_hid_ops, "05e0", &s), KIOSK_EINVAL);
	assert_int_equal(scanner_open(&scanner_hid_ops, "05e0:12000", &s), KIOSK_EINVAL);
	assert_int_equal(scanner_open(&scanner_hid_ops, "zz:1200", &s), KIOSK_EINVAL);
	assert_null(s);
}

static void test_sim(void **state)
{
	(void)state;
	scanner_t *s;
	assert_int_equal(scanner_open(&scanner_sim_ops, NULL, &s), KIOSK_OK);
	struct pollfd pfd = { .fd = scanner_fd(s), .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 0), 0);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_ENOENT);
	assert_int_equal(scanner_sim_command(s, "scan \"079201000456||LÊ VĂN B|02032001|Nam|Phường Mẫu|20062022\""), KIOSK_OK);
	assert_int_equal(poll(&pfd, 1, 0), 1);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_OK);
	assert_string_equal(line, "079201000456||LÊ VĂN B|02032001|Nam|Phường Mẫu|20062022");
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_ENOENT);
	/* escapes */
	assert_int_equal(scanner_sim_command(s, "  scan  \"a\\\"b\\\\c\\x41\\tz\"  "), KIOSK_OK);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_OK);
	assert_string_equal(line, "a\"b\\cA\tz");
	/* an embedded CR ends a line: two lines */
	assert_int_equal(scanner_sim_command(s, "scan \"one\\rtwo\""), KIOSK_OK);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_OK);
	assert_string_equal(line, "one");
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_OK);
	assert_string_equal(line, "two");
	/* syntax errors inject nothing */
	static const char *const bad[] = { "scan", "scan abc", "scan \"abc", "scan \"a\\q\"",
		"scan \"a\\x4\"", "scan \"a\" b", "scanx \"a\"", "print \"a\"", "" };
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++)
		assert_int_equal(scanner_sim_command(s, bad[i]), KIOSK_EINVAL);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_ENOENT);
	/* many scans without reading do not block: they stay in the assembler */
	for (int i = 0; i < 200; i++)
		assert_int_equal(scanner_sim_inject(s, "0123456789", 10), KIOSK_OK);
	int n = 0;
	while (scanner_read(s, line, sizeof line, &len) == KIOSK_OK)
		n++;
	assert_int_equal(n, 200);
	scanner_close(s);
	/* only a simulated scanner takes injections */
	assert_int_equal(scanner_sim_inject(NULL, "x", 1), KIOSK_EINVAL);
}

static void test_serial_pty(void **state)
{
	(void)state;
	char path[256];
	int baud;
	assert_int_equal(scanner_serial_parse_arg("/dev/ttyACM0", path, sizeof path, &baud), KIOSK_OK);
	assert_string_equal(path, "/dev/ttyACM0");
	assert_int_equal(baud, 9600);
	assert_int_equal(scanner_serial_parse_arg("/dev/ttyACM0:115200", path, sizeof path, &baud), KIOSK_OK);
	assert_int_equal(baud, 115200);
	assert_int_equal(scanner_serial_parse_arg("/dev/ttyACM0:1234", path, sizeof path, &baud), KIOSK_EINVAL);
	assert_int_equal(scanner_serial_parse_arg(":9600", path, sizeof path, &baud), KIOSK_EINVAL);
	assert_int_equal(scanner_serial_parse_arg("", path, sizeof path, &baud), KIOSK_EINVAL);

	int m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	char arg[300];
	snprintf(arg, sizeof arg, "%s:57600", ptsname(m));
	scanner_t *s;
	assert_int_equal(scanner_open(&scanner_serial_ops, arg, &s), KIOSK_OK);
	assert_true(scanner_fd(s) >= 0);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_ENOENT);
	const char *data = "001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu|10102021\r\nsec";
	assert_int_equal(write(m, data, strlen(data)), (ssize_t)strlen(data));
	struct pollfd pfd = { .fd = scanner_fd(s), .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	usleep(20000);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_OK);
	assert_string_equal(line, "001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu|10102021");
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_ENOENT);
	assert_int_equal(write(m, "ond\n", 4), 4);
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	usleep(20000);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_OK);
	assert_string_equal(line, "second"); /* raw mode: no echo, no line discipline */
	/* unplugged: the other end goes away */
	close(m);
	assert_int_equal(scanner_read(s, line, sizeof line, &len), KIOSK_ENODEV);
	scanner_close(s);

	assert_int_equal(scanner_open(&scanner_serial_ops, "/nonexistent/ttyACM9", &s), KIOSK_ENODEV);
	assert_null(s);
	assert_int_equal(scanner_open(&scanner_serial_ops, "/dev/null", &s), KIOSK_EINVAL); /* not a tty */
	assert_int_equal(scanner_open(&scanner_serial_ops, "/dev/null:300", &s), KIOSK_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_basic),
		cmocka_unit_test(test_lines_overflow),
		cmocka_unit_test(test_keycodes),
		cmocka_unit_test(test_hid_read),
		cmocka_unit_test(test_hid_find),
		cmocka_unit_test(test_sim),
		cmocka_unit_test(test_serial_pty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
