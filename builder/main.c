/* pieces-build: make OCI bundles from Piecefiles, and manage the ones in the store.
 *
 *   pieces-build [-o OUTDIR] [-t NAME] [-q] [--build-arg NAME=VALUE]... [--runtime PATH] DIR
 *   pieces-build --check [--build-arg NAME=VALUE]... DIR
 *   pieces-build list [--format table|json]
 *   pieces-build rm NAME...
 *   pieces-build prune
 *
 * Exit status: 0 on success, 1 on failure, 2 for a bad command line, the status of a
 * RUN step that failed, 128 + N when stopped by signal N (SIGINT, SIGTERM).  On any
 * failure of a build nothing is published and an earlier bundle at the destination is
 * left as it was.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "commands.h"
#include "error.h"
#include "log.h"
#include "signals.h"

void
usage(FILE *out)
{
  fputs("usage: pieces-build [OPTIONS] DIR\n"
        "       pieces-build --check [--build-arg NAME=VALUE]... DIR\n"
        "       pieces-build list [--format table|json]\n"
        "       pieces-build rm NAME...\n"
        "       pieces-build prune\n"
        "\n"
        "Build an OCI bundle (rootfs/ and config.json) from DIR/Piecefile and print its\n"
        "path; or list, remove and prune what the store holds.\n"
        "\n"
        "  -o, --output OUTDIR        write the bundle to OUTDIR instead of the store\n"
        "  -t, --tag NAME             name the bundle NAME instead of after the tarball\n"
        "  -q, --quiet                no progress bar and no notes, only errors and warnings\n"
        "      --build-arg NAME=VALUE set an ARG (NAME alone: its value from the environment)\n"
        "      --runtime PATH         run RUN steps with this OCI runtime (runc, crun, ...)\n"
        "                             instead of pieces-run\n"
        "      --check                only check the Piecefile and COPY sources; no network\n"
        "  -h, --help                 show this help\n"
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

int
main(int argc, char **argv)
{
  static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
  } commands[] = {{"list", cmd_list}, {"rm", cmd_rm}, {"prune", cmd_prune}};

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
  /* A build directory named like a command is written ./list. */
  for (size_t i = 0; argc > 1 && i < sizeof commands / sizeof *commands; i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  return cmd_build(argc, argv);
}
