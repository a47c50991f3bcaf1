#!/usr/bin/env bats
# pieces-build: the Piecefile.  Every error names PATH:LINE and leaves nothing behind
# (not even the store directory: parsing comes before any disk or network work); the
# good forms end up in config.json exactly.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
  require_root
  export PIECES_STORE="$BATS_TEST_TMPDIR/store"
  CONTEXT="$BATS_TEST_TMPDIR/context"
  mkdir -p "$CONTEXT"
  cd "$CONTEXT"
}

# piecefile LINE...: write ./Piecefile, one argument per line.
piecefile() {
  printf '%s\n' "$@" > "$CONTEXT/Piecefile"
}

# build_fails MESSAGE: pieces-build . fails with exactly MESSAGE on stderr, prints nothing
# on stdout and writes nothing at all.
build_fails() {
  run --separate-stderr "$PIECES_BUILD" .
  echo "stderr: $stderr"
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "pieces-build: $1" ]
  [ ! -e "$PIECES_STORE" ]
  [ -z "$(find "$BATS_TEST_TMPDIR" -name '.*.tmp-*')" ]
}

# A one-file root filesystem, enough for builds that must succeed.
tiny_tarball() {
  mkdir -p "$BATS_TEST_TMPDIR/tiny/bin"
  echo tiny > "$BATS_TEST_TMPDIR/tiny/bin/marker"
  make_tarball "$BATS_TEST_TMPDIR/tiny" "$BATS_TEST_TMPDIR/tiny.tar.gz"
  TINY_URL="file://$BATS_TEST_TMPDIR/tiny.tar.gz"
}

# args_of BUNDLE: process.args of BUNDLE's config.json as a JSON list.
args_of() {
  python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["process"]["args"]))' \
    "$1/config.json"
}

@test "an unknown instruction is named with its line and the known ones" {
  piecefile '# a comment' '' 'FORM_URL http://127.0.0.1/rootfs.tar.gz'
  build_fails "./Piecefile:3: unknown instruction 'FORM_URL' (known: FROM_URL, CMD, ENTRYPOINT, ENV, ARG, WORKDIR, USER, LABEL, HOSTNAME, COPY, RUN)"
}

@test "a missing FROM_URL names the file" {
  piecefile 'CMD ps aux'
  build_fails "./Piecefile: no FROM_URL instruction; add one naming the root filesystem tarball, e.g. FROM_URL https://example.com/rootfs.tar.gz"
}

@test "an empty Piecefile lacks FROM_URL" {
  : > Piecefile
  build_fails "./Piecefile: no FROM_URL instruction; add one naming the root filesystem tarball, e.g. FROM_URL https://example.com/rootfs.tar.gz"
}

@test "a second FROM_URL names both lines" {
  piecefile 'FROM_URL http://127.0.0.1/a.tar' '# comment' 'from_url http://127.0.0.1/b.tar'
  build_fails "./Piecefile:3: second FROM_URL instruction; the first is on line 1 and only one is allowed"
}

@test "a second CMD names both lines" {
  piecefile 'FROM_URL http://127.0.0.1/a.tar' 'CMD ps' '' 'CMD ["ls"]'
  build_fails "./Piecefile:4: second CMD instruction; the first is on line 2 and only one is allowed"
}

@test "FROM_URL without an argument" {
  piecefile 'CMD ps' 'FROM_URL   '
  build_fails "./Piecefile:2: FROM_URL needs a URL"
}

@test "CMD without an argument" {
  piecefile 'FROM_URL http://127.0.0.1/a.tar' 'CMD'
  build_fails "./Piecefile:2: CMD needs a command"
}

@test "bad JSON in CMD gives jansson's message and the column in the line" {
  piecefile 'FROM_URL http://127.0.0.1/a.tar' 'CMD ["ps", "aux"'
  build_fails "./Piecefile:2: CMD: bad JSON at column 16: ']' expected near end of file"
  piecefile 'FROM_URL http://127.0.0.1/a.tar' 'CMD ["ps",]'
  build_fails "./Piecefile:2: CMD: bad JSON at column 11: unexpected token near ']'"
}

