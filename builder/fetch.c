#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "env.h"
#include "error.h"
#include "fetch.h"
#include "progress.h"
#include "signals.h"
#include "url.h"

/* Above this much unconsumed data the transfer pauses until the reader catches up. */
#define BUFFER_LIMIT (1024 * 1024)
/* How long to wait for network activity before looking at signals again. */
#define POLL_INTERVAL_MS 200
#define MAX_REDIRECTS    10
/* Block size for reading file:// URLs. */
#define FILE_BLOCK_SIZE (128 * 1024)

/* Why receive() refused data, which curl only reports as a write error. */
enum write_failure { WRITE_OK, WRITE_TOO_LARGE, WRITE_NO_MEMORY, WRITE_DIGEST_FAILED };

struct fetch {
  /* file:// URLs are read here, not by curl: curl's file protocol delivers the whole
   * file in one call and cannot pause, which would hold all of it in memory. */
  int file_fd;
  uint64_t file_size;
  CURLM *multi;
  CURL *easy;
  bool attached; /* easy is in multi */
  char *shown_url;
  char error[CURL_ERROR_SIZE];
  EVP_MD_CTX *sha256;
  struct progress *progress;
  unsigned char *buffer;
  size_t length, capacity;
  uint64_t received, max_bytes;
  bool paused, done;
  CURLcode result;
  enum write_failure write_failure;
};

int
fetch_settings_from_env(struct fetch_settings *settings)
{
  uint64_t connect, low_speed;

  if (env_positive_number("PIECES_CONNECT_TIMEOUT", 30, &connect) < 0 ||
      env_positive_number("PIECES_LOW_SPEED_TIME", 60, &low_speed) < 0 ||
      env_positive_number("PIECES_MAX_DOWNLOAD_BYTES", 16ULL << 30, &settings->max_bytes) < 0)
    return -1;
  /* curl takes these as long; a day is already far beyond any sensible value. */
  settings->connect_timeout = connect > 86400 ? 86400 : (long)connect;
  settings->low_speed_time = low_speed > 86400 ? 86400 : (long)low_speed;
  return 0;
}

static size_t
receive(char *data, size_t size, size_t nmemb, void *userdata)
{
  struct fetch *f = userdata;
  size_t n = size * nmemb;

  /* Always accept into an empty buffer, so a pause can never stall the transfer. */
  if (f->length > 0 && f->length + n > BUFFER_LIMIT) {
    f->paused = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  if (f->received + n > f->max_bytes) {
    f->write_failure = WRITE_TOO_LARGE;
    return CURL_WRITEFUNC_ERROR;
  }
  if (f->length + n > f->capacity) {
    size_t capacity = f->length + n > 2 * f->capacity ? f->length + n : 2 * f->capacity;
    unsigned char *grown = realloc(f->buffer, capacity);

    if (grown == NULL) {
      f->write_failure = WRITE_NO_MEMORY;
      return CURL_WRITEFUNC_ERROR;
    }
    f->buffer = grown;
    f->capacity = capacity;
  }
  if (EVP_DigestUpdate(f->sha256, data, n) != 1) {
    f->write_failure = WRITE_DIGEST_FAILED;
    return CURL_WRITEFUNC_ERROR;
  }
  memcpy(f->buffer + f->length, data, n);
  f->length += n;
  f->received += n;
  return n;
}

static int
report_progress(void *userdata, curl_off_t total, curl_off_t now, curl_off_t up_total,
                curl_off_t up_now)
{
  struct fetch *f = userdata;

  progress_update(f->progress, now, total > 0 ? total : 0);
  return 0;
}

static bool
starts_with_scheme(const char *url, const char *scheme)
{
  size_t len = strlen(scheme);

  return strncasecmp(url, scheme, len) == 0 && strncmp(url + len, "://", 3) == 0;
}

static int
configure(struct fetch *f, const char *url, const struct fetch_settings *settings)
{
  CURL *e = f->easy;
  /* curl only ever sees http and https (file:// is read directly).  A redirect may not
   * reach file:// either (a remote server must not make us read local files), nor
   * drop TLS once we have it. */
  const char *redirect_protocols = starts_with_scheme(url, "https") ? "https" : "http,https";

  if (curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, redirect_protocols) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, settings->connect_timeout) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, settings->low_speed_time) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_USERAGENT, "pieces-build") != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 128L * 1024) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_ERRORBUFFER, f->error) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, receive) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_WRITEDATA, f) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, report_progress) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_XFERINFODATA, f) != CURLE_OK ||
      curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L) != CURLE_OK)
    return fail("download '%s': cannot configure libcurl (is it too old?)", f->shown_url);
  return 0;
}

