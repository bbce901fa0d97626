"""The benchmark suite's own servers: a PostgreSQL cluster holding the scaled demo warehouse (with
pg_stat_statements), a private Redis, and the cockpit as in production (gunicorn + nginx).

Every server runs on a port of the bench's own and is stopped by its process id; the machine's
shared PostgreSQL and Redis are never touched.

    python bench/suite_services.py build [--dir /tmp/cockpit-bench10m] [--scale 40]
        (builds the warehouse cluster once, in the background of other work; the suite re-uses it)
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import sqlalchemy as sa

PROJECT = Path(__file__).resolve().parent.parent
PG_PORT = 55430
REDIS_PORT = 55431
DEFAULT_DIR = Path("/tmp/cockpit-bench10m")
# Tuned for a read-mostly 10M-row warehouse on a 24 GB machine; fsync is pointless for a bench.
PG_SETTINGS = ("shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all",
               "listen_addresses=127.0.0.1", "fsync=off", "synchronous_commit=off", "full_page_writes=off",
               "shared_buffers=1GB", "work_mem=64MB", "maintenance_work_mem=512MB", "max_wal_size=4GB",
               "max_connections=200")


def wait_for_port(port: int, timeout_s: float = 60) -> None:
    """Return once something accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout_s} s")


class WarehouseCluster:
    """A PostgreSQL cluster of the bench's own in `folder` (kept between runs: the build takes minutes)."""

    def __init__(self, folder: Path = DEFAULT_DIR, port: int = PG_PORT) -> None:
        self.folder = folder
        self.port = port
        self.bindir = Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                          check=True).stdout.strip())
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/warehouse"
        self.started_here = False

    def _pg(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["runuser", "-u", "postgres", "--", str(self.bindir / command[0]), *command[1:]],
                              check=check, capture_output=True, text=True, timeout=600)

    @property
    def built(self) -> bool:
        """True once a build finished (its marker is written last)."""
        return (self.folder / "built").exists()

    def start(self) -> None:
        """Create the cluster if missing and start it unless it already runs."""
        data = self.folder / "db"
        if not data.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            shutil.chown(self.folder, "postgres", "postgres")
            self._pg("initdb", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "-D", str(data))
        if self._pg("pg_ctl", "-D", str(data), "status", check=False).returncode == 0:
            return
        options = f"-p {self.port} -k {self.folder} " + " ".join(f"-c {s}" for s in PG_SETTINGS)
        self._pg("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        wait_for_port(self.port)
        self.started_here = True
        with self.engine("postgres").connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname='warehouse'")).first():
                conn.execute(sa.text("CREATE DATABASE warehouse"))

    def stop(self) -> None:
        """Stop the cluster if this process started it (its files stay for --reuse)."""
        if self.started_here:
            self._pg("pg_ctl", "-D", str(self.folder / "db"), "-m", "fast", "-w", "stop", check=False)
            self.started_here = False

    def engine(self, database: str = "warehouse") -> sa.Engine:
        """An engine on `database` of this cluster."""
        return sa.create_engine(self.url.rsplit("/", 1)[0] + "/" + database)

    def build(self, scale: int) -> float:
        """Build the scale-`scale` demo warehouse (python -m demo build); seconds taken."""
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "demo", "build", "--url", self.url, "--scale", str(scale), "--force"],
                       cwd=PROJECT, check=True)
        with self.engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            conn.execute(sa.text("VACUUM ANALYZE"))
        took = time.perf_counter() - started
        (self.folder / "built").write_text(f"scale={scale} seconds={took:.0f}\n", encoding="utf-8")
        return took


class StatementStats:
    """The engine's own time of the statements the app ran, from pg_stat_statements."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def reset(self) -> None:
        """Forget every statement counted so far."""
        with self.engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_stat_statements_reset()"))

    def read(self) -> dict:
        """Total execution ms and calls of the app's statements since the last reset (not our own)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT s.query, s.calls, s.total_exec_time FROM pg_stat_statements s "
                "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'warehouse' "
                "AND s.query NOT ILIKE '%pg_stat_statements%' AND s.query NOT ILIKE 'BEGIN%' "
                "AND s.query NOT ILIKE 'COMMIT%' AND s.query NOT ILIKE 'ROLLBACK%'")).all()
        top = sorted(rows, key=lambda r: -r.total_exec_time)[:3]
        return {"engine_ms": round(sum(r.total_exec_time for r in rows), 1),
                "statements": int(sum(r.calls for r in rows)),
                "slowest": [{"ms": round(r.total_exec_time, 1), "calls": r.calls, "sql": r.query[:160]} for r in top]}


