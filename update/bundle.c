/* bundle.c - signed update bundles: keys, strict header parser, signature
 * check before parsing, chunked payload streaming and verification, and
 * bundle creation. Crypto is OpenSSL libcrypto (Ed25519, SHA-256). */
#include "update/bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/kiosk.h"
#include "update/update_io.h"


/* ---- helpers ---------------------------------------------------------------- */
const char *bundle_type_name(bundle_type_t t)
{
	return t == BUNDLE_TYPE_DATA ? "data" : "app";
}

int bundle_type_parse(const char *s, bundle_type_t *out)
{
	*out = BUNDLE_TYPE_APP;
	if (!strcmp(s, "app"))
		return KIOSK_OK;
	if (!strcmp(s, "data")) {
		*out = BUNDLE_TYPE_DATA;
		return KIOSK_OK;
	}
	return KIOSK_EINVAL;
}

int bundle_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	*out = 0;
	if (len == 0 || len > 20)
		return KIOSK_EINVAL;
	if (s[0] == '0' && len > 1)
		return KIOSK_EINVAL;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return KIOSK_EINVAL;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return KIOSK_ERANGE;
		v = v * 10 + d;
	}
	if (v > max)
		return KIOSK_ERANGE;
	*out = v;
	return KIOSK_OK;
}

int bundle_version_parse(const char *s, size_t len, bundle_version_t *out)
{
	memset(out, 0, sizeof *out);
	if (len == 0 || len > BUNDLE_VERSION_MAX)
		return KIOSK_EINVAL;
	uint32_t part[3];
	size_t start = 0;
	for (int i = 0; i < 3; i++) {
		size_t end = start;
		while (end < len && s[end] != '.')
			end++;
		if ((i < 2 && end >= len) || (i == 2 && end != len))
			return KIOSK_EINVAL;
		uint64_t v;
		if (bundle_parse_u64(s + start, end - start, UINT32_MAX, &v) != KIOSK_OK)
			return KIOSK_EINVAL;
		part[i] = (uint32_t)v;
		start = end + 1;
	}
	out->major = part[0];
	out->minor = part[1];
	out->patch = part[2];
	return KIOSK_OK;
}

int bundle_version_cmp(const bundle_version_t *a, const bundle_version_t *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

void bundle_version_format(const bundle_version_t *v, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u", v->major, v->minor, v->patch);
}

void bundle_hex(const uint8_t *in, size_t n, char *out)
{
	static const char h[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = h[in[i] >> 4];
		out[2 * i + 1] = h[in[i] & 15];
	}
	out[2 * n] = 0;
}

static int unhex_lower(const char *s, size_t len, uint8_t *out, size_t n)
{
	if (len != 2 * n)
		return KIOSK_EINVAL;
	for (size_t i = 0; i < 2 * n; i++) {
		char c = s[i];
		unsigned v;
		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned)(c - 'a' + 10);
		else
			return KIOSK_EINVAL;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return KIOSK_OK;
}

static int compatible_ok(const char *s, size_t len)
{
	if (len == 0 || len > BUNDLE_COMPATIBLE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == ',' || c == '/'))
			return 0;
	}
	return 1;
}

int bundle_read_compatible(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
	if (outlen)
		out[0] = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open compatible file %s: %s", path,
			    strerror(errno));
	char buf[BUNDLE_COMPATIBLE_MAX + 4];
	ssize_t r = read(fd, buf, sizeof buf);
	close(fd);
	if (r < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot read %s: %s", path, strerror(errno));
	size_t n = (size_t)r;
	if (n == sizeof buf)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "compatible file %s is too long", path);
	if (n && buf[n - 1] == '\n')
		n--;
	if (!compatible_ok(buf, n) || n + 1 > outlen)
		return kiosk_err(err, errlen, KIOSK_EINVAL,
			    "compatible file %s must hold one line of [A-Za-z0-9._:+,/-]", path);
	memcpy(out, buf, n);
	out[n] = 0;
	return KIOSK_OK;
}

