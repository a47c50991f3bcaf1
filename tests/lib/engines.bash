# Helpers for driving the runtime under test with real engines from Debian: podman
# (through conmon), buildah, and containerd (through its runc shim). Load after
# lib/common. A bats file calls engines_setup_file from setup_file and
# engines_teardown_file from teardown_file, and the helpers of the engine it tests.
#
# RUNTIME is the runtime the engines are told to use: the repository's build/pieces-run
# by default, or any runc-compatible binary (RUNTIME=/usr/sbin/runc). The engines get
# a wrapper with the same file name, which logs every call and then execs RUNTIME, so a
# test can show that the engine really called it. The name matters: conmon passes
# --log-format=json --log only to runtimes named in containers.conf's
# runtime_supports_json, which the private containers.conf extends with pieces-run.
#
# Everything the engines keep goes under the file's own temporary directory:
# nothing is written to /var/lib/containers, /run/containers, /var/lib/containerd or
# /run/containerd, and engines_teardown_file fails if one of them appeared. The
# runtime keeps its state where the engine tells it: podman and buildah give no
# --root, so its default (/run/pieces, /run/runc); containerd's shim gives its own.

RUNTIME="${RUNTIME:-$TOP/build/pieces-run}"
# ENGINES_SECCOMP=unconfined: podman and buildah put no seccomp profile in config.json.
# Only to try the other flows with a runtime that cannot load profiles yet; the
# engines' usual flow has one.
ENGINES_SECCOMP="${ENGINES_SECCOMP:-}"
# The one image every test runs: make_rootfs's busybox tree as a single layer.
ENGINES_IMAGE="localhost/pieces-busybox:latest"
# The containerd namespace, which is also the parent of its containers' cgroups.
CONTAINERD_NAMESPACE=enginetests
export CONTAINERD_NAMESPACE
# cgroups the engines make below the hierarchies' roots and never remove.
ENGINES_CGROUP_PARENTS="libpod_parent $CONTAINERD_NAMESPACE"
ENGINES_DEFAULT_STATE="/var/lib/containers /run/containers /var/lib/containerd /run/containerd"

# engines_setup_file: the per-file directory ENGINES_DIR with the runtime wrapper
# (WRAPPER, logging to RUNTIME_LOG), a working directory for the engines (conmon
# writes into its current directory) and TMPDIR. Notes which default directories and
# cgroups already exist, for engines_teardown_file.
engines_setup_file() {
  require_root
  case "$RUNTIME" in
    */*) RUNTIME="$(realpath -- "$RUNTIME")" ;;
    *)
      RUNTIME="$(command -v -- "$RUNTIME")" || {
        echo "RUNTIME: no such command" >&2
        return 1
      }
      ;;
  esac
  if [ ! -x "$RUNTIME" ]; then
    echo "RUNTIME=$RUNTIME is not an executable file (run make first?)" >&2
    return 1
  fi
  ENGINES_DIR="$BATS_FILE_TMPDIR/engines"
  mkdir -p "$ENGINES_DIR"/{bin,cwd,tmp}
  export RUNTIME ENGINES_DIR TMPDIR="$ENGINES_DIR/tmp"
  existing_host_state > "$ENGINES_DIR/host-state-before"
  make_runtime_wrapper
}

# require_commands COMMAND...: fail, saying how to get them, unless every COMMAND is
# installed.
require_commands() {
  local command missing=
  for command in "$@"; do
    command -v "$command" > /dev/null || missing="$missing $command"
  done
  if [ -n "$missing" ]; then
    echo "not installed:$missing (scripts/install-deps.sh installs them)" >&2
    return 1
  fi
}

# engines_teardown_file: unmount what the engines left mounted under ENGINES_DIR (the
# overlay driver bind-mounts its own directory), remove the cgroup parents the engines
# made, and fail if a default state directory appeared.
engines_teardown_file() {
  [ -n "${ENGINES_DIR:-}" ] && [ -d "$ENGINES_DIR" ] || return 0
  local name dir appeared=
  unmount_under "$ENGINES_DIR"
  for name in $ENGINES_CGROUP_PARENTS; do
    for dir in /sys/fs/cgroup/"$name" /sys/fs/cgroup/*/"$name"; do
      if [ -d "$dir" ] && ! grep -qxF "$dir" "$ENGINES_DIR/host-state-before"; then
        find "$dir" -depth -type d -exec rmdir {} + 2> /dev/null || true
      fi
    done
  done
  for dir in $ENGINES_DEFAULT_STATE; do
    if [ -e "$dir" ] && ! grep -qxF "$dir" "$ENGINES_DIR/host-state-before"; then
      appeared="$appeared $dir"
    fi
  done
  rm -rf "$ENGINES_DIR"
  if [ -n "$appeared" ]; then
    echo "an engine created its default state directory:$appeared" >&2
    return 1
  fi
}

