/* The container's root filesystem; see rootfs.h. */
#include "rootfs.h"
#include "cleanup.h"
#include "error.h"
#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int
rootfs_prepare(struct init_context *ctx)
{
  /* Private first, so nothing we mount, and no unmount of the old root, propagates
     back into the host's mount namespace. */
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return fail_errno("make the mount namespace private");

  /* The host's own /dev/null, opened before the container's files are reachable,
     is what masked paths are covered with (CVE-2025-31133). */
  ctx->host_devnull = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  struct stat st;
  if (ctx->host_devnull < 0 || fstat(ctx->host_devnull, &st) < 0)
    return fail_errno("open the host's '/dev/null'");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
    return fail("the host's '/dev/null' is not the null device");

  /* The host's procfs: the only way back to the exec fifo after pivot_root. */
  ctx->host_procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct statfs fs;
  if (ctx->host_procfd < 0 || fstatfs(ctx->host_procfd, &fs) < 0 ||
      fs.f_type != PROC_SUPER_MAGIC)
    return fail("the host's '/proc' is not a procfs");

  /* pivot_root needs the new root to be a mount point: bind it onto a detached copy
     and put that in place. */
  const char *root = ctx->spec->root_path;
  _cleanup_close_ int mnt =
      open_tree(AT_FDCWD, root, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (mnt < 0)
    return fail_errno("root.path: open '%s'", root);
  if (fstat(mnt, &st) < 0 || !S_ISDIR(st.st_mode))
    return fail("root.path: '%s' is not a directory", root);
  if (move_mount(mnt, "", AT_FDCWD, root, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return fail_errno("root.path: bind '%s'", root);
  ctx->rootfd = steal_fd(&mnt);
  return 0;
}

int
rootfs_enter(struct init_context *ctx)
{
  /* pivot_root(".", ".") stacks the old root on top of the new one; unmounting "."
     then removes the old root without needing a directory for it in the image. */
  if (fchdir(ctx->rootfd) < 0)
    return fail_errno("enter the rootfs");
  if (ctx->options.no_pivot) {
    /* --no-pivot, for roots that cannot be pivoted (an initramfs): move the root over
       "/" and chroot.  The old root stays underneath, as with runc. */
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
      return fail_errno("enter the rootfs without pivot_root");
    return 0;
  }
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return fail_errno("pivot_root");
  if (umount2(".", MNT_DETACH) < 0)
    return fail_errno("detach the old root");
  if (chdir("/") < 0)
    return fail_errno("chdir to the new root");
  return 0;
}

/* Cover PATH with the host's /dev/null (files) or an empty read-only tmpfs
   (directories).  A path the image does not have is skipped, as the spec says. */
static int
mask_path(struct init_context *ctx, const char *path)
{
  _cleanup_close_ int target = inroot_open(ctx->rootfd, path, O_PATH, 0);
  if (target < 0 && errno == ENOENT)
    return 0;
  struct stat st;
  if (target < 0 || fstat(target, &st) < 0)
    return fail_errno("open '%s'", path);
  _cleanup_close_ int mnt = -1;
  if (S_ISDIR(st.st_mode)) {
    int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs >= 0 && fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
      mnt =
          fsmount(fs, FSMOUNT_CLOEXEC,
                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (fs >= 0)
      close(fs);
  } else if (!ctx->devnull_attached) {
    /* The first file mask uses the detached bind of the host's /dev/null itself... */
    mnt = fcntl(ctx->host_devnull, F_DUPFD_CLOEXEC, 3);
    ctx->devnull_attached = true;
  } else {
    /* ...later ones clone it, now that it is attached in our mount namespace. */
    mnt = open_tree(ctx->host_devnull, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  }
  if (mnt < 0)
    return fail_errno("make the mask for '%s'", path);
  if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return fail_errno("mask '%s'", path);
  return 0;
}

/* Bind PATH onto itself read-only, with every submount read-only too. */
static int
make_readonly(struct init_context *ctx, const char *path)
{
  _cleanup_close_ int target = inroot_open(ctx->rootfd, path, O_PATH, 0);
  if (target < 0 && errno == ENOENT)
    return 0;
  if (target < 0)
    return fail_errno("open '%s'", path);
  _cleanup_close_ int mnt =
      open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                        MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
  if (mnt < 0 || mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return fail_errno("make '%s' read-only", path);
  if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return fail_errno("make '%s' read-only", path);
  return 0;
}

int
rootfs_protect(struct init_context *ctx)
{
  const struct spec *spec = ctx->spec;
  for (size_t i = 0; i < spec->n_masked_paths; i++)
    if (mask_path(ctx, spec->masked_paths[i]) < 0)
      return fail_context("linux.maskedPaths[%zu]", i);
  for (size_t i = 0; i < spec->n_readonly_paths; i++)
    if (make_readonly(ctx, spec->readonly_paths[i]) < 0)
      return fail_context("linux.readonlyPaths[%zu]", i);
  if (spec->root_readonly) {
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(ctx->rootfd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
      return fail_errno("root.readonly: make the root read-only");
  }
  if (spec->rootfs_propagation) {
    /* Propagation of the root applies to the whole tree, as runc and crun do it. */
    struct mount_attr attr = {.propagation = spec->rootfs_propagation};
    if (mount_setattr(ctx->rootfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
      return fail_errno("linux.rootfsPropagation");
  }
  return 0;
}
