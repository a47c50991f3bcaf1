#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "resolve.h"

int
resolve_open(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
  struct open_how how = {.flags = flags | O_CLOEXEC, .resolve = resolve};
  int fd = -1;

  for (int tries = 0; tries < 8; tries++) {
    fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (fd >= 0 || errno != EAGAIN)
      break;
  }
  return fd;
}
