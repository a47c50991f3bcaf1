#!/usr/bin/env bats
# containerd 1.6 and its runc shim (io.containerd.runc.v2), driven by ctr, with the
# shim's runc binary set to the runtime under test (RUNTIME, by default
# build/pieces-run; RUNTIME=/usr/sbin/runc for the reference). A private containerd
# runs for the whole file. Every test checks in the wrapper's log that the shim really
# called that runtime.

bats_require_minimum_version 1.5.0
load lib/common
load lib/engines

setup_file() {
  require_commands containerd containerd-shim-runc-v2 ctr catatonit skopeo
  engines_setup_file
  start_containerd
  ctr_import_busybox
}

teardown_file() {
  stop_containerd
  engines_teardown_file
}

setup() {
  mark_runtime_log
  mark_leftovers
}

teardown() {
  remove_ctr_containers
  # containerd keeps its mounts in its own mount namespace; none reach the host.
  check_no_leftovers
}

# start_task ID COMMAND...: `ctr run -d`, then wait until the task runs.
start_task() {
  local id="$1" i
  shift
  ctr_run --detach "$ENGINES_IMAGE" "$id" "$@"
  for i in $(seq 50); do
    [ "$(ctr_task_status "$id")" = RUNNING ] && return 0
    sleep 0.1
  done
  echo "task $id is $(ctr_task_status "$id"), not RUNNING" >&2
  return 1
}

# wait_stopped ID: wait up to 10 s for the task to stop.
wait_stopped() {
  local i
  for i in $(seq 100); do
    [ "$(ctr_task_status "$1")" = STOPPED ] && return 0
    sleep 0.1
  done
  echo "task $1 is $(ctr_task_status "$1"), not STOPPED" >&2
  return 1
}

@test "ctr run: the container's output and exit status reach the user" {
  run --separate-stderr ctr_run --rm "$ENGINES_IMAGE" run1 \
    sh -c 'echo "hello from $(cat /proc/1/comm)"; exit 5'
  [ "$status" -eq 5 ]
  [ "$output" = "hello from sh" ]
  # The shim passes the global options on every call.
  runtime_called create '^containerd-shim-runc-v2 ' '--root ' '--log ' '--log-format json' \
    '--bundle ' '--pid-file '
  runtime_called start ' run1$'
  runtime_called delete ' run1$'
}

@test "ctr run -d: the task runs as a child of the shim, not of the runtime" {
  start_task bg1 sleep 1000
  pid=$(ctr_task_pid bg1)
  kill -0 "$pid"
  [ "$(parent_exe "$pid")" = containerd-shim-runc-v2 ]
  runtime_called create
  runtime_called start ' bg1$'
}

@test "ctr task kill, then task delete: SIGTERM reaches the task, its status is kept" {
  start_task kill1 sh -c 'trap "exit 3" TERM; touch /tmp/ready; while :; do sleep 0.1; done'
  wait_for_file "$(ctr_task_pid kill1)" /tmp/ready
  run ctr_plain task kill kill1
  [ "$status" -eq 0 ]
  runtime_called kill ' kill1 15$'
  wait_stopped kill1
  run ctr_plain task delete kill1
  [ "$status" -eq 0 ]
  [[ "$output" == *"exit code 3"* ]]
  runtime_called delete ' kill1$'
  run ctr_plain task list --quiet
  [ -z "$output" ]
}

@test "ctr task kill --all SIGKILL stops every process of the task" {
  start_task killall1 sh -c 'sleep 1000 & sleep 1000'
  run ctr_plain task kill --all --signal SIGKILL killall1
  [ "$status" -eq 0 ]
  runtime_called kill '--all' ' 9$'
  wait_stopped killall1
  run ctr_plain task delete killall1
  [ "$status" -eq 0 ]
  [[ "$output" == *"exit code 137"* ]]
}

@test "ctr task exec: output and exit status" {
  start_task exec1 sleep 1000
  run --separate-stderr ctr_exec --exec-id e1 exec1 \
    sh -c 'echo "in the container: $(cat /proc/1/comm)"; exit 6'
  [ "$status" -eq 6 ]
  [ "$output" = "in the container: sleep" ]
  runtime_called exec '^containerd-shim-runc-v2 ' '--process ' '--detach' '--pid-file '
}

@test "ctr task exec -t: a terminal through the console socket" {
  start_task exect1 sleep 1000
  run in_terminal "ctr --address '$CONTAINERD_ADDRESS' task exec \
    --fifo-dir '$CONTAINERD_FIFO_DIR' --tty --exec-id t1 exect1 tty"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/pts/"* ]]
  runtime_called exec '--console-socket '
}

@test "ctr run -t: a terminal through the console socket" {
  run in_terminal "ctr --address '$CONTAINERD_ADDRESS' run --runc-binary '$WRAPPER' \
    --fifo-dir '$CONTAINERD_FIFO_DIR' --rm --tty '$ENGINES_IMAGE' tty1 sh -c 'tty; exit 4'"
  [ "$status" -eq 4 ]
  [[ "$output" == *"/dev/pts/"* ]]
  runtime_called create '--console-socket '
}

@test "ctr task pause and resume freeze and thaw the task" {
  start_task pause1 sh -c "$COUNTER_LOOP"
  pid=$(ctr_task_pid pause1)
  wait_for_file "$pid" /tmp/counter
  run ctr_plain task pause pause1
  [ "$status" -eq 0 ]
  runtime_called pause ' pause1$'
  [ "$(ctr_task_status pause1)" = PAUSED ]
  counter_frozen "$pid"
  run ctr_plain task resume pause1
  [ "$status" -eq 0 ]
  runtime_called resume ' pause1$'
  [ "$(ctr_task_status pause1)" = RUNNING ]
  counter_moves "$pid"
}

@test "ctr task ps lists the host pids of the task's processes" {
  start_task ps1 sleep 1000
  ctr_exec --detach --exec-id second ps1 sleep 999
  pid=$(ctr_task_pid ps1)
  for i in $(seq 50); do
    second=$(pgrep --parent "$(awk '{ print $4 }' "/proc/$pid/stat")" -f '^sleep 999$' || true)
    [ -n "$second" ] && break
    sleep 0.1
  done
  [ -n "$second" ]
  run --separate-stderr ctr_plain task ps ps1
  [ "$status" -eq 0 ]
  runtime_called ps '--format json' ' ps1$'
  awk 'NR > 1 { print $1 }' <<< "$output" | grep -qx "$pid"
  awk 'NR > 1 { print $1 }' <<< "$output" | grep -qx "$second"
}

@test "a command that does not exist: ctr shows the runtime's error" {
  run ! ctr_run --rm "$ENGINES_IMAGE" fail1 /nonexistent
  [[ "$output" == *"/nonexistent"* ]]
  # Read from the runtime's --log: without it containerd says only "unable to
  # retrieve OCI runtime error".
  [[ "$output" != *"unable to retrieve OCI runtime error"* ]]
  runtime_called create ' fail1$'
}
