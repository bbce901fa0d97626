"""Hostile requests to the economy page's callbacks and to the indicator API: never a 500, never a hang.

The browser sends the `economy-view` store back with every callback, with the pickers' values,
the clicks and the export buttons' ids; a forged request can put anything there. Each request
runs in a thread with a time limit (an endless loop fails the test instead of hanging it), the
number of requests is bounded, and every expected status is stated: 204 (PreventUpdate: a bad
view or value changes nothing), 200 with the expected content, 400/404 JSON from the API.
Bodies are sent as JSON text with `\\uXXXX` escapes, so a lone surrogate reaches the server;
web/callback_guard.py refuses such a body with 400 before any callback runs.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from core.config import Config
from core.economy_view import EconomyView, clicked_region, clicked_row, echo, export_choice
from services.economy import CHARTS, MEASURES
from tests.conftest import ADMIN_PASSWORD, built_warehouse, sign_in_as
from tests.economy_warehouse import CITY, LISHI, SHILOU, XIAOYI, build_economy_warehouse

TIME_LIMIT_S = 10
MAX_REQUESTS = 500  # per app: the SQLite run sends about 460, the PostgreSQL run about 100
UPDATE = "/_dash-update-component"


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


SQL = "141100'; DROP TABLE fact_indicator; --"
# Loop bait, huge, SQL, NUL, lone surrogate, malformed, and every wrong JSON type.
HOSTILE: list[Any] = ["NaN", "9999-99", "1" * 5000, "x" * 100_000, SQL, "\u0000", "\ud800", "2026-13",
                      ["2026-09"], 1, None, {}, nested(50)]
TEXT_HOSTILE = ["\u0000", "\ud800", SQL, "1" * 5000, "NaN"]
VIEW = {"region": CITY, "indicator": "GDP", "period": "2026-09", "measure": "completion_pct",
        "query": {"indicator": "GDP", "period": None, "measure": None}}


def refused(value: Any, status: int = 204) -> int:
    """The status a request carrying `value` gets: 400 from the callback guard for text that is not
    valid Unicode (a lone surrogate), else `status`."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return 400
    return status


def with_(view: dict, **changes: Any) -> dict:
    return {**view, **changes}


# Well-formed but wrong: unknown, incoherent, or a period without data (from the data's first
# period, 2199-12 is more than the century core/periods.py bounds its loops by: a ValueError).
WRONG_VIEWS = [
    with_(VIEW, indicator="NOPE", query={"indicator": "NOPE", "period": None, "measure": None}),
    with_(VIEW, region="999999"), with_(VIEW, region="141199"), with_(VIEW, region="１４１１００"),
    with_(VIEW, period="2199-12"), with_(VIEW, period="2026-08"), with_(VIEW, period="1900-01"),
    with_(VIEW, measure="x"), with_(VIEW, query={"indicator": "RETAIL", "period": None, "measure": None}),
    with_(VIEW, query={"indicator": "GDP", "period": "2026-06", "measure": None}),
    with_(VIEW, evil=1), {k: v for k, v in VIEW.items() if k != "query"},
]


def hostile_views(values: list[Any]) -> list[tuple[str, Any, int]]:
    """(label, view, expected status): the whole view, then each field, replaced by each value."""
    cases = [(f"view={echo(v)}", v, refused(v)) for v in values]
    for field in ("region", "indicator", "period", "measure", "query"):
        # A view without a period is the page's "no data" view: valid, it clears the panels.
        cases += [(f"{field}={echo(v)}", with_(VIEW, **{field: v}),
                   200 if (field, v) == ("period", None) else refused(v)) for v in values]
    return cases


