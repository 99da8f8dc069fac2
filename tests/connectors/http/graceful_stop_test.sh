#!/usr/bin/env bash
# SIGTERM while http_client waits for a response: the graceful stop lets the
# request finish (writes_in_flight) instead of aborting it, so the server
# still finds the connection open and answers; the log says "all connectors
# drained" and temblor exits 0 within the drain bound. A stop that aborted
# the request closes the connection first: the server prints "client gone".
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

echo '{"n": 1}' > in.json
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
# The server holds the request 2 s: stop while it is in flight.
wait_for 30 grep -q '^request /slow' server.out || fail "the request never reached the server"
kill -TERM "$temblor_pid"
wait_for 10 bash -c "! kill -0 $temblor_pid 2>/dev/null" || fail "temblor still ran 10 s after SIGTERM"
status=0
wait "$temblor_pid" || status=$?
temblor_pid=
[ "$status" -eq 0 ] || fail "exit status $status"
grep -q "all connectors drained" err.log || fail "SIGTERM did not drain"
wait_for 10 grep -q -E '^(answered|client gone)' server.out || fail "the server never finished the request"
grep -q '^answered' server.out || fail "the stop aborted the request in flight: $(tail -1 server.out)"
echo "the in-flight request finished during the graceful stop"
