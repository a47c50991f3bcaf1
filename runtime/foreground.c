/* Waiting for a container process in the foreground (run, exec): signals to the
 * runtime are forwarded to it, its terminal is relayed, its exit status is returned
 * (128+N when signal N killed it).
 */
#include "foreground.h"
#include "cleanup.h"
#include "error.h"
#include "log.h"
#include "terminal.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
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
int
foreground_wait(struct container *c, const sigset_t *signals)
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
