#!/usr/bin/python3
"""What an operator does to a running process:
1. SIGUSR1 (once our internal wake-up) is ignored with a line in the log,
   and a SIGTERM after it still stops the process gracefully.
2. A stdout reader that goes away (`| head`) makes the stdio sink say so
   once and stop writing, instead of one error per event; SIGTERM then
   still stops the process with exit 0.
Usage: operator_signals.py TEMBLOR_BINARY"""
import os
import signal
import subprocess
import sys
import tempfile
import time

FLOW = """
define flow main
flow
  use tremor::pipelines;
  use std::time::nanos;
  define connector ticks from metronome with config = {"interval": nanos::from_millis(2)} end;
  define connector out from stdio with codec = "json", postprocessors = ["separate"] end;
  create connector ticks;
  create connector out;
  create pipeline pass from pipelines::passthrough;
  connect /connector/ticks to /pipeline/pass;
  connect /pipeline/pass to /connector/out;
end;
deploy flow main;
"""


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    fail("timed out waiting for " + what)


def main():
    binary = os.path.realpath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="temblor-signals-")
    flow = os.path.join(work, "flow.troy")
    with open(flow, "w") as f:
        f.write(FLOW)

    # 1. SIGUSR1, then SIGTERM.
    err_path = os.path.join(work, "err1.log")
    out_path = os.path.join(work, "out1.log")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([binary, "server", "run", "-n", flow], stdout=out, stderr=err)
        wait_for(lambda: os.path.getsize(out_path) > 0, 10, "the first events")
        proc.send_signal(signal.SIGUSR1)
        wait_for(lambda: b"ignoring" in open(err_path, "rb").read(), 5, "the SIGUSR1 line")
        if proc.poll() is not None:
            fail("SIGUSR1 ended the process")
        proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            fail("SIGTERM after SIGUSR1 did not stop the process")
    log = open(err_path).read()
    if status != 0 or "all connectors drained" not in log:
        fail("exit %d after SIGUSR1 + SIGTERM:\n%s" % (status, log))

    # 2. The reader of stdout goes away.
    err_path = os.path.join(work, "err2.log")
    with open(err_path, "wb") as err:
        proc = subprocess.Popen([binary, "server", "run", "-n", flow], stdout=subprocess.PIPE,
                                stderr=err)
        proc.stdout.read(100)
        proc.stdout.close()  # like `| head -c 100`
        wait_for(lambda: b"cannot write to stdout" in open(err_path, "rb").read(), 10,
                 "the broken pipe to be noticed")
        time.sleep(0.5)  # hundreds more events try to go out meanwhile
        proc.send_signal(signal.SIGTERM)
        status = proc.wait(10)
    log = open(err_path).read()
    said = log.count("cannot write to stdout")
    if said != 1:
        fail("the broken pipe was reported %d times:\n%s" % (said, log[-2000:]))
    if status != 0:
        fail("exit %d after a broken stdout:\n%s" % (status, log[-2000:]))
    print("ok: SIGUSR1 ignored, SIGTERM drained; a broken stdout reported once")


if __name__ == "__main__":
    main()
