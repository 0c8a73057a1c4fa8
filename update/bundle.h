/* bundle.h - signed update bundles (.kiosk files): keys, verification,
 * streaming of the verified payload, creation, and the app-tree container.
 *
 * File layout (all integers little-endian), see docs/updates.md:
 *   0      4    magic "KUPD"
 *   4      2    fmt_ver = 1          6  2  flags = 0
 *   8      4    header_len n (1..65536)
 *   12     n    signed header, ASCII "key=value\n", keys sorted and unique
 *   12+n   1    alg = 1 (Ed25519)      (not signed)
 *   13+n   8    key_id                 (not signed, must equal the header's)
 *   21+n   64   Ed25519 signature over bytes [0, 12+n)
 *   85+n   32*c chunk table (SHA-256 of each payload chunk)
 *   ...    zero padding to a 4 KiB boundary, then payload_size payload bytes
 *
 * Rule: the signature is checked before any byte of the header is parsed;
 * only the fixed-size fields at offsets 0..11 and the signature block are
 * read before it. Every size is 64-bit and overflow-checked. */
#ifndef KIOSK_BUNDLE_H
#define KIOSK_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#define BUNDLE_MAGIC "KUPD"
#define BUNDLE_FMT_VER 1
#define BUNDLE_FIXED_LEN 12
#define BUNDLE_SIGBLOCK_LEN 73 /* alg 1 + key_id 8 + signature 64 */
#define BUNDLE_HEADER_MAX 65536u
#define BUNDLE_ALG_ED25519 1
#define BUNDLE_CHUNK_DEFAULT (1u << 20)
#define BUNDLE_CHUNK_MIN 4096u
#define BUNDLE_CHUNK_MAX (16u << 20)
#define BUNDLE_CHUNKS_MAX (1u << 18)        /* chunk table <= 8 MiB */
#define BUNDLE_PAYLOAD_MAX (1ull << 40)     /* 1 TiB, far above any stick */
#define BUNDLE_COMPATIBLE_MAX 128
#define BUNDLE_VERSION_MAX 32               /* characters of "MAJOR.MINOR.PATCH" */
#define BUNDLE_ALIGN 4096u
#define BUNDLE_ERR_LEN 256

typedef enum { BUNDLE_TYPE_APP = 0, BUNDLE_TYPE_DATA = 1 } bundle_type_t;

typedef struct {
	uint32_t major, minor, patch;
} bundle_version_t;

typedef struct {
	uint64_t chunk_count;
	uint32_t chunk_size;
	uint8_t chunk_table_sha256[32];
	char compatible[BUNDLE_COMPATIBLE_MAX + 1];
	uint8_t key_id[8];
	uint8_t payload_sha256[32];
	uint64_t payload_size;
	uint32_t security_epoch;
	bundle_type_t type;
	bundle_version_t version;
	char version_str[BUNDLE_VERSION_MAX + 1];
} bundle_header_t;

typedef struct {
	uint8_t raw[32];
	uint8_t key_id[8]; /* first 8 bytes of SHA-256(raw) */
} bundle_pubkey_t;

/* ---- small helpers -------------------------------------------------------- */
const char *bundle_type_name(bundle_type_t t);
/* "app" / "data" -> type; KIOSK_EINVAL otherwise. */
int bundle_type_parse(const char *s, bundle_type_t *out);
/* Strict "MAJOR.MINOR.PATCH": decimal u32 parts, no sign, no leading zeros. */
int bundle_version_parse(const char *s, size_t len, bundle_version_t *out);
int bundle_version_cmp(const bundle_version_t *a, const bundle_version_t *b);
void bundle_version_format(const bundle_version_t *v, char *buf, size_t len);
/* Strict unsigned decimal (no sign, no leading zeros), <= max. */
int bundle_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);
void bundle_hex(const uint8_t *in, size_t n, char *out); /* out: 2n+1 chars */
/* The device's compatible string: a file holding one line. */
int bundle_read_compatible(const char *path, char *out, size_t outlen, char *err, size_t errlen);
/* Expected total file size for a header length n, chunk count and payload
 * size; KIOSK_ERANGE on overflow. Also gives the payload offset. */
int bundle_layout(uint64_t header_len, uint64_t chunk_count, uint64_t payload_size,
		  uint64_t *payload_off, uint64_t *file_size);

/* ---- keys ----------------------------------------------------------------- */
/* Public key: raw 32 bytes or a PEM "PUBLIC KEY" (Ed25519). */
int bundle_pubkey_load(const char *path, bundle_pubkey_t *out, char *err, size_t errlen);
/* Every *.pub file of a folder (1 or 2 allowed). *n = 0 when the folder has
 * none: callers must refuse to install then. */
int bundle_pubkeys_load_dir(const char *dir, bundle_pubkey_t keys[2], size_t *n, char *err,
			    size_t errlen);
/* New Ed25519 pair: private key PKCS#8 PEM (mode 0600), public key raw.
 * Never overwrites an existing file. */
int bundle_keygen(const char *priv_path, const char *pub_path, char *err, size_t errlen);

/* ---- the signed header ------------------------------------------------------ */
/* Strict parser of the signed header text (after the signature was checked).
 * Also the fuzzing entry point for the header. */
int bundle_header_parse(const uint8_t *text, size_t len, bundle_header_t *out, char *err,
			size_t errlen);

/* ---- reading a bundle ------------------------------------------------------- */
typedef struct bundle bundle_t;

/* Opens and checks a bundle: fixed part, signature (with one of keys; with
 * nkeys == 0 the signature is NOT checked and bundle_verified() is 0), then
 * the header, key id, exact file size, chunk table hash and zero padding.
 * The payload is not read yet. *out is NULL on failure; free with bundle_close. */
