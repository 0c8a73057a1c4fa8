/* bench_ime.c - keystrokes per second of the input engine, per method.
 *
 *   bench_ime [seconds-per-method]   (default 1)
 *
 * Types a fixed Vietnamese text (Telex and VNI spellings of the same
 * sentence) key by key, committing at word boundaries as the keyboard does,
 * and prints one line per method. Figures only; nothing is asserted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/ime.h"

static const char *telex_text =
	"Uyr ban nhaan daan xax Ddawks Lawks thoong baos: coong daan Nguyeenx Vawn Awn, "
	"sinh nawm 1990, truwowngf hocj Quoocs Hocj Huees, ddeesn nhaanj giaays towf "
	"chuwngs thuwcj tuwf thaanf nguowif giar quyeest thur tucj hoanf toanf mieenx phis.";
static const char *vni_text =
	"Uy3 ban nha6n da6n xa4 D9a8k1 La8k1 tho6ng ba1o: co6ng da6n Nguye64n Va8n A8n, "
	"sinh na8m 1990, truo72ng ho5c Quo61c Ho5c Hue61, d9e61n nha65n gia61y to72 "
	"chu71ng thu75c tu72 tha62n nguo72i gia3 quye61t thu3 tu5c hoa2n toa2n mie64n phi1.";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench(const char *name, ime_method_t method, const char *text, double secs)
{
	ime_t *ime = ime_create(method, IME_TONE_OLD);
	if (!ime) {
		fprintf(stderr, "bench_ime: out of memory\n");
		exit(1);
	}
	char out[256];
	size_t len = strlen(text), keys = 0, bytes = 0;
	double start = now(), t;
	do {
		for (int rep = 0; rep < 100; rep++) {
			for (size_t i = 0; i < len; i++)
				if (!ime_key(ime, text[i]))
					bytes += ime_commit(ime, out, sizeof out) + 1;
			bytes += ime_commit(ime, out, sizeof out);
			keys += len;
		}
		t = now() - start;
	} while (t < secs);
	printf("ime %-5s: %zu keystrokes in %.3f s = %.0f keystrokes/s (%.2f us/key, %zu bytes out)\n",
	       name, keys, t, (double)keys / t, t * 1e6 / (double)keys, bytes);
	ime_destroy(ime);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	if (secs <= 0)
		secs = 1.0;
	bench("telex", IME_TELEX, telex_text, secs);
	bench("vni", IME_VNI, vni_text, secs);
	bench("plain", IME_PLAIN, telex_text, secs);
	return 0;
}
