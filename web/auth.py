"""Sign-in: the login page, the signed session cookie and the guard in front of every route.

Plain Flask, so the guard also covers Dash's own routes and the JSON API. Who is signed in
is re-read from the app database on each request, so disabling an account or changing a role
takes effect at once.

Failed sign-ins are counted in the shared cache, per user name and per client address, so
that every worker sees the same counts; past a limit, sign-in is refused (429) until the
window that the first failure opened has ended.
"""
from __future__ import annotations

import hashlib
import math
import threading
import time
from string import Template
from urllib.parse import urlsplit

from cachelib import BaseCache, RedisCache
from flask import Flask, Response, current_app, g, has_request_context, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from markupsafe import escape

from core.config import Config
from core.i18n import current_language, t
from datasources.appdb import AppDB, User

PUBLIC_PATHS = frozenset({"/login", "/logout", "/api/v1/health"})
_USER_KEY = "_cockpit_user"
_ABSENT = object()

# Login throttling: failures counted per user name (case-insensitive) and per client address.
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
THROTTLE_WINDOW_S = 15 * 60
_THROTTLE_PREFIX = "login-throttle:"
_LOCAL_CACHE_LOCK = threading.Lock()

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
        user = _appdb().get_user(username)
        if user is None or user.disabled:
            session.clear()
            user = None
        elif (session.get("role"), session.get("region_scope")) != (user.role, user.region_scope):
            _remember(user)
    setattr(g, _USER_KEY, user)
    return user


def _remember(user: User) -> None:
    session["username"] = user.username
    session["role"] = user.role
    session["region_scope"] = user.region_scope


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
    if _wants_json(request.path):
        return jsonify(error={"status": 401, "message": t("login.required")}), 401
    here = request.script_root + request.full_path.rstrip("?")
    return redirect(url_for("cockpit_login", next=here), 302)


def _throttle_keys(kind: str, value: str) -> tuple[str, str]:
    """(deadline key, count key) of one throttled subject; hashed, so any input is a short key."""
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    base = f"{_THROTTLE_PREFIX}{kind}:{digest}"
    return base + ":until", base + ":count"


def _throttle_subjects(username: str) -> list[tuple[str, str, int]]:
    """(kind, value, limit) for the user name and the client address of this request."""
    return [("user", username.casefold(), MAX_FAILURES_PER_USER),
            ("addr", request.remote_addr or "", MAX_FAILURES_PER_ADDRESS)]


def _throttle_cache() -> BaseCache:
    return current_app.extensions["cockpit"].warehouse.cache


def _throttled_for(cache: BaseCache, username: str) -> float:
    """Seconds until sign-in may be tried again for `username` from this address; 0 if now."""
    now = time.time()
    wait = 0.0
    for kind, value, limit in _throttle_subjects(username):
        until_key, count_key = _throttle_keys(kind, value)
        until = cache.get(until_key)
        # The deadline key decides whether a window is open: a count without one is left over.
        if until is None or until <= now:
            continue
        if int(cache.get(count_key) or 0) >= limit:
            wait = max(wait, until - now)
    return wait


def _count_failure(cache: BaseCache, username: str) -> None:
    """Add one failure for the user name and for the client address, each in its own window."""
    now = time.time()
    for kind, value, _ in _throttle_subjects(username):
        until_key, count_key = _throttle_keys(kind, value)
        if cache.add(until_key, now + THROTTLE_WINDOW_S, timeout=THROTTLE_WINDOW_S):
            # The first failure opens a window; start its count from zero, whatever was left.
            cache.set(count_key, 0, timeout=THROTTLE_WINDOW_S)
        if isinstance(cache, RedisCache):
            # INCR: atomic across workers, and it keeps the expiry that `set` gave the key.
            cache.inc(count_key)
            continue
        # cachelib's generic inc() rewrites the entry with the cache's default timeout (300 s
        # for SimpleCache), which would end the window early; in-process caches are only
        # shared by this process's threads, so a lock makes read-and-write safe here.
        with _LOCAL_CACHE_LOCK:
            until = cache.get(until_key) or now + THROTTLE_WINDOW_S
            count = int(cache.get(count_key) or 0) + 1
            cache.set(count_key, count, timeout=max(1, math.ceil(until - now)))


def _clear_failures(cache: BaseCache, username: str) -> None:
    """Forget the user name's failures (not the address's) after a successful sign-in."""
    cache.delete_many(*_throttle_keys("user", username.casefold()))


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
    cache = _throttle_cache()
    wait = _throttled_for(cache, username)
    if wait > 0:
        # Refused before the password is checked, so a right guess here reveals nothing.
        response = _login_page(target, username,
                               t("login.throttled", minutes=max(1, math.ceil(wait / 60))), 429)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    appdb = _appdb()
    user = appdb.verify_password(username, password)
    if user is None:
        known = appdb.get_user(username)
        reason = ("unknown user" if known is None else
                  "account disabled" if known.disabled else "wrong password")
        appdb.audit(username[:64] or None, "login_failed", reason, request.remote_addr)
        _count_failure(cache, username)
        return _login_page(target, username, t("login.failed"), 401)
    _clear_failures(cache, username)
    # A fresh session on sign-in, so nothing from before it carries over.
    session.clear()
    _remember(user)
    setattr(g, _USER_KEY, user)
    appdb.audit(user.username, "login", "", request.remote_addr)
    return redirect(safe_next(target), 303)


def _logout() -> ResponseReturnValue:
    username = session.get("username")
    session.clear()
    if isinstance(username, str):
        _appdb().audit(username, "logout", "", request.remote_addr)
    return redirect(url_for("cockpit_login"), 302)


def install_auth(server: Flask) -> None:
    """Add /login, /logout and the sign-in guard to `server`; the secret key is set elsewhere."""
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    server.add_url_rule("/login", "cockpit_login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "cockpit_logout", _logout, methods=["GET", "POST"])
    server.before_request(_guard)


def ensure_admin(appdb: AppDB, password: str | None) -> None:
    """Create or reset the `admin` account when COCKPIT_ADMIN_PASSWORD is set (after migrate)."""
    if not password:
        return
    appdb.upsert_user("admin", password, "admin")
    appdb.audit(None, "admin_password_set", "from COCKPIT_ADMIN_PASSWORD")


def secret_key_for(config: Config, appdb: AppDB) -> str:
    """The session signing key: COCKPIT_SECRET_KEY, else one stored once in the app database."""
    return config.secret_key or appdb.shared_secret("session_secret")
