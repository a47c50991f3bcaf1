/* Messages between the runtime and the container's init over a SOCK_SEQPACKET pair.
 *
 * The init reports each stage or its error (so the user sees one error line from the
 * runtime, whatever process failed); the runtime says when the init may go on.  The
 * init's end is close-on-exec: end-of-file after "created" and "start" means the
 * user's program is running.
 */
#ifndef PIECES_SYNC_H
#define PIECES_SYNC_H

enum sync_type {
  SYNC_GO = 1,   /* runtime -> init: cgroups and id maps are ready, set up the container */
  SYNC_CREATED,  /* init -> runtime: everything is ready, waiting for start */
  SYNC_START,    /* runtime -> init: exec the user's program */
  SYNC_ERROR,    /* init -> runtime: setup failed; text holds the message */
  SYNC_TERMINAL, /* init -> runtime: the pty master, as SCM_RIGHTS */
};

struct sync_message {
  int type;
  int errnum;      /* for SYNC_ERROR: the errno, if any */
  int exit_code;   /* for SYNC_ERROR: how the runtime should exit (1, 126 or 127) */
  char text[2048]; /* for SYNC_ERROR */
};

int sync_send(int fd, enum sync_type type);
/* Send a SYNC_TERMINAL message carrying FD_TO_SEND. */
int sync_send_fd(int fd, int fd_to_send);
/* Wait for a SYNC_TERMINAL message and return the fd it carries (close-on-exec). */
int sync_receive_fd(int fd);
/* Send the recorded error (error.h) to the runtime. */
void sync_send_error(int fd, int exit_code);
/* Wait for a message of type EXPECTED.  A SYNC_ERROR is turned into the recorded
   error (returns -1 with *exit_code set); end-of-file returns 0 with *eof set. */
int sync_wait(int fd, enum sync_type expected, int *exit_code, int *eof);

#endif