int bundle_layout(uint64_t header_len, uint64_t chunk_count, uint64_t payload_size,
		  uint64_t *payload_off, uint64_t *file_size)
{
	*payload_off = 0;
	*file_size = 0;
	if (header_len > BUNDLE_HEADER_MAX || chunk_count > BUNDLE_CHUNKS_MAX ||
	    payload_size > BUNDLE_PAYLOAD_MAX)
		return KIOSK_ERANGE;
	uint64_t pre = BUNDLE_FIXED_LEN + header_len + BUNDLE_SIGBLOCK_LEN + 32 * chunk_count;
	uint64_t off = (pre + BUNDLE_ALIGN - 1) / BUNDLE_ALIGN * BUNDLE_ALIGN;
	if (payload_size > UINT64_MAX - off)
		return KIOSK_ERANGE;
	*payload_off = off;
	*file_size = off + payload_size;
	return KIOSK_OK;
}

static void sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned int len = 32;
	EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

/* ---- keys ----------------------------------------------------------------- */
static void key_id_of(const uint8_t raw[32], uint8_t id[8])
{
	uint8_t d[32];
	sha256(raw, 32, d);
	memcpy(id, d, 8);
}

int bundle_pubkey_load(const char *path, bundle_pubkey_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open public key %s: %s", path,
			    strerror(errno));
	uint8_t buf[4096];
	ssize_t r = read(fd, buf, sizeof buf);
	close(fd);
	if (r < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot read %s: %s", path, strerror(errno));
	if (r == 32) {
		memcpy(out->raw, buf, 32);
		key_id_of(out->raw, out->key_id);
		return KIOSK_OK;
	}
	if (r == (ssize_t)sizeof buf)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "public key %s is too large", path);
	BIO *bio = BIO_new_mem_buf(buf, (int)r);
	EVP_PKEY *pk = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	size_t len = 32;
	int ok = pk && EVP_PKEY_id(pk) == EVP_PKEY_ED25519 &&
		 EVP_PKEY_get_raw_public_key(pk, out->raw, &len) == 1 && len == 32;
	EVP_PKEY_free(pk);
	if (!ok)
		return kiosk_err(err, errlen, KIOSK_EINVAL,
			    "public key %s is neither 32 raw bytes nor an Ed25519 PEM key", path);
	key_id_of(out->raw, out->key_id);
	return KIOSK_OK;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bundle_pubkeys_load_dir(const char *dir, bundle_pubkey_t keys[2], size_t *n, char *err,
			    size_t errlen)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open key folder %s: %s", dir,
			    strerror(errno));
	char *names[3];
	size_t count = 0;
	struct dirent *de;
	int rc = KIOSK_OK;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".pub") || de->d_name[0] == '.')
			continue;
		if (count == 2) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				  "key folder %s holds more than two *.pub files", dir);
			break;
		}
		names[count++] = strdup(de->d_name);
	}
	closedir(d);
	if (rc == KIOSK_OK)
		qsort(names, count, sizeof names[0], name_cmp);
	for (size_t i = 0; i < count && rc == KIOSK_OK; i++) {
		char path[4096];
		if (!names[i]) {
			rc = kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
			break;
		}
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		rc = bundle_pubkey_load(path, &keys[i], err, errlen);
		if (rc == KIOSK_OK && i == 1 && !memcmp(keys[0].key_id, keys[1].key_id, 8))
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "the two keys in %s are the same", dir);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	if (rc == KIOSK_OK)
		*n = count;
	return rc;
}

static int write_new_file(const char *path, mode_t mode, const void *buf, size_t len,
			  char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return kiosk_err(err, errlen, errno == EEXIST ? KIOSK_EPERM : KIOSK_EIO,
			    "cannot create %s: %s", path, strerror(errno));
	int ok = fchmod(fd, mode) == 0 && write(fd, buf, len) == (ssize_t)len && fsync(fd) == 0;
	int e = errno;
	if (close(fd) != 0)
		ok = 0;
	if (!ok) {
		unlink(path);
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot write %s: %s", path, strerror(e));
	}
	return KIOSK_OK;
}

