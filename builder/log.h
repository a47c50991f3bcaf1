/* What pieces-build says on stderr.
 *
 * stdout carries one thing only, the bundle path, so scripts can capture it.
 * Everything else goes to stderr: errors and warnings always, notes (the download's
 * digest, summaries of skipped entries) unless -q, and a one-line status (the progress
 * bar) that later messages erase before they print.
 */
#ifndef PIECES_BUILD_LOG_H
#define PIECES_BUILD_LOG_H

#include <stdbool.h>

void log_set_quiet(bool quiet);
bool log_is_quiet(void);

/* "pieces-build: <message>" */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "pieces-build: warning: <message>" */
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "<message>", suppressed by -q. */
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Draw text over the current status line (no newline); log_status_clear() erases it.
 * Only meaningful when stderr is a terminal; progress.c checks that. */
void log_status(const char *text);
void log_status_clear(void);

#endif
