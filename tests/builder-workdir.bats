#!/usr/bin/env bats
# pieces-build: WORKDIR.  Absolute, or relative to the previous one; it becomes
# process.cwd and the working directory of later RUN steps, and is made in the image
# when missing (mode 0755, owned by the USER in effect), inside the root filesystem.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
}

@test "absolute, relative, '.' and '..' give process.cwd" {
  piecefile "FROM_URL $BASE_URL" 'WORKDIR /srv//app/' 'WORKDIR ./sub' 'WORKDIR ../other/./x/..'
  build
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["cwd"]')" = '"/srv/app/other"' ]
  [ -d "$BUNDLE/rootfs/srv/app/sub" ]
  # Cleaned first, as in Docker: x/.. made nothing.
  [ ! -e "$BUNDLE/rootfs/srv/app/other/x" ]
  run "$PIECES_RUN" "$BUNDLE" pwd
  [ "$output" = /srv/app/other ]
}

@test "'..' never goes above /" {
  piecefile "FROM_URL $BASE_URL" 'WORKDIR /../../etc/..//'
  build
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["cwd"]')" = '"/"' ]
}

@test "RUN steps run in the WORKDIR in effect on their line" {
  piecefile "FROM_URL $BASE_URL" 'RUN pwd > /at-first' 'WORKDIR /var/tmp' 'RUN pwd > here'
  build
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/at-first")" = / ]
  [ "$(cat "$BUNDLE/rootfs/var/tmp/here")" = /var/tmp ]
}

@test "missing directories are made 0755 and owned by the USER in effect; existing ones are left alone" {
  piecefile "FROM_URL $BASE_URL" 'USER tester' 'WORKDIR /home/tester/work/deep' 'WORKDIR /tmp'
  build
  [ "$status" -eq 0 ]
  [ "$(stat -c '%a %u:%g' "$BUNDLE/rootfs/home/tester/work" "$BUNDLE/rootfs/home/tester/work/deep")" = "$(printf '755 1000:1000\n755 1000:1000')" ]
  [ "$(stat -c '%a %u:%g' "$BUNDLE/rootfs/home/tester" "$BUNDLE/rootfs/tmp")" = "$(printf '755 1000:1000\n1777 0:0')" ]
}

@test "substitutions, and a symlink in the image is followed inside it, never to the host" {
  local outside="$BATS_TEST_TMPDIR/outside" img="$BATS_TEST_TMPDIR/img"
  mkdir -p "$outside"
  make_rootfs "$img"
  # An absolute symlink naming a host directory: inside the image it means
  # rootfs$outside, which is where WORKDIR must make its directory.
  mkdir -p "$img$outside" "$img/srv"
  ln -s "$outside" "$img/escape"
  ln -s /srv "$img/data"
  make_tarball "$img" "$BATS_TEST_TMPDIR/img.tar"
  piecefile "FROM_URL file://$BATS_TEST_TMPDIR/img.tar" 'ARG SUB=made' 'WORKDIR /data/$SUB' 'WORKDIR /escape/x'
  build
  [ "$status" -eq 0 ]
  [ -d "$BUNDLE/rootfs/srv/made" ]
  [ -z "$(ls -A "$outside")" ]
  [ -d "$BUNDLE/rootfs$outside/x" ]
  [ "$(config 'c["process"]["cwd"]')" = '"/escape/x"' ]
}

@test "a dangling symlink on the way is an error, not followed to make its target" {
  local outside="$BATS_TEST_TMPDIR/outside" img="$BATS_TEST_TMPDIR/img"
  mkdir -p "$outside"
  make_rootfs "$img"
  ln -s "$outside" "$img/escape"
  make_tarball "$img" "$BATS_TEST_TMPDIR/img.tar"
  piecefile "FROM_URL file://$BATS_TEST_TMPDIR/img.tar" 'WORKDIR /escape/x'
  build_fails "$CONTEXT/Piecefile:2: WORKDIR: '/escape': it exists and is not a directory (a dangling symlink?)"
  [ -z "$(ls -A "$outside")" ]
}

@test "WORKDIR errors name the line" {
  piecefile "FROM_URL $BASE_URL" 'WORKDIR ""'
  build_fails "$CONTEXT/Piecefile:2: WORKDIR: the path is empty"
  piecefile "FROM_URL $BASE_URL" 'WORKDIR'
  build_fails "$CONTEXT/Piecefile:2: WORKDIR needs a directory"
  piecefile "FROM_URL $BASE_URL" 'WORKDIR /etc/passwd/x'
  build_fails "$CONTEXT/Piecefile:2: WORKDIR: '/etc/passwd': it, or a directory above it, exists and is not a directory"
}
