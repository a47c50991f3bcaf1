/* What pieces-build accepts as a FROM_URL, and what it derives from one. */
#ifndef PIECES_BUILD_URL_H
#define PIECES_BUILD_URL_H

#include <stdbool.h>

/* Check that url is well-formed and uses http://, https:// or file://. */
int url_check(const char *url);
/* The URL to show in messages and record in config.json: the URL as written, or
 * without its password if it has one.  *shown is malloc'ed. */
int url_redact(const char *url, char **shown);
/* The bundle name a URL implies: its last path segment, URL-decoded, without a
 * tarball suffix (.tar, .tar.gz, .tgz, ...).  The result is not validated here
 * (see store_check_name); it fails only when there is no last segment at all. */
int url_derive_name(const char *url, char **name);
/* For a file:// URL: true, with the local path (URL-decoded) in *path. */
bool url_is_file(const char *url);
int url_file_path(const char *url, char **path);

#endif