def outputs_of(output: str) -> Any:
    """The `outputs` of a request from a callback's output string in /_dash-dependencies."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    specs = []
    for part in parts:
        element, prop = part.rsplit(".", 1)
        specs.append({"id": json.loads(element) if element.startswith("{") else element, "property": prop})
    return specs if output.startswith("..") else specs[0]


def prop_id(element: Any, prop: str) -> str:
    """A changedPropIds entry, as the renderer writes it (dict ids with sorted keys)."""
    if isinstance(element, dict):
        element = "{" + ",".join(f"{json.dumps(k)}:{json.dumps(element[k])}" for k in sorted(element)) + "}"
    return f"{element}.{prop}"


class Fuzzer:
    """A signed-in test client that times and counts every request."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.sent = 0
        self.failures: list[str] = []
        self.dependencies = self.request("get", "/_dash-dependencies").json

    def request(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        self.sent += 1
        assert self.sent <= MAX_REQUESTS, "more requests than the fuzz budget"
        result: dict[str, Any] = {}

        def run() -> None:
            try:
                result["response"] = getattr(self.client, method)(path, **kwargs)
            except BaseException as exc:  # re-raised below, in the test's thread
                result["error"] = exc

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(TIME_LIMIT_S)
        if thread.is_alive():
            pytest.fail(f"{method.upper()} {path[:200]} gave no answer within {TIME_LIMIT_S} s")
        if "error" in result:
            raise result["error"]
        return result["response"]

    def callback(self, output_part: str, inputs: list, state: list, changed: list) -> TestResponse:
        output = next(d["output"] for d in self.dependencies if output_part in d["output"])
        body = {"output": output, "outputs": outputs_of(output), "inputs": inputs, "state": state,
                "changedPropIds": changed}
        return self.request("post", UPDATE, data=json.dumps(body), content_type="application/json")

    def expect(self, label: str, response: TestResponse, status: int) -> bool:
        """Whether the response has `status`; a wrong one is recorded (`check` reports them all)."""
        if response.status_code != status:
            self.failures.append(f"{label[:120]}: {response.status_code}, expected {status}")
            return False
        return True

    def check(self) -> None:
        failures, self.failures = self.failures, []
        assert failures == []


def signed_in_fuzzer(warehouse_url: str, folder: str) -> Fuzzer:
    config = Config(warehouse_url=warehouse_url, build_demo_if_missing=False, app_db_url=f"sqlite:///{folder}/app.db",
                    admin_password=ADMIN_PASSWORD, secret_key="test-secret", statement_timeout_s=10,
                    prewarm_cache=False)
    client = create_app(config).server.test_client()
    sign_in_as(client, "leader")
    return Fuzzer(client)


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Fuzzer:
    folder = tmp_path_factory.mktemp("fuzz_economy")
    build_economy_warehouse(f"sqlite:///{folder}/wh.db")
    return signed_in_fuzzer(f"sqlite:///{folder}/wh.db", str(folder))


@pytest.fixture(scope="module")
def pg_fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzer]:
    """The same app on PostgreSQL, which refuses NUL in a query: nothing hostile may reach SQL."""
    with built_warehouse("postgresql", build_economy_warehouse, tmp_path_factory, "fuzz") as url:
        yield signed_in_fuzzer(url, str(tmp_path_factory.mktemp("fuzz_pg_app")))


VIEW_CALLBACKS = {"show_region": "economy-kpis.children", "show_children": "economy-table.rowData",
                  "show_warnings": "economy-warnings.children"}


def view_request(fuzz: Fuzzer, callback: str, view: Any) -> TestResponse:
    return fuzz.callback(VIEW_CALLBACKS[callback], [{"id": "economy-view", "property": "data", "value": view}], [],
                         ["economy-view.data"])


@pytest.mark.parametrize("callback", VIEW_CALLBACKS)
def test_view_callbacks_refuse_hostile_views(fuzz: Fuzzer, callback: str) -> None:
    response = view_request(fuzz, callback, VIEW)
    assert fuzz.expect("valid view", response, 200) and response.get_json()["response"]
    # A region without data for the indicator takes any period: its trend is empty, no loop.
    fuzz.expect("no-data region", view_request(fuzz, callback, with_(VIEW, region=SHILOU, period="2199-12")), 200)
    cases = hostile_views(HOSTILE) + [(f"wrong view {i}", v, 204) for i, v in enumerate(WRONG_VIEWS)]
    for label, view, status in cases:
        fuzz.expect(label, view_request(fuzz, callback, view), status)
    fuzz.check()


NAVIGATE_VALUES = {"category": "economy", "indicator": "GDP", "period": "2026-09", "measure": "completion_pct",
                   "map": None, "ranking": None, "table": None}
