/* scanner_hid.c - scanner in HID keyboard mode: find its evdev node by USB
 * VID:PID in sysfs, grab it (EVIOCGRAB) so its keystrokes never reach the
 * focused text field, and turn key presses into ASCII (US layout, shift and
 * caps lock) assembled into lines ended by Enter. Keyboard-mode scanners
 * cannot type Vietnamese letters: the CCCD parser detects what they lose. */
#include "drivers/scanner/scanner_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/kiosk.h"

/* Unshifted and shifted characters by key code (US layout). */
static const struct {
	uint16_t code;
	char plain, shifted;
} keymap[] = {
	{ KEY_1, '1', '!' }, { KEY_2, '2', '@' }, { KEY_3, '3', '#' }, { KEY_4, '4', '$' },
	{ KEY_5, '5', '%' }, { KEY_6, '6', '^' }, { KEY_7, '7', '&' }, { KEY_8, '8', '*' },
	{ KEY_9, '9', '(' }, { KEY_0, '0', ')' }, { KEY_MINUS, '-', '_' }, { KEY_EQUAL, '=', '+' },
	{ KEY_Q, 'q', 'Q' }, { KEY_W, 'w', 'W' }, { KEY_E, 'e', 'E' }, { KEY_R, 'r', 'R' },
	{ KEY_T, 't', 'T' }, { KEY_Y, 'y', 'Y' }, { KEY_U, 'u', 'U' }, { KEY_I, 'i', 'I' },
	{ KEY_O, 'o', 'O' }, { KEY_P, 'p', 'P' }, { KEY_LEFTBRACE, '[', '{' },
	{ KEY_RIGHTBRACE, ']', '}' }, { KEY_A, 'a', 'A' }, { KEY_S, 's', 'S' },
	{ KEY_D, 'd', 'D' }, { KEY_F, 'f', 'F' }, { KEY_G, 'g', 'G' }, { KEY_H, 'h', 'H' },
	{ KEY_J, 'j', 'J' }, { KEY_K, 'k', 'K' }, { KEY_L, 'l', 'L' }, { KEY_SEMICOLON, ';', ':' },
	{ KEY_APOSTROPHE, '\'', '"' }, { KEY_GRAVE, '`', '~' }, { KEY_BACKSLASH, '\\', '|' },
	{ KEY_Z, 'z', 'Z' }, { KEY_X, 'x', 'X' }, { KEY_C, 'c', 'C' }, { KEY_V, 'v', 'V' },
	{ KEY_B, 'b', 'B' }, { KEY_N, 'n', 'N' }, { KEY_M, 'm', 'M' }, { KEY_COMMA, ',', '<' },
	{ KEY_DOT, '.', '>' }, { KEY_SLASH, '/', '?' }, { KEY_SPACE, ' ', ' ' },
	{ KEY_TAB, '\t', '\t' }, { KEY_ENTER, '\n', '\n' }, { KEY_KPENTER, '\n', '\n' },
	{ KEY_KP0, '0', '0' }, { KEY_KP1, '1', '1' }, { KEY_KP2, '2', '2' }, { KEY_KP3, '3', '3' },
	{ KEY_KP4, '4', '4' }, { KEY_KP5, '5', '5' }, { KEY_KP6, '6', '6' }, { KEY_KP7, '7', '7' },
	{ KEY_KP8, '8', '8' }, { KEY_KP9, '9', '9' }, { KEY_KPDOT, '.', '.' },
	{ KEY_KPSLASH, '/', '/' }, { KEY_KPASTERISK, '*', '*' }, { KEY_KPMINUS, '-', '-' },
	{ KEY_KPPLUS, '+', '+' },
};

char scanner_hid_keycode_ascii(uint16_t code, bool shift)
{
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(keymap); i++)
		if (keymap[i].code == code)
			return shift ? keymap[i].shifted : keymap[i].plain;
	return 0;
}

static bool is_letter_key(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static int read_hex_file(const char *path, unsigned *out)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return KIOSK_ENOENT;
	int ok = fscanf(f, "%x", out) == 1;
	fclose(f);
	return ok ? KIOSK_OK : KIOSK_EINVAL;
}

