#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buffer.h"
#include "cleanup.h"
#include "error.h"
#include "piecefile_internal.h"
#include "strv.h"
#include "url.h"

static int parse_from_url(struct parser *p, const struct instruction_line *line,
                          const char *args);
static int parse_hostname(struct parser *p, const struct instruction_line *line,
                          const char *args);

/* Adding an instruction means adding a row here and its parser; the loop in
 * parse_instruction does keyword matching, repetition and empty-argument checks
 * for all of them, so every instruction reports those errors the same way. */
struct instruction {
  const char *keyword;
  const char *argument; /* what it needs, for "FROM_URL needs a URL" */
  bool repeatable;
  instruction_parser parse;
};

static const struct instruction instructions[] = {
    {"FROM_URL", "a URL", false, parse_from_url},
    {"CMD", "a command", false, parse_cmd},
    {"ENTRYPOINT", "a command", false, parse_entrypoint},
    {"ENV", "NAME=VALUE", true, parse_env},
    {"ARG", "a NAME or NAME=DEFAULT", true, parse_arg},
    {"WORKDIR", "a directory", true, parse_workdir},
    {"USER", "a USER[:GROUP]", true, parse_user},
    {"LABEL", "KEY=VALUE", true, parse_label},
    {"HOSTNAME", "a host name", false, parse_hostname},
    {"COPY", "a source and a destination", true, parse_copy},
    {"RUN", "a command", true, parse_run},
};

#define N_INSTRUCTIONS (sizeof instructions / sizeof *instructions)
_Static_assert(N_INSTRUCTIONS <= PIECEFILE_MAX_INSTRUCTIONS,
               "raise PIECEFILE_MAX_INSTRUCTIONS");

/* Dockerfile keywords a Docker user may reach for, and what to do instead. */
static const struct {
  const char *keyword;
  const char *advice;
} docker_keywords[] = {
    {"FROM", "a Piecefile starts from a root filesystem tarball: write FROM_URL URL"},
    {"ADD", "use COPY (ADD's URLs and archive unpacking are not supported)"},
    {"EXPOSE", "a Dockerfile instruction that Piecefiles do not support"},
    {"VOLUME", "a Dockerfile instruction that Piecefiles do not support"},
    {"SHELL", "a Dockerfile instruction that Piecefiles do not support"},
    {"STOPSIGNAL", "a Dockerfile instruction that Piecefiles do not support"},
    {"HEALTHCHECK", "a Dockerfile instruction that Piecefiles do not support"},
    {"ONBUILD", "a Dockerfile instruction that Piecefiles do not support"},
    {"MAINTAINER", "write LABEL maintainer=NAME"},
};

static bool
is_blank(char c)
{
  return c == ' ' || c == '\t';
}

static int
parse_from_url(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_free_ char *url = NULL;

  if (words_expand(args, &p->vars, 0, &url) < 0 || url_check(url) < 0)
    return fail_context("FROM_URL");
  p->pf->from_url = steal_pointer(&url);
  p->pf->from_url_line = line->number;
  return 0;
}

static bool
is_hostname_char(char c, bool first)
{
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
    return true;
  return !first && (c == '-' || c == '.');
}