class Redis:
    """A private redis-server without persistence."""

    def __init__(self, port: int = REDIS_PORT) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(port)

    def stop(self) -> None:
        """Stop the server by its pid."""
        self.process.terminate()
        self.process.wait(timeout=10)


class Cockpit:
    """gunicorn (deploy/gunicorn.conf.py) with `workers` workers, behind Debian's nginx (deploy/nginx.conf)."""

    def __init__(self, workdir: Path, warehouse: str, cache_url: str, password: str, *, workers: int = 2,
                 gunicorn_port: int = 8301, nginx_port: int = 8300) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        config = workdir / "config.yaml"
        config.write_text("server:\n  trusted_proxies: 1\ncache:\n  prewarm: true\n", encoding="utf-8")
        env = os.environ | {
            "COCKPIT_WAREHOUSE_URL": warehouse, "COCKPIT_APP_DB_URL": f"sqlite:///{workdir}/app.db",
            "COCKPIT_CACHE_URL": cache_url, "COCKPIT_ADMIN_PASSWORD": password, "COCKPIT_CONFIG": str(config),
            "COCKPIT_BIND": f"127.0.0.1:{gunicorn_port}", "COCKPIT_WORKERS": str(workers)}
        env.pop("COCKPIT_SECRET_KEY", None)  # the workers agree on the key kept in the app database
        self.log = (workdir / "gunicorn.log").open("w")
        self.gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
                                         cwd=PROJECT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.nginx: subprocess.Popen | None = None
        self.nginx_prefix: Path | None = None
        self.base = f"http://127.0.0.1:{gunicorn_port}"
        self.behind = "gunicorn"
        wait_for_port(gunicorn_port, 300)
        if shutil.which("nginx"):
            self.nginx = self._start_nginx(nginx_port, f"127.0.0.1:{gunicorn_port}")
            self.base, self.behind = f"http://127.0.0.1:{nginx_port}", "nginx → gunicorn"
        self._wait_healthy()

    def _start_nginx(self, listen: int, upstream: str) -> subprocess.Popen:
        """Debian's nginx with the shipped files, as the deployment test starts it."""
        from tests.test_deploy_nginx import start_nginx

        prefix = self.nginx_prefix = Path(f"/tmp/cockpit-bench-nginx-{listen}")
        shutil.rmtree(prefix, ignore_errors=True)
        prefix.mkdir()
        return start_nginx(prefix, listen, upstream)

    def _wait_healthy(self) -> None:
        import requests

        for _ in range(600):
            try:
                if requests.get(f"{self.base}/api/v1/health", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError(f"the cockpit did not become healthy; see {self.workdir / 'gunicorn.log'}")
        # A worker sets Dash up on its first request (Dash's _setup_server); until that finishes, requests
        # that thread alongside it get 404 for the component bundles. Health checks on fresh connections,
        # as a load balancer sends, give every worker its first request before a browser comes.
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda _: requests.get(f"{self.base}/api/v1/health", timeout=60), range(32)))

    def worker_rss_mb(self) -> dict[str, float]:
        """RSS (MB) of gunicorn's master and each worker."""
        master = psutil.Process(self.gunicorn.pid)
        found = {"master": master.memory_info().rss / 2**20}
        for i, child in enumerate(sorted(master.children(), key=lambda p: p.pid)):
            found[f"worker{i + 1}"] = child.memory_info().rss / 2**20
        return {k: round(v, 1) for k, v in found.items()}

    def stop(self) -> None:
        """Stop nginx and gunicorn by their pids."""
        if self.nginx is not None:
            self.nginx.terminate()
            self.nginx.wait(timeout=10)
            if self.nginx_prefix is not None:
                shutil.rmtree(self.nginx_prefix, ignore_errors=True)
        self.gunicorn.terminate()
        self.gunicorn.wait(timeout=60)
        self.log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("build", "start", "stop"))
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--scale", type=int, default=40)
    args = parser.parse_args()
    cluster = WarehouseCluster(args.dir)
    if args.command == "stop":
        cluster.started_here = True
        cluster.stop()
        return
    cluster.start()
    if args.command == "build":
        print(f"built {cluster.url} in {cluster.build(args.scale):.0f} s")


if __name__ == "__main__":
    main()
