/* The foreground of run and exec: forward signals, relay the terminal, wait. */
#ifndef PIECES_FOREGROUND_H
#define PIECES_FOREGROUND_H

#include <signal.h>
#include "container.h"

/* Until C's process exits: forward every signal in SIGNALS (blocked by the caller)
   to it, relay c->terminal if there is one; return its exit status, 128+N for a
   signal, or -1 with the error recorded. */
int foreground_wait(struct container *c, const sigset_t *signals);

#endif
