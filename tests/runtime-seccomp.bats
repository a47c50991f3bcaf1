#!/usr/bin/env bats
# linux.seccomp: each action, errnoRet, allow-lists, argument filters, flags and
# architectures, checked from inside the container; both load points (with and without
# noNewPrivileges); podman's own default profile; bad profiles refused with their JSON
# path before anything is created.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
  require_root
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
  ROOT="$BATS_TEST_TMPDIR/state"
  make_bundle "$BUNDLE"
  # No core files from the containers these tests kill with SIGSYS.
  set_config "$BUNDLE" 'c["process"]["rlimits"] = [{"type": "RLIMIT_CORE", "hard": 0, "soft": 0}]'
  ID="sc-$$-$BATS_TEST_NUMBER"
}

teardown() {
  "$PIECES_RUN" --root "$ROOT" delete --force "$ID" 2>/dev/null || true
  assert_no_leaked_mounts
  ! ls -d /sys/fs/cgroup/*/pieces-* /sys/fs/cgroup/*/*/pieces-* 2>/dev/null | grep -q .
}

# seccomp PYTHON: set linux.seccomp to the value of a python expression.
seccomp() {
  set_config "$BUNDLE" "c['linux']['seccomp'] = $1"
}

# allow_all_but NAMES ACTION [EXTRA]: default SCMP_ACT_ALLOW, and one rule giving the
# comma-separated system calls NAMES the action ACTION, with EXTRA (python dict items).
allow_all_but() {
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': '$1'.split(','), 'action': '$2'${3:+, $3}}]}"
}

# What busybox needs to start a shell, echo and run another applet, as an explicit
# allow-list (strace of busybox 1.35 on x86_64, with room to spare): nothing else.
BUSYBOX_CALLS='execve arch_prctl set_tid_address set_robust_list rseq prlimit64 brk mmap
munmap mprotect getrandom readlink getuid geteuid getgid getegid getpid getppid uname
rt_sigaction rt_sigprocmask rt_sigreturn prctl ioctl fcntl dup dup2 dup3 read write writev
close open openat stat lstat fstat newfstatat statx access faccessat faccessat2 getcwd
clone clone3 fork vfork wait4 exit exit_group kill tgkill'

# allow_list DEFAULT-ERRNO [RULES]: default SCMP_ACT_ERRNO with defaultErrnoRet
# DEFAULT-ERRNO, BUSYBOX_CALLS allowed, then RULES (python list items).
allow_list() {
  local names
  names=$(echo $BUSYBOX_CALLS | sed "s/ /', '/g")
  seccomp "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': $1,
            'syscalls': [{'names': ['$names'], 'action': 'SCMP_ACT_ALLOW'}${2:+, $2}]}"
}

# refuses MESSAGE: the runtime exits 1 with "pieces-run: config.json: MESSAGE".
refuses() {
  run timeout 60 "$PIECES_RUN" "$BUNDLE" true < /dev/null
  echo "expected status 1 and: pieces-run: config.json: $1"
  [ "$status" -eq 1 ]
  [[ "$output" == *"pieces-run: config.json: $1"* ]]
}

# The OCI profile podman writes from its default (/usr/share/containers/seccomp.json)
# for an x86_64 container whose bounding set is CAPS (comma-separated): architectures
# from archMap, and each rule kept or dropped by its includes and excludes.
podman_profile() {
  python3 - "$1" <<'PY'
import json, sys
src = json.load(open("/usr/share/containers/seccomp.json"))
caps = set(sys.argv[1].split(","))
out = {"defaultAction": src["defaultAction"], "syscalls": []}
if src.get("defaultErrnoRet") is not None:
    out["defaultErrnoRet"] = src["defaultErrnoRet"]
for entry in src.get("archMap") or []:
    if entry["architecture"] == "SCMP_ARCH_X86_64":
        out["architectures"] = [entry["architecture"]] + entry["subArchitectures"]
for call in src["syscalls"]:
    inc, exc = call.get("includes") or {}, call.get("excludes") or {}
    if "amd64" in (exc.get("arches") or []) or caps & set(exc.get("caps") or []):
        continue
    if inc.get("arches") and "amd64" not in inc["arches"]:
        continue
    if not set(inc.get("caps") or []) <= caps:
        continue
    rule = {"names": call["names"], "action": call["action"]}
    for key in ("errnoRet", "args"):
        if call.get(key):
            rule[key] = call[key]
    out["syscalls"].append(rule)
print(json.dumps(out))
PY
}

