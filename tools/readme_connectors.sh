#!/usr/bin/env bash
# Keeps README.md's connector reference equal to what the connector schemas
# say (`temblor connectors`), between the connectors:begin/end markers.
#   tools/readme_connectors.sh TEMBLOR_BINARY           rewrite README.md
#   tools/readme_connectors.sh --check TEMBLOR_BINARY   fail when it is stale
set -euo pipefail
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
temblor=$1
root=$(cd "$(dirname "$0")/.." && pwd)
readme=$root/README.md
generated=$(mktemp)
trap 'rm -f "$generated" "$generated.new"' EXIT
"$temblor" connectors > "$generated"
python3 - "$readme" "$generated" "$generated.new" <<'PY'
import sys
readme, generated, out = sys.argv[1:]
text = open(readme).read()
begin, end = "<!-- connectors:begin -->\n", "<!-- connectors:end -->"
a, b = text.find(begin), text.find(end)
if a < 0 or b < a:
    sys.exit("README.md has no connectors:begin/end markers")
open(out, "w").write(text[:a + len(begin)] + open(generated).read() + text[b:])
PY
if [ $check -eq 1 ]; then
  if ! diff -u "$readme" "$generated.new"; then
    echo "README.md's connector reference is stale: run tools/readme_connectors.sh build/temblor" >&2
    exit 1
  fi
  exit 0
fi
mv "$generated.new" "$readme"
