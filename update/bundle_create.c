/* bundle_create.c - packs a folder into a signed .kiosk bundle (the
 * kiosk-bundle create command). Only regular files and directories are
 * accepted; the payload is a file tree (see bundle.h), hashed in chunks while
 * it is written, then the header is signed and written in front. */
#include "update/bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/kiosk.h"


typedef struct {
	bundle_tree_entry_t *e;
	size_t n, cap;
} walk_t;

static int walk(const char *root, const char *rel, walk_t *w, int depth, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = opendir(path);
	if (!d)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open %s: %s", path, strerror(errno));
	struct dirent *de;
	int rc = KIOSK_OK;
	while (rc == KIOSK_OK && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char r[BUNDLE_TREE_PATH_MAX + 2];
		int l = snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		if (l < 0 || (size_t)l >= sizeof r || !bundle_tree_path_ok(r, (size_t)l)) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "forbidden or too long name in payload: %s/%s",
				  path, de->d_name);
			break;
		}
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot stat %s: %s", r, strerror(errno));
			break;
		}
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				  "%s is not a regular file or directory (links are not allowed)", r);
			break;
		}
		if (w->n == w->cap) {
			size_t nc = w->cap ? 2 * w->cap : 64;
			void *ne = nc <= BUNDLE_TREE_ENTRIES_MAX ? realloc(w->e, nc * sizeof *w->e) : NULL;
			if (!ne) {
				rc = kiosk_err(err, errlen, KIOSK_ERANGE, "too many files in payload");
				break;
			}
			w->e = ne;
			w->cap = nc;
		}
		bundle_tree_entry_t *x = &w->e[w->n++];
		memset(x, 0, sizeof *x);
		memcpy(x->path, r, (size_t)l + 1);
		if (S_ISDIR(st.st_mode)) {
			x->kind = 'd';
			x->mode = 0755;
			if (depth + 1 >= BUNDLE_TREE_DEPTH_MAX)
				rc = kiosk_err(err, errlen, KIOSK_EINVAL, "payload nested too deep at %s", r);
			else
				rc = walk(root, x->path, w, depth + 1, err, errlen);
		} else {
			x->kind = 'f';
			x->mode = (st.st_mode & 0111) ? 0755 : 0644;
			x->size = (uint64_t)st.st_size;
		}
	}
	closedir(d);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const bundle_tree_entry_t *)a)->path, ((const bundle_tree_entry_t *)b)->path);
}

/* Sequential payload writer: fills chunks, hashes them, writes them. */
typedef struct {
	int fd;
	uint64_t off;        /* file offset of the payload */
	uint64_t done;
	uint32_t cs;
	uint8_t *buf;
	size_t have;
	uint8_t *table;
	uint64_t chunk;
	EVP_MD_CTX *all;
} pw_t;

static int pw_flush(pw_t *p)
{
	if (!p->have)
		return KIOSK_OK;
	unsigned dl = 32;
	EVP_Digest(p->buf, p->have, p->table + 32 * p->chunk, &dl, EVP_sha256(), NULL);
	EVP_DigestUpdate(p->all, p->buf, p->have);
	size_t w = 0;
	while (w < p->have) {
		ssize_t r = pwrite(p->fd, p->buf + w, p->have - w, (off_t)(p->off + p->done + w));
		if (r < 0)
			return KIOSK_EIO;
		w += (size_t)r;
	}
	p->done += p->have;
	p->have = 0;
	p->chunk++;
	return KIOSK_OK;
}

static int pw_put(pw_t *p, const uint8_t *b, size_t n)
{
	while (n) {
		size_t take = p->cs - p->have;
		if (take > n)
			take = n;
		memcpy(p->buf + p->have, b, take);
		p->have += take;
		b += take;
		n -= take;
		if (p->have == p->cs && pw_flush(p))
			return KIOSK_EIO;
	}
	return KIOSK_OK;
}

static int hash_file(const char *path, uint64_t size, uint8_t out[32], pw_t *p, char *err,
		     size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open %s: %s", path, strerror(errno));
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	uint8_t buf[65536];
	uint64_t total = 0;
	int rc = KIOSK_OK;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0) {
			rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot read %s: %s", path, strerror(errno));
			break;
		}
		if (r == 0)
			break;
		total += (uint64_t)r;
		if (total > size)
			break;
		EVP_DigestUpdate(md, buf, (size_t)r);
		if (p && pw_put(p, buf, (size_t)r)) {
			rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot write the bundle: %s", strerror(errno));
			break;
		}
	}
	close(fd);
	unsigned dl = 32;
	EVP_DigestFinal_ex(md, out, &dl);
	EVP_MD_CTX_free(md);
	if (rc == KIOSK_OK && total != size)
		rc = kiosk_err(err, errlen, KIOSK_EIO, "%s changed size while packing", path);
	return rc;
}

