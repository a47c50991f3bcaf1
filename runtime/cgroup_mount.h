/* The "cgroup" mount type: the container's own cgroups, read-only by default, in the
 * shape the host has them (one directory per v1 hierarchy, or a single cgroup2 tree).
 */
#ifndef PIECES_CGROUP_MOUNT_H
#define PIECES_CGROUP_MOUNT_H

#include "cgroup.h"
#include "config.h"

/* Mount entry M under ROOTFD; runs in the container's init before pivot_root.  LAYOUT
   is the init's own cgroups, read after the runtime moved it into them and before a
   cgroup namespace could hide where they are on the host. */
int cgroup_mount_apply(int rootfd, const struct mount_entry *m,
                       const struct cgroup_layout *layout);

#endif
