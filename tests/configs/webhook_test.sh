#!/usr/bin/env bash
# Runs configs/webhook/flow.troy on a free port, posts webhooks with curl and
# checks the answers (202 + accepted flag, 400 for a broken body) and the
# JSON lines it keeps.   usage: webhook_test.sh TEMBLOR CONFIG_DIR
set -euo pipefail
temblor=$1
src=$2
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/server.log" ] && cat "$work/server.log" >&2; exit 1; }

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed "s/127.0.0.1:8139/127.0.0.1:$port/" "$src/flow.troy" > "$work/flow.troy"
cd "$work"
"$temblor" server run -n flow.troy > server.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done

post() { curl -s -S --max-time 10 -w ' %{http_code}' -H 'content-type: application/json' "$@" "http://127.0.0.1:$port/hooks"; }

got=$(post -H 'x-delivery: d-1' -d @"$src/push.json")
[ "$got" = '{"accepted":true} 202' ] || fail "push to main answered: $got"
got=$(post -d '{"ref": "refs/heads/dev", "repository": {"full_name": "acme/anvil"}}')
[ "$got" = '{"accepted":false} 202' ] || fail "push to dev answered: $got"
got=$(post -d '{"ref": ')
[ "${got##* }" = 400 ] || fail "a broken body answered: $got"
got=$(post -H 'x-delivery: d-2' -d '{"ref": "refs/heads/main", "repository": {"full_name": "acme/rocket"}, "pusher": {"name": "road"}, "commits": 1}')
[ "$got" = '{"accepted":true} 202' ] || fail "second push to main answered: $got"

want='{"repository":"acme/anvil","pusher":"wile","commits":3,"at":["d-1"]}
{"repository":"acme/rocket","pusher":"road","commits":1,"at":["d-2"]}'
for _ in $(seq 1 100); do
  [ "$(cat pushes.jsonl 2>/dev/null)" = "$want" ] && { echo "webhook: ok"; exit 0; }
  sleep 0.1
done
fail "pushes.jsonl holds: $(cat pushes.jsonl 2>/dev/null)"
