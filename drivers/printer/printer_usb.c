/* printer_usb.c - USB printer transport over libusb: discovery by interface
 * class 7 or a VID:PID allow-list (vendor class 0xFF too), endpoints from the
 * descriptors, usblp auto-detach, claim once, never reset; survives unplug,
 * replug and power cycles by rediscovering (hotplug events plus a 2 s
 * search while absent). With KIOSK_USB_NO_DISCOVERY=1 libusb is never
 * initialised (device discovery hangs under qemu user emulation). */
#include "core/log.h"
#include "drivers/printer/printer.h"

#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kiosk.h"

#define SEARCH_MS 2000
#define MAX_ALLOW 16
/* After a failed transfer, how long the device may take to be gone. */
#define GONE_WAIT_MS 1500
#define GONE_STEP_MS 100

typedef struct {
	libusb_context *usb;
	libusb_device_handle *h;
	int iface, alt;
	uint8_t ep_out, ep_in;
	bool has_in;
	uint16_t allow[MAX_ALLOW][2];
	int nallow;
	bool only_set;
	uint16_t only[2];
	const kclock_t *clock;
	int64_t next_search;
	bool hotplug, rescan;
	libusb_hotplug_callback_handle cb;
} usbp_t;

static int hex4(const char *s, uint16_t *v)
{
	unsigned x = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		x = x * 16 + (unsigned)d;
	}
	*v = (uint16_t)x;
	return 0;
}

/* "VID:PID[,VID:PID...]", four hex digits each. */
static int parse_ids(const char *s, uint16_t (*out)[2], int max, int *n)
{
	*n = 0;
	if (!s)
		return KIOSK_OK;
	for (;;) {
		if (strlen(s) < 9 || hex4(s, &out[*n][0]) || s[4] != ':' || hex4(s + 5, &out[*n][1]))
			return KIOSK_EINVAL;
		if (++*n > max)
			return KIOSK_ERANGE;
		s += 9;
		if (*s == 0)
			return KIOSK_OK;
		if (*s != ',' || *n == max)
			return *s == ',' ? KIOSK_ERANGE : KIOSK_EINVAL;
		s++;
	}
}

static bool allowed(const usbp_t *u, uint16_t v, uint16_t p)
{
	for (int i = 0; i < u->nallow; i++)
		if (u->allow[i][0] == v && u->allow[i][1] == p)
			return true;
	return false;
}

static void drop(usbp_t *u)
{
	if (!u->h)
		return;
	libusb_release_interface(u->h, u->iface);
	libusb_close(u->h);
	u->h = NULL;
}

/* Look at one altsetting: a candidate when class 7 (subclass 1) or the
 * device is allow-listed; needs a bulk OUT endpoint. */
bool printer_usb_pick_endpoints(const struct libusb_interface_descriptor *alt, bool listed,
				uint8_t *out, uint8_t *in, bool *has_in)
{
	if (!(listed || (alt->bInterfaceClass == LIBUSB_CLASS_PRINTER && alt->bInterfaceSubClass == 1)))
		return false;
	*out = 0;
	*has_in = false;
	for (int e = 0; e < alt->bNumEndpoints; e++) {
		const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];
		if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK)
			continue;
		if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) {
			if (!*has_in) {
				*in = ep->bEndpointAddress;
				*has_in = true;
			}
		} else if (!*out) {
			*out = ep->bEndpointAddress;
		}
	}
	return *out != 0;
}

