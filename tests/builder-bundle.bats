#!/usr/bin/env bats
# pieces-build: the bundle.  config.json's contents, where bundles go and how they are
# named, atomic publish and replace, and the bundle's own permissions.

bats_require_minimum_version 1.5.0
load lib/common
load lib/http

setup() {
  require_root
  export PIECES_STORE="$BATS_TEST_TMPDIR/store"
  CONTEXT="$BATS_TEST_TMPDIR/context"
  SERVED="$BATS_TEST_TMPDIR/served"
  mkdir -p "$CONTEXT" "$SERVED"
  make_rootfs "$BATS_TEST_TMPDIR/rootfs"
  TARBALL="$SERVED/alpine-minirootfs-3.18.3-x86_64.tar.gz"
  make_tarball "$BATS_TEST_TMPDIR/rootfs" "$TARBALL"
  URL="file://$TARBALL"
  piecefile "FROM_URL $URL" 'CMD ["ps", "aux"]'
}

teardown() {
  stop_httpd
}

piecefile() {
  printf '%s\n' "$@" > "$CONTEXT/Piecefile"
}

# pb ARGS...: run pieces-build ARGS... on $CONTEXT.
pb() {
  run --separate-stderr "$PIECES_BUILD" "$@" "$CONTEXT"
  echo "status: $status"
  echo "stdout: $output"
  echo "stderr: $stderr"
}

no_temporary_left() {
  [ -z "$(find "$BATS_TEST_TMPDIR" -name '.*.tmp-*')" ]
}

@test "config.json is the OCI config we promise, field by field" {
  pb -o "$BATS_TEST_TMPDIR/bundle"
  [ "$status" -eq 0 ]
  sum=$(sha256sum "$TARBALL" | cut -d' ' -f1)
  python3 - "$BATS_TEST_TMPDIR/bundle/config.json" "$URL" "$sum" <<'PY'
import json, sys
path, url, digest = sys.argv[1:]
with open(path) as f:
    config = json.load(f)
caps = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
        "CAP_SYS_CHROOT"]
expected = {
    "ociVersion": "1.0.2",
    "process": {
        "terminal": False,
        "user": {"uid": 0, "gid": 0},
        "args": ["ps", "aux"],
        "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=xterm"],
        "cwd": "/",
        "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
        "noNewPrivileges": True,
    },
    "root": {"path": "rootfs", "readonly": False},
    "hostname": "alpine-minirootfs-3.18.3-x86_64",
    "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
    ],
    "linux": {
        "resources": {"devices": [{"allow": False, "access": "rwm"}]},
        "namespaces": [{"type": t} for t in ["pid", "network", "ipc", "uts", "mount"]],
        "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                        "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
        "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                          "/proc/sysrq-trigger"],
    },
    "annotations": {"org.opencontainers.image.source": url,
                    "org.pieces.rootfs.sha256": digest},
}
if config != expected:
    json.dump(config, sys.stdout, indent=2)
    sys.exit("config.json differs from the expected one")
# Keys in runc's order, so the file reads like `runc spec` output.
assert list(config) == list(expected), list(config)
assert list(config["process"]) == list(expected["process"]), list(config["process"])
PY
  # Indented with two spaces, ending in a newline.
  [ "$(sed -n 2p "$BATS_TEST_TMPDIR/bundle/config.json")" = '  "ociVersion": "1.0.2",' ]
  [ -z "$(tail -c 1 "$BATS_TEST_TMPDIR/bundle/config.json")" ]
}

@test "-o: the path is printed on stdout, alone; the bundle is 0700, rootfs keeps its mode" {
  mkdir "$BATS_TEST_TMPDIR/out"
  pb -o "$BATS_TEST_TMPDIR/out/b1"
  [ "$status" -eq 0 ]
  [ "$output" = "$BATS_TEST_TMPDIR/out/b1" ]
  [ "${#lines[@]}" -eq 1 ]
  [ "$(stat -c '%a %u:%g' "$BATS_TEST_TMPDIR/out/b1")" = "700 0:0" ]
  [ "$(stat -c %a "$BATS_TEST_TMPDIR/out/b1/rootfs")" = 755 ]
  [ "$(ls -A "$BATS_TEST_TMPDIR/out/b1")" = "$(printf 'config.json\npieces-build.json\nrootfs')" ]
  [ "$(stat -c %a "$BATS_TEST_TMPDIR/out/b1/config.json")" = 644 ]
  # Paths are printed as given, relative or with a trailing slash.
  cd "$BATS_TEST_TMPDIR/out"
  pb -q -o b2/
  [ "$status" -eq 0 ]
  [ "$output" = b2/ ]
  [ -f b2/config.json ]
  no_temporary_left
}

@test "-o into a directory that does not exist" {
  pb -o "$BATS_TEST_TMPDIR/missing/bundle"
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: '$BATS_TEST_TMPDIR/missing/bundle': the directory '$BATS_TEST_TMPDIR/missing' does not exist" ]
}