static int
open_file(struct fetch *f, const char *url)
{
  _cleanup_free_ char *path = NULL;
  struct stat st;

  if (url_file_path(url, &path) < 0)
    return -1;
  f->file_fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (f->file_fd < 0)
    return fail_errno("'%s': open '%s'", f->shown_url, path);
  if (fstat(f->file_fd, &st) < 0)
    return fail_errno("'%s': stat '%s'", f->shown_url, path);
  if (S_ISDIR(st.st_mode))
    return fail("'%s': '%s' is a directory", f->shown_url, path);
  f->file_size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
  f->buffer = malloc(FILE_BLOCK_SIZE);
  if (f->buffer == NULL)
    return fail("out of memory");
  f->capacity = FILE_BLOCK_SIZE;
  return 0;
}

static int
open_download(struct fetch *f, const char *url, const struct fetch_settings *settings)
{
  f->multi = curl_multi_init();
  f->easy = curl_easy_init();
  if (f->multi == NULL || f->easy == NULL)
    return fail("out of memory");
  if (configure(f, url, settings) < 0)
    return -1;
  if (curl_multi_add_handle(f->multi, f->easy) != CURLM_OK)
    return fail("download '%s': cannot start the transfer", f->shown_url);
  f->attached = true;
  return 0;
}

int
fetch_open(const char *url, const char *shown_url, const struct fetch_settings *settings,
           struct fetch **out)
{
  struct fetch *f = calloc(1, sizeof *f);
  int r;

  if (f == NULL)
    return fail("out of memory");
  f->file_fd = -1;
  f->max_bytes = settings->max_bytes;
  f->shown_url = strdup(shown_url);
  f->sha256 = EVP_MD_CTX_new();
  if (f->shown_url == NULL || f->sha256 == NULL) {
    fetch_free(f);
    return fail("out of memory");
  }
  if (EVP_DigestInit_ex(f->sha256, EVP_sha256(), NULL) != 1) {
    fetch_free(f);
    return fail("sha256 is not available from libcrypto");
  }
  r = url_is_file(url) ? open_file(f, url) : open_download(f, url, settings);
  if (r < 0) {
    fetch_free(f);
    return -1;
  }
  f->progress = progress_new(shown_url);
  *out = f;
  return 0;
}

/* Plain words for the failures a user can do something about; curl's own message
 * (in the error buffer) follows with the details. */
static const char *
describe(CURLcode result)
{
  switch (result) {
  case CURLE_COULDNT_RESOLVE_HOST:
    return "cannot resolve the host name (DNS)";
  case CURLE_COULDNT_RESOLVE_PROXY:
    return "cannot resolve the proxy's host name (DNS)";
  case CURLE_COULDNT_CONNECT:
    return "cannot connect (connection refused or host unreachable)";
  case CURLE_OPERATION_TIMEDOUT:
    return "timed out";
  case CURLE_PEER_FAILED_VERIFICATION:
    return "TLS certificate verification failed";
  case CURLE_SSL_CONNECT_ERROR:
    return "TLS handshake failed";
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CLIENTCERT:
    return "TLS error";
  case CURLE_TOO_MANY_REDIRECTS:
    return "too many redirects (the limit is 10)";
  case CURLE_UNSUPPORTED_PROTOCOL:
    return "redirected to a URL that may not be followed (only http and https, and only "
           "https after https)";
  case CURLE_PARTIAL_FILE:
    return "the connection closed before the download was complete";
  case CURLE_GOT_NOTHING:
    return "the server closed the connection without a response";
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
    return "network error";
  default:
    return "download failed";
  }
}

static int
report_write_failure(struct fetch *f)
{
  switch (f->write_failure) {
  case WRITE_TOO_LARGE:
    return fail("download '%s': larger than the limit of %llu bytes (set "
                "PIECES_MAX_DOWNLOAD_BYTES to raise it)",
                f->shown_url, (unsigned long long)f->max_bytes);
  case WRITE_NO_MEMORY:
    return fail("download '%s': out of memory", f->shown_url);
  case WRITE_DIGEST_FAILED:
    return fail("download '%s': sha256 failed", f->shown_url);
  case WRITE_OK:
    break;
  }
  return fail("download '%s': failed", f->shown_url);
}

