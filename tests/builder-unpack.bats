#!/usr/bin/env bats
# pieces-build: unpacking.  What a tarball keeps (owners, modes, set-id bits, links,
# xattrs, FIFOs, times), what is skipped (device nodes), and what is refused: every
# entry that would write outside the root filesystem.  Hostile tarballs are crafted
# with Python's tarfile; after each refusal the host is checked from outside.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
  require_root
  export PIECES_STORE="$BATS_TEST_TMPDIR/store"
  CONTEXT="$BATS_TEST_TMPDIR/context"
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
  # A directory outside the bundle that hostile entries aim at; it must stay empty.
  OUTSIDE="$BATS_TEST_TMPDIR/outside"
  mkdir -p "$CONTEXT" "$OUTSIDE"
  PASSWD_BEFORE=$(stat -c '%h %s %Y' /etc/passwd /etc/shadow; sha256sum /etc/passwd /etc/shadow)
}

teardown() {
  # Whatever happened, nothing outside the test directory changed.
  [ -z "$(ls -A "$OUTSIDE")" ]
  [ "$(stat -c '%h %s %Y' /etc/passwd /etc/shadow; sha256sum /etc/passwd /etc/shadow)" = "$PASSWD_BEFORE" ]
}

# build_from TARBALL: build it with -o $BUNDLE; status, output and stderr as from run.
build_from() {
  printf 'FROM_URL file://%s\nCMD /bin/sh\n' "$1" > "$CONTEXT/Piecefile"
  run --separate-stderr "$PIECES_BUILD" -o "$BUNDLE" "$CONTEXT"
  echo "status: $status"
  echo "stderr: $stderr"
}

# refused TARBALL MESSAGE: the build fails with exactly MESSAGE (after the URL), and
# leaves no bundle and no temporary directory.
refused() {
  build_from "$1"
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: 'file://$1': $2" ]
  [ ! -e "$BUNDLE" ]
  [ -z "$(find "$BATS_TEST_TMPDIR" -name '.*.tmp-*')" ]
}

# craft TARBALL: write a tarball from Python statements on stdin, using
#   reg(name, data=b"", **attrs)  dir(name, **attrs)  sym(name, target)
#   hard(name, target)  fifo(name)  chr(name, major, minor)
craft() {
  OUTSIDE="$OUTSIDE" python3 - "$1" 3<&0 <<'PY'
import io, os, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
def entry(name, kind, data=b"", **attrs):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = attrs.pop("mode", 0o755 if kind == tarfile.DIRTYPE else 0o644)
    for key, value in attrs.items():
        setattr(info, key, value)
    info.size = len(data)
    t.addfile(info, io.BytesIO(data) if data else None)
reg = lambda name, data=b"", **a: entry(name, tarfile.REGTYPE, data, **a)
dir = lambda name, **a: entry(name, tarfile.DIRTYPE, **a)
sym = lambda name, target, **a: entry(name, tarfile.SYMTYPE, linkname=target, **a)
hard = lambda name, target, **a: entry(name, tarfile.LNKTYPE, linkname=target, **a)
fifo = lambda name, **a: entry(name, tarfile.FIFOTYPE, **a)
chr = lambda name, major, minor, **a: entry(name, tarfile.CHRTYPE, devmajor=major, devminor=minor, **a)
UP = "../" * 40  # from the temporary rootfs to / and beyond
OUTSIDE = os.environ["OUTSIDE"].lstrip("/")
exec(os.fdopen(3).read())
t.close()
PY
}

