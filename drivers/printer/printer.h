/* printer.h - the printer behind an ops struct: raw I/O (bulk write with
 * "transferred", bulk read), an optional direct status (simulated printers),
 * job framing, hotplug hooks and close. Generic helpers build the DLE EOT
 * status query and the chunked, resumable send on top of the raw I/O.
 *
 * Implementations: printer_usb.c (libusb), printer_file.c (simulated printer
 * writing into a spool folder), printer_fake.c (fault injection for tests). */
#ifndef PRINTER_H
#define PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "drivers/printer/escpos.h"
#include "core/printer_state.h"

typedef struct printer_ops {
	const char *name;          /* "usb", "file", "fake" */
	/* Bulk OUT: writes up to len bytes; *transferred is set on every path,
	 * also with KIOSK_ETIMEOUT (bytes accepted before the timeout).
	 * KIOSK_ENODEV when the device is gone. */
	int (*write)(void *ctx, const uint8_t *buf, size_t len, size_t *transferred, int timeout_ms);
	/* Bulk IN: KIOSK_OK with *got (0 on timeout), or KIOSK_ENODEV/EIO. */
	int (*read)(void *ctx, uint8_t *buf, size_t cap, size_t *got, int timeout_ms);
	/* Optional: the transport knows its state itself (simulated printer).
	 * NULL: printer_query uses DLE EOT over write/read. */
	int (*status)(void *ctx, printer_state_t *state);
	/* Optional: a ticket starts (name "<ticket id>-<number>") / ends. */
	int (*job_begin)(void *ctx, const char *name);
	int (*job_end)(void *ctx, bool printed);
	/* Optional: device currently open (false: absent, searching). */
	bool (*present)(void *ctx);
	/* Optional hotplug and search hooks (see tickets_poll_fds). */
	int (*poll_fds)(void *ctx, int *fds, int max);
	int64_t (*next_deadline)(void *ctx);
	void (*tick)(void *ctx);
	/* Optional: wait for the mechanism after a send before confirming. */
	bool wait_mechanism;
	void (*close)(void *ctx);
} printer_ops_t;

typedef struct {
	const printer_ops_t *ops;
	void *ctx;
	const escpos_profile_t *prof;
} printer_t;

/* Status query: a direct status, or DLE EOT 1, 2 and 4 over raw I/O (stale
 * input drained first, replies validated with (b & 0x93) == 0x12, retried,
 * then PRINTER_NOT_RESPONDING). Device gone: PRINTER_NO_PRINTER. */
printer_state_t printer_query(printer_t *p);

/* KIOSK_* code for a state that prevents printing (KIOSK_OK for OK and
 * NEAR_END). */
int printer_state_rc(printer_state_t s);

/* Per-chunk write timeout for a profile: time to print a full buffer plus
 * one chunk at the slowest speed, plus 3 s. */
int printer_chunk_timeout_ms(const escpos_profile_t *prof);

/* Send len bytes in chunks; on a timeout resume at "transferred" (never
 * resend). Between stalls the status is read: paper out / cover open /
 * offline end the send with that state. *sent = bytes that reached the
 * transport (set on every path); *state = the printer state on failure. */
int printer_send(printer_t *p, const uint8_t *buf, size_t len, size_t *sent, printer_state_t *state);

/* ---- file transport (simulated printer) ---- */
/* Opens a simulated printer writing into spool_dir (created if missing);
 * temp files (".*.tmp") a kill left there are removed. */
int printer_file_open(const char *spool_dir, printer_t *out, char *err, size_t errlen);
/* State the next operations see; after_bytes >= 0: the failure starts after
 * that many bytes of the next job. */
int printer_file_sim(printer_t *p, printer_state_t state, long after_bytes);
/* The hook for whoever voids a ticket: remove the spool files of ticket_id
 * ("<ticket_id>-<number>.png|.escpos" and their temp files), so that a voided
 * number leaves no ticket (and no citizen's QR) in the spool; the ledger is
 * the truth. A no-op (KIOSK_OK) for any other transport. */
int printer_file_remove_ticket(printer_t *p, const char *ticket_id);
/* Calls fn once for each ticket id that has files in the spool (names
 * "<ticket_id>-<number>.png|.escpos"), so that whoever opens the ledger can
 * remove those of numbers it voided at start (a kill mid-ticket). fn may call
 * printer_file_remove_ticket. The ids are collected before the first call.
 * A no-op (KIOSK_OK) for any other transport; KIOSK_ENOMEM on no memory. */
int printer_file_each_ticket(printer_t *p, void (*fn)(const char *ticket_id, void *ctx), void *ctx);

/* ---- USB transport (libusb) ---- */
/* allow: "VID:PID,..." (hex) extra printers, may be NULL. only: a single
 * "VID:PID" to restrict to, may be NULL. The printer may be absent: the
 * transport then reports PRINTER_NO_PRINTER and searches every 2 s (and on
 * hotplug events). clock is borrowed (for the search deadline).
 * KIOSK_ENODEV when libusb is unusable or discovery is disabled
 * (KIOSK_USB_NO_DISCOVERY=1). */
int printer_usb_open(const char *allow, const char *only, const kclock_t *clock, printer_t *out,
		     char *err, size_t errlen);
/* Whether a USB printer is currently open. */
bool printer_usb_found(printer_t *p);
/* (tests) Whether an interface altsetting is a usable printer: class 7
 * subclass 1, or any class when listed (allow-list); needs a bulk OUT
 * endpoint; the first bulk IN is taken for status. */
struct libusb_interface_descriptor;
bool printer_usb_pick_endpoints(const struct libusb_interface_descriptor *alt, bool listed,
				uint8_t *out, uint8_t *in, bool *has_in);

/* ---- fault-injecting fake (tests) ---- */
typedef struct {
	/* Written stream (everything except bare DLE EOT queries). */
	uint8_t *received;
	size_t nreceived, capreceived;
	long jobs_begun, jobs_printed, jobs_failed;
	/* Script: */
	size_t max_per_write;      /* short writes: accept at most this per call (0 = all) */
	int stall_writes;          /* next N writes time out with 0 bytes */
	int timeout_partial_every; /* every Nth write times out after half of it */
	long unplug_after;         /* -1 off; device gone after this many job bytes */
	long paper_out_after;      /* -1 off; paper ends after this many job bytes */
	long cover_open_after;     /* -1 off */
	printer_state_t state;     /* what the status reports now */
	int stale_bytes;           /* stale bytes waiting in IN before a query */
	int garbage_replies;       /* next N replies fail the mask */
	int silent_replies;        /* next N queries get no reply */
	bool realtime_in_data;     /* DLE EOT n inside data triggers a reply */
	bool unplugged;
	int write_calls;
	long job_bytes;
	int write_delay_us;        /* sleep per write (crash tests) */
	/* IN queue */
	uint8_t in[64];
	int nin;
} printer_fake_t;

void printer_fake_init(printer_fake_t *f);
void printer_fake_reset_stream(printer_fake_t *f);
void printer_fake_free(printer_fake_t *f);
/* A printer_t over the fake (borrowed; close does not free it). */
void printer_fake_attach(printer_fake_t *f, const escpos_profile_t *prof, printer_t *out);

#endif
