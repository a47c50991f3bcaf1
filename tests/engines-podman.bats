#!/usr/bin/env bats
# podman 4 (through conmon) driving the runtime under test: RUNTIME, by default
# build/pieces-run; RUNTIME=/usr/sbin/runc for the reference. Every test checks in the
# wrapper's log that podman really called that runtime for what it did.

bats_require_minimum_version 1.5.0
load lib/common
load lib/engines

setup_file() {
  require_commands podman conmon catatonit
  engines_setup_file
  write_containers_conf
  podman_import_busybox
}

teardown_file() {
  engine_podman rm --all --force --time 0 > /dev/null 2>&1 || true
  engines_teardown_file
}

setup() {
  mark_runtime_log
  mark_leftovers
}

teardown() {
  engine_podman rm --all --force --time 0 > /dev/null 2>&1 || true
  # Every container's mounts and cgroups go with it.
  check_no_leftovers
}

# state_of ID: podman's view of the container: status, pid, exit code.
# podman says "stopped" once the process has exited and "exited" once its cleanup
# process has run, which may come later on a loaded machine: both carry the exit code.
state_of() {
  engine_podman inspect --format '{{.State.Status}} {{.State.Pid}} {{.State.ExitCode}}' "$1"
}

# pid_of ID: the host pid of the container's process.
pid_of() {
  engine_podman inspect --format '{{.State.Pid}}' "$1"
}

@test "podman run: the container's output and exit status reach the user" {
  run --separate-stderr engine_podman run --name run1 "$ENGINES_IMAGE" \
    sh -c 'echo "hello from $(hostname)"; exit 3'
  [ "$status" -eq 3 ]
  [[ "$output" == "hello from "* ]]
  runtime_called create '^conmon ' '--bundle ' '--pid-file '
  runtime_called start '^podman '
  run state_of run1
  [[ "$output" =~ ^(exited|stopped)\ .*\ 3$ ]]
}

@test "podman run --rm: the container and the runtime's state are gone afterwards" {
  run engine_podman run --rm --name rm1 "$ENGINES_IMAGE" true
  [ "$status" -eq 0 ]
  runtime_called create
  runtime_called start
  runtime_called delete
  run --separate-stderr engine_podman ps --all --quiet
  [ -z "$output" ]
  # The runtime forgot the container too.
  run "$RUNTIME" state "$(runtime_calls | awk '/ start / { print $NF }')"
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not exist"* ]]
}

@test "podman run -d: the container runs as a child of conmon, not of the runtime" {
  run engine_podman run -d --name bg1 "$ENGINES_IMAGE" sleep 1000
  [ "$status" -eq 0 ]
  run state_of bg1
  [[ "$output" == "running "* ]]
  pid=$(pid_of bg1)
  kill -0 "$pid"
  [ "$(parent_exe "$pid")" = conmon ]
  runtime_called create '^conmon '
  runtime_called start
}

@test "podman stop: SIGTERM, then SIGKILL when the container ignores it" {
  # As PID 1 without a handler, sleep ignores SIGTERM.
  engine_podman run -d --name stop1 "$ENGINES_IMAGE" sleep 1000 > /dev/null
  run engine_podman stop --time 1 stop1
  [ "$status" -eq 0 ]
  run state_of stop1
  [[ "$output" =~ ^(exited|stopped)\ .*\ 137$ ]]
  runtime_called kill ' 15$'
  runtime_called kill ' 9$'
}

@test "podman stop: a container that handles SIGTERM exits with its own status" {
  engine_podman run -d --name stop2 "$ENGINES_IMAGE" \
    sh -c 'trap "exit 7" TERM; touch /tmp/ready; while :; do sleep 0.1; done' > /dev/null
  wait_for_file "$(pid_of stop2)" /tmp/ready
  run engine_podman stop --time 10 stop2
  [ "$status" -eq 0 ]
  run state_of stop2
  [[ "$output" =~ ^(exited|stopped)\ .*\ 7$ ]]
  runtime_called kill ' 15$'
}

@test "podman kill: the signal reaches the container" {
  engine_podman run -d --name kill1 "$ENGINES_IMAGE" \
    sh -c 'trap "echo got USR1" USR1; touch /tmp/ready; while :; do sleep 0.1; done' > /dev/null
  wait_for_file "$(pid_of kill1)" /tmp/ready
  run engine_podman kill --signal USR1 kill1
  [ "$status" -eq 0 ]
  runtime_called kill ' 10$'
  for i in $(seq 50); do
    engine_podman logs kill1 | grep -q 'got USR1' && break
    sleep 0.1
  done
  run engine_podman logs kill1
  [[ "$output" == *"got USR1"* ]]
  run engine_podman kill kill1
  [ "$status" -eq 0 ]
  runtime_called kill ' 9$'
  engine_podman wait kill1 > /dev/null
  run state_of kill1
  [[ "$output" =~ ^(exited|stopped)\ .*\ 137$ ]]
}

@test "podman rm --force of a running container kills and deletes it" {
  engine_podman run -d --name rmf1 "$ENGINES_IMAGE" sleep 1000 > /dev/null
  pid=$(pid_of rmf1)
  run engine_podman rm --force --time 0 rmf1
  [ "$status" -eq 0 ]
  runtime_called kill ' 9$'
  runtime_called delete '--force'
  wait_gone "$pid"
  run --separate-stderr engine_podman ps --all --quiet
  [ -z "$output" ]
}

