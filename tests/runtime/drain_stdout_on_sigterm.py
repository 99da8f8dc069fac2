"""SIGTERM drains, seen a second way (stop_on_signal.sh is the first): 50k
lines read from a file pass a script that numbers them and go to stdout,
which this script reads as a pipe. SIGTERM arrives once the first line is
out; temblor must log "all connectors drained" and exit 0 promptly, and
stdout must be a gap-free, in-order prefix of the expected lines (every
line read comes out, none twice).
Usage: drain_stdout_on_sigterm.py TEMBLOR_BINARY"""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "qos"))
from qos_lib import check, fail, work_dir  # noqa: E402

COUNT = 50000

FLOW = """
define flow numbered
flow
  define connector lines from file
  with
    codec = "string",
    preprocessors = ["separate"],
    config = {"path": "in.txt", "mode": "read"}
  end;
  define connector console from stdio
  with codec = "json", postprocessors = ["separate"] end;
  define pipeline number
  pipeline
    use std::string;
    define script tag
    script
      {"line": event, "len": string::len(event)}
    end;
    create script tag;
    select event from in into tag;
    select event from tag into out;
  end;
  create connector lines;
  create connector console;
  create pipeline number;
  connect /connector/lines to /pipeline/number;
  connect /pipeline/number to /connector/console;
end;
deploy flow numbered;
"""


def main():
    binary = os.path.abspath(sys.argv[1])
    cwd = work_dir()
    with open(os.path.join(cwd, "in.txt"), "w") as f:
        for i in range(COUNT):
            f.write("line %06d %s\n" % (i, "y" * (i % 50)))
    with open(os.path.join(cwd, "flow.troy"), "w") as f:
        f.write(FLOW)
    with open(os.path.join(cwd, "err.log"), "wb") as err:
        # Unbuffered: communicate() reads the pipe itself, past any buffer.
        proc = subprocess.Popen([binary, "server", "run", "-n", "flow.troy"], cwd=cwd,
                                stdout=subprocess.PIPE, stderr=err, bufsize=0)
    first = proc.stdout.readline()
    check(first != b"", "temblor wrote nothing before exiting")
    proc.send_signal(signal.SIGTERM)
    try:
        rest, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("temblor still ran 10 s after SIGTERM")
    lines = [first] + rest.splitlines(keepends=True)
    with open(os.path.join(cwd, "err.log"), errors="replace") as f:
        log = f.read()
    check(proc.returncode == 0, "exit status %d after SIGTERM:\n%s" % (proc.returncode, log))
    check("all connectors drained" in log, "SIGTERM did not drain:\n" + log)
    expected = [b'{"line":"line %06d %s","len":%d}\n' % (i, b"y" * (i % 50), 12 + i % 50)
                for i in range(COUNT)]
    if lines != expected[:len(lines)]:
        bad = next(i for i, (a, b) in enumerate(zip(lines, expected)) if a != b) \
            if len(lines) <= COUNT else COUNT
        fail("line %d of stdout is %r, expected %r:\n%s"
             % (bad, lines[bad], expected[bad] if bad < COUNT else b"nothing", log))
    print("SIGTERM: exit 0, drained, %d of %d lines on stdout in order" % (len(lines), COUNT))


if __name__ == "__main__":
    main()
