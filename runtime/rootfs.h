/* The container's root: made a mount point, entered with pivot_root, the old root
 * detached; then masked and read-only paths and a read-only root.
 */
#ifndef PIECES_ROOTFS_H
#define PIECES_ROOTFS_H

#include "init.h"

/* Stop mount events from reaching the host, bind the rootfs onto itself and open
   ctx->rootfd.  Also takes the host's /dev/null for masking later. */
int rootfs_prepare(struct init_context *ctx);

/* pivot_root into ctx->rootfd and detach the old root. */
int rootfs_enter(struct init_context *ctx);

/* After pivot_root: linux.maskedPaths, linux.readonlyPaths, root.readonly and
   linux.rootfsPropagation. */
int rootfs_protect(struct init_context *ctx);

#endif
