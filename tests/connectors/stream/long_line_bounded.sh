#!/usr/bin/env bash
# A peer sends a 100 MiB line with no newline to a tcp_server whose
# `separate` keeps its default 8192-byte limit (and whose own line budget is
# off, so `separate` alone bounds it): the line is discarded with an error
# on `err`, the next line still arrives, and the process never holds the
# line (peak RSS stays far below 100 MiB).
# Usage: long_line_bounded.sh TEMBLOR
set -euo pipefail
temblor=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
cat > flow.troy <<'TROY'
define flow long_line
flow
  use integration;
  use tremor::pipelines;
  define connector in from tcp_server
  with
    codec = "json",
    preprocessors = ["separate"],
    config = {"url": "127.0.0.1:0", "partial_line_budget_bytes": 0}
  end;
  create connector in;
  create connector out from integration::write_file with file = "out.log" end;
  create connector errors from integration::write_file with file = "err.log" end;
  create connector exit from integration::exit;
  create pipeline main from integration::out_or_exit;
  create pipeline failures from pipelines::passthrough;
  connect /connector/in/out to /pipeline/main;
  connect /connector/in/err to /pipeline/failures;
  connect /pipeline/failures to /connector/errors;
  connect /pipeline/main/out to /connector/out;
  connect /pipeline/main/exit to /connector/exit;
end;
deploy flow long_line;
TROY
TREMOR_PATH=$here/../../lib "$temblor" server run -n -d flow.troy 2> temblor.err &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on tcp:\/\/127.0.0.1:\([0-9]*\).*/\1/p' temblor.err)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "the server did not listen"; cat temblor.err; exit 1; }
/usr/bin/python3 - "$port" "$pid" <<'PY'
import socket, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
chunk = b"x" * (1 << 20)
for _ in range(100):
    s.sendall(chunk)
s.sendall(b'\n{"after": 1}\n')
# Wait until the good line was written, then read the peak before exiting.
for _ in range(600):
    try:
        if open("out.log").read().strip():
            break
    except FileNotFoundError:
        pass
    time.sleep(0.05)
peak_kb = int([l for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM")][0].split()[1])
print(f"peak RSS {peak_kb} KiB")
if peak_kb > 64 * 1024:
    sys.exit(f"peak RSS {peak_kb} KiB: the 100 MiB line was held")
s.sendall(b'"exit"\n')
s.close()
PY
for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
pid=""
grep -qx '{"after":1}' out.log || { echo "the line after the long one is missing"; cat out.log; exit 1; }
grep -q 'separate: discarded an event of at least' err.log || { echo "no error for the long line"; cat err.log; exit 1; }
echo "ok"
