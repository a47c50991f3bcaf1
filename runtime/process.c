/* The user's process; see process.h.
 *
 * Order matters: rlimits and groups need privileges we drop later; the bounding set
 * must be cut while we still have CAP_SETPCAP; no_new_privs comes last before exec,
 * then the seccomp filter (or, when the kernel would not let the container's user
 * load it, before the user changes: see seccomp.c).
 */
#include "process.h"
#include "cleanup.h"
#include "error.h"
#include "inroot.h"
#include "seccomp.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* The working directory is opened inside the root, so a leaked or hostile path cannot
   leave the container (CVE-2024-21626); getcwd() double-checks it is reachable. */
static int
enter_cwd(struct init_context *ctx)
{
  const char *cwd = ctx->spec->process.cwd ? ctx->spec->process.cwd : "/";
  _cleanup_close_ int fd = inroot_open(ctx->rootfd, cwd, O_PATH | O_DIRECTORY, 0);
  if (fd < 0 && errno == ENOENT) {
    /* runc and crun create a missing cwd; do the same, inside the root. */
    fd = inroot_make(ctx->rootfd, cwd, true);
    if (fd < 0)
      return fail_context("process.cwd");
  }
  if (fd < 0 || fchdir(fd) < 0)
    return fail_errno("process.cwd: enter '%s'", cwd);
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == NULL || buf[0] != '/')
    return fail("process.cwd: '%s' is outside the container", cwd);
  return 0;
}

static int
apply_rlimits(const struct process_spec *p)
{
  for (size_t i = 0; i < p->n_rlimits; i++) {
    struct rlimit lim = {p->rlimits[i].soft, p->rlimits[i].hard};
    if (setrlimit(p->rlimits[i].resource, &lim) < 0)
      return fail_errno("process.rlimits[%zu]: set soft %llu hard %llu", i,
                        (unsigned long long)lim.rlim_cur, (unsigned long long)lim.rlim_max);
  }
  return 0;
}

static int
drop_bounding_set(const struct process_spec *p)
{
  for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits(); cap++)
    if (!(p->cap_bounding & (1ULL << cap)) && cap_drop_bound(cap) < 0)
      return fail_errno("process.capabilities.bounding: drop %s", cap_to_name(cap));
  return 0;
}

static void
set_flag_from_mask(cap_t caps, cap_flag_t flag, cap_mask_t mask)
{
  for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits(); cap++)
    if (mask & (1ULL << cap))
      cap_set_flag(caps, flag, 1, &cap, CAP_SET);
}

static int
set_capabilities(const struct process_spec *p)
{
  cap_t caps = cap_init();
  if (caps == NULL)
    return fail_errno("allocate capabilities");
  set_flag_from_mask(caps, CAP_EFFECTIVE, p->cap_effective);
  set_flag_from_mask(caps, CAP_PERMITTED, p->cap_permitted);
  set_flag_from_mask(caps, CAP_INHERITABLE, p->cap_inheritable);
  int r = cap_set_proc(caps);
  cap_free(caps);
  if (r < 0)
    return fail_errno("process.capabilities: set effective, permitted and inheritable");
  if (cap_reset_ambient() < 0)
    return fail_errno("process.capabilities.ambient: reset");
  /* The kernel lets a capability be ambient only if it is also permitted and
     inheritable; container_create() has warned about the others. */
  cap_mask_t allowed = p->cap_permitted & p->cap_inheritable;
  for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits(); cap++)
    if ((p->cap_ambient & allowed & (1ULL << cap)) && cap_set_ambient(cap, CAP_SET) < 0)
      return fail_errno("process.capabilities.ambient: raise %s", cap_to_name(cap));
  return 0;
}

/* Change to the configured user, keeping the capabilities the config grants. */
static int
change_user(const struct process_spec *p)
{
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return fail_errno("keep capabilities across setuid");
  if (setgroups(p->n_additional_gids, p->additional_gids) < 0)
    return fail_errno("process.user.additionalGids");
  if (setresgid(p->gid, p->gid, p->gid) < 0)
    return fail_errno("process.user.gid: set %u", (unsigned)p->gid);
  if (setresuid(p->uid, p->uid, p->uid) < 0)
    return fail_errno("process.user.uid: set %u", (unsigned)p->uid);
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return fail_errno("reset keep-capabilities");
  return 0;
}

static const char *
env_value(char **env, const char *name)
{
  size_t len = strlen(name);
  for (; env && *env; env++)
    if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
      return *env + len + 1;
  return NULL;
}

