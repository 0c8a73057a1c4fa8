/* vm-usbprobe.c - proves the kiosk's printer path on the VM bench before the
 * kiosk's libusb transport is merged: finds the USB printer VID:PID with
 * libusb while the kernel's usblp driver holds it, detaches usblp, claims
 * the interface, sends DATA on the bulk OUT endpoint followed by a status
 * request DLE EOT 4 and reads the reply on bulk IN, then gives the interface
 * back to usblp. Prints "DETACHED <0|1>", "SENT <n>", "REPLY <hex>" or
 * "REPLY none", and "REATTACHED".
 * Usage: vm-usbprobe VID PID DATA     (VID and PID in hex)
 * Exit: 0 done, 1 device or transfer error, 2 bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libusb.h>

static int vup_endpoints(libusb_device *dev, int *ifnum, unsigned char *out, unsigned char *in)
{
	struct libusb_config_descriptor *cfg = NULL;
	if (libusb_get_active_config_descriptor(dev, &cfg) != 0)
		return -1;
	int found = -1;
	for (int i = 0; i < cfg->bNumInterfaces && found < 0; i++) {
		const struct libusb_interface_descriptor *alt = &cfg->interface[i].altsetting[0];
		if (alt->bInterfaceClass != LIBUSB_CLASS_PRINTER)
			continue;
		*out = *in = 0;
		for (int e = 0; e < alt->bNumEndpoints; e++) {
			const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];
			if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
				continue;
			if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN)
				*in = ep->bEndpointAddress;
			else
				*out = ep->bEndpointAddress;
		}
		if (*out) {
			*ifnum = alt->bInterfaceNumber;
			found = 0;
		}
	}
	libusb_free_config_descriptor(cfg);
	return found;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: vm-usbprobe VID PID DATA\n");
		return 2;
	}
	unsigned vid = (unsigned)strtoul(argv[1], NULL, 16), pid = (unsigned)strtoul(argv[2], NULL, 16);
	setvbuf(stdout, NULL, _IOLBF, 0);
	libusb_context *ctx = NULL;
	if (libusb_init(&ctx) != 0) {
		printf("PROBE_FAIL libusb_init\n");
		return 1;
	}
	int rc = 1;
	libusb_device_handle *h = libusb_open_device_with_vid_pid(ctx, (uint16_t)vid, (uint16_t)pid);
	if (!h) {
		printf("PROBE_FAIL no device %04x:%04x\n", vid, pid);
		libusb_exit(ctx);
		return 1;
	}
	int ifnum = 0;
	unsigned char ep_out = 0, ep_in = 0;
	if (vup_endpoints(libusb_get_device(h), &ifnum, &ep_out, &ep_in) != 0) {
		printf("PROBE_FAIL no printer interface with a bulk OUT endpoint\n");
		goto out;
	}
	int attached = libusb_kernel_driver_active(h, ifnum) == 1;
	if (attached && libusb_detach_kernel_driver(h, ifnum) != 0) {
		printf("PROBE_FAIL cannot detach the kernel driver\n");
		goto out;
	}
	printf("DETACHED %d\n", attached);
	if (libusb_claim_interface(h, ifnum) != 0) {
		printf("PROBE_FAIL cannot claim interface %d\n", ifnum);
		goto reattach;
	}
	size_t dlen = strlen(argv[3]);
	unsigned char *buf = malloc(dlen + 3);
	if (!buf)
		goto release;
	memcpy(buf, argv[3], dlen);
	buf[dlen] = 0x10;
	buf[dlen + 1] = 0x04;
	buf[dlen + 2] = 0x04;
	int sent = 0;
	int t = libusb_bulk_transfer(h, ep_out, buf, (int)dlen + 3, &sent, 5000);
	free(buf);
	printf("SENT %d\n", sent);
	if (t != 0) {
		printf("PROBE_FAIL bulk OUT: %s\n", libusb_error_name(t));
		goto release;
	}
	unsigned char reply[8];
	int got = 0;
	t = ep_in ? libusb_bulk_transfer(h, ep_in, reply, sizeof reply, &got, 3000) : LIBUSB_ERROR_NOT_FOUND;
	if (t == 0 && got > 0)
		printf("REPLY %02x\n", reply[got - 1]);
	else
		printf("REPLY none\n");
	rc = 0;
release:
	libusb_release_interface(h, ifnum);
reattach:
	if (attached && libusb_attach_kernel_driver(h, ifnum) == 0)
		printf("REATTACHED\n");
out:
	libusb_close(h);
	libusb_exit(ctx);
	return rc;
}
