#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strv.h"

size_t
strv_length(char *const *strv)
{
  size_t n = 0;

  while (strv && strv[n])
    n++;
  return n;
}

int
strv_append(char ***strv, size_t *length, const char *s, size_t s_len)
{
  char **grown = realloc(*strv, (*length + 2) * sizeof *grown);
  char *copy;

  if (grown == NULL)
    return fail("out of memory");
  *strv = grown;
  grown[*length] = NULL;
  copy = strndup(s, s_len);
  if (copy == NULL)
    return fail("out of memory");
  grown[(*length)++] = copy;
  grown[*length] = NULL;
  return 0;
}

void
strv_free(char **strv)
{
  if (strv == NULL)
    return;
  for (size_t i = 0; strv[i]; i++)
    free(strv[i]);
  free(strv);
}
