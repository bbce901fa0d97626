"""The dependency check of scripts/test.sh: `pip-audit -r requirements.txt`, judged for this project.

    python3 scripts/dependency_audit.py [requirements.txt]

- FAIL (exit 1) when a requirement resolves to a release with a known vulnerability that a
  newer release fixes: upgrade, or raise the lower bound in requirements.txt.
- WARN (exit 0) for a known vulnerability no release fixes yet: there is nothing to upgrade
  to; read the advisory and decide (docs/security.md, "Dependency check").
- SKIP (exit 0) when the vulnerability database cannot be reached: no network, PyPI's JSON API
  unreachable or answering for no package (a registry mirror that serves only the package
  index does that), the requirements cannot be resolved for want of an index, or the audit
  takes longer than TOTAL_TIMEOUT_S. pip-audit itself would print "No known vulnerabilities
  found" when every package was skipped; this says SKIP instead.

COCKPIT_AUDIT_IGNORE: vulnerability ids accepted after review, separated by spaces (passed to
pip-audit as --ignore-vuln).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REQUEST_TIMEOUT_S = 10  # each request to PyPI (pip-audit's --timeout, pip's --timeout)
TOTAL_TIMEOUT_S = 300


def run_pip_audit(requirements: str, ignore: list[str],
                  extra_args: tuple[str, ...] = ()) -> tuple[int | None, dict[str, Any] | None, str]:
    """(pip-audit's exit code or None when it ran too long, its JSON report if it wrote one, its stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        report_file = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "pip_audit", "-r", requirements, "-f", "json", "-o", str(report_file),
                   "--progress-spinner", "off", "--timeout", str(REQUEST_TIMEOUT_S), *extra_args]
        for vuln_id in ignore:
            command += ["--ignore-vuln", vuln_id]
        # pip resolves the requirements in a throwaway venv; without an index it would retry for minutes.
        env = {**os.environ, "PIP_DEFAULT_TIMEOUT": str(REQUEST_TIMEOUT_S), "PIP_RETRIES": "1"}
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TOTAL_TIMEOUT_S, env=env,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None, None, f"no answer within {TOTAL_TIMEOUT_S} s"
        report = None
        if report_file.is_file() and report_file.stat().st_size:
            try:
                report = json.loads(report_file.read_text(encoding="utf-8"))
            except ValueError:
                report = None
        return done.returncode, report, done.stderr


def _last_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["no output"])[-1][:300]


def verdict(returncode: int | None, report: dict[str, Any] | None, stderr: str) -> tuple[int, list[str]]:
    """(exit code, lines to print) for one pip-audit run."""
    if report is None or not isinstance(report.get("dependencies"), list):
        if returncode is not None and "No module named pip_audit" in stderr:
            return 1, ["FAIL: pip-audit is not installed (pip install -r requirements-test.txt)"]
        return 0, [f"SKIP: dependency audit: the vulnerability database could not be reached ({_last_error(stderr)})"]
    deps = report["dependencies"]
    audited = [d for d in deps if "skip_reason" not in d]
    skipped = [d for d in deps if "skip_reason" in d]
    if deps and not audited:
        return 0, [f"SKIP: dependency audit: the vulnerability database answered for none of {len(deps)} "
                   f"packages ({skipped[0]['skip_reason']})"]
    lines, fixable = [], 0
    for dep in audited:
        for vuln in dep.get("vulns") or []:
            fixes = vuln.get("fix_versions") or []
            where = f"{dep['name']} {dep.get('version', '?')}: {vuln.get('id', '?')}"
            if fixes:
                fixable += 1
                lines.append(f"FAIL: {where}, fixed in {', '.join(fixes)}")
            else:
                lines.append(f"WARN: {where}, no fixed release yet")
    if skipped:
        lines.append(f"note: {len(skipped)} of {len(deps)} packages could not be audited "
                     f"({', '.join(d['name'] for d in skipped[:5])}{' …' if len(skipped) > 5 else ''})")
    if fixable:
        lines.append(f"dependency audit: known vulnerabilities with a fix: {fixable}; upgrade the packages above")
        return 1, lines
    lines.append(f"dependency audit: {len(audited)} packages, no known vulnerability with a fix")
    return 0, lines


def main(argv: list[str]) -> int:
    """Run the audit and print the verdict; the exit code for scripts/test.sh."""
    requirements = argv[0] if argv else "requirements.txt"
    ignore = os.environ.get("COCKPIT_AUDIT_IGNORE", "").split()
    code, lines = verdict(*run_pip_audit(requirements, ignore))
    for line in lines:
        print(line, flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
