/* `exec`: a new process in a running container.
 *
 * The runtime joins the container's pid namespace for its children only, clones the
 * process (so it is our child, and the caller's subreaper's once we exit with
 * --detach), puts it in the container's cgroups, and lets it join the other
 * namespaces and the container's root before it becomes the user's program.
 */
#include "bundle.h"
#include "cleanup.h"
#include "commands.h"
#include "config_internal.h"
#include "error.h"
#include "foreground.h"
#include "init.h"
#include "lifecycle.h"
#include "log.h"
#include "options.h"
#include "process.h"
#include "sync.h"
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char usage[] =
    "usage: pieces-run exec [OPTIONS] ID [COMMAND [ARG...]]\n\n"
    "Run a process in a running container.\n\n"
    "  -p, --process FILE       the process as JSON (config.json's process object)\n"
    "  -t, --tty                give it a terminal\n"
    "  -e, --env K=V            add to its environment (repeatable)\n"
    "      --cwd DIR            its working directory\n"
    "  -u, --user UID[:GID]     its user\n"
    "  -g, --additional-gids G  a supplementary group (repeatable)\n"
    "  -c, --cap CAP            add a capability (repeatable)\n"
    "      --no-new-privs       set no_new_privs\n"
    "  -d, --detach             return once it runs\n"
    "      --pid-file FILE      write its pid to FILE\n"
    "      --console-socket S   send the terminal's master fd to the unix socket S\n"
    "      --preserve-fds N     pass fds 3 to 3+N-1 to it\n";

struct exec_request {
  const char *process_file, *cwd, *user, *pid_file, *console_socket, *preserve;
  int preserve_fds;
  int tty, detach, no_new_privs;
  const char **env, **caps, **gids;
  int n_env, n_caps, n_gids;
  char **args;
  int n_args;
};

/* --process FILE: config.json's process object, checked by the same code. */
static int
load_process_file(const char *file, struct process_spec *process)
{
  json_error_t error;
  json_t *object = json_load_file(file, JSON_DECODE_INT_AS_REAL, &error);
  if (object == NULL)
    return fail("--process '%s':%d:%d: %s", file, error.line, error.column, error.text);
  json_t *doc = json_pack("{s:o}", "process", object);
  config_free_process(process);
  memset(process, 0, sizeof *process);
  int r = config_parse_process(doc, process);
  json_decref(doc);
  return r < 0 ? fail_context("--process '%s'", file) : 0;
}

static int
append_strings(char ***list, const char **extra, int n)
{
  size_t count = 0;
  while (*list && (*list)[count])
    count++;
  char **grown = realloc(*list, (count + n + 1) * sizeof *grown);
  if (grown == NULL)
    return fail_errno("exec");
  for (int i = 0; i < n; i++)
    if ((grown[count + i] = strdup(extra[i])) == NULL)
      return fail_errno("exec");
  grown[count + n] = NULL;
  *list = grown;
  return 0;
}

static int
apply_user(struct process_spec *p, const char *user)
{
  unsigned uid, gid;
  int n = sscanf(user, "%u:%u", &uid, &gid);
  if (n < 1)
    return fail("exec: --user '%s': must be UID or UID:GID", user);
  p->uid = uid;
  if (n == 2)
    p->gid = gid;
  return 0;
}

static int
apply_caps(struct process_spec *p, const char **caps, int n)
{
  for (int i = 0; i < n; i++) {
    cap_value_t cap;
    const char *name = strncasecmp(caps[i], "CAP_", 4) == 0 ? caps[i] : NULL;
    if (name == NULL || cap_from_name(name, &cap) < 0)
      return fail("exec: --cap '%s': unknown capability", caps[i]);
    cap_mask_t bit = 1ULL << cap;
    p->cap_bounding |= bit, p->cap_effective |= bit, p->cap_permitted |= bit;
    p->cap_inheritable |= bit, p->cap_ambient |= bit;
  }
  return 0;
}

