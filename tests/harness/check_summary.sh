#!/bin/sh
# Runs the harness over a whole self-test tree and checks the closing line:
# check_summary.sh RUNNER EXPECTED_RC "EXPECTED LAST LINE" ARGS...
runner=$1
want_rc=$2
want_last=$3
shift 3
out=$("$runner" test "$@" 2>&1)
rc=$?
printf '%s\n' "$out"
last=$(printf '%s\n' "$out" | tail -n 1)
[ "$rc" -eq "$want_rc" ] || { echo "check_summary: expected exit $want_rc, got $rc"; exit 1; }
[ "$last" = "$want_last" ] || { echo "check_summary: expected \"$want_last\", got \"$last\""; exit 1; }
