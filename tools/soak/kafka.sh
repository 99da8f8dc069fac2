#!/usr/bin/env bash
# Delivery guarantees of kafka_consumer against librdkafka's mock cluster
# (3 brokers on loopback, started here), with kcat as the producer:
#   restarts  transactional consumer -> file, Temblor killed -9 at random
#             points RESTARTS times while messages trickle in: nothing lost,
#             and the duplicates are exactly the events in flight at a kill
#   group     two Temblor processes in one group split 12 partitions; one is
#             killed -9 and the other takes over every partition, nothing lost
#   rewind    a sink that fails 30% of writes: failed events rewind their
#             partition and come again until written; nothing lost
#   outage    every broker down, then up: consumption resumes, nothing lost
#
#   tools/soak/kafka.sh [--short] [restarts|group|rewind|outage|all]
# --short is the form ctest runs (fewer messages and restarts).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
short=0
if [ "${1:-}" = --short ]; then short=1; shift; fi
what=${1:-all}
work=$(mktemp -d)
source "$here/kafka_lib.sh"
# The scenario's status is the script's, whatever the clean-up meets.
trap 'status=$?; kafka_cleanup; rm -rf "$work" 2>/dev/null; exit $status' EXIT
cd "$work"

if [ $short = 1 ]; then restarts=${RESTARTS:-3}; messages=${MESSAGES:-3000}
else restarts=${RESTARTS:-10}; messages=${MESSAGES:-30000}; fi
# A rewind re-delivers every event of the partition already in flight, and
# at 30% failures a pass advances a few offsets: the cost grows with the
# messages times the in-flight window, which a loaded machine widens (3,000
# took 10 s alone and over 100 s beside the mixed soak). The short form
# rewinds 1,000.
rewind_messages=$messages
[ $short = 1 ] && rewind_messages=${MESSAGES:-1000}

start_mock "restarts:12" "group:12" "rewind:4" "outage:4"

# Checks the per-run outputs out.<run>.json of the restarts scenario.
analyse_runs() {
  python3 - "$messages" out.*.json <<'PY'
import json, sys, re
n = int(sys.argv[1])
runs = sorted(sys.argv[2:], key=lambda f: int(re.search(r'out\.(\d+)\.json', f).group(1)))
written = []  # per run: {(p, o): i}
for f in runs:
    seen = {}
    for line in open(f):
        e = json.loads(line)
        key = (e["p"], e["o"])
        if key in seen:
            sys.exit(f"FAIL: {f} wrote partition {key[0]} offset {key[1]} twice in one run")
        seen[key] = e["i"]
    written.append(seen)
everything = [i for w in written for i in w.values()]
missing = set(range(1, n + 1)) - set(everything)
if missing:
    sys.exit(f"FAIL: {len(missing)} message(s) lost, e.g. {sorted(missing)[:5]}")
# A partition's next run starts at the offset committed when the previous
# run was killed: what the previous run wrote from there on was in flight.
in_flight = []
for k in range(len(written) - 1):
    count = 0
    for p in {p for p, _ in written[k]}:
        later = [w for w in written[k + 1:] if any(q == p for q, _ in w)]
        if not later:
            continue
        start = min(o for q, o in later[0] if q == p)
        count += sum(1 for q, o in written[k] if q == p and o >= start)
    in_flight.append(count)
duplicates = len(everything) - n
print(f"messages {n}, runs {len(runs)}, lines {len(everything)}, duplicates {duplicates}, "
      f"in flight at each kill {in_flight} (sum {sum(in_flight)})")
if duplicates != sum(in_flight):
    sys.exit("FAIL: duplicates are not exactly the events in flight at the kills")
PY
}

scenario_restarts() {
  echo "== restarts: $restarts kill -9 of a transactional consumer, $messages messages"
  # Transactional with commit on every ack, as {"transactional":
  # {"commit_interval": 0}} sets it up, plus a short session timeout: a
  # restarted process otherwise waits librdkafka's default 45 s until the
  # group gives up on the killed member.
  local mode='{"custom": {"rdkafka_options": {"enable.auto.commit": false, "session.timeout.ms": 6000, "heartbeat.interval.ms": 500}, "retry_failed_events": true}}'
  local chunk=$((messages / restarts)) run from to producer
  for ((run = 1; run <= restarts + 1; run++)); do
    write_consumer_flow "run.$run.troy" restarts r "$mode" "out.$run.json"
    start_temblor "run.$run.troy" "run.$run.err"
    wait_until 'grep -q "assigned 12 partition" run.$run.err' 60 "run $run to join" || { cat "run.$run.err" >&2; return 1; }
    [ $run -gt $restarts ] && break
    # This run's share trickles in while it runs; the kill lands mid-stream.
    from=$(((run - 1) * chunk + 1)); to=$((run * chunk)); [ $run -eq $restarts ] && to=$messages
    (
      step=$(((to - from + 1) / 20 + 1))
      for ((f = from; f <= to; f += step)); do
        t=$((f + step - 1)); [ $t -gt $to ] && t=$to
        kcat_produce restarts "$f" "$t"
        sleep 0.05
      done
    ) &
    producer=$!
    kafka_pids+=("$producer")
    wait_until '[ -s out.$run.json ]' 60 "run $run to consume" || { cat "run.$run.err" >&2; return 1; }
    sleep "0.$((RANDOM % 10))"
    kill -9 "$temblor_pid"
    wait "$temblor_pid" 2>/dev/null || true
    wait "$producer"
  done
  wait_until '[ "$(distinct_i out.*.json)" -ge '"$messages"' ]' 120 "every message after the last restart" || true
  kill "$temblor_pid"; wait "$temblor_pid" 2>/dev/null || true
  analyse_runs
}

