#!/usr/bin/env bash
# `temblor run` on a script or query, as Tremor's `run` behaves:
# a script's runtime error is printed on stderr as the rendered text (quotes
# and all), not as an escaped JSON record, and the next event still runs;
# each event's origin URI names the input file, so `origin::*` answer.
# Usage: run_command.sh TEMBLOR_BINARY
set -euo pipefail
temblor=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > quoting.tremor <<'TREMOR'
match event of
  case %{ present name } => "hello #{event.name}"
  default => event.missing
end
TREMOR
printf '{"id":1}\n{"name":"ada"}\n' > people.json
"$temblor" run quoting.tremor -i people.json -o out.json 2> err.txt ||
  fail "run stopped on a runtime error"
grep -qF 'Trying to access a non existing event key `missing`' err.txt ||
  { cat err.txt; fail "no error text on stderr"; }
grep -qF '"error"' err.txt && { cat err.txt; fail "the error came as a JSON record"; }
grep -qF '"hello ada"' out.json || fail "the event after the failing one was not run"

cat > where_from.tremor <<'TREMOR'
use tremor::origin;
{"scheme": origin::scheme(), "path": origin::path(), "uri": origin::as_uri_string()}
TREMOR
mkdir -p data && echo '{}' > data/one.json
"$temblor" run where_from.tremor -i data/one.json -o origin.json 2> origin.err ||
  { cat origin.err; fail "origin script failed"; }
python3 - origin.json <<'PY' || fail "origin URI not set from the input"
import json, sys
got = json.loads(open(sys.argv[1]).read())
assert got["scheme"] == "tremor-file", got
assert got["path"] == ["data/one.json"], got
assert got["uri"].startswith("tremor-file://") and got["uri"].endswith("/data/one.json"), got
PY
echo ok
