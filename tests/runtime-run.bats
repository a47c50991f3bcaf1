#!/usr/bin/env bats
# pieces-run BUNDLE [COMMAND...]: isolation, mounts, identity, exit codes, signals,
# and that nothing is left behind on the host.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
  require_root
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
  make_bundle "$BUNDLE"
}

teardown() {
  # Every test must leave the host as it found it.
  assert_no_leaked_mounts || return 1
  if ls -d /sys/fs/cgroup/*/pieces-* /sys/fs/cgroup/*/*/pieces-* 2>/dev/null | grep -q .; then return 1; fi
}

@test "ps aux shows only the container's processes" {
  run "$PIECES_RUN" "$BUNDLE" ps -o pid,comm
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[1]}" =~ ^\ *1\ +ps$ ]]
}

@test "the root is the bundle's rootfs" {
  echo "from-the-bundle" > "$BUNDLE/rootfs/marker"
  run "$PIECES_RUN" "$BUNDLE" cat /marker
  [ "$status" -eq 0 ]
  [ "$output" = "from-the-bundle" ]
}

@test "the host's mounts are not visible and the old root is gone" {
  mkdir "$BATS_TEST_TMPDIR/hostmnt"
  mount -t tmpfs pieces-host-marker "$BATS_TEST_TMPDIR/hostmnt"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'cut -d" " -f5 /proc/self/mountinfo; ls /'
  umount "$BATS_TEST_TMPDIR/hostmnt"
  [ "$status" -eq 0 ]
  [[ "$output" != *pieces-host-marker* ]]
  [[ "$output" != *"$BATS_TEST_TMPDIR"* ]]
  # The container's root is a mount point; no mount point is a host path.
  grep -qx / <<< "$output"
  if grep -qE '^/(home|work|var|usr|run)' <<< "$output"; then false; fi
}

@test "/proc, /sys and /dev are there, with the default devices and symlinks" {
  run "$PIECES_RUN" "$BUNDLE" sh -c '
    stat -c "%n %F %t:%T" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
    for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done
    test -d /dev/pts && test -d /dev/shm && test -d /dev/mqueue && echo dirs-ok
    test -r /proc/self/status && echo proc-ok
    test -d /sys/kernel && echo sys-ok
    touch /sys/x 2>/dev/null || echo sys-readonly'
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/null character special file 1:3"* ]]
  [[ "$output" == *"/dev/zero character special file 1:5"* ]]
  [[ "$output" == *"/dev/full character special file 1:7"* ]]
  [[ "$output" == *"/dev/urandom character special file 1:9"* ]]
  [[ "$output" == *"/dev/tty character special file 5:0"* ]]
  [[ "$output" == *"/proc/self/fd"* ]]
  [[ "$output" == *"pts/ptmx"* ]]
  [[ "$output" == *dirs-ok* && "$output" == *proc-ok* ]]
  [[ "$output" == *sys-ok* && "$output" == *sys-readonly* ]]
}

@test "devices outside the allow list are refused by the device cgroup" {
  run "$PIECES_RUN" "$BUNDLE" sh -c 'mknod /tmp/sda b 8 0 && echo made; cat /tmp/sda > /dev/null && echo read-disk'
  [[ "$output" != *read-disk* ]]
}

@test "masked and read-only paths" {
  run "$PIECES_RUN" "$BUNDLE" sh -c '
    stat -c "%t:%T" /proc/keys
    echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo wrote-sysctl
    ls /sys/firmware | wc -l'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1:3" ]
  [[ "$output" != *wrote-sysctl* ]]
  [ "${lines[-1]}" = "0" ]
}

@test "COMMAND replaces process.args" {
  set_config "$BUNDLE" 'c["process"]["args"] = ["echo", "from-config"]'
  run "$PIECES_RUN" "$BUNDLE"
  [ "$output" = "from-config" ]
  run "$PIECES_RUN" "$BUNDLE" echo from-command line
  [ "$output" = "from-command line" ]
}

@test "hostname, env, cwd, user and groups come from the config" {
  mkdir -p "$BUNDLE/rootfs/work"
  set_config "$BUNDLE" '
c["hostname"] = "pieces-test"
c["process"]["env"].append("GREETING=hello there")
c["process"]["cwd"] = "/work"
c["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [100]}'
  run "$PIECES_RUN" "$BUNDLE" sh -c 'hostname; echo "$GREETING"; pwd; id -u; id -g; id -G'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "pieces-test" ]
  [ "${lines[1]}" = "hello there" ]
  [ "${lines[2]}" = "/work" ]
  [ "${lines[3]}" = "1000" ]
  [ "${lines[4]}" = "1000" ]
  [[ "${lines[5]}" == *100* ]]
}