int bundle_open(const char *path, const bundle_pubkey_t *keys, size_t nkeys, bundle_t **out,
		char *err, size_t errlen);
/* Same checks on a bundle held in memory (payload not checked). */
int bundle_check_memory(const uint8_t *data, size_t len, const bundle_pubkey_t *keys,
			size_t nkeys, bundle_header_t *hdr, char *err, size_t errlen);
void bundle_close(bundle_t *b);
const bundle_header_t *bundle_header(const bundle_t *b);
int bundle_verified(const bundle_t *b);
uint64_t bundle_payload_offset(const bundle_t *b);

/* Streams the whole payload in one pass: each chunk is read once, hashed
 * once, compared with the chunk table (pinned by the signed header), then
 * handed to cb (the same buffer). payload_sha256 is implied by the table and
 * not hashed again. Reads are whole chunks, at least 1 MiB at a time. Any
 * failure stops at once. progress (may be NULL)
 * gets the bytes done so far. Every call counts as one "pass" (for the read
 * fault injection of update_io_pread). */
typedef int (*bundle_chunk_cb)(void *user, const uint8_t *buf, size_t len, char *err,
			       size_t errlen);
typedef void (*bundle_progress_cb)(void *user, uint64_t done, uint64_t total);
int bundle_stream(bundle_t *b, bundle_chunk_cb cb, void *user, bundle_progress_cb progress,
		  void *puser, char *err, size_t errlen);

/* ---- app-tree container (the payload of app and data bundles) -------------
 *   0  4  "KTRE"    4  4  version = 1    8  4  entry count    12  4  list length L
 *   16 L  list: one line per entry, sorted by path (bytewise, strictly):
 *         "d 0755 0 - PATH\n" or "f 0644|0755 SIZE SHA256HEX PATH\n"
 *   then the bytes of each file in list order.
 * Paths: relative, '/'-separated, no empty, "." or ".." component, printable
 * ASCII without '\\', at most 255 bytes and 16 levels; each parent is listed
 * as a directory before its children. */
#define BUNDLE_TREE_MAGIC "KTRE"
#define BUNDLE_TREE_HDR 16
#define BUNDLE_TREE_PATH_MAX 255
#define BUNDLE_TREE_DEPTH_MAX 16
#define BUNDLE_TREE_ENTRIES_MAX 65536u
#define BUNDLE_TREE_LIST_MAX (8u << 20)

typedef struct {
	char path[BUNDLE_TREE_PATH_MAX + 1];
	char kind; /* 'd' or 'f' */
	unsigned mode;
	uint64_t size;
	uint8_t sha256[32];
} bundle_tree_entry_t;

typedef struct {
	int (*dir)(void *user, const bundle_tree_entry_t *e, char *err, size_t errlen);
	int (*file_begin)(void *user, const bundle_tree_entry_t *e, char *err, size_t errlen);
	int (*file_data)(void *user, const uint8_t *buf, size_t len, char *err, size_t errlen);
	int (*file_end)(void *user, const bundle_tree_entry_t *e, char *err, size_t errlen);
} bundle_tree_ops_t;

typedef struct bundle_tree bundle_tree_t;
/* ops may be NULL (check only). */
int bundle_tree_new(uint64_t payload_size, const bundle_tree_ops_t *ops, void *user,
		    bundle_tree_t **out);
int bundle_tree_feed(bundle_tree_t *t, const uint8_t *buf, size_t len, char *err, size_t errlen);
int bundle_tree_finish(bundle_tree_t *t, char *err, size_t errlen);
size_t bundle_tree_count(const bundle_tree_t *t);
const bundle_tree_entry_t *bundle_tree_entry(const bundle_tree_t *t, size_t i);
void bundle_tree_free(bundle_tree_t *t);
/* The bytes fed are already authenticated (bundle_stream checked each chunk
 * against the signed chunk table): the per-file SHA-256 of the list is not
 * recomputed (one hash per byte); names, modes and sizes are still checked.
 * The installer's read-back still checks each written file's SHA-256. */
void bundle_tree_trust_content(bundle_tree_t *t);
/* A chunk callback that feeds a bundle_tree_t (user = the tree). */
int bundle_tree_chunk_cb(void *user, const uint8_t *buf, size_t len, char *err, size_t errlen);
/* Path rule check used by the parser and by bundle_create. */
int bundle_tree_path_ok(const char *path, size_t len);
/* Parses a file list (fuzzing entry point). entries may be NULL. */
int bundle_tree_parse_list(const uint8_t *list, size_t len, uint32_t count,
			   bundle_tree_entry_t **entries, char *err, size_t errlen);

/* ---- creating a bundle ------------------------------------------------------ */
typedef struct {
	const char *key_path;     /* private key, PKCS#8 PEM */
	const char *payload_dir;  /* tree to pack */
	bundle_type_t type;
	const char *version;      /* MAJOR.MINOR.PATCH */
	const char *compatible;
	uint32_t epoch;
	uint32_t chunk_size;      /* 0 = BUNDLE_CHUNK_DEFAULT */
	const char *out_path;
} bundle_create_opts_t;
int bundle_create(const bundle_create_opts_t *o, char *err, size_t errlen);

/* Signs a header (for tests and the fuzz seeds): writes fixed part + header
 * + signature block into out (len 12 + n + 73). */
int bundle_sign_prefix(const char *key_path, const uint8_t *header, size_t n, uint8_t *out,
		       char *err, size_t errlen);

/* Internal: the same with a loaded EVP_PKEY (void * to keep OpenSSL out of
 * this header). */
int bundle_sign_prefix_key(void *evp_pkey, const uint8_t key_id[8], const uint8_t *header,
			   size_t n, uint8_t *out);

#endif
