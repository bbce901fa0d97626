"""The cockpit's users for Locust: duty officers, leaders and analysts, each signed in (issue 13).

    locust -f bench/locustfile.py --host URL --recording rec.json --accounts accounts.json ...

Normally started by bench/load.py, which records the pages with a real browser first
(bench/load_record.py) and creates the accounts. The browser users replay exactly the
requests the recorded browser sent: the page, its scripts and styles (once per user: a browser
caches them), `/_dash-layout`, `/_dash-dependencies` and every Dash callback with the recorded
JSON body. Values a browser would have from the server by then (a callback's outputs, the
props of components in a layout, the page's signed `endId`, an interval's `n_intervals`) are
replaced by what this user's own responses said, so each user is a browser of its own.

- DutyOfficer (weight 3): the duty console `/alerts`, open for 1–3 minutes, polling as its
  `dcc.Interval`s say (the list every `alerts.refresh_s`), then reloaded.
- Leader (weight 2): the overview `/`, then `/economy`, then a click on a county's bar that
  drills to `/economy/<county>` (a random county each time), reading 5–15 s on each.
- Analyst (weight 1): the JSON API (summary, the open alerts, GDP by county), 2–8 s apart.

Every request is named by its route (a callback by its first output), so the stats group well.
"""
from __future__ import annotations

import itertools
import json
import random
import re
import time
from typing import Any

from locust import HttpUser, between, events, task
from urllib3.util.retry import Retry

DASH_UPDATE = "/_dash-update-component"
_CONFIG = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)
_ACCOUNT_TURN: dict[str, itertools.count] = {}


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--recording", required=True, help="JSON written by bench/load_record.py")
    parser.add_argument("--accounts", required=True, help='JSON: {"role": [[user, password], ...]}')


def _json_file(environment: Any, option: str) -> Any:
    cache = environment.__dict__.setdefault("_cockpit_files", {})
    if option not in cache:
        with open(getattr(environment.parsed_options, option), encoding="utf-8") as file:
            cache[option] = json.load(file)
    return cache[option]


def _key(component_id: Any, prop: str) -> str:
    """A component property's key, with a pattern-matching id spelled as Dash spells it."""
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{prop}"


def _label(body: dict[str, Any]) -> str:
    """A callback's stats name: its first output, and for a page's content the page's route."""
    outputs = body["outputs"] if isinstance(body["outputs"], list) else [body["outputs"]]
    first = outputs[0]["id"]
    label = "/".join(str(v) for _, v in sorted(first.items())) if isinstance(first, dict) else first
    if label == "_pages_content":
        path = next(i.get("value") for i in body["inputs"] if i["property"] == "pathname")
        label += " " + re.sub(r"^/economy/\d+", "/economy/<county>", path)
    return f"POST {DASH_UPDATE} {label}"


class SignedIn(HttpUser):
    """A user signed in through the login form with the next account of `role` (bench/load.py makes one each)."""

    abstract = True
    role = ""

    def on_start(self) -> None:
        # A browser sends a request again when a kept-alive connection turns out closed by the
        # server (gunicorn's keepalive is 5 s; a user reading longer meets it); urllib3 logs each.
        self.client.get_adapter(self.host).max_retries = Retry(
            total=1, connect=1, read=1, status=0, other=0, allowed_methods=None, raise_on_status=False)
        accounts = _json_file(self.environment, "accounts")[self.role]
        turn = _ACCOUNT_TURN.setdefault(self.role, itertools.count())
        self.username, password = accounts[next(turn) % len(accounts)]
        with self.client.post("/login", data={"username": self.username, "password": password},
                              allow_redirects=False, name="POST /login", catch_response=True) as answer:
            if answer.status_code != 303:
                answer.failure(f"sign-in of {self.username} answered {answer.status_code}")


