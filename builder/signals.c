#include <signal.h>
#include <stddef.h>

#include "error.h"
#include "signals.h"

static volatile sig_atomic_t received;

static void
record_signal(int signo)
{
  if (received == 0)
    received = signo;
}

static int
catch_signal(int signo)
{
  struct sigaction old;
  struct sigaction sa = {.sa_handler = record_signal};

  if (sigaction(signo, NULL, &old) < 0)
    return fail_errno("sigaction");
  /* A shell starts background jobs with SIGINT ignored so that ^C reaches only the
   * foreground job; keep that choice rather than override it. */
  if (old.sa_handler == SIG_IGN)
    return 0;
  /* No SA_RESTART: a blocking call returns EINTR so the loop around it notices. */
  sigemptyset(&sa.sa_mask);
  if (sigaction(signo, &sa, NULL) < 0)
    return fail_errno("sigaction");
  return 0;
}

int
signals_install(void)
{
  /* A closed stdout or a peer that went away must be an error we report, not a
   * silent death in the middle of cleanup. */
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
    return fail_errno("ignore SIGPIPE");
  if (catch_signal(SIGINT) < 0 || catch_signal(SIGTERM) < 0)
    return -1;
  return 0;
}

int
signals_received(void)
{
  return received;
}