int bundle_keygen(const char *priv_path, const char *pub_path, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(priv_path, &st) == 0)
		return kiosk_err(err, errlen, KIOSK_EPERM, "%s already exists; not overwriting",
			    priv_path);
	if (lstat(pub_path, &st) == 0)
		return kiosk_err(err, errlen, KIOSK_EPERM, "%s already exists; not overwriting",
			    pub_path);
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!pk)
		return kiosk_err(err, errlen, KIOSK_ERR, "Ed25519 key generation failed");
	uint8_t raw[32];
	size_t rl = 32;
	BIO *bio = BIO_new(BIO_s_mem());
	int rc = KIOSK_ERR;
	char *pem = NULL;
	long pemlen = 0;
	if (bio && EVP_PKEY_get_raw_public_key(pk, raw, &rl) == 1 && rl == 32 &&
	    PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) == 1 &&
	    (pemlen = BIO_get_mem_data(bio, &pem)) > 0) {
		rc = write_new_file(priv_path, 0600, pem, (size_t)pemlen, err, errlen);
		if (rc == KIOSK_OK) {
			rc = write_new_file(pub_path, 0644, raw, 32, err, errlen);
			if (rc != KIOSK_OK)
				unlink(priv_path);
		}
	} else {
		kiosk_err(err, errlen, KIOSK_ERR, "cannot encode the key");
	}
	BIO_free(bio);
	EVP_PKEY_free(pk);
	return rc;
}

static int load_private(const char *path, EVP_PKEY **out, uint8_t key_id[8], char *err,
			size_t errlen)
{
	*out = NULL;
	FILE *f = fopen(path, "r");
	if (!f)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open private key %s: %s", path,
			    strerror(errno));
	EVP_PKEY *pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	uint8_t raw[32];
	size_t rl = 32;
	if (!pk || EVP_PKEY_id(pk) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(pk, raw, &rl) != 1 || rl != 32) {
		EVP_PKEY_free(pk);
		return kiosk_err(err, errlen, KIOSK_EINVAL, "%s is not an Ed25519 private key (PEM)",
			    path);
	}
	key_id_of(raw, key_id);
	*out = pk;
	return KIOSK_OK;
}

static int ed25519_sign(EVP_PKEY *pk, const uint8_t *msg, size_t n, uint8_t sig[64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t sl = 64;
	int ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, pk) == 1 &&
		 EVP_DigestSign(ctx, sig, &sl, msg, n) == 1 && sl == 64;
	EVP_MD_CTX_free(ctx);
	return ok ? KIOSK_OK : KIOSK_ERR;
}

static int ed25519_verify(const uint8_t raw[32], const uint8_t *msg, size_t n,
			  const uint8_t sig[64])
{
	EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = pk && ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) == 1 &&
		 EVP_DigestVerify(ctx, sig, 64, msg, n) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return ok;
}

/* ---- header parser --------------------------------------------------------- */
enum {
	K_CHUNK_COUNT,
	K_CHUNK_SIZE,
	K_CHUNK_TABLE,
	K_COMPATIBLE,
	K_KEY_ID,
	K_PAYLOAD_SHA,
	K_PAYLOAD_SIZE,
	K_EPOCH,
	K_TYPE,
	K_VERSION,
	K_COUNT
};
static const char *const header_keys[K_COUNT] = {
	"chunk_count", "chunk_size", "chunk_table_sha256", "compatible", "key_id",
	"payload_sha256", "payload_size", "security_epoch", "type", "version",
};

