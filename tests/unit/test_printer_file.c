/* test_printer_file.c - the simulated printer's spool: temp files a kill
 * left behind are removed when it opens, a ticket whose .escpos could not be
 * written leaves no lone .png, and printer_file_remove_ticket (the hook for
 * whoever voids a ticket) removes exactly that ticket's files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/kiosk.h"
#include "drivers/printer/printer.h"

static char g_dir[512];

static void spool(void)
{
	const char *base = getenv("TESTS_TMP");
	snprintf(g_dir, sizeof g_dir, "%s/printer-file-%ld", base && *base ? base : "/tmp",
		 (long)getpid());
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", g_dir, g_dir);
	assert_int_equal(system(cmd), 0);
}

static void touch(const char *name)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", g_dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("x", f);
	assert_int_equal(fclose(f), 0);
}

static int exists(const char *name)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", g_dir, name);
	return access(p, F_OK) == 0;
}

static void test_stale_tmp_removed_at_open(void **state)
{
	(void)state;
	spool();
	touch(".K-1-A001.png.tmp");
	touch(".K-2-A002.escpos.tmp");
	touch("K-3-A003.png");
	touch("K-3-A003.escpos");
	touch("README");
	printer_t p;
	char err[256];
	assert_int_equal(printer_file_open(g_dir, &p, err, sizeof err), KIOSK_OK);
	assert_false(exists(".K-1-A001.png.tmp"));
	assert_false(exists(".K-2-A002.escpos.tmp"));
	assert_true(exists("K-3-A003.png"));
	assert_true(exists("K-3-A003.escpos"));
	assert_true(exists("README"));
	p.ops->close(p.ctx);
}

static void test_remove_ticket(void **state)
{
	(void)state;
	spool();
	touch("K-1-A001.png");
	touch("K-1-A001.escpos");
	touch("K-12-A004.png");
	touch("K-12-A004.escpos");
	touch("K-2-A002.png"); /* a lone picture of a voided number */
	printer_t p;
	char err[256];
	assert_int_equal(printer_file_open(g_dir, &p, err, sizeof err), KIOSK_OK);
	touch(".K-1-A001.png.tmp");
	assert_int_equal(printer_file_remove_ticket(&p, "K-1"), KIOSK_OK);
	assert_false(exists("K-1-A001.png"));
	assert_false(exists("K-1-A001.escpos"));
	assert_false(exists(".K-1-A001.png.tmp"));
	assert_true(exists("K-12-A004.png")); /* K-12 is another ticket */
	assert_true(exists("K-12-A004.escpos"));
	assert_int_equal(printer_file_remove_ticket(&p, "K-2"), KIOSK_OK);
	assert_false(exists("K-2-A002.png"));
	assert_int_equal(printer_file_remove_ticket(&p, "../K-12"), KIOSK_EINVAL);
	assert_int_equal(printer_file_remove_ticket(&p, ""), KIOSK_EINVAL);
	assert_true(exists("K-12-A004.png"));
	assert_int_equal(printer_file_remove_ticket(NULL, "K-12"), KIOSK_OK); /* no printer */
	p.ops->close(p.ctx);
}

/* The .escpos cannot be written (its temp name is taken by a folder): the
 * job fails and its .png does not stay behind. */
static void test_no_lone_png(void **state)
{
	(void)state;
	spool();
	printer_t p;
	char err[256];
	assert_int_equal(printer_file_open(g_dir, &p, err, sizeof err), KIOSK_OK);
	char d[1024];
	snprintf(d, sizeof d, "%s/.K-5-A005.escpos.tmp", g_dir);
	assert_int_equal(mkdir(d, 0700), 0);
	static const unsigned char raster[] = {0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0xFF};
	size_t tr = 0;
	assert_int_equal(p.ops->job_begin(p.ctx, "K-5-A005"), KIOSK_OK);
	assert_int_equal(p.ops->write(p.ctx, raster, sizeof raster, &tr, 1000), KIOSK_OK);
	assert_int_not_equal(p.ops->job_end(p.ctx, true), KIOSK_OK);
	assert_false(exists("K-5-A005.png"));
	assert_false(exists("K-5-A005.escpos"));
	rmdir(d);
	/* Without the obstacle the same job leaves both files. */
	assert_int_equal(p.ops->job_begin(p.ctx, "K-6-A006"), KIOSK_OK);
	assert_int_equal(p.ops->write(p.ctx, raster, sizeof raster, &tr, 1000), KIOSK_OK);
	assert_int_equal(p.ops->job_end(p.ctx, true), KIOSK_OK);
	assert_true(exists("K-6-A006.png"));
	assert_true(exists("K-6-A006.escpos"));
	p.ops->close(p.ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_tmp_removed_at_open),
		cmocka_unit_test(test_remove_ticket),
		cmocka_unit_test(test_no_lone_png),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
