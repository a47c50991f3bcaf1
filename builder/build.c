#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "bundle_metadata.h"
#include "cleanup.h"
#include "error.h"
#include "fetch.h"
#include "log.h"
#include "oci_config.h"
#include "piecefile.h"
#include "runtime.h"
#include "signals.h"
#include "source_date.h"
#include "steps.h"
#include "store.h"
#include "unpack.h"
#include "url.h"

/* Everything a build needs that can be checked before touching the disk or network. */
struct plan {
  const char *directory; /* the build directory as given */
  char *piecefile_path;
  struct piecefile piecefile;
  int contextfd;   /* the build directory */
  char *shown_url; /* FROM_URL without a password */
  char *name;
  char *destination;
  struct fetch_settings fetch_settings;
  struct unpack_limits limits;
  struct source_date date;
  struct runtime runtime;
};

static void
plan_release(struct plan *plan)
{
  free(plan->piecefile_path);
  piecefile_free(&plan->piecefile);
  if (plan->contextfd >= 0)
    close(plan->contextfd);
  free(plan->shown_url);
  free(plan->name);
  free(plan->destination);
  runtime_release(&plan->runtime);
}

/* "DIR/Piecefile", written the way the user wrote DIR, so that messages name the file
 * as they know it ("./Piecefile:3: ..."). */
static char *
piecefile_path(const char *directory)
{
  size_t len = strlen(directory);
  char *path;

  if (asprintf(&path, "%s%sPiecefile", directory,
               len > 0 && directory[len - 1] == '/' ? "" : "/") < 0)
    return NULL;
  return path;
}

static int
choose_name(const struct build_options *options, struct plan *plan)
{
  if (options->name) {
    plan->name = strdup(options->name);
    if (plan->name == NULL)
      return fail("out of memory");
    return store_check_name(plan->name);
  }
  if (url_derive_name(plan->piecefile.from_url, &plan->name) < 0)
    return -1;
  if (store_check_name(plan->name) < 0)
    return fail_context("the name derived from '%s' does not fit; choose one with -t NAME",
                        plan->shown_url);
  return 0;
}

static void
warn_unused_build_args(const struct plan *plan)
{
  for (char **name = plan->piecefile.unused_build_args; name && *name; name++)
    log_warning("--build-arg %s: %s has no ARG %s; the value is not used", *name,
                plan->piecefile_path, *name);
}

