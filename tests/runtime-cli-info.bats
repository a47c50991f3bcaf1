#!/usr/bin/env bats
# The informational commands of pieces-run: spec, features, list and ps.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
  require_root
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
  ROOT="$BATS_TEST_TMPDIR/state"
  CONTAINERS=()
  USER_DIR=
}

teardown() {
  local id
  for id in "${CONTAINERS[@]}"; do
    "$PIECES_RUN" --root "$ROOT" delete -f "$id" || true
  done
  [ -z "$USER_DIR" ] || rm -rf "$USER_DIR"
}

# check_json FILE PYTHON: run PYTHON with the JSON document in FILE as `d`; any failed
# assert fails the test with its message.
check_json() {
  python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
exec(sys.argv[2])
PY
}

# json_value FILE EXPR: print the python expression EXPR on the JSON document in FILE,
# which it sees as `d`.
json_value() {
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
    "$1" "$2"
}

# start_detached ID ARGS-JSON: run a container from the example bundle in the
# background with process.args ARGS-JSON, as `run -d` does.
start_detached() {
  local id="$1" args="$2"
  make_bundle "$BUNDLE"
  set_config "$BUNDLE" "c['process']['args'] = $args"
  CONTAINERS+=("$id")
  # The container inherits these fds: a pipe would keep `run` waiting for its end.
  "$PIECES_RUN" --root "$ROOT" run -d --bundle "$BUNDLE" "$id" \
    < /dev/null > "$BATS_TEST_TMPDIR/run.out" 2>&1 || {
    cat "$BATS_TEST_TMPDIR/run.out"
    return 1
  }
}

# save_features FILE: the features document, saved to FILE.
save_features() {
  "$PIECES_RUN" features > "$1"
}

@test "spec writes runc's default config, which runs once terminal is false" {
  make_rootfs "$BUNDLE/rootfs"
  (cd "$BUNDLE" && "$PIECES_RUN" spec)
  check_json "$BUNDLE/config.json" '
assert d["process"]["terminal"] is True
assert d["process"]["args"] == ["sh"]
assert d["root"] == {"path": "rootfs", "readonly": True}'
  set_config "$BUNDLE" 'c["process"]["terminal"] = False'
  run "$PIECES_RUN" "$BUNDLE" sh -c '
    echo running; hostname; ulimit -n
    grep -E "^Cap(Eff|Bnd|Inh|Amb)" /proc/self/status
    grep NoNewPrivs /proc/self/status
    touch /file-in-root 2>/dev/null || echo root-readonly'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = running ]
  [ "${lines[1]}" = pieces ]
  [ "${lines[2]}" = 1024 ]
  # AUDIT_WRITE (29), KILL (5) and NET_BIND_SERVICE (10), no inheritable or ambient.
  [[ "$output" == *"CapEff:"*"0000000020000420"* ]]
  [[ "$output" == *"CapBnd:"*"0000000020000420"* ]]
  [[ "$output" == *"CapInh:"*"0000000000000000"* ]]
  [[ "$output" == *"CapAmb:"*"0000000000000000"* ]]
  [[ "$output" == *"NoNewPrivs:"*1* ]]
  [[ "$output" == *root-readonly* ]]
}

@test "spec: namespaces, mounts, masked paths, capabilities and limits as runc spec has them" {
  mkdir -p "$BUNDLE"
  "$PIECES_RUN" spec --bundle "$BUNDLE"
  check_json "$BUNDLE/config.json" '
assert d["ociVersion"].startswith("1.")
p = d["process"]
assert p["cwd"] == "/" and p["user"] == {"uid": 0, "gid": 0}
assert any(e.startswith("PATH=") for e in p["env"])
caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
for s in ("bounding", "effective", "permitted"):
    assert sorted(p["capabilities"][s]) == caps, s
# Ambient without inheritable cannot be raised; neither is written.
assert "ambient" not in p["capabilities"] and "inheritable" not in p["capabilities"]
assert p["rlimits"] == [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]
assert p["noNewPrivileges"] is True
l = d["linux"]
assert [n["type"] for n in l["namespaces"]] == ["pid", "network", "ipc", "uts", "mount", "cgroup"]
assert l["resources"]["devices"] == [{"allow": False, "access": "rwm"}]
for path in ("/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware", "/proc/scsi"):
    assert path in l["maskedPaths"], path
assert l["readonlyPaths"] == ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"]
assert "uidMappings" not in l
m = {x["destination"]: x for x in d["mounts"]}
assert list(m) == ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
                   "/sys/fs/cgroup"]
