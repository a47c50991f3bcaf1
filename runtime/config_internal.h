/* Shared by the config_*.c files only: typed access to config.json with errors that
 * name the JSON path, and the parser of each part of the document.
 *
 * PATH arguments are the JSON path of the object being read ("" for the document
 * itself, "process", "mounts[2]"), so a getter can say "mounts[2].source: must be a
 * string" without the caller building the message.
 *
 * The getters return 1 when the member is there, 0 when it is absent (or JSON null,
 * which Go-written configs use for "not set") and -1 with an error recorded when it
 * has the wrong type or value.  On 0 and -1 they leave *out untouched.
 */
#ifndef PIECES_CONFIG_INTERNAL_H
#define PIECES_CONFIG_INTERNAL_H

#include "config.h"

/* Longest JSON path we build; longer ones are cut short, only ever in messages. */
#define CONFIG_PATH_MAX 256

/* Largest uid or gid: (uid_t) -1 means "unchanged" to the kernel. */
#define CONFIG_ID_MAX 4294967294LL

/* "PARENT.KEY", or "KEY" when PARENT is the document. */
void config_path_member(char out[CONFIG_PATH_MAX], const char *parent, const char *key);
/* "PARENT[INDEX]". */
void config_path_index(char out[CONFIG_PATH_MAX], const char *parent, size_t index);

/* The member KEY of OBJ, or NULL when it is absent or null. */
json_t *config_member(json_t *obj, const char *key);
/* Fail with "PATH.KEY: required" when KEY is absent. */
int config_require(json_t *obj, const char *path, const char *key);

int config_get_object(json_t *obj, const char *path, const char *key, json_t **out);
/* An array of at most CONFIG_MAX_ARRAY elements. */
int config_get_array(json_t *obj, const char *path, const char *key, json_t **out);
int config_get_bool(json_t *obj, const char *path, const char *key, bool *out);
/* An integer from MIN to MAX, both within +-2^53. */
int config_get_integer(json_t *obj, const char *path, const char *key, int64_t min, int64_t max,
                       int64_t *out);
/* An unsigned 64-bit integer, exact up to 2^53; 18446744073709551615 (which Go
   writes for RLIM_INFINITY) reads as UINT64_MAX. */
int config_get_uint64(json_t *obj, const char *path, const char *key, uint64_t *out);
/* Element INDEX of ARRAY (at PATH), an integer from MIN to MAX; 0 or -1. */
int config_get_integer_at(json_t *array, const char *path, size_t index, int64_t min,
                          int64_t max, int64_t *out);
/* A copy of a string member; the caller frees it. */
int config_get_string(json_t *obj, const char *path, const char *key, char **out);

/* Checks one string of an array; PATH names the element ("process.env[3]"). */
typedef int (*config_string_check)(const char *value, const char *path);

/* An array of strings as a NULL-terminated copy, each checked with CHECK (may be
   NULL).  *COUNT (may be NULL) receives the number of strings. */
int config_get_strings(json_t *obj, const char *path, const char *key,
                       config_string_check check, char ***out, size_t *count);

/* Checks for config_get_strings and for single values. */
int config_check_absolute_path(const char *value, const char *path);
int config_check_env_entry(const char *value, const char *path);

/* strdup() that records an error when memory runs out. */
int config_copy_string(const char *value, char **out);
/* calloc() of COUNT elements of SIZE plus one zeroed spare, so that an array of
   pointers is NULL-terminated; records an error when memory runs out. */
int config_alloc_array(size_t count, size_t size, void *out);
void config_free_strings(char **strings);

/* Fail when the document nests deeper than CONFIG_MAX_DEPTH. */
int config_check_depth(json_t *document);

/* Fail with "<path>: not supported by pieces-run yet" for the first field the
   document sets that pieces-run does not implement. */
int config_refuse_unsupported(json_t *document);
bool config_namespace_supported(enum namespace_type type);

/* The parts of the document, in the order spec_load reads them. */
int config_parse_process(json_t *document, struct process_spec *process);
int config_parse_capabilities(json_t *process, struct process_spec *out);
int config_parse_rlimits(json_t *process, struct process_spec *out);
int config_parse_mounts(json_t *document, struct spec *spec);
int config_parse_namespaces(json_t *linux_obj, struct spec *spec);
int config_parse_id_mappings(json_t *linux_obj, struct spec *spec);
int config_parse_devices(json_t *linux_obj, struct spec *spec);
int config_parse_device_rules(json_t *linux_obj, struct spec *spec);
int config_parse_linux(json_t *document, struct spec *spec);
int config_parse_sysctl(json_t *linux_obj, struct spec *spec);
int config_parse_hooks(json_t *document, struct spec *spec);
int config_parse_seccomp(json_t *linux_obj, struct spec *spec);

void config_free_process(struct process_spec *process);
void config_free_mounts(struct mount_entry *mounts, size_t count);
void config_free_hooks(struct hook_list *list);
void config_free_seccomp(struct seccomp_spec *seccomp);

#endif
