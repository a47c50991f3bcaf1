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
#include "log.h"
#include "terminal.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int
exit_status_of(int status)
{
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

/* Copy what is readable on FROM to TO; returns false at end-of-file or error. */
static bool
copy_available(int from, int to)
{
  char buf[8192];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false; /* EIO from a pty master: every slave is closed */
  for (ssize_t done = 0; done < n;) {
    ssize_t w = write(to, buf + done, n - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return false;
    done += w;
  }
  return true;
}

static void
handle_signal(struct container *c, const struct signalfd_siginfo *info)
{
  if (info->ssi_signo == SIGCHLD)
    return;
  if (info->ssi_signo == SIGWINCH && c->terminal >= 0) {
    terminal_copy_size(STDIN_FILENO, c->terminal);
    return;
  }
  log_debug("forwarding signal %u to the container", info->ssi_signo);
  syscall(SYS_pidfd_send_signal, c->pidfd, info->ssi_signo, NULL, 0);
}

/* Forward signals, and relay the terminal if there is one, until the init exits;
   returns its exit status. */
static int
wait_for_container(struct container *c, const sigset_t *signals)
{
  _cleanup_close_ int sfd = signalfd(-1, signals, SFD_CLOEXEC);
  if (sfd < 0)
    return fail_errno("signalfd");
  bool stdin_open = c->terminal >= 0, master_open = c->terminal >= 0, exited = false;
  int status = 0;
  if (c->terminal >= 0) {
    terminal_copy_size(STDIN_FILENO, c->terminal);
    terminal_make_raw();
  }
  while (!exited || master_open) {
    if (!exited && waitpid(c->pid, &status, WNOHANG) == c->pid) {
      exited = true;
      c->pid = -1;
      continue;
    }
    struct pollfd fds[] = {{sfd, POLLIN, 0},
                           {stdin_open ? STDIN_FILENO : -1, POLLIN, 0},
                           {master_open ? c->terminal : -1, POLLIN, 0}};
    /* Once the init is gone, drain what the pty still holds without waiting. */
    int n = poll(fds, 3, exited ? 0 : -1);
    if (n < 0 && errno != EINTR)
      break;
    if (n == 0)
      break;
    struct signalfd_siginfo info;
    if ((fds[0].revents & POLLIN) && read(sfd, &info, sizeof info) == sizeof info)
      handle_signal(c, &info);
    if (fds[1].revents && !copy_available(STDIN_FILENO, c->terminal))
      stdin_open = false;
    if (fds[2].revents && !copy_available(c->terminal, STDOUT_FILENO))
      master_open = false;
  }
  terminal_restore();
  return exit_status_of(status);
}

static int
run_foreground(struct spec *spec, const char *id)
{
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  struct container c = {.id = id, .spec = spec, .sync_fd = -1};
  int exit_code = 1;
  if (container_create(&c, &old) < 0)
    goto error;
  if (container_start(&c, &exit_code) < 0)
    goto error;
  int status = wait_for_container(&c, &all);
  container_destroy(&c);
  if (status < 0)
    goto error;
  return status;
error:
  container_destroy(&c);
  log_error("%s", error_message());
  return exit_code;
}

static int
load_bundle(const char *arg, struct spec **spec)
{
  char bundle[PATH_MAX];
  if (bundle_resolve(arg, bundle, sizeof bundle) < 0 || spec_load(bundle, spec) < 0) {
    log_error("%s", error_message());
    return -1;
  }
  return 0;
}

int
cmd_run_bundle(const struct global_options *g, int argc, char **argv)
{
  struct spec *spec;
  if (load_bundle(argv[0], &spec) < 0)
    return 1;
  if (argc > 1 && spec_override_args(spec, argv + 1, argc - 1) < 0) {
    log_error("%s", error_message());
    spec_free(spec);
    return 1;
  }
  char id[64];
  snprintf(id, sizeof id, "run-%d", (int)getpid());
  int status = run_foreground(spec, id);
  spec_free(spec);
  return status;
}

int
cmd_run(const struct global_options *g, int argc, char **argv)
{
  const char *bundle = ".", *id = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--bundle") == 0 || strcmp(argv[i], "-b") == 0) {
      if (++i == argc) {
        log_error("run: --bundle needs a directory");
        return 1;
      }
      bundle = argv[i];
    } else if (strncmp(argv[i], "--bundle=", 9) == 0) {
      bundle = argv[i] + 9;
    } else if (argv[i][0] == '-') {
      log_error("run: unknown option '%s'", argv[i]);
      return 1;
    } else {
      id = argv[i];
    }
  }
  if (id == NULL) {
    log_error("run: a container ID is required");
    return 1;
  }
  struct spec *spec;
  if (load_bundle(bundle, &spec) < 0)
    return 1;
  int status = run_foreground(spec, id);
  spec_free(spec);
  return status;
}
