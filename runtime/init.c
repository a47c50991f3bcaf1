/* The container's init process; see init.h.
 *
 * Runs in the cloned child, inside the new namespaces.  Each stage reports failure
 * to the runtime through the sync socket and exits; the runtime prints the message.
 */
#include "init.h"
#include "cleanup.h"
#include "devices.h"
#include "hooks.h"
#include "error.h"
#include "mounts.h"
#include "process.h"
#include "rootfs.h"
#include "sync.h"
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
set_names(const struct spec *spec)
{
  if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
    return fail_errno("hostname: set '%s'", spec->hostname);
  if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
    return fail_errno("domainname: set '%s'", spec->domainname);
  return 0;
}

/* Open a file below the container's own procfs, never following a symlink, so that a
   fake /proc in the image cannot redirect our writes (CVE-2025-52881). */
static int
open_in_proc(struct init_context *ctx, const char *path)
{
  if (ctx->procfd < 0)
    return fail("'/proc/%s': the config mounts no /proc", path);
  struct open_how how = {
      .flags = O_WRONLY | O_CLOEXEC,
      .resolve =
          RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
  };
  int fd = (int)syscall(SYS_openat2, ctx->procfd, path, &how, sizeof how);
  if (fd < 0)
    return fail_errno("open '/proc/%s'", path);
  return fd;
}

static int
write_proc(struct init_context *ctx, const char *path, const char *value)
{
  _cleanup_close_ int fd = open_in_proc(ctx, path);
  if (fd < 0)
    return -1;
  if (write(fd, value, strlen(value)) < 0)
    return fail_errno("write '%s' to '/proc/%s'", value, path);
  return 0;
}

static int
apply_sysctl(struct init_context *ctx)
{
  const struct spec *spec = ctx->spec;
  for (size_t i = 0; i < spec->n_sysctl; i++) {
    char path[512];
    snprintf(path, sizeof path, "sys/%s", spec->sysctl_keys[i]);
    for (char *p = path + 4; *p; p++)
      if (*p == '.')
        *p = '/';
    if (write_proc(ctx, path, spec->sysctl_values[i]) < 0)
      return fail_context("linux.sysctl.%s", spec->sysctl_keys[i]);
  }
  return 0;
}

static int
apply_oom_score_adj(struct init_context *ctx)
{
  const struct process_spec *p = &ctx->spec->process;
  if (!p->has_oom_score_adj)
    return 0;
  char path[64], value[16];
  snprintf(path, sizeof path, "%d/oom_score_adj", (int)getpid());
  snprintf(value, sizeof value, "%d", p->oom_score_adj);
  if (write_proc(ctx, path, value) < 0)
    return fail_context("process.oomScoreAdj");
  return 0;
}

/* Without --no-new-keyring the container gets its own session keyring, so it cannot
   read or add to the caller's keys. */
static int
join_new_keyring(struct init_context *ctx)
{
  if (ctx->options.no_new_keyring)
    return 0;
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
    return fail_errno("create a session keyring");
  return 0;
}

/* Everything from the namespaces to the waiting point before exec. */
static int
set_up_container(struct init_context *ctx, int *exit_code)
{
  int eof;
  _cleanup_free_ char *pid_text = NULL;
  if (sync_wait(ctx->sync_fd, SYNC_GO, exit_code, &eof, &pid_text) < 0)
    return -1;
  if (eof || pid_text == NULL)
    return fail("the runtime went away");
  /* The state for our hooks: our copy of the container, with the pid the host knows. */
  ctx->container->pid = (pid_t)atoi(pid_text);
  ctx->state_json = container_state_json(ctx->container, "created");
  if (ctx->state_json == NULL)
    return -1;
  /* Where our cgroups are on the host, read before a cgroup namespace hides it. */
  ctx->cgroups = malloc(sizeof *ctx->cgroups);
  if (ctx->cgroups == NULL || cgroup_read_layout("self", ctx->cgroups) < 0)
    return fail_context("read the container's cgroups");
  if (ctx->spec->namespaces[NS_CGROUP].requested && !ctx->spec->namespaces[NS_CGROUP].path &&
      unshare(CLONE_NEWCGROUP) < 0)
    return fail_errno("linux.namespaces: new cgroup namespace");
  /* createContainer hooks run in the container's namespaces with its mounts made,
     before pivot_root, so that their paths still resolve on the host. */
  if (rootfs_prepare(ctx) < 0 || mounts_apply(ctx) < 0 || devices_finish(ctx) < 0 ||
      hooks_run(&ctx->spec->hooks_create_container, "createContainer", ctx->state_json) < 0 ||
      rootfs_enter(ctx) < 0 || rootfs_protect(ctx) < 0 || set_names(ctx->spec) < 0 ||
      apply_sysctl(ctx) < 0 || apply_oom_score_adj(ctx) < 0 || join_new_keyring(ctx) < 0)
    return -1;
  if (ctx->spec->process.terminal && terminal_set_up(ctx, true) < 0)
    return -1;
  /* Find the program now: once `create` has returned nobody could be told. */
  if (process_find_executable(ctx, exit_code) < 0)
    return -1;
  return sync_send(ctx->sync_fd, SYNC_CREATED, NULL);
}

/* `create`: block until `start` opens ROOT/ID/exec.fifo for reading.  The fifo is
   reopened for writing through the host's /proc, taken before pivot_root. */
static int
wait_for_start_command(struct init_context *ctx)
{
  char path[64];
  snprintf(path, sizeof path, "thread-self/fd/%d", ctx->options.exec_fifo);
  _cleanup_close_ int fd;
  do
    fd = openat(ctx->host_procfd, path, O_WRONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return fail_errno("open the exec fifo");
  if (write(fd, "0", 1) != 1)
    return fail_errno("write to the exec fifo");
  return 0;
}

static int
wait_for_start(struct init_context *ctx, int *exit_code)
{
  int eof;
  if (ctx->options.exec_fifo >= 0) {
    /* Nobody hears from us any more: the runtime that created us is gone. */
    close(ctx->sync_fd);
    ctx->sync_fd = -1;
    return wait_for_start_command(ctx);
  }
  if (sync_wait(ctx->sync_fd, SYNC_START, exit_code, &eof, NULL) < 0)
    return -1;
  if (eof)
    _exit(1); /* the runtime gave up (e.g. a failed hook); it reports why */
  return 0;
}

void
init_main(struct init_context *ctx)
{
  int exit_code = 1;
  /* Not dumpable: other processes in the container cannot ptrace us or open our
     /proc/PID files (and through them the runtime binary) before exec. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  umask(0);
  if (set_up_container(ctx, &exit_code) < 0 || wait_for_start(ctx, &exit_code) < 0 ||
      hooks_run(&ctx->spec->hooks_start_container, "startContainer", ctx->state_json) < 0)
    goto fail;
  process_exec(ctx, &exit_code);
fail:
  if (ctx->sync_fd >= 0)
    sync_send_error(ctx->sync_fd, exit_code);
  _exit(exit_code);
}
