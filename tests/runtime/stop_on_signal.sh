#!/usr/bin/env bash
# Sends SIGNAL while 100k events are in flight from a file to a file.
# TERM and INT stop gracefully: temblor logs "all connectors drained" and
# exits 0 promptly, and the output is a gap-free, in-order prefix of the
# input (every event read reaches the sink, none twice). QUIT stops at once:
# exit 0 promptly, without draining.
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
for _ in $(seq 1000); do
  [ -s out.json ] && break
  sleep 0.01
done
signalled=$(date +%s%N)
kill -"$signal" "$pid"
for _ in $(seq 1000); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.01
done
if kill -0 "$pid" 2>/dev/null; then
  kill -KILL "$pid"
  echo "temblor still ran 10 s after SIG$signal" >&2
  cat err.log >&2
  exit 1
fi
status=0
wait "$pid" || status=$?
took_ms=$(( ($(date +%s%N) - signalled) / 1000000 ))
written=$(wc -l < out.json)
echo "SIG$signal: exit status $status, $written of $count events written, stopped ${took_ms} ms after it"
fail() {
  echo "FAIL: $1" >&2
  cat err.log >&2
  exit 1
}
[ "$status" -eq 0 ] || fail "exit status $status"
# Promptly: the drain's 5 s bound is for stuck sinks; a file sink drains at once.
[ "$took_ms" -lt 3000 ] || fail "stopping took ${took_ms} ms"
if [ "$signal" = QUIT ]; then
  ! grep -q "all connectors drained" err.log || fail "SIGQUIT drained instead of stopping at once"
  exit 0
fi
grep -q "all connectors drained" err.log || fail "SIG$signal did not drain"
# Every event read, once, in order: a prefix of the input, whole lines only.
python3 -c "
import json, sys
data = open('out.json').read()
ids = [json.loads(l)['i'] for l in data.splitlines()]
sys.exit(0 if ids and data.endswith('\n') and ids == list(range(len(ids))) else 1)
" || fail "the output is not a gap-free prefix of the input"
