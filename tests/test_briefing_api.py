"""The briefing files of the demo warehouse: their paragraphs' numbers equal the API's, PDF and Word alike.

Each file is read back as a reader would: the PDF through poppler's `pdftotext` (and `pdffonts`,
`pdfimages` for the embedded font and the vector charts), the Word file through python-docx.
"""
from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import docx
import pytest
from flask.testing import FlaskClient

from app import create_app
from components.formatting import format_number
from core.comparison import change_text
from datasources.annotations import add_annotation
from datasources.audit import search_audit
from tests.conftest import sign_in_as

CITY, COUNTY, OTHER_COUNTY = "141100", "141102", "141181"


@pytest.fixture(scope="module")
def client(demo_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    from core.config import Config
    from tests.conftest import ADMIN_PASSWORD

    app_db = tmp_path_factory.mktemp("briefing_app") / "app.db"
    config = Config(warehouse_url=demo_sqlite_url, build_demo_if_missing=False, app_db_url=f"sqlite:///{app_db}",
                    admin_password=ADMIN_PASSWORD, secret_key="test-secret", prewarm_cache=False)
    test_client = create_app(config).server.test_client()
    engine = test_client.application.extensions["cockpit"].appdb.engine
    sign_in_as(test_client, "analyst")  # the note's author must be a user
    add_annotation(engine, indicator_code="RETAIL_SALES", region_code=None, period="2026-09",
                   text="全市发放第二轮消费券", author="analyst")
    sign_in_as(test_client, "leader")
    return test_client


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "b.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def flat(text: str) -> str:
    """Text without white space: a line break inside a paragraph is not a difference."""
    return re.sub(r"\s+", "", text)


def expected_fragments(client: FlaskClient, region: str) -> list[str]:
    """What each headline paragraph must say, built from /api/v1/summary and /api/v1/indicators."""
    catalogue = {i["indicator_code"]: i for i in client.get("/api/v1/indicators").json["indicators"]}
    summary = client.get(f"/api/v1/summary?region={region}").json
    fragments = []
    for row in summary["indicators"]:
        ind = catalogue[row["indicator_code"]]
        value = format_number(row["value"], ind["decimals"])
        if ind["comparison"] == "pct":
            fragments.append(f"{ind['name']}{value}{ind['unit']}")
            fragments.append(change_text("pct", float(format_number(row["yoy_pct"], 1)), "zh"))
        else:
            fragments.append(f"{ind['name']}为{value}{ind['unit']}")
        if row["completion_pct"] is not None:
            fragments.append(f"完成年度目标的{format_number(row['completion_pct'], 1)}%")
        if ind["comparison"] == "pp" and "增速" not in ind["name"] and row["yoy_pp"] is not None:
            fragments.append(change_text("pp", round(row["yoy_pp"], 1), "zh"))
    return fragments


@pytest.mark.parametrize("region", [CITY, COUNTY])
def test_pdf_and_word_say_the_apis_numbers(client: FlaskClient, region: str, tmp_path: Path) -> None:
    fragments = expected_fragments(client, region)
    assert len(fragments) >= 16  # eight headline indicators, each with a value and a change at least
    name = "吕梁市" if region == CITY else "离石区"
    texts = {}
    for fmt in ("pdf", "docx"):
        response = client.get(f"/api/v1/briefing?region={region}&format={fmt}")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        assert response.headers["Content-Disposition"] == f'attachment; filename="{region}-2026-10-jianbao.{fmt}"'
        texts[fmt] = flat(pdf_text(response.data, tmp_path) if fmt == "pdf" else docx_text(response.data))
    for fmt, text in texts.items():
        assert f"{name}经济运行简报（2026年1—10月）" in text, fmt
        missing = [f for f in fragments if flat(f) not in text]
        assert missing == [], f"{fmt} lacks {missing}"
        headings = ("一、主要指标运行情况", "三、走势、进度与全年预测", "六、重点项目红榜", "七、突发事件",
                    "八、大事标注")
        for heading in headings:
            assert heading in text, (fmt, heading)
        assert "全市发放第二轮消费券" in text, fmt  # the note on the record (for every region)
        # The demo's bad rows (docs/demo-data.md): one duplicate RETAIL_SALES row of 141102, none of the city's.
        assert ("数据质量：1条重复记录已去重。" in text) == (region == COUNTY), fmt


def test_the_city_paragraph_of_retail_sales_by_hand(client: FlaskClient, tmp_path: Path) -> None:
    """Demo rows of 141100: 2026-10 483.4297 of 591.9737 (81.66 %), yoy 5.42 %; 2026-09 yoy 5.41 %."""
    response = client.get(f"/api/v1/briefing?region={CITY}&format=pdf")
    assert ("1—10月，全市社会消费品零售总额483.4亿元，同比增长5.4%，增速与1—9月持平；完成年度目标的81.7%，"
            "落后时间进度1.6个百分点；") in flat(pdf_text(response.data, tmp_path))


def test_the_pdf_embeds_its_chinese_font_and_draws_charts_as_vectors(client: FlaskClient, tmp_path: Path) -> None:
    path = tmp_path / "b.pdf"
    path.write_bytes(client.get(f"/api/v1/briefing?region={CITY}&format=pdf").data)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(r[-5] == "yes" for r in rows)  # every font embedded
    assert any("WenQuanYi" in r[0] for r in rows)
    images = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True).stdout
    assert len(images.splitlines()) == 2  # the header lines only: no raster picture, the charts are vectors
    text = flat(pdf_text(path.read_bytes(), tmp_path))
    assert "主要指标增速走势" in text and "时间进度" in text and "①" in text  # chart text is text, the note's mark too
    pages = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in pages


