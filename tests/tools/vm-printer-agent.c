/* vm-printer-agent.c - the virtual thermal printer of the VM test bench.
 *
 * Runs inside the guest on the gadget side of a USB printer function
 * (/dev/g_printer0, see tools/vm/guest/gadget). Every byte the host side sends
 * (through usblp or libusb) is appended to a capture file; each real-time
 * status request DLE EOT n (10 04 n) is answered on the IN endpoint with the
 * byte an ESC/POS printer would send in the state named by a control file:
 * ok, near-end, paper-out, cover-open or mute (no answer). The USB class port
 * status (GET_PORT_STATUS) follows the same state.
 * "hold N" is a printer that stops taking data once N bytes other than status
 * queries have arrived since it was plugged in (its buffer full, mechanism
 * stuck): the agent stops reading, so the host's transfer stalls mid-ticket
 * until the control file changes or the cable is pulled. The gadget's own
 * queue (q_len requests of 8 KiB) still takes that much more. "pull N" holds
 * the same way and then pulls the cable itself (the bench's gadget script),
 * so the unplug lands mid-ticket however slow the host is.
 *
 * Usage: vm-printer-agent DEVICE CAPTURE CONTROL
 * Exits 0 when the device reports an error that means "unplugged" so that the
 * caller can wait and start it again; 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <sys/types.h>
#include <linux/usb/g_printer.h>

#define VPA_GADGET "/usr/lib/kiosk-bench/gadget"

enum vpa_state { VPA_OK, VPA_NEAR_END, VPA_PAPER_OUT, VPA_COVER_OPEN, VPA_MUTE };

static enum vpa_state vpa_read_state(const char *control)
{
	char buf[32] = { 0 };
	int fd = open(control, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return VPA_OK;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return VPA_OK;
	if (strncmp(buf, "paper-out", 9) == 0)
		return VPA_PAPER_OUT;
	if (strncmp(buf, "near-end", 8) == 0)
		return VPA_NEAR_END;
	if (strncmp(buf, "cover-open", 10) == 0)
		return VPA_COVER_OPEN;
	if (strncmp(buf, "mute", 4) == 0)
		return VPA_MUTE;
	return VPA_OK;
}

/* N of "hold N" or "pull N" in the control file (-1 when neither); *pull
 * tells which. */
static long vpa_hold_after(const char *control, int *pull)
{
	char buf[32] = { 0 };
	*pull = 0;
	int fd = open(control, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	long v;
	if (n > 0 && sscanf(buf, "hold %ld", &v) == 1 && v >= 0)
		return v;
	if (n > 0 && sscanf(buf, "pull %ld", &v) == 1 && v >= 0) {
		*pull = 1;
		return v;
	}
	return -1;
}

/* Pull the cable: the gadget script unbinds the printer (and restarts this
 * agent, which is how a replugged printer starts afresh). */
static void vpa_pull(const char *control)
{
	int fd = open(control, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd >= 0) { /* once: the replugged printer takes data again */
		if (write(fd, "ok\n", 3) != 3)
			fprintf(stderr, "vm-printer-agent: cannot reset %s\n", control);
		close(fd);
	}
	pid_t pid = fork();
	if (pid == 0) {
		execl(VPA_GADGET, VPA_GADGET, "printer", "unplug", (char *)NULL);
		_exit(127);
	}
}

/* The DLE EOT n reply (bits 1 and 4 always set, see docs/printing notes). */
static int vpa_reply(enum vpa_state st, unsigned n)
{
	switch (n) {
	case 1: return (st == VPA_PAPER_OUT || st == VPA_COVER_OPEN) ? 0x1A : 0x12;
	case 2:
		if (st == VPA_PAPER_OUT)
			return 0x32;
		return st == VPA_COVER_OPEN ? 0x16 : 0x12;
	case 3: return 0x12;
	case 4:
		if (st == VPA_PAPER_OUT)
			return 0x72;
		return st == VPA_NEAR_END ? 0x1E : 0x12;
	default: return -1;
	}
}

static void vpa_port_status(int dev, enum vpa_state st)
{
	unsigned char s = PRINTER_SELECTED | PRINTER_NOT_ERROR;
	if (st == VPA_PAPER_OUT)
		s = PRINTER_SELECTED | PRINTER_PAPER_EMPTY;
	else if (st == VPA_COVER_OPEN)
		s = PRINTER_SELECTED;
	(void)ioctl(dev, GADGET_SET_PRINTER_STATUS, (unsigned long)s);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s DEVICE CAPTURE CONTROL\n", argv[0]);
		return 2;
	}
	int dev = open(argv[1], O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		fprintf(stderr, "vm-printer-agent: cannot open %s: %s\n", argv[1], strerror(errno));
		return 0;
	}
	int cap = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (cap < 0) {
		fprintf(stderr, "vm-printer-agent: cannot open %s: %s\n", argv[2], strerror(errno));
		close(dev);
		return 2;
	}
	enum vpa_state st = vpa_read_state(argv[3]);
	vpa_port_status(dev, st);
	/* Matcher state across reads: 0 idle, 1 after DLE, 2 after DLE EOT. */
	int match = 0;
	long data = 0; /* bytes other than status queries since plugged in */
	unsigned char buf[16384];
	for (;;) {
		int pull;
		long hold = vpa_hold_after(argv[3], &pull);
		if (hold >= 0 && data >= hold) {
			if (pull) {
				vpa_pull(argv[3]);
				for (;;) /* reads no more; the gadget script ends us */
					pause();
			}
			usleep(100000);
			continue;
		}
		size_t want = sizeof buf;
		if (hold >= 0 && (size_t)(hold - data) < want)
			want = (size_t)(hold - data);
		ssize_t n = read(dev, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "vm-printer-agent: read: %s (unplugged?)\n", strerror(errno));
			break;
		}
		if (n == 0) {
			usleep(50000);
			continue;
		}
		if (write(cap, buf, (size_t)n) != n) {
			fprintf(stderr, "vm-printer-agent: capture write failed: %s\n", strerror(errno));
			break;
		}
		data += n;
		for (ssize_t i = 0; i < n; i++) {
			unsigned char b = buf[i];
			if (match == 2) {
				match = 0;
				data -= 3;
				st = vpa_read_state(argv[3]);
				vpa_port_status(dev, st);
				int r = vpa_reply(st, b);
				if (r >= 0 && st != VPA_MUTE) {
					unsigned char out = (unsigned char)r;
					if (write(dev, &out, 1) != 1)
						fprintf(stderr, "vm-printer-agent: reply failed: %s\n", strerror(errno));
				}
				continue;
			}
			if (match == 1 && b == 0x04) {
				match = 2;
				continue;
			}
			match = (b == 0x10) ? 1 : 0;
		}
	}
	close(cap);
	close(dev);
	return 0;
}
