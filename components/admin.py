"""Pure views of the administration page and API: user and audit tables, options, the audit CSV.

Users and audit events come in as plain mappings (`dataclasses.asdict` of datasources.users.User
and datasources.audit.AuditEvent); nothing here reads data or knows Flask.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

import dash_ag_grid as dag
from dash import html

from core.audit import ACTIONS
from core.i18n import t
from core.permissions import ROLES

AUDIT_FIELDS = ("at", "actor", "action", "object", "address", "detail")
USER_FIELDS = ("username", "display_name", "role", "region_scope", "personal_data", "disabled", "auth_source")
# A spreadsheet runs a cell starting with one of these as a formula; failed sign-ins put any
# text a stranger types into the log, so such cells are written with a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def role_options(lang: str) -> list[dict[str, str]]:
    """The roles for a dropdown, labelled in `lang`."""
    return [{"label": t(f"role.{role}", lang), "value": role} for role in ROLES]


def action_options(lang: str) -> list[dict[str, str]]:
    """The audited actions for a dropdown, labelled in `lang` with their code."""
    return [{"label": action_label(action, lang), "value": action} for action in ACTIONS]


def labelled(label: str, control: Any, class_name: str = "admin-field") -> html.Label:
    """A form control under its label."""
    return html.Label([html.Span(label, className="admin-label"), control], className=class_name)


def _grid(grid_id: str, columns: list[dict[str, Any]], row_id: str | None, lang: str,
          options: Mapping[str, Any] | None = None) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id, rowData=[], columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": True, "flex": 1, "minWidth": 100},
        getRowId=f"params.data.{row_id}" if row_id else None, className="economy-grid admin-grid",
        dashGridOptions={"domLayout": "autoHeight", "animateRows": False, "pagination": True,
                         "paginationPageSize": 20, "localeText": {"noRowsToShow": t("overview.no_data", lang)},
                         **(options or {})},
        style={"width": "100%"})


def users_grid(grid_id: str, lang: str) -> dag.AgGrid:
    """The user list: one row per account, a row is picked to change it."""
    columns = [{"field": field, "headerName": t(f"admin.col.{field}", lang)} for field in USER_FIELDS]
    return _grid(grid_id, columns, "username", lang,
                 {"rowSelection": {"mode": "singleRow", "enableClickSelection": True, "checkboxes": False}})


def user_rows(users: Iterable[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The grid's rows: roles, scopes and flags worded in `lang`; `_role` etc. keep the raw values."""
    rows = []
    for user in users:
        rows.append({
            "username": user["username"], "display_name": user.get("display_name") or "",
            "role": t(f"role.{user['role']}", lang),
            "region_scope": user.get("region_scope") or t("users.whole_city", lang),
            "personal_data": t("admin.yes" if user.get("personal_data") else "admin.no", lang),
            "disabled": t("users.inactive" if user.get("disabled") else "users.active", lang),
            "auth_source": user.get("auth_source") or "local",
            "_role": user["role"], "_region_scope": user.get("region_scope") or "",
            "_personal_data": bool(user.get("personal_data")), "_disabled": bool(user.get("disabled")),
        })
    return rows


def audit_grid(grid_id: str, lang: str) -> dag.AgGrid:
    """The audit search's result table, newest first."""
    columns = [{"field": field, "headerName": t(f"admin.audit.{field}", lang),
                **({"minWidth": 170} if field == "at" else {"flex": 2} if field == "detail" else {})}
               for field in AUDIT_FIELDS]
    return _grid(grid_id, columns, None, lang)


def local_time(at: datetime, zone: tzinfo, *, iso: bool = False) -> str:
    """`at` in the cockpit's time zone: 2026-05-01 08:00:00, or ISO 8601 with its offset."""
    moment = at.astimezone(zone)
    return moment.isoformat(timespec="seconds") if iso else moment.strftime("%Y-%m-%d %H:%M:%S")


def action_label(action: str, lang: str) -> str:
    """An audited action in `lang` with its code, e.g. 登录（login）; an unknown one as its code."""
    return f"{t(f'audit.action.{action}', lang)} ({action})" if action in ACTIONS else action


def audit_rows(events: Iterable[Mapping[str, Any]], zone: tzinfo, lang: str) -> list[dict[str, Any]]:
    """The audit grid's rows: local times, actions worded in `lang`, no actor shown as the system."""
    return [{**{field: event.get(field) or "" for field in AUDIT_FIELDS}, "at": local_time(event["at"], zone),
             "action": action_label(event["action"], lang),
             "actor": event.get("actor") or t("admin.audit.system", lang)} for event in events]


def audit_json(event: Mapping[str, Any]) -> dict[str, Any]:
    """One event for the JSON API: `at` in ISO 8601 UTC (…Z)."""
    return {**{field: event.get(field) for field in AUDIT_FIELDS},
            "at": event["at"].astimezone(UTC).isoformat().replace("+00:00", "Z")}


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def audit_csv(events: Iterable[Mapping[str, Any]], zone: tzinfo, lang: str) -> bytes:
    """The events as CSV in UTF-8 with a byte-order mark (Excel then shows the Chinese headers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([t(f"admin.audit.{field}", lang) for field in AUDIT_FIELDS])
    for event in events:
        writer.writerow([local_time(event["at"], zone, iso=True), *[_cell(event.get(f)) for f in AUDIT_FIELDS[1:]]])
    return buffer.getvalue().encode("utf-8-sig")
