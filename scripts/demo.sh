#!/usr/bin/env bash
# make demo: the whole Pieces flow in one command, with nothing from the internet.
#
# Makes a busybox root filesystem tarball, serves it from a loopback HTTP server,
# writes a Piecefile that fetches it, builds the bundle with pieces-build and runs it
# with pieces-run, whose `ps aux` shows only the container's processes.  Everything
# (server, temporary directory) is cleaned up on exit, however it exits.
set -euo pipefail

TOP="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$(id -u)" -ne 0 ]; then
  echo "demo.sh: run as root (pieces-run makes namespaces and mounts)" >&2
  exit 1
fi

# The test helpers make the root filesystem and run the server; they locate the
# repository from BATS_TEST_DIRNAME.
BATS_TEST_DIRNAME="$TOP/tests"
# shellcheck source=../tests/lib/common.bash
source "$TOP/tests/lib/common.bash"
# shellcheck source=../tests/lib/http.bash
source "$TOP/tests/lib/http.bash"

demo_dir="$(mktemp -d /tmp/pieces-demo.XXXXXX)"
HTTPD_STATE_DIR="$demo_dir"
HTTPD_PID=
cleanup() {
  stop_httpd
  rm -rf "$demo_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() {
  if [ -t 2 ]; then
    printf '\n\033[1m%s\033[0m\n' "$*" >&2
  else
    printf '\n== %s\n' "$*" >&2
  fi
}

say "Making a busybox root filesystem tarball"
make_rootfs "$demo_dir/rootfs"
mkdir "$demo_dir/www"
make_tarball "$demo_dir/rootfs" "$demo_dir/www/busybox-rootfs.tar.gz"
ls -l "$demo_dir/www/busybox-rootfs.tar.gz" >&2

say "Serving it on loopback"
start_httpd "$demo_dir/www"
echo "http://127.0.0.1:$HTTPD_PORT/busybox-rootfs.tar.gz (server pid $HTTPD_PID)" >&2

mkdir "$demo_dir/context"
cat > "$demo_dir/context/Piecefile" << PIECEFILE
# The demo image: busybox, listing its own processes.
FROM_URL http://127.0.0.1:$HTTPD_PORT/busybox-rootfs.tar.gz
CMD ps aux
PIECEFILE
say "Piecefile"
cat "$demo_dir/context/Piecefile" >&2

say "pieces-build -o $demo_dir/bundle $demo_dir/context"
bundle="$("$PIECES_BUILD" -o "$demo_dir/bundle" "$demo_dir/context")"
ls -l "$bundle" >&2

say "pieces-run $bundle"
"$PIECES_RUN" "$bundle"
