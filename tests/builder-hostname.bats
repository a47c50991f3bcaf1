#!/usr/bin/env bats
# pieces-build: HOSTNAME sets config.json's hostname, which is otherwise the bundle
# name; RUN steps see it too.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
}

@test "HOSTNAME replaces the bundle name as the hostname, for RUN and for the container" {
  piecefile "FROM_URL $BASE_URL" 'ARG DOMAIN=example.org' 'HOSTNAME web-1.$DOMAIN' 'RUN hostname > /built-on'
  build -t named
  [ "$status" -eq 0 ]
  [ "$(config 'c["hostname"]')" = '"web-1.example.org"' ]
  [ "$(cat "$BUNDLE/rootfs/built-on")" = web-1.example.org ]
  run "$PIECES_RUN" "$BUNDLE" hostname
  [ "$output" = web-1.example.org ]
}

@test "without HOSTNAME the bundle name is the hostname" {
  piecefile "FROM_URL $BASE_URL"
  build -t plain-name
  [ "$(config 'c["hostname"]')" = '"plain-name"' ]
}

@test "HOSTNAME errors name the line" {
  piecefile "FROM_URL $BASE_URL" 'HOSTNAME bad_name'
  build_fails "$CONTEXT/Piecefile:2: HOSTNAME: 'bad_name' is not a host name: use 1 to 63 letters, digits, '-' and '.', starting with a letter or digit"
  piecefile "FROM_URL $BASE_URL" 'HOSTNAME -x'
  build_fails "$CONTEXT/Piecefile:2: HOSTNAME: '-x' is not a host name: use 1 to 63 letters, digits, '-' and '.', starting with a letter or digit"
  local long
  long=$(printf 'h%.0s' $(seq 64))
  piecefile "FROM_URL $BASE_URL" "HOSTNAME $long"
  build_fails "$CONTEXT/Piecefile:2: HOSTNAME: '$long' is not a host name: use 1 to 63 letters, digits, '-' and '.', starting with a letter or digit"
  piecefile "FROM_URL $BASE_URL" 'HOSTNAME a' 'HOSTNAME b'
  build_fails "$CONTEXT/Piecefile:3: second HOSTNAME instruction; the first is on line 2 and only one is allowed"
  piecefile "FROM_URL $BASE_URL" 'HOSTNAME'
  build_fails "$CONTEXT/Piecefile:2: HOSTNAME needs a host name"
}
