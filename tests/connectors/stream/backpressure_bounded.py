#!/usr/bin/env python3
"""A slow pipeline holds a fast tcp_server peer back through TCP flow control.

tcp_server -> passthrough -> a file sink writing into a FIFO that nobody
reads yet, so the sink blocks and the runtime pauses the server (its
backpressure). A peer then writes 128 MiB of numbered lines as fast as it
can. The server must stop reading its socket: the peer's writes stall
before everything is sent, and the server's RSS stays bounded (the rest
waits in the kernel's buffers, not in our memory). Once the FIFO is read,
every line arrives, in order, none lost.

Usage: backpressure_bounded.py TEMBLOR
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

LINE_BYTES = 1024
LINES = 128 * 1024  # 128 MiB: far more than the kernel's socket buffers hold
# What may wait inside: the runtime's 8 batches in flight, each up to its
# 4 MiB queue mark of lines, as events (about twice the bytes).
RSS_GROWTH_LIMIT_KB = 80 * 1024

FLOW = """
define flow slow
flow
  use tremor::pipelines;
  define connector input from tcp_server
  with
    codec = "string",
    preprocessors = ["separate"],
    config = {"url": "127.0.0.1:0"}
  end;
  define connector output from file
  with
    codec = "string",
    postprocessors = ["separate"],
    config = {"path": "sink.fifo", "mode": "append"}
  end;
  create connector input;
  create connector output;
  create pipeline main from pipelines::passthrough;
  connect /connector/input to /pipeline/main;
  connect /pipeline/main to /connector/output;
end;
deploy flow slow;
"""


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def wait_for(what, predicate, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    sys.exit(f"timed out waiting for {what}")


class Sender(threading.Thread):
    """Writes LINES numbered lines; `sent` counts the bytes the kernel took."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sent = 0
        self.done = False
        self.error = None

    def run(self):
        try:
            pad = b"x" * (LINE_BYTES - 10)
            chunk_lines = 64
            for first in range(0, LINES, chunk_lines):
                last = min(first + chunk_lines, LINES)
                chunk = b"".join(b"%08d %s\n" % (n, pad) for n in range(first, last))
                self.sock.sendall(chunk)
                self.sent += len(chunk)
            self.sock.shutdown(socket.SHUT_WR)
            self.done = True
        except OSError as e:
            self.error = e


def wait_until_stalled(sender, quiet_s=1.5, timeout_s=90):
    """Returns once the sender made no progress for `quiet_s` (or finished)."""
    deadline = time.monotonic() + timeout_s
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        if sender.done or sender.error:
            return
        if sender.sent != last:
            last, since = sender.sent, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.05)
    sys.exit("the sender neither finished nor stalled")


def read_fifo_lines(fd, expected, timeout_s):
    """Reads the FIFO until `expected` lines came; checks their numbering."""
    os.set_blocking(fd, True)
    deadline = time.monotonic() + timeout_s
    buffered = b""
    next_line = 0
    while next_line < expected:
        if time.monotonic() > deadline:
            sys.exit(f"only {next_line} of {expected} lines reached the sink")
        data = os.read(fd, 1 << 20)
        if not data:
            sys.exit(f"the sink closed after {next_line} of {expected} lines")
        buffered += data
        *lines, buffered = buffered.split(b"\n")
        for line in lines:
            number = int(line[:8])
            if number != next_line or len(line) != LINE_BYTES - 1:
                sys.exit(f"line {next_line}: got line {number} of {len(line)} bytes")
            next_line += 1


def main():
    temblor = os.path.realpath(sys.argv[1])
    work = tempfile.mkdtemp()
    os.chdir(work)
    with open("flow.troy", "w") as f:
        f.write(FLOW)
    os.mkfifo("sink.fifo")
    # Opened before the runtime so its sink's open() does not wait; nothing
    # is read until the end, so the sink blocks once the pipe is full.
    fifo = os.open("sink.fifo", os.O_RDONLY | os.O_NONBLOCK)
    err = open("temblor.err", "w")
    proc = subprocess.Popen([temblor, "server", "run", "-n", "flow.troy"], stderr=err)
    try:
        def listening_port():
            m = re.search(r"listening on tcp://127\.0\.0\.1:(\d+)", open("temblor.err").read())
            return int(m.group(1)) if m else None

        port = wait_for("the server to listen", listening_port, 30)
        baseline_kb = status_kb(proc.pid, "VmRSS")
        sender = Sender(port)
        sender.start()
        wait_until_stalled(sender)
        if sender.error:
            sys.exit(f"the sender failed: {sender.error}")
        rss_kb = status_kb(proc.pid, "VmRSS")
        growth_kb = rss_kb - baseline_kb
        print(f"sender stalled after {sender.sent >> 20} MiB of {LINES * LINE_BYTES >> 20} MiB; "
              f"server RSS {baseline_kb} -> {rss_kb} KiB (+{growth_kb} KiB)")
        if sender.done:
            sys.exit("the peer wrote everything while nothing was consumed: "
                     "the server kept reading (no TCP flow control)")
        if growth_kb > RSS_GROWTH_LIMIT_KB:
            sys.exit(f"the server's RSS grew by {growth_kb} KiB while paused")
        read_fifo_lines(fifo, LINES, 120)
        sender.join(30)
        if not sender.done:
            sys.exit(f"the sender did not finish: {sender.error}")
        print(f"all {LINES} lines arrived in order")
        shutil.rmtree(work)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(fifo)
        err.close()
        if proc.returncode not in (0, -signal.SIGTERM):
            print(open(os.path.join(work, "temblor.err")).read()[-3000:])


if __name__ == "__main__":
    main()
