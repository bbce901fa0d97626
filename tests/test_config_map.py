"""The `map` section: tile coordinate system, point limit and the layers (core/config_map.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_config
from core.config_checks import ConfigError


def _load(tmp_path: Path, text: str):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config({"COCKPIT_CONFIG": str(path)})


def test_defaults_are_six_warehouse_layers_on_wgs84_tiles(tmp_path: Path) -> None:
    onemap = _load(tmp_path, "").onemap
    assert onemap.tile_crs == "wgs84" and onemap.max_points == 3000
    assert [(s.id, s.kind, s.source, s.visible) for s in onemap.layers] == [
        ("counties", "regions", "warehouse", True), ("townships", "regions", "warehouse", False),
        ("alerts", "alerts", "warehouse", True), ("projects", "projects", "warehouse", True),
        ("cameras", "cameras", "warehouse", False), ("resources", "resources", "warehouse", False)]
    assert onemap.layer("townships").level == "township"


def test_a_configured_layer_set_replaces_the_defaults(tmp_path: Path) -> None:
    onemap = _load(tmp_path, """
map:
  tile_crs: gcj02
  max_points: 500
  layers:
    rivers: {kind: features, source: file, path: data/rivers.gpkg, file_layer: rivers, crs: gcj02,
             label: 河流, label_en: Rivers, colour: "#3388ff", name_column: mc}
    counties: {kind: regions, source: postgis, table: gis.county, geometry_column: shape, code_column: xzqh}
""").onemap
    assert onemap.tile_crs == "gcj02" and onemap.max_points == 500
    rivers, counties = onemap.layers
    assert (rivers.kind, rivers.source, rivers.path, rivers.file_layer, rivers.crs, rivers.label, rivers.colour) == (
        "features", "file", "data/rivers.gpkg", "rivers", "gcj02", "河流", "#3388ff")
    assert (counties.source, counties.table, counties.geometry_column, counties.code_column) == (
        "postgis", "gis.county", "shape", "xzqh")


def test_the_boundaries_file_feeds_area_layers_without_a_source(tmp_path: Path) -> None:
    onemap = _load(tmp_path, "map: {boundaries_file: data/b.geojson}\n").onemap
    assert (onemap.layer("counties").source, onemap.layer("counties").path) == ("file", "data/b.geojson")
    assert onemap.layer("alerts").source == "warehouse"


@pytest.mark.parametrize(("text", "key"), [
    ("map: {tile_crs: bd09}", "map.tile_crs"),
    ("map: {max_points: 5}", "map.max_points"),
    ("map: {layers: []}", "map.layers"),
    ("map: {layers: {Bad-Id: {kind: alerts}}}", "map.layers.Bad-Id"),
    ("map: {layers: {x: {kind: heatmap}}}", "map.layers.x.kind"),
    ("map: {layers: {x: {kind: alerts, source: file, path: a.geojson}}}", "map.layers.x.source"),
    ("map: {layers: {x: {kind: regions, source: file}}}", "map.layers.x.path"),
    ("map: {layers: {x: {kind: regions, source: file, path: a.csv}}}", "map.layers.x.path"),
    ("map: {layers: {x: {kind: regions, source: postgis}}}", "map.layers.x.table"),
    ("map: {layers: {x: {kind: regions, source: postgis, table: 'a; drop'}}}", "map.layers.x.table"),
    ("map: {layers: {x: {kind: regions, level: village}}}", "map.layers.x.level"),
    ("map: {layers: {x: {kind: features, source: file, path: a.shp}}}", "map.layers.x.label"),
    ("map: {layers: {x: {kind: features, source: file, path: a.shp, label: y, colour: red}}}", "map.layers.x.colour"),
    ("map: {layers: {x: {kind: alerts, visible: 1}}}", "map.layers.x.visible"),
    ("map: {layers: {x: {kind: alerts, crs: bd09}}}", "map.layers.x.crs"),
    ("map: {layers: {x: {kind: alerts, colour_of: 1}}}", "map.layers.x.colour_of"),
])
def test_a_bad_value_names_its_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, text + "\n")
    assert str(raised.value).startswith(key + ":"), str(raised.value)
