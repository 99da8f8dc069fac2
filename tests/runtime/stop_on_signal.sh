#!/usr/bin/env bash
# Sends SIGNAL while 100k events are in flight from a file to a file.
# TERM and INT drain gracefully: every event is written once, in order, and
# the exit status is 0. QUIT stops at once: the drain reads its sources to
# the end, so at once means well short of every event.
# Usage: stop_on_signal.sh TEMBLOR_BINARY TERM|INT|QUIT
set -euo pipefail
temblor=$(realpath "$1")
signal=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
count=100000
python3 -c "
import json
with open('in.json', 'w') as f:
    for i in range($count):
        f.write(json.dumps({'i': i, 'pad': 'x' * 200}) + '\n')
"
cat > flow.troy <<'TROY'
define flow drain
flow
  use tremor::pipelines;
  define connector input from file
  with codec = "json", preprocessors = ["separate"], config = {"path": "in.json", "mode": "read"} end;
  define connector output from file
  with codec = "json", postprocessors = ["separate"], config = {"path": "out.json", "mode": "truncate"} end;
  create connector input;
  create connector output;
  create pipeline pass from pipelines::passthrough;
  connect /connector/input to /pipeline/pass;
  connect /pipeline/pass to /connector/output;
end;
deploy flow drain;
TROY
"$temblor" server run -n flow.troy 2> err.log &
pid=$!
# Wait until events are flowing, then stop mid-stream.
for _ in $(seq 200); do
  [ -s out.json ] && break
  sleep 0.01
done
kill -"$signal" "$pid"
status=0
wait "$pid" || status=$?
written=$(wc -l < out.json)
echo "SIG$signal: exit status $status, $written of $count events written"
if [ "$signal" = QUIT ]; then
  if [ "$written" -ge "$count" ]; then
    echo "SIGQUIT drained every event instead of stopping at once" >&2
    cat err.log >&2
    exit 1
  fi
  exit 0
fi
if [ "$status" -ne 0 ] || [ "$written" -ne "$count" ]; then
  cat err.log >&2
  exit 1
fi
# Every event exactly once, in order.
python3 -c "
import json, sys
ids = [json.loads(l)['i'] for l in open('out.json')]
sys.exit(0 if ids == list(range($count)) else 1)
"
