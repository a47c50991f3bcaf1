#!/usr/bin/env bats
# pieces-build: downloading FROM_URL.  Tarballs are made here from busybox and served
# from loopback (tests/lib/httpd.py) or read through file://; nothing is downloaded
# from outside.  Every failure must leave no bundle and no temporary directory.

bats_require_minimum_version 1.5.0
load lib/common
load lib/http

setup() {
  require_root
  export PIECES_STORE="$BATS_TEST_TMPDIR/store"
  SERVED="$BATS_TEST_TMPDIR/served"
  CONTEXT="$BATS_TEST_TMPDIR/context"
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
  mkdir -p "$SERVED" "$CONTEXT"
  make_rootfs "$BATS_TEST_TMPDIR/rootfs"
  make_tarball "$BATS_TEST_TMPDIR/rootfs" "$SERVED/rootfs.tar.gz"
}

teardown() {
  stop_httpd
}

# build URL [ARGS...]: build a Piecefile with FROM_URL URL into $BUNDLE.
build() {
  local url="$1"
  shift
  printf 'FROM_URL %s\nCMD ps aux\n' "$url" > "$CONTEXT/Piecefile"
  run --separate-stderr "$PIECES_BUILD" "$@" -o "$BUNDLE" "$CONTEXT"
  echo "status: $status"
  echo "stdout: $output"
  echo "stderr: $stderr"
}

nothing_left() {
  [ ! -e "$BUNDLE" ]
  [ -z "$(find "$BATS_TEST_TMPDIR" -name '.*.tmp-*')" ]
}

# build_fails URL MESSAGE [ARGS...]: the build fails with exactly MESSAGE.
build_fails() {
  local url="$1" message="$2"
  shift 2
  build "$url" "$@"
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "pieces-build: $message" ]
  nothing_left
}

unpacked_ok() {
  [ "$status" -eq 0 ]
  [ "$output" = "$BUNDLE" ]
  cmp "$BUSYBOX" "$BUNDLE/rootfs/bin/busybox"
  [ "$(readlink "$BUNDLE/rootfs/bin/sh")" = /bin/busybox ]
  [ -f "$BUNDLE/config.json" ]
  [ -z "$(find "$BATS_TEST_TMPDIR" -name '.*.tmp-*')" ]
}

@test "http from loopback, with the sha256 of the download" {
  start_httpd "$SERVED"
  local url="http://127.0.0.1:$HTTPD_PORT/rootfs.tar.gz"
  build "$url"
  unpacked_ok
  sum=$(sha256sum "$SERVED/rootfs.tar.gz" | cut -d' ' -f1)
  [ "$stderr" = "$url: sha256:$sum" ]
}

@test "file:// URLs" {
  build "file://$SERVED/rootfs.tar.gz"
  unpacked_ok
}

@test "file:// errors: a missing file, a directory, another host" {
  build_fails "file://$SERVED/missing.tar" \
    "'file://$SERVED/missing.tar': open '$SERVED/missing.tar': No such file or directory"
  build_fails "file://$SERVED/" "'file://$SERVED/': '$SERVED/' is a directory" -t dir
  # Refused while parsing the Piecefile, before anything else.
  build_fails "file://elsewhere.example/rootfs.tar" \
    "$CONTEXT/Piecefile:1: FROM_URL: malformed URL 'file://elsewhere.example/rootfs.tar': Bad file:// URL"
  cp "$SERVED/rootfs.tar.gz" "$SERVED/with space.tar.gz"
  build "file://localhost$SERVED/with%20space.tar.gz" -t spaced
  unpacked_ok
}

@test "-q: no notes, only the bundle path" {
  build "file://$SERVED/rootfs.tar.gz" -q
  unpacked_ok
  [ "$stderr" = "" ]
}

@test "every compression: gzip, xz, bzip2, zstd, none" {
  local ext
  for ext in tar tar.gz tgz tar.xz tar.bz2 tar.zst; do
    make_tarball "$BATS_TEST_TMPDIR/rootfs" "$SERVED/rootfs.$ext"
    build "file://$SERVED/rootfs.$ext" -q
    unpacked_ok
    rm -rf "$BUNDLE"
  done
}

