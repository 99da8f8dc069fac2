#!/usr/bin/env bash
# Fails when a doctest case name holds a `;`: doctest_discover_tests splits
# the names it discovers at `;` (a CMake list), so such a case becomes
# ctest entries that run no case at all, and pass. Lists the case names of
# every doctest executable given and names each offender.
# Usage: doctest_case_names.sh TEST_EXECUTABLE...
set -euo pipefail
offenders=0
cases=0
for exe in "$@"; do
  # Between doctest's two rules of '=' come the names, one a line.
  names=$("$exe" --list-test-cases --no-colors=true | awk '/^=+$/ { inside = !inside; next } inside')
  while IFS= read -r name; do
    [ -n "$name" ] || continue
    cases=$((cases + 1))
    if [[ "$name" == *";"* ]]; then
      echo "FAIL: $(basename "$exe"): \"$name\" contains ';' (ctest would run none of it)" >&2
      offenders=$((offenders + 1))
    fi
  done <<< "$names"
done
[ "$cases" -gt 0 ] || { echo "FAIL: no doctest case listed by: $*" >&2; exit 1; }
echo "$cases doctest cases in $# executables, $offenders with ';' in the name"
[ "$offenders" -eq 0 ]
