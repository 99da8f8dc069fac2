#!/usr/bin/python3
"""Holds N idle WebSocket connections open (Python `websockets`, Debian's
python3-websockets) and prints "open N" once every one is upgraded, then
keeps them until SIGTERM/SIGINT. The client answers the server's pings, so a
server's idle timeout does not close them; it sends none of its own.
    ws_hold.py PORT N
"""
import asyncio
import os
import signal
import sys

import websockets


async def main(port: int, n: int) -> None:
    url = f"ws://127.0.0.1:{port}/"
    # At most 100 handshakes at a time: the server's accept backlog is finite.
    gate = asyncio.Semaphore(100)

    async def connect():
        async with gate:
            return await websockets.connect(url, open_timeout=60, ping_interval=None,
                                            close_timeout=1)

    conns = await asyncio.gather(*(connect() for _ in range(n)))
    print(f"open {len(conns)}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    closed = asyncio.ensure_future(
        asyncio.wait([asyncio.ensure_future(c.wait_closed()) for c in conns],
                     return_when=asyncio.FIRST_COMPLETED))
    await asyncio.wait([asyncio.ensure_future(stop.wait()), closed],
                       return_when=asyncio.FIRST_COMPLETED)
    if not stop.is_set():
        print("a connection was closed by the server", file=sys.stderr, flush=True)
        os._exit(1)
    # The kernel closes the sockets; no close handshakes needed for a benchmark.
    os._exit(0)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