def test_word_holds_the_three_charts_as_pictures(client: FlaskClient) -> None:
    document = docx.Document(io.BytesIO(client.get(f"/api/v1/briefing?region={CITY}&format=docx").data))
    shapes = document.inline_shapes
    assert len(shapes) == 3
    assert all(s._inline.graphic.graphicData.pic.blipFill.blip.embed for s in shapes)  # embedded PNGs
    assert round(document.sections[0].page_width.cm, 1) == 21.0  # A4 (Word stores twentieths of a point)


def test_english_by_the_lang_parameter(client: FlaskClient, tmp_path: Path) -> None:
    response = client.get(f"/api/v1/briefing?region={COUNTY}&format=docx&lang=en")
    assert response.status_code == 200
    text = docx_text(response.data)
    assert "Lishi Economic Briefing (Jan–Oct 2026)" in text
    assert "Jan–Oct: total retail sales of consumer goods in Lishi was" in text


def test_each_download_is_audited(client: FlaskClient) -> None:
    client.get(f"/api/v1/briefing?region={COUNTY}&format=pdf&period=2026-09")
    rows = search_audit(client.application.extensions["cockpit"].appdb.engine, action="export")
    assert any("briefing pdf region=141102 period=2026-09" in str(r) for r in rows)


@pytest.mark.parametrize(("query", "status"), [
    ("region=141100", 400),                       # no format
    ("region=141100&format=html", 400),
    ("region=141100&format=pdf&lang=fr", 400),
    ("region=14110&format=pdf", 400),
    ("region=999999&format=pdf", 404),
    ("region=141100&format=pdf&period=2026-13", 400),
    ("region=141100&format=pdf&period=2019-01", 400),  # a month without figures
])
def test_bad_parameters_are_refused_with_a_message(client: FlaskClient, query: str, status: int) -> None:
    response = client.get(f"/api/v1/briefing?{query}")
    assert response.status_code == status and response.json["error"]["message"]


def test_export_permission_and_region_scope(demo_sqlite_url: str, make_config) -> None:
    app_client = create_app(make_config(demo_sqlite_url)).server.test_client()
    sign_in_as(app_client, "duty_officer")
    assert app_client.get(f"/api/v1/briefing?region={CITY}&format=pdf").status_code == 403
    sign_in_as(app_client, "analyst", COUNTY)
    assert app_client.get(f"/api/v1/briefing?region={OTHER_COUNTY}&format=pdf").status_code == 403
    assert app_client.get(f"/api/v1/briefing?region={CITY}&format=pdf").status_code == 403
    response = app_client.get("/api/v1/briefing?format=docx")  # the scoped user's own region by default
    assert response.status_code == 200 and "141102-2026-10" in response.headers["Content-Disposition"]
