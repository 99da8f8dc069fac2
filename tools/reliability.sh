#!/usr/bin/env bash
# The full systematic suite of issue #16, longer than CI runs it
# (tools/test.sh keeps the short forms), then a summary table:
#   fuzz        every libFuzzer target FUZZ_SECONDS each (default 60)
#   conformance the WebSocket conformance suites, both directions
#   tls         the TLS matrices of every TLS connector
#   resources   resource bounds under hostile peers (idle/silent
#               connections, bursts, memory budgets, slow consumers)
#   soak        tools/soak/mixed.sh SOAK_MINUTES (default 10)
# The ctest parts select tests by ctest label (conformance, tls, resources),
# or by name when no test carries the label; a part that selects none says
# so (not a pass). Parts can be chosen: tools/reliability.sh tls soak
# Exits non-zero when any part failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TEMBLOR_BUILD_DIR:-$root/build}
fuzz_seconds=${FUZZ_SECONDS:-60}
soak_minutes=${SOAK_MINUTES:-10}
logs=$build/reliability
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(fuzz conformance tls resources soak)

# Name patterns used when no test carries the part's label.
declare -A pattern=(
  [conformance]='conformance'
  [tls]='tls'
  [resources]='idle_timeout|silent_(connection|peer|client)|burst|memory_budget|flood|slow_(consumer|reader)|max_connections|line_limit'
)

mkdir -p "$logs"
if [[ " ${parts[*]} " != " fuzz " ]]; then
  TEMBLOR_BUILD_DIR=$build "$root/tools/build.sh" Release >"$logs/build.log" 2>&1 ||
    { echo "build failed: $logs/build.log" >&2; exit 1; }
fi

rows=()
status=0
row() { rows+=("$(printf '%-12s %-8s %7ss  %s' "$1" "$2" "$3" "$4")"); }

for part in "${parts[@]}"; do
  log=$logs/$part.log
  start=$SECONDS
  echo "== $part (log: $log)"
  case $part in
    fuzz)
      if "$root/tools/fuzz.sh" "$fuzz_seconds" >"$log" 2>&1; then result=pass; else result=FAIL; fi
      detail="$(ls "$root/build-fuzz/crashes" 2>/dev/null | wc -l) crash inputs in build-fuzz/crashes; ${fuzz_seconds} s per target"
      ;;
    conformance|tls|resources)
      # Tests labelled with the part, then those named like it that are not.
      count() { (cd "$build" && ctest -N "$@" | sed -n 's/^Total Tests: //p'); }
      selections=()
      [ "$(count -L "^$part\$")" -gt 0 ] && selections+=("-L ^$part\$")
      [ "$(count -R "${pattern[$part]}" -LE "^$part\$")" -gt 0 ] &&
        selections+=("-R ${pattern[$part]} -LE ^$part\$")
      if [ ${#selections[@]} -eq 0 ]; then
        result=none
        detail="no test labelled $part or named like /${pattern[$part]}/"
      else
        result=pass
        : >"$log"
        for selection in "${selections[@]}"; do
          # shellcheck disable=SC2086 # each selection is two or four words
          (cd "$build" && ctest --output-on-failure -j2 --timeout 600 $selection) >>"$log" 2>&1 ||
            result=FAIL
        done
        detail="$(grep -c '^ *[0-9]*/[0-9]* Test' "$log") tests, $(grep -c '\*\*\*' "$log") failed"
      fi
      ;;
    soak)
      if TEMBLOR_BIN=$build/temblor "$root/tools/soak/mixed.sh" "$soak_minutes" >"$log" 2>&1; then
        result=pass
      else
        result=FAIL
      fi
      detail="${soak_minutes} min; $(grep -E '^fds:|^peer kills' "$log" | tr '\n' ';')"
      ;;
    *)
      echo "unknown part $part (fuzz conformance tls resources soak)" >&2
      exit 2
      ;;
  esac
  [ "$result" = FAIL ] && status=1
  row "$part" "$result" "$((SECONDS - start))" "$detail"
done

echo
printf '%-12s %-8s %8s  %s\n' part result time detail
for r in "${rows[@]}"; do echo "$r"; done
exit $status