@test "redirects are followed, up to 10" {
  start_httpd "$SERVED"
  build "http://127.0.0.1:$HTTPD_PORT/redirect/10/rootfs.tar.gz"
  unpacked_ok
  rm -rf "$BUNDLE"
  build_fails "http://127.0.0.1:$HTTPD_PORT/redirect/11/rootfs.tar.gz" \
    "download 'http://127.0.0.1:$HTTPD_PORT/redirect/11/rootfs.tar.gz': too many redirects (the limit is 10): Maximum (10) redirects followed"
}

@test "a redirect to file:// is refused" {
  start_httpd "$SERVED"
  local url="http://127.0.0.1:$HTTPD_PORT/goto?url=file://$SERVED/rootfs.tar.gz"
  build_fails "$url" \
    "download '$url': redirected to a URL that may not be followed (only http and https, and only https after https): Protocol \"file\" not supported or disabled in libcurl"
}

@test "HTTP errors show the status" {
  start_httpd "$SERVED"
  build_fails "http://127.0.0.1:$HTTPD_PORT/missing.tar.gz" \
    "download 'http://127.0.0.1:$HTTPD_PORT/missing.tar.gz': HTTP 404"
  build_fails "http://127.0.0.1:$HTTPD_PORT/status/500" \
    "download 'http://127.0.0.1:$HTTPD_PORT/status/500': HTTP 500"
  build_fails "http://127.0.0.1:$HTTPD_PORT/redirect/2/missing.tar" \
    "download 'http://127.0.0.1:$HTTPD_PORT/redirect/2/missing.tar': HTTP 404 (from 'http://127.0.0.1:$HTTPD_PORT/missing.tar', after redirects)"
}

@test "a refused connection" {
  local port
  port=$(free_port)
  build_fails "http://127.0.0.1:$port/rootfs.tar.gz" \
    "download 'http://127.0.0.1:$port/rootfs.tar.gz': cannot connect (connection refused or host unreachable): Failed to connect to 127.0.0.1 port $port after 0 ms: Couldn't connect to server"
}

@test "a host name that does not resolve" {
  # .invalid never resolves (RFC 6761); without a DNS server the lookup times out.
  build "http://pieces-test.invalid/rootfs.tar.gz" --quiet
  [ "$status" -eq 1 ]
  [[ "$stderr" =~ ^"pieces-build: download 'http://pieces-test.invalid/rootfs.tar.gz': "("cannot resolve the host name (DNS): Could not resolve host: pieces-test.invalid"|"timed out: Resolving timed out") ]]
  nothing_left
}

@test "a server that stalls hits the low-speed time-out" {
  start_httpd "$SERVED"
  SECONDS=0
  PIECES_LOW_SPEED_TIME=2 build_fails "http://127.0.0.1:$HTTPD_PORT/stall" \
    "download 'http://127.0.0.1:$HTTPD_PORT/stall': timed out: Operation too slow. Less than 1 bytes/sec transferred the last 2 seconds"
  [ "$SECONDS" -lt 15 ]
}

@test "a connection cut mid-download reports the download error, not the archive's" {
  start_httpd "$SERVED"
  size=$(stat -c %s "$SERVED/rootfs.tar.gz")
  build_fails "http://127.0.0.1:$HTTPD_PORT/cut/rootfs.tar.gz" \
    "download 'http://127.0.0.1:$HTTPD_PORT/cut/rootfs.tar.gz': the connection closed before the download was complete: transfer closed with $((size - size / 2)) bytes remaining to read"
}

@test "TLS certificates are verified" {
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$BATS_TEST_TMPDIR/key.pem" \
    -out "$BATS_TEST_TMPDIR/cert.pem" 2> /dev/null
  cat "$BATS_TEST_TMPDIR/key.pem" "$BATS_TEST_TMPDIR/cert.pem" > "$BATS_TEST_TMPDIR/server.pem"
  start_httpd "$SERVED" --tls "$BATS_TEST_TMPDIR/server.pem"
  build "https://127.0.0.1:$HTTPD_PORT/rootfs.tar.gz"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "pieces-build: download 'https://127.0.0.1:$HTTPD_PORT/rootfs.tar.gz': TLS certificate verification failed: "*"self-signed certificate"* ]]
  nothing_left
}

