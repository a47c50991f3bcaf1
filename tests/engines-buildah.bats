#!/usr/bin/env bats
# buildah 1 driving the runtime under test (RUNTIME, by default build/pieces-run;
# RUNTIME=/usr/sbin/runc for the reference) in `buildah run` and in the RUN steps of
# `buildah build`. Every test checks in the wrapper's log that buildah really called it.

bats_require_minimum_version 1.5.0
load lib/common
load lib/engines

setup_file() {
  require_commands buildah
  engines_setup_file
  write_containers_conf
  buildah_import_busybox
}

teardown_file() {
  engine_buildah rm --all > /dev/null 2>&1 || true
  engines_teardown_file
}

setup() {
  mark_runtime_log
  mark_leftovers
  # buildah's own default, not the caller's environment, decides the isolation.
  unset BUILDAH_ISOLATION
  # No network: buildah ignores containers.conf's netns and would set up its CNI bridge.
  # shellcheck disable=SC2046 # zero or two words
  CTR=$(engine_buildah from --pull-never --network none $(buildah_security_options) \
    --name "work$BATS_TEST_NUMBER" "$ENGINES_IMAGE")
}

teardown() {
  engine_buildah rm --all > /dev/null 2>&1 || true
  check_no_leftovers
}

@test "buildah run: the command's output and exit status reach the user" {
  run --separate-stderr buildah_run "$CTR" sh -c 'echo "hello from $(cat /proc/1/comm)"; exit 4'
  [ "$status" -eq 4 ]
  [[ "$output" == *"hello from sh"* ]]
  runtime_called create '^buildah ' '--bundle ' '--pid-file '
  runtime_called start '^buildah '
  runtime_called state '^buildah '
  runtime_called delete '^buildah '
}

@test "buildah run: the default isolation is oci, through the runtime" {
  run buildah_run "$CTR" true
  [ "$status" -eq 0 ]
  runtime_called create
  mark_runtime_log
  run buildah_run --isolation oci "$CTR" true
  [ "$status" -eq 0 ]
  runtime_called create
  runtime_called start
}

@test "buildah run: stdin reaches the command" {
  run --separate-stderr buildah_run "$CTR" sh -c 'read line; echo "read: $line"' <<< "piped in"
  [ "$status" -eq 0 ]
  [ "$output" = "read: piped in" ]
  runtime_called create
}

@test "buildah run -t: a terminal through the console socket" {
  run --separate-stderr buildah_run --tty "$CTR" sh -c 'tty; test -t 0 && echo stdin-is-a-tty'
  [ "$status" -eq 0 ]
  [[ "$output" == /dev/pts/* ]]
  [[ "$output" == *stdin-is-a-tty* ]]
  runtime_called create '--console-socket '
}

@test "buildah run: user, working directory and environment" {
  run --separate-stderr buildah_run --user tester --workingdir /tmp --env GREETING=hi "$CTR" \
    sh -c 'echo "$(id -u):$(id -g) $(pwd) $GREETING"'
  [ "$status" -eq 0 ]
  [ "$output" = "1000:1000 /tmp hi" ]
  runtime_called create
}

@test "buildah run: the container's processes are gone when it returns" {
  run --separate-stderr buildah_run "$CTR" sh -c 'sleep 98765 & echo $!'
  [ "$status" -eq 0 ]
  runtime_called create
  # The kernel kills the rest of the pid namespace when its init exits.
  for i in $(seq 20); do
    [ -z "$(pgrep -f '^sleep 98765$')" ] && break
    sleep 0.1
  done
  [ -z "$(pgrep -f '^sleep 98765$')" ]
}

@test "a command that does not exist: buildah shows the runtime's error" {
  run ! buildah_run "$CTR" /nonexistent
  [[ "$output" == *"/nonexistent"* ]]
  [[ "$output" == *"o such file or directory"* ]]
  runtime_called create
}

@test "buildah build: RUN steps go through the runtime" {
  local context="$BATS_TEST_TMPDIR/context"
  mkdir "$context"
  cat > "$context/Containerfile" <<EOF
FROM $ENGINES_IMAGE
RUN echo "built by \$(cat /proc/1/comm)" > /marker && echo "RUN step ran"
EOF
  # buildah build commits an image: see without_default_state.
  # shellcheck disable=SC2046 # zero or two words
  run without_default_state buildah build --runtime "$WRAPPER" --network none \
    $(buildah_security_options) --pull-never --tag localhost/pieces-built "$context"
  [ "$status" -eq 0 ]
  [[ "$output" == *"RUN step ran"* ]]
  runtime_called create '^buildah '
  # shellcheck disable=SC2046 # zero or two words
  built=$(engine_buildah from --pull-never --network none $(buildah_security_options) \
    localhost/pieces-built)
  run --separate-stderr buildah_run "$built" cat /marker
  [ "$status" -eq 0 ]
  [ "$output" = "built by sh" ]
}
