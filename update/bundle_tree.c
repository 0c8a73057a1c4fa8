/* bundle_tree.c - the app-tree container inside a bundle payload: a signed
 * file list (path, mode, size, sha256) followed by the file bytes. A
 * streaming parser checks every name and every file hash; it hands bytes to
 * optional callbacks (the installer writes them, the pre-check does not). */
#include "update/bundle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/kiosk.h"


int bundle_tree_path_ok(const char *p, size_t len)
{
	if (len == 0 || len > BUNDLE_TREE_PATH_MAX)
		return 0;
	size_t comp = 0, depth = 1;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || p[i] == '/') {
			const char *c = p + i - comp;
			if (comp == 0)
				return 0; /* leading '/', trailing '/', or "//" */
			if ((comp == 1 && c[0] == '.') || (comp == 2 && c[0] == '.' && c[1] == '.'))
				return 0;
			comp = 0;
			if (i < len && ++depth > BUNDLE_TREE_DEPTH_MAX)
				return 0;
			continue;
		}
		unsigned char ch = (unsigned char)p[i];
		if (ch < 0x20 || ch > 0x7e || ch == '\\')
			return 0;
		comp++;
	}
	return 1;
}

static int cmp_bytes(const char *a, const char *b)
{
	return strcmp(a, b); /* ASCII only, so bytewise */
}

static int dir_listed(bundle_tree_entry_t *e, size_t n, const char *parent, size_t plen)
{
	/* Entries are sorted; binary search among all entries for parent. */
	char key[BUNDLE_TREE_PATH_MAX + 1];
	memcpy(key, parent, plen);
	key[plen] = 0;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_bytes(e[mid].path, key);
		if (c == 0)
			return e[mid].kind == 'd';
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int bundle_tree_parse_list(const uint8_t *list, size_t len, uint32_t count,
			   bundle_tree_entry_t **entries, char *err, size_t errlen)
{
	if (entries)
		*entries = NULL;
	if (count > BUNDLE_TREE_ENTRIES_MAX)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "file list: too many entries (%u)", count);
	if (len > BUNDLE_TREE_LIST_MAX)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "file list: too long");
	/* The shortest line, "d 0755 0 - a\n", has 13 bytes: refuse counts the
	 * list cannot hold before allocating for them. */
	if (count > len / 13)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "file list: more entries announced than listed");
	bundle_tree_entry_t *e = calloc(count ? count : 1, sizeof *e);
	if (!e)
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	size_t pos = 0, i = 0;
	int rc = KIOSK_OK;
	const char *t = (const char *)list;
	while (pos < len) {
		const char *line = t + pos;
		const char *nl = memchr(line, '\n', len - pos);
		if (!nl) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "file list: last line has no newline");
			break;
		}
		size_t ll = (size_t)(nl - line);
		pos += ll + 1;
		if (i >= count) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "file list: more entries than announced");
			break;
		}
		bundle_tree_entry_t *x = &e[i];
		/* kind SP mode SP size SP sha SP path */
		const char *f[5];
		size_t fl[5];
		size_t p = 0;
		int nf = 0;
		for (; nf < 4; nf++) {
			const char *sp = memchr(line + p, ' ', ll - p);
			if (!sp)
				break;
			f[nf] = line + p;
			fl[nf] = (size_t)(sp - (line + p));
			p += fl[nf] + 1;
		}
		if (nf != 4) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "file list: entry %zu malformed", i);
			break;
		}
		f[4] = line + p;
		fl[4] = ll - p;
		if (fl[0] != 1 || (f[0][0] != 'd' && f[0][0] != 'f')) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				  "file list: entry %zu is not a regular file or directory", i);
			break;
		}
		x->kind = f[0][0];
		if (fl[1] == 4 && !memcmp(f[1], "0755", 4))
			x->mode = 0755;
		else if (fl[1] == 4 && !memcmp(f[1], "0644", 4) && x->kind == 'f')
			x->mode = 0644;
		else {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "file list: entry %zu has a bad mode", i);
			break;
		}
		if (bundle_parse_u64(f[2], fl[2], BUNDLE_PAYLOAD_MAX, &x->size) != KIOSK_OK ||
		    (x->kind == 'd' && x->size != 0)) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "file list: entry %zu has a bad size", i);
			break;
		}
		int shaok = 1;
		if (x->kind == 'd') {
			shaok = fl[3] == 1 && f[3][0] == '-';
		} else if (fl[3] != 64) {
			shaok = 0;
		} else {
			for (size_t k = 0; k < 64 && shaok; k++) {
				char c = f[3][k];
				unsigned v;
				if (c >= '0' && c <= '9')
					v = (unsigned)(c - '0');
				else if (c >= 'a' && c <= 'f')
					v = (unsigned)(c - 'a' + 10);
				else {
					shaok = 0;
					break;
				}
				if (k % 2 == 0)
					x->sha256[k / 2] = (uint8_t)(v << 4);
				else
					x->sha256[k / 2] |= (uint8_t)v;
			}
		}
		if (!shaok) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "file list: entry %zu has a bad sha256", i);
			break;
		}
		if (!bundle_tree_path_ok(f[4], fl[4])) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				  "file list: entry %zu has a forbidden name (absolute, '..', empty, "
				  "or bad characters)", i);
			break;
		}
		memcpy(x->path, f[4], fl[4]);
		x->path[fl[4]] = 0;
		if (i > 0 && cmp_bytes(e[i - 1].path, x->path) >= 0) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				  "file list: entry %zu is a duplicate or out of order", i);
			break;
		}
		const char *slash = strrchr(x->path, '/');
		if (slash && !dir_listed(e, i, x->path, (size_t)(slash - x->path))) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				  "file list: entry %zu has no parent directory entry", i);
			break;
		}
		i++;
	}
	if (rc == KIOSK_OK && i != count)
		rc = kiosk_err(err, errlen, KIOSK_EINVAL, "file list: fewer entries than announced");
	if (rc != KIOSK_OK || !entries)
		free(e);
	else
		*entries = e;
	return rc;
}

