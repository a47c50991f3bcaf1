#!/usr/bin/env bats
# pieces-build --check DIR: the Piecefile and the COPY sources are checked, and nothing
# else happens: no download, no store, no bundle.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder

setup() {
  builder_setup
}

check() {
  run --separate-stderr "$PIECES_BUILD" --check "$@" "$CONTEXT"
  echo "status: $status"
  echo "stderr: $stderr"
}

@test "a good Piecefile passes, without network or disk" {
  echo conf > "$CONTEXT/app.conf"
  piecefile 'ARG V=1' 'FROM_URL http://127.0.0.1:1/unreachable-$V.tar.gz' 'ENV A=1' 'WORKDIR /app' \
    'COPY app.conf .' 'USER nobody-yet' 'RUN false' 'CMD ["app"]'
  check
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "$CONTEXT/Piecefile: no problems found" ]
  [ ! -e "$PIECES_STORE" ]
  check -q
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
}

@test "errors are those of a build, with the line" {
  piecefile 'FROM_URL http://127.0.0.1:1/x.tar' 'ENV broken'
  check
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: $CONTEXT/Piecefile:2: ENV: 'broken' has no value; write ENV NAME=VALUE (or ENV NAME VALUE)" ]
  piecefile 'CMD x'
  check
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: $CONTEXT/Piecefile: no FROM_URL instruction; add one naming the root filesystem tarball, e.g. FROM_URL https://example.com/rootfs.tar.gz" ]
}

@test "COPY sources are checked: missing, or outside the build directory" {
  piecefile 'FROM_URL http://127.0.0.1:1/x.tar' 'COPY missing /'
  check
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: $CONTEXT/Piecefile:2: COPY: 'missing' does not exist in the build directory '$CONTEXT'" ]
  piecefile 'FROM_URL http://127.0.0.1:1/x.tar' 'COPY ../ /'
  check
  [ "$stderr" = "pieces-build: $CONTEXT/Piecefile:2: COPY: '../' is outside the build directory '$CONTEXT' (through '..' or a symbolic link); only files inside it can be copied" ]
}

@test "--build-arg applies, and unused ones are warned about" {
  piecefile 'ARG SCHEME' 'FROM_URL $SCHEME://127.0.0.1/x.tar'
  check --build-arg SCHEME=ftp
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: $CONTEXT/Piecefile:2: FROM_URL: unsupported URL scheme 'ftp' (supported: http, https, file)" ]
  check -q --build-arg SCHEME=http --build-arg OTHER=1
  [ "$status" -eq 0 ]
  [ "$stderr" = "pieces-build: warning: --build-arg OTHER: $CONTEXT/Piecefile has no ARG OTHER; the value is not used" ]
}

@test "--check builds nothing, so -o, -t and --runtime are refused" {
  piecefile 'FROM_URL http://127.0.0.1/x.tar'
  check -o "$BUNDLE"
  [ "$status" -eq 2 ]
  [ "$stderr" = "pieces-build: --check takes no -o, -t or --runtime: it builds nothing" ]
  no_leftovers
}
