#!/usr/bin/env bats
# pieces-build: USER name|uid[:group|gid].  Names are looked up in the image's own
# /etc/passwd and /etc/group, read inside the root filesystem (never the host's), with
# Docker's rules for the group and the additional groups.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
}

user_of_bundle() {
  config 'c["process"]["user"]'
}

# image_with PASSWD GROUP: a busybox image with these account files, as $BASE_URL.
image_with() {
  local root="$BATS_TEST_TMPDIR/img"
  make_rootfs "$root"
  printf '%s\n' "$1" > "$root/etc/passwd"
  printf '%s\n' "$2" > "$root/etc/group"
  make_tarball "$root" "$BATS_TEST_TMPDIR/img.tar"
  BASE_URL="file://$BATS_TEST_TMPDIR/img.tar"
}

@test "a name: its uid and group, and the groups that list it as additional groups" {
  image_with 'root:x:0:0::/root:/bin/sh
app:x:1001:1002::/home/app:/bin/sh' 'root:x:0:
staff:x:50:root,app
app:x:1002:
audio:x:29:other
video:x:44:x,app,y
staff2:x:50:app'
  piecefile "FROM_URL $BASE_URL" 'USER app'
  build
  [ "$status" -eq 0 ]
  [ "$(user_of_bundle)" = '{"uid": 1001, "gid": 1002, "additionalGids": [50, 44]}' ]
  run "$PIECES_RUN" "$BUNDLE" id
  # The kernel keeps supplementary groups sorted.
  [ "$output" = "uid=1001(app) gid=1002(app) groups=44(video),50(staff)" ]
}

@test "explicit groups, by name or number, and no additional groups then" {
  piecefile "FROM_URL $BASE_URL" 'USER tester:users'
  build
  [ "$(user_of_bundle)" = '{"uid": 1000, "gid": 100}' ]
  piecefile "FROM_URL $BASE_URL" 'USER 1000:4242'
  build
  [ "$(user_of_bundle)" = '{"uid": 1000, "gid": 4242}' ]
  piecefile "FROM_URL $BASE_URL" 'USER nobody:0'
  build
  [ "$(user_of_bundle)" = '{"uid": 65534, "gid": 0}' ]
}

@test "a uid in /etc/passwd gets its entry's group; one not there gets group 0" {
  piecefile "FROM_URL $BASE_URL" 'USER 1000'
  build
  [ "$(user_of_bundle)" = '{"uid": 1000, "gid": 1000, "additionalGids": [100]}' ]
  piecefile "FROM_URL $BASE_URL" 'USER 4321'
  build
  [ "$status" -eq 0 ]
  [ "$(user_of_bundle)" = '{"uid": 4321, "gid": 0}' ]
}

@test "RUN steps run as the USER in effect on their line; a later USER is resolved after them" {
  piecefile "FROM_URL $BASE_URL" \
    'RUN id -u > /tmp/before && echo late:x:2000:2000::/:/bin/sh >> /etc/passwd' \
    'USER tester' 'RUN id > /tmp/as-tester' 'USER late:users'
  build
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/tmp/before")" = 0 ]
  [ "$(cat "$BUNDLE/rootfs/tmp/as-tester")" = "uid=1000(tester) gid=1000(tester) groups=100(users)" ]
  [ "$(stat -c %u "$BUNDLE/rootfs/tmp/as-tester")" = 1000 ]
  [ "$(user_of_bundle)" = '{"uid": 2000, "gid": 100}' ]
}

@test "an unknown user or group fails the build, naming the USER line" {
  piecefile "FROM_URL $BASE_URL" 'USER ghost' 'CMD id'
  build_fails "$CONTEXT/Piecefile:2: USER ghost: no user 'ghost' in the image's /etc/passwd"
  piecefile "FROM_URL $BASE_URL" 'USER tester:ghosts'
  build_fails "$CONTEXT/Piecefile:2: USER tester:ghosts: no group 'ghosts' in the image's /etc/group"
  piecefile "FROM_URL $BASE_URL" 'USER ghost' 'RUN true'
  build_fails "$CONTEXT/Piecefile:3: RUN: USER ghost (line 2): no user 'ghost' in the image's /etc/passwd"
  piecefile "FROM_URL $BASE_URL" 'USER ghost' 'WORKDIR /x'
  build_fails "$CONTEXT/Piecefile:3: WORKDIR: USER ghost (line 2): no user 'ghost' in the image's /etc/passwd"
}