@test "the default store: PIECES_STORE/bundles/NAME, NAME from the tarball" {
  pb
  [ "$status" -eq 0 ]
  [ "$output" = "$PIECES_STORE/bundles/alpine-minirootfs-3.18.3-x86_64" ]
  [ -f "$output/config.json" ]
  [ "$(stat -c %a "$PIECES_STORE/bundles")" = 700 ]
  no_temporary_left
}

@test "-t NAME names the bundle and its hostname" {
  pb -t web-1.0_beta
  [ "$status" -eq 0 ]
  [ "$output" = "$PIECES_STORE/bundles/web-1.0_beta" ]
  [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hostname"])' "$output/config.json")" = web-1.0_beta ]
}

@test "-t with -o: the name is the hostname, -o the place" {
  pb -t named -o "$BATS_TEST_TMPDIR/elsewhere"
  [ "$status" -eq 0 ]
  [ "$output" = "$BATS_TEST_TMPDIR/elsewhere" ]
  [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hostname"])' "$output/config.json")" = named ]
  [ ! -e "$PIECES_STORE/bundles" ]
}

@test "names derived from every tarball suffix" {
  local suffix
  for suffix in tar tar.gz tgz tar.xz tar.bz2 tar.zst; do
    cp "$TARBALL" "$SERVED/base-$suffix.$suffix"
    piecefile "FROM_URL file://$SERVED/base-$suffix.$suffix"
    pb -q
    # The content is gzip whatever the suffix: compression is detected, not guessed.
    [ "$status" -eq 0 ]
    [ "$output" = "$PIECES_STORE/bundles/base-$suffix" ]
  done
  cp "$TARBALL" "$SERVED/UPPER.TAR.GZ"
  piecefile "FROM_URL file://$SERVED/UPPER.TAR.GZ"
  pb -q
  [ "$output" = "$PIECES_STORE/bundles/UPPER" ]
}

@test "invalid names are refused before anything is written" {
  pb -t 'bad name'
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: invalid bundle name 'bad name': use 1 to 128 of the characters A-Z a-z 0-9 . _ -, starting with a letter or digit" ]
  pb -t .hidden
  [ "$status" -eq 1 ]
  pb -t "$(printf 'x%.0s' $(seq 129))"
  [ "$status" -eq 1 ]
  [ ! -e "$PIECES_STORE" ]
  start_httpd "$SERVED"
  piecefile "FROM_URL http://127.0.0.1:$HTTPD_PORT/my%20rootfs.tar"
  pb
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: the name derived from 'http://127.0.0.1:$HTTPD_PORT/my%20rootfs.tar' does not fit; choose one with -t NAME: invalid bundle name 'my rootfs': use 1 to 128 of the characters A-Z a-z 0-9 . _ -, starting with a letter or digit" ]
  piecefile "FROM_URL http://127.0.0.1:$HTTPD_PORT/"
  pb
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: cannot derive a bundle name from 'http://127.0.0.1:$HTTPD_PORT/' (its path has no file name); give one with -t NAME" ]
  [ ! -e "$PIECES_STORE" ]
}

@test "the hostname is the name cut to 63 characters" {
  local name
  name=$(printf 'h%.0s' $(seq 100))
  pb -t "$name" -o "$BATS_TEST_TMPDIR/bundle"
  [ "$status" -eq 0 ]
  [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hostname"])' \
    "$BATS_TEST_TMPDIR/bundle/config.json")" = "${name:0:63}" ]
}

@test "a rebuild replaces the old bundle, read-only directories and all" {
  pb -o "$BATS_TEST_TMPDIR/bundle"
  [ "$status" -eq 0 ]
  local old="$BATS_TEST_TMPDIR/bundle/rootfs"
  echo old > "$old/marker"
  mkdir -p "$old/ro/deeper" "$old/locked/inside"
  touch "$old/ro/deeper/file"
  ln -s / "$old/ro/to-host-root"
  chmod 0555 "$old/ro/deeper" "$old/ro"
  chmod 0000 "$old/locked"
  piecefile "FROM_URL $URL" 'CMD echo new'
  pb -o "$BATS_TEST_TMPDIR/bundle"
  [ "$status" -eq 0 ]
  [ ! -e "$BATS_TEST_TMPDIR/bundle/rootfs/marker" ]
  [ ! -e "$BATS_TEST_TMPDIR/bundle/rootfs/ro" ]
  grep -q '"new"' "$BATS_TEST_TMPDIR/bundle/config.json"
  # Removing the old tree did not follow its symlink to /.
  [ -d /etc ] && [ -d /usr/bin ]
  no_temporary_left
}

