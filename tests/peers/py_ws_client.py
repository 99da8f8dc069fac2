#!/usr/bin/python3
"""Python `websockets` client peer: sends COUNT messages to URL and checks
that each comes back unchanged and in order. Exits 0 and prints `ok N`."""
import argparse
import asyncio
import json
import ssl
import sys

import websockets


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--cafile")
    ap.add_argument("--binary", action="store_true")
    ap.add_argument("--count", type=int, default=10)
    args = ap.parse_args()
    ctx = None
    if args.url.startswith("wss://"):
        ctx = ssl.create_default_context(cafile=args.cafile)
    async with websockets.connect(args.url, ssl=ctx, max_size=None, open_timeout=10) as ws:
        for i in range(args.count):
            text = json.dumps({"peer": "python", "seq": i, "text": "h\u00e9llo"})
            msg = text.encode() if args.binary else text
            await ws.send(msg)
            reply = await asyncio.wait_for(ws.recv(), 10)
            if reply != msg:
                print(f"mismatch at {i}: sent {msg!r} got {reply!r}", file=sys.stderr)
                return 1
    print(f"ok {args.count}")
    return 0


sys.exit(asyncio.run(main()))
