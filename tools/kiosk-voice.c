/* kiosk-voice.c - the voice on the command line: check a voice pack, make
 * one with espeak-ng, say a translation key or words, render a call, to WAV
 * files; --phrases prints the phrase sequence (for golden tests), --segments
 * where each item lies in the audio. docs/voice.md. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/kiosk.h"
#include "voice/vpack.h"
#include "voice/vspeech.h"
#include "voice/vsynth.h"
#include "voice/vwav.h"
#include "voice/vwords.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: kiosk-voice check DIR\n"
		"       kiosk-voice make-pack [--voice V] DIR\n"
		"       kiosk-voice say  [OPTIONS] (--wav OUT | --phrases) KEY-OR-WORDS\n"
		"       kiosk-voice call [OPTIONS] (--wav OUT | --phrases) NUMBER COUNTER\n"
		"options: --voice vi|vi-vn-x-central|vi-vn-x-south  --pack DIR  --rate WPM\n"
		"         --volume 0..200  --pause MS (-1: crossfade only)  --ticket digits|whole\n"
		"         --espeak-data DIR  --assets DIR  --phrases  --segments\n"
		"         --name NAME (call: the counter's own name, said instead of its number)\n");
}

typedef struct {
	const char *voice, *pack, *wav, *espeak_data, *assets;
	const char *name;          /* call --name: the counter's own name */
	int rate, volume, pause, phrases, segments;
	vwords_ticket_mode_t ticket;
	const char *args[4];
	int nargs;
} opts_t;

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return 0;
	*out = (int)v;
	return 1;
}

static int parse(int argc, char **argv, opts_t *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int need = 1;
		if (strcmp(a, "--voice") == 0 && val)
			o->voice = val;
		else if (strcmp(a, "--pack") == 0 && val)
			o->pack = val;
		else if (strcmp(a, "--wav") == 0 && val)
			o->wav = val;
		else if (strcmp(a, "--espeak-data") == 0 && val)
			o->espeak_data = val;
		else if (strcmp(a, "--assets") == 0 && val)
			o->assets = val;
		else if (strcmp(a, "--name") == 0 && val)
			o->name = val;
		else if (strcmp(a, "--rate") == 0 && val) {
			if (!parse_int(val, 80, 450, &o->rate))
				return 0;
		} else if (strcmp(a, "--volume") == 0 && val) {
			if (!parse_int(val, 1, 200, &o->volume))
				return 0;
		} else if (strcmp(a, "--pause") == 0 && val) {
			if (!parse_int(val, -1, 2000, &o->pause))
				return 0;
			if (o->pause == 0)
				o->pause = -1;
		} else if (strcmp(a, "--ticket") == 0 && val) {
			if (strcmp(val, "digits") == 0)
				o->ticket = VWORDS_TICKET_DIGITS;
			else if (strcmp(val, "whole") == 0)
				o->ticket = VWORDS_TICKET_WHOLE;
			else
				return 0;
		} else {
			need = 0;
			if (strcmp(a, "--phrases") == 0)
				o->phrases = 1;
			else if (strcmp(a, "--segments") == 0)
				o->segments = 1;
			else if (a[0] == '-' && a[1])
				return 0;
			else if (o->nargs < 4)
				o->args[o->nargs++] = a;
			else
				return 0;
		}
		i += need;
	}
	return 1;
}

