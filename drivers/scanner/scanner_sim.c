/* scanner_sim.c - simulated scanner for scenarios and tests: lines are
 * injected (scenario command `scan "<text>"`) into a pipe, so the scanner
 * has a real file descriptor to poll, then read like a serial scanner. */
#include "drivers/scanner/scanner_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/mfile.h"

static int sim_open(scanner_t *s, const char *arg)
{
	int p[2];
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0)
		return KIOSK_EIO;
	s->fd = p[0];
	s->fd2 = p[1];
	return KIOSK_OK;
}

static int sim_fd(const scanner_t *s) { return s->fd; }

static int sim_read(scanner_t *s, char *out, size_t cap, size_t *len)
{
	int prc = scanner_pump_bytes(s);
	int rc = scanner_lines_next(&s->lines, out, cap, len);
	if (rc == KIOSK_ENOENT && prc != KIOSK_OK)
		return prc;
	return rc;
}

static void sim_close(scanner_t *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->fd2 >= 0)
		close(s->fd2);
	s->fd = s->fd2 = -1;
}

const scanner_ops_t scanner_sim_ops = {
	.name = "simulated",
	.open = sim_open,
	.fd = sim_fd,
	.read = sim_read,
	.close = sim_close,
};

/* KIOSK_EBUSY when the pipe is full, else as mfile_write_all. */
static int write_all(int fd, const char *p, size_t n)
{
	int rc = mfile_write_all(fd, p, n);
	return rc && errno == EAGAIN ? KIOSK_EBUSY : rc;
}

int scanner_sim_inject(scanner_t *s, const char *text, size_t n)
{
	if (!s || s->ops != &scanner_sim_ops || !text)
		return KIOSK_EINVAL;
	/* drain first so a long scenario never fills the pipe */
	int rc = scanner_pump_bytes(s);
	if (rc == KIOSK_OK)
		rc = write_all(s->fd2, text, n);
	if (rc == KIOSK_OK)
		rc = write_all(s->fd2, "\n", 1);
	return rc;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int scanner_sim_command(scanner_t *s, const char *line)
{
	if (!line)
		return KIOSK_EINVAL;
	while (*line == ' ' || *line == '\t')
		line++;
	if (strncmp(line, "scan", 4) != 0 || (line[4] != ' ' && line[4] != '\t'))
		return KIOSK_EINVAL;
	const char *p = line + 4;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '"')
		return KIOSK_EINVAL;
	char buf[SCANNER_LINE_MAX];
	size_t n = 0;
	int rc = KIOSK_EINVAL;
	for (;;) {
		char c = *p++;
		if (c == '\0')
			goto out; /* unterminated */
		if (c == '"')
			break;
		if (c == '\\') {
			char e = *p++;
			switch (e) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'x': {
				int h = hexval(p[0]), l = h >= 0 ? hexval(p[1]) : -1;
				if (l < 0)
					goto out;
				c = (char)(h * 16 + l);
				p += 2;
				break;
			}
			default: goto out;
			}
		}
		if (n + 1 >= sizeof buf) {
			rc = KIOSK_ERANGE;
			goto out;
		}
		buf[n++] = c;
	}
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p)
		goto out; /* trailing junk */
	rc = scanner_sim_inject(s, buf, n);
out:
	explicit_bzero(buf, sizeof buf);
	return rc;
}