/* The process: --process, or the container's own with the command line on top. */
static int
build_process(struct spec *spec, const struct exec_request *req)
{
  struct process_spec *p = &spec->process;
  if (req->process_file)
    return load_process_file(req->process_file, p);
  if (req->n_args == 0)
    return fail("exec: a command is required (or --process FILE)");
  if (spec_override_args(spec, req->args, req->n_args) < 0 ||
      append_strings(&p->env, req->env, req->n_env) < 0)
    return -1;
  if (req->cwd) {
    free(p->cwd);
    p->cwd = strdup(req->cwd);
  }
  p->terminal = req->tty;
  p->no_new_privileges = p->no_new_privileges || req->no_new_privs;
  if (req->user && apply_user(p, req->user) < 0)
    return -1;
  if (req->n_gids) {
    gid_t *gids = calloc(req->n_gids, sizeof *gids);
    if (gids == NULL)
      return fail_errno("exec");
    for (int i = 0; i < req->n_gids; i++)
      gids[i] = (gid_t)strtoul(req->gids[i], NULL, 10);
    free(p->additional_gids);
    p->additional_gids = gids;
    p->n_additional_gids = req->n_gids;
  }
  return apply_caps(p, req->caps, req->n_caps);
}

/* Namespaces of PID that differ from ours, as setns flags. */
static int
namespaces_to_join(pid_t pid)
{
  static const struct {
    const char *name;
    int flag;
  } kinds[] = {{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},  {"ipc", CLONE_NEWIPC},
               {"uts", CLONE_NEWUTS},   {"net", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP},
               {"time", CLONE_NEWTIME}};
  int flags = 0;
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    char theirs[64], ours[64];
    struct stat a, b;
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, kinds[i].name);
    snprintf(ours, sizeof ours, "/proc/self/ns/%s", kinds[i].name);
    if (stat(theirs, &a) == 0 && stat(ours, &b) == 0 && a.st_ino != b.st_ino)
      flags |= kinds[i].flag;
  }
  return flags;
}

/* In the new process: join everything of the container and become the program. */
__attribute__((noreturn)) static void
exec_child(struct init_context *ctx, int init_pidfd, int init_rootfd, int ns_flags)
{
  int exit_code = 1, eof;
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (sync_wait(ctx->sync_fd, SYNC_GO, &exit_code, &eof, NULL) < 0 || eof)
    goto fail;
  if (ns_flags && setns(init_pidfd, ns_flags) < 0) {
    fail_errno("join the container's namespaces");
    goto fail;
  }
  /* The container's root as its init sees it (pivot_root or --no-pivot alike). */
  if (fchdir(init_rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
    fail_errno("enter the container's root");
    goto fail;
  }
  ctx->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ctx->rootfd < 0 || (ctx->spec->process.terminal && terminal_set_up(ctx, false) < 0) ||
      process_find_executable(ctx, &exit_code) < 0)
    goto fail;
  process_exec(ctx, &exit_code);
fail:
  sync_send_error(ctx->sync_fd, exit_code);
  _exit(exit_code);
}

/* Join the container's cgroups: the process is not running anything of its own yet. */
static int
join_cgroups(json_t *dirs, pid_t pid)
{
  size_t i;
  json_t *dir;
  char text[24];
  snprintf(text, sizeof text, "%d", (int)pid);
  json_array_foreach (dirs, i, dir) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/cgroup.procs", json_string_value(dir));
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) < 0)
      return fail_errno("join cgroup '%s'", json_string_value(dir));
  }
  return 0;
}

static int
spawn(struct container *c, const struct container_state *st, const sigset_t *old_mask)
{
  int pair[2];
  _cleanup_close_ int init_pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
  char root[64];
  snprintf(root, sizeof root, "/proc/%d/root", (int)st->pid);
  _cleanup_close_ int init_rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (init_pidfd < 0 || init_rootfd < 0 || !state_process_alive(st->pid, st->start_time))
    return fail("container not running");
  int ns_flags = namespaces_to_join(st->pid);
  _cleanup_close_ int ours = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return fail_errno("create the sync socket");
  c->sync_fd = pair[0];
  _cleanup_close_ int child_end = pair[1];
  /* Children of ours are born in the container's pid namespace from here on. */
  if (setns(init_pidfd, CLONE_NEWPID) < 0)
    return fail_errno("join the container's pid namespace");
  struct clone_args args = {
      .flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&c->pidfd, .exit_signal = SIGCHLD};
  pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) {
    struct init_context ctx = {.spec = c->spec,
                               .options = c->options,
                               .sync_fd = child_end,
                               .old_mask = *old_mask,
                               .rootfd = -1,
                               .procfd = -1,
                               .devfd = -1,
                               .host_devnull = -1,
                               .host_procfd = -1};
    /* Keep only what the child needs, moved past the preserved fds first. */
    int base = 3 + ctx.options.preserve_fds;
    int keep[] = {fcntl(child_end, F_DUPFD_CLOEXEC, base),
                  fcntl(init_pidfd, F_DUPFD_CLOEXEC, base),
                  fcntl(init_rootfd, F_DUPFD_CLOEXEC, base)};
    ctx.sync_fd = keep[0];
    int pidfd_kept = keep[1], root_kept = keep[2];
    container_close_runtime_fds(ctx.options.preserve_fds, keep, 3);
    exec_child(&ctx, pidfd_kept, root_kept, ns_flags & ~CLONE_NEWPID);
  }
  setns(ours, CLONE_NEWPID);
  if (pid < 0)
    return fail_errno("clone the exec process");
  c->pid = pid;
  int eof;
  close(steal_fd(&child_end));
  if (join_cgroups(st->cgroups, pid) < 0 || sync_send(c->sync_fd, SYNC_GO, NULL) < 0 ||
      (c->spec->process.terminal && (c->terminal = sync_receive_fd(c->sync_fd)) < 0) ||
      sync_wait(c->sync_fd, SYNC_START, &c->failure_status, &eof, NULL) < 0)
    return -1;
  return 0;
}

