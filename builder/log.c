#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static bool quiet;
static bool status_shown;

void
log_set_quiet(bool value)
{
  quiet = value;
}

bool
log_is_quiet(void)
{
  return quiet;
}

void
log_status_clear(void)
{
  if (status_shown) {
    /* Carriage return, then erase to the end of the line. */
    fputs("\r\033[K", stderr);
    status_shown = false;
  }
}

void
log_status(const char *text)
{
  fprintf(stderr, "\r%s\033[K", text);
  fflush(stderr);
  status_shown = true;
}

/* Messages quote names from tarballs and servers, which anyone can fill with terminal
 * escape sequences; control characters are printed as \xNN instead. */
static void
print_escaped(const char *text)
{
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (*p < 0x20 || *p == 0x7f)
      fprintf(stderr, "\\x%02x", *p);
    else
      fputc(*p, stderr);
  }
}

static void
print(const char *prefix, const char *fmt, va_list ap)
{
  char *text = NULL;

  log_status_clear();
  fputs(prefix, stderr);
  if (vasprintf(&text, fmt, ap) < 0)
    fputs("(out of memory)", stderr);
  else
    print_escaped(text);
  free(text);
  fputc('\n', stderr);
}

void
log_error(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  print("pieces-build: ", fmt, ap);
  va_end(ap);
}

void
log_warning(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  print("pieces-build: warning: ", fmt, ap);
  va_end(ap);
}

void
log_note(const char *fmt, ...)
{
  va_list ap;

  if (quiet)
    return;
  va_start(ap, fmt);
  print("", fmt, ap);
  va_end(ap);
}
