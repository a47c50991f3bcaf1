#!/usr/bin/env bats
# pieces-build: ARG and --build-arg, and the $VAR substitutions of the instructions
# Docker substitutes in (FROM_URL, ENV, ARG, LABEL, WORKDIR, USER, HOSTNAME, COPY).
# ARG values reach RUN steps as environment variables but never the bundle.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
}

@test "a default, overridden by --build-arg, substituted in ENV and LABEL" {
  piecefile "FROM_URL $BASE_URL" 'ARG VERSION=1.0 FLAVOUR' 'ENV V=$VERSION F=[$FLAVOUR]' 'LABEL version=${VERSION}'
  build
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["env"][2:]')" = '["V=1.0", "F=[]"]' ]
  build --build-arg VERSION=2.5 --build-arg FLAVOUR=mint
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["env"][2:]')" = '["V=2.5", "F=[mint]"]' ]
  [ "$(config 'c["annotations"]["version"]')" = '"2.5"' ]
}

@test "\${NAME:-DEFAULT}, \${NAME:+ALTERNATIVE}, escapes and single quotes" {
  piecefile "FROM_URL $BASE_URL" 'ARG SET=yes EMPTY=' \
    'ENV A=${UNSET:-dflt} B=${EMPTY:-dflt} C=${SET:-dflt} D=${SET:+alt} E=${UNSET:+alt} F=\$SET G='"'"'$SET'"'"' H="$SET" I=${UNSET:-${SET}!} J=$ K=$1'
  build
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["env"][2:]')" = '["A=dflt", "B=dflt", "C=yes", "D=alt", "E=", "F=$SET", "G=$SET", "H=yes", "I=yes!", "J=$", "K=$1"]' ]
}

@test "an ARG is unset before its line; ENV wins over ARG of the same name" {
  piecefile "FROM_URL $BASE_URL" 'ENV BEFORE=[$X]' 'ARG X=arg' 'ENV AFTER=[$X]' 'ENV X=env' 'ENV LATER=[$X]'
  build --build-arg X=given
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["env"][2:]')" = '["BEFORE=[]", "AFTER=[given]", "X=env", "LATER=[env]"]' ]
}

@test "RUN sees ARG values in its environment; the bundle does not keep them" {
  piecefile "FROM_URL $BASE_URL" 'ARG TOKEN=default' 'RUN echo "token=$TOKEN" > /token'
  build --build-arg TOKEN=s3cret
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/token")" = "token=s3cret" ]
  if grep -q s3cret "$BUNDLE/config.json"; then false; fi
  [ "$(config 'c["process"]["env"]')" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"]' ]
}

@test "--build-arg NAME takes the value from the environment" {
  piecefile "FROM_URL $BASE_URL" 'ARG FROM_ENV' 'ENV GOT=$FROM_ENV'
  FROM_ENV=exported build --build-arg FROM_ENV
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["env"][2]')" = '"GOT=exported"' ]
}

@test "proxy arguments reach RUN without an ARG; other undeclared ones get a warning" {
  piecefile "FROM_URL $BASE_URL" 'RUN echo "$http_proxy" > /proxy'
  build --build-arg http_proxy=http://proxy.example:3128 --build-arg NOBODY=x
  [ "$status" -eq 0 ]
  [ "$(cat "$BUNDLE/rootfs/proxy")" = "http://proxy.example:3128" ]
  [ "$stderr" = "pieces-build: warning: --build-arg NOBODY: $CONTEXT/Piecefile has no ARG NOBODY; the value is not used" ]
  if grep -q proxy.example "$BUNDLE/config.json"; then false; fi
}

@test "ARG errors name the line" {
  piecefile "FROM_URL $BASE_URL" 'ARG 1ST=x'
  build_fails "$CONTEXT/Piecefile:2: ARG: '1ST' is not a valid name: use letters, digits and '_', not starting with a digit"
  piecefile "FROM_URL $BASE_URL" 'ARG A-B'
  build_fails "$CONTEXT/Piecefile:2: ARG: 'A-B' is not a valid name: use letters, digits and '_', not starting with a digit"
  piecefile "FROM_URL $BASE_URL" 'ARG'
  build_fails "$CONTEXT/Piecefile:2: ARG needs a NAME or NAME=DEFAULT"
  piecefile "FROM_URL $BASE_URL"
  run --separate-stderr "$PIECES_BUILD" --build-arg =x -o "$BUNDLE" "$CONTEXT"
  [ "$status" -eq 2 ]
  [ "$stderr" = "pieces-build: --build-arg '=x': the name is empty; write --build-arg NAME=VALUE" ]
}
