#!/usr/bin/python3
"""Python `websockets` echo server peer on 127.0.0.1, port 0. Prints
`port N` once listening, echoes every message with its frame type, and
exits after the first connection closes (or after 30 s)."""
import argparse
import asyncio
import ssl
import sys

import websockets


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert")
    ap.add_argument("--key")
    args = ap.parse_args()
    ctx = None
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
    done = asyncio.get_running_loop().create_future()

    async def echo(ws, path=None):
        try:
            async for msg in ws:
                await ws.send(msg)
        finally:
            if not done.done():
                done.set_result(None)

    async with websockets.serve(echo, "127.0.0.1", 0, ssl=ctx, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"port {port}", flush=True)
        try:
            await asyncio.wait_for(done, 30)
        except asyncio.TimeoutError:
            return 1
    return 0


sys.exit(asyncio.run(main()))