static int try_device(usbp_t *u, libusb_device *dev)
{
	struct libusb_device_descriptor dd;
	if (libusb_get_device_descriptor(dev, &dd) != 0)
		return KIOSK_ENODEV;
	if (u->only_set && (dd.idVendor != u->only[0] || dd.idProduct != u->only[1]))
		return KIOSK_ENODEV;
	bool listed = allowed(u, dd.idVendor, dd.idProduct) || u->only_set;
	struct libusb_config_descriptor *cfg = NULL;
	if (libusb_get_active_config_descriptor(dev, &cfg) != 0 &&
	    libusb_get_config_descriptor(dev, 0, &cfg) != 0)
		return KIOSK_ENODEV;
	int best_iface = -1, best_alt = 0, best_proto = -1;
	uint8_t bout = 0, bin = 0;
	bool bhas_in = false;
	for (int i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface *itf = &cfg->interface[i];
		for (int a = 0; a < itf->num_altsetting; a++) {
			const struct libusb_interface_descriptor *alt = &itf->altsetting[a];
			uint8_t o, in = 0;
			bool hin;
			if (!printer_usb_pick_endpoints(alt, listed, &o, &in, &hin))
				continue;
			int proto = alt->bInterfaceProtocol == 2 ? 2 : hin ? 1 : 0;
			if (proto > best_proto) {
				best_proto = proto;
				best_iface = alt->bInterfaceNumber;
				best_alt = alt->bAlternateSetting;
				bout = o;
				bin = in;
				bhas_in = hin;
			}
		}
	}
	int want_cfg = cfg->bConfigurationValue;
	libusb_free_config_descriptor(cfg);
	if (best_iface < 0)
		return KIOSK_ENODEV;
	libusb_device_handle *h = NULL;
	if (libusb_open(dev, &h) != 0)
		return KIOSK_ENODEV; /* often LIBUSB_ERROR_ACCESS: see the udev rule */
	libusb_set_auto_detach_kernel_driver(h, 1);
	int cur = 0;
	if (libusb_get_configuration(h, &cur) == 0 && cur != want_cfg)
		libusb_set_configuration(h, want_cfg);
	if (libusb_claim_interface(h, best_iface) != 0) {
		log_warn("printer found but busy (interface %d): another program holds it", best_iface);
		libusb_close(h);
		return KIOSK_EBUSY;
	}
	if (best_alt && libusb_set_interface_alt_setting(h, best_iface, best_alt) != 0) {
		libusb_release_interface(h, best_iface);
		libusb_close(h);
		return KIOSK_ENODEV;
	}
	log_info("printer %04x:%04x ready (interface %d, out 0x%02x, in 0x%02x)", dd.idVendor,
		 dd.idProduct, best_iface, bout, bhas_in ? bin : 0);
	u->h = h;
	u->iface = best_iface;
	u->alt = best_alt;
	u->ep_out = bout;
	u->ep_in = bin;
	u->has_in = bhas_in;
	return KIOSK_OK;
}

static void search(usbp_t *u)
{
	u->rescan = false;
	u->next_search = kclock_mono(u->clock) + SEARCH_MS;
	if (u->h)
		return;
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list(u->usb, &list);
	for (ssize_t i = 0; i < n && !u->h; i++)
		try_device(u, list[i]);
	if (list)
		libusb_free_device_list(list, 1);
}

static int LIBUSB_CALL on_hotplug(libusb_context *ctx, libusb_device *dev, libusb_hotplug_event ev,
				  void *data)
{
	usbp_t *u = data;
	if (ev == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT && u->h && libusb_get_device(u->h) == dev)
		drop(u);
	u->rescan = true;
	return 0;
}

static bool gone_code(int r)
{
	return r == LIBUSB_ERROR_NO_DEVICE || r == LIBUSB_ERROR_NOT_FOUND;
}

/* A transfer ended with an I/O error or a stall. A cable pulled in the middle
 * of a transfer ends it so (EPROTO, ESHUTDOWN) before the kernel has removed
 * the device, and the status query that follows would only see a printer
 * that does not answer. So ask the device itself (GET_STATUS) for up to
 * GONE_WAIT_MS: gone means KIOSK_ENODEV (no printer: dropped, searched for
 * again); an answer, or no verdict in time, leaves the I/O error. */
static int io_error(usbp_t *u)
{
	for (int waited = 0;; waited += GONE_STEP_MS) {
		unsigned char st[2];
		int r = libusb_control_transfer(u->h, LIBUSB_ENDPOINT_IN | LIBUSB_REQUEST_TYPE_STANDARD |
							      LIBUSB_RECIPIENT_DEVICE,
						LIBUSB_REQUEST_GET_STATUS, 0, 0, st, sizeof st, GONE_STEP_MS);
		if (gone_code(r)) {
			drop(u);
			u->rescan = true;
			return KIOSK_ENODEV;
		}
		if (r >= 0 || waited >= GONE_WAIT_MS)
			return KIOSK_EIO;
		struct timespec ts = {0, GONE_STEP_MS * 1000000L};
		nanosleep(&ts, NULL);
	}
}

static int map_err(usbp_t *u, int r, uint8_t ep)
{
	if (r == 0)
		return KIOSK_OK;
	if (r == LIBUSB_ERROR_TIMEOUT)
		return KIOSK_ETIMEOUT;
	if (gone_code(r)) {
		drop(u);
		u->rescan = true;
		return KIOSK_ENODEV;
	}
	if (r == LIBUSB_ERROR_PIPE)
		libusb_clear_halt(u->h, ep);
	return io_error(u);
}

