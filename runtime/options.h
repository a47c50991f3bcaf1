/* Command-line options of the commands, parsed the way runc's users and engines
 * write them: "--name value" and "--name=value", short aliases, flags in any order
 * among the positional arguments, "--" to end the options.
 */
#ifndef PIECES_OPTIONS_H
#define PIECES_OPTIONS_H

#include <stdbool.h>

struct option_def {
  const char *name; /* long name without "--" */
  char short_name;  /* 0 for none */
  bool takes_value;
  const char **value; /* where the value goes (takes_value) */
  int *count;         /* incremented each time the flag appears (!takes_value) */
  const char **list;  /* a repeatable option: every value is appended here (capacity argc) */
  int *list_count;
};

/* Table entries: a valued option, a flag, a repeatable option, and the end mark. */
#define OPTION_VALUE(name, short_name, value)                                                  \
  {                                                                                            \
    name, short_name, true, value, NULL, NULL, NULL                                            \
  }
#define OPTION_FLAG(name, short_name, count)                                                   \
  {                                                                                            \
    name, short_name, false, NULL, count, NULL, NULL                                           \
  }
#define OPTION_LIST(name, short_name, list, n)                                                 \
  {                                                                                            \
    name, short_name, true, NULL, NULL, list, n                                                \
  }
#define OPTION_END                                                                             \
  {                                                                                            \
    NULL, 0, false, NULL, NULL, NULL, NULL                                                     \
  }

struct command_line {
  const char *command; /* for messages: "create" */
  const char *usage;   /* printed for --help */
  const struct option_def *options;
  int min_positional, max_positional; /* max -1: no limit */
  /* Stop taking options after this many positional arguments (exec ID CMD...: 1);
     -1 to take options anywhere. */
  int options_end_after;
};

/* Parse ARGV (ARGV[0] is the command name).  Positional arguments are stored in
   POSITIONAL (capacity argc) and counted in *N.  Returns 1 if --help was printed,
   0 on success, -1 with the error recorded. */
int options_parse(const struct command_line *cl, int argc, char **argv, char **positional,
                  int *n);

/* --preserve-fds N: a count of fds, 0 to 1024, or an error naming COMMAND.  A
   negative or huge number would otherwise make the runtime keep its own fds open in
   the container. */
int options_parse_fd_count(const char *command, const char *text, int *out);

#endif
