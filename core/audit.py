"""The audit log's vocabulary: the actions it records, and the time bounds a search takes.

The log itself is append-only (datasources/audit.py has an insert and a select, nothing else);
docs/security.md ("Audit log") lists who records what.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

LOGIN = "login"                          # web/auth.py
LOGIN_FAILED = "login_failed"            # web/auth.py (the name tried; the reason in detail)
LOGOUT = "logout"                        # web/auth.py
EXPORT = "export"                        # a data download: economy charts, the audit CSV
ALERT_ACTION = "alert_action"            # services/alerts.act_on_alert (object: the alert id)
USER_CREATED = "user_created"            # admin API and page, cli.users (object: the user name)
USER_CHANGED = "user_changed"            # the same, for a change (detail: what changed)
ADMIN_PASSWORD_SET = "admin_password_set"  # COCKPIT_ADMIN_PASSWORD created or reset admin
PERSONAL_DATA_VIEWED = "personal_data_viewed"  # web/audit.audit_personal_data_view (/poverty, households API)
ANNOTATION_ADDED = "annotation_added"      # datasources/annotations.py (object: annotation:<id>)
ANNOTATION_CHANGED = "annotation_changed"  # the same, an edit by its author (detail: new values)
DISPATCH = "dispatch"                      # datasources/dispatch.issue_order (object: dispatch:<id>)
DISPATCH_STATUS = "dispatch_status"        # datasources/dispatch.set_status (object: dispatch:<id>; detail: status)

ACTIONS = (LOGIN, LOGIN_FAILED, LOGOUT, EXPORT, ALERT_ACTION, USER_CREATED, USER_CHANGED,
           ADMIN_PASSWORD_SET, PERSONAL_DATA_VIEWED, ANNOTATION_ADDED, ANNOTATION_CHANGED,
           DISPATCH, DISPATCH_STATUS)


def parse_bound(text: str, zone: tzinfo, *, end: bool = False) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime; ValueError when it is neither.

    A time without an offset is read in `zone` (the cockpit's time zone). A date alone is the
    start of that day, or with `end` the start of the next, so `until=2026-05-01` includes all
    of 1 May.
    """
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1) if end else day, time(), zone)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    except OverflowError:
        # 9999-12-31 as an end, or year 1 east of UTC: outside what a datetime can hold.
        raise ValueError(f"{text!r} is out of range") from None


def audit_filters(actor: object, action: object, since: object, until: object, zone: tzinfo) -> dict[str, Any]:
    """Search filters from the texts a form or query string gives (None or blank: no filter).

    ValueError naming the filter when one is not a short, printable text, or `since` /
    `until` is not an ISO 8601 date or date-time (see `parse_bound`; `until` is exclusive, a
    date alone includes that day).
    """
    filters: dict[str, Any] = {}
    for name, value in (("actor", actor), ("action", action), ("since", since), ("until", until)):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str) or len(value) > 64 or not value.isprintable():
            raise ValueError(f"{name} must be a printable text of at most 64 characters")
        try:
            filters[name] = (value.strip() if name in ("actor", "action")
                             else parse_bound(value, zone, end=name == "until"))
        except ValueError as exc:
            raise ValueError(f"{name} must be an ISO 8601 date or date-time such as 2026-05-01 "
                             f"or 2026-05-01T08:00:00+08:00 ({exc})") from None
    return filters
