"""The Python binding (bind/python/procfd), stdlib unittest only.

Run from the repository with the library built:
    python3 -m unittest discover -s tests/capi/python -v
PROCFD_LIBRARY may name the library to test. Against the installed package
(pip install ./bind/python), run with that Python from outside the tree and
PROCFD_TEST_INSTALLED=1, which adds the checks of what pip installed:
./build.sh test does both.
"""

import asyncio
import errno
import gc
import importlib.metadata
import inspect
import os
import pydoc
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import typing
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
try:
    import procfd
except ImportError:
    sys.path.insert(0, str(REPO / "bind" / "python"))
    import procfd


def os_threads():
    """This process's OS threads, the Go runtime's included."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    raise AssertionError("no Threads line in /proc/self/status")


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pid, timeout=5.0):
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.005)
    return not alive(pid)


class ModuleTest(unittest.TestCase):
    def test_version_matches_header(self):
        header = (REPO / "include" / "procfd.h").read_text()
        parts = [re.search(rf"#define PROCFD_VERSION_{p} (\d+)", header).group(1)
                 for p in ("MAJOR", "MINOR", "PATCH")]
        self.assertEqual(procfd.version(), ".".join(parts))

    def test_all_is_the_public_names(self):
        public = {name for name, value in vars(procfd).items()
                  if not name.startswith("_") and getattr(value, "__module__", None) == "procfd"}
        self.assertEqual(sorted(procfd.__all__), sorted(public))

    def test_default_backend(self):
        self.assertIn(procfd.default_backend(), ("pidfd", "pipe"))


class LoadTest(unittest.TestCase):
    # dlopen returns while the Go runtime inside may still be starting on a
    # thread of its own, raising RLIMIT_NOFILE; a limit the host sets right
    # after dlopen must survive that.
    HOST = """