# existing_host_state: those of the default state directories and engine cgroup
# parents that exist now, one a line.
existing_host_state() {
  local name dir
  for dir in $ENGINES_DEFAULT_STATE; do
    [ -e "$dir" ] && echo "$dir"
  done
  for name in $ENGINES_CGROUP_PARENTS; do
    for dir in /sys/fs/cgroup/"$name" /sys/fs/cgroup/*/"$name"; do
      [ -d "$dir" ] && echo "$dir"
    done
  done
  return 0
}

# unmount_under DIR: lazily unmount every mount at or below DIR, deepest first.
unmount_under() {
  local target
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r target; do
    umount -l "$target" 2> /dev/null || true
  done
}

# leftover_cgroups GLOB: the cgroup directories matching GLOB below the root of any
# hierarchy (v1 controllers, the v2 tree, or the unified tree of a hybrid host).
leftover_cgroups() {
  local dir
  # shellcheck disable=SC2231 # $1 is a glob
  for dir in /sys/fs/cgroup/$1 /sys/fs/cgroup/*/$1; do
    [ -d "$dir" ] && echo "$dir"
  done
  return 0
}

# engines_mount_list: the mounts in the host's mount namespace below ENGINES_DIR,
# where the engines keep root filesystems, bundles and shm; but not the bind mount
# the overlay storage driver puts on its own directory, which comes and goes with
# the podman processes that use the storage.
engines_mount_list() {
  awk -v d="$ENGINES_DIR" -v driver="$ENGINES_DIR/containers/graph/overlay" '
    index($5, d "/") == 1 && $5 != driver { print $5 }' /proc/self/mountinfo
}

# mark_leftovers: note what check_no_leftovers compares with. Call it from setup.
mark_leftovers() {
  ENGINES_MOUNTS_BEFORE=$(engines_mount_list | wc -l)
}

# check_no_leftovers: after the engine removed the test's containers, none left a
# mount under ENGINES_DIR or a cgroup (found by the ids the runtime was asked to
# create, wherever the runtime or the engine put them). Call it from teardown.
check_no_leftovers() {
  local id cgroups=
  for id in $(created_ids); do
    cgroups="$cgroups$(leftover_cgroups "*$id*")$(leftover_cgroups "*/*$id*")"
  done
  if [ -n "$cgroups" ]; then
    echo "cgroups left behind: $cgroups" >&2
    return 1
  fi
  if [ "$(engines_mount_list | wc -l)" -ne "${ENGINES_MOUNTS_BEFORE:-0}" ]; then
    echo "mounts left behind under $ENGINES_DIR:" >&2
    engines_mount_list >&2
    return 1
  fi
}

# wait_gone PID: wait up to 10 s for PID to exit; reap it when it is our child.
wait_gone() {
  local pid="$1" i
  for i in $(seq 100); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  wait "$pid" 2> /dev/null || true
  ! kill -0 "$pid" 2> /dev/null
}

# --- the runtime wrapper and its log ------------------------------------------------

# make_runtime_wrapper: ENGINES_DIR/bin/NAME, NAME being RUNTIME's file name. Each call
# appends one line to RUNTIME_LOG: the caller's executable name, then the arguments,
# shell-quoted. Then it execs RUNTIME with the same arguments, pid and descriptors.
make_runtime_wrapper() {
  WRAPPER="$ENGINES_DIR/bin/$(basename "$RUNTIME")"
  RUNTIME_LOG="$ENGINES_DIR/runtime-calls.log"
  export WRAPPER RUNTIME_LOG
  cat > "$WRAPPER" <<WRAP
#!/bin/bash
# Made by tests/lib/engines.bash: log this call, then become the runtime under test.
caller=\$(readlink /proc/\$PPID/exe 2> /dev/null) || caller=unknown
printf -v args ' %q' "\$@"
printf '%s%s\n' "\${caller##*/}" "\$args" >> '$RUNTIME_LOG'
exec '$RUNTIME' "\$@"
WRAP
  chmod 0755 "$WRAPPER"
  : > "$RUNTIME_LOG"
}

