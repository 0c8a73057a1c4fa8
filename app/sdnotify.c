/* sdnotify.c - the service manager's notification protocol: one datagram
 * per state line to the AF_UNIX socket named in $NOTIFY_SOCKET (a path, or
 * "@name" for the abstract namespace). kiosk.service sets WatchdogSec=, so
 * the main loop pets the watchdog and a hung kiosk is restarted. The
 * protocol is a few lines and documented as stable, so it is spoken here
 * rather than adding libsystemd to the board image and the cross build. */
#include "app/sdnotify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/kiosk.h"

int sdnotify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (!path || !*path || !state)
		return KIOSK_ENOENT;
	size_t len = strlen(path);
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof sa.sun_path)
		return KIOSK_EINVAL;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = 0;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return KIOSK_EIO;
	socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/'));
	ssize_t n;
	do
		n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n == (ssize_t)strlen(state) ? KIOSK_OK : KIOSK_EIO;
}

int64_t sdnotify_watchdog_ms(void)
{
	const char *us = getenv("WATCHDOG_USEC");
	if (!us || !*us)
		return 0;
	const char *pid = getenv("WATCHDOG_PID");
	if (pid && *pid) {
		char *end;
		long p = strtol(pid, &end, 10);
		if (*end || p != (long)getpid())
			return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(us, &end, 10);
	if (errno || *end || v == 0 || us[0] == '-')
		return 0;
	int64_t ms = (int64_t)(v / 1000);
	return ms > 0 ? ms : 1;
}
