/* log.c - the kiosk's event log. One line per event:
 *   2026-01-05T02:00:00.123Z INFO message
 * (UTC, so lines sort and compare across time zones). The file is opened
 * O_APPEND; when the next line would take it past max_bytes it is renamed to
 * kiosk.log.1 (dropping the older one) and a new file is started, so each
 * file stays within max_bytes (a single line longer than that is written on
 * its own). If the folder cannot be written the log falls back to stderr
 * with one warning, and the kiosk carries on. Callers log events and codes,
 * never personal data. */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/mfile.h"

#define LOG_LINE_MAX 1024
#define LOG_MIN_BYTES 256

static struct {
	pthread_mutex_t lock;
	int fd;                  /* -1: no file */
	char path[4096];         /* <dir>/kiosk.log */
	char old[4096];          /* <dir>/kiosk.log.1 */
	size_t max_bytes;
	size_t size;
	int echo;                /* also to stderr */
	int warned;              /* the fallback warning was printed */
	log_level_t min_level;
	const kclock_t *clock;
} g = {PTHREAD_MUTEX_INITIALIZER, -1, "", "", 0, 0, 1, 0, LOG_INFO, NULL};

static const char *const LEVELS[] = {"DEBUG", "INFO", "WARN", "ERROR"};

/* Print the one warning about falling back to stderr (lock held). */
static void warn_fallback(const char *what, int err)
{
	if (g.warned)
		return;
	g.warned = 1;
	fprintf(stderr, "log: cannot %s %s (%s); logging to stderr only\n", what, g.path,
		strerror(err));
}

static int open_file(void)
{
	int fd = open(g.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	g.fd = fd;
	g.size = (size_t)st.st_size;
	return 0;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
		return -ENAMETOOLONG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int log_open(const char *dir, size_t max_bytes)
{
	pthread_mutex_lock(&g.lock);
	if (g.fd >= 0)
		close(g.fd);
	g.fd = -1;
	g.size = 0;
	g.warned = 0;
	g.path[0] = g.old[0] = '\0';
	g.max_bytes = max_bytes < LOG_MIN_BYTES ? LOG_MIN_BYTES : max_bytes;
	int rc = KIOSK_OK;
	if (dir) {
		int n1 = snprintf(g.path, sizeof g.path, "%s/kiosk.log", dir);
		int n2 = snprintf(g.old, sizeof g.old, "%s/kiosk.log.1", dir);
		int e = (n1 < 0 || n2 < 0 || (size_t)n2 >= sizeof g.old) ? -ENAMETOOLONG : 0;
		if (e == 0)
			e = make_dirs(dir);
		if (e == 0)
			e = open_file();
		if (e != 0) {
			warn_fallback("open", -e);
			rc = KIOSK_EIO;
		}
	}
	pthread_mutex_unlock(&g.lock);
	return rc;
}

void log_close(void)
{
	pthread_mutex_lock(&g.lock);
	if (g.fd >= 0)
		close(g.fd);
	g.fd = -1;
	g.size = 0;
	pthread_mutex_unlock(&g.lock);
}

void log_set_stderr(int on)
{
	pthread_mutex_lock(&g.lock);
	g.echo = on;
	pthread_mutex_unlock(&g.lock);
}

void log_set_level(log_level_t min)
{
	pthread_mutex_lock(&g.lock);
	g.min_level = min;
	pthread_mutex_unlock(&g.lock);
}

void log_set_clock(const kclock_t *clock)
{
	pthread_mutex_lock(&g.lock);
	g.clock = clock;
	pthread_mutex_unlock(&g.lock);
}

static int64_t now_ms(void)
{
	if (g.clock)
		return kclock_now(g.clock);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Start a new file when the line would not fit (lock held). */
static void rotate_if_needed(size_t len)
{
	if (g.fd < 0 || g.size == 0 || g.size + len <= g.max_bytes)
		return;
	close(g.fd);
	g.fd = -1;
	if (rename(g.path, g.old) != 0) {
		/* Cannot rotate: truncating would lose the log, so stop
		 * writing the file rather than grow it without bound. */
		warn_fallback("rotate", errno);
		return;
	}
	int e = open_file();
	if (e != 0)
		warn_fallback("reopen", -e);
}

void log_msg(log_level_t level, const char *fmt, ...)
{
	if ((int)level < (int)LOG_DEBUG || (int)level > (int)LOG_ERROR)
		level = LOG_ERROR;
	pthread_mutex_lock(&g.lock);
	if (level < g.min_level) {
		pthread_mutex_unlock(&g.lock);
		return;
	}
	char line[LOG_LINE_MAX];
	int64_t ms = now_ms();
	time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int frac = (int)(ms - (int64_t)secs * 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, frac, LEVELS[level]);
	size_t head = (n > 0 && (size_t)n < sizeof line) ? (size_t)n : 0;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + head, sizeof line - head - 1, fmt, ap);
	va_end(ap);
	size_t len = head + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2) {
		len = sizeof line - 2; /* truncated; keep room for '\n' */
		while (len > head && ((unsigned char)line[len] & 0xC0) == 0x80)
			len--; /* do not cut a UTF-8 sequence */
	}
	/* One event, one line: control characters become spaces. */
	for (size_t i = head; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	line[len++] = '\n';
	line[len] = '\0';

	if (g.fd >= 0) {
		rotate_if_needed(len);
		if (g.fd >= 0) {
			if (mfile_write_all(g.fd, line, len) != KIOSK_OK) {
				int e = errno;
				close(g.fd);
				g.fd = -1;
				warn_fallback("write", e);
			} else {
				g.size += len;
			}
		}
	}
	if (g.echo || g.fd < 0)
		(void)mfile_write_all(STDERR_FILENO, line, len);
	pthread_mutex_unlock(&g.lock);
}
