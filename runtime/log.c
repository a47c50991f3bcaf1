/* Diagnostics: stderr always, plus an optional --log file in text or JSON lines. */
#include "log.h"
#include "error.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static enum log_format log_format = LOG_FORMAT_TEXT;
static bool debug_enabled;

int
log_open(const char *path, enum log_format format, bool debug)
{
  log_format = format;
  debug_enabled = debug;
  if (path == NULL || *path == '\0')
    return 0;
  log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0)
    return fail_errno("open log file '%s'", path);
  return 0;
}

void
log_forget_file(void)
{
  log_fd = -1;
}

bool
log_debug_enabled(void)
{
  return debug_enabled;
}

/* Write TEXT as a JSON string body, escaping what JSON requires. */
static void
append_json_string(char *out, size_t size, size_t *used, const char *text)
{
  for (const unsigned char *p = (const unsigned char *)text; *p && *used + 7 < size; p++) {
    if (*p == '"' || *p == '\\')
      *used += snprintf(out + *used, size - *used, "\\%c", *p);
    else if (*p < 0x20)
      *used += snprintf(out + *used, size - *used, "\\u%04x", *p);
    else
      out[(*used)++] = (char)*p;
  }
  out[*used] = '\0';
}

static void
write_log_file(const char *level, const char *text)
{
  char line[4096];
  char stamp[64];
  size_t used = 0;
  struct timespec now;
  struct tm tm;

  clock_gettime(CLOCK_REALTIME, &now);
  gmtime_r(&now.tv_sec, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  if (log_format == LOG_FORMAT_JSON) {
    used = snprintf(line, sizeof line, "{\"level\":\"%s\",\"msg\":\"", level);
    append_json_string(line, sizeof line - 40, &used, text);
    used += snprintf(line + used, sizeof line - used, "\",\"time\":\"%s.%09ldZ\"}\n", stamp,
                     now.tv_nsec);
  } else {
    used = snprintf(line, sizeof line, "%s.%09ldZ %s: %s\n", stamp, now.tv_nsec, level, text);
  }
  if (used >= sizeof line)
    used = sizeof line - 1;
  (void)!write(log_fd, line, used);
}

static void
emit(const char *level, const char *fmt, va_list ap)
{
  char text[3072];
  vsnprintf(text, sizeof text, fmt, ap);
  if (log_fd >= 0)
    write_log_file(level, text);
  /* With a JSON log the engine reads the file; stderr still gets the message so a
     person running the command by hand sees it. */
  if (strcmp(level, "error") == 0)
    fprintf(stderr, "pieces-run: %s\n", text);
  else
    fprintf(stderr, "pieces-run: %s: %s\n", level, text);
}

void
log_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  emit("error", fmt, ap);
  va_end(ap);
}

void
log_warning(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  emit("warning", fmt, ap);
  va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
  va_list ap;
  if (!debug_enabled)
    return;
  va_start(ap, fmt);
  emit("debug", fmt, ap);
  va_end(ap);
}
