#!/usr/bin/env bats
# OCI hooks: each of the six runs at its point with the state on stdin; failures stop
# the start (or warn, for poststart and poststop); time-outs; hooks that ignore stdin.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
  require_root
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
  ROOT="$BATS_TEST_TMPDIR/state"
  OUT="$BATS_TEST_TMPDIR/hooks"
  mkdir -p "$OUT"
  make_bundle "$BUNDLE"
  ID="hk-$$-$BATS_TEST_NUMBER"
  # A hook on the host: records its name, its stdin and the mount namespace it runs in.
  cat > "$BATS_TEST_TMPDIR/record" <<SH
#!/bin/sh
cat > "$OUT/\$1.json"
readlink /proc/self/ns/mnt > "$OUT/\$1.mntns"
SH
  chmod +x "$BATS_TEST_TMPDIR/record"
}

teardown() {
  "$PIECES_RUN" --root "$ROOT" delete --force "$ID" 2>/dev/null || true
  assert_no_leaked_mounts
}

hook() {
  printf '{"path": "%s", "args": ["record", "%s"]}' "$BATS_TEST_TMPDIR/record" "$1"
}

@test "every hook runs once, with the container's state on stdin" {
  set_config "$BUNDLE" "
c['process']['args'] = ['sh', '-c', 'cat /started']
c['hooks'] = {
  'prestart': [$(hook prestart)],
  'createRuntime': [$(hook createRuntime)],
  'createContainer': [$(hook createContainer)],
  'startContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > /started']}],
  'poststart': [$(hook poststart)],
  'poststop': [$(hook poststop)],
}"
  run "$PIECES_RUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  # startContainer ran inside the container, before the process, with the state.
  [[ "$output" == *"\"id\":\"$ID\""* ]]
  for h in prestart createRuntime createContainer poststart poststop; do
    python3 - "$OUT/$h.json" "$ID" "$BUNDLE" <<'PY'
import json, sys
state = json.load(open(sys.argv[1]))
assert state["id"] == sys.argv[2], state
assert state["bundle"] == sys.argv[3], state
assert state["pid"] > 0 or state["status"] == "stopped", state
assert state["ociVersion"].startswith("1."), state
PY
  done
  # createRuntime runs in the runtime's mount namespace, createContainer in the
  # container's.
  [ "$(cat "$OUT/createRuntime.mntns")" = "$(readlink /proc/self/ns/mnt)" ]
  [ "$(cat "$OUT/createContainer.mntns")" != "$(readlink /proc/self/ns/mnt)" ]
  grep -q '"status":"stopped"' "$OUT/poststop.json"
}

@test "a failing createRuntime hook stops the start and leaves nothing" {
  set_config "$BUNDLE" "c['hooks'] = {'createRuntime': [{'path': '/bin/false'}]}"
  run "$PIECES_RUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"hooks.createRuntime[0]: '/bin/false' exited with status 1"* ]]
  [ ! -e "$ROOT/$ID" ]
}

@test "a hook that hangs is killed at its timeout" {
  set_config "$BUNDLE" "c['hooks'] = {'prestart': [{'path': '/bin/sleep', 'args': ['sleep', '30'], 'timeout': 1}]}"
  run timeout 20 "$PIECES_RUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"hooks.prestart[0]: '/bin/sleep' timed out after 1 s"* ]]
}

@test "a hook that does not read its stdin does not hurt the runtime, even with a big state" {
  # Annotations of 300 KiB make a state larger than a pipe holds.
  set_config "$BUNDLE" "
c['annotations'] = {'big.%d' % i: 'x' * 1000 for i in range(300)}
c['process']['args'] = ['true']
c['hooks'] = {'createRuntime': [{'path': '/bin/true'}], 'createContainer': [{'path': '/bin/true'}]}"
  run timeout 20 "$PIECES_RUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
}

@test "failing poststart and poststop hooks are warnings; the status is the container's" {
  set_config "$BUNDLE" "
c['process']['args'] = ['sh', '-c', 'exit 4']
c['hooks'] = {'poststart': [{'path': '/bin/false'}], 'poststop': [{'path': '/bin/false'}]}"
  run "$PIECES_RUN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 4 ]
  [[ "$output" == *"warning: hooks.poststart[0]: '/bin/false' exited with status 1"* ]]
  [[ "$output" == *"warning: hooks.poststop[0]: '/bin/false' exited with status 1"* ]]
}

@test "create/start/delete: poststart runs at start, poststop at delete" {
  set_config "$BUNDLE" "
c['process']['args'] = ['sleep', '30']
c['hooks'] = {'poststart': [$(hook poststart)], 'poststop': [$(hook poststop)]}"
  "$PIECES_RUN" --root "$ROOT" create --bundle "$BUNDLE" "$ID"
  [ ! -e "$OUT/poststart.json" ]
  "$PIECES_RUN" --root "$ROOT" start "$ID"
  [ -e "$OUT/poststart.json" ]
  [ ! -e "$OUT/poststop.json" ]
  "$PIECES_RUN" --root "$ROOT" delete --force "$ID"
  grep -q "\"id\":\"$ID\"" "$OUT/poststop.json"
}
