/* Starting a container; see container.h. */
#include "container.h"
#include "cleanup.h"
#include "error.h"
#include "hooks.h"
#include "init.h"
#include "log.h"
#include "lsm.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const int clone_flag[NS_COUNT] = {
    [NS_PID] = CLONE_NEWPID,       [NS_NETWORK] = CLONE_NEWNET, [NS_MOUNT] = CLONE_NEWNS,
    [NS_IPC] = CLONE_NEWIPC,       [NS_UTS] = CLONE_NEWUTS,     [NS_USER] = CLONE_NEWUSER,
    [NS_CGROUP] = CLONE_NEWCGROUP, [NS_TIME] = CLONE_NEWTIME,
};

/* Namespaces to make at clone time.  A new cgroup namespace is made later by the init,
   once it sits in its own cgroup, so that this cgroup becomes its root. */
static uint64_t
new_namespace_flags(const struct spec *spec)
{
  uint64_t flags = 0;
  for (int t = 0; t < NS_COUNT; t++)
    if (spec->namespaces[t].requested && spec->namespaces[t].path == NULL && t != NS_CGROUP)
      flags |= clone_flag[t];
  return flags;
}

/* Join the namespaces given by path, user namespace first so it owns the rest.  The
   pid namespace is joined by the parent (it applies to children only). */
static int
join_namespaces(const struct spec *spec)
{
  static const enum namespace_type order[] = {NS_USER,   NS_IPC,  NS_UTS,  NS_NETWORK,
                                              NS_CGROUP, NS_TIME, NS_MOUNT};
  for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
    const struct namespace_request *ns = &spec->namespaces[order[i]];
    if (!ns->requested || ns->path == NULL)
      continue;
    _cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, clone_flag[order[i]]) < 0)
      return fail_errno("linux.namespaces: join %s namespace '%s'",
                        namespace_type_name(order[i]), ns->path);
  }
  return 0;
}

static int
write_id_map(pid_t pid, const char *file, const struct id_mapping *maps, size_t n)
{
  char path[64], text[4096];
  size_t used = 0;
  for (size_t i = 0; i < n && used < sizeof text; i++)
    used += snprintf(text + used, sizeof text - used, "%u %u %u\n", maps[i].container_id,
                     maps[i].host_id, maps[i].size);
  if (used >= sizeof text)
    return fail("%s: too many mappings", file);
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, text, used) < 0)
    return fail_errno("write '%s'", path);
  return 0;
}

static int
write_id_maps(const struct container *c)
{
  const struct spec *spec = c->spec;
  if (!spec->namespaces[NS_USER].requested || spec->namespaces[NS_USER].path)
    return 0;
  if (spec->n_uid_mappings &&
      write_id_map(c->pid, "uid_map", spec->uid_mappings, spec->n_uid_mappings) < 0)
    return fail_context("linux.uidMappings");
  if (spec->n_gid_mappings &&
      write_id_map(c->pid, "gid_map", spec->gid_mappings, spec->n_gid_mappings) < 0)
    return fail_context("linux.gidMappings");
  return 0;
}

/* Join a pid namespace by path for the clone only, then come back. */
static int
enter_pid_namespace(const struct spec *spec, int *saved)
{
  *saved = -1;
  const char *path = spec->namespaces[NS_PID].path;
  if (!spec->namespaces[NS_PID].requested || path == NULL)
    return 0;
  *saved = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (*saved < 0 || fd < 0 || setns(fd, CLONE_NEWPID) < 0)
    return fail_errno("linux.namespaces: join pid namespace '%s'", path);
  return 0;
}

static void
leave_pid_namespace(int *saved)
{
  if (*saved >= 0) {
    (void)setns(*saved, CLONE_NEWPID);
    close(*saved);
    *saved = -1;
  }
}

/* The init must hold nothing of the runtime's: not the state directory's lock (a
   `state` would wait for it until exec), not the bundle.  Keep stdio, the caller's
   --preserve-fds, the sync socket and the exec fifo; close the rest. */
void
container_close_runtime_fds(int preserve_fds, int *keep, size_t n)
{
  log_forget_file();
  /* Sorted, the gaps between the fds to keep are closed with one call each. */
  for (size_t i = 1; i < n; i++)
    for (size_t k = i; k > 0 && keep[k - 1] > keep[k]; k--) {
      int t = keep[k];
      keep[k] = keep[k - 1], keep[k - 1] = t;
    }
  unsigned first = 3 + (unsigned)preserve_fds;
  for (size_t i = 0; i < n; i++) {
    if (keep[i] < (int)first)
      continue;
    if ((unsigned)keep[i] > first)
      close_range(first, (unsigned)keep[i] - 1, 0);
    first = (unsigned)keep[i] + 1;
  }
  close_range(first, ~0U, 0);
}

static int
clone_init(struct container *c, const sigset_t *old_mask, int child_end)
{
  int saved_pidns;
  if (enter_pid_namespace(c->spec, &saved_pidns) < 0)
    return -1;
  int pidfd = -1;
  struct clone_args args = {
      .flags = new_namespace_flags(c->spec) | CLONE_PIDFD,
      .pidfd = (uint64_t)(uintptr_t)&pidfd,
      .exit_signal = SIGCHLD,
  };
  pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) {
    struct init_context ctx = {.container = c,
                               .spec = c->spec,
                               .options = c->options,
                               .sync_fd = child_end,
                               .old_mask = *old_mask,
                               .rootfd = -1,
                               .procfd = -1,
                               .devfd = -1,
                               .host_devnull = -1,
                               .host_procfd = -1};
    int keep[] = {child_end, c->options.exec_fifo};
    container_close_runtime_fds(c->options.preserve_fds, keep, 2);
    if (join_namespaces(c->spec) < 0) {
      sync_send_error(child_end, 1);
      _exit(1);
    }
    init_main(&ctx);
  }
  leave_pid_namespace(&saved_pidns);
  if (pid < 0)
    return fail_errno("clone the container process");
  c->pid = pid;
  c->pidfd = pidfd;
  return 0;
}

