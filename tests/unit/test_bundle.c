/* test_bundle.c - bundle format: strict header parser, versions, sizes around
 * 2 GiB and 4 GiB, every byte of the signed prefix flipped, tree names and
 * file lists, the streaming tree parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/kiosk.h"
#include "update/bundle.h"

static char tmpdir[512];

static const char *tmp(const char *name)
{
	static char buf[4][700];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
	return buf[i];
}

static int setup_dir(void **state)
{
	(void)state;
	const char *t = getenv("TESTS_TMP");
	snprintf(tmpdir, sizeof tmpdir, "%s/test_bundle.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	char err[256];
	return bundle_keygen(tmp("k.pem"), tmp("k.pub"), err, sizeof err);
}

static int teardown_dir(void **state)
{
	(void)state;
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A valid header with the given payload size and 1 MiB chunks. */
static int make_header(char *buf, size_t len, unsigned long long payload, const char *version)
{
	unsigned long long chunks = payload / (1u << 20) + (payload % (1u << 20) != 0);
	return snprintf(buf, len,
			"chunk_count=%llu\nchunk_size=1048576\nchunk_table_sha256=%064d\n"
			"compatible=kiosk-test\nkey_id=0123456789abcdef\npayload_sha256=%064d\n"
			"payload_size=%llu\nsecurity_epoch=3\ntype=app\nversion=%s\n",
			chunks, 0, 0, payload, version);
}

static int parse(const char *s)
{
	bundle_header_t h;
	char err[256];
	return bundle_header_parse((const uint8_t *)s, strlen(s), &h, err, sizeof err);
}

static void test_versions(void **state)
{
	(void)state;
	bundle_version_t v, w;
	assert_int_equal(bundle_version_parse("1.2.3", 5, &v), KIOSK_OK);
	assert_int_equal(v.major, 1);
	assert_int_equal(v.patch, 3);
	assert_int_equal(bundle_version_parse("4294967295.0.0", 14, &w), KIOSK_OK);
	assert_true(bundle_version_cmp(&v, &w) < 0);
	assert_int_equal(bundle_version_parse("1.10.0", 6, &w), KIOSK_OK);
	assert_true(bundle_version_cmp(&w, &v) > 0);
	const char *bad[] = {"", "1.2", "1.2.3.4", "01.2.3", "1..3", "-1.2.3", "1.2.3 ", "+1.2.3",
			     "1.2.a", "4294967296.0.0", "1.2.3-rc1", ".1.2"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++)
		assert_int_not_equal(bundle_version_parse(bad[i], strlen(bad[i]), &v), KIOSK_OK);
	/* NUL inside, and 300 characters */
	assert_int_not_equal(bundle_version_parse("1.2\0.3", 6, &v), KIOSK_OK);
	char longv[301];
	memset(longv, '1', 300);
	longv[1] = '.';
	longv[3] = '.';
	longv[300] = 0;
	assert_int_not_equal(bundle_version_parse(longv, 300, &v), KIOSK_OK);
	uint64_t u;
	assert_int_equal(bundle_parse_u64("18446744073709551615", 20, UINT64_MAX, &u), KIOSK_OK);
	assert_true(u == UINT64_MAX);
	assert_int_equal(bundle_parse_u64("18446744073709551616", 20, UINT64_MAX, &u), KIOSK_ERANGE);
	assert_int_not_equal(bundle_parse_u64("99999999999999999999", 20, UINT64_MAX, &u), KIOSK_OK);
	assert_int_not_equal(bundle_parse_u64("00", 2, 100, &u), KIOSK_OK);
	assert_int_not_equal(bundle_parse_u64("+1", 2, 100, &u), KIOSK_OK);
	assert_int_equal(bundle_parse_u64("101", 3, 100, &u), KIOSK_ERANGE);
}