/* The Piecefile and the build directory: all that --check looks at. */
static int
read_piecefile(const struct build_options *options, struct plan *plan)
{
  struct steps_context steps = {.pf = &plan->piecefile};

  plan->directory = options->directory;
  plan->piecefile_path = piecefile_path(options->directory);
  if (plan->piecefile_path == NULL)
    return fail("out of memory");
  if (piecefile_load(plan->piecefile_path, options->build_args, &plan->piecefile) < 0)
    return -1;
  warn_unused_build_args(plan);
  plan->contextfd = open(options->directory, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (plan->contextfd < 0)
    return fail_errno("open the build directory '%s'", options->directory);
  steps.piecefile_path = plan->piecefile_path;
  steps.copy.contextfd = plan->contextfd;
  steps.copy.context = options->directory;
  return steps_check(&steps);
}

static int
make_plan(const struct build_options *options, struct plan *plan)
{
  if (read_piecefile(options, plan) < 0)
    return -1;
  if (url_redact(plan->piecefile.from_url, &plan->shown_url) < 0 ||
      choose_name(options, plan) < 0)
    return -1;
  if (fetch_settings_from_env(&plan->fetch_settings) < 0 ||
      unpack_limits_from_env(&plan->limits) < 0 || source_date_from_env(&plan->date) < 0)
    return -1;
  if (piecefile_has_run(&plan->piecefile) && runtime_find(options->runtime, &plan->runtime) < 0)
    return -1;
  if (options->output) {
    plan->destination = strdup(options->output);
    return plan->destination ? 0 : fail("out of memory");
  }
  return store_bundle_path(plan->name, &plan->destination);
}

static ssize_t
next_download_block(void *context, const void **block)
{
  return fetch_next(context, block);
}

/* Download FROM_URL into bundlefd/rootfs; *rootfd is that directory. */
static int
fill_rootfs(const struct plan *plan, int bundlefd, int *rootfd,
            char sha256[FETCH_SHA256_HEX_SIZE])
{
  struct fetch *fetch = NULL;
  struct unpack_source source = {.name = plan->shown_url, .next_block = next_download_block};
  int ret = -1;

  /* 0755 unless the tarball's "./" entry says otherwise. */
  if (mkdirat(bundlefd, "rootfs", 0755) < 0)
    return fail_errno("create rootfs");
  *rootfd = openat(bundlefd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (*rootfd < 0)
    return fail_errno("open rootfs");
  if (fetch_open(plan->piecefile.from_url, plan->shown_url, &plan->fetch_settings, &fetch) < 0)
    return -1;
  source.context = fetch;
  if (unpack_archive(*rootfd, &source, &plan->limits) == 0 && fetch_digest(fetch, sha256) == 0)
    ret = 0;
  fetch_free(fetch);
  return ret;
}

/* The runtime opens the temporary bundle by path; absolute, whatever -o said. */
static int
temporary_bundle_path(const struct store_build *store, char **path)
{
  char cwd[PATH_MAX];

  if (store->parent[0] == '/')
    return asprintf(path, "%s/%s", store->parent, store->temporary) < 0 ? fail("out of memory")
                                                                        : 0;
  if (getcwd(cwd, sizeof cwd) == NULL)
    return fail_errno("getcwd");
  if (asprintf(path, "%s/%s/%s", cwd, store->parent, store->temporary) < 0)
    return fail("out of memory");
  return 0;
}

/* The user is looked up before the times are clamped: reading /etc/passwd can touch its
 * access time. */
static int
finish_config(const struct plan *plan, const struct steps_context *steps,
              struct oci_config_input *config)
{
  const struct piecefile *pf = &plan->piecefile;
  struct image_user user;
  int r;

  if (steps_resolve_user(steps, &pf->user, IMAGE_USER_PROCESS, pf->user.line, &user) < 0)
    return fail_context("%s:%u", plan->piecefile_path, pf->user.line);
  config->user = &user;
  r = source_date_clamp_tree(steps->run.rootfd, &plan->date);
  if (r == 0)
    r = oci_config_write(steps->run.bundlefd, config);
  image_user_release(&user);
  return r;
}

static int
fill_bundle(const struct plan *plan, const struct store_build *store, int *exit_status)
{
  const struct piecefile *pf = &plan->piecefile;
  char sha256[FETCH_SHA256_HEX_SIZE];
  _cleanup_close_ int rootfd = -1;
  _cleanup_free_ char *bundle_path = NULL;
  struct oci_config_input config = {
      .hostname = pf->hostname ? pf->hostname : plan->name,
      .args = pf->args,
      .env = pf->env,
      .cwd = pf->cwd,
      .labels = &pf->labels,
      .source_url = plan->shown_url,
      .sha256 = sha256,
  };
  struct steps_context steps = {
      .piecefile_path = plan->piecefile_path,
      .pf = pf,
      .copy = {.contextfd = plan->contextfd, .context = plan->directory, .date = &plan->date},
      .run = {.runtime = &plan->runtime, .bundlefd = store->fd, .template = &config},
  };

  if (fill_rootfs(plan, store->fd, &rootfd, sha256) < 0)
    return -1;
  log_note("%s: sha256:%s", plan->shown_url, sha256);
  if (temporary_bundle_path(store, &bundle_path) < 0)
    return -1;
  steps.copy.rootfd = steps.run.rootfd = rootfd;
  steps.run.bundle_path = bundle_path;
  if (steps_execute(&steps, exit_status) < 0)
    return -1;
  *exit_status = 1;
  if (finish_config(plan, &steps, &config) < 0 ||
      bundle_metadata_write(store->fd, plan->date.time, plan->shown_url, sha256) < 0)
    return -1;
  /* Everything on disk before the rename makes it visible: after a crash the bundle is
   * either the old one or the complete new one. */
  if (syncfs(store->fd) < 0)
    return fail_errno("sync the bundle");
  return 0;
}

static int
check_interrupted(void)
{
  return signals_received() ? fail("interrupted") : 0;
}

static void
note_command(const struct plan *plan)
{
  const struct piecefile *pf = &plan->piecefile;

  if (pf->cmd_line == 0 && pf->entrypoint_line == 0)
    log_note("%s: no CMD; the bundle runs %s", plan->piecefile_path, PIECEFILE_DEFAULT_CMD);
  if (pf->cmd_ignored)
    log_note("%s:%u: CMD is not used: the shell form of ENTRYPOINT (line %u) takes no "
             "arguments; use its JSON form to give it CMD's",
             plan->piecefile_path, pf->cmd_line, pf->entrypoint_line);
}

int
build_run(const struct build_options *options, char **bundle, int *exit_status)
{
  struct plan plan = {.contextfd = -1};
  struct store_build store;
  int ret = -1;

  *exit_status = 1;
  if (make_plan(options, &plan) < 0 || check_interrupted() < 0)
    goto out;
  note_command(&plan);
  if (store_begin(plan.destination, &store) < 0 ||
      fill_bundle(&plan, &store, exit_status) < 0 || check_interrupted() < 0 ||
      store_publish(&store) < 0) {
    /* Cleaning up may record messages of its own; the user needs the first one. */
    _cleanup_free_ char *message = strdup(error_message());
    int errnum = error_errno();

    store_abort(&store);
    error_restore(message ? message : "out of memory", errnum);
    goto release;
  }
  *bundle = steal_pointer(&plan.destination);
  ret = 0;
release:
  store_build_release(&store);
out:
  plan_release(&plan);
  return ret;
}

int
build_check(const struct build_options *options)
{
  struct plan plan = {.contextfd = -1};
  int ret = read_piecefile(options, &plan);

  if (ret == 0)
    log_note("%s: no problems found", plan.piecefile_path);
  plan_release(&plan);
  return ret;
}
