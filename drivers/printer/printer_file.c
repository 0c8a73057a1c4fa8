/* printer_file.c - the simulated printer: each printed ticket becomes
 * <name>.escpos (the exact byte stream) and <name>.png (the picture the
 * stream prints) in the spool folder, written atomically (temp file, fsync,
 * rename, fsync of the folder). tickets_sim_set scripts its failures.
 * Temp files a kill left behind are removed when the spool is opened, and
 * the files of a voided ticket are removed by printer_file_remove_ticket. */
#include "drivers/printer/printer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/bitmap.h"
#include "core/pngout.h"

typedef struct {
	char *dir;
	printer_state_t state;     /* what the printer is now */
	printer_state_t pending;   /* failure armed for the next job */
	long after;                /* -1: none armed */
	bool in_job, armed_job;
	char name[96];
	escpos_buf_t buf;
} filep_t;

static int mkdirs(const char *dir)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
		return KIOSK_ERANGE;
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
				return KIOSK_EIO;
			*p = '/';
		}
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return KIOSK_EIO;
	return KIOSK_OK;
}

static int f_status(void *ctx, printer_state_t *st)
{
	filep_t *f = ctx;
	*st = f->state;
	return KIOSK_OK;
}

static int fail_rc(printer_state_t s)
{
	return s == PRINTER_NO_PRINTER ? KIOSK_ENODEV : KIOSK_ETIMEOUT;
}

static int f_write(void *ctx, const uint8_t *b, size_t len, size_t *tr, int timeout_ms)
{
	filep_t *f = ctx;
	*tr = 0;
	if (f->state != PRINTER_OK && f->state != PRINTER_NEAR_END)
		return fail_rc(f->state);
	size_t n = len;
	bool trigger = false;
	if (f->in_job && f->armed_job && f->after >= 0) {
		size_t room = (size_t)f->after > f->buf.len ? (size_t)f->after - f->buf.len : 0;
		if (n >= room && len > 0) {
			n = room;
			trigger = true;
		}
	}
	if (n) {
		escpos_put(&f->buf, b, n);
		if (f->buf.failed)
			return KIOSK_ENOMEM;
	}
	*tr = n;
	if (trigger) {
		f->state = f->pending;
		f->after = -1;
		f->armed_job = false;
		return fail_rc(f->state);
	}
	return KIOSK_OK;
}

static int f_read(void *ctx, uint8_t *b, size_t cap, size_t *got, int timeout_ms)
{
	*got = 0;
	return KIOSK_OK;
}

static int f_job_begin(void *ctx, const char *name)
{
	filep_t *f = ctx;
	if (strlen(name) >= sizeof f->name || strchr(name, '/') || name[0] == '.')
		return KIOSK_EINVAL;
	snprintf(f->name, sizeof f->name, "%s", name);
	f->buf.len = 0;
	f->buf.failed = false;
	f->in_job = true;
	f->armed_job = f->after >= 0;
	return KIOSK_OK;
}

/* Interpret the subset of ESC/POS we emit into a picture (the simulated
 * paper). Feeds add 30 rows per line. */
