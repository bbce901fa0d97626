"""Administration `/admin` (administrators only): accounts, and the audit log with its CSV.

The user list is a grid; picking a row fills the form, which creates a user or saves changes
through services/accounts.py (password policy, session version, audit). The audit search takes
an actor, an action and a date range and shows the newest PAGE_SIZE events; the CSV download
holds up to datasources.audit.MAX_ROWS and is itself audited as an export.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components.admin import (
    action_options,
    audit_csv,
    audit_grid,
    audit_rows,
    labelled,
    role_options,
    user_rows,
    users_grid,
)
from core.audit import audit_filters
from core.i18n import current_language, t
from core.passwords import WeakPassword
from core.permissions import ADMINISTER, ROLES
from datasources.appdb import AppDatabaseError
from datasources.audit import MAX_ROWS, search_audit
from datasources.users import UserExists, list_users
from services.accounts import LastAdmin, change_account, create_account
from web.audit import audit_export, client_address
from web.auth import current_user
from web.runtime import current_runtime

dash.register_page(__name__, path="/admin", nav_key="nav.admin", nav_order=90, access=ADMINISTER,
                   title=lambda **_: t("nav.admin"))

# Component IDs, prefixed by page and defined once.
USERS, USER_MESSAGE = "admin-users", "admin-user-message"
USERNAME, DISPLAY, ROLE, SCOPE, PASSWORD, FLAGS = ("admin-username", "admin-display-name", "admin-role",
                                                   "admin-scope", "admin-password", "admin-flags")
CREATE, SAVE, CLEAR = "admin-create", "admin-save", "admin-clear"
ACTOR, ACTION, SINCE, UNTIL = "admin-actor", "admin-action", "admin-since", "admin-until"
SEARCH, CSV, DOWNLOAD, AUDIT, AUDIT_NOTE = ("admin-audit-search", "admin-audit-csv", "admin-audit-download",
                                            "admin-audit-grid", "admin-audit-note")
PAGE_SIZE = 500
FLAG_VALUES = ("personal_data", "disabled")
FORM_TEXT_MAX = 256


def _text_input(component_id: str, input_type: str = "text", placeholder: str = "") -> dcc.Input:
    return dcc.Input(id=component_id, type=input_type, value="", placeholder=placeholder, debounce=False,
                     autoComplete="new-password" if input_type == "password" else "off")


def _button(component_id: str, key: str, lang: str) -> html.Button:
    return html.Button(t(key, lang), id=component_id, n_clicks=0, className="app-button")


def layout(**_query: str) -> html.Div:
    """The user panel (grid and form) and the audit panel (filters, grid, CSV)."""
    lang = current_language()
    user_form = html.Div([
        labelled(t("admin.col.username", lang), _text_input(USERNAME)),
        labelled(t("admin.col.display_name", lang), _text_input(DISPLAY)),
        labelled(t("admin.col.role", lang), dcc.Dropdown(id=ROLE, options=role_options(lang), clearable=False)),
        labelled(t("admin.col.region_scope", lang), _text_input(SCOPE, placeholder=t("admin.form.scope", lang))),
        labelled(t("admin.form.password", lang), _text_input(PASSWORD, "password")),
        dcc.Checklist(id=FLAGS, value=[], className="admin-checks", options=[
            {"label": t("admin.form.personal_data", lang), "value": "personal_data"},
            {"label": t("admin.form.disabled", lang), "value": "disabled"}]),
        html.Div([_button(CREATE, "admin.form.create", lang), _button(SAVE, "admin.form.save", lang),
                  _button(CLEAR, "admin.form.clear", lang)], className="admin-buttons"),
    ], className="admin-form")
    audit_form = html.Div([
        labelled(t("admin.audit.actor", lang), _text_input(ACTOR)),
        labelled(t("admin.audit.action", lang), dcc.Dropdown(id=ACTION, options=action_options(lang))),
        labelled(t("admin.audit.since", lang), _text_input(SINCE, placeholder="2026-05-01")),
        labelled(t("admin.audit.until", lang), _text_input(UNTIL, placeholder="2026-05-31")),
        html.Div([_button(SEARCH, "admin.audit.search", lang), _button(CSV, "admin.audit.csv", lang)],
                 className="admin-buttons"),
    ], className="admin-form")
    return html.Div([
        html.Section([html.H2(t("admin.users", lang), className="panel-title"), users_grid(USERS, lang),
                      html.P(t("admin.form.title", lang), className="admin-note"), user_form,
                      html.Div(id=USER_MESSAGE, className="admin-message", role="status")], className="panel"),
        html.Section([html.H2(t("admin.audit", lang), className="panel-title"), audit_form,
                      html.Div(id=AUDIT_NOTE, className="admin-note"), audit_grid(AUDIT, lang),
                      dcc.Download(id=DOWNLOAD)], className="panel"),
    ])


def _form_text(value: object) -> str | None:
    """A form text, stripped (None when blank); PreventUpdate for what no form sends."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > FORM_TEXT_MAX or not value.isprintable():
        raise PreventUpdate
    return value.strip() or None


