"""Process handles for Python, over libprocfd (ctypes, no other dependency).

A handle owns exactly one process: it becomes readable when the process ends,
it signals the process without a PID-reuse race, and it yields the exit
status exactly once, to every waiter.

    import procfd, signal
    with procfd.spawn(["sleep", "10"], kill_on_close=True) as p:
        p.send_signal(signal.SIGTERM)
        st = p.wait(timeout=5)          # Status(..., returncode=-15)

    st = await p.wait_async()           # asyncio: no thread per child

A Group owns a tree of processes: everything started into it and every
process those start (a cgroup on Linux where one can be made, else a
process group):

    with procfd.Group(kill_on_close=True) as g:
        p = procfd.spawn(["sh", "-c", "sleep 10 & sleep 20"], group=g)
        g.signal(signal.SIGTERM)
        g.wait(timeout=5)               # or: await g.wait_async()

The library is looked for beside this module first (libprocfd.so, or
procfd.dll where os.name is "nt"), where `pip install ./bind/python` puts
the one it builds, so that an installed package always loads the library
it was built with. Then the environment variable PROCFD_LIBRARY (a path),
then the library of the procfd source tree this module belongs to
(build/lib/, or build/windows/ for the dll), then
ctypes.util.find_library("procfd"). The Windows path is untested: no
Windows Python has run it.

Failures raise OSError with the errno that libprocfd returned, so a missing
program is FileNotFoundError and an elapsed wait timeout is TimeoutError.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import errno as _errno
import math
import os
import signal as _signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, List, Mapping, NamedTuple, Optional, Protocol, Sequence, Union

__all__ = ["Group", "Process", "Status", "default_backend", "open", "spawn", "version"]


class _HasFileno(Protocol):
    def fileno(self) -> int: ...


# What spawn() takes: the types of subprocess's arguments of the same names.
_Str = Union[str, bytes]
_Path = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
_File = Union[None, int, _HasFileno]


def _load_library() -> ctypes.CDLL:
    here = Path(__file__).resolve().parent
    name = "procfd.dll" if os.name == "nt" else "libprocfd.so"
    bundled = here / name
    if bundled.exists():
        return ctypes.CDLL(str(bundled))
    explicit = os.environ.get("PROCFD_LIBRARY")
    if explicit:
        # An explicit choice that does not load is an error, not a reason
        # to pick up some other copy.
        return ctypes.CDLL(explicit)
    # bind/python/procfd/ in the source tree: its build/ is three up.
    tree = here.parents[2] / "build"
    in_tree = tree / "windows" / name if os.name == "nt" else tree / "lib" / name
    if in_tree.exists():
        return ctypes.CDLL(str(in_tree))
    # ctypes.util.find_library looks in PATH on Windows; ctypes itself does
    # not, for a bare name, since Python 3.8: load the full path.
    found = ctypes.util.find_library("procfd")
    if found:
        return ctypes.CDLL(found)
    raise ImportError(
        f"libprocfd not found: not beside {__file__}, nor named by "
        "PROCFD_LIBRARY, nor built in this source tree (./build.sh), nor "
        "where the dynamic linker looks; pip install ./bind/python builds "
        "and installs both"
    )


_lib = _load_library()


class _CStatus(ctypes.Structure):
    _fields_ = [
        ("pid", ctypes.c_int),
        ("exited", ctypes.c_int),
        ("code", ctypes.c_int),
        ("signal", ctypes.c_int),
        ("core_dumped", ctypes.c_int),
    ]


class _CAttr(ctypes.Structure):
    _fields_ = [
        ("dir", ctypes.c_char_p),
        ("fds", ctypes.POINTER(ctypes.c_int)),
        ("nfds", ctypes.c_int),
        ("flags", ctypes.c_uint),
        ("backend", ctypes.c_char_p),
        ("sigdefault", ctypes.c_uint64),
        ("sigmask", ctypes.c_uint64),
        ("group", ctypes.c_void_p),
    ]


class _CGroupAttr(ctypes.Structure):
    _fields_ = [
        ("flags", ctypes.c_uint),
        ("mechanism", ctypes.c_char_p),
    ]


# procfd.h's flags.
_SETSID = 1 << 0
_SETPGID = 1 << 1
_KILL_ON_CLOSE = 1 << 2
_SEARCH_PATH = 1 << 3
_SIGDEFAULT = 1 << 4
_SIGMASK = 1 << 5
_GROUP = 1 << 6
_GROUP_KILL_ON_CLOSE = 1 << 0
_GROUP_SUBREAPER = 1 << 1

# The signals that CPython ignores at start and subprocess's
# restore_signals=True gives back their default action in the child.
_RESTORED_SIGNALS = [getattr(_signal, name) for name in ("SIGPIPE", "SIGXFZ", "SIGXFSZ")
                     if hasattr(_signal, name)]


def _sigbits(signals):
    """A set of signals as procfd.h's PROCFD_SIGBIT bits (signals 1 to 64)."""
    bits = 0
    for sig in signals:
        if 1 <= sig <= 64:
            bits |= 1 << (int(sig) - 1)
    return bits