static void test_header_good(void **state)
{
	(void)state;
	char h[1024];
	make_header(h, sizeof h, 12345, "1.2.3");
	bundle_header_t hd;
	char err[256];
	assert_int_equal(bundle_header_parse((const uint8_t *)h, strlen(h), &hd, err, sizeof err),
			 KIOSK_OK);
	assert_string_equal(hd.compatible, "kiosk-test");
	assert_int_equal(hd.security_epoch, 3);
	assert_int_equal(hd.key_id[0], 0x01);
	assert_int_equal(hd.key_id[7], 0xef);
	assert_true(hd.chunk_count == 1);
}

static void test_header_bad(void **state)
{
	(void)state;
	char h[1024], m[1100];
	make_header(h, sizeof h, 12345, "1.2.3");
	struct {
		const char *from, *to;
	} edits[] = {
		{"type=app", "type=apps"},
		{"type=app", "type=App"},
		{"security_epoch=3", "security_epoch=03"},
		{"security_epoch=3", "security_epoch=4294967296"},
		{"security_epoch=3", "security_epoch=-3"},
		{"chunk_count=1", "chunk_count=2"},
		{"chunk_count=1", "chunk_count=0"},
		{"chunk_size=1048576", "chunk_size=1000000"},
		{"chunk_size=1048576", "chunk_size=2048"},
		{"chunk_size=1048576", "chunk_size=33554432"},
		{"key_id=0123456789abcdef", "key_id=0123456789ABCDEF"},
		{"key_id=0123456789abcdef", "key_id=0123456789abcde"},
		{"compatible=kiosk-test", "compatible="},
		{"compatible=kiosk-test", "compatible=kiosk test"},
		{"compatible=kiosk-test\n", "compatible=kiosk-test\r\n"},
		{"version=1.2.3", "version=1.2"},
		{"payload_size=12345", "payload_size=012345"},
		{"payload_size=12345", "payload_size=99999999999999999999999"},
		{"payload_size=12345", "payload_size=1099511627777"},
		{"security_epoch=3\n", "security_epoch=3\nzzz=1\n"},
		{"security_epoch=3\n", "security_epoch=3\nsecurity_epoch=3\n"},
		{"security_epoch=3\n", ""},
		{"type=app\n", "type=app\ntype=app\n"},
		{"chunk_size=1048576\n", "chunk_size=1048576\nchunk_size=1048576\n"},
		{"security_epoch=3\ntype=app\n", "type=app\nsecurity_epoch=3\n"},
		{"security_epoch=3\n", "security_epoch 3\n"},
		{"security_epoch=3\n", "security_epoch=3\n\n"},
	};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(edits); i++) {
		const char *p = strstr(h, edits[i].from);
		assert_non_null(p);
		snprintf(m, sizeof m, "%.*s%s%s", (int)(p - h), h, edits[i].to,
			 p + strlen(edits[i].from));
		if (parse(m) == KIOSK_OK)
			fail_msg("edit %zu accepted: %s -> %s", i, edits[i].from, edits[i].to);
	}
	/* digest with an uppercase or non-hex digit */
	make_header(h, sizeof h, 12345, "1.2.3");
	char *d = strstr(h, "payload_sha256=") + 15;
	d[10] = 'A';
	assert_int_not_equal(parse(h), KIOSK_OK);
	d[10] = 'g';
	assert_int_not_equal(parse(h), KIOSK_OK);
	/* no newline at the end, NUL inside */
	make_header(h, sizeof h, 12345, "1.2.3");
	bundle_header_t hd;
	char err[256];
	assert_int_not_equal(
		bundle_header_parse((const uint8_t *)h, strlen(h) - 1, &hd, err, sizeof err), KIOSK_OK);
	h[5] = 0;
	assert_int_not_equal(bundle_header_parse((const uint8_t *)h, 300, &hd, err, sizeof err),
			     KIOSK_OK);
	/* a 300-character version */
	char v[301];
	memset(v, '9', 300);
	v[1] = v[3] = '.';
	v[300] = 0;
	make_header(h, sizeof h, 12345, v);
	assert_int_not_equal(parse(h), KIOSK_OK);
}

/* Sizes just below and above 2 GiB and 4 GiB: parsed as 64-bit, the chunk
 * count must match exactly, the layout has no overflow. */
