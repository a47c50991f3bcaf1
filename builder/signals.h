/* SIGINT and SIGTERM stop a build cleanly.
 *
 * The handler only records the signal.  Long-running loops (the download, the unpack)
 * poll signals_received() and fail with "interrupted"; the failure path then removes
 * the temporary bundle like any other error, and main() exits with 128 + the signal.
 */
#ifndef PIECES_BUILD_SIGNALS_H
#define PIECES_BUILD_SIGNALS_H

int signals_install(void);
/* The first SIGINT or SIGTERM received, or 0. */
int signals_received(void);

#endif