static int
report_failure(struct fetch *f)
{
  const char *detail = f->error[0] ? f->error : curl_easy_strerror(f->result);
  char *effective = NULL;
  long status = 0;

  if (f->write_failure != WRITE_OK)
    return report_write_failure(f);
  if (f->result == CURLE_HTTP_RETURNED_ERROR) {
    curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(f->easy, CURLINFO_EFFECTIVE_URL, &effective);
    /* After a redirect the failing URL is not the one in the Piecefile; say which. */
    if (effective && strcmp(effective, f->shown_url) != 0)
      return fail("download '%s': HTTP %ld (from '%s', after redirects)", f->shown_url, status,
                  effective);
    return fail("download '%s': HTTP %ld", f->shown_url, status);
  }
  return fail("download '%s': %s: %s", f->shown_url, describe(f->result), detail);
}

static void
collect_result(struct fetch *f)
{
  CURLMsg *msg;
  int left;

  while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == f->easy) {
      f->done = true;
      f->result = msg->data.result;
    }
  }
}

static ssize_t
next_file_block(struct fetch *f, const void **block)
{
  ssize_t n;

  if (signals_received())
    return fail("interrupted");
  do
    n = read(f->file_fd, f->buffer, f->capacity);
  while (n < 0 && errno == EINTR && !signals_received());
  if (n < 0)
    return errno == EINTR ? fail("interrupted") : fail_errno("read '%s'", f->shown_url);
  if (n == 0) {
    f->done = true;
    return 0;
  }
  if (f->received + n > f->max_bytes) {
    f->write_failure = WRITE_TOO_LARGE;
    return report_write_failure(f);
  }
  if (EVP_DigestUpdate(f->sha256, f->buffer, n) != 1) {
    f->write_failure = WRITE_DIGEST_FAILED;
    return report_write_failure(f);
  }
  f->received += n;
  progress_update(f->progress, f->received, f->file_size);
  *block = f->buffer;
  return n;
}

ssize_t
fetch_next(struct fetch *f, const void **block)
{
  if (f->file_fd >= 0)
    return next_file_block(f, block);
  /* The caller is done with the previous block. */
  f->length = 0;
  if (f->paused && !f->done) {
    CURLcode rc;

    f->paused = false;
    rc = curl_easy_pause(f->easy, CURLPAUSE_CONT);
    if (rc != CURLE_OK) {
      f->done = true;
      f->result = rc;
    }
  }
  while (f->length == 0 && !f->done) {
    CURLMcode mc;
    int running;

    if (signals_received())
      return fail("interrupted");
    mc = curl_multi_perform(f->multi, &running);
    if (mc != CURLM_OK)
      return fail("download '%s': %s", f->shown_url, curl_multi_strerror(mc));
    collect_result(f);
    if (f->length > 0 || f->done)
      break;
    mc = curl_multi_poll(f->multi, NULL, 0, POLL_INTERVAL_MS, NULL);
    if (mc != CURLM_OK)
      return fail("download '%s': %s", f->shown_url, curl_multi_strerror(mc));
  }
  if (f->length > 0) {
    *block = f->buffer;
    return f->length;
  }
  if (f->result != CURLE_OK)
    return report_failure(f);
  return 0;
}

int
fetch_digest(struct fetch *f, char hex[FETCH_SHA256_HEX_SIZE])
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  if (!f->done || f->result != CURLE_OK || f->write_failure != WRITE_OK)
    return fail("download '%s': no digest for an incomplete download", f->shown_url);
  if (EVP_DigestFinal_ex(f->sha256, digest, &len) != 1 || len != 32)
    return fail("sha256 failed");
  for (unsigned int i = 0; i < len; i++)
    snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  return 0;
}

void
fetch_free(struct fetch *f)
{
  if (f == NULL)
    return;
  progress_free(f->progress);
  if (f->file_fd >= 0)
    close(f->file_fd);
  if (f->attached)
    curl_multi_remove_handle(f->multi, f->easy);
  if (f->easy)
    curl_easy_cleanup(f->easy);
  if (f->multi)
    curl_multi_cleanup(f->multi);
  EVP_MD_CTX_free(f->sha256);
  free(f->buffer);
  free(f->shown_url);
  free(f);
}
