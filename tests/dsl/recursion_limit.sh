#!/usr/bin/env bash
# `server run -r/--recursion-limit N` bounds how often a function may
# `recur`: a count of 50 steps passes under the default (1024) and fails
# with Tremor's "Recursion limit Reached" under -r 10.
# Usage: recursion_limit.sh TEMBLOR_BINARY
set -euo pipefail
temblor=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

echo '{"n": 50}' > in.json
cat > flow.troy <<'TROY'
define flow main
flow
  use tremor::connectors;
  define connector input from file
  with
    codec = "json", config = {"path": "in.json", "mode": "read"}
  end;
  define connector output from file
  with
    codec = "json", config = {"path": "out.json", "mode": "truncate"}
  end;
  define pipeline count
  pipeline
    define script count
    script
      fn down(n, steps) with
        match n of
          case 0 => steps
          default => recur(n - 1, steps + 1)
        end
      end;
      let event.steps = down(event.n, 0);
      event
    end;
    create script count;
    select event from in into count;
    select event from count into out;
    select {"error": event.error} from count/err into out;
  end;
  create connector input;
  create connector output;
  create connector stop from connectors::exit;
  create pipeline count;
  connect /connector/input to /pipeline/count;
  connect /pipeline/count to /connector/output;
  connect /pipeline/count to /connector/stop;
end;
deploy flow main;
TROY

timeout 20 "$temblor" server run -n --debug-connectors flow.troy > default.log 2>&1 ||
  { cat default.log; fail "the flow failed under the default limit"; }
grep -qF '"steps":50' out.json || { cat out.json; fail "50 recursions did not pass by default"; }

timeout 20 "$temblor" server run -n --debug-connectors --recursion-limit 10 flow.troy > low.log 2>&1 ||
  { cat low.log; fail "the flow failed under -r 10"; }
grep -qF 'Recursion limit Reached' out.json || { cat out.json; fail "-r 10 was not honoured"; }
grep -qF '"steps"' out.json && fail "the event passed despite -r 10"
echo ok
