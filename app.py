"""City Cockpit (城市领导驾驶舱): `python app.py` serves it; gunicorn serves `app:server`."""
from __future__ import annotations

import functools
import logging
import subprocess
import sys
from pathlib import Path

import dash
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from core.config import PROJECT_DIR, Config, load_config
from core.config_checks import ConfigError
from core.i18n import t, use_language
from datasources.appdb import AppDB
from datasources.cache import make_cache
from datasources.engines.sqlite import absolute_url
from datasources.users import list_users
from datasources.warehouse import Warehouse
from services.prewarm import start_prewarm
from services.runtime import Runtime
from web.access import install_access, install_page_access
from web.api import register_api
from web.auth import ensure_admin, install_auth, secret_key_for
from web.callback_guard import install_callback_guard
from web.lazy_bundles import defer_grid_bundle
from web.memory import limit_malloc_arenas
from web.oidc import install_oidc
from web.security import install_security
from web.shell import register_shell_callbacks, shell_layout

HERE = Path(__file__).resolve().parent


def create_app(config: Config | None = None) -> dash.Dash:
    """Build the Dash app and its Flask server for one process."""
    config = config or load_config()
    prod = config.production
    cache = make_cache(config.cache_url, max_entries=prod.cache_max_entries, retry_s=prod.cache_retry_s)
    warehouse = Warehouse(absolute_url(config.warehouse_url, PROJECT_DIR), cache=cache,
                          ttl_s=config.cache_ttl_s, stale_keep_s=config.stale_keep_s,
                          tables=config.tables, statement_timeout_s=config.statement_timeout_s,
                          pool_size=config.pool_size, last_good_per_input_s=prod.last_good_per_input_s)
    appdb = AppDB(absolute_url(config.app_db_url, PROJECT_DIR))
    appdb.migrate()
    ensure_admin(appdb, config.admin_password)

    server = Flask(__name__)
    if config.trusted_proxies:
        # The client's address, scheme and host as the proxies saw them: the login throttle and
        # the audit log see real addresses (docs/security.md, "Behind a reverse proxy").
        n = config.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    server.secret_key = secret_key_for(config, appdb)
    server.config.update(JSON_AS_ASCII=False)  # the session cookie's settings: web/auth.install_auth
    server.json.ensure_ascii = False  # type: ignore[attr-defined]
    runtime = Runtime(config, warehouse, appdb)
    server.extensions["cockpit"] = runtime
    # The request's language first: the sign-in guard's pages are worded in it too.
    server.before_request(functools.partial(use_language, config.language))
    install_auth(server)
    install_oidc(server, config.oidc)  # single sign-on, when auth.oidc is configured
    install_callback_guard(server)
    register_api(server)

    app = dash.Dash(__name__, server=server, use_pages=True, pages_folder=str(HERE / "pages"),
                    assets_folder=str(HERE / "assets"), serve_locally=True,
                    assets_ignore=r"\.lazy\.js$",  # large players (*.lazy.js): loaded by the page that needs them
                    title=t("app.title", config.language), update_title=None,
                    suppress_callback_exceptions=True, compress=True)  # gzip/brotli: flask-compress
    defer_grid_bundle(app)  # the grid's 1.3 MB bundle only on pages that draw a grid
    app.layout = shell_layout
    register_shell_callbacks(app)
    install_access(server)
    install_page_access()
    install_security(app, config)  # headers, same-site writes, no traces: docs/security.md
    finish_dash_setup(app)
    if config.prewarm_cache:
        start_prewarm(runtime)
    return app


def finish_dash_setup(app: dash.Dash) -> None:
    """Let Dash finish setting itself up (scripts, the pages' callbacks) before any request comes.

    Dash does it on the first request that reaches it and marks it done before it has finished,
    so on a fresh gunicorn worker the requests other threads answered meanwhile got 404 for
    Dash's bundles and a blank page. Its own set-up step, run now, leaves nothing to the race
    (Dash has no public call for it; tests/test_process.py pins the behaviour). Not a request:
    Flask would then refuse routes added later.
    """
    with app.server.test_request_context("/"):
        app._setup_server()


@functools.cache
def process_app() -> dash.Dash:
    """The one app of this process, built on first use (gunicorn's `app:server`)."""
    return create_app()


def __getattr__(name: str) -> object:
    # gunicorn imports `app:server`; build the app on that first access, not at import, and
    # only once however often the attribute is read.
    if name == "server":
        return process_app().server
    raise AttributeError(name)


def build_missing_demo_warehouse() -> None:
    """On the embedded default, build the demo warehouse first if it is missing.

    Runs the demo generator's own command in a child process: the served code never imports
    the generator, and a gunicorn deployment (which does not run this) never builds demo data.
    """
    subprocess.run([sys.executable, "-m", "demo", "ensure"], cwd=HERE, check=True)


def main() -> None:
    """Serve the cockpit on the configured host and port with waitress, a production WSGI server.

    One process with `server.threads` threads; for several workers behind a proxy use gunicorn
    (deploy/README.md).
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config()
        if config.uses_demo_warehouse and config.build_demo_if_missing:
            build_missing_demo_warehouse()
        app = create_app(config)  # also refuses a COCKPIT_ADMIN_PASSWORD that fails the policy
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    if not list_users(app.server.extensions["cockpit"].appdb.engine):
        print("尚无用户：设置 COCKPIT_ADMIN_PASSWORD 后重启，或运行 python3 -m cli.users add …\n"
              "No users yet: restart with COCKPIT_ADMIN_PASSWORD set, or run python3 -m cli.users add …",
              file=sys.stderr, flush=True)
    print(f"City Cockpit: http://{config.host}:{config.port}/", file=sys.stderr, flush=True)
    from waitress import serve  # only `python app.py` needs it; gunicorn imports app:server

    limit_malloc_arenas()  # before waitress starts its threads (web/memory.py)
    serve(app.server, host=config.host, port=config.port, threads=config.production.server_threads,
          ident="city-cockpit")


if __name__ == "__main__":
    main()
