"""Sign-in: the login page, the signed session cookie and the guard in front of every route.

Plain Flask, so the guard also covers Dash's own routes and the JSON API. Who is signed in
is re-read from the app database on each request, so disabling an account or changing a role
takes effect at once.

A session ends (docs/security.md, "Sessions") when the user's `session_version` has moved on
(signed out anywhere, password, role, scope or account changed), after `session.idle_minutes`
without a request, and `session.absolute_hours` after signing in; it is checked on every
request. Failed sign-ins slow down the (user name, address) pair: `web/throttle.py`.

While the app database cannot be read, a signed-in user keeps reading as the last known user:
the name, role and region scope the session cookie carries from the last successful lookup
(its time limits still apply, personal data is not shown, and nothing can be saved). Signing
in answers 503 until the database returns (docs/deployment.md, "Faults").
"""
from __future__ import annotations

import logging
import math
import time
from datetime import timedelta
from string import Template
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_request_context, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from markupsafe import escape

from core.audit import ADMIN_PASSWORD_SET, LOGIN, LOGIN_FAILED, LOGOUT
from core.config import Config
from core.config_checks import ConfigError
from core.i18n import current_language, t
from core.passwords import WeakPassword, check_password
from datasources.appdb import AppDatabaseError, AppDB
from datasources.audit import audit
from datasources.users import User, get_user, upsert_user, verify_password
from web.throttle import count_failure, forget_failures, throttled_for

log = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset({"/login", "/logout", "/api/v1/health", "/login/oidc", "/login/oidc/callback"})
# Dash's own library bundles (the same files as on PyPI, no data): a page that lazy-loads one
# after its session ended must get the code, not a 401 in the console; its next callback then
# meets the guard and goes to the login page.
PUBLIC_PREFIXES = ("/_dash-component-suites/",)
_USER_KEY = "_cockpit_user"
_ABSENT = object()

# What the signed session cookie holds besides the user: the account's session_version at
# sign-in, and when the session started and was last used (epoch seconds).
_VERSION, _LOGIN_AT, _SEEN_AT = "session_version", "login_at", "seen_at"
# Last-seen is rewritten at most this often (and a quarter of the idle limit), so the cookie is
# not sent anew with every callback.
SEEN_REFRESH_S = 60

_LOGIN_PAGE = Template("""<!doctype html>
<html lang="$html_lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
         background: radial-gradient(circle at 50% 30%, #12284a 0%, #060d1a 70%); color: #d8e6ff;
         font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
  form { width: 22rem; padding: 2.2rem 2rem; background: rgba(10, 24, 48, 0.92);
         border: 1px solid #1f4f8f; border-radius: 10px; box-shadow: 0 0 30px rgba(40, 120, 255, 0.25); }
  h1 { margin: 0 0 0.3rem; font-size: 1.5rem; text-align: center; color: #7fd4ff; letter-spacing: 0.1em; }
  h2 { margin: 0 0 1.6rem; font-size: 0.95rem; font-weight: normal; text-align: center; color: #8aa4c8; }
  label { display: block; margin: 0.9rem 0 0.35rem; font-size: 0.9rem; color: #9fb8da; }
  input { width: 100%; padding: 0.6rem 0.7rem; font-size: 1rem; color: #e8f1ff; background: #0b1a33;
          border: 1px solid #2a5a9a; border-radius: 6px; outline: none; }
  input:focus { border-color: #4fb3ff; box-shadow: 0 0 0 2px rgba(79, 179, 255, 0.25); }
  button { width: 100%; margin-top: 1.6rem; padding: 0.7rem; font-size: 1rem; color: #fff; cursor: pointer;
           background: linear-gradient(90deg, #1769d1, #1fa2ff); border: 0; border-radius: 6px; }
  button:hover { filter: brightness(1.1); }
  .sso { display: block; margin-top: 1rem; text-align: center; color: #7fd4ff; }
  .error { margin: 0 0 0.5rem; padding: 0.55rem 0.7rem; font-size: 0.9rem; color: #ffd2d2;
           background: rgba(200, 40, 40, 0.25); border: 1px solid #c43c3c; border-radius: 6px; }
</style>
</head>
<body>
<form method="post" action="$action">
  <h1>$title</h1>
  <h2>$heading</h2>
  $error
  <input type="hidden" name="next" value="$next">
  <label for="username">$username_label</label>
  <input id="username" name="username" value="$username" autocomplete="username" required $focus_user>
  <label for="password">$password_label</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required $focus_password>
  <button type="submit">$submit</button>
  $sso
</form>
</body>
</html>
""")


def _appdb() -> AppDB:
    return current_app.extensions["cockpit"].appdb


