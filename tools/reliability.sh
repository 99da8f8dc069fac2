#!/usr/bin/env bash
# The full systematic suite of issue #16, longer than CI runs it
# (tools/test.sh keeps the short forms), then a summary table:
#   fuzz        every libFuzzer target FUZZ_SECONDS each (default 60)
#   conformance the WebSocket conformance suites, both directions
#   tls         the TLS matrices of every TLS connector
#   resources   resource bounds under hostile peers (idle/silent
#               connections, bursts, memory budgets, slow consumers)
#   soak        tools/soak/mixed.sh SOAK_MINUTES (default 10)
# The ctest parts select tests by name; a part that selects none says so
# (not a pass). Parts can be chosen: tools/reliability.sh tls soak
# Exits non-zero when any part failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TEMBLOR_BUILD_DIR:-$root/build}
fuzz_seconds=${FUZZ_SECONDS:-60}
soak_minutes=${SOAK_MINUTES:-10}
logs=$build/reliability
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(fuzz conformance tls resources soak)

# ctest name patterns of each part (tests are named <area>.<what>).
declare -A pattern=(
  [conformance]='conformance'
  [tls]='tls'
  [resources]='idle|silent|burst|budget|flood|slow_(consumer|reader)|max_connections|memory_bound|line_limit'
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
      selected=$(cd "$build" && ctest -N -R "${pattern[$part]}" | sed -n 's/^Total Tests: //p')
      if [ "${selected:-0}" -eq 0 ]; then
        result=none
        detail="no test matches /${pattern[$part]}/"
      else
        (cd "$build" && ctest --output-on-failure -j2 --timeout 600 -R "${pattern[$part]}") >"$log" 2>&1
        rc=$?
        detail=$(grep -E 'tests passed|tests failed' "$log" | tail -1)
        if [ $rc -eq 0 ]; then result=pass; else result=FAIL; fi
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
