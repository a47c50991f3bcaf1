#!/usr/bin/env bats
# pieces-build: LABEL KEY=VALUE ...  Labels become config.json annotations, after the
# two pieces-build writes itself, in the order they first appear.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
}

@test "labels are annotations, in order; a later value replaces an earlier one in place" {
  piecefile "FROM_URL $BASE_URL" 'ARG REV=abc123' \
    'LABEL org.opencontainers.image.title="My app" revision=$REV' \
    'LABEL "quoted key"=x maintainer="A. Person <a@example.com>"' 'LABEL revision=def456' \
    'LABEL legacy form value'
  build
  [ "$status" -eq 0 ]
  sum=$(sha256sum "$BATS_FILE_TMPDIR/base.tar.gz" | cut -d' ' -f1)
  [ "$(config 'list(c["annotations"].items())')" = "[[\"org.opencontainers.image.source\", \"$BASE_URL\"], [\"org.pieces.rootfs.sha256\", \"$sum\"], [\"org.opencontainers.image.title\", \"My app\"], [\"revision\", \"def456\"], [\"quoted key\", \"x\"], [\"maintainer\", \"A. Person <a@example.com>\"], [\"legacy\", \"form value\"]]" ]
}

@test "UTF-8 in labels is kept as it is" {
  piecefile "FROM_URL $BASE_URL" 'LABEL description="café ☕"'
  build
  [ "$status" -eq 0 ]
  grep -q '"description": "café ☕"' "$BUNDLE/config.json"
}

@test "the keys pieces-build sets are refused" {
  piecefile "FROM_URL $BASE_URL" 'LABEL org.pieces.rootfs.sha256=0000'
  build_fails "$CONTEXT/Piecefile:2: LABEL: 'org.pieces.rootfs.sha256' is set by pieces-build itself; choose another key"
  piecefile "FROM_URL $BASE_URL" 'LABEL a=1 org.opencontainers.image.source=elsewhere'
  build_fails "$CONTEXT/Piecefile:2: LABEL: 'org.opencontainers.image.source' is set by pieces-build itself; choose another key"
}

@test "LABEL errors name the line" {
  piecefile "FROM_URL $BASE_URL" 'LABEL a=1 b'
  build_fails "$CONTEXT/Piecefile:2: LABEL: 'b' is not NAME=VALUE"
  piecefile "FROM_URL $BASE_URL" 'LABEL ="x"'
  build_fails "$CONTEXT/Piecefile:2: LABEL: '=x' has an empty name"
  piecefile "FROM_URL $BASE_URL" 'LABEL'
  build_fails "$CONTEXT/Piecefile:2: LABEL needs KEY=VALUE"
}
