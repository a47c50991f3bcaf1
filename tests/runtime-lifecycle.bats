#!/usr/bin/env bats
# runc's command line, by hand: create, state, start, kill, delete, run -d, exec,
# pause/resume, update; the error texts engines match; concurrency.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
  require_root
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
  ROOT="$BATS_TEST_TMPDIR/state"
  make_bundle "$BUNDLE"
  set_config "$BUNDLE" 'c["process"]["args"] = ["sleep", "300"]'
  ID="lc-$$-$BATS_TEST_NUMBER"
}

teardown() {
  "$PIECES_RUN" --root "$ROOT" delete --force "$ID" 2>/dev/null || true
  assert_no_leaked_mounts || return 1
  if ls -d /sys/fs/cgroup/*/pieces-"$ID"* 2>/dev/null | grep -q .; then return 1; fi
}

pr() {
  "$PIECES_RUN" --root "$ROOT" "$@"
}

status_of() {
  pr state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'
}

@test "the whole lifecycle by hand: create, state, start, state, kill, state, delete" {
  pr create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
  [ "$(status_of "$ID")" = created ]
  local pid
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  run pr state "$ID"
  [[ "$output" == *"\"pid\": $pid"* && "$output" == *"\"bundle\": \"$BUNDLE\""* ]]
  [[ "$output" == *'"ociVersion": "1.0.2"'* && "$output" == *"\"id\": \"$ID\""* ]]
  # Created: the init waits before the user's program.
  [ "$(tr '\0' ' ' < /proc/$pid/cmdline)" != "sleep 300 " ]
  pr start "$ID"
  [ "$(status_of "$ID")" = running ]
  [ "$(tr '\0' ' ' < /proc/$pid/cmdline)" = "sleep 300 " ]
  pr kill "$ID" KILL
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  [ "$(status_of "$ID")" = stopped ]
  pr delete "$ID"
  run pr state "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container '$ID' does not exist"* ]]
  [ ! -e "$ROOT/$ID" ]
}

@test "create leaves the init to the caller: create returns, the pid stays" {
  pr create --bundle "$BUNDLE" "$ID"
  local pid
  pid=$(pr state "$ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
  kill -0 "$pid"
  # No runtime process stays between the caller and the container: the only process
  # with create's command line is the init itself, which has not exec'd yet.
  [ "$(pgrep -f "pieces-run --root $ROOT create")" = "$pid" ]
  local ppid
  ppid=$(cut -d' ' -f4 "/proc/$pid/stat")
  if tr '\0' ' ' < "/proc/$ppid/cmdline" | grep -q pieces-run; then false; fi
}

@test "kill: signal names and numbers, the default TERM, --all" {
  set_config "$BUNDLE" 'c["process"]["args"] = ["sh", "-c", "trap \"echo usr1 >> /tmp/log\" USR1; trap \"echo term >> /tmp/log; exit 0\" TERM; while :; do sleep 0.1; done"]'
  pr run -d --bundle "$BUNDLE" "$ID"
  sleep 0.3
  # One at a time: a signal that arrives while the same one is pending is merged.
  pr kill "$ID" USR1
  sleep 0.4
  pr kill "$ID" SIGUSR1
  sleep 0.4
  pr kill "$ID" 10
  sleep 0.4
  pr kill "$ID"
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  [ "$(status_of "$ID")" = stopped ]
  [ "$(grep -c usr1 "$BUNDLE/rootfs/tmp/log")" -eq 3 ]
  grep -q term "$BUNDLE/rootfs/tmp/log"
  run pr kill "$ID" KILL
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
  run pr kill "$ID" NOSUCHSIG
  [ "$status" -eq 1 ]
  [[ "$output" == *"unknown signal 'NOSUCHSIG'"* ]]
}

@test "kill --all reaches every process of a container without its own pid namespace" {
  set_config "$BUNDLE" '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]
c["process"]["args"] = ["sh", "-c", "sleep 301 & sleep 302 & wait"]'
  pr run -d --bundle "$BUNDLE" "$ID"
  sleep 0.3
  pgrep -f "sleep 301" > /dev/null
  pr kill --all "$ID" KILL
  sleep 0.3
  if pgrep -f "sleep 30[12]"; then false; fi
}

@test "delete refuses a running container; --force kills it; --force on a missing one succeeds" {
  pr run -d --bundle "$BUNDLE" "$ID"
  run pr delete "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot delete container '$ID' that is not stopped: running"* ]]
  pr delete --force "$ID"
  [ ! -e "$ROOT/$ID" ]
  pr delete --force "$ID"
  run pr delete "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container '$ID' does not exist"* ]]
}

@test "run -d returns with the container running; run --keep keeps a stopped state" {
  pr run -d --bundle "$BUNDLE" "$ID"
  [ "$(status_of "$ID")" = running ]
  pr delete --force "$ID"
  set_config "$BUNDLE" 'c["process"]["args"] = ["sh", "-c", "exit 3"]'
  run pr run --keep --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 3 ]
  [ "$(status_of "$ID")" = stopped ]
  pr delete "$ID"
  run pr run --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 3 ]
  [ ! -e "$ROOT/$ID" ]
}

@test "while run is in the foreground, state and kill work from outside" {
  pr run --bundle "$BUNDLE" "$ID" &
  local runtime=$!
  for _ in $(seq 50); do [ "$(status_of "$ID" 2>/dev/null)" = running ] && break; sleep 0.1; done
  [ "$(status_of "$ID")" = running ]
  pr kill "$ID" KILL
  local status=0
  wait "$runtime" || status=$?
  [ "$status" -eq 137 ]
  [ ! -e "$ROOT/$ID" ]
}

@test "a second create with the same id is refused and does not harm the first" {
  pr create --bundle "$BUNDLE" "$ID"
  run pr create --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container '$ID' already exists"* ]]
  [ "$(status_of "$ID")" = created ]
}

@test "start: only a created container" {
  pr run -d --bundle "$BUNDLE" "$ID"
  run pr start "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot start container '$ID': it is running, not created"* ]]
  run pr start no-such-container
  [[ "$output" == *"container 'no-such-container' does not exist"* ]]
}

@test "a failed create leaves nothing: no state, no cgroup, no process" {
  set_config "$BUNDLE" 'c["process"]["args"] = ["no-such-program"]'
  run -127 pr create --bundle "$BUNDLE" "$ID"
  [[ "$output" == *"exec 'no-such-program': executable file not found in \$PATH"* ]]
  [ ! -e "$ROOT/$ID" ]
  run pr list -q
  [ -z "$output" ]
}

@test "exec: output, exit status, env, cwd, user; in the container's namespaces" {
  pr run -d --bundle "$BUNDLE" "$ID"
  run pr exec "$ID" sh -c 'echo in-container; hostname; exit 5'
  [ "$status" -eq 5 ]
  [ "${lines[0]}" = in-container ]
  [ "${lines[1]}" = busybox ]
  run pr exec --env GREETING=hi --cwd /tmp --user 1000:1000 "$ID" sh -c 'echo $GREETING; pwd; id -u; id -g'
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'hi\n/tmp\n1000\n1000')" ]
  # Its pid namespace is the container's: it sees the init as pid 1.
  run pr exec "$ID" cat /proc/1/cmdline
  [[ "$output" == sleep* ]]
  run pr exec "$ID" sh -c 'cat /proc/self/cgroup' 
  [[ "$output" == *"pieces-$ID"* ]]
}

@test "exec --process FILE --detach --pid-file" {
  pr run -d --bundle "$BUNDLE" "$ID"
  cat > "$BATS_TEST_TMPDIR/process.json" <<'JSON'
{"args": ["sh", "-c", "echo from-process-file > /tmp/out; sleep 2"], "cwd": "/", "env": ["PATH=/bin"]}
JSON
  pr exec --process "$BATS_TEST_TMPDIR/process.json" --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID"
  local pid
  pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
  kill -0 "$pid"
  sleep 0.3
  [ "$(cat "$BUNDLE/rootfs/tmp/out")" = from-process-file ]
  run -127 pr exec "$ID" no-such-program
  [[ "$output" == *"executable file not found"* ]]
}

@test "exec into a stopped container says so" {
  set_config "$BUNDLE" 'c["process"]["args"] = ["true"]'
  pr run --keep --bundle "$BUNDLE" "$ID"
  run pr exec "$ID" true
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot exec in container '$ID': it is not running"* ]]
}

@test "pause and resume freeze and thaw the container" {
  set_config "$BUNDLE" 'c["process"]["args"] = ["sh", "-c", "while :; do date +%s%N > /tmp/tick; sleep 0.05; done"]'
  pr run -d --bundle "$BUNDLE" "$ID"
  sleep 0.3
  pr pause "$ID"
  [ "$(status_of "$ID")" = paused ]
  local before
  before=$(cat "$BUNDLE/rootfs/tmp/tick")
  sleep 0.4
  [ "$(cat "$BUNDLE/rootfs/tmp/tick")" = "$before" ]
  run pr pause "$ID"
  [[ "$output" == *"cannot pause container '$ID': it is paused"* ]]
  pr resume "$ID"
  [ "$(status_of "$ID")" = running ]
  sleep 0.4
  [ "$(cat "$BUNDLE/rootfs/tmp/tick")" != "$before" ]
  pr pause "$ID"
  # A paused container can be deleted by force.
  pr delete --force "$ID"
}

@test "update changes memory, pids and cpu limits; other resources are refused" {
  pr run -d --bundle "$BUNDLE" "$ID"
  local mem pids cpu
  mem=$(ls -d /sys/fs/cgroup/memory/*/pieces-"$ID" /sys/fs/cgroup/memory/pieces-"$ID" /sys/fs/cgroup/memory/*/*/pieces-"$ID" 2>/dev/null | head -1)
  echo '{"memory": {"limit": 67108864}, "pids": {"limit": 42}, "cpu": {"shares": 512, "quota": 50000, "period": 100000}}' > "$BATS_TEST_TMPDIR/res.json"
  pr update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
  [ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
  [ "$(cat /sys/fs/cgroup/pids/pieces-"$ID"/pids.max)" = 42 ]
  [ "$(cat /sys/fs/cgroup/cpu/pieces-"$ID"/cpu.shares)" = 512 ]
  [ "$(cat /sys/fs/cgroup/cpu/pieces-"$ID"/cpu.cfs_quota_us)" = 50000 ]
  echo '{"pids": {"limit": 7}}' | pr update --resources - "$ID"
  [ "$(cat /sys/fs/cgroup/pids/pieces-"$ID"/pids.max)" = 7 ]
  echo '{"blockIO": {"weight": 100}}' > "$BATS_TEST_TMPDIR/res.json"
  run pr update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"linux.resources.blockIO: not supported by pieces-run yet"* ]]
}

