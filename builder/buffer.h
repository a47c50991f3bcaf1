/* A growable, always NUL-terminated string, for text assembled piece by piece (joined
 * Piecefile lines, expanded words). */
#ifndef PIECES_BUILD_BUFFER_H
#define PIECES_BUILD_BUFFER_H

#include <stddef.h>

struct buffer {
  char *data; /* NULL until something is appended */
  size_t len;
  size_t cap;
};

int buffer_append(struct buffer *b, const char *s, size_t n);
int buffer_append_char(struct buffer *b, char c);
/* The text so far ("" when nothing was appended), handed to the caller. */
char *buffer_steal(struct buffer *b);
void buffer_release(struct buffer *b);

static inline void
cleanup_buffer(struct buffer *b)
{
  buffer_release(b);
}
#define _cleanup_buffer_ __attribute__((cleanup(cleanup_buffer)))

#endif