static int rasterize(const uint8_t *d, size_t n, bitmap_t *img)
{
	memset(img, 0, sizeof *img);
	size_t i = 0, rows = 0, cap = 0;
	int stride = 0;
	uint8_t *bits = NULL;
	while (i < n) {
		size_t add = 0;
		const uint8_t *src = NULL;
		if (n - i >= 2 && d[i] == 0x1B && d[i + 1] == 0x40) {
			i += 2;
			continue;
		} else if (n - i >= 3 && d[i] == 0x1B && d[i + 1] == 0x61) {
			i += 3;
			continue;
		} else if (n - i >= 3 && d[i] == 0x1B && d[i + 1] == 0x64) {
			add = (size_t)d[i + 2] * 30;
			i += 3;
		} else if (n - i >= 4 && d[i] == 0x1D && d[i + 1] == 0x56 && (d[i + 2] == 0x41 || d[i + 2] == 0x42)) {
			i += 4;
			continue;
		} else if (n - i >= 8 && d[i] == 0x1D && d[i + 1] == 0x76 && d[i + 2] == 0x30 && d[i + 3] == 0) {
			int x = d[i + 4] | d[i + 5] << 8, y = d[i + 6] | d[i + 7] << 8;
			if (x == 0 || (stride && x != stride) || n - i - 8 < (size_t)x * (size_t)y) {
				free(bits);
				return KIOSK_EINVAL;
			}
			stride = x;
			add = (size_t)y;
			src = d + i + 8;
			i += 8 + (size_t)x * (size_t)y;
		} else {
			free(bits);
			return KIOSK_EINVAL;
		}
		if (!stride || !add)
			continue;
		if (rows + add > cap) {
			size_t nc = cap ? cap : 1024;
			while (nc < rows + add)
				nc *= 2;
			uint8_t *nb = realloc(bits, nc * (size_t)stride);
			if (!nb) {
				free(bits);
				return KIOSK_ENOMEM;
			}
			bits = nb;
			cap = nc;
		}
		if (src)
			memcpy(bits + rows * (size_t)stride, src, add * (size_t)stride);
		else
			memset(bits + rows * (size_t)stride, 0, add * (size_t)stride);
		rows += add;
	}
	if (!rows) {
		free(bits);
		return KIOSK_EINVAL;
	}
	img->w = stride * 8;
	img->stride = stride;
	img->h = (int)rows;
	img->bits = bits;
	return KIOSK_OK;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return KIOSK_EIO;
	int rc = fsync(fd) == 0 ? KIOSK_OK : KIOSK_EIO;
	close(fd);
	return rc;
}

/* Write data (or a PNG of img) to dir/name atomically. */
static int write_atomic(const char *dir, const char *name, const uint8_t *data, size_t len,
			const bitmap_t *img)
{
	char tmp[4200], dst[4200];
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
	snprintf(dst, sizeof dst, "%s/%s", dir, name);
	/* Owner-only: a ticket's QR carries the citizen's answers. */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!fp) {
		if (fd >= 0)
			close(fd);
		return KIOSK_EIO;
	}
	int rc = KIOSK_OK;
	if (img)
		rc = pngout_write_bitmap_fp(img, fp);
	else if (fwrite(data, 1, len, fp) != len)
		rc = KIOSK_EIO;
	if (!rc && (fflush(fp) != 0 || fsync(fileno(fp)) != 0))
		rc = KIOSK_EIO;
	if (fclose(fp) != 0 && !rc)
		rc = KIOSK_EIO;
	if (!rc && rename(tmp, dst) != 0)
		rc = KIOSK_EIO;
	if (rc)
		unlink(tmp);
	return rc;
}

static int f_job_end(void *ctx, bool printed)
{
	filep_t *f = ctx;
	int rc = KIOSK_OK;
	if (!f->in_job)
		return KIOSK_EINVAL;
	f->in_job = false;
	if (printed) {
		bitmap_t img;
		char nm[128];
		rc = rasterize(f->buf.data, f->buf.len, &img);
		if (!rc) {
			snprintf(nm, sizeof nm, "%s.png", f->name);
			rc = write_atomic(f->dir, nm, NULL, 0, &img);
			bitmap_free(&img);
		}
		if (!rc) {
			snprintf(nm, sizeof nm, "%s.escpos", f->name);
			rc = write_atomic(f->dir, nm, f->buf.data, f->buf.len, NULL);
			if (rc) { /* no lone picture of a ticket that did not print */
				char png[4200];
				snprintf(png, sizeof png, "%s/%s.png", f->dir, f->name);
				unlink(png);
			}
		}
		if (!rc)
			rc = sync_dir(f->dir);
	}
	f->buf.len = 0;
	return rc;
}

static void f_close(void *ctx)
{
	filep_t *f = ctx;
	if (!f)
		return;
	escpos_buf_free(&f->buf);
	free(f->dir);
	free(f);
}

static const printer_ops_t file_ops = {
	.name = "file",
	.write = f_write,
	.read = f_read,
	.status = f_status,
	.job_begin = f_job_begin,
	.job_end = f_job_end,
	.close = f_close,
};

/* Remove the spool's files that match: ".*.tmp" (a write a kill cut short),
 * or, with id, "<id>-*.png|.escpos" and their temp files. Returns how many. */