int scanner_hid_find(const char *sysfs, const char *devdir, uint16_t vid, uint16_t pid,
		     char *path, size_t cap)
{
	if (cap)
		path[0] = '\0';
	DIR *d = opendir(sysfs);
	if (!d)
		return KIOSK_ENODEV;
	long best = -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, "event", 5) != 0)
			continue;
		long n = strtol(e->d_name + 5, &end, 10);
		if (*end || end == e->d_name + 5 || n < 0)
			continue;
		char p[512];
		unsigned v, pr;
		snprintf(p, sizeof p, "%s/%s/device/id/vendor", sysfs, e->d_name);
		if (read_hex_file(p, &v))
			continue;
		snprintf(p, sizeof p, "%s/%s/device/id/product", sysfs, e->d_name);
		if (read_hex_file(p, &pr))
			continue;
		if (v == vid && pr == pid && (best < 0 || n < best))
			best = n; /* the first interface of the device */
	}
	closedir(d);
	if (best < 0)
		return KIOSK_ENODEV;
	int w = snprintf(path, cap, "%s/event%ld", devdir, best);
	return w < 0 || (size_t)w >= cap ? KIOSK_ERANGE : KIOSK_OK;
}

static int parse_vidpid(const char *arg, uint16_t *vid, uint16_t *pid)
{
	unsigned v, p;
	char tail;
	if (!arg || sscanf(arg, "%4x:%4x%c", &v, &p, &tail) != 2)
		return KIOSK_EINVAL;
	*vid = (uint16_t)v;
	*pid = (uint16_t)p;
	return KIOSK_OK;
}

static int hid_open(scanner_t *s, const char *arg)
{
	uint16_t vid, pid;
	if (parse_vidpid(arg, &vid, &pid))
		return KIOSK_EINVAL;
	char path[512];
	int rc = scanner_hid_find("/sys/class/input", "/dev/input", vid, pid, path, sizeof path);
	if (rc)
		return rc;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == EACCES ? KIOSK_EPERM : KIOSK_ENODEV;
	if (ioctl(fd, EVIOCGRAB, 1) != 0) {
		close(fd);
		return KIOSK_EBUSY; /* another program holds it */
	}
	s->fd = fd;
	s->grabbed = true;
	return KIOSK_OK;
}

static int hid_fd(const scanner_t *s) { return s->fd; }

static void key_event(scanner_t *s, uint16_t code, int32_t value)
{
	if (code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT) {
		bool down = value != 0;
		if (code == KEY_LEFTSHIFT)
			s->shift_l = down;
		else
			s->shift_r = down;
		return;
	}
	if (value != 1)
		return; /* releases and auto-repeats type nothing */
	if (code == KEY_CAPSLOCK) {
		s->caps = !s->caps;
		return;
	}
	bool shift = s->shift_l || s->shift_r;
	char c = scanner_hid_keycode_ascii(code, shift);
	if (c && is_letter_key(c) && s->caps)
		c = scanner_hid_keycode_ascii(code, !shift);
	if (c)
		scanner_lines_feed(&s->lines, &c, 1);
}

static int hid_read(scanner_t *s, char *out, size_t cap, size_t *len)
{
	struct input_event ev[32];
	int prc = KIOSK_OK;
	for (;;) {
		ssize_t n = read(s->fd, ev, sizeof ev);
		if (n > 0) {
			size_t cnt = (size_t)n / sizeof ev[0];
			for (size_t i = 0; i < cnt; i++)
				if (ev[i].type == EV_KEY)
					key_event(s, ev[i].code, ev[i].value);
			continue;
		}
		if (n == 0)
			prc = KIOSK_ENODEV;
		else if (errno == EINTR)
			continue;
		else if (errno != EAGAIN && errno != EWOULDBLOCK)
			prc = errno == ENODEV || errno == EIO ? KIOSK_ENODEV : KIOSK_EIO;
		break;
	}
	explicit_bzero(ev, sizeof ev);
	int rc = scanner_lines_next(&s->lines, out, cap, len);
	if (rc == KIOSK_ENOENT && prc != KIOSK_OK)
		return prc;
	return rc;
}

static void hid_close(scanner_t *s)
{
	if (s->fd >= 0) {
		if (s->grabbed)
			ioctl(s->fd, EVIOCGRAB, 0);
		close(s->fd);
	}
	s->fd = -1;
	s->grabbed = false;
}

const scanner_ops_t scanner_hid_ops = {
	.name = "hid",
	.open = hid_open,
	.fd = hid_fd,
	.read = hid_read,
	.close = hid_close,
};

int scanner_hid_open_fd(int fd, bool grab, scanner_t **out)
{
	*out = NULL;
	if (fd < 0)
		return KIOSK_EINVAL;
	scanner_t *s = calloc(1, sizeof *s);
	if (!s) {
		close(fd);
		return KIOSK_ENOMEM;
	}
	s->ops = &scanner_hid_ops;
	s->fd = fd;
	s->fd2 = -1;
	scanner_lines_init(&s->lines);
	if (grab) {
		if (ioctl(fd, EVIOCGRAB, 1) != 0) {
			close(fd);
			free(s);
			return KIOSK_EBUSY;
		}
		s->grabbed = true;
	}
	*out = s;
	return KIOSK_OK;
}