# mark_runtime_log: from here on, runtime_called and runtime_calls look only at later
# calls (the current test's). Call it from setup.
mark_runtime_log() {
  RUNTIME_LOG_MARK=$(wc -l < "$RUNTIME_LOG")
}

# runtime_calls: the calls since mark_runtime_log, one a line: "CALLER ARG...".
runtime_calls() {
  tail -n +"$((${RUNTIME_LOG_MARK:-0} + 1))" "$RUNTIME_LOG"
}

# runtime_called COMMAND [REGEX...]: true when, since mark_runtime_log, the runtime
# was called with COMMAND as its command on a line that also matches every REGEX
# (the line is "CALLER ARG...", e.g. '^conmon ' for a call made by conmon). On
# failure, prints the calls it saw.
runtime_called() {
  local command="$1" line regex matches
  shift
  while IFS= read -r line; do
    [ "$(runtime_command_of "$line")" = "$command" ] || continue
    matches=1
    for regex in "$@"; do
      [[ "$line" =~ $regex ]] || matches=
    done
    [ -n "$matches" ] && return 0
  done < <(runtime_calls)
  echo "the runtime was not called with '$command' matching: $*; its calls were:" >&2
  runtime_calls >&2
  return 1
}

# runtime_command_of LINE: the command in a logged call: the first argument after the
# caller that is neither a global option nor the value of one.
runtime_command_of() {
  local -a words
  local i=1
  read -r -a words <<< "$1"
  while [ "$i" -lt "${#words[@]}" ]; do
    case "${words[$i]}" in
      --root | --log | --log-format | --criu) i=$((i + 2)) ;;
      -*) i=$((i + 1)) ;;
      *)
        echo "${words[$i]}"
        return 0
        ;;
    esac
  done
}

# created_ids: the container ids of the `create` calls since mark_runtime_log.
created_ids() {
  local line
  runtime_calls | while IFS= read -r line; do
    [ "$(runtime_command_of "$line")" = create ] && echo "${line##* }"
  done
  return 0
}

# --- images and checks shared by the engines ------------------------------------------

# make_image_tarball OUT: make_rootfs's tree as a tar, the single layer of the image.
make_image_tarball() {
  local rootfs="$ENGINES_DIR/image-rootfs"
  make_rootfs "$rootfs"
  make_tarball "$rootfs" "$1"
  rm -rf "$rootfs"
}

# without_default_state COMMAND [ARG...]: COMMAND in a mount namespace of its own in
# which /var/lib is read-only. Copying an image as root (podman import, buildah commit,
# skopeo copy) makes a blob cache in /var/lib/containers/cache whatever storage.conf
# says; when it cannot, the cache stays in memory. Only for commands that leave no
# container running.
without_default_state() {
  unshare --mount --propagation private -- sh -c '
    mount --bind /var/lib /var/lib && mount -o remount,bind,ro /var/lib || exit 125
    exec "$@"' sh "$@"
}

