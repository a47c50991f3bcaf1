#!/usr/bin/env bats
# pieces-build: ENTRYPOINT, and how CMD combines with it (Docker's rules): the JSON form
# of ENTRYPOINT takes CMD as its arguments; the shell form runs /bin/sh -c TEXT and
# ignores CMD.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
}

@test "the JSON form of ENTRYPOINT takes the JSON CMD as arguments" {
  piecefile "FROM_URL $BASE_URL" 'ENTRYPOINT ["echo", "from entrypoint"]' 'CMD ["and", "cmd"]'
  build
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["args"]')" = '["echo", "from entrypoint", "and", "cmd"]' ]
  run "$PIECES_RUN" "$BUNDLE"
  [ "$status" -eq 0 ]
  [ "$output" = "from entrypoint and cmd" ]
}

@test "a shell-form CMD is split into words and appended, with no shell" {
  piecefile "FROM_URL $BASE_URL" "CMD 'a b' \$HOME" 'ENTRYPOINT ["printf", "[%s]"]'
  build
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["args"]')" = '["printf", "[%s]", "a b", "$HOME"]' ]
  run "$PIECES_RUN" "$BUNDLE"
  [ "$output" = '[a b][$HOME]' ]
}

@test "the JSON form of ENTRYPOINT alone" {
  piecefile "FROM_URL $BASE_URL" 'ENTRYPOINT ["hostname"]'
  build -t entry
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["args"]')" = '["hostname"]' ]
  run "$PIECES_RUN" "$BUNDLE"
  [ "$output" = entry ]
}

@test "the shell form runs /bin/sh -c with the text as written, and CMD is not used (a note says so)" {
  piecefile "FROM_URL $BASE_URL" 'CMD ["ignored"]' 'ENTRYPOINT echo "$0" $((6 * 7)) | tr a-z A-Z'
  run --separate-stderr "$PIECES_BUILD" -o "$BUNDLE" "$CONTEXT"
  [ "$status" -eq 0 ]
  [ "$(config 'c["process"]["args"]')" = '["/bin/sh", "-c", "echo \"$0\" $((6 * 7)) | tr a-z A-Z"]' ]
  [[ "$stderr" == *"$CONTEXT/Piecefile:2: CMD is not used: the shell form of ENTRYPOINT (line 3) takes no arguments; use its JSON form to give it CMD's"* ]]
  [[ "$stderr" != *"no CMD"* ]]
  run "$PIECES_RUN" "$BUNDLE"
  [ "$output" = "/BIN/SH 42" ]
}

@test "pieces-run COMMAND replaces the whole of process.args, entrypoint included" {
  piecefile "FROM_URL $BASE_URL" 'ENTRYPOINT ["false"]'
  build
  run "$PIECES_RUN" "$BUNDLE" echo replaced
  [ "$status" -eq 0 ]
  [ "$output" = replaced ]
}

@test "ENTRYPOINT errors name the line" {
  piecefile "FROM_URL $BASE_URL" 'ENTRYPOINT ["echo",'
  build_fails "$CONTEXT/Piecefile:2: ENTRYPOINT: bad JSON at column 19: ']' expected near end of file"
  piecefile "FROM_URL $BASE_URL" 'ENTRYPOINT []'
  build_fails "$CONTEXT/Piecefile:2: ENTRYPOINT: the JSON form must be a non-empty array of strings, like [\"ps\", \"aux\"]"
  piecefile "FROM_URL $BASE_URL" 'ENTRYPOINT ["", "x"]'
  build_fails "$CONTEXT/Piecefile:2: ENTRYPOINT: the program name is empty"
  piecefile "FROM_URL $BASE_URL" 'ENTRYPOINT [true]'
  build_fails "$CONTEXT/Piecefile:2: ENTRYPOINT: element 0 of the JSON array is not a string"
  piecefile "FROM_URL $BASE_URL" 'ENTRYPOINT a' '' 'entrypoint b'
  build_fails "$CONTEXT/Piecefile:4: second ENTRYPOINT instruction; the first is on line 2 and only one is allowed"
  piecefile "FROM_URL $BASE_URL" 'ENTRYPOINT  '
  build_fails "$CONTEXT/Piecefile:2: ENTRYPOINT needs a command"
}
