#!/usr/bin/env bash
# SIGTERM while 100k events are being read: the source stops reading at
# once, every event it read still reaches the sink (the output is a gap-free,
# in-order prefix of the input), the drain completes promptly and logs so,
# and the process exits 0.
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
signalled=$(date +%s%N)
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
took_ms=$(( ($(date +%s%N) - signalled) / 1000000 ))
written=$(wc -l < out.json)
echo "exit status $status, $written of $count events written, stopped ${took_ms} ms after SIGTERM"
fail() { echo "FAIL: $1" >&2; cat err.log >&2; exit 1; }
[ "$status" -eq 0 ] || fail "exit status $status"
grep -q "all connectors drained" err.log || fail "the drain did not complete"
# The 5 s bound is for stuck sinks; a file sink drains at once.
[ "$took_ms" -lt 3000 ] || fail "the drain took ${took_ms} ms"
# Every event read is written exactly once, in order, and none after a gap
# (a partial last line would not parse).
python3 -c "
import json, sys
ids = [json.loads(l)['i'] for l in open('out.json')]
sys.exit(0 if ids == list(range(len(ids))) and len(ids) > 0 else 1)
" || fail "the output is not a gap-free prefix of the input"
