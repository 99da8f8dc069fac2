#!/usr/bin/env bash
# HTTP client: Temblor (bench source -> http_client -> bench sink, small JSON
# POSTs) against wrk driving the same nginx directly (the limit) and against
# a bare libcurl client (http_client_bare.cpp: the library Temblor's client
# is built on, driven straight from epoll, nothing else), all with the same
# number of requests in flight. nginx (`return 200`) is pinned to CPU 1, the
# client side to CPU 0; runs alternate. Prints medians.
#   tools/bench/http_client.sh [RUNS] [SECONDS] [IN_FLIGHT]
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http/lib.sh"
runs=${1:-3}
secs=${2:-8}
inflight=${3:-32}
bench_build_temblor
temblor=$bench_root/build/temblor
mkdir -p "$peers_dir"
if [ ! -x "$peers_dir/http_client_bare" ] || [ "$bench_root/tools/bench/http_client_bare.cpp" -nt "$peers_dir/http_client_bare" ]; then
  g++ -std=c++17 -O2 "$bench_root/tools/bench/http_client_bare.cpp" -o "$peers_dir/http_client_bare" -lcurl
fi
here=$bench_root/tools/bench/http
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

http_nginx_conf "$work/nginx" "$port"
taskset -c 1 nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
http_wait_port "$port"

# The same body wrk sends, one event per line; replayed until stop_after_secs.
body=$(http_post_body)
for _ in $(seq 1 1000); do echo "$body"; done > "$work/events.json"

cat > "$work/client.troy" <<TROY
define flow client
flow
  define connector bench from bench
  with
    codec = "json",
    config = {"path": "$work/events.json", "iters": 100000000, "stop_after_secs": $((secs + 1)), "warmup_secs": 1}
  end;
  define connector http from http_client
  with config = {"url": "http://127.0.0.1:$port/", "concurrency": $inflight} end;
  create connector bench;
  create connector http;
  create pipeline to_http from tremor::pipelines::passthrough;
  create pipeline back from tremor::pipelines::passthrough;
  connect /connector/bench to /pipeline/to_http;
  connect /pipeline/to_http to /connector/http;
  connect /connector/http to /pipeline/back;
  connect /pipeline/back to /connector/bench;
end;
deploy flow client;
TROY

temblor_rate() {
  taskset -c 0 "$temblor" server run -n --debug-connectors "$work/client.troy" 2>"$work/temblor.err" |
    sed -n 's/^Throughput (events): \([0-9.]*\)k events\/s$/\1/p' | awk '{print $1 * 1000}'
}

wrk_rate() {
  taskset -c 0 wrk -t1 -c"$inflight" -d"${secs}s" -s "$here/post.lua" "http://127.0.0.1:$port/" 2>&1 |
    awk '/Requests\/sec/ {print $2}'
}

# Warms up for a second itself, then measures SECONDS.
bare_rate() {
  taskset -c 0 "$peers_dir/http_client_bare" "http://127.0.0.1:$port/" "$secs" "$inflight" "$body"
}

taskset -c 0 wrk -t1 -c"$inflight" -d1s -s "$here/post.lua" "http://127.0.0.1:$port/" >/dev/null 2>&1
t_rates=""; w_rates=""; b_rates=""; tw_ratios=""; bw_ratios=""; tb_ratios=""
for i in $(seq "$runs"); do
  w=$(wrk_rate); b=$(bare_rate); t=$(temblor_rate)
  echo "  run $i: wrk ${w:-0} req/s, bare libcurl ${b:-0} req/s, temblor ${t:-0} req/s" >&2
  [ -z "$t" ] && cat "$work/temblor.err" >&2
  w_rates="$w_rates ${w:-0}"; b_rates="$b_rates ${b:-0}"; t_rates="$t_rates ${t:-0}"
  # Ratios within a run: the three ran back to back, so a neighbour slowing
  # this virtual machine down for a while moves all three together.
  tw_ratios="$tw_ratios $(bench_calc "${t:-0} / ${w:-1}")"
  bw_ratios="$bw_ratios $(bench_calc "${b:-0} / ${w:-1}")"
  tb_ratios="$tb_ratios $(bench_calc "${t:-0} / ${b:-1}")"
done
t=$(bench_median $t_rates); w=$(bench_median $w_rates); b=$(bench_median $b_rates)
printf 'HTTP client -> nginx, %d requests in flight, small JSON POST (medians of %d runs)\n' "$inflight" "$runs"
printf '  temblor http_client %9.0f req/s\n  bare libcurl        %9.0f req/s\n  wrk (the limit)     %9.0f req/s\n' "$t" "$b" "$w"
printf '  temblor/wrk = %.2f (target >= 0.5)   bare libcurl/wrk = %.2f   temblor/bare libcurl = %.2f\n' \
  "$(bench_calc "$t / $w")" "$(bench_calc "$b / $w")" "$(bench_calc "$t / $b")"
printf '  medians of the per-run ratios: %.2f   %.2f   %.2f\n' \
  "$(bench_median $tw_ratios)" "$(bench_median $bw_ratios)" "$(bench_median $tb_ratios)"
