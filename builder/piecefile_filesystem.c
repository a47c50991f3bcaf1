/* WORKDIR, USER and COPY: where and as whom the steps act on the root filesystem.
 * Paths inside the image are made absolute and clean here, lexically; the build
 * resolves them inside the root filesystem, never on the host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "cleanup.h"
#include "entry_path.h"
#include "error.h"
#include "piecefile_internal.h"
#include "strv.h"

/* base (absolute, clean) joined with path, then clean: "." dropped, ".." going up but
 * never above "/", repeated and trailing slashes dropped. */
static int
image_path(const char *base, const char *path, char **out)
{
  _cleanup_buffer_ struct buffer result = {0};
  _cleanup_free_ char *joined = NULL;
  const char *p;

  if (asprintf(&joined, "%s/%s", path[0] == '/' ? "" : base, path) < 0)
    return fail("out of memory");
  if (strlen(joined) >= ENTRY_PATH_MAX)
    return fail("the path '%s' is longer than %d bytes", path, ENTRY_PATH_MAX - 1);
  for (p = joined; *p;) {
    size_t len = strcspn(p, "/");

    if (len == 2 && p[0] == '.' && p[1] == '.') {
      while (result.len > 0 && result.data[--result.len] != '/')
        ;
      if (result.data)
        result.data[result.len] = '\0';
    } else if (len > 0 && !(len == 1 && p[0] == '.')) {
      if (buffer_append_char(&result, '/') < 0 || buffer_append(&result, p, len) < 0)
        return -1;
    }
    p += len;
    while (*p == '/')
      p++;
  }
  if (result.len == 0 && buffer_append_char(&result, '/') < 0)
    return -1;
  *out = buffer_steal(&result);
  return *out ? 0 : fail("out of memory");
}

int
parse_workdir(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_free_ char *path = NULL;
  _cleanup_free_ char *absolute = NULL;
  struct piecefile_step *step;

  if (parser_require_from_url(p, "WORKDIR") < 0)
    return -1;
  if (words_expand(args, &p->vars, 0, &path) < 0)
    return fail_context("WORKDIR");
  if (path[0] == '\0')
    return fail("WORKDIR: the path is empty");
  if (image_path(p->workdir, path, &absolute) < 0)
    return fail_context("WORKDIR");
  step = parser_add_step(p, PIECEFILE_WORKDIR, line);
  if (step == NULL || piecefile_user_copy(&p->user, &step->user) < 0)
    return -1;
  step->path = strdup(absolute);
  if (step->path == NULL)
    return fail("out of memory");
  free(p->workdir);
  p->workdir = steal_pointer(&absolute);
  return 0;
}

static int
make_user(const char *text, const char *shown_as, unsigned number, struct piecefile_user *user)
{
  struct piecefile_user made = {.line = number};

  if (user_spec_parse(text, &made.spec) < 0)
    return -1;
  if (asprintf(&made.text, "%s", shown_as) < 0) {
    made.text = NULL;
    piecefile_user_release(&made);
    return fail("out of memory");
  }
  piecefile_user_release(user);
  *user = made;
  return 0;
}

int
parse_user(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_free_ char *shown = NULL;

  if (words_expand(args, &p->vars, 0, &text) < 0)
    return fail_context("USER");
  if (asprintf(&shown, "USER %s", text) < 0) {
    shown = NULL;
    return fail("out of memory");
  }
  if (make_user(text, shown, line->number, &p->user) < 0)
    return fail_context("USER");
  return 0;
}

static int
parse_chmod(const char *value, int *mode)
{
  char *end;
  long parsed;

  if (value[0] < '0' || value[0] > '7')
    return fail("COPY: --chmod=%s: give the mode in octal, like --chmod=0755", value);
  parsed = strtol(value, &end, 8);
  if (*end != '\0' || parsed > 07777)
    return fail("COPY: --chmod=%s: give the mode in octal, like --chmod=0755", value);
  *mode = parsed;
  return 0;
}

static int
parse_copy_flag(struct parser *p, const struct instruction_line *line, const char *flag,
                struct piecefile_step *step)
{
  const char *equals = strchr(flag, '=');
  size_t name_len = equals ? (size_t)(equals - flag) : strlen(flag);
  _cleanup_free_ char *shown = NULL;

