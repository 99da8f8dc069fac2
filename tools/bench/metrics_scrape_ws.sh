#!/usr/bin/env bash
# GET /metrics while CONNECTIONS WebSocket connections are open: Temblor runs
# the ws echo flow of ws_echo.sh with its API on; ws_hold.py (Python
# `websockets`) opens the connections and holds them idle. SCRAPES curl
# scrapes of /metrics are timed, each alternating with a GET /v1/version on
# the same server (the same HTTP round trip without the exposition) as the
# peer; the same is done first with no connection open. Prints median and p95
# of each, and the ratios.
#   tools/bench/metrics_scrape_ws.sh [CONNECTIONS] [SCRAPES]
source "$(dirname "$0")/lib.sh"
connections=${1:-1000}
scrapes=${2:-51}
bench_build_temblor
temblor=$bench_root/build/temblor
work=$(mktemp -d)
server=""
holder=""
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fds=$((connections + 1024))
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge "$fds" ] || ulimit -n "$fds"

ws_port=$(bench_free_port)
api_port=$(bench_free_port)
bench_ws_echo_flow "$work/echo.troy" "$ws_port"
taskset -c 1 "$temblor" server run -a "127.0.0.1:$api_port" "$work/echo.troy" 2> "$work/log" &
server=$!
base="http://127.0.0.1:$api_port"
deadline=$((SECONDS + 60))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/v1/status")" = 200 ]; do
  [ $SECONDS -lt $deadline ] || { echo "the API did not answer:" >&2; tail "$work/log" >&2; exit 1; }
  kill -0 "$server" || { cat "$work/log" >&2; exit 1; }
  sleep 0.2
done

# Times SCRAPES pairs of (GET /metrics, GET /v1/version) into scrape_ms and version_ms.
time_scrapes() {
  scrape_ms=(); version_ms=()
  local t
  for _ in $(seq "$scrapes"); do
    t=$(taskset -c 0 curl -sf -o "$work/metrics.txt" -w '%{time_total}' "$base/metrics")
    scrape_ms+=("$(bench_calc "$t * 1000")")
    t=$(taskset -c 0 curl -sf -o /dev/null -w '%{time_total}' "$base/v1/version")
    version_ms+=("$(bench_calc "$t * 1000")")
  done
}

established() { ss -Htn state established "( sport = :$ws_port )" | wc -l; }

curl -sf -o /dev/null "$base/metrics"   # warm-up, not timed
time_scrapes
idle_scrape=("${scrape_ms[@]}"); idle_version=("${version_ms[@]}")
idle_bytes=$(wc -c < "$work/metrics.txt")

taskset -c 0 /usr/bin/python3 "$bench_root/tools/bench/ws_hold.py" "$ws_port" "$connections" > "$work/hold.out" 2> "$work/hold.err" &
holder=$!
deadline=$((SECONDS + 120))
until grep -q "^open $connections\$" "$work/hold.out"; do
  if [ $SECONDS -ge $deadline ] || ! kill -0 "$holder" 2>/dev/null; then
    echo "ws_hold.py did not open $connections connections:" >&2
    tail -5 "$work/hold.err" "$work/log" >&2
    exit 1
  fi
  sleep 0.2
done
open_before=$(established)
time_scrapes
open_after=$(established)
kill -0 "$holder" || { echo "ws_hold.py lost connections:" >&2; tail -5 "$work/hold.err" >&2; exit 1; }
if [ "$open_before" -ne "$connections" ] || [ "$open_after" -ne "$connections" ]; then
  echo "the server held $open_before then $open_after connections, not $connections" >&2
  exit 1
fi
bytes=$(wc -c < "$work/metrics.txt")

row() {
  local label=$1; shift
  printf '  %-40s median %7.2f ms  p95 %7.2f ms\n' "$label" "$(bench_median "$@")" "$(bench_percentile 95 "$@")"
}
printf 'metrics_scrape_ws: ws echo flow, %d scrapes each alternating with GET /v1/version\n' "$scrapes"
row "no connection:    GET /metrics" "${idle_scrape[@]}"
row "no connection:    GET /v1/version" "${idle_version[@]}"
row "$connections connections: GET /metrics" "${scrape_ms[@]}"
row "$connections connections: GET /v1/version" "${version_ms[@]}"
printf '  /metrics with %d connections: %.2fx GET /v1/version (same run), %.2fx /metrics with none; %d bytes (%d with none)\n' \
  "$connections" "$(bench_calc "$(bench_median "${scrape_ms[@]}") / $(bench_median "${version_ms[@]}")")" \
  "$(bench_calc "$(bench_median "${scrape_ms[@]}") / $(bench_median "${idle_scrape[@]}")")" "$bytes" "$idle_bytes"
