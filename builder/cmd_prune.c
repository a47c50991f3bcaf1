/* pieces-build prune: remove what the store holds but no longer needs.
 *
 * Today that is the temporary directories of builds that were killed (SIGKILL, a crash,
 * a power cut) before they could clean up.  A build holds a lock on its temporary
 * directory for as long as it runs, so a directory that can be locked is one nobody is
 * using.  pieces-build keeps no download cache yet; when it does, prune empties it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"
#include "disk_usage.h"
#include "error.h"
#include "log.h"
#include "remove_tree.h"
#include "store.h"

/* 1 when removed, 0 when in use, -1 on failure. */
static int
prune_temporary(int storefd, const char *name, uint64_t *bytes)
{
  _cleanup_close_ int fd =
      openat(storefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  uint64_t size = 0;

  if (fd < 0)
    return errno == ENOENT ? 0 : fail_errno("open '%s'", name);
  if (flock(fd, LOCK_EX | LOCK_NB) < 0)
    return errno == EWOULDBLOCK ? 0 : fail_errno("lock '%s'", name);
  if (disk_usage(fd, &size) < 0 || remove_tree_at(storefd, name) < 0)
    return fail_context("remove '%s'", name);
  *bytes += size;
  return 1;
}

static int
prune_bundles(int storefd, unsigned *removed, uint64_t *bytes)
{
  int dup_fd = fcntl(storefd, F_DUPFD_CLOEXEC, 0);
  _cleanup_closedir_ DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  struct dirent *d;

  if (dir == NULL) {
    if (dup_fd >= 0)
      close(dup_fd);
    return fail_errno("read the store");
  }
  while ((d = readdir(dir)) != NULL) {
    int r;

    if (!store_is_temporary_name(d->d_name))
      continue;
    r = prune_temporary(storefd, d->d_name, bytes);
    if (r < 0)
      return -1;
    *removed += r;
  }
  return 0;
}

int
cmd_prune(int argc, char **argv)
{
  _cleanup_close_ int storefd = -1;
  _cleanup_free_ char *store = NULL;
  unsigned removed = 0;
  uint64_t bytes = 0;
  char size[32];

  if (argc > 1) {
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
      usage(stdout);
      return 0;
    }
    log_error("prune: takes no arguments");
    return 2;
  }
  if (store_open_bundles(&storefd, &store) < 0 ||
      (storefd >= 0 && prune_bundles(storefd, &removed, &bytes) < 0)) {
    log_error("prune: %s", error_message());
    return 1;
  }
  disk_usage_format(bytes, size, sizeof size);
  if (removed)
    printf("removed %u leftover director%s of interrupted builds from '%s' (%s)\n", removed,
           removed == 1 ? "y" : "ies", store, size);
  else
    printf("no leftovers of interrupted builds in '%s'\n", store);
  printf("no download cache to prune: pieces-build does not keep downloads yet\n");
  return fflush(stdout) == 0 ? 0 : 1;
}
