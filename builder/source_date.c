#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "signals.h"
#include "source_date.h"

/* 9999-12-31T23:59:59Z: a later date cannot be written in four digits. */
#define EPOCH_MAX 253402300799LL

int
source_date_from_env(struct source_date *date)
{
  const char *text = getenv("SOURCE_DATE_EPOCH");
  char *end;
  long long value;

  date->set = false;
  date->time = time(NULL);
  if (text == NULL || text[0] == '\0')
    return 0;
  errno = 0;
  value = strtoll(text, &end, 10);
  if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || value > EPOCH_MAX)
    return fail("SOURCE_DATE_EPOCH='%s': expected a number of seconds since 1970-01-01, at "
                "most %lld",
                text, EPOCH_MAX);
  date->set = true;
  date->time = value;
  return 0;
}

struct timespec
source_date_clamp(const struct source_date *date, struct timespec mtime)
{
  if (date->set && mtime.tv_nsec != UTIME_OMIT && mtime.tv_sec >= date->time)
    return (struct timespec){.tv_sec = date->time, .tv_nsec = 0};
  return mtime;
}

static int
clamp_entry(int dirfd, const char *name, const struct stat *st, const struct source_date *date)
{
  struct timespec times[2] = {st->st_atim, st->st_mtim};

  if (st->st_atim.tv_sec < date->time && st->st_mtim.tv_sec < date->time)
    return 0;
  times[0] = source_date_clamp(date, times[0]);
  times[1] = source_date_clamp(date, times[1]);
  if (utimensat(dirfd, name, times, AT_SYMLINK_NOFOLLOW) < 0)
    return fail_errno("set the times of '%s'", name);
  return 0;
}

/* One fd per level of depth, as in remove_tree.c; main() raised the fd limit. */
static int
clamp_directory(int fd, const struct source_date *date)
{
  int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  _cleanup_closedir_ DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  struct dirent *entry;

  if (dir == NULL) {
    if (dup_fd >= 0)
      close(dup_fd);
    return fail_errno("read a directory of the root filesystem");
  }
  while ((errno = 0, entry = readdir(dir)) != NULL) {
    struct stat st;

    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
      continue;
    if (fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
      return fail_errno("stat '%s'", entry->d_name);
    if (S_ISDIR(st.st_mode)) {
      _cleanup_close_ int child =
          openat(fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      if (child < 0)
        return fail_errno("open directory '%s'", entry->d_name);
      if (clamp_directory(child, date) < 0)
        return fail_context("'%s'", entry->d_name);
      /* Again: reading the directory may have changed its access time. */
      if (fstat(child, &st) < 0)
        return fail_errno("stat '%s'", entry->d_name);
    }
    if (clamp_entry(fd, entry->d_name, &st, date) < 0)
      return -1;
    if (signals_received())
      return fail("interrupted");
  }
  if (errno != 0)
    return fail_errno("read a directory of the root filesystem");
  return 0;
}

int
source_date_clamp_tree(int rootfd, const struct source_date *date)
{
  struct stat st;

  if (!date->set)
    return 0;
  if (clamp_directory(rootfd, date) < 0)
    return fail_context("SOURCE_DATE_EPOCH: clamp the times of the root filesystem");
  if (fstat(rootfd, &st) < 0)
    return fail_errno("stat the root filesystem");
  return clamp_entry(rootfd, ".", &st, date);
}