@test "global flags: --log with --log-format json gets the errors as JSON lines" {
  run "$PIECES_RUN" --root "$ROOT" --log "$BATS_TEST_TMPDIR/log.json" --log-format=json state "$ID"
  [ "$status" -eq 1 ]
  python3 - "$BATS_TEST_TMPDIR/log.json" "$ID" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
entry = json.loads(lines[-1])
assert entry["level"] == "error", entry
assert entry["msg"] == f"container '{sys.argv[2]}' does not exist", entry
assert entry["time"].endswith("Z"), entry
PY
}

@test "--version has runc's shape; every command has --help" {
  run "$PIECES_RUN" --version
  [[ "${lines[0]}" == "pieces-run version "* ]]
  [[ "${lines[1]}" == "spec: 1."* ]]
  for cmd in create start state kill delete run exec list ps pause resume update spec features; do
    run "$PIECES_RUN" "$cmd" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"pieces-run $cmd"* ]]
  done
}

@test "options in both forms and any order" {
  pr create --pid-file="$BATS_TEST_TMPDIR/pid" "$ID" --bundle="$BUNDLE"
  [ -s "$BATS_TEST_TMPDIR/pid" ]
  pr delete "$ID" --force
}

@test "concurrency: many containers created and deleted in parallel, no corruption" {
  set_config "$BUNDLE" 'c["process"]["args"] = ["sleep", "30"]'
  local i pids=()
  for i in $(seq 12); do
    ( pr run -d --bundle "$BUNDLE" "$ID-$i" && pr state "$ID-$i" > /dev/null && pr delete --force "$ID-$i" ) &
    pids+=($!)
  done
  local failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
  [ "$failed" -eq 0 ]
  run pr list -q
  [ -z "$output" ]
  # The same id from many callers at once: exactly one create wins.
  for i in $(seq 8); do pr create --bundle "$BUNDLE" "$ID" 2>/dev/null & pids+=($!); done
  wait || true
  [ "$(pr list -q | grep -c "^$ID\$")" -eq 1 ]
}