def current_user() -> User | None:
    """The signed-in, enabled user of the current request, or None."""
    if not has_request_context():
        return None
    cached = g.get(_USER_KEY, _ABSENT)
    if cached is not _ABSENT:
        return cached  # type: ignore[return-value]
    user: User | None = None
    username = session.get("username")
    if isinstance(username, str):
        try:
            user = get_user(_appdb().engine, username)
        except AppDatabaseError as exc:
            setattr(g, _USER_KEY, _last_known_user(username, exc))
            return g.get(_USER_KEY)
        if user is None or user.disabled or not _session_alive(user):
            session.clear()
            user = None
        elif (session.get("role"), session.get("region_scope")) != (user.role, user.region_scope):
            _remember(user)
    setattr(g, _USER_KEY, user)
    return user


def _last_known_user(username: str, exc: Exception) -> User | None:
    """The session's own record of its user, while the app database cannot say (reads only)."""
    role, scope, version = session.get("role"), session.get("region_scope"), session.get(_VERSION)
    if not isinstance(role, str) or not (scope is None or isinstance(scope, str)) or not isinstance(version, int):
        return None
    user = User(username=username, role=role, region_scope=scope, display_name=None, disabled=False,
                session_version=version)
    if not _session_alive(user):
        return None
    # Once a minute per process, not once per request: every console polls while the database is down.
    warned = current_app.extensions.setdefault("cockpit.last_known_user_warned", [float("-inf")])
    if time.monotonic() - warned[0] >= 60:
        warned[0] = time.monotonic()
        log.warning("app database unreadable; signed-in users continue as their sessions' last known user "
                    "(e.g. %s): %s", username, exc)
    return user


def _session_alive(user: User) -> bool:
    """Whether this request's session of `user` still holds; refreshes its last-seen time."""
    login_at, seen_at = session.get(_LOGIN_AT), session.get(_SEEN_AT)
    if session.get(_VERSION) != user.session_version or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in (login_at, seen_at)):
        return False  # signed out or changed since, or a session from before these limits
    config = current_app.extensions["cockpit"].config
    idle_s, now = config.session_idle_minutes * 60, time.time()
    # A wall screen runs for days: its account's session has no time limit while
    # screens.kiosk_session is on; an administrator still ends it by the session_version above.
    kiosk = user.role == "screen" and config.screens.kiosk_session
    if not kiosk and (now - login_at >= config.session_absolute_hours * 3600 or now - seen_at >= idle_s):
        return False
    if now - seen_at >= min(SEEN_REFRESH_S, idle_s / 4):
        session[_SEEN_AT] = int(now)
    return True


def start_session(user: User) -> None:
    """Sign `user` in on this request as a password sign-in does: a fresh session, nothing carried over.

    A wall screen's session (role `screen`, screens.kiosk_session) outlives a browser restart.
    """
    session.clear()
    _remember(user)
    session[_LOGIN_AT] = session[_SEEN_AT] = int(time.time())
    session.permanent = user.role == "screen" and current_app.extensions["cockpit"].config.screens.kiosk_session
    setattr(g, _USER_KEY, user)


