"""Who may do what: roles, their permissions, and region scopes (docs/security.md).

One matrix for every page, callback, API route and export. A user's region scope (None: the
whole city) limits what they see to that region and what lies below it; seeing unmasked
personal data is a permission of its own, granted per user, never by a role.
"""
from __future__ import annotations

from core.regions import is_within

VIEW = "view"                      # read the cockpit's pages and the read API
VIEW_SCREEN = "view_screen"        # the wall screen (the overview until the big screen lands)
EXPORT = "export"                  # download data and charts
ACT_ON_ALERTS = "act_on_alerts"    # acknowledge, assign, escalate, note, resolve, close
DISPATCH = "dispatch"              # send orders to departments
ANNOTATE = "annotate"              # notes on indicators and projects
ADMINISTER = "administer"          # users, settings, the audit log
PERSONAL_DATA = "personal_data"    # unmasked personal data: per user, never by role

PERMISSIONS = (VIEW, VIEW_SCREEN, EXPORT, ACT_ON_ALERTS, DISPATCH, ANNOTATE, ADMINISTER, PERSONAL_DATA)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "leader": frozenset({VIEW, VIEW_SCREEN, EXPORT, DISPATCH, ANNOTATE}),
    "duty_officer": frozenset({VIEW, VIEW_SCREEN, ACT_ON_ALERTS, DISPATCH}),
    "analyst": frozenset({VIEW, VIEW_SCREEN, EXPORT, ANNOTATE}),
    "screen": frozenset({VIEW_SCREEN}),
    # An administrator reads the pages to check a setting, but acts on nothing in them.
    "admin": frozenset({VIEW, VIEW_SCREEN, ADMINISTER}),
}
ROLES = tuple(ROLE_PERMISSIONS)


def role_permits(role: str, permission: str, *, personal_data: bool = False) -> bool:
    """Whether a user of `role` (with the per-user personal-data flag) holds `permission`."""
    if permission == PERSONAL_DATA:
        return personal_data
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def in_scope(region_code: str, scope: str | None) -> bool:
    """Whether a user scoped to `scope` (None: everything) may see `region_code`."""
    return scope is None or is_within(region_code, scope)
