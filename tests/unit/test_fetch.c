/* test_fetch.c - a pushed data bundle fetched in chunks (fleet/fetch.h):
 * the manifest's checks; chunks of another bundle, a bad index or a bad
 * size ignored; a download taken up again after closing (only the chunks
 * not marked are missing); the finished file in ready/ with the manifest's
 * bytes, remembered as done; a file that does not hash to its manifest
 * fetched again from the start; a new manifest dropping the old download;
 * and, on a small file system of its own (root: a private tmpfs), a bundle
 * too big for the room refused before any byte, and a chunk that cannot be
 * written not marked, then stored once there is room. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "core/kiosk.h"
#include "fleet/fetch.h"

#define CH 1024u

static void sha_hex(const uint8_t *d, size_t n, char out[65])
{
	uint8_t md[32];
	unsigned len = 0;
	EVP_Digest(d, n, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void tmpdir(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/test_fetch.XXXXXX");
	assert_non_null(mkdtemp(buf));
}

static void manifest_for(const uint8_t *d, size_t n, fetch_manifest_t *m)
{
	memset(m, 0, sizeof *m);
	sha_hex(d, n, m->sha);
	m->size = n;
	m->chunk = CH;
	snprintf(m->version, sizeof m->version, "1.2.3");
}

static char put_err[256]; /* the words of the last put */

static int put(fetch_t *f, const fetch_manifest_t *m, const uint8_t *d, uint32_t i, char *ready)
{
	size_t off = (size_t)i * CH, len = m->size - off < CH ? m->size - off : CH;
	return fetch_chunk(f, m->sha, i, d + off, len, ready, 4096, put_err, sizeof put_err);
}

static void test_manifest(void **state)
{
	(void)state;
	fetch_manifest_t m;
	char err[256];
	const char *good = "{\"v\":1,\"bundle\":\"" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
			   "\",\"size\":5000,\"chunk\":1024,\"version\":\"1.4.0\",\"ts\":1}";
	assert_int_equal(fetch_manifest_parse(good, strlen(good), &m, err, sizeof err), KIOSK_OK);
	assert_int_equal(m.size, 5000);
	assert_int_equal(m.chunk, 1024);
	assert_string_equal(m.version, "1.4.0");
	assert_int_equal(fetch_manifest_parse("", 0, &m, err, sizeof err), KIOSK_ENOENT);
	const char *bad[] = {
		"not json",
		"[1]",
		"{\"v\":2,\"bundle\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":5,\"chunk\":1024}",
		"{\"v\":1,\"bundle\":\"0123\",\"size\":5000,\"chunk\":1024}",
		"{\"v\":1,\"bundle\":\"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":5000,\"chunk\":1024}",
		"{\"v\":1,\"bundle\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":0,\"chunk\":1024}",
		"{\"v\":1,\"bundle\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":5000,\"chunk\":100}",
		"{\"v\":1,\"bundle\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":5000,\"chunk\":1048576}",
		"{\"v\":1,\"bundle\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":1e12,\"chunk\":1024}",
		"{\"v\":1,\"bundle\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":5000,\"chunk\":1024,\"version\":\"../x\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = 0;
		assert_true(fetch_manifest_parse(bad[i], strlen(bad[i]), &m, err, sizeof err) < 0);
		assert_true(err[0] != 0);
	}
}

static void test_resume_and_finish(void **state)
{
	(void)state;
	char dir[64], ready[4096], err[256];
	tmpdir(dir, sizeof dir);
	size_t n = 5 * CH + 300; /* 6 chunks, the last short */
	uint8_t *d = malloc(n);
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 7 + 3);
	fetch_manifest_t m;
	manifest_for(d, n, &m);
	fetch_t *f;
	assert_int_equal(fetch_open(dir, &f, err, sizeof err), KIOSK_OK);
	assert_null(fetch_current(f));
	assert_int_equal(fetch_begin(f, &m, err, sizeof err), 1);
	assert_int_equal(fetch_chunks(f), 6);
	assert_int_equal(fetch_missing_count(f), 6);
	/* ignored: another bundle, an index past the end, a short chunk, a long last one */
	assert_int_equal(fetch_chunk(f, "ffff", 0, d, CH, ready, sizeof ready, err, sizeof err), KIOSK_EINVAL);
	assert_int_equal(fetch_chunk(f, m.sha, 6, d, 300, ready, sizeof ready, err, sizeof err), KIOSK_EINVAL);
	assert_int_equal(fetch_chunk(f, m.sha, 0, d, CH - 1, ready, sizeof ready, err, sizeof err), KIOSK_EINVAL);
	assert_int_equal(fetch_chunk(f, m.sha, 5, d + 5 * CH, CH, ready, sizeof ready, err, sizeof err), KIOSK_EINVAL);
	assert_int_equal(fetch_missing_count(f), 6);
	assert_int_equal(put(f, &m, d, 4, ready), 0);
	assert_int_equal(put(f, &m, d, 0, ready), 0);
	assert_int_equal(put(f, &m, d, 0, ready), 0); /* twice: counted once */
	assert_int_equal(put(f, &m, d, 2, ready), 0);
	assert_int_equal(fetch_missing_count(f), 3);
	fetch_close(f);

	/* A restart: the same manifest goes on with the three not marked. */
	assert_int_equal(fetch_open(dir, &f, err, sizeof err), KIOSK_OK);
	assert_non_null(fetch_current(f));
	assert_string_equal(fetch_current(f)->sha, m.sha);
	assert_int_equal(fetch_begin(f, &m, err, sizeof err), 1);
	uint32_t idx[8];
	assert_int_equal(fetch_missing(f, idx, 8), 3);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 3);
	assert_int_equal(idx[2], 5);
	assert_int_equal(fetch_missing(f, idx, 2), 2);
	assert_int_equal(put(f, &m, d, 5, ready), 0);
	assert_int_equal(put(f, &m, d, 1, ready), 0);
	assert_int_equal(put(f, &m, d, 3, ready), 1);
	assert_null(fetch_current(f));
	char want[4200];
	snprintf(want, sizeof want, "%s/ready/%s.kiosk", dir, m.sha);
	assert_string_equal(ready, want);
	FILE *fp = fopen(ready, "rb");
	assert_non_null(fp);
	uint8_t *back = malloc(n + 1);
	assert_int_equal(fread(back, 1, n + 1, fp), n);
	fclose(fp);
	assert_memory_equal(back, d, n);
	/* Done: the same manifest again (a retained message at every connect) is nothing to do. */
	assert_int_equal(fetch_begin(f, &m, err, sizeof err), 0);
	fetch_close(f);
	assert_int_equal(fetch_open(dir, &f, err, sizeof err), KIOSK_OK);
	assert_int_equal(fetch_begin(f, &m, err, sizeof err), 0);
	fetch_close(f);
	free(back);
	free(d);
}

