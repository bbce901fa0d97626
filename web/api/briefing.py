"""The economy briefing as a file: `GET /api/v1/briefing?region=CODE&period=YYYY-MM&format=pdf|docx[&lang=zh|en]`.

Needs EXPORT and a region within the user's scope (web/api/common.region_param: 400 malformed,
403 outside, 404 unknown). `format` is required (400 without it); `period` defaults to the
latest month with a headline figure and must be one of those months (400 otherwise); `lang`
defaults to the UI language. Each download is audited as an export. `briefing_file` is also
what the page's preview and `python3 -m cli.briefing run` use, so all three say the same.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, Response, request

from components.briefing_blocks import Document
from components.briefing_docx import to_docx
from components.briefing_html import to_pdf
from components.briefing_model import briefing_document
from core.config_briefing import FORMATS
from core.i18n import LANGUAGES, current_language
from core.periods import is_period
from core.permissions import EXPORT
from services.briefing import briefing_data, briefing_periods
from services.runtime import Runtime
from web.access import require
from web.api.common import ApiError, region_param
from web.audit import audit_export
from web.runtime import current_runtime

api_briefing = Blueprint("api_briefing", __name__, url_prefix="/api/v1/briefing")
MIME_TYPES = {"pdf": "application/pdf",
              "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass(frozen=True)
class BriefingFile:
    """A rendered briefing: its bytes, file name and media type."""

    content: bytes
    filename: str
    mimetype: str


def briefing_model(rt: Runtime, region: str, period: str, lang: str) -> Document:
    """The document model of a known region's briefing for a month that has data."""
    data = briefing_data(rt.warehouse, rt.appdb.engine, region, period, config=rt.config, today=rt.today())
    return briefing_document(data, lang, rt.config.timezone, datetime.now(UTC).isoformat())


def briefing_file(rt: Runtime, region: str, period: str, lang: str, fmt: str) -> BriefingFile:
    """A known region's briefing for a month with data, rendered as `fmt` (pdf or docx)."""
    doc = briefing_model(rt, region, period, lang)
    content = to_pdf(doc) if fmt == "pdf" else to_docx(doc)
    return BriefingFile(content, f"{doc.filename}.{fmt}", MIME_TYPES[fmt])


def _choice(name: str, allowed: tuple[str, ...], default: str | None) -> str:
    value = request.args.get(name, default)
    if value not in allowed:
        raise ApiError(400, f"{name} must be one of {', '.join(allowed)}, got {str(value)[:40]!r}")
    return value


@api_briefing.get("")
def download() -> Response:
    """The briefing of a region and month as a PDF or Word file."""
    require(EXPORT)
    fmt = _choice("format", FORMATS, None)
    lang = _choice("lang", LANGUAGES, current_language())
    rt = current_runtime()
    region = region_param()
    period = request.args.get("period")
    if period is not None and not is_period(period):
        raise ApiError(400, f"period must be a month YYYY-MM, got {period[:40]!r}")
    periods = briefing_periods(rt.warehouse, region)
    if not periods:
        raise ApiError(404, f"no headline figures for region {region}")
    if period is not None and period not in periods:
        raise ApiError(400, f"no figures for {period} in region {region}; latest is {periods[0]}")
    file = briefing_file(rt, region, period or periods[0], lang, fmt)
    audit_export(file.filename, f"briefing {fmt} region={region} period={period or periods[0]} lang={lang}")
    return Response(file.content, mimetype=file.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{file.filename}"', "Cache-Control": "no-store"})
