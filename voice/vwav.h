/* vwav.h - WAV files of the voice pack and of kiosk-voice: RIFF/WAVE,
 * 16-bit PCM. Reading reports what a file holds so a validator can say what
 * is wrong with it. */
#ifndef VWAV_H
#define VWAV_H

#include <stddef.h>
#include <stdint.h>

#define VWAV_MAX_BYTES (16u * 1024 * 1024) /* a larger file is refused */

typedef struct {
	int format;      /* 1 = PCM, 3 = float, ... */
	int channels;
	int rate;        /* samples a second */
	int bits;        /* bits a sample */
	int16_t *pcm;    /* the samples when 16-bit PCM (interleaved), else NULL; caller frees */
	size_t frames;   /* samples per channel */
} vwav_t;

/* Reads path. KIOSK_ENOENT: no such file; KIOSK_EIO: unreadable;
 * KIOSK_EINVAL: not a RIFF/WAVE file with a fmt and a data chunk (err says
 * why). The format fields are set even when the samples are not 16-bit PCM
 * (pcm NULL then). *w is zeroed on failure. */
int vwav_read(const char *path, vwav_t *w, char *err, size_t errlen);
void vwav_free(vwav_t *w);

/* Writes mono 16-bit PCM at rate to path ("-": stdout). */
int vwav_write(const char *path, const int16_t *pcm, size_t n, int rate, char *err, size_t errlen);

#endif
