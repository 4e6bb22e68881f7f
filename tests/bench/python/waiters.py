"""waiters.py MODE N [CHILD]: section 6 of the benchmark table, one measurement.

N CHILD children (default /bin/cat) read one shared pipe to its end and are
awaited at once from
asyncio, MODE "procfd" with Process.wait_async (the handle's descriptor in
the event loop) or MODE "asyncio" with asyncio.create_subprocess_exec and
Process.wait. Prints "threads N" while they wait and "release_ms X", the time
from closing the pipe (each child then reads end of file and exits) to the
return of the last wait.
"""

import asyncio
import os
import sys
import time

import procfd


def threads():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    raise RuntimeError("no Threads in /proc/self/status")


async def start_procfd(child, r, devnull):
    p = procfd.spawn([child], stdin=r, stdout=devnull, stderr=devnull)

    async def wait():
        try:
            return (await p.wait_async()).returncode
        finally:
            p.close()
    return wait()


async def start_asyncio(child, r, devnull):
    p = await asyncio.create_subprocess_exec(child, stdin=r, stdout=devnull, stderr=devnull)
    return p.wait()


async def main(mode, n, child):
    start = {"procfd": start_procfd, "asyncio": start_asyncio}[mode]
    r, w = os.pipe()
    devnull = os.open(os.devnull, os.O_WRONLY)
    waits = [asyncio.ensure_future(await start(child, r, devnull)) for _ in range(n)]
    # Let every wait reach its await (asyncio's child watcher threads
    # start with the children; procfd's waits register a reader).
    await asyncio.sleep(0.5)
    print("threads", threads())
    t0 = time.monotonic()
    os.close(w)
    codes = await asyncio.gather(*waits)
    print("release_ms %.3f" % ((time.monotonic() - t0) * 1e3))
    bad = [c for c in codes if c != 0]
    if bad:
        sys.exit(f"{len(bad)} children did not exit 0: {bad[:5]}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "/bin/cat"))
