#!/usr/bin/env bash
# 1,000 reconnect cycles of a ws_client against a server that closes every
# connection after one message; checks that memory (< 5 MiB) does not grow
# between cycle 100 and the last cycle, and that once the server is gone the
# process holds the same file descriptors (±2) as before it ever connected.
#   tools/soak/reconnect.sh [CYCLES]
#   TEMBLOR_BIN=path/to/temblor skips building build/temblor.
# The source is `bench` with an interval: a steady trickle of events, so
# every connection carries traffic (a file source would send everything on
# the first connection and leave the later ones idle).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cycles=${1:-1000}
temblor=${TEMBLOR_BIN:-$root/build/temblor}
[ -x "$temblor" ] || "$root/tools/build.sh" Release temblor >&2
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
seq 1 100 | sed 's/.*/{"n": &}/' > in.json
cat > soak.troy <<TROY
define flow soak
flow
  use tremor::pipelines;
  define connector input from bench
  with codec = "json", config = {"path": "in.json", "interval": 500000, "iters": 1000000000} end;
  define connector client from ws_client
  with
    codec = "json",
    config = {"url": "ws://127.0.0.1:$port"},
    reconnect = {"retry": {"interval_ms": 5, "growth_rate": 1, "randomized": false}}
  end;
  create connector input;
  create connector client;
  create pipeline pass from pipelines::passthrough;
  connect /connector/input to /pipeline/pass;
  connect /pipeline/pass to /connector/client;
end;
deploy flow soak;
TROY
RUST_LOG=warn "$temblor" server run -n --debug-connectors soak.troy 2> temblor.err &
tpid=$!
pids+=($tpid)

connections() { cat count 2>/dev/null || echo 0; }
# Sockets of the cycle in progress come and go: the least of a few samples
# is what the process really holds on to.
fds() {
  local least=1000000 n
  for _ in 1 2 3 4 5; do
    n=$(ls /proc/"$tpid"/fd | wc -l)
    [ "$n" -lt "$least" ] && least=$n
    sleep 0.05
  done
  echo "$least"
}
rss_kib() { awk '/VmRSS/ {print $2}' /proc/"$tpid"/status; }
wait_for() {
  local target=$1 deadline=$((SECONDS + 300))
  while [ "$(connections)" -lt "$target" ]; do
    if ! kill -0 "$tpid" 2>/dev/null; then echo "temblor died" >&2; cat temblor.err >&2; exit 1; fi
    if [ $SECONDS -gt $deadline ]; then echo "stuck at $(connections) cycles" >&2; exit 1; fi
    sleep 0.05
  done
}

# Before any server exists the client only fails to connect: its baseline.
sleep 0.5
fd_base=$(fds)
mkfifo ready
/usr/bin/python3 "$root/tools/soak/closing_server.py" "$port" count > ready &
server_pid=$!
pids+=($server_pid)
read -r _ < ready

start=$SECONDS
wait_for 100
rss_warm=$(rss_kib)
wait_for "$cycles"
rss_end=$(rss_kib)
elapsed=$((SECONDS - start))
kill "$server_pid"
# A socket whose close handshake went unanswered lingers for websocketpp's
# 5 s close timeout; give those time to go, so only a real leak remains.
settle=$((SECONDS + 7))
fd_end=$(fds)
while [ $((fd_end - fd_base)) -gt 2 ] && [ $SECONDS -lt $settle ]; do
  sleep 0.5
  fd_end=$(fds)
done
lost=$(grep -c "connection lost" temblor.err || true)
echo "reconnect soak: $(connections) cycles in ${elapsed}s ($lost lost connections logged)"
echo "  fds: $fd_base before the first connection, $fd_end after cycle $cycles"
echo "  rss: $((rss_warm / 1024)) MiB at cycle 100, $((rss_end / 1024)) MiB at cycle $cycles ($(( (rss_end - rss_warm) )) KiB growth)"
fd_growth=$((fd_end - fd_base))
if [ "${fd_growth#-}" -gt 2 ] || [ $((rss_end - rss_warm)) -ge "${SOAK_MAX_RSS_GROWTH_KIB:-5120}" ]; then
  echo "FAIL: resources grew" >&2
  exit 1
fi
# Every cycle but the ones still in progress must have been noticed.
if [ "$lost" -lt $((cycles - 2)) ]; then
  echo "FAIL: only $lost of $cycles lost connections were logged" >&2
  exit 1
fi
echo "ok"
