/* scanner_priv.h - the scanner handle shared by the scanner drivers. */
#ifndef SCANNER_PRIV_H
#define SCANNER_PRIV_H

#include <stdbool.h>

#include "drivers/scanner/scanner.h"

struct scanner {
	const scanner_ops_t *ops;
	int fd;            /* device (serial, evdev) or the read end (simulated) */
	int fd2;           /* simulated: the write end */
	bool shift_l, shift_r, caps;
	bool grabbed;
	scanner_lines_t lines;
};

/* Read what fd has (non-blocking) into the assembler, wiping the scratch
 * buffer; KIOSK_OK, KIOSK_ENODEV (hang-up / unplugged) or KIOSK_EIO. */
int scanner_pump_bytes(scanner_t *s);

#endif
