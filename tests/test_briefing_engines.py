"""The same demo warehouse on SQLite and on PostgreSQL gives the same briefing, word for word."""
from __future__ import annotations

from app import create_app
from components.briefing_blocks import Chart, Heading
from components.briefing_model import briefing_document
from core.config import Config
from core.i18n import t
from services.briefing import briefing_data


def _document_text(warehouse_url: str, make_config, region: str) -> list[str]:
    config: Config = make_config(warehouse_url)
    rt = create_app(config).server.extensions["cockpit"]
    data = briefing_data(rt.warehouse, rt.appdb.engine, region, "2026-10", config=config, today=rt.today())
    doc = briefing_document(data, "zh", config.timezone, "2026-12-01T00:00:00Z")
    # Everything but the "data as of" line and the emergencies: the demo generator stamps alerts
    # relative to the moment it builds, and the two warehouses were built minutes apart.
    blocks = list(doc.blocks)
    start = blocks.index(Heading(t("briefing.h.alerts", "zh")))
    end = blocks.index(Heading(t("briefing.h.annotations", "zh")))
    kept = blocks[2:start] + blocks[end:]
    return [repr(b) for b in kept if not isinstance(b, Chart)] + [
        repr((b.rows, b.marks)) for b in kept if isinstance(b, Chart)]


def test_sqlite_and_postgresql_agree(demo_sqlite_url: str, demo_pg_url: str, make_config) -> None:
    for region in ("141100", "141102"):
        on_sqlite = _document_text(demo_sqlite_url, make_config, region)
        assert len(on_sqlite) > 20
        assert _document_text(demo_pg_url, make_config, region) == on_sqlite
