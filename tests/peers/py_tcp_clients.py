#!/usr/bin/python3
"""Opens CONNS stream connections at once (TCP, TLS or a Unix socket); once
all are up, each sends LINES lines naming itself and reads them back from
an echo service, checking every line is its own and in order.
Prints `ok CONNS LINES` or what went wrong (exit 1).

  py_tcp_clients.py (--port P [--tls CAFILE [--name HOST]] | --unix PATH)
                    --conns N --lines L [--size BYTES]"""
import argparse
import asyncio
import resource
import ssl
import sys


def line_for(cid, seq, size):
    head = f"client={cid} seq={seq} "
    return (head + "x" * max(0, size - len(head))).encode() + b"\n"


async def client(args, cid, ready, start, failures):
    try:
        if args.unix:
            opened = asyncio.open_unix_connection(args.unix)
        else:
            tls = None
            if args.tls:
                tls = ssl.create_default_context(cafile=args.tls)
            opened = asyncio.open_connection("127.0.0.1", args.port, ssl=tls,
                                             server_hostname=args.name if tls else None)
        reader, writer = await asyncio.wait_for(opened, 60)
        ready.append(cid)
        await start.wait()
        for seq in range(args.lines):
            writer.write(line_for(cid, seq, args.size))
        await writer.drain()
        for seq in range(args.lines):
            got = await asyncio.wait_for(reader.readline(), 60)
            want = line_for(cid, seq, args.size)
            if got != want:
                failures.append(f"client {cid} seq {seq}: got {got[:60]!r}")
                break
        writer.close()
    except Exception as e:  # noqa: BLE001 - any failure is a test failure
        failures.append(f"client {cid}: {e!r}")


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int)
    p.add_argument("--unix")
    p.add_argument("--tls")
    p.add_argument("--name", default="localhost")
    p.add_argument("--conns", type=int, required=True)
    p.add_argument("--lines", type=int, required=True)
    p.add_argument("--size", type=int, default=40)
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ready, failures = [], []
    start = asyncio.Event()
    tasks = [asyncio.create_task(client(args, i, ready, start, failures))
             for i in range(args.conns)]
    # Everyone holds a connection before anyone sends, so all of them are
    # open at the same time.
    for _ in range(1200):
        if len(ready) + len(failures) >= args.conns:
            break
        await asyncio.sleep(0.05)
    start.set()
    await asyncio.gather(*tasks)
    if failures:
        print(f"failed {len(failures)} of {args.conns}: " + "; ".join(failures[:5]))
        sys.exit(1)
    print(f"ok {args.conns} {args.lines}")


asyncio.run(main())