int bundle_header_parse(const uint8_t *text, size_t len, bundle_header_t *h, char *err,
			size_t errlen)
{
	memset(h, 0, sizeof *h);
	if (len == 0 || len > BUNDLE_HEADER_MAX)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "header: length %zu out of range", len);
	if (text[len - 1] != '\n')
		return kiosk_err(err, errlen, KIOSK_EINVAL, "header: last line does not end in a newline");
	for (size_t i = 0; i < len; i++)
		if (text[i] != '\n' && (text[i] < 0x20 || text[i] > 0x7e))
			return kiosk_err(err, errlen, KIOSK_EINVAL,
				    "header: byte %zu is not printable ASCII", i);
	int seen = -1;
	unsigned have = 0;
	uint64_t v;
	size_t pos = 0;
	const char *t = (const char *)text;
	while (pos < len) {
		const char *line = t + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = (size_t)(nl - line);
		pos += ll + 1;
		const char *eq = memchr(line, '=', ll);
		if (!eq)
			return kiosk_err(err, errlen, KIOSK_EINVAL, "header: line without '='");
		size_t kl = (size_t)(eq - line);
		const char *val = eq + 1;
		size_t vl = ll - kl - 1;
		int k = -1;
		for (int i = 0; i < K_COUNT; i++)
			if (strlen(header_keys[i]) == kl && !memcmp(header_keys[i], line, kl))
				k = i;
		if (k < 0)
			return kiosk_err(err, errlen, KIOSK_EINVAL, "header: unknown key '%.*s'",
				    (int)(kl > 40 ? 40 : kl), line);
		if (k <= seen)
			return kiosk_err(err, errlen, KIOSK_EINVAL,
				    "header: key '%s' repeated or out of order", header_keys[k]);
		seen = k;
		have |= 1u << k;
		int rc = KIOSK_OK;
		switch (k) {
		case K_CHUNK_COUNT:
			rc = bundle_parse_u64(val, vl, BUNDLE_CHUNKS_MAX, &h->chunk_count);
			break;
		case K_CHUNK_SIZE:
			rc = bundle_parse_u64(val, vl, BUNDLE_CHUNK_MAX, &v);
			if (rc == KIOSK_OK && (v < BUNDLE_CHUNK_MIN || (v & (v - 1))))
				rc = KIOSK_ERANGE;
			h->chunk_size = (uint32_t)v;
			break;
		case K_CHUNK_TABLE:
			rc = unhex_lower(val, vl, h->chunk_table_sha256, 32);
			break;
		case K_COMPATIBLE:
			if (!compatible_ok(val, vl))
				rc = KIOSK_EINVAL;
			else
				memcpy(h->compatible, val, vl);
			break;
		case K_KEY_ID:
			rc = unhex_lower(val, vl, h->key_id, 8);
			break;
		case K_PAYLOAD_SHA:
			rc = unhex_lower(val, vl, h->payload_sha256, 32);
			break;
		case K_PAYLOAD_SIZE:
			rc = bundle_parse_u64(val, vl, BUNDLE_PAYLOAD_MAX, &h->payload_size);
			break;
		case K_EPOCH:
			rc = bundle_parse_u64(val, vl, UINT32_MAX, &v);
			h->security_epoch = (uint32_t)v;
			break;
		case K_TYPE:
			if (vl == 3 && !memcmp(val, "app", 3))
				h->type = BUNDLE_TYPE_APP;
			else if (vl == 4 && !memcmp(val, "data", 4))
				h->type = BUNDLE_TYPE_DATA;
			else
				rc = KIOSK_EINVAL;
			break;
		case K_VERSION:
			rc = bundle_version_parse(val, vl, &h->version);
			if (rc == KIOSK_OK)
				memcpy(h->version_str, val, vl);
			break;
		}
		if (rc != KIOSK_OK)
			return kiosk_err(err, errlen, KIOSK_EINVAL, "header: bad value for '%s'",
				    header_keys[k]);
	}
	for (int i = 0; i < K_COUNT; i++)
		if (!(have & (1u << i)))
			return kiosk_err(err, errlen, KIOSK_EINVAL, "header: missing key '%s'",
				    header_keys[i]);
	uint64_t want = h->payload_size / h->chunk_size + (h->payload_size % h->chunk_size != 0);
	if (want != h->chunk_count)
		return kiosk_err(err, errlen, KIOSK_EINVAL,
			    "header: chunk_count %llu does not match payload_size / chunk_size",
			    (unsigned long long)h->chunk_count);
	return KIOSK_OK;
}

/* ---- reading ------------------------------------------------------------------- */
struct bundle {
	int fd;
	bundle_header_t h;
	int verified;
	int pass;
	uint64_t payload_off;
	uint8_t *table; /* 32 * chunk_count */
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Source of bytes: a file or a memory buffer. */
typedef struct {
	int fd;
	const uint8_t *mem;
	uint64_t size;
} src_t;

static int src_read(const src_t *s, uint8_t *buf, size_t len, uint64_t off, char *err,
		    size_t errlen)
{
	if (off > s->size || len > s->size - off)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "truncated: file ends before offset %llu",
			    (unsigned long long)(off + len));
	if (s->mem) {
		memcpy(buf, s->mem + off, len);
		return KIOSK_OK;
	}
	ssize_t r = update_io_pread(s->fd, buf, len, off, 0);
	if (r < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "read error at offset %llu: %s",
			    (unsigned long long)off, strerror(errno));
	if ((size_t)r != len)
		return kiosk_err(err, errlen, KIOSK_EIO,
			    "read error at offset %llu: file shrank (stick removed?)",
			    (unsigned long long)off);
	return KIOSK_OK;
}