MAP = {"chart": "map", "type": "economy-graph"}
RANKING = {"chart": "ranking", "type": "economy-graph"}
TRIGGERS = {"category": prop_id("economy-category", "value"), "indicator": prop_id("economy-indicator", "value"),
            "period": prop_id("economy-period", "value"), "measure": prop_id("economy-measure", "value"),
            "map": prop_id(MAP, "clickData"), "ranking": prop_id(RANKING, "clickData"),
            "table": prop_id("economy-table", "cellClicked")}


def navigate(fuzz: Fuzzer, trigger: str | None, value: Any = None, view: Any = VIEW,
             changed: list | None = None) -> TestResponse:
    values = NAVIGATE_VALUES | ({trigger: value} if trigger else {})
    spec = next(d for d in fuzz.dependencies if "economy-location.href" in d["output"])
    inputs = [{"id": json.loads(i["id"]) if i["id"].startswith("{") else i["id"], "property": i["property"],
               "value": v} for i, v in zip(spec["inputs"], values.values())]
    return fuzz.callback("economy-location.href", inputs,
                         [{"id": "economy-view", "property": "data", "value": view}],
                         changed if changed is not None else [TRIGGERS[trigger]] if trigger else [])


def bad_clicks(key: str) -> list[Any]:
    return [{"points": "x"}, {"points": []}, {"points": [1]}, {"points": [{}]}, {"points": [{key: 141102}]},
            {"points": [{key: [LISHI]}]}, {"points": [{key: "\ud800"}]}, {"points": [{key: SQL}]}]


def test_navigate_refuses_hostile_values_and_clicks(fuzz: Fuzzer) -> None:
    good = [("category", "livelihood", f"/economy/{CITY}?indicator=UNEMP"),
            ("indicator", "RETAIL", f"/economy/{CITY}?indicator=RETAIL"),
            ("period", "2026-06", f"/economy/{CITY}?indicator=GDP&period=2026-06"),
            ("measure", "value", f"/economy/{CITY}?indicator=GDP&measure=value"),
            ("map", {"points": [{"location": LISHI}]}, f"/economy/{LISHI}?indicator=GDP"),
            ("ranking", {"points": [{"customdata": XIAOYI}]}, f"/economy/{XIAOYI}?indicator=GDP"),
            ("table", {"rowId": XIAOYI, "colId": "name"}, f"/economy/{XIAOYI}?indicator=GDP")]
    for trigger, value, href in good:
        response = navigate(fuzz, trigger, value)
        if fuzz.expect(f"{trigger}={value}", response, 200):
            assert response.get_json()["response"]["economy-location"]["href"] == href
    cases = [(t, v) for t in ("category", "indicator", "period", "measure") for v in HOSTILE]
    cases += [("category", "economy"), ("indicator", "NOPE"), ("measure", "x")]  # unchanged, unknown
    cases += [("map", v) for v in HOSTILE + bad_clicks("location")]
    cases += [("ranking", v) for v in bad_clicks("customdata")]
    cases += [("table", v) for v in ({"rowId": 141102}, {"rowId": "abc"}, {"rowId": [LISHI]},
                                     {"rowId": "\u0000"}, {"rowId": SQL}, {}, "x", [LISHI])]
    for trigger, value in cases:
        fuzz.expect(f"{trigger}={echo(value)}", navigate(fuzz, trigger, value), refused(value))
    for changed in ([], ["{bad json.clickData"], ["nope.value"], [""], [1]):
        fuzz.expect(f"changed={changed}", navigate(fuzz, None, changed=changed), 204)
    for view in ("NaN", [VIEW], None, with_(VIEW, period="9999-99"), with_(VIEW, region="999999"), nested(50)):
        fuzz.expect(f"view={echo(view)}", navigate(fuzz, "map", {"points": [{"location": LISHI}]}, view), 204)
    fuzz.check()


def export(fuzz: Fuzzer, button: Any, view: Any = VIEW, clicks: Any = 1) -> TestResponse:
    inputs = [[{"id": button, "property": "n_clicks", "value": clicks}]]
    return fuzz.callback("economy-download.data", inputs, [{"id": "economy-view", "property": "data", "value": view}],
                         [prop_id(button, "n_clicks")])


