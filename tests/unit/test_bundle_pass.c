/* test_bundle_pass.c - bundle verification is one pass with one SHA-256 per
 * payload byte, read in large requests (issue 17): the verify sequence of
 * kiosk-bundle verify and of the updater's pre-check (tree + bundle_stream)
 * is run on a bundle with small (4 KiB) chunks while pread, EVP_Digest and
 * EVP_DigestUpdate are counted (this program defines them and forwards to
 * the C library and libcrypto). A flipped payload byte is still refused and
 * the tree callbacks still get every byte, in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/kiosk.h"
#include "update/bundle.h"

/* ---- counting shims ---------------------------------------------------------- */
static int counting;
static unsigned long long hashed, reads, read_bytes, small_reads;
static int in_digest;

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
	ssize_t r = (ssize_t)syscall(SYS_pread64, fd, buf, count, offset);
	if (counting && r >= 0) {
		reads++;
		read_bytes += (unsigned long long)r;
		if (count < (1u << 20))
			small_reads++;
	}
	return r;
}

int EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size,
	       const EVP_MD *type, ENGINE *impl)
{
	static int (*real)(const void *, size_t, unsigned char *, unsigned int *, const EVP_MD *,
			   ENGINE *);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "EVP_Digest");
	if (counting)
		hashed += count;
	in_digest++; /* libcrypto may run EVP_DigestUpdate inside */
	int rc = real(data, count, md, size, type, impl);
	in_digest--;
	return rc;
}

int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)
{
	static int (*real)(EVP_MD_CTX *, const void *, size_t);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "EVP_DigestUpdate");
	if (counting && !in_digest)
		hashed += cnt;
	return real(ctx, d, cnt);
}

/* ---- fixtures -------------------------------------------------------------------- */
static char tmpdir[512];

static const char *tmp(const char *name)
{
	static char buf[4][700];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
	return buf[i];
}

#define BIG_LEN ((3u << 20) + 5)

