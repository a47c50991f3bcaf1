#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "disk_usage.h"
#include "error.h"

struct inode {
  dev_t dev;
  ino_t ino;
  uint64_t bytes;
};

struct usage {
  uint64_t bytes;       /* files with one link, and directories */
  struct inode *linked; /* files with more than one: counted once at the end */
  size_t n_linked, cap_linked;
};

static int
remember_linked(struct usage *u, const struct stat *st)
{
  if (u->n_linked == u->cap_linked) {
    size_t cap = u->cap_linked ? 2 * u->cap_linked : 64;
    struct inode *grown = realloc(u->linked, cap * sizeof *grown);

    if (grown == NULL)
      return fail("out of memory");
    u->linked = grown;
    u->cap_linked = cap;
  }
  u->linked[u->n_linked++] = (struct inode){st->st_dev, st->st_ino, st->st_blocks * 512ULL};
  return 0;
}

static int
add(struct usage *u, const struct stat *st)
{
  if (!S_ISDIR(st->st_mode) && st->st_nlink > 1)
    return remember_linked(u, st);
  u->bytes += st->st_blocks * 512ULL;
  return 0;
}

static int
walk(struct usage *u, int fd)
{
  int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  _cleanup_closedir_ DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  struct dirent *entry;

  if (dir == NULL) {
    if (dup_fd >= 0)
      close(dup_fd);
    return fail_errno("read directory");
  }
  while ((errno = 0, entry = readdir(dir)) != NULL) {
    struct stat st;

    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
      continue;
    if (fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno == ENOENT) /* removed meanwhile, by a running container */
        continue;
      return fail_errno("stat '%s'", entry->d_name);
    }
    if (add(u, &st) < 0)
      return -1;
    if (S_ISDIR(st.st_mode)) {
      _cleanup_close_ int child =
          openat(fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      /* A directory of mode 0000 is unreadable to anyone but root: count what can be. */
      if (child >= 0 && walk(u, child) < 0)
        return -1;
    }
  }
  return errno ? fail_errno("read directory") : 0;
}

static int
compare_inodes(const void *a, const void *b)
{
  const struct inode *x = a, *y = b;

  if (x->dev != y->dev)
    return x->dev < y->dev ? -1 : 1;
  return x->ino < y->ino ? -1 : x->ino > y->ino;
}

int
disk_usage(int dirfd, uint64_t *bytes)
{
  struct usage u = {0};
  struct stat st;
  int r = -1;

  if (fstat(dirfd, &st) == 0 && add(&u, &st) == 0 && walk(&u, dirfd) == 0) {
    qsort(u.linked, u.n_linked, sizeof *u.linked, compare_inodes);
    for (size_t i = 0; i < u.n_linked; i++)
      if (i == 0 || compare_inodes(&u.linked[i - 1], &u.linked[i]) != 0)
        u.bytes += u.linked[i].bytes;
    *bytes = u.bytes;
    r = 0;
  }
  free(u.linked);
  return r;
}

void
disk_usage_format(uint64_t bytes, char *text, size_t size)
{
  static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double value = bytes;
  size_t unit = 0;

  while (value >= 999.5 && unit + 1 < sizeof units / sizeof *units) {
    value /= 1000;
    unit++;
  }
  if (unit == 0)
    snprintf(text, size, "%lluB", (unsigned long long)bytes);
  else
    snprintf(text, size, "%.3g%s", value, units[unit]);
}