_ExitCallback = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(_CStatus), ctypes.c_void_p)


def _declare(name, restype, *argtypes):
    fn = getattr(_lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


_c_int, _c_void_p, _c_char_p = ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p
_c_strings = ctypes.POINTER(_c_char_p)

_spawn = _declare("procfd_spawn", _c_int, ctypes.POINTER(_c_void_p), _c_char_p, _c_strings,
                  _c_strings, ctypes.POINTER(_CAttr))
_open = _declare("procfd_open", _c_int, ctypes.POINTER(_c_void_p), _c_int)
_pid = _declare("procfd_pid", _c_int, _c_void_p)
_fd = _declare("procfd_fd", ctypes.c_ssize_t, _c_void_p)  # intptr_t
_backend = _declare("procfd_backend", _c_char_p, _c_void_p)
_default_backend = _declare("procfd_default_backend", _c_char_p)
_send_signal = _declare("procfd_signal", _c_int, _c_void_p, _c_int)
_wait = _declare("procfd_wait", _c_int, _c_void_p, _c_int, ctypes.POINTER(_CStatus))
_on_exit = _declare("procfd_on_exit", _c_int, _c_void_p, _ExitCallback, _c_void_p)
_close = _declare("procfd_close", _c_int, _c_void_p)
_strerror = _declare("procfd_strerror", _c_char_p, _c_int)
_version = _declare("procfd_version", _c_char_p)
_group_new = _declare("procfd_group_new", _c_int, ctypes.POINTER(_c_void_p), ctypes.POINTER(_CGroupAttr))
_group_mechanism = _declare("procfd_group_mechanism", _c_char_p, _c_void_p)
_group_signal = _declare("procfd_group_signal", _c_int, _c_void_p, _c_int)
_group_wait = _declare("procfd_group_wait", _c_int, _c_void_p, _c_int)
_group_fd = _declare("procfd_group_fd", ctypes.c_ssize_t, _c_void_p)  # intptr_t
_group_pids = _declare("procfd_group_pids", _c_int, _c_void_p, ctypes.POINTER(_c_int), _c_int)
_group_close = _declare("procfd_group_close", _c_int, _c_void_p)


def _error(code, filename=None):
    """OSError for a negative errno; its constructor picks the subclass."""
    err = -code
    text = _strerror(code).decode(errors="replace")
    if filename is not None:
        return OSError(err, text, filename)
    return OSError(err, text)


def _c_int_arg(value, what):
    """value as an int that fits a C int: ctypes would wrap a larger one
    silently, and send_signal(2**32 + 9) would send SIGKILL."""
    value = int(value)
    if not -2**31 <= value < 2**31:
        raise OverflowError(f"{what} {value} does not fit a C int")
    return value


def _check(rc, filename=None):
    if rc < 0:
        raise _error(rc, filename)
    return rc


class Status(NamedTuple):
    """How a process ended.

    exit_code is the code passed to exit(2), or -1 if a signal killed the
    process; signal is that signal, or 0. returncode follows subprocess:
    exit_code, or minus the signal number.
    """

    pid: int
    exit_code: int
    signal: int
    core_dumped: bool
    returncode: int


def _status(st):
    returncode = st.code if st.exited else -st.signal
    return Status(st.pid, st.code, st.signal, bool(st.core_dumped), returncode)


# How long close() waits for an event loop in another thread to stop
# watching the descriptor.
_END_WAIT = 5.0
# wait() waits in slices of this many milliseconds so that a signal handler
# (Ctrl-C's KeyboardInterrupt) runs in time: Python runs them between calls.
_WAIT_SLICE_MS = 200


class Process:
    """A handle that owns one process. Get one from spawn() or open()."""

    def __init__(self, handle: int, args: Optional[List[Any]] = None) -> None:
        self._h = handle
        self._watches = {}  # event loop -> _Watch, while wait_async is pending there
        self.args = args
        self.pid = _check(_pid(handle))
        self.backend = _backend(handle).decode()
        self.returncode = None

    def __repr__(self) -> str:
        state = "closed" if self._h is None else f"returncode={self.returncode}"
        return f"<procfd.Process pid={self.pid} backend={self.backend} {state}>"

    def _handle(self):
        h = self._h
        if h is None:
            raise ValueError("operation on a closed procfd.Process")
        return h

    def fileno(self) -> int:
        """The descriptor that becomes readable when the process has ended.

        Valid until close(); do not close it or read from it.
        """
        return _check(_fd(self._handle()))

    def send_signal(self, sig: int) -> None:
        """Send sig; like subprocess, do nothing once the process has ended."""
        rc = _send_signal(self._handle(), _c_int_arg(sig, "signal"))
        if rc != -_errno.ESRCH:
            _check(rc)

    def terminate(self) -> None:
        """Send SIGTERM; see send_signal()."""
        self.send_signal(_signal.SIGTERM)

    def kill(self) -> None:
        """Send SIGKILL; see send_signal()."""
        self.send_signal(_signal.SIGKILL)

    def _try_wait(self, timeout_ms):
        """The status, or None if the process still runs after timeout_ms."""
        st = _CStatus()
        rc = _wait(self._handle(), timeout_ms, ctypes.byref(st))
        if rc == -_errno.ETIMEDOUT:
            return None
        _check(rc)
        status = _status(st)
        self.returncode = status.returncode
        return status

    def wait(self, timeout: Optional[float] = None) -> Status:
        """Wait for the process to end and return its Status.

        timeout is in seconds; None waits for as long as it takes. Raises
        TimeoutError if the process still runs then (it is left as it was).
        Only the calling thread waits.
        """
        return _wait_in_slices(self._try_wait, timeout,
                               lambda: f"pid {self.pid} still running after {timeout} s")

    async def wait_async(self) -> Status:
        """Wait for the process to end, in asyncio, and return its Status.

        The handle's descriptor is watched by the running loop (add_reader):
        no thread waits. Any number of coroutines may await the same
        Process, from one event loop or several; cancelling one leaves the
        others waiting. The descriptor turns readable exactly when the
        status can be collected, on every backend, so nothing else is
        watched: no timer, no thread.
        """
        loop = asyncio.get_running_loop()
        watch = self._watches.get(loop)
        if watch is None:
            status = self._try_wait(0)  # also starts the library's collection
            if status is not None:
                return status
            watch = _Watch(self, loop)
            self._watches[loop] = watch
            watch.future.add_done_callback(lambda _: self._watches.pop(loop, None))
        return await asyncio.shield(watch.future)

    def close(self) -> None:
        """Release the handle. Calling it again does nothing.

        With kill_on_close the process, if it still runs, is killed and
        reaped first; otherwise it runs on and the library reaps it when it
        ends. A wait_async() still pending raises ValueError. Every event
        loop stops watching the descriptor before it is closed, so that its
        number can be reused safely.
        """
        h, self._h = self._h, None
        if h is None:
            return
        watches, self._watches = list(self._watches.values()), {}
        try:
            closed = ValueError("procfd.Process closed while awaited")
            for watch in watches:
                watch.end(closed)
        finally:
            _check(_close(h))

    def __enter__(self) -> Process:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self):
        h = getattr(self, "_h", None)
        if h is not None and _close is not None:
            _close(h)


