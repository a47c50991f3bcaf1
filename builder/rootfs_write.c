#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "resolve.h"
#include "rootfs_write.h"

/* How an entry's parent is reached: symlinks are followed only while they stay below
 * the root filesystem; /proc-style magic links and other mounts are never crossed. */
#define RESOLVE_PARENT (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)
/* Hard link targets: no symlinks at all. */
#define RESOLVE_STRICT (RESOLVE_PARENT | RESOLVE_NO_SYMLINKS)

struct rootfs_deferred_dir {
  char *path;
  mode_t mode;
  struct timespec times[2];
  size_t depth; /* components in path */
  size_t order; /* position in the archive: a later entry for the same path wins */
};

static int
open_beneath(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
  /* RESOLVE_BENEATH answers EAGAIN when a rename raced with the lookup; nothing else
   * writes this tree, so resolve_open's few retries are plenty. */
  return resolve_open(dirfd, path, flags, resolve);
}

static int
explain_parent_failure(const char *parent)
{
  switch (errno) {
  case EXDEV:
    return fail("refused: parent directory '%s' leads outside the root filesystem (through "
                "a symlink or onto another mount)",
                parent);
  case ELOOP:
    return fail("refused: parent directory '%s' goes through a symlink loop or a magic link",
                parent);
  case ENOTDIR:
    return fail("parent '%s' is not a directory", parent);
  case ENOSYS:
    return fail("openat2 is not available; pieces-build needs Linux 5.6 or later");
  default:
    return fail_errno("open parent directory '%s'", parent);
  }
}

/* Create the missing directories of parent, one component at a time, each looked up
 * again from the top with the same rules, and return an O_PATH fd of parent. */
static int
make_parents(struct rootfs_writer *w, char *parent)
{
  _cleanup_close_ int previous = open_beneath(w->rootfd, ".", O_PATH | O_DIRECTORY, 0);
  char *component = parent;

  if (previous < 0)
    return fail_errno("open the root filesystem");
  for (;;) {
    char *slash = strchr(component, '/');
    int fd;

    if (slash)
      *slash = '\0';
    fd = open_beneath(w->rootfd, parent, O_PATH | O_DIRECTORY, w->resolve);
    if (fd < 0 && errno == ENOENT) {
      /* Owned by whoever builds (root), mode 0755 as tar makes implied directories. */
      if (mkdirat(previous, component, 0755) < 0 && errno != EEXIST)
        return fail_errno("create directory '%s'", parent);
      fd = open_beneath(w->rootfd, parent, O_PATH | O_DIRECTORY, w->resolve);
    }
    if (fd < 0)
      return explain_parent_failure(parent);
    cleanup_close(&previous);
    previous = fd;
    if (slash == NULL)
      return steal_fd(&previous);
    *slash = '/';
    component = slash + 1;
  }
}

/* Split path into its parent (opened, O_PATH) and its last component (*leaf, which
 * points into path). */
static int
open_parent(struct rootfs_writer *w, const char *path, const char **leaf)
{
  const char *slash = strrchr(path, '/');
  _cleanup_free_ char *parent = NULL;
  int fd;

  if (slash == NULL) {
    *leaf = path;
    fd = open_beneath(w->rootfd, ".", O_PATH | O_DIRECTORY, w->resolve);
    return fd >= 0 ? fd : fail_errno("open the root filesystem");
  }
  *leaf = slash + 1;
  parent = strndup(path, slash - path);
  if (parent == NULL)
    return fail("out of memory");
  fd = open_beneath(w->rootfd, parent, O_PATH | O_DIRECTORY, w->resolve);
  if (fd >= 0)
    return fd;
  if (errno == ENOENT)
    return make_parents(w, parent);
  return explain_parent_failure(parent);
}

/* Remove what an earlier entry left at leaf, as tar does when a later member has the
 * same name.  A directory is removed only when empty. */
