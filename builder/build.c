#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "cleanup.h"
#include "error.h"
#include "fetch.h"
#include "log.h"
#include "oci_config.h"
#include "piecefile.h"
#include "signals.h"
#include "store.h"
#include "unpack.h"
#include "url.h"

/* Everything a build needs that can be checked before touching the disk or network. */
struct plan {
  char *piecefile_path;
  struct piecefile piecefile;
  char *shown_url; /* FROM_URL without a password */
  char *name;
  char *destination;
  struct fetch_settings fetch_settings;
  struct unpack_limits limits;
};

static void
plan_release(struct plan *plan)
{
  free(plan->piecefile_path);
  piecefile_free(&plan->piecefile);
  free(plan->shown_url);
  free(plan->name);
  free(plan->destination);
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

static int
make_plan(const struct build_options *options, struct plan *plan)
{
  plan->piecefile_path = piecefile_path(options->directory);
  if (plan->piecefile_path == NULL)
    return fail("out of memory");
  if (piecefile_load(plan->piecefile_path, &plan->piecefile) < 0)
    return -1;
  if (url_redact(plan->piecefile.from_url, &plan->shown_url) < 0 ||
      choose_name(options, plan) < 0)
    return -1;
  if (fetch_settings_from_env(&plan->fetch_settings) < 0 ||
      unpack_limits_from_env(&plan->limits) < 0)
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

/* Download FROM_URL into bundlefd/rootfs and return the download's digest. */
static int
fill_rootfs(const struct plan *plan, int bundlefd, char sha256[FETCH_SHA256_HEX_SIZE])
{
  _cleanup_close_ int rootfd = -1;
  struct fetch *fetch = NULL;
  struct unpack_source source = {.name = plan->shown_url, .next_block = next_download_block};
  int ret = -1;

  /* 0755 unless the tarball's "./" entry says otherwise. */
  if (mkdirat(bundlefd, "rootfs", 0755) < 0)
    return fail_errno("create rootfs");
  rootfd = openat(bundlefd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (rootfd < 0)
    return fail_errno("open rootfs");
  if (fetch_open(plan->piecefile.from_url, plan->shown_url, &plan->fetch_settings, &fetch) < 0)
    return -1;
  source.context = fetch;
  if (unpack_archive(rootfd, &source, &plan->limits) == 0 && fetch_digest(fetch, sha256) == 0)
    ret = 0;
  fetch_free(fetch);
  return ret;
}

static int
fill_bundle(const struct plan *plan, int bundlefd)
{
  char sha256[FETCH_SHA256_HEX_SIZE];
  struct oci_config_input config = {
      .name = plan->name,
      .args = plan->piecefile.cmd,
      .source_url = plan->shown_url,
      .sha256 = sha256,
  };

  if (fill_rootfs(plan, bundlefd, sha256) < 0)
    return -1;
  log_note("%s: sha256:%s", plan->shown_url, sha256);
  if (oci_config_write(bundlefd, &config) < 0)
    return -1;
  /* Everything on disk before the rename makes it visible: after a crash the bundle is
   * either the old one or the complete new one. */
  if (syncfs(bundlefd) < 0)
    return fail_errno("sync the bundle");
  return 0;
}

static int
check_interrupted(void)
{
  return signals_received() ? fail("interrupted") : 0;
}

int
build_run(const struct build_options *options, char **bundle)
{
  struct plan plan = {0};
  struct store_build store;
  int ret = -1;

  if (make_plan(options, &plan) < 0 || check_interrupted() < 0)
    goto out;
  if (plan.piecefile.cmd_line == 0)
    log_note("%s: no CMD; the bundle runs %s", plan.piecefile_path, PIECEFILE_DEFAULT_CMD);
  if (store_begin(plan.destination, &store) < 0 || fill_bundle(&plan, store.fd) < 0 ||
      check_interrupted() < 0 || store_publish(&store) < 0) {
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