import ctypes, resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
lib = ctypes.CDLL(sys.argv[1])
resource.setrlimit(resource.RLIMIT_NOFILE, (300, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
lib.procfd_default_backend()
print(resource.getrlimit(resource.RLIMIT_NOFILE)[0])
"""

    def test_a_limit_set_right_after_dlopen_stays(self):
        import resource
        if resource.getrlimit(resource.RLIMIT_NOFILE)[1] <= 300:
            self.skipTest("the hard limit leaves no room for the soft ones")
        for _ in range(5):
            out = subprocess.run([sys.executable, "-c", self.HOST, procfd._lib._name],
                                 capture_output=True, text=True, check=True).stdout
            self.assertEqual(out.strip(), "300")


def public_callables():
    """(name, function) for each public function and method of the module."""
    for name in procfd.__all__:
        value = getattr(procfd, name)
        if inspect.isfunction(value):
            yield name, value
        elif inspect.isclass(value) and not issubclass(value, tuple):
            for attr, member in vars(value).items():
                if inspect.isfunction(member) and (not attr.startswith("_") or attr == "__init__"):
                    yield f"{name}.{attr}", member


class PackageTest(unittest.TestCase):
    """What the package promises its users beyond behaviour: help() and a
    type checker see every public function documented and annotated."""

    def test_public_callables_have_docstrings_and_annotations(self):
        seen = 0
        for name, fn in public_callables():
            with self.subTest(name):
                if fn.__name__ != "__init__":  # the class's docstring covers it
                    self.assertTrue(inspect.getdoc(fn), f"{name} has no docstring")
                hints = typing.get_type_hints(fn)
                self.assertIn("return", hints, f"{name} has no return annotation")
                params = [p for p in inspect.signature(fn).parameters if p != "self"]
                self.assertEqual(sorted(hints.keys() - {"return"}), sorted(params),
                                 f"{name}: parameters without annotations")
                seen += 1
        self.assertGreaterEqual(seen, 20)

    def test_help_shows_the_docstrings(self):
        text = pydoc.render_doc(procfd.spawn, renderer=pydoc.plaintext)
        self.assertIn("Start a program and return the Process that owns it.", text)
        # The annotations are strings (from __future__ import annotations),
        # which help() shows quoted.
        self.assertRegex(text, r"group: '?Optional\[Group\]'? = None")
        text = pydoc.render_doc(procfd, renderer=pydoc.plaintext)
        self.assertIn("A handle owns exactly one process", text)
        self.assertIn("Wait until every process in the group has ended.", text)


@unittest.skipUnless(os.environ.get("PROCFD_TEST_INSTALLED") == "1",
                     "PROCFD_TEST_INSTALLED=1 tests the installed package")
class InstalledTest(unittest.TestCase):
    """The package as pip installed it: from site-packages, with its own
    library inside, the version of the header and the type marker."""

    def package_dir(self):
        return Path(procfd.__file__).resolve().parent

    def test_imported_from_the_environment_not_the_tree(self):
        self.assertTrue(self.package_dir().is_relative_to(Path(sys.prefix).resolve()),
                        f"{procfd.__file__} is not under {sys.prefix}")
        self.assertNotEqual(self.package_dir(), REPO / "bind" / "python" / "procfd")

    def test_loads_the_library_beside_it(self):
        self.assertEqual(Path(procfd._lib._name), self.package_dir() / "libprocfd.so")

    def test_library_beside_it_comes_before_the_environment(self):
        # An installed package keeps the library it was built with, so
        # that a PROCFD_LIBRARY meant for a tree cannot break it.
        env = dict(os.environ, PROCFD_LIBRARY="/nonexistent/libprocfd.so")
        env.pop("PYTHONPATH", None)
        out = subprocess.run(
            [sys.executable, "-c", "import procfd; print(procfd._lib._name); "
             "print(procfd.spawn(['true']).wait().returncode)"],
            env=env, cwd="/", capture_output=True, text=True, check=True).stdout.split()
        self.assertEqual(out, [str(self.package_dir() / "libprocfd.so"), "0"])

    def test_version_and_type_marker(self):
        self.assertEqual(importlib.metadata.version("procfd"), procfd.version())
        self.assertTrue((self.package_dir() / "py.typed").is_file())
        files = {str(f) for f in importlib.metadata.files("procfd")}
        self.assertLessEqual({"procfd/__init__.py", "procfd/py.typed", "procfd/libprocfd.so"}, files)


class SpawnTest(unittest.TestCase):
    def spawn(self, *args, **kwargs):
        p = procfd.spawn(*args, **kwargs)
        self.addCleanup(p.close)
        return p

    def test_exit_status(self):
        p = self.spawn(["sh", "-c", "exit 7"])
        self.assertGreater(p.pid, 0)
        self.assertEqual(p.backend, procfd.default_backend())
        self.assertIsNone(p.returncode)
        st = p.wait()
        self.assertEqual(st, procfd.Status(p.pid, 7, 0, False, 7))
        self.assertEqual(p.returncode, 7)
        self.assertEqual(p.wait(), st)  # every wait, the one status
        self.assertEqual(p.wait(timeout=0), st)

    def test_fileno_readable_at_exit(self):
        p = self.spawn(["sh", "-c", "sleep 0.2; exit 1"])
        fd = p.fileno()
        self.assertEqual(select.select([fd], [], [], 0)[0], [])
        self.assertEqual(select.select([fd], [], [], 5)[0], [fd])
        self.assertEqual(p.wait(timeout=5).exit_code, 1)

    def test_signals(self):
        p = self.spawn(["sleep", "60"])
        p.send_signal(signal.SIGTERM)
        st = p.wait(timeout=5)
        self.assertEqual((st.exit_code, st.signal, st.returncode), (-1, signal.SIGTERM, -signal.SIGTERM))
        # Like subprocess: nothing happens once the process has ended.
        p.send_signal(signal.SIGTERM)

        p = self.spawn(["sleep", "60"])
        p.terminate()
        self.assertEqual(p.wait(timeout=5).returncode, -signal.SIGTERM)
        p = self.spawn(["sleep", "60"])
        p.kill()
        self.assertEqual(p.wait(timeout=5).returncode, -signal.SIGKILL)

    def test_wait_timeout(self):
        p = self.spawn(["sleep", "60"])
        start = time.monotonic()
        with self.assertRaises(TimeoutError) as cm:
            p.wait(timeout=0.1)
        self.assertGreaterEqual(time.monotonic() - start, 0.09)
        self.assertEqual(cm.exception.errno, errno.ETIMEDOUT)
        with self.assertRaises(TimeoutError):
            p.wait(timeout=0)
        self.assertTrue(alive(p.pid))  # a timeout leaves the process be
        p.kill()
        self.assertEqual(p.wait(timeout=5).signal, signal.SIGKILL)

    def test_missing_program(self):
        with self.assertRaises(FileNotFoundError) as cm:
            procfd.spawn(["/no/such/program"])
        self.assertEqual(cm.exception.errno, errno.ENOENT)
        self.assertEqual(cm.exception.filename, "/no/such/program")
        with self.assertRaises(FileNotFoundError):
            procfd.spawn(["procfd-no-such-program-in-path"])
        with self.assertRaises(FileNotFoundError):
            procfd.spawn(["true"], cwd="/no/such/dir")

    def test_not_executable(self):
        with tempfile.NamedTemporaryFile("w", suffix=".sh") as f:
            f.write("#!/bin/sh\nexit 0\n")
            f.flush()
            with self.assertRaises(PermissionError):
                procfd.spawn([f.name])

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            procfd.spawn([])
        with self.assertRaises(OSError) as cm:
            procfd.spawn(["true"], backend="no-such-backend")
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(OSError) as cm:
            procfd.spawn(["true"], backend="procdesc")
        self.assertEqual(cm.exception.errno, errno.ENOTSUP)
        with self.assertRaises(ValueError):
            procfd.spawn(["true"], stdout=subprocess.PIPE)
        # ctypes would wrap these into a valid pid or signal.
        with self.assertRaises(OverflowError):
            procfd.open(2**32 + os.getpid())
        with self.assertRaises(OverflowError):
            procfd.spawn(["true"], stdout=2**32 + 1)
        p = self.spawn(["sleep", "60"], kill_on_close=True)
        with self.assertRaises(OverflowError):
            p.send_signal(2**32 + signal.SIGKILL)
        with self.assertRaises(ValueError):
            p.wait(timeout=float("nan"))
        self.assertTrue(alive(p.pid))

    def test_infinite_timeout(self):
        p = self.spawn(["sh", "-c", "exit 2"])
        self.assertEqual(p.wait(timeout=float("inf")).returncode, 2)

    def test_path_search_cwd_env(self):
        p = self.spawn(["sh", "-c", 'test "$(pwd)" = / && test "$A" = b && test -z "$HOME"'],
                       cwd="/", env={"A": "b"})
        self.assertEqual(p.wait(timeout=5).returncode, 0)

    def test_env_none_is_the_current_environment(self):
        os.environ["PROCFD_PY_INHERITED"] = "now"
        self.addCleanup(os.environ.pop, "PROCFD_PY_INHERITED")
        p = self.spawn(["sh", "-c", 'test "$PROCFD_PY_INHERITED" = now'])
        self.assertEqual(p.wait(timeout=5).returncode, 0)

    def test_stdio(self):
        r, w = os.pipe()
        with os.fdopen(r, "rb") as reader:
            with os.fdopen(w, "wb") as writer:  # an object with fileno()
                p = self.spawn(["sh", "-c", "echo out; echo err >&2; cat"],
                               stdin=subprocess.DEVNULL, stdout=writer, stderr=subprocess.STDOUT)
            self.assertEqual(reader.read(), b"out\nerr\n")
        self.assertEqual(p.wait(timeout=5).returncode, 0)

        r, w = os.pipe()
        p = self.spawn(["sh", "-c", "echo fd"], stdout=w)  # a plain descriptor
        os.close(w)
        with os.fdopen(r, "rb") as reader:
            self.assertEqual(reader.read(), b"fd\n")
        self.assertEqual(p.wait(timeout=5).returncode, 0)

    def test_kill_on_close_and_context_manager(self):
        with procfd.spawn(["sleep", "60"], kill_on_close=True) as p:
            pid = p.pid
            self.assertTrue(alive(pid))
        self.assertFalse(alive(pid))  # killed and reaped by close
        with self.assertRaises(ValueError):
            p.fileno()
        p.close()  # again: nothing

        # Without kill_on_close the process runs on and is reaped later.
        p = procfd.spawn(["sleep", "0.5"])
        pid = p.pid
        p.close()
        self.assertTrue(alive(pid))
        self.assertTrue(wait_gone(pid))

    def test_new_session(self):
        p = self.spawn(["sleep", "60"], start_new_session=True, kill_on_close=True)
        self.assertEqual(os.getsid(p.pid), p.pid)

    def test_forced_pipe_backend(self):
        p = self.spawn(["sh", "-c", "exit 4"], backend="pipe")
        self.assertEqual(p.backend, "pipe")
        self.assertEqual(p.wait(timeout=5).returncode, 4)

    @unittest.skipUnless(procfd.default_backend() == "pidfd", "open needs the pidfd backend")
    def test_open(self):
        me = procfd.open(os.getpid())
        self.addCleanup(me.close)
        self.assertEqual(me.pid, os.getpid())
        with self.assertRaises(TimeoutError):
            me.wait(timeout=0)

        child = self.spawn(["sleep", "60"])
        other = procfd.open(child.pid)
        self.addCleanup(other.close)
        other.kill()
        self.assertEqual(child.wait(timeout=5).signal, signal.SIGKILL)

        with self.assertRaises(OSError) as cm:
            procfd.open(-1)
        self.assertEqual(cm.exception.errno, errno.EINVAL)


def signal_state(pid):
    """SigBlk and SigIgn of pid, as sets of signal numbers."""
    sets = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("SigBlk", "SigIgn"):
                bits = int(value, 16)
                sets[key] = {sig for sig in range(1, 65) if bits & (1 << (sig - 1))}
    return sets["SigBlk"], sets["SigIgn"]


class InputTest(unittest.TestCase):
    """What C would cut or misread is refused, as subprocess refuses it."""

    def test_nul_bytes_and_bad_env_names(self):
        bad = [
            dict(args=["echo", "a\0b"]),
            dict(args=[b"echo", b"a\0b"]),
            dict(args=["ec\0ho", "x"]),
            dict(args=["/bin/echo\0junk"]),
            dict(args=["true"], cwd="/\0tmp"),
            dict(args=["true"], env={"A": "b\0c"}),
            dict(args=["true"], env={"A\0B": "c"}),
            dict(args=["true"], env={"A=B": "c"}),
            dict(args=["true"], env={"": "c"}),
            dict(args=["true"], env={b"=": b"c"}),
        ]
        for kwargs in bad:
            with self.subTest(**kwargs), self.assertRaises(ValueError):
                p = procfd.spawn(**kwargs)
                p.close()  # not reached when the check works

    def test_a_good_env_still_works(self):
        p = procfd.spawn(["sh", "-c", 'test "$A" = "b=c"'], env={"A": "b=c"})
        self.addCleanup(p.close)
        self.assertEqual(p.wait(timeout=10).returncode, 0)


class CwdErrorTest(unittest.TestCase):
    """The OSError names what was missing: the directory or the program."""

    def test_missing_directory_is_named(self):
        with self.assertRaises(FileNotFoundError) as cm:
            procfd.spawn(["true"], cwd="/no/such/dir")
        self.assertEqual(cm.exception.filename, "/no/such/dir")

    def test_directory_that_is_a_file_is_named(self):
        with tempfile.NamedTemporaryFile() as f:
            with self.assertRaises(NotADirectoryError) as cm:
                procfd.spawn(["true"], cwd=f.name)
            self.assertEqual(cm.exception.filename, f.name)

    def test_missing_program_in_a_good_directory_is_named(self):
        with self.assertRaises(FileNotFoundError) as cm:
            procfd.spawn(["./procfd-no-such-program"], cwd="/")
        self.assertEqual(cm.exception.filename, "./procfd-no-such-program")


class SignalTest(unittest.TestCase):
    """Children get the signals Python ignores back (restore_signals, as
    subprocess), and the calling thread's mask."""

    def spawn_sleep(self, **kwargs):
        p = procfd.spawn(["sleep", "60"], kill_on_close=True, **kwargs)
        self.addCleanup(p.close)
        return p

    def test_ignored_signals_are_restored(self):
        self.assertEqual(signal.getsignal(signal.SIGXFSZ), signal.SIG_IGN)
        _, ignored = signal_state(self.spawn_sleep().pid)
        self.assertNotIn(signal.SIGPIPE, ignored)
        self.assertNotIn(signal.SIGXFSZ, ignored)
        # restore_signals=False leaves them ignored, SIGPIPE included,
        # which the library's runtime catches on Python's behalf.
        _, ignored = signal_state(self.spawn_sleep(restore_signals=False).pid)
        self.assertIn(signal.SIGPIPE, ignored)
        self.assertIn(signal.SIGXFSZ, ignored)

    def test_writing_past_the_file_size_limit_kills(self):
        with tempfile.TemporaryDirectory() as d:
            script = 'ulimit -f 0 && exec head -c 4096 /dev/zero > "$0"'
            p = procfd.spawn(["sh", "-c", script, os.path.join(d, "a")])
            self.addCleanup(p.close)
            self.assertEqual(p.wait(timeout=10).returncode, -signal.SIGXFSZ)
            # Ignored, the write fails with EFBIG instead.
            p = procfd.spawn(["sh", "-c", script, os.path.join(d, "b")], restore_signals=False,
                             stderr=subprocess.DEVNULL)
            self.addCleanup(p.close)
            self.assertGreater(p.wait(timeout=10).returncode, 0)

    def test_child_gets_the_calling_threads_mask(self):
        old = signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
        try:
            p = self.spawn_sleep()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        blocked, _ = signal_state(p.pid)
        self.assertEqual(blocked, {signal.SIGUSR1})
        blocked, _ = signal_state(self.spawn_sleep().pid)
        self.assertEqual(blocked, set())


class AsyncTest(unittest.TestCase):
    def test_wait_async(self):
        async def main():
            p = procfd.spawn(["sh", "-c", "sleep 0.1; exit 3"])
            try:
                # Two awaiters, and one that gives up: the others still get it.
                quitter = asyncio.ensure_future(p.wait_async())
                await asyncio.sleep(0.01)
                quitter.cancel()
                a, b = await asyncio.gather(p.wait_async(), p.wait_async())
                self.assertEqual(a, b)
                self.assertEqual(a.returncode, 3)
                self.assertEqual(await p.wait_async(), a)  # after the end
            finally:
                p.close()

        asyncio.run(main())

    def test_close_while_awaited(self):
        async def main():
            p = procfd.spawn(["sleep", "60"], kill_on_close=True)
            waiter = asyncio.ensure_future(p.wait_async())
            await asyncio.sleep(0.05)
            p.close()
            with self.assertRaises(ValueError):
                await waiter

        asyncio.run(main())

    def test_close_after_the_awaiting_loop_closed(self):
        p = procfd.spawn(["sleep", "60"], kill_on_close=True)

        async def give_up():
            with self.assertRaises(asyncio.TimeoutError):
                await asyncio.wait_for(p.wait_async(), 0.05)

        asyncio.run(give_up())
        p.close()  # the loop is gone; the handle must still close
        self.assertTrue(wait_gone(p.pid))

    def test_a_cancelled_wait_leaves_nothing_behind(self):
        reported = []

        async def main():
            loop = asyncio.get_running_loop()
            loop.set_exception_handler(lambda _, context: reported.append(context))
            p = procfd.spawn(["sleep", "60"], kill_on_close=True)
            with self.assertRaises(asyncio.TimeoutError):
                await asyncio.wait_for(p.wait_async(), 0.1)
            p.close()
            del p
            await asyncio.sleep(0)
            gc.collect()
            await asyncio.sleep(0)

        asyncio.run(main())
        gc.collect()
        self.assertEqual(reported, [])

    def test_close_while_awaited_frees_the_descriptor_number(self):
        async def main():
            loop = asyncio.get_running_loop()
            p = procfd.spawn(["sleep", "60"], kill_on_close=True)
            waiter = asyncio.ensure_future(p.wait_async())
            await asyncio.sleep(0.05)
            fd = p.fileno()
            p.close()
            with self.assertRaises(OSError):
                os.fstat(fd)  # closed by close()
            r, w = os.pipe()
            if w == fd:  # keep the write end off the handle's number
                w, old = os.dup(w), w
                os.close(old)
            try:
                # The handle's number, free again, now another pipe's.
                if r != fd:
                    self.assertEqual(os.dup2(r, fd), fd)
                    os.close(r)
                fired = loop.create_future()
                loop.add_reader(fd, lambda: fired.done() or fired.set_result(True))
                os.write(w, b"x")
                # A reader the loop still kept for the old descriptor would
                # swallow this one: the timeout bounds that hang.
                self.assertTrue(await asyncio.wait_for(fired, 10))
                loop.remove_reader(fd)
            finally:
                os.close(fd)
                os.close(w)
            with self.assertRaises(ValueError):
                await waiter

        asyncio.run(main())

    def test_awaited_from_two_loops(self):
        p = procfd.spawn(["sh", "-c", "sleep 0.3; exit 5"])
        self.addCleanup(p.close)
        loops = [asyncio.new_event_loop() for _ in range(2)]
        threads = [threading.Thread(target=loop.run_forever, daemon=True) for loop in loops]
        for t in threads:
            t.start()
        try:
            # Loop 0, then loop 1, then loop 0 again: each loop's awaiters
            # must all be answered.
            futures = []
            for loop in (loops[0], loops[1], loops[0]):
                futures.append(asyncio.run_coroutine_threadsafe(p.wait_async(), loop))
                time.sleep(0.02)
            for f in futures:
                self.assertEqual(f.result(timeout=20).returncode, 5)
        finally:
            for loop, t in zip(loops, threads):
                loop.call_soon_threadsafe(loop.stop)
                t.join()
                loop.close()

    def test_child_that_leaves_a_background_process(self):
        # The background sleep holds every descriptor the child had, the
        # death pipe's write end included; the child itself exits at once.
        p = procfd.spawn(["sh", "-c", "sleep 60 & exit 7"], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(p.close)
        self.addCleanup(lambda: os.killpg(p.pid, signal.SIGKILL))

        async def main():
            return await asyncio.wait_for(p.wait_async(), 20)  # bounds a hang

        self.assertEqual(asyncio.run(main()).returncode, 7)

    def test_500_children_without_a_thread_each(self):
        n, limit = 500, 24

        async def main():
            peak = os_threads()
            procs = [procfd.spawn(["sleep", "1"]) for _ in range(n)]
            try:
                done = False

                async def sample():
                    nonlocal peak
                    while not done:
                        peak = max(peak, os_threads())
                        await asyncio.sleep(0.01)

                sampler = asyncio.ensure_future(sample())
                statuses = await asyncio.gather(*(p.wait_async() for p in procs))
                done = True
                await sampler
            finally:
                for p in procs:
                    p.close()
            return statuses, max(peak, os_threads())

        statuses, peak = asyncio.run(main())
        self.assertEqual(len({st.pid for st in statuses}), n)
        self.assertTrue(all(st.returncode == 0 for st in statuses))
        self.assertLessEqual(peak, limit, f"{peak} OS threads for {n} children")
        print(f"\n{n} children awaited at once: peak {peak} OS threads", file=sys.stderr)


# The child prints the pid of a background sleep (a member on every
# mechanism), then that of a sleep started by a shell that called setsid and
# exited (a member of a cgroup, not of a process group), then becomes a
# sleep itself.
TREE = ("sleep 100 </dev/null >/dev/null 2>&1 & echo $!; "
        "setsid sh -c 'sleep 200 </dev/null >/dev/null 2>&1 & echo $!'; "
        "exec sleep 300 >/dev/null")


def proc_state(pid):
    """The state letter of /proc/PID/stat, or None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return chr(stat[stat.rindex(b")") + 2])


def gone(pid):
    """kill(pid, 0) fails, or pid is a zombie: it has ended."""
    return not alive(pid) or proc_state(pid) in (None, "Z")


def readable(fd, timeout=0):
    return select.select([fd], [], [], timeout)[0] == [fd]


def cgroup_error():
    """Why the cgroup mechanism does not work here, or None if it does."""
    try:
        procfd.Group(mechanism="cgroup").close()
    except OSError as e:
        return str(e)
    return None


class GroupTests:
    """The group tests, on the mechanism MECHANISM (forced)."""

    MECHANISM = None

    def group(self, **kwargs):
        g = procfd.Group(mechanism=self.MECHANISM, **kwargs)
        self.addCleanup(g.close)
        self.assertEqual(g.mechanism, self.MECHANISM)
        return g

    def start_tree(self, g):
        """Starts TREE in g: its Process and the pids of the background
        sleep and of the setsid'd one."""
        r, w = os.pipe()
        try:
            p = procfd.spawn(["sh", "-c", TREE], group=g, stdout=w)
        finally:
            os.close(w)
        self.addCleanup(p.close)
        self.addCleanup(lambda: p.kill() or p.wait(timeout=5))
        with os.fdopen(r, "rb") as reader:
            sleeper = int(reader.readline())
            escaper = int(reader.readline())
        # Killed here whatever the mechanism did to it.
        self.addCleanup(lambda: gone(escaper) or os.kill(escaper, signal.SIGKILL))
        # Settled once the child has exec'd its sleep: the setsid'd shell
        # has exited and been reaped by then.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(f"/proc/{p.pid}/comm") as f:
                if f.read() == "sleep\n":
                    break
            time.sleep(0.005)
        return p, sleeper, escaper

    @property
    def cgroup(self):
        return self.MECHANISM == "cgroup"

    def test_empty_group(self):
        g = self.group()
        self.assertTrue(readable(g.fileno()))
        self.assertEqual(g.fd(), g.fileno())
        g.wait(timeout=0)
        g.wait()
        self.assertEqual(g.pids(), [])
        self.assertFalse(g.signal(signal.SIGTERM))
        self.assertFalse(g.kill())

    def test_signal_reaches_the_tree_and_wait_waits_for_it(self):
        g = self.group()
        p, sleeper, escaper = self.start_tree(g)
        members = {p.pid, sleeper} | ({escaper} if self.cgroup else set())
        self.assertEqual(set(g.pids()), members)
        self.assertFalse(readable(g.fileno()))
        start = time.monotonic()
        with self.assertRaises(TimeoutError) as cm:
            g.wait(timeout=0.1)
        self.assertGreaterEqual(time.monotonic() - start, 0.09)
        self.assertEqual(cm.exception.errno, errno.ETIMEDOUT)
        with self.assertRaises(TimeoutError):
            g.wait(timeout=0)
        self.assertFalse(readable(g.fileno()))

        self.assertTrue(g.signal(signal.SIGTERM))
        g.wait(timeout=20)
        self.assertTrue(readable(g.fileno()))
        self.assertEqual(g.pids(), [])
        self.assertTrue(gone(p.pid))
        self.assertTrue(gone(sleeper))
        # "pgroup" does not hold what called setsid: it runs on.
        self.assertEqual(gone(escaper), self.cgroup)
        self.assertEqual(p.wait(timeout=5).returncode, -signal.SIGTERM)

    def test_close_with_kill_on_close_leaves_no_process(self):
        g = self.group(kill_on_close=True)
        p, sleeper, escaper = self.start_tree(g)
        pids = g.pids()
        self.assertEqual(len(pids), 3 if self.cgroup else 2)
        g.close()
        for pid in pids + [p.pid, sleeper]:
            self.assertTrue(gone(pid), pid)
        self.assertEqual(gone(escaper), self.cgroup)
        self.assertEqual(p.wait(timeout=5).returncode, -signal.SIGKILL)

        # Closed: ValueError, as for a closed Process; close again: nothing.
        for call in (g.fileno, g.fd, g.pids, g.kill, g.wait, lambda: g.signal(0)):
            with self.assertRaises(ValueError):
                call()
        g.close()
        with self.assertRaises(ValueError):
            procfd.spawn(["true"], group=g)

    def test_context_manager(self):
        with procfd.Group(mechanism=self.MECHANISM, kill_on_close=True) as g:
            p = procfd.spawn(["sleep", "60"], group=g)
            self.addCleanup(p.close)
            self.assertEqual(g.pids(), [p.pid])
        self.assertTrue(gone(p.pid))
        self.assertEqual(p.wait(timeout=5).returncode, -signal.SIGKILL)

    def test_wait_async(self):
        g = self.group()
        p, sleeper, escaper = self.start_tree(g)

        async def main():
            quitter = asyncio.ensure_future(g.wait_async())
            waiters = [asyncio.ensure_future(g.wait_async()) for _ in range(2)]
            await asyncio.sleep(0.1)
            self.assertFalse(any(w.done() for w in waiters))
            quitter.cancel()
            self.assertTrue(g.kill())
            # A timeout bounds a hang.
            await asyncio.wait_for(asyncio.gather(*waiters), 20)
            await g.wait_async()  # empty: at once

        asyncio.run(main())
        self.assertTrue(gone(sleeper))
        self.assertEqual(gone(escaper), self.cgroup)
        self.assertEqual(p.wait(timeout=5).returncode, -signal.SIGKILL)

    def test_close_while_awaited(self):
        g = self.group(kill_on_close=True)
        p = procfd.spawn(["sleep", "60"], group=g)
        self.addCleanup(p.close)

        async def main():
            waiter = asyncio.ensure_future(g.wait_async())
            await asyncio.sleep(0.05)
            g.close()
            with self.assertRaises(ValueError):
                await waiter

        asyncio.run(main())
        self.assertEqual(p.wait(timeout=5).returncode, -signal.SIGKILL)

    def test_new_session(self):
        g = self.group(kill_on_close=True)
        if self.cgroup:
            p = procfd.spawn(["sleep", "60"], group=g, start_new_session=True)
            self.addCleanup(p.close)
            self.assertEqual(g.pids(), [p.pid])
        else:
            # It would leave the process group at once.
            with self.assertRaises(OSError) as cm:
                procfd.spawn(["sleep", "60"], group=g, start_new_session=True)
            self.assertEqual(cm.exception.errno, errno.EINVAL)
            self.assertEqual(g.pids(), [])


CGROUP_ERROR = cgroup_error()


@unittest.skipIf(CGROUP_ERROR, f"no cgroup mechanism here: {CGROUP_ERROR}")
class CgroupGroupTest(GroupTests, unittest.TestCase):
    MECHANISM = "cgroup"


class PgroupGroupTest(GroupTests, unittest.TestCase):
    MECHANISM = "pgroup"


class GroupInputTest(unittest.TestCase):
    def test_default_mechanism(self):
        with procfd.Group() as g:
            self.assertIn(g.mechanism, ("cgroup", "pgroup"))
            self.assertIn(g.mechanism, repr(g))

    def test_bad_mechanisms(self):
        with self.assertRaises(OSError) as cm:
            procfd.Group(mechanism="no-such-mechanism")
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(OSError) as cm:
            procfd.Group(mechanism="job")  # Windows'
        self.assertEqual(cm.exception.errno, errno.ENOTSUP)
        with self.assertRaises(ValueError):
            procfd.Group(mechanism="cgroup\0x")

    def test_bad_signal(self):
        with procfd.Group() as g:
            with self.assertRaises(OverflowError):
                g.signal(2**32 + signal.SIGKILL)
            with self.assertRaises(OSError) as cm:
                g.signal(65)
            self.assertEqual(cm.exception.errno, errno.EINVAL)


if __name__ == "__main__":
    unittest.main()
