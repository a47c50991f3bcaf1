/* Scope-bound cleanup, so that an early `return -1` cannot leak an fd or memory.
 *
 *     _cleanup_close_ int fd = open (...);
 *     ...
 *     return steal_fd (&fd);     // hand ownership to the caller
 */
#ifndef PIECES_CLEANUP_H
#define PIECES_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

static inline void
cleanup_free(void *p)
{
  free(*(void **)p);
}

static inline void
cleanup_close(int *fd)
{
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}

static inline void
cleanup_fclose(FILE **f)
{
  if (*f)
    fclose(*f);
}

static inline void
cleanup_closedir(DIR **d)
{
  if (*d)
    closedir(*d);
}

#define _cleanup_free_     __attribute__((cleanup(cleanup_free)))
#define _cleanup_close_    __attribute__((cleanup(cleanup_close)))
#define _cleanup_fclose_   __attribute__((cleanup(cleanup_fclose)))
#define _cleanup_closedir_ __attribute__((cleanup(cleanup_closedir)))

static inline int
steal_fd(int *fd)
{
  int ret = *fd;
  *fd = -1;
  return ret;
}

static inline void *
steal_pointer_impl(void **p)
{
  void *ret = *p;
  *p = NULL;
  return ret;
}
#define steal_pointer(pp) steal_pointer_impl((void **)(pp))

#endif
