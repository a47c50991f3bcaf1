/* Option parsing for the commands; see options.h. */
#include "options.h"
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct option_def *
find_long(const struct option_def *defs, const char *name, size_t len)
{
  for (; defs && defs->name; defs++)
    if (strlen(defs->name) == len && strncmp(defs->name, name, len) == 0)
      return defs;
  return NULL;
}

static const struct option_def *
find_short(const struct option_def *defs, char c)
{
  for (; defs && defs->name; defs++)
    if (defs->short_name && defs->short_name == c)
      return defs;
  return NULL;
}

/* Take one option at ARGV[*i]; a value may be attached ("--x=v") or the next word. */
static int
take_option(const struct command_line *cl, int argc, char **argv, int *i)
{
  const char *arg = argv[*i];
  const struct option_def *def;
  const char *attached = NULL;
  if (arg[1] == '-') {
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    def = find_long(cl->options, name, eq ? (size_t)(eq - name) : strlen(name));
    attached = eq ? eq + 1 : NULL;
  } else {
    def = arg[2] == '\0' ? find_short(cl->options, arg[1]) : NULL;
  }
  if (def == NULL)
    return fail("%s: unknown option '%s' (see pieces-run %s --help)", cl->command, arg,
                cl->command);
  if (!def->takes_value) {
    if (attached)
      return fail("%s: option '--%s' takes no value", cl->command, def->name);
    (*def->count)++;
    return 0;
  }
  if (attached == NULL) {
    if (*i + 1 >= argc)
      return fail("%s: option '--%s' needs a value", cl->command, def->name);
    attached = argv[++*i];
  }
  if (def->list)
    def->list[(*def->list_count)++] = attached;
  else
    *def->value = attached;
  return 0;
}

static bool
is_help(const char *arg)
{
  return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int
options_parse(const struct command_line *cl, int argc, char **argv, char **positional, int *n)
{
  bool options_done = false;
  *n = 0;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (!options_done && cl->options_end_after >= 0 && *n >= cl->options_end_after)
      options_done = true;
    if (!options_done && strcmp(arg, "--") == 0) {
      options_done = true;
      continue;
    }
    if (!options_done && is_help(arg)) {
      printf("%s", cl->usage);
      return 1;
    }
    if (!options_done && arg[0] == '-' && arg[1] != '\0') {
      if (take_option(cl, argc, argv, &i) < 0)
        return -1;
      continue;
    }
    positional[(*n)++] = argv[i];
  }
  if (*n < cl->min_positional)
    return fail("%s: %s (see pieces-run %s --help)", cl->command,
                cl->min_positional == 1 ? "a container ID is required" : "missing arguments",
                cl->command);
  if (cl->max_positional >= 0 && *n > cl->max_positional)
    return fail("%s: unexpected argument '%s'", cl->command, positional[cl->max_positional]);
  return 0;
}

int
options_parse_fd_count(const char *command, const char *text, int *out)
{
  char *end;
  long n;
  if (text == NULL) {
    *out = 0;
    return 0;
  }
  errno = 0;
  n = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || n < 0 || n > 1024)
    return fail("%s: --preserve-fds '%s': must be a number from 0 to 1024", command, text);
  *out = (int)n;
  return 0;
}