assert m["/sys"]["type"] == "sysfs" and "ro" in m["/sys"]["options"]
assert "gid=5" in m["/dev/pts"]["options"]
assert m["/sys/fs/cgroup"]["type"] == "cgroup" and "ro" in m["/sys/fs/cgroup"]["options"]'
}

@test "spec refuses to replace an existing config.json, even a dangling symlink" {
  mkdir -p "$BUNDLE"
  echo '{"mine": true}' > "$BUNDLE/config.json"
  run "$PIECES_RUN" spec -b "$BUNDLE"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$BUNDLE/config.json"*"exists already"*"remove it first"* ]]
  [ "$(cat "$BUNDLE/config.json")" = '{"mine": true}' ]

  rm "$BUNDLE/config.json"
  ln -s "$BATS_TEST_TMPDIR/elsewhere" "$BUNDLE/config.json"
  run "$PIECES_RUN" spec -b "$BUNDLE"
  [ "$status" -eq 1 ]
  [ ! -e "$BATS_TEST_TMPDIR/elsewhere" ]
  # Nothing but the symlink: no temporary file left behind.
  [ "$(ls -A "$BUNDLE")" = config.json ]
}

@test "spec leaves only config.json and fails clearly on a missing directory" {
  mkdir -p "$BUNDLE"
  "$PIECES_RUN" spec --bundle="$BUNDLE"
  [ "$(ls -A "$BUNDLE")" = config.json ]
  python3 -m json.tool "$BUNDLE/config.json" > /dev/null

  run "$PIECES_RUN" spec --bundle "$BATS_TEST_TMPDIR/missing"
  [ "$status" -eq 1 ]
  [[ "$output" == *"'$BATS_TEST_TMPDIR/missing'"*"No such file or directory"* ]]
  run "$PIECES_RUN" spec stray-argument
  [ "$status" -eq 1 ]
  [[ "$output" == *"unexpected argument 'stray-argument'"* ]]
}

@test "spec --rootless maps root to the caller and drops what needs privileges" {
  # A directory user 1000 can reach: the test's own temporary directory is private.
  USER_DIR=$(mktemp -d /tmp/pieces-rootless-spec.XXXXXX)
  chmod 755 "$USER_DIR"
  chown 1000:1000 "$USER_DIR"
  setpriv --reuid=1000 --regid=1000 --clear-groups "$PIECES_RUN" spec --rootless -b "$USER_DIR"
  [ "$(stat -c %u "$USER_DIR/config.json")" -eq 1000 ]
  check_json "$USER_DIR/config.json" '
l = d["linux"]
types = [n["type"] for n in l["namespaces"]]
assert "user" in types and "network" not in types, types
assert sorted(types) == ["cgroup", "ipc", "mount", "pid", "user", "uts"], types
assert l["uidMappings"] == [{"containerID": 0, "hostID": 1000, "size": 1}]
assert l["gidMappings"] == [{"containerID": 0, "hostID": 1000, "size": 1}]
assert "resources" not in l
m = {x["destination"]: x for x in d["mounts"]}
assert "/sys/fs/cgroup" not in m
assert m["/sys"]["source"] == "/sys"
assert {"rbind", "ro", "nosuid", "noexec", "nodev"} <= set(m["/sys"]["options"])
for x in d["mounts"]:
    assert not any(o.startswith(("uid=", "gid=")) for o in x.get("options", [])), x
assert d["process"]["terminal"] is True'
}

@test "spec --rootless, made by root, runs under pieces-run" {
  make_rootfs "$BUNDLE/rootfs"
  "$PIECES_RUN" spec --rootless -b "$BUNDLE"
  set_config "$BUNDLE" 'c["process"]["terminal"] = False'
  run "$PIECES_RUN" "$BUNDLE" sh -c 'cat /proc/self/uid_map; test -d /sys/kernel && echo has-sys'
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^\ *0\ +0\ +1$ ]]
  [ "${lines[1]}" = has-sys ]
}

