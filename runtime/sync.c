/* The runtime <-> init protocol; see sync.h. */
#include "sync.h"
#include "error.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int
sync_send(int fd, enum sync_type type)
{
  struct sync_message msg = {.type = type};
  /* Only the header matters for stage messages. */
  if (send(fd, &msg, offsetof(struct sync_message, text), MSG_NOSIGNAL) < 0)
    return fail_errno("send to the container process");
  return 0;
}

void
sync_send_error(int fd, int exit_code)
{
  struct sync_message msg = {
      .type = SYNC_ERROR, .errnum = error_errno(), .exit_code = exit_code};
  snprintf(msg.text, sizeof msg.text, "%s", error_message());
  (void)send(fd, &msg, sizeof msg, MSG_NOSIGNAL);
}

int
sync_wait(int fd, enum sync_type expected, int *exit_code, int *eof)
{
  struct sync_message msg;
  ssize_t n;
  *eof = 0;
  do
    n = recv(fd, &msg, sizeof msg, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return fail_errno("receive from the container process");
  if (n == 0) {
    *eof = 1;
    return 0;
  }
  if (n < (ssize_t)offsetof(struct sync_message, text))
    return fail("short message from the container process");
  if (msg.type == SYNC_ERROR) {
    msg.text[sizeof msg.text - 1] = '\0';
    error_restore(msg.text, msg.errnum);
    if (exit_code)
      *exit_code = msg.exit_code ? msg.exit_code : 1;
    return -1;
  }
  if (msg.type != (int)expected)
    return fail("unexpected message %d from the container process", msg.type);
  return 0;
}

int
sync_send_fd(int fd, int fd_to_send)
{
  struct sync_message msg = {.type = SYNC_TERMINAL};
  struct iovec iov = {&msg, offsetof(struct sync_message, text)};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control = {0};
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = control.buf,
                      .msg_controllen = sizeof control.buf};
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&mh);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cmsg), &fd_to_send, sizeof(int));
  if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
    return fail_errno("send the terminal to the runtime");
  return 0;
}

int
sync_receive_fd(int fd)
{
  struct sync_message msg;
  struct iovec iov = {&msg, sizeof msg};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = control.buf,
                      .msg_controllen = sizeof control.buf};
  ssize_t n;
  do
    n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return fail_errno("receive the terminal from the container process");
  if (n >= (ssize_t)offsetof(struct sync_message, text) && msg.type == SYNC_ERROR) {
    msg.text[sizeof msg.text - 1] = '\0';
    error_restore(msg.text, msg.errnum);
    return -1;
  }
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&mh);
  if (n == 0 || msg.type != SYNC_TERMINAL || cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
    return fail("the container process did not send its terminal");
  int received;
  memcpy(&received, CMSG_DATA(cmsg), sizeof(int));
  return received;
}
