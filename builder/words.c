#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "cleanup.h"
#include "error.h"
#include "strv.h"
#include "words.h"

struct lexer {
  const char *p;
  const struct words_vars *vars;
  bool literal_quotes;
};

static bool
is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_name_char(char c, bool first)
{
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')
    return true;
  return !first && c >= '0' && c <= '9';
}

static int lex_until(struct lexer *lx, struct buffer *out, bool split, char stop);

static const char *
lookup(const struct lexer *lx, const char *name, size_t len)
{
  return lx->vars->lookup(lx->vars->context, name, len);
}

static int
append_value(struct buffer *out, const char *value)
{
  return value ? buffer_append(out, value, strlen(value)) : 0;
}

/* ${NAME:-WORD} or ${NAME:+WORD}, with lx->p at the '-' or '+'. */
static int
lex_modifier(struct lexer *lx, struct buffer *out, const char *name, size_t len)
{
  _cleanup_buffer_ struct buffer word = {0};
  char modifier = *lx->p++;
  const char *value = lookup(lx, name, len);
  bool set = value && value[0];

  if (lex_until(lx, &word, false, '}') < 0)
    return -1;
  if (*lx->p != '}')
    return fail("unterminated '${%.*s'", (int)len, name);
  lx->p++;
  if (modifier == '-')
    return set ? append_value(out, value) : append_value(out, word.data);
  return set ? append_value(out, word.data) : 0;
}

/* lx->p is at "${". */
static int
lex_braces(struct lexer *lx, struct buffer *out)
{
  const char *name = lx->p + 2;
  size_t len = 0;

  while (is_name_char(name[len], len == 0))
    len++;
  lx->p = name + len;
  if (len == 0)
    return fail("bad substitution: '${' must be followed by a variable name");
  if (*lx->p == '}') {
    lx->p++;
    return append_value(out, lookup(lx, name, len));
  }
  if (lx->p[0] == ':' && (lx->p[1] == '-' || lx->p[1] == '+')) {
    lx->p++;
    return lex_modifier(lx, out, name, len);
  }
  if (*lx->p == '\0')
    return fail("unterminated '${%.*s'", (int)len, name);
  return fail("bad substitution '${%.*s%c...': only ${NAME}, ${NAME:-DEFAULT} and "
              "${NAME:+ALTERNATIVE} are supported",
              (int)len, name, *lx->p);
}

/* lx->p is at a '$'. */
static int
lex_dollar(struct lexer *lx, struct buffer *out)
{
  const char *name = lx->p + 1;
  size_t len = 0;

  if (*name == '{')
    return lex_braces(lx, out);
  while (is_name_char(name[len], len == 0))
    len++;
  if (len == 0) {
    lx->p++;
    return buffer_append_char(out, '$');
  }
  lx->p = name + len;
  return append_value(out, lookup(lx, name, len));
}

static int
lex_single_quoted(struct lexer *lx, struct buffer *out)
{
  const char *close = strchr(lx->p + 1, '\'');

  if (close == NULL)
    return fail("unterminated single quote");
  if (buffer_append(out, lx->p + 1, close - lx->p - 1) < 0)
    return -1;
  lx->p = close + 1;
  return 0;
}

static int
lex_double_quoted(struct lexer *lx, struct buffer *out)
{
  lx->p++;
  for (;;) {
    char c = *lx->p;

    if (c == '\0')
      return fail("unterminated double quote");
    if (c == '"') {
      lx->p++;
      return 0;
    }
    if (c == '$' && lx->vars) {
      if (lex_dollar(lx, out) < 0)
        return -1;
      continue;
    }
    if (c == '\\' && (lx->p[1] == '"' || lx->p[1] == '\\' || lx->p[1] == '$'))
      c = *++lx->p;
    if (buffer_append_char(out, c) < 0)
      return -1;
    lx->p++;
  }
}

static int
lex_backslash(struct lexer *lx, struct buffer *out)
{
  char next = lx->p[1];

  /* A backslash at the very end has nothing to escape and stays. */
  if (next == '\0' || (lx->literal_quotes && next != '$')) {
    lx->p++;
    return buffer_append_char(out, '\\');
  }
  lx->p += 2;
  return buffer_append_char(out, next);
}

/* Consume one word (split) or everything (!split) into out, stopping at stop when it
 * is not '\0' (the '}' of ${NAME:-WORD}). */
static int
lex_until(struct lexer *lx, struct buffer *out, bool split, char stop)
{
  for (;;) {
    char c = *lx->p;
    int r;

    if (c == '\0' || (stop && c == stop) || (split && is_blank(c)))
      return buffer_append(out, "", 0);
    if (c == '\\')
      r = lex_backslash(lx, out);
    else if (c == '\'' && !lx->literal_quotes)
      r = lex_single_quoted(lx, out);
    else if (c == '"' && !lx->literal_quotes)
      r = lex_double_quoted(lx, out);
    else if (c == '$' && lx->vars)
      r = lex_dollar(lx, out);
    else
      r = buffer_append_char(out, *lx->p++);
    if (r < 0)
      return -1;
  }
}

int
words_split(const char *text, const struct words_vars *vars, char ***words)
{
  struct lexer lx = {.p = text, .vars = vars};
  _cleanup_strv_ char **result = calloc(1, sizeof *result);
  size_t count = 0;

  if (result == NULL)
    return fail("out of memory");
  for (;;) {
    _cleanup_buffer_ struct buffer word = {0};

    while (is_blank(*lx.p))
      lx.p++;
    if (*lx.p == '\0')
      break;
    if (lex_until(&lx, &word, true, '\0') < 0 ||
        strv_append(&result, &count, word.data, word.len) < 0)
      return -1;
  }
  *words = steal_pointer(&result);
  return 0;
}

int
words_expand(const char *text, const struct words_vars *vars, int flags, char **word)
{
  struct lexer lx = {
      .p = text, .vars = vars, .literal_quotes = (flags & WORDS_LITERAL_QUOTES) != 0};
  _cleanup_buffer_ struct buffer out = {0};

  if (lex_until(&lx, &out, false, '\0') < 0)
    return -1;
  *word = buffer_steal(&out);
  return *word ? 0 : fail("out of memory");
}
