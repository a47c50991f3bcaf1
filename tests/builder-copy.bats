#!/usr/bin/env bats
# pieces-build: COPY [--chown=USER[:GROUP]] [--chmod=MODE] SRC... DEST.  Sources come
# from the build directory and may not leave it ('..', symlinks); the destination is
# written inside the root filesystem and never through one of its symlinks to the host.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder
load lib/http

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
  # What an escaping COPY would read or write; it must stay as it is.
  OUTSIDE="$BATS_TEST_TMPDIR/outside"
  mkdir -p "$OUTSIDE"
  echo "host secret" > "$OUTSIDE/secret"
  OUTSIDE_BEFORE=$(cd "$OUTSIDE" && find . -printf '%p %s %T@\n' | sort)
}

teardown() {
  stop_httpd
  [ "$(cd "$OUTSIDE" && find . -printf '%p %s %T@\n' | sort)" = "$OUTSIDE_BEFORE" ]
}

@test "a file into a directory, to a new name, and into the WORKDIR" {
  echo one > "$CONTEXT/one.txt"
  piecefile "FROM_URL $BASE_URL" 'COPY one.txt /etc/' 'COPY one.txt /opt/renamed' \
    'WORKDIR /srv' 'COPY one.txt .' 'COPY one.txt rel/'
  build
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/etc/one.txt")" = one ]
  [ "$(cat "$BUNDLE/rootfs/opt/renamed")" = one ]
  [ "$(cat "$BUNDLE/rootfs/srv/one.txt")" = one ]
  [ "$(cat "$BUNDLE/rootfs/srv/rel/one.txt")" = one ]
  # Directories COPY makes are 0755 and owned by root.
  [ "$(stat -c '%a %u:%g' "$BUNDLE/rootfs/opt" "$BUNDLE/rootfs/srv/rel")" = "$(printf '755 0:0\n755 0:0')" ]
}

@test "a directory's contents, recursively, with modes, times and symlinks kept; owned by root" {
  mkdir -p "$CONTEXT/app/bin" "$CONTEXT/app/private"
  printf '#!/bin/sh\necho run\n' > "$CONTEXT/app/bin/tool"
  echo key > "$CONTEXT/app/private/key"
  ln -s bin/tool "$CONTEXT/app/link"
  ln -s "$OUTSIDE/secret" "$CONTEXT/app/absolute-link"
  mkfifo "$CONTEXT/app/fifo"
  chown -R 1234:1234 "$CONTEXT/app"
  chmod 4755 "$CONTEXT/app/bin/tool"
  chmod 0600 "$CONTEXT/app/private/key"
  chmod 0700 "$CONTEXT/app/private"
  touch -h -d @1000000000 "$CONTEXT/app/bin/tool" "$CONTEXT/app/link"
  piecefile "FROM_URL $BASE_URL" 'COPY app /opt/app'
  build
  [ "$status" -eq 0 ]
  local r="$BUNDLE/rootfs/opt/app"
  [ "$(stat -c '%a %u:%g %Y' "$r/bin/tool")" = "4755 0:0 1000000000" ]
  [ "$(stat -c '%a %u:%g' "$r/private" "$r/private/key")" = "$(printf '700 0:0\n600 0:0')" ]
  [ "$(readlink "$r/link")" = bin/tool ]
  [ "$(stat -c %Y "$r/link")" = 1000000000 ]
  # Copied as a link, never followed: the host's file is not in the image.
  [ "$(readlink "$r/absolute-link")" = "$OUTSIDE/secret" ]
  [ -p "$r/fifo" ]
  [ ! -e "$BUNDLE/rootfs/opt/app/app" ]
}

@test "several sources into a directory, which needs a trailing slash" {
  echo a > "$CONTEXT/a"
  mkdir "$CONTEXT/d" && echo b > "$CONTEXT/d/b"
  piecefile "FROM_URL $BASE_URL" 'COPY a d /multi/'
  build
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/multi/a" "$BUNDLE/rootfs/multi/b")" = "$(printf 'a\nb')" ]
  piecefile "FROM_URL $BASE_URL" 'COPY a d /multi'
  rm -rf "$BUNDLE"
  build_fails "$CONTEXT/Piecefile:2: COPY: with more than one source the destination must be a directory, written with a trailing '/' ('/multi/')"
}