@test "capabilities: the bounding set is exactly the config's" {
  set_config "$BUNDLE" '
caps = ["CAP_CHOWN", "CAP_KILL"]
c["process"]["capabilities"] = {k: caps for k in ("bounding", "effective", "permitted")}'
  run "$PIECES_RUN" "$BUNDLE" grep -E '^Cap(Bnd|Eff|Inh|Amb)' /proc/self/status
  [ "$status" -eq 0 ]
  # CAP_CHOWN is bit 0 and CAP_KILL bit 5: 0x21.
  [[ "$output" == *"CapBnd:	0000000000000021"* ]]
  [[ "$output" == *"CapEff:	0000000000000021"* ]]
  [[ "$output" == *"CapInh:	0000000000000000"* ]]
  [[ "$output" == *"CapAmb:	0000000000000000"* ]]
}

@test "rlimits and noNewPrivileges are applied" {
  run "$PIECES_RUN" "$BUNDLE" sh -c 'ulimit -n; grep NoNewPrivs /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1024" ]
  [[ "${lines[1]}" == *"NoNewPrivs:	1" ]]
}

@test "the exit status is the container's" {
  run "$PIECES_RUN" "$BUNDLE" sh -c 'exit 42'
  [ "$status" -eq 42 ]
  run "$PIECES_RUN" "$BUNDLE" true
  [ "$status" -eq 0 ]
}

@test "a container killed by signal N exits 128+N" {
  # Without a pid namespace the shell is not an init, so it can die of SIGTERM.
  set_config "$BUNDLE" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]'
  run "$PIECES_RUN" "$BUNDLE" sh -c 'kill -TERM $$; sleep 5'
  [ "$status" -eq 143 ]
}

@test "signals sent to pieces-run are forwarded to the container" {
  "$PIECES_RUN" "$BUNDLE" sh -c 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.1; done' \
    > "$BATS_TEST_TMPDIR/out" &
  local runtime=$!
  for _ in $(seq 100); do grep -q ready "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
  kill -TERM "$runtime"
  local status=0
  wait "$runtime" || status=$?
  [ "$status" -eq 3 ]
  grep -q got-term "$BATS_TEST_TMPDIR/out"
}

@test "stdin passes through" {
  run sh -c "echo piped-in | '$PIECES_RUN' '$BUNDLE' cat"
  [ "$output" = "piped-in" ]
}

@test "a missing program is a clear error with status 127" {
  run -127 "$PIECES_RUN" "$BUNDLE" no-such-program
  [ "$status" -eq 127 ]
  [[ "$output" == *"exec 'no-such-program': executable file not found in \$PATH"* ]]
}

@test "no fd of the runtime reaches the container" {
  run "$PIECES_RUN" "$BUNDLE" ls /proc/self/fd
  [ "$status" -eq 0 ]
  # 0, 1, 2 and the fd ls opened to read the directory.
  [ "${#lines[@]}" -le 4 ]
}

@test "nothing is left after the container exits" {
  run "$PIECES_RUN" "$BUNDLE" sh -c 'sleep 987 & sleep 987 & true'
  [ "$status" -eq 0 ]
  # The pid namespace took the background sleeps with it.
  if pgrep -f 'sleep 987'; then false; fi
}

@test "a bundle is found by name in the store" {
  mkdir -p "$BATS_TEST_TMPDIR/store/bundles"
  mv "$BUNDLE" "$BATS_TEST_TMPDIR/store/bundles/named"
  cd "$BATS_TEST_TMPDIR"
  PIECES_STORE="$BATS_TEST_TMPDIR/store" run "$PIECES_RUN" named echo by-name
  [ "$output" = "by-name" ]
  PIECES_STORE="$BATS_TEST_TMPDIR/store" run "$PIECES_RUN" missing-name true
  [ "$status" -eq 1 ]
  [[ "$output" == *"bundle 'missing-name': no such directory here, nor in the store '$BATS_TEST_TMPDIR/store/bundles'"* ]]
  run "$PIECES_RUN" '.hidden' true
  [ "$status" -eq 1 ]
  [[ "$output" == *"not a valid bundle name"* ]]
}

@test "a failing mount is reported with its index and leaves nothing" {
  set_config "$BUNDLE" 'c["mounts"].append({"destination": "/data", "type": "bind", "source": "/no/such/dir", "options": ["bind"]})'
  run "$PIECES_RUN" "$BUNDLE" true
  [ "$status" -eq 1 ]
  [[ "$output" == *"mounts[7] ('/data'): bind source '/no/such/dir': No such file or directory"* ]]
}
