/* The container's /dev; see devices.h.
 *
 * Nodes are made with mknodat relative to the /dev fd; where the kernel refuses
 * (inside a user namespace) the host's node is bind-mounted instead.  Nothing is ever
 * made through a path string the image could redirect (CVE-2026-41579).
 */
#include "devices.h"
#include "cleanup.h"
#include "error.h"
#include "inroot.h"
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const struct device_node default_devices[] = {
    {"/dev/null", 'c', 1, 3, true, true, true, 0666, 0, 0},
    {"/dev/zero", 'c', 1, 5, true, true, true, 0666, 0, 0},
    {"/dev/full", 'c', 1, 7, true, true, true, 0666, 0, 0},
    {"/dev/random", 'c', 1, 8, true, true, true, 0666, 0, 0},
    {"/dev/urandom", 'c', 1, 9, true, true, true, 0666, 0, 0},
    {"/dev/tty", 'c', 5, 0, true, true, true, 0666, 0, 0},
};

static const struct {
  const char *name, *target;
} default_symlinks[] = {
    {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
};

static mode_t
node_type(char type)
{
  switch (type) {
  case 'b':
    return S_IFBLK;
  case 'p':
    return S_IFIFO;
  default:
    return S_IFCHR;
  }
}

/* Inside a user namespace mknod is refused: bind the host's node onto an empty file. */
static int
bind_host_node(int parent, const char *leaf, const struct device_node *dev)
{
  _cleanup_close_ int file =
      openat(parent, leaf, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (file < 0)
    return fail_errno("create '%s'", dev->path);
  _cleanup_close_ int mnt = open_tree(AT_FDCWD, dev->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (mnt < 0)
    return fail_errno("bind host device '%s'", dev->path);
  if (move_mount(mnt, "", file, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return fail_errno("bind host device onto '%s'", dev->path);
  return 0;
}

/* Is LEAF under PARENT already the node DEV describes? */
static bool
node_matches(int parent, const char *leaf, const struct device_node *dev, dev_t rdev)
{
  struct stat st;
  if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return false;
  return (st.st_mode & S_IFMT) == node_type(dev->type) && st.st_rdev == rdev;
}

static int
make_node(int devfd, const struct device_node *dev)
{
  const char *rel = dev->path + strlen("/dev/");
  char leaf[NAME_MAX + 1];
  const char *slash = strrchr(rel, '/');
  _cleanup_close_ int parent = -1;
  if (slash) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - rel), rel);
    parent = inroot_make(devfd, dir, true);
  } else {
    parent = fcntl(devfd, F_DUPFD_CLOEXEC, 3);
  }
  if (parent < 0)
    return -1;
  snprintf(leaf, sizeof leaf, "%s", slash ? slash + 1 : rel);

  mode_t mode = dev->has_mode ? dev->file_mode & 07777 : 0666;
  dev_t rdev = dev->type == 'p' ? 0 : makedev(dev->major, dev->minor);
  if (node_matches(parent, leaf, dev, rdev))
    goto set_owner;
  if (unlinkat(parent, leaf, 0) < 0 && errno != ENOENT)
    return fail_errno("replace '%s'", dev->path);
  if (mknodat(parent, leaf, node_type(dev->type) | mode, rdev) < 0) {
    if (errno != EPERM || dev->type == 'p')
      return fail_errno("create device '%s'", dev->path);
    return bind_host_node(parent, leaf, dev);
  }
set_owner:
  if (fchownat(parent, leaf, dev->has_uid ? dev->uid : 0, dev->has_gid ? dev->gid : 0,
               AT_SYMLINK_NOFOLLOW) < 0)
    return fail_errno("set owner of '%s'", dev->path);
  if (fchmodat(parent, leaf, mode, 0) < 0)
    return fail_errno("set mode of '%s'", dev->path);
  return 0;
}

static int
make_nodes(struct init_context *ctx, int devfd)
{
  for (size_t i = 0; i < sizeof default_devices / sizeof *default_devices; i++)
    if (make_node(devfd, &default_devices[i]) < 0)
      return -1;
  for (size_t i = 0; i < ctx->spec->n_devices; i++)
    if (make_node(devfd, &ctx->spec->devices[i]) < 0)
      return fail_context("linux.devices[%zu]", i);
  return 0;
}

int
devices_populate(struct init_context *ctx, int devfd)
{
  if (make_nodes(ctx, devfd) < 0)
    return -1;
  if (ctx->devfd >= 0)
    close(ctx->devfd);
  ctx->devfd = fcntl(devfd, F_DUPFD_CLOEXEC, 3);
  return ctx->devfd < 0 ? fail_errno("keep /dev fd") : 0;
}

int
devices_finish(struct init_context *ctx)
{
  if (!ctx->dev_is_tmpfs) {
    _cleanup_close_ int devfd = inroot_make(ctx->rootfd, "/dev", true);
    if (devfd < 0 || devices_populate(ctx, devfd) < 0)
      return -1;
  }
  for (size_t i = 0; i < sizeof default_symlinks / sizeof *default_symlinks; i++) {
    const char *name = default_symlinks[i].name;
    if (symlinkat(default_symlinks[i].target, ctx->devfd, name) < 0 && errno != EEXIST)
      return fail_errno("create symlink '/dev/%s'", name);
  }
  /* /dev/core exists only where the kernel offers /proc/kcore, as runc does it. */
  if (ctx->procfd >= 0 && faccessat(ctx->procfd, "kcore", F_OK, AT_EACCESS) == 0 &&
      symlinkat("/proc/kcore", ctx->devfd, "core") < 0 && errno != EEXIST)
    return fail_errno("create symlink '/dev/core'");
  return 0;
}
