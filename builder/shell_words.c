#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"
#include "shell_words.h"
#include "strv.h"

static bool
is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
shell_words_split(const char *text, char ***words)
{
  _cleanup_strv_ char **result = NULL;
  /* A word is never longer than the text it comes from. */
  _cleanup_free_ char *word = malloc(strlen(text) + 1);
  size_t count = 0;
  const char *p = text;

  if (word == NULL)
    return fail("out of memory");
  for (;;) {
    size_t len = 0;

    while (is_blank(*p))
      p++;
    if (*p == '\0')
      break;
    while (*p != '\0' && !is_blank(*p)) {
      if (*p == '\'') {
        const char *close = strchr(p + 1, '\'');

        if (close == NULL)
          return fail("unterminated single quote");
        memcpy(word + len, p + 1, close - p - 1);
        len += close - p - 1;
        p = close + 1;
      } else if (*p == '"') {
        for (p++; *p != '"'; p++) {
          if (*p == '\0')
            return fail("unterminated double quote");
          if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
            p++;
          word[len++] = *p;
        }
        p++;
      } else if (*p == '\\') {
        if (p[1] == '\0')
          return fail("backslash at the end with nothing to escape");
        word[len++] = p[1];
        p += 2;
      } else {
        word[len++] = *p++;
      }
    }
    /* Any non-blank character starts a word, so "" gives an empty one. */
    if (strv_append(&result, &count, word, len) < 0)
      return -1;
  }
  if (result == NULL) {
    result = calloc(1, sizeof *result);
    if (result == NULL)
      return fail("out of memory");
  }
  *words = steal_pointer(&result);
  return 0;
}
