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
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE="$type" >/dev/null
cmake --build "$dir" -j"$(nproc)" "${targets[@]}"
