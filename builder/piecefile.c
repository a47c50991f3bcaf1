#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "piecefile.h"
#include "shell_words.h"
#include "strv.h"
#include "url.h"

/* One instruction after continuation lines are joined. */
struct instruction_line {
  unsigned number;    /* the line the instruction starts on */
  size_t args_column; /* 1-based column of its arguments on that line */
};

typedef int (*instruction_parser)(struct piecefile *pf, const struct instruction_line *line,
                                  const char *args);

/* Adding an instruction means adding a row here and its parser below; the loop in
 * parse_instruction does keyword matching, repetition and empty-argument checks
 * for all of them, so every instruction reports those errors the same way. */
struct instruction {
  const char *keyword;
  const char *argument; /* what it needs, for "FROM_URL needs a URL" */
  bool repeatable;
  instruction_parser parse;
};

static int parse_from_url(struct piecefile *pf, const struct instruction_line *line,
                          const char *args);
static int parse_cmd(struct piecefile *pf, const struct instruction_line *line,
                     const char *args);

static const struct instruction instructions[] = {
    {"FROM_URL", "a URL", false, parse_from_url},
    {"CMD", "a command", false, parse_cmd},
};

#define N_INSTRUCTIONS (sizeof instructions / sizeof *instructions)

struct parser {
  const char *path;
  struct piecefile *pf;
  unsigned seen_on_line[N_INSTRUCTIONS]; /* 0 until the instruction is seen */
};

static void
cleanup_json(json_t **value)
{
  json_decref(*value);
}
#define _cleanup_json_ __attribute__((cleanup(cleanup_json)))

static bool
is_blank(char c)
{
  return c == ' ' || c == '\t';
}

static int
parse_from_url(struct piecefile *pf, const struct instruction_line *line, const char *args)
{
  if (url_check(args) < 0)
    return fail_context("FROM_URL");
  pf->from_url = strdup(args);
  if (pf->from_url == NULL)
    return fail("out of memory");
  pf->from_url_line = line->number;
  return 0;
}

static int
parse_cmd_json(const struct instruction_line *line, const char *args, char ***argv)
{
  _cleanup_json_ json_t *array = NULL;
  _cleanup_strv_ char **words = NULL;
  size_t count = 0;
  size_t index;
  json_t *item;
  json_error_t error;

  array = json_loads(args, 0, &error);
  if (array == NULL)
    return fail("CMD: bad JSON at column %zu: %s", line->args_column + error.column - 1,
                error.text);
  if (!json_is_array(array) || json_array_size(array) == 0)
    return fail("CMD: the JSON form must be a non-empty array of strings, like "
                "[\"ps\", \"aux\"]");
  json_array_foreach (array, index, item) {
    if (!json_is_string(item))
      return fail("CMD: element %zu of the JSON array is not a string", index);
    if (strv_append(&words, &count, json_string_value(item), json_string_length(item)) < 0)
      return -1;
  }
  *argv = steal_pointer(&words);
  return 0;
}

static int
parse_cmd(struct piecefile *pf, const struct instruction_line *line, const char *args)
{
  _cleanup_strv_ char **argv = NULL;

  /* Like Dockerfiles: a leading '[' selects the JSON (exec) form.  Unlike Docker, bad
   * JSON is an error rather than a silent fall-back to the shell form, which would
   * run something the author did not mean. */
  if (args[0] == '[') {
    if (parse_cmd_json(line, args, &argv) < 0)
      return -1;
  } else if (shell_words_split(args, &argv) < 0) {
    return fail_context("CMD");
  }
  if (argv[0][0] == '\0')
    return fail("CMD: the program name is empty");
  pf->cmd = steal_pointer(&argv);
  pf->cmd_line = line->number;
  return 0;
}

static void
list_keywords(char *buf, size_t size)
{
  size_t used = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < N_INSTRUCTIONS && used < size; i++)
    used += snprintf(buf + used, size - used, "%s%s", i ? ", " : "", instructions[i].keyword);
}

/* text is one instruction, continuations joined; it is modified in place. */
static int
parse_instruction(struct parser *p, char *text, unsigned number)
{
  char *keyword = text;
  size_t keyword_len;
  char *args;
  char *end;
  const struct instruction *ins = NULL;
  struct instruction_line line = {.number = number};
  size_t i;

  while (is_blank(*keyword))
    keyword++;
  keyword_len = strcspn(keyword, " \t");
  args = keyword + keyword_len;
  while (is_blank(*args))
    args++;
  end = args + strlen(args);
  while (end > args && is_blank(end[-1]))
    *--end = '\0';
  line.args_column = args - text + 1;

  for (i = 0; i < N_INSTRUCTIONS; i++) {
    if (strlen(instructions[i].keyword) == keyword_len &&
        strncasecmp(keyword, instructions[i].keyword, keyword_len) == 0) {
      ins = &instructions[i];
      break;
    }
  }
  if (ins == NULL) {
    char known[256];

    list_keywords(known, sizeof known);
    return fail("%s:%u: unknown instruction '%.*s' (known: %s)", p->path, number,
                (int)(keyword_len > 64 ? 64 : keyword_len), keyword, known);
  }
  if (!ins->repeatable && p->seen_on_line[i])
    return fail("%s:%u: second %s instruction; the first is on line %u and only one is "
                "allowed",
                p->path, number, ins->keyword, p->seen_on_line[i]);
  if (*args == '\0')
    return fail("%s:%u: %s needs %s", p->path, number, ins->keyword, ins->argument);
  p->seen_on_line[i] = number;
  if (ins->parse(p->pf, &line, args) < 0)
    return fail_context("%s:%u", p->path, number);
  return 0;
}