static int
parse_hostname(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_free_ char *name = NULL;
  size_t len;
  bool valid;

  if (words_expand(args, &p->vars, 0, &name) < 0)
    return fail_context("HOSTNAME");
  len = strlen(name);
  valid = len >= 1 && len <= 63;
  for (size_t i = 0; valid && i < len; i++)
    valid = is_hostname_char(name[i], i == 0);
  if (!valid)
    return fail("HOSTNAME: '%s' is not a host name: use 1 to 63 letters, digits, '-' and "
                "'.', starting with a letter or digit",
                name);
  free(p->pf->hostname);
  p->pf->hostname = steal_pointer(&name);
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

static int
unknown_instruction(struct parser *p, unsigned number, const char *keyword, size_t len)
{
  char known[256];

  for (size_t i = 0; i < sizeof docker_keywords / sizeof *docker_keywords; i++)
    if (strlen(docker_keywords[i].keyword) == len &&
        strncasecmp(keyword, docker_keywords[i].keyword, len) == 0)
      return fail("%s:%u: unknown instruction '%.*s': %s", p->path, number, (int)len, keyword,
                  docker_keywords[i].advice);
  list_keywords(known, sizeof known);
  return fail("%s:%u: unknown instruction '%.*s' (known: %s)", p->path, number,
              (int)(len > 64 ? 64 : len), keyword, known);
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
  struct instruction_line line = {.number = number, .text = NULL};
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
  line.text = keyword;

  for (i = 0; i < N_INSTRUCTIONS; i++) {
    if (strlen(instructions[i].keyword) == keyword_len &&
        strncasecmp(keyword, instructions[i].keyword, keyword_len) == 0) {
      ins = &instructions[i];
      break;
    }
  }
  if (ins == NULL)
    return unknown_instruction(p, number, keyword, keyword_len);
  if (!ins->repeatable && p->seen_on_line[i])
    return fail("%s:%u: second %s instruction; the first is on line %u and only one is "
                "allowed",
                p->path, number, ins->keyword, p->seen_on_line[i]);
  if (*args == '\0')
    return fail("%s:%u: %s needs %s", p->path, number, ins->keyword, ins->argument);
  p->seen_on_line[i] = number;
  if (ins->parse(p, &line, args) < 0)
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

/* process.args: the JSON form of ENTRYPOINT followed by CMD; the shell form of
 * ENTRYPOINT alone (Docker ignores CMD then too); CMD alone; or the default. */
static int
choose_args(struct parser *p)
{
  struct piecefile *pf = p->pf;
  size_t count = 0;

  if (p->entrypoint && (p->entrypoint_shell || p->cmd == NULL)) {
    pf->cmd_ignored = p->entrypoint_shell && p->cmd != NULL;
    pf->args = steal_pointer(&p->entrypoint);
    return 0;
  }
  if (p->entrypoint) {
    count = strv_length(p->entrypoint);
    for (size_t i = 0; p->cmd[i]; i++)
      if (strv_append(&p->entrypoint, &count, p->cmd[i], strlen(p->cmd[i])) < 0)
        return -1;
    pf->args = steal_pointer(&p->entrypoint);
    return 0;
  }
  if (p->cmd) {
    pf->args = steal_pointer(&p->cmd);
    return 0;
  }
  return strv_append(&pf->args, &count, PIECEFILE_DEFAULT_CMD, strlen(PIECEFILE_DEFAULT_CMD));
}

static int
finish(struct parser *p)
{
  struct piecefile *pf = p->pf;
  size_t count = 0;

  if (pf->from_url == NULL)
    return fail("%s: no FROM_URL instruction; add one naming the root filesystem tarball, "
                "e.g. FROM_URL https://example.com/rootfs.tar.gz",
                p->path);
  if (choose_args(p) < 0 || kvlist_append_env(&p->env, &pf->env, &count) < 0 ||
      parser_unused_build_args(p, &pf->unused_build_args) < 0)
    return -1;
  if (pf->env == NULL && (pf->env = calloc(1, sizeof *pf->env)) == NULL)
    return fail("out of memory");
  pf->cwd = steal_pointer(&p->workdir);
  pf->user = p->user;
  memset(&p->user, 0, sizeof p->user);
  return 0;
}

static void
parser_release(struct parser *p)
{
  kvlist_release(&p->build_args);
  kvlist_release(&p->env);
  kvlist_release(&p->args);
  free(p->workdir);
  piecefile_user_release(&p->user);
  strv_free(p->entrypoint);
  strv_free(p->cmd);
}

static int
parse_lines(struct parser *p, const char *text, size_t len)
{
  _cleanup_buffer_ struct buffer pending = {0}; /* the instruction being assembled */
  unsigned pending_line = 0;
  unsigned number = 0;
  const char *pos = text;
  const char *end = text + len;

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
    if (buffer_append(&pending, line, line_len) < 0)
      return -1;
    if (continues)
      continue;
    if (parse_instruction(p, pending.data, pending_line) < 0)
      return -1;
    pending.len = 0;
    pending_line = 0;
  }
  /* A backslash on the last line continues into nothing. */
  if (pending_line != 0 && parse_instruction(p, pending.data, pending_line) < 0)
    return -1;
  return 0;
}

int
piecefile_parse(const char *text, size_t len, const char *path, const struct kvlist *build_args,
                struct piecefile *pf)
{
  struct parser p = {.path = path, .pf = pf};
  const char *nul = memchr(text, '\0', len);
  int ret = -1;

  memset(pf, 0, sizeof *pf);
  if (nul) {
    unsigned number = 1;

    for (const char *c = text; c < nul; c++)
      number += *c == '\n';
    return fail("%s:%u: contains a NUL byte; a Piecefile is text", path, number);
  }
  p.workdir = strdup("/");
  if (p.workdir == NULL)
    fail("out of memory");
  else if (parser_variables_init(&p, build_args) == 0 && parse_lines(&p, text, len) == 0 &&
           finish(&p) == 0)
    ret = 0;
  parser_release(&p);
  if (ret < 0)
    piecefile_free(pf);
  return ret;
}

int
piecefile_load(const char *path, const struct kvlist *build_args, struct piecefile *pf)
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
  return piecefile_parse(text, len, path, build_args, pf);
}

