"""The production deployment of deploy/: Debian's nginx in front of two gunicorn workers, Redis, PostgreSQL.

Started from the shipped files (deploy/nginx.conf, deploy/nginx-main.conf, deploy/gunicorn.conf.py),
it checks that whichever worker answers, the session, the login throttle (by the real client
address nginx passes on), the cached data and the alerts' state agree, and that responses come
compressed and static bundles cacheable.
"""
from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import requests
import sqlalchemy as sa

from datasources.engines import create_appdb_engine
from datasources.users import upsert_user
from tests.conftest import service_unavailable, throwaway_pg_database
from tests.private_services import free_port, private_redis, wait_for_port

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "Cockpit-Deploy-2026"


@pytest.fixture
def nginx_prefix() -> Iterator[Path]:
    """A folder the unprivileged nginx (www-data) owns, with the shipped configuration rendered in it."""
    if shutil.which("nginx") is None:
        service_unavailable("Debian's nginx is not installed")
    prefix = Path(tempfile.mkdtemp(prefix="cockpit-nginx-", dir="/tmp"))
    try:
        yield prefix
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def start_nginx(prefix: Path, listen: int, upstream: str) -> subprocess.Popen:
    site = (PROJECT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    site = site.replace("@@LISTEN@@", f"127.0.0.1:{listen}").replace("@@UPSTREAM@@", upstream)
    (prefix / "cockpit.conf").write_text(site, encoding="utf-8")
    main = (PROJECT / "deploy" / "nginx-main.conf").read_text(encoding="utf-8")
    main = main.replace("@@SITE@@", str(prefix / "cockpit.conf")) + "daemon off;\n"
    (prefix / "nginx.conf").write_text(main, encoding="utf-8")
    for path in [prefix, *prefix.iterdir()]:
        shutil.chown(path, "www-data", "www-data")
    process = subprocess.Popen(["runuser", "-u", "www-data", "--", "nginx", "-c", str(prefix / "nginx.conf"),
                                "-p", str(prefix), "-e", str(prefix / "error.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(listen)
    return process


def post_login(port: int, source: str, password: str, forwarded_for: str | None = None) -> int:
    """POST /login from the local address `source` (a client of its own); the status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Connection": "close"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for  # a client's own claim: must not be believed
    conn.request("POST", "/login", urllib.parse.urlencode({"username": "admin", "password": password}), headers)
    status = conn.getresponse().status
    conn.close()
    return status


def test_two_gunicorn_workers_behind_nginx_agree(tmp_path: Path, alerts_url: str, nginx_prefix: Path) -> None:
    with throwaway_pg_database("cockpit_test_deploy") as app_db_url, private_redis() as cache:
        config = tmp_path / "config.yaml"
        config.write_text("server:\n  trusted_proxies: 1\ncache:\n  prewarm: false\n", encoding="utf-8")
        gunicorn_port, nginx_port = free_port(), free_port()
        env = os.environ | {
            "COCKPIT_WAREHOUSE_URL": alerts_url, "COCKPIT_APP_DB_URL": app_db_url, "COCKPIT_CACHE_URL": cache.url,
            "COCKPIT_ADMIN_PASSWORD": PASSWORD, "COCKPIT_CONFIG": str(config),
            "COCKPIT_BIND": f"127.0.0.1:{gunicorn_port}", "COCKPIT_WORKERS": "2", "COCKPIT_THREADS": "8"}
        env.pop("COCKPIT_SECRET_KEY", None)  # the workers must agree on the key kept in the app database
        log = (tmp_path / "gunicorn.log").open("w")
        workers = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
                                   cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
        nginx = None
        try:
            wait_for_port(gunicorn_port, 60)
            nginx = start_nginx(nginx_prefix, nginx_port, f"127.0.0.1:{gunicorn_port}")
            base = f"http://127.0.0.1:{nginx_port}"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:  # both workers have built their app (slow on a busy machine)
                try:
                    if requests.get(f"{base}/api/v1/health", timeout=10).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.2)
            engine = create_appdb_engine(app_db_url)
            upsert_user(engine, "officer", PASSWORD, "duty_officer")
            engine.dispose()
            _check_sessions_cache_and_alerts(base, cache.url)
            _check_throttle_by_real_address(nginx_port, app_db_url)
            _check_compression_and_caching(base)
        finally:
            if nginx is not None:
                nginx.terminate()
                nginx.wait(timeout=10)
            workers.terminate()
            workers.wait(timeout=40)
            log.close()
    output = (tmp_path / "gunicorn.log").read_text(errors="replace")
    assert "Traceback" not in output, output[-3000:]
    answered = {m.group(1) for m in re.finditer(r'"GET /api/v1/summary[^"]*" 200 .* worker=<?(\d+)', output)}
    assert len(answered) == 2, f"both workers should have answered: {output[-2000:]}"


def _check_sessions_cache_and_alerts(base: str, cache_url: str) -> None:
    session = requests.Session()
    assert session.post(f"{base}/login", data={"username": "admin", "password": PASSWORD},
                        allow_redirects=False, timeout=10).status_code == 303

    def get(path: str) -> requests.Response:
        # A new connection each time, so nginx's round robin spreads them over both workers.
        return session.get(base + path, headers={"Connection": "close"}, timeout=20)

    with ThreadPoolExecutor(max_workers=4) as pool:
        bodies = list(pool.map(lambda _: get("/api/v1/summary"), range(24)))
    assert {r.status_code for r in bodies} == {200}  # one sign-in holds on every worker
    assert all(r.json() == bodies[0].json() for r in bodies)  # the same cached data everywhere
    assert bodies[0].json()["alerts_open_by_level"]  # hand-made warehouse: open alerts to count
    assert len(redis.Redis.from_url(cache_url).keys("cockpit:ck:*")) > 0  # cached in the shared Redis

    officer = requests.Session()  # admins read; acting on alerts is a duty officer's
    assert officer.post(f"{base}/login", data={"username": "officer", "password": PASSWORD},
                        allow_redirects=False, timeout=10).status_code == 303
    # As a browser sends it: with its Origin, which names the port nginx listens on.
    ack = officer.post(f"{base}/api/v1/alerts/A6/actions", json={"action": "acknowledge",
                                                                 "request_id": "deploy-ack-0001"},
                       headers={"Origin": base}, timeout=20)
    assert ack.status_code == 200 and ack.json()["state"]["status"] == "acknowledged"
    with ThreadPoolExecutor(max_workers=4) as pool:
        states = list(pool.map(lambda _: get("/api/v1/alerts/A6").json()["status"], range(12)))
    assert states == ["acknowledged"] * 12  # every worker sees the action at once


def _check_throttle_by_real_address(port: int, app_db_url: str) -> None:
    # 127.0.0.2 guesses: 5 free failures, then held up whichever worker it reaches.
    assert [post_login(port, "127.0.0.2", "wrong") for _ in range(5)] == [401] * 5
    assert post_login(port, "127.0.0.2", PASSWORD) == 429
    # Claiming another address in X-Forwarded-For changes nothing: nginx appends the real one.
    assert post_login(port, "127.0.0.2", PASSWORD, forwarded_for="10.9.8.7") == 429
    # The same name from another address is not held up.
    assert post_login(port, "127.0.0.3", PASSWORD) == 303
    engine = sa.create_engine(app_db_url)
    with engine.connect() as conn:
        addresses = set(conn.execute(sa.text("SELECT ip FROM audit_log WHERE action = 'login_failed'")).scalars())
    engine.dispose()
    assert addresses == {"127.0.0.2"}  # the audit log names the real client, not nginx


def _check_compression_and_caching(base: str) -> None:
    session = requests.Session()
    session.post(f"{base}/login", data={"username": "admin", "password": PASSWORD}, timeout=10)
    page = session.get(f"{base}/", headers={"Accept-Encoding": "gzip"}, timeout=20)
    assert page.headers.get("Content-Encoding") == "gzip"
    bundle = re.search(r'src="(/_dash-component-suites/dash/[^"]+\.js)"', page.text).group(1)
    script = session.get(base + bundle, headers={"Accept-Encoding": "gzip"}, timeout=20)
    assert script.headers.get("Content-Encoding") == "gzip"
    assert "max-age=31536000" in script.headers.get("Cache-Control", "")
    listing = session.get(f"{base}/api/v1/alerts?status=all", headers={"Accept-Encoding": "gzip"}, timeout=20)
    assert listing.status_code == 200 and listing.json()["total"] >= len(listing.json()["alerts"])
