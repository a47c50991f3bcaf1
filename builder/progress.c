#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "progress.h"

#define REDRAW_INTERVAL_NS (100 * 1000 * 1000)
#define BAR_WIDTH          20

struct progress {
  char label[48];
  uint64_t started_ns;
  uint64_t drawn_ns;
};

static uint64_t
now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
format_bytes(char *buf, size_t size, double bytes)
{
  static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t unit = 0;

  while (bytes >= 1024 && unit + 1 < sizeof units / sizeof *units) {
    bytes /= 1024;
    unit++;
  }
  snprintf(buf, size, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
}

struct progress *
progress_new(const char *label)
{
  struct progress *progress;
  const char *base = strrchr(label, '/');

  if (log_is_quiet() || !isatty(STDERR_FILENO))
    return NULL;
  progress = calloc(1, sizeof *progress);
  if (progress == NULL)
    return NULL; /* a missing progress bar is no reason to fail the build */
  /* The file name is what tells downloads apart; the host is in the final note. */
  snprintf(progress->label, sizeof progress->label, "%s", base && base[1] ? base + 1 : label);
  progress->started_ns = now_ns();
  return progress;
}

void
progress_update(struct progress *progress, uint64_t done, uint64_t total)
{
  uint64_t now;
  double seconds;
  char done_text[16], total_text[16], rate_text[16], line[160];

  if (progress == NULL)
    return;
  now = now_ns();
  if (progress->drawn_ns && now - progress->drawn_ns < REDRAW_INTERVAL_NS)
    return;
  progress->drawn_ns = now;
  seconds = (now - progress->started_ns) / 1e9;
  format_bytes(done_text, sizeof done_text, done);
  format_bytes(rate_text, sizeof rate_text, seconds > 0 ? done / seconds : 0);
  if (total > 0 && done <= total) {
    char bar[BAR_WIDTH + 1];
    size_t filled = (size_t)(BAR_WIDTH * done / total);

    memset(bar, '#', filled);
    memset(bar + filled, '-', BAR_WIDTH - filled);
    bar[BAR_WIDTH] = '\0';
    format_bytes(total_text, sizeof total_text, total);
    snprintf(line, sizeof line, "%s [%s] %3u%%  %s / %s  %s/s", progress->label, bar,
             (unsigned)(100 * done / total), done_text, total_text, rate_text);
  } else {
    snprintf(line, sizeof line, "%s  %s  %s/s", progress->label, done_text, rate_text);
  }
  log_status(line);
}

void
progress_free(struct progress *progress)
{
  if (progress == NULL)
    return;
  log_status_clear();
  free(progress);
}
