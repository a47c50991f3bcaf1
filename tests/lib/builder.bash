# Helpers for the pieces-build tests (load after lib/common).
#
# Each test gets its own build directory ($CONTEXT), bundle path ($BUNDLE) and store
# ($PIECES_STORE), all under $BATS_TEST_TMPDIR, so nothing outlives the test.  The base
# image, a busybox root filesystem from make_rootfs, is packed once per file.

# builder_setup_file: make the base tarball for the file's tests ($BASE_URL).
builder_setup_file() {
  make_rootfs "$BATS_FILE_TMPDIR/base"
  make_tarball "$BATS_FILE_TMPDIR/base" "$BATS_FILE_TMPDIR/base.tar.gz"
}

builder_setup() {
  require_root
  export PIECES_STORE="$BATS_TEST_TMPDIR/store"
  CONTEXT="$BATS_TEST_TMPDIR/context"
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
  BASE_URL="file://$BATS_FILE_TMPDIR/base.tar.gz"
  mkdir -p "$CONTEXT"
}

# piecefile LINE...: write $CONTEXT/Piecefile, one argument per line.
piecefile() {
  printf '%s\n' "$@" > "$CONTEXT/Piecefile"
}

# build [ARGS...]: pieces-build -q ARGS... -o $BUNDLE $CONTEXT, as `run` does it.
build() {
  run --separate-stderr "$PIECES_BUILD" -q "$@" -o "$BUNDLE" "$CONTEXT"
  echo "status: $status"
  echo "stdout: $output"
  echo "stderr: $stderr"
}

# no_leftovers: no bundle at $BUNDLE and no temporary directory anywhere in the test's.
no_leftovers() {
  [ ! -e "$BUNDLE" ]
  [ -z "$(find "$BATS_TEST_TMPDIR" -name '.*.tmp-*')" ]
}

# build_fails MESSAGE [ARGS...]: the build exits 1 with exactly "pieces-build: MESSAGE"
# on stderr (nothing else), prints nothing on stdout, and leaves nothing behind.
build_fails() {
  local message="$1"
  shift
  build "$@"
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "pieces-build: $message" ]
  no_leftovers
}

# config EXPR: a Python expression on the bundle's config.json (as `c`), printed as JSON.
config() {
  python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2])))' \
    "$BUNDLE/config.json" "$1"
}
