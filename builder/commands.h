/* The commands of pieces-build, one file each.  Each returns the exit status.
 *
 *   pieces-build [OPTIONS] DIR        cmd_build.c (also --check)
 *   pieces-build list [--format F]    cmd_list.c
 *   pieces-build rm NAME...           cmd_rm.c
 *   pieces-build prune                cmd_prune.c
 */
#ifndef PIECES_BUILD_COMMANDS_H
#define PIECES_BUILD_COMMANDS_H

#include <stdio.h>

int cmd_build(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_prune(int argc, char **argv);

void usage(FILE *out);

#endif
