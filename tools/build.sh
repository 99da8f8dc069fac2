#!/usr/bin/env bash
# Configures and builds Temblor into build/ (or $TEMBLOR_BUILD_DIR).
# Usage: tools/build.sh [Release|Debug|Sanitize] [TARGET…]   (default: everything)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/deps.sh"
temblor_install_missing "${temblor_build_packages[@]}"
type=${1:-${TEMBLOR_BUILD_TYPE:-Release}}
[ $# -gt 0 ] && shift
targets=()
for t in "$@"; do targets+=(--target "$t"); done
dir=${TEMBLOR_BUILD_DIR:-$root/build}
launcher=()
# ccache (when installed) makes rebuilds and sibling checkouts cheap.
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)" "${targets[@]}"
