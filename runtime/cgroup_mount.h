/* The "cgroup" mount type: the container's own cgroups, read-only by default, in the
 * shape the host has them (one directory per v1 hierarchy, or a single cgroup2 tree).
 */
#ifndef PIECES_CGROUP_MOUNT_H
#define PIECES_CGROUP_MOUNT_H

#include "config.h"

/* Mount entry M under ROOTFD; runs in the container's init before pivot_root, after
   the parent moved it into its cgroups. */
int cgroup_mount_apply(int rootfd, const struct mount_entry *m);

#endif
