/* Running hooks; see hooks.h. */
#include "hooks.h"
#include "cleanup.h"
#include "error.h"
#include "log.h"

#include <errno.h>
#include <linux/sched.h>
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The child: stdin from the pipe, the default signal mask (the runtime may block all
   signals), and exactly the hook's environment. */
__attribute__((noreturn)) static void
exec_hook(const struct hook *h, int stdin_fd)
{
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (dup2(stdin_fd, STDIN_FILENO) < 0)
    _exit(127);
  char *default_args[] = {h->path, NULL};
  char *no_env[] = {NULL};
  execve(h->path, h->args ? h->args : default_args, h->env ? h->env : no_env);
  _exit(127);
}

/* Feed STATE to the hook while waiting for it to exit, within DEADLINE (0: none). */
static int
feed_and_wait(int pidfd, int pipe_fd, const char *state, long long deadline, int *status)
{
  size_t len = strlen(state), done = 0;
  for (;;) {
    struct pollfd fds[2] = {{pidfd, POLLIN, 0}, {pipe_fd, POLLOUT, 0}};
    long long left = deadline ? deadline - now_ms() : -1;
    if (deadline && left <= 0)
      return 1;
    int n = poll(fds, pipe_fd >= 0 ? 2 : 1, (int)left);
    if (n < 0 && errno != EINTR)
      return fail_errno("wait for the hook");
    if (fds[0].revents) {
      siginfo_t info = {0};
      if (waitid(P_PIDFD, pidfd, &info, WEXITED) < 0)
        return fail_errno("wait for the hook");
      *status = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
      return 0;
    }
    if (pipe_fd >= 0 && fds[1].revents) {
      ssize_t w = write(pipe_fd, state + done, len - done);
      /* EPIPE: the hook does not read its stdin, which it is free to do. */
      if (w < 0 && errno != EAGAIN && errno != EINTR)
        done = len;
      else if (w > 0)
        done += w;
      if (done == len) {
        close(pipe_fd);
        pipe_fd = -1;
      }
    }
  }
}

static int
run_one(const struct hook *h, const char *name, size_t index, const char *state)
{
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return fail_errno("hooks.%s[%zu]: pipe", name, index);
  _cleanup_close_ int read_end = pipefd[0];
  int write_end = pipefd[1];
  int pidfd = -1;
  struct clone_args args = {
      .flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&pidfd, .exit_signal = SIGCHLD};
  pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0)
    exec_hook(h, read_end);
  if (pid < 0) {
    close(write_end);
    return fail_errno("hooks.%s[%zu]: start '%s'", name, index, h->path);
  }
  _cleanup_close_ int pidfd_owned = pidfd;
  fcntl(write_end, F_SETFL, O_NONBLOCK);
  /* A hook that exits without reading must not kill us with SIGPIPE. */
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigprocmask(SIG_BLOCK, &pipe_set, &old);
  long long deadline = h->timeout > 0 ? now_ms() + h->timeout * 1000LL : 0;
  int status = 0;
  int r = feed_and_wait(pidfd, write_end, state, deadline, &status);
  if (fcntl(write_end, F_GETFD) >= 0)
    close(write_end);
  struct timespec zero = {0, 0};
  while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
    ;
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (r == 1) {
    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
    waitid(P_PIDFD, pidfd, &(siginfo_t){0}, WEXITED);
    return fail("hooks.%s[%zu]: '%s' timed out after %d s", name, index, h->path, h->timeout);
  }
  if (r < 0)
    return -1;
  if (status == 127)
    return fail("hooks.%s[%zu]: could not execute '%s'", name, index, h->path);
  if (status != 0)
    return fail("hooks.%s[%zu]: '%s' exited with status %d", name, index, h->path, status);
  return 0;
}

int
hooks_run(const struct hook_list *list, const char *name, const char *state_json)
{
  for (size_t i = 0; i < list->count; i++) {
    log_debug("running hook %s[%zu] '%s'", name, i, list->hooks[i].path);
    if (run_one(&list->hooks[i], name, i, state_json) < 0)
      return -1;
  }
  return 0;
}

void
hooks_run_warn(const struct hook_list *list, const char *name, const char *state_json)
{
  for (size_t i = 0; i < list->count; i++)
    if (run_one(&list->hooks[i], name, i, state_json) < 0)
      log_warning("%s", error_message());
}
