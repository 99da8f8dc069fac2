#!/usr/bin/env bash
# Runs configs/syslog-tcp on a free port and sends it what syslog senders
# send: util-linux `logger` over TCP in RFC 5424 and RFC 3164, and a line
# that is no syslog message. Checks syslog.json and syslog-errors.json.
# Usage: syslog_tcp_receives.sh TEMBLOR CONFIG_DIR
set -euo pipefail
temblor=$(realpath "$1")
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cp -r "$2"/. "$work"
cd "$work"
sed -i 's/"url": "127.0.0.1:5140"/"url": "127.0.0.1:0"/' flow.troy
"$temblor" server run -n flow.troy 2> temblor.err &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on tcp:\/\/127.0.0.1:\([0-9]*\).*/\1/p' temblor.err)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "the receiver did not listen"; cat temblor.err; exit 1; }
logger --tcp --server 127.0.0.1 --port "$port" --rfc5424 --msgid login -t sshd "user alice logged in"
logger --tcp --server 127.0.0.1 --port "$port" --rfc3164 -t cron "job done"
/usr/bin/python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(b'not syslog at all\n')
s.close()" "$port"
for _ in $(seq 100); do
  [ "$(cat syslog.json 2>/dev/null | wc -l)" -ge 2 ] && [ -s syslog-errors.json ] && break
  sleep 0.1
done
kill -TERM "$pid"
wait "$pid" || true
pid=""
check() { grep -q "$1" "$2" || { echo "$2 lacks $1:"; cat "$2"; exit 1; }; }
check '"appname":"sshd","msg":"user alice logged in","procid":null,"msgid":"login","protocol":"RFC5424"' syslog.json
check '"appname":"cron","msg":"job done"' syslog.json
check '"protocol":"RFC3164"' syslog.json
check '"error":"syslog: expected a priority' syslog-errors.json
echo ok
