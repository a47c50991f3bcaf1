#include <string.h>

#include "entry_path.h"
#include "error.h"

int
entry_path_clean(const char *name, char clean[ENTRY_PATH_MAX])
{
  size_t out = 0;
  const char *p = name;

  if (name[0] == '\0')
    return fail("refused: empty name");
  if (name[0] == '/')
    return fail("refused: absolute path");
  if (strlen(name) >= ENTRY_PATH_MAX)
    return fail("refused: path longer than %d bytes", ENTRY_PATH_MAX - 1);
  while (*p) {
    size_t len = strcspn(p, "/");

    if (len == 2 && p[0] == '.' && p[1] == '.')
      return fail("refused: '..' component in path");
    if (len > 0 && !(len == 1 && p[0] == '.')) {
      if (out > 0)
        clean[out++] = '/';
      memcpy(clean + out, p, len);
      out += len;
    }
    p += len;
    while (*p == '/')
      p++;
  }
  clean[out] = '\0';
  return 0;
}
