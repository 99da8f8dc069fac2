#!/usr/bin/env bash
# file -> json -> passthrough -> file over 100k ~1 KB events, against
# rj_pipe (RapidJSON parse + serialize, no runtime) on the same input.
#   tools/bench/file_passthrough.sh [RUNS]
source "$(dirname "$0")/lib.sh"
runs=${1:-5}
bench_build_peers
bench_build_temblor
temblor=$bench_root/build/temblor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

events=$peers_dir/events1k.ndjson
count=$(wc -l < "$events")
# The closing "exit" event stops the flow after everything before it was written.
cat "$events" > "$work/in.json"
echo '"exit"' >> "$work/in.json"

cat > "$work/bench.troy" <<TROY
define flow bench
flow
  use integration;
  define connector input from file
  with
    codec = "json", preprocessors = ["separate"],
    config = {"path": "$work/in.json", "mode": "read"}
  end;
  define connector output from file
  with
    codec = "json", postprocessors = ["separate"],
    config = {"path": "$work/out.json", "mode": "truncate"}
  end;
  define connector stop from exit;
  create connector input;
  create connector output;
  create connector stop;
  create pipeline main from integration::out_or_exit;
  connect /connector/input to /pipeline/main;
  connect /pipeline/main to /connector/output;
  connect /pipeline/main/exit to /connector/stop;
end;
deploy flow bench;
TROY

temblor_times=()
rj_times=()
for i in $(seq "$runs"); do
  temblor_times+=("$(bench_time "$temblor" run "$work/bench.troy")")
  got=$(wc -l < "$work/out.json" 2>/dev/null || echo 0)
  if [ "$got" -ne "$count" ]; then
    echo "temblor wrote $got of $count events" >&2
    exit 1
  fi
  rj_times+=("$(bench_time sh -c "'$peers_dir/rj_pipe' < '$events' > '$work/rj.json'")")
done
t=$(bench_median "${temblor_times[@]}")
r=$(bench_median "${rj_times[@]}")
eps_t=$(bench_calc "$count / $t")
eps_r=$(bench_calc "$count / $r")
printf 'file_passthrough: %d events, %d runs (medians)\n' "$count" "$runs"
printf '  temblor  %8.0f events/s  (%.3f s)\n' "$eps_t" "$t"
printf '  rj_pipe  %8.0f events/s  (%.3f s)\n' "$eps_r" "$r"
printf '  ratio    %.2fx rj_pipe (target >= 0.70)\n' "$(bench_calc "$eps_t / $eps_r")"
