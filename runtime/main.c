/* pieces-run: run OCI bundles.
 *
 *   pieces-run [GLOBAL OPTIONS] BUNDLE [COMMAND [ARG...]]
 *   pieces-run [GLOBAL OPTIONS] COMMAND [OPTIONS] ID
 */
#include "commands.h"
#include "error.h"
#include "log.h"
#include "sealed_exe.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define PIECES_VERSION      "0.1.0"
#define PIECES_SPEC_VERSION "1.0.2"

struct command {
  const char *name;
  int (*run)(const struct global_options *g, int argc, char **argv);
  const char *summary;
  bool starts_processes; /* makes processes that run in a container */
};

static const struct command commands[] = {
    {"create", cmd_create, "create a container that waits for start", true},
    {"start", cmd_start, "start the user process of a created container", false},
    {"state", cmd_state, "print the state of a container", false},
    {"kill", cmd_kill, "send a signal to a container", false},
    {"delete", cmd_delete, "remove a stopped (or, with --force, any) container", false},
    {"run", cmd_run, "create and start a container, in the foreground or detached", true},
    {"exec", cmd_exec, "run a new process in a running container", true},
    {"list", cmd_list, "list the containers", false},
    {"ps", cmd_ps, "list the processes of a container", false},
    {"pause", cmd_pause, "freeze every process of a container", false},
    {"resume", cmd_resume, "thaw a paused container", false},
    {"update", cmd_update, "change the resource limits of a container", false},
    {"spec", cmd_spec, "write a default config.json", false},
    {"features", cmd_features, "print what this runtime supports, as JSON", false},
};

int
command_failed(void)
{
  log_error("%s", error_message());
  return 1;
}

static void
print_usage(FILE *out)
{
  fprintf(out, "usage: pieces-run [GLOBAL OPTIONS] BUNDLE [COMMAND [ARG...]]\n"
               "       pieces-run [GLOBAL OPTIONS] COMMAND [OPTIONS] ID\n\n"
               "BUNDLE is a directory with config.json and a root filesystem, or the\n"
               "name of a bundle in the store of pieces-build.  COMMAND replaces\n"
               "process.args.\n\nCommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nGlobal options:\n"
               "  --root DIR          state directory (default /run/pieces)\n"
               "  --log FILE          also write messages to FILE\n"
               "  --log-format FMT    text or json\n"
               "  --debug             print debug messages\n"
               "  --version, --help\n");
}

/* "--name value" or "--name=value"; returns the value and advances *i. */
static const char *
option_value(int argc, char **argv, int *i, const char *name)
{
  size_t len = strlen(name);
  if (strncmp(argv[*i], name, len) != 0)
    return NULL;
  if (argv[*i][len] == '=')
    return argv[*i] + len + 1;
  if (argv[*i][len] == '\0' && *i + 1 < argc)
    return argv[++*i];
  return NULL;
}

/* Parse the options before the command; returns the index of the first other word,
   or -1 after printing an error. */
static int
parse_global_options(int argc, char **argv, struct global_options *g)
{
  int i;
  for (i = 1; i < argc && argv[i][0] == '-'; i++) {
    const char *v;
    if ((v = option_value(argc, argv, &i, "--root")))
      g->root = v;
    else if ((v = option_value(argc, argv, &i, "--log")))
      g->log_path = v;
    else if ((v = option_value(argc, argv, &i, "--log-format")))
      g->log_format = v;
    else if (strcmp(argv[i], "--debug") == 0)
      g->debug = 1;
    else if (strcmp(argv[i], "--systemd-cgroup") == 0)
      g->systemd_cgroup = 1;
    else if (strcmp(argv[i], "--") == 0)
      return i + 1;
    else
      return fail("unknown global option '%s' (see pieces-run --help)", argv[i]);
  }
  return i;
}

int
main(int argc, char **argv)
{
  struct global_options g = {.root = "/run/pieces", .log_format = "text"};
  if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
    printf("pieces-run version %s\nspec: %s\n", PIECES_VERSION, PIECES_SPEC_VERSION);
    return 0;
  }
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    print_usage(stdout);
    return 0;
  }
  int first = parse_global_options(argc, argv, &g);
  enum log_format format =
      strcmp(g.log_format, "json") == 0 ? LOG_FORMAT_JSON : LOG_FORMAT_TEXT;
  if (first < 0 || (strcmp(g.log_format, "json") && strcmp(g.log_format, "text") &&
                    fail("--log-format: must be text or json, not '%s'", g.log_format)))
    goto error;
  if (log_open(g.log_path, format, g.debug) < 0)
    goto error;
  if (first >= argc) {
    print_usage(stderr);
    return 1;
  }
  const struct command *cmd = NULL;
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (strcmp(argv[first], commands[i].name) == 0)
      cmd = &commands[i];
  /* Before any process of a container can exist, and so before anything is parsed
     from the bundle. */
  if ((cmd == NULL || cmd->starts_processes) && sealed_exe_ensure(argv) < 0)
    goto error;
  if (cmd)
    return cmd->run(&g, argc - first, argv + first);
  return cmd_run_bundle(&g, argc - first, argv + first);
error:
  log_error("%s", error_message());
  return 1;
}
