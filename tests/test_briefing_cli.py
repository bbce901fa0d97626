"""`python3 -m cli.briefing`: the scheduled run writes the month's briefings; `due` reads the schedule."""
from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from cli.briefing import main


@pytest.fixture
def configured(tmp_path: Path, demo_sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    out = tmp_path / "briefings"
    config = tmp_path / "config.yaml"
    config.write_text(f"""
warehouse: {{url: "{demo_sqlite_url}", build_demo_if_missing: false}}
app_db: {{url: "sqlite:///{tmp_path}/app.db"}}
briefing: {{schedule: "0 8 1 * *", output_dir: "{out}", regions: ["141100", "141102"], formats: [docx]}}
""", encoding="utf-8")
    monkeypatch.setenv("COCKPIT_CONFIG", str(config))
    return out


def test_run_writes_each_regions_briefing_into_the_months_folder(configured: Path, capsys) -> None:
    assert main(["run"]) == 0
    written = sorted(p.relative_to(configured).as_posix() for p in configured.rglob("*") if p.is_file())
    assert written == ["2026-10/141100-2026-10-jianbao.docx", "2026-10/141102-2026-10-jianbao.docx"]
    county = docx.Document(io.BytesIO((configured / written[1]).read_bytes()))
    assert county.paragraphs[0].text == "离石区经济运行简报（2026年1—10月）"
    assert capsys.readouterr().out.count("已写入") == 2


def test_run_for_a_chosen_month_format_and_language(configured: Path) -> None:
    assert main(["run", "--region", "141102", "--period", "2026-09", "--format", "pdf", "--lang", "en"]) == 0
    assert (configured / "2026-09" / "141102-2026-09-briefing.pdf").read_bytes().startswith(b"%PDF")


def test_bad_input_exits_2(configured: Path) -> None:
    assert main(["run", "--period", "2026-13"]) == 2
    assert main(["run", "--region", "14110x"]) == 2
    assert main(["run", "--region", "141102", "--period", "2019-01"]) == 2  # no figures that month
    assert not configured.exists()


def test_due_answers_by_the_schedule(configured: Path) -> None:
    assert main(["due", "--at", "2026-12-01T08:00"]) == 0
    assert main(["due", "--at", "2026-12-01T08:01"]) == 3
    assert main(["due", "--at", "yesterday"]) == 2