@test "--systemd-cgroup and systemd's cgroupsPath form are refused clearly" {
  run "$PIECES_RUN" --root "$ROOT" --systemd-cgroup create --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"--systemd-cgroup: systemd's cgroup manager is not supported by pieces-run yet"* ]]
  set_config "$BUNDLE" 'c["linux"]["cgroupsPath"] = "system.slice:pieces:x"'
  run "$PIECES_RUN" --root "$ROOT" create --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"is systemd's slice:prefix:name form"* ]]
  [ ! -e "$ROOT/$ID" ]
}

start_console_receiver() {
  SOCKET="$BATS_TEST_TMPDIR/console.sock"
  python3 "$TOP/tests/lib/console_receiver.py" "$SOCKET" "$BATS_TEST_TMPDIR/console.out" "$1" 3>&- &
  RECEIVER=$!
  for _ in $(seq 50); do [ -e "$SOCKET.ready" ] && break; sleep 0.1; done
}

@test "--console-socket: the pty master goes to the receiver, which talks to the container" {
  set_config "$BUNDLE" '
c["process"]["terminal"] = True
c["process"]["args"] = ["sh", "-c", "read line; echo got:$line; tty"]'
  start_console_receiver $'hello\n'
  pr create --bundle "$BUNDLE" --console-socket "$SOCKET" "$ID"
  pr start "$ID"
  wait "$RECEIVER"
  grep -q "got:hello" "$BATS_TEST_TMPDIR/console.out"
  grep -q "/dev/pts/0" "$BATS_TEST_TMPDIR/console.out"
}

