#!/usr/bin/env python3
# Usage: redis-commands-per-message.py [--channels K] WAITERS MESSAGES PORT_A PORT_B REDIS_PORT [PUBLISH_KEY]
# (two nodecast instances on ports A and B sharing the Redis on REDIS_PORT; PUBLISH_KEY, or else the
# environment variable NODECAST_PUBLISH_KEY, is the --publish-key they were started with (publishers
# giving it are never throttled); needs redis-cli)
# Parks W viewers on instance B (following ids), publishes M messages on instance A, and reports
# Redis commands per message (INFO commandstats) and publish-on-A -> delivery-on-B latency.
# With --channels K (default 1, channel "default"), messages go round-robin to channels bench-0 to
# bench-(K-1), and viewer j follows channel j mod K.
# It never hangs: a publish answered other than 201, a viewer answered other than 200, or any step
# that takes longer than TIMEOUT ends it with exit status 1 and the reason.
import asyncio, json, os, subprocess, sys, time, zlib
def seq_key(channel):
    """The sequence of a channel under the default prefix (README, "Redis"): its partition is CRC32 of the name mod 64."""
    return "nodecast:{p%d}:c:%s:seq" % (zlib.crc32(channel.encode()) % 64, channel)

TIMEOUT = 10  # seconds: for a connection, an answer to a publish, a delivery to every viewer, a redis-cli call

class Failure(Exception):
    pass

args = sys.argv[1:]
K = 1
if len(args) >= 2 and args[0] == "--channels":
    K, args = int(args[1]), args[2:]
CHANNELS = ["default"] if K == 1 else [f"bench-{c}" for c in range(K)]
def path(c):
    return "" if K == 1 else f"/c/{CHANNELS[c]}"
if len(args) not in (5, 6):
    print("usage: redis-commands-per-message.py [--channels K] WAITERS MESSAGES PORT_A PORT_B REDIS_PORT [PUBLISH_KEY]"
          " (the key may be given in NODECAST_PUBLISH_KEY instead)", file=sys.stderr)
    sys.exit(2)
W, M, A, B, RP = int(args[0]), int(args[1]), int(args[2]), int(args[3]), args[4]
KEY = args[5] if len(args) == 6 else os.environ.get("NODECAST_PUBLISH_KEY", "")
if not KEY:
    sys.exit("redis-commands-per-message: no publisher key: give it as the sixth argument or in NODECAST_PUBLISH_KEY")

