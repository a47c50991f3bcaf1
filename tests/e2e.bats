#!/usr/bin/env bats
# The whole Pieces flow, as a user runs it: a Piecefile, pieces-build, pieces-run; and
# the bundle contract both ways: what pieces-build makes runs under runc and crun too.

bats_require_minimum_version 1.5.0
load lib/common
load lib/http

setup() {
  require_root
  export PIECES_STORE="$BATS_TEST_TMPDIR/store"
  CONTEXT="$BATS_TEST_TMPDIR/context"
  mkdir -p "$CONTEXT" "$BATS_TEST_TMPDIR/www"
  make_rootfs "$BATS_TEST_TMPDIR/rootfs"
  echo "built-by-pieces" > "$BATS_TEST_TMPDIR/rootfs/etc/motd"
  make_tarball "$BATS_TEST_TMPDIR/rootfs" "$BATS_TEST_TMPDIR/www/alpine-minirootfs-3.18.3-x86_64.tar.gz"
}

teardown() {
  stop_httpd
  assert_no_leaked_mounts || return 1
  if ls -d /sys/fs/cgroup/*/pieces-* 2>/dev/null | grep -q .; then return 1; fi
}

@test "the seed flow: Piecefile from loopback HTTP, build, run ps aux" {
  start_httpd "$BATS_TEST_TMPDIR/www"
  cat > "$CONTEXT/Piecefile" <<PIECEFILE
# the original tool's example, served from loopback
FROM_URL http://127.0.0.1:$HTTPD_PORT/alpine-minirootfs-3.18.3-x86_64.tar.gz
CMD ps aux
PIECEFILE
  cd "$CONTEXT"
  run --separate-stderr "$PIECES_BUILD" .
  [ "$status" -eq 0 ]
  [ "$output" = "$PIECES_STORE/bundles/alpine-minirootfs-3.18.3-x86_64" ]
  run "$PIECES_RUN" "$output"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[0]}" == *PID*COMMAND* ]]
  [[ "${lines[1]}" =~ ^\ *1\ .*ps\ aux$ ]]
}

@test "a file:// build, run by its name from the store, with a command" {
  echo "FROM_URL file://$BATS_TEST_TMPDIR/www/alpine-minirootfs-3.18.3-x86_64.tar.gz" > "$CONTEXT/Piecefile"
  "$PIECES_BUILD" -q -t demo "$CONTEXT"
  run "$PIECES_RUN" demo cat /etc/motd
  [ "$status" -eq 0 ]
  [ "$output" = built-by-pieces ]
  run "$PIECES_RUN" demo hostname
  [ "$output" = demo ]
}

@test "a bundle from pieces-build runs unchanged under runc" {
  echo "FROM_URL file://$BATS_TEST_TMPDIR/www/alpine-minirootfs-3.18.3-x86_64.tar.gz" > "$CONTEXT/Piecefile"
  echo 'CMD ["sh", "-c", "cat /etc/motd; hostname"]' >> "$CONTEXT/Piecefile"
  bundle=$("$PIECES_BUILD" -q -o "$BATS_TEST_TMPDIR/bundle" "$CONTEXT")
  run runc --root "$BATS_TEST_TMPDIR/runc" run --bundle "$bundle" "pieces-e2e-$$"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = built-by-pieces ]
  [ "${lines[1]}" = alpine-minirootfs-3.18.3-x86_64 ]
}

@test "a bundle from pieces-build runs unchanged under crun" {
  echo "FROM_URL file://$BATS_TEST_TMPDIR/www/alpine-minirootfs-3.18.3-x86_64.tar.gz" > "$CONTEXT/Piecefile"
  echo 'CMD ["sh", "-c", "cat /etc/motd; hostname"]' >> "$CONTEXT/Piecefile"
  bundle=$("$PIECES_BUILD" -q -o "$BATS_TEST_TMPDIR/bundle" "$CONTEXT")
  # crun 1.8 refuses hybrid cgroup hosts: hide the cgroup2 tree in a private mount
  # namespace so it sees plain v1.
  run unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root '$BATS_TEST_TMPDIR/crun' run --bundle '$bundle' pieces-e2e-$$"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = built-by-pieces ]
  [ "${lines[1]}" = alpine-minirootfs-3.18.3-x86_64 ]
}

@test "the exit status and stdin of the container reach the caller" {
  echo "FROM_URL file://$BATS_TEST_TMPDIR/www/alpine-minirootfs-3.18.3-x86_64.tar.gz" > "$CONTEXT/Piecefile"
  echo 'CMD ["sh", "-c", "read line; echo got $line; exit 9"]' >> "$CONTEXT/Piecefile"
  bundle=$("$PIECES_BUILD" -q -o "$BATS_TEST_TMPDIR/bundle" "$CONTEXT")
  run sh -c "echo hello | '$PIECES_RUN' '$bundle'"
  [ "$status" -eq 9 ]
  [ "$output" = "got hello" ]
}