@test "exec --tty --console-socket --detach: a terminal for a process in the container" {
  pr run -d --bundle "$BUNDLE" "$ID"
  start_console_receiver $'exec-input\n'
  pr exec --tty --detach --console-socket "$SOCKET" "$ID" sh -c 'read l; echo exec-got:$l; exit 0'
  wait "$RECEIVER"
  grep -q "exec-got:exec-input" "$BATS_TEST_TMPDIR/console.out"
}

@test "--preserve-fds must be a count: a negative or odd value is refused, nothing is made" {
  for value in -1 abc 99999; do
    run pr create --preserve-fds "$value" --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"create: --preserve-fds '$value': must be a number from 0 to 1024"* ]]
    [ ! -e "$ROOT/$ID" ]
  done
  pr run -d --bundle "$BUNDLE" "$ID"
  run pr exec --preserve-fds -1 "$ID" true
  [ "$status" -eq 1 ]
  [[ "$output" == *"exec: --preserve-fds '-1': must be a number from 0 to 1024"* ]]
}

@test "--preserve-fds 1 passes fd 3 to the process, and nothing above it" {
  set_config "$BUNDLE" 'c["process"]["args"] = ["ls", "/proc/self/fd"]'
  run pr run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3< /dev/null
  [ "$status" -eq 0 ]
  # 0, 1, 2, the preserved 3, and the fd ls reads the directory with.
  [ "${#lines[@]}" -le 5 ]
  [[ " ${lines[*]} " == *" 3 "* ]]
}
