#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "runtime.h"
#include "signals.h"

extern char **environ;

static bool
is_executable(const char *path)
{
  struct stat st;

  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The first PATH entry holding an executable name, like execvp. */
static char *
search_path(const char *name)
{
  const char *path = getenv("PATH");
  const char *p;

  if (path == NULL || path[0] == '\0')
    path = "/usr/local/bin:/usr/bin:/bin";
  for (p = path; *p;) {
    size_t len = strcspn(p, ":");
    char *candidate;

    if (asprintf(&candidate, "%.*s/%s", (int)(len ? len : 1), len ? p : ".", name) < 0)
      return NULL;
    if (is_executable(candidate))
      return candidate;
    free(candidate);
    p += len;
    if (*p == ':')
      p++;
  }
  return NULL;
}

/* pieces-run in the directory of this very binary: the one built or installed with it. */
static char *
sibling_pieces_run(void)
{
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  char *slash, *candidate;

  if (n < 0)
    return NULL;
  self[n] = '\0';
  slash = strrchr(self, '/');
  if (slash == NULL)
    return NULL;
  *slash = '\0';
  if (asprintf(&candidate, "%s/pieces-run", self) < 0)
    return NULL;
  if (is_executable(candidate))
    return candidate;
  free(candidate);
  return NULL;
}

static const char *
base_name(const char *path)
{
  const char *slash = strrchr(path, '/');

  return slash ? slash + 1 : path;
}

int
runtime_find(const char *requested, struct runtime *runtime)
{
  memset(runtime, 0, sizeof *runtime);
  if (requested == NULL) {
    runtime->path = sibling_pieces_run();
    if (runtime->path == NULL)
      runtime->path = search_path("pieces-run");
    if (runtime->path == NULL)
      return fail("RUN needs an OCI runtime: found no pieces-run next to pieces-build or in "
                  "PATH; install it, or name one with --runtime PATH");
  } else if (strchr(requested, '/')) {
    if (!is_executable(requested))
      return fail("--runtime '%s': not an executable file", requested);
    runtime->path = strdup(requested);
  } else {
    runtime->path = search_path(requested);
    if (runtime->path == NULL)
      return fail("--runtime '%s': not found in PATH", requested);
  }
  if (runtime->path == NULL)
    return fail("out of memory");
  runtime->pieces_run = strcmp(base_name(runtime->path), "pieces-run") == 0;
  return 0;
}

void
runtime_release(struct runtime *runtime)
{
  free(runtime->path);
  runtime->path = NULL;
}

static int
spawn(const struct runtime *runtime, const char *bundle_path, const char *id, pid_t *pid)
{
  char *pieces_argv[] = {runtime->path, (char *)bundle_path, NULL};
  char *runc_argv[] = {runtime->path, "run", "--bundle", (char *)bundle_path, (char *)id, NULL};
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  sigset_t none, defaults;
  int r;

  sigemptyset(&none);
  sigemptyset(&defaults);
  /* pieces-build ignores SIGPIPE; the steps must not inherit that. */
  sigaddset(&defaults, SIGPIPE);
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  r = posix_spawn(pid, runtime->path, &actions, &attributes,
                  runtime->pieces_run ? pieces_argv : runc_argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (r != 0)
    return fail_with(r, "RUN: start the runtime '%s'", runtime->path);
  return 0;
}

/* Wait for pid with SIGINT and SIGTERM blocked except inside ppoll, so a signal cannot
 * slip in between checking for one and starting to wait. */
static int
wait_forwarding(pid_t pid, const sigset_t *unblocked, int *status)
{
  _cleanup_close_ int pidfd = syscall(SYS_pidfd_open, pid, 0);
  bool forwarded = false;

  if (pidfd < 0)
    return fail_errno("RUN: watch the runtime");
  for (;;) {
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
    int signo = signals_received();
    int r;

    if (signo && !forwarded) {
      kill(pid, signo);
      forwarded = true;
    }
    r = ppoll(&pfd, 1, NULL, unblocked);
    if (r > 0)
      break;
    if (r < 0 && errno != EINTR)
      return fail_errno("RUN: wait for the runtime");
  }
  while (waitpid(pid, status, 0) < 0)
    if (errno != EINTR)
      return fail_errno("RUN: wait for the runtime");
  return 0;
}

int
runtime_run(const struct runtime *runtime, const char *bundle_path, const char *id, int *status)
{
  sigset_t blocked, previous;
  pid_t pid;
  int r;

  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &blocked, &previous) < 0)
    return fail_errno("sigprocmask");
  r = spawn(runtime, bundle_path, id, &pid);
  if (r == 0 && wait_forwarding(pid, &previous, status) < 0) {
    /* Never leave the runtime behind: it holds the root filesystem being built. */
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    r = -1;
  }
  sigprocmask(SIG_SETMASK, &previous, NULL);
  return r;
}
