"""The runtime of the app serving the current request (kept on the Flask app, not in a global)."""
from __future__ import annotations

from flask import current_app

from services.runtime import Runtime


def current_runtime() -> Runtime:
    """The runtime of the app serving the current request."""
    return current_app.extensions["cockpit"]