# COUNTER_LOOP, as a container's command, writes a counter to /tmp/counter every
# 0.1 s; counter_of PID reads it from the host through /proc/PID/root, whatever mount
# namespace the engine keeps the root filesystem in. To see that pausing freezes.
COUNTER_LOOP='i=0; while :; do i=$((i+1)); echo $i > /tmp/counter; sleep 0.1; done'
counter_of() {
  cat "/proc/$1/root/tmp/counter"
}

# counter_moves PID: true when the container's counter changes within 1 s.
# counter_frozen PID: true when it does not. (A test cannot use `! counter_moves`:
# bash's errexit ignores a negated command, so the test would pass either way.)
counter_moves() {
  local before
  before=$(counter_of "$1")
  sleep 1
  [ "$(counter_of "$1")" != "$before" ]
}

counter_frozen() {
  local before
  before=$(counter_of "$1")
  sleep 1
  [ "$(counter_of "$1")" = "$before" ]
}

# wait_for_file PID PATH: wait up to 10 s for the container whose process is PID to
# make PATH (e.g. /tmp/ready once it has set its signal handlers).
wait_for_file() {
  local i
  for i in $(seq 100); do
    [ -e "/proc/$1/root$2" ] && return 0
    sleep 0.1
  done
  echo "the container never made $2" >&2
  return 1
}

# parent_exe PID: the file name of the executable of PID's parent.
parent_exe() {
  local ppid
  ppid=$(awk '{ print $4 }' "/proc/$1/stat")
  basename "$(readlink "/proc/$ppid/exe")"
}

# cgroup_value PID CONTROLLER V1FILE V2FILE: a cgroup file of the cgroup PID is in,
# for CONTROLLER: V1FILE when the controller is a v1 hierarchy, V2FILE otherwise.
cgroup_value() {
  local pid="$1" controller="$2" v1file="$3" v2file="$4" path
  path=$(awk -F: -v c="$controller" '
    { n = split($2, names, ","); for (i = 1; i <= n; i++) if (names[i] == c) print $3 }
  ' "/proc/$pid/cgroup")
  if [ -n "$path" ] && [ -d "/sys/fs/cgroup/$controller$path" ]; then
    cat "/sys/fs/cgroup/$controller$path/$v1file"
    return
  fi
  path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    cat "/sys/fs/cgroup$path/$v2file"
  else
    cat "/sys/fs/cgroup/unified$path/$v2file"
  fi
}

# --- podman and buildah ---------------------------------------------------------------

# write_containers_conf: private containers.conf and storage.conf for podman and
# buildah, exported as CONTAINERS_CONF and CONTAINERS_STORAGE_CONF. State goes under
# ENGINES_DIR/containers; no network (and no CNI plugins, so an engine that tried to
# make one fails instead of adding a bridge and firewall rules to the host); cgroupfs,
# events in a file, file locks.
#
# Ulimits: as root both engines ask for RLIMIT_NOFILE 1048576, above this machine's
# hard limit, and lower their own RLIMIT_NPROC to kernel.pid_max, so asking for more
# fails in the runtime's setrlimit. The defaults here are what they can have.
write_containers_conf() {
  local c="$ENGINES_DIR/containers" nofile nproc pid_max
  mkdir -p "$c"/{graph,run,tmp,net,imgtmp,no-cni-plugins}
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  pid_max=$(cat /proc/sys/kernel/pid_max)
  [ "$nofile" = unlimited ] && nofile=1048576
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; then
    nproc=$pid_max
  fi
  cat > "$c/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$c/graph"
runroot = "$c/run"
CONF
  cat > "$c/containers.conf" <<CONF
[containers]
netns = "none"
$([ "$ENGINES_SECCOMP" = unconfined ] && echo 'seccomp_profile = "unconfined"')
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$c/events.log"
lock_type = "file"
tmp_dir = "$c/tmp"
static_dir = "$c/graph/libpod"
volume_path = "$c/graph/volumes"
image_copy_tmp_dir = "$c/imgtmp"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "pieces-run"]

[network]
network_backend = "cni"
network_config_dir = "$c/net"
cni_plugin_dirs = ["$c/no-cni-plugins"]
CONF
  export CONTAINERS_CONF="$c/containers.conf"
  export CONTAINERS_STORAGE_CONF="$c/storage.conf"
}