@test "a corrupt gzip is a clear error" {
  cp "$SERVED/rootfs.tar.gz" "$SERVED/corrupt.tar.gz"
  # Keep the gzip header, spoil the deflate stream.
  printf 'garbage%.0s' $(seq 200) | dd of="$SERVED/corrupt.tar.gz" bs=1 seek=4000 conv=notrunc 2> /dev/null
  build "file://$SERVED/corrupt.tar.gz"
  [ "$status" -eq 1 ]
  [[ "$stderr" == "pieces-build: 'file://$SERVED/corrupt.tar.gz' is not a tar archive (or is corrupt): "?* ]]
  [ "$(echo "$stderr" | wc -l)" -eq 1 ]
  nothing_left
}

@test "a truncated tarball is a clear error" {
  head -c 300000 "$SERVED/rootfs.tar.gz" > "$SERVED/short.tar.gz"
  build_fails "file://$SERVED/short.tar.gz" \
    "'file://$SERVED/short.tar.gz' is not a tar archive (or is corrupt): truncated gzip input"
}

@test "a body that is not a tar archive" {
  start_httpd "$SERVED"
  echo "<html>not found, really</html>" > "$SERVED/page.tar.gz"
  build_fails "http://127.0.0.1:$HTTPD_PORT/page.tar.gz" \
    "'http://127.0.0.1:$HTTPD_PORT/page.tar.gz' is not a tar archive (or is corrupt): Unrecognized archive format"
  echo "plain text" | gzip > "$SERVED/text.gz"
  build_fails "file://$SERVED/text.gz" \
    "'file://$SERVED/text.gz' is not a tar archive (or is corrupt): Unrecognized archive format"
  : > "$SERVED/empty"
  build_fails "file://$SERVED/empty" \
    "'file://$SERVED/empty' is not a tar archive (or is corrupt): Unrecognized archive format"
}

@test "other archive formats are not read" {
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("bin/x", "x")' \
    "$SERVED/rootfs.zip"
  build_fails "file://$SERVED/rootfs.zip" \
    "'file://$SERVED/rootfs.zip' is not a tar archive (or is corrupt): Unrecognized archive format"
}

@test "the download size limit" {
  PIECES_MAX_DOWNLOAD_BYTES=100000 build_fails "file://$SERVED/rootfs.tar.gz" \
    "download 'file://$SERVED/rootfs.tar.gz': larger than the limit of 100000 bytes (set PIECES_MAX_DOWNLOAD_BYTES to raise it)"
}

@test "a malformed setting is named" {
  PIECES_LOW_SPEED_TIME=soon build_fails "file://$SERVED/rootfs.tar.gz" \
    "PIECES_LOW_SPEED_TIME='soon': expected a whole number of at least 1"
  PIECES_CONNECT_TIMEOUT=0 build_fails "file://$SERVED/rootfs.tar.gz" \
    "PIECES_CONNECT_TIMEOUT='0': expected a whole number of at least 1"
}

# interrupt SIGNAL: start a build that stalls, send SIGNAL once its temporary directory
# exists, and leave its exit status in $status.
interrupt() {
  local signal="$1" pid i
  start_httpd "$SERVED"
  printf 'FROM_URL http://127.0.0.1:%s/stall\nCMD ps\n' "$HTTPD_PORT" > "$CONTEXT/Piecefile"
  # A shell starts background jobs with SIGINT ignored; env restores the default so
  # pieces-build sees the signal as a user at a terminal would send it.
  env --default-signal=INT "$PIECES_BUILD" -o "$BUNDLE" "$CONTEXT" \
    > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
  pid=$!
  for i in $(seq 100); do
    [ -n "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name '.bundle.tmp-*')" ] && break
    sleep 0.1
  done
  echo "pieces-build said: $(cat "$BATS_TEST_TMPDIR/err")"
  # The temporary directory is private while the build runs.
  [ "$(stat -c %a "$BATS_TEST_TMPDIR"/.bundle.tmp-*)" = 700 ]
  sleep 0.3
  kill -s "$signal" "$pid"
  status=0
  wait "$pid" || status=$?
}

@test "SIGTERM stops the download, cleans up and exits 143" {
  interrupt TERM
  [ "$status" -eq 143 ]
  [ "$(cat "$BATS_TEST_TMPDIR/err")" = "pieces-build: interrupted by SIGTERM; nothing was published" ]
  [ ! -s "$BATS_TEST_TMPDIR/out" ]
  nothing_left
}

@test "SIGINT stops the download, cleans up and exits 130" {
  interrupt INT
  [ "$status" -eq 130 ]
  [ "$(cat "$BATS_TEST_TMPDIR/err")" = "pieces-build: interrupted by SIGINT; nothing was published" ]
  nothing_left
}