static void test_mismatch_and_replace(void **state)
{
	(void)state;
	char dir[64], ready[4096], err[256];
	tmpdir(dir, sizeof dir);
	size_t n = 3 * CH;
	uint8_t *d = malloc(n);
	memset(d, 'a', n);
	fetch_manifest_t m;
	manifest_for(d, n, &m);
	d[CH + 5] = 'b'; /* the bytes sent are not the bytes of the manifest */
	fetch_t *f;
	assert_int_equal(fetch_open(dir, &f, err, sizeof err), KIOSK_OK);
	assert_int_equal(fetch_begin(f, &m, err, sizeof err), 1);
	assert_int_equal(put(f, &m, d, 0, ready), 0);
	assert_int_equal(put(f, &m, d, 1, ready), 0);
	assert_int_equal(put(f, &m, d, 2, ready), KIOSK_ECORRUPT);
	assert_non_null(strstr(put_err, "do not match"));
	assert_int_equal(fetch_missing_count(f), 3); /* all again */
	d[CH + 5] = 'a';
	for (uint32_t i = 0; i < 2; i++)
		assert_int_equal(put(f, &m, d, i, ready), 0);
	/* A new manifest drops that download (and its files). */
	uint8_t other[2000];
	memset(other, 'z', sizeof other);
	fetch_manifest_t m2;
	manifest_for(other, sizeof other, &m2);
	assert_int_equal(fetch_begin(f, &m2, err, sizeof err), 1);
	char part[4200];
	snprintf(part, sizeof part, "%s/%s.part", dir, m.sha);
	assert_int_not_equal(access(part, F_OK), 0);
	assert_int_equal(fetch_missing_count(f), 2);
	assert_int_equal(put(f, &m2, other, 1, ready), 0);
	assert_int_equal(put(f, &m2, other, 0, ready), 1);
	/* The first one again starts from nothing. */
	assert_int_equal(fetch_begin(f, &m, err, sizeof err), 1);
	assert_int_equal(fetch_missing_count(f), 3);
	fetch_close(f);
	free(d);
}

/* With a private mount namespace: a 16 MiB tmpfs. 0 passed, 77 not
 * possible here, else the failing step. */
static int storage_child(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 77;
	char dir[64], ready[4096], err[256];
	snprintf(dir, sizeof dir, "/tmp/test_fetch_fs.XXXXXX");
	if (!mkdtemp(dir) || mount("tmpfs", dir, "tmpfs", 0, "size=16m"))
		return 77;
	fetch_t *f;
	if (fetch_open(dir, &f, err, sizeof err))
		return 1;
	/* 8 MiB needs twice that and more: refused before any byte. */
	fetch_manifest_t big = {.size = 8u << 20, .chunk = 65536};
	snprintf(big.sha, sizeof big.sha, "%064d", 0);
	if (fetch_begin(f, &big, err, sizeof err) != KIOSK_ENOSPC || !strstr(err, "not enough room"))
		return 2;
	if (fetch_current(f))
		return 3;
	size_t n = 2 * CH;
	uint8_t d[2 * CH];
	memset(d, 'q', n);
	fetch_manifest_t m;
	manifest_for(d, n, &m);
	if (fetch_begin(f, &m, err, sizeof err) != 1)
		return 4;
	/* Fill the file system, then a chunk cannot be stored: not marked. */
	char fill[128];
	snprintf(fill, sizeof fill, "%s/filler", dir);
	FILE *fp = fopen(fill, "wb");
	static uint8_t block[65536];
	while (fp && fwrite(block, 1, sizeof block, fp) == sizeof block)
		;
	if (fp)
		fclose(fp);
	int k = put(f, &m, d, 0, ready);
	if (k != KIOSK_ENOSPC)
		return 5;
	if (fetch_missing_count(f) != 2)
		return 6;
	unlink(fill);
	if (put(f, &m, d, 0, ready) != 0 || put(f, &m, d, 1, ready) != 1)
		return 7;
	fetch_close(f);
	umount(dir);
	rmdir(dir);
	return 0;
}

/* In this process's own mount namespace (no fork: qemu-user's emulated fork
 * hangs), which stays private to the test. */
static void test_storage(void **state)
{
	(void)state;
	int rc = storage_child();
	if (rc == 77) {
		print_message("storage faults skipped: needs root and a private mount namespace\n");
		return;
	}
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_resume_and_finish),
		cmocka_unit_test(test_mismatch_and_replace),
		cmocka_unit_test(test_storage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
