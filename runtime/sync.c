/* The runtime <-> init protocol; see sync.h. */
#include "sync.h"
#include "cleanup.h"
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct sync_header {
  int type;
  int errnum;    /* SYNC_ERROR: the errno, if any */
  int exit_code; /* SYNC_ERROR: how the runtime should exit (1, 126 or 127) */
};

static int
send_message(int fd, const struct sync_header *h, const char *payload)
{
  struct iovec iov[2] = {{(void *)h, sizeof *h},
                         {(void *)payload, payload ? strlen(payload) : 0}};
  struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
  if (iov[1].iov_len > SYNC_MAX_PAYLOAD)
    return fail("message to the container process too large");
  if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
    return fail_errno("send to the container process");
  return 0;
}

int
sync_send(int fd, enum sync_type type, const char *payload)
{
  struct sync_header h = {.type = type};
  return send_message(fd, &h, payload);
}

void
sync_send_error(int fd, int exit_code)
{
  struct sync_header h = {.type = SYNC_ERROR, .errnum = error_errno(), .exit_code = exit_code};
  (void)send_message(fd, &h, error_message());
}

int
sync_wait(int fd, enum sync_type expected, int *exit_code, int *eof, char **payload)
{
  _cleanup_free_ char *buf = malloc(sizeof(struct sync_header) + SYNC_MAX_PAYLOAD + 1);
  ssize_t n;
  *eof = 0;
  if (payload)
    *payload = NULL;
  if (buf == NULL)
    return fail_errno("receive from the container process");
  do
    n = recv(fd, buf, sizeof(struct sync_header) + SYNC_MAX_PAYLOAD, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return fail_errno("receive from the container process");
  if (n == 0) {
    *eof = 1;
    return 0;
  }
  if (n < (ssize_t)sizeof(struct sync_header))
    return fail("short message from the container process");
  struct sync_header h;
  memcpy(&h, buf, sizeof h);
  buf[n] = '\0';
  const char *text = buf + sizeof h;
  if (h.type == SYNC_ERROR) {
    error_restore(text, h.errnum);
    if (exit_code)
      *exit_code = h.exit_code ? h.exit_code : 1;
    return -1;
  }
  if (h.type != (int)expected)
    return fail("unexpected message %d from the container process", h.type);
  if (payload && n > (ssize_t)sizeof h && (*payload = strdup(text)) == NULL)
    return fail_errno("receive from the container process");
  return 0;
}

int
sync_send_with_fd(int sock, const void *data, size_t len, int fd_to_send)
{
  struct iovec iov = {(void *)data, len};
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
  return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int
sync_send_fd(int fd, int fd_to_send)
{
  struct sync_header h = {.type = SYNC_TERMINAL};
  if (sync_send_with_fd(fd, &h, sizeof h, fd_to_send) < 0)
    return fail_errno("send the terminal to the runtime");
  return 0;
}

int
sync_receive_fd(int fd)
{
  char buf[sizeof(struct sync_header) + 4096];
  struct iovec iov = {buf, sizeof buf - 1};
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
  struct sync_header h = {0};
  if (n >= (ssize_t)sizeof h)
    memcpy(&h, buf, sizeof h);
  if (h.type == SYNC_ERROR) {
    buf[n] = '\0';
    error_restore(buf + sizeof h, h.errnum);
    return -1;
  }
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&mh);
  if (n == 0 || h.type != SYNC_TERMINAL || cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
    return fail("the container process did not send its terminal");
  int received;
  memcpy(&received, CMSG_DATA(cmsg), sizeof(int));
  return received;
}
