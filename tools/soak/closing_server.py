"""A WebSocket server that closes every connection after its first message.

Each accepted connection is one reconnect cycle for the client under test;
the count is written to COUNT_FILE after every connection (atomically, so
a reader never sees a half-written number).
Usage: closing_server.py PORT COUNT_FILE
"""
import asyncio
import os
import sys

import websockets

port = int(sys.argv[1])
count_file = sys.argv[2]
connections = 0


def publish(n):
    tmp = count_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(n))
    os.replace(tmp, count_file)


async def handler(ws, *_):
    global connections
    connections += 1
    publish(connections)
    try:
        await asyncio.wait_for(ws.recv(), timeout=5)
    except Exception:
        pass
    await ws.close()


async def main():
    async with websockets.serve(handler, "127.0.0.1", port):
        print("ready", flush=True)
        await asyncio.Future()


asyncio.run(main())