static int load_i18n(const opts_t *o, i18n_t **tr)
{
	char dir[PATH_MAX], path[PATH_MAX + 8], err[512];
	kiosk_assets_dir(o->assets, dir, sizeof dir);
	snprintf(path, sizeof path, "%s/i18n", dir);
	if (i18n_load(path, tr, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk-voice: %s\n", err);
		return 0;
	}
	return 1;
}

static void print_line(const char *line, void *ctx)
{
	(void)ctx;
	printf("%s\n", line);
}

static int cmd_check(const opts_t *o)
{
	if (o->nargs != 1) {
		usage();
		return 2;
	}
	i18n_t *tr = NULL;
	if (!load_i18n(o, &tr))
		return 1;
	vpack_t *p = NULL;
	char err[512];
	int rc = vpack_open(o->args[0], vspeech_known, tr, print_line, NULL, &p, err, sizeof err);
	if (rc == KIOSK_OK)
		printf("%s: %zu clips, ok\n", o->args[0], vpack_count(p));
	vpack_close(p);
	i18n_free(tr);
	return rc == KIOSK_OK ? 0 : 1;
}

/* One clip of the generated pack: synthesised, trimmed, brought to a peak of
 * -3 dBFS so no generated clip is silent or clipped. */
static int make_clip(vsynth_t *s, const char *dir, const char *say, const char *file, cJSON *clips)
{
	int16_t *pcm = NULL;
	size_t n = 0;
	char err[512], path[PATH_MAX];
	if (vsynth_say(s, say, &pcm, &n, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk-voice: %s\n", err);
		return 0;
	}
	size_t a = 0, b = n;
	while (a < n && abs(pcm[a]) <= 256)
		a++;
	while (b > a && abs(pcm[b - 1]) <= 256)
		b--;
	size_t m = VOICE_RATE / 100; /* 10 ms either side */
	a = a > m ? a - m : 0;
	b = b + m < n ? b + m : n;
	int peak;
	size_t fs;
	vpack_levels(pcm + a, b - a, &peak, &fs);
	double g = peak > 0 ? 23197.0 / peak : 1.0;
	for (size_t i = a; i < b; i++)
		pcm[i] = (int16_t)(pcm[i] * g);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int rc = vwav_write(path, pcm + a, b - a, VOICE_RATE, err, sizeof err);
	free(pcm);
	if (rc != KIOSK_OK) {
		fprintf(stderr, "kiosk-voice: %s\n", err);
		return 0;
	}
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "say", say);
	cJSON_AddStringToObject(e, "file", file);
	cJSON_AddItemToArray(clips, e);
	return 1;
}

static int cmd_make_pack(const opts_t *o)
{
	if (o->nargs != 1) {
		usage();
		return 2;
	}
	const char *dir = o->args[0];
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "kiosk-voice: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	i18n_t *tr = NULL;
	if (!load_i18n(o, &tr))
		return 1;
	vsynth_opts_t so = {.voice = o->voice, .data_dir = o->espeak_data, .rate_wpm = o->rate,
			    .volume = o->volume};
	vsynth_t *s = NULL;
	char err[512];
	if (vsynth_open(&so, &s, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk-voice: %s\n", err);
		i18n_free(tr);
		return 1;
	}
	vwords_region_t region = o->voice && strcmp(o->voice, "vi-vn-x-south") == 0 ? VWORDS_SOUTH
										    : VWORDS_NORTH;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "format", VPACK_FORMAT);
	cJSON_AddNumberToObject(root, "sample_rate", VOICE_RATE);
	char name[128];
	snprintf(name, sizeof name, "generated with espeak-ng, voice %s", o->voice ? o->voice : "vi");
	cJSON_AddStringToObject(root, "name", name);
	cJSON *clips = cJSON_AddArrayToObject(root, "clips");
	int ok = 1;
	vspeech_seq_t ph;
	ok = vspeech_phrases(tr, &ph) == KIOSK_OK;
	char file[64];
	for (int i = 0; ok && i < ph.count; i++) {
		snprintf(file, sizeof file, "phrase-%02d.wav", i + 1);
		ok = make_clip(s, dir, ph.item[i], file, clips);
	}
	for (int d = 0; ok && d <= 9; d++) {
		snprintf(file, sizeof file, "digit-%d.wav", d);
		ok = make_clip(s, dir, vwords_digit(d), file, clips);
	}
	for (char c = 'A'; ok && c <= 'Z'; c++) {
		char l[2] = {c, 0};
		snprintf(file, sizeof file, "letter-%c.wav", c);
		ok = make_clip(s, dir, vwords_letter(l), file, clips);
	}
	/* Counters 10..99 (1..9 are the digits' clips). */
	for (unsigned n = 10; ok && n <= 99; n++) {
		char w[VWORDS_ITEM];
		vwords_number(n, region, w, sizeof w);
		snprintf(file, sizeof file, "number-%02u.wav", n);
		ok = make_clip(s, dir, w, file, clips);
	}
	if (ok) {
		char *text = cJSON_Print(root);
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/manifest.json", dir);
		FILE *f = text ? fopen(path, "w") : NULL;
		ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
		if (f)
			ok = fclose(f) == 0 && ok;
		if (!ok)
			fprintf(stderr, "kiosk-voice: %s: cannot write\n", path);
		free(text);
	}
	if (ok)
		printf("%s: %d clips\n", dir, cJSON_GetArraySize(clips));
	cJSON_Delete(root);
	vsynth_close(s);
	i18n_free(tr);
	return ok ? 0 : 1;
}

static int cmd_speak(const opts_t *o, int call)
{
	if (o->nargs != (call ? 2 : 1) || (!o->wav && !o->phrases)) {
		usage();
		return 2;
	}
	int counter = 0;
	if (call && !parse_int(o->args[1], 1, 999, &counter)) {
		fprintf(stderr, "kiosk-voice: counter \"%s\" is not 1..999\n", o->args[1]);
		return 2;
	}
	i18n_t *tr = NULL;
	if (!load_i18n(o, &tr))
		return 1;
	vspeech_opts_t so = {
		.synth = {.voice = o->voice, .data_dir = o->espeak_data, .rate_wpm = o->rate,
			  .volume = o->volume},
		.pack_dir = o->pack,
		.region = o->voice && strcmp(o->voice, "vi-vn-x-south") == 0 ? VWORDS_SOUTH : VWORDS_NORTH,
		.ticket_mode = o->ticket,
		.pause_ms = o->pause,
	};
	char err[512];
	int rc = KIOSK_OK;
	vspeech_t *v = NULL;
	vspeech_seq_t seq = {0};
	vspeech_audio_t au = {0};
	if ((rc = vspeech_open(tr, &so, &v, err, sizeof err)) != KIOSK_OK)
		goto out;
	if (call)
		rc = vspeech_seq_call_named(v, o->args[0], counter, o->name, &seq, err, sizeof err);
	else if (i18n_has(tr, o->args[0]))
		rc = vspeech_seq_key(v, o->args[0], &seq, err, sizeof err);
	else
		rc = vspeech_seq_words(v, o->args[0], &seq, err, sizeof err);
	if (rc != KIOSK_OK)
		goto out;
	if (o->phrases)
		for (int i = 0; i < seq.count; i++)
			printf("%s\n", seq.item[i]);
	if (o->wav || o->segments) {
		if ((rc = vspeech_render(v, &seq, &au, err, sizeof err)) != KIOSK_OK)
			goto out;
		if (o->segments)
			for (int i = 0; i < au.count; i++)
				printf("%zu %zu %s %s\n", au.seg[i].start, au.seg[i].end,
				       au.seg[i].from_pack ? "pack" : "espeak", seq.item[i]);
		if (o->wav)
			rc = vwav_write(o->wav, au.pcm, au.n, VOICE_RATE, err, sizeof err);
	}
out:
	if (rc != KIOSK_OK)
		fprintf(stderr, "kiosk-voice: %s\n", err);
	vspeech_audio_free(&au);
	vspeech_close(v);
	i18n_free(tr);
	return rc == KIOSK_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	opts_t o;
	if (argc < 2 || !parse(argc, argv, &o)) {
		usage();
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "check") == 0)
		return cmd_check(&o);
	if (strcmp(cmd, "make-pack") == 0)
		return cmd_make_pack(&o);
	if (strcmp(cmd, "say") == 0)
		return cmd_speak(&o, 0);
	if (strcmp(cmd, "call") == 0)
		return cmd_speak(&o, 1);
	usage();
	return 2;
}
