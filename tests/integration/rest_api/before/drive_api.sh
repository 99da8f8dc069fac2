#!/bin/sh
# Drives the REST API of the server started by before step 0 (on a port
# the system picked, read from its log) with curl, as an operator would:
# status, flows, pause, status while paused, resume, one connector, an
# unknown flow. Each answer is one line of rest.log, "BODY STATUS".
set -eu
log=before.err.0.log
tries=0
port=""
while [ -z "$port" ]; do
  port=$(sed -n 's|.*REST API listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log" 2>/dev/null || true)
  [ -n "$port" ] && break
  tries=$((tries + 1))
  [ "$tries" -lt 200 ] || { echo "the server never said where its API listens" >&2; exit 1; }
  sleep 0.05
done
api="http://127.0.0.1:$port"
ask() { printf '%s\n' "$(curl -s --max-time 10 -w ' %{http_code}' "$@" | tr -d '\n')"; }
{
  ask "$api/v1/status"
  ask "$api/v1/flows"
  ask -X PATCH -H 'Content-Type: application/json' -d '{"status": "paused"}' "$api/v1/flows/api"
  ask "$api/v1/status"
  ask -X PATCH -H 'Content-Type: application/json' -d '{"status": "running"}' "$api/v1/flows/api"
  ask "$api/v1/flows/api/connectors/ticks"
  ask "$api/v1/flows/nope"
  ask -X DELETE "$api/v1/flows/api"
} > rest.log.tmp
mv rest.log.tmp rest.log