static void test_big_sizes(void **state)
{
	(void)state;
	unsigned long long sizes[] = {(1ull << 31) - 1, 1ull << 31, (1ull << 31) + 1,
				      (1ull << 32) - 1, 1ull << 32, (1ull << 32) + 1};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(sizes); i++) {
		char h[1024];
		make_header(h, sizeof h, sizes[i], "1.0.0");
		bundle_header_t hd;
		char err[256];
		assert_int_equal(
			bundle_header_parse((const uint8_t *)h, strlen(h), &hd, err, sizeof err),
			KIOSK_OK);
		assert_true(hd.payload_size == sizes[i]);
		uint64_t off, total;
		assert_int_equal(bundle_layout(strlen(h), hd.chunk_count, hd.payload_size, &off, &total),
				 KIOSK_OK);
		assert_true(total == off + sizes[i]);
		assert_true(total > sizes[i]);
	}
	uint64_t off, total;
	assert_int_equal(bundle_layout(100, 1, UINT64_MAX, &off, &total), KIOSK_ERANGE);
	assert_int_equal(bundle_layout(100, BUNDLE_CHUNKS_MAX + 1ull, 1, &off, &total), KIOSK_ERANGE);
}

static void write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

/* A signed bundle claiming 4 GiB + 1 payload bytes, as a sparse file: the
 * header checks pass without reading the payload; one byte short or long is
 * refused; the payload itself fails at the first chunk. */
static void test_sparse_4g(void **state)
{
	(void)state;
	bundle_pubkey_t key;
	char err[256];
	assert_int_equal(bundle_pubkey_load(tmp("k.pub"), &key, err, sizeof err), KIOSK_OK);
	unsigned long long payload = (1ull << 32) + 1;
	uint64_t chunks = payload / (1u << 20) + 1;
	uint8_t *table = calloc(chunks, 32);
	assert_non_null(table);
	uint8_t tsha[32];
	unsigned tl = 32;
	char kid[17], h[1024];
	bundle_hex(key.key_id, 8, kid);
	EVP_Digest(table, (size_t)(32 * chunks), tsha, &tl, EVP_sha256(), NULL);
	char th[65];
	bundle_hex(tsha, 32, th);
	int n = snprintf(h, sizeof h,
			 "chunk_count=%llu\nchunk_size=1048576\nchunk_table_sha256=%s\n"
			 "compatible=kiosk-test\nkey_id=%s\npayload_sha256=%064d\n"
			 "payload_size=%llu\nsecurity_epoch=0\ntype=app\nversion=1.0.0\n",
			 (unsigned long long)chunks, th, kid, 0, payload);
	uint8_t pre[2048];
	assert_int_equal(bundle_sign_prefix(tmp("k.pem"), (const uint8_t *)h, (size_t)n, pre, err,
					    sizeof err),
			 KIOSK_OK);
	uint64_t off, total;
	assert_int_equal(bundle_layout((uint64_t)n, chunks, payload, &off, &total), KIOSK_OK);
	const char *path = tmp("big.kiosk");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	size_t plen = BUNDLE_FIXED_LEN + (size_t)n + BUNDLE_SIGBLOCK_LEN;
	assert_int_equal(pwrite(fd, pre, plen, 0), (ssize_t)plen);
	assert_int_equal(pwrite(fd, table, (size_t)(32 * chunks), (off_t)plen),
			 (ssize_t)(32 * chunks));
	assert_int_equal(ftruncate(fd, (off_t)total), 0);
	close(fd);
	bundle_t *b;
	assert_int_equal(bundle_open(path, &key, 1, &b, err, sizeof err), KIOSK_OK);
	assert_true(bundle_header(b)->payload_size == payload);
	assert_int_equal(bundle_stream(b, NULL, NULL, NULL, NULL, err, sizeof err), KIOSK_ECORRUPT);
	assert_non_null(strstr(err, "chunk 0"));
	bundle_close(b);
	assert_int_equal(truncate(path, (off_t)total - 1), 0);
	assert_int_not_equal(bundle_open(path, &key, 1, &b, err, sizeof err), KIOSK_OK);
	assert_non_null(strstr(err, "truncated"));
	assert_int_equal(truncate(path, (off_t)total + 1), 0);
	assert_int_not_equal(bundle_open(path, &key, 1, &b, err, sizeof err), KIOSK_OK);
	assert_non_null(strstr(err, "trailing"));
	unlink(path);
	free(table);
}

