#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan+UBSan) in
# build-fuzz/ and fuzzes each of them.
#   tools/fuzz.sh [SECONDS] [-j JOBS]   every target SECONDS each (default 60),
#                                       JOBS at once (default 1); prints a table
#   tools/fuzz.sh --build               configure and build only
#   tools/fuzz.sh --run-one SECONDS BIN fuzz one target (what ctest runs)
# Exits non-zero when any target found a crash, hang, leak or too large an
# allocation; the inputs that did it are kept in build-fuzz/crashes/ and
# `BIN INPUT` reproduces one. A target's corpus grows in
# build-fuzz/corpus/<target>/, seeded from tests/fuzz/corpus/<target>/;
# tests/fuzz/dict/<target>.dict is its dictionary when present.
# Adding a target (say the HTTP request parser): tests/fuzz/<name>_fuzz.cpp
# plus one temblor_add_fuzz_target line in tests/fuzz/CMakeLists.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${TEMBLOR_FUZZ_BUILD_DIR:-$root/build-fuzz}
cxx=${TEMBLOR_FUZZ_CXX:-clang++-14}

build() {
  source "$root/tools/deps.sh"
  temblor_install_missing "${temblor_build_packages[@]}" "${temblor_test_packages[@]}"
  local launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # RelWithDebInfo keeps asserts off as in Release, and line numbers in reports.
  cmake -S "$root" -B "$dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DTEMBLOR_FUZZ=ON -DTEMBLOR_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
  cmake --build "$dir" -j"$(nproc)" --target fuzz_targets
}

# Fuzzes one target; prints "name runs crashes new_corpus_items" and
# returns non-zero when it found something.
run_one() {
  local seconds=$1 bin=$2
  local name
  name=$(basename "$bin")
  name=${name%_fuzz}
  local work=$dir/corpus/$name crashes=$dir/crashes log=$dir/logs/$name.log
  mkdir -p "$work" "$crashes" "$dir/logs"
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512
              -print_final_stats=1 -artifact_prefix="$crashes/$name-")
  [ -f "$root/tests/fuzz/dict/$name.dict" ] && args+=(-dict="$root/tests/fuzz/dict/$name.dict")
  local corpora=("$work")
  [ -d "$root/tests/fuzz/corpus/$name" ] && corpora+=("$root/tests/fuzz/corpus/$name")
  local before found_before status=0
  before=$(find "$work" -type f | wc -l)
  found_before=$(find "$crashes" -name "$name-*" | wc -l)
  # Leaks are reported at exit of each input run; ASan's own options stay
  # as libFuzzer sets them.
  "$bin" "${args[@]}" "${corpora[@]}" >"$log" 2>&1 || status=$?
  local runs found after
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(( $(find "$crashes" -name "$name-*" | wc -l) - found_before ))
  after=$(find "$work" -type f | wc -l)
  if [ "$status" -ne 0 ] && [ "$found" -eq 0 ]; then
    found=1 # died without an artifact (e.g. a crash in start-up): see the log
  fi
  printf '%-36s %12s %8s %10s\n' "$name" "${runs:-?}" "$found" "$((after - before))"
  if [ "$found" -ne 0 ]; then
    grep -m3 -E "ERROR|SUMMARY|fuzz property broken|Test unit written" "$log" >&2 || true
    echo "  log: $log" >&2
    return 1
  fi
}

case "${1:-}" in
  --build)
    build
    exit 0
    ;;
  --run-one)
    dir=$(cd "$(dirname "$3")/../.." && pwd) # the build tree holding the target
    run_one "$2" "$3"
    exit $?
    ;;
esac

seconds=${1:-60}
jobs=1
[ "${2:-}" = "-j" ] && jobs=${3:-1}
build
mapfile -t targets < <(find "$dir/tests/fuzz" -maxdepth 1 -type f -name '*_fuzz' -perm -u+x | sort)
echo "fuzzing ${#targets[@]} targets for ${seconds} s each, ${jobs} at a time"
printf '%-36s %12s %8s %10s\n' target runs crashes new_corpus
export -f run_one
export dir root
status=0
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$0" "$1"' "$seconds" {} \
  || status=1
if [ "$status" -ne 0 ]; then
  echo "findings kept in $dir/crashes/" >&2
fi
exit "$status"
