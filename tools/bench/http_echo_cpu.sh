#!/usr/bin/env bash
# CPU per request of the HTTP echo (the same flow and load as
# http_echo.sh): Temblor and Node's `http` echo, each pinned to CPU 1 under
# wrk (CPU 0, 100 connections, the small JSON POST), measured by `perf
# stat` on the server process: task-clock and context switches divided by
# the requests wrk completed. Less sensitive to a busy machine than
# requests/s, since time other processes take is not counted. Alternating
# runs, medians.
#   tools/bench/http_echo_cpu.sh [RUNS] [SECONDS] [PEERS…]   (peers: temblor node baseline)
#   TEMBLOR_BIN=path/to/temblor skips the build; TEMBLOR_BASELINE_BIN=another
#   temblor adds the peer `baseline` (before/after a change, same run).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http/lib.sh"
runs=${1:-3}
secs=${2:-5}
shift 2 2>/dev/null || shift $#
peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(temblor node)
if [ -z "${TEMBLOR_BIN:-}" ]; then
  bench_build_temblor
  TEMBLOR_BIN=$bench_root/build/temblor
fi
here=$bench_root/tools/bench/http
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(bench_free_port)

http_echo_flow "$work/echo.troy" "$port"

declare -A servers=(
  [temblor]="$TEMBLOR_BIN server run -n $work/echo.troy"
  [node]="node $here/node_echo.js $port"
  [baseline]="${TEMBLOR_BASELINE_BIN:-false} server run -n $work/echo.troy"
)

# Runs one server on CPU 1 and wrk on CPU 0; prints
# "REQUESTS CPU_US_PER_REQUEST CONTEXT_SWITCHES_PER_REQUEST".
measure() {
  local cmd=$1 log=$work/server.log
  taskset -c 1 bash -c "exec $cmd" >"$log" 2>&1 &
  local pid=$!
  http_wait_port "$port"
  taskset -c 0 wrk -t1 -c100 -d1s -s "$here/post.lua" "http://127.0.0.1:$port/" >/dev/null 2>&1
  perf stat -x, -e task-clock,context-switches -p "$pid" -o "$work/perf.csv" -- sleep "$((secs + 1))" &
  local perf_pid=$!
  local out
  out=$(taskset -c 0 wrk -t1 -c100 -d"${secs}s" -s "$here/post.lua" "http://127.0.0.1:$port/" 2>&1)
  wait "$perf_pid" || true
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null || break; sleep 0.1; done
  local requests ms switches
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  ms=$(awk -F, '$3 == "task-clock" {print $1}' "$work/perf.csv")
  switches=$(awk -F, '$3 == "context-switches" {print $1}' "$work/perf.csv")
  awk -v r="${requests:-0}" -v ms="${ms:-0}" -v s="${switches:-0}" \
    'BEGIN {if (r == 0) r = 1; printf "%d %.2f %.3f\n", r, ms * 1000 / r, s / r}'
}

declare -A cpu=() cs=()
for i in $(seq "$runs"); do
  for peer in "${peers[@]}"; do
    read -r requests us per_cs < <(measure "${servers[$peer]}")
    echo "  run $i $peer: $requests requests, $us us CPU/request, $per_cs context switches/request" >&2
    cpu[$peer]="${cpu[$peer]:-} $us"
    cs[$peer]="${cs[$peer]:-} $per_cs"
  done
done
printf 'HTTP echo, CPU per request under wrk (100 connections, %d-byte JSON POST), medians of %d runs\n' \
  "$(http_post_body | tr -d '\n' | wc -c)" "$runs"
for peer in "${peers[@]}"; do
  printf '  %-8s %8.2f us CPU/request  %6.3f context switches/request\n' "$peer" \
    "$(bench_median ${cpu[$peer]})" "$(bench_median ${cs[$peer]})"
done
if [ -n "${cpu[temblor]:-}" ] && [ -n "${cpu[node]:-}" ]; then
  printf '  node/temblor CPU per request = %.2f (the req/s ratio a CPU-bound server would reach)\n' \
    "$(bench_calc "$(bench_median ${cpu[node]}) / $(bench_median ${cpu[temblor]})")"
fi
