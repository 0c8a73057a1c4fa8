/* log.h - the kiosk's event log: bounded in size, rotated (two files), and
 * never holding personal data (callers log events and codes, not values). */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

#include "core/clock.h"

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level_t;

/* Open <dir>/kiosk.log (dir created if missing); when it passes max_bytes it
 * becomes kiosk.log.1 (the older one is dropped). dir NULL = stderr only.
 * Lines are "YYYY-MM-DDTHH:MM:SS.mmmZ LEVEL message" (UTC); a file never
 * exceeds max_bytes (at least 256) unless one line alone is longer. When the
 * folder cannot be written, returns KIOSK_EIO and logs to stderr (one
 * warning), so callers may carry on. Thread-safe. */
int log_open(const char *dir, size_t max_bytes);
void log_close(void);
/* Also echo to stderr (default on). */
void log_set_stderr(int on);
/* Lowest level written (default LOG_INFO). */
void log_set_level(log_level_t min);
/* Clock for the timestamps (default: the real clock); the clock must
 * outlive the log, NULL restores the real clock. */
void log_set_clock(const kclock_t *clock);
void log_msg(log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
