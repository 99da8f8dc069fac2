#!/usr/bin/python3
"""A process running 50 ws_server and 50 ws_client connectors in one flow
has as many threads (/proc/PID/task) as one running one of each: the CAF
workers, the I/O pool, the blocking pool and the main thread, never a
thread per connector.
Usage: thread_count.py TEMBLOR [PAIRS]"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wslib import Temblor, check, fail, free_ports, tcp_states, thread_names, wait_until  # noqa: E402


def flow(ports):
    lines = ["define flow threads", "flow"]
    for i, port in enumerate(ports):
        lines += [
            '  define connector server%d from ws_server with codec = "json", '
            'config = {"url": "127.0.0.1:%d"} end;' % (i, port),
            '  define connector client%d from ws_client with codec = "json", '
            'config = {"url": "ws://127.0.0.1:%d"}, reconnect = {"retry": '
            '{"interval_ms": 50, "growth_rate": 1, "randomized": false}} end;' % (i, port),
            "  create connector server%d;" % i,
            "  create connector client%d;" % i,
        ]
    lines += ["end;", "deploy flow threads;", ""]
    return "\n".join(lines)


def threads_when_connected(binary, pairs):
    t = Temblor(binary, flow(free_ports(pairs)))

    def all_connected():
        # Both ends of every pair live in this process.
        states = tcp_states(t.pid())
        return states.get("LISTEN", 0) == pairs and states.get("ESTABLISHED", 0) == 2 * pairs

    try:
        wait_until(lambda: not t.alive() or all_connected(), 60,
                   "%d servers listening and %d clients connected" % (pairs, pairs))
        check(t.alive(), "temblor exited:\n" + t.stderr())
        return thread_names(t.pid())
    finally:
        t.stop()


def summary(names):
    return ", ".join("%s x%d" % (n, names.count(n)) for n in sorted(set(names)))


def main():
    binary = os.path.abspath(sys.argv[1])
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    one = threads_when_connected(binary, 1)
    many = threads_when_connected(binary, pairs)
    print("1 ws_server + 1 ws_client: %d threads %s" % (len(one), summary(one)))
    print("%d ws_server + %d ws_client: %d threads %s" % (pairs, pairs, len(many), summary(many)))
    if len(many) != len(one):
        fail("%d connectors run on %d threads, 2 on %d: connectors must not own threads"
             % (2 * pairs, len(many), len(one)))
    print("ok")


main()
