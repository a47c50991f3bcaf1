/* CMD, ENTRYPOINT and RUN: a command in the JSON form or the shell form.  None of them
 * is substituted: the text goes to the program, or to the shell, as written. */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"
#include "piecefile_internal.h"
#include "shell_words.h"
#include "strv.h"

int
parse_json_strings(const char *keyword, const struct instruction_line *line, const char *args,
                   size_t min, const char *example, char ***strings)
{
  _cleanup_json_ json_t *array = NULL;
  _cleanup_strv_ char **words = calloc(1, sizeof *words);
  size_t count = 0;
  size_t index;
  json_t *item;
  json_error_t error;

  if (words == NULL)
    return fail("out of memory");
  array = json_loads(args, 0, &error);
  if (array == NULL)
    return fail("%s: bad JSON at column %zu: %s", keyword, line->args_column + error.column - 1,
                error.text);
  if (!json_is_array(array) || json_array_size(array) < min)
    return fail("%s: the JSON form must be %s array of strings, like %s", keyword,
                min == 1 ? "a non-empty" : "an", example);
  json_array_foreach (array, index, item) {
    if (!json_is_string(item))
      return fail("%s: element %zu of the JSON array is not a string", keyword, index);
    if (memchr(json_string_value(item), '\0', json_string_length(item)))
      return fail("%s: element %zu of the JSON array contains a NUL character", keyword, index);
    if (strv_append(&words, &count, json_string_value(item), json_string_length(item)) < 0)
      return -1;
  }
  *strings = steal_pointer(&words);
  return 0;
}

/* Like Dockerfiles: a leading '[' selects the JSON (exec) form.  Unlike Docker, bad JSON
 * is an error rather than a silent fall-back to the shell form, which would run
 * something the author did not mean. */
static int
parse_json_command(const char *keyword, const struct instruction_line *line, const char *args,
                   char ***argv)
{
  if (parse_json_strings(keyword, line, args, 1, "[\"ps\", \"aux\"]", argv) < 0)
    return -1;
  if ((*argv)[0][0] == '\0') {
    strv_free(*argv);
    *argv = NULL;
    return fail("%s: the program name is empty", keyword);
  }
  return 0;
}

/* The shell form of ENTRYPOINT and RUN: the text, as written, run by /bin/sh -c. */
static int
shell_command(const char *text, char ***argv)
{
  size_t count = 0;

  if (strv_append(argv, &count, "/bin/sh", 7) < 0 || strv_append(argv, &count, "-c", 2) < 0 ||
      strv_append(argv, &count, text, strlen(text)) < 0)
    return -1;
  return 0;
}

int
parse_cmd(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_strv_ char **argv = NULL;

  /* The shell form of CMD is split into words without a shell, as the original Pieces
   * did; `CMD sh -c '...'` asks for one. */
  if (args[0] == '[') {
    if (parse_json_command("CMD", line, args, &argv) < 0)
      return -1;
  } else if (shell_words_split(args, &argv) < 0) {
    return fail_context("CMD");
  }
  if (argv[0][0] == '\0')
    return fail("CMD: the program name is empty");
  p->cmd = steal_pointer(&argv);
  p->pf->cmd_line = line->number;
  return 0;
}

int
parse_entrypoint(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_strv_ char **argv = NULL;

  p->entrypoint_shell = args[0] != '[';
  if (p->entrypoint_shell ? shell_command(args, &argv) < 0
                          : parse_json_command("ENTRYPOINT", line, args, &argv) < 0)
    return -1;
  p->entrypoint = steal_pointer(&argv);
  p->pf->entrypoint_line = line->number;
  return 0;
}

int
parse_run(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_strv_ char **argv = NULL;
  struct piecefile_step *step;

  if (parser_require_from_url(p, "RUN") < 0)
    return -1;
  if (args[0] == '[' ? parse_json_command("RUN", line, args, &argv) < 0
                     : shell_command(args, &argv) < 0)
    return -1;
  step = parser_add_step(p, PIECEFILE_RUN, line);
  if (step == NULL)
    return -1;
  step->args = steal_pointer(&argv);
  step->cwd = strdup(p->workdir);
  if (step->cwd == NULL)
    return fail("out of memory");
  if (piecefile_user_copy(&p->user, &step->user) < 0)
    return -1;
  return parser_run_env(p, &step->env);
}
