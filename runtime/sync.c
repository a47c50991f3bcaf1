/* The runtime <-> init protocol; see sync.h. */
#include "sync.h"
#include "error.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int
sync_send (int fd, enum sync_type type)
{
  struct sync_message msg = { .type = type };
  /* Only the header matters for stage messages. */
  if (send (fd, &msg, offsetof (struct sync_message, text), MSG_NOSIGNAL) < 0)
    return fail_errno ("send to the container process");
  return 0;
}

void
sync_send_error (int fd, int exit_code)
{
  struct sync_message msg = { .type = SYNC_ERROR, .errnum = error_errno (),
                              .exit_code = exit_code };
  snprintf (msg.text, sizeof msg.text, "%s", error_message ());
  (void) send (fd, &msg, sizeof msg, MSG_NOSIGNAL);
}

int
sync_wait (int fd, enum sync_type expected, int *exit_code, int *eof)
{
  struct sync_message msg;
  ssize_t n;
  *eof = 0;
  do
    n = recv (fd, &msg, sizeof msg, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return fail_errno ("receive from the container process");
  if (n == 0) {
    *eof = 1;
    return 0;
  }
  if (n < (ssize_t) offsetof (struct sync_message, text))
    return fail ("short message from the container process");
  if (msg.type == SYNC_ERROR) {
    msg.text[sizeof msg.text - 1] = '\0';
    error_restore (msg.text, msg.errnum);
    if (exit_code)
      *exit_code = msg.exit_code ? msg.exit_code : 1;
    return -1;
  }
  if (msg.type != (int) expected)
    return fail ("unexpected message %d from the container process", msg.type);
  return 0;
}