def button(chart: Any = "comparison", fmt: Any = "csv") -> dict:
    return {"at": "table", "chart": chart, "fmt": fmt, "type": "economy-export"}


def test_export_refuses_unknown_charts_formats_and_views(fuzz: Fuzzer) -> None:
    for chart, fmt, filename in (("comparison", "csv", "地区生产总值_下辖地区_吕梁市_2026-09.csv"),
                                 ("trend", "xlsx", "地区生产总值_走势_吕梁市_2026-09.xlsx")):
        response = export(fuzz, button(chart, fmt))
        assert fuzz.expect(fmt, response, 200)
        assert response.get_json()["response"]["economy-download"]["data"]["filename"] == filename
    buttons = [button("bogus"), button(fmt="pdf"), button(fmt=["csv"]), button(1), button(None), button(fmt="\ud800"),
               button("x" * 100_000), button(nested(50)), {"type": "economy-export"}]
    for b in buttons:
        fuzz.expect(f"button={echo(b)}", export(fuzz, b), refused(b))
    fuzz.expect("no click", export(fuzz, button(), clicks=None), 204)
    for view in ("NaN", [VIEW], 1, with_(VIEW, period="9999-99"), with_(VIEW, period="2199-12"),
                 with_(VIEW, region="999999"), with_(VIEW, indicator="NOPE")):
        fuzz.expect(f"view={echo(view)}", export(fuzz, button(), view), 204)
    fuzz.check()


def open_page(fuzz: Fuzzer, path: str, search: str = "") -> TestResponse:
    return fuzz.callback("_pages_content.children",
                         [{"id": "_pages_location", "property": "pathname", "value": path},
                          {"id": "_pages_location", "property": "search", "value": search}], [],
                         ["_pages_location.pathname"])


def test_hostile_urls_render_the_page_or_its_not_found_panel(fuzz: Fuzzer) -> None:
    """The layout reads the URL: bad values are notes on the page, a bad region its not-found panel."""
    city = f"/economy/{CITY}"
    pages = [("/economy", "?indicator=NOPE&period=NaN&measure=x", "NOPE"),
             ("/economy", "?period=9999-99", "9999-99"),
             ("/economy", "?period=" + "1" * 5000, "1" * 39 + "…"),
             ("/economy", "?indicator=" + "x" * 100_000, "…"),
             (city, "?indicator=%00", "“\ufffd”"), (city, "?indicator=\u0000", "\ufffd"),
             (city, "?measure=\ud800", "economy-notes"), (city, "?indicator=%ED%A0%80", "\ufffd\ufffd\ufffd"),
             (city, "?period=2026-09&period=2026-06", "2026-06"), (city, "?period=2199-12", "2199-12"),
             ("/economy/\ud800", "", "economy-not-found"), ("/economy/" + "1" * 5000, "", "economy-not-found"),
             (f"/economy/{SQL}", "", "economy-not-found"), (city, "?region_code=1&region_code=2", "economy-up-link"),
             ("/economy/141199", "?indicator=GDP", "economy-up-link")]
    for path, search, shown in pages:
        label = f"{echo(path)}{echo(search)}"
        response = open_page(fuzz, path, search)
        status = refused(path + search, 200)
        if fuzz.expect(label, response, status) and status == 200 and shown not in response.get_data(as_text=True):
            fuzz.failures.append(f"{label}: {shown!r} not on the page")
        if len(response.get_data()) > 200_000:
            fuzz.failures.append(f"{label}: the page echoes the whole value")
    fuzz.check()


