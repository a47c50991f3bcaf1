#include <errno.h>
#include <stdlib.h>

#include "env.h"
#include "error.h"

int
env_positive_number(const char *name, uint64_t fallback, uint64_t *value)
{
  const char *text = getenv(name);
  char *end;
  unsigned long long number;

  if (text == NULL || text[0] == '\0') {
    *value = fallback;
    return 0;
  }
  /* strtoull accepts a sign and leading blanks; a setting should be plain digits. */
  if (text[0] < '0' || text[0] > '9')
    return fail("%s='%s': expected a whole number of at least 1", name, text);
  errno = 0;
  number = strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || number == 0)
    return fail("%s='%s': expected a whole number of at least 1", name, text);
  *value = number;
  return 0;
}
