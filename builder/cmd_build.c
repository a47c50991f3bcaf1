/* pieces-build [OPTIONS] DIR, and pieces-build --check DIR. */
#include <curl/curl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "commands.h"
#include "error.h"
#include "kvlist.h"
#include "log.h"
#include "signals.h"

enum { OPTION_BUILD_ARG = 256, OPTION_RUNTIME, OPTION_CHECK };

/* --build-arg NAME=VALUE, or NAME alone for the value pieces-build's environment has
 * (none when it has none), as docker build does. */
static int
add_build_arg(struct kvlist *args, const char *text)
{
  const char *equals = strchr(text, '=');
  char *name = equals ? strndup(text, equals - text) : strdup(text);
  int r;

  if (name == NULL)
    return fail("out of memory");
  if (name[0] == '\0') {
    free(name);
    return fail("--build-arg '%s': the name is empty; write --build-arg NAME=VALUE", text);
  }
  r = kvlist_set(args, name, equals ? equals + 1 : getenv(name));
  free(name);
  return r;
}

static int
exit_status_after_failure(int status)
{
  int signo = signals_received();

  if (signo == 0)
    return status;
  log_error("interrupted by %s; nothing was published", signo == SIGINT ? "SIGINT" : "SIGTERM");
  return 128 + signo;
}

static int
build(const struct build_options *options)
{
  char *bundle = NULL;
  int status = 1;

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    log_error("cannot initialise libcurl");
    return 1;
  }
  if (build_run(options, &bundle, &status) < 0) {
    if (!signals_received())
      log_error("%s", error_message());
    curl_global_cleanup();
    return exit_status_after_failure(status);
  }
  curl_global_cleanup();
  if (printf("%s\n", bundle) < 0 || fflush(stdout) != 0) {
    log_error("write the bundle path to stdout: %m");
    free(bundle);
    return 1;
  }
  free(bundle);
  return 0;
}

static int
check(const struct build_options *options)
{
  if (options->output || options->name || options->runtime) {
    log_error("--check takes no -o, -t or --runtime: it builds nothing");
    return 2;
  }
  if (build_check(options) < 0) {
    log_error("%s", error_message());
    return 1;
  }
  return 0;
}

int
cmd_build(int argc, char **argv)
{
  static const struct option long_options[] = {
      {"output", required_argument, NULL, 'o'},
      {"tag", required_argument, NULL, 't'},
      {"quiet", no_argument, NULL, 'q'},
      {"build-arg", required_argument, NULL, OPTION_BUILD_ARG},
      {"runtime", required_argument, NULL, OPTION_RUNTIME},
      {"check", no_argument, NULL, OPTION_CHECK},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  _cleanup_kvlist_ struct kvlist build_args = {0};
  struct build_options options = {.build_args = &build_args};
  bool check_only = false;
  int c;

  while ((c = getopt_long(argc, argv, "o:t:qh", long_options, NULL)) != -1) {
    switch (c) {
    case 'o':
      options.output = optarg;
      break;
    case 't':
      options.name = optarg;
      break;
    case 'q':
      log_set_quiet(true);
      break;
    case OPTION_BUILD_ARG:
      if (add_build_arg(&build_args, optarg) < 0) {
        log_error("%s", error_message());
        return 2;
      }
      break;
    case OPTION_RUNTIME:
      options.runtime = optarg;
      break;
    case OPTION_CHECK:
      check_only = true;
      break;
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (optind != argc - 1 || argv[optind][0] == '\0' ||
      (options.output && options.output[0] == '\0') ||
      (options.runtime && options.runtime[0] == '\0')) {
    usage(stderr);
    return 2;
  }
  options.directory = argv[optind];
  return check_only ? check(&options) : build(&options);
}
