#!/usr/bin/python3
"""Opens CLIENTS connections to URL at once; each sends MESSAGES messages
naming itself and checks every echo is its own and arrives in order.
Prints `ok CLIENTS MESSAGES` or what went wrong."""
import asyncio
import json
import resource
import sys

import websockets


async def client(url, cid, messages, ready, start, failures):
    try:
        async with websockets.connect(url, open_timeout=60, close_timeout=10) as ws:
            ready.append(cid)
            await start.wait()
            for seq in range(messages):
                await ws.send(json.dumps({"client": cid, "seq": seq}))
                reply = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if reply != {"client": cid, "seq": seq}:
                    failures.append(f"client {cid} got {reply} for seq {seq}")
                    return
    except Exception as e:  # noqa: BLE001 - any failure is a test failure
        failures.append(f"client {cid}: {e!r}")


async def main():
    url, clients, messages = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ready, failures = [], []
    start = asyncio.Event()
    tasks = [asyncio.create_task(client(url, i, messages, ready, start, failures))
             for i in range(clients)]
    # Every client holds its connection before anyone sends, so all of
    # them are connected at the same time.
    for _ in range(600):
        if len(ready) + len(failures) >= clients:
            break
        await asyncio.sleep(0.1)
    start.set()
    await asyncio.gather(*tasks)
    if failures:
        print(f"{len(failures)} failures; first: {failures[0]}")
        return 1
    print(f"ok {clients} {messages} concurrent={len(ready)}")
    return 0


sys.exit(asyncio.run(main()))
