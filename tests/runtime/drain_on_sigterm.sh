#!/usr/bin/env bash
# SIGTERM while 100k events are in flight: every event is written, exit 0.
# Usage: drain_on_sigterm.sh TEMBLOR_BINARY
set -euo pipefail
temblor=$(realpath "$1")
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
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
written=$(wc -l < out.json)
echo "exit status $status, $written of $count events written"
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
