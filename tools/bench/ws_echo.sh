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
trap 'bench_stop_group; rm -rf "$work"' EXIT
mkdir -p "$work/node-red"

# The server command for PEER on PORT.
server_command() {
  local peer=$1 port=$2
  case $peer in
  temblor)
    bench_ws_echo_flow "$work/echo.troy" "$port"
    echo "env RUST_LOG=error $temblor server run -n $work/echo.troy" ;;
  wspp) echo "$peers_dir/wspp_echo $port" ;;
  node) echo "node $peers_dir/node/echo.js $port" ;;
  node-red) bench_node_red_cmd "$port" echo_flow.json "$work/node-red" ;;
  esac
}
peers=(wspp temblor node node-red)

# scenario name, then wsload arguments
run_scenario() {
  local name=$1; shift
  bench_ws_alternate "$runs" "$secs" server_command "${peers[*]}" "$@"
  bench_ws_table "$name (medians of $runs runs; ratios temblor/x)" temblor "${peers[@]}"
}

run_scenario "100 connections, 100-byte messages" --conns 100 --pipeline 1 --size 100
run_scenario "1 connection, 64 in flight" --conns 1 --pipeline 64 --size 100

echo "10,000 idle connections (RSS per connection)"
for i in $(seq "$runs"); do
  for peer in wspp temblor; do
    port=$(bench_free_port)
    bench_in_group "$work/hold.out" "$shared_bench/hold.sh" "$peers_dir/wsload" "$port" \
      "$(server_command "$peer" "$port")" 10000
    line=$(cat "$work/hold.out")
    echo "  run $i $peer: $line" >&2
    # Per connection really open: hold.sh divides by the 10,000 asked for,
    # and under load some handshakes time out (temblor held 9,614 once).
    open=$(echo "$line" | bench_ws_field open)
    growth=$(( $(echo "$line" | bench_ws_field rssN_kb) - $(echo "$line" | bench_ws_field rss0_kb) ))
    [ "${open:-0}" -gt 0 ] || { echo "no connection held open by $peer" >&2; exit 1; }
    eval "per_$peer+=\" $((growth * 1024 / open))\""
    eval "open_$peer+=\" $open\""
  done
done
t=$(bench_median $per_temblor); w=$(bench_median $per_wspp)
printf '  temblor %6.0f bytes/conn (open:%s)\n  wspp    %6.0f bytes/conn (open:%s)  -> temblor/wspp = %.2f\n' \
  "$t" "$open_temblor" "$w" "$open_wspp" "$(bench_calc "$t / $w")"