def _form_flags(value: object) -> set[str]:
    if value is None:
        return set()
    if not isinstance(value, list) or not all(isinstance(v, str) and v in FLAG_VALUES for v in value):
        raise PreventUpdate
    return set(value)


def _field_label(field: str, lang: str) -> str:
    return t("login.password" if field == "password" else f"admin.col.{field}", lang)


def _apply(action: str, form: dict[str, Any], lang: str) -> tuple[str, bool]:
    """Create or change the user the form names: (message, succeeded)."""
    rt = current_runtime()
    engine, user = rt.appdb.engine, current_user()
    actor, address, username = user.username if user else None, client_address(), form["username"] or ""
    try:
        if action == CREATE:
            create_account(engine, actor, address, username, form["password"] or "", form["role"] or "",
                           form["scope"], form["display"], "personal_data" in form["flags"])
            if "disabled" in form["flags"]:
                change_account(engine, actor, address, username, {"disabled": True})
            return t("admin.msg.created", lang, username=username), True
        changes: dict[str, Any] = {"role": form["role"] or "", "region_scope": form["scope"],
                                   "display_name": form["display"],
                                   "personal_data": "personal_data" in form["flags"],
                                   "disabled": "disabled" in form["flags"]}
        if form["password"]:
            changes["password"] = form["password"]
        _, changed = change_account(engine, actor, address, username, changes)
    except WeakPassword as exc:
        return exc.text(lang), False
    except UserExists:
        return t("admin.msg.exists", lang, username=username), False
    except LookupError:
        return t("users.unknown", lang, username=username), False
    except LastAdmin:
        return t("admin.msg.last_admin", lang, username=username), False
    except ValueError as exc:
        return t("users.invalid", lang, error=exc), False
    except AppDatabaseError:
        return t("admin.msg.db", lang), False
    if not changed:
        return t("admin.msg.unchanged", lang, username=username), True
    return t("admin.msg.saved", lang, username=username,
             changes=("、" if lang == "zh" else ", ").join(_field_label(field, lang) for field in changed)), True


@callback(
    Output(USERS, "rowData"), Output(USER_MESSAGE, "children"), Output(USER_MESSAGE, "className"),
    Output(PASSWORD, "value"),
    Input(CREATE, "n_clicks"), Input(SAVE, "n_clicks"), Input(CLEAR, "n_clicks"),
    State(USERNAME, "value"), State(DISPLAY, "value"), State(ROLE, "value"), State(SCOPE, "value"),
    State(PASSWORD, "value"), State(FLAGS, "value"),
)
def users(_create: object, _save: object, _clear: object, username: object, display: object, role: object,
          scope: object, password: object, flags: object) -> tuple[Any, ...]:
    """The user list; on Create or Save, first the change (the password field is emptied after)."""
    lang = current_language()
    trigger = ctx.triggered_id
    message, css = "", "admin-message"
    if trigger in (CREATE, SAVE):
        if role is not None and role not in ROLES:
            raise PreventUpdate
        form = {"username": _form_text(username), "display": _form_text(display), "role": role,
                "scope": _form_text(scope), "flags": _form_flags(flags),
                "password": password if isinstance(password, str) and len(password) <= FORM_TEXT_MAX else None}
        message, ok = _apply(trigger, form, lang)
        css += " is-ok" if ok else " is-error"
    try:
        rows = user_rows((asdict(u) for u in list_users(current_runtime().appdb.engine)), lang)
    except AppDatabaseError:
        rows, message, css = no_update, t("admin.msg.db", lang), "admin-message is-error"
    return rows, message, css, "" if trigger in (CREATE, SAVE, CLEAR) else no_update


