#!/usr/bin/env bats
# linux.resources applied at create: read back from the cgroup files, and enforced.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
  require_root
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
  ROOT="$BATS_TEST_TMPDIR/state"
  make_bundle "$BUNDLE"
  ID="res-$$-$BATS_TEST_NUMBER"
}

teardown() {
  "$PIECES_RUN" --root "$ROOT" delete --force "$ID" 2>/dev/null || true
  if ls -d /sys/fs/cgroup/*/pieces-"$ID" 2>/dev/null | grep -q .; then return 1; fi
  assert_no_leaked_mounts
}

@test "memory, pids and cpu limits are in the container's cgroups" {
  set_config "$BUNDLE" '
c["process"]["args"] = ["sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/memory/memory.soft_limit_in_bytes"]
c["linux"]["resources"]["memory"] = {"limit": 134217728, "reservation": 67108864}
c["linux"]["resources"]["pids"] = {"limit": 64}
c["linux"]["resources"]["cpu"] = {"shares": 256}'
  run "$PIECES_RUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 134217728 ]
  [ "${lines[1]}" = 64 ]
  [ "${lines[2]}" = 256 ]
  [ "${lines[3]}" = 67108864 ]
}

@test "the pids limit stops a fork bomb inside the container" {
  set_config "$BUNDLE" '
c["process"]["args"] = ["sh", "-c", "i=0; while [ $i -lt 40 ]; do sleep 5 & i=$((i+1)); done"]
c["linux"]["resources"]["pids"] = {"limit": 10}'
  run "$PIECES_RUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  # The eleventh process cannot be made.
  [[ "$output" == *"can't fork"* ]]
  [ "$status" -ne 0 ]
}

@test "a memory hog is OOM-killed inside its limit" {
  set_config "$BUNDLE" '
c["process"]["args"] = ["sh", "-c", "head -c 200m /dev/zero | tail > /dev/null; echo status=$?"]
c["linux"]["resources"]["memory"] = {"limit": 33554432, "swap": 33554432}'
  run "$PIECES_RUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  # tail holds the whole "line" in memory: the kernel kills it (SIGKILL: 137).
  [[ "$output" == *status=137* ]]
}

@test "a resource pieces-run cannot apply is refused, and nothing is left" {
  set_config "$BUNDLE" 'c["linux"]["resources"]["memory"] = {"limit": 134217728, "kernelTCP": 1000}'
  run "$PIECES_RUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"linux.resources.memory.kernelTCP: not supported by pieces-run yet"* ]]
  [ ! -e "$ROOT/$ID" ]
}
