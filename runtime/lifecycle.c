/* Shared steps of the container lifecycle; see lifecycle.h. */
#include "lifecycle.h"
#include "bundle.h"
#include "cleanup.h"
#include "config_internal.h"
#include "error.h"
#include "hooks.h"
#include "log.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Write FILE atomically: engines poll for it and must never read half a pid. */
int
lifecycle_write_pid_file(const char *file, pid_t pid)
{
  char tmp[PATH_MAX], text[24];
  int len = snprintf(text, sizeof text, "%d", (int)pid);
  if (snprintf(tmp, sizeof tmp, "%s.tmp-%d", file, (int)getpid()) >= (int)sizeof tmp)
    return fail("--pid-file '%s': path too long", file);
  _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, text, len) != len || rename(tmp, file) < 0) {
    int saved = errno;
    unlink(tmp);
    return fail_with(saved, "--pid-file: write '%s'", file);
  }
  return 0;
}

/* Hand the pty master to whoever listens on the --console-socket (conmon, the
   containerd shim), as runc does: one SCM_RIGHTS message. */
int
lifecycle_send_console(const char *socket_path, int master)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(socket_path) >= sizeof addr.sun_path)
    return fail("--console-socket '%s': path too long for a unix socket", socket_path);
  strcpy(addr.sun_path, socket_path);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return fail_errno("--console-socket: connect to '%s'", socket_path);
  /* The message names the file, as runc's does. */
  static const char name[] = "/dev/ptmx";
  if (sync_send_with_fd(fd, name, sizeof name - 1, master) < 0)
    return fail_errno("--console-socket: send the terminal to '%s'", socket_path);
  return 0;
}

static void
format_now(char *out, size_t size)
{
  struct timespec now;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &now);
  gmtime_r(&now.tv_sec, &tm);
  size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, size - n, ".%09ldZ", now.tv_nsec);
}

static int
save_state(int statefd, const struct container *c)
{
  struct container_state st = {.pid = c->pid,
                               .start_time = state_process_start_time(c->pid),
                               .annotations = c->spec->annotations,
                               .cgroups = cgroup_directories(&c->cgroup),
                               .hooks = json_object_get(c->spec->json, "hooks")};
  snprintf(st.id, sizeof st.id, "%s", c->id);
  snprintf(st.bundle, sizeof st.bundle, "%s", c->spec->bundle);
  format_now(st.created, sizeof st.created);
  int r = st.start_time == 0 ? fail("the container process exited during set-up")
                             : state_write(statefd, &st);
  json_decref(st.cgroups);
  return r;
}

/* The fifo `start` opens; the init holds an O_PATH fd of it to reopen for writing. */
static int
make_exec_fifo(int statefd, struct create_request *req)
{
  if (mkfifoat(statefd, "exec.fifo", 0600) < 0)
    return fail_errno("create the exec fifo");
  req->options.exec_fifo = openat(statefd, "exec.fifo", O_PATH | O_CLOEXEC);
  if (req->options.exec_fifo < 0)
    return fail_errno("open the exec fifo");
  return 0;
}

int
lifecycle_create(const struct global_options *g, const struct create_request *request,
                 const sigset_t *old_mask, struct container *c, int *rootfd, int *statefd)
{
  struct create_request req = *request;
  char bundle[PATH_MAX];
  struct spec *spec = NULL;
  req.options.exec_fifo = -1;
  *statefd = -1;
  *rootfd = -1;
  if (g->systemd_cgroup)
    return fail("--systemd-cgroup: systemd's cgroup manager is not supported by pieces-run "
                "yet; let the engine use cgroupfs");
  *rootfd = state_open_root(g->root, true);
  if (*rootfd < 0 || bundle_resolve(req.bundle, bundle, sizeof bundle) < 0 ||
      spec_load(bundle, &spec) < 0)
    return -1;
  *statefd = state_create(*rootfd, req.id);
  if (*statefd < 0) {
    spec_free(spec);
    return -1;
  }
  *c = (struct container){.id = req.id, .spec = spec, .sync_fd = -1, .failure_status = 1};
  if ((!req.foreground && make_exec_fifo(*statefd, &req) < 0))
    goto fail;
  c->options = req.options;
  if (container_create(c, old_mask) < 0)
    goto fail;
  if (req.options.exec_fifo >= 0)
    close(req.options.exec_fifo);
  req.options.exec_fifo = -1;
  if (c->terminal >= 0 && req.console_socket &&
      lifecycle_send_console(req.console_socket, c->terminal) < 0)
    goto fail_destroy;
  if (save_state(*statefd, c) < 0 ||
      (req.pid_file && lifecycle_write_pid_file(req.pid_file, c->pid) < 0))
    goto fail_destroy;
  return 0;
fail_destroy:
  container_destroy(c);
fail:
  if (req.options.exec_fifo >= 0)
    close(req.options.exec_fifo);
  state_remove(*rootfd, req.id);
  spec_free(spec);
  c->spec = NULL;
  return -1;
}

