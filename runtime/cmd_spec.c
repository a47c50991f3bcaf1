/* `spec`: write a default config.json into a bundle directory, as `runc spec` does.  An
 * existing config.json is never replaced: the new file appears whole or not at all.
 */
#include "cleanup.h"
#include "commands.h"
#include "default_spec.h"
#include "error.h"
#include "options.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char spec_usage[] =
    "usage: pieces-run spec [--bundle DIR] [--rootless]\n"
    "\n"
    "Write DIR/config.json for a container that runs 'sh' on a terminal in\n"
    "DIR/rootfs, mounted read-only, with new pid, network, ipc, uts, mount and\n"
    "cgroup namespaces, the standard mounts, masked and read-only paths, and the\n"
    "capabilities AUDIT_WRITE, KILL and NET_BIND_SERVICE.  An existing config.json\n"
    "is never overwritten.\n"
    "\n"
    "  -b, --bundle DIR   the bundle directory (default: the current directory)\n"
    "      --rootless     a config for a user without privileges: a user namespace\n"
    "                     mapping root to the caller, no network namespace, /sys\n"
    "                     bound from the host, no cgroup rules\n";

/* Link the finished TEMP to config.json in DIRFD unless config.json exists by then. */
static int
publish_config(int dirfd, const char *temp, const char *bundle)
{
  if (renameat2(dirfd, temp, dirfd, "config.json", RENAME_NOREPLACE) == 0)
    return 0;
  /* Some filesystems do not know RENAME_NOREPLACE; link() never replaces either. */
  if (errno == EINVAL || errno == ENOSYS) {
    if (linkat(dirfd, temp, dirfd, "config.json", 0) == 0) {
      unlinkat(dirfd, temp, 0);
      return 0;
    }
  }
  if (errno == EEXIST)
    return fail("spec: '%s/config.json' appeared while it was being written; remove it "
                "first",
                bundle);
  return fail_errno("spec: write '%s/config.json'", bundle);
}

static int
write_all(int fd, const char *text)
{
  size_t length = strlen(text);
  for (size_t done = 0; done < length;) {
    ssize_t n = write(fd, text + done, length - done);
    if (n < 0 && errno != EINTR)
      return -1;
    done += n > 0 ? (size_t)n : 0;
  }
  return 0;
}

static int
write_config(int dirfd, const char *bundle, const char *text)
{
  char temp[64];
  snprintf(temp, sizeof temp, ".config.json.%d", (int)getpid());
  /* Mode 0666 less the umask, as for any file a user asks a tool to create. */
  _cleanup_close_ int fd =
      openat(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0)
    return fail_errno("spec: create '%s/%s'", bundle, temp);
  int r = write_all(fd, text) < 0 || fsync(fd) < 0
              ? fail_errno("spec: write '%s/%s'", bundle, temp)
              : publish_config(dirfd, temp, bundle);
  if (r < 0)
    unlinkat(dirfd, temp, 0);
  return r;
}

static int
make_spec(const char *bundle, bool rootless)
{
  _cleanup_close_ int dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return fail_errno("spec: open the bundle directory '%s'", bundle);
  struct stat st;
  if (fstatat(dirfd, "config.json", &st, AT_SYMLINK_NOFOLLOW) == 0)
    return fail("spec: '%s/config.json' exists already; remove it first or choose "
                "another directory with --bundle",
                bundle);
  json_t *spec = default_spec_new();
  if (spec == NULL ||
      (rootless && default_spec_make_rootless(spec, geteuid(), getegid()) < 0)) {
    json_decref(spec);
    return -1;
  }
  _cleanup_free_ char *text = json_dumps(spec, JSON_INDENT(2));
  json_decref(spec);
  if (text == NULL)
    return fail("spec: make config.json: out of memory");
  /* End with a newline, as text files do. */
  _cleanup_free_ char *file = NULL;
  if (asprintf(&file, "%s\n", text) < 0)
    return fail("spec: make config.json: out of memory");
  return write_config(dirfd, bundle, file);
}

int
cmd_spec(const struct global_options *g, int argc, char **argv)
{
  const char *bundle = ".";
  int rootless = 0;
  const struct option_def options[] = {
      OPTION_VALUE("bundle", 'b', &bundle),
      OPTION_FLAG("rootless", 0, &rootless),
      OPTION_END,
  };
  const struct command_line cl = {"spec", spec_usage, options, 0, 0, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  if (make_spec(bundle, rootless > 0) < 0)
    return command_failed();
  return 0;
}
