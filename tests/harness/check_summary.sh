#!/bin/sh
# Runs the harness over a whole self-test tree and checks the closing line:
#   check_summary.sh RUNNER EXPECTED_RC "EXPECTED LAST LINE" MODE TREE ARGS...
# The trees keep their meta.yaml as suite-meta.yaml so that `temblor test`
# over tests/ never picks up the directories that must fail; this script
# runs a copy of the self-test directory with the meta.yaml files in place.
runner=$1
want_rc=$2
want_last=$3
mode=$4
tree=$5
shift 5
selftest=$(cd "$(dirname "$tree")" && pwd)
name=$(basename "$tree")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$selftest/." "$work/"
. "$(dirname "$0")/free_ports.sh"
fill_free_ports "$work"
for meta in "$work"/*/suite-meta.yaml; do
  mv "$meta" "$(dirname "$meta")/meta.yaml"
done
out=$("$runner" test "$mode" "$work/$name" "$@" 2>&1)
rc=$?
printf '%s\n' "$out"
last=$(printf '%s\n' "$out" | tail -n 1)
[ "$rc" -eq "$want_rc" ] || { echo "check_summary: expected exit $want_rc, got $rc"; exit 1; }
[ "$last" = "$want_last" ] || { echo "check_summary: expected \"$want_last\", got \"$last\""; exit 1; }
