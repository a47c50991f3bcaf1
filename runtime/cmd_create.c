/* `create`: make a container that waits before its user process, for `start`.
 *
 * When this returns, the container's init is a child of our caller's subreaper
 * (conmon, buildah, the containerd shim) and blocks on ROOT/ID/exec.fifo.
 */
#include "cleanup.h"
#include "commands.h"
#include "lifecycle.h"
#include "options.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static const char usage[] =
    "usage: pieces-run create [OPTIONS] ID\n\n"
    "Create a container from a bundle; it waits for `pieces-run start ID`.\n\n"
    "  -b, --bundle DIR         the bundle (default: the current directory)\n"
    "      --pid-file FILE      write the container's pid to FILE\n"
    "      --console-socket S   send the terminal's master fd to the unix socket S\n"
    "      --no-pivot           do not use pivot_root (for a root on a ramfs)\n"
    "      --no-new-keyring     keep the caller's session keyring\n"
    "      --preserve-fds N     pass fds 3 to 3+N-1 to the process\n";

int
cmd_create(const struct global_options *g, int argc, char **argv)
{
  struct create_request req = {.bundle = "."};
  const char *preserve = NULL;
  const struct option_def options[] = {
      OPTION_VALUE("bundle", 'b', &req.bundle),
      OPTION_VALUE("pid-file", 0, &req.pid_file),
      OPTION_VALUE("console-socket", 0, &req.console_socket),
      OPTION_FLAG("no-pivot", 0, &req.options.no_pivot),
      OPTION_FLAG("no-new-keyring", 0, &req.options.no_new_keyring),
      OPTION_VALUE("preserve-fds", 0, &preserve),
      OPTION_END};
  const struct command_line cl = {"create", usage, options, 1, 1, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  req.id = positional[0];
  if (options_parse_fd_count("create", preserve, &req.options.preserve_fds) < 0)
    return command_failed();
  sigset_t mask;
  sigprocmask(SIG_SETMASK, NULL, &mask);
  struct container c = {.failure_status = 1};
  _cleanup_close_ int rootfd = -1, statefd = -1;
  if (lifecycle_create(g, &req, &mask, &c, &rootfd, &statefd) < 0) {
    command_failed();
    return c.failure_status;
  }
  /* Leave the init running: it is not ours to wait for. */
  container_release(&c);
  spec_free(c.spec);
  return 0;
}
