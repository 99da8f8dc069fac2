#!/usr/bin/env bash
# Shared helpers for the benchmark scripts: build the peers, time commands,
# take medians. Every figure is measured in the same run as its peer.
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shared_bench=${TEMBLOR_SHARED_BENCH:-$bench_root/../shared/bench}
peers_dir=${TEMBLOR_PEERS_DIR:-$bench_root/.bench-build}

bench_build_peers() {
  [ -x "$peers_dir/rj_pipe" ] && [ -f "$peers_dir/events1k.ndjson" ] && return 0
  "$shared_bench/build.sh" "$peers_dir" >&2
}

bench_build_temblor() {
  "$bench_root/tools/build.sh" Release temblor >&2
}

# Prints the wall time of a command in seconds (fractional).
bench_time() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.6f\n", b - a}' 
}

# Median of the numbers given as arguments.
bench_median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

# Evaluates an arithmetic expression with awk (floating point).
bench_calc() {
  awk "BEGIN {printf \"%.6f\n\", $1}"
}
