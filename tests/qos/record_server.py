#!/usr/bin/python3
"""WebSocket server that appends every message it receives, one per line,
to OUT_FILE and flushes each write, so what it got survives a SIGKILL.
Prints `ready` once listening. Usage: record_server.py PORT OUT_FILE"""
import asyncio
import os
import sys

import websockets

port = int(sys.argv[1])
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)


async def record(ws, *_):
    try:
        async for msg in ws:
            if isinstance(msg, bytes):
                msg = msg.decode("utf-8", "replace")
            os.write(fd, (msg.rstrip("\n") + "\n").encode())
    except websockets.ConnectionClosed:
        pass


async def main():
    # asyncio sets SO_REUSEADDR, so a restart binds at once after a SIGKILL.
    async with websockets.serve(record, "127.0.0.1", port, max_size=None):
        print("ready", flush=True)
        await asyncio.Future()


asyncio.run(main())
