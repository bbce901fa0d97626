"""City Cockpit (城市领导驾驶舱): `python app.py` serves it; gunicorn serves `app:server`."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import dash
from flask import Flask

from cockpit.api import register_api
from cockpit.auth import ensure_admin, install_auth, secret_key_for
from cockpit.config import Config, ConfigError, load_config
from cockpit.demo_bootstrap import absolute_sqlite_url, ensure_demo_warehouse
from cockpit.i18n import t
from cockpit.prewarm import start_prewarm
from cockpit.runtime import Runtime
from cockpit.shell import register_shell_callbacks, shell_layout
from datasources.appdb import AppDB
from datasources.cache import make_cache
from datasources.warehouse import Warehouse

HERE = Path(__file__).resolve().parent


def create_app(config: Config | None = None) -> dash.Dash:
    """Build the Dash app and its Flask server for one process."""
    config = config or load_config()
    ensure_demo_warehouse(config)
    warehouse = Warehouse(absolute_sqlite_url(config.warehouse_url), cache=make_cache(config.cache_url),
                          ttl_s=config.cache_ttl_s, stale_keep_s=config.stale_keep_s,
                          tables=config.tables, statement_timeout_s=config.statement_timeout_s,
                          pool_size=config.pool_size)
    appdb = AppDB(absolute_sqlite_url(config.app_db_url))
    appdb.migrate()
    ensure_admin(appdb, config.admin_password)

    server = Flask(__name__)
    server.secret_key = secret_key_for(config, appdb)
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         JSON_AS_ASCII=False)
    server.json.ensure_ascii = False  # type: ignore[attr-defined]
    runtime = Runtime(config, warehouse, appdb)
    server.extensions["cockpit"] = runtime
    install_auth(server)
    register_api(server)

    app = dash.Dash(__name__, server=server, use_pages=True, pages_folder=str(HERE / "pages"),
                    assets_folder=str(HERE / "assets"), serve_locally=True,
                    title=t("app.title", config.language), update_title=None,
                    suppress_callback_exceptions=True)
    app.layout = shell_layout
    register_shell_callbacks(app)
    if config.prewarm_cache:
        start_prewarm(runtime)
    return app


def __getattr__(name: str) -> object:
    # gunicorn imports `app:server`; build the app on that first access, not at import.
    if name == "server":
        return create_app().server
    raise AttributeError(name)


def main() -> None:
    """Start the development server on the configured host and port."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    app = create_app(config)
    if not app.server.extensions["cockpit"].appdb.list_users():
        print("尚无用户：设置 COCKPIT_ADMIN_PASSWORD 后重启，或运行 python3 -m cockpit.users add …\n"
              "No users yet: restart with COCKPIT_ADMIN_PASSWORD set, or run python3 -m cockpit.users add …",
              file=sys.stderr, flush=True)
    print(f"City Cockpit: http://{config.host}:{config.port}/", file=sys.stderr, flush=True)
    app.run(host=config.host, port=config.port, debug=False)


if __name__ == "__main__":
    main()