@test "owners, modes with set-id and sticky bits, and times are kept" {
  local root="$BATS_TEST_TMPDIR/rootfs"
  make_rootfs "$root"
  mkdir -p "$root/srv/ro/sub" "$root/srv/locked"
  echo data > "$root/srv/ro/sub/file"
  cp "$BUSYBOX" "$root/bin/suid"
  chmod 4755 "$root/bin/suid"
  echo g > "$root/bin/sgid"
  chown 1000:100 "$root/bin/sgid"
  chmod 2750 "$root/bin/sgid"
  echo x > "$root/srv/odd-owner"
  chown 123:456 "$root/srv/odd-owner"
  chmod 0600 "$root/srv/odd-owner"
  touch -h -d @1000000000 "$root/srv/odd-owner" "$root/bin/sh"
  touch -d @1100000000 "$root/srv/ro/sub"
  chmod 0555 "$root/srv/ro" "$root/srv/ro/sub"
  chmod 0000 "$root/srv/locked"
  chmod 0750 "$root"
  make_tarball "$root" "$BATS_TEST_TMPDIR/rootfs.tar"
  build_from "$BATS_TEST_TMPDIR/rootfs.tar"
  [ "$status" -eq 0 ]
  local r="$BUNDLE/rootfs"
  [ "$(stat -c '%a %u:%g' "$r")" = "750 0:0" ]
  [ "$(stat -c '%a %u:%g' "$r/bin/suid")" = "4755 0:0" ]
  [ "$(stat -c '%a %u:%g' "$r/bin/sgid")" = "2750 1000:100" ]
  [ "$(stat -c '%a %u:%g %Y' "$r/srv/odd-owner")" = "600 123:456 1000000000" ]
  [ "$(stat -c '%a %u:%g' "$r/tmp")" = "1777 0:0" ]
  [ "$(stat -c '%a %u:%g' "$r/home/tester")" = "755 1000:1000" ]
  # Read-only directories keep their mode, yet their contents were written.
  [ "$(stat -c '%a %Y' "$r/srv/ro/sub")" = "555 1100000000" ]
  [ "$(stat -c %a "$r/srv/ro")" = 555 ]
  [ "$(cat "$r/srv/ro/sub/file")" = data ]
  [ "$(stat -c %a "$r/srv/locked")" = 0 ]
  # A symlink's own time, not its target's.
  [ "$(stat -c %Y "$r/bin/sh")" = 1000000000 ]
  # The whole tree matches the source: names, types, modes, owners, link targets.
  diff <(cd "$root" && find . -printf '%p %y %m %U:%G %l\n' | sort) \
    <(cd "$r" && find . -printf '%p %y %m %U:%G %l\n' | sort)
}

@test "symlinks are kept verbatim, absolute, relative or dangling" {
  craft "$BATS_TEST_TMPDIR/links.tar" <<'PY'
dir("usr/bin")
reg("usr/bin/tool", b"#!/bin/sh\n", mode=0o755)
sym("bin", "usr/bin")
sym("usr/bin/abs", "/usr/bin/tool")
sym("usr/bin/rel", "../bin/tool")
sym("dangling", "/nowhere/at/all")
sym("etc-host", "/etc")
PY
  build_from "$BATS_TEST_TMPDIR/links.tar"
  [ "$status" -eq 0 ]
  [ "$(readlink "$BUNDLE/rootfs/bin")" = usr/bin ]
  [ "$(readlink "$BUNDLE/rootfs/usr/bin/abs")" = /usr/bin/tool ]
  [ "$(readlink "$BUNDLE/rootfs/usr/bin/rel")" = ../bin/tool ]
  [ "$(readlink "$BUNDLE/rootfs/dangling")" = /nowhere/at/all ]
  [ "$(readlink "$BUNDLE/rootfs/etc-host")" = /etc ]
}

@test "hard links share the inode" {
  local root="$BATS_TEST_TMPDIR/rootfs"
  make_rootfs "$root"
  ln "$root/bin/busybox" "$root/sbin/busybox-again"
  make_tarball "$root" "$BATS_TEST_TMPDIR/rootfs.tar.gz"
  build_from "$BATS_TEST_TMPDIR/rootfs.tar.gz"
  [ "$status" -eq 0 ]
  [ "$(stat -c %i "$BUNDLE/rootfs/bin/busybox")" = "$(stat -c %i "$BUNDLE/rootfs/sbin/busybox-again")" ]
  [ "$(stat -c %h "$BUNDLE/rootfs/bin/busybox")" = 2 ]
}

@test "extended attributes are kept, file capabilities included" {
  local root="$BATS_TEST_TMPDIR/rootfs"
  mkdir -p "$root/bin"
  cp "$BUSYBOX" "$root/bin/ping"
  chown 0:1000 "$root/bin/ping"
  echo x > "$root/bin/labelled"
  # cap_net_raw+ep as the kernel stores it (VFS_CAP_REVISION_2, effective; permitted
  # bit 13), written directly so the test needs no libcap tools.
  python3 -c 'import os, struct, sys; os.setxattr(sys.argv[1], "security.capability", struct.pack("<5I", 0x02000001, 1 << 13, 0, 0, 0))' "$root/bin/ping"
  python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.pieces.test", b"hello")' "$root/bin/labelled"
  tar -C "$root" --xattrs --xattrs-include='*' --numeric-owner -cf "$BATS_TEST_TMPDIR/x.tar" .
  build_from "$BATS_TEST_TMPDIR/x.tar"
  [ "$status" -eq 0 ]
  # Set after the owner (chown clears capabilities), so they survive.
  [ "$(stat -c %u:%g "$BUNDLE/rootfs/bin/ping")" = 0:1000 ]
  [ "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "security.capability").hex())' \
    "$BUNDLE/rootfs/bin/ping")" = 0100000200200000000000000000000000000000 ]
  [ "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.pieces.test").decode())' \
    "$BUNDLE/rootfs/bin/labelled")" = hello ]
}

