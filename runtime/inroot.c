/* Resolution of container paths relative to the rootfs fd; see inroot.h. */
#include "inroot.h"
#include "cleanup.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int
inroot_open(int rootfd, const char *path, int flags, mode_t mode)
{
  struct open_how how = {
      .flags = (unsigned)(flags | O_CLOEXEC),
      .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  int fd;
  do
    fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

/* Copy the parent part of PATH into PARENT and the last component into LEAF. */
static int
split_path(const char *path, char *parent, size_t parent_size, char *leaf)
{
  while (*path == '/')
    path++;
  size_t len = strlen(path);
  while (len > 0 && path[len - 1] == '/')
    len--;
  if (len == 0)
    return fail("'/' has no parent");
  size_t start = len;
  while (start > 0 && path[start - 1] != '/')
    start--;
  if (len - start > NAME_MAX || start >= parent_size)
    return fail_with(ENAMETOOLONG, "'%s'", path);
  memcpy(leaf, path + start, len - start);
  leaf[len - start] = '\0';
  memcpy(parent, path, start);
  parent[start] = '\0';
  if (strcmp(leaf, ".") == 0 || strcmp(leaf, "..") == 0)
    return fail("'%s': the last component must be a name", path);
  return 0;
}

int
inroot_open_parent(int rootfd, const char *path, char *leaf)
{
  char parent[PATH_MAX];
  if (split_path(path, parent, sizeof parent, leaf) < 0)
    return -1;
  int fd = inroot_open(rootfd, parent, O_PATH | O_DIRECTORY, 0);
  if (fd < 0)
    return fail_errno("open '/%s' in the container", parent);
  return fd;
}

static int make_directories(int rootfd, const char *path, int depth);

/* PREFIX exists as a dangling symlink: create what it points to, as mkdir -p through
   a symlink does, but with the target read as a container path (inside the root). */
static int
make_symlink_target(int rootfd, int parent, const char *leaf, const char *prefix, int depth)
{
  char target[PATH_MAX], next[PATH_MAX];
  struct stat st;
  if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
    return fail("'%s' in the container exists but is not a directory", prefix);
  ssize_t n = readlinkat(parent, leaf, target, sizeof target - 1);
  if (n < 0)
    return fail_errno("read symlink '%s' in the container", prefix);
  target[n] = '\0';
  int len = (int)(strlen(prefix) - strlen(leaf));
  int w = target[0] == '/' ? snprintf(next, sizeof next, "%s", target)
                           : snprintf(next, sizeof next, "%.*s%s", len, prefix, target);
  if (w < 0 || (size_t)w >= sizeof next)
    return fail_with(ENAMETOOLONG, "symlink '%s' in the container", prefix);
  return make_directories(rootfd, next, depth + 1);
}

/* mkdir -p inside the root.  mkdirat never follows a symlink in its last component,
   so nothing is ever created outside the root; symlinks met on the way are followed
   as the container would follow them. */
static int
make_directories(int rootfd, const char *path, int depth)
{
  char prefix[PATH_MAX];
  size_t len = strlen(path);
  if (len >= sizeof prefix)
    return fail_with(ENAMETOOLONG, "'%s'", path);
  if (depth > 40)
    return fail_with(ELOOP, "create '%s' in the container", path);
  for (size_t i = 1; i <= len; i++) {
    if (i < len && path[i] != '/')
      continue;
    memcpy(prefix, path, i);
    prefix[i] = '\0';
    _cleanup_close_ int fd = inroot_open(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
    if (fd >= 0)
      continue;
    if (errno != ENOENT)
      return fail_errno("open '%s' in the container", prefix);
    char leaf[NAME_MAX + 1];
    _cleanup_close_ int parent = inroot_open_parent(rootfd, prefix, leaf);
    if (parent < 0)
      return -1;
    if (mkdirat(parent, leaf, 0755) == 0)
      continue;
    if (errno != EEXIST)
      return fail_errno("create directory '%s' in the container", prefix);
    if (make_symlink_target(rootfd, parent, leaf, prefix, depth) < 0)
      return -1;
  }
  return 0;
}

static int
make_file(int rootfd, const char *path)
{
  char leaf[NAME_MAX + 1];
  _cleanup_close_ int parent = inroot_open_parent(rootfd, path, leaf);
  if (parent < 0)
    return -1;
  _cleanup_close_ int fd =
      openat(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno != EEXIST)
    return fail_errno("create file '%s' in the container", path);
  return 0;
}

int
inroot_make(int rootfd, const char *path, bool directory)
{
  _cleanup_close_ int fd = inroot_open(rootfd, path, O_PATH, 0);
  if (fd < 0 && errno == ENOENT) {
    char parent[PATH_MAX], leaf[NAME_MAX + 1];
    if (directory)
      fd = make_directories(rootfd, path, 0);
    else if (split_path(path, parent, sizeof parent, leaf) == 0 &&
             make_directories(rootfd, parent, 0) == 0)
      fd = make_file(rootfd, path);
    if (fd < 0)
      return -1;
    fd = inroot_open(rootfd, path, O_PATH, 0);
  }
  if (fd < 0)
    return fail_errno("open '%s' in the container", path);
  struct stat st;
  if (fstat(fd, &st) < 0)
    return fail_errno("stat '%s' in the container", path);
  if (directory && !S_ISDIR(st.st_mode))
    return fail("'%s' in the container is not a directory", path);
  if (!directory && S_ISDIR(st.st_mode))
    return fail("'%s' in the container is a directory, a file was expected", path);
  return steal_fd(&fd);
}
