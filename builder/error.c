#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* Messages name a path or a URL plus a reason; a URL can be long, so leave room.
 * Anything longer is truncated, which still gives the user the start of it. */
static char message[8192];
static int saved_errno;

static void
record(const char *fmt, va_list ap, int errnum)
{
  int n = vsnprintf(message, sizeof message, fmt, ap);

  if (errnum != 0 && n >= 0 && (size_t)n < sizeof message)
    snprintf(message + n, sizeof message - n, ": %s", strerror(errnum));
  saved_errno = errnum;
}

int
fail(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  record(fmt, ap, 0);
  va_end(ap);
  return -1;
}

int
fail_errno(const char *fmt, ...)
{
  int errnum = errno;
  va_list ap;

  va_start(ap, fmt);
  record(fmt, ap, errnum);
  va_end(ap);
  return -1;
}

int
fail_with(int errnum, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  record(fmt, ap, errnum);
  va_end(ap);
  return -1;
}

int
fail_context(const char *fmt, ...)
{
  char prefix[1024];
  char joined[sizeof message];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  snprintf(joined, sizeof joined, "%s: %s", prefix, error_message());
  memcpy(message, joined, sizeof message);
  return -1;
}

const char *
error_message(void)
{
  return message[0] ? message : "unknown error";
}

int
error_errno(void)
{
  return saved_errno;
}

void
error_restore(const char *saved, int errnum)
{
  snprintf(message, sizeof message, "%s", saved);
  saved_errno = errnum;
}