@test "POSIX ACLs are not restored, and the build says so" {
  local root="$BATS_TEST_TMPDIR/rootfs"
  mkdir -p "$root"
  echo x > "$root/shared"
  # An access ACL granting uid 1000 read: version 2, then (tag, permissions, id).
  python3 - "$root/shared" <<'PY'
import os, struct, sys
any_id = 0xffffffff
entries = [(0x01, 6, any_id), (0x02, 4, 1000), (0x04, 4, any_id), (0x10, 4, any_id), (0x20, 4, any_id)]
value = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries)
os.setxattr(sys.argv[1], "system.posix_acl_access", value)
PY
  tar -C "$root" --acls --numeric-owner -cf "$BATS_TEST_TMPDIR/acl.tar" .
  build_from "$BATS_TEST_TMPDIR/acl.tar"
  [ "$status" -eq 0 ]
  grep -Fx "pieces-build: warning: 1 entry has POSIX ACLs, which are not restored (the mode bits are)" <<< "$stderr"
  [ "$(stat -c %a "$BUNDLE/rootfs/shared")" = 644 ]
}

@test "FIFOs are kept; device nodes are skipped with one note" {
  local root="$BATS_TEST_TMPDIR/rootfs"
  mkdir -p "$root/dev" "$root/run"
  mkfifo -m 0620 "$root/run/pipe"
  mknod "$root/dev/null" c 1 3
  mknod "$root/dev/sda" b 8 0
  make_tarball "$root" "$BATS_TEST_TMPDIR/rootfs.tar"
  build_from "$BATS_TEST_TMPDIR/rootfs.tar"
  [ "$status" -eq 0 ]
  [ -p "$BUNDLE/rootfs/run/pipe" ]
  [ "$(stat -c %a "$BUNDLE/rootfs/run/pipe")" = 620 ]
  [ -d "$BUNDLE/rootfs/dev" ]
  [ -z "$(ls -A "$BUNDLE/rootfs/dev")" ]
  grep -Fx "skipped 2 device nodes (pieces-run creates /dev)" <<< "$stderr"
}

@test "non-ASCII names come through unchanged, whatever the caller's locale" {
  craft "$BATS_TEST_TMPDIR/utf8.tar" <<'PY'
dir("café")
reg("café/naïve.txt", b"x")
reg("日本/ファイル", b"y")
PY
  LC_ALL=C build_from "$BATS_TEST_TMPDIR/utf8.tar"
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/café/naïve.txt")" = x ]
  [ "$(cat "$BUNDLE/rootfs/日本/ファイル")" = y ]
}

@test "later entries replace earlier ones, as with tar" {
  craft "$BATS_TEST_TMPDIR/dup.tar" <<'PY'
reg("etc/motd", b"first\n")
reg("etc/motd", b"second\n")
reg("etc/link", b"was a file\n")
sym("etc/link", "motd")
dir("etc/tree", mode=0o700)
dir("etc/tree", mode=0o750)
dir("usr/lib")
sym("lib", "usr/lib")
dir("lib/modules", mode=0o751)
PY
  build_from "$BATS_TEST_TMPDIR/dup.tar"
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/etc/motd")" = second ]
  [ "$(readlink "$BUNDLE/rootfs/etc/link")" = motd ]
  [ "$(stat -c %a "$BUNDLE/rootfs/etc/tree")" = 750 ]
  # Made through the archive's own relative symlink, and still given its mode.
  [ "$(stat -c %a "$BUNDLE/rootfs/usr/lib/modules")" = 751 ]
  # Parents the archive does not list are made 0755.
  [ "$(stat -c %a "$BUNDLE/rootfs/etc")" = 755 ]
}

@test "a file entry over a planted symlink replaces the link, never writes through it" {
  craft "$BATS_TEST_TMPDIR/plant.tar" <<'PY'
sym("passwd", "/" + OUTSIDE + "/target")
reg("passwd", b"pwned\n")
sym("dir", "/" + OUTSIDE)
dir("dir")
reg("dir/inside", b"x\n")
PY
  build_from "$BATS_TEST_TMPDIR/plant.tar"
  [ "$status" -eq 0 ]
  [ -f "$BUNDLE/rootfs/passwd" ] && [ ! -L "$BUNDLE/rootfs/passwd" ]
  [ "$(cat "$BUNDLE/rootfs/passwd")" = pwned ]
  [ -d "$BUNDLE/rootfs/dir" ] && [ ! -L "$BUNDLE/rootfs/dir" ]
  [ -f "$BUNDLE/rootfs/dir/inside" ]
}

