"""The alert lifecycle: statuses, the actions a duty officer takes, and which may follow which.

The warehouse knows each alert's status as its source systems see it; the cockpit adds its
own actions. The status shown is the further along of the two (`combine_status`).
"""
from __future__ import annotations

from core.contract import ALERT_LEVELS
from core.errors import InvalidAction
from core.values import is_missing

STATUSES = ("new", "acknowledged", "dispatched", "resolved", "closed")
OPEN_STATUSES = ("new", "acknowledged", "dispatched")
ACTIONS = ("acknowledge", "assign", "escalate", "note", "resolve", "close")
NOTE_MAX_CHARS = 2000
_RANK = {status: i for i, status in enumerate(STATUSES)}

# Which combined statuses each action may start from, and the status it leads to (None: unchanged).
_TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "acknowledge": (("new",), "acknowledged"),
    "assign": (OPEN_STATUSES, "dispatched"),
    "escalate": (OPEN_STATUSES, None),
    "note": (STATUSES, None),
    "resolve": (OPEN_STATUSES, "resolved"),
    "close": (("new", "acknowledged", "dispatched", "resolved"), "closed"),
}


def target_status(action: str) -> str | None:
    """The status an action leads to, or None when it leaves the status as it is."""
    return _TRANSITIONS[action][1]


def combine_status(warehouse_status: object, cockpit_status: object) -> str:
    """The further along of the warehouse's and the cockpit's status; unknown counts as 'new'."""
    ranks = [_RANK.get(s, 0) for s in (warehouse_status, cockpit_status) if isinstance(s, str)]
    return STATUSES[max(ranks, default=0)]


def combine_level(warehouse_level: object, escalated: object) -> int | None:
    """The more severe (lower) of the warehouse's level and an escalation; None when neither is 1–4."""
    levels = [int(v) for v in (warehouse_level, escalated)  # type: ignore[call-overload]
              if not is_missing(v) and int(v) in ALERT_LEVELS]  # type: ignore[call-overload]
    return min(levels) if levels else None


def check_action(action: str, status: str, level: int | None, *, dept_code: str | None = None,
                 new_level: int | None = None, note: str | None = None) -> None:
    """Raise InvalidAction unless `action` with this input may follow the combined `status`."""
    if action not in _TRANSITIONS:
        raise InvalidAction("alerts.err.unknown_action", conflict=False, action=action)
    if action == "assign" and not dept_code:
        raise InvalidAction("alerts.err.need_dept", conflict=False)
    if action == "note" and not (note or "").strip():
        raise InvalidAction("alerts.err.need_note", conflict=False)
    if note is not None and len(note) > NOTE_MAX_CHARS:
        raise InvalidAction("alerts.err.note_too_long", conflict=False, n=NOTE_MAX_CHARS)
    if action == "escalate" and new_level not in ALERT_LEVELS:
        raise InvalidAction("alerts.err.need_level", conflict=False)
    allowed, _ = _TRANSITIONS[action]
    if status not in allowed:
        key = "alerts.err.already_acknowledged" if status in OPEN_STATUSES else "alerts.err.not_from"
        raise InvalidAction(key, action=action, status=status)
    if action == "escalate" and level is not None and new_level >= level:  # type: ignore[operator]
        raise InvalidAction("alerts.err.escalate_not_higher", level=level)
