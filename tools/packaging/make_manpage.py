#!/usr/bin/python3
"""Writes temblor(1) in roff from the binary's own --help texts, so the man
page never disagrees with the CLI.
Usage: make_manpage.py TEMBLOR_BINARY OUT.1"""
import subprocess
import sys

SUBCOMMANDS = ["run", "server run", "check", "test", "dbg", "new", "doc", "completions",
               "connectors"]


def help_of(binary, args):
    proc = subprocess.run([binary] + args + ["--help"], capture_output=True, text=True)
    return proc.stdout.strip()


def roff(text):
    lines = []
    for line in text.splitlines():
        line = line.replace("\\", "\\\\")
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def main():
    binary, out = sys.argv[1], sys.argv[2]
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.split()[-1]
    page = [
        '.TH TEMBLOR 1 "" "temblor %s" "User Commands"' % version,
        ".SH NAME",
        "temblor \\- run Tremor flow files (.troy) on an actor runtime",
        ".SH SYNOPSIS",
        ".B temblor",
        "[\\fIOPTIONS\\fR] \\fICOMMAND\\fR ...",
        ".SH DESCRIPTION",
        ".nf",
        roff(help_of(binary, [])),
        ".fi",
    ]
    for sub in SUBCOMMANDS:
        page += [".SH COMMAND: %s" % sub.upper(), ".nf", roff(help_of(binary, sub.split())), ".fi"]
    page += [
        ".SH FILES",
        "/etc/temblor/*.troy \\- the flows the temblor service runs",
        ".br",
        "/usr/share/tremor/lib \\- the standard library modules (also built into the binary)",
        ".br",
        "/usr/share/doc/temblor/examples \\- example flows",
        ".SH ENVIRONMENT",
        "TREMOR_PATH, RUST_LOG, TEMBLOR_IO_THREADS",
        ".SH SIGNALS",
        "SIGTERM and SIGINT drain every flow, then exit; SIGQUIT stops at once.",
    ]
    with open(out, "w") as f:
        f.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