@test "the account files are read inside the image: a symlink to the host's is not followed out" {
  local root="$BATS_TEST_TMPDIR/img"
  make_rootfs "$root"
  # The host file exists at this absolute path; inside the image the same path does not.
  printf 'hostonly:x:777:777::/:/bin/sh\n' > "$BATS_TEST_TMPDIR/host-passwd"
  ln -sf "$BATS_TEST_TMPDIR/host-passwd" "$root/etc/passwd"
  make_tarball "$root" "$BATS_TEST_TMPDIR/img.tar"
  piecefile "FROM_URL file://$BATS_TEST_TMPDIR/img.tar" 'USER hostonly'
  build_fails "$CONTEXT/Piecefile:2: USER hostonly: the image has no /etc/passwd to look up user 'hostonly' in"
  # A symlink that stays inside the image is followed.
  rm "$root/etc/passwd"
  mkdir -p "$root/usr/lib/accounts"
  printf 'inside:x:888:888::/:/bin/sh\n' > "$root/usr/lib/accounts/passwd"
  ln -s /usr/lib/accounts/passwd "$root/etc/passwd"
  make_tarball "$root" "$BATS_TEST_TMPDIR/img.tar"
  build
  [ "$status" -eq 1 ]
  piecefile "FROM_URL file://$BATS_TEST_TMPDIR/img.tar" 'USER inside'
  build
  [ "$status" -eq 0 ]
  [ "$(user_of_bundle)" = '{"uid": 888, "gid": 888}' ]
}

@test "a FIFO as /etc/passwd is refused, not waited on" {
  local root="$BATS_TEST_TMPDIR/img"
  make_rootfs "$root"
  rm "$root/etc/passwd"
  mkfifo "$root/etc/passwd"
  make_tarball "$root" "$BATS_TEST_TMPDIR/img.tar"
  piecefile "FROM_URL file://$BATS_TEST_TMPDIR/img.tar" 'USER tester'
  build_fails "$CONTEXT/Piecefile:2: USER tester: the image's /etc/passwd is not a regular file"
}

@test "numbers need no account files; names do" {
  local root="$BATS_TEST_TMPDIR/img"
  make_rootfs "$root"
  rm "$root/etc/passwd" "$root/etc/group"
  make_tarball "$root" "$BATS_TEST_TMPDIR/img.tar"
  piecefile "FROM_URL file://$BATS_TEST_TMPDIR/img.tar" 'USER 5:6'
  build
  [ "$status" -eq 0 ]
  [ "$(user_of_bundle)" = '{"uid": 5, "gid": 6}' ]
  rm -rf "$BUNDLE"
  piecefile "FROM_URL file://$BATS_TEST_TMPDIR/img.tar" 'USER 5:wheel'
  build_fails "$CONTEXT/Piecefile:2: USER 5:wheel: the image has no /etc/group to look up group 'wheel' in"
}

@test "USER syntax errors are found before anything is downloaded" {
  piecefile 'FROM_URL http://127.0.0.1:1/never.tar' 'USER a:b:c'
  build_fails "$CONTEXT/Piecefile:2: USER: 'a:b:c': more than one ':'; write USER[:GROUP]"
  piecefile 'FROM_URL http://127.0.0.1:1/never.tar' 'USER :staff'
  build_fails "$CONTEXT/Piecefile:2: USER: ':staff': the user is empty"
  piecefile 'FROM_URL http://127.0.0.1:1/never.tar' 'USER app:'
  build_fails "$CONTEXT/Piecefile:2: USER: 'app:': the group is empty"
  piecefile 'FROM_URL http://127.0.0.1:1/never.tar' 'USER 4294967295'
  build_fails "$CONTEXT/Piecefile:2: USER: '4294967295': user 4294967295 is out of range (0 to 4294967294)"
  piecefile 'FROM_URL http://127.0.0.1:1/never.tar' 'USER'
  build_fails "$CONTEXT/Piecefile:2: USER needs a USER[:GROUP]"
}
