#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "error.h"

int
buffer_append(struct buffer *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap) {
    size_t grown = (b->len + n + 1) * 2;
    char *p = realloc(b->data, grown);

    if (p == NULL)
      return fail("out of memory");
    b->data = p;
    b->cap = grown;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int
buffer_append_char(struct buffer *b, char c)
{
  return buffer_append(b, &c, 1);
}

char *
buffer_steal(struct buffer *b)
{
  char *text = b->data ? b->data : strdup("");

  b->data = NULL;
  b->len = b->cap = 0;
  return text;
}

void
buffer_release(struct buffer *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
