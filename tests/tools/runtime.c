/* runtime.c - runs a command and writes its wall time, CPU time and peak
 * RSS to a file, for the start-up bench (tests/bench/start.sh).
 *
 *   runtime OUT COMMAND [ARG...]
 *
 * OUT gets one line "wall_s cpu_s maxrss_kib": the wall time from just
 * before fork to just after the child is reaped (CLOCK_MONOTONIC, to the
 * microsecond; /usr/bin/time prints hundredths), the child's user plus
 * system time and its peak resident set (wait4's rusage). The command's
 * exit status is runtime's own (126/127 when it could not be started). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: runtime OUT COMMAND [ARG...]\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("runtime: fork");
		return 126;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "runtime: %s: %s\n", argv[2], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	int status = 0;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("runtime: wait4");
			return 126;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	FILE *f = fopen(argv[1], "w");
	if (!f) {
		fprintf(stderr, "runtime: %s: %s\n", argv[1], strerror(errno));
		return 126;
	}
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	fprintf(f, "%.4f %.4f %ld\n", seconds(&t1) - seconds(&t0), cpu, ru.ru_maxrss);
	if (fclose(f) != 0) {
		fprintf(stderr, "runtime: %s: cannot write\n", argv[1]);
		return 126;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
