/* `run`: a container in the foreground, like `runc run`: stdio passes through,
 * signals to the runtime are forwarded, and the exit status is the container's
 * (128+N when signal N killed it).
 */
#include "bundle.h"
#include "cleanup.h"
#include "commands.h"
#include "config.h"
#include "container.h"
#include "error.h"
#include "foreground.h"
#include "hooks.h"
#include "lifecycle.h"
#include "log.h"
#include "options.h"
#include "terminal.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Start the created container C and wait for it; returns its exit status. */
static int
start_and_wait(struct container *c, const sigset_t *signals, int *exit_code)
{
  if (container_start(c, exit_code) < 0)
    return -1;
  _cleanup_free_ char *state = container_state_json(c, "running");
  if (state)
    hooks_run_warn(&c->spec->hooks_poststart, "poststart", state);
  return foreground_wait(c, signals);
}

/* The short form: no state directory, nothing to address it by; the container lives
   exactly as long as this process. */
static int
run_bundle_foreground(struct spec *spec, const char *id)
{
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  struct container c = {.id = id, .spec = spec, .sync_fd = -1, .options.exec_fifo = -1};
  int exit_code = 1;
  int status = container_create(&c, &old) < 0 ? -1 : start_and_wait(&c, &all, &exit_code);
  if (status < 0 && c.pid < 0)
    exit_code = c.failure_status;
  if (status >= 0) {
    _cleanup_free_ char *state = container_state_json(&c, "stopped");
    if (state)
      hooks_run_warn(&spec->hooks_poststop, "poststop", state);
  }
  container_destroy(&c);
  if (status < 0) {
    log_error("%s", error_message());
    return exit_code;
  }
  return status;
}

int
cmd_run_bundle(const struct global_options *g, int argc, char **argv)
{
  struct spec *spec;
  char bundle[PATH_MAX];
  if (bundle_resolve(argv[0], bundle, sizeof bundle) < 0 || spec_load(bundle, &spec) < 0)
    return command_failed();
  if (argc > 1 && spec_override_args(spec, argv + 1, argc - 1) < 0) {
    spec_free(spec);
    return command_failed();
  }
  char id[64];
  snprintf(id, sizeof id, "run-%d", (int)getpid());
  int status = run_bundle_foreground(spec, id);
  spec_free(spec);
  return status;
}

static const char usage[] =
    "usage: pieces-run run [OPTIONS] ID\n\n"
    "Create and start a container, and wait for it in the foreground.\n\n"
    "  -b, --bundle DIR         the bundle (default: the current directory)\n"
    "  -d, --detach             return once the container runs\n"
    "      --keep               keep the container's state after it exits\n"
    "      --pid-file FILE      write the container's pid to FILE\n"
    "      --console-socket S   send the terminal's master fd to the unix socket S\n"
    "      --no-pivot           do not use pivot_root (for a root on a ramfs)\n"
    "      --no-new-keyring     keep the caller's session keyring\n"
    "      --preserve-fds N     pass fds 3 to 3+N-1 to the process\n";

/* run -d: create, start, and leave the init to our caller's subreaper. */
static int
run_detached(const struct global_options *g, struct create_request *req)
{
  sigset_t mask;
  sigprocmask(SIG_SETMASK, NULL, &mask);
  struct container c = {.failure_status = 1};
  _cleanup_close_ int rootfd = -1, statefd = -1;
  if (lifecycle_create(g, req, &mask, &c, &rootfd, &statefd) < 0) {
    command_failed();
    return c.failure_status;
  }
  struct container_state st;
  int r = state_read(statefd, &st);
  if (r == 0) {
    r = lifecycle_start(statefd, &st);
    state_free(&st);
  }
  container_release(&c);
  spec_free(c.spec);
  if (r < 0) {
    log_error("%s", error_message());
    close(steal_fd(&statefd));
    lifecycle_delete(rootfd, req->id, true);
    return 1;
  }
  return 0;
}

static int
run_attached(const struct global_options *g, struct create_request *req, bool keep)
{
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  struct container c = {.failure_status = 1};
  _cleanup_close_ int rootfd = -1, statefd = -1;
  req->foreground = true;
  if (lifecycle_create(g, req, &old, &c, &rootfd, &statefd) < 0) {
    command_failed();
    return c.failure_status;
  }
  /* Unlocked from here: `state`, `kill` and `ps` work while the container runs. */
  close(steal_fd(&statefd));
  int exit_code = 1;
  int status = start_and_wait(&c, &all, &exit_code);
  if (status < 0)
    log_error("%s", error_message());
  if (keep && status >= 0) {
    container_release(&c);
  } else {
    container_destroy(&c);
    if (lifecycle_delete(rootfd, req->id, true) < 0)
      log_warning("%s", error_message());
  }
  spec_free(c.spec);
  return status < 0 ? exit_code : status;
}

int
cmd_run(const struct global_options *g, int argc, char **argv)
{
  struct create_request req = {.bundle = "."};
  const char *preserve = NULL;
  int detach = 0, keep = 0;
  const struct option_def options[] = {
      OPTION_VALUE("bundle", 'b', &req.bundle),
      OPTION_FLAG("detach", 'd', &detach),
      OPTION_FLAG("keep", 0, &keep),
      OPTION_VALUE("pid-file", 0, &req.pid_file),
      OPTION_VALUE("console-socket", 0, &req.console_socket),
      OPTION_FLAG("no-pivot", 0, &req.options.no_pivot),
      OPTION_FLAG("no-new-keyring", 0, &req.options.no_new_keyring),
      OPTION_VALUE("preserve-fds", 0, &preserve),
      OPTION_END};
  const struct command_line cl = {"run", usage, options, 1, 1, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  req.id = positional[0];
  if (options_parse_fd_count("run", preserve, &req.options.preserve_fds) < 0)
    return command_failed();
  return detach ? run_detached(g, &req) : run_attached(g, &req, keep);
}