static bool
is_blank_or_comment(const char *line, size_t len)
{
  size_t i = 0;

  while (i < len && is_blank(line[i]))
    i++;
  return i == len || line[i] == '#';
}

/* If the line ends in a backslash (trailing blanks allowed) it continues on the next
 * line: return the length without the backslash, and set *continues. */
static size_t
strip_continuation(const char *line, size_t len, bool *continues)
{
  size_t end = len;

  while (end > 0 && is_blank(line[end - 1]))
    end--;
  *continues = end > 0 && line[end - 1] == '\\';
  return *continues ? end - 1 : len;
}

static int
append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
  if (*len + n + 1 > *cap) {
    size_t grown = (*len + n + 1) * 2;
    char *p = realloc(*buf, grown);

    if (p == NULL)
      return fail("out of memory");
    *buf = p;
    *cap = grown;
  }
  memcpy(*buf + *len, s, n);
  *len += n;
  (*buf)[*len] = '\0';
  return 0;
}

static int
set_default_cmd(struct piecefile *pf)
{
  size_t count = 0;

  return strv_append(&pf->cmd, &count, PIECEFILE_DEFAULT_CMD, strlen(PIECEFILE_DEFAULT_CMD));
}

int
piecefile_parse(const char *text, size_t len, const char *path, struct piecefile *pf)
{
  struct parser p = {.path = path, .pf = pf};
  _cleanup_free_ char *pending = NULL; /* the instruction being assembled */
  size_t pending_len = 0, pending_cap = 0;
  unsigned pending_line = 0;
  unsigned number = 0;
  const char *pos = text;
  const char *end = text + len;
  const char *nul = memchr(text, '\0', len);

  memset(pf, 0, sizeof *pf);
  if (nul) {
    for (const char *c = text; c < nul; c++)
      number += *c == '\n';
    return fail("%s:%u: contains a NUL byte; a Piecefile is text", path, number + 1);
  }
  /* Editors on some systems start UTF-8 files with a byte-order mark. */
  if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
    pos += 3;

  while (pos < end) {
    const char *newline = memchr(pos, '\n', end - pos);
    const char *line = pos;
    size_t line_len = (newline ? newline : end) - pos;
    bool continues;

    pos = newline ? newline + 1 : end;
    number++;
    if (line_len > 0 && line[line_len - 1] == '\r')
      line_len--;
    /* Comment and blank lines are skipped, also between continued lines, as in
     * Dockerfiles. */
    if (is_blank_or_comment(line, line_len))
      continue;
    if (pending_line == 0)
      pending_line = number;
    line_len = strip_continuation(line, line_len, &continues);
    if (append(&pending, &pending_len, &pending_cap, line, line_len) < 0)
      return -1;
    if (continues)
      continue;
    if (parse_instruction(&p, pending, pending_line) < 0)
      goto fail;
    pending_len = 0;
    pending_line = 0;
  }
  /* A backslash on the last line continues into nothing. */
  if (pending_line != 0 && parse_instruction(&p, pending, pending_line) < 0)
    goto fail;

  if (pf->from_url == NULL) {
    fail("%s: no FROM_URL instruction; add one naming the root filesystem tarball, e.g. "
         "FROM_URL https://example.com/rootfs.tar.gz",
         path);
    goto fail;
  }
  if (pf->cmd == NULL && set_default_cmd(pf) < 0)
    goto fail;
  return 0;

fail:
  piecefile_free(pf);
  return -1;
}

int
piecefile_load(const char *path, struct piecefile *pf)
{
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  _cleanup_free_ char *text = NULL;
  struct stat st;
  size_t len = 0;

  if (fd < 0)
    return fail_errno("open '%s'", path);
  if (fstat(fd, &st) < 0)
    return fail_errno("stat '%s'", path);
  if (!S_ISREG(st.st_mode))
    return fail("'%s' is not a regular file", path);
  if (st.st_size > PIECEFILE_MAX_SIZE)
    return fail("'%s' is larger than %d bytes; a Piecefile should be a short text", path,
                PIECEFILE_MAX_SIZE);
  /* Read up to one byte past the limit, in case the file grew after fstat. */
  text = malloc(PIECEFILE_MAX_SIZE + 1);
  if (text == NULL)
    return fail("out of memory");
  for (;;) {
    ssize_t n = read(fd, text + len, PIECEFILE_MAX_SIZE + 1 - len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail_errno("read '%s'", path);
    if (n == 0)
      break;
    len += n;
    if (len > PIECEFILE_MAX_SIZE)
      return fail("'%s' is larger than %d bytes; a Piecefile should be a short text", path,
                  PIECEFILE_MAX_SIZE);
  }
  return piecefile_parse(text, len, path, pf);
}

void
piecefile_free(struct piecefile *pf)
{
  free(pf->from_url);
  strv_free(pf->cmd);
  memset(pf, 0, sizeof *pf);
}