static int u_write(void *ctx, const uint8_t *buf, size_t len, size_t *tr, int timeout_ms)
{
	usbp_t *u = ctx;
	*tr = 0;
	if (!u->h)
		return KIOSK_ENODEV;
	int done = 0;
	int r = libusb_bulk_transfer(u->h, u->ep_out, (unsigned char *)buf, (int)len, &done, (unsigned)timeout_ms);
	*tr = done > 0 ? (size_t)done : 0;
	if (r == 0 && *tr < len)
		return KIOSK_ETIMEOUT; /* short write: resume at the offset */
	return map_err(u, r, u->ep_out);
}

static int u_read(void *ctx, uint8_t *buf, size_t cap, size_t *got, int timeout_ms)
{
	usbp_t *u = ctx;
	*got = 0;
	if (!u->h)
		return KIOSK_ENODEV;
	if (!u->has_in)
		return KIOSK_OK;
	unsigned char tmp[512];
	int done = 0;
	int r = libusb_bulk_transfer(u->h, u->ep_in, tmp, sizeof tmp, &done, (unsigned)timeout_ms);
	if (r == LIBUSB_ERROR_TIMEOUT || r == 0) {
		size_t n = done > 0 ? (size_t)done : 0;
		if (n > cap) {
			memcpy(buf, tmp + n - cap, cap); /* keep the newest bytes */
			n = cap;
		} else {
			memcpy(buf, tmp, n);
		}
		*got = n;
		return KIOSK_OK;
	}
	return map_err(u, r, u->ep_in);
}

static bool u_present(void *ctx)
{
	usbp_t *u = ctx;
	if (u->hotplug) {
		struct timeval tv = {0, 0};
		libusb_handle_events_timeout_completed(u->usb, &tv, NULL);
	}
	if (!u->h && (u->rescan || kclock_mono(u->clock) >= u->next_search))
		search(u);
	return u->h != NULL;
}

static int u_poll_fds(void *ctx, int *fds, int max)
{
	usbp_t *u = ctx;
	const struct libusb_pollfd **pf = libusb_get_pollfds(u->usb);
	int n = 0;
	for (int i = 0; pf && pf[i] && n < max; i++)
		fds[n++] = pf[i]->fd;
	libusb_free_pollfds(pf);
	return n;
}

static int64_t u_next_deadline(void *ctx)
{
	usbp_t *u = ctx;
	return u->h ? -1 : u->next_search;
}

static void u_tick(void *ctx)
{
	u_present(ctx);
}

static void u_close(void *ctx)
{
	usbp_t *u = ctx;
	if (!u)
		return;
	drop(u);
	if (u->hotplug)
		libusb_hotplug_deregister_callback(u->usb, u->cb);
	libusb_exit(u->usb);
	free(u);
}

static const printer_ops_t usb_ops = {
	.name = "usb",
	.write = u_write,
	.read = u_read,
	.present = u_present,
	.poll_fds = u_poll_fds,
	.next_deadline = u_next_deadline,
	.tick = u_tick,
	.wait_mechanism = true,
	.close = u_close,
};

int printer_usb_open(const char *allow, const char *only, const kclock_t *clock, printer_t *out,
		     char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!clock)
		return KIOSK_EINVAL;
	usbp_t *u = calloc(1, sizeof *u);
	if (!u)
		return KIOSK_ENOMEM;
	int n1 = 0;
	if (parse_ids(allow, u->allow, MAX_ALLOW, &u->nallow) ||
	    parse_ids(only, &u->only, 1, &n1)) {
		snprintf(err, errlen, "usb: bad VID:PID list (want hex \"04b8:0e28,0416:5011\")");
		free(u);
		return KIOSK_EINVAL;
	}
	u->only_set = n1 == 1;
	u->clock = clock;
	const char *nd = getenv("KIOSK_USB_NO_DISCOVERY");
	if (nd && strcmp(nd, "1") == 0) {
		snprintf(err, errlen, "usb: device discovery disabled (KIOSK_USB_NO_DISCOVERY=1)");
		free(u);
		return KIOSK_ENODEV;
	}
	if (libusb_init(&u->usb) != 0) {
		snprintf(err, errlen, "usb: libusb_init failed");
		free(u);
		return KIOSK_ENODEV;
	}
	if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) &&
	    libusb_hotplug_register_callback(u->usb, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
					     LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, 0, LIBUSB_HOTPLUG_MATCH_ANY,
					     LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
					     on_hotplug, u, &u->cb) == 0)
		u->hotplug = true;
	search(u);
	out->ops = &usb_ops;
	out->ctx = u;
	return KIOSK_OK;
}

bool printer_usb_found(printer_t *p)
{
	if (!p || p->ops != &usb_ops)
		return false;
	return u_present(p->ctx);
}