struct piecefile_step *
parser_add_step(struct parser *p, enum piecefile_step_kind kind,
                const struct instruction_line *line)
{
  struct piecefile *pf = p->pf;
  struct piecefile_step *grown = realloc(pf->steps, (pf->n_steps + 1) * sizeof *grown);
  struct piecefile_step *step;

  if (grown == NULL) {
    fail("out of memory");
    return NULL;
  }
  pf->steps = grown;
  step = &grown[pf->n_steps];
  memset(step, 0, sizeof *step);
  step->kind = kind;
  step->line = line->number;
  step->chmod = -1;
  step->text = strdup(line->text);
  if (step->text == NULL) {
    fail("out of memory");
    return NULL;
  }
  pf->n_steps++;
  return step;
}

int
parser_require_from_url(struct parser *p, const char *keyword)
{
  if (p->pf->from_url == NULL)
    return fail("%s before FROM_URL: it acts on the root filesystem that FROM_URL names; "
                "put FROM_URL first",
                keyword);
  return 0;
}

int
piecefile_user_copy(const struct piecefile_user *from, struct piecefile_user *to)
{
  memset(to, 0, sizeof *to);
  if (user_spec_copy(&from->spec, &to->spec) < 0)
    return -1;
  to->line = from->line;
  if (from->text && (to->text = strdup(from->text)) == NULL) {
    piecefile_user_release(to);
    return fail("out of memory");
  }
  return 0;
}

void
piecefile_user_release(struct piecefile_user *user)
{
  user_spec_release(&user->spec);
  free(user->text);
  memset(user, 0, sizeof *user);
}

static void
step_release(struct piecefile_step *step)
{
  free(step->text);
  free(step->path);
  strv_free(step->sources);
  piecefile_user_release(&step->user);
  strv_free(step->args);
  strv_free(step->env);
  free(step->cwd);
}

bool
piecefile_has_run(const struct piecefile *pf)
{
  for (size_t i = 0; i < pf->n_steps; i++)
    if (pf->steps[i].kind == PIECEFILE_RUN)
      return true;
  return false;
}

void
piecefile_free(struct piecefile *pf)
{
  free(pf->from_url);
  strv_free(pf->args);
  strv_free(pf->env);
  free(pf->cwd);
  piecefile_user_release(&pf->user);
  kvlist_release(&pf->labels);
  free(pf->hostname);
  for (size_t i = 0; i < pf->n_steps; i++)
    step_release(&pf->steps[i]);
  free(pf->steps);
  strv_free(pf->unused_build_args);
  memset(pf, 0, sizeof *pf);
}
