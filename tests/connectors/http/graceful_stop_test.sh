#!/usr/bin/env bash
# SIGTERM while http_client waits for three responses: the graceful stop lets
# the requests finish (writes_in_flight) instead of aborting them, so the
# server still finds the connections open and answers; and the client's
# source keeps delivering until they are answered (answers_writes), so every
# response reaches the output file. The log says "all connectors drained",
# nothing is counted as dropped, and temblor exits 0 within the drain bound.
# A stop that aborted a request closes its connection first: the server
# prints "client gone"; a source that drained at once loses the responses
# (counted as dropped_after_drain) and out.json stays short.
# Usage: graceful_stop_test.sh TEMBLOR_BINARY PEERS_DIR
set -euo pipefail
temblor=$(realpath "$1")
peers=$(realpath "$2")
work=$(mktemp -d)
server_pid=
temblor_pid=
cleanup() {
  [ -n "$temblor_pid" ] && kill -KILL "$temblor_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
fail() {
  echo "FAIL: $1" >&2
  cat err.log >&2 2>/dev/null || true
  echo "server:" >&2
  cat server.out >&2 2>/dev/null || true
  exit 1
}
wait_for() { # SECONDS COMMAND…: polls COMMAND every 10 ms
  local deadline=$(( $(date +%s) + $1 ))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.01
  done
}

python3 "$peers/py_http_server.py" linger > server.out &
server_pid=$!
wait_for 20 grep -q '^port ' server.out || fail "the Python server did not start"
port=$(awk '/^port /{print $2; exit}' server.out)

printf '{"n": 1}\n{"n": 2}\n{"n": 3}\n' > in.json
cat > flow.troy <<TROY
define flow graceful
flow
  use tremor::pipelines;
  define connector input from file
  with codec = "json", preprocessors = ["separate"], config = {"path": "in.json", "mode": "read"} end;
  define connector client from http_client
  with config = {"url": "http://127.0.0.1:$port/slow", "timeout": 20000000000} end;
  define connector output from file
  with codec = "json", postprocessors = ["separate"], config = {"path": "out.json", "mode": "truncate"} end;
  create connector input;
  create connector client;
  create connector output;
  create pipeline requests from pipelines::passthrough;
  create pipeline responses from pipelines::passthrough;
  connect /connector/input to /pipeline/requests;
  connect /pipeline/requests to /connector/client;
  connect /connector/client to /pipeline/responses;
  connect /pipeline/responses to /connector/output;
end;
deploy flow graceful;
TROY

"$temblor" server run -n flow.troy 2> err.log &
temblor_pid=$!
# The server holds each request 2 s: stop while all three are in flight.
requests() { [ "$(grep -c '^request /slow' server.out)" -ge 3 ]; }
wait_for 30 requests || fail "the three requests never reached the server"
kill -TERM "$temblor_pid"
wait_for 10 bash -c "! kill -0 $temblor_pid 2>/dev/null" || fail "temblor still ran 10 s after SIGTERM"
status=0
wait "$temblor_pid" || status=$?
temblor_pid=
[ "$status" -eq 0 ] || fail "exit status $status"
grep -q "all connectors drained" err.log || fail "SIGTERM did not drain"
finished() { [ "$(grep -c -E '^(answered|client gone)' server.out)" -ge 3 ]; }
wait_for 10 finished || fail "the server never finished the requests"
! grep -q '^client gone' server.out || fail "the stop aborted a request in flight"
# Every response is in the output, in any order (three connections).
python3 - <<'PY' || fail "responses missing from out.json: $(cat out.json 2>/dev/null)"
import json
bodies = sorted(json.loads(json.loads(line)["body"])["n"] for line in open("out.json"))
assert bodies == [1, 2, 3], bodies
PY
grep -q 'dropped_after_drain' err.log && fail "responses were counted as dropped after the drain"
grep -E '\[graceful::client\] in 3, out 3, err 0, dropped 0' err.log >/dev/null ||
  fail "the client's summary does not show 3 in, 3 out, 0 dropped"
echo "the in-flight requests finished and their responses reached the output"
