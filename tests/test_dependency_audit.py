"""The dependency check of scripts/test.sh: fail on a fixable finding, warn on an unfixable one,
skip when the vulnerability database cannot be reached.

The end-to-end tests run the real pip-audit against a stand-in OSV service on this machine
(`--osv-url`), with pinned requirements and `--disable-pip`, so nothing leaves the machine.
"""
from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scripts.dependency_audit import run_pip_audit, verdict

pytest.importorskip("pip_audit")

# One advisory per package name: (id, fixed versions) as OSV's /v1/query answers it.
ADVISORIES = {"pyyaml": ("TEST-FIXABLE-1", ["6.0.99"]), "markupsafe": ("TEST-NOFIX-1", [])}


class FakeOsv(BaseHTTPRequestHandler):
    """OSV's query endpoint: one advisory for each package in ADVISORIES, nothing for others."""

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name = query["package"]["name"]
        body: dict = {}
        if name in ADVISORIES:
            vuln_id, fixed = ADVISORIES[name]
            events = [{"introduced": "0"}, *({"fixed": v} for v in fixed)]
            affected = {"package": {"name": name, "ecosystem": "PyPI"},
                        "ranges": [{"type": "ECOSYSTEM", "events": events}]}
            body = {"vulns": [{"id": vuln_id, "summary": "test advisory", "affected": [affected]}]}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def osv_url() -> Iterator[str]:
    """The stand-in OSV service on a free loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    server.server_close()


def audit(tmp_path: Path, osv: str, *packages: str) -> tuple[int, list[str]]:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("".join(f"{p}\n" for p in packages), encoding="utf-8")
    return verdict(*run_pip_audit(str(requirements), [], ("--disable-pip", "--no-deps", "-s", "osv",
                                                          "--osv-url", osv)))


def test_a_fixable_finding_fails(tmp_path: Path, osv_url: str) -> None:
    code, lines = audit(tmp_path, osv_url, "pyyaml==6.0.4", "flask==3.1.3")
    assert code == 1
    assert "FAIL: pyyaml 6.0.4: TEST-FIXABLE-1, fixed in 6.0.99" in lines


def test_a_finding_without_a_fix_only_warns(tmp_path: Path, osv_url: str) -> None:
    code, lines = audit(tmp_path, osv_url, "markupsafe==3.0.2", "flask==3.1.3")
    assert code == 0
    assert "WARN: markupsafe 3.0.2: TEST-NOFIX-1, no fixed release yet" in lines
    assert lines[-1] == "dependency audit: 2 packages, no known vulnerability with a fix"


def test_an_unreachable_database_skips(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/v1/query"
    code, lines = audit(tmp_path, closed, "pyyaml==6.0.4")
    assert code == 0
    assert len(lines) == 1 and lines[0].startswith("SKIP: dependency audit: the vulnerability database could not")


def test_a_database_that_knows_no_package_skips() -> None:
    """What PyPI's JSON API behind a mirror answers: every package skipped. pip-audit alone says
    "No known vulnerabilities found" and exits 0; the check must not pass that off as a clean audit."""
    report = {"dependencies": [{"name": "dash", "skip_reason": "Dependency not found on PyPI and could not be "
                                                               "audited: dash (4.4.1)"},
                               {"name": "flask", "skip_reason": "Dependency not found on PyPI …"}], "fixes": []}
    code, lines = verdict(0, report, "")
    assert code == 0 and lines[0].startswith("SKIP: dependency audit: the vulnerability database answered for "
                                             "none of 2 packages")


def test_a_partly_skipped_audit_still_fails_on_a_fixable_finding() -> None:
    report = {"dependencies": [
        {"name": "internal-lib", "skip_reason": "Dependency not found on PyPI"},
        {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "PYSEC-X", "fix_versions": ["3.1.3", "3.1.4"]}]}]}
    code, lines = verdict(1, report, "")
    assert code == 1
    assert lines[0] == "FAIL: jinja2 3.1.2: PYSEC-X, fixed in 3.1.3, 3.1.4"
    assert "note: 1 of 2 packages could not be audited (internal-lib)" in lines


def test_no_report_and_no_pip_audit_fails() -> None:
    assert verdict(1, None, "/usr/bin/python3: No module named pip_audit")[0] == 1
    assert verdict(None, None, "no answer within 300 s")[0] == 0