@test "a JSON CMD must be a non-empty array of strings" {
  piecefile 'FROM_URL http://127.0.0.1/a.tar' 'CMD ["ps", 1]'
  build_fails "./Piecefile:2: CMD: element 1 of the JSON array is not a string"
  piecefile 'FROM_URL http://127.0.0.1/a.tar' 'CMD []'
  build_fails "./Piecefile:2: CMD: the JSON form must be a non-empty array of strings, like [\"ps\", \"aux\"]"
  piecefile 'FROM_URL http://127.0.0.1/a.tar' 'CMD [""]'
  build_fails "./Piecefile:2: CMD: the program name is empty"
}

@test "an unterminated quote in the shell form" {
  piecefile 'FROM_URL http://127.0.0.1/a.tar' "CMD echo 'hello"
  build_fails "./Piecefile:2: CMD: unterminated single quote"
  piecefile 'FROM_URL http://127.0.0.1/a.tar' 'CMD echo "hello'
  build_fails "./Piecefile:2: CMD: unterminated double quote"
}

@test "an unsupported URL scheme" {
  piecefile 'FROM_URL ftp://127.0.0.1/rootfs.tar'
  build_fails "./Piecefile:1: FROM_URL: unsupported URL scheme 'ftp' (supported: http, https, file)"
}

@test "a FROM_URL that is not a URL, or a malformed one" {
  piecefile 'FROM_URL rootfs.tar.gz'
  build_fails "./Piecefile:1: FROM_URL: 'rootfs.tar.gz' is not a URL; write http://HOST/PATH, https://HOST/PATH or file:///ABSOLUTE/PATH"
  piecefile 'FROM_URL http://bad host/rootfs.tar'
  build_fails "./Piecefile:1: FROM_URL: malformed URL 'http://bad host/rootfs.tar': Bad hostname"
}

@test "the message names the Piecefile the way DIR was written" {
  printf 'BOGUS x\n' > "$CONTEXT/Piecefile"
  cd "$BATS_TEST_TMPDIR"
  run --separate-stderr "$PIECES_BUILD" context/
  [ "$status" -eq 1 ]
  [ "$stderr" = "pieces-build: context/Piecefile:1: unknown instruction 'BOGUS' (known: FROM_URL, CMD, ENTRYPOINT, ENV, ARG, WORKDIR, USER, LABEL, HOSTNAME, COPY, RUN)" ]
  run --separate-stderr "$PIECES_BUILD" "$CONTEXT"
  [ "$stderr" = "pieces-build: $CONTEXT/Piecefile:1: unknown instruction 'BOGUS' (known: FROM_URL, CMD, ENTRYPOINT, ENV, ARG, WORKDIR, USER, LABEL, HOSTNAME, COPY, RUN)" ]
}

@test "a missing Piecefile" {
  build_fails "open './Piecefile': No such file or directory"
}

@test "a NUL byte is refused with its line" {
  printf 'FROM_URL http://127.0.0.1/a.tar\nCMD a\0b\n' > Piecefile
  build_fails "./Piecefile:2: contains a NUL byte; a Piecefile is text"
}

@test "a bad command line is a usage error (status 2)" {
  run --separate-stderr "$PIECES_BUILD"
  [ "$status" -eq 2 ]
  [[ "$stderr" == "usage: pieces-build [OPTIONS] DIR"* ]]
  run --separate-stderr "$PIECES_BUILD" -x .
  [ "$status" -eq 2 ]
  run --separate-stderr "$PIECES_BUILD" . extra
  [ "$status" -eq 2 ]
  [ ! -e "$PIECES_STORE" ]
}

@test "the shell form splits like Python's shlex.split" {
  tiny_tarball
  local cmd='sh -c '\''echo "a  b" $HOME'\'' x\ y "q\"z\\n" '\'''\'' "" #not-a-comment'
  piecefile "FROM_URL $TINY_URL" "CMD $cmd"
  run --separate-stderr "$PIECES_BUILD" -q -o "$BATS_TEST_TMPDIR/bundle" .
  [ "$status" -eq 0 ]
  expected=$(python3 -c 'import json, shlex, sys; print(json.dumps(shlex.split(sys.argv[1])))' "$cmd")
  [ "$(args_of "$BATS_TEST_TMPDIR/bundle")" = "$expected" ]
  [ "$expected" = '["sh", "-c", "echo \"a  b\" $HOME", "x y", "q\"z\\n", "", "", "#not-a-comment"]' ]
}