/* The checks shared by files and memory. On success *table is malloc'd. */
static int check_prefix(const src_t *s, const bundle_pubkey_t *keys, size_t nkeys,
			bundle_header_t *h, int *verified, uint64_t *payload_off,
			uint8_t **table, char *err, size_t errlen)
{
	*verified = 0;
	*table = NULL;
	*payload_off = 0;
	memset(h, 0, sizeof *h);
	uint8_t fixed[BUNDLE_FIXED_LEN];
	if (s->size < BUNDLE_FIXED_LEN + BUNDLE_SIGBLOCK_LEN)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "truncated: file too short (%llu bytes)",
			    (unsigned long long)s->size);
	int rc = src_read(s, fixed, sizeof fixed, 0, err, errlen);
	if (rc)
		return rc;
	if (memcmp(fixed, BUNDLE_MAGIC, 4))
		return kiosk_err(err, errlen, KIOSK_EINVAL, "not a kiosk bundle (bad magic)");
	if (le16(fixed + 4) != BUNDLE_FMT_VER)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "unsupported bundle format version %u",
			    le16(fixed + 4));
	if (le16(fixed + 6) != 0)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "unknown bundle flags 0x%04x",
			    le16(fixed + 6));
	uint32_t n = le32(fixed + 8);
	if (n == 0 || n > BUNDLE_HEADER_MAX)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "header length %u out of range", n);
	if ((uint64_t)BUNDLE_FIXED_LEN + n + BUNDLE_SIGBLOCK_LEN > s->size)
		return kiosk_err(err, errlen, KIOSK_EINVAL,
			    "truncated: file too short for header length %u", n);
	size_t signed_len = BUNDLE_FIXED_LEN + n;
	uint8_t *pre = malloc(signed_len + BUNDLE_SIGBLOCK_LEN);
	if (!pre)
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	memcpy(pre, fixed, BUNDLE_FIXED_LEN);
	rc = src_read(s, pre + BUNDLE_FIXED_LEN, n + BUNDLE_SIGBLOCK_LEN, BUNDLE_FIXED_LEN, err,
		      errlen);
	if (rc)
		goto out;
	const uint8_t *sigblock = pre + signed_len;
	if (sigblock[0] != BUNDLE_ALG_ED25519) {
		rc = kiosk_err(err, errlen, KIOSK_EPERM, "unsupported signature algorithm %u",
			  sigblock[0]);
		goto out;
	}
	if (nkeys) {
		const bundle_pubkey_t *k = NULL;
		for (size_t i = 0; i < nkeys; i++)
			if (!memcmp(keys[i].key_id, sigblock + 1, 8))
				k = &keys[i];
		if (!k) {
			char id[17];
			bundle_hex(sigblock + 1, 8, id);
			rc = kiosk_err(err, errlen, KIOSK_EPERM,
				  "signed with unknown key id %s (not in the device's keys)", id);
			goto out;
		}
		if (!ed25519_verify(k->raw, pre, signed_len, sigblock + 9)) {
			rc = kiosk_err(err, errlen, KIOSK_EPERM, "bad signature: the header or signature "
							     "was altered or the key does not match");
			goto out;
		}
		*verified = 1;
	}
	/* Only now is the header parsed. */
	rc = bundle_header_parse(pre + BUNDLE_FIXED_LEN, n, h, err, errlen);
	if (rc)
		goto out;
	if (memcmp(h->key_id, sigblock + 1, 8)) {
		rc = kiosk_err(err, errlen, KIOSK_EPERM,
			  "key id in the signature block does not match the signed header");
		goto out;
	}
	uint64_t file_size;
	rc = bundle_layout(n, h->chunk_count, h->payload_size, payload_off, &file_size);
	if (rc) {
		rc = kiosk_err(err, errlen, KIOSK_ERANGE, "sizes overflow");
		goto out;
	}
	if (s->size < file_size) {
		rc = kiosk_err(err, errlen, KIOSK_EINVAL,
			  "truncated: file is %llu bytes, the header says %llu",
			  (unsigned long long)s->size, (unsigned long long)file_size);
		goto out;
	}
	if (s->size > file_size) {
		rc = kiosk_err(err, errlen, KIOSK_EINVAL,
			  "trailing data: file is %llu bytes, the header says %llu",
			  (unsigned long long)s->size, (unsigned long long)file_size);
		goto out;
	}
	uint64_t tab_off = signed_len + BUNDLE_SIGBLOCK_LEN;
	size_t tab_len = (size_t)(32 * h->chunk_count);
	size_t pad_len = (size_t)(*payload_off - tab_off - tab_len);
	uint8_t *t = malloc(tab_len + pad_len + 1);
	if (!t) {
		rc = kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
		goto out;
	}
	rc = src_read(s, t, tab_len + pad_len, tab_off, err, errlen);
	if (rc) {
		free(t);
		goto out;
	}
	uint8_t d[32];
	sha256(t, tab_len, d);
	if (memcmp(d, h->chunk_table_sha256, 32)) {
		free(t);
		rc = kiosk_err(err, errlen, KIOSK_ECORRUPT, "chunk table hash mismatch");
		goto out;
	}
	for (size_t i = 0; i < pad_len; i++)
		if (t[tab_len + i]) {
			free(t);
			rc = kiosk_err(err, errlen, KIOSK_ECORRUPT, "padding byte at offset %llu is not zero",
				  (unsigned long long)(tab_off + tab_len + i));
			goto out;
		}
	*table = t;