  if (name_len == 7 && strncmp(flag, "--chown", 7) == 0) {
    if (equals == NULL || equals[1] == '\0')
      return fail("COPY: --chown needs a value: --chown=USER[:GROUP]");
    if (asprintf(&shown, "COPY --chown=%s", equals + 1) < 0) {
      shown = NULL;
      return fail("out of memory");
    }
    if (make_user(equals + 1, shown, line->number, &step->user) < 0)
      return fail_context("COPY: --chown");
    return 0;
  }
  if (name_len == 7 && strncmp(flag, "--chmod", 7) == 0) {
    if (equals == NULL || equals[1] == '\0')
      return fail("COPY: --chmod needs a value: --chmod=MODE, in octal");
    return parse_chmod(equals + 1, &step->chmod);
  }
  return fail("COPY: unknown flag '%.*s' (known: --chown, --chmod)", (int)name_len, flag);
}

/* The flags (--chown=..., --chmod=...) come first, in either form. */
static int
parse_copy_flags(struct parser *p, const struct instruction_line *line, const char **args,
                 struct piecefile_step *step)
{
  while ((*args)[0] == '-' && (*args)[1] == '-') {
    size_t len = strcspn(*args, " \t");
    _cleanup_free_ char *raw = strndup(*args, len);
    _cleanup_free_ char *flag = NULL;

    if (raw == NULL)
      return fail("out of memory");
    if (words_expand(raw, &p->vars, 0, &flag) < 0)
      return fail_context("COPY");
    if (parse_copy_flag(p, line, flag, step) < 0)
      return -1;
    *args += len;
    *args += strspn(*args, " \t");
  }
  return 0;
}

/* The JSON form, for names with blanks: ["src", ..., "dest"], substituted like the
 * shell form but with its quotes left to JSON. */
static int
copy_json_words(struct parser *p, const struct instruction_line *line, const char *args,
                char ***words)
{
  _cleanup_strv_ char **raw = NULL;
  _cleanup_strv_ char **expanded = NULL;
  size_t count = 0;

  if (parse_json_strings("COPY", line, args, 2, "[\"app.conf\", \"/etc/app/\"]", &raw) < 0)
    return -1;
  for (size_t i = 0; raw[i]; i++) {
    _cleanup_free_ char *word = NULL;

    if (words_expand(raw[i], &p->vars, WORDS_LITERAL_QUOTES, &word) < 0)
      return fail_context("COPY");
    if (strv_append(&expanded, &count, word, strlen(word)) < 0)
      return -1;
  }
  *words = steal_pointer(&expanded);
  return 0;
}

static bool
names_directory(const char *dest)
{
  size_t len = strlen(dest);
  const char *last = strrchr(dest, '/');

  last = last ? last + 1 : dest;
  return dest[len - 1] == '/' || strcmp(last, ".") == 0 || strcmp(last, "..") == 0;
}

static int
check_sources(char **sources)
{
  for (size_t i = 0; sources[i]; i++) {
    if (sources[i][0] == '\0')
      return fail("COPY: a source path is empty");
    if (strpbrk(sources[i], "*?["))
      return fail("COPY: '%s': wildcards are not supported; name the files or directories",
                  sources[i]);
  }
  return 0;
}

static int
fill_copy_step(struct parser *p, char **words, struct piecefile_step *step)
{
  size_t n = strv_length(words);
  const char *dest;
  size_t count = 0;

  if (n < 2)
    return fail("COPY needs a source and a destination");
  dest = words[n - 1];
  if (dest[0] == '\0')
    return fail("COPY: the destination is empty");
  step->path_is_directory = names_directory(dest);
  if (n > 2 && !step->path_is_directory)
    return fail("COPY: with more than one source the destination must be a directory, "
                "written with a trailing '/' ('%s/')",
                dest);
  if (image_path(p->workdir, dest, &step->path) < 0)
    return fail_context("COPY");
  step->sources = calloc(1, sizeof *step->sources);
  if (step->sources == NULL)
    return fail("out of memory");
  for (size_t i = 0; i + 1 < n; i++)
    if (strv_append(&step->sources, &count, words[i], strlen(words[i])) < 0)
      return -1;
  return check_sources(step->sources);
}

int
parse_copy(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_strv_ char **words = NULL;
  struct piecefile_step *step;

  if (parser_require_from_url(p, "COPY") < 0)
    return -1;
  step = parser_add_step(p, PIECEFILE_COPY, line);
  if (step == NULL || parse_copy_flags(p, line, &args, step) < 0)
    return -1;
  if (args[0] == '[') {
    if (copy_json_words(p, line, args, &words) < 0)
      return -1;
  } else if (words_split(args, &p->vars, &words) < 0) {
    return fail_context("COPY");
  }
  return fill_copy_step(p, words, step);
}
