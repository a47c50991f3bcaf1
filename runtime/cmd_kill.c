/* `kill [--all] ID [SIGNAL]`: signal a container's init, or every process in it. */
#include "cleanup.h"
#include "commands.h"
#include "error.h"
#include "lifecycle.h"
#include "options.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char usage[] =
    "usage: pieces-run kill [--all] ID [SIGNAL]\n\n"
    "Send SIGNAL (default SIGTERM) to the container's init; a number, TERM or SIGTERM.\n\n"
    "  -a, --all   send it to every process in the container\n";

static const struct {
  const char *name;
  int number;
} signal_names[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

static int
parse_signal(const char *text)
{
  if (isdigit((unsigned char)text[0])) {
    char *end;
    long n = strtol(text, &end, 10);
    if (*end == '\0' && n > 0 && n < NSIG)
      return (int)n;
    return fail("kill: invalid signal '%s'", text);
  }
  const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
  for (size_t i = 0; i < sizeof signal_names / sizeof *signal_names; i++)
    if (strcasecmp(name, signal_names[i].name) == 0)
      return signal_names[i].number;
  if (strncasecmp(name, "RTMIN+", 6) == 0 && atoi(name + 6) >= 0 &&
      SIGRTMIN + atoi(name + 6) <= SIGRTMAX)
    return SIGRTMIN + atoi(name + 6);
  return fail("kill: unknown signal '%s'", text);
}

static int
signal_init(const struct container_state *st, int sig)
{
  /* Open a pidfd, then check it is still our init: from then on the pid cannot be
     recycled under us. */
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
  if (pidfd < 0 || !state_process_alive(st->pid, st->start_time))
    return fail("container not running");
  if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    return fail_errno("kill container '%s'", st->id);
  return 0;
}

int
cmd_kill(const struct global_options *g, int argc, char **argv)
{
  int all = 0;
  const struct option_def options[] = {OPTION_FLAG("all", 'a', &all), OPTION_END};
  const struct command_line cl = {"kill", usage, options, 1, 2, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  int sig = n == 2 ? parse_signal(positional[1]) : SIGTERM;
  if (sig < 0)
    return command_failed();
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int statefd = lifecycle_open(g, positional[0], false, &rootfd);
  struct container_state st;
  if (statefd < 0 || state_read(statefd, &st) < 0)
    return command_failed();
  if (state_status(statefd, &st) == STATUS_STOPPED)
    r = fail("container not running");
  else if (all)
    r = cgroup_signal_all(st.cgroups, sig);
  else
    r = signal_init(&st, sig);
  state_free(&st);
  return r < 0 ? command_failed() : 0;
}
