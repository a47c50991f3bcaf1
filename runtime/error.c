/* The recorded error of this process; see error.h for the convention. */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* pieces-run is single-threaded, so one buffer per process is enough.  The size bounds
   what a hostile config can make us print. */
static char message[2048];
static int saved_errno;
static int have_message;

static int
record(int errnum, const char *fmt, va_list ap)
{
  int len = vsnprintf(message, sizeof message, fmt, ap);
  if (len < 0)
    len = 0;
  if (errnum != 0 && (size_t)len < sizeof message)
    snprintf(message + len, sizeof message - len, ": %s", strerror(errnum));
  saved_errno = errnum;
  have_message = 1;
  return -1;
}

int
fail(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  record(0, fmt, ap);
  va_end(ap);
  return -1;
}

int
fail_errno(const char *fmt, ...)
{
  int errnum = errno;
  va_list ap;
  va_start(ap, fmt);
  record(errnum, fmt, ap);
  va_end(ap);
  errno = errnum;
  return -1;
}

int
fail_with(int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  record(errnum, fmt, ap);
  va_end(ap);
  return -1;
}

int
fail_as(int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  record(0, fmt, ap);
  va_end(ap);
  saved_errno = errnum;
  return -1;
}

int
fail_context(const char *fmt, ...)
{
  char prefix[512];
  char old[sizeof message];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  snprintf(old, sizeof old, "%s", have_message ? message : "unknown error");
  snprintf(message, sizeof message, "%s: %s", prefix, old);
  have_message = 1;
  return -1;
}

const char *
error_message(void)
{
  return have_message ? message : "unknown error";
}

int
error_errno(void)
{
  return saved_errno;
}

void
error_restore(const char *text, int errnum)
{
  snprintf(message, sizeof message, "%s", text);
  saved_errno = errnum;
  have_message = 1;
}
