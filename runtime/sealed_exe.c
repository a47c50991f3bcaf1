/* Running from a read-only view of our own binary; see sealed_exe.h. */
#include "sealed_exe.h"
#include "cleanup.h"
#include "error.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

extern char **environ;

int
sealed_exe_ensure(char **argv)
{
  /* Already read-only (re-executed, or installed on a read-only filesystem): the
     container cannot write the binary through /proc/PID/exe. */
  struct statvfs vfs;
  if (statvfs("/proc/self/exe", &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
    return 0;
  _cleanup_close_ int mnt =
      open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (mnt < 0)
    return fail_errno("make a read-only view of the runtime binary");
  struct mount_attr attr = {.attr_set =
                                MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID};
  if (mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return fail_errno("make a read-only view of the runtime binary");
  execveat(mnt, "", argv, environ, AT_EMPTY_PATH);
  return fail_errno("re-execute the runtime from its read-only view");
}
