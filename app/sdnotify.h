/* sdnotify.h - tell the service manager the kiosk is up and alive. */
#ifndef KIOSK_SDNOTIFY_H
#define KIOSK_SDNOTIFY_H

#include <stdint.h>

/* Sends one state line ("READY=1", "WATCHDOG=1", "STOPPING=1") to
 * $NOTIFY_SOCKET. KIOSK_OK when sent, KIOSK_ENOENT when the kiosk was not
 * started by a service manager that listens, KIOSK_EIO when sending failed. */
int sdnotify(const char *state);

/* The watchdog interval the service asked for ($WATCHDOG_USEC, meant for
 * this process when $WATCHDOG_PID is unset or ours), in milliseconds; 0 when
 * there is none. Pet it at least every half interval. */
int64_t sdnotify_watchdog_ms(void);

#endif
