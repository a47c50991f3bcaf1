#include <stdio.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "rootfs_write.h"
#include "signals.h"
#include "steps.h"

int
steps_check(const struct steps_context *ctx)
{
  const struct piecefile *pf = ctx->pf;

  for (size_t i = 0; i < pf->n_steps; i++)
    if (pf->steps[i].kind == PIECEFILE_COPY &&
        copy_check_sources(&ctx->copy, &pf->steps[i]) < 0)
      return fail_context("%s:%u", ctx->piecefile_path, pf->steps[i].line);
  return 0;
}

int
steps_resolve_user(const struct steps_context *ctx, const struct piecefile_user *user,
                   enum image_user_use use, unsigned line, struct image_user *resolved)
{
  if (image_user_resolve(ctx->run.rootfd, &user->spec, use, resolved) == 0)
    return 0;
  if (user->line != line)
    return fail_context("%s (line %u)", user->text, user->line);
  return fail_context("%s", user->text);
}

/* WORKDIR makes its directory when the image has none, as Docker's builder does: each
 * missing component mode 0755 and owned by the USER in effect. */
static int
make_workdir(const struct steps_context *ctx, const struct piecefile_step *step)
{
  struct image_user user;
  struct rootfs_writer writer;
  char path[4096];
  int ret = -1;

  if (steps_resolve_user(ctx, &step->user, IMAGE_USER_PROCESS, step->line, &user) < 0)
    return fail_context("WORKDIR");
  rootfs_writer_init_image(&writer, ctx->run.rootfd);
  snprintf(path, sizeof path, "%s", step->path + 1);
  for (char *slash = path;; slash++) {
    struct rootfs_meta meta = {.uid = user.uid, .gid = user.gid, .mode = 0755};
    bool at_end = (slash = strchr(slash, '/')) == NULL;
    bool created;

    meta.atime.tv_nsec = meta.mtime.tv_nsec = UTIME_OMIT;
    if (!at_end)
      *slash = '\0';
    if (path[0] && rootfs_enter_directory(&writer, path, &meta, &created) < 0) {
      fail_context("WORKDIR: '/%s'", path);
      goto out;
    }
    if (at_end)
      break;
    *slash = '/';
  }
  ret = rootfs_finish(&writer) < 0 ? fail_context("WORKDIR") : 0;
out:
  rootfs_writer_release(&writer);
  image_user_release(&user);
  return ret;
}

static int
copy_step(const struct steps_context *ctx, const struct piecefile_step *step)
{
  struct image_user owner;
  int r;

  if (steps_resolve_user(ctx, &step->user, IMAGE_USER_CHOWN, step->line, &owner) < 0)
    return -1;
  r = copy_run(&ctx->copy, step, &owner);
  image_user_release(&owner);
  return r;
}

static int
run(const struct steps_context *ctx, const struct piecefile_step *step, int *exit_status)
{
  struct image_user user;
  int r;

  if (steps_resolve_user(ctx, &step->user, IMAGE_USER_PROCESS, step->line, &user) < 0)
    return fail_context("RUN");
  r = run_step(&ctx->run, step, &user, exit_status);
  image_user_release(&user);
  return r;
}

static int
execute_step(const struct steps_context *ctx, const struct piecefile_step *step,
             int *exit_status)
{
  switch (step->kind) {
  case PIECEFILE_WORKDIR:
    return make_workdir(ctx, step);
  case PIECEFILE_COPY:
    log_note("%s:%u: %.200s", ctx->piecefile_path, step->line, step->text);
    return copy_step(ctx, step);
  case PIECEFILE_RUN:
    log_note("%s:%u: %.200s", ctx->piecefile_path, step->line, step->text);
    return run(ctx, step, exit_status);
  }
  return fail("unknown step");
}

int
steps_execute(const struct steps_context *ctx, int *exit_status)
{
  const struct piecefile *pf = ctx->pf;

  for (size_t i = 0; i < pf->n_steps; i++) {
    *exit_status = 1;
    if (execute_step(ctx, &pf->steps[i], exit_status) < 0) {
      if (signals_received())
        return -1;
      return fail_context("%s:%u", ctx->piecefile_path, pf->steps[i].line);
    }
    if (signals_received())
      return fail("interrupted");
  }
  return 0;
}
