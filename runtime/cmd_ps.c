/* `ps`: the processes of a container, found in its cgroup.  `--format json` prints the
 * host pids as a JSON array (what containerd reads); the table shows each pid with its
 * command line, or, given PS_ARGS, the rows of `ps PS_ARGS` that belong to the container,
 * as runc does.
 */
#include "cleanup.h"
#include "commands.h"
#include "error.h"
#include "lifecycle.h"
#include "options.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Bounds on what we read: a cgroup's pid list and the output of ps(1). */
#define PIDS_MAX_BYTES   (16 * 1024 * 1024)
#define PS_MAX_BYTES     (64 * 1024 * 1024)
#define CMDLINE_MAX_SHOW 4096

static const char ps_usage[] =
    "usage: pieces-run ps [--format table|json] ID [PS_OPTIONS...]\n"
    "\n"
    "List the processes in the container's cgroup, by their pid on the host.  The\n"
    "table shows each pid and its command line; given PS_OPTIONS, it shows the rows\n"
    "of 'ps PS_OPTIONS' whose PID column is one of the container's, e.g.\n"
    "'pieces-run ps ID -o pid,user,etime,args'.\n"
    "\n"
    "  -f, --format FORMAT   table, or json: a JSON array of pids (default: table)\n";

struct pid_list {
  pid_t *pids;
  size_t count;
};

static int
compare_pids(const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

static bool
has_pid(const struct pid_list *list, pid_t pid)
{
  return bsearch(&pid, list->pids, list->count, sizeof pid, compare_pids) != NULL;
}

/* Read FD to its end into a NUL-terminated buffer of at most MAX bytes. */
static int
read_all(int fd, size_t max, char **out, size_t *length)
{
  size_t used = 0, size = 4096;
  _cleanup_free_ char *buf = malloc(size);
  if (buf == NULL)
    return fail("out of memory");
  for (;;) {
    if (used + 1 == size) {
      if (size > max)
        return fail("more than %zu bytes", max);
      char *grown = realloc(buf, size * 2);
      if (grown == NULL)
        return fail("out of memory");
      buf = grown;
      size *= 2;
    }
    ssize_t n = read(fd, buf + used, size - used - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail_errno("read");
    if (n == 0)
      break;
    used += (size_t)n;
  }
  buf[used] = '\0';
  *length = used;
  *out = steal_pointer(&buf);
  return 0;
}

/* The pids in DIR/cgroup.procs, sorted and without duplicates (cgroup v1 may repeat
   them). */
static int
read_cgroup_procs(const char *dir, struct pid_list *list)
{
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/cgroup.procs", dir) >= (int)sizeof path)
    return fail("cgroup '%s': path too long", dir);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  _cleanup_free_ char *text = NULL;
  size_t length;
  if (fd < 0)
    return fail_errno("open '%s'", path);
  if (read_all(fd, PIDS_MAX_BYTES, &text, &length) < 0)
    return fail_context("'%s'", path);
  list->pids = calloc(length / 2 + 1, sizeof *list->pids);
  if (list->pids == NULL)
    return fail("out of memory");
  for (char *p = text, *end; *p; p = end) {
    long pid = strtol(p, &end, 10);
    if (end == p) {
      end = p + 1;
      continue;
    }
    if (pid > 0 && pid <= INT_MAX)
      list->pids[list->count++] = (pid_t)pid;
  }
  qsort(list->pids, list->count, sizeof *list->pids, compare_pids);
  size_t kept = 0;
  for (size_t i = 0; i < list->count; i++)
    if (kept == 0 || list->pids[kept - 1] != list->pids[i])
      list->pids[kept++] = list->pids[i];
  list->count = kept;
  return 0;
}

/* How well the cgroup directory DIR answers "which processes are in the container":
   0 if it is gone, 2 for one under a controller every process is charged to (pids,
   memory, or cgroup v2, which has no per-controller trees), 1 for any other. */
static int
rank_cgroup(const char *dir)
{
  static const char *const preferred[] = {"pids.current", "memory.usage_in_bytes",
                                          "cgroup.controllers"};
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/cgroup.procs", dir);
  if (dir[0] != '/' || access(path, R_OK) < 0)
    return 0;
  for (size_t i = 0; i < sizeof preferred / sizeof *preferred; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, preferred[i]);
    if (access(path, F_OK) == 0)
      return 2;
  }
  return 1;
}

/* The pids of the container ST, from the best of its cgroup directories. */
static int
read_container_pids(const struct container_state *st, enum container_status status,
                    struct pid_list *list)
{
  const char *best = NULL;
  int best_rank = 0;
  size_t index;
  json_t *dir;
  json_array_foreach (st->cgroups, index, dir) {
    const char *path = json_string_value(dir);
    int rank = path ? rank_cgroup(path) : 0;
    if (rank > best_rank) {
      best = path;
      best_rank = rank;
    }
  }
  if (best != NULL)
    return read_cgroup_procs(best, list);
  /* A stopped container's cgroups may already be gone: it has no processes. */
  if (status == STATUS_STOPPED)
    return 0;
  return fail("container '%s': none of its cgroups exists any more", st->id);
}

static void
print_pids_json(const struct pid_list *list)
{
  printf("[");
  for (size_t i = 0; i < list->count; i++)
    printf("%s%d", i ? "," : "", (int)list->pids[i]);
  printf("]\n");
}

/* "[NAME]" from /proc/PID/comm into BUF, for a process without a command line (a
   kernel thread, a zombie); returns its length, or -1 if the process is gone. */
static ssize_t
read_bracketed_name(pid_t pid, char *buf, size_t size)
{
  char path[64], name[64];
  snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, name, sizeof name - 1);
  if (n <= 0)
    return -1;
  name[n - (name[n - 1] == '\n')] = '\0';
  return snprintf(buf, size, "[%s]", name);
}

