"""Write the economy briefings into a folder, for cron or a systemd timer (docs/briefing.md).

    python3 -m cli.briefing run [--region CODE ...] [--period YYYY-MM] [--lang zh|en] [--format pdf docx] [--out DIR]
    python3 -m cli.briefing due [--at 2026-12-01T08:00]

`run` writes each region's briefing (default: `briefing.regions`, else the city) for the month
(default: each region's latest) in each format (`briefing.formats`) as
`<briefing.output_dir>/<period>/<region>-<period>-jianbao.<fmt>`, and prints each file with the
seconds it took. `due` says whether `briefing.schedule` names this minute (in `ui.timezone`):
exit 0 when due, 3 when not, so a timer firing every minute can run
`python3 -m cli.briefing due && python3 -m cli.briefing run`. Exit codes: 1 database or
configuration trouble, 2 bad input.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from core.config import PROJECT_DIR, Config, load_config
from core.config_briefing import FORMATS, cron_matches
from core.config_checks import ConfigError
from core.errors import MissingSchema, WarehouseUnavailable
from core.i18n import LANGUAGES, t
from core.periods import is_period
from core.regions import is_region_code
from datasources.appdb import AppDB
from datasources.cache import make_cache
from datasources.engines.sqlite import absolute_url
from datasources.regions import find_region, top_region_code
from datasources.warehouse import Warehouse
from services.briefing import briefing_periods
from services.runtime import Runtime
from web.api.briefing import briefing_file

BAD_INPUT, NOT_DUE = 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python3 -m cli.briefing", description="Economy briefings.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="write briefings into briefing.output_dir")
    run.add_argument("--region", action="append", default=[], help="region code; repeatable")
    run.add_argument("--period", help="month YYYY-MM (default: each region's latest)")
    run.add_argument("--lang", choices=LANGUAGES, help="language (default: briefing.language, else ui.language)")
    run.add_argument("--format", nargs="+", choices=FORMATS, help="formats (default: briefing.formats)")
    run.add_argument("--out", help="folder (default: briefing.output_dir)")
    due = commands.add_parser("due", help="exit 0 when briefing.schedule names this minute, else 3")
    due.add_argument("--at", help="local time to check instead of now, e.g. 2026-12-01T08:00")
    return parser


def runtime(config: Config) -> Runtime:
    """The warehouse and app database of the configuration, as the app opens them (no web server)."""
    warehouse = Warehouse(absolute_url(config.warehouse_url, PROJECT_DIR), cache=make_cache(config.cache_url),
                          ttl_s=config.cache_ttl_s, stale_keep_s=config.stale_keep_s, tables=config.tables,
                          statement_timeout_s=config.statement_timeout_s, pool_size=config.pool_size)
    appdb = AppDB(absolute_url(config.app_db_url, PROJECT_DIR))
    appdb.migrate()
    return Runtime(config, warehouse, appdb)


def _due(config: Config, at: str | None) -> int:
    zone = ZoneInfo(config.timezone)
    try:
        moment = datetime.fromisoformat(at).replace(tzinfo=zone) if at else datetime.now(zone)
    except ValueError:
        print(t("briefing.cli.bad_time", config.language, value=at), file=sys.stderr)
        return BAD_INPUT
    due = cron_matches(config.briefing.schedule, moment)
    print(t("briefing.cli.due" if due else "briefing.cli.not_due", config.language,
            schedule=config.briefing.schedule, at=moment.strftime("%Y-%m-%d %H:%M")))
    return 0 if due else NOT_DUE


def _run(config: Config, args: argparse.Namespace) -> int:
    lang = args.lang or config.briefing.language or config.language
    if args.period is not None and not is_period(args.period):
        print(t("briefing.cli.bad_period", lang, value=args.period), file=sys.stderr)
        return BAD_INPUT
    bad = [r for r in args.region if not is_region_code(r)]
    if bad:
        print(t("briefing.cli.bad_region", lang, value=bad[0]), file=sys.stderr)
        return BAD_INPUT
    rt = runtime(config)
    regions = args.region or list(config.briefing.regions) or [top_region_code(rt.warehouse, config.city_region_code)]
    out = Path(args.out or config.briefing.output_dir)
    out = out if out.is_absolute() else PROJECT_DIR / out
    status = 0
    for region in regions:
        periods = briefing_periods(rt.warehouse, region) if find_region(rt.warehouse, region) is not None else []
        period = args.period or (periods[0] if periods else None)
        if period is None or period not in periods:
            print(t("briefing.cli.no_data", lang, region=region, period=period or "—"), file=sys.stderr)
            status = BAD_INPUT
            continue
        for fmt in args.format or config.briefing.formats:
            started = time.perf_counter()
            file = briefing_file(rt, region, period, lang, fmt)
            target = out / period / file.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.content)
            print(t("briefing.cli.wrote", lang, path=target, s=f"{time.perf_counter() - started:.1f}"))
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        config = load_config()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        return _due(config, args.at) if args.command == "due" else _run(config, args)
    except (MissingSchema, WarehouseUnavailable) as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
