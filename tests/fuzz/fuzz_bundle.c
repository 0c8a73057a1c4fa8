/* fuzz_bundle.c - libFuzzer target for the bundle parsers.
 *
 * Every input goes through:
 *   1. bundle_check_memory with the test public key (the real path: most
 *      mutated inputs stop at the signature check);
 *   2. bundle_check_memory without a key: the internal entry point that skips
 *      the signature, so the header parser, size arithmetic, chunk table and
 *      padding checks see the mutated bytes; when it passes, the payload
 *      bytes are fed to the tree parser;
 *   3. bundle_header_parse on the raw input (signed-header text);
 *   4. the streaming tree parser and the file-list parser on the raw input.
 * Seeds (tests/fuzz/corpus/bundle/) come from tests/fuzz/make-bundle-seeds.sh,
 * signed with tests/fuzz/bundle-test.pem (a test-only key). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "update/bundle.h"

static const uint8_t test_pub[32] = {
	0x94, 0x1d, 0x74, 0x83, 0xef, 0x79, 0xe7, 0x99, 0x7e, 0x8b, 0xc3, 0x49, 0xef, 0xe0, 0xb3, 0xd1,
	0xb4, 0x9a, 0x6f, 0x46, 0xa6, 0xb9, 0x3f, 0x3d, 0xd2, 0xd0, 0x3a, 0xbe, 0x8f, 0x95, 0xf5, 0xb2,
};

static void feed_tree(const uint8_t *p, size_t n, uint64_t size)
{
	bundle_tree_t *t;
	char err[BUNDLE_ERR_LEN];
	if (bundle_tree_new(size, NULL, NULL, &t))
		return;
	/* two pieces, to exercise the streaming boundaries */
	size_t half = n / 2;
	if (bundle_tree_feed(t, p, half, err, sizeof err) == 0 &&
	    bundle_tree_feed(t, p + half, n - half, err, sizeof err) == 0)
		bundle_tree_finish(t, err, sizeof err);
	bundle_tree_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bundle_pubkey_t key;
	static int init;
	char err[BUNDLE_ERR_LEN];
	if (!init) {
		/* key id = first 8 bytes of SHA-256(raw), as bundle_pubkey_load does */
		uint8_t d[32];
		unsigned l = 32;
		memcpy(key.raw, test_pub, 32);
		EVP_Digest(key.raw, 32, d, &l, EVP_sha256(), NULL);
		memcpy(key.key_id, d, 8);
		init = 1;
	}
	bundle_header_t h;
	bundle_check_memory(data, size, &key, 1, &h, err, sizeof err);
	if (bundle_check_memory(data, size, NULL, 0, &h, err, sizeof err) == 0) {
		uint64_t off, total;
		uint32_t n = (uint32_t)data[8] | (uint32_t)data[9] << 8 | (uint32_t)data[10] << 16 |
			     (uint32_t)data[11] << 24;
		if (bundle_layout(n, h.chunk_count, h.payload_size, &off, &total) == 0 && total == size)
			feed_tree(data + off, (size_t)h.payload_size, h.payload_size);
	}
	bundle_header_parse(data, size, &h, err, sizeof err);
	feed_tree(data, size, size);
	if (size >= 2) {
		uint32_t count = (uint32_t)data[0] | (uint32_t)(data[1] & 0x7f) << 8;
		bundle_tree_entry_t *e = NULL;
		if (bundle_tree_parse_list(data + 2, size - 2, count, &e, err, sizeof err) == 0)
			free(e);
	}
	return 0;
}

