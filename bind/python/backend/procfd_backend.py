"""The PEP 517 build backend of the procfd Python package, in the tree.

pip runs it (pyproject.toml names it); it needs nothing but the standard
library, the Go toolchain and a C compiler, so that `pip install
./bind/python` works offline, where pip can fetch no build dependency:
setuptools could not make a wheel here without the `wheel` package.

The wheel carries libprocfd.so inside the package, beside __init__.py,
where the module looks first. The library is built by the one recipe the
project has, `build.sh lib`, from the Go module this directory sits in
(bind/python of the source tree) or, in an sdist, from the copy of that
module the sdist carries under gosrc/. The version is the header's
(include/procfd.h), and nowhere else.

Linux only: build.sh's recipe links with GNU ld's soname and version
script, and no other system's build of the library is tested here.
"""

import ast
import base64
import hashlib
import io
import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

NAME = "procfd"
MODULE_PATH = "github.com/procfd/procfd"
# bind/python: the package's own directory, which holds pyproject.toml.
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# Zip and tar entries get this time, not the build's, so that two builds of
# the same sources are the same bytes (SOURCE_DATE_EPOCH overrides it).
DEFAULT_EPOCH = 315532800  # 1980-01-01, the earliest a zip can hold

# What an sdist carries of the Go module: enough for `build.sh lib`
# (go build ./bind, the linker's version script, the header and the
# pkg-config template). Tests, examples and the other bindings stay out.
SDIST_GO_FILES = ["go.mod", "go.sum", "build.sh", "include/procfd.h",
                  "cmake/procfd.pc.in", "bind/libprocfd.map"]
SDIST_GO_DIRS = [".", "csrc", "bind"]  # their files, not their subdirectories


def _go_source_root():
    """The Go module to build the library from: the sdist's copy, else the
    source tree bind/python belongs to."""
    for root in (PACKAGE_ROOT / "gosrc", PACKAGE_ROOT.parents[1]):
        go_mod = root / "go.mod"
        if go_mod.is_file() and re.search(rf"^module {re.escape(MODULE_PATH)}$",
                                          go_mod.read_text(), re.M):
            return root
    raise RuntimeError(
        f"procfd: no Go module {MODULE_PATH} at {PACKAGE_ROOT / 'gosrc'} "
        f"or {PACKAGE_ROOT.parents[1]}: build from the procfd source tree "
        "(pip install ./bind/python) or from its sdist")


def _version():
    header = (_go_source_root() / "include" / "procfd.h").read_text()
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        m = re.search(rf"^#define PROCFD_VERSION_{part} (\d+)$", header, re.M)
        if m is None:
            raise RuntimeError(f"procfd: include/procfd.h defines no PROCFD_VERSION_{part}")
        parts.append(m.group(1))
    return ".".join(parts)


def _summary_and_description():
    """The module's docstring: its first line is the summary, all of it the
    description, so that the package says what help(procfd) says."""
    source = (PACKAGE_ROOT / NAME / "__init__.py").read_text()
    doc = ast.get_docstring(ast.parse(source)) or ""
    return doc.split("\n", 1)[0], doc


def _metadata():
    summary, description = _summary_and_description()
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\n"
        f"Version: {_version()}\n"
        f"Summary: {summary}\n"
        "Requires-Python: >=3.8\n"
        "Classifier: Operating System :: POSIX :: Linux\n"
        "Classifier: Typing :: Typed\n"
        "Description-Content-Type: text/plain\n"
        "\n"
        f"{description}\n"
    )


def _platform_tag():
    # The library is native code but calls no Python C API: any Python 3
    # on this platform can load it through ctypes.
    return re.sub(r"[-.]", "_", sysconfig.get_platform())


def _wheel_file():
    return (
        "Wheel-Version: 1.0\n"
        "Generator: procfd_backend\n"
        "Root-Is-Purelib: false\n"
        f"Tag: py3-none-{_platform_tag()}\n"
    )


def _dist_info():
    return f"{NAME}-{_version()}.dist-info"


def _epoch():
    return max(int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH)), DEFAULT_EPOCH)


