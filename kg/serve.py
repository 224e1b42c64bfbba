"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the built store.

It runs Oxigraph's own server (the `oxigraph` package on PyPI ships it) in read-only mode on
the current store version, rather than a home-made HTTP layer: the SPARQL 1.1 Protocol, content
negotiation (JSON, XML, CSV, TSV results), query timeouts and the refusal of updates are the
server's, tested upstream. The server is the same Rust code as pyoxigraph, so it reads the
store that `kg build` wrote, provided both come from the same Oxigraph release (checked).

While it runs, this process holds a shared lease on the store version it serves, so a new
build swaps the `store` link without deleting the version being served (restart to serve the
new build).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from kg.store import StoreLease

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30.0


class OxigraphServerMissingError(FileNotFoundError):
    """The `oxigraph` server binary is not installed."""


class OxigraphVersionError(RuntimeError):
    """The server and pyoxigraph come from different Oxigraph releases."""


class ServerStartError(RuntimeError):
    """The server did not come up."""


def oxigraph_binary() -> Path:
    """The `oxigraph` executable: beside this Python first (a venv), then on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file():
        return here
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise OxigraphServerMissingError(
        "the Oxigraph server is not installed: pip install 'oxigraph' (same release as pyoxigraph)"
    )


def _release(version: str) -> tuple[str, ...]:
    """Major and minor: releases that share them share the storage format."""
    return tuple(version.strip().split(".")[:2])


def check_versions(binary: Path) -> str:
    """The server's version; raises if its storage format may differ from pyoxigraph's."""
    import pyoxigraph

    output = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    server = output.split()[-1] if output.split() else "?"
    if _release(server) != _release(pyoxigraph.__version__):
        raise OxigraphVersionError(
            f"oxigraph server {server} and pyoxigraph {pyoxigraph.__version__} differ: "
            f"pip install 'oxigraph=={pyoxigraph.__version__}'"
        )
    return server


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def server_command(
    binary: Path, location: Path, host: str, port: int, timeout_s: float
) -> list[str]:
    """`--union-default-graph`: queries see every named graph, as `kg query` does."""
    return [
        str(binary),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        _bind(host, port),
        "--union-default-graph",
        "--timeout-s",
        str(max(1, round(timeout_s))),
    ]


def _die_with_parent() -> None:
    """In the child, before exec: the kernel ends the server if kg dies (even by kill -9),
    so no server outlives the command that started it."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def wait_until_listening(
    host: str, port: int, process: subprocess.Popen, deadline_s: float = 20.0
) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            raise ServerStartError(f"the Oxigraph server exited with code {process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise ServerStartError(f"the Oxigraph server did not listen on {_bind(host, port)} in time")


class Server:
    """A running read-only endpoint; `stop()` (or leaving the `with` block) ends it."""

    def __init__(
        self,
        out_dir: Path,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self.process: subprocess.Popen | None = None
        self.lease: StoreLease | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/query"

    def start(self) -> Server:
        binary = oxigraph_binary()
        check_versions(binary)
        self.lease = StoreLease.acquire(self.out_dir)
        command = server_command(binary, self.lease.path, self.host, self.port, self.timeout_s)
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent
            )
            wait_until_listening(self.host, self.port, self.process)
        except BaseException:
            self.stop()
            raise
        return self

    def wait(self) -> int:
        """Block until the server ends; SIGTERM to kg stops it too (then returns 0)."""
        import signal

        assert self.process is not None

        def on_term(signum: int, frame: object) -> None:
            raise SystemExit(0)

        previous = signal.signal(signal.SIGTERM, on_term)
        try:
            return self.process.wait()
        finally:
            signal.signal(signal.SIGTERM, previous)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.lease is not None:
            self.lease.release()
            self.lease = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