class Browser(SignedIn):
    """A signed-in browser replaying recorded pages; subclasses say what it does."""

    abstract = True

    def on_start(self) -> None:
        super().on_start()
        self.recording = _json_file(self.environment, "recording")
        self.cached: set[str] = set()      # static files this browser has already
        self.props: dict[str, Any] = {}    # component properties as the server last gave them
        self.intervals: dict[str, float] = {}  # dcc.Interval id -> seconds, of the page shown
        self.end_id = ""
        self.polls: list[dict[str, Any]] = []

    def _learn(self, tree: Any) -> None:
        """Remember the props of every component with an id in `tree` (a layout or a callback's output)."""
        stack = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                props = node.get("props")
                if isinstance(props, dict) and "id" in props and "type" in node:
                    for prop, value in props.items():
                        self.props[_key(props["id"], prop)] = value
                    if node["type"] == "Interval":
                        self.intervals[_key(props["id"], "n_intervals")] = (
                            float("inf") if props.get("disabled") else props.get("interval", 1000) / 1000)
                stack.extend(node.values())

    def _body(self, recorded: str, county: str | None) -> dict[str, Any]:
        body = json.loads(self._swap_county(recorded, county))
        for item in [*body.get("inputs", []), *body.get("state", [])]:
            items = item if isinstance(item, list) else [item]  # ALL patterns send a list
            for one in items:
                key = _key(one["id"], one["property"])
                if key in self.props:
                    one["value"] = self.props[key]
        return body

    def _swap_county(self, text: str, county: str | None) -> str:
        drilled = self.recording["drill"]["county"]
        if county is None or county == drilled:
            return text
        return text.replace(f'"{drilled}"', f'"{county}"').replace(f"/{drilled}", f"/{county}")

    def _callback(self, recorded: dict[str, Any], county: str | None = None) -> None:
        body = self._body(recorded["body"], county)
        path = f"{DASH_UPDATE}?endId={self.end_id}" if self.end_id else recorded["path"]
        with self.client.post(path, json=body, name=_label(body), catch_response=True,
                              headers={"Origin": self.host}) as answer:
            if answer.status_code == 200:
                for component_id, props in answer.json().get("response", {}).items():
                    for prop, value in props.items():
                        self.props[f"{component_id}.{prop}"] = value
                    self._learn(props)
            elif answer.status_code != 204:  # 204: PreventUpdate, nothing changed
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")

    def open_page(self, page: str, *, full: bool) -> None:
        """Open a recorded page: `full` as typed in the address bar, else by a click on a link."""
        steps = self.recording["pages"][page]["steps"]
        if full:
            self.props.clear()
            self.intervals.clear()
        self.polls = [s for s in steps if s["kind"] == "poll"]
        self._replay([s for s in steps if full or s["kind"] in ("callback", "poll")])

    def drill(self, county: str) -> None:
        """Click the county's bar in the economy ranking: the recorded click, for `county`."""
        self._replay(self.recording["drill"]["steps"], county)

    def _replay(self, steps: list[dict[str, Any]], county: str | None = None) -> None:
        for step in steps:
            kind, path = step["kind"], step["path"]
            if kind == "poll":
                continue  # sent by dwell(), when the page's interval says
            if kind in ("callback", "shell"):
                self._callback(step, county)
            elif kind == "static":
                if path not in self.cached:
                    self.cached.add(path)
                    folder, _, rest = path.split("?")[0][1:].partition("/")
                    self.client.get(path, name=f"GET /{folder}/*" if rest else f"GET /{folder}")
            elif kind == "document":
                answer = self.client.get(path, name=f"GET {path.split('?')[0]}")
                found = _CONFIG.search(answer.text) if answer.ok else None
                self.end_id = json.loads(found.group(1)).get("end_id", "") if found else ""
            elif kind == "dash":
                answer = self.client.get(path, name=f"GET {path}")
                if answer.ok and path == "/_dash-layout":
                    self._learn(answer.json())
            else:
                self.client.request(step["method"], path, data=step["body"], name=f"{step['method']} {path}")

    def dwell(self, seconds: float) -> None:
        """Stay on the page for `seconds`, sending its interval callbacks when they are due."""
        until, now = time.monotonic() + seconds, time.monotonic()
        due = {id(p): now + self._period(p) for p in self.polls}
        while True:
            poll = min(self.polls, key=lambda p: due[id(p)], default=None)
            if poll is None or due[id(poll)] >= until:
                time.sleep(max(0.0, until - time.monotonic()))
                return
            time.sleep(max(0.0, due[id(poll)] - time.monotonic()))
            key = next(c for c in json.loads(poll["body"])["changedPropIds"] if c.endswith(".n_intervals"))
            self.props[key] = int(self.props.get(key) or 0) + 1
            self._callback(poll)
            due[id(poll)] = max(due[id(poll)] + self._period(poll), time.monotonic())

    def _period(self, poll: dict[str, Any]) -> float:
        key = next(c for c in json.loads(poll["body"])["changedPropIds"] if c.endswith(".n_intervals"))
        return self.intervals.get(key, float("inf"))


class DutyOfficer(Browser):
    """The duty console, open all shift: polls, and now and then a reload."""

    weight = 3
    role = "duty_officer"
    wait_time = between(0, 1)

    @task
    def console(self) -> None:
        self.open_page("alerts", full=True)
        self.dwell(random.uniform(60, 180))


class Leader(Browser):
    """The overview, the economy and a drill into a county, reading each for a while."""

    weight = 2
    role = "leader"
    wait_time = between(5, 15)

    def on_start(self) -> None:
        super().on_start()
        self.open_page("overview", full=True)

    @task
    def look_around(self) -> None:
        self.dwell(random.uniform(5, 15))
        self.open_page("economy", full=False)
        self.dwell(random.uniform(5, 15))
        self.drill(random.choice(self.recording["counties"]))
        self.dwell(random.uniform(5, 15))
        self.open_page("overview", full=False)


class Analyst(SignedIn):
    """The JSON API, as an analyst's notebook or spreadsheet reads it."""

    weight = 1
    role = "analyst"
    wait_time = between(2, 8)

    @task(3)
    def summary(self) -> None:
        self.client.get("/api/v1/summary", name="GET /api/v1/summary")

    @task(2)
    def alerts(self) -> None:
        self.client.get("/api/v1/alerts?limit=100", name="GET /api/v1/alerts?limit=100")

    @task(1)
    def gdp_by_county(self) -> None:
        self.client.get("/api/v1/indicators/GDP/values?children=1", name="GET /api/v1/indicators/GDP/values?children=1")
