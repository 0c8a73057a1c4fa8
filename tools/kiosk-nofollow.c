/* kiosk-nofollow.c - the file operations the board's root scripts do in
 * folders that someone else can change (the kiosk user's request folder,
 * a stick), done so that they never follow a link and never block:
 *
 *   kiosk-nofollow read [--max BYTES] FILE
 *       FILE to standard output, opened O_NOFOLLOW|O_NONBLOCK; only a
 *       regular file with one link and at most BYTES (default 4096) bytes.
 *   kiosk-nofollow put [--mode OCTAL] DIR NAME
 *       standard input to DIR/NAME: a fresh file (O_EXCL) in DIR, renamed
 *       over NAME (a link or file there is replaced, never followed; a
 *       folder there is an error). DIR itself must not be a link.
 *   kiosk-nofollow copy [--user USER|UID[:GID]] [--max BYTES] [--mkdir] SRC DIR NAME
 *       SRC to DIR/NAME as `put` does; SRC is opened (O_NOFOLLOW|O_NONBLOCK,
 *       regular file) by a child that first becomes USER, so only what USER
 *       can read is copied; more than BYTES (default: no limit) is refused. --mkdir makes DIR first (mkdir never follows a
 *       link; a link there is refused when DIR is opened).
 *
 * NAME is one plain name: no '/', no control characters, not "." or "..".
 * Exit: 0 done, 1 FILE/SRC does not exist, 2 refused (link, not a regular
 * file, too big, bad name), 3 other errors (message on standard error). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { NF_OK = 0, NF_ABSENT = 1, NF_REFUSED = 2, NF_ERROR = 3 };

static int usage(void)
{
	fprintf(stderr, "usage: kiosk-nofollow read [--max BYTES] FILE\n"
			"       kiosk-nofollow put [--mode OCTAL] DIR NAME\n"
			"       kiosk-nofollow copy [--user USER|UID[:GID]] [--max BYTES] [--mkdir] SRC DIR NAME\n");
	return NF_ERROR;
}

static int say(int rc, const char *what, const char *path, int err)
{
	fprintf(stderr, "kiosk-nofollow: %s: %s%s%s\n", path, what, err ? ": " : "",
		err ? strerror(err) : "");
	return rc;
}

static int plain_name(const char *n)
{
	if (!n[0] || !strcmp(n, ".") || !strcmp(n, ".."))
		return 0;
	for (const unsigned char *p = (const unsigned char *)n; *p; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Opens FILE for reading without following a final link or blocking on a
 * FIFO; *fd is a regular file with one link. */
static int open_plain(const char *path, long long max, int *fd)
{
	*fd = -1;
	int f = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (f < 0) {
		if (errno == ENOENT)
			return NF_ABSENT;
		if (errno == ELOOP || errno == ENXIO || errno == EACCES || errno == EPERM)
			return say(NF_REFUSED, "refused", path, errno);
		return say(NF_ERROR, "cannot open", path, errno);
	}
	struct stat st;
	if (fstat(f, &st) != 0) {
		close(f);
		return say(NF_ERROR, "cannot stat", path, errno);
	}
	const char *why = !S_ISREG(st.st_mode) ? "not a regular file"
			  : st.st_nlink != 1	 ? "more than one link"
			  : max >= 0 && st.st_size > max ? "too big"
							 : NULL;
	if (why) {
		close(f);
		return say(NF_REFUSED, why, path, 0);
	}
	/* Regular files ignore O_NONBLOCK; clear it all the same. */
	fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK);
	*fd = f;
	return NF_OK;
}

/* Copies in to out, at most max bytes (max < 0: no bound). */
static int pump(int in, int out, long long max)
{
	char buf[65536];
	long long total = 0;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		total += n;
		if (max >= 0 && total > max) {
			errno = EFBIG;
			return -1;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -1;
			off += w;
		}
	}
}

static int cmd_read(const char *path, long long max)
{
	int fd;
	int rc = open_plain(path, max, &fd);
	if (rc)
		return rc;
	rc = pump(fd, 1, max) == 0 ? NF_OK : say(NF_ERROR, "cannot read", path, errno);
	close(fd);
	return rc;
}

/* Opens DIR (not a link) for the new file. */
static int open_dir(const char *dir, int make, int *dfd)
{
	*dfd = -1;
	if (make && mkdir(dir, 0755) != 0 && errno != EEXIST)
		return say(NF_ERROR, "cannot make the folder", dir, errno);
	int d = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return errno == ELOOP || errno == ENOTDIR ? say(NF_REFUSED, "refused (not a folder)", dir, errno)
							  : say(NF_ERROR, "cannot open", dir, errno);
	*dfd = d;
	return NF_OK;
}

/* A fresh file in dfd: name ".NAME.XXXXXX", O_EXCL|O_NOFOLLOW. */
static int fresh(int dfd, const char *name, mode_t mode, char *tmp, size_t cap)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	unsigned long x = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16);
	for (int i = 0; i < 100; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		snprintf(tmp, cap, ".%.200s.%06lx", name, (x >> 20) & 0xffffff);
		int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0) {
			fchmod(fd, mode); /* whatever the umask */
			return fd;
		}
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Closes fd (the temp file tmp in dfd) and renames it over name, or
 * removes it when ok is 0. */