static int
clear_leaf(int parentfd, const char *leaf)
{
  if (unlinkat(parentfd, leaf, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno == EISDIR) {
    if (unlinkat(parentfd, leaf, AT_REMOVEDIR) == 0)
      return 0;
    if (errno == ENOTEMPTY || errno == EEXIST)
      return fail("a non-empty directory of that name is already there");
  }
  return fail_errno("remove the existing '%s'", leaf);
}

static int
apply_owner(struct rootfs_writer *w, int fd, const struct rootfs_meta *meta)
{
  if (w->restore_owner && fchown(fd, meta->uid, meta->gid) < 0)
    return fail_errno("set owner %u:%u", (unsigned)meta->uid, (unsigned)meta->gid);
  return 0;
}

/* After apply_owner: changing the owner clears security.capability. */
static int
apply_xattrs(struct rootfs_writer *w, int fd, const struct rootfs_meta *meta)
{
  for (size_t i = 0; i < meta->n_xattrs; i++) {
    const struct rootfs_xattr *x = &meta->xattrs[i];

    if (fsetxattr(fd, x->name, x->value, x->size, 0) == 0)
      continue;
    /* A filesystem without xattrs, or trusted.* and security.* when not root: the
     * build goes on and the summary says how many were lost. */
    if (errno == ENOTSUP || (errno == EPERM && !w->restore_owner)) {
      w->xattrs_skipped++;
      continue;
    }
    return fail_errno("set extended attribute '%s'", x->name);
  }
  return 0;
}

static void
fill_times(struct timespec times[2], const struct rootfs_meta *meta)
{
  times[0] = meta->atime;
  times[1] = meta->mtime;
}

/* Owner, then xattrs, then mode (after chown, which clears set-id bits), then times
 * (last, since every other change touches ctime and some touch mtime). */
static int
apply_meta(struct rootfs_writer *w, int fd, const struct rootfs_meta *meta)
{
  struct timespec times[2];

  if (apply_owner(w, fd, meta) < 0 || apply_xattrs(w, fd, meta) < 0)
    return -1;
  if (fchmod(fd, meta->mode & 07777) < 0)
    return fail_errno("set mode %04o", (unsigned)(meta->mode & 07777));
  fill_times(times, meta);
  if (futimens(fd, times) < 0)
    return fail_errno("set times");
  return 0;
}

static int
defer_directory(struct rootfs_writer *w, const char *path, mode_t mode,
                const struct timespec times[2])
{
  struct rootfs_deferred_dir *d;
  size_t depth = path[0] ? 1 : 0;

  if (w->n_dirs == w->dirs_capacity) {
    size_t capacity = w->dirs_capacity ? 2 * w->dirs_capacity : 256;
    struct rootfs_deferred_dir *grown = realloc(w->dirs, capacity * sizeof *grown);

    if (grown == NULL)
      return fail("out of memory");
    w->dirs = grown;
    w->dirs_capacity = capacity;
  }
  for (const char *p = path; *p; p++)
    depth += *p == '/';
  d = &w->dirs[w->n_dirs];
  d->path = strdup(path);
  if (d->path == NULL)
    return fail("out of memory");
  d->mode = mode & 07777;
  d->times[0] = times[0];
  d->times[1] = times[1];
  d->depth = depth;
  d->order = w->n_dirs++;
  return 0;
}

void
rootfs_writer_init(struct rootfs_writer *w, int rootfd)
{
  memset(w, 0, sizeof *w);
  w->rootfd = rootfd;
  w->resolve = RESOLVE_PARENT;
  w->restore_owner = geteuid() == 0;
}

void
rootfs_writer_init_image(struct rootfs_writer *w, int rootfd)
{
  rootfs_writer_init(w, rootfd);
  w->resolve = RESOLVE_IMAGE;
}

void
rootfs_writer_release(struct rootfs_writer *w)
{
  for (size_t i = 0; i < w->n_dirs; i++)
    free(w->dirs[i].path);
  free(w->dirs);
  w->dirs = NULL;
  w->n_dirs = w->dirs_capacity = 0;
}

int
rootfs_set_top(struct rootfs_writer *w, const struct rootfs_meta *meta)
{
  const struct timespec keep[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_nsec = UTIME_OMIT}};

  if (apply_owner(w, w->rootfd, meta) < 0)
    return -1;
  return defer_directory(w, "", meta->mode, keep);
}

