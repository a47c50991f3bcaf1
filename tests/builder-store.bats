#!/usr/bin/env bats
# pieces-build list, rm and prune: the bundles in the store (bundle-spec/store.md).

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder
load lib/http

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
  STORE="$PIECES_STORE/bundles"
  piecefile "FROM_URL $BASE_URL"
  DIGEST=$(sha256sum "$BATS_FILE_TMPDIR/base.tar.gz" | cut -d' ' -f1)
}

teardown() {
  stop_httpd
}

# store_build NAME: build $CONTEXT into the store as NAME, dated 2023-11-14T22:13:20Z.
store_build() {
  SOURCE_DATE_EPOCH=1700000000 "$PIECES_BUILD" -q -t "$1" "$CONTEXT" > /dev/null
}

pb() {
  run --separate-stderr "$PIECES_BUILD" "$@"
  echo "status: $status"
  echo "stdout: $output"
  echo "stderr: $stderr"
}

@test "list with an empty or missing store prints the header only" {
  pb list
  [ "$status" -eq 0 ]
  [ "$output" = "NAME  SIZE  CREATED  SOURCE URL  DIGEST" ]
  [ ! -e "$PIECES_STORE" ]
  pb list --format json
  [ "$output" = "[]" ]
}

@test "list --format json: name, path, size (as du counts it), created, source, digest" {
  store_build web
  store_build db
  # Not bundles: temporary directories, files, names a bundle cannot have.
  mkdir "$STORE/.web.tmp-abcdef" "$STORE/.hidden"
  touch "$STORE/a-file"
  pb list --format json
  [ "$status" -eq 0 ]
  python3 - "$output" "$STORE" "$BASE_URL" "$DIGEST" <<'PY'
import json, subprocess, sys
listing, store, url, digest = json.loads(sys.argv[1]), *sys.argv[2:]
assert [b["name"] for b in listing] == ["db", "web"], listing
for b in listing:
    du = int(subprocess.check_output(["du", "-s", "-B1", f"{store}/{b['name']}"]).split()[0])
    expected = {"name": b["name"], "path": f"{store}/{b['name']}", "size": du,
                "created": "2023-11-14T22:13:20Z", "source": url, "digest": f"sha256:{digest}"}
    assert b == expected, (b, expected)
    assert list(b) == list(expected), list(b)
PY
}

@test "list: the table, its columns aligned, sizes as docker prints them" {
  store_build a-much-longer-name
  store_build b
  pb list --format json
  local json="$output"
  pb list
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 3 ]
  python3 - "$output" "$json" "$DIGEST" <<'PY'
import json, sys
table, listing, digest = sys.argv[1].split("\n"), json.loads(sys.argv[2]), sys.argv[3]
def human(n):
    value, units = float(n), ["B", "kB", "MB", "GB", "TB"]
    unit = 0
    while value >= 999.5:
        value, unit = value / 1000, unit + 1
    return f"{n}B" if unit == 0 else "%.3g%s" % (value, units[unit])
header = table[0]
starts = [header.index(c) for c in ("NAME", "SIZE", "CREATED", "SOURCE URL", "DIGEST")]
assert starts[0] == 0
for row, b in zip(table[1:], listing):
    cells = [row[s:e].strip() for s, e in zip(starts, starts[1:] + [None])]
    assert cells == [b["name"], human(b["size"]), b["created"], b["source"],
                     "sha256:" + digest[:12]], (cells, b)
PY
}

@test "a bundle without pieces-build.json is listed with what is unknown as '-'" {
  mkdir -p "$STORE/handmade/rootfs"
  pb list
  [ "$status" -eq 0 ]
  [[ "${lines[1]}" =~ ^handmade\ +[0-9.]+kB\ +-\ +-\ +-$ ]]
  pb list --format json
  [[ "$output" == *'"created": null,'* ]]
}

@test "list: a bad --format, or an argument" {
  pb list --format yaml
  [ "$status" -eq 2 ]
  [ "$stderr" = "pieces-build: list: --format must be table or json" ]
  pb list extra
  [ "$status" -eq 2 ]
  [ "$stderr" = "pieces-build: list: takes no arguments besides --format" ]
}

@test "rm removes bundles by name, and prints each name" {
  store_build one
  store_build two
  store_build three
  pb rm one three
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'one\nthree')" ]
  [ "$(ls -A "$STORE")" = two ]
  run "$PIECES_RUN" one true
  [ "$status" -ne 0 ]
}

@test "rm: unknown and invalid names are errors; the others are still removed" {
  store_build real
  pb rm ghost real ../etc
  [ "$status" -eq 1 ]
  [ "$output" = real ]
  [ "$stderr" = "$(printf '%s\n%s' \
    "pieces-build: rm: no bundle 'ghost' in the store '$STORE' (see pieces-build list)" \
    "pieces-build: rm: invalid bundle name '../etc': use 1 to 128 of the characters A-Z a-z 0-9 . _ -, starting with a letter or digit")" ]
  [ -z "$(ls -A "$STORE")" ]
  [ -d /etc ]
}

@test "rm: a read-only tree inside goes too; a symlink in it is not followed" {
  store_build ro
  mkdir -p "$STORE/ro/rootfs/locked/deep"
  ln -s "$BATS_TEST_TMPDIR" "$STORE/ro/rootfs/locked/to-tmpdir"
  chmod 0000 "$STORE/ro/rootfs/locked"
  pb rm ro
  [ "$status" -eq 0 ]
  [ ! -e "$STORE/ro" ]
  [ -d "$CONTEXT" ]
  [ -z "$(ls -A "$STORE")" ]
}

@test "rm without names is a usage error" {
  pb rm
  [ "$status" -eq 2 ]
  [ "$stderr" = "pieces-build: rm: give the names of the bundles to remove (see pieces-build list)" ]
}

@test "prune says plainly that there is nothing to prune" {
  pb prune
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '%s\n%s' "no leftovers of interrupted builds in '$STORE'" \
    "no download cache to prune: pieces-build does not keep downloads yet")" ]
}

@test "prune removes what a killed build left, but not a build in progress, nor bundles" {
  store_build kept
  start_httpd "$BATS_TEST_TMPDIR"
  piecefile "FROM_URL http://127.0.0.1:$HTTPD_PORT/stall"
  # One build killed outright, one still running.
  "$PIECES_BUILD" -q -t killed "$CONTEXT" > /dev/null 2>&1 3>&- &
  local killed=$!
  "$PIECES_BUILD" -q -t running "$CONTEXT" > /dev/null 2>&1 3>&- &
  local running=$! i
  for i in $(seq 100); do
    [ -n "$(ls -d "$STORE"/.killed.tmp-* 2> /dev/null)" ] && [ -n "$(ls -d "$STORE"/.running.tmp-* 2> /dev/null)" ] && break
    sleep 0.1
  done
  kill -KILL "$killed"
  wait "$killed" || true
  local dead
  dead=$(ls -d "$STORE"/.killed.tmp-*)
  mkdir -p "$dead/rootfs/ro"
  chmod 0555 "$dead/rootfs/ro"
  pb prune
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^removed\ 1\ leftover\ directory\ of\ interrupted\ builds\ from\ \'$STORE\'\ \([0-9.]+kB\)$ ]]
  [ -z "$(ls -d "$STORE"/.killed.tmp-* 2> /dev/null)" ]
  [ -n "$(ls -d "$STORE"/.running.tmp-* 2> /dev/null)" ]
  [ -f "$STORE/kept/config.json" ]
  kill -TERM "$running"
  wait "$running" || true
  [ -z "$(ls -A "$STORE" | grep -v '^kept$')" ]
}
