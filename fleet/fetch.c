/* fetch.c - one data bundle fetched over the fleet in chunks, into the
 * kiosk's data folder, so that a restart or a power cut fetches again only
 * the chunks not yet on the storage (fleet/fetch.h). The bundle is not
 * trusted here: the caller verifies it as it would a stick's. */
#include "fleet/fetch.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/mfile.h"

#define DONE_KEEP 32

struct fetch {
	char dir[PATH_MAX - 96];
	bool active;
	fetch_manifest_t m;
	uint32_t nchunks;
	uint8_t *have;   /* nchunks bytes */
	uint32_t missing;
	int part_fd, have_fd;
};

static bool hex64(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static int storage_err(int e)
{
	return e == ENOSPC || e == EDQUOT ? KIOSK_ENOSPC : e == EROFS || e == EACCES ? KIOSK_EROFS : KIOSK_EIO;
}

static int check_manifest(fetch_manifest_t *m, char *err, size_t errlen)
{
	if (!hex64(m->sha))
		return kiosk_err(err, errlen, KIOSK_EINVAL, "push manifest: bundle is not a SHA-256 in hex");
	if (m->size < 1 || m->size > FETCH_SIZE_MAX)
		return kiosk_err(err, errlen, KIOSK_ERANGE, "push manifest: size %llu out of range",
				 (unsigned long long)m->size);
	if (m->chunk < FETCH_CHUNK_MIN || m->chunk > FETCH_CHUNK_MAX)
		return kiosk_err(err, errlen, KIOSK_ERANGE, "push manifest: chunk %u out of range", m->chunk);
	for (const char *p = m->version; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return kiosk_err(err, errlen, KIOSK_EINVAL, "push manifest: bad version");
	return KIOSK_OK;
}

int fetch_manifest_parse(const char *json, size_t len, fetch_manifest_t *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	if (len == 0)
		return kiosk_err(err, errlen, KIOSK_ENOENT, "push withdrawn");
	cJSON *o = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return kiosk_err(err, errlen, KIOSK_EINVAL, "push manifest: not a JSON object");
	}
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "v");
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "bundle");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "size");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "chunk");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(o, "version");
	int k = KIOSK_OK;
	if (!cJSON_IsNumber(v) || v->valuedouble != 1 || !cJSON_IsString(b) || strlen(b->valuestring) != 64 ||
	    !cJSON_IsNumber(s) || !cJSON_IsNumber(c) || s->valuedouble < 1 ||
	    s->valuedouble > (double)FETCH_SIZE_MAX || c->valuedouble < 1 || c->valuedouble > FETCH_CHUNK_MAX ||
	    (ver && (!cJSON_IsString(ver) || strlen(ver->valuestring) >= sizeof m->version))) {
		k = kiosk_err(err, errlen, KIOSK_EINVAL, "push manifest: v 1, bundle, size and chunk expected");
	} else {
		snprintf(m->sha, sizeof m->sha, "%s", b->valuestring);
		m->size = (uint64_t)s->valuedouble;
		m->chunk = (uint32_t)c->valuedouble;
		if (ver)
			snprintf(m->version, sizeof m->version, "%s", ver->valuestring);
		k = check_manifest(m, err, errlen);
	}
	cJSON_Delete(o);
	return k;
}

static void path_of(const fetch_t *f, const char *name, const char *ext, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s%s", f->dir, name, ext);
}

static void drop_download(fetch_t *f, bool remove_files)
{
	if (f->part_fd >= 0)
		close(f->part_fd);
	if (f->have_fd >= 0)
		close(f->have_fd);
	f->part_fd = f->have_fd = -1;
	if (remove_files && f->active) {
		char p[PATH_MAX];
		path_of(f, f->m.sha, ".part", p, sizeof p);
		unlink(p);
		path_of(f, f->m.sha, ".have", p, sizeof p);
		unlink(p);
		path_of(f, "fetch.state", "", p, sizeof p);
		unlink(p);
	}
	free(f->have);
	f->have = NULL;
	f->active = false;
	f->missing = f->nchunks = 0;
}

