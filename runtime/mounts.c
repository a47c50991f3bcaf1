/* The config's mounts; see mounts.h.
 *
 * Each mount is made detached first (fsmount for a filesystem, open_tree for a bind),
 * given its flags while nothing in the container can see it, then moved onto an
 * O_PATH fd of its target that was resolved inside the root.  A symlink swapped into
 * the rootfs after the lookup cannot redirect it (CVE-2019-19921, CVE-2021-30465).
 */
#include "mounts.h"
#include "cgroup_mount.h"
#include "cleanup.h"
#include "devices.h"
#include "error.h"
#include "inroot.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

/* The filesystem's own words on a failed fsconfig/fsmount, if it left any. */
static const char *
fs_context_log(int fsfd, char *buf, size_t size)
{
  ssize_t n = read(fsfd, buf, size - 1);
  if (n <= 2)
    return NULL;
  buf[n] = '\0';
  if (buf[n - 1] == '\n')
    buf[n - 1] = '\0';
  return buf + 2; /* skip the "e " severity prefix */
}

static int
fail_fs(int fsfd, const char *what, const char *type)
{
  char buf[512];
  int saved = errno;
  const char *why = fs_context_log(fsfd, buf, sizeof buf);
  if (why)
    return fail("%s for '%s': %s", what, type, why);
  return fail_with(saved, "%s for '%s'", what, type);
}

static int
set_fs_parameter(int fsfd, const char *type, const char *param)
{
  const char *eq = strchr(param, '=');
  if (eq == NULL) {
    if (fsconfig(fsfd, FSCONFIG_SET_FLAG, param, NULL, 0) < 0)
      return fail_fs(fsfd, "option", type);
    return 0;
  }
  char key[256];
  if ((size_t)(eq - param) >= sizeof key)
    return fail("option '%s' is too long", param);
  memcpy(key, param, eq - param);
  key[eq - param] = '\0';
  if (fsconfig(fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0) < 0)
    return fail_fs(fsfd, "option", type);
  return 0;
}

int
mounts_new_fs(const char *type, const char *source, const struct mount_options *opts)
{
  _cleanup_close_ int fsfd = fsopen(type, FSOPEN_CLOEXEC);
  if (fsfd < 0)
    return fail_errno("filesystem type '%s'", type);
  if (source && *source && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
    return fail_fs(fsfd, "source", type);
  for (size_t i = 0; i < opts->n_data; i++)
    if (set_fs_parameter(fsfd, type, opts->data[i]) < 0)
      return -1;
  if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return fail_fs(fsfd, "create filesystem", type);
  int mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned)opts->attr_set);
  if (mnt < 0)
    return fail_fs(fsfd, "mount filesystem", type);
  return mnt;
}

/* Propagation is not an fsmount attribute; it goes through mount_setattr. */
static int
set_propagation(int mnt, const struct mount_options *opts)
{
  if (opts->propagation == 0)
    return 0;
  struct mount_attr attr = {.propagation = opts->propagation};
  unsigned flags = AT_EMPTY_PATH | (opts->propagation_recursive ? AT_RECURSIVE : 0);
  if (mount_setattr(mnt, "", flags, &attr, sizeof attr) < 0)
    return fail_errno("set mount propagation");
  return 0;
}

/* A bind source is a host path chosen by whoever wrote the bundle, not by the image;
   a relative one is relative to the bundle directory. */
static int
open_bind_source(const struct spec *spec, const struct mount_entry *m, bool *directory)
{
  _cleanup_close_ int bundle = open(spec->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (bundle < 0)
    return fail_errno("open bundle '%s'", spec->bundle);
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  if (m->options.recursive)
    flags |= AT_RECURSIVE;
  _cleanup_close_ int mnt = open_tree(bundle, m->source, flags);
  if (mnt < 0)
    return fail_errno("bind source '%s'", m->source);
  struct stat st;
  if (fstat(mnt, &st) < 0)
    return fail_errno("stat bind source '%s'", m->source);
  *directory = S_ISDIR(st.st_mode);
  struct mount_attr attr = {
      .attr_set = m->options.attr_set,
      .attr_clr = m->options.attr_clear,
  };
  /* Read-only applies to every submount of an rbind, or a write could go through a
     submount the user believed read-only. */
  unsigned at = AT_EMPTY_PATH | (m->options.recursive ? AT_RECURSIVE : 0);
  if ((attr.attr_set || attr.attr_clr) && mount_setattr(mnt, "", at, &attr, sizeof attr) < 0)
    return fail_errno("set attributes of bind mount of '%s'", m->source);
  return steal_fd(&mnt);
}

int
mounts_attach(int rootfd, int mnt, const char *dest, bool directory)
{
  _cleanup_close_ int target = inroot_make(rootfd, dest, directory);
  if (target < 0)
    return -1;
  if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return fail_errno("attach mount at '%s'", dest);
  return 0;
}

static bool
is_path(const char *path, const char *expected)
{
  while (*path == '/' && path[1] == '/')
    path++;
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/')
    len--;
  return strlen(expected) == len && strncmp(path, expected, len) == 0;
}

/* Make the detached mount for entry M; fills *directory with the target's kind. */
static int
make_mount(struct init_context *ctx, const struct mount_entry *m, bool *directory)
{
  *directory = true;
  if (m->options.bind)
    return open_bind_source(ctx->spec, m, directory);
  if (m->type == NULL)
    return fail("type: required for a mount that is not a bind mount");
  return mounts_new_fs(m->type, m->source, &m->options);
}

/* Keep what the container needs later from special mounts: the fresh procfs is the
   only /proc the runtime trusts afterwards, and a tmpfs /dev is filled before anyone
   can see it. */
static int
remember_special(struct init_context *ctx, const struct mount_entry *m, int mnt)
{
  if (m->type && strcmp(m->type, "proc") == 0 && is_path(m->destination, "/proc")) {
    if (ctx->procfd >= 0)
      close(ctx->procfd);
    ctx->procfd = fcntl(mnt, F_DUPFD_CLOEXEC, 3);
    if (ctx->procfd < 0)
      return fail_errno("keep procfs fd");
  }
  if (m->type && strcmp(m->type, "tmpfs") == 0 && is_path(m->destination, "/dev")) {
    if (devices_populate(ctx, mnt) < 0)
      return -1;
    ctx->dev_is_tmpfs = true;
  }
  return 0;
}

int
mounts_apply(struct init_context *ctx)
{
  const struct spec *spec = ctx->spec;
  for (size_t i = 0; i < spec->n_mounts; i++) {
    const struct mount_entry *m = &spec->mounts[i];
    bool directory;
    if (m->type && (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0)) {
      if (cgroup_mount_apply(ctx->rootfd, m, ctx->cgroups) < 0)
        return fail_context("mounts[%zu] ('%s')", i, m->destination);
      continue;
    }
    _cleanup_close_ int mnt = make_mount(ctx, m, &directory);
    if (mnt < 0 || set_propagation(mnt, &m->options) < 0 || remember_special(ctx, m, mnt) < 0 ||
        mounts_attach(ctx->rootfd, mnt, m->destination, directory) < 0)
      return fail_context("mounts[%zu] ('%s')", i, m->destination);
    log_debug("mounted %s on %s", m->type ? m->type : "bind", m->destination);
  }
  return 0;
}
