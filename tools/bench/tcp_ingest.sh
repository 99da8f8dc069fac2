#!/usr/bin/env bash
# TCP ingest: 100 clients each send the same LINES_PER_CLIENT ~1 KB JSON lines
# (the first lines of ../shared/bench's events1k.ndjson) and half-close; the
# server parses each line and writes it to a file. Temblor runs tcp_server ->
# separate -> json -> passthrough -> json -> file; the peers, run alternately
# with it, are syslog-ng (network source -> json-parser -> file, configured
# here) and a bare Asio + RapidJSON line reader (tcp_ingest_bare.cpp, the
# limit). The load driver is tcp_ingest_send.cpp (one epoll thread, the whole
# file per connection, then shutdown(SHUT_WR)). A run's time is from the first
# connect until the output file holds every line; each run checks the count
# and that the last line is JSON. Servers are pinned to CPU 1, the sender and
# the line counter to CPU 0. Prints medians of alternating runs, ratios, the
# server's events per CPU-second (less sensitive to a loaded machine) and its
# peak RSS.
#   tools/bench/tcp_ingest.sh [RUNS] [LINES_PER_CLIENT]
source "$(dirname "$0")/lib.sh"
source "$bench_root/tools/deps.sh"
runs=${1:-5}
per_client=${2:-3000}
conns=100
total=$((conns * per_client))
temblor_install_missing syslog-ng-core
bench_build_peers
bench_build_temblor
temblor=$bench_root/build/temblor
compile_tool() {
  local name=$1
  if [ ! -x "$peers_dir/$name" ] || [ "$bench_root/tools/bench/$name.cpp" -nt "$peers_dir/$name" ]; then
    g++ -std=c++17 -O2 -DASIO_STANDALONE -pthread "$bench_root/tools/bench/$name.cpp" -o "$peers_dir/$name"
  fi
}
compile_tool tcp_ingest_bare
compile_tool tcp_ingest_send
work=$(mktemp -d)
server_pid=""
counter_pid=""
cleanup() {
  [ -n "$counter_pid" ] && kill "$counter_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
out=$work/out.json
lines=$work/lines.json
events=$peers_dir/events1k.ndjson
: > "$lines"
while [ "$(wc -l < "$lines")" -lt "$per_client" ]; do cat "$events" >> "$lines"; done
head -n "$per_client" "$lines" > "$lines.tmp" && mv "$lines.tmp" "$lines"
line_bytes=$(( $(wc -c < "$lines") / per_client ))

# The server command for PEER listening on PORT (its config files written now).
server_command() {
  local peer=$1 port=$2
  case $peer in
  temblor)
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
    echo "env RUST_LOG=error $temblor server run -n $work/ingest.troy" ;;
  syslog-ng)
    rm -rf "$work/persist"
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
    echo "syslog-ng -F --no-caps -f $work/syslog-ng.conf -R $work/persist -p $work/syslog-ng.pid -c $work/syslog-ng.ctl" ;;
  bare)
    echo "$peers_dir/tcp_ingest_bare $port $out" ;;
  esac
}

# Counts newlines as the file grows (reading only what is new) until it holds
# $total lines or nothing arrived for 60 s; prints the CLOCK_MONOTONIC ns when
# it had them all, the count, and whether the last line parses as JSON. (exec:
# the background job's pid is the counter's, so the EXIT trap can stop it.)
count_lines() {
  exec taskset -c 0 /usr/bin/python3 - "$out" "$total" <<'PY'
import json, sys, time
path, want = sys.argv[1], int(sys.argv[2])
seen, pos, last, tail = 0, 0, time.monotonic(), b""
while seen < want and time.monotonic() - last < 60:
    try:
        with open(path, "rb") as f:
            f.seek(pos)
            chunk = f.read()
    except FileNotFoundError:
        chunk = b""
    if chunk:
        pos += len(chunk)
        seen += chunk.count(b"\n")
        tail = (tail + chunk)[-65536:]
        last = time.monotonic()
    else:
        time.sleep(0.002)
done = time.monotonic_ns()
try:
    json.loads(tail.rstrip(b"\n").rsplit(b"\n", 1)[-1])
    valid = "json"
except ValueError:
    valid = "not-json"
print(done, seen, valid)
PY
}

