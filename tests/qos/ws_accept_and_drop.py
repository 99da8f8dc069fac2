#!/usr/bin/python3
"""A server that completes every WebSocket handshake and closes at once must
not make a ws_client reconnect forever: a connection that dies before any
traffic, within the grace period, counts as a failed attempt, so after
`max_retries` the connector (and its flow) fails and the process exits 1.
Usage: ws_accept_and_drop.py TEMBLOR_BINARY"""
import asyncio
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import websockets

from qos_lib import check, count_matches, free_port, wait_until, work_dir

accepted = 0


async def accept_and_drop(ws, *_):
    global accepted
    accepted += 1
    await ws.close()


def serve(port, loop):
    asyncio.set_event_loop(loop)

    async def run():
        async with websockets.serve(accept_and_drop, "127.0.0.1", port):
            await asyncio.Future()

    loop.run_until_complete(run())


def main():
    binary = os.path.realpath(sys.argv[1])
    work = work_dir()
    port = free_port()
    loop = asyncio.new_event_loop()
    threading.Thread(target=serve, args=(port, loop), daemon=True).start()
    time.sleep(0.3)
    with open(os.path.join(work, "flow.troy"), "w") as f:
        f.write("""
define flow dropped
flow
  define connector client from ws_client
  with
    codec = "json",
    config = {"url": "ws://127.0.0.1:%d"},
    reconnect = {"retry": {"interval_ms": 50, "growth_rate": 1.5, "max_retries": 3, "randomized": false}}
  end;
  create connector client;
end;
deploy flow dropped;
""" % port)
    started = time.monotonic()
    proc = subprocess.run([binary, "server", "run", "-n", "flow.troy"], cwd=work,
                          capture_output=True, text=True, timeout=30)
    took = time.monotonic() - started
    log = proc.stderr
    print("exit %d after %.1f s; %d handshakes accepted" % (proc.returncode, took, accepted))
    check(proc.returncode == 1, "expected exit status 1, got %d:\n%s" % (proc.returncode, log))
    # The first connect and 3 retries, each completing a handshake.
    check(accepted == 4, "%d handshakes, expected 4:\n%s" % (accepted, log))
    check(count_matches(r"before any traffic", log) == 4, "each drop named:\n" + log)
    check("[dropped::client]" in log and "the connector has failed" in log, log)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
