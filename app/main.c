/* main.c - parses the kiosk's command line and runs it (app/app.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"

static void usage(FILE *f)
{
	fputs("usage: kiosk [--fullscreen | --window WxH | --headless [--size WxH]]\n"
	      "             [--data DIR] [--spool DIR] [--config FILE] [--assets DIR]\n"
	      "             [--script FILE [--screenshots DIR]] [--gallery DIR] [--targets]\n"
	      "             [--report FILE|-] [--first-boot] [--stats] [--self-test]\n"
	      "       kiosk --board URL | --board-feed FILE | --board-gallery DIR\n"
	      "             [--fullscreen | --window WxH | --headless [--size WxH]]\n"
	      "             [--screenshots DIR] [--targets] [--theme default|hc] [--lang vi|en]\n"
	      "             [--data DIR] [--config FILE] [--assets DIR] [--audio-out DIR]\n", f);
}

static int parse_size(const char *s, int *w, int *h)
{
	char x;
	return sscanf(s, "%d%c%d", w, &x, h) == 3 && (x == 'x' || x == 'X') && *w >= 320 &&
	       *h >= 320 && *w <= 8192 && *h <= 8192 ? 0 : -1;
}

int main(int argc, char **argv)
{
	app_options_t o = {.mode = MODE_FULLSCREEN};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--fullscreen") == 0) {
			o.mode = MODE_FULLSCREEN;
		} else if (strcmp(a, "--headless") == 0) {
			o.mode = MODE_HEADLESS;
		} else if (strcmp(a, "--first-boot") == 0) {
			o.first_boot = 1;
		} else if (strcmp(a, "--stats") == 0) {
			o.stats = 1;
		} else if (strcmp(a, "--self-test") == 0) {
			o.self_test = 1;
		} else if (strcmp(a, "--targets") == 0) {
			o.targets = 1;
		} else if (strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (!v) {
			fprintf(stderr, "kiosk: %s needs a value\n", a);
			usage(stderr);
			return 2;
		} else if (strcmp(a, "--window") == 0 || strcmp(a, "--size") == 0) {
			if (parse_size(v, &o.width, &o.height) != 0) {
				fprintf(stderr, "kiosk: %s: expected WxH, e.g. 1920x1080\n", v);
				return 2;
			}
			if (a[2] == 'w')
				o.mode = MODE_WINDOW;
			i++;
		} else if (strcmp(a, "--data") == 0) {
			o.data_dir = v, i++;
		} else if (strcmp(a, "--spool") == 0) {
			o.spool_dir = v, i++;
		} else if (strcmp(a, "--config") == 0) {
			o.config_file = v, i++;
		} else if (strcmp(a, "--assets") == 0) {
			o.assets_dir = v, i++;
		} else if (strcmp(a, "--script") == 0) {
			o.script = v, i++;
		} else if (strcmp(a, "--screenshots") == 0) {
			o.screenshots = v, i++;
		} else if (strcmp(a, "--gallery") == 0) {
			o.gallery = v, i++;
		} else if (strcmp(a, "--board") == 0) {
			o.board_url = v, i++;
		} else if (strcmp(a, "--board-feed") == 0) {
			o.board_feed = v, i++;
		} else if (strcmp(a, "--audio-out") == 0) {
			o.audio_out = v, i++;
		} else if (strcmp(a, "--board-gallery") == 0) {
			o.board_gallery = v, i++;
		} else if (strcmp(a, "--theme") == 0) {
			if (strcmp(v, "default") != 0 && strcmp(v, "hc") != 0) {
				fprintf(stderr, "kiosk: --theme: default or hc\n");
				return 2;
			}
			o.theme = v, i++;
		} else if (strcmp(a, "--lang") == 0) {
			if (strcmp(v, "vi") != 0 && strcmp(v, "en") != 0) {
				fprintf(stderr, "kiosk: --lang: vi or en\n");
				return 2;
			}
			o.lang = v, i++;
		} else if (strcmp(a, "--report") == 0) {
			o.report = v, i++;
		} else {
			fprintf(stderr, "kiosk: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if ((o.script || o.gallery) && o.mode != MODE_HEADLESS) {
		fprintf(stderr, "kiosk: --script and --gallery run headless; add --headless\n");
		return 2;
	}
	if (o.board_gallery && o.mode != MODE_HEADLESS) {
		fprintf(stderr, "kiosk: --board-gallery runs headless; add --headless\n");
		return 2;
	}
	return app_run(&o);
}
