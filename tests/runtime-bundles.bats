#!/usr/bin/env bats
# pieces-run runs bundles it did not make: `runc spec`, umoci, a minimal hand-written
# config, and the config features those use (terminal, read-only root, binds).

bats_require_minimum_version 1.5.0
load lib/common

setup() {
  require_root
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
}

teardown() {
  assert_no_leaked_mounts || return 1
  if ls -d /sys/fs/cgroup/*/pieces-* /sys/fs/cgroup/*/*/pieces-* 2>/dev/null | grep -q .; then return 1; fi
}

@test "a runc spec bundle runs unchanged but for terminal=false" {
  mkdir -p "$BUNDLE"
  (cd "$BUNDLE" && runc spec)
  make_rootfs "$BUNDLE/rootfs"
  set_config "$BUNDLE" 'c["process"]["terminal"] = False; c["process"]["args"] = ["sh", "-c", "hostname; id -u; touch /x || echo read-only-root"]'
  run --separate-stderr "$PIECES_RUN" "$BUNDLE"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "runc" ]
  [ "${lines[1]}" = "0" ]
  [[ "$output" == *read-only-root* ]]
}

@test "a runc spec bundle with terminal=true runs through a pty, even without a tty" {
  mkdir -p "$BUNDLE"
  (cd "$BUNDLE" && runc spec)
  make_rootfs "$BUNDLE/rootfs"
  run --separate-stderr "$PIECES_RUN" "$BUNDLE" sh -c 'tty; test -c /dev/console && echo console-ok; exit 4'
  [ "$status" -eq 4 ]
  [[ "${lines[0]}" == /dev/pts/0* ]]
  [[ "$output" == *console-ok* ]]
}

@test "an umoci bundle runs (its extra files are ignored)" {
  cd "$BATS_TEST_TMPDIR"
  umoci init --layout image
  umoci new --image image:latest
  umoci unpack --image image:latest "$BUNDLE"
  make_rootfs "$BUNDLE/rootfs"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'echo in-umoci-bundle'
  [ "$status" -eq 0 ]
  [[ "$output" == *in-umoci-bundle* ]]
}

@test "a minimal hand-written bundle without /dev mount runs" {
  make_bundle "$BUNDLE" "$TOP/bundle-spec/examples/minimal/config.json"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'echo minimal; test -c /dev/null && echo devnull-ok'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = minimal ]
  [ "${lines[1]}" = devnull-ok ]
}

@test "the example busybox bundle runs its default command" {
  make_bundle "$BUNDLE"
  run "$PIECES_RUN" "$BUNDLE" < /dev/null
  [ "$status" -eq 0 ]
}

@test "bind mounts: directories and files, read-only ones stay read-only" {
  make_bundle "$BUNDLE"
  mkdir "$BATS_TEST_TMPDIR/shared"
  echo shared-data > "$BATS_TEST_TMPDIR/shared/file"
  echo single-file > "$BATS_TEST_TMPDIR/single"
  set_config "$BUNDLE" "
c['mounts'].append({'destination': '/mnt/rw', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/shared', 'options': ['rbind']})
c['mounts'].append({'destination': '/mnt/ro', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/shared', 'options': ['rbind', 'ro']})
c['mounts'].append({'destination': '/etc/single', 'type': 'none', 'source': '$BATS_TEST_TMPDIR/single', 'options': ['bind', 'ro']})"
  run "$PIECES_RUN" "$BUNDLE" sh -c '
    cat /mnt/rw/file /etc/single
    echo written > /mnt/rw/new && echo rw-ok
    echo x > /mnt/ro/new || echo ro-refused
    mount -o remount,rw /mnt/ro 2>/dev/null && echo remounted; true'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = shared-data ]
  [ "${lines[1]}" = single-file ]
  [[ "$output" == *rw-ok* && "$output" == *ro-refused* ]]
  [[ "$output" != *remounted* ]]
  [ "$(cat "$BATS_TEST_TMPDIR/shared/new")" = written ]
}
