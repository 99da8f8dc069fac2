#!/usr/bin/env bash
# The file flow (file -> json -> passthrough -> json -> file) in Temblor
# against the same flow in Node-RED (file in -> json -> file out), on the
# first N ~1 KB events of events1k.ndjson, alternating runs.
#   tools/bench/file_node_red.sh [RUNS] [EVENTS]
# Temblor's time is its whole run, start-up included; Node-RED's starts when
# its log says "Started flows" (its start-up, a few seconds, is left out).
source "$(dirname "$0")/lib.sh"
runs=${1:-3}
count=${2:-20000}
bench_build_peers
bench_build_temblor
bench_install_node_red
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

head -n "$count" "$peers_dir/events1k.ndjson" > "$work/events.json"
count=$(wc -l < "$work/events.json")
{ cat "$work/events.json"; echo '"exit"'; } > "$work/in.json"
bench_passthrough_pipeline | bench_write_file_flow "$work/bench.troy" "$work/in.json" "$work/out.json"

now() { date +%s.%N; }

# Runs Node-RED's file flow until its output has $count lines; prints the
# seconds from "Started flows" to then.
node_red_run() {
  local port log start end nr_pid
  port=$((20000 + RANDOM % 20000))
  log=$work/node-red.log
  rm -rf "$work/nr.out" "$work/node-red"; mkdir -p "$work/node-red"
  # info level: the bench waits for its "Started flows" line.
  $(bench_node_red_cmd "$port" file_flow.json "$work/node-red" IN_FILE="$work/events.json" \
      OUT_FILE="$work/nr.out" NODE_RED_LOG=info) >"$log" 2>&1 &
  nr_pid=$!
  for _ in $(seq 1 600); do grep -q "Started flows" "$log" && break; sleep 0.05; done
  start=$(now)
  for _ in $(seq 1 12000); do
    [ -f "$work/nr.out" ] && [ "$(wc -l < "$work/nr.out")" -ge "$count" ] && break
    kill -0 "$nr_pid" 2>/dev/null || break
    sleep 0.05
  done
  end=$(now)
  kill "$nr_pid" 2>/dev/null; wait "$nr_pid" 2>/dev/null || true
  local got
  got=$(wc -l < "$work/nr.out" 2>/dev/null || echo 0)
  if [ "$got" -ne "$count" ]; then
    echo "node-red wrote $got of $count events; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.6f\n", b - a}'
}

temblor_times=()
node_red_times=()
for i in $(seq "$runs"); do
  temblor_times+=("$(bench_run_flow "$work/bench.troy" "$work/out.json" "$count")")
  node_red_times+=("$(node_red_run)")
  echo "  run $i: temblor ${temblor_times[-1]} s, node-red ${node_red_times[-1]} s" >&2
done
t=$(bench_median "${temblor_times[@]}")
n=$(bench_median "${node_red_times[@]}")
printf 'file flow: %d events, %d runs (medians)\n' "$count" "$runs"
printf '  temblor   %8.0f events/s  (%.3f s)\n' "$(bench_calc "$count / $t")" "$t"
printf '  node-red  %8.0f events/s  (%.3f s)\n' "$(bench_calc "$count / $n")" "$n"
printf '  ratio     %.2fx node-red (target >= 3)\n' "$(bench_calc "$n / $t")"