@test "--help and -h of spec, features, list and ps print their usage" {
  local cmd flag
  for cmd in spec features list ps; do
    for flag in --help -h; do
      run "$PIECES_RUN" "$cmd" "$flag"
      [ "$status" -eq 0 ]
      [[ "${lines[0]}" == "usage: pieces-run $cmd"* ]]
    done
  done
  run "$PIECES_RUN" list --help
  [[ "$output" == *"-f, --format FORMAT"* && "$output" == *"-q, --quiet"* ]]
  run "$PIECES_RUN" spec --help
  [[ "$output" == *"-b, --bundle DIR"* && "$output" == *--rootless* ]]
}

@test "features prints the runtime-spec's features document" {
  save_features "$BATS_TEST_TMPDIR/features.json"
  check_json "$BATS_TEST_TMPDIR/features.json" '
assert d["ociVersionMin"] == "1.0.0"
assert d["ociVersionMax"].startswith("1.")
assert d["hooks"] == ["prestart", "createRuntime", "createContainer", "startContainer",
                      "poststart", "poststop"]
assert "ro" in d["mountOptions"] and "rbind" in d["mountOptions"]
for refused in ("idmap", "ridmap", "tmpcopyup", "rro", "mode=755"):
    assert refused not in d["mountOptions"], refused
l = d["linux"]
assert sorted(l["namespaces"]) == ["cgroup", "ipc", "mount", "network", "pid", "user", "uts"]
assert "CAP_SYS_ADMIN" in l["capabilities"] and "CAP_CHOWN" in l["capabilities"]
assert l["cgroup"] == {"v1": True, "v2": True, "systemd": False, "systemdUser": False,
                       "rdma": False}
assert l["seccomp"]["enabled"] is True and "SCMP_ACT_ERRNO" in l["seccomp"]["actions"], l["seccomp"]
assert l["apparmor"] == {"enabled": False} and l["selinux"] == {"enabled": False}
assert l["intelRdt"] == {"enabled": False}
assert l["mountExtensions"] == {"idmap": {"enabled": False}}
assert d["annotations"]["org.pieces.version"]'
  # Indented, as runc prints it.
  [ "$(sed -n 2p "$BATS_TEST_TMPDIR/features.json")" = '  "ociVersionMin": "1.0.0",' ]
  run "$PIECES_RUN" features extra
  [ "$status" -eq 1 ]
}

@test "features lists every capability of the running kernel, and config.json takes them all" {
  save_features "$BATS_TEST_TMPDIR/features.json"
  local count
  count=$(json_value "$BATS_TEST_TMPDIR/features.json" 'len(d["linux"]["capabilities"])')
  [ "$count" -eq $(($(cat /proc/sys/kernel/cap_last_cap) + 1)) ]

  # All of them are known to the config reader; granting one this test itself lacks
  # (a machine may withhold CAP_SYS_MODULE) fails only when it is applied.
  make_bundle "$BUNDLE"
  set_config "$BUNDLE" "
import json
caps = json.load(open('$BATS_TEST_TMPDIR/features.json'))['linux']['capabilities']
c['process']['capabilities'] = {'bounding': caps, 'effective': caps, 'permitted': caps}"
  run "$PIECES_RUN" "$BUNDLE" true
  [[ "$output" != *"unknown capability"* && "$output" != *"not supported"* ]]

  # Those the test has are granted.
  set_config "$BUNDLE" "
import json
caps = json.load(open('$BATS_TEST_TMPDIR/features.json'))['linux']['capabilities']
mine = int([l for l in open('/proc/self/status') if l.startswith('CapBnd:')][0].split()[1], 16)
caps = [n for i, n in enumerate(caps) if mine & (1 << i)]
assert len(caps) >= 38, caps
c['process']['capabilities'] = {'bounding': caps, 'effective': caps, 'permitted': caps}"
  run "$PIECES_RUN" "$BUNDLE" true
  [ "$status" -eq 0 ]
}

