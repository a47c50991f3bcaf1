/* openat2(), the one way pieces-build reaches into a directory tree it does not trust:
 * the root filesystem (the tarball's, then the image's) and the build directory. */
#ifndef PIECES_BUILD_RESOLVE_H
#define PIECES_BUILD_RESOLVE_H

#include <linux/openat2.h>
#include <stdint.h>

/* Inside the image, as the container will see it: absolute symlinks and ".." stay in
 * the root filesystem; /proc magic links and other mounts are never crossed. */
#define RESOLVE_IMAGE (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)

/* openat2(dirfd, path, flags | O_CLOEXEC, resolve); -1 with errno on failure.  EAGAIN
 * (a rename raced with the lookup) is retried a few times. */
int resolve_open(int dirfd, const char *path, uint64_t flags, uint64_t resolve);

#endif
