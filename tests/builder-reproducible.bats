#!/usr/bin/env bats
# pieces-build: reproducible builds.  The same Piecefile and inputs give a byte-identical
# config.json and the same root filesystem; with SOURCE_DATE_EPOCH, no file is newer
# than it and the recorded creation time is it, so two builds hash the same.

bats_require_minimum_version 1.5.0
load lib/common
load lib/builder

setup_file() {
  builder_setup_file
}

setup() {
  builder_setup
  echo "config" > "$CONTEXT/app.conf"
  echo "old" > "$CONTEXT/old.txt"
  touch -d @1000000000 "$CONTEXT/old.txt"
  piecefile "FROM_URL $BASE_URL" 'ARG V=1' 'ENV APP_V=$V' 'LABEL v=$V' 'WORKDIR /srv/app' \
    'COPY app.conf old.txt ./' 'RUN echo built > built.txt && mkdir -p /var/cache/x && touch /var/cache/x/y' \
    'USER tester' 'CMD ["cat", "built.txt"]'
}

# manifest DIR: every entry of DIR with type, mode, owner, size, mtime, and content hash
# or link target.
manifest() {
  python3 - "$1" <<'PY'
import hashlib, os, stat, sys
root = sys.argv[1]
for dirpath, dirnames, filenames in sorted(os.walk(root)):
    for name in sorted(dirnames + filenames):
        path = os.path.join(dirpath, name)
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode):
            extra = hashlib.sha256(open(path, "rb").read()).hexdigest()
        elif stat.S_ISLNK(st.st_mode):
            extra = os.readlink(path)
        else:
            extra = ""
        print(os.path.relpath(path, root), oct(st.st_mode), st.st_uid, st.st_gid,
              st.st_size if not stat.S_ISDIR(st.st_mode) else 0, st.st_mtime_ns, extra)
PY
}

@test "two builds with SOURCE_DATE_EPOCH hash the same, config.json and root filesystem" {
  export SOURCE_DATE_EPOCH=1700000000
  run --separate-stderr "$PIECES_BUILD" -q -t same -o "$BATS_TEST_TMPDIR/one" "$CONTEXT"
  [ "$status" -eq 0 ]
  sleep 1.1
  run --separate-stderr "$PIECES_BUILD" -q -t same -o "$BATS_TEST_TMPDIR/two" "$CONTEXT"
  [ "$status" -eq 0 ]
  cmp "$BATS_TEST_TMPDIR/one/config.json" "$BATS_TEST_TMPDIR/two/config.json"
  cmp "$BATS_TEST_TMPDIR/one/pieces-build.json" "$BATS_TEST_TMPDIR/two/pieces-build.json"
  manifest "$BATS_TEST_TMPDIR/one/rootfs" > "$BATS_TEST_TMPDIR/one.manifest"
  manifest "$BATS_TEST_TMPDIR/two/rootfs" > "$BATS_TEST_TMPDIR/two.manifest"
  [ "$(wc -l < "$BATS_TEST_TMPDIR/one.manifest")" -gt 250 ]
  [ "$(sha256sum < "$BATS_TEST_TMPDIR/one.manifest")" = "$(sha256sum < "$BATS_TEST_TMPDIR/two.manifest")" ]
  grep -q '"created": "2023-11-14T22:13:20Z"' "$BATS_TEST_TMPDIR/one/pieces-build.json"
}

@test "SOURCE_DATE_EPOCH clamps what COPY and RUN made, and keeps older times" {
  SOURCE_DATE_EPOCH=1700000000 build
  [ "$status" -eq 0 ]
  local r="$BUNDLE/rootfs"
  # Access times too, the final USER lookup's read of /etc/passwd included (directories
  # are left out: listing them is what updates theirs).
  [ -z "$(find "$r" ! -type d -newerat @1700000000)" ]
  [ "$(stat -c %Y "$r/srv/app/built.txt" "$r/srv/app/app.conf" "$r/var/cache/x/y" "$r/var/cache/x" "$r/srv/app" "$r")" = "$(printf '1700000000\n%.0s' 1 2 3 4 5 6 | head -c -1)" ]
  [ "$(stat -c %Y "$r/srv/app/old.txt")" = 1000000000 ]
  [ -z "$(find "$r" -newermt @1700000000)" ]
}

@test "without SOURCE_DATE_EPOCH, config.json is still identical; times are the build's" {
  run --separate-stderr "$PIECES_BUILD" -q -t same -o "$BATS_TEST_TMPDIR/one" "$CONTEXT"
  [ "$status" -eq 0 ]
  run --separate-stderr "$PIECES_BUILD" -q -t same -o "$BATS_TEST_TMPDIR/two" "$CONTEXT"
  [ "$status" -eq 0 ]
  cmp "$BATS_TEST_TMPDIR/one/config.json" "$BATS_TEST_TMPDIR/two/config.json"
  [ "$(stat -c %Y "$BATS_TEST_TMPDIR/one/rootfs/srv/app/built.txt")" -gt 1700000000 ]
  local created now
  created=$(python3 -c 'import json,sys,datetime; print(int(datetime.datetime.strptime(json.load(open(sys.argv[1]))["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()))' "$BATS_TEST_TMPDIR/one/pieces-build.json")
  now=$(date +%s)
  [ "$created" -le "$now" ] && [ "$created" -gt "$((now - 120))" ]
}

@test "a malformed SOURCE_DATE_EPOCH is an error before anything is done" {
  local value
  for value in abc -5 12x 99999999999999; do
    SOURCE_DATE_EPOCH=$value build_fails "SOURCE_DATE_EPOCH='$value': expected a number of seconds since 1970-01-01, at most 253402300799"
  done
}
