#!/usr/bin/env bash
# The wal's disk path (LMDB, one synced transaction per batch that also
# deletes the acked batch) against writing the same events to a plain
# file with fdatasync() per batch: alternating runs, medians, same machine
# and disk.   tools/bench/wal.sh [EVENTS] [BATCH] [RUNS]   (200000 256 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
n=${1:-200000}; batch=${2:-256}; runs=${3:-5}
bin=${WAL_BENCH_BIN:-$bench_root/build/connectors/wal/wal_bench}
[ -x "$bin" ] || "$bench_root/tools/build.sh" Release wal_bench >&2
work=$(mktemp -d "${TMPDIR:-/var/tmp}/walbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
lm=() pf=() lmb=() pfb=()
for ((r = 0; r < runs; r++)); do
  rm -rf "$work"/*
  read -r _ e _ m _ < <("$bin" lmdb "$work/lmdb" "$n" "$batch"); lm+=("$e"); lmb+=("$m")
  read -r _ e _ m _ < <("$bin" file "$work" "$n" "$batch"); pf+=("$e"); pfb+=("$m")
done
l=$(bench_median "${lm[@]}"); p=$(bench_median "${pf[@]}")
echo "events $n (~200 B), fsync per batch of $batch, $runs alternating runs, medians"
echo "wal (LMDB):  $l events/s, $(bench_median "${lmb[@]}") MB/s"
echo "plain file:  $p events/s, $(bench_median "${pfb[@]}") MB/s"
echo "ratio: $(bench_calc "$l / $p")x"
