#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "atomic_file.h"
#include "cleanup.h"
#include "error.h"

static int
write_all(int fd, const char *data, size_t size)
{
  while (size > 0) {
    ssize_t n = write(fd, data, size);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    data += n;
    size -= n;
  }
  return 0;
}

int
atomic_file_write(int dirfd, const char *name, const char *text, size_t len, mode_t mode)
{
  char temporary[256];
  _cleanup_close_ int fd = -1;

  snprintf(temporary, sizeof temporary, "%s.tmp", name);
  fd = openat(dirfd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0)
    return fail_errno("create %s", temporary);
  if (write_all(fd, text, len) < 0)
    return fail_errno("write %s", temporary);
  if (close(steal_fd(&fd)) < 0)
    return fail_errno("write %s", temporary);
  if (renameat(dirfd, temporary, dirfd, name) < 0)
    return fail_errno("rename %s to %s", temporary, name);
  return 0;
}