static int remove_matching(const char *dir, const char *id)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int dfd = dirfd(d), n = 0;
	size_t il = id ? strlen(id) : 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *nm = de->d_name;
		size_t l = strlen(nm);
		bool tmp = nm[0] == '.' && l > 5 && strcmp(nm + l - 4, ".tmp") == 0;
		bool hit;
		if (!id) {
			hit = tmp;
		} else {
			const char *b = tmp ? nm + 1 : nm;
			size_t bl = tmp ? l - 5 : l;
			hit = bl > il + 1 && strncmp(b, id, il) == 0 && b[il] == '-' &&
			      ((bl > 4 && strncmp(b + bl - 4, ".png", 4) == 0) ||
			       (bl > 7 && strncmp(b + bl - 7, ".escpos", 7) == 0));
		}
		if (hit && unlinkat(dfd, nm, 0) == 0)
			n++;
	}
	closedir(d);
	if (n)
		sync_dir(dir);
	return n;
}

int printer_file_remove_ticket(printer_t *p, const char *ticket_id)
{
	if (!p || p->ops != &file_ops)
		return KIOSK_OK; /* a real printer keeps nothing on disk */
	if (!ticket_id || !*ticket_id || strchr(ticket_id, '/') || ticket_id[0] == '.')
		return KIOSK_EINVAL;
	filep_t *f = p->ctx;
	remove_matching(f->dir, ticket_id);
	return KIOSK_OK;
}

int printer_file_each_ticket(printer_t *p, void (*fn)(const char *ticket_id, void *ctx), void *ctx)
{
	if (!p || p->ops != &file_ops || !fn)
		return KIOSK_OK;
	filep_t *f = p->ctx;
	DIR *d = opendir(f->dir);
	if (!d)
		return KIOSK_OK;
	char **ids = NULL;
	size_t n = 0, cap = 0;
	int rc = KIOSK_OK;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *nm = de->d_name;
		size_t l = strlen(nm);
		if (nm[0] == '.')
			continue;
		size_t stem;
		if (l > 4 && strcmp(nm + l - 4, ".png") == 0)
			stem = l - 4;
		else if (l > 7 && strcmp(nm + l - 7, ".escpos") == 0)
			stem = l - 7;
		else
			continue;
		const char *dash = memrchr(nm, '-', stem);
		if (!dash || dash == nm)
			continue;
		size_t il = (size_t)(dash - nm);
		bool seen = false;
		for (size_t i = 0; i < n && !seen; i++)
			seen = strlen(ids[i]) == il && strncmp(ids[i], nm, il) == 0;
		if (seen)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **ni = realloc(ids, nc * sizeof *ni);
			if (!ni) {
				rc = KIOSK_ENOMEM;
				break;
			}
			ids = ni;
			cap = nc;
		}
		if (!(ids[n] = strndup(nm, il))) {
			rc = KIOSK_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		if (rc == KIOSK_OK)
			fn(ids[i], ctx);
		free(ids[i]);
	}
	free(ids);
	return rc;
}

int printer_file_open(const char *spool_dir, printer_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!spool_dir || !*spool_dir)
		return KIOSK_EINVAL;
	if (mkdirs(spool_dir)) {
		snprintf(err, errlen, "printer: cannot create spool folder %s", spool_dir);
		return KIOSK_EIO;
	}
	filep_t *f = calloc(1, sizeof *f);
	if (!f || !(f->dir = strdup(spool_dir))) {
		free(f);
		return KIOSK_ENOMEM;
	}
	f->state = PRINTER_OK;
	f->after = -1;
	remove_matching(f->dir, NULL); /* temp files of writes a kill cut short */
	out->ops = &file_ops;
	out->ctx = f;
	return KIOSK_OK;
}

int printer_file_sim(printer_t *p, printer_state_t state, long after_bytes)
{
	if (!p || p->ops != &file_ops || (unsigned)state >= PRINTER_STATE_COUNT)
		return KIOSK_EINVAL;
	filep_t *f = p->ctx;
	if (after_bytes >= 0 && state != PRINTER_OK && state != PRINTER_NEAR_END) {
		f->state = PRINTER_OK;
		f->pending = state;
		f->after = after_bytes;
	} else {
		f->state = state;
		f->after = -1;
	}
	return KIOSK_OK;
}