int
rootfs_make_directory(struct rootfs_writer *w, const char *path, const struct rootfs_meta *meta)
{
  _cleanup_close_ int parentfd = -1;
  _cleanup_close_ int fd = -1;
  struct timespec times[2];
  const char *leaf;
  struct stat st;

  parentfd = open_parent(w, path, &leaf);
  if (parentfd < 0)
    return -1;
  /* 0700 until rootfs_finish() sets the real mode: the builder must be able to fill
   * it, and nobody else needs to see it half done. */
  if (mkdirat(parentfd, leaf, 0700) < 0) {
    if (errno != EEXIST)
      return fail_errno("create directory");
    if (fstatat(parentfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
      return fail_errno("stat");
    /* An existing directory is kept (its metadata updated); anything else, including
     * a symlink, is replaced, so the directory is never reached through a link. */
    if (!S_ISDIR(st.st_mode)) {
      if (clear_leaf(parentfd, leaf) < 0)
        return -1;
      if (mkdirat(parentfd, leaf, 0700) < 0)
        return fail_errno("create directory");
    }
  }
  fd = openat(parentfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail_errno("open directory");
  if (apply_owner(w, fd, meta) < 0 || apply_xattrs(w, fd, meta) < 0)
    return -1;
  fill_times(times, meta);
  return defer_directory(w, path, meta->mode, times);
}

int
rootfs_enter_directory(struct rootfs_writer *w, const char *path,
                       const struct rootfs_meta *meta, bool *created)
{
  _cleanup_close_ int parentfd = -1;
  _cleanup_close_ int fd = -1;
  struct timespec times[2];
  const char *leaf;

  *created = false;
  fd = open_beneath(w->rootfd, path[0] ? path : ".", O_PATH | O_DIRECTORY, w->resolve);
  if (fd >= 0)
    return 0;
  if (errno == ENOTDIR)
    return fail("it, or a directory above it, exists and is not a directory");
  if (errno != ENOENT)
    return explain_parent_failure(path);
  parentfd = open_parent(w, path, &leaf);
  if (parentfd < 0)
    return -1;
  /* 0700 until rootfs_finish(), like rootfs_make_directory.  EEXIST here means a
   * symlink that leads nowhere: it is not followed to create its target. */
  if (mkdirat(parentfd, leaf, 0700) < 0)
    return errno == EEXIST ? fail("it exists and is not a directory (a dangling symlink?)")
                           : fail_errno("create directory");
  fd = openat(parentfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail_errno("open directory");
  if (apply_owner(w, fd, meta) < 0 || apply_xattrs(w, fd, meta) < 0)
    return -1;
  fill_times(times, meta);
  *created = true;
  return defer_directory(w, path, meta->mode, times);
}

int
rootfs_create_file(struct rootfs_writer *w, const char *path, int *out)
{
  _cleanup_close_ int parentfd = -1;
  const char *leaf;
  int fd;

  parentfd = open_parent(w, path, &leaf);
  if (parentfd < 0 || clear_leaf(parentfd, leaf) < 0)
    return -1;
  /* O_EXCL|O_NOFOLLOW: never write through whatever might be at leaf. */
  fd = openat(parentfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail_errno("create file");
  *out = fd;
  return 0;
}

int
rootfs_finish_file(struct rootfs_writer *w, int fd, const struct rootfs_meta *meta)
{
  return apply_meta(w, fd, meta);
}

int
rootfs_make_symlink(struct rootfs_writer *w, const char *path, const char *target,
                    const struct rootfs_meta *meta)
{
  _cleanup_close_ int parentfd = -1;
  struct timespec times[2];
  const char *leaf;

  if (target[0] == '\0')
    return fail("symlink with an empty target");
  parentfd = open_parent(w, path, &leaf);
  if (parentfd < 0 || clear_leaf(parentfd, leaf) < 0)
    return -1;
  if (symlinkat(target, parentfd, leaf) < 0)
    return fail_errno("create symlink");
  /* Symlinks cannot be opened, so they are changed by name with AT_SYMLINK_NOFOLLOW.
   * Their mode means nothing on Linux, and user.* xattrs are not allowed on them. */
  if (w->restore_owner &&
      fchownat(parentfd, leaf, meta->uid, meta->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return fail_errno("set owner %u:%u", (unsigned)meta->uid, (unsigned)meta->gid);
  fill_times(times, meta);
  if (utimensat(parentfd, leaf, times, AT_SYMLINK_NOFOLLOW) < 0)
    return fail_errno("set times");
  return 0;
}

int
rootfs_make_hardlink(struct rootfs_writer *w, const char *path, const char *target)
{
  _cleanup_close_ int target_parentfd = -1;
  _cleanup_close_ int parentfd = -1;
  _cleanup_free_ char *target_parent = NULL;
  const char *slash = strrchr(target, '/');
  const char *target_leaf = slash ? slash + 1 : target;
  const char *leaf;
  struct stat st;

  /* A member linked to itself: the file is already in place. */
  if (strcmp(path, target) == 0)
    return 0;
  if (target[0] == '\0')
    return fail("refused: hard link to the top of the root filesystem");
  target_parent = slash ? strndup(target, slash - target) : strdup(".");
  if (target_parent == NULL)
    return fail("out of memory");
  target_parentfd =
      open_beneath(w->rootfd, target_parent, O_PATH | O_DIRECTORY, RESOLVE_STRICT);
  if (target_parentfd < 0) {
    if (errno == ENOENT)
      return fail("hard link target '%s' does not exist (it must come earlier in the "
                  "archive)",
                  target);
    if (errno == EXDEV || errno == ELOOP)
      return fail("refused: hard link target '%s' is reached through a symlink", target);
    return fail_errno("open the directory of hard link target '%s'", target);
  }
  if (fstatat(target_parentfd, target_leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT)
      return fail("hard link target '%s' does not exist (it must come earlier in the "
                  "archive)",
                  target);
    return fail_errno("stat hard link target '%s'", target);
  }
  if (!S_ISREG(st.st_mode))
    return fail("refused: hard link target '%s' is not a regular file", target);
  parentfd = open_parent(w, path, &leaf);
  if (parentfd < 0 || clear_leaf(parentfd, leaf) < 0)
    return -1;
  /* flags 0: linkat does not follow target_leaf, which was just checked to be a
   * regular file; nothing else writes this tree, so it cannot have changed. */
  if (linkat(target_parentfd, target_leaf, parentfd, leaf, 0) < 0)
    return fail_errno("create hard link to '%s'", target);
  return 0;
}

int
rootfs_make_fifo(struct rootfs_writer *w, const char *path, const struct rootfs_meta *meta)
{
  _cleanup_close_ int parentfd = -1;
  _cleanup_close_ int fd = -1;
  const char *leaf;

  parentfd = open_parent(w, path, &leaf);
  if (parentfd < 0 || clear_leaf(parentfd, leaf) < 0)
    return -1;
  if (mknodat(parentfd, leaf, S_IFIFO | 0600, 0) < 0)
    return fail_errno("create FIFO");
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. */
  fd = openat(parentfd, leaf, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail_errno("open FIFO");
  return apply_meta(w, fd, meta);
}

static int
compare_deepest_first(const void *a, const void *b)
{
  const struct rootfs_deferred_dir *x = a, *y = b;

  if (x->depth != y->depth)
    return x->depth > y->depth ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

int
rootfs_finish(struct rootfs_writer *w)
{
  qsort(w->dirs, w->n_dirs, sizeof *w->dirs, compare_deepest_first);
  for (size_t i = 0; i < w->n_dirs; i++) {
    const struct rootfs_deferred_dir *d = &w->dirs[i];
    const char *path = d->path[0] ? d->path : ".";
    /* Looked up as when it was made (it may have been made through one of the
     * archive's own symlinks), but the directory itself is never a link. */
    _cleanup_close_ int fd =
        open_beneath(w->rootfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, w->resolve);

    if (fd < 0) {
      /* A later member replaced the directory, or a parent of it, with something
       * else: there is nothing left to apply the mode to. */
      if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == EXDEV)
        continue;
      return fail_errno("open directory '%s'", d->path);
    }
    if (fchmod(fd, d->mode) < 0)
      return fail_errno("set mode %04o on directory '%s'", (unsigned)d->mode, d->path);
    if (futimens(fd, d->times) < 0)
      return fail_errno("set times on directory '%s'", d->path);
  }
  return 0;
}
