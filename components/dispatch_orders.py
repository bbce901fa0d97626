"""Dispatch orders drawn: the order form, the list with each order's steps, and the alert detail's summary."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from dash import dcc, html

from components.formatting import format_timestamp
from core.dispatch_rules import INSTRUCTION_MAX_CHARS
from core.i18n import t


def _when(value: object, tz: str) -> str:
    return format_timestamp(value.isoformat() if isinstance(value, datetime) else value, tz)  # type: ignore[arg-type]


def status_badge(status: str, lang: str) -> html.Span:
    """An order's status as a coloured badge."""
    return html.Span(t(f"dispatch.status.{status}", lang), className=f"dispatch-status dispatch-{status}")


def order_form(dept_options: list[dict[str, str]], resource_options: list[dict[str, str]], deadline: str,
               token: str, lang: str) -> html.Div:
    """Departments and/or resources, an instruction and a deadline (local time), and Send."""
    return html.Div([
        html.H3(t("dispatch.new", lang)),
        html.Label(t("dispatch.depts", lang), htmlFor="dispatch-depts"),
        dcc.Dropdown(id="dispatch-depts", options=dept_options, multi=True, placeholder=t("dispatch.depts", lang)),
        html.Label(t("dispatch.resources", lang), htmlFor="dispatch-resources"),
        dcc.Dropdown(id="dispatch-resources", options=resource_options, multi=True,
                     placeholder=t("dispatch.resources", lang)),
        html.Label(t("dispatch.instruction", lang), htmlFor="dispatch-instruction"),
        dcc.Textarea(id="dispatch-instruction", maxLength=INSTRUCTION_MAX_CHARS, className="dispatch-instruction"),
        html.Label(t("dispatch.deadline", lang), htmlFor="dispatch-deadline"),
        dcc.Input(id="dispatch-deadline", type="datetime-local", value=deadline, className="dispatch-deadline"),
        html.Button(t("dispatch.send", lang), id="dispatch-send", className="app-button primary"),
        html.Div(id="dispatch-form-message", className="action-message", role="status"),
        dcc.Store(id="dispatch-token", data=token),
    ], className="dispatch-form")


def _targets(order: Mapping[str, Any], conference: Mapping[str, str], lang: str) -> html.Ul:
    items = []
    for target in order["targets"]:
        name = str(target.get("name") or target["code"])
        label = t("dispatch.depts" if target["kind"] == "dept" else "dispatch.resources", lang)
        parts: list[Any] = [html.Span(label, className="muted"), " ", name]
        url = conference.get(str(target["code"])) if target["kind"] == "dept" else None
        if url:
            parts += [" ", html.A(t("dispatch.conference", lang, name=name), href=url, target="_blank",
                                  rel="noopener", className="dispatch-conference")]
        items.append(html.Li(parts))
    return html.Ul(items, className="dispatch-targets")


def order_card(order: Mapping[str, Any], lang: str, tz: str, conference: Mapping[str, str],
               can_progress: bool) -> html.Div:
    """One order: status (and overdue), targets with their conference rooms, instruction, deadline,
    history with who and when, and the buttons of the steps it may take."""
    oid = order["dispatch_id"]
    head: list[Any] = [html.Span(f"#{oid}", className="dispatch-id"), status_badge(order["status"], lang)]
    if order["overdue"]:
        head.append(html.Span(t("dispatch.overdue", lang), className="alert-overdue dispatch-overdue"))
    head.append(html.Span(t("dispatch.deadline_at", lang, time=_when(order["deadline"], tz)), className="muted"))
    history = html.Ol([html.Li([status_badge(h["status"], lang), " ",
                                t("dispatch.by", lang, user=h["username"], time=_when(h["at"], tz))])
                       for h in order["history"]], className="dispatch-history")
    buttons = [html.Button(t(f"dispatch.step.{s}", lang), id={"type": "dispatch-step", "order": oid, "to": s},
                           className="app-button" + (" danger" if s == "cancelled" else ""))
               for s in order["next"]] if can_progress else []
    return html.Div([html.Div(head, className="dispatch-head"), _targets(order, conference, lang),
                     html.Div(order["instruction"], className="dispatch-text"), history,
                     html.Div(buttons, className="dispatch-steps")],
                    className="dispatch-order" + (" is-overdue" if order["overdue"] else ""),
                    **{"data-dispatch-id": str(oid), "data-status": order["status"]})


def orders_list(orders: Sequence[Mapping[str, Any]], lang: str, tz: str, conference: Mapping[str, str],
                can_progress: bool) -> html.Div:
    """An alert's orders, newest first, or "no orders yet"."""
    if not orders:
        return html.Div(t("dispatch.none", lang), className="muted")
    return html.Div([order_card(o, lang, tz, conference, can_progress) for o in orders], className="dispatch-orders")


def alert_orders_block(orders: Sequence[Mapping[str, Any]], alert_id: str, lang: str, tz: str) -> html.Div:
    """The alert detail's (and the console drawer's) orders: open and overdue counts, each order's
    status and targets, and the link to video dispatch for this alert."""
    open_orders = [o for o in orders if o["next"]]
    overdue = sum(1 for o in open_orders if o["overdue"])
    counts: list[Any] = ([html.Span(t("dispatch.open_count", lang, n=len(open_orders)), className="dispatch-open")]
                         if orders else [])
    if overdue:
        counts.append(html.Span(t("dispatch.overdue_count", lang, n=overdue), className="alert-overdue"))
    rows = [html.Li([html.Span(f"#{o['dispatch_id']}", className="dispatch-id"), status_badge(o["status"], lang),
                     *([html.Span(t("dispatch.overdue", lang), className="alert-overdue")] if o["overdue"] else []),
                     html.Span(", ".join(str(x.get("name") or x["code"]) for x in o["targets"]),
                               className="tl-detail"),
                     html.Span(_when(o["created_at"], tz), className="tl-time")],
                    className="dispatch-summary-item" + (" is-open" if o["next"] else ""))
            for o in orders]
    return html.Div([
        html.H4(t("dispatch.title", lang)), html.Div(counts, className="dispatch-counts"),
        html.Ul(rows, className="dispatch-summary") if rows else html.Div(t("dispatch.none", lang), className="muted"),
        dcc.Link(t("dispatch.open_wall", lang), href=f"/dispatch?alert={quote(alert_id, safe='')}",
                 className="app-button dispatch-open-wall"),
    ], className="alert-dispatch-block")
