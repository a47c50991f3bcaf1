/* Diagnostics of pieces-run: errors, warnings and debug lines.
 *
 * Quiet by default.  Messages go to stderr, and also to the --log file when one is
 * given, as text or as JSON lines {"level","msg","time"} (--log-format json), which
 * is what containerd and conmon parse.
 */
#ifndef PIECES_LOG_H
#define PIECES_LOG_H

#include <stdbool.h>

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/* Set up logging; path may be NULL (stderr only). Returns -1 on failure. */
int log_open(const char *path, enum log_format format, bool debug);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool log_debug_enabled(void);
/* In a child that is about to close our fds: stop writing to the --log file. */
void log_forget_file(void);

#endif