# One run (in this shell, so the EXIT trap sees its processes): sets
# run_rate (events/s), run_cpu (events per server CPU-second), run_rss (peak
# KiB) and run_secs.
run_once() {
  local peer=$1 port cmd
  port=$(bench_free_port)
  cmd=$(server_command "$peer" "$port")
  rm -f "$out"
  taskset -c 1 bash -c "exec $cmd" >"$work/$peer.log" 2>&1 &
  server_pid=$!
  local up=""
  for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && up=1 && break; sleep 0.1; done
  if [ -z "$up" ]; then
    echo "$peer did not listen on $port:" >&2
    tail -5 "$work/$peer.log" >&2
    exit 1
  fi
  sleep 0.3
  local t0
  t0=$(awk '{print $14+$15}' "/proc/$server_pid/stat")
  count_lines > "$work/count" &
  counter_pid=$!
  if ! taskset -c 0 "$peers_dir/tcp_ingest_send" "$port" "$lines" "$conns" > "$work/send.out" 2>&1; then
    echo "the sender failed against $peer:" >&2
    cat "$work/send.out" >&2
    exit 1
  fi
  wait "$counter_pid"
  counter_pid=""
  local t1 rss start finished seen valid
  t1=$(awk '{print $14+$15}' "/proc/$server_pid/stat")
  rss=$(awk '/VmHWM/{print $2}' "/proc/$server_pid/status")
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true
  server_pid=""
  start=$(sed -n 's/.*start_ns=\([0-9]*\).*/\1/p' "$work/send.out")
  read -r finished seen valid < "$work/count"
  if [ "$seen" -ne "$total" ] || [ "$valid" != json ]; then
    echo "$peer wrote $seen of $total lines (last line: $valid)" >&2
    tail -5 "$work/$peer.log" >&2
    exit 1
  fi
  run_secs=$(bench_calc "($finished - $start) / 1e9")
  run_rate=$(bench_calc "$total / $run_secs")
  run_cpu=$(bench_calc "$total * $(getconf CLK_TCK) / ($t1 - $t0 + 1)")
  run_rss=$rss
}

peers=(bare temblor syslog-ng)
declare -A rates=() cpu=() rss=()
for i in $(seq "$runs"); do
  for peer in "${peers[@]}"; do
    run_once "$peer"
    rates[$peer]="${rates[$peer]:-} $run_rate"
    cpu[$peer]="${cpu[$peer]:-} $run_cpu"
    rss[$peer]="${rss[$peer]:-} $run_rss"
    printf '  run %d %-9s %8.0f events/s in %6.2f s, %8.0f events/CPU-s, peak RSS %6d KiB\n' \
      "$i" "$peer" "$run_rate" "$run_secs" "$run_cpu" "$run_rss" >&2
  done
done
t_rate=$(bench_median ${rates[temblor]})
t_cpu=$(bench_median ${cpu[temblor]})
printf '%d clients x %d JSON lines of ~%d bytes, tcp -> json -> file (medians of %d alternating runs)\n' \
  "$conns" "$per_client" "$line_bytes" "$runs"
printf '  %-9s %10s %12s %14s %12s %14s\n' server events/s temblor/x events/CPU-s temblor/x "peak RSS MiB"
for peer in temblor syslog-ng bare; do
  r=$(bench_median ${rates[$peer]}); c=$(bench_median ${cpu[$peer]}); m=$(bench_median ${rss[$peer]})
  printf '  %-9s %10.0f %12.2f %14.0f %12.2f %14.1f\n' "$peer" "$r" "$(bench_calc "$t_rate / $r")" \
    "$c" "$(bench_calc "$t_cpu / $c")" "$(bench_calc "$m / 1024")"
done
echo "  targets: temblor/syslog-ng >= 2, temblor/bare >= 0.7 (events/s)"