def _wait_in_slices(try_wait, timeout, still_running):
    """try_wait(ms)'s result once it is not None, calling it in slices of
    at most _WAIT_SLICE_MS until timeout (seconds; None: no limit) has
    passed, then TimeoutError with the text still_running() gives."""
    if timeout is not None and math.isnan(timeout):
        raise ValueError("timeout is NaN")
    if timeout is not None and math.isinf(timeout) and timeout > 0:
        timeout = None
    deadline = None if timeout is None else time.monotonic() + max(timeout, 0)
    while True:
        slice_ms = _WAIT_SLICE_MS
        if deadline is not None:
            left = deadline - time.monotonic()
            slice_ms = min(slice_ms, max(0, math.ceil(left * 1000)))
        result = try_wait(slice_ms)
        if result is not None:
            return result
        if deadline is not None and time.monotonic() >= deadline:
            raise TimeoutError(_errno.ETIMEDOUT, still_running())


class Group:
    """A group that owns a tree of processes: each one spawn() starts into
    it (group=...), and every process those start.

    mechanism None picks "cgroup" where a cgroup can be made here (Linux
    5.14+, a writable cgroup v2 hierarchy), else "pgroup"; a name forces
    that one (OSError if it cannot be had; OSError(EINVAL) for no
    mechanism's name, as for spawn's backend). "pgroup" is a process
    group: a process that calls setsid or setpgid leaves it, and is then
    neither waited for, signalled nor killed.
    kill_on_close makes close() kill every process in the group and return
    once the group is empty. subreaper ("pgroup" only) makes this whole
    process a child subreaper, for good (see PROCFD_GROUP_SUBREAPER in
    procfd.h). Where no mechanism exists (Windows for now) the constructor
    raises OSError(ENOTSUP).
    """

    def __init__(self, kill_on_close: bool = False, mechanism: Optional[str] = None,
                 subreaper: bool = False) -> None:
        self._g = None
        self._watches = {}  # event loop -> _Watch, while wait_async is pending there
        attr = _CGroupAttr()
        if kill_on_close:
            attr.flags |= _GROUP_KILL_ON_CLOSE
        if subreaper:
            attr.flags |= _GROUP_SUBREAPER
        if mechanism:
            attr.mechanism = _no_nul(mechanism.encode(), "mechanism")
        g = _c_void_p()
        _check(_group_new(ctypes.byref(g), ctypes.byref(attr)))
        self._g = g.value
        self.mechanism = _group_mechanism(self._g).decode()

    def __repr__(self) -> str:
        state = " closed" if self._g is None else ""
        return f"<procfd.Group mechanism={self.mechanism}{state}>"

    def _handle(self):
        g = self._g
        if g is None:
            raise ValueError("operation on a closed procfd.Group")
        return g

    def fileno(self) -> int:
        """A descriptor that polls readable exactly while the group is empty.

        Valid until close(); do not close it or read from it.
        """
        return _check(_group_fd(self._handle()))

    def fd(self) -> int:
        """The same as fileno()."""
        return self.fileno()

    def signal(self, sig: int) -> bool:
        """Send sig to every process in the group. Returns False, and sends
        nothing, if the group is empty."""
        rc = _group_signal(self._handle(), _c_int_arg(sig, "signal"))
        if rc == -_errno.ESRCH:
            return False
        _check(rc)
        return True

    def kill(self) -> bool:
        """Kill every process in the group (on "cgroup", with cgroup.kill,
        which no fork escapes); wait() waits for them to be gone."""
        return self.signal(_signal.SIGKILL)

    def _try_wait(self, timeout_ms):
        """True once the group is empty, None if it is not after timeout_ms."""
        rc = _group_wait(self._handle(), timeout_ms)
        if rc == -_errno.ETIMEDOUT:
            return None
        _check(rc)
        return True

    def wait(self, timeout: Optional[float] = None) -> None:
        """Wait until every process in the group has ended.

        timeout is in seconds; None waits for as long as it takes. Raises
        TimeoutError if a process of the group still runs then. A process
        that has ended counts as gone, reaped or not. Only the calling
        thread waits.
        """
        _wait_in_slices(self._try_wait, timeout,
                        lambda: f"group still has processes after {timeout} s")

    async def wait_async(self) -> None:
        """Wait, in asyncio, until every process in the group has ended.

        The group's descriptor is watched by the running loop (add_reader):
        no thread waits. Any number of coroutines may await it, from one
        loop or several; cancelling one leaves the others waiting.
        """
        loop = asyncio.get_running_loop()
        watch = self._watches.get(loop)
        if watch is None:
            if self._try_wait(0):
                return
            watch = _Watch(self, loop)
            self._watches[loop] = watch
            watch.future.add_done_callback(lambda _: self._watches.pop(loop, None))
        await asyncio.shield(watch.future)

    def pids(self) -> List[int]:
        """The PIDs of the processes in the group, in no order. A PID is a
        number: the process may end, and its PID be reused, at once."""
        n = 64
        while True:
            buf = (_c_int * n)()
            count = _check(_group_pids(self._handle(), buf, n))
            if count <= n:
                return list(buf[:count])
            n = count + 16  # more came meanwhile: ask again with room

    def close(self) -> None:
        """Release the group. Calling it again does nothing.

        With kill_on_close every process in the group is killed, and close
        returns once the group is empty. Otherwise they run on. Processes
        started into the group keep their own Process, to close on its own.
        A wait_async() still pending raises ValueError.
        """
        g, self._g = self._g, None
        if g is None:
            return
        watches, self._watches = list(self._watches.values()), {}
        try:
            closed = ValueError("procfd.Group closed while awaited")
            for watch in watches:
                watch.end(closed)
        finally:
            _check(_group_close(g))

    def __enter__(self) -> Group:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self):
        g = getattr(self, "_g", None)
        if g is not None and _group_close is not None:
            _group_close(g)