static uint8_t *read_all(const char *path, size_t *n)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	uint8_t *p = malloc((size_t)st.st_size);
	assert_non_null(p);
	int fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	*n = (size_t)st.st_size;
	return p;
}

static void make_payload_dir(const char *dir)
{
	char p[800];
	mkdir(dir, 0755);
	snprintf(p, sizeof p, "%s/sub", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/a.txt", dir);
	write_file(p, "hello\n", 6);
	snprintf(p, sizeof p, "%s/sub/big", dir);
	uint8_t buf[10000];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 7);
	write_file(p, buf, sizeof buf);
}

/* Every byte before the payload flipped: rejected (in memory, fast). */
static void test_flip_every_prefix_byte(void **state)
{
	(void)state;
	make_payload_dir(tmp("pl"));
	bundle_create_opts_t o = {tmp("k.pem"), tmp("pl"), BUNDLE_TYPE_APP, "1.0.0", "kiosk-test", 0,
				  4096, tmp("f.kiosk")};
	char err[256];
	assert_int_equal(bundle_create(&o, err, sizeof err), KIOSK_OK);
	bundle_pubkey_t key;
	assert_int_equal(bundle_pubkey_load(tmp("k.pub"), &key, err, sizeof err), KIOSK_OK);
	size_t n;
	uint8_t *p = read_all(tmp("f.kiosk"), &n);
	bundle_header_t h;
	assert_int_equal(bundle_check_memory(p, n, &key, 1, &h, err, sizeof err), KIOSK_OK);
	uint64_t off, total;
	uint32_t hl = (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16;
	assert_int_equal(bundle_layout(hl, h.chunk_count, h.payload_size, &off, &total), KIOSK_OK);
	assert_true(total == n);
	for (size_t i = 0; i < off; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			p[i] ^= (uint8_t)(1u << bit);
			if (bundle_check_memory(p, n, &key, 1, &h, err, sizeof err) == KIOSK_OK)
				fail_msg("flip of bit %d at %zu accepted", bit, i);
			p[i] ^= (uint8_t)(1u << bit);
		}
	}
	/* header_len = max + 1, max (then the file is too short), 0 */
	uint8_t save[4];
	memcpy(save, p + 8, 4);
	uint32_t lens[] = {BUNDLE_HEADER_MAX + 1, BUNDLE_HEADER_MAX, 0, 0xffffffffu};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(lens); i++) {
		for (int b = 0; b < 4; b++)
			p[8 + b] = (uint8_t)(lens[i] >> (8 * b));
		assert_int_not_equal(bundle_check_memory(p, n, &key, 1, &h, err, sizeof err), KIOSK_OK);
		assert_true(strstr(err, "header length") || strstr(err, "truncated"));
	}
	memcpy(p + 8, save, 4);
	/* Truncated or extended by one byte. */
	assert_int_not_equal(bundle_check_memory(p, n - 1, &key, 1, &h, err, sizeof err), KIOSK_OK);
	/* Without a key the parse still runs (UNVERIFIED) and still checks. */
	assert_int_equal(bundle_check_memory(p, n, NULL, 0, &h, err, sizeof err), KIOSK_OK);
	p[0] ^= 1;
	assert_int_not_equal(bundle_check_memory(p, n, NULL, 0, &h, err, sizeof err), KIOSK_OK);
	free(p);
}

