#!/usr/bin/env bats
# pieces-build: RUN.  Each step runs inside the image being built, through an OCI
# runtime and a temporary bundle: pieces-run by default, runc with --runtime.  Output
# streams to stderr as it comes; a failing step stops the build with its status and
# line; the step uses the host's network and /etc/resolv.conf; nothing of the step's own
# configuration stays in the bundle.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder
load lib/http

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
  RUNC="$(command -v runc || echo /usr/sbin/runc)"
}

teardown() {
  stop_httpd
  assert_no_leaked_mounts || return 1
  # Nothing of this test still runs: no runtime on one of its bundles, no runc container
  # or cgroup of its steps.  (By name: other test runs on the host may have pieces-*
  # cgroups of their own at this moment.)
  if pgrep -f "$BATS_TEST_TMPDIR"; then return 1; fi
  if ls -d /sys/fs/cgroup/*/pieces-build-* 2> /dev/null | grep -q .; then return 1; fi
  if runc list -q 2> /dev/null | grep -q '^pieces-build-'; then return 1; fi
}

@test "the shell form runs with /bin/sh -c; output goes to stderr, stdout has only the path" {
  piecefile "FROM_URL $BASE_URL" 'RUN echo out; echo err >&2; echo "$((6 * 7))" > /answer' 'CMD ["cat", "/answer"]'
  build
  [ "$status" -eq 0 ]
  [ "$output" = "$BUNDLE" ]
  [ "$stderr" = "$(printf 'out\nerr')" ]
  [ "$(cat "$BUNDLE/rootfs/answer")" = 42 ]
  run "$PIECES_RUN" "$BUNDLE"
  [ "$output" = 42 ]
}

@test "each step is announced with its line, unless -q" {
  piecefile "FROM_URL $BASE_URL" 'RUN echo step' 'CMD true'
  run --separate-stderr "$PIECES_BUILD" -o "$BUNDLE" "$CONTEXT"
  [ "$status" -eq 0 ]
  [ "${stderr#*$'\n'}" = "$(printf '%s\n%s' "$CONTEXT/Piecefile:2: RUN echo step" step)" ]
}

@test "the JSON form runs the program directly, without a shell" {
  piecefile "FROM_URL $BASE_URL" 'RUN ["touch", "/a b", "/$HOME"]'
  build
  [ "$status" -eq 0 ]
  [ -f "$BUNDLE/rootfs/a b" ]
  [ -f "$BUNDLE/rootfs/\$HOME" ]
}

@test "a failing RUN stops the build with its status and line; nothing is left" {
  piecefile "FROM_URL $BASE_URL" 'RUN touch /first' 'RUN echo failing; exit 7' 'RUN touch /never'
  build
  [ "$status" -eq 7 ]
  [ "$output" = "" ]
  [ "$stderr" = "$(printf 'failing\npieces-build: %s' "$CONTEXT/Piecefile:3: RUN exited with status 7")" ]
  no_leftovers
}

@test "a failing RUN leaves an earlier bundle as it was" {
  piecefile "FROM_URL $BASE_URL" 'RUN echo v1 > /version'
  build
  [ "$status" -eq 0 ]
  piecefile "FROM_URL $BASE_URL" 'RUN echo v2 > /version' 'RUN false'
  build
  [ "$status" -eq 1 ]
  [ "$(cat "$BUNDLE/rootfs/version")" = v1 ]
  [ -z "$(find "$BATS_TEST_TMPDIR" -name '.*.tmp-*')" ]
}

@test "the step's config.json does not stay: the bundle has the final one" {
  piecefile "FROM_URL $BASE_URL" 'RUN ls /' 'CMD ["final"]'
  build
  [ "$status" -eq 0 ]
  [ "$(ls -A "$BUNDLE")" = "$(printf 'config.json\npieces-build.json\nrootfs')" ]
  [ "$(config 'c["process"]["args"]')" = '["final"]' ]
  [ "$(config '[n["type"] for n in c["linux"]["namespaces"]]')" = '["pid", "network", "ipc", "uts", "mount"]' ]
  [ "$(config '[m["destination"] for m in c["mounts"]]')" = '["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"]' ]
}

@test "a step uses the host's network: it reaches a server on the host's loopback" {
  echo "from the host" > "$BATS_TEST_TMPDIR/served.txt"
  start_httpd "$BATS_TEST_TMPDIR"
  piecefile "FROM_URL $BASE_URL" "RUN wget -q -O /fetched http://127.0.0.1:$HTTPD_PORT/served.txt"
  build
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/fetched")" = "from the host" ]
  # The bundle itself keeps its own network namespace.
  run "$PIECES_RUN" "$BUNDLE" wget -q -T 2 -O - "http://127.0.0.1:$HTTPD_PORT/served.txt"
  [ "$status" -ne 0 ]
}

@test "a step sees the host's /etc/resolv.conf, read-only; the image keeps its own, or none" {
  [ -f /etc/resolv.conf ] || skip "the host has no /etc/resolv.conf"
  piecefile "FROM_URL $BASE_URL" 'RUN cat /etc/resolv.conf > /seen; echo x > /etc/resolv.conf || echo read-only > /ro'
  build
  [ "$status" -eq 0 ]
  cmp /etc/resolv.conf "$BUNDLE/rootfs/seen"
  [ "$(cat "$BUNDLE/rootfs/ro")" = read-only ]
  [ ! -e "$BUNDLE/rootfs/etc/resolv.conf" ]
  local img="$BATS_TEST_TMPDIR/img"
  make_rootfs "$img"
  echo "nameserver 192.0.2.1" > "$img/etc/resolv.conf"
  make_tarball "$img" "$BATS_TEST_TMPDIR/img.tar"
  piecefile "FROM_URL file://$BATS_TEST_TMPDIR/img.tar" 'RUN cat /etc/resolv.conf > /seen'
  build
  [ "$status" -eq 0 ]
  cmp /etc/resolv.conf "$BUNDLE/rootfs/seen"
  [ "$(cat "$BUNDLE/rootfs/etc/resolv.conf")" = "nameserver 192.0.2.1" ]
}

@test "--runtime runc runs the steps with runc, by name or by path" {
  piecefile "FROM_URL $BASE_URL" 'ENV WHO=runc' 'WORKDIR /w' 'USER tester' 'RUN echo "$WHO $(pwd) $(id -u)" > /tmp/by'
  build --runtime runc
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/tmp/by")" = "runc /w 1000" ]
  rm -rf "$BUNDLE"
  build --runtime "$RUNC"
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/tmp/by")" = "runc /w 1000" ]
}

@test "under runc too, a failing RUN stops the build with its status" {
  piecefile "FROM_URL $BASE_URL" 'RUN exit 42'
  build --runtime runc
  [ "$status" -eq 42 ]
  [ "$stderr" = "pieces-build: $CONTEXT/Piecefile:2: RUN exited with status 42" ]
  no_leftovers
}

@test "a runtime that cannot be found is an error before anything is downloaded" {
  piecefile 'FROM_URL http://127.0.0.1:1/never.tar' 'RUN true'
  build_fails "--runtime '/nonexistent/runc': not an executable file" --runtime /nonexistent/runc
  build_fails "--runtime 'no-such-runtime': not found in PATH" --runtime no-such-runtime
  # The default is the pieces-run next to pieces-build, then PATH.
  mkdir "$BATS_TEST_TMPDIR/alone"
  cp "$PIECES_BUILD" "$BATS_TEST_TMPDIR/alone/"
  run --separate-stderr env PATH=/nonexistent "$BATS_TEST_TMPDIR/alone/pieces-build" -q -o "$BUNDLE" "$CONTEXT"
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: RUN needs an OCI runtime: found no pieces-run next to pieces-build or in PATH; install it, or name one with --runtime PATH" ]
}

@test "SIGTERM during a step stops it and the build; nothing is left" {
  piecefile "FROM_URL $BASE_URL" "RUN trap 'exit 3' TERM; touch /started; sleep 4242 & wait"
  "$PIECES_BUILD" -q -o "$BUNDLE" "$CONTEXT" > /dev/null 2>&1 3>&- &
  local pid=$! i
  for i in $(seq 100); do
    [ -n "$(find "$BATS_TEST_TMPDIR" -path '*/.bundle.tmp-*/rootfs/started' 2> /dev/null)" ] && break
    sleep 0.1
  done
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  [ "$code" -eq 143 ]
  no_leftovers
  if pgrep -f 'sleep 4242'; then false; fi
}