/* execvpe() would search our own PATH; the container's env decides here. */
static int
exec_program(char **args, char **env, int *exit_code)
{
  const char *name = args[0];
  if (strchr(name, '/')) {
    execve(name, args, env);
    *exit_code = errno == ENOENT ? 127 : 126;
    return fail_errno("exec '%s'", name);
  }
  const char *path = env_value(env, "PATH");
  if (path == NULL)
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  int first_error = ENOENT;
  for (const char *dir = path; *dir;) {
    size_t len = strcspn(dir, ":");
    char full[PATH_MAX];
    if (snprintf(full, sizeof full, "%.*s/%s", (int)len, len ? dir : ".", name) <
        (int)sizeof full) {
      execve(full, args, env);
      if (errno != ENOENT && errno != ENOTDIR && first_error == ENOENT)
        first_error = errno;
    }
    dir += len + (dir[len] == ':');
  }
  *exit_code = first_error == ENOENT ? 127 : 126;
  if (first_error == ENOENT)
    return fail("exec '%s': executable file not found in $PATH", name);
  return fail_with(first_error, "exec '%s'", name);
}

int
process_find_executable(struct init_context *ctx, int *exit_code)
{
  char **env = ctx->spec->process.env;
  const char *name = ctx->spec->process.args[0];
  const char *path = env_value(env, "PATH");
  if (strchr(name, '/')) {
    /* A relative path depends on process.cwd: the exec itself will tell. */
    struct stat st;
    bool missing = name[0] == '/' && stat(name, &st) < 0 && errno == ENOENT;
    bool denied = name[0] == '/' && !missing && stat(name, &st) == 0 &&
                  (S_ISDIR(st.st_mode) || !(st.st_mode & 0111));
    if (!missing && !denied)
      return 0;
    /* Engines map these words to 127 and 126, as runc words them. */
    *exit_code = missing ? 127 : 126;
    return fail("exec '%s': %s", name,
                missing ? "no such file or directory" : "permission denied");
  }
  if (path == NULL)
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const char *dir = path; *dir;) {
    size_t len = strcspn(dir, ":");
    char full[PATH_MAX];
    struct stat st;
    /* Relative PATH entries depend on process.cwd: leave them to the exec. */
    if (dir[0] == '/' &&
        snprintf(full, sizeof full, "%.*s/%s", (int)len, dir, name) < (int)sizeof full &&
        stat(full, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
      ctx->exec_path = strdup(full);
      return ctx->exec_path ? 0 : fail_errno("find '%s'", name);
    }
    if (dir[0] != '/' && len > 0)
      return 0;
    dir += len + (dir[len] == ':');
  }
  *exit_code = 127;
  return fail("exec '%s': executable file not found in $PATH", name);
}

/* Let the fds of --preserve-fds through exec; mark every other one close-on-exec. */
static int
limit_fds(const struct init_context *ctx)
{
  unsigned first_closed = 3 + (unsigned)ctx->options.preserve_fds;
  for (unsigned fd = 3; fd < first_closed; fd++)
    if (fcntl((int)fd, F_SETFD, 0) < 0)
      return fail_errno("--preserve-fds: fd %u", fd);
  if (close_range(first_closed, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return fail_errno("mark fds close-on-exec");
  return 0;
}

int
process_exec(struct init_context *ctx, int *exit_code)
{
  struct process_spec *p = &ctx->spec->process;
  *exit_code = 1;
  if (enter_cwd(ctx) < 0 || apply_rlimits(p) < 0 || drop_bounding_set(p) < 0 ||
      seccomp_filter_load(ctx->spec, SECCOMP_LOAD_BEFORE_USER) < 0 || change_user(p) < 0 ||
      set_capabilities(p) < 0)
    return -1;
  umask(p->has_umask ? p->umask : 022);
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return fail_errno("process.noNewPrivileges");
  /* Nothing of ours may reach the user's program: every fd above stderr (and the
     preserved ones) is closed at exec, the sync socket too, which tells the runtime
     that exec happened. */
  if (limit_fds(ctx) < 0)
    return -1;
  sigprocmask(SIG_SETMASK, &ctx->old_mask, NULL);
  if (seccomp_filter_load(ctx->spec, SECCOMP_LOAD_BEFORE_EXEC) < 0)
    return -1;
  if (ctx->exec_path) {
    execve(ctx->exec_path, p->args, p->env);
    *exit_code = errno == ENOENT ? 127 : 126;
    return fail_errno("exec '%s'", ctx->exec_path);
  }
  return exec_program(p->args, p->env, exit_code);
}
