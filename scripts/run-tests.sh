#!/bin/sh
# Run the bats suite (all files, or those given) and end with one summary line,
# "N passed, N failed, N skipped", that CI systems read.
set -u
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "run-tests.sh: the tests need root (namespaces, mounts, device nodes)" >&2
  exit 1
fi
[ $# -gt 0 ] || set -- tests/
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The pipe hides bats's own status; the counts below decide instead, and a run in
# which nothing passed (bats could not start, no test found) is a failure.
bats --tap --print-output-on-failure "$@" | tee "$log"
passed=$(grep -c '^ok .*' "$log" | tr -d ' ')
skipped=$(grep -c '^ok .* # skip' "$log" | tr -d ' ')
failed=$(grep -c '^not ok ' "$log" | tr -d ' ')
echo "$((passed - skipped)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && ! grep -q '^# bats warning\|^Bail out' "$log"
