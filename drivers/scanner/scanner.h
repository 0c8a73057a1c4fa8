/* scanner.h - barcode/QR scanners behind one ops struct: a serial (USB
 * CDC-ACM) scanner, a HID keyboard-mode scanner grabbed by VID:PID, and a
 * simulated one fed by the scenario command `scan "<text>"`.
 *
 * A scanner delivers complete lines (the code text without its CR/LF). Scans
 * are personal data (an ID card QR): drivers wipe their raw buffers after
 * use; the caller wipes the line it received (explicit_bzero) when done, and
 * never logs it. */
#ifndef SCANNER_H
#define SCANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCANNER_LINE_MAX 4096 /* longest line kept; longer ones are dropped */

typedef struct scanner scanner_t;

typedef struct {
	const char *name;
	/* arg: serial "PATH[:BAUD]", HID "VVVV:PPPP" (hex), simulated: ignored. */
	int (*open)(scanner_t *s, const char *arg);
	/* File descriptor to poll for POLLIN, or -1. */
	int (*fd)(const scanner_t *s);
	/* Read what is available without blocking and return one complete line:
	 * KIOSK_OK (line in out, *len bytes, NUL-terminated), KIOSK_ENOENT (no
	 * complete line yet), KIOSK_ERANGE (a line longer than SCANNER_LINE_MAX
	 * or than cap was dropped: ask to scan again), KIOSK_ENODEV (unplugged),
	 * KIOSK_EIO. */
	int (*read)(scanner_t *s, char *out, size_t cap, size_t *len);
	void (*close)(scanner_t *s);
} scanner_ops_t;

extern const scanner_ops_t scanner_serial_ops;
extern const scanner_ops_t scanner_hid_ops;
extern const scanner_ops_t scanner_sim_ops;

/* Open a scanner with the given ops; *out is NULL on failure. Caller owns
 * the scanner and closes it with scanner_close(). */
int scanner_open(const scanner_ops_t *ops, const char *arg, scanner_t **out);
int scanner_fd(const scanner_t *s);
int scanner_read(scanner_t *s, char *out, size_t cap, size_t *len);
void scanner_close(scanner_t *s);

/* ---- line assembly (shared by the drivers, public for tests) ------------ */

typedef struct {
	char buf[SCANNER_LINE_MAX];
	size_t len;
	bool dropping;   /* inside an overlong line: skip to its end */
	bool dropped;    /* an overlong line was dropped, not yet reported */
} scanner_lines_t;

void scanner_lines_init(scanner_lines_t *l);
/* Add received bytes. A line ends at CR, LF or CR LF; empty lines vanish. */
void scanner_lines_feed(scanner_lines_t *l, const char *data, size_t n);
/* Take the next complete line: KIOSK_OK, KIOSK_ENOENT or KIOSK_ERANGE as
 * for scanner_ops_t.read. Consumed bytes are wiped. */
int scanner_lines_next(scanner_lines_t *l, char *out, size_t cap, size_t *len);
/* Wipe everything buffered. */
void scanner_lines_wipe(scanner_lines_t *l);

/* ---- serial ---------------------------------------------------------------- */

/* Baud rates accepted: 9600, 19200, 38400, 57600, 115200 (default 9600). */
int scanner_serial_parse_arg(const char *arg, char *path, size_t cap, int *baud);

/* ---- HID keyboard mode ----------------------------------------------------- */

/* ASCII for a Linux input key code on a US layout with shift state; 0 for
 * keys that type nothing; '\n' for Enter. */
char scanner_hid_keycode_ascii(uint16_t code, bool shift);
/* Find /dev/input/eventN whose sysfs id matches vid:pid. sysfs is the
 * input class folder ("/sys/class/input"), devdir "/dev/input". Writes the
 * device path. KIOSK_OK or KIOSK_ENODEV. */
int scanner_hid_find(const char *sysfs, const char *devdir, uint16_t vid, uint16_t pid,
		     char *path, size_t cap);
/* Open an already opened evdev-like fd (tests use a pipe of input_event
 * records); grab is attempted only when grab is true. Takes the fd. */
int scanner_hid_open_fd(int fd, bool grab, scanner_t **out);

/* ---- simulated ------------------------------------------------------------- */

/* Queue text as one scanned line (a line feed is added). */
int scanner_sim_inject(scanner_t *s, const char *text, size_t n);
/* Run a scenario line `scan "<text>"`: C-style escapes \" \\ \n \r \t \xHH
 * are decoded (so tests can send raw bytes). KIOSK_EINVAL on bad syntax. */
int scanner_sim_command(scanner_t *s, const char *line);

#endif
