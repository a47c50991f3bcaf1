#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "remove_tree.h"

static int
open_directory(int dirfd, const char *name)
{
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  if (fd >= 0 || errno != EACCES)
    return fd;
  /* Mode 0000 keeps out even the owner when it is not root.  The stat makes sure it is
   * a directory, not a symlink that fchmodat would follow; nobody else writes here. */
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
      fchmodat(dirfd, name, 0700, 0) < 0) {
    errno = EACCES;
    return -1;
  }
  return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int
remove_tree_at(int parentfd, const char *name)
{
  _cleanup_closedir_ DIR *dir = NULL;
  struct dirent *entry;
  int fd;

  if (unlinkat(parentfd, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR)
    return fail_errno("remove '%s'", name);
  fd = open_directory(parentfd, name);
  if (fd < 0)
    return fail_errno("open directory '%s'", name);
  /* Only a non-root owner needs write permission to remove the contents. */
  if (geteuid() != 0)
    (void)fchmod(fd, 0700);
  dir = fdopendir(fd);
  if (dir == NULL) {
    close(fd);
    return fail_errno("read directory '%s'", name);
  }
  /* One fd per level of depth: entry paths are at most 4095 bytes, so at most 2048
   * levels, and main() raises the fd limit to its hard maximum. */
  while ((errno = 0, entry = readdir(dir)) != NULL) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
      continue;
    if (remove_tree_at(dirfd(dir), entry->d_name) < 0)
      return -1;
  }
  if (errno != 0)
    return fail_errno("read directory '%s'", name);
  if (unlinkat(parentfd, name, AT_REMOVEDIR) < 0)
    return fail_errno("remove directory '%s'", name);
  return 0;
}
