"""JSON API `/api/v1` for integrations and a mobile client, one blueprint per area."""
from __future__ import annotations

from flask import Flask

from web.api.admin import api_admin
from web.api.alert_stream import api_alert_stream
from web.api.alerts import api_alerts
from web.api.common import register_error_handlers
from web.api.indicators import api_indicators
from web.api.status import api


def register_api(server: Flask) -> None:
    """Register every API blueprint and the JSON error handlers they share."""
    register_error_handlers(server)
    for blueprint in (api, api_indicators, api_alert_stream, api_alerts, api_admin):
        server.register_blueprint(blueprint)
