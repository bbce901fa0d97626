"""dash-ag-grid's bundle only on the pages that draw a grid.

Dash puts every component library's bundle on every page. dash-ag-grid's is 1.3 MB (360 KB
gzipped) and only the economy, projects, poverty and admin pages draw a grid, so the wall screen,
the overview, the alerts and the map would parse it for nothing on each load. Marked "dynamic",
Dash still serves it (fingerprinted, cached by the browser for a year) but leaves it out of the
page; assets/lazy_grid.js stands in for the grid component and loads the bundle, from the URL
in the page's `cockpit-grid-bundle` meta tag, when the first grid is drawn.
"""
from __future__ import annotations

import os

import dash
import dash_ag_grid
from dash.fingerprint import build_fingerprint

GRID_BUNDLE = "dash_ag_grid.min.js"
GRID_META = "cockpit-grid-bundle"


def defer_grid_bundle(app: dash.Dash) -> None:
    """Keep the grid's main bundle off the page index and name its URL in a meta tag."""
    # The resource table is the library's own, shared by every app of the process; marking the
    # entry is idempotent and the same in every worker.
    entries = [entry for entry in dash_ag_grid._js_dist if entry.get("relative_package_path") == GRID_BUNDLE]
    if len(entries) != 1:
        raise RuntimeError(f"dash_ag_grid {dash_ag_grid.__version__} lists no {GRID_BUNDLE}: "
                           "update web/lazy_bundles.py and assets/lazy_grid.js")
    entries[0]["dynamic"] = True
    app.config.meta_tags = [*app.config.meta_tags, {"name": GRID_META, "content": grid_bundle_url(app)}]


def grid_bundle_url(app: dash.Dash) -> str:
    """The fingerprinted URL Dash serves the grid's bundle at (the one it would have put in the page)."""
    path = os.path.join(os.path.dirname(dash_ag_grid.__file__), GRID_BUNDLE)
    fingerprint = build_fingerprint(GRID_BUNDLE, dash_ag_grid.__version__, int(os.stat(path).st_mtime))
    return f"{app.config.requests_pathname_prefix}_dash-component-suites/dash_ag_grid/{fingerprint}"
