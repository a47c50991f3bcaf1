/* The "cgroup" mount type; see cgroup_mount.h.
 *
 * Like runc without a cgroup namespace, each hierarchy shows the container's own
 * cgroup directory (bind mounts), never the host's whole tree.
 */
#include "cgroup_mount.h"
#include "cgroup.h"
#include "cleanup.h"
#include "error.h"
#include "mounts.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

/* A detached bind mount of hierarchy H's cgroup directory, with the entry's flags. */
static int
bind_hierarchy(const struct cgroup_hierarchy *h, const struct mount_options *opts)
{
  char dir[PATH_MAX * 2];
  snprintf(dir, sizeof dir, "%s%s", h->mountpoint, h->path);
  _cleanup_close_ int mnt = open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (mnt < 0)
    return fail_errno("bind cgroup '%s'", dir);
  struct mount_attr attr = {.attr_set = opts->attr_set, .attr_clr = opts->attr_clear};
  if (mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return fail_errno("set attributes of cgroup mount '%s'", dir);
  return steal_fd(&mnt);
}

static const char *
basename_of(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

int
cgroup_mount_apply(int rootfd, const struct mount_entry *m,
                   const struct cgroup_layout *layout_in)
{
  const struct cgroup_layout layout = *layout_in;
  if (layout.count == 1 && layout.hierarchies[0].v2) {
    _cleanup_close_ int mnt = bind_hierarchy(&layout.hierarchies[0], &m->options);
    return mnt < 0 ? -1 : mounts_attach(rootfd, mnt, m->destination, true);
  }

  /* v1 or hybrid: a small tmpfs holds one directory per hierarchy. */
  char *data[] = {"mode=755", "size=64k"};
  struct mount_options tmpfs_opts = {
      .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
      .data = data,
      .n_data = 2,
  };
  _cleanup_close_ int tmpfs = mounts_new_fs("tmpfs", "cgroup", &tmpfs_opts);
  /* Attach the tmpfs first: older kernels cannot mount onto a detached tree. */
  if (tmpfs < 0 || mounts_attach(rootfd, tmpfs, m->destination, true) < 0)
    return -1;
  for (size_t i = 0; i < layout.count; i++) {
    const struct cgroup_hierarchy *h = &layout.hierarchies[i];
    const char *name = basename_of(h->mountpoint);
    _cleanup_close_ int mnt = bind_hierarchy(h, &m->options);
    if (mnt < 0 || mounts_attach(tmpfs, mnt, name, true) < 0)
      return -1;
  }
  if (m->options.attr_set & MOUNT_ATTR_RDONLY) {
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(tmpfs, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
      return fail_errno("make the cgroup tmpfs read-only");
  }
  return 0;
}
