#!/usr/bin/env python3
# Usage: redis-commands-per-message.py WAITERS MESSAGES PORT_A PORT_B REDIS_PORT
# (two nodecast instances on ports A and B sharing the Redis on REDIS_PORT; needs redis-cli)
# Parks W viewers on instance B (following ids), publishes M messages on instance A, and reports
# Redis commands per message (INFO commandstats) and publish-on-A -> delivery-on-B latency.
import asyncio, json, subprocess, sys, time
W, M, A, B, RP = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def redis(*args): return subprocess.run(["redis-cli", "-p", RP, *args], capture_output=True, text=True).stdout
async def http(reader, writer, req):
    writer.write(req); await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    n = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    return await reader.readexactly(n)
async def viewer(start, arrivals, parked):
    r, w = await asyncio.open_connection("127.0.0.1", B)
    nxt = start
    while nxt < start + M:
        parked[0] += 1
        body = json.loads(await http(r, w, f"GET /wait?id={nxt} HTTP/1.1\r\nHost: x\r\n\r\n".encode()))
        now = time.perf_counter()
        for m in body:
            arrivals.setdefault(m["id"], []).append(now); nxt = m["id"] + 1
    w.close()
async def main():
    start = int(redis("GET", "nodecast:seq").strip() or 0)
    arrivals, parked, sent = {}, [0], {}
    tasks = [asyncio.create_task(viewer(start, arrivals, parked)) for _ in range(W)]
    while parked[0] < W: await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)
    redis("CONFIG", "RESETSTAT")
    r, w = await asyncio.open_connection("127.0.0.1", A)
    for i in range(M):
        sent[start + i] = time.perf_counter()
        await http(r, w, f"POST /submit-message HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {len('text=m' + str(i))}\r\n\r\ntext=m{i}".encode())
        while len(arrivals.get(start + i, [])) < W: await asyncio.sleep(0.0005)
    await asyncio.gather(*tasks)
    stats = redis("INFO", "commandstats")
    calls = {l.split(":")[0][len("cmdstat_"):]: int(l.split("calls=")[1].split(",")[0]) for l in stats.splitlines() if l.startswith("cmdstat_")}
    calls.pop("config", None); calls.pop("info", None)
    total = sum(calls.values())
    lat = sorted((min(arrivals[i]) - sent[i]) * 1000 for i in sent)
    print(f"waiters={W} messages={M} redis commands={total} per message={total / M:.2f} {calls}")
    print(f"publish on A -> first delivery on B: median={lat[len(lat)//2]:.2f} ms  max={lat[-1]:.2f} ms")
asyncio.run(main())