static void test_tree_paths(void **state)
{
	(void)state;
	const char *good[] = {"a", "a/b.c", ".hidden", "a/...", "x..y", "a b", "..a", "a/.b"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(good); i++)
		assert_true(bundle_tree_path_ok(good[i], strlen(good[i])));
	const char *bad[] = {"", "/abs", "../x", "a/../../x", "..", "a/..", ".", "a/./b", "a//b",
			     "a/", "a\\b", "a\nb", "a\tb", "caf\xc3\xa9"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++)
		if (bundle_tree_path_ok(bad[i], strlen(bad[i])))
			fail_msg("path %zu accepted", i);
	char deep[64] = "";
	for (int i = 0; i < 17; i++)
		strcat(deep, i ? "/d" : "d");
	assert_false(bundle_tree_path_ok(deep, strlen(deep)));
	char lng[300];
	memset(lng, 'x', 256);
	lng[256] = 0;
	assert_false(bundle_tree_path_ok(lng, 256));
	assert_true(bundle_tree_path_ok(lng, 255));
	assert_false(bundle_tree_path_ok("a\0b", 3));
}

#define SHA_ZERO "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static int list_ok(const char *l, uint32_t count)
{
	char err[256];
	return bundle_tree_parse_list((const uint8_t *)l, strlen(l), count, NULL, err, sizeof err);
}

static void test_tree_lists(void **state)
{
	(void)state;
	assert_int_equal(list_ok("d 0755 0 - a\nf 0644 0 " SHA_ZERO " a/b\n", 2), KIOSK_OK);
	const char *bad[] = {
		"f 0644 0 " SHA_ZERO " a/b\n",                              /* no parent */
		"f 0644 0 " SHA_ZERO " a\nf 0644 0 " SHA_ZERO " a/b\n",     /* parent is a file */
		"f 0644 0 " SHA_ZERO " b\nf 0644 0 " SHA_ZERO " a\n",       /* order */
		"f 0644 0 " SHA_ZERO " a\nf 0644 0 " SHA_ZERO " a\n",       /* duplicate */
		"d 0755 0 - a\nd 0755 0 - a\n",                             /* duplicate dir */
		"l 0777 0 - a\nd 0755 0 - b\n",                             /* symlink */
		"f 0777 0 " SHA_ZERO " a\nd 0755 0 - b\n",                  /* mode */
		"f 4755 0 " SHA_ZERO " a\nd 0755 0 - b\n",                  /* setuid */
		"d 0644 0 - a\nd 0755 0 - b\n",                             /* dir mode */
		"d 0755 1 - a\nd 0755 0 - b\n",                             /* dir size */
		"f 0644 0 - a\nd 0755 0 - b\n",                             /* no sha */
		"f 0644 00 " SHA_ZERO " a\nd 0755 0 - b\n",                 /* size */
		"f 0644 0 " SHA_ZERO " /a\nd 0755 0 - b\n",                 /* absolute */
		"f 0644 0 " SHA_ZERO " ../a\nd 0755 0 - b\n",               /* .. */
		"f 0644 0 " SHA_ZERO " \nd 0755 0 - b\n",                   /* empty name */
		"d 0755 0 - a\nf 0644 0 " SHA_ZERO " a/b",                  /* no newline */
		"d 0755 0 - a\n",                                           /* count */
		"d 0755 0 - a\nd 0755 0 - b\nd 0755 0 - c\n",               /* count */
	};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++)
		if (list_ok(bad[i], 2) == KIOSK_OK)
			fail_msg("list %zu accepted", i);
	assert_int_not_equal(list_ok("", BUNDLE_TREE_ENTRIES_MAX + 1), KIOSK_OK);
}

