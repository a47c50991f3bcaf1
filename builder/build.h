/* One build, from Piecefile to published bundle. */
#ifndef PIECES_BUILD_BUILD_H
#define PIECES_BUILD_BUILD_H

struct build_options {
  const char *directory; /* holds the Piecefile */
  const char *output;    /* -o: the bundle path, or NULL for the store */
  const char *name;      /* -t: the bundle name, or NULL to derive it from the URL */
};

/* On success *bundle is the published bundle's path (malloc'ed). */
int build_run(const struct build_options *options, char **bundle);

#endif