/* `runc spec`, podman and buildah list ambient capabilities without inheritable ones;
   the kernel cannot make those ambient.  runc and crun skip them quietly; so do we,
   with a debug line (and bundle-spec/config.md says so): a warning on every podman run
   would only be noise.  Said here, in the runtime, because the init's stderr may
   already be the container's terminal. */
static void
warn_about_ambient(const struct process_spec *p)
{
  cap_mask_t impossible = p->cap_ambient & ~(p->cap_permitted & p->cap_inheritable);
  if (impossible)
    log_debug("process.capabilities.ambient: ignoring capabilities that are not both "
              "permitted and inheritable (mask %#llx)",
              (unsigned long long)impossible);
}

/* linux.resources but devices (cgroup_create did those), before the init goes on. */
static int
apply_resources(struct container *c)
{
  json_t *resources = json_object_get(json_object_get(c->spec->json, "linux"), "resources");
  if (resources == NULL)
    return 0;
  json_t *dirs = cgroup_directories(&c->cgroup);
  int r = dirs ? cgroup_apply_resources(dirs, resources) : fail("list the container's cgroups");
  json_decref(dirs);
  return r;
}

/* prestart (deprecated, same moment) and createRuntime hooks: the namespaces and
   cgroups exist, the container's mounts are not made yet. */
static int
run_runtime_hooks(struct container *c, const char *state)
{
  if (hooks_run(&c->spec->hooks_prestart, "prestart", state) < 0 ||
      hooks_run(&c->spec->hooks_create_runtime, "createRuntime", state) < 0)
    return -1;
  return 0;
}

char *
container_state_json(const struct container *c, const char *status)
{
  json_t *doc =
      json_pack("{s:s, s:s, s:s, s:I, s:s}", "ociVersion", c->spec->oci_version, "id", c->id,
                "status", status, "pid", (json_int_t)c->pid, "bundle", c->spec->bundle);
  if (doc && c->spec->annotations)
    json_object_set(doc, "annotations", c->spec->annotations);
  char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
  json_decref(doc);
  if (text == NULL)
    fail("make the state JSON");
  return text;
}

int
container_create(struct container *c, const sigset_t *old_mask)
{
  int pair[2];
  c->pid = -1;
  c->pidfd = -1;
  c->sync_fd = -1;
  c->terminal = -1;
  c->cgroup.layout.count = 0;
  c->failure_status = 1;
  warn_about_ambient(&c->spec->process);
  if (lsm_check(c->spec) < 0)
    return -1;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return fail_errno("create the sync socket");
  c->sync_fd = pair[0];
  _cleanup_close_ int child_end = pair[1];
  _cleanup_free_ char *state = NULL;
  int eof;
  if (clone_init(c, old_mask, child_end) < 0)
    goto fail;
  close(steal_fd(&child_end));
  /* The init knows everything of its state but its pid as the host sees it. */
  char pid_text[24];
  snprintf(pid_text, sizeof pid_text, "%d", (int)c->pid);
  if (write_id_maps(c) < 0 || cgroup_create(c->spec, c->id, c->pid, &c->cgroup) < 0 ||
      apply_resources(c) < 0 || (state = container_state_json(c, "creating")) == NULL ||
      run_runtime_hooks(c, state) < 0 || sync_send(c->sync_fd, SYNC_GO, pid_text) < 0 ||
      (c->spec->process.terminal && (c->terminal = sync_receive_fd(c->sync_fd)) < 0) ||
      sync_wait(c->sync_fd, SYNC_CREATED, &c->failure_status, &eof, NULL) < 0)
    goto fail;
  if (eof) {
    fail("the container process exited during set-up");
    goto fail;
  }
  return 0;
fail:
  container_destroy(c);
  return -1;
}

int
container_start(struct container *c, int *exit_code)
{
  int eof;
  *exit_code = 1;
  if (sync_send(c->sync_fd, SYNC_START, NULL) < 0)
    return -1;
  /* End-of-file: the init's end closed at exec, the user's program runs. */
  if (sync_wait(c->sync_fd, SYNC_START, exit_code, &eof, NULL) < 0)
    return -1;
  return 0;
}

void
container_release(struct container *c)
{
  c->pid = -1;
  if (c->pidfd >= 0)
    close(steal_fd(&c->pidfd));
  if (c->sync_fd >= 0)
    close(steal_fd(&c->sync_fd));
  if (c->terminal >= 0)
    close(steal_fd(&c->terminal));
}

void
container_destroy(struct container *c)
{
  if (c->pid > 0) {
    if (c->pidfd >= 0)
      syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
    else
      kill(c->pid, SIGKILL);
    while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
      ;
    c->pid = -1;
  }
  cgroup_destroy(&c->cgroup);
  if (c->pidfd >= 0)
    close(steal_fd(&c->pidfd));
  if (c->sync_fd >= 0)
    close(steal_fd(&c->sync_fd));
  if (c->terminal >= 0)
    close(steal_fd(&c->terminal));
}
