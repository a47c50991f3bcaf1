# A loopback HTTP server for tests: start_httpd DIR [--tls PEM] serves DIR (see
# httpd.py for the special failure paths) and sets HTTPD_PORT and HTTPD_PID;
# stop_httpd, called from the test's teardown, kills exactly that process.
#
# The port file and the server's log go to $HTTPD_STATE_DIR, by default the test's
# own $BATS_TEST_TMPDIR.

start_httpd() {
  local dir="$1" state="${HTTPD_STATE_DIR:-$BATS_TEST_TMPDIR}" i
  shift
  local port_file="$state/httpd.port"

  rm -f "$port_file"
  # fd 3 is bats' output channel; a background process holding it makes bats wait.
  python3 "$TOP/tests/lib/httpd.py" --port-file "$port_file" "$@" "$dir" \
    > "$state/httpd.log" 2>&1 3>&- &
  HTTPD_PID=$!
  for i in $(seq 100); do
    if [ -s "$port_file" ]; then
      HTTPD_PORT="$(cat "$port_file")"
      return 0
    fi
    if ! kill -0 "$HTTPD_PID" 2> /dev/null; then
      echo "httpd.py exited early:" >&2
      cat "$state/httpd.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "httpd.py did not start within 10 s" >&2
  return 1
}

stop_httpd() {
  if [ -n "${HTTPD_PID:-}" ]; then
    kill "$HTTPD_PID" 2> /dev/null || true
    wait "$HTTPD_PID" 2> /dev/null || true
    HTTPD_PID=
  fi
}

# free_port: a loopback port nothing listens on (bound, then released, by the kernel's
# choice), for "connection refused".
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