@test "every mount option features lists is accepted in config.json, and others are refused" {
  save_features "$BATS_TEST_TMPDIR/features.json"
  make_bundle "$BUNDLE"
  mkdir "$BATS_TEST_TMPDIR/bind-source"
  set_config "$BUNDLE" "
import json
options = json.load(open('$BATS_TEST_TMPDIR/features.json'))['mountOptions']
assert len(options) > 20
for i, o in enumerate(options):
    if o in ('bind', 'rbind'):
        m = {'source': '$BATS_TEST_TMPDIR/bind-source'}
    else:
        m = {'type': 'tmpfs', 'source': 'tmpfs'}
    m.update(destination='/mnt/%d' % i, options=[o])
    c['mounts'].append(m)"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'grep -c " /mnt/" /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  local listed
  listed=$(json_value "$BATS_TEST_TMPDIR/features.json" 'len(d["mountOptions"])')
  [ "$output" -eq "$listed" ]

  local option
  for option in idmap rro tmpcopyup; do
    make_bundle "$BATS_TEST_TMPDIR/refused-$option"
    set_config "$BATS_TEST_TMPDIR/refused-$option" \
      "c['mounts'].append({'destination': '/mnt', 'type': 'tmpfs', 'source': 'tmpfs',
                           'options': ['$option']})"
    run "$PIECES_RUN" "$BATS_TEST_TMPDIR/refused-$option" true
    [ "$status" -eq 1 ]
    [[ "$output" == *"'$option' is not supported"* ]]
  done
}

@test "every namespace features lists is accepted in config.json" {
  save_features "$BATS_TEST_TMPDIR/features.json"
  make_rootfs "$BUNDLE/rootfs"
  "$PIECES_RUN" spec --rootless -b "$BUNDLE"
  set_config "$BUNDLE" "
import json
c['process']['terminal'] = False
names = json.load(open('$BATS_TEST_TMPDIR/features.json'))['linux']['namespaces']
c['linux']['namespaces'] = [{'type': n} for n in names]"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'echo ok'
  [ "$status" -eq 0 ]
  [ "$output" = ok ]
}

@test "every hook features lists is accepted in config.json and run" {
  save_features "$BATS_TEST_TMPDIR/features.json"
  make_bundle "$BUNDLE"
  set_config "$BUNDLE" "
import json
hooks = json.load(open('$BATS_TEST_TMPDIR/features.json'))['hooks']
c['hooks'] = {h: [{'path': '/bin/true'}] for h in hooks}"
  run "$PIECES_RUN" "$BUNDLE" echo ran
  [ "$status" -eq 0 ]
  [ "$output" = ran ]
}

@test "list with a missing or empty state directory prints only the header" {
  run "$PIECES_RUN" --root "$ROOT" list
  [ "$status" -eq 0 ]
  [ "$output" = "ID          PID         STATUS      BUNDLE      CREATED     OWNER" ]
  run "$PIECES_RUN" --root "$ROOT" list -q
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run "$PIECES_RUN" --root "$ROOT" list --format json
  [ "$status" -eq 0 ]
  [ "$output" = "[]" ]
  [ ! -e "$ROOT" ]

  mkdir -p "$ROOT/being-created" "$ROOT/.hidden"
  touch "$ROOT/a-file"
  run "$PIECES_RUN" --root "$ROOT" list
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  run "$PIECES_RUN" --root "$ROOT" list -q
  [ -z "$output" ]
}

@test "list refuses an unknown format" {
  run "$PIECES_RUN" --root "$ROOT" list --format yaml
  [ "$status" -eq 1 ]
  [[ "$output" == *"--format must be table or json, not 'yaml'"* ]]
}

@test "ps of a container that does not exist says so" {
  run "$PIECES_RUN" --root "$ROOT" ps nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *"container 'nosuch' does not exist"* ]]
  mkdir -p "$ROOT"
  run "$PIECES_RUN" --root "$ROOT" ps --format json nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *"container 'nosuch' does not exist"* ]]
  run "$PIECES_RUN" --root "$ROOT" ps
  [ "$status" -eq 1 ]
  [[ "$output" == *"container ID is required"* ]]
}

