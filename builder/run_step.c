#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "log.h"
#include "resolve.h"
#include "run_step.h"
#include "signals.h"

#define HOST_RESOLV_CONF "/etc/resolv.conf"

/* What was done to the image's /etc/resolv.conf so the host's can be mounted on it. */
struct resolv_conf {
  bool mount; /* mount the host's over it */
  int etcfd;  /* the image's /etc, when a placeholder was made in it */
  dev_t dev;  /* the placeholder, to remove exactly it afterwards */
  ino_t ino;
};

/* The runtime creates a missing mount target itself, and it would stay in the image;
 * making it here means it can be removed after the step.  An image whose
 * /etc/resolv.conf is a symlink (to systemd-resolved's, say) or anything but a file is
 * left alone: the step then resolves names as the image says. */
static int
prepare_resolv_conf(int rootfd, struct resolv_conf *resolv)
{
  _cleanup_close_ int etcfd = -1;
  _cleanup_close_ int fd = -1;
  struct stat st;

  resolv->mount = false;
  resolv->etcfd = -1;
  if (stat(HOST_RESOLV_CONF, &st) < 0 || !S_ISREG(st.st_mode))
    return 0;
  etcfd = resolve_open(rootfd, "etc", O_PATH | O_DIRECTORY, RESOLVE_IMAGE);
  if (etcfd < 0)
    return 0;
  if (fstatat(etcfd, "resolv.conf", &st, AT_SYMLINK_NOFOLLOW) == 0) {
    resolv->mount = S_ISREG(st.st_mode);
    return 0;
  }
  if (errno != ENOENT)
    return fail_errno("RUN: stat the image's /etc/resolv.conf");
  fd = openat(etcfd, "resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 || fstat(fd, &st) < 0)
    return fail_errno("RUN: create a mount point at the image's /etc/resolv.conf");
  resolv->mount = true;
  resolv->dev = st.st_dev;
  resolv->ino = st.st_ino;
  resolv->etcfd = steal_fd(&etcfd);
  return 0;
}

static void
remove_placeholder(struct resolv_conf *resolv)
{
  struct stat st;

  if (resolv->etcfd < 0)
    return;
  if (fstatat(resolv->etcfd, "resolv.conf", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      st.st_dev == resolv->dev && st.st_ino == resolv->ino && st.st_size == 0)
    unlinkat(resolv->etcfd, "resolv.conf", 0);
  close(resolv->etcfd);
  resolv->etcfd = -1;
}

static int
explain_status(const struct piecefile_step *step, int status, int *exit_status)
{
  if (WIFEXITED(status)) {
    *exit_status = WEXITSTATUS(status);
    if (*exit_status == 0)
      return 0;
    return fail("RUN exited with status %d", *exit_status);
  }
  *exit_status = 128 + WTERMSIG(status);
  return fail("RUN: the runtime was killed by signal %d (%s)", WTERMSIG(status),
              strsignal(WTERMSIG(status)));
}

static int
execute(const struct run_context *ctx, const struct piecefile_step *step,
        const struct oci_config_input *config, int *exit_status)
{
  char id[64];
  int status;

  /* Unique on the host while this build runs, for runtimes that keep state by id. */
  snprintf(id, sizeof id, "pieces-build-%ld-%u", (long)getpid(), step->line);
  if (oci_config_write(ctx->bundlefd, config) < 0)
    return fail_context("RUN");
  if (runtime_run(ctx->runtime, ctx->bundle_path, id, &status) < 0)
    return -1;
  if (signals_received())
    return fail("interrupted");
  return explain_status(step, status, exit_status);
}

int
run_step(const struct run_context *ctx, const struct piecefile_step *step,
         const struct image_user *user, int *exit_status)
{
  struct oci_config_input config = *ctx->template;
  struct resolv_conf resolv;
  int r;

  *exit_status = 1;
  config.args = step->args;
  config.env = step->env;
  config.cwd = step->cwd;
  config.user = user;
  config.for_run = true;
  if (prepare_resolv_conf(ctx->rootfd, &resolv) < 0)
    return -1;
  config.resolv_conf = resolv.mount;
  r = execute(ctx, step, &config, exit_status);
  /* The step's config.json is never part of the bundle, nor the mount point. */
  if (unlinkat(ctx->bundlefd, "config.json", 0) < 0 && errno != ENOENT && r == 0)
    r = fail_errno("RUN: remove the step's config.json");
  remove_placeholder(&resolv);
  return r;
}