def _remember(user: User) -> None:
    session["username"] = user.username
    session["role"] = user.role
    session["region_scope"] = user.region_scope
    session[_VERSION] = user.session_version


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else the site root (no open redirects)."""
    root = (request.script_root if has_request_context() else "") + "/"
    if not target or not target.startswith("/") or target.startswith("//"):
        return root
    # Browsers read "\" as "/", and control characters can split a Location header.
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return root
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return root
    return target


def _wants_json(path: str) -> bool:
    return path == "/api" or path.startswith(("/api/", "/_")) or "/_dash-" in path


def _guard() -> ResponseReturnValue | None:
    if request.path in PUBLIC_PATHS or current_user() is not None:
        return None
    if request.method == "GET" and request.path.startswith(PUBLIC_PREFIXES):
        return None
    if _wants_json(request.path):
        return jsonify(error={"status": 401, "message": t("login.required")}), 401
    here = request.script_root + request.full_path.rstrip("?")
    return redirect(url_for("cockpit_login", next=here), 302)


def login_page(next_target: str, error: str, status: int) -> Response:
    """The login page showing `error`, for another way of signing in (web/oidc.py)."""
    return _login_page(next_target, error=error, status=status)


def _login_page(next_target: str, username: str = "", error: str | None = None,
                status: int = 200) -> Response:
    html = _LOGIN_PAGE.substitute(
        html_lang="zh-CN" if current_language() == "zh" else "en",
        title=escape(t("app.title")),
        heading=escape(t("login.heading")),
        action=escape(url_for("cockpit_login")),
        error=f'<p class="error" role="alert">{escape(error)}</p>' if error else "",
        next=escape(next_target),
        username_label=escape(t("login.username")),
        username=escape(username),
        password_label=escape(t("login.password")),
        submit=escape(t("login.submit")),
        focus_user="" if username else "autofocus",
        focus_password="autofocus" if username else "",
        # Single sign-on, when web/oidc.py has registered it (auth.oidc is configured).
        sso=(f'<a class="sso" id="login-oidc" href="{escape(url_for("cockpit_oidc_login", next=next_target))}">'
             f'{escape(t("login.oidc"))}</a>' if "cockpit_oidc_login" in current_app.view_functions else ""),
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    # Framing (X-Frame-Options, CSP frame-ancestors) is decided for every page in web/security.py.
    return response


def _login() -> ResponseReturnValue:
    if request.method == "GET":
        target = request.args.get("next", "")
        if current_user() is not None:
            return redirect(safe_next(target), 302)
        return _login_page(target)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    target = request.form.get("next") or request.args.get("next", "")
    engine, address = _appdb().engine, request.remote_addr or ""
    try:
        wait = throttled_for(engine, username, address)
    except AppDatabaseError as exc:
        # Neither the password nor the throttle can be checked: say so, and when to try again.
        log.warning("sign-in of %r refused: the app database is unavailable: %s", username[:64], exc)
        response = _login_page(target, username, t("production.login_unavailable"), 503)
        response.headers["Retry-After"] = "30"
        return response
    if wait > 0:
        # Refused before the password is checked, so a right guess here reveals nothing.
        response = _login_page(target, username,
                               t("login.throttled", minutes=max(1, math.ceil(wait / 60))), 429)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    user = verify_password(engine, username, password)
    if user is None:
        known = get_user(engine, username)
        reason = ("unknown user" if known is None else
                  "account disabled" if known.disabled else "wrong password")
        audit(engine, username[:64] or None, LOGIN_FAILED, reason, request.remote_addr)
        count_failure(engine, username, address)
        return _login_page(target, username, t("login.failed"), 401)
    forget_failures(engine, username, address)
    # A fresh session on sign-in, so nothing from before it carries over.
    start_session(user)
    audit(engine, user.username, LOGIN, "", request.remote_addr)
    target = safe_next(target)
    if user.role == "screen" and target == request.script_root + "/":
        target = request.script_root + "/screen"  # a wall screen's account starts straight into the screen
    return redirect(target, 303)


def _logout() -> ResponseReturnValue:
    user = current_user()
    session.clear()
    setattr(g, _USER_KEY, None)
    if user is not None:
        # Ends every session of the user, in every browser, a copied cookie included.
        appdb = _appdb()
        try:
            appdb.bump_session_version(user.username)
            audit(appdb.engine, user.username, LOGOUT, "", request.remote_addr)
        except AppDatabaseError as exc:  # this browser's session is cleared; others end when it returns
            log.warning("sign-out of %s not recorded: the app database is unavailable: %s", user.username, exc)
    return redirect(url_for("cockpit_login"), 302)


def install_auth(server: Flask) -> None:
    """Add /login, /logout and the sign-in guard to `server`; the secret key is set elsewhere."""
    config = server.extensions["cockpit"].config
    # SameSite=Lax, not Strict: single sign-on's callback, and links from other intranet sites,
    # arrive as cross-site navigations that must carry the cookie (docs/security.md, "Sessions").
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_SECURE=config.session_secure_cookie,
                         # Flask refuses a cookie signed longer ago than this, on top of our own limits.
                         PERMANENT_SESSION_LIFETIME=timedelta(hours=config.session_absolute_hours))
    server.add_url_rule("/login", "cockpit_login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "cockpit_logout", _logout, methods=["GET", "POST"])
    server.before_request(_guard)


def ensure_admin(appdb: AppDB, password: str | None) -> None:
    """Create or reset the `admin` account when COCKPIT_ADMIN_PASSWORD is set (after migrate).

    ConfigError naming the variable when the password fails the policy (core/passwords.py).
    Audited when it created the account or changed its password, role or scope.
    """
    if not password:
        return
    try:
        check_password(password, "admin")
    except WeakPassword as exc:
        raise ConfigError(f"COCKPIT_ADMIN_PASSWORD: {exc.text('zh')} / {exc}") from None
    before = get_user(appdb.engine, "admin")
    user = upsert_user(appdb.engine, "admin", password, "admin")
    if before is None or user.session_version != before.session_version:
        audit(appdb.engine, None, ADMIN_PASSWORD_SET, "from COCKPIT_ADMIN_PASSWORD", object_="admin")


def secret_key_for(config: Config, appdb: AppDB) -> str:
    """The session signing key: COCKPIT_SECRET_KEY, else one stored once in the app database."""
    return config.secret_key or appdb.shared_secret("session_secret")
