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
