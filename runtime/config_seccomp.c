/* config.json "linux.seccomp": the system call filter, read into libseccomp's values.
 *
 * Everything the runtime-spec allows is checked here, and the filter is compiled
 * (seccomp.c) before spec_load() returns, so a profile that libseccomp or the kernel
 * would refuse is refused before anything is created.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "config_internal.h"
#include "error.h"
#include "seccomp.h"

/* The largest value we read exactly: numbers are parsed as doubles (see config.c), and
   every integer text from 2^53 up may have been rounded, which would silently change
   a comparison. */
#define SECCOMP_VALUE_MAX 9007199254740991LL

/* Bounds on what libseccomp is asked to build.  Its time grows much faster than
   linearly with the comparisons on one system call (768 took seconds with three
   architectures, a few thousand took minutes), and 2.5.4 corrupted its heap while
   exporting a filter of some 60000 instructions.  Engines' profiles use about 450
   names and 20 comparisons, and the kernel loads 4096 instructions at most anyway. */
#define SECCOMP_MAX_NAMES       4096
#define SECCOMP_MAX_COMPARISONS 256

/* The kernel caps an errno at 4095 (MAX_ERRNO); SCMP_ACT_TRACE passes 16 bits to the
   tracer. */
#define SECCOMP_ERRNO_MAX 4095
#define SECCOMP_TRACE_MAX 65535

static const struct {
  const char *name;
  uint32_t action;
} action_names[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
};

