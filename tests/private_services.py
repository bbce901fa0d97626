"""Private Redis and PostgreSQL servers of a test's own, on free ports, to stop and start at will.

Fault tests stop these to simulate an outage; the machine's shared servers (Redis on 6379,
PostgreSQL on 5432) are never touched. A missing binary skips the test (fails under CI=true).
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import service_unavailable


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout_s: float = 15) -> None:
    """Return once something accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout_s} s")


class PrivateRedis:
    """A redis-server on its own port without persistence; `stop()` and `start()` again."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            service_unavailable("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server (empty) and wait until it accepts connections."""
        self.process = subprocess.Popen(
            [str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", tempfile.gettempdir()],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        """Stop the server (an outage)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    """A running PrivateRedis, stopped at the end of the block."""
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class PrivatePostgres:
    """A PostgreSQL cluster of its own (initdb as the postgres user) on a free port."""

    def __init__(self) -> None:
        try:
            bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                    check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            service_unavailable("PostgreSQL's pg_config is not installed")
        self.bindir = Path(bindir)
        self.port = free_port()
        # Not under pytest's tmp_path: the postgres user cannot enter root's 0700 folders.
        self.data = Path(tempfile.mkdtemp(prefix="cockpit-pg-", dir="/tmp"))
        shutil.chown(self.data, "postgres", "postgres")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres?connect_timeout=3"
        self._as_postgres(["initdb", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                           "-D", str(self.data / "db")])

    def _as_postgres(self, command: list[str]) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bindir / command[0]), *command[1:]],
                       check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Start the cluster and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(["pg_ctl", "-D", str(self.data / "db"), "-o", options, "-l",
                           str(self.data / "log"), "-w", "start"])
        wait_for_port(self.port)

    def stop(self) -> None:
        """Stop the cluster at once (an outage): open connections are cut."""
        self._as_postgres(["pg_ctl", "-D", str(self.data / "db"), "-m", "fast", "-w", "stop"])

    def remove(self) -> None:
        """Stop (if running) and delete the cluster."""
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bindir / "pg_ctl"), "-D",
                        str(self.data / "db"), "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(self.data, ignore_errors=True)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running PrivatePostgres, removed at the end of the block."""
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()
