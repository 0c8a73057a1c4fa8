/* test_printer_usb.c - the parts of the USB transport that run without a
 * device: candidate and endpoint selection from descriptors, the VID:PID
 * list syntax, and the KIOSK_USB_NO_DISCOVERY switch (libusb never
 * initialised). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <libusb.h>
#include <cmocka.h>

#include "core/kiosk.h"
#include "drivers/printer/printer.h"

static struct libusb_endpoint_descriptor ep(uint8_t addr, uint8_t type)
{
	struct libusb_endpoint_descriptor e;
	memset(&e, 0, sizeof e);
	e.bEndpointAddress = addr;
	e.bmAttributes = type;
	e.wMaxPacketSize = 64;
	return e;
}

static void test_pick(void **state)
{
	(void)state;
	struct libusb_endpoint_descriptor eps[3] = {
		ep(0x83, LIBUSB_TRANSFER_TYPE_INTERRUPT), ep(0x81, LIBUSB_TRANSFER_TYPE_BULK),
		ep(0x03, LIBUSB_TRANSFER_TYPE_BULK)};
	struct libusb_interface_descriptor alt;
	memset(&alt, 0, sizeof alt);
	alt.bInterfaceClass = LIBUSB_CLASS_PRINTER;
	alt.bInterfaceSubClass = 1;
	alt.bInterfaceProtocol = 2;
	alt.bNumEndpoints = 3;
	alt.endpoint = eps;
	uint8_t out = 0, in = 0;
	bool has_in = false;
	/* Endpoints come from the descriptors: OUT 0x03, IN 0x81 (not 0x82). */
	assert_true(printer_usb_pick_endpoints(&alt, false, &out, &in, &has_in));
	assert_int_equal(out, 0x03);
	assert_int_equal(in, 0x81);
	assert_true(has_in);
	/* Vendor class: only when allow-listed. */
	alt.bInterfaceClass = 0xFF;
	assert_false(printer_usb_pick_endpoints(&alt, false, &out, &in, &has_in));
	assert_true(printer_usb_pick_endpoints(&alt, true, &out, &in, &has_in));
	/* Printer class but another subclass: not a printer. */
	alt.bInterfaceClass = LIBUSB_CLASS_PRINTER;
	alt.bInterfaceSubClass = 2;
	assert_false(printer_usb_pick_endpoints(&alt, false, &out, &in, &has_in));
	/* No bulk OUT: unusable. Unidirectional: no IN. */
	alt.bInterfaceSubClass = 1;
	alt.bNumEndpoints = 2;
	assert_false(printer_usb_pick_endpoints(&alt, false, &out, &in, &has_in));
	struct libusb_endpoint_descriptor one[1] = {ep(0x02, LIBUSB_TRANSFER_TYPE_BULK)};
	alt.endpoint = one;
	alt.bNumEndpoints = 1;
	assert_true(printer_usb_pick_endpoints(&alt, false, &out, &in, &has_in));
	assert_int_equal(out, 0x02);
	assert_false(has_in);
}

static void test_lists_and_no_discovery(void **state)
{
	(void)state;
	kclock_virtual_t vc = {0, 0, true};
	kclock_t c;
	kclock_virtual(&c, &vc);
	printer_t p;
	char err[256];
	setenv("KIOSK_USB_NO_DISCOVERY", "1", 1);
	const char *bad[] = {"04b8", "04b8:", "zzzz:0001", "04b8:0e28;0416:5011", "04b8:0e28,", "4b8:e28"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++)
		if (printer_usb_open(bad[i], NULL, &c, &p, err, sizeof err) != KIOSK_EINVAL)
			fail_msg("accepted allow list %s", bad[i]);
	assert_int_equal(printer_usb_open(NULL, "04b8:0e28,0416:5011", &c, &p, err, sizeof err), KIOSK_EINVAL);
	/* Good lists: refused only because discovery is off. */
	assert_int_equal(printer_usb_open("04b8:0e28,0416:5011", "6868:0500", &c, &p, err, sizeof err),
			 KIOSK_ENODEV);
	assert_non_null(strstr(err, "KIOSK_USB_NO_DISCOVERY"));
	assert_null(p.ops);
	assert_false(printer_usb_found(&p));
	unsetenv("KIOSK_USB_NO_DISCOVERY");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_lists_and_no_discovery),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
