#!/usr/bin/env bash
# Installs what is missing, builds, and runs flow files:
#   tools/run.sh configs/passthrough.troy [more.troy …]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
  echo "usage: tools/run.sh FLOW.troy…" >&2
  exit 2
fi
"$root/tools/build.sh" Release temblor >&2
exec "${TEMBLOR_BUILD_DIR:-$root/build}/temblor" run "$@"
