/* Creating files inside a root filesystem that a tarball describes, safely.
 *
 * Everything is done relative to a directory fd of the root filesystem, never by
 * joining paths:
 *   - the parent of each entry is opened with openat2(RESOLVE_BENEATH), so a symlink
 *     the tarball planted earlier ("evil -> /") cannot carry a later entry
 *     ("evil/etc/passwd") out of the root filesystem; missing parents are made one
 *     component at a time the same way;
 *   - the last component is created without following it (O_EXCL|O_NOFOLLOW, mkdirat,
 *     symlinkat), after removing what an earlier entry put there;
 *   - hard link targets are resolved with RESOLVE_NO_SYMLINKS and must be regular files
 *     already inside.
 * Paths given to these functions are clean relative paths (entry_path_clean); "" is the
 * top of the root filesystem.  Directory modes and times are applied last, deepest
 * first, by rootfs_finish(), so a read-only directory does not block its own contents.
 *
 * A writer made with rootfs_writer_init() (for tarballs) resolves parents with
 * RESOLVE_BENEATH: any symlink that leaves the tree is refused, absolute ones included.
 * One made with rootfs_writer_init_image() (for COPY and WORKDIR, which write into a
 * complete image) resolves them with RESOLVE_IN_ROOT, as the container will: an
 * absolute symlink such as /var/run -> /run is followed, but inside the image.  Last
 * components are never followed either way.
 */
#ifndef PIECES_BUILD_ROOTFS_WRITE_H
#define PIECES_BUILD_ROOTFS_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

struct rootfs_xattr {
  const char *name;
  const void *value;
  size_t size;
};

struct rootfs_meta {
  uid_t uid;
  gid_t gid;
  mode_t mode;                  /* permissions, including set-id and sticky bits */
  struct timespec atime, mtime; /* tv_nsec may be UTIME_OMIT */
  const struct rootfs_xattr *xattrs;
  size_t n_xattrs;
};

struct rootfs_deferred_dir;

struct rootfs_writer {
  int rootfd;
  uint64_t resolve;   /* openat2 RESOLVE_* flags for parent directories */
  bool restore_owner; /* only root may give files away */
  struct rootfs_deferred_dir *dirs;
  size_t n_dirs, dirs_capacity;
  size_t xattrs_skipped; /* not supported by the filesystem, or not permitted */
};

void rootfs_writer_init(struct rootfs_writer *w, int rootfd);
void rootfs_writer_init_image(struct rootfs_writer *w, int rootfd);
void rootfs_writer_release(struct rootfs_writer *w);

/* The tarball's "./" entry: owner and mode of the root filesystem itself. */
int rootfs_set_top(struct rootfs_writer *w, const struct rootfs_meta *meta);
int rootfs_make_directory(struct rootfs_writer *w, const char *path,
                          const struct rootfs_meta *meta);
/* Make sure path is a directory: one already there (symlinks followed as the writer
 * resolves) is left exactly as it is (*created false); a missing one is made with meta
 * (missing parents above it: 0755, owned by the builder).  Anything else is an error. */
int rootfs_enter_directory(struct rootfs_writer *w, const char *path,
                           const struct rootfs_meta *meta, bool *created);
/* A new, empty regular file open for writing in *fd; write its data, then call
 * rootfs_finish_file(), which applies meta (data first: writing clears set-id bits
 * and file capabilities). */
int rootfs_create_file(struct rootfs_writer *w, const char *path, int *fd);
int rootfs_finish_file(struct rootfs_writer *w, int fd, const struct rootfs_meta *meta);
/* target is kept verbatim: absolute targets are normal in a root filesystem, and only
 * the runtime follows them, from inside the container. */
int rootfs_make_symlink(struct rootfs_writer *w, const char *path, const char *target,
                        const struct rootfs_meta *meta);
int rootfs_make_hardlink(struct rootfs_writer *w, const char *path, const char *target);
int rootfs_make_fifo(struct rootfs_writer *w, const char *path, const struct rootfs_meta *meta);
/* Apply the deferred directory modes and times. */
int rootfs_finish(struct rootfs_writer *w);

#endif
