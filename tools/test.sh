#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through ctest.
#   tools/test.sh              Release build in build/
#   tools/test.sh --sanitize   ASan+UBSan build in build-sanitize/
#   tools/test.sh -R ws        extra arguments go to ctest
# A full Release run also fuzzes every target for 10 s (see tools/fuzz.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/deps.sh"
temblor_install_missing "${temblor_build_packages[@]}" "${temblor_test_packages[@]}"
temblor_install_node

type=Release
dir=$root/build
if [ "${1:-}" = "--sanitize" ]; then
  shift
  type=Sanitize
  dir=$root/build-sanitize
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi

# Node peers (ws, playwright-core driving Debian's chromium), pinned by the lock file.
if [ ! -d "$root/tests/peers/node_modules" ]; then
  npm ci --prefix "$root/tests/peers" --silent --no-audit --no-fund >/dev/null
fi

TEMBLOR_BUILD_DIR=$dir "$root/tools/build.sh" "$type"
status=0
(cd "$dir" && ctest --output-on-failure -j2 --timeout 300 "$@") || status=1

# The fuzz targets (clang + libFuzzer with ASan+UBSan, build-fuzz/), 10 s
# each from their seed corpora: in a full run, or when a ctest argument
# names them (-R fuzz, -L fuzz). tools/fuzz.sh SECONDS runs them longer.
if [ "$type" = Release ] && { [ $# -eq 0 ] || [[ " $* " == *fuzz* ]]; }; then
  "$root/tools/fuzz.sh" --build
  (cd "$root/build-fuzz" && ctest --output-on-failure -j2 --timeout 300 "$@") || status=1
fi
exit "$status"
