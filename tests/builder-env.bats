#!/usr/bin/env bats
# pieces-build: ENV NAME=VALUE ... (and the legacy ENV NAME VALUE).  Values end up in
# process.env after PATH and TERM, are seen by later RUN steps and substitutions, and are
# read with Docker's quoting rules.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
}

env_of_bundle() {
  config 'c["process"]["env"]'
}

@test "NAME=VALUE pairs, quoted and escaped, in order after PATH and TERM" {
  piecefile "FROM_URL $BASE_URL" \
    'ENV A=1 B="two words" C='"'"'single $A'"'"' D=back\ slash E= F="q\"uote"'
  build
  [ "$status" -eq 0 ]
  [ "$(env_of_bundle)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", "A=1", "B=two words", "C=single $A", "D=back slash", "E=", "F=q\"uote"]' ]
}

@test "the legacy form takes the rest of the line as the value" {
  piecefile "FROM_URL $BASE_URL" 'ENV GREETING hello   big "world"'
  build
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["env"][2]')" = '"GREETING=hello   big world"' ]
}

@test "substitutions see earlier values, not those of the same instruction; a later ENV replaces in place" {
  piecefile "FROM_URL $BASE_URL" 'ENV A=old' 'ENV A=new B=$A C=${A}x' 'ENV PATH=/opt/bin:$PATH A=last'
  build
  [ "$status" -eq 0 ]
  [ "$(env_of_bundle)" = '["PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", "A=last", "B=old", "C=oldx"]' ]
}

@test "RUN steps see the ENV in effect on their line, and so does the container" {
  piecefile "FROM_URL $BASE_URL" 'RUN echo "[$STAGE]" > /first' 'ENV STAGE=two' \
    'RUN echo "[$STAGE]" > /second' 'CMD ["sh", "-c", "echo $STAGE"]'
  build
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/first")" = '[]' ]
  [ "$(cat "$BUNDLE/rootfs/second")" = '[two]' ]
  run "$PIECES_RUN" "$BUNDLE"
  [ "$output" = two ]
}

@test "ENV errors name the line" {
  piecefile "FROM_URL $BASE_URL" 'ENV A=1 B'
  build_fails "$CONTEXT/Piecefile:2: ENV: 'B' is not NAME=VALUE"
  piecefile "FROM_URL $BASE_URL" 'ENV =x'
  build_fails "$CONTEXT/Piecefile:2: ENV: '=x' has an empty name"
  piecefile "FROM_URL $BASE_URL" 'ENV LONELY'
  build_fails "$CONTEXT/Piecefile:2: ENV: 'LONELY' has no value; write ENV NAME=VALUE (or ENV NAME VALUE)"
  piecefile "FROM_URL $BASE_URL" 'ENV A="open'
  build_fails "$CONTEXT/Piecefile:2: ENV: unterminated double quote"
  piecefile "FROM_URL $BASE_URL" 'ENV A=${B'
  build_fails "$CONTEXT/Piecefile:2: ENV: unterminated '\${B'"
  piecefile "FROM_URL $BASE_URL" 'ENV A=${B/x/y}'
  build_fails "$CONTEXT/Piecefile:2: ENV: bad substitution '\${B/...': only \${NAME}, \${NAME:-DEFAULT} and \${NAME:+ALTERNATIVE} are supported"
  piecefile "FROM_URL $BASE_URL" 'ENV'
  build_fails "$CONTEXT/Piecefile:2: ENV needs NAME=VALUE"
}