@test "podman exec: output, exit status and stdin" {
  engine_podman run -d --name exec1 "$ENGINES_IMAGE" sleep 1000 > /dev/null
  run --separate-stderr engine_podman exec exec1 \
    sh -c 'echo "in the container: $(cat /proc/1/comm)"; exit 5'
  [ "$status" -eq 5 ]
  [ "$output" = "in the container: sleep" ]
  runtime_called exec '^conmon ' '--process ' '--detach' '--pid-file '
  run --separate-stderr engine_podman exec --interactive exec1 cat <<< "piped in"
  [ "$status" -eq 0 ]
  [ "$output" = "piped in" ]
}

@test "podman exec -t: a terminal through the console socket" {
  engine_podman run -d --name exect1 "$ENGINES_IMAGE" sleep 1000 > /dev/null
  run --separate-stderr engine_podman exec --tty exect1 sh -c 'tty; exit 4'
  [ "$status" -eq 4 ]
  [[ "$output" == /dev/pts/* ]]
  runtime_called exec '--console-socket '
}

@test "podman run -t: a terminal through the console socket" {
  run --separate-stderr engine_podman run --rm --tty "$ENGINES_IMAGE" \
    sh -c 'tty; test -t 0 && echo stdin-is-a-tty'
  [ "$status" -eq 0 ]
  [[ "$output" == /dev/pts/* ]]
  [[ "$output" == *stdin-is-a-tty* ]]
  runtime_called create '--console-socket '
}

@test "podman pause and unpause freeze and thaw the container" {
  engine_podman run -d --name pause1 "$ENGINES_IMAGE" sh -c "$COUNTER_LOOP" > /dev/null
  pid=$(pid_of pause1)
  wait_for_file "$pid" /tmp/counter
  run engine_podman pause pause1
  [ "$status" -eq 0 ]
  runtime_called pause
  run state_of pause1
  [[ "$output" == "paused "* ]]
  counter_frozen "$pid"
  run engine_podman unpause pause1
  [ "$status" -eq 0 ]
  runtime_called resume
  run state_of pause1
  [[ "$output" == "running "* ]]
  counter_moves "$pid"
}

@test "podman update --memory changes the running container's memory limit" {
  engine_podman run -d --name upd1 --memory 128m "$ENGINES_IMAGE" sleep 1000 > /dev/null
  pid=$(pid_of upd1)
  [ "$(cgroup_value "$pid" memory memory.limit_in_bytes memory.max)" -eq $((128 << 20)) ]
  run engine_podman update --memory 64m upd1
  [ "$status" -eq 0 ]
  runtime_called update '--resources'
  [ "$(cgroup_value "$pid" memory memory.limit_in_bytes memory.max)" -eq $((64 << 20)) ]
}

@test "podman update --cpu-quota changes the running container's CPU limit" {
  engine_podman run -d --name upd2 "$ENGINES_IMAGE" sleep 1000 > /dev/null
  pid=$(pid_of upd2)
  run engine_podman update --cpu-period 100000 --cpu-quota 50000 upd2
  [ "$status" -eq 0 ]
  runtime_called update '--resources'
  run cgroup_value "$pid" cpu cpu.cfs_quota_us cpu.max
  [[ "$output" == "50000" || "$output" == "50000 100000" ]]
}

@test "podman create, then start --attach, twice: the runtime creates it anew each time" {
  engine_podman create --name twice1 "$ENGINES_IMAGE" echo once more > /dev/null
  run --separate-stderr engine_podman start --attach twice1
  [ "$status" -eq 0 ]
  [ "$output" = "once more" ]
  run --separate-stderr engine_podman start --attach twice1
  [ "$status" -eq 0 ]
  [ "$output" = "once more" ]
  [ "$(runtime_calls | grep -c ' create ')" -eq 2 ]
  [ "$(runtime_calls | grep -c ' start ')" -eq 2 ]
}

@test "podman run --init: catatonit, bound in from the host, is PID 1" {
  run --separate-stderr engine_podman run --rm --init "$ENGINES_IMAGE" ps -o pid,comm
  [ "$status" -eq 0 ]
  [[ "${lines[1]}" =~ ^\ *1\ +(podman-init|catatonit)$ ]]
  runtime_called create
}

@test "a command that does not exist: podman shows why and exits 127" {
  run -127 engine_podman run --rm "$ENGINES_IMAGE" /nonexistent
  [[ "$output" == *"/nonexistent"* ]]
  [[ "$output" == *"o such file or directory"* ]]
  runtime_called create
}

@test "a file that is not executable: podman shows why and exits 126" {
  run engine_podman run --rm "$ENGINES_IMAGE" /etc/passwd
  [ "$status" -eq 126 ]
  [[ "$output" == *"/etc/passwd"* ]]
  [[ "$output" == *"ermission denied"* ]]
  runtime_called create
}

@test "the runtime's error reaches the user from its stderr too (no --log-format json)" {
  # Without the runtime's name in runtime_supports_json, conmon passes no --log and
  # podman shows what the runtime wrote on stderr.
  sed 's/^runtime_supports_json = .*/runtime_supports_json = []/' \
    "$CONTAINERS_CONF" > "$BATS_TEST_TMPDIR/containers.conf"
  CONTAINERS_CONF="$BATS_TEST_TMPDIR/containers.conf" \
    run -127 engine_podman run --rm "$ENGINES_IMAGE" /nonexistent
  [[ "$output" == *"/nonexistent"* ]]
  runtime_called create
  [[ "$(runtime_calls)" != *--log-format* ]]
}