def _running_loop():
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class _Watch:
    """One event loop watching a Process's (or a Group's) descriptor for
    wait_async. The descriptor is readable exactly when a look collects the
    status (finds the group empty), so one look when it is readable settles
    the future; a group that fills again before the look clears it."""

    def __init__(self, proc, loop):
        self.proc, self.loop = proc, loop
        self.fd = proc.fileno()
        self.future = loop.create_future()
        self.reading = True
        loop.add_reader(self.fd, self._readable)
        self.future.add_done_callback(lambda _: self._stop_reading())

    def _stop_reading(self):
        if self.reading:
            self.reading = False
            self.loop.remove_reader(self.fd)

    def _readable(self):
        if self.future.done():
            return
        try:
            status = self.proc._try_wait(0)
        except BaseException as e:  # closed meanwhile, ...: the awaiters get it
            self._fail(e)
            return
        if status is not None:
            self.future.set_result(status)

    def _fail(self, exc):
        """Fails the awaiters with exc. They take it through their shield;
        the future itself is marked retrieved here, or asyncio would log
        "Future exception was never retrieved" when every awaiter was
        cancelled before (a wait_for that timed out, then close())."""
        self.future.set_exception(exc)
        self.future.exception()

    def _end_here(self, exc):
        self._stop_reading()
        if not self.future.done():
            self._fail(exc)

    def end(self, exc):
        """Stops watching, failing the awaiters with exc, before the
        descriptor is closed; from any thread. A loop that runs in another
        thread is asked to do it, and waited for: a selector left holding
        the number would take it for the next descriptor to get it."""
        loop = self.loop
        if loop.is_closed():
            return  # its selector is gone, and the awaiters with it
        if _running_loop() is loop or not loop.is_running():
            self._end_here(exc)
            return
        done = threading.Event()

        def end_there():
            try:
                self._end_here(exc)
            finally:
                done.set()

        try:
            loop.call_soon_threadsafe(end_there)
        except RuntimeError:  # closed in the meantime
            return
        # A loop that does not get to it in time is stuck; close anyway.
        done.wait(_END_WAIT)


