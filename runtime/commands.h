/* The commands of pieces-run, one file each (cmd_*.c), dispatched by main.c.  They
 * follow runc's command line, flag for flag, so that engines can drive pieces-run.
 */
#ifndef PIECES_COMMANDS_H
#define PIECES_COMMANDS_H

/* Options that come before the command, as runc takes them. */
struct global_options {
  const char *root; /* state directory */
  const char *log_path;
  const char *log_format;
  int debug;
  int systemd_cgroup;
};

/* Each takes ARGV[0] = the command's name and returns the process exit status. */
typedef int command_fn(const struct global_options *g, int argc, char **argv);

command_fn cmd_create, cmd_start, cmd_state, cmd_kill, cmd_delete, cmd_run, cmd_exec, cmd_list,
    cmd_ps, cmd_pause, cmd_resume, cmd_update, cmd_spec, cmd_features;

/* `pieces-run BUNDLE [COMMAND...]`: run a bundle in the foreground. */
command_fn cmd_run_bundle;

/* Print the recorded error (and return the exit status 1): the end of every failing
   command. */
int command_failed(void);

#endif
