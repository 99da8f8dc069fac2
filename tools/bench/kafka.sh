#!/usr/bin/env bash
# Kafka throughput against kcat, on librdkafka's mock cluster (3 brokers on
# loopback, started here), same run, alternating, medians:
#   produce  N ~200-byte JSON lines: Temblor (file -> kafka_producer) vs kcat -P
#   consume  Temblor (kafka_consumer -> null; performance and transactional
#            modes) vs kcat -C -e, both joining a consumer group, reading what
#            the mock cluster still holds: it keeps only the last few MB of a
#            partition, so the consume figures are on that many messages
# Every timing is the whole process (start, group join, last message, exit).
# One partition, so a final "exit" message is read last and stops Temblor.
#   tools/bench/kafka.sh [MESSAGES] [RUNS]     (default 1000000 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/../soak/kafka_lib.sh"
n=${1:-1000000}
runs=${2:-3}
work=$(mktemp -d)
trap 'kafka_cleanup; rm -rf "$work"' EXIT
[ -x "$temblor" ] && [ -x "$kafka_mock" ] || "$bench_root/tools/build.sh" Release temblor kafka_mock >&2
cd "$work"
# The mock cluster's fetches stall on record batches near 1 MB; both
# producers batch at most 1000 messages (~200 KB).
batching=batch.num.messages=1000

pad=$(printf 'y%.0s' $(seq 1 170))
seq 1 "$n" | sed "s/.*/{\"i\":&,\"pad\":\"$pad\"}/" > in.json
echo '"exit"' >> in.json
bytes=$(stat -c %s in.json)
topics=(source:1)
for ((r = 1; r <= runs; r++)); do topics+=("kcat$r:1" "temblor$r:1"); done
start_mock "${topics[@]}"
# The consume runs read `source`, filled once by kcat.
kcat -P -b "$bootstrap" -t source -l -X "$batching" in.json
held=$(kcat -C -b "$bootstrap" -t source -o beginning -e -q | wc -l)
held_bytes=$(kcat -C -b "$bootstrap" -t source -o beginning -e -q | wc -c)

produce_flow() {
  cat > "produce.$1.troy" <<TROY
define flow main
flow
  define connector input from file
  with codec = "json", preprocessors = ["separate"], config = {"path": "in.json", "mode": "read"} end;
  define connector output from kafka_producer
  with codec = "json", config = {"brokers": ["$bootstrap"], "topic": "temblor$1", "rdkafka_options": {"batch.num.messages": 1000}} end;
  define connector stop from exit;
  define pipeline main
  into out, exit
  pipeline
    select event from in into out;
    select {"exit": 0, "delay": 1000000} from in where event == "exit" into exit;
  end;
  create connector input; create connector output; create connector stop;
  create pipeline main;
  connect /connector/input to /pipeline/main;
  connect /pipeline/main to /connector/output;
  connect /pipeline/main/exit to /connector/stop;
end;
deploy flow main;
TROY
}

consume_flow() {
  cat > "consume.$1.troy" <<TROY
define flow main
flow
  define connector input from kafka_consumer
  with codec = "json", config = {"brokers": ["$bootstrap"], "topics": ["source"], "group_id": "$1", "mode": $2} end;
  define connector sink from \`null\`;
  define connector stop from exit;
  define pipeline main
  into out, exit
  pipeline
    select event from in into out;
    select {"exit": 0} from in where event == "exit" into exit;
  end;
  create connector input; create connector sink; create connector stop;
  create pipeline main;
  connect /connector/input to /pipeline/main;
  connect /pipeline/main to /connector/sink;
  connect /pipeline/main/exit to /connector/stop;
end;
deploy flow main;
TROY
}

# Messages written to a one-partition topic: its last offset + 1.
count_topic() {
  echo $(( $(kcat -C -b "$bootstrap" -t "$1" -o -1 -c 1 -e -q -f '%o') + 1 ))
}

kp=() tp=() kc=() tperf=() ttx=()
for ((r = 1; r <= runs; r++)); do
  kp+=("$(bench_time kcat -P -b "$bootstrap" -t "kcat$r" -l -X "$batching" in.json)")
  produce_flow "$r"
  tp+=("$(bench_time "$temblor" server run -n --debug-connectors "produce.$r.troy")")
  kc+=("$(bench_time kcat -C -b "$bootstrap" -G "kcat-group-$r" -o beginning -e -q source)")
  consume_flow "perf-$r" '"performance"'
  tperf+=("$(bench_time "$temblor" server run -n --debug-connectors "consume.perf-$r.troy")")
  consume_flow "tx-$r" '{"transactional": {"commit_interval": 1000000000}}'
  ttx+=("$(bench_time "$temblor" server run -n --debug-connectors "consume.tx-$r.troy")")
done
# Correctness of what was timed: every message made it.
for ((r = 1; r <= runs; r++)); do
  got=$(count_topic "temblor$r")
  [ "$got" -eq $((n + 1)) ] || { echo "FAIL: temblor produced $got of $((n + 1)) messages in run $r" >&2; exit 1; }
done

report() {
  local what=$1 t=$2 peer=$3 count=$4 size=$5
  printf '%-40s %10.0f msg/s %7.1f MB/s   %s\n' "$what" "$(bench_calc "$count / $t")" "$(bench_calc "$size / $t / 1000000")" "$peer"
}
m_kp=$(bench_median "${kp[@]}"); m_tp=$(bench_median "${tp[@]}")
m_kc=$(bench_median "${kc[@]}"); m_perf=$(bench_median "${tperf[@]}"); m_tx=$(bench_median "${ttx[@]}")
echo "produce $n messages (~$((bytes / (n + 1))) B); consume the $held the mock cluster holds; runs $runs; medians of whole-process wall times"
report "produce: kcat -P" "$m_kp" "" "$n" "$bytes"
report "produce: Temblor file -> kafka_producer" "$m_tp" "$(bench_calc "$m_kp / $m_tp")x kcat" "$n" "$bytes"
report "consume: kcat -C -G -e" "$m_kc" "" "$held" "$held_bytes"
report "consume: Temblor performance -> null" "$m_perf" "$(bench_calc "$m_kc / $m_perf")x kcat" "$held" "$held_bytes"
report "consume: Temblor transactional -> null" "$m_tx" "$(bench_calc "$m_perf / $m_tx")x performance mode" "$held" "$held_bytes"