scenario_group() {
  local n=$((messages / 2 * 2)) half=$((messages / 2))
  echo "== group: two processes, one group, 12 partitions, $n messages; one killed -9"
  local mode='{"custom": {"rdkafka_options": {"enable.auto.commit": false, "session.timeout.ms": 10000, "heartbeat.interval.ms": 1000}, "retry_failed_events": true}}'
  write_consumer_flow a.troy group shared "$mode" a.json
  write_consumer_flow b.troy group shared "$mode" b.json
  start_temblor a.troy a.err; local a=$temblor_pid
  start_temblor b.troy b.err; local b=$temblor_pid
  wait_until 'grep -q "assigned 6 partition" a.err && grep -q "assigned 6 partition" b.err' 60 \
    "both processes to get 6 partitions" || { cat a.err b.err >&2; return 1; }
  kcat_produce group 1 "$half"
  wait_until '[ "$(distinct_i a.json b.json)" -ge '"$half"' ]' 60 "the first half"
  local in_a in_b
  in_a=$(lines_of a.json); in_b=$(lines_of b.json)
  echo "before the kill: a wrote $in_a, b wrote $in_b"
  [ "$in_a" -gt 0 ] && [ "$in_b" -gt 0 ] || { echo "FAIL: the partitions were not shared" >&2; grep -h "assigned\|revoked" a.err b.err >&2; return 1; }
  kill -9 "$a"; wait "$a" 2>/dev/null || true
  local killed_at=$SECONDS
  kcat_produce group $((half + 1)) "$n"
  wait_until 'grep -q "assigned 12 partition" b.err' 60 "b to take over all 12 partitions" || { cat b.err >&2; return 1; }
  local took=$((SECONDS - killed_at))
  wait_until '[ "$(distinct_i a.json b.json)" -ge '"$n"' ]' 60 "every message" || true
  kill "$b"; wait "$b" 2>/dev/null || true
  local got total
  got=$(distinct_i a.json b.json); total=$(lines_of a.json b.json)
  echo "b took over all 12 partitions within ${took}s; distinct $got of $n, lines $total, duplicates $((total - got))"
  [ "$got" -eq "$n" ] || { echo "FAIL: $((n - got)) message(s) lost" >&2; return 1; }
}

scenario_rewind() {
  echo "== rewind: a sink that fails 30% of writes, $rewind_messages messages"
  write_consumer_flow rewind.troy rewind w '{"transactional": {"commit_interval": 0}}' rewind.json flaky
  start_temblor rewind.troy rewind.err
  kcat_produce rewind 1 "$rewind_messages"
  wait_until '[ "$(distinct_i rewind.json)" -ge '"$rewind_messages"' ]' 120 "every message despite failures" || true
  kill "$temblor_pid"; wait "$temblor_pid" 2>/dev/null || true
  local got total
  got=$(distinct_i rewind.json); total=$(lines_of rewind.json)
  echo "distinct $got of $rewind_messages, lines $total (written again after a rewind: $((total - got)))"
  [ "$got" -eq "$rewind_messages" ] || { echo "FAIL: $((rewind_messages - got)) message(s) lost" >&2; tail -5 rewind.err >&2; return 1; }
  [ "$total" -gt "$got" ] || { echo "FAIL: no event was written again: failures did not rewind" >&2; tail -5 rewind.err >&2; return 1; }
}

scenario_outage() {
  local half=$((messages / 2))
  echo "== outage: all brokers down, then up; $messages messages"
  write_consumer_flow outage.troy outage o '{"transactional": {"commit_interval": 100000000}}' outage.json
  start_temblor outage.troy outage.err
  kcat_produce outage 1 "$half"
  wait_until '[ "$(distinct_i outage.json)" -ge '"$half"' ]' 60 "the first half" || { cat outage.err >&2; return 1; }
  mock_cmd down
  sleep 3
  mock_cmd up
  kcat_produce outage $((half + 1)) "$messages"
  wait_until '[ "$(distinct_i outage.json)" -ge '"$messages"' ]' 120 "every message after the outage" || true
  kill "$temblor_pid"; wait "$temblor_pid" 2>/dev/null || true
  local got
  got=$(distinct_i outage.json)
  echo "distinct $got of $messages after the outage, lines $(lines_of outage.json)"
  [ "$got" -eq "$messages" ] || { echo "FAIL: $((messages - got)) message(s) lost" >&2; return 1; }
}

case $what in
  restarts|group|rewind|outage) "scenario_$what" ;;
  all) scenario_restarts; scenario_group; scenario_rewind; scenario_outage ;;
  *) echo "usage: $0 [--short] [restarts|group|rewind|outage|all]" >&2; exit 2 ;;
esac
echo "PASS: $what"