int bundle_create(const bundle_create_opts_t *o, char *err, size_t errlen)
{
	bundle_version_t ver;
	if (!o->version || bundle_version_parse(o->version, strlen(o->version), &ver))
		return kiosk_err(err, errlen, KIOSK_EINVAL, "version must be MAJOR.MINOR.PATCH");
	uint32_t cs = o->chunk_size ? o->chunk_size : BUNDLE_CHUNK_DEFAULT;
	if (cs < BUNDLE_CHUNK_MIN || cs > BUNDLE_CHUNK_MAX || (cs & (cs - 1)))
		return kiosk_err(err, errlen, KIOSK_EINVAL, "chunk size must be a power of two in 4 KiB..16 MiB");

	EVP_PKEY *pk = NULL;
	FILE *kf = fopen(o->key_path, "r");
	if (!kf)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open private key %s: %s", o->key_path,
			    strerror(errno));
	pk = PEM_read_PrivateKey(kf, NULL, NULL, NULL);
	fclose(kf);
	uint8_t raw[32], key_id[8];
	size_t rl = 32;
	if (!pk || EVP_PKEY_id(pk) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(pk, raw, &rl) != 1) {
		EVP_PKEY_free(pk);
		return kiosk_err(err, errlen, KIOSK_EINVAL, "%s is not an Ed25519 private key (PEM)",
			    o->key_path);
	}
	{
		uint8_t d[32];
		unsigned dl = 32;
		EVP_Digest(raw, 32, d, &dl, EVP_sha256(), NULL);
		memcpy(key_id, d, 8);
	}

	walk_t w = {0};
	char *list = NULL;
	uint8_t *table = NULL, *prefix = NULL;
	pw_t p = {0};
	int fd = -1;
	char tmp[4096];
	tmp[0] = 0;
	int rc = walk(o->payload_dir, "", &w, 0, err, errlen);
	if (rc)
		goto out;
	if (w.n)
		qsort(w.e, w.n, sizeof *w.e, entry_cmp);
	/* Pass A: per-file hashes. */
	for (size_t i = 0; i < w.n && !rc; i++)
		if (w.e[i].kind == 'f') {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", o->payload_dir, w.e[i].path);
			rc = hash_file(path, w.e[i].size, w.e[i].sha256, NULL, err, errlen);
		}
	if (rc)
		goto out;
	/* The file list. */
	size_t cap = 1024, len = 0;
	list = malloc(cap);
	uint64_t payload = BUNDLE_TREE_HDR;
	for (size_t i = 0; i < w.n && list; i++) {
		char line[BUNDLE_TREE_PATH_MAX + 128];
		char sha[65];
		bundle_hex(w.e[i].sha256, 32, sha);
		int l = snprintf(line, sizeof line, "%c %04o %llu %s %s\n", w.e[i].kind, w.e[i].mode,
				 (unsigned long long)w.e[i].size, w.e[i].kind == 'd' ? "-" : sha,
				 w.e[i].path);
		if (len + (size_t)l > cap) {
			cap = 2 * cap + (size_t)l;
			char *nl = realloc(list, cap);
			if (!nl) {
				free(list);
				list = NULL;
				break;
			}
			list = nl;
		}
		memcpy(list + len, line, (size_t)l);
		len += (size_t)l;
		payload += w.e[i].size;
	}
	if (!list) {
		rc = kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
		goto out;
	}
	if (len > BUNDLE_TREE_LIST_MAX || payload + len > BUNDLE_PAYLOAD_MAX) {
		rc = kiosk_err(err, errlen, KIOSK_ERANGE, "payload too large");
		goto out;
	}
	payload += len;
	uint64_t chunks = payload / cs + (payload % cs != 0);
	if (chunks > BUNDLE_CHUNKS_MAX) {
		rc = kiosk_err(err, errlen, KIOSK_ERANGE, "payload too large for this chunk size");
		goto out;
	}
	/* Header with placeholder digests (fixed width), to learn its length. */
	char hdr[1024];
	char zero64[65];
	memset(zero64, '0', 64);
	zero64[64] = 0;
	char kid[17];
	bundle_hex(key_id, 8, kid);
