#!/usr/bin/env bash
# TCP ingest: 100 clients (../shared/bench's wsload, --tcp oneway) send ~1 KB
# JSON lines; the server parses each and writes it to a file. Temblor runs
# tcp_server -> separate -> json -> passthrough -> json -> file; the peers,
# run alternately with it, are syslog-ng (network source -> json-parser ->
# file, configured here) and a bare Asio + RapidJSON line reader (the
# limit). Servers are pinned to CPU 1, the clients and the line counter to
# CPU 0. Prints medians and ratios.
#   tools/bench/tcp_ingest.sh [RUNS] [LINES_PER_CLIENT]
# (keep LINES_PER_CLIENT in the thousands: wsload never half-closes a
# connection whose lines all fit into its first write, and then hangs)
source "$(dirname "$0")/lib.sh"
source "$bench_root/tools/deps.sh"
runs=${1:-3}
per_client=${2:-10000}
conns=100
total=$((conns * per_client))
temblor_install_missing syslog-ng-core
bench_build_peers
bench_build_temblor
temblor=$bench_root/build/temblor
bare=$peers_dir/tcp_ingest_bare
if [ ! -x "$bare" ] || [ "$bench_root/tools/bench/tcp_ingest_bare.cpp" -nt "$bare" ]; then
  g++ -std=c++17 -O2 -DASIO_STANDALONE -pthread "$bench_root/tools/bench/tcp_ingest_bare.cpp" -o "$bare"
fi
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))
out=$work/out.json

cat > "$work/ingest.troy" <<TROY
define flow ingest
flow
  use tremor::pipelines;
  define connector in from tcp_server
  with codec = "json", preprocessors = ["separate"], config = {"url": "127.0.0.1:$port"} end;
  define connector out from file
  with codec = "json", postprocessors = ["separate"], config = {"path": "$out", "mode": "truncate"} end;
  create connector in;
  create connector out;
  create pipeline main from pipelines::passthrough;
  connect /connector/in to /pipeline/main;
  connect /pipeline/main to /connector/out;
end;
deploy flow ingest;
TROY

cat > "$work/syslog-ng.conf" <<CONF
@version: 3.35
options { threaded(yes); use-dns(no); use-fqdn(no); keep-hostname(yes); chain-hostnames(no);
          stats_freq(0); log-fifo-size(100000); flush-lines(1000); };
source s_net { network(ip("127.0.0.1") port($port) transport("tcp") flags(no-parse)
                       max-connections(1000) log-msg-size(65536) log-iw-size(1000000)); };
parser p_json { json-parser(prefix(".json.")); };
destination d_file { file("$out" template("\$(format-json --key .json.* --shift 6)\n")); };
log { source(s_net); parser(p_json); destination(d_file); };
CONF

declare -A servers=(
  [temblor]="env RUST_LOG=error $temblor server run -n $work/ingest.troy"
  [syslog-ng]="syslog-ng -F --no-caps -f $work/syslog-ng.conf -R $work/persist -p $work/syslog-ng.pid -c $work/syslog-ng.ctl"
  [bare]="$bare $port $out"
)

# Counts newlines as the file grows (reading only what is new) and prints
# the seconds from its start until it holds $total lines.
count_lines() {
  taskset -c 0 /usr/bin/python3 - "$out" "$total" <<'PY'
import os, sys, time
path, want = sys.argv[1], int(sys.argv[2])
start, seen, pos = time.monotonic(), 0, 0
deadline = start + 300
while seen < want and time.monotonic() < deadline:
    try:
        with open(path, "rb") as f:
            f.seek(pos)
            chunk = f.read()
    except FileNotFoundError:
        chunk = b""
    if chunk:
        pos += len(chunk)
        seen += chunk.count(b"\n")
    else:
        time.sleep(0.005)
print(f"{time.monotonic() - start:.3f} {seen}")
PY
}

# One run: the server on CPU 1, wsload and the counter on CPU 0; prints events/s.
run_once() {
  local peer=$1
  rm -f "$out"
  taskset -c 1 bash -c "exec ${servers[$peer]}" >"$work/$peer.log" 2>&1 &
  server_pid=$!
  local up=""
  for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && up=1 && break; sleep 0.1; done
  if [ -z "$up" ]; then
    echo "$peer did not listen on $port:" >&2
    tail -5 "$work/$peer.log" >&2
    exit 1
  fi
  sleep 0.3
  count_lines > "$work/count" &
  local counter=$!
  timeout 600 taskset -c 0 "$peers_dir/wsload" --port "$port" --tcp --mode oneway --conns "$conns" \
    --count "$per_client" --size 1000 >"$work/wsload.out" 2>&1
  wait "$counter"
  local secs seen
  read -r secs seen < "$work/count"
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true
  server_pid=""
  if [ "$seen" -lt "$total" ]; then
    echo "$peer wrote $seen of $total lines" >&2
    tail -5 "$work/$peer.log" >&2
    exit 1
  fi
  bench_calc "$total / $secs"
}

declare -A rates=()
for i in $(seq "$runs"); do
  for peer in bare temblor syslog-ng; do
    r=$(run_once "$peer")
    rates[$peer]="${rates[$peer]:-} $r"
    echo "  run $i $peer: $(printf '%.0f' "$r") events/s" >&2
  done
done
t=$(bench_median ${rates[temblor]})
s=$(bench_median ${rates[syslog-ng]})
b=$(bench_median ${rates[bare]})
printf '%d clients x %d ~1 KB JSON lines, tcp -> json -> file (medians of %d runs)\n' "$conns" "$per_client" "$runs"
printf '  temblor   %8.0f events/s\n  syslog-ng %8.0f events/s  -> temblor/syslog-ng = %.2f (target >= 2)\n  bare      %8.0f events/s  -> temblor/bare = %.2f (target >= 0.7)\n' \
  "$t" "$s" "$(bench_calc "$t / $s")" "$b" "$(bench_calc "$t / $b")"