static const struct {
  const char *name;
  enum scmp_compare op;
} operator_names[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* Every architecture of the runtime-spec, and the later ones when the libseccomp we
   are built with knows them. */
static const struct {
  const char *name;
  uint32_t arch;
} arch_names[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#endif
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
#endif
#ifdef SCMP_ARCH_SHEB
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#endif
};

/* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is missing: it only changes how a notify
   listener waits, and SCMP_ACT_NOTIFY is not supported. */
static const struct {
  const char *name;
  unsigned flag;
} flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* The action named by the string at PATH.KEY, and whether it takes an errno. */
static int
parse_action(json_t *object, const char *path, const char *key, uint32_t *action,
             bool *takes_errno)
{
  char where[CONFIG_PATH_MAX];
  _cleanup_free_ char *name = NULL;

  if (config_require(object, path, key) < 0 || config_get_string(object, path, key, &name) < 0)
    return -1;
  config_path_member(where, path, key);
  if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
    return fail("%s: 'SCMP_ACT_NOTIFY' is not supported by pieces-run yet", where);
  for (size_t i = 0; i < COUNT(action_names); i++) {
    if (strcmp(action_names[i].name, name) == 0) {
      *action = action_names[i].action;
      *takes_errno = *action == SCMP_ACT_ERRNO(0) || *action == SCMP_ACT_TRACE(0);
      return 0;
    }
  }
  return fail("%s: unknown action '%s'", where, name);
}

/* An action at PATH.ACTION_KEY with its errno at PATH.ERRNO_KEY folded in: EPERM when
   none is given, as the runtime-spec says; an error when the action takes none. */
static int
parse_action_errno(json_t *object, const char *path, const char *action_key,
                   const char *errno_key, uint32_t *out)
{
  char where[CONFIG_PATH_MAX];
  uint32_t action = 0;
  bool takes_errno = false;
  int64_t errno_ret = EPERM;
  int r;

  if (parse_action(object, path, action_key, &action, &takes_errno) < 0)
    return -1;
  if (!takes_errno) {
    if (!config_member(object, errno_key)) {
      *out = action;
      return 0;
    }
    config_path_member(where, path, errno_key);
    return fail("%s: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not %s", where,
                json_string_value(json_object_get(object, action_key)));
  }
  r = config_get_integer(object, path, errno_key, 0,
                         action == SCMP_ACT_ERRNO(0) ? SECCOMP_ERRNO_MAX : SECCOMP_TRACE_MAX,
                         &errno_ret);
  if (r < 0)
    return -1;
  *out = action | (uint32_t)errno_ret;
  return 0;
}

static int
parse_operator(json_t *object, const char *path, int *op)
{
  char where[CONFIG_PATH_MAX];
  _cleanup_free_ char *name = NULL;

  if (config_require(object, path, "op") < 0 ||
      config_get_string(object, path, "op", &name) < 0)
    return -1;
  for (size_t i = 0; i < COUNT(operator_names); i++) {
    if (strcmp(operator_names[i].name, name) == 0) {
      *op = operator_names[i].op;
      return 0;
    }
  }
  config_path_member(where, path, "op");
  return fail("%s: unknown operator '%s'", where, name);
}

/* A comparison value at PATH.KEY, absent meaning 0. */
static int
parse_value(json_t *object, const char *path, const char *key, uint64_t *out)
{
  char where[CONFIG_PATH_MAX];
  json_t *member = config_member(object, key);
  int64_t value = 0;

  if (json_is_number(member) && json_number_value(member) > (double)SECCOMP_VALUE_MAX) {
    config_path_member(where, path, key);
    return fail("%s: larger than %lld (2^53 - 1), the largest value pieces-run reads exactly",
                where, SECCOMP_VALUE_MAX);
  }
  if (config_get_integer(object, path, key, 0, SECCOMP_VALUE_MAX, &value) < 0)
    return -1;
  *out = (uint64_t)value;
  return 0;
}

/* One {index, value, valueTwo, op} object at PATH. */
static int
parse_arg(json_t *object, const char *path, struct seccomp_arg *arg)
{
  int64_t index = 0;

  if (!json_is_object(object))
    return fail("%s: must be an object", path);
  if (config_require(object, path, "index") < 0 ||
      config_get_integer(object, path, "index", 0, 5, &index) < 0 ||
      config_require(object, path, "value") < 0 ||
      parse_value(object, path, "value", &arg->value) < 0 ||
      parse_value(object, path, "valueTwo", &arg->value_two) < 0 ||
      parse_operator(object, path, &arg->op) < 0)
    return -1;
  arg->index = (unsigned)index;
  return 0;
}

static int
parse_args(json_t *object, const char *path, struct seccomp_rule *rule)
{
  char base[CONFIG_PATH_MAX], where[CONFIG_PATH_MAX];
  json_t *args = NULL, *arg;
  size_t index;
  int r = config_get_array(object, path, "args", &args);

  if (r <= 0)
    return r;
  if (config_alloc_array(json_array_size(args), sizeof *rule->args, &rule->args) < 0)
    return -1;
  config_path_member(base, path, "args");
  json_array_foreach (args, index, arg) {
    config_path_index(where, base, index);
    if (parse_arg(arg, where, &rule->args[index]) < 0)
      return -1;
    rule->n_args = index + 1;
  }
  return 0;
}

static int
check_syscall_name(const char *value, const char *path)
{
  if (value[0] == '\0')
    return fail("%s: must not be empty", path);
  return 0;
}

/* One {names, action, errnoRet, args} object at PATH. */
static int
parse_rule(json_t *object, const char *path, struct seccomp_rule *rule)
{
  if (!json_is_object(object))
    return fail("%s: must be an object", path);
  if (config_require(object, path, "names") < 0 ||
      config_get_strings(object, path, "names", check_syscall_name, &rule->names,
                         &rule->n_names) < 0)
    return -1;
  if (rule->n_names == 0)
    return fail("%s.names: must hold at least one system call", path);
  if (parse_action_errno(object, path, "action", "errnoRet", &rule->action) < 0 ||
      parse_args(object, path, rule) < 0)
    return -1;
  return 0;
}

/* Add RULE (at PATH) to the running totals of names and comparisons, and fail when
   they pass the limits above; a comparison counts once for each name of its rule. */
static int
count_rule(const struct seccomp_rule *rule, const char *path, size_t *names,
           size_t *comparisons)
{
  *names += rule->n_names;
  *comparisons += rule->n_names * rule->n_args;
  if (*names > SECCOMP_MAX_NAMES)
    return fail("%s: more than %d system call names in linux.seccomp.syscalls", path,
                SECCOMP_MAX_NAMES);
  if (*comparisons > SECCOMP_MAX_COMPARISONS)
    return fail("%s: more than %d argument comparisons in linux.seccomp.syscalls (each "
                "counted once per name)",
                path, SECCOMP_MAX_COMPARISONS);
  return 0;
}

static int
parse_rules(json_t *seccomp, struct seccomp_spec *out)
{
  char where[CONFIG_PATH_MAX];
  json_t *syscalls = NULL, *object;
  size_t index, names = 0, comparisons = 0;
  int r = config_get_array(seccomp, "linux.seccomp", "syscalls", &syscalls);

  if (r <= 0)
    return r;
  if (config_alloc_array(json_array_size(syscalls), sizeof *out->rules, &out->rules) < 0)
    return -1;
  json_array_foreach (syscalls, index, object) {
    config_path_index(where, "linux.seccomp.syscalls", index);
    /* Counted first, so that a half-read rule is freed too. */
    out->n_rules = index + 1;
    if (parse_rule(object, where, &out->rules[index]) < 0 ||
        count_rule(&out->rules[index], where, &names, &comparisons) < 0)
      return -1;
  }
  return 0;
}

static int
check_architecture(const char *value, const char *path)
{
  for (size_t i = 0; i < COUNT(arch_names); i++)
    if (strcmp(arch_names[i].name, value) == 0)
      return 0;
  return fail("%s: unknown architecture '%s' (libseccomp %u.%u.%u)", path, value,
              seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro);
}

static uint32_t
architecture_value(const char *name)
{
  for (size_t i = 0; i < COUNT(arch_names); i++)
    if (strcmp(arch_names[i].name, name) == 0)
      return arch_names[i].arch;
  return 0;
}

static int
parse_architectures(json_t *seccomp, struct seccomp_spec *out)
{
  char **names = NULL;
  size_t count = 0;
  int r = config_get_strings(seccomp, "linux.seccomp", "architectures", check_architecture,
                             &names, &count);

  if (r <= 0)
    return r;
  if (config_alloc_array(count, sizeof *out->architectures, &out->architectures) < 0) {
    config_free_strings(names);
    return -1;
  }
  for (size_t i = 0; i < count; i++)
    out->architectures[i] = architecture_value(names[i]);
  out->n_architectures = count;
  config_free_strings(names);
  return 0;
}

static int
check_flag(const char *value, const char *path)
{
  if (strcmp(value, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
    return fail("%s: '%s' is not supported by pieces-run yet: it applies to SCMP_ACT_NOTIFY "
                "only",
                path, value);
  for (size_t i = 0; i < COUNT(flag_names); i++)
    if (strcmp(flag_names[i].name, value) == 0)
      return 0;
  return fail("%s: unknown flag '%s'", path, value);
}

static int
parse_flags(json_t *seccomp, struct seccomp_spec *out)
{
  char **names = NULL;
  int r = config_get_strings(seccomp, "linux.seccomp", "flags", check_flag, &names, NULL);

  if (r <= 0)
    return r;
  for (char **name = names; *name; name++)
    for (size_t i = 0; i < COUNT(flag_names); i++)
      if (strcmp(flag_names[i].name, *name) == 0)
        out->flags |= flag_names[i].flag;
  config_free_strings(names);
  return 0;
}

/* The seccomp notify members: an agent would get the filter's fd over listenerPath. */
static int
refuse_listener(json_t *seccomp, const char *key)
{
  _cleanup_free_ char *value = NULL;
  int r = config_get_string(seccomp, "linux.seccomp", key, &value);

  if (r < 0)
    return -1;
  if (r > 0 && value[0] != '\0')
    return fail("linux.seccomp.%s: not supported by pieces-run yet", key);
  return 0;
}

static int
parse_seccomp(json_t *seccomp, struct seccomp_spec *out)
{
  if (refuse_listener(seccomp, "listenerPath") < 0 ||
      refuse_listener(seccomp, "listenerMetadata") < 0 ||
      parse_action_errno(seccomp, "linux.seccomp", "defaultAction", "defaultErrnoRet",
                         &out->default_action) < 0 ||
      parse_architectures(seccomp, out) < 0 || parse_flags(seccomp, out) < 0 ||
      parse_rules(seccomp, out) < 0)
    return -1;
  return 0;
}

int
config_parse_seccomp(json_t *linux_obj, struct spec *spec)
{
  json_t *seccomp = NULL;
  int r = config_get_object(linux_obj, "linux", "seccomp", &seccomp);

  if (r <= 0)
    return r;
  spec->seccomp = calloc(1, sizeof *spec->seccomp);
  if (!spec->seccomp)
    return fail_errno("allocate linux.seccomp");
  if (parse_seccomp(seccomp, spec->seccomp) < 0 || seccomp_filter_compile(spec->seccomp) < 0)
    return -1;
  return 0;
}

void
config_free_seccomp(struct seccomp_spec *seccomp)
{
  if (!seccomp)
    return;
  for (size_t i = 0; i < seccomp->n_rules; i++) {
    config_free_strings(seccomp->rules[i].names);
    free(seccomp->rules[i].args);
  }
  free(seccomp->rules);
  free(seccomp->architectures);
  free(seccomp->program);
  free(seccomp);
}

/* Append NAME to ARRAY; false when memory runs out. */
static bool
append_name(json_t *array, const char *name)
{
  return array && json_array_append_new(array, json_string(name)) == 0;
}

json_t *
config_seccomp_features(void)
{
  json_t *actions = json_array(), *operators = json_array(), *archs = json_array();
  json_t *known = json_array(), *supported = json_array();
  bool ok = true;

  for (size_t i = 0; i < COUNT(action_names); i++)
    ok = ok && append_name(actions, action_names[i].name);
  for (size_t i = 0; i < COUNT(operator_names); i++)
    ok = ok && append_name(operators, operator_names[i].name);
  for (size_t i = 0; i < COUNT(arch_names); i++)
    ok = ok && append_name(archs, arch_names[i].name);
  for (size_t i = 0; i < COUNT(flag_names); i++) {
    ok = ok && append_name(known, flag_names[i].name);
    if (seccomp_flag_supported(flag_names[i].flag))
      ok = ok && append_name(supported, flag_names[i].name);
  }
  if (!ok) {
    json_decref(actions);
    json_decref(operators);
    json_decref(archs);
    json_decref(known);
    json_decref(supported);
    return NULL;
  }
  return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "enabled", true, "actions", actions,
                   "operators", operators, "archs", archs, "knownFlags", known,
                   "supportedFlags", supported);
}
