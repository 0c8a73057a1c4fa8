/* vm-drawtest.c - proves the screen path of the VM test bench before the
 * kiosk app exists: SDL2 on KMSDRM (Mesa EGL/GBM, kms_swrast) draws a known
 * pattern full screen, with no cursor, and reports on stdout, like the kiosk:
 *   VIDEO <driver> RENDERER <name> MODE <w>x<h>
 *   FIRST_FRAME <ms since start>   UPTIME <s>   SCREEN drawtest
 * The pattern: four quadrants red, green, blue, white, and a yellow square in
 * the middle (a quarter of the height). The host checks the QEMU screendump.
 * Usage: vm-drawtest [SECONDS]   (keeps presenting for SECONDS, default 5)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <SDL.h>

static double vdt_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void vdt_fill(SDL_Renderer *r, int x, int y, int w, int h, Uint8 cr, Uint8 cg, Uint8 cb)
{
	SDL_Rect rc = { x, y, w, h };
	SDL_SetRenderDrawColor(r, cr, cg, cb, 255);
	SDL_RenderFillRect(r, &rc);
}

int main(int argc, char **argv)
{
	double t0 = vdt_now_ms();
	int seconds = argc > 1 ? atoi(argv[1]) : 5;
	if (seconds < 1 || seconds > 600) {
		fprintf(stderr, "usage: vm-drawtest [SECONDS 1..600]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (SDL_Init(SDL_INIT_VIDEO) != 0) {
		printf("DRAWTEST_FAIL init: %s\n", SDL_GetError());
		return 1;
	}
	SDL_Window *win = SDL_CreateWindow("drawtest", 0, 0, 0, 0, SDL_WINDOW_FULLSCREEN_DESKTOP);
	if (!win) {
		printf("DRAWTEST_FAIL window: %s\n", SDL_GetError());
		SDL_Quit();
		return 1;
	}
	SDL_ShowCursor(SDL_DISABLE);
	SDL_Renderer *ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_PRESENTVSYNC);
	if (!ren)
		ren = SDL_CreateRenderer(win, -1, 0);
	if (!ren) {
		printf("DRAWTEST_FAIL renderer: %s\n", SDL_GetError());
		SDL_DestroyWindow(win);
		SDL_Quit();
		return 1;
	}
	SDL_RendererInfo info;
	SDL_GetRendererInfo(ren, &info);
	int w = 0, h = 0;
	SDL_GetRendererOutputSize(ren, &w, &h);
	printf("VIDEO %s RENDERER %s MODE %dx%d\n", SDL_GetCurrentVideoDriver(), info.name, w, h);
	int first = 1;
	double end = 0;
	for (;;) {
		vdt_fill(ren, 0, 0, w / 2, h / 2, 220, 30, 30);
		vdt_fill(ren, w / 2, 0, w - w / 2, h / 2, 30, 200, 60);
		vdt_fill(ren, 0, h / 2, w / 2, h - h / 2, 30, 60, 220);
		vdt_fill(ren, w / 2, h / 2, w - w / 2, h - h / 2, 255, 255, 255);
		vdt_fill(ren, w / 2 - h / 8, h / 2 - h / 8, h / 4, h / 4, 250, 220, 0);
		SDL_RenderPresent(ren);
		if (first) {
			first = 0;
			double up = 0;
			FILE *f = fopen("/proc/uptime", "r");
			if (f) {
				if (fscanf(f, "%lf", &up) != 1)
					up = 0;
				fclose(f);
			}
			printf("FIRST_FRAME %.0f\nUPTIME %.2f\nSCREEN drawtest\n", vdt_now_ms() - t0, up);
			end = vdt_now_ms() + seconds * 1000.0;
		}
		SDL_Event ev;
		while (SDL_PollEvent(&ev)) {
			if (ev.type == SDL_MOUSEBUTTONDOWN)
				printf("TAP %d %d\n", ev.button.x, ev.button.y);
		}
		if (vdt_now_ms() >= end)
			break;
		SDL_Delay(100);
	}
	printf("DRAWTEST_DONE\n");
	SDL_DestroyRenderer(ren);
	SDL_DestroyWindow(win);
	SDL_Quit();
	return 0;
}
