#!/usr/bin/env bash
# HTTP echo: Temblor (http_server -> passthrough -> http_server) against
# Node's built-in `http` echo and nginx `return 200` (the limit), with wrk,
# 100 connections, a small JSON POST body. Each server is pinned to CPU 1,
# wrk to CPU 0; runs alternate. Prints medians of requests/s and p99.
#   tools/bench/http_echo.sh [RUNS] [SECONDS]
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http/lib.sh"
runs=${1:-3}
secs=${2:-8}
bench_build_temblor
temblor=$bench_root/build/temblor
here=$bench_root/tools/bench/http
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))

http_echo_flow "$work/echo.troy" "$port"

http_nginx_conf "$work/nginx" "$port"

declare -A servers=(
  [temblor]="$temblor server run -n $work/echo.troy"
  [node]="node $here/node_echo.js $port"
  [nginx]="nginx -p $work/nginx -c $work/nginx/nginx.conf"
)

# Runs one server pinned to CPU 1 and wrk against it; prints "RPS P99_MS".
measure() {
  local cmd=$1 log=$work/server.log out
  taskset -c 1 bash -c "exec $cmd" >"$log" 2>&1 &
  local pid=$!
  http_wait_port "$port"
  # One second of warm-up (JIT, caches), then the measured run.
  taskset -c 0 wrk -t1 -c100 -d1s -s "$here/post.lua" "http://127.0.0.1:$port/" >/dev/null 2>&1
  out=$(taskset -c 0 wrk -t1 -c100 -d"${secs}s" -s "$here/post.lua" --latency "http://127.0.0.1:$port/" 2>&1)
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  # Let the port leave TIME_WAIT behind before the next server binds it.
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null || break; sleep 0.1; done
  if echo "$out" | grep -q "Non-2xx"; then
    echo "non-2xx answers from: $cmd" >&2
    echo "$out" >&2
  fi
  local rps p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v*=1000}; print v}')
  echo "${rps:-0} ${p99:-0}"
}

declare -A rates=() p99s=()
for i in $(seq "$runs"); do
  for peer in nginx temblor node; do
    read -r rps p99 < <(measure "${servers[$peer]}")
    echo "  run $i $peer: $rps req/s, p99 $p99 ms" >&2
    rates[$peer]="${rates[$peer]:-} $rps"
    p99s[$peer]="${p99s[$peer]:-} $p99"
  done
done
t=$(bench_median ${rates[temblor]}); n=$(bench_median ${rates[node]}); x=$(bench_median ${rates[nginx]})
tp=$(bench_median ${p99s[temblor]}); np=$(bench_median ${p99s[node]}); xp=$(bench_median ${p99s[nginx]})
printf 'HTTP echo, wrk 100 connections, %d-byte JSON POST, server on one CPU (medians of %d runs)\n' \
  "$(http_post_body | tr -d '\n' | wc -c)" "$runs"
printf '  %-8s %9.0f req/s  p99 %7.2f ms\n' temblor "$t" "$tp" node "$n" "$np" nginx "$x" "$xp"
printf '  temblor/node = %.2f (target >= 1.5)   temblor/nginx = %.2f (target >= 0.4)\n' \
  "$(bench_calc "$t / $n")" "$(bench_calc "$t / $x")"