API_CASES = [
    ("/api/v1/indicators/GDP/values?region=141100", 200), ("/api/v1/indicators?x=%00", 200),
    ("/api/v1/indicators/GDP/values?start=2199-12", 200),
    ("/api/v1/indicators/NOPE/values", 404), ("/api/v1/indicators/%00/values", 404),
    (f"/api/v1/indicators/{'x' * 5000}/values", 404), (f"/api/v1/indicators/{quote(SQL)}/values", 404),
    ("/api/v1/indicators/%ED%A0%80/values", 404), ("/api/v1/indicators/NaN/values", 404),
    *[(f"/api/v1/indicators/GDP/values?region={v}", 400)
      for v in ("abc", "1" * 5000, "%00", "%ED%A0%80", quote(SQL), "", "NaN", "9999-99")],
    ("/api/v1/indicators/GDP/values?region=999999", 404),
    # Full-width digits are not a region code: only ASCII digits are.
    (f"/api/v1/indicators/GDP/values?region={quote('１４１１００')}", 400),
    *[(f"/api/v1/indicators/GDP/values?{p}={v}", 400) for p in ("start", "end")
      for v in ("NaN", "9999-99", "1" * 5000, "2026-13", "%00", "", "%ED%A0%80", quote(SQL))],
    ("/api/v1/indicators/GDP/values?start=2026-09&end=2026-01", 400),
    *[(f"/api/v1/indicators/GDP/values?children={v}", 400) for v in ("yes", "%00", "", "1" * 5000)],
]


def check_api(fuzz: Fuzzer, cases: list[tuple[str, int]]) -> None:
    for path, status in cases:
        response = fuzz.request("get", path)
        body = response.get_json(silent=True)
        if response.status_code != status or not isinstance(body, dict):
            fuzz.failures.append(f"{path[:120]}: {response.status_code}, expected {status} with JSON")
        elif status != 200 and body.get("error", {}).get("status") != status:
            fuzz.failures.append(f"{path[:120]}: error body {response.get_data()[:200]!r}")
    fuzz.check()


def test_indicator_api_answers_hostile_parameters_with_4xx_json(fuzz: Fuzzer) -> None:
    check_api(fuzz, API_CASES)


@pytest.mark.parametrize("callback", VIEW_CALLBACKS)
def test_nothing_hostile_reaches_postgresql(pg_fuzz: Fuzzer, callback: str) -> None:
    """PostgreSQL rejects NUL in a query (a 500 if it ever got there); SQLite would not notice."""
    fuzz = pg_fuzz
    fuzz.expect("valid view", view_request(fuzz, callback, VIEW), 200)
    for label, view, status in hostile_views(TEXT_HOSTILE)[len(TEXT_HOSTILE):]:
        fuzz.expect(label, view_request(fuzz, callback, view), status)
    fuzz.check()


def test_nothing_hostile_reaches_postgresql_from_the_api_or_a_click(pg_fuzz: Fuzzer) -> None:
    for value in TEXT_HOSTILE:
        pg_fuzz.expect(f"map={echo(value)}", navigate(pg_fuzz, "map", {"points": [{"location": value}]}),
                       refused(value))
        pg_fuzz.expect(f"indicator={echo(value)}", navigate(pg_fuzz, "indicator", value), refused(value))
    check_api(pg_fuzz, [(p, s) for p, s in API_CASES if "%00" in p or quote(SQL) in p])


# The model itself, without a server.

def test_a_view_round_trips_and_every_field_is_checked() -> None:
    view = EconomyView.parse(VIEW, MEASURES)
    assert view is not None and view.data() == VIEW and view.href(LISHI) == f"/economy/{LISHI}?indicator=GDP"
    assert EconomyView.parse(view.data(), MEASURES) == view
    for _label, raw, status in hostile_views(HOSTILE):
        assert (EconomyView.parse(raw, MEASURES) is not None) == (status == 200), _label
    assert [EconomyView.parse(v, MEASURES) for v in WRONG_VIEWS[7:]] == [None] * 5  # the rest need the warehouse


def test_clicks_exports_and_echoes_are_checked() -> None:
    assert clicked_region({"points": [{"location": LISHI}]}, "location") == LISHI
    assert [clicked_region(c, "location") for c in [*HOSTILE, *bad_clicks("location")]] == [None] * 21
    assert clicked_row({"rowId": XIAOYI}) == XIAOYI and clicked_row({"rowId": 141181}) is None
    assert export_choice(button(), CHARTS) == ("comparison", "csv")
    assert export_choice(button("bogus"), CHARTS) is None and export_choice(button(fmt="pdf"), CHARTS) is None
    assert echo("x" * 100_000) == "x" * 39 + "…" and echo("\ud800\u0000") == "\ufffd\ufffd" and echo(["a"]) == "['a']"