@test "the JSON form, for names with spaces; substitutions in both forms; '/' is the build directory" {
  echo spaced > "$CONTEXT/with space.txt"
  echo top > "$CONTEXT/top.txt"
  piecefile "FROM_URL $BASE_URL" 'ARG DIR=/data' 'COPY ["with space.txt", "${DIR}/a b.txt"]' \
    'COPY /top.txt $DIR/'
  build
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/data/a b.txt")" = spaced ]
  [ "$(cat "$BUNDLE/rootfs/data/top.txt")" = top ]
}

@test "--chown by name, by numbers, and a name alone; --chmod" {
  echo f > "$CONTEXT/f"
  mkdir "$CONTEXT/d" && echo g > "$CONTEXT/d/g"
  piecefile "FROM_URL $BASE_URL" 'COPY --chown=tester f /by-name' 'COPY --chown=123:456 f /by-number' \
    'COPY --chown=1000 f /uid-only' 'COPY --chown=tester:users --chmod=0640 d /dir/'
  build
  [ "$status" -eq 0 ]
  [ "$(stat -c '%u:%g' "$BUNDLE/rootfs/by-name" "$BUNDLE/rootfs/by-number" "$BUNDLE/rootfs/uid-only")" = "$(printf '1000:1000\n123:456\n1000:1000')" ]
  [ "$(stat -c '%a %u:%g' "$BUNDLE/rootfs/dir/g")" = "640 1000:100" ]
}

@test "--chown of a uid alone uses the uid as the group, as Docker documents" {
  echo f > "$CONTEXT/f"
  piecefile "FROM_URL $BASE_URL" 'COPY --chown=65534 f /f'
  build
  [ "$status" -eq 0 ]
  [ "$(stat -c '%u:%g' "$BUNDLE/rootfs/f")" = "65534:65534" ]
}

@test "an existing file is replaced; an existing directory is merged and keeps its mode" {
  echo new > "$CONTEXT/passwd"
  mkdir -p "$CONTEXT/etc-extra" && echo extra > "$CONTEXT/etc-extra/extra.conf"
  chmod 0700 "$CONTEXT/etc-extra"
  piecefile "FROM_URL $BASE_URL" 'COPY passwd /etc/motd' 'COPY etc-extra /etc' 'COPY passwd /etc/passwd'
  build
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/etc/passwd")" = new ]
  [ "$(cat "$BUNDLE/rootfs/etc/extra.conf")" = extra ]
  [ "$(stat -c %a "$BUNDLE/rootfs/etc")" = 755 ]
  [ -f "$BUNDLE/rootfs/etc/group" ]
}

@test "refused: sources outside the build directory, by '..' or by symlink" {
  echo inside > "$CONTEXT/inside"
  ln -s "$OUTSIDE/secret" "$CONTEXT/abs-link"
  ln -s ../outside/secret "$CONTEXT/rel-link"
  ln -s "$OUTSIDE" "$CONTEXT/dir-link"
  mkdir "$CONTEXT/sub"
  local source
  for source in ../outside/secret abs-link rel-link dir-link/secret dir-link sub/../../outside; do
    piecefile "FROM_URL $BASE_URL" "COPY $source /stolen"
    build_fails "$CONTEXT/Piecefile:2: COPY: '$source' is outside the build directory '$CONTEXT' (through '..' or a symbolic link); only files inside it can be copied"
  done
  # '..' that stays inside is fine.
  piecefile "FROM_URL $BASE_URL" 'COPY sub/../inside /ok'
  build
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/ok")" = inside ]
}

@test "missing sources are found before anything is downloaded" {
  start_httpd "$BATS_TEST_TMPDIR"
  piecefile "FROM_URL http://127.0.0.1:$HTTPD_PORT/stall" 'COPY missing /x'
  build_fails "$CONTEXT/Piecefile:2: COPY: 'missing' does not exist in the build directory '$CONTEXT'"
  [ ! -s "$BATS_TEST_TMPDIR/httpd.log" ] || ! grep -q stall "$BATS_TEST_TMPDIR/httpd.log"
}