/* A process's command line is whatever the container chose: only printable ASCII is
   shown, so that it cannot send escape sequences to the terminal (ps(1) does the same
   in the C locale).  Arguments are separated by spaces. */
static void
print_process_row(pid_t pid)
{
  char path[64], cmdline[CMDLINE_MAX_SHOW + 1];
  snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, cmdline, CMDLINE_MAX_SHOW);
  if (n == 0)
    n = read_bracketed_name(pid, cmdline, sizeof cmdline);
  if (n < 0)
    return; /* it exited meanwhile */
  while (n > 0 && cmdline[n - 1] == '\0')
    n--;
  for (ssize_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)cmdline[i];
    if (c == '\0')
      cmdline[i] = ' ';
    else if (c < 0x20 || c > 0x7e)
      cmdline[i] = '?';
  }
  cmdline[n] = '\0';
  printf("%7d %s\n", (int)pid, cmdline);
}

static void
print_pids_table(const struct pid_list *list)
{
  printf("%7s %s\n", "PID", "CMD");
  for (size_t i = 0; i < list->count; i++)
    print_process_row(list->pids[i]);
}

/* Run `ps ARGS...` and return its standard output. */
static int
run_ps(int argc, char **argv, char **output)
{
  _cleanup_free_ char **args = calloc((size_t)argc + 2, sizeof *args);
  if (args == NULL)
    return fail("ps: out of memory");
  args[0] = "ps";
  memcpy(args + 1, argv, (size_t)argc * sizeof *argv);
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return fail_errno("ps: make a pipe");
  _cleanup_close_ int reader = pipefd[0];
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  pid_t pid;
  int r = posix_spawnp(&pid, "ps", &actions, NULL, args, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (r != 0)
    return fail_with(r, "ps: run 'ps'");
  size_t length;
  int read_result = read_all(reader, PS_MAX_BYTES, output, &length);
  close(steal_fd(&reader)); /* a ps still writing gets EPIPE rather than blocking us */
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return fail_errno("ps: wait for 'ps'");
  if (read_result < 0)
    return fail_context("ps: output of 'ps'");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    free(steal_pointer(output));
    return fail("ps: 'ps' failed (exit status %d); check the ps options",
                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  return 0;
}

/* The index of the PID column in ps's HEADER line, or -1. */
static int
find_pid_column(char *header)
{
  int column = 0;
  for (char *save = NULL, *word = strtok_r(header, " \t", &save); word;
       word = strtok_r(NULL, " \t", &save), column++)
    if (strcmp(word, "PID") == 0)
      return column;
  return -1;
}

/* The pid in column COLUMN of LINE, or -1. */
static pid_t
pid_in_column(const char *line, int column)
{
  const char *p = line;
  for (int i = 0;; i++) {
    p += strspn(p, " \t");
    if (*p == '\0')
      return -1;
    if (i == column) {
      char *end;
      long pid = strtol(p, &end, 10);
      return end != p && (*end == ' ' || *end == '\t' || *end == '\0') && pid > 0 &&
                     pid <= INT_MAX
                 ? (pid_t)pid
                 : -1;
    }
    p += strcspn(p, " \t");
  }
}

/* The header of `ps PS_ARGS` and its rows that belong to the container. */
static int
print_ps_rows(const struct pid_list *list, int argc, char **argv)
{
  _cleanup_free_ char *output = NULL;
  if (run_ps(argc, argv, &output) < 0)
    return -1;
  char *save = NULL;
  char *line = strtok_r(output, "\n", &save);
  if (line == NULL)
    return fail("ps: 'ps' printed nothing");
  _cleanup_free_ char *header = strdup(line);
  int column = header ? find_pid_column(header) : -1;
  if (column < 0)
    return fail("ps: the output of 'ps' has no PID column; give ps options that print "
                "one, such as -ef or -o pid,args");
  printf("%s\n", line);
  while ((line = strtok_r(NULL, "\n", &save)) != NULL)
    if (has_pid(list, pid_in_column(line, column)))
      printf("%s\n", line);
  return 0;
}

static int
show_processes(const struct global_options *g, const char *id, const char *format, int argc,
               char **argv)
{
  bool json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "table") != 0)
    return fail("ps: --format must be table or json, not '%s'", format);
  if (json && argc > 0)
    return fail("ps: ps options cannot be combined with --format json");
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = lifecycle_open(g, id, false, &rootfd);
  struct container_state st;
  if (dirfd < 0 || state_read(dirfd, &st) < 0)
    return -1;
  struct pid_list list = {NULL, 0};
  int r = read_container_pids(&st, state_status(dirfd, &st), &list);
  state_free(&st);
  if (r == 0 && json)
    print_pids_json(&list);
  else if (r == 0 && argc > 0)
    r = print_ps_rows(&list, argc, argv);
  else if (r == 0)
    print_pids_table(&list);
  free(list.pids);
  return r;
}

int
cmd_ps(const struct global_options *g, int argc, char **argv)
{
  const char *format = "table";
  const struct option_def options[] = {
      OPTION_VALUE("format", 'f', &format),
      OPTION_END,
  };
  /* Options end at the ID: what follows is for ps(1). */
  const struct command_line cl = {"ps", ps_usage, options, 1, -1, 1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  if (show_processes(g, positional[0], format, n - 1, positional + 1) < 0)
    return command_failed();
  return 0;
}
