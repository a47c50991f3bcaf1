/* The commands of pieces-run, one file each (cmd_*.c), dispatched by main.c. */
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

/* Each returns the process exit status. */
int cmd_run(const struct global_options *g, int argc, char **argv);
/* `pieces-run BUNDLE [COMMAND...]`: run a bundle in the foreground. */
int cmd_run_bundle(const struct global_options *g, int argc, char **argv);

#endif
