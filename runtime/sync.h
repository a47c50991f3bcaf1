/* Messages between the runtime and the container's init over a SOCK_SEQPACKET pair.
 *
 * The init reports each stage or its error (so the user sees one error line from the
 * runtime, whatever process failed); the runtime says when the init may go on.  The
 * init's end is close-on-exec: end-of-file after "start" means the user's program is
 * running.
 */
#ifndef PIECES_SYNC_H
#define PIECES_SYNC_H

#include <stddef.h>

enum sync_type {
  SYNC_GO = 1,   /* runtime -> init: cgroups and id maps are ready; payload: state JSON */
  SYNC_CREATED,  /* init -> runtime: everything is ready, waiting for start */
  SYNC_START,    /* runtime -> init: exec the user's program (foreground run only) */
  SYNC_ERROR,    /* init -> runtime: setup failed; payload: the message */
  SYNC_TERMINAL, /* init -> runtime: the pty master, as SCM_RIGHTS */
};

/* The largest payload: the state JSON with a config's annotations. */
#define SYNC_MAX_PAYLOAD (256 * 1024)

int sync_send(int fd, enum sync_type type, const char *payload);
/* Send the recorded error (error.h) to the runtime. */
void sync_send_error(int fd, int exit_code);
/* Wait for a message of type EXPECTED.  A SYNC_ERROR is turned into the recorded
   error (returns -1 with *exit_code set); end-of-file returns 0 with *eof set.  If
   PAYLOAD is not NULL it receives a malloc'ed copy of the payload (or NULL). */
int sync_wait(int fd, enum sync_type expected, int *exit_code, int *eof, char **payload);

/* Send LEN bytes of DATA with FD_TO_SEND attached (SCM_RIGHTS) on the socket SOCK;
   -1 with errno set, for the caller to word the error. */
int sync_send_with_fd(int sock, const void *data, size_t len, int fd_to_send);
/* Send a SYNC_TERMINAL message carrying FD_TO_SEND. */
int sync_send_fd(int fd, int fd_to_send);
/* Wait for a SYNC_TERMINAL message and return the fd it carries (close-on-exec). */
int sync_receive_fd(int fd);

#endif