def _stdio_fd(i, spec, resolved, to_close):
    """The descriptor that the child's descriptor i gets, for spawn()."""
    if spec is None:
        try:
            os.get_inheritable(i)  # only asks whether i is open
        except OSError:
            return -1
        return i
    if spec == subprocess.DEVNULL:
        fd = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        to_close.append(fd)
        return fd
    if spec == subprocess.STDOUT and i == 2:
        return resolved[1]
    if spec == subprocess.PIPE or spec == subprocess.STDOUT:
        raise ValueError(f"procfd.spawn does not make pipes: pass a descriptor (os.pipe()) for {spec}")
    fd = _c_int_arg(spec if isinstance(spec, int) else spec.fileno(), "descriptor")
    if fd < 0:
        raise ValueError(f"not a descriptor: {fd}")
    return fd


def _no_nul(value, what):
    """value (bytes) unless it holds a NUL, which C would cut it at."""
    if b"\0" in value:
        raise ValueError(f"embedded null byte in {what}")
    return value


def _env_entries(env):
    entries = []
    for k, v in env.items():
        k, v = os.fsencode(k), os.fsencode(v)
        if not k or b"=" in k:
            raise ValueError(f"illegal environment variable name: {k!r}")
        entries.append(_no_nul(k, "environment variable name") + b"=" +
                       _no_nul(v, "environment variable value"))
    return entries


def _dir_error(cwd):
    """True if cwd is not a directory this process may enter: the reason a
    spawn in it failed with ENOENT, ENOTDIR or EACCES, rather than the
    program. The library reports only the errno; this looks afterwards."""
    try:
        if not os.path.isdir(cwd):
            return True
        return not os.access(cwd, os.X_OK)
    except (OSError, ValueError):
        return True


