/* scanner_serial.c - USB CDC-ACM (or RS-232) scanner: raw termios at
 * 9600-115200 baud, non-blocking reads assembled into lines on CR/LF. */
#include "drivers/scanner/scanner_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/kiosk.h"

int scanner_serial_parse_arg(const char *arg, char *path, size_t cap, int *baud)
{
	*baud = 9600;
	if (cap)
		path[0] = '\0';
	if (!arg || !*arg)
		return KIOSK_EINVAL;
	const char *colon = strrchr(arg, ':');
	size_t plen = colon ? (size_t)(colon - arg) : strlen(arg);
	if (plen == 0 || plen >= cap)
		return KIOSK_EINVAL;
	if (colon) {
		char *end;
		long b = strtol(colon + 1, &end, 10);
		if (*end || (b != 9600 && b != 19200 && b != 38400 && b != 57600 && b != 115200))
			return KIOSK_EINVAL;
		*baud = (int)b;
	}
	memcpy(path, arg, plen);
	path[plen] = '\0';
	return KIOSK_OK;
}

static speed_t speed_of(int baud)
{
	switch (baud) {
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	default: return B9600;
	}
}

static int serial_open(scanner_t *s, const char *arg)
{
	char path[256];
	int baud;
	if (scanner_serial_parse_arg(arg, path, sizeof path, &baud))
		return KIOSK_EINVAL;
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENXIO || errno == ENODEV ? KIOSK_ENODEV
			: errno == EACCES ? KIOSK_EPERM : errno == EBUSY ? KIOSK_EBUSY : KIOSK_EIO;
	struct termios t;
	if (tcgetattr(fd, &t) != 0) {
		close(fd);
		return KIOSK_EINVAL; /* not a terminal */
	}
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
	t.c_cc[VMIN] = 1; /* with O_NONBLOCK: EAGAIN when empty, 0 only on hang-up */
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, speed_of(baud));
	cfsetospeed(&t, speed_of(baud));
	if (tcsetattr(fd, TCSANOW, &t) != 0) {
		close(fd);
		return KIOSK_EIO;
	}
	tcflush(fd, TCIFLUSH); /* nothing stale from before we opened */
	s->fd = fd;
	return KIOSK_OK;
}

static int serial_fd(const scanner_t *s) { return s->fd; }

int scanner_pump_bytes(scanner_t *s)
{
	char tmp[512];
	int rc = KIOSK_OK;
	for (;;) {
		ssize_t n = read(s->fd, tmp, sizeof tmp);
		if (n > 0) {
			scanner_lines_feed(&s->lines, tmp, (size_t)n);
			continue;
		}
		if (n == 0)
			rc = KIOSK_ENODEV; /* hang-up: the device went away */
		else if (errno == EINTR)
			continue;
		else if (errno != EAGAIN && errno != EWOULDBLOCK)
			rc = errno == EIO || errno == ENODEV || errno == ENXIO ? KIOSK_ENODEV : KIOSK_EIO;
		break;
	}
	explicit_bzero(tmp, sizeof tmp);
	return rc;
}

static int serial_read(scanner_t *s, char *out, size_t cap, size_t *len)
{
	int prc = scanner_pump_bytes(s);
	int rc = scanner_lines_next(&s->lines, out, cap, len);
	if (rc == KIOSK_ENOENT && prc != KIOSK_OK)
		return prc;
	return rc;
}

static void serial_close(scanner_t *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

const scanner_ops_t scanner_serial_ops = {
	.name = "serial",
	.open = serial_open,
	.fd = serial_fd,
	.read = serial_read,
	.close = serial_close,
};