/* ---- streaming parser ---------------------------------------------------------- */
enum { T_HDR, T_LIST, T_DATA, T_DONE };

struct bundle_tree {
	const bundle_tree_ops_t *ops;
	void *user;
	uint64_t payload_size;
	int phase;
	uint8_t hdr[BUNDLE_TREE_HDR];
	size_t hdr_have;
	uint32_t count;
	uint8_t *list;
	size_t list_len, list_have;
	bundle_tree_entry_t *e;
	size_t cur;          /* index of the entry being filled */
	uint64_t cur_left;   /* bytes still due for e[cur] */
	int in_file;
	int trusted; /* bundle_tree_trust_content: no per-file hashing */
	EVP_MD_CTX *md;
};

int bundle_tree_new(uint64_t payload_size, const bundle_tree_ops_t *ops, void *user,
		    bundle_tree_t **out)
{
	*out = NULL;
	bundle_tree_t *t = calloc(1, sizeof *t);
	if (!t)
		return KIOSK_ENOMEM;
	t->md = EVP_MD_CTX_new();
	if (!t->md) {
		free(t);
		return KIOSK_ENOMEM;
	}
	t->ops = ops;
	t->user = user;
	t->payload_size = payload_size;
	*out = t;
	return KIOSK_OK;
}

void bundle_tree_trust_content(bundle_tree_t *t)
{
	t->trusted = 1;
}

void bundle_tree_free(bundle_tree_t *t)
{
	if (!t)
		return;
	free(t->list);
	free(t->e);
	EVP_MD_CTX_free(t->md);
	free(t);
}

size_t bundle_tree_count(const bundle_tree_t *t)
{
	return t->e ? t->count : 0;
}

