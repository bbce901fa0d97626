"""Benchmark: how long one economy briefing takes, in process, on the demo warehouse (SQLite).

For each region (the city and a county) and language: the facts and the document model
(`model`: warehouse reads, memoized after the first), the PDF (`pdf`: charts to SVG, WeasyPrint)
and the Word file (`docx`: charts to PNG, python-docx). `cold` is the first briefing of a fresh
process (empty cache, WeasyPrint and fonts loaded on first use); `warm` the median of the next runs.
Wall-clock seconds, and the CPU seconds of all three (`cpu`), which a machine shared with other
work inflates less.

    python bench/briefing.py [--runs 5] [--warehouse sqlite:////tmp/bench_briefing.db]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from app import create_app  # noqa: E402
from components.briefing_docx import to_docx  # noqa: E402
from components.briefing_html import to_pdf  # noqa: E402
from core.config import load_config  # noqa: E402
from demo.generate import build_demo_warehouse  # noqa: E402
from web.api.briefing import briefing_model  # noqa: E402


def measure(rt, region: str, lang: str) -> dict[str, float]:
    """Seconds for the model, the PDF and the Word file of one briefing."""
    cpu, started = time.process_time(), time.perf_counter()
    doc = briefing_model(rt, region, "2026-10", lang)
    model = time.perf_counter()
    pdf = to_pdf(doc)
    printed = time.perf_counter()
    word = to_docx(doc)
    done = time.perf_counter()
    assert pdf.startswith(b"%PDF") and word[:2] == b"PK"
    return {"model": model - started, "pdf": printed - model, "docx": done - printed,
            "cpu": time.process_time() - cpu}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warehouse", default="sqlite:////tmp/bench_briefing.db")
    args = parser.parse_args()
    if args.warehouse.startswith("sqlite:///") and not Path(args.warehouse[10:]).exists():
        build_demo_warehouse(args.warehouse, end_period="2026-10")
    config = replace(load_config({}), warehouse_url=args.warehouse, build_demo_if_missing=False,
                     app_db_url=f"sqlite:///{tempfile.mkdtemp()}/app.db", prewarm_cache=False, cache_url=None)
    rt = create_app(config).server.extensions["cockpit"]
    print("| region | lang | run | model s | PDF s | Word s | CPU s (all three) |\n|---|---|---|---|---|---|---|")
    first = True
    for region in ("141100", "141102"):
        for lang in ("zh", "en"):
            if first:
                cold = measure(rt, region, lang)
                print(f"| {region} | {lang} | cold | {cold['model']:.2f} | {cold['pdf']:.2f} | {cold['docx']:.2f} | "
                      f"{cold['cpu']:.2f} |")
                first = False
            runs = [measure(rt, region, lang) for _ in range(args.runs)]
            med = {k: statistics.median(r[k] for r in runs) for k in ("model", "pdf", "docx", "cpu")}
            print(f"| {region} | {lang} | warm (median of {args.runs}) | {med['model']:.2f} | {med['pdf']:.2f} | "
                  f"{med['docx']:.2f} | {med['cpu']:.2f} |")


if __name__ == "__main__":
    main()