@test "the destination is resolved inside the image: its symlinks cannot lead a write to the host" {
  local img="$BATS_TEST_TMPDIR/img"
  make_rootfs "$img"
  mkdir -p "$img$OUTSIDE"
  # Absolute links that name host paths mean paths inside the image.
  ln -s "$OUTSIDE" "$img/to-outside"
  ln -s "$OUTSIDE/secret" "$img/to-secret"
  ln -s ../../../../../../../.. "$img/up"
  make_tarball "$img" "$BATS_TEST_TMPDIR/img.tar"
  echo payload > "$CONTEXT/payload"
  piecefile "FROM_URL file://$BATS_TEST_TMPDIR/img.tar" 'COPY payload /to-outside/' \
    'COPY payload /to-secret' 'COPY payload /up/etc/'
  build
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs$OUTSIDE/payload")" = payload ]
  # The final component is replaced, not written through.
  [ ! -L "$BUNDLE/rootfs/to-secret" ]
  [ "$(cat "$BUNDLE/rootfs/to-secret")" = payload ]
  [ "$(cat "$BUNDLE/rootfs/etc/payload")" = payload ]
  [ ! -e /etc/payload ]
}

@test "a dangling symlink in the destination's path is an error" {
  local img="$BATS_TEST_TMPDIR/img"
  make_rootfs "$img"
  ln -s "$OUTSIDE/nowhere" "$img/dangling"
  make_tarball "$img" "$BATS_TEST_TMPDIR/img.tar"
  echo payload > "$CONTEXT/payload"
  piecefile "FROM_URL file://$BATS_TEST_TMPDIR/img.tar" 'COPY payload /dangling/'
  build_fails "$CONTEXT/Piecefile:2: COPY: destination '/dangling': it exists and is not a directory (a dangling symlink?)"
  [ ! -e "$OUTSIDE/nowhere" ]
}

@test "a directory over a file, and devices, are refused" {
  mkdir "$CONTEXT/d"
  piecefile "FROM_URL $BASE_URL" 'COPY d /etc/passwd'
  build_fails "$CONTEXT/Piecefile:2: COPY: 'd' to '/etc/passwd': it, or a directory above it, exists and is not a directory"
  mknod "$CONTEXT/null" c 1 3
  piecefile "FROM_URL $BASE_URL" 'COPY null /dev-copy'
  build_fails "$CONTEXT/Piecefile:2: COPY: 'null': is a device or a socket; COPY copies files, directories, symbolic links and FIFOs"
  rm "$CONTEXT/null"
  mknod "$CONTEXT/d/null" c 1 3
  piecefile "FROM_URL $BASE_URL" 'COPY d /x'
  build_fails "$CONTEXT/Piecefile:2: COPY: 'd' to '/x': 'null': is a device or a socket; COPY copies files, directories, symbolic links and FIFOs"
}

@test "COPY errors name the line" {
  echo f > "$CONTEXT/f"
  piecefile "FROM_URL $BASE_URL" 'COPY f'
  build_fails "$CONTEXT/Piecefile:2: COPY needs a source and a destination"
  piecefile "FROM_URL $BASE_URL" 'COPY *.txt /'
  build_fails "$CONTEXT/Piecefile:2: COPY: '*.txt': wildcards are not supported; name the files or directories"
  piecefile "FROM_URL $BASE_URL" 'COPY --from=builder f /'
  build_fails "$CONTEXT/Piecefile:2: COPY: unknown flag '--from' (known: --chown, --chmod)"
  piecefile "FROM_URL $BASE_URL" 'COPY --chown f /'
  build_fails "$CONTEXT/Piecefile:2: COPY: --chown needs a value: --chown=USER[:GROUP]"
  piecefile "FROM_URL $BASE_URL" 'COPY --chmod=rwx f /'
  build_fails "$CONTEXT/Piecefile:2: COPY: --chmod=rwx: give the mode in octal, like --chmod=0755"
  piecefile "FROM_URL $BASE_URL" 'COPY --chown=a:b:c f /'
  build_fails "$CONTEXT/Piecefile:2: COPY: --chown: 'a:b:c': more than one ':'; write USER[:GROUP]"
  piecefile "FROM_URL $BASE_URL" 'COPY --chown=ghost f /f'
  build_fails "$CONTEXT/Piecefile:2: COPY --chown=ghost: no user 'ghost' in the image's /etc/passwd"
  piecefile "FROM_URL $BASE_URL" 'COPY ["f"]'
  build_fails "$CONTEXT/Piecefile:2: COPY: the JSON form must be an array of strings, like [\"app.conf\", \"/etc/app/\"]"
  piecefile "FROM_URL $BASE_URL" 'COPY "" /x'
  build_fails "$CONTEXT/Piecefile:2: COPY: a source path is empty"
}
