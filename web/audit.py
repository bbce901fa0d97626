"""Audit from inside a request: the signed-in user as actor, the client's address as address.

Pages and API routes call these; the log and its action names are datasources/audit.py and
core/audit.py. A page or route that shows unmasked personal data (pages/poverty.py,
web/api/households.py) calls `audit_personal_data_view` each time it shows it.
"""
from __future__ import annotations

from flask import has_request_context, request

from core.audit import EXPORT, PERSONAL_DATA_VIEWED
from datasources.audit import audit
from web.auth import current_user
from web.runtime import current_runtime


def client_address() -> str | None:
    """The address the current request came from (the proxy's, behind one without ProxyFix)."""
    return request.remote_addr if has_request_context() else None


def audit_event(action: str, object_: str | None = None, detail: str = "") -> None:
    """Append `action` on `object_` to the audit log, by the signed-in user, from this request's address."""
    user = current_user()
    audit(current_runtime().appdb.engine, user.username if user else None, action, detail, client_address(),
          object_)


def audit_export(file_name: str, detail: str = "") -> None:
    """Record a download of data (the file's name as object, what it holds as detail)."""
    audit_event(EXPORT, file_name, detail)


def audit_personal_data_view(object_: str, detail: str = "") -> None:
    """Record that the signed-in user was shown unmasked personal data of `object_` (e.g. a household id)."""
    audit_event(PERSONAL_DATA_VIEWED, object_, detail)
