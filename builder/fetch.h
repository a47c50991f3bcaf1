/* Downloads with libcurl, handed out block by block as they arrive.
 *
 * There is no thread and no temporary file: the consumer (the tar reader) asks for
 * the next block and fetch_next() drives curl's multi interface until one is there;
 * a file:// URL is simply read, block by block.
 * Every byte is hashed (sha256) on the way, so the digest covers exactly what was
 * unpacked.  Only http, https and file URLs are fetched; redirects go to http or
 * https only, and from https to https only; TLS certificates are always verified.
 */
#ifndef PIECES_BUILD_FETCH_H
#define PIECES_BUILD_FETCH_H

#include <stdint.h>
#include <sys/types.h>

#define FETCH_SHA256_HEX_SIZE 65

struct fetch_settings {
  long connect_timeout; /* seconds: PIECES_CONNECT_TIMEOUT, default 30 */
  long low_speed_time;  /* seconds below 1 byte/s before giving up: PIECES_LOW_SPEED_TIME,
                           default 60 */
  uint64_t max_bytes;   /* PIECES_MAX_DOWNLOAD_BYTES, default 16 GiB */
};

struct fetch;

/* Read the settings from the environment; a malformed value is an error. */
int fetch_settings_from_env(struct fetch_settings *settings);
/* Prepare a download of url; shown_url is what messages print (no password).  Nothing
 * is sent until the first fetch_next(). */
int fetch_open(const char *url, const char *shown_url, const struct fetch_settings *settings,
               struct fetch **fetch);
/* The next block of the body: its size, with *block valid until the next call; 0 at
 * the end of a complete download; -1 on failure or interruption (recorded). */
ssize_t fetch_next(struct fetch *fetch, const void **block);
/* After fetch_next() returned 0: the sha256 of the whole body as lower-case hex. */
int fetch_digest(struct fetch *fetch, char hex[FETCH_SHA256_HEX_SIZE]);
void fetch_free(struct fetch *fetch);

#endif
