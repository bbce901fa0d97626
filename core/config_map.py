"""The one map (`/map`, issue 10): its layers and the base map's coordinate system.

A section of the configuration: `DEFAULTS` adds its keys to the tree of core/config.py (which
rejects keys no section knows), `parse` checks them and returns the frozen settings that
`Config.onemap` holds. Keys are documented in docs/configuration.md and docs/map.md.

`map.layers` maps a layer id to its spec, drawn in that order (first at the bottom). A
`config.yaml` that sets `map.layers` replaces the whole default set, so a city can drop,
reorder or add layers.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.config_checks import ConfigError, check, is_int

KINDS = ("regions", "alerts", "projects", "cameras", "resources", "features")
POINT_KINDS = ("alerts", "projects", "cameras", "resources")
SOURCES = ("warehouse", "file", "postgis")
LEVELS = ("county", "township")
CRS = ("wgs84", "gcj02")
FILE_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")
LAYER_ID = re.compile(r"[a-z][a-z0-9_]{0,31}")
_TABLE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)?")
_COLUMN = re.compile(r"[A-Za-z_]\w*")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_LAYER_KEYS = frozenset({"kind", "source", "level", "path", "file_layer", "table", "geometry_column",
                         "code_column", "name_column", "crs", "visible", "colour", "label", "label_en"})

# Top-level section → its keys and default values.
DEFAULTS: dict[str, dict[str, Any]] = {"map": {
    "tile_crs": "wgs84",
    "max_points": 3000,
    "layers": {
        "counties": {"kind": "regions", "level": "county"},
        "townships": {"kind": "regions", "level": "township", "visible": False},
        "alerts": {"kind": "alerts"},
        "projects": {"kind": "projects"},
        "cameras": {"kind": "cameras", "visible": False},
        "resources": {"kind": "resources", "visible": False},
    },
}}
# Dotted keys whose value is a mapping of names the user chooses (not checked against DEFAULTS).
FREE_KEYS: tuple[str, ...] = ("map.layers",)


@dataclass(frozen=True)
class LayerSpec:
    """One layer of the map: what it shows (`kind`) and where its geometry comes from (`source`)."""

    id: str
    kind: str
    source: str = "warehouse"
    level: str = "county"  # regions: dim_region.level of the areas drawn
    path: str | None = None  # file: GeoJSON, GeoPackage or Shapefile
    file_layer: str | None = None  # file: the layer inside a GeoPackage (None: its first)
    table: str | None = None  # postgis: [schema.]table in the warehouse
    geometry_column: str = "geom"  # postgis
    code_column: str = "region_code"  # regions from a file or PostGIS
    name_column: str | None = None  # features: the hover name
    crs: str = "wgs84"  # coordinates of a file or PostGIS table: wgs84 or gcj02 (lon/lat both)
    visible: bool = True  # on when the URL does not say
    colour: str = "#36d1ff"  # features
    label: str | None = None  # features: the name in the layer list (Chinese)
    label_en: str | None = None


@dataclass(frozen=True)
class MapSettings:
    """The checked settings of this section."""

    tile_crs: str = "wgs84"
    max_points: int = 3000
    # The default layers also when a Config is built in code (tests), not from the tree.
    layers: tuple[LayerSpec, ...] = field(default_factory=lambda: default_layers())

    def layer(self, layer_id: str) -> LayerSpec | None:
        """The layer with this id, or None."""
        return next((spec for spec in self.layers if spec.id == layer_id), None)


def _layer(layer_id: object, raw: object, boundaries_file: str | None) -> LayerSpec:
    key = f"map.layers.{layer_id}"
    if not (isinstance(layer_id, str) and LAYER_ID.fullmatch(layer_id)):
        raise ConfigError(f"{key}: expected a layer id of lower-case letters, digits and _ (at most 32)")
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{key}: expected a mapping with at least `kind`")
    unknown = sorted(set(map(str, raw)) - _LAYER_KEYS)
    if unknown:
        raise ConfigError(f"{key}.{unknown[0]}: unknown configuration key")
    tree = {"v": dict(raw)}

    def value(name: str, test: Any, expect: str, default: Any = None) -> Any:
        tree["v"].setdefault(name, default)
        try:
            return check(tree, f"v.{name}", test, expect)
        except ConfigError as exc:
            raise ConfigError(f"{key}.{name}{str(exc)[len('v.' + name):]}") from None

    kind = value("kind", lambda v: v in KINDS, " | ".join(KINDS))
    default_source = "warehouse" if kind != "features" else None
    if kind == "regions" and boundaries_file and "source" not in raw:
        tree["v"].setdefault("path", boundaries_file)
        default_source = "file"
    allowed = SOURCES if kind == "regions" else ("warehouse",) if kind in POINT_KINDS else ("file", "postgis")
    source = value("source", lambda v: v in allowed, " | ".join(allowed), default_source)
    text = (lambda v: v is None or (isinstance(v, str) and 0 < len(v) <= 80)), "null or a short text"
    spec = LayerSpec(
        id=layer_id, kind=kind, source=source,
        level=value("level", lambda v: v in LEVELS, " | ".join(LEVELS), "county"),
        path=value("path", lambda v: (v is None and source != "file") or (
            isinstance(v, str) and v.lower().endswith(FILE_SUFFIXES)), "a .geojson, .json, .gpkg or .shp file"),
        file_layer=value("file_layer", *text),
        table=value("table", lambda v: (v is None and source != "postgis") or (
            isinstance(v, str) and _TABLE.fullmatch(v) is not None), "a table name or schema.table"),
        geometry_column=value("geometry_column", lambda v: isinstance(v, str) and bool(_COLUMN.fullmatch(v)),
                              "a column name", "geom"),
        code_column=value("code_column", lambda v: isinstance(v, str) and bool(_COLUMN.fullmatch(v)),
                          "a column name", "region_code"),
        name_column=value("name_column", lambda v: v is None or (isinstance(v, str) and bool(_COLUMN.fullmatch(v))),
                          "null or a column name"),
        crs=value("crs", lambda v: v in CRS, " | ".join(CRS), "wgs84"),
        visible=value("visible", lambda v: isinstance(v, bool), "true or false", True),
        colour=value("colour", lambda v: isinstance(v, str) and bool(_COLOUR.fullmatch(v)), "a colour #rrggbb",
                     "#36d1ff"),
        label=value("label", *text), label_en=value("label_en", *text),
    )
    if kind == "features" and not spec.label:
        raise ConfigError(f"{key}.label: expected the layer's name, as the layer list shows it")
    return spec


def default_layers() -> tuple[LayerSpec, ...]:
    """The layers of DEFAULTS, checked."""
    return tuple(_layer(layer_id, raw, None) for layer_id, raw in DEFAULTS["map"]["layers"].items())


def parse(tree: Mapping[str, Any]) -> MapSettings:
    """Check this section's keys in the merged tree; ConfigError names a bad key."""
    layers = check(tree, "map.layers", lambda v: isinstance(v, Mapping) and 0 < len(v) <= 20,
                   "a mapping of 1–20 layer ids to their specs")
    boundaries_file = tree["map"].get("boundaries_file")
    return MapSettings(
        tile_crs=check(tree, "map.tile_crs", lambda v: v in CRS, "wgs84 or gcj02 (the tiles' coordinate system)"),
        max_points=check(tree, "map.max_points", lambda v: is_int(v) and 100 <= v <= 100_000,
                         "an integer 100–100000 (points per layer before they are clustered)"),
        layers=tuple(_layer(layer_id, raw, boundaries_file) for layer_id, raw in layers.items()),
    )
