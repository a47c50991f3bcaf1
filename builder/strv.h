/* NULL-terminated string vectors, the shape of an argv. */
#ifndef PIECES_BUILD_STRV_H
#define PIECES_BUILD_STRV_H

#include <stddef.h>

size_t strv_length(char *const *strv);
/* Append a copy of s, growing the vector; returns -1 (recorded) when out of memory. */
int strv_append(char ***strv, size_t *length, const char *s, size_t s_len);
void strv_free(char **strv);

static inline void
cleanup_strv(char ***strv)
{
  strv_free(*strv);
}
#define _cleanup_strv_ __attribute__((cleanup(cleanup_strv)))

#endif
