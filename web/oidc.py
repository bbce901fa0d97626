"""Single sign-on through the unified identity platform (统一身份认证): OpenID Connect, code flow with PKCE.

`/login/oidc` sends the browser to the platform with a fresh state, nonce and PKCE challenge
(S256), and keeps them, with where to go afterwards, in the session. `/login/oidc/callback`
takes the code back, checks the state, exchanges the code (with the code verifier and the
client's credentials) and has Authlib check the ID token: signature by the platform's
published keys, issuer, audience, nonce and expiry. The claims then name a cockpit account
(docs/security.md, "Single sign-on"): it is created or updated in the app database and signed
in exactly as a password sign-in does. Whatever goes wrong on the way (the platform is down, a
stale or forged state, refused consent, a role claim that maps to no role) answers the login
page with a message, never a 500.

Installed by `install_oidc` only when `auth.oidc` is configured; local accounts always stay.
"""
from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from joserfc.errors import JoseError

from core.audit import LOGIN, LOGIN_FAILED
from core.config import OidcConfig
from core.i18n import t
from core.regions import is_region_code
from datasources.appdb import AppDB
from datasources.audit import audit
from datasources.users import User, UserExists, create_user, get_user, update_user
from web.auth import current_user, login_page, safe_next, start_session
from web.runtime import current_runtime

log = logging.getLogger(__name__)

_EXTENSION = "cockpit_oidc"          # server.extensions: (Authlib client, OidcConfig)
_PENDING_KEY = "_cockpit_oidc"       # session: state → the sign-in started with it
_MAX_PENDING = 5                     # sign-ins started in other tabs that may still come back
PENDING_TTL_S = 10 * 60              # a sign-in not finished by then must be started again
# Errors by which the platform says the user (or the platform's policy) did not allow the sign-in.
_DENIED = frozenset({"access_denied", "consent_required", "interaction_required", "login_required",
                     "account_selection_required"})


@dataclass(frozen=True)
class Identity:
    """The cockpit account the platform's claims name."""

    username: str
    role: str
    region_scope: str | None
    display_name: str | None
    personal_data: bool | None = None  # None: no personal-data claim configured, the flag stays as it is
    region_claimed: bool = True        # False: no region claim configured, the scope stays as it is


# Where accounts made by single sign-on come from (app_user.auth_source).
AUTH_SOURCE = "oidc"


class Refused(Exception):
    """This answer of the platform does not sign anyone in."""

    def __init__(self, message: str, status: int, reason: str, username: str | None = None) -> None:
        super().__init__(reason)
        self.message = message    # for the user, in the request's language
        self.status = status
        self.reason = reason      # for the log (and the audit log, when a user is known)
        self.username = username  # the platform's user, once its ID token has been checked


def claim(claims: Mapping[str, Any], name: str) -> Any:
    """The claim `name`; a dotted name that is not a claim itself is a path (`realm_access.roles`)."""
    if name in claims:
        return claims[name]
    value: Any = claims
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def map_role(value: Any, roles: Mapping[str, str]) -> str | None:
    """The cockpit role of a role claim (one value or a list): the first entry of `roles` it holds."""
    values = value if isinstance(value, list) else [value]
    held = {str(v) for v in values if isinstance(v, (str, int)) and not isinstance(v, bool)}
    return next((role for key, role in roles.items() if key in held), None)


def identity_from_claims(claims: Mapping[str, Any], config: OidcConfig) -> Identity:
    """The account the checked claims name; Refused when they name none (no role: no sign-in)."""
    username = claim(claims, config.username_claim)
    if not isinstance(username, str) or not username:
        raise Refused(t("login.oidc_bad_claim", what=t("login.oidc_claim.username")), 403,
                      f"claim {config.username_claim} missing or not a string")
    role_value = claim(claims, config.role_claim)
    role = map_role(role_value, config.roles)
    if role is None:
        raise Refused(t("login.oidc_no_role"), 403,
                      f"claim {config.role_claim}={str(role_value)[:100]!r} maps to no cockpit role", username)
    region = claim(claims, config.region_claim) if config.region_claim else None
    if isinstance(region, int) and not isinstance(region, bool):
        region = str(region)
    if region in (None, ""):
        region = None  # no region claim: the whole city
    elif not is_region_code(region):
        # Fail closed: a scope that cannot be read must not become the whole city.
        raise Refused(t("login.oidc_bad_claim", what=t("login.oidc_claim.region_scope")), 403,
                      f"claim {config.region_claim}={str(region)[:40]!r} is not a region code", username)
    display = claim(claims, config.display_name_claim) if config.display_name_claim else None
    display = (display.strip()[:128] or None) if isinstance(display, str) and display.isprintable() else None
    personal_data = None
    if config.personal_data_claim:
        flag = claim(claims, config.personal_data_claim)
        personal_data = flag is True or (isinstance(flag, str) and flag.strip().lower() in ("true", "1", "yes"))
    return Identity(username, role, region, display, personal_data, region_claimed=config.region_claim is not None)


