#!/usr/bin/env bash
# Shared helpers for the benchmark scripts: build the peers, time commands,
# take medians. Every figure is measured in the same run as its peer.
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shared_bench=${TEMBLOR_SHARED_BENCH:-$bench_root/../shared/bench}
# A worktree under wt/ sits one level deeper than the main checkout.
[ -d "$shared_bench" ] || shared_bench=$bench_root/../../shared/bench
peers_dir=${TEMBLOR_PEERS_DIR:-$bench_root/.bench-build}

bench_build_peers() {
  [ -x "$peers_dir/rj_pipe" ] && [ -f "$peers_dir/events1k.ndjson" ] && return 0
  "$shared_bench/build.sh" "$peers_dir" >&2
}

# Installs Node-RED (tools/bench/node-red) when missing.
bench_install_node_red() {
  source "$bench_root/tools/deps.sh"
  temblor_install_node_red "$bench_root"
}

# The command that runs Node-RED headless on PORT with FLOW (a file in
# tools/bench/node-red), its user dir in DIR; extra VAR=value pairs go to
# its environment (a flow's ${VAR} properties).
bench_node_red_cmd() {
  local port=$1 flow=$2 dir=$3; shift 3
  local nr=$bench_root/tools/bench/node-red
  echo "env NODE_RED_PORT=$port NODE_RED_FLOW=$nr/$flow $* node $nr/node_modules/node-red/red.js --settings $nr/settings.js --userDir $dir"
}

bench_build_temblor() {
  "$bench_root/tools/build.sh" Release temblor >&2
}

# Prints the wall time of a command in seconds (fractional).
bench_time() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.6f\n", b - a}' 
}

# Median of the numbers given as arguments.
bench_median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

# The P-th percentile (nearest rank, 0 < P <= 100) of the numbers given after P.
bench_percentile() {
  local p=$1; shift
  printf '%s\n' "$@" | sort -g | awk -v p="$p" '{a[NR]=$1} END {r=int((p*NR+99)/100); if (r<1) r=1; print a[r]}'
}

# Evaluates an arithmetic expression with awk (floating point).
bench_calc() {
  awk "BEGIN {printf \"%.6f\n\", $1}"
}

# Writes a flow file -> json -> pipeline `main` -> json -> file to $1, reading
# $2 and writing $3. The pipeline definition (a `define pipeline main into
# out, exit pipeline … end;` routing the closing "exit" event to `exit`)
# comes on stdin; that event stops the flow once everything before it is written.
bench_write_file_flow() {
  local troy=$1 in=$2 out=$3
  {
    echo "define flow bench"
    echo "flow"
    cat
    cat <<TROY
  define connector input from file
  with codec = "json", preprocessors = ["separate"], config = {"path": "$in", "mode": "read"} end;
  define connector output from file
  with codec = "json", postprocessors = ["separate"], config = {"path": "$out", "mode": "truncate"} end;
  define connector stop from exit;
  create connector input;
  create connector output;
  create connector stop;
  create pipeline main;
  connect /connector/input to /pipeline/main;
  connect /pipeline/main to /connector/output;
  connect /pipeline/main/exit to /connector/stop;
end;
deploy flow bench;
TROY
  } > "$troy"
}

# The plain passthrough pipeline for bench_write_file_flow.
bench_passthrough_pipeline() {
  cat <<'TROY'
  define pipeline main
  into out, exit
  pipeline
    select event from in where event != "exit" into out;
    select {"exit": 0} from in where event == "exit" into exit;
  end;
TROY
}

# Runs a flow file and checks that OUT got WANT lines; prints the wall time.
bench_run_flow() {
  local troy=$1 out=$2 want=$3 t got
  t=$(bench_time "$bench_root/build/temblor" run "$troy")
  got=$(wc -l < "$out" 2>/dev/null || echo 0)
  if [ "$got" -ne "$want" ]; then
    echo "temblor wrote $got of $want events for $troy" >&2
    exit 1
  fi
  echo "$t"
}

# A TCP port that is free on 127.0.0.1 right now.
bench_free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Runs CMD… in a session of its own (setsid) with its output in OUTFILE and
# waits for it, so that bench_stop_group, called from a script's EXIT trap,
# ends it and everything it started: ../shared/bench's pair.sh and hold.sh
# leave their server running when they are interrupted.
#   bench_in_group OUTFILE CMD…
bench_group_pid=""
# Signals end the script through its EXIT trap: bash would otherwise carry on
# after a SIGINT that the child in its own session never saw.
trap 'exit 130' INT
trap 'exit 143' TERM
bench_in_group() {
  local out=$1 rc=0; shift
  setsid "$@" > "$out" &
  bench_group_pid=$!
  wait "$bench_group_pid" || rc=$?
  bench_group_pid=""
  return "$rc"
}
bench_stop_group() {
  [ -z "$bench_group_pid" ] || kill -- "-$bench_group_pid" 2>/dev/null || true
}

