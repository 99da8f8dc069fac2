#!/usr/bin/env bash
# What metrics cost: the file passthrough flow (file -> json -> passthrough
# -> file, 500k ~1 KB events) with Tremor's metrics off, against the same
# flow with `metrics_interval_s = 1` on both connectors and the pipeline and
# a metrics connector writing every measurement to a file. Runs alternate
# (off, on, off, on…) so a machine loaded by others weighs on both alike.
#   tools/bench/metrics_overhead.sh [RUNS]
source "$(dirname "$0")/lib.sh"
runs=${1:-5}
# Only the event file is needed, not the compiled peers.
if [ ! -f "$peers_dir/events1k.ndjson" ]; then
  mkdir -p "$peers_dir"
  /usr/bin/python3 "$shared_bench/data/gen_events.py" 100000 > "$peers_dir/events1k.ndjson.tmp"
  mv "$peers_dir/events1k.ndjson.tmp" "$peers_dir/events1k.ndjson"
fi
bench_build_temblor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "${KEEP_WORK:-}" ] && trap - EXIT && echo "work: $work" >&2

for i in 1 2 3 4 5; do cat "$peers_dir/events1k.ndjson"; done > "$work/in.json"
count=$(wc -l < "$work/in.json")
echo '"exit"' >> "$work/in.json"

bench_passthrough_pipeline | bench_write_file_flow "$work/off.troy" "$work/in.json" "$work/out.json"
cat > "$work/on.troy" <<TROY
define flow bench
flow
  use tremor::connectors;
  define pipeline main
  into out, exit
  pipeline
    #!config metrics_interval_s = 1
    select event from in where event != "exit" into out;
    select {"exit": 0} from in where event == "exit" into exit;
  end;
  define connector input from file
  with codec = "json", preprocessors = ["separate"], config = {"path": "$work/in.json", "mode": "read"},
       metrics_interval_s = 1 end;
  define connector output from file
  with codec = "json", postprocessors = ["separate"], config = {"path": "$work/out.json", "mode": "truncate"},
       metrics_interval_s = 1 end;
  define connector measurements from file
  with codec = "json", postprocessors = ["separate"], config = {"path": "$work/metrics.json", "mode": "truncate"} end;
  define connector stop from exit;
  create connector input;
  create connector output;
  create connector measurements;
  create connector metrics from connectors::metrics;
  create connector stop;
  create pipeline main;
  create pipeline keep from tremor::pipelines::passthrough;
  connect /connector/input to /pipeline/main;
  connect /pipeline/main to /connector/output;
  connect /pipeline/main/exit to /connector/stop;
  connect /connector/metrics to /pipeline/keep;
  connect /pipeline/keep to /connector/measurements;
end;
deploy flow bench;
TROY
# The on-flow really measured: check once that measurements were written.
bench_run_flow "$work/on.troy" "$work/out.json" "$count" > /dev/null
measured=$(wc -l < "$work/metrics.json")
[ "$measured" -gt 0 ] || { echo "the metrics flow wrote no measurements" >&2; exit 1; }

off_times=()
on_times=()
for i in $(seq "$runs"); do
  off_times+=("$(bench_run_flow "$work/off.troy" "$work/out.json" "$count")")
  on_times+=("$(bench_run_flow "$work/on.troy" "$work/out.json" "$count")")
done
off=$(bench_median "${off_times[@]}")
on=$(bench_median "${on_times[@]}")
eps_off=$(bench_calc "$count / $off")
eps_on=$(bench_calc "$count / $on")
printf 'metrics_overhead: %d events, %d alternating runs (medians); %d measurements in the check run\n' \
  "$count" "$runs" "$measured"
printf '  metrics off  %8.0f events/s  (%.3f s)\n' "$eps_off" "$off"
printf '  metrics on   %8.0f events/s  (%.3f s)\n' "$eps_on" "$on"
printf '  ratio        %.3fx (on / off)\n' "$(bench_calc "$eps_on / $eps_off")"
printf '  runs off: %s\n  runs on:  %s\n' "${off_times[*]}" "${on_times[*]}"
