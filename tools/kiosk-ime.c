/* kiosk-ime.c - command-line front end of the Vietnamese input engine.
 *
 *   kiosk-ime --method telex|vni|plain [--tone-style old|new]
 *
 * Reads lines on standard input and types each into a fresh engine, key by
 * key (an uppercase letter is shift+letter). A character the engine does not
 * take (space, punctuation; digits in Telex) ends the word and is copied
 * through. Each line's text is printed followed by a newline. CR bytes are
 * dropped; any other byte outside 0x20-0x7E is an error (exit 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/ime.h"

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "kiosk-ime: %s\n", msg);
	fprintf(stderr, "usage: kiosk-ime --method telex|vni|plain [--tone-style old|new]\n");
	return 2;
}

static void flush_word(ime_t *ime, FILE *out)
{
	char buf[256];
	ime_commit(ime, buf, sizeof buf);
	fputs(buf, out);
}

int main(int argc, char **argv)
{
	int method = -1;
	ime_tone_style_t style = IME_TONE_OLD;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			printf("usage: kiosk-ime --method telex|vni|plain [--tone-style old|new]\n");
			return 0;
		}
		if (i + 1 >= argc)
			return usage("option needs a value");
		const char *v = argv[++i];
		if (strcmp(a, "--method") == 0) {
			if (strcmp(v, "telex") == 0)
				method = IME_TELEX;
			else if (strcmp(v, "vni") == 0)
				method = IME_VNI;
			else if (strcmp(v, "plain") == 0)
				method = IME_PLAIN;
			else
				return usage("--method must be telex, vni or plain");
		} else if (strcmp(a, "--tone-style") == 0) {
			if (strcmp(v, "old") == 0)
				style = IME_TONE_OLD;
			else if (strcmp(v, "new") == 0)
				style = IME_TONE_NEW;
			else
				return usage("--tone-style must be old or new");
		} else {
			fprintf(stderr, "kiosk-ime: unknown option %s\n", a);
			return usage(NULL);
		}
	}
	if (method < 0)
		return usage("--method is required");

	ime_t *ime = ime_create((ime_method_t)method, style);
	if (!ime) {
		fprintf(stderr, "kiosk-ime: out of memory\n");
		return 1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int rc = 0;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		/* Check the whole line first so a bad line prints nothing. */
		for (ssize_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)line[i];
			if (c != '\r' && (c < 0x20 || c > 0x7E)) {
				fprintf(stderr, "kiosk-ime: line %lu, column %ld: byte 0x%02X is not printable ASCII\n",
					lineno, (long)i + 1, c);
				rc = 2;
				goto out;
			}
		}
		ime_reset(ime);
		for (ssize_t i = 0; i < len; i++) {
			char c = line[i];
			if (c == '\r')
				continue;
			if (!ime_key(ime, c)) {
				flush_word(ime, stdout);
				putchar(c);
			}
		}
		flush_word(ime, stdout);
		putchar('\n');
	}
out:
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "kiosk-ime: cannot write output\n");
		rc = 1;
	}
	free(line);
	ime_destroy(ime);
	return rc;
}
