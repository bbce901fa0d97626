"""Command line: `python -m demo build …` and `python -m demo live …` (see docs/demo-data.md)."""
from __future__ import annotations

import argparse
import contextlib
import sys
import time

from sqlalchemy import create_engine

from demo.generate import DEFAULT_SEED, MAX_SCALE, build_demo_warehouse, ensure_database, rebuild
from demo.live import insert_live_alerts
from demo.load import non_empty_tables

DEFAULT_URL = "sqlite:///data/demo_warehouse.db"


def _progress(step: str, fraction: float) -> None:
    print(f"[demo] {fraction * 100:5.1f}%  {step}", file=sys.stderr, flush=True)


def _build(args: argparse.Namespace) -> int:
    if not 1 <= args.scale <= MAX_SCALE:
        print(f"--scale must be between 1 and {MAX_SCALE}", file=sys.stderr)
        return 2
    options = dict(seed=args.seed, end_period=args.end, scale=args.scale, bad_rows=not args.no_bad_rows,
                   aggregates=args.aggregates, progress=_progress)
    if not args.force:
        ensure_database(args.url)
        engine = create_engine(args.url)
        try:
            filled = non_empty_tables(engine)
        finally:
            engine.dispose()
        if filled:
            print(f"{args.url} already holds data ({filled}); use --force to drop and rebuild", file=sys.stderr)
            return 1
    t0 = time.perf_counter()
    counts = (rebuild if args.force else build_demo_warehouse)(args.url, **options)
    for table, n in counts.items():
        print(f"[demo] {table:24s} {n:>12,d}", file=sys.stderr)
    print(f"[demo] built {args.url} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


def _live(args: argparse.Namespace) -> int:
    print(f"[demo] inserting an open alert every {args.interval} s into {args.url}; Ctrl-C stops",
          file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        insert_live_alerts(args.url, interval_s=args.interval, count=args.count, seed=args.seed)
    return 0


def _ensure(_args: argparse.Namespace) -> int:
    from core.config import load_config
    from core.config_checks import ConfigError
    from demo.bootstrap import ensure_demo_warehouse

    try:
        config = load_config()
        ensure_demo_warehouse(config)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2
    if config.video.demo_clips == "on" or (config.video.demo_clips == "auto" and config.uses_demo_warehouse):
        from demo.media import ensure_clips

        ensure_clips()  # the video wall's demo streams (docs/dispatch.md)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description="Demo warehouse for 吕梁市")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="create and fill the demo warehouse")
    b.add_argument("--url", default=DEFAULT_URL)
    b.add_argument("--scale", type=int, default=1, help=f"1–{MAX_SCALE}; ≥ 2 adds village-level rows")
    b.add_argument("--seed", type=int, default=DEFAULT_SEED)
    b.add_argument("--end", help="latest period YYYY-MM (default: the latest month already published)")
    b.add_argument("--no-bad-rows", action="store_true", help="leave out the deliberately bad rows")
    b.add_argument("--force", action="store_true", help="drop the demo tables first if they hold data")
    b.add_argument("--aggregates", action="store_true",
                   help="also create the optional pre-aggregated indicator table (docs/warehouse.md)")
    b.set_defaults(run=_build)
    lv = sub.add_parser("live", help="keep inserting new open alerts")
    lv.add_argument("--url", default=DEFAULT_URL)
    lv.add_argument("--interval", type=float, default=5.0, help="seconds between alerts")
    lv.add_argument("--count", type=int, help="stop after this many")
    lv.add_argument("--seed", type=int)
    lv.set_defaults(run=_live)
    en = sub.add_parser("ensure", help="build the configured demo warehouse if it is the embedded "
                                       "default and missing (what `python3 app.py` runs first)")
    en.set_defaults(run=_ensure)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