@test "list shows a running container in the table, with -q and as JSON" {
  start_detached listed '["sleep", "1000"]'
  run "$PIECES_RUN" --root "$ROOT" list
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
  local created='[0-9]{4}-[0-9]{2}-[0-9]{2}T[^ ]+'
  [[ "${lines[1]}" =~ ^listed\ +[1-9][0-9]*\ +running\ +$BUNDLE\ +$created\ +root$ ]]

  run "$PIECES_RUN" --root "$ROOT" list -q
  [ "$status" -eq 0 ]
  [ "$output" = listed ]

  "$PIECES_RUN" --root "$ROOT" list --format json > "$BATS_TEST_TMPDIR/list.json"
  "$PIECES_RUN" --root "$ROOT" state listed > "$BATS_TEST_TMPDIR/state.json"
  check_json "$BATS_TEST_TMPDIR/list.json" "
import json
state = json.load(open('$BATS_TEST_TMPDIR/state.json'))
assert len(d) == 1, d
c = d[0]
assert c['id'] == 'listed' and c['status'] == 'running'
assert c['pid'] == state['pid'] and c['pid'] > 0
assert c['bundle'] == '$BUNDLE'
assert c['ociVersion'].startswith('1.')
assert c['created'][:2] == '20' and c['owner'] == 'root'"
}

@test "list shows a stopped container with pid 0" {
  start_detached stops '["true"]'
  local i
  for i in $(seq 50); do
    "$PIECES_RUN" --root "$ROOT" list | grep -q ' stopped ' && break
    sleep 0.1
  done
  run "$PIECES_RUN" --root "$ROOT" list
  [[ "${lines[1]}" =~ ^stops\ +0\ +stopped\ + ]]
}

@test "ps lists the container's processes: JSON pids, a table, and ps(1) rows" {
  # sh stays the parent of sleep; its command line carries an escape sequence.
  start_detached watched '["sh", "-c", "sleep 1000; echo \u001b[31mred"]'
  local pid
  "$PIECES_RUN" --root "$ROOT" state watched > "$BATS_TEST_TMPDIR/state.json"
  pid=$(json_value "$BATS_TEST_TMPDIR/state.json" 'd["pid"]')
  # sleep may not be forked yet.
  local i pids
  for i in $(seq 50); do
    pids=$("$PIECES_RUN" --root "$ROOT" ps --format json watched)
    [[ "$pids" == *,* ]] && break
    sleep 0.1
  done

  run "$PIECES_RUN" --root "$ROOT" ps --format json watched
  [ "$status" -eq 0 ]
  python3 -c '
import json, sys
pids = json.loads(sys.argv[1])
assert len(pids) == 2 and int(sys.argv[2]) in pids, pids
for p in pids:
    assert open("/proc/%d/cmdline" % p).read().split("\0")[0] in ("sh", "sleep"), p' \
    "$output" "$pid"

  run "$PIECES_RUN" --root "$ROOT" ps watched
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^\ +PID\ CMD$ ]]
  [ "${#lines[@]}" -eq 3 ]
  [[ "$output" == *" $pid sh -c sleep 1000; echo ?[31mred"* ]]
  [[ "$output" == *" sleep 1000"* ]]

  run "$PIECES_RUN" --root "$ROOT" ps watched -o pid,args
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 3 ]
  [[ "${lines[0]}" =~ ^\ *PID\ COMMAND$ ]]
  [[ "$output" == *"sleep 1000"* ]]

  run "$PIECES_RUN" --root "$ROOT" ps watched -o comm
  [ "$status" -eq 1 ]
  [[ "$output" == *"no PID column"* ]]
}

@test "ps of a deleted container says it does not exist" {
  start_detached gone '["sleep", "1000"]'
  "$PIECES_RUN" --root "$ROOT" delete -f gone
  run "$PIECES_RUN" --root "$ROOT" ps gone
  [ "$status" -eq 1 ]
  [[ "$output" == *"container 'gone' does not exist"* ]]
  run "$PIECES_RUN" --root "$ROOT" list -q
  [ -z "$output" ]
}
