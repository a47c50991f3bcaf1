/* config.json, read into C structures and validated before anything is created.
 *
 * Every error names the JSON path of the bad value, e.g.
 *   "config.json: process.args: must be a non-empty array of strings".
 * Unknown properties are ignored, as the runtime-spec says; a known property with a
 * value we cannot honour is an error, never silently skipped.
 */
#ifndef PIECES_CONFIG_H
#define PIECES_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

/* Limits on what a bundle controls (the bundle may be hostile). */
#define CONFIG_MAX_BYTES  (4 * 1024 * 1024)
#define CONFIG_MAX_DEPTH  64
#define CONFIG_MAX_MOUNTS 1024
#define CONFIG_MAX_ARRAY  65536

enum namespace_type {
  NS_PID,
  NS_NETWORK,
  NS_MOUNT,
  NS_IPC,
  NS_UTS,
  NS_USER,
  NS_CGROUP,
  NS_TIME,
  NS_COUNT
};

struct namespace_request {
  bool requested; /* listed in linux.namespaces */
  char *path;     /* join this namespace instead of making one; NULL for a new one */
};

/* A mount option list, classified once at load time so mounting does no parsing. */
struct mount_options {
  uint64_t attr_set;         /* MOUNT_ATTR_* to set (rdonly, nosuid, nodev, noexec, atime...) */
  uint64_t attr_clear;       /* MOUNT_ATTR_* to clear (rw, suid, dev, exec, atime family) */
  unsigned long propagation; /* MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE or 0 */
  bool propagation_recursive; /* an r-form: rshared, rslave, rprivate, runbindable */
  bool bind;                  /* bind or rbind */
  bool recursive;             /* rbind */
  bool tmpcopyup;
  /* Everything else goes to the filesystem as fsconfig() parameters: "key=value" or
     a bare "flag". */
  char **data;
  size_t n_data;
};

struct mount_entry {
  char *destination; /* absolute path inside the container */
  char *type;        /* NULL for a bind mount without a type */
  char *source;      /* may be NULL for pseudo filesystems */
  struct mount_options options;
};

struct id_mapping {
  uint32_t container_id, host_id, size;
};

struct rlimit_entry {
  int resource; /* RLIMIT_* */
  uint64_t soft, hard;
};

/* A capability set as a bit mask indexed by CAP_* numbers. */
typedef uint64_t cap_mask_t;

struct device_node {
  char *path; /* absolute path under /dev */
  char type;  /* 'c', 'b', 'u' (= c), 'p' */
  int64_t major, minor;
  bool has_mode, has_uid, has_gid;
  mode_t file_mode;
  uid_t uid;
  gid_t gid;
};

struct device_rule {
  bool allow;
  char type;      /* 'a', 'c' or 'b' */
  int64_t major;  /* -1 for any */
  int64_t minor;  /* -1 for any */
  char access[4]; /* some of "rwm" */
};

struct hook {
  char *path;
  char **args; /* NULL-terminated, may be NULL */
  char **env;  /* NULL-terminated, may be NULL */
  int timeout; /* seconds, 0 for none */
};

struct hook_list {
  struct hook *hooks;
  size_t count;
};

/* linux.seccomp, in libseccomp's terms (see seccomp.h): actions are SCMP_ACT_* values
   with errnoRet folded in, operators enum scmp_compare, architectures SCMP_ARCH_*. */
struct seccomp_arg {
  unsigned index; /* 0 to 5 */
  int op;         /* SCMP_CMP_* */
  uint64_t value, value_two;
};

struct seccomp_rule {
  char **names; /* NULL-terminated, at least one */
  size_t n_names;
  uint32_t action;
  struct seccomp_arg *args;
  size_t n_args;
};

struct sock_filter;

struct seccomp_spec {
  uint32_t default_action;
  uint32_t *architectures;
  size_t n_architectures;
  unsigned flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  struct seccomp_rule *rules;
  size_t n_rules;
  /* The BPF program, compiled when the config is loaded so that whatever libseccomp
     refuses is refused before anything is created. */
  struct sock_filter *program;
  unsigned short program_length;
};

struct process_spec {
  bool terminal;
  unsigned console_height, console_width;
  uid_t uid;
  gid_t gid;
  bool has_umask;
  mode_t umask;
  gid_t *additional_gids;
  size_t n_additional_gids;
  char **args; /* NULL-terminated, at least one */
  char **env;  /* NULL-terminated, may be empty */
  char *cwd;   /* absolute */
  bool has_capabilities;
  cap_mask_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
  struct rlimit_entry *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  bool has_oom_score_adj;
  int oom_score_adj;
  char *apparmor_profile;
  char *selinux_label;
};

struct spec {
  char *bundle; /* absolute path of the bundle directory */
  char *oci_version;
  char *root_path; /* absolute: resolved against the bundle */
  bool root_readonly;
  char *hostname;
  char *domainname;
  struct process_spec process;
  struct mount_entry *mounts;
  size_t n_mounts;

  struct namespace_request namespaces[NS_COUNT];
  struct id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
  struct device_node *devices;
  size_t n_devices;
  struct device_rule *device_rules; /* linux.resources.devices */
  size_t n_device_rules;
  char *cgroups_path;
  unsigned long rootfs_propagation; /* MS_* or 0 for the default (rprivate) */
  char **masked_paths;
  size_t n_masked_paths;
  char **readonly_paths;
  size_t n_readonly_paths;
  char **sysctl_keys, **sysctl_values;
  size_t n_sysctl;
  char *mount_label;
  struct seccomp_spec *seccomp; /* NULL when linux.seccomp is absent */

  struct hook_list hooks_prestart, hooks_create_runtime, hooks_create_container,
      hooks_start_container, hooks_poststart, hooks_poststop;

  json_t *annotations; /* object, borrowed from json; may be NULL */
  json_t *json;        /* the whole document, owns everything borrowed */
};

/* Read BUNDLE/config.json and validate it.  On failure the recorded error names the
   JSON path.  The result is freed with spec_free(). */
int spec_load(const char *bundle_dir, struct spec **out);
void spec_free(struct spec *spec);

/* Replace process.args with ARGV (the COMMAND of `pieces-run BUNDLE COMMAND...`). */
int spec_override_args(struct spec *spec, char *const *argv, int argc);

/* The "seccomp" object of the `features` document: the actions, operators,
   architectures and flags linux.seccomp may use.  NULL when memory runs out. */
json_t *config_seccomp_features(void);

/* Name of a namespace type as the spec spells it ("pid", "network", ...). */
const char *namespace_type_name(enum namespace_type type);

#endif