static int
exec_in(const struct global_options *g, const char *id, const struct exec_request *req)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int statefd = lifecycle_open(g, id, false, &rootfd);
  struct container_state st;
  char bundle[PATH_MAX];
  struct spec *spec = NULL;
  if (statefd < 0 || state_read(statefd, &st) < 0)
    return command_failed();
  enum container_status status = state_status(statefd, &st);
  close(steal_fd(&statefd)); /* others may act on the container while we run */
  int r = -1;
  if (status != STATUS_RUNNING && status != STATUS_CREATED)
    fail("cannot exec in container '%s': it is %s", id,
         status == STATUS_STOPPED ? "not running" : state_status_name(status));
  else if (bundle_resolve(st.bundle, bundle, sizeof bundle) == 0 &&
           spec_load(bundle, &spec) == 0 && build_process(spec, req) == 0)
    r = 0;
  if (r < 0) {
    state_free(&st);
    spec_free(spec);
    return command_failed();
  }
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  struct container c = {.id = id,
                        .spec = spec,
                        .pid = -1,
                        .pidfd = -1,
                        .sync_fd = -1,
                        .terminal = -1,
                        .options.exec_fifo = -1,
                        .options.preserve_fds = req->preserve_fds,
                        .failure_status = 1};

  int status_code = 1;
  if (spawn(&c, &st, &old) < 0) {
    log_error("%s", error_message());
    status_code = c.failure_status;
    if (c.pid > 0)
      container_destroy(&c);
  } else if (req->detach) {
    status_code = 0;
    if ((req->pid_file && lifecycle_write_pid_file(req->pid_file, c.pid) < 0) ||
        (c.terminal >= 0 && req->console_socket &&
         lifecycle_send_console(req->console_socket, c.terminal) < 0))
      status_code = command_failed();
    container_release(&c);
  } else {
    if (req->pid_file && lifecycle_write_pid_file(req->pid_file, c.pid) < 0)
      log_warning("%s", error_message());
    status_code = foreground_wait(&c, &all);
    if (status_code < 0)
      status_code = command_failed();
    container_release(&c);
  }
  state_free(&st);
  spec_free(spec);
  return status_code;
}

int
cmd_exec(const struct global_options *g, int argc, char **argv)
{
  struct exec_request req = {0};
  const char *env[argc], *caps[argc], *gids[argc];
  req.env = env, req.caps = caps, req.gids = gids;
  const struct option_def options[] = {OPTION_VALUE("process", 'p', &req.process_file),
                                       OPTION_FLAG("tty", 't', &req.tty),
                                       OPTION_LIST("env", 'e', env, &req.n_env),
                                       OPTION_VALUE("cwd", 0, &req.cwd),
                                       OPTION_VALUE("user", 'u', &req.user),
                                       OPTION_LIST("additional-gids", 'g', gids, &req.n_gids),
                                       OPTION_LIST("cap", 'c', caps, &req.n_caps),
                                       OPTION_FLAG("no-new-privs", 0, &req.no_new_privs),
                                       OPTION_FLAG("detach", 'd', &req.detach),
                                       OPTION_VALUE("pid-file", 0, &req.pid_file),
                                       OPTION_VALUE("console-socket", 0, &req.console_socket),
                                       OPTION_VALUE("preserve-fds", 0, &req.preserve),
                                       OPTION_END};
  const struct command_line cl = {"exec", usage, options, 1, -1, 1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  if (options_parse_fd_count("exec", req.preserve, &req.preserve_fds) < 0)
    return command_failed();
  req.args = positional + 1;
  req.n_args = n - 1;
  return exec_in(g, positional[0], &req);
}