# --- actions ------------------------------------------------------------------------

@test "SCMP_ACT_ERRNO with errnoRet: mkdir fails inside with that errno" {
  allow_all_but mkdir,mkdirat SCMP_ACT_ERRNO "'errnoRet': 1"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'mkdir /tmp/d; echo "status $?"; grep "^Seccomp:" /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "mkdir: can't create directory '/tmp/d': Operation not permitted" ]
  [ "${lines[1]}" = "status 1" ]
  [[ "${lines[2]}" == "Seccomp:"*2 ]]
  [ ! -e "$BUNDLE/rootfs/tmp/d" ]
}

@test "errnoRet is the errno the call returns; without it, EPERM" {
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [
    {'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO'},
    {'names': ['rmdir', 'unlinkat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 28}]}"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'mkdir /tmp/d; rmdir /tmp'
  [ "${lines[0]}" = "mkdir: can't create directory '/tmp/d': Operation not permitted" ]
  [ "${lines[1]}" = "rmdir: '/tmp': No space left on device" ]
}

@test "default SCMP_ACT_ERRNO with an allow-list: only the listed calls run" {
  allow_list 38
  run "$PIECES_RUN" "$BUNDLE" sh -c 'echo ok; mkdir /tmp/d'
  [ "${lines[0]}" = ok ]
  # Not listed: the default action, with defaultErrnoRet (ENOSYS).
  [ "${lines[1]}" = "mkdir: can't create directory '/tmp/d': Function not implemented" ]
  [ "$status" -eq 1 ]
  allow_list 1 "{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ALLOW'}"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'mkdir /tmp/d && echo made; rmdir /tmp/d'
  [ "${lines[0]}" = made ]
  [ "${lines[1]}" = "rmdir: '/tmp/d': Operation not permitted" ]
}

@test "SCMP_ACT_KILL, KILL_PROCESS, KILL_THREAD and TRAP: the container dies of SIGSYS" {
  local action
  for action in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_TRAP; do
    allow_all_but mkdir,mkdirat "$action"
    run "$PIECES_RUN" "$BUNDLE" mkdir /tmp/d
    echo "$action: $status"
    [ "$status" -eq 159 ]
    [ ! -e "$BUNDLE/rootfs/tmp/d" ]
  done
}

@test "SCMP_ACT_LOG lets the call through; SCMP_ACT_TRACE without a tracer fails it" {
  allow_all_but mkdir,mkdirat SCMP_ACT_LOG
  run "$PIECES_RUN" "$BUNDLE" mkdir /tmp/d
  [ "$status" -eq 0 ]
  [ -d "$BUNDLE/rootfs/tmp/d" ]
  allow_all_but rmdir,unlinkat SCMP_ACT_TRACE "'errnoRet': 5"
  run "$PIECES_RUN" "$BUNDLE" rmdir /tmp/d
  [ "$status" -eq 1 ]
  # With no tracer attached the kernel fails the call with ENOSYS.
  [[ "$output" == *"Function not implemented"* ]]
}

@test "defaultAction SCMP_ACT_KILL without rules kills the program at its exec" {
  seccomp "{'defaultAction': 'SCMP_ACT_KILL'}"
  run "$PIECES_RUN" "$BUNDLE" true
  [ "$status" -eq 159 ]
}

# --- arguments ----------------------------------------------------------------------

@test "args: personality allowed for one value only" {
  # linux32 calls personality(PER_LINUX32 = 8); with -R, 8 | ADDR_NO_RANDOMIZE.
  allow_list 1 "{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',
                 'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]}"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'linux32 echo allowed; linux32 -R echo denied'
  [ "${lines[0]}" = allowed ]
  [ "${lines[1]}" = "linux32: personality(0x40008): Operation not permitted" ]
  [ "${#lines[@]}" -eq 2 ]
}

@test "args: conditions on two arguments must all match" {
  # The shell is pid 1: kill(1, 0) is refused; kill(1, SIGCONT) and kill(other, 0)
  # are not.
  allow_all_but kill SCMP_ACT_ERRNO "'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'},
                                             {'index': 1, 'value': 0, 'op': 'SCMP_CMP_EQ'}]"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'kill -0 1 || echo refused; kill -CONT 1 && echo sent
                                     sleep 5 & kill -0 $! && echo other; kill $!'
  [ "$output" = "$(printf '%s\n' "sh: can't kill pid 1: Operation not permitted" refused sent other)" ]
}

@test "args: two conditions on one argument are alternatives, as in runc and crun" {
  allow_all_but personality SCMP_ACT_ERRNO "'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'},
                                                    {'index': 0, 'value': 262152, 'op': 'SCMP_CMP_EQ'}]"
  run "$PIECES_RUN" "$BUNDLE" sh -c 'linux32 true || echo one; linux32 -R true || echo two; linux64 echo other'
  [ "${lines[1]}" = one ]
  [ "${lines[3]}" = two ]
  [ "${lines[4]}" = other ]
}

@test "args: every operator, and MASKED_EQ takes the mask in value" {
  local op value two expect
  while read -r op value two expect; do
    allow_all_but personality SCMP_ACT_ERRNO "'args': [{'index': 0, 'value': $value, 'valueTwo': $two, 'op': '$op'}]"
    run "$PIECES_RUN" "$BUNDLE" sh -c 'linux32 echo passed'
    echo "$op $value $two: $output"
    if [ "$expect" = refused ]; then
      [[ "$output" == *"Operation not permitted"* ]]
    else
      [ "$output" = passed ]
    fi
  done <<'OPS'
SCMP_CMP_EQ 8 0 refused
SCMP_CMP_NE 8 0 passed
SCMP_CMP_NE 9 0 refused
SCMP_CMP_LT 9 0 refused
SCMP_CMP_LT 8 0 passed
SCMP_CMP_LE 8 0 refused
SCMP_CMP_GT 7 0 refused
SCMP_CMP_GT 8 0 passed
SCMP_CMP_GE 8 0 refused
SCMP_CMP_MASKED_EQ 12 8 refused
SCMP_CMP_MASKED_EQ 12 4 passed
OPS
}

@test "rules for one call: one without args wins over those with, the first of two without" {
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [
    {'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 1, 'value': 0, 'op': 'SCMP_CMP_NE'}]},
    {'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 28},
    {'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 13},
    {'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ALLOW'}]}"
  run "$PIECES_RUN" "$BUNDLE" mkdir /tmp/d
  [ "$status" -eq 1 ]
  [[ "$output" == *"No space left on device" ]]
}

# --- load point ---------------------------------------------------------------------

@test "noNewPrivileges true: the filter is loaded last, after no_new_privs" {
  # Denying setresuid and capset does not stop the runtime: its own calls come first.
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [
    {'names': ['mkdir', 'mkdirat', 'setresuid', 'setgroups', 'capset'], 'action': 'SCMP_ACT_ERRNO'}]}"
  set_config "$BUNDLE" 'c["process"]["user"] = {"uid": 1000, "gid": 1000}'
  run "$PIECES_RUN" "$BUNDLE" sh -c 'id -u; grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; mkdir /tmp/d'
  [ "${lines[0]}" = 1000 ]
  [[ "${lines[1]}" == "NoNewPrivs:"*1 ]]
  [[ "${lines[2]}" == "Seccomp:"*2 ]]
  [ "${lines[3]}" = "mkdir: can't create directory '/tmp/d': Operation not permitted" ]
}

@test "noNewPrivileges false: the filter is loaded before the user and capabilities change" {
  allow_all_but mkdir,mkdirat SCMP_ACT_ERRNO
  set_config "$BUNDLE" '
c["process"]["noNewPrivileges"] = False
c["process"]["user"] = {"uid": 1000, "gid": 1000}'
  # Loaded as user 1000 without CAP_SYS_ADMIN the kernel would have refused it.
  run "$PIECES_RUN" "$BUNDLE" sh -c 'id -u; grep -E "^(NoNewPrivs|Seccomp|CapEff):" /proc/self/status; mkdir /tmp/d'
  [ "${lines[0]}" = 1000 ]
  [[ "${lines[1]}" == "CapEff:"*0000000000000000 ]]
  [[ "${lines[2]}" == "NoNewPrivs:"*0 ]]
  [[ "${lines[3]}" == "Seccomp:"*2 ]]
  [ "${lines[4]}" = "mkdir: can't create directory '/tmp/d': Operation not permitted" ]
}

@test "noNewPrivileges false: the runtime's last steps run under the filter" {
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [
    {'names': ['setresuid'], 'action': 'SCMP_ACT_ERRNO'}]}"
  set_config "$BUNDLE" '
c["process"]["noNewPrivileges"] = False
c["process"]["user"] = {"uid": 1000, "gid": 1000}'
  run "$PIECES_RUN" "$BUNDLE" true
  [ "$status" -eq 1 ]
  [[ "$output" == *"pieces-run: process.user.uid: set 1000: Operation not permitted"* ]]
  # With CAP_SYS_ADMIN kept, the kernel takes the filter from the container's user, so
  # it is loaded last again.
  set_config "$BUNDLE" '
for s in ("bounding", "effective", "permitted"):
    c["process"]["capabilities"][s].append("CAP_SYS_ADMIN")'
  run "$PIECES_RUN" "$BUNDLE" sh -c 'id -u; grep "^Seccomp:" /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1000 ]
  [[ "${lines[1]}" == "Seccomp:"*2 ]]
}

@test "exec: a process joining the container gets the container's filter" {
  allow_all_but mkdir,mkdirat SCMP_ACT_ERRNO "'errnoRet': 13"
  set_config "$BUNDLE" 'c["process"]["args"] = ["sleep", "300"]'
  "$PIECES_RUN" --root "$ROOT" run -d --bundle "$BUNDLE" "$ID"
  run "$PIECES_RUN" --root "$ROOT" exec "$ID" sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/d'
  [[ "${lines[0]}" == "Seccomp:"*2 ]]
  [ "${lines[1]}" = "mkdir: can't create directory '/tmp/d': Permission denied" ]
  run "$PIECES_RUN" --root "$ROOT" exec --user 1000:1000 "$ID" mkdir /tmp/d
  [ "$status" -eq 1 ]
  [[ "$output" == *"Permission denied"* ]]
}

# --- real profiles, flags, architectures --------------------------------------------

@test "podman's default profile runs a shell and denies what it denies" {
  [ -f /usr/share/containers/seccomp.json ] || skip "podman's seccomp.json is not installed"
  local caps
  caps=$(python3 -c 'import json; print(",".join(json.load(open("'"$BUNDLE"'/config.json"))["process"]["capabilities"]["bounding"]))')
  podman_profile "$caps" > "$BATS_TEST_TMPDIR/profile.json"
  seccomp "json.load(open('$BATS_TEST_TMPDIR/profile.json'))"
  # It has several rules with arguments on one call (personality, socket).
  run "$PIECES_RUN" "$BUNDLE" sh -c 'echo ok'
  [ "$status" -eq 0 ]
  [ "$output" = ok ]
  # personality: 0, 8 and a few others allowed; 8 | ADDR_NO_RANDOMIZE is not.
  run "$PIECES_RUN" "$BUNDLE" sh -c 'linux32 echo allowed; linux32 -R echo denied'
  [ "${lines[0]}" = allowed ]
  [ "${lines[1]}" = "linux32: personality(0x40008): Function not implemented" ]
  # Without noNewPrivileges too: the profile allows the runtime's last steps.
  set_config "$BUNDLE" '
c["process"]["noNewPrivileges"] = False
c["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [100]}'
  run "$PIECES_RUN" "$BUNDLE" sh -c 'id; grep "^Seccomp:" /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "uid=1000(tester) gid=1000(tester) groups=100(users)" ]
  [[ "${lines[1]}" == "Seccomp:"*2 ]]
}

@test "flags TSYNC, LOG and SPEC_ALLOW and every x86 architecture are accepted" {
  allow_all_but mkdir,mkdirat SCMP_ACT_ERRNO
  set_config "$BUNDLE" '
c["linux"]["seccomp"]["flags"] = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                  "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]
c["linux"]["seccomp"]["architectures"] = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]'
  run "$PIECES_RUN" "$BUNDLE" mkdir /tmp/d
  [ "$status" -eq 1 ]
  [[ "$output" == *"Operation not permitted"* ]]
}

@test "a system call libseccomp does not know is skipped, with a debug line" {
  allow_all_but no_such_syscall,mkdir,mkdirat SCMP_ACT_ERRNO
  run "$PIECES_RUN" --debug "$BUNDLE" mkdir /tmp/d
  [ "$status" -eq 1 ]
  [[ "$output" == *"debug: linux.seccomp.syscalls[0].names[0]: 'no_such_syscall' is not a system call libseccomp "*" knows, skipped"* ]]
  [[ "$output" == *"Operation not permitted"* ]]
  run "$PIECES_RUN" "$BUNDLE" true
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

# --- refused ------------------------------------------------------------------------

@test "bad seccomp values are refused with their JSON path" {
  local message expr
  while IFS='|' read -r message expr; do
    seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO'}]}"
    set_config "$BUNDLE" "s = c['linux']['seccomp']; r = s['syscalls'][0]; $expr"
    refuses "$message"
  done <<'CASES'
linux.seccomp: must be an object|c['linux']['seccomp'] = []
linux.seccomp.defaultAction: required|del s['defaultAction']
linux.seccomp.defaultAction: unknown action 'SCMP_ACT_FOO'|s['defaultAction'] = 'SCMP_ACT_FOO'
linux.seccomp.defaultAction: must be a string|s['defaultAction'] = 1
linux.seccomp.defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not SCMP_ACT_ALLOW|s['defaultErrnoRet'] = 1
linux.seccomp.defaultErrnoRet: 4096 is out of range (0 to 4095)|s['defaultAction'] = 'SCMP_ACT_ERRNO'; s['defaultErrnoRet'] = 4096
linux.seccomp.architectures[1]: unknown architecture 'SCMP_ARCH_Z80' (libseccomp |s['architectures'] = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_Z80']
linux.seccomp.architectures[0]: must be a string|s['architectures'] = [64]
linux.seccomp.flags[0]: unknown flag 'SECCOMP_FILTER_FLAG_FOO'|s['flags'] = ['SECCOMP_FILTER_FLAG_FOO']
linux.seccomp.flags[0]: 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV' is not supported by pieces-run yet: it applies to SCMP_ACT_NOTIFY only|s['flags'] = ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']
linux.seccomp.syscalls: must be an array|s['syscalls'] = {}
linux.seccomp.syscalls[0]: must be an object|s['syscalls'] = ['mkdir']
linux.seccomp.syscalls[0].names: required|del r['names']
linux.seccomp.syscalls[0].names: must hold at least one system call|r['names'] = []
linux.seccomp.syscalls[0].names[1]: must not be empty|r['names'] = ['mkdir', '']
linux.seccomp.syscalls[0].action: required|del r['action']
linux.seccomp.syscalls[0].action: unknown action 'ERRNO'|r['action'] = 'ERRNO'
linux.seccomp.syscalls[0].action: 'SCMP_ACT_NOTIFY' is not supported by pieces-run yet|r['action'] = 'SCMP_ACT_NOTIFY'
linux.seccomp.defaultAction: 'SCMP_ACT_NOTIFY' is not supported by pieces-run yet|s['defaultAction'] = 'SCMP_ACT_NOTIFY'
linux.seccomp.syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not SCMP_ACT_KILL|r['action'] = 'SCMP_ACT_KILL'; r['errnoRet'] = 1
linux.seccomp.syscalls[0].errnoRet: -1 is out of range (0 to 4095)|r['errnoRet'] = -1
linux.seccomp.syscalls[0].errnoRet: 65536 is out of range (0 to 65535)|r['action'] = 'SCMP_ACT_TRACE'; r['errnoRet'] = 65536
linux.seccomp.syscalls[0].errnoRet: 1.5 is not an integer|r['errnoRet'] = 1.5
linux.seccomp.syscalls[0].args: must be an array|r['args'] = {}
linux.seccomp.syscalls[0].args[0]: must be an object|r['args'] = [0]
linux.seccomp.syscalls[0].args[0].index: required|r['args'] = [{'value': 1, 'op': 'SCMP_CMP_EQ'}]
linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0 to 5)|r['args'] = [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]
linux.seccomp.syscalls[0].args[1].value: required|r['args'] = [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}, {'index': 1, 'op': 'SCMP_CMP_EQ'}]
linux.seccomp.syscalls[0].args[0].value: larger than 9007199254740991 (2^53 - 1), the largest value pieces-run reads exactly|r['args'] = [{'index': 0, 'value': 18446744073709551615, 'op': 'SCMP_CMP_EQ'}]
linux.seccomp.syscalls[0].args[0].value: larger than 9007199254740991 (2^53 - 1), the largest value pieces-run reads exactly|r['args'] = [{'index': 0, 'value': 9007199254740993, 'op': 'SCMP_CMP_EQ'}]
linux.seccomp.syscalls[0].args[0].valueTwo: -1 is out of range (0 to 9007199254740991)|r['args'] = [{'index': 0, 'value': 1, 'valueTwo': -1, 'op': 'SCMP_CMP_MASKED_EQ'}]
linux.seccomp.syscalls[0].args[0].op: required|r['args'] = [{'index': 0, 'value': 1}]
linux.seccomp.syscalls[0].args[0].op: unknown operator 'SCMP_CMP_FOO'|r['args'] = [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_FOO'}]
linux.seccomp.syscalls[1].names[0]: an earlier rule gives 'mkdir' another action for the same arguments|r['args'] = [{'index': 1, 'value': 0, 'op': 'SCMP_CMP_EQ'}]; s['syscalls'].append(dict(r, action='SCMP_ACT_KILL'))
CASES
}

@test "profiles past the limits, and architectures of the other byte order, are refused" {
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW',
            'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO'}] * 4097}"
  refuses "linux.seccomp.syscalls[4096]: more than 4096 system call names in linux.seccomp.syscalls"
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW',
            'syscalls': [{'names': ['personality'], 'action': 'SCMP_ACT_ERRNO',
                          'args': [{'index': 0, 'value': i, 'op': 'SCMP_CMP_EQ'}]}
                         for i in range(257)]}"
  refuses "linux.seccomp.syscalls[256]: more than 256 argument comparisons in linux.seccomp.syscalls (each counted once per name)"
  # 256 are fine.
  set_config "$BUNDLE" 'del c["linux"]["seccomp"]["syscalls"][256]'
  run "$PIECES_RUN" "$BUNDLE" true
  [ "$status" -eq 0 ]
  [ "$(uname -m)" = x86_64 ] || skip "the byte-order case is written for x86_64"
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_S390X']}"
  refuses "linux.seccomp.architectures[1]: its byte order is not this machine's, and one filter cannot hold both"
}

@test "seccomp notify: listenerPath and listenerMetadata are refused clearly" {
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/run/agent.sock'}"
  refuses "linux.seccomp.listenerPath: not supported by pieces-run yet"
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerMetadata': 'x'}"
  refuses "linux.seccomp.listenerMetadata: not supported by pieces-run yet"
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': 7}"
  refuses "linux.seccomp.listenerPath: must be a string"
  # Empty means not set.
  seccomp "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '', 'listenerMetadata': ''}"
  run "$PIECES_RUN" "$BUNDLE" true
  [ "$status" -eq 0 ]
}

@test "a refused profile leaves nothing behind: create makes no container" {
  seccomp "{'defaultAction': 'SCMP_ACT_NOTIFY'}"
  run "$PIECES_RUN" --root "$ROOT" create --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"linux.seccomp.defaultAction: 'SCMP_ACT_NOTIFY' is not supported by pieces-run yet"* ]]
  [ ! -e "$ROOT/$ID" ]
}