int
lifecycle_open(const struct global_options *g, const char *id, bool exclusive, int *rootfd)
{
  *rootfd = state_open_root(g->root, false);
  if (*rootfd < 0 && error_errno() == ENOENT)
    return fail_as(ENOENT, "container '%s' does not exist", id);
  if (*rootfd < 0)
    return -1;
  return state_open(*rootfd, id, exclusive);
}

/* Read the byte the init writes into the fifo once we open it, unless it dies first. */
static int
release_init(int statefd, const struct container_state *st)
{
  /* Alive first: once the fifo is open the init may exec a program that exits at
     once, and its byte in the fifo is then what counts. */
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
  if (pidfd < 0 || !state_process_alive(st->pid, st->start_time))
    return fail("container '%s' is not running", st->id);
  _cleanup_close_ int fifo = openat(statefd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    return fail_errno("open the exec fifo of '%s'", st->id);
  for (;;) {
    struct pollfd fds[2] = {{fifo, POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 && errno != EINTR)
      return fail_errno("wait for container '%s'", st->id);
    char byte;
    if ((fds[0].revents & POLLIN) && read(fifo, &byte, 1) == 1)
      return 0;
    if (fds[1].revents)
      return fail("container '%s' exited before it could start", st->id);
  }
}

void
lifecycle_run_saved_hooks(const struct container_state *st, const char *name,
                          const char *status)
{
  json_t *list = st->hooks ? json_object_get(st->hooks, name) : NULL;
  if (list == NULL || json_array_size(list) == 0)
    return;
  struct spec hooks = {0};
  json_t *doc = json_pack("{s:O}", "hooks", st->hooks);
  json_t *state = state_to_json(st, STATUS_STOPPED);
  json_object_set_new(state, "status", json_string(status));
  char *text = json_dumps(state, JSON_COMPACT);
  if (doc && text && config_parse_hooks(doc, &hooks) == 0) {
    struct hook_list *l =
        strcmp(name, "poststart") == 0 ? &hooks.hooks_poststart : &hooks.hooks_poststop;
    hooks_run_warn(l, name, text);
  }
  config_free_hooks(&hooks.hooks_prestart);
  config_free_hooks(&hooks.hooks_create_runtime);
  config_free_hooks(&hooks.hooks_create_container);
  config_free_hooks(&hooks.hooks_start_container);
  config_free_hooks(&hooks.hooks_poststart);
  config_free_hooks(&hooks.hooks_poststop);
  free(text);
  json_decref(state);
  json_decref(doc);
}

int
lifecycle_start(int statefd, const struct container_state *st)
{
  enum container_status status = state_status(statefd, st);
  if (status != STATUS_CREATED)
    return fail("cannot start container '%s': it is %s, not created", st->id,
                state_status_name(status));
  if (release_init(statefd, st) < 0)
    return -1;
  if (unlinkat(statefd, "exec.fifo", 0) < 0)
    return fail_errno("remove the exec fifo of '%s'", st->id);
  lifecycle_run_saved_hooks(st, "poststart", "running");
  return 0;
}

/* Kill everything in the container and wait for its init to be gone. */
static int
kill_container(const struct container_state *st)
{
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
  if (pidfd >= 0 && !state_process_alive(st->pid, st->start_time))
    close(steal_fd(&pidfd)); /* the pid was recycled: not ours to kill */
  /* Frozen tasks would not die until thawed. */
  cgroup_freeze(st->cgroups, false);
  cgroup_signal_all(st->cgroups, SIGKILL);
  if (pidfd < 0)
    return 0;
  syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  struct pollfd p = {pidfd, POLLIN, 0};
  if (poll(&p, 1, 10000) == 0)
    return fail("container '%s' did not die within 10 s of SIGKILL", st->id);
  return 0;
}

int
lifecycle_delete(int rootfd, const char *id, bool force)
{
  _cleanup_close_ int statefd = state_open(rootfd, id, true);
  if (statefd < 0)
    return -1;
  struct container_state st;
  if (state_read(statefd, &st) < 0) {
    /* A create killed half-way leaves a state directory without state.json. */
    if (error_errno() == ENOENT && force)
      return state_remove(rootfd, id);
    return -1;
  }
  enum container_status status = state_status(statefd, &st);
  int r = 0;
  if (status != STATUS_STOPPED && !force)
    r = fail("cannot delete container '%s' that is not stopped: %s", id,
             state_status_name(status));
  else if (status != STATUS_STOPPED)
    r = kill_container(&st);
  if (r == 0) {
    /* Stragglers (a container without its own pid namespace) go with it. */
    cgroup_signal_all(st.cgroups, SIGKILL);
    cgroup_remove_directories(st.cgroups);
    lifecycle_run_saved_hooks(&st, "poststop", "stopped");
    r = state_remove(rootfd, id);
  }
  state_free(&st);
  return r;
}
