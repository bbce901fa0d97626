"""Dispatch orders' rules: which status may follow which, when an order is overdue, valid input.

An order moves issued → received → en_route → on_site → done, one step at a time, or is
cancelled from any step before done. Pure: the store is datasources/dispatch.py.
"""
from __future__ import annotations

import re
from datetime import datetime

from core.errors import InvalidAction

STATUSES = ("issued", "received", "en_route", "on_site", "done", "cancelled")
STEPS = ("issued", "received", "en_route", "on_site", "done")
FINAL = frozenset({"done", "cancelled"})
INSTRUCTION_MAX_CHARS = 1000
MAX_TARGETS = 50
REQUEST_ID = re.compile(r"[\w.:-]{8,64}")
_CODE = re.compile(r"[\w.:-]{1,64}")


class UnknownDispatch(LookupError):
    """No dispatch order has this id."""


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses an order in `status` may move to (the next step, or cancelled), in that order."""
    if status in FINAL or status not in STEPS:
        return ()
    return (STEPS[STEPS.index(status) + 1], "cancelled")


def check_step(current: str, new: str) -> None:
    """InvalidAction (conflict) unless `new` follows `current`; (bad input) when `new` is no status."""
    if new not in STATUSES:
        raise InvalidAction("dispatch.err.status", conflict=False, status=new)
    if new not in next_statuses(current):
        raise InvalidAction("dispatch.err.step", conflict=True, current=current, status=new)


def is_overdue(status: str, deadline: datetime | None, now: datetime) -> bool:
    """An order not done nor cancelled whose deadline has passed."""
    return deadline is not None and status not in FINAL and now > deadline


def check_order(dept_codes: object, resource_ids: object, instruction: object, deadline: object,
                now: datetime) -> tuple[list[str], list[str], str, datetime]:
    """The order's input, checked and cleaned: (dept codes, resource ids, instruction, deadline).

    InvalidAction (bad input) naming the field: lists of short codes (duplicates dropped, order
    kept), at least one department or resource, an instruction of 1–1000 characters, and an
    aware deadline later than `now`.
    """
    lists = []
    for name, value in (("dept_codes", dept_codes), ("resource_ids", resource_ids)):
        value = [] if value is None else value
        if not (isinstance(value, list) and len(value) <= MAX_TARGETS
                and all(isinstance(v, str) and _CODE.fullmatch(v) for v in value)):
            raise InvalidAction("dispatch.err.codes", conflict=False, field=name, n=MAX_TARGETS)
        lists.append(list(dict.fromkeys(value)))
    if not (lists[0] or lists[1]):
        raise InvalidAction("dispatch.err.no_target", conflict=False)
    if not isinstance(instruction, str) or not instruction.strip() or len(instruction) > INSTRUCTION_MAX_CHARS:
        raise InvalidAction("dispatch.err.instruction", conflict=False, n=INSTRUCTION_MAX_CHARS)
    try:
        instruction.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidAction("dispatch.err.instruction", conflict=False, n=INSTRUCTION_MAX_CHARS) from None
    if not isinstance(deadline, datetime) or deadline.tzinfo is None:
        raise InvalidAction("dispatch.err.deadline", conflict=False)
    if deadline <= now:
        raise InvalidAction("dispatch.err.deadline_past", conflict=False)
    return lists[0], lists[1], instruction.strip(), deadline


def parse_deadline(text: object) -> datetime | None:
    """An ISO 8601 date-time with an offset (2026-12-01T18:00:00+08:00 or …Z); None when it is not one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
