#!/usr/bin/env bash
# Helpers for the Kafka delivery tests and benchmarks: a mock cluster
# (build/tools/kafka_mock/kafka_mock, librdkafka's mock brokers on loopback)
# driven through a FIFO, Temblor flows written at run time, waits with
# deadlines. Sourced; the caller sets `work` (a temp dir) and calls
# kafka_cleanup on exit.

kafka_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
temblor=${TEMBLOR_BIN:-$kafka_root/build/temblor}
kafka_mock=${KAFKA_MOCK_BIN:-$kafka_root/build/tools/kafka_mock/kafka_mock}
kafka_pids=()

# Never fails: it runs in EXIT traps under `set -e`, and the mock, which
# exits when its FIFO closes, may already be reaped when `kill` reaches it.
kafka_cleanup() {
  local p
  for p in "${kafka_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ -n "${mock_fd:-}" ]; then exec {mock_fd}>&- 2>/dev/null || true; fi
  if [ -n "${mock_pid:-}" ]; then kill "$mock_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}

# Waits until `$1` (a shell condition) holds, checking every 0.1 s, for at
# most $2 seconds of wall-clock time (a condition that reads a growing
# output file takes longer each time; counting checks let a 120 s wait run
# past ctest's 300 s timeout); fails naming $3.
wait_until() {
  local cond=$1 secs=$2 what=$3
  local deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    eval "$cond" && return 0
    sleep 0.1
  done
  eval "$cond" && return 0
  echo "FAIL: timed out after ${secs}s waiting for $what" >&2
  return 1
}

# Starts the mock cluster with the topics given (NAME:PARTITIONS) and sets
# `bootstrap`.
start_mock() {
  local args=() t
  for t in "$@"; do args+=(--topic "$t"); done
  mkfifo "$work/mock.in"
  "$kafka_mock" "${args[@]}" < "$work/mock.in" > "$work/mock.out" 2> "$work/mock.err" &
  mock_pid=$!
  exec {mock_fd}> "$work/mock.in"
  wait_until 'grep -q "^bootstrap " "$work/mock.out"' 10 "the mock cluster" || return 1
  bootstrap=$(awk '/^bootstrap /{print $2; exit}' "$work/mock.out")
}

# Sends a command (down, up) to the mock cluster and waits for its answer.
mock_cmd() {
  local before
  before=$(grep -c "^ok \|^error " "$work/mock.out" || true)
  echo "$1" >&"$mock_fd"
  wait_until '[ "$(grep -c "^ok \|^error " "$work/mock.out")" -gt '"$before"' ]' 10 "mock: $1" || return 1
  tail -n 1 "$work/mock.out" | grep -q "^ok " || { tail -n 1 "$work/mock.out" >&2; return 1; }
}

# Produces messages {"i": FROM} .. {"i": TO} with kcat.
kcat_produce() {
  local topic=$1 from=$2 to=$3
  seq "$from" "$to" | sed 's/.*/{"i":&}/' | kcat -P -b "$bootstrap" -t "$topic" -X linger.ms=5 -X batch.num.messages=1000 -X sticky.partitioning.linger.ms=0
}

# Counts the distinct values of "i" in the files given (missing files count 0).
distinct_i() {
  cat "$@" 2>/dev/null | grep -o '"i":[0-9]*' | sort -u | wc -l
}

# Counts the lines of the files given.
lines_of() {
  cat "$@" 2>/dev/null | wc -l
}

# Writes a flow: kafka_consumer (group $3, mode $4) on topic $2 -> pipeline
# -> file $5 (append), to $1. The pipeline records partition and offset;
# with $6 = flaky, about 30% of events go to a `cb` sink that fails them
# instead (together: a sink that fails 30% of writes).
write_consumer_flow() {
  local troy=$1 topic=$2 group=$3 mode=$4 out=$5 flavour=${6:-plain}
  local decide="" route="select event from tag into out;" extra=""
  if [ "$flavour" = flaky ]; then
    decide='let $cb = match random::integer(0, 100) < 30 of case true => "fail" default => "keep" end;'
    route='select event from tag where $cb == "fail" into failing;
    select event from tag where $cb != "fail" into out;'
    extra='define connector failing from cb with codec = "json" end;
  create connector failing;
  connect /pipeline/main/failing to /connector/failing;'
  fi
  cat > "$troy" <<TROY
define flow main
flow
  define connector consumer from kafka_consumer
  with
    codec = "json",
    config = {"brokers": ["$bootstrap"], "topics": ["$topic"], "group_id": "$group", "mode": $mode}
  end;
  define connector output from file
  with codec = "json", postprocessors = ["separate"], config = {"path": "$out", "mode": "append"} end;
  define pipeline main
  into out, failing
  pipeline
    define script tag
    script
      use std::random;
      let event.p = \$kafka_consumer.partition;
      let event.o = \$kafka_consumer.offset;
      $decide
      event
    end;
    create script tag;
    select event from in into tag;
    $route
  end;
  create connector consumer;
  create connector output;
  create pipeline main;
  connect /connector/consumer to /pipeline/main;
  connect /pipeline/main/out to /connector/output;
  $extra
end;
deploy flow main;
TROY
}

# Starts Temblor on a flow file in the background; sets `temblor_pid`.
start_temblor() {
  local troy=$1 log=$2
  "$temblor" server run -n --debug-connectors "$troy" > /dev/null 2> "$log" &
  temblor_pid=$!
  kafka_pids+=("$temblor_pid")
}