# WebSocket runs through ../shared/bench's pair.sh (server on CPU 1, wsload on
# CPU 0). bench_ws_pair LABEL COMMAND_FN WSLOAD_ARGS… takes a fresh free port,
# runs the server that `COMMAND_FN LABEL PORT` prints, and appends the rate,
# the messages per second of server CPU (less sensitive to a loaded machine)
# and the p50 latency to bench_rates/bench_cpu/bench_p50[LABEL].
declare -gA bench_rates=() bench_cpu=() bench_p50=()
bench_ws_reset() { bench_rates=(); bench_cpu=(); bench_p50=(); }
bench_ws_field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
bench_ws_pair() {
  local label=$1 command_fn=$2; shift 2
  local port cmd line msgs ticks out
  port=$(bench_free_port)
  cmd=$("$command_fn" "$label" "$port")
  out=$(mktemp)
  bench_in_group "$out" "$shared_bench/pair.sh" "$peers_dir/wsload" "$port" "$cmd" "$@"
  line=$(cat "$out")
  rm -f "$out"
  echo "  $label: $line" >&2
  msgs=$(echo "$line" | bench_ws_field msgs)
  ticks=$(echo "$line" | bench_ws_field srv_cpu_ticks)
  if [ -z "$msgs" ] || [ "$msgs" -eq 0 ]; then
    echo "no echo from $label ($cmd)" >&2
    exit 1
  fi
  [ "$(echo "$line" | bench_ws_field errors)" = 0 ] || echo "  ($label: wsload saw errors)" >&2
  bench_rates[$label]="${bench_rates[$label]:-} $(echo "$line" | bench_ws_field rate)"
  bench_cpu[$label]="${bench_cpu[$label]:-} $(bench_calc "$msgs * $(getconf CLK_TCK) / ($ticks + 1)")"
  bench_p50[$label]="${bench_p50[$label]:-} $(echo "$line" | bench_ws_field p50)"
}

# RUNS rounds of bench_ws_pair over LABELS (one string, space-separated) in
# turn, each run SECONDS long after a 1 s warm-up; gathers afresh. A script
# may define bench_after_run LABEL to check a run's side effects.
#   bench_ws_alternate RUNS SECONDS COMMAND_FN "LABEL…" WSLOAD_ARGS…
bench_ws_alternate() {
  local runs=$1 secs=$2 command_fn=$3 labels=$4; shift 4
  bench_ws_reset
  for i in $(seq "$runs"); do
    echo "  run $i" >&2
    for label in $labels; do
      bench_ws_pair "$label" "$command_fn" "$@" --duration "$secs" --warmup 1
      if declare -F bench_after_run >/dev/null; then bench_after_run "$label"; fi
    done
  done
}

# Writes the WebSocket echo flow (ws_server on 127.0.0.1:PORT -> json ->
# passthrough -> the same ws_server) to FILE.
bench_ws_echo_flow() {
  cat > "$1" <<TROY
define flow echo
flow
  use tremor::pipelines;
  define connector server from ws_server
  with codec = "json", config = {"url": "127.0.0.1:$2"} end;
  create connector server;
  create pipeline echo from pipelines::passthrough;
  connect /connector/server to /pipeline/echo;
  connect /pipeline/echo to /connector/server;
end;
deploy flow echo;
TROY
}

# Prints the medians of what bench_ws_pair gathered for each LABEL, with the
# ratios REF / LABEL (rate, CPU efficiency; p50 as REF's over LABEL's).
#   bench_ws_table TITLE REF LABEL…
bench_ws_table() {
  local title=$1 ref=$2; shift 2
  local r_rate r_cpu r_p50 r c l
  echo "$title"
  printf '  %-12s %10s %9s %12s %9s %9s %9s\n' server msg/s "$ref/x" "msg/CPU-s" "$ref/x" p50_us "$ref/x"
  r_rate=$(bench_median ${bench_rates[$ref]})
  r_cpu=$(bench_median ${bench_cpu[$ref]})
  r_p50=$(bench_median ${bench_p50[$ref]})
  for label in "$@"; do
    r=$(bench_median ${bench_rates[$label]}); c=$(bench_median ${bench_cpu[$label]})
    l=$(bench_median ${bench_p50[$label]})
    printf '  %-12s %10.0f %9.3f %12.0f %9.3f %9.0f %9.2f\n' "$label" "$r" "$(bench_calc "$r_rate / $r")" \
      "$c" "$(bench_calc "$r_cpu / $c")" "$l" "$(bench_calc "$r_p50 / ($l + 1)")"
  done
}