static void write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TESTS_TMP");
	snprintf(tmpdir, sizeof tmpdir, "%s/test_bundle_pass.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	char err[256];
	if (bundle_keygen(tmp("k.pem"), tmp("k.pub"), err, sizeof err))
		return -1;
	mkdir(tmp("pl"), 0755);
	mkdir(tmp("pl/sub"), 0755);
	write_file(tmp("pl/VERSION"), "1.0.0\n", 6);
	uint8_t *big = malloc(BIG_LEN);
	if (!big)
		return -1;
	uint32_t x = 12345;
	for (size_t i = 0; i < BIG_LEN; i++) {
		x = x * 1103515245u + 12345u;
		big[i] = (uint8_t)(x >> 24);
	}
	write_file(tmp("pl/sub/big"), big, BIG_LEN);
	free(big);
	bundle_create_opts_t o = {tmp("k.pem"), tmp("pl"), BUNDLE_TYPE_APP, "1.0.0", "kiosk-test", 0,
				  4096, tmp("b.kiosk")};
	return bundle_create(&o, err, sizeof err) == KIOSK_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The tree callbacks: a running checksum of the file bytes handed over. */
typedef struct {
	unsigned long long bytes, sum;
	int files;
} seen_t;
static int s_begin(void *u, const bundle_tree_entry_t *e, char *err, size_t el)
{
	(void)e, (void)err, (void)el;
	((seen_t *)u)->files++;
	return KIOSK_OK;
}
static int s_data(void *u, const uint8_t *b, size_t n, char *err, size_t el)
{
	(void)err, (void)el;
	seen_t *s = u;
	for (size_t i = 0; i < n; i++)
		s->sum = s->sum * 31 + b[i];
	s->bytes += n;
	return KIOSK_OK;
}

/* What kiosk-bundle verify and the updater's passes run. */
static int verify(const char *path, seen_t *seen, char *err, size_t el, uint64_t *payload)
{
	bundle_pubkey_t key;
	assert_int_equal(bundle_pubkey_load(tmp("k.pub"), &key, err, el), KIOSK_OK);
	bundle_t *b;
	int rc = bundle_open(path, &key, 1, &b, err, el);
	if (rc)
		return rc;
	*payload = bundle_header(b)->payload_size;
	assert_int_equal(bundle_header(b)->chunk_size, 4096);
	static const bundle_tree_ops_t ops = {NULL, s_begin, s_data, NULL};
	bundle_tree_t *t;
	assert_int_equal(bundle_tree_new(*payload, &ops, seen, &t), KIOSK_OK);
	bundle_tree_trust_content(t);
	hashed = reads = read_bytes = small_reads = 0;
	counting = 1;
	rc = bundle_stream(b, bundle_tree_chunk_cb, t, NULL, NULL, err, el);
	if (rc == KIOSK_OK)
		rc = bundle_tree_finish(t, err, el);
	counting = 0;
	bundle_tree_free(t);
	bundle_close(b);
	return rc;
}

static void test_one_hash_per_byte(void **state)
{
	(void)state;
	char err[256] = "";
	seen_t seen = {0};
	uint64_t payload = 0;
	assert_int_equal(verify(tmp("b.kiosk"), &seen, err, sizeof err, &payload), KIOSK_OK);
	/* Every payload byte read once and hashed once. */
	assert_true(read_bytes == payload);
	if (hashed != payload)
		fail_msg("%llu bytes hashed for a %llu-byte payload (more than one hash per byte)",
			 hashed, (unsigned long long)payload);
	/* Large reads: the 4 KiB chunks are read 1 MiB at a time. */
	if (reads > payload / (1u << 20) + 1 || small_reads > 1)
		fail_msg("%llu reads (%llu under 1 MiB) for %llu bytes", reads, small_reads,
			 (unsigned long long)payload);
	/* The callbacks got both files, all their bytes. */
	assert_int_equal(seen.files, 2);
	assert_true(seen.bytes == BIG_LEN + 6);
}

/* A byte flipped anywhere in the payload (first, middle of a file, last) is
 * still refused by its chunk hash, and nothing after the bad chunk is handed
 * over. */
static void test_flip_refused(void **state)
{
	(void)state;
	struct stat st;
	assert_int_equal(stat(tmp("b.kiosk"), &st), 0);
	bundle_pubkey_t key;
	char err[256];
	assert_int_equal(bundle_pubkey_load(tmp("k.pub"), &key, err, sizeof err), KIOSK_OK);
	bundle_t *b;
	assert_int_equal(bundle_open(tmp("b.kiosk"), &key, 1, &b, err, sizeof err), KIOSK_OK);
	uint64_t poff = bundle_payload_offset(b);
	bundle_close(b);
	uint64_t offs[] = {poff, poff + 2 * 1048576 + 77, (uint64_t)st.st_size - 1};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(offs); i++) {
		char cmd[2000];
		snprintf(cmd, sizeof cmd, "cp '%s' '%s'", tmp("b.kiosk"), tmp("t.kiosk"));
		assert_int_equal(system(cmd), 0);
		int fd = open(tmp("t.kiosk"), O_RDWR);
		assert_true(fd >= 0);
		uint8_t c;
		assert_int_equal(pread(fd, &c, 1, (off_t)offs[i]), 1);
		c ^= 0x10;
		assert_int_equal(pwrite(fd, &c, 1, (off_t)offs[i]), 1);
		close(fd);
		seen_t seen = {0};
		uint64_t payload;
		assert_int_equal(verify(tmp("t.kiosk"), &seen, err, sizeof err, &payload),
				 KIOSK_ECORRUPT);
		assert_non_null(strstr(err, "hash mismatch"));
		assert_true(seen.bytes <= offs[i] - poff);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_hash_per_byte),
		cmocka_unit_test(test_flip_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
