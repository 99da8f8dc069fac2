#!/bin/sh
# Runs one harness self-test directory and checks the harness judged it as
# expected: check_selftest.sh RUNNER DIR pass|fail
#   pass: exit 0 and the closing line "1 passed, 0 failed"
#   fail: exit 1, the closing line "0 passed, 1 failed", and every line of
#         DIR/expected-failure (if present) somewhere in the output
# DIR/selftest-args holds extra harness arguments (e.g. "-t 1"); an
# executable-free DIR/check-after.sh, run with sh in DIR, must exit 0 too
# (used to prove the harness stopped the processes a test started).
runner=$1
expect=$3
# Runs a copy of the self-test tree, with free ports filled in (free_ports.sh).
. "$(dirname "$0")/free_ports.sh"
selftest=$(cd "$(dirname "$2")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$selftest/." "$work/"
dir=$work/$(basename "$(dirname "$2")")/$(basename "$2")
fill_free_ports "$dir"
args=""
[ -f "$dir/selftest-args" ] && args=$(cat "$dir/selftest-args")
# shellcheck disable=SC2086
out=$("$runner" test integration "$dir" $args 2>&1)
rc=$?
printf '%s\n' "$out"
last=$(printf '%s\n' "$out" | tail -n 1)
status=0
if [ "$expect" = pass ]; then
  [ "$rc" -eq 0 ] || { echo "check_selftest: expected exit 0, got $rc"; status=1; }
  [ "$last" = "1 passed, 0 failed" ] || { echo "check_selftest: unexpected summary: $last"; status=1; }
else
  [ "$rc" -eq 1 ] || { echo "check_selftest: expected exit 1, got $rc"; status=1; }
  [ "$last" = "0 passed, 1 failed" ] || { echo "check_selftest: unexpected summary: $last"; status=1; }
  if [ -f "$dir/expected-failure" ]; then
    while IFS= read -r line; do
      [ -z "$line" ] && continue
      printf '%s\n' "$out" | grep -F -q -- "$line" ||
        { echo "check_selftest: output lacks: $line"; status=1; }
    done < "$dir/expected-failure"
  fi
fi
if [ -f "$dir/check-after.sh" ]; then
  (cd "$dir" && sh ./check-after.sh) || { echo "check_selftest: check-after.sh failed"; status=1; }
fi
exit $status