out:
	free(pre);
	if (rc) {
		*verified = 0;
		*payload_off = 0;
	}
	return rc;
}

int bundle_check_memory(const uint8_t *data, size_t len, const bundle_pubkey_t *keys,
			size_t nkeys, bundle_header_t *hdr, char *err, size_t errlen)
{
	src_t s = {.fd = -1, .mem = data, .size = len};
	int verified;
	uint64_t off;
	uint8_t *table;
	int rc = check_prefix(&s, keys, nkeys, hdr, &verified, &off, &table, err, errlen);
	free(table);
	return rc;
}

int bundle_open(const char *path, const bundle_pubkey_t *keys, size_t nkeys, bundle_t **out,
		char *err, size_t errlen)
{
	*out = NULL;
	/* O_NONBLOCK: a FIFO planted on a stick must not block the open. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return kiosk_err(err, errlen, KIOSK_EINVAL, "%s is not a regular file", path);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	bundle_t *b = calloc(1, sizeof *b);
	if (!b) {
		close(fd);
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	}
	b->fd = fd;
	src_t s = {.fd = fd, .mem = NULL, .size = (uint64_t)st.st_size};
	int rc = check_prefix(&s, keys, nkeys, &b->h, &b->verified, &b->payload_off, &b->table,
			      err, errlen);
	if (rc) {
		bundle_close(b);
		return rc;
	}
	*out = b;
	return KIOSK_OK;
}

void bundle_close(bundle_t *b)
{
	if (!b)
		return;
	if (b->fd >= 0)
		close(b->fd);
	free(b->table);
	free(b);
}

const bundle_header_t *bundle_header(const bundle_t *b)
{
	return &b->h;
}

int bundle_verified(const bundle_t *b)
{
	return b->verified;
}

uint64_t bundle_payload_offset(const bundle_t *b)
{
	return b->payload_off;
}

/* Bytes asked of the file at a time: whole chunks, at least 1 MiB (a USB
 * stick reads large sequential requests best; small chunks are batched). */
#define STREAM_READ_MIN (1u << 20)

int bundle_stream(bundle_t *b, bundle_chunk_cb cb, void *user, bundle_progress_cb progress,
		  void *puser, char *err, size_t errlen)
{
	b->pass++;
	uint32_t cs = b->h.chunk_size ? b->h.chunk_size : 1;
	size_t blk = cs >= STREAM_READ_MIN ? cs : STREAM_READ_MIN; /* powers of two: whole chunks */
	if (b->h.payload_size < blk)
		blk = b->h.payload_size ? (size_t)b->h.payload_size : 1;
	uint8_t *buf = malloc(blk);
	if (!buf)
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	(void)posix_fadvise(b->fd, (off_t)b->payload_off, 0, POSIX_FADV_SEQUENTIAL);
	/* One pass, one SHA-256 per byte: each chunk is hashed once and
	 * compared with the chunk table, which the signed header pins (its
	 * hash was checked in bundle_open), so every payload byte is
	 * authenticated before cb sees it, and cb gets that same buffer. The
	 * whole-payload digest (payload_sha256) is implied by the table and
	 * is not hashed again. */
	int rc = KIOSK_OK;
	uint64_t done = 0, i = 0;
	while (rc == KIOSK_OK && done < b->h.payload_size) {
		uint64_t left = b->h.payload_size - done;
		size_t len = left < blk ? (size_t)left : blk;
		uint64_t off = b->payload_off + done;
		ssize_t r = update_io_pread(b->fd, buf, len, off, b->pass);
		if (r < 0) {
			rc = kiosk_err(err, errlen, KIOSK_EIO, "read error at offset %llu: %s",
				  (unsigned long long)off, strerror(errno));
			break;
		}
		if ((size_t)r != len) {
			rc = kiosk_err(err, errlen, KIOSK_EIO,
				  "read error at offset %llu: file shrank (stick removed?)",
				  (unsigned long long)(off + (uint64_t)r));
			break;
		}
		for (size_t at = 0; at < len; at += cs, i++) {
			size_t n = len - at < cs ? len - at : cs;
			uint8_t d[32];
			if (i >= b->h.chunk_count) { /* cannot happen: the header parser checked */
				rc = kiosk_err(err, errlen, KIOSK_ECORRUPT, "payload longer than its chunks");
				break;
			}
			sha256(buf + at, n, d);
			if (memcmp(d, b->table + 32 * i, 32)) {
				rc = kiosk_err(err, errlen, KIOSK_ECORRUPT,
					  "payload chunk %llu (offset %llu) hash mismatch: corrupt bundle",
					  (unsigned long long)i, (unsigned long long)(off + at));
				break;
			}
			if (cb) {
				rc = cb(user, buf + at, n, err, errlen);
				if (rc)
					break;
			}
			done += n;
			if (progress)
				progress(puser, done, b->h.payload_size);
		}
	}
	if (rc == KIOSK_OK && i != b->h.chunk_count)
		rc = kiosk_err(err, errlen, KIOSK_ECORRUPT, "payload shorter than its chunks");
	free(buf);
	return rc;
}

/* ---- signing ------------------------------------------------------------------- */
static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int sign_prefix_with(EVP_PKEY *pk, const uint8_t key_id[8], const uint8_t *header,
			    size_t n, uint8_t *out)
{
	memcpy(out, BUNDLE_MAGIC, 4);
	put16(out + 4, BUNDLE_FMT_VER);
	put16(out + 6, 0);
	put32(out + 8, (uint32_t)n);
	memcpy(out + BUNDLE_FIXED_LEN, header, n);
	uint8_t *sb = out + BUNDLE_FIXED_LEN + n;
	sb[0] = BUNDLE_ALG_ED25519;
	memcpy(sb + 1, key_id, 8);
	return ed25519_sign(pk, out, BUNDLE_FIXED_LEN + n, sb + 9);
}

int bundle_sign_prefix_key(void *evp_pkey, const uint8_t key_id[8], const uint8_t *header,
			   size_t n, uint8_t *out)
{
	return sign_prefix_with(evp_pkey, key_id, header, n, out);
}

int bundle_sign_prefix(const char *key_path, const uint8_t *header, size_t n, uint8_t *out,
		       char *err, size_t errlen)
{
	EVP_PKEY *pk;
	uint8_t id[8];
	int rc = load_private(key_path, &pk, id, err, errlen);
	if (rc)
		return rc;
	rc = sign_prefix_with(pk, id, header, n, out);
	EVP_PKEY_free(pk);
	return rc ? kiosk_err(err, errlen, rc, "signing failed") : KIOSK_OK;
}
