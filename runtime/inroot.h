/* Path resolution inside a container's root filesystem, always relative to the rootfs
 * directory fd and never by joining strings onto a host path.
 *
 * Symlinks are followed as the container would see them: "/" and ".." stop at the
 * rootfs (openat2 RESOLVE_IN_ROOT), so a hostile rootfs cannot point us at the host.
 * Magic links (/proc/self/fd/...) are never followed.
 */
#ifndef PIECES_INROOT_H
#define PIECES_INROOT_H

#include <stdbool.h>
#include <sys/types.h>

/* openat2(rootfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS). */
int inroot_open(int rootfd, const char *path, int flags, mode_t mode);

/* Make sure PATH exists inside the root, creating missing directories (mode 0755) and,
   if !DIRECTORY, an empty final file (mode 0644).  Returns an O_PATH fd of what is
   there, checked to be a directory (or a non-directory when !DIRECTORY). */
int inroot_make(int rootfd, const char *path, bool directory);

/* Split PATH into an O_PATH fd of its parent directory (resolved inside the root) and
   its last component, copied into LEAF (size NAME_MAX + 1). */
int inroot_open_parent(int rootfd, const char *path, char *leaf);

#endif
