/* The container's /dev: the default device nodes, linux.devices and the standard
 * symlinks, made relative to a verified /dev directory fd.
 */
#ifndef PIECES_DEVICES_H
#define PIECES_DEVICES_H

#include "init.h"

/* Fill the fresh /dev tmpfs DEVFD (still detached) and keep a copy in ctx->devfd. */
int devices_populate(struct init_context *ctx, int devfd);

/* After all mounts: if the config had no /dev tmpfs, make the nodes in the image's own
   /dev; then the symlinks (fd, stdin, stdout, stderr, ptmx, core). */
int devices_finish(struct init_context *ctx);

#endif