def _build_library(out_dir):
    """Runs build.sh lib into out_dir; returns the path of the library."""
    if not sys.platform.startswith("linux"):
        raise RuntimeError(
            f"procfd: the Python package builds libprocfd on Linux only, not on {sys.platform}")
    root = _go_source_root()
    # build.sh's progress goes to stderr, where pip shows it with -v and on
    # failure; a build hook's stdout is not for it.
    subprocess.run(["bash", str(root / "build.sh"), "lib", str(out_dir)],
                   check=True, stdout=sys.stderr)
    lib = Path(out_dir) / "lib" / f"libprocfd.so.{_version()}"
    if not lib.is_file():
        raise RuntimeError(f"procfd: build.sh lib made no {lib}")
    return lib


class _Wheel:
    """A wheel being written: each file is recorded for RECORD."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.record = []

    def add(self, name, data, executable=False):
        info = zipfile.ZipInfo(name, _zip_time())
        info.external_attr = (0o755 if executable else 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        self.record.append(f"{name},sha256={digest.decode()},{len(data)}")

    def close(self, dist_info):
        record = f"{dist_info}/RECORD"
        self.record.append(f"{record},,")
        info = zipfile.ZipInfo(record, _zip_time())
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, "".join(line + "\n" for line in self.record))
        self.zip.close()


def _zip_time():
    return time.gmtime(_epoch())[:6]


def _package_files():
    """The package's Python files, as (name in the wheel, path)."""
    pkg = PACKAGE_ROOT / NAME
    return [(f"{NAME}/{p.name}", p) for p in sorted(pkg.iterdir())
            if p.is_file() and (p.suffix == ".py" or p.name == "py.typed")]


# PEP 517 hooks.

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist_info = Path(metadata_directory) / _dist_info()
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(_metadata())
    (dist_info / "WHEEL").write_text(_wheel_file())
    return dist_info.name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = f"{NAME}-{_version()}-py3-none-{_platform_tag()}.whl"
    dist_info = _dist_info()
    with tempfile.TemporaryDirectory(prefix="procfd-wheel-") as tmp:
        lib = _build_library(tmp)
        path = Path(wheel_directory) / name
        wheel = _Wheel(path)
        try:
            for arcname, src in _package_files():
                wheel.add(arcname, src.read_bytes())
            wheel.add(f"{NAME}/libprocfd.so", lib.read_bytes(), executable=True)
            wheel.add(f"{dist_info}/METADATA", _metadata().encode())
            wheel.add(f"{dist_info}/WHEEL", _wheel_file().encode())
            wheel.add(f"{dist_info}/top_level.txt", f"{NAME}\n".encode())
            wheel.close(dist_info)
        except BaseException:
            wheel.zip.close()
            path.unlink(missing_ok=True)
            raise
    return name


def build_sdist(sdist_directory, config_settings=None):
    """An sdist that builds on its own: this directory, PKG-INFO, and under
    gosrc/ the part of the Go module that build.sh lib needs."""
    go_root = _go_source_root()
    top = f"{NAME}-{_version()}"
    files = []  # (name in the tarball, path)
    for arcname, src in [("pyproject.toml", PACKAGE_ROOT / "pyproject.toml"),
                         ("backend/procfd_backend.py", Path(__file__).resolve())]:
        files.append((arcname, src))
    files += _package_files()
    go_files = set(SDIST_GO_FILES)
    for d in SDIST_GO_DIRS:
        for p in (go_root / d).iterdir():
            if p.is_file() and p.suffix in (".go", ".c", ".h") and not p.name.endswith("_test.go"):
                go_files.add(p.relative_to(go_root).as_posix())
    files += [(f"gosrc/{rel}", go_root / rel) for rel in sorted(go_files)]

    name = f"{top}.tar.gz"
    path = Path(sdist_directory) / name
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        def add(arcname, data, mode):
            info = tarfile.TarInfo(f"{top}/{arcname}")
            info.size, info.mode, info.mtime = len(data), mode, _epoch()
            tar.addfile(info, io.BytesIO(data))
        add("PKG-INFO", _metadata().encode(), 0o644)
        for arcname, src in files:
            add(arcname, src.read_bytes(), 0o755 if os.access(src, os.X_OK) else 0o644)
    return name


__all__ = ["build_sdist", "build_wheel", "get_requires_for_build_sdist",
           "get_requires_for_build_wheel", "prepare_metadata_for_build_wheel"]