@test "a failed rebuild keeps the old bundle untouched" {
  pb -o "$BATS_TEST_TMPDIR/bundle"
  [ "$status" -eq 0 ]
  echo old > "$BATS_TEST_TMPDIR/bundle/rootfs/marker"
  cp "$BATS_TEST_TMPDIR/bundle/config.json" "$BATS_TEST_TMPDIR/config.before"
  echo "not a tarball" > "$SERVED/broken.tar.gz"
  piecefile "FROM_URL file://$SERVED/broken.tar.gz" 'CMD echo new'
  pb -o "$BATS_TEST_TMPDIR/bundle"
  [ "$status" -eq 1 ]
  [ "$(cat "$BATS_TEST_TMPDIR/bundle/rootfs/marker")" = old ]
  cmp "$BATS_TEST_TMPDIR/config.before" "$BATS_TEST_TMPDIR/bundle/config.json"
  no_temporary_left
}

@test "an interrupted rebuild keeps the old bundle untouched" {
  pb -o "$BATS_TEST_TMPDIR/bundle"
  [ "$status" -eq 0 ]
  echo old > "$BATS_TEST_TMPDIR/bundle/rootfs/marker"
  start_httpd "$SERVED"
  piecefile "FROM_URL http://127.0.0.1:$HTTPD_PORT/stall" 'CMD echo new'
  "$PIECES_BUILD" -o "$BATS_TEST_TMPDIR/bundle" "$CONTEXT" > /dev/null 2>&1 3>&- &
  local pid=$! i
  for i in $(seq 100); do
    [ -n "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name '.bundle.tmp-*')" ] && break
    sleep 0.1
  done
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  [ "$code" -eq 143 ]
  [ "$(cat "$BATS_TEST_TMPDIR/bundle/rootfs/marker")" = old ]
  no_temporary_left
}

@test "-o never replaces something that is not a bundle" {
  mkdir -p "$BATS_TEST_TMPDIR/precious"
  echo keep > "$BATS_TEST_TMPDIR/precious/notes.txt"
  pb -o "$BATS_TEST_TMPDIR/precious"
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: '$BATS_TEST_TMPDIR/precious' exists and is not a bundle (it has no config.json); refusing to replace it" ]
  [ "$(cat "$BATS_TEST_TMPDIR/precious/notes.txt")" = keep ]
  echo file > "$BATS_TEST_TMPDIR/afile"
  pb -o "$BATS_TEST_TMPDIR/afile"
  [ "$stderr" = "pieces-build: '$BATS_TEST_TMPDIR/afile' exists and is not a directory; refusing to replace it" ]
  ln -s "$BATS_TEST_TMPDIR/precious" "$BATS_TEST_TMPDIR/alink"
  pb -o "$BATS_TEST_TMPDIR/alink"
  [ "$stderr" = "pieces-build: '$BATS_TEST_TMPDIR/alink' is a symbolic link; refusing to replace it (give the path it points to)" ]
  pb -o /
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: '/' cannot be a bundle; give the path of a new or existing bundle directory" ]
  [ "$(cat "$BATS_TEST_TMPDIR/afile")" = file ]
  [ -L "$BATS_TEST_TMPDIR/alink" ]
  no_temporary_left
}

@test "-o into an existing empty directory" {
  mkdir "$BATS_TEST_TMPDIR/empty"
  pb -o "$BATS_TEST_TMPDIR/empty"
  [ "$status" -eq 0 ]
  [ -f "$BATS_TEST_TMPDIR/empty/config.json" ]
  [ "$(stat -c %a "$BATS_TEST_TMPDIR/empty")" = 700 ]
}

@test "the same Piecefile gives a byte-identical config.json" {
  pb -t same -o "$BATS_TEST_TMPDIR/one"
  [ "$status" -eq 0 ]
  pb -t same -o "$BATS_TEST_TMPDIR/two"
  [ "$status" -eq 0 ]
  cmp "$BATS_TEST_TMPDIR/one/config.json" "$BATS_TEST_TMPDIR/two/config.json"
  pb -t same -o "$BATS_TEST_TMPDIR/one"
  cmp "$BATS_TEST_TMPDIR/one/config.json" "$BATS_TEST_TMPDIR/two/config.json"
}

@test "a password in the URL is not recorded or shown" {
  start_httpd "$SERVED"
  piecefile "FROM_URL http://user:s3cret@127.0.0.1:$HTTPD_PORT/alpine-minirootfs-3.18.3-x86_64.tar.gz"
  pb -o "$BATS_TEST_TMPDIR/bundle"
  [ "$status" -eq 0 ]
  if grep -r s3cret "$BATS_TEST_TMPDIR/bundle/config.json"; then false; fi
  [[ "$stderr" != *s3cret* ]]
  grep -q "\"http://user@127.0.0.1:$HTTPD_PORT/alpine-minirootfs-3.18.3-x86_64.tar.gz\"" \
    "$BATS_TEST_TMPDIR/bundle/config.json"
}
