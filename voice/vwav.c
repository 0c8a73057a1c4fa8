/* vwav.c - reading and writing 16-bit PCM WAV files (RIFF chunks walked in
 * order, unknown chunks such as LIST skipped, little-endian fields read byte
 * by byte so the code is the same on every board). */
#include "voice/vwav.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

void vwav_free(vwav_t *w)
{
	if (!w)
		return;
	free(w->pcm);
	memset(w, 0, sizeof *w);
}

int vwav_read(const char *path, vwav_t *w, char *err, size_t errlen)
{
	memset(w, 0, sizeof *w);
	FILE *f = fopen(path, "rb");
	if (!f)
		return kiosk_err(err, errlen, errno == ENOENT ? KIOSK_ENOENT : KIOSK_EIO, "%s",
				 strerror(errno));
	unsigned char *buf = malloc(VWAV_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	}
	size_t len = fread(buf, 1, VWAV_MAX_BYTES + 1, f);
	int rerr = ferror(f);
	fclose(f);
	int rc = KIOSK_OK;
	if (rerr) {
		rc = kiosk_err(err, errlen, KIOSK_EIO, "read error");
		goto out;
	}
	if (len > VWAV_MAX_BYTES) {
		rc = kiosk_err(err, errlen, KIOSK_EINVAL, "larger than %u bytes", VWAV_MAX_BYTES);
		goto out;
	}
	if (len < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0) {
		rc = kiosk_err(err, errlen, KIOSK_EINVAL, "not a WAV file (no RIFF/WAVE header)");
		goto out;
	}
	const unsigned char *data = NULL;
	size_t datalen = 0;
	int have_fmt = 0;
	for (size_t p = 12; p + 8 <= len;) {
		uint32_t sz = le32(buf + p + 4);
		const unsigned char *body = buf + p + 8;
		size_t avail = len - p - 8;
		if (memcmp(buf + p, "fmt ", 4) == 0) {
			if (sz < 16 || avail < 16) {
				rc = kiosk_err(err, errlen, KIOSK_EINVAL, "fmt chunk too short");
				goto out;
			}
			w->format = le16(body);
			w->channels = le16(body + 2);
			w->rate = (int)le32(body + 4);
			w->bits = le16(body + 14);
			if (w->format == 0xFFFE && sz >= 40 && avail >= 40)
				w->format = le16(body + 24); /* WAVE_FORMAT_EXTENSIBLE: the sub-format */
			have_fmt = 1;
		} else if (memcmp(buf + p, "data", 4) == 0) {
			data = body;
			datalen = sz <= avail ? sz : avail; /* a cut file keeps what it has */
		}
		if (sz > avail)
			break;
		p += 8 + (size_t)sz + (sz & 1);
	}
	if (!have_fmt || !data) {
		rc = kiosk_err(err, errlen, KIOSK_EINVAL, "no %s chunk", have_fmt ? "data" : "fmt");
		goto out;
	}
	if (w->format == 1 && w->bits == 16 && w->channels >= 1) {
		size_t frames = datalen / (2u * (size_t)w->channels);
		size_t ns = frames * (size_t)w->channels;
		w->pcm = malloc((ns ? ns : 1) * sizeof *w->pcm);
		if (!w->pcm) {
			rc = kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < ns; i++)
			w->pcm[i] = (int16_t)le16(data + 2 * i);
		w->frames = frames;
	}
out:
	free(buf);
	if (rc != KIOSK_OK)
		vwav_free(w);
	return rc;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

int vwav_write(const char *path, const int16_t *pcm, size_t n, int rate, char *err, size_t errlen)
{
	if (n > 0x7FFFFF00u / 2)
		return kiosk_err(err, errlen, KIOSK_ERANGE, "%zu samples: too long for one file", n);
	unsigned char h[44];
	uint32_t bytes = (uint32_t)(n * 2);
	memcpy(h, "RIFF", 4);
	put32(h + 4, 36 + bytes);
	memcpy(h + 8, "WAVEfmt ", 8);
	put32(h + 16, 16);
	h[20] = 1, h[21] = 0;    /* PCM */
	h[22] = 1, h[23] = 0;    /* mono */
	put32(h + 24, (uint32_t)rate);
	put32(h + 28, (uint32_t)rate * 2);
	h[32] = 2, h[33] = 0;    /* block align */
	h[34] = 16, h[35] = 0;   /* bits */
	memcpy(h + 36, "data", 4);
	put32(h + 40, bytes);
	int to_stdout = strcmp(path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(path, "wb");
	if (!f)
		return kiosk_err(err, errlen, KIOSK_EIO, "%s: %s", path, strerror(errno));
	int ok = fwrite(h, 1, sizeof h, f) == sizeof h;
	for (size_t i = 0; ok && i < n; i++) {
		unsigned char s[2] = {(unsigned char)((uint16_t)pcm[i]), (unsigned char)((uint16_t)pcm[i] >> 8)};
		ok = fwrite(s, 1, 2, f) == 2;
	}
	if (to_stdout)
		ok = fflush(f) == 0 && ok;
	else
		ok = fclose(f) == 0 && ok;
	return ok ? KIOSK_OK : kiosk_err(err, errlen, KIOSK_EIO, "%s: write failed", path);
}