# engine_podman ARG...: podman with the wrapper as its runtime, from the engines'
# working directory. The runtime keeps its state in its default --root: podman's
# --runtime-flag does not reach every call (the `podman container cleanup` that conmon
# runs when a container exits calls `delete` without it).
engine_podman() {
  (cd "$ENGINES_DIR/cwd" && podman --runtime "$WRAPPER" "$@")
}

# engine_buildah ARG...: buildah from the engines' working directory. The runtime is
# chosen per command: see buildah_run.
engine_buildah() {
  (cd "$ENGINES_DIR/cwd" && buildah "$@")
}

# buildah_run ARG...: `buildah run` with the wrapper as its runtime.
buildah_run() {
  engine_buildah run --runtime "$WRAPPER" "$@"
}

# buildah_security_options: the options `buildah from` and `buildah build` need for
# ENGINES_SECCOMP (buildah does not read seccomp_profile from containers.conf).
buildah_security_options() {
  [ "$ENGINES_SECCOMP" != unconfined ] || echo "--security-opt seccomp=unconfined"
}

# podman_import_busybox: ENGINES_IMAGE in the private storage, by `podman import`.
podman_import_busybox() {
  local tarball="$ENGINES_DIR/busybox.tar"
  make_image_tarball "$tarball"
  (cd "$ENGINES_DIR/cwd" && without_default_state podman import --quiet \
    --change 'CMD ["/bin/sh"]' "$tarball" "$ENGINES_IMAGE") > /dev/null
}

# buildah_import_busybox: ENGINES_IMAGE in the private storage, made by buildah alone:
# a scratch container, the tarball added to it, committed.
buildah_import_busybox() {
  local tarball="$ENGINES_DIR/busybox.tar" ctr
  make_image_tarball "$tarball"
  ctr=$(engine_buildah from scratch)
  engine_buildah add --quiet "$ctr" "$tarball" / > /dev/null
  engine_buildah config --cmd /bin/sh "$ctr"
  (cd "$ENGINES_DIR/cwd" &&
    without_default_state buildah commit --quiet "$ctr" "$ENGINES_IMAGE") > /dev/null
  engine_buildah rm "$ctr" > /dev/null
}

# --- containerd -----------------------------------------------------------------------

# start_containerd: a private containerd with its own root, state, sockets and config
# under ENGINES_DIR/containerd, without the CRI plugin. Sets CONTAINERD_ADDRESS and
# CONTAINERD_PID (the process to stop).
#
# The runc shim of containerd 1.6 puts its sockets in /run/containerd/s and, unless
# told otherwise, the runtime's state in /run/containerd/runc, whatever containerd's
# --state says. So containerd runs in a mount namespace of its own with a private
# tmpfs on /run: nothing reaches the host's /run, and the mounts containerd makes go
# away with it. catatonit, a child subreaper, reaps the shims it re-parents.
start_containerd() {
  local d="$ENGINES_DIR/containerd" i
  mkdir -p "$d"/{root,state,fifo,opt}
  CONTAINERD_ADDRESS="$d/containerd.sock"
  CONTAINERD_FIFO_DIR="$d/fifo"
  export CONTAINERD_ADDRESS CONTAINERD_FIFO_DIR
  cat > "$d/config.toml" <<CONF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$CONTAINERD_ADDRESS"

[ttrpc]
  address = "$CONTAINERD_ADDRESS.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
CONF
  # fd 3 is bats' output channel; a background process holding it makes bats wait.
  unshare --mount --propagation private -- sh -c '
    mount -t tmpfs -o mode=0755 engines-run /run || exit 125
    exec catatonit -- containerd --config "$1"' sh "$d/config.toml" \
    > "$d/containerd.log" 2>&1 3>&- &
  CONTAINERD_PID=$!
  export CONTAINERD_PID
  for i in $(seq 100); do
    ctr_plain version > /dev/null 2>&1 && return 0
    if ! kill -0 "$CONTAINERD_PID" 2> /dev/null; then
      echo "containerd exited early:" >&2
      cat "$d/containerd.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "containerd did not answer within 10 s:" >&2
  cat "$d/containerd.log" >&2
  return 1
}

