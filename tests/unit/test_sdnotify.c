/* test_sdnotify.c - the service manager's notification protocol: datagrams
 * to a path or an abstract socket, nothing without $NOTIFY_SOCKET, and the
 * watchdog interval read only when it is meant for this process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/kiosk.h"
#include "app/sdnotify.h"

/* A listening datagram socket at name ("@..." = abstract); returns its fd. */
static int listener(const char *name)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(name);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = 0;
	else
		unlink(name);
	socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, salen), 0);
	return fd;
}

static void expect_msg(int fd, const char *want)
{
	char buf[64] = {0};
	ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	assert_int_equal(n, (ssize_t)strlen(want));
	assert_string_equal(buf, want);
}

static void test_path_socket(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof path, "/tmp/kiosk-sdnotify-%d", (int)getpid());
	int fd = listener(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(sdnotify("READY=1"), KIOSK_OK);
	expect_msg(fd, "READY=1");
	assert_int_equal(sdnotify("WATCHDOG=1"), KIOSK_OK);
	expect_msg(fd, "WATCHDOG=1");
	close(fd);
	unlink(path);
	/* Nobody listens any more: a clear failure, not a crash. */
	assert_int_equal(sdnotify("WATCHDOG=1"), KIOSK_EIO);
	unsetenv("NOTIFY_SOCKET");
}

static void test_abstract_socket(void **state)
{
	(void)state;
	char name[64];
	snprintf(name, sizeof name, "@kiosk-sdnotify-test-%d", (int)getpid());
	int fd = listener(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(sdnotify("STOPPING=1"), KIOSK_OK);
	expect_msg(fd, "STOPPING=1");
	close(fd);
	unsetenv("NOTIFY_SOCKET");
}

static void test_no_manager(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdnotify("READY=1"), KIOSK_ENOENT);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(sdnotify("READY=1"), KIOSK_ENOENT);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(sdnotify("READY=1"), KIOSK_EINVAL);
	char longp[200];
	memset(longp, 'a', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = 0;
	setenv("NOTIFY_SOCKET", longp, 1);
	assert_int_equal(sdnotify("READY=1"), KIOSK_EINVAL);
	unsetenv("NOTIFY_SOCKET");
}

static void test_watchdog_interval(void **state)
{
	(void)state;
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	assert_int_equal(sdnotify_watchdog_ms(), 0);
	setenv("WATCHDOG_USEC", "30000000", 1);
	assert_int_equal(sdnotify_watchdog_ms(), 30000);
	char pid[32];
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_watchdog_ms(), 30000);
	/* Meant for another process (e.g. the launcher before it exec'd). */
	snprintf(pid, sizeof pid, "%d", (int)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_watchdog_ms(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "500", 1);
	assert_int_equal(sdnotify_watchdog_ms(), 1);
	const char *bad[] = {"", "0", "-5", "12abc", "99999999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		setenv("WATCHDOG_USEC", bad[i], 1);
		assert_int_equal(sdnotify_watchdog_ms(), 0);
	}
	unsetenv("WATCHDOG_USEC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_no_manager),
		cmocka_unit_test(test_watchdog_interval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
