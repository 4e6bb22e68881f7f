"""A Python program that owns its processes through procfd (ctypes over
libprocfd): exit statuses, a bounded wait, a kill, and many children awaited
in asyncio without a thread each.

./build.sh runs it; by hand, after ./build.sh:
    PYTHONPATH=bind/python python3 examples/python/example.py
or, once pip install ./bind/python has installed the package, from anywhere.
"""

import asyncio
import signal

import procfd


def threads():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("Threads:"))


async def many(n):
    procs = [procfd.spawn(["sleep", "0.5"]) for _ in range(n)]
    during = threads()
    statuses = await asyncio.gather(*(p.wait_async() for p in procs))
    for p in procs:
        p.close()
    ok = sum(st.returncode == 0 for st in statuses)
    print(f"{n} children awaited at once with asyncio: {ok} exited 0, {during} OS threads meanwhile")


def main():
    print(f"libprocfd {procfd.version()}, default backend {procfd.default_backend()}")

    with procfd.spawn(["sh", "-c", "exit 3"]) as p:
        print(f"sh -c 'exit 3': {p.wait()}")

    with procfd.spawn(["sleep", "60"], kill_on_close=True) as p:
        try:
            p.wait(timeout=0.05)
        except TimeoutError as e:
            print(f"sleep 60, waited 50 ms: {e}")
        p.send_signal(signal.SIGTERM)
        print(f"after SIGTERM: returncode {p.wait().returncode}")

    try:
        procfd.spawn(["/no/such/prog"])
    except FileNotFoundError as e:
        print(f"missing program: {type(e).__name__}: {e}")

    asyncio.run(many(200))


if __name__ == "__main__":
    main()
