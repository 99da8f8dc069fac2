#!/usr/bin/env bash
# What metrics cost on the WebSocket echo flow (ws_server -> json -> a
# select-everything pipeline -> ws_server, as ws_echo.sh): metrics off,
# against the same flow with `metrics_interval_s = 1` on the connector and
# `#!config metrics_interval_s = 1` on the pipeline and a `metrics` connector
# writing every measurement to a file. Runs alternate (off, on, off, on…)
# through ../shared/bench's pair.sh and wsload; each on-run checks that
# measurements were written. Prints medians and the on/off ratios (issue #13:
# at most 3% lost, i.e. rate ratio >= 0.97).
#   tools/bench/metrics_ws_overhead.sh [RUNS] [SECONDS]
source "$(dirname "$0")/lib.sh"
runs=${1:-5}
secs=${2:-8}
bench_build_peers
bench_build_temblor
temblor=$bench_root/build/temblor
work=$(mktemp -d)
trap 'bench_stop_group; rm -rf "$work"' EXIT

# The echo flow on PORT; with "on", metrics on every stage and the metrics
# connector into $work/metrics.json.
write_flow() {
  local variant=$1 port=$2 every="" config=""
  if [ "$variant" = on ]; then
    every=", metrics_interval_s = 1"
    config="#!config metrics_interval_s = 1"
  fi
  {
    cat <<TROY
define flow echo
flow
  define pipeline echo
  pipeline
    $config
    select event from in into out;
  end;
  define connector server from ws_server
  with codec = "json", config = {"url": "127.0.0.1:$port"}$every end;
  create connector server;
  create pipeline echo;
  connect /connector/server to /pipeline/echo;
  connect /pipeline/echo to /connector/server;
TROY
    [ "$variant" = on ] && cat <<TROY
  define connector measurements from file
  with codec = "json", postprocessors = ["separate"], config = {"path": "$work/metrics.json", "mode": "truncate"} end;
  create connector metrics from tremor::connectors::metrics;
  create connector measurements;
  create pipeline keep from tremor::pipelines::passthrough;
  connect /connector/metrics to /pipeline/keep;
  connect /pipeline/keep to /connector/measurements;
TROY
    echo "end;"
    echo "deploy flow echo;"
  } > "$work/$variant.troy"
}

# The server command for metrics VARIANT (off/on) on PORT.
server_command() {
  write_flow "$1" "$2"
  echo "env RUST_LOG=error $temblor server run -n $work/$1.troy"
}

# Both flows must load: a typo here would otherwise show up only as "no echo".
for v in off on; do
  write_flow "$v" "$(bench_free_port)"
  "$temblor" check "$work/$v.troy" >/dev/null
done

# Each on-run must have published measurements.
bench_after_run() {
  [ "$1" = on ] || return 0
  local measured
  measured=$(grep -c '"measurement":"connector_events"' "$work/metrics.json" 2>/dev/null || true)
  if [ "${measured:-0}" -eq 0 ]; then
    echo "the metrics-on run wrote no connector_events measurement" >&2
    exit 1
  fi
  echo "    (on: $(wc -l < "$work/metrics.json") measurements, $measured connector_events)" >&2
  rm -f "$work/metrics.json"
}

run_scenario() {
  local name=$1; shift
  bench_ws_alternate "$runs" "$secs" server_command "off on" "$@"
  bench_ws_table "$name (medians of $runs alternating runs; ratios on/off, target rate >= 0.97)" on off on
}

run_scenario "ws echo, 100 connections, 100-byte messages" --conns 100 --pipeline 1 --size 100
run_scenario "ws echo, 1 connection, 64 in flight" --conns 1 --pipeline 64 --size 100
