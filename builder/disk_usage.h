/* How much disk a bundle takes, like `du -s`: allocated blocks, each inode counted
 * once however many hard links it has.  Never follows a symlink. */
#ifndef PIECES_BUILD_DISK_USAGE_H
#define PIECES_BUILD_DISK_USAGE_H

#include <stddef.h>
#include <stdint.h>

int disk_usage(int dirfd, uint64_t *bytes);
/* "512B", "1.5kB", "23.4MB", "1.02GB": three significant digits, powers of 1000, as
 * docker prints sizes. */
void disk_usage_format(uint64_t bytes, char *text, size_t size);

#endif
