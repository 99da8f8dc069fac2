#!/usr/bin/env bash
# file -> json -> passthrough -> file over 100k ~1 KB events, against
# rj_pipe (RapidJSON parse + serialize, no runtime) on the same input.
#   tools/bench/file_passthrough.sh [RUNS]
source "$(dirname "$0")/lib.sh"
runs=${1:-5}
bench_build_peers
bench_build_temblor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

events=$peers_dir/events1k.ndjson
count=$(wc -l < "$events")
cat "$events" > "$work/in.json"
echo '"exit"' >> "$work/in.json"
bench_passthrough_pipeline | bench_write_file_flow "$work/bench.troy" "$work/in.json" "$work/out.json"

temblor_times=()
rj_times=()
for i in $(seq "$runs"); do
  temblor_times+=("$(bench_run_flow "$work/bench.troy" "$work/out.json" "$count")")
  rj_times+=("$(bench_time sh -c "'$peers_dir/rj_pipe' < '$events' > '$work/rj.json'")")
done
t=$(bench_median "${temblor_times[@]}")
r=$(bench_median "${rj_times[@]}")
eps_t=$(bench_calc "$count / $t")
eps_r=$(bench_calc "$count / $r")
printf 'file_passthrough: %d events, %d runs (medians)\n' "$count" "$runs"
printf '  temblor  %8.0f events/s  (%.3f s)\n' "$eps_t" "$t"
printf '  rj_pipe  %8.0f events/s  (%.3f s)\n' "$eps_r" "$r"
printf '  ratio    %.2fx rj_pipe (target >= 0.80)\n' "$(bench_calc "$eps_t / $eps_r")"
