"""The one map's state as one typed value: layers on, indicator, measure, centre and zoom.

The URL's query is the state (`/map?layers=counties,alerts&indicator=GDP&measure=yoy_pct&lon=111.4&lat=37.5&zoom=8`),
so a copied link reproduces the view. `from_query` reads the raw query strings (any of them
may be missing or bad: a bad one is dropped and named in `bad`), `parse` reads the store the
browser sends back (anything malformed → None), `href` writes the URL. Centre and zoom are in
the base map's coordinates, as the map reports them.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from core.config_map import LAYER_ID
from core.contract import is_alert_id
from core.economy_view import is_code
from core.regions import is_region_code

STATE_KEYS = frozenset({"layers", "indicator", "measure", "lon", "lat", "zoom"})
MAX_ZOOM = 20.0
# The column each point layer is coloured by: one colour (and legend entry) per value.
GROUP_COLUMN = {"alerts": "level", "projects": "state", "cameras": "status", "resources": "kind"}


def _number(text: object, low: float, high: float) -> float | None:
    """A finite number within [low, high] from URL text or JSON, else None."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)) or (isinstance(text, str) and len(text) > 24):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


@dataclass(frozen=True)
class MapState:
    """What the map shows; lon, lat and zoom None: fitted to the region."""

    layers: tuple[str, ...]
    indicator: str | None = None
    measure: str | None = None
    lon: float | None = None
    lat: float | None = None
    zoom: float | None = None

    def data(self) -> dict[str, object]:
        """The store's JSON form, which `parse` reads back."""
        return {"layers": list(self.layers), "indicator": self.indicator, "measure": self.measure,
                "lon": self.lon, "lat": self.lat, "zoom": self.zoom}

    def href(self) -> str:
        """The URL of this state."""
        query: dict[str, str] = {"layers": ",".join(self.layers)}
        if self.indicator:
            query["indicator"] = self.indicator
        if self.measure:
            query["measure"] = self.measure
        if self.lon is not None and self.lat is not None and self.zoom is not None:
            query |= {"lon": f"{self.lon:.5f}", "lat": f"{self.lat:.5f}", "zoom": f"{self.zoom:.2f}"}
        return "/map?" + urlencode(query, safe=",")

    @classmethod
    def from_query(cls, query: Mapping[str, object], layer_ids: Sequence[str], default_on: Sequence[str],
                   measures: Collection[str]) -> tuple[MapState, tuple[str, ...]]:
        """(the state a URL asks for, the names of the query keys that were bad and dropped).

        `layers` lists layer ids separated by commas (empty: none on); unknown ids are dropped
        and the key named bad. The centre needs lon, lat and zoom together.
        """
        bad: list[str] = []
        raw_layers = query.get("layers")
        layers: tuple[str, ...] = tuple(default_on)
        if raw_layers is not None:
            asked = [p for p in str(raw_layers)[:400].split(",") if p] if isinstance(raw_layers, str) else None
            if asked is None or any(p not in layer_ids for p in asked):
                bad.append("layers")
            if asked is not None:
                layers = tuple(i for i in layer_ids if i in asked)
        indicator = query.get("indicator")
        if indicator is not None and not is_code(indicator):
            bad.append("indicator")
            indicator = None
        measure = query.get("measure")
        if measure is not None and measure not in measures:
            bad.append("measure")
            measure = None
        view = [query.get(k) for k in ("lon", "lat", "zoom")]
        lon, lat, zoom = _number(view[0], -180, 180), _number(view[1], -85, 85), _number(view[2], 0, MAX_ZOOM)
        if any(v is not None for v in view) and None in (lon, lat, zoom):
            bad.append("view")
            lon = lat = zoom = None
        return cls(layers, indicator or None, measure or None, lon, lat, zoom), tuple(bad)  # type: ignore[arg-type]

    @classmethod
    def parse(cls, raw: object, layer_ids: Collection[str], measures: Collection[str]) -> MapState | None:
        """The state in a store's JSON `raw`, or None unless every field is well-formed."""
        if not isinstance(raw, Mapping) or set(raw) != STATE_KEYS:
            return None
        layers, indicator, measure = raw["layers"], raw["indicator"], raw["measure"]
        if not (isinstance(layers, list) and len(layers) <= len(layer_ids)
                and all(isinstance(i, str) and i in layer_ids for i in layers)):
            return None
        if not ((indicator is None or is_code(indicator)) and (measure is None or measure in measures)):
            return None
        view = [raw["lon"], raw["lat"], raw["zoom"]]
        if all(v is None for v in view):
            return cls(tuple(layers), indicator, measure)
        lon, lat, zoom = _number(view[0], -180, 180), _number(view[1], -85, 85), _number(view[2], 0, MAX_ZOOM)
        if None in (lon, lat, zoom) or any(isinstance(v, str) for v in view):
            return None
        return cls(tuple(layers), indicator, measure, lon, lat, zoom)


def checked_layers(value: object, layer_ids: Sequence[str]) -> tuple[str, ...] | None:
    """The layer checklist's value as ids in configured order, or None unless a list of known ids."""
    if not isinstance(value, list) or len(value) > len(layer_ids):
        return None
    if not all(isinstance(i, str) and LAYER_ID.fullmatch(i) and i in layer_ids for i in value):
        return None
    return tuple(i for i in layer_ids if i in value)


# Project codes and camera ids: the characters the warehouses use (GB/T 28181 ids are 20 digits).
_OBJECT_ID = re.compile(r"[\w.:-]{1,64}")


def clicked_href(click: object) -> str | None:
    """Where a click on the map leads: `/economy/<region>`, `/alerts/<id>`, `/dispatch?camera=<id>` or
    `/projects/<code>`; None for anything else (a cluster, a resource, a malformed `clickData`)."""
    if not isinstance(click, Mapping):
        return None
    points = click.get("points")
    if not isinstance(points, list) or not points or not isinstance(points[0], Mapping):
        return None
    data = points[0].get("customdata")
    if not isinstance(data, list) or len(data) < 2 or not all(isinstance(v, str) for v in data[:2]):
        return None
    target, ident = data[0], data[1]
    if target == "region" and is_region_code(ident):
        return f"/economy/{ident}"
    if target == "alert" and is_alert_id(ident):
        return f"/alerts/{quote(ident, safe='')}"
    if target == "camera" and _OBJECT_ID.fullmatch(ident):
        return "/dispatch?" + urlencode({"camera": ident})
    if target == "project" and _OBJECT_ID.fullmatch(ident):
        return f"/projects/{quote(ident, safe='')}"
    return None
