#include <curl/curl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "error.h"
#include "url.h"

static const char *const supported_schemes[] = {"http", "https", "file"};

/* Longest first, so that "x.tar.gz" loses ".tar.gz" and not just ".gz". */
static const char *const tarball_suffixes[] = {
    ".tar.zstd", ".tar.bz2", ".tar.zst", ".tar.gz", ".tar.xz",
    ".tbz2",     ".tzst",    ".tar",     ".tgz",    ".txz",
};

static void
cleanup_curlu(CURLU **handle)
{
  if (*handle)
    curl_url_cleanup(*handle);
}
#define _cleanup_curlu_ __attribute__((cleanup(cleanup_curlu)))

static void
cleanup_curl_string(char **s)
{
  curl_free(*s);
}
#define _cleanup_curl_string_ __attribute__((cleanup(cleanup_curl_string)))

/* Length of a leading "scheme://", RFC 3986 letters, or 0 if there is none. */
static size_t
scheme_length(const char *url)
{
  size_t n = 0;

  if (!((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')))
    return 0;
  while (url[n] &&
         strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-", url[n]))
    n++;
  return strncmp(url + n, "://", 3) == 0 ? n : 0;
}

static int
parse(const char *url, CURLU **handle)
{
  CURLU *h = curl_url();
  CURLUcode rc;

  if (h == NULL)
    return fail("out of memory");
  /* Non-supported schemes are accepted here so that url_check can name the
   * scheme itself instead of curl's generic complaint. */
  rc = curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) {
    curl_url_cleanup(h);
    return fail("malformed URL '%s': %s", url, curl_url_strerror(rc));
  }
  *handle = h;
  return 0;
}

int
url_check(const char *url)
{
  _cleanup_curlu_ CURLU *handle = NULL;
  size_t len = scheme_length(url);
  bool supported = false;

  if (len == 0)
    return fail("'%s' is not a URL; write http://HOST/PATH, https://HOST/PATH or "
                "file:///ABSOLUTE/PATH",
                url);
  for (size_t i = 0; i < sizeof supported_schemes / sizeof *supported_schemes; i++)
    if (strlen(supported_schemes[i]) == len && strncasecmp(url, supported_schemes[i], len) == 0)
      supported = true;
  if (!supported)
    return fail("unsupported URL scheme '%.*s' (supported: http, https, file)", (int)len, url);
  return parse(url, &handle);
}

int
url_redact(const char *url, char **shown)
{
  _cleanup_curlu_ CURLU *handle = NULL;
  _cleanup_curl_string_ char *password = NULL;
  _cleanup_curl_string_ char *redacted = NULL;

  if (parse(url, &handle) < 0)
    return -1;
  if (curl_url_get(handle, CURLUPART_PASSWORD, &password, 0) != CURLUE_OK) {
    *shown = strdup(url);
    return *shown ? 0 : fail("out of memory");
  }
  /* Passwords must not reach logs, terminals or config.json annotations. */
  if (curl_url_set(handle, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK ||
      curl_url_get(handle, CURLUPART_URL, &redacted, 0) != CURLUE_OK)
    return fail("out of memory");
  *shown = strdup(redacted);
  return *shown ? 0 : fail("out of memory");
}

static void
strip_tarball_suffix(char *name)
{
  size_t len = strlen(name);

  for (size_t i = 0; i < sizeof tarball_suffixes / sizeof *tarball_suffixes; i++) {
    size_t suffix_len = strlen(tarball_suffixes[i]);

    if (len > suffix_len && strcasecmp(name + len - suffix_len, tarball_suffixes[i]) == 0) {
      name[len - suffix_len] = '\0';
      return;
    }
  }
}

int
url_derive_name(const char *url, char **name)
{
  _cleanup_curlu_ CURLU *handle = NULL;
  _cleanup_curl_string_ char *path = NULL;
  const char *last;

  if (parse(url, &handle) < 0)
    return -1;
  if (curl_url_get(handle, CURLUPART_PATH, &path, CURLU_URLDECODE) != CURLUE_OK)
    return fail("cannot derive a bundle name from '%s'; give one with -t NAME", url);
  last = strrchr(path, '/');
  last = last ? last + 1 : path;
  if (*last == '\0')
    return fail("cannot derive a bundle name from '%s' (its path has no file name); give "
                "one with -t NAME",
                url);
  *name = strdup(last);
  if (*name == NULL)
    return fail("out of memory");
  strip_tarball_suffix(*name);
  return 0;
}

bool
url_is_file(const char *url)
{
  return scheme_length(url) == 4 && strncasecmp(url, "file", 4) == 0;
}

int
url_file_path(const char *url, char **path)
{
  _cleanup_curlu_ CURLU *handle = NULL;
  _cleanup_curl_string_ char *host = NULL;
  _cleanup_curl_string_ char *decoded = NULL;

  if (parse(url, &handle) < 0)
    return -1;
  /* file://HOST/... would mean a file on another machine; only this one is meant. */
  if (curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK && host[0] &&
      strcasecmp(host, "localhost") != 0)
    return fail("'%s': a file URL must name a local file (file:///PATH)", url);
  if (curl_url_get(handle, CURLUPART_PATH, &decoded, CURLU_URLDECODE) != CURLUE_OK)
    return fail("'%s': the path cannot be decoded", url);
  *path = strdup(decoded);
  return *path ? 0 : fail("out of memory");
}
