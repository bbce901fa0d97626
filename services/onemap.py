"""The one map's data: each layer that is on, read, placed in the base map's system and kept small.

Areas are coloured by the economy page's numbers (services/economy.py `compare`: value, YoY or
completion of one indicator at its latest period); alerts are the live ones by combined
status (services/alerts.py); projects carry their state (datasources/projects.py). A layer
whose source cannot be used is reported on its own and the others are still drawn.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from core.config import Config
from core.config_map import LayerSpec
from core.errors import BoundaryFileError, MissingSchema
from core.map_view import GROUP_COLUMN
from core.periods import shift_period
from core.regions import code_prefix
from datasources.economy import indicator_values, values_at
from datasources.indicators import catalogue
from datasources.layers import feature_layer, point_rows, region_layer
from datasources.projects import project_status
from datasources.regions import regions
from datasources.warehouse import Warehouse
from services.alerts import live_alerts
from services.economy import MEASURES, compare, latest_period
from services.onemap_points import placed, thin


@dataclass(frozen=True)
class LayerData:
    """One layer ready to draw: an area collection or points, and what could not be drawn."""

    spec: LayerSpec
    geojson: dict[str, Any] | None = None  # regions, features
    values: pd.DataFrame | None = None  # regions: services.economy.compare rows
    points: pd.DataFrame | None = None  # point kinds: placed, thinned (count > 1: a cluster)
    unplaced: int = 0  # rows without coordinates (listed apart, not on the map)
    problem: str | None = None  # why the layer is empty: missing table or an unusable source
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """The indicator and measure the areas are coloured by, and the period shown."""

    indicator: dict[str, Any] | None
    measure: str
    period: str | None


def choose(wh: Warehouse, scope: str, indicator: str | None, measure: str | None) -> Choice:
    """The URL's indicator and measure when the catalogue has them, else the first headline indicator
    and its natural measure (completion for a year-to-date indicator, else YoY growth)."""
    cat = catalogue(wh)
    if cat.empty:
        return Choice(None, measure or "value", None)
    match = cat[cat["indicator_code"] == indicator]
    if match.empty:
        match = cat[cat["headline"]] if cat["headline"].any() else cat
    row = match.iloc[0].to_dict()
    chosen = measure if measure in MEASURES else "completion_pct" if row["cumulative"] else "yoy_pct"
    code = str(row["indicator_code"])
    return Choice(row, chosen, latest_period(indicator_values(wh, code, (scope,))))


def region_values(wh: Warehouse, level: str, scope: str, choice: Choice) -> pd.DataFrame:
    """The areas of `level` in `scope` with value, YoY and completion of the chosen indicator (compare rows)."""
    kids = regions(wh)
    kids = kids[(kids["level"] == level) & kids["region_code"].astype(str).str.startswith(code_prefix(scope))]
    kids = kids[["region_code", "name", "name_en"]].reset_index(drop=True)
    if choice.indicator is None or choice.period is None or kids.empty:
        return pd.DataFrame(columns=["region_code", "name", "name_en", "value", "yoy_pct", "completion_pct", "rank"])
    code = str(choice.indicator["indicator_code"])
    rows = values_at(wh, (code,), tuple(kids["region_code"].astype(str)),
                     (choice.period, shift_period(choice.period, -12)))
    return compare(kids, rows, choice.period, choice.indicator, choice.measure)


def _points(wh: Warehouse, appdb: Engine, spec: LayerSpec, config: Config, scope: str, now: datetime,
            today: date) -> pd.DataFrame:
    """The raw rows of a point layer within `scope` (WGS84, possibly without coordinates)."""
    if spec.kind == "alerts":
        return live_alerts(wh, appdb, config.alert_ack_limit_min, now, scope)
    if spec.kind == "projects":
        status = project_status(wh, scope, today.isoformat(), config.lagging_pts, config.seriously_lagging_pts)
        if {"lon", "lat"} <= set(status.columns):  # project_status may carry positions already
            return status
        return status.merge(point_rows(wh, "projects", scope), on="project_code", how="left")
    return point_rows(wh, spec.kind, scope)


def layer_data(wh: Warehouse, appdb: Engine, spec: LayerSpec, config: Config, scope: str, choice: Choice,
               now: datetime, today: date) -> LayerData:
    """One layer within `scope` in the base map's coordinate system (config.onemap.tile_crs)."""
    crs = config.onemap.tile_crs
    try:
        if spec.kind == "regions":
            geojson = region_layer(wh, spec.level, scope, crs, spec.source, spec.path, spec.file_layer, spec.table,
                                   spec.geometry_column, spec.code_column, spec.crs)["geojson"].iloc[0]
            values = region_values(wh, spec.level, scope, choice)
            return LayerData(spec, geojson=geojson, values=values,
                             skipped={"missing": len(geojson["missing"]), "unreadable": geojson["skipped"]})
        if spec.kind == "features":
            geojson = feature_layer(wh, spec.source, crs, spec.path, spec.file_layer, spec.table,
                                    spec.geometry_column, spec.name_column, spec.crs)["geojson"].iloc[0]
            return LayerData(spec, geojson=geojson, skipped={"unreadable": geojson["skipped"]})
        rows, unplaced = placed(_points(wh, appdb, spec, config, scope, now, today), crs)
        return LayerData(spec, points=_thinned(rows, spec.kind, config.onemap.max_points), unplaced=unplaced)
    except BoundaryFileError as exc:
        return LayerData(spec, problem=str(exc))
    except MissingSchema as exc:
        return LayerData(spec, problem=f"missing in the warehouse: {exc.missing}")


def _thinned(rows: pd.DataFrame, kind: str, limit: int) -> pd.DataFrame:
    """Each colour group of a point layer thinned to its share of `limit` points."""
    column = GROUP_COLUMN[kind]
    if len(rows) <= limit or rows.empty:
        return rows.assign(count=1)
    key = rows[column].astype("string").fillna("other")
    groups = [thin(part, max(limit // key.nunique(), 1)).assign(**{column: part[column].iloc[0]})
              for _, part in rows.groupby(key, sort=False)]
    return pd.concat(groups, ignore_index=True)


def map_layers(wh: Warehouse, appdb: Engine, config: Config, scope: str, on: tuple[str, ...], choice: Choice,
               now: datetime, today: date) -> list[LayerData]:
    """The layers that are on, in configured order (first at the bottom)."""
    return [layer_data(wh, appdb, spec, config, scope, choice, now, today)
            for spec in config.onemap.layers if spec.id in on]
