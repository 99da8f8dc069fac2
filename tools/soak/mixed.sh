#!/usr/bin/env bash
# The mixed soak (issue #16): ws, tcp, http and file flows in one temblor
# process under load, with random kill -9 and SIGSTOP/SIGCONT of their
# peers; descriptors and RSS must plateau and every flow's event ledger
# must balance (see mixed.py). A flow kind runs when `temblor connectors`
# lists its connector.
#   tools/soak/mixed.sh MINUTES [--seed N] [--allow-kill-loss]
#   TEMBLOR_BIN=path/to/temblor skips building build/temblor.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 MINUTES [--seed N] [--allow-kill-loss]" >&2; exit 2; }
temblor=${TEMBLOR_BIN:-$root/build/temblor}
[ -x "$temblor" ] || "$root/tools/build.sh" Release temblor >&2
exec /usr/bin/python3 "$root/tools/soak/mixed.py" "$temblor" "$@"