#define HDR_FMT                                                                              \
	"chunk_count=%llu\nchunk_size=%u\nchunk_table_sha256=%s\ncompatible=%s\nkey_id=%s\n" \
	"payload_sha256=%s\npayload_size=%llu\nsecurity_epoch=%u\ntype=%s\nversion=%s\n"
	int hl = snprintf(hdr, sizeof hdr, HDR_FMT, (unsigned long long)chunks, cs, zero64,
			  o->compatible ? o->compatible : "", kid, zero64,
			  (unsigned long long)payload, o->epoch, bundle_type_name(o->type),
			  o->version);
	bundle_header_t check;
	if (hl < 0 || (size_t)hl >= sizeof hdr ||
	    bundle_header_parse((const uint8_t *)hdr, (size_t)hl, &check, err, errlen) != KIOSK_OK) {
		if (hl >= 0 && (size_t)hl < sizeof hdr)
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				  "bad compatible string (1..128 of [A-Za-z0-9._:+,/-])");
		else
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "header too long");
		goto out;
	}
	uint64_t poff, fsize;
	if (bundle_layout((uint64_t)hl, chunks, payload, &poff, &fsize)) {
		rc = kiosk_err(err, errlen, KIOSK_ERANGE, "sizes overflow");
		goto out;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp", o->out_path);
	unlink(tmp);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot create %s: %s", tmp, strerror(errno));
		tmp[0] = 0;
		goto out;
	}
	table = calloc(chunks ? chunks : 1, 32);
	p.fd = fd;
	p.off = poff;
	p.cs = cs;
	p.buf = malloc(cs);
	p.table = table;
	p.all = EVP_MD_CTX_new();
	if (!table || !p.buf || !p.all || EVP_DigestInit_ex(p.all, EVP_sha256(), NULL) != 1) {
		rc = kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
		goto out;
	}
	/* Pass B: stream the payload into the file, checking files did not change. */
	uint8_t th[BUNDLE_TREE_HDR];
	memcpy(th, BUNDLE_TREE_MAGIC, 4);
	uint32_t fields[3] = {1, (uint32_t)w.n, (uint32_t)len};
	for (int f = 0; f < 3; f++)
		for (int b = 0; b < 4; b++)
			th[4 + 4 * f + b] = (uint8_t)(fields[f] >> (8 * b));
	if (pw_put(&p, th, sizeof th) || pw_put(&p, (const uint8_t *)list, len)) {
		rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < w.n && !rc; i++) {
		if (w.e[i].kind != 'f')
			continue;
		char path[4096];
		uint8_t again[32];
		snprintf(path, sizeof path, "%s/%s", o->payload_dir, w.e[i].path);
		rc = hash_file(path, w.e[i].size, again, &p, err, errlen);
		if (!rc && memcmp(again, w.e[i].sha256, 32))
			rc = kiosk_err(err, errlen, KIOSK_EIO, "%s changed while packing", path);
	}
	if (rc)
		goto out;
	if (pw_flush(&p)) {
		rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	uint8_t psha[32], tsha[32];
	unsigned dl = 32;
	EVP_DigestFinal_ex(p.all, psha, &dl);
	EVP_Digest(table, (size_t)(32 * chunks), tsha, &dl, EVP_sha256(), NULL);
	char ph[65], th64[65];
	bundle_hex(psha, 32, ph);
	bundle_hex(tsha, 32, th64);
	int hl2 = snprintf(hdr, sizeof hdr, HDR_FMT, (unsigned long long)chunks, cs, th64,
			   o->compatible, kid, ph, (unsigned long long)payload, o->epoch,
			   bundle_type_name(o->type), o->version);
	if (hl2 != hl) {
		rc = kiosk_err(err, errlen, KIOSK_ERR, "internal: header length changed");
		goto out;
	}
	size_t prelen = (size_t)poff;
	prefix = calloc(1, prelen);
	if (!prefix) {
		rc = kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
		goto out;
	}
	if (bundle_sign_prefix_key(pk, key_id, (const uint8_t *)hdr, (size_t)hl, prefix)) {
		rc = kiosk_err(err, errlen, KIOSK_ERR, "signing failed");
		goto out;
	}
	memcpy(prefix + BUNDLE_FIXED_LEN + hl + BUNDLE_SIGBLOCK_LEN, table, (size_t)(32 * chunks));
	size_t wr = 0;
	while (wr < prelen) {
		ssize_t r = pwrite(fd, prefix + wr, prelen - wr, (off_t)wr);
		if (r < 0)
			break;
		wr += (size_t)r;
	}
	if (wr != prelen || ftruncate(fd, (off_t)fsize) < 0 || fsync(fd) < 0) {
		rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, o->out_path) < 0) {
		rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot rename to %s: %s", o->out_path,
			  strerror(errno));
		goto out;
	}
	tmp[0] = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlink(tmp);
	free(prefix);
	free(p.buf);
	EVP_MD_CTX_free(p.all);
	free(table);
	free(list);
	free(w.e);
	EVP_PKEY_free(pk);
	return rc;
}
