"""A file sink in truncate mode truncates once, when it first opens the file;
after a lost connection it reopens the file appending, so what it wrote
before the loss stays. The loss is real: temblor runs under a 64 KiB file
size limit (RLIMIT_FSIZE, SIGXFSZ ignored), so the write that crosses it
fails with EFBIG; the limit is then lifted and later lines must land after
the first 64 KiB, not over them.
Usage: truncate_reconnect_appends.py TEMBLOR_BINARY"""
import os
import resource
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "qos"))
from qos_lib import check, fail, wait_until, work_dir  # noqa: E402

LIMIT = 64 * 1024

FLOW = """
define flow keep
flow
  use tremor::pipelines;
  define connector lines from stdio
  with codec = "string", preprocessors = ["separate"] end;
  define connector out from file
  with
    codec = "string",
    postprocessors = ["separate"],
    config = {"path": "out.txt", "mode": "truncate"},
    reconnect = {"retry": {"interval_ms": 200, "growth_rate": 1, "randomized": false}}
  end;
  create connector lines;
  create connector out;
  create pipeline pass from pipelines::passthrough;
  connect /connector/lines to /pipeline/pass;
  connect /pipeline/pass to /connector/out;
end;
deploy flow keep;
"""


def limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, resource.RLIM_INFINITY))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def lines(tag, count):
    return b"".join(b"%s %06d %s\n" % (tag, i, b"x" * 48) for i in range(count))


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def main():
    binary = os.path.abspath(sys.argv[1])
    cwd = work_dir()
    out = os.path.join(cwd, "out.txt")
    with open(out, "wb") as f:
        f.write(b"stale line from before\n" * 100)
    with open(os.path.join(cwd, "flow.troy"), "w") as f:
        f.write(FLOW)
    err_path = os.path.join(cwd, "err.log")
    proc = subprocess.Popen([binary, "server", "run", "-n", "flow.troy"], cwd=cwd,
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=open(err_path, "wb"), preexec_fn=limit_file_size,
                            restore_signals=False)
    try:
        first = lines(b"first", 1500)  # 96,000 bytes: crosses the limit
        proc.stdin.write(first)
        proc.stdin.flush()
        wait_until(lambda: len(read(out)) == LIMIT, 20, "the file to reach the size limit")
        wait_until(lambda: b"File too large" in read(err_path), 20, "the failed write")
        resource.prlimit(proc.pid, resource.RLIMIT_FSIZE,
                         (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        # Probe until a line lands: the sink has reconnected (events that
        # reach it while it is disconnected may be lost).
        deadline = time.monotonic() + 20
        probe = 0
        while b"probe" not in read(out):
            if time.monotonic() > deadline:
                fail("nothing was written after the limit was lifted:\n" + read(err_path).decode())
            proc.stdin.write(b"probe %d\n" % probe)
            proc.stdin.flush()
            probe += 1
            time.sleep(0.05)
        later = lines(b"later", 500)
        proc.stdin.write(later)
        proc.stdin.flush()
        wait_until(lambda: read(out).endswith(later), 20, "the later lines")
    finally:
        proc.stdin.close()
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    content = read(out)
    log = read(err_path).decode(errors="replace")
    check(b"stale" not in content, "the first open did not truncate:\n" + log)
    check(content[:LIMIT] == first[:LIMIT],
          "what was written before the lost connection is gone (the reconnect truncated?); "
          "the file starts with %r\n%s" % (content[:80], log))
    check(content.endswith(later), "the later lines are not at the end of the file")
    print("truncated once; %d bytes kept across the reconnect, %d appended after it"
          % (LIMIT, len(content) - LIMIT))


if __name__ == "__main__":
    main()