static int finish(int dfd, int fd, const char *tmp, const char *name, int ok, const char *dir)
{
	int err = 0;
	if (ok && fsync(fd) != 0 && errno != EINVAL)
		err = errno;
	if (close(fd) != 0 && ok && !err)
		err = errno;
	if (ok && !err && renameat(dfd, tmp, dfd, name) != 0)
		err = errno;
	if (!ok || err) {
		unlinkat(dfd, tmp, 0);
		if (err)
			return say(NF_ERROR, "cannot write", dir, err);
		return NF_ERROR;
	}
	if (fsync(dfd) != 0 && errno != EINVAL && errno != EROFS)
		return say(NF_ERROR, "cannot sync", dir, errno);
	return NF_OK;
}

static int cmd_put(const char *dir, const char *name, mode_t mode)
{
	if (!plain_name(name))
		return say(NF_REFUSED, "not a plain file name", dir, 0);
	int dfd;
	int rc = open_dir(dir, 0, &dfd);
	if (rc)
		return rc;
	char tmp[300];
	int fd = fresh(dfd, name, mode, tmp, sizeof tmp);
	if (fd < 0) {
		rc = say(NF_ERROR, "cannot create a file in", dir, errno);
		close(dfd);
		return rc;
	}
	int ok = pump(0, fd, -1) == 0;
	if (!ok)
		say(NF_ERROR, "cannot copy standard input into", dir, errno);
	rc = finish(dfd, fd, tmp, name, ok, dir);
	close(dfd);
	return rc;
}

static int parse_user(const char *s, uid_t *uid, gid_t *gid)
{
	char *end;
	unsigned long u = strtoul(s, &end, 10);
	if (end != s && (*end == '\0' || *end == ':')) {
		*uid = (uid_t)u;
		*gid = (gid_t)u;
		if (*end == ':') {
			unsigned long g = strtoul(end + 1, &end, 10);
			if (*end)
				return -1;
			*gid = (gid_t)g;
		}
		return 0;
	}
	struct passwd *pw = getpwnam(s);
	if (!pw)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int cmd_copy(const char *user, int make, long long max, const char *src, const char *dir,
		    const char *name)
{
	if (!plain_name(name))
		return say(NF_REFUSED, "not a plain file name", dir, 0);
	uid_t uid = 0;
	gid_t gid = 0;
	if (user && parse_user(user, &uid, &gid) != 0)
		return say(NF_ERROR, "no such user", user, 0);
	int dfd;
	int rc = open_dir(dir, make, &dfd);
	if (rc)
		return rc;
	char tmp[300];
	int fd = fresh(dfd, name, 0644, tmp, sizeof tmp);
	if (fd < 0) {
		rc = say(NF_ERROR, "cannot create a file in", dir, errno);
		close(dfd);
		return rc;
	}
	/* The reading side as USER: it gets the new file's descriptor only. */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		rc = say(NF_ERROR, "cannot fork", src, errno);
		finish(dfd, fd, tmp, name, 0, dir);
		close(dfd);
		return rc;
	}
	if (pid == 0) {
		close(dfd);
		if (user && (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
			     setresuid(uid, uid, uid) != 0))
			_exit(say(NF_ERROR, "cannot become", user, errno));
		int in;
		int r = open_plain(src, -1, &in);
		if (r)
			_exit(r);
		if (pump(in, fd, max) == 0)
			_exit(NF_OK);
		_exit(errno == EFBIG ? say(NF_REFUSED, "too big", src, 0) : say(NF_ERROR, "cannot copy", src, errno));
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int child = WIFEXITED(status) ? WEXITSTATUS(status) : NF_ERROR;
	rc = finish(dfd, fd, tmp, name, child == NF_OK, dir);
	close(dfd);
	return child != NF_OK ? child : rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	const char *cmd = argv[1];
	long long max = -1; /* read: 4096 unless given */
	mode_t mode = 0644;
	const char *user = NULL;
	int make = 0, i = 2;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--mkdir")) {
			make = 1;
			continue;
		}
		if (i + 1 >= argc)
			return usage();
		const char *v = argv[++i];
		char *end;
		if (!strcmp(a, "--max")) {
			max = strtoll(v, &end, 10);
			if (*end || max < 0)
				return usage();
		} else if (!strcmp(a, "--mode")) {
			mode = (mode_t)strtoul(v, &end, 8);
			if (*end || mode > 07777)
				return usage();
		} else if (!strcmp(a, "--user")) {
			user = v;
		} else {
			return usage();
		}
	}
	int left = argc - i;
	if (!strcmp(cmd, "read") && left == 1)
		return cmd_read(argv[i], max < 0 ? 4096 : max);
	if (!strcmp(cmd, "put") && left == 2)
		return cmd_put(argv[i], argv[i + 1], mode);
	if (!strcmp(cmd, "copy") && left == 3)
		return cmd_copy(user, make, max, argv[i], argv[i + 1], argv[i + 2]);
	return usage();
}
