#!/usr/bin/env bash
# Temblor's WebSocket echo flow (ws_server -> json -> passthrough -> ws_server)
# against bare websocketpp and Node `ws`, back to back, with ../shared/bench's
# wsload. Prints medians and ratios.
#   tools/bench/ws_echo.sh [RUNS] [SECONDS]
source "$(dirname "$0")/lib.sh"
runs=${1:-3}
secs=${2:-8}
bench_build_peers
bench_build_temblor
temblor=$bench_root/build/temblor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))

cat > "$work/echo.troy" <<TROY
define flow echo
flow
  use tremor::pipelines;
  define connector server from ws_server
  with codec = "json", config = {"url": "127.0.0.1:$port"} end;
  create connector server;
  create pipeline echo from pipelines::passthrough;
  connect /connector/server to /pipeline/echo;
  connect /pipeline/echo to /connector/server;
end;
deploy flow echo;
TROY

declare -A servers=(
  [temblor]="env RUST_LOG=error $temblor server run -n $work/echo.troy"
  [wspp]="$peers_dir/wspp_echo $port"
  [node]="node $peers_dir/node/echo.js $port"
)

rate_of() { sed -n 's/.* rate=\([0-9]*\) msg\/s.*/\1/p'; }

# scenario name, then wsload arguments
run_scenario() {
  local name=$1; shift
  declare -A rates=()
  for i in $(seq "$runs"); do
    for peer in wspp temblor node; do
      local line
      line=$("$shared_bench/pair.sh" "$peers_dir/wsload" "$port" "${servers[$peer]}" "$@" \
               --duration "$secs" --warmup 1)
      rates[$peer]="${rates[$peer]:-} $(echo "$line" | rate_of)"
      echo "  run $i $peer: $line" >&2
    done
  done
  local t w n
  t=$(bench_median ${rates[temblor]})
  w=$(bench_median ${rates[wspp]})
  n=$(bench_median ${rates[node]})
  printf '%s (medians of %d runs)\n' "$name" "$runs"
  printf '  temblor %8.0f msg/s\n  wspp    %8.0f msg/s  -> temblor/wspp = %.2f\n  node ws %8.0f msg/s  -> temblor/node = %.2f\n' \
    "$t" "$w" "$(bench_calc "$t / $w")" "$n" "$(bench_calc "$t / $n")"
}

run_scenario "100 connections, 100-byte messages" --conns 100 --pipeline 1 --size 100
run_scenario "1 connection, 64 in flight" --conns 1 --pipeline 64 --size 100

echo "10,000 idle connections (RSS per connection)"
for peer in wspp temblor; do
  for i in $(seq "$runs"); do
    line=$("$shared_bench/hold.sh" "$peers_dir/wsload" "$port" "${servers[$peer]}" 10000)
    echo "  run $i $peer: $line" >&2
    eval "per_$peer+=\" $(echo "$line" | sed -n 's/.*per_conn_bytes=\([0-9-]*\).*/\1/p')\""
  done
done
t=$(bench_median $per_temblor); w=$(bench_median $per_wspp)
printf '  temblor %6.0f bytes/conn\n  wspp    %6.0f bytes/conn  -> temblor/wspp = %.2f\n' "$t" "$w" "$(bench_calc "$t / $w")"