def redis(*args):
    try:
        done = subprocess.run(["redis-cli", "-p", RP, *args], capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Failure(f"redis-cli {' '.join(args)}: {e}")
    if done.returncode != 0 or done.stdout.startswith("ERR"):
        raise Failure(f"redis-cli {' '.join(args)} on port {RP}: {(done.stderr or done.stdout).strip()}")
    return done.stdout

async def bounded(what, awaitable):
    try:
        return await asyncio.wait_for(awaitable, TIMEOUT)
    except asyncio.TimeoutError:
        raise Failure(f"{what}: nothing within {TIMEOUT} s") from None
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as e:
        raise Failure(f"{what}: {e!r}") from None

async def http(reader, writer, req):
    """Sends one request and reads its answer, which must have a Content-Length; returns (status, body)."""
    writer.write(req); await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    lengths = [l for l in lines if l.lower().startswith(b"content-length:")]
    if not lengths:
        raise Failure(f"answer without Content-Length: {lines[0].decode(errors='replace')}")
    return status, await reader.readexactly(int(lengths[0].split(b":")[1]))

def quota(c):
    """How many of the M messages go to channel c."""
    return len(range(c, M, K))

async def viewer(c, start, arrivals, parked, failures):
    """Follows channel c's ids from start as the page does; a failure is recorded for main to report, not raised."""
    try:
        r, w = await bounded(f"connecting to B (port {B})", asyncio.open_connection("127.0.0.1", B))
        parked[0] += 1
        nxt = start
        while nxt < start + quota(c):
            # Not bounded here: a /wait is held for the server's wait timeout; main bounds each delivery.
            status, body = await http(r, w, f"GET {path(c)}/wait?id={nxt} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            if status != 200:
                raise Failure(f"a viewer's GET {path(c)}/wait?id={nxt} on B was answered {status}: {body[:200]!r}")
            now = time.perf_counter()
            for m in json.loads(body):
                arrivals.setdefault((c, m["id"]), []).append(now); nxt = m["id"] + 1
        w.close()
    except Exception as e:
        failures.append(str(e) if isinstance(e, Failure) else f"a viewer on B: {e!r}")

async def until(what, done, failures):
    """Waits until done() holds, at most TIMEOUT; a viewer's failure ends the wait at once."""
    deadline = time.perf_counter() + TIMEOUT
    while not done():
        if failures:
            raise Failure(failures[0])
        if time.perf_counter() > deadline:
            raise Failure(f"{what}: not within {TIMEOUT} s")
        await asyncio.sleep(0.0005)

async def publish(r, w, i, c, expected_id):
    text = f"text=m{i}"
    status, body = await bounded(f"publish {i + 1} of {M} on A (port {A})", http(r, w, (
        f"POST {path(c)}/submit-message HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nAuthorization: Bearer {KEY}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(text)}\r\n\r\n{text}").encode()))
    if status != 201:
        hint = {401: " (is PUBLISH_KEY the --publish-key A was started with?)",
                429: " (a wrong key tried too often from this address)"}.get(status, "")
        raise Failure(f"publish {i + 1} of {M} on A (port {A}) was answered {status}{hint}: {body[:200].decode(errors='replace')}")
    stored = json.loads(body)["id"]
    if stored != expected_id:
        raise Failure(f"publish {i + 1} was stored as id {stored}, not {expected_id}: is something else publishing?")

async def main():
    starts = [int(redis("GET", seq_key(name)).strip() or 0) for name in CHANNELS]
    viewers_of = [len(range(c, W, K)) for c in range(K)]
    arrivals, parked, sent, failures = {}, [0], {}, []
    tasks = [asyncio.create_task(viewer(j % K, starts[j % K], arrivals, parked, failures)) for j in range(W)]
    await until(f"{W} viewers asking B", lambda: parked[0] == W, failures)
    await asyncio.sleep(0.5)
    redis("CONFIG", "RESETSTAT")
    r, w = await bounded(f"connecting to A (port {A})", asyncio.open_connection("127.0.0.1", A))
    for i in range(M):
        c = i % K
        key = (c, starts[c] + i // K)
        sent[key] = time.perf_counter()
        await publish(r, w, i, c, key[1])
        await until(f"delivery of id {key[1]} of {CHANNELS[c]} to its {viewers_of[c]} viewers on B",
                    lambda: len(arrivals.get(key, [])) >= viewers_of[c], failures)
    await until(f"{W} viewers finishing", lambda: all(t.done() for t in tasks), failures)
    if failures:
        raise Failure(failures[0])
    stats = redis("INFO", "commandstats")
    calls = {l.split(":")[0][len("cmdstat_"):]: int(l.split("calls=")[1].split(",")[0]) for l in stats.splitlines() if l.startswith("cmdstat_")}
    # This script's own CONFIG RESETSTAT and INFO; Redis 7 names subcommands, as in config|resetstat.
    calls = {name: n for name, n in calls.items() if name.split("|")[0] not in ("config", "info")}
    total = sum(calls.values())
    lat = sorted((min(arrivals[i]) - sent[i]) * 1000 for i in sent if i in arrivals)
    print(f"channels={K} waiters={W} messages={M} redis commands={total} per message={total / M:.2f} {calls}")
    print(f"publish on A -> first delivery on B: median={lat[len(lat)//2]:.2f} ms  max={lat[-1]:.2f} ms")

try:
    asyncio.run(main())
except Failure as e:
    sys.exit(f"redis-commands-per-message: {e}")
