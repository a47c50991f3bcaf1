/* Small files of a bundle (config.json, pieces-build.json), written so that they are
 * never seen half written: NAME.tmp first, then a rename over NAME. */
#ifndef PIECES_BUILD_ATOMIC_FILE_H
#define PIECES_BUILD_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

int atomic_file_write(int dirfd, const char *name, const char *text, size_t len, mode_t mode);

#endif
