#!/usr/bin/env bash
# GET /metrics with many connectors: a server running CONNECTORS connectors
# (half metronomes ticking every 100 ms, each through its own passthrough
# pipeline into a `null` sink), scraped with curl; each scrape alternates
# with a GET /v1/version on the same server (the same HTTP round trip
# without the exposition) as the peer.
#   tools/bench/metrics_scrape.sh [CONNECTORS] [SCRAPES]
source "$(dirname "$0")/lib.sh"
connectors=${1:-1000}
scrapes=${2:-21}
pairs=$((connectors / 2))
bench_build_temblor
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

{
  echo "define flow many"
  echo "flow"
  echo '  define connector tick from metronome with config = {"interval": 100000000} end;'
  echo '  define connector sink from `null`;'
  for i in $(seq "$pairs"); do
    echo "  create connector tick$i from tick;"
    echo "  create connector sink$i from sink;"
    echo "  create pipeline pass$i from tremor::pipelines::passthrough;"
    echo "  connect /connector/tick$i to /pipeline/pass$i;"
    echo "  connect /pipeline/pass$i to /connector/sink$i;"
  done
  echo "end;"
  echo "deploy flow many;"
} > "$work/many.troy"

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bench_root/build/temblor" server run -d -a "127.0.0.1:$port" "$work/many.troy" 2> "$work/log" &
server=$!
base="http://127.0.0.1:$port"
# Every connector up: as many connected gauges at 1 as connectors.
deadline=$((SECONDS + 120))
until [ "$(curl -s "$base/metrics" | grep -c '^temblor_connector_connected{.*} 1$')" -eq "$connectors" ]; do
  [ $SECONDS -lt $deadline ] || { echo "the connectors did not all connect:" >&2; tail "$work/log" >&2; exit 1; }
  kill -0 "$server" || { cat "$work/log" >&2; exit 1; }
  sleep 0.5
done

scrape_times=()
version_times=()
for i in $(seq "$scrapes"); do
  scrape_times+=("$(curl -s -o "$work/metrics.txt" -w '%{time_total}' "$base/metrics")")
  version_times+=("$(curl -s -o /dev/null -w '%{time_total}' "$base/v1/version")")
done
s=$(bench_median "${scrape_times[@]}")
v=$(bench_median "${version_times[@]}")
samples=$(grep -vc '^#' "$work/metrics.txt")
bytes=$(wc -c < "$work/metrics.txt")
printf 'metrics_scrape: %d connectors, %d pipelines, %d scrapes alternating with /v1/version (medians)\n' \
  "$connectors" "$pairs" "$scrapes"
printf '  GET /metrics     %7.1f ms  (%d samples, %d KB)\n' "$(bench_calc "$s * 1000")" "$samples" "$((bytes / 1024))"
printf '  GET /v1/version  %7.1f ms\n' "$(bench_calc "$v * 1000")"
