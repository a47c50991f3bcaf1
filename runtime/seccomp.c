/* linux.seccomp in the kernel; see seccomp.h. */
#include "seccomp.h"
#include "cleanup.h"
#include "error.h"
#include "log.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Linux system calls take at most six arguments. */
#define SYSCALL_ARGS_MAX 6

static void
release_filter(scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release(*ctx);
}
#define _cleanup_filter_ __attribute__((cleanup(release_filter)))

/* The libseccomp attribute of each flag.  Setting it makes libseccomp check that the
   kernel has the flag; the flag itself reaches the kernel from seccomp_filter_load(). */
static const struct {
  unsigned flag;
  enum scmp_filter_attr attr;
  const char *name;
} flag_attrs[] = {
    {SECCOMP_FILTER_FLAG_TSYNC, SCMP_FLTATR_CTL_TSYNC, "SECCOMP_FILTER_FLAG_TSYNC"},
    {SECCOMP_FILTER_FLAG_LOG, SCMP_FLTATR_CTL_LOG, "SECCOMP_FILTER_FLAG_LOG"},
    {SECCOMP_FILTER_FLAG_SPEC_ALLOW, SCMP_FLTATR_CTL_SSB, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
};

#define FLAG_COUNT (sizeof flag_attrs / sizeof flag_attrs[0])

static int
set_flags(scmp_filter_ctx ctx, unsigned flags)
{
  for (size_t i = 0; i < FLAG_COUNT; i++) {
    int r = (flags & flag_attrs[i].flag) ? seccomp_attr_set(ctx, flag_attrs[i].attr, 1) : 0;
    if (r < 0)
      return fail_with(-r, "linux.seccomp.flags: %s", flag_attrs[i].name);
  }
  return 0;
}

bool
seccomp_flag_supported(unsigned flag)
{
  _cleanup_filter_ scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

  for (size_t i = 0; ctx && i < FLAG_COUNT; i++)
    if (flag_attrs[i].flag == flag)
      return seccomp_attr_set(ctx, flag_attrs[i].attr, 1) == 0;
  return false;
}

static int
add_architectures(scmp_filter_ctx ctx, const struct seccomp_spec *seccomp)
{
  /* The native architecture is always in the filter: a profile that leaves it out
     would otherwise kill the container on its first system call. */
  for (size_t i = 0; i < seccomp->n_architectures; i++) {
    int r = seccomp_arch_add(ctx, seccomp->architectures[i]);
    if (r == -EDOM)
      return fail("linux.seccomp.architectures[%zu]: its byte order is not this machine's, "
                  "and one filter cannot hold both",
                  i);
    if (r < 0 && r != -EEXIST)
      return fail_with(-r, "linux.seccomp.architectures[%zu]: add it to the filter", i);
  }
  return 0;
}

static struct scmp_arg_cmp
comparison(const struct seccomp_arg *arg)
{
  return (struct scmp_arg_cmp){.arg = arg->index,
                               .op = (enum scmp_compare)arg->op,
                               .datum_a = arg->value,
                               .datum_b = arg->value_two};
}

static bool
compares_an_argument_twice(const struct seccomp_rule *rule)
{
  unsigned seen = 0;

  for (size_t i = 0; i < rule->n_args; i++) {
    unsigned bit = 1u << rule->args[i].index;
    if (seen & bit)
      return true;
    seen |= bit;
  }
  return false;
}

/* Add RULE for the system call NR; a negative errno from libseccomp on failure.
   Conditions on different arguments must all hold.  libseccomp cannot compare one
   argument twice in a rule, so a rule that does is read as runc and crun read it:
   each condition is a rule of its own, and any one of them matching is enough. */
static int
add_syscall(scmp_filter_ctx ctx, const struct seccomp_rule *rule, int nr)
{
  struct scmp_arg_cmp conditions[SYSCALL_ARGS_MAX];

  if (compares_an_argument_twice(rule)) {
    for (size_t i = 0; i < rule->n_args; i++) {
      struct scmp_arg_cmp one = comparison(&rule->args[i]);
      int r = seccomp_rule_add_array(ctx, rule->action, nr, 1, &one);
      if (r < 0)
        return r;
    }
    return 0;
  }
  /* Each argument at most once: there are at most six conditions. */
  for (size_t i = 0; i < rule->n_args; i++)
    conditions[i] = comparison(&rule->args[i]);
  return seccomp_rule_add_array(ctx, rule->action, nr, rule->n_args, conditions);
}

/* Add rule INDEX for each of its names that libseccomp knows, counting them in
 *ADDED. */
static int
add_rule(scmp_filter_ctx ctx, const struct seccomp_spec *seccomp, size_t index, size_t *added)
{
  const struct seccomp_rule *rule = &seccomp->rules[index];
  const struct scmp_version *version = seccomp_version();

  /* libseccomp refuses a rule that does what the default does; it changes nothing. */
  if (rule->action == seccomp->default_action) {
    log_debug("linux.seccomp.syscalls[%zu]: the default action, skipped", index);
    return 0;
  }
  for (size_t i = 0; i < rule->n_names; i++) {
    int nr = seccomp_syscall_resolve_name(rule->names[i]);
    /* Engines' profiles list system calls newer than the library: runc and crun
       skip those too. */
    if (nr == __NR_SCMP_ERROR) {
      log_debug("linux.seccomp.syscalls[%zu].names[%zu]: '%s' is not a system call "
                "libseccomp %u.%u.%u knows, skipped",
                index, i, rule->names[i], version->major, version->minor, version->micro);
      continue;
    }
    int r = add_syscall(ctx, rule, nr);
    if (r == -EEXIST)
      return fail("linux.seccomp.syscalls[%zu].names[%zu]: an earlier rule gives '%s' "
                  "another action for the same arguments",
                  index, i, rule->names[i]);
    if (r < 0)
      return fail_with(-r, "linux.seccomp.syscalls[%zu].names[%zu]: add '%s' to the filter",
                       index, i, rule->names[i]);
    (*added)++;
  }
  return 0;
}

/* libseccomp 2.5 exports a program only to an fd: take it back into memory, so that
   loading it is one system call with nothing to allocate or free after it. */
static int
export_program(scmp_filter_ctx ctx, struct seccomp_spec *seccomp)
{
  _cleanup_close_ int fd = memfd_create("pieces-seccomp", MFD_CLOEXEC);
  _cleanup_free_ struct sock_filter *program = NULL;
  size_t size, done = 0;
  struct stat st;
  int r;

  if (fd < 0)
    return fail_errno("linux.seccomp: make a memfd for the filter");
  r = seccomp_export_bpf(ctx, fd);
  if (r < 0)
    return fail_with(-r, "linux.seccomp: compile the filter");
  if (fstat(fd, &st) < 0)
    return fail_errno("linux.seccomp: stat the compiled filter");
  size = (size_t)st.st_size;
  if (size == 0 || size % sizeof *program != 0)
    return fail("linux.seccomp: libseccomp made a filter of %zu bytes", size);
  if (size / sizeof *program > BPF_MAXINSNS)
    return fail("linux.seccomp: the filter takes %zu BPF instructions, more than the "
                "kernel's limit of %d",
                size / sizeof *program, BPF_MAXINSNS);
  program = malloc(size);
  if (!program)
    return fail_errno("linux.seccomp: allocate the filter");
  while (done < size) {
    ssize_t n = pread(fd, (char *)program + done, size - done, (off_t)done);
    if (n <= 0)
      return n < 0 ? fail_errno("linux.seccomp: read the compiled filter")
                   : fail("linux.seccomp: the compiled filter was cut short");
    done += (size_t)n;
  }
  seccomp->program = steal_pointer(&program);
  seccomp->program_length = (unsigned short)(size / sizeof *seccomp->program);
  return 0;
}

int
seccomp_filter_compile(struct seccomp_spec *seccomp)
{
  _cleanup_filter_ scmp_filter_ctx ctx = seccomp_init(seccomp->default_action);
  size_t added = 0;

  if (!ctx)
    return fail("linux.seccomp.defaultAction: libseccomp refused it");
  if (add_architectures(ctx, seccomp) < 0 || set_flags(ctx, seccomp->flags) < 0)
    return -1;
  for (size_t i = 0; i < seccomp->n_rules; i++)
    if (add_rule(ctx, seccomp, i, &added) < 0)
      return -1;
  /* A binary search over the system calls instead of a list: faster for each call
     the container makes once a profile is long.  Optional (libseccomp 2.5 and later);
     2.5.4 mishandles it for a filter with no rules at all, hence the threshold. */
  if (added > 32 && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
    log_debug("linux.seccomp: libseccomp cannot sort the filter as a tree; kept as a list");
  return export_program(ctx, seccomp);
}

/* Where to load the filter.
 *
 * The filter applies to every system call after it, the runtime's own included, so
 * it should come as late as possible: just before execve().  But there the process
 * has the container's user and capabilities, and the kernel lets a process load a
 * filter only if it has set no_new_privs or holds CAP_SYS_ADMIN (so that a filter
 * cannot trick a setuid program it then executes).
 *
 * So when the config sets noNewPrivileges, or leaves CAP_SYS_ADMIN in the effective
 * set, the filter is loaded just before execve(): only execve() itself runs under it.
 * Otherwise it is loaded just before the user changes, while we are still privileged,
 * as runc does; the filter must then allow what the runtime does after it:
 * setgroups, setresgid, setresuid, prctl, capset, umask, close_range, fcntl,
 * rt_sigprocmask and execve (bundle-spec/config.md lists them).  A profile that denies
 * one of these fails the start with that step's error; it never runs the container
 * unfiltered. */
static enum seccomp_load_point
load_point(const struct process_spec *process)
{
  if (process->no_new_privileges || (process->cap_effective & (1ULL << CAP_SYS_ADMIN)))
    return SECCOMP_LOAD_BEFORE_EXEC;
  return SECCOMP_LOAD_BEFORE_USER;
}

int
seccomp_filter_load(const struct spec *spec, enum seccomp_load_point point)
{
  const struct seccomp_spec *seccomp = spec->seccomp;
  struct sock_fprog program;
  long r;

  if (!seccomp || point != load_point(&spec->process))
    return 0;
  program.len = seccomp->program_length;
  program.filter = seccomp->program;
  r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, seccomp->flags, &program);
  if (r < 0 && errno == EACCES)
    return fail_errno("linux.seccomp: load the filter without no_new_privs or CAP_SYS_ADMIN");
  if (r < 0)
    return fail_errno("linux.seccomp: load the filter");
  if (r > 0)
    return fail("linux.seccomp: SECCOMP_FILTER_FLAG_TSYNC: thread %ld could not take the "
                "filter",
                r);
  return 0;
}