typedef struct {
	int dirs, files;
	size_t bytes;
} counts_t;
static int c_dir(void *u, const bundle_tree_entry_t *e, char *err, size_t el)
{
	((counts_t *)u)->dirs++;
	return 0;
}
static int c_begin(void *u, const bundle_tree_entry_t *e, char *err, size_t el)
{
	((counts_t *)u)->files++;
	return 0;
}
static int c_data(void *u, const uint8_t *b, size_t n, char *err, size_t el)
{
	((counts_t *)u)->bytes += n;
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void test_tree_stream(void **state)
{
	(void)state;
	/* "hi\n" sha256 */
	const char *list = "d 0755 0 - d\nf 0644 0 " SHA_ZERO " d/empty\n"
			   "f 0755 3 98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4 x\n";
	size_t ll = strlen(list);
	uint8_t buf[512];
	memcpy(buf, "KTRE", 4);
	put32(buf + 4, 1);
	put32(buf + 8, 3);
	put32(buf + 12, (uint32_t)ll);
	memcpy(buf + 16, list, ll);
	memcpy(buf + 16 + ll, "hi\n", 3);
	size_t total = 16 + ll + 3;
	bundle_tree_ops_t ops = {c_dir, c_begin, c_data, NULL};
	char err[256];
	/* byte by byte */
	counts_t c = {0};
	bundle_tree_t *t;
	assert_int_equal(bundle_tree_new(total, &ops, &c, &t), KIOSK_OK);
	for (size_t i = 0; i < total; i++)
		assert_int_equal(bundle_tree_feed(t, buf + i, 1, err, sizeof err), KIOSK_OK);
	assert_int_equal(bundle_tree_finish(t, err, sizeof err), KIOSK_OK);
	assert_int_equal(c.dirs, 1);
	assert_int_equal(c.files, 2);
	assert_int_equal(c.bytes, 3);
	assert_int_equal(bundle_tree_count(t), 3);
	bundle_tree_free(t);
	/* content not matching its sha */
	buf[total - 2] = 'o';
	assert_int_equal(bundle_tree_new(total, NULL, NULL, &t), KIOSK_OK);
	assert_int_not_equal(bundle_tree_feed(t, buf, total, err, sizeof err), KIOSK_OK);
	bundle_tree_free(t);
	buf[total - 2] = 'i';
	/* payload size claims one byte more / less */
	assert_int_equal(bundle_tree_new(total + 1, NULL, NULL, &t), KIOSK_OK);
	assert_int_not_equal(bundle_tree_feed(t, buf, total, err, sizeof err), KIOSK_OK);
	bundle_tree_free(t);
	assert_int_equal(bundle_tree_new(total, NULL, NULL, &t), KIOSK_OK);
	assert_int_equal(bundle_tree_feed(t, buf, total - 1, err, sizeof err), KIOSK_OK);
	assert_int_not_equal(bundle_tree_finish(t, err, sizeof err), KIOSK_OK);
	bundle_tree_free(t);
	/* bad magic */
	buf[0] = 'X';
	assert_int_equal(bundle_tree_new(total, NULL, NULL, &t), KIOSK_OK);
	assert_int_not_equal(bundle_tree_feed(t, buf, total, err, sizeof err), KIOSK_OK);
	bundle_tree_free(t);
}

static void test_keys(void **state)
{
	(void)state;
	char err[256];
	bundle_pubkey_t k[2];
	size_t n;
	/* a key folder with no key: n = 0 (callers refuse) */
	mkdir(tmp("nokeys"), 0755);
	assert_int_equal(bundle_pubkeys_load_dir(tmp("nokeys"), k, &n, err, sizeof err), KIOSK_OK);
	assert_int_equal(n, 0);
	/* keygen never overwrites */
	assert_int_equal(bundle_keygen(tmp("k.pem"), tmp("x.pub"), err, sizeof err), KIOSK_EPERM);
	struct stat st;
	assert_int_equal(stat(tmp("k.pem"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* garbage public key */
	write_file(tmp("bad.pub"), "not a key", 9);
	assert_int_not_equal(bundle_pubkey_load(tmp("bad.pub"), &k[0], err, sizeof err), KIOSK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_header_good),
		cmocka_unit_test(test_header_bad),
		cmocka_unit_test(test_big_sizes),
		cmocka_unit_test(test_sparse_4g),
		cmocka_unit_test(test_flip_every_prefix_byte),
		cmocka_unit_test(test_tree_paths),
		cmocka_unit_test(test_tree_lists),
		cmocka_unit_test(test_tree_stream),
		cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