/* Open (or make) the .part and .have files of f->m and read the marks. */
static int open_files(fetch_t *f, bool fresh, char *err, size_t errlen)
{
	char p[PATH_MAX];
	f->nchunks = (uint32_t)((f->m.size + f->m.chunk - 1) / f->m.chunk);
	f->have = calloc(f->nchunks, 1);
	if (!f->have)
		return KIOSK_ENOMEM;
	int fl = O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (fresh ? O_TRUNC : 0);
	path_of(f, f->m.sha, ".part", p, sizeof p);
	f->part_fd = open(p, fl, 0600);
	path_of(f, f->m.sha, ".have", p, sizeof p);
	f->have_fd = f->part_fd < 0 ? -1 : open(p, fl, 0600);
	if (f->part_fd < 0 || f->have_fd < 0)
		return kiosk_err(err, errlen, storage_err(errno), "cannot open %s: %s", p, strerror(errno));
	ssize_t r = pread(f->have_fd, f->have, f->nchunks, 0);
	if (r < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot read %s: %s", p, strerror(errno));
	f->missing = 0;
	for (uint32_t i = 0; i < f->nchunks; i++) {
		if (f->have[i] != 1)
			f->have[i] = 0;
		f->missing += !f->have[i];
	}
	f->active = true;
	return KIOSK_OK;
}

static int write_state(const fetch_t *f)
{
	char buf[256], p[PATH_MAX];
	int n = snprintf(buf, sizeof buf, "bundle=%s\nsize=%llu\nchunk=%u\nversion=%s\n", f->m.sha,
			 (unsigned long long)f->m.size, f->m.chunk, f->m.version);
	path_of(f, "fetch.state", "", p, sizeof p);
	return mfile_write_atomic(p, buf, (size_t)n, 0600);
}

static int read_state(fetch_t *f, fetch_manifest_t *m)
{
	char p[PATH_MAX], *buf = NULL;
	size_t len;
	path_of(f, "fetch.state", "", p, sizeof p);
	if (mfile_read(p, 1024, &buf, &len))
		return KIOSK_ENOENT;
	unsigned long long size = 0;
	unsigned chunk = 0;
	memset(m, 0, sizeof *m);
	int k = sscanf(buf, "bundle=%64s\nsize=%llu\nchunk=%u\nversion=%32[0-9.]", m->sha, &size, &chunk,
		       m->version) >= 3
			? KIOSK_OK
			: KIOSK_ECORRUPT;
	free(buf);
	m->size = size;
	m->chunk = chunk;
	return k ? k : check_manifest(m, NULL, 0);
}

static bool was_done(const fetch_t *f, const char *sha)
{
	char p[PATH_MAX], *buf = NULL;
	size_t len;
	path_of(f, "done", "", p, sizeof p);
	if (mfile_read(p, 66 * (DONE_KEEP + 2), &buf, &len))
		return false;
	bool found = false;
	for (char *line = strtok(buf, "\n"); line && !found; line = strtok(NULL, "\n"))
		found = !strcmp(line, sha);
	free(buf);
	return found;
}

static int remember_done(const fetch_t *f, const char *sha)
{
	char p[PATH_MAX], *old = NULL;
	size_t len = 0;
	path_of(f, "done", "", p, sizeof p);
	if (mfile_read(p, 66 * (DONE_KEEP + 2), &old, &len))
		old = NULL, len = 0;
	char buf[66 * (DONE_KEEP + 1)];
	size_t n = 0, lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += old[i] == '\n';
	const char *s = old ? old : "";
	while (lines >= DONE_KEEP && *s) { /* keep the newest DONE_KEEP - 1 */
		const char *nl = strchr(s, '\n');
		s = nl ? nl + 1 : s + strlen(s);
		lines--;
	}
	n = (size_t)snprintf(buf, sizeof buf, "%s%s\n", s, sha);
	free(old);
	return mfile_write_atomic(p, buf, n < sizeof buf ? n : sizeof buf - 1, 0600);
}

int fetch_open(const char *dir, fetch_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (strlen(dir) >= sizeof ((fetch_t *)0)->dir)
		return kiosk_err(err, errlen, KIOSK_ERANGE, "push folder name too long");
	if (mkdir(dir, 0700) && errno != EEXIST)
		return kiosk_err(err, errlen, storage_err(errno), "cannot make %s: %s", dir, strerror(errno));
	char ready[PATH_MAX];
	snprintf(ready, sizeof ready, "%s/ready", dir);
	if (mkdir(ready, 0700) && errno != EEXIST)
		return kiosk_err(err, errlen, storage_err(errno), "cannot make %s: %s", ready, strerror(errno));
	fetch_t *f = calloc(1, sizeof *f);
	if (!f)
		return KIOSK_ENOMEM;
	snprintf(f->dir, sizeof f->dir, "%s", dir);
	f->part_fd = f->have_fd = -1;
	fetch_manifest_t m;
	if (read_state(f, &m) == KIOSK_OK) {
		f->m = m;
		f->active = true; /* so that a failure below removes its files */
		/* A download finished just before a power cut, or files that
		 * cannot be opened: start again from the manifest. */
		if (was_done(f, m.sha) || open_files(f, false, NULL, 0))
			drop_download(f, true);
	}
	*out = f;
	return KIOSK_OK;
}

void fetch_close(fetch_t *f)
{
	if (!f)
		return;
	drop_download(f, false);
	free(f);
}

int fetch_begin(fetch_t *f, const fetch_manifest_t *m, char *err, size_t errlen)
{
	if (f->active && !strcmp(f->m.sha, m->sha))
		return 1;
	if (was_done(f, m->sha))
		return 0;
	drop_download(f, true);
	struct statvfs vs;
	if (!statvfs(f->dir, &vs) && (uint64_t)vs.f_bavail * vs.f_frsize < 2 * m->size + (4u << 20))
		return kiosk_err(err, errlen, KIOSK_ENOSPC,
				 "not enough room for the pushed bundle (%llu KiB, twice that needed)",
				 (unsigned long long)(m->size / 1024));
	f->m = *m;
	int k = open_files(f, true, err, errlen);
	if (!k && write_state(f))
		k = kiosk_err(err, errlen, KIOSK_EIO, "cannot write %s/fetch.state", f->dir);
	if (k) {
		drop_download(f, true);
		return k;
	}
	return 1;
}

const fetch_manifest_t *fetch_current(const fetch_t *f)
{
	return f->active ? &f->m : NULL;
}

uint32_t fetch_chunks(const fetch_t *f)
{
	return f->nchunks;
}

uint32_t fetch_missing_count(const fetch_t *f)
{
	return f->missing;
}

int fetch_missing(const fetch_t *f, uint32_t *idx, int max)
{
	int n = 0;
	for (uint32_t i = 0; f->active && i < f->nchunks && n < max; i++)
		if (!f->have[i])
			idx[n++] = i;
	return n;
}

/* SHA-256 of the .part file, compared with the manifest's. */
static int whole_matches(const fetch_t *f, bool *match, char *err, size_t errlen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t *buf = malloc(1u << 20);
	int k = KIOSK_OK;
	if (!c || !buf || !EVP_DigestInit_ex(c, EVP_sha256(), NULL)) {
		k = KIOSK_ENOMEM;
		goto out;
	}
	for (uint64_t off = 0; off < f->m.size;) {
		size_t want = f->m.size - off < (1u << 20) ? (size_t)(f->m.size - off) : (1u << 20);
		ssize_t r = pread(f->part_fd, buf, want, (off_t)off);
		if (r <= 0) {
			k = kiosk_err(err, errlen, KIOSK_EIO, "cannot read the pushed bundle back: %s",
				      r < 0 ? strerror(errno) : "short file");
			goto out;
		}
		EVP_DigestUpdate(c, buf, (size_t)r);
		off += (uint64_t)r;
	}
	uint8_t md[32];
	char hex[65];
	EVP_DigestFinal_ex(c, md, NULL);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	*match = !strcmp(hex, f->m.sha);
out:
	EVP_MD_CTX_free(c);
	free(buf);
	return k;
}

int fetch_chunk(fetch_t *f, const char *sha, uint32_t i, const void *data, size_t len, char *ready,
		size_t readycap, char *err, size_t errlen)
{
	if (!f->active || strcmp(sha, f->m.sha) || i >= f->nchunks)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "a chunk of no download in progress");
	uint64_t off = (uint64_t)i * f->m.chunk;
	uint64_t want = f->m.size - off < f->m.chunk ? f->m.size - off : f->m.chunk;
	if (len != want)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "chunk %u has %zu bytes, %llu expected", i, len,
				 (unsigned long long)want);
	if (f->have[i])
		return 0;
	const uint8_t one = 1;
	if (pwrite(f->part_fd, data, len, (off_t)off) != (ssize_t)len || fdatasync(f->part_fd) ||
	    pwrite(f->have_fd, &one, 1, (off_t)i) != 1 || fdatasync(f->have_fd))
		return kiosk_err(err, errlen, storage_err(errno), "cannot store a chunk of the pushed bundle: %s",
				 strerror(errno));
	f->have[i] = 1;
	if (--f->missing)
		return 0;
	bool match = false;
	int k = whole_matches(f, &match, err, errlen);
	if (k)
		return k;
	if (!match) { /* every chunk again: which one was wrong is not known */
		memset(f->have, 0, f->nchunks);
		f->missing = f->nchunks;
		if (ftruncate(f->have_fd, 0) || fdatasync(f->have_fd))
			return kiosk_err(err, errlen, KIOSK_EIO, "cannot reset the pushed bundle's chunks");
		return kiosk_err(err, errlen, KIOSK_ECORRUPT,
				 "the pushed bundle's bytes do not match its manifest: fetched again");
	}
	char part[PATH_MAX], dst[PATH_MAX];
	path_of(f, f->m.sha, ".part", part, sizeof part);
	/* What the province called it, for a refusal of a bundle whose own
	 * header cannot be trusted. */
	snprintf(dst, sizeof dst, "%s/ready/%s.version", f->dir, f->m.sha);
	mfile_write_atomic(dst, f->m.version, strlen(f->m.version), 0600);
	snprintf(dst, sizeof dst, "%s/ready/%s.kiosk", f->dir, f->m.sha);
	if (rename(part, dst) || mfile_sync_dir(dst, 0) || remember_done(f, f->m.sha))
		return kiosk_err(err, errlen, storage_err(errno), "cannot keep the pushed bundle: %s",
				 strerror(errno));
	snprintf(ready, readycap, "%s", dst);
	drop_download(f, true);
	return 1;
}
