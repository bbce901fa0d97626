"""JSON API `/api/v1` for integrations and a mobile client, one blueprint per area."""
from __future__ import annotations

from flask import Flask

from web.api.admin import api_admin
from web.api.alert_stream import api_alert_stream
from web.api.alerts import api_alerts
from web.api.annotations import api_annotations
from web.api.briefing import api_briefing
from web.api.cameras import api_cameras
from web.api.common import register_error_handlers
from web.api.dispatch import api_dispatch
from web.api.households import api_households
from web.api.indicators import api_indicators
from web.api.projects import api_projects
from web.api.status import api
from web.media import media


def register_api(server: Flask) -> None:
    """Register every API blueprint and the JSON error handlers they share."""
    register_error_handlers(server)
    for blueprint in (api, api_indicators, api_alert_stream, api_alerts, api_admin, api_annotations,
                      api_households, api_cameras, api_dispatch, media, api_briefing, api_projects):
        server.register_blueprint(blueprint)
