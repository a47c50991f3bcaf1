/* The config's mounts, made from file descriptors with the kernel's mount API so that
 * no path inside the container is ever handed to mount(2) as a string.
 */
#ifndef PIECES_MOUNTS_H
#define PIECES_MOUNTS_H

#include "init.h"

/* Mount every entry of spec->mounts under ctx->rootfd, in order.  Fills ctx->procfd
   and ctx->devfd when the config mounts /proc and /dev. */
int mounts_apply(struct init_context *ctx);

/* Attach the detached mount MNT onto the path DEST inside the root (created if
   missing, as a directory or as a file). */
int mounts_attach(int rootfd, int mnt, const char *dest, bool directory);

/* Make a fresh filesystem mount (fsopen/fsmount) and return its detached mount fd. */
int mounts_new_fs(const char *type, const char *source, const struct mount_options *opts);

#endif
