/* update_flip.c - test helper: flip (xor 0x01, or xor MASK) one byte of a
 * file in place.  update_flip FILE OFFSET [MASK] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long long off = atoll(argv[2]);
	int mask = argc > 3 ? (int)strtol(argv[3], NULL, 0) : 1;
	int fd = open(argv[1], O_RDWR);
	unsigned char c;
	if (fd < 0 || pread(fd, &c, 1, off) != 1)
		return 2;
	c ^= (unsigned char)mask;
	if (pwrite(fd, &c, 1, off) != 1)
		return 2;
	return close(fd) == 0 ? 0 : 2;
}
