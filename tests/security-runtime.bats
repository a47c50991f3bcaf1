#!/usr/bin/env bats
# Attacks on pieces-run from a hostile bundle or container, checked from the host.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
  require_root
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
}

teardown() {
  assert_no_leaked_mounts || return 1
}

@test "a mount target symlink in the image cannot redirect a mount to the host" {
  make_bundle "$BUNDLE"
  # The image makes /mnt/target point at a host directory; the mount must land
  # inside the rootfs instead (the symlink is resolved as if the rootfs were /).
  mkdir -p "$BATS_TEST_TMPDIR/host-dir"
  ln -s "$BATS_TEST_TMPDIR/host-dir" "$BUNDLE/rootfs/target"
  set_config "$BUNDLE" 'c["mounts"].append({"destination": "/target", "type": "tmpfs", "source": "tmpfs", "options": []})'
  run "$PIECES_RUN" "$BUNDLE" sh -c 'touch /target/inside && echo ok'
  [ "$status" -eq 0 ]
  [ ! -e "$BATS_TEST_TMPDIR/host-dir/inside" ]
  [ -d "$BUNDLE/rootfs/$BATS_TEST_TMPDIR/host-dir" ]
}

@test "an image whose /dev is a symlink to a host path cannot make us touch the host" {
  make_bundle "$BUNDLE" "$TOP/bundle-spec/examples/minimal/config.json"
  mkdir -p "$BATS_TEST_TMPDIR/host-dev"
  rmdir "$BUNDLE/rootfs/dev"
  ln -s "$BATS_TEST_TMPDIR/host-dev" "$BUNDLE/rootfs/dev"
  run "$PIECES_RUN" "$BUNDLE" true
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/host-dev")" ]
}

@test "the runtime binary cannot be written through /proc/PID/exe (CVE-2019-5736)" {
  make_bundle "$BUNDLE"
  cp "$PIECES_RUN" "$BATS_TEST_TMPDIR/pieces-run"
  "$BATS_TEST_TMPDIR/pieces-run" "$BUNDLE" sleep 1 < /dev/null &
  local runtime=$!
  sleep 0.3
  # What the attack does: hold /proc/PID/exe while the runtime runs (writing is
  # "text file busy" then), and reopen it for writing once the runtime has exited.
  run python3 - "$runtime" <<'PY'
import os, sys, time
pid = int(sys.argv[1])
fd = os.open(f"/proc/{pid}/exe", os.O_PATH)
while os.path.exists(f"/proc/{pid}/exe") and open(f"/proc/{pid}/stat").read().split()[2] != "Z":
    time.sleep(0.05)
try:
    os.open(f"/proc/self/fd/{fd}", os.O_WRONLY)
    print("opened for writing")
except OSError as e:
    print(e.strerror)
PY
  wait "$runtime" || true
  [ "$output" = "Read-only file system" ]
  cmp "$PIECES_RUN" "$BATS_TEST_TMPDIR/pieces-run"
}

@test "a process started as /proc/self/exe does not run with the runtime writable" {
  make_bundle "$BUNDLE"
  # The init's own /proc/self/exe at exec time is the read-only view; executing it
  # inside the container fails to load (no host libraries there) and harms nothing.
  cp "$PIECES_RUN" "$BATS_TEST_TMPDIR/pieces-run"
  run -127 "$BATS_TEST_TMPDIR/pieces-run" "$BUNDLE" /proc/self/exe --version
  cmp "$PIECES_RUN" "$BATS_TEST_TMPDIR/pieces-run"
}