@callback(
    Output(USERNAME, "value"), Output(DISPLAY, "value"), Output(ROLE, "value"), Output(SCOPE, "value"),
    Output(FLAGS, "value"),
    Input(USERS, "selectedRows"), Input(CLEAR, "n_clicks"),
    prevent_initial_call=True,
)
def pick(selected: object, _clear: object) -> tuple[Any, ...]:
    """Fill the form from the picked row; Clear empties it."""
    if ctx.triggered_id == CLEAR or not selected:
        return "", "", None, "", []
    row = selected[0] if isinstance(selected, list) else None
    if not isinstance(row, dict):
        raise PreventUpdate
    values = (row.get("username"), row.get("display_name"), row.get("_role"), row.get("_region_scope"))
    if not all(isinstance(v, str) and len(v) <= FORM_TEXT_MAX for v in values) or values[2] not in ROLES:
        raise PreventUpdate
    flags = [flag for flag in FLAG_VALUES if row.get(f"_{flag}") is True]
    return (*values, flags)


def _search(actor: object, action: object, since: object, until: object, limit: int) -> list[dict[str, Any]]:
    """Events matching the filters as dicts, newest first; ValueError for a bad filter."""
    rt = current_runtime()
    filters = audit_filters(actor, action, since, until, ZoneInfo(rt.config.timezone))
    return [asdict(e) for e in search_audit(rt.appdb.engine, **filters, limit=limit)]


@callback(
    Output(AUDIT, "rowData"), Output(AUDIT_NOTE, "children"),
    Input(SEARCH, "n_clicks"),
    State(ACTOR, "value"), State(ACTION, "value"), State(SINCE, "value"), State(UNTIL, "value"),
)
def search(_clicks: object, actor: object, action: object, since: object, until: object) -> tuple[Any, str]:
    """The newest PAGE_SIZE events matching the filters (all events when none is set)."""
    lang = current_language()
    try:
        events = _search(actor, action, since, until, PAGE_SIZE + 1)
    except ValueError as exc:
        return [], t("admin.audit.bad_date", lang, error=exc)
    except AppDatabaseError:
        return no_update, t("admin.msg.db", lang)
    note = (t("admin.audit.more", lang, n=PAGE_SIZE) if len(events) > PAGE_SIZE
            else t("admin.audit.count", lang, n=len(events)))
    return audit_rows(events[:PAGE_SIZE], ZoneInfo(current_runtime().config.timezone), lang), note


@callback(
    Output(DOWNLOAD, "data"),
    Input(CSV, "n_clicks"),
    State(ACTOR, "value"), State(ACTION, "value"), State(SINCE, "value"), State(UNTIL, "value"),
    prevent_initial_call=True,
)
def download(clicks: object, actor: object, action: object, since: object, until: object) -> object:
    """The matching events (up to MAX_ROWS) as CSV; the download is audited as an export."""
    if not isinstance(clicks, int) or isinstance(clicks, bool) or clicks < 1:
        raise PreventUpdate
    lang = current_language()
    rt = current_runtime()
    try:
        events = _search(actor, action, since, until, MAX_ROWS)
    except (ValueError, AppDatabaseError):
        raise PreventUpdate from None
    name = f"{t('admin.audit', lang)}_{datetime.now(ZoneInfo(rt.config.timezone)):%Y%m%d}.csv"
    audit_export(name, f"audit log, {len(events)} events, filters: actor={actor or '-'} action={action or '-'} "
                       f"since={since or '-'} until={until or '-'}")
    return dcc.send_bytes(audit_csv(events, ZoneInfo(rt.config.timezone), lang), name)
