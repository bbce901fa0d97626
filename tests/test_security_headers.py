"""Hardening (web/security.py): security headers, the same-site rule for writes, 400s not 500s, no leaks."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import flask
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from core.config import load_config
from core.config_checks import ConfigError
from datasources.users import upsert_user
from tests.browser import console_errors, start_signed_in, wait_live
from tests.conftest import ADMIN_PASSWORD
from web.security import content_security_policy, is_cross_site

PORTAL = "https://portal.example.gov"
EVIL = "https://evil.example"
# The show_status callback of the shell (web/shell.py), as the Dash renderer posts it.
STATUS_CALLBACK = {
    "output": "..app-data-as-of.children...app-banner.children...app-banner.className..",
    "outputs": [{"id": "app-data-as-of", "property": "children"}, {"id": "app-banner", "property": "children"},
                {"id": "app-banner", "property": "className"}],
    "inputs": [{"id": "app-status-tick", "property": "n_intervals", "value": 1}],
    "changedPropIds": ["app-status-tick.n_intervals"], "state": [],
}


def sign_in(client: FlaskClient, **kwargs) -> flask.Response:
    """Sign in as a duty officer, who may act on alerts (the writes these tests send)."""
    upsert_user(client.application.extensions["cockpit"].appdb.engine, "duty", ADMIN_PASSWORD, "duty_officer")
    return client.post("/login", data={"username": "duty", "password": ADMIN_PASSWORD}, **kwargs)


@pytest.fixture
def server(alerts_url: str, make_config) -> flask.Flask:
    server = create_app(make_config(alerts_url, cache_ttl_s={"alerts": 0, "regions": 0})).server

    # Two routes that fail, for the error pages; added before the first request, as Flask requires.
    def boom() -> str:
        raise RuntimeError("secret detail /etc/cockpit")
    server.add_url_rule("/boom", "boom", boom)
    server.add_url_rule("/api/v1/boom", "api_boom", boom)
    return server


@pytest.fixture
def anonymous(server: flask.Flask) -> FlaskClient:
    return server.test_client()


@pytest.fixture
def client(server: flask.Flask) -> FlaskClient:
    client = server.test_client()
    assert sign_in(client).status_code == 303
    return client


def action_count(alerts_url: str, make_config) -> int:
    engine = sa.create_engine(make_config(alerts_url).app_db_url)
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT COUNT(*) FROM alert_action")).scalar_one()
    engine.dispose()
    return count


def assert_hardened(response: flask.Response, frame_ancestors: str = "'none'") -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'") and "'unsafe-eval'" not in csp
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["img-src"].startswith("'self' data: blob:")
    assert "blob:" in directives["worker-src"] and directives["connect-src"].startswith("'self'")
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == frame_ancestors
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Server" not in headers


# --- headers ---------------------------------------------------------------------------------

def test_headers_on_a_page_an_api_response_and_dash_assets(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert_hardened(page)
    assert page.headers["X-Frame-Options"] == "DENY"
    suites = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page.get_data(as_text=True))
    assert suites
    for response in (client.get("/api/v1/alerts"), client.get(suites[0]), client.get("/assets/cockpit.css"),
                     client.get("/api/v1/nope"), client.get("/_dash-layout")):
        assert response.status_code in (200, 404), response.request.path
        assert_hardened(response)
        assert response.headers["X-Frame-Options"] == "DENY"


def test_headers_before_sign_in_too(anonymous: FlaskClient) -> None:
    for response in (anonymous.get("/login"), anonymous.get("/"), anonymous.get("/api/v1/alerts"),
                     anonymous.get("/api/v1/health")):
        assert_hardened(response)


def test_csp_allows_dashs_inline_scripts_by_hash(client: FlaskClient) -> None:
    page = client.get("/")
    html = re.sub(r"<!--.*?-->", "", page.get_data(as_text=True), flags=re.S)  # Dash's IE notice is a comment
    script_src = page.headers["Content-Security-Policy"].split("script-src ", 1)[1].split(";")[0]
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", html, re.S)
    assert inline, "Dash's index has its renderer start as an inline script"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src.split()


def test_frame_ancestors_from_config(alerts_url: str, make_config) -> None:
    config = make_config(alerts_url, frame_ancestors=(PORTAL, "'self'"))
    client = create_app(config).server.test_client()
    response = client.get("/login")
    assert_hardened(response, frame_ancestors=f"{PORTAL} 'self'")
    # X-Frame-Options cannot name a portal: frame-ancestors alone decides then.
    assert "X-Frame-Options" not in response.headers

    only_self = create_app(make_config(alerts_url, frame_ancestors=("'self'",))).server.test_client()
    assert only_self.get("/login").headers["X-Frame-Options"] == "SAMEORIGIN"


def test_tile_server_joins_img_and_connect_src(make_config) -> None:
    csp = content_security_policy(make_config("sqlite://", tile_url="https://tiles.city.gov:8443/{z}/{x}/{y}.png"), [])
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["img-src"] == "'self' data: blob: https://tiles.city.gov:8443"
    assert directives["connect-src"] == "'self' https://tiles.city.gov:8443"
    local = content_security_policy(make_config("sqlite://", tile_url="/tiles/{z}/{x}/{y}.png"), [])
    assert "connect-src 'self';" in local


def write_config(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return {"COCKPIT_CONFIG": str(path)}


def test_frame_ancestors_config_key(tmp_path: Path) -> None:
    assert load_config(write_config(tmp_path, "ui: {language: zh}\n")).frame_ancestors == ()
    env = write_config(tmp_path, f"security:\n  frame_ancestors: ['{PORTAL}', 'https://*.city.gov:8443', \"'self'\"]\n")
    assert load_config(env).frame_ancestors == (PORTAL, "https://*.city.gov:8443", "'self'")
    for bad in ("'none'", "[portal.example.gov]", "[\"https://a.gov; script-src *\"]", "['*']"):
        with pytest.raises(ConfigError, match="security.frame_ancestors"):
            load_config(write_config(tmp_path, f"security:\n  frame_ancestors: {bad}\n"))


# --- same-site rule for writes -----------------------------------------------------------------

def test_cross_site_sign_in_is_refused(anonymous: FlaskClient) -> None:
    response = sign_in(anonymous, headers={"Origin": EVIL})
    assert response.status_code == 403 and response.mimetype == "text/plain"
    assert_hardened(response)
    assert anonymous.get("/api/v1/alerts").status_code == 401  # not signed in
    assert sign_in(anonymous, headers={"Referer": f"{EVIL}/phish"}).status_code == 403
    assert sign_in(anonymous, headers={"Origin": "null"}).status_code == 403


def test_same_site_and_headerless_sign_in_work(server: flask.Flask) -> None:
    assert sign_in(server.test_client(), headers={"Origin": "http://localhost"}).status_code == 303
    assert sign_in(server.test_client(), headers={"Referer": "http://localhost/login?next=/"}).status_code == 303
    assert sign_in(server.test_client()).status_code == 303


def test_behind_a_proxy_the_host_the_app_sees_counts(server: flask.Flask) -> None:
    # A proxy that ends TLS and passes Host on: the app sees http, the browser says https.
    base = "http://cockpit.city.gov/"
    assert sign_in(server.test_client(), base_url=base,
                   headers={"Origin": "https://cockpit.city.gov"}).status_code == 303
    assert sign_in(server.test_client(), base_url=base,
                   headers={"Origin": "https://cockpit.city.gov.evil.example"}).status_code == 403
    assert sign_in(server.test_client(), base_url="http://cockpit.city.gov:8050/",
                   headers={"Origin": "http://cockpit.city.gov:9999"}).status_code == 403


def test_cross_site_dash_callback_is_refused(client: FlaskClient) -> None:
    refused = client.post("/_dash-update-component", json=STATUS_CALLBACK, headers={"Origin": EVIL})
    assert refused.status_code == 403 and refused.json["error"]["status"] == 403
    for headers in ({"Origin": "http://localhost"}, {"Referer": "http://localhost/"}, {}):
        response = client.post("/_dash-update-component", json=STATUS_CALLBACK, headers=headers)
        assert response.status_code == 200, headers
        assert response.json["response"]["app-banner"]["className"] == "banner-hidden"


def test_cross_site_api_write_is_refused_and_changes_nothing(client: FlaskClient, alerts_url: str,
                                                              make_config) -> None:
    before = action_count(alerts_url, make_config)
    body = {"action": "acknowledge", "request_id": "csrf-test-1"}
    for headers in ({"Origin": EVIL}, {"Referer": f"{EVIL}/page"}, {"Origin": "http://localhost.evil.example"}):
        response = client.post("/api/v1/alerts/A1/actions", json=body, headers=headers)
        assert response.status_code == 403 and response.json["error"]["status"] == 403, headers
    assert action_count(alerts_url, make_config) == before
    assert client.post("/api/v1/alerts/A1/actions", json=body,
                       headers={"Origin": "http://localhost"}).status_code == 200
    assert client.post("/api/v1/alerts/A1/actions", json={"action": "note", "note": "x",
                                                          "request_id": "csrf-test-2"}).status_code == 200
    assert action_count(alerts_url, make_config) == before + 2


def test_cross_site_reads_are_not_refused(client: FlaskClient) -> None:
    assert client.get("/api/v1/alerts", headers={"Origin": EVIL}).status_code == 200


@pytest.mark.parametrize(("source", "host", "cross"), [
    ("http://localhost:8050", "localhost:8050", False),
    ("http://LocalHost:8050", "localhost:8050", False),
    ("https://cockpit.gov", "cockpit.gov", False),
    ("https://cockpit.gov", "cockpit.gov:443", False),
    ("https://cockpit.gov/page?x=1", "cockpit.gov", False),
    ("http://[::1]:8050", "[::1]:8050", False),
    ("http://localhost:8051", "localhost:8050", True),
    ("https://cockpit.gov", "cockpit.gov:8443", True),
    ("https://evil.gov", "cockpit.gov", True),
    ("https://cockpit.gov.evil.gov", "cockpit.gov", True),
    ("https://user@evil.gov", "cockpit.gov", True),
    ("null", "cockpit.gov", True),
    ("file:///etc/passwd", "cockpit.gov", True),
    ("https://cockpit.gov:99999", "cockpit.gov", True),
    ("//cockpit.gov", "cockpit.gov", True),
])
def test_is_cross_site(source: str, host: str, cross: bool) -> None:
    assert is_cross_site(source, host) is cross


# --- 400 instead of 500, 404 instead of a leak, no stack traces ----------------------------------

def test_since_out_of_range_is_400(client: FlaskClient) -> None:
    for since in ("0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00"):
        response = client.get(f"/api/v1/alerts?since={since}")
        assert response.status_code == 400 and "since" in response.json["error"]["message"]


def test_since_in_year_one_is_read_as_year_one(client: FlaskClient) -> None:
    # strftime's %Y wrote year 1 as "1", which pandas then read as 2002: every alert since year 1.
    everything = client.get("/api/v1/alerts?status=all").json["alerts"]
    assert client.get("/api/v1/alerts?status=all&since=0001-01-02T00:00:00Z").json["alerts"] == everything


def test_deeply_nested_action_body_is_400(client: FlaskClient) -> None:
    body = '{"action": "note", "note": "x", "extra": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = client.post("/api/v1/alerts/A1/actions", data=body, content_type="application/json")
    assert response.status_code == 400 and "nested" in response.json["error"]["message"]
    # Shallow enough to parse, too deep to quote back in the message: named by its kind.
    nested_action = '{"action": ' + "[" * 900 + "]" * 900 + "}"
    response = client.post("/api/v1/alerts/A1/actions", data=nested_action, content_type="application/json")
    assert response.status_code == 400 and "JSON array" in response.json["error"]["message"]


@pytest.mark.parametrize("key", ["note", "dept_code"])
def test_lone_surrogate_is_400(client: FlaskClient, key: str) -> None:
    action = "note" if key == "note" else "assign"
    body = json.dumps({"action": action, key: "\ud800", "request_id": f"surrogate-{key}"})  # ASCII: "\\ud800"
    response = client.post("/api/v1/alerts/A1/actions", data=body, content_type="application/json")
    assert response.status_code == 400 and key in response.json["error"]["message"]


@pytest.mark.parametrize("path", [
    "/_dash-component-suites/dash/..%2f..%2fetc%2fpasswd",
    "/_dash-component-suites/dash/../../etc/passwd",
    "/_dash-component-suites/dash/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "/_dash-component-suites/dash/no-such-file.js",
    "/_dash-component-suites/no_such_package/x.js",
    "/assets/..%2f..%2fetc%2fpasswd",
])
def test_traversal_and_unknown_suite_files_are_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "root:" not in text and "registered" not in text and "dash_renderer" not in text
    assert_hardened(response)


def test_unexpected_errors_show_no_trace(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    page = client.get("/boom")
    assert page.status_code == 500 and page.mimetype == "text/plain"
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.json["error"]["status"] == 500
    for response in (page, api):
        text = response.get_data(as_text=True)
        assert "Traceback" not in text and "secret detail" not in text and "RuntimeError" not in text
        assert_hardened(response)
    # ...but the server's log has it.
    assert "secret detail /etc/cockpit" in caplog.text


# --- the browser: the CSP in force and no violation ---------------------------------------------

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
    e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


def csp_problems(dash_duo) -> list[str]:
    seen = dash_duo.driver.execute_script("return window.__cspViolations || []")
    logged = [entry["message"] for entry in console_errors(dash_duo)
              if "Content Security Policy" in entry["message"] or "Content-Security-Policy" in entry["message"]]
    return list(seen) + logged


@pytest.mark.browser
def test_pages_run_under_the_csp_without_violations(dash_duo, demo_sqlite_url, make_config) -> None:
    # Listen for violations from the first script of every page on (Chrome DevTools Protocol).
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
    start_signed_in(dash_duo, make_config(demo_sqlite_url))
    base = dash_duo.server.url.rstrip("/")
    header = dash_duo.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/').then(r => done(r.headers.get('content-security-policy')));")
    assert header and "frame-ancestors 'none'" in header

    dash_duo.wait_for_element(".kpi-card .kpi-value", timeout=20)
    dash_duo.wait_for_contains_text("#app-data-as-of", "数据截至 20", timeout=10)  # a server callback ran
    assert csp_problems(dash_duo) == []
    assert console_errors(dash_duo) == []

    dash_duo.driver.get(base + "/economy")
    dash_duo.wait_for_element(".app-main .panel", timeout=20)
    # The map is drawn by MapLibre, whose workers start from blob: URLs; the grid formats with functions.
    dash_duo.wait_for_element(".maplibregl-canvas", timeout=20)
    dash_duo.wait_for_element(".ag-row .ag-cell", timeout=20)
    wait_until_map_loaded(dash_duo)
    assert dash_duo.driver.execute_script("return window.__cspViolations !== undefined")
    assert csp_problems(dash_duo) == []
    assert console_errors(dash_duo) == []


def wait_until_map_loaded(dash_duo) -> None:
    wait_live(dash_duo.driver, lambda d: d.execute_script("""
        const gd = document.querySelector('.maplibregl-canvas').closest('.js-plotly-plot');
        const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        return Boolean(sub && sub.map && sub.map.loaded() && sub.map.queryRenderedFeatures().length);"""), 20)


def test_only_dash_library_bundles_are_served_signed_out(anonymous: FlaskClient) -> None:
    client = anonymous
    bundle = client.get("/_dash-component-suites/dash/dcc/async-dropdown.js")
    assert bundle.status_code == 200 and "javascript" in bundle.mimetype
    assert client.post("/_dash-component-suites/dash/dcc/async-dropdown.js").status_code in (401, 405)
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/assets/cockpit.js").status_code in (302, 401)
    assert client.get("/projects").status_code == 302