@test "the JSON form is taken as it is" {
  tiny_tarball
  piecefile "FROM_URL $TINY_URL" 'CMD ["ps", "a u x", "$HOME", "\u00e9"]'
  run --separate-stderr "$PIECES_BUILD" -q -o "$BATS_TEST_TMPDIR/bundle" .
  [ "$status" -eq 0 ]
  [ "$(args_of "$BATS_TEST_TMPDIR/bundle")" = '["ps", "a u x", "$HOME", "\u00e9"]' ]
}

@test "keywords are case-insensitive; comments, blank lines, indentation and CRLF are fine" {
  tiny_tarball
  printf '# build the tiny image\r\n\r\n   from_url %s\r\n\t# run ps\r\n  Cmd   ps aux  \r\n' \
    "$TINY_URL" > Piecefile
  run --separate-stderr "$PIECES_BUILD" -q -o "$BATS_TEST_TMPDIR/bundle" .
  [ "$status" -eq 0 ]
  [ "$(args_of "$BATS_TEST_TMPDIR/bundle")" = '["ps", "aux"]' ]
}

@test "a backslash at the end of a line continues the instruction" {
  tiny_tarball
  piecefile "FROM_URL $TINY_URL" 'CMD echo \' '  # a comment inside is skipped' '  hello \  ' '  world'
  run --separate-stderr "$PIECES_BUILD" -q -o "$BATS_TEST_TMPDIR/bundle" .
  [ "$status" -eq 0 ]
  [ "$(args_of "$BATS_TEST_TMPDIR/bundle")" = '["echo", "hello", "world"]' ]
}

@test "an error in a continued instruction names its first line" {
  piecefile 'FROM_URL http://127.0.0.1/a.tar' '' 'CMD ["a", \' '  2]'
  build_fails "./Piecefile:3: CMD: element 1 of the JSON array is not a string"
}

@test "without CMD the bundle runs /bin/sh, and says so" {
  tiny_tarball
  piecefile "FROM_URL $TINY_URL"
  run --separate-stderr "$PIECES_BUILD" -o "$BATS_TEST_TMPDIR/bundle" .
  [ "$status" -eq 0 ]
  [ "$(args_of "$BATS_TEST_TMPDIR/bundle")" = '["/bin/sh"]' ]
  [[ "$stderr" == *"./Piecefile: no CMD; the bundle runs /bin/sh"* ]]
}

@test "Dockerfile keywords that Piecefiles lack say what to write instead" {
  piecefile 'FROM alpine:3.18'
  build_fails "./Piecefile:1: unknown instruction 'FROM': a Piecefile starts from a root filesystem tarball: write FROM_URL URL"
  piecefile 'FROM_URL http://127.0.0.1/a.tar' 'add x.tar /'
  build_fails "./Piecefile:2: unknown instruction 'add': use COPY (ADD's URLs and archive unpacking are not supported)"
  piecefile 'FROM_URL http://127.0.0.1/a.tar' 'EXPOSE 80'
  build_fails "./Piecefile:2: unknown instruction 'EXPOSE': a Dockerfile instruction that Piecefiles do not support"
}

@test "steps that act on the root filesystem must come after FROM_URL" {
  local ins
  for ins in 'RUN true' 'COPY a /a' 'WORKDIR /x'; do
    piecefile 'ENV A=1' "$ins" 'FROM_URL http://127.0.0.1/a.tar'
    build_fails "./Piecefile:2: ${ins%% *} before FROM_URL: it acts on the root filesystem that FROM_URL names; put FROM_URL first"
  done
}

@test "FROM_URL takes ARG values, declared before it" {
  tiny_tarball
  piecefile 'ARG WHERE' 'FROM_URL file://${WHERE}/tiny.tar.gz'
  run --separate-stderr "$PIECES_BUILD" -q --build-arg WHERE="$BATS_TEST_TMPDIR" -o "$BATS_TEST_TMPDIR/bundle" .
  [ "$status" -eq 0 ]
  grep -q "\"file://$BATS_TEST_TMPDIR/tiny.tar.gz\"" "$BATS_TEST_TMPDIR/bundle/config.json"
}
