# Shared set-up for every bats file: paths to the binaries under test and helpers
# that make root filesystems from Debian's busybox-static. Nothing is downloaded.

TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
PIECES_RUN="${PIECES_RUN:-$TOP/build/pieces-run}"
PIECES_BUILD="${PIECES_BUILD:-$TOP/build/pieces-build}"
BUSYBOX="${BUSYBOX:-/bin/busybox}"

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "these tests need root (namespaces, mounts, device nodes)" >&2
    return 1
  fi
}

# make_rootfs DIR: a minimal root filesystem: a static busybox with a link per applet,
# /etc/passwd and /etc/group with root, a user 'tester' (1000) and nobody.
make_rootfs() {
  local dir="$1" applet
  mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home/tester}
  chmod 1777 "$dir/tmp"
  cp "$BUSYBOX" "$dir/bin/busybox"
  for applet in $("$BUSYBOX" --list-full); do
    [ -e "$dir/$applet" ] || ln -s /bin/busybox "$dir/$applet"
  done
  cat > "$dir/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
  cat > "$dir/etc/group" <<'GROUP'
root:x:0:
tester:x:1000:
users:x:100:tester
nogroup:x:65534:
GROUP
  chown 1000:1000 "$dir/home/tester"
}

# make_tarball ROOTFS OUT: pack ROOTFS into OUT; compression follows the suffix.
make_tarball() {
  local rootfs="$1" out="$2" flag=
  case "$out" in
    *.tar.gz | *.tgz) flag=-z ;;
    *.tar.xz) flag=-J ;;
    *.tar.bz2) flag=-j ;;
    *.tar.zst) flag=--zstd ;;
  esac
  tar -C "$rootfs" --numeric-owner $flag -cf "$out" .
}

# make_bundle DIR [CONFIG]: DIR/rootfs from make_rootfs plus DIR/config.json, copied
# from CONFIG (default: the hand-written example bundle in bundle-spec/).
make_bundle() {
  local dir="$1" config="${2:-$TOP/bundle-spec/examples/busybox/config.json}"
  make_rootfs "$dir/rootfs"
  cp "$config" "$dir/config.json"
}

# set_config BUNDLE JQ-STYLE-PYTHON: edit BUNDLE/config.json with a python expression
# on `c`, e.g. set_config "$b" 'c["process"]["args"] = ["true"]'.
set_config() {
  local bundle="$1" expr="$2"
  python3 - "$bundle/config.json" "$expr" <<'PY'
import json, sys
path, expr = sys.argv[1], sys.argv[2]
with open(path) as f:
    c = json.load(f)
exec(expr)
with open(path, "w") as f:
    json.dump(c, f, indent=2)
PY
}

# assert_no_leaked_mounts: no mount in the host's mount namespace lies under this
# test's directory (where its bundles live), so no container left one behind.  Other
# processes' mounts elsewhere on the machine do not matter.
assert_no_leaked_mounts() {
  if grep -F " $BATS_TEST_TMPDIR" /proc/self/mountinfo; then
    echo "mounts left under $BATS_TEST_TMPDIR" >&2
    return 1
  fi
}