@test "refused: a '..' component" {
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
reg("bin/ok", b"x")
reg("../escape", b"x")
PY
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry '../escape': refused: '..' component in path"
  [ ! -e "$BATS_TEST_TMPDIR/escape" ]
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
reg("./bin/../" + UP + OUTSIDE + "/deep", b"x")
PY
  local up
  up=$(printf '../%.0s' $(seq 40))
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry './bin/../$up${OUTSIDE#/}/deep': refused: '..' component in path"
}

@test "refused: an absolute path" {
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
reg("/" + OUTSIDE + "/abs", b"x")
PY
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry '$OUTSIDE/abs': refused: absolute path"
}

@test "refused: writing through a symlink to /" {
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
sym("evil", "/")
reg("evil/" + OUTSIDE + "/file", b"x")
PY
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry 'evil/${OUTSIDE#/}/file': refused: parent directory 'evil/${OUTSIDE#/}' leads outside the root filesystem (through a symlink or onto another mount)"
}

@test "refused: writing through a symlink that climbs out with .." {
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
dir("a/b")
sym("a/b/up", "../../../../../../../../../../../../../../..")
reg("a/b/up/" + OUTSIDE + "/file", b"x")
PY
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry 'a/b/up/${OUTSIDE#/}/file': refused: parent directory 'a/b/up/${OUTSIDE#/}' leads outside the root filesystem (through a symlink or onto another mount)"
}

@test "refused: a symlink to the outside as the parent of a directory" {
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
sym("out", "/" + OUTSIDE)
dir("out/newdir")
PY
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry 'out/newdir/': refused: parent directory 'out' leads outside the root filesystem (through a symlink or onto another mount)"
}

@test "refused: hard links to host files" {
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
hard("passwd", "../../etc/passwd")
PY
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry 'passwd': hard link target '../../etc/passwd': refused: '..' component in path"
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
hard("shadow", "/etc/shadow")
PY
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry 'shadow': hard link target '/etc/shadow': refused: absolute path"
}

@test "refused: a hard link whose target is reached through a symlink" {
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
sym("etc", "/etc")
hard("stolen", "etc/shadow")
PY
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry 'stolen': refused: hard link target 'etc/shadow' is reached through a symlink"
}

@test "refused: a hard link to something that is not a regular file, or not there yet" {
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
sym("link", "/etc/shadow")
hard("stolen", "link")
PY
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry 'stolen': refused: hard link target 'link' is not a regular file"
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
hard("early", "later")
reg("later", b"x")
PY
  refused "$BATS_TEST_TMPDIR/evil.tar" "entry 'early': hard link target 'later' does not exist (it must come earlier in the archive)"
}

@test "the limit on entries" {
  craft "$BATS_TEST_TMPDIR/many.tar" <<'PY'
for i in range(10):
    reg(f"f{i}", b"x")
PY
  PIECES_MAX_ENTRIES=9 build_from "$BATS_TEST_TMPDIR/many.tar"
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: 'file://$BATS_TEST_TMPDIR/many.tar' has more than 9 entries (set PIECES_MAX_ENTRIES to raise the limit)" ]
  [ ! -e "$BUNDLE" ]
  [ -z "$(find "$BATS_TEST_TMPDIR" -name '.*.tmp-*')" ]
  PIECES_MAX_ENTRIES=10 build_from "$BATS_TEST_TMPDIR/many.tar"
  [ "$status" -eq 0 ]
}

@test "the limit on unpacked bytes" {
  craft "$BATS_TEST_TMPDIR/big.tar" <<'PY'
reg("a", b"x" * 600)
reg("b", b"x" * 600)
PY
  PIECES_MAX_UNPACKED_BYTES=1000 refused "$BATS_TEST_TMPDIR/big.tar" \
    "entry 'b': unpacking it would exceed the limit of 1000 bytes of file contents (set PIECES_MAX_UNPACKED_BYTES to raise it)"
}

@test "an archive with no entries is an error" {
  craft "$BATS_TEST_TMPDIR/empty.tar" <<'PY'
pass
PY
  build_from "$BATS_TEST_TMPDIR/empty.tar"
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: 'file://$BATS_TEST_TMPDIR/empty.tar' is an empty tar archive" ]
}

@test "control characters in entry names are escaped in messages" {
  craft "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
reg("/\x1b[31mred", b"x")
PY
  build_from "$BATS_TEST_TMPDIR/evil.tar"
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: 'file://$BATS_TEST_TMPDIR/evil.tar': entry '/\\x1b[31mred': refused: absolute path" ]
}