const bundle_tree_entry_t *bundle_tree_entry(const bundle_tree_t *t, size_t i)
{
	return t->e && i < t->count ? &t->e[i] : NULL;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Emits directory entries and opens the next file; stops at a file with
 * bytes due, or at the end. */
static int advance(bundle_tree_t *t, char *err, size_t errlen)
{
	while (t->cur < t->count) {
		bundle_tree_entry_t *x = &t->e[t->cur];
		if (x->kind == 'd') {
			if (t->ops && t->ops->dir) {
				int rc = t->ops->dir(t->user, x, err, errlen);
				if (rc)
					return rc;
			}
			t->cur++;
			continue;
		}
		if (!t->in_file) {
			if (!t->trusted && EVP_DigestInit_ex(t->md, EVP_sha256(), NULL) != 1)
				return kiosk_err(err, errlen, KIOSK_ENOMEM, "digest init failed");
			if (t->ops && t->ops->file_begin) {
				int rc = t->ops->file_begin(t->user, x, err, errlen);
				if (rc)
					return rc;
			}
			t->in_file = 1;
			t->cur_left = x->size;
		}
		if (t->cur_left > 0)
			return KIOSK_OK;
		uint8_t d[32];
		unsigned dl = 32;
		if (!t->trusted && (EVP_DigestFinal_ex(t->md, d, &dl) != 1 || memcmp(d, x->sha256, 32)))
			return kiosk_err(err, errlen, KIOSK_ECORRUPT,
				    "file list: content of entry %zu does not match its sha256", t->cur);
		if (t->ops && t->ops->file_end) {
			int rc = t->ops->file_end(t->user, x, err, errlen);
			if (rc)
				return rc;
		}
		t->in_file = 0;
		t->cur++;
	}
	t->phase = T_DONE;
	return KIOSK_OK;
}

int bundle_tree_feed(bundle_tree_t *t, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	while (len) {
		if (t->phase == T_HDR) {
			size_t take = BUNDLE_TREE_HDR - t->hdr_have;
			if (take > len)
				take = len;
			memcpy(t->hdr + t->hdr_have, buf, take);
			t->hdr_have += take;
			buf += take;
			len -= take;
			if (t->hdr_have < BUNDLE_TREE_HDR)
				continue;
			if (memcmp(t->hdr, BUNDLE_TREE_MAGIC, 4) || rd32(t->hdr + 4) != 1)
				return kiosk_err(err, errlen, KIOSK_EINVAL,
					    "payload is not a file tree (bad tree magic or version)");
			t->count = rd32(t->hdr + 8);
			t->list_len = rd32(t->hdr + 12);
			if (t->count > BUNDLE_TREE_ENTRIES_MAX || t->list_len > BUNDLE_TREE_LIST_MAX ||
			    BUNDLE_TREE_HDR + (uint64_t)t->list_len > t->payload_size)
				return kiosk_err(err, errlen, KIOSK_EINVAL,
					    "file list: size or entry count out of range");
			t->list = malloc(t->list_len ? t->list_len : 1);
			if (!t->list)
				return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
			t->phase = T_LIST;
		}
		if (t->phase == T_LIST) {
			size_t take = t->list_len - t->list_have;
			if (take > len)
				take = len;
			memcpy(t->list + t->list_have, buf, take);
			t->list_have += take;
			buf += take;
			len -= take;
			if (t->list_have < t->list_len)
				continue;
			int rc = bundle_tree_parse_list(t->list, t->list_len, t->count, &t->e, err,
							errlen);
			if (rc)
				return rc;
			uint64_t total = BUNDLE_TREE_HDR + (uint64_t)t->list_len;
			for (uint32_t i = 0; i < t->count; i++) {
				if (t->e[i].size > t->payload_size - total)
					return kiosk_err(err, errlen, KIOSK_EINVAL,
						    "file list: sizes exceed the payload");
				total += t->e[i].size;
			}
			if (total != t->payload_size)
				return kiosk_err(err, errlen, KIOSK_EINVAL,
					    "file list: sizes do not add up to the payload size");
			t->phase = T_DATA;
			rc = advance(t, err, errlen);
			if (rc)
				return rc;
			continue;
		}
		if (t->phase == T_DATA) {
			size_t take = len;
			if (take > t->cur_left)
				take = (size_t)t->cur_left;
			if (!t->trusted)
				EVP_DigestUpdate(t->md, buf, take);
			if (t->ops && t->ops->file_data) {
				int rc = t->ops->file_data(t->user, buf, take, err, errlen);
				if (rc)
					return rc;
			}
			t->cur_left -= take;
			buf += take;
			len -= take;
			int rc = advance(t, err, errlen);
			if (rc)
				return rc;
			continue;
		}
		return kiosk_err(err, errlen, KIOSK_EINVAL, "payload has bytes after the last file");
	}
	if (t->phase == T_DATA && t->cur_left == 0) /* trailing empty files / dirs */
		return advance(t, err, errlen);
	return KIOSK_OK;
}

int bundle_tree_finish(bundle_tree_t *t, char *err, size_t errlen)
{
	if (t->phase == T_DATA) {
		int rc = advance(t, err, errlen);
		if (rc)
			return rc;
	}
	if (t->phase != T_DONE)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "payload ends before the last file");
	return KIOSK_OK;
}

int bundle_tree_chunk_cb(void *user, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	return bundle_tree_feed(user, buf, len, err, errlen);
}