def _client_and_config() -> tuple[Any, OidcConfig]:
    return current_app.extensions[_EXTENSION]


def _pending() -> dict[str, dict[str, Any]]:
    """Sign-ins started in this browser and not yet finished, oldest first (expired ones dropped)."""
    stored = session.get(_PENDING_KEY)
    now = time.time()
    if not isinstance(stored, dict):
        return {}
    return {state: attempt for state, attempt in stored.items()
            if isinstance(attempt, dict) and now - attempt.get("at", 0) < PENDING_TTL_S}


def _check_issuer(metadata: Mapping[str, Any], config: OidcConfig) -> None:
    # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
    if config.issuer is not None and metadata.get("issuer") != config.issuer:
        raise ValueError(f"the discovery document names issuer {metadata.get('issuer')!r}, "
                         f"not auth.oidc.issuer {config.issuer!r}")


def _start() -> ResponseReturnValue:
    """GET /login/oidc: off to the platform, with state, nonce and a PKCE challenge."""
    target = safe_next(request.args.get("next"))
    client, config = _client_and_config()
    try:
        if current_user() is not None:
            return redirect(target, 302)
        _check_issuer(client.load_server_metadata(), config)
        redirect_uri = config.redirect_uri or url_for("cockpit_oidc_callback", _external=True)
        # Authlib makes the state, the nonce (scope openid) and the code verifier with its S256 challenge.
        authorization = client.create_authorization_url(redirect_uri)
        attempt = {"next": target, "redirect_uri": redirect_uri, "nonce": authorization["nonce"],
                   "code_verifier": authorization["code_verifier"], "at": time.time()}
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        log.warning("single sign-on: the identity platform (%s) is not available: %s", config.discovery_url, exc)
        return login_page(target, t("login.oidc_unavailable"), 502)
    except Exception:
        log.exception("single sign-on could not start")
        return login_page(target, t("login.oidc_failed"), 502)
    pending = _pending()
    pending[authorization["state"]] = attempt
    # Kept in the signed session cookie, which stays small: a few sign-ins at most.
    session[_PENDING_KEY] = dict(list(pending.items())[-_MAX_PENDING:])
    return redirect(authorization["url"], 302)


def _claims(attempt: Mapping[str, Any]) -> dict[str, Any]:
    """The checked claims of the platform's answer to `attempt`; Refused when it is not good."""
    error = request.args.get("error")
    if error:
        description = request.args.get("error_description", "")[:200]
        denied = error in _DENIED
        raise Refused(t("login.oidc_denied" if denied else "login.oidc_failed"), 403 if denied else 502,
                      f"the platform answered error={error[:64]!r} {description!r}")
    code = request.args.get("code")
    if not code:
        raise Refused(t("login.oidc_failed"), 400, "no code in the callback")
    client, config = _client_and_config()
    try:
        token = client.fetch_access_token(redirect_uri=attempt["redirect_uri"], code=code,
                                          code_verifier=attempt["code_verifier"])
        # Signature (the platform's JWKS), iss, aud = client_id, nonce, exp and iat, at_hash.
        claims = client.parse_id_token(token, nonce=attempt["nonce"])
        if claims is None:
            raise Refused(t("login.oidc_failed"), 502, "the token response has no id_token")
        claims = dict(claims)
        if config.userinfo:
            info = client.userinfo(token=token)
            if info.get("sub") != claims.get("sub"):
                raise Refused(t("login.oidc_failed"), 502, "userinfo names another subject than the ID token")
            claims = {**info, **claims}
    except requests.RequestException as exc:
        raise Refused(t("login.oidc_unavailable"), 502, f"the identity platform is not available: {exc}") from exc
    except OAuthError as exc:
        raise Refused(t("login.oidc_failed"), 401, f"token request refused: {exc.error} {exc.description}") from exc
    except JoseError as exc:
        raise Refused(t("login.oidc_failed"), 401, f"ID token refused: {exc.error} {exc.description}") from exc
    return claims


