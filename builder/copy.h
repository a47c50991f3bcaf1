/* COPY: files from the build directory into the root filesystem.
 *
 * Both ends are untrusted in their own way, and both are reached through fds only:
 *   - sources are opened beneath the build directory with openat2(RESOLVE_BENEATH |
 *     RESOLVE_NO_MAGICLINKS): a '..' or a symlink that leads out of it is refused, so a
 *     Piecefile cannot copy the host's files into an image; inside a copied directory
 *     nothing is followed, symlinks are copied as symlinks;
 *   - the destination is written with rootfs_write.h in image mode: parents resolved
 *     with RESOLVE_IN_ROOT (as the container will see them), last components created
 *     with O_EXCL|O_NOFOLLOW, so no symlink in the image leads a write out of it.
 * Modes are kept (or set by --chmod); files belong to root, or to --chown.
 */
#ifndef PIECES_BUILD_COPY_H
#define PIECES_BUILD_COPY_H

#include "image_user.h"
#include "piecefile.h"
#include "source_date.h"

struct copy_context {
  int contextfd;       /* the build directory */
  const char *context; /* its path as given, for messages */
  int rootfd;          /* the root filesystem being built */
  const struct source_date *date;
};

/* Check that every source of a COPY step exists beneath the build directory, before
 * anything is downloaded. */
int copy_check_sources(const struct copy_context *ctx, const struct piecefile_step *step);
/* Copy, owned by owner (the resolved --chown, or root). */
int copy_run(const struct copy_context *ctx, const struct piecefile_step *step,
             const struct image_user *owner);

#endif
