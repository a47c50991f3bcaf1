/* pieces-build: make an OCI bundle from a Piecefile.
 *
 *   pieces-build [-o OUTDIR] [-t NAME] [-q] DIR
 *
 * Exit status: 0 on success, 1 when the build failed, 2 for a bad command line,
 * 128 + N when stopped by signal N (SIGINT, SIGTERM).  On any failure nothing is
 * published and an earlier bundle at the destination is left as it was.
 */
#include <curl/curl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "build.h"
#include "error.h"
#include "log.h"
#include "signals.h"

static void
usage(FILE *out)
{
  fputs("usage: pieces-build [-o OUTDIR] [-t NAME] [-q] DIR\n"
        "\n"
        "Build an OCI bundle (rootfs/ and config.json) from DIR/Piecefile and print its\n"
        "path.\n"
        "\n"
        "  -o, --output OUTDIR  write the bundle to OUTDIR instead of the store\n"
        "  -t, --tag NAME       name the bundle NAME instead of after the tarball\n"
        "  -q, --quiet          no progress bar and no notes, only errors and warnings\n"
        "  -h, --help           show this help\n"
        "\n"
        "The store is $PIECES_STORE/bundles, else /var/lib/pieces/bundles for root,\n"
        "else $XDG_DATA_HOME/pieces/bundles (~/.local/share/pieces/bundles).\n",
        out);
}

/* Removing a deep tree keeps one fd per level open; allow as many as the system does. */
static void
raise_fd_limit(void)
{
  struct rlimit limit;

  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &limit);
  }
}

static int
exit_status_after_failure(void)
{
  int signo = signals_received();

  if (signo == 0)
    return 1;
  log_error("interrupted by %s; nothing was published", signo == SIGINT ? "SIGINT" : "SIGTERM");
  return 128 + signo;
}

int
main(int argc, char **argv)
{
  static const struct option long_options[] = {
      {"output", required_argument, NULL, 'o'},
      {"tag", required_argument, NULL, 't'},
      {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  struct build_options options = {0};
  char *bundle = NULL;
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
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (optind != argc - 1 || argv[optind][0] == '\0' ||
      (options.output && options.output[0] == '\0')) {
    usage(stderr);
    return 2;
  }
  options.directory = argv[optind];

  /* libarchive converts pax (UTF-8) names to the locale's charset; with plain "C" any
   * non-ASCII name would fail to convert. */
  setlocale(LC_CTYPE, "C.UTF-8");
  /* Modes come from the tarball and from this program, never from the caller's umask. */
  umask(0);
  raise_fd_limit();
  if (signals_install() < 0) {
    log_error("%s", error_message());
    return 1;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    log_error("cannot initialise libcurl");
    return 1;
  }

  if (build_run(&options, &bundle) < 0) {
    int status;

    if (!signals_received())
      log_error("%s", error_message());
    status = exit_status_after_failure();
    curl_global_cleanup();
    return status;
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