def _store(appdb: AppDB, identity: Identity) -> User:
    """Create the account, or bring an existing one in line with the platform's claims.

    What the platform is not configured to say (region scope, personal data) stays as the
    administrators set it; a new account starts with none.

    Only what differs is written: an unchanged account keeps its session_version, so signing
    in again does not end the user's other sessions; a new role or scope does end them.
    """
    values: dict[str, Any] = {"role": identity.role}
    if identity.region_claimed:
        values["region_scope"] = identity.region_scope
    if identity.display_name is not None:
        values["display_name"] = identity.display_name
    if identity.personal_data is not None:
        values["personal_data"] = identity.personal_data
    engine = appdb.engine
    known = get_user(engine, identity.username)
    if known is None:
        try:
            # A random password nobody is told: the account signs in through the platform only.
            return create_user(engine, identity.username, secrets.token_urlsafe(32), **values,
                               auth_source=AUTH_SOURCE)
        except UserExists:
            known = get_user(engine, identity.username)  # created in between by another sign-in
    if known is not None and known.auth_source != AUTH_SOURCE:
        # A local account of the same name is not the platform's user: never taken over.
        raise Refused(t("login.oidc_local_account"), 403, "name of a local account", identity.username)
    return update_user(engine, identity.username, values)[0]


def _sign_in(identity: Identity, target: str) -> ResponseReturnValue:
    appdb = current_runtime().appdb
    engine = appdb.engine
    known = get_user(engine, identity.username)
    if known is not None and known.disabled:
        raise Refused(t("login.oidc_disabled"), 403, "account disabled", identity.username)
    try:
        user = _store(appdb, identity)
    except ValueError as exc:  # the claimed user name is not one the cockpit can store
        raise Refused(t("login.oidc_bad_claim", what=t("login.oidc_claim.username")), 403,
                      str(exc), identity.username) from exc
    if user.disabled:
        raise Refused(t("login.oidc_disabled"), 403, "account disabled", identity.username)
    audit(engine, user.username, LOGIN, "oidc", request.remote_addr)
    start_session(user)
    return redirect(safe_next(target), 303)


def _record_refusal(refused: Refused) -> None:
    log.warning("single sign-on refused%s: %s", f" for {refused.username!r}" if refused.username else "",
                refused.reason)
    if refused.username is None:
        return  # before the platform vouched for anyone: anyone can call the callback, so only logged
    try:
        audit(current_runtime().appdb.engine, refused.username, LOGIN_FAILED, f"oidc: {refused.reason}"[:500],
              request.remote_addr)
    except Exception:
        log.exception("single sign-on: the refusal could not be audited")


def _callback() -> ResponseReturnValue:
    """GET /login/oidc/callback: the platform's answer; signed in, or the login page saying why not."""
    target = ""
    try:
        pending = _pending()
        state = request.args.get("state", "")
        attempt = pending.pop(state, None) if state else None
        if _PENDING_KEY in session:
            session[_PENDING_KEY] = pending  # a state is used once
        if attempt is None and current_user() is not None:
            return redirect(safe_next(None), 302)  # e.g. the callback reloaded after signing in
        if attempt is None:
            raise Refused(t("login.oidc_state"), 400, "callback with an unknown or expired state")
        target = safe_next(attempt.get("next"))
        claims = _claims(attempt)
        return _sign_in(identity_from_claims(claims, _client_and_config()[1]), target)
    except Refused as refused:
        _record_refusal(refused)
        return login_page(target, refused.message, refused.status)
    except Exception:
        log.exception("single sign-on failed")
        return login_page(target, t("login.oidc_failed"), 502)


def _off() -> ResponseReturnValue:
    return redirect(url_for("cockpit_login"), 302)


def install_oidc(server: Flask, config: OidcConfig | None) -> None:
    """Add /login/oidc and its callback to `server`: single sign-on when `auth.oidc` is configured."""
    if config is None:
        # The paths are public (web/auth.py); unanswered, Dash's page router would serve its page.
        server.add_url_rule("/login/oidc", "cockpit_oidc_off", _off)
        server.add_url_rule("/login/oidc/callback", "cockpit_oidc_off_callback", _off)
        return
    client = OAuth(server).register(
        "oidc", client_id=config.client_id, client_secret=config.client_secret,
        server_metadata_url=config.discovery_url,
        client_kwargs={"scope": " ".join(config.scopes), "code_challenge_method": "S256",
                       "token_endpoint_auth_method": config.token_endpoint_auth_method,
                       "default_timeout": config.timeout_s})
    server.extensions[_EXTENSION] = (client, config)
    server.add_url_rule("/login/oidc", "cockpit_oidc_login", _start)
    server.add_url_rule("/login/oidc/callback", "cockpit_oidc_callback", _callback)
