#!/usr/bin/env bash
# Temblor's WebSocket echo flow (ws_server -> json -> passthrough -> ws_server)
# against bare websocketpp, Node `ws` and Node-RED (websocket in -> json ->
# websocket out), back to back, with ../shared/bench's wsload. Prints medians
# and ratios of the rate, of the messages per second of server CPU (less
# sensitive to a loaded machine than the rate) and of the p50 latency.
#   tools/bench/ws_echo.sh [RUNS] [SECONDS]
source "$(dirname "$0")/lib.sh"
runs=${1:-3}
secs=${2:-8}
bench_build_peers
bench_build_temblor
bench_install_node_red
temblor=$bench_root/build/temblor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/node-red"
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
  [node-red]="$(bench_node_red_cmd "$port" echo_flow.json "$work/node-red")"
)
peers=(wspp temblor node node-red)

field_of() { sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }

# scenario name, then wsload arguments
run_scenario() {
  local name=$1; shift
  declare -A rates=() cpu=() p50=()
  for i in $(seq "$runs"); do
    for peer in "${peers[@]}"; do
      local line msgs ticks
      line=$("$shared_bench/pair.sh" "$peers_dir/wsload" "$port" "${servers[$peer]}" "$@" \
               --duration "$secs" --warmup 1)
      echo "  run $i $peer: $line" >&2
      msgs=$(echo "$line" | field_of msgs)
      ticks=$(echo "$line" | field_of srv_cpu_ticks)
      rates[$peer]="${rates[$peer]:-} $(echo "$line" | field_of rate)"
      cpu[$peer]="${cpu[$peer]:-} $(bench_calc "$msgs * $(getconf CLK_TCK) / ($ticks + 1)")"
      p50[$peer]="${p50[$peer]:-} $(echo "$line" | field_of p50)"
    done
  done
  printf '%s (medians of %d runs)\n' "$name" "$runs"
  printf '  %-9s %10s %9s %16s %9s %9s %9s\n' peer msg/s ratio "msg/CPU-s" ratio p50_us ratio
  local t_rate t_cpu t_p50 r c l
  t_rate=$(bench_median ${rates[temblor]})
  t_cpu=$(bench_median ${cpu[temblor]})
  t_p50=$(bench_median ${p50[temblor]})
  for peer in "${peers[@]}"; do
    r=$(bench_median ${rates[$peer]}); c=$(bench_median ${cpu[$peer]}); l=$(bench_median ${p50[$peer]})
    # ratios: temblor / peer (rate, CPU efficiency), temblor's p50 / peer's
    printf '  %-9s %10.0f %9.2f %16.0f %9.2f %9.0f %9.2f\n' "$peer" "$r" "$(bench_calc "$t_rate / $r")" \
      "$c" "$(bench_calc "$t_cpu / $c")" "$l" "$(bench_calc "$t_p50 / ($l + 1)")"
  done
}

run_scenario "100 connections, 100-byte messages" --conns 100 --pipeline 1 --size 100
run_scenario "1 connection, 64 in flight" --conns 1 --pipeline 64 --size 100

echo "10,000 idle connections (RSS per connection)"
for i in $(seq "$runs"); do
  for peer in wspp temblor; do
    line=$("$shared_bench/hold.sh" "$peers_dir/wsload" "$port" "${servers[$peer]}" 10000)
    echo "  run $i $peer: $line" >&2
    eval "per_$peer+=\" $(echo "$line" | sed -n 's/.*per_conn_bytes=\([0-9-]*\).*/\1/p')\""
  done
done
t=$(bench_median $per_temblor); w=$(bench_median $per_wspp)
printf '  temblor %6.0f bytes/conn\n  wspp    %6.0f bytes/conn  -> temblor/wspp = %.2f\n' "$t" "$w" "$(bench_calc "$t / $w")"
