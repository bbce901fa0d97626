"""The economy briefing (`/briefing`, issue 14): its scheduled run and output folder.

A section of the configuration: `DEFAULTS` adds its keys to the tree of core/config.py (which
rejects keys no section knows), `parse` checks them and returns the frozen settings that
`Config.briefing` holds. Keys are documented in docs/configuration.md.

`briefing.schedule` is a cron line of five fields (minute hour day-of-month month day-of-week;
each `*`, a number, a range `a-b`, a list `a,b` or a step `*/n`), read in `ui.timezone`. The
cockpit runs nothing by itself: `python3 -m cli.briefing due` tells a timer whether this minute
matches, `python3 -m cli.briefing run` writes the briefings (docs/briefing.md).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.config_checks import ConfigError, check
from core.regions import is_region_code

# Top-level section → its keys and default values.
DEFAULTS: dict[str, dict[str, Any]] = {
    "briefing": {"schedule": "0 8 1 * *", "output_dir": "data/briefings", "regions": [],
                 "formats": ["pdf", "docx"], "language": None},
}
# Dotted keys whose value is a mapping of names the user chooses (not checked against DEFAULTS).
FREE_KEYS: tuple[str, ...] = ()
FORMATS = ("pdf", "docx")
# (lowest, highest) of each cron field: minute, hour, day of month, month, day of week (0 = Sunday).
_FIELDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_PART = re.compile(r"(\*|\d{1,2}(?:-\d{1,2})?)(?:/(\d{1,2}))?")


def cron_sets(schedule: str) -> tuple[frozenset[int], ...] | None:
    """The allowed values of each of the five fields of a cron line, or None when it is not one."""
    fields = schedule.split() if isinstance(schedule, str) else []
    if len(fields) != len(_FIELDS):
        return None
    sets = []
    for text, (low, high) in zip(fields, _FIELDS):
        values: set[int] = set()
        for part in text.split(","):
            match = _PART.fullmatch(part)
            if match is None:
                return None
            span, step = match.group(1), int(match.group(2) or 1)
            first, _, last = span.partition("-")
            start, end = (low, high) if span == "*" else (int(first), int(last or first))
            if step < 1 or not low <= start <= end <= high:
                return None
            values.update(range(start, end + 1, step))
        sets.append(frozenset(values))
    return tuple(sets)


def cron_matches(schedule: str, moment: datetime) -> bool:
    """Whether the minute of `moment` (a local time) is one the cron line names.

    As in cron, when both day fields are restricted a day matching either one counts.
    """
    sets = cron_sets(schedule)
    if sets is None:
        raise ValueError(f"not a cron line: {schedule!r}")
    minute, hour, dom, month, dow = sets
    weekday = (moment.weekday() + 1) % 7  # cron counts from Sunday = 0
    dom_any, dow_any = dom == frozenset(range(1, 32)), dow == frozenset(range(7))
    day = (moment.day in dom and weekday in dow) if dom_any or dow_any else (moment.day in dom or weekday in dow)
    return moment.minute in minute and moment.hour in hour and moment.month in month and day


@dataclass(frozen=True)
class BriefingSettings:
    """The checked settings of this section."""

    schedule: str = "0 8 1 * *"
    output_dir: str = "data/briefings"
    regions: tuple[str, ...] = ()  # empty: the city only
    formats: tuple[str, ...] = FORMATS
    language: str | None = None  # None: ui.language


def parse(tree: Mapping[str, Any]) -> BriefingSettings:
    """Check this section's keys in the merged tree; ConfigError names a bad key."""
    schedule = check(tree, "briefing.schedule", lambda v: isinstance(v, str) and cron_sets(v) is not None,
                     "a cron line of five fields, e.g. \"0 8 1 * *\" (08:00 on the 1st of each month)")
    output_dir = check(tree, "briefing.output_dir", lambda v: isinstance(v, str) and v.strip() != "",
                       "a folder path")
    regions = check(tree, "briefing.regions", lambda v: v is None or isinstance(v, list), "a list of region codes")
    for i, code in enumerate(regions or []):
        if not is_region_code(code):
            raise ConfigError(f"briefing.regions.{i}: expected a region code in quotes, got {code!r}")
    formats = check(tree, "briefing.formats", lambda v: isinstance(v, list) and len(v) > 0 and all(
        f in FORMATS for f in v), "a list of pdf and/or docx")
    language = check(tree, "briefing.language", lambda v: v in (None, "zh", "en"), "null, zh or en")
    return BriefingSettings(schedule=" ".join(schedule.split()), output_dir=output_dir,
                            regions=tuple(dict.fromkeys(regions or [])), formats=tuple(dict.fromkeys(formats)),
                            language=language)