# stop_containerd: remove its tasks and containers, then stop the process
# start_containerd started and wait for it.
stop_containerd() {
  [ -n "${CONTAINERD_PID:-}" ] || return 0
  remove_ctr_containers
  kill "$CONTAINERD_PID" 2> /dev/null || true
  wait_gone "$CONTAINERD_PID" || echo "containerd ($CONTAINERD_PID) did not stop" >&2
  CONTAINERD_PID=
}

# remove_ctr_containers: kill and delete every task, delete every container.
remove_ctr_containers() {
  local id i
  for id in $(ctr_plain task list -q 2> /dev/null); do
    ctr_plain task kill --all --signal SIGKILL "$id" > /dev/null 2>&1 || true
  done
  for id in $(ctr_plain container list -q 2> /dev/null); do
    for i in $(seq 50); do
      ctr_plain task delete "$id" > /dev/null 2>&1 || true
      ctr_plain task list -q 2> /dev/null | grep -qxF "$id" || break
      sleep 0.1
    done
    ctr_plain container delete "$id" > /dev/null 2>&1 || true
  done
}

# ctr_plain ARG...: ctr on the private containerd, for commands that do not start a
# process (ls, kill, delete, pause, ...).
ctr_plain() {
  ctr --address "$CONTAINERD_ADDRESS" "$@"
}

# ctr_run ARG...: `ctr run` with the runc shim told to use the wrapper, and the I/O
# fifos in the private directory.
ctr_run() {
  (cd "$ENGINES_DIR/cwd" && ctr --address "$CONTAINERD_ADDRESS" run \
    --runc-binary "$WRAPPER" --fifo-dir "$CONTAINERD_FIFO_DIR" "$@")
}

# ctr_exec ARG...: `ctr task exec` with the fifos in the private directory.
ctr_exec() {
  (cd "$ENGINES_DIR/cwd" && ctr --address "$CONTAINERD_ADDRESS" task exec \
    --fifo-dir "$CONTAINERD_FIFO_DIR" "$@")
}

# ctr_task_pid ID: the host pid of the task's first process.
ctr_task_pid() {
  ctr_plain task list | awk -v id="$1" '$1 == id { print $2 }'
}

# ctr_task_status ID: RUNNING, PAUSED, STOPPED, ...
ctr_task_status() {
  ctr_plain task list | awk -v id="$1" '$1 == id { print $3 }'
}

# ctr_import_busybox: ENGINES_IMAGE in the private containerd, imported from an OCI
# archive that skopeo makes from the tarball (its tarball: transport), no registry.
ctr_import_busybox() {
  local tarball="$ENGINES_DIR/busybox.tar" archive="$ENGINES_DIR/busybox-oci.tar"
  make_image_tarball "$tarball"
  without_default_state skopeo copy --quiet "tarball:$tarball" \
    "oci-archive:$archive:$ENGINES_IMAGE"
  ctr_plain images import "$archive" > /dev/null
}

# in_terminal COMMAND: run the shell command COMMAND with a pseudo-terminal as its
# stdin and stdout (script(1)), for clients that insist on one (ctr -t); its exit
# status is COMMAND's.
in_terminal() {
  script --quiet --return --command "$1" /dev/null < /dev/null
}