def spawn(args: Union[_Path, Sequence[_Path]], cwd: Optional[_Path] = None,
          env: Optional[Mapping[_Str, _Str]] = None,
          stdin: _File = None, stdout: _File = None, stderr: _File = None,
          kill_on_close: bool = False, start_new_session: bool = False,
          backend: Optional[str] = None, restore_signals: bool = True,
          group: Optional[Group] = None) -> Process:
    """Start a program and return the Process that owns it.

    args is the argument list, args[0] the program; a program name without a
    slash is looked for in PATH, as subprocess does (the caller's PATH, not
    env's). env is a mapping (None: this process's os.environ). stdin,
    stdout and stderr are None (inherit this process's), a descriptor, an
    object with fileno(), or subprocess.DEVNULL; stderr may also be
    subprocess.STDOUT. kill_on_close makes close() kill a process that
    still runs; start_new_session runs it in a new session (setsid);
    backend forces "pidfd" or "pipe". group, a Group, starts the process
    in it (with start_new_session, only on "cgroup": a "pgroup" group
    refuses it with OSError(EINVAL)); a closed Group raises ValueError.

    As with subprocess, the child starts with the signal mask of the calling
    thread, and restore_signals (the default) gives the signals that Python
    ignores (SIGPIPE, SIGXFSZ) their default action back in the child;
    restore_signals=False leaves them ignored. Arguments, cwd and env that
    hold a NUL byte, and env names that are empty or hold "=", raise
    ValueError. When cwd is what the program could not start in, the
    OSError's filename is cwd; otherwise it is args[0].
    """
    if isinstance(args, (str, bytes, os.PathLike)):
        args = [args]
    argv = [_no_nul(os.fsencode(a), "argument") for a in args]
    if not argv:
        raise ValueError("args must not be empty")

    c_argv = (_c_char_p * (len(argv) + 1))(*argv, None)
    c_envp = None
    if env is not None:
        entries = _env_entries(env)
        c_envp = (_c_char_p * (len(entries) + 1))(*entries, None)

    attr = _CAttr()
    attr.flags = _SEARCH_PATH | _SIGMASK
    if hasattr(_signal, "pthread_sigmask"):
        attr.sigmask = _sigbits(_signal.pthread_sigmask(_signal.SIG_BLOCK, []))
    if restore_signals:
        attr.flags |= _SIGDEFAULT
        attr.sigdefault = _sigbits(_RESTORED_SIGNALS)
    if kill_on_close:
        attr.flags |= _KILL_ON_CLOSE
    if start_new_session:
        attr.flags |= _SETSID
    if cwd is not None:
        attr.dir = _no_nul(os.fsencode(cwd), "cwd")
    if backend:
        attr.backend = backend.encode()
    if group is not None:
        attr.flags |= _GROUP
        attr.group = group._handle()

    to_close = []
    try:
        if (stdin, stdout, stderr) != (None, None, None):
            fds = []
            for i, spec in enumerate((stdin, stdout, stderr)):
                fds.append(_stdio_fd(i, spec, fds, to_close))
            attr.fds = (_c_int * 3)(*fds)
            attr.nfds = 3
        h = _c_void_p()
        rc = _spawn(ctypes.byref(h), argv[0], c_argv, c_envp, ctypes.byref(attr))
        if rc < 0:
            filename = args[0]
            if (cwd is not None and -rc in (_errno.ENOENT, _errno.ENOTDIR, _errno.EACCES)
                    and _dir_error(cwd)):
                filename = cwd
            raise _error(rc, filename)
    finally:
        for fd in to_close:
            os.close(fd)
    return Process(h.value, args=list(args))


def open(pid: int) -> Process:
    """Return a Process for the existing process pid, child or not.

    wait() on a process that is not our child returns once its parent has
    reaped it (Linux 6.15+), or raises OSError(ENODATA).
    """
    h = _c_void_p()
    _check(_open(ctypes.byref(h), _c_int_arg(pid, "pid")))
    return Process(h.value)


def default_backend() -> str:
    """The backend spawn() and open() use unless told: "pidfd" or "pipe"."""
    return _default_backend().decode()


def version() -> str:
    """The version of the loaded libprocfd, "MAJOR.MINOR.PATCH"."""
    return _version().decode()
