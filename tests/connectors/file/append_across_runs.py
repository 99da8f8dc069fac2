"""A file sink in append mode writes after what the file holds, run after
run (the integration test file_append_mode is the first test of this):
bytes without a final newline, longer than what each run writes, stay
untouched, and two temblor processes append one after the other.
Usage: append_across_runs.py TEMBLOR_BINARY"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "qos"))
from qos_lib import check, work_dir  # noqa: E402

FLOW = """
define flow add
flow
  use integration;
  define connector lines from file
  with
    codec = "string",
    preprocessors = ["separate"],
    config = {"path": "in.txt", "mode": "read"}
  end;
  define connector appender from file
  with
    codec = "string",
    postprocessors = ["separate"],
    config = {"path": "out.txt", "mode": "append"}
  end;
  create connector lines;
  create connector appender;
  create connector exit from integration::exit;
  create pipeline main from integration::out_or_exit;
  connect /connector/lines to /pipeline/main;
  connect /pipeline/main/out to /connector/appender;
  connect /pipeline/main/exit to /connector/exit;
end;
deploy flow add;
"""

BEFORE = b"0123456789 written before, no newline at the end"


def run(binary, cwd, lines):
    with open(os.path.join(cwd, "in.txt"), "w") as f:
        f.write("".join(line + "\n" for line in lines) + "exit\n")
    result = subprocess.run([binary, "server", "run", "-n", "--debug-connectors", "flow.troy"],
                            cwd=cwd,
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    check(result.returncode == 0, "exit status %d:\n%s"
          % (result.returncode, result.stderr.decode(errors="replace")))


def main():
    binary = os.path.abspath(sys.argv[1])
    cwd = work_dir()
    with open(os.path.join(cwd, "flow.troy"), "w") as f:
        f.write(FLOW)
    out = os.path.join(cwd, "out.txt")
    with open(out, "wb") as f:
        f.write(BEFORE)
    run(binary, cwd, ["run 1"])
    run(binary, cwd, ["run 2, line 1", "run 2, line 2"])
    with open(out, "rb") as f:
        content = f.read()
    expected = BEFORE + b"run 1\nrun 2, line 1\nrun 2, line 2\n"
    check(content == expected, "out.txt is %r, expected %r" % (content, expected))
    print("two runs appended after %d bytes that were there before" % len(BEFORE))


if __name__ == "__main__":
    main()
